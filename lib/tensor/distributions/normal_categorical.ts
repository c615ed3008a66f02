/**
 * torch.distributions Normal and Categorical, PyTorch 1.13's formulas and sampling calls, so a
 * seeded sample draws what PyTorch draws (Normal.sample is torch.normal(loc, scale) over the
 * sample's shape; rsample is loc + scale * a standard normal_(); Categorical.sample is
 * multinomial over the flattened batch). Parameters are tensors or numbers, broadcast together.
 * Their KL divergences are in kl.ts with the other pairs.
 */
import { parseArgs, type PyArgs } from "../args";
import { no_grad } from "../autograd/grad_mode";
import { float32 } from "../dtype";
import { RuntimeError, TypeError_, ValueError } from "../errors";
import * as created from "../ops/creation_extra";
import { empty } from "../ops/util";
import { broadcast_tensors } from "../ops/shape_extra";
import { Tensor } from "../tensor";
import { checkParam, checkSupport, fmtParam, lazyProbsLogits, ownParam, probsOrLogits, validates } from "./util";

type Param = Tensor | number;

export interface NormalOptions {
  loc?: Param;
  scale?: Param;
  validate_args?: boolean | null;
}

export interface CategoricalOptions {
  probs?: Tensor | null;
  logits?: Tensor | null;
  validate_args?: boolean | null;
}
const asTensor = (v: Param, like?: Tensor): Tensor => (v instanceof Tensor ? v : new Tensor(Float32Array.of(v), [], like?.dtype ?? float32));

function fmt(t: Tensor): string {
  // A one-element parameter prints its value (PyTorch: `Normal(loc: 0.0, scale: 1.0)`, `loc: tensor([0.])`), a larger one its size.
  return fmtParam(t);
}


/** Distribution._validate_sample's shape check: the value broadcasts with batch_shape + event_shape (from the right). */
function checkBroadcastable(actual: readonly number[], expected: readonly number[]): void {
  for (let k = 1; k <= Math.min(actual.length, expected.length); k++) {
    const [i, j] = [actual[actual.length - k], expected[expected.length - k]];
    if (i !== 1 && j !== 1 && i !== j) {
      throw new ValueError(`Value is not broadcastable with batch_shape+event_shape: torch.Size([${actual.join(", ")}]) vs torch.Size([${expected.join(", ")}]).`);
    }
  }
}

/**
 * A sample shape, or Python's keyword form { sample_shape } (d.sample(sample_shape=(2, 3))): distributions/index.ts
 * turns the keyword form into the positional one before these methods run, so their bodies see an array.
 */
export type SampleShape = readonly number[] | { sample_shape?: readonly number[] };
/** The normal distribution N(loc, scale^2): new torch.distributions.Normal(loc, scale). */
export class Normal {
  readonly loc: Tensor;
  readonly scale: Tensor;
  readonly batch_shape: number[];
  readonly event_shape: number[] = [];
  /** Whether rsample (a reparameterised, differentiable draw) exists, as PyTorch's flag. */
  readonly has_rsample = true;
  private readonly validate: boolean;

  /** new Normal(loc, scale, validate_args?) or new Normal({ loc, scale, validate_args }) */
  constructor(...args: PyArgs<[loc: Param, scale: Param, validate_args?: boolean | null], NormalOptions>) {
    const opts = parseArgs<NormalOptions>("Normal", ["loc", "scale", "validate_args"], args);
    const { loc, scale } = opts;
    if (loc === undefined || scale === undefined) throw new TypeError_("Normal() missing required arguments: 'loc' and 'scale'");
    const l0 = asTensor(loc, scale instanceof Tensor ? scale : undefined);
    const s0 = asTensor(scale, l0);
    [this.loc, this.scale] = broadcast_tensors(l0, s0) as [Tensor, Tensor];
    this.batch_shape = this.loc.shape.slice();
    this.validate = validates(opts.validate_args);
    if (this.validate) {
      // PyTorch validates by default (validate_args=None follows Distribution's default, true): loc against Real()
      // (no NaN), then scale against GreaterThan(0), each message ending with the invalid tensor.
      checkParam("loc", this.loc, (l) => l.isnan(), "Real()", () => this.toString());
      checkParam("scale", this.scale, (s) => s.le(0), "GreaterThan(lower_bound=0.0)", () => this.toString());
    }
  }

  get mean(): Tensor {
    return this.loc;
  }
  get stddev(): Tensor {
    return this.scale;
  }
  get variance(): Tensor {
    return this.scale.pow(2);
  }

  private shapeFor(sample_shape: readonly number[]): number[] {
    return [...sample_shape, ...this.batch_shape];
  }

  /** A draw without gradient: torch.normal(loc, scale) expanded to sample_shape + batch_shape. */
  sample(sample_shape: SampleShape = []): Tensor {
    const shape = this.shapeFor(sample_shape as readonly number[]);
    return no_grad(() => created.normal(this.loc.expand(shape), this.scale.expand(shape)));
  }

  /** A reparameterised draw, loc + scale * eps: gradients reach loc and scale. */
  rsample(sample_shape: SampleShape = []): Tensor {
    const eps = empty(this.shapeFor(sample_shape as readonly number[]), this.loc.dtype).normal_();
    return this.loc.add(eps.mul(this.scale));
  }

  /** PyTorch's Distribution._validate_sample (log_prob, cdf): broadcastable with batch_shape, no NaN (support Real()). */
  private validateSample(value: Tensor): void {
    if (!this.validate) return;
    checkBroadcastable(value.shape, this.batch_shape);
    checkSupport(value, (v) => v.isnan(), "Real()", this.toString());
  }

  log_prob(value: Tensor): Tensor {
    this.validateSample(value);
    const variance = this.scale.pow(2);
    return value.sub(this.loc).pow(2).neg().div(variance.mul(2)).sub(this.scale.log()).sub(Math.log(Math.sqrt(2 * Math.PI)));
  }

  entropy(): Tensor {
    return this.scale.log().add(0.5 + 0.5 * Math.log(2 * Math.PI));
  }

  cdf(value: Tensor): Tensor {
    this.validateSample(value);
    return value.sub(this.loc).mul(this.scale.reciprocal()).div(Math.SQRT2).erf().add(1).mul(0.5);
  }

  icdf(value: Tensor): Tensor {
    return this.loc.add(this.scale.mul(value.mul(2).sub(1).erfinv()).mul(Math.SQRT2));
  }

  toString(): string {
    return `Normal(loc: ${fmt(this.loc)}, scale: ${fmt(this.scale)})`;
  }
}

/**
 * A categorical distribution over the last dim: new torch.distributions.Categorical({ probs })
 * or ({ logits }); probs are normalised to sum to 1, logits to log-probabilities.
 */
export class Categorical {
  /** Lazy, the one not given (lazyProbsLogits below); the given one is normalised. */
  declare readonly probs: Tensor;
  declare readonly logits: Tensor;
  readonly batch_shape: number[];
  readonly event_shape: number[] = [];
  /** Whether rsample (a reparameterised, differentiable draw) exists, as PyTorch's flag. */
  readonly has_rsample = false;

  private readonly fromProbs: boolean;
  private readonly validate: boolean;

  /** new Categorical(probs) or new Categorical({ logits }) (PyTorch's Categorical(probs=None, logits=None, validate_args=None)). */
  constructor(...args: PyArgs<[probs?: Tensor | null, logits?: Tensor | null, validate_args?: boolean | null], CategoricalOptions>) {
    const o = parseArgs<CategoricalOptions>("Categorical", ["probs", "logits", "validate_args"], args);
    const { probs, logits } = probsOrLogits(o);
    const given = (probs ?? logits)!;
    if (!(given instanceof Tensor)) throw new ValueError("Categorical: probs / logits must be a tensor");
    if (given.dim() < 1) throw new ValueError("`probs` parameter must be at least one-dimensional.");
    this._param = probs ? ownParam(this, "probs", probs.div(probs.sum(-1, true))) : ownParam(this, "logits", logits!.sub(logits!.logsumexp(-1, true)));
    this.batch_shape = given.shape.slice(0, -1);
    this.fromProbs = probs !== null;
    // validate_args (default on, as Distribution's in PyTorch): the normalised parameter is checked
    this.validate = validates(o.validate_args);
    if (this.validate) {
      if (probs) checkParam("probs", this._param, (p) => p.lt(0).logical_or(p.sum(-1, true).sub(1).abs().ge(1e-6)), "Simplex()", () => this.toString());
      else checkParam("logits", this._param, (l) => l.ne(l), "IndependentConstraint(Real(), 1)", () => this.toString());
    }
  }

  /** The parameter given, normalised (probs or logits): param_shape. */
  private readonly _param: Tensor;
  get param_shape(): number[] {
    return this._param.shape.slice();
  }

  /** Category indices (long), shaped sample_shape + batch_shape. */
  sample(shape: SampleShape = []): Tensor {
    const sample_shape = shape as readonly number[];
    const k = this.probs.shape[this.probs.dim() - 1];
    const n = sample_shape.reduce((a, b) => a * b, 1);
    return no_grad(() => {
      const flat = this.probs.reshape(-1, k);
      return flat.multinomial(n, true).t().reshape([...sample_shape, ...this.batch_shape]);
    });
  }

  log_prob(value: Tensor): Tensor {
    if (!(value instanceof Tensor)) throw new RuntimeError("Categorical.log_prob: value must be a tensor of category indices");
    if (this.validate) this.validateSample(value);
    const [v, logPmf] = broadcast_tensors(value.long().unsqueeze(-1), this.logits);
    return logPmf.gather(-1, v.narrow(-1, 0, 1)).squeeze(-1);
  }

  /** PyTorch's Distribution._validate_sample: broadcastable with batch_shape, inside IntegerInterval(0, K - 1). */
  private validateSample(value: Tensor): void {
    checkBroadcastable(value.shape, this.batch_shape);
    const upper = this._param.shape[this._param.dim() - 1] - 1;
    checkSupport(value, (v) => v.lt(0).logical_or(v.gt(upper)).logical_or(v.ne(v.floor())), `IntegerInterval(lower_bound=0, upper_bound=${upper})`, this.toString());
  }

  entropy(): Tensor {
    const min = this.logits.dtype.name === "float64" ? -Number.MAX_VALUE : -3.4028234663852886e38;
    return this.logits.clamp(min, null).mul(this.probs).sum(-1).neg();
  }

  toString(): string {
    return `Categorical(${this.fromProbs ? "probs" : "logits"}: torch.Size([${this._param.shape.join(", ")}]))`;
  }
}
lazyProbsLogits(
  Categorical.prototype,
  (d) => d.logits.softmax(-1),
  // PyTorch's probs_to_logits: log of probs clamped to [eps, 1 - eps].
  (d) => {
    const eps = d.probs.dtype.name === "float64" ? 2.220446049250313e-16 : 1.1920928955078125e-7;
    return d.probs.clamp(eps, 1 - eps).log();
  },
);
