/**
 * torch.distributions.transforms (PyTorch 1.13's transforms.py): invertible maps with their
 * log |det J|, for TransformedDistribution and normalizing flows. A Transform is callable as in
 * Python (`t(x)`; the instance is a function whose prototype is the class's), `t.inv` is its
 * inverse (cached, so `t.inv.inv === t`), and domain / codomain are constraints.
 *
 * Transform (base, cache_size), ComposeTransform(parts), IndependentTransform(base, n),
 * ReshapeTransform(in_shape, out_shape), ExpTransform, PowerTransform(exponent), SigmoidTransform,
 * SoftplusTransform, TanhTransform, AbsTransform, AffineTransform(loc, scale, event_dim),
 * SoftmaxTransform, StickBreakingTransform, LowerCholeskyTransform,
 * CumulativeDistributionTransform(distribution), identity_transform; each with PyTorch's formulas
 * (the clipped sigmoid, tanh's log-det 2(log 2 - x - softplus(-2x)), ...).
 */
import { parseArgs, type PyArgs } from "../args";
import { NotImplementedError, ValueError } from "../errors";
import { float64, int64 } from "../dtype";
import { softplus } from "../nn/functional/activation";
import { logsigmoid } from "../nn/functional/activation_extra";
import { pad } from "../nn/functional/padding";
import { eye, full_like, tensor, zeros_like } from "../ops/creation";
import { cat as catTensors, stack as stackTensors } from "../ops/join";
import { broadcastShapes } from "../shape";
import { Tensor } from "../tensor";
import * as C from "./constraints";
import { broadcastAll, sumRightmost, type Param } from "./util";

const finfo = (t: Tensor) =>
  t.dtype === float64 ? { tiny: 2.2250738585072014e-308, eps: 2.220446049250313e-16 } : { tiny: 1.1754943508222875e-38, eps: 1.1920928955078125e-7 };

/** torch.clamp(sigmoid(x), tiny, 1 - eps): PyTorch's _clipped_sigmoid. */
export const clippedSigmoid = (x: Tensor): Tensor => {
  const f = finfo(x);
  return x.sigmoid().clamp(f.tiny, 1 - f.eps);
};

/** The product of two transform signs (numbers or tensors). */
export const mulSign = (a: number | Tensor, b: number | Tensor): number | Tensor => (a instanceof Tensor ? a.mul(b) : b instanceof Tensor ? b.mul(a) : a * b);

const shapeOf = (p: unknown): number[] => (p instanceof Tensor ? p.shape.slice() : []);
const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((v, i) => v === b[i]);

type CacheArgs = PyArgs<[cache_size?: number], { cache_size?: number }>;

/**
 * Abstract base class of invertible transforms (PyTorch's Transform). Subclasses give _call,
 * _inverse and log_abs_det_jacobian, and domain / codomain / bijective / sign.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class Transform {
  _cache_size!: number;
  /** The inverse once made (a strong reference: the pair refer to each other). */
  protected _invT: Transform | null = null;
  private _cached: [Tensor | null, Tensor | null] = [null, null];

  constructor(...args: CacheArgs) {
    const self = ((x: Tensor) => self.__call__(x)) as unknown as Transform;
    delete (self as { name?: unknown }).name;
    delete (self as { length?: unknown }).length;
    Object.setPrototypeOf(self, new.target.prototype);
    const o = parseArgs<{ cache_size?: number }>(new.target.name || "Transform", ["cache_size"], args);
    const cache = o.cache_size ?? 0;
    if (cache !== 0 && cache !== 1) throw new ValueError("cache_size must be 0 or 1");
    self._cache_size = cache;
    self._invT = null;
    self._cached = [null, null];
    return self;
  }

  get domain(): C.Constraint {
    throw new NotImplementedError("");
  }
  get codomain(): C.Constraint {
    throw new NotImplementedError("");
  }
  get bijective(): boolean {
    return false;
  }
  /** +1 or -1 for monotone transforms (a tensor for an AffineTransform with a tensor scale). */
  get sign(): number | Tensor {
    throw new NotImplementedError("");
  }
  get event_dim(): number {
    if (this.domain.event_dim === this.codomain.event_dim) return this.domain.event_dim;
    throw new ValueError("Please use either .domain.event_dim or .codomain.event_dim");
  }

  /** The inverse transform (the same object on each access; inv.inv is this). */
  get inv(): Transform {
    if (this._invT === null) this._invT = new _InverseTransform(this);
    return this._invT;
  }

  /** This transform with the given cache size (1 remembers the last x, y pair). */
  with_cache(cache_size = 1): Transform {
    if (this._cache_size === cache_size) return this;
    const ctor = this.constructor as new (...a: CacheArgs) => Transform;
    if (ctor.length === 0 && [Transform, ConstantTransform].includes(Object.getPrototypeOf(ctor) as typeof Transform)) return new ctor({ cache_size });
    throw new NotImplementedError(`${this.constructor.name}.with_cache is not implemented`);
  }

  /** Python's ==: the same transform (parameterised transforms compare their parameters). */
  equals(other: unknown): boolean {
    return this === other;
  }

  /** t(x), as Python calls the transform. */
  __call__(x: Tensor): Tensor {
    if (this._cache_size === 0) return this._call(x);
    const [xOld, yOld] = this._cached;
    if (x === xOld) return yOld!;
    const y = this._call(x);
    this._cached = [x, y];
    return y;
  }
  _inv_call(y: Tensor): Tensor {
    if (this._cache_size === 0) return this._inverse(y);
    const [xOld, yOld] = this._cached;
    if (y === yOld) return xOld!;
    const x = this._inverse(y);
    this._cached = [x, y];
    return x;
  }
  _call(x: Tensor): Tensor {
    void x;
    throw new NotImplementedError("");
  }
  _inverse(y: Tensor): Tensor {
    void y;
    throw new NotImplementedError("");
  }
  log_abs_det_jacobian(x: Tensor, y: Tensor): Tensor {
    void x;
    void y;
    throw new NotImplementedError("");
  }
  forward_shape(shape: readonly number[]): number[] {
    return [...shape];
  }
  inverse_shape(shape: readonly number[]): number[] {
    return [...shape];
  }
  toString(): string {
    return `${this.constructor.name}()`;
  }
}
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface Transform {
  (x: Tensor): Tensor;
}

export class _InverseTransform extends Transform {
  constructor(transform: Transform) {
    super(transform._cache_size);
    this._invT = transform;
  }
  override get domain(): C.Constraint {
    return this._invT!.codomain;
  }
  override get codomain(): C.Constraint {
    return this._invT!.domain;
  }
  override get bijective(): boolean {
    return this._invT!.bijective;
  }
  override get sign(): number | Tensor {
    return this._invT!.sign;
  }
  override get inv(): Transform {
    return this._invT!;
  }
  override with_cache(cache_size = 1): Transform {
    return this.inv.with_cache(cache_size).inv;
  }
  override equals(other: unknown): boolean {
    return other instanceof _InverseTransform && this._invT!.equals(other._invT);
  }
  override __call__(x: Tensor): Tensor {
    return this._invT!._inv_call(x);
  }
  override log_abs_det_jacobian(x: Tensor, y: Tensor): Tensor {
    return this._invT!.log_abs_det_jacobian(y, x).neg();
  }
  override forward_shape(shape: readonly number[]): number[] {
    return this._invT!.inverse_shape(shape);
  }
  override inverse_shape(shape: readonly number[]): number[] {
    return this._invT!.forward_shape(shape);
  }
  override toString(): string {
    return `_InverseTransform(${this._invT!.toString()})`;
  }
}

/** Several transforms in a chain: ComposeTransform([t1, t2]) is x -> t2(t1(x)). */
export class ComposeTransform extends Transform {
  readonly parts: Transform[];
  constructor(...args: PyArgs<[parts: Transform[], cache_size?: number], { parts?: Transform[]; cache_size?: number }>) {
    const o = parseArgs<{ parts?: Transform[]; cache_size?: number }>("ComposeTransform", ["parts", "cache_size"], args);
    super(o.cache_size ?? 0);
    let parts = o.parts ?? [];
    if (!Array.isArray(parts) || !parts.every((p) => p instanceof Transform)) throw new ValueError("ComposeTransform: parts must be a list of Transforms");
    if (o.cache_size) parts = parts.map((p) => p.with_cache(o.cache_size));
    this.parts = parts;
  }
  override equals(other: unknown): boolean {
    return other instanceof ComposeTransform && other.parts.length === this.parts.length && this.parts.every((p, i) => p.equals(other.parts[i]));
  }
  override get domain(): C.Constraint {
    if (this.parts.length === 0) return C.real;
    let domain = this.parts[0].domain;
    let eventDim = this.parts[this.parts.length - 1].codomain.event_dim;
    for (const part of [...this.parts].reverse()) {
      eventDim += part.domain.event_dim - part.codomain.event_dim;
      eventDim = Math.max(eventDim, part.domain.event_dim);
    }
    if (eventDim > domain.event_dim) domain = C.independent(domain, eventDim - domain.event_dim);
    return domain;
  }
  override get codomain(): C.Constraint {
    if (this.parts.length === 0) return C.real;
    let codomain = this.parts[this.parts.length - 1].codomain;
    let eventDim = this.parts[0].domain.event_dim;
    for (const part of this.parts) {
      eventDim += part.codomain.event_dim - part.domain.event_dim;
      eventDim = Math.max(eventDim, part.codomain.event_dim);
    }
    if (eventDim > codomain.event_dim) codomain = C.independent(codomain, eventDim - codomain.event_dim);
    return codomain;
  }
  override get bijective(): boolean {
    return this.parts.every((p) => p.bijective);
  }
  override get sign(): number | Tensor {
    let sign = 1 as number | Tensor;
    for (const p of this.parts) {
      const s = p.sign;
      sign = mulSign(sign, s);
    }
    return sign;
  }
  override get inv(): Transform {
    if (this._invT === null) {
      const inv = new ComposeTransform([...this.parts].reverse().map((p) => p.inv));
      this._invT = inv;
      (inv as ComposeTransform)._invT = this;
    }
    return this._invT;
  }
  override with_cache(cache_size = 1): Transform {
    if (this._cache_size === cache_size) return this;
    return new ComposeTransform(this.parts, cache_size);
  }
  override __call__(x: Tensor): Tensor {
    for (const part of this.parts) x = part(x);
    return x;
  }
  override log_abs_det_jacobian(x: Tensor, y: Tensor): Tensor {
    if (this.parts.length === 0) return zeros_like(x);
    const xs = [x];
    for (const part of this.parts.slice(0, -1)) xs.push(part(xs[xs.length - 1]));
    xs.push(y);
    let eventDim = this.domain.event_dim;
    let total: Tensor | null = null;
    this.parts.forEach((part, i) => {
      const term = sumRightmost(part.log_abs_det_jacobian(xs[i], xs[i + 1]), eventDim - part.domain.event_dim);
      total = total === null ? term : total.add(term);
      eventDim += part.codomain.event_dim - part.domain.event_dim;
    });
    return total!;
  }
  override forward_shape(shape: readonly number[]): number[] {
    let s = [...shape];
    for (const part of this.parts) s = part.forward_shape(s);
    return s;
  }
  override inverse_shape(shape: readonly number[]): number[] {
    let s = [...shape];
    for (const part of [...this.parts].reverse()) s = part.inverse_shape(s);
    return s;
  }
  override toString(): string {
    return `ComposeTransform(\n    ${this.parts.map((p) => p.toString()).join(",\n    ")}\n)`;
  }
}

export const identity_transform = new ComposeTransform([]);

/** A transform whose rightmost reinterpreted_batch_ndims dims join the event (its log-det summed over them). */
export class IndependentTransform extends Transform {
  readonly base_transform: Transform;
  readonly reinterpreted_batch_ndims: number;
  constructor(...args: PyArgs<[base_transform: Transform, reinterpreted_batch_ndims: number, cache_size?: number], { base_transform?: Transform; reinterpreted_batch_ndims?: number; cache_size?: number }>) {
    const o = parseArgs<{ base_transform?: Transform; reinterpreted_batch_ndims?: number; cache_size?: number }>("IndependentTransform", ["base_transform", "reinterpreted_batch_ndims", "cache_size"], args);
    super(o.cache_size ?? 0);
    if (!(o.base_transform instanceof Transform) || o.reinterpreted_batch_ndims === undefined) throw new ValueError("IndependentTransform(base_transform, reinterpreted_batch_ndims) needs both arguments");
    this.base_transform = o.base_transform.with_cache(o.cache_size ?? 0);
    this.reinterpreted_batch_ndims = o.reinterpreted_batch_ndims;
  }
  override with_cache(cache_size = 1): Transform {
    if (this._cache_size === cache_size) return this;
    return new IndependentTransform(this.base_transform, this.reinterpreted_batch_ndims, cache_size);
  }
  override get domain(): C.Constraint {
    return C.independent(this.base_transform.domain, this.reinterpreted_batch_ndims);
  }
  override get codomain(): C.Constraint {
    return C.independent(this.base_transform.codomain, this.reinterpreted_batch_ndims);
  }
  override get bijective(): boolean {
    return this.base_transform.bijective;
  }
  override get sign(): number | Tensor {
    return this.base_transform.sign;
  }
  override _call(x: Tensor): Tensor {
    if (x.dim() < this.domain.event_dim) throw new ValueError("Too few dimensions on input");
    return this.base_transform(x);
  }
  override _inverse(y: Tensor): Tensor {
    if (y.dim() < this.codomain.event_dim) throw new ValueError("Too few dimensions on input");
    return this.base_transform.inv(y);
  }
  override log_abs_det_jacobian(x: Tensor, y: Tensor): Tensor {
    return sumRightmost(this.base_transform.log_abs_det_jacobian(x, y), this.reinterpreted_batch_ndims);
  }
  override forward_shape(shape: readonly number[]): number[] {
    return this.base_transform.forward_shape(shape);
  }
  override inverse_shape(shape: readonly number[]): number[] {
    return this.base_transform.inverse_shape(shape);
  }
  override toString(): string {
    return `IndependentTransform(${this.base_transform.toString()}, ${this.reinterpreted_batch_ndims})`;
  }
}

/** Reshapes the rightmost in_shape dims to out_shape (unit Jacobian). */
export class ReshapeTransform extends Transform {
  readonly in_shape: number[];
  readonly out_shape: number[];
  constructor(...args: PyArgs<[in_shape: readonly number[], out_shape: readonly number[], cache_size?: number], { in_shape?: readonly number[]; out_shape?: readonly number[]; cache_size?: number }>) {
    const o = parseArgs<{ in_shape?: readonly number[]; out_shape?: readonly number[]; cache_size?: number }>("ReshapeTransform", ["in_shape", "out_shape", "cache_size"], args);
    super(o.cache_size ?? 0);
    this.in_shape = [...(o.in_shape ?? [])];
    this.out_shape = [...(o.out_shape ?? [])];
    const numel = (s: number[]) => s.reduce((a, b) => a * b, 1);
    if (numel(this.in_shape) !== numel(this.out_shape)) throw new ValueError("in_shape, out_shape have different numbers of elements");
  }
  override get bijective(): boolean {
    return true;
  }
  override get domain(): C.Constraint {
    return C.independent(C.real, this.in_shape.length);
  }
  override get codomain(): C.Constraint {
    return C.independent(C.real, this.out_shape.length);
  }
  override with_cache(cache_size = 1): Transform {
    if (this._cache_size === cache_size) return this;
    return new ReshapeTransform(this.in_shape, this.out_shape, cache_size);
  }
  override _call(x: Tensor): Tensor {
    return x.reshape([...x.shape.slice(0, x.dim() - this.in_shape.length), ...this.out_shape]);
  }
  override _inverse(y: Tensor): Tensor {
    return y.reshape([...y.shape.slice(0, y.dim() - this.out_shape.length), ...this.in_shape]);
  }
  override log_abs_det_jacobian(x: Tensor): Tensor {
    return x.new_zeros(x.shape.slice(0, x.dim() - this.in_shape.length));
  }
  override forward_shape(shape: readonly number[]): number[] {
    if (shape.length < this.in_shape.length) throw new ValueError("Too few dimensions on input");
    const cut = shape.length - this.in_shape.length;
    if (!sameShape(shape.slice(cut), this.in_shape)) throw new ValueError(`Shape mismatch: expected torch.Size([${shape.slice(cut).join(", ")}]) but got torch.Size([${this.in_shape.join(", ")}])`);
    return [...shape.slice(0, cut), ...this.out_shape];
  }
  override inverse_shape(shape: readonly number[]): number[] {
    if (shape.length < this.out_shape.length) throw new ValueError("Too few dimensions on input");
    const cut = shape.length - this.out_shape.length;
    if (!sameShape(shape.slice(cut), this.out_shape)) throw new ValueError(`Shape mismatch: expected torch.Size([${shape.slice(cut).join(", ")}]) but got torch.Size([${this.out_shape.join(", ")}])`);
    return [...shape.slice(0, cut), ...this.in_shape];
  }
}

/** torch's class attributes of a parameter-free transform: what it maps from and to, and how. */
export interface ConstantFacts {
  domain: C.Constraint;
  codomain: C.Constraint;
  bijective?: boolean;
  /** For monotone transforms: +1 increasing, -1 decreasing (absent: the base class's NotImplementedError). */
  sign?: number;
}

/**
 * A transform without parameters (exp, sigmoid, tanh, softmax, ...): its facts are one static
 * table per class, as torch declares them as class attributes, and any two of the same class are
 * equal (torch's isinstance check).
 */
export abstract class ConstantTransform extends Transform {
  static readonly facts: ConstantFacts;
  private get facts(): ConstantFacts {
    return (this.constructor as typeof ConstantTransform).facts;
  }
  override get domain(): C.Constraint {
    return this.facts.domain;
  }
  override get codomain(): C.Constraint {
    return this.facts.codomain;
  }
  override get bijective(): boolean {
    return this.facts.bijective ?? false;
  }
  override get sign(): number | Tensor {
    return this.facts.sign ?? super.sign;
  }
  override equals(other: unknown): boolean {
    return other instanceof (this.constructor as typeof ConstantTransform);
  }
}

/** y = exp(x). */
export class ExpTransform extends ConstantTransform {
  static override readonly facts: ConstantFacts = { domain: C.real, codomain: C.positive, bijective: true, sign: 1 };
  override _call(x: Tensor): Tensor {
    return x.exp();
  }
  override _inverse(y: Tensor): Tensor {
    return y.log();
  }
  override log_abs_det_jacobian(x: Tensor): Tensor {
    return x;
  }
}

/** y = x ** exponent (on the positive reals). */
export class PowerTransform extends Transform {
  readonly exponent: Tensor;
  constructor(...args: PyArgs<[exponent: Param, cache_size?: number], { exponent?: Param; cache_size?: number }>) {
    const o = parseArgs<{ exponent?: Param; cache_size?: number }>("PowerTransform", ["exponent", "cache_size"], args);
    super(o.cache_size ?? 0);
    if (o.exponent === undefined) throw new ValueError("PowerTransform() missing 1 required positional argument: 'exponent'");
    [this.exponent] = broadcastAll(o.exponent);
  }
  override get domain(): C.Constraint {
    return C.positive;
  }
  override get codomain(): C.Constraint {
    return C.positive;
  }
  override get bijective(): boolean {
    return true;
  }
  override get sign(): number {
    return 1;
  }
  override with_cache(cache_size = 1): Transform {
    if (this._cache_size === cache_size) return this;
    return new PowerTransform(this.exponent, cache_size);
  }
  override equals(other: unknown): boolean {
    return other instanceof PowerTransform && Boolean(this.exponent.eq(other.exponent).all().item());
  }
  override _call(x: Tensor): Tensor {
    return x.pow(this.exponent);
  }
  override _inverse(y: Tensor): Tensor {
    return y.pow(this.exponent.reciprocal());
  }
  override log_abs_det_jacobian(x: Tensor, y: Tensor): Tensor {
    return this.exponent.mul(y).div(x).abs().log();
  }
  override forward_shape(shape: readonly number[]): number[] {
    return broadcastShapes(shape, this.exponent.shape);
  }
  override inverse_shape(shape: readonly number[]): number[] {
    return broadcastShapes(shape, this.exponent.shape);
  }
}

/** y = sigmoid(x), clipped to [tiny, 1 - eps] as PyTorch clips it. */
export class SigmoidTransform extends ConstantTransform {
  static override readonly facts: ConstantFacts = { domain: C.real, codomain: C.unit_interval, bijective: true, sign: 1 };
  override _call(x: Tensor): Tensor {
    return clippedSigmoid(x);
  }
  override _inverse(y: Tensor): Tensor {
    const f = finfo(y);
    const c = y.clamp(f.tiny, 1 - f.eps);
    return c.log().sub(c.neg().log1p());
  }
  override log_abs_det_jacobian(x: Tensor): Tensor {
    return softplus(x.neg()).neg().sub(softplus(x));
  }
}

/** y = softplus(x) = log(1 + exp(x)). */
export class SoftplusTransform extends ConstantTransform {
  static override readonly facts: ConstantFacts = { domain: C.real, codomain: C.positive, bijective: true, sign: 1 };
  override _call(x: Tensor): Tensor {
    return softplus(x);
  }
  override _inverse(y: Tensor): Tensor {
    return y.neg().expm1().neg().log().add(y);
  }
  override log_abs_det_jacobian(x: Tensor): Tensor {
    return softplus(x.neg()).neg();
  }
}

/** y = tanh(x); the log-det in PyTorch's stable form 2 (log 2 - x - softplus(-2x)). */
export class TanhTransform extends ConstantTransform {
  static override readonly facts: ConstantFacts = { domain: C.real, codomain: C.interval(-1, 1), bijective: true, sign: 1 };
  override _call(x: Tensor): Tensor {
    return x.tanh();
  }
  override _inverse(y: Tensor): Tensor {
    return y.atanh();
  }
  override log_abs_det_jacobian(x: Tensor): Tensor {
    return x.neg().add(Math.LN2).sub(softplus(x.mul(-2))).mul(2);
  }
}

/** y = |x| (not bijective: the inverse is the identity on y). */
export class AbsTransform extends ConstantTransform {
  static override readonly facts: ConstantFacts = { domain: C.real, codomain: C.positive };
  override _call(x: Tensor): Tensor {
    return x.abs();
  }
  override _inverse(y: Tensor): Tensor {
    return y;
  }
}

export interface AffineTransformOptions {
  loc?: Param;
  scale?: Param;
  event_dim?: number;
  cache_size?: number;
}

/** y = loc + scale * x; event_dim rightmost dims form the event (their log-dets summed). */
export class AffineTransform extends Transform {
  readonly loc: Param;
  readonly scale: Param;
  private readonly _event_dim: number;
  constructor(...args: PyArgs<[loc: Param, scale: Param, event_dim?: number, cache_size?: number], AffineTransformOptions>) {
    const o = parseArgs<AffineTransformOptions>("AffineTransform", ["loc", "scale", "event_dim", "cache_size"], args);
    super(o.cache_size ?? 0);
    if (o.loc === undefined || o.scale === undefined) throw new ValueError("AffineTransform() missing required arguments: 'loc' and 'scale'");
    this.loc = o.loc;
    this.scale = o.scale;
    this._event_dim = o.event_dim ?? 0;
  }
  override get event_dim(): number {
    return this._event_dim;
  }
  override get domain(): C.Constraint {
    return this._event_dim === 0 ? C.real : C.independent(C.real, this._event_dim);
  }
  override get codomain(): C.Constraint {
    return this._event_dim === 0 ? C.real : C.independent(C.real, this._event_dim);
  }
  override get bijective(): boolean {
    return true;
  }
  override with_cache(cache_size = 1): Transform {
    if (this._cache_size === cache_size) return this;
    return new AffineTransform(this.loc, this.scale, this._event_dim, cache_size);
  }
  override equals(other: unknown): boolean {
    if (!(other instanceof AffineTransform)) return false;
    const eq = (a: Param, b: Param) => (typeof a === "number" && typeof b === "number" ? a === b : Boolean((a instanceof Tensor ? a : (b as Tensor)).eq(a instanceof Tensor ? b : a).all().item()));
    return eq(this.loc, other.loc) && eq(this.scale, other.scale);
  }
  override get sign(): number | Tensor {
    const s = this.scale;
    return typeof s === "number" ? (s > 0 ? 1 : s < 0 ? -1 : 0) : s.sign();
  }
  override _call(x: Tensor): Tensor {
    const scaled = x.mul(this.scale);
    return this.loc instanceof Tensor ? this.loc.add(scaled) : scaled.add(this.loc);
  }
  override _inverse(y: Tensor): Tensor {
    return y.sub(this.loc).div(this.scale);
  }
  override log_abs_det_jacobian(x: Tensor): Tensor {
    let shape = x.shape.slice();
    const scale = this.scale;
    let result = typeof scale === "number" ? full_like(x, Math.log(Math.abs(scale))) : scale.abs().log();
    if (this._event_dim) {
      result = result.reshape([...result.shape.slice(0, result.dim() - this._event_dim), -1]).sum(-1);
      shape = shape.slice(0, shape.length - this._event_dim);
    }
    return result.expand(shape);
  }
  override forward_shape(shape: readonly number[]): number[] {
    return broadcastShapes(broadcastShapes(shape, shapeOf(this.loc)), shapeOf(this.scale));
  }
  override inverse_shape(shape: readonly number[]): number[] {
    return this.forward_shape(shape);
  }
}

/** softmax over the last dim, from unconstrained logits to the simplex (not bijective; the inverse is log). */
export class SoftmaxTransform extends ConstantTransform {
  static override readonly facts: ConstantFacts = { domain: C.real_vector, codomain: C.simplex };
  override _call(x: Tensor): Tensor {
    const probs = x.sub(x.amax(-1, true)).exp();
    return probs.div(probs.sum(-1, true));
  }
  override _inverse(y: Tensor): Tensor {
    return y.log();
  }
  override forward_shape(shape: readonly number[]): number[] {
    if (shape.length < 1) throw new ValueError("Too few dimensions on input");
    return [...shape];
  }
  override inverse_shape(shape: readonly number[]): number[] {
    return this.forward_shape(shape);
  }
}

/** The stick-breaking bijection from R^(K-1) to the K-simplex. */
export class StickBreakingTransform extends ConstantTransform {
  static override readonly facts: ConstantFacts = { domain: C.real_vector, codomain: C.simplex, bijective: true };
  private static offset(t: Tensor, k: number, plus: number): Tensor {
    return t.new_ones([k]).cumsum(-1).neg().add(k + plus);
  }
  override _call(x: Tensor): Tensor {
    const k = x.shape[x.dim() - 1];
    const z = clippedSigmoid(x.sub(StickBreakingTransform.offset(x, k, 1).log()));
    const zCumprod = z.neg().add(1).cumprod(-1);
    return pad(z, [0, 1], { value: 1 }).mul(pad(zCumprod, [1, 0], { value: 1 }));
  }
  override _inverse(y: Tensor): Tensor {
    const k = y.shape[y.dim() - 1] - 1;
    const yCrop = y.narrow(-1, 0, k);
    const offset = StickBreakingTransform.offset(y, k, 1);
    const sf = yCrop.cumsum(-1).neg().add(1).clamp({ min: finfo(y).tiny });
    return yCrop.log().sub(sf.log()).add(offset.log());
  }
  override log_abs_det_jacobian(x: Tensor, y: Tensor): Tensor {
    const k = x.shape[x.dim() - 1];
    const xs = x.sub(StickBreakingTransform.offset(x, k, 1).log());
    return xs.neg().add(logsigmoid(xs)).add(y.narrow(-1, 0, k).log()).sum(-1);
  }
  override forward_shape(shape: readonly number[]): number[] {
    if (shape.length < 1) throw new ValueError("Too few dimensions on input");
    return [...shape.slice(0, -1), shape[shape.length - 1] + 1];
  }
  override inverse_shape(shape: readonly number[]): number[] {
    if (shape.length < 1) throw new ValueError("Too few dimensions on input");
    return [...shape.slice(0, -1), shape[shape.length - 1] - 1];
  }
}

/** From unconstrained square matrices to lower-triangular ones with a positive diagonal (exp of the diagonal). */
export class LowerCholeskyTransform extends ConstantTransform {
  static override readonly facts: ConstantFacts = { domain: C.independent(C.real, 2), codomain: C.lower_cholesky };
  override _call(x: Tensor): Tensor {
    return x.tril(-1).add(x.diagonal(0, -2, -1).exp().diag_embed());
  }
  override _inverse(y: Tensor): Tensor {
    return y.tril(-1).add(y.diagonal(0, -2, -1).log().diag_embed());
  }
}

/** Flat indices (row-major in an n x n matrix) of the entries with col < row + diag + 1, in row order. */
function trilIndices(n: number, diag: number): number[] {
  const idx: number[] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (j < i + diag + 1) idx.push(i * n + j);
  return idx;
}

/** torch.distributions.utils.tril_matrix_to_vec: the lower-triangular entries (below diag + 1) in row order. */
export function tril_matrix_to_vec(mat: Tensor, diag = 0): Tensor {
  const n = mat.shape[mat.dim() - 1];
  if (diag < -n || diag >= n) throw new ValueError(`diag (${diag}) provided is outside [${-n}, ${n - 1}].`);
  const idx = trilIndices(n, diag);
  const flat = mat.reshape([...mat.shape.slice(0, -2), n * n]);
  const index = tensor(idx, { dtype: int64 });
  return flat.index_select(-1, index);
}

/** torch.distributions.utils.vec_to_tril_matrix: the inverse, zeros elsewhere. */
export function vec_to_tril_matrix(vec: Tensor, diag = 0): Tensor {
  const m = vec.shape[vec.dim() - 1];
  const nf = (-(1 + 2 * diag) + Math.sqrt((1 + 2 * diag) ** 2 + 8 * m + 4 * Math.abs(diag) * (diag + 1))) / 2;
  const eps = vec.dtype === float64 ? 2.220446049250313e-16 : 1.1920928955078125e-7;
  if (Math.round(nf) - nf > eps) throw new ValueError(`The size of last dimension is ${m} which cannot be expressed as the lower triangular part of a square D x D matrix.`);
  const n = Math.round(nf);
  const idx = trilIndices(n, diag);
  const batch = vec.shape.slice(0, -1);
  const index = tensor(idx, { dtype: int64 }).expand([...batch, idx.length]);
  return vec.new_zeros([...batch, n * n]).scatter(-1, index, vec).reshape([...batch, n, n]);
}

/** Transforms applied to consecutive slices along dim (lengths each), joined as torch.cat. */
export class CatTransform extends Transform {
  readonly transforms: Transform[];
  readonly lengths: number[];
  readonly dim: number;
  constructor(...args: PyArgs<[tseq: Transform[], dim?: number, lengths?: number[] | null, cache_size?: number], { tseq?: Transform[]; dim?: number; lengths?: number[] | null; cache_size?: number }>) {
    const o = parseArgs<{ tseq?: Transform[]; dim?: number; lengths?: number[] | null; cache_size?: number }>("CatTransform", ["tseq", "dim", "lengths", "cache_size"], args);
    super(o.cache_size ?? 0);
    let ts = o.tseq ?? [];
    if (!ts.every((t) => t instanceof Transform)) throw new ValueError("CatTransform: tseq must be Transforms");
    if (o.cache_size) ts = ts.map((t) => t.with_cache(o.cache_size));
    this.transforms = [...ts];
    this.lengths = o.lengths ? [...o.lengths] : ts.map(() => 1);
    if (this.lengths.length !== this.transforms.length) throw new ValueError("CatTransform: lengths and transforms differ in number");
    this.dim = o.dim ?? 0;
  }
  override get event_dim(): number {
    return Math.max(...this.transforms.map((t) => t.event_dim));
  }
  get length(): number {
    return this.lengths.reduce((a, b) => a + b, 0);
  }
  override with_cache(cache_size = 1): Transform {
    if (this._cache_size === cache_size) return this;
    return new CatTransform(this.transforms, this.dim, this.lengths, cache_size);
  }
  private map(v: Tensor, f: (t: Transform, slice: Tensor) => Tensor): Tensor {
    if (v.shape[this.dim < 0 ? v.dim() + this.dim : this.dim] !== this.length) throw new ValueError(`CatTransform: size ${this.length} expected along dim ${this.dim}`);
    let start = 0;
    const parts = this.transforms.map((t, i) => {
      const r = f(t, v.narrow(this.dim, start, this.lengths[i]));
      start += this.lengths[i];
      return r;
    });
    return catTensors(parts, this.dim);
  }
  override _call(x: Tensor): Tensor {
    return this.map(x, (t, s) => t(s));
  }
  override _inverse(y: Tensor): Tensor {
    return this.map(y, (t, s) => t.inv(s));
  }
  override log_abs_det_jacobian(x: Tensor, y: Tensor): Tensor {
    let start = 0;
    const parts = this.transforms.map((t, i) => {
      let l = t.log_abs_det_jacobian(x.narrow(this.dim, start, this.lengths[i]), y.narrow(this.dim, start, this.lengths[i]));
      if (t.event_dim < this.event_dim) l = sumRightmost(l, this.event_dim - t.event_dim);
      start += this.lengths[i];
      return l;
    });
    let dim = this.dim >= 0 ? this.dim - x.dim() : this.dim;
    dim += this.event_dim;
    return dim < 0 ? catTensors(parts, dim) : parts.reduce((a, b) => a.add(b));
  }
  override get bijective(): boolean {
    return this.transforms.every((t) => t.bijective);
  }
  override get domain(): C.Constraint {
    return C.cat(this.transforms.map((t) => t.domain), this.dim, this.lengths);
  }
  override get codomain(): C.Constraint {
    return C.cat(this.transforms.map((t) => t.codomain), this.dim, this.lengths);
  }
}

/** Transforms applied to the slices along dim, joined as torch.stack. */
export class StackTransform extends Transform {
  readonly transforms: Transform[];
  readonly dim: number;
  constructor(...args: PyArgs<[tseq: Transform[], dim?: number, cache_size?: number], { tseq?: Transform[]; dim?: number; cache_size?: number }>) {
    const o = parseArgs<{ tseq?: Transform[]; dim?: number; cache_size?: number }>("StackTransform", ["tseq", "dim", "cache_size"], args);
    super(o.cache_size ?? 0);
    let ts = o.tseq ?? [];
    if (!ts.every((t) => t instanceof Transform)) throw new ValueError("StackTransform: tseq must be Transforms");
    if (o.cache_size) ts = ts.map((t) => t.with_cache(o.cache_size));
    this.transforms = [...ts];
    this.dim = o.dim ?? 0;
  }
  override with_cache(cache_size = 1): Transform {
    if (this._cache_size === cache_size) return this;
    return new StackTransform(this.transforms, this.dim, cache_size);
  }
  private slices(z: Tensor): Tensor[] {
    const n = z.shape[this.dim < 0 ? z.dim() + this.dim : this.dim];
    if (n !== this.transforms.length) throw new ValueError(`StackTransform: size ${this.transforms.length} expected along dim ${this.dim}`);
    return Array.from({ length: n }, (_, i) => z.select(this.dim, i));
  }
  override _call(x: Tensor): Tensor {
    return stackTensors(this.slices(x).map((s, i) => this.transforms[i](s)), this.dim);
  }
  override _inverse(y: Tensor): Tensor {
    return stackTensors(this.slices(y).map((s, i) => this.transforms[i].inv(s)), this.dim);
  }
  override log_abs_det_jacobian(x: Tensor, y: Tensor): Tensor {
    const ys = this.slices(y);
    return stackTensors(this.slices(x).map((s, i) => this.transforms[i].log_abs_det_jacobian(s, ys[i])), this.dim);
  }
  override get bijective(): boolean {
    return this.transforms.every((t) => t.bijective);
  }
  override get domain(): C.Constraint {
    return C.stack(this.transforms.map((t) => t.domain), this.dim);
  }
  override get codomain(): C.Constraint {
    return C.stack(this.transforms.map((t) => t.codomain), this.dim);
  }
}

/** From unconstrained vectors of D (D - 1) / 2 values to Cholesky factors of correlation matrices (tanh, then stick-breaking per row). */
export class CorrCholeskyTransform extends Transform {
  override get domain(): C.Constraint {
    return C.real_vector;
  }
  override get codomain(): C.Constraint {
    return C.corr_cholesky;
  }
  override get bijective(): boolean {
    return true;
  }
  override equals(other: unknown): boolean {
    return other instanceof CorrCholeskyTransform;
  }
  override _call(x: Tensor): Tensor {
    const eps = finfo(x).eps;
    const t = x.tanh().clamp(-1 + eps, 1 - eps);
    let r = vec_to_tril_matrix(t, -1);
    const z = r.pow(2);
    const z1mCumprodSqrt = z.neg().add(1).sqrt().cumprod(-1);
    const n = r.shape[r.dim() - 1];
    r = r.add(eye(n, { dtype: r.dtype }));
    return r.mul(pad(z1mCumprodSqrt.narrow(-1, 0, n - 1), [1, 0], { value: 1 }));
  }
  override _inverse(y: Tensor): Tensor {
    const n = y.shape[y.dim() - 1];
    const yCumsum = y.mul(y).cumsum(-1).neg().add(1);
    const shifted = pad(yCumsum.narrow(-1, 0, n - 1), [1, 0], { value: 1 });
    const yVec = tril_matrix_to_vec(y, -1);
    const cumVec = tril_matrix_to_vec(shifted, -1);
    const t = yVec.div(cumVec.sqrt());
    return t.add(1).div(t.neg().add(1)).log().div(2);
  }
  override log_abs_det_jacobian(x: Tensor, y: Tensor): Tensor {
    const y1mCumsum = y.mul(y).cumsum(-1).neg().add(1);
    const tril = tril_matrix_to_vec(y1mCumsum, -2);
    const stick = tril.log().sum(-1).mul(0.5);
    const tanhLogdet = x.add(softplus(x.mul(-2))).sub(Math.LN2).sum(-1).mul(-2);
    return stick.add(tanhLogdet);
  }
  override forward_shape(shape: readonly number[]): number[] {
    if (shape.length < 1) throw new ValueError("Too few dimensions on input");
    const N = shape[shape.length - 1];
    const Dm = Math.round(Math.sqrt(0.25 + 2 * N) + 0.5);
    if ((Dm * (Dm - 1)) / 2 !== N) throw new ValueError("Input is not a flattend lower-diagonal number");
    return [...shape.slice(0, -1), Dm, Dm];
  }
  override inverse_shape(shape: readonly number[]): number[] {
    if (shape.length < 2) throw new ValueError("Too few dimensions on input");
    if (shape[shape.length - 2] !== shape[shape.length - 1]) throw new ValueError("Input is not square");
    const Dm = shape[shape.length - 1];
    return [...shape.slice(0, -2), (Dm * (Dm - 1)) / 2];
  }
}

interface CdfDistribution {
  support: C.Constraint | undefined;
  cdf(x: Tensor): Tensor;
  icdf(y: Tensor): Tensor;
  log_prob(x: Tensor): Tensor;
}

/** x -> distribution.cdf(x), onto the unit interval. */
export class CumulativeDistributionTransform extends Transform {
  readonly distribution: CdfDistribution;
  constructor(...args: PyArgs<[distribution: CdfDistribution, cache_size?: number], { distribution?: CdfDistribution; cache_size?: number }>) {
    const o = parseArgs<{ distribution?: CdfDistribution; cache_size?: number }>("CumulativeDistributionTransform", ["distribution", "cache_size"], args);
    super(o.cache_size ?? 0);
    if (!o.distribution) throw new ValueError("CumulativeDistributionTransform() missing 1 required positional argument: 'distribution'");
    this.distribution = o.distribution;
  }
  override get bijective(): boolean {
    return true;
  }
  override get sign(): number {
    return 1;
  }
  override get domain(): C.Constraint {
    return this.distribution.support ?? C.real;
  }
  override get codomain(): C.Constraint {
    return C.unit_interval;
  }
  override with_cache(cache_size = 1): Transform {
    if (this._cache_size === cache_size) return this;
    return new CumulativeDistributionTransform(this.distribution, cache_size);
  }
  override _call(x: Tensor): Tensor {
    return this.distribution.cdf(x);
  }
  override _inverse(y: Tensor): Tensor {
    return this.distribution.icdf(y);
  }
  override log_abs_det_jacobian(x: Tensor): Tensor {
    return this.distribution.log_prob(x);
  }
}

/** The transforms namespace, as torch.distributions.transforms. */
export const transforms = {
  Transform, ComposeTransform, IndependentTransform, ReshapeTransform, ExpTransform, PowerTransform, SigmoidTransform, SoftplusTransform, TanhTransform,
  AbsTransform, AffineTransform, SoftmaxTransform, StickBreakingTransform, LowerCholeskyTransform, CumulativeDistributionTransform, CatTransform, StackTransform,
  CorrCholeskyTransform, identity_transform,
};
