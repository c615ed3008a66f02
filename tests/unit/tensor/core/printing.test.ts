/** Printing against strings produced by real torch 1.13 repr(). */
import { describe, expect, it } from "vitest";
import { torch, type DType } from "../../../../lib/tensor/index";
import { loadFixture } from "./fixtures";

interface PrintCase {
  data?: number[];
  shape?: number[];
  dtype?: string;
  requires_grad?: boolean;
  repr: string;
}
const fx = loadFixture<Record<string, PrintCase>>("printing.json");
const DTYPES: Record<string, DType> = { float32: torch.float32, float64: torch.float64, int64: torch.int64, bool: torch.bool };

describe("printing matches torch 1.13", () => {
  for (const [name, c] of Object.entries(fx)) {
    if (!c.data) continue;
    it(name, () => {
      const dtype = DTYPES[c.dtype!];
      const data = dtype === torch.bool ? c.data!.map((v) => Boolean(v)) : c.data!;
      let t = torch.tensor(data, { dtype }).reshape(c.shape!);
      if (c.requires_grad) t = t.detach().requires_grad_();
      expect(String(t)).toBe(c.repr);
    });
  }

  it("grad_fn suffixes", () => {
    const x = torch.tensor([[1.0, 2.0]], { requires_grad: true });
    const w = torch.tensor([[0.1, -0.2], [0.3, 0.4]], { requires_grad: true });
    const b = torch.tensor([0.0, -0.5], { requires_grad: true });
    expect(String(torch.addmm(b, x, w.t()))).toBe(fx.grad_addmm.repr);
    expect(String(torch.relu(x.sub(1.5)))).toBe(fx.grad_relu.repr);
    expect(String(x.mul(2).sum())).toBe(fx.grad_sum.repr);
    expect(String(x.mean())).toBe(fx.grad_mean.repr);
    const long = torch.arange(20, { dtype: torch.float32 }).reshape(1, 20).requires_grad_().mul(1.123);
    expect(String(long)).toBe(fx.grad_long_suffix.repr);
  });

  it("0-d and views print their own elements", () => {
    const x = torch.arange(12, { dtype: torch.float32 }).reshape(3, 4);
    expect(String(x.t().index(1))).toBe("tensor([1., 5., 9.])");
    expect(String(x.index(2, 3))).toBe("tensor(11.)");
  });

  it("set_printoptions changes precision and restores", () => {
    torch.set_printoptions({ precision: 2 });
    expect(String(torch.tensor([0.12345]))).toBe("tensor([0.12])");
    torch.set_printoptions({ profile: "default" });
    expect(String(torch.tensor([0.12345]))).toBe("tensor([0.1235])");
  });
});
