/**
 * Thin singular value decomposition of one small dense matrix, in float64, by one-sided
 * (Hestenes) Jacobi: plane rotations orthogonalise the columns of A in place, accumulating the
 * rotations in V; the column norms are then the singular values and the normalised columns
 * U. Jacobi is slower than Golub-Kahan for large matrices but short, accurate to a few ulps
 * in every singular value (small ones included), and the matrices a lesson takes norms of
 * are small. Used by the nuclear and spectral matrix norms (./norm.ts).
 */

export interface ThinSvd {
  /** k = min(m, n) singular values, largest first. */
  s: Float64Array;
  /** Left singular vectors, m x k row-major (column j belongs to s[j]; zero where s[j] = 0). */
  u: Float64Array;
  /** Right singular vectors, n x k row-major. */
  v: Float64Array;
}

const MAX_SWEEPS = 60;

/** Applies the plane rotation (c, s) to columns p and q of a row-major rows x cols matrix, in place. */
export function rotateColumns(a: Float64Array, rows: number, cols: number, p: number, q: number, c: number, s: number): void {
  for (let i = 0; i < rows; i++) {
    const ap = a[i * cols + p];
    const aq = a[i * cols + q];
    a[i * cols + p] = c * ap - s * aq;
    a[i * cols + q] = s * ap + c * aq;
  }
}

/** A = U diag(s) V^T for the m x n row-major matrix `a` (not modified). */
export function thinSvd(a: Float64Array, m: number, n: number): ThinSvd {
  if (m < n) {
    // Work on A^T (more rows than columns) and swap the roles of U and V.
    const at = new Float64Array(m * n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) at[j * m + i] = a[i * n + j];
    const t = thinSvd(at, n, m);
    return { s: t.s, u: t.v, v: t.u };
  }
  // Columns of w are rotated until pairwise orthogonal; w = A V throughout.
  const w = Float64Array.from(a);
  const v = new Float64Array(n * n);
  for (let j = 0; j < n; j++) v[j * n + j] = 1;
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let i = 0; i < m; i++) {
          const wp = w[i * n + p];
          const wq = w[i * n + q];
          alpha += wp * wp;
          beta += wq * wq;
          gamma += wp * wq;
        }
        if (gamma === 0 || Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        rotateColumns(w, m, n, p, q, c, s);
        rotateColumns(v, n, n, p, q, c, s);
      }
    }
    if (!rotated) break;
  }
  const norms = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let ss = 0;
    for (let i = 0; i < m; i++) ss += w[i * n + j] * w[i * n + j];
    norms[j] = Math.sqrt(ss);
  }
  // Largest first, as LAPACK returns them.
  const order = Array.from({ length: n }, (_, j) => j).sort((x, y) => norms[y] - norms[x]);
  const s = new Float64Array(n);
  const u = new Float64Array(m * n);
  const vs = new Float64Array(n * n);
  order.forEach((j, k) => {
    s[k] = norms[j];
    if (norms[j] > 0) for (let i = 0; i < m; i++) u[i * n + k] = w[i * n + j] / norms[j];
    for (let i = 0; i < n; i++) vs[i * n + k] = v[i * n + j];
  });
  return { s, u, v: vs };
}
