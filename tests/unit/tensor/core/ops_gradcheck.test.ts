/**
 * The differentiable ops of issue 12, gradient-checked in float64 against central finite
 * differences (lib/grading/gradcheck.ts), including in-place ops on views (CopySlices).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { torch, type Tensor } from "../../../../lib/tensor/index";
import { gradcheck } from "../../../../lib/grading/gradcheck";

beforeAll(() => torch.manual_seed(11));
const r = (...s: number[]) => torch.randn(s, { dtype: torch.float64 });
/** Distinct values spaced apart, so sort/topk/max orders do not flip under the finite-difference step. */
const spread = (...s: number[]) => {
  const n = s.reduce((a, b) => a * b, 1);
  return torch.randperm(n).to(torch.float64).mul(0.37).sub(n * 0.15).reshape(s);
};
const long = (v: number[] | number[][]) => torch.tensor(v, { dtype: torch.long });

type Case = [string, (...xs: Tensor[]) => Tensor, () => Tensor[]];

const cases: Case[] = [
  // sorting and scans
  ["sort values", (x) => x.sort(1).values, () => [spread(3, 5)]],
  ["sort descending dim 0", (x) => torch.sort(x, 0, true).values, () => [spread(4, 3)]],
  ["topk", (x) => x.topk(2).values, () => [spread(3, 5)]],
  ["topk smallest dim 0", (x) => x.topk(2, { dim: 0, largest: false }).values, () => [spread(4, 3)]],
  ["cumsum dim 0", (x) => x.cumsum(0), () => [r(3, 4)]],
  ["cumprod", (x) => x.cumprod(1), () => [r(3, 5)]],
  ["cumprod 3d dim 1", (x) => x.cumprod(1), () => [r(2, 4, 3)]],
  ["cumprod with zeros", (x) => x.cumprod(1), () => [torch.tensor([[1.5, 0, 2, -1, 0.5], [0, 0.5, 3, 0, 1], [2, -0.5, 0, 1.5, 0.7]], { dtype: torch.float64 })]],
  // triangles
  ["tril", (x) => x.tril(), () => [r(4, 4)]],
  ["triu diagonal 1 batched", (x) => torch.triu(x, 1), () => [r(2, 3, 4)]],
  // gather / scatter family
  ["scatter value", (x) => x.scatter(1, long([[0], [2], [1]]), 2.5), () => [r(3, 4)]],
  ["index_add", (x, s) => torch.index_add(x, 0, long([2, 0, 2]), s, { alpha: 0.5 }), () => [r(3, 4), r(3, 4)]],
  ["index_add dim 1", (x, s) => x.index_add(1, long([1, 1, 3]), s), () => [r(3, 4), r(3, 3)]],
  ["scatter_add_ on a graph tensor", (x, s) => x.mul(1).scatter_add_(0, long([[0, 1, 2, 0], [0, 0, 1, 2]]), s), () => [r(3, 4), r(2, 4)]],
  ["scatter_ on a graph tensor", (x, s) => x.mul(1).scatter_(1, long([[3], [0], [1]]), s), () => [r(3, 4), r(3, 1)]],
  ["index_add_ on a graph tensor", (x, s) => x.mul(3).index_add_(0, long([1, 1]), s, 2), () => [r(3, 4), r(2, 4)]],
  // advanced indexing
  ["pick per row (probs[arange(n), y])", (p) => p.index(torch.arange(4), long([2, 0, 1, 2])), () => [r(4, 3)]],
  ["two index tensors, adjacent, after a slice", (x) => x.index(":", long([0, 2, 1]), long([3, 3, 0])), () => [r(2, 3, 4)]],
  ["two index tensors separated by a slice", (x) => x.index(long([1, 0]), ":", long([2, 3])), () => [r(2, 3, 4)]],
  ["broadcast index tensors (2-D result)", (x) => x.index(long([[0], [2]]), long([1, 3, 3])), () => [r(3, 4)]],
  ["int, slice and index tensor", (x) => x.index(1, "1:", long([0, 3, 0])), () => [r(2, 3, 4)]],
  ["bool mask over the middle dims", (x) => x.index(":", torch.tensor([[true, false], [false, true], [true, true]])), () => [r(2, 3, 2, 2)]],
  ["index_put (out of place)", (x, v) => x.index_put([long([0, 2, 1]), long([3, 0, 0])], v), () => [r(3, 4), r(3)]],
  ["index_put accumulate with repeats", (x, v) => torch.index_put(x, [long([0, 0, 2, 0]), long([1, 1, 3, 1])], v, true), () => [r(3, 4), r(4)]],
  ["index_put broadcast value, slice first", (x, v) => x.index_put([torch.slice(), long([0, 2])], v), () => [r(2, 3, 4), r(4)]],
  // in-place ops on views of graph tensors (CopySlices)
  ["y = x * 2; y[0].mul_(3)", (x) => {
    const y = x.mul(2);
    y.index(0).mul_(3);
    return y;
  }, () => [r(3, 4)]],
  ["h.narrow(1, 0, 2).zero_()", (x) => {
    const h = x.mul(2).add(1);
    h.narrow(1, 0, 2).zero_();
    return h.mul(h);
  }, () => [r(3, 4)]],
  ["view add_ of another graph tensor", (x, v) => {
    const y = x.sin();
    y.index(":", 1).add_(v.mul(2));
    return y;
  }, () => [r(3, 4), r(3)]],
  ["view of a view: transpose then row copy_", (x, v) => {
    const y = x.mul(1.5);
    y.t().index(2).copy_(v);
    return y.mul(y);
  }, () => [r(3, 4), r(3)]],
  ["index_put_ into a slice view", (x, v) => {
    const y = x.mul(1.5);
    y.index("1:").index_put_([long([0, 1]), long([2, 2])], v, true);
    return y;
  }, () => [r(3, 4), r(2)]],
  ["two writes through different views", (x, v) => {
    const y = x.mul(x);
    y.index(":", "0:2").mul_(-2);
    y.index(0).add_(v);
    return y.mul(y);
  }, () => [r(3, 4), r(4)]],
  // einsum
  ["einsum matmul", (a, b) => torch.einsum("ij,jk->ik", a, b), () => [r(3, 4), r(4, 2)]],
  ["einsum batched, shared batch", (a, b) => torch.einsum("bij,bkj->bik", a, b), () => [r(2, 3, 4), r(2, 5, 4)]],
  ["einsum diagonal", (a) => torch.einsum("ii->i", a), () => [r(4, 4)]],
  ["einsum trace", (a) => torch.einsum("ii", a), () => [r(4, 4)]],
  ["einsum ellipsis broadcast", (a, b) => torch.einsum("...ij,...jk->...ik", a, b), () => [r(2, 3, 4), r(4, 2)]],
  ["einsum implicit output", (a, b) => torch.einsum("ij,jk", a, b), () => [r(3, 4), r(4, 2)]],
  ["einsum three operands", (a, b, c) => torch.einsum("ij,jk,k->i", a, b, c), () => [r(3, 4), r(4, 5), r(5)]],
  ["einsum bilinear", (x, w, y) => torch.einsum("bn,anm,bm->ba", x, w, y), () => [r(2, 3), r(4, 3, 5), r(2, 5)]],
  ["einsum diagonal inside a product", (a, b) => torch.einsum("ii,ji->j", a, b), () => [r(4, 4), r(3, 4)]],
  ["einsum sum over a label of one operand", (a, b) => torch.einsum("ijk,j->i", a, b), () => [r(2, 3, 4), r(3)]],
  // rearranging
  ["tile", (x) => x.tile([2, 1, 3]), () => [r(2, 2)]],
  ["flip", (x) => x.flip(0, 2), () => [r(2, 3, 4)]],
  ["fliplr", (x) => torch.fliplr(x), () => [r(3, 4)]],
  ["roll flat", (x) => x.roll(5), () => [r(3, 4)]],
  ["roll dims", (x) => torch.roll(x, [1, -2], [0, 1]), () => [r(3, 4)]],
  ["expand_as", (x, y) => x.expand_as(y).mul(y), () => [r(3, 1), r(3, 4)]],
  ["chunk and split sizes", (x) => torch.cat([...x.chunk(3, 1), ...x.split([1, 3], 1)], 1), () => [r(3, 4)]],
  // norms
  ["norm 2", (x) => x.norm(), () => [r(3, 4)]],
  ["norm p=3 dim 1 keepdim", (x) => x.norm(3, 1, true), () => [r(3, 4)]],
  ["norm inf", (x) => x.norm(Infinity, 0), () => [spread(3, 4)]],
  ["norm fro over dims", (x) => torch.norm(x, "fro", [1, 2]), () => [r(2, 3, 4)]],
  ["linalg.vector_norm p=0.5", (x) => torch.linalg.vector_norm(x, 0.5, 1), () => [r(3, 4).abs().add(0.2)]],
  ["linalg.vector_norm -inf", (x) => torch.linalg.vector_norm(x, -Infinity, { dim: 0, keepdim: true }), () => [spread(3, 4)]],
  ["linalg.norm matrix inf", (x) => torch.linalg.norm(x, Infinity), () => [spread(3, 4)]],
  ["linalg.matrix_norm 1", (x) => torch.linalg.matrix_norm(x, 1), () => [spread(3, 4)]],
  ["linalg.matrix_norm fro batched", (x) => torch.linalg.matrix_norm(x), () => [r(2, 3, 4)]],
  ["linalg.matrix_norm nuc (tall, wide, batched over other dims)", (x) => torch.linalg.matrix_norm(x, "nuc").sum().add(torch.linalg.matrix_norm(x, "nuc", [2, 0]).mul(torch.tensor([1, 2, 3], { dtype: torch.float64 })).sum()), () => [r(2, 3, 4)]],
  ["torch.norm p='nuc' / matrix_norm 2 and -2", (x) => torch.norm(x, { p: "nuc" }).add(torch.linalg.matrix_norm(x, 2)).add(torch.linalg.matrix_norm(x, -2).mul(3)), () => [r(4, 3)]],
  // cleanup and selection
  ["nan_to_num (finite entries pass the gradient)", (x) => x.nan_to_num({ posinf: 3 }), () => [r(3, 4)]],
  ["masked_fill", (x) => x.masked_fill(x.gt(0.3), -1), () => [r(3, 4)]],
  ["outer", (a, b) => torch.outer(a, b), () => [r(3), r(4)]],
];

describe("gradcheck of the issue 12 ops (float64 finite differences)", () => {
  for (const [name, fn, make] of cases) {
    it(name, () => {
      expect(gradcheck(fn, make())).toBe(true);
    });
  }
});

describe("gradients the finite differences cannot see", () => {
  it("the 2-norm of a zero vector has gradient 0, not NaN (like PyTorch)", () => {
    const x = torch.zeros([2, 3], { dtype: torch.float64, requires_grad: true });
    torch.linalg.vector_norm(x, 2, 1).sum().backward();
    expect(x.grad!.tolist()).toEqual([[0, 0, 0], [0, 0, 0]]);
    const y = torch.zeros([3], { requires_grad: true });
    y.norm().backward();
    expect(y.grad!.tolist()).toEqual([0, 0, 0]);
  });
  it("the inf-norm shares the gradient between tied maxima", () => {
    const x = torch.tensor([3, -3, 1], { dtype: torch.float64, requires_grad: true });
    x.norm(Infinity).backward();
    expect(x.grad!.tolist()).toEqual([0.5, -0.5, 0]);
  });
  it("cumprod's gradient at a zero is the product of the other entries (no 0/0)", () => {
    const x = torch.tensor([2, 0, 3, 4], { dtype: torch.float64, requires_grad: true });
    x.cumprod(0).sum().backward();
    // d/dx1 of (x0 + x0 x1 + x0 x1 x2 + x0 x1 x2 x3) at x1 = 0: x0 + x0 x2 + x0 x2 x3 = 2 + 6 + 24.
    expect(x.grad!.tolist()).toEqual([1, 32, 0, 0]);
  });
  it("nan_to_num sends no gradient to the entries it replaced", () => {
    const x = torch.tensor([NaN, 1, Infinity, -2], { requires_grad: true });
    x.nan_to_num().mul(torch.tensor([1, 2, 3, 4])).sum().backward();
    expect(x.grad!.tolist()).toEqual([0, 2, 0, 4]);
  });
});
