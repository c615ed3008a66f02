/**
 * Gaps the fourth tutorial batch found (tests/unit/tensor/tutorials/*4.test.ts), against torch 1.13
 * (gaps4.json, scripts/fixtures/tutorial4_fixtures.py): gather / scatter / scatter_add count a 0-d
 * self, index or src as 1-d of size 1 (the Datasets & DataLoaders tutorial's one-hot
 * `torch.zeros(10).scatter_(0, torch.tensor(y), value=1)`), and scatter_ takes value= / src= by keyword.
 */
import { describe, expect, it } from "vitest";
import { torch, type Tensor } from "../../../../lib/tensor/index";
import { tutorialFixture } from "../tutorials/helpers";

type TD = { shape: number[]; dtype: string; data: number[] };
/** An int64 index tensor: JS numbers carry no int type, so torch.tensor(3) is float32 here; torch.long says it. */
const L = (v: number | number[]) => torch.tensor(v, { dtype: torch.long });
const ref = tutorialFixture<Record<string, TD>>("gaps4.json");
const same = (t: Tensor, r: TD) => {
  expect(t.shape).toEqual(r.shape);
  expect(String(t.dtype)).toBe(`torch.${r.dtype}`);
  expect(t.reshape(-1).tolist()).toEqual(r.data);
};

describe("gather / scatter with 0-d tensors, scatter_'s keywords", () => {
  it("equal torch's values and shapes", () => {
    same(torch.zeros(10, { dtype: torch.float }).scatter_(0, L(3), { value: 1 }), ref.one_hot);
    same(torch.zeros(5).scatter_(0, L([4, 1]), { src: torch.tensor([7, 8]) }), ref.scatter_src_kw);
    same(torch.zeros(4).scatter(0, L([2]), torch.tensor(5)), ref.scatter_0d_src);
    same(torch.arange(4).to(torch.float32).scatter_add(0, L(1), torch.tensor(5)), ref.scatter_add_0d);
    same(torch.tensor(2).scatter(0, L([0]), 9), ref.scatter_0d_self);
    same(torch.tensor(2).gather(0, L([0, 0])), ref.gather_0d_self);
    same(torch.arange(5).to(torch.float32).gather(0, L(3)), ref.gather_0d_index);
    same(torch.ones(4).scatter_(0, L(2), 3, { reduce: "add" }), ref.scatter_reduce_add);
    same(torch.ones(4).scatter_(0, L(2), { value: 3, reduce: "add" }), ref.scatter_reduce_add);
  });

  it("keeps torch's errors: a 0-d index into a 2-d self, both or neither of src / value", () => {
    const x = torch.zeros(2, 3);
    expect(() => x.scatter(0, L(1), 1)).toThrow(/Index tensor must have the same number of dimensions/);
    expect(x.sum().item()).toBe(0);
    expect(() => torch.zeros(3).scatter_(0, L(1), { src: torch.ones(1), value: 1 })).toThrow(/both src and value/);
    expect(() => torch.zeros(3).scatter_(0, L(1), {})).toThrow(/missing 1 required positional argument: 'src'/);
    expect(() => torch.zeros(3).scatter_(0, L(1), { values: 1 } as never)).toThrow(/unexpected keyword argument 'values'/);
  });

  it("gradchecks in float64 through the lifted 0-d forms", () => {
    const opts = { dtype: torch.float64, requires_grad: true };
    const a = torch.tensor(1.5, opts);
    const src = torch.tensor(0.7, opts);
    const v = torch.randn([5], { generator: new torch.Generator(1), ...opts });
    expect(torch.autograd.gradcheck((s: Tensor, t: Tensor) => s.gather(0, L([0, 0])).mul(t.index(":2")), [a, v])).toBe(true);
    expect(torch.autograd.gradcheck((t: Tensor) => t.gather(0, L(3)), [v])).toBe(true);
    expect(torch.autograd.gradcheck((t: Tensor, s: Tensor) => t.scatter(0, L(2), s), [v, src])).toBe(true);
    expect(torch.autograd.gradcheck((t: Tensor, s: Tensor) => t.scatter_add(0, L(1), s), [v, src])).toBe(true);
    expect(torch.autograd.gradcheck((s: Tensor) => s.scatter(0, L([0]), 4), [a])).toBe(true);
  });
});
