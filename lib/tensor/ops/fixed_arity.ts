/**
 * torch.* functions that take only their tensor operands (torch.exp(input), torch.atan2(input,
 * other); out= is handled by out_arg.ts before these see the call). A JS function drops extra
 * arguments, so `torch.exp(x, { zzz_unknown: 1 })` used to run as if nothing were wrong; wrapped
 * here, it raises PyTorch's TypeError. Only the torch.* entries are wrapped, not the Tensor
 * methods behind them, so the methods' hot path is unchanged.
 */
import { isOptions } from "../args";
import { TypeError_ } from "../errors";

/** Name -> number of positional operands, for torch functions with no keyword but out=. */
export const FIXED_ARITY: Readonly<Record<string, number>> = {
  // elementwise, one operand
  neg: 1, negative: 1, exp: 1, expm1: 1, log: 1, log2: 1, log1p: 1, log10: 1, sqrt: 1, rsqrt: 1, square: 1, reciprocal: 1,
  abs: 1, absolute: 1, sign: 1, sgn: 1, signbit: 1, sin: 1, cos: 1, tan: 1, asin: 1, acos: 1, atan: 1, sinh: 1, cosh: 1,
  asinh: 1, acosh: 1, atanh: 1, erf: 1, erfc: 1, erfinv: 1, floor: 1, ceil: 1, trunc: 1, fix: 1, frac: 1, lgamma: 1,
  digamma: 1, deg2rad: 1, rad2deg: 1, exp2: 1, sinc: 1, i0: 1, positive: 1, bitwise_not: 1, logical_not: 1, frexp: 1,
  isposinf: 1, isneginf: 1, isnan: 1, isinf: 1, isfinite: 1, isreal: 1, real: 1, imag: 1, angle: 1,
  conj: 1, conj_physical: 1, resolve_conj: 1, resolve_neg: 1, relu: 1, sigmoid: 1, tanh: 1,
  arccos: 1, arcsin: 1, arctan: 1, arccosh: 1, arcsinh: 1, arctanh: 1,
  // one operand, shape and linear algebra
  t: 1, ravel: 1, fliplr: 1, flipud: 1, adjoint: 1, trace: 1, msort: 1, det: 1, inverse: 1, logdet: 1, slogdet: 1, matrix_exp: 1,
  // in place, one operand
  abs_: 1, acos_: 1, asin_: 1, atan_: 1, ceil_: 1, cos_: 1, cosh_: 1, deg2rad_: 1, erf_: 1, exp2_: 1, exp_: 1, expm1_: 1,
  fix_: 1, floor_: 1, frac_: 1, i0_: 1, log10_: 1, log1p_: 1, log2_: 1, log_: 1, neg_: 1, negative_: 1, rad2deg_: 1,
  reciprocal_: 1, relu_: 1, rsqrt_: 1, sigmoid_: 1, sin_: 1, sinc_: 1, sinh_: 1, sqrt_: 1, square_: 1, tan_: 1, tanh_: 1,
  trunc_: 1, zero_: 1, selu_: 1, detach_: 1,
  // two operands
  atan2: 2, arctan2: 2, hypot: 2, copysign: 2, logaddexp: 2, logaddexp2: 2, heaviside: 2, fmax: 2, fmin: 2, maximum: 2,
  minimum: 2, nextafter: 2, ldexp: 2, igamma: 2, igammac: 2, logical_and: 2, logical_or: 2, logical_xor: 2, matmul: 2,
  mm: 2, dot: 2, vdot: 2, outer: 2, ger: 2, mv: 2, inner: 2, kron: 2,
  // indexing and views with a fixed positional signature in torch 1.13
  transpose: 3, swapaxes: 3, swapdims: 3, movedim: 3, moveaxis: 3, select: 3, narrow: 4, index_select: 3, take: 2, masked_select: 2,
  masked_fill: 3, unsqueeze: 2, lu_solve: 3,
};

/** fn, raising Python's TypeError for anything after its `arity` operands (an empty `{}` is allowed). */
export function withFixedArity<F extends (...args: never[]) => unknown>(name: string, arity: number, fn: F): F {
  const call = fn as unknown as (...a: unknown[]) => unknown;
  const wrapped = (...args: unknown[]): unknown => {
    if (args.length > arity) {
      const last = args[args.length - 1];
      if (isOptions(last)) {
        const key = Object.keys(last)[0];
        if (key !== undefined) throw new TypeError_(`${name}() got an unexpected keyword argument '${key}'`);
      }
      if (args.length > arity + 1 || !isOptions(last)) {
        throw new TypeError_(`${name}() takes ${arity} positional argument${arity > 1 ? "s" : ""} but ${args.length - (isOptions(last) ? 1 : 0)} were given`);
      }
      return call(...args.slice(0, arity));
    }
    return call(...args);
  };
  return wrapped as unknown as F;
}

/** torch.special: every function takes only its operands (and out=) in torch 1.13. */
const SPECIAL_UNARY = ["bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "digamma", "psi", "entr", "erf", "erfc", "erfcx", "erfinv",
  "exp2", "expit", "expm1", "gammaln", "i0", "i0e", "i1", "i1e", "log1p", "log_ndtr", "modified_bessel_i0", "modified_bessel_i1", "modified_bessel_k0", "modified_bessel_k1",
  "ndtr", "ndtri", "scaled_modified_bessel_k0", "scaled_modified_bessel_k1", "sinc", "spherical_bessel_j0"];
const SPECIAL_BINARY = ["chebyshev_polynomial_t", "chebyshev_polynomial_u", "chebyshev_polynomial_v", "chebyshev_polynomial_w",
  "shifted_chebyshev_polynomial_t", "shifted_chebyshev_polynomial_u", "shifted_chebyshev_polynomial_v", "shifted_chebyshev_polynomial_w",
  "hermite_polynomial_h", "hermite_polynomial_he", "laguerre_polynomial_l", "legendre_polynomial_p", "gammainc", "gammaincc",
  "xlog1py", "xlogy", "zeta"];
export const SPECIAL_FIXED_ARITY: Readonly<Record<string, number>> = Object.fromEntries([
  ...SPECIAL_UNARY.map((n) => [n, 1] as const), ...SPECIAL_BINARY.map((n) => [n, 2] as const),
]);

/** torch.linalg functions without keywords in torch 1.13 (besides out=). */
export const LINALG_FIXED_ARITY: Readonly<Record<string, number>> = { det: 1, inv: 1, matrix_exp: 1, slogdet: 1, matmul: 2, householder_product: 2 };

/** The functions of ns named in `table` (name -> operand count), wrapped; names absent from ns are skipped. */
export function withFixedArityAll<T extends Record<string, unknown>>(ns: T, table: Readonly<Record<string, number>> = FIXED_ARITY): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [name, arity] of Object.entries(table)) {
    if (typeof ns[name] === "function") out[name] = withFixedArity(name, arity, ns[name] as (...a: never[]) => unknown);
  }
  return out as Partial<T>;
}
