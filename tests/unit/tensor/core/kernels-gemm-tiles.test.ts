/**
 * The GEMM micro-kernel's register tiles (gemm_kernel.ts): whatever the tile height (the shipped
 * 5 rows reads a tile through two panels and writes it to non-adjacent C rows), `gemm_set` and
 * `gemm_acc` give the bits of the plain 4-row tile, compute A_panels @ B_panels (against float64),
 * and write only the C block (row stride ldc, padding between rows untouched); `gemm_bias` gives
 * gemm_acc's bits over C preloaded with the bias row. Row-block counts 1..11 cover every tile
 * phase and every left-over count.
 */
import { describe, expect, it } from "vitest";
import { buildModule } from "../../../../lib/tensor/kernels/wasm/assembler";
import { MR, NR, TILE_ROWS, gemmFunctions, panelsForTiles } from "../../../../lib/tensor/kernels/wasm/gemm_kernel";

type Kernel = (a: number, b: number, c: number, mb: number, nb: number, kc: number, ldc: number, bias?: number, bStep?: number) => void;
interface Instance { set: Kernel; acc: Kernel; bias: Kernel; heap: () => Float32Array }

function instantiate(fma: boolean, tileRows: number): Instance | null {
  const bytes = buildModule(gemmFunctions(fma, tileRows), 1);
  if (!WebAssembly.validate(bytes)) return null;
  const e = new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports;
  const memory = e.memory as WebAssembly.Memory;
  memory.grow(15);
  return { set: e.gemm_set as Kernel, acc: e.gemm_acc as Kernel, bias: e.gemm_bias as Kernel, heap: () => new Float32Array(memory.buffer) };
}

function random(n: number, seed: number): Float32Array {
  let x = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 31 - 1;
  });
}

const MAX_MB = 11, MAX_NB = 3, MAX_KC = 70;
// Float offsets of the operands in module memory; C rows are ldc = NB * NR + 4 floats apart.
const A_AT = 16, B_AT = A_AT + MAX_MB * MR * MAX_KC + 16, C_AT = B_AT + MAX_NB * NR * MAX_KC + 16;
const BIAS_AT = C_AT + MAX_MB * MR * (MAX_NB * NR + 4) + 16;

/** gemm_bias with the bias row `bias` (nb * NR floats) over c0, returning the C region, borders included. */
function runBias(inst: Instance, a: Float32Array, b: Float32Array, bias: Float32Array, c0: Float32Array, mb: number, nb: number, kc: number): Float32Array {
  const h = inst.heap();
  h.set(a, A_AT);
  h.set(b, B_AT);
  h.set(c0, C_AT - 4);
  h.set(bias, BIAS_AT);
  const ldc = nb * NR + 4;
  inst.bias(A_AT * 4, B_AT * 4, C_AT * 4, mb, nb, kc, ldc * 4, BIAS_AT * 4);
  return h.slice(C_AT - 4, C_AT - 4 + c0.length);
}

/** c0 with every row of its C block (rows ldc apart after 4 border floats) set to the bias row: gemm's preload. */
function preloaded(c0: Float32Array, bias: Float32Array, mb: number, nb: number): Float32Array {
  const out = c0.slice();
  const ldc = nb * NR + 4;
  for (let i = 0; i < mb * MR; i++) out.set(bias, 4 + i * ldc);
  return out;
}

/** Runs set (or acc over `c0`) on the same panels and returns the C region, borders included. */
function run(inst: Instance, accumulate: boolean, a: Float32Array, b: Float32Array, c0: Float32Array, mb: number, nb: number, kc: number): Float32Array {
  const h = inst.heap();
  h.set(a, A_AT);
  h.set(b, B_AT);
  h.set(c0, C_AT - 4);
  const ldc = nb * NR + 4;
  (accumulate ? inst.acc : inst.set)(A_AT * 4, B_AT * 4, C_AT * 4, mb, nb, kc, ldc * 4);
  return h.slice(C_AT - 4, C_AT - 4 + c0.length);
}

const sameBits = (x: Float32Array, y: Float32Array) => x.length === y.length && x.every((v, i) => Object.is(v, y[i]));

describe("GEMM micro-kernel register tiles", () => {
  it("has a tile of 5 rows over 4-row panels, by default with fused multiply-adds", () => {
    expect([MR, NR, TILE_ROWS, panelsForTiles(TILE_ROWS), panelsForTiles(MR)]).toEqual([4, 8, 5, 5, 1]);
    expect(() => gemmFunctions(false, 7)).toThrow(/tile rows/);
    // 5-row tiles with fused multiply-adds; the mul + add module keeps 4-row tiles.
    expect(buildModule(gemmFunctions(true), 1)).toEqual(buildModule(gemmFunctions(true, TILE_ROWS), 1));
    expect(buildModule(gemmFunctions(false), 1)).toEqual(buildModule(gemmFunctions(false, MR), 1));
    expect(buildModule(gemmFunctions(false), 1)).not.toEqual(buildModule(gemmFunctions(false, TILE_ROWS), 1));
  });

  it("kc = 0: gemm_set zeroes the C block, gemm_acc leaves it, gemm_bias writes the bias row", () => {
    const inst = instantiate(false, TILE_ROWS)!;
    const mb = 7, nb = 2, ldc = nb * NR + 4;
    const c0 = random(mb * MR * ldc + 8, 5);
    const set = run(inst, false, new Float32Array(0), new Float32Array(0), c0, mb, nb, 0);
    const acc = run(inst, true, new Float32Array(0), new Float32Array(0), c0, mb, nb, 0);
    set.forEach((v, i) => {
      const inBlock = i >= 4 && i < 4 + mb * MR * ldc && (i - 4) % ldc < nb * NR;
      if (v !== (inBlock ? 0 : c0[i])) throw new Error(`element ${i}: ${v}`);
    });
    expect(sameBits(acc, c0)).toBe(true);
    // The bias plus a zero accumulator, as gemm_acc over the bias preloaded (a -0 bias gives +0 both ways).
    const bias = random(nb * NR, 9).map((v, j) => (j === 2 ? -0 : v));
    const want = run(inst, true, new Float32Array(0), new Float32Array(0), preloaded(c0, bias, mb, nb), mb, nb, 0);
    expect(sameBits(runBias(inst, new Float32Array(0), new Float32Array(0), bias, c0, mb, nb, 0), want)).toBe(true);
  });

  it("B panels deeper than kc (the panel stride argument, B from a later step): the bits of panels packed kc deep", () => {
    const inst = instantiate(false, TILE_ROWS)!;
    const mb = 7, nb = 3, deep = 40, from = 13, kc = 20, ldc = nb * NR + 4;
    const a = random(mb * MR * kc, 3), bDeep = random(nb * NR * deep, 4);
    // Steps [from, from + kc) of each deep panel, packed kc deep.
    const b = new Float32Array(nb * NR * kc);
    for (let jb = 0; jb < nb; jb++) b.set(bDeep.subarray((jb * deep + from) * NR, (jb * deep + from + kc) * NR), jb * kc * NR);
    const c0 = random(mb * MR * ldc + 8, 5);
    const want = run(inst, false, a, b, c0, mb, nb, kc);
    const h = inst.heap();
    h.set(a, A_AT);
    h.set(bDeep, B_AT);
    h.set(c0, C_AT - 4);
    inst.set(A_AT * 4, (B_AT + from * NR) * 4, C_AT * 4, mb, nb, kc, ldc * 4, 0, deep * NR * 4);
    expect(sameBits(h.slice(C_AT - 4, C_AT - 4 + c0.length), want)).toBe(true);
  });

  for (const fma of [false, true]) {
    const reference = instantiate(fma, MR);
    const maybe = reference ? it : it.skip;
    maybe(`${fma ? "fused multiply-add" : "mul + add"} module: tiles of 1-6 rows give the 4-row tile's bits`, () => {
      const tiles = [1, 2, 3, 5, 6].map((rows) => [rows, instantiate(fma, rows)!] as const);
      for (const kc of [1, 7, MAX_KC]) {
        for (const nb of [1, MAX_NB]) {
          for (let mb = 1; mb <= MAX_MB; mb++) {
            const a = random(mb * MR * kc, mb * 31 + kc);
            const b = random(nb * NR * kc, nb * 17 + kc);
            const ldc = nb * NR + 4;
            const c0 = random(mb * MR * ldc + 8, mb + nb + kc).map((v, i) => (i < 4 || i >= 4 + mb * MR * ldc || (i - 4) % ldc >= nb * NR ? Number.NaN : v));
            const want = run(reference!, false, a, b, c0, mb, nb, kc);
            const wantAcc = run(reference!, true, a, b, c0, mb, nb, kc);
            // The 4-row tile against float64: C[i, j] = sum_p A[i, p] B[p, j] in the panel layouts.
            let worst = 0;
            for (let i = 0; i < mb * MR; i++) {
              for (let j = 0; j < nb * NR; j++) {
                let sum = 0;
                for (let p = 0; p < kc; p++) sum += a[(i >> 2) * kc * MR + p * MR + (i & 3)] * b[(j >> 3) * kc * NR + p * NR + (j & 7)];
                const at = 4 + i * ldc + j;
                worst = Math.max(worst, Math.abs(want[at] - sum), Math.abs(wantAcc[at] - (sum + c0[at])));
              }
            }
            expect(worst, `mb ${mb} nb ${nb} kc ${kc}`).toBeLessThan(1e-4);
            // Padding and borders untouched (still NaN), every C element written.
            expect(want.findIndex((v, i) => Number.isNaN(v) !== Number.isNaN(c0[i])), `mb ${mb} nb ${nb} kc ${kc}`).toBe(-1);
            // gemm_bias: gemm_acc's bits over the bias preloaded into every row (borders untouched).
            const bias = random(nb * NR, mb * 7 + nb + kc).map((v, j) => (j === 3 ? -0 : v * 100));
            const wantBias = run(reference!, true, a, b, preloaded(c0, bias, mb, nb), mb, nb, kc);
            expect(sameBits(runBias(reference!, a, b, bias, c0, mb, nb, kc), wantBias), `bias, 4 rows, mb ${mb} nb ${nb} kc ${kc}`).toBe(true);
            for (const [rows, inst] of tiles) {
              expect(sameBits(run(inst, false, a, b, c0, mb, nb, kc), want), `set, ${rows} rows, mb ${mb} nb ${nb} kc ${kc}`).toBe(true);
              expect(sameBits(run(inst, true, a, b, c0, mb, nb, kc), wantAcc), `acc, ${rows} rows, mb ${mb} nb ${nb} kc ${kc}`).toBe(true);
              expect(sameBits(runBias(inst, a, b, bias, c0, mb, nb, kc), wantBias), `bias, ${rows} rows, mb ${mb} nb ${nb} kc ${kc}`).toBe(true);
            }
          }
        }
      }
    });
  }
});
