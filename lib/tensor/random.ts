/**
 * Seeded random numbers. The engine is Mersenne Twister (mt19937) like PyTorch's CPU generator,
 * and the draws follow PyTorch's recipes (24-bit floats for float32 `rand`, Box-Muller in blocks
 * of 16 for `randn`, `random() % range` for `randint`, swap shuffles for `randperm`), so after
 * `torch.manual_seed(s)` our numbers track real PyTorch's CPU numbers closely. Only integer
 * arithmetic and fdlibm-backed Math functions are used, so every JS host repeats them exactly.
 */
const N = 624;
const M = 397;

export class Generator {
  private mt = new Uint32Array(N);
  private mti = N;
  private seed_ = 0;
  /** Box-Muller makes two samples; scalar draws keep the second one like PyTorch does. */
  private nextNormal: number | null = null;

  constructor(seed = 67280421310721) {
    this.manual_seed(seed);
  }

  manual_seed(seed: number): this {
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
    for (let i = 0; i + 16 <= n; i += 16) boxMuller16(out, i, mean, std);
    if (n % 16 !== 0) {
      // PyTorch redraws the last 16 slots so the tail also gets a full Box-Muller block.
      const start = n - 16;
      for (let i = start; i < n; i++) out[i] = wide ? this.uniform53() : this.uniform24();
      boxMuller16(out, start, mean, std);
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

/** The process-wide generator behind torch.rand/randn/randperm and DataLoader's shuffle. */
export const default_generator = new Generator();

export function manual_seed(seed: number): Generator {
  return default_generator.manual_seed(seed);
}
