/**
 * nn.Sequential's fused Conv2d -> ReLU -> MaxPool2d(2) (ops/conv_relu_pool.ts): the same bits as
 * the three modules run one by one (values, and the gradients of the input, weight and bias,
 * also of second order), and the unfused path wherever the pattern does not qualify.
 * On the plain-TypeScript backend nothing fuses (no WebAssembly GEMM); the equalities still hold.
 */
import { describe, expect, it } from "vitest";
import { F, nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { setConvChunkFloats } from "../../../../lib/tensor/kernels/conv_gemm";
import { kernels } from "../../../../lib/tensor/kernels/registry";
import { MIN_POOLED } from "../../../../lib/tensor/buffer_pool";
import { poisonPool } from "../core/poisoned_pool";
import { maxPool, maxScatter, reluMaxScatter, type MaxPicks } from "../../../../lib/tensor/ops/pool";

const wasm = kernels.gemm !== null;

/** The modules of a Sequential applied one at a time (never fused). */
function oneByOne(seq: nn.Sequential, x: Tensor): Tensor {
  let h = x;
  for (const m of seq) h = m(h) as Tensor;
  return h;
}

/** The fused op's node: the pool's name, with the convolution's three inputs (the unfused pool has one, the activation). */
function fused(out: Tensor): boolean {
  return out.grad_fn!.name() === "MaxPool2DWithIndicesBackward0" && out.grad_fn!.next_functions.length === 3;
}

/** Bitwise equality (NaN payloads aside): -0 and +0 differ. */
function sameBits(a: Tensor, b: Tensor): void {
  expect(a.shape).toEqual(b.shape);
  const x = a.contiguous()._data, y = b.contiguous()._data;
  for (let i = 0; i < x.length; i++) {
    if (Number.isNaN(x[i]) && Number.isNaN(y[i])) continue;
    if (!Object.is(x[i], y[i])) throw new Error(`element ${i}: ${x[i]} vs ${y[i]}`);
  }
}

/** Forward and first-order gradients of seq on x, fused (seq(x)) and one by one: all the same bits. */
function expectSameAsUnfused(seq: nn.Sequential, x: Tensor, expectFused: boolean, inputGrad = true): void {
  const params = seq.parameters().filter((p) => p.requires_grad);
  const run = (f: (x: Tensor) => Tensor) => {
    const xi = x.detach().requires_grad_(inputGrad);
    for (const p of params) p.grad = null;
    const out = f(xi);
    // A weighting with negative, zero and -0 entries exercises the masked and the sign-carrying paths.
    const gen = new torch.Generator(5);
    const w = torch.randn(out.shape, { generator: gen }).mul(torch.randint(0, 3, out.shape, { generator: gen }).sub(1));
    out.mul(w).sum().backward();
    return { out, grads: [...(inputGrad ? [xi.grad!] : []), ...params.map((p) => p.grad!)] };
  };
  const a = run((xi) => seq(xi));
  const b = run((xi) => oneByOne(seq, xi));
  expect(fused(a.out)).toBe(expectFused && wasm);
  expect(fused(b.out)).toBe(false);
  sameBits(a.out, b.out);
  a.grads.forEach((g, i) => sameBits(g, b.grads[i]));
}

describe("fused Conv2d -> ReLU -> MaxPool2d in nn.Sequential", () => {
  it("LeNet-5's two blocks: the same values and gradients as the modules one by one", () => {
    torch.manual_seed(0);
    const seq = new nn.Sequential(
      new nn.Conv2d(1, 8, 5), new nn.ReLU(), new nn.MaxPool2d(2),
      new nn.Conv2d(8, 16, 5), new nn.ReLU(), new nn.MaxPool2d(2),
    );
    expectSameAsUnfused(seq, torch.randn(16, 1, 28, 28), true);
    // The first block's input (the images) needs no gradient: its output gradient is never materialised.
    expectSameAsUnfused(seq, torch.randn(16, 1, 28, 28), true, false);
    // Without the bias, and a bias without a gradient.
    const noBias = new nn.Sequential(new nn.Conv2d(3, 4, 3, { bias: false }), new nn.ReLU(), new nn.MaxPool2d(2));
    expectSameAsUnfused(noBias, torch.randn(4, 3, 10, 10), true, false);
    const frozenBias = new nn.Sequential(new nn.Conv2d(3, 4, 3), new nn.ReLU(), new nn.MaxPool2d(2));
    (frozenBias.get(0) as nn.Conv2d).bias!.requires_grad_(false);
    expectSameAsUnfused(frozenBias, torch.randn(4, 3, 10, 10), true);
  });

  it("odd sizes (a row and column left over), padding, stride, no bias, several chunks of samples", () => {
    torch.manual_seed(1);
    const seq = new nn.Sequential(new nn.Conv2d(3, 5, 3, { padding: 1, bias: false }), new nn.ReLU(), new nn.MaxPool2d(2));
    expectSameAsUnfused(seq, torch.randn(3, 3, 9, 11), true);
    const strided = new nn.Sequential(new nn.Conv2d(2, 6, [3, 2], { stride: [2, 1], dilation: [1, 2] }), new nn.ReLU(), new nn.MaxPool2d([2, 2], { stride: 2 }));
    expectSameAsUnfused(strided, torch.randn(2, 2, 13, 10), true);
    const prev = setConvChunkFloats(64);
    try {
      expectSameAsUnfused(new nn.Sequential(new nn.Conv2d(2, 4, 3), new nn.ReLU(), new nn.MaxPool2d(2)), torch.randn(5, 2, 10, 10), true);
    } finally {
      setConvChunkFloats(prev);
    }
  });

  it("ties, zeros, -0 and NaN in the input: the same picks and the same masked gradient", () => {
    const seq = new nn.Sequential(new nn.Conv2d(1, 2, 1, { bias: false }), new nn.ReLU(), new nn.MaxPool2d(2));
    (seq.get(0) as nn.Conv2d).weight.data.copy_(torch.tensor([1, -1]).reshape(2, 1, 1, 1));
    const x = torch.tensor([0, -0, 1, 1, -2, -3, NaN, 2, 5, 5, -0, 0, 4, 5, 7, 7]).reshape(1, 1, 4, 4);
    expectSameAsUnfused(seq, x, true);
  });

  it("second-order gradients (create_graph) are those of the modules one by one", () => {
    torch.manual_seed(2);
    const seq = new nn.Sequential(new nn.Conv2d(2, 3, 3), new nn.ReLU(), new nn.MaxPool2d(2));
    const [w, b] = seq.parameters();
    const x = torch.randn(2, 2, 8, 8);
    const secondOrder = (f: (x: Tensor) => Tensor) => {
      const xi = x.detach().requires_grad_();
      const out = f(xi);
      const [gx, gw] = torch.autograd.grad(out.pow(2).sum(), [xi, w], null, { create_graph: true });
      const [ggx, ggw, ggb] = torch.autograd.grad(gx!.mul(gx!).sum().add(gw!.sum()), [xi, w, b], null, { allow_unused: true });
      return { out, gs: [gx, gw, ggx, ggw, ggb] };
    };
    const a = secondOrder((xi) => seq(xi));
    const u = secondOrder((xi) => oneByOne(seq, xi));
    expect(fused(a.out)).toBe(wasm);
    a.gs.forEach((g, i) => {
      if (g === null || u.gs[i] === null) expect(g).toBe(u.gs[i]);
      else sameBits(g, u.gs[i]);
    });
  });

  it("an in-place change of the pooled result after the forward does not move the gradient's mask", () => {
    torch.manual_seed(3);
    const seq = new nn.Sequential(new nn.Conv2d(1, 2, 3), new nn.ReLU(), new nn.MaxPool2d(2));
    const x = torch.randn(2, 1, 8, 8);
    const grads = (f: (x: Tensor) => Tensor) => {
      for (const p of seq.parameters()) p.grad = null;
      const out = f(x);
      const g = torch.randn(out.shape, { generator: new torch.Generator(6) });
      out.detach().zero_();
      out.backward(g);
      return seq.parameters().map((p) => p.grad!);
    };
    const a = grads((xi) => seq(xi));
    const b = grads((xi) => oneByOne(seq, xi));
    a.forEach((g, i) => sameBits(g, b[i]));
  });

  it("falls back to the modules one by one when the pattern does not qualify", () => {
    torch.manual_seed(4);
    const x = torch.randn(2, 2, 10, 10);
    const cases: [string, () => nn.Sequential][] = [
      ["a 3x3 pool", () => new nn.Sequential(new nn.Conv2d(2, 3, 3), new nn.ReLU(), new nn.MaxPool2d(3))],
      ["a padded pool", () => new nn.Sequential(new nn.Conv2d(2, 3, 3), new nn.ReLU(), new nn.MaxPool2d(2, { padding: 1 }))],
      ["ceil_mode on an odd size", () => new nn.Sequential(new nn.Conv2d(2, 3, 3, { padding: 1, stride: 1 }), new nn.ReLU(), new nn.MaxPool2d(2, { ceil_mode: true, stride: 3 }))],
      ["groups", () => new nn.Sequential(new nn.Conv2d(2, 4, 3, { groups: 2 }), new nn.ReLU(), new nn.MaxPool2d(2))],
      ["reflect padding", () => new nn.Sequential(new nn.Conv2d(2, 3, 3, { padding: 1, padding_mode: "reflect" }), new nn.ReLU(), new nn.MaxPool2d(2))],
      ["another activation", () => new nn.Sequential(new nn.Conv2d(2, 3, 3), new nn.Tanh(), new nn.MaxPool2d(2))],
      ["a forward hook on the ReLU", () => {
        const s = new nn.Sequential(new nn.Conv2d(2, 3, 3), new nn.ReLU(), new nn.MaxPool2d(2));
        s.get(1).register_forward_hook(() => undefined);
        return s;
      }],
      ["a pre-hook on the pool", () => {
        const s = new nn.Sequential(new nn.Conv2d(2, 3, 3), new nn.ReLU(), new nn.MaxPool2d(2));
        s.get(2).register_forward_pre_hook(() => undefined);
        return s;
      }],
      ["a replaced forward on the convolution", () => {
        const s = new nn.Sequential(new nn.Conv2d(2, 3, 3), new nn.ReLU(), new nn.MaxPool2d(2));
        const conv = s.get(0) as nn.Conv2d;
        conv.forward = (input: Tensor) => F.conv2d(input, conv.weight, conv.bias);
        return s;
      }],
    ];
    for (const [what, make] of cases) {
      const seq = make();
      const out = seq(x.detach().requires_grad_());
      expect(fused(out), what).toBe(false);
    }
    // A subclass of ReLU may compute something else.
    class Shifted extends nn.ReLU {
      override forward(input: Tensor): Tensor {
        return F.relu(input.sub(0.5));
      }
    }
    expectSameAsUnfused(new nn.Sequential(new nn.Conv2d(2, 3, 3), new Shifted(), new nn.MaxPool2d(2)), x, false);
    // Float64 and unbatched inputs keep the three ops too, with the same results.
    expectSameAsUnfused(new nn.Sequential(new nn.Conv2d(2, 3, 3), new nn.ReLU(), new nn.MaxPool2d(2)).double(), x.double(), false);
    const seq = new nn.Sequential(new nn.Conv2d(2, 3, 3), new nn.ReLU(), new nn.MaxPool2d(2));
    expect(fused(seq(x.select(0, 0).detach().requires_grad_()))).toBe(false);
  });

  it("argument errors are the unfused modules' (conv2d's message; the pool's too-small output)", () => {
    const seq = new nn.Sequential(new nn.Conv2d(3, 4, 3), new nn.ReLU(), new nn.MaxPool2d(2));
    expect(() => seq(torch.randn(1, 2, 8, 8))).toThrow(/expected input\[1, 2, 8, 8\] to have 3 channels, but got 2 channels instead/);
    const tiny = new nn.Sequential(new nn.Conv2d(1, 1, 3), new nn.ReLU(), new nn.MaxPool2d(2));
    expect(() => tiny(torch.randn(1, 1, 3, 3))).toThrow(/Output size is too small/);
  });

  it("the masked scatter (first-order backward) equals the pool's scatter after ReLU's backward, on this backend", () => {
    torch.manual_seed(5);
    // ReLU of mostly negative values: many windows pool to +0 (masked), one to NaN (kept).
    const pre = torch.randn(1, 1, 8, 8).sub(1);
    pre._data[0] = NaN;
    pre._data[9] = -0;
    const y = F.relu(pre);
    const [pooled, idx] = maxPool("max_pool2d", y, 2, { kernel: [2, 2], stride: [2, 2], padding: [0, 0], dilation: [1, 1], ceil_mode: false });
    const g = torch.tensor([-0, 1, NaN, Infinity, -2, -Infinity, 3, -0, 4, 5, -6, 7, 0, -0, 8, 9]).reshape(1, 1, 4, 4);
    const picks: MaxPicks = { idx: idx._data, P: 1, inPlane: 64, outPlane: 16, node: "MaxPool2DWithIndicesBackward0" };
    const relu = (pooled._data as Float32Array).slice();
    expect(relu.some((v) => Object.is(v, 0)) && relu.some((v) => v > 0)).toBe(true);
    const fusedGrad = reluMaxScatter(g, picks, [1, 1, 8, 8], relu);
    // Unfused: scatter, then ReLU's backward against its output.
    const scattered = maxScatter(g, picks, [1, 1, 8, 8], torch.float32);
    const y2 = y.detach().requires_grad_();
    F.relu(y2).backward(scattered);
    sameBits(fusedGrad, y2.grad!);
    expect(fusedGrad.abs().sum().item()).not.toBe(0);
  });

  it("results written into NaN-poisoned pooled buffers (pooled values, indices, the output gradient) equal those in fresh memory", () => {
    torch.manual_seed(6);
    // Pooled values and indices of MIN_POOLED floats, the convolution's output (gradient) of 4x that.
    const seq = new nn.Sequential(new nn.Conv2d(3, 4, 3), new nn.ReLU(), new nn.MaxPool2d(2));
    const x = torch.randn(16, 3, 34, 34);
    const g = torch.randn(16, 4, 16, 16);
    const sizes = [MIN_POOLED, 4 * MIN_POOLED];
    const setPool = (poison: boolean) => poisonPool(sizes, poison ? 4 : 0);
    const run = (poison: boolean) => {
      const xi = x.detach().requires_grad_();
      for (const p of seq.parameters()) p.grad = null;
      setPool(poison);
      const out = seq(xi);
      setPool(poison);
      out.backward(g);
      return [out, xi.grad!, ...seq.parameters().map((p) => p.grad!)];
    };
    const fresh = run(false);
    const poisoned = run(true);
    expect(fused(poisoned[0])).toBe(wasm);
    fresh.forEach((t, i) => sameBits(poisoned[i], t));
    setPool(false);
  });
});
