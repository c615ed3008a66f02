/**
 * Where the GPT step's main-thread time goes on the WebAssembly thread pool: the step (bench/gpt.ts)
 * run on a pool of `threads` threads after a warm-up, under V8's sampling profiler (the main thread
 * only: the pool threads' time is theirs), then self time per function and per file, the pool's
 * counts and the load. Wall time per step is printed too (the profiler adds a few per cent).
 *
 *   node --experimental-wasm-relaxed-simd --import tsx bench/threads_gpt_profile.ts [steps] [threads] [top]
 *
 * INTERVAL_US sets the sampling interval (default 50 µs). At 50 µs the profiler's own cost
 * inflates the JavaScript rows (one thread: 32.5 ms/step profiled against 20.5 unprofiled); at
 * 400 µs over 300 steps the step runs at 21.6 ms and the shares are close to the real ones.
 */
import { Session } from "node:inspector/promises";
import { execSync } from "node:child_process";
import { kernels } from "../lib/tensor/kernels/registry";
import { createThreadPool } from "../lib/tensor/kernels/wasm/threads";
import { nodeThreadSpawner } from "./node-threads";
import { gptStep } from "./gpt";

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

async function main(): Promise<void> {
  const steps = Number(process.argv[2] ?? 40), threads = Number(process.argv[3] ?? 2), top = Number(process.argv[4] ?? 40);
  const single = kernels.gemm!;
  const pool = threads > 1 ? createThreadPool(nodeThreadSpawner, threads, undefined, undefined, true, single) : null;
  while (pool && !pool.ready()) { const t = Date.now(); while (Date.now() - t < 5); }
  if (pool) kernels.gemm = pool.gemm;
  const step = gptStep();
  for (let i = 0; i < 20; i++) step();
  console.log(execSync("uptime").toString().trim());
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: Number(process.env.INTERVAL_US ?? 50) });
  await session.post("Profiler.start");
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) step();
  const wall = (performance.now() - t0) / steps;
  const { profile } = (await session.post("Profiler.stop")) as unknown as { profile: Profile };
  session.disconnect();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>(), byFile = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] / 1000; // ms
    const f = byId.get(id)!.callFrame;
    const file = f.url.replace(/^.*\/(lib|bench|node_modules)\//, "$1/") || "(native)";
    const key = `${f.functionName || "(anonymous)"} ${file}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + dt);
    byFile.set(file, (byFile.get(file) ?? 0) + dt);
    total += dt;
  });
  const show = (m: Map<string, number>, n: number) =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, n).forEach(([k, v]) => console.log(`${(v / steps).toFixed(3).padStart(7)} ms  ${(100 * v / total).toFixed(1).padStart(5)}%  ${k}`));
  console.log(`${threads} thread(s): ${wall.toFixed(2)} ms/step wall (profiled), ${(total / steps).toFixed(2)} ms/step sampled on the main thread`);
  console.log("-- self time per function, per step:");
  show(self, top);
  console.log("-- per file:");
  show(byFile, 25);
  // Callers of the functions named in PARENTS (comma-separated), two frames up: who waits in join.
  const parentOf = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
  const frame = (id: number | undefined) => {
    const f = id === undefined ? undefined : byId.get(id)?.callFrame;
    return f ? `${f.functionName || "(anonymous)"} ${f.url.replace(/^.*\/(lib|bench)\//, "$1/")}:${f.lineNumber + 1}` : "-";
  };
  for (const name of (process.env.PARENTS ?? "join").split(",")) {
    const callers = new Map<string, number>();
    profile.samples.forEach((id, i) => {
      if (byId.get(id)!.callFrame.functionName !== name) return;
      const p1 = parentOf.get(id), p2 = p1 === undefined ? undefined : parentOf.get(p1), p3 = p2 === undefined ? undefined : parentOf.get(p2);
      const key = `${frame(p1)} <- ${frame(p2)} <- ${frame(p3)}`;
      callers.set(key, (callers.get(key) ?? 0) + profile.timeDeltas[i] / 1000);
    });
    console.log(`-- callers of ${name}, per step:`);
    show(callers, 12);
  }
  if (pool) console.log(JSON.stringify(pool.counts()));
  console.log(execSync("uptime").toString().trim());
  kernels.gemm = single;
  pool?.terminate();
}

void main();
