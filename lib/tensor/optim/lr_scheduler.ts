/**
 * Learning-rate schedulers, PyTorch 1.13's torch.optim.lr_scheduler. Most use the chainable
 * form: each step() rescales the groups' current lr, so other changes to group.lr compose.
 * Call scheduler.step() after optimizer.step(), typically once per epoch (OneCycleLR: once per
 * batch; ReduceLROnPlateau: step(val_loss)).
 *
 * PyTorch's conventions kept: the constructor sets group.initial_lr only where it is absent
 * (so a second scheduler or a resumed one keeps the original base), constructing runs one
 * step (last_epoch becomes 0), `step(epoch)` jumps to that epoch through the closed form where
 * one exists (SequentialLR uses it at its milestones), and state_dict() is every setting but
 * the optimizer (and, for LambdaLR, the functions).
 */
import { annealFuncLoaded, annealFuncSaved } from "./anneal_func_state";
import { parseArgs, type PyArgs } from "../args";
import { TypeError_, ValueError } from "../errors";
import { Optimizer, optimizerByKeyword, type WithOptimizer } from "./optimizer";
import { pyTypeName } from "../py_type_name";
import { warnOnce } from "../warnings";

type AnyOptimizer = Optimizer<{ lr: number }> | Optimizer<object>;

/** The fields of a param group the schedulers read and write. */
interface LrGroup {
  lr: number;
  initial_lr?: number;
  max_lr?: number;
  min_lr?: number;
  momentum?: number;
  betas?: [number, number];
  max_momentum?: number;
  base_momentum?: number;
}

/** Python's a % b (the sign of b), which CosineAnnealingLR's period test relies on. */
function pyMod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

/** Number of entries of the sorted list `xs` that are <= x (Python's bisect_right). */
function bisectRight(xs: readonly number[], x: number): number {
  let n = 0;
  while (n < xs.length && xs[n] <= x) n++;
  return n;
}

function groupsOf(optimizer: AnyOptimizer): LrGroup[] {
  return optimizer.param_groups as unknown as LrGroup[];
}

function checkOptimizer(optimizer: unknown): AnyOptimizer {
  if (!(optimizer instanceof Optimizer)) throw new TypeError_(`${pyTypeName(optimizer)} is not an Optimizer`);
  return optimizer;
}

/** Marks an optimizer.step already wrapped by withCounter. */
const WITH_COUNTER = Symbol("with_counter");
type CountedOptimizer = { step: ((...args: unknown[]) => unknown) & { [WITH_COUNTER]?: true }; _step_count?: number };

/**
 * torch's with_counter: a scheduler wraps its optimizer's step (once) so that optimizer._step_count counts the calls,
 * and sets the count to 0; step() then warns when the scheduler steps before the optimizer ever has. Counted after the
 * call, so a deferred initial step run from inside optimizer.step() does not undo the count. Not enumerable: the
 * optimizer's own keys stay its own.
 */
function withCounter(optimizer: AnyOptimizer): void {
  const o = optimizer as unknown as CountedOptimizer;
  if (!o.step[WITH_COUNTER]) {
    const inner = o.step;
    const counted = Object.assign(function (this: unknown, ...args: unknown[]): unknown {
      const out = inner.apply(this, args);
      o._step_count = (o._step_count ?? 0) + 1;
      return out;
    }, { [WITH_COUNTER]: true as const });
    Object.defineProperty(o, "step", { value: counted, writable: true, configurable: true, enumerable: false });
  }
  Object.defineProperty(o, "_step_count", { value: 0, writable: true, configurable: true, enumerable: false });
}

/** Keys a scheduler's state_dict leaves out (not data, or saved separately). */
const NOT_STATE = new Set(["optimizer", "lr_lambdas", "_schedulers"]);
/**
 * The keys the base scheduler sets, in the order torch 1.13's __dict__ has them: after the subclass's own settings
 * (torch's built-in schedulers set theirs before calling _LRScheduler.__init__; JavaScript defines the base fields first).
 */
const BASE_STATE_ORDER = ["base_lrs", "last_epoch", "verbose", "_step_count", "_get_lr_called_within_step", "_last_lr"];

/** torch 1.13's warning (from a built-in scheduler's get_lr) when get_lr() is called other than by step(). */
function warnGetLrOutsideStep(s: LRScheduler): void {
  if (!s._get_lr_called_within_step) warnOnce("UserWarning: To get the last learning rate computed by the scheduler, please use `get_last_lr()`.");
}

/** torch 1.13's EPOCH_DEPRECATION_WARNING, shown when step() is given an epoch. */
function warnEpochDeprecated(): void {
  warnOnce(
    "UserWarning: The epoch parameter in `scheduler.step()` was not necessary and is being deprecated where possible. " +
      "Please use `scheduler.step()` to step the scheduler. During the deprecation, if epoch is different from None, " +
      "the closed form is used instead of the new chainable form, where available. Please open an issue if you are unable " +
      "to replicate your use case: https://github.com/pytorch/pytorch/issues/new/choose.",
  );
}

export abstract class LRScheduler {
  optimizer: AnyOptimizer;
  base_lrs: number[];
  last_epoch: number;
  /** verbose=True prints each group's new lr at every step, as PyTorch 1.13's print_lr (deprecated in later versions). */
  verbose: boolean;
  /** How many times step() ran (CosineAnnealingLR's first step after a resume uses the closed form). */
  _step_count = 0;
  /** True while step() computes the new rates: a built-in scheduler's get_lr() called otherwise warns, as torch's. */
  _get_lr_called_within_step = false;
  protected _last_lr: number[] = [];

  constructor(optimizer: AnyOptimizer, last_epoch = -1, verbose = false) {
    this.optimizer = checkOptimizer(optimizer);
    withCounter(this.optimizer);
    const groups = this.groups();
    if (last_epoch === -1) {
      // PyTorch's group.setdefault("initial_lr", group["lr"]): an existing value wins.
      for (const g of groups) if (g.initial_lr === undefined) g.initial_lr = g.lr;
    } else {
      groups.forEach((g, i) => {
        if (g.initial_lr === undefined) throw new ValueError(`param 'initial_lr' is not specified in param_groups[${i}] when resuming an optimizer`);
      });
    }
    this.base_lrs = groups.map((g) => g.initial_lr as number);
    this.last_epoch = last_epoch;
    this.verbose = verbose;
    deferInitialStep(this);
  }

  /**
   * Subclasses call this at the end of their constructor, once their settings exist. A subclass that does
   * not (a learner's `class CosineWarmupScheduler extends _LRScheduler`, whose Python __init__ sets its
   * fields before super().__init__ and so gets the step from there) has it run on first use instead: the
   * first read of a group's lr (optimizer.step()), step(), get_last_lr() or state_dict().
   */
  _initial_step(): void {
    settleGroups(this);
    this._step_count = 0;
    this.step();
  }

  protected groups(): LrGroup[] {
    return groupsOf(this.optimizer);
  }

  protected currentLrs(): number[] {
    return this.groups().map((g) => g.lr);
  }

  /** The learning rates for the current last_epoch (chainable form). */
  abstract get_lr(): number[];

  /** The learning rates at last_epoch computed from base_lrs alone, where the schedule has one. */
  protected _get_closed_form_lr(): number[] | null {
    return null;
  }

  /** Advances one epoch; `step(epoch)` (deprecated in PyTorch) jumps to that epoch instead. */
  step(epoch?: number): void {
    if (pendingInitialStep.has(this)) this._initial_step();
    const counted = this.optimizer as unknown as CountedOptimizer;
    if (this._step_count === 1 && counted.step[WITH_COUNTER] && (counted._step_count ?? 0) < 1) {
      warnOnce(
        "UserWarning: Detected call of `lr_scheduler.step()` before `optimizer.step()`. In PyTorch 1.1.0 and later, you should call them in the opposite order: " +
          "`optimizer.step()` before `lr_scheduler.step()`.  Failure to do this will result in PyTorch skipping the first value of the learning rate schedule. " +
          "See more details at https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate",
      );
    }
    this._step_count += 1;
    let lrs: number[];
    this._get_lr_called_within_step = true;
    try {
      if (epoch === undefined) {
        this.last_epoch += 1;
        lrs = this.get_lr();
      } else {
        warnEpochDeprecated();
        this.last_epoch = epoch;
        lrs = this._get_closed_form_lr() ?? this.get_lr();
      }
    } finally {
      this._get_lr_called_within_step = false;
    }
    this.groups().forEach((g, i) => {
      g.lr = lrs[i];
      this.print_lr(this.verbose, i, lrs[i], epoch);
    });
    this._last_lr = this.currentLrs();
  }

  /**
   * PyTorch 1.13's print_lr: when is_verbose, prints "Adjusting learning rate of group 0 to 1.0000e-03." (with
   * "Epoch 00003: adjusting ..." when step was given an epoch; a fractional one as "Epoch 2.50").
   */
  print_lr(is_verbose: boolean, group: number, lr: number, epoch?: number): void {
    if (!is_verbose) return;
    if (epoch === undefined) console.log(`Adjusting learning rate of group ${group} to ${fmtE4(lr)}.`);
    else console.log(`Epoch ${epochStr(epoch)}: adjusting learning rate of group ${group} to ${fmtE4(lr)}.`);
  }

  /** The learning rates set by the last step(). */
  get_last_lr(): number[] {
    if (pendingInitialStep.has(this)) this._initial_step();
    return this._last_lr.slice();
  }

  /** Every setting but the optimizer, copied (PyTorch's `__dict__` minus "optimizer", in its key order). */
  state_dict(): Record<string, unknown> {
    if (pendingInitialStep.has(this)) this._initial_step();
    const entries = Object.entries(this).filter(([k]) => !NOT_STATE.has(k));
    const base = BASE_STATE_ORDER.flatMap((k) => entries.filter(([key]) => key === k));
    return Object.fromEntries(
      [...entries.filter(([k]) => !BASE_STATE_ORDER.includes(k)), ...base].map(([k, v]) => [k, structuredCopy(v)]),
    );
  }

  load_state_dict(state: Record<string, unknown>): void {
    for (const [k, v] of Object.entries(state)) {
      if (NOT_STATE.has(k)) continue;
      (this as unknown as Record<string, unknown>)[k] = structuredCopy(v);
    }
  }
}

/** Python's "{:.4e}": at least two exponent digits (1.0000e-03). */
function fmtE4(v: number): string {
  return v.toExponential(4).replace(/e([+-])(\d)$/, "e$10$2");
}

/** The epoch as PyTorch's verbose lines write it: "%.5d" (00003), or "%.2f" for a fractional one. */
function epochStr(epoch: number): string {
  if (!Number.isInteger(epoch)) return epoch.toFixed(2);
  return (epoch < 0 ? "-" : "") + String(Math.abs(epoch)).padStart(5, "0");
}

/** The ReduceLROnPlateau schedulers step() has run on (torch 1.13 sets _last_lr there, not in __init__). */
const steppedPlateaus = new WeakSet<object>();
/** Schedulers constructed whose initial step has not run yet (see LRScheduler._initial_step). */
const pendingInitialStep = new WeakSet<LRScheduler>();
/** The param groups whose lr is an accessor that runs a pending initial step, with the lr each holds. */
const deferredGroups = new WeakMap<LRScheduler, { group: LrGroup; lr: number }[]>();

/** Makes each group's lr an accessor: reading it first runs the scheduler's initial step (as PyTorch's constructor would have). */
function deferInitialStep(s: LRScheduler): void {
  pendingInitialStep.add(s);
  const held = groupsOf(s.optimizer).map((group) => ({ group, lr: group.lr }));
  deferredGroups.set(s, held);
  for (const h of held) {
    Object.defineProperty(h.group, "lr", {
      configurable: true,
      enumerable: true,
      get: () => {
        if (pendingInitialStep.has(s)) s._initial_step();
        return h.group.lr;
      },
      set: (v: number) => {
        h.lr = v;
      },
    });
  }
}

/** Turns the groups' lr back into plain values and clears the pending initial step. */
function settleGroups(s: LRScheduler): void {
  pendingInitialStep.delete(s);
  const held = deferredGroups.get(s);
  if (held === undefined) return;
  deferredGroups.delete(s);
  for (const h of held) Object.defineProperty(h.group, "lr", { value: h.lr, writable: true, enumerable: true, configurable: true });
}

/** Deep copy of the plain data a scheduler holds (numbers, strings, arrays, plain objects). */
function structuredCopy<T>(v: T): T {
  if (Array.isArray(v)) return v.map(structuredCopy) as T;
  if (v !== null && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, structuredCopy(x)])) as T;
  }
  return v;
}

/** A setting without a default (PyTorch's required positional argument). */
function need<T>(fn: string, name: string, value: T | undefined): T {
  if (value === undefined) throw new TypeError_(`${fn}() missing 1 required positional argument: '${name}'`);
  return value;
}

/** Merges (first, ...rest) into one argument list for parseArgs; `first` may be the options object. */
function argsOf(first: unknown, rest: readonly unknown[]): unknown[] {
  return first === undefined && rest.length === 0 ? [] : [first, ...rest];
}

export interface StepLROptions {
  step_size?: number;
  gamma?: number;
  last_epoch?: number;
  verbose?: boolean;
}

/** Multiplies each group's lr by gamma every step_size epochs. */
export class StepLR extends LRScheduler {
  step_size: number;
  gamma: number;

  /** new lr_scheduler.StepLR(optimizer, step_size, gamma=0.1) or StepLR(optimizer, { step_size, gamma }) */
  constructor(
    optimizer: AnyOptimizer | WithOptimizer<StepLROptions>,
    step_size?: number | StepLROptions,
    ...args: PyArgs<[gamma?: number, last_epoch?: number, verbose?: boolean], Omit<StepLROptions, "step_size">>
  ) {
    let rest: unknown[];
    [optimizer, rest] = optimizerByKeyword("StepLR", optimizer, [step_size, ...args]);
    const o = parseArgs<StepLROptions>("StepLR", ["step_size", "gamma", "last_epoch", "verbose"], rest);
    super(optimizer, o.last_epoch ?? -1, o.verbose ?? false);
    this.step_size = need("StepLR", "step_size", o.step_size);
    this.gamma = o.gamma ?? 0.1;
    this._initial_step();
  }

  get_lr(): number[] {
    warnGetLrOutsideStep(this);
    if (this.last_epoch === 0 || this.last_epoch % this.step_size !== 0) return this.currentLrs();
    return this.currentLrs().map((lr) => lr * this.gamma);
  }

  protected override _get_closed_form_lr(): number[] {
    return this.base_lrs.map((b) => b * this.gamma ** Math.floor(this.last_epoch / this.step_size));
  }
}

export interface MultiStepLROptions {
  milestones?: readonly number[];
  gamma?: number;
  last_epoch?: number;
  verbose?: boolean;
}

/** Multiplies the lr by gamma at each milestone epoch (gamma^k when a milestone is listed k times). */
export class MultiStepLR extends LRScheduler {
  /** Milestone -> how many times it was listed (PyTorch's Counter). */
  milestones: Record<number, number>;
  gamma: number;

  /** new lr_scheduler.MultiStepLR(optimizer, milestones, gamma=0.1) or (optimizer, { milestones, gamma }) */
  constructor(
    optimizer: AnyOptimizer | WithOptimizer<MultiStepLROptions>,
    milestones?: readonly number[] | MultiStepLROptions,
    ...args: PyArgs<[gamma?: number, last_epoch?: number, verbose?: boolean], Omit<MultiStepLROptions, "milestones">>
  ) {
    let rest: unknown[];
    [optimizer, rest] = optimizerByKeyword("MultiStepLR", optimizer, [milestones, ...args]);
    const o = parseArgs<MultiStepLROptions>("MultiStepLR", ["milestones", "gamma", "last_epoch", "verbose"], rest);
    super(optimizer, o.last_epoch ?? -1, o.verbose ?? false);
    this.milestones = {};
    for (const m of need("MultiStepLR", "milestones", o.milestones)) this.milestones[m] = (this.milestones[m] ?? 0) + 1;
    this.gamma = o.gamma ?? 0.1;
    this._initial_step();
  }

  get_lr(): number[] {
    warnGetLrOutsideStep(this);
    const k = this.milestones[this.last_epoch];
    if (!k) return this.currentLrs();
    return this.currentLrs().map((lr) => lr * this.gamma ** k);
  }

  protected override _get_closed_form_lr(): number[] {
    const sorted = Object.entries(this.milestones).flatMap(([m, n]) => Array<number>(n).fill(Number(m))).sort((a, b) => a - b);
    return this.base_lrs.map((b) => b * this.gamma ** bisectRight(sorted, this.last_epoch));
  }
}

/** Multiplies each group's lr by gamma every epoch. */
export class ExponentialLR extends LRScheduler {
  gamma: number;
  /** new lr_scheduler.ExponentialLR(optimizer, gamma) or ExponentialLR(optimizer, { gamma }) */
  constructor(
    optimizer: AnyOptimizer | WithOptimizer<{ gamma?: number; last_epoch?: number; verbose?: boolean }>,
    gamma?: number | { gamma?: number; last_epoch?: number; verbose?: boolean },
    ...args: PyArgs<[last_epoch?: number, verbose?: boolean], { last_epoch?: number; verbose?: boolean }>
  ) {
    let rest: unknown[];
    [optimizer, rest] = optimizerByKeyword("ExponentialLR", optimizer, [gamma, ...args]);
    const o = parseArgs<{ gamma?: number; last_epoch?: number; verbose?: boolean }>("ExponentialLR", ["gamma", "last_epoch", "verbose"], rest);
    super(optimizer, o.last_epoch ?? -1, o.verbose ?? false);
    this.gamma = need("ExponentialLR", "gamma", o.gamma);
    this._initial_step();
  }

  get_lr(): number[] {
    warnGetLrOutsideStep(this);
    if (this.last_epoch === 0) return this.currentLrs();
    return this.currentLrs().map((lr) => lr * this.gamma);
  }

  protected override _get_closed_form_lr(): number[] {
    return this.base_lrs.map((b) => b * this.gamma ** this.last_epoch);
  }
}

export interface CosineAnnealingLROptions {
  T_max?: number;
  eta_min?: number;
  last_epoch?: number;
  verbose?: boolean;
}

/**
 * Cosine annealing from the base lr down to eta_min over T_max epochs, then back up (SGDR
 * without restarts), in PyTorch's recursive form so it composes with other changes to lr.
 */
export class CosineAnnealingLR extends LRScheduler {
  T_max: number;
  eta_min: number;

  /** new lr_scheduler.CosineAnnealingLR(optimizer, T_max, eta_min=0) or (optimizer, { T_max, eta_min }) */
  constructor(
    optimizer: AnyOptimizer | WithOptimizer<CosineAnnealingLROptions>,
    T_max?: number | CosineAnnealingLROptions,
    ...args: PyArgs<[eta_min?: number, last_epoch?: number, verbose?: boolean], Omit<CosineAnnealingLROptions, "T_max">>
  ) {
    let rest: unknown[];
    [optimizer, rest] = optimizerByKeyword("CosineAnnealingLR", optimizer, [T_max, ...args]);
    const o = parseArgs<CosineAnnealingLROptions>("CosineAnnealingLR", ["T_max", "eta_min", "last_epoch", "verbose"], rest);
    super(optimizer, o.last_epoch ?? -1, o.verbose ?? false);
    this.T_max = need("CosineAnnealingLR", "T_max", o.T_max);
    this.eta_min = o.eta_min ?? 0;
    this._initial_step();
  }

  get_lr(): number[] {
    warnGetLrOutsideStep(this);
    const { T_max: T, eta_min: eta, last_epoch: e } = this;
    const lrs = this.currentLrs();
    if (e === 0) return lrs;
    if (this._step_count === 1 && e > 0) {
      return this.base_lrs.map((b) => eta + ((b - eta) * (1 + Math.cos((e * Math.PI) / T))) / 2);
    }
    if (pyMod(e - 1 - T, 2 * T) === 0) {
      return lrs.map((lr, i) => lr + ((this.base_lrs[i] - eta) * (1 - Math.cos(Math.PI / T))) / 2);
    }
    return lrs.map((lr) => ((1 + Math.cos((Math.PI * e) / T)) / (1 + Math.cos((Math.PI * (e - 1)) / T))) * (lr - eta) + eta);
  }

  protected override _get_closed_form_lr(): number[] {
    const { T_max: T, eta_min: eta, last_epoch: e } = this;
    return this.base_lrs.map((b) => eta + ((b - eta) * (1 + Math.cos((Math.PI * e) / T))) / 2);
  }
}

export interface LambdaLROptions {
  lr_lambda?: ((epoch: number) => number) | readonly ((epoch: number) => number)[];
  last_epoch?: number;
  verbose?: boolean;
}

/**
 * LambdaLR's and MultiplicativeLR's shared construction: `(optimizer, lr_lambda, last_epoch)` or
 * options, lr_lambda one function for every param group or one per group.
 */
abstract class LambdaSchedulerBase extends LRScheduler {
  lr_lambdas: ((epoch: number) => number)[];

  constructor(
    scheduler: string,
    optimizer: AnyOptimizer | WithOptimizer<LambdaLROptions>,
    lr_lambda: LambdaLROptions["lr_lambda"] | LambdaLROptions | undefined,
    args: PyArgs<[last_epoch?: number, verbose?: boolean], { last_epoch?: number; verbose?: boolean }>,
  ) {
    let rest: unknown[];
    [optimizer, rest] = optimizerByKeyword(scheduler, optimizer, [lr_lambda, ...args]);
    const o = parseArgs<LambdaLROptions>(scheduler, ["lr_lambda", "last_epoch", "verbose"], rest);
    const fns = need(scheduler, "lr_lambda", o.lr_lambda);
    const n = checkOptimizer(optimizer).param_groups.length;
    if (typeof fns !== "function" && fns.length !== n) throw new ValueError(`Expected ${n} lr_lambdas, but got ${fns.length}`);
    super(optimizer, o.last_epoch ?? -1, o.verbose ?? false);
    this.lr_lambdas = typeof fns === "function" ? Array.from({ length: n }, () => fns) : [...fns];
    this._initial_step();
  }

  /** torch 1.13's: the settings, then lr_lambdas with None for each function (a function is not saved). */
  override state_dict(): Record<string, unknown> {
    return { ...super.state_dict(), lr_lambdas: this.lr_lambdas.map(() => null) };
  }
}

/** lr = base_lr * lr_lambda(epoch); one function for every group or one per group. */
export class LambdaLR extends LambdaSchedulerBase {
  /** new lr_scheduler.LambdaLR(optimizer, (epoch) => 0.95 ** epoch) or (optimizer, { lr_lambda }) */
  constructor(
    optimizer: AnyOptimizer | WithOptimizer<LambdaLROptions>,
    lr_lambda?: LambdaLROptions["lr_lambda"] | LambdaLROptions,
    ...args: PyArgs<[last_epoch?: number, verbose?: boolean], { last_epoch?: number; verbose?: boolean }>
  ) {
    super("LambdaLR", optimizer, lr_lambda, args);
  }

  get_lr(): number[] {
    warnGetLrOutsideStep(this);
    return this.base_lrs.map((b, i) => b * this.lr_lambdas[i](this.last_epoch));
  }
}

export interface ConstantLROptions {
  factor?: number;
  total_iters?: number;
  last_epoch?: number;
  verbose?: boolean;
}

/** lr * factor for the first total_iters epochs, then the base lr. */
export class ConstantLR extends LRScheduler {
  factor: number;
  total_iters: number;

  /** new lr_scheduler.ConstantLR(optimizer, factor=1/3, total_iters=5) or (optimizer, { factor, total_iters }) */
  constructor(optimizer: AnyOptimizer | WithOptimizer<ConstantLROptions>, ...args: PyArgs<[factor?: number, total_iters?: number, last_epoch?: number, verbose?: boolean], ConstantLROptions>) {
    [optimizer, args] = optimizerByKeyword("ConstantLR", optimizer, args);
    const o = parseArgs<ConstantLROptions>("ConstantLR", ["factor", "total_iters", "last_epoch", "verbose"], args);
    const factor = o.factor ?? 1 / 3;
    if (factor > 1 || factor < 0) throw new ValueError("Constant multiplicative factor expected to be between 0 and 1.");
    super(optimizer, o.last_epoch ?? -1, o.verbose ?? false);
    this.factor = factor;
    this.total_iters = o.total_iters ?? 5;
    this._initial_step();
  }

  get_lr(): number[] {
    warnGetLrOutsideStep(this);
    const lrs = this.currentLrs();
    if (this.last_epoch === 0) return lrs.map((lr) => lr * this.factor);
    if (this.last_epoch !== this.total_iters) return lrs;
    return lrs.map((lr) => lr * (1 / this.factor));
  }

  protected override _get_closed_form_lr(): number[] {
    const done = this.last_epoch >= this.total_iters ? 1 : 0;
    return this.base_lrs.map((b) => b * (this.factor + done * (1 - this.factor)));
  }
}

export interface LinearLROptions {
  start_factor?: number;
  end_factor?: number;
  total_iters?: number;
  last_epoch?: number;
  verbose?: boolean;
}

/** Scales the lr linearly from start_factor to end_factor over total_iters epochs (warm-up). */
export class LinearLR extends LRScheduler {
  start_factor: number;
  end_factor: number;
  total_iters: number;

  /** new lr_scheduler.LinearLR(optimizer, start_factor=1/3, end_factor=1, total_iters=5) or with options */
  constructor(
    optimizer: AnyOptimizer | WithOptimizer<LinearLROptions>,
    ...args: PyArgs<[start_factor?: number, end_factor?: number, total_iters?: number, last_epoch?: number, verbose?: boolean], LinearLROptions>
  ) {
    [optimizer, args] = optimizerByKeyword("LinearLR", optimizer, args);
    const o = parseArgs<LinearLROptions>("LinearLR", ["start_factor", "end_factor", "total_iters", "last_epoch", "verbose"], args);
    const start = o.start_factor ?? 1 / 3;
    const end = o.end_factor ?? 1;
    if (start > 1 || start < 0) throw new ValueError("Starting multiplicative factor expected to be greater than 0 and less or equal to 1.");
    if (end > 1 || end < 0) throw new ValueError("Ending multiplicative factor expected to be between 0 and 1.");
    super(optimizer, o.last_epoch ?? -1, o.verbose ?? false);
    this.start_factor = start;
    this.end_factor = end;
    this.total_iters = o.total_iters ?? 5;
    this._initial_step();
  }

  get_lr(): number[] {
    warnGetLrOutsideStep(this);
    const { start_factor: s, end_factor: f, total_iters: n, last_epoch: e } = this;
    const lrs = this.currentLrs();
    if (e === 0) return lrs.map((lr) => lr * s);
    if (e > n) return lrs;
    return lrs.map((lr) => lr * (1 + (f - s) / (n * s + (e - 1) * (f - s))));
  }

  protected override _get_closed_form_lr(): number[] {
    const { start_factor: s, end_factor: f, total_iters: n, last_epoch: e } = this;
    return this.base_lrs.map((b) => b * (s + ((f - s) * Math.min(n, e)) / n));
  }
}

export interface SequentialLROptions {
  schedulers?: readonly LRScheduler[];
  milestones?: readonly number[];
  last_epoch?: number;
  verbose?: boolean;
}

/**
 * What SequentialLR and ChainedScheduler share: schedulers of one optimizer, the lrs of the last
 * step, and a state_dict holding each scheduler's own. The fields are `declare`d so that each
 * subclass keeps its own state_dict key order.
 */
abstract class SchedulerOfSchedulers {
  declare optimizer: AnyOptimizer;
  declare _schedulers: LRScheduler[];
  protected declare _last_lr: number[];

  abstract step(): void;

  get_last_lr(): number[] {
    return this._last_lr.slice();
  }

  state_dict(): Record<string, unknown> {
    const own = Object.fromEntries(Object.entries(this).filter(([k]) => !NOT_STATE.has(k)).map(([k, v]) => [k, structuredCopy(v)]));
    return { ...own, _schedulers: this._schedulers.map((s) => s.state_dict()) };
  }

  load_state_dict(state: Record<string, unknown>): void {
    const { _schedulers: inner, ...own } = state;
    for (const [k, v] of Object.entries(own)) if (k !== "optimizer") (this as unknown as Record<string, unknown>)[k] = structuredCopy(v);
    (inner as Record<string, unknown>[] | undefined)?.forEach((s, i) => this._schedulers[i].load_state_dict(s));
  }
}

/** Runs schedulers one after another, switching at the milestones (warm-up then decay). */
export class SequentialLR extends SchedulerOfSchedulers {
  _milestones: number[];
  last_epoch: number;

  /** new lr_scheduler.SequentialLR(optimizer, [warmup, decay], [5]) or (optimizer, { schedulers, milestones }) */
  constructor(
    optimizer: AnyOptimizer | WithOptimizer<SequentialLROptions>,
    schedulers?: readonly LRScheduler[] | SequentialLROptions,
    ...args: PyArgs<[milestones?: readonly number[], last_epoch?: number, verbose?: boolean], Omit<SequentialLROptions, "schedulers">>
  ) {
    super();
    let rest: unknown[];
    [optimizer, rest] = optimizerByKeyword("SequentialLR", optimizer, [schedulers, ...args]);
    const o = parseArgs<SequentialLROptions>("SequentialLR", ["schedulers", "milestones", "last_epoch", "verbose"], rest);
    const list = need("SequentialLR", "schedulers", o.schedulers);
    const milestones = need("SequentialLR", "milestones", o.milestones);
    list.forEach((s, i) => {
      if (s.optimizer !== optimizer) {
        throw new ValueError(`Sequential Schedulers expects all schedulers to belong to the same optimizer, but got schedulers at index ${i} to be different than the optimizer passed in.`);
      }
    });
    if (milestones.length !== list.length - 1) {
      throw new ValueError(
        `Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers ${list.length} and the number of milestones to be equal to ${milestones.length}`,
      );
    }
    this.optimizer = optimizer;
    this._schedulers = [...list];
    this._milestones = [...milestones];
    this.last_epoch = (o.last_epoch ?? -1) + 1;
    // Undo what constructing the schedulers did, then start the first one afresh (as PyTorch does).
    for (const g of groupsOf(optimizer)) g.lr = g.initial_lr as number;
    for (const s of this._schedulers) s.last_epoch -= 1;
    this._schedulers[0]._initial_step();
    this._last_lr = this._schedulers[0].get_last_lr();
  }

  step(): void {
    this.last_epoch += 1;
    const idx = bisectRight(this._milestones, this.last_epoch);
    const s = this._schedulers[idx];
    if (idx > 0 && this._milestones[idx - 1] === this.last_epoch) s.step(0);
    else s.step();
    this._last_lr = s.get_last_lr();
  }
}

export interface OneCycleLROptions {
  max_lr?: number | readonly number[];
  total_steps?: number | null;
  epochs?: number | null;
  steps_per_epoch?: number | null;
  pct_start?: number;
  anneal_strategy?: "cos" | "linear";
  cycle_momentum?: boolean;
  base_momentum?: number | readonly number[];
  max_momentum?: number | readonly number[];
  div_factor?: number;
  final_div_factor?: number;
  three_phase?: boolean;
  last_epoch?: number;
  verbose?: boolean;
}

interface Phase {
  end_step: number;
  start_lr: "initial_lr" | "max_lr" | "min_lr";
  end_lr: "initial_lr" | "max_lr" | "min_lr";
  start_momentum: "max_momentum" | "base_momentum";
  end_momentum: "max_momentum" | "base_momentum";
}

/**
 * The 1cycle policy (Smith, 2018), stepped once per batch: lr rises from max_lr/div_factor to
 * max_lr over pct_start of the steps, then anneals to initial_lr/final_div_factor (three_phase:
 * back to initial_lr first); momentum (SGD) or beta1 (Adam) moves inversely.
 */
export class OneCycleLR extends LRScheduler {
  total_steps!: number;
  _schedule_phases!: Phase[];
  /** torch 1.13's attribute (and state_dict key): _annealing_cos or _annealing_linear, as anneal_strategy chose. */
  anneal_func!: (start: number, end: number, pct: number) => number;
  cycle_momentum!: boolean;
  use_beta1!: boolean;

  /** new lr_scheduler.OneCycleLR(optimizer, max_lr, total_steps) or (optimizer, { max_lr, epochs, steps_per_epoch, ... }) */
  constructor(
    optimizer: AnyOptimizer | WithOptimizer<OneCycleLROptions>,
    max_lr?: number | readonly number[] | OneCycleLROptions,
    ...args: PyArgs<
      [
        total_steps?: number | null, epochs?: number | null, steps_per_epoch?: number | null, pct_start?: number,
        anneal_strategy?: "cos" | "linear", cycle_momentum?: boolean, base_momentum?: number | readonly number[],
        max_momentum?: number | readonly number[], div_factor?: number, final_div_factor?: number, three_phase?: boolean,
        last_epoch?: number, verbose?: boolean,
      ],
      Omit<OneCycleLROptions, "max_lr">
    >
  ) {
    const [byKeyword, rest] = optimizerByKeyword("OneCycleLR", optimizer, argsOf(max_lr, args));
    const o = parseArgs<OneCycleLROptions>(
      "OneCycleLR",
      ["max_lr", "total_steps", "epochs", "steps_per_epoch", "pct_start", "anneal_strategy", "cycle_momentum", "base_momentum",
        "max_momentum", "div_factor", "final_div_factor", "three_phase", "last_epoch", "verbose"],
      rest,
    );
    const opt = checkOptimizer(byKeyword);
    const groups = groupsOf(opt);
    const isPosInt = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && v > 0;
    let total: number;
    if ((o.total_steps ?? null) === null && (o.epochs ?? null) === null && (o.steps_per_epoch ?? null) === null) {
      throw new ValueError("You must define either total_steps OR (epochs AND steps_per_epoch)");
    } else if ((o.total_steps ?? null) !== null) {
      if (!isPosInt(o.total_steps)) throw new ValueError(`Expected positive integer total_steps, but got ${String(o.total_steps)}`);
      total = o.total_steps;
    } else {
      if (!isPosInt(o.epochs)) throw new ValueError(`Expected positive integer epochs, but got ${String(o.epochs)}`);
      if (!isPosInt(o.steps_per_epoch)) throw new ValueError(`Expected positive integer steps_per_epoch, but got ${String(o.steps_per_epoch)}`);
      total = o.epochs * o.steps_per_epoch;
    }
    const pct = o.pct_start ?? 0.3;
    const phases: Phase[] = o.three_phase
      ? [
        { end_step: pct * total - 1, start_lr: "initial_lr", end_lr: "max_lr", start_momentum: "max_momentum", end_momentum: "base_momentum" },
        { end_step: 2 * pct * total - 2, start_lr: "max_lr", end_lr: "initial_lr", start_momentum: "base_momentum", end_momentum: "max_momentum" },
        { end_step: total - 1, start_lr: "initial_lr", end_lr: "min_lr", start_momentum: "max_momentum", end_momentum: "max_momentum" },
      ]
      : [
        { end_step: pct * total - 1, start_lr: "initial_lr", end_lr: "max_lr", start_momentum: "max_momentum", end_momentum: "base_momentum" },
        { end_step: total - 1, start_lr: "max_lr", end_lr: "min_lr", start_momentum: "base_momentum", end_momentum: "max_momentum" },
      ];
    if (!(pct >= 0 && pct <= 1)) throw new ValueError(`Expected float between 0 and 1 pct_start, but got ${pct}`);
    const strategy = o.anneal_strategy ?? "cos";
    if (strategy !== "cos" && strategy !== "linear") {
      throw new ValueError(`anneal_strategy must by one of 'cos' or 'linear', instead got ${String(strategy)}`);
    }
    const lastEpoch = o.last_epoch ?? -1;
    const maxLrs = perGroup("max_lr", groups.length, need("OneCycleLR", "max_lr", o.max_lr));
    // Groups change only once every setting is known to be valid.
    const setLrs = (): void => {
      if (lastEpoch !== -1) return;
      groups.forEach((g, i) => {
        g.initial_lr = maxLrs[i] / (o.div_factor ?? 25);
        g.max_lr = maxLrs[i];
        g.min_lr = g.initial_lr / (o.final_div_factor ?? 1e4);
      });
    };
    const cycle = o.cycle_momentum ?? true;
    let useBeta1 = false;
    if (!cycle) setLrs();
    else {
      const defaults = opt.defaults as Record<string, unknown>;
      if (!("momentum" in defaults) && !("betas" in defaults)) {
        throw new ValueError("optimizer must support momentum with `cycle_momentum` option enabled");
      }
      useBeta1 = "betas" in defaults;
      const maxM = perGroup("max_momentum", groups.length, o.max_momentum ?? 0.95);
      const baseM = perGroup("base_momentum", groups.length, o.base_momentum ?? 0.85);
      setLrs();
      if (lastEpoch === -1) {
        groups.forEach((g, i) => {
          if (useBeta1) g.betas = [maxM[i], g.betas![1]];
          else g.momentum = maxM[i];
          g.max_momentum = maxM[i];
          g.base_momentum = baseM[i];
        });
      }
    }
    super(opt, lastEpoch, o.verbose ?? false);
    this.total_steps = total;
    this._schedule_phases = phases;
    this.anneal_func = strategy === "cos" ? this._annealing_cos : this._annealing_linear;
    this.cycle_momentum = cycle;
    this.use_beta1 = useBeta1;
    this._initial_step();
  }

  /** torch 1.13's keys, anneal_func by its method's name ("_annealing_cos"; see annealFuncSaved). */
  override state_dict(): Record<string, unknown> {
    return annealFuncSaved(super.state_dict(), this.anneal_func);
  }

  /** Restores a state_dict; anneal_func may be the method's name (state_dict()) or the method itself. */
  override load_state_dict(state: Record<string, unknown>): void {
    const { anneal_func: fn, ...rest } = state;
    super.load_state_dict(rest);
    this.anneal_func = annealFuncLoaded(fn, { _annealing_cos: this._annealing_cos, _annealing_linear: this._annealing_linear }, this.anneal_func);
  }

  /** Cosine annealing from start to end as pct goes from 0 to 1. */
  _annealing_cos(start: number, end: number, pct: number): number {
    return end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
  }

  /** Linear annealing from start to end as pct goes from 0 to 1. */
  _annealing_linear(start: number, end: number, pct: number): number {
    return (end - start) * pct + start;
  }

  get_lr(): number[] {
    warnGetLrOutsideStep(this);
    const step = this.last_epoch;
    // torch 1.13 counts the step being taken once more: its message reads step_num + 1 (5 after 4 steps past a total of 3)
    if (step > this.total_steps) throw new ValueError(`Tried to step ${step + 1} times. The specified number of total steps is ${this.total_steps}`);
    return this.groups().map((g) => {
      let start = 0;
      let lr = g.lr;
      let momentum = 0;
      for (let i = 0; i < this._schedule_phases.length; i++) {
        const ph = this._schedule_phases[i];
        if (step <= ph.end_step || i === this._schedule_phases.length - 1) {
          const pct = (step - start) / (ph.end_step - start);
          lr = this.anneal_func(g[ph.start_lr] as number, g[ph.end_lr] as number, pct);
          if (this.cycle_momentum) momentum = this.anneal_func(g[ph.start_momentum] as number, g[ph.end_momentum] as number, pct);
          break;
        }
        start = ph.end_step;
      }
      if (this.cycle_momentum) {
        if (this.use_beta1) g.betas = [momentum, g.betas![1]];
        else g.momentum = momentum;
      }
      return lr;
    });
  }
}

/** One value per param group from a number or a list (PyTorch's _format_param). */
function perGroup(name: string, n: number, v: number | readonly number[]): number[] {
  if (typeof v === "number") return Array<number>(n).fill(v);
  if (v.length !== n) throw new ValueError(`expected ${n} values for ${name}, got ${v.length}`);
  return [...v];
}

export interface ReduceLROnPlateauOptions {
  mode?: "min" | "max";
  factor?: number;
  patience?: number;
  threshold?: number;
  threshold_mode?: "rel" | "abs";
  cooldown?: number;
  min_lr?: number | readonly number[];
  eps?: number;
  verbose?: boolean;
}

/**
 * Cuts the lr by `factor` when a metric stops improving for more than `patience` epochs:
 * `scheduler.step(val_loss)` after each epoch.
 */
export class ReduceLROnPlateau {
  optimizer: AnyOptimizer;
  factor: number;
  min_lrs: number[];
  patience: number;
  verbose: boolean;
  cooldown: number;
  cooldown_counter = 0;
  mode: "min" | "max";
  threshold: number;
  threshold_mode: "rel" | "abs";
  best = Infinity;
  num_bad_epochs = 0;
  mode_worse = Infinity;
  eps: number;
  last_epoch = 0;
  protected _last_lr: number[];

  /** new lr_scheduler.ReduceLROnPlateau(optimizer, "min", 0.1, 10) or (optimizer, { mode, factor, patience, ... }) */
  constructor(
    optimizer: AnyOptimizer | WithOptimizer<ReduceLROnPlateauOptions>,
    ...args: PyArgs<
      [mode?: "min" | "max", factor?: number, patience?: number, threshold?: number, threshold_mode?: "rel" | "abs",
        cooldown?: number, min_lr?: number | readonly number[], eps?: number, verbose?: boolean],
      ReduceLROnPlateauOptions
    >
  ) {
    [optimizer, args] = optimizerByKeyword("ReduceLROnPlateau", optimizer, args);
    const o = parseArgs<ReduceLROnPlateauOptions>(
      "ReduceLROnPlateau",
      ["mode", "factor", "patience", "threshold", "threshold_mode", "cooldown", "min_lr", "eps", "verbose"],
      args,
    );
    this.factor = o.factor ?? 0.1;
    if (this.factor >= 1) throw new ValueError("Factor should be < 1.0.");
    this.optimizer = checkOptimizer(optimizer);
    const n = optimizer.param_groups.length;
    const minLr = o.min_lr ?? 0;
    if (typeof minLr !== "number" && minLr.length !== n) throw new ValueError(`expected ${n} min_lrs, got ${minLr.length}`);
    this.min_lrs = typeof minLr === "number" ? Array<number>(n).fill(minLr) : [...minLr];
    this.patience = o.patience ?? 10;
    this.verbose = o.verbose ?? false;
    this.cooldown = o.cooldown ?? 0;
    this.mode = o.mode ?? "min";
    this.threshold = o.threshold ?? 1e-4;
    this.threshold_mode = o.threshold_mode ?? "rel";
    this.eps = o.eps ?? 1e-8;
    this._init_is_better();
    this._reset();
    this._last_lr = groupsOf(this.optimizer).map((g) => g.lr);
  }

  private _init_is_better(): void {
    if (this.mode !== "min" && this.mode !== "max") throw new ValueError(`mode ${String(this.mode)} is unknown!`);
    if (this.threshold_mode !== "rel" && this.threshold_mode !== "abs") {
      throw new ValueError(`threshold mode ${String(this.threshold_mode)} is unknown!`);
    }
    this.mode_worse = this.mode === "min" ? Infinity : -Infinity;
  }

  private _reset(): void {
    this.best = this.mode_worse;
    this.cooldown_counter = 0;
    this.num_bad_epochs = 0;
  }

  get in_cooldown(): boolean {
    return this.cooldown_counter > 0;
  }

  is_better(a: number, best: number): boolean {
    if (this.mode === "min") return this.threshold_mode === "rel" ? a < best * (1 - this.threshold) : a < best - this.threshold;
    return this.threshold_mode === "rel" ? a > best * (this.threshold + 1) : a > best + this.threshold;
  }

  /** One epoch's metric (a number or a one-element tensor: anything with item() works). */
  step(metrics: number | { item(): number }, epoch?: number): void {
    if (metrics === undefined) throw new TypeError_("ReduceLROnPlateau.step() missing 1 required positional argument: 'metrics'");
    const current: unknown = typeof metrics === "number" ? metrics : (metrics as { item?: () => number } | null)?.item?.();
    if (typeof current !== "number") {
      throw new TypeError_("ReduceLROnPlateau.step() expects the metric as a number or a one-element tensor");
    }
    if (epoch !== undefined) warnEpochDeprecated();
    this.last_epoch = epoch ?? this.last_epoch + 1;
    if (this.is_better(current, this.best)) {
      this.best = current;
      this.num_bad_epochs = 0;
    } else this.num_bad_epochs += 1;
    if (this.in_cooldown) {
      this.cooldown_counter -= 1;
      this.num_bad_epochs = 0; // bad epochs during cooldown do not count
    }
    if (this.num_bad_epochs > this.patience) {
      groupsOf(this.optimizer).forEach((g, i) => {
        const next = Math.max(g.lr * this.factor, this.min_lrs[i]);
        if (g.lr - next > this.eps) {
          g.lr = next;
          if (this.verbose) console.log(`Epoch ${epochStr(this.last_epoch)}: reducing learning rate of group ${i} to ${fmtE4(next)}.`);
        }
      });
      this.cooldown_counter = this.cooldown;
      this.num_bad_epochs = 0;
    }
    this._last_lr = groupsOf(this.optimizer).map((g) => g.lr);
    steppedPlateaus.add(this);
  }

  get_last_lr(): number[] {
    return this._last_lr.slice();
  }

  /** torch 1.13's __dict__ minus the optimizer: _last_lr only once step() has set it (torch sets it there only). */
  state_dict(): Record<string, unknown> {
    return Object.fromEntries(
      Object.entries(this)
        .filter(([k]) => k !== "optimizer" && (k !== "_last_lr" || steppedPlateaus.has(this)))
        .map(([k, v]) => [k, structuredCopy(v)]),
    );
  }

  load_state_dict(state: Record<string, unknown>): void {
    if ("_last_lr" in state) steppedPlateaus.add(this);
    for (const [k, v] of Object.entries(state)) if (k !== "optimizer") (this as unknown as Record<string, unknown>)[k] = structuredCopy(v);
    this._init_is_better();
  }
}

/** PyTorch 1.13's public name of the base class. */
export { LRScheduler as _LRScheduler };

export type MultiplicativeLROptions = LambdaLROptions;

/** lr = lr * lr_lambda(epoch) every step after the first; one function for every group or one per group. */
export class MultiplicativeLR extends LambdaSchedulerBase {
  /** new lr_scheduler.MultiplicativeLR(optimizer, (epoch) => 0.95) or (optimizer, { lr_lambda }) */
  constructor(
    optimizer: AnyOptimizer | WithOptimizer<MultiplicativeLROptions>,
    lr_lambda?: MultiplicativeLROptions["lr_lambda"] | MultiplicativeLROptions,
    ...args: PyArgs<[last_epoch?: number, verbose?: boolean], { last_epoch?: number; verbose?: boolean }>
  ) {
    super("MultiplicativeLR", optimizer, lr_lambda, args);
  }

  get_lr(): number[] {
    warnGetLrOutsideStep(this);
    const lrs = this.currentLrs();
    if (this.last_epoch <= 0) return lrs;
    return lrs.map((lr, i) => lr * this.lr_lambdas[i](this.last_epoch));
  }
}

export interface PolynomialLROptions {
  total_iters?: number;
  power?: number;
  last_epoch?: number;
  verbose?: boolean;
}

/** lr = base_lr * (1 - min(epoch, total_iters) / total_iters)^power (PyTorch 1.13). */
export class PolynomialLR extends LRScheduler {
  total_iters: number;
  power: number;

  /** new lr_scheduler.PolynomialLR(optimizer, total_iters=5, power=1.0) or (optimizer, { total_iters, power }) */
  constructor(optimizer: AnyOptimizer | WithOptimizer<PolynomialLROptions>, ...args: PyArgs<[total_iters?: number, power?: number, last_epoch?: number, verbose?: boolean], PolynomialLROptions>) {
    [optimizer, args] = optimizerByKeyword("PolynomialLR", optimizer, args);
    const o = parseArgs<PolynomialLROptions>("PolynomialLR", ["total_iters", "power", "last_epoch", "verbose"], args);
    super(optimizer, o.last_epoch ?? -1, o.verbose ?? false);
    this.total_iters = o.total_iters ?? 5;
    this.power = o.power ?? 1.0;
    this._initial_step();
  }

  get_lr(): number[] {
    warnGetLrOutsideStep(this);
    const { last_epoch: e, total_iters: n } = this;
    const lrs = this.currentLrs();
    if (e === 0 || e > n) return lrs;
    const factor = ((1 - e / n) / (1 - (e - 1) / n)) ** this.power;
    return lrs.map((lr) => lr * factor);
  }

  protected override _get_closed_form_lr(): number[] {
    return this.base_lrs.map((b) => b * (1 - Math.min(this.total_iters, this.last_epoch) / this.total_iters) ** this.power);
  }
}

/** Steps every scheduler in the list at each step(), so their factors multiply. */
export class ChainedScheduler extends SchedulerOfSchedulers {

  /** new lr_scheduler.ChainedScheduler([s1, s2]) or ChainedScheduler({ schedulers: [s1, s2] }) */
  constructor(...args: PyArgs<[schedulers?: readonly LRScheduler[]], { schedulers?: readonly LRScheduler[] }>) {
    super();
    // every argument is parsed: an unknown keyword after the list raises, as torch's __init__(schedulers)
    const o = parseArgs<{ schedulers: readonly LRScheduler[] }>("ChainedScheduler", ["schedulers"], args);
    const list = need("ChainedScheduler", "schedulers", o.schedulers);
    if (list.length === 0) throw new ValueError("ChainedScheduler expects at least one scheduler");
    for (let i = 1; i < list.length; i++) {
      if (list[i].optimizer !== list[0].optimizer) {
        throw new ValueError(`ChainedScheduler expects all schedulers to belong to the same optimizer, but got schedulers at index 0 and ${i} to be different`);
      }
    }
    this._schedulers = [...list];
    this.optimizer = list[0].optimizer;
    this._last_lr = groupsOf(this.optimizer).map((g) => g.lr);
  }

  step(): void {
    for (const s of this._schedulers) s.step();
    this._last_lr = groupsOf(this.optimizer).map((g) => g.lr);
  }
}

export interface CosineAnnealingWarmRestartsOptions {
  T_0?: number;
  T_mult?: number;
  eta_min?: number;
  last_epoch?: number;
  verbose?: boolean;
}

/**
 * SGDR: cosine annealing from base_lr to eta_min over T_i epochs, then a restart with
 * T_i *= T_mult. step(epoch) takes fractional epochs (epoch + batch / batches_per_epoch).
 */
export class CosineAnnealingWarmRestarts extends LRScheduler {
  T_0: number;
  T_i: number;
  T_mult: number;
  eta_min: number;
  T_cur: number;

  /** new lr_scheduler.CosineAnnealingWarmRestarts(optimizer, T_0, T_mult=1, eta_min=0) or with options */
  constructor(
    optimizer: AnyOptimizer | WithOptimizer<CosineAnnealingWarmRestartsOptions>,
    T_0?: number | CosineAnnealingWarmRestartsOptions,
    ...args: PyArgs<[T_mult?: number, eta_min?: number, last_epoch?: number, verbose?: boolean], Omit<CosineAnnealingWarmRestartsOptions, "T_0">>
  ) {
    let rest: unknown[];
    [optimizer, rest] = optimizerByKeyword("CosineAnnealingWarmRestarts", optimizer, [T_0, ...args]);
    const o = parseArgs<CosineAnnealingWarmRestartsOptions>("CosineAnnealingWarmRestarts", ["T_0", "T_mult", "eta_min", "last_epoch", "verbose"], rest);
    const t0 = need("CosineAnnealingWarmRestarts", "T_0", o.T_0);
    const mult = o.T_mult ?? 1;
    if (!Number.isInteger(t0) || t0 <= 0) throw new ValueError(`Expected positive integer T_0, but got ${t0}`);
    if (!Number.isInteger(mult) || mult < 1) throw new ValueError(`Expected integer T_mult >= 1, but got ${mult}`);
    const lastEpoch = o.last_epoch ?? -1;
    super(optimizer, lastEpoch, o.verbose ?? false);
    this.T_0 = t0;
    this.T_i = t0;
    this.T_mult = mult;
    this.eta_min = o.eta_min ?? 0;
    this.T_cur = lastEpoch;
    this._initial_step();
  }

  get_lr(): number[] {
    warnGetLrOutsideStep(this);
    return this.base_lrs.map((b) => this.eta_min + ((b - this.eta_min) * (1 + Math.cos((Math.PI * this.T_cur) / this.T_i))) / 2);
  }

  /** Next epoch, or jump to `epoch` (may be fractional: restarts are found from the closed form). */
  override step(epoch?: number): void {
    this._step_count += 1;
    if (epoch === undefined && this.last_epoch < 0) epoch = 0;
    if (epoch === undefined) {
      epoch = this.last_epoch + 1;
      this.T_cur += 1;
      if (this.T_cur >= this.T_i) {
        this.T_cur -= this.T_i;
        this.T_i *= this.T_mult;
      }
    } else {
      if (epoch < 0) throw new ValueError(`Expected non-negative epoch, but got ${epoch}`);
      if (epoch >= this.T_0) {
        if (this.T_mult === 1) this.T_cur = pyMod(epoch, this.T_0);
        else {
          const n = Math.trunc(Math.log((epoch / this.T_0) * (this.T_mult - 1) + 1) / Math.log(this.T_mult));
          this.T_cur = epoch - (this.T_0 * (this.T_mult ** n - 1)) / (this.T_mult - 1);
          this.T_i = this.T_0 * this.T_mult ** n;
        }
      } else {
        this.T_i = this.T_0;
        this.T_cur = epoch;
      }
    }
    this.last_epoch = Math.floor(epoch);
    this._get_lr_called_within_step = true;
    let lrs: number[];
    try {
      lrs = this.get_lr();
    } finally {
      this._get_lr_called_within_step = false;
    }
    this.groups().forEach((g, i) => {
      g.lr = lrs[i];
      this.print_lr(this.verbose, i, lrs[i], epoch);
    });
    this._last_lr = this.currentLrs();
  }
}

export interface CyclicLROptions {
  base_lr?: number | readonly number[];
  max_lr?: number | readonly number[];
  step_size_up?: number;
  step_size_down?: number | null;
  mode?: "triangular" | "triangular2" | "exp_range";
  gamma?: number;
  scale_fn?: ((x: number) => number) | null;
  scale_mode?: "cycle" | "iterations";
  cycle_momentum?: boolean;
  base_momentum?: number | readonly number[];
  max_momentum?: number | readonly number[];
  last_epoch?: number;
  verbose?: boolean;
}

/**
 * Cyclical learning rates (Smith, 2017), stepped once per batch: lr goes base_lr -> max_lr over
 * step_size_up steps and back over step_size_down, the amplitude scaled per cycle (triangular2:
 * halved each cycle) or per iteration (exp_range: gamma^iteration); momentum moves inversely.
 */
export class CyclicLR extends LRScheduler {
  max_lrs: number[];
  total_size: number;
  step_ratio: number;
  mode: string;
  gamma: number;
  scale_mode: "cycle" | "iterations";
  _scale_fn_custom: ((x: number) => number) | null;
  cycle_momentum: boolean;
  base_momentums: number[] = [];
  max_momentums: number[] = [];

  /** new lr_scheduler.CyclicLR(optimizer, base_lr, max_lr, step_size_up=2000, ...) or (optimizer, { base_lr, max_lr, ... }) */
  constructor(
    optimizer: AnyOptimizer | WithOptimizer<CyclicLROptions>,
    base_lr?: number | readonly number[] | CyclicLROptions,
    ...args: PyArgs<
      [
        max_lr?: number | readonly number[], step_size_up?: number, step_size_down?: number | null,
        mode?: "triangular" | "triangular2" | "exp_range", gamma?: number, scale_fn?: ((x: number) => number) | null,
        scale_mode?: "cycle" | "iterations", cycle_momentum?: boolean, base_momentum?: number | readonly number[],
        max_momentum?: number | readonly number[], last_epoch?: number, verbose?: boolean,
      ],
      Omit<CyclicLROptions, "base_lr">
    >
  ) {
    const [byKeyword, rest] = optimizerByKeyword("CyclicLR", optimizer, argsOf(base_lr, args));
    const o = parseArgs<CyclicLROptions>(
      "CyclicLR",
      ["base_lr", "max_lr", "step_size_up", "step_size_down", "mode", "gamma", "scale_fn", "scale_mode", "cycle_momentum", "base_momentum", "max_momentum", "last_epoch", "verbose"],
      rest,
    );
    const opt = checkOptimizer(byKeyword);
    const groups = groupsOf(opt);
    const lastEpoch = o.last_epoch ?? -1;
    const baseLrs = perGroup("base_lr", groups.length, need("CyclicLR", "base_lr", o.base_lr));
    const maxLrs = perGroup("max_lr", groups.length, need("CyclicLR", "max_lr", o.max_lr));
    const up = o.step_size_up ?? 2000;
    const down = o.step_size_down ?? up;
    const mode = o.mode ?? "triangular";
    const scaleFn = o.scale_fn ?? null;
    if (!["triangular", "triangular2", "exp_range"].includes(mode) && scaleFn === null) throw new ValueError("mode is invalid and scale_fn is None");
    const cycleMomentum = o.cycle_momentum ?? true;
    if (cycleMomentum && !("momentum" in (opt.defaults as Record<string, unknown>))) {
      throw new ValueError("optimizer must support momentum with `cycle_momentum` option enabled");
    }
    const baseM = cycleMomentum ? perGroup("base_momentum", groups.length, o.base_momentum ?? 0.8) : [];
    const maxM = cycleMomentum ? perGroup("max_momentum", groups.length, o.max_momentum ?? 0.9) : [];
    // Groups change only once every setting is known to be valid.
    if (lastEpoch === -1) {
      groups.forEach((g, i) => {
        g.lr = baseLrs[i];
        if (cycleMomentum) g.momentum = baseM[i];
      });
    }
    super(opt, lastEpoch, o.verbose ?? false);
    this.max_lrs = maxLrs;
    this.total_size = up + down;
    this.step_ratio = up / this.total_size;
    this.mode = mode;
    this.gamma = o.gamma ?? 1;
    this._scale_fn_custom = scaleFn;
    this.scale_mode = scaleFn !== null ? (o.scale_mode ?? "cycle") : mode === "exp_range" ? "iterations" : "cycle";
    this.cycle_momentum = cycleMomentum;
    if (cycleMomentum) {
      this.base_momentums = groups.map((g) => g.momentum as number);
      this.max_momentums = maxM;
    }
    this._initial_step();
    this.base_lrs = baseLrs;
  }

  scale_fn(x: number): number {
    if (this._scale_fn_custom !== null) return this._scale_fn_custom(x);
    if (this.mode === "triangular2") return 1 / 2 ** (x - 1);
    if (this.mode === "exp_range") return this.gamma ** x;
    return 1;
  }

  get_lr(): number[] {
    warnGetLrOutsideStep(this);
    const cycle = Math.floor(1 + this.last_epoch / this.total_size);
    const x = 1 + this.last_epoch / this.total_size - cycle;
    const scale = x <= this.step_ratio ? x / this.step_ratio : (x - 1) / (this.step_ratio - 1);
    const s = this.scale_fn(this.scale_mode === "cycle" ? cycle : this.last_epoch);
    const lrs = this.base_lrs.map((b, i) => b + (this.max_lrs[i] - b) * scale * s);
    if (this.cycle_momentum) {
      this.groups().forEach((g, i) => {
        g.momentum = this.max_momentums[i] - (this.max_momentums[i] - this.base_momentums[i]) * scale * s;
      });
    }
    return lrs;
  }

  /** state_dict without the custom scale function (PyTorch 1.13 drops it too). */
  override state_dict(): Record<string, unknown> {
    const sd = super.state_dict();
    delete sd._scale_fn_custom;
    return sd;
  }
}
