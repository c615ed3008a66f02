/**
 * torch.distributions: Normal, Categorical (normal_categorical.ts); Bernoulli, Uniform, Exponential,
 * Laplace, Poisson (simple.ts); Gamma, Beta, Dirichlet, Chi2, StudentT (gamma.ts: PyTorch's rejection sampler);
 * OneHotCategorical, MultivariateNormal, Independent (multivariate.ts); LogNormal, HalfNormal, Cauchy,
 * Geometric (derived.ts); Binomial, Multinomial (binomial.ts, with ATen's binomial sampler);
 * kl_divergence and register_kl (kl.ts); the Distribution and ExponentialFamily base classes
 * (distribution.ts); constraints (constraints.ts); transforms (transforms.ts);
 * TransformedDistribution, Gumbel, HalfCauchy, Pareto, Weibull, Kumaraswamy, RelaxedBernoulli,
 * RelaxedOneHotCategorical (transformed.ts); MixtureSameFamily, VonMises, NegativeBinomial,
 * ContinuousBernoulli, FisherSnedecor, LowRankMultivariateNormal (more.ts); biject_to / transform_to
 * (constraint_registry.ts).
 */
import { Binomial, Multinomial, binomial } from "./binomial";
import { CategoricalBacked, LocScale } from "./base";
import { biject_to, transform_to } from "./constraint_registry";
import { constraints } from "./constraints";
import { Cauchy, Geometric, HalfNormal, LogNormal } from "./derived";
import { Distribution, ExponentialFamily } from "./distribution";
import { Beta, Chi2, Dirichlet, Gamma, StudentT } from "./gamma";
import { EXTRA_RULES, kl_divergence, register_kl } from "./kl";
import { KL_EXTRA, klExpFamily } from "./kl_extra";
import {
  ContinuousBernoulli, FisherSnedecor, LKJCholesky, LowRankMultivariateNormal, MixtureSameFamily, NegativeBinomial, OneHotCategoricalStraightThrough, VonMises, Wishart,
} from "./more";
import { Independent, MultivariateNormal, OneHotCategorical } from "./multivariate";
import { Categorical, Normal } from "./normal_categorical";
import { Bernoulli, Exponential, Laplace, Poisson, Uniform } from "./simple";
import {
  ExpRelaxedCategorical, Gumbel, HalfCauchy, Kumaraswamy, LogisticNormal, LogitRelaxedBernoulli, Pareto, RelaxedBernoulli, RelaxedOneHotCategorical, TransformedDistribution, Weibull,
} from "./transformed";
import { AbsTransform, ExpTransform, transforms, tril_matrix_to_vec, vec_to_tril_matrix } from "./transforms";
import { utils as utilFns } from "./util";
import { solve_triangular } from "../ops/linalg";
import { broadcastShapes } from "../shape";
import { TypeError_, ValueError } from "../errors";
import { isOptions } from "../args";
import { Tensor } from "../tensor";
import { NotImplementedError } from "../errors";

// The older classes join the Distribution hierarchy: instanceof Distribution (and ExponentialFamily
// for PyTorch's exponential families) holds, and they inherit what they do not define (perplexity,
// sample_n, _extended_shape, ...). Their own members are unchanged.
// The constructors chain too, so the static set_default_validate_args is inherited (Normal.set_default_validate_args(false)).
for (const C of [Normal, Bernoulli, Exponential, Poisson, Gamma, Beta, Dirichlet]) {
  Object.setPrototypeOf(C.prototype, ExponentialFamily.prototype);
  Object.setPrototypeOf(C, ExponentialFamily);
}
for (const C of [Categorical, Uniform, LocScale, CategoricalBacked, MultivariateNormal, Independent, Geometric, StudentT, Binomial]) {
  Object.setPrototypeOf(C.prototype, Distribution.prototype);
  Object.setPrototypeOf(C, Distribution);
}
// LogNormal and HalfNormal are TransformedDistributions in PyTorch (exp and |.| of a Normal): their
// own members stay; transforms is given, so TransformedDistribution's rules (KL, support) see them as torch does.
for (const [C, make] of [[LogNormal, () => new ExpTransform()], [HalfNormal, () => new AbsTransform()]] as const) {
  Object.setPrototypeOf(C.prototype, TransformedDistribution.prototype);
  Object.setPrototypeOf(C, TransformedDistribution);
  const t = make();
  Object.defineProperty(C.prototype, "transforms", { configurable: true, enumerable: false, get: () => [t] });
}

// PyTorch's support and arg_constraints of the older classes (written before constraints.ts), as getters on their prototypes.
type Getter = (this: Record<string, unknown>) => unknown;
const K = (d: Record<string, unknown>) => (d.probs as Tensor).shape[(d.probs as Tensor).dim() - 1];
const SUPPORTS: [abstract new (...a: never[]) => unknown, Getter][] = [
  [Normal, () => constraints.real], [Categorical, function () { return constraints.integer_interval(0, K(this) - 1); }], [Bernoulli, () => constraints.boolean],
  [Uniform, function () { return constraints.interval(this.low as Tensor, this.high as Tensor); }], [Exponential, () => constraints.nonnegative], [Laplace, () => constraints.real],
  [Poisson, () => constraints.nonnegative_integer], [Gamma, () => constraints.nonnegative], [Beta, () => constraints.unit_interval], [Dirichlet, () => constraints.simplex],
  [OneHotCategorical, () => constraints.one_hot], [MultivariateNormal, () => constraints.real_vector],
  [Independent, function () {
    const base = (this.base_dist as { support?: import("./constraints").Constraint }).support;
    return base ? constraints.independent(base, this.reinterpreted_batch_ndims as number) : undefined;
  }],
  [LogNormal, () => constraints.positive], [HalfNormal, () => constraints.nonnegative], [Cauchy, () => constraints.real], [Geometric, () => constraints.nonnegative_integer],
  [StudentT, () => constraints.real], [Binomial, function () { return constraints.integer_interval(0, this.total_count as Tensor | number); }],
  [Multinomial, function () { return constraints.multinomial(this.total_count as number); }],
];
const { real, positive, unit_interval, simplex, independent, real_vector, nonnegative, nonnegative_integer, dependent, positive_definite, lower_cholesky } = constraints;
const ARGS: [abstract new (...a: never[]) => unknown, Record<string, unknown>][] = [
  [Normal, { loc: real, scale: positive }], [Categorical, { probs: simplex, logits: independent(real, 1) }], [Bernoulli, { probs: unit_interval, logits: real }],
  [Uniform, { low: dependent.call({ is_discrete: false, event_dim: 0 }), high: dependent.call({ is_discrete: false, event_dim: 0 }) }], [Exponential, { rate: positive }],
  [Laplace, { loc: real, scale: positive }], [Poisson, { rate: nonnegative }], [Gamma, { concentration: positive, rate: positive }],
  [Beta, { concentration1: positive, concentration0: positive }], [Dirichlet, { concentration: independent(positive, 1) }], [OneHotCategorical, { probs: simplex, logits: real_vector }],
  [MultivariateNormal, { loc: real_vector, covariance_matrix: positive_definite, precision_matrix: positive_definite, scale_tril: lower_cholesky }], [Independent, {}],
  [LogNormal, { loc: real, scale: positive }], [HalfNormal, { scale: positive }], [Cauchy, { loc: real, scale: positive }], [Geometric, { probs: unit_interval, logits: real }],
  [Chi2, { df: positive }], [StudentT, { df: positive, loc: real, scale: positive }], [Binomial, { total_count: nonnegative_integer, probs: unit_interval, logits: real }],
  [Multinomial, { probs: simplex, logits: independent(real, 1) }],
];
const defineGetter = (C: abstract new (...a: never[]) => unknown, k: string, get: Getter) => {
  if (!Object.prototype.hasOwnProperty.call(C.prototype, k)) Object.defineProperty(C.prototype, k, { configurable: true, enumerable: false, get });
};
for (const [C, get] of SUPPORTS) defineGetter(C, "support", get);
for (const [C, args] of ARGS) defineGetter(C, "arg_constraints", () => args);

/**
 * KL of two Gaussians given their scale_tril (lower Cholesky factors of the covariances): the
 * formula PyTorch's three (Low Rank) MultivariateNormal pairs compute by their own factorisations.
 */
function klGaussian(pLoc: Tensor, pL: Tensor, qLoc: Tensor, qL: Tensor, n: number): Tensor {
  const logdet = (L: Tensor) => L.diagonal(0, -2, -1).log().sum(-1);
  const batch = broadcastShapes(broadcastShapes(pL.shape.slice(0, -2), qL.shape.slice(0, -2)), broadcastShapes(pLoc.shape.slice(0, -1), qLoc.shape.slice(0, -1)));
  const q = qL.expand([...batch, n, n]);
  const tr = solve_triangular(q, pL.expand([...batch, n, n]), { upper: false }).pow(2).sum([-2, -1]);
  const diff = qLoc.sub(pLoc).expand([...batch, n]).unsqueeze(-1);
  const maha = solve_triangular(q, diff, { upper: false }).pow(2).sum([-2, -1]);
  return logdet(q).sub(logdet(pL)).mul(2).add(tr).add(maha).sub(n).mul(0.5);
}
type Gaussian = { loc: Tensor; scale_tril: Tensor; event_shape: number[] };
const klGaussians = (p: Gaussian, q: Gaussian): Tensor => {
  if (p.event_shape[0] !== q.event_shape[0]) throw new ValueError("KL-divergence between two (Low Rank) Multivariate Normals with different event shapes cannot be computed");
  return klGaussian(p.loc, p.scale_tril, q.loc, q.scale_tril, p.event_shape[0]);
};

/** torch.distributions.utils: broadcast_all, logits_to_probs, probs_to_logits, clamp_probs, tril_matrix_to_vec, vec_to_tril_matrix. */
const utils = { ...utilFns, tril_matrix_to_vec, vec_to_tril_matrix };

const EULER = 0.5772156649015329;
EXTRA_RULES.push(
  [LowRankMultivariateNormal, LowRankMultivariateNormal, klGaussians],
  [LowRankMultivariateNormal, MultivariateNormal, klGaussians],
  [MultivariateNormal, LowRankMultivariateNormal, klGaussians],
  [Gumbel, Gumbel, (p: Gumbel, q: Gumbel): Tensor => {
    const ct1 = p.scale.div(q.scale);
    const ct2 = q.loc.div(q.scale);
    const ct3 = p.loc.div(q.scale);
    const t1 = ct1.log().neg().sub(ct2).add(ct3);
    const t3 = ct2.add(ct1.add(1).lgamma()).sub(ct3).exp();
    return t1.add(ct1.mul(EULER)).add(t3).sub(1 + EULER);
  }],
  [Pareto, Pareto, (p: Pareto, q: Pareto): Tensor => {
    const alphaRatio = q.alpha.div(p.alpha);
    const r = q.alpha.mul(p.scale.div(q.scale).log()).sub(alphaRatio.log()).add(alphaRatio).sub(1);
    return r.masked_fill(p.scale.lt(q.scale).expand(r.shape.slice()), Infinity);
  }],
  [ContinuousBernoulli, ContinuousBernoulli, (p: ContinuousBernoulli, q: ContinuousBernoulli): Tensor => {
    const t1 = p.mean.mul(p.logits.sub(q.logits));
    const t2 = p._cont_bern_log_norm().add(p.probs.neg().log1p());
    const t3 = q._cont_bern_log_norm().neg().sub(q.probs.neg().log1p());
    return t1.add(t2).add(t3);
  }],
  [TransformedDistribution, TransformedDistribution, (p: TransformedDistribution, q: TransformedDistribution): Tensor => {
    const same = p.transforms.length === q.transforms.length && p.transforms.every((t, i) => t.equals(q.transforms[i]));
    if (!same || p.event_shape.join() !== q.event_shape.join()) throw new NotImplementedError("");
    return kl_divergence(p.base_dist, q.base_dist);
  }],
);

const BY_NAME: Record<string, new (...a: never[]) => unknown> = {
  Bernoulli, Beta, Binomial, ContinuousBernoulli, Exponential, Gamma, Gumbel, Laplace, Normal, Pareto, Poisson, Uniform,
};
for (const [P, Q, fn] of KL_EXTRA) EXTRA_RULES.push([BY_NAME[P], BY_NAME[Q], fn]);
// Last: any other pair of one exponential family (Bregman divergence), as torch's ExponentialFamily rule.
EXTRA_RULES.push([ExponentialFamily as never, ExponentialFamily as never, klExpFamily as never]);

export {
  Beta, Bernoulli, Binomial, Multinomial, binomial, Cauchy, Chi2, StudentT, Geometric, HalfNormal, LogNormal, Categorical, Dirichlet, Exponential, Gamma, Independent, Laplace,
  MultivariateNormal, Normal, OneHotCategorical, Poisson, Uniform, kl_divergence, register_kl, Distribution, ExponentialFamily, TransformedDistribution, Gumbel, HalfCauchy,
  Pareto, Weibull, Kumaraswamy, LogitRelaxedBernoulli, RelaxedBernoulli, ExpRelaxedCategorical, RelaxedOneHotCategorical, MixtureSameFamily, VonMises, NegativeBinomial,
  ContinuousBernoulli, FisherSnedecor, LowRankMultivariateNormal, LogisticNormal, OneHotCategoricalStraightThrough, LKJCholesky, Wishart, constraints, transforms, biject_to, transform_to, utils,
};

/** PyTorch's submodules (torch.distributions.normal.Normal, ...relaxed_categorical.RelaxedOneHotCategorical, ...), the same classes. */
const modules = {
  bernoulli: { Bernoulli }, beta: { Beta }, binomial: { Binomial }, categorical: { Categorical }, cauchy: { Cauchy }, chi2: { Chi2 },
  constraint_registry: { biject_to, transform_to }, continuous_bernoulli: { ContinuousBernoulli }, dirichlet: { Dirichlet }, distribution: { Distribution },
  exp_family: { ExponentialFamily }, exponential: { Exponential }, fishersnedecor: { FisherSnedecor }, gamma: { Gamma }, geometric: { Geometric },
  gumbel: { Gumbel }, half_cauchy: { HalfCauchy }, half_normal: { HalfNormal }, independent: { Independent }, kumaraswamy: { Kumaraswamy },
  laplace: { Laplace }, lkj_cholesky: { LKJCholesky }, log_normal: { LogNormal }, logistic_normal: { LogisticNormal },
  lowrank_multivariate_normal: { LowRankMultivariateNormal }, mixture_same_family: { MixtureSameFamily }, multinomial: { Multinomial },
  multivariate_normal: { MultivariateNormal }, negative_binomial: { NegativeBinomial }, normal: { Normal },
  one_hot_categorical: { OneHotCategorical, OneHotCategoricalStraightThrough }, pareto: { Pareto }, poisson: { Poisson },
  relaxed_bernoulli: { LogitRelaxedBernoulli, RelaxedBernoulli }, relaxed_categorical: { ExpRelaxedCategorical, RelaxedOneHotCategorical },
  studentT: { StudentT }, transformed_distribution: { TransformedDistribution }, uniform: { Uniform }, von_mises: { VonMises }, weibull: { Weibull },
  wishart: { Wishart },
};

export const distributions = {
  Normal, Categorical, Bernoulli, Uniform, Exponential, Laplace, Poisson, Gamma, Beta, Dirichlet, OneHotCategorical, MultivariateNormal, Independent,
  LogNormal, HalfNormal, Cauchy, Geometric, Chi2, StudentT, Binomial, Multinomial,
  Distribution, ExponentialFamily, TransformedDistribution, Gumbel, HalfCauchy, Pareto, Weibull, Kumaraswamy, LogitRelaxedBernoulli, RelaxedBernoulli,
  ExpRelaxedCategorical, RelaxedOneHotCategorical, MixtureSameFamily, VonMises, NegativeBinomial, ContinuousBernoulli, FisherSnedecor, LowRankMultivariateNormal,
  LogisticNormal, OneHotCategoricalStraightThrough, LKJCholesky, Wishart, utils, kl_divergence, register_kl, kl: { kl_divergence, register_kl },
  constraints, transforms, biject_to, transform_to,
  // The transforms are also torch.distributions.* names in PyTorch (from .transforms import *).
  ...transforms,
  ...modules,
};

/**
 * Python's keyword forms of the samplers, as a trailing options object: d.sample({ sample_shape: [2, 3] }) is
 * d.sample(sample_shape=(2, 3)) (the UvA flows notebook's prior.sample(sample_shape=z.shape)), likewise rsample and
 * sample_n({ n }). Each own method of a distribution class (and of its bases) is wrapped once; another key raises
 * Python's TypeError naming the class that defines the method ("Normal.sample() got an unexpected keyword argument 'x'").
 */
function installSamplerKeywords(): void {
  const seen = new Set<object>();
  const owners: { name: string; prototype: object }[] = [];
  for (const v of Object.values(distributions)) {
    if (typeof v !== "function" || !(v.prototype instanceof Distribution || v === Distribution)) continue;
    for (let C: unknown = v; typeof C === "function" && C !== Function.prototype; C = Object.getPrototypeOf(C)) {
      const ctor = C as { name: string; prototype: object };
      if (seen.has(ctor.prototype)) continue;
      seen.add(ctor.prototype);
      owners.push(ctor);
    }
  }
  for (const C of owners) {
    for (const [method, keyword] of [["sample", "sample_shape"], ["rsample", "sample_shape"], ["sample_n", "n"]] as const) {
      const d = Object.getOwnPropertyDescriptor(C.prototype, method);
      if (!d || typeof d.value !== "function") continue;
      const fn = d.value as (...a: unknown[]) => unknown;
      const name = `${C.name}.${method}()`;
      const wrapped = function (this: unknown, ...args: unknown[]): unknown {
        const last = args[args.length - 1];
        if (!isOptions(last)) {
          if (keyword === "sample_shape") checkSampleShape(this, method, args[0]);
          return fn.apply(this, args);
        }
        const unknown = Object.keys(last).find((k) => k !== keyword);
        if (unknown !== undefined) throw new TypeError_(`${name} got an unexpected keyword argument '${unknown}'`);
        const positional = args.slice(0, -1);
        if (last[keyword] === undefined) return fn.apply(this, positional);
        if (positional.length > 0) throw new TypeError_(`${name} got multiple values for argument '${keyword}'`);
        if (keyword === "sample_shape") checkSampleShape(this, method, last[keyword]);
        return fn.call(this, last[keyword]);
      };
      Object.defineProperty(wrapped, "name", { value: method });
      Object.defineProperty(C.prototype, method, { ...d, value: wrapped });
    }
  }
}

/**
 * A number given as sample_shape (prior.sample(128) for prior.sample((128,))) raises torch 1.13's TypeError:
 * torch.Size(128) refuses it ("'int' object is not iterable"), and MixtureSameFamily.sample takes len() first.
 * rsample of a class without one keeps Distribution's NotImplementedError.
 */
function checkSampleShape(self: unknown, method: string, shape: unknown): void {
  if (typeof shape !== "number" && typeof shape !== "boolean") return;
  if (method === "rsample" && !(self as Distribution).has_rsample) return;
  const kind = typeof shape === "boolean" ? "bool" : Number.isInteger(shape) ? "int" : "float";
  if (method === "sample" && self instanceof MixtureSameFamily) throw new TypeError_(`object of type '${kind}' has no len()`);
  throw new TypeError_(`'${kind}' object is not iterable`);
}
installSamplerKeywords();
