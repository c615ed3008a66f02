/**
 * torch.autograd.functional (PyTorch 1.13): jacobian, hessian, vjp, jvp, hvp, vhp of a function
 * of tensors, called as func(...inputs). `inputs` is one tensor or an array of tensors; results
 * follow PyTorch's nesting (a tensor for one input and one output, arrays otherwise).
 *
 * As in PyTorch, the inputs are detached copies that require grad (with create_graph they stay
 * in the caller's graph), results are detached unless create_graph, and a result that does not
 * depend on an input is zeros (strict: true raises instead). jacobian uses reverse mode, one
 * backward per output element (vectorize and the forward-mode strategy are accepted but not used);
 * jvp uses the double-backward trick as PyTorch does; hvp uses vhp (the Hessian of a twice
 * continuously differentiable function is symmetric, so both give H v).
 */
import { parseArgs, type PyArgs } from "../args";
import { RuntimeError, TypeError_ } from "../errors";
import { ones_like, zeros, zeros_like } from "../ops/creation";
import { stack } from "../ops/join";
import { Tensor } from "../tensor";
import { runBackward } from "./engine";
import { enable_grad } from "./grad_mode";

type Inputs = Tensor | readonly Tensor[];
type Fn = (...inputs: Tensor[]) => Tensor | readonly Tensor[];

function asList(x: Inputs, what: string, fn: string): { list: Tensor[]; tuple: boolean } {
  const tuple = !(x instanceof Tensor);
  const list = x instanceof Tensor ? [x] : [...x];
  list.forEach((t, i) => {
    if (!(t instanceof Tensor)) {
      throw new TypeError_(`The ${what} given to ${fn} must be either a Tensor or a tuple of Tensors but the value at index ${i} has type ${typeof t}.`);
    }
  });
  return { list, tuple };
}

/** PyTorch's _grad_preprocess: inputs that require grad, in the caller's graph only with create_graph. */
function prepare(inputs: Tensor[], createGraph: boolean): Tensor[] {
  return inputs.map((t) => (createGraph && t.requires_grad ? t.view_as(t) : t.detach().requires_grad_(true)));
}

function post<T extends Tensor | null>(t: T, createGraph: boolean): T {
  return (t === null || createGraph ? t : t.detach()) as T;
}

function callFn(func: Fn, xs: Tensor[], fn: string): { outs: Tensor[]; tuple: boolean } {
  if (typeof func !== "function") throw new TypeError_(`${fn}() expects a function as its first argument`);
  const out = enable_grad(() => func(...xs));
  const { list, tuple } = asList(out as Inputs, "outputs of the user-provided function", fn);
  return { outs: list, tuple };
}

function validateV(v: Tensor[], other: Tensor[], tuple: boolean): void {
  if (v.length !== other.length) {
    if (tuple) throw new RuntimeError(`v is a tuple of invalid length: should be ${other.length} but got ${v.length}.`);
    throw new RuntimeError("The given v should contain a single Tensor.");
  }
  v.forEach((t, i) => {
    if (t.shape.join() !== other[i].shape.join()) {
      const prefix = tuple ? `Entry ${i} in ` : "";
      throw new RuntimeError(`${prefix}v has invalid size: should be torch.Size([${other[i].shape.join(", ")}]) but got torch.Size([${t.shape.join(", ")}]).`);
    }
  });
}

/**
 * The v of vjp / jvp / vhp / hvp as a list checked against `like` (the outputs for vjp, the
 * inputs for the others); when v is omitted, ones, allowed only when `like` is one single-element
 * tensor (`whose` names it in PyTorch's error).
 */
function vectorOrOnes(v: Inputs | null | undefined, like: Tensor[], likeTuple: boolean, fn: string, whose: string): Tensor[] {
  if (v !== undefined && v !== null) {
    const list = asList(v, "v", fn).list;
    validateV(list, like, likeTuple);
    return list;
  }
  if (like.length !== 1 || like[0].numel() !== 1) {
    throw new RuntimeError(`The vector v can only be None if ${whose} a single Tensor with a single element.`);
  }
  return [ones_like(like[0])];
}

/** Gradients of sum(outs * gos) with respect to xs; null where an x is not reached. */
function autogradGrad(outs: Tensor[], xs: Tensor[], gos: Tensor[], createGraph: boolean, retain = true): (Tensor | null)[] {
  const live = outs.map((o, i) => [o, gos[i]] as const).filter(([o]) => o.requires_grad);
  if (live.length === 0) return xs.map(() => null);
  return runBackward(
    live.map(([o]) => o),
    live.map(([, g]) => (createGraph ? g : g.detach())),
    { retain_graph: retain || createGraph, create_graph: createGraph, capture: xs },
  );
}

function checkStrict(grads: (Tensor | null)[], strict: boolean, what: string): void {
  if (!strict) return;
  grads.forEach((g, i) => {
    if (g === null) throw new RuntimeError(`The ${what} of the user-provided function is independent of input ${i}. This is not allowed in strict mode.`);
  });
}

export interface VjpOptions {
  v?: Inputs | null;
  create_graph?: boolean;
  strict?: boolean;
}

/** (func(inputs), v^T J): `vjp(f, x, v)`; v may be omitted when f returns one element. */
export function vjp(func: Fn, inputs: Inputs, ...args: PyArgs<[v?: Inputs | null, create_graph?: boolean, strict?: boolean], VjpOptions>): [Inputs, Inputs] {
  const o = parseArgs<VjpOptions>("vjp", ["v", "create_graph", "strict"], args);
  const cg = o.create_graph ?? false;
  const { list, tuple } = asList(inputs, "inputs", "vjp");
  const xs = prepare(list, cg);
  const { outs, tuple: outTuple } = callFn(func, xs, "vjp");
  const v = vectorOrOnes(o.v, outs, outTuple, "vjp", "the user-provided function returns");
  const grads = autogradGrad(outs, xs, v, cg);
  checkStrict(grads, o.strict ?? false, "output");
  const res = grads.map((g, i) => post(g ?? zeros_like(xs[i]), cg));
  const outRes = outs.map((t) => post(t, cg));
  return [outTuple ? outRes : outRes[0], tuple ? res : res[0]];
}

/** (func(inputs), J v): `jvp(f, x, v)`; v may be omitted when the input has one element. */
export function jvp(func: Fn, inputs: Inputs, ...args: PyArgs<[v?: Inputs | null, create_graph?: boolean, strict?: boolean], VjpOptions>): [Inputs, Inputs] {
  const o = parseArgs<VjpOptions>("jvp", ["v", "create_graph", "strict"], args);
  const cg = o.create_graph ?? false;
  const { list, tuple } = asList(inputs, "inputs", "jvp");
  const xs = prepare(list, cg);
  const v = vectorOrOnes(o.v, xs, tuple, "jvp", "the input to the user-provided function is");
  const { outs, tuple: outTuple } = callFn(func, xs, "jvp");
  // The double-backward trick: g(u) = J^T u is linear in u, so d(g(u) . v)/du = J v.
  const us = outs.map((t) => zeros_like(t).requires_grad_(true));
  const gIn = enable_grad(() => autogradGrad(outs, xs, us, true));
  checkStrict(gIn, o.strict ?? false, "output");
  const used = gIn.map((g, i) => [g, v[i]] as const).filter(([g]) => g !== null && g.requires_grad) as [Tensor, Tensor][];
  let jv: (Tensor | null)[];
  if (used.length === 0) jv = us.map(() => null);
  else jv = runBackward(used.map(([g]) => g), used.map(([, vi]) => (cg ? vi : vi.detach())), { retain_graph: true, create_graph: cg, capture: us });
  const res = jv.map((g, i) => post(g ?? zeros_like(outs[i]), cg));
  const outRes = outs.map((t) => post(t, cg));
  return [outTuple ? outRes : outRes[0], outTuple ? res : res[0]];
}

export interface JacobianOptions {
  create_graph?: boolean;
  strict?: boolean;
  vectorize?: boolean;
  strategy?: "reverse-mode" | "forward-mode";
}

type Jac = Tensor | Tensor[] | Tensor[][];

/**
 * The Jacobian of func at inputs, shaped output.shape + input.shape: a tensor for one input
 * and one output, [per input] for several inputs, [per output][per input] for several outputs.
 */
export function jacobian(func: Fn, inputs: Inputs, ...args: PyArgs<[create_graph?: boolean, strict?: boolean, vectorize?: boolean, strategy?: "reverse-mode" | "forward-mode"], JacobianOptions>): Jac {
  const o = parseArgs<JacobianOptions>("jacobian", ["create_graph", "strict", "vectorize", "strategy"], args);
  const strategy = o.strategy ?? "reverse-mode";
  if (strategy !== "reverse-mode" && strategy !== "forward-mode") {
    throw new RuntimeError('Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If your function has more outputs than inputs, "forward-mode" tends to be more performant. Otherwise, prefer to use "reverse-mode".');
  }
  const cg = o.create_graph ?? false;
  const { list, tuple } = asList(inputs, "inputs", "jacobian");
  const xs = prepare(list, cg);
  const { outs, tuple: outTuple } = callFn(func, xs, "jacobian");
  const perOutput = outs.map((out, oi) => {
    const rows: Tensor[][] = xs.map(() => []);
    const n = out.numel();
    for (let k = 0; k < n; k++) {
      const onehot = zeros(out.shape.slice(), { dtype: out.dtype });
      onehot._data[k] = 1;
      const grads = autogradGrad([out], xs, [onehot], cg);
      if (o.strict) {
        grads.forEach((g, i) => {
          if (g === null) throw new RuntimeError(`Output ${oi} of the user-provided function is independent of input ${i}. This is not allowed in strict mode.`);
        });
      }
      grads.forEach((g, i) => rows[i].push(g ?? zeros_like(xs[i])));
    }
    return xs.map((x, i) => {
      const j = n === 0 ? zeros([...out.shape, ...x.shape], { dtype: x.dtype }) : stack(rows[i]).reshape([...out.shape, ...x.shape]);
      return post(j, cg);
    });
  });
  if (!outTuple) return tuple ? perOutput[0] : perOutput[0][0];
  return tuple ? perOutput : perOutput.map((r) => r[0]);
}

export interface HessianOptions {
  create_graph?: boolean;
  strict?: boolean;
  vectorize?: boolean;
  outer_jacobian_strategy?: "reverse-mode" | "forward-mode";
}

/** The Hessian of a scalar function: input.shape + input.shape (nested [i][j] for several inputs). */
export function hessian(func: Fn, inputs: Inputs, ...args: PyArgs<[create_graph?: boolean, strict?: boolean, vectorize?: boolean, outer_jacobian_strategy?: "reverse-mode" | "forward-mode"], HessianOptions>): Jac {
  const o = parseArgs<HessianOptions>("hessian", ["create_graph", "strict", "vectorize", "outer_jacobian_strategy"], args);
  const { tuple } = asList(inputs, "inputs", "hessian");
  const scalarCheck = (...xs: Tensor[]): Tensor => {
    const out = func(...xs);
    const { list } = asList(out as Inputs, "outputs of the user-provided function", "hessian");
    if (list.length !== 1 || list[0].numel() !== 1) throw new RuntimeError("The function given to hessian should return a single element Tensor.");
    if (o.strict && !list[0].requires_grad) {
      throw new RuntimeError("The function given to hessian should return a Tensor that requires gradients when running in strict mode.");
    }
    return list[0];
  };
  const gradFn = (...xs: Tensor[]): Tensor[] | Tensor => {
    const j = jacobian(scalarCheck, tuple ? xs : xs[0], { create_graph: true, strict: o.strict ?? false }) as Tensor | Tensor[];
    return j;
  };
  return jacobian(gradFn, inputs, { create_graph: o.create_graph ?? false, strict: o.strict ?? false });
}

/** (func(inputs), v^T H) for a scalar func: `vhp(f, x, v)`. */
export function vhp(func: Fn, inputs: Inputs, ...args: PyArgs<[v?: Inputs | null, create_graph?: boolean, strict?: boolean], VjpOptions>): [Tensor, Inputs] {
  return hessianVector("vhp", func, inputs, args);
}

/** (func(inputs), H v) for a scalar func: `hvp(f, x, v)` (equal to vhp: H is symmetric). */
export function hvp(func: Fn, inputs: Inputs, ...args: PyArgs<[v?: Inputs | null, create_graph?: boolean, strict?: boolean], VjpOptions>): [Tensor, Inputs] {
  return hessianVector("hvp", func, inputs, args);
}

function hessianVector(fn: string, func: Fn, inputs: Inputs, args: readonly unknown[]): [Tensor, Inputs] {
  const o = parseArgs<VjpOptions>(fn, ["v", "create_graph", "strict"], args);
  const cg = o.create_graph ?? false;
  const { list, tuple } = asList(inputs, "inputs", fn);
  const xs = prepare(list, cg);
  const v = vectorOrOnes(o.v, xs, tuple, fn, "the input to the user-provided function is");
  const { outs } = callFn(func, xs, fn);
  if (outs.length !== 1 || outs[0].numel() !== 1) throw new RuntimeError(`The function given to ${fn} should return a single element Tensor.`);
  const out = outs[0];
  if (o.strict && !out.requires_grad) {
    throw new RuntimeError(`The function given to ${fn} should return a Tensor that requires gradients when running in strict mode.`);
  }
  const g = enable_grad(() => autogradGrad([out], xs, [ones_like(out)], true));
  checkStrict(g, o.strict ?? false, "output");
  const used = g.map((gi, i) => [gi, v[i]] as const).filter(([gi]) => gi !== null && gi.requires_grad) as [Tensor, Tensor][];
  const hv = used.length === 0 ? xs.map(() => null) : runBackward(used.map(([gi]) => gi), used.map(([, vi]) => (cg ? vi : vi.detach())), { retain_graph: true, create_graph: cg, capture: xs });
  const res = hv.map((h, i) => post(h ?? zeros_like(xs[i]), cg));
  return [post(out, cg), tuple ? res : res[0]];
}

export const functional = { jacobian, hessian, vjp, jvp, vhp, hvp };
