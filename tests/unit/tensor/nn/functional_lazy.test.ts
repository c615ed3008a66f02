/** nn.LazyLinear, LazyConv1d/2d/3d, LazyBatchNorm1d/2d/3d: in_features from the first input, PyTorch's seeded initialisation, becomes a Linear (vs PyTorch 1.13). */
import { describe, expect, it } from "vitest";
import { nn, optim, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectClose, fixture, tensorOf, type FT } from "./helpers";

const fx = fixture<{
  before: string; after: string; x: FT; weight: FT; bias: FT; y: FT;
  conv: { before: string; after: string; x: FT; weight: FT; bias: FT; y: FT };
  bn: { before: string; after: string; y: FT; running_mean: FT };
  reprs: Record<string, string>;
}>("nn/functional_lazy.json");

describe("nn.LazyLinear", () => {
  it("materialises on the first call with PyTorch's weights and turns into a Linear", () => {
    torch.manual_seed(3);
    const m = new nn.LazyLinear(4);
    expect(String(m)).toBe(fx.before);
    expect(m.has_uninitialized_params()).toBe(true);
    const y = m(tensorOf(fx.x, torch.float32)) as Tensor;
    expect(String(m)).toBe(fx.after);
    expect(m).toBeInstanceOf(nn.Linear);
    expectClose(m.weight, fx.weight, { rtol: 1e-6, atol: 1e-7 });
    expectClose(m.bias!, fx.bias, { rtol: 1e-6, atol: 1e-7 });
    expectClose(y, fx.y, { rtol: 1e-5, atol: 1e-6 });
    expect(Object.keys(m.state_dict())).toEqual(["weight", "bias"]);
  });

  it("trains like a Linear after the dry run; bias=false and dtype are kept", () => {
    const m = new nn.LazyLinear(2, false, { dtype: torch.float64 });
    m(torch.zeros(1, 5, { dtype: torch.float64 }));
    expect(m.bias).toBeNull();
    expect(m.weight.shape).toEqual([2, 5]);
    expect(m.weight.dtype).toBe(torch.float64);
    const opt = new optim.SGD(m.parameters(), { lr: 0.1 });
    const before = m.weight.clone();
    (m(torch.ones(3, 5, { dtype: torch.float64 })) as Tensor).sum().backward();
    opt.step();
    expect(m.weight.sub(before).abs().sum().item()).toBeGreaterThan(0);
    expect(() => new nn.LazyLinear(2)(torch.tensor(1))).toThrow(/at least one dimension/);
  });
});

describe("lazy convolutions and batch norms", () => {
  it("LazyConv2d reads in_channels, draws PyTorch's seeded weights and becomes a Conv2d", () => {
    const c = fx.conv;
    torch.manual_seed(2);
    const m = new nn.LazyConv2d(3, 2, { padding: 1 });
    expect(String(m)).toBe(c.before);
    const y = m(tensorOf(c.x, torch.float32)) as Tensor;
    expect(String(m)).toBe(c.after);
    expect(m).toBeInstanceOf(nn.Conv2d);
    expectClose((m as unknown as nn.Conv2d).weight, c.weight, { rtol: 1e-6, atol: 1e-7 });
    expectClose((m as unknown as nn.Conv2d).bias!, c.bias, { rtol: 1e-6, atol: 1e-7 });
    expectClose(y, c.y, { rtol: 1e-5, atol: 1e-6 });
  });

  it("LazyBatchNorm2d reads num_features and becomes a BatchNorm2d with its buffers", () => {
    const b = fx.bn;
    const m = new nn.LazyBatchNorm2d({ momentum: 0.3 });
    expect(String(m)).toBe(b.before);
    const y = m(tensorOf(fx.conv.x, torch.float32)) as Tensor;
    expect(String(m)).toBe(b.after);
    expectClose(y, b.y, { rtol: 1e-5, atol: 1e-5 });
    expectClose((m as unknown as nn.BatchNorm2d).running_mean!, b.running_mean, { rtol: 1e-5, atol: 1e-6 });
    expect(Object.keys(m.state_dict())).toEqual(["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]);
  });

  it("reprs before materialisation, and no draws from the generator until then", () => {
    const make: Record<string, () => nn.Module> = {
      LazyConv1d: () => new nn.LazyConv1d(4, 2, 2, { bias: false }), LazyConv3d: () => new nn.LazyConv3d(2, [1, 2, 3]),
      LazyBatchNorm1d: () => new nn.LazyBatchNorm1d(), LazyBatchNorm3d: () => new nn.LazyBatchNorm3d(1e-3),
    };
    for (const [k, repr] of Object.entries(fx.reprs)) expect(String(make[k]()), k).toBe(repr);
    torch.manual_seed(9);
    const a = torch.rand(3).tolist();
    torch.manual_seed(9);
    const lazy = new nn.LazyConv2d(4, 3);
    void String(lazy);
    expect(torch.rand(3).tolist()).toEqual(a);
  });
});
