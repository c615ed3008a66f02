/**
 * Bitwise and integer ops with PyTorch's names: bitwise_and / or / xor / not, bitwise_left_shift /
 * right_shift, gcd, lcm, frexp, ldexp. Integer tensors are int64, int32, int16, int8 or uint8 (stored as exact integers in a
 * float array, see dtype.ts; the narrow types' results keep their low bits) or bool; values fit in 32 bits take the fast path, larger ones go
 * through BigInt so the 64-bit two's-complement results PyTorch gives are kept. None of these has
 * a gradient except ldexp (a product with 2^other, recorded as such).
 */
import { bool, refuseBool, cppTypeName, int32, isIntegral, uint8, wrapInto, wrapsAround, type DType } from "../dtype";
import { get_default_dtype } from "../default_dtype";
import { RuntimeError } from "../errors";
import { broadcastShapes } from "../shape";
import { Tensor, type TensorLike } from "../tensor";
import { mul, pow } from "./arithmetic";
import { contiguousData, empty, operands } from "./util";

export { cppTypeName }; // PyTorch's C++ type names (dtype.ts), used in "not implemented for 'Float'" messages

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const fits32 = (v: number): boolean => v >= INT32_MIN && v <= INT32_MAX;
const big = (v: number): bigint => BigInt(v);
const fromBig = (v: bigint): number => Number(BigInt.asIntN(64, v));

type IntFn = (a: number, b: number) => number;

/** Broadcasts a and b and writes f(a_i, b_i) into a fresh tensor of dtype `dt`. */
function map2(a: Tensor, b: Tensor, dt: DType, op: string, f: IntFn): Tensor {
  const shape = broadcastShapes(a.shape, b.shape, op);
  const ad = contiguousData(a.expand(shape));
  const bd = contiguousData(b.expand(shape));
  const out = empty(shape, dt);
  const o = out._data;
  for (let i = 0; i < o.length; i++) o[i] = f(ad[i], bd[i]) + 0; // + 0: no -0 in integer results
  wrapInto(dt, o); // uint8 keeps the low 8 bits (200 << 2 -> 32), int8 / int16 / int32 theirs
  return out;
}

/** Both operands as integer/bool tensors of their promoted dtype, or PyTorch's error for floats. */
function integerOperands(a: TensorLike, b: TensorLike, op: string, kernel: string): [Tensor, Tensor, DType] {
  const [x, y, dt] = operands(a, b, op);
  if (dt.is_floating_point) throw new RuntimeError(`"${kernel}" not implemented for '${cppTypeName(dt)}'`);
  return [x.dtype === dt ? x : x.to(dt), y.dtype === dt ? y : y.to(dt), dt];
}

function bitwise(a: TensorLike, b: TensorLike, op: "and" | "or" | "xor"): Tensor {
  const [x, y, dt] = integerOperands(a, b, `bitwise_${op}`, `bitwise_${op}_cpu`);
  const small: IntFn = op === "and" ? (u, v) => u & v : op === "or" ? (u, v) => u | v : (u, v) => u ^ v;
  const wide = op === "and" ? (u: bigint, v: bigint) => u & v : op === "or" ? (u: bigint, v: bigint) => u | v : (u: bigint, v: bigint) => u ^ v;
  return map2(x, y, dt, `bitwise_${op}`, (u, v) => (fits32(u) && fits32(v) ? small(u, v) : fromBig(wide(big(u), big(v)))));
}

export const bitwise_and = (a: TensorLike, b: TensorLike): Tensor => bitwise(a, b, "and");
export const bitwise_or = (a: TensorLike, b: TensorLike): Tensor => bitwise(a, b, "or");
export const bitwise_xor = (a: TensorLike, b: TensorLike): Tensor => bitwise(a, b, "xor");

/** ~x: two's complement for the signed integers (-x - 1), 255 - x for uint8, logical not for bool. */
export function bitwise_not(x: Tensor): Tensor {
  if (!(x instanceof Tensor)) throw new RuntimeError("bitwise_not(): argument 'input' must be a Tensor");
  if (x.dtype.is_floating_point) throw new RuntimeError(`"bitwise_not_cpu" not implemented for '${cppTypeName(x.dtype)}'`);
  const xd = contiguousData(x);
  const out = empty(x.shape, x.dtype);
  const o = out._data;
  if (x.dtype === bool) for (let i = 0; i < o.length; i++) o[i] = xd[i] ? 0 : 1;
  else if (x.dtype === uint8) for (let i = 0; i < o.length; i++) o[i] = 255 - xd[i];
  else for (let i = 0; i < o.length; i++) o[i] = -xd[i] - 1;
  return out;
}

/**
 * a << b and a >> b (arithmetic, sign-filling) on 64-bit two's complement integers. PyTorch 1.13's
 * CPU kernel shifts by the count's low six bits (x86 semantics: 1 << 70 is 64, 5 << -1 is
 * -2^63), so the count is masked the same way here. Floats and bools have no kernel in 1.13.
 */
export function bitwise_left_shift(a: TensorLike, b: TensorLike): Tensor {
  const [x, y, dt] = shiftOperands(a, b, "bitwise_left_shift");
  const mask = shiftMask(dt);
  return map2(x, y, dt, "bitwise_left_shift", (u, v) => fromBig(big(u) << big(v & mask)));
}

export function bitwise_right_shift(a: TensorLike, b: TensorLike): Tensor {
  const [x, y, dt] = shiftOperands(a, b, "bitwise_right_shift");
  const mask = shiftMask(dt);
  return map2(x, y, dt, "bitwise_right_shift", (u, v) => fromBig(big(u) >> big(v & mask)));
}

/**
 * The bits of the shift count x86 uses: six for int64; five for int32, int16, int8 and uint8, which
 * C++ shifts as 32-bit ints (torch 1.13: int16 1 << 40 is 256, uint8 251 << 33 is 246).
 */
const shiftMask = (dt: DType): number => (wrapsAround(dt) ? 31 : 63);

/** Shifts promote like arithmetic; the integer dtypes have kernels (the narrow ones keep their low bits). */
function shiftOperands(a: TensorLike, b: TensorLike, op: string): [Tensor, Tensor, DType] {
  const [x, y, dt] = operands(a, b, op);
  const kernel = op === "bitwise_left_shift" ? "lshift_cpu" : "rshift_cpu";
  if (!isIntegral(dt)) throw new RuntimeError(`"${kernel}" not implemented for '${cppTypeName(dt)}'`);
  return [x.dtype === dt ? x : x.to(dt), y.dtype === dt ? y : y.to(dt), dt];
}

function gcdOf(u: number, v: number): number {
  let a = Math.abs(u);
  let b = Math.abs(v);
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** Greatest common divisor, non-negative; gcd(0, 0) = 0. Integers only. */
export function gcd(a: TensorLike, b: TensorLike): Tensor {
  const [x, y, dt] = integerOperands(a, b, "gcd", "gcd_cpu");
  refuseBool(dt, "gcd_cpu");
  return map2(x, y, dt, "gcd", gcdOf);
}

/** Least common multiple, non-negative; 0 when either is 0. Integers only. */
export function lcm(a: TensorLike, b: TensorLike): Tensor {
  const [x, y, dt] = integerOperands(a, b, "lcm", "lcm_cpu");
  refuseBool(dt, "lcm_cpu");
  return map2(x, y, dt, "lcm", (u, v) => {
    const g = gcdOf(u, v);
    return g === 0 ? 0 : Math.abs((u / g) * v);
  });
}

/** [mantissa, exponent] with x = mantissa * 2^exponent, |mantissa| in [0.5, 1) (0, inf and NaN keep exponent 0). */
export function frexpScalar(v: number): [number, number] {
  if (v === 0 || !Number.isFinite(v)) return [v, 0];
  let e = Math.floor(Math.log2(Math.abs(v))) + 1;
  // Scale in two halves so neither power of two overflows (subnormal inputs have e near -1073).
  const scale = (x: number, k: number): number => x * 2 ** Math.trunc(k / 2) * 2 ** (k - Math.trunc(k / 2));
  let m = scale(v, -e);
  if (Math.abs(m) >= 1) {
    m /= 2;
    e += 1;
  } else if (Math.abs(m) < 0.5) {
    m *= 2;
    e -= 1;
  }
  return [m, e];
}

/** torch.frexp(x) -> [mantissa (x's dtype), exponent (int32)]: floats only. */
export function frexp(x: Tensor): [Tensor, Tensor] & { mantissa: Tensor; exponent: Tensor } {
  if (!(x instanceof Tensor)) throw new RuntimeError("frexp(): argument 'input' must be a Tensor");
  if (!x.dtype.is_floating_point) throw new RuntimeError("torch.frexp() only supports floating-point dtypes");
  const xd = contiguousData(x);
  const mantissa = empty(x.shape, x.dtype);
  const exponent = empty(x.shape, int32);
  for (let i = 0; i < xd.length; i++) [mantissa._data[i], exponent._data[i]] = frexpScalar(xd[i]);
  const res = [mantissa, exponent] as [Tensor, Tensor] & { mantissa: Tensor; exponent: Tensor };
  res.mantissa = mantissa;
  res.exponent = exponent;
  return res;
}

/** input * 2^other, as PyTorch 1.13 defines it (mul(input, pow(2., other))): floats out, gradients through both. */
export function ldexp(input: Tensor, other: TensorLike): Tensor {
  if (!(input instanceof Tensor)) throw new RuntimeError("ldexp(): argument 'input' must be a Tensor");
  if (other instanceof Tensor) {
    // pow(2.0, other): a float base, so an integer exponent tensor gives the default float dtype.
    const exponent = other.dtype.is_floating_point ? other : other.to(get_default_dtype());
    return mul(input, pow(2, exponent));
  }
  if (typeof other !== "number") throw new RuntimeError("ldexp(): argument 'other' must be a Tensor or a number");
  const base = input.dtype.is_floating_point ? input : input.to(get_default_dtype());
  return mul(base, 2 ** other);
}
