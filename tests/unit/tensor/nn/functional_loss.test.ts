/** nn.functional and nn beyond the core: losses and distances (F and nn): values and gradients vs PyTorch 1.13, gradchecks, reprs, errors. */
import { describe, expect, it, vi } from "vitest";
import { gradcheck } from "../../../../lib/grading/gradcheck";
import { F, nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { forgetShownWarnings } from "../../../../lib/tensor/warnings";
import { checkCase, caseName, type A3Case } from "./functional_helpers";
import { expectClose, fixture, tensorOf, type FT } from "./helpers";

const fx = fixture<{
  cases: A3Case[];
  weighted: Record<string, { x: FT; y: FT | number[]; w: FT; out: FT }>;
  reprs: Record<string, string>;
}>("nn/functional_loss.json");
const tol = { rtol: 1e-10, atol: 1e-12 };

describe("losses and distances vs PyTorch 1.13 (float64 values and gradients)", () => {
  it.each(fx.cases.map((c) => [caseName(c), c] as const))("%s", (_, c) => checkCase(c));

  it("class weights: multilabel_soft_margin_loss and multi_margin_loss", () => {
    const a = fx.weighted.mlsm;
    expectClose(F.multilabel_soft_margin_loss(tensorOf(a.x), tensorOf(a.y as FT), tensorOf(a.w), { reduction: "none" }), a.out, tol);
    const b = fx.weighted.mm;
    const y = torch.tensor(b.y as number[], { dtype: torch.long });
    expectClose(F.multi_margin_loss(tensorOf(b.x), y, 2, 1, tensorOf(b.w), { reduction: "none" }), b.out, tol);
    expectClose(new nn.MultiMarginLoss({ p: 2, weight: tensorOf(b.w), reduction: "none" })(tensorOf(b.x), y) as Tensor, b.out, tol);
  });
});

describe("losses: finite-difference gradchecks", () => {
  const x = () => torch.randn(3, 4, { dtype: torch.float64 });
  const pm = () => torch.tensor([[1, -1, 1, -1], [-1, -1, 1, 1], [1, 1, -1, 1]], { dtype: torch.float64 });
  const cls = torch.tensor([2, 0, 3], { dtype: torch.long });
  const ml = torch.tensor([[1, 3, -1, 0], [0, -1, 2, 2], [3, 2, 1, -1]], { dtype: torch.long });
  const cases: [string, () => Tensor[], (...t: Tensor[]) => Tensor][] = [
    ["margin_ranking_loss", () => [x(), x()], (a, b) => F.margin_ranking_loss(a, b, pm(), 0.2)],
    ["hinge_embedding_loss", () => [x()], (a) => F.hinge_embedding_loss(a, pm(), 0.5, { reduction: "none" })],
    ["soft_margin_loss", () => [x()], (a) => F.soft_margin_loss(a, pm())],
    ["multilabel_soft_margin_loss", () => [x(), torch.rand(3, 4, { dtype: torch.float64 })], (a, y) => F.multilabel_soft_margin_loss(a, y, { reduction: "none" })],
    ["multi_margin_loss p=2", () => [x()], (a) => F.multi_margin_loss(a, cls, 2, 0.9, torch.tensor([1, 2, 0.5, 1], { dtype: torch.float64 }))],
    ["multilabel_margin_loss", () => [x()], (a) => F.multilabel_margin_loss(a, ml, { reduction: "none" })],
    ["triplet_margin_loss swap", () => [x(), x(), x()], (a, p, n) => F.triplet_margin_loss(a, p, n, { margin: 3, swap: true, reduction: "none" })],
    ["gaussian_nll_loss", () => [x(), x(), torch.rand(3, 4, { dtype: torch.float64 }).add(0.2)], (a, b, v) => F.gaussian_nll_loss(a, b, v, true)],
    ["poisson_nll_loss", () => [x(), torch.rand(3, 4, { dtype: torch.float64 }).mul(5)], (a, t) => F.poisson_nll_loss(a, t, { reduction: "sum" })],
    ["pairwise_distance", () => [x(), x()], (a, b) => F.pairwise_distance(a, b, 3)],
    ["pdist", () => [x()], (a) => F.pdist(a)],
  ];
  it.each(cases)("%s", (_, inputs, fn) => {
    torch.manual_seed(21);
    expect(gradcheck(fn, inputs())).toBe(true);
  });
});

describe("loss modules", () => {
  const make: Record<string, () => nn.Module> = {
    MarginRankingLoss: () => new nn.MarginRankingLoss(), HingeEmbeddingLoss: () => new nn.HingeEmbeddingLoss(), SoftMarginLoss: () => new nn.SoftMarginLoss(),
    MultiLabelSoftMarginLoss: () => new nn.MultiLabelSoftMarginLoss(), MultiMarginLoss: () => new nn.MultiMarginLoss(), MultiLabelMarginLoss: () => new nn.MultiLabelMarginLoss(),
    TripletMarginLoss: () => new nn.TripletMarginLoss(), GaussianNLLLoss: () => new nn.GaussianNLLLoss(), PoissonNLLLoss: () => new nn.PoissonNLLLoss(),
    PairwiseDistance: () => new nn.PairwiseDistance(),
  };
  it.each(Object.entries(fx.reprs))("%s prints as PyTorch: %s", (key, repr) => expect(String(make[key]())).toBe(repr));

  it("modules compute their functional forms, including the legacy size_average / reduce pair", () => {
    const a = torch.randn(3, 4, { dtype: torch.float64 });
    const b = torch.randn(3, 4, { dtype: torch.float64 });
    const c = torch.randn(3, 4, { dtype: torch.float64 });
    const pm = torch.tensor([1, -1, 1], { dtype: torch.float64 });
    expectClose(new nn.MarginRankingLoss(0.1, null, null, "sum")(a.select(1, 0), b.select(1, 0), pm) as Tensor, F.margin_ranking_loss(a.select(1, 0), b.select(1, 0), pm, { margin: 0.1, reduction: "sum" }), tol);
    expectClose(new nn.TripletMarginLoss({ margin: 0.5, p: 1 })(a, b, c) as Tensor, F.triplet_margin_loss(a, b, c, 0.5, 1), tol);
    expectClose(new nn.SoftMarginLoss(false)(a, b.sign()) as Tensor, F.soft_margin_loss(a, b.sign(), { reduction: "sum" }), tol);
    expectClose(new nn.PoissonNLLLoss(true, false, null, 1e-8, false)(a, c.abs()) as Tensor, F.poisson_nll_loss(a, c.abs(), { reduction: "none" }), tol);
    expectClose(new nn.GaussianNLLLoss({ full: true })(a, b, c.abs()) as Tensor, F.gaussian_nll_loss(a, b, c.abs(), true), tol);
    expectClose(new nn.PairwiseDistance(1, 0, true)(a, b) as Tensor, a.sub(b).abs().sum(1, true), tol);
    expect(Object.keys(new nn.MultiLabelSoftMarginLoss(torch.ones(4)).state_dict())).toEqual(["weight"]);
  });

  it("bad input raises PyTorch's errors", () => {
    expect(() => F.multi_margin_loss(torch.zeros(2, 3), torch.tensor([0, 3], { dtype: torch.long }))).toThrow(/target out of range/);
    expect(() => F.multi_margin_loss(torch.zeros(2, 3), torch.tensor([0, 1], { dtype: torch.long }), 3)).toThrow(/only p == 1 and p == 2 supported/);
    expect(() => F.gaussian_nll_loss(torch.zeros(2, 3), torch.zeros(2, 3), torch.tensor([[1, -1, 1], [1, 1, 1]]))).toThrow(/var has negative entry/);
    expect(() => F.gaussian_nll_loss(torch.zeros(2, 3), torch.zeros(2, 3), torch.ones(3, 2))).toThrow(/var is of incorrect size/);
    expect(() => F.pdist(torch.zeros(2, 3, 4))).toThrow(/pdist only supports 2D tensors, got: 3D/);
    expect(() => F.soft_margin_loss(torch.zeros(2), torch.zeros(2), { reduction: "avg" } as never)).toThrow(/avg is not a valid value for reduction/);
    expect(() => F.triplet_margin_loss(torch.zeros(2, 3), torch.zeros(3), torch.zeros(2, 3))).toThrow(/All inputs should have same dimension but got 2D, 1D and 2D inputs\./);
  });
});

describe("the size_average / reduce deprecation warning", () => {
  it("is torch 1.13's UserWarning naming the replacing reduction, once per message, and none without the pair", () => {
    forgetShownWarnings();
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const x = torch.rand(3), y = torch.rand(3);
      F.mse_loss(x, y, { size_average: false });
      F.l1_loss(x, y, { size_average: false }); // the same message: not again
      new nn.MSELoss({ reduce: false });
      F.mse_loss(x, y, { reduction: "sum" });
      new nn.L1Loss();
      expect(warn.mock.calls.map((c) => String(c[0]))).toEqual([
        "UserWarning: size_average and reduce args will be deprecated, please use reduction='sum' instead.",
        "UserWarning: size_average and reduce args will be deprecated, please use reduction='none' instead.",
      ]);
    } finally {
      warn.mockRestore();
    }
  });
});
