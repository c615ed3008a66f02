/**
 * More elementwise math (PyTorch names): inverse and hyperbolic trig, exp2/log10, frac, hypot,
 * lgamma, erfinv, logaddexp, logit, xlogy, signbit, sinc, heaviside, lerp, addcmul/addcdiv,
 * round(decimals). Forwards run a float64 JS loop per element and store into the result's
 * dtype (one rounding, like PyTorch's float kernels); backwards are written in recorded tensor
 * ops, so they differentiate again under create_graph.
 */
import { composite, record } from "../autograd/function";
import { complex128, complexHooks, isComplexTensor } from "../complex_dtype";
import { bool, castScalarArg, cppTypeName, float32, promoteTypes, typeMetaName, type DType } from "../dtype";
import { RuntimeError } from "../errors";
import { erfcContinuedFraction, erf as erfScalar } from "../kernels/unary";
import { broadcastShapes } from "../shape";
import { Tensor, type TensorLike } from "../tensor";
import { contiguousData, empty, operands, sumToShape } from "./util";
import { polygamma } from "./special";
import { lgammaScalar } from "./special_math";
import { where } from "./where";

type Grad1 = (g: Tensor, x: Tensor, y: Tensor) => Tensor;

/** The float dtype an elementwise float op computes in: x's own if float, else float32. */
const floatOf = (x: Tensor): DType => (x.dtype.is_floating_point ? x.dtype : float32);

/** y = f(x) elementwise; `grad` (null: not differentiable) gives dL/dx from (g, x, y). */
export function map1(x: Tensor, node: string, f: (v: number) => number, grad: Grad1 | null, outDtype: DType = floatOf(x)): Tensor {
  const xd = contiguousData(x);
  const out = empty(x.shape, outDtype);
  const o = out._data;
  for (let i = 0; i < xd.length; i++) o[i] = f(xd[i]);
  if (!grad) return out;
  return record(out, node, [x], (g) => [grad(g, x, out)], [x, out], true);
}

/** Broadcasts `ts` together and returns their contiguous data (in dtype dt) and the shape. */
function broadcastData(ts: readonly Tensor[], dt: DType, op: string): [Float32Array[] | Float64Array[], number[]] {
  let shape: number[] = ts[0].shape.slice();
  for (const t of ts.slice(1)) shape = broadcastShapes(shape, t.shape, op);
  const data = ts.map((t) => contiguousData((t.dtype === dt ? t : t.to(dt)).expand(shape)));
  return [data as Float32Array[] | Float64Array[], shape];
}

type GradN = (g: Tensor, xs: readonly Tensor[], y: Tensor) => (Tensor | null)[];

/** y = f(a, b, ...) elementwise with broadcasting; `grad` gives each input's gradient (broadcast shape). */
export function mapN(
  xs: readonly Tensor[], dt: DType, node: string, op: string, f: (...v: number[]) => number, grad: GradN | null, outDtype: DType = dt,
  saves?: (xs: readonly Tensor[], out: Tensor) => Tensor[],
): Tensor {
  const [data, shape] = broadcastData(xs, dt, op);
  const out = empty(shape, outDtype);
  const o = out._data;
  const n = o.length;
  if (data.length === 2) {
    const [a, b] = data;
    for (let i = 0; i < n; i++) o[i] = f(a[i], b[i]);
  } else {
    const [a, b, c] = data;
    for (let i = 0; i < n; i++) o[i] = f(a[i], b[i], c[i]);
  }
  if (!grad) return out;
  return record(out, node, xs, (g) => grad(g, xs, out).map((gi, i) => (gi && xs[i].requires_grad ? sumToShape(gi, xs[i].shape) : null)), saves ? saves(xs, out) : [...xs, out], true);
}

/** Two operands as tensors of their common dtype, promoted to float for float-valued ops. */
export function floatOperands(a: TensorLike, b: TensorLike, op: string): [Tensor, Tensor, DType] {
  const [x, y, dt] = operands(a, b, op);
  return [x, y, dt.is_floating_point ? dt : float32];
}

const DEG = Math.PI / 180;

// ---- unary -----------------------------------------------------------------------------
const oneMinusSq = (x: Tensor): Tensor => x.mul(x).neg().add(1);
export const acos = (x: Tensor): Tensor => map1(x, "AcosBackward0", Math.acos, (g, x) => g.neg().div(oneMinusSq(x).sqrt()));
export const asin = (x: Tensor): Tensor => map1(x, "AsinBackward0", Math.asin, (g, x) => g.div(oneMinusSq(x).sqrt()));
export const atan = (x: Tensor): Tensor => map1(x, "AtanBackward0", Math.atan, (g, x) => g.div(x.mul(x).add(1)));
export const sinh = (x: Tensor): Tensor => map1(x, "SinhBackward0", Math.sinh, (g, x) => g.mul(cosh(x)));
export const cosh = (x: Tensor): Tensor => map1(x, "CoshBackward0", Math.cosh, (g, x) => g.mul(sinh(x)));
export const tan = (x: Tensor): Tensor => map1(x, "TanBackward0", Math.tan, (g, _x, y) => g.mul(y.mul(y).add(1)));
export const deg2rad = (x: Tensor): Tensor => map1(x, "Deg2RadBackward0", (v) => v * DEG, (g) => g.mul(DEG));
export const rad2deg = (x: Tensor): Tensor => map1(x, "Rad2DegBackward0", (v) => v / DEG, (g) => g.mul(1 / DEG));
export const exp2 = (x: Tensor): Tensor => map1(x, "Exp2Backward0", (v) => 2 ** v, (g, _x, y) => g.mul(y).mul(Math.LN2));
export const log10 = (x: Tensor): Tensor => map1(x, "Log10Backward0", Math.log10, (g, x) => g.div(x.mul(Math.LN10)));
export const frac = (x: Tensor): Tensor => {
  if (!x.dtype.is_floating_point) throw new RuntimeError(`"frac_cpu" not implemented for '${cppTypeName(x.dtype)}'`);
  return map1(x, "FracBackward0", (v) => v - Math.trunc(v), (g) => g);
};
export const lgamma = (x: Tensor): Tensor => map1(x, "LgammaBackward0", lgammaScalar, (g, x) => g.mul(digamma(x)));
/** digamma: the derivative of lgamma; its own derivative is polygamma(1, x) (ops/special.ts). */
export const digamma = (x: Tensor): Tensor => map1(x, "DigammaBackward0", digammaScalar, (g, x) => g.mul(polygamma(1, x)));
export const erfinv = (x: Tensor): Tensor =>
  map1(x, "ErfinvBackward0", erfinvScalar, (g, _x, y) => g.mul(y.mul(y).exp()).mul(Math.sqrt(Math.PI) / 2));
export const sinc = (x: Tensor): Tensor =>
  map1(x, "SincBackward0", (v) => (v === 0 ? 1 : Math.sin(Math.PI * v) / (Math.PI * v)), (g, x) => {
    const px = x.mul(Math.PI);
    const d = px.mul(px.cos()).sub(px.sin()).div(px.mul(x));
    return g.mul(where(x.eq(0), 0, d));
  });
/** True where the sign bit is set (-0 included). */
export const signbit = (x: Tensor): Tensor => map1(x, "", (v) => (v < 0 || Object.is(v, -0) ? 1 : 0), null, bool);
/** logit(x, eps?): log(x / (1 - x)), x clamped to [eps, 1 - eps] when eps is given. */
export function logit(x: Tensor, eps: number | null = null): Tensor {
  const lo = eps ?? -Infinity;
  const hi = eps === null ? Infinity : 1 - eps;
  return map1(
    x, "LogitBackward0",
    (v) => {
      const z = v < lo ? lo : v > hi ? hi : v;
      return Math.log(z / (1 - z));
    },
    (g, x) => {
      const d = g.div(x.mul(x.neg().add(1)));
      return eps === null ? d : where(x.lt(lo).logical_or(x.gt(hi)), 0, d);
    },
  );
}

/**
 * torch 1.13's round refuses what its kernels lack: an integer tensor rounds to a copy only without decimals
 * (round(x, decimals=1) of an int8 tensor raises '"round_cpu" not implemented for 'Char'', decimals=0 names
 * round_vml_cpu), and a bool tensor has no round at all. `decimals` is undefined when not given.
 */
export function checkRoundDtype(x: Tensor, decimals: number | undefined): void {
  if (x.dtype.is_floating_point || (decimals === undefined && x.dtype !== bool)) return;
  const kernel = decimals === undefined || decimals === 0 ? "round_vml_cpu" : "round_cpu";
  throw new RuntimeError(`"${kernel}" not implemented for '${cppTypeName(x.dtype)}'`);
}

/** round(x, decimals): half to even at 10^-decimals, computed like PyTorch (scale, round, unscale). */
export function roundDecimals(x: Tensor, decimals: number): Tensor {
  if (!Number.isInteger(decimals)) throw new RuntimeError(`round(): decimals must be an integer, got ${decimals}`);
  const f32 = x.dtype !== float32 ? (v: number) => v : Math.fround;
  const neg = decimals < 0;
  const p = f32(10 ** Math.abs(decimals));
  const out = map1(
    x, "", (v) => (neg ? f32(halfEven(f32(v / p)) * p) : f32(halfEven(f32(v * p)) / p)), null, x.dtype,
  );
  return record(out, "RoundBackward1", [x], (g) => [g.mul(0)], [], true);
}

function halfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 ? 2 * Math.round(v / 2) : r;
}

// Inverse hyperbolic functions, erfc, isposinf / isneginf, positive.
export const asinh = (x: Tensor): Tensor => map1(x, "AsinhBackward0", Math.asinh, (g, x) => g.div(x.mul(x).add(1).sqrt()));
export const acosh = (x: Tensor): Tensor => map1(x, "AcoshBackward0", Math.acosh, (g, x) => g.div(x.mul(x).sub(1).sqrt()));
export const atanh = (x: Tensor): Tensor => map1(x, "AtanhBackward0", Math.atanh, (g, x) => g.div(oneMinusSq(x)));
export const erfc = (x: Tensor): Tensor =>
  map1(x, "ErfcBackward0", erfcScalar, (g, x) => g.mul(x.mul(x).neg().exp()).mul(-2 / Math.sqrt(Math.PI)));
export const isposinf = (x: Tensor): Tensor => map1(x, "", (v) => (v === Infinity ? 1 : 0), null, bool);
export const isneginf = (x: Tensor): Tensor => map1(x, "", (v) => (v === -Infinity ? 1 : 0), null, bool);
/** +x: x itself, as PyTorch returns its input (refused for bool, as there). */
export function positive(x: Tensor): Tensor {
  if (x.dtype === bool) throw new RuntimeError("The `+` operator, on a bool tensor is not supported.");
  return x;
}

// ---- binary and ternary --------------------------------------------------------------
export function atan2(a: TensorLike, b: TensorLike): Tensor {
  const [x, y, dt] = floatOperands(a, b, "atan2");
  return mapN([x, y], dt, "Atan2Backward0", "atan2", Math.atan2, (g, [x, y]) => {
    const r2 = x.mul(x).add(y.mul(y));
    return [g.mul(y).div(r2), g.mul(x).neg().div(r2)];
  });
}

export function hypot(a: TensorLike, b: TensorLike): Tensor {
  const [x, y, dt] = floatOperands(a, b, "hypot");
  if (!(a instanceof Tensor && b instanceof Tensor)) throw new RuntimeError("hypot(): both arguments must be tensors");
  // torch computes in the promoted dtype, and has no integer or bool kernel
  const promoted = operands(a, b, "hypot")[2];
  if (!promoted.is_floating_point) throw new RuntimeError(`"hypot_cpu" not implemented for '${cppTypeName(promoted)}'`);
  return mapN([x, y], dt, "HypotBackward0", "hypot", Math.hypot, (g, [x, y], h) => [g.mul(x).div(h), g.mul(y).div(h)], dt,
    // torch saves an input only for its own gradient (an inference tensor that needs none may be either operand)
    (xs, out) => [...xs.filter((t) => t.requires_grad), out]);
}

/** fmax / fmin: maximum / minimum where a NaN loses to a number; a tie's gradient goes to the first input (PyTorch's rule). */
function nanIgnoring(kind: "fmax" | "fmin", a: TensorLike, b: TensorLike): Tensor {
  const [x, y, dt] = operands(a, b, kind);
  const better = kind === "fmax" ? (u: number, v: number) => u >= v : (u: number, v: number) => u <= v;
  const f = (u: number, v: number): number => (Number.isNaN(v) || better(u, v) ? u : v);
  const grad: GradN | null = dt.is_floating_point
    ? (g, [x, y]) => {
        const first = (kind === "fmax" ? x.ge(y) : x.le(y)).logical_or(y.isnan());
        return [where(first, g, 0), where(first, 0, g)];
      }
    : null;
  return mapN([x, y], dt, kind === "fmax" ? "FmaxBackward0" : "FminBackward0", kind, f, grad);
}
export const fmax = (a: TensorLike, b: TensorLike): Tensor => nanIgnoring("fmax", a, b);
export const fmin = (a: TensorLike, b: TensorLike): Tensor => nanIgnoring("fmin", a, b);

/** copysign(a, b): |a| with b's sign (-0 counts as negative); b's gradient is zeros (torch's zeros_like(other)). */
export function copysign(a: TensorLike, b: TensorLike): Tensor {
  const [x, y, dt] = floatOperands(a, b, "copysign");
  const f = (u: number, v: number): number => (v < 0 || Object.is(v, -0) ? -Math.abs(u) : Math.abs(u));
  return mapN([x, y], dt, "CopysignBackward0", "copysign", f, (g, [x, y], out) => [where(x.eq(0), 0, g.mul(out).div(x)), empty(y.shape, g.dtype)], dt,
    // torch saves self and the result, and only for self's gradient; never other
    (xs, out) => (xs[0].requires_grad ? [xs[0], out] : []));
}

export function logaddexp(a: TensorLike, b: TensorLike): Tensor {
  const [x, y, dt] = floatOperands(a, b, "logaddexp");
  const f = (u: number, v: number): number => {
    if (u === v && !Number.isFinite(u)) return u; // -inf and -inf, inf and inf
    const m = Math.max(u, v);
    return m + Math.log1p(Math.exp(-Math.abs(u - v)));
  };
  return mapN([x, y], dt, "LogaddexpBackward0", "logaddexp", f, (g, [x, y]) => {
    const d = x.sub(y);
    return [g.mul(d.sigmoid()), g.mul(d.neg().sigmoid())];
  });
}

/** x * log(y), 0 where x == 0 (unless y is NaN). */
export function xlogy(a: TensorLike, b: TensorLike): Tensor {
  const [x, y, dt] = floatOperands(a, b, "xlogy");
  const f = (u: number, v: number): number => (Number.isNaN(v) ? NaN : u === 0 ? 0 : u * Math.log(v));
  return mapN([x, y], dt, "XlogyBackward0", "xlogy", f, (g, [x, y]) => [
    where(x.eq(0).logical_and(y.le(0)), 0, xlogy(g, y)),
    g.mul(x).div(y),
  ]);
}

/** heaviside(input, values): 0 below zero, 1 above, `values` at zero (not differentiable, as in PyTorch). */
export function heaviside(input: Tensor, values: Tensor): Tensor {
  if (!(values instanceof Tensor)) throw new RuntimeError("heaviside(): argument 'values' must be a Tensor");
  if (input.dtype !== values.dtype) {
    throw new RuntimeError(`heaviside is not yet implemented for tensors with different dtypes (${input.dtype}, ${values.dtype})`);
  }
  const out = mapN([input, values], input.dtype, "", "heaviside", (v, z) => (v === 0 ? z : v > 0 ? 1 : 0), null);
  if (input.requires_grad || values.requires_grad) {
    return record(out, "HeavisideBackward0", [input, values], () => {
      throw new RuntimeError("derivative for aten::heaviside is not implemented");
    });
  }
  return out;
}

/** start + weight * (end - start), PyTorch's two-sided form (exact at weight 0 and 1). */
export function lerp(start: Tensor, end: Tensor, weight: TensorLike): Tensor {
  if (!(end instanceof Tensor)) throw new RuntimeError("lerp(): argument 'end' must be a Tensor");
  // torch's order: end's dtype, a tensor weight's dtype (both named as C++ types), then the kernel's dtype
  if (start.dtype !== end.dtype) throw new RuntimeError(`expected dtype ${typeMetaName(start.dtype)} for \`end\` but got dtype ${typeMetaName(end.dtype)}`);
  if (weight instanceof Tensor && weight.dtype !== start.dtype) {
    throw new RuntimeError(`expected dtype ${typeMetaName(start.dtype)} for \`weight\` but got dtype ${typeMetaName(weight.dtype)}`);
  }
  if (!start.dtype.is_floating_point) {
    throw new RuntimeError(`"lerp_kernel_${weight instanceof Tensor ? "tensor" : "scalar"}" not implemented for '${cppTypeName(start.dtype)}'`);
  }
  const dt = start.dtype;
  const round = dt === float32 ? Math.fround : (v: number) => v;
  const f = (s: number, e: number, w: number): number => {
    const d = round(e - s);
    return Math.abs(w) < 0.5 ? round(s + round(w * d)) : round(e - round(d * round(1 - w)));
  };
  if (weight instanceof Tensor) {
    // torch saves weight for start's and end's gradients, start and end only for weight's
    return mapN([start, end, weight], dt, "LerpBackward1", "lerp", f, (g, [s, e, w]) => [g.mul(w.neg().add(1)), g.mul(w), g.mul(e.sub(s))], dt,
      ([s, e, w]) => [...(s.requires_grad || e.requires_grad ? [w] : []), ...(w.requires_grad ? [s, e] : [])]);
  }
  const w = round(Number(weight));
  // a number weight: the gradients need no tensor, torch saves none (an inference tensor may be start or end)
  return mapN([start, end], dt, "LerpBackward0", "lerp", (s, e) => f(s, e, w), (g) => [g.mul(1 - w), g.mul(w)], dt, () => []);
}

/** addcmul's value in the dtype of input, t1 and t2 combined (castScalarArg: truncated for integers, bool refused). */
export function addcmulValue(input: Tensor, t1: Tensor, t2: Tensor, value: number): number {
  return castScalarArg(promoteTypes(input.dtype, promoteTypes(t1.dtype, t2.dtype)), value, "addcmul_cpu_out");
}

/** input + value * t1 * t2 (one node, AddcmulBackward0). */
export function addcmul(input: Tensor, t1: Tensor, t2: Tensor, value = 1): Tensor {
  const v = addcmulValue(input, t1, t2, value);
  return composite("AddcmulBackward0", [input, t1, t2], (i, a, b) => i.add(a.mul(v).mul(b)));
}

/** addcdiv(_)'s refusal of integer (or bool) tensor1 and tensor2, in torch 1.13's words (its double space too). */
export function checkAddcdivOperands(t1: Tensor, t2: Tensor): void {
  if (!t1.dtype.is_floating_point && !t2.dtype.is_floating_point) {
    throw new RuntimeError(
      "Integer division with addcdiv is no longer supported, and in a future  release addcdiv will perform a true division of tensor1 and tensor2. " +
        "The historic addcdiv behavior can be implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs " +
        "and as (input + value * tensor1 / tensor2) for float inputs. The future addcdiv behavior is just the latter implementation: " +
        "(input + value * tensor1 / tensor2), for all dtypes.",
    );
  }
}

/** input + value * t1 / t2 (one node, AddcdivBackward0); integer division is refused as in PyTorch. */
export function addcdiv(input: Tensor, t1: Tensor, t2: Tensor, value = 1): Tensor {
  checkAddcdivOperands(t1, t2);
  return composite("AddcdivBackward0", [input, t1, t2], (i, a, b) => i.add(a.mul(value).div(b)));
}

/** torch.float_power: pow computed in float64 (either operand may be a number). */
export function floatPower(x: TensorLike, exponent: TensorLike): Tensor {
  if (isComplexTensor(x) || isComplexTensor(exponent)) {
    // complex128 (and float64 real operands), as torch's float_power
    const wide = (v: unknown): unknown => (isComplexTensor(v) ? (v as unknown as Tensor).to(complex128) : v instanceof Tensor ? v.double() : v);
    return complexHooks.binary("pow", wide(x), wide(exponent)) as Tensor;
  }
  const e = exponent instanceof Tensor ? exponent.double() : exponent;
  if (x instanceof Tensor) return x.double().pow(e);
  if (e instanceof Tensor) return e.mul(0).add(x).pow(e);
  throw new RuntimeError("float_power(): at least one argument must be a Tensor");
}

export const logaddexp2 = (x: Tensor, other: TensorLike): Tensor =>
  logaddexp(x.mul(Math.LN2), other instanceof Tensor ? other.mul(Math.LN2) : (other as number) * Math.LN2).div(Math.LN2);

// ---- scalar special functions (float64) -------------------------------------------------
export { lgammaScalar }; // lives in special_math.ts with the other float64 special functions
/** erfc in float64: 1 - erf(x) below 2; above, the continued fraction (1 - erf(x) would lose every digit). */
const erfcScalar = (x: number): number => (x >= 2 ? erfcContinuedFraction(x) : 1 - erfScalar(x));

/** ψ(v): recurrence up to 10 (the series then has float64 accuracy), then the asymptotic series; reflection for negatives. */
export function digammaScalar(v: number): number {
  if (Number.isNaN(v)) return NaN;
  if (v === 0) return Object.is(v, -0) ? Infinity : -Infinity;
  if (v < 0) {
    if (Number.isInteger(v)) return NaN;
    // tan(π frac(v)) rather than tan(πv): π·v loses digits for |v| > 1, the fractional part does not.
    return digammaScalar(1 - v) - Math.PI / Math.tan(Math.PI * (v - Math.trunc(v)));
  }
  let r = 0;
  while (v < 10) {
    r -= 1 / v;
    v += 1;
  }
  const f = 1 / (v * v);
  return r + Math.log(v) - 0.5 / v - f * (1 / 12 - f * (1 / 120 - f * (1 / 252 - f * (1 / 240 - f / 132))));
}

/** erf⁻¹ by Giles' single-precision approximation, then two Newton steps in float64. */
export function erfinvScalar(y: number): number {
  if (Number.isNaN(y) || y < -1 || y > 1) return NaN;
  if (y === 1) return Infinity;
  if (y === -1) return -Infinity;
  let w = -Math.log((1 - y) * (1 + y));
  let x: number;
  if (w < 5) {
    w -= 2.5;
    let p = 2.81022636e-8;
    for (const c of [3.43273939e-7, -3.5233877e-6, -4.39150654e-6, 0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941]) p = c + p * w;
    x = p * y;
  } else {
    w = Math.sqrt(w) - 3;
    let p = -0.000200214257;
    for (const c of [0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682]) p = c + p * w;
    x = p * y;
  }
  for (let i = 0; i < 2; i++) {
    const err = erfScalar(x) - y;
    x -= err / ((2 / Math.sqrt(Math.PI)) * Math.exp(-x * x));
  }
  return x;
}
