/**
 * torch 1.13's remaining linear-algebra names (helper A4, issue 12):
 *   torch.lu_unpack(LU_data, LU_pivots, unpack_data=True, unpack_pivots=True) -> (P, L, U) with A = P L U;
 *   torch.symeig(input, eigenvectors=False, upper=True) -> (eigenvalues, eigenvectors), deprecated: warns
 *     once as 1.13, eigenvectors empty unless asked (linalg.eigh underneath, so differentiable);
 *   torch.lstsq / solve / eig / matrix_rank and the Tensor methods: removed in 1.13, which raises
 *     "This function was deprecated since version 1.9 and is now removed..." (same text here);
 *   torch.linalg.eig / eigvals: PyTorch returns complex tensors, which this engine has no dtype for,
 *     so they raise naming the supported dtypes and the real alternatives (eigh / eigvalsh).
 */
import { parseArgs, type PyArgs } from "../args";
import { int64 } from "../dtype";
import { RuntimeError, TypeError_ } from "../errors";
import { Tensor } from "../tensor";
import { eye, from_array, zeros } from "./creation";
import { eigh, lu_factor } from "./linalg";

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
export function lu_unpack(LU_data: Tensor, LU_pivots: Tensor, ...args: PyArgs<[unpack_data?: boolean, unpack_pivots?: boolean], LuUnpackOptions>): Tensor[] & { P: Tensor; L: Tensor; U: Tensor } {
  const o = parseArgs<LuUnpackOptions>("lu_unpack", ["unpack_data", "unpack_pivots"], args);
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

let symeigWarned = false;

/** torch.symeig (deprecated in 1.13): eigenvalues ascending and, with eigenvectors=True, the eigenvectors; `upper` picks the triangle read. */
export function symeig(input: Tensor, ...args: PyArgs<[eigenvectors?: boolean, upper?: boolean], { eigenvectors?: boolean; upper?: boolean }>): Tensor[] & { eigenvalues: Tensor; eigenvectors: Tensor } {
  const o = parseArgs<{ eigenvectors?: boolean; upper?: boolean }>("symeig", ["eigenvectors", "upper"], args);
  if (!symeigWarned) {
    symeigWarned = true;
    console.warn(
      "UserWarning: torch.symeig is deprecated in favor of torch.linalg.eigh and will be removed in a future PyTorch release.\n" +
        "The default behavior has changed from using the upper triangular portion of the matrix by default to using the lower triangular portion.\n" +
        "L, _ = torch.symeig(A, upper=upper)\nshould be replaced with\nL = torch.linalg.eigvalsh(A, UPLO='U' if upper else 'L')\nand\n" +
        "L, V = torch.symeig(A, eigenvectors=True)\nshould be replaced with\nL, V = torch.linalg.eigh(A, UPLO='U' if upper else 'L')",
    );
  }
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

function complexResult(fn: string): never {
  throw new RuntimeError(
    `torch.linalg.${fn}: the result is complex in PyTorch (complex64 / complex128 eigenvalues even for real input), and this engine has no complex dtype ` +
      "(supported: float32, float64, int64, bool). For a symmetric matrix use torch.linalg.eigh / eigvalsh, which return real tensors.",
  );
}

export const linalgA4 = {
  eig: (A: Tensor, ...rest: unknown[]): never => { void A; void rest; return complexResult("eig"); },
  eigvals: (A: Tensor, ...rest: unknown[]): never => { void A; void rest; return complexResult("eigvals"); },
};

/** torch.lu(A, pivot=True, get_infos=False): [LU, pivots] or, with get_infos, [LU, pivots, infos] (zeros: a singular U is still factored). */
export function luWithInfos(A: Tensor, ...args: PyArgs<[pivot?: boolean, get_infos?: boolean], { pivot?: boolean; get_infos?: boolean }>): Tensor[] {
  const o = parseArgs<{ pivot?: boolean; get_infos?: boolean }>("lu", ["pivot", "get_infos"], args);
  const f = lu_factor(A, { pivot: o.pivot ?? true });
  return o.get_infos ? [f.LU, f.pivots, zeros(A.shape.slice(0, -2), { dtype: int64 })] : [f.LU, f.pivots];
}
