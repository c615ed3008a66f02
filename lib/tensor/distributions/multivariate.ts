/**
 * Distributions with an event dimension, PyTorch 1.13's formulas: OneHotCategorical (a
 * Categorical whose samples are one-hot vectors), MultivariateNormal (by covariance_matrix,
 * precision_matrix or scale_tril; rsample is loc + L @ eps with eps = empty(shape).normal_(), so
 * seeded draws are PyTorch's) and Independent (reinterprets batch dims of a base distribution as
 * event dims: log_prob and entropy sum over them).
 */
import { parseArgs, type PyArgs } from "../args";
import { no_grad } from "../autograd/grad_mode";
import { RuntimeError, TypeError_, ValueError } from "../errors";
import { formatTensor } from "../format";
import { cholesky, cholesky_ex, cholesky_inverse, solve_triangular } from "../ops/linalg";
import { broadcast_tensors } from "../ops/shape_extra";
import { empty } from "../ops/util";
import { broadcastShapes } from "../shape";
import { Tensor } from "../tensor";
import { CategoricalBacked } from "./base";
import { checkSupport, extendedShape, pyTuple, sumRightmost, type Validate, validates } from "./util";

export class OneHotCategorical extends CategoricalBacked {
  /** new OneHotCategorical(probs) or new OneHotCategorical({ logits }). */
  constructor(...args: PyArgs<[probs?: Tensor | null, logits?: Tensor | null, validate_args?: boolean | null], { probs?: Tensor | null; logits?: Tensor | null } & Validate>) {
    super(parseArgs<{ probs?: Tensor | null; logits?: Tensor | null } & Validate>("OneHotCategorical", ["probs", "logits", "validate_args"], args));
  }

  get mean(): Tensor {
    return this.probs;
  }
  get variance(): Tensor {
    return this.probs.mul(this.probs.neg().add(1));
  }

  /** one_hot(Categorical.sample(sample_shape), K) in the probabilities' dtype. */
  sample(sample_shape: readonly number[] = []): Tensor {
    const k = this.event_shape[0];
    return no_grad(() => {
      const idx = this.categorical.sample(sample_shape);
      const out = empty([...idx.shape, k], this.probs.dtype);
      return out.scatter_(-1, idx.unsqueeze(-1), 1);
    });
  }

  log_prob(value: Tensor): Tensor {
    checkSupport(value, (v) => v.ne(0).logical_and(v.ne(1)).any(-1).logical_or(v.sum(-1).ne(1)), "OneHot()", this.toString());
    return this.categorical.log_prob(value.max(-1).indices);
  }

  entropy(): Tensor {
    return this.categorical.entropy();
  }

  toString(): string {
    return "OneHotCategorical()";
  }
}

export interface MultivariateNormalOptions extends Validate {
  loc?: Tensor;
  covariance_matrix?: Tensor | null;
  precision_matrix?: Tensor | null;
  scale_tril?: Tensor | null;
}

/** L⁻¹ x (x's last dim), x and L broadcast over their batch dims. */
function solveLower(L: Tensor, x: Tensor): Tensor {
  const n = L.shape[L.dim() - 1];
  const batch = broadcastShapes(L.shape.slice(0, -2), x.shape.slice(0, -1), "MultivariateNormal");
  return solve_triangular(L.expand([...batch, n, n]), x.expand([...batch, n]).unsqueeze(-1), { upper: false }).squeeze(-1);
}

export class MultivariateNormal {
  readonly loc: Tensor;
  readonly scale_tril: Tensor;
  readonly batch_shape: number[];
  readonly event_shape: number[];
  /** Whether rsample (a reparameterised, differentiable draw) exists, as PyTorch's flag. */
  readonly has_rsample = true;
  private readonly given: "covariance_matrix" | "precision_matrix" | "scale_tril";
  private readonly givenMatrix: Tensor;
  /** validate_args (or the default's): log_prob checks its value as torch's _validate_sample. */
  private readonly validateArgs: boolean;

  /** new MultivariateNormal(loc, covariance_matrix) or (loc, { scale_tril }) / ({ loc, precision_matrix }). */
  constructor(...args: PyArgs<[loc: Tensor, covariance_matrix?: Tensor | null, precision_matrix?: Tensor | null, scale_tril?: Tensor | null, validate_args?: boolean | null], MultivariateNormalOptions>) {
    const o = parseArgs<MultivariateNormalOptions>("MultivariateNormal", ["loc", "covariance_matrix", "precision_matrix", "scale_tril", "validate_args"], args);
    if (!(o.loc instanceof Tensor)) throw new TypeError_("MultivariateNormal(): loc must be a tensor");
    if (o.loc.dim() < 1) throw new ValueError("loc must be at least one-dimensional.");
    const given = (["covariance_matrix", "precision_matrix", "scale_tril"] as const).filter((k) => o[k] != null);
    if (given.length !== 1) throw new ValueError("Exactly one of covariance_matrix or precision_matrix or scale_tril may be specified.");
    this.given = given[0];
    const m = o[this.given]!;
    // torch 1.13 words scale_tril's check "scale_tril matrix must be ..." (the other two without "matrix")
    const what = this.given === "scale_tril" ? "scale_tril matrix" : this.given;
    if (m.dim() < 2) throw new ValueError(`${what} must be at least two-dimensional, with optional leading batch dimensions`);
    this.givenMatrix = m;
    const batch = broadcastShapes(m.shape.slice(0, -2), o.loc.shape.slice(0, -1), "MultivariateNormal");
    const n = o.loc.shape[o.loc.dim() - 1];
    this.loc = o.loc.expand([...batch, n]);
    this.batch_shape = batch;
    this.event_shape = [n];
    this.validateArgs = validates(o.validate_args);
    if (this.validateArgs) this.validate(m);
    if (this.given === "scale_tril") this.scale_tril = m;
    else if (this.given === "covariance_matrix") this.scale_tril = cholesky(m);
    else {
      // PyTorch's _precision_to_scale_tril: flip, Cholesky, flip back, then solve against the identity.
      const Lf = cholesky(m.flip([-2, -1]));
      const Linv = Lf.flip([-2, -1]).transpose(-2, -1);
      const eye = empty([n, n], m.dtype).fill_(0).fill_diagonal_(1);
      this.scale_tril = solve_triangular(Linv, eye, { upper: false });
    }
  }

  private validate(m: Tensor): void {
    const bad = no_grad(() => {
      if (this.given === "scale_tril") {
        // LowerCholesky: lower triangular with a positive diagonal.
        return m.triu(1).ne(0).any().item() || m.diagonal(0, -2, -1).le(0).any().item() || m.isnan().any().item();
      }
      const symmetric = m.sub(m.transpose(-2, -1)).abs().le(1e-6).all().item();
      return !symmetric || cholesky_ex(m)[1].ne(0).any().item();
    });
    if (bad) {
      const constraint = this.given === "scale_tril" ? "LowerCholesky()" : "PositiveDefinite()";
      throw new ValueError(
        `Expected parameter ${this.given} (Tensor of shape ${pyTuple(m.shape)}) of distribution ${this.toString()} to satisfy the constraint ${constraint}, but found invalid values:\n${no_grad(() => formatTensor(m.detach()))}`,
      );
    }
  }

  get mean(): Tensor {
    return this.loc;
  }
  get covariance_matrix(): Tensor {
    return this.scale_tril.matmul(this.scale_tril.transpose(-2, -1)).expand([...this.batch_shape, ...this.event_shape, ...this.event_shape]);
  }
  get precision_matrix(): Tensor {
    return cholesky_inverse(this.scale_tril).expand([...this.batch_shape, ...this.event_shape, ...this.event_shape]);
  }
  get variance(): Tensor {
    return this.scale_tril.pow(2).sum(-1).expand([...this.batch_shape, ...this.event_shape]);
  }
  get stddev(): Tensor {
    return this.variance.sqrt();
  }

  /** loc + L @ eps, eps = empty(sample + batch + event).normal_(): gradients reach loc and the matrix. */
  rsample(sample_shape: readonly number[] = []): Tensor {
    const shape = extendedShape(sample_shape, this.batch_shape, this.event_shape);
    const eps = empty(shape, this.loc.dtype).normal_();
    return this.loc.add(this.scale_tril.matmul(eps.unsqueeze(-1)).squeeze(-1));
  }

  sample(sample_shape: readonly number[] = []): Tensor {
    return no_grad(() => this.rsample(sample_shape));
  }

  /** torch's _validate_sample: the event size last, a batch that broadcasts, values in the support (real vectors: no NaN). */
  private validateSample(value: Tensor): void {
    if (!(value instanceof Tensor)) throw new ValueError("The value argument to log_prob must be a Tensor");
    const size = (s: readonly number[]) => `torch.Size([${s.join(", ")}])`;
    if (value.dim() < 1 || value.shape[value.dim() - 1] !== this.event_shape[0]) {
      throw new ValueError(`The right-most size of value must match event_shape: ${size(value.shape)} vs ${size(this.event_shape)}.`);
    }
    const expected = [...this.batch_shape, ...this.event_shape];
    for (let k = 1; k <= Math.min(value.dim(), expected.length); k++) {
      const [i, j] = [value.shape[value.dim() - k], expected[expected.length - k]];
      if (i !== 1 && j !== 1 && i !== j) throw new ValueError(`Value is not broadcastable with batch_shape+event_shape: ${size(value.shape)} vs ${size(expected)}.`);
    }
    checkSupport(value, (v) => v.isnan(), "IndependentConstraint(Real(), 1)", this.toString());
  }

  log_prob(value: Tensor): Tensor {
    if (this.validateArgs) this.validateSample(value);
    const [v, loc] = broadcast_tensors(value, this.loc);
    const diff = v.sub(loc);
    const M = solveLower(this.scale_tril, diff).pow(2).sum(-1);
    const halfLogDet = this.scale_tril.diagonal(0, -2, -1).log().sum(-1);
    return M.add(this.event_shape[0] * Math.log(2 * Math.PI)).mul(-0.5).sub(halfLogDet);
  }

  entropy(): Tensor {
    const halfLogDet = this.scale_tril.diagonal(0, -2, -1).log().sum(-1);
    const h = halfLogDet.add(0.5 * this.event_shape[0] * (1 + Math.log(2 * Math.PI)));
    return this.batch_shape.length === 0 ? h : h.expand(this.batch_shape);
  }

  toString(): string {
    return `MultivariateNormal(loc: torch.Size([${this.loc.shape.join(", ")}]), ${this.given}: torch.Size([${this.givenMatrix.shape.join(", ")}]))`;
  }
}

/** L⁻¹ x for the KL divergence (q's scale_tril against p's loc difference). */
export const mahalanobis = (L: Tensor, x: Tensor): Tensor => solveLower(L, x).pow(2).sum(-1);

/** What Independent needs of its base distribution. */
export interface BaseDistribution {
  readonly batch_shape: number[];
  readonly event_shape: number[];
  sample(sample_shape?: readonly number[]): Tensor;
  rsample?(sample_shape?: readonly number[]): Tensor;
  log_prob(value: Tensor): Tensor;
  entropy(): Tensor;
  readonly mean: Tensor;
  readonly variance: Tensor;
  toString(): string;
}

export class Independent {
  readonly base_dist: BaseDistribution;
  readonly reinterpreted_batch_ndims: number;
  readonly batch_shape: number[];
  readonly event_shape: number[];

  constructor(...args: PyArgs<[base_distribution: BaseDistribution, reinterpreted_batch_ndims: number, validate_args?: boolean | null], { base_distribution?: BaseDistribution; reinterpreted_batch_ndims?: number } & Validate>) {
    const o = parseArgs<{ base_distribution?: BaseDistribution; reinterpreted_batch_ndims?: number } & Validate>(
      "Independent", ["base_distribution", "reinterpreted_batch_ndims", "validate_args"], args,
    );
    const base = o.base_distribution;
    const n = o.reinterpreted_batch_ndims;
    if (!base || typeof base.log_prob !== "function") throw new TypeError_("Independent(): base_distribution must be a distribution");
    if (typeof n !== "number" || !Number.isInteger(n)) throw new TypeError_("Independent(): reinterpreted_batch_ndims must be an int");
    if (n > base.batch_shape.length) {
      throw new ValueError(`Expected reinterpreted_batch_ndims <= len(base_distribution.batch_shape), actual ${n} vs ${base.batch_shape.length}`);
    }
    this.base_dist = base;
    this.reinterpreted_batch_ndims = n;
    const split = base.batch_shape.length - n;
    this.batch_shape = base.batch_shape.slice(0, split);
    this.event_shape = [...base.batch_shape.slice(split), ...base.event_shape];
  }

  get mean(): Tensor {
    return this.base_dist.mean;
  }
  get variance(): Tensor {
    return this.base_dist.variance;
  }
  get stddev(): Tensor {
    return this.base_dist.variance.sqrt();
  }
  get has_rsample(): boolean {
    return typeof this.base_dist.rsample === "function" && (this.base_dist as { has_rsample?: boolean }).has_rsample !== false;
  }

  sample(sample_shape: readonly number[] = []): Tensor {
    return this.base_dist.sample(sample_shape);
  }

  rsample(sample_shape: readonly number[] = []): Tensor {
    if (!this.base_dist.rsample) throw new RuntimeError(`${this.base_dist.toString()} has no rsample`);
    return this.base_dist.rsample(sample_shape);
  }

  log_prob(value: Tensor): Tensor {
    return sumRightmost(this.base_dist.log_prob(value), this.reinterpreted_batch_ndims);
  }

  entropy(): Tensor {
    return sumRightmost(this.base_dist.entropy(), this.reinterpreted_batch_ndims);
  }

  toString(): string {
    return `Independent(${this.base_dist.toString()}, ${this.reinterpreted_batch_ndims})`;
  }
}
