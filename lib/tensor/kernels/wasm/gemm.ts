/**
 * The packed float32 GEMM: C[m, n] = A[m, k] @ B[k, n] through the WebAssembly micro-kernel
 * (gemm_kernel.ts), GotoBLAS-style. For each slice of KC steps of k, the caller's packers copy
 * A into MR-row panels and B into NR-column panels inside the module's memory (zero-padded to
 * whole panels), then the kernel sweeps blocks of MC rows; C accumulates in module memory and
 * the caller's `unload` copies it out at the end.
 *
 * Operands come as packers, not arrays, so one driver serves strided matrices (matmul: free
 * transposes) and gathered ones (convolution: im2col is fused into the B panels, col2im into the
 * unload), with no intermediate column matrix.
 *
 * With a thread pool attached (threads.ts: shared memory, one kernel instance per worker) the
 * row blocks of each k slice are shared out between the workers; packing stays on the calling
 * thread, so the operands need not live in shared memory.
 */
import { buildModule, relaxedSimdValidates, type SharedMemoryImport } from "./assembler";
import { MR as KERNEL_MR, NR as KERNEL_NR, TILE_ROWS, gemmFunctions, panelsForTiles } from "./gemm_kernel";
import { hostTileRows } from "./gemm_tile_choice";
import { withBatch, type BatchFn } from "./gemm_batch";
import { ensureScratch } from "./resident";
import { prebuiltModuleBytes } from "./prebuilt";

// Local copies: an imported binding can compile to a getter call (CommonJS interop), too slow for packing loops.
export const MR = KERNEL_MR;
export const NR = KERNEL_NR;

/** Steps of k per packed slice: one B panel (KC x NR floats = 8 KiB) stays in L1. */
export const KC = 256;
/**
 * The A block's rows: MC x KC floats (96 KiB) stay in L2. Kernel calls take at most this many
 * rows, in whole register tiles (rowBlockPanels, and the pool's row chunks): 80 with 5-row tiles, 96 with 4-row ones.
 */
export const MC = 24 * MR;

/** Packs rows [0, m) of A for k steps [p0, p0 + kc) into panels: panel ib at dst + ib * kc * MR, row r of step p at + p * MR + r. */
export type PackA = (h: Float32Array, dst: number, p0: number, kc: number) => void;
/** Packs columns [0, n) of B for k steps [p0, p0 + kc): panel jb at dst + jb * kc * NR, column jj of step p at + p * NR + jj. */
export type PackB = (h: Float32Array, dst: number, p0: number, kc: number) => void;
/** Copies the result out: C[i, j] is h[c + i * ldc + j] for i < m, j < n. */
export type Unload = (h: Float32Array, c: number, ldc: number) => void;

type KernelFn = (a: number, b: number, c: number, mb: number, nb: number, kc: number, ldc: number) => void;

/** Runs gemm_batch (gemm_batch.ts) on the driver's memory; a thread pool's shares the slices out. */
export interface BatchRunner {
  /** Threads that may run slices at once: each needs its own scratch. */
  readonly threads: number;
  /**
   * Slices [0, count) of the job at byte `job`; thread t's scratch at scratch + t * scratchBytes.
   * With `onSlices`, it is called on the calling thread for every range of finished slices, each
   * slice once, before run returns: a pool calls it while other slices are still being computed,
   * so the caller copies C out in the meantime instead of after the whole job. `meanwhile` is
   * called once on the calling thread before any onSlices: a pool calls it right after handing the
   * job to its threads, so what the caller must do anyway (allocate the output, stage the rest of
   * the operands) overlaps their work; a runner must call it before computing any slice past
   * `firstStaged` (default: none with a meanwhile), and meanwhile reports more slices ready
   * through `staged(slices)` (slices [0, slices); all of them once it returns).
   */
  run(
    job: number, count: number, scratch: number, scratchBytes: number,
    onSlices?: (lo: number, hi: number) => void, meanwhile?: (staged: (slices: number) => void) => void, firstStaged?: number,
  ): void;
}

/** Runs the kernel over a list of row blocks; the single-thread runner calls the local instance. */
export interface GemmRunner {
  /** Calls `gemm_set` or `gemm_acc` for row-panel ranges; may split them across threads. */
  run(acc: boolean, a: number, b: number, c: number, mb: number, nb: number, kc: number, ldc: number): void;
  /**
   * run in two halves (a thread pool's): `start` hands the slice to the other threads and returns
   * at once, so the caller packs the next slice meanwhile; `finish` computes the caller's share
   * and waits for the rest.
   */
  start?(acc: boolean, a: number, b: number, c: number, mb: number, nb: number, kc: number, ldc: number): void;
  finish?(): void;
}

export interface Gemm {
  /**
   * C = A @ B, unloaded by `unload`. With `preload`, C starts as what preload writes into the C
   * block (a bias row for addmm) and the products are added to it: the bias costs no pass of its own.
   */
  gemm(m: number, n: number, k: number, packA: PackA, packB: PackB, unload: Unload, preload?: Unload): void;
  /** The module memory's current float view (valid until the next gemm call may grow it). */
  heap(): Float32Array;
  /**
   * The module memory itself, for callers that pack and unload with their own WebAssembly code on
   * it (conv_pack.ts). Floats [0, gemmFloats(m, n, k)) belong to a gemm call; anything above is
   * the caller's and survives the call (the driver only grows memory).
   */
  readonly memory?: WebAssembly.Memory;
  /**
   * The driver an m x n x k product should run on, when this one hands some products to another
   * (a thread pool sends those too small to split to the single-thread driver: on its private
   * memory they skip the shared memory's slower copies). See driverFor.
   */
  forProduct?(m: number, n: number, k: number): Gemm;
  /**
   * As forProduct, for matmul's products, which a pool may also decide to run alone before their
   * operands are staged (then on the single-thread driver's private memory). Call it only right
   * before running the product on the returned driver: it may count as the product's decision.
   */
  forMatmul?(m: number, n: number, k: number): Gemm;
  /** As forProduct, for a batch of `count` products that gemm_batch computes (a pool splits it by slices). */
  forBatch?(count: number, m: number, n: number, k: number): Gemm;
  /** gemm_batch on this driver's memory (absent on drivers without an exposed memory). */
  batch?: BatchRunner;
}

/**
 * The driver to run an m x n x k product on: `g` or the one it hands that product to. Callers
 * that stage data in a driver's memory ask first and use the returned driver's memory.
 */
export function driverFor(g: Gemm, m: number, n: number, k: number): Gemm {
  return g.forProduct ? g.forProduct(m, n, k) : g;
}

/**
 * The memory other kernels may use as scratch between a driver's calls (convolution's bias
 * gradient, pooling): that of the driver an empty product goes to, i.e. the single-thread one
 * behind a thread pool, whose private memory copies faster.
 */
export function scratchMemoryOf(g: Gemm | null): WebAssembly.Memory | undefined {
  return g ? driverFor(g, 0, 0, 0).memory : undefined;
}

/**
 * Floats of module memory a gemm(m, n, k) call uses for its A and B panels and its C block, and
 * with more than one k slice a second pair of panels (a runner with start/finish packs the next
 * slice there while the current one is computed).
 */
export function gemmFloats(m: number, n: number, k: number): number {
  const mb = Math.ceil(m / MR);
  const nb = Math.ceil(n / NR);
  const kcMax = Math.min(KC, Math.max(k, 1));
  const panels = mb * MR * kcMax + nb * NR * kcMax;
  return panels + mb * MR * nb * NR + (k > KC ? panels : 0);
}

export const gemmModuleBytes = (memory?: SharedMemoryImport, fma = false, tileRows = fma ? TILE_ROWS : MR): Uint8Array<ArrayBuffer> =>
  buildModule(withBatch(gemmFunctions(fma, tileRows)), memory ?? 1);

/** This host's kernel module (hostGemmModule) and the rows of its register tile. */
export interface HostGemmModule {
  bytes: Uint8Array<ArrayBuffer>;
  tileRows: number;
}

/**
 * The kernel module for this host: with fused multiply-adds when it validates (Relaxed SIMD), else
 * mul + add; its register tile the one that runs faster here (gemm_tile_choice.ts). Null without
 * WebAssembly SIMD.
 */
export function hostGemmModule(memory?: SharedMemoryImport): HostGemmModule | null {
  if (typeof WebAssembly === "undefined") return null;
  const fma = relaxedSimdValidates();
  const tileRows = hostTileRows(fma);
  const bytes = memory ? gemmModuleBytes(memory, fma, tileRows) : prebuiltModuleBytes(`gemm fma=${fma ? 1 : 0} rows=${tileRows}`, () => gemmModuleBytes(undefined, fma, tileRows));
  return WebAssembly.validate(bytes) ? { bytes, tileRows } : null;
}

/**
 * Whether the single-thread runner's blocks of rows are whole multiples of the register tiles'
 * panels (panelsForTiles: with 5-row tiles 20 panels, 80 rows) rather than MC's 24 panels, of
 * which 4 went through the narrower 4-row edge tile in every block (17 % of the rows of a large
 * product). Benches switch it off to compare in one process.
 */
export const wholeTileBlocks = { enabled: true };

/** Row panels per kernel call of the single-thread runner for a kernel with `tileRows`-row tiles (see wholeTileBlocks). */
export function rowBlockPanels(tileRows: number): number {
  const panels = MC / MR;
  return wholeTileBlocks.enabled ? panels - (panels % panelsForTiles(tileRows)) : panels;
}

/** The single-thread runner: blocks of rowBlockPanels(tileRows) row panels one after the other on this thread. */
export function localRunner(set: KernelFn, acc: KernelFn, tileRows: number): GemmRunner {
  return {
    run(isAcc, a, b, c, mb, nb, kc, ldc) {
      const fn = isAcc ? acc : set;
      const block = rowBlockPanels(tileRows);
      for (let ib = 0; ib < mb; ib += block) {
        const rows = Math.min(block, mb - ib);
        fn(a + ib * kc * MR * 4, b, c + ib * MR * ldc * 4, rows, nb, kc, ldc * 4);
      }
    },
  };
}

/**
 * The driver over a memory: `grow(bytes)` makes the memory at least that large and returns it
 * (a plain memory grows in place; a shared one is preallocated by its owner).
 */
export function createGemm(grow: (bytes: number) => ArrayBuffer | SharedArrayBuffer, runner: () => GemmRunner, memory?: WebAssembly.Memory): Gemm {
  let buffer = grow(0);
  let heap = new Float32Array(buffer);
  function ensure(floats: number): Float32Array {
    const b = grow(floats * 4);
    if (b !== buffer || heap.length < floats) {
      buffer = b;
      heap = new Float32Array(b);
    }
    return heap;
  }
  return {
    heap: () => heap,
    memory,
    gemm(m, n, k, packA, packB, unload, preload) {
      const mb = Math.ceil(m / MR);
      const nb = Math.ceil(n / NR);
      const kcMax = Math.min(KC, Math.max(k, 1));
      const aLen = mb * MR * kcMax;
      const bLen = nb * NR * kcMax;
      const ldc = nb * NR;
      const h = ensure(gemmFloats(m, n, k)); // = aLen + bLen + mb * MR * ldc (+ aLen + bLen)
      const A = 0, B = aLen, C = aLen + bLen;
      const run = runner();
      if (preload) preload(h, C, ldc);
      else if (k === 0) h.fill(0, C, C + mb * MR * ldc);
      const first = !!preload; // the first slice adds to C too
      if (run.start && run.finish && k > KC) {
        // Pipelined: while the other threads compute slice s, the caller packs slice s + 1 into
        // the other pair of panels (packing is otherwise the serial part of a threaded product),
        // then takes its share of slice s. Slice s + 1 starts only after all of slice s is done.
        const A2 = C + mb * MR * ldc, B2 = A2 + aLen;
        packA(h, A, 0, KC);
        packB(h, B, 0, KC);
        for (let p0 = 0, s = 0; p0 < k; p0 += KC, s++) {
          const a = s % 2 ? A2 : A, b = s % 2 ? B2 : B;
          run.start(p0 > 0 || first, a * 4, b * 4, C * 4, mb, nb, Math.min(KC, k - p0), ldc);
          const p1 = p0 + KC;
          if (p1 < k) {
            packA(h, s % 2 ? A : A2, p1, Math.min(KC, k - p1));
            packB(h, s % 2 ? B : B2, p1, Math.min(KC, k - p1));
          }
          run.finish();
        }
        unload(h, C, ldc);
        return;
      }
      for (let p0 = 0; p0 < k; p0 += KC) {
        const kc = Math.min(KC, k - p0);
        packA(h, A, p0, kc);
        packB(h, B, p0, kc);
        run.run(p0 > 0 || first, A * 4, B * 4, C * 4, mb, nb, kc, ldc);
      }
      unload(h, C, ldc);
    },
  };
}

// ---- packers for strided matrices ----------------------------------------------------------

/** A[m, k] at a[aOff + i * as0 + p * as1]. */
// stridedA's and stridedB's whole-panel loops write MR = 4 rows / NR = 8 columns per step by hand.
if (MR !== 4 || NR !== 8) throw new Error("gemm.ts: the strided packers assume MR = 4 and NR = 8");

export function stridedA(m: number, a: Float32Array, aOff: number, as0: number, as1: number): PackA {
  return function stridedAPanels(h, dst, p0, kc) {
    const full = Math.floor(m / MR);
    // Whole panels: one pass over k writing MR consecutive floats per step (the panel's own
    // order), reading the MR rows side by side; columns-contiguous A (a transposed operand)
    // then reads MR neighbouring floats per step instead of striding through memory per row.
    for (let ib = 0; ib < full; ib++) {
      const i0 = ib * MR;
      let d = dst + ib * kc * MR;
      let s0 = aOff + i0 * as0 + p0 * as1;
      const s1 = as0, s2 = 2 * as0, s3 = 3 * as0;
      for (let p = 0; p < kc; p++, d += MR, s0 += as1) {
        h[d] = a[s0]; h[d + 1] = a[s0 + s1]; h[d + 2] = a[s0 + s2]; h[d + 3] = a[s0 + s3];
      }
    }
    if (full * MR < m) {
      const base = dst + full * kc * MR;
      for (let r = 0; r < MR; r++) {
        const i = full * MR + r;
        if (i >= m) {
          for (let p = 0; p < kc; p++) h[base + p * MR + r] = 0;
          continue;
        }
        let src = aOff + i * as0 + p0 * as1;
        for (let p = 0, d = base + r; p < kc; p++, d += MR, src += as1) h[d] = a[src];
      }
    }
  };
}

/** B[k, n] at b[bOff + p * bs0 + j * bs1]. */
export function stridedB(n: number, b: Float32Array, bOff: number, bs0: number, bs1: number): PackB {
  return function stridedBPanels(h, dst, p0, kc) {
    const nb = Math.ceil(n / NR);
    const panel = kc * NR;
    if (bs1 === 1) {
      // Rows of B are contiguous: read each row once, write its 8-wide pieces into the panels.
      const full = Math.floor(n / NR);
      for (let p = 0; p < kc; p++) {
        const src = bOff + (p0 + p) * bs0;
        let d = dst + p * NR;
        for (let jb = 0; jb < full; jb++, d += panel) {
          const s = src + jb * NR;
          h[d] = b[s]; h[d + 1] = b[s + 1]; h[d + 2] = b[s + 2]; h[d + 3] = b[s + 3];
          h[d + 4] = b[s + 4]; h[d + 5] = b[s + 5]; h[d + 6] = b[s + 6]; h[d + 7] = b[s + 7];
        }
        if (full < nb) {
          for (let jj = 0; jj < NR; jj++) {
            const j = full * NR + jj;
            h[d + jj] = j < n ? b[src + j] : 0;
          }
        }
      }
      return;
    }
    // Columns of B are contiguous (a transposed operand) or neither. Whole panels: one pass over
    // k writing the panel's 8 floats per step in order, reading the 8 columns side by side (as
    // stridedA does for rows; about twice as fast as one column at a time with strided writes).
    const full = Math.floor(n / NR);
    for (let jb = 0; jb < full; jb++) {
      let d = dst + jb * panel;
      let s0 = bOff + jb * NR * bs1 + p0 * bs0;
      const c1 = bs1, c2 = 2 * bs1, c3 = 3 * bs1, c4 = 4 * bs1, c5 = 5 * bs1, c6 = 6 * bs1, c7 = 7 * bs1;
      for (let p = 0; p < kc; p++, d += NR, s0 += bs0) {
        h[d] = b[s0]; h[d + 1] = b[s0 + c1]; h[d + 2] = b[s0 + c2]; h[d + 3] = b[s0 + c3];
        h[d + 4] = b[s0 + c4]; h[d + 5] = b[s0 + c5]; h[d + 6] = b[s0 + c6]; h[d + 7] = b[s0 + c7];
      }
    }
    // The last, partial panel (zero-padded) one column at a time.
    for (let jb = full; jb < nb; jb++) {
      const base = dst + jb * panel;
      for (let jj = 0; jj < NR; jj++) {
        const j = jb * NR + jj;
        if (j >= n) {
          for (let p = 0; p < kc; p++) h[base + p * NR + jj] = 0;
          continue;
        }
        let src = bOff + j * bs1 + p0 * bs0;
        for (let p = 0, d = base + jj; p < kc; p++, d += NR, src += bs0) h[d] = b[src];
      }
    }
  };
}

/** C[m, n] row-major at c[cOff...]. */
export function denseC(m: number, n: number, c: Float32Array, cOff: number): Unload {
  return (h, at, ldc) => {
    if (ldc === n) c.set(h.subarray(at, at + m * n), cOff);
    else for (let i = 0; i < m; i++) c.set(h.subarray(at + i * ldc, at + i * ldc + n), cOff + i * n);
  };
}

// ---- the engine's instance -----------------------------------------------------------------

/** Instantiates the kernel on a private memory, or returns null when this host has no WebAssembly SIMD. */
export function instantiateLocal(): { set: KernelFn; acc: KernelFn; batch: BatchFn; memory: WebAssembly.Memory; tileRows: number } | null {
  try {
    const host = hostGemmModule();
    if (!host) return null;
    const instance = new WebAssembly.Instance(new WebAssembly.Module(host.bytes), {});
    const e = instance.exports;
    return { set: e.gemm_set as KernelFn, acc: e.gemm_acc as KernelFn, batch: e.gemm_batch as BatchFn, memory: e.memory as WebAssembly.Memory, tileRows: host.tileRows };
  } catch {
    return null;
  }
}

/** A driver on a private, growable memory, single-threaded. */
export function createLocalGemm(): Gemm | null {
  const inst = instantiateLocal();
  if (!inst) return null;
  const { memory } = inst;
  const runner = localRunner(inst.set, inst.acc, inst.tileRows);
  const gemm = createGemm((bytes) => {
    ensureScratch(memory, bytes);
    return memory.buffer;
  }, () => runner, memory);
  const batch = inst.batch;
  gemm.batch = {
    threads: 1,
    run(job, count, scratch, _bytes, onSlices, meanwhile) {
      meanwhile?.(() => {});
      batch(job, 0, count, scratch);
      onSlices?.(0, count);
    },
  };
  return gemm;
}
