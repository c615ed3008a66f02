/**
 * A pre-norm layer's norm1 and self-attention's packed q/k/v projection as one op in the GEMM
 * module's memory (nn/functional/norm_linear_in_module.ts): the norm runs there with F.layer_norm's
 * kernel and the product as Linear's, so the output and every gradient (x, norm1's weight and bias,
 * in_proj's weight and bias, out_proj) are bit-equal to the separate ops and to the op-by-op path;
 * declined cases fall back; float64 gradchecks; create_graph; a memory that grows; a 2-thread pool;
 * the GPT bench's losses over 6 steps.
 */
import { afterEach, describe, expect, it } from "vitest";
import { F as nnF, nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { kernels } from "../../../../lib/tensor/kernels/registry";
import { createLocalGemm } from "../../../../lib/tensor/kernels/wasm/gemm";
import { attentionInModule } from "../../../../lib/tensor/nn/functional/attention_in_module";
import { feedForwardInModule_ } from "../../../../lib/tensor/nn/functional/feed_forward_in_module";
import { normLinearInModule, normLinearInModule_ } from "../../../../lib/tensor/nn/functional/norm_linear_in_module";
import { expectFloat64LayerGradcheck, expectGptLossesUnchanged, expectSameBits, expectSecondDerivativesClose, expectSplitPoolSameBits } from "./in_module_helpers";

const wasm = kernels.gemm !== null;

afterEach(() => {
  normLinearInModule_.enabled = true;
  feedForwardInModule_.enabled = true;
  attentionInModule.enabled = true;
});

interface Case { N: number; L: number; D: number; heads: number; causal: boolean }

/** Output and gradients of a pre-norm encoder layer's forward and backward, and how many norm1 + projections ran in module. */
function run(c: Case, seed: number, opts: Record<string, unknown> = {}, prep?: (l: nn.TransformerEncoderLayer) => void): { values: Float32Array[]; joined: number } {
  torch.manual_seed(seed);
  const layer = new nn.TransformerEncoderLayer(c.D, c.heads, { dim_feedforward: 2 * c.D, dropout: 0, activation: "gelu", batch_first: true, norm_first: true, ...opts });
  prep?.(layer);
  // Non-trivial norm and bias parameters (they start at ones and zeros).
  torch.no_grad(() => {
    layer.norm1.weight!.uniform_(0.5, 1.5);
    layer.norm1.bias?.uniform_(-0.5, 0.5);
    layer.self_attn.in_proj_bias?.uniform_(-0.5, 0.5);
  });
  const x = torch.randn(c.N, c.L, c.D, { requires_grad: true });
  const w = torch.randn(c.N, c.L, c.D);
  const mask = c.causal ? { is_causal: true, src_mask: torch.ones(c.L, c.L, { dtype: torch.bool }).triu(1) } : {};
  const before = normLinearInModule_.forwards;
  // x also feeds another op: its gradient sums three contributions (residual, norm1, the square).
  layer(x, mask).mul(w).sum().add(x.square().sum()).backward();
  const sa = layer.self_attn;
  const ps = [layer.norm1.weight, layer.norm1.bias, sa.in_proj_weight, sa.in_proj_bias, sa.out_proj.weight, layer.norm2.weight];
  const values = [layer(x, mask), x.grad!, ...ps.filter((p) => p).map((p) => p!.grad!)].map((t) => Float32Array.from(t.contiguous()._data as ArrayLike<number>));
  return { values, joined: normLinearInModule_.forwards - before };
}

const cases: Case[] = [
  { N: 16, L: 64, D: 64, heads: 4, causal: true }, // the GPT bench's layer
  { N: 3, L: 20, D: 16, heads: 2, causal: false }, // 60 rows
  { N: 5, L: 60, D: 32, heads: 4, causal: true }, // 300 rows
];

describe("pre-norm norm1 + packed q/k/v projection in the GEMM module's memory", () => {
  for (const c of cases) {
    it(`N ${c.N} L ${c.L} D ${c.D}${c.causal ? " causal" : ""}: output and gradients bit-equal to the separate norm and projection, and to the op-by-op path`, () => {
      normLinearInModule_.enabled = false;
      const separate = run(c, 3);
      expect(separate.joined).toBe(0);
      feedForwardInModule_.enabled = false;
      attentionInModule.enabled = false;
      const opByOp = run(c, 3);
      feedForwardInModule_.enabled = true;
      attentionInModule.enabled = true;
      normLinearInModule_.enabled = true;
      const joined = run(c, 3);
      expect(joined.joined).toBe(wasm ? 2 : 0); // the two forwards of run()
      expectSameBits(joined.values, separate.values);
      expectSameBits(joined.values, opByOp.values);
    });
  }

  it("declines (and gives the separate ops' bits) for no bias, hooks on norm1, self_attn or dropout1, post-norm, batch_first false, rows not whole panels", () => {
    const c = cases[1];
    const declined = (opts: Record<string, unknown>, prep?: (l: nn.TransformerEncoderLayer) => void, cc: Case = c): void => {
      normLinearInModule_.enabled = false;
      const separate = run(cc, 7, opts, prep);
      normLinearInModule_.enabled = true;
      const again = run(cc, 7, opts, prep);
      expect(again.joined).toBe(0);
      expectSameBits(again.values, separate.values);
    };
    declined({ bias: false });
    declined({}, (l) => l.norm1.register_forward_hook(() => undefined));
    declined({}, (l) => l.self_attn.register_forward_pre_hook(() => undefined));
    declined({}, (l) => l.dropout1.register_forward_pre_hook(() => undefined));
    declined({ norm_first: false });
    declined({}, undefined, { N: 3, L: 7, D: 16, heads: 2, causal: false }); // 21 rows
  });

  it("declines for dropout in training (runs in eval), batch_first false and float64", () => {
    const c = cases[1];
    torch.manual_seed(9);
    const layer = new nn.TransformerEncoderLayer(c.D, c.heads, { dim_feedforward: 2 * c.D, dropout: 0.1, batch_first: true, norm_first: true });
    const before = normLinearInModule_.forwards;
    layer(torch.randn(c.N, c.L, c.D)).sum();
    layer.eval();
    layer(torch.randn(c.N, c.L, c.D)).sum();
    expect(normLinearInModule_.forwards - before).toBe(wasm ? 1 : 0); // eval only
    const seqFirst = new nn.TransformerEncoderLayer(c.D, c.heads, { dim_feedforward: 2 * c.D, dropout: 0, norm_first: true });
    seqFirst(torch.randn(c.L, c.N, c.D));
    const l64 = new nn.TransformerEncoderLayer(c.D, c.heads, { dim_feedforward: 2 * c.D, dropout: 0, batch_first: true, norm_first: true, dtype: torch.float64 });
    l64(torch.randn(c.N, c.L, c.D, { dtype: torch.float64 }));
    expect(normLinearInModule_.forwards - before).toBe(wasm ? 1 : 0);
  });

  it("float64 (the separate ops) passes gradcheck", () => expectFloat64LayerGradcheck({ norm_first: true }));

  (wasm ? it : it.skip)("create_graph: second derivatives through the plain ops equal the separate ops'", () =>
    expectSecondDerivativesClose(
      cases[1],
      { dim_feedforward: 2 * cases[1].D, norm_first: true },
      (l) => l.norm1.weight!,
      (on) => (normLinearInModule_.enabled = on),
      () => normLinearInModule_.forwards,
    ));

  (wasm ? it : it.skip)("larger than the GEMM memory so far (it grows in the forward and backward): the separate ops' bits", () => {
    torch.manual_seed(8);
    // A fresh GEMM driver, so "larger than its memory" does not depend on what earlier test files left in the
    // shared one (a suite that grew it to hundreds of MB made this test's arrays exhaust the worker's heap).
    const shared = kernels.gemm;
    kernels.gemm = createLocalGemm();
    try {
    const memory = kernels.gemm!.memory!;
    const D = 64, O = 192, perRows = 1024 * (3 * D + O) * 4;
    const M = 1024 * (Math.ceil(memory.buffer.byteLength / perRows) + 1);
    const x = torch.randn(M, D, { requires_grad: true });
    const norm = new nn.LayerNorm(D), proj = new nn.Linear(D, O);
    torch.no_grad(() => { norm.weight!.uniform_(0.5, 1.5); norm.bias!.uniform_(-0.5, 0.5); });
    const g = torch.randn(M, O);
    const params = [x, norm.weight!, norm.bias!, proj.weight, proj.bias!];
    const gradsOf = (y: Tensor): Float32Array[] => {
      for (const p of params) p.grad = null;
      y.backward(g);
      return [y, ...params.map((p) => p.grad!)].map((t) => Float32Array.from(t._data as Float32Array));
    };
    const separate = gradsOf(proj(nnF.layer_norm(x, [D], norm.weight!, norm.bias!, norm.eps)));
    const bytes = memory.buffer.byteLength;
    const backwards = normLinearInModule_.backwards;
    const y = normLinearInModule(x, { weight: norm.weight!, bias: norm.bias!, eps: norm.eps }, proj.weight, proj.bias!);
    expect(y).not.toBeNull();
    const joined = gradsOf(y!);
    expect(normLinearInModule_.backwards - backwards).toBe(1);
    expect(memory.buffer.byteLength).toBeGreaterThan(bytes);
    expectSameBits(joined, separate);
    } finally {
      kernels.gemm = shared;
    }
  });

  (wasm ? it : it.skip)("split on a thread pool (every job split): the single-thread bits", () => expectSplitPoolSameBits(() => run(cases[0], 13), (r) => r.joined));

  (wasm ? it : it.skip)("the GPT bench's losses over 6 steps: bit-equal with and without norm1 joining the projection", () =>
    expectGptLossesUnchanged(
      (on) => (normLinearInModule_.enabled = on),
      () => normLinearInModule_.forwards,
    ));
});
