/**
 * Gaps found by the tricks_fewshot_sciml probe (tests/unit/tensor/tutorials/tricks_fewshot_sciml.test.ts), values from
 * torch 1.13 (scripts/fixtures/tricks_fewshot_sciml_fixtures.py -> tricks_fewshot_sciml.json).
 */
import { describe, expect, expectTypeOf, it } from "vitest";
import { F, torch, type Tensor } from "../../../../lib/tensor/index";
import { raised, tutorialFixture } from "../tutorials/helpers";

const ref = tutorialFixture<Record<string, any>>("tricks_fewshot_sciml.json"); // eslint-disable-line @typescript-eslint/no-explicit-any

describe("torch.unique / Tensor.unique are typed by their flags", () => {
  it("one Tensor without return_inverse / return_counts (prototypical_loss: torch.unique(target).size(0), classes[0].item())", () => {
    const labels = torch.tensor([7, 4, 9, 4, 7, 9, 9, 4, 7, 4, 9, 7], { dtype: torch.long });
    const classes = torch.unique(labels);
    expectTypeOf(classes).toEqualTypeOf<Tensor>();
    expectTypeOf(labels.unique()).toEqualTypeOf<Tensor>();
    expectTypeOf(torch.unique(labels, { sorted: true })).toEqualTypeOf<Tensor>();
    expectTypeOf(torch.unique(labels, true, false, false, 0)).toEqualTypeOf<Tensor>();
    expect(classes.size(0)).toBe(3);
    expect(classes.tolist()).toEqual(ref.protonet.unique);
    expect(classes.index(0).item()).toBe(4);
  });
  it("a Tensor[] with either flag, in torch's order", () => {
    const labels = torch.tensor([7, 4, 9, 4, 7, 9, 9, 4, 7, 4, 9, 7], { dtype: torch.long });
    const all = torch.unique(labels, { sorted: true, return_inverse: true, return_counts: true });
    expectTypeOf(all).toEqualTypeOf<Tensor[]>();
    expect(all.map((t) => t.tolist())).toEqual(ref.protonet.unique_inv);
    const [u, counts] = labels.unique({ return_counts: true });
    expect([u.tolist(), counts.tolist()]).toEqual([ref.protonet.unique_inv[0], ref.protonet.unique_inv[2]]);
  });
});

describe("cross_entropy with class probabilities promotes the loss to the target's dtype", () => {
  const g = ref.gaps;
  const close = (t: Tensor, [dtype, values]: [string, number[]], tol: number) => {
    expect(String(t.dtype)).toBe(dtype);
    (t.reshape(-1).tolist() as number[]).forEach((v, i) => expect(Math.abs(v - values[i])).toBeLessThanOrEqual(tol));
  };
  it("a float64 soft target (a one-hot mix made in float64) on float32 logits gives a float64 loss, as torch's", () => {
    torch.manual_seed(0);
    const x = torch.randn(2, 3);
    const t = torch.tensor([[0.5, 0.5, 0], [0, 0, 1]], { dtype: torch.float64 });
    close(F.cross_entropy(x, t), g.ce_soft64.mean, 1e-6);
    close(F.cross_entropy(x, t, { reduction: "none" }), g.ce_soft64.none, 1e-6);
    close(F.cross_entropy(x, t, { label_smoothing: 0.1 }), g.ce_soft64.smooth, 1e-6);
    close(F.cross_entropy(x, t, { reduction: "sum" }), g.ce_soft64.sum, 1e-6);
    close(F.cross_entropy(x.double(), t.float()), g.ce_soft64.x64_t32, 1e-6);
  });
  it("a float64 class weight (from a numpy array) makes a float64 loss with soft targets; with class indices torch refuses it", () => {
    torch.manual_seed(0);
    const x = torch.randn(2, 3);
    const t = torch.tensor([[0.5, 0.5, 0], [0, 0, 1]]);
    const w64 = torch.tensor([1, 2, 3], { dtype: torch.float64 });
    close(F.cross_entropy(x, t, { weight: w64 }), [g.ce_soft_w64[0], [g.ce_soft_w64[1]]], 1e-6);
    expect(raised(() => F.cross_entropy(x, torch.tensor([0, 2], { dtype: torch.long }), { weight: w64 }))).toEqual(g.err_ce_index_w64);
  });
  it("each gradient keeps its own input's dtype", () => {
    torch.manual_seed(0);
    const xr = torch.randn(2, 3).requires_grad_();
    const tr = torch.tensor([[0.5, 0.5, 0], [0, 0, 1]], { dtype: torch.float64 }).requires_grad_();
    F.cross_entropy(xr, tr).backward();
    close(xr.grad!, g.ce_soft64_grads[0], 1e-6);
    close(tr.grad!, g.ce_soft64_grads[1], 1e-6);
  });
});
