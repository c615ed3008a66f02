/**
 * Finite-difference gradient check, like torch.autograd.gradcheck: runs `fn` on float64 copies
 * of the inputs, projects the output on fixed weights to get a scalar, and compares autograd's
 * gradient of every floating input with central differences.
 *
 *   gradcheck((a, b) => a.mul(b).sum(1), [torch.randn(3, 4), torch.randn(4)]);
 *
 * Non-floating inputs (long indices, bool masks) are passed through unchanged and not checked.
 * Exercise checks reach it as `expect.gradcheck`; the engine's tests call it directly. A wrong
 * gradient throws an AssertionError saying which input, where, and both values.
 */
import { torch, Tensor } from "../tensor";
import { describe, fail, formatNumber, formatShape, unflattenIndex } from "./assertion-failure";
import { MathAbs, MathMax } from "./primordials";

export interface GradcheckOptions {
  /** Step of the central differences (default 1e-6). */
  eps?: number;
  /** Absolute tolerance (default 1e-5). */
  atol?: number;
  /** Relative tolerance (default 1e-3). */
  rtol?: number;
}

export function gradcheck(fn: (...inputs: Tensor[]) => Tensor, inputs: readonly Tensor[], options: GradcheckOptions = {}): true {
  const eps = options.eps ?? 1e-6;
  const atol = options.atol ?? 1e-5;
  const rtol = options.rtol ?? 1e-3;
  if (typeof fn !== "function") fail(`gradcheck: expected a function but got ${describe(fn)}`);
  const xs = inputs.map((t) => {
    if (!(t instanceof Tensor)) fail(`gradcheck: every input must be a tensor, got ${describe(t)}`);
    if (!t.dtype.is_floating_point) return t;
    return t.detach().to(torch.float64).clone().requires_grad_(true);
  });
  const differentiable = xs.filter((x) => x.requires_grad);
  if (differentiable.length === 0) fail("gradcheck: no floating-point input to check");
  const out0 = fn(...xs);
  if (!(out0 instanceof Tensor)) fail(`gradcheck: the function returned ${describe(out0)}, not a tensor`);
  if (!out0.requires_grad) fail("gradcheck: the output does not depend on the inputs through autograd (it has no grad_fn); was it computed with detach(), tolist() or plain numbers?");
  // Fixed, asymmetric weights turn the output into a scalar where every element counts differently.
  const weights = torch.linspace(-1, 1.5, MathMax(out0.numel(), 1), { dtype: torch.float64 }).reshape(out0.shape.slice());
  const project = (out: Tensor): number => out.to(torch.float64).mul(weights).sum().item();
  const analytic = torch.autograd.grad(out0.to(torch.float64).mul(weights).sum(), differentiable, null, { allow_unused: true });
  differentiable.forEach((x, k) => {
    const grad = analytic[k] ? analytic[k]!.contiguous() : torch.zeros_like(x);
    const n = x.numel();
    for (let i = 0; i < n; i++) {
      const at = x._offset + i;
      const original = x._data[at];
      x._data[at] = original + eps;
      const plus = torch.no_grad(() => project(fn(...xs)));
      x._data[at] = original - eps;
      const minus = torch.no_grad(() => project(fn(...xs)));
      x._data[at] = original;
      const numeric = (plus - minus) / (2 * eps);
      const got = grad._data[grad._offset + i];
      if (!(MathAbs(got - numeric) <= atol + rtol * MathAbs(numeric))) {
        const index = x.shape.length ? ` at index ${formatShape(unflattenIndex(i, x.shape))}` : "";
        fail(
          `gradient of input ${xs.indexOf(x)} (shape ${formatShape(x.shape)}) is wrong${index}: ` +
            `autograd gives ${formatNumber(got)} but finite differences give ${formatNumber(numeric)} (input value ${formatNumber(original)})`,
        );
      }
    }
  });
  return true;
}
