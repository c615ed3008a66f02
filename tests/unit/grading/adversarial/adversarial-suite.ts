/**
 * The adversarial suite: every attack in attacks.ts against every exercise of every lesson,
 * through the real submit route handlers (POST, and the poll GET when the route answers 202), on
 * a fresh database. Every attack must leave the grader with:
 * - a completed request, every response body under 64 KB, a stored Submission whose results are
 *   under 64 KB, and no line or V8-quoted expression of a hidden check in either;
 * - every failed check explained (a non-empty message of at most a few KB), and no check turned
 *   into an authoring error by the learner's code;
 * - its own expected outcome (no points, no more than the starter, or every counted check failed).
 * Plus: every reference solution still earns full marks, and forged grade fields are refused.
 *
 * The submissions are graded first, concurrently in small batches (each through its own learner
 * and client address, so the queue's per-learner and per-address limits do not serialise them);
 * each attack's `it` then judges its recorded outcome, so a failure names the attack and exercise.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFreshDatabase } from "../../api/test-database";
import { attackContext, buildAttacks, everyExercise, type AttackContext, type BuiltAttack } from "./attacks";
import { findLeaks, leakDetectors, stringsIn, type LeakDetectors } from "./leaks";
import { learnerCookieOf, submitAndWait, type SubmitOutcome, type SubmitRoutes } from "./submit-and-wait";

createFreshDatabase();
// Low limits keep the time-limit attacks short (they run one at a time, so they set the suite's
// length). An attack that a busy machine slows past them still fails, which is all an attack must
// do: every expected message accepts "time limit". Honest answers get the production limits (below).
process.env.GRADER_CHECK_MS = "1000";
process.env.GRADER_SETUP_MS = "1000";
process.env.GRADER_TOTAL_MS = "2500";

const routes = (await import("@/app/api/exercises/[slug]/[exerciseId]/submit/route")) as unknown as SubmitRoutes;
const { prisma } = await import("@/lib/db/client");

const MAX_BODY_BYTES = 64 * 1024;
const MAX_ROW_CHARS = 64 * 1024;
/** ≈2 KB per check message, with room for the note saying it was cut. */
const MAX_CHECK_MESSAGE_CHARS = 4 * 1024;
/** Submissions in flight at once (the grader itself runs two; the rest wait in its queue). */
const CONCURRENCY = 6;

/**
 * Defines the suite for one shard of the exercises (exercise i belongs to shard i mod `shards`),
 * so the test runner can grade shards in parallel workers, each with its own database and grader.
 */
export function defineAdversarialSuite(shard: number, shards: number): void {
  const slugs = readdirSync("lessons")
    .filter((file) => file.endsWith(".mdx"))
    .map((file) => path.basename(file, ".mdx"))
    .sort();
  const exercises = everyExercise(slugs).filter((_, index) => index % shards === shard);

  interface CheckView {
    name: string;
    status: string;
    message: string;
    hidden?: boolean;
    free?: boolean;
    points?: number;
  }
  interface ResultView {
    score: number;
    maxScore: number;
    passed: boolean;
    checks: CheckView[];
  }

  interface Job {
    ctx: AttackContext;
    built: BuiltAttack;
    detectors: LeakDetectors;
    learnerId: string;
  }

  interface Judged {
    outcome: SubmitOutcome;
    result: ResultView | null;
    /** Problems found by the universal assertions. */
    violations: string[];
  }

  let learnerCounter = 0;
  function nextLearner(): { id: string; address: string } {
    learnerCounter++;
    const id = `adadadad-0000-4000-8000-${learnerCounter.toString(16).padStart(12, "0")}`;
    return { id, address: `10.${(learnerCounter >> 16) & 255}.${(learnerCounter >> 8) & 255}.${learnerCounter & 255}` };
  }

  const contexts = new Map(exercises.map(([slug, id]) => [`${slug}/${id}`, attackContext(slug, id)]));
  const detectorsOf = new Map(
    [...contexts].map(([key, ctx]) => [key, leakDetectors(ctx.hiddenChecks, [ctx.starter, ...ctx.exercise.checks.filter((check) => !check.hidden).map((check) => check.code), ...ctx.dependencies.map((cell) => cell.code)])]),
  );
  /** ADVERSARIAL_FILTER=text runs only the attacks whose label contains it (when working on one). */
  const only = process.env.ADVERSARIAL_FILTER ?? "";
  const jobs: Job[] = [...contexts].flatMap(([key, ctx]) =>
    buildAttacks(ctx)
      .filter((built) => built.label.includes(only))
      .map((built) => ({ ctx, built, detectors: detectorsOf.get(key)!, learnerId: "" })),
  );
  const outcomes = new Map<Job, Promise<Judged>>();
  const starterScores = new Map<string, number>();
  /** Submit-to-grade time of each attack (label @ exercise), for the summary. */
  const timings = new Map<string, number>();

  /** A check the score counts: not an authoring error and not a deliberate 0-point ("free") sanity check. */
  const counted = (check: CheckView) => check.status !== "authoring_error" && check.free !== true && check.points !== 0;

  async function storedRow(learnerId: string): Promise<{ chars: number; results: string | null; score: number } | null> {
    const rows = await prisma.$queryRaw<{ chars: number | bigint; score: number }[]>`SELECT length("results") AS chars, "score" AS score FROM "Submission" WHERE "userId" = ${learnerId} ORDER BY "createdAt" DESC LIMIT 1`;
    if (rows.length === 0) return null;
    const chars = Number(rows[0].chars);
    if (chars > 8 * 1024 * 1024) return { chars, results: null, score: rows[0].score };
    const row = await prisma.submission.findFirst({ where: { userId: learnerId }, orderBy: { createdAt: "desc" }, select: { results: true } });
    return { chars, results: row?.results ?? null, score: rows[0].score };
  }

  async function grade(job: Job): Promise<Judged> {
    const learner = nextLearner();
    job.learnerId = learner.id;
    const { slug, exercise } = job.ctx;
    const outcome = await submitAndWait(routes, { slug, exerciseId: exercise.id, body: { code: job.built.code }, learnerId: learner.id, clientAddress: learner.address });
    timings.set(`${job.built.label} @ ${exercise.id}`, outcome.elapsedMs);
    const violations: string[] = [];
    if (outcome.gaveUp) violations.push(`the request did not complete: ${outcome.gaveUp}`);
    if (outcome.largestBytes >= MAX_BODY_BYTES) violations.push(`a response body is ${(outcome.largestBytes / 1024).toFixed(0)} KB (bound: 64 KB)`);
    const result = (outcome.body?.result ?? null) as ResultView | null;
    if (outcome.status !== 200 || result === null) {
      const last = outcome.texts.at(-1) ?? "";
      violations.push(`expected 200 with a result, got ${outcome.status}: ${last.slice(0, 300)}${last.length > 300 ? "…" : ""}`);
    }

    const row = await storedRow(learner.id);
    const texts = [...outcome.texts, ...stringsIn(outcome.body)];
    if (!row) violations.push("no Submission row was stored");
    else {
      if (row.chars >= MAX_ROW_CHARS) violations.push(`the stored Submission.results is ${(row.chars / 1024).toFixed(0)} KB (bound: 64 KB)`);
      if (row.results !== null) {
        texts.push(row.results);
        try {
          stringsIn(JSON.parse(row.results), texts);
        } catch {
          violations.push("the stored Submission.results is not JSON");
        }
      }
      if (result && row.score !== result.score) violations.push(`the stored score ${row.score} differs from the answered score ${result.score}`);
    }
    for (const leak of findLeaks(job.detectors, texts, job.built.code)) violations.push(`leaks ${leak}`);

    for (const check of result?.checks ?? []) {
      if (check.status === "authoring_error") violations.push(`the learner's code turned "${check.name}" into an authoring error (left out of the score): ${String(check.message).slice(0, 200)}`);
      if (check.status !== "passed" && String(check.message ?? "").trim() === "") violations.push(`"${check.name}" failed without a message`);
      if (String(check.message ?? "").length > MAX_CHECK_MESSAGE_CHARS) violations.push(`the message of "${check.name}" is ${String(check.message).length} characters (bound: ${MAX_CHECK_MESSAGE_CHARS})`);
    }
    return { outcome, result, violations };
  }

  /** Runs `work` over `items`, `limit` at a time; heavy items one at a time. */
  async function inBatches<T>(items: readonly T[], limit: number, isHeavy: (item: T) => boolean, work: (item: T) => Promise<unknown>): Promise<void> {
    const queue = [...items];
    let heavyRunning = false;
    let active = 0;
    await new Promise<void>((resolve) => {
      const pump = () => {
        if (queue.length === 0 && active === 0) return resolve();
        while (active < limit && queue.length > 0) {
          const index = heavyRunning ? queue.findIndex((item) => !isHeavy(item)) : 0;
          if (index === -1) break;
          const [item] = queue.splice(index, 1);
          const heavy = isHeavy(item);
          if (heavy) heavyRunning = true;
          active++;
          void work(item)
            .catch(() => undefined)
            .finally(() => {
              active--;
              if (heavy) heavyRunning = false;
              pump();
            });
        }
      };
      pump();
    });
  }

  function describeResult(result: ResultView | null): string {
    if (!result) return "no result";
    return `score ${result.score}/${result.maxScore}; ` + result.checks.map((check) => `${check.name}: ${check.status}${check.message ? ` (${String(check.message).slice(0, 160)})` : ""}`).join("; ");
  }

  /** What the attack's own expectation says is wrong, or null. */
  function expectationViolation(job: Job, judged: Judged): string | null {
    const result = judged.result;
    if (!result) return null; // already reported by the universal assertions
    const { attack } = job.built;
    const starter = starterScores.get(`${job.ctx.slug}/${job.ctx.exercise.id}`);
    const starterNote = starter === undefined ? "" : ` (the untouched starter scores ${starter})`;
    switch (attack.expect) {
      case "no-points":
        return result.score === 0 && !result.passed ? null : `expected no points, got ${describeResult(result)}${starterNote}`;
      case "not-above-starter":
        return starter !== undefined && result.score <= starter ? null : `expected no more than the starter${starterNote}, got ${describeResult(result)}`;
      case "fails-with-message": {
        const countedChecks = result.checks.filter(counted);
        const problems: string[] = [];
        if (countedChecks.length === 0) problems.push("no counted check");
        for (const check of countedChecks) if (check.status === "passed") problems.push(`"${check.name}" passed`);
        const message = attack.message;
        if (message) {
          const failing = countedChecks.filter((check) => check.status !== "passed");
          const saying = failing.filter((check) => message.test(String(check.message)));
          const enough = attack.messageWhere === "some" ? saying.length > 0 : saying.length === failing.length;
          if (!enough) {
            const others = failing.filter((check) => !message.test(String(check.message)));
            problems.push(`${attack.messageWhere === "some" ? "no failed check" : "not every failed check"} says ${message}: ${others.map((check) => `"${check.name}" says ${JSON.stringify(String(check.message).slice(0, 200))}`).join("; ")}`);
          }
        }
        return problems.length === 0 ? null : `expected every counted check to fail with a useful message: ${problems.join("; ")}`;
      }
    }
  }

  const report: { label: string; exercise: string; problems: string[] }[] = [];

  beforeAll(async () => {
    // The untouched starter of each exercise, for the "no more than the starter" comparisons.
    await Promise.all(
      [...contexts].map(async ([key, ctx]) => {
        const learner = nextLearner();
        const outcome = await submitAndWait(routes, { slug: ctx.slug, exerciseId: ctx.exercise.id, body: { code: ctx.starter }, learnerId: learner.id, clientAddress: learner.address });
        const score = (outcome.body?.result as ResultView | undefined)?.score;
        if (typeof score === "number") starterScores.set(key, score);
      }),
    );
    // Slow attacks first, so they overlap with the many quick ones.
    const ordered = [...jobs].sort((a, b) => Number(b.built.attack.slow || b.built.attack.heavy || false) - Number(a.built.attack.slow || a.built.attack.heavy || false));
    const settled = new Map<Job, (judged: Judged) => void>();
    for (const job of jobs) outcomes.set(job, new Promise<Judged>((resolve) => settled.set(job, resolve)));
    await inBatches(ordered, CONCURRENCY, (job) => job.built.attack.heavy === true, async (job) => {
      try {
        settled.get(job)!(await grade(job));
      } catch (error) {
        settled.get(job)!({ outcome: { status: 0, body: null, texts: [], largestBytes: 0, elapsedMs: 0, gaveUp: null }, result: null, violations: [`the request threw: ${(error as Error).stack ?? error}`] });
      }
    });
  }, 20 * 60_000);

  afterAll(() => {
    const failed = report.filter((entry) => entry.problems.length > 0);
    const lines = [`adversarial suite, shard ${shard + 1} of ${shards}: ${report.length - failed.length} of ${report.length} attack × exercise pairs held`];
    const byAttack = new Map<string, string[]>();
    for (const entry of failed) byAttack.set(entry.label, [...(byAttack.get(entry.label) ?? []), entry.exercise]);
    for (const [label, where] of byAttack) lines.push(`  FAILS ${label}: ${where.join(", ")}`);
    const slowest = [...timings].sort((a, b) => b[1] - a[1]).slice(0, 8);
    lines.push(`  slowest: ${slowest.map(([label, ms]) => `${label} ${(ms / 1000).toFixed(1)} s`).join("; ")}`);
    console.log(lines.join("\n"));
  });

  describe.each(exercises)("attacks on %s / %s", (slug, exerciseId) => {
    const key = `${slug}/${exerciseId}`;
    const mine = jobs.filter((job) => job.ctx.slug === slug && job.ctx.exercise.id === exerciseId);
    it.each(mine.map((job) => [job.built.label, job] as const))("%s", async (label, job) => {
      const judged = await outcomes.get(job)!;
      const problems = [...judged.violations];
      const expectation = expectationViolation(job, judged);
      if (expectation) problems.push(expectation);
      report.push({ label, exercise: key, problems });
      expect(problems, `code:\n${job.built.code}`).toEqual([]);
    });
  });

  describe("honest answers and forged grades", () => {
    // The attacks are graded by now (the top-level beforeAll). Honest answers get the production
    // limits: the low ones above keep the time-limit attacks short, and on a busy machine (another
    // shard grading in the next worker) a correct answer must not fail for being slow.
    beforeAll(() => {
      for (const name of ["GRADER_CHECK_MS", "GRADER_SETUP_MS", "GRADER_TOTAL_MS"]) delete process.env[name];
    });

    it.each(exercises)("the reference solution of %s / %s still earns full marks", async (slug, exerciseId) => {
      const ctx = contexts.get(`${slug}/${exerciseId}`)!;
      expect(ctx.solution, "every exercise has a reference solution").not.toBeNull();
      const learner = nextLearner();
      const outcome = await submitAndWait(routes, { slug, exerciseId, body: { code: ctx.solution }, learnerId: learner.id, clientAddress: learner.address });
      expect(outcome.status).toBe(200);
      const result = outcome.body?.result as ResultView;
      expect(result, describeResult(result)).toMatchObject({ score: ctx.exercise.points, maxScore: ctx.exercise.points, passed: true });
      expect(result.checks.every((check) => check.status === "passed"), describeResult(result)).toBe(true);
    });

    it.each(exercises)("a forged passed/score/results field is refused for %s / %s and records nothing", async (slug, exerciseId) => {
      const ctx = contexts.get(`${slug}/${exerciseId}`)!;
      const learner = nextLearner();
      for (const forged of [
        { code: ctx.starter, passed: true },
        { code: ctx.starter, score: ctx.exercise.points, maxScore: ctx.exercise.points },
        { code: ctx.starter, results: ctx.exercise.checks.map((check) => ({ name: check.name, status: "passed" })) },
        { code: ctx.starter, status: "graded", result: { passed: true, score: ctx.exercise.points } },
      ]) {
        const cookie = await learnerCookieOf(learner.id);
        const response = await routes.POST(
          new Request(`http://localhost/api/exercises/${slug}/${exerciseId}/submit`, { method: "POST", headers: { "content-type": "application/json", cookie, "x-forwarded-for": learner.address }, body: JSON.stringify(forged) }),
          { params: Promise.resolve({ slug, exerciseId }) },
        );
        expect(response.status, JSON.stringify(Object.keys(forged))).toBe(400);
      }
      expect(await prisma.submission.count({ where: { userId: learner.id } })).toBe(0);
    });
  });
}
