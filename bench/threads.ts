/**
 * Our engine on all cores (the WebAssembly thread pool, worker_threads here) beside our engine on
 * one thread: the "peer" column of this table is ourselves single-threaded, so ours/peer is the
 * time ratio (ms) or the speed-up (GFLOP/s) the threads buy.
 *
 * The two are timed interleaved, call by call in one window (the pool is started once and the
 * engine's GEMM switched between it and the single-thread one before each call): this machine's
 * speed drifts by 1.5x within minutes, so timing one side after the other compared two moments,
 * not two engines.
 */
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { F, nn, optim, torch } from "../lib/tensor/index";
import { kernels } from "../lib/tensor/kernels/registry";
import { disableThreads, enableThreads, threadsReady } from "../lib/tensor/kernels/parallel";
import { registerBench, type Unit } from "./harness";
import { nodeThreadSpawner } from "./node-threads";
import { MLP_ROW } from "./mlp";
import { lenetStep } from "./lenet";
import { GPT_ROW, gptStep } from "./gpt";
import { CONV_SHAPES } from "./conv";

export const CORES = availableParallelism();

/** The machine's busy and total CPU time in seconds (all cores, from /proc/stat), or null off Linux. */
function machineCpu(): { busy: number; total: number } | null {
  try {
    const ticks = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
    const total = ticks.reduce((a, b) => a + b, 0);
    return { busy: (total - ticks[3] - (ticks[4] ?? 0)) / 100, total: total / 100 }; // USER_HZ = 100
  } catch {
    return null;
  }
}

/**
 * Cores other programs kept busy during each row's runs (machine CPU time minus this process's,
 * over wall time; mean over the rounds): the pool can only win wall time on a core nobody else
 * uses, so two-thread figures mean little unless this is well under CORES - 1.
 */
const otherLoad = new Map<string, number[]>();

/** Prints otherLoad per row (nothing off Linux). */
export function printThreadsLoad(): void {
  if (otherLoad.size === 0) return;
  console.log(`Cores used by other programs during each row (of ${CORES}; mean over its rounds):`);
  for (const [name, s] of otherLoad) console.log(`  ${(s.reduce((a, b) => a + b, 0) / s.length).toFixed(2)}  ${name}`);
}

/** How a row is timed: `per` calls in a row on each side before switching (1: call by call). */
interface TimingOpts {
  warmup: number;
  minMs: number;
  minIters: number;
  per?: number;
}

/**
 * Median ms per call of `fn` on one thread and on the pool, alternating the two every `per`
 * calls. A training step's row switches every few steps, as a learner's loop runs step after step
 * on the pool: switching every step timed each pooled step just after a single-thread one, with
 * its workers past their polling window and the caches holding the other side's buffers.
 */
export async function interleavedMs(fn: () => unknown, opts: TimingOpts, loadKey?: string): Promise<{ one: number; many: number }> {
  const m0 = machineCpu(), c0 = process.cpuUsage(), t0 = performance.now();
  try {
    return await interleavedRun(fn, opts);
  } finally {
    const m1 = machineCpu();
    if (loadKey && m0 && m1) {
      const c = process.cpuUsage(c0);
      const others = (m1.busy - m0.busy - (c.user + c.system) / 1e6) / ((performance.now() - t0) / 1000);
      otherLoad.set(loadKey, [...(otherLoad.get(loadKey) ?? []), Math.max(0, others)]);
    }
  }
}

async function interleavedRun(fn: () => unknown, opts: TimingOpts): Promise<{ one: number; many: number }> {
  const single = kernels.gemm;
  enableThreads(nodeThreadSpawner, CORES);
  try {
    await threadsReady();
    const pooled = kernels.gemm;
    const per = opts.per ?? 1;
    const time = (gemm: typeof single): number => {
      kernels.gemm = gemm;
      const t0 = performance.now();
      for (let i = 0; i < per; i++) fn();
      return (performance.now() - t0) / per;
    };
    for (let i = 0; i < opts.warmup; i++) {
      time(single);
      time(pooled);
    }
    const one: number[] = [], many: number[] = [];
    const start = performance.now();
    for (let i = 0; i < opts.minIters || performance.now() - start < opts.minMs; i++) {
      // Alternate which goes first, so neither always runs right after the other's wake-ups.
      if (i % 2) {
        one.push(time(single));
        many.push(time(pooled));
      } else {
        many.push(time(pooled));
        one.push(time(single));
      }
    }
    kernels.gemm = pooled; // disableThreads restores the single-thread GEMM
    const median = (s: number[]) => s.sort((a, b) => a - b)[Math.floor(s.length / 2)];
    return { one: median(one), many: median(many) };
  } finally {
    disableThreads();
  }
}

function mlpStep(): () => void {
  torch.manual_seed(0);
  const model = new nn.Sequential(new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 10));
  const opt = new optim.SGD(model.parameters(), { lr: 0.01 });
  const x = torch.rand(64, 784);
  const y = torch.randint(0, 10, [64]);
  return () => {
    opt.zero_grad();
    F.cross_entropy(model(x), y).backward();
    opt.step();
  };
}

function matmul(n: number): () => void {
  torch.manual_seed(1);
  const a = torch.randn(n, n);
  const b = torch.randn(n, n);
  return () => torch.mm(a, b);
}

function conv(x: number[], w: number[]): () => void {
  torch.manual_seed(2);
  const xt = torch.randn(x);
  const wt = torch.randn(w);
  return () => torch.no_grad(() => F.conv2d(xt, wt));
}

const convFlops = (x: number[], w: number[]) => 2 * x[0] * w[0] * (x[2] - w[2] + 1) * (x[3] - w[3] + 1) * w[1] * w[2] * w[3];

interface Row {
  name: string;
  unit: Unit;
  make: () => () => unknown;
  /** GFLOP per call for GFLOP/s rows. */
  gflop?: number;
  opts: TimingOpts;
}

const rows: Row[] = [
  { name: MLP_ROW, unit: "ms/step", make: mlpStep, opts: { warmup: 20, minMs: 1500, minIters: 20, per: 5 } },
  { name: "LeNet-5 step, 28x28, batch 64", unit: "ms/step", make: () => lenetStep().step, opts: { warmup: 5, minMs: 2000, minIters: 10, per: 3 } },
  { name: GPT_ROW, unit: "ms/step", make: gptStep, opts: { warmup: 5, minMs: 4000, minIters: 10, per: 3 } },
  ...[256, 1024].map((n): Row => ({
    name: `matmul ${n}x${n} @ ${n}x${n}`, unit: "GFLOP/s", make: () => matmul(n), gflop: (2 * n ** 3) / 1e9,
    opts: { warmup: n >= 512 ? 2 : 10, minMs: n >= 512 ? 3000 : 1500, minIters: 5 },
  })),
  ...CONV_SHAPES.map((s): Row => ({ name: s.name, unit: "GFLOP/s", make: () => conv(s.x, s.w), gflop: convFlops(s.x, s.w) / 1e9, opts: { warmup: 3, minMs: 1500, minIters: 5 } })),
];

for (const row of rows) {
  // One interleaved run yields both figures: `ours` measures and keeps the single-thread median
  // of the same run for `peer`, which the harness calls right after it.
  let oneThread = NaN;
  const metric = (ms: number) => (row.gflop ? row.gflop / (ms / 1000) : ms);
  registerBench({
    group: "threads",
    name: `${row.name}, ${CORES} threads`,
    unit: row.unit,
    ours: async () => {
      const { one, many } = await interleavedMs(row.make(), row.opts, row.name);
      oneThread = metric(one);
      return metric(many);
    },
    peer: () => oneThread,
  });
}
