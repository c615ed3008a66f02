/**
 * A pool of WebAssembly threads for the packed GEMM: one shared WebAssembly.Memory, the kernel
 * module instantiated once per thread on it, and a control block of Int32 words (Atomics) per
 * thread. The calling thread packs the operands (gemm.ts), then splits the micro-tiles of each
 * k slice into chunks of row panels (or of column panels when there are few rows) that the
 * threads, the calling one included, take from a shared counter. Each C element is still summed
 * by one thread in the same order, so results are bit-identical to the single-thread kernel.
 *
 * The engine creates no threads itself (it stays free of DOM and Node APIs): the host injects a
 * ThreadSpawner that starts a worker (Web Worker in the browser's kernel worker, worker_threads in
 * Node) running THREAD_SOURCE and posts it the init message. The calling thread blocks in
 * Atomics.wait, so it must itself be a worker (or Node's main thread), never a browser page.
 */
import { panelsForTiles } from "./gemm_kernel";
import { KC, MC, MR, NR, createGemm, hostGemmModule, localRunner, type BatchRunner, type Gemm, type GemmRunner, type PackA, type PackB, type Unload } from "./gemm";
import { ROW_NAMES, rowModule, rowSplitters, splittingRowKernels, type RowKernels, type RowSplit } from "./row_kernels";
import { ensureScratch } from "./resident";

/** What a pool thread receives: the compiled kernel, the shared memory and its control words. */
export interface ThreadInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
  index: number;
  /**
   * The row passes' module on the same memory (row_kernels.ts), its exports' names in job order,
   * and the words of the current row job (ROW_JOB); absent where the host cannot build it.
   */
  rows?: WebAssembly.Module | null;
  rowNames?: readonly string[];
  rowJob?: SharedArrayBuffer;
  /**
   * Words where a pool thread marks each chunk of a gemm_batch job it finished (word lo = the
   * chunk's slices, for jobs of at most DONE_SLICES slices), so the caller can copy those slices
   * out while the rest are computed (BatchRunner.run's onSlices); absent for older hosts' tests.
   */
  done?: SharedArrayBuffer;
}

/** A started thread; `terminate` stops it. */
export interface ThreadHandle {
  terminate(): void;
}

/**
 * Starts one thread that evaluates `source` (a script defining the function `gemmThread`) and
 * calls gemmThread(init) with the init message, e.g. in Node:
 *   new Worker(`${source}\nrequire("node:worker_threads").parentPort.once("message", gemmThread)`, { eval: true })
 * and posts it `init` (WebAssembly.Module and a shared Memory are cloneable).
 */
export type ThreadSpawner = (source: string, init: ThreadInit) => ThreadHandle;

// Control words, WORDS per thread (block 0, the caller's, holds only the shared panel counter):
// SEQ (bumped by the caller to post a job), STATE (IDLE, POSTED by the caller, RUNNING once the
// thread claimed the job; a posted job the caller finished alone is taken back, POSTED -> IDLE),
// then the job: ACC flag (-1 = exit, 2 = a gemm_batch job: A = the job's address, B = the scratch,
// C = scratch bytes per thread, units = slices), A, B, C, mBlocks, nBlocks, kc, ldc (bytes); READY (1 once
// the thread has instantiated the kernel); BY_ROWS, CHUNK (most panels per chunk), TOTAL (panels),
// A_STEP, B_STEP, C_STEP (bytes per panel of the split side); SPIN (µs the thread polls SEQ before sleeping);
// QUANTUM (chunks are whole multiples of it, but for the last), DIV (a chunk is at most 1/DIV of
// the panels left); FAILED (1 once the thread's kernel threw: the thread has stopped, the job is
// unfinished); SPINNING (1 while the thread polls SEQ: posting a job then needs no Atomics.notify,
// a syscall that under load also wakes the thread on the caller's own core). NEXT (block 0):
// first panel not yet taken; STAGED (block 0): slices of a batch job whose operands are staged (a
// pool thread waits for it before computing a chunk; see BatchRunner.run's firstStaged).
// The thread body below repeats these offsets as literals (it runs alone in the worker).
const WORDS = 24;
const SEQ = 0, STATE = 1, ACC = 2, READY = 10, BY_ROWS = 11, SPIN = 17, QUANTUM = 18, NEXT = 19, DIV = 20, FAILED = 21, SPINNING = 22, STAGED = 23;
const IDLE = 0, POSTED = 1, RUNNING = 2;
/** The control block's layout, for tests that stand in their own pool thread. */
export const CONTROL = { WORDS, SEQ, STATE, ACC, READY, FAILED, SPIN, SPINNING } as const;

/**
 * The body of a pool thread. Self-contained (no imports, no outer variables): hosts run its
 * source text (THREAD_SOURCE) in a fresh worker.
 */
function gemmThread(init: ThreadInit | { data: ThreadInit }): void {
  const { module, memory, control, index, rows, rowNames, rowJob, done } = "data" in init ? init.data : init;
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
  // The row passes (mode 3 jobs): the same compiled module as every other thread's.
  const rowExports = rows ? new WebAssembly.Instance(rows, { env: { memory } }).exports : null;
  const rowFns = rowExports && rowNames ? rowNames.map((name) => rowExports[name] as (...args: number[]) => void) : [];
  const rowWords = rowJob ? new Int32Array(rowJob) : null;
  const rowValues = rowJob ? new Float64Array(rowJob) : null;
  const doneWords = done ? new Int32Array(done) : null;
  type Kernel = (a: number, b: number, c: number, mb: number, nb: number, kc: number, ldc: number) => void;
  const set = exports.gemm_set as Kernel;
  const acc = exports.gemm_acc as Kernel;
  const batch = exports.gemm_batch as (job: number, lo: number, hi: number, scratch: number) => void;
  const words = new Int32Array(control);
  const base = index * 24;
  const clock = typeof performance !== "undefined" ? performance : Date;
  let seen = 0;
  Atomics.store(words, base + 10, 1);
  for (;;) {
    // Poll for the next job for SPIN µs before sleeping: a training step posts its products
    // between row passes (layer norm, softmax, GELU) that take a few hundred µs, and a sleeping
    // thread costs the caller a notify (10-20 µs idle, and under load it can preempt the caller
    // on its own core) and starts late. The clock is read every 1024 polls (about 12 µs).
    const spinUs = words[base + 17];
    if (spinUs > 0 && Atomics.load(words, base) === seen) {
      Atomics.store(words, base + 22, 1);
      const until = clock.now() + spinUs / 1000;
      for (let poll = 1; Atomics.load(words, base) === seen; poll++) if ((poll & 1023) === 0 && clock.now() >= until) break;
      // A caller that saw SPINNING = 1 bumped SEQ before this store, so the wait returns at once.
      Atomics.store(words, base + 22, 0);
    }
    Atomics.wait(words, base, seen);
    seen = Atomics.load(words, base);
    // Claim the job; if the caller already finished it alone (and took it back), wait again.
    if (Atomics.compareExchange(words, base + 1, 1, 2) !== 1) continue;
    const mode = words[base + 2];
    if (mode < 0) return;
    const fn = mode ? acc : set;
    const isBatch = mode === 2;
    const isRows = mode === 3;
    const a = words[base + 3], b = words[base + 4], c = words[base + 5], mb = words[base + 6], nb = words[base + 7];
    const kc = words[base + 8], ldc = words[base + 9], byRows = words[base + 11], chunk = words[base + 12], total = words[base + 13];
    const aStep = words[base + 14], bStep = words[base + 15], cStep = words[base + 16];
    const quantum = words[base + 18], div = words[base + 20];
    try {
      // The same guided chunking as the caller's `take` in threads.ts (kept in step by hand).
      for (;;) {
        const lo = Atomics.load(words, 19);
        const left = total - lo;
        if (left <= 0) break;
        const n = Math.min(left, Math.max(quantum, Math.min(chunk, Math.ceil(left / div / quantum) * quantum)));
        if (Atomics.compareExchange(words, 19, lo, lo + n) !== lo) continue;
        if (isRows) {
          // A row job (row_kernels.ts RowSplit; the caller's runRows builds the same arguments):
          // words 0 fn, 1 argument count, then kind and step per argument; the values as float64 from float 16.
          const count = rowWords![1], args = new Array<number>(count);
          for (let j = 0; j < count; j++) {
            const kind = rowWords![2 + 2 * j], step = rowWords![3 + 2 * j], value = rowValues![16 + j];
            args[j] = kind === 0 ? value + lo * step : kind === 1 ? n * step : kind === 2 ? (value + lo) % step : value;
          }
          // apply, not a spread: a build targeting older browsers would call a helper this worker lacks.
          rowFns[rowWords![0]].apply(null, args);
        } else if (isBatch) {
          // Its slices' operands may still be being staged by the caller (a few µs behind).
          while (Atomics.load(words, 23) < lo + n);
          batch(a, lo, lo + n, b + index * c); // slices [lo, lo + n) on this thread's scratch
          // Its C is final: the caller may copy it out now (stored after the kernel's writes, so they are visible first).
          if (doneWords && lo < doneWords.length) Atomics.store(doneWords, lo, n);
        }
        else fn(a + lo * aStep, b + lo * bStep, c + lo * cStep, byRows ? n : mb, byRows ? nb : n, kc, ldc);
      }
    } catch (error) {
      // A kernel that throws (a trap: a bug) must not leave the caller waiting forever for a
      // job that will never finish: flag it, hand the job back unfinished, and stop this thread.
      console.error("GEMM pool thread", index, "failed:", error);
      Atomics.store(words, base + 21, 1);
      Atomics.store(words, base + 1, 0);
      Atomics.notify(words, base + 1);
      return;
    }
    Atomics.store(words, base + 1, 0);
    Atomics.notify(words, base + 1);
  }
}

/**
 * Source text of a pool thread: defines `gemmThread(initOrMessageEvent)`. Bound by a const so a
 * minifier renaming the function does not change the name hosts call.
 */
export const THREAD_SOURCE = `const gemmThread = ${gemmThread.toString()};\n`;

/**
 * Multiply-adds per k slice below which a product stays on the single-thread driver (and the
 * calling thread computes alone). A product on the pool pays the shared memory's slower copies
 * whether it is split or not: with 2^20 the MLP step's 2 M forward products went to the pool and
 * the step was 19-50% slower than one thread (interleaved, load 14-16, pools spinning 0 and 2000
 * polls). 2^22 keeps GPT's 4 M products, the MLP's 6 M weight gradient and matmul 256 (16 M) on
 * the pool, where SplitChooser decides. (2^18 once made a LeNet-5 step 1.5x slower.)
 */
const MIN_PARALLEL_WORK = 1 << 22;

/**
 * A matmul product of several k slices whose slices are below minParallelWork but reach a quarter
 * of it, and whose slices together reach it, is decided whole: SplitChooser times the whole call
 * (staging, packing, every slice and the unload) alone on the single-thread driver and split on
 * the pool, each slice then split, and keeps the faster. Per slice, such products always stayed
 * on the calling thread: the GPT step's output-projection and head weight gradients (64 x 1024^T
 * @ 1024 x 64, four slices of 1 M multiply-adds), 0.6 ms of its two-thread step with the pool
 * thread idle. Sending them to the pool by size alone made the MLP step's forward product (64 x
 * 784 @ 784 x 128) 16 % slower on two threads, and timing slice by slice missed what the pool's
 * shared memory costs the staging, so the whole call is what is timed. Benches switch it off to
 * compare in one process.
 */
export const wholeProducts = { enabled: true };
const SLICE_SHARE = 4;

/** Products of one shape between tries of the way that lost (see SplitChooser), at first and at most. */
const PROBE_MIN = 4, PROBE_MAX = 64;

/** Row panels per kernel call (MC rows), as in the single-thread runner. */
const MB_BLOCK = MC / MR;

/**
 * Row chunks are whole multiples of the panels the kernel's tiles cover (panelsForTiles), but for the last: a 5-row
 * register tile spans panel boundaries (gemm_kernel.ts), and panels left over at a chunk's end go
 * through the narrower edge tile.
 */

/**
 * A chunk is at most 1/(GUIDED * threads) of the panels left ("guided" self-scheduling): large
 * chunks first, ever smaller ones at the end, so the threads finish within a small chunk of each
 * other (fixed chunks of MC rows left up to 24 of matmul 1024's 256 row panels to one thread).
 */
const GUIDED = 2;

/**
 * Polls of STATE before the caller, waiting for a pool thread to finish its last chunk, sleeps on
 * it (about 25 µs here).
 */
const JOIN_POLLS = 2000;

/**
 * µs a pool thread polls for its next job before it sleeps. A GPT step posts its products a few
 * hundred µs apart (row passes in between), so a thread that slept after 2000 polls (~25 µs, the
 * old setting) was asleep at nearly every product: the caller paid a notify and the thread
 * started late. bench/gpt_threads_ab.ts, 16 rounds x 3 steps, 2 threads vs 1 alternated, both
 * cores idle at the start: 2000 polls wall x1.03 (27.3 vs 27.2 ms), 300 µs x0.96, 1000 µs x0.95
 * (27.1 vs 29.0 ms), 100000 polls (~1.2 ms) x0.92 (25.5 vs 27.2), the pool's CPU x1.42-1.56. Under
 * load the chooser runs products alone and the thread, posted nothing, sleeps after this window.
 * (OpenMP's default KMP_BLOCKTIME is 200 ms.) 2500 µs since: bench/threads.ts's matmul 256 row runs
 * half its split products after two one-thread calls (~1.5 ms), when a 1000 µs poll had ended and
 * the split paid the thread's wake-up; bench/threads_spin_ab.ts (a fresh pool per run, the two
 * alternated, quiet runs): matmul 256 x1.47-1.56 (median 1.52) -> x1.55-1.64 (1.60), the GPT step on
 * two threads 20.0-21.2 ms wall either way (CPU within the runs' noise, 38-43 ms).
 */
const SPIN_MICROS = 2500;

/** The poll after a job while under SPLIT_SHARE_TO_POLL of the recent products are split (see tally). */
const BRIEF_SPIN_MICROS = 25;
const SPLIT_SHARE_TO_POLL = 0.25;

/**
 * Whether the pool wakes its threads when it decides to split a product or batch, before the
 * operands are staged (createThreadPool's wake); benches switch it off to compare in one process.
 */
export const prewake = { enabled: true };

/**
 * Batch jobs of at most this many slices stream their finished chunks to the caller (BatchRunner.run's
 * onSlices; the pool threads mark them in ThreadInit.done); larger ones hand all slices over at the end.
 */
const DONE_SLICES = 4096;

/**
 * ms a streaming caller, its own chunks done, polls for the pool threads' last chunks before it
 * sleeps in join (a thread descheduled by other programs) and copies what is left after.
 */
const STREAM_WAIT_MS = 2;

/** Whether a split batch job streams its finished slices to the caller (see BatchRunner.run); benches switch it off to compare in one process. */
export const streamSlices = { enabled: true };

/** The two poll windows a job's SPIN word carries, for tests. */
export const POLL_MICROS = { afterSplits: SPIN_MICROS, whileAlone: BRIEF_SPIN_MICROS } as const;

const now: () => number = typeof performance !== "undefined" ? () => performance.now() : () => Date.now();

/**
 * Whether splitting pays, per product shape (mBlocks x nBlocks x kc), from timing both ways: each
 * shape is run alone once and split once, then the faster way is kept, the other tried again now
 * and then (after 4 products, then 8, .. up to PROBE_MAX while the winner stays the same) because
 * the machine's load changes which one wins: with the other cores busy (other programs, or a
 * scheduler that gives this process a fixed share of the CPU) the threads only split the same
 * CPU time, pay the hand-off, and splitting is slower. Each way's time is a moving average that
 * follows faster samples quickly and slower ones slowly (clipped to 3x the average), so one
 * preempted run does not flip the verdict. A training
 * step issues the same shapes step after step, so each soon settles on its faster way, which is
 * what keeps the pool from making a step slower than one thread.
 */
export class SplitChooser {
  private readonly shapes = new Map<string, { alone: number; split: number; since: number; every: number; splitWins: boolean; probing: boolean }>();

  /** Each shape's timings so far (ms, moving averages) and verdict, for benches. */
  verdicts(): { key: string; alone: number; split: number; splitWins: boolean }[] {
    return [...this.shapes].map(([key, v]) => ({ key, alone: v.alone, split: v.split, splitWins: v.splitWins }));
  }

  /** True when the next product of this shape should be split. */
  split(key: string): boolean {
    const v = this.shapes.get(key);
    if (!v) return false; // first time: measure it alone
    if (Number.isNaN(v.split)) return true;
    if (++v.since >= v.every) {
      v.since = 0;
      v.probing = true;
      return !v.splitWins; // re-try the way that lost
    }
    return v.splitWins;
  }

  /** Records how long (ms) a product of this shape took, split or alone. */
  record(key: string, split: boolean, ms: number): void {
    let v = this.shapes.get(key);
    if (!v) {
      // Bounded: a program sweeping through many shapes forgets the old verdicts.
      if (this.shapes.size >= 1024) this.shapes.clear();
      v = { alone: NaN, split: NaN, since: 0, every: PROBE_MIN, splitWins: false, probing: false };
      this.shapes.set(key, v);
    }
    // Noise here only ever adds time (preemption, a cold cache), so a faster sample is believed
    // quickly and a slower one slowly, clipped to 3x.
    const old = split ? v.split : v.alone;
    const avg = Number.isNaN(old) ? ms : ms < old ? old + (ms - old) * 0.7 : old + (Math.min(ms, 3 * old) - old) * 0.3;
    if (split) v.split = avg;
    else v.alone = avg;
    const splitWins = v.split < v.alone;
    if (splitWins !== v.splitWins) {
      v.splitWins = splitWins;
      v.every = PROBE_MIN;
      v.since = 0;
    } else if (v.probing) v.every = Math.min(PROBE_MAX, 2 * v.every); // the re-try confirmed the winner
    v.probing = false;
  }
}

/**
 * Floats a row pass reads and writes below which it stays on the calling thread (an adaptive pool;
 * above it SplitChooser times both ways per kernel and size). Layer norm's 1024 x 64 rows in the
 * GPT bench (131072 floats, ~40 µs) are above; the cross-entropy and bias passes are not row jobs.
 */
const MIN_ROW_FLOATS = 1 << 15;

/** A row job's words (row_kernels.ts RowSplit): fn, argument count, kind and step per argument; values as float64 from float 16. */
const ROW_JOB_BYTES = 256, MAX_ROW_ARGS = 12, ROW_VALUES = 16;

/** 64 KiB pages the shared memory may grow to (its maximum must be declared up front): 2 GiB. */
const MAX_PAGES = 32768;

export interface ThreadPool {
  /** Threads in total, the calling one included. */
  readonly threads: number;
  readonly gemm: Gemm;
  /** True once every thread has started (until then products run on the calling thread alone). */
  ready(): boolean;
  /**
   * Products (and row passes) large enough to split so far: how many were split and how many the
   * caller ran alone; rowSplits: the split row passes among them.
   */
  counts(): { split: number; alone: number; rowSplits: number };
  /** The adaptive chooser's timings and verdict per product shape (SplitChooser.verdicts), for benches. */
  verdicts(): ReturnType<SplitChooser["verdicts"]>;
  terminate(): void;
}

/**
 * Starts `threads - 1` pool threads with `spawn`; the calling thread is the first of `threads`.
 * `minParallelWork` (multiply-adds per k slice below which the caller computes alone) and
 * `spinMicros` (how long a pool thread polls for its next job before it sleeps) are parameters
 * for the benches that measure them; `adaptive` = false splits every
 * product from minParallelWork up instead of timing which way is faster (SplitChooser), for tests.
 * Given `small` (the single-thread driver), the pool's driver hands it every product with no k
 * slice large enough to split (Gemm.forProduct): the calling thread's copies into and out of a
 * shared memory are several times slower for small blocks (V8 copies shared buffers word by
 * word: 16 KB in 3.2 vs 0.46 µs), which made a LeNet-5 step 7% slower on the pool's memory
 * with no product split at all.
 */
export function createThreadPool(spawn: ThreadSpawner, threads: number, minParallelWork = MIN_PARALLEL_WORK, spinMicros = SPIN_MICROS, adaptive = true, small: Gemm | null = null): ThreadPool {
  if (!(Number.isInteger(threads) && threads >= 1)) throw new RangeError(`threads must be a positive integer, got ${threads}`);
  if (typeof SharedArrayBuffer === "undefined" || typeof Atomics === "undefined") {
    throw new Error("WebAssembly threads need SharedArrayBuffer and Atomics (a cross-origin isolated page or Node)");
  }
  const memory = new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared: true });
  const host = hostGemmModule({ initial: 1, maximum: MAX_PAGES });
  if (!host) throw new Error("WebAssembly threads need WebAssembly SIMD and shared memory, which this host lacks");
  const compiled = new WebAssembly.Module(host.bytes);
  const rowQuantum = panelsForTiles(host.tileRows);
  const instance = new WebAssembly.Instance(compiled, { env: { memory } });
  type Kernel = (a: number, b: number, c: number, mb: number, nb: number, kc: number, ldc: number) => void;
  const set = instance.exports.gemm_set as Kernel;
  const acc = instance.exports.gemm_acc as Kernel;
  const batchFn = instance.exports.gemm_batch as (job: number, lo: number, hi: number, scratch: number) => void;
  const local = localRunner(set, acc, host.tileRows);
  const control = new SharedArrayBuffer(threads * WORDS * 4);
  const words = new Int32Array(control);
  for (let t = 1; t < threads; t++) words[t * WORDS + SPIN] = spinMicros;
  // The row passes' module, instantiated here and by every pool thread (the same code on each).
  const rows = rowModule(MAX_PAGES);
  const rowExports = rows && (new WebAssembly.Instance(rows, { env: { memory } }).exports as unknown as RowKernels);
  const rowFns = rowExports ? ROW_NAMES.map((name) => rowExports[name] as (...args: number[]) => void) : [];
  const rowJob = new SharedArrayBuffer(ROW_JOB_BYTES);
  const rowWords = new Int32Array(rowJob), rowValues = new Float64Array(rowJob);
  // Where pool threads mark the chunks of a batch job they finished (ThreadInit.done).
  const done = new SharedArrayBuffer(DONE_SLICES * 4);
  const doneWords = new Int32Array(done);
  const handles: ThreadHandle[] = [];
  for (let i = 1; i < threads; i++) handles.push(spawn(THREAD_SOURCE, { module: compiled, memory, control, index: i, rows, rowNames: ROW_NAMES, rowJob, done }));

  /** Posts a job to thread t: `kernel` = [ACC, A, B, C, mBlocks, nBlocks, kc, ldc], `split` = [BY_ROWS .. C_STEP, QUANTUM, DIV]. */
  function post(t: number, kernel: number[], split: number[]): void {
    const base = t * WORDS;
    for (let i = 0; i < kernel.length; i++) words[base + ACC + i] = kernel[i];
    for (let i = 0; i < 6; i++) words[base + BY_ROWS + i] = split[i];
    words[base + QUANTUM] = split[6];
    words[base + DIV] = split[7];
    words[base + SPIN] = splitShare >= SPLIT_SHARE_TO_POLL ? spinMicros : Math.min(spinMicros, BRIEF_SPIN_MICROS);
    Atomics.store(words, base + STATE, POSTED);
    Atomics.add(words, base + SEQ, 1);
    if (!Atomics.load(words, base + SPINNING)) Atomics.notify(words, base + SEQ);
  }

  /**
   * Wakes every sleeping pool thread into its long poll ahead of a job the caller is about to post
   * (a product or batch forMatmul / forBatch sends to the pool to split, before its operands are
   * staged), so the thread's wake-up overlaps the staging and the post finds it polling. A thread
   * asleep at the post (products far apart, or the chooser's probes while it runs a shape alone,
   * when the thread polls only briefly) made the split pay its wake-up. bench/matmul_prewake_ab.ts:
   * a split matmul 256 after 3 ms busy, second core free: 685-694 -> 615-625 µs (x0.91); with the
   * second core busy x1.04-1.14 (the woken thread competes with the caller's staging: the
   * chooser then runs the shape alone anyway).
   */
  function wake(): void {
    if (!prewake.enabled) return;
    for (let t = 1; t < threads; t++) {
      const base = t * WORDS;
      words[base + SPIN] = spinMicros;
      if (!Atomics.load(words, base + SPINNING)) Atomics.notify(words, base + SEQ);
    }
  }

  /**
   * Takes the job back if thread t never claimed it (returns false), else waits (spinning first)
   * until it is done (returns true).
   */
  function join(t: number): boolean {
    const base = t * WORDS;
    if (Atomics.compareExchange(words, base + STATE, POSTED, IDLE) === POSTED) return false;
    for (let spin = 0; ; spin++) {
      const state = Atomics.load(words, base + STATE);
      if (state === IDLE) return true;
      if (spin >= JOIN_POLLS) Atomics.wait(words, base + STATE, state);
    }
  }

  /**
   * After a join: if a pool thread's kernel threw, the product is unfinished (its chunks were never
   * computed), so it throws rather than hand back wrong values, and the pool stops splitting: every
   * later product runs on the calling thread (ready() stays false).
   */
  let failedThread = 0;
  function throwIfFailed(what = "product"): void {
    for (let t = 1; t < threads && !failedThread; t++) if (Atomics.load(words, t * WORDS + FAILED) === 1) failedThread = t;
    if (failedThread) {
      throw new Error(`GEMM thread ${failedThread} of the WebAssembly thread pool failed, so this ${what} was not computed; later products run on one thread (torch.set_num_threads restarts the pool)`);
    }
  }

  // Browsers start a nested worker only once its creator returns to the event loop, so a
  // product must never wait for a thread that is not up yet: until all are, run alone.
  let allReady = threads === 1;
  const ready = () => {
    if (failedThread) return false;
    if (!allReady) {
      allReady = true;
      for (let t = 1; t < threads; t++) if (Atomics.load(words, t * WORDS + READY) !== 1) allReady = false;
    }
    return allReady;
  };

  const chooser = new SplitChooser();
  const counts = { split: 0, alone: 0, rowSplits: 0 };
  // Share of the recent products large enough to split that were split (a moving average over
  // about 16): while the chooser runs nearly everything alone (a loaded machine, or shapes that do
  // not pay) the pool threads poll only briefly after a probe's job, so they do not take CPU from
  // the caller or other programs for nothing.
  let splitShare = 1;
  function tally(split: boolean): void {
    if (split) counts.split++;
    else counts.alone++;
    splitShare += ((split ? 1 : 0) - splitShare) / 16;
  }
  // The slice between start and finish: posted to the pool threads (split) or left to the caller.
  let job: { isAcc: boolean; a: number; b: number; c: number; mb: number; nb: number; kc: number; ldc: number } | null = null;
  let split = false, key = "", byRows = false, total = 0, cap = 0, quantum = 1, aStep = 0, bStep = 0, cStep = 0;
  let posted = 0, resumed = 0;
  const div = GUIDED * threads;

  function start(isAcc: boolean, a: number, b: number, c: number, mb: number, nb: number, kc: number, ldc: number): void {
    job = { isAcc, a, b, c, mb, nb, kc, ldc };
    split = false;
    key = "";
    const whole = splitWhole; // forMatmul chose to split every slice of this product
    if (threads === 1 || (!whole && mb * nb * kc * MR * NR < minParallelWork) || !ready()) return;
    key = adaptive && !whole ? `${mb},${nb},${kc}` : "";
    const decided = whole || productDecided === key; // forMatmul already chose to split this product
    productDecided = null;
    if (adaptive && !decided && !chooser.split(key)) return;
    split = true;
    // Split the longer side into chunks of panels, taken from a shared counter by whichever
    // thread is free: a thread that wakes late (a busy machine) takes fewer or none, and the
    // caller is never stuck waiting for work nobody started. Each C element is still computed
    // by one kernel call over the whole k slice, so the bits match the single-thread kernel.
    byRows = mb >= nb;
    total = byRows ? mb : nb;
    // Row chunks at most MC rows (the A block in L2); column chunks whole B panels.
    cap = byRows ? Math.max(rowQuantum, MB_BLOCK - (MB_BLOCK % rowQuantum)) : total;
    quantum = byRows ? rowQuantum : 1;
    aStep = byRows ? kc * MR * 4 : 0;
    bStep = byRows ? 0 : kc * NR * 4;
    cStep = byRows ? MR * ldc * 4 : NR * 4;
    posted = now();
    Atomics.store(words, NEXT, 0);
    const kernel = [isAcc ? 1 : 0, a, b, c, mb, nb, kc, ldc * 4];
    const splitWords = [byRows ? 1 : 0, cap, total, aStep, bStep, cStep, quantum, div];
    for (let t = 1; t < threads; t++) post(t, kernel, splitWords);
    resumed = now();
  }

  function finish(): void {
    if (!job) return;
    const { isAcc, a, b, c, mb, nb, kc, ldc } = job;
    job = null;
    const t0 = now();
    if (!split) {
      local.run(isAcc, a, b, c, mb, nb, kc, ldc);
      if (key !== "") {
        chooser.record(key, false, now() - t0);
        tally(false);
      }
      return;
    }
    const fn = isAcc ? acc : set;
    for (;;) {
      // The pool threads' loop (gemmThread) takes chunks the same way.
      const lo = Atomics.load(words, NEXT);
      const left = total - lo;
      if (left <= 0) break;
      const n = Math.min(left, Math.max(quantum, Math.min(cap, Math.ceil(left / div / quantum) * quantum)));
      if (Atomics.compareExchange(words, NEXT, lo, lo + n) !== lo) continue;
      fn(a + lo * aStep, b + lo * bStep, c + lo * cStep, byRows ? n : mb, byRows ? nb : n, kc, ldc * 4);
    }
    for (let t = 1; t < threads; t++) join(t);
    throwIfFailed();
    // The split's time without what the caller did between start and finish (packing the next slice).
    if (adaptive && key !== "") chooser.record(key, true, now() - posted - (t0 - resumed));
    tally(true);
  }

  /**
   * A gemm_batch job's slices shared out like a product's panels (same counter, guided chunks of
   * whole slices), when SplitChooser finds that faster for this batch shape; each thread packs
   * and multiplies its slices on its own scratch, so nothing is serial but the caller's staging.
   */
  let splitDecided: string | null = null; // a batch shape forBatch already chose to split
  let productDecided: string | null = null; // the same for a one-slice product and forMatmul
  let splitWhole = false; // while a product decided whole (wholeProducts) runs split
  const batchKey = (count: number, mb: number, nb: number, kc: number) => `b${count},${mb},${nb},${kc}`;
  const batch: BatchRunner = {
    threads,
    run(jobAt, count, scratch, scratchBytes, onSlices, meanwhile, firstStaged = meanwhile ? 0 : count) {
      const shape = new Int32Array(memory.buffer, jobAt, 3); // mb, nb, kc
      const bkey = batchKey(count, shape[0], shape[1], shape[2]);
      const decided = splitDecided === bkey;
      splitDecided = null;
      const t0 = now();
      if (threads === 1 || count < 2 || !ready() || (adaptive && !decided && !chooser.split(bkey))) {
        meanwhile?.(() => {});
        batchFn(jobAt, 0, count, scratch);
        onSlices?.(0, count);
        if (threads > 1 && adaptive) chooser.record(bkey, false, now() - t0);
        tally(false);
        return;
      }
      // Streaming: the caller hands each finished chunk to onSlices as soon as it is done (its own
      // right after computing it, the pool threads' as they mark them in `done`), so copying C out
      // overlaps the other threads' work instead of following the whole job.
      const stream = onSlices && streamSlices.enabled && count <= DONE_SLICES ? onSlices : null;
      // done[lo] = n: chunk [lo, lo + n) finished by a pool thread, -n: by the caller (and handed over); 0: not yet.
      if (stream) doneWords.fill(0, 0, count); // published to the threads by post's atomic stores
      let scan = 0; // chunks before it are handed over
      const drain = (): boolean => {
        let any = false;
        while (scan < count) {
          const n = Atomics.load(doneWords, scan);
          if (n === 0) break;
          if (n > 0) {
            stream!(scan, scan + n);
            any = true;
          }
          scan += Math.abs(n);
        }
        return any;
      };
      Atomics.store(words, NEXT, 0);
      Atomics.store(words, STAGED, meanwhile ? Math.max(0, Math.min(count, firstStaged)) : count);
      const kernel = [2, jobAt, scratch, scratchBytes, 0, 0, 0, 0];
      const splitWords = [1, count, count, 0, 0, 0, 1, div];
      for (let t = 1; t < threads; t++) post(t, kernel, splitWords);
      if (meanwhile) {
        // While the pool threads start on the first chunks; all slices are staged after it, whatever happens.
        try {
          meanwhile((slices) => Atomics.store(words, STAGED, Math.min(count, slices)));
        } finally {
          Atomics.store(words, STAGED, count);
        }
      }
      for (;;) {
        const lo = Atomics.load(words, NEXT);
        const left = count - lo;
        if (left <= 0) break;
        const n = Math.min(left, Math.max(1, Math.ceil(left / div)));
        if (Atomics.compareExchange(words, NEXT, lo, lo + n) !== lo) continue;
        batchFn(jobAt, lo, lo + n, scratch);
        if (stream) {
          stream(lo, lo + n); // while its C is in cache
          doneWords[lo] = -n;
          drain();
        }
      }
      if (stream) {
        // Copy out the pool threads' chunks as they finish, while any thread still computes one
        // (bounded: a thread descheduled for long is joined, asleep, as before).
        const waitFrom = now();
        for (let poll = 1; scan < count; poll++) {
          if (drain()) continue;
          let running = false;
          for (let t = 1; t < threads && !running; t++) running = Atomics.load(words, t * WORDS + STATE) === RUNNING;
          if (!running || ((poll & 255) === 0 && now() - waitFrom > STREAM_WAIT_MS)) break;
        }
      }
      for (let t = 1; t < threads; t++) join(t);
      throwIfFailed();
      if (stream) {
        drain();
        if (scan < count) throw new Error(`GEMM thread pool: slices ${scan}..${count} of a batch job were never marked done`);
      } else onSlices?.(0, count);
      if (adaptive) chooser.record(bkey, true, now() - t0);
      tally(true);
    },
  };

  /** A row job's arguments for units [lo, lo + n) (the pool threads' loop builds them the same way). */
  function rowArgs(job: RowSplit, lo: number, n: number): number[] {
    return job.kinds.map((kind, j) => {
      const step = job.steps[j], value = job.values[j];
      return kind === 0 ? value + lo * step : kind === 1 ? n * step : kind === 2 ? (value + lo) % step : value;
    });
  }

  /**
   * A row pass (row_kernels.ts) split into ranges of units that the threads take from the shared
   * counter as a product's panels (guided chunks, whole quanta), when it is large enough and
   * SplitChooser finds that faster for this kernel and size; else the calling thread runs it whole.
   */
  function runRows(job: RowSplit): void {
    const { fn, units, quantum } = job;
    const fnHere = rowFns[fn];
    const eligible = threads > 1 && units >= 2 * quantum && (!adaptive || units * job.floatsPerUnit >= MIN_ROW_FLOATS) && ready();
    const key = `r${fn},${units}`;
    if (!eligible || (adaptive && !chooser.split(key))) {
      const t0 = now();
      fnHere(...rowArgs(job, 0, units));
      if (eligible) {
        if (adaptive) chooser.record(key, false, now() - t0);
        tally(false);
      }
      return;
    }
    if (job.kinds.length > MAX_ROW_ARGS) throw new RangeError(`a row job takes at most ${MAX_ROW_ARGS} arguments`);
    const t0 = now();
    rowWords[0] = fn;
    rowWords[1] = job.kinds.length;
    for (let j = 0; j < job.kinds.length; j++) {
      rowWords[2 + 2 * j] = job.kinds[j];
      rowWords[3 + 2 * j] = job.steps[j];
      rowValues[ROW_VALUES + j] = job.values[j];
    }
    Atomics.store(words, NEXT, 0);
    const kernel = [3, 0, 0, 0, 0, 0, 0, 0];
    const splitWords = [1, units, units, 0, 0, 0, quantum, div];
    for (let t = 1; t < threads; t++) post(t, kernel, splitWords);
    for (;;) {
      // The pool threads' loop (gemmThread) takes chunks the same way.
      const lo = Atomics.load(words, NEXT);
      const left = units - lo;
      if (left <= 0) break;
      const n = Math.min(left, Math.max(quantum, Math.ceil(left / div / quantum) * quantum));
      if (Atomics.compareExchange(words, NEXT, lo, lo + n) !== lo) continue;
      fnHere(...rowArgs(job, lo, n));
    }
    for (let t = 1; t < threads; t++) join(t);
    throwIfFailed("row pass");
    if (adaptive) chooser.record(key, true, now() - t0);
    tally(true);
    counts.rowSplits++;
  }
  if (rowExports) rowSplitters.set(memory, splittingRowKernels(runRows, rowExports));

  const runner: GemmRunner = {
    run(isAcc, a, b, c, mb, nb, kc, ldc) {
      start(isAcc, a, b, c, mb, nb, kc, ldc);
      finish();
    },
    start,
    finish,
  };

  const gemm = createGemm((bytes) => {
    if (bytes > MAX_PAGES * 65536) throw new RangeError(`a product needs ${bytes} bytes, more than the thread pool's shared memory allows`);
    ensureScratch(memory, bytes);
    return memory.buffer;
  }, () => runner, memory);
  gemm.batch = batch;
  if (small) {
    gemm.forProduct = (m, n, k) =>
      Math.ceil(m / MR) * Math.ceil(n / NR) * Math.min(k, KC) * MR * NR >= minParallelWork && threads > 1 && ready() ? gemm : small;
    // A batch splits by slices, so it is its total work that counts (attention's per-head products
    // are far below the threshold one by one, 4 M multiply-adds per batch in the GPT bench).
    // The chooser decides before the operands are staged: a batch it runs alone goes to the
    // single-thread driver (private memory, faster copies), timed there for the chooser.
    let aloneKey: string | null = null;
    const smallBatch = small.batch;
    const timedSmall: Gemm = {
      ...small,
      batch: smallBatch && {
        threads: smallBatch.threads,
        run(jobAt, count, scratch, scratchBytes, onSlices, meanwhile, firstStaged) {
          const t0 = now();
          smallBatch.run(jobAt, count, scratch, scratchBytes, onSlices, meanwhile, firstStaged);
          if (aloneKey !== null) chooser.record(aloneKey, false, now() - t0);
          aloneKey = null;
          tally(false);
        },
      },
    };
    // One-slice matmul products likewise: alone means the private memory, timed there as the
    // pool times its alone runs (the kernel only: packing and unloading left out).
    let productAlone: string | null = null;
    const timedSmallProduct: Gemm = {
      ...small,
      gemm(m, n, k, packA, packB, unload, preload) {
        const key = productAlone;
        productAlone = null;
        let outside = 0;
        const timedA: PackA = (h, d, p, kc) => { const t = now(); packA(h, d, p, kc); outside += now() - t; };
        const timedB: PackB = (h, d, p, kc) => { const t = now(); packB(h, d, p, kc); outside += now() - t; };
        const timedC: Unload = (h, c, ldc) => { const t = now(); unload(h, c, ldc); outside += now() - t; };
        const timedP: Unload | undefined = preload && ((h, c, ldc) => { const t = now(); preload(h, c, ldc); outside += now() - t; });
        const t0 = now();
        small.gemm(m, n, k, timedA, timedB, timedC, timedP);
        if (key !== null) {
          chooser.record(key, false, now() - t0 - outside);
          tally(false);
        }
      },
    };
    /** The driver `g`, its gemm timed from now to its end for the whole product's verdict (wholeProducts). */
    const timedWhole = (g: Gemm, key: string, split: boolean): Gemm => {
      const t0 = now();
      return {
        ...g,
        gemm(m, n, k, packA, packB, unload, preload) {
          splitWhole = split;
          try {
            g.gemm(m, n, k, packA, packB, unload, preload);
          } finally {
            splitWhole = false;
          }
          chooser.record(key, split, now() - t0);
          if (!split) tally(false);
        },
      };
    };
    gemm.forMatmul = (m, n, k) => {
      if (wholeProducts.enabled && adaptive && k > KC && threads > 1 && ready()) {
        const mb = Math.ceil(m / MR), nb = Math.ceil(n / NR), perSlice = mb * nb * KC * MR * NR;
        if (perSlice < minParallelWork && perSlice * SLICE_SHARE >= minParallelWork && mb * nb * k * MR * NR >= minParallelWork) {
          const key = `w${mb},${nb},${k}`;
          const split = chooser.split(key);
          if (split) wake();
          return timedWhole(split ? gemm : small, key, split);
        }
      }
      const g = gemm.forProduct!(m, n, k);
      if (g !== gemm || !adaptive || k > KC) return g; // several k slices: decided slice by slice (pipelined)
      const key = `${Math.ceil(m / MR)},${Math.ceil(n / NR)},${k}`;
      if (chooser.split(key)) {
        productDecided = key;
        wake();
        return gemm;
      }
      productAlone = key;
      return timedSmallProduct;
    };
    gemm.forBatch = (count, m, n, k) => {
      if (!(count * m * n * k >= minParallelWork && count > 1 && threads > 1 && ready())) return small;
      if (!adaptive || !smallBatch) {
        wake();
        return gemm;
      }
      const key = batchKey(count, Math.ceil(m / MR), Math.ceil(n / NR), k);
      if (chooser.split(key)) {
        splitDecided = key;
        wake();
        return gemm;
      }
      aloneKey = key;
      return timedSmall;
    };
  }

  return {
    threads,
    gemm,
    ready,
    counts: () => ({ ...counts }),
    verdicts: () => chooser.verdicts(),
    terminate() {
      rowSplitters.delete(memory);
      for (let t = 1; t < threads; t++) {
        words[t * WORDS + ACC] = -1;
        Atomics.store(words, t * WORDS + STATE, POSTED);
        Atomics.add(words, t * WORDS + SEQ, 1);
        Atomics.notify(words, t * WORDS + SEQ);
      }
      for (const h of handles) h.terminate();
    },
  };
}

// Keep the blocking constants visible to readers of the split logic.
export { KC, MC };
