/** nn.functional and nn beyond the core: 3-D convolution and pooling (F and nn) vs PyTorch 1.13, gradchecks, reprs, seeded init. */
import { describe, expect, it } from "vitest";
import { gradcheck } from "../../../../lib/grading/gradcheck";
import { F, nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { checkCase, caseName, type A3Case } from "./functional_helpers";
import { expectClose, fixture, type FT } from "./helpers";

const fx = fixture<{ cases: A3Case[]; reprs: Record<string, string>; init_seed5: { weight: FT; bias: FT } }>("nn/functional_conv3d.json");

describe("conv3d / max_pool3d / avg_pool3d vs PyTorch 1.13 (float64 values and gradients)", () => {
  it.each(fx.cases.map((c) => [caseName(c), c] as const))("%s", (_, c) => checkCase(c, { rtol: 1e-9, atol: 1e-11 }));
});

describe("3-D ops: finite-difference gradchecks", () => {
  const x = () => torch.randn(1, 2, 4, 3, 4, { dtype: torch.float64 });
  const cases: [string, () => Tensor[], (...t: Tensor[]) => Tensor][] = [
    ["conv3d", () => [x(), torch.randn(2, 2, 2, 2, 2, { dtype: torch.float64 }), torch.randn(2, { dtype: torch.float64 })], (a, w, b) => F.conv3d(a, w, b, 1, 1)],
    ["conv3d strided groups", () => [x(), torch.randn(4, 1, 2, 1, 2, { dtype: torch.float64 })], (a, w) => F.conv3d(a, w, { stride: 2, groups: 2 })],
    ["max_pool3d", () => [x()], (a) => F.max_pool3d(a, 2, 1)],
    ["conv_transpose3d", () => [x(), torch.randn(2, 2, 2, 2, 2, { dtype: torch.float64 })], (a, w) => F.conv_transpose3d(a, w, null, 2, 1, 1)],
    ["avg_pool3d", () => [x()], (a) => F.avg_pool3d(a, 2, { stride: 1, padding: 1, count_include_pad: false })],
  ];
  it.each(cases)("%s", (_, inputs, fn) => {
    torch.manual_seed(51);
    expect(gradcheck(fn, inputs())).toBe(true);
  });
});

describe("3-D modules", () => {
  const make: Record<string, () => nn.Module> = {
    Conv3d: () => new nn.Conv3d(4, 6, 3), "Conv3d s": () => new nn.Conv3d(4, 6, [3, 2, 2], { stride: 2, padding: 1, bias: false }),
    MaxPool3d: () => new nn.MaxPool3d(2), "MaxPool3d t": () => new nn.MaxPool3d([2, 3, 3], [1, 2, 2], 1), AvgPool3d: () => new nn.AvgPool3d(2),
    "AvgPool3d p": () => new nn.AvgPool3d(3, 2, 1, { count_include_pad: false }),
    ConvTranspose3d: () => new nn.ConvTranspose3d(4, 6, 3, { stride: 2 }), "ConvTranspose3d p": () => new nn.ConvTranspose3d(4, 6, [3, 2, 2], 2, 1, 1, 2, false, 1),
  };
  it.each(Object.entries(fx.reprs))("%s prints as PyTorch: %s", (key, repr) => expect(String(make[key]())).toBe(repr));

  it("Conv3d draws PyTorch's initial weights from the seed and computes F.conv3d", () => {
    torch.manual_seed(5);
    const m = new nn.Conv3d(2, 3, 2);
    expectClose(m.weight, fx.init_seed5.weight, { rtol: 1e-6, atol: 1e-7 });
    expectClose(m.bias!, fx.init_seed5.bias, { rtol: 1e-6, atol: 1e-7 });
    const x = torch.randn(1, 2, 3, 3, 3);
    expectClose(m(x) as Tensor, F.conv3d(x, m.weight, m.bias), { rtol: 0, atol: 0 });
    const r = new nn.Conv3d(2, 3, 3, { padding: 1, padding_mode: "replicate" });
    expect((r(x) as Tensor).shape).toEqual([1, 3, 3, 3, 3]);
  });

  it("ConvTranspose3d inverts Conv3d's shape, with output_size", () => {
    const m = new nn.ConvTranspose3d(2, 3, 3, { stride: 2, padding: 1 });
    const x = torch.randn(1, 2, 3, 4, 5);
    expect((m(x) as Tensor).shape).toEqual([1, 3, 5, 7, 9]);
    expect((m.forward(x, [6, 8, 10]) as Tensor).shape).toEqual([1, 3, 6, 8, 10]);
    expectClose(m.forward(x, [6, 8, 10]), F.conv_transpose3d(x, m.weight, m.bias, 2, 1, 1), { rtol: 0, atol: 0 });
  });

  it("bad input raises PyTorch's errors", () => {
    expect(() => F.conv3d(torch.zeros(1, 3, 4, 4, 4), torch.zeros(2, 2, 1, 1, 1))).toThrow(/expected input\[1, 3, 4, 4, 4\] to have 2 channels, but got 3 channels instead/);
    expect(() => F.conv3d(torch.zeros(3, 4, 4), torch.zeros(2, 3, 1, 1, 1))).toThrow(/Expected 4D \(unbatched\) or 5D \(batched\) input to conv3d/);
    expect(() => F.max_pool3d(torch.zeros(1, 1, 4, 4, 4), 2, 2, 2)).toThrow("pad should be at most half of kernel size, but got pad=2 and kernel_size=2");
  });
});
