/** nn.init.eye_, dirac_, trunc_normal_, orthogonal_, sparse_ against PyTorch 1.13 with the same seed. */
import { describe, expect, it } from "vitest";
import { nn, torch } from "../../../../lib/tensor/index";
import { expectClose, fixture, type FT } from "./helpers";

interface Case {
  name: "eye_" | "dirac_" | "trunc_normal_" | "orthogonal_" | "sparse_";
  shape: number[];
  seed: number;
  kwargs: Record<string, number>;
  dtype: "float32" | "float64";
  out: FT;
}
const fx = fixture<{ cases: Case[] }>("nn/init_extra.json");
const init = nn.init as unknown as Record<string, (t: unknown, o?: object) => unknown>;

describe("A4 nn.init vs PyTorch 1.13 (same seed)", () => {
  for (const c of fx.cases) {
    it(`${c.name} ${JSON.stringify(c.shape)} ${JSON.stringify(c.kwargs)} ${c.dtype}`, () => {
      torch.manual_seed(c.seed);
      const t = torch.empty(c.shape, { dtype: c.dtype === "float64" ? torch.float64 : torch.float32 });
      const ret = init[c.name](t, c.kwargs);
      expect(ret).toBe(t);
      // orthogonal_: PyTorch's LAPACK QR works in the tensor's dtype, ours in float64.
      const tol = c.name === "orthogonal_" ? { rtol: 1e-5, atol: 2e-6 } : { rtol: 1e-6, atol: 1e-7 };
      expectClose(t, c.out, { ...tol, label: c.name });
    });
  }
});

describe("A4 nn.init behaviour", () => {
  it("orthogonal_ rows or columns are orthonormal and the result scales by gain", () => {
    const w = nn.init.orthogonal_(torch.empty(4, 9), 3);
    expectClose(w.matmul(w.t()), torch.eye(4).mul(9), { atol: 1e-5 });
    const v = nn.init.orthogonal_(torch.empty(9, 4));
    expectClose(v.t().matmul(v), torch.eye(4), { atol: 1e-5 });
  });

  it("trunc_normal_ stays in [a, b] with the truncated normal's moments", () => {
    torch.manual_seed(11);
    const w = nn.init.trunc_normal_(torch.empty(20000), { mean: 1, std: 2, a: 0, b: 3 });
    expect(w.min().item()).toBeGreaterThanOrEqual(0);
    expect(w.max().item()).toBeLessThanOrEqual(3);
    // mean of N(1, 4) truncated to [0, 3]: 1 + 2 (phi(-0.5) - phi(1)) / (Phi(1) - Phi(-0.5)) = 1.4133
    // (standard error of a 20000-sample mean ~ 0.006)
    expect(Math.abs(w.mean().item() - 1.4133)).toBeLessThan(0.025);
  });

  it("work on parameters without recording gradients, as in-place updates", () => {
    const lin = new nn.Linear(3, 3);
    nn.init.eye_(lin.weight);
    expect(lin.weight.grad_fn).toBeNull();
    expect(lin.weight.requires_grad).toBe(true);
    expectClose(lin.forward(torch.tensor([[1, 2, 3]])).sub(lin.bias!), torch.tensor([[1, 2, 3]]), { atol: 1e-6 });
    const conv = new nn.Conv2d(2, 2, 3, { padding: 1 });
    nn.init.dirac_(conv.weight);
    nn.init.zeros_(conv.bias!);
    const x = torch.randn(1, 2, 4, 4);
    expectClose(conv.forward(x), x, { atol: 1e-6 });
  });

  it("raise PyTorch's errors", () => {
    expect(() => nn.init.eye_(torch.empty(2, 2, 2))).toThrow("Only tensors with 2 dimensions are supported");
    expect(() => nn.init.dirac_(torch.empty(2, 2))).toThrow("Only tensors with 3, 4, or 5 dimensions are supported");
    expect(() => nn.init.dirac_(torch.empty(3, 2, 3), 2)).toThrow("dim 0 must be divisible by groups");
    expect(() => nn.init.orthogonal_(torch.empty(3))).toThrow("Only tensors with 2 or more dimensions are supported");
    expect(() => nn.init.sparse_(torch.empty(3), 0.1)).toThrow("Only tensors with 2 dimensions are supported");
    expect(() => nn.init.sparse_(torch.empty(3, 3), {})).toThrow(/missing 1 required positional argument: 'sparsity'/);
  });
});
