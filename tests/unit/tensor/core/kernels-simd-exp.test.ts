/**
 * simd_exp.ts's exp forms give the exp kernel's bits (unary_simd.ts's exp_f32, which finds k by
 * nearest and a conversion and scales by two powers of two): expF32x4 over any float32, and
 * expNonPositiveF32x4 over x <= 0 and NaN, on random values over the whole clamped range, the
 * rounding ties of x * log2 e, the edges of the clamps and of the denormal range, and the specials.
 * The Relaxed SIMD (fused multiply-add) builds of both forms agree with each other.
 */
import { describe, expect, it } from "vitest";
import { I32, V128, buildModule, op, type WasmFunction } from "../../../../lib/tensor/kernels/wasm/assembler";
import { expF32x4, expNonPositiveF32x4 } from "../../../../lib/tensor/kernels/wasm/simd_exp";
import { unaryModuleBytes } from "../../../../lib/tensor/kernels/wasm/unary_simd";

const g = op.localGet, s = op.localSet;
type Run = (x: Float32Array) => Float32Array;

/** y = exp(x) over n4 groups by one of the forms (locals: 3 x, 4-7 scratch). */
function form(name: string, exp: number[]): WasmFunction {
  const IN = 0, OUT = 1, N4 = 2, X = 3;
  return {
    name, params: [I32, I32, I32], results: [], locals: [V128, V128, V128, V128, V128],
    body: op.block([...g(N4), ...op.i32Eqz, ...op.brIf(0), ...op.loop([
      ...g(IN), ...op.v128Load(0), ...s(X), ...g(OUT), ...exp, ...op.v128Store(0),
      ...g(IN), ...op.i32Const(16), ...op.i32Add, ...s(IN), ...g(OUT), ...op.i32Const(16), ...op.i32Add, ...s(OUT),
      ...g(N4), ...op.i32Const(1), ...op.i32Sub, ...op.localTee(N4), ...op.brIf(0),
    ])]),
  };
}

function runner(bytes: Uint8Array<ArrayBuffer>, name: string): Run | null {
  if (!WebAssembly.validate(bytes)) return null;
  const e = new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports;
  const memory = e.memory as WebAssembly.Memory;
  const fn = e[name] as (a: number, b: number, n4: number) => void;
  return (x) => {
    const need = 2 * x.length * 4;
    if (need > memory.buffer.byteLength) memory.grow(Math.ceil((need - memory.buffer.byteLength) / 65536));
    const h = new Float32Array(memory.buffer);
    h.set(x, 0);
    fn(0, x.length * 4, x.length >> 2);
    return h.slice(x.length, 2 * x.length);
  };
}

const X = 3, KF = 4, R = 5, KI = 6, K1 = 7;
const forms = (fma: boolean) => buildModule([
  form("general", expF32x4(X, KF, R, KI, K1, fma)),
  form("nonpositive", expNonPositiveF32x4(X, KF, R, KI, fma)),
]);
const kernel = runner(unaryModuleBytes(), "exp_f32");

/** x whose float32 product with log2 e is k + 1/2 for some of k = -140..80 (ties of the rounding of k). */
function ties(): number[] {
  const out: number[] = [];
  const f = Math.fround;
  for (let k = -140; k <= 80; k++) {
    const t = k + 0.5;
    let x = f(t / Math.LOG2E);
    for (let step = 0; step < 64 && f(x * f(Math.LOG2E)) !== t; step++) {
      const a = new Float32Array([x]);
      const bits = new Int32Array(a.buffer);
      bits[0] += f(x * f(Math.LOG2E)) < t === x > 0 ? 1 : -1;
      x = a[0];
    }
    if (f(x * f(Math.LOG2E)) === t) out.push(x);
  }
  return out;
}

function inputs(nonPositive: boolean): Float32Array {
  const special = [0, -0, -Infinity, NaN, -87.33, -87.34, -88.72, -103.279, -103.28, -103.9, -104, -104.1, -150, -1e-30, -1e-45, -0.5, -0.34657359, -1.03972077];
  const positive = [Infinity, 1e-30, 0.5, 88.7, 88.72, 88.73, 88.8, 88.9, 89, 100];
  const vals = [...special, ...ties().filter((x) => !nonPositive || x <= 0), ...(nonPositive ? [] : positive)];
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  for (let i = 0; i < 40000; i++) vals.push(nonPositive ? -rand() * 110 : (rand() - 0.6) * 220);
  for (let i = 0; i < 4000; i++) vals.push(-rand() * 2);
  while (vals.length % 4) vals.push(0);
  return Float32Array.from(vals);
}

const sameBits = (a: Float32Array, b: Float32Array) => a.every((v, i) => Object.is(v, b[i]));

describe.skipIf(kernel === null)("simd_exp's exp forms", () => {
  it("finds rounding ties of x * log2 e to test", () => {
    expect(ties().length).toBeGreaterThan(150);
  });

  it("expF32x4 gives the exp kernel's bits over all float32 inputs", () => {
    const x = inputs(false);
    expect(sameBits(runner(forms(false), "general")!(x), kernel!(x))).toBe(true);
  });

  it("expNonPositiveF32x4 gives them over x <= 0 and NaN (denormal and zero results included)", () => {
    const x = inputs(true);
    const got = runner(forms(false), "nonpositive")!(x);
    expect(sameBits(got, kernel!(x))).toBe(true);
    expect(got.some((v) => v > 0 && v < 2 ** -126)).toBe(true);
    expect(got.some((v) => v === 0)).toBe(true);
  });

  // Relaxed SIMD validates with Node's flag (the "tensor-relaxed-simd" project, which expects it).
  const relaxed = WebAssembly.validate(forms(true));
  it("runs the fused multiply-add builds where the project expects Relaxed SIMD", () => {
    expect(relaxed || process.env.GRADBOOK_EXPECT_RELAXED_SIMD !== "1").toBe(true);
  });

  it.skipIf(!relaxed)("the fused multiply-add builds of the two forms agree over x <= 0", () => {
    const fma = forms(true);
    const x = inputs(true);
    expect(sameBits(runner(fma, "nonpositive")!(x), runner(fma, "general")!(x))).toBe(true);
  });
});
