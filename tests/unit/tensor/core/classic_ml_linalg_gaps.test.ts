/**
 * Gaps the classic-ML probe (tutorials/classic_ml_linalg.test.ts) found in torch.linalg, checked against torch 1.13's
 * values (scripts/fixtures/classic_ml_linalg_fixtures.py -> tests/fixtures/torch/tutorials/classic_ml_linalg.json, "gaps"):
 *  - a failed factorisation or a singular input raises torch's _LinAlgError (torch.linalg.LinAlgError, a RuntimeError),
 *    worded with the function that raised it: linalg.cholesky_ex, the deprecated torch.cholesky and Tensor.cholesky
 *    ("cholesky:", with a positional upper),
 *    linalg.inv_ex, and torch.linalg.solve / solve_ex ("The solver failed because the input matrix is singular.");
 *  - cholesky_ex of a matrix that is not positive-definite returns LAPACK's partial factor (the recursive potrf2),
 *    not NaNs; solve_ex's info still names U's zero diagonal element;
 *  - linalg.solve / solve_ex refuse A and B of different dtypes (the engine cast B to A's dtype), before the square
 *    check; solve_triangular still mixes them, as torch's; cholesky_solve checks b / u dims, dtypes and rows as torch;
 *  - solve_triangular and cholesky_solve with a zero on the triangle's diagonal divide through (inf / NaN, as torch's
 *    trsm) instead of raising the singular-matrix error of the engine's inverse-based path;
 *  - linalg.svd of an empty matrix (0 x n, m x 0, batched) returns torch's empty factors (identities with
 *    full_matrices) instead of failing in a reshape.
 */
import { describe, expect, it } from "vitest";
import { RuntimeError, torch } from "../../../../lib/tensor/index";
import { expectT, raised, tutorialFixture, type TJ } from "../tutorials/helpers";

const g = tutorialFixture<{ gaps: Record<string, any> }>("classic_ml_linalg.json").gaps; // eslint-disable-line @typescript-eslint/no-explicit-any

describe("torch.linalg failures as torch 1.13 reports them", () => {
  it("_LinAlgError with each function's own wording", () => {
    const e = g.errors as Record<string, [string, string]>;
    const notpd = torch.tensor([[1, 2], [2, 1]]);
    const sing = torch.tensor([[1, 2], [2, 4]]);
    const bsing = torch.stack([torch.eye(2), torch.zeros(2, 2)]);
    expect(raised(() => torch.linalg.cholesky(notpd))).toEqual(e.cholesky);
    expect(raised(() => torch.linalg.cholesky_ex(torch.stack([torch.eye(2), notpd]), { check_errors: true }))).toEqual(e.cholesky_ex);
    expect(raised(() => torch.cholesky(notpd))).toEqual(e.torch_cholesky);
    expect(raised(() => torch.cholesky(notpd, true))).toEqual(e.torch_cholesky_upper);
    expect(raised(() => torch.linalg.inv(sing))).toEqual(e.inv);
    expect(raised(() => torch.linalg.inv(bsing))).toEqual(e.inv_batch);
    expect(raised(() => torch.linalg.inv_ex(sing, { check_errors: true }))).toEqual(e.inv_ex);
    expect(raised(() => torch.linalg.solve(sing, torch.ones(2)))).toEqual(e.solve);
    expect(raised(() => torch.linalg.solve(bsing, torch.ones(2, 2, 1)))).toEqual(e.solve_batch);
    expect(raised(() => torch.linalg.solve(sing, torch.ones(1, 2), { left: false }))).toEqual(e.solve_left);
    expect(raised(() => torch.linalg.solve_ex(sing, torch.ones(2), { check_errors: true }))).toEqual(e.solve_ex);
    expectT(torch.cholesky(torch.tensor([[4, 2], [2, 5]]), true), g.torch_cholesky_upper_value, 1e-6);
    // the method form is torch.cholesky's: positional upper, "cholesky:" in its error
    expect(raised(() => notpd.cholesky())).toEqual(g.method_cholesky[0]);
    expectT(torch.tensor([[4, 2], [2, 5]]).cholesky(true), g.method_cholesky[1], 1e-6);
    expectT(torch.tensor([[4, 2], [2, 5]]).cholesky({ upper: false }), g.method_cholesky[2], 1e-6);
    expect(torch.linalg.solve_ex(sing, torch.ones(2)).info.item()).toBe(g.solve_ex_info[0]);
    expect(torch.linalg.solve_ex(torch.zeros(2, 2), torch.ones(2)).info.item()).toBe(g.solve_ex_info[1]);
    // a subclass of RuntimeError, exposed as torch.linalg.LinAlgError
    let caught: unknown = null;
    try {
      torch.linalg.cholesky(notpd);
    } catch (err) {
      caught = err;
    }
    expect([caught instanceof torch.linalg.LinAlgError, caught instanceof RuntimeError]).toEqual([true, g.is_runtime_error]);
  });

  it("cholesky_ex of a matrix that is not positive-definite: LAPACK's partial factor and info", () => {
    const A2 = torch.tensor([[4, 2, 1, 3], [2, 1, 5, 2], [1, 5, 3, 1], [3, 2, 1, 2]]);
    const A3 = torch.tensor([[4, 2, 1, 3], [2, 5, 5, 2], [1, 5, 3, 1], [3, 2, 1, 2]]);
    const A5 = torch.tensor([[4, 2, 1, 3, 1], [2, 5, 1, 2, 0], [1, 1, 3, 1, 2], [3, 2, 1, 4, 1], [1, 0, 2, 1, -1]], { dtype: torch.float64 });
    const got = [torch.linalg.cholesky_ex(A2), torch.linalg.cholesky_ex(A3), torch.linalg.cholesky_ex(A5), torch.linalg.cholesky_ex(A3, { upper: true }), torch.linalg.cholesky_ex(torch.tensor([[-1, 2], [2, 1]]))];
    got.forEach(([L, info], i) => {
      const [want, wantInfo] = g.cholesky_ex_partial[i] as [TJ, number];
      expectT(L, want, 1e-6);
      expect(info.item()).toBe(wantInfo);
    });
    const [Lb, infob] = torch.linalg.cholesky_ex(torch.stack([torch.eye(4).mul(4), A3]));
    expectT(Lb, g.cholesky_ex_batch[0], 1e-6);
    expectT(infob, g.cholesky_ex_batch[1], 0);
  });

  it("solve's and cholesky_solve's dtype and shape checks", () => {
    const e = g.dtype_errors as Record<string, [string, string]>;
    const f64 = { dtype: torch.float64 };
    expect(raised(() => torch.linalg.solve(torch.eye(2, f64), torch.ones(2)))).toEqual(e.solve);
    expect(raised(() => torch.linalg.solve(torch.ones(2, 3), torch.ones(2, f64)))).toEqual(e.solve_nonsquare);
    expect(raised(() => torch.linalg.solve(torch.eye(2), torch.ones(1, 2, f64), { left: false }))).toEqual(e.solve_left);
    expect(raised(() => torch.linalg.solve(torch.eye(2), torch.ones(2, { dtype: torch.long })))).toEqual(e.solve_long_b);
    expect(raised(() => torch.linalg.solve_ex(torch.eye(2), torch.ones(2, f64)))).toEqual(e.solve_ex);
    expect(raised(() => torch.cholesky_solve(torch.ones(2), torch.eye(2, f64)))).toEqual(e.cholesky_solve_b1d);
    expect(raised(() => torch.cholesky_solve(torch.ones(2, 1), torch.ones(2)))).toEqual(e.cholesky_solve_u1d);
    expect(raised(() => torch.cholesky_solve(torch.ones(2, 1, f64), torch.eye(2)))).toEqual(e.cholesky_solve_dtype);
    expect(raised(() => torch.cholesky_solve(torch.ones(3, 1), torch.eye(2)))).toEqual(e.cholesky_solve_rows);
    const x = torch.linalg.solve_triangular(torch.tensor([[2, 0], [1, 4]]), torch.ones(2, 1, f64), { upper: false });
    expect(x.dtype).toBe(torch.float32);
    expectT(x, g.solve_triangular_mixed, 1e-7);
  });

  it("solve_triangular / cholesky_solve with a zero pivot: inf and NaN as torch's trsm, no error", () => {
    const num = (v: string | number): number => (v === "inf" ? Infinity : v === "-inf" ? -Infinity : v === "nan" ? NaN : (v as number));
    const Z = torch.tensor([[0, 0], [1, 1]]);
    const U3 = torch.tensor([[2, 1, 0], [0, 0, 3], [0, 0, 1]]);
    const B3 = torch.tensor([[1, 0], [2, 0], [3, 1]]);
    const got = [
      torch.linalg.solve_triangular(Z, torch.ones(2, 1), { upper: false }),
      torch.linalg.solve_triangular(U3, B3, { upper: true }),
      torch.linalg.solve_triangular(U3, B3.T, { upper: true, left: false }),
      torch.linalg.solve_triangular(torch.tensor([[0, 0], [1, 2]]), torch.tensor([[0], [4]]), { upper: false }),
      torch.cholesky_solve(torch.ones(2, 1), Z),
      torch.cholesky_solve(B3, U3, { upper: true }),
      torch.linalg.solve_triangular(torch.stack([Z, torch.eye(2)]), torch.ones(2, 1), { upper: false }),
    ];
    got.forEach((x, i) => {
      const want = g.singular_triangles[i] as { shape: number[]; data: (string | number)[] };
      expect(x.shape).toEqual(want.shape);
      expect(x.reshape(-1).tolist()).toEqual(want.data.map(num));
    });
  });

  it("svd of an empty matrix: torch's empty S and identity / empty U and Vh", () => {
    const got = [[0, 3], [3, 0], [2, 0, 3]].flatMap((shape) => [true, false].map((fm) => {
      const [U, S, Vh] = torch.linalg.svd(torch.zeros(shape), { full_matrices: fm });
      return [[...U.shape], [...S.shape], [...Vh.shape], U.sum().item(), Vh.sum().item()];
    }));
    got.push([[...torch.linalg.svdvals(torch.zeros(0, 3)).shape], [...torch.svd(torch.zeros(0, 3))[2].shape]]);
    expect(got).toEqual(g.svd_empty);
  });
});
