/**
 * Server-side grading in isolated-vm: a fresh V8 isolate per job with a memory limit, a
 * time limit on every step, no Node APIs, no fs and no network. The engine bundle is
 * loaded into it, the cells the exercise depends on and the learner's code run, then each
 * check runs on its own with its own time limit, so one runaway check costs only itself.
 *
 * Everything here uses isolated-vm's async calls: the isolate runs on its own thread and
 * the server's event loop stays free to answer other requests while a job runs.
 */
import ivm from "isolated-vm";
import { rewriteCell } from "../../kernel/rewrite/rewrite-cell";
import { stripTypes } from "../../kernel/rewrite/transpile";
import { LEARNER_SOURCE_NAME } from "../run-checks";
import type { CheckResult, CheckStatus } from "../types";
import { engineBundleSource } from "./engine-bundle";
import { capMessage, capMessages } from "../message-caps";
import type { SandboxScript, SetupOutcome, SetupPayload } from "./isolate-entry";
import type { PrebuiltWasmReport } from "../../tensor/kernels/wasm/prebuilt";

export interface SandboxLimits {
  /** Heap limit of the isolate, in MB (isolated-vm's memoryLimit; typed arrays count too). */
  memoryMb: number;
  /** Running the dependency cells plus the learner's code. */
  setupMs: number;
  /** Each check. */
  checkMs: number;
  /** The whole job; checks not started when it runs out are reported as time_limit. */
  totalMs: number;
}

function envNumber(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

export function defaultLimits(): SandboxLimits {
  return {
    memoryMb: envNumber("GRADER_MEMORY_MB", 128),
    setupMs: envNumber("GRADER_SETUP_MS", 5_000),
    checkMs: envNumber("GRADER_CHECK_MS", 5_000),
    totalMs: envNumber("GRADER_TOTAL_MS", 30_000),
  };
}

export interface SandboxCheck {
  name: string;
  hidden: boolean;
  /** TypeScript as the author wrote it. */
  code: string;
}

export interface SandboxJob {
  dependencies: { id: string; code: string }[];
  learnerCode: string;
  checks: SandboxCheck[];
  /** The names checks may read from the learner's code (see gradedNames). */
  graded: readonly string[];
}

export interface SandboxResult {
  checks: CheckResult[];
  /** The learner's code (or a cell it depends on) failed before the checks: why. */
  setupError: string | null;
  /** A dependency cell is broken: the author's fault, not the learner's. */
  dependencyBroken: boolean;
  /** Checks the sandbox itself failed on (not a verdict on the code: never cache or blame). */
  crashedChecks: string[];
  durationMs: number;
}

export const TIME_LIMIT_MESSAGE = "time limit exceeded";
export const MEMORY_LIMIT_MESSAGE = "memory limit exceeded";

type Failure = { kind: "time_limit" | "memory_limit" | "crash"; message: string };

function classify(error: unknown, limitMs: number, memoryMb: number): Failure {
  const message = error instanceof Error ? error.message : String(error);
  if (/timed out/i.test(message)) return { kind: "time_limit", message: `${TIME_LIMIT_MESSAGE} (more than ${limitMs / 1000} s)` };
  if (/memory limit|disposed/i.test(message)) return { kind: "memory_limit", message: `${MEMORY_LIMIT_MESSAGE} (more than ${memoryMb} MB)` };
  return { kind: "crash", message: `the sandbox failed: ${message}` };
}

let cachedData: ivm.ExternalCopy<ArrayBuffer> | undefined;

/**
 * Wall-clock allowance for a step with a CPU time limit of `limitMs`: generous, because on a
 * busy machine the isolate's thread waits its turn, and code that computes is already held
 * to `limitMs` by isolated-vm itself.
 */
const wallClockMs = (limitMs: number) => limitMs * 2 + 500;

/** isolated-vm takes a 32-bit integer timeout: a budget left over from performance.now() is a fraction. */
const wholeMs = (ms: number) => Math.max(1, Math.floor(ms));

class Sandbox {
  private constructor(
    readonly isolate: ivm.Isolate,
    readonly context: ivm.Context,
  ) {}

  static async open(limits: SandboxLimits): Promise<Sandbox> {
    warnWithoutNodeSnapshotFlag();
    const isolate = new ivm.Isolate({ memoryLimit: limits.memoryMb });
    sandboxesOpened += 1;
    try {
      const source = engineBundleSource();
      // V8's code cache makes every isolate after the first skip parsing the engine.
      const produce = cachedData === undefined;
      const script = (await isolate.compileScript(source, { filename: "gradbook-engine.js", ...(produce ? { produceCachedData: true } : { cachedData }) })) as ivm.Script & ivm.CachedDataResult;
      if (produce && script.cachedData) cachedData = script.cachedData;
      const context = await isolate.createContext();
      await script.run(context, { timeout: wholeMs(limits.setupMs) });
      return new Sandbox(isolate, context);
    } catch (error) {
      if (!isolate.isDisposed) isolate.dispose();
      throw error;
    }
  }

  /**
   * isolated-vm's timeout counts time spent running; code awaiting a promise that never
   * settles runs no code at all, so a wall-clock timer backs it up and disposes the isolate.
   */
  async call<T>(method: "setup" | "runCheck" | "prebuiltWasm", args: unknown[], timeoutMs: number): Promise<T> {
    const params = args.map((_, i) => `$${i}`).join(", ");
    const running = this.context.evalClosure(`return __gradbook.${method}(${params})`, args, {
      timeout: timeoutMs,
      arguments: { copy: true },
      result: { promise: true, copy: true },
    }) as Promise<T>;
    running.catch(() => undefined); // settled by the race below, or rejected after disposal
    let timer: ReturnType<typeof setTimeout> | undefined;
    const wallClock = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.dispose();
        reject(new Error("Script execution timed out (it waited on something that never finished)"));
      }, wallClockMs(timeoutMs));
    });
    try {
      return await Promise.race([running, wallClock]);
    } finally {
      clearTimeout(timer);
    }
  }

  get alive(): boolean {
    return !this.isolate.isDisposed;
  }

  dispose(): void {
    if (!this.isolate.isDisposed) this.isolate.dispose();
  }
}

let sandboxesOpened = 0;

let warnedAboutNodeSnapshot = false;
/**
 * isolated-vm requires Node 20+ to start with --no-node-snapshot (its README): on some platforms
 * creating an isolate otherwise crashes the whole process (laverdet/isolated-vm issues 424, 472).
 * Our entry points pass it (npm start, npm run grader, the systemd units, vitest); a process started
 * some other way is told once, rather than finding out from a crash at the first submission.
 */
function warnWithoutNodeSnapshotFlag(): void {
  if (warnedAboutNodeSnapshot) return;
  warnedAboutNodeSnapshot = true;
  const flag = "--no-node-snapshot";
  if (process.execArgv.includes(flag) || (process.env.NODE_OPTIONS ?? "").split(/\s+/).includes(flag)) return;
  console.warn(`[grader] Node was started without ${flag}, which isolated-vm (the grading sandbox) requires on Node 20 and later: on some platforms creating an isolate then crashes the process. Start it with node ${flag} (npm start and npm run grader do).`);
}

/**
 * Resolves once isolated-vm has freed the isolates of finished jobs, for a process about to
 * exit. isolated-vm frees an isolate on its own thread pool just after the last call into it
 * returns; a process.exit() in that window tears V8's platform down under it and Node dies with
 * SIGSEGV (gdb: ivm::PlatformDelegate::UnregisterIsolate from ~IsolateEnvironment on an ivm
 * pool thread, while the main thread joins that thread at exit). Nothing observable marks the
 * end of that release, so this gives the pool a moment, and only if an isolate ever existed.
 */
export async function sandboxesReleased(): Promise<void> {
  if (sandboxesOpened === 0) return;
  await new Promise((resolve) => setTimeout(resolve, 200));
}

/**
 * For tests: which WebAssembly modules a fresh grading isolate took prebuilt from the bundle and
 * whether they equal what it would assemble itself, after the engine loaded and `learnerCode` ran.
 */
export async function prebuiltWasmInSandbox(learnerCode: string, limits: SandboxLimits = defaultLimits()): Promise<PrebuiltWasmReport> {
  const prepared = prepareScripts({ dependencies: [], learnerCode, checks: [], graded: [] });
  if ("error" in prepared) throw new Error(prepared.error);
  const sandbox = await Sandbox.open(limits);
  try {
    const outcome = await sandbox.call<SetupOutcome>("setup", [prepared], limits.setupMs);
    if (!outcome.ok) throw new Error(outcome.message);
    return await sandbox.call<PrebuiltWasmReport>("prebuiltWasm", [], limits.checkMs);
  } finally {
    sandbox.dispose();
  }
}

/** Host-side rewrite: the same transform the notebook kernel applies to a cell. */
function prepareScripts(job: SandboxJob): SetupPayload | { error: string; dependency: boolean } {
  const dependencies: SandboxScript[] = [];
  const dependencyNames: string[] = [];
  for (const cell of job.dependencies) {
    try {
      const rewritten = rewriteCell(cell.code, { sourceName: `cell-${cell.id}.ts`, interruptChecks: false });
      dependencies.push({ label: cell.id, script: rewritten.script });
      dependencyNames.push(...rewritten.declaredNames);
    } catch (error) {
      return { error: `the lesson cell "${cell.id}" this exercise depends on does not compile: ${(error as Error).message}`, dependency: true };
    }
  }
  try {
    const learner = { label: "your code", script: rewriteCell(job.learnerCode, { sourceName: LEARNER_SOURCE_NAME, interruptChecks: false }).script };
    return { dependencies, learner, graded: [...job.graded], dependencyNames };
  } catch (error) {
    const line = (error as { line?: number | null }).line;
    return { error: capMessage(`your code does not compile: ${(error as Error).message}${line ? ` (line ${line})` : ""}`), dependency: false };
  }
}

function checkResult(check: SandboxCheck, status: CheckStatus, message: string, durationMs: number): CheckResult {
  return { name: check.name, hidden: check.hidden, status, message, durationMs: Math.round(durationMs) };
}

/**
 * Runs the learner's code and every check of one exercise in a fresh isolate. How many run
 * at once is the caller's business (lib/grading/queue.ts for submissions).
 */
export async function runInSandbox(job: SandboxJob, limits: SandboxLimits = defaultLimits()): Promise<SandboxResult> {
  const result = await runJob(job, limits);
  // Capped inside the isolate already; capped again here so no path can return more.
  const checks = capMessages(result.checks);
  return { ...result, checks, setupError: result.setupError === null ? null : capMessage(result.setupError) };
}

async function runJob(job: SandboxJob, limits: SandboxLimits): Promise<SandboxResult> {
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  const prepared = prepareScripts(job);
  if ("error" in prepared) {
    const status: CheckStatus = prepared.dependency ? "authoring_error" : "failed";
    return { checks: job.checks.map((check) => checkResult(check, status, prepared.error, 0)), setupError: prepared.error, dependencyBroken: prepared.dependency, crashedChecks: [], durationMs: elapsed() };
  }

  let sandbox: Sandbox | null = null;
  /** A sandbox whose setup ran: the learner's names exist. Reopened after a memory-limit kill. */
  const ready = async (): Promise<{ sandbox: Sandbox } | { setupFailure: CheckResult["status"]; message: string; dependency: boolean }> => {
    if (sandbox?.alive) return { sandbox };
    sandbox?.dispose();
    const remaining = limits.totalMs - elapsed();
    const setupLimit = wholeMs(Math.min(limits.setupMs, remaining));
    try {
      sandbox = await Sandbox.open(limits);
      const outcome = await sandbox.call<SetupOutcome>("setup", [prepared], setupLimit);
      if (!outcome.ok) return { setupFailure: outcome.where === "dependency" ? "authoring_error" : outcome.status, message: outcome.message, dependency: outcome.where === "dependency" };
      return { sandbox };
    } catch (error) {
      const failure = classify(error, setupLimit, limits.memoryMb);
      if (failure.kind === "crash") setupCrashed = true;
      const status: CheckStatus = failure.kind === "crash" ? "failed" : failure.kind;
      return { setupFailure: status, message: `your code did not finish before the checks could run: ${failure.message}`, dependency: false };
    }
  };

  const results: CheckResult[] = [];
  const crashedChecks: string[] = [];
  let setupCrashed = false;
  let setupError: string | null = null;
  let dependencyBroken = false;
  try {
    for (const check of job.checks) {
      const checkStarted = performance.now();
      if (setupError !== null) {
        results.push(checkResult(check, results[0]?.status ?? "failed", setupError, 0));
        continue;
      }
      const remaining = limits.totalMs - elapsed();
      if (remaining <= 0) {
        results.push(checkResult(check, "time_limit", `${TIME_LIMIT_MESSAGE}: the exercise used up its ${limits.totalMs / 1000} s before this check could run`, 0));
        continue;
      }
      let javascript: string;
      try {
        javascript = stripTypes(check.code);
      } catch (error) {
        results.push(checkResult(check, "authoring_error", `the check "${check.name}" does not compile: ${(error as Error).message}`, 0));
        continue;
      }
      const opened = await ready();
      if (!("sandbox" in opened)) {
        setupError = opened.message;
        dependencyBroken = opened.dependency;
        results.push(checkResult(check, opened.setupFailure, opened.message, performance.now() - checkStarted));
        continue;
      }
      const limit = wholeMs(Math.min(limits.checkMs, remaining));
      try {
        const outcome = await opened.sandbox.call<{ status: CheckStatus; message: string }>("runCheck", [javascript, check.name, check.hidden], limit);
        results.push(checkResult(check, outcome.status, outcome.message, performance.now() - checkStarted));
      } catch (error) {
        const failure = classify(error, limit, limits.memoryMb);
        if (failure.kind === "crash") crashedChecks.push(check.name);
        results.push(checkResult(check, failure.kind === "crash" ? "failed" : failure.kind, failure.message, performance.now() - checkStarted));
      }
    }
  } finally {
    (sandbox as Sandbox | null)?.dispose();
  }
  if (setupCrashed) for (const check of job.checks) if (!crashedChecks.includes(check.name)) crashedChecks.push(check.name);
  return { checks: results, setupError, dependencyBroken, crashedChecks, durationMs: elapsed() };
}
