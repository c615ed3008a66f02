/**
 * Bad input to the issue 12 ops: a clear error naming the problem, and nothing changed (the
 * in-place forms leave their tensor as it was, values and version counter).
 */
import { describe, expect, it } from "vitest";
import { torch, type Tensor } from "../../../../lib/tensor/index";

const L = (v: number[] | number[][]) => torch.tensor(v, { dtype: torch.long });
const x = () => torch.tensor([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]]);

const errors: [string, () => unknown, RegExp | string][] = [
  ["sort: dim out of range", () => x().sort(5), /Dimension out of range/],
  ["topk: k larger than the dim", () => x().topk(5), /^selected index k out of range$/],
  ["tril: 1-D input", () => torch.tril(torch.ones(3)), /^Dimension out of range \(expected to be in range of \[-1, 0\], but got -2\)$/],
  ["triu: 0-D input", () => torch.triu(torch.tensor(1)), /^Dimension specified as -2 but tensor has no dimensions$/],
  ["tril_indices: negative size", () => torch.tril_indices(-1, 3), /row and col must be non-negative integers/],
  ["scatter: unknown reduce", () => x().scatter(1, L([[0]]), 1, "max" as "add"), /reduce argument must be either add or multiply, got max/],
  ["scatter: reduce with autograd", () => x().requires_grad_().scatter(1, L([[0]]), 1, "add"), /derivative for 'scatter' with reduce='add' is not implemented/],
  ["scatter: float index", () => x().scatter(1, torch.tensor([[0]]), 1), /Expected dtype int64 for index/],
  ["index_add: source of the wrong shape", () => x().index_add(0, L([0, 1]), torch.ones(3, 4)), /^index_add_\(\): Number of indices \(2\) should be equal to source.size\(dim\): \(3\), for dim: 0$/],
  ["index: index out of bounds", () => x().index(L([0, 3]), L([0, 1])), /index 3 is out of bounds for dimension 0 with size 3/],
  ["index: index tensors that do not broadcast", () => x().index(L([0, 1, 2]), L([0, 1])), /indexing tensors could not be broadcast together with shapes \[3\], \[2\]/],
  ["index: mask of the wrong shape", () => x().index(":", torch.tensor([true, false])), /The shape of the mask \[2\] at index 0 does not match the shape of the indexed tensor \[3, 4\] at index 1/],
  ["index: more indices than dims", () => x().index(L([0]), L([0]), L([0])), /too many indices for tensor of dimension 2/],
  ["index: float index tensor", () => x().index(torch.tensor([0, 1]), L([0, 1])), /^tensors used as indices must be long, byte or bool tensors$/],
  ["einsum: fewer operands than terms", () => torch.einsum("ij,jk->ik", x()), /einsum\(\): fewer operands were provided than specified in the equation/],
  ["einsum: subscripts vs dims", () => torch.einsum("ijk->i", x()), /number of subscripts in the equation \(3\) does not match the number of dimensions \(2\) for operand 0/],
  ["einsum: invalid subscript", () => torch.einsum("i1->i", x()), /invalid subscript/],
  ["einsum: output label unknown", () => torch.einsum("ij->iz", x()), /output subscript z does not appear/],
  ["einsum: sizes disagree", () => torch.einsum("ij,ij->i", x(), torch.ones(3, 5)), /einsum\(\): subscript j has size 5 for operand 1 which does not broadcast with previously seen size 4$/],
  ["einsum: repeated output label", () => torch.einsum("ij->ii", x()), /output subscript appears more than once/],
  ["einsum: diagonal of a non-square operand", () => torch.einsum("ii->i", x()), /subscript i is repeated for operand but the sizes don't match, 3 != 4/],
  ["multinomial: negative probability", () => torch.multinomial(torch.tensor([0.5, -0.1]), 1), /probability tensor contains either `inf`, `nan` or element < 0/],
  ["multinomial: zero row", () => torch.multinomial(torch.tensor([[1, 0], [0, 0]]), 1), /sum of probabilities <= 0/],
  ["multinomial: too many without replacement", () => torch.multinomial(torch.tensor([0.5, 0.5]), 3), /cannot sample n_sample > prob_dist.size\(-1\) samples without replacement/],
  ["multinomial: 3-D input", () => torch.multinomial(torch.ones(2, 2, 2), 1), /prob_dist must be 1 or 2 dim/],
  ["bernoulli: p outside [0, 1]", () => torch.bernoulli(torch.ones(2), 1.5), /p to be in \[0, 1\]/],
  ["bernoulli: a probability above 1", () => torch.bernoulli(torch.tensor([0.5, 2])), /^Expected p_in >= 0 && p_in <= 1 to be true, but got false\./],
  ["roll: shifts and dims of different lengths", () => x().roll([1, 2], [0]), /shifts and dimensions must align/],
  ["flip: repeated dim", () => x().flip(0, 0), /dims has duplicates/],
  ["tile: negative repeat", () => x().tile([-1]), /^Trying to create tensor with negative dimension -4: \[3, -4\]$/],
  ["matrix_norm: nuclear norm of an integer tensor", () => torch.linalg.matrix_norm(L([[1, 2], [3, 4]]), "nuc"), /^linalg.matrix_norm: Expected a floating point or complex tensor as input. Got Long$/],
  ["linalg.norm: ord on a 3-D input without dim", () => torch.linalg.norm(torch.ones(2, 2, 2), 1), /the input must be 1D or 2D. Got 3D/],
  ["vector_norm: integer input", () => torch.linalg.vector_norm(L([1, 2])), /^linalg.vector_norm: Expected a floating point or complex tensor as input. Got Long$/],
  ["bincount: negative value", () => torch.bincount(L([1, -1])), /non-negative integral inputs/],
  ["bincount: float input", () => torch.bincount(torch.tensor([1, 2])), /^"bincount_cpu" not implemented for 'Float'$/],
  ["bincount: weights of another length", () => torch.bincount(L([1, 2]), torch.ones(3)), /^weights should be 1-d and have the same length as input$/],
  ["isclose: negative tolerance", () => torch.isclose(x(), x(), -1), /rtol and atol must be non-negative/],
  ["cumprod: no dim", () => (x() as unknown as { cumprod(): Tensor }).cumprod(), "cumprod() received an invalid combination of arguments - got (), but expected one of:\n * (int dim, *, torch.dtype dtype)\n * (name dim, *, torch.dtype dtype)\n"],
  ["cumsum: no dim", () => (x() as unknown as { cumsum(): Tensor }).cumsum(), "cumsum() received an invalid combination of arguments - got (), but expected one of:\n * (int dim, *, torch.dtype dtype)\n * (name dim, *, torch.dtype dtype)\n"],
  ["in place on a view of a leaf that requires grad", () => torch.ones(3, { requires_grad: true }).index(0).mul_(2), /^a view of a leaf Variable that requires grad is being used in an in-place operation\.$/],
];

describe("bad input raises a clear error", () => {
  for (const [name, call, message] of errors) it(name, () => expect(call).toThrow(message));
});

describe("a failed in-place op changes nothing", () => {
  const failing: [string, (t: Tensor) => unknown][] = [
    ["scatter_ with an out-of-range index (after valid ones)", (t) => t.scatter_(1, L([[0], [9], [1]]), -1)],
    ["scatter_add_ with an out-of-range index", (t) => t.scatter_add_(0, L([[0, 1, 5, 0]]), torch.ones(1, 4))],
    ["index_add_ with an out-of-range index", (t) => t.index_add_(0, L([0, 3]), torch.ones(2, 4))],
    ["index_put_ with an out-of-range index", (t) => t.index_put_([L([0, 5])], torch.tensor(1))],
    ["index_put_ with a value of the wrong shape", (t) => t.index_put_([L([0, 1])], torch.ones(3))],
    ["index_put_ accumulate with index tensors that do not broadcast", (t) => t.index_put_([L([0, 1]), L([0, 1, 2])], torch.tensor(1), true)],
  ];
  for (const [name, op] of failing) {
    it(name, () => {
      const t = x();
      const before = t.tolist();
      expect(() => op(t)).toThrow();
      expect(t.tolist()).toEqual(before);
      expect(t._version).toBe(0);
    });
  }
});

describe("in place through a view after the value was saved for backward", () => {
  it("raises PyTorch's version error naming the node", () => {
    const x0 = torch.randn(3, { requires_grad: true });
    const y = x0.exp();
    y.index(0).mul_(2);
    expect(() => y.sum().backward()).toThrow(/modified by an inplace operation: \[torch.FloatTensor \[3\]\], which is output 0 of ExpBackward0, is at version 1; expected version 0/);
  });
});
