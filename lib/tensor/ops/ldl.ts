/**
 * torch.linalg.ldl_factor / ldl_factor_ex / ldl_solve (PyTorch 1.13) for real symmetric matrices:
 * LAPACK's sytrf with uplo = 'L' (Bunch-Kaufman diagonal pivoting, the unblocked dsytf2 that
 * LAPACK runs for matrices up to its 64-column block) and sytrs, step for step, so LD and the
 * 1-based pivots (negative for 2x2 blocks) equal PyTorch's. Only the lower triangle of A is read;
 * LD's upper triangle is zero, as PyTorch returns it. Computed in float64, returned in A's dtype.
 * Not differentiable (PyTorch 1.13: "derivative for aten::linalg_ldl_factor_ex is not implemented").
 */
import { isOptions, parseArgs, type PyArgs } from "../args";
import { int32 } from "../dtype";
import { RuntimeError, TypeError_ } from "../errors";
import { Tensor } from "../tensor";
import { from_array } from "./creation";

const ALPHA = (1 + Math.sqrt(17)) / 8;

/** dsytf2, lower: factors the n x n row-major matrix a in place; returns LAPACK's ipiv (1-based) and info. */
function sytf2Lower(a: Float64Array, n: number): { ipiv: number[]; info: number } {
  const at = (i: number, j: number) => a[i * n + j]; // 0-based (row, col)
  const set = (i: number, j: number, v: number) => (a[i * n + j] = v);
  const swap = (i1: number, j1: number, i2: number, j2: number) => {
    const t = at(i1, j1);
    set(i1, j1, at(i2, j2));
    set(i2, j2, t);
  };
  const ipiv = new Array<number>(n).fill(0);
  let info = 0;
  let k = 0;
  while (k < n) {
    let kstep = 1;
    let kp: number;
    const absakk = Math.abs(at(k, k));
    let imax = k;
    let colmax = 0;
    if (k < n - 1) {
      // idamax: the first index of the largest |A(i, k)|, i > k
      imax = k + 1;
      for (let i = k + 2; i < n; i++) if (Math.abs(at(i, k)) > Math.abs(at(imax, k))) imax = i;
      colmax = Math.abs(at(imax, k));
    }
    if (Math.max(absakk, colmax) === 0 || Number.isNaN(absakk)) {
      if (info === 0) info = k + 1;
      kp = k;
    } else {
      if (absakk >= ALPHA * colmax) kp = k;
      else {
        let jmax = k;
        for (let j = k + 1; j < imax; j++) if (Math.abs(at(imax, j)) > Math.abs(at(imax, jmax))) jmax = j;
        let rowmax = Math.abs(at(imax, jmax));
        if (imax < n - 1) {
          let j2 = imax + 1;
          for (let j = imax + 2; j < n; j++) if (Math.abs(at(j, imax)) > Math.abs(at(j2, imax))) j2 = j;
          rowmax = Math.max(rowmax, Math.abs(at(j2, imax)));
        }
        if (absakk >= ALPHA * colmax * (colmax / rowmax)) kp = k;
        else if (Math.abs(at(imax, imax)) >= ALPHA * rowmax) kp = imax;
        else {
          kp = imax;
          kstep = 2;
        }
      }
      const kk = k + kstep - 1;
      if (kp !== kk) {
        // Interchange rows and columns kk and kp in the trailing submatrix.
        for (let i = kp + 1; i < n; i++) swap(i, kk, i, kp);
        for (let j = kk + 1; j < kp; j++) swap(j, kk, kp, j);
        swap(kk, kk, kp, kp);
        if (kstep === 2) swap(k + 1, k, kp, k);
      }
      if (kstep === 1) {
        if (k < n - 1) {
          const d11 = 1 / at(k, k);
          // dsyr (lower): A(k+1:, k+1:) -= d11 x x^T, then x *= d11
          for (let j = k + 1; j < n; j++) {
            const xj = at(j, k);
            if (xj !== 0) for (let i = j; i < n; i++) set(i, j, at(i, j) - d11 * at(i, k) * xj);
          }
          for (let i = k + 1; i < n; i++) set(i, k, at(i, k) * d11);
        }
      } else if (k < n - 2) {
        let d21 = at(k + 1, k);
        const d11 = at(k + 1, k + 1) / d21;
        const d22 = at(k, k) / d21;
        const t = 1 / (d11 * d22 - 1);
        d21 = t / d21;
        for (let j = k + 2; j < n; j++) {
          const wk = d21 * (d11 * at(j, k) - at(j, k + 1));
          const wkp1 = d21 * (d22 * at(j, k + 1) - at(j, k));
          for (let i = j; i < n; i++) set(i, j, at(i, j) - at(i, k) * wk - at(i, k + 1) * wkp1);
          set(j, k, wk);
          set(j, k + 1, wkp1);
        }
      }
    }
    if (kstep === 1) ipiv[k] = kp + 1;
    else {
      ipiv[k] = -(kp + 1);
      ipiv[k + 1] = -(kp + 1);
    }
    k += kstep;
  }
  return { ipiv, info };
}

function checkSquare(fn: string, A: Tensor): void {
  if (!(A instanceof Tensor)) throw new TypeError_(`${fn}(): argument 'A' (position 1) must be Tensor`);
  if (A.dim() < 2) throw new RuntimeError(`${fn}: The input tensor A must have at least 2 dimensions.`);
  const [m, n] = A.shape.slice(-2);
  if (m !== n) throw new RuntimeError(`${fn}: A must be batches of square matrices, but they are ${m} by ${n} matrices`);
  if (!A.dtype.is_floating_point) throw new RuntimeError(`${fn}: Expected a floating point or complex tensor as input. Got ${A.dtype}`);
}

function matrices(A: Tensor): { batch: number[]; n: number; mats: Float64Array[] } {
  const n = A.shape[A.dim() - 1];
  const batch = A.shape.slice(0, -2);
  const flat = Float64Array.from(A.detach().contiguous().reshape(-1).tolist() as number[]);
  const count = batch.reduce((p, s) => p * s, 1);
  return { batch, n, mats: Array.from({ length: count }, (_, b) => flat.slice(b * n * n, (b + 1) * n * n)) };
}

export interface LdlOptions {
  hermitian?: boolean;
  check_errors?: boolean;
}

/** torch.linalg.ldl_factor_ex(A, *, hermitian=False, check_errors=False) -> (LD, pivots, info). */
export function ldl_factor_ex(A: Tensor, ...args: PyArgs<[], LdlOptions>): Tensor[] & { LD: Tensor; pivots: Tensor; info: Tensor } {
  const o = parseArgs<LdlOptions>("linalg.ldl_factor_ex", ["hermitian", "check_errors"], args);
  checkSquare("torch.linalg.ldl_factor_ex", A);
  const { batch, n, mats } = matrices(A);
  const ld = new Float64Array(mats.length * n * n);
  const piv: number[] = [];
  const infos: number[] = [];
  mats.forEach((m, b) => {
    // Only the lower triangle is read: mirror it so the updates see a symmetric matrix.
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) m[i * n + j] = m[j * n + i];
    const { ipiv, info } = sytf2Lower(m, n);
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) ld[b * n * n + i * n + j] = m[i * n + j];
    piv.push(...ipiv);
    infos.push(info);
  });
  if (o.check_errors && infos.some((i) => i > 0)) {
    throw new RuntimeError(`torch.linalg.ldl_factor_ex: The factorization could not be completed because the input is singular: D[${infos.find((i) => i > 0)! - 1}, ${infos.find((i) => i > 0)! - 1}] is exactly zero.`);
  }
  const LD = from_array(ld, [...batch, n, n]).to(A.dtype);
  const pivots = from_array(Float32Array.from(piv), [...batch, n], { dtype: int32 });
  const info = from_array(Float32Array.from(infos), batch, { dtype: int32 });
  const r = [LD, pivots, info] as Tensor[] & { LD: Tensor; pivots: Tensor; info: Tensor };
  Object.assign(r, { LD, pivots, info });
  void o.hermitian; // real matrices: symmetric and Hermitian are the same
  return r;
}

/** torch.linalg.ldl_factor(A, *, hermitian=False) -> (LD, pivots); a singular D raises. */
export function ldl_factor(A: Tensor, ...args: PyArgs<[], { hermitian?: boolean }>): Tensor[] & { LD: Tensor; pivots: Tensor } {
  const o = parseArgs<{ hermitian?: boolean }>("linalg.ldl_factor", ["hermitian"], args);
  checkSquare("torch.linalg.ldl_factor", A);
  const r = ldl_factor_ex(A, { hermitian: o.hermitian ?? false });
  const bad = (r.info.reshape(-1).tolist() as number[]).find((i) => i > 0);
  if (bad !== undefined) {
    throw new RuntimeError(`torch.linalg.ldl_factor: The factorization could not be completed because the input is singular: D[${bad - 1}, ${bad - 1}] is exactly zero (LAPACK info ${bad}; PyTorch 1.13 reports it as an internal assert).`);
  }
  const out = [r.LD, r.pivots] as Tensor[] & { LD: Tensor; pivots: Tensor };
  return Object.assign(out, { LD: r.LD, pivots: r.pivots });
}

/** torch.linalg.ldl_solve(LD, pivots, B, *, hermitian=False): X with A X = B (LAPACK's sytrs, lower). */
export function ldl_solve(LD: Tensor, pivots: Tensor, B: Tensor, ...args: PyArgs<[], { hermitian?: boolean }>): Tensor;
export function ldl_solve(LD: Tensor, ...args: PyArgs<[pivots: Tensor, B: Tensor], { pivots: Tensor; B: Tensor; hermitian?: boolean }>): Tensor;
export function ldl_solve(LD: Tensor, ...rest: unknown[]): Tensor {
  // pivots and B by keyword too (linalg.ldl_solve(LD, pivots=piv, B=b)); hermitian keyword-only, as torch 1.13's
  const given = rest.length > 0 && isOptions(rest[rest.length - 1]) ? rest.length - 1 : rest.length;
  if (given > 2) throw new TypeError_(`linalg_ldl_solve() takes 3 positional arguments but ${given + 1} were given`);
  const { pivots, B } = parseArgs<{ pivots: Tensor; B: Tensor; hermitian?: boolean }>("linalg.ldl_solve", ["pivots", "B", "hermitian"], rest) as { pivots: Tensor; B: Tensor };
  checkSquare("torch.linalg.ldl_solve", LD);
  if (!(B instanceof Tensor) || !(pivots instanceof Tensor)) throw new TypeError_("linalg.ldl_solve(): pivots and B must be Tensors");
  if (pivots.dtype.is_floating_point) throw new RuntimeError("torch.linalg.ldl_solve: Expected pivots to be integers. Got " + String(pivots.dtype));
  const n = LD.shape[LD.dim() - 1];
  if (B.dim() < 2 || B.shape[B.dim() - 2] !== n) {
    throw new RuntimeError(`torch.linalg.ldl_solve: Incompatible shapes of A and B for the equation AX = B (${n}x${n} and ${B.shape.slice(-2).join("x")})`);
  }
  const batch = LD.shape.slice(0, -2);
  const nrhs = B.shape[B.dim() - 1];
  const { mats } = matrices(LD);
  const pv = (pivots.reshape(-1).tolist() as number[]).map(Number);
  const Bb = B.expand([...batch, n, nrhs]);
  const rhs = Float64Array.from(Bb.contiguous().reshape(-1).tolist() as number[]);
  mats.forEach((a, b) => {
    const ip = pv.slice(b * n, (b + 1) * n);
    const x = rhs.subarray(b * n * nrhs, (b + 1) * n * nrhs);
    const A = (i: number, j: number) => a[i * n + j];
    const swapRows = (r1: number, r2: number) => {
      for (let c = 0; c < nrhs; c++) {
        const t = x[r1 * nrhs + c];
        x[r1 * nrhs + c] = x[r2 * nrhs + c];
        x[r2 * nrhs + c] = t;
      }
    };
    // L D X = B
    let k = 0;
    while (k < n) {
      if (ip[k] > 0) {
        const kp = ip[k] - 1;
        if (kp !== k) swapRows(k, kp);
        for (let i = k + 1; i < n; i++) for (let c = 0; c < nrhs; c++) x[i * nrhs + c] -= A(i, k) * x[k * nrhs + c];
        for (let c = 0; c < nrhs; c++) x[k * nrhs + c] /= A(k, k);
        k += 1;
      } else {
        const kp = -ip[k] - 1;
        if (kp !== k + 1) swapRows(k + 1, kp);
        for (let i = k + 2; i < n; i++) {
          for (let c = 0; c < nrhs; c++) x[i * nrhs + c] -= A(i, k) * x[k * nrhs + c] + A(i, k + 1) * x[(k + 1) * nrhs + c];
        }
        const akm1k = A(k + 1, k);
        const akm1 = A(k, k) / akm1k;
        const ak = A(k + 1, k + 1) / akm1k;
        const denom = akm1 * ak - 1;
        for (let c = 0; c < nrhs; c++) {
          const bkm1 = x[k * nrhs + c] / akm1k;
          const bk = x[(k + 1) * nrhs + c] / akm1k;
          x[k * nrhs + c] = (ak * bkm1 - bk) / denom;
          x[(k + 1) * nrhs + c] = (akm1 * bk - bkm1) / denom;
        }
        k += 2;
      }
    }
    // L^T X = B
    k = n - 1;
    while (k >= 0) {
      if (ip[k] > 0) {
        for (let c = 0; c < nrhs; c++) {
          let s = 0;
          for (let i = k + 1; i < n; i++) s += A(i, k) * x[i * nrhs + c];
          x[k * nrhs + c] -= s;
        }
        const kp = ip[k] - 1;
        if (kp !== k) swapRows(k, kp);
        k -= 1;
      } else {
        for (let c = 0; c < nrhs; c++) {
          let s = 0;
          let s1 = 0;
          for (let i = k + 1; i < n; i++) {
            s += A(i, k) * x[i * nrhs + c];
            s1 += A(i, k - 1) * x[i * nrhs + c];
          }
          x[k * nrhs + c] -= s;
          x[(k - 1) * nrhs + c] -= s1;
        }
        const kp = -ip[k] - 1;
        if (kp !== k) swapRows(k, kp);
        k -= 2;
      }
    }
  });
  return from_array(rhs, [...batch, n, nrhs]).to(B.dtype);
}
