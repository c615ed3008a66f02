/**
 * Tensors became iterable (Tensor[Symbol.iterator], PyTorch's __iter__: lib/tensor/tensor_iteration.ts). What the
 * grader must still do: see a learner's tensor as a tensor (not as its rows), refuse a tensor whose own
 * [Symbol.iterator] hides the engine's (a check that iterates it would read the learner's rows), compare tensors
 * as tensors in expect.equal, and let a check iterate a genuine learner tensor.
 */
import { describe, expect, it } from "vitest";
import { expect as assertions } from "@/lib/grading/assertions";
import { learnerValue } from "@/lib/grading/membrane";
import { torch } from "@/lib/tensor";

describe("the grader and iterable tensors", () => {
  it("a learner's tensor passes the membrane as itself, and a check may iterate it", () => {
    const t = torch.tensor([[1, 2], [3, 4]]);
    const seen = learnerValue(t);
    expect(seen).toBe(t);
    expect([...(seen as typeof t)].map((r) => r.tolist())).toEqual([[1, 2], [3, 4]]);
    // inside an array, the tensor stays a tensor (not a list of rows)
    const inArray = learnerValue([t]) as unknown[];
    expect(inArray[0]).toBe(t);
  });

  it("refuses a tensor with its own [Symbol.iterator] (it would hide the engine's rows from a check)", () => {
    const patched = torch.tensor([[1, 2], [3, 4]]);
    Object.defineProperty(patched, Symbol.iterator, { value: function* () { yield torch.tensor([9, 9]); } });
    expect(() => learnerValue(patched)).toThrow(/its own "\[Symbol.iterator\]" property/);
  });

  it("expect.equal compares tensors as tensors, also a 0-d one (whose iteration raises)", () => {
    expect(() => assertions.equal(torch.tensor([[1, 2], [3, 4]]), torch.tensor([[1, 2], [3, 4]]))).not.toThrow();
    expect(() => assertions.equal(torch.tensor(2), torch.tensor(2))).not.toThrow();
    expect(() => assertions.equal(torch.tensor([[1, 2], [3, 4]]), torch.tensor([[1, 2], [3, 5]]))).toThrow(/expected 4 but got 5|differ/);
  });
});
