/**
 * The Optimizer base: parameter groups with their own options, per-parameter state,
 * zero_grad, step(closure) and state_dict. Subclasses implement `_update_group`.
 *
 * Updates run on the raw storage of each parameter (no tensors allocated per step) with
 * autograd off, then bump the parameter's version counter so a graph that saved the old
 * values refuses to backward through them, as PyTorch's in-place updates do.
 *
 * zero_grad follows PyTorch 1.13 (the version our reference fixtures come from):
 * set_to_none defaults to false, so gradients become zero tensors. PyTorch 2 flipped the
 * default to true; pass `zero_grad(true)` for that behaviour.
 */
import { isOptions, parseArgs, type PyArgs } from "../args";
import { markZeroGrad } from "../autograd/engine";
import { isSparseGrad } from "../autograd/sparse_grad";
import { enable_grad, no_grad } from "../autograd/grad_mode";
import { NotImplementedError, RuntimeError, TypeError_, ValueError } from "../errors";
import { float32 } from "../dtype";
import { contiguousData, empty } from "../ops/util";
import { Tensor } from "../tensor";
import { warnOnce } from "../warnings";

/**
 * optim.SGD(params=model.parameters(), lr=0.1): an options object in params' place that holds params (a Python
 * keyword call; torch refuses a dict as the iterable of parameters) gives params and the other options.
 */
export function paramsByKeyword<O, A extends readonly unknown[]>(params: ParamsArg<O> | ParamsByKeyword<O>, args: A): [ParamsArg<O>, A] {
  if (args.length === 0 && isOptions(params) && "params" in params) {
    const { params: byKeyword, ...rest } = params as Record<string, unknown>;
    return [byKeyword as ParamsArg<O>, [rest] as unknown as A];
  }
  return [params as ParamsArg<O>, args];
}

/** An optimizer's options with params among them: optim.SGD(params=model.parameters(), lr=0.1). */
export type ParamsByKeyword<O> = Partial<O> & { params: ParamsArg<O> };
import { pyBool, pyNumber } from "../nn/repr";

/** A scheduler's options with the optimizer among them: lr_scheduler.StepLR(optimizer=opt, step_size=30). */
export type WithOptimizer<O> = O & { optimizer: Optimizer<object> };

/**
 * lr_scheduler.X(optimizer=opt, ...): an options object in the optimizer's place that holds it (a Python keyword
 * call; torch refuses anything but an Optimizer there) gives the optimizer and the other options. `args` are the
 * arguments after the optimizer (undefined where the keyword form left them out). A missing optimizer raises
 * Python's "missing 1 required positional argument", one given both ways its "got multiple values".
 */
export function optimizerByKeyword<A extends readonly unknown[]>(fn: string, optimizer: unknown, args: A): [Optimizer<object>, A] {
  if (isOptions(optimizer) && args.every((a) => a === undefined)) {
    const { optimizer: byKeyword, ...rest } = optimizer;
    if (byKeyword === undefined) throw new TypeError_(`${fn}.__init__() missing 1 required positional argument: 'optimizer'`);
    return [byKeyword as Optimizer<object>, [rest] as unknown as A];
  }
  const last = args[args.length - 1];
  if (isOptions(last) && "optimizer" in last) throw new TypeError_(`${fn}.__init__() got multiple values for argument 'optimizer'`);
  return [optimizer as Optimizer<object>, args];
}

export type ParamGroup<O> = O & { params: Tensor[] };
export type ParamGroupInput<O> = Partial<O> & { params: Iterable<Tensor> | Tensor };
export type ParamsArg<O> = Iterable<Tensor> | Iterable<ParamGroupInput<O>>;

/** Marks a default that every group must supply (PyTorch's `required`, used by SGD's lr). */
export const required = Symbol("required");

/**
 * One parameter's state, holding the kinds of values torch 1.13's holds: tensors (buffers shaped like the
 * parameter, and 0-dim float32 tensors for Adam's / NAdam's / ASGD's / Adagrad's ... step, NAdam's mu_product,
 * ASGD's eta and mu), numbers where torch has Python ints (Adadelta's / RMSprop's / Rprop's step), null
 * where it has None (SGD's momentum_buffer without momentum).
 */
/** One parameter's state: tensors and numbers, and (LBFGS) lists of tensors, as torch's state dict holds. */
export type OptimizerState = Record<string, Tensor | number | null | (Tensor | null)[]>;

/** State entries that are 0-dim tensors (not shaped like the parameter) in PyTorch's state. */
const SCALAR_STATE = new Set(["step", "mu_product", "eta", "mu"]);

/**
 * The number held by a state scalar: a number (torch's Python ints, or a dict saved by an older version of
 * the engine or written by hand) or a one-element tensor (torch's state_steps).
 */
export function stateNumber(v: OptimizerState[string] | undefined): number {
  if (v instanceof Tensor) {
    if (v.numel() !== 1) throw new RuntimeError(`optimizer state scalar must have one element, not ${v.numel()}`);
    return v._data[v._offset];
  }
  if (typeof v !== "number") throw new TypeError_(`optimizer state scalar must be a number or a one-element tensor, not ${v === null ? "None" : Array.isArray(v) ? "list" : typeof v}`);
  return v;
}

/** torch.tensor(v): a 0-dim float32 tensor (the value rounded to float32, as PyTorch stores it). */
export function stateScalar(v: number): Tensor {
  const t = empty([], float32);
  t._data[0] = v;
  return t;
}

/**
 * Writes v into the state scalar `key` and returns the value as stored: into the tensor's own storage (in
 * place, as PyTorch's `step_t += 1` / `eta.copy_(...)`, rounded to its dtype, no autograd history), or as a
 * float32-rounded number where the state holds a number.
 */
export function setStateNumber(state: OptimizerState, key: string, v: number): number {
  const t = state[key];
  if (t instanceof Tensor) {
    t._data[t._offset] = v;
    t._ver.v++;
    return t._data[t._offset];
  }
  const n = key === "step" ? v : Math.fround(v);
  state[key] = n;
  return n;
}

/** Counts one more step in state.step (a tensor in place, or a number) and returns the new count. */
export function bumpStep(state: OptimizerState): number {
  return setStateNumber(state, "step", stateNumber(state.step) + 1);
}

export interface OptimizerStateDict {
  state: Record<number, OptimizerState>;
  param_groups: Record<string, unknown>[];
}

// The default `object` (not Record<string, unknown>, which option interfaces do not satisfy) lets a
// function take any optimizer: `function train(opt: Optimizer)` accepts an SGD or an Adam.
/** What torch 1.13's optimizers say of a sparse gradient: their refusal, or "weight_decay" when only a weight decay is refused. */
const SPARSE_REFUSED: Record<string, string> = {
  Adam: "Adam does not support sparse gradients, please consider SparseAdam instead",
  ...Object.fromEntries(["AdamW", "Adadelta", "Adamax", "ASGD", "NAdam", "RAdam", "RMSprop", "Rprop"].map((n) => [n, `${n} does not support sparse gradients`])),
  SGD: "weight_decay",
  Adagrad: "weight_decay",
};

/** Python's type name of a value given where torch iterates: a module's class name, int, float, bool, NoneType. */
function pyTypeName(v: unknown): string {
  if (v === null || v === undefined) return "NoneType";
  if (typeof v === "number") return Number.isInteger(v) ? "int" : "float";
  if (typeof v === "boolean") return "bool";
  const name = (v as { constructor?: { name?: string } }).constructor?.name || "object";
  if (typeof v === "function" && name === "Function") {
    // model.parameters passed without calling it is a method (Python's 'method'); an arrow or a function
    // declaration is Python's 'function'; a class is a 'type'. (A module is callable too: its class names it.)
    const src = Function.prototype.toString.call(v);
    if (src.startsWith("class")) return "type";
    const arrow = /^(async\s*)?(\([^)]*\)|[\w$]+)\s*=>/.test(src);
    return !arrow && !Object.prototype.hasOwnProperty.call(v, "prototype") ? "method" : "function";
  }
  return name;
}

/**
 * What a built-in optimizer class prints and lists as torch 1.13 does (registered by optim/defaults_order.ts): its
 * defaults' key order (param_groups[i] and state_dict()["param_groups"]; the implementation switches sit between the
 * settings differently per optimizer), and its settings whose defaults are floats (lr=1.0, t0=1e6), whose whole
 * values print as Python prints a float. Learner subclasses of Optimizer keep their own order.
 */
export interface BuiltinLayout {
  order: readonly string[];
  floats: readonly string[];
}
const builtinLayouts = new Map<unknown, BuiltinLayout>();

export function registerBuiltinLayout(cls: object, layout: BuiltinLayout): void {
  builtinLayouts.set(cls, layout);
}

/** The layout of the nearest built-in class `opt` is an instance of (a learner's subclass of optim.Adam gets Adam's). */
function layoutOf(opt: object): BuiltinLayout | undefined {
  for (let c: unknown = opt.constructor; c && c !== Optimizer; c = Object.getPrototypeOf(c)) {
    const layout = builtinLayouts.get(c);
    if (layout) return layout;
  }
  return undefined;
}

function inOrder<O extends object>(order: readonly string[], defaults: O): O {
  const rank = (k: string): number => (order.includes(k) ? order.indexOf(k) : order.length);
  return Object.fromEntries(Object.entries(defaults).sort(([a], [b]) => rank(a) - rank(b))) as O;
}

export class Optimizer<O extends object = object> {
  defaults: O;
  param_groups: ParamGroup<O>[] = [];
  /** Per-parameter state (momentum buffers, moment estimates, step counts), as in PyTorch. */
  state = new Map<Tensor, OptimizerState>();

  constructor(params: ParamsArg<O>, defaults: O) {
    const layout = layoutOf(this);
    this.defaults = layout ? inOrder(layout.order, defaults) : defaults;
    if (params instanceof Tensor) {
      throw new TypeError_(
        "params argument given to the optimizer should be an iterable of Tensors or dicts, but got torch.FloatTensor",
      );
    }
    // torch's list(params) of a model itself (optim.SGD(model, lr=0.1), .parameters() forgotten) or of None
    if (params === null || params === undefined || typeof (params as Partial<Iterable<unknown>>)[Symbol.iterator] !== "function") {
      throw new TypeError_(`'${pyTypeName(params)}' object is not iterable`);
    }
    const list = [...(params as Iterable<Tensor | ParamGroupInput<O>>)];
    if (list.length === 0) throw new ValueError("optimizer got an empty parameter list");
    const groups: ParamGroupInput<O>[] = list[0] instanceof Tensor ? [{ params: list as Tensor[] } as unknown as ParamGroupInput<O>] : (list as ParamGroupInput<O>[]);
    for (const g of groups) this.add_param_group(g);
  }

  /** Adds a group; options it does not set come from the defaults. */
  add_param_group(group: ParamGroupInput<O>): void {
    if (typeof group !== "object" || group === null) throw new TypeError_("param group must be a dict");
    const params = group.params instanceof Tensor ? [group.params] : [...group.params];
    for (const p of params) {
      if (!(p instanceof Tensor)) throw new TypeError_(`optimizer can only optimize Tensors, but one of the params is ${typeof p}`);
      if (!p.is_leaf) throw new ValueError("can't optimize a non-leaf Tensor");
    }
    const full: Record<string, unknown> = { ...group, params };
    for (const [name, value] of Object.entries(this.defaults)) {
      if (!(name in full) || full[name] === undefined) {
        if (value === required) {
          throw new ValueError(`parameter group didn't specify a value of required optimization parameter ${name}`);
        }
        full[name] = Array.isArray(value) ? [...value] : value;
      }
    }
    if (new Set(params).size !== params.length) {
      // a tied weight listed twice (an lm_head sharing the embedding's weight): torch 1.13 warns, then keeps both entries
      warnOnce("UserWarning: optimizer contains a parameter group with duplicate parameters; in future, this will cause an error; see github.com/pytorch/pytorch/issues/40967 for more information");
    }
    const seen = new Set(this.param_groups.flatMap((g) => g.params));
    if (params.some((p) => seen.has(p))) throw new ValueError("some parameters appear in more than one parameter group");
    this._validate(full as ParamGroup<O>);
    this.param_groups.push(full as ParamGroup<O>);
  }

  /** Checks a group's options (subclasses raise PyTorch's "Invalid ..." ValueErrors). */
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  protected _validate(_group: ParamGroup<O>): void {}

  /** Zeroes (default) or drops (set_to_none = true) every parameter's gradient. */
  zero_grad(...args: PyArgs<[set_to_none?: boolean], { set_to_none?: boolean }>): void {
    const set_to_none = parseArgs<{ set_to_none?: boolean }>("zero_grad", ["set_to_none"], args).set_to_none ?? false;
    if (typeof set_to_none !== "boolean") throw new TypeError_(`zero_grad(): argument 'set_to_none' must be bool, not ${typeof set_to_none}`);
    for (const g of this.param_groups) {
      for (const p of g.params) {
        if (!p.grad) continue;
        if (set_to_none) p.grad = null;
        else {
          if (p.grad.grad_fn) p.grad = p.grad.detach();
          p.grad._data.fill(0, p.grad._offset, p.grad._offset + p.grad.numel());
          p.grad._ver.v++;
          // The next backward can then write its gradient instead of adding it to zeros.
          markZeroGrad(p.grad);
        }
      }
    }
  }

  /**
   * One update of every parameter that has a gradient. `closure`, when given, re-evaluates
   * the model and returns the loss (it runs with gradients enabled); step returns that loss.
   */
  step(closure?: () => Tensor | number): Tensor | number | undefined {
    // A subclass that overrides neither step nor _update_group: torch 1.13's Optimizer.step raises (before the closure runs).
    if (this._update_group === Optimizer.prototype._update_group) throw new NotImplementedError("");
    let loss: Tensor | number | undefined;
    if (closure) loss = enable_grad(closure);
    no_grad(() => {
      for (const group of this.param_groups) {
        this._checkSparseGrads(group);
        this._update_group(this._foreachDecayIntoGrads(group));
      }
    });
    return loss;
  }

  /**
   * torch 1.13's answers to a sparse gradient (nn.Embedding / nn.EmbeddingBag with sparse=True,
   * autograd/sparse_grad.ts) before a group's update: the dense-only optimizers refuse it; SGD's and Adagrad's
   * weight decay cannot add the dense parameter to it. SGD and Adagrad otherwise give the dense update's values
   * (the rows outside the gradient have zero gradients); SparseAdam checks its own gradients.
   */
  private _checkSparseGrads(g: ParamGroup<O>): void {
    if (!g.params.some((p) => isSparseGrad(p.grad))) return;
    let cls = this.constructor as { name: string } | null;
    while (cls && !(cls.name in SPARSE_REFUSED)) cls = Object.getPrototypeOf(cls) as { name: string } | null;
    if (!cls) return;
    const o = g as unknown as { weight_decay?: number };
    const refusal = SPARSE_REFUSED[cls.name];
    if (refusal === "weight_decay") {
      if (o.weight_decay) {
        throw new RuntimeError(cls.name === "SGD" ? "add(sparse, dense) is not supported. Use add(dense, sparse) instead." : "weight_decay option is not compatible with sparse gradients");
      }
    } else throw new RuntimeError(refusal);
  }

  /**
   * Updates one group's parameters (the engine's optimizers implement it). Not abstract: a learner's subclass
   * (torch.optim.Optimizer's pattern, as labml_nn's GenericAdaptiveOptimizer) overrides step() instead and
   * type-checks without it, as Python's does; one that overrides neither raises torch's NotImplementedError.
   */
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  protected _update_group(_group: ParamGroup<O>): void {
    throw new NotImplementedError("");
  }

  /**
   * Whether torch 1.13's multi-tensor step (foreach=True) of this optimizer adds weight_decay * p into the
   * gradients in place before its update (torch._foreach_add_(grads, params, alpha=weight_decay)): Adam, Adamax,
   * Adagrad, Adadelta, NAdam, RAdam and RMSprop. SGD and ASGD add out of place, AdamW decays the parameters.
   */
  protected _foreachDecaysGrads(): boolean {
    return false;
  }

  /**
   * With foreach=True and a weight decay, the optimizers of _foreachDecaysGrads leave p.grad + weight_decay * p in
   * p.grad, as torch 1.13 does (a learner sees it after the step, and a second step without zero_grad uses it):
   * the gradients are changed here and the group is updated from them without its decay. maximize negates into
   * new tensors first in torch, so p.grad is left alone then.
   */
  private _foreachDecayIntoGrads(g: ParamGroup<O>): ParamGroup<O> {
    const o = g as unknown as { foreach?: boolean | null; weight_decay?: number; maximize?: boolean };
    if (o.foreach !== true || !o.weight_decay || o.maximize === true || !this._foreachDecaysGrads()) return g;
    for (const p of this._paramsWithGrad(g)) p.grad!.add_(p.detach(), { alpha: o.weight_decay });
    return { ...g, weight_decay: 0 };
  }

  /**
   * PyTorch's repr: `Adam (\nParameter Group 0\n    amsgrad: False\n    betas: (0.9, 0.999)\n ...)`, each
   * group's settings sorted by name (PyTorch's groups also list its foreach/differentiable flags,
   * which the engine does not have).
   */
  toString(): string {
    const value = (v: unknown): string => {
      if (v === null || v === undefined) return "None";
      if (typeof v === "boolean") return pyBool(v);
      if (typeof v === "number") return pyNumber(v);
      if (Array.isArray(v)) return v.length === 1 ? `(${value(v[0])},)` : `(${v.map(value).join(", ")})`;
      if (typeof v === "function") return `<function ${v.name || "<lambda>"}>`;
      return String(v);
    };
    const floats = layoutOf(this)?.floats ?? [];
    let s = `${this.constructor.name} (`;
    this.param_groups.forEach((g, i) => {
      s += `\nParameter Group ${i}\n`;
      for (const key of Object.keys(g).filter((k) => k !== "params").sort()) {
        const v = (g as Record<string, unknown>)[key];
        const asFloat = floats.includes(key) && typeof v === "number" && Number.isInteger(v) && Math.abs(v) < 1e16;
        s += `    ${key}: ${asFloat ? (v as number).toFixed(1) : value(v)}\n`;
      }
    });
    return `${s})`;
  }

  /**
   * The state scalars torch 1.13 keeps as 0-dim float32 tensors for this optimizer (its `torch.tensor(0.)`
   * steps, NAdam's mu_product, ASGD's eta and mu); the others (Adadelta's, RMSprop's, Rprop's step) are
   * Python ints there and numbers here. load_state_dict turns numbers saved under these names into tensors,
   * as each optimizer's __setstate__ does.
   */
  protected _tensorScalars(): readonly string[] {
    return [];
  }

  /** Whether this optimizer's state tensors are not shaped like their parameter (LBFGS's flat vectors), so load_state_dict casts them without the shape check. */
  protected _flatState(): boolean {
    return false;
  }

  /**
   * Whether the engine's own update (_update_group, which reads state buffers as raw arrays the parameter's size)
   * steps this optimizer, so load_state_dict checks the buffers' shapes. A learner's subclass that overrides step()
   * keeps whatever it likes (LAMB's 0-dim norms, Adafactor's row / column moments): torch 1.13 casts those without
   * comparing shapes, and so does load_state_dict then ('step' left uncast, as torch's).
   */
  private _ownUpdate(): boolean {
    return this._update_group !== Optimizer.prototype._update_group;
  }

  /** The state entry of p, created on first use. */
  protected _state(p: Tensor): OptimizerState {
    let s = this.state.get(p);
    if (!s) {
      s = {};
      this.state.set(p, s);
    }
    return s;
  }

  /** The parameters of a group that have a gradient: the ones a step updates. */
  protected *_paramsWithGrad(g: ParamGroup<O>): Generator<Tensor> {
    for (const p of g.params) if (p.grad) yield p;
  }

  /**
   * Counts one more step of p and returns its step number, its state and the raw arrays of its
   * state buffers. On p's first step the state is created as PyTorch creates it, in the same key
   * order (so state_dict() lists the same keys) and of the same kinds: `step` (torch.tensor(0.) or
   * the int 0, see _tensorScalars), then `scalars` (tensors or numbers the same way), then one buffer
   * shaped like p per entry of `buffers`, filled with that entry's value (zero for most optimizers).
   * The step is counted in place, as PyTorch's `step_t += 1`.
   */
  protected _nextStep(
    p: Tensor,
    buffers: Record<string, number>,
    scalars: Record<string, number> = {},
  ): { step: number; state: OptimizerState; buf: Record<string, Float32Array | Float64Array> } {
    const state = this._state(p);
    if (state.step === undefined) {
      const tensors = new Set(this._tensorScalars());
      state.step = tensors.has("step") ? stateScalar(0) : 0;
      for (const [name, v] of Object.entries(scalars)) state[name] = tensors.has(name) ? stateScalar(v) : v;
      for (const [name, fill] of Object.entries(buffers)) {
        const t = this._zerosLike(p);
        t._data.fill(fill);
        state[name] = t;
      }
    }
    const step = bumpStep(state);
    const buf: Record<string, Float32Array | Float64Array> = {};
    for (const name of Object.keys(buffers)) buf[name] = (state[name] as Tensor)._data;
    return { step, state, buf };
  }

  /** A zero tensor shaped like p, for state buffers. */
  protected _zerosLike(p: Tensor): Tensor {
    return empty(p.shape, p.dtype);
  }

  /**
   * Hands fn the parameter's elements and its gradient's as flat arrays, then writes back
   * (only needed for non-contiguous parameters) and bumps the version counter.
   */
  protected _withRaw(p: Tensor, fn: (param: Float32Array | Float64Array, grad: Float32Array | Float64Array) => void): void {
    const grad = contiguousData(p.grad!);
    if (p.is_contiguous()) {
      fn(p._data.subarray(p._offset, p._offset + p.numel()), grad);
    } else {
      const tmp = p.detach().contiguous().clone();
      fn(tmp._data, grad);
      p.detach().copy_(tmp);
    }
    p._ver.v++;
    p._ver.lastOp = `${this.constructor.name}.step`;
  }

  /**
   * Options and state by parameter index, as PyTorch's optimizer.state_dict():
   * { state: { 0: { momentum_buffer | step, exp_avg, exp_avg_sq | ... } }, param_groups: [{ lr, ..., params: [0, 1] }] }.
   * Everything is copied (step tensors too), so later steps do not change a saved dict (PyTorch's dict
   * shares the live tensors, so there a later step changes it).
   */
  state_dict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    let next = 0;
    const param_groups = this.param_groups.map((g) => {
      const { params, ...opts } = g as ParamGroup<O> & Record<string, unknown>;
      const copied = Object.fromEntries(Object.entries(opts).map(([k, v]) => [k, Array.isArray(v) ? [...(v as unknown[])] : v]));
      return { ...copied, params: params.map((p) => (index.has(p) ? index.get(p)! : (index.set(p, next), next++))) };
    });
    const state: Record<number, OptimizerState> = {};
    for (const [p, s] of this.state) {
      const i = index.get(p);
      if (i === undefined) continue;
      state[i] = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v instanceof Tensor ? v.clone() : copyState(v)]));
    }
    return { state, param_groups };
  }

  /**
   * Restores options and state saved by state_dict() (also after torch.save / torch.load, or
   * from PyTorch). Tensors are copied; as in torch 1.13 every tensor but 'step' takes a floating
   * parameter's dtype, and numbers saved where this optimizer keeps tensors (an older engine's
   * dict, or one written by hand: { step: 3 }) become 0-dim float32 tensors, as its __setstate__
   * does. Everything is checked before anything changes, so a mismatched dict leaves the optimizer
   * as it was.
   */
  load_state_dict(sd: OptimizerStateDict): void {
    if (sd === null || typeof sd !== "object" || !Array.isArray(sd.param_groups) || typeof sd.state !== "object" || sd.state === null) {
      throw new TypeError_("load_state_dict expects the dict returned by optimizer.state_dict() ({ state, param_groups })");
    }
    if (sd.param_groups.length !== this.param_groups.length) {
      throw new ValueError("loaded state dict has a different number of parameter groups");
    }
    const byId = new Map<number, Tensor>();
    sd.param_groups.forEach((saved, gi) => {
      const ids = saved.params as number[];
      if (!Array.isArray(ids) || ids.length !== this.param_groups[gi].params.length) {
        throw new ValueError("loaded state dict contains a parameter group that doesn't match the size of optimizer's group");
      }
      ids.forEach((id, k) => byId.set(Number(id), this.param_groups[gi].params[k]));
    });
    const newState = new Map<Tensor, OptimizerState>();
    for (const [i, s] of Object.entries(sd.state)) {
      const p = byId.get(Number(i));
      if (!p) throw new RuntimeError(`optimizer state refers to parameter ${i}, which this optimizer does not have`);
      const entry: OptimizerState = {};
      for (const [k, v] of Object.entries(s)) {
        if (v instanceof Tensor) {
          // One-element scalars (step, NAdam's mu_product, ASGD's eta and mu): 'step' keeps its dtype (torch 1.13
          // leaves it uncast, pytorch#74424), the others take a floating parameter's dtype.
          if (SCALAR_STATE.has(k) && v.numel() === 1) entry[k] = (k === "step" || !p.is_floating_point() ? v : v.to(p.dtype)).detach().clone();
          else if (this._flatState() || !this._ownUpdate()) entry[k] = k === "step" ? v.detach().clone() : castState(v, p);
          else if (v.shape.join() !== p.shape.join()) {
            throw new ValueError(`loaded state of parameter ${i} has '${k}' of shape [${v.shape.join(", ")}], but the parameter has shape [${p.shape.join(", ")}]`);
          } else entry[k] = v.to(p.dtype).clone();
        } else entry[k] = castState(v, p);
      }
      for (const k of this._tensorScalars()) {
        const v = entry[k];
        if (typeof v === "number") entry[k] = stateScalar(v);
      }
      newState.set(p, entry);
    }
    sd.param_groups.forEach((saved, gi) => {
      const opts: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(saved)) if (k !== "params") opts[k] = Array.isArray(v) ? [...(v as unknown[])] : v;
      Object.assign(this.param_groups[gi], opts);
    });
    this.state = newState;
  }
}

/** A deep copy of state that is not itself a tensor (LBFGS keeps lists of tensors, and arrays in an older engine's dicts). */
function copyState<T>(v: T): T {
  if (v instanceof Tensor) return v.detach().clone() as unknown as T;
  if (ArrayBuffer.isView(v)) return (v as unknown as Float32Array).slice() as unknown as T;
  if (Array.isArray(v)) return v.map(copyState) as unknown as T;
  return v;
}

/** copyState for load_state_dict: tensors, also inside lists, take a floating parameter's dtype, as torch 1.13's _cast does. */
function castState<T>(v: T, p: Tensor): T {
  if (v instanceof Tensor) return (p.is_floating_point() ? v.to(p.dtype) : v).detach().clone() as unknown as T;
  if (Array.isArray(v)) return v.map((x) => castState(x, p)) as unknown as T;
  return copyState(v);
}
