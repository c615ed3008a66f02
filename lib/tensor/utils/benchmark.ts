/**
 * torch.utils.benchmark (PyTorch 1.13) as far as the "Timer quick start" and "PyTorch Benchmark"
 * recipes use it: Timer with timeit / blocked_autorange / adaptive_autorange, and Measurement
 * (times, mean, median, iqr, significant_figures, meets_confidence, PyTorch's repr).
 *
 * One difference from Python: a statement cannot be a string of source code here (JavaScript does
 * not evaluate Python), so stmt and setup are functions; they receive `globals`:
 *   new Timer({ stmt: ({ x, y }) => x.mul(y), globals: { x, y }, label: "Broadcasting add (4x8)" })
 * The loops, block-size estimation, stopping rules and statistics follow torch 1.13's timer.py and
 * common.py. num_threads is applied with torch.set_num_threads for the measurement, as
 * PyTorch's set_torch_threads. Callgrind (collect_callgrind) and Compare are not provided.
 */
import { parseArgs } from "../args";
import { NotImplementedError, TypeError_, ValueError } from "../errors";
import { getNumThreads, setNumThreads } from "../kernels/parallel";

type Globals = Record<string, unknown>;
type Stmt = (globals: Globals) => unknown;

const MAX_SIGNIFICANT_FIGURES = 4;
const MIN_CONFIDENCE_INTERVAL = 25e-9; // 25 ns
const IQR_WARN_THRESHOLD = 0.1;
const IQR_GROSS_WARN_THRESHOLD = 0.25;

/** Seconds from a monotonic clock (performance.now in browsers, workers and Node). */
function now(): number {
  const perf = (globalThis as { performance?: { now(): number } }).performance;
  return perf ? perf.now() / 1000 : Date.now() / 1000;
}

/** What a Timer measures: torch 1.13's TaskSpec (stmt and setup kept as their source text). */
export interface TaskSpec {
  stmt: string;
  setup: string;
  global_setup: string;
  label: string | null;
  sub_label: string | null;
  description: string | null;
  env: string | null;
  num_threads: number;
}

function indent(text: string): string {
  return text.split("\n").map((l) => `  ${l}`).join("\n");
}

function title(t: TaskSpec): string {
  if (t.label !== null) return t.label + (t.sub_label ? `: ${t.sub_label}` : "");
  if (!t.stmt.includes("\n")) return t.stmt + (t.sub_label ? `: ${t.sub_label}` : "");
  return `stmt:${t.sub_label ? ` (${t.sub_label})` : ""}\n${indent(t.stmt)}`;
}

function summarize(t: TaskSpec): string {
  const setup = t.setup === "pass" || !t.setup ? "" : t.setup.includes("\n") ? `setup:\n${indent(t.setup)}` : `setup: ${t.setup}`;
  return [title(t), t.description ?? "", setup].filter((s) => s).map((s) => (s.includes("\n") ? `${s}\n` : s)).join("\n");
}

/** torch.quantile's linear interpolation on sorted values. */
function quantile(sorted: readonly number[], q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** common.select_unit: the unit that makes t of order 1 (log10 taken in float32, as torch.tensor(t).log10()). */
export function select_unit(t: number): [string, number] {
  const decade = Math.fround(Math.log10(Math.fround(t)));
  const unit = ({ [-3]: "ns", [-2]: "us", [-1]: "ms" } as Record<number, string>)[Math.floor(decade / 3)] ?? "s";
  return [unit, { ns: 1e-9, us: 1e-6, ms: 1e-3, s: 1 }[unit]!];
}

/** The result of a Timer measurement (torch.utils.benchmark.utils.common.Measurement). */
export class Measurement {
  readonly number_per_run: number;
  readonly raw_times: number[];
  readonly task_spec: TaskSpec;
  metadata: Record<string, unknown> | null;
  private readonly sorted: number[];

  constructor(number_per_run: number, raw_times: number[], task_spec: TaskSpec, metadata: Record<string, unknown> | null = null) {
    this.number_per_run = number_per_run;
    this.raw_times = raw_times;
    this.task_spec = task_spec;
    this.metadata = metadata;
    this.sorted = [...this.times].sort((a, b) => a - b);
  }

  /** Seconds per run of the statement, one per measurement. */
  get times(): number[] {
    return this.raw_times.map((t) => t / this.number_per_run);
  }
  get median(): number {
    return quantile(this.sorted, 0.5);
  }
  get mean(): number {
    return this.sorted.reduce((s, v) => s + v, 0) / this.sorted.length;
  }
  get iqr(): number {
    return quantile(this.sorted, 0.75) - quantile(this.sorted, 0.25);
  }
  get title(): string {
    return title(this.task_spec);
  }
  get label(): string | null {
    return this.task_spec.label;
  }
  get sub_label(): string | null {
    return this.task_spec.sub_label;
  }
  get description(): string | null {
    return this.task_spec.description;
  }
  get stmt(): string {
    return this.task_spec.stmt;
  }
  get num_threads(): number {
    return this.task_spec.num_threads;
  }

  /** The interquartile range relative to the median is under threshold. */
  meets_confidence(threshold = IQR_WARN_THRESHOLD): boolean {
    return this.iqr / this.median < threshold;
  }

  /** A conservative count of meaningful digits from the interquartile points (common.py's estimate). */
  get significant_figures(): number {
    const n = this.sorted.length;
    const points = this.sorted.slice(Math.floor(n / 4), Math.ceil((3 * n) / 4));
    const mean = points.reduce((s, v) => s + v, 0) / points.length;
    const std = Math.sqrt(points.reduce((s, v) => s + (v - mean) ** 2, 0) / points.length);
    const ci = Math.max((1.645 * std) / Math.sqrt(points.length), MIN_CONFIDENCE_INTERVAL);
    const figures = Math.floor(Math.log10(this.median / ci));
    return Math.min(Math.max(figures, 1), MAX_SIGNIFICANT_FIGURES);
  }

  get has_warnings(): boolean {
    return this.warnings().length > 0;
  }

  private warnings(): string[] {
    const rel = (this.iqr / this.median) * 100;
    const msg = !this.meets_confidence(IQR_GROSS_WARN_THRESHOLD)
      ? "This suggests significant environmental influence."
      : !this.meets_confidence(IQR_WARN_THRESHOLD)
        ? "This could indicate system fluctuation."
        : null;
    return msg === null ? [] : [`  WARNING: Interquartile range is ${rel.toFixed(1)}% of the median measurement.\n           ${msg}`];
  }

  /** PyTorch's repr: title, median, IQR (from 4 measurements on), counts and warnings. */
  toString(): string {
    const n = this.sorted.length;
    const [unit, scale] = select_unit(this.median);
    const f = (v: number) => (v / scale).toFixed(2);
    const lines = [
      "<torch.utils.benchmark.utils.common.Measurement object>",
      summarize(this.task_spec),
      `  ${n > 1 ? "Median: " : ""}${f(this.median)} ${unit}`,
      ...(n >= 4 ? [`  IQR:    ${f(this.iqr)} ${unit} (${f(quantile(this.sorted, 0.25))} to ${f(quantile(this.sorted, 0.75))})`] : []),
      `  ${n} measurement${n > 1 ? "s" : ""}, ${this.number_per_run} runs ${n > 1 ? "per measurement," : ","} ${this.num_threads} thread${this.num_threads > 1 ? "s" : ""}`,
      ...this.warnings(),
    ];
    return lines.join("\n").trim();
  }
}

interface TimerOptions {
  stmt: Stmt;
  setup: Stmt | null;
  global_setup: Stmt | null;
  timer: () => number;
  globals: Globals | null;
  label: string | null;
  sub_label: string | null;
  description: string | null;
  env: string | null;
  num_threads: number;
  language: string;
}

function sourceOf(fn: Stmt | null | undefined, fallback: string): string {
  return fn ? String(fn).trim() : fallback;
}

/** torch.utils.benchmark.Timer: times stmt(globals) after setup(globals). */
export class Timer {
  readonly task_spec: TaskSpec;
  private readonly stmt: Stmt;
  private readonly setup: Stmt | null;
  private readonly globals: Globals;
  private readonly clock: () => number;

  constructor(...args: unknown[]) {
    const o = parseArgs<TimerOptions>(
      "Timer",
      ["stmt", "setup", "global_setup", "timer", "globals", "label", "sub_label", "description", "env", "num_threads", "language"],
      args,
    );
    for (const key of ["stmt", "setup", "global_setup"] as const) {
      const v = o[key];
      if (typeof v === "string") {
        throw new TypeError_(
          `Timer(): ${key} must be a function here, not a string: JavaScript cannot run Python source. Write stmt: ({ x, y }) => x.mul(y) and pass the names in globals: { x, y }`,
        );
      }
      if (v !== undefined && v !== null && typeof v !== "function") throw new TypeError_(`Timer(): ${key} must be a function`);
    }
    if (o.language !== undefined && o.language !== "python" && o.language !== "py") {
      throw new ValueError(`Timer(): language '${o.language}' is not supported here (C++ statements need a compiler)`);
    }
    const num_threads = o.num_threads ?? 1;
    if (!Number.isInteger(num_threads) || num_threads < 1) throw new ValueError(`Timer(): num_threads must be a positive integer, got ${num_threads}`);
    this.stmt = o.stmt ?? (() => undefined);
    this.setup = o.setup ?? null;
    this.globals = { ...(o.globals ?? {}) };
    this.clock = o.timer ?? now;
    if (o.global_setup) o.global_setup(this.globals);
    this.task_spec = {
      stmt: sourceOf(o.stmt, "pass"),
      setup: sourceOf(o.setup, "pass"),
      global_setup: sourceOf(o.global_setup, ""),
      label: o.label ?? null,
      sub_label: o.sub_label ?? null,
      description: o.description ?? null,
      env: o.env ?? null,
      num_threads,
    };
  }

  /** Seconds for `number` runs of stmt after one setup (timeit.Timer.timeit). */
  private timeitRaw(number: number): number {
    if (this.setup) this.setup(this.globals);
    const t0 = this.clock();
    for (let i = 0; i < number; i++) this.stmt(this.globals);
    return this.clock() - t0;
  }

  private withThreads<T>(fn: () => T): T {
    const before = getNumThreads();
    setNumThreads(this.task_spec.num_threads);
    try {
      return fn();
    } finally {
      setNumThreads(before);
    }
  }

  /** One measurement of `number` runs, after a warm-up of number / 100 runs (at least 2). */
  timeit(...args: unknown[]): Measurement {
    const number = parseArgs<{ number: number }>("timeit", ["number"], args).number ?? 1000000;
    if (!Number.isInteger(number) || number < 1) throw new ValueError(`timeit(): number must be a positive integer, got ${number}`);
    return this.withThreads(() => {
      this.timeitRaw(Math.max(Math.floor(number / 100), 2));
      return new Measurement(number, [this.timeitRaw(number)], this.task_spec);
    });
  }

  /** The runs per measurement that make the loop's overhead negligible (timer.py's _estimate_block_size). */
  private estimateBlockSize(min_run_time: number): number {
    const overheads = Array.from({ length: 5 }, () => this.timeitRaw(0)).sort((a, b) => a - b);
    const overhead = overheads[2];
    let number = 1;
    for (;;) {
      const time_taken = this.timeitRaw(number);
      if (overhead / time_taken <= 1e-4 && time_taken >= min_run_time / 1000) break;
      if (time_taken > min_run_time) break;
      if (number * 10 > 2147483647) break;
      number *= 10;
    }
    return number;
  }

  private measurementLoop(number: number, canStop: (times: number[]) => boolean, min_run_time: number, max_run_time: number | null, callback: ((n: number, t: number) => void) | null): number[] {
    let total = 0;
    let stop = false;
    const times: number[] = [];
    while (total < min_run_time || !stop) {
      const spent = this.timeitRaw(number);
      times.push(spent);
      total += spent;
      if (callback) callback(number, spent);
      stop = canStop(times);
      if (max_run_time !== null && total > max_run_time) break;
    }
    return times;
  }

  /** Blocks of runs until min_run_time seconds are spent (timer.py's blocked_autorange). */
  blocked_autorange(...args: unknown[]): Measurement {
    const o = parseArgs<{ callback: ((n: number, t: number) => void) | null; min_run_time: number }>("blocked_autorange", ["callback", "min_run_time"], args);
    const min_run_time = o.min_run_time ?? 0.2;
    return this.withThreads(() => {
      const number = this.estimateBlockSize(min_run_time);
      const times = this.measurementLoop(number, () => true, min_run_time, null, o.callback ?? null);
      return new Measurement(number, times, this.task_spec);
    });
  }

  /** Measures until the IQR is within threshold of the median (after 4 blocks) or max_run_time passes. */
  adaptive_autorange(...args: unknown[]): Measurement {
    const o = parseArgs<{ threshold: number; min_run_time: number; max_run_time: number; callback: ((n: number, t: number) => void) | null }>(
      "adaptive_autorange",
      ["threshold", "min_run_time", "max_run_time", "callback"],
      args,
    );
    const threshold = o.threshold ?? 0.1;
    return this.withThreads(() => {
      const number = this.estimateBlockSize(0.05);
      const canStop = (times: number[]) => times.length > 3 && new Measurement(number, times, this.task_spec).meets_confidence(threshold);
      const times = this.measurementLoop(number, canStop, o.min_run_time ?? 0.01, o.max_run_time ?? 10.0, o.callback ?? null);
      return new Measurement(number, times, this.task_spec);
    });
  }

  collect_callgrind(): never {
    throw new NotImplementedError("Timer.collect_callgrind(): Valgrind instruction counts are not available in Gradbook's engine; use blocked_autorange() or adaptive_autorange() for wall times");
  }
}
