/** Creation, dtypes, views, indexing, joins, comparisons and learner-facing error messages. */
import { describe, expect, it } from "vitest";
import { torch } from "../../../../lib/tensor/index";

describe("creation", () => {
  it("accepts shapes as varargs or arrays, options last", () => {
    expect(torch.zeros(2, 3).shape).toEqual([2, 3]);
    expect(torch.ones([2, 3], { dtype: torch.float64 }).dtype).toBe(torch.float64);
    expect(torch.zeros(2, { requires_grad: true }).requires_grad).toBe(true);
    expect(torch.full([2, 2], 7).tolist()).toEqual([[7, 7], [7, 7]]);
    expect(torch.eye(2, 3).tolist()).toEqual([[1, 0, 0], [0, 1, 0]]);
    expect(torch.tensor(3.5).dim()).toBe(0);
  });

  it("infers dtypes: numbers float32, booleans bool; arange of integers is long", () => {
    expect(torch.tensor([1, 2]).dtype).toBe(torch.float32);
    expect(torch.tensor([true, false]).dtype).toBe(torch.bool);
    expect(torch.tensor([1.7, -2.2], { dtype: torch.long }).tolist()).toEqual([1, -2]);
    expect(torch.arange(5).dtype).toBe(torch.long);
    expect(torch.arange(0, 1, 0.25).tolist()).toEqual([0, 0.25, 0.5, 0.75]);
    expect(torch.arange(10, 0, -3).tolist()).toEqual([10, 7, 4, 1]);
    expect(torch.linspace(0, 1, 5).tolist()).toEqual([0, 0.25, 0.5, 0.75, 1]);
  });

  it("*_like copies shape and dtype", () => {
    const x = torch.zeros(2, 3, { dtype: torch.float64 });
    expect(torch.ones_like(x).dtype).toBe(torch.float64);
    expect(torch.full_like(x, 2).sum().item()).toBe(12);
    expect(torch.randn_like(x).shape).toEqual([2, 3]);
  });

  it("from_array wraps without copying", () => {
    const buf = new Float32Array([1, 2, 3, 4]);
    const t = torch.from_array(buf, [2, 2]);
    buf[0] = 9;
    expect(t.tolist()).toEqual([[9, 2], [3, 4]]);
  });

  it("rejects ragged nested arrays and negative sizes", () => {
    expect(() => torch.tensor([[1, 2], [3]])).toThrow(/rectangular/);
    expect(() => torch.zeros(2, -1)).toThrow(/negative dimension/);
  });
});

describe("dtype behaviour", () => {
  it("promotes like PyTorch", () => {
    const l = torch.tensor([1, 2], { dtype: torch.long });
    expect(l.mul(2).dtype).toBe(torch.long);
    expect(l.mul(2.5).dtype).toBe(torch.float32);
    expect(l.div(2).dtype).toBe(torch.float32);
    expect(l.add(torch.ones(2, { dtype: torch.float64 })).dtype).toBe(torch.float64);
    expect(torch.tensor([true, false]).sum().dtype).toBe(torch.long);
    expect(torch.ones(2).gt(0).dtype).toBe(torch.bool);
    expect(torch.tensor([1.9, -1.9]).long().tolist()).toEqual([1, -1]);
    expect(torch.tensor([0, 2]).bool().tolist()).toEqual([false, true]);
  });

  it("mean of a long tensor explains the fix", () => {
    expect(() => torch.tensor([1, 2], { dtype: torch.long }).mean()).toThrow(/mean\(\): could not infer output dtype.*Long/);
  });
});

describe("views share storage", () => {
  const base = () => torch.arange(12, { dtype: torch.float32 }).reshape(3, 4);
  it("view, transpose, permute, expand, squeeze/unsqueeze", () => {
    const x = base();
    const tt = x.t();
    expect(tt.is_contiguous()).toBe(false);
    expect(tt.shape).toEqual([4, 3]);
    expect(tt.stride()).toEqual([1, 4]);
    expect(x.view(-1, 6).shape).toEqual([2, 6]);
    expect(() => tt.view(12)).toThrow(/view size is not compatible.*Use \.reshape/);
    expect(tt.reshape(12).tolist()).toEqual([0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11]);
    expect(x.unsqueeze(1).shape).toEqual([3, 1, 4]);
    expect(x.unsqueeze(-1).squeeze().shape).toEqual([3, 4]);
    expect(torch.ones(3, 1).expand(3, 4).stride()).toEqual([1, 0]);
    expect(x.permute(1, 0).equal(tt)).toBe(true);
    expect(x.flatten().shape).toEqual([12]);
    x.t().index(0).fill_(-1);
    expect(x.index(null, 0).tolist()).toEqual([-1, -1, -1]);
  });

  it("contiguous() copies only when needed", () => {
    const x = base();
    expect(x.contiguous()).toBe(x);
    expect(x.t().contiguous().is_contiguous()).toBe(true);
  });
});

describe("indexing", () => {
  const x = torch.arange(24, { dtype: torch.float32 }).reshape(2, 3, 4);
  it("ints, slices, ellipsis, None", () => {
    expect(x.index(1, 2).tolist()).toEqual([20, 21, 22, 23]);
    expect(x.index(0, "1:", "::2").tolist()).toEqual([[4, 6], [8, 10]]);
    expect(x.index("...", -1).tolist()).toEqual([[3, 7, 11], [15, 19, 23]]);
    expect(x.index(null, torch.slice(0, 2), 3).tolist()).toEqual([[3, 7], [15, 19]]);
    expect(x.index("None").shape).toEqual([1, 2, 3, 4]);
    expect(x.get(0, 0, "-2:").tolist()).toEqual([2, 3]);
    expect(x.index(0, "5:").shape).toEqual([0, 4]);
  });
  it("index lists, long tensors and masks", () => {
    expect(x.index(0, [2, 0]).tolist()).toEqual([[8, 9, 10, 11], [0, 1, 2, 3]]);
    const m = torch.tensor([[1, -2], [-3, 4]]);
    expect(m.index(m.gt(0)).tolist()).toEqual([1, 4]);
    expect(m.index(torch.tensor([true, false])).tolist()).toEqual([[1, -2]]);
    const y = torch.zeros(3, 3);
    y.index_put_([1], 5);
    y.index_put_([y.eq(0)], 1);
    expect(y.tolist()).toEqual([[1, 1, 1], [5, 5, 5], [1, 1, 1]]);
  });
  it("out-of-range indices and dims give PyTorch's messages", () => {
    expect(() => x.index(2)).toThrow("index 2 is out of bounds for dimension 0 with size 2");
    expect(() => x.sum(3)).toThrow("Dimension out of range (expected to be in range of [-3, 2], but got 3)");
    expect(() => torch.zeros(3, 2).softmax(2)).toThrow("Dimension out of range (expected to be in range of [-2, 1], but got 2)");
    expect(() => x.index(0, 0, 0, 0)).toThrow(/too many indices/);
  });
  it("gather, scatter, index_select, masked_select", () => {
    const s = torch.tensor([[1, 2], [3, 4]]);
    const idx = torch.tensor([[0, 0], [1, 0]], { dtype: torch.long });
    expect(s.gather(1, idx).tolist()).toEqual([[1, 1], [4, 3]]);
    expect(torch.zeros(2, 3).scatter(1, torch.tensor([[2], [0]], { dtype: torch.long }), 1).tolist()).toEqual([[0, 0, 1], [1, 0, 0]]);
    expect(s.index_select(0, [1, 1]).tolist()).toEqual([[3, 4], [3, 4]]);
    expect(s.masked_select(s.gt(2)).tolist()).toEqual([3, 4]);
  });
});

describe("joins, selection, reductions", () => {
  it("cat / stack validate shapes", () => {
    expect(torch.cat([torch.ones(2, 3), torch.zeros(1, 3)]).shape).toEqual([3, 3]);
    expect(torch.stack([torch.ones(2), torch.zeros(2)], 1).tolist()).toEqual([[1, 0], [1, 0]]);
    expect(() => torch.cat([torch.ones(2, 3), torch.ones(2, 2)])).toThrow(/Sizes of tensors must match except in dimension 0/);
  });
  it("(values, indices) results destructure like PyTorch's named tuples", () => {
    const x = torch.tensor([[3, 1, 2], [0, 5, 4]]);
    const [top, at] = x.topk(2);
    expect([top.tolist(), at.tolist()]).toEqual([[[3, 2], [5, 4]], [[0, 2], [1, 2]]]);
    const [sorted, order] = torch.sort(x, { dim: 1, descending: true });
    expect([sorted.tolist(), order.tolist()]).toEqual([[[3, 2, 1], [5, 4, 0]], [[0, 2, 1], [1, 2, 0]]]);
    const [biggest, where] = x.max(0);
    expect([biggest.tolist(), where.tolist()]).toEqual([[3, 5, 4], [0, 1, 1]]);
    const [least] = torch.min(x, 1);
    expect(least.tolist()).toEqual([1, 0]);
    // The fields are the whole object: printing and comparing it shows values and indices only.
    expect(Object.keys(x.topk(1))).toEqual(["values", "indices"]);
  });
  it("where and masked_fill", () => {
    const a = torch.tensor([1, -2, 3]);
    expect(torch.where(a.gt(0), a, 0).tolist()).toEqual([1, 0, 3]);
    expect(a.masked_fill(a.lt(0), 9).tolist()).toEqual([1, 9, 3]);
    // torch 1.13 reads a float mask by each element's low byte: 1.0, -2.0 and 3.0 all have 0 there, nothing is filled
    expect(a.masked_fill(a, 0).tolist()).toEqual([1, -2, 3]);
  });
  it("max/min return { values, indices } with a dim and a scalar without", () => {
    const m = torch.tensor([[1, 5, 2], [7, 0, 7]]);
    const { values, indices } = m.max(1);
    expect(values.tolist()).toEqual([5, 7]);
    expect(indices.tolist()).toEqual([1, 0]);
    expect(indices.dtype).toBe(torch.long);
    expect(m.max().item()).toBe(7);
    expect(m.min(0, true).values.shape).toEqual([1, 3]);
    expect(m.argmax().item()).toBe(3);
    expect(m.argmax(1).tolist()).toEqual([1, 0]);
    expect(m.argmin({ dim: 0, keepdim: true }).tolist()).toEqual([[0, 1, 0]]);
  });
  it("var/std are unbiased by default; correction and unbiased options", () => {
    const v = torch.tensor([1, 2, 3, 4]);
    expect(v.var().item()).toBeCloseTo(1.6667, 4);
    expect(v.var({ unbiased: false }).item()).toBeCloseTo(1.25, 6);
    expect(v.var(0, { correction: 0 }).item()).toBeCloseTo(1.25, 6);
    expect(v.std().item()).toBeCloseTo(Math.sqrt(5 / 3), 5);
  });
  it("comparisons return masks; logical ops combine them", () => {
    const a = torch.tensor([1, 2, 3]);
    expect(a.ge(2).logical_and(a.le(2)).tolist()).toEqual([false, true, false]);
    expect(a.eq(torch.tensor([1, 0, 3])).tolist()).toEqual([true, false, true]);
    expect(a.ne(2).logical_not().tolist()).toEqual([false, true, false]);
    expect(a.allclose(torch.tensor([1, 2, 3.000001]))).toBe(true);
  });
});

describe("errors a learner can act on", () => {
  it("matmul names both shapes, in torch's words (core/matmul_errors.test.ts has every case)", () => {
    expect(() => torch.zeros(64, 784).matmul(torch.zeros(128, 10))).toThrow("mat1 and mat2 shapes cannot be multiplied (64x784 and 128x10)");
    expect(() => torch.mm(torch.zeros(2, 3), torch.zeros(2, 3))).toThrow("mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)");
    expect(() => torch.addmm(torch.zeros(3), torch.zeros(2, 3), torch.zeros(4, 3))).toThrow("mat1 and mat2 shapes cannot be multiplied (2x3 and 4x3)");
  });
  it("broadcasting errors are torch 1.13's (ATen's infer_size)", () => {
    expect(() => torch.zeros(2, 3).add(torch.zeros(4))).toThrow("The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1");
  });
  it("reshape errors name the input size", () => {
    expect(() => torch.zeros(2, 3).reshape(4, 2)).toThrow("shape '[4, 2]' is invalid for input of size 6");
  });
  it("item on a multi-element tensor", () => {
    expect(() => torch.zeros(2).item()).toThrow("only one element tensors can be converted to Python scalars");
  });
  it("errors carry PyTorch's exception names", () => {
    try {
      torch.zeros(2).index(5);
    } catch (e) {
      expect((e as Error).name).toBe("IndexError");
    }
  });
});
