/**
 * Gaps the detection probe (tests/unit/tensor/tutorials/detection.test.ts) found, checked against torch 1.13's
 * behaviour (values and messages printed by torch 1.13.1 for the same calls).
 */
import { describe, expect, it, vi } from "vitest";
import { torch } from "../../../../lib/tensor/index";
import { forgetShownWarnings } from "../../../../lib/tensor/warnings";
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

describe("clamp's number bounds promote an integer or bool tensor as torch 1.13's clamp meta function", () => {
  const L = () => torch.tensor([1, 5, -2], long);
  it("a fractional bound gives the default float dtype (the engine kept int64 and stored 0.5 in it)", () => {
    for (const t of [L().clamp(0.5), L().clamp_min(0.5), torch.clip(L(), 0.5)]) {
      expect(t.dtype).toBe(torch.float32);
      expect(t.tolist()).toEqual([1, 5, 0.5]);
    }
    expect(L().clamp({ max: 2.5 }).tolist()).toEqual([1, 2.5, -2]);
    expect(L().clamp_max(2.5).dtype).toBe(torch.float32);
    expect(L().clamp({ min: 0.5, max: 3 }).tolist()).toEqual([1, 3, 0.5]);
    expect(torch.tensor([1, 2], { dtype: torch.int32 }).clamp(0.5).dtype).toBe(torch.float32);
    expect(L().clamp(0, 3).dtype).toBe(torch.int64);
    expect(L().clamp(0, 3).tolist()).toEqual([1, 3, 0]);
  });
  it("a bool tensor gives int64 for integer bounds and float for fractional ones", () => {
    const B = () => torch.tensor([true, false]);
    expect(B().clamp(0).dtype).toBe(torch.int64);
    expect(B().clamp({ max: 0 }).tolist()).toEqual([0, 0]);
    expect(B().clamp(0.5).dtype).toBe(torch.float32);
    expect(B().clamp(0.5).tolist()).toEqual([1, 0.5]);
  });
  it("in place, the promotion is refused with the message naming the output's C++ element type", () => {
    const msg = (t: string) => ["RuntimeError", `result type Float can't be cast to the desired output type ${t}`];
    expect(raised(() => L().clamp_(0.5))).toEqual(msg("long int"));
    expect(raised(() => L().clamp_min_(0.5))).toEqual(msg("long int"));
    expect(raised(() => L().clamp_max_(2.5))).toEqual(msg("long int"));
    expect(raised(() => L().clip_(0.5))).toEqual(msg("long int"));
    expect(raised(() => torch.tensor([1, 2], { dtype: torch.int32 }).clamp_(0.5))).toEqual(msg("int"));
    expect(raised(() => torch.tensor([1, 2], { dtype: torch.uint8 }).clamp_(0.5))).toEqual(msg("unsigned char"));
    expect(raised(() => torch.tensor([true, false]).clamp_(0))).toEqual(["RuntimeError", "result type Long can't be cast to the desired output type bool"]);
    const ok = L().clamp_(0, 3);
    expect([ok.dtype, ok.tolist()]).toEqual([torch.int64, [1, 3, 0]]);
  });
});

describe("torch.meshgrid without indexing warns once, as torch 1.13's TORCH_WARN_ONCE", () => {
  it("an anchor grid built with torch.meshgrid(ys, xs); indexing given, or cartesian_prod, do not warn", () => {
    forgetShownWarnings();
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const [gy, gx] = torch.meshgrid(torch.arange(2), torch.arange(3));
      expect([gy.shape, gx.shape]).toEqual([[2, 3], [2, 3]]);
      torch.meshgrid([torch.arange(2), torch.arange(2)]);
      torch.meshgrid(torch.arange(2), torch.arange(3), { indexing: "xy" });
      torch.cartesian_prod(torch.arange(2), torch.arange(2));
      expect(warn.mock.calls.map((c) => String(c[0]))).toEqual(["UserWarning: torch.meshgrid: in an upcoming release, it will be required to pass the indexing argument."]);
      forgetShownWarnings();
      warn.mockClear();
      torch.meshgrid(torch.arange(2), { indexing: "ij" });
      torch.cartesian_prod(torch.arange(2), torch.arange(3));
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });
});
