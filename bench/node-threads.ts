/** A ThreadSpawner for Node (benches and tests): one worker_threads Worker per pool thread. */
import { Worker } from "node:worker_threads";
import type { ThreadSpawner } from "../lib/tensor/kernels/parallel";

export const nodeThreadSpawner: ThreadSpawner = (source, init) => {
  const worker = new Worker(`${source}\nrequire("node:worker_threads").parentPort.once("message", gemmThread);`, { eval: true });
  worker.postMessage(init);
  // A pool thread waits on Atomics forever; it must not keep the process alive.
  worker.unref();
  return { terminate: () => void worker.terminate() };
};
