/**
 * The keyword forms the engine accepts, written as a learner's TypeScript cell writes them: no casts. tsc (part of
 * npm test) checks their typings; the run checks each gives the positional form's value. Not yet typed (they run, but a
 * TS cell needs a cast): the fixed-signature Tensor methods' operands by keyword (x.unsqueeze({ dim: 1 })).
 */
import { describe, expect, it } from "vitest";
import { F, nn, optim, torch, utils } from "../../../../lib/tensor/index";

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

  it("constructors with sizes by keyword", () => {
    expect(new nn.LSTMCell(10, { hidden_size: 20 }).hidden_size).toBe(20);
    expect(new nn.LayerNorm({ normalized_shape: [2, 3], eps: 1e-3 }).eps).toBe(1e-3);
    expect(new nn.MultiheadAttention(16, { num_heads: 2, batch_first: true }).num_heads).toBe(2);
    const ds = new utils.data.TensorDataset(torch.arange(4));
    expect(new utils.data.DataLoader({ dataset: ds, batch_size: 2 }).batch_size).toBe(2);
  });
});
