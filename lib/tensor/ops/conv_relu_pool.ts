/**
 * conv2d -> ReLU -> 2x2 max pool (stride 2) as one recorded op, for nn.Sequential's
 * Conv2d, ReLU, MaxPool2d (nn/modules/conv_relu_pool.ts decides when the pattern applies).
 *
 * Unfused, the convolution's result is copied out of the GEMM's WebAssembly memory, ReLU copies
 * it through the elementwise module and back, and the pool copies it in again; backward
 * materialises the pool's gradient and masks it by ReLU in another pass. Here the convolution's
 * result stays in the GEMM's memory: ReLU runs in place and the pool reads it there
 * (kernels/conv_gemm.ts convReluPool2x2Gemm), and only the pooled values and indices come out.
 *
 * Exactly the unfused values and gradients: the same kernels compute the convolution, ReLU
 * (on the bit patterns) and the pool (the same first-largest rule, so the same indices). The
 * pool's gradient lands on the picked positions only, and ReLU's gradient there keeps it where
 * ReLU's output, i.e. the pooled value, has nonzero bits: masking the pooled gradient first
 * and then scattering gives the same bits as scattering and then masking (0 + g, or 0 + +0).
 * The backward is built from recorded ops (where, the pool's scatter, the convolution's
 * gradients), so gradients of every order exist.
 *
 * What differs from the unfused ops: the intermediate tensors and nodes do not exist (the
 * result's grad_fn is the pool's, and its next functions are the convolution's inputs).
 */
import { needsGrad, record } from "../autograd/function";
import { bool, float32, int64 } from "../dtype";
import { convReluPool2x2Gemm, convReluPoolParamGradsGemm, convReluPoolSupported } from "../kernels/conv_gemm";
import { driverFor } from "../kernels/wasm/gemm";
import { kernels } from "../kernels/registry";
import type { Tensor } from "../tensor";
import { biasGradOf, convSetup, inputGrad, weightGrad, type ConvParams } from "./conv";
import { maxScatter, reluMaxScatter, type MaxPicks } from "./pool";
import { contiguousData, empty, emptyForOverwrite } from "./util";
import { where } from "./where";

const NODE = "MaxPool2DWithIndicesBackward0";

/**
 * max_pool2d(relu(conv2d(input, weight, bias, p)), 2, 2, ceil_mode) fused, or null when the fused
 * path does not apply (no WebAssembly GEMM, not float32, unbatched, groups > 1, an empty batch,
 * an odd size under ceil_mode or a result smaller than one window): then the caller runs the
 * three ops. The convolution's argument errors are thrown as conv2d throws them.
 */
export function convReluMaxPool2d(input: Tensor, weight: Tensor, bias: Tensor | null, p: ConvParams, ceilMode: boolean): Tensor | null {
  const gemm = kernels.gemm;
  if (!gemm || input.dtype !== float32 || input.dim() !== 4 || p.groups !== 1 || !convReluPoolSupported(gemm)) return null;
  const { spec, outShape } = convSetup("conv2d", input, weight, bias, 2, p);
  const { g, Cout } = spec;
  const N = outShape[0];
  if (N === 0 || g.OH < 2 || g.OW < 2 || (ceilMode && (g.OH % 2 !== 0 || g.OW % 2 !== 0))) return null;
  const PH = g.OH >> 1, PW = g.OW >> 1;
  const pooledShape = [N, Cout, PH, PW];
  const pooled = emptyForOverwrite(pooledShape, float32);
  const idx = emptyForOverwrite(pooledShape, int64)._data as Float32Array;
  const x = contiguousData(input) as Float32Array;
  // A pool of threads takes only layers whose one-sample chunk is large enough to split (see ops/conv.ts).
  convReluPool2x2Gemm(driverFor(gemm, Cout, g.OH * g.OW, g.C * g.kh * g.kw), x, contiguousData(weight) as Float32Array, bias ? (contiguousData(bias) as Float32Array) : null, pooled._data as Float32Array, idx, N, Cout, g);
  // ReLU's saved output at the picked positions, private (an in-place change of the result must not move the mask).
  const relu = (pooled._data as Float32Array).slice(0, pooled.numel());
  const picks: MaxPicks = { idx, P: N * Cout, inPlane: g.OH * g.OW, outPlane: PH * PW, node: NODE };
  const convShape = [N, Cout, g.OH, g.OW];
  /**
   * First order with the weight's gradient wanted: the weight and bias gradients from the
   * convolution's output gradient built in the GEMM's memory (never copied out unless the input
   * needs its gradient too); null where that path does not apply.
   */
  function paramGradsInMemory(gy: Tensor): { gw: Tensor; gb: Tensor | null; gz: Tensor | null } | null {
    const g0 = kernels.gemm;
    if (!g0 || !weight.requires_grad) return null;
    const K = g.C * g.kh * g.kw;
    const gw = empty(weight.shape, float32);
    const gb = bias && bias.requires_grad ? empty([Cout], float32) : null;
    const gz = input.requires_grad ? emptyForOverwrite(convShape, float32) : null;
    const ok = convReluPoolParamGradsGemm(
      driverFor(g0, Cout, K, g.OH * g.OW), contiguousData(input) as Float32Array, contiguousData(gy) as Float32Array, idx, relu,
      gw._data as Float32Array, gb ? (gb._data as Float32Array) : null, gz ? (gz._data as Float32Array) : null, N, Cout, g,
    );
    return ok ? { gw, gb, gz } : null;
  }
  return record(
    pooled, NODE, [input, weight, bias],
    (h) => {
      const gy = h.dtype === float32 ? h : h.to(float32);
      const direct = needsGrad(gy) ? null : paramGradsInMemory(gy);
      if (direct) return [direct.gz ? inputGrad(direct.gz, weight, null, spec, input.shape) : null, direct.gw, direct.gb];
      // The convolution's output gradient: the pool's scatter of ReLU's masked gradient (recorded under create_graph).
      const gz = needsGrad(gy)
        ? maxScatter(reluMasked(gy, relu, pooledShape), picks, convShape, float32)
        : reluMaxScatter(gy, picks, convShape, relu);
      return [
        input.requires_grad ? inputGrad(gz, weight, null, spec, input.shape) : null,
        weight.requires_grad ? weightGrad(input, gz, spec, weight.shape) : null,
        bias && bias.requires_grad ? biasGradOf(gz, spec) : null,
      ];
    },
    [input, weight],
    true,
  );
}

/** ReLU's backward at the pooled positions as a recorded op (create_graph): g where relu's bits are nonzero, else +0. */
function reluMasked(g: Tensor, relu: Float32Array, shape: readonly number[]): Tensor {
  const ri = new Int32Array(relu.buffer, relu.byteOffset, relu.length);
  const mask = empty(shape, bool);
  const m = mask._data;
  for (let i = 0; i < ri.length; i++) m[i] = ri[i] !== 0 ? 1 : 0;
  // where() selects without arithmetic: the same bits as the unary kernel's mask.
  return where(mask, g, 0);
}
