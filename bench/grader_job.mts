/**
 * What one grading job costs before any learner work: a fresh isolate, the engine bundle, the
 * lockdown, a one-line learner cell and one check, through runInSandbox as the queue runs it.
 * Prints each run's wall time (the first also builds V8's code cache) and the median of the rest,
 * then the engine's load alone (compile with the code cache + run the bundle in a fresh isolate).
 *
 *   npx tsx --no-node-snapshot bench/grader_job.mts [runs] [loads]
 */
import ivm from "isolated-vm";
import { runInSandbox, sandboxesReleased } from "../lib/grading/sandbox/grader";
import { engineBundleSource } from "../lib/grading/sandbox/engine-bundle";

const runs = Number(process.argv[2] ?? 12);
const loads = Number(process.argv[3] ?? 10);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const times: number[] = [];
for (let i = 0; i < runs; i++) {
  const started = performance.now();
  const result = await runInSandbox({
    dependencies: [],
    learnerCode: "const y = torch.ones(3).sum();",
    checks: [{ name: "sums", hidden: false, code: "if (y.item() !== 3) throw new Error('wrong sum');" }],
    graded: ["y"],
  });
  const ms = performance.now() - started;
  if (result.checks[0].status !== "passed") throw new Error(`the job did not pass: ${result.checks[0].message}`);
  times.push(ms);
  console.log(`run ${i + 1}: ${ms.toFixed(1)} ms${i === 0 ? " (builds the code cache)" : ""}`);
}
console.log(`median of runs 2-${runs}: ${median(times.slice(1)).toFixed(1)} ms`);

if (loads > 0) {
  const source = engineBundleSource();
  let cachedData: ivm.ExternalCopy<ArrayBuffer> | undefined;
  const compile: number[] = [], run: number[] = [];
  for (let i = 0; i <= loads; i++) {
    const isolate = new ivm.Isolate({ memoryLimit: 128 });
    const t0 = performance.now();
    const script = (await isolate.compileScript(source, cachedData ? { cachedData } : { produceCachedData: true })) as ivm.Script & ivm.CachedDataResult;
    cachedData ??= script.cachedData;
    const t1 = performance.now();
    await script.run(await isolate.createContext());
    const t2 = performance.now();
    isolate.dispose();
    // The first load builds the code cache: not counted.
    if (i > 0) {
      compile.push(t1 - t0);
      run.push(t2 - t1);
    }
  }
  console.log(`engine load alone, median of ${loads} fresh isolates: compile ${median(compile).toFixed(1)} ms, context + top level ${median(run).toFixed(1)} ms`);
}
await sandboxesReleased();
