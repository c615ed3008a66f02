/// <reference lib="webworker" />
/**
 * WebAssembly threads for the engine's matmul and convolution inside the kernel worker: when the
 * page is cross-origin isolated (next.config.js sends COOP/COEP, so SharedArrayBuffer exists),
 * start one nested worker per extra core, each running the engine's pool-thread source from a
 * blob URL. Without isolation, or on a single core, the engine stays single-threaded.
 */
import { enableThreads, type ThreadSpawner } from "../tensor";

declare const self: DedicatedWorkerGlobalScope;

const spawnBlobWorker: ThreadSpawner = (source, init) => {
  const url = URL.createObjectURL(new Blob([`${source}\nself.onmessage = (event) => gemmThread(event.data);\n`], { type: "text/javascript" }));
  const worker = new Worker(url, { name: "gradbook-gemm-thread" });
  worker.postMessage(init);
  URL.revokeObjectURL(url);
  return { terminate: () => worker.terminate() };
};

/** Turns the thread pool on when possible; returns the number of threads in use. */
export function startGemmThreads(maxThreads = 4): number {
  const cores = Math.min(maxThreads, self.navigator?.hardwareConcurrency ?? 1);
  if (!self.crossOriginIsolated || typeof SharedArrayBuffer === "undefined" || cores < 2) return 1;
  try {
    enableThreads(spawnBlobWorker, cores);
    return cores;
  } catch {
    // No WebAssembly SIMD or threads here: the single-thread kernels serve.
    return 1;
  }
}
