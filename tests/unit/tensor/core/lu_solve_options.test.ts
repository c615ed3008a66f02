/**
 * torch.linalg.lu_solve(LU, pivots, B, *, left=True, adjoint=False) as torch 1.13: adjoint solves A^T X = B, left=False
 * solves X A = B, and the batch dimensions of LU and B broadcast (it took neither option, silently ignoring them, and
 * expanded B to LU's batch, raising on a (3, 3) LU with a (3, 3, 2) B: torch.linalg.lu_solve's docstring example,
 * tutorials/docstring_examples8.test.ts). Values vs torch 1.13 (tests/fixtures/torch/lu_solve_options.json,
 * scripts/fixtures/lu_solve_options_fixtures.py). lu_solve has no gradient here, as before.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { torch } from "../../../../lib/tensor/index";

type T = { shape: number[]; data: number[] };
type Case = { name: string; A: T; B: T; left: boolean; adjoint: boolean; X: T };
const ref = JSON.parse(readFileSync(new URL("../../../fixtures/torch/lu_solve_options.json", import.meta.url), "utf8")) as { cases: Case[] };
const f64 = (t: T) => torch.tensor(t.data, { dtype: torch.float64 }).reshape(t.shape);

describe("linalg.lu_solve: left, adjoint and batch broadcasting", () => {
  for (const c of ref.cases) {
    it(c.name, () => {
      const [LU, pivots] = torch.linalg.lu_factor(f64(c.A));
      const X = torch.linalg.lu_solve(LU, pivots, f64(c.B), { left: c.left, adjoint: c.adjoint });
      expect(X.shape).toEqual(c.X.shape);
      (X.reshape(-1).tolist() as number[]).forEach((v, i) => expect(Math.abs(v - c.X.data[i]), `X[${i}]`).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(c.X.data[i]))));
    });
  }

  it("float32, and torch's errors for a bad keyword or mismatched sizes", () => {
    const A = torch.randn(3, 3, { generator: new torch.Generator(1) });
    const [LU, pivots] = torch.linalg.lu_factor(A);
    const B = torch.randn(2, 3, 2, { generator: new torch.Generator(2) });
    const X = torch.linalg.lu_solve(LU, pivots, B, { adjoint: true });
    expect(X.dtype).toBe(torch.float32);
    expect(torch.allclose(A.mT.matmul(X), B, { atol: 1e-5 })).toBe(true);
    expect(() => torch.linalg.lu_solve(LU, pivots, B, { transpose: true } as never)).toThrow("linalg.lu_solve() got an unexpected keyword argument 'transpose'");
    expect(() => torch.linalg.lu_solve(LU, pivots, torch.ones(4, 2))).toThrow(/Incompatible shapes of A and B/);
  });
});
