/**
 * Float32 convolution through the packed GEMM, the whole batch as one product, with im2col
 * fused into the packing (no column matrix is ever written) and col2im fused into the unload.
 *
 * With P = N * OH * OW output positions and K = C * kh * kw window taps:
 *   forward      out[Cout, P]  = W[Cout, K] @ cols[K, P]
 *   weight grad  gW[Cout, K]   = gOut[Cout, P] @ cols[K, P]^T
 *   input grad   gCols[K, P]   = W[Cout, K]^T @ gOut[Cout, P], scattered back onto the input
 * where cols[k, p] = xPadded[posBase[p] + tapOff[k]]: every window read is one table lookup per
 * position and one per tap, on a zero-padded copy of the input (so no bounds checks inside).
 * gOut[co, p] = go[goBase[p] + co * L] reads the [N, Cout, L] gradient in place.
 *
 * The data lives in the GEMM's WebAssembly memory for the whole call: the input (and output
 * gradient) is copied in once above the GEMM's own panels, the packing, the unload and col2im run
 * as WebAssembly there (wasm/conv_pack.ts), and the result is copied out once. Only the small
 * weight operand and the partial last panels are packed in TypeScript.
 *
 * Groups other than 1 and float64 stay on the im2col + matmul path of ops/conv.ts.
 */
import { convPackOn, type ConvPack } from "./wasm/conv_pack";
import { poolKernelsOn } from "./wasm/pool_kernels";
import { MR as GEMM_MR, NR as GEMM_NR, gemmFloats, stridedA, type Gemm, type PackA, type PackB } from "./wasm/gemm";
import { ensureScratch } from "./wasm/resident";

// Local copies: an imported binding can compile to a getter call (CommonJS interop), too slow for packing loops.
const MR = GEMM_MR;
const NR = GEMM_NR;
if (MR !== 4 || NR !== 8) throw new Error("conv_gemm.ts: the WebAssembly packers assume MR = 4 and NR = 8");

/** Sliding-window geometry of one sample (the same fields as ops/conv.ts's Geom). */
export interface ConvShape {
  C: number; H: number; W: number;
  kh: number; kw: number;
  sh: number; sw: number;
  ph: number; pw: number;
  dh: number; dw: number;
  OH: number; OW: number;
}

/** Offset tables (in bytes, as the WebAssembly packers read them) and padded sizes for one geometry and batch size. */
interface Plan {
  N: number;
  L: number;
  P: number;
  K: number;
  Hp: number;
  Wp: number;
  /** Offset of position p's window origin in the padded batch. */
  posBase: Int32Array;
  /** Offset of tap k = (c, i, j) from a window origin. */
  tapOff: Int32Array;
  /** Offset of position p's (n, l) in an [N, Cout, L] tensor, without the co * L term. */
  goBase: (Cout: number) => Int32Array;
  /** co * L (in bytes) for the channels of an [N, Cout, L] tensor. */
  chanOff: (Cout: number) => Int32Array;
}

/** Cached plans with the geometry and batch size they were made for (a handful per model). */
const plans: { g: ConvShape; N: number; plan: Plan }[] = [];

/** The cached plan of (g, N): field compares, ~50x cheaper than building a string key per call (~4 µs, dozens of calls a step). */
function cachedPlan(g: ConvShape, N: number): Plan | null {
  for (const e of plans) {
    const h = e.g;
    if (
      e.N === N && h.C === g.C && h.H === g.H && h.W === g.W && h.kh === g.kh && h.kw === g.kw && h.sh === g.sh && h.sw === g.sw &&
      h.ph === g.ph && h.pw === g.pw && h.dh === g.dh && h.dw === g.dw && h.OH === g.OH && h.OW === g.OW
    ) return e.plan;
  }
  return null;
}

/** The packing code on the GEMM's memory, or null when the GEMM does not expose one (then ops/conv.ts uses im2col + matmul). */
function packerFor(gemm: Gemm): ConvPack | null {
  return gemm.memory ? convPackOn(gemm.memory) : null;
}

/** True when convolution can run through this GEMM (its memory is exposed and the packing module instantiates). */
export function convGemmSupported(gemm: Gemm): boolean {
  return packerFor(gemm) !== null;
}

function planFor(g: ConvShape, N: number): Plan {
  const cached = cachedPlan(g, N);
  if (cached) return cached;
  const L = g.OH * g.OW;
  const P = N * L;
  const K = g.C * g.kh * g.kw;
  // Large enough for every window, including the padding after (padding="same", ceil-mode sizes).
  const Hp = Math.max(g.H + g.ph, (g.OH - 1) * g.sh + (g.kh - 1) * g.dh + 1);
  const Wp = Math.max(g.W + g.pw, (g.OW - 1) * g.sw + (g.kw - 1) * g.dw + 1);
  const sample = g.C * Hp * Wp;
  const posBase = new Int32Array(P);
  for (let n = 0, p = 0; n < N; n++) {
    for (let oh = 0; oh < g.OH; oh++) {
      for (let ow = 0; ow < g.OW; ow++, p++) posBase[p] = 4 * (n * sample + oh * g.sh * Wp + ow * g.sw);
    }
  }
  const tapOff = new Int32Array(K);
  for (let c = 0, k = 0; c < g.C; c++) {
    for (let i = 0; i < g.kh; i++) {
      for (let j = 0; j < g.kw; j++, k++) tapOff[k] = 4 * (c * Hp * Wp + i * g.dh * Wp + j * g.dw);
    }
  }
  const goBases = new Map<number, Int32Array>();
  const chanOffs = new Map<number, Int32Array>();
  const plan: Plan = {
    N, L, P, K, Hp, Wp, posBase, tapOff,
    goBase: (Cout) => {
      let t = goBases.get(Cout);
      if (!t) {
        t = new Int32Array(P);
        for (let n = 0, p = 0; n < N; n++) for (let l = 0; l < L; l++, p++) t[p] = 4 * (n * Cout * L + l);
        goBases.set(Cout, t);
      }
      return t;
    },
    chanOff: (Cout) => {
      let t = chanOffs.get(Cout);
      if (!t) {
        t = new Int32Array(Cout);
        for (let co = 0; co < Cout; co++) t[co] = 4 * co * L;
        chanOffs.set(Cout, t);
      }
      return t;
    },
  };
  // A handful of geometries per model; keep the cache from growing without bound.
  if (plans.length >= 16) plans.shift();
  plans.push({ g: { ...g }, N, plan });
  return plan;
}

/**
 * The caller's region of the GEMM's memory, above the floats a gemm(m, n, k) call uses: `alloc`
 * hands out 16-byte aligned byte offsets, `commit` grows the memory to hold them all and returns
 * float and int views of it (valid until the memory grows again).
 */
function arena(gemm: Gemm, m: number, n: number, k: number) {
  let top = align16(gemmFloats(m, n, k) * 4);
  return {
    alloc(elements: number): number {
      const at = top;
      top += align16(elements * 4);
      return at;
    },
    commit(): { f: Float32Array; i: Int32Array } {
      const memory = gemm.memory as WebAssembly.Memory;
      ensureScratch(memory, top);
      return { f: new Float32Array(memory.buffer), i: new Int32Array(memory.buffer) };
    },
  };
}

function align16(bytes: number): number {
  return (bytes + 15) & ~15;
}

/** Copies samples x [N, C, H, W] into the zeroed [N, C, Hp, Wp] at float `at`, the padding before at (ph, pw). */
function copyPadded(f: Float32Array, at: number, x: Float32Array, g: ConvShape, pl: Plan, N: number): void {
  const { C, H, W, ph, pw } = g;
  const { Hp, Wp } = pl;
  if (Hp === H && Wp === W) {
    f.set(x.subarray(0, N * C * H * W), at);
    return;
  }
  f.fill(0, at, at + N * C * Hp * Wp);
  for (let nc = 0; nc < N * C; nc++) {
    for (let h = 0; h < H; h++) {
      const src = (nc * H + h) * W;
      f.set(x.subarray(src, src + W), at + (nc * Hp + h + ph) * Wp + pw);
    }
  }
}

/**
 * B panels whose columns are `rows` (positions) and k steps `cols` (taps or channels): the whole
 * panels in WebAssembly, the partial last one (zero-padded) here.
 */
function packRowsB(pk: ConvPack, base: number, rowTab: number, colTab: number, nRows: number, rowOff: Int32Array, colOff: Int32Array): PackB {
  const full = Math.floor(nRows / NR);
  return function rowsPanels(h, dst, c0, kc) {
    if (full > 0) pk.gather_rows8(dst * 4, base, rowTab, colTab, full, c0, kc);
    if (full * NR === nRows) return;
    const j0 = full * NR;
    let d = dst + full * kc * NR;
    const b = base >> 2;
    for (let t = c0; t < c0 + kc; t++, d += NR) {
      const o = colOff[t];
      for (let jj = 0; jj < NR; jj++) h[d + jj] = j0 + jj < nRows ? h[b + ((rowOff[j0 + jj] + o) >> 2)] : 0;
    }
  };
}

/** Panels of width `lanes` (4: A, 8: B) whose lanes are `nCols` columns and k steps rows (positions). */
function packColsPanels(pk: ConvPack, lanes: 4 | 8, base: number, rowTab: number, colTab: number, nCols: number): PackA & PackB {
  const full = Math.floor(nCols / lanes);
  const rest = nCols - full * lanes;
  const gather = lanes === 8 ? pk.gather_cols8 : pk.gather_cols4;
  return function colsPanels(h, dst, p0, kc) {
    if (full > 0) gather(dst * 4, base, rowTab, colTab, full, p0, kc);
    if (rest === 0) return;
    const d = dst + full * kc * lanes;
    h.fill(0, d, d + kc * lanes);
    pk.gather_partial(d * 4, base, rowTab, colTab + full * lanes * 4, lanes, rest, p0, kc);
  };
}

/**
 * A packer for the (small) weight operand that packs each k slice once and copies it for the
 * following chunks of the batch (the same panels every chunk).
 */
function packedOnce(m: number, pack: PackA): PackA {
  const slices = new Map<number, Float32Array>();
  return function packedOnceA(h, dst, p0, kc) {
    const done = slices.get(p0);
    if (done) {
      h.set(done, dst);
      return;
    }
    pack(h, dst, p0, kc);
    const len = Math.ceil(m / MR) * MR * kc;
    slices.set(p0, h.slice(dst, dst + len));
  };
}

/** Floats of the GEMM's result per call: larger batches go through in chunks of samples. */
let maxResult = 1 << 22;

/** Sets the chunk bound (tests use a small one to exercise chunking); returns the previous one. */
export function setConvChunkFloats(floats: number): number {
  const prev = maxResult;
  maxResult = floats;
  return prev;
}

/** Samples per chunk so that a [rows, chunk * L] result stays under maxResult floats. */
function chunkSize(N: number, rows: number, L: number): number {
  return Math.max(1, Math.min(N, Math.floor(maxResult / Math.max(1, rows * L))));
}

/**
 * Floats of a [rows, chunk * L] operand that stay in the L2 cache between being written and read
 * again: the forward's packed columns (read by the kernel) and the input gradient's column
 * gradient (read by col2im) come back from cache instead of memory when a chunk of samples is
 * this small. Whole-batch products were memory-bound on those two.
 */
const CACHE_FLOATS = 1 << 16;

function cacheChunk(N: number, rows: number, L: number): number {
  return Math.max(1, Math.min(chunkSize(N, rows, L), Math.floor(CACHE_FLOATS / Math.max(1, rows * L))));
}

function requirePacker(gemm: Gemm): ConvPack {
  const pk = packerFor(gemm);
  if (!pk) throw new Error("conv_gemm: this GEMM exposes no WebAssembly memory (check convGemmSupported first)");
  return pk;
}

/**
 * The forward's loop over chunks of samples: each chunk's [nc, Cout, L] result (+ bias) is
 * unloaded at byte offset `outAt` of the GEMM's memory and handed to `take`, with `extraFloats(nc)`
 * floats of the caller's at `extraAt` (after 64 bytes of padding past the result).
 */
function forwardChunks(
  gemm: Gemm, x: Float32Array, w: Float32Array, bias: Float32Array | null, N: number, Cout: number, g: ConvShape,
  extraFloats: (nc: number) => number,
  take: (h: Float32Array, n0: number, nc: number, outAt: number, extraAt: number) => void,
): void {
  const pk = requirePacker(gemm);
  const L = g.OH * g.OW;
  const K = g.C * g.kh * g.kw;
  const inSample = g.C * g.H * g.W;
  const step = cacheChunk(N, Math.max(Cout, K), L);
  const packA = packedOnce(Cout, stridedA(Cout, w, 0, K, 1));
  for (let n0 = 0; n0 < N; n0 += step) {
    const nc = Math.min(step, N - n0);
    const pl = planFor(g, nc);
    const { P } = pl;
    const mem = arena(gemm, Cout, P, K);
    const xAt = mem.alloc(nc * g.C * pl.Hp * pl.Wp);
    const posAt = mem.alloc(P);
    const tapAt = mem.alloc(K);
    const outAt = mem.alloc(nc * Cout * L + 16);
    const biasAt = mem.alloc(Cout);
    const extraAt = mem.alloc(extraFloats(nc));
    const { f, i } = mem.commit();
    copyPadded(f, xAt >> 2, x.subarray(n0 * inSample), g, pl, nc);
    i.set(pl.posBase, posAt >> 2);
    i.set(pl.tapOff, tapAt >> 2);
    if (bias) f.set(bias.subarray(0, Cout), biasAt >> 2);
    const packB = packRowsB(pk, xAt, posAt, tapAt, P, pl.posBase, pl.tapOff);
    gemm.gemm(Cout, P, K, packA, packB, function forwardUnload(h, c, ldc) {
      // C[co, n * L + l] (+ bias[co]) -> out[n, co, l] in module memory, for the caller to take.
      pk.unload_forward(c * 4, ldc * 4, outAt, Cout, nc, L, biasAt, bias ? 1 : 0);
      take(h, n0, nc, outAt, extraAt);
    });
  }
}

/** out [N, Cout, L] = conv(x [N, C, H, W], w [Cout, K]) + bias [Cout] (when given). */
export function convForwardGemm(
  gemm: Gemm, x: Float32Array, w: Float32Array, bias: Float32Array | null, out: Float32Array, N: number, Cout: number, g: ConvShape,
): void {
  const L = g.OH * g.OW;
  forwardChunks(gemm, x, w, bias, N, Cout, g, () => 0, function copyOut(h, n0, nc, outAt) {
    out.set(h.subarray(outAt >> 2, (outAt >> 2) + nc * Cout * L), n0 * Cout * L);
  });
}

/**
 * pooled [N, Cout, OH / 2, OW / 2] and idx (flat positions in each [OH, OW] plane, as floats) =
 * 2x2 max pool at stride 2 of relu(conv(x, w) + bias): the convolution's result never leaves the
 * GEMM's memory; ReLU runs in place there (the elementwise kernels' bits) and the pool reads it
 * where it is (pool_kernels.ts's max_2x2, the unfused pool's kernel), so the values and indices
 * are those of the three ops one after the other.
 */
export function convReluPool2x2Gemm(
  gemm: Gemm, x: Float32Array, w: Float32Array, bias: Float32Array | null, pooled: Float32Array, idx: Float32Array,
  N: number, Cout: number, g: ConvShape,
): void {
  const pool = poolKernelsOn(gemm.memory as WebAssembly.Memory);
  if (!pool) throw new Error("conv_gemm: the pooling kernels do not run on this GEMM's memory (check convReluPoolSupported first)");
  const L = g.OH * g.OW;
  const PH = g.OH >> 1, PW = g.OW >> 1;
  const outPlane = PH * PW;
  // The pooled values and indices, each followed by 4 floats of padding (max_2x2 writes whole groups of four).
  const pooledFloats = (nc: number) => align16((nc * Cout * outPlane + 4) * 4) / 4;
  forwardChunks(gemm, x, w, bias, N, Cout, g, (nc) => 2 * pooledFloats(nc), function reluPool(h, n0, nc, outAt, yAt) {
    const n = nc * Cout * L;
    pool.relu_inplace(outAt, Math.ceil(n / 4));
    const idxAt = yAt + pooledFloats(nc) * 4;
    pool.max_2x2(outAt, yAt, idxAt, nc * Cout, L * 4, g.OW, PH, PW, Math.ceil(PW / 4));
    const m = nc * Cout * outPlane;
    pooled.set(h.subarray(yAt >> 2, (yAt >> 2) + m), n0 * Cout * outPlane);
    idx.set(h.subarray(idxAt >> 2, (idxAt >> 2) + m), n0 * Cout * outPlane);
  });
}

/** True when conv -> ReLU -> 2x2 pool can run fused on this GEMM (convolution and pooling kernels on its memory). */
export function convReluPoolSupported(gemm: Gemm): boolean {
  return convGemmSupported(gemm) && poolKernelsOn(gemm.memory as WebAssembly.Memory) !== null;
}

/**
 * Whether the weight gradient is computed transposed (gW^T = cols @ gOut^T): the GEMM pads rows
 * to 4 and columns to 8, so e.g. LeNet's conv1 (Cout 8, K 25) wastes 7 of 32 columns as
 * gOut @ cols^T but 3 of 28 rows the other way round.
 */
function transposedWeightGrad(Cout: number, K: number): boolean {
  const padded = (rows: number, cols: number) => Math.ceil(rows / MR) * MR * Math.ceil(cols / NR) * NR;
  return padded(K, Cout) < padded(Cout, K);
}

/** gw [Cout, K] = the weight gradient (overwritten), given go [N, Cout, L]. */
export function convWeightGradGemm(gemm: Gemm, x: Float32Array, go: Float32Array, gw: Float32Array, N: number, Cout: number, g: ConvShape): void {
  const L = g.OH * g.OW;
  weightGradChunks(gemm, x, gw, N, Cout, g, 0, function copyGoIn(f, goAt, n0, nc) {
    f.set(go.subarray(n0 * Cout * L, (n0 + nc) * Cout * L), goAt >> 2);
  });
}

/** Samples per chunk of the weight gradient: the reduction runs over positions, so the result is small; chunks only bound the copies. */
function weightGradStep(N: number, g: ConvShape): number {
  return chunkSize(N, g.C, Math.max(g.OH * g.OW, g.H * g.W));
}

/**
 * The weight gradient's loop over chunks of samples; `fillGo(f, goAt, n0, nc, extraAt)` writes
 * the chunk's output gradient [nc, Cout, L] at byte offset goAt of the GEMM's memory, with
 * `extraFloats` floats of the caller's scratch at extraAt.
 */
function weightGradChunks(
  gemm: Gemm, x: Float32Array, gw: Float32Array, N: number, Cout: number, g: ConvShape, extraFloats: number,
  fillGo: (f: Float32Array, goAt: number, n0: number, nc: number, extraAt: number) => void,
): void {
  const pk = requirePacker(gemm);
  const L = g.OH * g.OW;
  const K = g.C * g.kh * g.kw;
  const inSample = g.C * g.H * g.W;
  const step = weightGradStep(N, g);
  const transposed = transposedWeightGrad(Cout, K);
  gw.fill(0, 0, Cout * K);
  for (let n0 = 0; n0 < N; n0 += step) {
    const nc = Math.min(step, N - n0);
    const pl = planFor(g, nc);
    const { P } = pl;
    const goBase = pl.goBase(Cout);
    const chanOff = pl.chanOff(Cout);
    const mem = transposed ? arena(gemm, K, Cout, P) : arena(gemm, Cout, K, P);
    const xAt = mem.alloc(nc * g.C * pl.Hp * pl.Wp);
    const goAt = mem.alloc(nc * Cout * L);
    const posAt = mem.alloc(P);
    const tapAt = mem.alloc(K);
    const goBaseAt = mem.alloc(P);
    const chanAt = mem.alloc(Cout);
    const extraAt = mem.alloc(extraFloats);
    const { f, i } = mem.commit();
    copyPadded(f, xAt >> 2, x.subarray(n0 * inSample), g, pl, nc);
    fillGo(f, goAt, n0, nc, extraAt);
    i.set(pl.posBase, posAt >> 2);
    i.set(pl.tapOff, tapAt >> 2);
    i.set(goBase, goBaseAt >> 2);
    i.set(chanOff, chanAt >> 2);
    if (transposed) {
      // gW^T[K, Cout] = cols[K, P] @ gOut^T[P, Cout]: A rows are taps, B columns channels.
      const packA = packColsPanels(pk, 4, xAt, posAt, tapAt, K);
      const packB = packColsPanels(pk, 8, goAt, goBaseAt, chanAt, Cout);
      gemm.gemm(K, Cout, P, packA, packB, function weightGradUnloadT(h, c, ldc) {
        for (let k = 0; k < K; k++) {
          const row = c + k * ldc;
          for (let co = 0; co < Cout; co++) gw[co * K + k] += h[row + co];
        }
      });
      continue;
    }
    // A = gOut[Cout, P] (rows: channels, k: positions); B = cols^T[P, K] (k: positions, columns: taps).
    const packA = packColsPanels(pk, 4, goAt, goBaseAt, chanAt, Cout);
    const packB = packColsPanels(pk, 8, xAt, posAt, tapAt, K);
    gemm.gemm(Cout, K, P, packA, packB, function weightGradUnload(h, c, ldc) {
      for (let co = 0; co < Cout; co++) {
        const row = c + co * ldc;
        for (let k = 0; k < K; k++) gw[co * K + k] += h[row + k];
      }
    });
  }
}

/**
 * The weight gradient gw (and bias gradient gb, and the convolution's output gradient gz when
 * asked) of conv -> ReLU -> 2x2 pool from the pooled gradient gp [N, Cout, OH / 2, OW / 2]: the
 * convolution's output gradient is built where the weight gradient reads it, in the GEMM's memory
 * (ReLU's mask by `relu`'s bits, then the scatter to the picks `idx`: pool_kernels.ts's relu_mask
 * and max_scatter, as ops/pool.ts's reluMaxScatter), and the bias gradient is summed there
 * (bias_grad, as ops/conv.ts's). The same kernels on the same data as the separate ops, so the
 * same bits. False (nothing written) when it does not apply: the batch needs several chunks,
 * L % 4 !== 0 (the bias gradient's WebAssembly rows) or no pooling kernels on this memory.
 */
export function convReluPoolParamGradsGemm(
  gemm: Gemm, x: Float32Array, gp: Float32Array, idx: Float32Array, relu: Float32Array,
  gw: Float32Array, gb: Float32Array | null, gz: Float32Array | null, N: number, Cout: number, g: ConvShape,
): boolean {
  const pool = gemm.memory ? poolKernelsOn(gemm.memory) : null;
  const L = g.OH * g.OW;
  if (!pool || L % 4 !== 0 || weightGradStep(N, g) < N || !convGemmSupported(gemm)) return false;
  const outPlane = (g.OH >> 1) * (g.OW >> 1);
  const outN = N * Cout * outPlane;
  const region = align16(outN * 4) / 4;
  weightGradChunks(gemm, x, gw, N, Cout, g, 3 * region + Cout, function scatterGoIn(f, goAt, _n0, _nc, extraAt) {
    const gpAt = extraAt, idxAt = gpAt + region * 4, reluAt = idxAt + region * 4, gbAt = reluAt + region * 4;
    f.fill(0, goAt >> 2, (goAt >> 2) + N * Cout * L);
    f.set(gp.subarray(0, outN), gpAt >> 2);
    f.set(idx.subarray(0, outN), idxAt >> 2);
    f.set(relu.subarray(0, outN), reluAt >> 2);
    pool.relu_mask(gpAt, reluAt, Math.ceil(outN / 4));
    pool.max_scatter(goAt, gpAt, idxAt, N * Cout, L * 4, outPlane);
    if (gb) {
      pool.bias_grad(goAt, gbAt, N, Cout, L);
      gb.set(f.subarray(gbAt >> 2, (gbAt >> 2) + Cout));
    }
    if (gz) gz.set(f.subarray(goAt >> 2, (goAt >> 2) + N * Cout * L));
  });
  return true;
}

/** gx [N, C, H, W] = the input gradient (overwritten), given go [N, Cout, L] and w [Cout, K]. */
export function convInputGradGemm(gemm: Gemm, w: Float32Array, go: Float32Array, gx: Float32Array, N: number, Cout: number, g: ConvShape): void {
  const pk = requirePacker(gemm);
  const L = g.OH * g.OW;
  const K = g.C * g.kh * g.kw;
  const inSample = g.C * g.H * g.W;
  const step = cacheChunk(N, K, L);
  const packA = packedOnce(K, stridedA(K, w, 0, 1, K));
  for (let n0 = 0; n0 < N; n0 += step) {
    const nc = Math.min(step, N - n0);
    inputGradChunk(gemm, pk, packA, go.subarray(n0 * Cout * L), gx.subarray(n0 * inSample), nc, Cout, g, K);
  }
}

function inputGradChunk(gemm: Gemm, pk: ConvPack, packA: PackA, go: Float32Array, gx: Float32Array, N: number, Cout: number, g: ConvShape, K: number): void {
  const pl = planFor(g, N);
  const { P, L, Hp, Wp } = pl;
  const { C, H, W, ph, pw } = g;
  const goBase = pl.goBase(Cout);
  const chanOff = pl.chanOff(Cout);
  const mem = arena(gemm, K, P, Cout);
  const goAt = mem.alloc(N * Cout * L);
  const goBaseAt = mem.alloc(P);
  const chanAt = mem.alloc(Cout);
  const gxAt = mem.alloc(N * C * Hp * Wp);
  const posAt = mem.alloc(P);
  const tapAt = mem.alloc(K);
  const { f, i } = mem.commit();
  f.set(go.subarray(0, N * Cout * L), goAt >> 2);
  i.set(goBase, goBaseAt >> 2);
  i.set(chanOff, chanAt >> 2);
  i.set(pl.posBase, posAt >> 2);
  i.set(pl.tapOff, tapAt >> 2);
  // B = gOut[Cout, P] (k: channels, columns: positions).
  const packB = packRowsB(pk, goAt, goBaseAt, chanAt, P, goBase, chanOff);
  gemm.gemm(K, P, Cout, packA, packB, function col2imUnload(h, c, ldc) {
    // col2im: every window tap adds its column gradient onto the input position it read; along an
    // output row at stride 1 (OW positions) the inputs read are contiguous.
    const gxf = gxAt >> 2;
    h.fill(0, gxf, gxf + N * C * Hp * Wp);
    pk.col2im(c * 4, ldc * 4, gxAt, posAt, tapAt, K, P, g.sw === 1 ? g.OW : 1);
    if (Hp === H && Wp === W) {
      gx.set(h.subarray(gxf, gxf + N * C * H * W));
      return;
    }
    for (let nc = 0; nc < N * C; nc++) {
      for (let hh = 0; hh < H; hh++) {
        const src = gxf + (nc * Hp + hh + ph) * Wp + pw;
        gx.set(h.subarray(src, src + W), (nc * H + hh) * W);
      }
    }
  });
}
