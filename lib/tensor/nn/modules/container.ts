/**
 * Sequential, ModuleList, ModuleDict, ParameterList and ParameterDict. Children are stored under the keys "0", "1", ... so `seq[0]`
 * indexes like PyTorch and state_dict keys read "0.weight".
 */
import { IndexError, TorchError, TypeError_ } from "../../errors";
import { defineNegativeIndices } from "../../negative_indices";
import { isOptions, parseArgs, type PyArgs } from "../../args";
import { Tensor } from "../../tensor";
import { Module } from "../module";
import { Parameter } from "../parameter";
import { fusedConvReluPool } from "./conv_relu_pool";

/** Children under integer keys, in order (JS keeps integer-like keys sorted ascending). */
function indexedChildren(m: Module): Module[] {
  return m._own_children().filter(([k]) => /^\d+$/.test(k)).map(([, c]) => c);
}

/** All children in order; a module added twice runs twice (PyTorch iterates `_modules`). */
function allChildren(m: Module): Module[] {
  return m._own_children().map(([, c]) => c);
}

/** torch's index check for Sequential / ModuleList / ParameterList: operator.index, then 'index -3 is out of range'. */
function normIndex(idx: number, len: number): number {
  if (!Number.isInteger(idx)) throw new TypeError_(`'${typeof idx === "number" ? "float" : typeof idx === "string" ? "str" : typeof idx}' object cannot be interpreted as an integer`);
  if (idx < -len || idx >= len) throw new IndexError(`index ${idx} is out of range`);
  return idx < 0 ? idx + len : idx;
}

/**
 * seq[-1], list[-2], ...: Python's negative indices as properties "-1" ... "-1024" on the prototype (not enumerable, so
 * never a child or a state_dict key), each reading get(-k); out of range raises IndexError as in PyTorch.
 */
const negativeIndexGetters = (...protos: { get(i: number): unknown }[]): void => defineNegativeIndices(protos, 1024, (self, k) => self.get(-k));

/**
 * seq[-1] = layer, list[-2] = layer as well (torch's __setitem__: the child at that position is replaced under its
 * own name, seq[-1] of Sequential({ fc1, fc2 }) being fc2); out of range raises IndexError as the getter does.
 * (Deep Learning with PyTorch Step-by-Step swaps a pretrained model's head this way.)
 */
const negativeIndexAccessors = (...protos: (Module & { get(i: number): unknown })[]): void =>
  defineNegativeIndices(protos, 1024, (self, k) => self.get(-k), (self, k, value) => {
    const kids = self._own_children();
    const name = kids[normIndex(-k, kids.length)][0];
    (self as unknown as Record<string, unknown>)[name] = value;
  });

/** Children in order under the names "0", "1", ... (Sequential's pop renumbers as torch's __delitem__ does). */
function renumber(m: Module, kids: Module[]): void {
  for (const [k] of m._own_children()) delete (m as unknown as Record<string, unknown>)[k];
  kids.forEach((c, i) => m.add_module(String(i), c));
}

/**
 * Runs its modules in order, feeding each output to the next:
 * `new nn.Sequential(new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 10))`, or with
 * names: `new nn.Sequential({ fc1: new nn.Linear(2, 4), act: new nn.ReLU() })`.
 */
export class Sequential extends Module {
  static override readonly __name__ = "Sequential";
  [index: number]: Module;

  constructor(...args: Module[] | [Record<string, Module> | Map<string, Module>]) {
    super();
    // Sequential(OrderedDict(...)): a plain object or a Map of named layers; anything else is a layer (add_module checks it)
    if (args.length === 1 && (isOptions(args[0]) || args[0] instanceof Map)) {
      const named = args[0] instanceof Map ? [...args[0].entries()] : Object.entries(args[0]);
      for (const [name, m] of named) this.add_module(name, m);
    } else {
      // add_module refuses what is no Module in torch's words: "torch.nn.modules.activation.ReLU is not a Module subclass"
      (args as Module[]).forEach((m, i) => this.add_module(String(i), m));
    }
  }

  override forward(input: Tensor): Tensor {
    let x: unknown = input;
    const kids = allChildren(this);
    for (let i = 0; i < kids.length; i++) {
      // Conv2d, ReLU, MaxPool2d(2): one fused op when they qualify (only Sequential sees the intermediates).
      const fused = i + 2 < kids.length ? fusedConvReluPool(kids[i], kids[i + 1], kids[i + 2], x) : null;
      if (fused) {
        x = fused;
        i += 2;
        continue;
      }
      x = kids[i](x);
    }
    return x as Tensor;
  }

  get length(): number {
    return allChildren(this).length;
  }

  /** seq.get(-1) is seq[-1] (Python's negative index; seq[0] is the child "0"). */
  get(idx: number): Module {
    const kids = allChildren(this);
    return kids[normIndex(idx, kids.length)];
  }

  append(module: Module): this {
    this.add_module(String(allChildren(this).length), module);
    return this;
  }

  /** seq.extend(layers): append each (another Sequential, a ModuleList or an array), as torch 1.13. */
  extend(sequential: Iterable<Module>): this {
    for (const layer of [...sequential]) this.append(layer);
    return this;
  }

  /** seq.insert(index, module): torch 1.13's, -len <= index <= len; the later modules move up one. */
  insert(index: number, module: Module): this {
    if (!(module instanceof Module)) throw new TypeError_(`module should be of type: <class 'torch.nn.modules.module.Module'> (got ${typeof module})`);
    const kids = allChildren(this);
    const n = kids.length;
    if (!Number.isInteger(index) || index < -n || index > n) throw new IndexError(`Index out of range: ${index}`);
    const at = index < 0 ? index + n : index;
    if (at < n && !this._own_children().every(([k], i) => k === String(i))) {
      // torch moves _modules[str(i - 1)] up, a KeyError when the Sequential has names of its own
      throw new KeyError_(`'${n - 1}' (Sequential.insert needs the children named 0, 1, ...)`);
    }
    kids.splice(at, 0, module);
    kids.forEach((m, i) => this.add_module(String(i), m));
    return this;
  }

  /** seq.pop(index): removes and returns that module; the rest are renumbered 0, 1, ... as torch's del seq[i]. */
  pop(index: number): Module {
    const kids = allChildren(this);
    const at = normIndex(index, kids.length);
    const [m] = kids.splice(at, 1);
    renumber(this, kids);
    return m;
  }

  /**
   * seq.slice(a, b): a new Sequential of the same module objects under the same names (PyTorch's
   * seq[a:b] slices the OrderedDict: nn.Sequential(relu, tanh)[1:] has the child "1").
   */
  slice(start?: number, end?: number): Sequential {
    return new Sequential(new Map(this._own_children().slice(start, end)));
  }

  [Symbol.iterator](): Iterator<Module> {
    return allChildren(this)[Symbol.iterator]();
  }
}

/** A list of modules that registers them (plain arrays do not), with no forward of its own. */
export class ModuleList extends Module {
  static override readonly __name__ = "ModuleList";
  [index: number]: Module;

  /** new nn.ModuleList(modules), nn.ModuleList(modules=[...]) as new nn.ModuleList({ modules: [...] }) */
  constructor(...args: PyArgs<[modules?: Iterable<Module> | null], { modules?: Iterable<Module> | null }>) {
    super();
    this.extend(parseArgs<{ modules: Iterable<Module> | null }>("ModuleList", ["modules"], args).modules ?? []);
  }

  get length(): number {
    return indexedChildren(this).length;
  }

  get(idx: number): Module {
    const kids = indexedChildren(this);
    return kids[normIndex(idx, kids.length)];
  }

  append(module: Module): this {
    this.add_module(String(this.length), module);
    return this;
  }

  extend(modules: Iterable<Module>): this {
    for (const m of modules) this.append(m);
    return this;
  }

  insert(index: number, module: Module): void {
    const kids = indexedChildren(this);
    const at = index < 0 ? index + kids.length : index;
    kids.splice(at, 0, module);
    kids.forEach((m, i) => this.add_module(String(i), m));
  }

  [Symbol.iterator](): Iterator<Module> {
    return indexedChildren(this)[Symbol.iterator]();
  }
}

/**
 * A name can be stored on the instance only when it does not hide a method or setting of the
 * container (PyTorch keeps entries in a separate dict; here they are properties).
 */
function checkKey(container: Module, key: string, what: string): void {
  if (typeof key !== "string" || key === "") throw new TypeError_(`${what} keys should be non-empty strings, but got ${String(key)}`);
  if (key.includes(".")) throw new KeyError_(`${what} key can't contain ".", got: ${key}`);
  const own = Object.prototype.hasOwnProperty.call(container, key);
  if (!own && key in container) throw new KeyError_(`${what} key '${key}' would hide ${what}.${key}; pick another name`);
}

/** Python's KeyError (a missing or unusable name). */
class KeyError_ extends TorchError {
  constructor(message: string) {
    super(message, "KeyError");
  }
}

/** A dict's entries: an object, a Map, pairs, or another ModuleDict / ParameterDict (its items()). */
type Entries<V> = Record<string, V> | Map<string, V> | Iterable<readonly [string, V]> | (Module & { items(): [string, V][] });

function entriesOf<V>(src: Entries<V>): [string, V][] {
  if (src instanceof Map) return [...src.entries()];
  // another ModuleDict / ParameterDict (iterating one gives its keys, as in Python): its items in order
  if (src instanceof Module && typeof (src as { items?: unknown }).items === "function") return (src as { items(): [string, V][] }).items();
  if (typeof (src as Iterable<unknown>)[Symbol.iterator] === "function") return [...(src as Iterable<readonly [string, V]>)].map(([k, v]) => [k, v]);
  return Object.entries(src as Record<string, V>);
}

/**
 * Modules by name, registered like attributes: `new nn.ModuleDict({ enc: new nn.Linear(4, 2) })`,
 * `md.get("enc")`, `md.set("dec", m)`, keys/values/items, `for (const [k, m] of md)`.
 */
export class ModuleDict extends Module {
  static override readonly __name__ = "ModuleDict";

  constructor(modules: Entries<Module> = {}) {
    super();
    this.update(modules);
  }

  get length(): number {
    return this._own_children().length;
  }

  get(key: string): Module {
    const m = this._own_children().find(([k]) => k === key);
    if (!m) throw new KeyError_(`'${key}' (ModuleDict has: ${this.keys().join(", ") || "nothing"})`);
    return m[1];
  }

  set(key: string, module: Module): this {
    checkKey(this, key, "ModuleDict");
    this.add_module(key, module);
    return this;
  }

  has(key: string): boolean {
    return this.keys().includes(key);
  }

  /** Removes key and returns its module (PyTorch's pop). */
  pop(key: string): Module {
    const m = this.get(key);
    delete (this as unknown as Record<string, unknown>)[key];
    return m;
  }

  clear(): void {
    for (const k of this.keys()) delete (this as unknown as Record<string, unknown>)[k];
  }

  keys(): string[] {
    return this._own_children().map(([k]) => k);
  }

  values(): Module[] {
    return this._own_children().map(([, m]) => m);
  }

  items(): [string, Module][] {
    return this._own_children();
  }

  update(modules: Entries<Module>): this {
    for (const [k, m] of entriesOf(modules)) {
      if (!(m instanceof Module)) throw new TypeError_(`ModuleDict.update: value of '${k}' is not a Module (got ${typeof m})`);
      this.set(k, m);
    }
    return this;
  }

  [Symbol.iterator](): Iterator<string> {
    return this.keys()[Symbol.iterator]();
  }
}

const TYPE_NAMES: Record<string, string> = { float32: "FloatTensor", float64: "DoubleTensor", int64: "LongTensor", bool: "BoolTensor" };

/**
 * PyTorch 1.13's lines: ParameterList prints the dtype ("[torch.float32 of size 2x3]"),
 * ParameterDict the tensor type ("[torch.FloatTensor of size 3]").
 */
function parameterLines(entries: [string, Parameter][], typeName: boolean): string {
  const kind = (p: Parameter): string => (typeName ? `torch.${TYPE_NAMES[p.dtype.name]}` : `torch.${p.dtype.name}`);
  return entries.map(([k, p]) => `  (${k}): Parameter containing: [${kind(p)} of size ${p.shape.join("x")}]`).join("\n");
}

function asParameter(v: Tensor | Parameter, what: string): Parameter {
  if (v instanceof Parameter) return v;
  if (v instanceof Tensor) return new Parameter(v);
  throw new TypeError_(`${what} can only hold tensors or Parameters, but got ${typeof v}`);
}

/** A list of parameters that the owning module registers (plain arrays are invisible to parameters()). */
export class ParameterList extends Module {
  static override readonly __name__ = "ParameterList";
  /** `list[0] = torch.randn(3)` stores a Parameter (nn/slot_guards.ts), as torch's __setitem__. */
  static readonly _tensors_become_parameters = true;
  [index: number]: Parameter;

  /** new nn.ParameterList(values), nn.ParameterList(values=[...]) as new nn.ParameterList({ values: [...] }) */
  constructor(...args: PyArgs<[values?: Iterable<Tensor | Parameter> | null], { values?: Iterable<Tensor | Parameter> | null }>) {
    super();
    this.extend(parseArgs<{ values: Iterable<Tensor | Parameter> | null }>("ParameterList", ["values"], args).values ?? []);
  }

  private entries(): [string, Parameter][] {
    return this._own_parameters().filter(([k]) => /^\d+$/.test(k));
  }

  get length(): number {
    return this.entries().length;
  }

  get(idx: number): Parameter {
    const ps = this.entries();
    return ps[normIndex(idx, ps.length)][1];
  }

  /** A plain tensor is wrapped in a Parameter, as PyTorch does. */
  append(value: Tensor | Parameter): this {
    this.register_parameter(String(this.length), asParameter(value, "ParameterList"));
    return this;
  }

  extend(values: Iterable<Tensor | Parameter>): this {
    for (const v of values) this.append(v);
    return this;
  }

  override extra_repr(): string {
    return parameterLines(this.entries(), false);
  }

  [Symbol.iterator](): Iterator<Parameter> {
    return this.entries().map(([, p]) => p)[Symbol.iterator]();
  }
}

/** Parameters by name: `new nn.ParameterDict({ scale: torch.ones(3) })`, get/set/keys/values/items. */
export class ParameterDict extends Module {
  static override readonly __name__ = "ParameterDict";
  static readonly _tensors_become_parameters = true;

  constructor(values: Entries<Tensor | Parameter> = {}) {
    super();
    this.update(values);
  }

  get length(): number {
    return this._own_parameters().length;
  }

  get(key: string): Parameter {
    const p = this._own_parameters().find(([k]) => k === key);
    if (!p) throw new KeyError_(`'${key}' (ParameterDict has: ${this.keys().join(", ") || "nothing"})`);
    return p[1];
  }

  set(key: string, value: Tensor | Parameter): this {
    checkKey(this, key, "ParameterDict");
    this.register_parameter(key, asParameter(value, "ParameterDict"));
    return this;
  }

  has(key: string): boolean {
    return this.keys().includes(key);
  }

  pop(key: string): Parameter {
    const p = this.get(key);
    delete (this as unknown as Record<string, unknown>)[key];
    return p;
  }

  keys(): string[] {
    return this._own_parameters().map(([k]) => k);
  }

  values(): Parameter[] {
    return this._own_parameters().map(([, p]) => p);
  }

  items(): [string, Parameter][] {
    return this._own_parameters();
  }

  update(values: Entries<Tensor | Parameter>): this {
    // torch 1.13 adds a plain dict's items sorted by key (an OrderedDict, a ParameterDict or a
    // sequence of pairs in order); a JS object literal is the plain dict, a Map the ordered one.
    const plain = isOptions(values);
    const entries = entriesOf(values);
    if (plain) entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [k, v] of entries) this.set(k, v);
    return this;
  }

  override extra_repr(): string {
    return parameterLines(this._own_parameters(), true);
  }

  [Symbol.iterator](): Iterator<string> {
    return this.keys()[Symbol.iterator]();
  }
}

negativeIndexAccessors(Sequential.prototype, ModuleList.prototype);
negativeIndexGetters(ParameterList.prototype);
