/**
 * torch.linalg.lu_factor and torch.linalg.lu on rectangular matrices (tall, wide, batched) as torch 1.13: LU is m x n
 * with min(m, n) pivots, P m x m, L m x k, U k x n (k = min(m, n)); they raised "A must be batches of square matrices"
 * (found by torch.lu_unpack's docstring example, tutorials/docstring_examples8.test.ts).
 * Reference: tests/fixtures/torch/lu_rectangular.json, scripts/fixtures/lu_rectangular_fixtures.py.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { torch, type Tensor } from "../../../../lib/tensor/index";

type T = { shape: number[]; data: number[] };
type Case = { A: T; LU: T; pivots: T; P: T; L: T; U: T };
const ref = JSON.parse(readFileSync(new URL("../../../fixtures/torch/lu_rectangular.json", import.meta.url), "utf8")) as { cases: Case[] };

function expectClose(got: Tensor, want: T, label: string, tol = 1e-12): void {
  expect(got.shape, `${label}: shape`).toEqual(want.shape);
  const data = got.reshape(-1).tolist() as number[];
  data.forEach((v, i) => expect(Math.abs(v - want.data[i]), `${label}[${i}]: ${v} vs torch ${want.data[i]}`).toBeLessThanOrEqual(tol));
}

describe("linalg.lu_factor / linalg.lu of rectangular matrices", () => {
  for (const c of ref.cases) {
    it(`A of shape [${c.A.shape.join(", ")}]`, () => {
      const A = torch.tensor(c.A.data, { dtype: torch.float64 }).reshape(c.A.shape);
      const [LU, pivots] = torch.linalg.lu_factor(A);
      expectClose(LU, c.LU, "LU");
      expect(pivots.dtype).toBe(torch.int32); // int32, as torch's
      expectClose(pivots, c.pivots, "pivots", 0);
      const [P, L, U] = torch.linalg.lu(A);
      expectClose(P, c.P, "P", 0);
      expectClose(L, c.L, "L");
      expectClose(U, c.U, "U");
      expect(torch.allclose(P.matmul(L).matmul(U), A, { atol: 1e-12 })).toBe(true);
      const [P2, L2, U2] = torch.lu_unpack(LU, pivots);
      expect(torch.equal(P2, P) && torch.equal(L2, L) && torch.equal(U2, U)).toBe(true);
    });
  }

  it("float32 gives float32 factors that reconstruct A", () => {
    const A = torch.randn(2, 3, 2, { generator: new torch.Generator(3) });
    const [P, L, U] = torch.linalg.lu(A);
    expect([P.dtype, L.shape, U.shape]).toEqual([torch.float32, [2, 3, 2], [2, 2, 2]]);
    expect(torch.allclose(P.matmul(L).matmul(U), A, { atol: 1e-5 })).toBe(true);
  });

  it("a 1-D input raises torch's message", () => {
    expect(() => torch.linalg.lu_factor(torch.ones(3))).toThrow(/at least 2 dimensions/);
  });
});
