/**
 * C = A @ B + a bias row through the current backend's GEMM (wasm/matmul_simd.ts's preload: the
 * bias is copied into the C block before the products are added). Returns false on the plain-TS
 * backend, for float64 and where the staged path does not apply; addmm then adds the bias itself.
 * Looked up at call time, so selectBackend() and the thread pool switch it with the rest.
 */
import { kernels } from "./registry";
import { createBiasMatmul } from "./wasm/matmul_simd";

export const matmulBias = createBiasMatmul(() => kernels.gemm);
