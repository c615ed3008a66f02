/**
 * Complex log / log2 / log10 / sqrt / reciprocal / pow (a number, a real or a complex tensor exponent): values on the
 * negative real axis with both signs of zero, at zero and at tiny values, dtypes, gradients through a float64 leaf
 * (torch's convention for complex gradients) and node names, against torch 1.13
 * (scripts/fixtures/complex_math_fixtures.py), the gradients also against float64 finite differences.
 */
import { describe, expect, it } from "vitest";
import { torch, type ComplexTensor } from "../../../../lib/tensor/index";
import { gradcheck } from "../../../../lib/grading/gradcheck";
import { expectT, type TJ } from "../tutorials/helpers";
import fixture from "../../../fixtures/torch/complex_math.json";

const g = fixture as unknown as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
/** A fixture number: "nan" / "inf" / "-inf" as the fixture writes them (JSON has no literal for them). */
const num = (v: number | string): number => (v === "inf" ? Infinity : v === "-inf" ? -Infinity : Number(v));
const T = (j: TJ, dtype = torch.float32) => torch.tensor(j.data.map(num), { dtype }).reshape(j.shape);
/** view_as_real(z) against the fixture, NaN where torch has NaN, each value within tol (relative above 1). */
function expectC(z: ComplexTensor, e: TJ, tol: number): void {
  const got = torch.view_as_real(z).reshape(-1).tolist() as number[];
  expect([...torch.view_as_real(z).shape]).toEqual(e.shape);
  got.forEach((v, i) => {
    const want = num(e.data[i]);
    if (Number.isNaN(want)) expect(v, `at ${i}`).toBeNaN();
    else if (!Number.isFinite(want)) expect(v, `at ${i}`).toBe(want);
    else expect(Math.abs(v - want), `at ${i}: ${v} vs ${want}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(want)));
  });
}

const z = torch.complex(T(g.z.re), T(g.z.im));
/** torch.<fn>(z, ...) with a complex first argument (the torch functions' types name real tensors; they dispatch on a complex one). */
const tc = torch as unknown as Record<string, (...args: unknown[]) => ComplexTensor>;
const ops: Record<string, (w: ComplexTensor) => ComplexTensor> = {
  log: (w) => tc.log(w), log2: (w) => tc.log2(w), log10: (w) => tc.log10(w), sqrt: (w) => tc.sqrt(w),
  reciprocal: (w) => tc.reciprocal(w), pow2: (w) => w.pow(2), pow3: (w) => w.pow(3), pow_half: (w) => w.pow(0.5),
  pow_1_5: (w) => w.pow(1.5), pow_m1: (w) => w.pow(-1), pow_self: (w) => tc.pow(w, w.flip(0)),
};

describe("complex log, sqrt, reciprocal and pow", () => {
  it("values equal torch's, on the branch cut (both signed zeros), at zero and at 1e-20", () => {
    const v = g.values;
    expectC(tc.log(z), v.log, 1e-6);
    expectC(tc.log2(z), v.log2, 1e-6);
    expectC(z.log10(), v.log10, 1e-6);
    expectC(tc.sqrt(z), v.sqrt, 1e-6);
    expectC(z.reciprocal(), v.reciprocal, 1e-6);
    expectC(z.pow(0), v.pow0, 0);
    expectC(z.pow(1), v.pow1, 0);
    expectC(z.pow(2), v.pow2, 0);
    expectC(tc.pow(z, 3), v.pow3, 0);
    expectC(z.pow(0.5), v.pow_half, 1e-6);
    expectC(z.pow(-1), v.pow_m1, 1e-6);
    expectC(z.pow(-2), v.pow_m2, 1e-6);
    expectC(z.pow(1.5), v.pow_1_5, 1e-6);
    expectC(tc.pow(z, z.flip(0)), v.pow_z, 1e-5);
    expectC(z.pow(torch.linspace(-1, 2, 10)), v.pow_real_tensor, 1e-5);
    // the negative real axis: the sign of a zero imaginary part picks the side of the cut
    const sq = tc.sqrt(z);
    expect([Object.is(sq.imag.index(7).item(), -2), Object.is(sq.real.index(7).item(), 0)]).toEqual([true, true]);
    expect([tc.log(z.to(torch.complex128)).dtype, z.pow(2).dtype, tc.sqrt(z).dtype].map(String)).toEqual(g.dtypes);
  });

  it("gradients equal torch's and float64 finite differences; node names are torch's", () => {
    const W = torch.linspace(-1.0, 1.5, 10, { dtype: torch.float64 }).view(5, 2);
    for (const [name, fn] of Object.entries(ops)) {
      const a = T(g.leaf, torch.float64).requires_grad_();
      const y = fn(torch.view_as_complex(a));
      torch.view_as_real(y).mul(W).sum().backward();
      expectT(a.grad!, g.grads[name].grad, 1e-10);
      expect(y.grad_fn!.name(), name).toBe(g.grads[name].name);
      gradcheck((x) => torch.view_as_real(fn(torch.view_as_complex(x))), [T(g.leaf, torch.float64)]);
    }
  });
});
