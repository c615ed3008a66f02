/**
 * F.cross_entropy with label_smoothing and targets equal to ignore_index (padding in a sequence model): with reduction
 * "mean" torch 1.13 averages the smoothing term over the targets that are not ignored (true_mask.sum(); weighted: the
 * weights' sum), like the nll term. The engine divided it by every row, so a padded batch's loss came out too low
 * (found by the nn.Transformer reverser snippet, tutorials/lesson_snippets9.test.ts). Values and input gradients vs
 * torch 1.13 for every reduction, weighted and not, two ignore_index values (tests/fixtures/torch/ce_smoothing_ignore.json,
 * scripts/fixtures/ce_smoothing_ignore_fixtures.py), and float64 gradchecks.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { F, nn, torch, type Tensor } from "../../../../lib/tensor/index";

type T = { shape: number[]; data: number[] };
type Case = { ignore_index: number; weighted: boolean; reduction: "mean" | "sum" | "none"; eps: number; loss: T; grad: T };
const ref = JSON.parse(readFileSync(new URL("../../../fixtures/torch/ce_smoothing_ignore.json", import.meta.url), "utf8")) as {
  x: T; y: number[]; w: T; cases: Case[]; x3: T; y3: number[][]; loss3: number;
};
const L = { dtype: torch.long };
const f64 = (t: T) => torch.tensor(t.data, { dtype: torch.float64 }).reshape(t.shape);

function expectClose(got: Tensor, want: T, tol: number, label: string): void {
  expect(got.shape, label).toEqual(want.shape);
  (got.detach().reshape(-1).tolist() as number[]).forEach((v, i) => expect(Math.abs(v - want.data[i]), `${label}[${i}]: ${v} vs torch ${want.data[i]}`).toBeLessThanOrEqual(tol));
}

describe("cross_entropy: label_smoothing with ignored targets", () => {
  for (const c of ref.cases) {
    it(`ignore_index ${c.ignore_index}, ${c.weighted ? "weighted" : "unweighted"}, ${c.reduction}, label_smoothing ${c.eps}`, () => {
      const x = f64(ref.x).requires_grad_();
      const opts = { ignore_index: c.ignore_index, reduction: c.reduction, label_smoothing: c.eps, ...(c.weighted ? { weight: f64(ref.w) } : {}) };
      const loss = F.cross_entropy(x, torch.tensor(ref.y, L), opts);
      expectClose(loss, c.loss, 1e-12, "loss");
      loss.sum().backward();
      expectClose(x.grad!, c.grad, 1e-12, "grad");
      // the module form gives the same
      const m = new nn.CrossEntropyLoss(opts);
      expectClose(m(f64(ref.x), torch.tensor(ref.y, L)), c.loss, 1e-12, "module");
    });
  }

  it("a padded (N, C, L) float32 batch as a sequence model gives it", () => {
    const x3 = torch.tensor(ref.x3.data).reshape(ref.x3.shape);
    const loss = F.cross_entropy(x3, torch.tensor(ref.y3, L), { ignore_index: 0, label_smoothing: 0.1 });
    expect(Math.abs(Number(loss.item()) - ref.loss3)).toBeLessThan(1e-6);
  });

  it("gradcheck in float64 (mean, weighted and not, with ignored rows)", () => {
    const y = torch.tensor(ref.y, L);
    for (const weight of [undefined, f64(ref.w)]) {
      const x = f64(ref.x).requires_grad_();
      const ok = torch.autograd.gradcheck((t: Tensor) => F.cross_entropy(t, y, { ignore_index: 0, label_smoothing: 0.2, ...(weight ? { weight } : {}) }), [x], { eps: 1e-6, atol: 1e-7 });
      expect(ok).toBe(true);
    }
  });
});
