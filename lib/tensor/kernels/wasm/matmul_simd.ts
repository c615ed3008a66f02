/**
 * WebAssembly SIMD matmul for float32: the packed GEMM (gemm.ts) with strided packers, so
 * transposed operands cost nothing extra. Falls back to the plain-TS kernel for float64
 * (gradcheck) and tiny products.
 */
import type { Storage } from "../../dtype";
import { denseC, stridedA, stridedB, type Gemm } from "./gemm";

type Matmul = (
  m: number, n: number, k: number,
  a: Storage, aOff: number, as0: number, as1: number,
  b: Storage, bOff: number, bs0: number, bs1: number,
  c: Storage, cOff: number,
) => void;

/** Products smaller than this many multiply-adds stay in JS (packing overhead dominates). */
const MIN_WORK = 16 * 16 * 16;

/**
 * The matmul kernel over the packed GEMM `gemm()` returns at call time (the fallback when it
 * returns null), or null when `available` is null (no WebAssembly SIMD on this host).
 */
export function createWasmMatmul(fallback: Matmul, gemm: () => Gemm | null, available: Gemm | null): Matmul | null {
  if (!available) return null;
  return function matmulWasm(m, n, k, a, aOff, as0, as1, b, bOff, bs0, bs1, c, cOff) {
    const g = gemm();
    if (!g || !(a instanceof Float32Array) || !(b instanceof Float32Array) || !(c instanceof Float32Array) || m * n * k < MIN_WORK) {
      fallback(m, n, k, a, aOff, as0, as1, b, bOff, bs0, bs1, c, cOff);
      return;
    }
    g.gemm(m, n, k, stridedA(m, a, aOff, as0, as1), stridedB(n, b, bOff, bs0, bs1), denseC(m, n, c, cOff));
  };
}
