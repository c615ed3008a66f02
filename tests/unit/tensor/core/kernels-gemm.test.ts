/**
 * The packed WebAssembly GEMM against a float64 reference on awkward shapes (1x1, primes, not
 * multiples of the micro-tile, k across several packed slices, rows across several row blocks,
 * transposed operands), and convolution through it (fused im2col / col2im, whole batch per
 * product, chunked batches) against the im2col + matmul path of the plain-TS backend.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { F, torch, type Tensor } from "../../../../lib/tensor/index";
import { kernels, registerKernel } from "../../../../lib/tensor/kernels/registry";
import { matmulStrided } from "../../../../lib/tensor/kernels/matmul";
import { setConvChunkFloats } from "../../../../lib/tensor/kernels/conv_gemm";
import { KC, MC, MR, NR, createLocalGemm, denseC, rowBlockPanels, stridedA, stridedB, wholeTileBlocks } from "../../../../lib/tensor/kernels/wasm/gemm";
import { TILE_ROWS } from "../../../../lib/tensor/kernels/wasm/gemm_kernel";
import { tileOverride } from "../../../../lib/tensor/kernels/wasm/gemm_tile_choice";
import { createBiasMatmul, createWasmMatmul, stageASlices, stageBSlices } from "../../../../lib/tensor/kernels/wasm/matmul_simd";

const gemm = kernels.gemm;
const describeWasm = gemm ? describe : describe.skip;

/** C = A @ B in float64, A [m, k] and B [k, n] given by strides. */
function reference(m: number, n: number, k: number, a: Float32Array, as0: number, as1: number, b: Float32Array, bs0: number, bs1: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * as0 + p * as1] * b[p * bs0 + j * bs1];
      c[i * n + j] = s;
    }
  }
  return c;
}

function randomArray(n: number, seed: number): Float32Array {
  let x = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 31 - 1;
  });
}

describeWasm("packed WebAssembly GEMM", () => {
  it("has the micro-tile and blocking the packers assume", () => {
    expect([MR, NR]).toEqual([4, 8]);
    expect(MC % MR).toBe(0);
    expect(KC).toBeGreaterThan(0);
  });

  const shapes: [number, number, number][] = [
    [1, 1, 1], [1, 7, 1], [7, 1, 13], [5, 3, 9], [13, 11, 17], [31, 37, 41],
    [MR + 1, KC + 3, NR + 1], [MC + MR + 3, 2 * KC + 5, 3 * NR - 1], [2, 3 * KC + 1, 2], [97, 1, 89],
  ];
  for (const [m, k, n] of shapes) {
    it(`${m}x${k} @ ${k}x${n}: plain and transposed operands match float64 to float32 accuracy`, () => {
      const a = randomArray(m * k, m * 7 + k);
      const b = randomArray(k * n, n * 13 + k);
      // The same values as row-major (s0 = cols, s1 = 1) or as a transposed view (s0 = 1, s1 = rows).
      const aT = new Float32Array(m * k);
      for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) aT[p * m + i] = a[i * k + p];
      const bT = new Float32Array(k * n);
      for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) bT[j * k + p] = b[p * n + j];
      const ref = reference(m, n, k, a, k, 1, b, n, 1);
      for (const [A, as0, as1] of [[a, k, 1], [aT, 1, m]] as const) {
        for (const [B, bs0, bs1] of [[b, n, 1], [bT, 1, k]] as const) {
          const out = new Float32Array(m * n + 2).fill(Number.NaN);
          gemm!.gemm(m, n, k, stridedA(m, A, 0, as0, as1), stridedB(n, B, 0, bs0, bs1), denseC(m, n, out, 1));
          expect(Number.isNaN(out[0]) && Number.isNaN(out[m * n + 1])).toBe(true); // nothing outside C written
          let worst = 0;
          for (let i = 0; i < m * n; i++) worst = Math.max(worst, Math.abs(out[i + 1] - ref[i]) / (1 + Math.abs(ref[i])));
          expect(worst).toBeLessThan(2e-6 * Math.sqrt(k) + 1e-6);
        }
      }
    });
  }

  it("row blocks in whole register tiles give the bits of MC-row blocks, every row written", () => {
    // A private single-thread driver on 5-row tiles (blocks of 20 panels when whole, where MC is
    // 24): kernels.gemm may be a thread pool's in other files' order, and its tile is the host's.
    tileOverride.rows = TILE_ROWS;
    const local = (() => {
      try {
        return createLocalGemm()!;
      } finally {
        tileOverride.rows = undefined;
      }
    })();
    const [m, k, n] = [3 * MC + 4 * MR + 3, 2 * KC + 5, 3 * NR + 5];
    const a = randomArray(m * k, 11);
    const b = randomArray(k * n, 12);
    const run = (whole: boolean): Float32Array => {
      const was = wholeTileBlocks.enabled;
      wholeTileBlocks.enabled = whole;
      try {
        expect(rowBlockPanels(TILE_ROWS)).toBe(whole ? 20 : MC / MR);
        const out = new Float32Array(m * n).fill(Number.NaN);
        local.gemm(m, n, k, stridedA(m, a, 0, k, 1), stridedB(n, b, 0, n, 1), denseC(m, n, out, 0));
        return out;
      } finally {
        wholeTileBlocks.enabled = was;
      }
    };
    const whole = run(true), mc = run(false);
    expect(whole.some(Number.isNaN)).toBe(false);
    expect(whole.every((x, i) => Object.is(x, mc[i]))).toBe(true);
    const ref = reference(m, n, k, a, k, 1, b, n, 1);
    let worst = 0;
    for (let i = 0; i < m * n; i++) worst = Math.max(worst, Math.abs(whole[i] - ref[i]) / (1 + Math.abs(ref[i])));
    expect(worst).toBeLessThan(2e-6 * Math.sqrt(k) + 1e-6);
  });

  it("operands copied in k slice by k slice (stageBSlices, stageASlices) give the bits of operands copied whole", () => {
    // Rows of B contiguous with a padded stride (a column slice of a wider matrix), a partial last
    // B panel, k over three slices (the last partial), an offset into B's storage, A row-major and
    // transposed (columns contiguous, padded too, partial last panel), and a bias (addmm's path
    // through the same staging).
    const m = 37, n = 29, k = 2 * KC + 37, ldb = 41, bOff = 5, lda = 39, aOff = 3;
    const a = randomArray(m * k, 21), at = randomArray(aOff + k * lda, 24), b = randomArray(bOff + k * ldb, 22), bias = randomArray(n, 23);
    const matmul = createWasmMatmul(matmulStrided, () => createLocalGemm(), createLocalGemm())!;
    const biasMatmul = createBiasMatmul(() => kernels.gemm);
    const run = (bySlice: boolean): Float32Array[] => {
      const was = [stageASlices.enabled, stageBSlices.enabled];
      stageASlices.enabled = stageBSlices.enabled = bySlice;
      try {
        const outs = [0, 1, 2].map(() => new Float32Array(m * n).fill(Number.NaN));
        matmul(m, n, k, a, 0, k, 1, b, bOff, ldb, 1, outs[0], 0);
        matmul(m, n, k, at, aOff, 1, lda, b, bOff, ldb, 1, outs[1], 0);
        expect(biasMatmul(m, n, k, at, aOff, 1, lda, b, bOff, ldb, 1, bias, 0, 1, outs[2], 0)).toBe(true);
        return outs;
      } finally {
        [stageASlices.enabled, stageBSlices.enabled] = was;
      }
    };
    const slices = run(true), whole = run(false);
    const refs = [reference(m, n, k, a, k, 1, b.subarray(bOff), ldb, 1), reference(m, n, k, at.subarray(aOff), 1, lda, b.subarray(bOff), ldb, 1)];
    let worst = 0;
    slices.forEach((out, s) => {
      expect(out.some(Number.isNaN)).toBe(false);
      expect(out.every((x, i) => Object.is(x, whole[s][i]))).toBe(true);
      const ref = refs[Math.min(s, 1)];
      for (let i = 0; i < m * n; i++) worst = Math.max(worst, Math.abs(out[i] - ref[i] - (s === 2 ? bias[i % n] : 0)) / (1 + Math.abs(ref[i])));
    });
    expect(worst).toBeLessThan(2e-6 * Math.sqrt(k) + 1e-6);
  });

  it("k = 0 gives zeros; matmul through the registry agrees with the plain-TS kernel", () => {
    const out = new Float32Array(6).fill(5);
    gemm!.gemm(2, 3, 0, stridedA(2, new Float32Array(0), 0, 0, 1), stridedB(3, new Float32Array(0), 0, 3, 1), denseC(2, 3, out, 0));
    expect(Array.from(out)).toEqual([0, 0, 0, 0, 0, 0]);
    torch.manual_seed(3);
    const x = torch.randn(67, 129);
    const w = torch.randn(45, 129);
    const ref = new Float32Array(67 * 45);
    matmulStrided(67, 45, 129, x._data, 0, 129, 1, w._data, 0, 1, 129, ref, 0);
    expect(x.mm(w.t()).allclose(torch.from_array(ref, [67, 45]), { rtol: 1e-5, atol: 1e-5 })).toBe(true);
  });
});

interface ConvCase {
  name: string;
  x: number[];
  w: number[];
  kw: Record<string, unknown>;
  rank?: 1 | 2;
  noBias?: boolean;
}

const convCases: ConvCase[] = [
  { name: "LeNet conv1 (1->8, 5x5, 28x28, batch 3)", x: [3, 1, 28, 28], w: [8, 1, 5, 5], kw: {} },
  { name: "odd channels, stride 2, padding 2", x: [2, 3, 11, 13], w: [5, 3, 3, 3], kw: { stride: 2, padding: 2 } },
  { name: "dilation 2, rectangular kernel", x: [2, 4, 12, 9], w: [7, 4, 3, 2], kw: { dilation: 2, padding: [1, 0] } },
  { name: "padding same with an even kernel (asymmetric)", x: [1, 2, 8, 7], w: [3, 2, 4, 4], kw: { padding: "same" } },
  { name: "1x1 kernel, no bias", x: [2, 6, 5, 5], w: [9, 6, 1, 1], kw: {}, noBias: true },
  { name: "stride 3 with a remainder", x: [2, 2, 10, 10], w: [4, 2, 3, 3], kw: { stride: 3 } },
  { name: "conv1d, padding 1", x: [3, 4, 17], w: [6, 4, 3], kw: { padding: 1 }, rank: 1 },
];

/** Output and the three gradients of a conv on fixed random inputs, under whatever kernels are registered. */
function convRun(c: ConvCase): Tensor[] {
  torch.manual_seed(11);
  const x = torch.randn(c.x).requires_grad_();
  const w = torch.randn(c.w).requires_grad_();
  const b = c.noBias ? null : torch.randn([c.w[0]]).requires_grad_();
  const y = c.rank === 1 ? F.conv1d(x, w, b, c.kw) : F.conv2d(x, w, b, c.kw);
  const g = torch.randn(y.shape);
  y.backward(g);
  return [y.detach(), x.grad!, w.grad!, ...(b ? [b.grad!] : [])];
}

function withPlainKernels<T>(f: () => T): T {
  const prevMatmul = registerKernel("matmul", matmulStrided);
  const prevGemm = registerKernel("gemm", null);
  try {
    return f();
  } finally {
    registerKernel("matmul", prevMatmul);
    registerKernel("gemm", prevGemm);
  }
}

describeWasm("convolution through the packed GEMM", () => {
  for (const chunked of [false, true]) {
    describe(chunked ? "batch split into chunks of one sample" : "whole batch in one product", () => {
      let prev = 0;
      beforeAll(() => void (prev = setConvChunkFloats(chunked ? 1 : 1 << 22)));
      afterAll(() => void setConvChunkFloats(prev));
      for (const c of convCases) {
        it(`${c.name}: output, input, weight and bias gradients match im2col + TS matmul`, () => {
          const ours = convRun(c);
          const plain = withPlainKernels(() => convRun(c));
          expect(ours.length).toBe(c.noBias ? 3 : 4);
          const names = ["output", "input grad", "weight grad", "bias grad"];
          ours.forEach((t, i) => {
            expect(t.shape, names[i]).toEqual(plain[i].shape);
            expect(t.allclose(plain[i], { rtol: 1e-4, atol: 1e-4 }), names[i]).toBe(true);
          });
        });
      }
    });
  }

  it("float64 and grouped convolutions keep the im2col path (and still agree)", () => {
    torch.manual_seed(5);
    const x = torch.randn(2, 4, 9, 9);
    const w = torch.randn(6, 2, 3, 3);
    const y = F.conv2d(x, w, null, { groups: 2 });
    expect(y.allclose(F.conv2d(x.double(), w.double(), null, { groups: 2 }).float(), { rtol: 1e-4, atol: 1e-4 })).toBe(true);
  });
});
