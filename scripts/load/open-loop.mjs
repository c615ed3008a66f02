// An open-loop load: each learner's autosaves and metric batches arrive at random times (a
// Poisson process per learner and kind, at a fixed mean rate), whether or not earlier requests
// have been answered, as real learners' browsers send them. Latency is measured from when a
// request was due, not from when it could be sent, so a server that falls behind shows it.
// Requests are spread round-robin over the app instances given (what nginx does in front).
import http from "node:http";
import { percentile } from "./cluster.mjs";

const LESSON = "first-look-at-tensors";
/** The lesson's code cells (the cells route refuses ids the lesson does not have). */
const CELLS = ["make", "shape", "broadcast", "grad"];
const POINTS_PER_BATCH = 5;

function exponential(rate) {
  return -Math.log(1 - Math.random()) / rate;
}

function send(agent, base, method, path, cookie, body, retried = false) {
  const url = new URL(path, base);
  const payload = Buffer.from(JSON.stringify(body));
  return new Promise((resolve) => {
    const request = http.request(
      url,
      { method, agent, headers: { "content-type": "application/json", "content-length": payload.length, cookie } },
      (response) => {
        const chunks = [];
        response.on("data", (chunk) => chunks.push(chunk));
        response.on("end", () => resolve({ status: response.statusCode, body: Buffer.concat(chunks).toString() }));
        response.on("error", (error) => resolve({ status: 0, body: String(error.message) }));
      },
    );
    request.setTimeout(15_000, () => request.destroy(new Error("timeout")));
    request.on("error", (error) => {
      // The server closed an idle keep-alive socket as this request went out on it: nothing
      // reached the handler, so send it again once (what Node's docs advise for this race).
      if (!retried && request.reusedSocket && error.code === "ECONNRESET") resolve(send(agent, base, method, path, cookie, body, true));
      else resolve({ status: 0, body: String(error.message) });
    });
    request.end(payload);
  });
}

/**
 * Runs `learners` learners for `seconds` against `bases`: each saves a cell at `savesPerSecond`
 * and logs a metric batch at `batchesPerSecond` on average. Resolves with latencies, errors and
 * every write the server confirmed (for checkStored).
 */
export async function runOpenLoop({ bases, learners, seconds, savesPerSecond = 1, batchesPerSecond = 1, cookie, beforeTimed = async () => {}, onTimedStart = () => {} }) {
  const agents = new Map(bases.map((base) => [base, new http.Agent({ keepAlive: true, maxSockets: 1024 })]));
  let turn = 0;
  const pick = () => bases[turn++ % bases.length];
  const people = Array.from({ length: learners }, () => ({ id: crypto.randomUUID(), runId: crypto.randomUUID(), version: Date.now(), saves: 0, step: 0 }));
  const confirmedCells = new Map();
  const confirmedPoints = new Map();
  const errors = new Map();
  const fail = (what, status, body) => {
    const key = `${what} ${status}`;
    const entry = errors.get(key) ?? { count: 0, sample: body.slice(0, 200) };
    entry.count++;
    errors.set(key, entry);
  };

  // Each learner's run exists before the timed part starts (as a training loop starts one).
  await Promise.all(
    people.map(async (person) => {
      const base = pick();
      const answer = await send(agents.get(base), base, "POST", "/api/experiments/runs", cookie(person.id), {
        id: person.runId,
        lessonSlug: LESSON,
        cellId: "make",
        name: "load",
        params: { lr: 0.01 },
        seed: 0,
        codeHash: null,
        engineVersion: "load",
        startedAt: Date.now(),
      });
      if (answer.status === 201) confirmedPoints.set(person.runId, 0);
      else fail("create run", answer.status, answer.body);
    }),
  );

  // Warm-up (not measured): the first requests to each route load its code on every instance.
  const warmup = { id: crypto.randomUUID(), runId: crypto.randomUUID() };
  for (const base of bases) {
    await send(agents.get(base), base, "POST", "/api/experiments/runs", cookie(warmup.id), { id: crypto.randomUUID(), lessonSlug: LESSON, cellId: "make", name: "warmup", params: {}, seed: 0, codeHash: null, engineVersion: "load", startedAt: Date.now() });
  }
  const warmRun = await send(agents.get(bases[0]), bases[0], "POST", "/api/experiments/runs", cookie(warmup.id), { id: warmup.runId, lessonSlug: LESSON, cellId: "make", name: "warmup", params: {}, seed: 0, codeHash: null, engineVersion: "load", startedAt: Date.now() });
  if (warmRun.status !== 201) throw new Error(`warm-up run refused: ${warmRun.status} ${warmRun.body}`);
  for (let i = 0; i < 20; i++) {
    const base = bases[i % bases.length];
    await send(agents.get(base), base, "PUT", `/api/lessons/${LESSON}/cells/${CELLS[i % CELLS.length]}`, cookie(warmup.id), { code: `warm ${i}`, version: Date.now() + i });
    await send(agents.get(base), base, "POST", `/api/experiments/runs/${warmup.runId}/points`, cookie(warmup.id), { points: [{ step: i, values: { loss: 1 } }] });
  }

  const events = [];
  for (const person of people) {
    for (let t = exponential(savesPerSecond); t < seconds; t += exponential(savesPerSecond)) events.push({ at: t * 1000, kind: "save", person });
    if (batchesPerSecond > 0) for (let t = exponential(batchesPerSecond); t < seconds; t += exponential(batchesPerSecond)) events.push({ at: t * 1000, kind: "points", person });
  }
  events.sort((a, b) => a.at - b.at);

  const latencies = [];
  const inFlight = new Set();
  let coalesced = 0;
  // The timed part starts here: setting up runs and warming up is not counted (CPU included).
  await beforeTimed();
  onTimedStart();
  const started = performance.now();
  let next = 0;
  const fire = (event, due) => {
    const { person } = event;
    const base = pick();
    let request;
    if (event.kind === "save") {
      const cellId = CELLS[person.saves++ % CELLS.length];
      const version = ++person.version;
      const code = `// learner ${person.id}\nconst step = ${version};\n${"x".repeat(200)}`;
      // Like the page's save queue: one save per cell in flight; a newer edit made meanwhile
      // replaces the one waiting (it is sent when the save in flight is answered).
      person.cells ??= new Map();
      const slot = person.cells.get(cellId) ?? { busy: false, waiting: null };
      person.cells.set(cellId, slot);
      const save = async (edit) => {
        slot.busy = true;
        const target = pick();
        const answer = await send(agents.get(target), target, "PUT", `/api/lessons/${LESSON}/cells/${cellId}`, cookie(person.id), { code: edit.code, version: edit.version });
        latencies.push(performance.now() - started - edit.due);
        if (answer.status !== 200) fail("save cell", answer.status, answer.body);
        else {
          const key = `${person.id}/${cellId}`;
          if ((confirmedCells.get(key)?.version ?? 0) < edit.version) confirmedCells.set(key, { version: edit.version, code: edit.code });
        }
        const next = slot.waiting;
        slot.waiting = null;
        slot.busy = false;
        if (next) await save(next);
      };
      if (slot.busy) {
        if (slot.waiting) coalesced++;
        slot.waiting = { version, code, due };
        return;
      }
      const tracked = save({ version, code, due }).then(() => inFlight.delete(tracked));
      inFlight.add(tracked);
      return;
    } else {
      const points = Array.from({ length: POINTS_PER_BATCH }, () => {
        const step = person.step++;
        return { step, values: { loss: 1 / (step + 1), accuracy: Math.min(1, step / 1000) } };
      });
      request = send(agents.get(base), base, "POST", `/api/experiments/runs/${person.runId}/points`, cookie(person.id), { points }).then((answer) => {
        if (answer.status !== 200) return fail("log points", answer.status, answer.body);
        confirmedPoints.set(person.runId, (confirmedPoints.get(person.runId) ?? 0) + POINTS_PER_BATCH);
      });
    }
    const tracked = request.then(() => {
      latencies.push(performance.now() - started - due);
      inFlight.delete(tracked);
    });
    inFlight.add(tracked);
  };
  await new Promise((resolve) => {
    const tick = () => {
      const now = performance.now() - started;
      while (next < events.length && events[next].at <= now) {
        fire(events[next], events[next].at);
        next++;
      }
      if (next >= events.length) return resolve();
      setTimeout(tick, Math.max(0, Math.min(5, events[next].at - now)));
    };
    tick();
  });
  await Promise.all(inFlight);
  const elapsed = (performance.now() - started) / 1000;
  for (const agent of agents.values()) agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    requests: events.length - coalesced,
    /** Saves replaced by a newer edit of the same cell while waiting (never sent, as in the page). */
    coalesced,
    elapsed,
    rate: events.length / seconds,
    latency: { p50: percentile(latencies, 50), p90: percentile(latencies, 90), p99: percentile(latencies, 99), max: latencies.at(-1) ?? NaN },
    errors,
    errorCount: [...errors.values()].reduce((sum, entry) => sum + entry.count, 0),
    confirmedCells,
    confirmedPoints,
  };
}

/** How many confirmed writes the database lacks: cells (latest confirmed version or newer), points, runs. */
export async function checkStored(database, { confirmedCells, confirmedPoints }) {
  const cellRows = await database.query(`SELECT "userId", "cellId", "code", "version" FROM "CellState" WHERE "lessonSlug" = $1`, [LESSON]);
  const byKey = new Map(cellRows.map((row) => [`${row.userId}/${row.cellId}`, row]));
  let cellsLost = 0;
  for (const [key, expected] of confirmedCells) {
    const row = byKey.get(key);
    if (!(row && (Number(row.version) > expected.version || (Number(row.version) === expected.version && row.code === expected.code)))) cellsLost++;
  }
  const pointRows = new Map((await database.query(`SELECT "runId", COUNT(*) AS n FROM "MetricPoint" GROUP BY "runId"`)).map((row) => [row.runId, Number(row.n)]));
  let pointsConfirmed = 0;
  let pointsLost = 0;
  for (const [runId, confirmed] of confirmedPoints) {
    pointsConfirmed += confirmed;
    pointsLost += Math.max(0, confirmed - (pointRows.get(runId) ?? 0));
  }
  return { cells: confirmedCells.size, cellsLost, pointsConfirmed, pointsLost, lost: cellsLost + pointsLost };
}
