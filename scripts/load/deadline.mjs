#!/usr/bin/env node
// `npm run load:deadline`: the last minute before a deadline. On a throwaway PostgreSQL with two
// app instances and two grader workers, DEADLINE_LEARNERS (300) learners each submit once at a
// random time within DEADLINE_SECONDS (60): a correct answer, a wrong one, or (a few) an infinite
// loop; meanwhile each autosaves a cell every ~2 s. During the run:
//   from 25 % of the window  one grader worker is killed with SIGKILL the moment it holds a claimed
//                          job (the queue is polled for one leased to it); its jobs' leases run out
//                          and the other worker grades them, each exactly once,
//   at 45 %                one app instance is killed (learners' requests to it fail; they retry
//                          on the other, as the page's save queue and Submit do),
//   at 65 %                PostgreSQL is restarted (pg_ctl restart -m fast).
// Afterwards: every learner's submission recorded and graded exactly once, none refused without a
// queued record, every confirmed autosave stored; p50/p99 from submit to grade.
//
// Env: DEADLINE_LEARNERS (300), DEADLINE_SECONDS (60), DEADLINE_FAULTS (1; 0 for none),
// DEADLINE_KILL_WAIT_S (180: how long to wait for grader1 to hold a job), DEADLINE_DRAIN_S (900),
// GRADER_CONCURRENCY (2 per worker), GRADER_LEASE_MS (10000 here), NEXT_DIST_DIR (.next).
import { cookieFor, ensureBuild, freshDatabase, loadEnv, percentile, sleep, startApp, startGrader, stopProcess } from "./cluster.mjs";

const LEARNERS = Number(process.env.DEADLINE_LEARNERS ?? 300);
const SECONDS = Number(process.env.DEADLINE_SECONDS ?? 60);
const FAULTS = process.env.DEADLINE_FAULTS !== "0";
const LESSON = "first-look-at-tensors";
const EXERCISE = "row-means";
const ANSWERS = {
  correct: "function row_means(t: Tensor): Tensor {\n  return t.sum(1).div(t.shape[1]);\n}",
  wrong: "function row_means(t: Tensor): Tensor {\n  return t.sum(1);\n}",
  loop: "function row_means(t: Tensor): Tensor {\n  while (true) {}\n}",
};

const database = await freshDatabase("postgres");
// Learners come from their own addresses, as nginx reports them (TRUSTED_PROXY=1: the right-most
// X-Forwarded-For entry), so the per-address limit sees 300 clients, not one.
const env = loadEnv(database, { GRADER_LEASE_MS: process.env.GRADER_LEASE_MS ?? "10000", PG_POOL_MAX: process.env.PG_POOL_MAX ?? "20", TRUSTED_PROXY: "1" });
ensureBuild(env);
const apps = [await startApp(env, "app1"), await startApp(env, "app2")];
const graders = [startGrader(env, "grader1"), startGrader(env, "grader2")];
const cookie = cookieFor(env);
// Interrupted (Ctrl-C, a timeout): leave no server, worker or cluster behind.
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    for (const child of [...apps.map((app) => app.child), ...graders.map((grader) => grader.child)]) child.kill("SIGKILL");
    database.stop();
    process.exit(130);
  });
}
const alive = () => apps.filter((app) => app.child.exitCode === null && app.child.signalCode === null);
console.log(`▸ PostgreSQL ${database.url}; apps ${apps.map((app) => app.base).join(", ")}; 2 grader workers; ${LEARNERS} learners within ${SECONDS} s`);

const log = [];
const started = Date.now();
const note = (message) => {
  const line = `[${((Date.now() - started) / 1000).toFixed(1)} s] ${message}`;
  log.push(line);
  console.log(line);
};

let turn = 0;
/** One request as a learner's page makes it: on a network error or 5xx, retry (another instance) with backoff. */
async function request(method, path, learner, body, stats) {
  for (let attempt = 0; ; attempt++) {
    const instances = alive();
    const app = instances[turn++ % instances.length];
    try {
      const response = await fetch(`${app.base}${path}`, {
        method,
        headers: { "content-type": "application/json", cookie: cookie(learner), "x-forwarded-for": addressOf.get(learner) ?? "10.255.255.1" },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(60_000),
      });
      if (response.status < 500) {
        // An instance killed mid-answer cuts the body short: that is a lost answer, retried as
        // the page retries it (the same submission id), not an answer without a body.
        const text = await response.text();
        try {
          return { status: response.status, body: text === "" ? {} : JSON.parse(text) };
        } catch {
          // fall through to the retry
        }
      }
      stats.retries++;
    } catch {
      stats.retries++;
    }
    if (attempt > 60) return { status: 0, body: {} };
    await sleep(Math.min(5_000, 250 * 2 ** Math.min(attempt, 4)));
  }
}

const stats = { retries: 0, submitted: 0, refused: new Map(), saves: 0, lostContact: 0 };
const saveStats = { retries: 0 };
const confirmedCells = new Map();
const gradeTimes = [];
const kinds = Array.from({ length: LEARNERS }, (_, i) => (i % 50 === 7 ? "loop" : i % 2 === 0 ? "correct" : "wrong"));
const people = kinds.map((kind) => ({ id: crypto.randomUUID(), submissionId: crypto.randomUUID(), kind, submitAt: Math.random() * SECONDS * 1000 }));
const addressOf = new Map(people.map((person, i) => [person.id, `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`]));

async function autosave(person, stop) {
  let version = Date.now();
  for (let n = 0; !stop.done; n++) {
    await sleep(1_000 + Math.random() * 2_000);
    const cellId = ["make", "shape", "broadcast", "grad"][n % 4];
    const code = `// ${person.id} ${++version}`;
    const answer = await request("PUT", `/api/lessons/${LESSON}/cells/${cellId}`, person.id, { code, version }, saveStats);
    if (answer.status === 200) {
      stats.saves++;
      confirmedCells.set(`${person.id}/${cellId}`, { version, code });
    }
  }
}

async function submit(person) {
  await sleep(person.submitAt);
  const sentAt = Date.now();
  // The page's own id for this submission: a retry after a lost answer is the same submission.
  const answer = await request("POST", `/api/exercises/${LESSON}/${EXERCISE}/submit`, person.id, { code: ANSWERS[person.kind], submissionId: person.submissionId }, stats);
  stats.submitted++;
  if (answer.status === 200) return gradeTimes.push(Date.now() - sentAt);
  if (answer.status === 429 && /still being graded/.test(answer.body.error ?? "")) {
    // A retry of a submission whose first try was stored before its instance died: it is queued.
    person.retriedIntoOwnJob = true;
    return;
  }
  if (answer.status !== 202) {
    const key = `${answer.status} ${answer.body.error ?? ""}`.slice(0, 160);
    stats.refused.set(key, (stats.refused.get(key) ?? 0) + 1);
    return;
  }
  const id = answer.body.submission.id;
  for (;;) {
    await sleep(1_000);
    const polled = await request("GET", `/api/exercises/${LESSON}/${EXERCISE}/submit?submission=${id}`, person.id, undefined, stats);
    if (polled.status === 200 && (polled.body.submission?.status === "done" || polled.body.submission?.status === "failed")) {
      if (polled.body.submission.status === "done") gradeTimes.push(Date.now() - sentAt);
      else person.failed = true;
      return;
    }
    if (polled.status !== 200) {
      stats.lostContact++;
      return;
    }
  }
}

/** The jobs `worker` holds now (claimed, running, under its lease). */
async function jobsHeldBy(worker) {
  return (await database.query(`SELECT "id" FROM "GradingJob" WHERE "state" = 'running' AND "leaseOwner" = $1`, [worker])).map((row) => row.id);
}

/** The grader killed: its ids, and the jobs it held when it died (each must be graded once, by the other). */
const killed = { worker: graders[0].name, jobs: [] };

/**
 * grader1 is killed while it holds a claimed job (a worker killed idle proves nothing): from 25 %
 * of the window the queue is polled until a job is leased to it (a worker still starting up under
 * load holds none yet), then it is killed at once. Gives up DEADLINE_KILL_WAIT_S (180) s later.
 */
async function killGraderHoldingAJob() {
  await sleep(SECONDS * 250);
  const giveUpAt = Date.now() + Number(process.env.DEADLINE_KILL_WAIT_S ?? 180) * 1000;
  for (;;) {
    try {
      killed.jobs = await jobsHeldBy(killed.worker);
    } catch {
      // PostgreSQL restarting: ask again
    }
    if (killed.jobs.length > 0 || Date.now() > giveUpAt) break;
    await sleep(20);
  }
  graders[0].child.kill("SIGKILL");
  note(`SIGKILL grader1 (pid ${graders[0].child.pid}) holding ${killed.jobs.length} claimed job(s)${killed.jobs.length ? `: ${killed.jobs.join(", ")}` : " (it held none within the wait)"}`);
}

async function faults() {
  if (!FAULTS) return;
  const grader = killGraderHoldingAJob();
  await sleep(SECONDS * 450);
  note(`SIGKILL app1 (pid ${apps[0].child.pid})`);
  apps[0].child.kill("SIGKILL");
  await sleep(SECONDS * 200);
  note("restarting PostgreSQL (pg_ctl restart -m fast)");
  const before = Date.now();
  database.cluster.restart("fast");
  note(`PostgreSQL back after ${((Date.now() - before) / 1000).toFixed(1)} s`);
  await grader;
}

const stop = { done: false };
const saving = people.map((person) => autosave(person, stop));
await Promise.all([...people.map(submit), faults()]);
note("every learner has submitted and every page has its answer");
stop.done = true;
await Promise.all(saving);

// Wait for the queue to drain (learners whose retry found their own stored job poll nothing),
// at most DEADLINE_DRAIN_S (900) seconds.
const drainUntil = Date.now() + Number(process.env.DEADLINE_DRAIN_S ?? 900) * 1000;
for (;;) {
  const [row] = await database.query(`SELECT count(*) FILTER (WHERE "state" IN ('queued', 'running')) AS open FROM "GradingJob"`);
  if (Number(row.open) === 0) {
    note("queue drained");
    break;
  }
  if (Date.now() > drainUntil) {
    note(`stopped waiting: ${row.open} submissions still queued or being graded`);
    break;
  }
  await sleep(1_000);
}

const jobs = await database.query(`SELECT "id", "userId", "state", "attempts", "leaseOwner" FROM "GradingJob"`);
const submissions = await database.query(`SELECT "id", "userId", "status", "passed" FROM "Submission"`);
const jobsPerLearner = new Map();
for (const job of jobs) jobsPerLearner.set(job.userId, (jobsPerLearner.get(job.userId) ?? 0) + 1);
const submissionsPerLearner = new Map();
for (const submission of submissions) submissionsPerLearner.set(submission.userId, (submissionsPerLearner.get(submission.userId) ?? 0) + 1);
const jobIds = new Set(jobs.map((job) => job.id));
const learnersWithoutJob = people.filter((person) => !jobsPerLearner.has(person.id)).length;
const learnersWithTwo = [...jobsPerLearner.values()].filter((n) => n > 1).length;
const gradedTwice = [...submissionsPerLearner.values()].filter((n) => n > 1).length;
const doneJobs = jobs.filter((job) => job.state === "done").length;
const failedJobs = jobs.filter((job) => job.state === "failed").length;
const submissionsWithoutJob = submissions.filter((submission) => !jobIds.has(submission.id)).length;
const reclaimed = jobs.filter((job) => Number(job.attempts) > 1).length;
const byStatus = {};
for (const submission of submissions) byStatus[submission.status] = (byStatus[submission.status] ?? 0) + 1;

const cellRows = await database.query(`SELECT "userId", "cellId", "code", "version" FROM "CellState" WHERE "lessonSlug" = $1`, [LESSON]);
const cellByKey = new Map(cellRows.map((row) => [`${row.userId}/${row.cellId}`, row]));
let savesLost = 0;
for (const [key, expected] of confirmedCells) {
  const row = cellByKey.get(key);
  if (!(row && (Number(row.version) > expected.version || (Number(row.version) === expected.version && row.code === expected.code)))) savesLost++;
}

gradeTimes.sort((a, b) => a - b);
console.log("\n=== Deadline: two app instances, two grader workers, PostgreSQL ===");
for (const line of log) console.log(line);
console.log(`learners ${LEARNERS}: ${kinds.filter((k) => k === "correct").length} correct, ${kinds.filter((k) => k === "wrong").length} wrong, ${kinds.filter((k) => k === "loop").length} infinite loops`);
console.log(`grading jobs ${jobs.length}: done ${doneJobs}, failed ${failedJobs}; claimed again after a worker died: ${reclaimed}`);
// The killed worker's jobs: each finished by the other worker, with exactly one Submission row.
const jobById = new Map(jobs.map((job) => [job.id, job]));
const submissionsById = new Map();
for (const submission of submissions) submissionsById.set(submission.id, (submissionsById.get(submission.id) ?? 0) + 1);
const killedJobsFinishedOnce = killed.jobs.filter((id) => {
  const job = jobById.get(id);
  return job && job.state === "done" && job.leaseOwner !== killed.worker && submissionsById.get(id) === 1;
}).length;
if (FAULTS) {
  console.log(
    `jobs held by the killed ${killed.worker} when killed: ${killed.jobs.length}; finished on the other worker exactly once: ${killedJobsFinishedOnce}` +
      killed.jobs.map((id) => `\n  ${id}: ${jobById.get(id)?.state} by ${jobById.get(id)?.leaseOwner ?? "-"} after ${jobById.get(id)?.attempts} claim(s), ${submissionsById.get(id) ?? 0} submission row(s)`).join(""),
  );
}
console.log(`submissions recorded ${submissions.length} (${Object.entries(byStatus).map(([status, n]) => `${status} ${n}`).join(", ")}); without a job: ${submissionsWithoutJob}`);
console.log(`learners without a stored submission: ${learnersWithoutJob}; with two jobs: ${learnersWithTwo}; graded twice: ${gradedTwice}; retries that found their own stored job (429): ${people.filter((p) => p.retriedIntoOwnJob).length}`);
console.log(`refused without a queued record: ${[...stats.refused.values()].reduce((a, b) => a + b, 0)}${[...stats.refused].map(([key, n]) => `\n  ${n} × ${key}`).join("")}`);
console.log(`request retries (instance down, 5xx, database restarting): ${stats.retries}; polls that lost their submission: ${stats.lostContact}`);
console.log(`submit → grade (learners who saw their grade, ${gradeTimes.length}): p50 ${(percentile(gradeTimes, 50) / 1000).toFixed(1)} s, p99 ${(percentile(gradeTimes, 99) / 1000).toFixed(1)} s, max ${((gradeTimes.at(-1) ?? 0) / 1000).toFixed(1)} s`);
console.log(`autosaves confirmed ${stats.saves} (latest of ${confirmedCells.size} cells; ${saveStats.retries} retried); lost: ${savesLost}`);
const goals = [
  ["every learner's submission recorded", learnersWithoutJob === 0],
  ["graded exactly once", gradedTwice === 0 && learnersWithTwo === 0 && failedJobs === 0 && doneJobs === jobs.length && submissions.length === doneJobs && submissionsWithoutJob === 0],
  ["none refused without a queued record", stats.refused.size === 0],
  ["no autosave lost", savesLost === 0],
  ...(FAULTS ? [["the killed worker held a job, and each it held finished on the other worker exactly once", killed.jobs.length > 0 && killedJobsFinishedOnce === killed.jobs.length]] : []),
];
for (const [goal, met] of goals) console.log(`${met ? "✓" : "✗"} ${goal}`);

for (const app of alive()) await stopProcess(app.child);
for (const grader of graders) await stopProcess(grader.child);
database.stop();
process.exit(goals.every(([, met]) => met) ? 0 : 1);
