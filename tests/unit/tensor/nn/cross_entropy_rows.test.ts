/**
 * cross_entropy over many float32 rows (the exps of all rows in one call of the exp kernel, SIMD
 * on the wasm backend; this file also runs on the TS backend) against float64: loss and logit
 * gradient, with class weights, label smoothing, ignore_index and every reduction.
 */
import { describe, expect, it } from "vitest";
import { F, torch } from "../../../../lib/tensor/index";

describe("cross_entropy over many float32 rows", () => {
  const options = [
    {},
    { reduction: "sum" as const },
    { reduction: "none" as const, ignore_index: 3 },
    { label_smoothing: 0.1, weight: torch.linspace(0.5, 2, 65) },
  ];
  for (const opts of options) {
    it(`matches float64 (${JSON.stringify(Object.keys(opts))})`, () => {
      torch.manual_seed(4);
      const logits = torch.randn(257, 65).mul(4);
      const target = torch.randint(0, 65, [257]);
      const run = (dtype: typeof torch.float32) => {
        const x = logits.to(dtype).requires_grad_(true);
        const o = "weight" in opts && opts.weight ? { ...opts, weight: opts.weight.to(dtype) } : opts;
        const loss = F.cross_entropy(x, target, o);
        const [g] = torch.autograd.grad([loss], [x], [torch.ones(loss.shape.slice(), { dtype })]);
        if (!g) throw new Error("no gradient");
        return [loss, g];
      };
      const [l32, g32] = run(torch.float32);
      const [l64, g64] = run(torch.float64);
      expect(l32.to(torch.float64).sub(l64).abs().div(l64.abs().add(1)).max().item()).toBeLessThan(2e-6);
      expect(g32.to(torch.float64).sub(g64).abs().max().item()).toBeLessThan(1e-6);
    });
  }
});
