/**
 * torch.linalg functions of PyTorch 1.13 built on the engine's linear algebra (ops/linalg.ts), so
 * gradients flow where the parts have them: vander (cumulative products of x), vecdot, diagonal
 * (the matrix-dims view), tensorinv / tensorsolve (reshape to a square system, inv / solve),
 * solve_ex and lu_factor_ex ((result, info) with info 0, or the failure's index and NaNs when
 * check_errors is false, as LAPACK reports it).
 */
import { parseArgs, type PyArgs } from "../args";
import { int32 } from "../dtype";
import { LinAlgError, RuntimeError } from "../errors";
import { Tensor } from "../tensor";
import { eye, tensor as fromValues, zeros } from "./creation";
import { cat } from "./join";
import { inv, lu_factor, solve, solveNamed } from "./linalg";
import { eigvals } from "./linalg_eigvals";

const prod = (xs: readonly number[]) => xs.reduce((a, b) => a * b, 1);

/** linalg.vander(x, N=x.shape[-1]): columns x^0, x^1, ..., x^(N-1). */
export function vander(x: Tensor, ...args: PyArgs<[], { N?: number | null }>): Tensor {
  const a = parseArgs<{ N?: number | null }>("linalg.vander", ["N"], args);
  if (x.dim() === 0) throw new RuntimeError("N must be greater than 1.");
  const N = a.N ?? x.shape[x.dim() - 1];
  if (!(N > 1)) throw new RuntimeError("N must be greater than 1.");
  const col = x.unsqueeze(-1);
  const powers = col.expand([...x.shape, N - 1]).cumprod(-1);
  return cat([col.mul(0).add(1), powers], -1);
}

/** linalg.vecdot(x, y, dim=-1): sum(x * y, dim) (real tensors: no conjugation needed). */
export function vecdot(x: Tensor, y: Tensor, ...args: PyArgs<[], { dim?: number }>): Tensor {
  const a = parseArgs<{ dim?: number }>("linalg.vecdot", ["dim"], args);
  return x.mul(y).sum(a.dim ?? -1);
}

/** linalg.diagonal(A, *, offset=0, dim1=-2, dim2=-1): torch.diagonal with the matrix dims as defaults. */
export function diagonal(A: Tensor, ...args: PyArgs<[], { offset?: number; dim1?: number; dim2?: number }>): Tensor {
  const a = parseArgs<{ offset?: number; dim1?: number; dim2?: number }>("linalg.diagonal", ["offset", "dim1", "dim2"], args);
  return A.diagonal(a.offset ?? 0, a.dim1 ?? -2, a.dim2 ?? -1);
}

/** linalg.tensorinv(A, ind=2): the inverse of A as a map from its last dims to its first ind dims. */
export function tensorinv(A: Tensor, ...args: PyArgs<[ind?: number], { ind?: number }>): Tensor {
  const ind = parseArgs<{ ind?: number }>("linalg.tensorinv", ["ind"], args).ind ?? 2;
  if (!(Number.isInteger(ind) && ind > 0)) throw new RuntimeError(`Expected a strictly positive integer for 'ind', but got ${ind}`);
  const outer = A.shape.slice(0, ind), inner = A.shape.slice(ind);
  if (prod(outer) !== prod(inner)) {
    throw new RuntimeError(`Expected self to satisfy the requirement prod(self.shape[ind:]) == prod(self.shape[:ind]), but got ${prod(inner)} != ${prod(outer)}`);
  }
  return inv(A.reshape([prod(outer), prod(inner)])).reshape([...inner, ...outer]);
}

/** linalg.tensorsolve(A, B, dims=None): X with tensordot(A, X, X.dim()) = B (dims of A moved to the end first). */
export function tensorsolve(A: Tensor, B: Tensor, ...args: PyArgs<[dims?: readonly number[] | null], { dims?: readonly number[] | null }>): Tensor {
  const dims = parseArgs<{ dims?: readonly number[] | null }>("linalg.tensorsolve", ["dims"], args).dims;
  let a = A;
  if (dims && dims.length > 0) {
    const moved = dims.map((d) => (d < 0 ? d + A.dim() : d));
    const keep = A.shape.map((_, i) => i).filter((i) => !moved.includes(i));
    a = A.permute([...keep, ...moved]);
  }
  const rest = a.shape.slice(B.dim());
  const rows = prod(B.shape), cols = prod(rest);
  if (rows !== cols) {
    throw new RuntimeError(`Expected self to satisfy the requirement prod(self.shape[other.ndim:]) == prod(self.shape[:other.ndim]), but got ${cols} != ${rows}`);
  }
  return solve(a.reshape([rows, cols]), B.reshape([rows])).reshape(rest);
}

type WithInfo<K extends string> = Tensor[] & { info: Tensor } & { [k in K]: Tensor };

/** The singular-matrix index our factorisations name in their messages, else 1 (LAPACK's info). */
function infoOf(e: unknown): number {
  const m = /order (\d+)|element (\d+)/.exec(String((e as Error).message));
  return m ? Number(m[1] ?? m[2]) : 1;
}

/** linalg.solve_ex(A, B, *, left=True, check_errors=False) -> (result, info). */
export function solve_ex(A: Tensor, B: Tensor, ...args: PyArgs<[], { left?: boolean; check_errors?: boolean }>): WithInfo<"result"> {
  const a = parseArgs<{ left?: boolean; check_errors?: boolean }>("linalg.solve_ex", ["left", "check_errors"], args);
  let result: Tensor;
  let info = 0;
  try {
    result = solveNamed(A, B, a.left ?? true, "torch.linalg.solve_ex");
  } catch (e) {
    if (a.check_errors || !(e instanceof LinAlgError)) throw e;
    // LAPACK's info is the zero diagonal element of U, which inv's message names (solve's does not).
    try {
      inv(A);
    } catch (e2) {
      info = infoOf(e2);
    }
    result = zeros(B.shape.slice(), { dtype: A.dtype }).add(NaN);
  }
  const infoT = zeros(A.shape.slice(0, -2), { dtype: int32 }).add(info);
  const out = [result, infoT] as WithInfo<"result">;
  out.result = result;
  out.info = infoT;
  return out;
}

/** linalg.lu_factor_ex(A, *, pivot=True, check_errors=False) -> (LU, pivots, info); our LU never fails, so info is 0. */
export function lu_factor_ex(A: Tensor, ...args: PyArgs<[], { pivot?: boolean; check_errors?: boolean }>): WithInfo<"LU" | "pivots"> {
  const a = parseArgs<{ pivot?: boolean; check_errors?: boolean }>("linalg.lu_factor_ex", ["pivot", "check_errors"], args);
  const [LU, pivots] = lu_factor(A, { pivot: a.pivot ?? true });
  const infoT = zeros(A.shape.slice(0, -2), { dtype: int32 });
  const out = [LU, pivots, infoT] as WithInfo<"LU" | "pivots">;
  out.LU = LU;
  out.pivots = pivots;
  out.info = infoT;
  return out;
}

/**
 * linalg.householder_product(A, tau): the first n columns of H_1 ... H_k, H_i = I - tau_i v_i v_i^T
 * with v_i = (0, ..., 0, 1, A[i+1:, i]) (LAPACK's orgqr), composed from matmuls so A and tau get
 * gradients.
 */
export function householder_product(A: Tensor, tau: Tensor): Tensor {
  const fn = "torch.linalg.householder_product";
  if (A.dim() < 2) throw new RuntimeError(`${fn}: input must have at least 2 dimensions.`);
  const m = A.shape[A.dim() - 2], n = A.shape[A.dim() - 1];
  if (m < n) throw new RuntimeError(`${fn}: input.shape[-2] must be greater than or equal to input.shape[-1]`);
  const k = tau.shape[tau.dim() - 1] ?? 0;
  if (n < k) throw new RuntimeError(`${fn}: input.shape[-1] must be greater than or equal to tau.shape[-1]`);
  const batch = A.shape.slice(0, -2);
  if (tau.dim() !== A.dim() - 1 || tau.shape.slice(0, -1).some((s, i) => s !== batch[i])) {
    throw new RuntimeError(`${fn}: Expected batch dimensions of tau to be equal to input.shape[:-2], but got [${tau.shape.slice(0, -1).join(", ")}]`);
  }
  let Q: Tensor = eye(m, { dtype: A.dtype }).expand([...batch, m, m]);
  for (let i = 0; i < k; i++) {
    const below = fromValues(Array.from({ length: m }, (_, r) => (r > i ? 1 : 0)), { dtype: A.dtype });
    const unit = fromValues(Array.from({ length: m }, (_, r) => (r === i ? 1 : 0)), { dtype: A.dtype });
    const v = A.select(-1, i).mul(below).add(unit).unsqueeze(-1); // [..., m, 1]
    const t = tau.select(-1, i).unsqueeze(-1).unsqueeze(-1);
    Q = Q.sub(Q.matmul(v).matmul(v.transpose(-2, -1)).mul(t));
  }
  return Q.narrow(-1, 0, n);
}

// eigvals (general matrices, a complex result) lives in linalg_eigvals.ts; listed here so torch.linalg's type has it
export const linalgComposites = { vander, vecdot, diagonal, tensorinv, tensorsolve, solve_ex, lu_factor_ex, householder_product, eigvals };
