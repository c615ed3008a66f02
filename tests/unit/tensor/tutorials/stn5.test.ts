/**
 * "Spatial Transformer Networks Tutorial" with the tutorial's own Net at its own sizes (1x28x28
 * digits, the localisation net's 8/10 channels, fc_loc 90 -> 32 -> 6 starting at the identity): the
 * eval-mode output and the gradients reaching theta, a rotated theta's resampling, and a short
 * training run on synthetic digits; then grid_sample's bicubic mode (every padding mode, both
 * align_corners) and the volumetric (5-D) affine_grid / grid_sample against torch, gradchecked in float64. Values from torch 1.13 (stn5.json,
 * scripts/fixtures/tutorial5_fixtures.py).
 */
import { describe, expect, it, vi } from "vitest";
import { gradcheck } from "../../../../lib/grading/gradcheck";
import { nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectClose } from "../core/fixtures";
import { MnistExampleNet, syntheticDigits, tutorialFixture } from "./helpers";

const F = nn.functional;
type FT = { shape: number[]; data: number[] };
const ref = tutorialFixture<{
  eval_out: FT; eval_loss: number; fc_loc2_bias_grad: FT; fc2_weight_grad: FT; transformed: FT;
  bicubic: Record<string, { out: FT; input_grad: FT; grid_grad: FT }>;
  affine_grid_3d: Record<string, FT>; volumetric: Record<string, { out: FT; input_grad: FT; grid_grad: FT }>; volumetric_errors: Record<string, [string, string]>;
}>("stn5.json");

/** The MNIST example's LeNet (./helpers) behind a spatial transformer. */
class Net extends MnistExampleNet {
  // Spatial transformer localization-network
  localization = new nn.Sequential(
    new nn.Conv2d(1, 8, { kernel_size: 7 }),
    new nn.MaxPool2d(2, { stride: 2 }),
    new nn.ReLU(true),
    new nn.Conv2d(8, 10, { kernel_size: 5 }),
    new nn.MaxPool2d(2, { stride: 2 }),
    new nn.ReLU(true),
  );
  // Regressor for the 3 * 2 affine matrix
  fc_loc = new nn.Sequential(new nn.Linear(10 * 3 * 3, 32), new nn.ReLU(true), new nn.Linear(32, 3 * 2));
  constructor() {
    super();
    // Initialize the weights/bias with identity transformation
    (this.fc_loc[2] as nn.Linear).weight.data.zero_();
    (this.fc_loc[2] as nn.Linear).bias!.data.copy_(torch.tensor([1, 0, 0, 0, 1, 0], { dtype: torch.float }));
  }
  // Spatial transformer network forward function
  stn(x: Tensor): Tensor {
    let xs = this.localization(x);
    xs = xs.view(-1, 10 * 3 * 3);
    let theta = this.fc_loc(xs);
    theta = theta.view(-1, 2, 3);
    const grid = F.affine_grid(theta, x.size());
    return F.grid_sample(x, grid);
  }
  forward(x: Tensor): Tensor {
    // transform the input, then the usual forward pass
    return super.forward(this.stn(x));
  }
}

/** The tutorial calls affine_grid / grid_sample without align_corners, which warns (as torch does). */
function quietly<T>(fn: () => T): T {
  const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
  try {
    return fn();
  } finally {
    warn.mockRestore();
  }
}

describe("Spatial Transformer Networks Tutorial", () => {
  it("the tutorial's Net starts at the identity: torch's output and the gradients that reach theta", () => {
    torch.manual_seed(0);
    const model = new Net();
    const x = torch.rand(4, 1, 28, 28);
    const target = torch.tensor([3, 1, 4, 1], { dtype: torch.long });
    model.eval();
    const output = quietly(() => model(x));
    expectClose(output, ref.eval_out.data, 1e-4, 1e-5, "log-probabilities");
    const loss = F.nll_loss(output, target);
    expect(loss.item()).toBeCloseTo(ref.eval_loss, 5);
    quietly(() => loss.backward());
    expectClose((model.fc_loc[2] as nn.Linear).bias!.grad!, ref.fc_loc2_bias_grad.data, 1e-3, 1e-6, "theta's bias gradient");
    expectClose(model.fc2.weight.grad!, ref.fc2_weight_grad.data, 1e-4, 1e-6, "fc2.weight.grad");
    // the transform a trained localisation net would give: rotated and shifted
    const theta = torch.tensor([[[0.9, -0.3, 0.1], [0.3, 0.9, -0.2]]]).repeat(4, 1, 1);
    const transformed = torch.no_grad(() => F.grid_sample(x, F.affine_grid(theta, x.size(), { align_corners: false }), { align_corners: false }));
    expectClose(transformed, ref.transformed.data, 1e-5, 1e-6, "rotated input");
  });

  it("trains on synthetic digits: the loss falls from chance and the digits are recognised well above chance", () => {
    // The tutorial trains 20 epochs of MNIST with SGD(lr=0.01); a unit test has seconds, so
    // Adam(lr=0.01) for 10 steps on one batch of 32 digits, dropout on as in the tutorial's train().
    torch.manual_seed(1);
    const n = 32;
    const { x, y } = syntheticDigits(n, 7);
    const images = x.reshape(n, 1, 28, 28);
    const model = new Net();
    const optimizer = new torch.optim.Adam(model.parameters(), { lr: 0.01 });
    model.train();
    const losses: number[] = [];
    quietly(() => {
      for (let step = 0; step < 10; step++) {
        const b = (step * 32) % n;
        const data = images.index(`${b}:${b + 32}`);
        const target = y.index(`${b}:${b + 32}`);
        optimizer.zero_grad();
        const output = model(data);
        const loss = F.nll_loss(output, target);
        loss.backward();
        optimizer.step();
        losses.push(loss.item() as number);
      }
    });
    expect(losses[0]).toBeGreaterThan(2.2); // ln 10 = 2.30 at the start
    expect(Math.min(...losses.slice(-3))).toBeLessThan(2.1);
    model.eval();
    const correct = quietly(() => model(images).argmax(1).eq(y).sum().item() as number);
    expect(correct / n).toBeGreaterThan(0.3); // chance is 0.1
  });
});

describe("grid_sample's bicubic mode", () => {
  it("matches torch for zeros / border / reflection padding and both align_corners, values and gradients", () => {
    torch.manual_seed(3);
    const inp = torch.rand(2, 3, 5, 6);
    const grid = torch.rand(2, 4, 5, 2).mul(2.6).sub(1.3); // partly outside [-1, 1]
    const w = torch.rand(2, 3, 4, 5);
    for (const padding of ["zeros", "border", "reflection"] as const) {
      for (const align of [false, true]) {
        const r = ref.bicubic[`${padding}_${align ? "True" : "False"}`];
        const i = inp.clone().requires_grad_();
        const g = grid.clone().requires_grad_();
        const o = F.grid_sample(i, g, { mode: "bicubic", padding_mode: padding, align_corners: align });
        o.mul(w).sum().backward();
        const label = `${padding}, align_corners=${align}`;
        expectClose(o, r.out.data, 1e-5, 1e-6, `${label}: output`);
        expectClose(i.grad!, r.input_grad.data, 1e-5, 1e-6, `${label}: input.grad`);
        expectClose(g.grad!, r.grid_grad.data, 1e-4, 1e-5, `${label}: grid.grad`);
      }
    }
    // positional arguments as torch's: grid_sample(input, grid, mode, padding_mode, align_corners)
    expect(F.grid_sample(inp, grid, "bicubic", "border", true).equal(F.grid_sample(inp, grid, { mode: "bicubic", padding_mode: "border", align_corners: true }))).toBe(true);
  });

  it("passes float64 gradchecks to input and grid for every padding mode", () => {
    torch.manual_seed(4);
    const img = torch.rand(1, 2, 4, 5, { dtype: torch.float64, requires_grad: true });
    const grid = torch.rand(1, 3, 2, 2, { dtype: torch.float64 }).mul(2.4).sub(1.2).requires_grad_();
    for (const padding of ["zeros", "border", "reflection"] as const) {
      for (const align of [false, true]) {
        const fn = (x: Tensor, g: Tensor) => F.grid_sample(x, g, { mode: "bicubic", padding_mode: padding, align_corners: align });
        expect(gradcheck(fn, [img, grid]), `${padding}, align_corners=${align}`).toBe(true);
      }
    }
  });
});

describe("volumetric (5-D) affine_grid and grid_sample", () => {
  it("match torch: a 3x4 theta's grid, trilinear and nearest sampling with every padding mode, values and gradients", () => {
    torch.manual_seed(5);
    const vol = torch.rand(2, 2, 3, 4, 5);
    const vgrid = torch.rand(2, 2, 3, 4, 3).mul(2.6).sub(1.3);
    const vw = torch.rand(2, 2, 2, 3, 4);
    const theta3 = torch.rand(2, 3, 4).sub(0.5).add(torch.eye(3, 4));
    for (const align of [false, true]) {
      expectClose(F.affine_grid(theta3, [2, 2, 3, 4, 5], { align_corners: align }), ref.affine_grid_3d[align ? "True" : "False"].data, 1e-6, 1e-6, `affine_grid 3-D, align_corners=${align}`);
    }
    for (const mode of ["bilinear", "nearest"] as const) {
      for (const padding of ["zeros", "border", "reflection"] as const) {
        for (const align of [false, true]) {
          const r = ref.volumetric[`${mode}_${padding}_${align ? "True" : "False"}`];
          const i = vol.clone().requires_grad_();
          const g = vgrid.clone().requires_grad_();
          const o = F.grid_sample(i, g, { mode, padding_mode: padding, align_corners: align });
          o.mul(vw).sum().backward();
          const label = `${mode}, ${padding}, align_corners=${align}`;
          expectClose(o, r.out.data, 1e-5, 1e-6, `${label}: output`);
          expectClose(i.grad!, r.input_grad.data, 1e-5, 1e-6, `${label}: input.grad`);
          expectClose(g.grad!, r.grid_grad.data, 1e-4, 1e-5, `${label}: grid.grad`);
        }
      }
    }
    const e = ref.volumetric_errors;
    expect(() => F.affine_grid(torch.zeros(2, 2, 3), [2, 1, 3, 4, 5], { align_corners: false })).toThrow(e.theta[1]);
    expect(() => F.grid_sample(vol, vgrid, { mode: "bicubic", align_corners: false })).toThrow(e.bicubic[1]);
    expect(() => F.grid_sample(vol, torch.zeros(2, 2, 3, 4, 2), { align_corners: false })).toThrow(e.grid_last[1]);
    expect(() => F.grid_sample(vol, torch.zeros(2, 2, 2, 3), { align_corners: false })).toThrow(e.grid_dims[1]);
  });

  it("a 3-D spatial transformer passes float64 gradchecks to the volume and theta", () => {
    torch.manual_seed(6);
    const vol = torch.rand(1, 2, 3, 3, 4, { dtype: torch.float64, requires_grad: true });
    const theta = torch.rand(1, 3, 4, { dtype: torch.float64 }).sub(0.5).mul(0.4).add(torch.eye(3, 4, { dtype: torch.float64 })).requires_grad_();
    for (const padding of ["zeros", "border", "reflection"] as const) {
      const fn = (x: Tensor, th: Tensor) => F.grid_sample(x, F.affine_grid(th, [1, 2, 2, 3, 3], { align_corners: false }), { padding_mode: padding, align_corners: false });
      expect(gradcheck(fn, [vol, theta]), padding).toBe(true);
    }
    const nearest = (x: Tensor) => F.grid_sample(x, F.affine_grid(theta.detach(), [1, 2, 2, 3, 3], { align_corners: true }), { mode: "nearest", align_corners: true });
    expect(gradcheck(nearest, [vol])).toBe(true);
  });
});
