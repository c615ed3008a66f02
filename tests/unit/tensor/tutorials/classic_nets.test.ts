/**
 * Classic from-scratch networks as their popular tutorial code writes them, translated as a learner would at toy sizes:
 *  - an RBM trained by contrastive divergence (odie2630463/Restricted-Boltzmann-Machines-using-pytorch: sample_from_p
 *    by relu(sign(p - rand)), the free energy by exp().add(1).log(), SGD on free_energy(v) - free_energy(v_k)), and the
 *    same RBM with torch.bernoulli under a seeded generator and F.softplus / F.linear;
 *  - Growing Neural Cellular Automata (Mordvintsev et al., the PyTorch ports): identity / Sobel perception by
 *    F.conv2d(groups=channels) after F.pad(mode='circular'), the update MLP as 1x1 convs (last layer zeroed), the
 *    stochastic update mask torch.rand(...) < fire_rate, alive masking by F.max_pool2d(...) > 0.1, several steps, the
 *    loss, per-parameter gradient normalisation and Adam;
 *  - an echo state network (Lukosevicius' minimalESN in torch, float64 by torch.set_default_dtype as the numpy
 *    original): the reservoir scaled to a spectral radius by torch.linalg.eigvals(W).abs().max(), the leaky tanh
 *    state update, a ridge readout by torch.linalg.solve (ridge 1e-4, not the original's 1e-8, so the system's
 *    condition stays ~2e6) and a least-squares one by torch.linalg.lstsq, generative prediction;
 *  - spiking networks: fzenke/spytorch's SurrGradSpike (heaviside forward, fast-sigmoid backward as an autograd
 *    Function), reset by the detached spike, einsum with a tuple of operands, the max-over-time readout loss; an
 *    snntorch-style LIF layer (reset by subtraction, a surrogate Function with a non-tensor slope) with a rate-coded
 *    cross-entropy on spike counts; Adam steps;
 *  - a modern Hopfield retrieval (Ramsauer et al.): xi_new = X softmax(beta X^T xi), iterated, its energy's gradient.
 * Values from torch 1.13 running the same code (scripts/fixtures/classic_nets_fixtures.py ->
 * tests/fixtures/torch/tutorials/classic_nets.json). Every random draw comes from the engine's own seeded streams,
 * which must equal torch's.
 *
 * Python forms written otherwise: `x[a, b] = v` -> x.index_put_([a, b], v), `x[:, 3:4]` -> x.index(":", "3:4"),
 * `a @ b` -> matmul, `with torch.no_grad():` -> torch.no_grad(() => ...), keyword arguments -> an options object,
 * `float(t)` -> t.item().
 * Gap found: torch.linalg.eigvals raised ("no complex dtype"); fixed in 49d0c183 (ops/linalg_eigvals.ts). Its order of a
 * general matrix's eigenvalues differs from LAPACK's, which the ESN does not see (abs().max(), sorted abs()).
 */
import { describe, expect, it } from "vitest";
import { F, nn, optim, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectNums, expectT, tutorialFixture } from "./helpers";

const ref = tutorialFixture<Record<string, any>>("classic_nets.json"); // eslint-disable-line @typescript-eslint/no-explicit-any
type Ctx = InstanceType<typeof torch.autograd.FunctionCtx>;

// ====================================== RBM (odie2630463) ======================================
class RBM extends nn.Module {
  W: nn.Parameter;
  v_bias: nn.Parameter;
  h_bias: nn.Parameter;
  k: number;
  constructor(n_vis = 784, n_hin = 500, k = 5) {
    super();
    this.W = new nn.Parameter(torch.randn(n_hin, n_vis).mul(1e-2));
    this.v_bias = new nn.Parameter(torch.zeros(n_vis));
    this.h_bias = new nn.Parameter(torch.zeros(n_hin));
    this.k = k;
  }
  sample_from_p(p: Tensor): Tensor {
    return F.relu(torch.sign(p.sub(torch.rand(p.size()))));
  }
  v_to_h(v: Tensor): [Tensor, Tensor] {
    const p_h = torch.sigmoid(F.linear(v, this.W, this.h_bias));
    const sample_h = this.sample_from_p(p_h);
    return [p_h, sample_h];
  }
  h_to_v(h: Tensor): [Tensor, Tensor] {
    const p_v = torch.sigmoid(F.linear(h, this.W.t(), this.v_bias));
    const sample_v = this.sample_from_p(p_v);
    return [p_v, sample_v];
  }
  forward(v: Tensor): [Tensor, Tensor] {
    const [, h1] = this.v_to_h(v);
    let h_ = h1;
    let v_ = v;
    for (let i = 0; i < this.k; i++) {
      [, v_] = this.h_to_v(h_);
      [, h_] = this.v_to_h(v_);
    }
    return [v, v_];
  }
  free_energy(v: Tensor): Tensor {
    const vbias_term = v.mv(this.v_bias);
    const wx_b = F.linear(v, this.W, this.h_bias);
    const hidden_term = wx_b.exp().add(1).log().sum(1);
    return hidden_term.neg().sub(vbias_term).mean();
  }
}

/** The same RBM with torch.bernoulli under a seeded generator and softplus in the free energy. */
class BernoulliRBM extends RBM {
  g: InstanceType<typeof torch.Generator>;
  constructor(n_vis: number, n_hin: number, k: number, g: InstanceType<typeof torch.Generator>) {
    super(n_vis, n_hin, k);
    this.g = g;
  }
  sample_from_p(p: Tensor): Tensor {
    return torch.bernoulli(p, { generator: this.g });
  }
  free_energy(v: Tensor): Tensor {
    const vbias_term = torch.matmul(v, this.v_bias);
    const hidden_term = F.softplus(F.linear(v, this.W, this.h_bias)).sum({ dim: 1 });
    return torch.mean(hidden_term.neg().sub(vbias_term));
  }
}

function rbm_data(): Tensor {
  const g = new torch.Generator().manual_seed(11);
  return torch.rand(6, 12, { generator: g }).gt(0.5).float();
}

function train_rbm(rbm: RBM, data: Tensor, steps: number): number[] {
  const train_op = new optim.SGD(rbm.parameters(), 0.1);
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    const [v, v1] = rbm.forward(data);
    const loss = rbm.free_energy(v).sub(rbm.free_energy(v1));
    losses.push(loss.item());
    train_op.zero_grad();
    loss.backward();
    train_op.step();
  }
  return losses;
}

describe("RBM by contrastive divergence (odie2630463/Restricted-Boltzmann-Machines-using-pytorch)", () => {
  it("CD-2 with relu(sign(p - rand)) sampling: three SGD steps on the free-energy difference", () => {
    const r = ref.rbm;
    torch.manual_seed(0);
    const rbm = new RBM(12, 5, 2);
    const data = rbm_data();
    expectT(data, r.data, 0);
    expectT(rbm.W, r.W0, 1e-6);
    expectNums(train_rbm(rbm, data, 3), r.losses, 1e-5);
    expectT(rbm.W, r.W, 1e-5);
    expectT(rbm.v_bias, r.v_bias, 1e-5);
    expectT(rbm.h_bias, r.h_bias, 1e-5);
    expectT(rbm.forward(data)[1], r.recon, 0);
  });

  it("CD-3 with torch.bernoulli under a seeded generator and F.softplus in the free energy", () => {
    const r = ref.rbm_bernoulli;
    const data = rbm_data();
    torch.manual_seed(1);
    const rbm = new BernoulliRBM(12, 5, 3, new torch.Generator().manual_seed(5));
    expectT(rbm.W, r.W0, 1e-6);
    const [p_h, h] = rbm.v_to_h(data);
    expectT(p_h, r.p_h, 1e-6);
    expectT(h, r.h, 0);
    expectNums(train_rbm(rbm, data, 3), r.losses, 1e-5);
    expectT(rbm.W, r.W, 1e-5);
    expectT(rbm.v_bias, r.v_bias, 1e-5);
    expectT(rbm.h_bias, r.h_bias, 1e-5);
  });
});

// ====================================== Growing NCA ======================================
const ident = torch.tensor([[0.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0]]);
const sobel_x = torch.tensor([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]]).div(8.0);

function perceive(x: Tensor, angle = 0.0): Tensor {
  const chn = x.shape[1];
  const c = torch.cos(torch.tensor(angle)), s = torch.sin(torch.tensor(angle));
  const dx = c.mul(sobel_x).sub(s.mul(sobel_x.T));
  const dy = s.mul(sobel_x).add(c.mul(sobel_x.T));
  let kernel = torch.stack([ident, dx, dy]); // [3, 3, 3]
  kernel = kernel.repeat(chn, 1, 1).index(":", "None"); // [3 * chn, 1, 3, 3]
  const y = F.pad(x, [1, 1, 1, 1], { mode: "circular" });
  return F.conv2d(y, kernel, { groups: chn });
}

function alive(x: Tensor): Tensor {
  return F.max_pool2d(x.index(":", "3:4", ":", ":"), { kernel_size: 3, stride: 1, padding: 1 }).gt(0.1);
}

class CAModel extends nn.Module {
  channel_n: number;
  fire_rate: number;
  w1: nn.Conv2d;
  w2: nn.Conv2d;
  constructor(channel_n: number, fire_rate: number, hidden_size = 16) {
    super();
    this.channel_n = channel_n;
    this.fire_rate = fire_rate;
    this.w1 = new nn.Conv2d(channel_n * 3, hidden_size, 1);
    this.w2 = new nn.Conv2d(hidden_size, channel_n, 1, { bias: false });
    torch.no_grad(() => this.w2.weight.zero_());
  }
  update(x: Tensor, angle = 0.0): Tensor {
    const pre_life_mask = alive(x);
    const y = perceive(x, angle);
    const dx = this.w2.forward(F.relu(this.w1.forward(y)));
    const stochastic = torch.rand([dx.size(0), 1, dx.size(2), dx.size(3)]).lt(this.fire_rate);
    x = x.add(dx.mul(stochastic.float()));
    const post_life_mask = alive(x);
    const life_mask = pre_life_mask.bitwise_and(post_life_mask).float();
    return x.mul(life_mask);
  }
  forward(x: Tensor, steps = 1, angle = 0.0): Tensor {
    for (let i = 0; i < steps; i++) x = this.update(x, angle);
    return x;
  }
}

describe("Growing Neural Cellular Automata (Mordvintsev et al., PyTorch ports)", () => {
  it("circular-padded depthwise Sobel perception, stochastic updates, alive masking, normalised-gradient Adam", () => {
    const r = ref.nca;
    torch.manual_seed(2);
    const CH = 6, S = 7;
    const ca = new CAModel(CH, 0.5);
    const target = torch.rand(1, 4, S, S);
    const seed = torch.zeros(1, CH, S, S);
    seed.index_put_([":", "3:", Math.floor(S / 2), Math.floor(S / 2)], 1.0);
    expectT(ca.w1.weight, r.w1, 1e-6);
    expectT(ca.w1.bias!, r.b1, 1e-6);
    expectT(target, r.target, 1e-6);
    expectT(perceive(seed.add(torch.linspace(0, 1, seed.numel()).view(seed.shape)), 0.3), r.perceive, 1e-5);
    expectT(alive(seed).float(), r.alive, 0);
    const opt = new optim.Adam(ca.parameters(), { lr: 2e-2 });
    const losses: number[] = [];
    for (let it = 0; it < 3; it++) {
      const x = ca.forward(seed, 4);
      const loss = F.mse_loss(x.index(":", ":4"), target);
      opt.zero_grad();
      loss.backward();
      losses.push(loss.item());
      expectT(ca.w1.weight.grad!, r.grad_w1[it], 1e-5);
      torch.no_grad(() => {
        for (const p of ca.parameters()) p.grad!.div_(p.grad!.norm().add(1e-8));
      });
      opt.step();
    }
    expectNums(losses, r.losses, 1e-5);
    expectT(ca.w2.weight, r.w2, 1e-5);
    expectT(ca.forward(seed, 2), r.final, 1e-5);
  });
});

// ====================================== Echo state network (minimalESN) ======================================
describe("Echo state network (Lukosevicius' minimalESN in torch)", () => {
  it("spectral-radius scaling by linalg.eigvals, leaky reservoir, ridge readout by linalg.solve and lstsq, generative run", () => {
    const r = ref.esn;
    // minimalESN is numpy (float64): the port sets torch's default dtype to match
    torch.set_default_dtype(torch.float64);
    try {
      esn(r);
    } finally {
      torch.set_default_dtype(torch.float32);
    }
  });
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function esn(r: any): void {
  {
    torch.manual_seed(3);
    const trainLen = 40, testLen = 10, initLen = 5;
    const t = torch.arange(trainLen + testLen + 1, { dtype: torch.float64 });
    const data = torch.sin(t.mul(0.3)).mul(torch.cos(t.mul(0.11)));
    const inSize = 1, outSize = 1, resSize = 12, a = 0.3;
    const Win = torch.rand(resSize, 1 + inSize).sub(0.5).mul(1);
    const W = torch.rand(resSize, resSize).sub(0.5);
    const rhoW = torch.linalg.eigvals(W).abs().max();
    W.mul_(rhoW.reciprocal().mul(1.25)); // Python's 1.25 / rhoW is rhoW.reciprocal() * 1.25
    expect(Math.abs(rhoW.item() - r.rho)).toBeLessThan(1e-12);
    expectT(W, r.W, 1e-12);
    expectT(torch.linalg.eigvals(W).abs().sort().values, r.eig_abs, 1e-12);
    const X = torch.zeros([1 + inSize + resSize, trainLen - initLen]);
    const Yt = data.index("None", `${initLen + 1}:${trainLen + 1}`);
    let x = torch.zeros([resSize, 1]);
    const step = (u: Tensor) => x.mul(1 - a).add(torch.tanh(torch.matmul(Win, torch.vstack([torch.ones(1, 1), u.view(1, 1)])).add(torch.matmul(W, x))).mul(a));
    for (let t = 0; t < trainLen; t++) {
      const u = data.index(t);
      x = step(u);
      if (t >= initLen) X.index_put_([":", t - initLen], torch.vstack([torch.ones(1, 1), u.view(1, 1), x]).index(":", 0));
    }
    expectT(X, r.X, 1e-12);
    const reg = 1e-4;
    const Wout = torch.linalg.solve(torch.matmul(X, X.T).add(torch.eye(1 + inSize + resSize).mul(reg)), torch.matmul(X, Yt.T)).T;
    // the readouts solve systems of condition ~2e6 (X X^T + 1e-4 I) and ~1e5 (X^T, squared if solved by normal
    // equations): float64 rounding that differs from LAPACK's grows by that much
    expectT(Wout, r.Wout, 1e-5);
    expectT(torch.linalg.lstsq(X.T, Yt.T).solution.T, r.Wout_lstsq, 1e-5);
    const Y = torch.zeros([outSize, testLen]);
    let u = data.index(trainLen);
    for (let t = 0; t < testLen; t++) {
      x = step(u);
      const y = torch.matmul(Wout, torch.vstack([torch.ones(1, 1), u.view(1, 1), x]));
      Y.index_put_([":", t], y.index(":", 0));
      u = y.index(0, 0); // generative mode
    }
    expectT(Y, r.Y, 1e-6);
    const mse = torch.mean(data.index(`${trainLen + 1}:${trainLen + testLen + 1}`).sub(Y.index(0)).pow(2));
    expect(Math.abs(mse.item() - r.mse)).toBeLessThan(1e-7);
  }
}

// ====================================== Spiking (fzenke/spytorch) ======================================
class SurrGradSpike extends torch.autograd.Function {
  static scale = 10.0;
  static forward(ctx: Ctx, input: Tensor): Tensor {
    ctx.save_for_backward(input);
    const out = torch.zeros_like(input);
    out.index_put_([input.gt(0)], 1.0);
    return out;
  }
  static backward(ctx: Ctx, grad_output: Tensor): Tensor {
    const [input] = ctx.saved_tensors;
    const grad_input = grad_output.clone();
    const grad = grad_input.div(torch.abs(input).mul(SurrGradSpike.scale).add(1.0).pow(2));
    return grad;
  }
}
const spike_fn = (x: Tensor) => SurrGradSpike.apply(x) as Tensor;

const nb_inputs = 8, nb_hidden = 10, nb_outputs = 3, nb_steps = 12, batch_size = 4;
const tau_mem = 10e-3, tau_syn = 5e-3, time_step = 1e-3;
const alpha = torch.exp(torch.tensor(-time_step / tau_syn)).item();
const beta = torch.exp(torch.tensor(-time_step / tau_mem)).item();
const weight_scale = 7 * (1.0 - beta);

describe("Spiking networks with surrogate gradients", () => {
  it("fzenke/spytorch: SurrGradSpike, reset by the detached spike, max-over-time readout, Adam", () => {
    const r = ref.spytorch;
    torch.manual_seed(4);
    const w1 = torch.empty([nb_inputs, nb_hidden], { requires_grad: true });
    nn.init.normal_(w1, { mean: 0.0, std: weight_scale / torch.sqrt(torch.tensor(nb_inputs, { dtype: torch.float32 })).item() });
    const w2 = torch.empty([nb_hidden, nb_outputs], { requires_grad: true });
    nn.init.normal_(w2, { mean: 0.0, std: weight_scale / torch.sqrt(torch.tensor(nb_hidden, { dtype: torch.float32 })).item() });
    const x_data = torch.rand([batch_size, nb_steps, nb_inputs]).lt(0.3).float();
    const y_data = torch.tensor([0, 1, 2, 1], { dtype: torch.long });
    expectT(w1, r.w1, 1e-6);
    expectT(w2, r.w2, 1e-6);
    expectT(x_data, r.x, 0);

    function run_snn(inputs: Tensor): [Tensor, [Tensor, Tensor]] {
      const h1 = torch.einsum("abc,cd->abd", [inputs, w1]);
      let syn = torch.zeros([batch_size, nb_hidden]);
      let mem = torch.zeros([batch_size, nb_hidden]);
      const mem_rec: Tensor[] = [], spk_rec: Tensor[] = [];
      for (let t = 0; t < nb_steps; t++) {
        const mthr = mem.sub(1.0);
        const out = spike_fn(mthr);
        const rst = out.detach();
        const new_syn = syn.mul(alpha).add(h1.index(":", t));
        const new_mem = mem.mul(beta).add(syn).mul(torch.sub(1.0, rst));
        mem_rec.push(mem);
        spk_rec.push(out);
        mem = new_mem;
        syn = new_syn;
      }
      const mem_t = torch.stack(mem_rec, { dim: 1 });
      const spk_t = torch.stack(spk_rec, { dim: 1 });
      const h2 = torch.einsum("abc,cd->abd", [spk_t, w2]);
      let flt = torch.zeros([batch_size, nb_outputs]);
      let out = torch.zeros([batch_size, nb_outputs]);
      const out_rec = [out];
      for (let t = 0; t < nb_steps; t++) {
        const new_flt = flt.mul(alpha).add(h2.index(":", t));
        const new_out = out.mul(beta).add(flt);
        flt = new_flt;
        out = new_out;
        out_rec.push(out);
      }
      return [torch.stack(out_rec, { dim: 1 }), [mem_t, spk_t]];
    }

    const [out_rec, [mem_rec, spk_rec]] = run_snn(x_data);
    expectT(out_rec, r.out_rec, 1e-5);
    expectT(mem_rec, r.mem_rec, 1e-5);
    expectT(spk_rec, r.spk_rec, 0);
    const optimizer = new optim.Adam([w1, w2], { lr: 2e-3, betas: [0.9, 0.999] });
    const log_softmax_fn = new nn.LogSoftmax({ dim: 1 });
    const loss_fn = new nn.NLLLoss();
    const losses: number[] = [];
    for (let e = 0; e < 3; e++) {
      const [output] = run_snn(x_data);
      const [m] = torch.max(output, 1);
      const log_p_y = log_softmax_fn.forward(m);
      const loss_val = loss_fn.forward(log_p_y, y_data);
      optimizer.zero_grad();
      loss_val.backward();
      if (e === 0) {
        expectT(w1.grad!, r.grad_w1, 1e-5);
        expectT(w2.grad!, r.grad_w2, 1e-5);
      }
      optimizer.step();
      losses.push(loss_val.item());
    }
    expectNums(losses, r.losses, 1e-5);
    expectT(w1, r.w1_final, 1e-5);
  });

  // snntorch-style LIF layer: a fast-sigmoid surrogate with a non-tensor slope, reset by subtraction, a rate-coded loss
  class FastSigmoid extends torch.autograd.Function {
    static forward(ctx: Ctx, mem: Tensor, slope: number): Tensor {
      ctx.save_for_backward(mem);
      ctx.slope = slope;
      return mem.gt(0).float();
    }
    static backward(ctx: Ctx, grad_output: Tensor): (Tensor | null)[] {
      const [mem] = ctx.saved_tensors;
      return [grad_output.div(torch.abs(mem).mul(ctx.slope as number).add(1.0).pow(2)), null];
    }
  }

  class Leaky extends nn.Module {
    constructor(public beta: number, public threshold = 1.0, public slope = 25.0) {
      super();
    }
    forward(input_: Tensor, mem: Tensor): [Tensor, Tensor] {
      const spk_prev = FastSigmoid.apply(mem.sub(this.threshold), this.slope) as Tensor;
      const reset = spk_prev.detach();
      mem = mem.mul(this.beta).add(input_).sub(reset.mul(this.threshold));
      const spk = FastSigmoid.apply(mem.sub(this.threshold), this.slope) as Tensor;
      return [spk, mem];
    }
  }

  class SNN extends nn.Module {
    fc1 = new nn.Linear(8, 10);
    lif1 = new Leaky(0.9);
    fc2 = new nn.Linear(10, 3);
    lif2 = new Leaky(0.9);
    forward(x: Tensor): [Tensor, Tensor] {
      let mem1 = torch.zeros(x.size(1), 10);
      let mem2 = torch.zeros(x.size(1), 3);
      const spk2_rec: Tensor[] = [], mem2_rec: Tensor[] = [];
      for (let step = 0; step < x.size(0); step++) {
        const cur1 = this.fc1.forward(x.index(step));
        let spk1: Tensor, spk2: Tensor;
        [spk1, mem1] = this.lif1.forward(cur1, mem1);
        const cur2 = this.fc2.forward(spk1);
        [spk2, mem2] = this.lif2.forward(cur2, mem2);
        spk2_rec.push(spk2);
        mem2_rec.push(mem2);
      }
      return [torch.stack(spk2_rec, { dim: 0 }), torch.stack(mem2_rec, { dim: 0 })];
    }
  }

  it("snntorch-style Leaky layers: reset by subtraction, cross-entropy on spike counts, Adam", () => {
    const r = ref.lif;
    const y_data = torch.tensor([0, 1, 2, 1], { dtype: torch.long });
    torch.manual_seed(5);
    const net = new SNN();
    torch.no_grad(() => {
      net.fc1.weight.mul_(4.0);
      net.fc1.bias!.add_(0.3);
    });
    const xs = torch.rand(nb_steps, batch_size, 8);
    const spk_in = torch.bernoulli(xs); // rate coding of the input
    expectT(net.fc1.weight, r.fc1, 1e-6);
    expectT(net.fc1.bias!, r.fc1_b, 1e-6);
    expectT(net.fc2.weight, r.fc2, 1e-6);
    expectT(net.fc2.bias!, r.fc2_b, 1e-6);
    expectT(spk_in, r.spk_in, 0);
    const opt = new optim.Adam(net.parameters(), { lr: 1e-2 });
    const losses: number[] = [];
    for (let e = 0; e < 3; e++) {
      const [spk_rec, mem_rec] = net.forward(spk_in);
      const counts = spk_rec.sum({ dim: 0 }); // rate code: spikes per output neuron
      const loss = F.cross_entropy(counts, y_data);
      opt.zero_grad();
      loss.backward();
      if (e === 0) {
        expectT(counts, r.counts, 0);
        expectT(mem_rec, r.mem_rec, 1e-5);
        expectT(net.fc1.weight.grad!, r.grad_fc1, 1e-5);
      }
      opt.step();
      losses.push(loss.item());
    }
    expectNums(losses, r.losses, 1e-5);
    expectT(net.fc2.weight, r.fc2_final, 1e-5);
  });
});

// ====================================== Modern Hopfield retrieval ======================================
describe("Modern Hopfield retrieval (Ramsauer et al.)", () => {
  it("xi_new = X softmax(beta X^T xi), twice, and the energy's gradient with respect to the query", () => {
    const r = ref.hopfield;
    torch.manual_seed(6);
    const d = 16, N = 5;
    const Xp = torch.sign(torch.randn(d, N)); // stored patterns as columns
    let xi = Xp.index(":", 2).clone();
    xi.index_put_([":6"], xi.index(":6").neg()); // corrupt a stored pattern
    xi = xi.add(torch.randn(d).mul(0.1)).requires_grad_(true);
    expectT(Xp, r.X, 0);
    expectT(xi, r.xi, 1e-6);
    const beta_h = 0.5;
    let state = xi;
    for (let i = 0; i < 2; i++) {
      state = torch.matmul(Xp, torch.softmax(torch.matmul(Xp.T.mul(beta_h), state), { dim: 0 }));
      expectT(state, r.states[i], 1e-5);
    }
    const energy = torch.logsumexp(torch.matmul(Xp.T.mul(beta_h), state), { dim: 0 }).neg().div(beta_h).add(torch.matmul(state.mul(0.5), state));
    energy.backward();
    expect(Math.abs(energy.item() - r.energy)).toBeLessThan(1e-5 * Math.abs(r.energy));
    expectT(xi.grad!, r.grad_xi, 1e-5);
    expectT(torch.softmax(torch.matmul(Xp.T.mul(beta_h), xi.detach()), { dim: 0 }), r.attn, 1e-6);
  });
});
