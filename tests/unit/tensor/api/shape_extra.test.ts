/**
 * Shape and indexing beyond the core: float64 gradient checks of every differentiable
 * op of ops/shape_extra.ts, view semantics (diagonal, unfold, as_strided share storage), the
 * second-order gradients of the strided views, and PyTorch's errors for bad input.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { torch, type Tensor } from "../../../../lib/tensor/index";
import { gradcheck } from "../../../../lib/grading/gradcheck";

beforeAll(() => torch.manual_seed(5));
const r = (...s: number[]) => torch.randn(s, { dtype: torch.float64 });
const long = (v: number[] | number[][]) => torch.tensor(v, { dtype: torch.long });

const cases: [string, (...xs: Tensor[]) => Tensor, () => Tensor[]][] = [
  ["diag of a vector", (v) => torch.diag(v, 1), () => [r(4)]],
  ["diag of a matrix", (x) => torch.diag(x, -1), () => [r(4, 3)]],
  ["diagonal 3-D", (x) => x.diagonal(1, 0, 2), () => [r(3, 2, 4)]],
  ["diag_embed", (x) => torch.diag_embed(x, -1, 0, 2), () => [r(2, 3)]],
  ["diagflat", (x) => torch.diagflat(x), () => [r(2, 2)]],
  ["trace", (x) => torch.trace(x), () => [r(3, 4)]],
  ["movedim", (x) => torch.movedim(x, [0, 2], [1, 0]).mul(torch.arange(24).reshape(4, 2, 3).double()), () => [r(2, 3, 4)]],
  ["rot90", (x) => torch.rot90(x, 3), () => [r(2, 3)]],
  ["tensor_split", (x) => torch.tensor_split(x, 3, 1)[1], () => [r(2, 7)]],
  ["take", (x) => torch.take(x, long([[0, -1], [4, 4]])), () => [r(2, 3)]],
  ["take_along_dim", (x) => torch.take_along_dim(x, long([[2], [0]]), 1), () => [r(2, 3)]],
  ["repeat_interleave", (x) => x.repeat_interleave(long([2, 0, 1]), 1), () => [r(2, 3)]],
  ["meshgrid xy", (a, b) => torch.meshgrid(a, b, { indexing: "xy" })[0].mul(torch.meshgrid(a, b, { indexing: "xy" })[1]), () => [r(3), r(2)]],
  ["cartesian_prod", (a, b) => torch.cartesian_prod(a, b), () => [r(3), r(2)]],
  ["combinations", (a) => torch.combinations(a, 2, true), () => [r(3)]],
  ["block_diag", (a, b) => torch.block_diag(a, b), () => [r(2, 2), r(1, 3)]],
  ["kron", (a, b) => torch.kron(a, b), () => [r(2, 3), r(2, 2)]],
  ["tensordot", (a, b) => torch.tensordot(a, b, [[1, 0], [0, 2]]), () => [r(3, 2, 4), r(2, 5, 3)]],
  ["inner", (a, b) => torch.inner(a, b), () => [r(2, 3), r(4, 3)]],
  ["cross", (a, b) => torch.cross(a, b, 1), () => [r(2, 3), r(2, 3)]],
  ["vander", (v) => torch.vander(v, 4), () => [r(3)]],
  ["slice_scatter", (x, s) => torch.slice_scatter(x, s, 1, 0, 4, 2), () => [r(3, 4), r(3, 2)]],
  ["unfold (overlapping windows)", (x) => x.unfold(1, 3, 1), () => [r(2, 5)]],
  ["as_strided (overlapping)", (x) => x.as_strided([3, 2], [2, 1], 1), () => [r(2, 4)]],
  ["as_strided of a transposed input", (x) => x.t().as_strided([2, 2], [1, 3]), () => [r(3, 2)]],
];

describe("API breadth a2: shape ops gradcheck (float64)", () => {
  it.each(cases)("%s", (_, fn, make) => {
    expect(gradcheck(fn, make())).toBe(true);
  });
});

describe("API breadth a2: views and second-order gradients", () => {
  it("diagonal, unfold and as_strided share storage with their input", () => {
    const x = torch.zeros(3, 3);
    x.diagonal().fill_(1);
    x.unfold(1, 2, 1).index(0, 0).fill_(5);
    x.as_strided([2], [4], 2).fill_(7);
    expect(x.tolist()).toEqual([[5, 5, 7], [0, 1, 0], [7, 0, 1]]);
    const d = torch.diag(x);
    d.fill_(0);
    expect(x.index(1, 1).item()).toBe(1); // diag of a matrix copies
  });
  it("unfold's gradient is differentiable again (create_graph)", () => {
    const x = r(5).requires_grad_(true);
    const y = x.unfold(0, 3, 1).pow(2).sum();
    const [g] = torch.autograd.grad(y, x, null, { create_graph: true });
    const [gg] = torch.autograd.grad(g!.sum(), x);
    // d/dx of sum(2 * count_i * x_i) = 2 * count_i, counts of windows covering each position.
    expect(gg!.tolist()).toEqual([2, 4, 6, 4, 2]);
  });
  it("H and mH transpose real matrices", () => {
    const x = torch.arange(6).reshape(2, 3);
    expect(x.H.tolist()).toEqual([[0, 3], [1, 4], [2, 5]]);
    expect(torch.arange(12).reshape(2, 2, 3).mH.shape).toEqual([2, 3, 2]);
    expect(() => torch.zeros(2, 2, 2).H).toThrow(/only supported on matrices/);
  });
  it("broadcast_shapes and atleast_nd", () => {
    expect(torch.broadcast_shapes([3, 1], [1, 4], 4)).toEqual([3, 4]);
    expect(torch.atleast_3d(torch.ones(2)).shape).toEqual([1, 2, 1]);
    expect(torch.atleast_2d(torch.tensor(1)).shape).toEqual([1, 1]);
  });
});

describe("API breadth a2: shape op errors (PyTorch's messages)", () => {
  it("rejects bad input", () => {
    expect(() => torch.diag(torch.zeros(2, 2, 2))).toThrow(/^matrix or a vector expected$/);
    expect(() => torch.diagonal(torch.zeros(3, 3), 0, 1, 1)).toThrow(/diagonal dimensions cannot be identical/);
    expect(() => torch.trace(torch.zeros(3))).toThrow(/expected a matrix/);
    expect(() => torch.movedim(torch.zeros(2, 3), [0, 1], [0])).toThrow(/same number of dims/);
    expect(() => torch.rot90(torch.zeros(2, 2), 1, [0, 0])).toThrow(/expected rotation dims to be different/);
    expect(() => torch.take(torch.zeros(2, 2), long([4]))).toThrow(/out of range/);
    expect(() => torch.repeat_interleave(torch.zeros(3), long([1, 2]))).toThrow(/repeats must have the same size/);
    expect(() => torch.meshgrid(torch.zeros(2), { indexing: "yx" as "xy" })).toThrow(/indexing must be one of/);
    expect(() => torch.cross(torch.zeros(2, 2), torch.zeros(2, 2))).toThrow(/no dimension of size 3/);
    expect(() => torch.tensordot(torch.zeros(2, 3), torch.zeros(2, 3), 1)).toThrow(/contracted dimensions need to match/);
    expect(() => torch.zeros(3).unfold(0, 4, 1)).toThrow(/maximum size for tensor at dimension 0 is 3 but size is 4/);
    expect(() => torch.zeros(4).as_strided([3], [2])).toThrow("setStorage: sizes [3], strides [2], storage offset 0, and itemsize 4 requiring a storage size of 20 are out of bounds for storage of size 16");
    expect(() => torch.slice_scatter(torch.zeros(4, 4), torch.zeros(2, 4), 0, 0, 3)).toThrow(/expected src to have a size equal to the slice of self/);
    expect(() => torch.block_diag(torch.zeros(1, 1, 1))).toThrow(/must have 2 or fewer dimensions/);
    expect(() => torch.hsplit(torch.zeros(2, 3), 2)).toThrow(/not divisible by the split_size 2/);
    expect(() => torch.vsplit(torch.zeros(3), 1)).toThrow(/at least 2 dimension/);
    expect(() => torch.diagonal_scatter(torch.zeros(3, 3), torch.zeros(2))).toThrow(/expected src to have a size equal to the slice/);
    expect(() => torch.select_scatter(torch.zeros(3, 3), torch.zeros(3), 0, 3)).toThrow(/out of range/);
    expect(() => torch.vdot(torch.zeros(2, 2), torch.zeros(2))).toThrow(/1D tensors expected/);
  });
});
