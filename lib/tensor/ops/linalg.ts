/**
 * torch.linalg beyond the norms (API breadth a2): inv, det, slogdet, solve, cholesky, qr, eigh /
 * eigvalsh, svd / svdvals, matrix_rank, pinv, lstsq, matmul, multi_dot, matrix_power, cross;
 * plus the old names torch.det / inverse / logdet / slogdet / svd / matrix_power. Spread into
 * torch.linalg by ../torch.ts.
 *
 * Every factorisation runs per matrix of the batch in float64 (small dense matrices: LU with
 * partial pivoting, Cholesky, Householder QR, cyclic Jacobi for eigh, one-sided Jacobi SVD from
 * ./svd.ts) and returns the input's dtype. Gradients follow PyTorch's formulas, written with
 * differentiable ops; factorisations with several outputs record one node over their packed
 * outputs (multiOutput) so any subset of the outputs can carry a gradient.
 */
import { composite, record } from "../autograd/function";
import { no_grad } from "../autograd/grad_mode";
import { isOptions, parseArgs, type PyArgs } from "../args";
import { cppTypeName, float32, float64, int32, int64 } from "../dtype";
import { LinAlgError, RuntimeError, TypeError_ } from "../errors";
import { broadcastShapes } from "../shape";
import { Tensor } from "../tensor";
import { eye, tensor as makeTensor, zeros } from "./creation";
import { cat, stack } from "./join";
import { matmul } from "./matmul";
import { matrixNorm, type MatrixOrd } from "./norm";
import { linalgCross } from "./shape_extra";
import { rotateColumns, thinSvd } from "./svd";
import { contiguousData } from "./util";
import { warnOnce } from "../warnings";

// ---- plumbing ----------------------------------------------------------------------------

function checkFloat(x: Tensor, op: string): void {
  if (!x.dtype.is_floating_point) throw new RuntimeError(`${op}: Expected a floating point or complex tensor as input. Got ${cppTypeName(x.dtype)}`);
}

function checkMatrix(x: Tensor, op: string, square = false): void {
  checkFloat(x, op);
  if (x.dim() < 2) throw new RuntimeError(`${op}: The input tensor A must have at least 2 dimensions.`);
  if (square && x.shape[x.dim() - 1] !== x.shape[x.dim() - 2]) {
    throw new RuntimeError(`${op}: A must be batches of square matrices, but they are ${x.shape[x.dim() - 2]} by ${x.shape[x.dim() - 1]} matrices`);
  }
}

/** The matrices of x (batch flattened) as float64 row-major arrays. */
function matrices(x: Tensor): { batch: number[]; m: number; n: number; mats: Float64Array[] } {
  const m = x.shape[x.dim() - 2];
  const n = x.shape[x.dim() - 1];
  const data = contiguousData(x.detach());
  const count = m * n === 0 ? 0 : data.length / (m * n);
  const mats: Float64Array[] = [];
  for (let b = 0; b < count; b++) mats.push(Float64Array.from(data.subarray(b * m * n, (b + 1) * m * n)));
  return { batch: x.shape.slice(0, -2), m, n, mats };
}

/** Stacks per-matrix results (each `inner` shaped) into a tensor of batch + inner, in dtype. */
function fromMats(batch: readonly number[], inner: readonly number[], parts: ArrayLike<number>[], like: Tensor): Tensor {
  const size = inner.reduce((a, b) => a * b, 1);
  const all = new Float64Array(parts.length * size);
  parts.forEach((p, i) => all.set(p as Float64Array, i * size));
  const t = makeTensor(Array.from(all), { dtype: float64 }).reshape([...batch, ...inner]);
  return like.dtype === float64 ? t : t.to(like.dtype);
}

/**
 * Several outputs of one op recorded as ONE node: the outputs are views of a packed tensor,
 * so backward receives every output's gradient (zeros where an output was not used).
 */
function multiOutput(name: string, inputs: readonly Tensor[], outs: readonly Tensor[], backward: (grads: Tensor[]) => (Tensor | null)[], diff: readonly boolean[]): Tensor[] {
  if (!inputs.some((t) => t.requires_grad) || !outs.some((_, i) => diff[i])) return outs.slice();
  const packed = cat(outs.filter((_, i) => diff[i]).map((o) => o.reshape(-1)), 0);
  const shapes = outs.map((o) => o.shape.slice());
  const recorded = record(packed, name, inputs, (g) => {
    let off = 0;
    const grads = outs.map((o, i) => {
      if (!diff[i]) return zeros(shapes[i], { dtype: g.dtype });
      const piece = g.narrow(0, off, o.numel()).reshape(shapes[i]);
      off += o.numel();
      return piece;
    });
    return backward(grads);
  });
  let off = 0;
  return outs.map((o, i) => {
    if (!diff[i]) return o;
    const v = recorded.narrow(0, off, o.numel()).reshape(shapes[i]);
    off += o.numel();
    // What a printed output shows is torch's one node (LinalgSvdBackward0, ...), not the unpacking view.
    if (v.grad_fn) v.grad_fn._name = name;
    return v;
  });
}

const mT = (t: Tensor): Tensor => t.transpose(-2, -1);

// ---- numerics (float64, row-major) -------------------------------------------------------

interface Lu {
  lu: Float64Array;
  perm: number[];
  /** LAPACK's 1-based row interchanges (row k swapped with pivots[k] - 1). */
  pivots: number[];
  sign: number;
  singular: boolean;
}

/**
 * LAPACK getrf's partial pivoting on an m x cols matrix (m = n: square, the default): min(m, cols) steps,
 * each swapping whole rows; a square matrix runs exactly the square loops (same order, same bits).
 */
function luDecompose(a: Float64Array, n: number, cols = n): Lu {
  const m = n;
  const lu = Float64Array.from(a);
  const perm = Array.from({ length: m }, (_, i) => i);
  const pivots: number[] = [];
  let sign = 1;
  let singular = false;
  for (let k = 0; k < Math.min(m, cols); k++) {
    let p = k;
    for (let i = k + 1; i < m; i++) if (Math.abs(lu[i * cols + k]) > Math.abs(lu[p * cols + k])) p = i;
    pivots.push(p + 1);
    if (p !== k) {
      for (let j = 0; j < cols; j++) [lu[k * cols + j], lu[p * cols + j]] = [lu[p * cols + j], lu[k * cols + j]];
      [perm[k], perm[p]] = [perm[p], perm[k]];
      sign = -sign;
    }
    const piv = lu[k * cols + k];
    if (piv === 0) {
      singular = true;
      continue;
    }
    for (let i = k + 1; i < m; i++) {
      const f = (lu[i * cols + k] /= piv);
      if (f !== 0) for (let j = k + 1; j < cols; j++) lu[i * cols + j] -= f * lu[k * cols + j];
    }
  }
  return { lu, perm, pivots, sign, singular };
}

/** Solves A X = B for the n x r right-hand sides b, given A's LU. */
function luSolve({ lu, perm }: Lu, n: number, b: Float64Array, r: number): Float64Array {
  const x = new Float64Array(n * r);
  for (let i = 0; i < n; i++) for (let j = 0; j < r; j++) x[i * r + j] = b[perm[i] * r + j];
  for (let i = 0; i < n; i++) for (let k = 0; k < i; k++) {
    const f = lu[i * n + k];
    if (f !== 0) for (let j = 0; j < r; j++) x[i * r + j] -= f * x[k * r + j];
  }
  for (let i = n - 1; i >= 0; i--) {
    for (let k = i + 1; k < n; k++) {
      const f = lu[i * n + k];
      if (f !== 0) for (let j = 0; j < r; j++) x[i * r + j] -= f * x[k * r + j];
    }
    for (let j = 0; j < r; j++) x[i * r + j] /= lu[i * n + i];
  }
  return x;
}

function identity(n: number): Float64Array {
  const e = new Float64Array(n * n);
  for (let i = 0; i < n; i++) e[i * n + i] = 1;
  return e;
}

/**
 * Householder QR: the first `qCols` columns of Q (m x qCols) and R (m x n), R's diagonal as LAPACK's geqrf signs it.
 * Q is accumulated backwards from the reflectors (LAPACK's orgqr order) on only the columns asked for: the reduced Q
 * of a tall matrix costs O(m n^2), not the O(m^2 n) of forming all of Q.
 */
function householderQr(a: Float64Array, m: number, n: number, qCols: number): { q: Float64Array; r: Float64Array } {
  const r = Float64Array.from(a);
  const steps = Math.min(m - 1, n);
  const vs: (Float64Array | null)[] = [];
  const scales = new Float64Array(steps);
  const v = new Float64Array(m);
  const dots = new Float64Array(n);
  for (let k = 0; k < steps; k++) {
    vs.push(null);
    let norm = 0;
    for (let i = k; i < m; i++) norm += r[i * n + k] * r[i * n + k];
    norm = Math.sqrt(norm);
    if (norm === 0) continue;
    const alpha = r[k * n + k] >= 0 ? -norm : norm;
    for (let i = k; i < m; i++) v[i] = r[i * n + k];
    v[k] -= alpha;
    let vv = 0;
    for (let i = k; i < m; i++) vv += v[i] * v[i];
    if (vv === 0) continue;
    // Columns before k are zero from row k down (up to rounding, cleared below): the reflector leaves them. Row by
    // row (each column's dot product still sums in row order), so a wide R is read along its rows, not down columns.
    dots.fill(0, k);
    for (let i = k; i < m; i++) {
      const vi = v[i], row = i * n;
      for (let j = k; j < n; j++) dots[j] += vi * r[row + j];
    }
    for (let j = k; j < n; j++) dots[j] = (2 * dots[j]) / vv;
    for (let i = k; i < m; i++) {
      const vi = v[i], row = i * n;
      for (let j = k; j < n; j++) r[row + j] -= dots[j] * vi;
    }
    vs[k] = v.slice(k, m);
    scales[k] = 2 / vv;
  }
  for (let i = 1; i < m; i++) for (let j = 0; j < Math.min(i, n); j++) r[i * n + j] = 0;
  // Q = H_0 H_1 ... applied to the first qCols columns of the identity, last reflector first; H_k leaves rows
  // above k, and the columns before k are still unit vectors there, so each step touches rows and columns from k.
  const q = new Float64Array(m * qCols);
  for (let j = 0; j < qCols; j++) q[j * qCols + j] = 1;
  const s = new Float64Array(qCols);
  for (let k = steps - 1; k >= 0; k--) {
    const vk = vs[k];
    if (vk === null) continue;
    s.fill(0, k);
    for (let i = k; i < m; i++) {
      const vi = vk[i - k], row = i * qCols;
      for (let j = k; j < qCols; j++) s[j] += vi * q[row + j];
    }
    for (let j = k; j < qCols; j++) s[j] *= scales[k];
    for (let i = k; i < m; i++) {
      const vi = vk[i - k], row = i * qCols;
      for (let j = k; j < qCols; j++) q[row + j] -= s[j] * vi;
    }
  }
  return { q, r };
}

/** Symmetric eigendecomposition by cyclic Jacobi: ascending eigenvalues, eigenvectors as columns. */
function jacobiEigh(a: Float64Array, n: number): { w: Float64Array; v: Float64Array } {
  const s = Float64Array.from(a);
  const v = identity(n);
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += s[p * n + q] * s[p * n + q];
    if (off < 1e-30) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = s[p * n + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (s[q * n + q] - s[p * n + p]) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const sn = t * c;
        rotateColumns(s, n, n, p, q, c, sn);
        for (let k = 0; k < n; k++) {
          const spk = s[p * n + k];
          const sqk = s[q * n + k];
          s[p * n + k] = c * spk - sn * sqk;
          s[q * n + k] = sn * spk + c * sqk;
        }
        rotateColumns(v, n, n, p, q, c, sn);
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => s[x * n + x] - s[y * n + y]);
  const w = new Float64Array(n);
  const vs = new Float64Array(n * n);
  order.forEach((j, k) => {
    w[k] = s[j * n + j];
    for (let i = 0; i < n; i++) vs[i * n + k] = v[i * n + j];
  });
  return { w, v: vs };
}

/** Fills zero columns of the m x cols row-major q (first `have` columns given) with an orthonormal completion. */
function completeBasis(u: Float64Array, m: number, k: number, cols: number): Float64Array {
  const q = new Float64Array(m * cols);
  for (let i = 0; i < m; i++) for (let j = 0; j < k; j++) q[i * cols + j] = u[i * k + j];
  let candidate = 0;
  for (let j = 0; j < cols; j++) {
    let norm = 0;
    for (let i = 0; i < m; i++) norm += q[i * cols + j] ** 2;
    if (norm > 0.5) continue;
    // Gram-Schmidt a standard basis vector against the columns so far.
    for (; candidate < m; candidate++) {
      const v = new Float64Array(m);
      v[candidate] = 1;
      for (let l = 0; l < cols; l++) {
        if (l === j) continue;
        let d = 0;
        for (let i = 0; i < m; i++) d += q[i * cols + l] * v[i];
        for (let i = 0; i < m; i++) v[i] -= d * q[i * cols + l];
      }
      let nn = 0;
      for (let i = 0; i < m; i++) nn += v[i] * v[i];
      if (nn > 1e-8) {
        nn = Math.sqrt(nn);
        for (let i = 0; i < m; i++) q[i * cols + j] = v[i] / nn;
        candidate++;
        break;
      }
    }
  }
  return q;
}

// ---- inverse, determinants, solve ---------------------------------------------------------

/** linalg.inv(A) (alias torch.inverse). */
export function inv(A: Tensor): Tensor {
  return invNamed(A, "linalg.inv");
}

/**
 * inv under the name torch 1.13's singular-matrix error starts with: "linalg.inv" / "linalg.inv_ex" name the
 * zero diagonal element of U; "torch.linalg.solve" / "torch.linalg.solve_ex" say only that the solver failed.
 */
function invNamed(A: Tensor, fn: string): Tensor {
  checkMatrix(A, "linalg.inv", true);
  const { batch, n, mats } = matrices(A);
  const parts = mats.map((a, b) => {
    const lu = luDecompose(a, n);
    if (lu.singular) {
      const where = batch.length ? `(Batch element ${b}): ` : "";
      if (fn.includes("solve")) throw new LinAlgError(`${fn}: ${where}The solver failed because the input matrix is singular.`);
      throw new LinAlgError(`${fn}: ${where}The diagonal element ${lu.lu.findIndex((_, i) => i % (n + 1) === 0 && lu.lu[i] === 0) / (n + 1) + 1} is zero, the inversion could not be completed because the input matrix is singular.`);
    }
    return luSolve(lu, n, identity(n), n);
  });
  const out = fromMats(batch, [n, n], parts, A);
  return record(out, "LinalgInvExBackward0", [A], (g) => [mT(out).neg().matmul(g).matmul(mT(out))], [out], true);
}

/** linalg.det(A) (alias torch.det). */
export function det(A: Tensor): Tensor {
  checkMatrix(A, "linalg.det", true);
  const { batch, n, mats } = matrices(A);
  const vals = mats.map((a) => {
    const { lu, sign } = luDecompose(a, n);
    let d = sign;
    for (let i = 0; i < n; i++) d *= lu[i * n + i];
    return [d];
  });
  const out = fromMats(batch, [], vals, A);
  // d det / dA = det * A^-T (an invertible A; a singular one has no inverse to use).
  return record(out, "LinalgDetBackward0", [A], (g) => [g.mul(out).unsqueeze(-1).unsqueeze(-1).mul(mT(inv(A)))], [out]);
}

/** linalg.slogdet(A) -> (sign, logabsdet). */
export function slogdet(A: Tensor): Tensor[] & { sign: Tensor; logabsdet: Tensor } {
  checkMatrix(A, "linalg.slogdet", true);
  const { batch, n, mats } = matrices(A);
  const signs: number[][] = [];
  const logs: number[][] = [];
  for (const a of mats) {
    const { lu, sign, singular } = luDecompose(a, n);
    let s = sign;
    let l = 0;
    for (let i = 0; i < n; i++) {
      s *= Math.sign(lu[i * n + i]);
      l += Math.log(Math.abs(lu[i * n + i]));
    }
    signs.push([singular ? 0 : s]);
    logs.push([singular ? -Infinity : l]);
  }
  const sign = fromMats(batch, [], signs, A);
  const logabs = fromMats(batch, [], logs, A);
  const [s, l] = multiOutput("LinalgSlogdetBackward0", [A], [sign, logabs], ([, gl]) => [gl.unsqueeze(-1).unsqueeze(-1).mul(mT(inv(A)))], [false, true]);
  const result = [s, l] as Tensor[] & { sign: Tensor; logabsdet: Tensor };
  result.sign = s;
  result.logabsdet = l;
  return result;
}

/** torch.logdet(A): log det (NaN for a negative determinant). */
export function logdet(A: Tensor): Tensor {
  const { sign, logabsdet } = slogdet(A);
  return logabsdet.where(sign.detach().ge(0), NaN); // torch 1.13: at::where(sign == -1, nan, logabsdet)
}

/** linalg.solve(A, B, { left }): X with A X = B (B a matrix or a vector). */
export function solve(A: Tensor, B: Tensor, ...args: PyArgs<[], { left?: boolean }>): Tensor {
  const left = parseArgs<{ left?: boolean }>("linalg.solve", ["left"], args).left ?? true;
  return composite("LinalgSolveExBackward0", [A, B], (a, b) => solveNamed(a, b, left, "torch.linalg.solve"));
}

/**
 * solve under the name its singular-matrix error starts with (torch.linalg.solve_ex's own with check_errors).
 * A and B must share a dtype, as torch's (solve_triangular, which torch lets mix them, passes sameDtype false).
 */
export function solveNamed(A: Tensor, B: Tensor, left: boolean, fn: string, sameDtype = true): Tensor {
  if (!left) return mT(solveNamed(mT(A), mT(B), true, fn, sameDtype));
  if (sameDtype && A.dim() >= 2 && A.dtype.is_floating_point && B.dtype !== A.dtype) {
    throw new RuntimeError(`linalg.solve: Expected A and B to have the same dtype, but found A of type ${cppTypeName(A.dtype)} and B of type ${cppTypeName(B.dtype)} instead`);
  }
  checkMatrix(A, "linalg.solve", true);
  checkFloat(B, "linalg.solve");
  const n = A.shape[A.dim() - 1];
  const vector = B.dim() === 1 || (B.dim() === A.dim() - 1 && B.shape.slice(0, -1).join() === A.shape.slice(0, -2).join());
  const Bm = vector ? B.unsqueeze(-1) : B;
  if (Bm.shape[Bm.dim() - 2] !== n) {
    throw new RuntimeError(`linalg.solve: Incompatible shapes of A and B for the equation AX = B (${A.shape.slice(-2).join("x")} and ${Bm.shape.slice(-2).join("x")})`);
  }
  // X = A^-1 B as a differentiable composition: inv's and matmul's gradients give PyTorch's formula.
  const X = matmul(invNamed(A, fn), Bm.to(A.dtype));
  return vector ? X.squeeze(-1) : X;
}

// ---- factorisations -----------------------------------------------------------------------

/** Lower-triangle-with-half-diagonal (Φ of the Cholesky gradient). */
function phi(x: Tensor): Tensor {
  return x.tril().sub(x.diagonal(0, -2, -1).mul(0.5).diag_embed());
}

/** linalg.cholesky(A, { upper }): L with A = L L^T (reads the lower triangle). */
export function cholesky(A: Tensor, ...args: PyArgs<[], { upper?: boolean }>): Tensor {
  const upper = parseArgs<{ upper?: boolean }>("linalg.cholesky", ["upper"], args).upper ?? false;
  return choleskyNamed(A, upper, "linalg.cholesky");
}

/** torch.cholesky(input, upper=False), deprecated in 1.13 for torch.linalg.cholesky (its error says "cholesky:"). */
export function choleskyOld(A: Tensor, ...args: PyArgs<[upper?: boolean], { upper?: boolean }>): Tensor {
  const upper = parseArgs<{ upper?: boolean }>("cholesky", ["upper"], args).upper ?? false;
  warnOnce(
    "UserWarning: torch.cholesky is deprecated in favor of torch.linalg.cholesky and will be removed in a future PyTorch release.\n" +
      "L = torch.cholesky(A)\nshould be replaced with\nL = torch.linalg.cholesky(A)\nand\nU = torch.cholesky(A, upper=True)\n" +
      "should be replaced with\nU = torch.linalg.cholesky(A).mH().\n" +
      "This transform will produce equivalent results for all valid (symmetric positive definite) inputs.",
  );
  return choleskyNamed(A, upper, "cholesky");
}

/** cholesky under the name its not-positive-definite error starts with (linalg.cholesky, linalg.cholesky_ex, cholesky). */
function choleskyNamed(A: Tensor, upper: boolean, fn: string): Tensor {
  checkMatrix(A, "linalg.cholesky", true);
  const { batch, n, mats } = matrices(A);
  const parts = mats.map((a, b) => {
    const l = new Float64Array(n * n);
    for (let j = 0; j < n; j++) {
      let d = a[j * n + j];
      for (let k = 0; k < j; k++) d -= l[j * n + k] ** 2;
      if (!(d > 0)) {
        throw new LinAlgError(`${fn}: ${batch.length ? `(Batch element ${b}): ` : ""}The factorization could not be completed because the input is not positive-definite (the leading minor of order ${j + 1} is not positive-definite).`);
      }
      l[j * n + j] = Math.sqrt(d);
      for (let i = j + 1; i < n; i++) {
        let s = a[i * n + j];
        for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
        l[i * n + j] = s / l[j * n + j];
      }
    }
    return l;
  });
  const L = fromMats(batch, [n, n], parts, A);
  // Murray (2016): gA = sym(L^-T Φ(L^T gL) L^-1) / 2, symmetrised since only a triangle is read.
  const out = record(L, "LinalgCholeskyExBackward0", [A], (g) => {
    const Linv = inv(L);
    const s = mT(Linv).matmul(phi(mT(L).matmul(g))).matmul(Linv);
    return [s.add(mT(s)).mul(0.5)];
  }, [L]);
  return upper ? mT(out) : out;
}

/** linalg.qr(A, mode="reduced" | "complete" | "r") -> (Q, R). */
export function qr(A: Tensor, ...args: PyArgs<[mode?: "reduced" | "complete" | "r"], { mode?: "reduced" | "complete" | "r" }>): Tensor[] & { Q: Tensor; R: Tensor } {
  const mode = parseArgs<{ mode?: "reduced" | "complete" | "r" }>("linalg.qr", ["mode"], args).mode ?? "reduced";
  if (!["reduced", "complete", "r"].includes(mode)) throw new RuntimeError(`qr received unrecognized mode '${String(mode)}' but expected one of 'reduced' (default), 'r', or 'complete'`);
  checkMatrix(A, "linalg.qr");
  const { batch, m, n, mats } = matrices(A);
  const k = Math.min(m, n);
  const qCols = mode === "complete" ? m : k;
  const rRows = mode === "complete" ? m : k;
  const qs: Float64Array[] = [];
  const rs: Float64Array[] = [];
  for (const a of mats) {
    const { q, r } = householderQr(a, m, n, mode === "r" ? 0 : qCols);
    qs.push(q);
    rs.push(r.subarray(0, rRows * n));
  }
  const Q = mode === "r" ? zeros([0], { dtype: A.dtype }) : fromMats(batch, [m, qCols], qs, A);
  const R = fromMats(batch, [rRows, n], rs, A);
  const [q, r] = multiOutput("LinalgQrBackward0", [A], [Q, R], ([gQ, gR]) => {
    if (mode === "r") throw new RuntimeError("The derivative of linalg.qr depends on Q, which is not computed when mode='r'. Please use linalg.qr(A, mode='reduced') if you are going to differentiate through linalg.qr.");
    if (m < n) throw new RuntimeError("The derivative of linalg.qr is not implemented here for wide matrices (m < n)");
    if (mode === "complete" && m > n) throw new RuntimeError("The QR decomposition is not differentiable when mode='complete' and nrows > ncols.");
    // Liao et al. (2019): M = R gR^T - gQ^T Q; gA = (gQ + Q copyltu(M)) R^-T.
    const M = R.matmul(mT(gR)).sub(mT(gQ).matmul(Q));
    const copyltu = M.tril(-1).add(mT(M.tril(-1))).add(M.diagonal(0, -2, -1).diag_embed());
    return [gQ.add(Q.matmul(copyltu)).matmul(mT(inv(R)))];
  }, [mode !== "r", true]);
  const result = [q, r] as Tensor[] & { Q: Tensor; R: Tensor };
  result.Q = q;
  result.R = r;
  return result;
}

/** linalg.eigh(A, UPLO="L") -> (eigenvalues ascending, eigenvectors as columns). */
export function eigh(A: Tensor, ...args: PyArgs<[UPLO?: "L" | "U"], { UPLO?: "L" | "U" }>): Tensor[] & { eigenvalues: Tensor; eigenvectors: Tensor } {
  const uplo = parseArgs<{ UPLO?: "L" | "U" }>("linalg.eigh", ["UPLO"], args).UPLO ?? "L";
  if (uplo !== "L" && uplo !== "U") throw new RuntimeError(`Expected UPLO argument to be 'L' or 'U', but got ${String(uplo)}`);
  checkMatrix(A, "linalg.eigh", true);
  const { batch, n, mats } = matrices(A);
  const ws: Float64Array[] = [];
  const vs: Float64Array[] = [];
  for (const a of mats) {
    // Only the named triangle is read: mirror it.
    const s = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      const lower = uplo === "L" ? i >= j : i <= j;
      s[i * n + j] = lower ? a[i * n + j] : a[j * n + i];
    }
    const { w, v } = jacobiEigh(s, n);
    ws.push(w);
    vs.push(v);
  }
  const L = fromMats(batch, [n], ws, A);
  const V = fromMats(batch, [n, n], vs, A);
  const [l, v] = multiOutput("LinalgEighBackward0", [A], [L, V], ([gL, gV]) => {
    // gA = V (diag(gL) + skew(V^T gV) / 2 / E) V^T, E_ij = L_j - L_i (distinct eigenvalues).
    const VtgV = mT(V).matmul(gV);
    const skew = VtgV.sub(mT(VtgV)).mul(0.5);
    const E = L.unsqueeze(-2).sub(L.unsqueeze(-1));
    const offdiag = eye(n, { dtype: L.dtype }).logical_not();
    const inner = skew.div(E.where(offdiag, 1)).mul(offdiag.to(L.dtype)).add(gL.diag_embed());
    return [V.matmul(inner).matmul(mT(V))];
  }, [true, true]);
  const result = [l, v] as Tensor[] & { eigenvalues: Tensor; eigenvectors: Tensor };
  result.eigenvalues = l;
  result.eigenvectors = v;
  return result;
}

export function eigvalsh(A: Tensor, ...args: PyArgs<[UPLO?: "L" | "U"], { UPLO?: "L" | "U" }>): Tensor {
  return eigh(A, ...args)[0];
}

/** linalg.svd(A, full_matrices=true) -> (U, S, Vh), singular values descending. */
export function svd(A: Tensor, ...args: PyArgs<[full_matrices?: boolean], { full_matrices?: boolean }>): Tensor[] & { U: Tensor; S: Tensor; Vh: Tensor } {
  const full = parseArgs<{ full_matrices?: boolean }>("linalg.svd", ["full_matrices"], args).full_matrices ?? true;
  checkMatrix(A, "linalg.svd");
  const { batch, m, n, mats } = matrices(A);
  const k = Math.min(m, n);
  const uCols = full ? m : k;
  const vRows = full ? n : k;
  if (k === 0) {
    // An empty matrix has no singular values; torch 1.13's full_matrices factors are identities (U m x m, Vh n x n).
    const basis = (rows: number, cols: number) => (rows === cols ? eye(rows, { dtype: A.dtype }) : zeros([rows, cols], { dtype: A.dtype })).expand([...batch, rows, cols]).contiguous();
    const empty = [basis(m, uCols), zeros([...batch, 0], { dtype: A.dtype }), basis(vRows, n)] as Tensor[] & { U: Tensor; S: Tensor; Vh: Tensor };
    [empty.U, empty.S, empty.Vh] = empty;
    return empty;
  }
  const us: Float64Array[] = [];
  const ss: Float64Array[] = [];
  const vhs: Float64Array[] = [];
  for (const a of mats) {
    const t = thinSvd(a, m, n);
    ss.push(t.s);
    us.push(completeBasis(t.u, m, k, uCols));
    const v = completeBasis(t.v, n, k, vRows);
    const vh = new Float64Array(vRows * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < vRows; j++) vh[j * n + i] = v[i * vRows + j];
    vhs.push(vh);
  }
  const U = fromMats(batch, [m, uCols], us, A);
  const S = fromMats(batch, [k], ss, A);
  const Vh = fromMats(batch, [vRows, n], vhs, A);
  const [u, s, vh] = multiOutput("LinalgSvdBackward0", [A], [U, S, Vh], ([gU, gS, gVh]) => svdBackward(U, S, Vh, gU, gS, gVh, k), [true, true, true]);
  const result = [u, s, vh] as Tensor[] & { U: Tensor; S: Tensor; Vh: Tensor };
  result.U = u;
  result.S = s;
  result.Vh = vh;
  return result;
}

/** PyTorch's svd_backward (distinct, non-zero singular values), on the thin factors. */
function svdBackward(Uf: Tensor, S: Tensor, Vhf: Tensor, gUf: Tensor, gS: Tensor, gVhf: Tensor, k: number): Tensor[] {
  const m = Uf.shape[Uf.dim() - 2];
  const n = Vhf.shape[Vhf.dim() - 1];
  if (gUf.shape[gUf.dim() - 1] > k && gUf.narrow(-1, k, gUf.shape[gUf.dim() - 1] - k).abs().sum().item() !== 0) {
    throw new RuntimeError("linalg.svd: the gradient of the extra columns of U (full_matrices=True) is not defined; use full_matrices=False");
  }
  if (gVhf.shape[gVhf.dim() - 2] > k && gVhf.narrow(-2, k, gVhf.shape[gVhf.dim() - 2] - k).abs().sum().item() !== 0) {
    throw new RuntimeError("linalg.svd: the gradient of the extra rows of Vh (full_matrices=True) is not defined; use full_matrices=False");
  }
  const U = Uf.narrow(-1, 0, k);
  const Vh = Vhf.narrow(-2, 0, k);
  const gU = gUf.narrow(-1, 0, k);
  const gV = mT(gVhf.narrow(-2, 0, k));
  const V = mT(Vh);
  const skew = (x: Tensor): Tensor => x.sub(mT(x));
  const UhgU = skew(mT(U).matmul(gU));
  const VhgV = skew(Vh.matmul(gV));
  const S2 = S.mul(S);
  const offdiag = eye(k, { dtype: S.dtype }).logical_not();
  const E = S2.unsqueeze(-2).sub(S2.unsqueeze(-1)).where(offdiag, 1);
  const inner = UhgU.mul(S.unsqueeze(-2)).add(S.unsqueeze(-1).mul(VhgV)).div(E).mul(offdiag.to(S.dtype)).add(gS.diag_embed());
  let gA = U.matmul(inner).matmul(Vh);
  if (m > k) gA = gA.add(gU.sub(U.matmul(mT(U).matmul(gU))).div(S.unsqueeze(-2)).matmul(Vh));
  if (n > k) gA = gA.add(U.matmul(mT(gV.sub(V.matmul(Vh.matmul(gV))).div(S.unsqueeze(-2)))));
  return [gA];
}

/** linalg.svdvals(A): the singular values, descending. */
export function svdvals(A: Tensor): Tensor {
  return svd(A, false)[1];
}

/** torch.svd(A, some=true, compute_uv=true) -> (U, S, V) (the old API: V, not Vh). */
export function svdOld(A: Tensor, ...args: PyArgs<[some?: boolean, compute_uv?: boolean], { some?: boolean; compute_uv?: boolean }>): Tensor[] & { U: Tensor; S: Tensor; V: Tensor } {
  const a = parseArgs<{ some?: boolean; compute_uv?: boolean }>("svd", ["some", "compute_uv"], args);
  const [U, S, Vh] = svd(A, !(a.some ?? true));
  const computeUv = a.compute_uv ?? true;
  const u = computeUv ? U : zeros(U.shape.slice(), { dtype: U.dtype });
  const v = computeUv ? mT(Vh) : zeros(mT(Vh).shape.slice(), { dtype: Vh.dtype });
  const result = [u, S, v] as Tensor[] & { U: Tensor; S: Tensor; V: Tensor };
  result.U = u;
  result.S = S;
  result.V = v;
  return result;
}

// ---- derived ------------------------------------------------------------------------------

type RankOptions = { atol?: number | null; rtol?: number | null; hermitian?: boolean; tol?: number | null };

function tolerance(S: Tensor, m: number, n: number, a: RankOptions): Tensor {
  const eps = S.dtype === float32 ? 1.1920928955078125e-7 : 2.220446049250313e-16;
  const smax = S.amax(-1, true);
  const atol = a.atol ?? a.tol ?? 0;
  const rtol = a.rtol ?? (a.atol === undefined || a.atol === null ? (a.tol === undefined || a.tol === null ? eps * Math.max(m, n) : 0) : 0);
  return smax.mul(rtol).clamp({ min: atol });
}

/** linalg.matrix_rank(A, { atol, rtol, hermitian }) (or a positional tol). */
export function matrix_rank(A: Tensor, ...args: PyArgs<[tol?: number | null], RankOptions>): Tensor {
  const a = parseArgs<RankOptions>("linalg.matrix_rank", ["tol", "atol", "rtol", "hermitian"], args);
  checkMatrix(A, "linalg.matrix_rank");
  return no_grad(() => {
    const S = a.hermitian ? eigvalsh(A).abs() : svdvals(A);
    const m = A.shape[A.dim() - 2];
    const n = A.shape[A.dim() - 1];
    return S.gt(tolerance(S, m, n, a)).to(int64).sum(-1);
  });
}

/** linalg.pinv(A, { atol, rtol, hermitian }) (or a positional rcond): the Moore-Penrose inverse. */
export function pinv(A: Tensor, ...args: PyArgs<[rcond?: number | null], RankOptions & { rcond?: number | null }>): Tensor {
  const a = parseArgs<RankOptions & { rcond?: number | null }>("linalg.pinv", ["rcond", "atol", "rtol", "hermitian"], args);
  checkMatrix(A, "linalg.pinv");
  const m = A.shape[A.dim() - 2];
  const n = A.shape[A.dim() - 1];
  const opts: RankOptions = { atol: a.atol, rtol: a.rtol ?? a.rcond };
  const S = no_grad(() => svdvals(A));
  const fullRank = no_grad(() => S.gt(tolerance(S, m, n, opts)).all().item<boolean>());
  if (fullRank) {
    // Full rank: the normal-equation forms, whose gradient is pinv's (through inv and matmul).
    return composite("LinalgPinvBackward0", [A], (a) => (m >= n ? inv(mT(a).matmul(a)).matmul(mT(a)) : mT(a).matmul(inv(a.matmul(mT(a))))));
  }
  const out = no_grad(() => {
    const [U, Sv, Vh] = svd(A, false);
    const keep = Sv.gt(tolerance(Sv, m, n, opts));
    const sInv = keep.to(Sv.dtype).div(Sv.where(keep, 1));
    return mT(Vh).mul(sInv.unsqueeze(-2)).matmul(mT(U));
  });
  return record(out, "LinalgPinvBackward0", [A], () => {
    throw new RuntimeError("linalg.pinv: the gradient of a rank-deficient matrix's pseudo-inverse is not implemented");
  });
}

/** linalg.lstsq(A, B, rcond?, { driver }) -> (solution, residuals, rank, singular_values), PyTorch's CPU default driver 'gelsy'. */
export function lstsq(A: Tensor, B: Tensor, ...args: PyArgs<[rcond?: number | null], { rcond?: number | null; driver?: string | null }>): Tensor[] & { solution: Tensor; residuals: Tensor; rank: Tensor; singular_values: Tensor } {
  const a = parseArgs<{ rcond?: number | null; driver?: string | null }>("linalg.lstsq", ["rcond", "driver"], args);
  // torch 1.13's checks, in its order (linalg_lstsq_out): ranks, equal dtypes, the rank difference, the rows, the
  // driver, then the dtype the LAPACK path takes
  if (A.dim() < 2) throw new RuntimeError("torch.linalg.lstsq: input must have at least 2 dimensions.");
  if (B.dim() < 1) throw new RuntimeError("torch.linalg.lstsq: other must have at least 1 dimension.");
  if (A.dtype !== B.dtype) {
    throw new RuntimeError(`torch.linalg.lstsq: Expected input and other to have the same dtype, but got input's dtype ${cppTypeName(A.dtype)} and other's dtype ${cppTypeName(B.dtype)}`);
  }
  const dimDiff = A.dim() - B.dim();
  if (dimDiff < 0 || dimDiff > 1) {
    throw new RuntimeError("torch.linalg.lstsq: input.dim() must be greater or equal to other.dim() and (input.dim() - other.dim()) <= 1");
  }
  const vector = dimDiff === 1;
  const Bm = vector ? B.unsqueeze(-1) : B;
  if (Bm.shape[Bm.dim() - 2] !== A.shape[A.dim() - 2]) {
    throw new RuntimeError(`torch.linalg.lstsq: input.size(-2) should match other.size(${vector ? -1 : -2})`);
  }
  if (a.driver !== undefined && a.driver !== null && !["gels", "gelsy", "gelsd", "gelss"].includes(a.driver)) {
    throw new RuntimeError("torch.linalg.lstsq: parameter `driver` should be one of (gels, gelsy, gelsd, gelss)");
  }
  if (A.dtype !== float32 && A.dtype !== float64) throw new RuntimeError("This function doesn't handle types other than float and double");
  const solution = composite("LinalgLstsqBackward0", [A, B], (a1, b1) => {
    const X = pinv(a1, { rtol: a.rcond ?? undefined }).matmul((vector ? b1.unsqueeze(-1) : b1).to(A.dtype));
    return vector ? X.squeeze(-1) : X;
  });
  const rank = matrix_rank(A, { rtol: a.rcond ?? undefined });
  const driver = a.driver ?? "gelsy";
  const sv = driver === "gelsd" || driver === "gelss" ? no_grad(() => svdvals(A)) : zeros([0], { dtype: A.dtype });
  const result = [solution, zeros([0], { dtype: A.dtype }), rank, sv] as Tensor[] & { solution: Tensor; residuals: Tensor; rank: Tensor; singular_values: Tensor };
  result.solution = solution;
  result.residuals = result[1];
  result.rank = rank;
  result.singular_values = sv;
  return result;
}

/** linalg.matrix_power(A, n): A^n by repeated squaring (n < 0 inverts first). */
export function matrix_power(A: Tensor, n: number): Tensor {
  checkMatrix(A, "linalg.matrix_power", true);
  if (!Number.isInteger(n)) throw new RuntimeError(`matrix_power(): n must be an integer, got ${n}`);
  const size = A.shape[A.dim() - 1];
  if (n === 0) return eye(size, { dtype: A.dtype }).expand(A.shape.slice()).clone();
  let base = n < 0 ? inv(A) : A;
  let e = Math.abs(n);
  let result: Tensor | null = null;
  while (e > 0) {
    if (e & 1) result = result ? result.matmul(base) : base;
    e >>= 1;
    if (e > 0) base = base.matmul(base);
  }
  return result!;
}

/**
 * linalg.multi_dot(tensors): a chain of matrix products (the first may be a row vector, the last a column vector),
 * as torch 1.13's multi_dot runs it, so the graph is torch's (ViewBackward0 <- MmBackward0 <- ...): two matrices one
 * mm, three by the cheaper of (AB)C and A(BC), more in the order of the matrix-chain dynamic program; then viewed
 * to the result's shape.
 */
export function multi_dot(tensors: readonly Tensor[]): Tensor {
  const n = tensors.length;
  if (n < 2) throw new RuntimeError(`multi_dot(): expected at least 2 tensors but got ${n}`);
  const mats = tensors.slice();
  const outShape: number[] = [];
  const [first, last] = [tensors[0], tensors[n - 1]];
  if (first.dim() !== 1 && first.dim() !== 2) throw new RuntimeError(`multi_dot(): the first tensor must be 1D or 2D but got ${first.dim()}D`);
  if (first.dim() === 1) mats[0] = first.unsqueeze(0);
  else outShape.push(first.shape[0]);
  if (last.dim() !== 1 && last.dim() !== 2) throw new RuntimeError(`multi_dot(): the last tensor must be 1D or 2D but got ${last.dim()}D`);
  if (last.dim() === 1) mats[n - 1] = last.unsqueeze(-1);
  else outShape.push(last.shape[1]);
  for (let i = 1; i < n - 1; i++) {
    if (mats[i].dim() !== 2) throw new RuntimeError(`multi_dot(): tensor ${i} must be 2D but got ${mats[i].dim()}D`);
  }
  for (let i = 1; i < n; i++) {
    if (mats[i - 1].shape[1] !== mats[i].shape[0]) {
      throw new RuntimeError(`multi_dot(): tensors ${i - 1} and ${i} with shapes [${mats[i - 1].shape.join(", ")}] and [${mats[i].shape.join(", ")}] cannot be multiplied`);
    }
  }
  if (n === 2) return mats[0].mm(mats[1]).view(outShape);
  if (n === 3) {
    const [a, b, c, d] = [mats[0].shape[0], mats[1].shape[0], mats[2].shape[0], mats[2].shape[1]];
    const cost1 = a * c * (b + d); // (AB)C
    const cost2 = b * d * (a + c); // A(BC)
    return (cost1 > cost2 ? mats[0].mm(mats[1].mm(mats[2])) : mats[0].mm(mats[1]).mm(mats[2])).view(outShape);
  }
  const split = matrixChainOrder(mats);
  const chain = (i: number, j: number): Tensor => (i === j ? mats[i] : chain(i, split[i][j]).mm(chain(split[i][j] + 1, j)));
  return chain(0, n - 1).view(outShape);
}

/** ATen's matrix_chain_order: split[i][j] is where the cheapest product of matrices i..j splits (first minimum wins). */
function matrixChainOrder(mats: readonly Tensor[]): number[][] {
  const n = mats.length;
  const p = [...mats.map((t) => t.shape[0]), mats[n - 1].shape[1]];
  const cost = mats.map(() => new Array<number>(n).fill(0));
  const split = mats.map(() => new Array<number>(n).fill(0));
  for (let l = 1; l < n; l++) {
    for (let i = 0; i < n - l; i++) {
      const j = i + l;
      cost[i][j] = Infinity;
      for (let k = i; k < j; k++) {
        const q = cost[i][k] + cost[k + 1][j] + p[i] * p[k + 1] * p[j + 1];
        if (q < cost[i][j]) {
          cost[i][j] = q;
          split[i][j] = k;
        }
      }
    }
  }
  return split;
}

/** linalg.solve_triangular(A, B, { upper, left, unitriangular }): reads only the named triangle of A. */
export function solve_triangular(A: Tensor, B: Tensor, ...args: PyArgs<[], { upper?: boolean; left?: boolean; unitriangular?: boolean }>): Tensor {
  const a = parseArgs<{ upper?: boolean; left?: boolean; unitriangular?: boolean }>("linalg.solve_triangular", ["upper", "left", "unitriangular"], args);
  if (a.upper === undefined) throw new RuntimeError("linalg.solve_triangular() missing required keyword argument 'upper'");
  checkMatrix(A, "linalg.solve_triangular", true);
  if (B.dim() < 2) throw new RuntimeError("linalg.solve_triangular: The input tensor B must have at least 2 dimensions.");
  const triangle = (M: Tensor): Tensor => {
    const t = a.upper ? M.triu() : M.tril();
    return a.unitriangular ? t.sub(t.diagonal(0, -2, -1).diag_embed()).add(eye(M.shape[M.dim() - 1], { dtype: M.dtype })) : t;
  };
  const tri = triangle(A);
  const left = a.left ?? true;
  if (!a.unitriangular && hasZeroDiagonal(tri)) {
    // torch's trsm divides by the zero pivot (inf / NaN, no error); the inverse-based path below would raise.
    const X = left ? substitute(tri, B, a.upper) : mT(substitute(mT(tri), mT(B), !a.upper));
    return noGradient(X, [A, B], "LinalgSolveTriangular");
  }
  return composite("LinalgSolveTriangularBackward0", [A, B], (m, b) => solveNamed(triangle(m), b, left, "torch.linalg.solve", false));
}

/** Whether a (batch of) triangular matrix has an exactly zero diagonal entry (a singular triangle). */
function hasZeroDiagonal(T: Tensor): boolean {
  return no_grad(() => T.diagonal(0, -2, -1).eq(0).any().item() as boolean);
}

/**
 * X with T X = B by substitution, T triangular (upper or lower, the other triangle zero), column by column as BLAS's
 * trsm orders it (a zero pivot divides to inf, 0 / 0 to NaN, and both spread): what torch 1.13's
 * solve_triangular and cholesky_solve give for a singular triangle. Batch dims broadcast; the result has T's dtype.
 */
function substitute(T: Tensor, B: Tensor, upper: boolean): Tensor {
  const n = T.shape[T.dim() - 1];
  const k = B.shape[B.dim() - 1];
  const batch = broadcastShapes(T.shape.slice(0, -2), B.shape.slice(0, -2), "linalg.solve_triangular");
  const ts = matrices(T.detach().expand([...batch, n, n]).contiguous()).mats;
  const bs = matrices(B.detach().to(T.dtype).expand([...batch, n, k]).contiguous()).mats;
  const parts = ts.map((t, idx) => {
    const x = Float64Array.from(bs[idx]);
    for (let j = 0; j < k; j++) {
      for (let step = 0; step < n; step++) {
        const r = upper ? n - 1 - step : step;
        x[r * k + j] /= t[r * n + r];
        const [lo, hi] = upper ? [0, r] : [r + 1, n];
        for (let i = lo; i < hi; i++) x[i * k + j] -= x[r * k + j] * t[i * n + r];
      }
    }
    return x;
  });
  return fromMats(batch, [n, k], parts, T);
}

/** torch.triangular_solve(b, A, upper=true, transpose=false, unitriangular=false) -> (solution, cloned_coefficient). */
export function triangular_solve(b: Tensor, A: Tensor, ...args: PyArgs<[upper?: boolean, transpose?: boolean, unitriangular?: boolean], { upper?: boolean; transpose?: boolean; unitriangular?: boolean }>): Tensor[] & { solution: Tensor; cloned_coefficient: Tensor } {
  const a = parseArgs<{ upper?: boolean; transpose?: boolean; unitriangular?: boolean }>("triangular_solve", ["upper", "transpose", "unitriangular"], args);
  const upper = a.upper ?? true;
  const coef = a.transpose ? mT(A) : A;
  const solution = solve_triangular(coef, b, { upper: a.transpose ? !upper : upper, unitriangular: a.unitriangular ?? false });
  const result = [solution, A.clone()] as Tensor[] & { solution: Tensor; cloned_coefficient: Tensor };
  result.solution = solution;
  result.cloned_coefficient = result[1];
  return result;
}

/**
 * The (result, info) pair of the *_ex functions: info 0, or the LAPACK-style failing index when
 * check_errors is false, one per matrix of a batch (a batch whose factorisation fails is redone
 * matrix by matrix, so the good ones keep their results and each failure its own index; a failed
 * matrix's result is NaN).
 */
function withInfo(A: Tensor, checkErrors: boolean, fn: (M: Tensor) => Tensor, failed?: (M: Tensor) => Tensor): Tensor[] & { info: Tensor } {
  const failureIndex = (e: unknown): number => {
    const m = /order (\d+)|element (\d+)/.exec(String((e as Error).message));
    return m ? Number(m[1] ?? m[2]) : 1;
  };
  const attempt = (M: Tensor): [Tensor, number] => {
    try {
      return [fn(M), 0];
    } catch (e) {
      if (checkErrors) throw e;
      return [failed ? failed(M) : zeros(M.shape.slice(), { dtype: M.dtype }).add(NaN), failureIndex(e)];
    }
  };
  const batch = A.shape.slice(0, -2);
  const first = attempt(A);
  const info = first[1];
  let out = first[0];
  let infos = batch.length === 0 ? [info] : [];
  if (info !== 0 && batch.length > 0) {
    const matrices = A.reshape(-1, ...A.shape.slice(-2)).unbind(0).map(attempt);
    out = stack(matrices.map(([r]) => r), 0).reshape(A.shape.slice());
    infos = matrices.map(([, i]) => i);
  } else if (batch.length > 0) {
    infos = new Array<number>(batch.reduce((x, y) => x * y, 1)).fill(0);
  }
  const infoT = makeTensor(infos, { dtype: int32 }).reshape(batch);
  const result = [out, infoT] as Tensor[] & { info: Tensor };
  result.info = infoT;
  return result;
}

/** linalg.inv_ex(A, { check_errors }) -> (inverse, info). */
export function inv_ex(A: Tensor, ...args: PyArgs<[], { check_errors?: boolean }>): Tensor[] & { info: Tensor } {
  const a = parseArgs<{ check_errors?: boolean }>("linalg.inv_ex", ["check_errors"], args);
  return withInfo(A, a.check_errors ?? false, (M) => invNamed(M, "linalg.inv_ex"));
}

/**
 * linalg.cholesky_ex(A, { upper, check_errors }) -> (L, info). A matrix that is not positive-definite gives what
 * LAPACK's potrf leaves (torch 1.13 returns it): the recursive dpotrf2's partial factor, see partialCholesky.
 */
export function cholesky_ex(A: Tensor, ...args: PyArgs<[], { upper?: boolean; check_errors?: boolean }>): Tensor[] & { info: Tensor } {
  const a = parseArgs<{ upper?: boolean; check_errors?: boolean }>("linalg.cholesky_ex", ["upper", "check_errors"], args);
  const upper = a.upper ?? false;
  return withInfo(A, a.check_errors ?? false, (M) => choleskyNamed(M, upper, "linalg.cholesky_ex"), (M) => partialCholesky(M, upper));
}

/**
 * LAPACK's dpotrf2 (lower) on the n x n row-major block of `a` at (off, off) of size `size`, in place: split the
 * columns in halves, factor the first, solve the panel below it (L21 = A21 L11^-T), update the trailing block
 * (A22 - L21 L21^T), factor that. A pivot that is not positive stops it: that entry keeps its (updated) value
 * and whatever comes after it is left as it was. Returns LAPACK's info (the failing minor's order, 0 if none).
 */
function potrf2(a: Float64Array, n: number, off: number, size: number): number {
  if (size === 1) {
    const v = a[off * n + off];
    if (!(v > 0)) return 1;
    a[off * n + off] = Math.sqrt(v);
    return 0;
  }
  const n1 = Math.floor(size / 2);
  const first = potrf2(a, n, off, n1);
  if (first !== 0) return first;
  for (let i = off + n1; i < off + size; i++) {
    for (let j = off; j < off + n1; j++) {
      let s = a[i * n + j];
      for (let k = off; k < j; k++) s -= a[i * n + k] * a[j * n + k];
      a[i * n + j] = s / a[j * n + j];
    }
  }
  for (let i = off + n1; i < off + size; i++) {
    for (let j = off + n1; j <= i; j++) {
      let s = 0;
      for (let k = off; k < off + n1; k++) s += a[i * n + k] * a[j * n + k];
      a[i * n + j] -= s;
    }
  }
  const second = potrf2(a, n, off + n1, size - n1);
  return second === 0 ? 0 : second + n1;
}

/** cholesky_ex's L of a matrix (or batch) whose factorisation failed: potrf2's partial factor, lower triangle kept. */
function partialCholesky(M: Tensor, upper: boolean): Tensor {
  const { batch, n, mats } = matrices(M);
  const parts = mats.map((src) => {
    const a = Float64Array.from(src);
    potrf2(a, n, 0, n);
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) a[i * n + j] = 0;
    return a;
  });
  const L = fromMats(batch, [n, n], parts, M);
  return upper ? mT(L) : L;
}

/** linalg.matrix_exp(A): scaling and squaring with a degree-18 Taylor polynomial, in float64 (differentiable as written). */
export function matrix_exp(A: Tensor): Tensor {
  checkFloat(A, "matrix_exp"); // torch 1.13 names it without "linalg." here
  checkMatrix(A, "linalg.matrix_exp", true);
  return composite("LinalgMatrixExpBackward0", [A], matrixExpTaylor);
}

function matrixExpTaylor(A: Tensor): Tensor {
  const n = A.shape[A.dim() - 1];
  const a64 = A.to(float64);
  const norm1 = no_grad(() => (a64.numel() === 0 ? 0 : a64.abs().sum(-2).amax().item()));
  const s = norm1 > 0.5 ? Math.ceil(Math.log2(norm1 / 0.5)) : 0;
  const b = a64.div(2 ** s);
  const I = eye(n, { dtype: float64 });
  // Horner: I + B/1 (I + B/2 (I + B/3 (...))).
  let t = I;
  for (let k = 18; k >= 1; k--) t = I.add(b.matmul(t).div(k));
  for (let i = 0; i < s; i++) t = t.matmul(t);
  return A.dtype === float64 ? t : t.to(A.dtype);
}

/** linalg.cond(A, p=None): the condition number (ratio of extreme singular values for p = None / 2 / -2). */
export function cond(A: Tensor, ...args: PyArgs<[p?: number | "fro" | "nuc" | null], { p?: number | "fro" | "nuc" | null }>): Tensor {
  const p = parseArgs<{ p?: number | "fro" | "nuc" | null }>("linalg.cond", ["p"], args).p ?? null;
  checkMatrix(A, "linalg.cond");
  if (p === null || p === 2 || p === -2) {
    // torch 1.13: the first and last singular values (sorted descending), divided, then squeezed
    const sv = svdvals(A);
    const k = sv.shape[sv.dim() - 1];
    const hi = sv.narrow(-1, 0, 1);
    const lo = sv.narrow(-1, k - 1, 1);
    return (p === -2 ? lo.div(hi) : hi.div(lo)).squeeze(-1);
  }
  return composite("NanToNumBackward0", [A], (m) => matrixNorm(m, p as MatrixOrd, [-2, -1], false).mul(matrixNorm(inv(m), p as MatrixOrd, [-2, -1], false)));
}

/** torch.qr(A, some=true) -> (Q, R) (the old API). */
export function qrOld(A: Tensor, ...args: PyArgs<[some?: boolean], { some?: boolean }>): Tensor[] & { Q: Tensor; R: Tensor } {
  return qr(A, (parseArgs<{ some?: boolean }>("qr", ["some"], args).some ?? true) ? "reduced" : "complete");
}

/** cholesky_solve(B, L, upper=false): X with (L L^T) X = B. */
export function cholesky_solve(B: Tensor, L: Tensor, ...args: PyArgs<[upper?: boolean], { upper?: boolean }>): Tensor {
  const upper = parseArgs<{ upper?: boolean }>("cholesky_solve", ["upper"], args).upper ?? false;
  // torch 1.13's checks, in its order (B is "b", L is "u" / "A" in its messages).
  if (B.dim() < 2) throw new RuntimeError(`b should have at least 2 dimensions, but has ${B.dim()} dimensions instead`);
  if (L.dim() < 2) throw new RuntimeError(`u should have at least 2 dimensions, but has ${L.dim()} dimensions instead`);
  if (B.dtype !== L.dtype) throw new RuntimeError(`Expected b and A to have the same dtype, but found b of type ${cppTypeName(B.dtype)} and A of type ${cppTypeName(L.dtype)} instead.`);
  const n = L.shape[L.dim() - 1];
  if (L.shape[L.dim() - 2] === n && B.shape[B.dim() - 2] !== n) {
    throw new RuntimeError(`Incompatible matrix sizes for cholesky_solve: each A matrix is ${L.shape[L.dim() - 2]} by ${n} but each b matrix is ${B.shape[B.dim() - 2]} by ${B.shape[B.dim() - 1]}`);
  }
  const lower = upper ? mT(L.triu()) : L.tril();
  // A zero on L's diagonal: torch's potrs solves the two triangles anyway (inf / NaN), the engine's path would raise.
  if (hasZeroDiagonal(lower)) return noGradient(substitute(mT(lower), substitute(lower, B, false), true), [B, L], "CholeskySolve");
  return composite("CholeskySolveBackward0", [B, L], (b, l) => {
    const tri = upper ? mT(l.triu()) : l.tril();
    return solve(tri.matmul(mT(tri)), b);
  });
}

/** cholesky_inverse(L, upper=false): (L L^T)^-1. */
export function cholesky_inverse(L: Tensor, ...args: PyArgs<[upper?: boolean], { upper?: boolean }>): Tensor {
  const upper = parseArgs<{ upper?: boolean }>("cholesky_inverse", ["upper"], args).upper ?? false;
  return composite("CholeskyInverseBackward0", [L], (l) => {
    const lower = upper ? mT(l.triu()) : l.tril();
    return inv(lower.matmul(mT(lower)));
  });
}

type BetaAlpha = { beta?: number; alpha?: number };

function scaled(input: Tensor, product: Tensor, a: BetaAlpha): Tensor {
  const beta = a.beta ?? 1;
  const alpha = a.alpha ?? 1;
  // beta = 0 ignores input entirely (NaN included), as PyTorch.
  const left = beta === 0 ? product.mul(0) : input.mul(beta);
  return left.add(alpha === 1 ? product : product.mul(alpha));
}

/** addmv(input, mat, vec, { beta, alpha }): beta input + alpha mat @ vec. */
export function addmv(input: Tensor, mat: Tensor, vec: Tensor, ...args: PyArgs<[], BetaAlpha>): Tensor {
  if (mat.dim() !== 2 || vec.dim() !== 1) throw new RuntimeError(`vector + matrix @ vector expected, got ${input.dim()}, ${mat.dim()}, ${vec.dim()}`);
  const a = parseArgs<BetaAlpha>("addmv", ["beta", "alpha"], args);
  return composite("AddmvBackward0", [input, mat, vec], (i, m, v) => scaled(i, matmul(m, v), a));
}

/** addr(input, vec1, vec2, { beta, alpha }): beta input + alpha outer(vec1, vec2). */
export function addr(input: Tensor, vec1: Tensor, vec2: Tensor, ...args: PyArgs<[], BetaAlpha>): Tensor {
  if (vec1.dim() !== 1 || vec2.dim() !== 1) throw new RuntimeError(`addr: Expected 1-D arguments for vec1 and vec2, but got ${vec1.dim()}-D and ${vec2.dim()}-D`);
  const a = parseArgs<BetaAlpha>("addr", ["beta", "alpha"], args);
  return composite("AddrBackward0", [input, vec1, vec2], (i, u, v) => scaled(i, u.unsqueeze(1).mul(v.unsqueeze(0)), a));
}

/** baddbmm(input, batch1, batch2, { beta, alpha }): beta input + alpha batch1 @ batch2. */
export function baddbmm(input: Tensor, batch1: Tensor, batch2: Tensor, ...args: PyArgs<[], BetaAlpha>): Tensor {
  if (batch1.dim() !== 3 || batch2.dim() !== 3) throw new RuntimeError(`batch1 must be a 3D tensor`);
  const a = parseArgs<BetaAlpha>("baddbmm", ["beta", "alpha"], args);
  return composite("BaddbmmBackward0", [input, batch1, batch2], (i, b1, b2) => scaled(i, b1.bmm(b2), a));
}

/** addbmm(input, batch1, batch2, { beta, alpha }): beta input + alpha sum_b batch1[b] @ batch2[b]. */
export function addbmm(input: Tensor, batch1: Tensor, batch2: Tensor, ...args: PyArgs<[], BetaAlpha>): Tensor {
  if (batch1.dim() !== 3 || batch2.dim() !== 3) throw new RuntimeError(`batch1 must be a 3D tensor`);
  const a = parseArgs<BetaAlpha>("addbmm", ["beta", "alpha"], args);
  return composite("AddbmmBackward0", [input, batch1, batch2], (i, b1, b2) => scaled(i, b1.bmm(b2).sum(0), a));
}

/** vdot(a, b): the dot product of two 1-D tensors (no conjugation for real ones). */
export function vdot(a: Tensor, b: Tensor): Tensor {
  if (a.dim() !== 1 || b.dim() !== 1) throw new RuntimeError(`1D tensors expected, but got ${a.dim()}D and ${b.dim()}D tensors`);
  return composite("VdotBackward0", [a, b], (x, y) => x.dot(y));
}

/** Values of a factorisation whose gradient is not implemented here: backward raises instead of being wrong. */
function noGradient(out: Tensor, inputs: readonly Tensor[], op: string): Tensor {
  return record(out, `${op}Backward0`, inputs, () => {
    throw new RuntimeError(`the derivative of ${op} is not implemented in this engine`);
  });
}

/**
 * linalg.lu_factor(A) -> (LU, pivots): partial pivoting as LAPACK's getrf (pivots 1-based, int32 as torch), for square
 * and rectangular m x n matrices as torch (LU is m x n, pivots min(m, n)).
 */
export function lu_factor(A: Tensor, ...args: PyArgs<[], { pivot?: boolean }>): Tensor[] & { LU: Tensor; pivots: Tensor } {
  const a = parseArgs<{ pivot?: boolean }>("linalg.lu_factor", ["pivot"], args);
  if (a.pivot === false) throw new RuntimeError("linalg.lu_factor: LU without pivoting is not implemented on CPU");
  checkMatrix(A, "linalg.lu_factor", false);
  const { batch, m, n, mats } = matrices(A);
  const lus = mats.map((mat) => luDecompose(mat, m, n));
  const LU = noGradient(fromMats(batch, [m, n], lus.map((l) => l.lu), A), [A], "LinalgLuFactorEx");
  const pivots = makeTensor(lus.flatMap((l) => l.pivots), { dtype: int32 }).reshape([...batch, Math.min(m, n)]);
  const result = [LU, pivots] as Tensor[] & { LU: Tensor; pivots: Tensor };
  result.LU = LU;
  result.pivots = pivots;
  return result;
}

/** linalg.lu(A) -> (P, L, U) with A = P L U; for an m x n A, P is m x m, L m x k and U k x n (k = min(m, n)), as torch. */
export function lu(A: Tensor, ...args: PyArgs<[], { pivot?: boolean }>): Tensor[] & { P: Tensor; L: Tensor; U: Tensor } {
  const [LU, pivots] = lu_factor(A, ...args);
  const m = A.shape[A.dim() - 2];
  const n = A.shape[A.dim() - 1];
  const k = Math.min(m, n);
  const piv = contiguousData(pivots);
  const count = k === 0 ? 0 : piv.length / k;
  const ps: Float64Array[] = [];
  for (let b = 0; b < count; b++) {
    const perm = Array.from({ length: m }, (_, i) => i);
    for (let i = 0; i < k; i++) {
      const p = piv[b * k + i] - 1;
      [perm[i], perm[p]] = [perm[p], perm[i]];
    }
    // Row i of P^T A is row perm[i] of A, so P[perm[i], i] = 1.
    const P = new Float64Array(m * m);
    for (let i = 0; i < m; i++) P[perm[i] * m + i] = 1;
    ps.push(P);
  }
  const L = m === n ? LU.tril(-1).add(eye(n, { dtype: A.dtype })) : LU.narrow(-1, 0, k).tril(-1).add(eye(m, k, { dtype: A.dtype }));
  const U = m === n ? LU.triu() : LU.narrow(-2, 0, k).triu();
  const P = fromMats(A.shape.slice(0, -2), [m, m], ps, A);
  const result = [P, L, U] as Tensor[] & { P: Tensor; L: Tensor; U: Tensor };
  result.P = P;
  result.L = L;
  result.U = U;
  return result;
}

/** Solves A^T X = B for the n x r right-hand sides b, given A's LU (A = P L U, so A^T = U^T L^T P^T). */
function luSolveAdjoint({ lu, perm }: Lu, n: number, b: Float64Array, r: number): Float64Array {
  const y = Float64Array.from(b);
  // U^T y = b: U^T is lower triangular with U's diagonal
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < i; k++) {
      const f = lu[k * n + i];
      if (f !== 0) for (let j = 0; j < r; j++) y[i * r + j] -= f * y[k * r + j];
    }
    const d = lu[i * n + i];
    for (let j = 0; j < r; j++) y[i * r + j] /= d;
  }
  // L^T z = y: L^T is unit upper triangular
  for (let i = n - 1; i >= 0; i--) {
    for (let k = i + 1; k < n; k++) {
      const f = lu[k * n + i];
      if (f !== 0) for (let j = 0; j < r; j++) y[i * r + j] -= f * y[k * r + j];
    }
  }
  // P^T X = z: row perm[i] of X is row i of z
  const x = new Float64Array(n * r);
  for (let i = 0; i < n; i++) for (let j = 0; j < r; j++) x[perm[i] * r + j] = y[i * r + j];
  return x;
}

/**
 * linalg.lu_solve(LU, pivots, B, *, left=True, adjoint=False) (torch.lu_solve(B, LU, pivots) in the old order):
 * X with A X = B, A^H X = B (adjoint), X A = B (left=False) or X A^H = B; the batch dimensions of LU and B
 * broadcast, as torch's.
 */
export function lu_solve(LU: Tensor, pivots: Tensor, B: Tensor, ...args: PyArgs<[], { left?: boolean; adjoint?: boolean }>): Tensor;
export function lu_solve(LU: Tensor, ...args: PyArgs<[pivots: Tensor, B: Tensor], { pivots: Tensor; B: Tensor; left?: boolean; adjoint?: boolean }>): Tensor;
export function lu_solve(LU: Tensor, ...rest: unknown[]): Tensor {
  // pivots and B by keyword too (linalg.lu_solve(LU, pivots=piv, B=b)); left and adjoint keyword-only, as torch 1.13's
  const given = rest.length > 0 && isOptions(rest[rest.length - 1]) ? rest.length - 1 : rest.length;
  if (given > 2) throw new TypeError_(`linalg_lu_solve() takes 3 positional arguments but ${given + 1} were given`);
  const o = parseArgs<{ pivots: Tensor; B: Tensor; left?: boolean; adjoint?: boolean }>("linalg.lu_solve", ["pivots", "B", "left", "adjoint"], rest);
  const { pivots, B } = o as { pivots: Tensor; B: Tensor };
  const adjoint = o.adjoint ?? false;
  if (o.left === false) return lu_solve(LU, pivots, B.mT, { adjoint: !adjoint }).mT;
  checkMatrix(LU, "linalg.lu_solve", true);
  if (B.dim() < 2) throw new RuntimeError("linalg.lu_solve: The input tensor B must have at least 2 dimensions.");
  const n = LU.shape[LU.dim() - 1];
  if (B.shape[B.dim() - 2] !== n) {
    throw new RuntimeError(`linalg.lu_solve: Incompatible shapes of A and B for the equation AX = B (${n}x${n} and ${B.shape[B.dim() - 2]}x${B.shape[B.dim() - 1]})`);
  }
  const batch = broadcastShapes(LU.shape.slice(0, -2), B.shape.slice(0, -2), "linalg.lu_solve");
  const r = B.shape[B.dim() - 1];
  const LUb = LU.detach().expand([...batch, n, n]).contiguous();
  const piv = contiguousData(pivots.expand([...batch, n]).contiguous());
  const { mats } = matrices(LUb);
  const bd = matrices(B.detach().expand([...batch, n, r]).contiguous()).mats;
  const parts = mats.map((m, b) => {
    const perm = Array.from({ length: n }, (_, i) => i);
    for (let k = 0; k < n; k++) {
      const p = piv[b * n + k] - 1;
      [perm[k], perm[p]] = [perm[p], perm[k]];
    }
    const lu = { lu: m, perm, pivots: [], sign: 1, singular: false };
    return adjoint ? luSolveAdjoint(lu, n, bd[b], r) : luSolve(lu, n, bd[b], r);
  });
  return noGradient(fromMats(batch, [n, r], parts, LU), [LU, B], "LinalgLuSolve");
}

export const linalgExtra = {
  cross: linalgCross,
  inv, det, slogdet, solve, cholesky, qr, eigh, eigvalsh, svd, svdvals, matrix_rank, pinv, lstsq, matrix_power, multi_dot,
  matmul: (a: Tensor, b: Tensor) => matmul(a, b),
  solve_triangular, inv_ex, cholesky_ex, matrix_exp, cond, lu_factor, lu, lu_solve,
  LinAlgError,
};
