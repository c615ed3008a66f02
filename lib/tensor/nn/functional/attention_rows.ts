/**
 * Fused attention's passes over rows of scores (attention_core.ts runs the GEMMs around them):
 * forward, scores -> probabilities (scale, mask, causal cut, max-shifted softmax); backward,
 * dP -> dS = scale * P * (dP - rowsum(dP * P)). Rows are nb * L rows of S floats, row r being
 * query position r % L; under the causal cut a row's first min(S, (r % L) + 1) entries count and
 * the rest are exactly 0 (in P and in dS).
 *
 * On the WebAssembly backend, float32 rows of a multiple of 4 run as SIMD
 * (kernels/wasm/attention_simd.ts: float64 sums and normalising products, as the JS loops here);
 * the JS loops are the plain-TS backend's and everything else's.
 */
import type { Storage } from "../../dtype";
import { kernels } from "../../kernels/registry";
import { createAttentionSimd } from "../../kernels/wasm/attention_simd";
import { onFirstUse } from "../../kernels/wasm/on_first_use";

const simd = onFirstUse(createAttentionSimd);

/** An additive mask read through strides: row i of slice b starts at offs[b] + i * rowStride. */
export interface StridedMask {
  data: Storage;
  offs: number[];
  rowStride: number;
  colStride: number;
}

/** The SIMD passes apply: WebAssembly backend selected (selectBackend("ts") clears kernels.gemm), float32, rows of whole groups of four. */
const simdFor = (a: Storage, S: number): boolean => kernels.gemm !== null && a instanceof Float32Array && S > 0 && S % 4 === 0 && simd() !== null;

const rowEnd = (causal: boolean, i: number, S: number): number => (causal ? Math.min(S, i + 1) : S);

/** P (Q K^T for nb slices of L x S) becomes softmax(scale * P + mask) row by row, in place. */
export function softmaxRows(P: Storage, nb: number, L: number, S: number, causal: boolean, scale: number, mask: StridedMask | null): void {
  const rows = nb * L;
  if (simdFor(P, S)) {
    if (mask) {
      // Scale and mask here (the float64 sum rounded once, as below); the SIMD pass then scales by 1 (exact).
      applyMask(P, nb, L, S, causal, scale, mask);
      scale = 1;
    }
    simd()!.softmaxForward(P as Float32Array, rows, S, L, causal, scale);
    return;
  }
  // Scale, mask and causal cut, then each row shifted by its max (one pass per row)...
  if (mask) applyMask(P, nb, L, S, causal, scale, mask);
  for (let r = 0; r < rows; r++) {
    const row = r * S;
    const end = rowEnd(causal, r % L, S);
    let m = -Infinity;
    for (let j = row; j < row + end; j++) {
      const x = mask ? P[j] : P[j] * scale;
      P[j] = x;
      if (x > m || x !== x) m = x;
    }
    if (m === -Infinity) m = 0; // a fully masked row: exp(-inf) = 0 everywhere, 0 / 0 = NaN below
    for (let j = row; j < row + end; j++) P[j] -= m;
    for (let j = row + end; j < row + S; j++) P[j] = -Infinity;
  }
  // ...one vectorised exp over all scores, then each row divided by its sum.
  kernels.unary.exp(rows * S, P, P, 0, 0);
  // (Under the causal cut, entries past the diagonal are exp(-inf) = 0 already: rows stop there.)
  for (let r = 0; r < rows; r++) {
    const row = r * S;
    const end = rowEnd(causal, r % L, S);
    let s = 0;
    for (let j = row; j < row + end; j++) s += P[j];
    const inv = 1 / s;
    for (let j = row; j < row + end; j++) P[j] *= inv;
  }
}

/** P = scale * P + mask over each row's first `end` entries (computed in float64, rounded once). */
function applyMask(P: Storage, nb: number, L: number, S: number, causal: boolean, scale: number, mask: StridedMask): void {
  const md = mask.data;
  for (let b = 0; b < nb; b++) {
    for (let i = 0; i < L; i++) {
      const row = (b * L + i) * S;
      const end = rowEnd(causal, i, S);
      let at = mask.offs[b] + i * mask.rowStride;
      for (let j = row; j < row + end; j++, at += mask.colStride) P[j] = P[j] * scale + md[at];
    }
  }
}

/** dS (dO V^T in) becomes scale * P * (dS - rowsum(dS * P)), in place; 0 past the causal cut. */
export function softmaxBackwardRows(dS: Storage, P: Storage, rows: number, L: number, S: number, causal: boolean, scale: number): void {
  if (simdFor(dS, S) && P instanceof Float32Array) {
    simd()!.softmaxBackward(dS as Float32Array, P, rows, S, L, causal, scale);
    return;
  }
  for (let r = 0; r < rows; r++) {
    const row = r * S;
    const end = rowEnd(causal, r % L, S);
    let dot = 0;
    for (let j = row; j < row + end; j++) dot += dS[j] * P[j];
    for (let j = row; j < row + end; j++) dS[j] = scale * P[j] * (dS[j] - dot);
    for (let j = row + end; j < row + S; j++) dS[j] = 0; // P = 0 past the causal cut
  }
}
