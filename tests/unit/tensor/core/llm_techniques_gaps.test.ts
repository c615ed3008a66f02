/**
 * Gaps the llm_techniques probe found (makeMoE's full_like(-inf) router, index_add_ dispatch, int8 quantization's
 * round, DPO's logsigmoid), each against torch 1.13 (tests/fixtures/torch/tutorials/llm_techniques.json, "gaps",
 * from scripts/fixtures/llm_techniques_fixtures.py).
 */
import { describe, expect, it } from "vitest";
import { F, nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { raised, tutorialFixture } from "../tutorials/helpers";

type TD = { shape: number[]; dtype: string; data: (number | string)[] };
const g = tutorialFixture<{ gaps: Record<string, Record<string, [string, string] | TD>> }>("llm_techniques.json").gaps;
function expectTD(t: Tensor, e: TD): void {
  expect([t.shape, String(t.dtype).replace("torch.", "")]).toEqual([e.shape, e.dtype]);
  expect((t.reshape(-1).tolist() as (number | boolean)[]).map((v) => { const n = Number(v); return n === -Infinity ? "-inf" : n === Infinity ? "inf" : n; })).toEqual(e.data);
}
const L = (...v: number[]) => torch.tensor(v, { dtype: torch.long });

describe("an int64 (and int8 / int32) fill with a non-finite value overflows", () => {
  const f = g.int64_fill;
  it("full_like / full / fill_ / new_full / masked_fill / torch.tensor", () => {
    expect(raised(() => torch.full_like(L(1, 2), -Infinity))).toEqual(f.full_like);
    expect(raised(() => torch.full_like(L(1, 2), NaN))).toEqual(f.full_like_nan);
    expect(raised(() => torch.full([2], -Infinity, { dtype: torch.long }))).toEqual(f.full);
    expect(raised(() => L(1, 2).fill_(Infinity))).toEqual(f.fill_);
    expect(raised(() => L(1, 2).new_full([2], -Infinity))).toEqual(f.new_full);
    expect(raised(() => L(1, 2).masked_fill(torch.tensor([true, false]), -Infinity))).toEqual(f.masked_fill);
    expect(raised(() => torch.tensor([Infinity], { dtype: torch.long }))).toEqual(f.tensor);
    expect(raised(() => torch.full_like(torch.tensor([1], { dtype: torch.int8 }), NaN))).toEqual(f.int8_nan);
    expect(raised(() => torch.full([1], NaN, { dtype: torch.int32 }))).toEqual(f.int32_nan);
  });
  it("finite values still truncate; a float dtype or a bool tensor takes -inf", () => {
    expectTD(torch.full_like(L(1, 2), -2.7), f.frac as TD);
    expectTD(torch.full([1], -(2 ** 53), { dtype: torch.long }), f.edge as TD);
    expectTD(torch.full_like(L(1, 2), -Infinity, { dtype: torch.float32 }), f.float_dtype as TD);
    expectTD(torch.full_like(torch.tensor([true]), -Infinity), f.bool_inf as TD);
  });
});

describe("index_add_ checks the index count against source.size(dim) first, then the slices broadcast", () => {
  const e = g.index_add;
  it("torch 1.13's messages", () => {
    expect(raised(() => torch.zeros(4, 2).index_add_(0, L(0, 2), torch.ones(3, 2)))).toEqual(e.count);
    expect(raised(() => torch.zeros(4, 2).index_add_(1, L(0, 1, 1), torch.ones(4, 2)))).toEqual(e.count_dim1);
    expect(raised(() => torch.index_add(torch.zeros(4, 2), 0, L(0, 2), torch.ones(3, 2)))).toEqual(e.count_oop);
    expect(raised(() => torch.tensor(0.).index_add_(0, L(0), torch.ones(2)))).toEqual(e.self0d);
    expect(raised(() => torch.zeros(4, 2).index_add_(0, L(0, 2), torch.ones(2, 3)))).toEqual(e.other_dim);
    expect(raised(() => torch.zeros(3, 4, 2).index_add_(1, L(0, 2), torch.ones(3, 2, 5)))).toEqual(e.other_dim1);
    expect(raised(() => torch.zeros(4, 2).index_add_(0, L(0, 2), torch.ones(2, 2, 1)))).toEqual(e.more_dims);
  });
  it("a source whose slices broadcast to self's is taken; its backward raises torch's expand_as error", () => {
    const b = g.index_add_broadcast as Record<string, TD & [string, string]>;
    const src = torch.tensor([1.0, 2.0], { requires_grad: true });
    const out = torch.zeros(4, 2).index_add(0, L(0, 2), src, { alpha: 0.5 });
    expectTD(out, b.rows);
    expect(raised(() => out.sum().backward())).toEqual(b.rows_backward);
    const src2 = torch.tensor([[1.0], [2.0]], { requires_grad: true });
    const out2 = torch.zeros(3, 4, 2).index_add(1, L(3, 0), src2.reshape(1, 2, 1));
    expectTD(out2, b.mid);
    expect(raised(() => out2.sum().backward())).toEqual(b.mid_backward);
    const self = torch.zeros(4, 2);
    self.index_add_(0, L(1, 1), torch.tensor([[3.0], [4.0]]));
    expectTD(self, b.inplace_dup);
  });
});

describe("round of integer / bool tensors", () => {
  const r = g.round;
  it("decimals on an integer tensor and any round of a bool tensor raise torch's kernel errors", () => {
    expect(raised(() => torch.round(torch.tensor([1], { dtype: torch.int8 }), { decimals: 1 }))).toEqual(r.int8_decimals);
    expect(raised(() => torch.round(L(1), { decimals: 0 }))).toEqual(r.long_decimals0);
    expect(raised(() => torch.tensor([1], { dtype: torch.int32 }).round({ decimals: 2 }))).toEqual(r.int32_method);
    expect(raised(() => torch.round(torch.tensor([true])))).toEqual(r.bool);
    expect(raised(() => torch.round(torch.tensor([true]), { decimals: 1 }))).toEqual(r.bool_decimals);
    expect(raised(() => torch.special.round(L(1), { decimals: 1 }))?.[1]).toBe('"round_cpu" not implemented for \'Long\'');
  });
  it("a plain round of an integer tensor is a copy; decimals=0 on floats rounds half to even", () => {
    expectTD(torch.round(L(3, -4)), r.long_plain as TD);
    expectTD(torch.round(torch.tensor([2.5, 3.5]), { decimals: 0 }), r.float_decimals0 as TD);
  });
});

describe("F.logsigmoid of an integer or bool tensor", () => {
  const e = g.logsigmoid;
  it("raises torch's log_sigmoid_cpu kernel error (the engine computed it in float)", () => {
    expect(raised(() => F.logsigmoid(L(1)))).toEqual(e.long);
    expect(raised(() => F.logsigmoid(torch.tensor([1], { dtype: torch.int8 })))).toEqual(e.int8);
    expect(raised(() => F.logsigmoid(torch.tensor([true])))).toEqual(e.bool);
    expect(raised(() => new nn.LogSigmoid()(L(1)))).toEqual(e.module);
  });
});

describe("expand reports the rightmost mismatching dim first, as torch's inferExpandGeometry", () => {
  const e = g.expand;
  it("torch 1.13's messages", () => {
    expect(raised(() => torch.ones(3, 2, 2).expand(1, 2, 1))).toEqual(e.rightmost);
    expect(raised(() => torch.ones(3, 2).expand(-1, 4, 2))).toEqual(e.lead_and_bad);
  });
});

describe("bincount (an MoE's tokens per expert) checks the dtype first, in torch 1.13's words", () => {
  const e = g.bincount;
  it("messages and an int8 input", () => {
    expect(raised(() => torch.bincount(torch.tensor([1.0, 2.0])))).toEqual(e.float);
    expect(raised(() => torch.bincount(torch.ones(2, 2)))).toEqual(e.float_2d);
    expect(raised(() => torch.bincount(torch.tensor([true, false])))).toEqual(e.bool);
    expect(raised(() => torch.bincount(torch.ones([2, 2], { dtype: torch.long })))).toEqual(e.long_2d);
    expect(raised(() => torch.bincount(L(1, 2), { weights: torch.ones(3) }))).toEqual(e.weights_len);
    expect(raised(() => torch.bincount(L(1, 2), { minlength: -1 }))).toEqual(e.minlength);
    expectTD(torch.bincount(torch.tensor([1, 2], { dtype: torch.int8 })), e.int8 as TD);
  });
});
