/**
 * F.scaled_dot_product_attention and nn.MultiheadAttention against PyTorch
 * (tests/fixtures/torch/nn/sequence.json). torch 1.13 has no SDPA, so its cases come from the
 * formula softmax(Q K^T / sqrt(E) + mask) V computed in torch with PyTorch 2's mask convention.
 * MultiheadAttention: outputs, attention weights, gradients of inputs and of every parameter
 * (PyTorch's names), seeded init, repr; float64 gradchecks; the errors.
 */
import { describe, expect, it } from "vitest";
import { F, nn, torch } from "../../../../lib/tensor/index";
import { gradcheck } from "../../../../lib/grading/gradcheck";
import { expectClose, tensorOf, type FT } from "./helpers";
import { expectParamGrads, expectSeededState, loadState, maskOf, precisions, seq, weighted, type MaskFT } from "./sequence-helpers";

interface SdpaCase {
  name: string;
  kwargs: { is_causal?: boolean; scale?: number };
  query: FT;
  key: FT;
  value: FT;
  attn_mask: MaskFT | null;
  output: FT;
  out_weight: FT;
  grad_query: FT;
  grad_key: FT;
  grad_value: FT;
}
interface MhaCase {
  name: string;
  ctor: { embed_dim: number; num_heads: number; batch_first?: boolean; bias?: boolean; kdim?: number; vdim?: number };
  forward: { key_padding_mask?: MaskFT; attn_mask?: MaskFT; average_attn_weights?: boolean; need_weights?: boolean };
  state: Record<string, FT>;
  query: FT;
  key: FT;
  value: FT;
  output: FT;
  weights: FT | null;
  out_weight: FT;
  grad_query: FT;
  grad_key: FT;
  grad_value: FT;
  grad_params: Record<string, FT>;
}
const sdpa = seq.sdpa as SdpaCase[];
const mha = seq.mha as { cases: MhaCase[]; seeded: Record<string, Record<string, FT>>; repr: string };

describe("F.scaled_dot_product_attention vs the formula in torch", () => {
  for (const { name, dtype, tol } of precisions) {
    for (const c of sdpa) {
      it(`${c.name} (${name})`, () => {
        const [q, k, v] = [c.query, c.key, c.value].map((t) => tensorOf(t, dtype, true));
        const y = F.scaled_dot_product_attention(q, k, v, { attn_mask: maskOf(c.attn_mask, dtype), ...c.kwargs });
        expectClose(y, c.output, { ...tol, label: "output" });
        weighted(y, c.out_weight, dtype).backward();
        expectClose(q.grad!, c.grad_query, { ...tol, label: "grad_query" });
        expectClose(k.grad!, c.grad_key, { ...tol, label: "grad_key" });
        expectClose(v.grad!, c.grad_value, { ...tol, label: "grad_value" });
      });
    }
  }

  it("is_causal is the bool tril mask; dropout_p drops weights only when > 0", () => {
    const [q, k, v] = [torch.randn(2, 4, 3), torch.randn(2, 4, 3), torch.randn(2, 4, 5)];
    const tril = torch.ones(4, 4).tolist() as number[][];
    const allowed = torch.tensor(tril.map((row, i) => row.map((_, j) => j <= i)));
    expectClose(F.scaled_dot_product_attention(q, k, v, { is_causal: true }), F.scaled_dot_product_attention(q, k, v, allowed));
    // The first query sees only the first key: its output is that value row.
    expectClose(F.scaled_dot_product_attention(q, k, v, { is_causal: true }).select(1, 0), v.select(1, 0));
    torch.manual_seed(0);
    const dropped = F.scaled_dot_product_attention(q, k, v, { dropout_p: 0.5 });
    expect(dropped.sub(F.scaled_dot_product_attention(q, k, v)).abs().max().item()).toBeGreaterThan(1e-3);
  });

  it("gradcheck (float64): plain, causal, float mask", () => {
    const r = (...s: number[]) => torch.randn(s, { dtype: torch.float64 });
    gradcheck((q, k, v) => F.scaled_dot_product_attention(q, k, v), [r(2, 3, 4), r(2, 5, 4), r(2, 5, 2)]);
    gradcheck((q, k, v) => F.scaled_dot_product_attention(q, k, v, { is_causal: true }), [r(1, 4, 3), r(1, 4, 3), r(1, 4, 3)]);
    gradcheck((q, k, v, m) => F.scaled_dot_product_attention(q, k, v, m), [r(3, 2), r(4, 2), r(4, 3), r(3, 4)]);
  });

  it("errors", () => {
    const x = torch.randn(2, 3, 4);
    expect(() => F.scaled_dot_product_attention(x, torch.randn(2, 3, 5), x)).toThrow(/same embedding size/);
    expect(() => F.scaled_dot_product_attention(x, x, torch.randn(2, 2, 4))).toThrow(/same sequence length/);
    expect(() => F.scaled_dot_product_attention(x, x, x, { attn_mask: torch.zeros(3, 3), is_causal: true })).toThrow(
      "Explicit attn_mask should not be set when is_causal=True",
    );
    expect(() => F.scaled_dot_product_attention(x, x, x, { attn_mask: torch.zeros(3, 3, { dtype: torch.long }) })).toThrow(/only bool and floating/);
  });
});

function mhaOf(c: MhaCase, dtype = torch.float64): InstanceType<typeof nn.MultiheadAttention> {
  const { embed_dim, num_heads, ...opts } = c.ctor;
  const m = new nn.MultiheadAttention(embed_dim, num_heads, opts);
  if (dtype === torch.float64) m.double();
  loadState(m, c.state, dtype);
  return m;
}

describe("nn.MultiheadAttention vs PyTorch", () => {
  for (const { name, dtype, tol } of precisions) {
    for (const c of mha.cases) {
      it(`${c.name} (${name})`, () => {
        const m = mhaOf(c, dtype);
        const [q, k, v] = [c.query, c.key, c.value].map((t) => tensorOf(t, dtype, true));
        const f = c.forward;
        const [out, weights] = m(q, k, v, {
          key_padding_mask: maskOf(f.key_padding_mask, dtype),
          attn_mask: maskOf(f.attn_mask, dtype),
          average_attn_weights: f.average_attn_weights,
          need_weights: f.need_weights,
        });
        expectClose(out, c.output, { ...tol, label: "output" });
        if (c.weights) expectClose(weights!, c.weights, { ...tol, label: "weights" });
        else expect(weights).toBeNull();
        weighted(out, c.out_weight, dtype).backward();
        expectClose(q.grad!, c.grad_query, { ...tol, label: "grad_query" });
        expectClose(k.grad!, c.grad_key, { ...tol, label: "grad_key" });
        expectClose(v.grad!, c.grad_value, { ...tol, label: "grad_value" });
        expectParamGrads(m, c.grad_params, tol, c.name);
      });
    }
  }
});

describe("nn.MultiheadAttention", () => {
  it("seeded init equals PyTorch's (out_proj's Linear init first, then xavier_uniform_ on in_proj, zero biases)", () => {
    torch.manual_seed(5);
    expectSeededState(new nn.MultiheadAttention(8, 2), mha.seeded["MultiheadAttention(8, 2)"], "MultiheadAttention(8, 2)");
    torch.manual_seed(6);
    expectSeededState(new nn.MultiheadAttention(4, 2, { kdim: 3, vdim: 5 }), mha.seeded["MultiheadAttention(4, 2, kdim=3, vdim=5)"], "kdim/vdim");
  });

  it("prints as PyTorch", () => {
    expect(String(new nn.MultiheadAttention(8, 2))).toBe(mha.repr);
  });

  it("is_causal without a mask equals the causal bool mask; masked keys get zero weight", () => {
    const m = new nn.MultiheadAttention(4, 2, { batch_first: true });
    const x = torch.randn(2, 5, 4);
    const [a, wa] = m(x, x, x, { is_causal: true });
    const [b, wb] = m(x, x, x, { attn_mask: nn.Transformer.generate_square_subsequent_mask(5) });
    expectClose(a, b);
    expectClose(wa!, wb!);
    expect(wa!.select(0, 1).select(0, 0).select(0, 1).item()).toBe(0); // query 0 never sees key 1
    const pad = torch.tensor([[false, false, true, true, true], [false, false, false, false, false]]);
    const [, wp] = m(x, x, x, { key_padding_mask: pad });
    expect(wp!.select(0, 0).narrow(1, 2, 3).abs().sum().item()).toBe(0);
    expectClose(wp!.sum(-1), torch.ones(2, 5), { atol: 1e-6 });
  });

  it("dropout on the weights only in training", () => {
    const m = new nn.MultiheadAttention(4, 1, { dropout: 0.5 });
    const x = torch.randn(3, 2, 4);
    m.eval();
    const [e1] = m(x, x, x);
    const [e2] = m(x, x, x);
    expectClose(e1, e2);
    m.train();
    const [t1] = m(x, x, x);
    expect(t1.sub(e1).abs().max().item()).toBeGreaterThan(1e-4);
  });

  it("gradcheck (float64) through the module", () => {
    const c = mha.cases[1];
    const m = mhaOf(c);
    const r = (...s: number[]) => torch.randn(s, { dtype: torch.float64 });
    const pad = maskOf(c.forward.key_padding_mask, torch.float64);
    gradcheck((q, k, v) => m(q, k, v, { key_padding_mask: pad })[0], [r(3, 2, 6), r(5, 2, 6), r(5, 2, 6)]);
    gradcheck((q) => m(q, q, q, { is_causal: true, average_attn_weights: false })[1]!, [r(4, 2, 6)]);
  });

  it("errors", () => {
    expect(() => new nn.MultiheadAttention(6, 4)).toThrow("embed_dim must be divisible by num_heads");
    const m = new nn.MultiheadAttention(4, 2);
    const x = torch.randn(3, 2, 4);
    expect(() => m(torch.randn(3, 2, 5), x, x)).toThrow("was expecting embedding dimension of 4, but got 5");
    expect(() => m(x, x, x, { attn_mask: torch.zeros(2, 2) })).toThrow("The shape of the 2D attn_mask is torch.Size([2, 2]), but should be (3, 3).");
    expect(() => m(x, x, x, { key_padding_mask: torch.zeros(3, 2, { dtype: torch.bool }) })).toThrow(/key_padding_mask shape of \(2, 3\)/);
  });
});
