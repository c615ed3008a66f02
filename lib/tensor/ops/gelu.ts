/**
 * Exact (erf) GELU over float32 with a fused backward: when a graph is recorded the forward also
 * computes the derivative d = Phi(x) + x pdf(x) (Phi is at hand, the density is one exp), so the
 * backward is the product g * d and reads nothing else (d goes back to the buffer pool with the
 * graph: Node.scratch). On the WebAssembly backend both directions run as SIMD
 * (kernels/wasm/gelu_simd.ts: the rational erf and Cephes exp four lanes at a time); on the
 * plain-TS backend (and for the last n % 4 elements) JS loops, whose exps come from the exp kernel
 * in one call over the buffer rather than one Math.exp per element (a scalar Math.exp costs about
 * 20 ns here).
 */
import { needsGrad, record } from "../autograd/function";
import { takeScratch } from "../buffer_pool";
import { float32 } from "../dtype";
import { erf32 } from "../kernels/unary";
import { kernels } from "../kernels/registry";
import { createGeluSimd } from "../kernels/wasm/gelu_simd";
import { onFirstUse } from "../kernels/wasm/on_first_use";
import type { Tensor } from "../tensor";
import { UNARY_FORMULAS } from "./unary_formulas";
import { contiguousData, emptyForOverwrite } from "./util";

const INV_SQRT_2PI = 0.3989422804014327;
const simd = onFirstUse(createGeluSimd);

/** The SIMD kernels when the WebAssembly backend is selected (selectBackend("ts") clears kernels.gemm). */
const simdSelected = (): boolean => kernels.gemm !== null && simd() !== null;

/** GELU(x) = x Phi(x) for a float32 tensor, recording GeluBackward0 (create_graph: the unary formula). */
export function gelu32(x: Tensor): Tensor {
  if (x.dtype !== float32) throw new Error("gelu32: float32 input expected");
  const xd = contiguousData(x) as Float32Array;
  const n = xd.length;
  // out and d: every element written below (SIMD and the JS tail), so no zero-fill.
  const out = emptyForOverwrite(x.shape, float32);
  const o = out._data as Float32Array;
  const fast = simdSelected();
  const from = fast ? n & ~3 : 0;
  if (!needsGrad(x)) {
    // No backward: the values alone (no derivative buffer, no exp).
    if (fast) simd()!.values(n, xd, o);
    for (let i = from; i < n; i++) o[i] = xd[i] * phi(xd[i]);
    return out;
  }
  // The derivative d = Phi(x) + x pdf(x) is computed now, while x is at hand: the backward is g * d.
  const d = takeScratch(false, n) as Float32Array;
  if (fast) simd()!.forward(n, xd, o, d);
  // pdf(x) = exp(-x^2 / 2) / sqrt(2 pi) for the JS part: the exponents first, then one call of the exp kernel.
  const pdf = new Float32Array(n - from);
  for (let i = from; i < n; i++) { const v = xd[i]; pdf[i - from] = -0.5 * v * v; }
  kernels.unary.exp(n - from, pdf, pdf, 0, 0);
  for (let i = from; i < n; i++) {
    const v = xd[i], c = phi(v);
    o[i] = v * c;
    d[i] = c + v * pdf[i - from] * INV_SQRT_2PI;
  }
  const formula = UNARY_FORMULAS.gelu!;
  const result = record(
    out, "GeluBackward0", [x],
    (g) => {
      const gd = contiguousData(g) as Float32Array;
      const res = emptyForOverwrite(x.shape, g.dtype);
      const r = res._data as Float32Array;
      const simdNow = simdSelected();
      if (simdNow) simd()!.backward(n, gd, d, r);
      for (let i = simdNow ? n & ~3 : 0; i < n; i++) r[i] = gd[i] * d[i];
      return [res];
    },
    [x],
    (g) => [formula(g, x, out, 0, 0)],
  );
  // d is read only by the closure above: back to the pool when the graph is freed.
  result.grad_fn!.scratch = [d];
  return result;
}

/** Phi(v) = (1 + erf(v / sqrt 2)) / 2; erf32 may round a hair below -1 past its clamp: >= 0 keeps GELU(-inf) = -inf * 0 = NaN, as in float64. */
const phi = (v: number): number => Math.max(0, 0.5 * (1 + erf32(v * Math.SQRT1_2)));
