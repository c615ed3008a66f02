/**
 * Turning the WebAssembly thread pool on and off for matmul and convolution. Off by default
 * (the grader's sandbox has no workers); a host that can start workers (the notebook's kernel
 * worker when cross-origin isolated, Node benches and tests) passes a ThreadSpawner.
 */
import { kernels } from "./registry";
import { createThreadPool, type ThreadPool, type ThreadSpawner } from "./wasm/threads";

export { THREAD_SOURCE, type ThreadHandle, type ThreadInit, type ThreadSpawner } from "./wasm/threads";

let pool: ThreadPool | null = null;
/** The host's spawner from the last enableThreads: what torch.set_num_threads restarts the pool with. */
let hostSpawner: ThreadSpawner | null = null;
/** The GEMM that was registered before the pool took over (the single-thread one). */
let single: typeof kernels.gemm = null;

/**
 * Runs matmul and convolution on `threads` threads (this one included), starting threads - 1
 * workers with `spawn`. Replaces a previous pool. Needs WebAssembly SIMD (without it the
 * engine has no GEMM to parallelise and this throws).
 */
export function enableThreads(spawn: ThreadSpawner, threads: number): void {
  if (!pool && !kernels.gemm) throw new Error("enableThreads: this host has no WebAssembly SIMD, so there is no GEMM to run on threads");
  // Products too small to split stay on the single-thread GEMM (its private memory copies faster).
  const next = createThreadPool(spawn, threads, undefined, undefined, true, pool ? single : kernels.gemm);
  disableThreads();
  hostSpawner = spawn;
  single = kernels.gemm;
  pool = next;
  kernels.gemm = next.gemm;
}

/** Back to the single-thread GEMM; stops the pool's workers. */
export function disableThreads(): void {
  if (!pool) return;
  pool.terminate();
  pool = null;
  kernels.gemm = single;
  single = null;
}

/**
 * Resolves once every pool thread has started (products before that run on the calling thread
 * alone); rejects after timeoutMs. Resolves at once without a pool.
 */
export async function threadsReady(timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (pool && !pool.ready()) {
    if (Date.now() > deadline) throw new Error(`the GEMM thread pool did not start within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Threads matmul and convolution run on (1 without a pool), like torch.get_num_threads(). */
export function getNumThreads(): number {
  return pool ? pool.threads : 1;
}

/**
 * torch.set_num_threads: restarts the pool with `threads` threads (1 stops it). Only a host that
 * started a pool (the notebook's kernel worker when cross-origin isolated) can have more than one;
 * elsewhere (the grader's sandbox, Node without a spawner) the engine stays on one thread and says
 * so once, as PyTorch built without a parallel backend keeps running on one.
 */
export function setNumThreads(threads: number): void {
  if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`set_num_threads expects a positive integer number of threads, got ${String(threads)}`);
  if (threads === getNumThreads()) return;
  if (threads === 1) return disableThreads();
  if (!hostSpawner) {
    if (!warnedNoHost) console.warn(`set_num_threads(${threads}): this host cannot start threads (no cross-origin isolation or no workers here), so the engine keeps running on one.`);
    warnedNoHost = true;
    return;
  }
  enableThreads(hostSpawner, threads);
}
let warnedNoHost = false;
