/**
 * What torch.distributions (PyTorch 1.13 as built here) has on every distribution and the engine's
 * classes lacked: expand(batch_shape), the mode property, and enumerate_support(expand=True) with
 * has_enumerate_support for Bernoulli, Categorical, OneHotCategorical, Binomial and Independent.
 * Installed on the classes' prototypes by installDistributionExtras (kept out of each class file).
 *
 * expand: a copy whose tensor parameters (and nested distributions: a Beta's Dirichlet, an
 * Independent's or LogNormal's base) are expanded views to batch_shape + their trailing dims, as
 * PyTorch's per-class expand methods do; sampling, log_prob and the moments then follow from the
 * class's own code. mode follows each class's 1.13 formula (Uniform: NaN; Multinomial raises).
 */
import { NotImplementedError } from "../errors";
import { int64 } from "../dtype";
import { arange, eye, full_like, zeros_like } from "../ops/creation";
import { Tensor } from "../tensor";
import { one_hot } from "../nn/functional/loss";

interface Dist {
  batch_shape: number[];
  event_shape: number[];
  [k: string]: unknown;
}

const isDist = (v: unknown): v is Dist =>
  v !== null && typeof v === "object" && !(v instanceof Tensor) && Array.isArray((v as Dist).batch_shape) && Array.isArray((v as Dist).event_shape);

const startsWith = (shape: readonly number[], prefix: readonly number[]) => shape.length >= prefix.length && prefix.every((s, i) => shape[i] === s);

export function toShape(fn: string, batch_shape: unknown): number[] {
  const s = batch_shape instanceof Tensor ? (batch_shape.tolist() as number[]) : batch_shape;
  if (!Array.isArray(s) || !s.every((v) => Number.isInteger(v))) throw new TypeError(`${fn}(): batch_shape must be a sequence of ints`);
  return [...s];
}

/** Parameters whose trailing dims are not batch dims (a MultivariateNormal's matrices may be unbatched). */
const TRAILING: Record<string, number> = { scale_tril: 2, covariance_matrix: 2, precision_matrix: 2, givenMatrix: 2 };

/** A copy of d with batch_shape `batch` (parameters expanded, nested distributions expanded to batch + their extra batch dims). */
export function expandDist(d: Dist, batch: number[]): Dist {
  const old = d.batch_shape;
  const copy = Object.create(Object.getPrototypeOf(d) as object) as Dist;
  for (const k of Object.keys(d)) {
    let v = d[k];
    if (v instanceof Tensor && k in TRAILING && v.dim() >= TRAILING[k]) v = v.expand([...batch, ...v.shape.slice(-TRAILING[k])]);
    else if (v instanceof Tensor && startsWith(v.shape, old)) v = v.expand([...batch, ...v.shape.slice(old.length)]);
    else if (isDist(v) && startsWith(v.batch_shape, old)) v = expandDist(v, [...batch, ...v.batch_shape.slice(old.length)]);
    else if (k === "param_shape" && Array.isArray(v)) v = [...batch, ...(v as number[]).slice(old.length)];
    Object.defineProperty(copy, k, { value: v, writable: true, configurable: true, enumerable: true });
  }
  Object.defineProperty(copy, "batch_shape", { value: batch, writable: true, configurable: true, enumerable: true });
  return copy;
}

/** Lifts a 1-D support [n] (or [n, K]) to [n, 1, ..., 1(, K)] and, with expand, to [n, ...batch(, K)]. */
function supportOf(values: Tensor, batch: number[], expand: boolean, event: number[] = []): Tensor {
  const n = values.shape[0];
  const v = values.reshape([n, ...batch.map(() => 1), ...event]);
  return expand ? v.expand([n, ...batch, ...event]) : v;
}

type Getter = (this: Dist) => Tensor;
const T = (d: Dist, k: string) => d[k] as Tensor;

const MODES: Record<string, Getter> = {
  Normal() { return T(this, "loc"); },
  Laplace() { return T(this, "loc"); },
  Cauchy() { return T(this, "loc"); },
  StudentT() { return T(this, "loc"); },
  MultivariateNormal() { return T(this, "loc"); },
  Categorical() { return T(this, "probs").argmax(-1); },
  OneHotCategorical() {
    const probs = (this.categorical as Dist).probs as Tensor;
    return one_hot(probs.argmax(-1), probs.shape[probs.dim() - 1]).to(probs.dtype);
  },
  Bernoulli() {
    const p = T(this, "probs");
    // (probs >= 0.5), NaN where probs is exactly 0.5 (either value is a mode).
    return p.ge(0.5).to(p.dtype).masked_fill(p.eq(0.5), NaN);
  },
  Uniform() { return full_like(T(this, "high"), NaN); },
  Exponential() { return zeros_like(T(this, "rate")); },
  Poisson() { return T(this, "rate").floor(); },
  Gamma() { return T(this, "concentration").sub(1).div(T(this, "rate")).clamp({ min: 0 }); },
  Chi2() { return T(this, "concentration").sub(1).div(T(this, "rate")).clamp({ min: 0 }); },
  Dirichlet() { return dirichletMode(T(this, "concentration")); },
  Beta() { return dirichletMode(T(this.dirichlet as Dist, "concentration")).select(-1, 0); },
  LogNormal() {
    const base = this.base_dist as Dist;
    return T(base, "loc").sub(T(base, "scale").pow(2)).exp();
  },
  HalfNormal() { return zeros_like(T(this.base_dist as Dist, "scale")); },
  Geometric() { return zeros_like(T(this, "probs")); },
  Binomial() {
    const n = this.total_count instanceof Tensor ? (this.total_count as Tensor) : (this.total_count as number);
    const p = T(this, "probs");
    const m = (n instanceof Tensor ? n.add(1) : p.mul(0).add(n + 1)).mul(p).floor();
    return n instanceof Tensor ? m.minimum(n.to(p.dtype)) : m.clamp({ max: n });
  },
  Independent() { return (this.base_dist as { mode: Tensor }).mode; },
  Multinomial() { throw new NotImplementedError("<class 'torch.distributions.multinomial.Multinomial'> does not implement mode"); },
};

/** Dirichlet's mode: (c - 1)+ normalised; where every concentration is below 1, the one-hot of the largest. */
function dirichletMode(c: Tensor): Tensor {
  const m = c.sub(1).clamp({ min: 0 });
  const normalised = m.div(m.sum(-1, true));
  const allBelow = c.lt(1).all(-1, true);
  const k = c.shape[c.dim() - 1];
  const hot = one_hot(normalised.argmax(-1), k).to(c.dtype);
  return hot.where(allBelow.expand(c.shape), normalised);
}

type Support = (this: Dist, expand: boolean) => Tensor;
const SUPPORTS: Record<string, Support> = {
  Bernoulli(expand) { return supportOf(arange(2, { dtype: T(this, "probs").dtype }), this.batch_shape, expand); },
  Categorical(expand) {
    const k = (this.param_shape as number[])[(this.param_shape as number[]).length - 1];
    return supportOf(arange(k, { dtype: int64 }), this.batch_shape, expand);
  },
  OneHotCategorical(expand) {
    const probs = (this.categorical as Dist).probs as Tensor;
    const k = probs.shape[probs.dim() - 1];
    return supportOf(eye(k, { dtype: probs.dtype }), this.batch_shape, expand, [k]);
  },
  Binomial(expand) {
    const n = this.total_count;
    const counts = n instanceof Tensor ? (n.reshape(-1).tolist() as number[]) : [n as number];
    const total = counts[0];
    if (!counts.every((c) => c === total)) throw new NotImplementedError("Inhomogeneous total count not supported by `enumerate_support`.");
    return supportOf(arange(total + 1, { dtype: T(this, "probs").dtype }), this.batch_shape, expand);
  },
  Independent(expand) {
    if ((this.reinterpreted_batch_ndims as number) > 0) throw new NotImplementedError("Enumeration over cartesian product is not implemented");
    return (this.base_dist as { enumerate_support(e: boolean): Tensor }).enumerate_support(expand);
  },
};

const noSupport = (name: string) => function (this: Dist): never {
  throw new NotImplementedError(`${name} does not implement enumerate_support`);
};

/** Installs expand / mode / enumerate_support / has_enumerate_support on the distribution classes. */
export function installDistributionExtras(classes: Record<string, unknown>): void {
  for (const [name, C] of Object.entries(classes)) {
    // Distributions only (the namespace also holds kl_divergence, register_kl, biject_to and the transforms).
    if (typeof C !== "function" || !C.prototype || typeof (C.prototype as { log_prob?: unknown }).log_prob !== "function") continue;
    const proto = C.prototype as Record<string, unknown>;
    const define = (k: string, d: PropertyDescriptor) => {
      if (!Object.prototype.hasOwnProperty.call(proto, k)) Object.defineProperty(proto, k, { configurable: true, enumerable: false, ...d });
    };
    define("expand", {
      writable: true,
      value: function (this: Dist, batch_shape: unknown, _instance: unknown = null) {
        void _instance;
        return expandDist(this, toShape("expand", batch_shape));
      },
    });
    if (MODES[name]) define("mode", { get: MODES[name] });
    if (name === "Categorical") {
      // PyTorch's Categorical.mean / variance: NaN over the batch shape (a category has no numeric mean).
      const nan = function (this: Dist) { return full_like(T(this, "probs").select(-1, 0), NaN); };
      define("mean", { get: nan });
      define("variance", { get: nan });
    }
    const support = SUPPORTS[name];
    define("enumerate_support", {
      writable: true,
      value: support
        ? function (this: Dist, ...args: unknown[]) {
            const a = args[0];
            const expand = a === undefined ? true : typeof a === "object" && a !== null ? ((a as { expand?: boolean }).expand ?? true) : Boolean(a);
            return support.call(this, expand);
          }
        : noSupport(name),
    });
    define("has_enumerate_support", {
      get:
        name === "Independent"
          ? function (this: Dist) { return (this.reinterpreted_batch_ndims as number) === 0 && Boolean((this.base_dist as { has_enumerate_support?: boolean }).has_enumerate_support); }
          : () => support !== undefined,
    });
  }
}
