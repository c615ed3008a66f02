/**
 * index_reduce(_) / torch.index_reduce against PyTorch 1.13 (bitwise_special_random.json): every
 * reduce with and without include_self, along dims 0 and 1, ties and zeros, int64 (floor mean), 0-d;
 * values and gradients. Then float64 gradchecks, the in-place form on a graph tensor, call forms
 * and the errors (which change nothing).
 */
import { describe, expect, it } from "vitest";
import { torch, type Tensor } from "../../../../lib/tensor/index";
import { gradcheck } from "../../../../lib/grading/gradcheck";
import { checkOpCase, type StoredCase, type StoredTensor } from "../op_cases";
import { loadFixture } from "./fixtures";

const fx = loadFixture<{ inputs: Record<string, StoredTensor>; cases: Record<string, StoredCase> }>("bitwise_special_random.json");

type Reduce = "prod" | "mean" | "amax" | "amin";
const REDUCES: Reduce[] = ["prod", "mean", "amax", "amin"];
const cases: Record<string, [string[], (...xs: Tensor[]) => Tensor]> = {
  index_reduce_0d: [["S0", "IR0", "SRC0"], (x, i, s) => x.index_reduce(0, i, s, "prod")],
};
for (const r of REDUCES) {
  for (const include_self of [true, false]) {
    const tag = include_self ? "" : "_noself";
    cases[`index_reduce_${r}${tag}`] = [["S", "IR", "SRC5"], (x, i, s) => x.index_reduce(0, i, s, r, { include_self })];
    cases[`index_reduce_${r}${tag}_dim1`] = [["S", "IR1", "SRC45"], (x, i, s) => torch.index_reduce(x, 1, i, s, r, { include_self })];
    cases[`index_reduce_${r}${tag}_ties`] = [["ST", "IRT", "SRCT"], (x, i, s) => x.index_reduce(1, i, s, { reduce: r, include_self })];
    cases[`index_reduce_${r}${tag}_long`] = [["SL", "IRL", "SRCL"], (x, i, s) => x.index_reduce(0, i, s, r, { include_self })];
  }
}

describe("index_reduce matches PyTorch 1.13 (bitwise_special_random.json)", () => {
  it("mirrors every index_reduce fixture case", () => {
    expect(Object.keys(cases).sort()).toEqual(Object.keys(fx.cases).filter((k) => k.startsWith("index_reduce")).sort());
  });
  for (const [name, [names, fn]] of Object.entries(cases)) {
    it(name, () => checkOpCase(name, fx.cases[name], fx.inputs, names, fn, { out: [1e-6, 1e-6], grad: [1e-5, 1e-6] }));
  }
});

describe("index_reduce gradients, forms and errors", () => {
  const L = (v: number[]) => torch.tensor(v, { dtype: torch.long });
  const idx = L([0, 2, 2, 3, 2]);
  // Values spaced apart so amax/amin winners do not change under the finite-difference step.
  const spread = (rows: number, cols: number, shift: number) => torch.randperm(rows * cols).to(torch.float64).mul(0.37).sub(shift).reshape(rows, cols);
  for (const r of REDUCES) {
    for (const include_self of [true, false]) {
      it(`float64 gradcheck: ${r}, include_self=${include_self}`, () => {
        torch.manual_seed(4);
        const x = spread(4, 3, 2);
        const s = spread(5, 3, 1.5);
        expect(gradcheck((a, b) => a.index_reduce(0, idx, b, r, { include_self }), [x, s])).toBe(true);
      });
    }
  }
  it("in place on a graph tensor, gradients through it", () => {
    torch.manual_seed(5);
    const x = spread(4, 3, 2);
    const s = spread(5, 3, 1);
    expect(gradcheck((a, b) => a.mul(1).index_reduce_(0, idx, b, "mean"), [x, s])).toBe(true);
    const y = torch.ones(4, 3);
    expect(y.index_reduce_(0, idx, torch.full([5, 3], 2), "prod")).toBe(y);
    expect(y.tolist()).toEqual([[2, 2, 2], [1, 1, 1], [8, 8, 8], [2, 2, 2]]);
  });
  it("positional and options forms agree", () => {
    const x = torch.randn(4, 3);
    const s = torch.randn(5, 3);
    expect(torch.index_reduce(x, 0, idx, s, "amax").tolist()).toEqual(x.index_reduce(0, idx, s, { reduce: "amax" }).tolist());
    expect(x.index_reduce(0, idx, s, "amin", { include_self: false }).tolist()).toEqual(x.index_reduce(0, idx, s, { reduce: "amin", include_self: false }).tolist());
  });
  it("errors use PyTorch's messages and leave self unchanged", () => {
    const x = torch.ones(3, 2);
    const s = torch.ones(2, 2);
    expect(() => x.index_reduce(0, L([0, 1]), s, "sum" as Reduce)).toThrow(/Expected reduce to be one of prod, mean, amax or amin but got sum/);
    expect(() => (x.index_reduce as (...a: unknown[]) => Tensor)(0, L([0, 1]), s)).toThrow(/missing 1 required positional argument: 'reduce'/);
    expect(() => x.index_reduce(0, torch.tensor([[0, 1]], { dtype: torch.long }), s, "prod")).toThrow(/Index is supposed to be a vector, but got dim: 2/);
    expect(() => x.index_reduce(0, L([0, 5]), s, "prod")).toThrow(/index out of range in self/);
    expect(() => x.index_reduce(0, L([0, -1]), s, "prod")).toThrow(/index out of range in self/);
    expect(() => x.index_reduce(0, torch.tensor([0, 1]), s, "prod")).toThrow(/Expected dtype int32\/int64 for index but got: Float/);
    expect(() => x.index_reduce(0, L([0, 1]), s.double(), "prod")).toThrow(/self \(Float\) and source \(Double\) must have the same scalar type/);
    expect(() => x.index_reduce(0, L([0, 1]), torch.ones(3, 2), "prod")).toThrow(/Number of indices \(2\) should be equal to source.size\(dim\): \(3\), for dim: 0/);
    expect(() => x.index_reduce(2, L([0, 1]), s, "prod")).toThrow(/Dimension out of range/);
    expect(() => x.index_reduce_(0, L([0, 9]), s, "prod")).toThrow(/index out of range/);
    expect(x.tolist()).toEqual([[1, 1], [1, 1], [1, 1]]);
  });
});
