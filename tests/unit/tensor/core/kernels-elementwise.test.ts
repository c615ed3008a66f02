/**
 * The WebAssembly SIMD elementwise kernels (float32 add/sub/mul/div, SGD and Adam updates)
 * against the TypeScript loops they replace: binary results bit for bit, optimizer updates to
 * float32 rounding; and the fallbacks (float64, strided, alpha, short arrays) taken.
 */
import { describe, expect, it } from "vitest";
import { BinaryOp, binaryStrided, type BinaryOpCode } from "../../../../lib/tensor/kernels/binary";
import { optimKernels, type AdamParams, type SgdParams } from "../../../../lib/tensor/kernels/optim";
import { createWasmElementwise } from "../../../../lib/tensor/kernels/wasm/elementwise_simd";
import { kernels } from "../../../../lib/tensor/kernels/registry";
import { unaryGradKernels, unaryKernels } from "../../../../lib/tensor/kernels/unary";
import { reduceAxis } from "../../../../lib/tensor/kernels/reduce";

const simd = createWasmElementwise({
  binary: binaryStrided, optim: optimKernels, relu: unaryKernels.relu, reluGrad: unaryGradKernels.relu, reduce: reduceAxis,
})!;

/** Deterministic values in [-scale, scale) (a small LCG: the test must not depend on a seed elsewhere). */
function values(n: number, seed: number, scale = 4): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = ((s / 2 ** 32) * 2 - 1) * scale;
  }
  return out;
}

function withSpecials(x: Float32Array): Float32Array {
  const specials = [NaN, Infinity, -Infinity, 0, -0, 1e-40, -3e38, 3e38];
  specials.forEach((v, i) => (x[i * 7] = v));
  return x;
}

const OPS: [string, BinaryOpCode][] = [["add", BinaryOp.add], ["sub", BinaryOp.sub], ["mul", BinaryOp.mul], ["div", BinaryOp.div]];
const contiguous = (shape: number[]) => shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));

describe("WebAssembly SIMD binary kernels", () => {
  it("are available on this host and registered by default", () => {
    expect(simd).not.toBeNull();
    expect(kernels.binary).not.toBe(binaryStrided);
  });

  // 1024 and 40_000: whole groups of four; 1027 and 16_387: a ragged tail; 16_387 and 40_000 span chunks.
  for (const n of [1024, 1027, 16_387, 40_000]) {
    for (const [name, code] of OPS) {
      it(`${name} of ${n} elements equals the TypeScript kernel bit for bit (array-array, array-scalar, scalar-array)`, () => {
        const a = withSpecials(values(n, 1));
        const b = withSpecials(values(n, 2));
        b[3] = 0; // x / 0
        const shape = [n];
        const cases: [Float32Array, number, number[], Float32Array, number, number[]][] = [
          [a, 0, [1], b, 0, [1]],
          [a, 0, [1], b, 5, [0]],
          [a, 9, [0], b, 0, [1]],
        ];
        // toEqual tells -0 from 0 and takes NaN as equal to NaN.
        for (const [x, xo, xs, y, yo, ys] of cases) {
          const want = new Float32Array(n);
          const got = new Float32Array(n).fill(7);
          binaryStrided(code, shape, 1, want, 0, [1], x, xo, xs, y, yo, ys);
          simd.binary(code, shape, 1, got, 0, [1], x, xo, xs, y, yo, ys);
          expect(Array.from(got)).toEqual(Array.from(want));
        }
      });
    }
  }

  it("works in place (out aliasing the left operand) at offsets, over a multi-dim contiguous shape", () => {
    const shape = [3, 40, 50];
    const n = 6000;
    const base = values(n + 10, 3);
    const b = values(n + 4, 4);
    const want = base.slice();
    binaryStrided(BinaryOp.add, shape, 1, want, 10, contiguous(shape), want, 10, contiguous(shape), b, 4, contiguous(shape));
    const got = base.slice();
    simd.binary(BinaryOp.add, shape, 1, got, 10, contiguous(shape), got, 10, contiguous(shape), b, 4, contiguous(shape));
    expect(Array.from(got)).toEqual(Array.from(want));
    expect(Array.from(got.subarray(0, 10))).toEqual(Array.from(base.subarray(0, 10)));
  });

  for (const [label, shape, bStrides] of [
    ["a bias row over a batch", [64, 128], [0, 1]],
    ["a [5, 8] block over 3 x 200 (several chunks of rows)", [3, 200, 5, 8], [0, 0, 8, 1]],
    ["rows of 16384 (one row per chunk)", [3, 16_384], [0, 1]],
  ] as [string, number[], number[]][]) {
    it(`adds and multiplies ${label} bit for bit`, () => {
      const n = shape.reduce((x, y) => x * y, 1);
      const a = withSpecials(values(n, 12));
      const b = withSpecials(values(n, 13));
      for (const code of [BinaryOp.add, BinaryOp.mul, BinaryOp.div]) {
        const want = new Float32Array(n), got = new Float32Array(n);
        binaryStrided(code, shape, 1, want, 0, contiguous(shape), a, 0, contiguous(shape), b, 3, bStrides);
        simd.binary(code, shape, 1, got, 0, contiguous(shape), a, 0, contiguous(shape), b, 3, bStrides);
        expect(Array.from(got)).toEqual(Array.from(want));
      }
    });
  }

  it("leaves strided, ragged-row, alpha != 1 and float64 cases to the TypeScript kernel with the same results", () => {
    const shape = [64, 128];
    const a = values(64 * 128, 5);
    const row = values(128, 6);
    const run = (f: typeof binaryStrided, code: BinaryOpCode, alpha: number, bStrides: number[], bArr: Float32Array | Float64Array, aStrides = [128, 1]) => {
      const out = new Float32Array(64 * 128);
      f(code, shape, alpha, out, 0, [128, 1], a, 0, aStrides, bArr as Float32Array, 0, bStrides);
      return Array.from(out);
    };
    // a row of 10 (not whole groups of four), a transposed operand, sub with alpha, a float64 operand
    const shape10 = [64, 10];
    const out10 = [new Float32Array(640), new Float32Array(640)];
    binaryStrided(BinaryOp.add, shape10, 1, out10[0], 0, [10, 1], a, 0, [10, 1], row, 0, [0, 1]);
    simd.binary(BinaryOp.add, shape10, 1, out10[1], 0, [10, 1], a, 0, [10, 1], row, 0, [0, 1]);
    expect(Array.from(out10[1])).toEqual(Array.from(out10[0]));
    expect(run(simd.binary, BinaryOp.mul, 1, [1, 64], a)).toEqual(run(binaryStrided, BinaryOp.mul, 1, [1, 64], a));
    expect(run(simd.binary, BinaryOp.sub, 0.3, [128, 1], a)).toEqual(run(binaryStrided, BinaryOp.sub, 0.3, [128, 1], a));
    const a64 = Float64Array.from(a);
    expect(run(simd.binary, BinaryOp.div, 1, [128, 1], a64)).toEqual(run(binaryStrided, BinaryOp.div, 1, [128, 1], a64));
  });
});

describe("WebAssembly SIMD ReLU", () => {
  it("is registered by default for relu and its gradient", () => {
    expect(kernels.unary.relu).not.toBe(unaryKernels.relu);
    expect(kernels.unaryGrad.relu).not.toBe(unaryGradKernels.relu);
  });

  for (const n of [1024, 16_387]) {
    it(`relu and its gradient over ${n} elements equal the TypeScript kernels bit for bit (NaN, -0, infinities)`, () => {
      const x = withSpecials(values(n, 7));
      const want = new Float32Array(n), got = new Float32Array(n);
      unaryKernels.relu(n, x, want);
      simd.relu(n, x, got, 0, 0);
      expect(Array.from(got)).toEqual(Array.from(want));
      const g = withSpecials(values(n, 8));
      const gw = new Float32Array(n), gg = new Float32Array(n);
      unaryGradKernels.relu(n, g, want, gw);
      simd.reluGrad(n, g, want, gg, 0, 0);
      expect(Array.from(gg)).toEqual(Array.from(gw));
      expect(gw.some((v) => v !== 0) && gw.some((v, i) => v === 0 && g[i] !== 0)).toBe(true);
    });
  }
});

describe("WebAssembly SIMD column sums", () => {
  // [outer, r, inner]: a bias gradient (64 x 128), several slices, a wide row (past the SIMD's
  // 8192 columns), a row count of 1; rows staged in several chunks (a transformer's [1024, 256]
  // bias gradient, the widest SIMD row), a last group of 1-3 columns summed in JS (65: a
  // character vocabulary's logits), with chunks too.
  const shapes = [[1, 64, 128], [3, 20, 52], [1, 4, 16_384], [2, 1, 2048], [1, 300, 8], [1, 1024, 256], [1, 9, 8192], [2, 1500, 65], [1, 40, 7]];
  for (const [outer, r, inner] of shapes) {
    it(`sums [${outer}, ${r}, ${inner}] over the middle axis exactly as the float64 TypeScript loop`, () => {
      const x = withSpecials(values(outer * r * inner, 9));
      x[100] = 1e30; x[100 + inner] = -1e30; // cancels in float64 order, as in the TS loop
      const want = new Float32Array(outer * inner), got = new Float32Array(outer * inner).fill(5);
      reduceAxis(0, x, outer, r, inner, want, null);
      simd.reduce(0, x, outer, r, inner, got, null);
      expect(Array.from(got)).toEqual(Array.from(want));
    });
  }

  it("leaves max/min, rows under 4 columns and float64 to the TypeScript loop", () => {
    const x = values(1024 * 3, 10);
    const [a, b] = [new Float32Array(3), new Float32Array(3)];
    reduceAxis(0, x, 1, 1024, 3, a, null);
    simd.reduce(0, x, 1, 1024, 3, b, null);
    expect(Array.from(b)).toEqual(Array.from(a));
    const y = values(64 * 128, 11);
    const [m1, m2] = [new Float32Array(128), new Float32Array(128)];
    const [i1, i2] = [new Float32Array(128), new Float32Array(128)];
    reduceAxis(2, y, 1, 64, 128, m1, i1);
    simd.reduce(2, y, 1, 64, 128, m2, i2);
    expect(Array.from(m2)).toEqual(Array.from(m1));
    expect(Array.from(i2)).toEqual(Array.from(i1));
  });
});

/** The largest |got - want| / (atol + rtol |want|): at most 1 when every element is within tolerance. */
function worst(got: Float32Array, want: Float32Array, atol: number, rtol: number): number {
  let m = 0;
  for (let i = 0; i < got.length; i++) m = Math.max(m, Math.abs(got[i] - want[i]) / (atol + rtol * Math.abs(want[i])));
  return m;
}

describe("WebAssembly SIMD optimizer updates", () => {
  const n = 16_386; // more than one chunk, and a ragged tail
  const sgdCases: [string, Partial<SgdParams>, boolean][] = [
    ["plain", {}, false],
    ["weight decay, maximize", { weight_decay: 0.01, sign: -1 }, false],
    ["momentum, first step", { momentum: 0.9, decay: 0, scale: 1 }, true],
    ["momentum, dampening, weight decay", { momentum: 0.9, decay: 0.9, scale: 0.9, weight_decay: 0.01 }, true],
    ["nesterov", { momentum: 0.9, decay: 0.9, scale: 1, nesterov: true, weight_decay: 0.01 }, true],
  ];
  for (const [label, over, withBuf] of sgdCases) {
    it(`SGD ${label} agrees with the TypeScript loop to float32 rounding`, () => {
      const p: SgdParams = { lr: 0.05, sign: 1, weight_decay: 0, momentum: 0, decay: 0, scale: 1, nesterov: false, ...over };
      const w0 = values(n, 11), g = values(n, 12, 0.5), b0 = values(n, 13, 0.2);
      const [w1, w2, b1, b2] = [w0.slice(), w0.slice(), b0.slice(), b0.slice()];
      optimKernels.sgd(w1, g, withBuf ? b1 : null, p);
      simd.optim.sgd(w2, g, withBuf ? b2 : null, p);
      // Weights of magnitude <= 4 (one float32 ulp is at most 4.8e-7) moved by about lr * 0.5.
      expect(worst(w2, w1, 1e-6, 0)).toBeLessThanOrEqual(1);
      expect(worst(b2, b1, 1e-7, 1e-6)).toBeLessThanOrEqual(1);
      expect(Array.from(w2.subarray(0, 5))).not.toEqual(Array.from(w0.subarray(0, 5)));
    });
  }

  const adamCases: [string, Partial<AdamParams>, boolean][] = [
    ["Adam", {}, false],
    ["Adam with L2 weight decay, maximize", { l2: 0.1, sign: -1 }, false],
    ["AdamW (decoupled decay)", { decay: 1 - 0.01 * 0.1 }, false],
    ["Adam amsgrad", { l2: 0.1 }, true],
    ["AdamW amsgrad", { decay: 0.999 }, true],
  ];
  for (const [label, over, ams] of adamCases) {
    it(`${label} agrees with the TypeScript loop to float32 rounding over three steps`, () => {
      const base: AdamParams = { sign: 1, l2: 0, decay: 1, beta1: 0.9, beta2: 0.999, stepSize: 0, bc2Sqrt: 0, eps: 1e-8, ...over };
      const w0 = values(n, 21), m0 = new Float32Array(n), v0 = new Float32Array(n), vmax0 = new Float32Array(n);
      const ts = [w0.slice(), m0.slice(), v0.slice(), vmax0.slice()];
      const wa = [w0.slice(), m0.slice(), v0.slice(), vmax0.slice()];
      for (let t = 1; t <= 3; t++) {
        const g = values(n, 30 + t, 0.3);
        const p = { ...base, stepSize: 0.01 / (1 - base.beta1 ** t), bc2Sqrt: Math.sqrt(1 - base.beta2 ** t) };
        optimKernels.adam(ts[0], g, ts[1], ts[2], ams ? ts[3] : null, p);
        simd.optim.adam(wa[0], g, wa[1], wa[2], ams ? wa[3] : null, p);
      }
      // Three moves of about lr = 0.01 each; weights of magnitude <= 4 (one float32 ulp <= 4.8e-7).
      expect(worst(wa[0], ts[0], 1.5e-6, 0)).toBeLessThanOrEqual(1);
      const moved = wa[0].filter((x, i) => Math.abs(x - w0[i]) > 1e-4).length;
      expect(moved).toBeGreaterThan(n * 0.9);
      // m (terms of about 0.03 that can cancel: one ulp is 1.9e-9) and v (about 1e-4: ulp 7e-12)
      expect(worst(wa[1], ts[1], 1e-8, 1e-6), "exp_avg").toBeLessThanOrEqual(1);
      for (const k of [2, 3]) expect(worst(wa[k], ts[k], 1e-10, 1e-6), `state ${k}`).toBeLessThanOrEqual(1);
    });
  }

  it("leaves float64 and short parameters to the TypeScript loop", () => {
    const p: SgdParams = { lr: 0.1, sign: 1, weight_decay: 0, momentum: 0, decay: 0, scale: 1, nesterov: false };
    for (const w0 of [Float64Array.from(values(1000, 1)), values(10, 2)]) {
      const g = w0 instanceof Float64Array ? Float64Array.from(values(w0.length, 3)) : values(w0.length, 3);
      const [a, b] = [w0.slice(), w0.slice()];
      optimKernels.sgd(a, g, null, p);
      simd.optim.sgd(b, g, null, p);
      expect(Array.from(b)).toEqual(Array.from(a));
    }
  });
});
