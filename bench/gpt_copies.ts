/**
 * Where the GPT step (bench/gpt.ts) copies floats: counts the bytes each call site passes through
 * TypedArray.prototype.set (the copies into and out of the kernels' WebAssembly memory, and most
 * others) over a few steps, and prints the sites by bytes per step. Diagnostic only (the stack
 * walk makes the step slow).
 *
 *   node --experimental-wasm-relaxed-simd --import tsx bench/gpt_copies.ts [steps]
 */
import { gptStep } from "./gpt";

const steps = Number(process.argv[2] ?? 5);
const step = gptStep();
for (let i = 0; i < 3; i++) step();
const bytes = new Map<string, number>();
let counting = true;
const proto = Object.getPrototypeOf(Float32Array.prototype) as { set: (this: ArrayBufferView, src: ArrayLike<number>, offset?: number) => void };
const set = proto.set;
proto.set = function (this: ArrayBufferView, src: ArrayLike<number>, offset?: number) {
  if (counting) {
    counting = false;
    const frames = (new Error().stack ?? "").split("\n").slice(2, 4).map((l) => l.trim().replace(/^at /, "").replace(/\(.*\/lib\/tensor\//, "(").replace(/\(.*\/bench\//, "(bench/"));
    const n = ArrayBuffer.isView(src) ? src.byteLength : src.length * (this as Float32Array).BYTES_PER_ELEMENT;
    const key = frames.join(" <- ");
    bytes.set(key, (bytes.get(key) ?? 0) + n);
    counting = true;
  }
  return set.call(this, src, offset);
};
for (let i = 0; i < steps; i++) step();
proto.set = set;
const rows = [...bytes].sort((a, b) => b[1] - a[1]);
const total = rows.reduce((s, [, b]) => s + b, 0);
console.log(`${(total / steps / 1e6).toFixed(2)} MB per step through TypedArray set`);
for (const [site, b] of rows.slice(0, 30)) console.log(`${(b / steps / 1e6).toFixed(3).padStart(7)} MB  ${site}`);
