/**
 * Other learners stay served while some attack the grader. An honest learner submits a correct
 * answer ten times and we measure submit-to-grade latency (p50, p99), first alone, then while
 * attackers (nine learners from three client addresses) keep submitting `while (true) {}` and
 * 50 MB throws, each resubmitting as soon as its previous submission is graded. Everything runs
 * through the real submit route handlers, in-process, on a fresh SQLite database: no server.
 *
 * The bound, on the honest p99 under attack: (1 + A / S) × GRADER_TOTAL_MS + 3 × (honest p99 alone),
 * with A attacking client addresses and S grading slots (GRADER_CONCURRENCY, 2). It is what a
 * queue that is fair across client addresses guarantees: when the honest submission arrives, the S
 * slots may hold attacker jobs that just started, and each of the A attacking addresses may get one
 * more job before the rotation comes back to the honest one; a job holds a slot for at most the
 * exercise's whole budget, GRADER_TOTAL_MS. Then it is graded itself while attacker isolates spin on
 * the other core of this two-core machine (hence 3 × its time alone). Nine attacking learners share
 * the three addresses, so a first-come-first-served queue (up to nine attacker jobs ahead, about
 * (1 + 9 / S) × GRADER_TOTAL_MS) fails the bound by a wide margin.
 *
 * `npm run bench grader-attack`, or alone: `node --conditions=import --import tsx bench/grader-attack.ts`.
 * (lib/lessons needs the "import" condition under tsx, which `npm run bench` does not pass, so
 * bench/run.ts runs this file in a child process.)
 */
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const LESSON = "first-look-at-tensors";
const EXERCISE = "row-means";
const HONEST_RUNS = 10;
const LIMITS = { GRADER_CHECK_MS: 2000, GRADER_SETUP_MS: 2000, GRADER_TOTAL_MS: 6000 };
/** An attacker's response above this means a message left the sandbox uncapped. */
const UNCAPPED_BYTES = 1024 * 1024;

const ATTACK_CODE = {
  loopInFunction: "function row_means(t) { while (true) {} }",
  loopAtTopLevel: "while (true) {}",
  loopCatching: "function row_means(t) { for (;;) { try { for (;;) {} } catch (e) {} } }",
  hugeInFunction: 'function row_means(t) { throw new Error("x".repeat(50 * 1024 * 1024)); }',
  hugeAtTopLevel: 'throw new Error("x".repeat(50 * 1024 * 1024));',
};
const ATTACK_ADDRESSES = ["203.0.113.1", "203.0.113.2", "203.0.113.3"];
/** Three learners per address: two loop, one throws 50 MB. */
const ATTACKERS = [
  ATTACK_CODE.loopInFunction,
  ATTACK_CODE.loopInFunction,
  ATTACK_CODE.hugeInFunction,
  ATTACK_CODE.loopAtTopLevel,
  ATTACK_CODE.loopInFunction,
  ATTACK_CODE.hugeAtTopLevel,
  ATTACK_CODE.loopCatching,
  ATTACK_CODE.loopInFunction,
  ATTACK_CODE.hugeInFunction,
].map((code, i) => ({ code, learner: `a77ac4e2-0000-4000-8000-${String(i + 1).padStart(12, "0")}`, address: ATTACK_ADDRESSES[Math.floor(i / 3)] }));

const HONEST = { learner: "0e0e0e0e-0000-4000-8000-000000000001", address: "198.51.100.7" };

function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const fmt = (ms: number) => `${ms.toFixed(0)} ms`;

async function main(): Promise<number> {
  for (const [name, value] of Object.entries(LIMITS)) process.env[name] = String(value);
  const { createFreshDatabase } = await import("../tests/unit/api/test-database");
  const databaseUrl = createFreshDatabase();
  const { submitAndWait } = await import("../tests/unit/grading/adversarial/submit-and-wait");
  const routes = await import("../app/api/exercises/[slug]/[exerciseId]/submit/route");
  const { findExercise } = await import("../lib/lessons/exercises");
  const solution = findExercise(LESSON, EXERCISE)?.exercise.solution;
  if (!solution) throw new Error(`${LESSON}/${EXERCISE} has no reference solution`);

  /** Honest submissions that were not graded as passing (a limit hit because attackers took the CPU, ...). */
  const honestFailures: string[] = [];
  const honestOnce = async () => {
    const outcome = await submitAndWait(routes, { slug: LESSON, exerciseId: EXERCISE, body: { code: solution }, learnerId: HONEST.learner, clientAddress: HONEST.address });
    const result = outcome.body?.result as { passed?: boolean; checks?: { status: string; message: string }[] } | undefined;
    if (outcome.gaveUp || result?.passed !== true) {
      const failed = result?.checks?.find((check) => check.status !== "passed");
      honestFailures.push(outcome.gaveUp ?? (failed ? `${failed.status}: ${failed.message.slice(0, 160)}` : `${outcome.status} ${outcome.texts.at(-1)?.slice(0, 160)}`));
    }
    return outcome.elapsedMs;
  };
  const honestRuns = async () => {
    const samples: number[] = [];
    for (let i = 0; i < HONEST_RUNS; i++) samples.push(await honestOnce());
    return samples;
  };

  try {
    console.log(`\nGrading under attack (${LESSON}/${EXERCISE}; limits: check ${LIMITS.GRADER_CHECK_MS} ms, setup ${LIMITS.GRADER_SETUP_MS} ms, exercise ${LIMITS.GRADER_TOTAL_MS} ms)`);
    await honestOnce(); // warm up: engine code cache, the reference solution's verdict
    const alone = await honestRuns();
    const failedAlone = honestFailures.splice(0);
    if (failedAlone.length > 0) throw new Error(`the honest submission fails even without attackers: ${failedAlone.join("; ")}`);

    let stop = false;
    let graded = 0;
    let largest = 0;
    const uncapped: string[] = [];
    const attackers = ATTACKERS.map(async (attacker) => {
      let code = attacker.code;
      while (!stop) {
        const outcome = await submitAndWait(routes, { slug: LESSON, exerciseId: EXERCISE, body: { code }, learnerId: attacker.learner, clientAddress: attacker.address });
        largest = Math.max(largest, outcome.largestBytes);
        if (outcome.body?.result) graded++;
        if (outcome.largestBytes > UNCAPPED_BYTES && code !== ATTACK_CODE.loopInFunction) {
          uncapped.push(`a ${(outcome.largestBytes / 1024 / 1024).toFixed(0)} MB response to ${JSON.stringify(code)}`);
          code = ATTACK_CODE.loopInFunction; // one is enough to know; do not fill the disk with more
        }
      }
    });
    let underAttack: number[];
    try {
      await new Promise((resolve) => setTimeout(resolve, 1000)); // let the attackers fill the queue
      underAttack = await honestRuns();
    } finally {
      stop = true;
      await Promise.all(attackers); // no isolate may still run when the process exits
    }

    const p99Alone = percentile(alone, 99);
    const p99Attack = percentile(underAttack, 99);
    const slots = Number(process.env.GRADER_CONCURRENCY ?? 2);
    const bound = (1 + ATTACK_ADDRESSES.length / slots) * LIMITS.GRADER_TOTAL_MS + 3 * p99Alone;
    const rows = [
      ["honest learner", "p50", "p99"],
      ["alone", fmt(percentile(alone, 50)), fmt(p99Alone)],
      [`with ${ATTACKERS.length} attackers from ${ATTACK_ADDRESSES.length} addresses`, fmt(percentile(underAttack, 50)), fmt(p99Attack)],
      ["ratio (attack / alone)", `${(percentile(underAttack, 50) / percentile(alone, 50)).toFixed(1)}x`, `${(p99Attack / p99Alone).toFixed(1)}x`],
    ];
    const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
    for (const row of rows) console.log(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  "));
    console.log(`attackers: ${graded} submissions graded; largest response ${(largest / 1024).toFixed(0)} KB`);
    const met = p99Attack <= bound;
    console.log(`bound: honest p99 under attack <= (1 + ${ATTACK_ADDRESSES.length} addresses / ${slots} slots) x GRADER_TOTAL_MS + 3 x p99 alone = ${fmt(bound)}: ${met ? "met" : "NOT MET"}`);
    for (const problem of uncapped) console.log(`NOT MET: an attacker got ${problem} (nothing may leave the sandbox uncapped)`);
    for (const failure of honestFailures) console.log(`NOT MET: an honest submission under attack was not graded as passing: ${failure}`);
    return met && uncapped.length === 0 && honestFailures.length === 0 ? 0 : 1;
  } finally {
    const { prisma } = await import("../lib/db/client");
    await prisma.$disconnect().catch(() => undefined);
    rmSync(path.dirname(databaseUrl.replace(/^file:/, "")), { recursive: true, force: true });
  }
}

/** For bench/run.ts: runs this bench in a child process (see the note at the top); rejects when it fails. */
export function graderAttack(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--conditions=import", "--import", "tsx", fileURLToPath(import.meta.url)], { stdio: "inherit" });
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`grader-attack bench failed (exit code ${code})`))));
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    (code) => process.exit(code),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
