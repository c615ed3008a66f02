/**
 * WebAssembly SIMD exp and sigmoid for float32 (Cephes expf: range reduction by ln 2 and a
 * degree-5 minimax polynomial, about 1 ulp). 2^k is applied as two normal powers of two so
 * results near the overflow edge stay finite and tiny results become denormals or 0 (so
 * exp(-inf) is exactly 0, which masked softmax relies on). Other dtypes and short arrays use
 * the JS kernels.
 */
import type { Storage } from "../../dtype";
import { I32, V128, buildModule, op, type WasmFunction } from "./assembler";
import { instantiateOwnMemory } from "./own_memory";
import { prebuiltModuleBytes } from "./prebuilt";
import { f32x4Pmax, f32x4Pmin } from "./simd_exp";

type Unary = (n: number, x: Storage, out: Storage, p0: number, p1: number) => void;

// Params: in (bytes), out (bytes), count of 4-float groups.
const P_IN = 0, P_OUT = 1, P_N4 = 2;
// Locals (v128 unless noted).
const X = 3, KF = 4, R = 5, P = 6, KI = 7, K1 = 8;
const C_LOG2E = 9, C_C1 = 10, C_C2 = 11, C_HI = 12, C_LO = 13, C_ONE = 14, C_127 = 15;
const C_P = 16; // six polynomial coefficients at C_P..C_P+5

const COEFFS = [1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1];

function expFunction(name: string, sigmoid: boolean): WasmFunction {
  const g = op.localGet, s = op.localSet;
  const splat = (v: number, local: number) => [...op.f32Const(v), ...op.f32x4Splat, ...s(local)];
  const consts = [
    ...splat(Math.LOG2E, C_LOG2E), ...splat(0.693359375, C_C1), ...splat(-2.12194440e-4, C_C2),
    ...splat(88.8, C_HI), ...splat(-104, C_LO), ...splat(1, C_ONE),
    ...op.i32Const(127), ...op.i32x4Splat, ...s(C_127),
    ...COEFFS.flatMap((c, i) => splat(c, C_P + i)),
  ];
  const body: number[] = [
    ...g(P_IN), ...op.v128Load(0),
    ...(sigmoid ? op.f32x4Neg : []),
    ...g(C_HI), ...f32x4Pmin, ...g(C_LO), ...f32x4Pmax, ...s(X), // data first: NaN kept (simd_exp.ts)
    // kf = nearest(x * log2 e); r = x - kf * C1 - kf * C2
    ...g(X), ...g(C_LOG2E), ...op.f32x4Mul, ...op.f32x4Nearest, ...s(KF),
    ...g(X), ...g(KF), ...g(C_C1), ...op.f32x4Mul, ...op.f32x4Sub, ...g(KF), ...g(C_C2), ...op.f32x4Mul, ...op.f32x4Sub, ...s(R),
    // p = horner(coeffs, r); e = p * r^2 + r + 1
    ...g(C_P),
    ...[1, 2, 3, 4, 5].flatMap((i) => [...g(R), ...op.f32x4Mul, ...g(C_P + i), ...op.f32x4Add]),
    ...g(R), ...op.f32x4Mul, ...g(R), ...op.f32x4Mul, ...g(R), ...op.f32x4Add, ...g(C_ONE), ...op.f32x4Add, ...s(P),
    // 2^k = 2^k1 * 2^k2 with k1 = k >> 1, k2 = k - k1, each built from exponent bits
    ...g(KF), ...op.i32x4TruncSatF32x4S, ...s(KI),
    ...g(KI), ...op.i32Const(1), ...op.i32x4ShrS, ...s(K1),
    ...g(P),
    ...g(K1), ...g(C_127), ...op.i32x4Add, ...op.i32Const(23), ...op.i32x4Shl, ...op.f32x4Mul,
    ...g(KI), ...g(K1), ...op.i32x4Sub, ...g(C_127), ...op.i32x4Add, ...op.i32Const(23), ...op.i32x4Shl, ...op.f32x4Mul,
    ...(sigmoid ? [...s(P), ...g(C_ONE), ...g(C_ONE), ...g(P), ...op.f32x4Add, ...op.f32x4Div] : []),
    ...s(X),
    ...g(P_OUT), ...g(X), ...op.v128Store(0),
    ...g(P_IN), ...op.i32Const(16), ...op.i32Add, ...s(P_IN),
    ...g(P_OUT), ...op.i32Const(16), ...op.i32Add, ...s(P_OUT),
    ...g(P_N4), ...op.i32Const(1), ...op.i32Sub, ...op.localTee(P_N4), ...op.brIf(0),
  ];
  return {
    name,
    params: [I32, I32, I32],
    results: [],
    locals: new Array<number>(C_P + 6 - 3).fill(V128),
    body: [...consts, ...op.block([...g(P_N4), ...op.i32Eqz, ...op.brIf(0), ...op.loop(body)])],
  };
}

export const unaryModuleBytes = (): Uint8Array<ArrayBuffer> =>
  buildModule([expFunction("exp_f32", false), expFunction("sigmoid_f32", true)]);

const MIN_N = 64;

/** SIMD exp and sigmoid kernels wrapping the JS ones, or null without WebAssembly SIMD. */
export function createWasmUnary(fallback: Record<"exp" | "sigmoid", Unary>): Record<"exp" | "sigmoid", Unary> | null {
  const wasm = instantiateOwnMemory<Record<string, (inp: number, out: number, n4: number) => void>>(() => prebuiltModuleBytes("unary", unaryModuleBytes));
  if (!wasm) return null;
  const ensure = wasm.heap;
  const wrap = (name: "exp" | "sigmoid"): Unary => {
    const fn = wasm.exports[`${name}_f32`];
    const js = fallback[name];
    return (n, x, out, p0, p1) => {
      if (!(x instanceof Float32Array) || !(out instanceof Float32Array) || n < MIN_N) {
        js(n, x, out, p0, p1);
        return;
      }
      // Chunks keep the wasm heap small (4 MB) however large the tensor is.
      const CHUNK = 1 << 20;
      const h = ensure(2 * Math.min(n, CHUNK) + 8);
      for (let start = 0; start < n; start += CHUNK) {
        const len = Math.min(CHUNK, n - start);
        const n4 = len >>> 2;
        const outBase = Math.min(n, CHUNK) + 4;
        h.set(x.subarray(start, start + len), 0);
        fn(0, outBase * 4, n4);
        out.set(h.subarray(outBase, outBase + n4 * 4), start);
        const done = n4 * 4;
        if (done < len) js(len - done, x.subarray(start + done, start + len), out.subarray(start + done, start + len), p0, p1);
      }
    };
  };
  return { exp: wrap("exp"), sigmoid: wrap("sigmoid") };
}
