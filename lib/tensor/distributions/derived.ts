/**
 * More univariate distributions, PyTorch 1.13's formulas and sampling calls (so seeded draws are
 * PyTorch's): LogNormal and HalfNormal, the exp and |.| of a Normal (PyTorch's
 * TransformedDistribution over Normal.sample / rsample); Cauchy (loc + scale * cauchy_()) and
 * Geometric (floor(log u / log1p(-p)), u = uniform_(tiny, 1)), counting failures before the
 * first success.
 */
import { parseArgs, type PyArgs } from "../args";
import { no_grad } from "../autograd/grad_mode";
import { float64 } from "../dtype";
import { TypeError_, ValueError } from "../errors";
import { empty } from "../ops/util";
import { where } from "../ops/where";
import { Tensor } from "../tensor";
import { LocScale, type LocScaleArgs } from "./base";
import { Normal } from "./normal_categorical";
import { bceWithLogits, binaryLogits, broadcastAll, checkParam, checkSupport, extendedShape, fmtParam, lazyProbsLogits, nonNegative, outsideUnit, ownParam, positive, probsOrLogits, pyTuple, type Param, type Validate, validates } from "./util";

export class LogNormal {
  readonly base_dist: Normal;
  readonly batch_shape: number[];
  readonly event_shape: number[] = [];
  readonly has_rsample = true;

  constructor(...args: PyArgs<[loc: Param, scale: Param, validate_args?: boolean | null], { loc?: Param; scale?: Param } & Validate>) {
    const o = parseArgs<{ loc?: Param; scale?: Param } & Validate>("LogNormal", ["loc", "scale", "validate_args"], args);
    if (o.loc === undefined || o.scale === undefined) throw new TypeError_("LogNormal() missing required arguments: 'loc' and 'scale'");
    this.base_dist = new Normal(o.loc, o.scale, o.validate_args ?? null);
    this.batch_shape = this.base_dist.batch_shape.slice();
  }

  get loc(): Tensor {
    return this.base_dist.loc;
  }
  get scale(): Tensor {
    return this.base_dist.scale;
  }
  get mean(): Tensor {
    return this.loc.add(this.scale.pow(2).div(2)).exp();
  }
  get variance(): Tensor {
    const s2 = this.scale.pow(2);
    return s2.exp().sub(1).mul(this.loc.mul(2).add(s2).exp());
  }
  get stddev(): Tensor {
    return this.variance.sqrt();
  }

  sample(sample_shape: readonly number[] = []): Tensor {
    return no_grad(() => this.base_dist.sample(sample_shape).exp());
  }
  rsample(sample_shape: readonly number[] = []): Tensor {
    return this.base_dist.rsample(sample_shape).exp();
  }

  log_prob(value: Tensor): Tensor {
    checkSupport(value, positive, "GreaterThan(lower_bound=0.0)", this.toString());
    const y = value.log();
    return this.base_dist.log_prob(y).sub(y);
  }

  cdf(value: Tensor): Tensor {
    return this.base_dist.cdf(value.log());
  }
  icdf(value: Tensor): Tensor {
    return this.base_dist.icdf(value).exp();
  }

  entropy(): Tensor {
    return this.base_dist.entropy().add(this.loc);
  }

  toString(): string {
    return "LogNormal()";
  }
}

export class HalfNormal {
  readonly base_dist: Normal;
  readonly batch_shape: number[];
  readonly event_shape: number[] = [];
  readonly has_rsample = true;

  constructor(...args: PyArgs<[scale: Param, validate_args?: boolean | null], { scale?: Param } & Validate>) {
    const o = parseArgs<{ scale?: Param } & Validate>("HalfNormal", ["scale", "validate_args"], args);
    if (o.scale === undefined) throw new TypeError_("HalfNormal() missing 1 required positional argument: 'scale'");
    this.base_dist = new Normal(0, o.scale, o.validate_args ?? null);
    this.batch_shape = this.base_dist.batch_shape.slice();
  }

  get scale(): Tensor {
    return this.base_dist.scale;
  }
  get mean(): Tensor {
    return this.scale.mul(Math.sqrt(2 / Math.PI));
  }
  get variance(): Tensor {
    return this.scale.pow(2).mul(1 - 2 / Math.PI);
  }
  get stddev(): Tensor {
    return this.variance.sqrt();
  }

  sample(sample_shape: readonly number[] = []): Tensor {
    return no_grad(() => this.base_dist.sample(sample_shape).abs());
  }
  rsample(sample_shape: readonly number[] = []): Tensor {
    return this.base_dist.rsample(sample_shape).abs();
  }

  log_prob(value: Tensor): Tensor {
    checkSupport(value, nonNegative, "GreaterThanEq(lower_bound=0.0)", this.toString());
    return where(value.ge(0), this.base_dist.log_prob(value).add(Math.LN2), -Infinity);
  }

  cdf(value: Tensor): Tensor {
    return this.base_dist.cdf(value).mul(2).sub(1);
  }
  icdf(value: Tensor): Tensor {
    return this.base_dist.icdf(value.add(1).div(2));
  }

  entropy(): Tensor {
    return this.base_dist.entropy().sub(Math.LN2);
  }

  toString(): string {
    return "HalfNormal()";
  }
}

export class Cauchy extends LocScale {
  constructor(...args: LocScaleArgs) {
    super("Cauchy", args);
  }

  /** Undefined for a Cauchy: NaN, as PyTorch returns. */
  get mean(): Tensor {
    return this.loc.mul(0).add(NaN);
  }
  /** Infinite, as PyTorch returns. */
  get variance(): Tensor {
    return this.loc.mul(0).add(Infinity);
  }
  get stddev(): Tensor {
    return this.variance;
  }

  rsample(sample_shape: readonly number[] = []): Tensor {
    const eps = empty(extendedShape(sample_shape, this.batch_shape), this.loc.dtype).cauchy_();
    return this.loc.add(eps.mul(this.scale));
  }

  log_prob(value: Tensor): Tensor {
    const z = value.sub(this.loc).div(this.scale);
    return this.scale.log().neg().sub(Math.log(Math.PI)).sub(z.pow(2).log1p());
  }

  cdf(value: Tensor): Tensor {
    return value.sub(this.loc).div(this.scale).atan().div(Math.PI).add(0.5);
  }
  icdf(value: Tensor): Tensor {
    return value.sub(0.5).mul(Math.PI).tan().mul(this.scale).add(this.loc);
  }

  entropy(): Tensor {
    return this.scale.log().add(Math.log(4 * Math.PI));
  }
}

/** Failures before the first success, success probability p: support 0, 1, 2, ... */
export class Geometric {
  /** Lazy, the one not given (lazyProbsLogits below). */
  declare readonly probs: Tensor;
  declare readonly logits: Tensor;
  readonly batch_shape: number[];
  readonly event_shape: number[] = [];
  readonly has_rsample = false;

  /** new Geometric(probs) or new Geometric({ logits }). */
  constructor(...args: PyArgs<[probs?: Param | null, logits?: Param | null, validate_args?: boolean | null], { probs?: Param | null; logits?: Param | null } & Validate>) {
    const o = parseArgs<{ probs?: Param | null; logits?: Param | null } & Validate>("Geometric", ["probs", "logits", "validate_args"], args);
    const { probs, logits } = probsOrLogits(o);
    const [param] = broadcastAll((probs ?? logits)!);
    ownParam(this, probs !== null ? "probs" : "logits", param);
    if (probs !== null && validates(o.validate_args)) {
      checkParam("probs", param, outsideUnit, "Interval(lower_bound=0.0, upper_bound=1.0)", () => this.toString());
      if (no_grad(() => param.le(0).any().item())) {
        throw new ValueError(`Expected parameter probs (Tensor of shape ${pyTuple(param.shape)}) of distribution ${this.toString()} to be positive but found invalid values`);
      }
    }
    this.batch_shape = param.shape.slice();
  }

  get mean(): Tensor {
    return this.probs.reciprocal().sub(1);
  }
  get variance(): Tensor {
    return this.probs.reciprocal().sub(1).div(this.probs);
  }
  get stddev(): Tensor {
    return this.variance.sqrt();
  }

  sample(sample_shape: readonly number[] = []): Tensor {
    const tiny = this.probs.dtype === float64 ? 2.2250738585072014e-308 : 1.1754943508222875e-38;
    return no_grad(() => {
      const u = empty(extendedShape(sample_shape, this.batch_shape), this.probs.dtype).uniform_(tiny, 1);
      return u.log().div(this.probs.neg().log1p()).floor();
    });
  }

  log_prob(value: Tensor): Tensor {
    checkSupport(value, (v) => v.lt(0).logical_or(v.ne(v.floor())), "IntegerGreaterThan(lower_bound=0)", this.toString());
    const [v, p] = broadcastAll(value.to(this.probs.dtype), this.probs);
    // p = 1 with value 0 has probability 1: log1p(-1) * 0 would be NaN.
    const safe = p.masked_fill(p.eq(1).logical_and(v.eq(0)), 0);
    return v.mul(safe.neg().log1p()).add(this.probs.log());
  }

  entropy(): Tensor {
    return bceWithLogits(this.logits, this.probs).div(this.probs);
  }

  toString(): string {
    return `Geometric(probs: ${fmtParam(this.probs)})`;
  }
}

lazyProbsLogits(Geometric.prototype, (d) => d.logits.sigmoid(), (d) => binaryLogits(d.probs));
