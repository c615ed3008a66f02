/**
 * TransformedDistribution (a base distribution pushed through transforms) and PyTorch 1.13's
 * distributions built on it, with its formulas and sampling calls so seeded draws are PyTorch's:
 * Gumbel (a Uniform(tiny, 1 - eps) through -log(-log u), scaled), Pareto and Weibull (an
 * Exponential through exp / power and a scale), HalfCauchy (|Cauchy|), Kumaraswamy (a Uniform
 * through powers), RelaxedBernoulli (sigmoid of a LogitRelaxedBernoulli) and
 * RelaxedOneHotCategorical (exp of an ExpRelaxedCategorical: the Gumbel-softmax), LogisticNormal
 * (stick-breaking of a Normal).
 */
import { parseArgs, type PyArgs } from "../args";
import { float64 } from "../dtype";
import { ValueError } from "../errors";
import { full, full_like, ones_like, zeros_like } from "../ops/creation";
import { empty } from "../ops/util";
import { where } from "../ops/where";
import { Tensor } from "../tensor";
import * as C from "./constraints";
import { Distribution } from "./distribution";
import { Cauchy } from "./derived";
import { Independent, type BaseDistribution } from "./multivariate";
import { Categorical, Normal } from "./normal_categorical";
import { Exponential, Uniform } from "./simple";
import { AbsTransform, AffineTransform, ComposeTransform, ExpTransform, PowerTransform, SigmoidTransform, StickBreakingTransform, Transform, mulSign } from "./transforms";
import { binaryLogits, broadcastAll, clampProbs, lazyProbsLogits, ownParam, probsOrLogits, sumRightmost, type Param, type Validate } from "./util";

const EULER = 0.5772156649015329;

/** What TransformedDistribution uses of its base (any engine distribution). */
type Base = BaseDistribution & {
  has_rsample?: boolean;
  support?: C.Constraint;
  cdf?(v: Tensor): Tensor;
  icdf?(v: Tensor): Tensor;
  expand?(b: readonly number[]): Base;
  _validate_sample?(v: Tensor): void;
};

const finfo = (t: Tensor) =>
  t.dtype === float64 ? { tiny: 2.2250738585072014e-308, eps: 2.220446049250313e-16 } : { tiny: 1.1754943508222875e-38, eps: 1.1920928955078125e-7 };

export interface TransformedDistributionOptions extends Validate {
  base_distribution?: Base;
  transforms?: Transform | Transform[];
}

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((v, i) => v === b[i]);

export class TransformedDistribution extends Distribution {
  base_dist: Base;
  transforms: Transform[];

  constructor(...args: PyArgs<[base_distribution: Base, transforms: Transform | Transform[], validate_args?: boolean | null], TransformedDistributionOptions>) {
    super([], [], false);
    const o = parseArgs<TransformedDistributionOptions>("TransformedDistribution", ["base_distribution", "transforms", "validate_args"], args);
    let base = o.base_distribution;
    if (!base) throw new ValueError("TransformedDistribution() missing required argument: 'base_distribution'");
    const ts = o.transforms;
    if (ts instanceof Transform) this.transforms = [ts];
    else if (Array.isArray(ts)) {
      if (!ts.every((t) => t instanceof Transform)) throw new ValueError("transforms must be a Transform or a list of Transforms");
      this.transforms = ts;
    } else throw new ValueError(`transforms must be a Transform or list, but was ${String(ts)}`);

    const baseShape = [...base.batch_shape, ...base.event_shape];
    const baseEventDim = base.event_shape.length;
    const transform = new ComposeTransform(this.transforms);
    const domainEventDim = transform.domain.event_dim;
    if (baseShape.length < domainEventDim) throw new ValueError(`base_distribution needs to have shape with size at least ${domainEventDim}, but got torch.Size([${baseShape.join(", ")}]).`);
    const shape = transform.forward_shape(baseShape);
    const expandedBaseShape = transform.inverse_shape(shape);
    if (!sameShape(baseShape, expandedBaseShape)) {
      if (!base.expand) throw new ValueError("TransformedDistribution: the base distribution cannot be expanded");
      base = base.expand(expandedBaseShape.slice(0, expandedBaseShape.length - baseEventDim));
    }
    const reinterpreted = domainEventDim - baseEventDim;
    if (reinterpreted > 0) base = new Independent(base, reinterpreted) as unknown as Base;
    this.base_dist = base;
    const eventDim = transform.codomain.event_dim + Math.max(baseEventDim - domainEventDim, 0);
    const cut = shape.length - eventDim;
    this._init(shape.slice(0, cut), shape.slice(cut), o.validate_args ?? null);
  }

  override get arg_constraints(): Record<string, C.Constraint> {
    return {};
  }
  override get support(): C.Constraint | undefined {
    if (this.transforms.length === 0) return this.base_dist.support;
    let support = this.transforms[this.transforms.length - 1].codomain;
    if (this.event_shape.length > support.event_dim) support = C.independent(support, this.event_shape.length - support.event_dim);
    return support;
  }
  override get has_rsample(): boolean {
    return Boolean(this.base_dist.has_rsample);
  }

  override sample(sample_shape: readonly number[] = []): Tensor {
    let x = this.base_dist.sample(sample_shape);
    for (const t of this.transforms) x = t(x);
    return x.detach();
  }
  override rsample(sample_shape: readonly number[] = []): Tensor {
    if (!this.base_dist.rsample) throw new ValueError(`${this.base_dist.toString()} has no rsample`);
    let x = this.base_dist.rsample(sample_shape);
    for (const t of this.transforms) x = t(x);
    return x;
  }

  override log_prob(value: Tensor): Tensor {
    if (this._validate_args) this._validate_sample(value);
    let eventDim = this.event_shape.length;
    let logProb: Tensor | number = 0;
    let y = value;
    for (const t of [...this.transforms].reverse()) {
      const x = t.inv(y);
      eventDim += t.domain.event_dim - t.codomain.event_dim;
      const term = sumRightmost(t.log_abs_det_jacobian(x, y), eventDim - t.domain.event_dim);
      logProb = typeof logProb === "number" ? term.neg().add(logProb) : logProb.sub(term);
      y = x;
    }
    const base = sumRightmost(this.base_dist.log_prob(y), eventDim - this.base_dist.event_shape.length);
    return typeof logProb === "number" ? base.add(logProb) : logProb.add(base);
  }

  /** value -> 1 - value where the transforms are decreasing, so cdf stays increasing. */
  private monotonize(value: Tensor): Tensor {
    let sign = 1 as number | Tensor;
    for (const t of this.transforms) {
      const s = t.sign;
      sign = mulSign(sign, s);
    }
    if (typeof sign === "number" && sign === 1) return value;
    return value.sub(0.5).mul(sign).add(0.5);
  }

  override cdf(value: Tensor): Tensor {
    for (const t of [...this.transforms].reverse()) value = t.inv(value);
    if (this._validate_args && this.base_dist._validate_sample) this.base_dist._validate_sample(value);
    if (!this.base_dist.cdf) throw new ValueError(`${this.base_dist.toString()} has no cdf`);
    return this.monotonize(this.base_dist.cdf(value));
  }
  override icdf(value: Tensor): Tensor {
    if (!this.base_dist.icdf) throw new ValueError(`${this.base_dist.toString()} has no icdf`);
    let v = this.base_dist.icdf(this.monotonize(value));
    for (const t of this.transforms) v = t(v);
    return v;
  }
}

type LocScaleOpts = { loc?: Param; scale?: Param } & Validate;

/** Gumbel(loc, scale): loc - scale * log(-log u), u ~ Uniform(tiny, 1 - eps). */
export class Gumbel extends TransformedDistribution {
  loc: Tensor;
  scale: Tensor;
  constructor(...args: PyArgs<[loc: Param, scale: Param, validate_args?: boolean | null], LocScaleOpts>) {
    const o = parseArgs<LocScaleOpts>("Gumbel", ["loc", "scale", "validate_args"], args);
    if (o.loc === undefined || o.scale === undefined) throw new ValueError("Gumbel() missing required arguments: 'loc' and 'scale'");
    const [loc, scale] = broadcastAll(o.loc, o.scale);
    const f = finfo(loc);
    const base = typeof o.loc === "number" && typeof o.scale === "number" ? new Uniform(f.tiny, 1 - f.eps) : new Uniform(full_like(loc, f.tiny), full_like(loc, 1 - f.eps));
    const ts = [new ExpTransform().inv, new AffineTransform(0, ones_like(scale).neg()), new ExpTransform().inv, new AffineTransform(o.loc, scale.neg())];
    super(base, ts, { validate_args: o.validate_args });
    this.loc = loc;
    this.scale = scale;
    this._init(this.batch_shape, this.event_shape, o.validate_args);
  }
  override get arg_constraints(): Record<string, C.Constraint> {
    return { loc: C.real, scale: C.positive };
  }
  override get support(): C.Constraint {
    return C.real;
  }
  override log_prob(value: Tensor): Tensor {
    if (this._validate_args) this._validate_sample(value);
    const y = this.loc.sub(value).div(this.scale);
    return y.sub(y.exp()).sub(this.scale.log());
  }
  override get mean(): Tensor {
    return this.loc.add(this.scale.mul(EULER));
  }
  override get mode(): Tensor {
    return this.loc;
  }
  override get stddev(): Tensor {
    return this.scale.mul(Math.PI / Math.sqrt(6));
  }
  override get variance(): Tensor {
    return this.stddev.pow(2);
  }
  override entropy(): Tensor {
    return this.scale.log().add(1 + EULER);
  }
}

/** HalfCauchy(scale): |Cauchy(0, scale)|. */
export class HalfCauchy extends TransformedDistribution {
  constructor(...args: PyArgs<[scale: Param, validate_args?: boolean | null], { scale?: Param } & Validate>) {
    const o = parseArgs<{ scale?: Param } & Validate>("HalfCauchy", ["scale", "validate_args"], args);
    if (o.scale === undefined) throw new ValueError("HalfCauchy() missing 1 required positional argument: 'scale'");
    const base = new Cauchy(0, o.scale, false);
    super(base as unknown as Base, new AbsTransform(), { validate_args: o.validate_args });
    this._init(this.batch_shape, this.event_shape, o.validate_args);
  }
  override get arg_constraints(): Record<string, C.Constraint> {
    return { scale: C.positive };
  }
  override get support(): C.Constraint {
    return C.nonnegative;
  }
  override get has_rsample(): boolean {
    return true;
  }
  get scale(): Tensor {
    return (this.base_dist as unknown as Cauchy).scale;
  }
  override get mean(): Tensor {
    return full(this._extended_shape(), Infinity, { dtype: this.scale.dtype });
  }
  override get mode(): Tensor {
    return zeros_like(this.scale);
  }
  override get variance(): Tensor {
    return this.base_dist.variance;
  }
  override log_prob(value: Tensor): Tensor {
    if (this._validate_args) this._validate_sample(value);
    const v = value.to(this.scale.dtype);
    return where(v.ge(0), this.base_dist.log_prob(v).add(Math.LN2), -Infinity);
  }
  override cdf(value: Tensor): Tensor {
    if (this._validate_args) this._validate_sample(value);
    return this.base_dist.cdf!(value).mul(2).sub(1);
  }
  override icdf(prob: Tensor): Tensor {
    return this.base_dist.icdf!(prob.add(1).div(2));
  }
  override entropy(): Tensor {
    return this.base_dist.entropy().sub(Math.LN2);
  }
  override toString(): string {
    return `HalfCauchy()`;
  }
}

/** Pareto(scale, alpha): scale * exp(Exponential(alpha)). */
export class Pareto extends TransformedDistribution {
  scale: Tensor;
  alpha: Tensor;
  constructor(...args: PyArgs<[scale: Param, alpha: Param, validate_args?: boolean | null], { scale?: Param; alpha?: Param } & Validate>) {
    const o = parseArgs<{ scale?: Param; alpha?: Param } & Validate>("Pareto", ["scale", "alpha", "validate_args"], args);
    if (o.scale === undefined || o.alpha === undefined) throw new ValueError("Pareto() missing required arguments: 'scale' and 'alpha'");
    const [scale, alpha] = broadcastAll(o.scale, o.alpha);
    super(new Exponential(alpha, o.validate_args ?? null) as unknown as Base, [new ExpTransform(), new AffineTransform(0, scale)], { validate_args: o.validate_args });
    this.scale = scale;
    this.alpha = alpha;
    this._init(this.batch_shape, this.event_shape, o.validate_args);
  }
  override get arg_constraints(): Record<string, C.Constraint> {
    return { alpha: C.positive, scale: C.positive };
  }
  override get support(): C.Constraint {
    return C.greater_than_eq(this.scale);
  }
  override get mean(): Tensor {
    const a = this.alpha.clamp({ min: 1 });
    return a.mul(this.scale).div(a.sub(1));
  }
  override get mode(): Tensor {
    return this.scale;
  }
  override get variance(): Tensor {
    const a = this.alpha.clamp({ min: 2 });
    return this.scale.pow(2).mul(a).div(a.sub(1).pow(2).mul(a.sub(2)));
  }
  override entropy(): Tensor {
    return this.scale.div(this.alpha).log().add(this.alpha.reciprocal().add(1));
  }
}

/** Weibull(scale, concentration): scale * Exponential(1) ** (1 / concentration). */
export class Weibull extends TransformedDistribution {
  scale: Tensor;
  concentration: Tensor;
  concentration_reciprocal: Tensor;
  constructor(...args: PyArgs<[scale: Param, concentration: Param, validate_args?: boolean | null], { scale?: Param; concentration?: Param } & Validate>) {
    const o = parseArgs<{ scale?: Param; concentration?: Param } & Validate>("Weibull", ["scale", "concentration", "validate_args"], args);
    if (o.scale === undefined || o.concentration === undefined) throw new ValueError("Weibull() missing required arguments: 'scale' and 'concentration'");
    const [scale, concentration] = broadcastAll(o.scale, o.concentration);
    const rec = concentration.reciprocal();
    super(new Exponential(ones_like(scale), o.validate_args ?? null) as unknown as Base, [new PowerTransform(rec), new AffineTransform(0, scale)], { validate_args: o.validate_args });
    this.scale = scale;
    this.concentration = concentration;
    this.concentration_reciprocal = rec;
    this._init(this.batch_shape, this.event_shape, o.validate_args);
  }
  override get arg_constraints(): Record<string, C.Constraint> {
    return { scale: C.positive, concentration: C.positive };
  }
  override get support(): C.Constraint {
    return C.positive;
  }
  override get mean(): Tensor {
    return this.scale.mul(this.concentration_reciprocal.add(1).lgamma().exp());
  }
  override get mode(): Tensor {
    return this.scale.mul(this.concentration.sub(1).div(this.concentration).pow(this.concentration.reciprocal()));
  }
  override get variance(): Tensor {
    const r = this.concentration_reciprocal;
    return this.scale.pow(2).mul(r.mul(2).add(1).lgamma().exp().sub(r.add(1).lgamma().mul(2).exp()));
  }
  override entropy(): Tensor {
    return this.concentration_reciprocal.neg().add(1).mul(EULER).add(this.scale.mul(this.concentration_reciprocal).log()).add(1);
  }
}

const kumaraswamyMoment = (a: Tensor, b: Tensor, n: number): Tensor => {
  const arg1 = a.reciprocal().mul(n).add(1);
  return b.mul(arg1.lgamma().add(b.lgamma()).sub(arg1.add(b).lgamma()).exp());
};

/** Kumaraswamy(concentration1, concentration0): (1 - u ** (1 / c0)) ** (1 / c1), u ~ Uniform(0, 1). */
export class Kumaraswamy extends TransformedDistribution {
  concentration1: Tensor;
  concentration0: Tensor;
  constructor(...args: PyArgs<[concentration1: Param, concentration0: Param, validate_args?: boolean | null], { concentration1?: Param; concentration0?: Param } & Validate>) {
    const o = parseArgs<{ concentration1?: Param; concentration0?: Param } & Validate>("Kumaraswamy", ["concentration1", "concentration0", "validate_args"], args);
    if (o.concentration1 === undefined || o.concentration0 === undefined) throw new ValueError("Kumaraswamy() missing required arguments: 'concentration1' and 'concentration0'");
    const [c1, c0] = broadcastAll(o.concentration1, o.concentration0);
    const base = new Uniform(full_like(c0, 0), full_like(c0, 1), o.validate_args ?? null);
    super(base as unknown as Base, [new PowerTransform(c0.reciprocal()), new AffineTransform(1, -1), new PowerTransform(c1.reciprocal())], { validate_args: o.validate_args });
    this.concentration1 = c1;
    this.concentration0 = c0;
    this._init(this.batch_shape, this.event_shape, o.validate_args);
  }
  override get arg_constraints(): Record<string, C.Constraint> {
    return { concentration1: C.positive, concentration0: C.positive };
  }
  override get support(): C.Constraint {
    return C.unit_interval;
  }
  override get has_rsample(): boolean {
    return true;
  }
  override get mean(): Tensor {
    return kumaraswamyMoment(this.concentration1, this.concentration0, 1);
  }
  /**
   * PyTorch 1.13's formula as written (exp(log1p(-c0) / c0 - log1p(-c0 c1)), NaN where either
   * concentration is below 1): NaN wherever concentration0 > 1 too, as torch gives. The mode in closed
   * form is ((c1 - 1) / (c1 c0 - 1)) ** (1 / c1); kept as torch computes it for matching values.
   */
  override get mode(): Tensor {
    const c0 = this.concentration0;
    const c1 = this.concentration1;
    const logMode = c0.reciprocal().mul(c0.neg().log1p()).sub(c0.neg().mul(c1).log1p());
    return logMode.masked_fill(c0.lt(1).logical_or(c1.lt(1)), NaN).exp();
  }
  override get variance(): Tensor {
    return kumaraswamyMoment(this.concentration1, this.concentration0, 2).sub(this.mean.pow(2));
  }
  override entropy(): Tensor {
    const t1 = this.concentration1.reciprocal().neg().add(1);
    const t0 = this.concentration0.reciprocal().neg().add(1);
    const h0 = this.concentration0.add(1).digamma().add(EULER);
    return t0.add(t1.mul(h0)).sub(this.concentration1.log()).sub(this.concentration0.log());
  }
}

type RelaxedArgs = PyArgs<[temperature: Param, probs?: Param | null, logits?: Param | null, validate_args?: boolean | null], { temperature?: Param; probs?: Param | null; logits?: Param | null } & Validate>;
type RelaxedOpts = { temperature?: Param; probs?: Param | null; logits?: Param | null } & Validate;

/** The logit of a RelaxedBernoulli: (logit u + logits) / temperature, u ~ U(0, 1) (clamped). */
export class LogitRelaxedBernoulli extends Distribution {
  temperature: Tensor;
  /** Lazy, the one not given (lazyProbsLogits below). */
  declare probs: Tensor;
  declare logits: Tensor;
  private readonly fromProbs: boolean;
  /** The parameter given (probs or logits): the batch shape, and param_shape. */
  private readonly _param: Tensor;
  constructor(...args: RelaxedArgs) {
    super([], [], false);
    const o = parseArgs<RelaxedOpts>("LogitRelaxedBernoulli", ["temperature", "probs", "logits", "validate_args"], args);
    if (o.temperature === undefined) throw new ValueError("LogitRelaxedBernoulli() missing 1 required positional argument: 'temperature'");
    const { probs, logits } = probsOrLogits(o);
    this.fromProbs = probs !== null;
    this._param = ownParam(this, this.fromProbs ? "probs" : "logits", broadcastAll((probs ?? logits)!)[0]);
    [this.temperature] = broadcastAll(o.temperature);
    this.temperature = this.temperature.to(this._param.dtype);
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
    return C.real;
  }
  /** False, as PyTorch's flag (it has rsample; RelaxedBernoulli, built on it, says true). */
  override get has_rsample(): boolean {
    return false;
  }
  get param_shape(): number[] {
    return this._param.shape.slice();
  }
  override rsample(sample_shape: readonly number[] = []): Tensor {
    const shape = this._extended_shape(sample_shape);
    const probs = clampProbs(this.probs.expand(shape));
    const u = clampProbs(empty(shape, probs.dtype).uniform_(0, 1));
    return u.log().sub(u.neg().log1p()).add(probs.log()).sub(probs.neg().log1p()).div(this.temperature);
  }
  override log_prob(value: Tensor): Tensor {
    if (this._validate_args) this._validate_sample(value);
    const [logits, v] = broadcastAll(this.logits, value);
    const diff = logits.sub(v.mul(this.temperature));
    return this.temperature.log().add(diff).sub(diff.exp().log1p().mul(2));
  }
}

lazyProbsLogits(LogitRelaxedBernoulli.prototype, (d) => d.logits.sigmoid(), (d) => binaryLogits(d.probs));

/** RelaxedBernoulli(temperature, probs | logits): a continuous relaxation of Bernoulli on (0, 1). */
export class RelaxedBernoulli extends TransformedDistribution {
  constructor(...args: RelaxedArgs) {
    const o = parseArgs<RelaxedOpts>("RelaxedBernoulli", ["temperature", "probs", "logits", "validate_args"], args);
    const base = new LogitRelaxedBernoulli(o.temperature!, o.probs ?? null, o.logits ?? null, o.validate_args ?? null);
    super(base as unknown as Base, new SigmoidTransform(), { validate_args: o.validate_args });
    // torch 1.13 validates its probs / logits: plain properties reading the base's lazy ones, computed here
    if (this._validate_args) void [base.probs, base.logits];
  }
  override get arg_constraints(): Record<string, C.Constraint> {
    return {};
  }
  override get support(): C.Constraint {
    return C.unit_interval;
  }
  override get has_rsample(): boolean {
    return true;
  }
  get temperature(): Tensor {
    return (this.base_dist as unknown as LogitRelaxedBernoulli).temperature;
  }
  get logits(): Tensor {
    return (this.base_dist as unknown as LogitRelaxedBernoulli).logits;
  }
  get probs(): Tensor {
    return (this.base_dist as unknown as LogitRelaxedBernoulli).probs;
  }
}

/** log of a RelaxedOneHotCategorical sample: log_softmax((logits + Gumbel noise) / temperature). */
export class ExpRelaxedCategorical extends Distribution {
  temperature: Tensor;
  _categorical: Categorical;
  constructor(...args: PyArgs<[temperature: Param, probs?: Tensor | null, logits?: Tensor | null, validate_args?: boolean | null], { temperature?: Param; probs?: Tensor | null; logits?: Tensor | null } & Validate>) {
    super([], [], false);
    const o = parseArgs<{ temperature?: Param; probs?: Tensor | null; logits?: Tensor | null } & Validate>("ExpRelaxedCategorical", ["temperature", "probs", "logits", "validate_args"], args);
    if (o.temperature === undefined) throw new ValueError("ExpRelaxedCategorical() missing 1 required positional argument: 'temperature'");
    this._categorical = new Categorical(o.probs ?? null, o.logits ?? null, o.validate_args ?? null);
    [this.temperature] = broadcastAll(o.temperature);
    this.temperature = this.temperature.to((o.probs ?? o.logits)!.dtype); // not this._categorical.probs: lazy, computed when asked
    this._init(this._categorical.batch_shape, this._categorical.param_shape.slice(-1), o.validate_args);
  }
  override get arg_constraints(): Record<string, C.Constraint> {
    return {};
  }
  override get support(): C.Constraint {
    return C.real_vector;
  }
  override get has_rsample(): boolean {
    return true;
  }
  get param_shape(): number[] {
    return this._categorical.param_shape;
  }
  get logits(): Tensor {
    return this._categorical.logits;
  }
  get probs(): Tensor {
    return this._categorical.probs;
  }
  override rsample(sample_shape: readonly number[] = []): Tensor {
    const shape = this._extended_shape(sample_shape);
    const u = clampProbs(empty(shape, this.logits.dtype).uniform_(0, 1));
    const gumbels = u.log().neg().log().neg();
    const scores = this.logits.add(gumbels).div(this.temperature);
    return scores.sub(scores.logsumexp(-1, true));
  }
  override log_prob(value: Tensor): Tensor {
    const K = this.param_shape[this.param_shape.length - 1];
    if (this._validate_args) this._validate_sample(value);
    const [logits, v] = broadcastAll(this.logits, value);
    const logScale = full_like(this.temperature, K).lgamma().sub(this.temperature.log().mul(-(K - 1)));
    let score = logits.sub(v.mul(this.temperature));
    score = score.sub(score.logsumexp(-1, true)).sum(-1);
    return score.add(logScale);
  }
}

/** RelaxedOneHotCategorical(temperature, probs | logits): the Gumbel-softmax (Concrete) distribution on the simplex. */
export class RelaxedOneHotCategorical extends TransformedDistribution {
  constructor(...args: PyArgs<[temperature: Param, probs?: Tensor | null, logits?: Tensor | null, validate_args?: boolean | null], { temperature?: Param; probs?: Tensor | null; logits?: Tensor | null } & Validate>) {
    const o = parseArgs<{ temperature?: Param; probs?: Tensor | null; logits?: Tensor | null } & Validate>("RelaxedOneHotCategorical", ["temperature", "probs", "logits", "validate_args"], args);
    const base = new ExpRelaxedCategorical(o.temperature!, o.probs ?? null, o.logits ?? null, o.validate_args ?? null);
    super(base as unknown as Base, new ExpTransform(), { validate_args: o.validate_args });
    // as RelaxedBernoulli: torch 1.13's validation reads probs / logits, computing the lazy one
    if (this._validate_args) void [base.probs, base.logits];
  }
  override get arg_constraints(): Record<string, C.Constraint> {
    return {};
  }
  override get support(): C.Constraint {
    return C.simplex;
  }
  override get has_rsample(): boolean {
    return true;
  }
  get temperature(): Tensor {
    return (this.base_dist as unknown as ExpRelaxedCategorical).temperature;
  }
  get logits(): Tensor {
    return (this.base_dist as unknown as ExpRelaxedCategorical).logits;
  }
  get probs(): Tensor {
    return (this.base_dist as unknown as ExpRelaxedCategorical).probs;
  }
}

/** LogisticNormal(loc, scale): StickBreakingTransform of a Normal (a distribution on the simplex, one more dim than loc). */
export class LogisticNormal extends TransformedDistribution {
  constructor(...args: PyArgs<[loc: Param, scale: Param, validate_args?: boolean | null], LocScaleOpts>) {
    const o = parseArgs<LocScaleOpts>("LogisticNormal", ["loc", "scale", "validate_args"], args);
    if (o.loc === undefined || o.scale === undefined) throw new ValueError("LogisticNormal() missing required arguments: 'loc' and 'scale'");
    let base = new Normal(o.loc, o.scale, o.validate_args ?? null) as unknown as Base;
    if (base.batch_shape.length === 0) base = base.expand!([1]);
    super(base, new StickBreakingTransform(), { validate_args: o.validate_args });
  }
  override get arg_constraints(): Record<string, C.Constraint> {
    return { loc: C.real, scale: C.positive };
  }
  override get support(): C.Constraint {
    return C.simplex;
  }
  override get has_rsample(): boolean {
    return true;
  }
  get loc(): Tensor {
    return ((this.base_dist as unknown as Independent).base_dist as unknown as Normal).loc;
  }
  get scale(): Tensor {
    return ((this.base_dist as unknown as Independent).base_dist as unknown as Normal).scale;
  }
}
