/**
 * "Introduction to PyTorch Tensors" (the Introduction to PyTorch video series), every snippet in
 * order: creating tensors (empty / zeros / ones / rand, seeded streams, *_like, torch.tensor),
 * data types, math and logic with broadcasting (and its failures), the function zoo (rounding,
 * trig, bitwise, comparisons, reductions, vector and linear algebra), altering tensors in place
 * and with out=, copying (aliases, clone, detach), manipulating shapes (unsqueeze / squeeze /
 * reshape / view) and the NumPy bridge (here: typed arrays). Seeded draws match torch 1.13
 * (tensors2.json). Python's int literals become int64 with `dtype: torch.long` (a JS number does not
 * say whether it is an int); int16 / int32 are real dtypes (torch.ones((2, 3), dtype=torch.int16)
 * prints as torch's, b.to(torch.int32) truncates).
 */
import { describe, expect, it } from "vitest";
import { torch, type Tensor } from "../../../../lib/tensor/index";
import { expectClose } from "../core/fixtures";
import { tutorialFixture } from "./helpers";

type Fx = { shape: number[]; data: number[] };
const ref = tutorialFixture<Record<string, Fx | number[] | number>>("tensors2.json");
const R = (k: string) => (ref[k] as Fx).data;

describe("Introduction to PyTorch Tensors: creating tensors", () => {
  it("empty / zeros / ones / rand, seeded random streams, *_like and torch.tensor", () => {
    const x = torch.empty(3, 4);
    expect(x).toBeInstanceOf(torch.Tensor);
    expect(x.shape).toEqual([3, 4]);
    expect(torch.zeros(2, 3).tolist()).toEqual([[0, 0, 0], [0, 0, 0]]);
    expect(torch.ones(2, 3).sum().item()).toBe(6);

    torch.manual_seed(1729);
    const random = torch.rand(2, 3);
    expectClose(random, R("r1"), 0, 0, "rand after manual_seed(1729)");

    torch.manual_seed(1729);
    const random1 = torch.rand(2, 3);
    const random2 = torch.rand(2, 3);
    torch.manual_seed(1729);
    const random3 = torch.rand(2, 3);
    const random4 = torch.rand(2, 3);
    expect(random3.equal(random1)).toBe(true);
    expect(random4.equal(random2)).toBe(true);
    expectClose(random2, R("r2"), 0, 0, "second draw");
    expectClose(random4, R("r4"), 0, 0, "second draw after reseeding");

    const y = torch.empty(2, 2, 3);
    expect(y.shape).toEqual([2, 2, 3]);
    expect(torch.empty_like(y).shape).toEqual([2, 2, 3]);
    expect(torch.zeros_like(y).sum().item()).toBe(0);
    expect(torch.ones_like(y).sum().item()).toBe(12);
    const rand_like_x = torch.rand_like(y);
    expect(rand_like_x.shape).toEqual([2, 2, 3]);
    expect(rand_like_x.min().item()).toBeGreaterThanOrEqual(0);

    const some_constants = torch.tensor([[3.1415926, 2.71828], [1.61803, 0.0072897]]);
    expect(String(some_constants)).toBe("tensor([[3.1416, 2.7183],\n        [1.6180, 0.0073]])");
    const some_integers = torch.tensor([2, 3, 5, 7, 11, 13, 17, 19], { dtype: torch.long });
    expect(String(some_integers)).toBe("tensor([ 2,  3,  5,  7, 11, 13, 17, 19])");
    const more_integers = torch.tensor([[2, 4, 6], [3, 6, 9]], { dtype: torch.long }); // a tuple of tuples
    expect(more_integers.shape).toEqual([2, 3]);
    expect(String(torch.tensor(3.1415926))).toBe("tensor(3.1416)");
  });

  it("data types: int16 and float64 print their dtype, casting with .to(torch.int32) truncates", () => {
    expect(String(torch.ones([2, 3], { dtype: torch.int16 }))).toBe("tensor([[1, 1, 1],\n        [1, 1, 1]], dtype=torch.int16)");
    const b = torch.rand([2, 3], { dtype: torch.float64 }).mul(20);
    expect(String(torch.ones([2, 3], { dtype: torch.float64 }))).toBe("tensor([[1., 1., 1.],\n        [1., 1., 1.]], dtype=torch.float64)");
    const c32 = b.to(torch.int32);
    expect(c32.dtype).toBe(torch.int32);
    expect(c32.tolist()).toEqual((b.tolist() as number[][]).map((row) => row.map(Math.trunc)));
    const c = b.to(torch.int64);
    expect(c.dtype).toBe(torch.int64);
    expect(c.tolist()).toEqual((b.tolist() as number[][]).map((row) => row.map(Math.trunc)));
    expect(b.dtype.is_floating_point).toBe(true);
  });
});

describe("Introduction to PyTorch Tensors: math and logic", () => {
  it("scalar arithmetic, elementwise ops between tensors, and broadcasting (with its errors)", () => {
    const ones = torch.zeros(2, 2).add(1);
    const twos = torch.ones(2, 2).mul(2);
    const threes = torch.ones(2, 2).mul(7).sub(1).div(2);
    const fours = twos.pow(2);
    const sqrt2s = twos.pow(0.5);
    expect(ones.tolist()).toEqual([[1, 1], [1, 1]]);
    expect(threes.tolist()).toEqual([[3, 3], [3, 3]]);
    expect(fours.tolist()).toEqual([[4, 4], [4, 4]]);
    expect(sqrt2s.index(0, 0).item()).toBeCloseTo(Math.SQRT2, 6);
    const powers2 = twos.pow(torch.tensor([[1, 2], [3, 4]]));
    expect(powers2.tolist()).toEqual([[2, 4], [8, 16]]);
    const fives = ones.add(fours);
    const dozens = threes.mul(fours);
    expect(fives.tolist()).toEqual([[5, 5], [5, 5]]);
    expect(dozens.tolist()).toEqual([[12, 12], [12, 12]]);
    const a = torch.rand(2, 3);
    const b = torch.rand(3, 2);
    expect(() => a.mul(b)).toThrow(/cannot be broadcast|must match/);

    const rand = torch.rand(2, 4);
    const doubled = rand.mul(torch.ones(1, 4).mul(2));
    expect(doubled.equal(rand.mul(2))).toBe(true);

    const t = torch.ones(4, 3, 2);
    expect(t.mul(torch.rand(3, 2)).shape).toEqual([4, 3, 2]); // 3rd & 2nd dims identical to a, dim 1 absent
    const c = t.mul(torch.rand(3, 1)); // 3rd dim = 1, 2nd dim identical to a
    expect(c.index(0).equal(c.index(3))).toBe(true);
    const d = t.mul(torch.rand(1, 2)); // 3rd dim identical to a, 2nd dim = 1
    expect(d.index(0, 0).equal(d.index(0, 2))).toBe(true);
    expect(() => t.mul(torch.rand(4, 3))).toThrow(/cannot be broadcast|must match/); // dims must match last-to-first
    expect(() => t.mul(torch.rand(2, 3))).toThrow(/cannot be broadcast|must match/); // both 3rd & 2nd dims different
    expect(() => t.mul(torch.rand([0]))).toThrow(/cannot be broadcast|must match/); // can't broadcast with an empty tensor
  });

  it("the function zoo: rounding, clamp, trig, bitwise, comparisons, reductions, vector and linear algebra", () => {
    const a = torch.rand(2, 4).mul(2).sub(1);
    expect(torch.abs(a).min().item()).toBeGreaterThanOrEqual(0);
    expect(torch.ceil(a).sub(a).min().item()).toBeGreaterThanOrEqual(0);
    expect(torch.floor(a).sub(a).max().item()).toBeLessThanOrEqual(0);
    const clamped = torch.clamp(a, -0.5, 0.5);
    expect(clamped.abs().max().item()).toBeLessThanOrEqual(0.5);

    const angles = torch.tensor([0, Math.PI / 4, Math.PI / 2, (3 * Math.PI) / 4]);
    const sines = torch.sin(angles);
    const inverses = torch.asin(sines);
    expectClose(inverses, [0, Math.PI / 4, Math.PI / 2, Math.PI / 4], 1e-6, 1e-3, "asin(sin(angles))");

    const b = torch.tensor([1, 5, 11], { dtype: torch.long });
    const c = torch.tensor([2, 7, 10], { dtype: torch.long });
    expect(torch.bitwise_xor(b, c).tolist()).toEqual([3, 2, 1]);

    const d = torch.tensor([[1.0, 2.0], [3.0, 4.0]]);
    const e = torch.ones(1, 2); // many comparison ops support broadcasting!
    expect(torch.eq(d, e).tolist()).toEqual([[true, false], [false, false]]);

    expect(torch.max(d).item()).toBe(4);
    expect(torch.mean(d).item()).toBe(2.5);
    const [std, mean] = torch.std_mean(d);
    expect(mean.item()).toBe(2.5);
    expect(std.item()).toBeCloseTo(Math.sqrt(5 / 3), 6);
    expect(torch.prod(d).item()).toBe(24);
    expect((torch.unique(torch.tensor([1, 2, 1, 2, 1, 2], { dtype: torch.long })) as Tensor).tolist()).toEqual([1, 2]);

    const v1 = torch.tensor([1.0, 0.0, 0.0]); // x unit vector
    const v2 = torch.tensor([0.0, 1.0, 0.0]); // y unit vector
    const m1 = torch.rand(2, 2);
    const m2 = torch.tensor([[3.0, 0.0], [0.0, 3.0]]); // three times identity matrix
    expect(torch.cross(v2, v1).tolist()).toEqual([0, 0, -1]); // negative of z unit vector (v1 x v2 == -v2 x v1)
    const m3 = torch.matmul(m1, m2);
    expect(m3.allclose(m1.mul(3))).toBe(true);

    torch.manual_seed(7);
    const ma = torch.rand(2, 4);
    const mb = torch.rand(4, 2);
    expectClose(ma, R("a"), 0, 0, "seeded 2x4");
    const prod = torch.matmul(ma, mb);
    expectClose(prod, R("mm"), 1e-6, 1e-7, "matmul");
    const [, S] = torch.svd(prod);
    expectClose(S, R("svd_S"), 1e-5, 1e-6, "singular values");
    expect(torch.det(prod).item()).toBeCloseTo(ref.det as number, 5);
    const [sd, mn] = torch.std_mean(ma);
    expectClose([sd.item(), mn.item()], ref.std_mean as number[], 1e-6, 1e-7, "std_mean");
    expect(ma.max().item()).toBe(ref.max);
  });
});

describe("Introduction to PyTorch Tensors: in place, out=, copies, shapes, NumPy bridge", () => {
  it("in-place methods and out= reuse the tensor they write to", () => {
    const a = torch.tensor([0, Math.PI / 4, Math.PI / 2, (3 * Math.PI) / 4]);
    const s = torch.sin(a);
    expect(a.index(1).item()).toBeCloseTo(Math.PI / 4, 6); // a unchanged
    const b = torch.tensor([0, Math.PI / 4, Math.PI / 2, (3 * Math.PI) / 4]);
    const r = torch.sin_(b);
    expect(r).toBe(b);
    expect(b.equal(s)).toBe(true);

    const x = torch.ones(2, 2);
    const y = torch.rand(2, 2);
    const before = x.clone();
    x.add_(y);
    expect(x.equal(before.add(y))).toBe(true);
    x.mul_(y);
    expect(x.allclose(before.add(y).mul(y))).toBe(true);

    const m = torch.rand(2, 2);
    const n = torch.rand(2, 2);
    const c = torch.zeros(2, 2);
    const old_id = c;
    const d = torch.matmul(m, n, { out: c });
    expect(c.equal(torch.matmul(m, n))).toBe(true);
    expect(d).toBe(old_id); // make sure that our new c is the same object as the old one
    const e = torch.rand([2, 2], { out: c });
    expect(e).toBe(c);
    expect(c.equal(torch.matmul(m, n))).toBe(false);
  });

  it("assignment aliases, clone copies, detach leaves autograd; shapes: unsqueeze / squeeze / reshape / view", () => {
    const a = torch.ones(2, 2);
    const b = a;
    a.index_put_([0, 1], 561); // we change a...
    expect(b.index(0, 1).item()).toBe(561); // ...and b is also altered

    const c = torch.ones(2, 2);
    const d = c.clone();
    expect(d.equal(c)).toBe(true); // same values
    expect(d).not.toBe(c); // different objects
    c.index_put_([0, 1], 561);
    expect(d.index(0, 1).item()).toBe(1); // d untouched

    const g = torch.rand([2, 2], { requires_grad: true });
    const h = g.clone();
    expect(h.requires_grad).toBe(true);
    expect(String(h.grad_fn)).toBe("<CloneBackward0>");
    const i = g.detach().clone();
    expect(i.requires_grad).toBe(false);

    const img = torch.rand(3, 226, 226);
    const batch = img.unsqueeze(0);
    expect(batch.shape).toEqual([1, 3, 226, 226]);
    const out = torch.rand(1, 20);
    expect(out.squeeze(0).shape).toEqual([20]);
    const z = torch.rand(2, 2);
    expect(z.squeeze(0).shape).toEqual([2, 2]); // size 2 is not squeezed
    const m = torch.ones(4, 3, 2);
    const cc = m.mul(torch.rand(3).unsqueeze(1)); // 3 -> 3x1 broadcasts along the last dimension
    expect(cc.shape).toEqual([4, 3, 2]);
    const bb = torch.rand(3, 226, 226);
    bb.unsqueeze_(0);
    expect(bb.shape).toEqual([1, 3, 226, 226]);
    bb.squeeze_(0);
    expect(bb.shape).toEqual([3, 226, 226]);

    const output3d = torch.rand(6, 20, 20);
    const input1d = output3d.reshape(6 * 20 * 20);
    expect(input1d.shape).toEqual([2400]);
    expect(torch.reshape(output3d, [6 * 20 * 20]).shape).toEqual([2400]);
    input1d.index_put_([0], -7); // reshape of a contiguous tensor is a view: the change shows through
    expect(output3d.index(0, 0, 0).item()).toBe(-7);
    expect(output3d.view(-1, 20).shape).toEqual([120, 20]);
    expect(() => output3d.transpose(0, 2).view(-1)).toThrow(/view size is not compatible/);
  });

  it("the NumPy bridge: typed arrays and tensors share memory both ways", () => {
    const numpy_array = new Float64Array([1, 1, 1, 1, 1, 1]);
    const shared = torch.from_numpy(numpy_array); // a typed array plays NumPy's part, shared as in PyTorch
    expect(shared.shape).toEqual([6]);
    const pytorch_tensor = torch.from_array(numpy_array, [2, 3]);
    expect(pytorch_tensor.dtype).toBe(torch.float64);
    numpy_array[1 * 3 + 1] = 23;
    expect(pytorch_tensor.index(1, 1).item()).toBe(23);
    expect(shared.index(4).item()).toBe(23);

    const pytorch_rand = torch.rand(2, 3);
    const numpy_rand = pytorch_rand.numpy();
    pytorch_rand.index_put_([1, 1], 17);
    expect(numpy_rand[4]).toBe(17);
    const as_list = (pytorch_rand as Tensor).tolist() as number[][];
    expect(as_list[1][1]).toBe(17);
  });
});
