/** Reduction loops over one axis of a contiguous [outer, r, inner] layout. */
import type { Storage } from "../dtype";

export const ReduceOp = { sum: 0, prod: 1, max: 2, min: 3 } as const;

/** Sum of x[0..n), accumulated in float64 for accuracy. */
export function sumAll(n: number, x: Storage): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    s0 += x[i]; s1 += x[i + 1]; s2 += x[i + 2]; s3 += x[i + 3];
  }
  for (; i < n; i++) s0 += x[i];
  return s0 + s1 + s2 + s3;
}

/**
 * out[o, j] = reduce_k x[o, k, j]. For max/min, `idx` (if given) receives the first index of
 * the extreme value; NaN wins like in PyTorch.
 */
export function reduceAxis(
  op: number, x: Storage, outer: number, r: number, inner: number, out: Storage, idx: Storage | null,
): void {
  if (op === 0 || op === 1) {
    const isSum = op === 0;
    if (inner === 1) {
      for (let o = 0; o < outer; o++) {
        const base = o * r;
        let acc = isSum ? 0 : 1;
        if (isSum) for (let k = 0; k < r; k++) acc += x[base + k];
        else for (let k = 0; k < r; k++) acc *= x[base + k];
        out[o] = acc;
      }
      return;
    }
    // Accumulate rows in a float64 scratch so float32 sums do not lose precision.
    const acc = new Float64Array(inner);
    for (let o = 0; o < outer; o++) {
      acc.fill(isSum ? 0 : 1);
      const base = o * r * inner;
      for (let k = 0; k < r; k++) {
        const rowOff = base + k * inner;
        if (isSum) for (let j = 0; j < inner; j++) acc[j] += x[rowOff + j];
        else for (let j = 0; j < inner; j++) acc[j] *= x[rowOff + j];
      }
      const oo = o * inner;
      for (let j = 0; j < inner; j++) out[oo + j] = acc[j];
    }
    return;
  }
  const isMax = op === 2;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const base = o * r * inner + j;
      let best = x[base];
      let bi = 0;
      if (best === best) {
        for (let k = 1; k < r; k++) {
          const v = x[base + k * inner];
          if (v !== v) { best = v; bi = k; break; }
          if (isMax ? v > best : v < best) { best = v; bi = k; }
        }
      }
      out[o * inner + j] = best;
      if (idx) idx[o * inner + j] = bi;
    }
  }
}
