/**
 * Norms: torch.linalg.vector_norm / matrix_norm / norm (and the vector part of torch.norm and
 * Tensor.norm). The vector norm has its own backward, written like PyTorch's
 * linalg_vector_norm_backward, so the gradient at a zero vector is 0 instead of 0/0 = NaN, and
 * an inf-norm shares the gradient evenly between tied maxima. Matrix norms are compositions:
 * "fro" (2-norm over both dims), 1 / -1 (max / min column sum), inf / -inf (max / min row sum).
 * "nuc" (sum of singular values) and 2 / -2 (largest / smallest) come from a Jacobi SVD (./svd.ts).
 */
import { record } from "../autograd/function";
import { no_grad } from "../autograd/grad_mode";
import { cppTypeName, type DType } from "../dtype";
import { RuntimeError } from "../errors";
import { normalizeDim, numelOf } from "../shape";
import type { DimArg, Tensor } from "../tensor";
import { parseReduceArgs } from "./reduce";
import { thinSvd, type ThinSvd } from "./svd";
import { polarFactorVjp, singularPairVjp } from "./svd_grad";
import { contiguousData, empty } from "./util";

export type VectorOrd = number;
export type MatrixOrd = number | "fro" | "nuc";

function reduceDims(x: Tensor, dim: DimArg | null | undefined): number[] | undefined {
  return parseReduceArgs(x, dim ?? null).dims ?? undefined;
}

/** The p-norm of x over dims (all elements when dims is undefined). */
export function vectorNorm(x: Tensor, ord: VectorOrd, dim: DimArg | null | undefined, keepdim: boolean, node = "LinalgVectorNormBackward0", dtype?: DType): Tensor {
  if (typeof ord !== "number" || Number.isNaN(ord)) throw new RuntimeError(`linalg.vector_norm: ord must be a number (or Infinity), got ${String(ord)}`);
  if (!x.dtype.is_floating_point) {
    // torch 1.13's texts: torch.norm / Tensor.norm (F.normalize's norm) check the dtype themselves, linalg's norms theirs
    if (node === "NormBackward1") throw new RuntimeError(`norm(): input dtype should be either floating point or complex. Got ${cppTypeName(x.dtype)} instead.`);
    throw new RuntimeError(`linalg.vector_norm: Expected a floating point or complex tensor as input. Got ${cppTypeName(x.dtype)}`);
  }
  const src = dtype && dtype !== x.dtype ? x.to(dtype) : x;
  const dims = reduceDims(src, dim);
  const out = no_grad(() => normValue(src, ord, dims, keepdim));
  // normGrad is written in recorded ops on x and the norm, so create_graph differentiates it as is.
  return record(out, node, [src], (g) => [normGrad(src, out, g, ord, dims, keepdim)], [src, out], true);
}

function normValue(x: Tensor, p: number, dims: number[] | undefined, keepdim: boolean): Tensor {
  const a = x.abs();
  if (p === 2) return x.mul(x).sum(dims, keepdim).sqrt();
  if (p === 1) return a.sum(dims, keepdim);
  if (p === Infinity) return a.amax({ dim: dims, keepdim });
  if (p === -Infinity) return a.amin({ dim: dims, keepdim });
  if (p === 0) return x.ne(0).to(x.dtype).sum(dims, keepdim);
  return a.pow(p).sum(dims, keepdim).pow(1 / p);
}

function normGrad(x: Tensor, norm: Tensor, g: Tensor, p: number, dims: number[] | undefined, keepdim: boolean): Tensor {
  // g and the norm with the reduced dims kept, so they broadcast against x.
  const keep = (t: Tensor): Tensor => {
    if (keepdim) return t;
    const shape = x.shape.map((s, i) => (dims === undefined || dims.includes(i) ? 1 : s));
    return t.reshape(shape);
  };
  const gk = keep(g);
  const nk = keep(norm);
  if (p === 0) return x.mul(0);
  if (p === 1) return x.sign().mul(gk);
  if (p === Infinity || p === -Infinity) {
    const hit = x.abs().eq(nk).to(x.dtype);
    const count = hit.sum(dims, true);
    return x.sign().mul(hit).mul(gk.div(count));
  }
  const zeroNorm = nk.eq(0);
  if (p === 2) return x.mul(gk.div(nk).masked_fill(zeroNorm, 0));
  const scaled = x.sign().mul(x.abs().pow(p - 1).masked_fill(x.eq(0), 0));
  return scaled.mul(gk.div(nk.pow(p - 1)).masked_fill(zeroNorm, 0));
}

function matrixDims(x: Tensor, dim: readonly number[]): [number, number] {
  if (dim.length !== 2) throw new RuntimeError(`linalg.matrix_norm: dim must be a 2-tuple. Got ${dim.length} dims`);
  if (x.dim() < 2) throw new RuntimeError(`linalg.matrix_norm: The input tensor A must have at least 2 dimensions.`);
  const d0 = normalizeDim(dim[0], x.dim());
  const d1 = normalizeDim(dim[1], x.dim());
  if (d0 === d1) throw new RuntimeError(`linalg.matrix_norm: dims must be different. Got (${dim[0]}, ${dim[1]})`);
  return [d0, d1];
}

/** Matrix norm over the two dims `dim` (default the last two). */
export function matrixNorm(x: Tensor, ord: MatrixOrd = "fro", dim: readonly number[] = [-2, -1], keepdim = false): Tensor {
  if (x.dim() >= 2 && !x.dtype.is_floating_point) {
    throw new RuntimeError(`linalg.matrix_norm: Expected a floating point or complex tensor as input. Got ${cppTypeName(x.dtype)}`);
  }
  const [d0, d1] = matrixDims(x, dim);
  if (ord === "fro") return vectorNorm(x, 2, [d0, d1], keepdim);
  if (ord === "nuc" || ord === 2 || ord === -2) return singularValueNorm(x, ord, d0, d1, keepdim);
  if (ord !== 1 && ord !== -1 && ord !== Infinity && ord !== -Infinity) {
    throw new RuntimeError(`linalg.matrix_norm: Order ${String(ord)} not supported.`);
  }
  // 1-norms sum down columns (over d0) then pick over columns; inf-norms sum along rows.
  const sumDim = ord === 1 || ord === -1 ? d0 : d1;
  const pickDim = sumDim === d0 ? d1 : d0;
  const sums = x.abs().sum(sumDim, keepdim);
  // torch 1.13 ends in the amax / amin (AmaxBackward0 / AminBackward0 in a printout)
  const at = keepdim || pickDim < sumDim ? pickDim : pickDim - 1;
  return ord > 0 ? sums.amax({ dim: at, keepdim }) : sums.amin({ dim: at, keepdim });
}

/**
 * The nuclear norm (sum of the singular values), or the largest (2) / smallest (-2) singular
 * value, of each matrix over dims d0, d1, from a float64 Jacobi SVD (./svd.ts). Gradient:
 * U V^T for "nuc" (over the nonzero singular values), u v^T of the chosen singular pair for 2 / -2,
 * as PyTorch's svd backward gives for distinct singular values. Under create_graph that gradient is
 * itself recorded, its derivative from the singular vectors' perturbation formulas (./svd_grad.ts).
 */
function singularValueNorm(x: Tensor, ord: "nuc" | 2 | -2, d0: number, d1: number, keepdim: boolean): Tensor {
  if (!x.dtype.is_floating_point) throw new RuntimeError(`linalg.matrix_norm: Expected a floating point or complex tensor as input. Got ${cppTypeName(x.dtype)}`);
  const rest = x.shape.map((_, i) => i).filter((i) => i !== d0 && i !== d1);
  const xp = x.permute([...rest, d0, d1]);
  const m = x.shape[d0];
  const n = x.shape[d1];
  const batchShape = rest.map((i) => x.shape[i]);
  const count = numelOf(batchShape);
  const xd = no_grad(() => contiguousData(xp));
  const out = empty(batchShape, x.dtype);
  const k = Math.min(m, n);
  const chosen = ord === 2 ? 0 : k - 1;
  // Each matrix's SVD and d norm / d A, kept for the backward (and the second derivative).
  const svds: ThinSvd[] = [];
  const dA: Float64Array[] = [];
  for (let b = 0; b < count; b++) {
    const grad = new Float64Array(m * n);
    dA.push(grad);
    if (k === 0) continue;
    const svd = thinSvd(Float64Array.from(xd.subarray(b * m * n, (b + 1) * m * n)), m, n);
    svds.push(svd);
    const { s, u, v } = svd;
    const pairs = ord === "nuc" ? Array.from({ length: k }, (_, j) => j).filter((j) => s[j] > 0) : [chosen];
    out._data[b] = ord === "nuc" ? s.reduce((acc, sv) => acc + sv, 0) : s[pairs[0]];
    for (const j of pairs) {
      for (let i = 0; i < m; i++) for (let c = 0; c < n; c++) grad[i * n + c] += u[i * k + j] * v[c * k + j];
    }
  }
  const opName = `linalg.matrix_norm(ord=${typeof ord === "string" ? `"${ord}"` : ord})`;
  // d norm / d A as a tensor of A, recorded so that it can be differentiated once more.
  const gradientOfNorm = (): Tensor => {
    const values = empty(xp.shape, x.dtype);
    dA.forEach((grad, b) => values._data.set(grad, b * m * n));
    return record(values, "LinalgMatrixNormBackward0Backward", [xp], (c) => {
      const cd = contiguousData(c);
      const gx = empty(xp.shape, c.dtype);
      svds.forEach((svd, b) => {
        const cb = Float64Array.from(cd.subarray(b * m * n, (b + 1) * m * n));
        const vjp = ord === "nuc" ? polarFactorVjp(svd, m, n, cb, opName) : singularPairVjp(svd, m, n, chosen, cb, opName);
        gx._data.set(vjp, b * m * n);
      });
      return [gx];
    });
  };
  // torch 1.13 composes these of svdvals: a sum (nuc), an amax (2) or an amin (-2) ends the graph
  const res = record(
    out, ord === "nuc" ? "SumBackward1" : ord === 2 ? "AmaxBackward0" : "AminBackward0", [xp],
    (g) => {
      const gd = contiguousData(g);
      const gx = empty(xp.shape, g.dtype);
      for (let b = 0; b < count; b++) for (let i = 0; i < m * n; i++) gx._data[b * m * n + i] = gd[b] * dA[b][i];
      return [gx];
    },
    [],
    (g) => [g.reshape([...batchShape, 1, 1]).mul(gradientOfNorm())],
  );
  return keepdim ? res.unsqueeze(Math.min(d0, d1)).unsqueeze(Math.max(d0, d1)) : res;
}

/**
 * torch.linalg.norm: without ord, the 2-norm of the flattened input (or over dim); ord with a
 * 1-D input or one dim is a vector norm, with a 2-D input or two dims a matrix norm.
 */
export function linalgNorm(x: Tensor, ord?: MatrixOrd | null, dim?: DimArg | null, keepdim = false): Tensor {
  const dims = dim === undefined || dim === null ? null : typeof dim === "number" ? [dim] : dim;
  // without ord, torch 1.13 takes the vector 2-norm over dims (two dims included: the Frobenius norm's value), so a
  // dim named twice reads as vector_norm's "dim 1 appears multiple times in the list of dims"
  if (ord === undefined || ord === null) return vectorNorm(x, 2, dims, keepdim);
  if (dims ? dims.length === 2 : x.dim() === 2) return matrixNorm(x, ord, dims ?? [-2, -1], keepdim);
  if (dims ? dims.length === 1 : x.dim() === 1) {
    if (typeof ord !== "number") throw new RuntimeError(`linalg.norm: ord="${ord}" is a matrix norm; it needs a 2-D input or two dims`);
    return vectorNorm(x, ord, dims, keepdim);
  }
  throw new RuntimeError(`linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got ${x.dim()}D.`);
}
