/**
 * WebAssembly SIMD matmul for float32: the packed GEMM (gemm.ts). Where the driver exposes its
 * memory, the operands are copied into it once (the span each strided view covers) and packed
 * there by WebAssembly loops (matmul_pack.ts: whole panels; the partial last panel in JS), so
 * transposed operands cost nothing extra and no JS loop touches every element; otherwise the
 * JS strided packers. Falls back to the plain-TS kernel for float64 (gradcheck) and tiny products.
 */
import type { Storage } from "../../dtype";
import { KC, MC, MR as GEMM_MR, NR as GEMM_NR, denseC, driverFor, gemmFloats, stridedA, stridedB, type BatchRunner, type Gemm, type PackA } from "./gemm";
import { BATCH_FN, BATCH_JOB_WORDS, BATCH_SKIP, BATCH_STORE, batchPackedBAt, batchScratchBytes, biasInKernel, skipWord } from "./gemm_batch";
import { colsumFunctions } from "./elementwise_simd";
import { matmulPackFor, type MatmulPack } from "./matmul_pack";
import { kernelsOnMemory } from "./on_memory";
import { ensureScratch } from "./resident";

// Local copies: an imported binding can compile to a getter call (CommonJS interop).
const MR = GEMM_MR;
const NR = GEMM_NR;

type Matmul = (
  m: number, n: number, k: number,
  a: Storage, aOff: number, as0: number, as1: number,
  b: Storage, bOff: number, bs0: number, bs1: number,
  c: Storage, cOff: number,
) => void;

/** Products smaller than this many multiply-adds stay in JS (packing overhead dominates). */
export const MIN_WORK = 16 * 16 * 16;

/**
 * A packer over an operand already copied into the heap at float `at`: `lanes` rows (A, W = MR)
 * or columns (B, W = NR) at stride sLane, k steps at stride sStep (floats).
 */
function heapPacker(pack: MatmulPack, W: number, lanes: number, at: number, sLane: number, sStep: number): PackA {
  return heapPackerAt(pack, W, lanes, () => at, sLane, sStep);
}

/** heapPacker whose operand position `at()` is read at each call (one packer serves every slice of a batch). */
function heapPackerAt(pack: MatmulPack, W: number, lanes: number, atOf: () => number, sLane: number, sStep: number): PackA {
  const full = Math.floor(lanes / W);
  const fn = sLane === 1 ? (W === 4 ? pack.copy4 : pack.copy8)
    : sStep === 1 ? (W === 4 ? pack.tpack4 : pack.tpack8)
    : W === 4 ? pack.pack4 : pack.pack8;
  return (h, dst, p0, kc) => {
    const at = atOf();
    if (full > 0) fn(dst * 4, (at + p0 * sStep) * 4, sLane * 4, sStep * 4, full, kc);
    if (full * W === lanes) return;
    // The partial last panel: its lanes, then zeros.
    const base = dst + full * kc * W;
    for (let w = 0; w < W; w++) {
      const lane = full * W + w;
      if (lane >= lanes) {
        for (let p = 0; p < kc; p++) h[base + p * W + w] = 0;
        continue;
      }
      let src = at + lane * sLane + p0 * sStep;
      for (let p = 0, d = base + w; p < kc; p++, d += W, src += sStep) h[d] = h[src];
    }
  };
}

/** Grows `memory` to at least `floats` floats and returns its current float view. */
function heapOf(memory: WebAssembly.Memory, floats: number): Float32Array {
  ensureScratch(memory, floats * 4);
  return new Float32Array(memory.buffer);
}

/**
 * The matmul kernel over the packed GEMM `gemm()` returns at call time (the fallback when it
 * returns null), or null when `available` is null (no WebAssembly SIMD on this host).
 */
export function createWasmMatmul(fallback: Matmul, gemm: () => Gemm | null, available: Gemm | null): Matmul | null {
  if (!available) return null;
  return function matmulWasm(m, n, k, a, aOff, as0, as1, b, bOff, bs0, bs1, c, cOff) {
    const g0 = gemm();
    const staged = a instanceof Float32Array && b instanceof Float32Array && c instanceof Float32Array && m * n * k >= MIN_WORK;
    // A row-sliced product is decided as a batch (rowSliced asks forBatch): asking forMatmul first
    // made a pool time a product decision it never used (and wake its threads once more) per call.
    if (rowSlicedFirst.enabled && g0 && staged && rowSliced(g0, m, n, k, a, aOff, as0, as1, b, bOff, bs0, bs1, c, cOff, null, 0, 0)) return;
    // A thread pool's, or the single-thread one for a small product or one the pool runs alone.
    const g = g0 && staged && (g0.forMatmul ? g0.forMatmul(m, n, k) : driverFor(g0, m, n, k));
    if (!g || !(a instanceof Float32Array) || !(b instanceof Float32Array) || !(c instanceof Float32Array)) {
      fallback(m, n, k, a, aOff, as0, as1, b, bOff, bs0, bs1, c, cOff);
      return;
    }
    const pack = g.memory && as0 >= 0 && as1 >= 0 && bs0 >= 0 && bs1 >= 0 ? matmulPackFor(g.memory) : null;
    if (!rowSlicedFirst.enabled && pack && g0 && rowSliced(g0, m, n, k, a, aOff, as0, as1, b, bOff, bs0, bs1, c, cOff, null, 0, 0)) return;
    if (!pack) {
      g.gemm(m, n, k, stridedA(m, a, aOff, as0, as1), stridedB(n, b, bOff, bs0, bs1), denseC(m, n, c, cOff));
      return;
    }
    stagedMatmul(g, pack, m, n, k, a, aOff, as0, as1, b, bOff, bs0, bs1, c, cOff, null, 0, 0);
  };
}

/**
 * Whether matmul tries the row-sliced path before asking the pool about the product (forMatmul), or,
 * as before, after (the same bits); benches switch it off to compare in one process.
 */
export const rowSlicedFirst = { enabled: true };

/** Whether tall products run as row slices (rowSliced); benches turn it off to compare in one process. */
export const rowSlicing = { enabled: true };

/**
 * Rows per slice when one product runs as a gemm_batch job of row slices (rowSliced), or 0 where
 * it does not: one k slice, whole B panels, and m cut into at least two slices of 128, 64 or 32
 * rows whose A slice is at most 16 Ki floats (it stays in L1/L2 between its packing and its use).
 */
function rowSliceRows(m: number, n: number, k: number): number {
  if (!rowSlicing.enabled || k === 0 || k > KC || n % NR !== 0) return 0;
  for (const rows of [128, 64, 32]) if (m % rows === 0 && m > rows && rows * k <= 1 << 14) return rows;
  return 0;
}

/**
 * Whether a pool splitting a row-sliced product cuts it into finer slices (poolSliceRows); benches
 * switch it off to compare in one process.
 */
export const fineSlices = { enabled: true };

/**
 * Rows per slice when the pool `g0` splits an m-row product that one thread cuts into slices of
 * `rows`: halved (down to 32) until there are at least 8 slices per thread, so that a caller busy
 * with serial work meanwhile (allocating the output: createAllocatingMatmul) takes fewer slices by
 * itself (they come from a shared counter) and the threads finish within a small slice of each
 * other. matmul 256 goes from 4 slices of 64 rows to 8 of 32 (16 of 16 measured no faster: 4-row
 * tiles only); the GPT bench's 1024-row products from 8 slices of 128 rows to 16 of 64 (4 per
 * thread before: bench/threads_gpt_row_slices_ab.ts 4,8, 2 threads, per-round wall x0.969-0.990 in
 * 4 of 5 runs, one loaded run x1.022). Same bits: each C element is still one kernel sum in k order.
 */
function poolSliceRows(g0: Gemm, m: number, rows: number): number {
  const threads = g0.batch ? g0.batch.threads : 1;
  if (!fineSlices.enabled || threads < 2) return rows;
  const { perThread, minRows } = poolSlicing;
  while (m / rows < perThread * threads && rows >= 2 * minRows && m % (rows / 2) === 0) rows /= 2;
  return rows;
}

/** poolSliceRows' target (slices per thread) and floor (rows per slice); benches compare settings in one process. */
export const poolSlicing = { perThread: 8, minRows: 32 };

/**
 * Whether a row-sliced product on a pool stages the rows of A of all but its first slices after
 * posting the job (batchInModule); benches switch it off to compare in one process.
 */
export const stageLater = { enabled: true };

/** Whether torch.mm lets the kernel allocate its output (createAllocatingMatmul); benches switch it off to compare in one process. */
export const lazyOutput = { enabled: true };

/**
 * C = A @ B into a new array that `alloc` makes, allocated by the kernel once a thread pool's
 * threads are at work on the product (BatchRunner.run's meanwhile) rather than by the caller
 * before: a fresh 256 KB Float32Array costs 30-70 µs here, serial time that two threads cannot
 * share otherwise. Only for row-sliced products behind a pool of two threads or more; returns
 * null, having allocated nothing, elsewhere (the caller then allocates and calls kernels.matmul).
 */
export type AllocatingMatmul = (
  m: number, n: number, k: number,
  a: Storage, aOff: number, as0: number, as1: number,
  b: Storage, bOff: number, bs0: number, bs1: number,
  alloc: () => Float32Array,
) => Float32Array | null;

export function createAllocatingMatmul(gemm: () => Gemm | null): AllocatingMatmul {
  return (m, n, k, a, aOff, as0, as1, b, bOff, bs0, bs1, alloc) => {
    if (!lazyOutput.enabled || !(a instanceof Float32Array) || !(b instanceof Float32Array) || m * n * k < MIN_WORK) return null;
    const g0 = gemm();
    // On one thread nothing runs meanwhile: the usual order (allocate, then multiply) stays.
    if (!g0 || !g0.batch || g0.batch.threads < 2) return null;
    let c: Float32Array | null = null;
    const output = () => (c ??= alloc());
    if (!rowSliced(g0, m, n, k, a, aOff, as0, as1, b, bOff, bs0, bs1, output, 0, null, 0, 0)) return null;
    return output();
  };
}

/**
 * C = A @ B (+ a bias row) as a gemm_batch job (gemm_batch.ts) of row slices sharing B: each
 * slice's rows of A are packed right before they are multiplied, by WebAssembly in one call,
 * instead of all of A through JS packer calls first; B is packed once per thread; and on a
 * thread pool each thread packs its own slices (the packing was the caller's serial part).
 * Same bits as the one-product path (each C element summed in k order from zero, or from the
 * bias as gemm's preload). One thread, the one-product path vs this one alternated in one process
 * (CPU-time medians of 200 rounds, load 7-8): 1024x64 @ 64x64 0.164 -> 0.161 ms, 1024x64 @ 64x256
 * 0.658 -> 0.646, 1024x256 @ 256x64 0.714 -> 0.656. Returns false, having done nothing, where it
 * does not apply.
 */
function rowSliced(
  g0: Gemm, m: number, n: number, k: number,
  a: Float32Array, aOff: number, as0: number, as1: number,
  b: Float32Array, bOff: number, bs0: number, bs1: number,
  c: Float32Array | (() => Float32Array), cOff: number,
  bias: Float32Array | null, biasOff: number, biasStride: number,
): boolean {
  let rows = rowSliceRows(m, n, k);
  if (!rows || as0 < 0 || as1 < 0 || bs0 < 0 || bs1 < 0 || biasStride < 0) return false;
  const fine = poolSliceRows(g0, m, rows);
  // (A pool decides here whether this batch splits; a batch it runs alone goes to the single-thread driver.)
  const g = g0.forBatch ? g0.forBatch(m / fine, fine, n, k) : g0;
  if (!g.batch || !g.memory || !matmulPackFor(g.memory)) return false;
  if (g === g0) rows = fine; // split on the pool (alone, on the single-thread driver: the usual slices)
  const count = m / rows;
  const aOffs = Array.from({ length: count }, (_, i) => aOff + i * rows * as0);
  const bOffs = new Array<number>(count).fill(bOff);
  const aHi = aOffs[count - 1] + (rows - 1) * as0 + (k - 1) * as1 + 1;
  const bHi = bOff + (k - 1) * bs0 + (n - 1) * bs1 + 1;
  batchInModule(g.batch, g.memory, count, rows, n, k, a, aOffs, aOff, aHi, as0, as1, b, bOffs, bOff, bHi, bs0, bs1,
    c, cOff, null, n, 0, 0, BATCH_SKIP.NONE, bias, biasOff, biasStride, true);
  return true;
}

/**
 * Both operands staged above the driver's floats (which it leaves alone), 4-float aligned, and
 * packed there; with a bias, its n floats (at bias[biasOff + j * biasStride]) staged after them
 * and copied into every row of the C block before the products are added (gemm's preload).
 */
function stagedMatmul(
  g: Gemm, pack: MatmulPack, m: number, n: number, k: number,
  a: Float32Array, aOff: number, as0: number, as1: number,
  b: Float32Array, bOff: number, bs0: number, bs1: number,
  c: Float32Array, cOff: number,
  bias: Float32Array | null, biasOff: number, biasStride: number,
  aSums: StepSums | null = null,
): void {
  const aSpan = (m - 1) * as0 + (k - 1) * as1 + 1;
  const bSpan = (k - 1) * bs0 + (n - 1) * bs1 + 1;
  const stageA = Math.ceil(gemmFloats(m, n, k) / 4) * 4;
  const stageB = stageA + Math.ceil(aSpan / 4) * 4;
  const stageBias = stageB + Math.ceil(bSpan / 4) * 4;
  // C's rows, packed dense when the C block's rows are padded to whole panels (n not a multiple of NR).
  const stageC = stageBias + Math.ceil((bias ? n : 0) / 4) * 4;
  const padded = n % NR !== 0;
  // With aSums: two float64 accumulators per group of four rows of A after C's rows.
  const stageSums = stageC + Math.ceil((padded ? m * n : 0) / 4) * 4;
  const h = heapOf(g.memory!, stageSums + (aSums ? 2 * m + 8 : 0) + 8);
  // An operand whose k steps are contiguous runs of its lanes (B's rows; A's columns, a transposed
  // A) and several k slices: each slice's steps are copied in right before they are packed (so the
  // packer reads them from cache) instead of all of it up front (not A with aSums: they read A whole).
  const bySlice = stageBSlices.enabled && bs1 === 1 && bs0 >= n && k > KC;
  const aBySlice = stageASlices.enabled && as0 === 1 && as1 >= m && k > KC && !aSums;
  const packA = aBySlice ? slicedPacker(pack, MR, m, a, aOff, as1, stageA) : heapPacker(pack, MR, m, stageA, as0, as1);
  const packB = bySlice ? slicedPacker(pack, NR, n, b, bOff, bs0, stageB) : heapPacker(pack, NR, n, stageB, bs1, bs0);
  if (!aBySlice) h.set(a.subarray(aOff, aOff + aSpan), stageA);
  if (!bySlice) h.set(b.subarray(bOff, bOff + bSpan), stageB);
  if (aSums) sumSteps(aSums, h, m, k, stageA, as1, stageSums);
  let preload: ((heap: Float32Array, at: number, ldc: number) => void) | undefined;
  if (bias) {
    if (biasStride === 1) h.set(bias.subarray(biasOff, biasOff + n), stageBias);
    else for (let j = 0; j < n; j++) h[stageBias + j] = bias[biasOff + j * biasStride];
    preload = (_heap, at, ldc) => pack.copyRows(at * 4, stageBias * 4, m, n, 0, ldc * 4);
  }
  g.gemm(m, n, k, packA, packB, padded ? compactC(pack, m, n, c, cOff, stageC) : denseC(m, n, c, cOff), preload);
}

/**
 * Whether stagedMatmul copies B into module memory k slice by k slice, each right before it is
 * packed (rows of B contiguous, more than one slice), rather than all of B first; stageASlices the
 * same for A with contiguous columns (a transposed A). Same bits. Benches switch them off to
 * compare in one process.
 */
export const stageBSlices = { enabled: true };
export const stageASlices = { enabled: true };

/**
 * A packer for an operand whose step p is `lanes` contiguous floats at src[off + p * step]: each
 * call copies its kc steps into the heap at float `stage`, then packs them from there.
 */
function slicedPacker(pack: MatmulPack, W: number, lanes: number, src: Float32Array, off: number, step: number, stage: number): PackA {
  let p0 = 0;
  // The heap packer reads step p at stage + (p - p0) * step: the slice's first step at `stage`.
  const packStaged = heapPackerAt(pack, W, lanes, () => stage - p0 * step, 1, step);
  return (heap, dst, from, kc) => {
    p0 = from;
    heap.set(src.subarray(off + from * step, off + (from + kc - 1) * step + lanes), stage);
    packStaged(heap, dst, from, kc);
  };
}

/** Where stagedMatmul writes A's row sums (over k) from its staged copy of A, and the colsum kernels on the driver's memory. */
export interface StepSums {
  kernels: ColsumKernels;
  out: Float32Array;
  off: number;
}

export interface ColsumKernels {
  colsum(px: number, pacc: number, rows: number, groups: number, rowBytes: number): void;
  colsum_out(pacc: number, pout: number, groups: number): void;
}

export const colsumOn = kernelsOnMemory<ColsumKernels>(colsumFunctions);

/**
 * out[i] = sum over p of A[i, p] for A staged at float `at` with contiguous rows (as0 = 1) and
 * steps `as1` apart: elementwise_simd's column sums (float64, in step order) over groups of four
 * rows, the last m % 4 in JS in the same order, so the bits of kernels.reduce summing the matrix
 * A^T over its rows (Linear's bias gradient, g.sum(0)).
 */
export function sumSteps(s: StepSums, h: Float32Array, m: number, k: number, at: number, as1: number, acc: number): void {
  const groups = m >>> 2;
  if (groups > 0) {
    h.fill(0, acc, acc + 8 * groups);
    s.kernels.colsum(at * 4, acc * 4, k, groups, as1 * 4);
    s.kernels.colsum_out(acc * 4, acc * 4, groups);
    s.out.set(h.subarray(acc, acc + 4 * groups), s.off);
  }
  for (let i = 4 * groups; i < m; i++) {
    let sum = 0;
    for (let p = 0; p < k; p++) sum += h[at + i + p * as1];
    s.out[s.off + i] = sum;
  }
}

/**
 * C = A @ B and, from the copy of A it stages anyway, A's row sums over k into sums[sumsOff..]
 * (Linear's backward: A = g^T for the weight gradient, whose row sums are the bias gradient, so
 * g is not staged a second time for its own sum). Only where kernels.matmul takes the staged
 * path (so the same product bits) and A's rows are contiguous (as0 = 1); returns false, having
 * written nothing, elsewhere.
 */
export type StepSumMatmul = (
  m: number, n: number, k: number,
  a: Storage, aOff: number, as0: number, as1: number,
  b: Storage, bOff: number, bs0: number, bs1: number,
  c: Storage, cOff: number,
  sums: Storage, sumsOff: number,
) => boolean;

export function createStepSumMatmul(gemm: () => Gemm | null): StepSumMatmul {
  return (m, n, k, a, aOff, as0, as1, b, bOff, bs0, bs1, c, cOff, sums, sumsOff) => {
    if (!(a instanceof Float32Array) || !(b instanceof Float32Array) || !(c instanceof Float32Array) || !(sums instanceof Float32Array)) return false;
    if (as0 !== 1 || as1 < 0 || bs0 < 0 || bs1 < 0 || m * n * k < MIN_WORK || rowSliceRows(m, n, k) > 0) return false;
    const g0 = gemm();
    if (!g0) return false;
    // (Checked on the single-thread memory first, so a product declined here was never decided by a pool.)
    const scratch = driverFor(g0, 0, 0, 0).memory;
    if (!scratch || !matmulPackFor(scratch) || !colsumOn(scratch)) return false;
    const g = g0.forMatmul ? g0.forMatmul(m, n, k) : driverFor(g0, m, n, k);
    const pack = g.memory ? matmulPackFor(g.memory) : null;
    const kernels = g.memory ? colsumOn(g.memory) : null;
    if (!pack || !kernels) return false;
    stagedMatmul(g, pack, m, n, k, a, aOff, as0, as1, b, bOff, bs0, bs1, c, cOff, null, 0, 0, { kernels, out: sums, off: sumsOff });
    return true;
  };
}

/**
 * Unloads a C block whose rows are padded (ldc > n): WebAssembly row copies pack them dense at
 * float `at` of the heap, then one set. denseC's row by row sets cost a subarray object per row
 * (1024 rows of 65 floats, the GPT bench's LM head: 0.26 ms for an 8.5 MFLOP product).
 */
function compactC(pack: MatmulPack, m: number, n: number, c: Float32Array, cOff: number, at: number): (h: Float32Array, from: number, ldc: number) => void {
  return (h, from, ldc) => {
    pack.copyRows(at * 4, from * 4, m, n, ldc * 4, n * 4);
    c.set(h.subarray(at, at + m * n), cOff);
  };
}

/**
 * C[m, n] = A @ B + bias (one row, broadcast over C's rows) for addmm, the bias added where C is
 * built (gemm's preload) instead of in a pass over C afterwards. Returns false, writing nothing,
 * where it does not apply (no memory-exposing GEMM, float64, negative strides, tiny products): the
 * caller then adds the bias itself.
 */
export type BiasMatmul = (
  m: number, n: number, k: number,
  a: Storage, aOff: number, as0: number, as1: number,
  b: Storage, bOff: number, bs0: number, bs1: number,
  bias: Storage, biasOff: number, biasStride: number,
  c: Storage, cOff: number,
) => boolean;

export function createBiasMatmul(gemm: () => Gemm | null): BiasMatmul {
  return (m, n, k, a, aOff, as0, as1, b, bOff, bs0, bs1, bias, biasOff, biasStride, c, cOff) => {
    if (!(a instanceof Float32Array) || !(b instanceof Float32Array) || !(c instanceof Float32Array) || !(bias instanceof Float32Array)) return false;
    if (m * n * k < MIN_WORK || as0 < 0 || as1 < 0 || bs0 < 0 || bs1 < 0 || biasStride < 0) return false;
    const g0 = gemm();
    if (g0 && rowSliced(g0, m, n, k, a, aOff, as0, as1, b, bOff, bs0, bs1, c, cOff, bias, biasOff, biasStride)) return true;
    const g = g0 && (g0.forMatmul ? g0.forMatmul(m, n, k) : driverFor(g0, m, n, k));
    if (!g || !g.memory) return false;
    const pack = matmulPackFor(g.memory);
    if (!pack) return false;
    stagedMatmul(g, pack, m, n, k, a, aOff, as0, as1, b, bOff, bs0, bs1, c, cOff, bias, biasOff, biasStride);
    return true;
  };
}

/**
 * What causal attention lets a batched product leave out (the causal cut's dead half; row i of a
 * slice sees columns / steps up to i, top-left aligned): "outputPastDiagonal", C[i, j] for j > i
 * may be left unwritten (scores the softmax overwrites); "aPastDiagonal", A[i, p] = 0 for p > i
 * (P, dS), so those terms may be skipped; "aBeforeDiagonal", A[i, p] = 0 for p < i (P^T, dS^T).
 * A hint: paths that cannot skip compute the whole product, which is the same result.
 */
export type CausalSkip = "outputPastDiagonal" | "aPastDiagonal" | "aBeforeDiagonal";

const SKIP_WORD: Record<CausalSkip, number> = {
  outputPastDiagonal: BATCH_SKIP.C_PAST_DIAGONAL,
  aPastDiagonal: BATCH_SKIP.A_PAST_DIAGONAL,
  aBeforeDiagonal: BATCH_SKIP.A_BEFORE_DIAGONAL,
};

/**
 * C_i[m, n] = A_i @ B_i for i < count: slice i of A at a[aOffs[i] + ...] (strides shared); C_i
 * dense at c[cOff + i m n], or, given `out`, row r of C_i at c[out.offs[i] + r * out.row] (so
 * attention can write heads straight into a [N, L, H, E] layout). `skip`: see CausalSkip.
 */
export type BatchedMatmul = (
  count: number, m: number, n: number, k: number,
  a: Storage, aOffs: readonly number[], as0: number, as1: number,
  b: Storage, bOffs: readonly number[], bs0: number, bs1: number,
  c: Storage, cOff: number,
  out?: { offs: readonly number[]; row: number } | null,
  skip?: CausalSkip | null,
) => void;

/**
 * A batch of products of one shape (attention's per-head Q K^T, P V and their gradients) in one
 * call: each operand's whole span is copied into the GEMM's memory once and every slice is packed
 * there by WebAssembly, so a slice costs its packing calls and kernel call, not a JS matmul call's
 * closures and copies (the per-head products are small: 64 x 64 x 16 in the GPT bench). Without a
 * memory-exposing GEMM, float64 or negative strides: one `single` call per slice.
 */
export function createBatchedMatmul(single: () => Matmul, gemm: () => Gemm | null): BatchedMatmul {
  return (count, m, n, k, a, aOffs, as0, as1, b, bOffs, bs0, bs1, c, cOff, out, skip) => {
    const mn = m * n;
    const cAt = out ? out.offs : null;
    const cRow = out ? out.row : n;
    const g0 = gemm();
    // Whole panels and one k slice: gemm_batch computes the batch in one call (see batchInModule).
    const inModule = m % MR === 0 && n % NR === 0 && k <= KC && m * k <= MC * KC;
    const g = g0 && (inModule && g0.forBatch ? g0.forBatch(count, m, n, k) : driverFor(g0, m, n, k));
    const pack = g && g.memory && a instanceof Float32Array && b instanceof Float32Array && c instanceof Float32Array &&
      as0 >= 0 && as1 >= 0 && bs0 >= 0 && bs1 >= 0 && m * n * k >= MIN_WORK && count > 1 ? matmulPackFor(g.memory) : null;
    if (!pack || !g) {
      const mm = single();
      if (!cAt) {
        for (let i = 0; i < count; i++) mm(m, n, k, a, aOffs[i], as0, as1, b, bOffs[i], bs0, bs1, c, cOff + i * mn);
        return;
      }
      // Strided output: each product into a scratch slice, then its rows into place.
      const tmp = c instanceof Float64Array ? new Float64Array(mn) : new Float32Array(mn);
      for (let i = 0; i < count; i++) {
        mm(m, n, k, a, aOffs[i], as0, as1, b, bOffs[i], bs0, bs1, tmp, 0);
        for (let r = 0; r < m; r++) c.set(tmp.subarray(r * n, r * n + n), cAt[i] + r * cRow);
      }
      return;
    }
    const aSpan = (m - 1) * as0 + (k - 1) * as1 + 1;
    const bSpan = (k - 1) * bs0 + (n - 1) * bs1 + 1;
    let aLo = Infinity, aHi = 0, bLo = Infinity, bHi = 0;
    for (let i = 0; i < count; i++) {
      aLo = Math.min(aLo, aOffs[i]); aHi = Math.max(aHi, aOffs[i] + aSpan);
      bLo = Math.min(bLo, bOffs[i]); bHi = Math.max(bHi, bOffs[i] + bSpan);
    }
    // Rows of C with a stride (attention's heads side by side): every slice's rows go into place in
    // a copy of C's span staged in the heap (WebAssembly row copies), which goes back in one set;
    // staging the old span first keeps whatever the slices do not write. Only for compact spans.
    let cLo = 0, cHi = 0;
    if (cAt && cRow !== n) {
      cLo = Infinity;
      for (let i = 0; i < count; i++) { cLo = Math.min(cLo, cAt[i]); cHi = Math.max(cHi, cAt[i] + (m - 1) * cRow + n); }
      if (cHi - cLo > 2 * count * mn) cLo = cHi = 0;
    }
    if (g.batch && inModule && (!cAt || cHi > cLo)) {
      // (pack is non-null only for Float32Array operands.)
      batchInModule(g.batch, g.memory!, count, m, n, k, a as Float32Array, aOffs, aLo, aHi, as0, as1, b as Float32Array, bOffs, bLo, bHi, bs0, bs1,
        c as Float32Array, cOff, cAt, cRow, cLo, cHi, skip ? SKIP_WORD[skip] : BATCH_SKIP.NONE);
      return;
    }
    const stageA = Math.ceil(gemmFloats(m, n, k) / 4) * 4;
    const stageB = stageA + Math.ceil((aHi - aLo) / 4) * 4;
    const stageC = stageB + Math.ceil((bHi - bLo) / 4) * 4;
    const h = heapOf(g.memory!, stageC + (cHi - cLo) + 8);
    h.set(a.subarray(aLo, aHi), stageA);
    h.set(b.subarray(bLo, bHi), stageB);
    if (cHi > cLo) h.set(c.subarray(cLo, cHi), stageC);
    let slice = 0;
    const packA = heapPackerAt(pack, MR, m, () => stageA + aOffs[slice] - aLo, as0, as1);
    const packB = heapPackerAt(pack, NR, n, () => stageB + bOffs[slice] - bLo, bs1, bs0);
    const unload = (heap: Float32Array, at: number, ldc: number): void => {
      const to = cAt ? cAt[slice] : cOff + slice * mn;
      if (cHi > cLo) pack.copyRows((stageC + to - cLo) * 4, at * 4, m, n, ldc * 4, cRow * 4);
      else if (ldc === n && cRow === n) c.set(heap.subarray(at, at + mn), to);
      else if (n >= 64) for (let i = 0; i < m; i++) c.set(heap.subarray(at + i * ldc, at + i * ldc + n), to + i * cRow);
      else {
        // Short rows (a head's 16 floats): a plain loop beats a subarray object per row.
        for (let i = 0; i < m; i++) {
          const src = at + i * ldc, dst = to + i * cRow;
          for (let j = 0; j < n; j++) c[dst + j] = heap[src + j];
        }
      }
    };
    for (slice = 0; slice < count; slice++) g.gemm(m, n, k, packA, packB, unload);
    if (cHi > cLo) c.set(new Float32Array(g.memory!.buffer, stageC * 4, cHi - cLo), cLo);
  };
}

/** A packer's function index for lanes at stride sLane and steps at sStep (floats), as heapPackerAt picks. */
export function packerIndex(W: number, sLane: number, sStep: number): number {
  if (sLane === 1) return W === MR ? BATCH_FN.copy4 : BATCH_FN.copy8;
  if (sStep === 1) return W === MR ? BATCH_FN.tpack4 : BATCH_FN.tpack8;
  return W === MR ? BATCH_FN.pack4 : BATCH_FN.pack8;
}

/**
 * The batch of whole-panel, one-k-slice products as one gemm_batch job (gemm_batch.ts): per
 * thread scratch, the job words and per-slice tables, the operands' spans, then C (the slices
 * dense, or the strided output's span staged with its old values) in module memory; C goes back
 * in one set.
 */
function batchInModule(
  batch: BatchRunner, memory: WebAssembly.Memory, count: number, m: number, n: number, k: number,
  a: Float32Array, aOffs: readonly number[], aLo: number, aHi: number, as0: number, as1: number,
  b: Float32Array, bOffs: readonly number[], bLo: number, bHi: number, bs0: number, bs1: number,
  cGiven: Float32Array | (() => Float32Array), cOff: number, cAt: readonly number[] | null, cRow: number, cLo: number, cHi: number, skip: number,
  bias: Float32Array | null = null, biasOff = 0, biasStride = 0, slicesInOrder = false,
): void {
  // C itself, or made on first use (createAllocatingMatmul: at the latest by the runner's meanwhile).
  let cMade: Float32Array | null = typeof cGiven === "function" ? null : cGiven;
  const cOut = (): Float32Array => (cMade ??= (cGiven as () => Float32Array)());
  const mn = m * n;
  const scratchBytes = Math.ceil(batchScratchBytes(m, n, k) / 16) * 16;
  const jobAt = (batch.threads * scratchBytes) / 4;
  const tabAt = jobAt + Math.ceil(BATCH_JOB_WORDS / 4) * 4;
  const stageA = tabAt + Math.ceil((3 * count) / 4) * 4;
  const stageB = stageA + Math.ceil((aHi - aLo) / 4) * 4;
  const stageC = stageB + Math.ceil((bHi - bLo) / 4) * 4;
  const cLen = cAt ? cHi - cLo : count * mn;
  const stageBias = stageC + Math.ceil(cLen / 4) * 4;
  const h = heapOf(memory, stageBias + (bias ? n : 0) + 8);
  const words = new Int32Array(memory.buffer);
  // Row slices of one A (rowSliced: aOffs increasing): on a runner with other threads, only the rows
  // of the first slices are staged before the job is posted (with B, which every slice reads), the
  // rest while the threads start on those (BatchRunner.run's meanwhile and staged).
  const early = stageLater.enabled && slicesInOrder && batch.threads > 1 && count > 2 ? Math.ceil(count / 4) : count;
  const aEnd = (slices: number) => aOffs[slices - 1] + (m - 1) * as0 + (k - 1) * as1 + 1; // A's floats slices [0, slices) read
  h.set(a.subarray(aLo, early < count ? aEnd(early) : aHi), stageA);
  h.set(b.subarray(bLo, bHi), stageB);
  if (cAt) h.set(cOut().subarray(cLo, cHi), stageC);
  if (bias) {
    // (Dense slices only.) Every row of C is written as the bias row plus the products (gemm_bias),
    // or (biasInKernel off) starts as the bias, which gemm_acc adds the products to.
    if (biasStride === 1) h.set(bias.subarray(biasOff, biasOff + n), stageBias);
    else for (let j = 0; j < n; j++) h[stageBias + j] = bias[biasOff + j * biasStride];
    if (!biasInKernel.enabled) matmulPackFor(memory)!.copyRows(stageC * 4, stageBias * 4, count * m, n, 0, n * 4);
  }
  for (let i = 0; i < count; i++) {
    words[tabAt + i] = (stageA + aOffs[i] - aLo) * 4;
    words[tabAt + count + i] = (stageB + bOffs[i] - bLo) * 4;
    words[tabAt + 2 * count + i] = (stageC + (cAt ? cAt[i] - cLo : i * mn)) * 4;
  }
  const job = [
    m / MR, n / NR, k, packerIndex(MR, as0, as1), as0 * 4, as1 * 4, packerIndex(NR, bs1, bs0), bs1 * 4, bs0 * 4,
    m, n, (cAt ? cRow : n) * 4, tabAt * 4, (tabAt + count) * 4, (tabAt + 2 * count) * 4, skipWord(skip),
    !bias ? BATCH_STORE.SET : biasInKernel.enabled ? BATCH_STORE.BIAS : BATCH_STORE.ACC, bias ? stageBias * 4 : 0,
  ];
  for (let w = 0; w < BATCH_JOB_WORDS; w++) words[jobAt + w] = job[w];
  // No thread has packed this job's B yet (see gemm_batch.ts).
  const packedB = batchPackedBAt(m, n, k) / 4;
  for (let t = 0; t < batch.threads; t++) words[(t * scratchBytes) / 4 + packedB] = 0;
  const out = new Float32Array(memory.buffer, stageC * 4, cLen);
  if (cAt) {
    batch.run(jobAt * 4, count, 0, scratchBytes);
    cOut().set(out, cLo);
    return;
  }
  // Dense slices: each range of finished slices goes out as soon as the runner hands it over (a
  // pool's while the other threads compute theirs); all of C at the end if a runner did not.
  let handed = 0, restStaged = early === count;
  batch.run(jobAt * 4, count, 0, scratchBytes, (lo, hi) => {
    cOut().set(out.subarray(lo * mn, hi * mn), cOff + lo * mn);
    handed += hi - lo;
  }, cMade && early === count ? undefined : (staged) => {
    for (let i = early; i < count; i++) {
      h.set(a.subarray(aEnd(i), aEnd(i + 1)), stageA + aEnd(i) - aLo);
      staged(i + 1);
    }
    restStaged = true;
    cOut();
  }, early);
  if (!restStaged) throw new Error("batchInModule: the batch runner did not call meanwhile, so A was not all staged");
  if (handed !== count) cOut().set(out, cOff);
}
