/**
 * More of PyTorch 1.13's torch.distributions, with its formulas and sampling calls:
 * MixtureSameFamily (a Categorical over a batch of components: Gaussian mixtures), VonMises
 * (log_prob with PyTorch's polynomial Bessel approximation; sample by its rejection loop on
 * torch.rand), NegativeBinomial (Poisson of a Gamma draw), ContinuousBernoulli (an
 * ExponentialFamily; rsample = icdf(rand)), FisherSnedecor (a ratio of Gamma draws) and
 * LowRankMultivariateNormal (covariance W W^T + diag(D), by the capacitance matrix),
 * OneHotCategoricalStraightThrough, LKJCholesky and Wishart.
 */
import { parseArgs, type PyArgs } from "../args";
import { no_grad } from "../autograd/grad_mode";
import { float64 } from "../dtype";
import { ValueError } from "../errors";
import { logsigmoid } from "../nn/functional/activation_extra";
import { eye, full_like, ones_like, zeros_like } from "../ops/creation";
import * as created from "../ops/creation_extra";
import { cholesky, cholesky_solve, slogdet, solve_triangular } from "../ops/linalg";
import { broadcast_tensors } from "../ops/shape_extra";
import { empty } from "../ops/util";
import { where } from "../ops/where";
import { Tensor } from "../tensor";
import * as C from "./constraints";
import { Distribution, ExponentialFamily } from "./distribution";
import { Beta, Chi2, Gamma } from "./gamma";
import { vec_to_tril_matrix } from "./transforms";
import { formatTensor } from "../format";
import { broadcastShapes } from "../shape";
import { stack } from "../ops/join";
import { mvlgamma } from "../ops/special";
import { OneHotCategorical, mahalanobis } from "./multivariate";
import { Categorical } from "./normal_categorical";
import { bceWithLogits, binaryLogits, broadcastAll, clampProbs, fmtParam, lazyProbsLogits, ownParam, probsOrLogits, type Param, type Validate } from "./util";
import { warnOnce } from "../warnings";

/** A 1-D tensor of values in like's dtype. */
const torch_tensor = (vals: number[], like: Tensor): Tensor => new Tensor(Float64Array.from(vals), [vals.length], float64).to(like.dtype);
const arangeLike = (n: number, like: Tensor): Tensor => torch_tensor(Array.from({ length: n }, (_, i) => i), like);

const finfo = (t: Tensor) =>
  t.dtype === float64 ? { tiny: 2.2250738585072014e-308, eps: 2.220446049250313e-16 } : { tiny: 1.1754943508222875e-38, eps: 1.1920928955078125e-7 };

interface AnyDist {
  batch_shape: number[];
  event_shape: number[];
  mean: Tensor;
  variance: Tensor;
  support?: C.Constraint;
  sample(s?: readonly number[]): Tensor;
  log_prob(v: Tensor): Tensor;
  cdf?(v: Tensor): Tensor;
  toString(): string;
}

/** MixtureSameFamily(mixture_distribution, component_distribution): the last batch dim of the components is mixed by the Categorical. */
export class MixtureSameFamily extends Distribution {
  _mixture_distribution: Categorical;
  _component_distribution: AnyDist;
  _num_component: number;
  _event_ndims: number;

  constructor(...args: PyArgs<[mixture_distribution: Categorical, component_distribution: AnyDist, validate_args?: boolean | null], { mixture_distribution?: Categorical; component_distribution?: AnyDist } & Validate>) {
    super([], [], false);
    const o = parseArgs<{ mixture_distribution?: Categorical; component_distribution?: AnyDist } & Validate>("MixtureSameFamily", ["mixture_distribution", "component_distribution", "validate_args"], args);
    const mix = o.mixture_distribution;
    const comp = o.component_distribution;
    if (!(mix instanceof Categorical)) throw new ValueError(" The Mixture distribution needs to be an  instance of torch.distribtutions.Categorical");
    if (!(comp instanceof Distribution)) throw new ValueError("The Component distribution need to be an instance of torch.distributions.Distribution");
    const mdbs = mix.batch_shape;
    const cdbs = comp.batch_shape.slice(0, -1);
    for (let k = 1; k <= Math.min(mdbs.length, cdbs.length); k++) {
      const [a, b] = [mdbs[mdbs.length - k], cdbs[cdbs.length - k]];
      if (a !== 1 && b !== 1 && a !== b) {
        throw new ValueError(`\`mixture_distribution.batch_shape\` (torch.Size([${mdbs.join(", ")}])) is not compatible with \`component_distribution.batch_shape\`(torch.Size([${cdbs.join(", ")}]))`);
      }
    }
    const km = mix.logits.shape[mix.logits.dim() - 1];
    const kc = comp.batch_shape[comp.batch_shape.length - 1];
    if (km !== kc) throw new ValueError(`\`mixture_distribution component\` (${km}) does not equal \`component_distribution.batch_shape[-1]\` (${kc})`);
    this._mixture_distribution = mix;
    this._component_distribution = comp;
    this._num_component = km;
    this._event_ndims = comp.event_shape.length;
    this._init(cdbs, comp.event_shape, o.validate_args);
  }

  override get arg_constraints(): Record<string, C.Constraint> {
    return {};
  }
  override get support(): C.Constraint | undefined {
    return this._component_distribution.support;
  }
  get mixture_distribution(): Categorical {
    return this._mixture_distribution;
  }
  get component_distribution(): AnyDist {
    return this._component_distribution;
  }

  private pad(x: Tensor): Tensor {
    return x.unsqueeze(-1 - this._event_ndims);
  }
  private padMixture(x: Tensor): Tensor {
    const numel = (s: number[]) => s.reduce((a, b) => a * b, 1);
    const distBatch = numel(this.batch_shape);
    const catBatch = numel(this.mixture_distribution.batch_shape);
    const padN = catBatch === 1 ? 0 : distBatch - catBatch;
    const xs = x.shape;
    return x.reshape([...xs.slice(0, -1), ...new Array<number>(Math.max(padN, 0)).fill(1), xs[xs.length - 1], ...new Array<number>(this._event_ndims).fill(1)]);
  }

  override get mean(): Tensor {
    const probs = this.padMixture(this.mixture_distribution.probs);
    return probs.mul(this.component_distribution.mean).sum(-1 - this._event_ndims);
  }
  override get variance(): Tensor {
    const probs = this.padMixture(this.mixture_distribution.probs);
    const meanCondVar = probs.mul(this.component_distribution.variance).sum(-1 - this._event_ndims);
    const varCondMean = probs.mul(this.component_distribution.mean.sub(this.pad(this.mean)).pow(2)).sum(-1 - this._event_ndims);
    return meanCondVar.add(varCondMean);
  }
  override cdf(x: Tensor): Tensor {
    const comp = this.component_distribution;
    if (!comp.cdf) throw new ValueError(`${comp.toString()} has no cdf`);
    return comp.cdf(this.pad(x)).mul(this.mixture_distribution.probs).sum(-1);
  }
  override log_prob(x: Tensor): Tensor {
    if (this._validate_args) this._validate_sample(x);
    const lp = this.component_distribution.log_prob(this.pad(x));
    const logMix = this.mixture_distribution.logits.log_softmax(-1);
    return lp.add(logMix).logsumexp(-1);
  }
  override sample(sample_shape: readonly number[] = []): Tensor {
    return no_grad(() => {
      const gatherDim = sample_shape.length + this.batch_shape.length;
      const es = this.event_shape;
      const mixSample = this.mixture_distribution.sample(sample_shape);
      const mixShape = mixSample.shape;
      const compSamples = this.component_distribution.sample(sample_shape);
      let idx = mixSample.reshape([...mixShape, ...new Array<number>(es.length + 1).fill(1)]);
      idx = idx.repeat([...new Array<number>(mixShape.length).fill(1), 1, ...es]);
      return compSamples.gather(gatherDim, idx).squeeze(gatherDim);
    });
  }
  override toString(): string {
    return `MixtureSameFamily(\n  ${this.mixture_distribution.toString()},\n  ${this.component_distribution.toString()})`;
  }
}

const I0_SMALL = [1.0, 3.5156229, 3.0899424, 1.2067492, 0.2659732, 0.360768e-1, 0.45813e-2];
const I0_LARGE = [0.39894228, 0.1328592e-1, 0.225319e-2, -0.157565e-2, 0.916281e-2, -0.2057706e-1, 0.2635537e-1, -0.1647633e-1, 0.392377e-2];
const I1_SMALL = [0.5, 0.87890594, 0.51498869, 0.15084934, 0.2658733e-1, 0.301532e-2, 0.32411e-3];
const I1_LARGE = [0.39894228, -0.3988024e-1, -0.362018e-2, 0.163801e-2, -0.1031555e-1, 0.2282967e-1, -0.2895312e-1, 0.1787654e-1, -0.420059e-2];

function evalPoly(y: Tensor, coef: number[]): Tensor {
  let result: Tensor = full_like(y, coef[coef.length - 1]);
  for (let i = coef.length - 2; i >= 0; i--) result = y.mul(result).add(coef[i]);
  return result;
}

/** log I_order(x), PyTorch's polynomial approximation (von_mises.py). */
function logModifiedBessel(x: Tensor, order: 0 | 1): Tensor {
  let y = x.div(3.75);
  y = y.mul(y);
  let small = evalPoly(y, order === 0 ? I0_SMALL : I1_SMALL);
  if (order === 1) small = x.abs().mul(small);
  small = small.log();
  const yl = x.reciprocal().mul(3.75);
  const large = x.sub(x.log().mul(0.5)).add(evalPoly(yl, order === 0 ? I0_LARGE : I1_LARGE).log());
  return where(x.lt(3.75), small, large);
}

/** VonMises(loc, concentration): a circular distribution on [-pi, pi). */
export class VonMises extends Distribution {
  loc: Tensor;
  concentration: Tensor;
  _proposal_r: Tensor;
  constructor(...args: PyArgs<[loc: Param, concentration: Param, validate_args?: boolean | null], { loc?: Param; concentration?: Param } & Validate>) {
    super([], [], false);
    const o = parseArgs<{ loc?: Param; concentration?: Param } & Validate>("VonMises", ["loc", "concentration", "validate_args"], args);
    if (o.loc === undefined || o.concentration === undefined) throw new ValueError("VonMises() missing required arguments: 'loc' and 'concentration'");
    [this.loc, this.concentration] = broadcastAll(o.loc, o.concentration);
    const tau = this.concentration.pow(2).mul(4).add(1).sqrt().add(1);
    const rho = tau.sub(tau.mul(2).sqrt()).div(this.concentration.mul(2));
    this._proposal_r = rho.pow(2).add(1).div(rho.mul(2));
    this._init(this.loc.shape, [], o.validate_args);
  }
  override get arg_constraints(): Record<string, C.Constraint> {
    return { loc: C.real, concentration: C.positive };
  }
  override get support(): C.Constraint {
    return C.real;
  }
  override log_prob(value: Tensor): Tensor {
    if (this._validate_args) this._validate_sample(value);
    return this.concentration.mul(value.sub(this.loc).cos()).sub(Math.log(2 * Math.PI)).sub(logModifiedBessel(this.concentration, 0));
  }
  /** PyTorch's rejection sampler (Best and Fisher), three torch.rand draws per round over the whole shape. */
  override sample(sample_shape: readonly number[] = []): Tensor {
    return no_grad(() => {
      const shape = this._extended_shape(sample_shape);
      let x = empty(shape, this.loc.dtype).zero_();
      let done = x.ne(x);
      while (!done.all().item()) {
        const u = empty([3, ...shape], this.loc.dtype).uniform_(0, 1);
        const [u1, u2, u3] = u.unbind(0);
        const z = u1.mul(Math.PI).cos();
        const f = this._proposal_r.mul(z).add(1).div(this._proposal_r.add(z));
        const c = this.concentration.mul(this._proposal_r.sub(f));
        const accept = c.mul(c.neg().add(2)).sub(u2).gt(0).logical_or(c.div(u2).log().add(1).sub(c).ge(0));
        if (accept.any().item()) {
          // torch.where keeps x's uninitialised values where nothing was accepted yet; they are replaced before done.
          x = where(accept, u3.sub(0.5).sign().mul(f.acos()), x);
          done = done.logical_or(accept);
        }
      }
      return x.add(Math.PI).add(this.loc).remainder(2 * Math.PI).sub(Math.PI);
    });
  }
  override get mean(): Tensor {
    return this.loc;
  }
  override get mode(): Tensor {
    return this.loc;
  }
  override get variance(): Tensor {
    return logModifiedBessel(this.concentration, 1).sub(logModifiedBessel(this.concentration, 0)).exp().neg().add(1);
  }
}

type CountArgs = PyArgs<[total_count: Param, probs?: Param | null, logits?: Param | null, validate_args?: boolean | null], { total_count?: Param; probs?: Param | null; logits?: Param | null } & Validate>;

/**
 * NegativeBinomial(total_count, probs | logits): successes before total_count failures, success probability probs.
 * As in PyTorch, the parameter not given is a lazy property: computed (and kept as an own property) the first time
 * it is read, by the user or by mean / variance / log_prob / sample, so the repr in a validation error lists it only
 * from then on ("NegativeBinomial(total_count: ..., probs: ..., logits: ...)" after .mean).
 */
export class NegativeBinomial extends Distribution {
  total_count: Tensor;
  /** The parameter given (probs or logits): the batch shape, and param_shape. */
  private readonly _param: Tensor;
  constructor(...args: CountArgs) {
    super([], [], false);
    const o = parseArgs<{ total_count?: Param; probs?: Param | null; logits?: Param | null } & Validate>("NegativeBinomial", ["total_count", "probs", "logits", "validate_args"], args);
    if (o.total_count === undefined) throw new ValueError("NegativeBinomial() missing 1 required positional argument: 'total_count'");
    const { probs, logits } = probsOrLogits(o);
    let param: Tensor;
    [this.total_count, param] = broadcastAll(o.total_count, probs ?? logits!);
    this.total_count = this.total_count.to(param.dtype);
    ownParam(this, probs !== null ? "probs" : "logits", param);
    this._param = param;
    this._init(param.shape, [], o.validate_args);
  }
  /** Lazy, the one not given (lazyProbsLogits below). */
  declare probs: Tensor;
  declare logits: Tensor;
  /** PyTorch's lazy properties: _init validates them only once computed. */
  get _lazy_params(): readonly string[] {
    return ["probs", "logits"];
  }
  override get arg_constraints(): Record<string, C.Constraint> {
    // torch writes greater_than_eq(0) with an int here: its repr says lower_bound=0
    return { total_count: new C._GreaterThanEq(0, true), probs: C.half_open_interval(0, 1), logits: C.real };
  }
  override get support(): C.Constraint {
    return C.nonnegative_integer;
  }
  get param_shape(): number[] {
    return this._param.shape.slice();
  }
  override get mean(): Tensor {
    return this.total_count.mul(this.logits.exp());
  }
  override get mode(): Tensor {
    return this.total_count.sub(1).mul(this.logits.exp()).floor().clamp({ min: 0 });
  }
  override get variance(): Tensor {
    return this.mean.div(this.logits.neg().sigmoid());
  }
  get _gamma(): Gamma {
    return new Gamma(this.total_count, this.logits.neg().exp(), false);
  }
  override sample(sample_shape: readonly number[] = []): Tensor {
    return no_grad(() => created.poisson(this._gamma.sample(sample_shape)));
  }
  override log_prob(value: Tensor): Tensor {
    if (this._validate_args) this._validate_sample(value);
    const unnorm = this.total_count.mul(logsigmoid(this.logits.neg())).add(value.mul(logsigmoid(this.logits)));
    let norm = this.total_count.add(value).lgamma().neg().add(value.add(1).lgamma()).add(this.total_count.lgamma());
    norm = norm.masked_fill(this.total_count.add(value).eq(0), 0);
    return unnorm.sub(norm);
  }
}

lazyProbsLogits(NegativeBinomial.prototype, (d) => d.logits.sigmoid(), (d) => binaryLogits(d.probs));

/** ContinuousBernoulli(probs | logits, lims=(0.499, 0.501)): a density on [0, 1] (Loaiza-Ganem and Cunningham). */
export class ContinuousBernoulli extends ExponentialFamily {
  /** Lazy, the one not given (lazyProbsLogits below). */
  declare probs: Tensor;
  declare logits: Tensor;
  _lims: [number, number];
  /** The parameter given (probs, clamped, or logits): the batch shape, and param_shape. */
  private readonly _param: Tensor;
  private readonly fromProbs: boolean;
  constructor(...args: PyArgs<[probs?: Param | null, logits?: Param | null, lims?: [number, number], validate_args?: boolean | null], { probs?: Param | null; logits?: Param | null; lims?: [number, number] } & Validate>) {
    super([], [], false);
    const o = parseArgs<{ probs?: Param | null; logits?: Param | null; lims?: [number, number] } & Validate>("ContinuousBernoulli", ["probs", "logits", "lims", "validate_args"], args);
    const { probs, logits } = probsOrLogits(o);
    this.fromProbs = probs !== null;
    if (probs !== null) {
      const [p] = broadcastAll(probs);
      if (o.validate_args !== null && o.validate_args !== undefined && !no_grad(() => C.unit_interval.check(p).all().item())) throw new ValueError("The parameter probs has invalid values");
      this._param = ownParam(this, "probs", clampProbs(p));
    } else {
      this._param = ownParam(this, "logits", broadcastAll(logits!)[0]);
    }
    this._lims = o.lims ?? [0.499, 0.501];
    this._init(this._param.shape, [], o.validate_args);
  }
  /** PyTorch's lazy properties: _init validates them only once computed. */
  get _lazy_params(): readonly string[] {
    return ["probs", "logits"];
  }
  override get arg_constraints(): Record<string, C.Constraint> {
    return this.fromProbs ? { probs: C.unit_interval } : { logits: C.real };
  }
  override get support(): C.Constraint {
    return C.unit_interval;
  }
  override get has_rsample(): boolean {
    return true;
  }
  override get _mean_carrier_measure(): number {
    return 0;
  }
  get param_shape(): number[] {
    return this._param.shape.slice();
  }
  private outside(): Tensor {
    return this.probs.le(this._lims[0]).logical_or(this.probs.gt(this._lims[1]));
  }
  private cutProbs(): Tensor {
    return where(this.outside(), this.probs, ones_like(this.probs).mul(this._lims[0]));
  }
  _cont_bern_log_norm(): Tensor {
    const cut = this.cutProbs();
    const below = where(cut.le(0.5), cut, zeros_like(cut));
    const above = where(cut.ge(0.5), cut, ones_like(cut));
    const logNorm = cut.neg().log1p().sub(cut.log()).abs().log().sub(where(cut.le(0.5), below.mul(-2).log1p(), above.mul(2).sub(1).log()));
    const x = this.probs.sub(0.5).pow(2);
    const taylor = x.mul(104 / 45).add(4 / 3).mul(x).add(Math.LN2);
    return where(this.outside(), logNorm, taylor);
  }
  override get mean(): Tensor {
    const cut = this.cutProbs();
    const mus = cut.div(cut.mul(2).sub(1)).add(cut.neg().log1p().sub(cut.log()).reciprocal());
    const x = this.probs.sub(0.5);
    const taylor = x.pow(2).mul(16 / 45).add(1 / 3).mul(x).add(0.5);
    return where(this.outside(), mus, taylor);
  }
  override get variance(): Tensor {
    const cut = this.cutProbs();
    const vars = cut.mul(cut.sub(1)).div(cut.mul(-2).add(1).pow(2)).add(cut.neg().log1p().sub(cut.log()).pow(2).reciprocal());
    const x = this.probs.sub(0.5).pow(2);
    const taylor = x.mul(128 / 945).neg().add(1 / 15).mul(x).neg().add(1 / 12);
    return where(this.outside(), vars, taylor);
  }
  override get stddev(): Tensor {
    return this.variance.sqrt();
  }
  override sample(sample_shape: readonly number[] = []): Tensor {
    const u = empty(this._extended_shape(sample_shape), this.probs.dtype).uniform_(0, 1);
    return no_grad(() => this.icdf(u));
  }
  override rsample(sample_shape: readonly number[] = []): Tensor {
    const u = empty(this._extended_shape(sample_shape), this.probs.dtype).uniform_(0, 1);
    return this.icdf(u);
  }
  override log_prob(value: Tensor): Tensor {
    if (this._validate_args) this._validate_sample(value);
    const [logits, v] = broadcastAll(this.logits, value);
    return bceWithLogits(logits, v).neg().add(this._cont_bern_log_norm());
  }
  override cdf(value: Tensor): Tensor {
    if (this._validate_args) this._validate_sample(value);
    const cut = this.cutProbs();
    const cdfs = cut.pow(value).mul(cut.neg().add(1).pow(value.neg().add(1))).add(cut).sub(1).div(cut.mul(2).sub(1));
    const unbounded = where(this.outside(), cdfs, value);
    return where(value.le(0), zeros_like(value), where(value.ge(1), ones_like(value), unbounded));
  }
  override icdf(value: Tensor): Tensor {
    const cut = this.cutProbs();
    const inner = cut.neg().add(value.mul(cut.mul(2).sub(1))).log1p().sub(cut.neg().log1p()).div(cut.log().sub(cut.neg().log1p()));
    return where(this.outside(), inner, value);
  }
  override entropy(): Tensor {
    const lp0 = this.probs.neg().log1p();
    const lp1 = this.probs.log();
    return this.mean.mul(lp0.sub(lp1)).sub(this._cont_bern_log_norm()).sub(lp0);
  }
  override get _natural_params(): Tensor[] {
    return [this.logits];
  }
  override _log_normalizer(x: Tensor): Tensor {
    const out = x.le(this._lims[0] - 0.5).logical_or(x.gt(this._lims[1] - 0.5));
    const cutNat = where(out, x, ones_like(x).mul(this._lims[0] - 0.5));
    const logNorm = cutNat.exp().sub(1).abs().log().sub(cutNat.abs().log());
    const taylor = x.mul(0.5).add(x.pow(2).div(24)).sub(x.pow(4).div(2880));
    return where(out, logNorm, taylor);
  }
}
lazyProbsLogits(ContinuousBernoulli.prototype, (d) => clampProbs(d.logits.sigmoid()), (d) => binaryLogits(d.probs));

/** FisherSnedecor(df1, df2): the F distribution, (X1 / df1) / (X2 / df2) of chi-squared draws. */
export class FisherSnedecor extends Distribution {
  df1: Tensor;
  df2: Tensor;
  _gamma1: Gamma;
  _gamma2: Gamma;
  constructor(...args: PyArgs<[df1: Param, df2: Param, validate_args?: boolean | null], { df1?: Param; df2?: Param } & Validate>) {
    super([], [], false);
    const o = parseArgs<{ df1?: Param; df2?: Param } & Validate>("FisherSnedecor", ["df1", "df2", "validate_args"], args);
    if (o.df1 === undefined || o.df2 === undefined) throw new ValueError("FisherSnedecor() missing required arguments: 'df1' and 'df2'");
    [this.df1, this.df2] = broadcastAll(o.df1, o.df2);
    this._gamma1 = new Gamma(this.df1.mul(0.5), this.df1);
    this._gamma2 = new Gamma(this.df2.mul(0.5), this.df2);
    this._init(this.df1.shape, [], o.validate_args);
  }
  override get arg_constraints(): Record<string, C.Constraint> {
    return { df1: C.positive, df2: C.positive };
  }
  override get support(): C.Constraint {
    return C.positive;
  }
  override get has_rsample(): boolean {
    return true;
  }
  override get mean(): Tensor {
    const df2 = this.df2.masked_fill(this.df2.le(2), NaN);
    return df2.div(df2.sub(2));
  }
  override get mode(): Tensor {
    const mode = this.df1.sub(2).div(this.df1).mul(this.df2).div(this.df2.add(2));
    return mode.masked_fill(this.df1.le(2), NaN);
  }
  override get variance(): Tensor {
    const df2 = this.df2.masked_fill(this.df2.le(4), NaN);
    return df2.pow(2).mul(2).mul(this.df1.add(df2).sub(2)).div(this.df1.mul(df2.sub(2).pow(2)).mul(df2.sub(4)));
  }
  override rsample(sample_shape: readonly number[] = []): Tensor {
    const shape = this._extended_shape(sample_shape);
    const x1 = this._gamma1.rsample(sample_shape).reshape(shape);
    const tiny = finfo(x1).tiny;
    const x2 = this._gamma2.rsample(sample_shape).reshape(shape).clamp({ min: tiny });
    return x1.div(x2).clamp({ min: tiny });
  }
  override log_prob(value: Tensor): Tensor {
    if (this._validate_args) this._validate_sample(value);
    const ct1 = this.df1.mul(0.5);
    const ct2 = this.df2.mul(0.5);
    const ct3 = this.df1.div(this.df2);
    const t1 = ct1.add(ct2).lgamma().sub(ct1.lgamma()).sub(ct2.lgamma());
    const t2 = ct1.mul(ct3.log()).add(ct1.sub(1).mul(value.log()));
    const t3 = ct1.add(ct2).mul(ct3.mul(value).log1p());
    return t1.add(t2).sub(t3);
  }
}

/** Cholesky of I + W^T D^-1 W (the capacitance matrix). */
function capacitanceTril(W: Tensor, D: Tensor): Tensor {
  const m = W.shape[W.dim() - 1];
  const wtDinv = W.transpose(-2, -1).div(D.unsqueeze(-2));
  const K = wtDinv.matmul(W).add(eye(m, { dtype: W.dtype }));
  return cholesky(K);
}

const batchMv = (M: Tensor, v: Tensor): Tensor => M.matmul(v.unsqueeze(-1)).squeeze(-1);

/** LowRankMultivariateNormal(loc, cov_factor, cov_diag): covariance cov_factor @ cov_factor.T + diag(cov_diag). */
export class LowRankMultivariateNormal extends Distribution {
  loc: Tensor;
  cov_factor: Tensor;
  cov_diag: Tensor;
  _unbroadcasted_cov_factor: Tensor;
  _unbroadcasted_cov_diag: Tensor;
  _capacitance_tril: Tensor;
  constructor(...args: PyArgs<[loc: Tensor, cov_factor: Tensor, cov_diag: Tensor, validate_args?: boolean | null], { loc?: Tensor; cov_factor?: Tensor; cov_diag?: Tensor } & Validate>) {
    super([], [], false);
    const o = parseArgs<{ loc?: Tensor; cov_factor?: Tensor; cov_diag?: Tensor } & Validate>("LowRankMultivariateNormal", ["loc", "cov_factor", "cov_diag", "validate_args"], args);
    const { loc, cov_factor, cov_diag } = o;
    if (!loc || !cov_factor || !cov_diag) throw new ValueError("LowRankMultivariateNormal() missing required arguments: 'loc', 'cov_factor' and 'cov_diag'");
    if (loc.dim() < 1) throw new ValueError("loc must be at least one-dimensional.");
    const n = loc.shape[loc.dim() - 1];
    if (cov_factor.dim() < 2) throw new ValueError("cov_factor must be at least two-dimensional, with optional leading batch dimensions");
    if (cov_factor.shape[cov_factor.dim() - 2] !== n) throw new ValueError(`cov_factor must be a batch of matrices with shape ${n} x m`);
    if (cov_diag.shape[cov_diag.dim() - 1] !== n) throw new ValueError(`cov_diag must be a batch of vectors with shape torch.Size([${n}])`);
    let loc_: Tensor;
    let diag_: Tensor;
    try {
      [loc_, this.cov_factor, diag_] = broadcast_tensors(loc.unsqueeze(-1), cov_factor, cov_diag.unsqueeze(-1));
    } catch {
      throw new ValueError(`Incompatible batch shapes: loc torch.Size([${loc.shape.join(", ")}]), cov_factor torch.Size([${cov_factor.shape.join(", ")}]), cov_diag torch.Size([${cov_diag.shape.join(", ")}])`);
    }
    this.loc = loc_.select(-1, 0);
    this.cov_diag = diag_.select(-1, 0);
    this._unbroadcasted_cov_factor = cov_factor;
    this._unbroadcasted_cov_diag = cov_diag;
    this._capacitance_tril = capacitanceTril(cov_factor, cov_diag);
    this._init(this.loc.shape.slice(0, -1), [n], o.validate_args);
  }
  /** The parameters expanded; the unbroadcasted factors and the capacitance matrix shared, as PyTorch's expand. */
  override expand(batch_shape: readonly number[]): this {
    const b = [...batch_shape];
    const n = this.event_shape[0];
    const r = this.cov_factor.shape[this.cov_factor.dim() - 1];
    const copy = Object.create(Object.getPrototypeOf(this) as object) as this;
    Object.assign(copy, this);
    copy.loc = this.loc.expand([...b, n]);
    copy.cov_diag = this.cov_diag.expand([...b, n]);
    copy.cov_factor = this.cov_factor.expand([...b, n, r]);
    copy.batch_shape = b;
    return copy;
  }
  override get arg_constraints(): Record<string, C.Constraint> {
    return { loc: C.real_vector, cov_factor: C.independent(C.real, 2), cov_diag: C.independent(C.positive, 1) };
  }
  override get support(): C.Constraint {
    return C.real_vector;
  }
  override get has_rsample(): boolean {
    return true;
  }
  override get mean(): Tensor {
    return this.loc;
  }
  override get mode(): Tensor {
    return this.loc;
  }
  override get variance(): Tensor {
    return this._unbroadcasted_cov_factor.pow(2).sum(-1).add(this._unbroadcasted_cov_diag).expand([...this.batch_shape, ...this.event_shape]);
  }
  get scale_tril(): Tensor {
    const n = this.event_shape[0];
    const dSqrt = this._unbroadcasted_cov_diag.sqrt().unsqueeze(-1);
    const dw = this._unbroadcasted_cov_factor.div(dSqrt);
    const K = dw.matmul(dw.transpose(-2, -1)).add(eye(n, { dtype: dw.dtype }));
    return dSqrt.mul(cholesky(K)).expand([...this.batch_shape, n, n]);
  }
  get covariance_matrix(): Tensor {
    const n = this.event_shape[0];
    const W = this._unbroadcasted_cov_factor;
    return W.matmul(W.transpose(-2, -1)).add(this._unbroadcasted_cov_diag.diag_embed()).expand([...this.batch_shape, n, n]);
  }
  get precision_matrix(): Tensor {
    const n = this.event_shape[0];
    const wtDinv = this._unbroadcasted_cov_factor.transpose(-2, -1).div(this._unbroadcasted_cov_diag.unsqueeze(-2));
    const A = solve_triangular(this._capacitance_tril, wtDinv, { upper: false });
    return this._unbroadcasted_cov_diag.reciprocal().diag_embed().sub(A.transpose(-2, -1).matmul(A)).expand([...this.batch_shape, n, n]);
  }
  override rsample(sample_shape: readonly number[] = []): Tensor {
    const shape = this._extended_shape(sample_shape);
    const r = this.cov_factor.shape[this.cov_factor.dim() - 1];
    const epsW = empty([...shape.slice(0, -1), r], this.loc.dtype).normal_();
    const epsD = empty(shape, this.loc.dtype).normal_();
    return this.loc.add(batchMv(this._unbroadcasted_cov_factor, epsW)).add(this._unbroadcasted_cov_diag.sqrt().mul(epsD));
  }
  private logdet(): Tensor {
    return this._capacitance_tril.diagonal(0, -2, -1).log().sum(-1).mul(2).add(this._unbroadcasted_cov_diag.log().sum(-1));
  }
  override log_prob(value: Tensor): Tensor {
    if (this._validate_args) this._validate_sample(value);
    const diff = value.sub(this.loc);
    const W = this._unbroadcasted_cov_factor;
    const D = this._unbroadcasted_cov_diag;
    const wtDinvX = batchMv(W.transpose(-2, -1).div(D.unsqueeze(-2)), diff);
    const M = diff.pow(2).div(D).sum(-1).sub(mahalanobis(this._capacitance_tril, wtDinvX));
    return this.logdet().add(M).add(this.event_shape[0] * Math.log(2 * Math.PI)).mul(-0.5);
  }
  override entropy(): Tensor {
    const H = this.logdet().add(this.event_shape[0] * (1 + Math.log(2 * Math.PI))).mul(0.5);
    return this.batch_shape.length === 0 ? H : H.expand(this.batch_shape);
  }
}

/** OneHotCategorical with rsample by the straight-through estimator: the one-hot sample, with the probabilities' gradient. */
export class OneHotCategoricalStraightThrough extends OneHotCategorical {
  override readonly has_rsample = true;
  rsample(sample_shape: readonly number[] = []): Tensor {
    const samples = this.sample(sample_shape);
    const probs = this.categorical.probs;
    return samples.add(probs.sub(probs.detach()));
  }
  override toString(): string {
    return "OneHotCategoricalStraightThrough()";
  }
}

/** LKJCholesky(dim, concentration=1): Cholesky factors of correlation matrices, the LKJ distribution (onion-method sampling). */
export class LKJCholesky extends Distribution {
  dim: number;
  concentration: Tensor;
  _beta: Beta;
  constructor(...args: PyArgs<[dim: number, concentration?: Param, validate_args?: boolean | null], { dim?: number; concentration?: Param } & Validate>) {
    super([], [], false);
    const o = parseArgs<{ dim?: number; concentration?: Param } & Validate>("LKJCholesky", ["dim", "concentration", "validate_args"], args);
    const dim = o.dim;
    if (dim === undefined || dim < 2) throw new ValueError(`Expected dim to be an integer greater than or equal to 2. Found dim=${dim}.`);
    this.dim = dim;
    [this.concentration] = broadcastAll(o.concentration ?? 1);
    const marginal = this.concentration.add(0.5 * (dim - 2));
    const offsetVals = [0, ...Array.from({ length: dim - 1 }, (_, i) => i)];
    const offset = torch_tensor(offsetVals, this.concentration);
    const c1 = offset.add(0.5);
    const c0 = marginal.unsqueeze(-1).sub(offset.mul(0.5));
    this._beta = new Beta(c1, c0);
    this._init(this.concentration.shape, [dim, dim], o.validate_args);
  }
  override get arg_constraints(): Record<string, C.Constraint> {
    return { concentration: C.positive };
  }
  override get support(): C.Constraint {
    return C.corr_cholesky;
  }
  override expand(batch_shape: readonly number[]): this {
    const copy = Object.create(Object.getPrototypeOf(this) as object) as this;
    Object.assign(copy, this);
    copy.concentration = this.concentration.expand([...batch_shape]);
    copy._beta = (this._beta as unknown as { expand(b: number[]): Beta }).expand([...batch_shape, this.dim]);
    copy.batch_shape = [...batch_shape];
    return copy;
  }
  override sample(sample_shape: readonly number[] = []): Tensor {
    return no_grad(() => {
      const y = this._beta.sample(sample_shape).unsqueeze(-1);
      const uNormal = empty(this._extended_shape(sample_shape), y.dtype).normal_().tril(-1);
      let uHyper = uNormal.div(uNormal.norm(2, -1, true));
      // u_hypersphere[..., 0, :] = 0 (the first row's entries are zero after tril(-1) anyway; its 0/0 NaNs are cleared).
      const rowIdx = arangeLike(this.dim, y).reshape([this.dim, 1]);
      uHyper = uHyper.masked_fill(rowIdx.eq(0).expand(uHyper.shape.slice()), 0);
      const w = y.sqrt().mul(uHyper);
      const eps = finfo(w).tiny;
      const diag = w.pow(2).sum(-1).neg().add(1).clamp({ min: eps }).sqrt();
      return w.add(diag.diag_embed());
    });
  }
  override log_prob(value: Tensor): Tensor {
    if (this._validate_args) this._validate_sample(value);
    const diagElems = value.diagonal(0, -1, -2).narrow(-1, 1, this.dim - 1);
    const order = arangeLike(this.dim - 1, this.concentration).add(2);
    const ord = this.concentration.sub(1).unsqueeze(-1).mul(2).add(this.dim).sub(order);
    const unnorm = ord.mul(diagElems.log()).sum(-1);
    const dm1 = this.dim - 1;
    const alpha = this.concentration.add(0.5 * dm1);
    const denominator = alpha.lgamma().mul(dm1);
    const numerator = mvlgamma(alpha.sub(0.5), dm1);
    const normalize = numerator.sub(denominator).add(0.5 * dm1 * Math.log(Math.PI));
    return unnorm.sub(normalize);
  }
}

const LOG2 = Math.LN2;

/** Multivariate digamma: sum_i digamma(x - i / 2), i < p. */
function mvdigamma(x: Tensor, p: number): Tensor {
  const offs = arangeLike(p, x).div(2);
  return x.unsqueeze(-1).sub(offs).digamma().sum(-1);
}

export interface WishartOptions extends Validate {
  df?: Param;
  covariance_matrix?: Tensor | null;
  precision_matrix?: Tensor | null;
  scale_tril?: Tensor | null;
}

/** Wishart(df, covariance_matrix | precision_matrix | scale_tril): positive-definite matrices (Bartlett decomposition sampling). */
export class Wishart extends ExponentialFamily {
  df: Tensor;
  _unbroadcasted_scale_tril: Tensor;
  _dist_chi2: Chi2;
  private readonly given: "covariance_matrix" | "precision_matrix" | "scale_tril";
  private readonly param: Tensor;
  constructor(...args: PyArgs<[df: Param, covariance_matrix?: Tensor | null, precision_matrix?: Tensor | null, scale_tril?: Tensor | null, validate_args?: boolean | null], WishartOptions>) {
    super([], [], false);
    const o = parseArgs<WishartOptions>("Wishart", ["df", "covariance_matrix", "precision_matrix", "scale_tril", "validate_args"], args);
    const given = (["covariance_matrix", "precision_matrix", "scale_tril"] as const).filter((k) => o[k] != null);
    if (given.length !== 1) throw new ValueError("Exactly one of covariance_matrix or precision_matrix or scale_tril may be specified.");
    if (o.df === undefined) throw new ValueError("Wishart() missing 1 required positional argument: 'df'");
    this.given = given[0];
    const param = o[this.given]!;
    if (param.dim() < 2) throw new ValueError("scale_tril must be at least two-dimensional, with optional leading batch dimensions");
    let batch: number[];
    if (typeof o.df === "number") {
      batch = param.shape.slice(0, -2);
      this.df = torch_tensor([o.df], param).reshape([]);
    } else {
      batch = broadcastShapes(param.shape.slice(0, -2), o.df.shape);
      this.df = o.df.expand(batch);
    }
    const p = param.shape[param.dim() - 1];
    if (no_grad(() => this.df.le(p - 1).any().item())) throw new ValueError(`Value of df=${typeof o.df === "number" ? o.df : formatTensor(o.df)} expected to be greater than ndim - 1 = ${p - 1}.`);
    this.param = param.expand([...batch, p, p]);
    if (no_grad(() => this.df.lt(p).any().item())) warnOnce("UserWarning: Low df values detected. Singular samples are highly likely to occur for ndim - 1 < df < ndim.");
    this._init(batch, [p, p], o.validate_args);
    if (this.given === "scale_tril") this._unbroadcasted_scale_tril = param;
    else if (this.given === "covariance_matrix") this._unbroadcasted_scale_tril = cholesky(param);
    else {
      const Lf = cholesky(param.flip([-2, -1]));
      const Linv = Lf.flip([-2, -1]).transpose(-2, -1);
      this._unbroadcasted_scale_tril = solve_triangular(Linv, eye(p, { dtype: param.dtype }), { upper: false });
    }
    this._dist_chi2 = new Chi2(this.df.unsqueeze(-1).sub(arangeLike(p, param).expand([...batch, p])));
  }
  override get arg_constraints(): Record<string, C.Constraint> {
    const p = this.event_shape.length ? this.event_shape[1] : 1;
    return { [this.given]: this.given === "scale_tril" ? C.lower_cholesky : C.positive_definite, df: C.greater_than(p - 1) };
  }
  override get support(): C.Constraint {
    return C.positive_definite;
  }
  override get has_rsample(): boolean {
    return true;
  }
  override get _mean_carrier_measure(): number {
    return 0;
  }
  /** The given matrix (under its own name, as PyTorch keeps it), the others computed. */
  get scale_tril(): Tensor {
    return this.given === "scale_tril" ? this.param : this._unbroadcasted_scale_tril.expand([...this.batch_shape, ...this.event_shape]);
  }
  get covariance_matrix(): Tensor {
    if (this.given === "covariance_matrix") return this.param;
    const L = this._unbroadcasted_scale_tril;
    return L.matmul(L.transpose(-2, -1)).expand([...this.batch_shape, ...this.event_shape]);
  }
  get precision_matrix(): Tensor {
    if (this.given === "precision_matrix") return this.param;
    const p = this.event_shape[1];
    return cholesky_solve(eye(p, { dtype: this._unbroadcasted_scale_tril.dtype }), this._unbroadcasted_scale_tril).expand([...this.batch_shape, ...this.event_shape]);
  }
  override toString(): string {
    return `Wishart(${this.given}: ${fmtParam(this.param)}, df: ${fmtParam(this.df)})`;
  }
  private dfView(): Tensor {
    return this.df.reshape([...this.batch_shape, 1, 1]);
  }
  override get mean(): Tensor {
    return this.dfView().mul(this.covariance_matrix);
  }
  override get mode(): Tensor {
    const p = this.event_shape[1];
    const factor = this.df.sub(p + 1);
    return factor.masked_fill(factor.le(0), NaN).reshape([...this.batch_shape, 1, 1]).mul(this.covariance_matrix);
  }
  override get variance(): Tensor {
    const V = this.covariance_matrix;
    const d = V.diagonal(0, -2, -1);
    return this.dfView().mul(V.pow(2).add(d.unsqueeze(-1).mul(d.unsqueeze(-2))));
  }
  private bartlett(sample_shape: readonly number[]): Tensor {
    const p = this.event_shape[1];
    const eps = finfo(this._unbroadcasted_scale_tril).eps;
    let noise = this._dist_chi2.rsample(sample_shape).sqrt().clamp({ min: eps }).diag_embed();
    const off = empty([...sample_shape, ...this.batch_shape, (p * (p - 1)) / 2], noise.dtype).normal_();
    noise = noise.add(vec_to_tril_matrix(off, -1));
    const chol = this._unbroadcasted_scale_tril.matmul(noise);
    return chol.matmul(chol.transpose(-2, -1));
  }
  /** Per sample (over sample_shape): whether support.check holds, reduced over the batch dims by amax as PyTorch. */
  private perSample(sample: Tensor, nSample: number): boolean[] {
    let ok = no_grad(() => C.positive_definite.check(sample));
    ok = ok.reshape([nSample, -1]).amax(-1);
    return (ok.tolist() as (number | boolean)[]).map(Boolean);
  }
  /**
   * Bartlett sampling, then PyTorch 1.13's correction loop as written: its first mask is the support
   * check itself (true for valid samples), so the valid samples are drawn again (with a "Singular
   * sample detected." warning); seeded draws follow torch's.
   */
  override rsample(sample_shape: readonly number[] = [], max_try_correction: number | null = null): Tensor {
    const tries = max_try_correction ?? 10;
    const n = sample_shape.reduce((a, b) => a * b, 1);
    const sample = this.bartlett(sample_shape);
    const rest = sample.shape.slice(sample_shape.length);
    let rows = sample.reshape([n, ...rest]).unbind(0);
    let redo = this.perSample(sample, n);
    if (redo.some(Boolean)) {
      warnOnce("UserWarning: Singular sample detected.");
      for (let t = 0; t < tries; t++) {
        const where_ = redo.map((r, i) => (r ? i : -1)).filter((i) => i >= 0);
        const fresh = this.bartlett([where_.length]);
        const freshRows = fresh.unbind(0);
        rows = rows.slice();
        where_.forEach((i, k) => (rows[i] = freshRows[k]));
        const bad = this.perSample(fresh, where_.length).map((v) => !v);
        redo = redo.slice();
        where_.forEach((i, k) => (redo[i] = bad[k]));
        if (!redo.some(Boolean)) break;
      }
    }
    return stack(rows, 0).reshape([...sample_shape, ...rest]);
  }
  override log_prob(value: Tensor): Tensor {
    if (this._validate_args) this._validate_sample(value);
    const nu = this.df;
    const p = this.event_shape[1];
    const L = this._unbroadcasted_scale_tril;
    const logdiag = L.diagonal(0, -2, -1).log().sum(-1);
    return nu.mul(logdiag.add((p * LOG2) / 2)).neg()
      .sub(mvlgamma(nu.div(2), p))
      .add(nu.sub(p + 1).div(2).mul(slogdet(value).logabsdet))
      .sub(cholesky_solve(value, L).diagonal(0, -2, -1).sum(-1).div(2));
  }
  override entropy(): Tensor {
    const nu = this.df;
    const p = this.event_shape[1];
    const logdiag = this._unbroadcasted_scale_tril.diagonal(0, -2, -1).log().sum(-1);
    return logdiag.add((p * LOG2) / 2).mul(p + 1)
      .add(mvlgamma(nu.div(2), p))
      .sub(nu.sub(p + 1).div(2).mul(mvdigamma(nu.div(2), p)))
      .add(nu.mul(p / 2));
  }
  override get _natural_params(): Tensor[] {
    const p = this.event_shape[1];
    return [this.precision_matrix.div(-2), this.df.sub(p + 1).div(2)];
  }
  override _log_normalizer(x: Tensor, y: Tensor): Tensor {
    const p = this.event_shape[1];
    return y.add((p + 1) / 2).mul(slogdet(x.mul(-2)).logabsdet.neg().add(LOG2 * p)).add(mvlgamma(y.add((p + 1) / 2), p));
  }
}
