/**
 * A regression loss of a target whose dtype is not the input's, as learners write it with int64
 * labels: torch 1.13 computes mse_loss and huber_loss, then their backward raises "Found dtype Long
 * but expected Float"; l1_loss and smooth_l1_loss differentiate. Loss values, result dtypes,
 * gradients and errors for float32 / float64 inputs against six target dtypes, from
 * tests/fixtures/torch/nn/loss_target_dtype.json (scripts/fixtures/loss_target_dtype_fixtures.py).
 */
import { describe, expect, it } from "vitest";
import { F, torch, type Tensor } from "../../../../lib/tensor/index";
import { fixture } from "./helpers";

type Entry = { loss: number; loss_dtype: string; grad: number[] | null; error: string | null } | { forward_error: string };
const cases = fixture<Record<string, Entry>>("nn/loss_target_dtype.json");
const FNS: Record<string, (x: Tensor, t: Tensor) => Tensor> = {
  mse_loss: (x, t) => F.mse_loss(x, t),
  huber_loss: (x, t) => F.huber_loss(x, t),
  l1_loss: (x, t) => F.l1_loss(x, t),
  smooth_l1_loss: (x, t) => F.smooth_l1_loss(x, t),
};
const DTYPES = { float32: torch.float32, float64: torch.float64, int64: torch.int64, int32: torch.int32, uint8: torch.uint8, bool: torch.bool };

describe("regression losses against a target of another dtype", () => {
  it("the fixture has every case", () => expect(Object.keys(cases).length).toBe(48));
  for (const [name, want] of Object.entries(cases)) {
    it(name, () => {
      const [fn, xName, tName] = name.split(" ") as [string, keyof typeof DTYPES, keyof typeof DTYPES];
      const x = torch.tensor([0.5, -1.5, 2.25], { dtype: DTYPES[xName], requires_grad: true });
      const t = torch.tensor([1, 0, 1]).to(DTYPES[tName]);
      if ("forward_error" in want) {
        expect(() => FNS[fn](x, t)).toThrow(want.forward_error);
        return;
      }
      const loss = FNS[fn](x, t);
      expect(loss.item()).toBeCloseTo(want.loss, 6);
      expect(String(loss.dtype)).toBe(`torch.${want.loss_dtype}`);
      if (want.error !== null) {
        expect(loss.grad_fn!.name()).toBe(fn === "mse_loss" ? "MseLossBackward0" : "HuberLossBackward0");
        expect(() => loss.backward()).toThrow(want.error);
        expect(x.grad).toBeNull();
      } else {
        loss.backward();
        const g = x.grad!.tolist() as number[];
        want.grad!.forEach((v, i) => expect(g[i]).toBeCloseTo(v, 6));
      }
    });
  }
});
