/**
 * Shape and indexing ops, reductions and statistics, torch.linalg
 * against PyTorch 1.13. Every case of scripts/fixtures/shape_stats_linalg_fixtures.py
 * (tests/fixtures/torch/core/shape_stats_linalg.json) mirrored by name: outputs, and for differentiable
 * cases the gradients of sum(out[0] * W) (W = linspace(0.5, 1.5)) with respect to the float inputs.
 */
import { describe, expect, it } from "vitest";
import { torch, type Tensor } from "../../../../lib/tensor/index";
import { loadFixture } from "../core/fixtures";
import { checkOpCase, type OpResult, type StoredCase, type StoredTensor } from "../op_cases";

const fx = loadFixture<{ inputs: Record<string, StoredTensor>; cases: Record<string, StoredCase> }>("shape_stats_linalg.json");
const L = (v: number[] | number[][] | number[][][]) => torch.tensor(v, { dtype: torch.long });

/** +1/-1 per column so that the first row of each column is non-negative (eigen/singular vectors' sign is arbitrary). */
const signs = (v: Tensor) => v.narrow(-2, 0, 1).lt(0).to(v.dtype).mul(-2).add(1).detach();
function signedEigh(a: Tensor): Tensor[] {
  const [w, v] = torch.linalg.eigh(a);
  return [w, v.mul(signs(v))];
}
function signedSvd(a: Tensor, full: boolean): Tensor[] {
  const [u, s, vh] = torch.linalg.svd(a, full);
  const k = s.shape[s.dim() - 1];
  const su = signs(u.narrow(-1, 0, k));
  return [s, u.narrow(-1, 0, k).mul(su), vh.narrow(-2, 0, k).mul(su.transpose(-1, -2))];
}
/** name -> [input names, fn]. Mirrors CASES in shape_stats_linalg_fixtures.py. */
const cases: Record<string, [string[], (...xs: Tensor[]) => OpResult]> = {
  diag_vec: [["V"], (v) => torch.diag(v)],
  diag_vec_offset: [["V"], (v) => torch.diag(v, -2)],
  diag_mat: [["X"], (x) => x.diag()],
  diag_mat_offset: [["X"], (x) => torch.diag(x, { diagonal: 1 })],
  diagonal_3d: [["B"], (x) => torch.diagonal(x, 1, 1, 2)],
  diagonal_dims: [["B"], (x) => x.diagonal({ offset: -1, dim1: 2, dim2: 0 })],
  diag_embed: [["X"], (x) => torch.diag_embed(x, 1)],
  diag_embed_dims: [["X"], (x) => torch.diag_embed(x, { offset: -1, dim1: 0, dim2: 2 })],
  diagflat: [["X"], (x) => torch.diagflat(x, 1)],
  trace: [["X"], (x) => torch.trace(x)],
  movedim: [["B"], (x) => torch.movedim(x, 0, 2)],
  movedim_lists: [["B"], (x) => x.movedim([0, 1], [2, 0])],
  moveaxis: [["B"], (x) => torch.moveaxis(x, -1, 0)],
  swapaxes: [["B"], (x) => torch.swapaxes(x, 0, 2)],
  ravel: [["B"], (x) => x.transpose(0, 2).ravel()],
  broadcast_to: [["V"], (v) => torch.broadcast_to(v, [3, 5])],
  broadcast_tensors: [["X", "V"], (x, v) => torch.broadcast_tensors(x.reshape(3, 1, 4), v.reshape(5, 1))],
  column_stack: [["V", "X"], (v, x) => torch.column_stack([v.index(":3"), x, v.index("1:4")])],
  dstack: [["X", "V"], (x) => torch.dstack([x, x.mul(2)])],
  rot90: [["X"], (x) => torch.rot90(x)],
  rot90_k2: [["B"], (x) => torch.rot90(x, 2, [1, 2])],
  rot90_k_neg1: [["B"], (x) => x.rot90({ k: -1, dims: [0, 2] })],
  tensor_split_sections: [["E"], (x) => torch.tensor_split(x, 4)],
  tensor_split_indices: [["X"], (x) => torch.tensor_split(x, [1, 3], { dim: 1 })],
  take: [["X", "IDX"], (x, i) => torch.take(x, i)],
  take_along_dim: [["X"], (x) => torch.take_along_dim(x, torch.argsort(x, 1), 1)],
  take_along_dim_broadcast: [["B"], (x) => torch.take_along_dim(x, L([[[0], [3], [1]]]), 2)],
  take_along_dim_flat: [["X"], (x) => x.take_along_dim(L([0, 5, 11]))],
  repeat_interleave_int: [["X"], (x) => torch.repeat_interleave(x, 2, 0)],
  repeat_interleave_flat: [["X"], (x) => x.repeat_interleave(2)],
  repeat_interleave_tensor: [["X"], (x) => x.repeat_interleave(L([1, 0, 2, 3]), { dim: 1 })],
  repeat_interleave_counts: [["COUNTS"], (c) => torch.repeat_interleave(c)],
  meshgrid_ij: [["V", "E"], (v, e) => torch.meshgrid(v, e.index(":3"), { indexing: "ij" })],
  meshgrid_xy: [["V", "E"], (v, e) => torch.meshgrid([v, e.index(":3"), e.index("3:")], { indexing: "xy" })],
  cartesian_prod: [["V", "E"], (v, e) => torch.cartesian_prod(v.index(":3"), e.index(":2"))],
  combinations: [["V"], (v) => torch.combinations(v)],
  combinations_r3_repl: [["E"], (e) => torch.combinations(e.index(":3"), { r: 3, with_replacement: true })],
  block_diag: [["X", "V", "S"], (x, v, s) => torch.block_diag(x, v.index(":2"), s.index(":2", ":2"))],
  kron: [["X", "S"], (x, s) => torch.kron(x.index(":2", ":3"), s.index(":2"))],
  kron_mixed_dims: [["B", "V"], (b, v) => b.kron(v.index(":2"))],
  tensordot_int: [["B", "X"], (b, x) => torch.tensordot(b, x, 2)],
  tensordot_lists: [["B", "S"], (b, s) => torch.tensordot(b, s, { dims: [[2], [1]] })],
  inner: [["B", "X"], (b, x) => torch.inner(b, x)],
  cross_default: [["V3", "W3"], (a, b) => torch.cross(a, b)],
  cross_dim: [["V3", "W3"], (a, b) => a.t().cross(b.t(), { dim: 0 })],
  linalg_cross: [["V3", "W3"], (a, b) => torch.linalg.cross(a, b.index(":1"))],
  vander: [["V"], (v) => torch.vander(v)],
  vander_inc: [["V"], (v) => torch.vander(v, { N: 3, increasing: true })],
  slice_scatter: [["X", "V"], (x, v) => torch.slice_scatter(x, v.index(":3").reshape(3, 1).mul(1), { dim: 1, start: 1, end: 2 })],
  slice_scatter_step: [["S", "X"], (s, x) => torch.slice_scatter(s, x.index(":2"), 0, 0, null, 2)],
  unfold: [["X"], (x) => x.unfold(1, 2, 1)],
  unfold_step: [["B"], (x) => x.unfold(2, 2, 2)],
  as_strided: [["X"], (x) => x.as_strided([3, 3], [1, 2], 1)],
  // reductions and statistics
  count_nonzero: [["TIES"], (x) => torch.count_nonzero(x)],
  count_nonzero_dim: [["TIES"], (x) => torch.count_nonzero(x, { dim: 1 })],
  median_all: [["X"], (x) => torch.median(x)],
  median_dim: [["X"], (x) => torch.median(x, 1)],
  median_dim0_keepdim: [["B"], (x) => x.median({ dim: 0, keepdim: true })],
  median_nan: [["NANS"], (x) => torch.median(x, 1)],
  nanmedian: [["NANS"], (x) => torch.nanmedian(x, 1)],
  nanmedian_all: [["NANS"], (x) => torch.nanmedian(x)],
  mode: [["TIES"], (x) => torch.mode(x)],
  mode_dim0: [["TIES"], (x) => x.mode(0)],
  kthvalue: [["X"], (x) => torch.kthvalue(x, 2, 1)],
  kthvalue_keepdim: [["B"], (x) => x.kthvalue(3, { dim: 1, keepdim: true })],
  quantile_scalar: [["X"], (x) => torch.quantile(x, 0.3)],
  quantile_dim: [["X", "Q"], (x, q) => torch.quantile(x, q, { dim: 1, keepdim: true })],
  quantile_lower: [["B", "Q"], (x, q) => torch.quantile(x, q, 2, { interpolation: "lower" })],
  quantile_higher: [["B", "Q"], (x, q) => torch.quantile(x, q, 2, false, "higher")],
  quantile_nearest: [["E", "Q"], (x, q) => torch.quantile(x, q, { interpolation: "nearest" })],
  quantile_midpoint: [["B"], (x) => x.quantile(0.4, { dim: 0, interpolation: "midpoint" })],
  quantile_nan: [["NANS"], (x) => torch.quantile(x, 0.5, { dim: 1 })],
  nanquantile: [["NANS", "Q"], (x, q) => torch.nanquantile(x, q, { dim: 1 })],
  nanmean: [["NANS"], (x) => torch.nanmean(x)],
  nanmean_dim: [["NANS"], (x) => x.nanmean({ dim: 1, keepdim: true })],
  nansum: [["NANS"], (x) => torch.nansum(x, 0)],
  std_mean: [["X"], (x) => torch.std_mean(x, 1)],
  std_mean_all: [["X"], (x) => torch.std_mean(x, { unbiased: false })],
  aminmax: [["X"], (x) => torch.aminmax(x)],
  aminmax_dim: [["B"], (x) => torch.aminmax(x, { dim: 1, keepdim: true })],
  cummax: [["X"], (x) => torch.cummax(x, 1)],
  cummin_dim0: [["B"], (x) => x.cummin({ dim: 0 })],
  cummax_ties: [["TIES"], (x) => torch.cummax(x, 1)],
  cummin_ties: [["TIES"], (x) => torch.cummin(x, 1)],
  logcumsumexp: [["X"], (x) => torch.logcumsumexp(x, 1)],
  logcumsumexp_dim0: [["B"], (x) => x.logcumsumexp({ dim: 0 })],
  diff: [["X"], (x) => torch.diff(x)],
  diff_n2_dim0: [["B"], (x) => torch.diff(x, { n: 2, dim: 1 })],
  diff_prepend_append: [["X", "V"], (x, v) => torch.diff(x, 1, 1, v.index(":3").reshape(3, 1), x.index(":", ":2"))],
  histc: [["E"], (x) => torch.histc(x, { bins: 4 })],
  histc_range: [["X"], (x) => x.histc(5, -1, 1)],
  histogram: [["X"], (x) => torch.histogram(x, 4)],
  histogram_range_weight: [["E", "V"], (x) => torch.histogram(x, 3, { range: [-1, 1], weight: x.abs() })],
  histogram_edges_density: [["X"], (x) => torch.histogram(x, torch.tensor([-2, -0.5, 0, 0.5, 2]), { density: true })],
  bucketize: [["X", "SORTED"], (x, b) => torch.bucketize(x, b)],
  bucketize_right: [["SORTED"], (b) => torch.bucketize(torch.tensor([0.5, -3, 3.5, 2]), b, { right: true })],
  searchsorted: [["SORTED"], (b) => torch.searchsorted(b, torch.tensor([[0.5, -3], [3.5, 2]]))],
  searchsorted_right_nd: [["SORTED"], (b) => torch.searchsorted(torch.stack([b, b.mul(2)]), torch.tensor([[0.5, 1], [1, 7]]), { side: "right" })],
  isin: [["RUNS"], (r) => torch.isin(r, L([1, 4, 9]))],
  isin_invert: [["RUNS"], (r) => torch.isin(r, L([2, 3]), { invert: true })],
  unique_consecutive: [["RUNS"], (r) => torch.unique_consecutive(r, { return_inverse: true, return_counts: true }) as Tensor[]],
  unique_consecutive_dim: [["TIES"], () => torch.unique_consecutive(L([[1, 1, 2, 2], [3, 3, 4, 5]]), { dim: 1 }) as Tensor],
  msort: [["X"], (x) => torch.msort(x)],
  trapezoid: [["X"], (y) => torch.trapezoid(y)],
  trapezoid_dx: [["X"], (y) => torch.trapezoid(y, { dx: 0.5, dim: 0 })],
  trapezoid_x: [["X", "V"], (y, x) => torch.trapezoid(y, x.index(":4"))],
  cov: [["X"], (x) => torch.cov(x)],
  cov_correction0: [["X"], (x) => x.cov({ correction: 0 })],
  cov_weights: [["X"], (x) => torch.cov(x, { fweights: L([1, 2, 1, 3]), aweights: torch.tensor([0.5, 1, 2, 1]) })],
  corrcoef: [["X"], (x) => torch.corrcoef(x)],
  cdist: [["X", "S"], (a, b) => torch.cdist(a, b)],
  cdist_p1: [["X", "S"], (a, b) => torch.cdist(a, b, { p: 1 })],
  cdist_batched_p3: [["B"], (b) => torch.cdist(b, b.index(":", ":2").add(1), 3)],
  dist: [["X", "S"], (a, b) => torch.dist(a, b.index(":3"))],
  dist_p1: [["X", "S"], (a, b) => a.dist(b.index(":3"), 1)],
  // linear algebra (float64)
  linalg_inv: [["M"], (a) => torch.linalg.inv(a)],
  inverse_batched: [["MB"], (a) => torch.inverse(a)],
  linalg_det: [["MB"], (a) => torch.linalg.det(a)],
  det_method: [["M"], (a) => a.det()],
  slogdet: [["M"], (a) => [...torch.linalg.slogdet(a)].reverse()],
  logdet: [["SPD"], (a) => torch.logdet(a)],
  solve: [["M", "RHS"], (a, b) => torch.linalg.solve(a, b)],
  solve_vector: [["M", "RHS"], (a, b) => torch.linalg.solve(a, b.index(":", 0))],
  solve_batched_broadcast: [["MB", "RHS"], (a, b) => torch.linalg.solve(a, b)],
  cholesky: [["SPD"], (a) => torch.linalg.cholesky(a)],
  cholesky_upper: [["SPD"], (a) => torch.linalg.cholesky(a, { upper: true })],
  qr_reduced: [["R"], (a) => torch.linalg.qr(a)],
  qr_r_grad: [["R"], (a) => [...torch.linalg.qr(a)].reverse()],
  qr_complete: [["R"], (a) => torch.linalg.qr(a, "complete")],
  eigh: [["SPD"], (a) => signedEigh(a)],
  eigvalsh_upper: [["M"], (a) => torch.linalg.eigvalsh(a, { UPLO: "U" })],
  svd_thin: [["R"], (a) => signedSvd(a, false)],
  svd_full: [["R"], (a) => signedSvd(a, true)],
  svdvals: [["MB"], (a) => torch.linalg.svdvals(a)],
  svd_old: [["R"], (a) => torch.svd(a)[1]],
  matrix_rank: [["R"], (a) => torch.linalg.matrix_rank(torch.cat([a, a.index(":", ":1").mul(2)], 1))],
  matrix_rank_hermitian: [["SPD"], (a) => torch.linalg.matrix_rank(a, { hermitian: true })],
  pinv: [["R"], (a) => torch.linalg.pinv(a)],
  pinv_rank_deficient: [["R"], (a) => torch.linalg.pinv(torch.cat([a, a.index(":", ":1").mul(2)], 1))],
  lstsq: [["R", "RHS"], (a, b) => torch.linalg.lstsq(a, torch.cat([b, b.index(":1")], 0)).solution],
  matrix_power: [["M"], (a) => torch.linalg.matrix_power(a, 3)],
  matrix_power_neg: [["M"], (a) => torch.matrix_power(a, -2)],
  multi_dot: [["R", "M", "RHS"], (r, m, b) => torch.linalg.multi_dot([r, m, b])],
  multi_dot_vectors: [["R", "M"], (r, m) => torch.linalg.multi_dot([r.index(0), m, r.index(1)])],
  linalg_matmul: [["MB", "M"], (a, b) => torch.linalg.matmul(a, b)],
  solve_triangular: [["M", "RHS"], (a, b) => torch.linalg.solve_triangular(a, b, { upper: true })],
  solve_triangular_right_unit: [["M", "RHS"], (a, b) => torch.linalg.solve_triangular(a, b.t(), { upper: false, left: false, unitriangular: true })],
  triangular_solve: [["M", "RHS"], (a, b) => torch.triangular_solve(b, a, false, true)],
  inv_ex: [["M"], (a) => torch.linalg.inv_ex(a)],
  cholesky_ex: [["SPD"], (a) => torch.linalg.cholesky_ex(a)],
  matrix_exp: [["M"], (a) => torch.linalg.matrix_exp(a)],
  matrix_exp_batched_f32: [["B"], (b) => torch.matrix_exp(b.index(":", ":", ":3").mul(2))],
  cond: [["M"], (a) => torch.linalg.cond(a)],
  cond_fro: [["MB"], (a) => torch.linalg.cond(a, "fro")],
  cond_1: [["M"], (a) => torch.linalg.cond(a, 1)],
  qr_old: [["R"], (a) => torch.qr(a)],
  cholesky_solve: [["RHS", "SPD"], (b, a) => torch.cholesky_solve(b, torch.linalg.cholesky(a.index(0)))],
  cholesky_inverse_upper: [["SPD"], (a) => torch.cholesky_inverse(torch.linalg.cholesky(a.index(1)).mT, { upper: true })],
  addmv: [["V", "X", "E"], (v, x, e) => torch.addmv(v.index(":3"), x, e.index(":4"), { beta: 0.5, alpha: 2 })],
  addr: [["X", "V", "E"], (x, v, e) => x.addr(v.index(":3"), e.index(":4"), { alpha: -1 })],
  baddbmm: [["B", "S"], (b, s) => torch.baddbmm(b.index(":", ":", ":3"), b, s.index(":", ":3").expand(2, 4, 3), { beta: 0.25 })],
  addbmm: [["X", "B", "S"], (x, b, s) => torch.addbmm(x.index(":", ":3"), b, s.index(":", ":3").expand(2, 4, 3), { alpha: 0.5 })],
  vdot: [["V", "E"], (v, e) => torch.vdot(v, e.index(":5"))],
  ger: [["V", "E"], (v, e) => torch.ger(v, e)],
  adjoint: [["B"], (b) => b.adjoint()],
  diagonal_scatter: [["X", "V"], (x, v) => torch.diagonal_scatter(x, v.index(":3").mul(1), 1)],
  select_scatter: [["B", "V"], (b, v) => torch.select_scatter(b, v.index(":4").expand(2, 4).mul(1), 1, -1)],
  hsplit: [["X"], (x) => torch.hsplit(x, 2)],
  vsplit_indices: [["X"], (x) => x.vsplit([1, 2])],
  dsplit: [["B"], (b) => torch.dsplit(b, [3])],
  lu_factor: [["MB"], (a) => torch.linalg.lu_factor(a)],
  lu: [["M"], (a) => torch.linalg.lu(a)],
  lu_solve: [["MB", "RHS"], (a, b) => { const [f, p] = torch.linalg.lu_factor(a); return torch.linalg.lu_solve(f, p, b); }],
  lu_old: [["M", "RHS"], (a, b) => { const [f, p] = torch.lu(a); return torch.lu_solve(b, f, p); }],
};

describe("API breadth a2 against PyTorch 1.13", () => {
  it("mirrors every fixture case", () => {
    expect(Object.keys(cases).sort()).toEqual(Object.keys(fx.cases).sort());
  });
  it.each(Object.keys(fx.cases))("%s", (name) => {
    const [names, fn] = cases[name];
    const tol = fx.inputs[names[0]]?.dtype === "float64" ? 1e-9 : 1e-5;
    checkOpCase(name, fx.cases[name], fx.inputs, names, fn, {
      out: [tol * 10, tol], grad: [tol * 10, tol], weightsInOutputDtype: true,
    });
  });
});
