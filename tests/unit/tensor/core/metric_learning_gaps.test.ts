/**
 * Gaps the metric-learning probe found (tests/unit/tensor/tutorials/metric_learning.test.ts), with torch 1.13's
 * values and words: fill_diagonal_ keeps the tensor's dtype (a SimCLR bool mask's fill_diagonal_(0)), torch.cdist's
 * argument checks in torch's order, triplet_margin_loss's dims message, and triplet_margin_with_distance_loss
 * comparing no dims (its distance function broadcasts), cosine_similarity / cosine_embedding_loss broadcasting without
 * the regression losses' target-size warning, cosine_embedding_loss's target / input checks, and triplet losses taking
 * any margin (torch 1.13 has no margin > 0 check), and cdist's p = inf gradient at tied differences.
 */
import { describe, expect, it, vi } from "vitest";
import { nn, torch } from "../../../../lib/tensor/index";
import { forgetShownWarnings } from "../../../../lib/tensor/warnings";
import { thrown } from "../tutorials/helpers";

const F = nn.functional;
const o = torch.ones;

describe("metric-learning gaps", () => {
  it("fill_diagonal_ casts its value to the tensor's dtype", () => {
    const m = torch.ones([3, 4], { dtype: torch.bool }).fill_diagonal_(0);
    expect(m.dtype).toBe(torch.bool);
    expect(m.tolist()).toEqual([[false, true, true, true], [true, false, true, true], [true, true, false, true]]);
    const l = torch.zeros([2, 2], { dtype: torch.int64 }).fill_diagonal_(2.7);
    expect([l.dtype, l.tolist()]).toEqual([torch.int64, [[2, 0], [0, 2]]]);
    const u = torch.zeros([2, 3], { dtype: torch.uint8 }).fill_diagonal_(1, { wrap: true });
    expect([u.dtype, u.tolist()]).toEqual([torch.uint8, [[1, 0, 0], [0, 1, 0]]]);
  });
  it("torch.cdist checks compute_mode, dims, columns, dtypes, p in torch's order", () => {
    const L = { dtype: torch.int64 };
    expect(thrown(() => torch.cdist(o(3, 2), o(3, 2), { p: -1, compute_mode: "x" }))).toEqual(["ValueError", "x is not a valid value for compute_mode"]);
    expect(thrown(() => torch.cdist(o(3, 2), o(3)))).toEqual(["RuntimeError", "cdist only supports at least 2D tensors, X2 got: 1D"]);
    expect(thrown(() => torch.cdist(o([3, 2], L), o([3, 3], L)))).toEqual(["RuntimeError", "X1 and X2 must have the same number of columns. X1: 2 X2: 3"]);
    expect(thrown(() => torch.cdist(o([3, 2], L), o(3, 2), { p: -1 }))).toEqual(["RuntimeError", "cdist only supports floating-point dtypes, X1 got: Long"]);
    expect(thrown(() => torch.cdist(o(3, 2), o([3, 2], L)))).toEqual(["RuntimeError", "cdist only supports floating-point dtypes, X2 got: Long"]);
    expect(thrown(() => torch.cdist(o(3, 2), o([3, 2], { dtype: torch.float64 })))).toEqual(["RuntimeError", "expected scalar type Float but found Double"]);
    expect(torch.cdist(o(1, 2), torch.zeros(1, 2), { compute_mode: "donot_use_mm_for_euclid_dist" }).item()).toBeCloseTo(Math.SQRT2, 6);
  });
  it("triplet losses: dims message, and no dims check with a distance function", () => {
    expect(thrown(() => F.triplet_margin_loss(o(2, 3), o(3), o(2, 3)))).toEqual(["RuntimeError", "All inputs should have same dimension but got 2D, 1D and 2D inputs."]);
    // torch 1.13: pairwise_distance broadcasts the 1-d negative; loss = max(0, 1 + 1e-6 * sqrt(3) - |1 + 1e-6| * sqrt(3))
    const loss = new nn.TripletMarginWithDistanceLoss()(o(4, 3), o(4, 3), torch.zeros(3));
    expect(loss.item()).toBe(0);
    const l2 = F.triplet_margin_with_distance_loss(o(4, 3), o(4, 3), o(3).mul(1.2), { reduction: "none" });
    expect(l2.shape).toEqual([4]);
    expect(l2.index(0).item()).toBeCloseTo(0.6535899, 5);
  });
  it("cosine_similarity and cosine_embedding_loss: no target-size warning, torch's target checks", () => {
    forgetShownWarnings();
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      const c = F.cosine_similarity(o(4, 1, 3), o(1, 4, 3).mul(2), { dim: -1 });
      expect(c.shape).toEqual([4, 4]);
      expect(F.cosine_embedding_loss(o(4, 3), o(1, 3), o(4)).item()).toBeCloseTo(0, 6);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
    expect(thrown(() => F.cosine_embedding_loss(o(4, 3), o(4, 3), o(4, 1)))).toEqual(["RuntimeError", "0D or 1D target tensor expected, multi-target not supported"]);
    expect(thrown(() => F.cosine_embedding_loss(o(4, 3), o(4, 3), o([])))).toEqual(["RuntimeError", "0D target tensor expects 1D input tensors, but found inputs with sizes [4, 3] and [4, 3]."]);
    expect(thrown(() => F.cosine_embedding_loss(o(3), o(3), o(3)))).toEqual(["RuntimeError", "1D target tensor expects 2D input tensors, but found inputs with sizes [3] and [3]."]);
    // only input1's dims are checked: a [4, 3] input2 broadcasts against a 1-d input1 (torch: [-0.1547] * 3)
    const l = F.cosine_embedding_loss(o(3), o(4, 3), o([]), { reduction: "none" });
    expect(l.shape).toEqual([3]);
    expect(l.index(0).item()).toBeCloseTo(-0.1547005, 5);
  });
  it("triplet losses take a zero or negative margin, as torch 1.13", () => {
    const [a, p, n] = [o(2, 3), o(2, 3), o(2, 3).mul(2)];
    expect(new nn.TripletMarginLoss({ margin: -1 })(a, p, n).item()).toBe(0);
    expect(F.triplet_margin_with_distance_loss(a, p, n, { margin: -0.5 }).item()).toBe(0);
    expect(new nn.TripletMarginWithDistanceLoss({ margin: 0 })(a, p, a).item()).toBe(0);
    // torch 1.13: 0.267952561378479 (2 + d(a, p) - d(a, n), eps 1e-6 in both distances)
    expect(F.triplet_margin_loss(a, p, n, { margin: 2.0 }).item()).toBeCloseTo(0.2679526, 5);
  });
  it("cdist p = inf: each tied largest difference takes the whole gradient", () => {
    const x = torch.tensor([[1, 2], [1, 2], [0, 3]], { requires_grad: true });
    const d = torch.cdist(x, x, { p: Infinity });
    expect(d.tolist()).toEqual([[0, 0, 1], [0, 0, 1], [1, 1, 0]]);
    d.sum().backward();
    expect(x.grad!.tolist()).toEqual([[2, -2], [2, -2], [-4, 4]]); // torch 1.13
    const y = torch.tensor([[0, 0.5, -2]], { requires_grad: true });
    torch.cdist(y, torch.zeros(2, 3), { p: Infinity }).sum().backward();
    expect(y.grad!.tolist()).toEqual([[0, 0, -2]]);
    expect(torch.cdist(torch.ones(2, 0), torch.ones(3, 0), { p: Infinity }).tolist()).toEqual([[0, 0, 0], [0, 0, 0]]);
  });
});
