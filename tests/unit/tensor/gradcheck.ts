/**
 * Finite-difference gradient check, like torch.autograd.gradcheck: runs `fn` on float64 copies
 * of the inputs, projects the output on fixed weights to get a scalar, and compares the
 * analytic gradient of every floating input with central differences.
 *
 *   gradcheck((a, b) => a.mul(b).sum(1), [torch.randn(3, 4), torch.randn(4)]);
 *
 * Non-floating inputs (long indices, bool masks) are passed through unchanged and not checked.
 * Shared by the core tests and the nn/optim tests.
 */
import { torch, type Tensor } from "../../../lib/tensor/index";

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  /** Indices of inputs to check (default: all floating inputs). */
  check?: number[];
}

export function gradcheck(fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[], opts: GradcheckOptions = {}): true {
  const eps = opts.eps ?? 1e-6;
  const atol = opts.atol ?? 1e-5;
  const rtol = opts.rtol ?? 1e-3;
  const xs = inputs.map((t, i) => {
    if (!t.dtype.is_floating_point) return t;
    const c = t.detach().to(torch.float64).clone();
    if (!opts.check || opts.check.includes(i)) c.requires_grad_(true);
    return c;
  });
  const out0 = fn(...xs);
  // Fixed, non-symmetric projection weights so every output element matters differently.
  const w = torch.linspace(-1, 1.5, Math.max(out0.numel(), 1), { dtype: torch.float64 }).reshape(out0.shape.slice());
  const project = (o: Tensor): number => o.to(torch.float64).mul(w).sum().item();
  const diffInputs = xs.filter((x) => x.requires_grad);
  if (diffInputs.length === 0) throw new Error("gradcheck: no floating input to check");
  const analytic = torch.autograd.grad(out0.to(torch.float64).mul(w).sum(), diffInputs, null, { allow_unused: true });
  diffInputs.forEach((x, k) => {
    const an = analytic[k] ? analytic[k]!.contiguous() : torch.zeros_like(x);
    const base = x.contiguous();
    if (base !== x) throw new Error("gradcheck: inputs must be contiguous");
    const n = x.numel();
    for (let i = 0; i < n; i++) {
      const idx = x._offset + i;
      const orig = x._data[idx];
      x._data[idx] = orig + eps;
      const fp = torch.no_grad(() => project(fn(...xs)));
      x._data[idx] = orig - eps;
      const fm = torch.no_grad(() => project(fn(...xs)));
      x._data[idx] = orig;
      const numeric = (fp - fm) / (2 * eps);
      const a = an._data[an._offset + i];
      if (!(Math.abs(a - numeric) <= atol + rtol * Math.abs(numeric))) {
        throw new Error(
          `gradcheck failed for input ${xs.indexOf(x)} (shape [${x.shape.join(", ")}]) at flat index ${i}: ` +
            `analytic ${a} vs numerical ${numeric}`,
        );
      }
    }
  });
  return true;
}
