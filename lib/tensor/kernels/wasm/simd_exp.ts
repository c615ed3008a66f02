/**
 * Cephes expf over four float32 lanes as WebAssembly instructions, for kernels that need exp inside
 * a fused loop (GELU's backward, attention's softmax): range reduction by ln 2, a degree-5
 * polynomial (about 1 ulp), 2^k applied as two normal powers of two so results near the overflow
 * edge stay finite and tiny ones become denormals or 0 (exp(-inf) = 0 exactly). The same
 * values, in the same order, as the exp kernel of unary_simd.ts, so both give the same bits (k is
 * found by adding 1.5 * 2^23 rather than by nearest and a conversion: the same integer).
 */
import { op, uleb, type Statements } from "./assembler";

const EXP_P = [1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1];

const g = op.localGet, s = op.localSet;
/**
 * Pseudo-min/max (b < a ? b : a, a < b ? b : a): one minps/maxps on x64, where f32x4.min/max
 * take a sequence of about eight (NaN and -0 ordering). With the data first and a constant bound
 * second they give min/max's results: a NaN in `a` fails the comparison and is returned, and the
 * bounds used (exp's and erf's clamps, GELU's cdf >= 0) never tie with a signed zero. Not for a
 * running max over data (a NaN in the second operand would be dropped).
 */
export const f32x4Pmin = [0xfd, ...uleb(0xea)];
export const f32x4Pmax = [0xfd, ...uleb(0xeb)];
const splat = (v: number) => [...op.f32Const(v), ...op.f32x4Splat];

/** 1.5 * 2^23: x + ROUNDER rounds x (|x| < 2^22) to an integer, ties to even, held in the low mantissa bits. */
const ROUNDER = 12582912;
/** The bits of ROUNDER as an int32 (0x4B400000): bits(x + ROUNDER) - ROUNDER_BITS = that integer. */
const ROUNDER_BITS = 0x4b400000;
const i32Splat = (v: number) => [...op.i32Const(v), ...op.i32x4Splat];

/**
 * kf = nearest(x * log2 e) into local kf, with bits(x * log2 e + ROUNDER) left in local ki (the
 * integer k = kf is bits(ki) - ROUNDER_BITS); then r = x - kf * C1 - kf * C2 into local r and the
 * polynomial e = p(r) * r^2 + r + 1 left on the stack. Adding ROUNDER rounds to nearest with ties
 * to even as f32x4.nearest does (ROUNDER is even, so the sum's parity is k's), and gives k's bits
 * for free, where nearest and i32x4.trunc_sat_f32x4_s cost about eight x64 instructions.
 */
function reducedPolynomial(x: number, kf: number, r: number, ki: number, fma: boolean): number[] {
  return [
    ...g(x), ...splat(Math.LOG2E), ...op.f32x4Mul, ...splat(ROUNDER), ...op.f32x4Add, ...s(ki),
    ...g(ki), ...splat(ROUNDER), ...op.f32x4Sub, ...s(kf),
    ...g(x), ...g(kf), ...splat(0.693359375), ...op.f32x4Mul, ...op.f32x4Sub, ...g(kf), ...splat(-2.12194440e-4), ...op.f32x4Mul, ...op.f32x4Sub, ...s(r),
    // p = horner(coefficients, r); e = p * r^2 + r + 1
    ...splat(EXP_P[0]), ...EXP_P.slice(1).flatMap((c) => (fma ? [...g(r), ...splat(c), ...op.f32x4RelaxedMadd] : [...g(r), ...op.f32x4Mul, ...splat(c), ...op.f32x4Add])),
    ...g(r), ...op.f32x4Mul, ...g(r), ...op.f32x4Mul, ...g(r), ...op.f32x4Add, ...splat(1), ...op.f32x4Add,
  ];
}

/**
 * Leaves exp(x) on the stack for x in local `x` (clobbered), with scratch v128 locals kf, r, ki, k1.
 * With `fma` (Relaxed SIMD) the polynomial uses fused multiply-adds: not the exp kernel's bits.
 */
export function expF32x4(x: number, kf: number, r: number, ki: number, k1: number, fma = false): number[] {
  return [
    // Clamped with pseudo-min/max, data first (f32x4Pmin above): one instruction each, NaN kept.
    ...g(x), ...splat(88.8), ...f32x4Pmin, ...splat(-104), ...f32x4Pmax, ...s(x),
    ...reducedPolynomial(x, kf, r, ki, fma),
    // 2^k = 2^k1 * 2^k2 with k1 = k >> 1, k2 = k - k1, each built from exponent bits
    ...g(ki), ...i32Splat(ROUNDER_BITS), ...op.i32x4Sub, ...s(ki),
    ...g(ki), ...op.i32Const(1), ...op.i32x4ShrS, ...s(k1),
    ...g(k1), ...i32Splat(127), ...op.i32x4Add, ...op.i32Const(23), ...op.i32x4Shl, ...op.f32x4Mul,
    ...g(ki), ...g(k1), ...op.i32x4Sub, ...i32Splat(127), ...op.i32x4Add, ...op.i32Const(23), ...op.i32x4Shl, ...op.f32x4Mul,
  ];
}

/**
 * expF32x4 for x <= 0 or NaN only (a softmax's x - max, GELU's -x^2 / 2, cross_entropy's shifted
 * logits), with its bits there: k <= 0, so 2^(k + 64) is a normal power of two (k >= -151 after
 * the clamp) and p * 2^(k + 64) is exact; the product with 2^-64 then rounds once, as the second
 * of expF32x4's two scalings does (to a denormal or 0 below exp(-87.3), exactly otherwise). No
 * upper clamp (x <= 88.8 already). About a third less time than expF32x4 on x64.
 */
export function expNonPositiveF32x4(x: number, kf: number, r: number, ki: number, fma = false): number[] {
  return [
    ...g(x), ...splat(-104), ...f32x4Pmax, ...s(x),
    ...reducedPolynomial(x, kf, r, ki, fma),
    ...g(ki), ...i32Splat(127 + 64 - ROUNDER_BITS), ...op.i32x4Add, ...op.i32Const(23), ...op.i32x4Shl, ...op.f32x4Mul,
    ...splat(2 ** -64), ...op.f32x4Mul,
  ];
}

/**
 * expNonPositiveF32x4 as statements on locals (each leaves the stack empty), exp(x) into local
 * `out`, for kernels that interleave several groups: the same operations in the same order, so the
 * same bits. x, kf, r and ki are clobbered.
 */
export function expNonPositiveStatements(x: number, kf: number, r: number, ki: number, out: number, fma = false): Statements {
  return [
    [...g(x), ...splat(-104), ...f32x4Pmax, ...s(x)],
    [...g(x), ...splat(Math.LOG2E), ...op.f32x4Mul, ...splat(ROUNDER), ...op.f32x4Add, ...s(ki)],
    [...g(ki), ...splat(ROUNDER), ...op.f32x4Sub, ...s(kf)],
    [...g(x), ...g(kf), ...splat(0.693359375), ...op.f32x4Mul, ...op.f32x4Sub, ...g(kf), ...splat(-2.12194440e-4), ...op.f32x4Mul, ...op.f32x4Sub, ...s(r)],
    [...splat(EXP_P[0]), ...s(out)],
    ...EXP_P.slice(1).map((c) => (fma ? [...g(out), ...g(r), ...splat(c), ...op.f32x4RelaxedMadd, ...s(out)] : [...g(out), ...g(r), ...op.f32x4Mul, ...splat(c), ...op.f32x4Add, ...s(out)])),
    [...g(out), ...g(r), ...op.f32x4Mul, ...g(r), ...op.f32x4Mul, ...g(r), ...op.f32x4Add, ...splat(1), ...op.f32x4Add, ...s(out)],
    [...g(out), ...g(ki), ...i32Splat(127 + 64 - ROUNDER_BITS), ...op.i32x4Add, ...op.i32Const(23), ...op.i32x4Shl, ...op.f32x4Mul, ...splat(2 ** -64), ...op.f32x4Mul, ...s(out)],
  ];
}

/**
 * The group of four floats at byte `off` from the address `at` leaves on the stack, exp'd in place
 * as statements (for interleave): x = the loaded group, then `shift` applied to it (e.g. minus a
 * row's max), exp(x) into local `out` (expNonPositiveStatements: x must be <= 0 or NaN), stored
 * back. The same operations as loading, shifting and storing expNonPositiveF32x4's result, so the
 * same bits. x, kf, r, ki and out are clobbered.
 */
export function expInPlaceStatements(at: number[], off: number, shift: number[], x: number, kf: number, r: number, ki: number, out: number): Statements {
  return [
    [...at, ...op.v128Load(off), ...shift, ...s(x)],
    ...expNonPositiveStatements(x, kf, r, ki, out),
    [...at, ...g(out), ...op.v128Store(off)],
  ];
}
