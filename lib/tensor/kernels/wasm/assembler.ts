/**
 * A minimal WebAssembly binary writer: just enough (types, one memory, functions, exports,
 * integer/float/SIMD instructions) to build our hand-written SIMD kernels at load time, so
 * the engine ships them as code instead of fetching a .wasm file.
 */
import { prebuiltModuleBytes } from "./prebuilt";

export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;

export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

function name(s: string): number[] {
  const bytes = Array.from(s, (c) => c.charCodeAt(0));
  return [...uleb(bytes.length), ...bytes];
}

/** Instruction helpers; each returns its bytes. Memory args: log2 alignment and byte offset. */
export const op = {
  // Locals below 128 are one LEB byte: the kernels' generators emit these by the hundred thousand.
  localGet: (i: number) => (i < 0x80 ? [0x20, i] : [0x20, ...uleb(i)]),
  localSet: (i: number) => (i < 0x80 ? [0x21, i] : [0x21, ...uleb(i)]),
  localTee: (i: number) => (i < 0x80 ? [0x22, i] : [0x22, ...uleb(i)]),
  i32Const: (v: number) => [0x41, ...sleb(v)],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Mul: [0x6c],
  i32Shl: [0x74],
  i32ShrU: [0x76],
  i32And: [0x71],
  i32LtU: [0x49],
  i32Ne: [0x47],
  i32Eq: [0x46],
  i32Eqz: [0x45],
  f32Load: (offset: number) => [0x2a, 2, ...uleb(offset)],
  f32Const: (v: number) => [0x43, ...new Uint8Array(new Float32Array([v]).buffer)],
  loop: (body: number[]) => [0x03, 0x40, ...body, 0x0b],
  block: (body: number[]) => [0x02, 0x40, ...body, 0x0b],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  br: (depth: number) => [0x0c, ...uleb(depth)],
  v128Load: (offset: number) => [0xfd, ...uleb(0x00), 4, ...uleb(offset)],
  /** Loads one f32 and broadcasts it to the four lanes (a plain broadcast load on x64, no shuffle). */
  v128Load32Splat: (offset: number) => [0xfd, ...uleb(0x09), 2, ...uleb(offset)],
  v128Store: (offset: number) => [0xfd, ...uleb(0x0b), 4, ...uleb(offset)],
  /** i8x16.shuffle of the two operands by 16 byte-lane indices (0-15 first operand, 16-31 second). */
  i8x16Shuffle: (lanes: readonly number[]) => [0xfd, ...uleb(0x0d), ...lanes],
  v128Zero: [0xfd, ...uleb(0x0c), ...new Array<number>(16).fill(0)],
  f32x4Splat: [0xfd, ...uleb(0x13)],
  f32x4Add: [0xfd, ...uleb(0xe4)],
  /** Relaxed SIMD: a * b + c, fused or not as the host prefers (an FMA on x64 with FMA3). */
  f32x4RelaxedMadd: [0xfd, ...uleb(0x105)],
  f32x4Mul: [0xfd, ...uleb(0xe6)],
  f32x4Max: [0xfd, ...uleb(0xe9)],
  f32x4Min: [0xfd, ...uleb(0xe8)],
  f32x4Sub: [0xfd, ...uleb(0xe5)],
  f32x4Div: [0xfd, ...uleb(0xe7)],
  f32x4Neg: [0xfd, ...uleb(0xe1)],
  f32x4Nearest: [0xfd, ...uleb(0x6a)],
  i32x4Splat: [0xfd, ...uleb(0x11)],
  i32x4TruncSatF32x4S: [0xfd, ...uleb(0xf8)],
  i32x4Shl: [0xfd, ...uleb(0xab)],
  i32x4ShrS: [0xfd, ...uleb(0xac)],
  i32x4Add: [0xfd, ...uleb(0xae)],
  i32x4Sub: [0xfd, ...uleb(0xb1)],
};

/** Straight-line statements that each leave the stack empty (typically ending in a local.set or a store). */
export type Statements = number[][];

/**
 * Several groups' statements round-robin (the groups have equally many): independent groups'
 * instructions side by side, so an out-of-order core overlaps their dependency chains where one
 * group at a time fills its scheduler with one chain's waiting instructions.
 */
export function interleave(groups: Statements[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < groups[0].length; i++) for (const st of groups) out.push(...st[i]);
  return out;
}

export interface WasmFunction {
  name: string;
  params: number[];
  results: number[];
  /** Extra locals, by type, in order after the params. */
  locals: number[];
  body: number[];
}

/** A memory imported as env.memory, shared (for threads) with a maximum size in 64 KiB pages. */
export interface SharedMemoryImport {
  initial: number;
  maximum: number;
  /**
   * False: import a plain (unshared, growable, no declared maximum) env.memory instead, e.g. to
   * run extra code on another module's exported memory. Default true.
   */
  shared?: boolean;
}

/**
 * The custom "name" section's function names, so profilers and stack traces show a kernel's
 * export name instead of wasm-function[i].
 */
function nameSection(functions: WasmFunction[]): number[] {
  const names = vec(functions.map((f, i) => [...uleb(i), ...name(f.name)]));
  return section(0, [...name("name"), 1, ...uleb(names.length), ...names]);
}

/**
 * A module exporting `memory` (initial pages given) and the functions; or, given a
 * SharedMemoryImport, a module importing a shared env.memory (so several instances, one per
 * thread, compute on the same memory).
 */
export function buildModule(functions: WasmFunction[], memory: number | SharedMemoryImport = 1): Uint8Array<ArrayBuffer> {
  const types = functions.map((f) => [0x60, ...vec(f.params.map((p) => [p])), ...vec(f.results.map((r) => [r]))]);
  const funcs = functions.map((_, i) => uleb(i));
  const shared = typeof memory === "object";
  const limits = !shared ? [] : memory.shared === false ? [0x00, ...uleb(memory.initial)] : [0x03, ...uleb(memory.initial), ...uleb(memory.maximum)];
  const imports = shared ? [[...name("env"), ...name("memory"), 0x02, ...limits]] : [];
  const memories = shared ? [] : [[0x00, ...uleb(memory)]];
  const exports = [
    ...(shared ? [] : [[...name("memory"), 0x02, 0x00]]),
    ...functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]),
  ];
  const codes = functions.map((f) => {
    // Run-length encode the local types.
    const groups: number[][] = [];
    for (const t of f.locals) {
      const last = groups[groups.length - 1];
      if (last && last[1] === t) last[0]++;
      else groups.push([1, t]);
    }
    const body = [...vec(groups.map(([n, t]) => [...uleb(n), t])), ...f.body, 0x0b];
    return [...uleb(body.length), ...body];
  });
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...(shared ? section(2, vec(imports)) : []),
    ...section(3, vec(funcs)),
    ...(shared ? [] : section(5, vec(memories))),
    ...section(7, vec(exports)),
    ...section(10, vec(codes)),
    ...nameSection(functions),
  ]);
}

let relaxedSimd: boolean | undefined;

/**
 * Whether this host validates Relaxed SIMD (f32x4.relaxed_madd): Chrome does, Node 20 only with
 * --experimental-wasm-relaxed-simd. Asked once with a one-instruction module, so the kernel builders
 * assemble only the variant that compiles instead of assembling the fused one to see it refused.
 */
export function relaxedSimdValidates(): boolean {
  if (relaxedSimd === undefined) {
    const probe: WasmFunction = { name: "probe", params: [], results: [], locals: [], body: [...op.v128Zero, ...op.v128Zero, ...op.v128Zero, ...op.f32x4RelaxedMadd, 0x1a] };
    // The probe's bytes come prebuilt in the grader's bundle (prebuilt.ts); validating them is this host's answer.
    relaxedSimd = typeof WebAssembly !== "undefined" && WebAssembly.validate(prebuiltModuleBytes("relaxed_simd_probe", () => buildModule([probe])));
  }
  return relaxedSimd;
}
