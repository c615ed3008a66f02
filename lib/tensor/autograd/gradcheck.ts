/**
 * torch.autograd.gradcheck and gradgradcheck (PyTorch 1.13's slow mode): every element of the
 * analytical Jacobian (reverse mode, one backward per output element) against central finite
 * differences (eps), |analytical - numerical| <= atol + rtol |numerical|. Only inputs that
 * require grad are checked; they are perturbed in place and restored, as in PyTorch. Use float64
 * inputs: float32 ones usually fail at these tolerances (PyTorch warns the same).
 *
 * lib/grading/gradcheck.ts is a different check for exercises (one weighted projection of the
 * output, messages written for learners); this one is PyTorch's public API.
 */
import { parseArgs, type PyArgs } from "../args";
import { RuntimeError, TypeError_, ValueError } from "../errors";
import { zeros } from "../ops/creation";
import { contiguousData } from "../ops/util";
import { Tensor } from "../tensor";
import { runBackward } from "./engine";
import { dual_level, make_dual, unpack_dual } from "./forward_ad";
import { enable_grad } from "./grad_mode";
import { warnOnce } from "../warnings";

/** PyTorch's torch.autograd.gradcheck.GradcheckError (a RuntimeError). */
export class GradcheckError extends RuntimeError {}

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  raise_exception?: boolean;
  check_undefined_grad?: boolean;
  check_batched_grad?: boolean;
  fast_mode?: boolean;
  /** Also compare the Jacobian computed with forward mode AD (autograd.forward_ad) column by column. */
  check_forward_ad?: boolean;
  /** Compare the reverse-mode Jacobian (default true; false for Functions that only define jvp). */
  check_backward_ad?: boolean;
}

type Fn = (...inputs: Tensor[]) => Tensor | readonly Tensor[];

function outputsOf(func: Fn, inputs: Tensor[]): Tensor[] {
  const out = func(...inputs);
  const list = out instanceof Tensor ? [out] : [...out];
  list.forEach((t) => {
    if (!(t instanceof Tensor)) throw new TypeError_("gradcheck: the function must return a Tensor or a tuple of Tensors");
  });
  return list;
}

function fmt(t: number[][]): string {
  return `tensor([${t.map((r) => `[${r.map((v) => v.toPrecision(4)).join(", ")}]`).join(",\n        ")}])`;
}

/** Checks func's gradients at inputs; true, or false / a GradcheckError when one differs. */
export function gradcheck(func: Fn, inputs: Tensor | readonly Tensor[], ...args: PyArgs<[eps?: number, atol?: number, rtol?: number, raise_exception?: boolean], GradcheckOptions>): boolean {
  const o = parseArgs<GradcheckOptions>("gradcheck", ["eps", "atol", "rtol", "raise_exception", "check_undefined_grad", "check_batched_grad", "fast_mode", "check_forward_ad", "check_backward_ad"], args);
  const checkBackward = o.check_backward_ad ?? true;
  const checkForward = o.check_forward_ad ?? false;
  const eps = o.eps ?? 1e-6;
  const atol = o.atol ?? 1e-5;
  const rtol = o.rtol ?? 1e-3;
  const raise = o.raise_exception ?? true;
  const xs = inputs instanceof Tensor ? [inputs] : [...inputs];
  const checked = xs.map((x, i) => [x, i] as const).filter(([x]) => x instanceof Tensor && x.requires_grad);
  if (checked.length === 0) throw new ValueError("gradcheck expects at least one input tensor to require gradient, but none of the them have requires_grad=True.");
  checked.forEach(([x, i]) => {
    if (x.dtype.name !== "float64") {
      warnOnce(`Input #${i} requires gradient and is not a double precision floating point or complex. This check will likely fail if all the inputs are not of double precision floating point or complex.`);
    }
    if (!x.is_contiguous()) throw new RuntimeError(`gradcheck: input ${i} must be contiguous (it is perturbed in place)`);
  });
  const outs = enable_grad(() => outputsOf(func, xs));
  // Evaluated with grad mode on, as PyTorch does (gradgradcheck's function calls autograd itself).
  const evalAt = (oi: number): number[] => Array.from(contiguousData(enable_grad(() => outputsOf(func, xs))[oi].detach()));
  for (let oi = 0; oi < outs.length; oi++) {
    const out = outs[oi];
    const n = out.numel();
    // analytical[input][outputElement][inputElement]
    const analytical = checked.map(([x]) => Array.from({ length: n }, () => new Array<number>(x.numel()).fill(0)));
    // forward mode: column j of input ci is the output tangent for a one-hot input tangent.
    const forwardJac = checkForward ? forwardJacobian(func, xs, checked, oi, n) : null;
    if (out.requires_grad && checkBackward) {
      for (let k = 0; k < n; k++) {
        const onehot = zeros(out.shape.slice(), { dtype: out.dtype });
        onehot._data[k] = 1;
        const grads = runBackward([out], [onehot], { retain_graph: true, capture: checked.map(([x]) => x) });
        grads.forEach((g, ci) => {
          if (g) analytical[ci][k] = Array.from(contiguousData(g));
        });
      }
    }
    for (let ci = 0; ci < checked.length; ci++) {
      const [x, xi] = checked[ci];
      const numerical = Array.from({ length: n }, () => new Array<number>(x.numel()).fill(0));
      for (let j = 0; j < x.numel(); j++) {
        const at = x._offset + j;
        const orig = x._data[at];
        x._data[at] = orig - eps;
        const minus = evalAt(oi);
        x._data[at] = orig + eps;
        const plus = evalAt(oi);
        x._data[at] = orig;
        for (let k = 0; k < n; k++) numerical[k][j] = (plus[k] - minus[k]) / (2 * eps);
      }
      const mismatch = (a: number[][]) => numerical.some((row, k) => row.some((v, j) => !(Math.abs(a[k][j] - v) <= atol + rtol * Math.abs(v))));
      // PyTorch prints the Jacobians input-major: rows are input elements, columns output elements.
      const tr = (m: number[][]) => Array.from({ length: x.numel() }, (_, j) => m.map((r) => r[j]));
      if (checkBackward && mismatch(analytical[ci])) {
        if (!raise) return false;
        throw new GradcheckError(`Jacobian mismatch for output ${oi} with respect to input ${xi},\nnumerical:${fmt(tr(numerical))}\nanalytical:${fmt(tr(analytical[ci]))}\n`);
      }
      if (forwardJac && mismatch(forwardJac[ci])) {
        if (!raise) return false;
        throw new GradcheckError(`Jacobian computed with forward mode mismatch for output ${oi} with respect to input ${xi},\nnumerical:${fmt(tr(numerical))}\nanalytical:${fmt(tr(forwardJac[ci]))}\n`);
      }
    }
  }
  return true;
}

/** forwardJacobian[input][outputElement][inputElement] of output oi, from forward mode AD. */
function forwardJacobian(func: Fn, xs: Tensor[], checked: (readonly [Tensor, number])[], oi: number, n: number): number[][][] {
  return checked.map(([x], ci) => {
    const jac = Array.from({ length: n }, () => new Array<number>(x.numel()).fill(0));
    for (let j = 0; j < x.numel(); j++) {
      const column = dual_level(() => {
        const duals = xs.map((xi) => {
          const k = checked.findIndex(([c]) => c === xi);
          if (k < 0) return xi;
          const t = zeros(xi.shape.slice(), { dtype: xi.dtype });
          if (k === ci) t._data[j] = 1;
          return make_dual(xi.detach(), t);
        });
        const tangent = unpack_dual(outputsOf(func, duals)[oi]).tangent;
        return tangent ? Array.from(contiguousData(tangent)) : new Array<number>(n).fill(0);
      });
      for (let k = 0; k < n; k++) jac[k][j] = column[k];
    }
    return jac;
  });
}

export interface GradgradcheckOptions extends GradcheckOptions {
  grad_outputs?: Tensor | readonly Tensor[] | null;
  gen_non_contig_grad_outputs?: boolean;
}

/**
 * Checks second derivatives: gradcheck of (inputs, grad_outputs) -> d(outputs . grad_outputs)/d inputs.
 * Without grad_outputs, fixed float64 ones are used (PyTorch draws random ones).
 */
export function gradgradcheck(
  func: Fn,
  inputs: Tensor | readonly Tensor[],
  ...args: PyArgs<[grad_outputs?: Tensor | readonly Tensor[] | null, eps?: number, atol?: number, rtol?: number, gen_non_contig_grad_outputs?: boolean, raise_exception?: boolean], GradgradcheckOptions>
): boolean {
  const o = parseArgs<GradgradcheckOptions>("gradgradcheck", ["grad_outputs", "eps", "atol", "rtol", "gen_non_contig_grad_outputs", "raise_exception", "check_undefined_grad", "check_batched_grad", "fast_mode"], args);
  const xs = inputs instanceof Tensor ? [inputs] : [...inputs];
  const outs = enable_grad(() => outputsOf(func, xs));
  let gos: Tensor[];
  if (o.grad_outputs === undefined || o.grad_outputs === null) {
    // Deterministic, asymmetric grad_outputs so every output element is weighted differently.
    gos = outs.map((t) => {
      const g = zeros(t.shape.slice(), { dtype: t.dtype });
      for (let k = 0; k < g.numel(); k++) g._data[k] = Math.sin(1.3 * k + 0.7);
      return g.requires_grad_(true);
    });
  } else {
    gos = (o.grad_outputs instanceof Tensor ? [o.grad_outputs] : [...o.grad_outputs]).map((g) => g.detach().clone().requires_grad_(true));
  }
  const nIn = xs.length;
  const checked = xs.map((x, i) => [x, i] as const).filter(([x]) => x.requires_grad);
  const newFunc = (...all: Tensor[]): Tensor[] => {
    const ins = all.slice(0, nIn);
    const g = all.slice(nIn);
    const o2 = outputsOf(func, ins);
    const live = o2.map((t, i) => [t, g[i]] as const).filter(([t]) => t.requires_grad);
    if (live.length === 0) return checked.map(([x]) => zeros(x.shape.slice(), { dtype: x.dtype }));
    const res = runBackward(live.map(([t]) => t), live.map(([, gi]) => gi), { create_graph: true, retain_graph: true, capture: checked.map(([, i]) => ins[i]) });
    return res.map((r, k) => r ?? zeros(checked[k][0].shape.slice(), { dtype: checked[k][0].dtype }));
  };
  return gradcheck(newFunc, [...xs, ...gos], { eps: o.eps, atol: o.atol, rtol: o.rtol, raise_exception: o.raise_exception });
}
