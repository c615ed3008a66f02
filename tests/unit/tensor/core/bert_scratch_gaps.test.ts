/**
 * Gaps the bert_scratch probe (tests/unit/tensor/tutorials/bert_scratch.test.ts) found, each checked against torch 1.13
 * (scripts/fixtures/bert_scratch_fixtures.py's values and errors).
 */
import { describe, expect, it } from "vitest";
import { torch } from "../../../../lib/tensor/index";

function thrown(fn: () => unknown): [string, string] | null {
  try {
    fn();
  } catch (e) {
    return [(e as Error).name, (e as Error).message]; // e.name: the engine's TypeError_ is named TypeError
  }
  return null;
}

describe("Tensor.__invert__ (Python's ~)", () => {
  it("a float tensor raises torch's TypeError before bitwise_not's kernel ('~torch.bernoulli(p)' without .bool())", () => {
    const msg = "~ (operator.invert) is only implemented on integer and Boolean-type tensors";
    expect(thrown(() => torch.bernoulli(torch.full([2, 3], 0.5)).__invert__())).toEqual(["TypeError", msg]);
    expect(thrown(() => torch.tensor([1.5], { dtype: torch.float64 }).__invert__())).toEqual(["TypeError", msg]);
  });
  it("integer and bool tensors still invert bitwise", () => {
    expect(torch.tensor([1, 2], { dtype: torch.long }).__invert__().tolist()).toEqual([-2, -3]);
    expect(torch.tensor([true, false]).__invert__().tolist()).toEqual([false, true]);
  });
  it("torch.bitwise_not of a float keeps its kernel's RuntimeError", () => {
    expect(thrown(() => torch.bitwise_not(torch.tensor([1.5])))).toEqual(["RuntimeError", `"bitwise_not_cpu" not implemented for 'Float'`]);
  });
});
