/** nn.functional and nn beyond the core: activations (F and nn): values, gradients and reprs vs PyTorch 1.13, finite-difference gradchecks. */
import { describe, expect, it } from "vitest";
import { gradcheck } from "../../../../lib/grading/gradcheck";
import { F, nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { checkCase, caseName, type A3Case } from "./functional_helpers";
import { expectClose, fixture, tensorOf, type FT } from "./helpers";

const fx = fixture<{ cases: A3Case[]; reprs: Record<string, string>; softmax2d: { input: FT; output: FT } }>("nn/functional_activations.json");

// PyTorch 1.13's float64 hardsigmoid and celu backward kernels use float32 constants (1.0f / 6.0f,
// the elu kernel's scaled coefficients), so their gradients are exact only to ~3e-8; ours are
// exact (the gradchecks below) and checked against PyTorch to that tolerance.
const LOOSE_GRAD = new Set(["hardsigmoid", "celu"]);

describe("activations vs PyTorch 1.13 (float64 values and gradients)", () => {
  it.each(fx.cases.map((c) => [caseName(c), c] as const))("%s", (_, c) => checkCase(c, { rtol: 1e-10, atol: 1e-12 }, LOOSE_GRAD.has(c.fn) ? 1e-7 : undefined));
});

describe("activations: finite-difference gradchecks", () => {
  const fns: [string, (x: Tensor) => Tensor][] = [
    ["hardswish", (x) => F.hardswish(x)], ["hardsigmoid", (x) => F.hardsigmoid(x)], ["mish", (x) => F.mish(x)],
    ["logsigmoid", (x) => F.logsigmoid(x)], ["softsign", (x) => F.softsign(x)], ["softshrink", (x) => F.softshrink(x, 0.4)],
    ["hardshrink", (x) => F.hardshrink(x, { lambd: 0.4 })], ["tanhshrink", (x) => F.tanhshrink(x)], ["threshold", (x) => F.threshold(x, 0.1, 3)],
    ["celu", (x) => F.celu(x, 0.6)], ["glu", (x) => F.glu(x, 1)], ["rrelu eval", (x) => F.rrelu(x)], ["softmin", (x) => F.softmin(x, 1)],
    ["rrelu training (fixed draw)", (x) => { torch.manual_seed(3); return F.rrelu(x, 0.1, 0.3, true); }],
  ];
  it.each(fns)("%s", (_, fn) => {
    torch.manual_seed(5);
    // Scaled so no element sits within the difference step of a kink (|x| = 0.4, 3, ...).
    expect(gradcheck(fn, [torch.randn(3, 4, { dtype: torch.float64 }).mul(2.5)])).toBe(true);
  });
});

describe("activation modules", () => {
  const make: Record<string, () => nn.Module> = {
    Hardswish: () => new nn.Hardswish(), Hardsigmoid: () => new nn.Hardsigmoid(), Mish: () => new nn.Mish(), LogSigmoid: () => new nn.LogSigmoid(),
    Softsign: () => new nn.Softsign(), Softshrink: () => new nn.Softshrink(), Hardshrink: () => new nn.Hardshrink(0.3), Tanhshrink: () => new nn.Tanhshrink(),
    Threshold: () => new nn.Threshold(0.1, 20), "Threshold inplace": () => new nn.Threshold(0.1, 2.5, true), CELU: () => new nn.CELU(),
    "CELU 0.5": () => new nn.CELU({ alpha: 0.5 }), GLU: () => new nn.GLU(), "GLU 1": () => new nn.GLU(1), RReLU: () => new nn.RReLU(),
    "RReLU 0.1 0.3": () => new nn.RReLU(0.1, { upper: 0.3 }), Softmin: () => new nn.Softmin(), "Softmin 1": () => new nn.Softmin(1), Softmax2d: () => new nn.Softmax2d(),
  };
  it.each(Object.entries(fx.reprs))("%s prints as PyTorch: %s", (key, repr) => {
    expect(String(make[key]())).toBe(repr);
  });

  it("modules compute their functional form", () => {
    const x = torch.randn(2, 4, { dtype: torch.float64 });
    expectClose(new nn.Hardswish()(x) as Tensor, F.hardswish(x), { rtol: 0, atol: 0 });
    expectClose(new nn.Softshrink(0.2)(x) as Tensor, F.softshrink(x, 0.2), { rtol: 0, atol: 0 });
    expectClose(new nn.GLU(1)(x) as Tensor, F.glu(x, 1), { rtol: 0, atol: 0 });
    expectClose(new nn.Threshold(0.1, 7)(x) as Tensor, F.threshold(x, 0.1, 7), { rtol: 0, atol: 0 });
    expectClose(new nn.Softmin(0)(x) as Tensor, F.softmin(x, 0), { rtol: 0, atol: 0 });
  });

  it("Softmax2d takes the softmax over channels of 3-D and 4-D input only", () => {
    expectClose(new nn.Softmax2d()(tensorOf(fx.softmax2d.input)) as Tensor, fx.softmax2d.output, { rtol: 1e-12, atol: 1e-14 });
    expect(() => new nn.Softmax2d()(torch.zeros(2, 3))).toThrow(/expected input to be 3D or 4D, got 2D instead/);
  });

  it("RReLU draws seeded slopes in [lower, upper] in training and uses the mean slope in eval", () => {
    const m = new nn.RReLU(0.1, 0.3);
    const x = torch.full([1000], -1, { dtype: torch.float64 });
    torch.manual_seed(1);
    const a = (m(x) as Tensor).neg();
    torch.manual_seed(1);
    expect((m(x) as Tensor).neg().tolist()).toEqual(a.tolist());
    expect(a.min().item()).toBeGreaterThanOrEqual(0.1);
    expect(a.max().item()).toBeLessThanOrEqual(0.3);
    expect(new Set(a.tolist() as number[]).size).toBeGreaterThan(900);
    expect(Math.abs(a.mean().item() - 0.2)).toBeLessThan(0.01);
    m.eval();
    expect((m(x) as Tensor).tolist()).toEqual(new Array(1000).fill(-0.2));
    expect((m(torch.tensor([2.5])) as Tensor).tolist()).toEqual([2.5]);
  });

  it("bad input raises PyTorch's errors", () => {
    expect(() => F.glu(torch.zeros(3, 3))).toThrow(/Halving dimension must be even, but dimension 1 is size 3/);
    expect(() => F.glu(torch.tensor([1, 2], { dtype: torch.long }))).toThrow(/"glu_cpu" not implemented for 'Long'/);
    expect(() => F.softshrink(torch.zeros(3), -1)).toThrow(/lambda must be greater or equal to 0, but found to be -1\./);
    expect(() => F.celu(torch.zeros(3), 0)).toThrow(/alpha cannot be 0 for CELU/);
    expect(() => F.hardswish(torch.zeros(2), { inplce: true } as never)).toThrow(/unexpected keyword argument 'inplce'/);
  });

  it("grad_fn names follow PyTorch", () => {
    const x = torch.randn(2, 2).requires_grad_(true);
    expect(F.hardswish(x).grad_fn?.name()).toBe("HardswishBackward0");
    expect(F.mish(x).grad_fn?.name()).toBe("MishBackward0");
    expect(F.glu(x).grad_fn?.name()).toBe("GluBackward0");
  });
});
