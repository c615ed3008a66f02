/**
 * torch.scatter_reduce / Tensor.scatter_reduce(_) with every operand by keyword, as torch 1.13
 * (torch.scatter_reduce(input=x, dim=1, index=i, src=s, reduce="mean", include_self=False)), written without casts
 * so tsc checks the typings a cell sees (ops/fixed_arity.ts OPERAND_NAMES, tensor_operand_keywords.ts). Values are
 * torch 1.13's, printed by /usr/bin/python3 for these inputs, and each form equals the positional one.
 */
import { describe, expect, it } from "vitest";
import { torch } from "../../../../lib/tensor/index";

const x = () => torch.tensor([[10, 20, 30], [1, 2, 3]]);
const index = torch.tensor([[0, 1, 0, 2], [2, 2, 1, 0]], { dtype: torch.int64 });
const src = torch.tensor([[1, 2, 3, 4], [5, 6, 7, 8]]);

describe("scatter_reduce by keyword (torch 1.13)", () => {
  it("torch.scatter_reduce: all keywords, input too, and mixed forms", () => {
    const sum = [[14, 22, 34], [9, 9, 14]];
    expect(torch.scatter_reduce(x(), 1, index, src, "sum").tolist()).toEqual(sum);
    expect(torch.scatter_reduce(x(), { dim: 1, index, src, reduce: "sum" }).tolist()).toEqual(sum);
    expect(torch.scatter_reduce({ input: x(), dim: 1, index, src, reduce: "sum" }).tolist()).toEqual(sum);
    expect(torch.scatter_reduce(x(), 1, { index, src, reduce: "sum" }).tolist()).toEqual(sum);
    expect(torch.scatter_reduce(x(), 1, index, src, { reduce: "sum" }).tolist()).toEqual(sum);
    const mean = [[2, 2, 4], [8, 7, 5.5]];
    expect(torch.scatter_reduce(x(), 1, index, src, "mean", { include_self: false }).tolist()).toEqual(mean);
    expect(torch.scatter_reduce({ input: x(), dim: 1, index, src, reduce: "mean", include_self: false }).tolist()).toEqual(mean);
  });

  it("Tensor.scatter_reduce / scatter_reduce_", () => {
    const amax = [[10, 20, 30], [8, 7, 6]];
    expect(x().scatter_reduce({ dim: 1, index, src, reduce: "amax" }).tolist()).toEqual(amax);
    expect(x().scatter_reduce(1, { index, src, reduce: "amax" }).tolist()).toEqual(amax);
    expect(x().scatter_reduce(1, index, { src, reduce: "amax" }).tolist()).toEqual(amax);
    const y = x();
    const r = y.scatter_reduce_({ dim: 1, index, src, reduce: "prod", include_self: false });
    expect(r).toBe(y);
    expect(y.tolist()).toEqual([[3, 2, 4], [8, 7, 30]]);
  });

  it("unknown, missing and doubled arguments raise torch's TypeError and change nothing", () => {
    const y = x();
    // @ts-expect-error zzz is no keyword of scatter_reduce
    expect(() => torch.scatter_reduce(y, { dim: 1, index, src, reduce: "sum", zzz: 1 })).toThrow("scatter_reduce() got an unexpected keyword argument 'zzz'");
    // @ts-expect-error zzz is no keyword of scatter_reduce_
    expect(() => y.scatter_reduce_({ dim: 1, index, src, reduce: "sum", zzz: 1 })).toThrow("scatter_reduce_() got an unexpected keyword argument 'zzz'");
    expect(() => y.scatter_reduce_({ dim: 1, index, src })).toThrow("scatter_reduce_() missing 1 required positional argument");
    // @ts-expect-error the index is required
    expect(() => torch.scatter_reduce(y, { dim: 1, src, reduce: "sum" })).toThrow("scatter_reduce() missing 1 required positional argument: 'index'");
    expect(() => torch.scatter_reduce(y, 1, { dim: 1, index, src, reduce: "sum" } as never)).toThrow("scatter_reduce() got multiple values for argument 'dim'");
    expect(y.tolist()).toEqual([[10, 20, 30], [1, 2, 3]]);
  });
});
