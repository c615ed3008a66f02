/**
 * Gaps found by the self-supervised learning probe (tutorials/self_supervised.test.ts), checked against torch 1.13's
 * values and messages (the "gaps" section of tests/fixtures/torch/tutorials/self_supervised.json, written by
 * scripts/fixtures/self_supervised_fixtures.py).
 */
import { describe, expect, it } from "vitest";
import { copy, nn, optim, torch, type Tensor } from "../../../../lib/tensor/index";
import { raised, tutorialFixture } from "../tutorials/helpers";

type Errs = Record<string, [string, string]>;
const fixture = tutorialFixture<{ gaps: { int_norms: Errs; leaf_inplace: Errs }; dino: { deepcopy_err: [string, string] } }>("self_supervised.json");
const gaps = fixture.gaps;
const F = nn.functional;

describe("norms of an integer tensor are refused in torch 1.13's words", () => {
  // BYOL's loss_fn on integer tensors: F.normalize is Tensor.norm, which says "norm(): ..."; linalg's norms name themselves
  const xi = torch.arange(6).view(2, 3);
  const mi = torch.tensor([[2, 1], [1, 2]], { dtype: torch.int64 });
  const cases: Record<string, () => Tensor | Tensor[] | unknown> = {
    "Tensor.norm": () => xi.norm(),
    "torch.norm dim": () => torch.norm(xi, { p: 2, dim: 1 }),
    "Tensor.norm fro": () => xi.norm("fro"),
    "normalize int32": () => F.normalize(xi.to(torch.int32), { dim: 0 }),
    "normalize bool": () => F.normalize(xi.bool(), { dim: 0 }),
    "normalize uint8": () => F.normalize(xi.to(torch.uint8), { dim: 1 }),
    "linalg.vector_norm": () => torch.linalg.vector_norm(xi),
    "linalg.norm": () => torch.linalg.norm(xi),
    "linalg.matrix_norm": () => torch.linalg.matrix_norm(mi),
    "linalg.matrix_norm nuc": () => torch.linalg.matrix_norm(mi, "nuc"),
    "linalg.norm fro": () => torch.linalg.norm(mi, "fro"),
    "torch.norm nuc": () => torch.norm(mi, "nuc"),
    "linalg.inv": () => torch.linalg.inv(mi),
    "linalg.det": () => torch.linalg.det(mi),
    "linalg.svd": () => torch.linalg.svd(mi),
    "linalg.qr": () => torch.linalg.qr(mi),
    "linalg.cholesky": () => torch.linalg.cholesky(mi),
    "linalg.slogdet": () => torch.linalg.slogdet(mi),
    "linalg.matrix_exp": () => torch.linalg.matrix_exp(mi),
    "linalg.solve": () => torch.linalg.solve(mi, mi),
    "torch.dist": () => torch.dist(xi, xi),
  };
  it.each(Object.keys(cases))("%s", (name) => {
    expect(raised(cases[name])).toEqual(gaps.int_norms[name]);
  });
  it("float inputs are unchanged", () => {
    expect(F.normalize(torch.tensor([[3.0, 4.0]]), { dim: 1 }).tolist()).toEqual([[0.6000000238418579, 0.800000011920929]]);
    expect(torch.linalg.matrix_norm(torch.tensor([[3.0, 0.0], [0.0, 4.0]])).item()).toBe(5);
  });
});

describe("in-place ops on a leaf that requires grad, or on a view of one, are refused in torch 1.13's words", () => {
  // Barlow Twins' torch.diagonal(c).add_(-1) with c a Parameter: torch's text names no op (the engine added "(add_)")
  const w = new nn.Parameter(torch.randn(3, 3));
  const cases: Record<string, () => unknown> = {
    "diagonal add_": () => torch.diagonal(w).add_(-1),
    "row mul_": () => w.index(0).mul_(2),
    "view zero_": () => w.view(-1).zero_(),
    "T add_": () => w.T.add_(1),
    "diagonal fill_": () => w.diagonal().fill_(0),
    "row copy_": () => w.index(0).copy_(torch.ones(3)),
    "unsqueeze relu_": () => w.unsqueeze(0).relu_(),
    "row pow_": () => w.index(0).pow_(2),
    "setitem number": () => w.index_put_([0], 1.0),
    "setitem slice": () => w.index_put_([":", "0::2"], torch.ones(3, 2)),
    "leaf add_": () => w.add_(1),
    "leaf clamp_": () => w.clamp_(0, 1),
    "leaf uniform_": () => w.uniform_(),
    "leaf normal_": () => w.normal_(),
  };
  it.each(Object.keys(cases))("%s", (name) => {
    expect(raised(cases[name])).toEqual(gaps.leaf_inplace[name]);
  });
  it("under no_grad the same writes go through", () => {
    const p = new nn.Parameter(torch.zeros(2, 2));
    torch.no_grad(() => torch.diagonal(p).add_(-1));
    expect(p.tolist()).toEqual([[-1, 0], [0, -1]]);
  });
});

describe("copy.deepcopy of a module holding a tensor that is no graph leaf is refused, as torch 1.13's", () => {
  // DINO's teacher = copy.deepcopy(student): weight_norm's computed `weight` attribute (torch 1.13 refuses even before
  // a forward, since weight_norm computes it at registration)
  it("a weight-normed Linear, fresh and after a forward, and a module holding it", () => {
    const wn = nn.utils.weight_norm(new nn.Linear(4, 5, { bias: false }));
    expect(raised(() => copy.deepcopy(wn))).toEqual(fixture.dino.deepcopy_err);
    wn(torch.randn(2, 4));
    expect(raised(() => copy.deepcopy(wn))).toEqual(fixture.dino.deepcopy_err);
    expect(raised(() => copy.deepcopy(new nn.Sequential(new nn.Linear(3, 4), wn)))).toEqual(fixture.dino.deepcopy_err);
  });
  it("modules without one still copy; the engine's own copies (AveragedModel) still carry weight_norm", () => {
    const m = new nn.Sequential(new nn.Linear(3, 4), new nn.BatchNorm1d(4));
    const c = copy.deepcopy(m);
    expect(c).not.toBe(m);
    expect(Object.keys(c.state_dict())).toEqual(Object.keys(m.state_dict()));
    const wn = nn.utils.weight_norm(new nn.Linear(4, 5, { bias: false }));
    const avg = new optim.swa_utils.AveragedModel(wn);
    const x = torch.randn(2, 4);
    expect((avg(x) as Tensor).sub(wn(x) as Tensor).abs().max().item()).toBeLessThan(1e-6);
  });
});
