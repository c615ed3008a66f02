/**
 * A probe of normalizing flows and density models in plain PyTorch, translated as a learner would at toy sizes:
 *  - karpathy/pytorch-normalizing-flows: nflib/flows.py (AffineConstantFlow, ActNorm's data-dependent init through
 *    `self.s.data = ...`, AffineHalfFlow as RealNVP and NICE with its `z[:, ::2] = z0` writes into torch.zeros,
 *    SlowMAF over a ModuleDict with LeafParam, MAF / IAF on MADE, Invertible1x1Conv's LU parametrisation from
 *    orthogonal_ and torch.lu_unpack(*Q.lu()), NormalizingFlow / NormalizingFlowModel with prior log_prob and
 *    sample), nflib/made.py (MaskedLinear with its register_buffer mask, MADE's orderings and masks), nflib/nets.py,
 *    nflib1.ipynb's model cells (MultivariateNormal or the logistic TransformedDistribution(Uniform,
 *    SigmoidTransform().inv) prior; the RealNVP + ActNorm, NICE, SlowMAF, MAF, IAF and Glow flow lists) and training
 *    loop (Adam with weight_decay, -sum(prior_logprob + log_det));
 *  - karpathy/pytorch-made (run.py): run_epoch at toy sizes, masks resampled every step and averaged over 2 samples at
 *    test, binary_cross_entropy_with_logits with size_average=False, Adam with positional lr, StepLR.step(epoch) and its
 *    warnings (made.py itself is nflib/made.py's MADE above);
 *  - sagelywizard/pytorch-mdn (mdn/mdn.py): MDN's pi / sigma / mu heads, gaussian_probability, mdn_loss, sample via
 *    Categorical + randn + gather, checked against MixtureSameFamily(Categorical, Independent(Normal));
 *  - YongfeiYan/Gumbel_Softmax_VAE (gumbel_softmax_vae.py): sample_gumbel, gumbel_softmax with the hard
 *    straight-through one-hot, VAE_gumbel, loss_function (binary_cross_entropy with the deprecated
 *    size_average=False, the KL to a uniform categorical, checked against kl_divergence), the temperature anneal,
 *    decoding random one-hot codes;
 *  - torch.distributions as these lead to it, beyond core/distributions2.test.ts: MultivariateNormal by scale_tril or
 *    covariance_matrix (log_prob, entropy, precision, rsample and its gradient), KL between MVNs and between
 *    Independent Normals, a 2-D Gaussian mixture (MixtureSameFamily over Independent) fitted to the moons.
 * make_moons is two noisy half circles built with torch ops (moons() below, the same calls in the fixture script);
 * MNIST is a seeded [8, 16] batch; nh = 8, 3 Adam steps per model. Values are compared with torch 1.13 running the
 * same code (scripts/fixtures/flows_probabilistic_fixtures.py -> tests/fixtures/torch/tutorials/flows_probabilistic.json).
 *
 * nflib/spline_flows.py is translated too (searchsorted's in-place `bin_locations[..., -1] += eps`, unconstrained_RQS's
 * boolean-mask reads and writes, F.pad, RQS forward and inverse, NSF_AR and NSF_CL), run as the notebook's final model.
 * Python forms written otherwise (also in the fixture where marked *): MADE's np.random.RandomState(seed) -> a seeded
 * torch.Generator with randperm / randint (*), np.random.choice -> torch.randint (*), run.py's
 * torch._C.set_grad_enabled -> torch.set_grad_enabled (*), LeafParam's uninitialised torch.Tensor(1, n) -> torch.zeros
 * (*), torch.from_numpy(mask.astype(np.uint8).T) -> mask.to(torch.uint8).T (*); Variable(t) -> t, np.mean -> sum /
 * length, `z[:, ::2] = z0` -> index_put_([":", "::2"], z0), `a[mask], b[mask] = f(...)` -> two index_put_, RQS's
 * keyword defaults -> an options object (min_bin_* at their defaults), the spline nets' repeated W / H / D lines ->
 * splineParams(), torch.Tensor(3 * K - 1) before init.uniform_ -> torch.empty, ModuleList `+=` -> extend,
 * `log_det += ld` -> add_, self.flows[::-1] -> [...flows].reverse(), ModuleDict's layers[str(i)] -> get / set, the IAF's
 * `self.forward, self.backward = self.backward, self.forward` -> a destructuring swap, itertools.chain(*zip(a, b)) ->
 * flatMap, keyword arguments -> an options object, Python operators on tensors -> methods, tuples -> arrays,
 * np.maximum / np.exp of numbers -> Math, the prior typed by what the model calls (Dist below: the older distribution
 * classes, MultivariateNormal among them, are not typed as subclasses of Distribution).
 * Found and fixed in the engine (core/flows_probabilistic_gaps.test.ts): prior.sample(128) raising torch's
 * "'int' object is not iterable" (was JavaScript's "sampleShape is not iterable"), Q.lu()'s deprecation warning, and
 * z.flip(dims=(1,))'s keyword form typed (with x.flip() raising torch's TypeError instead of returning x).
 * Known differences kept visible: torch.lu_unpack(Q.lu()) without the star names a list (torch: tuple); a Categorical's
 * repr after sample() lists only the parameter it was given (torch adds the lazily computed probs).
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { F, nn, optim, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectNums, expectT, raised, tutorialFixture } from "./helpers";

const ref = tutorialFixture<Record<string, any>>("flows_probabilistic.json"); // eslint-disable-line @typescript-eslint/no-explicit-any
const D = torch.distributions;
/** What NormalizingFlowModel asks of its prior (the engine's older distribution classes are not typed as subclasses of Distribution). */
type Dist = { log_prob(value: Tensor): Tensor; sample(sample_shape: number[]): Tensor };

afterEach(() => {
  vi.restoreAllMocks();
});

// ====================================== nflib ======================================
class LeafParam extends nn.Module {
  p: nn.Parameter;
  constructor(n: number) {
    super();
    this.p = new nn.Parameter(torch.zeros(1, n));
  }
  forward(x: Tensor): Tensor {
    return this.p.expand(x.size(0), this.p.size(1));
  }
}

class MLP extends nn.Module {
  net: nn.Sequential;
  constructor(nin: number, nout: number, nh: number) {
    super();
    this.net = new nn.Sequential(
      new nn.Linear(nin, nh), new nn.LeakyReLU(0.2),
      new nn.Linear(nh, nh), new nn.LeakyReLU(0.2),
      new nn.Linear(nh, nh), new nn.LeakyReLU(0.2),
      new nn.Linear(nh, nout),
    );
  }
  forward(x: Tensor): Tensor {
    return this.net(x);
  }
}

class MaskedLinear extends nn.Linear {
  declare mask: Tensor;
  constructor(in_features: number, out_features: number, bias = true) {
    super(in_features, out_features, bias);
    this.register_buffer("mask", torch.ones(out_features, in_features));
  }
  set_mask(mask: Tensor): void {
    this.mask.data.copy_(mask.to(torch.uint8).T);
  }
  forward(input: Tensor): Tensor {
    return F.linear(input, this.mask.mul(this.weight), this.bias);
  }
}

class MADE extends nn.Module {
  nin: number;
  nout: number;
  hidden_sizes: number[];
  net: nn.Sequential;
  natural_ordering: boolean;
  num_masks: number;
  seed = 0;
  m: Record<number, Tensor> = {};
  constructor(nin: number, hidden_sizes: number[], nout: number, num_masks = 1, natural_ordering = false) {
    super();
    this.nin = nin;
    this.nout = nout;
    this.hidden_sizes = hidden_sizes;
    if (this.nout % this.nin !== 0) throw new Error("nout must be integer multiple of nin");
    const net: nn.Module[] = [];
    const hs = [nin, ...hidden_sizes, nout];
    hs.slice(1).forEach((h1, i) => net.push(new MaskedLinear(hs[i], h1), new nn.ReLU()));
    net.pop();
    this.net = new nn.Sequential(...net);
    this.natural_ordering = natural_ordering;
    this.num_masks = num_masks;
    this.update_masks();
  }
  update_masks(): void {
    if (Object.keys(this.m).length > 0 && this.num_masks === 1) return;
    const L = this.hidden_sizes.length;
    const rng = new torch.Generator().manual_seed(this.seed);
    this.seed = (this.seed + 1) % this.num_masks;
    this.m[-1] = this.natural_ordering ? torch.arange(this.nin) : torch.randperm(this.nin, { generator: rng });
    for (let l = 0; l < L; l++) {
      this.m[l] = torch.randint(this.m[l - 1].min().item(), this.nin - 1, [this.hidden_sizes[l]], { generator: rng });
    }
    const masks: Tensor[] = [];
    for (let l = 0; l < L; l++) masks.push(this.m[l - 1].index(":", "None").le(this.m[l].index("None", ":")));
    masks.push(this.m[L - 1].index(":", "None").lt(this.m[-1].index("None", ":")));
    if (this.nout > this.nin) {
      const k = Math.floor(this.nout / this.nin);
      masks[masks.length - 1] = torch.cat(Array(k).fill(masks[masks.length - 1]), { dim: 1 });
    }
    const layers = [...this.net.modules()].filter((l): l is MaskedLinear => l instanceof MaskedLinear);
    layers.forEach((l, i) => l.set_mask(masks[i]));
  }
  forward(x: Tensor): Tensor {
    return this.net(x);
  }
}

class ARMLP extends nn.Module {
  net: MADE;
  constructor(nin: number, nout: number, nh: number) {
    super();
    this.net = new MADE(nin, [nh, nh, nh], nout, 1, true);
  }
  forward(x: Tensor): Tensor {
    return this.net(x);
  }
}

/** What every flow offers: forward (x -> z) and backward (z -> x, an inversion), each with its log |det J|. */
interface Flow extends nn.Module {
  forward(x: Tensor): [Tensor, Tensor];
  backward(z: Tensor): [Tensor, Tensor];
}

class AffineConstantFlow extends nn.Module implements Flow {
  s: nn.Parameter | null;
  t: nn.Parameter | null;
  constructor(dim: number, { scale = true, shift = true } = {}) {
    super();
    this.s = scale ? new nn.Parameter(torch.randn(1, dim, { requires_grad: true })) : null;
    this.t = shift ? new nn.Parameter(torch.randn(1, dim, { requires_grad: true })) : null;
  }
  forward(x: Tensor): [Tensor, Tensor] {
    const s = this.s !== null ? this.s : x.new_zeros(x.size());
    const t = this.t !== null ? this.t : x.new_zeros(x.size());
    const z = x.mul(torch.exp(s)).add(t);
    const log_det = torch.sum(s, { dim: 1 });
    return [z, log_det];
  }
  backward(z: Tensor): [Tensor, Tensor] {
    const s = this.s !== null ? this.s : z.new_zeros(z.size());
    const t = this.t !== null ? this.t : z.new_zeros(z.size());
    const x = z.sub(t).mul(torch.exp(s.neg()));
    const log_det = torch.sum(s.neg(), { dim: 1 });
    return [x, log_det];
  }
}

class ActNorm extends AffineConstantFlow {
  data_dep_init_done = false;
  forward(x: Tensor): [Tensor, Tensor] {
    if (!this.data_dep_init_done) {
      this.s!.data = torch.log(x.std({ dim: 0, keepdim: true })).neg().detach();
      this.t!.data = x.mul(torch.exp(this.s!)).mean({ dim: 0, keepdim: true }).neg().detach();
      this.data_dep_init_done = true;
    }
    return super.forward(x);
  }
}

class AffineHalfFlow extends nn.Module implements Flow {
  dim: number;
  parity: number;
  s_cond: (x: Tensor) => Tensor;
  t_cond: (x: Tensor) => Tensor;
  constructor(dim: number, parity: number, { net_class = MLP, nh = 24, scale = true, shift = true } = {}) {
    super();
    this.dim = dim;
    this.parity = parity;
    this.s_cond = (x) => x.new_zeros(x.size(0), Math.floor(this.dim / 2));
    this.t_cond = (x) => x.new_zeros(x.size(0), Math.floor(this.dim / 2));
    if (scale) this.s_cond = new net_class(Math.floor(this.dim / 2), Math.floor(this.dim / 2), nh);
    if (shift) this.t_cond = new net_class(Math.floor(this.dim / 2), Math.floor(this.dim / 2), nh);
  }
  forward(x: Tensor): [Tensor, Tensor] {
    let [x0, x1] = [x.index(":", "::2"), x.index(":", "1::2")];
    if (this.parity) [x0, x1] = [x1, x0];
    const s = this.s_cond(x0);
    const t = this.t_cond(x0);
    let z0 = x0;
    let z1 = torch.exp(s).mul(x1).add(t);
    if (this.parity) [z0, z1] = [z1, z0];
    const z = torch.zeros([x.shape[0], this.dim]);
    z.index_put_([":", "::2"], z0);
    z.index_put_([":", "1::2"], z1);
    const log_det = torch.sum(s, { dim: 1 });
    return [z, log_det];
  }
  backward(z: Tensor): [Tensor, Tensor] {
    let [z0, z1] = [z.index(":", "::2"), z.index(":", "1::2")];
    if (this.parity) [z0, z1] = [z1, z0];
    const s = this.s_cond(z0);
    const t = this.t_cond(z0);
    let x0 = z0;
    let x1 = z1.sub(t).mul(torch.exp(s.neg()));
    if (this.parity) [x0, x1] = [x1, x0];
    const x = torch.zeros([z.shape[0], this.dim]);
    x.index_put_([":", "::2"], x0);
    x.index_put_([":", "1::2"], x1);
    const log_det = torch.sum(s.neg(), { dim: 1 });
    return [x, log_det];
  }
}

class SlowMAF extends nn.Module implements Flow {
  dim: number;
  layers: nn.ModuleDict;
  order: number[];
  constructor(dim: number, parity: number, { net_class = MLP, nh = 24 } = {}) {
    super();
    this.dim = dim;
    this.layers = new nn.ModuleDict();
    this.layers.set(String(0), new LeafParam(2));
    for (let i = 1; i < dim; i++) this.layers.set(String(i), new net_class(i, 2, nh));
    const range = [...Array(dim).keys()];
    this.order = parity ? range : range.reverse();
  }
  private layer(i: number): (x: Tensor) => Tensor {
    return this.layers.get(String(i)) as MLP | LeafParam;
  }
  forward(x: Tensor): [Tensor, Tensor] {
    const z = torch.zeros_like(x);
    const log_det = torch.zeros(x.size(0));
    for (let i = 0; i < this.dim; i++) {
      const st = this.layer(i)(x.index(":", `:${i}`));
      const [s, t] = [st.index(":", 0), st.index(":", 1)];
      z.index_put_([":", this.order[i]], x.index(":", i).mul(torch.exp(s)).add(t));
      log_det.add_(s);
    }
    return [z, log_det];
  }
  backward(z: Tensor): [Tensor, Tensor] {
    const x = torch.zeros_like(z);
    const log_det = torch.zeros(z.size(0));
    for (let i = 0; i < this.dim; i++) {
      const st = this.layer(i)(x.index(":", `:${i}`));
      const [s, t] = [st.index(":", 0), st.index(":", 1)];
      x.index_put_([":", i], z.index(":", this.order[i]).sub(t).mul(torch.exp(s.neg())));
      log_det.add_(s.neg());
    }
    return [x, log_det];
  }
}

class MAF extends nn.Module implements Flow {
  dim: number;
  net: ARMLP;
  parity: number;
  constructor(dim: number, parity: number, { net_class = ARMLP, nh = 24 } = {}) {
    super();
    this.dim = dim;
    this.net = new net_class(dim, dim * 2, nh);
    this.parity = parity;
  }
  forward(x: Tensor): [Tensor, Tensor] {
    const st = this.net(x);
    const [s, t] = st.split(this.dim, { dim: 1 });
    let z = x.mul(torch.exp(s)).add(t);
    z = this.parity ? z.flip({ dims: [1] }) : z;
    const log_det = torch.sum(s, { dim: 1 });
    return [z, log_det];
  }
  backward(z: Tensor): [Tensor, Tensor] {
    const x = torch.zeros_like(z);
    const log_det = torch.zeros(z.size(0));
    z = this.parity ? z.flip({ dims: [1] }) : z;
    for (let i = 0; i < this.dim; i++) {
      const st = this.net(x.clone());
      const [s, t] = st.split(this.dim, { dim: 1 });
      x.index_put_([":", i], z.index(":", i).sub(t.index(":", i)).mul(torch.exp(s.index(":", i).neg())));
      log_det.add_(s.index(":", i).neg());
    }
    return [x, log_det];
  }
}

class IAF extends MAF {
  constructor(dim: number, parity: number, opts: { nh?: number } = {}) {
    super(dim, parity, opts);
    [this.forward, this.backward] = [this.backward, this.forward];
  }
}

class Invertible1x1Conv extends nn.Module implements Flow {
  dim: number;
  P: Tensor;
  L: nn.Parameter;
  S: nn.Parameter;
  U: nn.Parameter;
  constructor(dim: number) {
    super();
    this.dim = dim;
    const Q = nn.init.orthogonal_(torch.randn(dim, dim));
    const [P, L, U] = torch.lu_unpack(...(Q.lu() as [Tensor, Tensor]));
    this.P = P;
    this.L = new nn.Parameter(L);
    this.S = new nn.Parameter(U.diag());
    this.U = new nn.Parameter(torch.triu(U, { diagonal: 1 }));
  }
  _assemble_W(): Tensor {
    const L = torch.tril(this.L, { diagonal: -1 }).add(torch.diag(torch.ones(this.dim)));
    const U = torch.triu(this.U, { diagonal: 1 });
    return this.P.matmul(L).matmul(U.add(torch.diag(this.S)));
  }
  forward(x: Tensor): [Tensor, Tensor] {
    const W = this._assemble_W();
    const z = x.matmul(W);
    const log_det = torch.sum(torch.log(torch.abs(this.S)));
    return [z, log_det];
  }
  backward(z: Tensor): [Tensor, Tensor] {
    const W = this._assemble_W();
    const W_inv = torch.inverse(W);
    const x = z.matmul(W_inv);
    const log_det = torch.sum(torch.log(torch.abs(this.S))).neg();
    return [x, log_det];
  }
}

class NormalizingFlow extends nn.Module {
  flows: nn.ModuleList;
  constructor(flows: Flow[]) {
    super();
    this.flows = new nn.ModuleList(flows);
  }
  forward(x: Tensor): [Tensor[], Tensor] {
    const [m] = x.shape;
    const log_det = torch.zeros(m);
    const zs = [x];
    for (const flow of this.flows as Iterable<Flow>) {
      const [next, ld] = flow.forward(x);
      x = next;
      log_det.add_(ld);
      zs.push(x);
    }
    return [zs, log_det];
  }
  backward(z: Tensor): [Tensor[], Tensor] {
    const [m] = z.shape;
    const log_det = torch.zeros(m);
    const xs = [z];
    for (const flow of [...(this.flows as Iterable<Flow>)].reverse()) {
      const [next, ld] = flow.backward(z);
      z = next;
      log_det.add_(ld);
      xs.push(z);
    }
    return [xs, log_det];
  }
}

class NormalizingFlowModel extends nn.Module {
  prior: Dist;
  flow: NormalizingFlow;
  constructor(prior: Dist, flows: Flow[]) {
    super();
    this.prior = prior;
    this.flow = new NormalizingFlow(flows);
  }
  forward(x: Tensor): [Tensor[], Tensor, Tensor] {
    const [zs, log_det] = this.flow.forward(x);
    const prior_logprob = this.prior.log_prob(zs[zs.length - 1]).view(x.size(0), -1).sum(1);
    return [zs, prior_logprob, log_det];
  }
  backward(z: Tensor): [Tensor[], Tensor] {
    return this.flow.backward(z);
  }
  sample(num_samples: number): Tensor[] {
    const z = this.prior.sample([num_samples]);
    const [xs] = this.flow.backward(z);
    return xs;
  }
}

// ---- nflib/spline_flows.py: neural spline flows ----
const DEFAULT_MIN_BIN_WIDTH = 1e-3;
const DEFAULT_MIN_BIN_HEIGHT = 1e-3;
const DEFAULT_MIN_DERIVATIVE = 1e-3;

function searchsorted(bin_locations: Tensor, inputs: Tensor, eps = 1e-6): Tensor {
  bin_locations.index("...", -1).add_(eps);
  return torch.sum(inputs.index("...", "None").ge(bin_locations), { dim: -1 }).sub(1);
}

interface RQSOptions { inverse?: boolean; tail_bound?: number; left?: number; right?: number; bottom?: number; top?: number }

function unconstrained_RQS(inputs: Tensor, unnormalized_widths: Tensor, unnormalized_heights: Tensor, unnormalized_derivatives: Tensor, { inverse = false, tail_bound = 1 }: RQSOptions = {}): [Tensor, Tensor] {
  const inside_intvl_mask = inputs.ge(-tail_bound).bitwise_and(inputs.le(tail_bound));
  const outside_interval_mask = inside_intvl_mask.bitwise_not();
  const outputs = torch.zeros_like(inputs);
  const logabsdet = torch.zeros_like(inputs);
  unnormalized_derivatives = F.pad(unnormalized_derivatives, { pad: [1, 1] });
  const constant = Math.log(Math.exp(1 - DEFAULT_MIN_DERIVATIVE) - 1);
  unnormalized_derivatives.index_put_(["...", 0], constant);
  unnormalized_derivatives.index_put_(["...", -1], constant);
  outputs.index_put_([outside_interval_mask], inputs.index(outside_interval_mask));
  logabsdet.index_put_([outside_interval_mask], 0);
  const [o, l] = RQS(
    inputs.index(inside_intvl_mask),
    unnormalized_widths.index(inside_intvl_mask, ":"),
    unnormalized_heights.index(inside_intvl_mask, ":"),
    unnormalized_derivatives.index(inside_intvl_mask, ":"),
    { inverse, left: -tail_bound, right: tail_bound, bottom: -tail_bound, top: tail_bound },
  );
  outputs.index_put_([inside_intvl_mask], o);
  logabsdet.index_put_([inside_intvl_mask], l);
  return [outputs, logabsdet];
}

function RQS(inputs: Tensor, unnormalized_widths: Tensor, unnormalized_heights: Tensor, unnormalized_derivatives: Tensor, { inverse = false, left = 0, right = 1, bottom = 0, top = 1 }: RQSOptions = {}): [Tensor, Tensor] {
  const [min_bin_width, min_bin_height, min_derivative] = [DEFAULT_MIN_BIN_WIDTH, DEFAULT_MIN_BIN_HEIGHT, DEFAULT_MIN_DERIVATIVE];
  if (torch.min(inputs).item() < left || torch.max(inputs).item() > right) throw new Error("Input outside domain");
  const num_bins = unnormalized_widths.shape[unnormalized_widths.dim() - 1];
  let widths = F.softmax(unnormalized_widths, { dim: -1 });
  widths = widths.mul(1 - min_bin_width * num_bins).add(min_bin_width);
  let cumwidths = torch.cumsum(widths, { dim: -1 });
  cumwidths = F.pad(cumwidths, { pad: [1, 0], mode: "constant", value: 0.0 });
  cumwidths = cumwidths.mul(right - left).add(left);
  cumwidths.index_put_(["...", 0], left);
  cumwidths.index_put_(["...", -1], right);
  widths = cumwidths.index("...", "1:").sub(cumwidths.index("...", ":-1"));
  const derivatives = F.softplus(unnormalized_derivatives).add(min_derivative);
  let heights = F.softmax(unnormalized_heights, { dim: -1 });
  heights = heights.mul(1 - min_bin_height * num_bins).add(min_bin_height);
  let cumheights = torch.cumsum(heights, { dim: -1 });
  cumheights = F.pad(cumheights, { pad: [1, 0], mode: "constant", value: 0.0 });
  cumheights = cumheights.mul(top - bottom).add(bottom);
  cumheights.index_put_(["...", 0], bottom);
  cumheights.index_put_(["...", -1], top);
  heights = cumheights.index("...", "1:").sub(cumheights.index("...", ":-1"));
  const bin_idx = (inverse ? searchsorted(cumheights, inputs) : searchsorted(cumwidths, inputs)).index("...", "None");
  const input_cumwidths = cumwidths.gather(-1, bin_idx).index("...", 0);
  const input_bin_widths = widths.gather(-1, bin_idx).index("...", 0);
  const input_cumheights = cumheights.gather(-1, bin_idx).index("...", 0);
  const delta = heights.div(widths);
  const input_delta = delta.gather(-1, bin_idx).index("...", 0);
  const input_derivatives = derivatives.gather(-1, bin_idx).index("...", 0);
  const input_derivatives_plus_one = derivatives.index("...", "1:").gather(-1, bin_idx).index("...", 0);
  const input_heights = heights.gather(-1, bin_idx).index("...", 0);
  const slope = input_derivatives.add(input_derivatives_plus_one).sub(input_delta.mul(2));
  if (inverse) {
    const a = inputs.sub(input_cumheights).mul(slope).add(input_heights.mul(input_delta.sub(input_derivatives)));
    const b = input_heights.mul(input_derivatives).sub(inputs.sub(input_cumheights).mul(slope));
    const c = input_delta.neg().mul(inputs.sub(input_cumheights));
    const discriminant = b.pow(2).sub(a.mul(4).mul(c));
    if (!discriminant.ge(0).all().item()) throw new Error("AssertionError");
    const root = c.mul(2).div(b.neg().sub(torch.sqrt(discriminant)));
    const outputs = root.mul(input_bin_widths).add(input_cumwidths);
    const theta_one_minus_theta = root.mul(root.neg().add(1));
    const denominator = input_delta.add(slope.mul(theta_one_minus_theta));
    const derivative_numerator = input_delta.pow(2).mul(
      input_derivatives_plus_one.mul(root.pow(2)).add(input_delta.mul(2).mul(theta_one_minus_theta)).add(input_derivatives.mul(root.neg().add(1).pow(2))),
    );
    const logabsdet = torch.log(derivative_numerator).sub(torch.log(denominator).mul(2));
    return [outputs, logabsdet.neg()];
  }
  const theta = inputs.sub(input_cumwidths).div(input_bin_widths);
  const theta_one_minus_theta = theta.mul(theta.neg().add(1));
  const numerator = input_heights.mul(input_delta.mul(theta.pow(2)).add(input_derivatives.mul(theta_one_minus_theta)));
  const denominator = input_delta.add(slope.mul(theta_one_minus_theta));
  const outputs = input_cumheights.add(numerator.div(denominator));
  const derivative_numerator = input_delta.pow(2).mul(
    input_derivatives_plus_one.mul(theta.pow(2)).add(input_delta.mul(2).mul(theta_one_minus_theta)).add(input_derivatives.mul(theta.neg().add(1).pow(2))),
  );
  const logabsdet = torch.log(derivative_numerator).sub(torch.log(denominator).mul(2));
  return [outputs, logabsdet];
}

/** W, H, D of a spline from a net's output split in K, K, K - 1 along dim: softmax'd widths and heights scaled to 2B, softplus'd derivatives. */
function splineParams(out: Tensor, K: number, B: number, dim: number): [Tensor, Tensor, Tensor] {
  let [W, H, D] = torch.split(out, K, { dim });
  [W, H] = [torch.softmax(W, { dim }), torch.softmax(H, { dim })];
  [W, H] = [W.mul(2 * B), H.mul(2 * B)];
  D = F.softplus(D);
  return [W, H, D];
}

class NSF_AR extends nn.Module implements Flow {
  dim: number;
  K: number;
  B: number;
  layers: nn.ModuleList;
  init_param: nn.Parameter;
  constructor(dim: number, { K = 5, B = 3, hidden_dim = 8, base_network = MLP } = {}) {
    super();
    this.dim = dim;
    this.K = K;
    this.B = B;
    this.layers = new nn.ModuleList();
    this.init_param = new nn.Parameter(torch.empty(3 * K - 1));
    for (let i = 1; i < dim; i++) this.layers.extend([new base_network(i, 3 * K - 1, hidden_dim)]);
    this.reset_parameters();
  }
  reset_parameters(): void {
    nn.init.uniform_(this.init_param, -1 / 2, 1 / 2);
  }
  private params(x: Tensor, i: number): [Tensor, Tensor, Tensor] {
    const out = i === 0 ? this.init_param.expand(x.shape[0], 3 * this.K - 1) : (this.layers.get(i - 1) as MLP)(x.index(":", `:${i}`));
    return splineParams(out, this.K, this.B, 1);
  }
  forward(x: Tensor): [Tensor, Tensor] {
    const z = torch.zeros_like(x);
    const log_det = torch.zeros(z.shape[0]);
    for (let i = 0; i < this.dim; i++) {
      const [W, H, D] = this.params(x, i);
      const [zi, ld] = unconstrained_RQS(x.index(":", i), W, H, D, { inverse: false, tail_bound: this.B });
      z.index_put_([":", i], zi);
      log_det.add_(ld);
    }
    return [z, log_det];
  }
  backward(z: Tensor): [Tensor, Tensor] {
    const x = torch.zeros_like(z);
    const log_det = torch.zeros(x.shape[0]);
    for (let i = 0; i < this.dim; i++) {
      const [W, H, D] = this.params(x, i);
      const [xi, ld] = unconstrained_RQS(z.index(":", i), W, H, D, { inverse: true, tail_bound: this.B });
      x.index_put_([":", i], xi);
      log_det.add_(ld);
    }
    return [x, log_det];
  }
}

class NSF_CL extends nn.Module implements Flow {
  dim: number;
  K: number;
  B: number;
  f1: MLP;
  f2: MLP;
  constructor(dim: number, { K = 5, B = 3, hidden_dim = 8, base_network = MLP } = {}) {
    super();
    this.dim = dim;
    this.K = K;
    this.B = B;
    this.f1 = new base_network(Math.floor(dim / 2), Math.floor(((3 * K - 1) * dim) / 2), hidden_dim);
    this.f2 = new base_network(Math.floor(dim / 2), Math.floor(((3 * K - 1) * dim) / 2), hidden_dim);
  }
  private params(f: MLP, h: Tensor): [Tensor, Tensor, Tensor] {
    return splineParams(f(h).reshape(-1, Math.floor(this.dim / 2), 3 * this.K - 1), this.K, this.B, 2);
  }
  forward(x: Tensor): [Tensor, Tensor] {
    const log_det = torch.zeros(x.shape[0]);
    let [lower, upper] = [x.index(":", `:${Math.floor(this.dim / 2)}`), x.index(":", `${Math.floor(this.dim / 2)}:`)];
    let ld: Tensor;
    [upper, ld] = unconstrained_RQS(upper, ...this.params(this.f1, lower), { inverse: false, tail_bound: this.B });
    log_det.add_(torch.sum(ld, { dim: 1 }));
    [lower, ld] = unconstrained_RQS(lower, ...this.params(this.f2, upper), { inverse: false, tail_bound: this.B });
    log_det.add_(torch.sum(ld, { dim: 1 }));
    return [torch.cat([lower, upper], { dim: 1 }), log_det];
  }
  backward(z: Tensor): [Tensor, Tensor] {
    const log_det = torch.zeros(z.shape[0]);
    let [lower, upper] = [z.index(":", `:${Math.floor(this.dim / 2)}`), z.index(":", `${Math.floor(this.dim / 2)}:`)];
    let ld: Tensor;
    [lower, ld] = unconstrained_RQS(lower, ...this.params(this.f2, upper), { inverse: true, tail_bound: this.B });
    log_det.add_(torch.sum(ld, { dim: 1 }));
    [upper, ld] = unconstrained_RQS(upper, ...this.params(this.f1, lower), { inverse: true, tail_bound: this.B });
    log_det.add_(torch.sum(ld, { dim: 1 }));
    return [torch.cat([lower, upper], { dim: 1 }), log_det];
  }
}

/** make_moons(n, noise=0.05) by hand: two interleaved half circles plus Gaussian noise. */
function moons(n: number): Tensor {
  const t = torch.rand(Math.floor(n / 2)).mul(Math.PI);
  const outer = torch.stack([torch.cos(t), torch.sin(t)], { dim: 1 });
  const inner = torch.stack([torch.cos(t).neg().add(1), torch.sin(t).neg().add(0.5)], { dim: 1 });
  return torch.cat([outer, inner]).add(torch.randn(n, 2).mul(0.05));
}

const GRID = torch.tensor([[0.0, 0.0], [1.0, 0.5], [-0.5, 1.0], [2.0, -0.5]]);

function runFlow(name: string, seed: number, make_prior: () => Dist, make_flows: () => Flow[]): NormalizingFlowModel {
  const r = ref[name];
  torch.manual_seed(seed);
  const prior = make_prior();
  const flows = make_flows();
  const model = new NormalizingFlowModel(prior, flows);
  const optimizer = new optim.Adam(model.parameters(), { lr: 1e-3, weight_decay: 1e-5 });
  expect(model.parameters().reduce((n, p) => n + p.numel(), 0)).toBe(r.n_params);
  const losses: number[] = [];
  model.train();
  for (let k = 0; k < 3; k++) {
    const x = moons(16);
    const [, prior_logprob, log_det] = model(x);
    const logprob = prior_logprob.add(log_det);
    const loss = torch.sum(logprob).neg();
    model.zero_grad();
    loss.backward();
    optimizer.step();
    losses.push(loss.item());
  }
  expectNums(losses, r.losses, 2e-4);
  model.eval();
  const [zs, prior_logprob, log_det] = model(GRID);
  expect(zs.length).toBe(r.n_zs);
  expectT(zs[zs.length - 1], r.z, 2e-4);
  expectT(prior_logprob.add(log_det), r.logprob, 2e-4);
  const [xs, back_ld] = model.backward(zs[zs.length - 1]);
  expectT(xs[xs.length - 1], r.roundtrip, 2e-4);
  expectT(back_ld, r.back_log_det, 2e-4);
  torch.manual_seed(seed + 100);
  expectT(model.sample(4).at(-1)!, r.sample, 2e-4);
  return model;
}

const mvn_prior = (): Dist => new D.MultivariateNormal(torch.zeros(2), torch.eye(2));
const logistic_prior = (): Dist => new D.TransformedDistribution(new D.Uniform(torch.zeros(2), torch.ones(2)), new D.SigmoidTransform().inv);

describe("karpathy/pytorch-normalizing-flows on two moons: 3 Adam steps, log_prob, inversion, samples", () => {
  it("Invertible1x1Conv's init: orthogonal_, Q.lu() (torch's deprecation warning) and lu_unpack", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    torch.manual_seed(6);
    const conv = new Invertible1x1Conv(3);
    const r = ref.conv3;
    const firstLine = (m: unknown): string => String(m).replace(/^UserWarning: /, "").split("\n")[0];
    expect(warn.mock.calls.map((c) => firstLine(c[0]))).toEqual(r.warnings.map(firstLine));
    expectT(conv.P, r.P, 1e-5);
    expectT(conv.L, r.L, 1e-5);
    expectT(conv.S, r.S, 1e-5);
    expectT(conv.U, r.U, 1e-5);
    expectT(conv._assemble_W(), r.W, 1e-5);
    expect(conv(torch.ones(2, 3))[1].item()).toBeCloseTo(r.log_det, 5);
    expect([...conv.named_parameters()].map(([n]) => n)).toEqual(r.params);
  });

  it("RealNVP with ActNorm (MultivariateNormal prior)", () => {
    const m = runFlow("realnvp", 0, mvn_prior, () => {
      const flows = [0, 1, 2, 3].map((i) => new AffineHalfFlow(2, i % 2, { nh: 8 }));
      const norms = flows.map(() => new ActNorm(2));
      return norms.flatMap((n, i) => [n, flows[i]]);
    });
    const flows = [...m.flow.flows];
    expect(String(flows[0])).toBe(ref.realnvp.repr_first);
    expect(String(flows[1])).toBe(ref.realnvp.repr_coupling);
    expectT((flows[0] as ActNorm).s!, ref.realnvp.actnorm_s, 2e-4);
  });

  it("NICE: additive couplings and a scaling layer (logistic prior: TransformedDistribution(Uniform, SigmoidTransform().inv))", () => {
    runFlow("nice", 1, logistic_prior, () => [
      ...[0, 1].map((i) => new AffineHalfFlow(2, i % 2, { scale: false, nh: 8 })),
      new AffineConstantFlow(2, { shift: false }),
    ]);
  });

  it("SlowMAF (a ModuleDict of LeafParam and MLPs)", () => {
    runFlow("slowmaf", 2, mvn_prior, () => [0, 1].map((i) => new SlowMAF(2, i % 2, { nh: 8 })));
  });

  it("MAF on MADE: masks as buffers in the state_dict", () => {
    const m = runFlow("maf", 3, mvn_prior, () => [0, 1].map((i) => new MAF(2, i % 2, { nh: 8 })));
    expect(Object.keys(m.state_dict()).slice(0, 6)).toEqual(ref.maf.state_keys);
    const first = [...m.flow.flows][0] as MAF;
    expectT((first.net.net.net.get(6) as MaskedLinear).mask, ref.maf.mask_last, 0);
  });

  it("IAF: forward and backward swapped on the instance", () => {
    runFlow("iaf", 4, mvn_prior, () => [0, 1].map((i) => new IAF(2, i % 2, { nh: 8 })));
  });

  it("Glow: ActNorm, Invertible1x1Conv, AffineHalfFlow", () => {
    vi.spyOn(console, "warn").mockImplementation(() => undefined); // Q.lu()'s deprecation warning, checked above
    const m = runFlow("glow", 5, mvn_prior, () => {
      const flows = [0, 1].map(() => new Invertible1x1Conv(2));
      const norms = flows.map(() => new ActNorm(2));
      const couplings = flows.map((_, i) => new AffineHalfFlow(2, i % 2, { nh: 8 }));
      return norms.flatMap((n, i) => [n, flows[i], couplings[i]]);
    });
    const conv = [...m.flow.flows][1] as Invertible1x1Conv;
    expectT(conv.P, ref.glow.P, 0);
    expectT(conv.S, ref.glow.S, 2e-4);
  });

  it("neural spline flows: the notebook's final model (ActNorm, Invertible1x1Conv, NSF_CL; logistic prior) and NSF_AR", () => {
    vi.spyOn(console, "warn").mockImplementation(() => undefined); // Q.lu()'s deprecation warning, checked above
    runFlow("nsf_cl", 40, logistic_prior, () => {
      const flows = [0, 1].map(() => new NSF_CL(2, { K: 4, B: 3, hidden_dim: 8 }));
      const convs = flows.map(() => new Invertible1x1Conv(2));
      const norms = flows.map(() => new ActNorm(2));
      return norms.flatMap((n, i) => [n, convs[i], flows[i]]);
    });
    runFlow("nsf_ar", 41, mvn_prior, () => [0, 1].map(() => new NSF_AR(2, { K: 4, B: 3, hidden_dim: 8 })));
    // a value outside [-B, B] passes through unchanged with log-det 0
    torch.manual_seed(42);
    const nsf = new NSF_CL(2, { K: 4, B: 3, hidden_dim: 8 });
    const [zo, ldo] = nsf(torch.tensor([[0.5, 4.0], [-3.5, 0.25]]));
    expectT(zo, ref.nsf_outside.z, 1e-5);
    expectT(ldo, ref.nsf_outside.log_det, 1e-5);
    expectT(nsf.backward(zo)[0], ref.nsf_outside.back, 1e-5);
  });

  it("MADE with a random order, cycling two masks: outputs and autoregressive connectivity", () => {
    torch.manual_seed(7);
    const made = new MADE(3, [6, 6], 6, 2, false);
    const r = ref.made;
    expect(String(made)).toBe(r.repr);
    const xin = torch.rand(2, 3);
    for (let round = 0; round < 2; round++) {
      expect(made.m[-1].tolist()).toEqual(r.orders[round]);
      expectT(made(xin), r.out[round], 1e-5);
      const conn: number[][] = [];
      for (let k = 0; k < 6; k++) {
        const x = torch.rand([1, 3], { requires_grad: true });
        made(x).index(0, k).backward();
        conn.push((x.grad!.index(0).ne(0).tolist() as boolean[]).map(Number));
      }
      expect(conn).toEqual(r.connectivity[round]);
      made.update_masks();
    }
    expect([...made.named_buffers()].map(([n]) => n)).toEqual(r.buffers);
  });
});

describe("karpathy/pytorch-made run.py: run_epoch with masks resampled and averaged", () => {
  it("2 epochs of StepLR(step(epoch)), a test pass averaging 2 mask samples, a train pass; the warnings", () => {
    const r = ref.made_run;
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    torch.manual_seed(42);
    const xtr = torch.rand(200, 12).gt(0.5).float();
    const xte = torch.rand(100, 12).gt(0.5).float();
    const model = new MADE(xtr.size(1), [16], xtr.size(1), 2);
    expect(model.parameters().reduce((n, p) => n + p.size().reduce((a, b) => a * b, 1), 0)).toBe(r.n_params);
    const opt = new optim.Adam(model.parameters(), 1e-3, { weight_decay: 1e-4 });
    const scheduler = new optim.lr_scheduler.StepLR(opt, { step_size: 1, gamma: 0.1 });
    const args = { resample_every: 1, samples: 2 };
    const run_epoch = (split: "train" | "test", upto: number | null = null): number => {
      torch.set_grad_enabled(split === "train");
      if (split === "train") model.train();
      else model.eval();
      const nsamples = split === "train" ? 1 : args.samples;
      const x = split === "train" ? xtr : xte;
      const [N] = x.size();
      const B = 100;
      const nsteps = upto === null ? Math.floor(N / B) : Math.min(Math.floor(N / B), upto);
      const lossfs: number[] = [];
      for (let step = 0; step < nsteps; step++) {
        const xb = x.index(`${step * B}:${step * B + B}`);
        const xbhat = torch.zeros_like(xb);
        for (let s = 0; s < nsamples; s++) {
          if (step % args.resample_every === 0 || split === "test") model.update_masks();
          xbhat.add_(model(xb));
        }
        xbhat.div_(nsamples);
        const loss = F.binary_cross_entropy_with_logits(xbhat, xb, { size_average: false }).div(B);
        lossfs.push(loss.data.item());
        if (split === "train") {
          opt.zero_grad();
          loss.backward();
          opt.step();
        }
      }
      return lossfs.reduce((a, b) => a + b, 0) / lossfs.length;
    };
    const epochs: { lr: number; test: number; train: number }[] = [];
    try {
      for (let epoch = 0; epoch < 2; epoch++) {
        scheduler.step(epoch);
        const test = run_epoch("test", 1);
        const train = run_epoch("train");
        epochs.push({ lr: opt.param_groups[0].lr as number, test, train });
      }
    } finally {
      torch.set_grad_enabled(true);
    }
    epochs.forEach((e, i) => {
      expect(e.lr).toBeCloseTo(r.epochs[i].lr, 12);
      expectNums([e.test, e.train], [r.epochs[i].test, r.epochs[i].train], 1e-5);
    });
    expect(model.seed).toBe(r.seed_after);
    // Python shows each of these warnings at every call here (a loop in one frame); the engine each message once
    const shown = warn.mock.calls.map((c) => String(c[0]).replace(/^UserWarning: /, "").split("\n")[0]);
    expect(shown).toEqual([...new Set(r.warnings as string[])]);
  });
});

// ====================================== MDN ======================================
const ONEOVERSQRT2PI = 1.0 / Math.sqrt(2 * Math.PI);

class MDN extends nn.Module {
  in_features: number;
  out_features: number;
  num_gaussians: number;
  pi: nn.Sequential;
  sigma: nn.Linear;
  mu: nn.Linear;
  constructor(in_features: number, out_features: number, num_gaussians: number) {
    super();
    this.in_features = in_features;
    this.out_features = out_features;
    this.num_gaussians = num_gaussians;
    this.pi = new nn.Sequential(new nn.Linear(in_features, num_gaussians), new nn.Softmax({ dim: 1 }));
    this.sigma = new nn.Linear(in_features, out_features * num_gaussians);
    this.mu = new nn.Linear(in_features, out_features * num_gaussians);
  }
  forward(minibatch: Tensor): [Tensor, Tensor, Tensor] {
    const pi = this.pi(minibatch);
    let sigma = torch.exp(this.sigma(minibatch));
    sigma = sigma.view(-1, this.num_gaussians, this.out_features);
    let mu = this.mu(minibatch);
    mu = mu.view(-1, this.num_gaussians, this.out_features);
    return [pi, sigma, mu];
  }
}

function gaussian_probability(sigma: Tensor, mu: Tensor, target: Tensor): Tensor {
  target = target.unsqueeze(1).expand_as(sigma);
  const ret = torch.exp(target.sub(mu).div(sigma).pow(2).mul(-0.5)).mul(ONEOVERSQRT2PI).div(sigma);
  return torch.prod(ret, 2);
}

function mdn_loss(pi: Tensor, sigma: Tensor, mu: Tensor, target: Tensor): Tensor {
  const prob = pi.mul(gaussian_probability(sigma, mu, target));
  const nll = torch.log(torch.sum(prob, { dim: 1 })).neg();
  return torch.mean(nll);
}

function mdn_sample(pi: Tensor, sigma: Tensor, mu: Tensor): Tensor {
  const pis = new D.Categorical(pi).sample().view(pi.size(0), 1, 1);
  const gaussian_noise = torch.randn([sigma.size(2), sigma.size(0)], { requires_grad: false });
  const variance_samples = sigma.gather(1, pis).detach().squeeze();
  const mean_samples = mu.detach().gather(1, pis).squeeze();
  return gaussian_noise.mul(variance_samples).add(mean_samples).transpose(0, 1);
}

describe("sagelywizard/pytorch-mdn: an MDN on an inverted sine", () => {
  it("3 Adam steps of mdn_loss, the heads, the MixtureSameFamily equivalent, samples", () => {
    const r = ref.mdn;
    torch.manual_seed(8);
    const ys = torch.rand(24, 1).mul(2).sub(1);
    const xs = ys.add(torch.sin(ys.mul(2 * Math.PI)).mul(0.3)).add(torch.randn(24, 1).mul(0.05));
    const model = new nn.Sequential(new nn.Linear(1, 8), new nn.Tanh(), new MDN(8, 1, 3));
    expect(String(model)).toBe(r.repr);
    const optimizer = new optim.Adam(model.parameters(), { lr: 1e-2 });
    const losses: number[] = [];
    for (let i = 0; i < 3; i++) {
      optimizer.zero_grad();
      const [pi, sigma, mu] = model(xs) as unknown as [Tensor, Tensor, Tensor];
      const loss = mdn_loss(pi, sigma, mu, ys);
      loss.backward();
      optimizer.step();
      losses.push(loss.item());
    }
    expectNums(losses, r.losses, 1e-5);
    const [pi, sigma, mu] = torch.no_grad(() => model(xs.index(":5")) as unknown as [Tensor, Tensor, Tensor]);
    expectT(pi, r.pi, 1e-5);
    expectT(sigma, r.sigma, 1e-5);
    expectT(mu, r.mu, 1e-5);
    expectT(gaussian_probability(sigma, mu, ys.index(":5")), r.gp, 1e-5);
    const mix = new D.MixtureSameFamily(new D.Categorical({ probs: pi }), new D.Independent(new D.Normal(mu, sigma), 1));
    expect(mix.log_prob(ys.index(":5")).mean().neg().item()).toBeCloseTo(r.mix_nll, 5);
    expect(mdn_loss(pi, sigma, mu, ys.index(":5")).item()).toBeCloseTo(r.loss5, 5);
    expectT(mix.mean, r.mix_mean, 1e-5);
    expectT(mix.variance, r.mix_var, 1e-5);
    torch.manual_seed(9);
    expectT(mdn_sample(pi, sigma, mu), r.sample, 1e-5);
    torch.manual_seed(9);
    expectT(new D.Categorical(pi).sample(), r.cat_sample, 0);
    torch.manual_seed(10);
    expectT(mix.sample([2]), r.mix_sample, 1e-5);
  });

  it("two output dimensions: the [B, 1, 1] gather keeps output 0's sigma and mu for both (no error, as in torch)", () => {
    torch.manual_seed(11);
    const mdn2 = new MDN(3, 2, 4);
    const [pi2, sigma2, mu2] = mdn2(torch.rand(5, 3));
    torch.manual_seed(12);
    expectT(mdn_sample(pi2, sigma2, mu2), ref.mdn.sample_2d, 1e-5);
  });
});

// ==================================== Gumbel-softmax VAE ====================================
const latent_dim = 3;
const categorical_dim = 4;
const temp_min = 0.5;
const ANNEAL_RATE = 0.00003;

function sample_gumbel(shape: readonly number[], eps = 1e-20): Tensor {
  const U = torch.rand([...shape]);
  return torch.log(torch.log(U.add(eps)).neg().add(eps)).neg();
}

function gumbel_softmax_sample(logits: Tensor, temperature: number): Tensor {
  const y = logits.add(sample_gumbel(logits.size()));
  return F.softmax(y.div(temperature), { dim: -1 });
}

function gumbel_softmax(logits: Tensor, temperature: number): Tensor {
  const y = gumbel_softmax_sample(logits, temperature);
  const shape = y.size();
  const [, ind] = y.max({ dim: -1 });
  let y_hard = torch.zeros_like(y).view(-1, shape[shape.length - 1]);
  y_hard.scatter_(1, ind.view(-1, 1), 1);
  y_hard = y_hard.view(...shape);
  y_hard = y_hard.sub(y).detach().add(y);
  return y_hard.view(-1, latent_dim * categorical_dim);
}

class VAE_gumbel extends nn.Module {
  fc1 = new nn.Linear(16, 12);
  fc2 = new nn.Linear(12, 8);
  fc3 = new nn.Linear(8, latent_dim * categorical_dim);
  fc4 = new nn.Linear(latent_dim * categorical_dim, 8);
  fc5 = new nn.Linear(8, 12);
  fc6 = new nn.Linear(12, 16);
  relu = new nn.ReLU();
  sigmoid = new nn.Sigmoid();
  constructor(temp: number) {
    super();
    void temp;
  }
  encode(x: Tensor): Tensor {
    const h1 = this.relu(this.fc1(x));
    const h2 = this.relu(this.fc2(h1));
    return this.relu(this.fc3(h2));
  }
  decode(z: Tensor): Tensor {
    const h4 = this.relu(this.fc4(z));
    const h5 = this.relu(this.fc5(h4));
    return this.sigmoid(this.fc6(h5));
  }
  forward(x: Tensor, temp: number): [Tensor, Tensor] {
    const q = this.encode(x.view(-1, 16));
    const q_y = q.view(q.size(0), latent_dim, categorical_dim);
    const z = gumbel_softmax(q_y, temp);
    return [this.decode(z), F.softmax(q_y, { dim: -1 }).reshape(...q.size())];
  }
}

function loss_function(recon_x: Tensor, x: Tensor, qy: Tensor): Tensor {
  const BCE = F.binary_cross_entropy(recon_x, x.view(-1, 16), { size_average: false }).div(x.shape[0]);
  const log_ratio = torch.log(qy.mul(categorical_dim).add(1e-20));
  const KLD = torch.sum(qy.mul(log_ratio), { dim: -1 }).mean();
  return BCE.add(KLD);
}

describe("YongfeiYan/Gumbel_Softmax_VAE at toy sizes", () => {
  it("3 Adam steps with the temperature anneal, the size_average warning, the KL to a uniform categorical", () => {
    const g = ref.gumbel;
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    torch.manual_seed(1);
    const vae = new VAE_gumbel(1.0);
    const optimizer = new optim.Adam(vae.parameters(), { lr: 1e-3 });
    const data_batches = [0, 1, 2].map(() => torch.rand(8, 16));
    const losses: number[] = [];
    const temps: number[] = [];
    vae.train();
    let temp = 1.0;
    let train_loss = 0;
    let qy = torch.zeros(1);
    data_batches.forEach((data, batch_idx) => {
      optimizer.zero_grad();
      let recon_batch: Tensor;
      [recon_batch, qy] = vae(data, temp);
      const loss = loss_function(recon_batch, data, qy);
      loss.backward();
      train_loss += loss.item() * data.size(0);
      optimizer.step();
      if (batch_idx % 100 === 1) temp = Math.max(temp * Math.exp(-ANNEAL_RATE * batch_idx), temp_min);
      losses.push(loss.item());
      temps.push(temp);
    });
    // Python shows a warning once per call site; the engine once per message: one line here, three caught there
    expect(warn.mock.calls.map((c) => String(c[0]).replace(/^UserWarning: /, ""))).toEqual(g.warnings.slice(0, 1));
    expectNums(losses, g.losses, 1e-5);
    expectNums(temps, g.temps, 1e-12);
    expect(train_loss).toBeCloseTo(g.train_loss, 3);
    expectT(qy, g.qy, 1e-5);
    const q3 = qy.view(-1, latent_dim, categorical_dim);
    expect(torch.sum(qy.mul(torch.log(qy.mul(categorical_dim).add(1e-20))), { dim: -1 }).mean().item()).toBeCloseTo(g.kld_by_hand, 6);
    const uniform = new D.Categorical({ probs: torch.full([categorical_dim], 1.0 / categorical_dim) });
    expect(D.kl_divergence(new D.Categorical({ probs: q3 }), uniform).sum(-1).mean().item()).toBeCloseTo(g.kld_by_kl, 6);

    // the hard straight-through sample: one-hot values, the soft sample's gradient
    torch.manual_seed(2);
    const logits = torch.randn([2, latent_dim, categorical_dim], { requires_grad: true });
    const z = gumbel_softmax(logits, 0.5);
    expectT(z, g.z_hard, 1e-6);
    z.mul(torch.arange(12.0)).sum().backward();
    expectT(logits.grad!, g.z_grad, 1e-5);

    // decoding random one-hot codes
    torch.manual_seed(3);
    const M = 2 * latent_dim;
    let np_y = torch.zeros([M, categorical_dim]);
    np_y.index_put_([torch.arange(M), torch.randint(0, categorical_dim, [M])], 1);
    np_y = np_y.reshape(Math.floor(M / latent_dim), latent_dim, categorical_dim);
    const sample = np_y.view(Math.floor(M / latent_dim), latent_dim * categorical_dim);
    expectT(sample, g.codes, 0);
    expectT(vae.decode(sample), g.decoded, 1e-5);

    // forgetting ind.view(-1, 1): scatter_ takes the [2, 3] index without complaint, as torch does
    const y = torch.rand(2, latent_dim, categorical_dim);
    const [, ind] = y.max({ dim: -1 });
    expectT(torch.zeros_like(y).view(-1, categorical_dim).scatter_(1, ind, 1), g.scatter_wrong, 0);
  });
});

// ==================================== torch.distributions ====================================
describe("torch.distributions as the flows and mixtures use it", () => {
  it("MultivariateNormal by scale_tril or covariance_matrix, KL, Independent, rsample's gradient", () => {
    const r = ref.dist;
    torch.manual_seed(20);
    const A = torch.randn(2, 2);
    const cov = A.matmul(A.T).add(torch.eye(2).mul(0.5));
    const Lc = torch.linalg.cholesky(cov);
    const loc = torch.tensor([0.5, -0.25]);
    const p_tril = new D.MultivariateNormal(loc, { scale_tril: Lc });
    const p_cov = new D.MultivariateNormal(loc, { covariance_matrix: cov });
    expectT(p_tril.log_prob(GRID), r.lp_tril, 1e-5);
    expectT(p_cov.log_prob(GRID), r.lp_cov, 1e-5);
    expect(p_cov.entropy().item()).toBeCloseTo(r.entropy, 5);
    expectT(p_tril.covariance_matrix, r.cov_from_tril, 1e-5);
    expectT(p_cov.precision_matrix, r.precision, 1e-5);
    expectT(p_cov.variance, r.variance, 1e-5);
    torch.manual_seed(21);
    expectT(p_tril.rsample([3]), r.rsample_tril, 1e-5);
    torch.manual_seed(21);
    expectT(p_cov.rsample([3]), r.rsample_cov, 1e-5);
    const q = new D.MultivariateNormal(torch.zeros(2), torch.eye(2));
    expect(D.kl_divergence(p_cov, q).item()).toBeCloseTo(r.kl_mvn, 5);
    expect(D.kl_divergence(q, p_tril).item()).toBeCloseTo(r.kl_mvn_rev, 5);
    const diag = new D.Independent(new D.Normal(loc, torch.tensor([0.5, 2.0])), 1);
    expectT(diag.log_prob(GRID), r.indep_lp, 1e-5);
    expectT(new D.MultivariateNormal(loc, torch.diag(torch.tensor([0.25, 4.0]))).log_prob(GRID), r.indep_vs_mvn, 1e-5);
    expect(D.kl_divergence(diag, new D.Independent(new D.Normal(torch.zeros(2), torch.ones(2)), 1)).item()).toBeCloseTo(r.kl_indep, 5);
    expect(String(diag)).toBe(r.indep_repr);
    const loc_p = loc.clone().requires_grad_();
    const L_p = Lc.clone().requires_grad_();
    torch.manual_seed(22);
    new D.MultivariateNormal(loc_p, { scale_tril: L_p }).rsample([4]).pow(2).sum().backward();
    expectT(loc_p.grad!, r.rsample_grad_loc, 1e-5);
    expectT(L_p.grad!, r.rsample_grad_L, 1e-5);
  });

  it("a 2-D Gaussian mixture fitted to the moons: MixtureSameFamily(Categorical, Independent(Normal))", () => {
    const r = ref.dist;
    torch.manual_seed(23);
    const K = 3;
    const mix_logits = torch.zeros([K], { requires_grad: true });
    const means = torch.randn(K, 2).requires_grad_();
    const log_scales = torch.zeros([K, 2], { requires_grad: true });
    const opt = new optim.Adam([mix_logits, means, log_scales], { lr: 0.05 });
    const gmm_losses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const x = moons(16);
      const gmm = new D.MixtureSameFamily(new D.Categorical({ logits: mix_logits }), new D.Independent(new D.Normal(means, log_scales.exp()), 1));
      const loss = gmm.log_prob(x).mean().neg();
      opt.zero_grad();
      loss.backward();
      opt.step();
      gmm_losses.push(loss.item());
    }
    expectNums(gmm_losses, r.gmm_losses, 1e-5);
    expectT(means, r.gmm_means, 1e-5);
    const gmm = new D.MixtureSameFamily(new D.Categorical({ logits: mix_logits }), new D.Independent(new D.Normal(means, log_scales.exp()), 1));
    expect(String(gmm)).toBe(r.gmm_repr_fresh);
    expectT(gmm.log_prob(GRID), r.gmm_lp, 1e-5);
    expect([gmm.batch_shape, gmm.event_shape].map((s) => [...s])).toEqual(r.gmm_shapes);
    torch.manual_seed(24);
    expectT(gmm.sample([3]), r.gmm_sample, 1e-5);
    // Known difference kept visible: torch's Categorical computes probs lazily and its repr lists the parameters
    // computed so far, so after sample() it shows "probs: ..., logits: ..."; the engine's shows the one given.
    expect(String(gmm)).toBe(r.gmm_repr.replace("probs: torch.Size([3]), ", ""));
  });
});

// ==================================== learner mistakes ====================================
describe("the learner's typical mistakes give torch's errors", () => {
  const e = ref.errors;
  it("prior.sample(128) instead of sample((128,)), for MultivariateNormal, Normal and a TransformedDistribution", () => {
    expect(raised(() => new D.MultivariateNormal(torch.zeros(2), torch.eye(2)).sample(128 as never))).toEqual(e.sample_int);
    expect(raised(() => new D.Normal(torch.zeros(2), torch.ones(2)).sample(3 as never))).toEqual(e.normal_sample_int);
    expect(raised(() => logistic_prior().sample(3 as never))).toEqual(e.logistic_sample_int);
  });

  it("shapes and arguments", () => {
    vi.spyOn(console, "warn").mockImplementation(() => undefined); // Tensor.lu()'s deprecation warning
    expect(raised(() => new D.MultivariateNormal(torch.zeros(2), torch.eye(2)).log_prob(torch.zeros(4, 3)))).toEqual(e.log_prob_width);
    expect(raised(() => new D.MultivariateNormal(torch.zeros(2), torch.ones(2)))).toEqual(e.cov_vector);
    // Known difference kept visible: Tensor.lu() returns an array, which the engine's message calls a list (torch: tuple)
    const [cls, msg] = e.lu_unpack_tuple as [string, string];
    expect(raised(() => (torch.lu_unpack as (...a: unknown[]) => unknown)(torch.eye(2).lu()))).toEqual([cls, msg.replace("not tuple", "not list")]);
    torch.manual_seed(30);
    expect(raised(() => new AffineHalfFlow(3, 0, { nh: 8 })(torch.rand(4, 3)))).toEqual(e.odd_dim);
    const neg = raised(() => new D.Categorical(torch.tensor([[0.5, -0.1, 0.6]])));
    expect(neg && [neg[0], neg[1].split("\n")[0]]).toEqual(e.categorical_neg);
  });

  it("ActNorm's first batch of one sample: std over one row is nan, so s and z are nan", () => {
    torch.manual_seed(31);
    const an = new ActNorm(2);
    const [z1] = an(torch.tensor([[0.5, 1.0]]));
    expect((z1.reshape(-1).tolist() as number[]).map(Number.isNaN)).toEqual(e.actnorm_batch1.z_isnan);
  });
});
