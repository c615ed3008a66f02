/**
 * nn.MultiheadAttention(embed_dim, num_heads=2, batch_first=True): num_heads (and embed_dim) by keyword, as tutorials
 * write it; new nn.MultiheadAttention(16, { num_heads: 2, batch_first: true }) raised "embed_dim and num_heads must be
 * greater than 0, got ... num_heads=[object Object]" (found by the bidirectional GRU lesson snippet,
 * tutorials/lesson_snippets9.test.ts). Values vs torch 1.13 (tests/fixtures/torch/mha_keyword.json,
 * scripts/fixtures/mha_keyword_fixtures.py): the seeded in_proj_weight, the output and the averaged weights.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectCloseToTorch, seeded, type TorchTensor } from "../torch_reference";

type T = TorchTensor;
const ref = JSON.parse(readFileSync(new URL("../../../fixtures/torch/mha_keyword.json", import.meta.url), "utf8")) as Record<"in_proj_weight" | "x" | "out" | "weights", T>;

describe("nn.MultiheadAttention with num_heads by keyword", () => {
  const forms: [string, () => nn.MultiheadAttention][] = [
    ["num_heads by keyword", () => new nn.MultiheadAttention(8, { num_heads: 2, batch_first: true })],
    ["embed_dim and num_heads by keyword", () => new nn.MultiheadAttention({ embed_dim: 8, num_heads: 2, batch_first: true })],
    ["positional (as before)", () => new nn.MultiheadAttention(8, 2, { batch_first: true })],
  ];
  for (const [name, make] of forms) {
    it(`${name}: torch's seeded weights, output and attention weights`, () => {
      const { m, x } = seeded(() => ({ m: make(), x: torch.randn(2, 3, 8) }));
      expect([m.num_heads, m.head_dim, m.batch_first]).toEqual([2, 4, true]);
      expectCloseToTorch(m.in_proj_weight!, ref.in_proj_weight, 1e-6, "in_proj_weight");
      expectCloseToTorch(x, ref.x, 1e-6, "x");
      const [out, weights] = m(x, x, x) as [Tensor, Tensor];
      expectCloseToTorch(out, ref.out, 1e-5, "out");
      expectCloseToTorch(weights, ref.weights, 1e-5, "weights");
    });
  }

  it("a missing num_heads or an unknown keyword raises torch's TypeError", () => {
    expect(() => new nn.MultiheadAttention(8, { batch_first: true } as never)).toThrow("MultiheadAttention.__init__() missing 1 required positional argument: 'num_heads'");
    expect(() => new nn.MultiheadAttention(8, { num_heads: 2, heads: 2 } as never)).toThrow("MultiheadAttention() got an unexpected keyword argument 'heads'");
    expect(() => new nn.MultiheadAttention(8, 3)).toThrow("embed_dim must be divisible by num_heads");
  });
});
