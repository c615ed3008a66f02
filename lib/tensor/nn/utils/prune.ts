/**
 * torch.nn.utils.prune, as PyTorch 1.13's prune.py (the "Pruning Tutorial"):
 *
 * Pruning `module.name` moves the parameter to `name_orig`, registers a buffer `name_mask` and
 * sets `module.name = name_mask * name_orig` (a plain tensor), recomputed before every call by a
 * forward pre-hook, so gradients reach name_orig and state_dict holds name_orig and name_mask.
 * Pruning the same tensor again combines the masks through a PruningContainer (the new method
 * only sees the entries or channels that survived). remove() makes the pruning permanent.
 *
 * The pruning methods are callable objects (the hook stored in module._forward_pre_hooks is the
 * method itself, as in PyTorch, so `hook._tensor_name` and `[...container]` work).
 *
 * `amount`: a JS number that is an integer is PyTorch's int (that many entries or channels); any
 * other number in [0, 1] is the fraction (rounded half to even, like Python's round). So 1 means
 * one entry, not "all" (PyTorch's 1.0 cannot be told apart from 1 in JavaScript).
 */
import { leadingArgs } from "../../leading_args";
import { checkNoMoreArgs, isOptions, parseArgs } from "../../args";
import { no_grad } from "../../autograd/grad_mode";
import { IndexError, TorchError, TypeError_, ValueError } from "../../errors";
import { cat } from "../../ops/join";
import { ones_like, rand, tensor as makeTensor } from "../../ops/creation";
import { int64 } from "../../dtype";
import { Tensor } from "../../tensor";
import type { Module } from "../module";
import type { Parameter } from "../parameter";
import { torchTopkIndices } from "../../ops/std_order";

type Slots = Record<string, unknown>;
export type PruningType = "unstructured" | "structured" | "global";

const assertionError = (message: string) => new TorchError(message, "AssertionError");
const slotsOf = (m: Module) => m as unknown as Slots;

// ---- amount helpers (prune.py's _validate_* / _compute_nparams_toprune) ----------------------
function validateAmountInit(amount: unknown): asserts amount is number {
  if (typeof amount !== "number" || Number.isNaN(amount)) {
    throw new TypeError_(`Invalid type for amount: ${String(amount)}. Must be int or float.`);
  }
  if ((Number.isInteger(amount) && amount < 0) || (!Number.isInteger(amount) && (amount > 1 || amount < 0))) {
    throw new ValueError(`amount=${amount} should either be a float in the range [0, 1] or a non-negative integer`);
  }
}

/** Python's round(): halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

function nparamsToPrune(amount: number, size: number): number {
  const n = Number.isInteger(amount) ? amount : roundHalfEven(amount * size);
  if (n > size) throw new ValueError(`amount=${n} should be smaller than the number of parameters to prune=${size}`);
  return n;
}

function validateStructured(t: Tensor): void {
  if (t.dim() <= 1) {
    throw new ValueError(
      `Structured pruning can only be applied to multidimensional tensors. Found tensor of shape torch.Size([${t.shape.join(", ")}]) with ${t.dim()} dims`,
    );
  }
}

function checkedDim(t: Tensor, dim: number): number {
  if (dim >= t.dim() || dim < -t.dim()) throw new IndexError(`Invalid index ${dim} for tensor of size torch.Size([${t.shape.join(", ")}])`);
  return dim < 0 ? dim + t.dim() : dim;
}

/** A mask of `like`'s shape and dtype that is 1 on the given channels of `dim`, 0 elsewhere. */
function channelMask(like: Tensor, dim: number, keep: boolean[]): Tensor {
  const shape = like.shape.map((s, i) => (i === dim ? s : 1));
  const vec = makeTensor(keep.map((k) => (k ? 1 : 0)), { dtype: like.dtype }).reshape(shape);
  return vec.expand(like.shape.slice()).contiguous();
}

/** default_mask with the flat positions `indices` set to 0 (a fresh contiguous tensor). */
function zeroAt(defaultMask: Tensor, indices: number[]): Tensor {
  const flat = defaultMask.reshape(-1).clone();
  flat.index_fill_(0, makeTensor(indices, { dtype: int64 }), 0);
  return flat.reshape(defaultMask.shape.slice());
}

// ---- the methods --------------------------------------------------------------------------

// Callable: `method(module, inputs)` is the forward pre-hook.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface BasePruningMethod {
  (module: Module, inputs: unknown[]): void;
}

/** A class of pruning method, for apply() and global_unstructured(). */
export type PruningMethodClass = { prototype: BasePruningMethod; readonly name: string; PRUNING_TYPE?: PruningType };

/** Pruning methods subclass this and define compute_mask(t, default_mask) and a static PRUNING_TYPE. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export abstract class BasePruningMethod {
  declare _tensor_name: string | undefined;

  constructor() {
    const self = ((module: Module, inputs: unknown[]) => self.__call__(module, inputs)) as unknown as BasePruningMethod;
    delete (self as { name?: unknown }).name;
    delete (self as { length?: unknown }).length;
    Object.setPrototypeOf(self, new.target.prototype);
    Object.defineProperty(self, "_tensor_name", { value: undefined, writable: true, configurable: true, enumerable: false });
    return self;
  }

  /** The class's PRUNING_TYPE (an instance field of that name wins, as attribute lookup in Python). */
  get PRUNING_TYPE(): PruningType | undefined {
    return (this.constructor as { PRUNING_TYPE?: PruningType }).PRUNING_TYPE;
  }

  /** The forward pre-hook: module[name] = mask * orig (the inputs are not used). */
  __call__(module: Module, ...inputs: unknown[]): void {
    void inputs;
    slotsOf(module)[this._tensor_name as string] = this.apply_mask(module);
  }

  abstract compute_mask(t: Tensor, default_mask: Tensor): Tensor;

  /** name_mask * name_orig, in the parameter's dtype. */
  apply_mask(module: Module): Tensor {
    if (this._tensor_name === undefined) throw assertionError(`Module ${module._get_name()} has to be pruned`);
    const mask = slotsOf(module)[`${this._tensor_name}_mask`] as Tensor;
    const orig = slotsOf(module)[`${this._tensor_name}_orig`] as Tensor;
    return mask.to(orig.dtype).mul(orig);
  }

  /**
   * Prunes module[name] with a new method of this class: `L1Unstructured.apply(module, "weight", 0.3)`.
   * The arguments after `name` go to the constructor; a trailing options object may carry
   * importance_scores (the rest of it goes to the constructor too).
   */
  static apply<T extends BasePruningMethod>(this: new (...args: never[]) => T, module: Module, name: string, ...args: unknown[]): T {
    let scores: Tensor | null | undefined;
    const last = args[args.length - 1];
    if (last !== null && typeof last === "object" && !(last instanceof Tensor) && "importance_scores" in last) {
      const { importance_scores, ...rest } = last as { importance_scores?: Tensor | null };
      scores = importance_scores;
      args = Object.keys(rest).length > 0 ? [...args.slice(0, -1), rest] : args.slice(0, -1);
    }
    const Cls = this as unknown as new (...a: unknown[]) => T;
    return applyPruning(module, name, () => new Cls(...args), scores ?? null) as T;
  }

  /** t * compute_mask(importance_scores ?? t, default_mask ?? ones): prunes a tensor without a module. */
  prune(t: Tensor, default_mask: Tensor | null = null, importance_scores: Tensor | null = null): Tensor {
    const scores = importance_scores ?? t;
    if (importance_scores && !sameShape(importance_scores, t)) throw assertionError("importance_scores should have the same shape as tensor t");
    return t.mul(this.compute_mask(scores, default_mask ?? ones_like(t)));
  }

  /** Makes the pruning permanent: module[name] becomes a parameter holding the pruned values. */
  remove(module: Module): void {
    if (this._tensor_name === undefined) throw assertionError(`Module ${module._get_name()} has to be pruned before pruning can be removed`);
    const name = this._tensor_name;
    const slots = slotsOf(module);
    const weight = no_grad(() => this.apply_mask(module));
    delete slots[name];
    const orig = slots[`${name}_orig`] as Parameter;
    orig.data = weight.detach();
    delete slots[`${name}_orig`];
    delete slots[`${name}_mask`];
    module._buffer_names.delete(`${name}_mask`);
    slots[name] = orig;
  }
}

const sameShape = (a: Tensor, b: Tensor) => a.shape.length === b.shape.length && a.shape.every((s, i) => s === b.shape[i]);

/** BasePruningMethod.apply's body: composes with an existing method, reparametrises, registers the hook. */
function applyPruning(module: Module, name: string, make: () => BasePruningMethod, importanceScores: Tensor | null): BasePruningMethod {
  const slots = slotsOf(module);
  let old: BasePruningMethod | null = null;
  const toRemove: number[] = [];
  for (const [k, hook] of module._forward_pre_hooks) {
    if (hook instanceof BasePruningMethod && hook._tensor_name === name) {
      old = hook;
      toRemove.push(k);
    }
  }
  if (toRemove.length > 1) {
    throw assertionError(`Avoid adding multiple pruning hooks to the same tensor ${name} of module ${module._get_name()}. Use a PruningContainer.`);
  }
  const orig = slots[name];
  if (!(orig instanceof Tensor)) throw new TypeError_(`'${module._get_name()}' object has no tensor attribute '${name}'`);
  if (importanceScores && !sameShape(importanceScores, orig)) {
    throw assertionError(`importance_scores should have the same shape as parameter ${name} of ${module._get_name()}`);
  }
  let method = make();
  method._tensor_name = name;
  for (const k of toRemove) module._forward_pre_hooks.delete(k);
  if (old instanceof PruningContainer) {
    old.add_pruning_method(method);
    method = old;
  } else if (old) {
    const container = new PruningContainer(old);
    container.add_pruning_method(method);
    method = container;
  }
  const scores = importanceScores ?? orig;
  let defaultMask: Tensor;
  if (!(method instanceof PruningContainer)) {
    // PyTorch: register name_orig, then drop name from _parameters (so name_orig comes last).
    delete slots[name];
    module.register_parameter(`${name}_orig`, orig as Parameter);
    defaultMask = ones_like(orig);
  } else {
    defaultMask = (slots[`${name}_mask`] as Tensor).detach().clone().contiguous();
  }
  try {
    const mask = no_grad(() => method.compute_mask(scores, defaultMask));
    module.register_buffer(`${name}_mask`, mask);
    slots[name] = method.apply_mask(module);
    module.register_forward_pre_hook(method as unknown as (m: Module, a: unknown[]) => unknown);
  } catch (e) {
    if (!(method instanceof PruningContainer)) {
      delete slots[`${name}_orig`];
      module.register_parameter(name, orig as Parameter);
    }
    throw e;
  }
  return method;
}

/** The sequence of methods applied to one tensor; its mask is the last method's on the survivors. */
export class PruningContainer extends BasePruningMethod {
  _pruning_methods: BasePruningMethod[] = [];

  constructor(...methods: (BasePruningMethod | null)[]) {
    super();
    if (methods.length === 1 && methods[0]) {
      this._tensor_name = methods[0]._tensor_name;
      this.add_pruning_method(methods[0]);
    } else {
      for (const m of methods) this.add_pruning_method(m);
    }
  }

  add_pruning_method(method: BasePruningMethod | null): void {
    if (method !== null && !(method instanceof BasePruningMethod)) {
      throw new TypeError_(`${typeof method} is not a BasePruningMethod subclass`);
    }
    if (method !== null && this._tensor_name !== method._tensor_name) {
      throw new ValueError(
        `Can only add pruning methods acting on the parameter named '${this._tensor_name}' to PruningContainer. Found '${method._tensor_name}'`,
      );
    }
    this._pruning_methods.push(method as BasePruningMethod);
  }

  __len__(): number {
    return this._pruning_methods.length;
  }
  get length(): number {
    return this._pruning_methods.length;
  }
  [Symbol.iterator](): Iterator<BasePruningMethod> {
    return this._pruning_methods[Symbol.iterator]();
  }
  __getitem__(idx: number): BasePruningMethod {
    return this._pruning_methods[idx < 0 ? idx + this._pruning_methods.length : idx];
  }

  /** The last method's mask computed only over what default_mask still keeps (prune.py's _combine_masks). */
  compute_mask(t: Tensor, default_mask: Tensor): Tensor {
    const method = this._pruning_methods[this._pruning_methods.length - 1];
    const newMask = default_mask.to(t.dtype).contiguous().clone();
    const type = method.PRUNING_TYPE;
    if (type === "unstructured") {
      const keep = default_mask.eq(1);
      const partial = method.compute_mask(t.masked_select(keep), default_mask.masked_select(keep));
      return newMask.masked_scatter_(keep, partial.to(newMask.dtype));
    }
    if (type === "structured") {
      const d = (method as { dim?: number }).dim;
      if (d === undefined) throw new TorchError('Pruning methods of PRUNING_TYPE "structured" need to have the attribute `dim` defined.', "AttributeError");
      const dim = d < 0 ? d + t.dim() : d;
      if (dim < 0) throw new IndexError(`Index is out of bounds for tensor with dimensions ${t.dim()}`);
      const others = t.shape.map((_, i) => i).filter((i) => i !== dim);
      const keepChannel = default_mask.abs().sum(others).ne(0);
      const idx = (keepChannel.nonzero() as Tensor).reshape(-1);
      const partial = method.compute_mask(t.index_select(dim, idx), default_mask.index_select(dim, idx));
      return newMask.index_copy_(dim, idx, partial.to(newMask.dtype));
    }
    if (type === "global") return method.compute_mask(t, default_mask).to(newMask.dtype);
    throw new ValueError(`Unrecognized PRUNING_TYPE ${String(type)}`);
  }
}

function amountArg(cls: string, names: string[], args: unknown[]): Record<string, unknown> {
  const o = parseArgs<Record<string, unknown>>(cls, names, args);
  if (o.amount === undefined) throw new TypeError_(`${cls}.__init__() missing 1 required positional argument: 'amount'`);
  validateAmountInit(o.amount);
  return o;
}

/** Keeps everything: a mask of ones (used to reparametrise without pruning). */
export class Identity extends BasePruningMethod {
  static PRUNING_TYPE: PruningType = "unstructured";
  compute_mask(_t: Tensor, default_mask: Tensor): Tensor {
    return default_mask;
  }
}

type AmountArgs = [amount: number] | [{ amount: number }];

/** Unstructured pruning of `amount` entries (a count or a fraction): the top `amount` of a per-entry score are zeroed. */
abstract class ScoredUnstructured extends BasePruningMethod {
  static PRUNING_TYPE: PruningType = "unstructured";
  amount: number;
  /** `cls` is the Python class name, for argument errors. */
  protected constructor(cls: string, args: AmountArgs) {
    super();
    this.amount = amountArg(cls, ["amount"], args).amount as number;
  }
  /** Each entry's score (flattened) and whether the largest or the smallest scores are pruned. */
  protected abstract scores(t: Tensor): { values: number[]; largest: boolean };
  compute_mask(t: Tensor, default_mask: Tensor): Tensor {
    const n = nparamsToPrune(this.amount, t.numel());
    if (n === 0) return default_mask.clone().contiguous();
    const { values, largest } = this.scores(t);
    return zeroAt(default_mask, torchTopkIndices(values, n, largest));
  }
}

/** Prunes `amount` entries chosen uniformly at random (the largest of rand_like(t), as PyTorch draws). */
export class RandomUnstructured extends ScoredUnstructured {
  constructor(...args: AmountArgs) {
    super("RandomUnstructured", args);
  }
  protected scores(t: Tensor): { values: number[]; largest: boolean } {
    return { values: rand(t.shape.slice(), { dtype: t.dtype }).reshape(-1).tolist() as number[], largest: true };
  }
}

/** Prunes the `amount` entries of smallest absolute value (topk of |t|, smallest first). */
export class L1Unstructured extends ScoredUnstructured {
  constructor(...args: AmountArgs) {
    super("L1Unstructured", args);
  }
  protected scores(t: Tensor): { values: number[]; largest: boolean } {
    return { values: t.abs().reshape(-1).tolist() as number[], largest: false };
  }
}

/** Structured pruning of `amount` whole channels along `dim` (default -1). */
abstract class ChannelStructured extends BasePruningMethod {
  static PRUNING_TYPE: PruningType = "structured";
  amount: number;
  dim: number;
  /** `o` is the parsed arguments (amount validated by amountArg). */
  protected constructor(o: Record<string, unknown>) {
    super();
    this.amount = o.amount as number;
    this.dim = (o.dim as number | undefined) ?? -1;
  }
  /** Which of the `size` channels along `dim` to keep when `n` are pruned; null when nothing is pruned. */
  protected abstract keptChannels(t: Tensor, dim: number, size: number, n: number): boolean[] | null;
  compute_mask(t: Tensor, default_mask: Tensor): Tensor {
    validateStructured(t);
    const dim = checkedDim(t, this.dim);
    const size = t.shape[dim];
    const keep = this.keptChannels(t, dim, size, nparamsToPrune(this.amount, size));
    if (keep === null) return default_mask;
    return channelMask(t, dim, keep).mul(default_mask.to(t.dtype));
  }
}

/** Prunes `amount` whole channels along `dim` (default -1), chosen at random. */
export class RandomStructured extends ChannelStructured {
  constructor(...args: [amount: number, dim?: number] | [amount: number, { dim?: number }] | [{ amount: number; dim?: number }]) {
    super(amountArg("RandomStructured", ["amount", "dim"], args));
  }
  protected keptChannels(_t: Tensor, _dim: number, size: number, n: number): boolean[] | null {
    if (n === 0) return null;
    // PyTorch: prob = torch.rand(nchannels); keep the channels above the n-th smallest.
    const prob = rand([size]);
    const threshold = prob.kthvalue(n).values.item();
    return (prob.tolist() as number[]).map((p) => p > threshold);
  }
}

/** Prunes the `amount` channels along `dim` of smallest L`n` norm (n: a number, Infinity, -Infinity, "fro", "nuc"). */
export class LnStructured extends ChannelStructured {
  n: number | "fro" | "nuc";
  constructor(
    ...args:
      | [amount: number, n: number | "fro" | "nuc", dim?: number]
      | [amount: number, n: number | "fro" | "nuc", { dim?: number }]
      | [{ amount: number; n: number | "fro" | "nuc"; dim?: number }]
  ) {
    const o = amountArg("LnStructured", ["amount", "n", "dim"], args);
    if (o.n === undefined) throw new TypeError_("LnStructured.__init__() missing 1 required positional argument: 'n'");
    super(o);
    this.n = o.n as number | "fro" | "nuc";
  }
  protected keptChannels(t: Tensor, dim: number, size: number, n: number): boolean[] | null {
    // As PyTorch, the norms (and their errors) come before the nothing-to-prune shortcut.
    const others = t.shape.map((_, i) => i).filter((i) => i !== dim);
    const norm = t.norm(this.n as number, others);
    const kept = torchTopkIndices(norm.tolist() as number[], size - n, true);
    if (n === 0) return null;
    const keep = new Array<boolean>(size).fill(false);
    for (const i of kept) keep[i] = true;
    return keep;
  }
}

/** Prunes where a given mask is 0. */
export class CustomFromMask extends BasePruningMethod {
  static PRUNING_TYPE: PruningType = "global";
  mask: Tensor;
  constructor(...args: [mask: Tensor] | [{ mask: Tensor }]) {
    super();
    const o = parseArgs<{ mask: Tensor }>("CustomFromMask", ["mask"], args);
    if (!(o.mask instanceof Tensor)) throw new TypeError_("CustomFromMask.__init__() missing 1 required positional argument: 'mask'");
    this.mask = o.mask;
  }
  compute_mask(_t: Tensor, default_mask: Tensor): Tensor {
    if (!sameShape(default_mask, this.mask)) throw assertionError("default_mask and mask must have the same shape");
    return default_mask.mul(this.mask.to(default_mask.dtype));
  }
}

// ---- the functional forms ------------------------------------------------------------------
type Amount = { amount?: number };
type Scores = { importance_scores?: Tensor | null };

function required<T>(fn: string, o: Record<string, unknown>, key: string): T {
  if (o[key] === undefined) throw new TypeError_(`${fn}() missing 1 required positional argument: '${key}'`);
  return o[key] as T;
}

/** Reparametrises module[name] with a mask of ones. */
export function identity<M extends Module>(module: M, ...args: [name: string] | [{ name: string }]): M;
/** identity(module=..., ...): every argument by keyword, as torch. */
export function identity<M extends Module>(options: { name: string } & { module: M }): M;
export function identity<M extends Module>(...all: unknown[]): M {
  const [module, ...args] = leadingArgs("identity", ["module"], 1, all) as [M, ...unknown[]];
  const name = required<string>("identity", parseArgs<{ name: string }>("identity", ["name"], args), "name");
  applyPruning(module, name, () => new Identity(), null);
  return module;
}

/** `prune.random_unstructured(module, "weight", 0.3)` or `(module, { name: "weight", amount: 0.3 })`. */
export function random_unstructured<M extends Module>(module: M, ...args: [name: string, amount: number] | [name: string, Amount] | [{ name: string; amount: number }]): M;
/** random_unstructured(module=..., ...): every argument by keyword, as torch. */
export function random_unstructured<M extends Module>(options: { name: string; amount: number } & { module: M }): M;
export function random_unstructured<M extends Module>(...all: unknown[]): M {
  const [module, ...args] = leadingArgs("random_unstructured", ["module"], 1, all) as [M, ...unknown[]];
  const o = parseArgs<{ name: string } & Amount>("random_unstructured", ["name", "amount"], args);
  const amount = required<number>("random_unstructured", o, "amount");
  applyPruning(module, required("random_unstructured", o, "name"), () => new RandomUnstructured(amount), null);
  return module;
}

/** `prune.l1_unstructured(module, "weight", 0.3, { importance_scores })`. */
export function l1_unstructured<M extends Module>(
  module: M,
  ...args: [name: string, amount: number, options?: Scores] | [name: string, Amount & Scores] | [{ name: string; amount: number } & Scores]
): M;
/** l1_unstructured(module=..., ...): every argument by keyword, as torch. */
export function l1_unstructured<M extends Module>(options: { name: string; amount: number } & Scores & { module: M }): M;
export function l1_unstructured<M extends Module>(...all: unknown[]): M {
  const [module, ...args] = leadingArgs("l1_unstructured", ["module"], 1, all) as [M, ...unknown[]];
  const o = parseArgs<{ name: string } & Amount & Scores>("l1_unstructured", ["name", "amount", "importance_scores"], args);
  const amount = required<number>("l1_unstructured", o, "amount");
  applyPruning(module, required("l1_unstructured", o, "name"), () => new L1Unstructured(amount), o.importance_scores ?? null);
  return module;
}

/** `prune.random_structured(module, "weight", 0.5, 0)` (dim is required, as in PyTorch). */
export function random_structured<M extends Module>(
  module: M,
  ...args: [name: string, amount: number, dim: number] | [name: string, amount: number, { dim: number }] | [name: string, Amount & { dim: number }] | [{ name: string; amount: number; dim: number }]
): M;
/** random_structured(module=..., ...): every argument by keyword, as torch. */
export function random_structured<M extends Module>(options: { name: string; amount: number; dim: number } & { module: M }): M;
export function random_structured<M extends Module>(...all: unknown[]): M {
  const [module, ...args] = leadingArgs("random_structured", ["module"], 1, all) as [M, ...unknown[]];
  const o = parseArgs<{ name: string; dim: number } & Amount>("random_structured", ["name", "amount", "dim"], args);
  const amount = required<number>("random_structured", o, "amount");
  const dim = required<number>("random_structured", o, "dim");
  applyPruning(module, required("random_structured", o, "name"), () => new RandomStructured(amount, dim), null);
  return module;
}

type LnOptions = { name?: string; amount?: number; n?: number | "fro" | "nuc"; dim?: number } & Scores;
/** `prune.ln_structured(module, "weight", 0.5, 2, 0)` or `(module, "weight", { amount: 0.5, n: 2, dim: 0 })`. */
export function ln_structured<M extends Module>(
  module: M,
  ...args:
    | [name: string, amount: number, n: number | "fro" | "nuc", dim: number, options?: Scores]
    | [name: string, amount: number, n: number | "fro" | "nuc", LnOptions]
    | [name: string, amount: number, LnOptions]
    | [name: string, LnOptions]
    | [LnOptions]
): M;
/** ln_structured(module=..., ...): every argument by keyword, as torch. */
export function ln_structured<M extends Module>(options: { name: string; amount: number; n: number | "fro" | "nuc"; dim: number } & Scores & { module: M }): M;
export function ln_structured<M extends Module>(...all: unknown[]): M {
  const [module, ...args] = leadingArgs("ln_structured", ["module"], 1, all) as [M, ...unknown[]];
  const o = parseArgs<LnOptions>("ln_structured", ["name", "amount", "n", "dim", "importance_scores"], args);
  const amount = required<number>("ln_structured", o, "amount");
  const n = required<number | "fro" | "nuc">("ln_structured", o, "n");
  const dim = required<number>("ln_structured", o, "dim");
  applyPruning(module, required("ln_structured", o, "name"), () => new LnStructured(amount, n, dim), o.importance_scores ?? null);
  return module;
}

/** Prunes where `mask` is 0: `prune.custom_from_mask(module, "bias", mask)`. */
export function custom_from_mask<M extends Module>(module: M, ...args: [name: string, mask: Tensor] | [name: string, { mask: Tensor }] | [{ name: string; mask: Tensor }]): M;
/** custom_from_mask(module=..., ...): every argument by keyword, as torch. */
export function custom_from_mask<M extends Module>(options: { name: string; mask: Tensor } & { module: M }): M;
export function custom_from_mask<M extends Module>(...all: unknown[]): M {
  const [module, ...args] = leadingArgs("custom_from_mask", ["module"], 1, all) as [M, ...unknown[]];
  const o = parseArgs<{ name: string; mask: Tensor }>("custom_from_mask", ["name", "mask"], args);
  const mask = required<Tensor>("custom_from_mask", o, "mask");
  applyPruning(module, required("custom_from_mask", o, "name"), () => new CustomFromMask(mask), null);
  return module;
}

/** Importance scores for global_unstructured: a Map keyed by the same [module, name] pairs, or [[module, name], scores] entries. */
export type ImportanceScores = Map<readonly [Module, string], Tensor> | [readonly [Module, string], Tensor][];

export interface GlobalUnstructuredOptions {
  pruning_method?: PruningMethodClass;
  importance_scores?: ImportanceScores | null;
  [kwarg: string]: unknown;
}

/**
 * Prunes several tensors as one: the method's mask over all of them concatenated.
 * `prune.global_unstructured(parameters, prune.L1Unstructured, { amount: 0.2 })`.
 */
export function global_unstructured(
  parameters: Iterable<readonly [Module, string]>,
  ...args:
    | [pruning_method: PruningMethodClass, options?: GlobalUnstructuredOptions]
    | [pruning_method: PruningMethodClass, importance_scores: ImportanceScores | null, options?: GlobalUnstructuredOptions]
    | [GlobalUnstructuredOptions]
): void;
/** global_unstructured(parameters=pairs, pruning_method=prune.L1Unstructured, amount=0.2): every argument by keyword. */
export function global_unstructured(options: GlobalUnstructuredOptions & { parameters: Iterable<readonly [Module, string]> }): void;
export function global_unstructured(...all: unknown[]): void {
  const [parameters, ...args] = leadingArgs("global_unstructured", ["parameters"], 1, all) as [Iterable<readonly [Module, string]>, ...unknown[]];
  if (parameters === null || typeof (parameters as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== "function") {
    throw new TypeError_("global_unstructured(): parameters is not an Iterable");
  }
  // (parameters, pruning_method, importance_scores=None, **kwargs): the kwargs go to the pruning method.
  const keywords = args.length > 0 && isOptions(args[args.length - 1]);
  const opts: GlobalUnstructuredOptions = keywords ? { ...(args[args.length - 1] as GlobalUnstructuredOptions) } : {};
  const positional = keywords ? args.slice(0, -1) : args;
  if (positional.length > 2) throw new TypeError_(`global_unstructured() takes from 2 to 3 positional arguments but ${positional.length + 1} were given`);
  for (const [i, k] of (["pruning_method", "importance_scores"] as const).entries()) {
    if (positional[i] !== undefined && opts[k] !== undefined) throw new TypeError_(`global_unstructured() got multiple values for argument '${k}'`);
  }
  const Method = (positional[0] ?? opts.pruning_method) as unknown;
  if (typeof Method !== "function") throw new TypeError_("global_unstructured() missing 1 required positional argument: 'pruning_method'");
  const scoresIn = (positional[1] ?? opts.importance_scores ?? []) as ImportanceScores;
  if (!(scoresIn instanceof Map) && !Array.isArray(scoresIn)) throw new TypeError_("global_unstructured(): importance_scores must be of type dict");
  delete opts.pruning_method;
  delete opts.importance_scores;
  const pairs = [...parameters];
  const scoreEntries = [...scoresIn.entries()].map((e) => (Array.isArray(scoresIn) ? (e[1] as [readonly [Module, string], Tensor]) : (e as [readonly [Module, string], Tensor])));
  const scoreFor = (m: Module, name: string): Tensor | undefined => scoreEntries.find(([[mm, nn]]) => mm === m && nn === name)?.[1];
  const attr = (m: Module, name: string): Tensor => {
    const t = slotsOf(m)[name];
    if (!(t instanceof Tensor)) throw new TorchError(`'${m._get_name()}' object has no attribute '${name}'`, "AttributeError");
    return t;
  };
  const flat = (ts: Tensor[]) => cat(ts.map((t) => t.detach().reshape(-1)));
  const importance = flat(pairs.map(([m, name]) => scoreFor(m, name) ?? attr(m, name)));
  const defaultMask = flat(pairs.map(([m, name]) => (slotsOf(m)[`${name}_mask`] as Tensor | undefined) ?? ones_like(attr(m, name))));
  const container = new PruningContainer();
  container._tensor_name = "temp";
  const method = new (Method as new (o: object) => BasePruningMethod)(opts);
  method._tensor_name = "temp";
  if (method.PRUNING_TYPE !== "unstructured") {
    throw new TypeError_(`Only "unstructured" PRUNING_TYPE supported for the \`pruning_method\`. Found method ${(Method as { name: string }).name} of type ${String(method.PRUNING_TYPE)}`);
  }
  container.add_pruning_method(method);
  const finalMask = no_grad(() => container.compute_mask(importance, defaultMask));
  let at = 0;
  for (const [m, name] of pairs) {
    const p = attr(m, name);
    const n = p.numel();
    custom_from_mask(m, name, finalMask.narrow(0, at, n).reshape(p.shape.slice()));
    at += n;
  }
}

/** Makes the pruning of module[name] permanent: name_orig and name_mask are replaced by the parameter `name`. */
/** `prune.remove(module, "weight")` or `(module, { name: "weight" })`, as torch's remove(m, name='weight'). */
export function remove<M extends Module>(module: M, ...args: [name: string] | [{ name: string }]): M;
/** remove(module=..., ...): every argument by keyword, as torch. */
export function remove<M extends Module>(options: { name: string } & { module: M }): M;
export function remove<M extends Module>(...all: unknown[]): M {
  const [module, ...args] = leadingArgs("remove", ["module"], 1, all) as [M, ...unknown[]];
  const name = required<string>("remove", parseArgs<{ name: string }>("remove", ["name"], args), "name");
  for (const [k, hook] of module._forward_pre_hooks) {
    if (hook instanceof BasePruningMethod && hook._tensor_name === name) {
      hook.remove(module);
      module._forward_pre_hooks.delete(k);
      return module;
    }
  }
  throw new ValueError(`Parameter '${name}' of module ${module.toString()} has to be pruned before pruning can be removed`);
}

/** True if the module or any submodule carries a pruning hook. */
export function is_pruned(module: Module): boolean;
/** is_pruned(module=m). */
export function is_pruned(options: { module: Module }): boolean;
export function is_pruned(...all: unknown[]): boolean {
  const [module, ...extra] = leadingArgs("is_pruned", ["module"], 1, all) as [Module, ...unknown[]];
  checkNoMoreArgs("is_pruned", extra);
  for (const [, sub] of module.named_modules()) {
    for (const hook of sub._forward_pre_hooks.values()) if (hook instanceof BasePruningMethod) return true;
  }
  return false;
}

export const prune = {
  BasePruningMethod, PruningContainer, Identity, RandomUnstructured, L1Unstructured, RandomStructured, LnStructured, CustomFromMask,
  identity, random_unstructured, l1_unstructured, random_structured, ln_structured, global_unstructured, custom_from_mask, remove, is_pruned,
};
