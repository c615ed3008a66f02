/**
 * nn.RNNCell / LSTMCell / GRUCell with hidden_size (and input_size) by keyword, nn.LSTMCell(10, hidden_size=20), and
 * nn.LayerNorm(normalized_shape=[2, 3], eps=1e-3): they raised "hidden_size must be greater than zero" and
 * "normalized_shape is not iterable" (found by a sweep of the nn constructors' keyword forms after
 * MultiheadAttention's num_heads). Seeded weights and outputs vs torch 1.13 (tests/fixtures/torch/
 * cell_layernorm_keyword.json, scripts/fixtures/cell_layernorm_keyword_fixtures.py); missing arguments raise torch's TypeError.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectCloseToTorch, seeded, type TorchTensor } from "../torch_reference";

type T = TorchTensor;
const ref = JSON.parse(readFileSync(new URL("../../../fixtures/torch/cell_layernorm_keyword.json", import.meta.url), "utf8")) as Record<string, Record<string, T>>;

describe("RNN cells and LayerNorm with their sizes by keyword", () => {
  const cells: [string, () => nn.RNNCell | nn.LSTMCell | nn.GRUCell][] = [
    ["RNNCell", () => new nn.RNNCell(4, { hidden_size: 6, nonlinearity: "relu" })],
    ["LSTMCell", () => new nn.LSTMCell({ input_size: 4, hidden_size: 6 })],
    ["GRUCell", () => new nn.GRUCell(4, { hidden_size: 6, bias: false })],
  ];
  for (const [name, make] of cells) {
    it(`${name}: torch's seeded weights and output`, () => {
      const { m, x } = seeded(() => ({ m: make(), x: torch.randn(3, 4) }));
      expectCloseToTorch(m.weight_ih, ref[name].weight_ih, 1e-6, "weight_ih");
      expectCloseToTorch(x, ref[name].x, 1e-6, "x");
      const out = (m as unknown as (x: Tensor) => Tensor | Tensor[])(x);
      expectCloseToTorch(Array.isArray(out) ? out[0] : out, ref[name].h, 1e-5, "h");
    });
  }

  it("LayerNorm(normalized_shape=[2, 3], eps=1e-3)", () => {
    const { ln, x } = seeded(() => ({ ln: new nn.LayerNorm({ normalized_shape: [2, 3], eps: 1e-3 }), x: torch.randn(4, 2, 3) }));
    expect([ln.normalized_shape, ln.eps]).toEqual([[2, 3], 1e-3]);
    expectCloseToTorch(ln(x), ref.LayerNorm.y, 1e-5, "y");
  });

  it("missing sizes raise torch's TypeError", () => {
    expect(() => new (nn.LSTMCell as unknown as new (a: number) => nn.LSTMCell)(4)).toThrow("LSTMCell.__init__() missing 1 required positional argument: 'hidden_size'");
    expect(() => new nn.GRUCell({ bias: true } as never)).toThrow("GRUCell.__init__() missing 2 required positional arguments: 'input_size' and 'hidden_size'");
    expect(() => new nn.LayerNorm({ eps: 1e-3 } as never)).toThrow("LayerNorm.__init__() missing 1 required positional argument: 'normalized_shape'");
  });
});
