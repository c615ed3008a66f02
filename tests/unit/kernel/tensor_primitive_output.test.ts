/**
 * A one-element tensor is a number where JS asks for one (Tensor[Symbol.toPrimitive], lib/tensor/tensor_primitive.ts).
 * What the kernel shows must not change with it: a cell's value and printed strings still show tensor(...); what
 * wants numbers (plot data) now reads one-element tensors as their values and refuses larger ones with torch's
 * ValueError instead of plotting NaN; a tensor structured-cloned to or from the worker is data, not a number.
 */
import { describe, expect, it } from "vitest";
import { torch } from "@/lib/tensor";
import { formatValue } from "@/lib/kernel/display/format-value";
import { toNumbers } from "@/lib/kernel/display/numbers";

describe("the kernel and tensors as numbers", () => {
  it("a cell's value and a printed string still show the tensor", () => {
    const loss = torch.tensor(0.25);
    expect(formatValue(loss)).toBe("tensor(0.2500)");
    expect(formatValue({ loss })).toBe("{ loss: tensor(0.2500) }");
    expect(formatValue(`loss ${String(loss)}`)).toBe("loss tensor(0.2500)");
  });

  it("plot data: an array of one-element tensors is their values; a larger tensor in it is refused", () => {
    const losses = [torch.tensor(1.5), torch.tensor([0.75]), torch.tensor([[0.5]])];
    expect(toNumbers(losses as unknown as number[])).toEqual([1.5, 0.75, 0.5]);
    expect(() => toNumbers([torch.tensor([1, 2])] as unknown as number[])).toThrow(/only one element tensors can be converted to Python scalars/);
  });

  it("structured clone copies a tensor's fields and no behaviour", () => {
    const copy = structuredClone(torch.tensor([2.5])) as unknown as Record<PropertyKey, unknown>;
    expect(copy[Symbol.toPrimitive]).toBeUndefined();
    expect(Number(copy)).toBeNaN(); // a plain object: the worker protocol sends tensors as data (tolist / MIME bundles)
  });
});
