/**
 * gradgradcheck: second derivatives against float64 central differences of the first derivative.
 * Shared by the higher-order tests (core/higher_order.test.ts, nn/conv_higher_order.test.ts).
 */
import { expect } from "vitest";
import { torch, type Tensor } from "../../../lib/tensor/index";

const f64 = { dtype: torch.float64 };

/**
 * For fn(...inputs) -> tensor, projects the output on fixed weights w, takes
 * g = d(w . fn)/d inputs with create_graph, projects g on fixed weights v, and compares
 * d(v . g)/d inputs with central differences of (v . g) computed from first derivatives only.
 */
export function gradgradcheck(fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[], { eps = 1e-6, atol = 1e-5, rtol = 1e-4 } = {}): void {
  const xs = inputs.map((t) => t.detach().to(torch.float64).clone().requires_grad_(true));
  const out0 = fn(...xs);
  const w = torch.linspace(0.5, 1.5, out0.numel(), f64).reshape(out0.shape.slice());
  const vs = xs.map((x) => torch.linspace(-1, 1.3, x.numel(), f64).reshape(x.shape.slice()));
  const firstGrads = (ys: Tensor[], create: boolean): Tensor[] => {
    const out = fn(...ys);
    return torch.autograd.grad(out.mul(w).sum(), ys, null, { create_graph: create, allow_unused: true }).map((g, i) => g ?? ys[i].mul(0));
  };
  const vDotG = (gs: Tensor[]): Tensor => gs.map((g, i) => g.mul(vs[i]).sum()).reduce((a, b) => a.add(b));
  const gs = firstGrads(xs, true);
  const h = vDotG(gs);
  expect(h.requires_grad, "first gradient carries a graph").toBe(true);
  const analytic = torch.autograd.grad(h, xs, null, { allow_unused: true }).map((g, i) => g ?? xs[i].mul(0));
  xs.forEach((x, k) => {
    const flat = x.detach().reshape(-1);
    for (let j = 0; j < flat.numel(); j++) {
      const probe = (delta: number): number => {
        const ys = xs.map((y) => y.detach().clone());
        const yk = ys[k].reshape(-1);
        yk.index_put_([j], yk.index(j).item() + delta);
        const leaves = ys.map((y) => y.requires_grad_(true));
        return vDotG(firstGrads(leaves, false)).item();
      };
      const numeric = (probe(eps) - probe(-eps)) / (2 * eps);
      const a = analytic[k].reshape(-1).index(j).item();
      if (!(Math.abs(a - numeric) <= atol + rtol * Math.abs(numeric))) {
        expect.fail(`input ${k} element ${j}: second derivative ${a}, finite differences ${numeric}`);
      }
    }
  });
}
