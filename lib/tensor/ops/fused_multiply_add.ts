/**
 * a * b + c rounded once, as a fused multiply-add instruction gives it: JavaScript has no Math.fma,
 * and PyTorch's AVX2 kernels are compiled with FMA contraction, so matching their bits (linspace)
 * needs it. Both use error-free transformations (the exact product and sum as two doubles).
 */

const f64 = new Float64Array(1);
const u64 = new BigInt64Array(f64.buffer);

/** s + err === a + b exactly (Knuth's TwoSum). */
function twoSum(a: number, b: number): [number, number] {
  const s = a + b;
  const bb = s - a;
  return [s, a - (s - bb) + (b - bb)];
}

/** Veltkamp's split of a double into two 26-bit halves. */
function split(a: number): [number, number] {
  const c = 134217729 * a; // 2^27 + 1
  const hi = c - (c - a);
  return [hi, a - hi];
}

/** p + err === a * b exactly (Dekker's TwoProduct), barring overflow. */
function twoProduct(a: number, b: number): [number, number] {
  const p = a * b;
  const [ah, al] = split(a);
  const [bh, bl] = split(b);
  return [p, ah * bh - p + ah * bl + al * bh + al * bl];
}

/** The float64 fused multiply-add: a * b + c with one rounding (to nearest, ties to even). */
export function fmaF64(a: number, b: number, c: number): number {
  const [p, pe] = twoProduct(a, b);
  if (!Number.isFinite(p) || !Number.isFinite(c) || c === 0 || p === 0) return p + c;
  const [s, se] = twoSum(p, c);
  const [t, te] = twoSum(se, pe);
  // Exactly s + t when te is 0, and rounding that once is the answer; otherwise do it in integers.
  return te === 0 ? s + t : exactFma(a, b, c);
}

/** x === m * 2^e with m an integer (x finite, non-zero). */
function decompose(x: number): [bigint, number] {
  f64[0] = x;
  const bits = u64[0];
  const biased = Number((bits >> 52n) & 0x7ffn);
  let m = bits & 0xfffffffffffffn;
  if (biased !== 0) m |= 0x10000000000000n;
  return [bits < 0n ? -m : m, (biased === 0 ? 1 : biased) - 1075];
}

/** a * b + c computed exactly in integers, then rounded once (normal results). */
function exactFma(a: number, b: number, c: number): number {
  const [ma, ea] = decompose(a);
  const [mb, eb] = decompose(b);
  const [mc, ec] = decompose(c);
  const e = Math.min(ea + eb, ec);
  const n = ((ma * mb) << BigInt(ea + eb - e)) + (mc << BigInt(ec - e));
  if (n === 0n) return 0;
  let mag = n < 0n ? -n : n;
  let shift = 0;
  const bits = mag.toString(2).length;
  if (bits > 64) {
    // Keep 64 bits and a sticky bit, so Number() rounds as the full value would (no false ties).
    shift = bits - 64;
    const lost = mag & ((1n << BigInt(shift)) - 1n);
    mag = (mag >> BigInt(shift)) | (lost === 0n ? 0n : 1n);
  }
  const value = Number(mag) * 2 ** (e + shift);
  return n < 0n ? -value : value;
}

/** The float32 fused multiply-add of float32 values: the exact product fits a double, one sum rounds. */
export function fmaF32(a: number, b: number, c: number): number {
  const [s, e] = twoSum(a * b, c); // a * b is exact: 24 + 24 significant bits
  const r = Math.fround(s);
  if (e === 0 || r === s) return r;
  // Rounding s to float32 is wrong only when s sits exactly half-way between two floats: e decides.
  const other = s > r ? nextUp32(r) : nextDown32(r);
  if ((r + other) / 2 !== s) return r;
  return e > 0 ? Math.max(r, other) : Math.min(r, other);
}

const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);
function nextUp32(x: number): number {
  f32[0] = x;
  if (x === 0) return 1.401298464324817e-45;
  i32[0] += x > 0 ? 1 : -1;
  return f32[0];
}
function nextDown32(x: number): number {
  return -nextUp32(-x);
}
