/**
 * Gaps found by the CS224N probe (tests/unit/tensor/tutorials/cs224n.test.ts), each against torch 1.13's values and
 * messages in the fixture's "gaps" section (scripts/fixtures/cs224n_fixtures.py -> tests/fixtures/torch/tutorials/cs224n.json).
 */
import { describe, expect, it, vi } from "vitest";
import { torch } from "../../../../lib/tensor/index";
import { expectT, thrown, tutorialFixture } from "../tutorials/helpers";

const g = tutorialFixture<Record<string, any>>("cs224n.json").gaps; // eslint-disable-line @typescript-eslint/no-explicit-any
const long = { dtype: torch.int64 };

describe("masked_fill with a mask that is neither bool nor uint8 (torch 1.13 reads each element's low byte)", () => {
  const z = torch.zeros(2, 4);
  it("int64 / int32 masks of 0 and 1 fill as bool ones; 256 counts as 0, 257 as 1; a float64 input too", () => {
    expectT(z.masked_fill(torch.tensor([1, 0, 0, 1], long), 5), g.mf_int64, 0);
    expectT(z.masked_fill(torch.tensor([256, 1, 0, 257], long), 5), g.mf_int64_256, 0);
    expectT(z.clone().masked_fill_(torch.tensor([[1, 0, 1, 0], [0, 0, 0, 1]], { dtype: torch.int32 }), -1), g.mf_int32_inplace, 0);
    expectT(torch.zeros(3, { dtype: torch.float64 }).masked_fill(torch.tensor([1, 0, 1], long), 7), g.mf_float64_self, 0);
    expectT(z.masked_fill(torch.tensor([0, 1, 1, 0], long), torch.tensor(2.5)), g.mf_tensor_value, 0);
  });
  it("a float mask of ones masks nothing (its low byte is 0); the smallest denormal, bits 0x00000001, masks", () => {
    expectT(z.masked_fill(torch.ones(4), 5), g.mf_float_ones, 0);
    expectT(z.masked_fill(torch.tensor([1.4e-45, 1.0, 0.0, 0.0]), 5), g.mf_float_denormal, 0);
  });
  it("a low byte other than 0 or 1 raises torch's RuntimeError (int64 2, int8 -1, a float whose low byte is 2, uint8 2)", () => {
    expect(thrown(() => z.masked_fill(torch.tensor([0, 2, 0, 1], long), 5))).toEqual(g.mf_int64_two);
    expect(thrown(() => z.masked_fill(torch.tensor([-1, 0, 0, 1], { dtype: torch.int8 }), 5))).toEqual(g.mf_int8_neg);
    expect(thrown(() => z.masked_fill(torch.tensor([3.0e-45, 0, 0, 0]), 5))).toEqual(g.mf_float_half);
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      expect(thrown(() => z.masked_fill(torch.tensor([0, 2, 0, 1], { dtype: torch.uint8 }), 5))).toEqual(g.mf_int64_two);
    } finally {
      warn.mockRestore();
    }
  });
  it("the gradient flows to the unmasked positions only", () => {
    const w0 = torch.ones([2, 4], { requires_grad: true });
    w0.masked_fill(torch.tensor([0, 1, 1, 0], long), 0).mul(torch.arange(8.0).view(2, 4)).sum().backward();
    expectT(w0.grad!, g.mf_int64_grad, 0);
  });
});
