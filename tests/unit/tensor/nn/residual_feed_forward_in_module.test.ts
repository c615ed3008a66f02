/**
 * A pre-norm layer's x + ff_block(norm2(x)) as one op in the GEMM module's memory
 * (nn/functional/feed_forward_in_module.ts with a PreNorm): the norm and the residual add run on the
 * GEMM memory with the kernels F.layer_norm and add run on their own, so the output and every
 * gradient (x, norm2's weight and bias, both linears) are bit-equal to the separate ops (the block
 * alone in module memory, and everything op by op); declined cases fall back; float64 gradchecks;
 * create_graph; a memory that grows; a 2-thread pool; the GPT bench's losses over 6 steps.
 */
import { afterEach, describe, expect, it } from "vitest";
import { F as nnF, nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { kernels } from "../../../../lib/tensor/kernels/registry";
import { createLocalGemm } from "../../../../lib/tensor/kernels/wasm/gemm";
import { feedForwardInModule, feedForwardInModule_ } from "../../../../lib/tensor/nn/functional/feed_forward_in_module";
import { expectFloat64LayerGradcheck, expectGptLossesUnchanged, expectSameBits, expectSecondDerivativesClose, expectSplitPoolSameBits } from "./in_module_helpers";

const wasm = kernels.gemm !== null;

afterEach(() => {
  feedForwardInModule_.enabled = true;
  feedForwardInModule_.preNorm = true;
});

interface Case { N: number; L: number; D: number; F: number; heads: number }

/** Output and gradients of a pre-norm encoder layer's forward and backward, and how many blocks ran with their norm in module. */
function run(c: Case, seed: number, opts: Record<string, unknown> = {}, prep?: (l: nn.TransformerEncoderLayer) => void): { values: Float32Array[]; joined: number } {
  torch.manual_seed(seed);
  const layer = new nn.TransformerEncoderLayer(c.D, c.heads, { dim_feedforward: c.F, dropout: 0, activation: "gelu", batch_first: true, norm_first: true, ...opts });
  prep?.(layer);
  // Non-trivial norm parameters (they start at ones and zeros).
  torch.no_grad(() => { layer.norm2.weight!.uniform_(0.5, 1.5); layer.norm2.bias?.uniform_(-0.5, 0.5); });
  const x = torch.randn(c.N, c.L, c.D, { requires_grad: true });
  const w = torch.randn(c.N, c.L, c.D);
  const before = feedForwardInModule_.normForwards;
  // x also feeds another op: its gradient sums three contributions.
  layer(x).mul(w).sum().add(x.square().sum()).backward();
  const ps = [layer.norm2.weight, layer.norm2.bias, layer.linear1.weight, layer.linear1.bias, layer.linear2.weight, layer.linear2.bias, layer.norm1.weight];
  const values = [layer(x), x.grad!, ...ps.filter((p) => p).map((p) => p!.grad!)].map((t) => Float32Array.from(t.contiguous()._data as ArrayLike<number>));
  return { values, joined: feedForwardInModule_.normForwards - before };
}

const cases: Case[] = [
  { N: 16, L: 64, D: 64, F: 256, heads: 4 }, // the GPT bench's layer
  { N: 3, L: 20, D: 16, F: 64, heads: 2 }, // 60 rows
  { N: 5, L: 60, D: 32, F: 96, heads: 4 }, // 300 rows: a last k slice of 44
];

describe("pre-norm residual feed-forward block in the GEMM module's memory", () => {
  for (const c of cases) {
    it(`N ${c.N} L ${c.L} D ${c.D} F ${c.F}: output and gradients bit-equal to the separate norm, block and add, and to the op-by-op path`, () => {
      feedForwardInModule_.preNorm = false;
      const separate = run(c, 3);
      expect(separate.joined).toBe(0);
      feedForwardInModule_.enabled = false;
      const opByOp = run(c, 3);
      feedForwardInModule_.enabled = true;
      feedForwardInModule_.preNorm = true;
      const joined = run(c, 3);
      expect(joined.joined).toBe(wasm ? 2 : 0); // the two forwards of run()
      expectSameBits(joined.values, separate.values);
      expectSameBits(joined.values, opByOp.values);
    });
  }

  it("relu: bit-equal to the separate ops", () => {
    feedForwardInModule_.preNorm = false;
    const separate = run(cases[2], 5, { activation: "relu" });
    feedForwardInModule_.preNorm = true;
    const joined = run(cases[2], 5, { activation: "relu" });
    expect(joined.joined).toBe(wasm ? 2 : 0);
    expectSameBits(joined.values, separate.values);
  });

  it("declines (and gives the separate ops' bits) for a norm without bias, hooks on norm2 or dropout2, dropout in training, post-norm, float64", () => {
    const c = cases[1];
    const declined = (opts: Record<string, unknown>, prep?: (l: nn.TransformerEncoderLayer) => void): void => {
      feedForwardInModule_.preNorm = false;
      const separate = run(c, 7, opts, prep);
      feedForwardInModule_.preNorm = true;
      const again = run(c, 7, opts, prep);
      expect(again.joined).toBe(0);
      expectSameBits(again.values, separate.values);
    };
    declined({ bias: false });
    declined({}, (l) => l.norm2.register_forward_hook(() => undefined));
    declined({}, (l) => l.dropout2.register_forward_pre_hook(() => undefined));
    declined({ norm_first: false });
    // Dropout in training: random, so only the count.
    torch.manual_seed(9);
    const layer = new nn.TransformerEncoderLayer(c.D, c.heads, { dim_feedforward: c.F, dropout: 0.1, batch_first: true, norm_first: true });
    const before = feedForwardInModule_.normForwards;
    layer(torch.randn(c.N, c.L, c.D)).sum();
    layer.eval();
    layer(torch.randn(c.N, c.L, c.D)).sum();
    expect(feedForwardInModule_.normForwards - before).toBe(wasm ? 1 : 0); // eval only
    const l64 = new nn.TransformerEncoderLayer(c.D, c.heads, { dim_feedforward: c.F, dropout: 0, batch_first: true, norm_first: true, dtype: torch.float64 });
    l64(torch.randn(c.N, c.L, c.D, { dtype: torch.float64 }));
    expect(feedForwardInModule_.normForwards - before).toBe(wasm ? 1 : 0);
  });

  it("float64 (the separate ops) passes gradcheck", () => expectFloat64LayerGradcheck({ norm_first: true }));

  (wasm ? it : it.skip)("create_graph: second derivatives through the plain ops equal the separate ops'", () =>
    expectSecondDerivativesClose(
      cases[1],
      { dim_feedforward: cases[1].F, norm_first: true },
      (l) => l.norm2.weight!,
      (on) => (feedForwardInModule_.preNorm = on),
      () => feedForwardInModule_.normForwards,
    ));

  (wasm ? it : it.skip)("larger than the GEMM memory so far (it grows in the forward and backward): the separate ops' bits", () => {
    torch.manual_seed(8);
    // A fresh GEMM driver, so "larger than its memory" does not depend on what earlier test files left in the
    // shared one (a suite that grew it to hundreds of MB made this test's arrays exhaust the worker's heap).
    const shared = kernels.gemm;
    kernels.gemm = createLocalGemm();
    try {
    const memory = kernels.gemm!.memory!;
    const D = 64, F = 256, perRows = 1024 * (3 * F + 4 * D) * 4;
    const M = 1024 * (Math.ceil(memory.buffer.byteLength / perRows) + 1);
    const x = torch.randn(M, D, { requires_grad: true });
    const norm = new nn.LayerNorm(D), l1 = new nn.Linear(D, F), l2 = new nn.Linear(F, D);
    torch.no_grad(() => { norm.weight!.uniform_(0.5, 1.5); norm.bias!.uniform_(-0.5, 0.5); });
    const g = torch.randn(M, D);
    const params = [x, norm.weight!, norm.bias!, l1.weight, l1.bias!, l2.weight, l2.bias!];
    const gradsOf = (y: Tensor): Float32Array[] => {
      for (const p of params) p.grad = null;
      y.backward(g);
      return [y, ...params.map((p) => p.grad!)].map((t) => Float32Array.from(t._data as Float32Array));
    };
    feedForwardInModule_.enabled = false;
    const separate = gradsOf(x.add(l2(nnF.gelu(l1(norm(x))))));
    feedForwardInModule_.enabled = true;
    const bytes = memory.buffer.byteLength;
    const y = feedForwardInModule(x, l1.weight, l1.bias!, l2.weight, l2.bias!, "gelu", { weight: norm.weight!, bias: norm.bias!, eps: norm.eps })!;
    expect(y).not.toBeNull();
    const joined = gradsOf(y);
    expect(memory.buffer.byteLength).toBeGreaterThan(bytes);
    expectSameBits(joined, separate);
    } finally {
      kernels.gemm = shared;
    }
  });

  (wasm ? it : it.skip)("split on a thread pool (every job split): the single-thread bits", () => expectSplitPoolSameBits(() => run(cases[0], 13), (r) => r.joined));

  (wasm ? it : it.skip)("the GPT bench's losses over 6 steps: bit-equal with and without the norm and residual joined", () =>
    expectGptLossesUnchanged(
      (on) => (feedForwardInModule_.preNorm = on),
      () => feedForwardInModule_.normForwards,
    ));
});
