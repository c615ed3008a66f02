import type { KernelSession } from "./session";
import { torch } from "../../tensor";
import { runTitle } from "./run-title";
import packageJson from "../../../package.json";

/**
 * Experiment tracking as cells see it:
 *
 *   const run = experiments.start("activation-sweep", { activation: "relu", lr: 0.1 }, { seed: 0 })
 *   for (...) run.log({ loss, accuracy })        // step = 0, 1, 2... unless given
 *   run.finish()                                 // or run.fail("diverged")
 *
 * The worker never talks to the server: every event goes to the page as a comm message on
 * the "experiments" target, and the page (app/_components/experiments) adds the cell's code
 * hash, batches metric points to the API and marks runs an interrupt or crash cut short.
 */

export const EXPERIMENTS_COMM_TARGET = "experiments";

/** The engine that produced a run's numbers: the app's version, fixed at build time. */
export const ENGINE_VERSION = `gradbook-${packageJson.version}`;

export type Params = Record<string, string | number | boolean | null>;
export type Metrics = Record<string, number>;

/** Messages on the "experiments" comm target, worker -> page. */
export type ExperimentCommMessage =
  | { kind: "start"; runId: string; name: string; params: Params; seed: number | null; engineVersion: string; startedAt: number }
  | { kind: "log"; runId: string; step: number; metrics: Metrics }
  | { kind: "finish"; runId: string; durationMs: number }
  | { kind: "fail"; runId: string; reason: string; durationMs: number };

export interface StartOptions {
  /** Seeds torch's generator before the run (recorded); without it the current seed is recorded. */
  seed?: number;
  /** Show a live chart of the logged metrics in the cell's output (default true). */
  chart?: boolean;
}

export interface ExperimentRun {
  readonly id: string;
  readonly name: string;
  readonly params: Readonly<Params>;
  readonly seed: number | null;
  log(metrics: Record<string, unknown>): void;
  finish(): void;
  fail(reason?: unknown): void;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9 _.:-]{0,63}$/;
const MAX_PARAMS = 50;

function checkName(name: unknown): string {
  if (typeof name !== "string" || !NAME.test(name)) {
    throw new TypeError(`experiments.start(name): name must be 1-64 letters, digits, spaces or _.:- starting with a letter or digit, got ${JSON.stringify(name)}`);
  }
  return name;
}

function checkParams(params: unknown): Params {
  if (params === undefined) return {};
  if (typeof params !== "object" || params === null || Array.isArray(params)) throw new TypeError("experiments.start(name, params): params must be an object like { lr: 0.1 }");
  const entries = Object.entries(params);
  if (entries.length > MAX_PARAMS) throw new TypeError(`experiments.start: at most ${MAX_PARAMS} params`);
  const out: Params = {};
  for (const [key, value] of entries) {
    if (value === null || typeof value === "string" || typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value))) out[key] = value;
    else throw new TypeError(`experiments.start: param "${key}" must be a string, finite number, boolean or null`);
  }
  return out;
}

/** Keeps the numeric metrics of a log call (tensors with one element count as numbers). */
function checkMetrics(metrics: unknown): { step: number | undefined; values: Metrics } {
  if (typeof metrics !== "object" || metrics === null || Array.isArray(metrics)) throw new TypeError("run.log(metrics): metrics must be an object like { loss: 0.3 }");
  let step: number | undefined;
  const values: Metrics = {};
  for (const [key, raw] of Object.entries(metrics)) {
    const value = typeof raw === "number" ? raw : typeof (raw as { item?: unknown })?.item === "function" ? Number((raw as { item(): unknown }).item()) : NaN;
    if (key === "step") {
      if (!Number.isInteger(value) || value < 0) throw new TypeError(`run.log: step must be a non-negative integer, got ${String(raw)}`);
      step = value;
    } else if (Number.isFinite(value)) {
      values[key] = value;
    } else {
      throw new TypeError(`run.log: metric "${key}" must be a finite number, got ${String(raw)}`);
    }
  }
  return { step, values };
}

interface ChartLike {
  push(step: number, metrics: Metrics): void;
  close(): void;
  retitle?(title: string): void;
}

/** The lead's live_chart builtin when present; otherwise a one-line text display updated in place. */
function openChart(session: KernelSession, name: string, title = name): ChartLike {
  const liveChart = session.scope.live_chart;
  if (typeof liveChart === "function") return (liveChart as (options: { title: string }) => ChartLike)({ title });
  const id = session.output.newDisplayId();
  session.output.display({ "text/plain": `${name}: waiting for metrics` }, id);
  let last = "";
  return {
    push(step, metrics) {
      last = `${name} step ${step}: ${Object.entries(metrics).map(([k, v]) => `${k}=${v.toPrecision(4)}`).join(", ")}`;
      session.output.updateDisplay({ "text/plain": last }, id);
    },
    close() {},
  };
}

/** Charts of a run name whose titles follow what varies; the oldest are let go past this many. */
const TITLED_CHARTS_PER_NAME = 24;

export function createExperiments(session: KernelSession) {
  const send = (message: ExperimentCommMessage) => session.sendComm(EXPERIMENTS_COMM_TARGET, message);
  // The session's runs of each name, so each live chart is titled by what varies ("activation=relu").
  const sweeps = new Map<string, { params: Params; chart: ChartLike | null; title: string }[]>();

  /** Titles the new run's chart and retitles earlier ones of the name whose varying params changed. */
  function titleFor(name: string, params: Params): { title: string; track(chart: ChartLike | null): void } {
    const earlier = (sweeps.get(name) ?? []).slice(-(TITLED_CHARTS_PER_NAME - 1));
    const paramSets = [...earlier.map((entry) => entry.params), params];
    for (const entry of earlier) {
      const title = runTitle(name, entry.params, paramSets);
      if (title !== entry.title) {
        entry.title = title;
        entry.chart?.retitle?.(title);
      }
    }
    const title = runTitle(name, params, paramSets);
    return { title, track: (chart) => sweeps.set(name, [...earlier, { params, chart, title }]) };
  }

  function start(name: unknown, params?: unknown, options: StartOptions = {}): ExperimentRun {
    const runName = checkName(name);
    const runParams = checkParams(params);
    if (options.seed !== undefined) {
      if (!Number.isSafeInteger(options.seed) || options.seed < 0) throw new TypeError("experiments.start: options.seed must be a non-negative integer");
      torch.manual_seed(options.seed);
    }
    const seed = torch.initial_seed();
    const id = crypto.randomUUID();
    const started = performance.now();
    const titled = titleFor(runName, runParams);
    const chart = options.chart === false ? null : openChart(session, runName, titled.title);
    titled.track(chart);
    let nextStep = 0;
    let ended = false;
    send({ kind: "start", runId: id, name: runName, params: runParams, seed: Number.isSafeInteger(seed) ? seed : null, engineVersion: ENGINE_VERSION, startedAt: Date.now() });

    const ensureOpen = (what: string) => {
      if (ended) throw new Error(`run.${what}(): the run "${runName}" has already ended; start a new one with experiments.start(...)`);
    };
    const end = () => {
      ended = true;
      chart?.close();
      return performance.now() - started;
    };

    return Object.freeze({
      id,
      name: runName,
      params: Object.freeze({ ...runParams }),
      seed,
      log(metrics: Record<string, unknown>) {
        ensureOpen("log");
        const { step, values } = checkMetrics(metrics);
        const at = step ?? nextStep;
        nextStep = at + 1;
        chart?.push(at, values);
        send({ kind: "log", runId: id, step: at, metrics: values });
      },
      finish() {
        ensureOpen("finish");
        send({ kind: "finish", runId: id, durationMs: end() });
      },
      fail(reason?: unknown) {
        ensureOpen("fail");
        send({ kind: "fail", runId: id, reason: String(reason ?? "failed").slice(0, 500), durationMs: end() });
      },
    });
  }

  return { start };
}
