/**
 * torch.geqrf(A) / A.geqrf() -> (a, tau), LAPACK's Householder QR, as torch 1.13 (it was missing: torch.linalg.
 * householder_product's docstring example starts from it, tutorials/docstring_examples8.test.ts). a holds R on and
 * above the diagonal and the Householder vectors below it; householder_product(a, tau) is Q. Values vs torch 1.13 to
 * 1e-12 (tests/fixtures/torch/geqrf.json, scripts/fixtures/geqrf_fixtures.py): square, tall, wide, batched, a zero
 * column (tau 0), a negative diagonal. Not differentiable, as in torch.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { torch, type Tensor } from "../../../../lib/tensor/index";

type T = { shape: number[]; data: number[] };
type Case = { name: string; A: T; a: T; tau: T; Q: T };
const ref = JSON.parse(readFileSync(new URL("../../../fixtures/torch/geqrf.json", import.meta.url), "utf8")) as { cases: Case[] };
const f64 = (t: T) => torch.tensor(t.data, { dtype: torch.float64 }).reshape(t.shape);

function expectClose(got: Tensor, want: T, label: string): void {
  expect(got.shape, label).toEqual(want.shape);
  (got.reshape(-1).tolist() as number[]).forEach((v, i) => expect(Math.abs(v - want.data[i]), `${label}[${i}]: ${v} vs torch ${want.data[i]}`).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(want.data[i]))));
}

describe("torch.geqrf", () => {
  for (const c of ref.cases) {
    it(c.name, () => {
      const [a, tau] = torch.geqrf(f64(c.A));
      expectClose(a, c.a, "a");
      expectClose(tau, c.tau, "tau");
      expectClose(torch.linalg.householder_product(a.narrow(-1, 0, Math.min(...a.shape.slice(-2))), tau), c.Q, "Q");
      const named = f64(c.A).geqrf();
      expect(torch.equal(named.a, a) && torch.equal(named.tau, tau)).toBe(true);
    });
  }

  it("float32 in, float32 out; Q R rebuilds A", () => {
    const A = torch.randn(4, 3, { generator: new torch.Generator(5) });
    const { a, tau } = torch.geqrf(A);
    expect([a.dtype, tau.shape]).toEqual([torch.float32, [3]]);
    const Q = torch.linalg.householder_product(a, tau);
    expect(torch.allclose(Q.matmul(a.index(":3").triu()), A, { atol: 1e-5 })).toBe(true);
  });

  it("refuses what torch refuses", () => {
    expect(() => torch.geqrf(torch.ones(3))).toThrow("torch.geqrf: The input tensor A must have at least 2 dimensions.");
    expect(() => torch.geqrf(torch.ones([2, 2], { dtype: torch.long }))).toThrow(/Expected a floating point/);
  });
});
