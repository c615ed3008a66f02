/**
 * nn.Sequential's Conv2d -> ReLU -> MaxPool2d(2) run as one fused op (ops/conv_relu_pool.ts): the
 * convolution's result stays in the GEMM's WebAssembly memory for ReLU and the pool instead of
 * being copied out and in around each op (LeNet-style CNNs spend much of a step on those copies).
 *
 * Sequential may fuse because it holds the two intermediate results alone: nobody can read them
 * or their gradients. So the pattern applies only to the plain modules (their own classes, the
 * library's forward and call, no hooks, which could see or replace the intermediates), zero
 * padding, and a 2x2 pool at stride 2 without padding, dilation or returned indices. Anything
 * else, and whatever the fused op declines (see convReluMaxPool2d), runs the modules one by one.
 */
import { float32 } from "../../dtype";
import { convReluMaxPool2d } from "../../ops/conv_relu_pool";
import { Tensor } from "../../tensor";
import { convPadding, ntuple } from "../functional/conv";
import { Module } from "../module";
import { ReLU } from "./activation";
import { Conv2d } from "./conv";
import { MaxPool2d } from "./pooling";
import { anyGlobalHooks } from "../global_hooks";

// Captured at load: a patched prototype method (or an instance's own) means the user changed what runs.
const CALL = Module.prototype._call_impl;
const CONV_FORWARD = Conv2d.prototype.forward;
const RELU_FORWARD = ReLU.prototype.forward;
const POOL_FORWARD = MaxPool2d.prototype.forward;

/** m is exactly an instance of `cls` running the library's forward, with no hooks. */
function plain(m: Module, cls: { prototype: object }, forward: unknown): boolean {
  return (
    Object.getPrototypeOf(m) === cls.prototype && m.forward === forward && m._call_impl === CALL &&
    m._forward_pre_hooks.size === 0 && m._forward_hooks.size === 0 && m._backward_hooks.size === 0 && !anyGlobalHooks()
  );
}

const isTwo = (v: unknown): boolean => v === 2 || (Array.isArray(v) && v.length === 2 && v[0] === 2 && v[1] === 2) || (Array.isArray(v) && v.length === 1 && v[0] === 2);
const isValue = (v: unknown, n: number): boolean => v === n || (Array.isArray(v) && v.length >= 1 && v.length <= 2 && v.every((x) => x === n));

/**
 * The output of modules a, b, c applied to x when they are a fusable Conv2d, ReLU, MaxPool2d;
 * null when the caller must run them one by one.
 */
export function fusedConvReluPool(a: Module, b: Module, c: Module, x: unknown): Tensor | null {
  if (!(x instanceof Tensor) || x.dtype !== float32 || x.dim() !== 4) return null;
  if (!plain(a, Conv2d, CONV_FORWARD) || !plain(b, ReLU, RELU_FORWARD) || !plain(c, MaxPool2d, POOL_FORWARD)) return null;
  const conv = a as Conv2d;
  const pool = c as MaxPool2d;
  if (conv.padding_mode !== "zeros" || conv.groups !== 1 || pool.return_indices) return null;
  const stride = pool.stride === null || pool.stride === undefined ? pool.kernel_size : pool.stride;
  if (!isTwo(pool.kernel_size) || !isTwo(stride) || !isValue(pool.padding, 0) || !isValue(pool.dilation, 1)) return null;
  const k = conv.weight.shape.slice(2);
  if (k.length !== 2) return null;
  const convStride = ntuple("conv2d", "stride", conv.stride, 2);
  const dilation = ntuple("conv2d", "dilation", conv.dilation, 2);
  const [padBefore, padAfter] = convPadding("conv2d", conv.padding, k, convStride, dilation);
  return convReluMaxPool2d(x, conv.weight, conv.bias, { stride: convStride, padBefore, padAfter, dilation, groups: 1 }, pool.ceil_mode);
}
