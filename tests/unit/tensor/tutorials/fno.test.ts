/**
 * The Fourier neural operator as its reference code and its many copies write it (zongyi-li/fourier_neural_operator
 * fourier_1d.py / fourier_2d.py after torch 1.8; utilities3.py's LpLoss and count_params), translated as a learner
 * would: SpectralConv1d / SpectralConv2d with complex weights `nn.Parameter(scale * torch.rand(..., dtype=torch.cfloat))`,
 * the complex einsum "bix,iox->box" / "bixy,ioxy->boxy", a zeroed complex out_ft whose low modes are assigned,
 * rfft / irfft(n=) and rfft2 / irfft2(s=); FNO1d (fc0 on (a(x), x) with get_grid, four spectral + pointwise Conv1d
 * layers, GELU, F.pad and x[..., :-padding]) trained three steps with Adam(weight_decay=1e-4) and StepLR on the
 * relative L2 loss. Values from torch 1.13 running the same code (scripts/fixtures/fno_fixtures.py ->
 * tests/fixtures/torch/tutorials/fno.json), at toy sizes (width 5, 4 modes, 16 points), a random input in place of
 * the Burgers data (.mat files).
 *
 * Python forms written otherwise: `out_ft[:, :, :m] = ...` -> index_put_, `x_ft[:, :, :m]` -> index(":", ":", ":m"),
 * `x[..., :-p]` -> index("...", ":-p"), `np.linspace` -> torch.linspace, keyword arguments -> an options object.
 * Where the engine differs from torch, said and tested: a complex parameter is registered as its real [..., 2] pair
 * (torch's optimizers step it that way too, through view_as_real), so parameters() / state_dict() hold that pair and
 * count_params' `p.size() + (2,) if p.is_complex()` gives torch's count.
 */
import { describe, expect, it } from "vitest";
import { F, nn, optim, torch, type ComplexTensor, type Tensor } from "../../../../lib/tensor/index";
import { expectNums, expectT, raised, tutorialFixture, type TJ } from "./helpers";

const ref = tutorialFixture<Record<string, any>>("fno.json"); // eslint-disable-line @typescript-eslint/no-explicit-any
const T = (j: TJ) => torch.tensor(j.data).reshape(j.shape);
const C = (z: ComplexTensor, e: TJ, tol: number) => expectT(torch.view_as_real(z), e, tol);

class SpectralConv1d extends nn.Module {
  scale: number;
  weights1: ComplexTensor;
  constructor(public in_channels: number, public out_channels: number, public modes1: number) {
    super();
    this.scale = 1 / (in_channels * out_channels);
    this.weights1 = new nn.Parameter(torch.rand(in_channels, out_channels, this.modes1, { dtype: torch.cfloat }).mul(this.scale)) as unknown as ComplexTensor;
  }
  compl_mul1d(input: ComplexTensor, weights: ComplexTensor): ComplexTensor {
    return torch.einsum("bix,iox->box", input, weights);
  }
  forward(x: Tensor): Tensor {
    const batchsize = x.shape[0];
    const x_ft = torch.fft.rfft(x);
    const out_ft = torch.zeros(batchsize, this.out_channels, Math.floor(x.size(-1) / 2) + 1, { dtype: torch.cfloat });
    out_ft.index_put_([":", ":", `:${this.modes1}`], this.compl_mul1d(x_ft.index(":", ":", `:${this.modes1}`), this.weights1));
    return torch.fft.irfft(out_ft, { n: x.size(-1) });
  }
}

class SpectralConv2d extends nn.Module {
  scale: number;
  weights1: ComplexTensor;
  weights2: ComplexTensor;
  constructor(public in_channels: number, public out_channels: number, public modes1: number, public modes2: number) {
    super();
    this.scale = 1 / (in_channels * out_channels);
    this.weights1 = new nn.Parameter(torch.rand(in_channels, out_channels, modes1, modes2, { dtype: torch.cfloat }).mul(this.scale)) as unknown as ComplexTensor;
    this.weights2 = new nn.Parameter(torch.rand(in_channels, out_channels, modes1, modes2, { dtype: torch.cfloat }).mul(this.scale)) as unknown as ComplexTensor;
  }
  compl_mul2d(input: ComplexTensor, weights: ComplexTensor): ComplexTensor {
    return torch.einsum("bixy,ioxy->boxy", input, weights);
  }
  forward(x: Tensor): Tensor {
    const batchsize = x.shape[0];
    const x_ft = torch.fft.rfft2(x);
    const out_ft = torch.zeros(batchsize, this.out_channels, x.size(-2), Math.floor(x.size(-1) / 2) + 1, { dtype: torch.cfloat });
    const [m1, m2] = [this.modes1, this.modes2];
    out_ft.index_put_([":", ":", `:${m1}`, `:${m2}`], this.compl_mul2d(x_ft.index(":", ":", `:${m1}`, `:${m2}`), this.weights1));
    out_ft.index_put_([":", ":", `-${m1}:`, `:${m2}`], this.compl_mul2d(x_ft.index(":", ":", `-${m1}:`, `:${m2}`), this.weights2));
    return torch.fft.irfft2(out_ft, { s: [x.size(-2), x.size(-1)] });
  }
}

class FNO1d extends nn.Module {
  padding = 2;
  fc0: nn.Linear;
  conv0: SpectralConv1d; conv1: SpectralConv1d; conv2: SpectralConv1d; conv3: SpectralConv1d;
  w0: nn.Conv1d; w1: nn.Conv1d; w2: nn.Conv1d; w3: nn.Conv1d;
  fc1: nn.Linear;
  fc2: nn.Linear;
  constructor(public modes1: number, public width: number) {
    super();
    this.fc0 = new nn.Linear(2, width);
    this.conv0 = new SpectralConv1d(width, width, modes1);
    this.conv1 = new SpectralConv1d(width, width, modes1);
    this.conv2 = new SpectralConv1d(width, width, modes1);
    this.conv3 = new SpectralConv1d(width, width, modes1);
    this.w0 = new nn.Conv1d(width, width, 1);
    this.w1 = new nn.Conv1d(width, width, 1);
    this.w2 = new nn.Conv1d(width, width, 1);
    this.w3 = new nn.Conv1d(width, width, 1);
    this.fc1 = new nn.Linear(width, 16);
    this.fc2 = new nn.Linear(16, 1);
  }
  forward(x: Tensor): Tensor {
    const grid = this.get_grid(x.shape);
    x = torch.cat([x, grid], { dim: -1 });
    x = this.fc0(x).permute(0, 2, 1);
    x = F.pad(x, [0, this.padding]);
    x = F.gelu(this.conv0(x).add(this.w0(x)));
    x = F.gelu(this.conv1(x).add(this.w1(x)));
    x = F.gelu(this.conv2(x).add(this.w2(x)));
    x = this.conv3(x).add(this.w3(x));
    x = x.index("...", `:-${this.padding}`).permute(0, 2, 1);
    return this.fc2(F.gelu(this.fc1(x)));
  }
  get_grid(shape: readonly number[]): Tensor {
    const [batchsize, size_x] = [shape[0], shape[1]];
    return torch.linspace(0, 1, size_x).reshape(1, size_x, 1).repeat([batchsize, 1, 1]);
  }
}

/** utilities3.py's LpLoss (d=2, p=2), the relative error summed over the batch (size_average=False). */
class LpLoss {
  constructor(public p = 2, public size_average = true, public reduction = true) {}
  rel(x: Tensor, y: Tensor): Tensor {
    const num_examples = x.size()[0];
    const diff_norms = torch.norm(x.reshape(num_examples, -1).sub(y.reshape(num_examples, -1)), this.p, 1);
    const y_norms = torch.norm(y.reshape(num_examples, -1), this.p, 1);
    if (this.reduction) return this.size_average ? torch.mean(diff_norms.div(y_norms)) : torch.sum(diff_norms.div(y_norms));
    return diff_norms.div(y_norms);
  }
  call(x: Tensor, y: Tensor): Tensor {
    return this.rel(x, y);
  }
}

/** utilities3.py's count_params: a complex parameter counts twice (its real pair here, whose last dim is that 2). */
function count_params(model: nn.Module): number {
  let c = 0;
  for (const p of model.parameters()) c += [...p.size(), ...(p.is_complex() ? [2] : [])].reduce((a, b) => a * b, 1);
  return c;
}

describe("the Fourier neural operator (fourier_1d.py / fourier_2d.py)", () => {
  it("SpectralConv1d: complex weights from torch.rand(dtype=cfloat), its output and the weight's gradient equal torch's", () => {
    const e = ref.spectral1d;
    torch.manual_seed(0);
    const sc = new SpectralConv1d(3, 2, 4);
    const x = torch.randn(2, 3, 12);
    expectT(x, e.x, 0);
    C(sc.weights1, e.w, 0);
    const y = sc.forward(x);
    expectT(y, e.y, 2e-6);
    y.mul(torch.linspace(0.5, 1.5, y.numel()).view(y.shape)).sum().backward();
    C(sc.weights1.grad!, e.w_grad, 2e-5);
    expect([String(sc.weights1.dtype), [...sc.weights1.shape], sc.weights1.is_leaf, String(sc.weights1).split("\n")[0]]).toEqual([e.w_dtype, e.w_shape, e.is_leaf, e.repr_head]);
    // registered once, under torch's name; its entry is the real [in, out, modes, 2] pair the optimizer steps
    expect(sc.named_parameters().map(([n]) => n)).toEqual(e.names);
    expect(Object.keys(sc.state_dict())).toEqual(e.state_keys);
    expect([...sc.parameters()[0].shape]).toEqual([...e.w_shape, 2]);
    const registered = sc.parameters()[0];
    expect(registered).toBe((sc.weights1 as unknown as { _pair: Tensor })._pair);
    expect([registered instanceof nn.Parameter, registered.requires_grad, registered.is_leaf]).toEqual([true, true, true]);
  });

  it("the complex einsum equals torch's; mixed operand types raise torch's error", () => {
    const e = ref.einsum;
    const a = torch.view_as_complex(T(e.a)), b = torch.view_as_complex(T(e.b)), r = T(e.r);
    C(torch.einsum("bix,iox->box", a, b), e.cc, 2e-6);
    C(torch.einsum("bix,iox->box", [a, b]), e.list_form, 2e-6);
    C(torch.einsum("bix,iox,oy->by", a, b, torch.ones(5, 2, { dtype: torch.cfloat })), e.three, 2e-6);
    expect(raised(() => torch.einsum("bix,iox->box", a, r as never))).toEqual(e.cr_error);
    expect(raised(() => torch.einsum("iox,bix->box", r as never, a))).toEqual(e.rc_error);
    expect(raised(() => torch.einsum("bix,iox->box", a, b.to(torch.complex128) as ComplexTensor))).toEqual(e.c128_error);
  });

  it("SpectralConv2d: the low and the negative modes, rfft2 / irfft2(s=), both weights' gradients equal torch's", () => {
    const e = ref.spectral2d;
    torch.manual_seed(2);
    const sc2 = new SpectralConv2d(2, 3, 2, 2);
    const x2 = torch.randn(2, 2, 6, 6);
    expectT(x2, e.x, 0);
    const y2 = sc2.forward(x2);
    expectT(y2, e.y, 2e-6);
    y2.mul(torch.linspace(-1, 1, y2.numel()).view(y2.shape)).sum().backward();
    C(sc2.weights1.grad!, e.w1_grad, 2e-5);
    C(sc2.weights2.grad!, e.w2_grad, 2e-5);
  });

  it("FNO1d trains with Adam(weight_decay) and StepLR on the relative L2 loss as torch's does", () => {
    const e = ref.fno1d;
    torch.manual_seed(3);
    const model = new FNO1d(4, 5);
    const [ntrain, s] = [4, 16];
    const xs = torch.randn(ntrain, s, 1);
    expectT(xs, e.x, 0);
    const ys = torch.cumsum(xs, { dim: 1 }).div(s);
    const optimizer = new optim.Adam(model.parameters(), { lr: 1e-2, weight_decay: 1e-4 });
    const scheduler = new optim.lr_scheduler.StepLR(optimizer, { step_size: 2, gamma: 0.5 });
    const myloss = new LpLoss(2, false);
    const losses: number[] = [], mses: number[] = [];
    for (let ep = 0; ep < 3; ep++) {
      model.train();
      optimizer.zero_grad();
      const out = model(xs);
      const mse = F.mse_loss(out.view(ntrain, -1), ys.view(ntrain, -1), { reduction: "mean" });
      const l2 = myloss.call(out.view(ntrain, -1), ys.view(ntrain, -1));
      l2.backward();
      optimizer.step();
      scheduler.step();
      losses.push(l2.item());
      mses.push(mse.item());
    }
    expectNums(losses, e.losses, 1e-5);
    expectNums(mses, e.mses, 1e-5);
    expectT(torch.no_grad(() => model(xs)), e.pred, 1e-4);
    C(model.conv0.weights1, e.conv0_w, 1e-5);
    expect(count_params(model)).toBe(e.count_params);
    expect(optimizer.param_groups[0].lr).toBeCloseTo(e.lr, 12);
    expect(model.named_parameters().map(([n]) => n)).toEqual(e.param_names);
  });
});
