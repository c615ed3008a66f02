/**
 * C = A @ B and A's row sums through the current backend's GEMM (wasm/matmul_simd.ts
 * createStepSumMatmul: the sums from the copy of A the product stages). Returns false on the
 * plain-TS backend, for float64 and where the staged path does not apply; the caller then sums
 * on its own. Looked up at call time, so selectBackend() and the thread pool switch it with the rest.
 */
import { kernels } from "./registry";
import { createStepSumMatmul } from "./wasm/matmul_simd";

export const matmulStepSums = createStepSumMatmul(() => kernels.gemm);
