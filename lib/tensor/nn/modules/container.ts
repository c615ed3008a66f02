/**
 * Sequential and ModuleList. Children are stored under the keys "0", "1", ... so `seq[0]`
 * indexes like PyTorch and state_dict keys read "0.weight".
 */
import { IndexError, TypeError_ } from "../../errors";
import type { Tensor } from "../../tensor";
import { Module } from "../module";

/** Children under integer keys, in order (JS keeps integer-like keys sorted ascending). */
function indexedChildren(m: Module): Module[] {
  return m._own_children().filter(([k]) => /^\d+$/.test(k)).map(([, c]) => c);
}

/** All children in order; a module added twice runs twice (PyTorch iterates `_modules`). */
function allChildren(m: Module): Module[] {
  return m._own_children().map(([, c]) => c);
}

function normIndex(idx: number, len: number, what: string): number {
  if (!Number.isInteger(idx) || idx < -len || idx >= len) throw new IndexError(`index ${idx} is out of range for ${what} of length ${len}`);
  return idx < 0 ? idx + len : idx;
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
    if (args.length === 1 && !(args[0] instanceof Module)) {
      const named = args[0] instanceof Map ? [...args[0].entries()] : Object.entries(args[0]);
      for (const [name, m] of named) this.add_module(name, m);
    } else {
      (args as Module[]).forEach((m, i) => {
        if (!(m instanceof Module)) throw new TypeError_(`Sequential: argument ${i} is not a Module (got ${typeof m})`);
        this.add_module(String(i), m);
      });
    }
  }

  override forward(input: Tensor): Tensor {
    let x: unknown = input;
    for (const m of allChildren(this)) x = m(x);
    return x as Tensor;
  }

  get length(): number {
    return allChildren(this).length;
  }

  /** seq.get(-1) for negative indices (seq[0] works for non-negative ones). */
  get(idx: number): Module {
    const kids = allChildren(this);
    return kids[normIndex(idx, kids.length, "Sequential")];
  }

  append(module: Module): this {
    this.add_module(String(allChildren(this).length), module);
    return this;
  }

  /** seq.slice(a, b): a new Sequential of the same module objects (PyTorch's seq[a:b]). */
  slice(start?: number, end?: number): Sequential {
    return new Sequential(...allChildren(this).slice(start, end));
  }

  [Symbol.iterator](): Iterator<Module> {
    return allChildren(this)[Symbol.iterator]();
  }
}

/** A list of modules that registers them (plain arrays do not), with no forward of its own. */
export class ModuleList extends Module {
  static override readonly __name__ = "ModuleList";
  [index: number]: Module;

  constructor(modules: Iterable<Module> = []) {
    super();
    this.extend(modules);
  }

  get length(): number {
    return indexedChildren(this).length;
  }

  get(idx: number): Module {
    const kids = indexedChildren(this);
    return kids[normIndex(idx, kids.length, "ModuleList")];
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
