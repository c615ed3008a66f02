/**
 * Engine gaps found by the set_mdn_pixelcnn probe (tests/unit/tensor/tutorials/set_mdn_pixelcnn.test.ts), checked
 * against torch 1.13 (the "gaps" section of tests/fixtures/torch/tutorials/set_mdn_pixelcnn.json, written by
 * scripts/fixtures/set_mdn_pixelcnn_fixtures.py).
 *
 * A uint8 mask with values other than 0 and 1 (deepsets-digitsum's `Z[~mask] = float('-Inf')` on a `.byte()` mask,
 * where ~ gives 254): torch's masked kernels refuse it with "Mask tensor can take 0 and 1 values only" (masked_fill,
 * masked_select, masked_scatter, and `x[mask] = scalar`, which index_put_ sends to masked_fill), while reading x[mask],
 * writing a tensor of values, accumulating, and torch.where take any nonzero byte as true.
 *
 * `x.data = v` (hardmaru's MDN notebook swaps its data by `x_variable.data = y_tensor`): a value that is not a tensor
 * raises torch's TypeError 'Variable data has to be a tensor, but got list' (the engine failed with JavaScript's 'shape
 * is not iterable' or took it), an integer tensor into one that requires grad torch's RuntimeError.
 *
 * Segment pooling (a Deep Sets sum over sets of different sizes): h.split(counts) with counts a tensor raises torch's
 * TypeError 'split_with_sizes(): argument 'split_sizes' (position 2) must be tuple of ints, not Tensor' (the engine
 * failed with 'splitSize.some is not a function'; a float size or a list of floats is refused alike, a one-element
 * tensor is its value); index_add_ out of range or with a negative index raises torch 1.13's CPU IndexError 'index out
 * of range in self' (the engine had its own words and took negative indices).
 *
 * The legacy constructor's sizes (ISAB's nn.Parameter(torch.Tensor(1, num_inds, dim_out)) with a float size): a size
 * after the first that is not an int raises torch's "new(): argument 'size' must be tuple of ints, but found element of
 * type float at pos 3" (the engine said 'data must be a sequence (got float)', torch's words for a lone float, and left
 * out the position for a str / None). Left: torch.Tensor(1, None) fails with JavaScript's TypeError and
 * torch.Tensor(1, 'a') returns (the engine's Tensor constructor reads them before the legacy path; FloatTensor is right).
 */
import { beforeEach, describe, expect, it, vi } from "vitest";
import { nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectT, raised, tutorialFixture } from "../tutorials/helpers";

const ref = tutorialFixture<Record<string, any>>("set_mdn_pixelcnn.json").gaps; // eslint-disable-line @typescript-eslint/no-explicit-any

beforeEach(() => {
  vi.restoreAllMocks();
  vi.spyOn(console, "warn").mockImplementation(() => undefined); // torch's uint8-mask deprecation warnings
});

describe("a uint8 mask of values other than 0 / 1", () => {
  const Z = (): Tensor => torch.arange(6.0).reshape(2, 3).float();
  const m = torch.tensor([[1, 0, 2], [0, 254, 1]], { dtype: torch.uint8 });
  const r = ref.uint8_mask;

  it("refused by the masked kernels and by x[mask] = scalar (torch's masked_fill shortcut)", () => {
    expect(raised(() => Z().index_put_([m], -1))).toEqual(r.set_scalar);
    expect(raised(() => Z().index_put_([m], torch.tensor(-1.0)))).toEqual(r.set_0d);
    expect(raised(() => Z().index_put_([":", m.index(0)], 5))).toEqual(r.set_row);
    expect(raised(() => Z().masked_fill(m, -1))).toEqual(r.masked_fill);
    expect(raised(() => Z().masked_select(m))).toEqual(r.masked_select);
    expect(raised(() => Z().masked_scatter(m, torch.zeros(6)))).toEqual(r.masked_scatter);
  });

  it("read as nonzero = true elsewhere: indexing, a tensor of values, accumulate, where; a 0 / 1 uint8 mask still writes", () => {
    expectT(Z().index(m), r.read, 0);
    expectT(Z().index_put_([m], torch.tensor([1.0, 2, 3, 4])), r.set_tensor, 0);
    expectT(Z().index_put_([m], torch.tensor(1.0), { accumulate: true }), r.put_accumulate, 0);
    expectT(Z().index_put_([":", m.index(0)], torch.tensor([[7.0, 8], [1, 2]])), r.set_row_tensor, 0);
    expectT(torch.where(m, Z(), Z().neg()), r.where, 0);
    expectT(Z().index_put_([torch.tensor([[1, 0, 1], [0, 1, 1]], { dtype: torch.uint8 })], -1), r.ok_01, 0);
  });
});

describe("x.data = v", () => {
  const r = ref.set_data;
  /** Python's `x = torch.zeros(2, requires_grad=rg); x.data = v` (v typed loosely: the learner's value is the point). */
  const setData = (v: unknown, rg = true): Tensor => {
    const x = torch.zeros(2, { requires_grad: rg });
    x.data = v as Tensor;
    return x;
  };

  it("refuses what is not a tensor with torch's TypeError, and an integer tensor into one that requires grad", () => {
    expect(raised(() => setData(torch.tensor([1, 2], { dtype: torch.long })))).toEqual(r.long);
    expectT(setData(torch.tensor([1, 2], { dtype: torch.long }), false), r.long_nograd, 0);
    expect(raised(() => setData(null))).toEqual(r.none);
    expect(raised(() => setData(3))).toEqual(r.int);
    expect(raised(() => setData(3.5))).toEqual(r.float);
    expect(raised(() => setData([1.0, 2.0]))).toEqual(r.list);
    expect(raised(() => setData("a"))).toEqual(r.str);
    expect(raised(() => setData(true))).toEqual(r.bool);
    expect(raised(() => (new nn.Parameter(torch.zeros(2)).data = [1, 2] as unknown as Tensor))).toEqual(r.param_list);
    expectT(setData(torch.ones(3)), r.ok, 0);
  });
});

describe("segment pooling: split by a tensor of sizes, index_add_ out of range", () => {
  const r = ref.set_pooling;
  const h = torch.arange(12.0).reshape(6, 2).float(); // Python's torch.arange(12.) (a JS 12.0 is an integer)
  const batch = torch.tensor([0, 0, 1, 2, 2, 2], { dtype: torch.long });

  it("index_add_ sums by set, refuses an index out of range or negative with torch's IndexError", () => {
    expectT(torch.zeros(3, 2).index_add_(0, batch, h), r.index_add, 0);
    expect(raised(() => torch.zeros(2, 2).index_add_(0, batch, h))).toEqual(r.index_add_oob);
    expect(raised(() => torch.zeros(4).index_add(0, torch.tensor([-1], { dtype: torch.long }), torch.ones(1)))).toEqual(r.index_add_neg);
    expect(raised(() => torch.zeros(2, 2).index_add_(1, torch.tensor([5], { dtype: torch.long }), torch.ones(2, 1)))).toEqual(r.index_add_oob_dim1);
  });

  it("split's sizes as torch's parser reads them: ints and one-element tensors, else its TypeError", () => {
    const sizes = torch.tensor([2, 1, 3], { dtype: torch.long }) as unknown as number[];
    expect(raised(() => h.split(sizes))).toEqual(r.split_tensor);
    expect(raised(() => torch.split(h, sizes))).toEqual(r.torch_split_tensor);
    expect(raised(() => h.split(2.5))).toEqual(r.split_float);
    expect(raised(() => h.split("a" as unknown as number))).toEqual(r.split_str);
    expect(raised(() => h.split([2.5, 3.5]))).toEqual(r.split_list_float);
    expect(raised(() => h.split(null as unknown as number))).toEqual(r.split_none);
    expect(h.split(torch.tensor(2, { dtype: torch.long }) as unknown as number).map((p) => p.shape)).toEqual(r.split_0d);
    expect(h.split([torch.tensor(2, { dtype: torch.long }), 4] as unknown as number[]).map((p) => p.shape)).toEqual(r.split_list_tensor);
    h.split([2, 1, 3]).forEach((p, i) => expectT(p.sum(0), r.pooled_sums[i], 0));
  });
});

describe("torch.Tensor(*sizes) with a size that is not an int", () => {
  const r = ref.legacy_size;
  it("names the element's type and its position, as torch's parser", () => {
    expect(raised(() => torch.Tensor(1, 4, 8.5))).toEqual(r.float_pos3);
    expect(raised(() => torch.FloatTensor(1, null as unknown as number))).toEqual(r.none_pos2);
    expect(raised(() => torch.FloatTensor(1, "a" as unknown as number))).toEqual(r.str_pos2);
    expect(raised(() => torch.LongTensor(2, 3.5))).toEqual(r.long_float_pos2);
    expect(raised(() => torch.Tensor(2.5))).toEqual(r.lone_float);
    expect(raised(() => torch.Tensor(2, -1))).toEqual(r.neg);
  });
});
