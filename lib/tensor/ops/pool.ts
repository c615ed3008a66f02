/**
 * Pooling over the last 1 or 2 dims, with backward: max pooling (with indices, dilation,
 * ceil_mode), average pooling (count_include_pad, divisor_override) and adaptive
 * average/max pooling. Every (n, c) plane is pooled on its own; 1-D ops use H = 1.
 *
 * Output sizes, windows and divisors follow PyTorch's CPU kernels (pooling_output_shape,
 * the avg-pool divisor rule, adaptive start = floor(o * I / O), end = ceil((o + 1) * I / O)),
 * and the max picks the first largest value (a NaN wins), so indices match PyTorch's.
 *
 * Every backward is itself a recorded op (a max pool's is a scatter by the saved indices, whose
 * derivative is the gather; an average pool's is its adjoint, whose derivative is the pool), so
 * pooling has gradients of every order under create_graph.
 *
 * Dtypes: float32 / float64; int64 for the average pools (integer division, as torch); the other
 * integer cases raise torch's '"<kernel>" not implemented for ...' (checkPoolDtype).
 */
import { record } from "../autograd/function";
import { cppTypeName, float32, float64, int64, type Storage } from "../dtype";
import { IndexError, RuntimeError } from "../errors";
import { kernels } from "../kernels/registry";
import { poolKernelsOn, scratchViews, type PoolKernels } from "../kernels/wasm/pool_kernels";
import { scratchMemoryOf } from "../kernels/wasm/gemm";
import type { Tensor } from "../tensor";
import { contiguousData, empty, emptyForOverwrite } from "./util";

/**
 * The WebAssembly pooling kernels on the GEMM's memory, for float32 on the WebAssembly backend;
 * null otherwise (float64, or the plain-TypeScript backend, keeps the TypeScript loops).
 */
function wasmPool(x: Storage): { k: PoolKernels; memory: WebAssembly.Memory } | null {
  const memory = scratchMemoryOf(kernels.gemm);
  if (!memory || !(x instanceof Float32Array)) return null;
  const k = poolKernelsOn(memory);
  return k ? { k, memory } : null;
}

const align16 = (bytes: number): number => (bytes + 15) & ~15;

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

/** The CPU kernel torch 1.13 names when a pool has none for a dtype (the 1-D pools run the 2-D kernels). */
const TORCH_POOL_KERNEL: Record<string, string> = {
  max_pool1d: "max_pool1d_impl", max_pool2d: "max_pool2d", avg_pool1d: "avg_pool2d", avg_pool2d: "avg_pool2d",
  adaptive_avg_pool1d: "adaptive_avg_pool2d", adaptive_avg_pool2d: "adaptive_avg_pool2d",
  adaptive_max_pool1d: "adaptive_max_pool2d", adaptive_max_pool2d: "adaptive_max_pool2d",
  max_pool3d: "max_pool3d_with_indices_cpu", avg_pool3d: "avg_pool3d_out_frame",
};

/**
 * Pools take float32 / float64, and the average pools int64 too (as torch: see avgPool). For uint8
 * and bool, and int64 in the max and adaptive pools, torch 1.13 has no kernel either and says so
 * ('"max_pool2d" not implemented for 'Byte'').
 */
export function checkPoolDtype(fn: string, input: Tensor): void {
  const dt = input.dtype;
  if (dt.is_floating_point) return;
  const kernel = TORCH_POOL_KERNEL[fn];
  if (dt === int64 && kernel?.startsWith("avg_pool")) return;
  if (kernel) throw new RuntimeError(`"${kernel}" not implemented for '${cppTypeName(dt)}'`);
  throw new RuntimeError(`${fn}: expected a floating point input, but got ${dt}`);
}

/**
 * torch 1.13's error for a pool's input of the wrong rank, which differs by pool: nn.MaxPool2d(2) of a 1-d tensor
 * says "non-empty 3D or 4D (batch mode) tensor expected for input"; avg_pool2d of too few dims fails on its dim -3.
 */
export function wrongPoolRank(fn: string, input: Tensor, rank: number): Error {
  const d = input.dim();
  const shape = sizeStr(input.shape);
  switch (fn) {
    case "max_pool2d":
    case "max_pool2d_with_indices":
    case "max_pool3d":
    case "max_pool3d_with_indices":
    case "avg_pool3d":
      return new RuntimeError(`non-empty ${rank + 1}D or ${rank + 2}D (batch mode) tensor expected for input`);
    case "max_pool1d":
      return new RuntimeError(`max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for input, but got:${shape}`);
    case "max_pool1d_with_indices":
    case "avg_pool1d":
    case "adaptive_avg_pool1d":
    case "adaptive_max_pool1d":
      return new RuntimeError(
        `Expected 2 to 3 dimensions, but got ${d}-dimensional tensor for argument #1 'self' (while checking arguments for ${fn.replace("_with_indices", "")})`,
      );
    case "avg_pool2d":
      if (d < rank + 1) return new IndexError(`Dimension out of range (expected to be in range of [${-Math.max(d, 1)}, ${Math.max(d, 1) - 1}], but got -3)`);
      return new RuntimeError(`Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got:${shape}`);
    case "adaptive_avg_pool2d":
      return new RuntimeError(`adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got ${shape}`);
    case "adaptive_max_pool2d":
    case "adaptive_max_pool3d":
      return new RuntimeError(`${fn}(): Expected ${rank + 1}D or ${rank + 2}D tensor, but got: ${shape}`);
  }
  return new RuntimeError(`${fn}: Expected ${rank + 1}D or ${rank + 2}D (batch mode) tensor for input, but got input of size: ${shape}`);
}

/** Input [N, C, *sp] or [C, *sp] for a pooling op of the given rank. */
function planes(fn: string, input: Tensor, rank: number, allowNoBatch = true): Planes {
  const d = input.dim();
  if (!(d === rank + 2 || (allowNoBatch && d === rank + 1))) throw wrongPoolRank(fn, input, rank);
  checkPoolDtype(fn, input);
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

/**
 * torch 1.13's pooling argument checks, in its order: per dim (height before width) pooling_output_shape's stride,
 * pad-sign and pad <= kernel / 2 checks, then pool2d_shape_check's / pool3d_shape_check's kernel, stride and dilation
 * positivity, naming the dims by `labels` (["H", "W"], ["T", "H", "W"]). The 1-d pools run as 2-d ones: they pass a
 * height of kernel 1, stride 1, pad 0, dilation 1, which torch's messages show (dilationH: 1 dilationW: 0).
 */
export function checkPoolArgs(kernel: readonly number[], stride: readonly number[], padding: readonly number[], dilation: readonly number[], labels: readonly string[]): void {
  for (let i = 0; i < kernel.length; i++) {
    if (stride[i] === 0) throw new RuntimeError("stride should not be zero");
    if (padding[i] < 0) throw new RuntimeError(`pad must be non-negative, but got pad: ${padding[i]}`);
    // C++'s kernelSize / 2 truncates toward zero
    if (padding[i] > Math.trunc(kernel[i] / 2)) throw new RuntimeError(`pad should be at most half of kernel size, but got pad=${padding[i]} and kernel_size=${kernel[i]}`);
  }
  const got = (prefix: string, v: readonly number[]) => v.map((x, i) => `${prefix}${labels[i]}: ${x}`).join(" ");
  if (kernel.some((k) => !(k > 0))) throw new RuntimeError(`kernel size should be greater than zero, but got ${got("k", kernel)}`);
  if (stride.some((s) => !(s > 0))) throw new RuntimeError(`stride should be greater than zero, but got ${got("d", stride)}`);
  if (dilation.some((d) => !(d > 0))) throw new RuntimeError(`dilation should be greater than zero, but got ${got("dilation", dilation)}`);
}

/** Checks and output sizes, with PyTorch's messages. Returns [OH, OW] in 2-D terms (OH = 1 for 1-D). */
function poolGeometry(input: Tensor, sp: number[], p: PoolParams): number[] {
  const r = sp.length;
  const lift = (v: number[], one: number) => (r === 1 ? [one, ...v] : v);
  checkPoolArgs(lift(p.kernel, 1), lift(p.stride, 1), lift(p.padding, 0), lift(p.dilation, 1), ["H", "W"]);
  const out = sp.map((s, i) => poolOutSize(s, p.kernel[i], p.padding[i], p.stride[i], p.dilation[i], p.ceil_mode));
  if (out.some((o) => o < 1)) {
    const c = input.shape[input.dim() - r - 1];
    // torch 1.13 runs the 1-d pools as 2-d ones over a height of 1, and its message shows that height: (2x1x6)
    const h = r === 1 ? [1] : [];
    throw new RuntimeError(`Given input size: (${[c, ...h, ...sp].join("x")}). Calculated output size: (${[c, ...h, ...out].join("x")}). Output size is too small`);
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

/** The name of the node that differentiates `node`'s backward (PyTorch's XBackwardBackward0). */
function backwardName(node: string): string {
  return node.replace(/\d+$/, "") + "Backward0";
}

/** What a max pool's backward needs: the picked flat positions per plane and the plane sizes. */
export interface MaxPicks {
  idx: Storage;
  P: number;
  inPlane: number;
  outPlane: number;
  /** The 2-D forward node's name (the 1-D pools wrap it in a squeeze). */
  node: string;
}

/**
 * The backward of a max pool as a recorded op: g scattered onto the positions the max picked,
 * gx[plane, idx[o]] += g[o]. It is linear in g, and its derivative is the gather of the same
 * positions (maxGather), so max pooling has gradients of every order.
 */
export function maxScatter(grad: Tensor, m: MaxPicks, inShape: readonly number[], dt: Tensor["dtype"]): Tensor {
  const gx = scatterRaw(contiguousData(grad.dtype === dt ? grad : grad.to(dt)), m, inShape, dt, null);
  return record(gx, backwardName(m.node), [grad], (h) => [maxGather(h, m, grad.shape, dt)], [], true);
}

/**
 * The scatter of a max pool behind a ReLU, first order only (not recorded): g kept where ReLU's
 * output at the picked position (`relu`, one per pooled output) has nonzero bits, +0 elsewhere
 * (unary.ts's relu gradient), then scattered. The same bits as maxScatter followed by ReLU's
 * backward: a picked position gets 0 + g or 0 + +0, every other position +0.
 */
export function reluMaxScatter(grad: Tensor, m: MaxPicks, inShape: readonly number[], relu: Float32Array): Tensor {
  return scatterRaw(contiguousData(grad.dtype === float32 ? grad : grad.to(float32)), m, inShape, float32, relu);
}

function scatterRaw(go: Storage, m: MaxPicks, inShape: readonly number[], dt: Tensor["dtype"], relu: Float32Array | null): Tensor {
  const { idx, P, inPlane, outPlane } = m;
  const wasm = wasmPool(go);
  // The WebAssembly path copies its whole result out (no zero-fill of a pooled buffer); the loop adds into zeros.
  const gx = (wasm ? emptyForOverwrite : empty)(inShape, dt);
  const r = gx._data;
  const outN = P * outPlane;
  if (wasm) {
    // gx and go copied through the module memory (scratch between GEMM calls).
    const inN = P * inPlane;
    const goAt = align16(inN * 4), idxAt = goAt + align16(outN * 4), reluAt = idxAt + align16(outN * 4);
    const { f } = scratchViews(wasm.memory, reluAt + align16(outN * 4));
    f.fill(0, 0, inN);
    f.set(go.subarray(0, outN), goAt >> 2);
    f.set(idx.subarray(0, outN), idxAt >> 2);
    if (relu) {
      f.set(relu.subarray(0, outN), reluAt >> 2);
      wasm.k.relu_mask(goAt, reluAt, Math.ceil(outN / 4));
    }
    wasm.k.max_scatter(0, goAt, idxAt, P, inPlane * 4, outPlane);
    r.set(f.subarray(0, inN));
    return gx;
  }
  let g = go;
  if (relu) {
    const masked = new Int32Array(outN);
    const gi = new Int32Array(go.buffer, go.byteOffset, outN);
    const ri = new Int32Array(relu.buffer, relu.byteOffset, outN);
    for (let i = 0; i < outN; i++) {
      const b = ri[i];
      masked[i] = gi[i] & -((b | -b) >>> 31);
    }
    g = new Float32Array(masked.buffer);
  }
  for (let p = 0; p < P; p++) {
    const ib = p * inPlane;
    const ob = p * outPlane;
    for (let o = 0; o < outPlane; o++) r[ib + idx[ob + o]] += g[ob + o];
  }
  return gx;
}

/** h read at the positions the max picked: out[plane, o] = h[plane, idx[o]] (the adjoint of maxScatter). */
function maxGather(h: Tensor, m: MaxPicks, outShape: readonly number[], dt: Tensor["dtype"]): Tensor {
  const { idx, P, inPlane, outPlane } = m;
  const x = contiguousData(h.dtype === dt ? h : h.to(dt));
  const out = empty(outShape, dt);
  const y = out._data;
  for (let p = 0; p < P; p++) {
    const ib = p * inPlane;
    const ob = p * outPlane;
    for (let o = 0; o < outPlane; o++) y[ob + o] = x[ib + idx[ob + o]];
  }
  return record(out, m.node, [h], (k) => [maxScatter(k, m, h.shape, dt)], [], true);
}

/**
 * The windows of a pooling op, the same in every plane: windows are separable, so output (oh, ow)
 * reads input rows hb[2 * oh] up to hb[2 * oh + 1] (exclusive) in steps of dh, and columns
 * wb[2 * ow] .. wb[2 * ow + 1] in steps of dw, already clipped to the input.
 */
interface Windows {
  P: number;
  H: number;
  W: number;
  OH: number;
  OW: number;
  hb: Int32Array;
  wb: Int32Array;
  dh: number;
  dw: number;
}

/** Max-pool bounds in one dim: start stepped by d into the input, end clipped to it. */
function maxBounds(I: number, O: number, k: number, s: number, pad: number, d: number): Int32Array {
  const b = new Int32Array(2 * O);
  for (let o = 0; o < O; o++) {
    let st = o * s - pad;
    const en = Math.min(st + (k - 1) * d + 1, I);
    while (st < 0) st += d;
    b[2 * o] = st;
    b[2 * o + 1] = en;
  }
  return b;
}

/** Avg-pool bounds in one dim, clipped to the input, and the window sizes clipped only to the padded input. */
function avgBounds(I: number, O: number, k: number, s: number, pad: number): { b: Int32Array; padded: Int32Array } {
  const b = new Int32Array(2 * O);
  const padded = new Int32Array(O);
  for (let o = 0; o < O; o++) {
    const st = o * s - pad;
    const en = Math.min(st + k, I + pad);
    padded[o] = en - st;
    b[2 * o] = Math.max(st, 0);
    b[2 * o + 1] = Math.min(en, I);
  }
  return { b, padded };
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

/** Window areas (the average's divisor when padding is not counted), one per output position. */
function windowAreas(w: Windows): Float64Array {
  const { OH, OW, hb, wb } = w;
  const div = new Float64Array(OH * OW);
  for (let oh = 0, o = 0; oh < OH; oh++) {
    for (let ow = 0; ow < OW; ow++, o++) div[o] = (hb[2 * oh + 1] - hb[2 * oh]) * (wb[2 * ow + 1] - wb[2 * ow]);
  }
  return div;
}

/** True when every window spans exactly `k` rows (or columns) at step 1: no clipping at the borders. */
function allSpan(b: Int32Array, k: number, d: number): boolean {
  if (d !== 1) return false;
  for (let i = 0; i < b.length; i += 2) if (b[i + 1] - b[i] !== k) return false;
  return true;
}

/**
 * Max over 2x2 windows (the common CNN pool): four loads and three comparisons per output,
 * with the general loop's tie rule (the first largest value, a later NaN wins).
 */
function max2x2(x: Storage, y: Storage, idx: Storage, w: Windows): void {
  const { P, H, W, OH, OW, hb, wb } = w;
  const inPlane = H * W;
  for (let pl = 0, o = 0; pl < P; pl++) {
    const xb = pl * inPlane;
    for (let oh = 0; oh < OH; oh++) {
      const r0 = hb[2 * oh] * W;
      const r1 = r0 + W;
      for (let ow = 0; ow < OW; ow++, o++) {
        const c = wb[2 * ow];
        let bi = r0 + c;
        let best = x[xb + bi];
        let v = x[xb + r0 + c + 1];
        if (v > best || v !== v) { best = v; bi = r0 + c + 1; }
        v = x[xb + r1 + c];
        if (v > best || v !== v) { best = v; bi = r1 + c; }
        v = x[xb + r1 + c + 1];
        if (v > best || v !== v) { best = v; bi = r1 + c + 1; }
        y[o] = best;
        idx[o] = bi;
      }
    }
  }
}

/** True when the windows are the plain 2x2 stride-2 grid from (0, 0) that the WebAssembly kernel covers. */
function isStride2Grid(w: Windows): boolean {
  if (!(allSpan(w.hb, 2, w.dh) && allSpan(w.wb, 2, w.dw))) return false;
  for (let o = 0; o < w.OH; o++) if (w.hb[2 * o] !== 2 * o) return false;
  for (let o = 0; o < w.OW; o++) if (w.wb[2 * o] !== 2 * o) return false;
  return true;
}

/** max2x2 over the stride-2 grid in WebAssembly: x copied into the module memory, values and indices copied out. */
function max2x2Wasm(k: PoolKernels, memory: WebAssembly.Memory, x: Float32Array, y: Storage, idx: Storage, w: Windows): void {
  const { P, H, W, OH, OW } = w;
  const inN = P * H * W, outN = P * OH * OW;
  // Padding after each region: the last group of four outputs reads up to 8 floats past a row and writes 4 past the end.
  const yAt = align16(inN * 4 + 64), idxAt = yAt + align16(outN * 4 + 16);
  const { f } = scratchViews(memory, idxAt + outN * 4 + 16);
  f.set(x.subarray(0, inN), 0);
  k.max_2x2(0, yAt, idxAt, P, H * W * 4, W, OH, OW, Math.ceil(OW / 4));
  y.set(f.subarray(yAt >> 2, (yAt >> 2) + outN));
  idx.set(f.subarray(idxAt >> 2, (idxAt >> 2) + outN));
}

/** Max over arbitrary windows (padding, dilation, adaptive and clipped windows). */
function maxGeneral(x: Storage, y: Storage, idx: Storage, w: Windows): void {
  const { P, H, W, OH, OW, hb, wb, dh, dw } = w;
  const inPlane = H * W;
  for (let pl = 0, o = 0; pl < P; pl++) {
    const xb = pl * inPlane;
    for (let oh = 0; oh < OH; oh++) {
      const hs = hb[2 * oh], he = hb[2 * oh + 1];
      for (let ow = 0; ow < OW; ow++, o++) {
        const ws = wb[2 * ow], we = wb[2 * ow + 1];
        let best = -Infinity;
        let bi = hs * W + ws;
        for (let ih = hs; ih < he; ih += dh) {
          const row = ih * W;
          for (let iw = ws; iw < we; iw += dw) {
            const v = x[xb + row + iw];
            if (v > best || v !== v) {
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
}

/**
 * Max over every window of every plane: the values and their indices (flat positions within each
 * input plane, int64); the max picks the first largest value and a NaN wins. grad_fn `node`
 * (`inner` is the 2-D op's name, which the 1-D pools wrap in a squeeze).
 */
function maxPoolWindows(input: Tensor, outShape: number[], w: Windows, node: string, inner: string): [Tensor, Tensor] {
  const x = contiguousData(input);
  const wasm = isStride2Grid(w) ? wasmPool(x) : null;
  // The WebAssembly path copies out every value and index: a pooled buffer needs no zero-fill.
  const alloc = wasm ? emptyForOverwrite : empty;
  const result = alloc(outShape, input.dtype);
  const indices = alloc(outShape, int64);
  const idx = indices._data;
  if (wasm) max2x2Wasm(wasm.k, wasm.memory, x as Float32Array, result._data, idx, w);
  else if (allSpan(w.hb, 2, w.dh) && allSpan(w.wb, 2, w.dw)) max2x2(x, result._data, idx, w);
  else maxGeneral(x, result._data, idx, w);
  const picks: MaxPicks = { idx, P: w.P, inPlane: w.H * w.W, outPlane: w.OH * w.OW, node: inner };
  const dt = input.dtype;
  const values = record(result, node, [input], (g) => [maxScatter(g, picks, input.shape, dt)], [], true);
  return [values, indices];
}

/**
 * Average over every window (windows of step 1): forward, dst[o] = sum(src[window]) / div[o];
 * backward, dst[window] += src[o] / div[o].
 */
function avgPlanes(src: Storage, dst: Storage, w: Windows, div: Float64Array, backward: boolean): void {
  const { P, H, W, OH, OW, hb, wb } = w;
  const inPlane = H * W;
  const outPlane = OH * OW;
  for (let pl = 0; pl < P; pl++) {
    const xb = pl * inPlane;
    const ob = pl * outPlane;
    for (let oh = 0, o = 0; oh < OH; oh++) {
      const hs = hb[2 * oh], he = hb[2 * oh + 1];
      for (let ow = 0; ow < OW; ow++, o++) {
        const ws = wb[2 * ow], we = wb[2 * ow + 1];
        if (backward) {
          const v = src[ob + o] / div[o];
          for (let ih = hs; ih < he; ih++) {
            const row = xb + ih * W;
            for (let iw = ws; iw < we; iw++) dst[row + iw] += v;
          }
        } else {
          let s = 0;
          for (let ih = hs; ih < he; ih++) {
            const row = xb + ih * W;
            for (let iw = ws; iw < we; iw++) s += src[row + iw];
          }
          dst[ob + o] = s / div[o];
        }
      }
    }
  }
}

/** What an average pool's two directions share: the windows and the divisor of each output. */
interface AvgWindows {
  w: Windows;
  div: Float64Array;
  /** The 2-D forward node's name. */
  node: string;
}

/**
 * Average pooling of x as a recorded op (grad_fn `node`). Average pooling is linear, so its
 * backward is its adjoint (avgAdjoint) and the adjoint's backward is the pooling again: gradients
 * of every order.
 */
function avgApply(x: Tensor, a: AvgWindows, outShape: readonly number[], dt: Tensor["dtype"], node = a.node): Tensor {
  const result = empty(outShape, dt);
  avgPlanes(contiguousData(x.dtype === dt ? x : x.to(dt)), result._data, a.w, a.div, false);
  return record(result, node, [x], (g) => [avgAdjoint(g, a, x.shape, dt)], [], true);
}

/** The adjoint of avgApply: g[o] / div[o] spread over window o. */
function avgAdjoint(g: Tensor, a: AvgWindows, inShape: readonly number[], dt: Tensor["dtype"]): Tensor {
  const gx = empty(inShape, dt);
  avgPlanes(contiguousData(g.dtype === dt ? g : g.to(dt)), gx._data, a.w, a.div, true);
  return record(gx, backwardName(a.node), [g], (h) => [avgApply(h, a, g.shape, dt)], [], true);
}

/** Average pooling over the windows with the divisors `div`; grad_fn `node` (`inner`: the 2-D op's name). */
function avgPoolWindows(input: Tensor, outShape: number[], w: Windows, div: Float64Array, node: string, inner: string): Tensor {
  return avgApply(input, { w, div, node: inner }, outShape, input.dtype, node);
}

/** max_pool1d/2d. Returns the values and the indices (flat positions within each input plane, int64). */
export function maxPool(fn: string, input: Tensor, rank: number, p: PoolParams): [Tensor, Tensor] {
  const { P, lead, sp } = planes(fn, input, rank);
  const out = poolGeometry(input, sp, p);
  const { H, W, OH, OW, kh, kw, sh, sw, ph, pw, dh, dw } = as2d(sp, out, p);
  const w: Windows = { P, H, W, OH, OW, hb: maxBounds(H, OH, kh, sh, ph, dh), wb: maxBounds(W, OW, kw, sw, pw, dw), dh, dw };
  // PyTorch runs the 1-D pools as 2-D pools on an unsqueezed input, so their grad_fn is the squeeze.
  const inner = "MaxPool2DWithIndicesBackward0";
  return maxPoolWindows(input, [...lead, ...out], w, rank === 1 ? "SqueezeBackward1" : inner, inner);
}

export interface AvgPoolParams extends PoolParams {
  count_include_pad: boolean;
  divisor_override: number | null;
}

/** avg_pool1d/2d with PyTorch's divisor rule. */
export function avgPool(fn: string, input: Tensor, rank: number, p: AvgPoolParams): Tensor {
  // int64, as torch's integer kernel: the window's exact sum divided in integers (truncated toward zero).
  // float64 holds the sums exactly, and a quotient that is not an integer is at least 1/divisor from one.
  if (input.dtype === int64) return avgPool(fn, input.to(float64), rank, p).trunc().to(int64);
  const { P, lead, sp } = planes(fn, input, rank);
  if (p.divisor_override === 0) throw new RuntimeError(`${fn}: divisor must be not zero`);
  const out = poolGeometry(input, sp, p);
  const { H, W, OH, OW, kh, kw, sh, sw, ph, pw } = as2d(sp, out, p);
  const rows = avgBounds(H, OH, kh, sh, ph);
  const cols = avgBounds(W, OW, kw, sw, pw);
  const w: Windows = { P, H, W, OH, OW, hb: rows.b, wb: cols.b, dh: 1, dw: 1 };
  // Divisor per output position (the same in every plane).
  let div: Float64Array;
  if (p.divisor_override !== null) {
    div = new Float64Array(OH * OW).fill(p.divisor_override);
  } else if (p.count_include_pad) {
    div = new Float64Array(OH * OW);
    for (let oh = 0, o = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++, o++) div[o] = rows.padded[oh] * cols.padded[ow];
  } else {
    div = windowAreas(w);
  }
  const inner = "AvgPool2DBackward0";
  return avgPoolWindows(input, [...lead, ...out], w, div, rank === 1 ? "SqueezeBackward1" : inner, inner);
}

function adaptiveSetup(fn: string, input: Tensor, rank: number, outputSize: (number | null)[]) {
  const { P, lead, sp } = planes(fn, input, rank);
  if (outputSize.length !== rank) throw new RuntimeError(`${fn}: output_size must be ${rank}`);
  const out = outputSize.map((o, i) => (o === null ? sp[i] : o));
  if (out.some((o) => !(o >= 0) || !Number.isInteger(o))) throw new RuntimeError(`${fn}: elements of output_size must be non-negative integers, but got ${sizeStr(out as number[])}`);
  const [H, W] = rank === 1 ? [1, sp[0]] : sp;
  const [OH, OW] = rank === 1 ? [1, out[0]] : out;
  const w: Windows = { P, H, W, OH, OW, hb: adaptiveBounds(H, OH), wb: adaptiveBounds(W, OW), dh: 1, dw: 1 };
  return { outShape: [...lead, ...out], w };
}

/** adaptive_avg_pool1d/2d: output_size entries may be null (keep the input size). */
export function adaptiveAvgPool(fn: string, input: Tensor, rank: number, outputSize: (number | null)[]): Tensor {
  // torch takes a 1x1 output as a mean, whose dtype check comes first
  if (!input.dtype.is_floating_point && outputSize.every((o) => o === 1)) {
    throw new RuntimeError(`mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: ${cppTypeName(input.dtype)}`);
  }
  // torch 1.13 takes a 1x1 output as input.mean((-1, -2), keepdim=True) before any rank check: a 2-d or 5-d input
  // works (AdaptiveAvgPool2d(1) of a flattened batch gives [N, 1]), a 1-d one fails on dim -2
  if (rank === 2 && input.dim() !== 3 && input.dim() !== 4 && outputSize.every((o, i) => (o ?? input.shape[input.dim() - 2 + i]) === 1)) {
    return input.mean([-1, -2], true);
  }
  const { outShape, w } = adaptiveSetup(fn, input, rank, outputSize);
  // PyTorch computes a 1x1 adaptive average as a mean.
  const inner = w.OH === 1 && w.OW === 1 ? "MeanBackward1" : "AdaptiveAvgPool2DBackward0";
  return avgPoolWindows(input, outShape, w, windowAreas(w), rank === 1 ? "SqueezeBackward1" : inner, inner);
}

/** adaptive_max_pool1d/2d: values and indices (flat positions within each input plane). */
export function adaptiveMaxPool(fn: string, input: Tensor, rank: number, outputSize: (number | null)[]): [Tensor, Tensor] {
  const { outShape, w } = adaptiveSetup(fn, input, rank, outputSize);
  const inner = "AdaptiveMaxPool2DBackward0";
  return maxPoolWindows(input, outShape, w, rank === 1 ? "SqueezeBackward1" : inner, inner);
}
