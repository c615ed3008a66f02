/**
 * functorch's autodiff transforms (PyTorch 1.13): grad, grad_and_value, vjp, jvp, jacrev, jacfwd
 * and hessian, on the engine's autograd.
 *
 * functorch differentiates with its own transform levels; here each transform marks the inputs
 * it differentiates with respect to (an alias in the caller's graph when the input already requires
 * grad and grad mode is on, else a fresh leaf) and asks torch.autograd.grad, keeping the graph
 * (create_graph) exactly when an outer computation can still need it. That is what makes the
 * transforms compose: grad(grad(f)), jacrev(jacrev(f)) = hessian, vmap(grad(f)). As in functorch,
 * the transforms differentiate even under torch.no_grad (they are function transforms); results
 * stay attached to an outer graph only when their inputs were.
 *
 * jacfwd computes the same Jacobian as jacrev by reverse mode (one backward per output element):
 * forward-mode AD is not used, only its result is reproduced.
 */
import { parseArgs } from "../args";
import { RuntimeError } from "../errors";
import { enable_grad, is_grad_enabled } from "../autograd/grad_mode";
import { zeros_like } from "../ops/creation";
import { stack } from "../ops/join";
import type { Node } from "../autograd/node";
import { Tensor } from "../tensor";
import { gradOf } from "./grad_core";
import { treeFlatten, treeUnflatten, type PyTree, type TreeSpec } from "./pytree";

type AnyFn = (...args: never[]) => unknown;
type Argnums = number | number[];
interface GradOptions {
  argnums: Argnums;
  has_aux: boolean;
}

function funcName(func: AnyFn): string {
  return func.name && func.name !== "anonymous" ? func.name : "<lambda>";
}

/** The positions argnums picks, checked as functorch does. */
function checkArgnums(argnums: Argnums, nargs: number, api: string): number[] {
  const list = Array.isArray(argnums) ? argnums : [argnums];
  if (Array.isArray(argnums) && argnums.length === 0) throw new RuntimeError(`${api}: argnums must be non-empty`);
  for (const a of list) {
    if (!Number.isInteger(a)) throw new RuntimeError(`${api}: argnums must be int or Tuple[int, ...], got: ${typeof a}`);
    if (a < -nargs || a >= nargs) {
      throw new RuntimeError(`Got argnum=${a}, but only ${nargs} positional inputs`);
    }
  }
  return list.map((a) => (a < 0 ? a + nargs : a));
}

/** The differentiable stand-ins for the leaves of the chosen arguments. */
interface Marked {
  args: unknown[];
  diff: Tensor[]; // every tensor leaf of the chosen arguments, in order
  specs: TreeSpec[]; // per chosen argument
  fresh: Set<Tensor>; // the leaves made here (inputs that did not require grad)
  nestedGraph: boolean; // grad mode is on: results may belong to an outer graph, keep theirs
}

function mark(args: unknown[], positions: number[], api: string): Marked {
  const out = [...args];
  const diff: Tensor[] = [];
  const specs: TreeSpec[] = [];
  const fresh = new Set<Tensor>();
  const nestedGraph = is_grad_enabled();
  for (const p of positions) {
    const { leaves, spec } = treeFlatten(args[p]);
    const marked = leaves.map((leaf) => {
      if (!(leaf instanceof Tensor)) throw new RuntimeError(`${api}: Expected argument ${p} to be a Tensor or a (nested) tuple / dict of Tensors, found a leaf of type ${leaf === null ? "None" : typeof leaf}`);
      if (!leaf.dtype.is_floating_point) throw new RuntimeError("only Tensors of floating point dtype can require gradients");
      if (nestedGraph && leaf.requires_grad) return leaf.view_as(leaf); // stays in the caller's graph
      const t = leaf.detach().requires_grad_(true);
      fresh.add(t);
      return t;
    });
    diff.push(...marked);
    specs.push(spec);
    out[p] = treeUnflatten(marked, spec);
  }
  return { args: out, diff, specs, fresh, nestedGraph };
}

/**
 * True when t's graph reaches a tensor requiring grad other than the transform's own fresh leaves:
 * an input that required grad, or a tensor func closed over (a weight). Then the result belongs to
 * that outer graph, as in functorch; otherwise it is a constant to the caller.
 */
function reachesOuterGraph(t: Tensor, fresh: Set<Tensor>): boolean {
  if (!t.requires_grad) return false;
  const root = t.grad_fn;
  if (root === null) return !fresh.has(t);
  const seen = new Set<Node>([root]);
  const todo: Node[] = [root];
  while (todo.length > 0) {
    for (const e of todo.pop()!.edges) {
      if (e === null) continue;
      if (e instanceof Tensor) {
        if (!fresh.has(e)) return true;
      } else if (!seen.has(e)) {
        seen.add(e);
        todo.push(e);
      }
    }
  }
  return false;
}

/** Results detached unless they belong to an outer graph. */
function finish<T extends PyTree>(tree: T, m: Marked): T {
  const { leaves, spec } = treeFlatten(tree);
  return treeUnflatten(
    leaves.map((l) => (l instanceof Tensor && !(m.nestedGraph && reachesOuterGraph(l, m.fresh)) ? l.detach() : l)),
    spec,
  ) as T;
}

/** Splits flat gradients back into the chosen arguments' structures: one tree, or a tuple of them. */
function regroup(flat: Tensor[], specs: TreeSpec[], argnums: Argnums): PyTree {
  let i = 0;
  const trees = specs.map((spec) => {
    const n = countLeaves(spec);
    const part = flat.slice(i, i + n);
    i += n;
    return treeUnflatten(part, spec);
  });
  return Array.isArray(argnums) ? trees : trees[0];
}

function countLeaves(spec: TreeSpec): number {
  return spec.kind === "leaf" ? 1 : spec.children.reduce((n, c) => n + countLeaves(c), 0);
}

/** functorch.grad_and_value(func, argnums=0, has_aux=False): (gradients, value) or (gradients, (value, aux)). */
export function grad_and_value(func: AnyFn, ...options: unknown[]): (...args: unknown[]) => [PyTree, PyTree] {
  const o = parseArgs<GradOptions>("grad_and_value", ["argnums", "has_aux"], options);
  const argnums = o.argnums ?? 0;
  const has_aux = o.has_aux ?? false;
  return (...args: unknown[]): [PyTree, PyTree] => {
    const positions = checkArgnums(argnums, args.length, "grad_and_value(f)(*args)");
    const m = mark(args, positions, "grad_and_value(f)(*args)");
    const result = enable_grad(() => (func as (...a: unknown[]) => unknown)(...m.args));
    let output = result;
    let aux: PyTree = undefined;
    if (has_aux) {
      if (!Array.isArray(result) || result.length !== 2) {
        throw new RuntimeError("grad_and_value(f)(*args): output of function f should be a tuple: (output, aux) if has_aux is True");
      }
      [output, aux] = result as [unknown, unknown];
    }
    if (!(output instanceof Tensor)) {
      throw new RuntimeError(`grad_and_value(f)(*args): Expected f(*args) to return a Tensor, got ${output === null ? "None" : typeof output}`);
    }
    if (output.dim() !== 0) {
      throw new RuntimeError(`grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, got tensor with ${output.dim()} dims. Maybe you wanted to use the vjp or jacrev APIs instead?`);
    }
    const flat = gradOf(output, m.diff, null, m.nestedGraph);
    const grads = finish(regroup(flat, m.specs, argnums), m);
    const value = finish(output, m);
    return [grads, has_aux ? [value, finish(aux, m)] : value];
  };
}

/** functorch.grad(func, argnums=0, has_aux=False): the gradient of a scalar function (and aux when has_aux). */
export function grad(func: AnyFn, ...options: unknown[]): (...args: unknown[]) => PyTree {
  const o = parseArgs<GradOptions>("grad", ["argnums", "has_aux"], options);
  const gv = grad_and_value(func, o);
  return (...args: unknown[]): PyTree => {
    const [g, value] = gv(...args);
    return o.has_aux ? [g, (value as [unknown, unknown])[1]] : g;
  };
}

/** functorch.vjp(func, *primals, has_aux=False): [output, vjp_fn] (plus aux), vjp_fn(cotangents) gives one gradient per primal. */
export function vjp(func: AnyFn, ...rest: unknown[]): unknown[] {
  let primals = rest;
  let has_aux = false;
  const last = rest[rest.length - 1];
  if (rest.length > 0 && last !== null && typeof last === "object" && !Array.isArray(last) && !(last instanceof Tensor)) {
    has_aux = Boolean(parseArgs<{ has_aux: boolean }>("vjp", ["has_aux"], [last]).has_aux);
    primals = rest.slice(0, -1);
  }
  const positions = primals.map((_, i) => i);
  const m = mark(primals, positions, "vjp(f, *primals)");
  let result = enable_grad(() => (func as (...a: unknown[]) => unknown)(...m.args));
  let aux: PyTree = undefined;
  if (has_aux) [result, aux] = result as [unknown, unknown];
  const outs = treeFlatten(result);
  const vjp_fn = (...cotangents: unknown[]): PyTree[] => {
    const ct = treeFlatten(cotangents.length === 1 ? cotangents[0] : cotangents);
    if (ct.leaves.length !== outs.leaves.length) {
      throw new RuntimeError(`Expected pytree structure of cotangents to be the same as pytree structure of outputs to the function (${outs.leaves.length} tensors, got ${ct.leaves.length})`);
    }
    const flat = gradOf(outs.leaves as Tensor[], m.diff, ct.leaves as Tensor[], m.nestedGraph, true);
    return finish(regroup(flat, m.specs, positions), m) as PyTree[];
  };
  const output = finish(result, m);
  return has_aux ? [output, vjp_fn, finish(aux, m)] : [output, vjp_fn];
}

/** functorch.jvp(func, primals, tangents): [output, jvp_out] by the double-vjp trick. */
export function jvp(func: AnyFn, primals: unknown[], tangents: unknown[]): [PyTree, PyTree] {
  if (!Array.isArray(primals) || !Array.isArray(tangents)) throw new RuntimeError("jvp(f, primals, tangents): Expected primals and tangents to be tuples");
  if (primals.length !== tangents.length) throw new RuntimeError("jvp(f, primals, tangents): Expected primals and tangents to have the same python structure");
  const positions = primals.map((_, i) => i);
  const m = mark(primals, positions, "jvp(f, primals, tangents)");
  const result = enable_grad(() => (func as (...a: unknown[]) => unknown)(...m.args));
  const outs = treeFlatten(result);
  const tan = treeFlatten(tangents).leaves as Tensor[];
  // u -> J^T u is linear in u; differentiating <J^T u, t> with respect to u gives J t.
  const us = (outs.leaves as Tensor[]).map((y) => zeros_like(y).requires_grad_(true));
  us.forEach((u) => m.fresh.add(u));
  const jtu = gradOf(outs.leaves as Tensor[], m.diff, us, true, true);
  const jt = gradOf(jtu, us, tan, m.nestedGraph, true);
  return [finish(result, m), finish(treeUnflatten(jt, outs.spec), m)];
}

interface JacOptions {
  argnums: Argnums;
  has_aux: boolean;
  chunk_size: number | null;
  randomness: string;
}

/** The Jacobian of every output leaf with respect to every chosen input leaf, shaped out.shape + in.shape. */
function jacobianTransform(api: string, func: AnyFn, options: unknown[], names: (keyof JacOptions & string)[]) {
  const o = parseArgs<JacOptions>(api, names, options);
  const argnums = o.argnums ?? 0;
  const has_aux = o.has_aux ?? false;
  return (...args: unknown[]): PyTree => {
    const positions = checkArgnums(argnums, args.length, `${api}(f, ...)(*args)`);
    const m = mark(args, positions, `${api}(f, ...)(*args)`);
    let result = enable_grad(() => (func as (...a: unknown[]) => unknown)(...m.args));
    let aux: PyTree = undefined;
    if (has_aux) [result, aux] = result as [unknown, unknown];
    const outs = treeFlatten(result);
    const perOutput = (outs.leaves as Tensor[]).map((y) => {
      if (!(y instanceof Tensor)) throw new RuntimeError(`${api}(f, ...): expected f to return Tensors`);
      const flatY = y.reshape(-1);
      const rows: Tensor[][] = m.diff.map(() => []);
      for (let k = 0; k < flatY.numel(); k++) {
        const g = gradOf([flatY.select(0, k)], m.diff, null, m.nestedGraph, true);
        g.forEach((t, i) => rows[i].push(t));
      }
      const jacs = m.diff.map((x, i) => (rows[i].length > 0 ? stack(rows[i]) : zeros_like(x).reshape(0, ...x.shape)).reshape(...y.shape, ...x.shape));
      return regroup(jacs, m.specs, argnums);
    });
    const jac = finish(treeUnflatten(perOutput, outs.spec), m);
    return has_aux ? [jac, finish(aux, m)] : jac;
  };
}

/** functorch.jacrev(func, argnums=0, *, has_aux=False, chunk_size=None). */
export function jacrev(func: AnyFn, ...options: unknown[]): (...args: unknown[]) => PyTree {
  return jacobianTransform("jacrev", func, options, ["argnums", "has_aux", "chunk_size"]);
}

/** functorch.jacfwd(func, argnums=0, has_aux=False, *, randomness='error'): the same Jacobian (computed by reverse mode here). */
export function jacfwd(func: AnyFn, ...options: unknown[]): (...args: unknown[]) => PyTree {
  return jacobianTransform("jacfwd", func, options, ["argnums", "has_aux", "randomness"]);
}

/** functorch.hessian(func, argnums=0) = jacfwd(jacrev(func, argnums), argnums). */
export function hessian(func: AnyFn, ...options: unknown[]): (...args: unknown[]) => PyTree {
  const o = parseArgs<{ argnums: Argnums }>("hessian", ["argnums"], options);
  const argnums = o.argnums ?? 0;
  return jacfwd(jacrev(func, argnums) as AnyFn, argnums);
}

export { funcName };
