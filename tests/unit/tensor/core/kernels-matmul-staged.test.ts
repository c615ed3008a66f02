/**
 * matmul through the WebAssembly GEMM with operands staged in module memory and packed by
 * WebAssembly (wasm/matmul_pack.ts), single and batched (kernels/batched_matmul.ts), against the
 * plain-TS kernel: operands at offsets inside larger arrays, transposed and strided views, shapes
 * that are not multiples of the micro-tile, k across several packed slices, slices that overlap
 * (broadcast operands), and nothing written outside C.
 */
import { describe, expect, it } from "vitest";
import { kernels } from "../../../../lib/tensor/kernels/registry";
import { matmulStrided } from "../../../../lib/tensor/kernels/matmul";
import { matmulBatched } from "../../../../lib/tensor/kernels/batched_matmul";

function randomArray(n: number, seed: number): Float32Array {
  let x = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 31 - 1;
  });
}

const shapes: [number, number, number][] = [[64, 64, 16], [64, 16, 64], [5, 9, 130], [33, 17, 300], [1, 40, 200], [70, 3, 50]];
const layouts = [[false, false], [true, false], [false, true], [true, true]] as const;

describe("staged WebAssembly matmul (single and batched)", () => {
  for (const [m, n, k] of shapes) {
    for (const [ta, tb] of layouts) {
      it(`${m}x${k} @ ${k}x${n}${ta ? ", A transposed" : ""}${tb ? ", B transposed" : ""}: matches the TS kernel per slice`, () => {
        const count = 4;
        // Slices of A spaced by a gap inside one array (like head views); B's last slice reuses the first's data.
        const aGap = m * k + 3, bGap = k * n + 5;
        const a = randomArray(count * aGap + 11, m * 31 + k);
        const b = randomArray(count * bGap + 7, n * 17 + k);
        const [as0, as1] = ta ? [1, m] : [k, 1];
        const [bs0, bs1] = tb ? [1, k] : [n, 1];
        const aOffs = [0, 1, 2, 3].map((i) => 2 + i * aGap);
        const bOffs = [1, 1 + bGap, 1 + 2 * bGap, 1];
        const got = new Float32Array(count * m * n + 2).fill(Number.NaN);
        matmulBatched(count, m, n, k, a, aOffs, as0, as1, b, bOffs, bs0, bs1, got, 1);
        const single = new Float32Array(m * n + 2).fill(Number.NaN);
        let worst = 0;
        for (let i = 0; i < count; i++) {
          const ref = new Float32Array(m * n);
          matmulStrided(m, n, k, a, aOffs[i], as0, as1, b, bOffs[i], bs0, bs1, ref, 0);
          kernels.matmul(m, n, k, a, aOffs[i], as0, as1, b, bOffs[i], bs0, bs1, single, 1);
          for (let j = 0; j < m * n; j++) {
            const tol = 1 + Math.abs(ref[j]);
            worst = Math.max(worst, Math.abs(got[1 + i * m * n + j] - ref[j]) / tol, Math.abs(single[1 + j] - ref[j]) / tol);
          }
        }
        expect(worst).toBeLessThan(2e-6 * Math.sqrt(k) + 1e-6);
        expect(Number.isNaN(got[0]) && Number.isNaN(got[count * m * n + 1])).toBe(true);
        expect(Number.isNaN(single[0]) && Number.isNaN(single[m * n + 1])).toBe(true);
        // The same products written with a row stride, interleaved as heads: slice i's rows at 1 + i * n + r * count * n.
        const inter = new Float32Array(count * m * n + 2).fill(Number.NaN);
        const out = { offs: [0, 1, 2, 3].map((i) => 1 + i * n), row: count * n };
        matmulBatched(count, m, n, k, a, aOffs, as0, as1, b, bOffs, bs0, bs1, inter, 0, out);
        // float64 operands take the per-slice fallback, which scatters rows from a scratch product.
        const inter64 = new Float64Array(count * m * n + 2).fill(Number.NaN);
        matmulBatched(count, m, n, k, Float64Array.from(a), aOffs, as0, as1, Float64Array.from(b), bOffs, bs0, bs1, inter64, 0, out);
        let worstStrided = 0;
        for (let i = 0; i < count; i++) {
          for (let r = 0; r < m; r++) {
            for (let j = 0; j < n; j++) {
              const want = got[1 + i * m * n + r * n + j];
              const at = out.offs[i] + r * out.row + j;
              worstStrided = Math.max(worstStrided, Math.abs(inter[at] - want), Math.abs(inter64[at] - want) / (1 + Math.abs(want)) / 10);
            }
          }
        }
        expect(worstStrided).toBeLessThan(2e-6 * Math.sqrt(k) + 1e-6);
        expect(Number.isNaN(inter[0]) && Number.isNaN(inter64[0]) && Number.isNaN(inter[count * m * n + 1])).toBe(true);
      });
    }
  }

  it("whole-panel batches go through gemm_batch in one call and give each slice's kernels.matmul bits (dense and head-interleaved C)", () => {
    const gemm = kernels.gemm;
    if (!gemm?.batch) return; // the plain-TS backend has no GEMM module
    const N = 2, H = 4, L = 64, E = 16, count = N * H;
    const offs = Array.from({ length: count }, (_, i) => Math.floor(i / H) * L * H * E + (i % H) * E);
    const q = randomArray(N * L * H * E, 5), v = randomArray(N * L * H * E, 6), p = randomArray(count * L * L, 7);
    const pOffs = Array.from({ length: count }, (_, i) => i * L * L);
    const batch = gemm.batch;
    let calls = 0;
    gemm.batch = { threads: batch.threads, run: (...args) => { calls++; batch.run(...args); } };
    try {
      const scores = new Float32Array(count * L * L);
      matmulBatched(count, L, L, E, q, offs, H * E, 1, v, offs, 1, H * E, scores, 0);
      const heads = new Float32Array(N * L * H * E).fill(Number.NaN);
      const out = { offs, row: H * E };
      matmulBatched(count, L, E, L, p, pOffs, 1, L, q, offs, H * E, 1, heads, 0, out); // P^T Q (A transposed)
      expect(calls).toBe(2);
      for (let i = 0; i < count; i++) {
        const s1 = new Float32Array(L * L), h1 = new Float32Array(L * E);
        kernels.matmul(L, L, E, q, offs[i], H * E, 1, v, offs[i], 1, H * E, s1, 0);
        kernels.matmul(L, E, L, p, pOffs[i], 1, L, q, offs[i], H * E, 1, h1, 0);
        expect(Array.from(scores.subarray(i * L * L, (i + 1) * L * L))).toEqual(Array.from(s1));
        for (let r = 0; r < L; r++) expect(Array.from(heads.subarray(offs[i] + r * H * E, offs[i] + r * H * E + E))).toEqual(Array.from(h1.subarray(r * E, r * E + E)));
      }
      expect(heads.some(Number.isNaN)).toBe(false); // the heads fill every row
    } finally {
      gemm.batch = batch;
    }
  });
});
