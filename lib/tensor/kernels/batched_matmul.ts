/**
 * A batch of same-shape products through the current backend: the WebAssembly GEMM's batched path
 * (operands staged and packed once in module memory, wasm/matmul_simd.ts) or, on the plain-TS
 * backend and for float64, one `kernels.matmul` per slice. Looked up at call time, so
 * selectBackend() switches it with the rest.
 */
import { kernels } from "./registry";
import { createBatchedMatmul } from "./wasm/matmul_simd";

export type { CausalSkip } from "./wasm/matmul_simd";

export const matmulBatched = createBatchedMatmul(() => kernels.matmul, () => kernels.gemm);
