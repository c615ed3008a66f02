/** Kernel registry and the WebAssembly SIMD matmul, checked against the plain-TS loops. */
import { describe, expect, it } from "vitest";
import { torch } from "../../../../lib/tensor/index";
import { kernels, registerKernel } from "../../../../lib/tensor/kernels/registry";
import { matmulStrided } from "../../../../lib/tensor/kernels/matmul";
import { erf, erf32, unaryKernels } from "../../../../lib/tensor/kernels/unary";
import { BinaryOp } from "../../../../lib/tensor/kernels/binary";
import { unaryOp } from "../../../../lib/tensor/ops/unary";
import { createWasmMatmul } from "../../../../lib/tensor/kernels/wasm/matmul_simd";
import { createWasmUnary } from "../../../../lib/tensor/kernels/wasm/unary_simd";

const wasm = createWasmMatmul(matmulStrided, () => kernels.gemm, kernels.gemm);

function maxRelErr(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
  return m;
}

describe("WebAssembly SIMD matmul", () => {
  it("is available on this host and registered by default", () => {
    expect(wasm).not.toBeNull();
    expect(kernels.matmul).not.toBe(matmulStrided);
  });

  const shapes: [number, number, number][] = [[1, 1, 4096], [16, 16, 16], [17, 33, 9], [64, 784, 128], [128, 64, 784], [3, 100, 50], [100, 3, 7]];
  for (const [m, k, n] of shapes) {
    it(`matches the TS kernel for ${m}x${k} @ ${k}x${n}, plain and transposed operands`, () => {
      torch.manual_seed(m * 1000 + n);
      const a = torch.randn(m, k);
      const b = torch.randn(k, n);
      const bt = torch.randn(n, k); // used transposed, like Linear's weight
      const at = torch.randn(k, m); // used transposed, like Linear's weight gradient
      const ref = new Float32Array(m * n);
      const got = new Float32Array(m * n);
      const run = (f: typeof matmulStrided, out: Float32Array, A: typeof a, as0: number, as1: number, B: typeof b, bs0: number, bs1: number) =>
        f(m, n, k, A._data, 0, as0, as1, B._data, 0, bs0, bs1, out, 0);
      for (const [A, as0, as1, B, bs0, bs1] of [
        [a, k, 1, b, n, 1], [a, k, 1, bt, 1, k], [at, 1, m, b, n, 1], [at, 1, m, bt, 1, k],
      ] as const) {
        run(matmulStrided, ref, A, as0, as1, B, bs0, bs1);
        run(wasm!, got, A, as0, as1, B, bs0, bs1);
        // Both accumulate in float32 in different orders; error grows like sqrt(k) ulps.
        expect(maxRelErr(got, ref)).toBeLessThan(2e-6 * Math.sqrt(k) + 1e-6);
      }
    });
  }

  it("writes at an output offset and leaves float64 to the TS kernel", () => {
    const a = torch.randn(20, 30);
    const b = torch.randn(30, 40);
    const out = new Float32Array(10 + 20 * 40);
    out[0] = 123;
    wasm!(20, 40, 30, a._data, 0, 30, 1, b._data, 0, 40, 1, out, 10);
    expect(out[0]).toBe(123);
    const expected = a.double().mm(b.double());
    expect(torch.from_array(out.slice(10), [20, 40]).double().allclose(expected, { atol: 1e-4, rtol: 1e-4 })).toBe(true);
    expect(a.double().mm(b.double()).dtype).toBe(torch.float64);
  });

  it("handles k = 0 (an empty sum) as zeros", () => {
    expect(torch.zeros(64, 0).mm(torch.zeros(0, 64)).abs().sum().item()).toBe(0);
  });
});

describe("WebAssembly SIMD exp and sigmoid", () => {
  const simd = createWasmUnary(unaryKernels)!;
  it("are registered for float32", () => {
    expect(simd).not.toBeNull();
    expect(kernels.unary.exp).not.toBe(unaryKernels.exp);
  });
  it("stay within 2 ulp of Math.exp and handle edges like PyTorch (exp(-inf) = 0, overflow to inf, NaN)", () => {
    const edges = [-Infinity, -200, -103.5, -100, -87.5, -20, -1e-8, 0, 0.5, 1, 10, 88, 88.72, 88.73, 200, Infinity, NaN];
    // 1001 values: not a multiple of 4, so the JS tail path runs too.
    const x = new Float32Array([...edges, ...Array.from({ length: 1001 - edges.length }, (_, i) => (i - 490) * 0.173)]);
    const e = new Float32Array(x.length);
    const s = new Float32Array(x.length);
    simd.exp(x.length, x, e, 0, 0);
    simd.sigmoid(x.length, x, s, 0, 0);
    for (let i = 0; i < x.length; i++) {
      const re = Math.fround(Math.exp(x[i]));
      const rs = Math.fround(1 / (1 + Math.exp(-x[i])));
      if (Number.isNaN(re)) expect(e[i]).toBeNaN();
      else if (!Number.isFinite(re) || re === 0) expect(e[i]).toBe(re);
      else expect(Math.abs(e[i] - re) / re).toBeLessThan(2.4e-7);
      if (Number.isNaN(rs)) expect(s[i]).toBeNaN();
      else if (rs > 1e-37) expect(Math.abs(s[i] - rs) / rs).toBeLessThan(2.4e-7);
      else expect(s[i]).toBeLessThan(1e-37); // PyTorch also flushes these to 0
    }
    expect(e[0]).toBe(0);
  });
  it("processes tensors larger than one chunk", () => {
    const n = (1 << 20) + 13;
    const x = new Float32Array(n).map((_, i) => ((i % 2001) - 1000) / 100);
    const out = new Float32Array(n);
    simd.exp(n, x, out, 0, 0);
    for (const i of [0, 1, (1 << 20) - 1, 1 << 20, n - 1]) expect(Math.abs(out[i] - Math.exp(x[i])) / Math.exp(x[i])).toBeLessThan(2.4e-7);
  });
});

describe("kernel registry", () => {
  it("ops reach matmul through the registry, so a backend can replace it", () => {
    let calls = 0;
    const prev = registerKernel("matmul", (...args: Parameters<typeof matmulStrided>) => {
      calls++;
      matmulStrided(...args);
    });
    try {
      const y = torch.ones(2, 3).matmul(torch.ones(3, 4));
      expect(y.sum().item()).toBe(24);
      expect(calls).toBe(1);
    } finally {
      registerKernel("matmul", prev);
    }
  });

  // The @ts-expect-error lines are the real assertions: `tsc` fails if a misspelled kernel name
  // ever compiles again. At run time the misspelling finds no kernel.
  it("kernel names are typed: a misspelled one does not compile", () => {
    // @ts-expect-error "exq" is not a unary kernel
    expect(() => unaryOp(torch.ones(2), "exq", null, "none")).toThrow();
    // @ts-expect-error "round" has no gradient kernel, so it cannot record a backward node
    expect(() => unaryOp(torch.ones(2), "round", "RoundBackward0", "x")).not.toThrow();
    // @ts-expect-error "matmull" is not a replaceable kernel
    expect(() => registerKernel("matmull", matmulStrided)).not.toThrow();
    // @ts-expect-error 99 is no BinaryOp (use BinaryOp.add, not a bare number)
    expect(() => kernels.binary(99, [1], 1, new Float32Array(1), 0, [1], new Float32Array(1), 0, [1], new Float32Array(1), 0, [1])).toThrow(/unknown binary op 99/);
    expect(BinaryOp.add).toBe(0);
    delete (kernels as unknown as Record<string, unknown>).matmull;
  });
});

describe("float32 erf (GELU's fast path)", () => {
  it("stays within 1e-7 of the float64 erf over [-8, 8] and keeps the edges (+-1 far out, NaN)", () => {
    let worst = 0;
    for (let i = -80000; i <= 80000; i++) {
      const x = i / 10000;
      worst = Math.max(worst, Math.abs(erf32(x) - erf(x)));
    }
    expect(worst).toBeLessThan(1e-7);
    expect(erf32(0)).toBe(0);
    expect(erf32(Infinity)).toBeCloseTo(1, 7);
    expect(erf32(-Infinity)).toBeCloseTo(-1, 7);
    expect(erf32(NaN)).toBeNaN();
  });

  it("is what float32 gelu uses, while float64 keeps the exact erf", () => {
    const x32 = new Float32Array([-3, -0.5, 0.1, 1.7]);
    const o32 = new Float32Array(4);
    unaryKernels.gelu(4, x32, o32);
    for (let i = 0; i < 4; i++) expect(o32[i]).toBe(Math.fround(0.5 * x32[i] * (1 + erf32(x32[i] * Math.SQRT1_2))));
    const x64 = Float64Array.from(x32);
    const o64 = new Float64Array(4);
    unaryKernels.gelu(4, x64, o64);
    for (let i = 0; i < 4; i++) expect(o64[i]).toBe(0.5 * x64[i] * (1 + erf(x64[i] * Math.SQRT1_2)));
  });
});
