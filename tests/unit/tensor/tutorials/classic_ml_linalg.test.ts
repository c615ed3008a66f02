/**
 * A probe of classic machine learning written with torch tensors, as courses and blog posts do it before deep learning:
 *  - subhadarship/kmeans_pytorch (kmeans_pytorch/__init__.py): initialize, kmeans (euclidean and cosine, the resuming
 *    path with given cluster_centers, the center-shift loop, the empty-cluster refill by torch.randint),
 *    kmeans_predict, pairwise_distance / pairwise_cosine by unsqueeze-broadcast; a cluster of one point, where
 *    torch.nonzero(...).squeeze() is 0-d and index_select takes a 0-d index;
 *  - k-nearest neighbours: torch.cdist + topk(largest=False) + torch.mode of the neighbours' labels (ties), bincount votes;
 *  - PCA: torch.linalg.svd of the centred data with sklearn's svd_flip signs, eigh of the covariance, torch.cov,
 *    torch.pca_lowrank / torch.svd_lowrank, explained variance ratio, gradients through svdvals and eigh;
 *  - a Gaussian mixture by EM (1-D by hand, 2-D through MultivariateNormal) with torch.logsumexp responsibilities;
 *  - least squares / ridge closed forms: torch.linalg.lstsq, solve of the normal equations, pinv, inverse,
 *    cholesky + cholesky_solve, kernel ridge regression, gradients through solve / pinv / lstsq / cholesky_solve;
 *  - Gaussian-process regression from scratch (the blog-post form): RBF kernel, torch.linalg.cholesky, cholesky_solve,
 *    solve_triangular, cholesky_inverse, the log marginal likelihood by the diagonal of L / logdet / slogdet /
 *    MultivariateNormal, Adam on the log-hyperparameters, prior samples with jitter;
 *  - logistic regression with torch.optim.LBFGS over a closure (plain and strong_wolfe), a linear SVM with hinge loss
 *    and SGD;
 *  - the learner's mistakes: non-PD cholesky (torch's _LinAlgError, batched, cholesky_ex, the deprecated
 *    torch.cholesky), a kernel of duplicated points without jitter, singular solve / inv, torch.solve (removed in
 *    1.13), float64 / float32 mixing, shape and dtype errors of cdist / topk / index_select / eigh / svd.
 * Values come from torch 1.13 running the same code (scripts/fixtures/classic_ml_linalg_fixtures.py ->
 * tests/fixtures/torch/tutorials/classic_ml_linalg.json).
 *
 * Gaps found and fixed (3db8ba2c, core/classic_ml_linalg_gaps.test.ts): torch's _LinAlgError for a non-PD cholesky /
 * singular inv and solve, worded per function (cholesky_ex, torch.cholesky, solve's "The solver failed ..."); cholesky_ex's
 * partial LAPACK factor instead of NaNs; solve refusing float64 A with a float32 B; cholesky_solve's dims / dtype checks;
 * then solve_triangular / cholesky_solve dividing through a zero pivot (c22a49b2), svd of an empty matrix (76cd47af) and
 * Tensor.cholesky as torch.cholesky's method (ca9da86f).
 * Compared otherwise: eigenvectors and randomized singular vectors up to sign (LAPACK's signs are not the engine's; the
 * svd_flip'ed PCA components match as they are), matmul's dtype error by torch's text as a prefix (the engine adds a hint),
 * the kmeans center shifts and LBFGS runs kept short of convergence (float32 last-ulp differences in the loss change where
 * LBFGS stops: torch's tolerance_change test sees 3e-8, the engine's 0, on the tenth step).
 *
 * Python forms written otherwise: torch.tensor of Python ints -> { dtype: torch.long } (a JS number is a float), np.random.choice(n, k, replace=False) -> torch.randperm(n)[:k] on both sides (seeded),
 * tqdm / print dropped, `initial_state[index] = v` -> index_put_, `X[indices]` / `u[rows, range(k)]` -> index with
 * tensors, `x[:, None, :]` -> unsqueeze, `f'{v:0.6f}'` -> toFixed(6), keyword arguments -> an options object,
 * `with warnings.catch_warnings()` dropped (the engine's torch.cholesky warns once), a, b = tuple -> destructuring.
 */
import { describe, expect, it } from "vitest";
import { F, nn, optim, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectNums, expectT, raised, tutorialFixture, type TJ } from "./helpers";

const ref = tutorialFixture<Record<string, any>>("classic_ml_linalg.json"); // eslint-disable-line @typescript-eslint/no-explicit-any

const PI = Math.PI;
const num = (t: Tensor): number => t.item() as number;

/** make_blobs' stand-in: centers uniform in [-spread, spread), label i % centers, gaussian noise std. */
function blobs(n: number, seed: number, centers = 3, d = 2, spread = 4.0, std = 0.6): [Tensor, Tensor] {
  const g = new torch.Generator(seed);
  const c = torch.rand([centers, d], { generator: g }).mul(2 * spread).sub(spread);
  const y = torch.arange(n).remainder(centers);
  const X = c.index(y).add(torch.randn([n, d], { generator: g }).mul(std));
  return [X, y];
}

// ============================================ kmeans_pytorch ============================================
function initialize(X: Tensor, num_clusters: number): Tensor {
  const num_samples = X.shape[0];
  const indices = torch.randperm(num_samples).index(`:${num_clusters}`);
  return X.index(indices);
}

function pairwise_distance(data1: Tensor, data2: Tensor): Tensor {
  const A = data1.unsqueeze(1);
  const B = data2.unsqueeze(0);
  let dis = A.sub(B).pow(2.0);
  dis = dis.sum(-1).squeeze();
  return dis;
}

function pairwise_cosine(data1: Tensor, data2: Tensor): Tensor {
  const A = data1.unsqueeze(1);
  const B = data2.unsqueeze(0);
  const A_normalized = A.div(A.norm({ dim: -1, keepdim: true }));
  const B_normalized = B.div(B.norm({ dim: -1, keepdim: true }));
  const cosine = A_normalized.mul(B_normalized);
  return torch.sub(1, cosine.sum(-1).squeeze());
}

function kmeans(X: Tensor, num_clusters: number, o: { distance?: string; cluster_centers?: Tensor | null; tol?: number; iter_limit?: number } = {}): [Tensor, Tensor, string[]] {
  const { distance = "euclidean", cluster_centers = null, tol = 1e-4, iter_limit = 0 } = o;
  const pairwise_distance_function = distance === "euclidean" ? pairwise_distance : pairwise_cosine;
  X = X.float();
  let initial_state: Tensor;
  if (cluster_centers === null) {
    initial_state = initialize(X, num_clusters);
  } else {
    const dis = pairwise_distance_function(X, cluster_centers);
    const choice_points = torch.argmin(dis, { dim: 0 });
    initial_state = X.index(choice_points);
  }
  let iteration = 0;
  const shifts: string[] = [];
  for (;;) {
    const dis = pairwise_distance_function(X, initial_state);
    const choice_cluster = torch.argmin(dis, { dim: 1 });
    const initial_state_pre = initial_state.clone();
    for (let index = 0; index < num_clusters; index++) {
      let selected = torch.nonzero(choice_cluster.eq(index)).squeeze();
      selected = torch.index_select(X, 0, selected);
      if (selected.shape[0] === 0) selected = X.index(torch.randint(X.shape[0], [1]));
      initial_state.index_put_([index], selected.mean({ dim: 0 }));
    }
    const center_shift = torch.sum(torch.sqrt(torch.sum(initial_state.sub(initial_state_pre).pow(2), { dim: 1 })));
    iteration = iteration + 1;
    shifts.push(num(center_shift.pow(2)).toFixed(6));
    if (num(center_shift.pow(2)) < tol) return [choice_cluster, initial_state, shifts];
    if (iter_limit !== 0 && iteration >= iter_limit) return [choice_cluster, initial_state, shifts];
  }
}

function kmeans_predict(X: Tensor, cluster_centers: Tensor, distance = "euclidean"): Tensor {
  const pairwise_distance_function = distance === "euclidean" ? pairwise_distance : pairwise_cosine;
  const dis = pairwise_distance_function(X.float(), cluster_centers);
  return torch.argmin(dis, { dim: 1 });
}

describe("kmeans_pytorch", () => {
  it("kmeans (euclidean, cosine, resumed), kmeans_predict, a one-point cluster, pairwise distances", () => {
    const r = ref.kmeans;
    const [X] = blobs(30, 0);
    torch.manual_seed(3);
    const [ids, centers, shifts] = kmeans(X, 3);
    expectT(ids, r.euclid[0], 0);
    expectT(centers, r.euclid[1], 1e-5);
    expectNums(shifts.map(Number), r.euclid[2].map(Number), 1e-5);
    torch.manual_seed(5);
    const [ids_c, centers_c, shifts_c] = kmeans(X, 3, { distance: "cosine" });
    expectT(ids_c, r.cosine[0], 0);
    expectT(centers_c, r.cosine[1], 1e-5);
    expectNums(shifts_c.map(Number), r.cosine[2].map(Number), 1e-5);
    const [y_new] = blobs(8, 1);
    expectT(kmeans_predict(y_new, centers), r.predict[0], 0);
    expectT(kmeans_predict(y_new, centers_c, "cosine"), r.predict[1], 0);
    torch.manual_seed(7);
    const [ids_r, centers_r, shifts_r] = kmeans(X, 3, { cluster_centers: torch.tensor([[0, 0], [1, 1], [-1, 2]]), iter_limit: 2 });
    expectT(ids_r, r.resume[0], 0);
    expectT(centers_r, r.resume[1], 1e-5);
    expectNums(shifts_r.map(Number), r.resume[2].map(Number), 1e-5);
    const one = torch.tensor([[0, 0], [0.1, 0], [0, 0.1], [5, 5]]);
    const [ids1, centers1] = kmeans(one, 2, { cluster_centers: torch.tensor([[0, 0], [5, 5]]), iter_limit: 1 });
    expectT(ids1, r.single[0], 0);
    expectT(centers1, r.single[1], 1e-6);
    expectT(torch.index_select(one, 0, torch.tensor(3, { dtype: torch.long })), r.single[2], 0);
    expectT(pairwise_distance(X.index(":4"), X.index("4:7")), r.pd[0], 1e-5);
    expectT(pairwise_cosine(X.index(":4"), X.index("4:7")), r.pd[1], 1e-5);
    expectT(pairwise_distance(X.index(":1"), X.index("1:2")), r.pd[2], 1e-5);
  });
});

// ============================================ kNN ============================================
describe("k-nearest neighbours", () => {
  it("cdist + topk(largest=False) + mode, the broadcast distance, mode's ties, bincount votes, cdist's gradient", () => {
    const r = ref.knn;
    const [Xtr, ytr] = blobs(24, 2);
    const [Xte, yte] = blobs(6, 4);
    const d = torch.cdist(Xte, Xtr);
    const [knn_d, knn_i] = d.topk(5, { dim: 1, largest: false });
    const votes = ytr.index(knn_i);
    const pred = torch.mode(votes, { dim: 1 }).values;
    expectT(d, r.knn[0], 1e-5);
    expectT(knn_d, r.knn[1], 1e-5);
    expectT(knn_i, r.knn[2], 0);
    expectT(pred, r.knn[3], 0);
    expect(num(pred.eq(yte).float().mean())).toBeCloseTo(r.knn[4], 6);
    const d2 = Xte.unsqueeze(1).sub(Xtr.unsqueeze(0)).pow(2).sum(-1).sqrt();
    expect(torch.allclose(d, d2)).toBe(r.broadcast_eq);
    const ties = torch.mode(torch.tensor([[2, 1, 1, 2, 0], [3, 3, 0, 0, 1]], { dtype: torch.long }), { dim: 1 });
    expectT(ties.values, r.mode_ties[0], 0);
    expectT(ties.indices, r.mode_ties[1], 0);
    const counts = torch.stack((votes.unbind(0)).map((v) => torch.bincount(v, { minlength: 3 })));
    expectT(counts, r.bincount[0], 0);
    expectT(counts.argmax(1), r.bincount[1], 0);
    const Xg = Xtr.index(":5").clone().requires_grad_();
    torch.cdist(Xte.index(":3"), Xg).sum().backward();
    expectT(Xg.grad!, r.cdist_grad, 1e-5);
  });
});

// ============================================ PCA ============================================
function svd_flip(u: Tensor, v: Tensor): [Tensor, Tensor] {
  const max_abs_cols = torch.argmax(torch.abs(u), { dim: 0 });
  const signs = torch.sign(u.index(max_abs_cols, torch.arange(u.shape[1])));
  return [u.mul(signs), v.mul(signs.unsqueeze(1))];
}

/** Columns with their largest-magnitude entry made positive: eigen / singular vectors compared up to sign. */
function flipCols(t: Tensor): Tensor {
  const rows = torch.argmax(torch.abs(t), { dim: 0 });
  return t.mul(torch.sign(t.index(rows, torch.arange(t.shape[1]))));
}
function flipJ(e: TJ, cols = e.shape[1]): TJ {
  const t = flipCols(torch.tensor(e.data).reshape(e.shape).index(":", `:${cols}`));
  return { shape: [...t.shape], data: t.reshape(-1).tolist() as number[] };
}

describe("PCA", () => {
  it("svd with svd_flip, eigh of the covariance, pca_lowrank / svd_lowrank, gradients through svdvals and eigh", () => {
    const r = ref.pca;
    torch.manual_seed(0);
    const Z = torch.randn(20, 2);
    const W = torch.tensor([[2, 0.5, 0.1, 1.0], [0, 1.0, -1.0, 0.3]]);
    const Xp = Z.matmul(W).add(torch.randn(20, 4).mul(0.05));
    const mean = Xp.mean({ dim: 0 });
    const Xc = Xp.sub(mean);
    const { U, S, Vh } = torch.linalg.svd(Xc, { full_matrices: false });
    const [, Vf] = svd_flip(U, Vh);
    const components = Vf.index(":2");
    const proj = Xc.matmul(components.T);
    const explained_variance = S.pow(2).div(Xp.shape[0] - 1);
    const ratio = explained_variance.div(explained_variance.sum());
    const recon = proj.matmul(components).add(mean);
    [S, components, proj, explained_variance, ratio, recon].forEach((t, i) => expectT(t, r.svd[i], 1e-4));
    expect(num(recon.sub(Xp).pow(2).mean())).toBeCloseTo(r.svd[6], 6);
    // the raw singular vectors: LAPACK's signs
    expectT(U.abs(), { shape: r.svd_raw[0].shape, data: r.svd_raw[0].data.map(Math.abs) }, 1e-4);
    expectT(Vh.abs(), { shape: r.svd_raw[1].shape, data: r.svd_raw[1].data.map(Math.abs) }, 1e-4);
    const cov = Xc.T.matmul(Xc).div(Xp.shape[0] - 1);
    let [evals, evecs] = torch.linalg.eigh(cov);
    const idx = torch.argsort(evals, { descending: true });
    [evals, evecs] = [evals.index(idx), evecs.index(":", idx)];
    expectT(cov, r.eigh[0], 1e-5);
    expectT(evals, r.eigh[1], 1e-4);
    // LAPACK's eigenvector signs are not the engine's; the two noise directions (eigenvalues ~1e-3) are ill-conditioned in float32
    expectT(flipCols(evecs.index(":", ":2")), flipJ(r.eigh[2], 2), 1e-4);
    expectT(torch.cov(Xp.T), r.eigh[3], 1e-5);
    torch.manual_seed(1);
    const [Up, Sp, Vp] = torch.pca_lowrank(Xp, { q: 2 });
    expectT(Sp, r.pca_lowrank[0], 1e-4);
    expectT(flipCols(Vp), flipJ(r.pca_lowrank[1]), 1e-4);
    expectT(flipCols(torch.matmul(Xc, Vp.index(":", ":2"))), flipJ(r.pca_lowrank[2]), 1e-3);
    expect(Up.shape).toEqual(r.pca_lowrank[3]);
    torch.manual_seed(1);
    const [, Ss, Vs] = torch.svd_lowrank(Xc, { q: 3, niter: 2 });
    expectT(Ss, r.svd_lowrank[0], 1e-4);
    expectT(flipCols(Vs), flipJ(r.svd_lowrank[1]), 1e-4);
    const [Ul, Sl, Vl] = torch.svd(Xc);
    expectT(Sl, r.torch_svd[0], 1e-4);
    expect([Ul.shape, Vl.shape]).toEqual([r.torch_svd[1], r.torch_svd[2]]);
    const Xg = Xc.clone().requires_grad_();
    torch.linalg.svdvals(Xg).sum().backward();
    expectT(Xg.grad!, r.svdvals_grad, 1e-4);
    const Cg = cov.clone().requires_grad_();
    const [ev, V] = torch.linalg.eigh(Cg);
    ev.index(-1).add(V.index(":", -1).pow(2).mul(torch.arange(4.0)).sum()).backward();
    expectT(Cg.grad!, r.eigh_grad, 1e-3);
  });
});

// ============================================ GMM by EM ============================================
describe("Gaussian mixture by EM", () => {
  it("1-D by hand and 2-D through MultivariateNormal, logsumexp responsibilities", () => {
    const r = ref.gmm;
    torch.manual_seed(0);
    const x1 = torch.cat([torch.randn(15).mul(0.5).sub(2), torch.randn(15).mul(0.8).add(1.5)]);
    const K = 2;
    let mu = torch.tensor([-1.0, 1.0]);
    let v = torch.ones(K);
    let pi = torch.full([K], 1.0 / K);
    const lls: number[] = [];
    let resp = torch.zeros(1);
    for (let it = 0; it < 6; it++) {
      const log_p = x1.unsqueeze(1).sub(mu).pow(2).mul(-0.5).div(v).sub(torch.log(v.mul(2 * PI)).mul(0.5)).add(torch.log(pi));
      const log_norm = torch.logsumexp(log_p, { dim: 1, keepdim: true });
      resp = torch.exp(log_p.sub(log_norm));
      lls.push(num(log_norm.sum()));
      const Nk = resp.sum(0);
      mu = resp.mul(x1.unsqueeze(1)).sum(0).div(Nk);
      v = resp.mul(x1.unsqueeze(1).sub(mu).pow(2)).sum(0).div(Nk);
      pi = Nk.div(x1.shape[0]);
    }
    expectNums(lls, r.em1d[0], 1e-5);
    [mu, v, pi, resp.index(":5")].forEach((t, i) => expectT(t, r.em1d[i + 1], 1e-4));
    const { MultivariateNormal } = torch.distributions;
    const [X2] = blobs(24, 6, 2, 2, 3.0, 0.7);
    let mus = X2.index(torch.tensor([0, 1], { dtype: torch.long })).clone();
    let covs = torch.eye(2).repeat(2, 1, 1);
    let pis = torch.tensor([0.5, 0.5]);
    const lls2: number[] = [];
    for (let it = 0; it < 4; it++) {
      const log_p = torch.stack([0, 1].map((k) => new MultivariateNormal(mus.index(k), { covariance_matrix: covs.index(k) }).log_prob(X2)), { dim: 1 }).add(pis.log());
      const ll = torch.logsumexp(log_p, 1);
      lls2.push(num(ll.sum()));
      const rsp = log_p.sub(ll.unsqueeze(1)).exp();
      const Nk = rsp.sum(0);
      mus = rsp.T.matmul(X2).div(Nk.unsqueeze(1));
      const m = mus;
      covs = torch.stack([0, 1].map((k) => rsp.index(":", k).unsqueeze(1).mul(X2.sub(m.index(k))).T.matmul(X2.sub(m.index(k))).div(Nk.index(k)).add(torch.eye(2).mul(1e-6))));
      pis = Nk.div(X2.shape[0]);
    }
    expectNums(lls2, r.em2d[0], 1e-5);
    [mus, covs, pis].forEach((t, i) => expectT(t, r.em2d[i + 1], 1e-4));
    const lse = torch.logsumexp(torch.tensor([[-Infinity, -Infinity], [0, -Infinity]]), { dim: 1 });
    expect(lse.tolist()).toEqual(r.logsumexp_inf[0].data.map((s: string | number) => (s === "-inf" ? -Infinity : s)));
  });
});

// ============================================ least squares / ridge / kernel ridge ============================================
describe("least squares, ridge and kernel ridge in closed form", () => {
  it("lstsq / normal equations / pinv / inverse / cholesky_solve / ridge, their gradients, kernel ridge, batched and left=False solves", () => {
    const r = ref.ols;
    torch.manual_seed(0);
    const Xl = torch.randn(16, 3);
    const w_true = torch.tensor([[1.5], [-2.0], [0.5]]);
    const yl = Xl.matmul(w_true).add(0.3).add(torch.randn(16, 1).mul(0.1));
    const Xb = torch.cat([Xl, torch.ones(16, 1)], { dim: 1 });
    const w_lstsq = torch.linalg.lstsq(Xb, yl).solution;
    const w_normal = torch.linalg.solve(Xb.T.matmul(Xb), Xb.T.matmul(yl));
    const w_pinv = torch.linalg.pinv(Xb).matmul(yl);
    const w_inv = torch.inverse(Xb.T.matmul(Xb)).matmul(Xb.T).matmul(yl);
    const Lc = torch.linalg.cholesky(Xb.T.matmul(Xb));
    const w_chol = torch.cholesky_solve(Xb.T.matmul(yl), Lc);
    const lam = 0.5;
    const w_ridge = torch.linalg.solve(Xb.T.matmul(Xb).add(torch.eye(4).mul(lam)), Xb.T.matmul(yl));
    [w_lstsq, w_normal, w_pinv, w_inv, w_chol, w_ridge].forEach((t, i) => expectT(t, r.ols[i], 1e-4));
    expect(num(Xb.matmul(w_lstsq).sub(yl).pow(2).mean())).toBeCloseTo(r.ols[6], 6);
    const Xg = Xb.clone().requires_grad_();
    torch.linalg.solve(Xg.T.matmul(Xg).add(torch.eye(4).mul(lam)), Xg.T.matmul(yl)).sum().backward();
    const g_solve = Xg.grad!.clone();
    Xg.grad = null;
    torch.linalg.pinv(Xg).matmul(yl).sum().backward();
    const g_pinv = Xg.grad!.clone();
    Xg.grad = null;
    torch.linalg.lstsq(Xg, yl).solution.sum().backward();
    const g_lstsq = Xg.grad!.clone();
    Xg.grad = null;
    const A = Xg.T.matmul(Xg);
    torch.cholesky_solve(Xg.T.matmul(yl), torch.linalg.cholesky(A)).pow(2).sum().backward();
    const g_chol = Xg.grad!.clone();
    const lam_t = torch.tensor(0.5, { requires_grad: true });
    torch.linalg.solve(Xb.T.matmul(Xb).add(torch.eye(4).mul(lam_t)), Xb.T.matmul(yl)).norm().backward();
    [g_solve, g_pinv, g_lstsq, g_chol].forEach((t, i) => expectT(t, r.grads[i], 1e-3));
    expect(num(lam_t.grad!)).toBeCloseTo(r.grads[4], 4);
    const Xk = torch.linspace(-3, 3, 12).unsqueeze(1);
    const yk = torch.sin(Xk).add(torch.randn(12, 1).mul(0.1));
    const Xs = torch.linspace(-3, 3, 5).unsqueeze(1);
    const rbf = (a: Tensor, b: Tensor, gamma = 0.5): Tensor => torch.exp(torch.cdist(a, b).pow(2).mul(-gamma));
    const alpha = torch.linalg.solve(rbf(Xk, Xk).add(torch.eye(12).mul(0.1)), yk);
    expectT(alpha, r.krr[0], 1e-3);
    expectT(rbf(Xs, Xk).matmul(alpha), r.krr[1], 1e-4);
    expectT(torch.linalg.solve(torch.eye(2).repeat(3, 1, 1).mul(2), torch.ones(3, 2)), r.misc[0], 1e-6);
    expectT(torch.linalg.solve(torch.tensor([[2, 1], [1, 3]]), torch.tensor([[1, 2]]), { left: false }), r.misc[1], 1e-6);
    const deficient = torch.cat([Xl, Xl.index(":", ":1").mul(2)], 1);
    expect(num(torch.linalg.matrix_rank(deficient))).toBe(r.misc[2]);
    expectT(torch.linalg.lstsq(deficient, yl, { driver: "gelsd" }).solution, r.misc[3], 1e-4);
  });
});

// ============================================ Gaussian-process regression ============================================
const f64 = { dtype: torch.float64 };

function rbf_kernel(x1: Tensor, x2: Tensor, lengthscale: Tensor | number, variance: Tensor | number): Tensor {
  const sqdist = torch.sum(x1.pow(2), 1).reshape(-1, 1).add(torch.sum(x2.pow(2), 1)).sub(x1.matmul(x2.T).mul(2));
  return torch.mul(variance, torch.exp(torch.mul(torch.div(-0.5, torch.pow(lengthscale, 2)), sqdist)));
}

function nlml(Xtr: Tensor, ytr: Tensor, ls: Tensor | number, v: Tensor | number, noise: Tensor | number): Tensor {
  const n = Xtr.shape[0];
  const Kxx = rbf_kernel(Xtr, Xtr, ls, v).add(torch.mul(noise, torch.eye(n, { dtype: Xtr.dtype })));
  const L = torch.linalg.cholesky(Kxx);
  const alpha = torch.cholesky_solve(ytr.unsqueeze(1), L);
  return ytr.matmul(alpha.squeeze(1)).mul(0.5).add(torch.log(torch.diagonal(L)).sum()).add(0.5 * n * Math.log(2 * PI));
}

describe("Gaussian-process regression from scratch", () => {
  it("posterior mean / covariance, log marginal likelihood three ways, Adam on the log-hyperparameters, cholesky gradients", () => {
    const r = ref.gp;
    torch.manual_seed(0);
    const Xtr = torch.linspace(0, 5, 10, f64).unsqueeze(1);
    const ytr = torch.sin(Xtr).squeeze(1).add(torch.randn(10, f64).mul(0.1));
    const Xte = torch.linspace(0, 5, 4, f64).unsqueeze(1);
    const Kxx = rbf_kernel(Xtr, Xtr, 1.0, 1.0).add(torch.eye(10, f64).mul(0.01));
    const L = torch.linalg.cholesky(Kxx);
    const alpha = torch.cholesky_solve(ytr.unsqueeze(1), L);
    const Ks = rbf_kernel(Xtr, Xte, 1.0, 1.0);
    const mean = Ks.T.matmul(alpha).squeeze(1);
    const v = torch.linalg.solve_triangular(L, Ks, { upper: false });
    const cov = rbf_kernel(Xte, Xte, 1.0, 1.0).sub(v.T.matmul(v));
    const [sign, logabsdet] = torch.linalg.slogdet(Kxx);
    const p = r.posterior;
    [mean, cov, torch.diagonal(cov).clamp({ min: 0 }).sqrt(), L, alpha].forEach((t, i) => expectT(t, p[i], 1e-9));
    expect(num(nlml(Xtr, ytr, 1.0, 1.0, 0.01))).toBeCloseTo(p[5], 9);
    expect(num(torch.logdet(Kxx))).toBeCloseTo(p[6], 9);
    expect([num(sign), num(logabsdet)]).toEqual([p[7], expect.closeTo(p[8], 9)]);
    expect(num(torch.log(torch.diagonal(L)).sum().mul(2))).toBeCloseTo(p[9], 9);
    expectT(torch.cholesky_inverse(L).index(":3", ":3"), p[10], 1e-8);
    expectT(torch.linalg.inv(Kxx).matmul(ytr).index(":4"), p[11], 1e-8);

    const log_ls = torch.tensor(0.0, { dtype: torch.float64, requires_grad: true });
    const log_var = torch.tensor(0.0, { dtype: torch.float64, requires_grad: true });
    const log_noise = torch.tensor(Math.log(0.1), { dtype: torch.float64, requires_grad: true });
    const opt = new optim.Adam([log_ls, log_var, log_noise], { lr: 0.1 });
    const losses: number[] = [];
    for (let step = 0; step < 8; step++) {
      opt.zero_grad();
      const loss = nlml(Xtr, ytr, log_ls.exp(), log_var.exp(), log_noise.exp());
      loss.backward();
      if (step === 0) expectNums([log_ls, log_var, log_noise].map((t) => num(t.grad!)), r.grad0, 1e-9);
      opt.step();
      losses.push(num(loss));
    }
    expectNums(losses, r.adam[0], 1e-9);
    expectNums([log_ls, log_var, log_noise].map(num), r.adam.slice(1), 1e-9);

    const ls_t = torch.tensor(0.7, { dtype: torch.float64, requires_grad: true });
    let Kt = rbf_kernel(Xtr, Xtr, ls_t, 1.0).add(torch.eye(10, f64).mul(0.01));
    const mvn = new torch.distributions.MultivariateNormal(torch.zeros(10, f64), { covariance_matrix: Kt }).log_prob(ytr).neg();
    mvn.backward();
    const g_mvn = num(ls_t.grad!);
    ls_t.grad = null;
    Kt = rbf_kernel(Xtr, Xtr, ls_t, 1.0).add(torch.eye(10, f64).mul(0.01));
    const sd = ytr.matmul(torch.linalg.solve(Kt, ytr)).mul(0.5).add(torch.linalg.slogdet(Kt)[1].mul(0.5)).add(5 * Math.log(2 * PI));
    sd.backward();
    expectNums([num(mvn), g_mvn, num(sd), num(ls_t.grad!)], r.mvn, 1e-9);

    const Kg = Kxx.clone().requires_grad_();
    torch.linalg.cholesky(Kg).diagonal().log().sum().backward();
    const Kg2 = Kxx.clone().requires_grad_();
    torch.cholesky_inverse(torch.linalg.cholesky(Kg2)).trace().backward();
    const [Lx, info] = torch.linalg.cholesky_ex(torch.tensor([[1, 2], [2, 1]]));
    expectT(Kg.grad!.index(":3", ":3"), r.chol_grads[0], 1e-8);
    expectT(Kg2.grad!.index(":3", ":3"), r.chol_grads[1], 1e-7);
    expectT(Lx, r.chol_grads[2], 1e-6);
    expect(num(info)).toBe(r.chol_grads[3]);

    torch.manual_seed(2);
    const Kp = rbf_kernel(Xte, Xte, 1.0, 1.0).add(torch.eye(4, f64).mul(1e-6));
    expectT(torch.linalg.cholesky(Kp).matmul(torch.randn(4, 3, f64)), r.prior_samples, 1e-9);
  });
});

// ============================================ logistic regression (LBFGS) / linear SVM ============================================
describe("logistic regression with LBFGS, a linear SVM with hinge loss", () => {
  it("LBFGS over a closure (plain and strong_wolfe), hinge-loss SGD, hinge_embedding_loss / multi_margin_loss", () => {
    const r = ref.linear;
    const [Xc2, yc2] = blobs(20, 8, 2, 2, 2.0, 1.0);
    const yf = yc2.float();
    torch.manual_seed(0);
    const w = torch.zeros(2, { requires_grad: true });
    const b = torch.zeros(1, { requires_grad: true });
    const opt = new optim.LBFGS([w, b], { lr: 1, max_iter: 4 });
    const closure = (): Tensor => {
      opt.zero_grad();
      const logits = Xc2.matmul(w).add(b);
      const loss = F.binary_cross_entropy_with_logits(logits, yf).add(w.pow(2).sum().mul(0.01));
      loss.backward();
      return loss;
    };
    const losses: number[] = [];
    for (let i = 0; i < 2; i++) losses.push(num(opt.step(closure) as Tensor));
    const acc = num(torch.sigmoid(Xc2.matmul(w).add(b)).gt(0.5).float().eq(yf).float().mean());
    const st = opt.state.get(w) as Record<string, unknown>;
    const n = (x: unknown): number => (typeof x === "number" ? x : num(x as Tensor));
    expectNums(losses, r.logreg_lbfgs[0], 1e-4);
    expectT(w, r.logreg_lbfgs[1], 1e-3);
    expectT(b, r.logreg_lbfgs[2], 1e-3);
    expect(acc).toBeCloseTo(r.logreg_lbfgs[3], 6);
    expect([n(st.n_iter), n(st.func_evals)]).toEqual([r.logreg_lbfgs[4], r.logreg_lbfgs[5]]);

    const w2 = torch.zeros(2, { requires_grad: true });
    const b2 = torch.zeros(1, { requires_grad: true });
    const opt2 = new optim.LBFGS([w2, b2], { lr: 1, max_iter: 3, line_search_fn: "strong_wolfe" });
    const closure2 = (): Tensor => {
      opt2.zero_grad();
      const loss = F.binary_cross_entropy_with_logits(Xc2.matmul(w2).add(b2), yf).add(w2.pow(2).sum().mul(0.01));
      loss.backward();
      return loss;
    };
    const l2 = [0, 1].map(() => num(opt2.step(closure2) as Tensor));
    expectNums(l2, r.logreg_wolfe[0], 1e-4);
    expectT(w2, r.logreg_wolfe[1], 1e-3);
    expectT(b2, r.logreg_wolfe[2], 1e-3);
    expect(n((opt2.state.get(w2) as Record<string, unknown>).func_evals)).toBe(r.logreg_wolfe[3]);

    const ys = yf.mul(2).sub(1);
    torch.manual_seed(0);
    const lin = new nn.Linear(2, 1);
    const sgd = new optim.SGD(lin.parameters(), { lr: 0.1 });
    const hl: number[] = [];
    for (let epoch = 0; epoch < 10; epoch++) {
      sgd.zero_grad();
      const out = lin.forward(Xc2).squeeze();
      const loss = torch.mean(torch.clamp(torch.sub(1, ys.mul(out)), { min: 0 })).add(lin.weight.pow(2).sum().mul(0.01));
      loss.backward();
      sgd.step();
      hl.push(num(loss));
    }
    expectNums(hl, r.svm[0], 1e-5);
    expectT(lin.weight, r.svm[1], 1e-5);
    expectT(lin.bias!, r.svm[2], 1e-5);
    expect(num(torch.sign(lin.forward(Xc2).squeeze()).eq(ys).float().mean())).toBeCloseTo(r.svm[3], 6);
    expectT(F.hinge_embedding_loss(lin.forward(Xc2).squeeze(), ys, { reduction: "none" }), r.svm[4], 1e-5);
    const o = lin.forward(Xc2).squeeze();
    expect(num(F.multi_margin_loss(torch.stack([o.neg(), o], 1), yc2))).toBeCloseTo(r.svm[5], 5);
  });
});

// ============================================ the learner's mistakes ============================================
describe("the learner's mistakes", () => {
  it("non-PD cholesky, singular solves, removed torch.solve, dtype mixing, shape errors", () => {
    const m = ref.mistakes;
    const notpd = torch.tensor([[1, 2], [2, 1]]);
    expect(raised(() => torch.linalg.cholesky(notpd))).toEqual(m.chol_notpd);
    expect(raised(() => torch.linalg.cholesky(torch.stack([torch.eye(2), notpd])))).toEqual(m.chol_notpd_batch);
    expect(raised(() => torch.linalg.cholesky_ex(notpd, { check_errors: true }))).toEqual(m.chol_ex_notpd);
    expect(raised(() => torch.cholesky(notpd))).toEqual(m.torch_cholesky_notpd);
    const Xdup = torch.tensor([[0], [1], [1]], f64);
    const Kdup = rbf_kernel(Xdup, Xdup, 1.0, 1.0);
    expect(raised(() => torch.linalg.cholesky(Kdup.sub(torch.eye(3, f64).mul(1e-3))))).toEqual(m.chol_singular_kernel);
    expectT(torch.linalg.cholesky(Kdup.add(torch.eye(3, f64).mul(1e-6))), m.chol_jitter_ok, 1e-9);
    expect(raised(() => torch.linalg.cholesky(torch.ones(2, 3)))).toEqual(m.chol_nonsquare);
    expect(raised(() => torch.linalg.cholesky(torch.eye(2, { dtype: torch.long })))).toEqual(m.chol_int);
    const sing = torch.tensor([[1, 2], [2, 4]]);
    expect(raised(() => torch.linalg.solve(sing, torch.ones(2)))).toEqual(m.solve_singular);
    expect(raised(() => torch.linalg.inv(sing))).toEqual(m.inv_singular);
    expect(raised(() => torch.inverse(sing))).toEqual(m.inverse_singular);
    expect(raised(() => (torch as unknown as { solve: (a: Tensor, b: Tensor) => Tensor }).solve(torch.ones(2, 1), torch.eye(2)))).toEqual(m.torch_solve_removed);
    expect(raised(() => torch.linalg.solve(torch.eye(2, f64), torch.ones(2)))).toEqual(m.solve_dtype);
    expect(raised(() => torch.linalg.solve(torch.eye(3), torch.ones(2, 1)))).toEqual(m.solve_shape);
    expect(raised(() => torch.cholesky_solve(torch.ones(2, 1), torch.eye(2, f64)))).toEqual(m.cholesky_solve_dtype);
    expect(raised(() => torch.cholesky_solve(torch.ones(2), torch.eye(2)))).toEqual(m.cholesky_solve_1d);
    expect(raised(() => torch.linalg.lstsq(torch.ones(3, 2, f64), torch.ones(3, 1)))).toEqual(m.lstsq_dtype);
    const Xtr = torch.linspace(0, 5, 10, f64).unsqueeze(1);
    // the engine's matmul adds a hint after torch's text
    const mm = raised(() => Xtr.T.matmul(torch.ones(10, 1)))!;
    expect([mm[0], mm[1].startsWith(m.mm_dtype[1])]).toEqual([m.mm_dtype[0], true]);
    expect(raised(() => torch.cdist(torch.ones(3, 2), torch.ones(4, 3)))).toEqual(m.cdist_dims);
    expect(raised(() => torch.cdist(torch.ones(3, 2, { dtype: torch.long }), torch.ones(4, 2, { dtype: torch.long })))).toEqual(m.cdist_int);
    expect(raised(() => torch.ones(2, 3).topk(5, { dim: 1, largest: false }))).toEqual(m.topk_too_many);
    const md = torch.mode(torch.tensor([1.5, 2.5, 1.5]));
    expectT(md.values, m.mode_float_ok[0], 0);
    expectT(md.indices, m.mode_float_ok[1], 0);
    expect(raised(() => torch.linalg.eigh(torch.ones(2, 3)))).toEqual(m.eigh_nonsquare);
    expect(raised(() => torch.linalg.svd(torch.ones(2, 3, { dtype: torch.long })))).toEqual(m.svd_int);
    expect([num(torch.logdet(torch.tensor([[0, 1], [1, 0]]))), num(torch.logdet(torch.zeros(2, 2)))].map(String)).toEqual(["NaN", "-Infinity"]);
    expect(m.logdet_neg).toEqual(["nan", "-inf"]);
    expect(torch.linalg.slogdet(torch.tensor([[0, 1], [1, 0]])).map(num)).toEqual(m.slogdet_neg);
    expectT(torch.linalg.pinv(sing), m.pinv_singular, 1e-5);
    const [X] = blobs(30, 0);
    expect(raised(() => torch.index_select(X, 0, torch.tensor([[0, 1]], { dtype: torch.long })))).toEqual(m.index_select_2d);
    expect(raised(() => torch.index_select(X, 0, torch.tensor([0.0, 1.0])))).toEqual(m.index_select_float);
  });
});
