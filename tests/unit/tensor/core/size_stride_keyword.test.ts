/**
 * x.size(dim=1) / x.stride(dim=0) by keyword, as Tensor.size's docstring writes it: t.size({ dim: 1 }) (it raised
 * "Dimension out of range ... but got [object Object]"). torch 1.13: torch.empty(3, 4, 5).size(dim=1) == 4 (the
 * docstring example, tutorials/docstring_examples8.test.ts); strides of a transposed view as torch's.
 */
import { describe, expect, it } from "vitest";
import { torch } from "../../../../lib/tensor/index";

describe("size / stride by keyword", () => {
  it("size({ dim }) and stride({ dim }) are size(dim) and stride(dim), negative dims included", () => {
    const t = torch.empty(3, 4, 5);
    expect(t.size({ dim: 1 })).toBe(4);
    expect(t.size({ dim: -1 })).toBe(5);
    expect(t.stride({ dim: 0 })).toBe(20);
    const v = t.transpose(0, 2);
    expect([v.stride({ dim: 0 }), v.stride({ dim: -1 })]).toEqual([1, 20]);
    expect(t.size({} as never)).toEqual([3, 4, 5]);
  });

  it("an unknown keyword or a dim out of range raises torch's message", () => {
    const t = torch.empty(3, 4);
    expect(() => t.size({ dimm: 1 } as never)).toThrow("size() got an unexpected keyword argument 'dimm'");
    expect(() => t.stride({ dim: 2 })).toThrow("Dimension out of range (expected to be in range of [-2, 1], but got 2)");
  });
});
