/**
 * Fused attention's row passes (nn/functional/attention_rows.ts): the WebAssembly SIMD passes
 * (kernels/wasm/attention_simd.ts) against float64 references computed from the same float32
 * inputs, causal cuts (zeros past the diagonal exactly, query positions carried across the
 * kernel's chunks), masks, fully masked and NaN rows, and the JS loops on rows of S % 4 != 0;
 * then the fused attention on S % 4 === 0 (the SIMD path) against the separate recorded ops.
 */
import { describe, expect, it } from "vitest";
import { torch, type Tensor } from "../../../../lib/tensor/index";
import { kernels } from "../../../../lib/tensor/kernels/registry";
import { createAttentionSimd } from "../../../../lib/tensor/kernels/wasm/attention_simd";
import { softmaxBackwardRows, softmaxRows } from "../../../../lib/tensor/nn/functional/attention_rows";
import { fusedAttention } from "../../../../lib/tensor/nn/functional/attention_core";

const simd = createAttentionSimd()!;
const onWasm = kernels.gemm !== null;

/** Deterministic values in [-scale, scale) (a small LCG). */
function values(n: number, seed: number, scale = 4): Float32Array {
  const out = new Float32Array(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = ((x / 2 ** 32) * 2 - 1) * scale;
  }
  return out;
}

const rowEnd = (causal: boolean, r: number, L: number, S: number) => (causal ? Math.min(S, (r % L) + 1) : S);

/** softmax(fround(scale * s)) per row in float64, 0 past the causal cut. */
function forwardReference(s: Float32Array, rows: number, L: number, S: number, causal: boolean, scale: number): Float64Array {
  const out = new Float64Array(rows * S);
  for (let r = 0; r < rows; r++) {
    const end = rowEnd(causal, r, L, S);
    const x = Array.from(s.subarray(r * S, r * S + end), (v) => Math.fround(v * scale));
    const m = Math.max(...x);
    const e = x.map((v) => Math.exp(v - m));
    const sum = e.reduce((a, b) => a + b, 0);
    e.forEach((v, j) => { out[r * S + j] = v / sum; });
  }
  return out;
}

/** scale * p * (d - sum(d * p)) per row in float64 from the float32 inputs, 0 past the cut. */
function backwardReference(d: Float32Array, p: Float32Array, rows: number, L: number, S: number, causal: boolean, scale: number): Float64Array {
  const out = new Float64Array(rows * S);
  for (let r = 0; r < rows; r++) {
    const end = rowEnd(causal, r, L, S);
    let dot = 0;
    for (let j = r * S; j < r * S + end; j++) dot += d[j] * p[j];
    for (let j = r * S; j < r * S + end; j++) out[j] = scale * p[j] * (d[j] - dot);
  }
  return out;
}

/** Largest |a - b| / (|b| + floor). */
function maxRel(a: ArrayLike<number>, b: ArrayLike<number>, floor: number): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / (Math.abs(b[i]) + floor));
  return worst;
}

describe("attention row passes, WebAssembly SIMD", () => {
  // rows > the kernel's chunk (16384 floats: 2048 rows of 8, 1365 of 12, neither a multiple of L) for S = 8 and 12: query positions must carry over.
  const shapes = [
    { L: 64, S: 64, rows: 256 }, { L: 6, S: 8, rows: 6 * 700 }, { L: 11, S: 12, rows: 11 * 200 }, { L: 5, S: 4, rows: 10 },
  ];
  for (const { L, S, rows } of shapes) {
    for (const causal of [false, true]) {
      it(`forward: softmax of ${rows} rows of ${S} (L = ${L}${causal ? ", causal" : ""}) to float32 rounding, exact zeros past the cut`, () => {
        const scale = 1 / Math.sqrt(12); // not a float32: the product is taken in float64, rounded once
        const s = values(rows * S, 7 + S, 6);
        const p = s.slice();
        simd.softmaxForward(p, rows, S, L, causal, scale);
        const ref = forwardReference(s, rows, L, S, causal, scale);
        expect(maxRel(p, ref, 1e-30)).toBeLessThan(1e-6);
        for (let r = 0; r < rows; r++) {
          for (let j = rowEnd(causal, r, L, S); j < S; j++) expect(p[r * S + j]).toBe(0);
        }
      });

      it(`backward: scale * p * (d - rowsum(d * p)) of ${rows} rows of ${S} (L = ${L}${causal ? ", causal" : ""}) within an ulp of the float64 result`, () => {
        const scale = 0.3;
        const p = values(rows * S, 11 + S, 1).map(Math.abs);
        const d = values(rows * S, 13 + S, 3);
        const ds = d.slice();
        simd.softmaxBackward(ds, p, rows, S, L, causal, scale);
        const ref = backwardReference(d, p, rows, L, S, causal, scale);
        // Only the order of the float64 row sum differs from the reference: the float32 results agree to rounding.
        expect(maxRel(ds, ref, 1e-12)).toBeLessThan(1.2e-7);
        for (let r = 0; r < rows; r++) {
          for (let j = rowEnd(causal, r, L, S); j < S; j++) expect(ds[r * S + j]).toBe(0);
        }
      });
    }
  }

  it("a row whose scores are all -inf gives NaN (0 / 0, as PyTorch's softmax); a NaN score makes its row NaN up to the cut, 0 past it", () => {
    const S = 8, L = 4, rows = 4;
    const s = values(rows * S, 3);
    s.fill(-Infinity, 0, S);
    s[2 * S + 1] = NaN;
    simd.softmaxForward(s, rows, S, L, true, 1);
    expect(Array.from(s.subarray(0, S))).toEqual([NaN, 0, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(s.subarray(2 * S, 3 * S))).toEqual([NaN, NaN, NaN, 0, 0, 0, 0, 0]);
    expect(s.subarray(S, 2 * S).every((v) => Number.isFinite(v))).toBe(true);
  });
});

describe.runIf(onWasm)("attention row passes through softmaxRows / softmaxBackwardRows", () => {
  it("a mask is added before the SIMD softmax (float64 sum rounded once); masked entries get exactly 0", () => {
    const nb = 3, L = 6, S = 8;
    const s = values(nb * L * S, 21);
    const mask = values(L * S, 5, 2);
    for (let j = 0; j < S; j += 3) mask[j] = -Infinity; // row 0 of every slice: some keys blocked
    const p = s.slice();
    softmaxRows(p, nb, L, S, false, 0.5, { data: mask, offs: [0, 0, 0], rowStride: S, colStride: 1 });
    const scored = new Float32Array(s.length);
    for (let i = 0; i < s.length; i++) scored[i] = s[i] * 0.5 + mask[i % (L * S)];
    const ref = forwardReference(scored, nb * L, L, S, false, 1);
    expect(maxRel(p, ref, 1e-30)).toBeLessThan(1e-6);
    for (let b = 0; b < nb; b++) for (let j = 0; j < S; j += 3) expect(p[b * L * S + j]).toBe(0);
  });

  it("rows of S % 4 != 0 take the JS loops, to the same results", () => {
    const rows = 30, L = 10, S = 6;
    const s = values(rows * S, 9);
    const p = s.slice();
    softmaxRows(p, 3, L, S, true, 0.25, null);
    expect(maxRel(p, forwardReference(s, rows, L, S, true, 0.25), 1e-30)).toBeLessThan(1e-6);
    const d = values(rows * S, 10);
    const ds = d.slice();
    softmaxBackwardRows(ds, p, rows, L, S, true, 0.25);
    expect(maxRel(ds, backwardReference(d, p, rows, L, S, true, 0.25), 1e-12)).toBeLessThan(1.2e-7);
  });
});

describe("fused attention on rows of a multiple of 4 (the SIMD row passes on the WebAssembly backend)", () => {
  function reference(q: Tensor, k: Tensor, v: Tensor, causal: boolean, scale: number): Tensor {
    let s = q.matmul(k.transpose(-2, -1)).mul(scale);
    if (causal) s = s.masked_fill(torch.ones(q.shape[2], k.shape[2], { dtype: torch.bool }).triu(1), -Infinity);
    return s.softmax(-1).matmul(v);
  }
  for (const causal of [false, true]) {
    it(`[2, 3, 16, 8] heads, S = 12${causal ? ", causal" : ""}: output and q/k/v gradients match the separate ops`, () => {
      torch.manual_seed(4);
      const q = torch.randn(2, 3, 16, 8, { requires_grad: true });
      const k = torch.randn(2, 3, 12, 8, { requires_grad: true });
      const v = torch.randn(2, 3, 12, 8, { requires_grad: true });
      const g = torch.randn(2, 3, 16, 8);
      const out = fusedAttention(q, k, v, null, causal, 0.35);
      out.backward(g);
      const grads = [q.grad!, k.grad!, v.grad!];
      const q2 = q.detach().requires_grad_(), k2 = k.detach().requires_grad_(), v2 = v.detach().requires_grad_();
      const ref = reference(q2, k2, v2, causal, 0.35);
      ref.backward(g);
      expect(out.sub(ref).abs().max().item()).toBeLessThan(2e-6);
      [q2.grad!, k2.grad!, v2.grad!].forEach((r, i) => expect(grads[i].sub(r).abs().max().item()).toBeLessThan(1e-5));
    });
  }
});
