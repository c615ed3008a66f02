/**
 * Gaps the bert_scratch probe (tests/unit/tensor/tutorials/bert_scratch.test.ts) found, each checked against torch 1.13
 * (scripts/fixtures/bert_scratch_fixtures.py's values and errors).
 */
import { describe, expect, it } from "vitest";
import { raised } from "../tutorials/helpers";
import { torch } from "../../../../lib/tensor/index";

describe("Tensor.__invert__ (Python's ~)", () => {
  it("a float tensor raises torch's TypeError before bitwise_not's kernel ('~torch.bernoulli(p)' without .bool())", () => {
    const msg = "~ (operator.invert) is only implemented on integer and Boolean-type tensors";
    expect(raised(() => torch.bernoulli(torch.full([2, 3], 0.5)).__invert__())).toEqual(["TypeError", msg]);
    expect(raised(() => torch.tensor([1.5], { dtype: torch.float64 }).__invert__())).toEqual(["TypeError", msg]);
  });
  it("integer and bool tensors still invert bitwise", () => {
    expect(torch.tensor([1, 2], { dtype: torch.long }).__invert__().tolist()).toEqual([-2, -3]);
    expect(torch.tensor([true, false]).__invert__().tolist()).toEqual([false, true]);
  });
  it("torch.bitwise_not of a float keeps its kernel's RuntimeError", () => {
    expect(raised(() => torch.bitwise_not(torch.tensor([1.5])))).toEqual(["RuntimeError", `"bitwise_not_cpu" not implemented for 'Float'`]);
  });
});

describe("index_put_ with a float index tensor and a source of another dtype", () => {
  it("raises torch's IndexError for the index before the source-dtype RuntimeError (labels[torch.bernoulli(p)] = -100.)", () => {
    const ids = torch.arange(6).reshape(2, 3);
    const f = torch.ones(2, 3);
    const msg = "tensors used as indices must be long, byte or bool tensors";
    expect(raised(() => ids.index_put_([f], torch.tensor(-100)))).toEqual(["IndexError", msg]);
    expect(raised(() => ids.index_put_([f], torch.tensor(-100), { accumulate: true }))).toEqual(["IndexError", msg]);
    expect(raised(() => ids.index_put_([torch.tensor([0, 1], { dtype: torch.long }), f.index(0, ":2")], torch.tensor([1, 2])))).toEqual(["IndexError", msg]);
  });
  it("a long index with a float source keeps torch's dtype RuntimeError; a bool mask with a one-element source casts", () => {
    const ids = torch.arange(6).reshape(2, 3);
    expect(raised(() => ids.clone().index_put_([torch.tensor([0, 1], { dtype: torch.long })], torch.tensor(-100)))).toEqual([
      "RuntimeError",
      "Index put requires the source and destination dtypes match, got Long for the destination and Float for the source.",
    ]);
    expect(ids.clone().index_put_([torch.ones(2, 3).bool()], torch.tensor(-100)).tolist()).toEqual([[-100, -100, -100], [-100, -100, -100]]);
  });
});

describe("torch.bernoulli(p) with a probability outside [0, 1]", () => {
  it("raises torch 1.13's TORCH_CHECK text, for p > 1, p < 0 and nan, in float32 and float64", () => {
    const msg = "Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error message be improved?  If so, please report an enhancement request to PyTorch.)";
    expect(raised(() => torch.bernoulli(torch.full([2], 1.5)))).toEqual(["RuntimeError", msg]);
    expect(raised(() => torch.bernoulli(torch.tensor([-0.1], { dtype: torch.float64 })))).toEqual(["RuntimeError", msg]);
    expect(raised(() => torch.bernoulli(torch.tensor([NaN])))).toEqual(["RuntimeError", msg]);
  });
});
