/**
 * matmul's WebAssembly packers (wasm/matmul_pack.ts) against the definition: panel q, step p,
 * lane w of the output is the float at src + (q W + w) sLane + p sStep. The transposing packers
 * (tpack4 / tpack8: steps contiguous, four at a time through a 4 x 4 shuffle transpose, then the
 * kc mod 4 rest) for every kc remainder, and nothing written past the panels. copyRows, and the
 * batched matmul's strided output staged through it: elements between the slices' rows keep their
 * values.
 */
import { describe, expect, it } from "vitest";
import { matmulPackFor, type MatmulPack } from "../../../../lib/tensor/kernels/wasm/matmul_pack";
import { matmulBatched } from "../../../../lib/tensor/kernels/batched_matmul";
import { kernels } from "../../../../lib/tensor/kernels/registry";

const memory = new WebAssembly.Memory({ initial: 8 });
const pack = matmulPackFor(memory);
const describeWasm = pack ? describe : describe.skip;

const SRC = 1024, DST = 64 * 1024; // float offsets in memory (8 pages = 128 Ki floats)

describeWasm("matmul packing in WebAssembly", () => {
  const cases: [keyof MatmulPack, number, number, number][] = [];
  // [function, W, sLane floats, sStep floats]
  for (const sLane of [9, 64, 70]) cases.push(["tpack4", 4, sLane, 1], ["tpack8", 8, sLane, 1], ["pack4", 4, sLane, 1], ["pack8", 8, sLane, 1]);
  cases.push(["copy4", 4, 1, 5], ["copy8", 8, 1, 12], ["pack4", 4, 3, 17], ["pack8", 8, 2, 19]);
  for (const [name, W, sLane, sStep] of cases) {
    it(`${name} (sLane ${sLane}, sStep ${sStep}): every panel, step and lane in place, kc 0-9 and 64`, () => {
      const h = new Float32Array(memory.buffer);
      for (let i = 0; i < DST; i++) h[i] = i * 0.5 + 1; // distinct values
      for (const panels of [1, 3, 4, 5, 9]) {
        for (const kc of [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 64]) {
          h.fill(Number.NaN, DST, DST + panels * kc * W + 64);
          pack![name](DST * 4, SRC * 4, sLane * 4, sStep * 4, panels, kc);
          for (let q = 0; q < panels; q++) {
            for (let p = 0; p < kc; p++) {
              for (let w = 0; w < W; w++) {
                const got = h[DST + (q * kc + p) * W + w];
                const want = h[SRC + (q * W + w) * sLane + p * sStep];
                if (got !== want) throw new Error(`panels ${panels} kc ${kc}: panel ${q} step ${p} lane ${w}: ${got} != ${want}`);
              }
            }
          }
          const after = h.subarray(DST + panels * kc * W, DST + panels * kc * W + 64);
          expect(after.every(Number.isNaN), `nothing written past the panels (panels ${panels} kc ${kc})`).toBe(true);
        }
      }
    });
  }

  for (const n of [0, 1, 3, 4, 5, 8, 17]) {
    it(`copyRows: ${n} floats per row, strided rows, nothing else written`, () => {
      const h = new Float32Array(memory.buffer);
      for (let i = 0; i < DST; i++) h[i] = i + 1;
      const rows = 5, srcRow = n + 3, dstRow = 2 * n + 7;
      h.fill(Number.NaN, DST, DST + rows * dstRow + 16);
      pack!.copyRows(DST * 4, SRC * 4, rows, n, srcRow * 4, dstRow * 4);
      for (let i = 0; i < rows * dstRow + 16; i++) {
        const r = Math.floor(i / dstRow), j = i % dstRow;
        const want = r < rows && j < n ? h[SRC + r * srcRow + j] : Number.NaN;
        if (!Object.is(h[DST + i], want)) throw new Error(`float ${i}: ${h[DST + i]} != ${want}`);
      }
    });
  }

  const maybe = kernels.gemm ? it : it.skip;
  maybe("batched matmul into strided rows with gaps between them: the products land in place, the gaps keep their values", () => {
    const count = 3, m = 16, n = 6, k = 48;
    const a = Float32Array.from({ length: count * m * k }, (_, i) => Math.sin(i));
    const b = Float32Array.from({ length: count * k * n }, (_, i) => Math.cos(i));
    const aOffs = [0, 1, 2].map((i) => i * m * k), bOffs = [0, 1, 2].map((i) => i * k * n);
    const dense = new Float32Array(count * m * n);
    matmulBatched(count, m, n, k, a, aOffs, k, 1, b, bOffs, n, 1, dense, 0);
    const row = count * n + 2; // two floats between consecutive rows that no slice writes
    const out = { offs: [0, 1, 2].map((i) => 5 + i * n), row };
    const c = Float32Array.from({ length: 5 + m * row + 5 }, (_, i) => -i);
    matmulBatched(count, m, n, k, a, aOffs, k, 1, b, bOffs, n, 1, c, 0, out);
    c.forEach((v, at) => {
      const rel = at - 5, r = Math.floor(rel / row), col = rel - r * row;
      const slice = Math.floor(col / n);
      const want = rel >= 0 && r < m && slice < count ? dense[slice * m * n + r * n + (col % n)] : -at;
      if (!Object.is(v, want)) throw new Error(`c[${at}] = ${v}, want ${want}`);
    });
  });
});
