/**
 * Fused attention's forward row pass (kernels/wasm/attention_simd.ts) where its running max takes
 * care: NaNs (the max is a pseudo-max with NaNs noted apart, only before the causal cut) and
 * signed zeros (a pseudo-max keeps whichever zero came first). attention_rows_bits.test.ts pins the
 * arithmetic's bits on ordinary, zero, denormal and masked rows; this adds NaN rows and rows whose
 * max is a zero, and the scaling's two forms (a float32 product where scale is a float32 value),
 * checked on the in-module kernels (attentionRowsOn on another memory) and the
 * staged ones alike. WebAssembly backend only.
 */
import { describe, expect, it } from "vitest";
import { kernels } from "../../../../lib/tensor/kernels/registry";
import { attentionRowsOn, createAttentionSimd } from "../../../../lib/tensor/kernels/wasm/attention_simd";

const onWasm = kernels.gemm !== null;
const S = 12, L = 12;

/** Row r of `rows` causal rows of S after the forward pass, scale 0.5, by both entry points (which must agree bit for bit). */
function forward(scores: Float32Array, causal: boolean): Float32Array {
  const rows = scores.length / S;
  const staged = scores.slice();
  createAttentionSimd()!.softmaxForward(staged, rows, S, L, causal, 0.5);
  const memory = new WebAssembly.Memory({ initial: 1 });
  const h = new Float32Array(memory.buffer);
  h.set(scores, 16);
  attentionRowsOn(memory)!.attn_softmax_fwd(64, rows, S, L, 0, causal ? 1 : 0, 0.5);
  const inModule = h.slice(16, 16 + scores.length);
  expect(new Uint32Array(inModule.buffer)).toEqual(new Uint32Array(staged.buffer));
  return staged;
}

const base = () => Float32Array.from({ length: L * S }, (_, i) => Math.sin(i * 1.7) * 3);

(onWasm ? describe : describe.skip)("attention forward row pass: NaN and signed-zero maxima", () => {
  it("a NaN before the cut makes the row's kept entries NaN and leaves 0 past the cut; one past the cut changes nothing", () => {
    for (const causal of [true, false]) {
      for (const [r, j] of [[5, 0], [5, 4], [5, 5], [9, 8], [11, 11], [0, 0]]) {
        const s = base();
        s[r * S + j] = NaN;
        const p = forward(s, causal);
        const end = causal ? r + 1 : S;
        for (let k = 0; k < S; k++) {
          if (k < end) expect(p[r * S + k], `row ${r} col ${k}`).toBeNaN();
          else expect(Object.is(p[r * S + k], 0), `row ${r} col ${k}`).toBe(true);
        }
        // Other rows untouched by the NaN.
        const clean = forward(base(), causal);
        for (let k = 0; k < L * S; k++) if (Math.floor(k / S) !== r) expect(Object.is(p[k], clean[k])).toBe(true);
      }
    }
    // A NaN past the cut (causal) is never read: the row is bit-identical to one with a 0 there.
    for (const [r, j] of [[2, 3], [2, 4], [2, 11], [6, 7]]) {
      const withNaN = base(), withZero = base();
      withNaN[r * S + j] = NaN;
      withZero[r * S + j] = 0;
      expect(new Uint32Array(forward(withNaN, true).buffer)).toEqual(new Uint32Array(forward(withZero, true).buffer));
    }
  });

  it("x = scale * s is the float64 product rounded once, whether scale is a float32 value (a float32 product) or not", () => {
    const s = base();
    s[3 * S + 1] = 1e-40; s[4 * S + 2] = -3e-39; s[5 * S] = 3e38; s[6 * S + 3] = -3e38; s[7 * S + 4] = 1e-45;
    for (const scale of [0.25, 2 ** -100, 2 ** 100, Math.fround(0.1), 0.1, 1 / Math.sqrt(12), 3]) {
      const scaled = Float32Array.from(s, (v) => v * scale); // the float64 product, rounded once on store
      for (const causal of [true, false]) {
        const rows = s.length / S;
        const a = s.slice(), b = scaled.slice();
        createAttentionSimd()!.softmaxForward(a, rows, S, L, causal, scale);
        createAttentionSimd()!.softmaxForward(b, rows, S, L, causal, 1);
        expect(new Uint32Array(a.buffer), `scale ${scale}`).toEqual(new Uint32Array(b.buffer));
      }
    }
  });

  it("rows whose max is +0 or -0 (in either order) give the same bits as each other", () => {
    const rows = (zeros: number[]) => {
      const s = new Float32Array(L * S).fill(-2);
      for (let r = 0; r < L; r++) zeros.forEach((z, i) => { if (i <= r && i < S) s[r * S + i] = z; });
      return new Uint32Array(forward(s, true).buffer);
    };
    const plus = rows([0, 0, 0, 0, 0]);
    expect(rows([-0, 0, -0, 0, -0])).toEqual(plus);
    expect(rows([-0, -0, -0, -0, -0])).toEqual(plus);
    expect(rows([0, -0, 0, -0, 0])).toEqual(plus);
    // Row 3: four zeros (e = 1 each) over a sum of 4 exactly.
    expect(new Float32Array(plus.buffer)[3 * S]).toBe(0.25);
  });
});
