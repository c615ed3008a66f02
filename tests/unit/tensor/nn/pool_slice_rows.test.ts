/**
 * Behind a thread pool the in-module plans cut a product into at least 3 row slices per thread
 * (feed_forward_in_module.ts poolSliceRows), so the weight gradients' jobs (dW1: 256 rows, dW2: 64
 * rows, k = 1024 in the GPT bench's block) split evenly: the output and every gradient are the
 * single-thread bits either way, and dW2's jobs, one slice of 64 rows before, now split.
 */
import { describe, expect, it } from "vitest";
import { nn, torch } from "../../../../lib/tensor/index";
import { kernels } from "../../../../lib/tensor/kernels/registry";
import { feedForwardInModule_, poolSliceRows } from "../../../../lib/tensor/nn/functional/feed_forward_in_module";
import { expectSameBits, onSplittingPool } from "./in_module_helpers";

/** The GPT bench's feed-forward block (1024 rows, D 64, F 256), pre-norm; its output and gradients. */
function run(): { values: Float32Array[]; fused: number } {
  torch.manual_seed(5);
  const layer = new nn.TransformerEncoderLayer(64, 4, { dim_feedforward: 256, dropout: 0, activation: "gelu", batch_first: true, norm_first: true });
  const x = torch.randn(16, 64, 64, { requires_grad: true });
  const w = torch.randn(16, 64, 64);
  const before = feedForwardInModule_.forwards + feedForwardInModule_.backwards;
  layer(x).mul(w).sum().backward();
  const ps = [layer.linear1.weight, layer.linear1.bias, layer.linear2.weight, layer.linear2.bias, layer.norm2.weight, layer.self_attn.in_proj_weight];
  const values = [x.grad!, ...ps.map((p) => p!.grad!)].map((t) => Float32Array.from(t.contiguous()._data as ArrayLike<number>));
  return { values, fused: feedForwardInModule_.forwards + feedForwardInModule_.backwards - before };
}

const describeWasm = kernels.gemm?.batch ? describe : describe.skip;

describeWasm("in-module plans on a thread pool: finer row slices", () => {
  it("the single-thread bits with and without them; dW2's jobs split with them", async () => {
    const single = run();
    expect(single.fused).toBe(2);
    try {
      poolSliceRows.enabled = false;
      const coarse = await onSplittingPool(run);
      poolSliceRows.enabled = true;
      const fine = await onSplittingPool(run);
      expect(coarse.result.fused).toBe(2);
      expect(fine.result.fused).toBe(2);
      expectSameBits(coarse.result.values, single.values);
      expectSameBits(fine.result.values, single.values);
      // dW2 (64 x 256, k = 1024): 4 jobs of one 64-row slice (never split) become 4 jobs of two 32-row slices.
      expect(fine.splits - coarse.splits).toBeGreaterThanOrEqual(4);
    } finally {
      poolSliceRows.enabled = true;
    }
  });
});
