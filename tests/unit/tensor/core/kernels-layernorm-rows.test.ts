/**
 * layernorm_simd.ts's kernels go two rows at a time while two are left, then one (ln_fwd four at a
 * time first). Each row must come out with the bits it gets alone: ln_fwd over all rows at once against row by row (the
 * one-row code), and ln_bwd likewise, whose weight and bias sums (sw, sb) accumulate over the rows
 * in order, so row by row into the same sums must give their bits too. Odd and even row counts,
 * row lengths of one to 17 groups of four, a row of equal values (variance 0) and large offsets.
 */
import { describe, expect, it } from "vitest";
import { layerNormOn } from "../../../../lib/tensor/kernels/wasm/row_kernels";

function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = ((x / 2 ** 32) - 0.5) * 6 + (i % 7 === 0 ? 100 : 0);
  }
  return out;
}

const memory = typeof WebAssembly === "undefined" ? null : new WebAssembly.Memory({ initial: 64 });
const ln = memory && layerNormOn(memory);

(ln ? describe : describe.skip)("layer norm kernels, rows in pairs", () => {
  for (const M of [4, 12, 64, 68]) {
    for (const rows of [1, 2, 5, 6, 7, 64]) {
      it(`${rows} rows of ${M}: each row's bits as alone, forward and backward (sw, sb summed in row order)`, () => {
        const n = rows * M;
        // Regions (floats): x, g, gamma, beta, then per run: y, mean, rstd, dx, sw, sb.
        const X = 0, G = n, GM = 2 * n, BT = GM + M;
        const run = (base: number) => ({ Y: base, MN: base + n, RS: base + n + rows, DX: base + n + 2 * rows, SW: base + 2 * n + 2 * rows, SB: base + 2 * n + 2 * rows + M });
        const [all, one] = [run(BT + M), run(BT + M + 3 * n + 2 * rows + 2 * M)];
        const h = new Float32Array(memory!.buffer);
        h.fill(0);
        h.set(values(n, M + rows), X);
        h.fill(2.5, X + M, X + 2 * M < X + n ? X + 2 * M : X + M); // a row of equal values (when there is a second row)
        h.set(values(n, 3 * M + rows), G);
        h.set(values(M, 5), GM);
        h.set(values(M, 9), BT);
        ln!.ln_fwd(X * 4, all.Y * 4, GM * 4, BT * 4, all.MN * 4, all.RS * 4, rows, M, 1e-5);
        ln!.ln_bwd(G * 4, X * 4, GM * 4, all.MN * 4, all.RS * 4, all.DX * 4, all.SW * 4, all.SB * 4, rows, M);
        for (let r = 0; r < rows; r++) {
          ln!.ln_fwd((X + r * M) * 4, (one.Y + r * M) * 4, GM * 4, BT * 4, (one.MN + r) * 4, (one.RS + r) * 4, 1, M, 1e-5);
          ln!.ln_bwd((G + r * M) * 4, (X + r * M) * 4, GM * 4, (one.MN + r) * 4, (one.RS + r) * 4, (one.DX + r * M) * 4, one.SW * 4, one.SB * 4, 1, M);
        }
        const bits = (at: number, len: number) => Array.from(new Uint32Array(memory!.buffer, at * 4, len));
        for (const [what, a, b, len] of [["y", all.Y, one.Y, n], ["mean", all.MN, one.MN, rows], ["rstd", all.RS, one.RS, rows], ["dx", all.DX, one.DX, n], ["sw and sb", all.SW, one.SW, 2 * M]] as const) {
          expect(bits(a, len), what).toEqual(bits(b, len));
        }
      });
    }
  }
});
