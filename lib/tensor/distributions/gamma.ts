/**
 * Gamma, Beta, Dirichlet, Chi2 and StudentT, PyTorch 1.13's formulas. Their samples come from PyTorch's own
 * rejection sampler, reproduced step for step so seeded draws are PyTorch's: torch._standard_gamma
 * is Marsaglia and Tsang's method with a boost for concentration < 1 (ATen's sample_gamma), its
 * normals the cached scalar Box-Muller draws and its uniforms 53-bit, with the float32 roundings
 * of PyTorch's kernel for float32 tensors; Dirichlet draws float64 gammas and normalises them;
 * Beta is the first component of a two-class Dirichlet.
 *
 * Gamma.rsample is differentiable in both parameters: in the concentration through the implicit
 * reparameterisation gradient dx/dα = -∂P(α, x)/∂α / pdf(x), computed to ~1e-9 (PyTorch's
 * _standard_gamma_grad is a ~1e-3 approximation of the same quantity).
 * Difference from PyTorch: Dirichlet's (hence Beta's) rsample gradient with respect to the
 * concentration is the gamma-composition pathwise gradient (unbiased, see sampleDirichlet), not
 * ATen's _dirichlet_grad estimator: same samples, different per-draw gradients.
 */
import { parseArgs, type PyArgs } from "../args";
import { record } from "../autograd/function";
import { no_grad } from "../autograd/grad_mode";
import { float32, float64 } from "../dtype";
import { RuntimeError, TypeError_ } from "../errors";
import { default_generator, type Generator } from "../random";
import { stack } from "../ops/join";
import { contiguousData, empty } from "../ops/util";
import { Tensor } from "../tensor";
import { standardGammaGrad } from "../ops/special_math";
import { broadcastAll, checkParam, checkSupport, extendedShape, fmtParam, positive, type Param, type Validate, validates } from "./util";

const ONE_THIRD_F = Math.fround(1 / 3);
const C_SQUEEZE = Math.fround(0.0331);
const FLOAT_MIN = 1.1754943508222875e-38;
const DOUBLE_MIN = 2.2250738585072014e-308;

/**
 * One Gamma(alpha, 1) draw as ATen's sample_gamma: `f32` applies the float arithmetic PyTorch's
 * kernel does on float32 tensors (1/alpha, alpha + 1 and alpha - 1/3 in float).
 */
export function sampleGamma(alpha: number, gen: Generator, f32: boolean): number {
  const r = f32 ? Math.fround : (v: number) => v;
  let scale = 1;
  let a = alpha;
  if (a < 1) {
    if (a === 0) return 0;
    scale *= Math.pow(1 - gen.uniform53(), r(1 / a));
    a = r(a + 1);
  }
  const d = r(a - ONE_THIRD_F);
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let y: number;
    do {
      x = gen.normal();
      y = 1 + c * x;
    } while (y <= 0);
    const v = y * y * y;
    const u = 1 - gen.uniform53();
    const xx = x * x;
    if (u < 1 - C_SQUEEZE * xx * xx) return scale * d * v;
    if (Math.log(u) < 0.5 * xx + d * (1 - v + Math.log(v))) return scale * d * v;
  }
}

/** torch._standard_gamma(alpha): elementwise Gamma(alpha, 1) draws, at least the dtype's smallest normal number. */
export function standardGamma(alpha: Tensor, gen: Generator = default_generator): Tensor {
  const a = contiguousData(alpha);
  const out = empty(alpha.shape, alpha.dtype);
  const f32 = alpha.dtype === float32;
  const tiny = f32 ? FLOAT_MIN : DOUBLE_MIN;
  for (let i = 0; i < a.length; i++) out._data[i] = Math.max(tiny, f32 ? Math.fround(sampleGamma(a[i], gen, true)) : sampleGamma(a[i], gen, false));
  // The implicit reparameterisation gradient dx/dα (special_math.ts), PyTorch's _standard_gamma_grad to its ~1e-3.
  return record(out, "StandardGammaBackward0", [alpha], (g) => {
    const grad = empty(alpha.shape, alpha.dtype);
    for (let i = 0; i < a.length; i++) grad._data[i] = standardGammaGrad(a[i], out._data[i]);
    return [g.mul(grad)];
  });
}

/**
 * torch._sample_dirichlet(alpha) over the last dim: float64 gammas, normalised, clamped into (0, 1).
 * Its gradient is the gamma-composition pathwise one: with x = g / S, S = Σ g and each g_i's
 * implicit gradient dg_i/dα_i, the vector-Jacobian product is dg_i/dα_i / S · (G_i - Σ_j G_j x_j).
 * It is unbiased (E[∂f(x)/∂α] = ∂E[f(x)]/∂α) but not PyTorch's estimator (_dirichlet_grad), so
 * per-draw gradients differ from PyTorch's while the samples themselves are equal.
 */
export function sampleDirichlet(alpha: Tensor, gen: Generator = default_generator): Tensor {
  const a = contiguousData(alpha);
  const k = alpha.shape[alpha.dim() - 1];
  const out = empty(alpha.shape, alpha.dtype);
  const f32 = alpha.dtype === float32;
  const lo = f32 ? FLOAT_MIN : DOUBLE_MIN;
  const hi = f32 ? 1 - 2 ** -24 : 1 - 2 ** -53; // nexttoward(1, 0)
  const g = new Float64Array(a.length);
  const sums = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) g[i] = Math.max(DOUBLE_MIN, sampleGamma(a[i], gen, false));
  for (let row = 0; row < a.length; row += k) {
    let sum = 0;
    for (let j = 0; j < k; j++) sum += g[row + j];
    for (let j = 0; j < k; j++) {
      const v = f32 ? Math.fround(g[row + j] / sum) : g[row + j] / sum;
      out._data[row + j] = Math.min(hi, Math.max(lo, v));
      sums[row + j] = sum;
    }
  }
  return record(out, "DirichletBackward", [alpha], (grad) => {
    const scale = empty(alpha.shape, alpha.dtype);
    for (let i = 0; i < a.length; i++) scale._data[i] = standardGammaGrad(a[i], g[i]) / sums[i];
    return [scale.mul(grad.sub(out.mul(grad).sum(-1, true)))];
  });
}

export class Gamma {
  readonly concentration: Tensor;
  readonly rate: Tensor;
  readonly batch_shape: number[];
  readonly event_shape: number[] = [];
  /** Whether rsample (a reparameterised, differentiable draw) exists, as PyTorch's flag. */
  readonly has_rsample = true;

  constructor(...args: PyArgs<[concentration: Param, rate: Param, validate_args?: boolean | null], { concentration?: Param; rate?: Param } & Validate>) {
    const o = parseArgs<{ concentration?: Param; rate?: Param } & Validate>("Gamma", ["concentration", "rate", "validate_args"], args);
    if (o.concentration === undefined || o.rate === undefined) throw new TypeError_("Gamma() missing required arguments: 'concentration' and 'rate'");
    [this.concentration, this.rate] = broadcastAll(o.concentration, o.rate);
    this.batch_shape = this.rate.shape.slice();
    if (validates(o.validate_args)) {
      checkParam("concentration", this.concentration, positive, "GreaterThan(lower_bound=0.0)", () => this.toString());
      checkParam("rate", this.rate, positive, "GreaterThan(lower_bound=0.0)", () => this.toString());
    }
  }

  get mean(): Tensor {
    return this.concentration.div(this.rate);
  }
  get variance(): Tensor {
    return this.concentration.div(this.rate.pow(2));
  }
  get stddev(): Tensor {
    return this.variance.sqrt();
  }

  /** _standard_gamma(concentration) / rate, clamped to the dtype's tiny. */
  rsample(sample_shape: readonly number[] = []): Tensor {
    const shape = extendedShape(sample_shape, this.batch_shape);
    const value = standardGamma(this.concentration.expand(shape)).div(this.rate.expand(shape));
    const tiny = value.dtype === float64 ? DOUBLE_MIN : FLOAT_MIN;
    no_grad(() => value.detach().clamp_(tiny, null));
    return value;
  }

  sample(sample_shape: readonly number[] = []): Tensor {
    return no_grad(() => this.rsample(sample_shape));
  }

  log_prob(value: Tensor): Tensor {
    checkSupport(value, positive, "GreaterThan(lower_bound=0.0)", this.toString());
    const v = value.to(this.rate.dtype);
    return this.concentration.xlogy(this.rate).add(this.concentration.sub(1).xlogy(v)).sub(this.rate.mul(v)).sub(this.concentration.lgamma());
  }

  entropy(): Tensor {
    const c = this.concentration;
    return c.sub(this.rate.log()).add(c.lgamma()).add(c.neg().add(1).mul(c.digamma()));
  }

  toString(): string {
    return `Gamma(concentration: ${fmtParam(this.concentration)}, rate: ${fmtParam(this.rate)})`;
  }
}

export class Dirichlet {
  readonly concentration: Tensor;
  readonly batch_shape: number[];
  readonly event_shape: number[];
  /** Whether rsample (a reparameterised, differentiable draw) exists, as PyTorch's flag. */
  readonly has_rsample = true;

  constructor(...args: PyArgs<[concentration: Tensor, validate_args?: boolean | null], { concentration?: Tensor } & Validate>) {
    const o = parseArgs<{ concentration?: Tensor } & Validate>("Dirichlet", ["concentration", "validate_args"], args);
    const c = o.concentration;
    if (!(c instanceof Tensor)) throw new TypeError_("Dirichlet(): concentration must be a tensor");
    if (c.dim() < 1) throw new RuntimeError("`concentration` parameter must be at least one-dimensional.");
    this.concentration = c;
    this.batch_shape = c.shape.slice(0, -1);
    this.event_shape = c.shape.slice(-1);
    if (validates(o.validate_args)) {
      checkParam("concentration", c, positive, "IndependentConstraint(GreaterThan(lower_bound=0.0), 1)", () => this.toString());
    }
  }

  get mean(): Tensor {
    return this.concentration.div(this.concentration.sum(-1, true));
  }
  get variance(): Tensor {
    const c0 = this.concentration.sum(-1, true);
    return this.concentration.mul(c0.sub(this.concentration)).div(c0.pow(2).mul(c0.add(1)));
  }
  get stddev(): Tensor {
    return this.variance.sqrt();
  }

  rsample(sample_shape: readonly number[] = []): Tensor {
    const shape = extendedShape(sample_shape, this.batch_shape, this.event_shape);
    return sampleDirichlet(this.concentration.expand(shape).contiguous());
  }

  sample(sample_shape: readonly number[] = []): Tensor {
    return no_grad(() => this.rsample(sample_shape));
  }

  log_prob(value: Tensor): Tensor {
    checkSupport(value, (v) => v.lt(0).logical_or(v.sum(-1, true).sub(1).abs().gt(1e-6).expand(v.shape.slice())), "Simplex()", this.toString());
    const c = this.concentration;
    return c.sub(1).xlogy(value).sum(-1).add(c.sum(-1).lgamma()).sub(c.lgamma().sum(-1));
  }

  entropy(): Tensor {
    const c = this.concentration;
    const k = c.shape[c.dim() - 1];
    const a0 = c.sum(-1);
    return c.lgamma().sum(-1).sub(a0.lgamma()).sub(a0.neg().add(k).mul(a0.digamma())).sub(c.sub(1).mul(c.digamma()).sum(-1));
  }

  toString(): string {
    return `Dirichlet(concentration: ${fmtParam(this.concentration)})`;
  }
}

export class Beta {
  readonly concentration1: Tensor;
  readonly concentration0: Tensor;
  readonly batch_shape: number[];
  readonly event_shape: number[] = [];
  /** Whether rsample (a reparameterised, differentiable draw) exists, as PyTorch's flag. */
  readonly has_rsample = true;
  private readonly dirichlet: Dirichlet;

  constructor(...args: PyArgs<[concentration1: Param, concentration0: Param, validate_args?: boolean | null], { concentration1?: Param; concentration0?: Param } & Validate>) {
    const o = parseArgs<{ concentration1?: Param; concentration0?: Param } & Validate>("Beta", ["concentration1", "concentration0", "validate_args"], args);
    if (o.concentration1 === undefined || o.concentration0 === undefined) throw new TypeError_("Beta() missing required arguments: 'concentration1' and 'concentration0'");
    [this.concentration1, this.concentration0] = broadcastAll(o.concentration1, o.concentration0);
    this.batch_shape = this.concentration1.shape.slice();
    this.dirichlet = new Dirichlet(stack([this.concentration1, this.concentration0], -1), { validate_args: o.validate_args });
  }

  get mean(): Tensor {
    return this.concentration1.div(this.concentration1.add(this.concentration0));
  }
  get variance(): Tensor {
    const total = this.concentration1.add(this.concentration0);
    return this.concentration1.mul(this.concentration0).div(total.pow(2).mul(total.add(1)));
  }
  get stddev(): Tensor {
    return this.variance.sqrt();
  }

  rsample(sample_shape: readonly number[] = []): Tensor {
    return this.dirichlet.rsample(sample_shape).select(-1, 0);
  }

  sample(sample_shape: readonly number[] = []): Tensor {
    return no_grad(() => this.rsample(sample_shape));
  }

  log_prob(value: Tensor): Tensor {
    checkSupport(value, (v) => v.lt(0).logical_or(v.gt(1)), "Interval(lower_bound=0.0, upper_bound=1.0)", this.toString());
    return this.dirichlet.log_prob(stack([value, value.neg().add(1)], -1));
  }

  entropy(): Tensor {
    return this.dirichlet.entropy();
  }

  toString(): string {
    return "Beta()";
  }
}

/** Chi-squared with df degrees of freedom: exactly Gamma(df / 2, 1 / 2), PyTorch's definition. */
export class Chi2 extends Gamma {
  constructor(...args: PyArgs<[df: Param, validate_args?: boolean | null], { df?: Param } & Validate>) {
    const o = parseArgs<{ df?: Param } & Validate>("Chi2", ["df", "validate_args"], args);
    if (o.df === undefined) throw new TypeError_("Chi2() missing 1 required positional argument: 'df'");
    super(o.df instanceof Tensor ? o.df.mul(0.5) : o.df * 0.5, 0.5, o.validate_args ?? null);
  }

  get df(): Tensor {
    return this.concentration.mul(2);
  }

  toString(): string {
    return `Chi2(df: ${fmtParam(this.df)})`;
  }
}

/**
 * Student's t with df degrees of freedom, location and scale. rsample is PyTorch's: a standard
 * normal X (empty(shape).normal_()), then Z ~ Chi2(df) from the gamma sampler, loc + scale X / √(Z/df).
 */
export class StudentT {
  readonly df: Tensor;
  readonly loc: Tensor;
  readonly scale: Tensor;
  readonly batch_shape: number[];
  readonly event_shape: number[] = [];
  readonly has_rsample = true;
  private readonly chi2: Chi2;

  constructor(...args: PyArgs<[df: Param, loc?: Param, scale?: Param, validate_args?: boolean | null], { df?: Param; loc?: Param; scale?: Param } & Validate>) {
    const o = parseArgs<{ df?: Param; loc?: Param; scale?: Param } & Validate>("StudentT", ["df", "loc", "scale", "validate_args"], args);
    if (o.df === undefined) throw new TypeError_("StudentT() missing 1 required positional argument: 'df'");
    [this.df, this.loc, this.scale] = broadcastAll(o.df, o.loc ?? 0, o.scale ?? 1);
    this.batch_shape = this.df.shape.slice();
    if (validates(o.validate_args)) {
      checkParam("df", this.df, positive, "GreaterThan(lower_bound=0.0)", () => this.toString());
      checkParam("scale", this.scale, positive, "GreaterThan(lower_bound=0.0)", () => this.toString());
    }
    this.chi2 = new Chi2(this.df, { validate_args: false });
  }

  /** loc where df > 1, NaN otherwise. */
  get mean(): Tensor {
    return this.loc.masked_fill(this.df.le(1), NaN);
  }
  /** scale² df / (df - 2) where df > 2, inf for 1 < df <= 2, NaN for df <= 1. */
  get variance(): Tensor {
    const v = this.scale.pow(2).mul(this.df).div(this.df.sub(2));
    return v.masked_fill(this.df.le(2), Infinity).masked_fill(this.df.le(1), NaN);
  }
  get stddev(): Tensor {
    return this.variance.sqrt();
  }

  rsample(sample_shape: readonly number[] = []): Tensor {
    const x = empty(extendedShape(sample_shape, this.batch_shape), this.df.dtype).normal_();
    const z = this.chi2.rsample(sample_shape);
    return this.loc.add(this.scale.mul(x.mul(z.div(this.df).rsqrt())));
  }

  sample(sample_shape: readonly number[] = []): Tensor {
    return no_grad(() => this.rsample(sample_shape));
  }

  log_prob(value: Tensor): Tensor {
    const y = value.sub(this.loc).div(this.scale);
    const z = this.scale.log().add(this.df.log().mul(0.5)).add(0.5 * Math.log(Math.PI)).add(this.df.mul(0.5).lgamma()).sub(this.df.add(1).mul(0.5).lgamma());
    return this.df.add(1).mul(-0.5).mul(y.pow(2).div(this.df).log1p()).sub(z);
  }

  entropy(): Tensor {
    const half = this.df.mul(0.5);
    const halfUp = this.df.add(1).mul(0.5);
    const lbeta = half.lgamma().add(0.5 * Math.log(Math.PI)).sub(halfUp.lgamma());
    return this.scale.log().add(halfUp.mul(halfUp.digamma().sub(half.digamma()))).add(this.df.log().mul(0.5)).add(lbeta);
  }

  toString(): string {
    return `StudentT(df: ${fmtParam(this.df)}, loc: ${fmtParam(this.loc)}, scale: ${fmtParam(this.scale)})`;
  }
}
