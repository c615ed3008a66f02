/**
 * Convolution by im2col + matmul: convolution (conv1d/conv2d), conv_transpose (1-D/2-D),
 * unfold (im2col) and fold (col2im), each with its backward.
 *
 * Layout: a sample's input is [C, H, W] (1-D ops use H = 1 and a 1-tall kernel). im2col
 * writes the [C * kh * kw, OH * OW] "columns" of one sample into a reused scratch buffer, and
 * the product W_g[Cout_g, K_g] @ cols_g[K_g, L] goes through the kernel registry's matmul
 * (the WebAssembly SIMD kernel for float32) straight into the output sample. Backward recomputes
 * the columns instead of keeping them (cheaper than allocating them), and col2im scatters the
 * gradient of the columns back onto the input. One sample at a time keeps the scratch small
 * (cache-resident) for the image sizes of the course.
 *
 * Float32 with groups = 1 goes through the packed GEMM instead (kernels/conv_gemm.ts: the whole
 * batch as one product, im2col fused into the packing). The forward, input gradient and weight
 * gradient are recorded ops whose backwards are each other (see "the differentiable family"),
 * so convolutions have gradients of every order under create_graph.
 *
 * Padding may differ before and after (padding="same" with an even kernel), and is implicit:
 * positions outside the input read as zero, no padded copy is made.
 */
import { needsGrad, record } from "../autograd/function";
import { cppTypeName, type Storage } from "../dtype";
import { RuntimeError } from "../errors";
import { convForwardGemm, convGemmSupported, convInputGradGemm, convWeightGradGemm } from "../kernels/conv_gemm";
import { kernels } from "../kernels/registry";
import { poolKernelsOn, scratchViews } from "../kernels/wasm/pool_kernels";
import { driverFor, scratchMemoryOf } from "../kernels/wasm/gemm";
import type { Tensor } from "../tensor";
import { checkConvDtypes, isIntegerConv, viaFloat64 } from "./conv_dtypes";
import { contiguousData, empty, emptyForOverwrite } from "./util";

/** Sliding-window geometry of one sample: input [C, H, W], kernel, stride, padding before, dilation, output. */
export interface Geom {
  C: number;
  H: number;
  W: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  ph: number;
  pw: number;
  dh: number;
  dw: number;
  OH: number;
  OW: number;
}

// ---- scratch -----------------------------------------------------------------------------
// Grow-only buffers per dtype: fresh large typed arrays are expensive here, and ops never nest.
const scratch32: Float32Array[] = [];
const scratch64: Float64Array[] = [];

/** Scratch buffer `slot` (0 or 1) of at least n elements, of the storage type of `like`. */
export function scratchFor(like: Storage, n: number, slot = 0): Storage {
  if (like instanceof Float64Array) {
    if (!scratch64[slot] || scratch64[slot].length < n) scratch64[slot] = new Float64Array(Math.max(n, 1024));
    return scratch64[slot];
  }
  if (!scratch32[slot] || scratch32[slot].length < n) scratch32[slot] = new Float32Array(Math.max(n, 1024));
  return scratch32[slot];
}

// ---- im2col / col2im ---------------------------------------------------------------------

/** The ow range [lo, hi) whose input column ow * sw + off lies inside [0, W). */
function owRange(off: number, sw: number, W: number, OW: number): [number, number] {
  const lo = off >= 0 ? 0 : Math.min(OW, Math.ceil(-off / sw));
  const hi = Math.max(lo, Math.min(OW, Math.ceil((W - off) / sw)));
  return [lo, hi];
}

/**
 * The one window sweep behind im2col and col2im: for channel c, kernel tap (i, j) and output row
 * oh, the output columns [lo, hi) read input row ih = oh*sh - ph + i*dh at columns ow*sw + off.
 * Forward (adjoint false) writes those reads (and zeros outside the input) into the columns;
 * adjoint adds the columns back onto the input.
 */
function sweep(x: Storage, xOff: number, g: Geom, cols: Storage, colsOff: number, adjoint: boolean): void {
  const { C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, OH, OW } = g;
  const L = OH * OW;
  for (let c = 0; c < C; c++) {
    const xc = xOff + c * H * W;
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        let at = colsOff + ((c * kh + i) * kw + j) * L;
        const off = j * dw - pw;
        const [lo, hi] = owRange(off, sw, W, OW);
        for (let oh = 0; oh < OH; oh++, at += OW) {
          const ih = oh * sh - ph + i * dh;
          if (ih < 0 || ih >= H) {
            if (!adjoint) cols.fill(0, at, at + OW);
            continue;
          }
          const px = xc + ih * W + off;
          if (adjoint) {
            if (sw === 1) {
              for (let ow = lo; ow < hi; ow++) x[px + ow] += cols[at + ow];
            } else {
              for (let ow = lo; ow < hi; ow++) x[px + ow * sw] += cols[at + ow];
            }
            continue;
          }
          if (lo > 0) cols.fill(0, at, at + lo);
          if (sw === 1) {
            for (let ow = lo; ow < hi; ow++) cols[at + ow] = x[px + ow];
          } else {
            for (let ow = lo; ow < hi; ow++) cols[at + ow] = x[px + ow * sw];
          }
          if (hi < OW) cols.fill(0, at + hi, at + OW);
        }
      }
    }
  }
}

/**
 * cols[(c * kh + i) * kw + j, oh * OW + ow] = x[c, oh*sh - ph + i*dh, ow*sw - pw + j*dw] (0 outside)
 * for channels c in [0, C) of the sample at x[xOff...].
 */
export function im2col(x: Storage, xOff: number, g: Geom, cols: Storage, colsOff: number): void {
  sweep(x, xOff, g, cols, colsOff, false);
}

/** The adjoint of im2col: x[c, ih, iw] += cols[...] for every window position that reads (ih, iw). */
export function col2im(cols: Storage, colsOff: number, g: Geom, x: Storage, xOff: number): void {
  sweep(x, xOff, g, cols, colsOff, true);
}

/** out[n, co, l] += b[co] for an output [N, Cout, L]. */
function addBias(out: Storage, b: Storage, N: number, Cout: number, L: number): void {
  for (let n = 0; n < N; n++) {
    for (let co = 0; co < Cout; co++) {
      const bv = b[co];
      const base = (n * Cout + co) * L;
      for (let l = 0; l < L; l++) out[base + l] += bv;
    }
  }
}

/**
 * gb[co] = sum over n and l of go[n, co, l] (the bias gradient), in float64: four partial sums by
 * position l % 4 (independent add chains; one chain is bound by the add latency), combined as
 * (s0 + s2) + (s1 + s3). The WebAssembly kernel (rows of whole groups of four) uses the same
 * order, so both backends give the same bits.
 */
function biasGradRaw(go: Storage, gb: Storage, N: number, Cout: number, L: number): void {
  const memory = scratchMemoryOf(kernels.gemm);
  const wasm = memory && go instanceof Float32Array && L % 4 === 0 ? poolKernelsOn(memory) : null;
  if (memory && wasm) {
    // The same float64 sums in the same order, in WebAssembly on the GEMM's memory (scratch between its calls).
    const n = N * Cout * L;
    const gbAt = (n * 4 + 15) & ~15;
    const { f } = scratchViews(memory, gbAt + Cout * 4);
    f.set(go.subarray(0, n), 0);
    wasm.bias_grad(0, gbAt, N, Cout, L);
    gb.set(f.subarray(gbAt >> 2, (gbAt >> 2) + Cout));
    return;
  }
  const L4 = L - (L % 4);
  for (let co = 0; co < Cout; co++) {
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let n = 0; n < N; n++) {
      const base = (n * Cout + co) * L;
      let l = 0;
      for (; l < L4; l += 4) {
        s0 += go[base + l];
        s1 += go[base + l + 1];
        s2 += go[base + l + 2];
        s3 += go[base + l + 3];
      }
      if (l < L) s0 += go[base + l];
      if (l + 1 < L) s1 += go[base + l + 1];
      if (l + 2 < L) s2 += go[base + l + 2];
    }
    gb[co] = (s0 + s2) + (s1 + s3);
  }
}

/** True when the columns of a sample are the sample itself (1x1 kernel, stride 1, no padding). */
function isPointwise(g: Geom): boolean {
  return g.kh === 1 && g.kw === 1 && g.sh === 1 && g.sw === 1 && g.ph === 0 && g.pw === 0 && g.OH === g.H && g.OW === g.W;
}

// ---- shapes and checks -------------------------------------------------------------------

/** Output length of a window sweep; may be < 1 (callers report it). */
export function convOutSize(size: number, k: number, s: number, padTotal: number, d: number): number {
  return Math.floor((size + padTotal - d * (k - 1) - 1) / s) + 1;
}

/** Spatial parameters of a convolution, one entry per spatial dim (1 or 2). */
export interface ConvParams {
  stride: number[];
  /** Padding before each spatial dim. */
  padBefore: number[];
  /** Padding after each spatial dim (equal to padBefore except for padding="same"). */
  padAfter: number[];
  dilation: number[];
  groups: number;
}

function checkParams(fn: string, p: ConvParams): void {
  if (p.stride.some((s) => !(s > 0))) throw new RuntimeError(`${fn}: non-positive stride is not supported`);
  if ([...p.padBefore, ...p.padAfter].some((v) => v < 0)) throw new RuntimeError(`${fn}: negative padding is not supported`);
  if (p.dilation.some((d) => !(d > 0))) throw new RuntimeError(`${fn}: dilation should be greater than zero`);
  if (!(p.groups > 0) || !Number.isInteger(p.groups)) throw new RuntimeError(`${fn}: non-positive groups is not supported`);
}


const sizeStr = (s: readonly number[]): string => `[${s.join(", ")}]`;

function checkWeightRank(fn: string, weight: Tensor, rank: number): void {
  if (weight.dim() !== rank + 2) {
    throw new RuntimeError(`${fn}: expected weight to be ${rank + 2}-dimensional, but got weight of size ${sizeStr(weight.shape)}`);
  }
}

/** Splits an input of rank+2 (batched) or rank+1 (unbatched) dims into N, C and spatial sizes. */
function splitInput(fn: string, input: Tensor, rank: number): { batched: boolean; N: number; C: number; sp: number[] } {
  const d = input.dim();
  if (d !== rank + 1 && d !== rank + 2) {
    throw new RuntimeError(
      `Expected ${rank + 1}D (unbatched) or ${rank + 2}D (batched) input to ${fn}, but got input of size: ${sizeStr(input.shape)}`,
    );
  }
  const batched = d === rank + 2;
  const s = input.shape;
  return { batched, N: batched ? s[0] : 1, C: s[batched ? 1 : 0], sp: s.slice(batched ? 2 : 1) };
}

/** Geometry with 1-D ops mapped to H = 1. */
function geom(C: number, sp: number[], k: number[], p: ConvParams, out: number[]): Geom {
  if (sp.length === 1) {
    return { C, H: 1, W: sp[0], kh: 1, kw: k[0], sh: 1, sw: p.stride[0], ph: 0, pw: p.padBefore[0], dh: 1, dw: p.dilation[0], OH: 1, OW: out[0] };
  }
  return {
    C, H: sp[0], W: sp[1], kh: k[0], kw: k[1], sh: p.stride[0], sw: p.stride[1], ph: p.padBefore[0], pw: p.padBefore[1],
    dh: p.dilation[0], dw: p.dilation[1], OH: out[0], OW: out[1],
  };
}

// ---- convolution -------------------------------------------------------------------------

/** Sizes of a (grouped) convolution over geometry g: L output positions, Kg = rows of a group's columns. */
function convSizes(g: Geom, Cout: number, groups: number) {
  const L = g.OH * g.OW;
  const Coutg = Cout / groups;
  const Kg = (g.C / groups) * g.kh * g.kw;
  return { L, Coutg, Kg, inSample: g.C * g.H * g.W, pointwise: isPointwise(g) };
}

/** The columns of sample n: im2col into `cols` and offset 0, or (pointwise) the sample itself in x. */
function sampleCols(x: Storage, n: number, inSample: number, g: Geom, cols: Storage, pointwise: boolean): number {
  if (pointwise) return n * inSample;
  im2col(x, n * inSample, g, cols, 0);
  return 0;
}

/*
 * The GEMM paths below run products over chunks of samples (conv_gemm.ts sizes them for the
 * cache), so a thread pool is asked with one sample's product (driverFor(gemm, .., L, ..)): a
 * layer goes to the pool's shared memory only when even a one-sample chunk is large enough to
 * split, never to pay its slower copies for chunks it would not split.
 */
/** True when the batched GEMM path (fused im2col, one product for the batch) applies. */
function viaGemm(x: Storage, groups: number): boolean {
  return kernels.gemm !== null && groups === 1 && x instanceof Float32Array && convGemmSupported(kernels.gemm);
}

/** out[n, co, l] (+)= ... with W [Cout, Cin/groups * kk] for every sample, no autograd. */
function convForwardRaw(x: Storage, w: Storage, b: Storage | null, out: Storage, N: number, Cout: number, g: Geom, groups: number): void {
  const { L, Coutg, Kg, inSample, pointwise } = convSizes(g, Cout, groups);
  if (kernels.gemm && viaGemm(x, groups)) {
    convForwardGemm(driverFor(kernels.gemm, Cout, L, Kg), x as Float32Array, w as Float32Array, b as Float32Array | null, out as Float32Array, N, Cout, g);
    return;
  }
  const cols = pointwise ? x : scratchFor(x, g.C * g.kh * g.kw * L);
  for (let n = 0; n < N; n++) {
    const colsBase = sampleCols(x, n, inSample, g, cols, pointwise);
    for (let gi = 0; gi < groups; gi++) {
      kernels.matmul(Coutg, L, Kg, w, gi * Coutg * Kg, Kg, 1, cols, colsBase + gi * Kg * L, L, 1, out, (n * Cout + gi * Coutg) * L);
    }
  }
  if (b) addBias(out, b, N, Cout, L);
}

/** gx [N, C, H, W] = col2im of W^T @ gOut (overwrites gx, which must be zeros for the TypeScript path). */
function convInputGradRaw(w: Storage, go: Storage, gx: Storage, N: number, Cout: number, g: Geom, groups: number): void {
  const { L, Coutg, Kg, inSample, pointwise } = convSizes(g, Cout, groups);
  if (kernels.gemm && viaGemm(go, groups)) {
    convInputGradGemm(driverFor(kernels.gemm, Kg, L, Cout), w as Float32Array, go as Float32Array, gx as Float32Array, N, Cout, g);
    return;
  }
  const gcols = pointwise ? gx : scratchFor(go, g.C * g.kh * g.kw * L, 1);
  for (let n = 0; n < N; n++) {
    const goBase = n * Cout * L;
    for (let gi = 0; gi < groups; gi++) {
      // gcols_g[Kg, L] = W_g^T[Kg, Coutg] @ gOut_g[Coutg, L]
      const dstOff = pointwise ? n * inSample + gi * Kg * L : gi * Kg * L;
      kernels.matmul(Kg, L, Coutg, w, gi * Coutg * Kg, 1, Kg, go, goBase + gi * Coutg * L, L, 1, gcols, dstOff);
    }
    if (!pointwise) col2im(gcols, 0, g, gx, n * inSample);
  }
}

/** gw [Cout, Kg] = sum over samples of gOut @ cols^T (overwrites gw, which must be zeros for the TypeScript path). */
function convWeightGradRaw(x: Storage, go: Storage, gw: Storage, N: number, Cout: number, g: Geom, groups: number): void {
  const { L, Coutg, Kg, inSample, pointwise } = convSizes(g, Cout, groups);
  if (kernels.gemm && viaGemm(x, groups)) {
    convWeightGradGemm(driverFor(kernels.gemm, Cout, Kg, L), x as Float32Array, go as Float32Array, gw as Float32Array, N, Cout, g);
    return;
  }
  const cols = pointwise ? x : scratchFor(x, g.C * g.kh * g.kw * L, 0);
  const tmp = new (x instanceof Float64Array ? Float64Array : Float32Array)(Coutg * Kg);
  for (let n = 0; n < N; n++) {
    const goBase = n * Cout * L;
    const colsBase = sampleCols(x, n, inSample, g, cols, pointwise);
    for (let gi = 0; gi < groups; gi++) {
      // tmp[Coutg, Kg] = gOut_g[Coutg, L] @ cols_g^T[L, Kg]
      kernels.matmul(Coutg, Kg, L, go, goBase + gi * Coutg * L, L, 1, cols, colsBase + gi * Kg * L, 1, L, tmp, 0);
      const wb = gi * Coutg * Kg;
      for (let i = 0; i < Coutg * Kg; i++) gw[wb + i] += tmp[i];
    }
  }
}

// ---- the differentiable family -----------------------------------------------------------
// A convolution y = A_w x is linear in x and in w, and so are its two gradients:
//   inputGrad(gy, w)  = A_w^T gy               (also the transposed convolution's forward)
//   weightGrad(x, gy) = the w with <v, w> = <A_v x, gy> for every v
// Each one's derivatives are again members of the family (for an upstream gradient h):
//   conv(x, w):        dx = inputGrad(h, w),  dw = weightGrad(x, h),   db = h summed over N and space
//   inputGrad(gy, w):  dgy = conv(h, w),      dw = weightGrad(h, gy)
//   weightGrad(x, gy): dx = inputGrad(gy, h), dgy = conv(x, h)
// so every backward is written with these recorded ops and gradients of any order exist
// (create_graph), each evaluated by the same fast kernels as the first-order gradients.

/** What the three ops share: the forward convolution's geometry, output channels, groups and batching. */
export interface ConvSpec {
  g: Geom;
  Cout: number;
  groups: number;
  batched: boolean;
}

const DOUBLE_BACKWARD = "ConvolutionBackwardBackward0";

function asDtype(t: Tensor, dt: Tensor["dtype"]): Tensor {
  return t.dtype === dt ? t : t.to(dt);
}

/** Samples in a tensor whose samples hold `perSample` elements. */
function samplesOf(t: Tensor, perSample: number): number {
  return perSample === 0 ? 0 : t.numel() / perSample;
}

/** The bias gradient: h summed over the batch and spatial dims (dim 0 is the channel when unbatched). */
export function biasGradOf(h: Tensor, s: ConvSpec): Tensor {
  if (!needsGrad(h)) {
    // First-order backward: one pass over the contiguous gradient, no reduction bookkeeping.
    const N = s.batched ? h.shape[0] : 1;
    const C = h.shape[s.batched ? 1 : 0];
    const L = h.shape.slice(s.batched ? 2 : 1).reduce((a, b) => a * b, 1);
    const gb = empty([C], h.dtype);
    if (h.numel() > 0) biasGradRaw(contiguousData(h), gb._data, N, C, L);
    return gb;
  }
  const dims: number[] = [];
  for (let d = 0; d < h.dim(); d++) if (d !== (s.batched ? 1 : 0)) dims.push(d);
  return h.sum(dims);
}

/** y = conv(x, w) + b with x, w, b already checked; grad_fn `node`. */
function convApply(x: Tensor, w: Tensor, b: Tensor | null, s: ConvSpec, outShape: readonly number[], node = "ConvolutionBackward0"): Tensor {
  const dt = x.dtype;
  const { g, Cout, groups } = s;
  const xd = contiguousData(x);
  // The GEMM path writes every output element (no zero-fill of a pooled buffer); the others add into zeros.
  const result = (viaGemm(xd, groups) ? emptyForOverwrite : empty)(outShape, dt);
  const N = samplesOf(x, g.C * g.H * g.W);
  if (N > 0) convForwardRaw(xd, contiguousData(w), b ? contiguousData(b) : null, result._data, N, Cout, g, groups);
  return record(
    result, node, [x, w, b],
    (h) => {
      const gy = asDtype(h, dt);
      return [
        x.requires_grad ? inputGrad(gy, w, null, s, x.shape) : null,
        w.requires_grad ? weightGrad(x, gy, s, w.shape) : null,
        b && b.requires_grad ? biasGradOf(gy, s) : null,
      ];
    },
    [x, w],
    true,
  );
}

/** A_w^T gy (+ b per channel of the result), of shape xShape; grad_fn `node`. */
export function inputGrad(gy: Tensor, w: Tensor, b: Tensor | null, s: ConvSpec, xShape: readonly number[], node = DOUBLE_BACKWARD): Tensor {
  const dt = w.dtype;
  const { g, Cout, groups } = s;
  const go = contiguousData(asDtype(gy, dt));
  // The GEMM path writes every element of the input gradient; the others add into zeros.
  const result = (viaGemm(go, groups) ? emptyForOverwrite : empty)(xShape, dt);
  const N = samplesOf(result, g.C * g.H * g.W);
  if (N > 0) {
    convInputGradRaw(contiguousData(w), go, result._data, N, Cout, g, groups);
    if (b) addBias(result._data, contiguousData(b), N, g.C, g.H * g.W);
  }
  return record(
    result, node, [gy, w, b],
    (h) => {
      const hx = asDtype(h, dt);
      return [
        gy.requires_grad ? convApply(hx, w, null, s, gy.shape, DOUBLE_BACKWARD) : null,
        w.requires_grad ? weightGrad(hx, gy, s, w.shape) : null,
        b && b.requires_grad ? biasGradOf(hx, s) : null,
      ];
    },
    [gy, w],
    true,
  );
}

/** The weight gradient of conv(x, .) for the output gradient gy, of shape wShape. */
export function weightGrad(x: Tensor, gy: Tensor, s: ConvSpec, wShape: readonly number[]): Tensor {
  const dt = x.dtype;
  const { g, Cout, groups } = s;
  const result = empty(wShape, dt);
  const N = samplesOf(x, g.C * g.H * g.W);
  if (N > 0) convWeightGradRaw(contiguousData(x), contiguousData(asDtype(gy, dt)), result._data, N, Cout, g, groups);
  return record(
    result, DOUBLE_BACKWARD, [x, gy],
    (h) => {
      const hw = asDtype(h, dt);
      return [
        x.requires_grad ? inputGrad(gy, hw, null, s, x.shape) : null,
        gy.requires_grad ? convApply(x, hw, null, s, gy.shape, DOUBLE_BACKWARD) : null,
      ];
    },
    [x, gy],
    true,
  );
}

/**
 * The convolution behind F.conv1d / F.conv2d (rank 1 or 2): input [N, C, *sp] or [C, *sp],
 * weight [Cout, C / groups, *k], bias [Cout] or null. grad_fn ConvolutionBackward0.
 */
export function convolution(fn: string, input: Tensor, weight: Tensor, bias: Tensor | null, rank: number, p: ConvParams): Tensor {
  if (rank === 1) {
    // torch 1.13's conv1d runs as a 2-D convolution that compares the weight's dtype only ("expected scalar type
    // Double but found Float" for PointNet's Conv1d fed a double tensor) and takes the bias in the input's dtype
    if (weight.dtype !== input.dtype) throw new RuntimeError(`expected scalar type ${cppTypeName(input.dtype)} but found ${cppTypeName(weight.dtype)}`);
    if (bias && bias.dtype !== input.dtype) bias = bias.to(input.dtype);
  }
  if (isIntegerConv(input)) {
    checkConvDtypes(input, weight, bias, "conv", p.dilation.some((d) => d > 1));
    return viaFloat64(input, weight, bias, (x, w, b) => convolution(fn, x, w, b, rank, p));
  }
  const { spec, outShape } = convSetup(fn, input, weight, bias, rank, p);
  // PyTorch runs an unbatched input as a batch of one and squeezes: its grad_fn is the squeeze.
  return convApply(input, weight, bias, spec, outShape, spec.batched ? "ConvolutionBackward0" : "SqueezeBackward1");
}

/** The shape torch's channel-count message names: an unbatched input is already a batch of one there. */
function batchedShape(input: Tensor, batched: boolean): readonly number[] {
  return batched ? input.shape : [1, ...input.shape];
}

/** A convolution's checks (PyTorch's messages), geometry and output shape. */
export function convSetup(fn: string, input: Tensor, weight: Tensor, bias: Tensor | null, rank: number, p: ConvParams): { spec: ConvSpec; outShape: number[] } {
  checkParams(fn, p);
  checkConvDtypes(input, weight, bias, "conv", p.dilation.some((d) => d > 1));
  const { batched, N, C, sp } = splitInput(fn, input, rank);
  checkWeightRank(fn, weight, rank);
  const Cout = weight.shape[0];
  const k = weight.shape.slice(2);
  const { groups } = p;
  if (Cout % groups !== 0) {
    throw new RuntimeError(`Given groups=${groups}, expected weight to be divisible by ${groups} at dimension 0, but got weight of size ${sizeStr(weight.shape)} instead`);
  }
  if (weight.shape[1] * groups !== C) {
    throw new RuntimeError(
      `Given groups=${groups}, weight of size ${sizeStr(weight.shape)}, expected input${sizeStr(batchedShape(input, batched))} to have ` +
        `${weight.shape[1] * groups} channels, but got ${C} channels instead`,
    );
  }
  if (bias && (bias.dim() !== 1 || bias.shape[0] !== Cout)) {
    throw new RuntimeError(`Given weight of size ${sizeStr(weight.shape)}, expected bias to be 1-dimensional with ${Cout} elements, but got bias of size ${sizeStr(bias.shape)} instead`);
  }
  const out = sp.map((s, i) => convOutSize(s, k[i], p.stride[i], p.padBefore[i] + p.padAfter[i], p.dilation[i]));
  if (out.some((o) => o < 1)) {
    const padded = sp.map((s, i) => s + p.padBefore[i] + p.padAfter[i]);
    const eff = k.map((kk, i) => p.dilation[i] * (kk - 1) + 1);
    throw new RuntimeError(
      `Calculated padded input size per channel: (${padded.join(" x ")}). Kernel size: (${eff.join(" x ")}). ` +
        `Kernel size can't be greater than actual input size`,
    );
  }
  const spec: ConvSpec = { g: geom(C, sp, k, p, out), Cout, groups, batched };
  return { spec, outShape: batched ? [N, Cout, ...out] : [Cout, ...out] };
}

// ---- transposed convolution --------------------------------------------------------------

export interface ConvTransposeParams extends ConvParams {
  outputPadding: number[];
}

/**
 * The transposed convolution behind F.conv_transpose1d/2d: the adjoint of convolution with the
 * same weight, i.e. input [N, Cin, *sp], weight [Cin, Cout / groups, *k], output
 * (sp - 1) * stride - 2 * padding + dilation * (k - 1) + output_padding + 1.
 */
export function convTranspose(fn: string, input: Tensor, weight: Tensor, bias: Tensor | null, rank: number, p: ConvTransposeParams): Tensor {
  checkParams(fn, p);
  checkConvDtypes(input, weight, bias, "transposed", p.dilation.some((d) => d > 1));
  if (isIntegerConv(input)) return viaFloat64(input, weight, bias, (x, w, b) => convTranspose(fn, x, w, b, rank, p));
  const { batched, N, C: Cin, sp } = splitInput(fn, input, rank);
  checkWeightRank(fn, weight, rank);
  const { groups } = p;
  if (weight.shape[0] !== Cin) {
    throw new RuntimeError(
      `Given transposed=1, weight of size ${sizeStr(weight.shape)}, expected input${sizeStr(batchedShape(input, batched))} to have ${weight.shape[0]} channels, but got ${Cin} channels instead`,
    );
  }
  if (Cin % groups !== 0) {
    throw new RuntimeError(`Given groups=${groups}, expected weight to be divisible by ${groups} at dimension 0, but got weight of size ${sizeStr(weight.shape)} instead`);
  }
  const Cout = weight.shape[1] * groups;
  if (bias && (bias.dim() !== 1 || bias.shape[0] !== Cout)) {
    throw new RuntimeError(`Given transposed=1, weight of size ${sizeStr(weight.shape)}, expected bias to be 1-dimensional with ${Cout} elements, but got bias of size ${sizeStr(bias.shape)} instead`);
  }
  checkOutputPadding(p.outputPadding, p.stride, p.dilation);
  const k = weight.shape.slice(2);
  const outSp = sp.map((s, i) => (s - 1) * p.stride[i] - p.padBefore[i] - p.padAfter[i] + p.dilation[i] * (k[i] - 1) + p.outputPadding[i] + 1);
  if (outSp.some((o) => o < 1)) {
    throw new RuntimeError(`${fn}: the output size ${sizeStr(outSp)} is too small (input ${sizeStr(sp)}, kernel ${sizeStr(k)})`);
  }
  // The forward convolution whose adjoint this is: it maps the output image (Cout channels) to
  // the input grid (Cin channels) with the same weight, read as [Cin, Cout / groups, *k].
  const spec: ConvSpec = { g: geom(Cout, outSp, k, p, sp), Cout: Cin, groups, batched };
  const outShape = batched ? [N, Cout, ...outSp] : [Cout, ...outSp];
  return inputGrad(input, weight, bias, spec, outShape, batched ? "ConvolutionBackward0" : "SqueezeBackward1");
}

// ---- unfold / fold -----------------------------------------------------------------------

export interface WindowParams {
  kernel: number[];
  dilation: number[];
  padding: number[];
  stride: number[];
}

function windowCheck(fn: string, w: WindowParams): void {
  if (w.kernel.some((k) => !(k > 0))) throw new RuntimeError(`${fn}: expected kernel width to be greater than zero, but got ${sizeStr(w.kernel)}`);
  if (w.stride.some((s) => !(s > 0))) throw new RuntimeError(`${fn}: expected stride to be greater than zero, but got ${sizeStr(w.stride)}`);
  if (w.dilation.some((d) => !(d > 0))) throw new RuntimeError(`${fn}: expected dilation to be greater than zero, but got ${sizeStr(w.dilation)}`);
  if (w.padding.some((p) => p < 0)) throw new RuntimeError(`${fn}: expected padding to be non-negative, but got ${sizeStr(w.padding)}`);
}

function windowGeom(C: number, H: number, W: number, w: WindowParams, OH: number, OW: number): Geom {
  return {
    C, H, W, kh: w.kernel[0], kw: w.kernel[1], sh: w.stride[0], sw: w.stride[1], ph: w.padding[0], pw: w.padding[1],
    dh: w.dilation[0], dw: w.dilation[1], OH, OW,
  };
}

/** F.unfold (im2col): [N, C, H, W] or [C, H, W] -> [N, C * kh * kw, L]. grad_fn Im2ColBackward0. */
export function unfold(input: Tensor, w: WindowParams): Tensor {
  const fn = "unfold";
  windowCheck(fn, w);
  if (input.dim() !== 3 && input.dim() !== 4) {
    throw new RuntimeError(`Input Error: Only 3D or 4D input Tensors are supported (got ${input.dim()}D)`);
  }
  if (!input.dtype.is_floating_point) throw new RuntimeError(`"im2col_out_cpu" not implemented for '${cppTypeName(input.dtype)}'`);
  const batched = input.dim() === 4;
  const s = input.shape;
  const N = batched ? s[0] : 1;
  const [C, H, W] = s.slice(batched ? 1 : 0);
  const OH = convOutSize(H, w.kernel[0], w.stride[0], 2 * w.padding[0], w.dilation[0]);
  const OW = convOutSize(W, w.kernel[1], w.stride[1], 2 * w.padding[1], w.dilation[1]);
  if (OH < 1 || OW < 1) {
    throw new RuntimeError(
      `Given input with spatial size (${H}, ${W}), kernel_size=(${w.kernel.join(", ")}), dilation=(${w.dilation.join(", ")}), ` +
        `padding=(${w.padding.join(", ")}), calculated shape of the array of sliding blocks as (${OH}, ${OW}), but its components must be at least one.`,
    );
  }
  const g = windowGeom(C, H, W, w, OH, OW);
  const K = C * g.kh * g.kw;
  const L = OH * OW;
  const dt = input.dtype;
  const x = contiguousData(input);
  const result = empty(batched ? [N, K, L] : [K, L], dt);
  for (let n = 0; n < N; n++) im2col(x, n * C * H * W, g, result._data, n * K * L);
  return record(result, "Im2ColBackward0", [input], (grad) => {
    const go = contiguousData(grad.dtype === dt ? grad : grad.to(dt));
    const gx = empty(input.shape, dt);
    for (let n = 0; n < N; n++) col2im(go, n * K * L, g, gx._data, n * C * H * W);
    return [gx];
  });
}

/** F.fold (col2im): [N, C * kh * kw, L] or [C * kh * kw, L] -> [N, C, *output_size]. grad_fn Col2ImBackward0. */
export function fold(input: Tensor, outputSize: number[], w: WindowParams): Tensor {
  const fn = "fold";
  windowCheck(fn, w);
  if (input.dim() !== 2 && input.dim() !== 3) {
    throw new RuntimeError(`Input Error: Only unbatched (2D) or batched (3D) input Tensors are supported (got ${input.dim()}D)`);
  }
  if (!input.dtype.is_floating_point) throw new RuntimeError(`"col2im_out_cpu" not implemented for '${cppTypeName(input.dtype)}'`);
  const batched = input.dim() === 3;
  const s = input.shape;
  const N = batched ? s[0] : 1;
  const [K, L] = s.slice(batched ? 1 : 0);
  const kk = w.kernel[0] * w.kernel[1];
  if (K % kk !== 0) {
    throw new RuntimeError(
      `Expected size of input's dimension 1 to be divisible by the product of kernel_size, but got input.size(1)=${K} and kernel_size=(${w.kernel.join(", ")})`,
    );
  }
  const [H, W] = outputSize;
  const OH = convOutSize(H, w.kernel[0], w.stride[0], 2 * w.padding[0], w.dilation[0]);
  const OW = convOutSize(W, w.kernel[1], w.stride[1], 2 * w.padding[1], w.dilation[1]);
  if (OH < 1 || OW < 1 || OH * OW !== L) {
    throw new RuntimeError(
      `Given output_size=(${H}, ${W}), kernel_size=(${w.kernel.join(", ")}), dilation=(${w.dilation.join(", ")}), padding=(${w.padding.join(", ")}), ` +
        `stride=(${w.stride.join(", ")}), expected size of input's dimension 2 to match the calculated number of sliding blocks ` +
        `${OH} * ${OW} = ${OH * OW}, but got input.size(2)=${L}.`,
    );
  }
  const C = K / kk;
  const g = windowGeom(C, H, W, w, OH, OW);
  const dt = input.dtype;
  const x = contiguousData(input);
  const result = empty(batched ? [N, C, H, W] : [C, H, W], dt);
  for (let n = 0; n < N; n++) col2im(x, n * K * L, g, result._data, n * C * H * W);
  return record(result, "Col2ImBackward0", [input], (grad) => {
    const go = contiguousData(grad.dtype === dt ? grad : grad.to(dt));
    const gx = empty(input.shape, dt);
    for (let n = 0; n < N; n++) im2col(go, n * C * H * W, g, gx._data, n * K * L);
    return [gx];
  });
}

/**
 * torch 1.13's check that a transposed convolution's output_padding is below its stride or its dilation, in its
 * words: slow_conv_transpose2d / 3d name every spatial size ("output_padding_height: 1 output_padding_width: 1
 * stride_height: 1 ..."); a 1-d one runs as 2-d with a height of output padding 0, stride 1, dilation 1.
 */
export function checkOutputPadding(outputPadding: readonly number[], stride: readonly number[], dilation: readonly number[]): void {
  const bad = outputPadding.some((o, i) => o < 0 || (o >= stride[i] && o >= dilation[i]));
  if (!bad) return;
  const lift = (v: readonly number[], pad: number) => (v.length === 1 ? [pad, ...v] : [...v]);
  const names = outputPadding.length === 3 ? ["depth", "height", "width"] : ["height", "width"];
  const part = (label: string, v: readonly number[]) => names.map((n, i) => `${label}_${n}: ${v[i]}`).join(" ");
  throw new RuntimeError(
    `output padding must be smaller than either stride or dilation, but got ${part("output_padding", lift(outputPadding, 0))} ${part("stride", lift(stride, 1))} ${part("dilation", lift(dilation, 1))}`,
  );
}
