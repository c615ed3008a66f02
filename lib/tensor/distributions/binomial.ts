/**
 * Binomial and Multinomial, PyTorch 1.13's formulas and sampling. torch.binomial is ATen's
 * sampler, reproduced step for step so seeded draws are PyTorch's: for n·min(p, 1-p) >= 10
 * Hörmann's BTRS transformed rejection (two 53-bit uniforms per try, Stirling-tail bound), below
 * it inversion by summing geometric waiting times; p > 1/2 samples n - Binomial(n, 1 - p).
 * Multinomial.sample draws total_count categories per row (Categorical.sample) and counts them.
 */
import { parseArgs, type PyArgs } from "../args";
import { no_grad } from "../autograd/grad_mode";
import { NotImplementedError, RuntimeError, TypeError_ } from "../errors";
import { arange } from "../ops/creation";
import { lgammaScalar } from "../ops/special_gamma";
import { contiguousData, empty } from "../ops/util";
import { default_generator, type Generator } from "../random";
import { Tensor } from "../tensor";
import { CategoricalBacked } from "./base";
import { binaryLogits, broadcastAll, checkParam, checkSupport, extendedShape, fmtParam, lazyProbsLogits, nonNegative, outsideUnit, ownParam, probsOrLogits, type Param, type Validate, validates } from "./util";

/** log(k!) minus its Stirling approximation (k + 1/2) log(k + 1) - (k + 1) + log(2π)/2: exact below 10, series beyond. */
function stirlingTail(k: number): number {
  if (k <= 9) return lgammaScalar(k + 1) - ((k + 0.5) * Math.log(k + 1) - (k + 1) + 0.5 * Math.log(2 * Math.PI));
  const kp1sq = (k + 1) * (k + 1);
  return (1 / 12 - (1 / 360 - 1 / 1260 / kp1sq) / kp1sq) / (k + 1);
}

function binomialBtrs(count: number, prob: number, u: () => number): number {
  const stddev = Math.sqrt(count * prob * (1 - prob));
  const b = 1.15 + 2.53 * stddev;
  const a = -0.0873 + 0.0248 * b + 0.01 * prob;
  const c = count * prob + 0.5;
  const vr = 0.92 - 4.2 / b;
  const r = prob / (1 - prob);
  const alpha = (2.83 + 5.1 / b) * stddev;
  const m = Math.floor((count + 1) * prob);
  for (;;) {
    const U = u() - 0.5;
    let V = u();
    const us = 0.5 - Math.abs(U);
    const k = Math.floor(((2 * a) / us + b) * U + c);
    if (k < 0 || k > count) continue;
    if (us >= 0.07 && V <= vr) return k;
    V = Math.log((V * alpha) / (a / (us * us) + b));
    const upper =
      (m + 0.5) * Math.log((m + 1) / (r * (count - m + 1))) +
      (count + 1) * Math.log((count - m + 1) / (count - k + 1)) +
      (k + 0.5) * Math.log((r * (count - k + 1)) / (k + 1)) +
      stirlingTail(m) + stirlingTail(count - m) - stirlingTail(k) - stirlingTail(count - k);
    if (V <= upper) return k;
  }
}

function binomialInversion(count: number, prob: number, u: () => number): number {
  let geomSum = 0;
  let num = 0;
  const logprob = Math.log1p(-prob);
  for (;;) {
    geomSum += Math.ceil(Math.log(u()) / logprob);
    if (geomSum > count) return num;
    num += 1;
  }
}

/** One Binomial(count, prob) draw, ATen's sample_binomial. */
export function sampleBinomial(count: number, prob: number, u: () => number): number {
  if (count <= 0 || prob <= 0) return 0;
  if (prob >= 1) return count;
  if (prob <= 0.5) return count * prob >= 10 ? binomialBtrs(count, prob, u) : binomialInversion(count, prob, u);
  if (prob > 0.5) {
    const q = 1 - prob;
    return count - (count * q >= 10 ? binomialBtrs(count, q, u) : binomialInversion(count, q, u));
  }
  return NaN;
}

/** torch.binomial(count, prob): elementwise draws, count and prob of one shape and float dtype. */
export function binomial(count: Tensor, prob: Tensor, ...args: PyArgs<[], { generator?: Generator }>): Tensor {
  const gen = parseArgs<{ generator?: Generator }>("binomial", ["generator"], args).generator ?? default_generator;
  if (!(count instanceof Tensor) || !(prob instanceof Tensor)) throw new TypeError_("binomial(): count and prob must be tensors");
  if (!count.dtype.is_floating_point || count.dtype !== prob.dtype) throw new RuntimeError(`binomial(): count and prob must be float tensors of one dtype (got ${count.dtype} and ${prob.dtype})`);
  const shape = count.shape;
  if (prob.shape.length !== shape.length || prob.shape.some((s, i) => s !== shape[i])) throw new RuntimeError("binomial(): count and prob must have the same shape");
  const c = contiguousData(count);
  const p = contiguousData(prob);
  const out = empty(shape, count.dtype);
  const u = (): number => gen.uniform53();
  for (let i = 0; i < c.length; i++) out._data[i] = sampleBinomial(c[i], p[i], u);
  return out;
}

const clampByZero = (x: Tensor): Tensor => x.clamp_min(0).add(x).sub(x.clamp_max(0)).div(2);

export class Binomial {
  readonly total_count: Tensor;
  /** Lazy, the one not given (lazyProbsLogits below). */
  declare readonly probs: Tensor;
  declare readonly logits: Tensor;
  readonly batch_shape: number[];
  readonly event_shape: number[] = [];
  readonly has_rsample = false;
  private readonly fromProbs: boolean;

  /** new Binomial(total_count, probs) or new Binomial(total_count, { logits }). */
  constructor(...args: PyArgs<[total_count?: Param, probs?: Param | null, logits?: Param | null, validate_args?: boolean | null], { total_count?: Param; probs?: Param | null; logits?: Param | null } & Validate>) {
    const o = parseArgs<{ total_count?: Param; probs?: Param | null; logits?: Param | null } & Validate>("Binomial", ["total_count", "probs", "logits", "validate_args"], args);
    const { probs, logits } = probsOrLogits(o);
    this.fromProbs = probs !== null;
    const [n, param] = broadcastAll(o.total_count ?? 1, (probs ?? logits)!);
    this.total_count = n.to(param.dtype);
    ownParam(this, probs !== null ? "probs" : "logits", param);
    this.batch_shape = param.shape.slice();
    if (validates(o.validate_args)) {
      checkParam("total_count", this.total_count, (t) => t.lt(0).logical_or(t.ne(t.floor())), "IntegerGreaterThan(lower_bound=0)", () => this.toString());
      if (probs !== null) checkParam("probs", param, outsideUnit, "Interval(lower_bound=0.0, upper_bound=1.0)", () => this.toString());
    }
  }

  get mean(): Tensor {
    return this.total_count.mul(this.probs);
  }
  get variance(): Tensor {
    return this.total_count.mul(this.probs).mul(this.probs.neg().add(1));
  }
  get stddev(): Tensor {
    return this.variance.sqrt();
  }

  sample(sample_shape: readonly number[] = []): Tensor {
    const shape = extendedShape(sample_shape, this.batch_shape);
    return no_grad(() => binomial(this.total_count.expand(shape).contiguous(), this.probs.expand(shape).contiguous()));
  }

  log_prob(value: Tensor): Tensor {
    checkSupport(value, (v) => v.lt(0).logical_or(v.gt(this.total_count)).logical_or(v.ne(v.floor())), `IntegerInterval(lower_bound=0, upper_bound=${fmtParam(this.total_count)})`, this.toString());
    const n = this.total_count;
    const logFactN = n.add(1).lgamma();
    const logFactK = value.add(1).lgamma();
    const logFactNmk = n.sub(value).add(1).lgamma();
    const normalize = n.mul(clampByZero(this.logits)).add(n.mul(this.logits.abs().neg().exp().log1p())).sub(logFactN);
    return value.mul(this.logits).sub(logFactK).sub(logFactNmk).sub(normalize);
  }

  /** -Σ_k p(k) log p(k) over 0..n (PyTorch enumerates the support; n must be one number for all). */
  entropy(): Tensor {
    const n = no_grad(() => this.total_count.max().item());
    if (no_grad(() => this.total_count.min().item()) !== n) throw new NotImplementedError("Inhomogeneous total count not supported by `enumerate_support`.");
    const values = arange(n + 1).to(this.probs.dtype).reshape([n + 1, ...this.batch_shape.map(() => 1)]);
    const lp = this.log_prob(values.expand([n + 1, ...this.batch_shape]));
    return lp.exp().mul(lp).sum(0).neg();
  }

  toString(): string {
    return `Binomial(total_count: ${fmtParam(this.total_count)}, ${this.fromProbs ? `probs: ${fmtParam(this.probs)}` : `logits: ${fmtParam(this.logits)}`})`;
  }
}

lazyProbsLogits(Binomial.prototype, (d) => d.logits.sigmoid(), (d) => binaryLogits(d.probs));

export class Multinomial extends CategoricalBacked {
  readonly total_count: number;

  /** new Multinomial(total_count, probs) or (total_count, { logits }); total_count one integer, as PyTorch. */
  constructor(...args: PyArgs<[total_count?: number, probs?: Tensor | null, logits?: Tensor | null, validate_args?: boolean | null], { total_count?: number; probs?: Tensor | null; logits?: Tensor | null } & Validate>) {
    const o = parseArgs<{ total_count?: number; probs?: Tensor | null; logits?: Tensor | null } & Validate>("Multinomial", ["total_count", "probs", "logits", "validate_args"], args);
    const n = o.total_count ?? 1;
    if (typeof n !== "number" || !Number.isInteger(n)) throw new NotImplementedError("inhomogeneous total_count is not supported");
    super(o);
    this.total_count = n;
  }

  get mean(): Tensor {
    return this.probs.mul(this.total_count);
  }
  get variance(): Tensor {
    return this.probs.mul(this.probs.neg().add(1)).mul(this.total_count);
  }

  /** total_count categorical draws per row (PyTorch's call order), counted per category, in the probabilities' dtype. */
  sample(sample_shape: readonly number[] = []): Tensor {
    return no_grad(() => {
      const s = this.categorical.sample([this.total_count, ...sample_shape]);
      const order = [...Array.from({ length: s.dim() - 1 }, (_, i) => i + 1), 0];
      const moved = s.permute(order).contiguous();
      const counts = empty(extendedShape(sample_shape, this.batch_shape, this.event_shape), this.probs.dtype);
      return counts.scatter_add_(-1, moved, moved.to(this.probs.dtype).mul(0).add(1));
    });
  }

  log_prob(value: Tensor): Tensor {
    checkSupport(value, (v) => nonNegative(v).any(-1).logical_or(v.sum(-1).ne(this.total_count)), `Multinomial(total_count=${this.total_count})`, this.toString());
    const v = value.to(this.logits.dtype);
    const logFactN = v.sum(-1).add(1).lgamma();
    const logFactXs = v.add(1).lgamma().sum(-1);
    const logits = this.logits.masked_fill(v.eq(0).logical_and(this.logits.eq(-Infinity)), 0);
    return logFactN.sub(logFactXs).add(logits.mul(v).sum(-1));
  }

  /**
   * n H(categorical) - log n! + Σ_i E[log x_i!], each x_i ~ Binomial(n, p_i) summed over its support
   * 1..n, as PyTorch computes it.
   */
  entropy(): Tensor {
    const n = this.total_count;
    const term1 = this.categorical.entropy().mul(n).sub(lgammaScalar(n + 1));
    const probs = this.probs;
    const support = arange(1, n + 1).to(probs.dtype).reshape([n, ...probs.shape.map(() => 1)]);
    const counts = new Binomial(n, probs, { validate_args: false });
    const logp = counts.log_prob(support.expand([n, ...probs.shape]));
    const term2 = logp.exp().mul(support.add(1).lgamma()).sum([0, -1]);
    return term1.add(term2);
  }

  toString(): string {
    return "Multinomial()";
  }
}
