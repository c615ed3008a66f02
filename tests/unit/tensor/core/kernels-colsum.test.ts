/**
 * Column sums (x.sum(0) of float32 [rows, cols]: elementwise_simd.ts's colsum kernel on the
 * WebAssembly backend, reduce.ts's loop on the TS one) have the bits of a float64 sum of each
 * column's rows in order, rounded once to float32. The kernel takes four groups of four columns
 * down the rows together and then the groups left one by one (and the last cols % 4 columns in
 * JS), over rows staged in chunks: widths here cover 1 to 17 groups, with and without a JS tail,
 * and row counts that take several chunks. Values span 40 binary orders of magnitude, so a sum
 * taken in another order, or a column added into its neighbour's accumulator, changes bits.
 */
import { describe, expect, it } from "vitest";
import { torch } from "../../../../lib/tensor/index";

function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    const u = x / 2 ** 32;
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = (u - 0.5) * 2 ** Math.floor((x / 2 ** 32) * 40 - 20);
  }
  return out;
}

/** Each column's rows summed in order in float64, rounded to float32. */
function columnSums(x: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(cols);
  for (let j = 0; j < cols; j++) {
    let acc = 0;
    for (let k = 0; k < rows; k++) acc += x[k * cols + j];
    out[j] = acc;
  }
  return out;
}

describe("x.sum(0) of float32 columns", () => {
  for (const cols of [4, 8, 12, 16, 20, 28, 36, 60, 66, 68]) {
    for (const rows of [300, 2500]) {
      it(`[${rows}, ${cols}]: each column's rows in order in float64`, () => {
        const data = values(rows * cols, rows + cols);
        const got = torch.tensor(Array.from(data)).reshape([rows, cols]).sum(0)._data as Float32Array;
        const want = columnSums(data, rows, cols);
        expect(Array.from(new Uint32Array(Float32Array.from(got).buffer))).toEqual(Array.from(new Uint32Array(want.buffer)));
      });
    }
  }
});
