/**
 * Reductions and statistics: float64 gradient checks of the
 * differentiable ones (order statistics on distinct values so the choice does not flip under
 * the finite-difference step), named-tuple results, and PyTorch's errors.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { torch, type Tensor } from "../../../../lib/tensor/index";
import { gradcheck } from "../../../../lib/grading/gradcheck";

beforeAll(() => torch.manual_seed(9));
const r = (...s: number[]) => torch.randn(s, { dtype: torch.float64 });
const spread = (...s: number[]) => {
  const n = s.reduce((a, b) => a * b, 1);
  return torch.randperm(n).to(torch.float64).mul(0.37).sub(n * 0.15).reshape(s);
};

const cases: [string, (...xs: Tensor[]) => Tensor, () => Tensor[]][] = [
  ["median", (x) => torch.median(x), () => [spread(3, 5)]],
  ["median dim", (x) => torch.median(x, 1).values, () => [spread(3, 4)]],
  ["kthvalue", (x) => x.kthvalue(2, 0).values, () => [spread(4, 3)]],
  ["mode", (x) => x.mode(1).values, () => [spread(2, 3)]],
  ["quantile linear (input and q)", (x, q) => torch.quantile(x, q, 1), () => [spread(3, 5), torch.tensor([0.15, 0.6], { dtype: torch.float64 })]],
  ["quantile midpoint", (x) => torch.quantile(x, 0.3, { interpolation: "midpoint" }), () => [spread(7)]],
  ["nanquantile", (x) => torch.nanquantile(x, 0.7, 0), () => [spread(5, 2)]],
  ["nansum / nanmean", (x) => torch.nanmean(x, 1).add(torch.nansum(x)), () => [r(3, 4)]],
  ["cummax", (x) => torch.cummax(x, 1).values, () => [spread(3, 5)]],
  ["cummin", (x) => torch.cummin(x, 0).values, () => [spread(4, 2)]],
  ["logcumsumexp", (x) => torch.logcumsumexp(x, 1), () => [r(3, 4)]],
  ["diff with prepend", (x, p) => torch.diff(x, 2, 0, p), () => [r(4, 3), r(1, 3)]],
  ["trapezoid with x", (y, x) => torch.trapezoid(y, x), () => [r(2, 5), r(5)]],
  ["cov with weights", (x, a) => torch.cov(x, { aweights: a.abs().add(0.5) }), () => [r(3, 5), r(5)]],
  ["corrcoef", (x) => torch.corrcoef(x), () => [r(3, 6)]],
  ["cdist p=2", (a, b) => torch.cdist(a, b), () => [r(3, 4), r(2, 4)]],
  ["cdist p=1.5 batched", (a, b) => torch.cdist(a, b, 1.5), () => [r(2, 3, 4), r(2, 2, 4)]],
  ["dist", (a, b) => torch.dist(a, b, 3), () => [r(3, 4), r(4)]],
  ["std_mean", (x) => torch.std_mean(x, 0)[0].add(torch.std_mean(x, 0)[1]), () => [r(4, 3)]],
];

describe("API breadth a2: statistics gradcheck (float64)", () => {
  it.each(cases)("%s", (_, fn, make) => {
    expect(gradcheck(fn, make())).toBe(true);
  });
});

describe("API breadth a2: statistics results and errors", () => {
  it("(values, indices) results destructure like PyTorch's named tuples", () => {
    const x = torch.tensor([[3, 1, 2], [0, 5, 4]]);
    const [v, i] = torch.median(x, 1);
    expect(v.tolist()).toEqual([2, 4]);
    expect(i.tolist()).toEqual([2, 2]);
    const [lo, hi] = torch.aminmax(x);
    expect([lo.item(), hi.item()]).toEqual([0, 5]);
    const [hist, edges] = torch.histogram(torch.tensor([0, 1, 1, 2]), 2);
    expect(hist.tolist()).toEqual([1, 3]);
    expect(edges.tolist()).toEqual([0, 1, 2]);
  });
  it("rejects bad input with PyTorch's messages", () => {
    expect(() => torch.kthvalue(torch.zeros(3), 4)).toThrow(/selected number k out of range/);
    expect(() => torch.quantile(torch.zeros(3), 1.5)).toThrow("quantile() q must be in the range [0, 1] but got 1.5"); // torch 1.13: a float q
    expect(() => torch.quantile(torch.zeros(3), torch.tensor([1.5]))).toThrow(/q values must be in the range \[0, 1\]/);
    expect(() => torch.quantile(torch.zeros(3, { dtype: torch.long }), 0.5)).toThrow(/must be either float or double/);
    expect(() => torch.quantile(torch.zeros(3), 0.5, { interpolation: "cubic" as "linear" })).toThrow(/interpolation must be one of/);
    expect(() => torch.diff(torch.tensor(1))).toThrow(/at least one-dimensional/);
    expect(() => torch.cdist(torch.zeros(2, 3), torch.zeros(2, 4))).toThrow(/same number of columns/);
    expect(() => torch.cov(torch.zeros(2, 2, 2))).toThrow(/two or fewer dimensions/);
    expect(() => torch.histc(torch.zeros(3, { dtype: torch.long }))).toThrow(/not implemented for 'Long'/);
    expect(() => torch.bucketize(torch.zeros(2), torch.zeros(2, 2))).toThrow(/boundaries tensor must be 1 dimension/);
    expect(() => torch.median(torch.zeros(0, 2), 0)).toThrow(/non-zero size/);
    expect(() => torch.nanmean(torch.zeros(2, { dtype: torch.long }))).toThrow(/floating point dtype/);
  });
});
