/**
 * The transformer feed-forward block in the GEMM module's memory (nn/functional/feed_forward_in_module.ts,
 * TransformerEncoderLayer's ff_block): the same bits as the module-by-module path for the output
 * and every gradient (x, both weights and biases) on several shapes; the cases it declines fall
 * back (relu, tanh GELU, dropout in training, float64, no bias, hooks) and float64 gradchecks;
 * create_graph differentiates through the plain ops; the backward's k slices add up as the driver
 * does even where the memory grows; on a thread pool splitting every job, the single-thread bits;
 * the GPT bench's losses over 6 steps bit-equal both ways.
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
});

interface Case { N: number; L: number; D: number; F: number; heads: number }

/** Output and gradients of one encoder layer's forward and backward, and how many blocks ran in module. */
function run(c: Case, seed: number, opts: Record<string, unknown> = {}, dtype = torch.float32): { values: Float32Array[]; fused: number } {
  torch.manual_seed(seed);
  const layer = new nn.TransformerEncoderLayer(c.D, c.heads, { dim_feedforward: c.F, dropout: 0, activation: "gelu", batch_first: true, norm_first: true, dtype, ...opts });
  const x = torch.randn(c.N, c.L, c.D, { dtype, requires_grad: true });
  const w = torch.randn(c.N, c.L, c.D, { dtype });
  const before = feedForwardInModule_.forwards + feedForwardInModule_.backwards;
  const y = layer(x);
  y.mul(w).sum().backward();
  const ps = [layer.linear1.weight, layer.linear1.bias, layer.linear2.weight, layer.linear2.bias, layer.norm2.weight];
  const values = [y, x.grad!, ...ps.map((p) => p!.grad!)].map((t) => Float32Array.from(t.contiguous()._data as ArrayLike<number>));
  return { values, fused: feedForwardInModule_.forwards + feedForwardInModule_.backwards - before };
}

const cases: Case[] = [
  { N: 16, L: 64, D: 64, F: 256, heads: 4 }, // the GPT bench's block (1024 rows, k = 1024 in the weight gradients: 4 k slices)
  { N: 3, L: 20, D: 16, F: 64, heads: 2 }, // 60 rows: slices of 4 rows
  { N: 5, L: 60, D: 32, F: 96, heads: 4 }, // 300 rows: k = 300, a last k slice of 44
  { N: 2, L: 8, D: 8, F: 256, heads: 1 },
];

describe("feed-forward block in the GEMM module's memory", () => {
  for (const c of cases) {
    it(`N ${c.N} L ${c.L} D ${c.D} F ${c.F}: output and gradients bit-equal to the module path`, () => {
      feedForwardInModule_.enabled = false;
      const modules = run(c, 3);
      expect(modules.fused).toBe(0);
      feedForwardInModule_.enabled = true;
      const fused = run(c, 3);
      expect(fused.fused).toBe(wasm ? 2 : 0);
      expectSameBits(fused.values, modules.values);
    });
  }

  it("nn.GELU() / nn.ReLU() modules and relu fuse too; tanh GELU, other activations, dropout in training, no bias, hooks, float64 fall back", () => {
    const c = cases[1];
    const fusedCount = (opts: Record<string, unknown>, prep?: (l: nn.TransformerEncoderLayer) => void): number => {
      torch.manual_seed(1);
      const layer = new nn.TransformerEncoderLayer(c.D, c.heads, { dim_feedforward: c.F, dropout: 0, activation: "gelu", batch_first: true, ...opts });
      prep?.(layer);
      const before = feedForwardInModule_.forwards;
      layer(torch.randn(c.N, c.L, c.D, { dtype: (opts.dtype as typeof torch.float32 | undefined) ?? torch.float32 })).sum().backward();
      return feedForwardInModule_.forwards - before;
    };
    expect(fusedCount({ activation: new nn.GELU() })).toBe(wasm ? 1 : 0);
    expect(fusedCount({ activation: new nn.GELU("tanh") })).toBe(0);
    expect(fusedCount({ activation: "relu" })).toBe(wasm ? 1 : 0);
    expect(fusedCount({ activation: new nn.ReLU() })).toBe(wasm ? 1 : 0);
    expect(fusedCount({ activation: new nn.SiLU() })).toBe(0);
    expect(fusedCount({ activation: (t: Tensor) => t.relu() })).toBe(0);
    expect(fusedCount({ dropout: 0.1 })).toBe(0);
    expect(fusedCount({ dropout: 0.1 }, (l) => l.eval())).toBe(wasm ? 1 : 0);
    expect(fusedCount({ bias: false })).toBe(0);
    expect(fusedCount({}, (l) => l.linear1.register_forward_hook(() => undefined))).toBe(0);
    expect(fusedCount({ dtype: torch.float64 })).toBe(0);
  });

  for (const c of [cases[0], cases[2]]) {
    it(`relu, N ${c.N} L ${c.L} D ${c.D} F ${c.F}: output and gradients bit-equal to the module path`, () => {
      feedForwardInModule_.enabled = false;
      const modules = run(c, 21, { activation: "relu" });
      feedForwardInModule_.enabled = true;
      const fused = run(c, 21, { activation: "relu" });
      expect(fused.fused).toBe(wasm ? 2 : 0);
      expectSameBits(fused.values, modules.values);
    });
  }

  it("nn.GELU() / nn.ReLU() modules, eval-mode dropout, an input that needs no gradient: bit-equal to the module path", () => {
    const c = cases[1];
    for (const opts of [{ activation: new nn.GELU() }, { activation: new nn.ReLU() }, { dropout: 0.3 }, { frozenInput: true }]) {
      const once = (): Float32Array[] => {
        torch.manual_seed(2);
        const { frozenInput, ...layerOpts } = opts as Record<string, unknown>;
        const layer = new nn.TransformerEncoderLayer(c.D, c.heads, { dim_feedforward: c.F, dropout: 0, activation: "gelu", batch_first: true, ...layerOpts });
        if (!frozenInput) layer.eval();
        const x = torch.randn(c.N, c.L, c.D, { requires_grad: !frozenInput });
        const y = layer(x);
        y.square().sum().backward();
        const ts = [y, layer.linear1.weight.grad!, layer.linear1.bias!.grad!, layer.linear2.weight.grad!, ...(frozenInput ? [] : [x.grad!])];
        return ts.map((t) => Float32Array.from(t._data as Float32Array));
      };
      feedForwardInModule_.enabled = false;
      const modules = once();
      feedForwardInModule_.enabled = true;
      expectSameBits(once(), modules);
    }
  });

  it("float64 (the module path) passes gradcheck", () => expectFloat64LayerGradcheck({}));

  (wasm ? it : it.skip)("create_graph: second derivatives through the plain ops equal the module path's", () =>
    expectSecondDerivativesClose(
      cases[1],
      { dim_feedforward: cases[1].F },
      (l) => l.linear1.weight,
      (on) => (feedForwardInModule_.enabled = on),
      () => feedForwardInModule_.forwards,
    ));

  (wasm ? it : it.skip)("a block larger than the GEMM memory so far (it grows in the forward and backward): the module path's bits", () => {
    // The op alone, against F.linear / F.gelu, on enough rows that its forward's regions (x, y and three
    // hidden [M, F] regions) alone exceed the GEMM memory as other tests left it.
    torch.manual_seed(8);
    // A fresh GEMM driver, so "larger than its memory" does not depend on what earlier test files left in the
    // shared one (a suite that grew it to hundreds of MB made this test's arrays exhaust the worker's heap).
    const shared = kernels.gemm;
    kernels.gemm = createLocalGemm();
    try {
    const memory = kernels.gemm!.memory!;
    const D = 64, F = 256, perRows = 1024 * (3 * F + 2 * D) * 4;
    const M = 1024 * (Math.ceil(memory.buffer.byteLength / perRows) + 1);
    const x = torch.randn(M, D, { requires_grad: true });
    const l1 = new nn.Linear(D, F), l2 = new nn.Linear(F, D);
    const g = torch.randn(M, D);
    const params = [x, l1.weight, l1.bias!, l2.weight, l2.bias!];
    const gradsOf = (y: Tensor): Float32Array[] => {
      for (const p of params) p.grad = null;
      y.backward(g);
      return [y, ...params.map((p) => p.grad!)].map((t) => Float32Array.from(t._data as Float32Array));
    };
    const modules = gradsOf(l2(nnF.gelu(l1(x))));
    const bytes = memory.buffer.byteLength;
    const y = feedForwardInModule(x, l1.weight, l1.bias!, l2.weight, l2.bias!, "gelu")!;
    expect(y).not.toBeNull();
    const fused = gradsOf(y);
    expect(memory.buffer.byteLength).toBeGreaterThan(bytes);
    expectSameBits(fused, modules);
    } finally {
      kernels.gemm = shared;
    }
  });

  (wasm ? it : it.skip)("a backward after the WebAssembly GEMM went away (backend switched) computes the gradients in plain ops", () => {
    const c = cases[1];
    const once = (dropGemm: boolean): Float32Array[] => {
      torch.manual_seed(17);
      const layer = new nn.TransformerEncoderLayer(c.D, c.heads, { dim_feedforward: c.F, dropout: 0, activation: "gelu", batch_first: true });
      const x = torch.randn(c.N, c.L, c.D, { requires_grad: true });
      const y = layer(x);
      const gemm = kernels.gemm;
      if (dropGemm) kernels.gemm = null;
      try {
        y.square().sum().backward();
      } finally {
        kernels.gemm = gemm;
      }
      return [x.grad!, layer.linear1.weight.grad!, layer.linear2.bias!.grad!].map((t) => Float32Array.from(t._data as Float32Array));
    };
    const before = feedForwardInModule_.backwards;
    const usual = once(false), switched = once(true);
    expect(feedForwardInModule_.backwards - before).toBe(1); // only the first backward ran in module
    for (let i = 0; i < usual.length; i++) {
      for (let j = 0; j < usual[i].length; j++) expect(Math.abs(switched[i][j] - usual[i][j])).toBeLessThanOrEqual(1e-4 * (1 + Math.abs(usual[i][j])));
    }
  });

  (wasm ? it : it.skip)("split on a thread pool (every job split): the single-thread bits", () => expectSplitPoolSameBits(() => run(cases[0], 13), (r) => r.fused));

  (wasm ? it : it.skip)("the GPT bench's losses over 6 steps: bit-equal with and without the fused block", () =>
    expectGptLossesUnchanged(
      (on) => (feedForwardInModule_.enabled = on),
      () => feedForwardInModule_.forwards,
    ));
});
