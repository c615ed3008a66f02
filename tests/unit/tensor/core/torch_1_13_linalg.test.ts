/**
 * torch.lu_unpack, torch.symeig (deprecated), the removed lstsq / solve / eig / matrix_rank, linalg.eig
 * (eigenvectors not computed), Tensor.lu / lu_solve / prelu / hardshrink, against PyTorch 1.13
 * (scripts/fixtures/torch_1_13_names_fixtures.py linalg).
 */
import { describe, expect, it } from "vitest";
import { F, torch, type Tensor } from "../../../../lib/tensor/index";
import { gradcheck } from "../../../../lib/grading/gradcheck";
import { expectClose, fixture, tensorOf, type FT } from "../nn/helpers";

interface Fx {
  lu_unpack: { LU: FT; pivots: number[]; pivots_shape: number[]; P: FT; L: FT; U: FT }[];
  symeig: { A: FT; values_upper: FT; vectors_upper: FT; values_lower: FT };
  removed: Record<string, string>;
}
const fx = fixture<Fx>("core/torch_1_13_linalg.json");
type Unpacked = Tensor[] & { P: Tensor; L: Tensor; U: Tensor };
const t = torch as unknown as {
  lu_unpack(LU: Tensor, piv: Tensor, ...a: unknown[]): Unpacked;
  symeig(A: Tensor, ...a: unknown[]): Tensor[] & { eigenvalues: Tensor; eigenvectors: Tensor };
  lstsq(...a: unknown[]): never; solve(...a: unknown[]): never; eig(...a: unknown[]): never; matrix_rank(...a: unknown[]): never;
  linalg: { eig(A: Tensor): never };
};
const piv = (c: Fx["lu_unpack"][number]) => torch.tensor(c.pivots, { dtype: torch.long }).reshape(c.pivots_shape);

describe("torch.lu_unpack", () => {
  fx.lu_unpack.forEach((c, i) => {
    it(`case ${i}: LU of shape [${c.LU.shape}]`, () => {
      const r = t.lu_unpack(tensorOf(c.LU), piv(c));
      expectClose(r.P, c.P, { label: "P" });
      expectClose(r.L, c.L, { rtol: 1e-12, atol: 1e-12, label: "L" });
      expectClose(r.U, c.U, { rtol: 1e-12, atol: 1e-12, label: "U" });
      const [P, L, U] = r;
      expect(P).toBe(r.P);
      expect([L, U]).toEqual([r.L, r.U]);
    });
  });

  it("unpack_data / unpack_pivots, the round trip with Tensor.lu, gradcheck, errors", () => {
    const c = fx.lu_unpack[0];
    const onlyP = t.lu_unpack(tensorOf(c.LU), piv(c), { unpack_data: false });
    expect([onlyP.L.shape, onlyP.U.shape]).toEqual([[0], [0]]);
    expect(t.lu_unpack(tensorOf(c.LU), piv(c), true, false).P.shape).toEqual([0]);
    const A = torch.tensor([[1, 2, 3], [4, 5, 6], [7, 8, 10]], { dtype: torch.float64 });
    const [LU, pivots, infos] = A.lu({ get_infos: true });
    expect(infos.tolist()).toEqual(0);
    const { P, L, U } = t.lu_unpack(LU, pivots);
    expectClose(P.matmul(L).matmul(U), A.reshape(-1).tolist() as number[], { rtol: 1e-12, atol: 1e-12 });
    expectClose(torch.tensor([[1], [2], [3]], { dtype: torch.float64 }).lu_solve(LU, pivots), torch.linalg.solve(A, torch.tensor([[1], [2], [3]], { dtype: torch.float64 })), { rtol: 1e-10, atol: 1e-12 });
    gradcheck((lu) => { const r = t.lu_unpack(lu, piv(fx.lu_unpack[1])); return r.L.sum(0).add(r.U.sum(1).sum()); }, [tensorOf(fx.lu_unpack[1].LU)]);
    expect(() => t.lu_unpack(tensorOf(c.LU), piv(c), { zzz_unknown: 1 })).toThrow("unexpected keyword argument 'zzz_unknown'");
    expect(() => t.lu_unpack(torch.ones(3), piv(c))).toThrow("Expected tensor with 2 or more dimensions");
    expect(() => t.lu_unpack(tensorOf(c.LU), torch.tensor([1, 2], { dtype: torch.long }))).toThrow("Expected LU_pivots.size(-1) == min(LU_data.size(-1), LU_data.size(-2))");
  });
});

describe("torch.symeig (deprecated) and the removed functions", () => {
  it("eigenvalues from the upper (default) or lower triangle, eigenvectors only when asked", () => {
    const s = fx.symeig;
    const A = tensorOf(s.A);
    const up = t.symeig(A, true);
    expectClose(up.eigenvalues, s.values_upper, { rtol: 1e-10, atol: 1e-12 });
    // Eigenvectors up to sign: compare |V|.
    expectClose(up.eigenvectors.abs(), tensorOf(s.vectors_upper).abs(), { rtol: 1e-8, atol: 1e-10 });
    const low = A.symeig({ upper: false });
    expectClose(low.eigenvalues, s.values_lower, { rtol: 1e-10, atol: 1e-12 });
    expect(low.eigenvectors.shape).toEqual([0]);
    expect(() => t.symeig(A, { zzz_unknown: 1 })).toThrow("unexpected keyword argument 'zzz_unknown'");
  });

  it("lstsq / solve / eig / matrix_rank raise 1.13's messages; linalg.eig names what the engine lacks (eigvals: core/linalg_eigvals.test.ts)", () => {
    const A = torch.eye(3);
    const calls: Record<string, () => unknown> = {
      lstsq: () => t.lstsq(A, A), solve: () => t.solve(A, A), eig: () => t.eig(A), matrix_rank: () => t.matrix_rank(A),
      "Tensor.lstsq": () => A.lstsq(A), "Tensor.solve": () => A.solve(A), "Tensor.eig": () => A.eig(),
    };
    for (const [name, call] of Object.entries(calls)) expect(call, name).toThrow(fx.removed[name]);
    expect(() => t.linalg.eig(A)).toThrow(/torch\.linalg\.eig: the eigenvectors .* not computed .*eigvals.*eigh/);
  });
});

describe("Tensor.prelu / hardshrink", () => {
  it("equal F.prelu / F.hardshrink", () => {
    const x = torch.tensor([[-1, 0.3, 2], [0.7, -0.2, -3]]);
    const w = torch.tensor([0.25]);
    expect(x.prelu(w).tolist()).toEqual(F.prelu(x, w).tolist());
    expect(x.hardshrink().tolist()).toEqual(F.hardshrink(x).tolist());
    expect(x.hardshrink(0.6).tolist()).toEqual(F.hardshrink(x, { lambd: 0.6 }).tolist());
    expect(x.hardshrink({ lambd: 0.6 }).tolist()).toEqual(F.hardshrink(x, 0.6).tolist());
    expect(() => (x.prelu as (...a: unknown[]) => Tensor)(w, { zzz_unknown: 1 })).toThrow("unexpected keyword argument 'zzz_unknown'");
  });
});

describe("torch.svd_lowrank / pca_lowrank", () => {
  const lr = fixture<{ name: string; fn: string; A: FT; kwargs: Record<string, unknown>; S: FT; recon: FT; absU: FT; absV: FT; after: number }[]>("core/torch_1_13_lowrank.json");
  const fns = torch as unknown as Record<string, (A: Tensor, o: object) => Tensor[] & { U: Tensor; S: Tensor; V: Tensor }>;
  for (const c of lr) {
    it(`${c.name}: the same random basis as torch (seeded), singular values, reconstruction, |U| and |V|`, () => {
      torch.manual_seed(7);
      const { U, S, V } = fns[c.fn](tensorOf(c.A), c.kwargs);
      expect(torch.rand(1).item()).toBeCloseTo(c.after, 7); // the same number of draws
      expectClose(S, c.S, { rtol: 1e-10, atol: 1e-10, label: "S" });
      expectClose(U.matmul(torch.diag_embed(S)).matmul(V.mT), c.recon, { rtol: 1e-9, atol: 1e-10, label: "U S V^T" });
      // Singular vectors are unique up to sign (the engine's SVD may pick the other one), and only
      // for nonzero singular values: compare |U|, |V| on those columns.
      const k = c.S.data.filter((v) => v > 1e-8 * c.S.data[0]).length;
      const cols = (absT: FT) => tensorOf(absT).narrow(-1, 0, k);
      expectClose(U.abs().narrow(-1, 0, k), cols(c.absU), { rtol: 1e-8, atol: 1e-10, label: "|U|" });
      expectClose(V.abs().narrow(-1, 0, k), cols(c.absV), { rtol: 1e-8, atol: 1e-10, label: "|V|" });
    });
  }

  it("pca_lowrank's argument checks", () => {
    const A = torch.randn([5, 4], { dtype: torch.float64 });
    expect(() => fns.pca_lowrank(A, { q: 7 })).toThrow("q(=7) must be non-negative integer and not greater than min(m, n)=4");
    expect(() => fns.pca_lowrank(A, { niter: -1 })).toThrow("niter(=-1) must be non-negative integer");
    expect(() => fns.svd_lowrank(A, { zzz_unknown: 1 })).toThrow("unexpected keyword argument 'zzz_unknown'");
  });
});

describe("torch.linalg.ldl_factor / ldl_factor_ex / ldl_solve", () => {
  const cases = fixture<{ A: FT; LD: FT; pivots: number[]; B: FT; X: FT }[]>("core/torch_1_13_ldl.json");
  const L = torch.linalg as unknown as {
    ldl_factor(A: Tensor, o?: object): Tensor[] & { LD: Tensor; pivots: Tensor };
    ldl_factor_ex(A: Tensor, o?: object): Tensor[] & { LD: Tensor; pivots: Tensor; info: Tensor };
    ldl_solve(LD: Tensor, p: Tensor, B: Tensor, o?: object): Tensor;
  };
  cases.forEach((c, i) => {
    it(`case ${i} [${c.A.shape}]: LD and Bunch-Kaufman pivots (1x1 and 2x2) equal LAPACK's via torch, solve too`, () => {
      const { LD, pivots } = L.ldl_factor(tensorOf(c.A));
      expectClose(LD, c.LD, { rtol: 1e-9, atol: 1e-10, label: "LD" });
      expect(pivots.reshape(-1).tolist()).toEqual(c.pivots);
      expectClose(L.ldl_solve(LD, pivots, tensorOf(c.B)), c.X, { rtol: 1e-8, atol: 1e-9, label: "X" });
    });
  });

  it("info, errors, keyword checks", () => {
    const ex = L.ldl_factor_ex(torch.zeros([2, 2]));
    expect(ex.info.item()).toBe(1);
    expect(() => L.ldl_factor(torch.zeros([2, 2]))).toThrow("the input is singular");
    expect(() => L.ldl_factor(torch.ones([2, 3]))).toThrow("A must be batches of square matrices, but they are 2 by 3 matrices");
    expect(() => L.ldl_factor(torch.eye(2), { zzz_unknown: 1 })).toThrow("unexpected keyword argument 'zzz_unknown'");
    const { LD, pivots } = L.ldl_factor(torch.eye(3).mul(2), { hermitian: true });
    expect(L.ldl_solve(LD, pivots, torch.ones([3, 1])).reshape(-1).tolist()).toEqual([0.5, 0.5, 0.5]);
    expect(() => L.ldl_solve(LD, pivots, torch.ones([2, 1]))).toThrow("Incompatible shapes of A and B");
  });
});

describe("torch.lobpcg (the dense generalized eigenproblem, what LOBPCG converges to)", () => {
  const lb = fixture<{ A: FT; B: FT; cases: { kwargs: Record<string, unknown>; E: FT; X_shape: number[] }[] }>("core/torch_1_13_lobpcg.json");
  const lobpcg = (torch as unknown as { lobpcg(A: Tensor, o?: object): Tensor[] }).lobpcg;
  for (const c of lb.cases) {
    it(JSON.stringify(c.kwargs), () => {
      const A = tensorOf(lb.A);
      const B = c.kwargs.B ? tensorOf(lb.B) : null;
      const opts: Record<string, unknown> = { ...c.kwargs, B };
      if (c.kwargs.X) opts.X = torch.randn([12, c.kwargs.X as number], { dtype: torch.float64 });
      const [E, X] = lobpcg(A, opts);
      // PyTorch's LOBPCG stops at its tolerance; the exact eigenvalues agree to well within it.
      expectClose(E, c.E, { rtol: 1e-6, atol: 1e-8, label: "E" });
      expect([...X.shape]).toEqual(c.X_shape);
      const BX = B ? B.matmul(X) : X;
      expectClose(A.matmul(X), BX.mul(E), { rtol: 1e-8, atol: 1e-8, label: "A X = B X diag(E)" });
      expectClose(X.mT.matmul(BX), torch.eye(X.shape[1], { dtype: torch.float64 }), { rtol: 1e-8, atol: 1e-10, label: "X^T B X = I" });
    });
  }

  it("PyTorch's size check; gradients of the eigenvalues", () => {
    expect(() => lobpcg(torch.eye(4, { dtype: torch.float64 }), { k: 2 })).toThrow("LPBPCG algorithm is not applicable when the number of A rows (=4) is smaller than 3 x the number of requested eigenpairs (=2)");
    const M = tensorOf(lb.A).narrow(0, 0, 6).narrow(1, 0, 6);
    gradcheck((a) => lobpcg(a.add(a.mT).div(2), { k: 2 })[0], [M]);
  });
});
