/**
 * The keyword forms the engine accepts, written as a learner's TypeScript cell writes them: no casts. tsc (part of
 * npm test) checks their typings; the run checks each gives the positional form's value. Not yet typed (they run, but a
 * TS cell needs a cast): the F namespace's operands by keyword (F.mse_loss(a, { target })) and the fixed-signature
 * Tensor methods' (x.unsqueeze({ dim: 1 })).
 */
import { describe, expect, it } from "vitest";
import { nn, optim, torch, utils } from "../../../../lib/tensor/index";

describe("keyword forms type-check without casts", () => {
  it("optimizers with params by keyword", () => {
    const p = new nn.Parameter(torch.ones(2));
    expect(new optim.SGD({ params: [p], lr: 0.1, momentum: 0.9 }).param_groups[0].lr).toBe(0.1);
    expect(new optim.Adam({ params: [p], lr: 0.01 }).param_groups[0].lr).toBe(0.01);
    expect(new optim.AdamW({ params: [p] }).param_groups[0].lr).toBe(1e-3);
  });

  it("constructors with sizes by keyword", () => {
    expect(new nn.LSTMCell(10, { hidden_size: 20 }).hidden_size).toBe(20);
    expect(new nn.LayerNorm({ normalized_shape: [2, 3], eps: 1e-3 }).eps).toBe(1e-3);
    expect(new nn.MultiheadAttention(16, { num_heads: 2, batch_first: true }).num_heads).toBe(2);
    const ds = new utils.data.TensorDataset(torch.arange(4));
    expect(new utils.data.DataLoader({ dataset: ds, batch_size: 2 }).batch_size).toBe(2);
  });
});
