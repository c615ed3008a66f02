/**
 * torch.linalg.eigvals(A) for real A: the eigenvalues of a general (non-symmetric) square matrix or batch, as a
 * complex tensor (complex64 for float32 input, complex128 for float64), as torch returns even when every
 * eigenvalue is real. Echo-state-network tutorials scale a random reservoir by eigvals(W).abs().max().
 *
 * The method is LAPACK geev's, in the EISPACK form: balance (scaling by powers of 2), reduce to upper Hessenberg
 * form, then the Francis double-shift QR iteration (hqr), all in float64. Each eigenvalue is stored at its place on
 * the real Schur form's diagonal, a complex pair with the positive imaginary part first, as LAPACK's dhseqr does;
 * the order can still differ from LAPACK's where the two iterations deflate differently.
 * Not differentiable here (torch's backward needs the eigenvectors, which this engine does not compute): a
 * requires-grad input under grad mode raises rather than returning a result without a gradient.
 */
import { parseArgs } from "../args";
import { complex, type ComplexTensor } from "../complex_tensor";
import { float32, float64 } from "../dtype";
import { RuntimeError } from "../errors";
import { is_grad_enabled } from "../autograd/grad_mode";
import { Tensor } from "../tensor";
import { from_array } from "./creation";

/** NR's balanc: rows and columns scaled by powers of 2 until their norms are close (eigenvalues unchanged). */
function balance(a: number[][], n: number): void {
  const RADIX = 2, sqrdx = RADIX * RADIX;
  let done = false;
  while (!done) {
    done = true;
    for (let i = 0; i < n; i++) {
      let r = 0, c = 0;
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        c += Math.abs(a[j][i]);
        r += Math.abs(a[i][j]);
      }
      if (c === 0 || r === 0) continue;
      let g = r / RADIX, f = 1;
      const s = c + r;
      while (c < g) { f *= RADIX; c *= sqrdx; }
      g = r * RADIX;
      while (c > g) { f /= RADIX; c /= sqrdx; }
      if ((c + r) / f < 0.95 * s) {
        done = false;
        g = 1 / f;
        for (let j = 0; j < n; j++) a[i][j] *= g;
        for (let j = 0; j < n; j++) a[j][i] *= f;
      }
    }
  }
}

/** Reduction to upper Hessenberg form by stabilised elementary similarity transforms (NR's elmhes). */
function hessenberg(a: number[][], n: number): void {
  for (let m = 1; m < n - 1; m++) {
    let x = 0, i = m;
    for (let j = m; j < n; j++) if (Math.abs(a[j][m - 1]) > Math.abs(x)) { x = a[j][m - 1]; i = j; }
    if (i !== m) {
      for (let j = m - 1; j < n; j++) [a[i][j], a[m][j]] = [a[m][j], a[i][j]];
      for (let j = 0; j < n; j++) [a[j][i], a[j][m]] = [a[j][m], a[j][i]];
    }
    if (x === 0) continue;
    for (i = m + 1; i < n; i++) {
      let y = a[i][m - 1];
      if (y === 0) continue;
      y /= x;
      a[i][m - 1] = y;
      for (let j = m; j < n; j++) a[i][j] -= y * a[m][j];
      for (let j = 0; j < n; j++) a[j][m] += y * a[j][i];
    }
  }
  for (let i = 2; i < n; i++) for (let j = 0; j < i - 1; j++) a[i][j] = 0; // drop the stored multipliers
}

const sign = (a: number, b: number): number => (b >= 0 ? Math.abs(a) : -Math.abs(a));

/** Eigenvalues of an upper Hessenberg matrix by the shifted QR iteration (NR's hqr, 0-based); a is destroyed. */
function hqr(a: number[][], n: number, wr: Float64Array, wi: Float64Array): void {
  let anorm = 0;
  for (let i = 0; i < n; i++) for (let j = Math.max(i - 1, 0); j < n; j++) anorm += Math.abs(a[i][j]);
  let nn = n - 1, t = 0;
  let p = 0, q = 0, r = 0, s, w, x, y, z = 0;
  while (nn >= 0) {
    let its = 0, l: number;
    do {
      for (l = nn; l >= 1; l--) {
        s = Math.abs(a[l - 1][l - 1]) + Math.abs(a[l][l]);
        if (s === 0) s = anorm;
        if (Math.abs(a[l][l - 1]) + s === s) { a[l][l - 1] = 0; break; }
      }
      x = a[nn][nn];
      if (l === nn) {
        wr[nn] = x + t;
        wi[nn] = 0;
        nn--;
      } else {
        y = a[nn - 1][nn - 1];
        w = a[nn][nn - 1] * a[nn - 1][nn];
        if (l === nn - 1) {
          p = 0.5 * (y - x);
          q = p * p + w;
          z = Math.sqrt(Math.abs(q));
          x += t;
          if (q >= 0) {
            z = p + sign(z, p);
            wr[nn - 1] = wr[nn] = x + z;
            if (z !== 0) wr[nn] = x - w / z;
            wi[nn - 1] = wi[nn] = 0;
          } else {
            // a complex pair: positive imaginary part first, as LAPACK stores it
            wr[nn - 1] = wr[nn] = x + p;
            wi[nn - 1] = z;
            wi[nn] = -z;
          }
          nn -= 2;
        } else {
          if (its === 60) throw new RuntimeError("linalg.eigvals: The algorithm failed to converge because the input matrix is ill-conditioned or has too many repeated eigenvalues.");
          if (its === 10 || its === 20) {
            // exceptional shift
            t += x;
            for (let i = 0; i <= nn; i++) a[i][i] -= x;
            s = Math.abs(a[nn][nn - 1]) + Math.abs(a[nn - 1][nn - 2]);
            y = x = 0.75 * s;
            w = -0.4375 * s * s;
          }
          ++its;
          let m: number;
          for (m = nn - 2; m >= l; m--) {
            z = a[m][m];
            r = x - z;
            s = y - z;
            p = (r * s - w) / a[m + 1][m] + a[m][m + 1];
            q = a[m + 1][m + 1] - z - r - s;
            r = a[m + 2][m + 1];
            s = Math.abs(p) + Math.abs(q) + Math.abs(r);
            p /= s; q /= s; r /= s;
            if (m === l) break;
            const u = Math.abs(a[m][m - 1]) * (Math.abs(q) + Math.abs(r));
            const v = Math.abs(p) * (Math.abs(a[m - 1][m - 1]) + Math.abs(z) + Math.abs(a[m + 1][m + 1]));
            if (u + v === v) break;
          }
          for (let i = m + 2; i <= nn; i++) {
            a[i][i - 2] = 0;
            if (i !== m + 2) a[i][i - 3] = 0;
          }
          for (let k = m; k <= nn - 1; k++) {
            if (k !== m) {
              p = a[k][k - 1];
              q = a[k + 1][k - 1];
              r = 0;
              if (k !== nn - 1) r = a[k + 2][k - 1];
              x = Math.abs(p) + Math.abs(q) + Math.abs(r);
              if (x !== 0) { p /= x; q /= x; r /= x; }
            }
            s = sign(Math.sqrt(p * p + q * q + r * r), p);
            if (s === 0) continue;
            if (k === m) {
              if (l !== m) a[k][k - 1] = -a[k][k - 1];
            } else a[k][k - 1] = -s * x;
            p += s;
            x = p / s; y = q / s; z = r / s; q /= p; r /= p;
            for (let j = k; j <= nn; j++) {
              p = a[k][j] + q * a[k + 1][j];
              if (k !== nn - 1) { p += r * a[k + 2][j]; a[k + 2][j] -= p * z; }
              a[k + 1][j] -= p * y;
              a[k][j] -= p * x;
            }
            const mmin = nn < k + 3 ? nn : k + 3;
            for (let i = l; i <= mmin; i++) {
              p = x * a[i][k] + y * a[i][k + 1];
              if (k !== nn - 1) { p += z * a[i][k + 2]; a[i][k + 2] -= p * r; }
              a[i][k + 1] -= p * q;
              a[i][k] -= p;
            }
          }
        }
      }
    } while (l < nn - 1);
  }
}

const TYPE_NAMES: Record<string, string> = { int64: "Long", int32: "Int", int16: "Short", int8: "Char", uint8: "Byte", bool: "Bool" };

/** torch.linalg.eigvals(A): A real, [..., n, n]; a complex tensor of shape [..., n]. */
export function eigvals(A: Tensor, ...options: [options?: Record<string, never>]): ComplexTensor {
  if (!(A instanceof Tensor)) throw new RuntimeError("linalg.eigvals: expected a Tensor as input");
  parseArgs("linalg.eigvals", [], options); // no keywords but torch's out=, which the engine has nowhere: any keyword raises
  if (A.dim() < 2) throw new RuntimeError(`linalg.eigvals: The input tensor A must have at least 2 dimensions.`);
  const n = A.shape[A.dim() - 1];
  if (A.shape[A.dim() - 2] !== n) throw new RuntimeError(`linalg.eigvals: A must be batches of square matrices, but they are ${A.shape[A.dim() - 2]} by ${n} matrices`);
  // torch 1.13 fails looking up the complex result type of an integer or bool input
  if (A.dtype !== float32 && A.dtype !== float64) throw new RuntimeError(`Unknown Complex ScalarType for ${TYPE_NAMES[A.dtype.name] ?? A.dtype.name}`);
  if (A.requires_grad && is_grad_enabled()) {
    throw new RuntimeError("linalg.eigvals: the backward of eigvals is not implemented in this engine (it needs the eigenvectors); call it under torch.no_grad() or on A.detach()");
  }
  const flat = A.detach().contiguous().to(float64).reshape(-1).tolist() as number[];
  const batch = n === 0 ? 0 : flat.length / (n * n);
  const re = new Float64Array(batch * n), im = new Float64Array(batch * n);
  for (let b = 0; b < batch; b++) {
    const a: number[][] = [];
    for (let i = 0; i < n; i++) a.push(flat.slice(b * n * n + i * n, b * n * n + (i + 1) * n));
    if (a.some((row) => row.some((v) => !Number.isFinite(v)))) {
      // LAPACK's result for a matrix with an infinity is all NaN (what it does with a NaN varies; not mimicked)
      re.fill(NaN, b * n, (b + 1) * n);
      im.fill(NaN, b * n, (b + 1) * n);
      continue;
    }
    balance(a, n);
    hessenberg(a, n);
    hqr(a, n, re.subarray(b * n, (b + 1) * n), im.subarray(b * n, (b + 1) * n));
  }
  const shape = A.shape.slice(0, -1);
  const mk = (v: Float64Array) => from_array(A.dtype === float32 ? Float32Array.from(v) : v, shape, { dtype: A.dtype });
  return complex(mk(re), mk(im));
}
