/**
 * In-place forms beyond the core: the rules every in-place op here keeps (leaf check, version
 * bump, autograd through a graph tensor, gradients vs float64 finite differences), the view
 * ops squeeze_ / t_ / transpose_, and apply_ / map_ (JS callbacks, refused under autograd).
 * Values against PyTorch are in elementwise_creation_values.test.ts.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { torch, type Tensor } from "../../../../lib/tensor/index";
import { gradcheck } from "../../../../lib/grading/gradcheck";

beforeAll(() => torch.manual_seed(41));
const d = { dtype: torch.float64 };
const r = (...s: number[]) => torch.randn(s, d);
const L = (v: number[]) => torch.tensor(v, { dtype: torch.long });

describe("in-place forms follow the in-place rules", () => {
  const ops: [string, (x: Tensor) => Tensor][] = [
    ["log_", (x) => x.log_()], ["sigmoid_", (x) => x.sigmoid_()], ["floor_", (x) => x.floor_()], ["eq_", (x) => x.eq_(0.5)],
    ["triu_", (x) => x.triu_()], ["cumsum_", (x) => x.cumsum_(0)], ["squeeze_", (x) => x.squeeze_()], ["t_", (x) => x.t_()],
    ["index_fill_", (x) => x.index_fill_(0, L([0]), 1)], ["renorm_", (x) => x.renorm_(2, 0, 1)], ["round_", (x) => x.round_()],
  ];
  for (const [name, op] of ops) {
    it(`${name}: refused on a leaf that requires grad, bumps the version, returns self`, () => {
      const leaf = torch.ones(2, 2, { requires_grad: true });
      expect(() => op(leaf)).toThrow(/leaf Variable that requires grad is being used in an in-place operation/);
      const x = torch.ones(2, 2).mul(0.5);
      const v = x._version;
      expect(op(x)).toBe(x);
      expect(x._version).toBe(v + 1);
      torch.no_grad(() => op(torch.ones(2, 2, { requires_grad: true })));
    });
  }
  it("modifying a tensor saved for backward is detected", () => {
    const x = torch.tensor([0.5, 1.5], { requires_grad: true });
    const y = x.mul(1).sigmoid();
    y.tanh_();
    const z = x.exp();
    z.log_();
    expect(() => z.sum().backward()).toThrow(/modified by an inplace operation/);
  });
  it("an integer tensor cannot take a float result", () => {
    expect(() => torch.tensor([1, 2], { dtype: torch.long }).sigmoid_()).toThrow(/can't be cast to the desired output type/);
  });
});

describe("gradients through in-place forms on graph tensors (float64 finite differences)", () => {
  const cases: [string, (...xs: Tensor[]) => Tensor, () => Tensor[]][] = [
    ["log_ then tanh_", (x) => x.mul(x).add(0.5).log_().tanh_(), () => [r(3, 4)]],
    ["squeeze_ / unsqueeze_ / t_ / transpose_", (x) => x.mul(2).reshape(3, 1, 4).squeeze_(1).t_().unsqueeze_(0).transpose_(0, 2).mul(x.unsqueeze(2)), () => [r(3, 4)]],
    ["index_copy_ (both inputs)", (x, s) => x.mul(1).index_copy_(1, L([3, 0]), s), () => [r(3, 4), r(3, 2)]],
    ["masked_scatter_", (x, s) => x.mul(1).masked_scatter_(torch.tensor([[true, false, true, false]]), s), () => [r(3, 4), r(7)]],
    ["put_ accumulate", (x, s) => x.mul(1).put_(L([0, 5, 5, -1]), s, true), () => [r(3, 4), r(4)]],
    ["addmm_", (x, a, b) => x.mul(1).addmm_(a, b, { beta: 0.5, alpha: -2 }), () => [r(3, 4), r(3, 2), r(2, 4)]],
    ["renorm", (x) => x.renorm(2, 1, 0.7), () => [r(3, 4)]],
    ["renorm p=3 (some slices under maxnorm)", (x) => torch.renorm(x, 3, 0, 1.2), () => [r(4, 3)]],
    ["sum_to_size", (x) => x.sum_to_size([3, 1]), () => [r(2, 3, 4)]],
    ["index_fill", (x) => x.index_fill(0, L([1]), 0.5), () => [r(3, 4)]],
  ];
  for (const [name, fn, make] of cases) {
    it(name, () => expect(gradcheck(fn, make().map((t) => t.requires_grad_(true)))).toBe(true));
  }
});

describe("apply_ / map_, random_ / exponential_", () => {
  it("apply_ and map_ run the callback per element in place (cast to the dtype) and refuse requires_grad", () => {
    const x = torch.tensor([[1, 2], [3, 4]]);
    expect(x.apply_((v) => v * v + 0.5).tolist()).toEqual([[1.5, 4.5], [9.5, 16.5]]);
    const l = torch.tensor([1, 2, 3], { dtype: torch.long });
    expect(l.map_(torch.tensor([10, 20, 30], { dtype: torch.long }), (a, b) => b / a + 0.7).tolist()).toEqual([10, 10, 10]);
    const w = torch.ones(2, { requires_grad: true });
    expect(() => w.apply_((v) => v)).toThrow("Can't call apply_() on Variable that requires grad. Use var.detach().apply_() instead.");
    expect(() => w.map_(w, (a) => a)).toThrow("Can't call map_() on Variable that requires grad. Use var.detach().map_() instead.");
  });
  it("lerp_ takes a tensor weight (same values and gradients as lerp)", () => {
    const a = torch.tensor([1, 2, 3]);
    const b = torch.tensor([5, -2, 0]);
    const w = torch.tensor([0.25, 0.5, 0.9]);
    expect(a.clone().lerp_(b, w).tolist()).toEqual(torch.lerp(a, b, w).tolist());
    expect(gradcheck((x, e, wt) => x.mul(1).lerp_(e, wt), [r(3), r(3), torch.rand([3], d)].map((t) => t.requires_grad_(true)))).toBe(true);
  });
  it("random_ bounds and errors; exponential_ is positive", () => {
    const t = torch.empty(200).random_(-2, 3);
    expect(new Set(t.tolist() as number[])).toEqual(new Set([-2, -1, 0, 1, 2]));
    expect(() => torch.empty(2).random_(3, 3)).toThrow(/random_ expects 'from' to be less than 'to'/);
    expect(() => torch.empty(2, { dtype: torch.long }).random_()).toThrow(/pass bounds/);
    expect(torch.empty(100).exponential_(3).min().item()).toBeGreaterThan(0);
    expect(() => torch.empty(2).exponential_(0)).toThrow(/lambda > 0.0/);
  });
  it("index_copy / put / masked_scatter / sum_to_size errors name the problem", () => {
    expect(() => torch.zeros(3, 2).index_copy(0, L([0]), torch.zeros(2, 2))).toThrow(/Source\/destination tensor must have same slice shapes/);
    expect(() => torch.zeros(3).put(L([5]), torch.ones(1))).toThrow(/values in \[-3, 3\)/);
    expect(() => torch.zeros(3).masked_scatter(torch.tensor([true, true, true]), torch.ones(2))).toThrow(/at least as many elements as ones in mask/);
    expect(() => torch.zeros(2, 3).sum_to_size(2)).toThrow(/is not expandable to size/);
  });
});
