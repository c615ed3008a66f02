/**
 * Tensors became numbers where JS wants one (Tensor[Symbol.toPrimitive], lib/tensor/tensor_primitive.ts). What the
 * grader must still do: refuse a learner's tensor whose own [Symbol.toPrimitive] hides the engine's (a check doing
 * Number(t) or t > 0.5 would read the learner's number), and let a check coerce a genuine learner tensor.
 */
import { describe, expect, it } from "vitest";
import { learnerValue } from "@/lib/grading/membrane";
import { torch } from "@/lib/tensor";

describe("the grader and tensors as numbers", () => {
  it("a genuine one-element tensor passes the membrane and a check may read it as a number", () => {
    const loss = torch.tensor(0.75);
    const seen = learnerValue(loss);
    expect(seen).toBe(loss);
    expect(Number(seen)).toBe(0.75);
  });

  it("refuses a tensor with its own [Symbol.toPrimitive] (it would answer a check's Number(t) for the learner)", () => {
    const patched = torch.tensor([1, 2, 3]);
    Object.defineProperty(patched, Symbol.toPrimitive, { value: () => 42 });
    expect(() => learnerValue(patched)).toThrow(/its own "\[Symbol.toPrimitive\]" property/);
  });
});
