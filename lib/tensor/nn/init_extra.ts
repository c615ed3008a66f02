/**
 * More of torch.nn.init: eye_, dirac_, trunc_normal_, orthogonal_, sparse_, with PyTorch 1.13's
 * recipes and messages, in place and without recording gradients.
 *
 * Seeded draws follow PyTorch's, so after the same torch.manual_seed the values match:
 * - trunc_normal_: uniform_(2 cdf(a) - 1, 2 cdf(b) - 1), erfinv, * std sqrt(2), + mean, clamp (float32
 *   steps rounded as PyTorch's in-place ops are);
 * - orthogonal_: normal_(0, 1) into a rows x cols matrix (transposed when rows < cols), then the Q
 *   of its QR with R's diagonal made positive. That Q is unique for a full-rank matrix, so it does
 *   not depend on the QR algorithm or sign convention: we compute it by Gram-Schmidt (twice, for
 *   orthogonality to rounding) in float64, PyTorch by LAPACK in the tensor's dtype, and they agree
 *   to float32 rounding;
 * - sparse_: normal_(0, std), then for each column a randperm(rows) whose first ceil(sparsity * rows)
 *   entries are zeroed.
 */
import { parseArgs, type PyArgs } from "../args";
import { TypeError_, ValueError } from "../errors";
import { erf } from "../kernels/unary";
import { randperm } from "../ops/creation";
import { erfinvScalar } from "../ops/elementwise_extra";
import { default_generator, type Generator } from "../random";
import type { Tensor } from "../tensor";
import { fillInPlace, wide } from "./init_fill";
import { orthonormalizeRowsInPlace } from "./orthonormal_columns";
import { warnOnce } from "../warnings";

/** Fills a 2-D tensor with the identity (ones on the main diagonal), as nn.init.eye_. */
export function eye_(tensor: Tensor): Tensor {
  if (tensor.dim() !== 2) throw new ValueError("Only tensors with 2 dimensions are supported");
  const [rows, cols] = tensor.shape;
  return fillInPlace(tensor, (out) => {
    out.fill(0);
    for (let i = 0; i < Math.min(rows, cols); i++) out[i * cols + i] = 1;
  });
}

/**
 * Dirac delta for 3-5-D conv weights: each output channel (within each of `groups`) passes one
 * input channel through unchanged at the kernel's centre. `dirac_(w, groups=1)`.
 */
export function dirac_(tensor: Tensor, ...args: PyArgs<[groups?: number], { groups?: number }>): Tensor {
  const groups = parseArgs<{ groups: number }>("dirac_", ["groups"], args).groups ?? 1;
  const dims = tensor.dim();
  if (dims < 3 || dims > 5) throw new ValueError("Only tensors with 3, 4, or 5 dimensions are supported");
  const sizes = tensor.shape;
  if (sizes[0] % groups !== 0) throw new ValueError("dim 0 must be divisible by groups");
  const perGroup = sizes[0] / groups;
  const minDim = Math.min(perGroup, sizes[1]);
  const strides = sizes.map((_, i) => sizes.slice(i + 1).reduce((a, b) => a * b, 1));
  let centre = 0;
  for (let k = 2; k < dims; k++) centre += Math.floor(sizes[k] / 2) * strides[k];
  return fillInPlace(tensor, (out) => {
    out.fill(0);
    for (let g = 0; g < groups; g++) for (let d = 0; d < minDim; d++) out[(g * perGroup + d) * strides[0] + d * strides[1] + centre] = 1;
  });
}

export interface TruncNormalOptions {
  mean?: number;
  std?: number;
  a?: number;
  b?: number;
  generator?: Generator;
}

const normCdf = (x: number): number => (1 + erf(x / Math.SQRT2)) / 2;

/**
 * N(mean, std^2) truncated to [a, b] by inverse-CDF sampling, PyTorch's recipe:
 * `trunc_normal_(w, mean=0, std=1, a=-2, b=2)` or `trunc_normal_(w, { std: 0.02 })`.
 */
export function trunc_normal_(
  tensor: Tensor,
  ...args: PyArgs<[mean?: number, std?: number, a?: number, b?: number], TruncNormalOptions>
): Tensor {
  const o = parseArgs<TruncNormalOptions>("trunc_normal_", ["mean", "std", "a", "b", "generator"], args);
  const mean = o.mean ?? 0;
  const std = o.std ?? 1;
  const a = o.a ?? -2;
  const b = o.b ?? 2;
  const gen = o.generator ?? default_generator;
  if (mean < a - 2 * std || mean > b + 2 * std) {
    warnOnce("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. The distribution of values may be incorrect.");
  }
  const l = normCdf((a - mean) / std);
  const u = normCdf((b - mean) / std);
  const scale = std * Math.SQRT2;
  return fillInPlace(tensor, (out) => {
    gen.fillUniform(out, 2 * l - 1, 2 * u - 1, wide(tensor));
    // One in-place op after another, each rounded to the tensor's dtype by the store.
    for (let i = 0; i < out.length; i++) out[i] = erfinvScalar(out[i]);
    for (let i = 0; i < out.length; i++) out[i] *= scale;
    for (let i = 0; i < out.length; i++) out[i] += mean;
    for (let i = 0; i < out.length; i++) out[i] = Math.min(Math.max(out[i], a), b);
  });
}

export interface OrthogonalOptions {
  gain?: number;
  generator?: Generator;
}

/**
 * A (semi-)orthogonal matrix (Saxe et al. 2013), the trailing dimensions flattened:
 * `orthogonal_(w, gain=1)`. Rows are orthonormal when rows <= cols, columns otherwise.
 */
export function orthogonal_(tensor: Tensor, ...args: PyArgs<[gain?: number], OrthogonalOptions>): Tensor {
  const o = parseArgs<OrthogonalOptions>("orthogonal_", ["gain", "generator"], args);
  if (tensor.dim() < 2) throw new ValueError("Only tensors with 2 or more dimensions are supported");
  if (tensor.numel() === 0) return tensor;
  const gain = o.gain ?? 1;
  const gen = o.generator ?? default_generator;
  const rows = tensor.shape[0];
  const cols = tensor.numel() / rows;
  return fillInPlace(tensor, (out) => {
    // The normal draw, in the tensor's dtype, laid out rows x cols as PyTorch's new(rows, cols).normal_().
    const draw = wide(tensor) ? new Float64Array(rows * cols) : new Float32Array(rows * cols);
    gen.fillNormal(draw, 0, 1, wide(tensor));
    // Work on the tall orientation m x n (m >= n): columns of A are what QR orthonormalises.
    const tall = rows >= cols;
    const m = tall ? rows : cols;
    const n = tall ? cols : rows;
    if (!wide(tensor) && m >= 2 * n && m * n * n >= BLOCKED_WORK) {
      // Large and well conditioned (a Gaussian m x n with m >= 2n has a condition number under 6): GEMM-based
      const qt = tall ? transposed(draw as Float32Array, rows, cols) : Float32Array.from(draw);
      orthonormalizeRowsInPlace(qt, n, m);
      for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[r * cols + c] = (tall ? qt[c * m + r] : qt[r * m + c]) * gain;
      return;
    }
    const at = (i: number, j: number): number => (tall ? draw[i * cols + j] : draw[j * cols + i]);
    const q: Float64Array[] = [];
    for (let j = 0; j < n; j++) {
      const v = new Float64Array(m);
      for (let i = 0; i < m; i++) v[i] = at(i, j);
      // Gram-Schmidt applied twice keeps Q orthogonal to rounding. Each subtraction of q[t]'s component is fused
      // with the dot product against q[t + 1] (the same arithmetic in the same order, one sweep over v instead of
      // two): Linear(3136, 512)'s weight (ppo_atari's layer_init) took about twice as long.
      for (let pass = 0; pass < 2 && q.length > 0; pass++) {
        let d = 0;
        const first = q[0];
        for (let i = 0; i < m; i++) d += first[i] * v[i];
        for (let t = 0; t < q.length; t++) {
          const prev = q[t];
          if (t + 1 === q.length) {
            for (let i = 0; i < m; i++) v[i] -= d * prev[i];
            break;
          }
          const next = q[t + 1];
          let dn = 0;
          for (let i = 0; i < m; i++) {
            const x = v[i] - d * prev[i];
            v[i] = x;
            dn += next[i] * x;
          }
          d = dn;
        }
      }
      let norm = 0;
      for (let i = 0; i < m; i++) norm += v[i] * v[i];
      norm = Math.sqrt(norm);
      // R's diagonal entry is this norm (> 0), so Q already has PyTorch's sign convention.
      for (let i = 0; i < m; i++) v[i] /= norm;
      q.push(v);
    }
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) out[r * cols + c] = (tall ? q[c][r] : q[r][c]) * gain;
    }
  });
}

/**
 * m * n * n above which orthogonal_ takes the blocked path (orthonormal_columns.ts): 256 x 256 (about 70 ms column by
 * column) stays below, Linear(3136, 512)'s 822 M is far above.
 */
const BLOCKED_WORK = 1 << 25;

function transposed(a: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j];
  return t;
}

export interface SparseOptions {
  sparsity?: number;
  std?: number;
  generator?: Generator;
}

/**
 * A sparse 2-D matrix (Martens 2010): N(0, std^2) with ceil(sparsity * rows) zeros per column at
 * random rows. `sparse_(w, sparsity, std=0.01)`.
 */
export function sparse_(tensor: Tensor, ...args: PyArgs<[sparsity?: number, std?: number], SparseOptions>): Tensor {
  const o = parseArgs<SparseOptions>("sparse_", ["sparsity", "std", "generator"], args);
  if (o.sparsity === undefined) throw new TypeError_("sparse_() missing 1 required positional argument: 'sparsity'");
  if (tensor.dim() !== 2) throw new ValueError("Only tensors with 2 dimensions are supported");
  const [rows, cols] = tensor.shape;
  const numZeros = Math.ceil(o.sparsity * rows);
  const gen = o.generator ?? default_generator;
  const std = o.std ?? 0.01;
  return fillInPlace(tensor, (out) => {
    gen.fillNormal(out, 0, std, wide(tensor));
    for (let c = 0; c < cols; c++) {
      const perm = randperm(rows, { generator: gen })._data;
      for (let k = 0; k < numZeros && k < rows; k++) out[perm[k] * cols + c] = 0;
    }
  });
}
