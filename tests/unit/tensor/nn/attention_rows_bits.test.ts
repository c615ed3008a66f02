/**
 * The exact bits of fused attention's SIMD row passes (kernels/wasm/attention_simd.ts), against a
 * JS model of their arithmetic in its order: x = fround(scale * s) (float64 product), m = the row's
 * max (0 for a fully masked row), e = the exp kernel's exp(x - m) (torch.exp on float32: the
 * Cephes expf both share), float64 sums of e with positions j = l mod 4 summed apart in j order
 * and put together as (l0 + l1) + (l2 + l3), p = fround(e * (1 / sum)); backward
 * dot = the same lane sums of ds * p over the row's whole groups of four, then its tail in order,
 * ds = fround((scale * p) * (ds - dot)); zeros past the causal cut. attention_rows.test.ts checks
 * the values against float64 references to a tolerance; this pins the bits, so a rewrite of the
 * kernels (how halves are loaded, split, joined and stored) cannot change them unnoticed.
 * WebAssembly backend only (the TS backend's exp is another function).
 */
import { describe, expect, it } from "vitest";
import { torch } from "../../../../lib/tensor/index";
import { kernels } from "../../../../lib/tensor/kernels/registry";
import { createAttentionSimd } from "../../../../lib/tensor/kernels/wasm/attention_simd";

const onWasm = kernels.gemm !== null;

/** Deterministic float32 values in [-scale, scale) with a few specials mixed in. */
function values(n: number, seed: number, scale: number, specials: boolean): Float32Array {
  const out = new Float32Array(n);
  let x = seed >>> 0;
  const odd = [0, -0, 1e-40, -3e-39, 80, -80];
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    const u = x / 2 ** 32;
    out[i] = specials && u < 0.03 ? odd[Math.floor(u * 200) % odd.length] : (u * 2 - 1) * scale;
  }
  return out;
}

const rowEnd = (causal: boolean, r: number, L: number, S: number) => (causal ? Math.min(S, (r % L) + 1) : S);

/** exp of float32 values by the engine's float32 exp kernel (which takes whole groups of four of at least 64 floats: padded). */
function exp32(d: Float32Array): Float32Array {
  const padded = new Float32Array(Math.max(64, Math.ceil(d.length / 4) * 4));
  padded.set(d);
  return (torch.exp(torch.tensor(Array.from(padded))).contiguous()._data as Float32Array).subarray(0, d.length);
}

/** The lane sums of terms(j) for j < upTo, as the kernels add them: (l0 + l1) + (l2 + l3). */
function laneSum(upTo: number, term: (j: number) => number): number {
  const lanes = [0, 0, 0, 0];
  for (let j = 0; j < upTo; j++) lanes[j % 4] += term(j);
  return (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
}

function forwardModel(s: Float32Array, rows: number, L: number, S: number, causal: boolean, scale: number): Float32Array {
  const out = new Float32Array(rows * S);
  const shifted: number[] = [];
  const ms: number[] = [];
  for (let r = 0; r < rows; r++) {
    const end = rowEnd(causal, r, L, S);
    let m = -Infinity;
    for (let j = 0; j < end; j++) {
      const x = Math.fround(s[r * S + j] * scale);
      m = Number.isNaN(m) || Number.isNaN(x) ? NaN : Math.max(m, x);
    }
    if (m === -Infinity) m = 0;
    ms.push(m);
    for (let j = 0; j < end; j++) shifted.push(Math.fround(Math.fround(s[r * S + j] * scale) - m));
  }
  const e = exp32(Float32Array.from(shifted));
  let at = 0;
  for (let r = 0; r < rows; r++) {
    const end = rowEnd(causal, r, L, S);
    const row = e.subarray(at, at + end);
    at += end;
    const inv = 1 / laneSum(end, (j) => row[j]);
    for (let j = 0; j < end; j++) out[r * S + j] = row[j] * inv;
  }
  return out;
}

function backwardModel(ds: Float32Array, p: Float32Array, rows: number, L: number, S: number, causal: boolean, scale: number): Float32Array {
  const out = new Float32Array(rows * S);
  for (let r = 0; r < rows; r++) {
    const end = rowEnd(causal, r, L, S), o = r * S;
    const full = end & ~3;
    let dot = laneSum(full, (j) => ds[o + j] * p[o + j]);
    for (let j = full; j < end; j++) dot += ds[o + j] * p[o + j];
    for (let j = 0; j < end; j++) out[o + j] = (scale * p[o + j]) * (ds[o + j] - dot);
  }
  return out;
}

/** Index of the first element whose bits differ (NaN matching any NaN), or -1. */
function firstDiff(a: Float32Array, b: Float32Array): number {
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length), ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < a.length; i++) if (ua[i] !== ub[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) return i;
  return -1;
}

(onWasm ? describe : describe.skip)("attention row passes: the bits of their arithmetic", () => {
  const simd = createAttentionSimd()!;
  const shapes = [
    { L: 64, S: 64, rows: 128 }, { L: 11, S: 12, rows: 1500 }, { L: 3, S: 8, rows: 9 }, { L: 5, S: 4, rows: 10 },
  ];
  for (const { L, S, rows } of shapes) {
    for (const causal of [true, false]) {
      for (const scale of [0.25, 1 / Math.sqrt(12)]) {
        for (const specials of [false, true]) {
          const what = `${rows} rows of ${S} (L = ${L}${causal ? ", causal" : ""}), scale ${scale.toPrecision(3)}${specials ? ", zeros, denormals, large values" : ""}`;
          it(`forward and backward: ${what}`, () => {
            const s = values(rows * S, 3 + S + rows, 8, specials);
            if (specials) s.fill(-Infinity, 2 * S, 3 * S); // a fully masked row
            const p = s.slice();
            simd.softmaxForward(p, rows, S, L, causal, scale);
            const pAt = firstDiff(p, forwardModel(s, rows, L, S, causal, scale));
            expect(pAt, `forward differs at ${pAt}`).toBe(-1);
            const ds = values(rows * S, 11 + S, 3, specials);
            const want = backwardModel(ds, p, rows, L, S, causal, scale);
            simd.softmaxBackward(ds, p, rows, S, L, causal, scale);
            const dsAt = firstDiff(ds, want);
            expect(dsAt, `backward differs at ${dsAt}`).toBe(-1);
          });
        }
      }
    }
  }
});
