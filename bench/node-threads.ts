/** A ThreadSpawner for Node (benches and tests): one worker_threads Worker per pool thread. */
import { Worker } from "node:worker_threads";
import type { ThreadSpawner } from "../lib/tensor/kernels/parallel";
import type { Gemm } from "../lib/tensor/kernels/wasm/gemm";
import { createThreadPool, type ThreadPool } from "../lib/tensor/kernels/wasm/threads";

export const nodeThreadSpawner: ThreadSpawner = (source, init) => {
  const worker = new Worker(`${source}\nrequire("node:worker_threads").parentPort.once("message", gemmThread);`, { eval: true });
  worker.postMessage(init);
  // A pool thread waits on Atomics forever; it must not keep the process alive.
  worker.unref();
  return { terminate: () => void worker.terminate() };
};

/**
 * A thread pool on Node's worker threads, returned once every thread is up (benches time the pool,
 * not its start). `small` is the single-thread GEMM the pool runs what it does not split on.
 */
export function readyPool(threads: number, small: Gemm, opts: { spin?: number; adaptive?: boolean; spawner?: ThreadSpawner } = {}): ThreadPool {
  const pool = createThreadPool(opts.spawner ?? nodeThreadSpawner, threads, undefined, opts.spin, opts.adaptive ?? true, small);
  while (!pool.ready()) {
    const t = Date.now();
    while (Date.now() - t < 5);
  }
  return pool;
}
