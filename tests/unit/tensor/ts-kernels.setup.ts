/**
 * Setup of the "tensor-ts-kernels" vitest project: the engine's value suites run a second time
 * on the plain-TypeScript kernels (no WebAssembly GEMM, matmul or SIMD exp/sigmoid), so the
 * fallback every host without WebAssembly SIMD gets is held to the same fixtures.
 */
import { kernels, selectBackend } from "../../../lib/tensor/kernels/registry";
import { matmulStrided } from "../../../lib/tensor/kernels/matmul";

selectBackend("ts");
if (kernels.gemm !== null || kernels.matmul !== matmulStrided) throw new Error("the plain-TypeScript backend did not take effect");
