/**
 * The keyword forms the engine accepts, written as a learner's TypeScript cell writes them: no casts. tsc (part of
 * npm test) checks their typings; the run checks each gives the positional form's value. The Tensor methods' operands
 * by keyword (x.unsqueeze({ dim: 1 }), a.add({ other: b, alpha: 2 })) take their names from ops/fixed_arity.ts's
 * OPERAND_NAMES (lib/tensor/tensor_operand_keywords.ts), and so do their torch.* forms (torch.unsqueeze(x, { dim: 1 }));
 * the @ts-expect-error lines are names and types a cell is refused.
 */
import { describe, expect, it } from "vitest";
import { F, nn, optim, torch, utils, type Tensor } from "../../../../lib/tensor/index";

describe("keyword forms type-check without casts", () => {
  it("optimizers with params by keyword", () => {
    const p = new nn.Parameter(torch.ones(2));
    expect(new optim.SGD({ params: [p], lr: 0.1, momentum: 0.9 }).param_groups[0].lr).toBe(0.1);
    expect(new optim.Adam({ params: [p], lr: 0.01 }).param_groups[0].lr).toBe(0.01);
    expect(new optim.AdamW({ params: [p] }).param_groups[0].lr).toBe(1e-3);
  });

  it("F.* operands by keyword", () => {
    const a = torch.tensor([1, 2, 3]);
    const b = torch.tensor([1, 0, 3]);
    expect(F.mse_loss(a, { target: b }).item()).toBe(F.mse_loss(a, b).item());
    expect(F.mse_loss({ input: a, target: b, reduction: "sum" }).item()).toBe(F.mse_loss(a, b, { reduction: "sum" }).item());
    const w = torch.ones(2, 3);
    expect(F.linear(a, { weight: w }).tolist()).toEqual(F.linear(a, w).tolist());
    expect(F.cosine_similarity({ x1: a, x2: b, dim: 0 }).item()).toBe(F.cosine_similarity(a, b, 0).item());
  });

  it("Tensor methods' operands by keyword (OPERAND_NAMES)", () => {
    torch.manual_seed(0);
    const x = torch.randn(2, 3, 4);
    const y = torch.randn(2, 3, 4);
    const same = (a: Tensor, b: Tensor) => expect(a.tolist()).toEqual(b.tolist());
    same(x.unsqueeze({ dim: 1 }), x.unsqueeze(1));
    same(x.transpose({ dim0: 0, dim1: 2 }), x.transpose(0, 2));
    same(x.transpose(0, { dim1: 1 }), x.transpose(0, 1));
    same(x.swapaxes({ axis0: 0, axis1: 1 }), x.swapaxes(0, 1));
    same(x.movedim({ source: 0, destination: -1 }), x.movedim(0, -1));
    same(x.select({ dim: 1, index: 2 }), x.select(1, 2));
    same(x.narrow(2, { start: 1, length: 2 }), x.narrow(2, 1, 2));
    same(x.unfold({ dimension: 2, size: 2, step: 1 }), x.unfold(2, 2, 1));
    const i = torch.tensor([2, 0], { dtype: torch.long });
    same(x.index_select({ dim: 2, index: i }), x.index_select(2, i));
    same(x.index_fill(2, { index: i, value: -1 }), x.index_fill(2, i, -1));
    same(x.take({ index: i }), x.take(i));
    const mask = x.gt(0);
    same(x.masked_fill(mask, { value: 0 }), x.masked_fill(mask, 0));
    same(x.masked_fill({ mask, value: 0 }), x.masked_fill(mask, 0));
    same(x.masked_select({ mask }), x.masked_select(mask));
    same(x.clone().masked_fill_({ mask, value: 2 }), x.clone().masked_fill_(mask, 2));
    same(x.clone().fill_({ value: 3 }), x.clone().fill_(3));
    same(x.clone().unsqueeze_({ dim: 0 }), x.unsqueeze(0));
    same(x.view_as({ other: y }), x.view_as(y));
    same(x.type_as({ other: torch.zeros(1, { dtype: torch.float64 }) }), x.double());
    const m = torch.randn(4, 5);
    same(x.matmul({ other: m }), x.matmul(m));
    same(m.mm({ mat2: m.t() }), m.mm(m.t()));
    same(m.mv({ vec: torch.ones(5) }), m.mv(torch.ones(5)));
    same(x.pow({ exponent: 2 }), x.pow(2));
    same(x.mul({ other: y }), x.mul(y));
    same(x.multiply({ other: y }), x.mul(y));
    same(x.maximum({ other: y }), x.maximum(y));
    same(x.lt({ other: y }), x.lt(y));
    same(x.atan2({ other: y }), x.atan2(y));
    // With their own keywords after the operands (alpha, rounding_mode).
    same(x.add({ other: y }), x.add(y));
    same(x.add({ other: y, alpha: 2 }), x.add(y, { alpha: 2 }));
    same(x.sub({ other: y, alpha: 0.5 }), x.sub(y, { alpha: 0.5 }));
    same(x.subtract({ other: y }), x.sub(y));
    same(x.rsub({ other: y, alpha: 2 }), x.rsub(y, { alpha: 2 }));
    same(x.div({ other: y, rounding_mode: "floor" }), x.div(y, { rounding_mode: "floor" }));
    same(x.clone().add_({ other: y, alpha: 3 }), x.clone().add_(y, { alpha: 3 }));
    same(x.clone().mul_({ other: y }), x.clone().mul_(y));
    same(x.clone().div_({ other: y }), x.clone().div_(y));
    // torch.* forms of the ones above that had none.
    same(torch.add(x, { other: y, alpha: 2 }), x.add(y, { alpha: 2 }));
    same(torch.add({ input: x, other: y }), x.add(y));
    same(torch.div(x, { other: y, rounding_mode: "trunc" }), x.div(y, { rounding_mode: "trunc" }));
    same(torch.rsub(x, { other: y }), y.sub(x));
    same(torch.unsqueeze(x, { dim: 1 }), x.unsqueeze(1));
    same(torch.transpose({ input: x, dim0: 0, dim1: 2 }), x.transpose(0, 2));
    same(torch.index_select(x, { dim: 2, index: i }), x.index_select(2, i));
    same(torch.masked_fill(x, mask, { value: 0 }), x.masked_fill(mask, 0));
    same(torch.matmul(x, { other: m }), x.matmul(m));
    // Chained: a method's result is a Tensor with the same forms.
    same(x.unsqueeze({ dim: 0 }).transpose({ dim0: 0, dim1: 1 }), x.unsqueeze(0).transpose(0, 1));
  });

  it("Tensor methods' keyword forms refuse what torch refuses (types and run time)", () => {
    const x = torch.ones(2, 3);
    const y = torch.ones(2, 3);
    // @ts-expect-error not a name of unsqueeze's operand
    expect(() => x.unsqueeze({ dimm: 1 })).toThrow("unsqueeze() got an unexpected keyword argument 'dimm'");
    // @ts-expect-error dim1 missing
    expect(() => x.transpose({ dim0: 1 })).toThrow("transpose() missing 1 required positional argument: 'dim1'");
    // @ts-expect-error mul takes no alpha
    expect(() => x.mul({ other: y, alpha: 2 })).toThrow("mul() got an unexpected keyword argument 'alpha'");
    // @ts-expect-error an unknown keyword beside a known operand
    expect(() => x.add({ other: y, zzz: 1 })).toThrow("add() got an unexpected keyword argument 'zzz'");
    // @ts-expect-error other given twice
    expect(() => x.add(y, { other: y })).toThrow("add() got multiple values for argument 'other'");
    // @ts-expect-error the torch.* forms too
    expect(() => torch.unsqueeze(x, { dimm: 1 })).toThrow("unsqueeze() got an unexpected keyword argument 'dimm'");
    // @ts-expect-error dim is a number
    expect(() => x.unsqueeze({ dim: "1" })).toThrow();
  });

  it("constructors with sizes by keyword", () => {
    expect(new nn.LSTMCell(10, { hidden_size: 20 }).hidden_size).toBe(20);
    expect(new nn.LayerNorm({ normalized_shape: [2, 3], eps: 1e-3 }).eps).toBe(1e-3);
    expect(new nn.MultiheadAttention(16, { num_heads: 2, batch_first: true }).num_heads).toBe(2);
    const ds = new utils.data.TensorDataset(torch.arange(4));
    expect(new utils.data.DataLoader({ dataset: ds, batch_size: 2 }).batch_size).toBe(2);
  });
});
