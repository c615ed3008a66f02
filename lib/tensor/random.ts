/**
 * Seeded random numbers. The engine is Mersenne Twister (mt19937) like PyTorch's CPU generator,
 * and the draws follow PyTorch's recipes (24-bit floats for float32 `rand`, Box-Muller in blocks
 * of 16 for `randn`, `random() % range` for `randint`, swap shuffles for `randperm`), so after
 * `torch.manual_seed(s)` our numbers track real PyTorch's CPU numbers closely. Only integer
 * arithmetic and fdlibm-backed Math functions are used, so every JS host repeats them exactly.
 */
import { isOptions, parseArgs } from "./args";
import { CPU, checkDevice, type Device, type DeviceLike } from "./device";
import { RuntimeError, TypeError_ } from "./errors";

const N = 624;
const M = 397;

export class Generator {
  private mt = new Uint32Array(N);
  private mti = N;
  private seed_ = 0;
  /** Box-Muller makes two samples; scalar draws keep the second one like PyTorch does. */
  private nextNormal: number | null = null;

  /**
   * new Generator() or new Generator(seed) (the engine's shorthand for Generator().manual_seed(seed)); torch's
   * Generator(device='cpu') / Generator('cpu') / Generator(torch.device('cpu')) too: the CPU is the only device here.
   */
  constructor(seed: number | DeviceLike | { device?: DeviceLike } = 67280421310721) {
    if (typeof seed !== "number") {
      const dev = isOptions(seed) ? parseArgs<{ device?: DeviceLike }>("Generator", ["device"], [seed]).device : (seed as DeviceLike);
      checkDevice(dev, "Generator");
      seed = 67280421310721;
    }
    this.manual_seed(seed);
  }

  /** The generator's device, as torch's generator.device: the CPU. */
  get device(): Device {
    return CPU;
  }

  manual_seed(seed: number): this {
    if (typeof seed !== "number" && typeof seed !== "bigint") {
      // torch 1.13: g.manual_seed(seed=1) is refused, as is a seed that is not an integer type
      if (isOptions(seed)) throw new TypeError_("Generator.manual_seed() takes no keyword arguments");
      const kind = typeof seed === "string" ? "str" : seed === null || seed === undefined ? "NoneType" : typeof seed;
      throw new RuntimeError(`manual_seed expected a long, but got ${kind}`);
    }
    // PyTorch keeps a 64-bit seed but mt19937 is initialised from its low 32 bits.
    const s = Number(BigInt.asUintN(32, BigInt(Math.trunc(seed))));
    this.seed_ = seed;
    this.mt[0] = s >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = this.mt[i - 1] ^ (this.mt[i - 1] >>> 30);
      this.mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.mti = N;
    this.nextNormal = null;
    return this;
  }

  initial_seed(): number {
    return this.seed_;
  }

  /**
   * torch.Generator.seed(): reseeds from a non-deterministic source and returns the new seed.
   * PyTorch reads std::random_device; the engine has no host APIs, so Math.random (the JS
   * runtime's own entropy-seeded generator) supplies 53 bits, which stay exact as a number.
   */
  seed(): number {
    const high = Math.floor(Math.random() * 2 ** 21);
    const low = Math.floor(Math.random() * 2 ** 32);
    return this.manual_seed(high * 2 ** 32 + low).initial_seed();
  }

  /** A snapshot that `set_state` restores exactly (for reproducible sub-streams). */
  get_state(): { mt: Uint32Array; mti: number; seed: number; nextNormal: number | null } {
    return { mt: this.mt.slice(), mti: this.mti, seed: this.seed_, nextNormal: this.nextNormal };
  }

  set_state(state: { mt: Uint32Array; mti: number; seed: number; nextNormal: number | null }): this {
    this.mt.set(state.mt);
    this.mti = state.mti;
    this.seed_ = state.seed;
    this.nextNormal = state.nextNormal;
    return this;
  }

  /** Next raw 32-bit output, as an unsigned integer. */
  random(): number {
    if (this.mti >= N) this.twist();
    let y = this.mt[this.mti++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** Uniform in [0, 1) with float32's 24 bits of mantissa (PyTorch's float path). */
  uniform24(): number {
    return (this.random() & 0xffffff) * 5.9604644775390625e-8;
  }

  /** Uniform in [0, 1) with 53 bits (PyTorch's double path: two draws, high word first). */
  uniform53(): number {
    const hi = this.random() & 0x1fffff;
    const lo = this.random();
    return (hi * 4294967296 + lo) * 1.1102230246251565e-16;
  }

  /** One standard normal sample (PyTorch's scalar normal_distribution<double>). */
  normal(): number {
    if (this.nextNormal !== null) {
      const v = this.nextNormal;
      this.nextNormal = null;
      return v;
    }
    const u1 = this.uniform53();
    const u2 = this.uniform53();
    const r = Math.sqrt(-2 * Math.log(1 - u2));
    const theta = 2 * Math.PI * u1;
    this.nextNormal = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  /** Fills `out` with uniform [from, to) values; `wide` selects the 53-bit draw for float64. */
  fillUniform(out: Float32Array | Float64Array, from: number, to: number, wide: boolean): void {
    if (wide) {
      // PyTorch's CPU kernels are built with FMA: u * span + from is one fused rounding there.
      const span = to - from;
      for (let i = 0; i < out.length; i++) out[i] = fusedMultiplyAdd(this.uniform53(), span, from);
      return;
    }
    // PyTorch's float path: bounds rounded to float32, span subtracted in float32, then
    // u * span + from evaluated in double and rounded once (bit-identical to torch 1.13).
    const lo = Math.fround(from);
    const span = Math.fround(Math.fround(to) - lo);
    for (let i = 0; i < out.length; i++) out[i] = this.uniform24() * span + lo;
  }

  /** Fills `out` with normal(mean, std) samples, reproducing PyTorch's normal_fill layout. */
  fillNormal(out: Float32Array | Float64Array, mean: number, std: number, wide: boolean, serial = false): void {
    const n = out.length;
    // serial: one draw per element, as PyTorch fills fewer than 16 elements or a non-contiguous tensor (its
    // normal_kernel takes the Box-Muller blocks only for a contiguous tensor of 16 or more)
    if (n < 16 || serial) {
      for (let i = 0; i < n; i++) out[i] = this.normal() * std + mean;
      return;
    }
    for (let i = 0; i < n; i++) out[i] = wide ? this.uniform53() : this.uniform24();
    const block = wide ? boxMuller16 : boxMuller16Float;
    for (let i = 0; i + 16 <= n; i += 16) block(out, i, mean, std);
    if (n % 16 !== 0) {
      // PyTorch redraws the last 16 slots so the tail also gets a full Box-Muller block.
      const start = n - 16;
      for (let i = start; i < n; i++) out[i] = wide ? this.uniform53() : this.uniform24();
      block(out, start, mean, std);
    }
  }

  private twist(): void {
    const mt = this.mt;
    for (let i = 0; i < N; i++) {
      const y = (mt[i] & 0x80000000) | (mt[(i + 1) % N] & 0x7fffffff);
      let v = mt[(i + M) % N] ^ (y >>> 1);
      if (y & 1) v ^= 0x9908b0df;
      mt[i] = v >>> 0;
    }
    this.mti = 0;
  }
}

const SPLITTER = 134217729; // 2^27 + 1, Dekker's split of a double into two 26-bit halves

/**
 * a * b + c with a single rounding, as a hardware FMA gives: the product is split exactly into
 * p + e (Dekker), p + c into s + t (Knuth's two-sum), then s + (t + e) rounds once more. Equal to
 * the correctly rounded result except in rare double-rounding ties.
 */
export function fusedMultiplyAdd(a: number, b: number, c: number): number {
  const p = a * b;
  const ca = SPLITTER * a;
  const ah = ca - (ca - a);
  const al = a - ah;
  const cb = SPLITTER * b;
  const bh = cb - (cb - b);
  const bl = b - bh;
  const e = ah * bh - p + ah * bl + al * bh + al * bl;
  const s = p + c;
  const bv = s - p;
  const t = p - (s - bv) + (c - bv);
  return s + (t + e);
}

function boxMuller16(data: Float32Array | Float64Array, base: number, mean: number, std: number): void {
  for (let j = 0; j < 8; j++) {
    const u1 = 1 - data[base + j];
    const u2 = data[base + j + 8];
    const radius = Math.sqrt(-2 * Math.log(u1));
    const theta = 2 * Math.PI * u2;
    data[base + j] = radius * Math.cos(theta) * std + mean;
    data[base + j + 8] = radius * Math.sin(theta) * std + mean;
  }
}

// ---- float32 normal_: torch 1.13's normal_fill_16_AVX2 ----
// On an AVX2 + FMA CPU (any x86-64 machine of the last decade, where the fixtures are made),
// PyTorch fills float32 tensors of >= 16 elements with eight-lane float32 Box-Muller: log256_ps
// and sincos256_ps of avx_mathfun.h (cephes polynomials in float32), its mul-then-add pairs
// contracted to FMAs by the compiler. Computing that in double (boxMuller16) gave values a few
// float32 ulps off, some tens of ulps near a zero of sin / cos, so seeded convolution inits
// drifted from torch's. Each step below is one float32 rounding (Math.fround; fma32 rounds the
// exact product plus the addend once more): 4096 seeded randn values equal torch 1.13's bit for bit.
const f32 = Math.fround;
const fma32 = (a: number, b: number, c: number): number => f32(a * b + c);
const bitsView = new DataView(new ArrayBuffer(4));
const LOG_P = [7.0376836292e-2, -1.151461031e-1, 1.167699874e-1, -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1].map(f32);

/** avx_mathfun's log256_ps for one lane (u1 = 1 - u is in (0, 1], never 0 or negative here). */
function log256(x: number): number {
  bitsView.setFloat32(0, Math.max(x, 1.17549435e-38));
  const bits = bitsView.getInt32(0);
  let e = f32((bits >>> 23) - 0x7f + 1);
  bitsView.setInt32(0, (bits & ~0x7f800000) | 0x3f000000); // mantissa in [0.5, 1)
  x = bitsView.getFloat32(0);
  const below = x < f32(0.707106781186547524);
  const tmp = below ? x : 0;
  x = f32(x - 1);
  if (below) e = f32(e - 1);
  x = f32(x + tmp);
  const z = f32(x * x);
  let y = LOG_P[0];
  for (let k = 1; k < LOG_P.length; k++) y = fma32(y, x, LOG_P[k]);
  y = f32(y * x);
  y = fma32(y, z, f32(e * f32(-2.1219444e-4)));
  y = fma32(z, -0.5, y);
  x = f32(x + y);
  return fma32(e, 0.693359375, x);
}

/** avx_mathfun's sincos256_ps for one lane: [sin(x), cos(x)]. */
function sincos256(x: number): [number, number] {
  let signSin = x < 0;
  x = Math.abs(x);
  let j = Math.trunc(f32(x * f32(1.27323954473516))); // 4 / pi
  j = (j + 1) & ~1;
  const y = f32(j);
  if (j & 4) signSin = !signSin;
  const polySin = (j & 2) !== 0;
  const signCos = (~(j - 2) & 4) !== 0;
  x = fma32(y, -0.78515625, x);
  x = fma32(y, f32(-2.4187564849853515625e-4), x);
  x = fma32(y, f32(-3.77489497744594108e-8), x);
  const z = f32(x * x);
  let c = fma32(fma32(f32(2.443315711809948e-5), z, f32(-1.388731625493765e-3)), z, f32(4.166664568298827e-2));
  c = f32(c * z);
  c = fma32(c, z, -f32(z * 0.5));
  c = f32(c + 1);
  let s = fma32(fma32(f32(-1.9515295891e-4), z, f32(8.3321608736e-3)), z, f32(-1.6666654611e-1));
  s = fma32(f32(s * z), x, x);
  const sin = polySin ? c : s;
  const cos = polySin ? s : c;
  return [signSin ? -sin : sin, signCos ? -cos : cos];
}

function boxMuller16Float(data: Float32Array | Float64Array, base: number, mean: number, std: number): void {
  const m = f32(mean), sd = f32(std), twoPi = f32(2 * Math.PI);
  for (let j = 0; j < 8; j++) {
    const u1 = f32(1 - data[base + j]);
    const u2 = data[base + j + 8];
    const radius = f32(Math.sqrt(f32(-2 * log256(u1))));
    const [sin, cos] = sincos256(f32(twoPi * u2));
    data[base + j] = fma32(f32(radius * cos), sd, m);
    data[base + j + 8] = fma32(f32(radius * sin), sd, m);
  }
}

/** The process-wide generator behind torch.rand/randn/randperm and DataLoader's shuffle. */
export const default_generator = new Generator();

export function manual_seed(seed: number): Generator {
  return default_generator.manual_seed(seed);
}
