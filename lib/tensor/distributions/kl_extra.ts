/**
 * The rest of PyTorch 1.13's kl.py registrations, added to kl.ts's table by index.ts: the pairs of
 * the newer classes (Gumbel, Pareto, ContinuousBernoulli with Beta, Exponential, Gamma, Normal,
 * Uniform, Laplace), the cross pairs among the older ones (Bernoulli-Poisson, Beta-Exponential /
 * Gamma / Normal / Uniform, Binomial-Binomial, Exponential-Normal, Gamma-Normal, Laplace-Normal,
 * Normal-Laplace, Uniform-Beta), the pairs torch answers with infinity (q has no mass on part of
 * p's support), and ExponentialFamily with itself by the Bregman divergence (same class only).
 * Each is torch's formula.
 */
import { NotImplementedError } from "../errors";
import { gradOf } from "../functorch/grad_core";
import { full_like } from "../ops/creation";
import { where } from "../ops/where";
import type { Tensor } from "../tensor";
import type { Binomial } from "./binomial";
import { ExponentialFamily } from "./distribution";
import type { Beta, Gamma } from "./gamma";
import type { ContinuousBernoulli } from "./more";
import type { Normal } from "./normal_categorical";
import type { Bernoulli, Exponential, Laplace, Poisson, Uniform } from "./simple";
import type { Gumbel, Pareto } from "./transformed";
import { sumRightmost } from "./util";

const EULER = 0.5772156649015329;
const inf = (t: Tensor): Tensor => full_like(t, Infinity);
/** r where cond is false, infinity where it holds (shapes broadcast). */
const infWhere = (cond: Tensor, r: Tensor): Tensor => where(cond, inf(r), r);
const xlogx = (t: Tensor): Tensor => t.mul(t.log());
type Named = Record<string, Tensor>;
type KL = (p: never, q: never) => Tensor;

/** [p class name, q class name, fn]: index.ts resolves the names to the classes. */
export const KL_EXTRA: [string, string, KL][] = [
  // ContinuousBernoulli
  ["Beta", "ContinuousBernoulli", (p: Beta, q: ContinuousBernoulli) => p.entropy().neg().sub(p.mean.mul(q.logits)).sub(q.probs.neg().log1p()).sub(q._cont_bern_log_norm())],
  ["ContinuousBernoulli", "Exponential", (p: ContinuousBernoulli, q: Exponential) => p.entropy().neg().sub(q.rate.log()).add(q.rate.mul(p.mean))],
  ["ContinuousBernoulli", "Normal", (p: ContinuousBernoulli, q: Normal) => {
    const t2 = q.loc.div(q.scale).pow(2).add(Math.log(2 * Math.PI)).mul(0.5).add(q.scale.log());
    const t3 = p.variance.add(p.mean.pow(2)).sub(q.loc.mul(2).mul(p.mean)).div(q.scale.pow(2).mul(2));
    return p.entropy().neg().add(t2).add(t3);
  }],
  ["ContinuousBernoulli", "Uniform", (p: ContinuousBernoulli, q: Uniform) => {
    const r = p.entropy().neg().add(q.high.sub(q.low).log());
    return infWhere(q.low.ge(0).logical_or(q.high.le(1)), r);
  }],
  ["Uniform", "ContinuousBernoulli", (p: Uniform, q: ContinuousBernoulli) => {
    const r = p.entropy().neg().sub(p.mean.mul(q.logits)).sub(q.probs.neg().log1p()).sub(q._cont_bern_log_norm());
    return infWhere(p.high.ge(1).logical_or(p.low.le(0)), r);
  }],
  // Gumbel
  ["Exponential", "Gumbel", (p: Exponential, q: Gumbel) => {
    const prod = p.rate.mul(q.scale);
    const ratio = q.loc.div(q.scale);
    return prod.log().sub(1).sub(ratio).add(ratio.exp().mul(prod).div(prod.add(1))).add(prod.reciprocal());
  }],
  ["Gamma", "Gumbel", (p: Gamma, q: Gumbel) => {
    const prod = p.rate.mul(q.scale);
    const ratio = q.loc.div(q.scale);
    const c = p.concentration;
    const t1 = c.sub(1).mul(c.digamma()).sub(c.lgamma()).sub(c);
    const t2 = prod.log().add(c.div(prod));
    const t3 = ratio.exp().mul(prod.reciprocal().add(1).pow(c.neg())).sub(ratio);
    return t1.add(t2).add(t3);
  }],
  ["Gumbel", "Normal", (p: Gumbel, q: Normal) => {
    const ratio = p.scale.div(q.scale);
    const t1 = ratio.div(Math.sqrt(2 * Math.PI)).log();
    const t2 = ratio.mul(Math.PI * 0.5).pow(2).div(3);
    const t3 = p.loc.add(p.scale.mul(EULER)).sub(q.loc).div(q.scale).pow(2).mul(0.5);
    return t1.neg().add(t2).add(t3).sub(EULER + 1);
  }],
  ["Normal", "Gumbel", (p: Normal, q: Gumbel) => {
    const meanRatio = p.loc.div(q.scale);
    const varRatio = p.scale.div(q.scale).pow(2);
    const locRatio = q.loc.div(q.scale);
    const t3 = meanRatio.neg().add(varRatio.mul(0.5)).add(locRatio).exp();
    return varRatio.log().mul(0.5).neg().add(meanRatio.sub(locRatio)).add(t3).sub(0.5 * (1 + Math.log(2 * Math.PI)));
  }],
  ["Uniform", "Gumbel", (p: Uniform, q: Gumbel) => {
    const common = q.scale.div(p.high.sub(p.low));
    const hi = p.high.sub(q.loc).div(q.scale);
    const lo = p.low.sub(q.loc).div(q.scale);
    const t1 = common.log().add(hi.add(lo).mul(0.5));
    const t2 = common.mul(hi.neg().exp().sub(lo.neg().exp()));
    return t1.sub(t2);
  }],
  // Pareto
  ["Pareto", "Exponential", (p: Pareto, q: Exponential) => {
    const prod = p.scale.mul(q.rate);
    const r = p.alpha.div(prod).log().sub(p.alpha.reciprocal()).add(p.alpha.mul(prod).div(p.alpha.sub(1))).sub(1);
    return infWhere(p.alpha.le(1), r);
  }],
  ["Pareto", "Gamma", (p: Pareto, q: Gamma) => {
    const common = p.scale.log().add(p.alpha.reciprocal());
    const t1 = p.alpha.log().sub(common);
    const t2 = q.concentration.lgamma().sub(q.concentration.mul(q.rate.log()));
    const t3 = q.concentration.neg().add(1).mul(common);
    const t4 = q.rate.mul(p.alpha).mul(p.scale).div(p.alpha.sub(1));
    return infWhere(p.alpha.le(1), t1.add(t2).add(t3).add(t4).sub(1));
  }],
  ["Pareto", "Normal", (p: Pareto, q: Normal) => {
    const varNormal = q.scale.pow(2).mul(2);
    const common = p.scale.div(p.alpha.sub(1));
    const t1 = q.scale.mul(p.alpha).div(p.scale).mul(Math.sqrt(2 * Math.PI)).log();
    const t2 = p.alpha.reciprocal();
    const t3 = p.alpha.mul(common.pow(2)).div(p.alpha.sub(2));
    const t4 = p.alpha.mul(common).sub(q.loc).pow(2);
    return infWhere(p.alpha.le(2), t1.sub(t2).add(t3.add(t4).div(varNormal)).sub(1));
  }],
  ["Uniform", "Pareto", (p: Uniform, q: Pareto) => {
    const width = p.high.sub(p.low);
    const t1 = q.alpha.mul(q.scale.pow(q.alpha)).mul(width).log();
    const t2 = xlogx(p.high).sub(xlogx(p.low)).sub(width).div(width);
    return infWhere(p.low.lt(q.scale), t2.mul(q.alpha.add(1)).sub(t1));
  }],
  // Older classes' cross pairs
  ["Bernoulli", "Poisson", (p: Bernoulli, q: Poisson) => p.entropy().neg().sub(p.probs.mul(q.rate.log()).sub(q.rate))],
  ["Beta", "Exponential", (p: Beta, q: Exponential) =>
    p.entropy().neg().sub(q.rate.log()).add(q.rate.mul(p.concentration1.div(p.concentration1.add(p.concentration0))))],
  ["Beta", "Gamma", (p: Beta, q: Gamma) => {
    const s = p.concentration1.add(p.concentration0);
    const t2 = q.concentration.lgamma().sub(q.concentration.mul(q.rate.log()));
    const t3 = q.concentration.sub(1).mul(p.concentration1.digamma().sub(s.digamma()));
    const t4 = q.rate.mul(p.concentration1).div(s);
    return p.entropy().neg().add(t2).sub(t3).add(t4);
  }],
  ["Beta", "Normal", (p: Beta, q: Normal) => {
    const s = p.concentration1.add(p.concentration0);
    const e = p.concentration1.div(s);
    const varNormal = q.scale.pow(2);
    const t2 = varNormal.mul(2 * Math.PI).log().mul(0.5);
    const t3 = e.mul(e.neg().add(1)).div(s.add(1)).add(e.pow(2)).mul(0.5);
    const t4 = q.loc.mul(e);
    const t5 = q.loc.pow(2).mul(0.5);
    return p.entropy().neg().add(t2).add(t3.sub(t4).add(t5).div(varNormal));
  }],
  ["Beta", "Uniform", (p: Beta, q: Uniform) => infWhere(q.low.gt(0).logical_or(q.high.lt(1)), p.entropy().neg().add(q.high.sub(q.low).log()))],
  ["Binomial", "Binomial", (p: Binomial, q: Binomial) => {
    const pn = p.total_count;
    const qn = q.total_count;
    if (Boolean(pn.lt(qn).any().item())) throw new NotImplementedError("KL between Binomials where q.total_count > p.total_count is not implemented");
    const kl = pn.mul(p.probs.mul(p.logits.sub(q.logits)).add(p.probs.neg().log1p()).sub(q.probs.neg().log1p()));
    return infWhere(pn.gt(qn), kl);
  }],
  ["Exponential", "Normal", (p: Exponential, q: Normal) => {
    const varNormal = q.scale.pow(2);
    const rate2 = p.rate.pow(2);
    const t1 = rate2.mul(varNormal).mul(2 * Math.PI).log().mul(0.5);
    return t1.sub(1).add(rate2.reciprocal().sub(q.loc.div(p.rate)).add(q.loc.pow(2).mul(0.5)).div(varNormal));
  }],
  ["Gamma", "Normal", (p: Gamma, q: Normal) => {
    const varNormal = q.scale.pow(2);
    const b2 = p.rate.pow(2);
    const c = p.concentration;
    const t1 = b2.mul(varNormal).mul(2 * Math.PI).log().mul(0.5).sub(c).sub(c.lgamma());
    const t2 = c.pow(2).add(c).mul(0.5).div(b2);
    const t3 = q.loc.mul(c).div(p.rate);
    const t4 = q.loc.pow(2).mul(0.5);
    return t1.add(c.sub(1).mul(c.digamma())).add(t2.sub(t3).add(t4).div(varNormal));
  }],
  ["Laplace", "Normal", (p: Laplace, q: Normal) => {
    const varNormal = q.scale.pow(2);
    const ratio = p.scale.pow(2).div(varNormal);
    const t1 = ratio.mul(2 / Math.PI).log().mul(0.5);
    const rest = p.loc.pow(2).mul(0.5).sub(p.loc.mul(q.loc)).add(q.loc.pow(2).mul(0.5));
    return t1.neg().add(ratio).add(rest.div(varNormal)).sub(1);
  }],
  ["Normal", "Laplace", (p: Normal, q: Laplace) => {
    const diff = p.loc.sub(q.loc);
    const ratio = p.scale.div(q.scale);
    const dr = diff.div(p.scale);
    const t2 = p.scale.mul(Math.sqrt(2 / Math.PI)).mul(dr.pow(2).mul(-0.5).exp());
    const t3 = diff.mul(dr.mul(Math.SQRT1_2).erf());
    return ratio.log().neg().add(t2.add(t3).div(q.scale)).sub(0.5 * (1 + Math.log(0.5 * Math.PI)));
  }],
  ["Uniform", "Beta", (p: Uniform, q: Beta) => {
    const common = p.high.sub(p.low);
    const t1 = common.log();
    const t2 = q.concentration1.sub(1).mul(xlogx(p.high).sub(xlogx(p.low)).sub(common)).div(common);
    const t3 = q.concentration0.sub(1).mul(xlogx(p.high.neg().add(1)).sub(xlogx(p.low.neg().add(1))).add(common)).div(common);
    const t4 = q.concentration1.lgamma().add(q.concentration0.lgamma()).sub(q.concentration1.add(q.concentration0).lgamma());
    return infWhere(p.high.gt(1).logical_or(p.low.lt(0)), t3.add(t4).sub(t1).sub(t2));
  }],
];

/** The pairs torch answers with an infinite divergence, by the p parameter whose shape the answer takes. */
const INFINITE: [string, string, string[]][] = [
  ["Beta", "concentration1", ["Pareto"]],
  ["ContinuousBernoulli", "probs", ["Pareto"]],
  ["Exponential", "rate", ["Beta", "ContinuousBernoulli", "Pareto", "Uniform"]],
  ["Gamma", "concentration", ["Beta", "ContinuousBernoulli", "Pareto", "Uniform"]],
  ["Gumbel", "loc", ["Beta", "ContinuousBernoulli", "Exponential", "Gamma", "Pareto", "Uniform"]],
  ["Laplace", "loc", ["Beta", "ContinuousBernoulli", "Exponential", "Gamma", "Pareto", "Uniform"]],
  ["Normal", "loc", ["Beta", "ContinuousBernoulli", "Exponential", "Gamma", "Pareto", "Uniform"]],
  ["Pareto", "scale", ["Beta", "ContinuousBernoulli", "Uniform"]],
  ["Poisson", "rate", ["Bernoulli", "Binomial"]],
];
for (const [P, param, qs] of INFINITE) for (const Q of qs) KL_EXTRA.push([P, Q, (p: Named) => inf(p[param])]);

/** KL of two members of the same exponential family, by the Bregman divergence of the log normalizer. */
export function klExpFamily(p: ExponentialFamily, q: ExponentialFamily): Tensor {
  if (p.constructor !== q.constructor) throw new NotImplementedError("The cross KL-divergence between different exponential families cannot be computed using Bregman divergences");
  const pn = p._natural_params.map((t) => t.detach().requires_grad_(true));
  const qn = q._natural_params;
  const lg = p._log_normalizer(...pn);
  const grads = gradOf(lg.sum(), pn, null, true);
  let result = q._log_normalizer(...qn).sub(lg);
  pn.forEach((np, i) => {
    result = result.sub(sumRightmost(qn[i].sub(np).mul(grads[i]), q.event_shape.length));
  });
  return result;
}
