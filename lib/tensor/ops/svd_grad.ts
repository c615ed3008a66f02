/**
 * Derivatives of the singular vectors, for the second derivatives of the nuclear and spectral
 * norms (./norm.ts). Their first derivatives are matrices built from singular vectors (U V^T for
 * "nuc", u v^T of one pair for 2 / -2); these functions give the vector-Jacobian product of those
 * matrices with respect to A, from the standard perturbation formulas of a thin SVD
 * A = U diag(s) V^T (k = min(m, n)). With X = U^T dA V:
 *
 *   du_j = sum_{l != j} u_l (s_j X_lj + s_l X_jl) / (s_j^2 - s_l^2) + (I - U U^T) dA v_j / s_j
 *   dv_j = sum_{l != j} v_l (s_l X_lj + s_j X_jl) / (s_j^2 - s_l^2) + (I - V V^T) dA^T u_j / s_j
 *
 * and for the polar factor U V^T (full rank), with Omega_jl = (X_jl - X_lj) / (s_j + s_l):
 *
 *   d(U V^T) = U Omega V^T + (I - U U^T) dA V S^-1 V^T + U S^-1 U^T dA (I - V V^T)
 *
 * (one of the two projector terms vanishes: the longer side's factor is square). A singular
 * vector of a zero singular value is stored as zeros (./svd.ts); the projector terms then carry
 * its direction, so rank-deficient matrices are exact wherever the derivative exists. Where it
 * does not (a repeated chosen singular value, a zero one, a rank-deficient nuclear norm) the
 * functions raise instead of returning infinities.
 */
import { RuntimeError } from "../errors";
import type { ThinSvd } from "./svd";

/** a (p x q) times b (q x r), row-major. */
function matmul(a: Float64Array, b: Float64Array, p: number, q: number, r: number): Float64Array {
  const out = new Float64Array(p * r);
  for (let i = 0; i < p; i++) {
    for (let t = 0; t < q; t++) {
      const ait = a[i * q + t];
      if (ait === 0) continue;
      for (let j = 0; j < r; j++) out[i * r + j] += ait * b[t * r + j];
    }
  }
  return out;
}

function transpose(a: Float64Array, p: number, q: number): Float64Array {
  const out = new Float64Array(p * q);
  for (let i = 0; i < p; i++) for (let j = 0; j < q; j++) out[j * p + i] = a[i * q + j];
  return out;
}

/** x minus its projection on the columns of `basis` (rows x k): (I - B B^T) x, for each column of x (rows x cols). */
function projectOut(x: Float64Array, basis: Float64Array, rows: number, k: number, cols: number): Float64Array {
  const coeffs = matmul(transpose(basis, rows, k), x, k, rows, cols);
  const along = matmul(basis, coeffs, rows, k, cols);
  return x.map((value, i) => value - along[i]);
}

/** Adds coef * (column a of `left`) (column b of `right`)^T to grad (m x n). */
function addOuter(grad: Float64Array, coef: number, left: Float64Array, a: number, right: Float64Array, b: number, m: number, n: number, k: number): void {
  if (coef === 0) return;
  for (let i = 0; i < m; i++) {
    const li = coef * left[i * k + a];
    if (li === 0) continue;
    for (let c = 0; c < n; c++) grad[i * n + c] += li * right[c * k + b];
  }
}

/** d<C, u_j v_j^T> / dA for the m x n matrix whose SVD is `svd`. */
export function singularPairVjp({ s, u, v }: ThinSvd, m: number, n: number, j: number, c: Float64Array, op: string): Float64Array {
  const k = Math.min(m, n);
  if (!(s[j] > 0)) {
    throw new RuntimeError(`${op}: the second derivative does not exist where the chosen singular value is 0`);
  }
  for (let l = 0; l < k; l++) {
    if (l !== j && s[l] === s[j]) {
      throw new RuntimeError(`${op}: the second derivative does not exist where the chosen singular value is repeated (${s[j]})`);
    }
  }
  const vj = Float64Array.from({ length: n }, (_, col) => v[col * k + j]);
  const uj = Float64Array.from({ length: m }, (_, row) => u[row * k + j]);
  const a = matmul(c, vj, m, n, 1);
  const b = matmul(transpose(c, m, n), uj, n, m, 1);
  const aU = matmul(transpose(u, m, k), a, k, m, 1);
  const bV = matmul(transpose(v, n, k), b, k, n, 1);
  const grad = new Float64Array(m * n);
  for (let l = 0; l < k; l++) {
    if (l === j) continue;
    const denominator = s[j] * s[j] - s[l] * s[l];
    addOuter(grad, (aU[l] * s[j] + bV[l] * s[l]) / denominator, u, l, v, j, m, n, k);
    addOuter(grad, (aU[l] * s[l] + bV[l] * s[j]) / denominator, u, j, v, l, m, n, k);
  }
  const aPerp = projectOut(a, u, m, k, 1);
  const bPerp = projectOut(b, v, n, k, 1);
  for (let row = 0; row < m; row++) {
    for (let col = 0; col < n; col++) grad[row * n + col] += (aPerp[row] * vj[col] + uj[row] * bPerp[col]) / s[j];
  }
  return grad;
}

/** d<C, U V^T> / dA for a full-rank m x n matrix whose SVD is `svd`. */
export function polarFactorVjp({ s, u, v }: ThinSvd, m: number, n: number, c: Float64Array, op: string): Float64Array {
  const k = Math.min(m, n);
  if (s.some((value) => !(value > 0))) {
    throw new RuntimeError(`${op}: the second derivative of the nuclear norm does not exist for a rank-deficient matrix`);
  }
  const cv = matmul(c, v, m, n, k);
  const y = matmul(transpose(u, m, k), cv, k, m, k);
  const z = new Float64Array(k * k);
  for (let j = 0; j < k; j++) for (let l = 0; l < k; l++) z[j * k + l] = (y[j * k + l] - y[l * k + j]) / (s[j] + s[l]);
  const grad = matmul(matmul(u, z, m, k, k), transpose(v, n, k), m, k, n);
  // (I - U U^T) C V S^-1 V^T
  const cvOverS = cv.map((value, i) => value / s[i % k]);
  const left = matmul(projectOut(cvOverS, u, m, k, k), transpose(v, n, k), m, k, n);
  // U S^-1 U^T C (I - V V^T), as the transpose of (I - V V^T) C^T U S^-1
  const ctu = matmul(transpose(c, m, n), u, n, m, k);
  const ctuOverS = ctu.map((value, i) => value / s[i % k]);
  const right = transpose(matmul(projectOut(ctuOverS, v, n, k, k), transpose(u, m, k), n, k, m), n, m);
  for (let i = 0; i < m * n; i++) grad[i] += left[i] + right[i];
  return grad;
}
