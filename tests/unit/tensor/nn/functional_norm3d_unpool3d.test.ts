/** nn.functional and nn beyond the core: BatchNorm3d and max_unpool3d / MaxUnpool3d vs PyTorch 1.13. */
import { describe, expect, it } from "vitest";
import { gradcheck } from "../../../../lib/grading/gradcheck";
import { F, nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { checkCase, caseName, type A3Case } from "./functional_helpers";
import { expectClose, fixture, tensorOf, type FT } from "./helpers";

const fx = fixture<{ cases: A3Case[]; bn: Record<string, FT>; reprs: Record<string, string> }>("nn/functional_norm3d_unpool3d.json");
const tol = { rtol: 1e-10, atol: 1e-12 };

describe("max_unpool3d and BatchNorm3d vs PyTorch 1.13", () => {
  it.each(fx.cases.map((c) => [caseName(c), c] as const))("%s", (_, c) => checkCase(c));

  it("BatchNorm3d: training statistics, running buffers, eval", () => {
    const m = new nn.BatchNorm3d(3, { momentum: 0.2, dtype: torch.float64 });
    m.weight!.data.copy_(torch.tensor([1.5, -0.5, 2.0]));
    m.bias!.data.copy_(torch.tensor([0.1, 0.2, -0.3]));
    const x = tensorOf(fx.bn.x);
    expectClose(m(x) as Tensor, fx.bn.y, tol);
    expectClose(m.running_mean!, fx.bn.running_mean, tol);
    expectClose(m.running_var!, fx.bn.running_var, tol);
    m.eval();
    expectClose(m(x.mul(0.5)) as Tensor, fx.bn.eval, tol);
    expect(() => m(torch.zeros(2, 3, 4))).toThrow(/expected 5D input \(got 3D input\)/);
  });

  it("adaptive pools: gradients (finite differences) and modules", () => {
    torch.manual_seed(71);
    expect(gradcheck((x) => F.adaptive_avg_pool3d(x, [2, 3, 2]), [torch.randn(1, 2, 5, 4, 3, { dtype: torch.float64 })])).toBe(true);
    expect(gradcheck((x) => F.adaptive_max_pool3d(x, 2), [torch.randn(1, 2, 5, 4, 3, { dtype: torch.float64 })])).toBe(true);
    const x = torch.randn(1, 2, 4, 4, 4, { dtype: torch.float64 });
    expect((new nn.AdaptiveAvgPool3d(1)(x) as Tensor).reshape(-1).tolist()).toEqual(F.adaptive_avg_pool3d(x, 1).reshape(-1).tolist());
    expectClose(F.adaptive_avg_pool3d(x, 1).reshape(-1), x.mean([2, 3, 4]).reshape(-1), { rtol: 1e-12, atol: 1e-14 });
  });

  it("max_unpool3d gradient (finite differences)", () => {
    const idx = torch.tensor([0, 7, 18, 63, 42, 21, 56, 9], { dtype: torch.long }).reshape(1, 1, 2, 2, 2);
    expect(gradcheck((x) => F.max_unpool3d(x, idx, 2), [torch.randn(1, 1, 2, 2, 2, { dtype: torch.float64 })])).toBe(true);
  });

  const make: Record<string, () => nn.Module> = {
    AdaptiveAvgPool3d: () => new nn.AdaptiveAvgPool3d([3, null, 2]), AdaptiveMaxPool3d: () => new nn.AdaptiveMaxPool3d(2), BatchNorm3d: () => new nn.BatchNorm3d(3), MaxUnpool3d: () => new nn.MaxUnpool3d(2), "MaxUnpool3d s": () => new nn.MaxUnpool3d(3, { stride: 2, padding: 1 }),
  };
  it.each(Object.entries(fx.reprs))("%s prints as PyTorch: %s", (key, repr) => expect(String(make[key]())).toBe(repr));
});
