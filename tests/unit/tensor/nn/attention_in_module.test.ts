/**
 * Fused attention's chains inside the GEMM module's memory (nn/functional/attention_in_module.ts on
 * kernels/wasm/gemm_session.ts): the same bits as the per-call path (matmulBatched and the row
 * passes on their own memory) for the output and q/k/v gradients, with q, k and v as head views of
 * one projection (staged once) or separate tensors, causal or not, L != S; only the gradients
 * asked for; run a few slices at a time (uneven chunks, one slice each); shapes it declines fall back; on a thread pool that splits every job, the
 * single-thread bits. The session itself: a span larger than the memory grows it, and a job it was
 * not opened for is refused. On the plain-TS backend nothing runs in module (the counter stays).
 */
import { afterEach, describe, expect, it } from "vitest";
import { torch, type Tensor } from "../../../../lib/tensor/index";
import { fusedAttention, fusedPackedAttention } from "../../../../lib/tensor/nn/functional/attention_core";
import { SCORES_PER_CHUNK, attentionInModule } from "../../../../lib/tensor/nn/functional/attention_in_module";
import { kernels } from "../../../../lib/tensor/kernels/registry";
import { createLocalGemm } from "../../../../lib/tensor/kernels/wasm/gemm";
import { BATCH_SKIP } from "../../../../lib/tensor/kernels/wasm/gemm_batch";
import { openGemmSession } from "../../../../lib/tensor/kernels/wasm/gemm_session";
import { expectSameBits, expectSplitPoolSameBits } from "./in_module_helpers";

const wasm = kernels.gemm !== null;

/** [N, H, len, hd] head views of a [N, len, H * hd] tensor, as MultiheadAttention makes them. */
const heads = (t: Tensor, H: number): Tensor => t.reshape([t.shape[0], t.shape[1], H, -1]).transpose(1, 2);

interface Case { name: string; N: number; H: number; L: number; S: number; E: number; Ev: number; causal: boolean; packed: boolean; grads: [boolean, boolean, boolean] }

const cases: Case[] = [
  { name: "q, k, v views of one [N, L, 3 H E] projection, causal (the GPT bench's layout)", N: 3, H: 2, L: 32, S: 32, E: 8, Ev: 8, causal: true, packed: true, grads: [true, true, true] },
  { name: "the same, not causal", N: 2, H: 4, L: 16, S: 16, E: 16, Ev: 16, causal: false, packed: true, grads: [true, true, true] },
  { name: "separate tensors, L < S, causal", N: 2, H: 2, L: 16, S: 32, E: 16, Ev: 8, causal: true, packed: false, grads: [true, true, true] },
  { name: "separate tensors, L > S, only v needs a gradient", N: 2, H: 3, L: 32, S: 16, E: 8, Ev: 16, causal: false, packed: false, grads: [false, false, true] },
  { name: "separate tensors, only q needs a gradient", N: 1, H: 2, L: 16, S: 32, E: 8, Ev: 8, causal: true, packed: false, grads: [true, false, false] },
];

/** Output and the inputs' gradients (null where not asked) of one forward and backward, and how many chains ran in module. */
function run(c: Case, seed: number): { values: (Float32Array | null)[]; inModule: number } {
  torch.manual_seed(seed);
  const before = attentionInModule.runs;
  let q: Tensor, k: Tensor, v: Tensor, leaves: Tensor[];
  if (c.packed) {
    const x = torch.randn(c.N, c.L, c.H * (2 * c.E + c.Ev), { requires_grad: true });
    const [xq, xk, xv] = x.split([c.H * c.E, c.H * c.E, c.H * c.Ev], -1);
    [q, k, v] = [heads(xq, c.H), heads(xk, c.H), heads(xv, c.H)];
    leaves = [x];
  } else {
    const xq = torch.randn(c.N, c.L, c.H * c.E, { requires_grad: c.grads[0] });
    const xk = torch.randn(c.N, c.S, c.H * c.E, { requires_grad: c.grads[1] });
    const xv = torch.randn(c.N, c.S, c.H * c.Ev, { requires_grad: c.grads[2] });
    [q, k, v] = [heads(xq, c.H), heads(xk, c.H), heads(xv, c.H)];
    leaves = [xq, xk, xv].filter((t) => t.requires_grad);
  }
  const out = fusedAttention(q, k, v, null, c.causal, 0.35);
  // dO arrives with heads merged back by a view (interleaved), as in MultiheadAttention.
  const w = torch.randn(c.N, c.L, c.H * c.Ev);
  out.transpose(1, 2).reshape([c.N, c.L, -1]).mul(w).sum().backward();
  const values = [out.contiguous(), ...leaves.map((t) => t.grad)].map((t) => (t ? Float32Array.from(t.contiguous()._data as Float32Array) : null));
  return { values, inModule: attentionInModule.runs - before };
}

afterEach(() => {
  attentionInModule.enabled = true;
  attentionInModule.chunkScores = SCORES_PER_CHUNK;
  attentionInModule.chunkStaging = true;
});

describe("fused attention in the GEMM module's memory", () => {
  for (const c of cases) {
    it(`${c.name}: the per-call path's bits`, () => {
      attentionInModule.enabled = false;
      const perCall = run(c, 5);
      expect(perCall.inModule).toBe(0);
      attentionInModule.enabled = true;
      const session = run(c, 5);
      // Forward and backward each one chain on the WebAssembly backend.
      expect(session.inModule).toBe(wasm ? 2 : 0);
      expectSameBits(session.values, perCall.values);
    });
  }

  for (const [why, c] of [
    ["head width 6 (not whole panels of 8 columns)", { name: "", N: 2, H: 2, L: 32, S: 32, E: 6, Ev: 6, causal: true, packed: true, grads: [true, true, true] }],
    ["products under MIN_WORK (the per-call path's plain-TS kernel)", { name: "", N: 2, H: 2, L: 8, S: 8, E: 8, Ev: 8, causal: false, packed: true, grads: [true, true, true] }],
  ] as [string, Case][]) {
    it(`declines ${why} and falls back to the same results`, () => {
      attentionInModule.enabled = false;
      const perCall = run(c, 9);
      attentionInModule.enabled = true;
      const session = run(c, 9);
      expect(session.inModule).toBe(0);
      expectSameBits(session.values, perCall.values);
    });
  }

  // On one thread the chains run a few slices at a time (chunkScores scores); these cases' batches
  // fit one chunk of the default, so smaller chunks are forced here: whole batch elements (each
  // chunk's q, k, v, dO and results staged by themselves: their slices tile spans of their own),
  // uneven ones and one slice each (the whole batch's operands staged once), and the whole batch
  // staged once for every chunk size (chunkStaging off).
  for (const c of cases) {
    it(`${c.name}: chunks of slices give the per-call path's bits`, () => {
      attentionInModule.enabled = false;
      const perCall = run(c, 7);
      attentionInModule.enabled = true;
      const nb = c.N * c.H;
      for (const staging of [true, false]) {
        attentionInModule.chunkStaging = staging;
        for (const per of [c.H, Math.ceil((2 * nb) / 3), 1]) {
          attentionInModule.chunkScores = per * c.L * c.S;
          const before = attentionInModule.stagedByChunk;
          const chunked = run(c, 7);
          expect(chunked.inModule).toBe(wasm ? 2 : 0);
          // Forward and backward each stage by chunk where chunks of whole batch elements are more than one.
          if (per === c.H) expect(attentionInModule.stagedByChunk - before).toBe(wasm && staging && nb > per ? 2 : 0);
          expectSameBits(chunked.values, perCall.values);
        }
      }
    });
  }

  (wasm ? it : it.skip)("self-attention from a packed projection (dQ, dK, dV into one gradient): chunks staged by themselves give the whole batch's bits", () => {
    const N = 4, H = 2, L = 32, E = 16;
    const once = (): Float32Array[] => {
      torch.manual_seed(11);
      const proj = torch.randn(N, L, 3 * H * E, { requires_grad: true });
      const out = fusedPackedAttention(proj, H, null, true, 0.35);
      out.mul(torch.randn(N, H, L, E)).sum().backward();
      return [out.contiguous(), proj.grad!].map((t) => Float32Array.from(t._data as Float32Array));
    };
    attentionInModule.chunkScores = 0;
    const whole = once();
    for (const per of [H, 2 * H, 1]) {
      attentionInModule.chunkScores = per * L * L;
      const before = attentionInModule.stagedByChunk;
      expectSameBits(once(), whole);
      expect(attentionInModule.stagedByChunk - before).toBe(per === 1 ? 0 : 2);
    }
  });

  (wasm ? it : it.skip)("split on a thread pool (every job split): the single-thread bits", () => expectSplitPoolSameBits(() => run(cases[0], 13), (r) => r.inModule));
});

(wasm ? describe : describe.skip)("gemm session", () => {
  it("stages spans larger than its memory (which grows) and computes the per-call bits; refuses a job it was not opened for", () => {
    const g = createLocalGemm()!;
    const startBytes = g.memory!.buffer.byteLength;
    const count = 6, m = 32, n = 16, k = 64;
    const a = torch.randn(count, m, k)._data as Float32Array;
    const bt = torch.randn(count, n, k)._data as Float32Array; // B transposed: B_i[p, j] = bt[i n k + j k + p]
    const sess = openGemmSession(g, [[count, m, n, k]])!;
    const padding = sess.alloc(1 << 16); // push the operands past the first pages
    const aBase = sess.stage(a, 0, a.length), bBase = sess.stage(bt, 0, bt.length);
    const cAt = sess.alloc(count * m * n);
    expect(padding).toBeGreaterThanOrEqual(0);
    expect(g.memory!.buffer.byteLength).toBeGreaterThan(startBytes);
    sess.batch(count, m, n, k, Array.from({ length: count }, (_, i) => aBase + i * m * k), k, 1,
      Array.from({ length: count }, (_, i) => bBase + i * n * k), 1, k, Array.from({ length: count }, (_, i) => cAt + i * m * n), n, BATCH_SKIP.NONE);
    const got = sess.heap().slice(cAt, cAt + count * m * n);
    const want = new Float32Array(count * m * n);
    for (let i = 0; i < count; i++) kernels.matmul(m, n, k, a, i * m * k, k, 1, bt, i * n * k, 1, k, want, i * m * n);
    expect(Array.from(got)).toEqual(Array.from(want));
    expect(() => sess.batch(count, m, n, 2 * k, [], k, 1, [], 1, k, [], n, BATCH_SKIP.NONE)).toThrow(/not opened for/);
    expect(openGemmSession(g, [[count, 30, n, k]])).toBeNull(); // 30 rows: not whole panels
  });
});
