/**
 * matmulBatched's causal skips (kernels/batched_matmul CausalSkip, wasm/gemm_batch.ts): with the
 * causal cut's dead half left out, the part that counts has the bits of the whole product (each
 * slice's kernels.matmul), for L = S and L != S and for A transposed or not; the skipped terms
 * really are skipped (NaN placed in the dead half of A does not reach C); on a thread pool that
 * splits the slices the bits are the same; each slice's B packed once or per row group gives the
 * same bits; and causal attention with the skips still matches the
 * decomposed reference in float32.
 */
import { describe, expect, it } from "vitest";
import { F, torch } from "../../../../lib/tensor/index";
import { kernels } from "../../../../lib/tensor/kernels/registry";
import { matmulBatched, type CausalSkip } from "../../../../lib/tensor/kernels/batched_matmul";
import { batchBOnce } from "../../../../lib/tensor/kernels/wasm/gemm_batch";
import { createThreadPool } from "../../../../lib/tensor/kernels/wasm/threads";
import { nodeThreadSpawner } from "../../../../bench/node-threads";

function randomArray(n: number, seed: number): Float32Array {
  let x = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 31 - 1;
  });
}

/**
 * count slices of [rows, cols], zero where column > row (P's and dS's causal cut), and `dead`
 * instead from 8 columns past the diagonal on (gemm_batch skips in groups of 8 rows, so the first
 * few zeros past the diagonal may still be read).
 */
function causalRows(count: number, rows: number, cols: number, seed: number, dead = 0): Float32Array {
  const p = randomArray(count * rows * cols, seed);
  for (let s = 0; s < count; s++) for (let i = 0; i < rows; i++) for (let j = i + 1; j < cols; j++) p[s * rows * cols + i * cols + j] = j >= i + 8 ? dead : 0;
  return p;
}

const N = 2, H = 3, E = 16, count = N * H;

/** Runs the three products a causal attention layer skips in, for L queries and S keys; returns the outputs and what each must equal. */
function products(L: number, S: number, skip: boolean, dead = 0): { got: Float32Array; want: Float32Array; keep: (s: number, i: number, j: number) => boolean; cols: number }[] {
  const q = randomArray(N * L * H * E, 11), k = randomArray(N * S * H * E, 12);
  const qOffs = Array.from({ length: count }, (_, i) => Math.floor(i / H) * L * H * E + (i % H) * E);
  const kOffs = Array.from({ length: count }, (_, i) => Math.floor(i / H) * S * H * E + (i % H) * E);
  const P = causalRows(count, L, S, 13, dead); // [L, S] slices, dense
  const pOffs = Array.from({ length: count }, (_, i) => i * L * S);
  const mode = (m: CausalSkip) => (skip ? m : null);
  // Q K^T: [L, S], only j <= i counts.
  const scores = new Float32Array(count * L * S).fill(Number.NaN);
  matmulBatched(count, L, S, E, q, qOffs, H * E, 1, k, kOffs, 1, H * E, scores, 0, null, mode("outputPastDiagonal"));
  const scoresWant = new Float32Array(count * L * S);
  // P V: [L, E] per head, heads interleaved (A zero past its diagonal).
  const heads = new Float32Array(N * L * H * E).fill(Number.NaN);
  matmulBatched(count, L, E, S, P, pOffs, S, 1, k, kOffs, H * E, 1, heads, 0, { offs: qOffs, row: H * E }, mode("aPastDiagonal"));
  const headsWant = new Float32Array(N * L * H * E);
  // P^T Q: [S, E] per head, dense (A = P^T, zero before its diagonal).
  const grads = new Float32Array(count * S * E).fill(Number.NaN);
  matmulBatched(count, S, E, L, P, pOffs, 1, S, q, qOffs, H * E, 1, grads, 0, null, mode("aBeforeDiagonal"));
  const gradsWant = new Float32Array(count * S * E);
  const slice = new Float32Array(Math.max(L * S, L * E, S * E));
  for (let s = 0; s < count; s++) {
    kernels.matmul(L, S, E, q, qOffs[s], H * E, 1, k, kOffs[s], 1, H * E, scoresWant, s * L * S);
    kernels.matmul(L, E, S, P, pOffs[s], S, 1, k, kOffs[s], H * E, 1, slice, 0);
    for (let r = 0; r < L; r++) headsWant.set(slice.subarray(r * E, r * E + E), qOffs[s] + r * H * E);
    kernels.matmul(S, E, L, P, pOffs[s], 1, S, q, qOffs[s], H * E, 1, gradsWant, s * S * E);
  }
  return [
    { got: scores, want: scoresWant, keep: (_s, i, j) => j <= i, cols: S },
    { got: heads, want: headsWant, keep: () => true, cols: E },
    { got: grads, want: gradsWant, keep: () => true, cols: E },
  ];
}

/** The entries `keep` names, in order (a product's whole output when it keeps everything). */
function kept(out: { got: Float32Array; want: Float32Array; keep: (s: number, i: number, j: number) => boolean; cols: number }, of: Float32Array): number[] {
  const vals: number[] = [];
  const rows = of.length / count / out.cols;
  for (let s = 0; s < count; s++) for (let i = 0; i < rows; i++) for (let j = 0; j < out.cols; j++) if (out.keep(s, i, j)) vals.push(of[(s * rows + i) * out.cols + j]);
  return vals;
}

const describeWasm = kernels.gemm?.batch ? describe : describe.skip;

describe("causal skips of batched products", () => {
  for (const [L, S] of [[64, 64], [32, 64], [64, 24]]) {
    it(`L = ${L}, S = ${S}: the part past the causal cut is left out, the rest has the whole product's bits`, () => {
      for (const out of products(L, S, true)) expect(kept(out, out.got)).toEqual(kept(out, out.want));
    });
  }

  describeWasm("on the WebAssembly GEMM", () => {
    it("skips the dead half of A: NaN placed there does not reach C (without the skip it does)", () => {
      const [, pv, ptq] = products(64, 64, true, Number.NaN);
      expect(pv.got.some(Number.isNaN)).toBe(false);
      expect(ptq.got.some(Number.isNaN)).toBe(false);
      const [, pvFull] = products(64, 64, false, Number.NaN);
      expect(pvFull.got.some(Number.isNaN)).toBe(true);
    });

    it("B packed once per slice (each row group running its panels and steps of it) or per row group (batchBOnce off): the same outputs, bit for bit (all that counts)", () => {
      for (const [L, S] of [[64, 64], [32, 64], [64, 24]]) {
        try {
          batchBOnce.enabled = false;
          const perGroup = products(L, S, true);
          batchBOnce.enabled = true;
          const once = products(L, S, true);
          // (Q K^T's entries past the cut are not written: what the module memory held, either way.)
          once.forEach((out, i) => {
            expect(kept(out, out.got).some(Number.isNaN)).toBe(false);
            expect(kept(out, out.got)).toEqual(kept(perGroup[i], perGroup[i].got));
          });
        } finally {
          batchBOnce.enabled = true;
        }
      }
    });

    it("split by slices on a thread pool: the single-thread bits", async () => {
      const single = products(64, 64, true);
      const pool = createThreadPool(nodeThreadSpawner, 2, 0, undefined, false, null); // splits every batch
      const before = kernels.gemm;
      try {
        while (!pool.ready()) await new Promise((resolve) => setTimeout(resolve, 5));
        kernels.gemm = pool.gemm;
        const split = products(64, 64, true);
        expect(pool.counts().split).toBeGreaterThanOrEqual(3);
        split.forEach((out, i) => expect(kept(out, out.got)).toEqual(kept(single[i], single[i].got)));
      } finally {
        kernels.gemm = before;
        pool.terminate();
      }
    });
  });

  it("causal attention (fused, skipping) matches the decomposed float32 reference, values and gradients", () => {
    torch.manual_seed(5);
    const [Nb, Hh, L, Eh] = [2, 4, 64, 16];
    const q = torch.randn(Nb, Hh, L, Eh, { requires_grad: true }), k = torch.randn(Nb, Hh, L, Eh, { requires_grad: true }), v = torch.randn(Nb, Hh, L, Eh, { requires_grad: true });
    const out = F.scaled_dot_product_attention(q, k, v, { is_causal: true });
    const go = torch.randn(Nb, Hh, L, Eh);
    out.backward(go);
    const [gq, gk, gv] = [q.grad!.clone(), k.grad!.clone(), v.grad!.clone()];
    const [q2, k2, v2] = [q, k, v].map((t) => t.detach().clone().requires_grad_(true));
    const mask = torch.ones(L, L, { dtype: torch.bool }).tril();
    const scores = q2.matmul(k2.transpose(-2, -1)).mul(1 / Math.sqrt(Eh)).masked_fill(mask.logical_not(), -Infinity);
    const ref = scores.softmax(-1).matmul(v2);
    ref.backward(go);
    expect(out.sub(ref).abs().max().item()).toBeLessThan(1e-5);
    for (const [a, b] of [[gq, q2.grad!], [gk, k2.grad!], [gv, v2.grad!]]) expect(a.sub(b).abs().max().item()).toBeLessThan(1e-5);
  });
});
