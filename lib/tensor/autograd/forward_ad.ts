/**
 * torch.autograd.forward_ad (PyTorch 1.13): dual_level, enter_dual_level / exit_dual_level,
 * make_dual(tensor, tangent), unpack_dual(tensor) -> { primal, tangent } (UnpackedDualTensor,
 * also [primal, tangent]).
 *
 * How tangents are found: the engine has no per-op tangent rules, so a dual tensor is a tensor
 * that records a reverse-mode graph, and unpack_dual(y) computes y's tangent as the
 * Jacobian-vector product J t with the double-backward trick (g(u) = J^T u is linear in u, so
 * d(sum_i g_i(u) . t_i)/du = J t), exactly what PyTorch's forward mode propagates, for every op
 * whose backward is itself differentiable (elementwise math, matmul, linear, reductions,
 * convolutions, ...). An op whose backward is not raises NotImplementedError naming it.
 * Differences from PyTorch, observable: a dual made from a tensor that does not require grad
 * does require grad here (its graph carries the tangent), and ops run under no_grad lose the
 * tangent (PyTorch's forward mode ignores grad mode). unpack_dual's primal is detached.
 */
import { parseArgs, type PyArgs } from "../args";
import { NotImplementedError, RuntimeError, TypeError_ } from "../errors";
import { zeros_like } from "../ops/creation";
import { Tensor } from "../tensor";
import { runBackward } from "./engine";
import { enable_grad } from "./grad_mode";

let currentLevel = -1;
/** The duals of the current level: dual tensor -> its tangent. */
let duals = new Map<Tensor, Tensor>();

export function enter_dual_level(): number {
  if (currentLevel >= 0) throw new RuntimeError("Nested forward mode AD is not supported at the moment");
  currentLevel = 0;
  return currentLevel;
}

export function exit_dual_level(...args: PyArgs<[], { level?: number | null }>): void {
  const { level } = parseArgs<{ level?: number | null }>("exit_dual_level", ["level"], args);
  if (level !== undefined && level !== null && level !== currentLevel) {
    throw new RuntimeError("Trying to exit a forward AD level that was not the last one that was created. This is not supported.");
  }
  currentLevel = -1;
  duals = new Map();
}

/** dual_level(fn): runs fn inside a forward AD level and returns its result; dual_level() gives a handle with __enter__ / __exit__. */
export function dual_level<T>(fn: () => T): T;
export function dual_level(): { __enter__(): number; __exit__(): void };
export function dual_level<T>(fn?: () => T): T | { __enter__(): number; __exit__(): void } {
  if (fn === undefined) return { __enter__: enter_dual_level, __exit__: () => exit_dual_level() };
  if (typeof fn !== "function") throw new TypeError_("dual_level(): pass the code to run as a function, as with torch.no_grad(() => ...)");
  enter_dual_level();
  try {
    return fn();
  } finally {
    exit_dual_level();
  }
}

function checkLevel(level: number | null | undefined): void {
  if (level !== undefined && level !== null && level !== currentLevel) throw new RuntimeError(`forward AD level ${level} does not exist (the current level is ${currentLevel})`);
}

/** make_dual(tensor, tangent, { level }): a tensor carrying `tangent` as its forward gradient. */
export function make_dual(tensor: Tensor, tangent: Tensor, ...args: PyArgs<[], { level?: number | null }>): Tensor {
  const { level } = parseArgs<{ level?: number | null }>("make_dual", ["level"], args);
  if (currentLevel < 0) throw new RuntimeError("Trying to create a dual Tensor for forward AD but no level exists, make sure to enter_dual_level() first.");
  checkLevel(level);
  if (!(tensor instanceof Tensor) || !(tangent instanceof Tensor)) throw new TypeError_("make_dual(): expected tensor and tangent to be Tensors");
  if (!tensor.dtype.is_floating_point || !tangent.dtype.is_floating_point) {
    throw new TypeError_(`Expected both tensor and its forward grad to be floating point, but got ${tensor.dtype} and ${tangent.dtype}`);
  }
  if (tensor.shape.join() !== tangent.shape.join()) {
    throw new RuntimeError(
      `Trying to set a forward gradient that has a different size than that of the original Tensor, this is not supported. Tensor is of size [${tensor.shape.join(", ")}] while the given forward gradient is of size [${tangent.shape.join(", ")}].`,
    );
  }
  // A view keeps reverse-mode gradients flowing to a tensor that requires grad; otherwise a fresh leaf.
  const dual = tensor.requires_grad ? enable_grad(() => tensor.view_as(tensor)) : tensor.detach().requires_grad_(true);
  duals.set(dual, tangent);
  return dual;
}

/** PyTorch's UnpackedDualTensor(primal, tangent) named tuple. */
export interface UnpackedDualTensor {
  primal: Tensor;
  tangent: Tensor | null;
  0: Tensor;
  1: Tensor | null;
  [Symbol.iterator](): Iterator<Tensor | null>;
}

function unpacked(primal: Tensor, tangent: Tensor | null): UnpackedDualTensor {
  const r = { primal, tangent };
  Object.defineProperty(r, Symbol.iterator, { enumerable: false, value: () => [primal, tangent][Symbol.iterator]() });
  Object.defineProperty(r, 0, { enumerable: false, value: primal });
  Object.defineProperty(r, 1, { enumerable: false, value: tangent });
  return r as UnpackedDualTensor;
}

/** unpack_dual(tensor, { level }) -> { primal, tangent }: tangent is null outside a level or when tensor does not depend on a dual. */
export function unpack_dual(tensor: Tensor, ...args: PyArgs<[], { level?: number | null }>): UnpackedDualTensor {
  const { level } = parseArgs<{ level?: number | null }>("unpack_dual", ["level"], args);
  if (!(tensor instanceof Tensor)) throw new TypeError_("unpack_dual(): expected a Tensor");
  if (currentLevel < 0 || duals.size === 0 || !tensor.requires_grad) return unpacked(tensor.detach(), null);
  checkLevel(level);
  const own = duals.get(tensor);
  if (own) return unpacked(tensor.detach(), own);
  const inputs = [...duals.keys()];
  const u = zeros_like(tensor).requires_grad_(true);
  const g = enable_grad(() => runBackward([tensor], [u], { retain_graph: true, create_graph: true, capture: inputs }));
  const used = g.map((gi, i) => [gi, duals.get(inputs[i])!] as const).filter(([gi]) => gi !== null) as [Tensor, Tensor][];
  if (used.length === 0) return unpacked(tensor.detach(), null);
  const linear = used.filter(([gi]) => gi.requires_grad);
  if (linear.length < used.length) {
    const op = tensor.grad_fn ? tensor.grad_fn.name() : "an op";
    throw new NotImplementedError(`forward AD: the tangent cannot be propagated through ${op} (its backward is not differentiable in this engine)`);
  }
  const [jt] = enable_grad(() => runBackward(linear.map(([gi]) => gi), linear.map(([, t]) => t.detach()), { retain_graph: true, capture: [u] }));
  return unpacked(tensor.detach(), (jt ?? zeros_like(tensor)).detach());
}

export const forward_ad = { dual_level, enter_dual_level, exit_dual_level, make_dual, unpack_dual };

/** @internal A forward AD level is open (custom Functions with a jvp read their inputs' tangents). */
export function _dualLevelActive(): boolean {
  return currentLevel >= 0 && duals.size > 0;
}

/**
 * @internal Makes `output` a dual of its own carrying `tangent`: a custom Function's jvp computed
 * the tangent, so downstream ops continue from it (its inputs' graph is not needed for that).
 */
export function _setDualTangent(output: Tensor, tangent: Tensor): Tensor {
  const dual = output.detach().requires_grad_(true);
  duals.set(dual, tangent);
  return dual;
}
