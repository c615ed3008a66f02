/**
 * F.binary_cross_entropy and F.binary_cross_entropy_with_logits give a target that requires grad
 * its gradient, as torch 1.13 does (binary_cross_entropy_target_backward: -w logit(p);
 * ..._with_logits_target_backward: -w x, or w (log_sigmoid(-x) - pos_weight log_sigmoid(x))): the
 * target got none before (found checking the autograd tutorial's BCE graph, tutorials/*5). Values from
 * torch 1.13 (tests/fixtures/torch/tutorials/gaps5.json, scripts/fixtures/tutorial5_fixtures.py). And
 * soft_margin_loss, which torch does not differentiate in the target, refuses one that requires grad.
 */
import { describe, expect, it } from "vitest";
import { gradcheck } from "../../../../lib/grading/gradcheck";
import { nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectClose } from "../core/fixtures";
import { tutorialFixture } from "../tutorials/helpers";

const F = nn.functional;
type FT = { shape: number[]; data: number[] };
const ref = tutorialFixture<{
  bce_target: Record<string, { loss: FT; x_grad: FT; t_grad: FT }>; second_order_logits: FT; second_order_bce: FT;
  soft_margin_target_error: [string, string]; soft_margin_no_grad: number;
}>("gaps5.json");

describe("BCE losses: the target's gradient", () => {
  it("equals torch's for every reduction, with and without weight and pos_weight", () => {
    torch.manual_seed(7);
    const x = torch.randn(3, 4);
    const t = torch.rand(3, 4);
    const w = torch.rand(3, 4).add(0.5);
    const pw = torch.rand(4).add(0.5);
    const gw = torch.rand(3, 4);
    let checked = 0;
    for (const name of ["bce", "bce_logits"] as const) {
      for (const reduction of ["none", "mean", "sum"] as const) {
        for (const weighted of [false, true]) {
          for (const pos of name === "bce_logits" ? [false, true] : [false]) {
            const xi = x.clone().requires_grad_();
            const ti = t.clone().requires_grad_();
            const weight = weighted ? w : null;
            const loss = name === "bce"
              ? F.binary_cross_entropy(xi.sigmoid(), ti, weight, { reduction })
              : F.binary_cross_entropy_with_logits(xi, ti, weight, { reduction, pos_weight: pos ? pw : null });
            (reduction === "none" ? loss.mul(gw).sum() : loss).backward();
            const key = `${name}_${reduction}_${weighted ? "True" : "False"}_${pos ? "True" : "False"}`;
            const r = ref.bce_target[key];
            expectClose(loss, r.loss.data, 1e-5, 1e-6, `${key}: loss`);
            expectClose(xi.grad!, r.x_grad.data, 1e-5, 1e-6, `${key}: input.grad`);
            expect(ti.grad, `${key}: target.grad`).not.toBeNull();
            expectClose(ti.grad!, r.t_grad.data, 1e-5, 1e-6, `${key}: target.grad`);
            checked++;
          }
        }
      }
    }
    expect(checked).toBe(Object.keys(ref.bce_target).length);
  });

  it("second order through the target's gradient (create_graph) equals torch's", () => {
    torch.manual_seed(7);
    const x = torch.randn(3, 4);
    const t = torch.rand(3, 4);
    const w = torch.rand(3, 4).add(0.5);
    const pw = torch.rand(4).add(0.5);
    const secondOrder = (loss: (xi: Tensor, ti: Tensor) => Tensor): Tensor => {
      const xi = x.clone().requires_grad_();
      const ti = t.clone().requires_grad_();
      const [gt] = torch.autograd.grad(loss(xi, ti), ti, { create_graph: true }) as Tensor[];
      return (torch.autograd.grad(gt.pow(2).sum(), xi) as Tensor[])[0];
    };
    expectClose(secondOrder((xi, ti) => F.binary_cross_entropy_with_logits(xi, ti, { pos_weight: pw })), ref.second_order_logits.data, 1e-5, 1e-6, "with logits, pos_weight");
    expectClose(secondOrder((xi, ti) => F.binary_cross_entropy(xi.sigmoid(), ti, w)), ref.second_order_bce.data, 1e-5, 1e-6, "bce, weight");
  });

  it("passes float64 gradchecks in the target (and the input)", () => {
    torch.manual_seed(8);
    const x = torch.randn(2, 3, { dtype: torch.float64 });
    const t = torch.rand(2, 3, { dtype: torch.float64 }).mul(0.8).add(0.1);
    const w = torch.rand(2, 3, { dtype: torch.float64 }).add(0.5);
    const pw = torch.rand(3, { dtype: torch.float64 }).add(0.5);
    expect(gradcheck((xi, ti) => F.binary_cross_entropy_with_logits(xi, ti, w, { pos_weight: pw }), [x, t])).toBe(true);
    expect(gradcheck((xi, ti) => F.binary_cross_entropy_with_logits(xi, ti, { reduction: "none" }), [x, t])).toBe(true);
    expect(gradcheck((pi, ti) => F.binary_cross_entropy(pi, ti, w, { reduction: "sum" }), [x.sigmoid(), t])).toBe(true);
  });
});

describe("soft_margin_loss: no derivative in the target", () => {
  it("refuses a target that requires grad as torch 1.13 does, and computes it under no_grad", () => {
    torch.manual_seed(7);
    const x = torch.randn(3, 4);
    const t = torch.rand(3, 4);
    expect(() => F.soft_margin_loss(x.clone().requires_grad_(), t.clone().requires_grad_())).toThrow(ref.soft_margin_target_error[1]);
    const value = torch.no_grad(() => F.soft_margin_loss(x, t.clone().requires_grad_()).item() as number);
    expect(value).toBeCloseTo(ref.soft_margin_no_grad, 6);
    expect(F.soft_margin_loss(x.clone().requires_grad_(), t).requires_grad).toBe(true);
  });
});
