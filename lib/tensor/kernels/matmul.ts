/**
 * Plain-TypeScript matmul: C[m,n] = A[m,k] @ B[k,n] with A and B given by strides, so the
 * transposed products autograd needs (A·Bᵀ, Aᵀ·B) read the operands in place.
 *
 * Strategy: B must have unit stride along n (rows contiguous); otherwise it is packed once
 * into a reused scratch buffer. Then C is computed by rank-1 updates ("axpy" form) on blocks
 * of 4 rows of C at a time (each loaded B value feeds 4 multiply-adds), blocked over k and n
 * so the touched panel of B stays in cache.
 */
import type { Storage } from "../dtype";

let scratch: Float32Array | Float64Array = new Float32Array(0);

/** A reusable buffer: allocation of large typed arrays is expensive in this environment. */
function scratchFor(like: Storage, n: number): Storage {
  const wantF64 = like instanceof Float64Array;
  if (scratch.length < n || (scratch instanceof Float64Array) !== wantF64) {
    scratch = wantF64 ? new Float64Array(n) : new Float32Array(n);
  }
  return scratch;
}

const KB = 128; // rows of B per panel
const NB = 512; // columns of B per panel

export function matmulStrided(
  m: number, n: number, k: number,
  a: Storage, aOff: number, as0: number, as1: number,
  b: Storage, bOff: number, bs0: number, bs1: number,
  c: Storage, cOff: number,
): void {
  c.fill(0, cOff, cOff + m * n);
  if (m === 0 || n === 0 || k === 0) return;
  let B = b;
  let bo = bOff;
  let ldb = bs0;
  if (bs1 !== 1 || (n === 1 && bs0 !== 1)) {
    // Pack B into row-major [k, n]; reading it transposed in the inner loop would stride memory.
    B = scratchFor(b, k * n);
    for (let p = 0; p < k; p++) {
      const src = bOff + p * bs0;
      const dst = p * n;
      for (let j = 0; j < n; j++) B[dst + j] = b[src + j * bs1];
    }
    bo = 0;
    ldb = n;
  }
  for (let j0 = 0; j0 < n; j0 += NB) {
    const j1 = Math.min(n, j0 + NB);
    for (let p0 = 0; p0 < k; p0 += KB) {
      const p1 = Math.min(k, p0 + KB);
      let i = 0;
      for (; i + 4 <= m; i += 4) {
        const c0 = cOff + i * n, c1 = c0 + n, c2 = c1 + n, c3 = c2 + n;
        const ar0 = aOff + i * as0, ar1 = ar0 + as0, ar2 = ar1 + as0, ar3 = ar2 + as0;
        for (let p = p0; p < p1; p++) {
          const x0 = a[ar0 + p * as1], x1 = a[ar1 + p * as1], x2 = a[ar2 + p * as1], x3 = a[ar3 + p * as1];
          const br = bo + p * ldb;
          for (let j = j0; j < j1; j++) {
            const bv = B[br + j];
            c[c0 + j] += x0 * bv;
            c[c1 + j] += x1 * bv;
            c[c2 + j] += x2 * bv;
            c[c3 + j] += x3 * bv;
          }
        }
      }
      for (; i < m; i++) {
        const c0 = cOff + i * n;
        const ar0 = aOff + i * as0;
        for (let p = p0; p < p1; p++) {
          const x0 = a[ar0 + p * as1];
          const br = bo + p * ldb;
          for (let j = j0; j < j1; j++) c[c0 + j] += x0 * B[br + j];
        }
      }
    }
  }
}
