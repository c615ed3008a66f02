/**
 * Univariate distributions whose samples are simple transforms of the seeded generator, written
 * as PyTorch 1.13 writes them so seeded draws are PyTorch's: Bernoulli (torch.bernoulli of the
 * expanded probs), Uniform (low + rand * (high - low)), Exponential (exponential_() / rate),
 * Laplace (uniform_(eps - 1, 1), then loc - scale * sign(u) * log1p(-|u|)) and Poisson
 * (torch.poisson of the expanded rate). Parameters are tensors or numbers, broadcast together and
 * validated as PyTorch validates them (validate_args defaults to true); log_prob checks the
 * value's support.
 */
import { parseArgs, type PyArgs } from "../args";
import { no_grad } from "../autograd/grad_mode";
import { float64 } from "../dtype";
import { NotImplementedError, TypeError_, ValueError } from "../errors";
import * as created from "../ops/creation_extra";
import { bernoulli } from "../ops/sampling";
import { empty } from "../ops/util";
import { Tensor } from "../tensor";
import { LocScale, type LocScaleArgs } from "./base";
import {
  bceWithLogits, binaryLogits, broadcastAll, checkParam, checkSupport, extendedShape, fmtParam, lazyProbsLogits, nonNegative, outsideUnit, ownParam, positive, probsOrLogits, type Param, type Validate, validates,
} from "./util";

export class Bernoulli {
  /** Lazy, the one not given (lazyProbsLogits below). */
  declare readonly probs: Tensor;
  declare readonly logits: Tensor;
  readonly batch_shape: number[];
  readonly event_shape: number[] = [];
  /** Whether rsample (a reparameterised, differentiable draw) exists, as PyTorch's flag. */
  readonly has_rsample = false;
  private readonly fromProbs: boolean;

  /** new Bernoulli(probs) or new Bernoulli({ logits }) (PyTorch's Bernoulli(probs=None, logits=None, validate_args=None)). */
  constructor(...args: PyArgs<[probs?: Param | null, logits?: Param | null, validate_args?: boolean | null], { probs?: Param | null; logits?: Param | null } & Validate>) {
    const o = parseArgs<{ probs?: Param | null; logits?: Param | null } & Validate>("Bernoulli", ["probs", "logits", "validate_args"], args);
    const { probs, logits } = probsOrLogits(o);
    this.fromProbs = probs !== null;
    const [param] = broadcastAll((probs ?? logits)!);
    ownParam(this, this.fromProbs ? "probs" : "logits", param);
    this._param = param;
    if (validates(o.validate_args)) {
      if (this.fromProbs) checkParam("probs", param, outsideUnit, "Interval(lower_bound=0.0, upper_bound=1.0)", () => this.toString());
      else checkParam("logits", param, (t) => t.isnan(), "Real()", () => this.toString());
    }
    this.batch_shape = param.shape.slice();
  }
  /** The parameter given (probs or logits): param_shape. */
  private readonly _param: Tensor;

  get mean(): Tensor {
    return this.probs;
  }
  get variance(): Tensor {
    return this.probs.mul(this.probs.neg().add(1));
  }
  get stddev(): Tensor {
    return this.variance.sqrt();
  }
  get param_shape(): number[] {
    return this._param.shape.slice();
  }

  sample(sample_shape: readonly number[] = []): Tensor {
    const shape = extendedShape(sample_shape, this.batch_shape);
    return no_grad(() => bernoulli(this.probs.expand(shape).contiguous()));
  }

  log_prob(value: Tensor): Tensor {
    checkSupport(value, (v) => v.ne(0).logical_and(v.ne(1)), "Boolean()", this.toString());
    return bceWithLogits(this.logits, value.to(this.logits.dtype)).neg();
  }

  entropy(): Tensor {
    return bceWithLogits(this.logits, this.probs);
  }

  toString(): string {
    return `Bernoulli(${this.fromProbs ? `probs: ${fmtParam(this.probs)}` : `logits: ${fmtParam(this.logits)}`})`;
  }
}

lazyProbsLogits(Bernoulli.prototype, (d) => d.logits.sigmoid(), (d) => binaryLogits(d.probs));

export class Uniform {
  readonly low: Tensor;
  readonly high: Tensor;
  readonly batch_shape: number[];
  readonly event_shape: number[] = [];
  /** Whether rsample (a reparameterised, differentiable draw) exists, as PyTorch's flag. */
  readonly has_rsample = true;

  constructor(...args: PyArgs<[low: Param, high: Param, validate_args?: boolean | null], { low?: Param; high?: Param } & Validate>) {
    const o = parseArgs<{ low?: Param; high?: Param } & Validate>("Uniform", ["low", "high", "validate_args"], args);
    if (o.low === undefined || o.high === undefined) throw new TypeError_("Uniform() missing required arguments: 'low' and 'high'");
    [this.low, this.high] = broadcastAll(o.low, o.high);
    this.batch_shape = this.low.shape.slice();
    if (validates(o.validate_args) && no_grad(() => this.low.ge(this.high).any().item())) throw new ValueError("Uniform is not defined when low>= high");
  }

  get mean(): Tensor {
    return this.high.add(this.low).div(2);
  }
  get variance(): Tensor {
    return this.high.sub(this.low).pow(2).div(12);
  }
  get stddev(): Tensor {
    return this.high.sub(this.low).div(12 ** 0.5);
  }

  /** low + rand(shape) * (high - low): gradients reach low and high. */
  rsample(sample_shape: readonly number[] = []): Tensor {
    const shape = extendedShape(sample_shape, this.batch_shape);
    const rand = empty(shape, this.low.dtype).uniform_(0, 1);
    return this.low.add(rand.mul(this.high.sub(this.low)));
  }

  sample(sample_shape: readonly number[] = []): Tensor {
    return no_grad(() => this.rsample(sample_shape));
  }

  log_prob(value: Tensor): Tensor {
    checkSupport(value, (v) => v.lt(this.low).logical_or(v.gt(this.high)), `Interval(lower_bound=${fmtParam(this.low)}, upper_bound=${fmtParam(this.high)})`, this.toString());
    const lb = this.low.le(value).to(this.low.dtype);
    const ub = this.high.gt(value).to(this.low.dtype);
    return lb.mul(ub).log().sub(this.high.sub(this.low).log());
  }

  cdf(value: Tensor): Tensor {
    return value.sub(this.low).div(this.high.sub(this.low)).clamp(0, 1);
  }

  icdf(value: Tensor): Tensor {
    return value.mul(this.high.sub(this.low)).add(this.low);
  }

  entropy(): Tensor {
    return this.high.sub(this.low).log();
  }

  toString(): string {
    return `Uniform(low: ${fmtParam(this.low)}, high: ${fmtParam(this.high)})`;
  }
}

export class Exponential {
  readonly rate: Tensor;
  readonly batch_shape: number[];
  readonly event_shape: number[] = [];
  /** Whether rsample (a reparameterised, differentiable draw) exists, as PyTorch's flag. */
  readonly has_rsample = true;

  constructor(...args: PyArgs<[rate: Param, validate_args?: boolean | null], { rate?: Param } & Validate>) {
    const o = parseArgs<{ rate?: Param } & Validate>("Exponential", ["rate", "validate_args"], args);
    if (o.rate === undefined) throw new TypeError_("Exponential() missing 1 required positional argument: 'rate'");
    [this.rate] = broadcastAll(o.rate);
    this.batch_shape = this.rate.shape.slice();
    if (validates(o.validate_args)) checkParam("rate", this.rate, positive, "GreaterThan(lower_bound=0.0)", () => this.toString());
  }

  get mean(): Tensor {
    return this.rate.reciprocal();
  }
  get stddev(): Tensor {
    return this.rate.reciprocal();
  }
  get variance(): Tensor {
    return this.rate.pow(-2);
  }

  /** exponential_() / rate: gradients reach rate. */
  rsample(sample_shape: readonly number[] = []): Tensor {
    const shape = extendedShape(sample_shape, this.batch_shape);
    return empty(shape, this.rate.dtype).exponential_().div(this.rate);
  }

  sample(sample_shape: readonly number[] = []): Tensor {
    return no_grad(() => this.rsample(sample_shape));
  }

  log_prob(value: Tensor): Tensor {
    checkSupport(value, nonNegative, "GreaterThanEq(lower_bound=0.0)", this.toString());
    return this.rate.log().sub(this.rate.mul(value));
  }

  cdf(value: Tensor): Tensor {
    return this.rate.neg().mul(value).exp().neg().add(1);
  }

  icdf(value: Tensor): Tensor {
    return value.neg().add(1).log().neg().div(this.rate);
  }

  entropy(): Tensor {
    return this.rate.log().neg().add(1);
  }

  toString(): string {
    return `Exponential(rate: ${fmtParam(this.rate)})`;
  }
}

export class Laplace extends LocScale {
  constructor(...args: LocScaleArgs) {
    super("Laplace", args);
  }

  get mean(): Tensor {
    return this.loc;
  }
  get variance(): Tensor {
    return this.scale.pow(2).mul(2);
  }
  get stddev(): Tensor {
    return this.scale.mul(Math.SQRT2);
  }

  /** u = uniform_(eps - 1, 1); loc - scale * sign(u) * log1p(-|u|) (eps of the dtype keeps log1p finite). */
  rsample(sample_shape: readonly number[] = []): Tensor {
    const shape = extendedShape(sample_shape, this.batch_shape);
    const eps = this.loc.dtype === float64 ? 2.220446049250313e-16 : 1.1920928955078125e-7;
    const u = empty(shape, this.loc.dtype).uniform_(eps - 1, 1);
    return this.loc.sub(this.scale.mul(u.sign()).mul(u.abs().neg().log1p()));
  }

  log_prob(value: Tensor): Tensor {
    return this.scale.mul(2).log().neg().sub(value.sub(this.loc).abs().div(this.scale));
  }

  cdf(value: Tensor): Tensor {
    const d = value.sub(this.loc);
    return d.sign().mul(d.abs().neg().div(this.scale).expm1()).mul(-0.5).add(0.5);
  }

  icdf(value: Tensor): Tensor {
    const term = value.sub(0.5);
    return this.loc.sub(this.scale.mul(term.sign()).mul(term.abs().mul(-2).log1p()));
  }

  entropy(): Tensor {
    return this.scale.mul(2).log().add(1);
  }
}

export class Poisson {
  readonly rate: Tensor;
  readonly batch_shape: number[];
  readonly event_shape: number[] = [];
  /** Whether rsample (a reparameterised, differentiable draw) exists, as PyTorch's flag. */
  readonly has_rsample = false;

  constructor(...args: PyArgs<[rate: Param, validate_args?: boolean | null], { rate?: Param } & Validate>) {
    const o = parseArgs<{ rate?: Param } & Validate>("Poisson", ["rate", "validate_args"], args);
    if (o.rate === undefined) throw new TypeError_("Poisson() missing 1 required positional argument: 'rate'");
    [this.rate] = broadcastAll(o.rate);
    this.batch_shape = this.rate.shape.slice();
    if (validates(o.validate_args)) checkParam("rate", this.rate, nonNegative, "GreaterThanEq(lower_bound=0.0)", () => this.toString());
  }

  get mean(): Tensor {
    return this.rate;
  }
  get variance(): Tensor {
    return this.rate;
  }
  get stddev(): Tensor {
    return this.rate.sqrt();
  }

  /** torch.poisson(rate.expand(shape)): counts in the rate's dtype. */
  sample(sample_shape: readonly number[] = []): Tensor {
    const shape = extendedShape(sample_shape, this.batch_shape);
    return no_grad(() => created.poisson(this.rate.expand(shape).contiguous()));
  }

  log_prob(value: Tensor): Tensor {
    checkSupport(value, (v) => v.lt(0).logical_or(v.ne(v.floor())), "IntegerGreaterThan(lower_bound=0)", this.toString());
    const v = value.to(this.rate.dtype);
    return v.xlogy(this.rate).sub(this.rate).sub(v.add(1).lgamma());
  }

  entropy(): Tensor {
    throw new NotImplementedError("Poisson.entropy is not implemented (PyTorch 1.13 has none either)");
  }

  toString(): string {
    return `Poisson(rate: ${fmtParam(this.rate)})`;
  }
}
