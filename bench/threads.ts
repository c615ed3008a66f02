/**
 * Our engine on all cores (the WebAssembly thread pool, worker_threads here) beside our engine on
 * one thread: the "peer" column of this table is ourselves single-threaded, so ours/peer is the
 * time ratio (ms) or the speed-up (GFLOP/s) the threads buy.
 */
import { availableParallelism } from "node:os";
import { disableThreads, enableThreads, threadsReady } from "../lib/tensor/kernels/parallel";
import { registerBench, type Unit } from "./harness";
import { nodeThreadSpawner } from "./node-threads";
import { oursStep as oursMlpMs, MLP_ROW } from "./mlp";
import { oursLenetMs } from "./lenet";
import { GPT_ROW, oursGptMs } from "./gpt";
import { oursMatmulGflops } from "./ops";
import { CONV_SHAPES, oursConvGflops } from "./conv";

export const CORES = availableParallelism();

async function threaded(measure: () => Promise<number>): Promise<number> {
  enableThreads(nodeThreadSpawner, CORES);
  try {
    await threadsReady();
    return await measure();
  } finally {
    disableThreads();
  }
}

const rows: [string, Unit, () => Promise<number>][] = [
  [MLP_ROW, "ms/step", oursMlpMs],
  ["LeNet-5 step, 28x28, batch 64", "ms/step", oursLenetMs],
  [GPT_ROW, "ms/step", oursGptMs],
  ["matmul 256x256 @ 256x256", "GFLOP/s", () => oursMatmulGflops(256)],
  ["matmul 1024x1024 @ 1024x1024", "GFLOP/s", () => oursMatmulGflops(1024)],
  ...CONV_SHAPES.map((s) => [s.name, "GFLOP/s", () => oursConvGflops(s.x, s.w)] as [string, Unit, () => Promise<number>]),
];

for (const [name, unit, measure] of rows) {
  registerBench({ group: "threads", name: `${name}, ${CORES} threads`, unit, ours: () => threaded(measure), peer: measure });
}
