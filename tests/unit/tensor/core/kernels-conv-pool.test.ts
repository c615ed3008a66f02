/**
 * The WebAssembly loops of a CNN step against the plain-TypeScript backend: the 2x2 stride-2 max
 * pool (values, indices, backward scatter; four outputs per SIMD step, so widths that leave a
 * partial group, NaNs and ties matter), the max pool's backward scatter for overlapping windows,
 * and the conv bias gradient (the same float64 sums, so the same bits). Convolution's packing
 * itself is compared in kernels-gemm.test.ts.
 */
import { afterEach, describe, expect, it } from "vitest";
import { F, torch, type Tensor } from "../../../../lib/tensor/index";
import { convGemmSupported, setConvChunkFloats } from "../../../../lib/tensor/kernels/conv_gemm";
import { kernels, selectBackend, type BackendName } from "../../../../lib/tensor/kernels/registry";
import { poolKernelsOn } from "../../../../lib/tensor/kernels/wasm/pool_kernels";
import { poisonPool } from "./poisoned_pool";
import { releaseBuffer } from "../../../../lib/tensor/buffer_pool";
import type { ConvOptions } from "../../../../lib/tensor/nn/functional/conv";

const describeWasm = kernels.gemm ? describe : describe.skip;

function on<T>(backend: BackendName, f: () => T): T {
  selectBackend(backend);
  try {
    return f();
  } finally {
    selectBackend("wasm");
  }
}

/** Values with ties (few distinct levels), NaNs and infinities at fixed places. */
function awkward(shape: number[], seed: number): Tensor {
  torch.manual_seed(seed);
  const t = torch.randn(shape).mul(2).round();
  const d = t._data;
  for (let i = 0; i < d.length; i += 37) d[i] = NaN;
  for (let i = 5; i < d.length; i += 53) d[i] = -Infinity;
  for (let i = 11; i < d.length; i += 61) d[i] = Infinity;
  return t;
}

function poolRun(x0: Tensor, kw: Record<string, unknown>): number[][] {
  const x = x0.detach().clone().requires_grad_();
  const [y, idx] = F.max_pool2d(x, 2, { ...kw, return_indices: true }) as unknown as [Tensor, Tensor];
  torch.manual_seed(3);
  y.backward(torch.randn(y.shape));
  return [Array.from(y._data), Array.from(idx._data), Array.from(x.grad!._data)];
}

describeWasm("WebAssembly pooling and bias-gradient kernels", () => {
  afterEach(() => selectBackend("wasm"));

  it("instantiate on the GEMM's memory (so the WebAssembly backend really uses them)", () => {
    const memory = kernels.gemm!.memory;
    expect(memory).toBeInstanceOf(WebAssembly.Memory);
    expect(poolKernelsOn(memory!)).not.toBeNull();
    expect(convGemmSupported(kernels.gemm!)).toBe(true);
  });

  const shapes = [
    [2, 3, 8, 8],
    [1, 2, 7, 9],
    [2, 1, 28, 28],
    [1, 1, 2, 2],
    [3, 2, 5, 11],
    [2, 4, 24, 24],
  ];
  for (const shape of shapes) {
    it(`max_pool2d 2x2 on ${shape.join("x")}: values, indices (ties, NaN, inf) and gradient equal the TypeScript loops`, () => {
      const x = awkward(shape, shape.reduce((a, b) => a + b, 0));
      const ours = poolRun(x, {});
      const plain = on("ts", () => poolRun(x, {}));
      expect(ours[0].map(String)).toEqual(plain[0].map(String));
      expect(ours[1]).toEqual(plain[1]);
      expect(ours[2]).toEqual(plain[2]);
    });
  }

  it("overlapping and padded windows (the general forward) scatter their gradient the same way", () => {
    const x = awkward([2, 3, 9, 10], 4);
    for (const kw of [{ stride: 1 }, { padding: 1 }, { ceil_mode: true }]) {
      const ours = poolRun(x, kw);
      const plain = on("ts", () => poolRun(x, kw));
      expect(ours[0].map(String)).toEqual(plain[0].map(String));
      expect(ours[1]).toEqual(plain[1]);
      expect(ours[2]).toEqual(plain[2]);
    }
  });

  // Output planes of 7x7 (L = 49: a partial group of four per row) and 8x8 / 24x24 (whole groups:
  // the WebAssembly kernel's four SIMD partial sums).
  for (const [H, k] of [[9, 3], [10, 3], [28, 5]]) {
    it(`conv2d's bias gradient has the same bits on both backends and is the float64 sum (${H}x${H} input, ${k}x${k} kernel)`, () => {
      const run = () => {
        torch.manual_seed(9);
        const x = torch.randn(5, 3, H, H);
        const w = torch.randn(6, 3, k, k);
        const b = torch.randn(6).requires_grad_();
        const y = F.conv2d(x, w, b);
        torch.manual_seed(10);
        const g = torch.randn(y.shape).mul(1000);
        y.backward(g);
        return { gb: Array.from(b.grad!._data), g };
      };
      const ours = run();
      expect(ours.gb).toEqual(on("ts", run).gb);
      // Against the exact sums of the float32 gradient (float64 partial sums round once at the end).
      const exact = ours.g.to(torch.float64).sum([0, 2, 3]);
      for (let co = 0; co < 6; co++) expect(ours.gb[co]).toBe(Math.fround(exact._data[co]));
    });
  }

  it("a convolution with more taps than one packed k slice (K = 360), in chunks of samples, matches the TypeScript backend", () => {
    const run = () => {
      torch.manual_seed(21);
      const x = torch.randn(5, 40, 7, 6).requires_grad_();
      const w = torch.randn(6, 40, 3, 3).mul(0.1).requires_grad_();
      const b = torch.randn(6).requires_grad_();
      const y = F.conv2d(x, w, b, { padding: 1 });
      y.backward(torch.randn(y.shape));
      return [y.detach(), x.grad!, w.grad!, b.grad!];
    };
    for (const chunk of [1 << 22, 100]) {
      const prev = setConvChunkFloats(chunk);
      try {
        const ours = run();
        const plain = on("ts", run);
        ours.forEach((t, i) => expect(t.allclose(plain[i], { rtol: 1e-4, atol: 1e-4 }), String(i)).toBe(true));
      } finally {
        setConvChunkFloats(prev);
      }
    }
  });

  it("geometries that differ in one field only (padding, stride) get their own cached plans", () => {
    // Each pair has the same input, kernel and output sizes: only the cached plan's field compare tells them apart.
    const variants: [string, ConvOptions][] = [
      ["no padding", { stride: [1, 4] }],
      ["padding 1 on W", { stride: [1, 4], padding: [0, 1] }],
      ["padding 1 on H (kernel 1 tall, stride 4)", { stride: [4, 4], padding: [1, 0] }],
      ["stride 4 on H", { stride: [4, 4] }],
    ];
    const run = () => {
      torch.manual_seed(22);
      const x = torch.randn(2, 2, 12, 12);
      const w = torch.randn(3, 2, 1, 3);
      return variants.map(([, o]) => F.conv2d(x, w, null, o));
    };
    // Twice in a row on the WebAssembly backend (the second time from the cache), against plain TS.
    const plain = on("ts", run);
    for (const ours of [run(), run()]) {
      ours.forEach((t, i) => {
        expect(t.shape, variants[i][0]).toEqual(plain[i].shape);
        expect(t.allclose(plain[i], { rtol: 1e-5, atol: 1e-5 }), variants[i][0]).toBe(true);
      });
    }
  });

  it("outputs written into unzeroed pooled buffers (conv forward and input gradient, max pool values, indices and scatter) equal those in fresh memory", () => {
    torch.manual_seed(5);
    const x = torch.randn(8, 8, 16, 16);
    const w = torch.randn(8, 8, 3, 3);
    const gy = torch.randn(8, 8, 16, 16);
    const n = x.numel(); // 16384: the smallest pooled size; output and input the same size
    const convRun = () => {
      const xr = x.detach().clone().requires_grad_();
      const y = F.conv2d(xr, w, null, { padding: 1 });
      y.backward(gy);
      return [y, xr.grad!];
    };
    const poolRunPlain = () => {
      const xr = x.detach().clone().requires_grad_();
      const [y, idx] = F.max_pool2d(xr, 2, { return_indices: true }) as unknown as [Tensor, Tensor];
      y.backward(torch.ones(y.shape));
      return [y, idx, xr.grad!];
    };
    const fresh = [...convRun(), ...poolRunPlain()].map((t) => Array.from(t._data));

    // Conv forward output: it must take the poisoned buffer and overwrite all of it.
    const xr = x.detach().clone().requires_grad_();
    let bufs = poisonPool(n, 1);
    const y = F.conv2d(xr, w, null, { padding: 1 });
    expect(y._data).toBe(bufs[0]);
    expect(Array.from(y._data)).toEqual(fresh[0]);
    // Input gradient (allocated in the backward; the leaf's .grad is a copy of it).
    bufs = poisonPool(n, 1);
    y.backward(gy);
    expect(Array.from(bufs[0])).toEqual(fresh[1]);
    expect(Array.from(xr.grad!._data)).toEqual(fresh[1]);

    // Max pool on [8, 32, 16, 16] -> values and indices of 16384 each, scatter of 65536.
    const xp = x.reshape([8, 8, 256]).repeat([1, 4, 1]).reshape([8, 32, 16, 16]).detach().clone().requires_grad_();
    const plain = on("ts", () => {
      const [py, pidx] = F.max_pool2d(xp, 2, { return_indices: true }) as unknown as [Tensor, Tensor];
      py.backward(torch.ones(py.shape));
      const r = [py, pidx, xp.grad!].map((t) => Array.from(t._data));
      xp.grad = null;
      return r;
    });
    bufs = poisonPool(16384, 1);
    // The indices are int64, stored wide (Float64Array): a poisoned buffer of their own.
    const idxBuf = new Float64Array(16384).fill(NaN);
    releaseBuffer(idxBuf);
    const [py, pidx] = F.max_pool2d(xp, 2, { return_indices: true }) as unknown as [Tensor, Tensor];
    expect(py._data).toBe(bufs[0]);
    expect(pidx._data).toBe(idxBuf);
    expect(Array.from(py._data)).toEqual(plain[0]);
    expect(Array.from(pidx._data)).toEqual(plain[1]);
    bufs = poisonPool(4 * 16384, 1);
    py.backward(torch.ones(py.shape));
    expect(Array.from(bufs[0])).toEqual(plain[2]);
    expect(Array.from(xp.grad!._data)).toEqual(plain[2]);
  });
});
