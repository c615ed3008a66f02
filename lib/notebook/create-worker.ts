/** The bundler sees this `new URL(..., import.meta.url)` and emits the worker as its own chunk. */
export function createKernelWorker(): Worker {
  return new Worker(new URL("./kernel.worker.ts", import.meta.url), { type: "module", name: "gradbook-kernel" });
}
