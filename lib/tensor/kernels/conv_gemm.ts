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
 * Groups other than 1 and float64 stay on the im2col + matmul path of ops/conv.ts.
 */
import { MR as GEMM_MR, NR as GEMM_NR, stridedA, type Gemm, type PackA, type PackB } from "./wasm/gemm";

// Local copies: an imported binding can compile to a getter call (CommonJS interop), too slow for packing loops.
const MR = GEMM_MR;
const NR = GEMM_NR;

/** Sliding-window geometry of one sample (the same fields as ops/conv.ts's Geom). */
export interface ConvShape {
  C: number; H: number; W: number;
  kh: number; kw: number;
  sh: number; sw: number;
  ph: number; pw: number;
  dh: number; dw: number;
  OH: number; OW: number;
}

/** Index tables and padded sizes for one geometry and batch size (cached: a training loop repeats them). */
interface Plan {
  key: string;
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
}

const plans = new Map<string, Plan>();

function planFor(g: ConvShape, N: number): Plan {
  const key = [N, g.C, g.H, g.W, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.dh, g.dw, g.OH, g.OW].join(",");
  const cached = plans.get(key);
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
      for (let ow = 0; ow < g.OW; ow++, p++) posBase[p] = n * sample + oh * g.sh * Wp + ow * g.sw;
    }
  }
  const tapOff = new Int32Array(K);
  for (let c = 0, k = 0; c < g.C; c++) {
    for (let i = 0; i < g.kh; i++) {
      for (let j = 0; j < g.kw; j++, k++) tapOff[k] = c * Hp * Wp + i * g.dh * Wp + j * g.dw;
    }
  }
  const goBases = new Map<number, Int32Array>();
  const plan: Plan = {
    key, N, L, P, K, Hp, Wp, posBase, tapOff,
    goBase: (Cout) => {
      let t = goBases.get(Cout);
      if (!t) {
        t = new Int32Array(P);
        for (let n = 0, p = 0; n < N; n++) for (let l = 0; l < L; l++, p++) t[p] = n * Cout * L + l;
        goBases.set(Cout, t);
      }
      return t;
    },
  };
  // A handful of geometries per model; keep the cache from growing without bound.
  if (plans.size >= 16) plans.delete(plans.keys().next().value as string);
  plans.set(key, plan);
  return plan;
}

// Grow-only scratch for the padded input and the padded input gradient.
let padScratch = new Float32Array(0);
let gradScratch = new Float32Array(0);

/** x [N, C, H, W] copied into a zeroed [N, C, Hp, Wp] with the padding before at (ph, pw); x itself when no padding is needed. */
function padded(x: Float32Array, g: ConvShape, pl: Plan, N: number): Float32Array {
  const { C, H, W, ph, pw } = g;
  const { Hp, Wp } = pl;
  if (Hp === H && Wp === W && ph === 0 && pw === 0) return x;
  const len = N * C * Hp * Wp;
  if (padScratch.length < len) padScratch = new Float32Array(len);
  const xp = padScratch;
  xp.fill(0, 0, len);
  for (let nc = 0; nc < N * C; nc++) {
    for (let h = 0; h < H; h++) {
      const src = (nc * H + h) * W;
      xp.set(x.subarray(src, src + W), (nc * Hp + h + ph) * Wp + pw);
    }
  }
  return xp;
}

/** B = cols[K, P] (columns: positions): panel jb holds positions 8jb..8jb+7 for each tap. */
function packCols(xp: Float32Array, pl: Plan): PackB {
  const { P, posBase, tapOff } = pl;
  return function packColsPanels(h, dst, p0, kc) {
    const nb = Math.ceil(P / NR);
    for (let jb = 0; jb < nb; jb++) {
      const j0 = jb * NR;
      let d = dst + jb * kc * NR;
      if (j0 + NR <= P && posBase[j0 + NR - 1] - posBase[j0] === NR - 1) {
        // Eight neighbours along one output row at stride 1: each tap reads 8 contiguous inputs.
        const b0 = posBase[j0];
        for (let t = p0; t < p0 + kc; t++, d += NR) {
          const s = b0 + tapOff[t];
          h[d] = xp[s]; h[d + 1] = xp[s + 1]; h[d + 2] = xp[s + 2]; h[d + 3] = xp[s + 3];
          h[d + 4] = xp[s + 4]; h[d + 5] = xp[s + 5]; h[d + 6] = xp[s + 6]; h[d + 7] = xp[s + 7];
        }
      } else if (j0 + NR <= P) {
        const b0 = posBase[j0], b1 = posBase[j0 + 1], b2 = posBase[j0 + 2], b3 = posBase[j0 + 3];
        const b4 = posBase[j0 + 4], b5 = posBase[j0 + 5], b6 = posBase[j0 + 6], b7 = posBase[j0 + 7];
        for (let t = p0; t < p0 + kc; t++, d += NR) {
          const o = tapOff[t];
          h[d] = xp[b0 + o]; h[d + 1] = xp[b1 + o]; h[d + 2] = xp[b2 + o]; h[d + 3] = xp[b3 + o];
          h[d + 4] = xp[b4 + o]; h[d + 5] = xp[b5 + o]; h[d + 6] = xp[b6 + o]; h[d + 7] = xp[b7 + o];
        }
      } else {
        for (let t = p0; t < p0 + kc; t++, d += NR) {
          const o = tapOff[t];
          for (let jj = 0; jj < NR; jj++) h[d + jj] = j0 + jj < P ? xp[posBase[j0 + jj] + o] : 0;
        }
      }
    }
  };
}

/** B = cols[K, P]^T (rows: positions, columns: taps): panel jb holds taps 8jb..8jb+7 for each position. */
function packColsT(xp: Float32Array, pl: Plan): PackB {
  const { K, posBase, tapOff } = pl;
  return function packColsTPanels(h, dst, p0, kc) {
    const nb = Math.ceil(K / NR);
    for (let jb = 0; jb < nb; jb++) {
      const j0 = jb * NR;
      let d = dst + jb * kc * NR;
      if (j0 + NR <= K) {
        const o0 = tapOff[j0], o1 = tapOff[j0 + 1], o2 = tapOff[j0 + 2], o3 = tapOff[j0 + 3];
        const o4 = tapOff[j0 + 4], o5 = tapOff[j0 + 5], o6 = tapOff[j0 + 6], o7 = tapOff[j0 + 7];
        for (let p = p0; p < p0 + kc; p++, d += NR) {
          const b = posBase[p];
          h[d] = xp[b + o0]; h[d + 1] = xp[b + o1]; h[d + 2] = xp[b + o2]; h[d + 3] = xp[b + o3];
          h[d + 4] = xp[b + o4]; h[d + 5] = xp[b + o5]; h[d + 6] = xp[b + o6]; h[d + 7] = xp[b + o7];
        }
      } else {
        // The last, partial panel: zero it, then fill the taps that exist, one at a time.
        h.fill(0, d, d + kc * NR);
        for (let jj = 0; j0 + jj < K; jj++) {
          const o = tapOff[j0 + jj];
          for (let p = p0, e = d + jj; p < p0 + kc; p++, e += NR) h[e] = xp[posBase[p] + o];
        }
      }
    }
  };
}

/** A = gOut[Cout, P] read in place from go [N, Cout, L]: row co, step p at go[goBase[p] + co * L]. */
function packGradOutA(go: Float32Array, Cout: number, pl: Plan): PackA {
  const goBase = pl.goBase(Cout);
  const { L } = pl;
  return function packGradOutAPanels(h, dst, p0, kc) {
    const mb = Math.ceil(Cout / MR);
    for (let ib = 0; ib < mb; ib++) {
      const base = dst + ib * kc * MR;
      for (let r = 0; r < MR; r++) {
        const co = ib * MR + r;
        if (co >= Cout) {
          for (let p = 0; p < kc; p++) h[base + p * MR + r] = 0;
          continue;
        }
        const rowOff = co * L;
        for (let p = 0, d = base + r; p < kc; p++, d += MR) h[d] = go[goBase[p0 + p] + rowOff];
      }
    }
  };
}

/** B = gOut[Cout, P] (k: output channels, columns: positions): panel jb holds positions 8jb..8jb+7 per channel. */
function packGradOutB(go: Float32Array, Cout: number, pl: Plan): PackB {
  const goBase = pl.goBase(Cout);
  const { L, P } = pl;
  return function packGradOutBPanels(h, dst, p0, kc) {
    const nb = Math.ceil(P / NR);
    for (let jb = 0; jb < nb; jb++) {
      const j0 = jb * NR;
      let d = dst + jb * kc * NR;
      for (let co = p0; co < p0 + kc; co++, d += NR) {
        const rowOff = co * L;
        for (let jj = 0; jj < NR; jj++) h[d + jj] = j0 + jj < P ? go[goBase[j0 + jj] + rowOff] : 0;
      }
    }
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

/** out [N, Cout, L] = conv(x [N, C, H, W], w [Cout, K]) + bias [Cout] (when given). */
export function convForwardGemm(
  gemm: Gemm, x: Float32Array, w: Float32Array, bias: Float32Array | null, out: Float32Array, N: number, Cout: number, g: ConvShape,
): void {
  const L = g.OH * g.OW;
  const K = g.C * g.kh * g.kw;
  const inSample = g.C * g.H * g.W;
  const step = chunkSize(N, Cout, L);
  for (let n0 = 0; n0 < N; n0 += step) {
    const nc = Math.min(step, N - n0);
    const pl = planFor(g, nc);
    const xp = padded(x.subarray(n0 * inSample), g, pl, nc);
    const outAt = n0 * Cout * L;
    gemm.gemm(Cout, pl.P, K, stridedA(Cout, w, 0, K, 1), packCols(xp, pl), function forwardUnload(h, c, ldc) {
      // C[co, n * L + l] -> out[n, co, l] (+ bias[co]): one contiguous run of L per (co, n).
      for (let co = 0; co < Cout; co++) {
        const row = c + co * ldc;
        if (!bias) {
          for (let n = 0; n < nc; n++) out.set(h.subarray(row + n * L, row + n * L + L), outAt + (n * Cout + co) * L);
          continue;
        }
        const bv = bias[co];
        for (let n = 0; n < nc; n++) {
          const src = row + n * L;
          const dst = outAt + (n * Cout + co) * L;
          for (let l = 0; l < L; l++) out[dst + l] = h[src + l] + bv;
        }
      }
    });
  }
}

/** gw [Cout, K] = the weight gradient (overwritten), given go [N, Cout, L]. */
export function convWeightGradGemm(gemm: Gemm, x: Float32Array, go: Float32Array, gw: Float32Array, N: number, Cout: number, g: ConvShape): void {
  const L = g.OH * g.OW;
  const K = g.C * g.kh * g.kw;
  const inSample = g.C * g.H * g.W;
  // The reduction runs over positions, so the result is small: chunk only to bound the padded copy.
  const step = chunkSize(N, g.C, Math.max(L, g.H * g.W));
  gw.fill(0, 0, Cout * K);
  for (let n0 = 0; n0 < N; n0 += step) {
    const nc = Math.min(step, N - n0);
    const pl = planFor(g, nc);
    const xp = padded(x.subarray(n0 * inSample), g, pl, nc);
    gemm.gemm(Cout, K, pl.P, packGradOutA(go.subarray(n0 * Cout * L), Cout, pl), packColsT(xp, pl), function weightGradUnload(h, c, ldc) {
      for (let co = 0; co < Cout; co++) {
        const row = c + co * ldc;
        for (let k = 0; k < K; k++) gw[co * K + k] += h[row + k];
      }
    });
  }
}

/** gx [N, C, H, W] = the input gradient (overwritten), given go [N, Cout, L] and w [Cout, K]. */
export function convInputGradGemm(gemm: Gemm, w: Float32Array, go: Float32Array, gx: Float32Array, N: number, Cout: number, g: ConvShape): void {
  const L = g.OH * g.OW;
  const K = g.C * g.kh * g.kw;
  const inSample = g.C * g.H * g.W;
  const step = chunkSize(N, K, L);
  for (let n0 = 0; n0 < N; n0 += step) {
    const nc = Math.min(step, N - n0);
    inputGradChunk(gemm, w, go.subarray(n0 * Cout * L), gx.subarray(n0 * inSample), nc, Cout, g, K);
  }
}

function inputGradChunk(gemm: Gemm, w: Float32Array, go: Float32Array, gx: Float32Array, N: number, Cout: number, g: ConvShape, K: number): void {
  const pl = planFor(g, N);
  const { P, Hp, Wp, posBase, tapOff } = pl;
  const { C, H, W, ph, pw } = g;
  const direct = Hp === H && Wp === W && ph === 0 && pw === 0;
  const len = N * C * Hp * Wp;
  if (!direct && gradScratch.length < len) gradScratch = new Float32Array(len);
  const gxp = direct ? gx : gradScratch;
  gxp.fill(0, 0, len);
  gemm.gemm(K, P, Cout, stridedA(K, w, 0, 1, K), packGradOutB(go, Cout, pl), function col2imUnload(h, c, ldc) {
    // col2im: every window tap adds its column gradient onto the input position it read.
    if (g.sw === 1) {
      // Along an output row (OW positions) the inputs read are contiguous: no table per element.
      const OW = g.OW;
      for (let k = 0; k < K; k++) {
        const o = tapOff[k];
        const row = c + k * ldc;
        for (let p = 0; p < P; p += OW) {
          const at = posBase[p] + o;
          const from = row + p;
          for (let q = 0; q < OW; q++) gxp[at + q] += h[from + q];
        }
      }
      return;
    }
    for (let k = 0; k < K; k++) {
      const o = tapOff[k];
      const row = c + k * ldc;
      for (let p = 0; p < P; p++) gxp[posBase[p] + o] += h[row + p];
    }
  });
  if (direct) return;
  for (let nc = 0; nc < N * C; nc++) {
    for (let hh = 0; hh < H; hh++) {
      const src = (nc * Hp + hh + ph) * Wp + pw;
      gx.set(gxp.subarray(src, src + W), (nc * H + hh) * W);
    }
  }
}
