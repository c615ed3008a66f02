/**
 * The WebAssembly thread pool (shared memory, worker_threads in Node): products split across
 * threads give the same bits as on one thread, and the same LeNet-5 trained single- and
 * multi-threaded follows the same losses.
 */
import { afterEach, describe, expect, it } from "vitest";
import { F, optim, torch } from "../../../../lib/tensor/index";
import { kernels } from "../../../../lib/tensor/kernels/registry";
import { disableThreads, enableThreads, getNumThreads, threadsReady } from "../../../../lib/tensor/kernels/parallel";
import { createThreadPool } from "../../../../lib/tensor/kernels/wasm/threads";
import { createLocalGemm, denseC, stridedA, stridedB } from "../../../../lib/tensor/kernels/wasm/gemm";
import { nodeThreadSpawner } from "../../../../bench/node-threads";
import { lenet } from "../../../../bench/lenet";

const describeWasm = kernels.gemm ? describe : describe.skip;

/** Losses of a few SGD steps of LeNet-5 on a fixed random batch. */
function lenetLosses(steps: number): number[] {
  torch.manual_seed(0);
  const model = lenet();
  const opt = new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
  const x = torch.randn(32, 1, 28, 28);
  const y = torch.randint(0, 10, [32]);
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    opt.zero_grad();
    const loss = F.cross_entropy(model(x), y);
    loss.backward();
    opt.step();
    losses.push(loss.item());
  }
  return losses;
}

describeWasm("WebAssembly thread pool", () => {
  afterEach(() => disableThreads());

  it("splits matmul across threads with bit-identical results (row split, column split, several k slices)", async () => {
    torch.manual_seed(1);
    const pairs = [[torch.randn(300, 600), torch.randn(600, 250)], [torch.randn(8, 700), torch.randn(700, 2000)], [torch.randn(257, 129), torch.randn(129, 263)]];
    const single = pairs.map(([a, b]) => a.mm(b));
    const singleT = pairs.map(([a, b]) => b.t().mm(a.t()));
    const gemmBefore = kernels.gemm;
    enableThreads(nodeThreadSpawner, 2);
    await threadsReady();
    expect(getNumThreads()).toBe(2);
    expect(kernels.gemm).not.toBe(gemmBefore);
    pairs.forEach(([a, b], i) => {
      expect(a.mm(b).eq(single[i]).all().item(), `case ${i}`).toBe(1);
      expect(b.t().mm(a.t()).eq(singleT[i]).all().item(), `case ${i} transposed`).toBe(1);
    });
    disableThreads();
    expect(getNumThreads()).toBe(1);
    expect(kernels.gemm).toBe(gemmBefore);
  });

  it("LeNet-5 trained on one and on two threads gives the same losses (to 1e-5)", async () => {
    const one = lenetLosses(4);
    enableThreads(nodeThreadSpawner, 2);
    await threadsReady();
    const two = lenetLosses(4);
    expect(two.length).toBe(one.length);
    two.forEach((l, i) => expect(Math.abs(l - one[i])).toBeLessThan(1e-5));
    expect(one[3]).toBeLessThan(one[0]); // it trains
  });

  it("gives the single-thread bits when every product is split, with more threads than cores (late threads, taken-back jobs)", async () => {
    const local = createLocalGemm()!;
    // Threshold 0: even the smallest product is shared out, so chunks race between 3 threads on
    // however many cores there are; a thread that wakes late finds its job taken back or done.
    const pool = createThreadPool(nodeThreadSpawner, 3, 0);
    try {
      while (!pool.ready()) await new Promise((resolve) => setTimeout(resolve, 5));
      let seed = 2;
      const random = (len: number) => Float32Array.from({ length: len }, () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1);
      for (const [m, n, k] of [[1, 1, 1], [5, 3, 7], [8, 2304, 25], [200, 320, 16], [37, 41, 600], [300, 9, 513], [96, 96, 96], [16, 4000, 300], [400, 120, 300]]) {
        const a = random(m * k);
        const b = random(k * n);
        const want = new Float32Array(m * n);
        local.gemm(m, n, k, stridedA(m, a, 0, k, 1), stridedB(n, b, 0, n, 1), denseC(m, n, want, 0));
        for (let rep = 0; rep < 10; rep++) {
          const got = new Float32Array(m * n).fill(NaN);
          pool.gemm.gemm(m, n, k, stridedA(m, a, 0, k, 1), stridedB(n, b, 0, n, 1), denseC(m, n, got, 0));
          expect(Buffer.from(got.buffer).equals(Buffer.from(want.buffer)), `${m}x${n}x${k} repeat ${rep}`).toBe(true);
        }
      }
    } finally {
      pool.terminate();
    }
  });

  it("rejects a bad thread count and leaves the engine single-threaded", () => {
    const gemmBefore = kernels.gemm;
    expect(() => enableThreads(nodeThreadSpawner, 0)).toThrow(/positive integer/);
    expect(() => enableThreads(nodeThreadSpawner, 1.5)).toThrow(/positive integer/);
    expect(kernels.gemm).toBe(gemmBefore);
    expect(getNumThreads()).toBe(1);
  });
});

