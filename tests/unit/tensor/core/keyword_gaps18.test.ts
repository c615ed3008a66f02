/**
 * Keyword forms tutorials write that were refused: torch.hstack(tensors=[a, b]) / vstack / dstack / column_stack /
 * row_stack ("hstack() got an unexpected keyword argument 'tensors'"), the binary ops' other by keyword beside their own
 * keywords (x.add(other=y, alpha=2), torch.div(x, other=y, rounding_mode='trunc'): "argument 'other' must be a Tensor
 * or a number, not object"), and nn.Embedding / nn.EmbeddingBag.from_pretrained with their arguments positional
 * (from_pretrained(w, False, 1) dropped freeze and padding_idx) or, for EmbeddingBag, embeddings by keyword
 * ("embeddings.dim is not a function"), and operands by keyword of functions outside the fixed-arity tables
 * (torch.where(condition=, input=, other=), torch.bmm(input=, mat2=), x.lerp(end=, weight=), x.index_add_(dim=,
 * index=, source=, alpha=), x.new_full(size, fill_value=), F.layer_norm(x, normalized_shape=), ...: "a.dim is not a
 * function", "normalized_shape is not iterable"). Written as a TS cell writes them (no casts: tsc checks the typings); values vs
 * torch 1.13 (tests/fixtures/torch/keyword_gaps18.json, scripts/fixtures/keyword_gaps18_fixtures.py).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { F, nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectCloseToTorch, type TorchTensor } from "../torch_reference";

type Module = { out: TorchTensor; requires_grad: boolean; padding_idx: number | null; mode: string | null; max_norm: number | null };
const ref = JSON.parse(readFileSync(new URL("../../../fixtures/torch/keyword_gaps18.json", import.meta.url), "utf8")) as Record<string, TorchTensor> &
  Record<string, Module>;

const exact = (got: Tensor, name: string) => expectCloseToTorch(got, ref[name] as TorchTensor, 0, name);

describe("stacking functions take their list by keyword", () => {
  const a = torch.arange(6, { dtype: torch.float32 }).reshape(2, 3);
  const b = torch.arange(6, 12, { dtype: torch.float32 }).reshape(2, 3);
  const v = torch.tensor([1, 2, 3]);
  const w = torch.tensor([5, 6, 7]);
  it("hstack / vstack / dstack / column_stack / row_stack({ tensors })", () => {
    exact(torch.hstack({ tensors: [a, b] }), "hstack");
    exact(torch.vstack({ tensors: [a, b] }), "vstack");
    exact(torch.dstack({ tensors: [a, b] }), "dstack");
    exact(torch.column_stack({ tensors: [v, w] }), "column_stack");
    exact(torch.row_stack({ tensors: [v, w] }), "row_stack");
    exact(torch.hstack([a, b]), "hstack");
    // @ts-expect-error not the parameter's name
    expect(() => torch.vstack({ tensor: [a, b] })).toThrow("vstack() got an unexpected keyword argument 'tensor'");
  });
});

describe("binary ops take other by keyword beside their own keywords", () => {
  const x = torch.tensor([[7, -8, 9], [1, 2, 3]]);
  const y = torch.tensor([[2, -3, 4], [0.5, 1.5, -2.5]]);
  it("add / sub / div / rsub / add_ / mul_", () => {
    exact(x.add({ other: y, alpha: 2 }), "add");
    exact(torch.add({ input: x, other: y }), "torch.add");
    exact(torch.sub(x, { other: y, alpha: 0.5 }), "torch.sub");
    exact(x.div({ other: y, rounding_mode: "floor" }), "div");
    exact(torch.div(x, { other: y, rounding_mode: "trunc" }), "torch.div");
    exact(torch.rsub(x, { other: y, alpha: 2 }), "torch.rsub");
    exact(x.clone().add_({ other: y, alpha: 3 }), "add_");
    exact(x.clone().mul_({ other: y }), "mul_");
  });
  it("the positional forms are unchanged; an unknown key, a doubled or a missing operand raise Python's TypeError", () => {
    exact(x.add(y, { alpha: 2 }), "add");
    // @ts-expect-error rounding_mode is div's
    expect(() => x.add({ other: y, rounding_mode: "floor" })).toThrow("add() got an unexpected keyword argument 'rounding_mode'");
    // @ts-expect-error other twice
    expect(() => torch.add(x, y, { other: y })).toThrow("add() got multiple values for argument 'other'");
    // @ts-expect-error input missing
    expect(() => torch.sub({ other: y })).toThrow("sub() missing 1 required positional argument: 'input'");
  });
});

describe("operands by keyword of functions outside the fixed-arity tables, their own keywords passed on", () => {
  const x = torch.tensor([[7, -8, 9], [1, 2, 3]]);
  const y = torch.tensor([[2, -3, 4], [0.5, 1.5, -2.5]]);
  const L = { dtype: torch.long };
  it("where, bmm, lerp, addmm, addcmul, index_add_, scatter_add, index_put_, masked_scatter, new_full, tile, tril_indices, kthvalue, take_along_dim", () => {
    exact(torch.where({ condition: x.gt(0), input: x, other: y }), "where");
    exact(torch.bmm({ input: x.reshape(1, 2, 3), mat2: y.reshape(1, 3, 2) }), "bmm");
    exact(x.lerp({ end: y, weight: 0.25 }), "lerp");
    expectCloseToTorch(torch.addmm(torch.ones(2, 2), { mat1: x, mat2: y.T, beta: 0.5, alpha: 2 }), ref.addmm as TorchTensor, 1e-5, "addmm");
    exact(torch.addcmul(x, { tensor1: x, tensor2: y, value: 0.5 }), "addcmul");
    exact(torch.zeros(3, 3).index_add_({ dim: 0, index: torch.tensor([0, 2], L), source: x, alpha: 2 }), "index_add_");
    exact(torch.scatter_add(torch.zeros(2, 3), { dim: 1, index: torch.tensor([[0, 0, 2], [1, 1, 1]], L), src: x }), "scatter_add");
    exact(torch.zeros(3).index_put_({ indices: [torch.tensor([0, 2, 0], L)], values: torch.tensor([1, 2, 3]), accumulate: true }), "index_put_");
    exact(torch.zeros(2, 3).masked_scatter({ mask: x.gt(0), source: y }), "masked_scatter");
    exact(x.new_full([2], { fill_value: 7 }), "new_full");
    exact(torch.tile(torch.tensor([1, 2, 3]), { dims: [2] }), "tile");
    exact(torch.tril_indices({ row: 3, col: 3, offset: -1 }), "tril_indices");
    exact(x.kthvalue({ k: 2, dim: 1 }).values, "kthvalue");
    exact(torch.take_along_dim(x, { indices: torch.tensor([[0], [2]], L), dim: 1 }), "take_along_dim");
  });
  it("F.layer_norm(normalized_shape=), F.group_norm(num_groups=)", () => {
    expectCloseToTorch(F.layer_norm(x, { normalized_shape: [3], eps: 1e-3 }), ref.layer_norm as TorchTensor, 1e-5, "layer_norm");
    expectCloseToTorch(F.group_norm(torch.arange(12, { dtype: torch.float32 }).reshape(1, 4, 3), { num_groups: 2 }), ref.group_norm as TorchTensor, 1e-5, "group_norm");
  });
  it("an unknown key is still refused, by the function's own parsing", () => {
    // @ts-expect-error not a keyword of lerp
    expect(() => x.lerp({ end: y, weight: 0.5, zzz: 1 })).toThrow("lerp() got an unexpected keyword argument 'zzz'");
    // @ts-expect-error index_add_ has no value keyword
    expect(() => torch.zeros(3, 3).index_add_({ dim: 0, index: torch.tensor([0], L), source: x.narrow(0, 0, 1), value: 2 })).toThrow("unexpected keyword argument 'value'");
  });
});

describe("torch.autograd.grad(outputs=, inputs=) / backward(tensors=), Module.get_parameter / get_buffer", () => {
  it("a WGAN-GP style gradient penalty through grad with every argument by keyword", () => {
    const want = ref.grad_kw as unknown as { g: TorchTensor; gp: number; x_grad: TorchTensor };
    const xg = torch.tensor([[1, 2], [3, -1]], { requires_grad: true });
    const yg = xg.pow(3).sum(1);
    const [g] = torch.autograd.grad({ outputs: yg, inputs: xg, grad_outputs: torch.ones_like(yg), create_graph: true, retain_graph: true, only_inputs: true });
    const gp = g!.norm(2, { dim: 1 }).sub(1).pow(2).mean();
    gp.backward();
    expectCloseToTorch(g!, want.g, 1e-5, "grad");
    expect(Math.abs(gp.item() - want.gp)).toBeLessThanOrEqual(1e-4 * Math.abs(want.gp));
    expectCloseToTorch(xg.grad!, want.x_grad, 1e-3, "x.grad");
    const xb = torch.tensor([1, 2], { requires_grad: true });
    torch.autograd.backward({ tensors: xb.mul(xb).sum() });
    exact(xb.grad!, "backward_kw");
    // @ts-expect-error inputs missing
    expect(() => torch.autograd.grad({ outputs: yg })).toThrow("grad() missing 1 required positional argument: 'inputs'");
  });
  it("get_parameter / get_buffer by dotted path, torch 1.13's AttributeErrors", () => {
    const m = new nn.Sequential(new nn.Linear(4, 3), new nn.BatchNorm1d(3));
    expect(m.get_parameter("0.weight").shape).toEqual([3, 4]);
    expect(m.get_buffer("1.running_mean").shape).toEqual([3]);
    expect(() => m.get_parameter("0.zzz")).toThrow("Linear has no attribute `zzz`");
    expect(() => m.get_parameter("1.running_mean")).toThrow("`running_mean` is not an nn.Parameter");
    expect(() => m.get_buffer("0.weight")).toThrow("`weight` is not a buffer");
    expect(() => m.get_parameter("5.weight")).toThrow("Sequential has no attribute `5`");
  });
});

describe("nn.Embedding / nn.EmbeddingBag.from_pretrained: arguments positional, by keyword or both", () => {
  const table = () => torch.arange(12, { dtype: torch.float32 }).reshape(4, 3).div(4);
  const idx = torch.tensor([[0, 2, 1], [3, 3, 0]], { dtype: torch.long });
  const check = (m: nn.Embedding | nn.EmbeddingBag, got: Tensor, name: string) => {
    const want = ref[name] as Module;
    expectCloseToTorch(got, want.out, 1e-6, name);
    expect(m.weight.requires_grad, name).toBe(want.requires_grad);
    expect(m.padding_idx, name).toBe(want.padding_idx);
    if (m instanceof nn.EmbeddingBag) expect(m.mode, name).toBe(want.mode);
    else expect(m.max_norm, name).toBe(want.max_norm);
  };
  it("Embedding.from_pretrained", () => {
    const pos = nn.Embedding.from_pretrained(table(), false, 1);
    check(pos, pos.forward(idx), "emb_pos");
    const kw = nn.Embedding.from_pretrained({ embeddings: table(), freeze: false, padding_idx: 1, max_norm: 1.5 });
    check(kw, kw.forward(idx), "emb_kw");
    const mixed = nn.Embedding.from_pretrained(table(), true, { padding_idx: 2 });
    check(mixed, mixed.forward(idx), "emb_mixed");
  });
  it("EmbeddingBag.from_pretrained", () => {
    const pos = nn.EmbeddingBag.from_pretrained(table(), false, null, 2.0, false, "max");
    check(pos, pos.forward(idx), "bag_pos");
    const kw = nn.EmbeddingBag.from_pretrained({ embeddings: table(), freeze: true, mode: "sum", padding_idx: 0 });
    check(kw, kw.forward(idx), "bag_kw");
    const mixed = nn.EmbeddingBag.from_pretrained(table(), false, { mode: "sum", include_last_offset: true });
    check(mixed, mixed.forward(torch.tensor([0, 2, 1, 3, 3], { dtype: torch.long }), torch.tensor([0, 2, 5], { dtype: torch.long })), "bag_mixed");
  });
  it("refuses what torch 1.13 refuses", () => {
    // @ts-expect-error embeddings missing
    expect(() => nn.EmbeddingBag.from_pretrained({ mode: "sum" })).toThrow("from_pretrained() missing 1 required positional argument: 'embeddings'");
    // @ts-expect-error embeddings twice
    expect(() => nn.EmbeddingBag.from_pretrained(table(), { embeddings: table() })).toThrow("from_pretrained() got multiple values for argument 'embeddings'");
    // @ts-expect-error from_pretrained takes no sizes (the embeddings give them)
    expect(() => nn.Embedding.from_pretrained(table(), { num_embeddings: 4 })).toThrow("from_pretrained() got an unexpected keyword argument 'num_embeddings'");
  });
});
