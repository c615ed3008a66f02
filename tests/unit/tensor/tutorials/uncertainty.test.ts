/**
 * Uncertainty estimation as courses teach it in plain PyTorch, translated as a learner would: Bayes by Backprop from
 * nitarshan's "Weight Uncertainty in Neural Networks" notebook (Gaussian with sigma = log1p(exp(rho)) sampled through
 * Normal(0, 1).sample(rho.size()), ScaleMixtureGaussian priors from Normal(0, FloatTensor) log_prob, BayesianLinear
 * with torch.Tensor(out, in).uniform_ mu / rho, BayesianNetwork.sample_elbo with the KL over NUM_BATCHES, test() with
 * sampled and mean networks); piEsposito/blitz-bayesian-deep-learning's blitz/modules/weight_sampler.py
 * (GaussianVariational with its eps_w buffer .normal_(), ScaleMixturePrior); MC dropout (dropout modules put back in
 * train mode after eval(), T stacked softmax predictions, mean / var / std / predictive entropy / mutual information);
 * a deep ensemble of Gaussian NLL heads (softplus variance, nn.GaussianNLLLoss(full=True, eps=1e-6), the mixture's
 * mean / variance); gpleiss/temperature_scaling's temperature_scaling.py (ModelWithTemperature.set_temperature with
 * LBFGS(lr=0.01, max_iter=50), _ECELoss); evidential classification from dougbrion/pytorch-classification-uncertainty
 * (losses.py: edl_mse / edl_log / edl_digamma with the Dirichlet KL from lgamma / digamma; helpers.py's
 * one_hot_embedding; train.py's uncertainty / evidence statistics) and Amini et al.'s evidential regression (NIG NLL and
 * regulariser, a DenseNormalGamma head); plus a learner's mistakes there (a negative or wrong-shaped variance, a variance
 * passed to mse_loss, float labels to one_hot_embedding, torch.min(tensor, float), log_posterior before sample()).
 * Values from torch 1.13 running the same code: scripts/fixtures/uncertainty_fixtures.py -> tutorials/uncertainty.json.
 * nyu_dlsp.test.ts's 13-bayesian_nn (MC dropout mean / std of a regression net) is not repeated.
 *
 * Datasets are seeded stand-ins (toy, toyReg) built by the same calls on both sides; sizes and steps are cut.
 * Python forms written otherwise: `outputs[i] = v` -> index_put_([i], v); `x[a:b]` -> index("a:b");
 * `m.__class__.__name__.startswith('Dropout')` -> m.constructor.name; `'%.3f' % v` -> toFixed(3);
 * `zip(self.bin_lowers, self.bin_uppers)` -> an index loop; `accuracies[in_bin]` -> index(in_bin);
 * `ece += t` -> add_; `y[labels]` -> index(labels); `optimizer.state[p]` -> state.get(p); `@property sigma` -> a getter;
 * Python's `assert` -> a thrown Error (compared by message); the engine's TypeError_ is compared under its Python name.
 */
import { describe, expect, it } from "vitest";
import { F, nn, optim, torch, utils, type Tensor } from "../../../../lib/tensor/index";
import { expectNums, expectT, thrown, tutorialFixture } from "./helpers";

const ref = tutorialFixture<Record<string, any>>("uncertainty.json"); // eslint-disable-line @typescript-eslint/no-explicit-any
/** thrown(fn) with the engine's TypeError_ under its Python name. */
function pyThrown(fn: () => unknown): [string, string] | null {
  const t = thrown(fn);
  return t && [t[0] === "TypeError_" ? "TypeError" : t[0], t[1]];
}

/** A classification stand-in: randn features, the label argmax of a fixed linear map plus noise. */
function toy(n: number, seed: number, d = 2, classes = 3): [Tensor, Tensor] {
  const g = new torch.Generator().manual_seed(seed);
  const x = torch.randn([n, d], { generator: g });
  const w = torch.randn([d, classes], { generator: g });
  const y = x.matmul(w).add(torch.randn([n, classes], { generator: g }).mul(0.5)).argmax(1);
  return [x, y];
}

/** A regression stand-in: x in [-2, 2), y = sin(2x) + 0.2 |x| noise. */
function toyReg(n: number, seed: number): [Tensor, Tensor] {
  const g = new torch.Generator().manual_seed(seed);
  const x = torch.rand([n, 1], { generator: g }).mul(4).sub(2);
  const y = torch.sin(x.mul(2)).add(x.abs().mul(0.2).mul(torch.randn([n, 1], { generator: g })));
  return [x, y];
}

// ---------------------------- Bayes by Backprop (nitarshan) ----------------------------
class Gaussian {
  normal = new torch.distributions.Normal(0, 1);
  constructor(public mu: Tensor, public rho: Tensor) {}
  get sigma(): Tensor {
    return torch.log1p(torch.exp(this.rho));
  }
  sample(): Tensor {
    const epsilon = this.normal.sample(this.rho.size());
    return this.mu.add(this.sigma.mul(epsilon));
  }
  log_prob(input: Tensor): Tensor {
    return torch.log(this.sigma).neg().sub(Math.log(Math.sqrt(2 * Math.PI)))
      .sub(input.sub(this.mu).pow(2).div(this.sigma.pow(2).mul(2))).sum();
  }
}

class ScaleMixtureGaussian {
  gaussian1: InstanceType<typeof torch.distributions.Normal>;
  gaussian2: InstanceType<typeof torch.distributions.Normal>;
  constructor(public pi: number, public sigma1: Tensor, public sigma2: Tensor) {
    this.gaussian1 = new torch.distributions.Normal(0, sigma1);
    this.gaussian2 = new torch.distributions.Normal(0, sigma2);
  }
  log_prob(input: Tensor): Tensor {
    const prob1 = torch.exp(this.gaussian1.log_prob(input));
    const prob2 = torch.exp(this.gaussian2.log_prob(input));
    return torch.log(prob1.mul(this.pi).add(prob2.mul(1 - this.pi))).sum();
  }
}

const PI = 0.5;
const SIGMA_1 = torch.FloatTensor([Math.exp(-0)]);
const SIGMA_2 = torch.FloatTensor([Math.exp(-6)]);

class BayesianLinear extends nn.Module {
  weight_mu: InstanceType<typeof nn.Parameter>;
  weight_rho: InstanceType<typeof nn.Parameter>;
  weight: Gaussian;
  bias_mu: InstanceType<typeof nn.Parameter>;
  bias_rho: InstanceType<typeof nn.Parameter>;
  bias: Gaussian;
  weight_prior = new ScaleMixtureGaussian(PI, SIGMA_1, SIGMA_2);
  bias_prior = new ScaleMixtureGaussian(PI, SIGMA_1, SIGMA_2);
  log_prior: Tensor | number = 0;
  log_variational_posterior: Tensor | number = 0;
  constructor(public in_features: number, public out_features: number) {
    super();
    this.weight_mu = new nn.Parameter(torch.Tensor(out_features, in_features).uniform_(-0.2, 0.2));
    this.weight_rho = new nn.Parameter(torch.Tensor(out_features, in_features).uniform_(-5, -4));
    this.weight = new Gaussian(this.weight_mu, this.weight_rho);
    this.bias_mu = new nn.Parameter(torch.Tensor(out_features).uniform_(-0.2, 0.2));
    this.bias_rho = new nn.Parameter(torch.Tensor(out_features).uniform_(-5, -4));
    this.bias = new Gaussian(this.bias_mu, this.bias_rho);
  }
  forward(input: Tensor, sample = false, calculate_log_probs = false): Tensor {
    let weight: Tensor, bias: Tensor;
    if (this.training || sample) {
      weight = this.weight.sample();
      bias = this.bias.sample();
    } else {
      weight = this.weight.mu;
      bias = this.bias.mu;
    }
    if (this.training || calculate_log_probs) {
      this.log_prior = this.weight_prior.log_prob(weight).add(this.bias_prior.log_prob(bias));
      this.log_variational_posterior = this.weight.log_prob(weight).add(this.bias.log_prob(bias));
    } else {
      [this.log_prior, this.log_variational_posterior] = [0, 0];
    }
    return F.linear(input, weight, bias);
  }
}

const BATCH_SIZE = 8, CLASSES = 3, SAMPLES = 2, NUM_BATCHES = 3;

class BayesianNetwork extends nn.Module {
  l1 = new BayesianLinear(2, 8);
  l2 = new BayesianLinear(8, 3);
  forward(x: Tensor, sample = false): Tensor {
    x = x.view(-1, 2);
    x = F.relu(this.l1(x, sample));
    return F.log_softmax(this.l2(x, sample), { dim: 1 });
  }
  log_prior(): Tensor {
    return (this.l1.log_prior as Tensor).add(this.l2.log_prior);
  }
  log_variational_posterior(): Tensor {
    return (this.l1.log_variational_posterior as Tensor).add(this.l2.log_variational_posterior);
  }
  sample_elbo(input: Tensor, target: Tensor, samples = SAMPLES): Tensor[] {
    const outputs = torch.zeros(samples, BATCH_SIZE, CLASSES);
    const log_priors = torch.zeros(samples);
    const log_variational_posteriors = torch.zeros(samples);
    for (let i = 0; i < samples; i++) {
      outputs.index_put_([i], this.forward(input, true));
      log_priors.index_put_([i], this.log_prior());
      log_variational_posteriors.index_put_([i], this.log_variational_posterior());
    }
    const log_prior = log_priors.mean();
    const log_variational_posterior = log_variational_posteriors.mean();
    const negative_log_likelihood = F.nll_loss(outputs.mean(0), target, { reduction: "sum" });
    const loss = log_variational_posterior.sub(log_prior).div(NUM_BATCHES).add(negative_log_likelihood);
    return [loss, log_prior, log_variational_posterior, negative_log_likelihood];
  }
}

describe("Bayes by Backprop", () => {
  it("nitarshan's BayesianNetwork: init, ELBO over minibatches, test() with sampled and mean networks", () => {
    const r = ref.bbb;
    torch.manual_seed(0);
    const net = new BayesianNetwork();
    expectT(net.l1.weight_mu, r.init.l1_weight_mu, 1e-6);
    expectT(net.l2.bias_rho, r.init.l2_bias_rho, 1e-6);
    expectT(net.l2.weight.sigma, r.sigma, 1e-6);
    expect([...net.named_parameters()].map(([n]) => n)).toEqual(r.param_names);
    expect(String(net)).toBe(r.repr);
    const [X, Y] = toy(BATCH_SIZE * NUM_BATCHES, 1);
    const optimizer = new optim.Adam(net.parameters(), { lr: 0.01 });
    const steps: number[][] = [];
    torch.manual_seed(1);
    for (let epoch = 0; epoch < 2; epoch++) {
      net.train();
      for (let b = 0; b < NUM_BATCHES; b++) {
        const data = X.index(`${b * BATCH_SIZE}:${(b + 1) * BATCH_SIZE}`);
        const target = Y.index(`${b * BATCH_SIZE}:${(b + 1) * BATCH_SIZE}`);
        net.zero_grad();
        const [loss, log_prior, lvp, nll] = net.sample_elbo(data, target);
        loss.backward();
        if (epoch === 0 && b === 0) {
          expectT(net.l2.weight_rho.grad!, r.first_grad_rho, 1e-4);
          expectT(net.l1.bias_mu.grad!, r.first_grad_mu, 1e-4);
        }
        optimizer.step();
        steps.push([loss.item(), log_prior.item(), lvp.item(), nll.item()]);
      }
    }
    expectNums(steps.flat(), r.steps.flat(), 2e-3);
    net.eval();
    torch.no_grad(() => {
      const TEST_SAMPLES = 4;
      const outputs = torch.zeros(TEST_SAMPLES + 1, 6, CLASSES);
      const xt = X.index(":6");
      for (let i = 0; i < TEST_SAMPLES; i++) outputs.index_put_([i], net.forward(xt, true));
      outputs.index_put_([TEST_SAMPLES], net.forward(xt, false));
      const output = outputs.mean(0);
      const preds = outputs.max(2, { keepdim: true })[1];
      const pred = output.max(1, { keepdim: true })[1];
      const corrects = preds.eq(Y.index(":6").view_as(pred)).sum({ dim: 1 }).squeeze();
      expectT(outputs, r.test.outputs, 1e-3);
      expect(preds.reshape(-1).tolist()).toEqual(r.test.preds);
      expect(corrects.tolist()).toEqual(r.test.corrects);
    });
    expect([net.l1.log_prior, net.l1.log_variational_posterior]).toEqual(r.mean_net_logprob_zero);
  });

  it("blitz's GaussianVariational (eps_w buffer) and ScaleMixturePrior; softplus vs log1p(exp)", () => {
    const r = ref.blitz;
    class GaussianVariational extends nn.Module {
      mu: InstanceType<typeof nn.Parameter>;
      rho: InstanceType<typeof nn.Parameter>;
      declare eps_w: Tensor;
      sigma: Tensor | null = null;
      w: Tensor | null = null;
      pi = Math.PI;
      constructor(mu: Tensor, rho: Tensor) {
        super();
        this.mu = new nn.Parameter(mu);
        this.rho = new nn.Parameter(rho);
        this.register_buffer("eps_w", torch.Tensor(this.mu.shape));
      }
      sample(): Tensor {
        this.eps_w.normal_();
        this.sigma = torch.log1p(torch.exp(this.rho));
        this.w = this.mu.add(this.sigma.mul(this.eps_w));
        return this.w;
      }
      log_posterior(): Tensor {
        if (this.w === null) throw Object.assign(new Error("You can only have a log posterior for W if you've already sampled it"), { name: "AssertionError" });
        const log_sqrt2pi = Math.log(Math.sqrt(2 * this.pi));
        const log_posteriors = torch.log(this.sigma!).neg().sub(log_sqrt2pi).sub(this.w.sub(this.mu).pow(2).div(this.sigma!.pow(2).mul(2)));
        return log_posteriors.mean();
      }
    }
    class ScaleMixturePrior extends nn.Module {
      normal1: InstanceType<typeof torch.distributions.Normal>;
      normal2: InstanceType<typeof torch.distributions.Normal>;
      constructor(public pi: number, public sigma1: number, public sigma2: number) {
        super();
        this.normal1 = new torch.distributions.Normal(0, sigma1);
        this.normal2 = new torch.distributions.Normal(0, sigma2);
      }
      log_prior(w: Tensor): Tensor {
        const prob_n1 = torch.exp(this.normal1.log_prob(w));
        const prob_n2 = torch.exp(this.normal2.log_prob(w));
        return torch.log(prob_n1.mul(this.pi).add(prob_n2.mul(1 - this.pi))).mean();
      }
    }
    torch.manual_seed(3);
    const weight_mu = torch.Tensor(3, 2).normal_(0, 0.1);
    const weight_rho = torch.Tensor(3, 2).normal_(-6.0, 0.1);
    const gv = new GaussianVariational(weight_mu, weight_rho);
    const prior = new ScaleMixturePrior(0.5, 0.5, 0.4);
    expect([...gv.named_buffers()].map(([n]) => n)).toEqual(r.buffers);
    expect(Object.keys(gv.state_dict())).toEqual(r.state_dict_keys);
    expect(thrown(() => gv.log_posterior())).toEqual(["Error", r.assert[1]]); // a JS Error for Python's assert
    const w = gv.sample();
    const lp = gv.log_posterior();
    const lpr = prior.log_prior(w);
    lp.sub(lpr).backward();
    expectT(w, r.w, 1e-6);
    expectNums([lp.item(), lpr.item()], [r.log_posterior, r.log_prior], 1e-4);
    expectT(gv.mu.grad!, r.grad_mu, 1e-3);
    expectT(gv.rho.grad!, r.grad_rho, 1e-4);
    expect(String(gv)).toBe(r.repr);
    torch.manual_seed(4);
    const rho = torch.tensor([-3.0, 0.0, 2.0, 25.0], { requires_grad: true });
    const s1 = F.softplus(rho);
    const s2 = torch.log1p(torch.exp(rho));
    const eps = torch.randn_like(rho);
    s1.mul(eps).sum().backward();
    [s1, s2, eps, rho.grad!].forEach((t, i) => expectT(t, r.softplus[i], 1e-6));
  });

  it("the paper's minibatch KL weights 2^(M-i) / (2^M - 1)", () => {
    const M = NUM_BATCHES;
    expectNums(Array.from({ length: M }, (_, k) => 2 ** (M - k - 1) / (2 ** M - 1)), ref.bbb.kl_weights, 1e-12);
  });
});

// ---------------------------- MC dropout ----------------------------
class MCNet extends nn.Module {
  fc1 = new nn.Linear(2, 16);
  drop: InstanceType<typeof nn.Dropout>;
  fc2 = new nn.Linear(16, 3);
  bn = new nn.BatchNorm1d(16);
  constructor(p = 0.5) {
    super();
    this.drop = new nn.Dropout(p);
  }
  forward(x: Tensor): Tensor {
    return this.fc2(this.drop(F.relu(this.bn(this.fc1(x)))));
  }
}

function enable_dropout(model: nn.Module): void {
  for (const m of model.modules()) if (m.constructor.name.startsWith("Dropout")) m.train();
}

describe("MC dropout", () => {
  it("dropout back in train mode after eval(), T stacked predictions: mean / var / entropy / mutual information", () => {
    const r = ref.mc_dropout;
    torch.manual_seed(5);
    const model = new MCNet();
    const [x, y] = toy(10, 6);
    const opt = new optim.SGD(model.parameters(), { lr: 0.1 });
    const losses: number[] = [];
    for (let i = 0; i < 3; i++) {
      opt.zero_grad();
      const loss = F.cross_entropy(model(x), y);
      loss.backward();
      opt.step();
      losses.push(loss.item());
    }
    expectNums(losses, r.losses, 1e-5);
    model.eval();
    enable_dropout(model);
    expect([...model.modules()].map((m) => m.training)).toEqual(r.modes);
    const preds = torch.no_grad(() => torch.stack(Array.from({ length: 5 }, () => F.softmax(model(x.index(":4")), { dim: 1 }))));
    const mean = preds.mean(0);
    const variance = preds.var(0);
    const entropy = mean.mul(torch.log(mean.add(1e-10))).sum({ dim: -1 }).neg();
    const expected_entropy = preds.mul(torch.log(preds.add(1e-10))).sum({ dim: -1 }).neg().mean(0);
    expect([...preds.shape]).toEqual(r.preds_shape);
    expectT(mean, r.mean, 1e-5);
    expectT(variance, r.var, 1e-5);
    expectT(preds.std({ dim: 0 }), r.std, 1e-5);
    expectT(entropy, r.entropy, 1e-5);
    expectT(entropy.sub(expected_entropy), r.mi, 1e-5);
    expect(mean.argmax({ dim: 1 }).tolist()).toEqual(r.pred_class);
    torch.manual_seed(7);
    const h = torch.ones(2, 6);
    expectT(F.dropout(h, 0.5, { training: true }), r.f_dropout[0], 1e-6);
    expectT(F.dropout(h, { p: 0.3 }), r.f_dropout[1], 1e-6);
    expectT(F.dropout(h, { training: false }), r.f_dropout[2], 1e-6);
  });
});

// ---------------------------- deep ensembles ----------------------------
class GaussianMLP extends nn.Module {
  net: InstanceType<typeof nn.Sequential>;
  constructor(hidden = 16) {
    super();
    this.net = new nn.Sequential(new nn.Linear(1, hidden), new nn.ReLU(), new nn.Linear(hidden, 2));
  }
  forward(x: Tensor): [Tensor, Tensor] {
    const out = this.net(x);
    const [mean, raw_var] = [out.index(":", ":1"), out.index(":", "1:")];
    return [mean, F.softplus(raw_var).add(1e-6)];
  }
}

describe("deep ensembles with a Gaussian NLL head", () => {
  it("three members trained on GaussianNLLLoss(full=True, eps=1e-6); the mixture's mean and variance", () => {
    const r = ref.ensemble;
    const [xr, yr] = toyReg(16, 8);
    const criterion = new nn.GaussianNLLLoss({ full: true, eps: 1e-6 });
    expect(String(criterion)).toBe(r.criterion_repr);
    const ensemble: GaussianMLP[] = [];
    const all_losses: number[][] = [];
    for (let k = 0; k < 3; k++) {
      torch.manual_seed(10 + k);
      const m = new GaussianMLP();
      const o = new optim.Adam(m.parameters(), { lr: 0.01 });
      const ls: number[] = [];
      for (let s = 0; s < 4; s++) {
        o.zero_grad();
        const [mean, variance] = m(xr);
        const loss = criterion(mean, yr, variance);
        loss.backward();
        o.step();
        ls.push(loss.item());
      }
      all_losses.push(ls);
      ensemble.push(m);
    }
    expectNums(all_losses.flat(), r.losses.flat(), 1e-5);
    const xq = torch.linspace(-3, 3, 5).unsqueeze(1);
    torch.no_grad(() => {
      const outs = ensemble.map((m) => m(xq));
      const mus = torch.stack(outs.map((o) => o[0]));
      const vars = torch.stack(outs.map((o) => o[1]));
      const mix_mean = mus.mean(0);
      const mix_var = vars.add(mus.pow(2)).mean(0).sub(mix_mean.pow(2));
      expectT(mix_mean, r.mix_mean, 1e-5);
      expectT(mix_var, r.mix_var, 1e-5);
      expectT(mus.var(0, { unbiased: false }), r.epistemic, 1e-5);
      expectT(vars.mean(0), r.aleatoric, 1e-5);
    });
  });

  it("F.gaussian_nll_loss: gradients, reductions, a [N] or homoscedastic variance, and the learner's mistakes", () => {
    const r = ref.ensemble;
    const criterion = new nn.GaussianNLLLoss({ full: true, eps: 1e-6 });
    const inp = torch.tensor([[0.5], [-1.0], [2.0]], { requires_grad: true });
    const tgt = torch.tensor([[0.0], [0.0], [1.0]]);
    const v = torch.tensor([[0.1], [1.0], [1e-8]], { requires_grad: true });
    const l_full = F.gaussian_nll_loss(inp, tgt, v, { full: true, eps: 1e-6 });
    l_full.backward();
    expectNums([l_full.item()], [r.functional[0]], 1e-4);
    expectT(inp.grad!, r.functional[1], 1e-3);
    expectT(v.grad!, r.functional[2], 1e-3);
    expectT(F.gaussian_nll_loss(inp, tgt, v, { reduction: "none" }), r.reductions[0], 1e-4);
    expectNums([
      F.gaussian_nll_loss(inp, tgt, v, { reduction: "sum" }).item(),
      new nn.GaussianNLLLoss()(inp, tgt, v.squeeze(1)).item(),
      new nn.GaussianNLLLoss()(inp, tgt, torch.tensor([[0.5]]).expand(3, 1)).item(),
    ], r.reductions.slice(1), 1e-4);
    const inp2 = torch.randn([4, 3], { generator: new torch.Generator().manual_seed(2) });
    expectNums([new nn.GaussianNLLLoss()(inp2, torch.zeros(4, 3), torch.ones(4, 1)).item()], [r.homoscedastic], 1e-5);
    const e = r.errors;
    expect(thrown(() => criterion(inp, tgt, v.neg()))).toEqual(e.neg_var);
    expect(thrown(() => criterion(inp, tgt, torch.ones(2, 1)))).toEqual(e.bad_var);
    expect(thrown(() => F.gaussian_nll_loss(inp, tgt, v, { reduction: "avg" as never }))).toEqual(e.bad_reduction);
    expect(thrown(() => F.mse_loss(inp, tgt, v as never))).toEqual(e.mse_with_var);
  });
});

// ---------------------------- temperature scaling (gpleiss) ----------------------------
class _ECELoss extends nn.Module {
  bin_lowers: Tensor;
  bin_uppers: Tensor;
  constructor(n_bins = 15) {
    super();
    const bin_boundaries = torch.linspace(0, 1, n_bins + 1);
    this.bin_lowers = bin_boundaries.index(":-1");
    this.bin_uppers = bin_boundaries.index("1:");
  }
  forward(logits: Tensor, labels: Tensor): Tensor {
    const softmaxes = F.softmax(logits, { dim: 1 });
    const [confidences, predictions] = torch.max(softmaxes, 1);
    const accuracies = predictions.eq(labels);
    const ece = torch.zeros(1, { device: logits.device });
    for (let i = 0; i < this.bin_lowers.shape[0]; i++) {
      const in_bin = confidences.gt(this.bin_lowers.index(i).item()).mul(confidences.le(this.bin_uppers.index(i).item()));
      const prop_in_bin = in_bin.float().mean();
      if (prop_in_bin.item() > 0) {
        const accuracy_in_bin = accuracies.index(in_bin).float().mean();
        const avg_confidence_in_bin = confidences.index(in_bin).mean();
        ece.add_(torch.abs(avg_confidence_in_bin.sub(accuracy_in_bin)).mul(prop_in_bin));
      }
    }
    return ece;
  }
}

class ModelWithTemperature extends nn.Module {
  temperature = new nn.Parameter(torch.ones(1).mul(1.5));
  log: string[] = [];
  before: number[] = [];
  after: number[] = [];
  step_return = 0;
  lbfgs_state: number[] = [];
  constructor(public model: nn.Module) {
    super();
  }
  forward(input: Tensor): Tensor {
    return this.temperature_scale(this.model(input));
  }
  temperature_scale(logits: Tensor): Tensor {
    const temperature = this.temperature.unsqueeze(1).expand(logits.size(0), logits.size(1));
    return logits.div(temperature);
  }
  set_temperature(valid_loader: Iterable<Tensor[]>): this {
    const nll_criterion = new nn.CrossEntropyLoss();
    const ece_criterion = new _ECELoss();
    const logits_list: Tensor[] = [];
    const labels_list: Tensor[] = [];
    const [logits, labels] = torch.no_grad(() => {
      for (const [input, label] of valid_loader) {
        logits_list.push(this.model(input));
        labels_list.push(label);
      }
      return [torch.cat(logits_list), torch.cat(labels_list)];
    });
    const before_nll = nll_criterion(logits, labels).item();
    const before_ece = ece_criterion(logits, labels).item();
    this.log = [`Before temperature - NLL: ${before_nll.toFixed(3)}, ECE: ${before_ece.toFixed(3)}`];
    this.before = [before_nll, before_ece];
    const optimizer = new optim.LBFGS([this.temperature], { lr: 0.01, max_iter: 50 });
    const evaluate = (): Tensor => {
      optimizer.zero_grad();
      const loss = nll_criterion(this.temperature_scale(logits), labels);
      loss.backward();
      return loss;
    };
    this.step_return = (optimizer.step(evaluate) as Tensor).item();
    const st = optimizer.state.get(this.temperature)! as Record<string, unknown>;
    this.lbfgs_state = [Number(st.func_evals), Number(st.n_iter)];
    const after_nll = nll_criterion(this.temperature_scale(logits), labels).item();
    const after_ece = ece_criterion(this.temperature_scale(logits), labels).item();
    this.log.push(`Optimal temperature: ${this.temperature.item().toFixed(3)}`);
    this.log.push(`After temperature - NLL: ${after_nll.toFixed(3)}, ECE: ${after_ece.toFixed(3)}`);
    this.after = [after_nll, after_ece];
    return this;
  }
}

describe("temperature scaling", () => {
  it("ModelWithTemperature.set_temperature: LBFGS(lr=0.01, max_iter=50) on the validation NLL, ECE before / after", () => {
    const r = ref.temperature;
    torch.manual_seed(20);
    const clf = new nn.Sequential(new nn.Linear(2, 16), new nn.ReLU(), new nn.Linear(16, 3));
    const [xtr, ytr] = toy(24, 21);
    const o = new optim.Adam(clf.parameters(), { lr: 0.05 });
    for (let i = 0; i < 30; i++) {
      o.zero_grad();
      F.cross_entropy(clf(xtr).mul(3), ytr).backward();
      o.step();
    }
    const [xv, yv] = toy(20, 22);
    const valid_loader = new utils.data.DataLoader(new utils.data.TensorDataset(xv, yv), { batch_size: 8 });
    const scaled = new ModelWithTemperature(clf);
    expect([...scaled.named_parameters()].map(([n]) => n)).toEqual(r.param_names);
    scaled.set_temperature(valid_loader as Iterable<Tensor[]>);
    expect(scaled.log).toEqual(r.log);
    expectNums([...scaled.before, ...scaled.after, scaled.temperature.item(), scaled.step_return], [...r.before, ...r.after, r.temperature, r.step_return], 1e-4);
    expect(scaled.lbfgs_state).toEqual(r.lbfgs_state);
    expectT(scaled.temperature.grad!, r.temperature_grad, 1e-4);
    expectT(torch.no_grad(() => scaled(xv.index(":3"))), r.scaled_out, 1e-4);
  });

  it("_ECELoss on hand-made logits; bool * bool stays bool", () => {
    const r = ref.temperature;
    const ece = new _ECELoss(5);
    const logits = torch.tensor([[2.0, 0.0, 0.0], [0.1, 0.2, 0.0], [0.0, 3.0, 0.0], [1.0, 1.0, 1.0]]);
    const labels = torch.tensor([0, 0, 1, 2], { dtype: torch.long });
    expectT(ece(logits, labels), r.ece_small, 1e-6);
    expectT(ece.bin_lowers, r.bin_lowers, 1e-7);
    const conf = torch.tensor([0.2, 0.5, 0.9]);
    const m = conf.gt(0.3).mul(conf.le(0.9));
    expect([String(m), String(m.dtype)]).toEqual(r.bool_mul);
  });
});

// ---------------------------- evidential classification (dougbrion) ----------------------------
const relu_evidence = (y: Tensor): Tensor => F.relu(y);
const exp_evidence = (y: Tensor): Tensor => torch.exp(torch.clamp(y, -10, 10));

function kl_divergence(alpha: Tensor, num_classes: number): Tensor {
  const ones = torch.ones([1, num_classes], { dtype: torch.float32 });
  const sum_alpha = torch.sum(alpha, { dim: 1, keepdim: true });
  const first_term = torch.lgamma(sum_alpha)
    .sub(torch.lgamma(alpha).sum({ dim: 1, keepdim: true }))
    .add(torch.lgamma(ones).sum({ dim: 1, keepdim: true }))
    .sub(torch.lgamma(ones.sum({ dim: 1, keepdim: true })));
  const second_term = alpha.sub(ones).mul(torch.digamma(alpha).sub(torch.digamma(sum_alpha))).sum({ dim: 1, keepdim: true });
  return first_term.add(second_term);
}

function loglikelihood_loss(y: Tensor, alpha: Tensor): Tensor {
  const S = torch.sum(alpha, { dim: 1, keepdim: true });
  const err = torch.sum(y.sub(alpha.div(S)).pow(2), { dim: 1, keepdim: true });
  const variance = torch.sum(alpha.mul(S.sub(alpha)).div(S.mul(S).mul(S.add(1))), { dim: 1, keepdim: true });
  return err.add(variance);
}

function annealing(epoch_num: number, annealing_step: number): Tensor {
  return torch.min(torch.tensor(1.0, { dtype: torch.float32 }), torch.tensor(epoch_num / annealing_step, { dtype: torch.float32 }));
}

function mse_loss(y: Tensor, alpha: Tensor, epoch_num: number, num_classes: number, annealing_step: number): Tensor {
  const kl_alpha = alpha.sub(1).mul(y.neg().add(1)).add(1);
  return loglikelihood_loss(y, alpha).add(annealing(epoch_num, annealing_step).mul(kl_divergence(kl_alpha, num_classes)));
}

function edl_loss(func: (t: Tensor) => Tensor, y: Tensor, alpha: Tensor, epoch_num: number, num_classes: number, annealing_step: number): Tensor {
  const S = torch.sum(alpha, { dim: 1, keepdim: true });
  const A = torch.sum(y.mul(func(S).sub(func(alpha))), { dim: 1, keepdim: true });
  const kl_alpha = alpha.sub(1).mul(y.neg().add(1)).add(1);
  return A.add(annealing(epoch_num, annealing_step).mul(kl_divergence(kl_alpha, num_classes)));
}

type Crit = (output: Tensor, target: Tensor, epoch: number, num_classes: number, annealing_step: number) => Tensor;
const edl_mse_loss: Crit = (o, t, e, c, a) => torch.mean(mse_loss(t, relu_evidence(o).add(1), e, c, a));
const edl_log_loss: Crit = (o, t, e, c, a) => torch.mean(edl_loss(torch.log, t, relu_evidence(o).add(1), e, c, a));
const edl_digamma_loss: Crit = (o, t, e, c, a) => torch.mean(edl_loss(torch.digamma, t, relu_evidence(o).add(1), e, c, a));

function one_hot_embedding(labels: Tensor, num_classes = 10): Tensor {
  return torch.eye(num_classes).index(labels);
}

describe("evidential deep learning", () => {
  it("classification: edl_mse / edl_log / edl_digamma losses, uncertainty and evidence statistics", () => {
    const r = ref.edl_cls;
    const num_classes = 3;
    torch.manual_seed(30);
    const edl = new nn.Sequential(new nn.Linear(2, 16), new nn.ReLU(), new nn.Linear(16, num_classes));
    const [xe, ye] = toy(12, 31);
    const o = new optim.Adam(edl.parameters(), { lr: 0.01 });
    const hist: number[][] = [];
    for (let epoch = 0; epoch < 4; epoch++) {
      for (const crit of [edl_mse_loss, edl_log_loss, edl_digamma_loss]) {
        o.zero_grad();
        const outputs = edl(xe);
        const [, preds] = torch.max(outputs, 1);
        const y1 = one_hot_embedding(ye, num_classes);
        const loss = crit(outputs, y1.float(), epoch, num_classes, 2);
        loss.backward();
        o.step();
        const match = torch.reshape(torch.eq(preds, ye).float(), [-1, 1]);
        const acc = torch.mean(match);
        const evidence = relu_evidence(outputs);
        const alpha = evidence.add(1);
        const u = torch.sum(alpha, { dim: 1, keepdim: true }).reciprocal().mul(num_classes);
        const total_evidence = torch.sum(evidence, 1, { keepdim: true });
        const mean_evidence = torch.mean(total_evidence);
        const mean_evidence_succ = torch.sum(torch.sum(evidence, 1, { keepdim: true }).mul(match)).div(torch.sum(match.add(1e-20)));
        hist.push([loss.item(), acc.item(), u.mean().item(), mean_evidence.item(), mean_evidence_succ.item()]);
      }
    }
    expectNums(hist.flat(), r.hist.flat(), 1e-4);
    torch.no_grad(() => {
      const alpha = relu_evidence(edl(xe.index(":4"))).add(1);
      expectT(torch.sum(alpha, { dim: 1, keepdim: true }).reciprocal().mul(num_classes), r.uncertainty, 1e-5);
      expectT(alpha.div(torch.sum(alpha, { dim: 1, keepdim: true })), r.prob, 1e-5);
    });
  });

  it("the Dirichlet KL from lgamma / digamma, its gradient, and distributions.kl_divergence", () => {
    const r = ref.edl_cls;
    const a = torch.tensor([[1.0, 2.0, 3.5], [0.3, 1.0, 7.0]], { requires_grad: true });
    const kl = kl_divergence(a, 3);
    kl.sum().backward();
    expectT(kl, r.kl[0], 1e-5);
    expectT(a.grad!, r.kl[1], 1e-5);
    const D = torch.distributions;
    expectT(D.kl_divergence(new D.Dirichlet(a.detach()), new D.Dirichlet(torch.ones(3))), r.kl_dist, 1e-5);
    expectT(torch.lgamma(torch.tensor([0.5, 1.0, 3.0, 10.5, -0.5])), r.special[0], 1e-5);
    expectT(torch.digamma(torch.tensor([0.5, 1.0, 3.0, 10.5, -0.5])), r.special[1], 1e-5);
    expect(String(torch.digamma(torch.tensor([0.0, -1.0, -0.0])))).toBe(r.special[2]);
    expectT(exp_evidence(torch.tensor([-20.0, 0.0, 20.0])), r.exp_evidence, 1e-2);
    expect([String(annealing(1, 10))]).toEqual(r.annealing);
    const e = r.errors;
    expect(thrown(() => one_hot_embedding(torch.tensor([0.0, 1.0]), 3))).toEqual(e.one_hot_float);
    expect(pyThrown(() => torch.min(torch.tensor(1.0), 0.5))).toEqual(e.min_float);
    expect([String(torch.digamma(torch.tensor([1, 2], { dtype: torch.long }))), String(torch.lgamma(torch.tensor([1, 2], { dtype: torch.long })))]).toEqual(e.digamma_long);
  });

  it("regression: Amini's NIG NLL + regulariser on a DenseNormalGamma head", () => {
    const r = ref.edl_reg;
    const NIG_NLL = (y: Tensor, gamma: Tensor, v: Tensor, alpha: Tensor, beta: Tensor): Tensor => {
      const twoBlambda = beta.mul(2).mul(v.add(1));
      return torch.log(v.reciprocal().mul(Math.PI)).mul(0.5)
        .sub(alpha.mul(torch.log(twoBlambda)))
        .add(alpha.add(0.5).mul(torch.log(v.mul(y.sub(gamma).pow(2)).add(twoBlambda))))
        .add(torch.lgamma(alpha)).sub(torch.lgamma(alpha.add(0.5))).mean();
    };
    const NIG_Reg = (y: Tensor, gamma: Tensor, v: Tensor, alpha: Tensor): Tensor => torch.abs(y.sub(gamma)).mul(v.mul(2).add(alpha)).mean();
    class DenseNormalGamma extends nn.Module {
      dense: InstanceType<typeof nn.Linear>;
      constructor(in_features: number, units = 1) {
        super();
        this.dense = new nn.Linear(in_features, 4 * units);
      }
      evidence(x: Tensor): Tensor {
        return F.softplus(x);
      }
      forward(x: Tensor): Tensor {
        const [mu, logv, logalpha, logbeta] = torch.split(this.dense(x), 1, { dim: -1 });
        return torch.cat([mu, this.evidence(logv), this.evidence(logalpha).add(1), this.evidence(logbeta)], { dim: -1 });
      }
    }
    torch.manual_seed(40);
    const reg = new nn.Sequential(new nn.Linear(1, 16), new nn.ReLU(), new DenseNormalGamma(16));
    const [xr2, yr2] = toyReg(16, 41);
    const o = new optim.Adam(reg.parameters(), { lr: 0.01 });
    const ls: number[] = [];
    for (let s = 0; s < 4; s++) {
      o.zero_grad();
      const [gamma, v, alpha, beta] = reg(xr2).chunk(4, { dim: -1 });
      const loss = NIG_NLL(yr2, gamma, v, alpha, beta).add(NIG_Reg(yr2, gamma, v, alpha).mul(0.01));
      loss.backward();
      o.step();
      ls.push(loss.item());
    }
    expectNums(ls, r.losses, 1e-5);
    expect(String(reg)).toBe(r.repr);
    const [, v, alpha, beta] = torch.no_grad(() => reg(torch.linspace(-3, 3, 5).unsqueeze(1)).chunk(4, { dim: -1 }));
    expectT(beta.div(alpha.sub(1)), r.aleatoric, 1e-5);
    expectT(beta.div(v.mul(alpha.sub(1))), r.epistemic, 1e-5);
  });
});
