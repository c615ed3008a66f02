/**
 * torch.set_default_tensor_type takes the legacy type itself, torch.set_default_tensor_type(torch.DoubleTensor), as its
 * docstring and torch.get_default_dtype's write it (torch 1.13: torch.tensor([1.2, 3]).dtype is then torch.float64,
 * and torch.FloatTensor puts float32 back), besides the name "torch.DoubleTensor"; anything else raises a TypeError.
 */
import { afterEach, describe, expect, it } from "vitest";
import { torch } from "../../../../lib/tensor/index";

describe("torch.set_default_tensor_type", () => {
  afterEach(() => torch.set_default_dtype(torch.float32));

  it("takes torch.DoubleTensor / torch.FloatTensor as values, as the docstrings write it", () => {
    torch.set_default_tensor_type(torch.DoubleTensor);
    expect(torch.get_default_dtype()).toBe(torch.float64);
    expect(torch.tensor([1.2, 3]).dtype).toBe(torch.float64);
    torch.set_default_tensor_type(torch.FloatTensor);
    expect(torch.get_default_dtype()).toBe(torch.float32);
    torch.set_default_tensor_type("torch.DoubleTensor");
    expect(torch.get_default_dtype()).toBe(torch.float64);
  });

  it("refuses integer types and functions that are not legacy types", () => {
    expect(() => torch.set_default_tensor_type(torch.LongTensor)).toThrow("only floating-point types are supported as the default type");
    expect(() => torch.set_default_tensor_type((() => 0) as never)).toThrow(/not a legacy tensor type/);
    expect(torch.get_default_dtype()).toBe(torch.float32);
  });
});
