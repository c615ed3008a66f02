/**
 * Why a split matmul 256's caller spends ~30 µs staging B (bench/threads_handoff.ts timeline): not
 * V8's copy into shared memory as such (9 µs for 256 KB here), but the other core having read the
 * staging area since the last copy (its packing of B), so every line written must first be taken
 * back from that core's cache. This copies 256 KB into a shared WebAssembly memory with no reader,
 * then with a worker reading the area after each copy, in one region or rotating over several
 * (rotation is worse: the lines are then cold in the caller's cache too).
 *
 *   node --import tsx bench/threads_staging_coherence.ts [regions]
 */
import { Worker } from "node:worker_threads";

const FLOATS = 65536;
const regions = Number(process.argv[2] ?? 1);
const src = new Float32Array(FLOATS).map((_, i) => Math.sin(i));
const memory = new WebAssembly.Memory({ initial: 256, maximum: 4096, shared: true });
// words: 0 round posted (-1: stop), 1 round read, 2 float address to read
const control = new Int32Array(new SharedArrayBuffer(16));
const reader = new Worker(
  `const { workerData } = require("node:worker_threads");
  const { memory, control, floats } = workerData;
  const h = new Float32Array(memory.buffer);
  for (let seen = 0; ; ) {
    while (Atomics.load(control, 0) === seen);
    seen = Atomics.load(control, 0);
    if (seen < 0) break;
    const at = Atomics.load(control, 2);
    let sum = 0;
    for (let i = 0; i < floats; i += 4) sum += h[at + i]; // one read per 16-byte group touches every line
    globalThis.sink = sum; // kept, so the reads are not optimised away
    Atomics.store(control, 1, seen);
  }`,
  { eval: true, workerData: { memory, control, floats: FLOATS } },
);
const heap = new Float32Array(memory.buffer);
const median = (s: number[]) => [...s].sort((a, b) => a - b)[s.length >> 1];

function copyMicros(read: boolean): number {
  const times: number[] = [];
  for (let round = 0; round < 600; round++) {
    const at = 4096 + (round % regions) * (FLOATS + 4096);
    const t0 = performance.now();
    heap.set(src, at);
    times.push((performance.now() - t0) * 1000);
    if (read) {
      Atomics.store(control, 2, at);
      const posted = Atomics.add(control, 0, 1) + 1;
      while (Atomics.load(control, 1) !== posted);
    }
  }
  return median(times.slice(100));
}

setTimeout(() => {
  const alone = copyMicros(false), read = copyMicros(true);
  console.log(`256 KB into shared memory, ${regions} region(s): ${alone.toFixed(1)} µs with no reader; ${read.toFixed(1)} µs when the other core read it after each copy`);
  Atomics.store(control, 0, -1);
  void reader.terminate();
}, 200);
