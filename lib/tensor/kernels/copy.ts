/** Strided copy, the workhorse of contiguous(), copy_(), cat and view backward. */
import type { Storage } from "../dtype";

/**
 * Drops size-1 dims and merges dims that are adjacent in every operand's memory, so most
 * calls end in one or two flat loops. Returns [shape, ...strideSets].
 */
export function coalesce(shape: readonly number[], strideSets: readonly (readonly number[])[]): [number[], number[][]] {
  const outShape: number[] = [];
  const outStrides: number[][] = strideSets.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    const last = outShape.length - 1;
    let merge = last >= 0;
    if (merge) {
      for (let s = 0; s < strideSets.length; s++) {
        if (outStrides[s][last] !== strideSets[s][d] * shape[d]) {
          merge = false;
          break;
        }
      }
    }
    if (merge) {
      outShape[last] *= shape[d];
      for (let s = 0; s < strideSets.length; s++) outStrides[s][last] = strideSets[s][d];
    } else {
      outShape.push(shape[d]);
      for (let s = 0; s < strideSets.length; s++) outStrides[s].push(strideSets[s][d]);
    }
  }
  if (outShape.length === 0) {
    outShape.push(1);
    for (const s of outStrides) s.push(1);
  }
  return [outShape, outStrides];
}

export function copyStrided(
  shape: readonly number[],
  src: Storage, srcOff: number, srcStrides: readonly number[],
  dst: Storage, dstOff: number, dstStrides: readonly number[],
): void {
  const [sh, [ss, ds]] = coalesce(shape, [srcStrides, dstStrides]);
  const nd = sh.length;
  const n = sh[nd - 1];
  const si = ss[nd - 1];
  const di = ds[nd - 1];
  const idx = new Array<number>(nd).fill(0);
  let so = srcOff;
  let dof = dstOff;
  let outer = 1;
  for (let d = 0; d < nd - 1; d++) outer *= sh[d];
  for (let o = 0; o < outer; o++) {
    if (si === 1 && di === 1) {
      if (src === dst || n < 64) for (let i = 0; i < n; i++) dst[dof + i] = src[so + i];
      else dst.set(src.subarray(so, so + n), dof);
    } else {
      for (let i = 0; i < n; i++) dst[dof + i * di] = src[so + i * si];
    }
    // Advance the multi-index over the outer dims (odometer style).
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]++;
      so += ss[d];
      dof += ds[d];
      if (idx[d] < sh[d]) break;
      so -= ss[d] * sh[d];
      dof -= ds[d] * sh[d];
      idx[d] = 0;
    }
  }
}
