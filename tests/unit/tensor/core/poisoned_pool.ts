/**
 * Plants NaN-filled buffers in the engine's buffer pools, so an op that takes its result buffer
 * unzeroed and fails to write every element shows NaN instead of the zeros fresh memory would give.
 */
import { clearPools, poolStats, releaseBuffer, releaseScratch } from "../../../../lib/tensor/buffer_pool";

/**
 * Empties both pools, then leaves `count` NaN-filled float32 buffers of each length in `lengths` in
 * the gradient pool and `scratch` of the first length in the scratch pool. Returns the planted
 * buffers; throws if a pool refused one (the test would then prove nothing).
 */
export function poisonPool(lengths: number | number[], count: number, scratch = 0): Float32Array[] {
  const sizes = typeof lengths === "number" ? [lengths] : lengths;
  clearPools();
  const bufs = sizes.flatMap((n) => Array.from({ length: count }, () => new Float32Array(n).fill(NaN)));
  for (const b of bufs) releaseBuffer(b);
  const scratchBufs = Array.from({ length: scratch }, () => new Float32Array(sizes[0]).fill(NaN));
  for (const b of scratchBufs) releaseScratch(b);
  const stats = poolStats();
  if (stats.buffers !== bufs.length || stats.scratchBuffers !== scratchBufs.length) {
    throw new Error(`poisonPool: the pools kept ${stats.buffers} + ${stats.scratchBuffers} of ${bufs.length} + ${scratchBufs.length} buffers`);
  }
  return [...bufs, ...scratchBufs];
}
