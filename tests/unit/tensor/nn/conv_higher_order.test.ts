/**
 * Second derivatives (create_graph) of convolution and pooling: float64 gradgradchecks against
 * central differences of the first gradient, values against PyTorch 1.13
 * (tests/fixtures/torch/nn/conv_higher.json, made by scripts/fixtures/conv_higher_fixtures.py),
 * grad_fn names like PyTorch's, a third derivative,
 * and float32 (the packed-GEMM path) against float64.
 */
import { describe, expect, it } from "vitest";
import { F, torch, type Tensor } from "../../../../lib/tensor/index";
import { kernels } from "../../../../lib/tensor/kernels/registry";
import { gradgradcheck } from "../gradgradcheck";
import { expectClose, fixture, tensorOf, type FT } from "./helpers";

const f64 = { dtype: torch.float64 };
const r = (...s: number[]): Tensor => torch.randn(s, f64);

describe("convolution: second derivatives vs finite differences (float64)", () => {
  torch.manual_seed(5);
  const cases: [string, () => Tensor[], (...xs: Tensor[]) => Tensor][] = [
    ["conv2d: bias, stride, padding, dilation, groups", () => [r(2, 4, 5, 6), r(4, 2, 3, 2), r(4)],
      (x, w, b) => F.conv2d(x, w, b, { stride: [2, 1], padding: [1, 2], dilation: [1, 2], groups: 2 }).pow(2)],
    ["conv2d: padding='same' with an even kernel (padding differs before and after)", () => [r(1, 2, 4, 5), r(2, 2, 2, 3)],
      (x, w) => F.conv2d(x, w, null, 1, "same").tanh()],
    ["conv2d: 1x1 kernel, unbatched input", () => [r(3, 3, 3), r(2, 3, 1, 1), r(2)], (x, w, b) => F.conv2d(x, w, b).pow(2)],
    ["conv1d: stride, padding, dilation", () => [r(2, 3, 8), r(2, 3, 3), r(2)], (x, w, b) => F.conv1d(x, w, b, 2, 1, 2).pow(2)],
    ["two stacked conv2d (LeNet-like) with relu and max_pool2d", () => [r(2, 1, 8, 8), r(3, 1, 3, 3), r(2, 3, 2, 2)],
      (x, w1, w2) => F.conv2d(F.max_pool2d(F.relu(F.conv2d(x, w1)), 2).mul(x.sum()), w2)],
    ["conv_transpose2d: stride, padding, output_padding, bias", () => [r(1, 2, 3, 3), r(2, 3, 3, 3), r(3)],
      (x, w, b) => F.conv_transpose2d(x, w, b, 2, 1, 1).pow(2)],
    ["conv_transpose2d: groups and dilation", () => [r(1, 4, 3, 2), r(4, 1, 2, 2)], (x, w) => F.conv_transpose2d(x, w, null, { groups: 2, dilation: 2 }).pow(2)],
    ["conv_transpose1d", () => [r(2, 2, 4), r(2, 1, 2), r(1)], (x, w, b) => F.conv_transpose1d(x, w, b, 3).pow(2)],
  ];
  for (const [name, inputs, fn] of cases) it(name, () => gradgradcheck(fn, inputs()));
});

describe("pooling: second derivatives vs finite differences (float64)", () => {
  torch.manual_seed(6);
  const cases: [string, () => Tensor[], (x: Tensor) => Tensor][] = [
    ["max_pool2d 2x2 (the unrolled path)", () => [r(2, 2, 4, 6)], (x) => F.max_pool2d(x, 2).pow(2)],
    ["max_pool2d with padding and stride", () => [r(1, 2, 7, 6)], (x) => F.max_pool2d(x, 3, 2, 1).pow(2)],
    ["max_pool2d with dilation and ceil_mode", () => [r(1, 2, 7, 7)], (x) => F.max_pool2d(x, 2, { dilation: 2, ceil_mode: true }).pow(2)],
    ["max_pool1d", () => [r(2, 2, 9)], (x) => F.max_pool1d(x, 3, 2, 1).pow(2)],
    ["avg_pool2d, count_include_pad=false", () => [r(2, 2, 7, 6)], (x) => F.avg_pool2d(x, 3, 2, 1, true, false).pow(2)],
    ["avg_pool2d, divisor_override", () => [r(1, 2, 4, 5)], (x) => F.avg_pool2d(x, 2, { divisor_override: 3 }).pow(2)],
    ["avg_pool1d", () => [r(2, 2, 8)], (x) => F.avg_pool1d(x, 3, 2, 1).pow(2)],
    ["adaptive_avg_pool2d", () => [r(2, 2, 7, 5)], (x) => F.adaptive_avg_pool2d(x, [3, 2]).pow(2)],
    ["adaptive_avg_pool2d to 1x1", () => [r(2, 3, 3, 3)], (x) => F.adaptive_avg_pool2d(x, 1).pow(2)],
    ["adaptive_avg_pool1d", () => [r(2, 2, 7)], (x) => F.adaptive_avg_pool1d(x, 3).pow(2)],
    ["adaptive_max_pool2d", () => [r(1, 2, 5, 5)], (x) => F.adaptive_max_pool2d(x, 2).pow(2)],
  ];
  for (const [name, inputs, fn] of cases) it(name, () => gradgradcheck(fn, inputs()));
});

interface HigherCase { name: string; kind: string; inputs: FT[]; w: FT; v: FT[]; grads: FT[]; hv: FT[]; grad_fns: string[] }
const fx = fixture<{ torch_version: string; cases: HigherCase[] }>("nn/conv_higher.json");

/** The fixture script's functions, by kind. */
const fixtureFns: Record<string, (...xs: Tensor[]) => Tensor> = {
  conv2d: (x, w, b) => F.conv2d(x, w, b, { stride: [2, 1], padding: [1, 2], dilation: [1, 2], groups: 2 }).pow(2),
  conv1d: (x, w, b) => F.conv1d(x, w, b, 2, 1, 2).pow(2),
  conv_transpose2d: (x, w, b) => F.conv_transpose2d(x, w, b, 2, 1, 1).pow(2),
  lenet: (x, w1, w2) => F.conv2d(F.max_pool2d(F.relu(F.conv2d(x, w1)), 2).mul(x.sum()), w2),
  max_pool2d: (x) => F.max_pool2d(x, 3, 2, 1).pow(2),
  avg_pool2d: (x) => F.avg_pool2d(x, 3, 2, 1, false, false).pow(2),
  adaptive_avg_pool2d: (x) => F.adaptive_avg_pool2d(x, [3, 2]).pow(2),
  adaptive_max_pool2d: (x) => F.adaptive_max_pool2d(x, 2).pow(2),
};

describe("second derivatives vs PyTorch 1.13 (float64)", () => {
  it("fixture is from torch 1.13", () => expect(fx.torch_version.startsWith("1.13")).toBe(true));
  for (const c of fx.cases) {
    it(c.name, () => {
      const xs = c.inputs.map((t) => tensorOf(t, torch.float64, true));
      const gs = torch.autograd.grad(fixtureFns[c.kind](...xs).mul(tensorOf(c.w)).sum(), xs, null, { create_graph: true }) as Tensor[];
      gs.forEach((g, i) => expectClose(g, c.grads[i], { rtol: 1e-9, atol: 1e-10, label: `grad ${i}` }));
      // The convolutions' weight/input gradients and the pools' gradient are named like PyTorch's
      // (PyTorch's bias gradient shares the conv's node; ours is a sum).
      const named = c.kind === "lenet" ? [] : c.kind.startsWith("conv") ? [0, 1] : [0];
      for (const i of named) expect(gs[i].grad_fn?.name(), `grad_fn of grad ${i}`).toBe(c.grad_fns[i]);
      const h = gs.map((g, i) => g.mul(tensorOf(c.v[i])).sum()).reduce((a, b) => a.add(b));
      const hv = torch.autograd.grad(h, xs) as Tensor[];
      hv.forEach((g, i) => expectClose(g, c.hv[i], { rtol: 1e-9, atol: 1e-10, label: `second derivative ${i}` }));
    });
  }
});

describe("create_graph through convolution and pooling: API", () => {
  it("grad_fn names of the differentiable gradients follow PyTorch's", () => {
    const x = r(2, 3, 6, 6).requires_grad_(true);
    const w = r(4, 3, 3, 3).requires_grad_(true);
    const [gx, gw] = torch.autograd.grad(F.conv2d(x, w).sum(), [x, w], null, { create_graph: true }) as Tensor[];
    expect(gx.grad_fn?.name()).toBe("ConvolutionBackwardBackward0");
    expect(gw.grad_fn?.name()).toBe("ConvolutionBackwardBackward0");
    const pools: [(t: Tensor) => Tensor, string][] = [
      [(t) => F.max_pool2d(t, 2), "MaxPool2DWithIndicesBackwardBackward0"],
      [(t) => F.avg_pool2d(t, 2), "AvgPool2DBackwardBackward0"],
      [(t) => F.adaptive_avg_pool2d(t, [2, 2]), "AdaptiveAvgPool2DBackwardBackward0"],
      [(t) => F.adaptive_max_pool2d(t, [2, 2]), "AdaptiveMaxPool2DBackwardBackward0"],
    ];
    for (const [pool, name] of pools) {
      const [g] = torch.autograd.grad(pool(x).pow(2).sum(), [x], null, { create_graph: true }) as Tensor[];
      expect(g.grad_fn?.name()).toBe(name);
    }
  });

  it("a third derivative: d3/dw3 of sum(conv(x, w)^3) is 6 * sum over windows of x^3 (one output position)", () => {
    // With a kernel the size of the input there is one window: conv(x, w) = sum(x * w) = s,
    // f = s^3, d3f/dw_i dw_j dw_k = 6 x_i x_j x_k; projected on ones twice: 6 * sum(x) ^ 2 * x.
    const x = r(1, 2, 3, 3);
    const w = r(1, 2, 3, 3).requires_grad_(true);
    const [g1] = torch.autograd.grad(F.conv2d(x, w).pow(3).sum(), [w], null, { create_graph: true }) as Tensor[];
    const [g2] = torch.autograd.grad(g1.sum(), [w], null, { create_graph: true }) as Tensor[];
    const [g3] = torch.autograd.grad(g2.sum(), [w]) as Tensor[];
    expectClose(g3, x.mul(x.sum().pow(2).mul(6)), { rtol: 1e-10, atol: 1e-10 });
  });

  // In the "unit" project float32 runs on the packed WebAssembly GEMM; in "tensor-ts-kernels" on plain TypeScript.
  it(`float32 (${kernels.gemm ? "packed GEMM" : "TypeScript"} kernels) gives the float64 second derivatives`, () => {
    torch.manual_seed(7);
    const base = [r(3, 4, 9, 9), r(6, 4, 5, 5), r(6)];
    const hvp = (dtype: typeof torch.float32): Tensor[] => {
      const [x, w, b] = base.map((t) => t.to(dtype).requires_grad_(true));
      const out = F.max_pool2d(F.conv2d(x, w, b, { padding: 1 }), 2);
      const gs = torch.autograd.grad(out.pow(2).sum(), [x, w, b], null, { create_graph: true }) as Tensor[];
      const h = gs.map((g) => g.mul(g.detach().sign()).sum()).reduce((a, c) => a.add(c));
      return torch.autograd.grad(h, [x, w, b]) as Tensor[];
    };
    const [a32, a64] = [hvp(torch.float32), hvp(torch.float64)];
    a32.forEach((g, i) => expectClose(g.to(torch.float64), a64[i], { rtol: 1e-3, atol: 1e-3 * a64[i].abs().max().item() }));
  });
});
