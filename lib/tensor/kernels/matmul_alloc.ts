/**
 * C = A @ B into an output the kernel allocates itself, once a thread pool's threads are at work
 * (wasm/matmul_simd.ts createAllocatingMatmul); null where that does not apply (one thread, the
 * plain-TS backend, float64, products that are not row-sliced): torch.mm then allocates first.
 * Looked up at call time, so selectBackend() and the thread pool switch it with the rest.
 */
import { kernels } from "./registry";
import { createAllocatingMatmul } from "./wasm/matmul_simd";

export const matmulAllocating = createAllocatingMatmul(() => kernels.gemm);
