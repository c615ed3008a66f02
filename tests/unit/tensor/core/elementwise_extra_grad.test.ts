/**
 * Gradients of the elementwise ops beyond the core (ops/elementwise_extra.ts) against float64 central finite
 * differences (first order, and second order through create_graph), plus their errors.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { torch, type Tensor } from "../../../../lib/tensor/index";
import { gradcheck } from "../../../../lib/grading/gradcheck";
import { gradgradcheck } from "../gradgradcheck";

beforeAll(() => torch.manual_seed(31));
const d = { dtype: torch.float64 };
const r = (...s: number[]) => torch.randn(s, d);
/** Uniform in (lo, hi), float64. */
const u = (lo: number, hi: number, ...s: number[]) => torch.rand(s, d).mul(hi - lo).add(lo);

type Case = [string, (...xs: Tensor[]) => Tensor, () => Tensor[]];
const cases: Case[] = [
  ["acos", (x) => x.acos(), () => [u(-0.9, 0.9, 3, 4)]],
  ["asin", (x) => torch.asin(x), () => [u(-0.9, 0.9, 3, 4)]],
  ["atan", (x) => x.atan(), () => [r(3, 4)]],
  ["atan2 broadcast", (x, y) => torch.atan2(x, y), () => [r(3, 4), r(4)]],
  ["sinh", (x) => x.sinh(), () => [r(3, 4)]],
  ["cosh", (x) => torch.cosh(x), () => [r(3, 4)]],
  ["tan", (x) => x.tan(), () => [u(-1.2, 1.2, 3, 4)]],
  ["deg2rad", (x) => x.deg2rad(), () => [r(5)]],
  ["rad2deg", (x) => torch.rad2deg(x), () => [r(5)]],
  ["exp2", (x) => x.exp2(), () => [r(3, 4)]],
  ["log10", (x) => x.log10(), () => [u(0.2, 3, 3, 4)]],
  ["frac", (x) => x.frac(), () => [u(0.1, 0.9, 6).add(torch.tensor([-3, -1, 0, 1, 2, 5], d))]],
  ["hypot", (x, y) => torch.hypot(x, y), () => [r(3, 4), r(3, 1)]],
  ["lgamma", (x) => x.lgamma(), () => [u(0.2, 6, 3, 4)]],
  ["lgamma negative", (x) => x.lgamma(), () => [u(-2.9, -2.1, 5)]],
  ["erfinv", (x) => torch.erfinv(x), () => [u(-0.95, 0.95, 3, 4)]],
  ["sinc", (x) => x.sinc(), () => [r(3, 4)]],
  ["logaddexp", (x, y) => torch.logaddexp(x, y), () => [r(3, 4), r(4).mul(3)]],
  ["logit", (x) => x.logit(), () => [u(0.05, 0.95, 3, 4)]],
  ["logit eps", (x) => torch.logit(x, 0.1), () => [u(0.15, 0.85, 6)]],
  ["xlogy", (x, y) => torch.xlogy(x, y), () => [r(3, 4), u(0.2, 3, 3, 4)]],
  ["lerp scalar", (a, b) => torch.lerp(a, b, 0.7), () => [r(3, 4), r(3, 4)]],
  ["lerp tensor weight", (a, b, w) => a.lerp(b, w), () => [r(3, 4), r(4), u(0, 1, 3, 1)]],
  ["addcmul", (x, a, b) => torch.addcmul(x, a, b, { value: -0.5 }), () => [r(3, 4), r(3, 4), r(4)]],
  ["addcdiv", (x, a, b) => x.addcdiv(a, b, 2), () => [r(3, 4), r(3, 4), u(0.5, 2, 3, 4)]],
  ["clamp_min", (x) => torch.clamp_min(x, 0.1), () => [r(3, 4)]],
];

describe("gradcheck of the a1 elementwise ops (float64 finite differences)", () => {
  for (const [name, fn, make] of cases) {
    it(name, () => {
      expect(gradcheck(fn, make().map((t) => t.requires_grad_(true)))).toBe(true);
    });
  }
});

/** Second derivatives through create_graph vs finite differences of the first (tests/unit/tensor/gradgradcheck.ts). */
const secondOrder: [string, (x: Tensor) => Tensor, () => Tensor][] = [
  ["acos", (x) => x.acos(), () => u(-0.8, 0.8, 5)],
  ["atan", (x) => x.atan(), () => r(5)],
  ["tan", (x) => x.tan(), () => u(-1, 1, 5)],
  ["sinh", (x) => x.sinh(), () => r(5)],
  ["exp2", (x) => x.exp2(), () => r(5)],
  ["log10", (x) => x.log10(), () => u(0.3, 3, 5)],
  ["erfinv", (x) => x.erfinv(), () => u(-0.9, 0.9, 5)],
  ["sinc", (x) => x.sinc(), () => r(5)],
  ["logit", (x) => x.logit(), () => u(0.1, 0.9, 5)],
  ["logaddexp", (x) => torch.logaddexp(x, x.mul(-2)), () => r(5)],
  ["hypot", (x) => torch.hypot(x, torch.ones(5, d)), () => r(5)],
  ["xlogy", (x) => torch.xlogy(x, x.mul(x).add(0.5)), () => r(5)],
];

describe("second derivatives (create_graph) of the a1 ops", () => {
  for (const [name, fn, make] of secondOrder) {
    it(name, () => gradgradcheck(fn, [make()]));
  }
});

describe("a1 elementwise ops: errors and non-differentiable results", () => {
  it("heaviside raises on backward like PyTorch and needs equal dtypes", () => {
    const x = torch.tensor([1, 0, -2], { requires_grad: true });
    const y = torch.heaviside(x, torch.tensor([0.5]));
    expect(y.tolist()).toEqual([1, 0.5, 0]);
    expect(() => y.sum().backward()).toThrow(/derivative for aten::heaviside is not implemented/);
    expect(() => torch.heaviside(x.detach(), torch.tensor([1], d))).toThrow(/different dtypes/);
  });
  it("frac of an integer tensor, lerp across dtypes and integer addcdiv are refused", () => {
    const l = torch.tensor([1, 2], { dtype: torch.long });
    expect(() => torch.frac(l)).toThrow(/frac_cpu" not implemented for 'Long'/);
    expect(() => torch.lerp(torch.zeros(2), torch.ones(2, d), 0.5)).toThrow(/expected dtype float for `end` but got dtype double/);
    expect(() => torch.addcdiv(l, l, l)).toThrow(/Integer division with addcdiv is no longer supported/);
  });
  it("round with decimals has a zero gradient and needs an integer; signbit gives bool", () => {
    const x = torch.tensor([1.234, -5.678], { requires_grad: true });
    x.round({ decimals: 1 }).sum().backward();
    expect(x.grad!.tolist()).toEqual([0, 0]);
    expect(() => x.round({ decimals: 0.5 })).toThrow(/decimals must be an integer/);
    expect(torch.signbit(torch.tensor([-1, 0, 2])).dtype).toBe(torch.bool);
  });
  it("grad_fn names follow PyTorch", () => {
    const x = torch.tensor([0.3, 0.6], { requires_grad: true });
    expect(x.acos().grad_fn!.name()).toBe("AcosBackward0");
    expect(torch.addcmul(x, x, x).grad_fn!.name()).toBe("AddcmulBackward0");
    expect(torch.lerp(x, x.mul(2), x).grad_fn!.name()).toBe("LerpBackward1");
    expect(x.logit().grad_fn!.name()).toBe("LogitBackward0");
  });
  it("lerp and logit keyword mistakes are Python's TypeErrors", () => {
    const x = torch.zeros(2);
    expect(() => x.lerp(x)).toThrow(/missing 1 required positional argument: 'weight'/);
    expect(() => x.logit({ epsilon: 0.1 } as never)).toThrow(/unexpected keyword argument 'epsilon'/);
  });
});
