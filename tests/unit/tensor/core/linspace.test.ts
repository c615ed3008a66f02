/**
 * torch.linspace bit for bit against PyTorch 1.13 (scripts/fixtures/linspace_fixtures.py,
 * tests/fixtures/torch/core/linspace.json): float32, float64 and int64 over hand-picked and random
 * ranges and step counts (the vector blocks, the tail, the halfway switch from start to end), the
 * fused multiply-add the kernel needs (ops/fused_multiply_add.ts), and the dtypes it refuses; then
 * torch.logspace (its own loop: exponents in double, pow in double).
 */
import { afterEach, describe, expect, it } from "vitest";
import { torch, type Tensor } from "../../../../lib/tensor/index";
import { fmaF64 } from "../../../../lib/tensor/ops/fused_multiply_add";
import { fixture } from "../nn/helpers";

interface Case { start: number; end: number; steps: number; values: number[] }
interface LogCase extends Case { base: number }
const fx = fixture<{
  float32: Case[]; float64: Case[]; int64: Case[]; fma64: [number, number, number, number][]; logspace_float32: LogCase[]; logspace_float64: LogCase[];
}>("core/linspace.json");

/** The cases whose values differ from torch's in any bit (Object.is: -0 and 0 differ too). */
function mismatches(cases: Case[], dtype: Tensor["dtype"]): string[] {
  const bad: string[] = [];
  for (const c of cases) {
    const got = torch.linspace(c.start, c.end, c.steps, { dtype }).tolist() as number[];
    const i = c.values.findIndex((v, k) => !Object.is(v, got[k]));
    if (got.length !== c.values.length || i >= 0) bad.push(`linspace(${c.start}, ${c.end}, ${c.steps})[${i}] = ${got[i]}, torch ${c.values[i]}`);
  }
  return bad;
}

describe("torch.linspace matches PyTorch 1.13 to the bit", () => {
  afterEach(() => torch.set_default_dtype(torch.float32));

  it.each([
    ["float32", torch.float32],
    ["float64", torch.float64],
    ["int64", torch.int64],
  ] as const)("%s", (name, dtype) => {
    const cases = fx[name];
    expect(cases.length).toBeGreaterThan(70);
    expect(mismatches(cases, dtype)).toEqual([]);
  });

  it("takes the default dtype, a keyword steps, requires_grad; int64 values are integers", () => {
    torch.set_default_dtype(torch.float64);
    const c = fx.float64.find((k) => k.steps === 99)!;
    const t = torch.linspace(c.start, c.end, { steps: c.steps, requires_grad: true });
    expect(t.dtype).toBe(torch.float64);
    expect(t.requires_grad).toBe(true);
    expect(t.tolist()).toEqual(c.values);
    expect((torch.linspace(0, 10, 20, { dtype: torch.int64 }).tolist() as number[]).every(Number.isInteger)).toBe(true);
  });

  it("refuses bool as PyTorch does, and steps it cannot use", () => {
    expect(() => torch.linspace(0, 1, 3, { dtype: torch.bool })).toThrow(`"linspace_cpu" not implemented for 'Bool'`);
    expect(() => torch.linspace(0, 1, -1)).toThrow("number of steps must be non-negative");
  });
});

describe("fmaF64: a * b + c rounded once", () => {
  it("equals the exactly computed result for every fixture case", () => {
    const bad = fx.fma64.filter(([a, b, c, want]) => !Object.is(fmaF64(a, b, c), want));
    expect(fx.fma64.length).toBe(300);
    expect(bad).toEqual([]);
  });

  it("differs from the unfused a * b + c where the product's lost bits matter", () => {
    // (1 + 2^-30)^2 - 1 = 2^-29 + 2^-60: a * b rounds the 2^-60 away, the fused form keeps it.
    const a = 1 + 2 ** -30;
    expect(a * a - 1).toBe(2 ** -29);
    expect(fmaF64(a, a, -1)).toBe(2 ** -29 + 2 ** -60);
  });
});

describe("torch.logspace matches PyTorch 1.13", () => {
  const run = (c: LogCase, dtype: Tensor["dtype"]) => torch.logspace(c.start, c.end, c.steps, { base: c.base, dtype }).tolist() as number[];

  it("float32 to the bit (start, end and their difference in float32, exponents and pow in double)", () => {
    const bad = fx.logspace_float32.filter((c) => run(c, torch.float32).some((v, i) => !Object.is(v, c.values[i])));
    expect(fx.logspace_float32.length).toBe(66);
    expect(bad.map((c) => `logspace(${c.start}, ${c.end}, ${c.steps}, base=${c.base})`)).toEqual([]);
  });

  it("float64 to 2 ulp: the exponents are torch's, but V8's Math.pow is not glibc's correctly rounded pow", () => {
    for (const c of fx.logspace_float64) {
      run(c, torch.float64).forEach((v, i) => expect(Math.abs(v - c.values[i])).toBeLessThanOrEqual(4.5e-16 * Math.abs(c.values[i])));
    }
  });
});
