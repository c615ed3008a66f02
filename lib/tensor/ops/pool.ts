/**
 * Pooling over the last 1 or 2 dims, with backward: max pooling (with indices, dilation,
 * ceil_mode), average pooling (count_include_pad, divisor_override) and adaptive
 * average/max pooling. Every (n, c) plane is pooled on its own; 1-D ops use H = 1.
 *
 * Output sizes, windows and divisors follow PyTorch's CPU kernels (pooling_output_shape,
 * the avg-pool divisor rule, adaptive start = floor(o * I / O), end = ceil((o + 1) * I / O)),
 * and the max picks the first largest value (a NaN wins), so indices match PyTorch's.
 */
import { record } from "../autograd/function";
import { int64 } from "../dtype";
import { RuntimeError } from "../errors";
import type { Tensor } from "../tensor";
import { contiguousData, empty } from "./util";

const sizeStr = (s: readonly number[]): string => `[${s.join(", ")}]`;

/** PyTorch's pooling_output_shape for one dim. */
export function poolOutSize(size: number, k: number, pad: number, s: number, d: number, ceil: boolean): number {
  const num = size + 2 * pad - d * (k - 1) - 1 + (ceil ? s - 1 : 0);
  let out = Math.floor(num / s) + 1;
  // With ceil_mode the last window must start inside the input or its left padding.
  if (ceil && (out - 1) * s >= size + pad) out--;
  return out;
}

interface Planes {
  batched: boolean;
  /** Number of (n, c) planes. */
  P: number;
  lead: number[];
  sp: number[];
}

/** Input [N, C, *sp] or [C, *sp] for a pooling op of the given rank. */
function planes(fn: string, input: Tensor, rank: number, allowNoBatch = true): Planes {
  const d = input.dim();
  if (!(d === rank + 2 || (allowNoBatch && d === rank + 1))) {
    throw new RuntimeError(`${fn}: Expected ${rank + 1}D or ${rank + 2}D (batch mode) tensor for input, but got input of size: ${sizeStr(input.shape)}`);
  }
  if (!input.dtype.is_floating_point) throw new RuntimeError(`${fn}: expected a floating point input, but got ${input.dtype}`);
  const lead = input.shape.slice(0, d - rank);
  const sp = input.shape.slice(d - rank);
  if (sp.some((s) => s === 0) || lead.slice(1).some((s) => s === 0)) {
    throw new RuntimeError(`${fn}: Expected input's non-batch dimensions to have positive length, but input has a shape of ${sizeStr(input.shape)}`);
  }
  return { batched: d === rank + 2, P: lead.reduce((a, b) => a * b, 1), lead, sp };
}

export interface PoolParams {
  kernel: number[];
  stride: number[];
  padding: number[];
  dilation: number[];
  ceil_mode: boolean;
}

/** Checks and output sizes, with PyTorch's messages. Returns [OH, OW] in 2-D terms (OH = 1 for 1-D). */
function poolGeometry(fn: string, input: Tensor, sp: number[], p: PoolParams): number[] {
  const r = sp.length;
  if (p.kernel.some((k) => !(k > 0))) throw new RuntimeError(`${fn}: kernel_size must be greater than zero, but got ${sizeStr(p.kernel)}`);
  if (p.stride.some((s) => !(s > 0))) throw new RuntimeError(`${fn}: stride must be greater than zero, but got ${sizeStr(p.stride)}`);
  if (p.dilation.some((d) => !(d > 0))) throw new RuntimeError(`${fn}: dilation must be greater than zero, but got ${sizeStr(p.dilation)}`);
  for (let i = 0; i < r; i++) {
    if (p.padding[i] < 0) throw new RuntimeError(`${fn}: pad must be non-negative, but got pad: ${p.padding[i]}`);
    if (p.padding[i] > Math.floor(p.kernel[i] / 2)) {
      throw new RuntimeError(
        `${fn}: pad should be at most half of effective kernel size, but got pad=${p.padding[i]}, kernel_size=${p.kernel[i]} and dilation=${p.dilation[i]}`,
      );
    }
  }
  const out = sp.map((s, i) => poolOutSize(s, p.kernel[i], p.padding[i], p.stride[i], p.dilation[i], p.ceil_mode));
  if (out.some((o) => o < 1)) {
    const c = input.shape[input.dim() - r - 1];
    throw new RuntimeError(`Given input size: (${[c, ...sp].join("x")}). Calculated output size: (${[c, ...out].join("x")}). Output size is too small`);
  }
  return out;
}

/** 2-D view of 1- or 2-D parameters. */
function as2d(sp: number[], out: number[], p: PoolParams) {
  if (sp.length === 1) {
    return { H: 1, W: sp[0], OH: 1, OW: out[0], kh: 1, kw: p.kernel[0], sh: 1, sw: p.stride[0], ph: 0, pw: p.padding[0], dh: 1, dw: p.dilation[0] };
  }
  return {
    H: sp[0], W: sp[1], OH: out[0], OW: out[1], kh: p.kernel[0], kw: p.kernel[1], sh: p.stride[0], sw: p.stride[1],
    ph: p.padding[0], pw: p.padding[1], dh: p.dilation[0], dw: p.dilation[1],
  };
}

/** Scatters g[o] into gx[plane base + idx[o]] (the backward of every max pool). */
function maxBackward(input: Tensor, grad: Tensor, idx: Float32Array, P: number, inPlane: number, outPlane: number): Tensor {
  const dt = input.dtype;
  const go = contiguousData(grad.dtype === dt ? grad : grad.to(dt));
  const gx = empty(input.shape, dt);
  const r = gx._data;
  for (let p = 0; p < P; p++) {
    const ib = p * inPlane;
    const ob = p * outPlane;
    for (let o = 0; o < outPlane; o++) r[ib + idx[ob + o]] += go[ob + o];
  }
  return gx;
}

/** max_pool1d/2d. Returns the values and the indices (flat positions within each input plane, int64). */
export function maxPool(fn: string, input: Tensor, rank: number, p: PoolParams): [Tensor, Tensor] {
  const { P, lead, sp } = planes(fn, input, rank);
  const out = poolGeometry(fn, input, sp, p);
  const { H, W, OH, OW, kh, kw, sh, sw, ph, pw, dh, dw } = as2d(sp, out, p);
  const x = contiguousData(input);
  const outShape = [...lead, ...out];
  const result = empty(outShape, input.dtype);
  const indices = empty(outShape, int64);
  const y = result._data;
  const idx = indices._data as Float32Array;
  const inPlane = H * W;
  const outPlane = OH * OW;
  for (let pl = 0; pl < P; pl++) {
    const xb = pl * inPlane;
    let o = pl * outPlane;
    for (let oh = 0; oh < OH; oh++) {
      let hs = oh * sh - ph;
      const he = Math.min(hs + (kh - 1) * dh + 1, H);
      while (hs < 0) hs += dh;
      for (let ow = 0; ow < OW; ow++, o++) {
        let ws = ow * sw - pw;
        const we = Math.min(ws + (kw - 1) * dw + 1, W);
        while (ws < 0) ws += dw;
        let best = -Infinity;
        let bi = hs * W + ws;
        for (let ih = hs; ih < he; ih += dh) {
          const row = ih * W;
          for (let iw = ws; iw < we; iw += dw) {
            const v = x[xb + row + iw];
            if (v > best || Number.isNaN(v)) {
              best = v;
              bi = row + iw;
            }
          }
        }
        y[o] = best;
        idx[o] = bi;
      }
    }
  }
  // PyTorch runs the 1-D pools as 2-D pools on an unsqueezed input, so their grad_fn is the squeeze.
  const node = rank === 1 ? "SqueezeBackward1" : "MaxPool2DWithIndicesBackward0";
  const values = record(result, node, [input], (g) => [maxBackward(input, g, idx, P, inPlane, outPlane)]);
  return [values, indices];
}

export interface AvgPoolParams extends PoolParams {
  count_include_pad: boolean;
  divisor_override: number | null;
}

/** avg_pool1d/2d with PyTorch's divisor rule. */
export function avgPool(fn: string, input: Tensor, rank: number, p: AvgPoolParams): Tensor {
  const { P, lead, sp } = planes(fn, input, rank);
  if (p.divisor_override === 0) throw new RuntimeError(`${fn}: divisor must be not zero`);
  const out = poolGeometry(fn, input, sp, p);
  const { H, W, OH, OW, kh, kw, sh, sw, ph, pw } = as2d(sp, out, p);
  const x = contiguousData(input);
  const result = empty([...lead, ...out], input.dtype);
  const y = result._data;
  const inPlane = H * W;
  const outPlane = OH * OW;
  // Per output position (the same in every plane): clipped window and divisor.
  const win = new Int32Array(outPlane * 4);
  const div = new Float64Array(outPlane);
  for (let oh = 0, o = 0; oh < OH; oh++) {
    for (let ow = 0; ow < OW; ow++, o++) {
      let hs = oh * sh - ph;
      let ws = ow * sw - pw;
      let he = Math.min(hs + kh, H + ph);
      let we = Math.min(ws + kw, W + pw);
      const poolSize = (he - hs) * (we - ws);
      hs = Math.max(hs, 0);
      ws = Math.max(ws, 0);
      he = Math.min(he, H);
      we = Math.min(we, W);
      win.set([hs, he, ws, we], o * 4);
      div[o] = p.divisor_override !== null ? p.divisor_override : p.count_include_pad ? poolSize : (he - hs) * (we - ws);
    }
  }
  for (let pl = 0; pl < P; pl++) {
    const xb = pl * inPlane;
    const ob = pl * outPlane;
    for (let o = 0; o < outPlane; o++) {
      const hs = win[o * 4], he = win[o * 4 + 1], ws = win[o * 4 + 2], we = win[o * 4 + 3];
      let s = 0;
      for (let ih = hs; ih < he; ih++) {
        const row = xb + ih * W;
        for (let iw = ws; iw < we; iw++) s += x[row + iw];
      }
      y[ob + o] = s / div[o];
    }
  }
  const node = rank === 1 ? "SqueezeBackward1" : "AvgPool2DBackward0";
  return record(result, node, [input], (grad) => {
    const dt = input.dtype;
    const go = contiguousData(grad.dtype === dt ? grad : grad.to(dt));
    const gx = empty(input.shape, dt);
    const r = gx._data;
    for (let pl = 0; pl < P; pl++) {
      const xb = pl * inPlane;
      const ob = pl * outPlane;
      for (let o = 0; o < outPlane; o++) {
        const hs = win[o * 4], he = win[o * 4 + 1], ws = win[o * 4 + 2], we = win[o * 4 + 3];
        const v = go[ob + o] / div[o];
        for (let ih = hs; ih < he; ih++) {
          const row = xb + ih * W;
          for (let iw = ws; iw < we; iw++) r[row + iw] += v;
        }
      }
    }
    return [gx];
  });
}

/** Adaptive window bounds: [floor(o * I / O), ceil((o + 1) * I / O)) for each o. */
function adaptiveBounds(I: number, O: number): Int32Array {
  const b = new Int32Array(2 * O);
  for (let o = 0; o < O; o++) {
    b[2 * o] = Math.floor((o * I) / O);
    b[2 * o + 1] = Math.ceil(((o + 1) * I) / O);
  }
  return b;
}

function adaptiveSetup(fn: string, input: Tensor, rank: number, outputSize: (number | null)[]) {
  const { P, lead, sp } = planes(fn, input, rank);
  if (outputSize.length !== rank) throw new RuntimeError(`${fn}: output_size must be ${rank}`);
  const out = outputSize.map((o, i) => (o === null ? sp[i] : o));
  if (out.some((o) => !(o >= 0) || !Number.isInteger(o))) throw new RuntimeError(`${fn}: elements of output_size must be non-negative integers, but got ${sizeStr(out as number[])}`);
  const [H, W] = rank === 1 ? [1, sp[0]] : sp;
  const [OH, OW] = rank === 1 ? [1, out[0]] : out;
  return { P, lead, out, H, W, OH, OW, hb: adaptiveBounds(H, OH), wb: adaptiveBounds(W, OW) };
}

/** adaptive_avg_pool1d/2d: output_size entries may be null (keep the input size). */
export function adaptiveAvgPool(fn: string, input: Tensor, rank: number, outputSize: (number | null)[]): Tensor {
  const { P, lead, out, H, W, OH, OW, hb, wb } = adaptiveSetup(fn, input, rank, outputSize);
  const x = contiguousData(input);
  const result = empty([...lead, ...out], input.dtype);
  const y = result._data;
  const inPlane = H * W;
  const outPlane = OH * OW;
  for (let pl = 0; pl < P; pl++) {
    const xb = pl * inPlane;
    let o = pl * outPlane;
    for (let oh = 0; oh < OH; oh++) {
      const hs = hb[2 * oh], he = hb[2 * oh + 1];
      for (let ow = 0; ow < OW; ow++, o++) {
        const ws = wb[2 * ow], we = wb[2 * ow + 1];
        let s = 0;
        for (let ih = hs; ih < he; ih++) for (let iw = ws; iw < we; iw++) s += x[xb + ih * W + iw];
        y[o] = s / ((he - hs) * (we - ws));
      }
    }
  }
  // PyTorch computes a 1x1 adaptive average as a mean.
  const node = rank === 1 ? "SqueezeBackward1" : OH === 1 && OW === 1 ? "MeanBackward1" : "AdaptiveAvgPool2DBackward0";
  return record(result, node, [input], (grad) => {
    const dt = input.dtype;
    const go = contiguousData(grad.dtype === dt ? grad : grad.to(dt));
    const gx = empty(input.shape, dt);
    const r = gx._data;
    for (let pl = 0; pl < P; pl++) {
      const xb = pl * inPlane;
      let o = pl * outPlane;
      for (let oh = 0; oh < OH; oh++) {
        const hs = hb[2 * oh], he = hb[2 * oh + 1];
        for (let ow = 0; ow < OW; ow++, o++) {
          const ws = wb[2 * ow], we = wb[2 * ow + 1];
          const v = go[o] / ((he - hs) * (we - ws));
          for (let ih = hs; ih < he; ih++) for (let iw = ws; iw < we; iw++) r[xb + ih * W + iw] += v;
        }
      }
    }
    return [gx];
  });
}

/** adaptive_max_pool1d/2d: values and indices (flat positions within each input plane). */
export function adaptiveMaxPool(fn: string, input: Tensor, rank: number, outputSize: (number | null)[]): [Tensor, Tensor] {
  const { P, lead, out, H, W, OH, OW, hb, wb } = adaptiveSetup(fn, input, rank, outputSize);
  const x = contiguousData(input);
  const outShape = [...lead, ...out];
  const result = empty(outShape, input.dtype);
  const indices = empty(outShape, int64);
  const y = result._data;
  const idx = indices._data as Float32Array;
  const inPlane = H * W;
  const outPlane = OH * OW;
  for (let pl = 0; pl < P; pl++) {
    const xb = pl * inPlane;
    let o = pl * outPlane;
    for (let oh = 0; oh < OH; oh++) {
      const hs = hb[2 * oh], he = hb[2 * oh + 1];
      for (let ow = 0; ow < OW; ow++, o++) {
        const ws = wb[2 * ow], we = wb[2 * ow + 1];
        let best = -Infinity;
        let bi = hs * W + ws;
        for (let ih = hs; ih < he; ih++) {
          for (let iw = ws; iw < we; iw++) {
            const v = x[xb + ih * W + iw];
            if (v > best || Number.isNaN(v)) {
              best = v;
              bi = ih * W + iw;
            }
          }
        }
        y[o] = best;
        idx[o] = bi;
      }
    }
  }
  const node = rank === 1 ? "SqueezeBackward1" : "AdaptiveMaxPool2DBackward0";
  const values = record(result, node, [input], (g) => [maxBackward(input, g, idx, P, inPlane, outPlane)]);
  return [values, indices];
}
