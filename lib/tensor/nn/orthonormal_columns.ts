/**
 * Orthonormal columns for nn.init.orthogonal_ on large weights: the Q of a tall m x n matrix's QR (R's diagonal
 * positive, PyTorch's sign convention after its sign fix), by block classical Gram-Schmidt applied twice (CGS2).
 * Each block of NB columns is projected off the columns before it by two products on the engine's GEMM (the
 * WebAssembly SIMD kernel for float32), then orthonormalised within the block in float64. A Linear(3136, 512)
 * weight (CleanRL's Atari layer_init) took ~2.5 s column by column in float64; its products here are ~3 GFLOP of
 * GEMM. For float32 the result carries float32 rounding (about 1e-6, the class of torch's own sgeqrf Q); float64
 * weights run the same steps on float64 storage.
 */
import { kernels } from "../kernels/registry";

const NB = 16;

/**
 * qt: n rows of length m, row j holding column j of A (overwritten with column j of Q). Columns must be
 * independent (a Gaussian draw's are, with probability one).
 */
export function orthonormalizeRowsInPlace(qt: Float32Array | Float64Array, n: number, m: number): void {
  const make = (len: number) => (qt instanceof Float64Array ? new Float64Array(len) : new Float32Array(len));
  const c = make(n * NB);
  const p = make(NB * m);
  const block: Float64Array[] = [];
  for (let j0 = 0; j0 < n; j0 += NB) {
    const jb = Math.min(NB, n - j0);
    const at = j0 * m;
    for (let pass = 0; pass < 2 && j0 > 0; pass++) {
      // C (j0 x jb) = Q_done^T B, then B -= Q_done C: B's columns lose their components along the finished ones
      kernels.matmul(j0, jb, m, qt, 0, m, 1, qt, at, 1, m, c, 0);
      kernels.matmul(jb, m, j0, c, 0, 1, jb, qt, 0, m, 1, p, 0);
      for (let i = 0; i < jb * m; i++) qt[at + i] -= p[i];
    }
    block.length = 0;
    for (let r = 0; r < jb; r++) {
      const v = Float64Array.from(qt.subarray(at + r * m, at + (r + 1) * m));
      for (let pass = 0; pass < 2; pass++) {
        for (const u of block) {
          let d = 0;
          for (let i = 0; i < m; i++) d += u[i] * v[i];
          for (let i = 0; i < m; i++) v[i] -= d * u[i];
        }
      }
      let norm = 0;
      for (let i = 0; i < m; i++) norm += v[i] * v[i];
      norm = Math.sqrt(norm);
      for (let i = 0; i < m; i++) v[i] /= norm;
      block.push(v);
      qt.set(v, at + r * m);
    }
  }
}
