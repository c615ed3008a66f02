/**
 * kl_divergence(p, q) for the pairs PyTorch 1.13 registers among this engine's distributions, with
 * its formulas (infinite where q has no mass under p's support, as PyTorch's masks give):
 * Normal, Categorical, OneHotCategorical, Bernoulli, Uniform, Exponential, Laplace, Poisson, Gamma,
 * Beta, Dirichlet, MultivariateNormal, Geometric, Cauchy, HalfNormal and LogNormal each with itself,
 * Independent with Independent (same
 * reinterpreted dims), and the cross pairs Exponential-Gamma, Gamma-Exponential, Uniform-Normal,
 * Uniform-Exponential and Uniform-Gamma. Any other pair raises NotImplementedError as PyTorch does.
 */
import { NotImplementedError, ValueError } from "../errors";
import { solve_triangular } from "../ops/linalg";
import { broadcastShapes } from "../shape";
import type { Tensor } from "../tensor";
import { Cauchy, Geometric, HalfNormal, LogNormal } from "./derived";
import { Beta, Dirichlet, Gamma } from "./gamma";
import { Independent, MultivariateNormal, OneHotCategorical, mahalanobis, type BaseDistribution } from "./multivariate";
import { Categorical, Normal } from "./normal_categorical";
import { Bernoulli, Exponential, Laplace, Poisson, Uniform } from "./simple";
import { sumRightmost } from "./util";

type Dist = BaseDistribution | Normal | Categorical | object;

/** Pairs of the distributions added later (more.ts, transformed.ts), registered by index.ts. */
export const EXTRA_RULES: [new (...a: never[]) => unknown, new (...a: never[]) => unknown, (p: never, q: never) => Tensor][] = [];

const softplus = (t: Tensor): Tensor => t.clamp_min(0).add(t.abs().neg().exp().log1p());

function klNormal(p: Normal, q: Normal): Tensor {
  const varRatio = p.scale.div(q.scale).pow(2);
  const t1 = p.loc.sub(q.loc).div(q.scale).pow(2);
  return varRatio.add(t1).sub(1).sub(varRatio.log()).mul(0.5);
}

function klCategorical(p: Categorical, q: Categorical): Tensor {
  let t = p.probs.mul(p.logits.sub(q.logits));
  t = t.masked_fill(q.probs.eq(0).expand(t.shape.slice()), Infinity);
  t = t.masked_fill(p.probs.eq(0).expand(t.shape.slice()), 0);
  return t.sum(-1);
}

function klBernoulli(p: Bernoulli, q: Bernoulli): Tensor {
  let t1 = p.probs.mul(softplus(q.logits.neg()).sub(softplus(p.logits.neg())));
  t1 = t1.masked_fill(q.probs.eq(0).expand(t1.shape.slice()), Infinity).masked_fill(p.probs.eq(0).expand(t1.shape.slice()), 0);
  let t2 = p.probs.neg().add(1).mul(softplus(q.logits).sub(softplus(p.logits)));
  t2 = t2.masked_fill(q.probs.eq(1).expand(t2.shape.slice()), Infinity).masked_fill(p.probs.eq(1).expand(t2.shape.slice()), 0);
  return t1.add(t2);
}

function klUniform(p: Uniform, q: Uniform): Tensor {
  const r = q.high.sub(q.low).div(p.high.sub(p.low)).log();
  return r.masked_fill(q.low.gt(p.low).logical_or(q.high.lt(p.high)).expand(r.shape.slice()), Infinity);
}

function klExponential(p: Exponential, q: Exponential): Tensor {
  const ratio = q.rate.div(p.rate);
  return ratio.log().neg().add(ratio).sub(1);
}

function klLaplace(p: Laplace, q: Laplace): Tensor {
  const scaleRatio = p.scale.div(q.scale);
  const locAbsDiff = p.loc.sub(q.loc).abs();
  return scaleRatio.log().neg().add(locAbsDiff.div(q.scale)).add(scaleRatio.mul(locAbsDiff.neg().div(p.scale).exp())).sub(1);
}

const klPoisson = (p: Poisson, q: Poisson): Tensor => p.rate.mul(p.rate.log().sub(q.rate.log())).sub(p.rate.sub(q.rate));

function klGamma(p: Gamma, q: Gamma): Tensor {
  const t1 = q.concentration.mul(p.rate.div(q.rate).log());
  const t2 = q.concentration.lgamma().sub(p.concentration.lgamma());
  const t3 = p.concentration.sub(q.concentration).mul(p.concentration.digamma());
  const t4 = q.rate.sub(p.rate).mul(p.concentration.div(p.rate));
  return t1.add(t2).add(t3).add(t4);
}

function klBeta(p: Beta, q: Beta): Tensor {
  const sp = p.concentration1.add(p.concentration0);
  const sq = q.concentration1.add(q.concentration0);
  const t1 = q.concentration1.lgamma().add(q.concentration0.lgamma()).add(sp.lgamma());
  const t2 = p.concentration1.lgamma().add(p.concentration0.lgamma()).add(sq.lgamma());
  const t3 = p.concentration1.sub(q.concentration1).mul(p.concentration1.digamma());
  const t4 = p.concentration0.sub(q.concentration0).mul(p.concentration0.digamma());
  const t5 = sq.sub(sp).mul(sp.digamma());
  return t1.sub(t2).add(t3).add(t4).add(t5);
}

function klDirichlet(p: Dirichlet, q: Dirichlet): Tensor {
  const sp = p.concentration.sum(-1);
  const sq = q.concentration.sum(-1);
  const t1 = sp.lgamma().sub(sq.lgamma());
  const t2 = p.concentration.lgamma().sub(q.concentration.lgamma()).sum(-1);
  const t3 = p.concentration.sub(q.concentration);
  const t4 = p.concentration.digamma().sub(sp.digamma().unsqueeze(-1));
  return t1.sub(t2).add(t3.mul(t4).sum(-1));
}

function klMultivariateNormal(p: MultivariateNormal, q: MultivariateNormal): Tensor {
  if (p.event_shape[0] !== q.event_shape[0]) {
    throw new ValueError("KL-divergence between two Multivariate Normals with different event shapes cannot be computed");
  }
  const n = p.event_shape[0];
  const logDiag = (L: Tensor) => L.diagonal(0, -2, -1).log().sum(-1);
  const halfTerm1 = logDiag(q.scale_tril).sub(logDiag(p.scale_tril));
  const batch = broadcastShapes(q.scale_tril.shape.slice(0, -2), p.scale_tril.shape.slice(0, -2), "kl_divergence");
  const qL = q.scale_tril.expand([...batch, n, n]);
  const pL = p.scale_tril.expand([...batch, n, n]);
  const term2 = solve_triangular(qL, pL, { upper: false }).pow(2).sum([-2, -1]);
  const term3 = mahalanobis(q.scale_tril, q.loc.sub(p.loc));
  return halfTerm1.add(term2.add(term3).sub(n).mul(0.5));
}

const klGeometric = (p: Geometric, q: Geometric): Tensor => p.entropy().neg().sub(q.probs.neg().log1p().div(p.probs)).sub(q.logits);

function klCauchy(p: Cauchy, q: Cauchy): Tensor {
  const t1 = p.scale.add(q.scale).pow(2).add(p.loc.sub(q.loc).pow(2)).log();
  return t1.sub(p.scale.mul(q.scale).mul(4).log());
}

// Cross pairs (PyTorch 1.13's kl.py).
function klExponentialGamma(p: Exponential, q: Gamma): Tensor {
  const ratio = q.rate.div(p.rate);
  const t1 = q.concentration.mul(ratio.log()).neg();
  return t1.add(ratio).add(q.concentration.lgamma()).add(q.concentration.mul(0.5772156649015329)).sub(1 + 0.5772156649015329);
}

function klGammaExponential(p: Gamma, q: Exponential): Tensor {
  return p.entropy().neg().sub(q.rate.log()).add(q.rate.mul(p.mean));
}

function klUniformNormal(p: Uniform, q: Normal): Tensor {
  const common = p.high.sub(p.low);
  const t1 = q.scale.mul(Math.sqrt(Math.PI * 2)).div(common).log();
  const t2 = common.pow(2).div(12);
  const t3 = p.high.add(p.low).sub(q.loc.mul(2)).div(2).pow(2);
  return t1.add(t2.add(t3).mul(0.5).div(q.scale.pow(2)));
}

function klUniformExponential(p: Uniform, q: Exponential): Tensor {
  const r = q.rate.mul(p.high.add(p.low)).div(2).sub(p.high.sub(p.low).mul(q.rate).log());
  return r.masked_fill(p.low.lt(0).expand(r.shape.slice()), Infinity);
}

function klUniformGamma(p: Uniform, q: Gamma): Tensor {
  const common = p.high.sub(p.low);
  const t1 = common.log().neg();
  const t2 = q.concentration.mul(q.rate.log());
  const t3 = q.concentration.lgamma();
  const t4 = q.concentration.sub(1).mul(
    p.high.mul(p.high.log().sub(1)).sub(p.low.mul(p.low.log().sub(1))).div(common),
  );
  const t5 = q.rate.mul(p.high.add(p.low)).div(2);
  const r = t1.sub(t2).add(t3).sub(t4).add(t5);
  return r.masked_fill(p.low.lt(0).expand(r.shape.slice()), Infinity);
}

function klIndependent(p: Independent, q: Independent): Tensor {
  if (p.reinterpreted_batch_ndims !== q.reinterpreted_batch_ndims) throw new NotImplementedError("");
  return sumRightmost(kl_divergence(p.base_dist as Dist, q.base_dist as Dist), p.reinterpreted_batch_ndims);
}

type Rule = [new (...a: never[]) => unknown, new (...a: never[]) => unknown, (p: never, q: never) => Tensor];
const RULES: Rule[] = [
  [Normal, Normal, klNormal], [Categorical, Categorical, klCategorical], [Bernoulli, Bernoulli, klBernoulli], [Uniform, Uniform, klUniform],
  [Exponential, Exponential, klExponential], [Laplace, Laplace, klLaplace], [Poisson, Poisson, klPoisson], [Gamma, Gamma, klGamma],
  [Beta, Beta, klBeta], [Dirichlet, Dirichlet, klDirichlet], [MultivariateNormal, MultivariateNormal, klMultivariateNormal],
  [OneHotCategorical, OneHotCategorical, (p: OneHotCategorical, q: OneHotCategorical) => klCategorical(p.categorical, q.categorical)],
  [Independent, Independent, klIndependent], [Exponential, Gamma, klExponentialGamma], [Gamma, Exponential, klGammaExponential],
  [Geometric, Geometric, klGeometric], [Cauchy, Cauchy, klCauchy],
  // HalfNormal and LogNormal: the KL of their base Normals (the transform is the same on both sides)
  [HalfNormal, HalfNormal, (p: HalfNormal, q: HalfNormal) => klNormal(p.base_dist, q.base_dist)],
  [LogNormal, LogNormal, (p: LogNormal, q: LogNormal) => klNormal(p.base_dist, q.base_dist)],
  [Uniform, Normal, klUniformNormal], [Uniform, Exponential, klUniformExponential], [Uniform, Gamma, klUniformGamma],
];

const typeName = (d: unknown): string => (d && typeof d === "object" ? d.constructor.name : typeof d);

/** Rules added by register_kl, most recent first (checked before the built-in ones). */
const USER_RULES: Rule[] = [];

/**
 * register_kl(P, Q)(fn): fn(p, q) becomes kl_divergence for p an instance of P and q of Q (PyTorch's
 * decorator). An exact class match wins over a subclass match, as PyTorch's most-specific dispatch.
 */
export function register_kl(type_p: new (...a: never[]) => unknown, type_q: new (...a: never[]) => unknown): <F extends (p: never, q: never) => Tensor>(fn: F) => F {
  if (typeof type_p !== "function" || typeof type_q !== "function") throw new TypeError("Expected type_p and type_q to be Distribution subclasses");
  return (fn) => {
    USER_RULES.unshift([type_p, type_q, fn]);
    return fn;
  };
}

/** KL(p || q). */
export function kl_divergence(p: Dist, q: Dist): Tensor {
  const all = [...USER_RULES, ...RULES, ...EXTRA_RULES];
  const exact = all.find(([P, Q]) => (p as object).constructor === P && (q as object).constructor === Q);
  if (exact) return (exact[2] as (p: Dist, q: Dist) => Tensor)(p, q);
  for (const [P, Q, fn] of all) {
    if (p instanceof P && q instanceof Q) return (fn as (p: Dist, q: Dist) => Tensor)(p, q);
  }
  throw new NotImplementedError(`No KL(p || q) is implemented for p type ${typeName(p)} and q type ${typeName(q)}`);
}
