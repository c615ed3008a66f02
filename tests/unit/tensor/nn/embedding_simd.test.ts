/**
 * F.embedding's row copies and backward scatter-add as WebAssembly (kernels/wasm/embedding_simd.ts,
 * used on the WebAssembly backend for float32 rows of a multiple of four floats) give the JS
 * loops' bits: output and weight gradient with the kernels on and off, over repeated indices,
 * padding_idx (negative too), a weight that is a view at an offset, more rows than one stage holds,
 * and NaN / infinities / signed zeros in the gradient; rows of other widths, float64,
 * scale_grad_by_freq and too large a table keep the JS loops.
 */
import { afterEach, describe, expect, it } from "vitest";
import { F, torch, type Tensor } from "../../../../lib/tensor/index";
import { kernels } from "../../../../lib/tensor/kernels/registry";
import { MAX_TABLE_FLOATS } from "../../../../lib/tensor/kernels/wasm/embedding_simd";
import { embeddingRows_, type EmbeddingFunctionalOptions } from "../../../../lib/tensor/nn/functional/embedding";

/** The output and the weight's gradient for upstream gradient gy, with the kernels on or off. */
function lookupAndGrad(idx: Tensor, weight: Tensor, gy: Tensor, opts: EmbeddingFunctionalOptions, on: boolean): Float32Array[] {
  embeddingRows_.enabled = on;
  const w = weight.detach().requires_grad_(true);
  const y = F.embedding(idx, w, opts);
  const [gw] = torch.autograd.grad([y], [w], [gy]);
  return [y.detach().contiguous()._data as Float32Array, gw!.contiguous()._data as Float32Array];
}

const sameBits = (a: ArrayLike<number>, b: ArrayLike<number>) => a.length === b.length && Array.from(a).every((v, i) => Object.is(v, b[i]));

/** Runs on and off; expects the same bits and that the kernels ran (`simd`) or not. */
function expectSameBitsBothWays(idx: Tensor, weight: Tensor, gy: Tensor, opts: EmbeddingFunctionalOptions, simd: boolean): void {
  const before = { ...embeddingRows_ };
  const on = lookupAndGrad(idx, weight, gy, opts, true);
  const runs = simd ? 1 : 0;
  expect(embeddingRows_.gathers).toBe(before.gathers + runs);
  expect(embeddingRows_.scatters).toBe(before.scatters + (simd && !opts.scale_grad_by_freq ? 1 : 0));
  const off = lookupAndGrad(idx, weight, gy, opts, false);
  expect(embeddingRows_.gathers).toBe(before.gathers + runs);
  expect(sameBits(on[0], off[0])).toBe(true);
  expect(sameBits(on[1], off[1])).toBe(true);
}

describe.skipIf(kernels.gemm === null)("F.embedding's WebAssembly rows", () => {
  afterEach(() => {
    embeddingRows_.enabled = true;
  });

  const cases: [string, number, number, number[], EmbeddingFunctionalOptions][] = [
    ["a GPT's token lookup", 65, 64, [16, 64], {}],
    ["padding_idx", 10, 8, [7, 9], { padding_idx: 2 }],
    ["negative padding_idx", 10, 8, [7, 9], { padding_idx: -1 }],
    ["one row of four", 3, 4, [5], {}],
    ["more rows than one stage (D = 4)", 6, 4, [20000], {}],
  ];
  for (const [name, num, D, shape, opts] of cases) {
    it(`give the JS loops' bits: ${name}`, () => {
      torch.manual_seed(num * D);
      const idx = torch.randint(0, num, shape); // repeated indices: more lookups than rows
      const weight = torch.randn(num, D);
      const gy = torch.randn([...shape, D]);
      expectSameBitsBothWays(idx, weight, gy, opts, true);
    });
  }

  it("give the JS loops' bits for a weight that is a view at an offset", () => {
    torch.manual_seed(1);
    const base = torch.randn(12, 8);
    const weight = base.narrow(0, 2, 9); // contiguous rows from element 16
    const idx = torch.randint(0, 9, [30]);
    expectSameBitsBothWays(idx, weight, torch.randn(30, 8), {}, true);
  });

  it("keep the JS loops' NaN, infinities and signed zeros in the gradient", () => {
    const idx = torch.tensor([0, 1, 0, 2, 1, 0], { dtype: torch.int64 });
    const rows = [
      [-0, 0, -0, 1e38],
      [NaN, 1, -Infinity, 1e38],
      [-0, -0, 0, -1e38],
      [Infinity, -Infinity, 1e-45, -1e-45],
      [1, NaN, 2, 3],
      [-0, 1e-45, Infinity, 1e38],
    ];
    const gy = torch.tensor(rows, { dtype: torch.float32 });
    const weight = torch.randn(3, 4);
    expectSameBitsBothWays(idx, weight, gy, {}, true);
  });

  it("leave rows of other widths, float64 and scale_grad_by_freq's backward to the JS loops", () => {
    torch.manual_seed(2);
    const idx = torch.randint(0, 5, [4, 6]);
    expectSameBitsBothWays(idx, torch.randn(5, 6), torch.randn(4, 6, 6), {}, false);
    expectSameBitsBothWays(idx, torch.randn(5, 8, { dtype: torch.float64 }), torch.randn(4, 6, 8, { dtype: torch.float64 }), {}, false);
    expectSameBitsBothWays(idx, torch.randn(5, 8), torch.randn(4, 6, 8), { scale_grad_by_freq: true }, true);
  });

  it("leave a table larger than the kernels' memory bound to the JS loops", () => {
    const num = MAX_TABLE_FLOATS / 4 + 1;
    const idx = torch.tensor([0, num - 1, 7], { dtype: torch.int64 });
    const weight = torch.arange(num * 4, { dtype: torch.float32 }).reshape(num, 4); // cheaper than randn for 1M floats
    expectSameBitsBothWays(idx, weight, torch.randn(3, 4), {}, false);
  });
});
