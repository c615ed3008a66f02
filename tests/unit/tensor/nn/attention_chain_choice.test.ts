/**
 * On an adaptive thread pool, fused attention's forward and backward chains are decided as whole
 * chains (gemm_session.ts ChainChooser, threads.ts forChain): the first of a shape runs alone on the
 * single-thread driver, the next split with every job of the chain split, each timed open to end
 * under the chain's key; either way the output and gradients are the single thread's bits. With
 * chainChoice off (the default) the first job's shape decides, with the same bits.
 */
import { afterEach, describe, expect, it } from "vitest";
import { torch, type Tensor } from "../../../../lib/tensor/index";
import { fusedAttention } from "../../../../lib/tensor/nn/functional/attention_core";
import { attentionInModule } from "../../../../lib/tensor/nn/functional/attention_in_module";
import { kernels } from "../../../../lib/tensor/kernels/registry";
import { chainChoice, chainChoosers } from "../../../../lib/tensor/kernels/wasm/gemm_session";
import { createThreadPool } from "../../../../lib/tensor/kernels/wasm/threads";
import { nodeThreadSpawner } from "../../../../bench/node-threads";
import { expectSameBits } from "./in_module_helpers";

const wasm = kernels.gemm !== null;

/** The GPT bench's attention (N 16, 4 heads of 16, L 64, causal, q, k, v views of one projection): output and the projection's gradient. */
function run(seed: number): (Float32Array | null)[] {
  torch.manual_seed(seed);
  const [N, H, L, E] = [16, 4, 64, 16];
  const heads = (t: Tensor): Tensor => t.reshape([N, L, H, E]).transpose(1, 2);
  const x = torch.randn(N, L, 3 * H * E, { requires_grad: true });
  const [q, k, v] = x.split([H * E, H * E, H * E], -1).map(heads);
  const out = fusedAttention(q, k, v, null, true, 0.25);
  out.transpose(1, 2).reshape([N, L, -1]).mul(torch.randn(N, L, H * E)).sum().backward();
  return [out.contiguous(), x.grad].map((t) => Float32Array.from(t!.contiguous()._data as Float32Array));
}

afterEach(() => {
  chainChoice.enabled = false;
});

describe.runIf(wasm)("fused attention's chains on an adaptive pool", () => {
  it("runs each chain alone, then split, as whole chains, with the single thread's bits", async () => {
    const single = kernels.gemm!;
    const want = run(7);
    const pool = createThreadPool(nodeThreadSpawner, 2, undefined, undefined, true, single);
    const ways: string[] = [];
    try {
      while (!pool.ready()) await new Promise((resolve) => setTimeout(resolve, 5));
      const chooser = chainChoosers.get(pool.gemm)!;
      expect(chooser).toBeDefined();
      chainChoosers.set(pool.gemm, {
        forChain(key, shapes) {
          const r = chooser.forChain(key, shapes);
          ways.push(`${key.split("|")[0]}: ${r.gemm === single ? "alone" : "split"}`);
          return r;
        },
      });
      kernels.gemm = pool.gemm;
      chainChoice.enabled = true;
      const runs = attentionInModule.runs;
      const alone = run(7);
      const splitBefore = pool.counts().split;
      const split = run(7);
      // Q K^T and P V forward, dV, dP, dQ and dK backward: every job of the split chains split.
      expect(pool.counts().split - splitBefore).toBeGreaterThanOrEqual(6);
      expect(attentionInModule.runs - runs).toBe(4);
      expect(ways).toEqual([
        "attention forward causal: alone", "attention backward causal: alone",
        "attention forward causal: split", "attention backward causal: split",
      ]);
      const chains = pool.verdicts().filter((v) => v.key.startsWith("cattention"));
      expect(chains).toHaveLength(2);
      for (const v of chains) expect(Number.isFinite(v.alone) && Number.isFinite(v.split)).toBe(true);
      expectSameBits(alone, want);
      expectSameBits(split, want);
      // Decided by the first job's shape (the old way): same bits.
      chainChoice.enabled = false;
      const old = run(7);
      expect(ways).toHaveLength(4);
      expectSameBits(old, want);
    } finally {
      kernels.gemm = single;
      pool.terminate();
    }
    expect(chainChoosers.has(pool.gemm)).toBe(false);
  });
});
