/**
 * torch.linalg beyond the core: float64 gradient checks against finite differences
 * (symmetric inputs built as X + X^T or X X^T + nI; eigen/singular vectors through
 * sign-invariant products), factorisation identities, and PyTorch's errors.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { torch, type Tensor } from "../../../../lib/tensor/index";
import { gradcheck } from "../../../../lib/grading/gradcheck";

beforeAll(() => torch.manual_seed(21));
const r = (...s: number[]) => torch.randn(s, { dtype: torch.float64 });
const sym = (x: Tensor) => x.add(x.mT);
const spd = (x: Tensor) => x.matmul(x.mT).add(torch.eye(x.shape[x.dim() - 1], { dtype: torch.float64 }).mul(3));

const cases: [string, (...xs: Tensor[]) => Tensor, () => Tensor[]][] = [
  ["inv", (a) => torch.linalg.inv(a), () => [r(3, 3).add(torch.eye(3, { dtype: torch.float64 }).mul(3))]],
  ["det batched", (a) => torch.linalg.det(a), () => [r(2, 3, 3)]],
  ["slogdet logabsdet", (a) => torch.linalg.slogdet(a).logabsdet, () => [r(3, 3)]],
  ["solve", (a, b) => torch.linalg.solve(a, b), () => [r(3, 3).add(torch.eye(3, { dtype: torch.float64 }).mul(3)), r(3, 2)]],
  ["cholesky", (x) => torch.linalg.cholesky(spd(x)), () => [r(3, 3)]],
  ["qr Q and R", (a) => { const [q, rr] = torch.linalg.qr(a); return q.sum(0).add(rr.sum(1).sum()); }, () => [r(4, 3)]],
  ["eigh eigenvalues", (x) => torch.linalg.eigh(sym(x)).eigenvalues, () => [r(4, 4)]],
  ["eigh eigenvectors (V diag(w^2) V^T)", (x) => { const [w, v] = torch.linalg.eigh(sym(x)); return v.mul(w.square().unsqueeze(0)).matmul(v.mT); }, () => [r(3, 3)]],
  ["eigh eigenvector outer products", (x) => { const v = torch.linalg.eigh(sym(x))[1]; const c = v.narrow(1, 0, 1); return c.matmul(c.mT); }, () => [r(3, 3)]],
  ["svdvals", (a) => torch.linalg.svdvals(a), () => [r(4, 3)]],
  ["svd tall: u1 v1^T", (a) => { const [u, , vh] = torch.linalg.svd(a, false); return u.narrow(1, 0, 1).matmul(vh.narrow(0, 0, 1)); }, () => [r(4, 3)]],
  ["svd wide: U S Vh with squared S", (a) => { const [u, s, vh] = torch.linalg.svd(a, { full_matrices: false }); return u.mul(s.square().unsqueeze(0)).matmul(vh); }, () => [r(2, 4)]],
  ["pinv (full rank)", (a) => torch.linalg.pinv(a), () => [r(4, 2)]],
  ["lstsq solution", (a, b) => torch.linalg.lstsq(a, b).solution, () => [r(5, 3), r(5, 2)]],
  ["matrix_power -3", (a) => torch.linalg.matrix_power(a, -3), () => [r(3, 3).add(torch.eye(3, { dtype: torch.float64 }).mul(2))]],
  ["multi_dot", (a, b, c) => torch.linalg.multi_dot([a, b, c]), () => [r(2, 3), r(3, 4), r(4)]],
  ["logdet", (x) => torch.logdet(spd(x)), () => [r(3, 3)]],
  ["solve_triangular (lower, unit, right)", (a, b) => torch.linalg.solve_triangular(a.add(torch.eye(3, { dtype: torch.float64 }).mul(3)), b, { upper: false, left: false, unitriangular: true }), () => [r(3, 3), r(2, 3)]],
  ["matrix_exp", (a) => torch.linalg.matrix_exp(a), () => [r(3, 3)]],
  ["cond (2 and 1)", (a) => torch.linalg.cond(a).add(torch.linalg.cond(a, 1)), () => [r(3, 3).add(torch.eye(3, { dtype: torch.float64 }).mul(2))]],
];

describe("API breadth a2: linalg gradcheck (float64)", () => {
  it.each(cases)("%s", (_, fn, make) => {
    expect(gradcheck(fn, make())).toBe(true);
  });
});

describe("API breadth a2: factorisation identities", () => {
  it("QR of a tall matrix: the reduced Q (only its columns are formed) is the complete Q's first columns; one R in every mode", () => {
    const a = r(120, 40);
    const [q, rr] = torch.linalg.qr(a);
    const [qc, rc] = torch.linalg.qr(a, "complete");
    const [, ro] = torch.linalg.qr(a, "r");
    expect([q.shape, rr.shape, qc.shape, rc.shape, ro.shape]).toEqual([[120, 40], [40, 40], [120, 120], [120, 40], [40, 40]]);
    expect(q.mT.matmul(q).allclose(torch.eye(40, { dtype: torch.float64 }), { atol: 1e-12 })).toBe(true);
    expect(qc.mT.matmul(qc).allclose(torch.eye(120, { dtype: torch.float64 }), { atol: 1e-12 })).toBe(true);
    expect(q.matmul(rr).allclose(a, { atol: 1e-12 })).toBe(true);
    expect(qc.narrow(1, 0, 40).sub(q).abs().max().item()).toBeLessThan(1e-13);
    expect([rr.equal(ro), rr.equal(rc.narrow(0, 0, 40)), rc.narrow(0, 40, 80).abs().sum().item(), rr.tril(-1).abs().sum().item()]).toEqual([true, true, 0, 0]);
    const wide = r(3, 7);
    const [qw, rw] = torch.linalg.qr(wide);
    expect([qw.shape, rw.shape, qw.matmul(rw).allclose(wide, { atol: 1e-12 })]).toEqual([[3, 3], [3, 7], true]);
  });

  it("QR, eigh, SVD and Cholesky reconstruct their input; Q, U, V orthonormal", () => {
    const a = r(5, 3);
    const [q, rr] = torch.linalg.qr(a, "complete");
    expect(q.matmul(rr).allclose(a, { atol: 1e-10 })).toBe(true);
    expect(q.mT.matmul(q).allclose(torch.eye(5, { dtype: torch.float64 }), { atol: 1e-10 })).toBe(true);
    const [u, s, vh] = torch.linalg.svd(a);
    expect(u.shape).toEqual([5, 5]);
    expect(u.mT.matmul(u).allclose(torch.eye(5, { dtype: torch.float64 }), { atol: 1e-10 })).toBe(true);
    expect(u.narrow(1, 0, 3).mul(s.unsqueeze(0)).matmul(vh).allclose(a, { atol: 1e-10 })).toBe(true);
    const b = spd(r(4, 4));
    const [w, v] = torch.linalg.eigh(b);
    expect(v.mul(w.unsqueeze(0)).matmul(v.mT).allclose(b, { atol: 1e-10 })).toBe(true);
    const l = torch.linalg.cholesky(b);
    expect(l.matmul(l.mT).allclose(b, { atol: 1e-10 })).toBe(true);
    expect(l.triu(1).abs().sum().item()).toBe(0);
  });
  it("the *_ex functions report a failure in info instead of raising (unless check_errors)", () => {
    const [l, info] = torch.linalg.cholesky_ex(torch.tensor([[1, 2], [2, 1]]));
    expect(info.item()).toBe(2);
    expect(l.tolist()).toEqual([[1, 0], [2, -3]]); // LAPACK's partial factor, as torch 1.13 returns it
    expect(() => torch.linalg.cholesky_ex(torch.tensor([[1, 2], [2, 1]]), { check_errors: true })).toThrow(/not positive-definite/);
    expect(torch.linalg.inv_ex(torch.eye(2)).info.item()).toBe(0);
  });
  it("the *_ex functions report one info per matrix of a batch, keeping the good matrices' results (torch 1.13: [0, 2] and [0, 1])", () => {
    const [l, info] = torch.linalg.cholesky_ex(torch.stack([torch.eye(2).mul(4), torch.tensor([[1, 2], [2, 1]])]));
    expect([info.dtype, info.tolist()]).toEqual([torch.int32, [0, 2]]);
    expect(l.index(0).tolist()).toEqual([[2, 0], [0, 2]]);
    const [x, info2] = torch.linalg.inv_ex(torch.stack([torch.eye(2).mul(2), torch.zeros(2, 2)]).reshape(1, 2, 2, 2));
    expect(info2.tolist()).toEqual([[0, 1]]);
    expect(x.index(0, 0).tolist()).toEqual([[0.5, 0], [0, 0.5]]);
    expect(torch.linalg.cholesky_ex(torch.eye(2).expand(3, 2, 2)).info.tolist()).toEqual([0, 0, 0]);
  });
  it("old names: torch.svd returns V (not Vh), torch.det / inverse / slogdet agree with linalg", () => {
    const a = r(3, 3);
    const [, s, v] = torch.svd(a);
    const [, s2, vh] = torch.linalg.svd(a);
    expect(s.allclose(s2)).toBe(true);
    expect(v.allclose(vh.mT)).toBe(true);
    expect(a.det().item()).toBeCloseTo(torch.linalg.det(a).item(), 12);
    expect(a.inverse().allclose(torch.linalg.inv(a))).toBe(true);
    const [sign, logabs] = torch.slogdet(a);
    expect(sign.mul(logabs.exp()).item()).toBeCloseTo(torch.det(a).item(), 10);
  });
});

describe("API breadth a2: linalg errors", () => {
  it("rejects bad input with PyTorch's messages", () => {
    expect(() => torch.linalg.inv(torch.zeros(2, 3))).toThrow(/must be batches of square matrices/);
    expect(() => torch.linalg.inv(torch.zeros(2, 2))).toThrow(/singular/);
    expect(() => torch.linalg.det(torch.zeros(3))).toThrow(/at least 2 dimensions/);
    expect(() => torch.linalg.inv(torch.eye(2, { dtype: torch.long }))).toThrow(/^linalg.inv: Expected a floating point or complex tensor as input. Got Long$/);
    expect(() => torch.linalg.cholesky(torch.tensor([[1, 2], [2, 1]]))).toThrow(/not positive-definite \(the leading minor of order 2/);
    expect(() => torch.linalg.solve(torch.eye(3), torch.ones(2, 1))).toThrow(/Incompatible shapes/);
    expect(() => torch.linalg.qr(torch.eye(2), "thin" as "r")).toThrow(/unrecognized mode/);
    expect(() => torch.linalg.eigh(torch.eye(2), "X" as "L")).toThrow(/UPLO argument to be 'L' or 'U'/);
    const a = r(3, 3).requires_grad_(true);
    expect(() => torch.linalg.qr(a, "r")[1].sum().backward()).toThrow(/not computed when mode='r'/);
    const d = torch.cat([r(3, 2), torch.zeros(3, 1, { dtype: torch.float64 })], 1).requires_grad_(true);
    expect(() => torch.linalg.pinv(d).sum().backward()).toThrow(/rank-deficient .* not implemented/);
    const m = r(3, 3).requires_grad_(true);
    expect(() => torch.linalg.lu(m).U.sum().backward()).toThrow(/derivative of LinalgLuFactorEx is not implemented/);
  });
});
