/**
 * A probe of "beyond the standard layers" architectures instructors copy, in plain PyTorch, translated as a learner would
 * at toy sizes:
 *  - juho-lee/set_transformer: modules.py (MAB with its split / cat heads and getattr(self, 'ln0', None), SAB, ISAB and
 *    PMA with their nn.Parameter(torch.Tensor(...)) + xavier_uniform_ inducing points / seeds), models.py (DeepSet,
 *    SetTransformer) and max_regression_demo.ipynb (gen_data, SmallDeepSet with max / mean / sum pooling,
 *    SmallSetTransformer, 3 Adam steps of L1Loss each), permutation invariance;
 *  - manzilzaheer/DeepSets PointClouds/classifier.py (PermEqui1 / PermEqui2 with max / mean, D with ELU(inplace=True)
 *    and Dropout, DTanh, its clip_grad through p.grad.data.norm(2)) trained as run.py does (Adam on a param-group list
 *    with weight_decay and eps, MultiStepLR, (f_X.max(dim=1)[1] == Y).float().sum()); dpernes/deepsets-digitsum
 *    deepsetlayers.py (EquivLinear / InvLinear with a set-size mask, Y[mask] = ..., Y[mask] += bias,
 *    init._calculate_fan_in_and_fan_out, the uint8 mask path torch deprecates) and models.py's MNIST_Adder trained on
 *    seeded 8x8 "digits";
 *  - hardmaru/pytorch_notebooks mixture_density_networks.ipynb (the sine fit with RMSprop, the inverted fit through
 *    `x_variable.data = y_tensor`, MDN, gaussian_distribution, mdn_loss_fn, gumbel_sample and the sampled points);
 *    sagelywizard/pytorch-mdn is flows_probabilistic.test.ts's;
 *  - jzbontar/pixelcnn-pytorch main.py (MaskedConv2d(nn.Conv2d) with register_buffer('mask', ...), the
 *    `kW // 2 + (mask_type == 'B')` slice, `self.weight.data *= self.mask`, the nn.Sequential PixelCNN, SGD with
 *    nesterov, the receptive field's causality) and singh-hrituraj/PixelCNN-Pytorch (MaskedCNN, PixelCNN with
 *    BatchNorm, Adam + CrossEntropyLoss, generate.py's pixel-by-pixel multinomial sampling at 8x8 and its make_grid).
 * Capsule networks are labml_annotated.test.ts's. Values are compared with torch 1.13 running the same code
 * (scripts/fixtures/set_mdn_pixelcnn_fixtures.py -> tests/fixtures/torch/tutorials/set_mdn_pixelcnn.json).
 *
 * Python forms written otherwise (also in the fixture where marked *): numpy's draws -> torch.randint / rand / randn
 * (*), np.random.gumbel -> torch.distributions.Gumbel(0, 1).sample and -log(-log(U)) (*), np.max(x, axis=1) ->
 * torch.max(x, dim=1)[0] (*), .cuda() dropped (*), PixelCNN's eight numbered layer triples -> setattr / getattr in a
 * loop (*), the datasets -> seeded stand-ins (*); `K, V = self.fc_k(K), self.fc_v(K)` -> V computed before K is
 * rebound, getattr(self, 'ln0', None) -> this.ln0 ?? null, `mask[:, :, kH // 2, kW // 2 + (mask_type == 'B'):] = 0`
 * -> index_put_ with a slice string, `weight.data *= mask` -> weight.data.mul_(mask), Y[mask] = v -> index_put_,
 * `Y[mask] += bias` -> index_put_ of the indexed sum (what Python's augmented assignment does), x[:, perm] ->
 * index(":", perm), print(self) -> String(this), keyword arguments -> an options object, operators -> methods,
 * mixture_of_mvns.py's log_prob(..., return_labels=True) -> log_prob_labels, PixelCNN's `out` field `declare`d (a TS
 * field without it is defined, as undefined, before the constructor's numbered layers and would print first).
 * Found and fixed in the engine (core/set_mdn_pixelcnn_gaps.test.ts): `Z[~mask] = float('-Inf')` on a `.byte()` mask
 * (~ gives 254) raises torch's 'Mask tensor can take 0 and 1 values only', as masked_select / masked_scatter do (the
 * engine wrote through it); `x.data = v` with v not a tensor raises torch's TypeError; a Deep Sets segment sum's
 * h.split(counts) with a tensor of counts and index_add_ out of range raise torch's errors.
 * Left: a named tuple (x.max(1)) passed where a tensor is wanted (nn.Linear(x.max(1)), F.relu, torch.cat) names it
 * 'object' / takes it for keywords where torch says 'must be Tensor, not torch.return_types.max'.
 * Known differences kept visible: torch's C++ warnings end in "(Triggered internally at ...)", which the engine leaves
 * out; F.cross_entropy with a float target of the class-index shape says the engine's own hint (the class is compared).
 */
import { beforeEach, describe, expect, it, vi } from "vitest";
import { nn, optim, torch, torchvision, type Tensor } from "../../../../lib/tensor/index";
import { forgetShownWarnings } from "../../../../lib/tensor/warnings";
import { expectNums, expectT, raised, tutorialFixture, type TJ } from "./helpers";

const ref = tutorialFixture<Record<string, any>>("set_mdn_pixelcnn.json"); // eslint-disable-line @typescript-eslint/no-explicit-any
const F = nn.functional;
const { Variable } = torch.autograd;
const init = nn.init;
type Gen = InstanceType<typeof torch.Generator>;

beforeEach(() => {
  vi.restoreAllMocks();
  forgetShownWarnings();
});

/** The warnings fn shows (first line, without Python's "UserWarning: " prefix). */
function warns(fn: () => unknown): string[] {
  const spy = vi.spyOn(console, "warn").mockImplementation(() => undefined);
  let shown: string[];
  try {
    fn();
  } finally {
    shown = spy.mock.calls.map((c) => String(c[0]).replace(/^UserWarning: /, "").split("\n")[0]);
    spy.mockRestore();
  }
  return shown;
}

// ====================================== Set Transformer (modules.py / models.py) ======================================
class MAB extends nn.Module {
  dim_V: number;
  num_heads: number;
  fc_q: nn.Linear; fc_k: nn.Linear; fc_v: nn.Linear;
  ln0?: nn.LayerNorm; ln1?: nn.LayerNorm;
  fc_o: nn.Linear;
  constructor(dim_Q: number, dim_K: number, dim_V: number, num_heads: number, ln = false) {
    super();
    this.dim_V = dim_V;
    this.num_heads = num_heads;
    this.fc_q = new nn.Linear(dim_Q, dim_V);
    this.fc_k = new nn.Linear(dim_K, dim_V);
    this.fc_v = new nn.Linear(dim_K, dim_V);
    if (ln) {
      this.ln0 = new nn.LayerNorm(dim_V);
      this.ln1 = new nn.LayerNorm(dim_V);
    }
    this.fc_o = new nn.Linear(dim_V, dim_V);
  }

  forward(Q: Tensor, K: Tensor): Tensor {
    Q = this.fc_q(Q);
    const V = this.fc_v(K);
    K = this.fc_k(K);

    const dim_split = Math.floor(this.dim_V / this.num_heads);
    const Q_ = torch.cat(Q.split(dim_split, 2), 0);
    const K_ = torch.cat(K.split(dim_split, 2), 0);
    const V_ = torch.cat(V.split(dim_split, 2), 0);

    const A = torch.softmax(Q_.bmm(K_.transpose(1, 2)).div(Math.sqrt(this.dim_V)), 2);
    let O = torch.cat(Q_.add(A.bmm(V_)).split(Q.size(0), 0), 2);
    O = (this.ln0 ?? null) === null ? O : this.ln0!(O);
    O = O.add(F.relu(this.fc_o(O)));
    O = (this.ln1 ?? null) === null ? O : this.ln1!(O);
    return O;
  }
}

class SAB extends nn.Module {
  mab: MAB;
  constructor(dim_in: number, dim_out: number, num_heads: number, ln = false) {
    super();
    this.mab = new MAB(dim_in, dim_in, dim_out, num_heads, ln);
  }
  forward(X: Tensor): Tensor {
    return this.mab(X, X);
  }
}

class ISAB extends nn.Module {
  I: nn.Parameter;
  mab0: MAB; mab1: MAB;
  constructor(dim_in: number, dim_out: number, num_heads: number, num_inds: number, ln = false) {
    super();
    this.I = new nn.Parameter(torch.Tensor(1, num_inds, dim_out));
    nn.init.xavier_uniform_(this.I);
    this.mab0 = new MAB(dim_out, dim_in, dim_out, num_heads, ln);
    this.mab1 = new MAB(dim_in, dim_out, dim_out, num_heads, ln);
  }
  forward(X: Tensor): Tensor {
    const H = this.mab0(this.I.repeat(X.size(0), 1, 1), X);
    return this.mab1(X, H);
  }
}

class PMA extends nn.Module {
  S: nn.Parameter;
  mab: MAB;
  constructor(dim: number, num_heads: number, num_seeds: number, ln = false) {
    super();
    this.S = new nn.Parameter(torch.Tensor(1, num_seeds, dim));
    nn.init.xavier_uniform_(this.S);
    this.mab = new MAB(dim, dim, dim, num_heads, ln);
  }
  forward(X: Tensor): Tensor {
    return this.mab(this.S.repeat(X.size(0), 1, 1), X);
  }
}

class DeepSet extends nn.Module {
  num_outputs: number;
  dim_output: number;
  enc: nn.Sequential;
  dec: nn.Sequential;
  constructor(dim_input: number, num_outputs: number, dim_output: number, dim_hidden = 128) {
    super();
    this.num_outputs = num_outputs;
    this.dim_output = dim_output;
    this.enc = new nn.Sequential(
      new nn.Linear(dim_input, dim_hidden), new nn.ReLU(),
      new nn.Linear(dim_hidden, dim_hidden), new nn.ReLU(),
      new nn.Linear(dim_hidden, dim_hidden), new nn.ReLU(),
      new nn.Linear(dim_hidden, dim_hidden), new nn.ReLU(),
      new nn.Linear(dim_hidden, dim_hidden), new nn.ReLU(),
      new nn.Linear(dim_hidden, dim_hidden));
    this.dec = new nn.Sequential(
      new nn.Linear(dim_hidden, dim_hidden), new nn.ReLU(),
      new nn.Linear(dim_hidden, dim_hidden), new nn.ReLU(),
      new nn.Linear(dim_hidden, dim_hidden), new nn.ReLU(),
      new nn.Linear(dim_hidden, num_outputs * dim_output));
  }
  forward(X: Tensor): Tensor {
    X = this.enc(X).mean(-2);
    X = this.dec(X).reshape(-1, this.num_outputs, this.dim_output);
    return X;
  }
}

class SetTransformer extends nn.Module {
  enc: nn.Sequential;
  dec: nn.Sequential;
  constructor(dim_input: number, num_outputs: number, dim_output: number, { num_inds = 32, dim_hidden = 128, num_heads = 4, ln = false } = {}) {
    super();
    this.enc = new nn.Sequential(
      new ISAB(dim_input, dim_hidden, num_heads, num_inds, ln),
      new ISAB(dim_hidden, dim_hidden, num_heads, num_inds, ln),
      new ISAB(dim_hidden, dim_hidden, num_heads, num_inds, ln));
    this.dec = new nn.Sequential(
      new PMA(dim_hidden, num_heads, num_outputs, ln),
      new SAB(dim_hidden, dim_hidden, num_heads, ln),
      new SAB(dim_hidden, dim_hidden, num_heads, ln),
      new nn.Linear(dim_hidden, dim_output));
  }
  forward(X: Tensor): Tensor {
    return this.dec(this.enc(X));
  }
}

// ---- max_regression_demo.ipynb ----
function gen_data(batch_size: number, max_length = 10): [Tensor, Tensor] {
  const length = torch.randint(1, max_length + 1, [1]).item();
  const x = torch.randint(1, 100, [batch_size, length]);
  const y = torch.max(x, { dim: 1 })[0];
  return [x.unsqueeze(2), y.unsqueeze(1)];
}

class SmallDeepSet extends nn.Module {
  enc = new nn.Sequential(
    new nn.Linear({ in_features: 1, out_features: 64 }), new nn.ReLU(),
    new nn.Linear({ in_features: 64, out_features: 64 }), new nn.ReLU(),
    new nn.Linear({ in_features: 64, out_features: 64 }), new nn.ReLU(),
    new nn.Linear({ in_features: 64, out_features: 64 }),
  );
  dec = new nn.Sequential(
    new nn.Linear({ in_features: 64, out_features: 64 }), new nn.ReLU(),
    new nn.Linear({ in_features: 64, out_features: 1 }),
  );
  constructor(public pool = "max") {
    super();
  }
  forward(x: Tensor): Tensor {
    x = this.enc(x);
    if (this.pool === "max") x = x.max({ dim: 1 })[0];
    else if (this.pool === "mean") x = x.mean({ dim: 1 });
    else if (this.pool === "sum") x = x.sum({ dim: 1 });
    x = this.dec(x);
    return x;
  }
}

class SmallSetTransformer extends nn.Module {
  enc = new nn.Sequential(new SAB(1, 64, 4), new SAB(64, 64, 4));
  dec = new nn.Sequential(new PMA(64, 4, 1), new nn.Linear({ in_features: 64, out_features: 1 }));
  forward(x: Tensor): Tensor {
    x = this.enc(x);
    x = this.dec(x);
    return x.squeeze(-1);
  }
}

function trainMaxRegression(model: nn.Module, steps = 3): number[] {
  const optimizer = new torch.optim.Adam(model.parameters(), { lr: 1e-4 });
  const criterion = new nn.L1Loss();
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    let [x, y] = gen_data(8, 6);
    [x, y] = [x.float(), y.float()];
    const loss = criterion(model(x), y);
    optimizer.zero_grad();
    loss.backward();
    optimizer.step();
    losses.push(loss.item());
  }
  return losses;
}

describe("juho-lee/set_transformer", () => {
  it("SetTransformer (ISAB, PMA, SAB with LayerNorm) and DeepSet: outputs, permutation invariance, repr, parameters", () => {
    const r = ref.set_transformer;
    torch.manual_seed(0);
    const st = new SetTransformer(2, 2, 3, { num_inds: 4, dim_hidden: 8, num_heads: 2, ln: true });
    const ds = new DeepSet(2, 2, 3, 8);
    const X = torch.randn(2, 5, 2);
    expectT(X, r.X, 1e-6);
    expectT(st(X), r.st_out, 1e-5);
    expectT(ds(X), r.ds_out, 1e-5);
    const perm = torch.randperm(5);
    expect(perm.tolist()).toEqual(r.perm);
    expect(st(X.index(":", perm)).sub(st(X)).abs().max().item()).toBeLessThan(1e-5);
    expect(String(st)).toBe(r.st_repr);
    expect([...st.parameters()].reduce((s, p) => s + p.numel(), 0)).toBe(r.st_nparams);
    expect([...st.named_parameters()].slice(0, 8).map(([n]) => n)).toEqual(r.st_param_names);
    torch.manual_seed(1);
    const mab = new MAB(3, 2, 4, 2);
    const [Q, K] = [torch.randn(2, 3, 3), torch.randn(2, 4, 2)];
    expectT(mab(Q, K), r.mab_out, 1e-5);
  });

  it("max regression: gen_data, SmallDeepSet (max / mean / sum) and SmallSetTransformer, 3 Adam steps of L1Loss each", () => {
    const r = ref.max_regression;
    torch.manual_seed(2);
    const [x, y] = gen_data(4, 6);
    expectT(x, r.gen_x, 0);
    expectT(y, r.gen_y, 0);
    for (const pool of ["max", "mean", "sum"]) {
      torch.manual_seed(3);
      expectNums(trainMaxRegression(new SmallDeepSet(pool)), r[`deepset_${pool}`], 1e-5);
    }
    torch.manual_seed(3);
    const m = new SmallSetTransformer();
    expectNums(trainMaxRegression(m), r.settransformer, 1e-5);
    torch.manual_seed(4);
    const xt = torch.randint(1, 100, [3, 4, 1]).float();
    expectT(m(xt), r.st_pred, 1e-5);
    expect(String(m)).toBe(r.st_repr);
  });

  it("the learner's mistakes: heads not dividing dim_V, a set without its feature dim, long inputs, repeat, a [B] target", () => {
    const r = ref.max_regression;
    torch.manual_seed(5);
    expect(raised(() => new MAB(4, 4, 10, 3)(torch.randn(2, 3, 4), torch.randn(2, 3, 4)))).toEqual(r.err_heads);
    expect(raised(() => new SmallSetTransformer()(torch.randn(8, 5)))).toEqual(r.err_nofeat);
    expect(raised(() => new SmallDeepSet()(torch.randint(1, 100, [8, 5, 1])))).toEqual(r.err_long);
    expect(raised(() => new PMA(8, 2, 1).S.repeat(2, 1))).toEqual(r.err_repeat);
    torch.manual_seed(6);
    const m = new SmallDeepSet();
    const xs = torch.randint(1, 100, [8, 5, 1]).float();
    const ys = torch.max(xs, { dim: 1 })[0].squeeze(1);
    let l1 = 0;
    expect(warns(() => (l1 = new nn.L1Loss()(m(xs), ys).item()))).toEqual(r.warn_l1);
    expect(Math.abs(l1 - r.l1_broadcast)).toBeLessThan(1e-4);
  });
});

// ---- amortized clustering: mixture_of_mvns.py, mvn_diag.py, run.py's training step ----
const { Dirichlet, Categorical } = torch.distributions;

class MultivariateNormalDiag {
  constructor(public dim: number) {}

  sample(B: number, K: number, labels: Tensor): [Tensor, [Tensor, Tensor]] {
    const N = labels.shape[labels.dim() - 1];
    const device = labels.device;
    const mu = torch.rand(B, K, this.dim).to(device).mul(8).add(-4);
    const sigma = torch.ones(B, K, this.dim).to(device).mul(0.3);
    const eps = torch.randn(B, N, this.dim).to(device);
    const rlabels = labels.unsqueeze(-1).repeat(1, 1, this.dim);
    const X = torch.gather(mu, 1, rlabels).add(eps.mul(torch.gather(sigma, 1, rlabels)));
    return [X, [mu, sigma]];
  }

  log_prob(X: Tensor, params: [Tensor, Tensor]): Tensor {
    let [mu, sigma] = params;
    X = X.unsqueeze(2);
    mu = mu.unsqueeze(1);
    sigma = sigma.unsqueeze(1);
    const diff = X.sub(mu);
    const ll = sigma.log().neg().add(-0.5 * Math.log(2 * Math.PI)).sub(diff.pow(2).div(sigma.pow(2)).mul(0.5));
    return ll.sum(-1);
  }

  stats(params: [Tensor, Tensor]): [Tensor, Tensor] {
    const [mu, sigma] = params;
    const I = torch.eye(this.dim).index(...Array(sigma.dim() - 1).fill("None")).to(sigma.device);
    const cov = sigma.pow(2).unsqueeze(-1).mul(I);
    return [mu, cov];
  }

  parse(raw: Tensor): [Tensor, [Tensor, Tensor]] {
    const pi = torch.softmax(raw.index("...", 0), -1);
    const mu = raw.index("...", `1:${1 + this.dim}`);
    const sigma = F.softplus(raw.index("...", `${1 + this.dim}:`));
    return [pi, [mu, sigma]];
  }
}

class MixtureOfMVNs {
  constructor(public mvn: MultivariateNormalDiag) {}

  sample(B: number, N: number, K: number): [Tensor, Tensor, Tensor, [Tensor, Tensor]] {
    const device = !torch.cuda.is_available() ? "cpu" : torch.cuda.current_device();
    const pi = new Dirichlet(torch.ones(K)).sample(torch.Size([B])).to(device);
    let labels = new Categorical({ probs: pi }).sample(torch.Size([N])).to(device);
    labels = labels.transpose(0, 1).contiguous();
    const [X, params] = this.mvn.sample(B, K, labels);
    return [X, labels, pi, params];
  }

  log_prob(X: Tensor, pi: Tensor, params: [Tensor, Tensor]): Tensor {
    return this.log_prob_labels(X, pi, params)[0];
  }

  /** log_prob(..., return_labels=True) */
  log_prob_labels(X: Tensor, pi: Tensor, params: [Tensor, Tensor]): [Tensor, Tensor] {
    let ll = this.mvn.log_prob(X, params);
    ll = ll.add(pi.add(1e-10).log().unsqueeze(-2));
    return [ll.logsumexp(-1).mean(), ll.argmax(-1)];
  }
}

describe("juho-lee/set_transformer: amortized clustering (mixture_of_mvns.py, mvn_diag.py, run.py)", () => {
  it("Dirichlet / Categorical sampling of a mixture, the oracle log-likelihood, 3 training steps of SetTransformer and DeepSet", () => {
    const r = ref.amortized_clustering;
    const [Dm, Km, Bm] = [2, 3, 2];
    const mvn = new MultivariateNormalDiag(Dm);
    const mog = new MixtureOfMVNs(mvn);
    torch.manual_seed(30);
    const [X0, labels, pi, params] = mog.sample(Bm, 10, Km);
    expectT(pi, r.pi, 1e-6);
    expect(labels.tolist()).toEqual(r.labels);
    expectT(X0, r.X, 1e-5);
    expect(mog.log_prob(X0, pi, params).item()).toBeCloseTo(r.oracle_ll, 5);
    expectT(mvn.stats(params)[1], r.cov, 1e-7);
    for (const netname of ["set_transformer", "deepset"]) {
      torch.manual_seed(31);
      const net = netname === "set_transformer" ? new SetTransformer(Dm, Km, 2 * Dm, { num_inds: 4, dim_hidden: 8, num_heads: 2 }) : new DeepSet(Dm, Km, 2 * Dm, 8);
      const optimizer = new optim.Adam(net.parameters(), { lr: 5e-4 });
      const losses: number[] = [], lrs: number[] = [];
      let X!: Tensor;
      for (let t = 1; t < 4; t++) {
        if (t === 2) optimizer.param_groups[0].lr = (optimizer.param_groups[0].lr as number) * 0.1;
        net.train();
        optimizer.zero_grad();
        const N = torch.randint(6, 12, [1]).item();
        X = mog.sample(Bm, N, Km)[0];
        const ll = mog.log_prob(X, ...mvn.parse(net(X)));
        const loss = ll.neg();
        loss.backward();
        optimizer.step();
        losses.push(loss.item());
        lrs.push(optimizer.param_groups[0].lr as number);
      }
      net.eval();
      const [pi_, params_] = mvn.parse(net(X));
      const [ll, lab] = mog.log_prob_labels(X, pi_, params_);
      const want = r[netname];
      expectNums(losses, want.losses, 1e-5);
      expectNums(lrs, want.lrs, 1e-12);
      expect(ll.item()).toBeCloseTo(want.ll, 4);
      expect(lab.tolist()).toEqual(want.labels);
    }
  });
});

// ====================================== DeepSets: manzilzaheer PointClouds/classifier.py ======================================
class PermEqui1_max extends nn.Module {
  Gamma: nn.Linear;
  constructor(in_dim: number, out_dim: number) {
    super();
    this.Gamma = new nn.Linear(in_dim, out_dim);
  }
  forward(x: Tensor): Tensor {
    const [xm] = x.max(1, { keepdim: true });
    return this.Gamma(x.sub(xm));
  }
}

class PermEqui1_mean extends nn.Module {
  Gamma: nn.Linear;
  constructor(in_dim: number, out_dim: number) {
    super();
    this.Gamma = new nn.Linear(in_dim, out_dim);
  }
  forward(x: Tensor): Tensor {
    const xm = x.mean(1, { keepdim: true });
    return this.Gamma(x.sub(xm));
  }
}

class PermEqui2_max extends nn.Module {
  Gamma: nn.Linear;
  Lambda: nn.Linear;
  constructor(in_dim: number, out_dim: number) {
    super();
    this.Gamma = new nn.Linear(in_dim, out_dim);
    this.Lambda = new nn.Linear(in_dim, out_dim, { bias: false });
  }
  forward(x: Tensor): Tensor {
    let [xm] = x.max(1, { keepdim: true });
    xm = this.Lambda(xm);
    x = this.Gamma(x);
    return x.sub(xm);
  }
}

class PermEqui2_mean extends nn.Module {
  Gamma: nn.Linear;
  Lambda: nn.Linear;
  constructor(in_dim: number, out_dim: number) {
    super();
    this.Gamma = new nn.Linear(in_dim, out_dim);
    this.Lambda = new nn.Linear(in_dim, out_dim, { bias: false });
  }
  forward(x: Tensor): Tensor {
    let xm = x.mean(1, { keepdim: true });
    xm = this.Lambda(xm);
    x = this.Gamma(x);
    return x.sub(xm);
  }
}

const PERM: Record<string, new (i: number, o: number) => nn.Module> = { max: PermEqui2_max, max1: PermEqui1_max, mean: PermEqui2_mean, mean1: PermEqui1_mean };
const printed: string[] = [];

class D extends nn.Module {
  phi: nn.Sequential;
  ro: nn.Sequential;
  constructor(public d_dim: number, public x_dim = 3, pool = "mean") {
    super();
    const P = PERM[pool];
    this.phi = new nn.Sequential(
      new P(this.x_dim, this.d_dim), new nn.ELU({ inplace: true }),
      new P(this.d_dim, this.d_dim), new nn.ELU({ inplace: true }),
      new P(this.d_dim, this.d_dim), new nn.ELU({ inplace: true }),
    );
    this.ro = new nn.Sequential(
      new nn.Dropout({ p: 0.5 }),
      new nn.Linear(this.d_dim, this.d_dim),
      new nn.ELU({ inplace: true }),
      new nn.Dropout({ p: 0.5 }),
      new nn.Linear(this.d_dim, 40),
    );
    printed.push(String(this));
  }
  forward(x: Tensor): Tensor {
    const phi_output = this.phi(x);
    const sum_output = phi_output.mean(1);
    return this.ro(sum_output);
  }
}

class DTanh extends nn.Module {
  phi: nn.Sequential;
  ro: nn.Sequential;
  constructor(public d_dim: number, public x_dim = 3, pool = "mean") {
    super();
    const P = PERM[pool];
    this.phi = new nn.Sequential(
      new P(this.x_dim, this.d_dim), new nn.Tanh(),
      new P(this.d_dim, this.d_dim), new nn.Tanh(),
      new P(this.d_dim, this.d_dim), new nn.Tanh(),
    );
    this.ro = new nn.Sequential(
      new nn.Dropout({ p: 0.5 }),
      new nn.Linear(this.d_dim, this.d_dim),
      new nn.Tanh(),
      new nn.Dropout({ p: 0.5 }),
      new nn.Linear(this.d_dim, 40),
    );
    printed.push(String(this));
  }
  forward(x: Tensor): Tensor {
    const phi_output = this.phi(x);
    const [sum_output] = phi_output.max(1);
    return this.ro(sum_output);
  }
}

function clip_grad(model: nn.Module, max_norm: number): Tensor {
  let total_norm: Tensor | number = 0;
  for (const p of model.parameters()) {
    const param_norm = p.grad!.data.norm(2);
    total_norm = param_norm.pow(2).add(total_norm);
  }
  total_norm = (total_norm as Tensor).pow(0.5);
  const clip_coef = total_norm.add(1e-6).reciprocal().mul(max_norm);
  if (clip_coef.lt(1).item()) {
    for (const p of model.parameters()) p.grad!.data.mul_(clip_coef);
  }
  return total_norm;
}

function point_clouds(g: Gen, n = 4, pts = 6): [Tensor, Tensor] {
  const y = torch.randint(0, 40, [n], { generator: g });
  const x = torch.randn([n, pts, 3], { generator: g }).add(y.index(":", "None", "None").float().div(20));
  return [x, y];
}

describe("manzilzaheer/DeepSets PointClouds: PermEqui layers, D / DTanh, clip_grad, run.py's loop", () => {
  it("3 steps of D / DTanh over max / max1 / mean / mean1 pooling with dropout, clip_grad, MultiStepLR; eval outputs", () => {
    const r = ref.deepsets_pointclouds;
    printed.length = 0;
    const g = new torch.Generator().manual_seed(7);
    const [cx, cy] = point_clouds(g);
    const cases: [string, typeof D | typeof DTanh, string][] = [["dtanh_max1", DTanh, "max1"], ["d_max", D, "max"], ["d_mean", D, "mean"], ["d_mean1", D, "mean1"]];
    for (const [name, cls, pool] of cases) {
      torch.manual_seed(8);
      const net = new cls(8, 3, pool);
      const L = new nn.CrossEntropyLoss();
      const optimizer = new optim.Adam([{ params: net.parameters() }], { lr: 1e-3, weight_decay: 1e-7, eps: 1e-3 });
      const scheduler = new optim.lr_scheduler.MultiStepLR(optimizer, { milestones: [2, 4, 6, 8], gamma: 0.1 });
      net.train();
      const losses: number[] = [], norms: number[] = [], accs: number[] = [], lrs: number[] = [];
      for (let epoch = 0; epoch < 3; epoch++) {
        optimizer.zero_grad();
        const f_X = net(cx);
        const loss = L(f_X, cy);
        losses.push(loss.item());
        accs.push(f_X.max({ dim: 1 })[1].eq(cy).float().sum().item());
        loss.backward();
        norms.push(clip_grad(net, 5).item());
        optimizer.step();
        scheduler.step();
        lrs.push(optimizer.param_groups[0].lr as number);
      }
      net.eval();
      const want = r[name];
      expectNums(losses, want.losses, 1e-5);
      expectNums(norms, want.norms, 1e-5);
      expect(accs).toEqual(want.accs);
      expectNums(lrs, want.lrs, 1e-12);
      expectT(net(cx), want.eval, 1e-5);
    }
    expect(printed.slice(0, 2)).toEqual(r.printed);
    torch.manual_seed(9);
    const pe = new PermEqui2_max(3, 4);
    const perm = torch.randperm(6);
    expect(perm.tolist()).toEqual(r.perm);
    expect(pe(cx.index(":", perm)).sub(pe(cx).index(":", perm)).abs().max().item()).toBe(r.equi_diff);
    torch.manual_seed(10);
    const net = new D(8, 3, "max1");
    net.eval();
    F.cross_entropy(net(cx), cy).backward();
    expect(clip_grad(net, 0.01).item()).toBeCloseTo(r.clip_total, 5);
    const after = [...net.parameters()].reduce((s: Tensor | number, p) => p.grad!.norm(2).pow(2).add(s), 0) as Tensor;
    expect(after.sqrt().item()).toBeCloseTo(r.clip_after, 7);
  });
});

// ====================================== DeepSets: dpernes/deepsets-digitsum ======================================
class EquivLinear extends nn.Module {
  in_features: number;
  out_features: number;
  reduction: string;
  alpha: nn.Parameter;
  beta: nn.Parameter;
  declare bias: nn.Parameter | null;
  constructor(in_features: number, out_features: number, { bias = true, reduction = "mean" } = {}) {
    super();
    this.in_features = in_features;
    this.out_features = out_features;
    if (!["mean", "sum", "max", "min"].includes(reduction)) throw new Error("AssertionError");
    this.reduction = reduction;
    this.alpha = new nn.Parameter(torch.Tensor(this.in_features, this.out_features));
    this.beta = new nn.Parameter(torch.Tensor(this.in_features, this.out_features));
    if (bias) this.bias = new nn.Parameter(torch.Tensor(1, this.out_features));
    else this.register_parameter("bias", null);
    this.reset_parameters();
  }

  reset_parameters(): void {
    init.xavier_uniform_(this.alpha);
    init.xavier_uniform_(this.beta);
    if (this.bias !== null) {
      const [fan_in] = init._calculate_fan_in_and_fan_out(this.alpha);
      const bound = 1 / Math.sqrt(fan_in);
      init.uniform_(this.bias, -bound, bound);
    }
  }

  forward(X: Tensor, sizes: Tensor | null = null): Tensor {
    const [N, M] = X.shape;
    const device = X.device;
    const Y = torch.zeros(N, M, this.out_features).to(device);
    let mask: Tensor, size_matrix: Tensor;
    if (sizes === null) {
      mask = torch.ones(N, M).byte().to(device);
      size_matrix = torch.ones(N, 1).float().to(device).mul(M);
    } else {
      mask = torch.arange(M).reshape(1, -1).to(device).lt(sizes.reshape(-1, 1));
      size_matrix = sizes.float().unsqueeze(1);
    }
    if (this.reduction === "mean") {
      X = X.mul(mask.unsqueeze(2).float());
      Y.index_put_([mask], X.matmul(this.alpha).add(X.sum({ dim: 1 }).matmul(this.beta).div(size_matrix).unsqueeze(1)).index(mask));
    } else if (this.reduction === "sum") {
      X = X.mul(mask.unsqueeze(2).float());
      Y.index_put_([mask], X.matmul(this.alpha).add(X.sum({ dim: 1 }).matmul(this.beta).unsqueeze(1)).index(mask));
    } else if (this.reduction === "max") {
      const Z = X.clone();
      Z.index_put_([mask.bitwise_not()], -Infinity);
      Y.index_put_([mask], X.matmul(this.alpha).add(Z.max({ dim: 1 })[0].matmul(this.beta).unsqueeze(1)).index(mask));
    } else {
      const Z = X.clone();
      Z.index_put_([mask.bitwise_not()], Infinity);
      Y.index_put_([mask], X.matmul(this.alpha).add(Z.min({ dim: 1 })[0].matmul(this.beta).unsqueeze(1)).index(mask));
    }
    if (this.bias !== null) Y.index_put_([mask], Y.index(mask).add(this.bias));
    return Y;
  }

  extra_repr(): string {
    return `in_features=${this.in_features}, out_features=${this.out_features}, bias=${this.bias !== null ? "True" : "False"}, reduction=${this.reduction}`;
  }
}

class InvLinear extends EquivLinear {
  constructor(in_features: number, out_features: number, opts: { bias?: boolean; reduction?: string } = {}) {
    super(in_features, out_features, opts);
    this.reset_parameters();
  }
  override reset_parameters(): void {
    super.reset_parameters();
    init.zeros_(this.alpha.data);
    this.alpha.requires_grad_(false);
  }
  override forward(X: Tensor, sizes: Tensor | null = null): Tensor {
    return super.forward(X, sizes).index(":", 0);
  }
}

class MNIST_Adder extends nn.Module {
  feature_extractor = new nn.Sequential(
    new nn.Linear(8 * 8, 30), new nn.ReLU({ inplace: true }),
    new nn.Linear(30, 10), new nn.ReLU({ inplace: true }),
  );
  adder = new InvLinear(10, 10, { reduction: "sum", bias: true });
  output_layer = new nn.Sequential(new nn.ReLU({ inplace: true }), new nn.Linear(10, 1));
  forward(X: Tensor, sizes: Tensor | null = null): Tensor {
    const [N, S, C, Dd] = X.shape;
    let h = this.feature_extractor(X.reshape(N, S, C * Dd * Dd));
    h = this.adder(h, sizes);
    return this.output_layer(h);
  }
}

function accuracy(output: Tensor, target: Tensor): number {
  return target.long().eq(output.round().long()).float().mean().item();
}

describe("dpernes/deepsets-digitsum: EquivLinear / InvLinear with set-size masks, MNIST_Adder", () => {
  it("the four reductions with sizes, InvLinear's frozen alpha and repr, fan in / out", () => {
    const r = ref.deepsets_digitsum;
    torch.manual_seed(11);
    const Xs = torch.randn(3, 4, 2);
    const sizes = torch.tensor([4, 2, 3]);
    let inv!: InvLinear;
    for (const red of ["mean", "sum", "max", "min"]) {
      torch.manual_seed(12);
      const eq = new EquivLinear(2, 3, { reduction: red });
      expectT(eq(Xs, sizes), r[`equiv_${red}`], 1e-5);
      torch.manual_seed(12);
      inv = new InvLinear(2, 3, { reduction: red });
      expectT(inv(Xs, sizes), r[`inv_${red}`], 1e-5);
    }
    expect(inv.alpha.requires_grad).toBe(r.inv_alpha_rg);
    expect(String(inv)).toBe(r.inv_repr);
    expect(init._calculate_fan_in_and_fan_out(torch.empty(2, 3))).toEqual(r.fan);
  });

  it("the uint8 mask path (sizes None): torch's deprecation warning, the values, and ~mask of a byte mask", () => {
    const r = ref.deepsets_digitsum;
    torch.manual_seed(11);
    const Xs = torch.randn(3, 4, 2);
    torch.manual_seed(12);
    const eq = new EquivLinear(2, 3, { reduction: "sum" });
    // torch's C++ warning ends in "(Triggered internally at ...)", which the engine leaves out (as for its other C++ warnings)
    expect([...new Set(warns(() => eq(Xs)))].sort()).toEqual(r.warn_byte.map((m: string) => m.replace(/ \(Triggered internally at .*\)$/, "")));
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    expectT(eq(Xs), r.equiv_sum_nosizes, 1e-5);
    torch.manual_seed(12);
    const eqm = new EquivLinear(2, 3, { reduction: "max" });
    expect(raised(() => eqm(Xs))).toEqual(r.err_max_nosizes);
    expect(torch.ones(2, 2).byte().bitwise_not().tolist()).toEqual(r.byte_not);
  });

  it("MNIST_Adder on seeded 8x8 digits: 3 Adam steps of L1Loss with set-size masks, accuracy", () => {
    const r = ref.deepsets_digitsum;
    const g = new torch.Generator().manual_seed(13);
    let labels = torch.randint(0, 10, [4, 3], { generator: g });
    const imgs = torch.rand([4, 3, 1, 8, 8], { generator: g }).mul(0.3);
    for (let i = 0; i < 4; i++) for (let j = 0; j < 3; j++) imgs.index(i, j, 0, labels.index(i, j).item() % 8).add_(0.7);
    const set_sizes = torch.tensor([3, 1, 2, 3]);
    labels = labels.mul(torch.arange(3).reshape(1, -1).lt(set_sizes.reshape(-1, 1)).long());
    torch.manual_seed(14);
    const model = new MNIST_Adder();
    const optimizer = new torch.optim.Adam(model.parameters(), { lr: 1e-3 });
    const loss_fn = new nn.L1Loss();
    const losses: number[] = [], accs: number[] = [];
    for (let step = 0; step < 3; step++) {
      const Yt = torch.sum(labels, { dim: 1 }).float().unsqueeze(1);
      const Ypred = model(imgs, set_sizes);
      const loss = loss_fn(Ypred, Yt);
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
      torch.no_grad(() => accs.push(accuracy(Ypred, Yt)));
      losses.push(loss.item());
    }
    expectNums(losses, r.adder_losses, 1e-5);
    expect(accs).toEqual(r.adder_accs);
    expectT(model(imgs, set_sizes), r.adder_pred, 1e-5);
    expect([...model.parameters()].filter((p) => p.requires_grad).reduce((s, p) => s + p.numel(), 0)).toBe(r.adder_nparams_trainable);
  });
});

// ====================================== hardmaru: Mixture Density Networks with PyTorch ======================================
class MDN extends nn.Module {
  z_h: nn.Sequential;
  z_pi: nn.Linear; z_sigma: nn.Linear; z_mu: nn.Linear;
  constructor(n_hidden: number, n_gaussians: number) {
    super();
    this.z_h = new nn.Sequential(new nn.Linear(1, n_hidden), new nn.Tanh());
    this.z_pi = new nn.Linear(n_hidden, n_gaussians);
    this.z_sigma = new nn.Linear(n_hidden, n_gaussians);
    this.z_mu = new nn.Linear(n_hidden, n_gaussians);
  }
  forward(x: Tensor): [Tensor, Tensor, Tensor] {
    const z_h = this.z_h(x);
    const pi = nn.functional.softmax(this.z_pi(z_h), -1);
    const sigma = torch.exp(this.z_sigma(z_h));
    const mu = this.z_mu(z_h);
    return [pi, sigma, mu];
  }
}

const oneDivSqrtTwoPI = 1.0 / Math.sqrt(2.0 * Math.PI);
function gaussian_distribution(y: Tensor, mu: Tensor, sigma: Tensor): Tensor {
  let result = y.expand_as(mu).sub(mu).mul(torch.reciprocal(sigma));
  result = result.mul(result).mul(-0.5);
  return torch.exp(result).mul(torch.reciprocal(sigma)).mul(oneDivSqrtTwoPI);
}

function mdn_loss_fn(pi: Tensor, sigma: Tensor, mu: Tensor, y: Tensor): Tensor {
  let result = gaussian_distribution(y, mu, sigma).mul(pi);
  result = torch.sum(result, { dim: 1 });
  result = torch.log(result).neg();
  return torch.mean(result);
}

function gumbel_sample(x: Tensor, axis = 1): Tensor {
  const z = new torch.distributions.Gumbel(0, 1).sample(x.shape);
  return torch.log(x).add(z).argmax({ dim: axis });
}

describe("hardmaru/pytorch_notebooks: Mixture Density Networks with PyTorch", () => {
  it("the sine fit, the inverted fit through x_variable.data = y_tensor, MDN's 3 Adam steps, gumbel sampling", () => {
    const r = ref.mdn_hardmaru;
    torch.manual_seed(15);
    const n_samples = 64;
    const epsilon = torch.randn(n_samples);
    const x_data = torch.rand(n_samples).mul(21).sub(10.5);
    const y_data = torch.sin(x_data.mul(0.75)).mul(7).add(x_data.mul(0.5)).add(epsilon);
    const [n_input, n_hidden, n_output] = [1, 20, 1];
    let network: nn.Module = new nn.Sequential(new nn.Linear(n_input, n_hidden), new nn.Tanh(), new nn.Linear(n_hidden, n_output));
    const loss_fn = new nn.MSELoss();
    let optimizer: optim.Optimizer = new torch.optim.RMSprop(network.parameters());
    const x_tensor = x_data.reshape(n_samples, n_input);
    const y_tensor = y_data.reshape(n_samples, n_input);
    let x_variable = Variable(x_tensor);
    let y_variable = Variable(y_tensor, { requires_grad: false });
    const train = (): number[] => {
      const losses: number[] = [];
      for (let epoch = 0; epoch < 3; epoch++) {
        const y_pred = network(x_variable);
        const loss = loss_fn(y_pred, y_variable);
        optimizer.zero_grad();
        loss.backward();
        optimizer.step();
        losses.push(loss.item());
      }
      return losses;
    };
    expectNums(train(), r.fit, 1e-5);
    const x_test_variable = Variable(torch.linspace(-10, 10, n_samples).reshape(n_samples, n_input));
    expectT(network(x_test_variable).index(":6"), r.fit_test, 1e-5);
    x_variable.data = y_tensor;
    y_variable.data = x_tensor;
    expect(x_variable.eq(y_tensor).all().item()).toBe(r.swapped_is_y);
    expectNums(train(), r.fit_inverted, 1e-5);
    x_test_variable.data = torch.linspace(-15, 15, n_samples).reshape(n_samples, n_input);
    expectT(network(x_test_variable).index(":6"), r.fit_inverted_test, 1e-5);
    expect(raised(() => loss_fn(network(x_variable), y_variable).data.index(0))).toEqual(r.err_data0);

    torch.manual_seed(16);
    const mdn = new MDN(8, 5);
    network = mdn;
    optimizer = new torch.optim.Adam(network.parameters());
    x_variable = Variable(y_tensor);
    y_variable = Variable(x_tensor, { requires_grad: false });
    const losses: number[] = [];
    for (let epoch = 0; epoch < 3; epoch++) {
      const [pi_variable, sigma_variable, mu_variable] = mdn(x_variable);
      const loss = mdn_loss_fn(pi_variable, sigma_variable, mu_variable, y_variable);
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
      losses.push(loss.item());
    }
    expectNums(losses, r.mdn_losses, 1e-5);
    const [pi_variable, sigma_variable, mu_variable] = mdn(x_test_variable);
    const [pi_data, sigma_data, mu_data] = [pi_variable.data, sigma_variable.data, mu_variable.data];
    expectT(pi_data.index(":4"), r.pi, 1e-5);
    expectT(sigma_data.index(":4"), r.sigma, 1e-5);
    expectT(mu_data.index(":4"), r.mu, 1e-5);
    expect(String(mdn)).toBe(r.mdn_repr);

    torch.manual_seed(17);
    const k = gumbel_sample(pi_data);
    expect(k.tolist()).toEqual(r.k);
    const indices = [torch.arange(n_samples), k];
    const rn = torch.randn(n_samples);
    const sampled = rn.mul(sigma_data.index(...indices)).add(mu_data.index(...indices));
    expectT(sampled, r.sampled, 1e-5);
    torch.manual_seed(17);
    const z = torch.log(torch.log(torch.rand(pi_data.shape)).neg()).neg();
    expect(torch.log(pi_data).add(z).argmax({ dim: 1 }).tolist()).toEqual(r.k_by_hand);

    expect(raised(() => gaussian_distribution(x_tensor.reshape(-1), mu_data, sigma_data))).toEqual(r.err_expand);
    expect(warns(() => nn.functional.softmax(torch.randn(3, 5)))).toEqual(r.warn_softmax_nodim);
  });
});

// ====================================== PixelCNN: jzbontar/pixelcnn-pytorch ======================================
type ConvArgs = ConstructorParameters<typeof nn.Conv2d>;

class MaskedConv2d extends nn.Conv2d {
  declare mask: Tensor;
  constructor(mask_type: string, ...args: ConvArgs) {
    super(...args);
    if (!["A", "B"].includes(mask_type)) throw new Error("AssertionError");
    this.register_buffer("mask", this.weight.data.clone());
    const [, , kH, kW] = this.weight.size();
    this.mask.fill_(1);
    this.mask.index_put_([":", ":", Math.floor(kH / 2), `${Math.floor(kW / 2) + Number(mask_type === "B")}:`], 0);
    this.mask.index_put_([":", ":", `${Math.floor(kH / 2) + 1}:`], 0);
  }
  override forward(x: Tensor): Tensor {
    this.weight.data.mul_(this.mask);
    return super.forward(x);
  }
}

/** k/255 pixels: a bright blob on a dark background, as ToTensor gives MNIST. */
function mnist_like(g: Gen, n: number, size = 8): Tensor {
  let k = torch.randint(0, 256, [n, 1, size, size], { generator: g });
  k = k.mul(torch.rand([n, 1, size, size], { generator: g }).lt(0.3).long());
  return k.float().div(255);
}

describe("jzbontar/pixelcnn-pytorch: MaskedConv2d and the Sequential PixelCNN", () => {
  it("masks A and B, repr, buffers in the state_dict, 2 SGD(nesterov) steps, causality of the receptive field", () => {
    const r = ref.pixelcnn_jzbontar;
    torch.manual_seed(18);
    const ma = new MaskedConv2d("A", 1, 1, 5, 1, 2);
    const mb = new MaskedConv2d("B", 1, 1, 5, 1, 2);
    expectT(ma.mask.index(0, 0), r.mask_A, 0);
    expectT(mb.mask.index(0, 0), r.mask_B, 0);
    expect(String(ma)).toBe(r.mask_repr);
    const fm = 4;
    torch.manual_seed(19);
    const net = new nn.Sequential(
      new MaskedConv2d("A", 1, fm, 7, 1, 3), new nn.ReLU(true),
      new MaskedConv2d("B", fm, fm, 7, 1, 3), new nn.ReLU(true),
      new MaskedConv2d("B", fm, 256, 7, 1, 3));
    expect(String(net)).toBe(r.net_repr);
    expect(Object.keys(net.state_dict())).toEqual(r.state_keys);
    expect([...net.buffers()].length).toBe(r.n_buffers);
    const g = new torch.Generator().manual_seed(20);
    const images = mnist_like(g, 4);
    const optimizer = new optim.SGD(net.parameters(), { lr: 0.01, momentum: 0.9, nesterov: true });
    const errs: number[] = [];
    let target!: Tensor;
    for (let step = 0; step < 2; step++) {
      const input = Variable(images);
      target = Variable(input.data.index(":", 0).mul(255).long());
      const loss = F.cross_entropy(net(input), target);
      errs.push(loss.item());
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
    }
    expect(target.sum().item()).toBe(r.target_sum);
    expect(target.eq(images.index(":", 0).mul(255).round().long()).all().item()).toBe(r.target_exact);
    expectNums(errs, r.losses, 1e-5);
    const conv0 = net.get(0) as MaskedConv2d;
    const off = conv0.weight.data.mul(torch.ones_like(conv0.mask).sub(conv0.mask)).abs().max();
    expect(off.eq(0).item()).toBe(r.w0_masked_zero);
    expect(off.item()).toBeCloseTo(r.w0_after_step_offmask, 8);
    const x = images.index(":1").clone().requires_grad_(true);
    net(x).index(0, ":", 3, 3).sum().backward();
    expect(x.grad!.index(0, 0).ne(0).long().tolist()).toEqual(r.causal_grad_nonzero);
  });

  it("the learner's mistakes: Variable(volatile=True), softmax without dim, weight *= mask without .data, float targets", () => {
    const r = ref.pixelcnn_jzbontar;
    expect(warns(() => Variable(torch.zeros(1), { volatile: true }))).toEqual(r.warn_volatile);
    expect(warns(() => F.softmax(torch.randn(2, 256)))).toEqual(r.warn_softmax);
    const mc = new MaskedConv2d("B", 1, 2, 3, 1, 1);
    expect(raised(() => mc.weight.mul_(mc.mask))).toEqual(r.err_inplace_leaf);
    torch.manual_seed(19);
    const net = new nn.Sequential(new MaskedConv2d("A", 1, 4, 7, 1, 3), new nn.ReLU(true), new MaskedConv2d("B", 4, 256, 7, 1, 3));
    const images = mnist_like(new torch.Generator().manual_seed(20), 4);
    // torch: "expected scalar type Long but found Float"; the engine says what the target should be (its deliberate hint)
    expect(raised(() => F.cross_entropy(net(images), images.index(":", 0).mul(255)))?.[0]).toBe(r.err_float_target[0]);
  });
});

// ====================================== PixelCNN: singh-hrituraj/PixelCNN-Pytorch ======================================
class MaskedCNN extends nn.Conv2d {
  declare mask: Tensor;
  declare mask_type: string;
  constructor(mask_type: string, ...args: ConvArgs) {
    super(...args);
    this.mask_type = mask_type;
    this.register_buffer("mask", this.weight.data.clone());
    const [, , height, width] = this.weight.size();
    this.mask.fill_(1);
    const [h2, w2] = [Math.floor(height / 2), Math.floor(width / 2)];
    if (mask_type === "A") {
      this.mask.index_put_([":", ":", h2, `${w2}:`], 0);
      this.mask.index_put_([":", ":", `${h2 + 1}:`, ":"], 0);
    } else {
      this.mask.index_put_([":", ":", h2, `${w2 + 1}:`], 0);
      this.mask.index_put_([":", ":", `${h2 + 1}:`, ":"], 0);
    }
  }
  override forward(x: Tensor): Tensor {
    this.weight.data.mul_(this.mask);
    return super.forward(x);
  }
}

class PixelCNN extends nn.Module {
  no_layers: number; kernel: number; channels: number;
  declare out: nn.Conv2d; // declared, so that the field is not defined (as undefined) before the numbered layers
  constructor({ no_layers = 8, kernel = 7, channels = 64 } = {}) {
    super();
    this.no_layers = no_layers;
    this.kernel = kernel;
    this.channels = channels;
    const self = this as unknown as Record<string, nn.Module>;
    self.Conv2d_1 = new MaskedCNN("A", 1, channels, kernel, 1, Math.floor(kernel / 2), { bias: false });
    self.BatchNorm2d_1 = new nn.BatchNorm2d(channels);
    self.ReLU_1 = new nn.ReLU(true);
    for (let i = 2; i < 9; i++) {
      self[`Conv2d_${i}`] = new MaskedCNN("B", channels, channels, kernel, 1, Math.floor(kernel / 2), { bias: false });
      self[`BatchNorm2d_${i}`] = new nn.BatchNorm2d(channels);
      self[`ReLU_${i}`] = new nn.ReLU(true);
    }
    this.out = new nn.Conv2d(channels, 256, 1);
  }
  forward(x: Tensor): Tensor {
    const self = this as unknown as Record<string, nn.Module>;
    for (let i = 1; i < 9; i++) {
      x = self[`Conv2d_${i}`](x);
      x = self[`BatchNorm2d_${i}`](x);
      x = self[`ReLU_${i}`](x);
    }
    return this.out(x);
  }
}

describe("singh-hrituraj/PixelCNN-Pytorch: PixelCNN with BatchNorm, training and generate.py's sampling", () => {
  it("2 Adam steps of CrossEntropyLoss, then 8x8 samples drawn pixel by pixel with torch.multinomial", () => {
    const r = ref.pixelcnn_singh;
    torch.manual_seed(21);
    const net = new PixelCNN({ kernel: 3, channels: 4 });
    expect([...net.parameters()].reduce((s, p) => s + p.numel(), 0)).toBe(r.n_params);
    expect(String(net).split("\n").slice(0, 5)).toEqual(r.repr_head);
    const optimizer = new optim.Adam(net.parameters());
    const criterion = new nn.CrossEntropyLoss();
    const images = mnist_like(new torch.Generator().manual_seed(22), 4);
    net.train(true);
    const losses: number[] = [];
    for (let step = 0; step < 2; step++) {
      const target = Variable(images.index(":", 0, ":", ":").mul(255)).long();
      optimizer.zero_grad();
      const output = net(images);
      const loss = criterion(output, target);
      loss.backward();
      optimizer.step();
      losses.push(loss.item());
    }
    expectNums(losses, r.losses, 1e-5);
    expectT((net as unknown as Record<string, nn.BatchNorm2d>).BatchNorm2d_1.running_mean!, r.bn1_running_mean as TJ, 1e-5);
    net.eval();
    torch.manual_seed(23);
    const sample = torch.Tensor(2, 1, 8, 8);
    sample.fill_(0);
    let probs!: Tensor;
    for (let i = 0; i < 8; i++) {
      for (let j = 0; j < 8; j++) {
        const out = net(sample);
        probs = F.softmax(out.index(":", ":", i, j), { dim: -1 }).data;
        sample.index_put_([":", ":", i, j], torch.multinomial(probs, 1).float().div(255.0));
      }
    }
    expectT(sample.mul(255).round(), r.sample_255, 0);
    expectT(probs.index(":", ":8"), r.probs_last, 1e-5);
    // save_image(sample, 'sample.png', nrow=12, padding=0) lays the samples out with make_grid (the engine writes no files)
    expectT(torchvision.utils.make_grid(sample, { nrow: 12, padding: 0 }).mul(255).round(), r.grid_255, 0);
  });
});

describe("PixelCNN checkpoints: load_state_dict with and without the registered mask buffers", () => {
  it("all keys matched, missing / unexpected mask keys (strict), strict=false's incompatible keys", () => {
    const r = ref.pixelcnn_checkpoints;
    torch.manual_seed(24);
    const a = new nn.Sequential(new MaskedConv2d("A", 1, 2, 3, 1, 1), new nn.ReLU(true), new MaskedConv2d("B", 2, 4, 3, 1, 1));
    torch.manual_seed(25);
    const b = new nn.Sequential(new MaskedConv2d("A", 1, 2, 3, 1, 1), new nn.ReLU(true), new MaskedConv2d("B", 2, 4, 3, 1, 1));
    expect(String(b.load_state_dict(a.state_dict()))).toBe(r.load_ok);
    const plain = new nn.Sequential(new nn.Conv2d(1, 2, 3, 1, 1), new nn.ReLU(true), new nn.Conv2d(2, 4, 3, 1, 1));
    expect(raised(() => b.load_state_dict(plain.state_dict()))).toEqual(r.err_missing_mask);
    expect(raised(() => plain.load_state_dict(a.state_dict()))).toEqual(r.err_unexpected_mask);
    expect(String(b.load_state_dict(plain.state_dict(), { strict: false }))).toBe(r.nonstrict);
  });
});
