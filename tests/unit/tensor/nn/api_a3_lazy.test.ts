/** nn.LazyLinear: in_features from the first input, PyTorch's seeded initialisation, becomes a Linear (vs PyTorch 1.13). */
import { describe, expect, it } from "vitest";
import { nn, optim, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectClose, fixture, tensorOf, type FT } from "./helpers";

const fx = fixture<{ before: string; after: string; x: FT; weight: FT; bias: FT; y: FT }>("nn/api_a3_lazy.json");

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
