/**
 * Engine gaps the Mamba / S4D / KAN / minGRU probe (tutorials/ssm_kan.test.ts) found, against torch 1.13
 * (tests/fixtures/torch/ssm_kan_gaps.json, scripts/fixtures/ssm_kan_gaps_fixtures.py):
 * - torch.logcumsumexp shifted each line by its maximum, so a prefix far below it (exp underflows past ~-103 in
 *   float32) came out -inf and its gradient NaN; minGRU's log-space scan over 150 steps spans ~128. torch runs a
 *   log-add-exp along the line (ops/logcumsumexp.ts), and its backward works in log space, signed gradients too.
 * - torch.einsum's invalid-subscript error counted the index without the equation's spaces and appended its own
 *   hint; torch counts the equation as written (mamba-minimal's einops names 'b l d_in, d_in n' -> index 5).
 */
import { describe, expect, it } from "vitest";
import { gradcheck } from "../../../../lib/grading/gradcheck";
import { F, torch, type Tensor } from "../../../../lib/tensor/index";
import fixture from "../../../fixtures/torch/ssm_kan_gaps.json";
import { gradgradcheck } from "../gradgradcheck";

type TD = { shape: number[]; dtype: string; data: (number | string)[] };
const num = (v: number | string): number => (v === "nan" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : (v as number));
const load = (t: TD): Tensor => torch.tensor(t.data.map(num), { dtype: t.dtype === "float64" ? torch.float64 : torch.float32 }).reshape(t.shape);

/** actual equals expected (dtype, shape, values within tol relative above 1; NaN and infinities exactly). */
function expectTD(actual: Tensor, expected: TD, tol: number): void {
  expect([String(actual.dtype).replace("torch.", ""), [...actual.shape]]).toEqual([expected.dtype, expected.shape]);
  const a = actual.detach().reshape(-1).tolist() as number[];
  expected.data.map(num).forEach((e, i) => {
    if (!Number.isFinite(e)) expect(a[i], `at ${i}`).toBe(e);
    else expect(Math.abs(a[i] - e), `at ${i}: ${a[i]} vs ${e}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(e)));
  });
}

type Case = { x: TD; dim: number; w: TD; y: TD; grad: TD };
function runCase(c: Case, tol: number): void {
  const x = load(c.x).requires_grad_(true);
  const y = torch.logcumsumexp(x, c.dim);
  expect(y.grad_fn?.name()).toBe("LogcumsumexpBackward0");
  y.mul(load(c.w)).sum().backward();
  expectTD(y, c.y, tol);
  expectTD(x.grad!, c.grad, tol);
}

describe("torch.logcumsumexp: a running log-add-exp, as torch", () => {
  it("a float32 line spread over 320 keeps every prefix and gradient finite, signed gradients included", () => {
    runCase(fixture.spread_f32 as Case, 1e-6);
    runCase(fixture.spread_signed as Case, 1e-6);
  });

  it("float64 along either dim, infinities and NaN, a 0-d input", () => {
    runCase(fixture.f64_dim1 as Case, 1e-12);
    runCase(fixture.f64_dim0 as Case, 1e-12);
    expectTD(torch.logcumsumexp(load(fixture.infinities.x as TD), 1), fixture.infinities.y as TD, 1e-6);
    runCase(fixture.scalar as Case, 0);
    expectTD(torch.logcumsumexp(torch.tensor(2.5), -1), fixture.scalar_neg_dim as TD, 0);
    expectTD(torch.tensor([1, 2, 3]).double().logcumsumexp(0), { shape: [3], dtype: "float64", data: [1, 2 + Math.log1p(Math.exp(-1)), Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3))] }, 1e-14);
  });

  it("minGRU's log-space scan over 150 steps: h and the gradient equal torch's", () => {
    const e = fixture.scan;
    const k = load(e.k as TD).requires_grad_(true);
    const log_coeffs = F.softplus(k).neg();
    const log_values = torch.cat([torch.zeros(1, 1, 2), F.softplus(k.neg()).neg()], { dim: 1 });
    const a_star = F.pad(torch.cumsum(log_coeffs, { dim: 1 }), [0, 0, 1, 0]);
    const h = torch.exp(a_star.add(torch.logcumsumexp(log_values.sub(a_star), { dim: 1 }))).index(":", "1:");
    h.sum().backward();
    expectTD(h, e.h as TD, 2e-5);
    expectTD(k.grad!, e.grad as TD, 2e-5);
  });

  it("gradcheck and gradgradcheck in float64, over a wide spread", () => {
    const x = torch.tensor([[-40, -3, 0.5, 20, 21], [2, 1, 0, -1, -2]], { dtype: torch.float64 });
    gradcheck((a) => torch.logcumsumexp(a, 1), [x]);
    gradcheck((a) => torch.logcumsumexp(a, 0), [x]);
    gradgradcheck((a) => torch.logcumsumexp(a, 1), [torch.randn(2, 4, { dtype: torch.float64 })]);
  });
});

describe("torch.einsum's subscript errors, as torch words and counts them", () => {
  it("the index of an invalid label counts the spaces; a comma past the operands raises first; spaces are ignored", () => {
    const e = fixture.einsum;
    const raised = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        return [(err as Error).name, (err as Error).message];
      }
      return null;
    };
    expect(raised(() => torch.einsum("b l d_in, d_in n -> b l d_in n", torch.ones(1, 2, 3), torch.ones(3, 4)))).toEqual(e.names);
    expect(raised(() => torch.einsum("ij,j2->i2", torch.ones(2, 3), torch.ones(3, 4)))).toEqual(e.digit);
    expect(raised(() => torch.einsum("ij,\tjk->ik", torch.ones(2, 3), torch.ones(3, 4)))).toEqual(e.tab);
    expect(raised(() => torch.einsum("ij,jk,k_->i", torch.ones(2, 3), torch.ones(3, 4)))).toEqual(e.fewer_first);
    expectTD(torch.einsum(" b l d , d n -> b l d n ", torch.arange(6).float().view(1, 2, 3), torch.arange(12).float().view(3, 4)), e.spaced as TD, 0);
  });
});
