/**
 * torch 1.13's LU, LDL, eigen and low-rank names beyond ops/linalg.ts:
 *   torch.lu_unpack(LU_data, LU_pivots, unpack_data=True, unpack_pivots=True) -> (P, L, U) with A = P L U;
 *   torch.symeig(input, eigenvectors=False, upper=True) -> (eigenvalues, eigenvectors), deprecated: warns
 *     once as 1.13, eigenvectors empty unless asked (linalg.eigh underneath, so differentiable);
 *   torch.lstsq / solve / eig / matrix_rank and the Tensor methods: removed in 1.13, which raises
 *     "This function was deprecated since version 1.9 and is now removed..." (same text here);
 *   torch.linalg.eigvals: linalg_eigvals.ts (a complex tensor of eigenvalues), installed by linalg_composites.ts;
 *   torch.linalg.eig: its eigenvectors are not computed here, so it raises naming the real alternative (eigh).
 */
import { parseArgs, type PyArgs } from "../args";
import { int32 } from "../dtype";
import { RuntimeError, TypeError_, ValueError } from "../errors";
import { Tensor } from "../tensor";
import { eye, from_array, randn, zeros } from "./creation";
import { cholesky, eigh, lu_factor, qr, solve_triangular, svd } from "./linalg";
import { ldl_factor, ldl_factor_ex, ldl_solve } from "./ldl";
import { warnOnce } from "../warnings";

function namedTuple<K extends string>(keys: readonly K[], values: Tensor[]): Tensor[] & Record<K, Tensor> {
  const r = [...values] as Tensor[] & Record<K, Tensor>;
  keys.forEach((k, i) => ((r as Record<K, Tensor>)[k] = values[i]));
  return r;
}

export interface LuUnpackOptions {
  unpack_data?: boolean;
  unpack_pivots?: boolean;
}

/** torch.lu_unpack: P (pivots applied to the identity), L (unit lower, m x k) and U (upper, k x n), batched. */
export function lu_unpack(LU_data: Tensor, LU_pivots: Tensor, ...args: PyArgs<[unpack_data?: boolean, unpack_pivots?: boolean], LuUnpackOptions>): Tensor[] & { P: Tensor; L: Tensor; U: Tensor };
export function lu_unpack(LU_data: Tensor, options: LuUnpackOptions & { LU_pivots: Tensor }): Tensor[] & { P: Tensor; L: Tensor; U: Tensor };
export function lu_unpack(LU_data: Tensor, ...rest: unknown[]): Tensor[] & { P: Tensor; L: Tensor; U: Tensor } {
  // LU_pivots by keyword too (torch.lu_unpack(LU, LU_pivots=piv))
  const o = parseArgs<LuUnpackOptions & { LU_pivots: Tensor }>("lu_unpack", ["LU_pivots", "unpack_data", "unpack_pivots"], rest);
  const LU_pivots = o.LU_pivots as Tensor;
  if (!(LU_data instanceof Tensor) || !(LU_pivots instanceof Tensor)) throw new TypeError_("lu_unpack(): LU_data and LU_pivots must be Tensors");
  if (LU_data.dim() < 2) throw new RuntimeError(`torch.lu_unpack: Expected tensor with 2 or more dimensions. Got size: [${LU_data.shape.join(", ")}] instead`);
  const [m, n] = LU_data.shape.slice(-2);
  const k = Math.min(m, n);
  const batch = LU_data.shape.slice(0, -2);
  if (LU_pivots.dtype.is_floating_point) throw new RuntimeError(`torch.lu_unpack: LU_pivots is expected to be a contiguous tensor of torch.int32 dtype. Got: ${LU_pivots.dtype}`);
  if (LU_pivots.shape.join() !== [...batch, k].join()) {
    throw new RuntimeError(`torch.lu_unpack: Expected LU_pivots.size(-1) == min(LU_data.size(-1), LU_data.size(-2)), but got ${LU_pivots.shape[LU_pivots.dim() - 1]} != ${k}`);
  }
  const empty0 = () => zeros([0], { dtype: LU_data.dtype });
  let L = empty0();
  let U = empty0();
  if (o.unpack_data ?? true) {
    // L: the strictly lower part of the first k columns plus a unit diagonal; U: the upper part of the first k rows.
    const lower = LU_data.narrow(-1, 0, k).tril(-1);
    L = lower.add(eye(m, k, { dtype: LU_data.dtype }));
    U = LU_data.narrow(-2, 0, k).triu();
  }
  let P = empty0();
  if (o.unpack_pivots ?? true) {
    // LAPACK's pivots are 1-based sequential row swaps; P is the permutation with A = P L U.
    const piv = (LU_pivots.reshape(-1).tolist() as number[]).map(Number);
    const nb = batch.reduce((a, b) => a * b, 1);
    const data = new Float64Array(nb * m * m);
    for (let b = 0; b < nb; b++) {
      const perm = Array.from({ length: m }, (_, i) => i);
      for (let i = 0; i < k; i++) {
        const j = piv[b * k + i] - 1;
        if (j < 0 || j >= m) throw new RuntimeError(`torch.lu_unpack: pivot ${j + 1} out of range [1, ${m}]`);
        [perm[i], perm[j]] = [perm[j], perm[i]];
      }
      // Row i of P^T A is row perm[i] of A, so P[perm[i], i] = 1.
      for (let i = 0; i < m; i++) data[b * m * m + perm[i] * m + i] = 1;
    }
    P = from_array(data, [...batch, m, m]).to(LU_data.dtype);
  }
  return namedTuple(["P", "L", "U"] as const, [P, L, U]);
}

/**
 * torch.geqrf(A) -> (a, tau): LAPACK geqrf's Householder QR of an (m, n) matrix, batched: R in and above the diagonal
 * of a, the Householder vectors v_i (v_i[i] = 1, implied) below it, and tau (min(m, n)) with H_i = I - tau_i v_i v_i^T,
 * Q = H_1 ... H_k (torch.linalg.householder_product(a, tau)). The reflector is LAPACK's dlarfg (beta = -sign(alpha) *
 * ||x||, tau = (beta - alpha) / beta; tau = 0 when the column below the diagonal is zero), computed in float64. No
 * gradient, as in torch ("the derivative for 'geqrf' is not implemented").
 */
export function geqrf(A: Tensor, ...rest: unknown[]): Tensor[] & { a: Tensor; tau: Tensor } {
  parseArgs<object>("geqrf", [], rest);
  if (!(A instanceof Tensor)) throw new TypeError_(`geqrf(): argument 'input' (position 1) must be Tensor, not ${typeof A}`);
  if (A.dim() < 2) throw new RuntimeError(`torch.geqrf: The input tensor A must have at least 2 dimensions.`);
  if (!A.dtype.is_floating_point) throw new RuntimeError(`torch.geqrf: Expected a floating point or complex tensor as input. Got ${A.dtype.name}`);
  const [m, n] = A.shape.slice(-2);
  const k = Math.min(m, n);
  const batch = A.shape.slice(0, -2);
  const count = batch.reduce((x, y) => x * y, 1);
  const src = Float64Array.from(A.detach().contiguous().reshape(-1).tolist() as number[]);
  const out = new Float64Array(src.length);
  const taus = new Float64Array(count * k);
  for (let b = 0; b < count; b++) {
    const a = src.subarray(b * m * n, (b + 1) * m * n);
    for (let i = 0; i < k; i++) {
      const alpha = a[i * n + i];
      let xnorm = 0;
      for (let r = i + 1; r < m; r++) xnorm = Math.hypot(xnorm, a[r * n + i]);
      if (xnorm === 0) continue; // H_i = I (tau 0)
      const beta = -(alpha >= 0 ? 1 : -1) * Math.hypot(alpha, xnorm);
      const tau = (beta - alpha) / beta;
      const scale = 1 / (alpha - beta);
      for (let r = i + 1; r < m; r++) a[r * n + i] *= scale;
      a[i * n + i] = beta;
      taus[b * k + i] = tau;
      // apply H_i = I - tau v v^T to the columns on the right (v = [1, a[i+1:, i]])
      for (let c = i + 1; c < n; c++) {
        let dot = a[i * n + c];
        for (let r = i + 1; r < m; r++) dot += a[r * n + i] * a[r * n + c];
        const f = tau * dot;
        a[i * n + c] -= f;
        for (let r = i + 1; r < m; r++) a[r * n + c] -= f * a[r * n + i];
      }
    }
    out.set(a, b * m * n);
  }
  const aOut = from_array(out, A.shape).to(A.dtype);
  const tauOut = from_array(taus, [...batch, k]).to(A.dtype);
  return namedTuple(["a", "tau"] as const, [aOut, tauOut]);
}

/** torch.symeig (deprecated in 1.13): eigenvalues ascending and, with eigenvectors=True, the eigenvectors; `upper` picks the triangle read. */
export function symeig(input: Tensor, ...args: PyArgs<[eigenvectors?: boolean, upper?: boolean], { eigenvectors?: boolean; upper?: boolean }>): Tensor[] & { eigenvalues: Tensor; eigenvectors: Tensor } {
  const o = parseArgs<{ eigenvectors?: boolean; upper?: boolean }>("symeig", ["eigenvectors", "upper"], args);
  warnOnce(
    "UserWarning: torch.symeig is deprecated in favor of torch.linalg.eigh and will be removed in a future PyTorch release.\n" +
      "The default behavior has changed from using the upper triangular portion of the matrix by default to using the lower triangular portion.\n" +
      "L, _ = torch.symeig(A, upper=upper)\nshould be replaced with\nL = torch.linalg.eigvalsh(A, UPLO='U' if upper else 'L')\nand\n" +
      "L, V = torch.symeig(A, eigenvectors=True)\nshould be replaced with\nL, V = torch.linalg.eigh(A, UPLO='U' if upper else 'L')",
  );
  const r = eigh(input, (o.upper ?? true) ? "U" : "L");
  const vectors = o.eigenvectors ? r.eigenvectors : zeros([0], { dtype: input.dtype });
  return namedTuple(["eigenvalues", "eigenvectors"] as const, [r.eigenvalues, vectors]);
}

const removedTuple = (alt: string): string => `('This function was deprecated since version 1.9 and is now removed.', 'Please use the \`${alt}\` function instead.')`;
const removedPlain = (alt: string): string => `This function was deprecated since version 1.9 and is now removed. Please use the \`${alt}\` function instead.`;

/** The functions 1.13 keeps only to raise (messages as 1.13's: lstsq and matrix_rank print a tuple). */
export const removedLinalg = {
  lstsq: (): never => { throw new RuntimeError(removedTuple("torch.linalg.lstsq")); },
  matrix_rank: (): never => { throw new RuntimeError(removedTuple("torch.linalg.matrix_rank")); },
  solve: (): never => { throw new RuntimeError(removedPlain("torch.linalg.solve")); },
  eig: (): never => { throw new RuntimeError(removedPlain("torch.linalg.eig")); },
};

function eigUnsupported(): never {
  throw new RuntimeError(
    "torch.linalg.eig: the eigenvectors of a general matrix are not computed by this engine (torch.linalg.eigvals gives the eigenvalues). " +
      "For a symmetric matrix use torch.linalg.eigh, which returns real eigenvalues and eigenvectors.",
  );
}

export const linalgDecompositions = {
  ldl_factor, ldl_factor_ex, ldl_solve,
  eig: (A: Tensor, ...rest: unknown[]): never => { void A; void rest; return eigUnsupported(); },
};

/** torch.lu(A, pivot=True, get_infos=False): [LU, pivots] or, with get_infos, [LU, pivots, infos] (zeros: a singular U is still factored). */
export function luWithInfos(A: Tensor, ...args: PyArgs<[pivot?: boolean, get_infos?: boolean], { pivot?: boolean; get_infos?: boolean }>): Tensor[] {
  const o = parseArgs<{ pivot?: boolean; get_infos?: boolean }>("lu", ["pivot", "get_infos"], args);
  // torch 1.13's TORCH_WARN_ONCE in _lu_with_info, reached by torch.lu and Tensor.lu alike (shown without its
  // "(Triggered internally at ...)" suffix, as the engine's other C++ warnings)
  warnOnce(
    "UserWarning: torch.lu is deprecated in favor of torch.linalg.lu_factor / torch.linalg.lu_factor_ex and will be removed in a future PyTorch release.\n" +
      "LU, pivots = torch.lu(A, compute_pivots)\nshould be replaced with\nLU, pivots = torch.linalg.lu_factor(A, compute_pivots)\nand\n" +
      "LU, pivots, info = torch.lu(A, compute_pivots, get_infos=True)\nshould be replaced with\nLU, pivots, info = torch.linalg.lu_factor_ex(A, compute_pivots)",
  );
  const f = lu_factor(A, { pivot: o.pivot ?? true });
  return o.get_infos ? [f.LU, f.pivots, zeros(A.shape.slice(0, -2), { dtype: int32 })] : [f.LU, f.pivots];
}

// ---- randomized low-rank SVD (torch._lowrank, Halko et al.) -----------------------------------

/** get_approximate_basis: Q with orthonormal columns spanning A R's range, refined by niter power iterations (R ~ torch.randn(n, q)). */
function approximateBasis(A: Tensor, q: number, niter: number, M: Tensor | null): Tensor {
  const n = A.shape[A.dim() - 1];
  const R = randn([n, q], { dtype: A.dtype });
  const Ac = M === null ? A : A.sub(M);
  const AH = Ac.mT;
  let Q = qr(Ac.matmul(R)).Q;
  for (let i = 0; i < niter; i++) {
    Q = qr(AH.matmul(Q)).Q;
    Q = qr(Ac.matmul(Q)).Q;
  }
  return Q;
}

function svdLowrankCore(A: Tensor, q: number, niter: number, M: Tensor | null): Tensor[] & { U: Tensor; S: Tensor; V: Tensor } {
  const [m, n] = A.shape.slice(-2);
  let U: Tensor, S: Tensor, V: Tensor;
  if (m < n || n > q) {
    // The SVD of the transpose keeps B small (PyTorch's branch order, so the same random draw is used the same way).
    const Q = approximateBasis(A.mT, q, niter, M === null ? null : M.mT);
    const Bt = M === null ? A.matmul(Q) : A.matmul(Q).sub(M.matmul(Q));
    const r = svd(Bt, { full_matrices: false });
    [U, S] = [r.U, r.S];
    V = Q.matmul(r.Vh.mT);
  } else {
    const Q = approximateBasis(A, q, niter, M);
    const B = M === null ? Q.mT.matmul(A) : Q.mT.matmul(A).sub(Q.mT.matmul(M));
    const r = svd(B, { full_matrices: false });
    S = r.S;
    V = r.Vh.mT;
    U = Q.matmul(r.U);
  }
  return namedTuple(["U", "S", "V"] as const, [U, S, V]);
}

export interface SvdLowrankOptions {
  q?: number | null;
  niter?: number;
  M?: Tensor | null;
}

/** torch.svd_lowrank(A, q=6, niter=2, M=None) -> (U, S, V), A - M ~ U diag(S) V^T (singular vectors' signs may differ from PyTorch's LAPACK). */
export function svd_lowrank(A: Tensor, ...args: PyArgs<[q?: number | null, niter?: number, M?: Tensor | null], SvdLowrankOptions>): Tensor[] & { U: Tensor; S: Tensor; V: Tensor } {
  const o = parseArgs<SvdLowrankOptions>("svd_lowrank", ["q", "niter", "M"], args);
  if (!(A instanceof Tensor)) throw new TypeError_("svd_lowrank(): argument 'A' must be Tensor");
  if (A.dim() < 2) throw new RuntimeError(`svd_lowrank: expected a matrix (or a batch of matrices), got shape [${A.shape.join(", ")}]`);
  return svdLowrankCore(A, o.q ?? 6, o.niter ?? 2, o.M ?? null);
}

/** torch.pca_lowrank(A, q=None, center=True, niter=2) -> (U, S, V) of A minus its column means. */
export function pca_lowrank(A: Tensor, ...args: PyArgs<[q?: number | null, center?: boolean, niter?: number], { q?: number | null; center?: boolean; niter?: number }>): Tensor[] & { U: Tensor; S: Tensor; V: Tensor } {
  const o = parseArgs<{ q?: number | null; center?: boolean; niter?: number }>("pca_lowrank", ["q", "center", "niter"], args);
  if (!(A instanceof Tensor)) throw new TypeError_("pca_lowrank(): argument 'A' must be Tensor");
  if (A.dim() < 2) throw new RuntimeError(`pca_lowrank: expected a matrix (or a batch of matrices), got shape [${A.shape.join(", ")}]`);
  const [m, n] = A.shape.slice(-2);
  let q = o.q ?? null;
  if (q === null) q = Math.min(6, m, n);
  else if (!(q >= 0 && q <= Math.min(m, n))) throw new ValueError(`q(=${q}) must be non-negative integer and not greater than min(m, n)=${Math.min(m, n)}`);
  const niter = o.niter ?? 2;
  if (!(niter >= 0)) throw new ValueError(`niter(=${niter}) must be non-negative integer`);
  if (!(o.center ?? true)) return svdLowrankCore(A, q, niter, null);
  return svdLowrankCore(A.sub(A.mean(-2, true)), q, niter, null);
}

// ---- torch.lobpcg -------------------------------------------------------------------------------

export interface LobpcgOptions {
  k?: number | null;
  B?: Tensor | null;
  X?: Tensor | null;
  n?: number | null;
  iK?: Tensor | null;
  niter?: number | null;
  tol?: number | null;
  largest?: boolean | null;
  method?: string | null;
  tracker?: null;
  ortho_iparams?: Record<string, number> | null;
  ortho_fparams?: Record<string, number> | null;
  ortho_bparams?: Record<string, boolean> | null;
}

/**
 * torch.lobpcg(A, k=None, B=None, X=None, n=None, ..., largest=None) -> (E, X): the k largest (or,
 * with largest=False, smallest) eigenpairs of A x = lambda B x for symmetric A and positive
 * definite B. Not LOBPCG's iterations: the dense problem is solved exactly (B = L L^T,
 * eigh(L^-1 A L^-T), X = L^-T Y), which is what LOBPCG converges to; E is descending for the
 * largest and ascending for the smallest, as PyTorch's; eigenvectors are unique up to sign. niter,
 * tol, method, iK, tracker and the ortho_* settings are accepted and have no effect. PyTorch's
 * m >= 3n check is kept. Differentiable through eigh (and cholesky / triangular solves with B).
 */
export function lobpcg(A: Tensor, ...args: PyArgs<[k?: number | null, B?: Tensor | null, X?: Tensor | null, n?: number | null, iK?: Tensor | null, niter?: number | null, tol?: number | null, largest?: boolean | null, method?: string | null], LobpcgOptions>): Tensor[] {
  const o = parseArgs<LobpcgOptions>("lobpcg", ["k", "B", "X", "n", "iK", "niter", "tol", "largest", "method", "tracker", "ortho_iparams", "ortho_fparams", "ortho_bparams"], args);
  if (!(A instanceof Tensor)) throw new TypeError_("lobpcg(): argument 'A' must be Tensor");
  if (A.dim() < 2 || A.shape[A.dim() - 1] !== A.shape[A.dim() - 2]) throw new ValueError(`lobpcg: A must be a square matrix (or a batch of them), got shape [${A.shape.join(", ")}]`);
  const m = A.shape[A.dim() - 1];
  const X = o.X ?? null;
  let n: number;
  let k: number;
  if (X === null) {
    k = o.k ?? 1;
    n = o.n ?? k;
  } else {
    n = X.shape[X.dim() - 1];
    k = o.k ?? n;
  }
  if (m < 3 * n) {
    throw new ValueError(`LPBPCG algorithm is not applicable when the number of A rows (=${m}) is smaller than 3 x the number of requested eigenpairs (=${n})`);
  }
  const largest = o.largest ?? true;
  let w: Tensor;
  let V: Tensor;
  if (o.B) {
    const L = cholesky(o.B);
    // C = L^-1 A L^-T, symmetric when A is.
    const LiA = solve_triangular(L, A, { upper: false });
    const C = solve_triangular(L, LiA.mT, { upper: false });
    const r = eigh(C);
    w = r.eigenvalues;
    V = solve_triangular(L.mT, r.eigenvectors, { upper: true });
  } else {
    const r = eigh(A);
    w = r.eigenvalues;
    V = r.eigenvectors;
  }
  if (largest) {
    w = w.narrow(-1, m - k, k).flip(-1);
    V = V.narrow(-1, m - k, k).flip(-1);
  } else {
    w = w.narrow(-1, 0, k);
    V = V.narrow(-1, 0, k);
  }
  return [w, V];
}
