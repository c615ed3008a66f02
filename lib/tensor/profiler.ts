/**
 * torch.profiler / torch.autograd.profiler (PyTorch 1.13's Profiler recipe): an op-level CPU
 * profiler.
 *
 *   const prof = new torch.profiler.profile({ activities: [ProfilerActivity.CPU], record_shapes: true });
 *   prof.__enter__();                       // or prof.start(), or new profile(opts, () => { ... })
 *   torch.profiler.record_function("model_inference", () => model(inputs));
 *   prof.__exit__();                        // or prof.stop()
 *   console.log(prof.key_averages().table({ sort_by: "cpu_time_total", row_limit: 10 }));
 *
 * How ops are seen: while a profile is running, the public entry points are wrapped (restored
 * when it stops, so nothing costs anything otherwise): every function of torch, torch.linalg,
 * torch.special, torch.fft and nn.functional, every Tensor method, and nn.Module calls of the
 * built-in layers, which are recorded under the aten op they dispatch to in PyTorch
 * (Linear -> aten::linear, Conv2d -> aten::conv2d, ReLU -> aten::relu, ...). Each call is an
 * event "aten::<name>" with its wall time (performance.now(), microseconds); calls made inside
 * it are its children, so self time = total time - children's, as PyTorch's self CPU time.
 * Calls the engine makes through its own imports are not separate events (their time is in the
 * caller's self time); metadata methods (size, dim, stride, is_*, ...) are not ops and are skipped.
 * key_averages() groups by name (and input shapes with group_by_input_shape), table() prints
 * PyTorch's columns (Name, Self CPU %, Self CPU, CPU total %, CPU total, CPU time avg, # of Calls,
 * Input Shapes, and CPU Mem / Self CPU Mem with profile_memory: bytes of the fresh tensors each op
 * returns). schedule / step() / on_trace_ready and export_chrome_trace follow PyTorch's. CUDA
 * activities raise (no GPU); stacks and FLOPs are accepted and leave their columns out.
 */
import { parseArgs, type PyArgs } from "./args";
import { RuntimeError, TypeError_, ValueError } from "./errors";
import { write_file } from "./serialize";
import { Tensor } from "./tensor";
import { warnOnce } from "./warnings";

const now: () => number = typeof performance !== "undefined" ? () => performance.now() : () => Date.now();

/** One recorded call. Times in microseconds. */
export class FunctionEvent {
  children: FunctionEvent[] = [];
  end = 0;
  /** Bytes of the fresh tensors this call returned that no inner call made (profile_memory). */
  self_cpu_memory_usage = 0;
  /** The storages this call and its inner calls returned fresh (so a caller does not count them again). */
  _storages: Set<unknown> | null = null;
  constructor(
    readonly name: string,
    readonly start: number,
    readonly input_shapes: number[][],
    readonly cpu_parent: FunctionEvent | null,
  ) {}
  get key(): string {
    return this.name;
  }
  get cpu_time_total(): number {
    return this.end - this.start;
  }
  get self_cpu_time_total(): number {
    return this.cpu_time_total - this.children.reduce((s, c) => s + c.cpu_time_total, 0);
  }
  get count(): number {
    return 1;
  }
  get cpu_time(): number {
    return this.cpu_time_total;
  }
  /** Bytes allocated by this call and the calls inside it. */
  get cpu_memory_usage(): number {
    return this.self_cpu_memory_usage + this.children.reduce((s, c) => s + c.cpu_memory_usage, 0);
  }
}

/** Events of one name (and input shapes), summed: PyTorch's FunctionEventAvg. */
export class FunctionEventAvg {
  count = 0;
  cpu_time_total = 0;
  self_cpu_time_total = 0;
  cpu_memory_usage = 0;
  self_cpu_memory_usage = 0;
  cpu_parent: FunctionEvent | null = null;
  constructor(
    readonly key: string,
    readonly input_shapes: number[][] | null,
  ) {}
  get cpu_time(): number {
    return this.count === 0 ? 0 : this.cpu_time_total / this.count;
  }
  add(e: FunctionEvent): void {
    this.count += 1;
    this.cpu_time_total += e.cpu_time_total;
    this.self_cpu_time_total += e.self_cpu_time_total;
    this.cpu_memory_usage += e.cpu_memory_usage;
    this.self_cpu_memory_usage += e.self_cpu_memory_usage;
  }
  get cpu_time_total_str(): string {
    return formatTime(this.cpu_time_total);
  }
  get self_cpu_time_total_str(): string {
    return formatTime(this.self_cpu_time_total);
  }
  get cpu_time_str(): string {
    return formatTime(this.cpu_time);
  }
}

/** PyTorch's _format_time: us below 1 ms, then ms, then s, three decimals. */
export function formatTime(us: number): string {
  if (us >= 1e6) return `${(us / 1e6).toFixed(3)}s`;
  if (us >= 1e3) return `${(us / 1e3).toFixed(3)}ms`;
  return `${us.toFixed(3)}us`;
}

function formatShare(us: number, total: number): string {
  return total === 0 ? "NaN" : `${((us * 100) / total).toFixed(2)}%`;
}

const pyList = (shapes: number[][]): string => `[${shapes.map((s) => `[${s.join(", ")}]`).join(", ")}]`;

export interface TableOptions {
  sort_by?: string | null;
  row_limit?: number;
  max_src_column_width?: number;
  max_name_column_width?: number | null;
  max_shapes_column_width?: number | null;
  header?: string | null;
  top_level_events_only?: boolean;
}

const SORT_KEYS = new Set(["cpu_time", "cpu_time_total", "self_cpu_time_total", "count", "cpu_memory_usage", "self_cpu_memory_usage"]);

/** PyTorch's _format_memory. */
export function formatMemory(nbytes: number): string {
  const KB = 1024, MB = 1024 * KB, GB = 1024 * MB;
  if (Math.abs(nbytes) >= GB) return `${(nbytes / GB).toFixed(2)} Gb`;
  if (Math.abs(nbytes) >= MB) return `${(nbytes / MB).toFixed(2)} Mb`;
  if (Math.abs(nbytes) >= KB) return `${(nbytes / KB).toFixed(2)} Kb`;
  return `${nbytes} b`;
}

/** A list of events (or averages) with PyTorch's table(). */
export class EventList<E extends FunctionEvent | FunctionEventAvg> extends Array<E> {
  /** Whether table() shows the CPU Mem columns (set by a profile with profile_memory). */
  profile_memory = false;

  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  /** PyTorch's _build_table, CPU columns only. */
  table(...args: PyArgs<[sort_by?: string | null, row_limit?: number, max_src_column_width?: number, max_name_column_width?: number | null, max_shapes_column_width?: number | null, header?: string | null, top_level_events_only?: boolean], TableOptions>): string {
    const o = parseArgs<TableOptions>("table", ["sort_by", "row_limit", "max_src_column_width", "max_name_column_width", "max_shapes_column_width", "header", "top_level_events_only"], args);
    let events: E[] = [...this];
    if (events.length === 0) return "";
    const sortBy = o.sort_by ?? null;
    if (sortBy !== null) {
      if (!SORT_KEYS.has(sortBy)) {
        throw new ValueError(`sort_by must be one of the CPU columns (${[...SORT_KEYS].join(", ")}), got '${sortBy}' (no CUDA, memory or FLOPs columns here)`);
      }
      // Python's sorted(reverse=True) is stable: equal keys keep their order.
      events = events.map((e, i) => [e, i] as const).sort((a, b) => (b[0] as unknown as Record<string, number>)[sortBy] - (a[0] as unknown as Record<string, number>)[sortBy] || a[1] - b[1]).map(([e]) => e);
    }
    const rowLimit = o.row_limit ?? 100;
    const maxName = o.max_name_column_width === undefined ? 55 : o.max_name_column_width;
    const maxShapes = o.max_shapes_column_width === undefined ? 80 : o.max_shapes_column_width;
    const shapesOf = (e: E): number[][] | null => e.input_shapes;
    const hasShapes = events.some((e) => (shapesOf(e)?.length ?? 0) > 0);
    let nameWidth = Math.max(...events.map((e) => e.key.length)) + 4;
    if (maxName !== null) nameWidth = Math.min(nameWidth, maxName);
    let shapesWidth = Math.max(...events.map((e) => (shapesOf(e) === null ? 4 : pyList(shapesOf(e)!).length))) + 4;
    if (maxShapes !== null) shapesWidth = Math.min(shapesWidth, maxShapes);
    const headers = ["Name", "Self CPU %", "Self CPU", "CPU total %", "CPU total", "CPU time avg", ...(this.profile_memory ? ["CPU Mem", "Self CPU Mem"] : []), "# of Calls"];
    const widths = [nameWidth, ...headers.slice(1).map(() => 12)];
    if (hasShapes) {
      headers.push("Input Shapes");
      widths.push(shapesWidth);
    }
    const row = (cells: string[]): string => cells.map((c, i) => c.padStart(widths[i]) + "  ").join("");
    const sep = widths.map((w) => "-".repeat(w) + "  ").join("");
    const lineLength = widths.reduce((s, w) => s + w + 2, -2);
    const total = events.reduce((s, e) => s + e.self_cpu_time_total, 0);
    const out: string[] = [];
    if (o.header != null) out.push("=".repeat(lineLength), o.header);
    if (o.top_level_events_only) out.push("=".repeat(lineLength), "This report only display top-level ops statistics");
    out.push(sep, row(headers), sep);
    let shown = 0;
    for (const e of events) {
      if (shown === rowLimit) break;
      if (o.top_level_events_only && e.cpu_parent !== null) continue;
      shown++;
      let name = e.key;
      if (maxName !== null && name.length >= maxName - 3) name = `${name.slice(0, maxName - 3)}...`;
      const cells = [
        name,
        formatShare(e.self_cpu_time_total, total),
        formatTime(e.self_cpu_time_total),
        formatShare(e.cpu_time_total, total),
        formatTime(e.cpu_time_total),
        formatTime(e.cpu_time),
        ...(this.profile_memory ? [formatMemory(e.cpu_memory_usage), formatMemory(e.self_cpu_memory_usage)] : []),
        String(e.count),
      ];
      if (hasShapes) cells.push((shapesOf(e) === null ? "None" : pyList(shapesOf(e)!)).slice(0, shapesWidth));
      out.push(row(cells));
    }
    out.push(sep, `Self CPU time total: ${formatTime(total)}`);
    return out.join("\n") + "\n";
  }

  /** Groups the events by name (and input shapes): PyTorch's EventList.key_averages(). */
  key_averages(...args: PyArgs<[group_by_input_shapes?: boolean], { group_by_input_shapes?: boolean }>): EventList<FunctionEventAvg> {
    const { group_by_input_shapes } = parseArgs<{ group_by_input_shapes?: boolean }>("key_averages", ["group_by_input_shapes"], args);
    const out = averages(this as unknown as FunctionEvent[], group_by_input_shapes ?? false);
    out.profile_memory = this.profile_memory;
    return out;
  }

  get self_cpu_time_total(): number {
    return this.reduce((s, e) => s + e.self_cpu_time_total, 0);
  }
}

function averages(events: readonly FunctionEvent[], byShape: boolean): EventList<FunctionEventAvg> {
  const groups = new Map<string, FunctionEventAvg>();
  for (const e of events) {
    // Every step's event counts as one key, as PyTorch's "ProfilerStep*".
    const name = /^ProfilerStep#\d+$/.test(e.name) ? "ProfilerStep*" : e.name;
    const key = byShape ? `${name}\u0000${pyList(e.input_shapes)}` : name;
    let g = groups.get(key);
    if (!g) {
      g = new FunctionEventAvg(name, byShape ? e.input_shapes : null);
      groups.set(key, g);
    }
    g.add(e);
  }
  const out = new EventList<FunctionEventAvg>();
  out.push(...groups.values());
  return out;
}

// ---- recording ---------------------------------------------------------------------------

interface Recorder {
  record_shapes: boolean;
  profile_memory: boolean;
  events: FunctionEvent[];
  stack: FunctionEvent[];
}
let active: Recorder | null = null;

function shapesOf(args: readonly unknown[]): number[][] {
  return args.map((a) => (a instanceof Tensor ? [...a.shape] : []));
}

function begin(r: Recorder, name: string, args: readonly unknown[]): FunctionEvent {
  const parent = r.stack.length > 0 ? r.stack[r.stack.length - 1] : null;
  const e = new FunctionEvent(name, now() * 1000, r.record_shapes ? shapesOf(args) : [], parent);
  if (parent) parent.children.push(e);
  r.events.push(e);
  r.stack.push(e);
  return e;
}

function finish(r: Recorder, e: FunctionEvent): void {
  e.end = now() * 1000;
  // Pop down to e (an exception may have skipped inner finishes).
  while (r.stack.length > 0 && r.stack.pop() !== e);
}

/** Runs fn as an event `name` when a profile is recording (else just runs it). */
function recorded<T>(name: string, args: readonly unknown[], fn: () => T): T {
  const r = active;
  if (!r) return fn();
  // A layer whose forward calls the same op (nn.ReLU -> x.relu()) is one aten::relu, as in PyTorch.
  if (r.stack.length > 0 && r.stack[r.stack.length - 1].name === name) return fn();
  const e = begin(r, name, args);
  let result: T | undefined;
  try {
    result = fn();
    return result;
  } finally {
    finish(r, e);
    if (r.profile_memory) countMemory(e, args, result);
  }
}

/**
 * profile_memory: an op's self memory is the bytes of the tensors it returned on storage that
 * neither its inputs nor its inner ops had (PyTorch counts allocations inside the op; frees, which
 * PyTorch shows as negative numbers, are not tracked here).
 */
function countMemory(e: FunctionEvent, args: readonly unknown[], result: unknown): void {
  const inner = new Set<unknown>();
  for (const c of e.children) for (const st of c._storages ?? []) inner.add(st);
  const seen = new Set<unknown>(args.filter((a): a is Tensor => a instanceof Tensor).map((t) => t._data));
  const outs = result instanceof Tensor ? [result] : Array.isArray(result) ? result.filter((t): t is Tensor => t instanceof Tensor) : [];
  let bytes = 0;
  for (const t of outs) {
    if (seen.has(t._data) || inner.has(t._data)) continue;
    seen.add(t._data);
    inner.add(t._data);
    bytes += t.numel() * t.element_size();
  }
  e.self_cpu_memory_usage = bytes;
  e._storages = inner;
}

/** The namespaces and prototypes whose functions a running profile wraps (registered by index.ts). */
const targets: { obj: Record<string, unknown>; self: boolean }[] = [];
/** Built-in layer class name -> the aten op PyTorch dispatches to. */
let moduleOps: (m: object) => string | null = () => null;
let moduleProto: { _call_impl: (...a: unknown[]) => unknown } | null = null;

export function registerProfilerTargets(opts: {
  namespaces: object[];
  tensorProto: object;
  moduleProto: object;
  moduleOp: (m: object) => string | null;
}): void {
  for (const ns of opts.namespaces) targets.push({ obj: ns as Record<string, unknown>, self: false });
  targets.push({ obj: opts.tensorProto as Record<string, unknown>, self: true });
  moduleProto = opts.moduleProto as typeof moduleProto;
  moduleOps = opts.moduleOp;
}

/** Not ops (metadata, mode switches, Python plumbing): not recorded, as PyTorch's profiler does not see them. */
const NOT_OPS = /^(_|is_|get_|set_|use_|are_|has_)|^(constructor|toString|valueOf|toJSON|size|dim|ndimension|numel|nelement|stride|storage_offset|element_size|data_ptr|tolist|type|requires_grad_|retain_grad|register_hook|backward|manual_seed|seed|initial_seed|no_grad|enable_grad|inference_mode|save|load|typename|device|format|finfo|iinfo|profiler|autograd|Size|registerKernel|registerUnaryKernel|compile)$/;

const isClass = (f: unknown): boolean => typeof f === "function" && /^class[\s{]/.test(Function.prototype.toString.call(f));

let installed: { obj: Record<string, unknown>; key: string; desc: PropertyDescriptor }[] | null = null;

function install(): void {
  if (installed) return;
  installed = [];
  for (const { obj, self } of targets) {
    for (const key of Object.getOwnPropertyNames(obj)) {
      if (NOT_OPS.test(key)) continue;
      const desc = Object.getOwnPropertyDescriptor(obj, key)!;
      const f = desc.value;
      if (typeof f !== "function" || isClass(f) || !(desc.writable || desc.configurable)) continue;
      const name = `aten::${key}`;
      const wrapper = self
        ? function (this: unknown, ...args: unknown[]) {
            return recorded(name, [this, ...args], () => (f as (...a: unknown[]) => unknown).apply(this, args));
          }
        : function (this: unknown, ...args: unknown[]) {
            return recorded(name, args, () => (f as (...a: unknown[]) => unknown).apply(this, args));
          };
      installed.push({ obj, key, desc });
      Object.defineProperty(obj, key, { ...desc, value: wrapper });
    }
  }
  if (moduleProto) {
    const proto = moduleProto;
    const desc = Object.getOwnPropertyDescriptor(proto, "_call_impl")!;
    const f = desc.value as (...a: unknown[]) => unknown;
    installed.push({ obj: proto as unknown as Record<string, unknown>, key: "_call_impl", desc });
    Object.defineProperty(proto, "_call_impl", {
      ...desc,
      value: function (this: object, ...args: unknown[]) {
        const op = moduleOps(this);
        if (!op) return f.apply(this, args);
        // The aten op's inputs: the call's arguments, then the layer's own weight and bias (as F.linear(x, W, b)).
        const own = active?.record_shapes ? (this as { _own_parameters(): [string, Tensor][] })._own_parameters().map(([, p]) => p) : [];
        return recorded(`aten::${op}`, [...args, ...own], () => f.apply(this, args));
      },
    });
  }
}

function uninstall(): void {
  if (!installed) return;
  for (const { obj, key, desc } of installed.reverse()) Object.defineProperty(obj, key, desc);
  installed = null;
}

// ---- the public API ----------------------------------------------------------------------

/** torch.profiler.ProfilerAction: what a schedule asks for at a step. */
export const ProfilerAction = Object.freeze({
  NONE: "ProfilerAction.NONE", WARMUP: "ProfilerAction.WARMUP", RECORD: "ProfilerAction.RECORD", RECORD_AND_SAVE: "ProfilerAction.RECORD_AND_SAVE",
} as const);
const isRecording = (a: string): boolean => a === ProfilerAction.RECORD || a === ProfilerAction.RECORD_AND_SAVE;

export interface ScheduleOptions {
  wait?: number;
  warmup?: number;
  active?: number;
  repeat?: number;
  skip_first?: number;
}

/** torch.profiler.schedule({ wait, warmup, active, repeat=0, skip_first=0 }) -> step => ProfilerAction (keyword-only, as PyTorch). */
export function schedule(options: ScheduleOptions): (step: number) => string {
  const o = parseArgs<ScheduleOptions>("schedule", ["wait", "warmup", "active", "repeat", "skip_first"], [options]);
  for (const k of ["wait", "warmup", "active"] as const) {
    if (o[k] === undefined) throw new TypeError_(`schedule() missing 1 required keyword-only argument: '${k}'`);
  }
  const { wait, warmup, active: act } = o as Required<ScheduleOptions>;
  const repeat = o.repeat ?? 0;
  const skipFirst = o.skip_first ?? 0;
  if (!(wait >= 0 && warmup >= 0 && act > 0 && repeat >= 0 && skipFirst >= 0)) throw new RuntimeError("Invalid profiler schedule arguments");
  if (warmup === 0) warnOnce("UserWarning: Profiler won't be using warmup, this can skew profiler results");
  return (step: number): string => {
    if (step < skipFirst) return ProfilerAction.NONE;
    const s = step - skipFirst;
    const n = wait + warmup + act;
    if (repeat > 0 && s / n >= repeat) return ProfilerAction.NONE;
    const m = s % n;
    if (m < wait) return ProfilerAction.NONE;
    if (m < wait + warmup) return ProfilerAction.WARMUP;
    return m < n - 1 ? ProfilerAction.RECORD : ProfilerAction.RECORD_AND_SAVE;
  };
}

/** torch.profiler.tensorboard_trace_handler(dir_name, worker_name=None): an on_trace_ready that exports each cycle's Chrome trace into dir_name (in the engine's file store). */
export function tensorboard_trace_handler(dir_name: string, worker_name: string | null = null): (prof: profile) => void {
  let n = 0;
  return (prof: profile) => prof.export_chrome_trace(`${dir_name}/${worker_name ?? "worker0"}.${++n}.pt.trace.json`);
}

/** torch.profiler.ProfilerActivity: CPU is measured; CUDA raises (no GPU here). */
export const ProfilerActivity = Object.freeze({ CPU: "ProfilerActivity.CPU", CUDA: "ProfilerActivity.CUDA" } as const);

export interface ProfileOptions {
  activities?: readonly string[] | null;
  schedule?: ((step: number) => unknown) | null;
  on_trace_ready?: ((prof: profile) => unknown) | null;
  record_shapes?: boolean;
  profile_memory?: boolean;
  with_stack?: boolean;
  with_flops?: boolean;
  with_modules?: boolean;
  use_cuda?: boolean | null;
  experimental_config?: unknown;
  enabled?: boolean;
  use_kineto?: boolean;
  use_cpu?: boolean;
}

const LEGACY_KEYS = ["use_cuda", "record_shapes", "with_flops", "profile_memory", "with_stack", "with_modules", "use_kineto", "use_cpu", "experimental_config"] as const;
const PROFILE_KEYS = ["activities", "schedule", "on_trace_ready", "record_shapes", "profile_memory", "with_stack", "with_flops", "with_modules", "experimental_config", "use_cuda"] as const;

/**
 * torch.profiler.profile (keyword-only options, as in PyTorch) — also torch.autograd.profiler.profile
 * through legacyProfile below. new profile(options?, fn?): with fn, profiles fn right away.
 */
export class profile {
  activities: string[];
  record_shapes: boolean;
  profile_memory: boolean;
  with_stack: boolean;
  with_flops: boolean;
  with_modules: boolean;
  enabled = true;
  step_num = 0;
  /** schedule(step) -> ProfilerAction; without one every step is recorded. */
  schedule: (step: number) => string;
  current_action: string = ProfilerAction.RECORD;
  /** With a schedule, each step is a "ProfilerStep#N" event (PyTorch's record_steps). */
  record_steps: boolean;
  private started = false;
  private stepEvent: FunctionEvent | null = null;
  on_trace_ready: ((prof: profile) => unknown) | null;
  private recorder: Recorder | null = null;
  private outer: Recorder | null = null;
  private _events: FunctionEvent[] | null = null;

  constructor(options: ProfileOptions | (() => unknown) = {}, fn?: () => unknown) {
    if (typeof options === "function") [options, fn] = [{}, options];
    const o = parseArgs<ProfileOptions>("profile", [...PROFILE_KEYS], [options]);
    const acts = o.activities ?? [ProfilerActivity.CPU];
    for (const a of acts) {
      if (a === ProfilerActivity.CUDA || o.use_cuda) throw new RuntimeError("CUDA profiling is not available: this engine runs on the CPU only (use ProfilerActivity.CPU)");
      if (a !== ProfilerActivity.CPU) throw new ValueError(`unknown profiler activity ${String(a)}`);
    }
    this.activities = [...acts];
    this.record_shapes = o.record_shapes ?? false;
    this.profile_memory = o.profile_memory ?? false;
    this.with_stack = o.with_stack ?? false;
    this.with_flops = o.with_flops ?? false;
    this.with_modules = o.with_modules ?? false;
    this.on_trace_ready = o.on_trace_ready ?? null;
    this.record_steps = typeof o.schedule === "function";
    this.schedule = typeof o.schedule === "function" ? (o.schedule as (step: number) => string) : () => ProfilerAction.RECORD;
    if (fn !== undefined) {
      if (typeof fn !== "function") throw new TypeError_("profile(): the code to profile must be a function");
      this.start();
      try {
        fn();
      } finally {
        this.stop();
      }
    }
  }

  start(): void {
    if (!this.enabled) return;
    if (this.started) throw new RuntimeError("Profiler is already started");
    this.started = true;
    this.step_num = 0;
    this.current_action = this.schedule(0);
    if (isRecording(this.current_action)) this.beginRecording();
  }

  stop(): void {
    if (!this.enabled) return;
    if (!this.started) throw new RuntimeError("Profiler didn't finish running");
    this.started = false;
    if (this.recorder) this.finishCycle();
  }

  __enter__(): this {
    this.start();
    return this;
  }

  __exit__(): void {
    this.stop();
  }

  /**
   * Marks the end of a training step. With a schedule (torch.profiler.schedule), recording follows
   * its actions: nothing while waiting or warming up, then the active steps, each a
   * "ProfilerStep#N" event; after a RECORD_AND_SAVE step the cycle's events become this profile's
   * and on_trace_ready(prof) runs, as PyTorch's.
   */
  step(): void {
    if (!this.enabled || !this.started) return;
    const prev = this.current_action;
    this.step_num += 1;
    this.current_action = this.schedule(this.step_num);
    if (this.recorder && (prev === ProfilerAction.RECORD_AND_SAVE || !isRecording(this.current_action))) this.finishCycle();
    if (isRecording(this.current_action)) {
      if (!this.recorder) this.beginRecording();
      else if (this.record_steps) this.beginStep();
    }
  }

  private beginRecording(): void {
    this.outer = active;
    this.recorder = { record_shapes: this.record_shapes, profile_memory: this.profile_memory, events: [], stack: [] };
    active = this.recorder;
    install();
    if (this.record_steps) this.beginStep();
  }

  private beginStep(): void {
    const r = this.recorder!;
    if (this.stepEvent) finish(r, this.stepEvent);
    this.stepEvent = begin(r, `ProfilerStep#${this.step_num}`, []);
  }

  private finishCycle(): void {
    const r = this.recorder!;
    if (this.stepEvent) finish(r, this.stepEvent);
    this.stepEvent = null;
    this._events = r.events;
    active = this.outer;
    this.recorder = null;
    if (!active) uninstall();
    if (this.on_trace_ready) this.on_trace_ready(this);
  }

  /** Writes the events in Chrome's trace format (chrome://tracing, Perfetto) to `path` in the engine's file store. */
  export_chrome_trace(path: string): void {
    if (typeof path !== "string") throw new TypeError_("export_chrome_trace(): argument 'path' must be str");
    const traceEvents = this.events().map((e) => ({
      ph: "X", cat: e.name.startsWith("aten::") ? "cpu_op" : "user_annotation", name: e.name, pid: 0, tid: 0,
      ts: e.start, dur: e.cpu_time_total, args: this.record_shapes ? { "Input Dims": e.input_shapes } : {},
    }));
    write_file(path, new TextEncoder().encode(JSON.stringify({ traceEvents, displayTimeUnit: "ms" })));
  }

  /** Every recorded call, in start order. */
  events(): EventList<FunctionEvent> {
    if (this._events === null) throw new RuntimeError("Profiler didn't finish running");
    const out = new EventList<FunctionEvent>();
    out.push(...this._events);
    out.profile_memory = this.profile_memory;
    return out;
  }

  function_events(): EventList<FunctionEvent> {
    return this.events();
  }

  key_averages(...args: PyArgs<[group_by_input_shape?: boolean, group_by_stack_n?: number], { group_by_input_shape?: boolean; group_by_stack_n?: number }>): EventList<FunctionEventAvg> {
    const o = parseArgs<{ group_by_input_shape?: boolean; group_by_stack_n?: number }>("key_averages", ["group_by_input_shape", "group_by_stack_n"], args);
    if (o.group_by_input_shape && !this.record_shapes) {
      throw new RuntimeError("Input shapes are not recorded: profile with record_shapes=True to group by input shape");
    }
    const out = averages(this.events(), o.group_by_input_shape ?? false);
    out.profile_memory = this.profile_memory;
    return out;
  }

  get self_cpu_time_total(): number {
    return this.events().self_cpu_time_total;
  }

  table(...args: Parameters<EventList<FunctionEventAvg>["table"]>): string {
    return this.key_averages().table(...args);
  }

  toString(): string {
    return this.table();
  }
}

/**
 * torch.autograd.profiler.profile(enabled=True, *, use_cuda=False, record_shapes=False, ...):
 * the same recorder under the legacy signature (enabled positional, the rest keyword-only).
 */
export class legacyProfile extends profile {
  constructor(...args: PyArgs<[enabled?: boolean], Omit<ProfileOptions, "activities" | "schedule" | "on_trace_ready">> | [Omit<ProfileOptions, "activities">, () => unknown]) {
    const fn = typeof args[args.length - 1] === "function" ? (args.pop() as () => unknown) : undefined;
    const o = parseArgs<ProfileOptions>("profile", ["enabled", ...LEGACY_KEYS], args);
    const { enabled, ...rest } = o;
    // use_kineto / use_cpu choose PyTorch's backend; the CPU recorder here is the only one.
    delete rest.use_kineto;
    delete rest.use_cpu;
    super({ ...rest, activities: rest.use_cuda ? [ProfilerActivity.CPU, ProfilerActivity.CUDA] : [ProfilerActivity.CPU], use_cuda: undefined });
    this.enabled = enabled ?? true;
    if (fn) {
      this.start();
      try {
        fn();
      } finally {
        this.stop();
      }
    }
  }
}
Object.defineProperty(legacyProfile, "name", { value: "profile" });

/** record_function(name, fn) runs fn as a user event `name` and returns its result; record_function(name) gives a handle with __enter__ / __exit__. */
export function record_function<T>(name: string, fn: () => T): T;
export function record_function(name: string, args?: string | null): { __enter__(): unknown; __exit__(): void };
export function record_function<T>(name: string, fn?: (() => T) | string | null): T | { __enter__(): unknown; __exit__(): void } {
  if (typeof name !== "string") throw new TypeError_(`record_function(): argument 'name' must be str, not ${typeof name}`);
  if (typeof fn === "function") return recorded(name, [], fn);
  if (fn !== undefined && fn !== null && typeof fn !== "string") {
    throw new TypeError_("record_function(): the second argument is args (a string) or the function to run");
  }
  let open: { r: Recorder; e: FunctionEvent } | null = null;
  return {
    __enter__() {
      if (active) open = { r: active, e: begin(active, name, []) };
      return this;
    },
    __exit__() {
      if (open) finish(open.r, open.e);
      open = null;
    },
  };
}
