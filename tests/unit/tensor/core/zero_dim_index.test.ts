/**
 * Indexing with a 0-d integer tensor and slices bounded by tensors, as torch 1.13 does them
 * (tests/fixtures/torch/core/zero_dim_index.json, scripts/fixtures/zero_dim_index_fixtures.py).
 * Found by the "Zero to Hero" probe (tutorials/zero_to_hero.test.ts): makemore's backprop-ninja
 * `dC[ix] += demb[k, j]` with ix = Xb[k, j] needs x[ix] to be a select (a view), and GPT's
 * get_batch `data[i:i+block_size] for i in ix` needs slice bounds read through __index__; the
 * lecture's emb = C[X] prints grad_fn=<IndexBackward0>.
 */
import { describe, expect, it } from "vitest";
import { torch, type Tensor } from "../../../../lib/tensor/index";
import { loadFixture } from "./fixtures";

interface Stored {
  shape: number[];
  data: number[];
}
const ref = loadFixture<{
  select: { out: Stored; grad_fn: string; is_view: boolean; grad: Stored };
  select_int32: Stored;
  select_two: number;
  select_then_list: Stored;
  list_then_select: Stored;
  out_of_range: [string, string];
  accumulate: Stored;
  view_add_: Stored;
  assign_cast: Stored;
  slice_tensors: number[];
  slice_one_element: number[];
  slice_bool: number[];
  slice_step: number[];
  slice_float: [string, string];
  slice_two_elements: [string, string];
  slice_float_number: [string, string];
  get_batch: number[][];
  grad_fn_names: Record<string, string>;
}>("zero_dim_index.json");

const long = (v: number | number[]): Tensor => torch.tensor(v, { dtype: torch.long });
const same = (t: Tensor, s: Stored): void => {
  expect(t.shape).toEqual(s.shape);
  expect(t.reshape(-1).tolist()).toEqual(s.data);
};
const raises = (fn: () => unknown, [type, message]: [string, string]): void => {
  expect(fn).toThrow(message);
  try {
    fn();
  } catch (e) {
    expect((e as Error).name).toBe(type);
  }
};

describe("x[i] with a 0-d integer tensor i is a select", () => {
  it("values, SelectBackward0, a view, its gradient", () => {
    const x = torch.arange(12, { dtype: torch.float32 }).view(4, 3).requires_grad_();
    const y = x.index(long(2));
    same(y.detach(), ref.select.out);
    expect(y.grad_fn!.name()).toBe(ref.select.grad_fn);
    expect(y._base !== null).toBe(ref.select.is_view); // torch: y._is_view()
    y.sum().backward();
    same(x.grad!, ref.select.grad);
  });

  it("int32 index, two 0-d indices, mixed with an index list, out of range", () => {
    const x = torch.arange(12, { dtype: torch.float32 }).view(4, 3);
    same(x.index(torch.tensor(1, { dtype: torch.int32 })), ref.select_int32);
    expect(x.index(long(1), long(-1)).item()).toBe(ref.select_two);
    same(x.index(long(1), long([0, 2])), ref.select_then_list);
    same(x.index(long([0, 2]), long(1)), ref.list_then_select);
    raises(() => x.index(long(7)), ref.out_of_range);
  });

  it("dC[ix] += v writes through the view; x[i] = float64 values casts", () => {
    const dC = torch.zeros(4, 3);
    for (const k of [1, 3, 1]) dC.index(long(k)).add_(torch.tensor([1.0, 2.0, 3.0]));
    same(dC, ref.accumulate);
    const view = torch.zeros(4, 3);
    view.index(long(2)).add_(5);
    same(view, ref.view_add_);
    const z = torch.zeros(4, 3);
    z.index_put_([long(2)], torch.tensor([1.5, 2.5, 3.5], { dtype: torch.float64 }));
    same(z, ref.assign_cast);
  });
});

describe("x[idx] with one index list", () => {
  it("is named IndexBackward0 as torch's aten::index (index_select stays IndexSelectBackward0)", () => {
    const C = torch.randn([5, 2], { requires_grad: true });
    const names: Record<string, string> = {
      "C[tensor([1, 2])]": C.index(long([1, 2])).grad_fn!.name(),
      "C[[1, 2]]": C.index([1, 2]).grad_fn!.name(),
      "C[tensor([[1, 2]])]": C.index(torch.tensor([[1, 2]], { dtype: torch.long })).grad_fn!.name(),
      "C[1, [0, 1]]": C.index(1, [0, 1]).grad_fn!.name(),
      "C[:, [1]]": C.index(null, [1]).grad_fn!.name(),
      "C.index_select(0, tensor([1]))": C.index_select(0, long([1])).grad_fn!.name(),
    };
    expect(names).toEqual(ref.grad_fn_names);
    expect(String(C.index(long([0])))).toMatch(/grad_fn=<IndexBackward0>\)$/);
  });
});

describe("torch.slice bounds read through __index__", () => {
  it("0-d, one-element and bool tensors as bounds and step; get_batch's data[i:i+4] for i in ix", () => {
    const data = torch.arange(20);
    expect(data.index(torch.slice(long(3), long(8))).tolist()).toEqual(ref.slice_tensors);
    expect(data.index(torch.slice(long([3]), 8)).tolist()).toEqual(ref.slice_one_element);
    expect(data.index(torch.slice(torch.tensor(true), 4)).tolist()).toEqual(ref.slice_bool);
    expect(data.index(torch.slice(2, 12, long(3))).tolist()).toEqual(ref.slice_step);
    const ix = long([0, 5, 9]);
    expect(torch.stack([...ix].map((i) => data.index(torch.slice(i, i.item() + 4)))).tolist()).toEqual(ref.get_batch);
  });

  it("a float or longer tensor, a fractional number and a string raise TypeError", () => {
    const data = torch.arange(20);
    raises(() => data.index(torch.slice(torch.tensor(1.0), 5)), ref.slice_float);
    raises(() => data.index(torch.slice(long([1, 2]), 5)), ref.slice_two_elements);
    raises(() => data.index(torch.slice(1.5, 5)), ref.slice_float_number);
    // JS makes `i + 4` with a tensor i the string "tensor(3)4"; the slice says so instead of failing later
    const i = long(3);
    expect(() => torch.slice(i, (i as unknown as string) + 4 as unknown as number)).toThrow(/slice indices must be integers.*i\.item\(\) \+ 8/);
  });
});
