/** nn.functional and nn beyond the core: resampling: interpolate, pixel_shuffle, affine_grid, grid_sample (F and nn) vs PyTorch 1.13, gradchecks, reprs, errors. */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { gradcheck } from "../../../../lib/grading/gradcheck";
import { F, nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { checkCase, caseName, type A3Case } from "./functional_helpers";
import { fixture } from "./helpers";

const fx = fixture<{ cases: A3Case[]; reprs: Record<string, string> }>("nn/functional_resampling.json");

// The deprecated names and align_corners=None warn, as in PyTorch; keep the test output clean.
let warn: ReturnType<typeof vi.spyOn>;
beforeAll(() => {
  warn = vi.spyOn(console, "warn").mockImplementation(() => {});
});
afterAll(() => warn.mockRestore());

describe("resampling vs PyTorch 1.13 (float64 values and gradients)", () => {
  it.each(fx.cases.map((c) => [caseName(c), c] as const))("%s", (_, c) => checkCase(c));
});

describe("resampling: finite-difference gradchecks", () => {
  const img = () => torch.randn(1, 2, 4, 5, { dtype: torch.float64 });
  // Grid points kept away from pixel centres' integer crossings so the differences stay on one side.
  const grid = () => torch.rand(1, 3, 2, 2, { dtype: torch.float64 }).mul(2.6).sub(1.3);
  const cases: [string, () => Tensor[], (...t: Tensor[]) => Tensor][] = [
    ["interpolate bilinear", () => [img()], (x) => F.interpolate(x, { scale_factor: 1.5, mode: "bilinear" })],
    ["interpolate bilinear align_corners", () => [img()], (x) => F.interpolate(x, [3, 7], null, "bilinear", true)],
    ["interpolate nearest", () => [img()], (x) => F.interpolate(x, { size: [5, 3] })],
    ["interpolate bicubic", () => [img()], (x) => F.interpolate(x, { scale_factor: 1.7, mode: "bicubic" })],
    ["interpolate area", () => [img()], (x) => F.interpolate(x, [3, 2], null, "area")],
    ["interpolate linear", () => [torch.randn(2, 2, 5, { dtype: torch.float64 })], (x) => F.interpolate(x, 9, null, "linear")],
    ["pixel_shuffle", () => [torch.randn(1, 8, 2, 3, { dtype: torch.float64 })], (x) => F.pixel_shuffle(x, 2)],
    ["pixel_unshuffle", () => [img().reshape(1, 1, 8, 5).narrow(3, 0, 4)], (x) => F.pixel_unshuffle(x, 2)],
    ["affine_grid", () => [torch.randn(2, 2, 3, { dtype: torch.float64 })], (t) => F.affine_grid(t, [2, 1, 3, 4], false)],
    ["grid_sample bilinear zeros", () => [img(), grid()], (x, g) => F.grid_sample(x, g, { align_corners: false })],
    ["grid_sample bilinear border", () => [img(), grid()], (x, g) => F.grid_sample(x, g, "bilinear", "border", true)],
    ["grid_sample bilinear reflection", () => [img(), grid()], (x, g) => F.grid_sample(x, g, "bilinear", "reflection", false)],
    ["grid_sample nearest (input)", () => [img(), grid()], (x, g) => F.grid_sample(x, g.detach(), "nearest", "zeros", true)],
    [
      "spatial transformer: grid_sample(x, affine_grid(theta))",
      () => [img(), torch.tensor([[[0.8, -0.2, 0.1], [0.3, 0.9, -0.1]]], { dtype: torch.float64 })],
      (x, th) => F.grid_sample(x, F.affine_grid(th, [1, 2, 3, 3], false), { align_corners: false }),
    ],
  ];
  it.each(cases)("%s", (_, inputs, fn) => {
    torch.manual_seed(31);
    expect(gradcheck(fn, inputs())).toBe(true);
  });
});

describe("resampling modules", () => {
  const make: Record<string, () => nn.Module> = {
    Upsample: () => new nn.Upsample({ scale_factor: 2 }), "Upsample size": () => new nn.Upsample([3, 4], null, "bilinear", true), "Upsample int": () => new nn.Upsample(5),
    UpsamplingNearest2d: () => new nn.UpsamplingNearest2d({ scale_factor: 2 }), UpsamplingBilinear2d: () => new nn.UpsamplingBilinear2d(null, 2),
    PixelShuffle: () => new nn.PixelShuffle(2), PixelUnshuffle: () => new nn.PixelUnshuffle({ downscale_factor: 3 }),
  };
  it.each(Object.entries(fx.reprs))("%s prints as PyTorch: %s", (key, repr) => expect(String(make[key]())).toBe(repr));

  it("modules compute their functional forms", () => {
    const x = torch.randn(1, 4, 3, 4, { dtype: torch.float64 });
    const same = (a: Tensor, b: Tensor) => expect(a.tolist()).toEqual(b.tolist());
    same(new nn.Upsample({ scale_factor: 2, mode: "bilinear" })(x) as Tensor, F.interpolate(x, { scale_factor: 2, mode: "bilinear" }));
    same(new nn.UpsamplingNearest2d([5, 5])(x) as Tensor, F.interpolate(x, [5, 5]));
    same(new nn.UpsamplingBilinear2d({ scale_factor: 2 })(x) as Tensor, F.interpolate(x, { scale_factor: 2, mode: "bilinear", align_corners: true }));
    same(new nn.PixelShuffle(2)(x) as Tensor, F.pixel_shuffle(x, 2));
    same(new nn.PixelUnshuffle(2)(F.pixel_shuffle(x, 2)) as Tensor, x);
  });
});

describe("resampling errors", () => {
  it("bad input raises PyTorch's errors", () => {
    const x = torch.zeros(1, 1, 2, 2);
    expect(() => F.interpolate(x, { size: 4, scale_factor: 2 })).toThrow(/only one of size or scale_factor should be defined/);
    expect(() => F.interpolate(x, { scale_factor: 2, align_corners: true })).toThrow(/align_corners option can only be set with the interpolating modes/);
    expect(() => F.interpolate(torch.zeros(1, 1, 3), 4, null, "bilinear")).toThrow(/Got 3D input, but bilinear mode needs 4D input/);
    expect(() => F.interpolate(x)).toThrow(/either size or scale_factor should be defined/);
    expect(() => F.pixel_shuffle(torch.zeros(1, 3, 2, 2), 2)).toThrow(/input.size\(-3\)=3 is not divisible by 4/);
    expect(() => F.pixel_unshuffle(torch.zeros(1, 3, 3, 3), 2)).toThrow(/expects height to be divisible by downscale_factor, but input.size\(-2\)=3 is not divisible by 2/);
    expect(() => F.affine_grid(torch.zeros(2, 3, 3), [2, 1, 4, 4], false)).toThrow(/Expected a batch of 2D affine matrices of shape Nx2x3 for size \[2, 1, 4, 4\]/);
    expect(() => F.grid_sample(x, torch.zeros(1, 2, 2, 3), { align_corners: false })).toThrow(/expected grid to have size 2 in last dimension/);
    expect(() => F.grid_sample(x, torch.zeros(2, 2, 2, 2), { align_corners: false })).toThrow(/expected grid and input to have same batch size/);
    expect(() => F.grid_sample(x, torch.zeros(1, 2, 2, 2), { mode: "cubic" as never })).toThrow(/expected mode to be 'bilinear', 'nearest' or 'bicubic', but got: 'cubic'/);
  });

  it("align_corners=None warns as PyTorch does", () => {
    warn.mockClear();
    F.affine_grid(torch.zeros(1, 2, 3), [1, 1, 2, 2]);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/Default grid_sample and affine_grid behavior has changed to align_corners=False/));
  });
});

