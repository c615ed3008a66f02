/**
 * What one grading job costs before any learner work: a fresh isolate, the engine bundle, the
 * lockdown, a one-line learner cell and one check, through runInSandbox as the queue runs it.
 * Prints each run's wall time (the first also builds V8's code cache) and the median of the rest.
 *
 *   npx tsx bench/grader_job.mts [runs]
 */
import { runInSandbox } from "../lib/grading/sandbox/grader";

const runs = Number(process.argv[2] ?? 12);
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
const rest = times.slice(1).sort((a, b) => a - b);
console.log(`median of runs 2-${runs}: ${rest[Math.floor(rest.length / 2)].toFixed(1)} ms`);
