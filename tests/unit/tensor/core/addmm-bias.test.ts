/**
 * addmm / Linear with the bias row added inside the GEMM (matmul_simd.ts's preload: the bias is
 * copied into the C block, the products are added to it) against the product plus the bias added
 * afterwards: the same bits for one k slice (k <= 256: one float add either way), float
 * rounding only for several slices; strided and [1, n] biases; biases that do not broadcast as a
 * row, alpha / beta, float64 and the plain-TS backend take the unfused path. On a thread pool
 * that splits every product, the single-thread bits.
 */
import { afterEach, describe, expect, it } from "vitest";
import { torch } from "../../../../lib/tensor/index";
import { kernels } from "../../../../lib/tensor/kernels/registry";
import { matmulBias } from "../../../../lib/tensor/kernels/matmul_bias";
import { createThreadPool } from "../../../../lib/tensor/kernels/wasm/threads";
import { nodeThreadSpawner } from "../../../../bench/node-threads";
import type { Tensor } from "../../../../lib/tensor/tensor";
import { poisonPool } from "./poisoned_pool";

/** x @ w + bias with the bias added by a separate op (no fusion possible: mm then add). */
const unfused = (bias: Tensor, x: Tensor, w: Tensor): Tensor => torch.mm(x, w).add(bias);
const same = (a: Tensor, b: Tensor): boolean => a.eq(b).all().item<boolean>();

describe("addmm with the bias added inside the GEMM", () => {
  afterEach(() => { kernels.gemm = gemmAtStart; });
  const gemmAtStart = kernels.gemm;

  it("takes the fused path for a bias row and gives the unfused bits for k <= 256 (x W^T as Linear, [n] and [1, n] biases)", () => {
    if (!kernels.gemm) return; // plain-TS backend: nothing to fuse into
    torch.manual_seed(4);
    for (const [m, k, n] of [[1024, 64, 192], [37, 256, 65], [64, 16, 8]]) {
      const x = torch.randn(m, k), w = torch.randn(n, k), bias = torch.randn(n);
      // The fused kernel is used (it reports true) and writes the same bits as the mm + add.
      const c = new Float32Array(m * n);
      const wt = w.t();
      expect(matmulBias(m, n, k, x._data, 0, k, 1, w._data, 0, wt._strides[0], wt._strides[1], bias._data, 0, 1, c, 0)).toBe(true);
      const want = unfused(bias, x, wt);
      expect(Array.from(c)).toEqual(Array.from(want._data as Float32Array));
      expect(same(torch.addmm(bias, x, wt), want)).toBe(true);
      expect(same(torch.addmm(bias.reshape(1, n), x, wt), want)).toBe(true);
    }
  });

  it("reads a strided bias and matches to float rounding across several k slices", () => {
    torch.manual_seed(5);
    const x = torch.randn(70, 600), w = torch.randn(600, 40);
    const wide = torch.randn(40, 3);
    const bias = wide.select(1, 2); // stride 3
    const got = torch.addmm(bias, x, w);
    const want = unfused(bias.contiguous(), x, w);
    expect(got.sub(want).abs().max().item()).toBeLessThan(1e-4);
    expect(got.shape).toEqual([70, 40]);
  });

  it("leaves biases that are not one row, alpha / beta and float64 to the unfused path (same values as before)", () => {
    torch.manual_seed(6);
    const x = torch.randn(50, 64), w = torch.randn(64, 32);
    const full = torch.randn(50, 32), col = torch.randn(50, 1), row = torch.randn(32);
    expect(same(torch.addmm(full, x, w), torch.mm(x, w).add(full))).toBe(true);
    expect(same(torch.addmm(col, x, w), torch.mm(x, w).add(col))).toBe(true);
    const scaled = torch.addmm(row, x, w, { beta: 0.5, alpha: 2 });
    expect(scaled.sub(torch.mm(x, w).mul(2).add(row.mul(0.5))).abs().max().item()).toBeLessThan(1e-4);
    const x64 = x.double(), w64 = w.double(), r64 = row.double();
    expect(matmulBias(50, 32, 64, x64._data, 0, 64, 1, w64._data, 0, 32, 1, r64._data, 0, 1, new Float64Array(50 * 32), 0)).toBe(false);
    expect(same(torch.addmm(r64, x64, w64), torch.mm(x64, w64).add(r64))).toBe(true);
  });

  it("gives the single-thread bits on a pool that splits every product (one and several k slices)", async () => {
    if (!kernels.gemm) return;
    torch.manual_seed(7);
    const cases = [[torch.randn(1024, 64), torch.randn(64, 256), torch.randn(256)], [torch.randn(300, 700), torch.randn(700, 90), torch.randn(90)]];
    const single = cases.map(([b, x, w]) => torch.addmm(w, b, x));
    const pool = createThreadPool(nodeThreadSpawner, 2, 0, undefined, false, null);
    try {
      while (!pool.ready()) await new Promise((resolve) => setTimeout(resolve, 5));
      kernels.gemm = pool.gemm;
      cases.forEach(([b, x, w], i) => expect(same(torch.addmm(w, b, x), single[i]), `case ${i}`).toBe(true));
      expect(pool.counts().split).toBeGreaterThanOrEqual(2);
    } finally {
      kernels.gemm = gemmAtStart;
      pool.terminate();
    }
  });

  it("writes every element of an output taken unzeroed from the buffer pool (mm with k = 0, the TS kernel's tiny products, bmm, addmm)", () => {
    torch.manual_seed(8);
    const dirty = (n: number) => poisonPool(n, 1);
    const m = 128, n = 128; // m * n >= MIN_POOLED: the output comes from the pool
    dirty(m * n);
    expect(torch.mm(torch.randn(m, 0), torch.randn(0, n)).abs().max().item()).toBe(0);
    const x = torch.randn(m, 1), w = torch.randn(1, n); // 16 K multiply-adds: the TS kernel
    dirty(m * n);
    expect(same(torch.mm(x, w), x.mul(w))).toBe(true);
    const a = torch.randn(4, 64, 16), b = torch.randn(4, 16, 64);
    dirty(4 * 64 * 64);
    const prod = torch.bmm(a, b);
    expect(prod.isnan().any().item()).toBe(false);
    expect(prod.select(0, 3).sub(torch.mm(a.select(0, 3), b.select(0, 3))).abs().max().item()).toBeLessThan(1e-5);
    dirty(m * n);
    expect(torch.addmm(torch.zeros(n), x, w).isnan().any().item()).toBe(false);
  });
});
