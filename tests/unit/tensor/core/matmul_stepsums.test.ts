/**
 * Linear's bias gradient from the weight gradient's staged copy of g (kernels/matmul_stepsums.ts,
 * wasm/matmul_simd.ts createStepSumMatmul, used by addmm's backward): the product has the bits of
 * kernels.matmul and the sums the bits of g.sum(0) (elementwise_simd's float64 column sums, the
 * last columns in JS), for the GPT bench's shapes and widths that are not a multiple of 4; through
 * nn.Linear's backward the same; it declines what it does not cover (A's rows not contiguous,
 * small products, float64), and on the plain-TS backend it never applies.
 */
import { describe, expect, it } from "vitest";
import { nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { kernels } from "../../../../lib/tensor/kernels/registry";
import { matmulStepSums } from "../../../../lib/tensor/kernels/matmul_stepsums";

const wasm = kernels.gemm !== null;
const bits = (t: Tensor): number[] => Array.from(t.contiguous()._data);

describe("a product and its operand's row sums in one GEMM call", () => {
  for (const [M, out, inp] of [[1024, 64, 64], [1024, 256, 64], [1024, 65, 64], [300, 7, 24], [512, 192, 64]]) {
    it(`g [${M}, ${out}], x [${M}, ${inp}]: (g^T x) and g.sum(0) with their usual bits`, () => {
      torch.manual_seed(out);
      const g = torch.randn(M, out), x = torch.randn(M, inp);
      const gt = g.t();
      const c = new Float32Array(out * inp).fill(Number.NaN), sums = new Float32Array(out + 2).fill(Number.NaN);
      const done = matmulStepSums(out, inp, M, g._data, 0, gt._strides[0], gt._strides[1], x._data, 0, inp, 1, c, 0, sums, 1);
      expect(done).toBe(wasm);
      if (!done) return;
      const want = new Float32Array(out * inp);
      kernels.matmul(out, inp, M, g._data, 0, 1, out, x._data, 0, inp, 1, want, 0);
      expect(Array.from(c)).toEqual(Array.from(want));
      expect(Array.from(sums.subarray(1, out + 1))).toEqual(bits(g.sum(0)));
      expect(Number.isNaN(sums[0]) && Number.isNaN(sums[out + 1])).toBe(true); // nothing written outside
    });
  }

  it("declines rows of A that are not contiguous, small products and float64", () => {
    const g = torch.randn(256, 32), x = torch.randn(256, 32);
    const c = new Float32Array(32 * 32), s = new Float32Array(32);
    expect(matmulStepSums(32, 32, 256, g._data, 0, 32, 1, x._data, 0, 32, 1, c, 0, s, 0)).toBe(false); // A = g itself: rows strided
    expect(matmulStepSums(4, 4, 8, g._data, 0, 1, 4, x._data, 0, 4, 1, c, 0, s, 0)).toBe(false); // under MIN_WORK
    const g64 = torch.randn(256, 32, { dtype: torch.float64 });
    expect(matmulStepSums(32, 32, 256, g64._data, 0, 1, 32, x._data, 0, 32, 1, c, 0, s, 0)).toBe(false);
  });

  it("nn.Linear's backward: bias and weight gradients with the bits of g.sum(0) and g^T x", () => {
    torch.manual_seed(2);
    const lin = new nn.Linear(64, 65);
    const x = torch.randn(1024, 64, { requires_grad: true });
    const g = torch.randn(1024, 65);
    lin(x).backward(g);
    expect(bits(lin.bias!.grad!)).toEqual(bits(g.sum(0)));
    expect(bits(lin.weight.grad!)).toEqual(bits(g.t().matmul(x.detach())));
    expect(bits(x.grad!)).toEqual(bits(g.matmul(lin.weight.detach())));
  });
});
