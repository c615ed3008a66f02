/**
 * torch.distributions.Distribution and ExponentialFamily (PyTorch 1.13's distribution.py and
 * exp_family.py): the base class a learner subclasses and tests with instanceof. The engine's
 * older classes (Normal, Gamma, ...) are written without it and joined to it in index.ts (their
 * prototypes chain to Distribution.prototype, so instanceof and the inherited methods work).
 *
 * A subclass sets its parameters after super() (JavaScript needs super first) and then calls
 * this._init(batch_shape, event_shape, validate_args), which validates the arg_constraints as
 * PyTorch's Distribution.__init__ does; `new Distribution(batch_shape, event_shape, { validate_args })`
 * does the same at once (parameters not yet set are skipped, as PyTorch skips lazy ones).
 */
import { parseArgs, type PyArgs } from "../args";
import { no_grad } from "../autograd/grad_mode";
import { NotImplementedError, ValueError } from "../errors";
import { gradOf } from "../functorch/grad_core";
import { Tensor } from "../tensor";
import { type Constraint, is_dependent } from "./constraints";
import { expandDist, toShape } from "./expand_mode_support";
import { fmtInvalid, fmtParam, getDefaultValidate, pyTuple, setDefaultValidate } from "./util";

export interface DistributionOptions {
  batch_shape?: readonly number[];
  event_shape?: readonly number[];
  validate_args?: boolean | null;
}

/** A plain own property shadowing an accessor (a subclass's field, or a copy's parameter in expand). */
const ownValue = (o: object, k: string, value: unknown) => Object.defineProperty(o, k, { value, writable: true, configurable: true, enumerable: true });

const shapeStr = (s: readonly number[]) => `torch.Size([${s.join(", ")}])`;

export class Distribution {
  batch_shape!: number[];
  event_shape!: number[];
  private _validateOwn: boolean | undefined;

  /** Distribution.set_default_validate_args(value): whether validation is on when validate_args is None. */
  static set_default_validate_args(value: boolean): void {
    if (value !== true && value !== false) throw new ValueError("");
    setDefaultValidate(value);
  }

  constructor(...args: PyArgs<[batch_shape?: readonly number[], event_shape?: readonly number[], validate_args?: boolean | null], DistributionOptions>) {
    const o = parseArgs<DistributionOptions>(new.target.name || "Distribution", ["batch_shape", "event_shape", "validate_args"], args);
    this._init(o.batch_shape ?? [], o.event_shape ?? [], o.validate_args ?? null);
  }

  /** PyTorch's Distribution.__init__: the shapes, then the parameters' constraints when validating. */
  protected _init(batch_shape: readonly number[], event_shape: readonly number[], validate_args: boolean | null | undefined = null): void {
    this.batch_shape = [...batch_shape];
    this.event_shape = [...event_shape];
    this._validateOwn = validate_args ?? undefined;
    if (!this._validate_args) return;
    let constraints: Record<string, Constraint>;
    try {
      constraints = this.arg_constraints;
    } catch (e) {
      if (e instanceof NotImplementedError) return;
      throw e;
    }
    // a lazy parameter not computed yet is skipped, as PyTorch's `param not in self.__dict__ and lazy_property`
    const lazy = (this as unknown as { _lazy_params?: readonly string[] })._lazy_params ?? [];
    for (const [param, constraint] of Object.entries(constraints)) {
      if (is_dependent(constraint)) continue;
      if (lazy.includes(param) && !Object.prototype.hasOwnProperty.call(this, param)) continue;
      const value = (this as unknown as Record<string, unknown>)[param];
      if (!(value instanceof Tensor)) continue;
      const valid = no_grad(() => constraint.check(value).all().item());
      if (!valid) {
        throw new ValueError(
          `Expected parameter ${param} (Tensor of shape ${pyTuple(value.shape)}) of distribution ${this.toString()} to satisfy the constraint ${constraint.toString()}, but found invalid values:\n${fmtInvalid(value)}`,
        );
      }
    }
  }

  /** Whether this distribution validates its parameters and log_prob's values. */
  get _validate_args(): boolean {
    return this._validateOwn ?? getDefaultValidate();
  }
  set _validate_args(v: boolean) {
    this._validateOwn = v;
  }

  get has_rsample(): boolean {
    return false;
  }
  set has_rsample(v: boolean) {
    ownValue(this, "has_rsample", v);
  }

  get has_enumerate_support(): boolean {
    return false;
  }
  set has_enumerate_support(v: boolean) {
    ownValue(this, "has_enumerate_support", v);
  }

  /** The constraints each parameter must satisfy (name -> Constraint). */
  get arg_constraints(): Record<string, Constraint> {
    throw new NotImplementedError("");
  }
  set arg_constraints(v: Record<string, Constraint>) {
    ownValue(this, "arg_constraints", v);
  }

  /** The Constraint the values lie in. */
  get support(): Constraint | undefined {
    throw new NotImplementedError("");
  }
  set support(v: Constraint | undefined) {
    ownValue(this, "support", v);
  }

  get mean(): Tensor {
    throw new NotImplementedError("");
  }
  set mean(v: Tensor) {
    ownValue(this, "mean", v);
  }

  get mode(): Tensor {
    throw new NotImplementedError(`<class 'torch.distributions.${this.constructor.name}'> does not implement mode`);
  }
  set mode(v: Tensor) {
    ownValue(this, "mode", v);
  }

  get variance(): Tensor {
    throw new NotImplementedError("");
  }
  set variance(v: Tensor) {
    ownValue(this, "variance", v);
  }

  get stddev(): Tensor {
    return this.variance.sqrt();
  }
  set stddev(v: Tensor) {
    ownValue(this, "stddev", v);
  }


  /** A draw without gradient (rsample under no_grad unless overridden). */
  sample(sample_shape: readonly number[] = []): Tensor {
    return no_grad(() => this.rsample(sample_shape));
  }
  rsample(sample_shape: readonly number[] = []): Tensor {
    void sample_shape;
    throw new NotImplementedError("");
  }
  /** sample([n]) (deprecated in PyTorch, still there). */
  sample_n(n: number): Tensor {
    return this.sample([n]);
  }
  log_prob(value: Tensor): Tensor {
    void value;
    throw new NotImplementedError("");
  }
  cdf(value: Tensor): Tensor {
    void value;
    throw new NotImplementedError("");
  }
  icdf(value: Tensor): Tensor {
    void value;
    throw new NotImplementedError("");
  }
  entropy(): Tensor {
    throw new NotImplementedError("");
  }
  perplexity(): Tensor {
    return this.entropy().exp();
  }
  enumerate_support(expand: boolean = true): Tensor {
    void expand;
    throw new NotImplementedError("");
  }

  /** A copy with batch_shape `batch_shape` (parameters expanded views, nested distributions expanded), as PyTorch's expand. */
  expand(batch_shape: readonly number[], _instance: unknown = null): this {
    void _instance;
    return expandDist(this as never, toShape("expand", batch_shape)) as unknown as this;
  }

  /** sample_shape + batch_shape + event_shape. */
  _extended_shape(sample_shape: readonly number[] = []): number[] {
    return [...sample_shape, ...this.batch_shape, ...this.event_shape];
  }

  /** PyTorch's _validate_sample: a tensor, broadcastable with batch_shape + event_shape, inside the support. */
  _validate_sample(value: Tensor): void {
    if (!(value instanceof Tensor)) throw new ValueError("The value argument to log_prob must be a Tensor");
    const eventDimStart = value.dim() - this.event_shape.length;
    if (eventDimStart < 0 || value.shape.slice(eventDimStart).join() !== this.event_shape.join()) {
      throw new ValueError(`The right-most size of value must match event_shape: ${shapeStr(value.shape)} vs ${shapeStr(this.event_shape)}.`);
    }
    const actual = value.shape;
    const expected = [...this.batch_shape, ...this.event_shape];
    for (let k = 1; k <= Math.min(actual.length, expected.length); k++) {
      const [i, j] = [actual[actual.length - k], expected[expected.length - k]];
      if (i !== 1 && j !== 1 && i !== j) throw new ValueError(`Value is not broadcastable with batch_shape+event_shape: ${shapeStr(actual)} vs ${shapeStr(expected)}.`);
    }
    let support: Constraint | undefined;
    try {
      support = this.support;
    } catch (e) {
      if (e instanceof NotImplementedError) return;
      throw e;
    }
    if (!support) return;
    const ok = no_grad(() => support.check(value).all().item());
    if (!ok) {
      throw new ValueError(
        `Expected value argument (Tensor of shape ${pyTuple(value.shape)}) to be within the support (${support.toString()}) of the distribution ${this.toString()}, but found invalid values:\n${fmtInvalid(value)}`,
      );
    }
  }

  /** PyTorch's repr: the class name and each tensor parameter (its value if one element, else its size). */
  toString(): string {
    let names: string[] = [];
    try {
      names = Object.keys(this.arg_constraints);
    } catch {
      names = [];
    }
    const own = this as unknown as Record<string, unknown>;
    const parts = names.filter((k) => Object.prototype.hasOwnProperty.call(own, k) && own[k] instanceof Tensor).map((k) => `${k}: ${fmtParam(own[k] as Tensor)}`);
    return `${this.constructor.name}(${parts.join(", ")})`;
  }
}

/**
 * ExponentialFamily: a distribution whose density is exp(<t(x), θ> - F(θ) + k(x)); subclasses give
 * _natural_params, _log_normalizer and _mean_carrier_measure, and entropy follows from the Bregman
 * divergence of F (autograd of the log normalizer), as PyTorch computes it.
 */
export class ExponentialFamily extends Distribution {
  get _natural_params(): Tensor[] {
    throw new NotImplementedError("");
  }
  _log_normalizer(...natural_params: Tensor[]): Tensor {
    void natural_params;
    throw new NotImplementedError("");
  }
  get _mean_carrier_measure(): Tensor | number {
    throw new NotImplementedError("");
  }
  override entropy(): Tensor {
    const carrier = this._mean_carrier_measure;
    const nparams = this._natural_params.map((p) => p.detach().requires_grad_(true));
    const lg = this._log_normalizer(...nparams);
    const grads = gradOf(lg.sum(), nparams, null, true);
    let result = lg.sub(carrier);
    nparams.forEach((np, i) => {
      result = result.sub(np.mul(grads[i]).reshape([...this.batch_shape, -1]).sum(-1));
    });
    return result;
  }
}
