/**
 * The kernel registry: the only path from ops to numeric loops. Ops look kernels up here at
 * call time, so a faster backend (e.g. WebAssembly SIMD) can replace any entry with
 * `registerKernel` without changing the API or the ops.
 *
 * Conventions: arrays are Float32Array or Float64Array; unary kernels read and write
 * contiguous arrays of length n; strided kernels receive offsets and strides in elements.
 */
import type { Storage } from "../dtype";
import { binaryStrided } from "./binary";
import { copyStrided } from "./copy";
import { matmulStrided } from "./matmul";
import { optimKernels, type OptimKernels } from "./optim";
import { reduceAxis, sumAll } from "./reduce";
import { unaryGradKernels, unaryKernels, type UnaryGradKernelName, type UnaryKernelName } from "./unary";
import { createLocalGemm, type Gemm } from "./wasm/gemm";
import { createWasmElementwise } from "./wasm/elementwise_simd";
import { createWasmMatmul } from "./wasm/matmul_simd";
import { createWasmUnary } from "./wasm/unary_simd";

export type Arr = Storage;
export type { UnaryGradKernelName, UnaryKernelName };
/** out[i] = f(x[i]; p0, p1) for i < n. */
export type UnaryKernel = (n: number, x: Arr, out: Arr, p0: number, p1: number) => void;
/** out[i] = g[i] * f'(s[i]) where s is the saved input or output of the forward. */
export type UnaryGradKernel = (n: number, g: Arr, s: Arr, out: Arr, p0: number, p1: number) => void;

export interface KernelTable {
  /**
   * The packed float32 GEMM behind matmul and convolution (WebAssembly SIMD; a thread pool's when
   * threads are on), or null: then matmul is plain TS and convolution goes through im2col + matmul.
   */
  gemm: Gemm | null;
  /** Elementwise op `op` (see BinaryOp) over broadcast strides, written to a strided out. */
  binary: typeof binaryStrided;
  /** Copies a strided view into another strided layout of the same shape. */
  copy: typeof copyStrided;
  /** C[m,n] = A[m,k] @ B[k,n]; A and B given by offset and two strides (free transposes). */
  matmul: typeof matmulStrided;
  /** Reduces the middle axis of a contiguous [outer, r, inner] array. */
  reduce: typeof reduceAxis;
  /** Sum of a contiguous array (accumulated in float64). */
  sumAll: typeof sumAll;
  unary: Record<UnaryKernelName, UnaryKernel>;
  unaryGrad: Record<UnaryGradKernelName, UnaryGradKernel>;
  /** The optimizers' fused per-parameter updates (SGD, Adam/AdamW) over flat arrays. */
  optim: OptimKernels;
}

/** The packed WebAssembly GEMM on this thread, or null without WebAssembly SIMD. */
const localGemm = createLocalGemm();
/** Float32 contiguous add/sub/mul/div and the optimizer updates in WebAssembly SIMD, or null. */
const elementwiseSimd = createWasmElementwise({
  binary: binaryStrided, optim: optimKernels, relu: unaryKernels.relu, reluGrad: unaryGradKernels.relu, reduce: reduceAxis,
});

export const kernels: KernelTable = {
  gemm: localGemm,
  binary: elementwiseSimd?.binary ?? binaryStrided,
  copy: copyStrided,
  // The WebAssembly SIMD kernel when the host supports it (float32), else plain TS.
  matmul: createWasmMatmul(matmulStrided, () => kernels.gemm, localGemm) ?? matmulStrided,
  reduce: elementwiseSimd?.reduce ?? reduceAxis,
  sumAll,
  // exp and sigmoid over float32 go through WebAssembly SIMD when available.
  unary: { ...unaryKernels, ...(createWasmUnary(unaryKernels) ?? {}), ...(elementwiseSimd ? { relu: elementwiseSimd.relu } : {}) },
  unaryGrad: { ...unaryGradKernels, ...(elementwiseSimd ? { relu: elementwiseSimd.reluGrad } : {}) },
  optim: elementwiseSimd?.optim ?? optimKernels,
};

/**
 * The two backends: WebAssembly SIMD (the default where the host has it) and plain TypeScript
 * (always there: the fallback, and what the value tests run a second time on, as tfjs-core runs
 * one suite on each of its backends).
 */
export type BackendName = "wasm" | "ts";
const backends: Record<BackendName, Pick<KernelTable, "gemm" | "matmul" | "unary" | "unaryGrad" | "binary" | "optim" | "reduce">> = {
  wasm: {
    gemm: kernels.gemm, matmul: kernels.matmul, unary: { ...kernels.unary }, unaryGrad: { ...kernels.unaryGrad },
    binary: kernels.binary, optim: kernels.optim, reduce: kernels.reduce,
  },
  ts: {
    gemm: null, matmul: matmulStrided, unary: { ...unaryKernels }, unaryGrad: { ...unaryGradKernels },
    binary: binaryStrided, optim: optimKernels, reduce: reduceAxis,
  },
};

/** Switches matmul, convolution's GEMM, the SIMD unary/binary kernels and the optimizer updates to one backend's. */
export function selectBackend(name: BackendName): void {
  const b = backends[name];
  kernels.gemm = b.gemm;
  kernels.matmul = b.matmul;
  kernels.binary = b.binary;
  kernels.optim = b.optim;
  kernels.reduce = b.reduce;
  Object.assign(kernels.unary, b.unary);
  Object.assign(kernels.unaryGrad, b.unaryGrad);
}

type Replaceable = Exclude<keyof KernelTable, "unary" | "unaryGrad" | "optim">;

/** Replaces a kernel, returning the previous one so a backend can fall back to it. */
export function registerKernel<K extends Replaceable>(name: K, impl: KernelTable[K]): KernelTable[K] {
  const prev = kernels[name];
  kernels[name] = impl;
  return prev;
}

/** Replaces a unary kernel (and its gradient kernel, for the names that have one). */
export function registerUnaryKernel(name: UnaryKernelName, fwd: UnaryKernel, grad?: UnaryGradKernel): void {
  kernels.unary[name] = fwd;
  if (grad) {
    if (!(name in kernels.unaryGrad)) throw new Error(`unary kernel ${name} has no gradient kernel to replace`);
    kernels.unaryGrad[name as UnaryGradKernelName] = grad;
  }
}
