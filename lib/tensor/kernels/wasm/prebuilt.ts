/**
 * WebAssembly module bytes assembled ahead of time, for a host that loads the engine over and over:
 * the grader loads it into a fresh isolate for every job (lib/grading/sandbox), and assembling the
 * modules the engine builds while it loads cost ~40 ms of each isolate's ~150 ms, where compiling
 * them takes under 1 ms. The grader's bundle build (scripts/build-grader-engine.mjs) assembles them
 * once, in an isolate like the grader's, and esbuild's `define` puts them here as a literal. Every
 * other build (the browser worker, Node tests) has no table, and the call sites assemble as before.
 *
 * Integrity: the table is a constant of this module, inside the bundle's closure; no global holds
 * it, nothing outside this module can reach it, and each lookup decodes a fresh copy. Bytes go one
 * way, from the bundle build into isolates: nothing assembled or seen inside an isolate is kept
 * beyond it. A key names the module and every option its bytes depend on, so a host that would
 * assemble different bytes (with Relaxed SIMD, say) looks up another key, misses, and assembles.
 */

/** Module key -> its bytes as a latin1 string (one char per byte); replaced by the grader bundle's build only. */
declare const __GRADBOOK_PREBUILT_WASM__: Readonly<Record<string, string>> | undefined;

const table: Readonly<Record<string, string>> | undefined = typeof __GRADBOOK_PREBUILT_WASM__ === "object" ? __GRADBOOK_PREBUILT_WASM__ : undefined;

/** With a table: the assemblers of the keys it served (for prebuiltWasmReport), and the bytes of the ones it did not. */
const served = new Map<string, () => Uint8Array<ArrayBuffer>>();
const assembled = new Map<string, Uint8Array<ArrayBuffer>>();

/** The bytes of module `key`: the prebuilt ones when this build has them, else `assemble()`. */
export function prebuiltModuleBytes(key: string, assemble: () => Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  if (table === undefined) return assemble();
  const text = Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
  if (text === undefined) {
    const bytes = assemble();
    if (!assembled.has(key)) assembled.set(key, bytes.slice());
    return bytes;
  }
  served.set(key, assemble);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

export interface PrebuiltWasmReport {
  /** Whether this build embeds a table (the grader's bundle). */
  embedded: boolean;
  /** Keys looked up and served from the table. */
  served: string[];
  /** Keys looked up and assembled here (missing from the table). */
  assembled: string[];
  /** Served keys whose table bytes differ from what assembling them here gives (always empty unless the table is stale). */
  differing: string[];
}

/** What the table served so far; re-assembles every served module to compare (for tests: costs what the table saved). */
export function prebuiltWasmReport(): PrebuiltWasmReport {
  const differing: string[] = [];
  for (const [key, assemble] of served) {
    const fresh = assemble();
    const text = table![key];
    if (fresh.length !== text.length || fresh.some((byte, i) => byte !== text.charCodeAt(i))) differing.push(key);
  }
  return { embedded: table !== undefined, served: [...served.keys()], assembled: [...assembled.keys()], differing };
}

/** The modules assembled here because the table lacks them, as latin1 strings: what the bundle build embeds (it runs with an empty table). */
export function assembledWasmModules(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, bytes] of assembled) {
    let text = "";
    for (let i = 0; i < bytes.length; i += 0x2000) text += String.fromCharCode(...bytes.subarray(i, i + 0x2000));
    out[key] = text;
  }
  return out;
}
