/** nn.utils.weight_norm / spectral_norm (and their removal) against PyTorch 1.13. */
import { describe, expect, it } from "vitest";
import { nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectClose, fixture, tensorOf, type FT } from "./helpers";

interface Fx {
  W: FT; bias: FT; x: FT; CW: FT; cx: FT;
  weight_norm: { dim: number | null; names: string[]; state_keys: string[]; g: FT; v: FT; y: FT; g_grad: FT; v_grad: FT }[];
  weight_norm_conv: { g: FT; y: FT; g_grad: FT; v_grad: FT };
  spectral_norm: {
    n_power_iterations: number; u0: FT; v0: FT; y1: FT; y2: FT; y3: FT; u: FT; v: FT; grad: FT; weight: FT; names: string[]; state_keys: string[];
  }[];
}
const fx = fixture<Fx>("nn/weight_norm.json");
const tol = { rtol: 1e-5, atol: 1e-6 };

function linear(): nn.Linear {
  const lin = new nn.Linear(3, 4);
  torch.no_grad(() => {
    lin.weight.copy_(tensorOf(fx.W, torch.float32));
    lin.bias!.copy_(tensorOf(fx.bias, torch.float32));
  });
  return lin;
}
const slot = (m: nn.Module, k: string) => (m as unknown as Record<string, Tensor>)[k];

describe("weight_norm vs PyTorch 1.13", () => {
  for (const c of fx.weight_norm) {
    it(`Linear, dim=${c.dim}`, () => {
      const lin = nn.utils.weight_norm(linear(), { dim: c.dim });
      expect(lin.named_parameters().map(([n]) => n)).toEqual(c.names);
      expect(Object.keys(lin.state_dict())).toEqual(c.state_keys);
      expectClose(slot(lin, "weight_g"), c.g, { ...tol, label: "g" });
      expectClose(slot(lin, "weight_v"), c.v, { ...tol, label: "v" });
      const y = lin(tensorOf(fx.x, torch.float32));
      expectClose(y, c.y, { ...tol, label: "y" });
      y.mul(y).sum().backward();
      expectClose(slot(lin, "weight_g").grad!, c.g_grad, { ...tol, label: "g.grad" });
      expectClose(slot(lin, "weight_v").grad!, c.v_grad, { ...tol, label: "v.grad" });
    });
  }

  it("Conv2d, dim=1", () => {
    const conv = new nn.Conv2d(3, 2, 2, { bias: false });
    torch.no_grad(() => conv.weight.copy_(tensorOf(fx.CW, torch.float32)));
    nn.utils.weight_norm(conv, "weight", 1);
    const c = fx.weight_norm_conv;
    expectClose(slot(conv, "weight_g"), c.g, tol);
    const y = conv(tensorOf(fx.cx, torch.float32));
    expectClose(y, c.y, tol);
    y.sum().backward();
    expectClose(slot(conv, "weight_g").grad!, c.g_grad, tol);
    expectClose(slot(conv, "weight_v").grad!, c.v_grad, tol);
  });

  it("training moves g and v, the hook recomputes weight; remove_weight_norm folds them back", () => {
    const lin = nn.utils.weight_norm(linear());
    const opt = new torch.optim.SGD(lin.parameters(), { lr: 0.1 });
    const x = tensorOf(fx.x, torch.float32);
    lin(x).sum().backward();
    opt.step();
    const y = lin(x);
    nn.utils.remove_weight_norm(lin);
    // PyTorch re-registers the folded parameter last
    expect(lin.named_parameters().map(([n]) => n)).toEqual(["bias", "weight"]);
    expect(lin.weight).toBeInstanceOf(nn.Parameter);
    expectClose(lin(x), y, tol);
    expect(() => nn.utils.remove_weight_norm(lin)).toThrow("weight_norm of 'weight' not found in Linear(in_features=");
  });

  it("raises PyTorch's errors", () => {
    const lin = nn.utils.weight_norm(linear());
    expect(() => nn.utils.weight_norm(lin)).toThrow("Cannot register two weight_norm hooks on the same parameter weight");
    expect(() => nn.utils.weight_norm(linear(), "weight", 2)).toThrow(/Dimension out of range/);
  });
});

describe("spectral_norm vs PyTorch 1.13 (same seed)", () => {
  for (const c of fx.spectral_norm) {
    it(`Linear, n_power_iterations=${c.n_power_iterations}: u, v, outputs in train and eval, gradient`, () => {
      const lin = linear();
      torch.manual_seed(5);
      nn.utils.spectral_norm(lin, { n_power_iterations: c.n_power_iterations });
      expect(lin.named_parameters().map(([n]) => n)).toEqual(c.names);
      expect(Object.keys(lin.state_dict())).toEqual(c.state_keys);
      expectClose(slot(lin, "weight_u"), c.u0, { ...tol, label: "u0" });
      expectClose(slot(lin, "weight_v"), c.v0, { ...tol, label: "v0" });
      const x = tensorOf(fx.x, torch.float32);
      expectClose(lin(x), c.y1, { ...tol, label: "y1" });
      const y2 = lin(x);
      expectClose(y2, c.y2, { ...tol, label: "y2" });
      y2.mul(y2).sum().backward();
      expectClose(slot(lin, "weight_orig").grad!, c.grad, { ...tol, label: "grad" });
      lin.eval();
      expectClose(lin(x), c.y3, { ...tol, label: "y3 (eval: no power iteration)" });
      expectClose(slot(lin, "weight_u"), c.u, { ...tol, label: "u" });
      expectClose(slot(lin, "weight_v"), c.v, { ...tol, label: "v" });
      expectClose(lin.weight, c.weight, { ...tol, label: "weight" });
    });
  }

  it("the normalised weight's largest singular value approaches 1; remove_spectral_norm keeps W / sigma", () => {
    const lin = nn.utils.spectral_norm(linear(), { n_power_iterations: 30 });
    const x = tensorOf(fx.x, torch.float32);
    lin(x);
    const w = lin.weight.detach();
    // largest eigenvalue of W^T W by power iteration on the result
    let v = torch.ones(3);
    for (let i = 0; i < 200; i++) v = w.t().mv(w.mv(v)).div(w.t().mv(w.mv(v)).norm());
    expect(w.mv(v).norm().item()).toBeCloseTo(1, 4);
    const y = lin(x);
    nn.utils.remove_spectral_norm(lin);
    expect(Object.keys(lin.state_dict())).toEqual(["bias", "weight"]);
    expectClose(lin(x), y, tol);
    expect(() => nn.utils.remove_spectral_norm(lin)).toThrow("spectral_norm of 'weight' not found in Linear(in_features=");
  });
});
