/**
 * Gaps the detection probe (tests/unit/tensor/tutorials/detection.test.ts) found, checked against torch 1.13's
 * behaviour (values and messages printed by torch 1.13.1 for the same calls).
 */
import { describe, expect, it } from "vitest";
import { torch } from "../../../../lib/tensor/index";
import { raised, tutorialFixture } from "../tutorials/helpers";

const ref = tutorialFixture<{ gaps: Record<string, [string, string]> }>("detection.json");

const long = { dtype: torch.long };

describe("torch.trapz / trapezoid follow aten's checks and steps", () => {
  it("a 1-D x of the wrong length: mean_average_precision's cat((tensor([1]), precisions)) without the recall's", () => {
    expect(raised(() => torch.trapz(torch.tensor([1.0, 0.5, 0.25]), torch.tensor([0.0, 0.5])))).toEqual(ref.gaps.trapz_len);
    expect(raised(() => torch.trapezoid(torch.tensor([1.0, 0.5]), torch.tensor([0.0, 0.5, 1.0])))).toEqual(ref.gaps.trapz_len);
  });
  it("bool inputs are refused with torch's messages", () => {
    expect(raised(() => torch.trapz(torch.tensor([true, false]), torch.tensor([1, 2])))).toEqual([
      "RuntimeError",
      "trapezoid: received a bool input for `x` or `y`, but bool is not supported",
    ]);
    expect(raised(() => torch.trapz(torch.tensor([true, false]), { dx: 1 }))).toEqual(["RuntimeError", "trapezoid: received a bool input for `y`, but bool is not supported"]);
  });
  it("a scalar dx is (sum(y) - (y[0] + y[-1]) * 0.5) * dx, to the bit", () => {
    torch.manual_seed(0);
    const y = torch.rand(1000);
    expect(torch.trapz(y, { dx: 0.3 }).item()).toBe(150.14244079589844); // the old mean-of-pairs sum gave 150.1424560546875
    expect(torch.trapz(torch.tensor([1, 2, 4], long)).dtype).toBe(torch.float32);
    expect(torch.trapz(torch.tensor([1, 2, 4], long)).item()).toBe(4.5);
  });
  it("an x with fewer dims than y is padded with leading 1s; the gradient flows to y", () => {
    const y = torch.tensor([[1, 2, 3], [4, 5, 6]], { requires_grad: true });
    const t = torch.trapz(y, torch.tensor([[1, 2, 4]]));
    expect(t.tolist()).toEqual([6.5, 15.5]);
    t.sum().backward();
    expect(y.grad!.tolist()).toEqual([[0.5, 1.5, 1], [0.5, 1.5, 1]]);
    expect(torch.trapz(torch.rand(2, 3), torch.tensor([[1, 2, 4]]), { dim: 0 }).tolist()).toEqual([0, 0, 0]);
  });
});

describe("permute with the wrong number of dims: torch 1.13's message names the sparse kernel, for dense tensors too", () => {
  it("cells_to_bboxes' cell_indices.permute(0, 1, 3, 2, 4) on a 4-d tensor", () => {
    expect(raised(() => torch.arange(3).repeat(2, 3, 1).permute(0, 2, 1, 3))).toEqual(ref.gaps.permute_dims);
    expect(raised(() => torch.permute(torch.rand(2, 3), [0, 1, 2]))).toEqual([
      "RuntimeError",
      "permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = 2 is not equal to len(dims) = 3",
    ]);
  });
});
