/**
 * A pool of WebAssembly threads for the packed GEMM: one shared WebAssembly.Memory, the kernel
 * module instantiated once per thread on it, and a control block of Int32 words (Atomics) per
 * thread. The calling thread packs the operands (gemm.ts), then splits the micro-tiles of each
 * k slice into contiguous ranges of row panels (or of column panels when there are few rows):
 * one range per thread, the calling thread computing the first. Each C element is still summed
 * by one thread in the same order, so results are bit-identical to the single-thread kernel.
 *
 * The engine creates no threads itself (it stays free of DOM and Node APIs): the host injects a
 * ThreadSpawner that starts a worker (Web Worker in the browser's kernel worker, worker_threads in
 * Node) running THREAD_SOURCE and posts it the init message. The calling thread blocks in
 * Atomics.wait, so it must itself be a worker (or Node's main thread), never a browser page.
 */
import { KC, MC, MR, NR, createGemm, hostGemmModuleBytes, localRunner, type Gemm, type GemmRunner } from "./gemm";

/** What a pool thread receives: the compiled kernel, the shared memory and its control words. */
export interface ThreadInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
  index: number;
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

// Control words per thread: SEQ (bumped by the caller to start a job), DONE (set by the thread
// to the SEQ it finished), then the job: ACC flag (-1 = exit), A, B, C, mBlocks, nBlocks, kc, ldc;
// READY (set to 1 once the thread has instantiated the kernel and waits for jobs).
const WORDS = 16;
const SEQ = 0, DONE = 1, ACC = 2, ARGS = 3, READY = 10;

/**
 * The body of a pool thread. Self-contained (no imports, no outer variables): hosts run its
 * source text (THREAD_SOURCE) in a fresh worker.
 */
function gemmThread(init: ThreadInit | { data: ThreadInit }): void {
  const { module, memory, control, index } = "data" in init ? init.data : init;
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
  type Kernel = (a: number, b: number, c: number, mb: number, nb: number, kc: number, ldc: number) => void;
  const set = exports.gemm_set as Kernel;
  const acc = exports.gemm_acc as Kernel;
  const words = new Int32Array(control);
  const base = index * 16;
  let seen = 0;
  Atomics.store(words, base + 10, 1);
  for (;;) {
    Atomics.wait(words, base, seen);
    seen = Atomics.load(words, base);
    const mode = words[base + 2];
    if (mode < 0) return;
    (mode ? acc : set)(words[base + 3], words[base + 4], words[base + 5], words[base + 6], words[base + 7], words[base + 8], words[base + 9]);
    Atomics.store(words, base + 1, seen);
    Atomics.notify(words, base + 1);
  }
}

/**
 * Source text of a pool thread: defines `gemmThread(initOrMessageEvent)`. Bound by a const so a
 * minifier renaming the function does not change the name hosts call.
 */
export const THREAD_SOURCE = `const gemmThread = ${gemmThread.toString()};\n`;

/** Multiply-adds below which a k slice runs on the calling thread alone (waking threads costs tens of µs). */
const MIN_PARALLEL_WORK = 1 << 18;

/** 64 KiB pages the shared memory may grow to (its maximum must be declared up front): 2 GiB. */
const MAX_PAGES = 32768;

export interface ThreadPool {
  /** Threads in total, the calling one included. */
  readonly threads: number;
  readonly gemm: Gemm;
  /** True once every thread has started (until then products run on the calling thread alone). */
  ready(): boolean;
  terminate(): void;
}

/** Starts `threads - 1` pool threads with `spawn`; the calling thread is the first of `threads`. */
export function createThreadPool(spawn: ThreadSpawner, threads: number): ThreadPool {
  if (!(Number.isInteger(threads) && threads >= 1)) throw new RangeError(`threads must be a positive integer, got ${threads}`);
  if (typeof SharedArrayBuffer === "undefined" || typeof Atomics === "undefined") {
    throw new Error("WebAssembly threads need SharedArrayBuffer and Atomics (a cross-origin isolated page or Node)");
  }
  const memory = new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared: true });
  const bytes = hostGemmModuleBytes({ initial: 1, maximum: MAX_PAGES });
  if (!bytes) throw new Error("WebAssembly threads need WebAssembly SIMD and shared memory, which this host lacks");
  const compiled = new WebAssembly.Module(bytes);
  const instance = new WebAssembly.Instance(compiled, { env: { memory } });
  type Kernel = (a: number, b: number, c: number, mb: number, nb: number, kc: number, ldc: number) => void;
  const set = instance.exports.gemm_set as Kernel;
  const acc = instance.exports.gemm_acc as Kernel;
  const local = localRunner(set, acc);
  const control = new SharedArrayBuffer(threads * WORDS * 4);
  const words = new Int32Array(control);
  const handles: ThreadHandle[] = [];
  for (let i = 1; i < threads; i++) handles.push(spawn(THREAD_SOURCE, { module: compiled, memory, control, index: i }));

  function start(t: number, isAcc: boolean, args: number[]): void {
    const base = t * WORDS;
    words[base + ACC] = isAcc ? 1 : 0;
    for (let i = 0; i < args.length; i++) words[base + ARGS + i] = args[i];
    Atomics.add(words, base + SEQ, 1);
    Atomics.notify(words, base + SEQ);
  }

  function join(t: number): void {
    const base = t * WORDS;
    const seq = Atomics.load(words, base + SEQ);
    for (;;) {
      const done = Atomics.load(words, base + DONE);
      if (done === seq) return;
      Atomics.wait(words, base + DONE, done);
    }
  }

  // Browsers start a nested worker only once its creator returns to the event loop, so a
  // product must never wait for a thread that is not up yet: until all are, run alone.
  let allReady = threads === 1;
  const ready = () => {
    if (!allReady) {
      allReady = true;
      for (let t = 1; t < threads; t++) if (Atomics.load(words, t * WORDS + READY) !== 1) allReady = false;
    }
    return allReady;
  };

  const runner: GemmRunner = {
    run(isAcc, a, b, c, mb, nb, kc, ldc) {
      if (threads === 1 || mb * nb * kc * MR * NR < MIN_PARALLEL_WORK || !ready()) {
        local.run(isAcc, a, b, c, mb, nb, kc, ldc);
        return;
      }
      // Split the longer side in panels; each thread gets a contiguous range.
      const byRows = mb >= nb;
      const total = byRows ? mb : nb;
      const parts = Math.min(threads, total);
      const ranges: [number, number][] = [];
      for (let t = 0; t < parts; t++) ranges.push([Math.floor((t * total) / parts), Math.floor(((t + 1) * total) / parts)]);
      const jobArgs = ([lo, hi]: [number, number]) =>
        byRows
          ? [a + lo * kc * MR * 4, b, c + lo * MR * ldc * 4, hi - lo, nb, kc, ldc * 4]
          : [a, b + lo * kc * NR * 4, c + lo * NR * 4, mb, hi - lo, kc, ldc * 4];
      for (let t = 1; t < parts; t++) start(t, isAcc, jobArgs(ranges[t]));
      const [lo, hi] = ranges[0];
      if (byRows) local.run(isAcc, a + lo * kc * MR * 4, b, c + lo * MR * ldc * 4, hi - lo, nb, kc, ldc);
      else local.run(isAcc, a, b + lo * kc * NR * 4, c + lo * NR * 4, mb, hi - lo, kc, ldc);
      for (let t = 1; t < parts; t++) join(t);
    },
  };

  const gemm = createGemm((bytes) => {
    if (bytes > memory.buffer.byteLength) {
      const pages = Math.ceil((bytes - memory.buffer.byteLength) / 65536);
      if (memory.buffer.byteLength / 65536 + pages > MAX_PAGES) throw new RangeError(`a product needs ${bytes} bytes, more than the thread pool's shared memory allows`);
      memory.grow(pages);
    }
    return memory.buffer;
  }, () => runner, memory);

  return {
    threads,
    gemm,
    ready,
    terminate() {
      for (let t = 1; t < threads; t++) {
        words[t * WORDS + ACC] = -1;
        Atomics.add(words, t * WORDS + SEQ, 1);
        Atomics.notify(words, t * WORDS + SEQ);
      }
      for (const h of handles) h.terminate();
    },
  };
}

// Keep the blocking constants visible to readers of the split logic.
export { KC, MC };
