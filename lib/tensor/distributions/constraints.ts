/**
 * torch.distributions.constraints (PyTorch 1.13's constraints.py): a Constraint is a region a value
 * may lie in; check(value) gives a bool tensor over sample_shape + batch_shape (event_dim rightmost
 * dims reduced). The instances and factories keep PyTorch's names (real, positive, unit_interval,
 * simplex, interval(a, b), greater_than(b), integer_interval(a, b), independent(c, n), ...) and reprs
 * (GreaterThan(lower_bound=0.0)). Bounds are numbers or tensors.
 */
import { formatTensor } from "../format";
import { pyFloat } from "../nn/repr";
import { eigvalsh } from "../ops/linalg";
import { isclose } from "../ops/compare";
import { full } from "../ops/creation";
import { bool } from "../dtype";
import { cat as catTensors, stack as stackTensors } from "../ops/join";
import { NotImplementedError, ValueError } from "../errors";
import { Tensor } from "../tensor";

type Bound = Tensor | number;

/** A bound as Python's '{}'.format prints it: a 0-d tensor as its number (Tensor.__format__), a larger one as the tensor. */
function fmtBound(b: Bound, integer = false): string {
  if (b instanceof Tensor) {
    if (b.dim() !== 0) return formatTensor(b);
    return b.dtype.is_floating_point ? pyFloat(b.item() as number) : String(b.item());
  }
  return integer && Number.isInteger(b) ? String(b) : pyFloat(b);
}

const asT = (v: Tensor | number): Tensor => (v instanceof Tensor ? v : new Tensor(Float64Array.of(v), []));

/** Abstract base class for constraints (PyTorch's Constraint). */
export class Constraint {
  get is_discrete(): boolean {
    return false;
  }
  get event_dim(): number {
    return 0;
  }
  /** A bool tensor: whether each event of value satisfies the constraint. */
  check(value: Tensor): Tensor {
    void value;
    throw new NotImplementedError("");
  }
  /** PyTorch's repr: the class name without its leading underscore. */
  toString(): string {
    return `${this.constructor.name.replace(/^_/, "")}()`;
  }
}

export class _Dependent extends Constraint {
  private readonly _is_discrete: boolean | undefined;
  private readonly _event_dim: number | undefined;
  constructor(opts: { is_discrete?: boolean; event_dim?: number } = {}) {
    super();
    this._is_discrete = opts.is_discrete;
    this._event_dim = opts.event_dim;
  }
  override get is_discrete(): boolean {
    if (this._is_discrete === undefined) throw new NotImplementedError(".is_discrete cannot be determined statically");
    return this._is_discrete;
  }
  override get event_dim(): number {
    if (this._event_dim === undefined) throw new NotImplementedError(".event_dim cannot be determined statically");
    return this._event_dim;
  }
  /** dependent(is_discrete=..., event_dim=...): a new placeholder with those attributes. */
  call(opts: { is_discrete?: boolean; event_dim?: number } = {}): _Dependent {
    return new _Dependent({ is_discrete: opts.is_discrete ?? this._is_discrete, event_dim: opts.event_dim ?? this._event_dim });
  }
  override check(): Tensor {
    throw new ValueError("Cannot determine validity of dependent constraint");
  }
}

/** Whether a constraint is a dependent placeholder (constraints.is_dependent). */
export const is_dependent = (c: unknown): boolean => c instanceof _Dependent;

export class _IndependentConstraint extends Constraint {
  constructor(readonly base_constraint: Constraint, readonly reinterpreted_batch_ndims: number) {
    super();
    if (!(base_constraint instanceof Constraint)) throw new TypeError("independent(): base_constraint must be a Constraint");
    if (!Number.isInteger(reinterpreted_batch_ndims) || reinterpreted_batch_ndims < 0) throw new ValueError("reinterpreted_batch_ndims must be a non-negative int");
  }
  override get is_discrete(): boolean {
    return this.base_constraint.is_discrete;
  }
  override get event_dim(): number {
    return this.base_constraint.event_dim + this.reinterpreted_batch_ndims;
  }
  override check(value: Tensor): Tensor {
    const result = this.base_constraint.check(value);
    const n = this.reinterpreted_batch_ndims;
    if (result.dim() < n) throw new ValueError(`Expected value.dim() >= ${this.base_constraint.event_dim + n} but got ${value.dim()}`);
    if (n === 0) return result;
    return result.reshape([...result.shape.slice(0, result.dim() - n), -1]).all(-1);
  }
  override toString(): string {
    return `IndependentConstraint(${this.base_constraint.toString()}, ${this.reinterpreted_batch_ndims})`;
  }
}

export class _Boolean extends Constraint {
  override get is_discrete(): boolean {
    return true;
  }
  override check(value: Tensor): Tensor {
    return value.eq(0).logical_or(value.eq(1));
  }
}

export class _OneHot extends Constraint {
  override get is_discrete(): boolean {
    return true;
  }
  override get event_dim(): number {
    return 1;
  }
  override check(value: Tensor): Tensor {
    return value.eq(0).logical_or(value.eq(1)).all(-1).logical_and(value.sum(-1).eq(1));
  }
}

const isInt = (v: Tensor): Tensor => v.remainder(1).eq(0);

export class _IntegerInterval extends Constraint {
  constructor(readonly lower_bound: Bound, readonly upper_bound: Bound) {
    super();
  }
  override get is_discrete(): boolean {
    return true;
  }
  override check(value: Tensor): Tensor {
    return isInt(value).logical_and(value.ge(this.lower_bound)).logical_and(value.le(this.upper_bound));
  }
  override toString(): string {
    return `IntegerInterval(lower_bound=${fmtBound(this.lower_bound, true)}, upper_bound=${fmtBound(this.upper_bound, true)})`;
  }
}

export class _IntegerLessThan extends Constraint {
  constructor(readonly upper_bound: Bound) {
    super();
  }
  override get is_discrete(): boolean {
    return true;
  }
  override check(value: Tensor): Tensor {
    return isInt(value).logical_and(value.le(this.upper_bound));
  }
  override toString(): string {
    return `IntegerLessThan(upper_bound=${fmtBound(this.upper_bound, true)})`;
  }
}

export class _IntegerGreaterThan extends Constraint {
  constructor(readonly lower_bound: Bound) {
    super();
  }
  override get is_discrete(): boolean {
    return true;
  }
  override check(value: Tensor): Tensor {
    return isInt(value).logical_and(value.ge(this.lower_bound));
  }
  override toString(): string {
    return `IntegerGreaterThan(lower_bound=${fmtBound(this.lower_bound, true)})`;
  }
}

export class _Real extends Constraint {
  override check(value: Tensor): Tensor {
    return value.eq(value);
  }
}

export class _GreaterThan extends Constraint {
  constructor(readonly lower_bound: Bound) {
    super();
  }
  override check(value: Tensor): Tensor {
    return value.gt(this.lower_bound);
  }
  override toString(): string {
    return `GreaterThan(lower_bound=${fmtBound(this.lower_bound)})`;
  }
}

export class _GreaterThanEq extends Constraint {
  /** pyInt: the bound was a Python int in torch's source (NegativeBinomial's greater_than_eq(0)), printed without ".0". */
  constructor(readonly lower_bound: Bound, private readonly pyInt = false) {
    super();
  }
  override check(value: Tensor): Tensor {
    return value.ge(this.lower_bound);
  }
  override toString(): string {
    return `GreaterThanEq(lower_bound=${fmtBound(this.lower_bound, this.pyInt)})`;
  }
}

export class _LessThan extends Constraint {
  constructor(readonly upper_bound: Bound) {
    super();
  }
  override check(value: Tensor): Tensor {
    return value.lt(this.upper_bound);
  }
  override toString(): string {
    return `LessThan(upper_bound=${fmtBound(this.upper_bound)})`;
  }
}

export class _Interval extends Constraint {
  constructor(readonly lower_bound: Bound, readonly upper_bound: Bound) {
    super();
  }
  override check(value: Tensor): Tensor {
    return value.ge(this.lower_bound).logical_and(value.le(this.upper_bound));
  }
  override toString(): string {
    return `Interval(lower_bound=${fmtBound(this.lower_bound)}, upper_bound=${fmtBound(this.upper_bound)})`;
  }
}

export class _HalfOpenInterval extends Constraint {
  constructor(readonly lower_bound: Bound, readonly upper_bound: Bound) {
    super();
  }
  override check(value: Tensor): Tensor {
    return value.ge(this.lower_bound).logical_and(value.lt(this.upper_bound));
  }
  override toString(): string {
    return `HalfOpenInterval(lower_bound=${fmtBound(this.lower_bound)}, upper_bound=${fmtBound(this.upper_bound)})`;
  }
}

export class _Simplex extends Constraint {
  override get event_dim(): number {
    return 1;
  }
  override check(value: Tensor): Tensor {
    return value.ge(0).all(-1).logical_and(value.sum(-1).sub(1).abs().lt(1e-6));
  }
}

export class _Multinomial extends Constraint {
  constructor(readonly upper_bound: number) {
    super();
  }
  override get is_discrete(): boolean {
    return true;
  }
  override get event_dim(): number {
    return 1;
  }
  override check(x: Tensor): Tensor {
    return x.ge(0).all(-1).logical_and(x.sum(-1).le(this.upper_bound));
  }
}

const lowerTri = (value: Tensor): Tensor => value.tril().eq(value).reshape([...value.shape.slice(0, -2), -1]).all(-1);

export class _LowerTriangular extends Constraint {
  override get event_dim(): number {
    return 2;
  }
  override check(value: Tensor): Tensor {
    return lowerTri(value);
  }
}

export class _LowerCholesky extends Constraint {
  override get event_dim(): number {
    return 2;
  }
  override check(value: Tensor): Tensor {
    return lowerTri(value).logical_and(value.diagonal(0, -2, -1).gt(0).all(-1));
  }
}

export class _CorrCholesky extends Constraint {
  override get event_dim(): number {
    return 2;
  }
  override check(value: Tensor): Tensor {
    const eps = value.dtype.name === "float64" ? 2.220446049250313e-16 : 1.1920928955078125e-7;
    const tol = eps * value.shape[value.dim() - 1] * 10;
    const rowNorm = value.detach().pow(2).sum(-1).sqrt();
    return new _LowerCholesky().check(value).logical_and(rowNorm.sub(1).abs().le(tol).all(-1));
  }
}

export class _Square extends Constraint {
  override get event_dim(): number {
    return 2;
  }
  override check(value: Tensor): Tensor {
    const n = value.dim();
    return full(value.shape.slice(0, -2), value.shape[n - 2] === value.shape[n - 1] ? 1 : 0, { dtype: bool });
  }
}

export class _Symmetric extends _Square {
  override check(value: Tensor): Tensor {
    const sq = super.check(value);
    if (!sq.all().item()) return sq;
    return isclose(value, value.transpose(-2, -1), { atol: 1e-6 }).all(-1).all(-1);
  }
}

export class _PositiveSemidefinite extends _Symmetric {
  override check(value: Tensor): Tensor {
    const sym = super.check(value);
    if (!sym.all().item()) return sym;
    return eigvalsh(value).ge(0).all(-1);
  }
}

export class _PositiveDefinite extends _Symmetric {
  override check(value: Tensor): Tensor {
    const sym = super.check(value);
    if (!sym.all().item()) return sym;
    // PyTorch: cholesky_ex(value).info == 0; the engine's cholesky_ex reports one info for a whole batch, so by eigenvalues.
    return eigvalsh(value).gt(0).all(-1);
  }
}

/** Constraints applied to consecutive slices along dim (lengths each), as torch.cat joins them. */
export class _Cat extends Constraint {
  readonly cseq: Constraint[];
  readonly lengths: number[];
  constructor(cseq: Constraint[], readonly dim = 0, lengths: number[] | null = null) {
    super();
    this.cseq = [...cseq];
    this.lengths = lengths ? [...lengths] : this.cseq.map(() => 1);
    if (this.lengths.length !== this.cseq.length) throw new ValueError("cat: lengths and constraints differ in number");
  }
  override get is_discrete(): boolean {
    return this.cseq.some((c) => c.is_discrete);
  }
  override get event_dim(): number {
    return Math.max(...this.cseq.map((c) => c.event_dim));
  }
  override check(value: Tensor): Tensor {
    let start = 0;
    const checks = this.cseq.map((c, i) => {
      const r = c.check(value.narrow(this.dim, start, this.lengths[i]));
      start += this.lengths[i];
      return r;
    });
    return catTensors(checks, this.dim);
  }
}

/** Constraints applied to the slices along dim, as torch.stack joins them. */
export class _Stack extends Constraint {
  readonly cseq: Constraint[];
  constructor(cseq: Constraint[], readonly dim = 0) {
    super();
    this.cseq = [...cseq];
  }
  override get is_discrete(): boolean {
    return this.cseq.some((c) => c.is_discrete);
  }
  override get event_dim(): number {
    let dim = Math.max(...this.cseq.map((c) => c.event_dim));
    if (this.dim + dim < 0) dim += 1;
    return dim;
  }
  override check(value: Tensor): Tensor {
    const n = value.shape[this.dim < 0 ? value.dim() + this.dim : this.dim];
    const checks = Array.from({ length: n }, (_, i) => this.cseq[i].check(value.select(this.dim, i)));
    return stackTensors(checks, this.dim);
  }
}

export const dependent = new _Dependent();
export const independent = (base_constraint: Constraint, reinterpreted_batch_ndims: number): _IndependentConstraint => new _IndependentConstraint(base_constraint, reinterpreted_batch_ndims);
export const boolean = new _Boolean();
export const one_hot = new _OneHot();
export const nonnegative_integer = new _IntegerGreaterThan(0);
export const positive_integer = new _IntegerGreaterThan(1);
export const integer_interval = (lower_bound: Bound, upper_bound: Bound): _IntegerInterval => new _IntegerInterval(lower_bound, upper_bound);
export const real = new _Real();
export const real_vector = independent(real, 1);
export const positive = new _GreaterThan(0);
export const nonnegative = new _GreaterThanEq(0);
export const greater_than = (lower_bound: Bound): _GreaterThan => new _GreaterThan(lower_bound);
export const greater_than_eq = (lower_bound: Bound): _GreaterThanEq => new _GreaterThanEq(lower_bound);
export const less_than = (upper_bound: Bound): _LessThan => new _LessThan(upper_bound);
export const multinomial = (upper_bound: number): _Multinomial => new _Multinomial(upper_bound);
export const unit_interval = new _Interval(0, 1);
export const interval = (lower_bound: Bound, upper_bound: Bound): _Interval => new _Interval(lower_bound, upper_bound);
export const half_open_interval = (lower_bound: Bound, upper_bound: Bound): _HalfOpenInterval => new _HalfOpenInterval(lower_bound, upper_bound);
export const simplex = new _Simplex();
export const lower_triangular = new _LowerTriangular();
export const lower_cholesky = new _LowerCholesky();
export const corr_cholesky = new _CorrCholesky();
export const square = new _Square();
export const symmetric = new _Symmetric();
export const positive_semidefinite = new _PositiveSemidefinite();
export const positive_definite = new _PositiveDefinite();
export const cat = (cseq: Constraint[], dim = 0, lengths: number[] | null = null): _Cat => new _Cat(cseq, dim, lengths);
export const stack = (cseq: Constraint[], dim = 0): _Stack => new _Stack(cseq, dim);

/** The constraints namespace, as torch.distributions.constraints. */
export const constraints = {
  Constraint, is_dependent, dependent, independent, boolean, one_hot, nonnegative_integer, positive_integer, integer_interval, real, real_vector,
  positive, nonnegative, greater_than, greater_than_eq, less_than, multinomial, unit_interval, interval, half_open_interval, simplex,
  lower_triangular, lower_cholesky, corr_cholesky, square, symmetric, positive_semidefinite, positive_definite, cat, stack,
};

/** A tensor of the value (numbers as 0-d float64), for the transforms' bound arithmetic. */
export const boundTensor = asT;
