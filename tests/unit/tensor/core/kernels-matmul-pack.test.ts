/**
 * matmul's WebAssembly packers (wasm/matmul_pack.ts) against the definition: panel q, step p,
 * lane w of the output is the float at src + (q W + w) sLane + p sStep. The transposing packers
 * (tpack4 / tpack8: steps contiguous, four at a time through a 4 x 4 shuffle transpose, then the
 * kc mod 4 rest) for every kc remainder, and nothing written past the panels.
 */
import { describe, expect, it } from "vitest";
import { matmulPackFor, type MatmulPack } from "../../../../lib/tensor/kernels/wasm/matmul_pack";

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
      for (const panels of [1, 3]) {
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
});
