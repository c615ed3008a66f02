/**
 * The WebAssembly thread pool (shared memory, worker_threads in Node): products split across
 * threads give the same bits as on one thread, and the same LeNet-5 trained single- and
 * multi-threaded follows the same losses.
 */
import { afterEach, describe, expect, it } from "vitest";
import { F, optim, torch } from "../../../../lib/tensor/index";
import { kernels } from "../../../../lib/tensor/kernels/registry";
import { disableThreads, enableThreads, getNumThreads, threadsReady } from "../../../../lib/tensor/kernels/parallel";
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

  it("rejects a bad thread count and leaves the engine single-threaded", () => {
    const gemmBefore = kernels.gemm;
    expect(() => enableThreads(nodeThreadSpawner, 0)).toThrow(/positive integer/);
    expect(() => enableThreads(nodeThreadSpawner, 1.5)).toThrow(/positive integer/);
    expect(kernels.gemm).toBe(gemmBefore);
    expect(getNumThreads()).toBe(1);
  });
});

