/** Matrix products: mm, matmul (with batch broadcasting), bmm, addmm, dot, mv, outer. */
import { complexHooks, isComplexTensor } from "../complex_dtype";
import { record } from "../autograd/function";
import { allocStorage, cppTypeName, float32, refuseBool, wrapsAround, wrapValue, type DType, type Storage } from "../dtype";
import { RuntimeError } from "../errors";
import { matmulBatched } from "../kernels/batched_matmul";
import { matmulAllocating } from "../kernels/matmul_alloc";
import { matmulBias } from "../kernels/matmul_bias";
import { matmulStepSums } from "../kernels/matmul_stepsums";
import { BinaryOp } from "../kernels/binary";
import { kernels } from "../kernels/registry";
import { broadcastShapes, fmtShape, numelOf } from "../shape";
import { isSparseCoo, sparseHooks } from "../sparse/brand";
import { Tensor } from "../tensor";
import { emptyForOverwrite, sumToShape } from "./util";

function checkDtypes(a: Tensor, b: Tensor, op: string): void {
  if (a.dtype !== b.dtype) {
    throw new RuntimeError(`expected scalar type ${cppTypeName(a.dtype)} but found ${cppTypeName(b.dtype)} (${op}: both operands need the same dtype; convert one with .to(...))`);
  }
}

// Shape errors in torch 1.13's words, the ones learners search for. Like torch, matmul reports the
// product it folds the call into: [2, 3, 4] @ [5, 6] is a 6x4 by 5x6 product.

/** An m x k by k2 x n product: "mat1 and mat2 shapes cannot be multiplied (3x2 and 3x2)". */
function mmShapeError(m: number, k: number, k2: number, n: number): RuntimeError {
  return new RuntimeError(`mat1 and mat2 shapes cannot be multiplied (${m}x${k} and ${k2}x${n})`);
}

/** An m x k matrix by a vector of kv: "size mismatch, got 3, 3x4,5". */
function mvShapeError(m: number, k: number, kv: number): RuntimeError {
  return new RuntimeError(`size mismatch, got ${m}, ${m}x${k},${kv}`);
}

/** Batches of [.., k] by [b2, k2, ..]: "Expected size for first two dimensions of batch2 tensor to be: [2, 4] but got: [2, 5]." */
function bmmShapeError(batch: number, k: number, batch2: number, k2: number): RuntimeError {
  return new RuntimeError(`Expected size for first two dimensions of batch2 tensor to be: [${batch}, ${k}] but got: [${batch2}, ${k2}].`);
}

const product = (dims: readonly number[]): number => dims.reduce((p, d) => p * d, 1);

/**
 * The gradient a^T @ g of the right operand b of a @ b, laid out like b: when b is a transposed
 * contiguous matrix (Linear's weight.t()), it is computed as (g^T @ a)^T, so the gradient that
 * reaches the weight is contiguous and the optimizer's update runs over rows instead of striding
 * through memory (a strided weight update was 8% of an MLP step).
 */
function rightGrad(a: Tensor, g: Tensor, b: Tensor): Tensor {
  const transposed = b._strides[0] === 1 && b._strides[1] === b.shape[0] && b.shape[0] > 1;
  return transposed ? mmRaw(g.t(), a).t() : mmRaw(a.t(), g);
}

/**
 * Linear's bias and weight gradients in one GEMM call: b = W^T (transposed), so b's gradient is
 * (g^T a)^T, and the row sums of g^T (g's column sums: the bias gradient) come from the copy of g
 * that product stages (kernels/matmul_stepsums.ts; the bits of sumToShape's reduction). Null
 * where that does not apply (the caller computes both as usual).
 */
function biasAndWeightGrads(bias: Tensor, a: Tensor, g: Tensor, b: Tensor): [Tensor, Tensor] | null {
  const n = g.shape[1];
  if (!bias.requires_grad || !b.requires_grad || bias.dim() !== 1 || bias.shape[0] !== n || bias.dtype !== g.dtype) return null;
  if (!(b._strides[0] === 1 && b._strides[1] === b.shape[0] && b.shape[0] > 1)) return null; // rightGrad's transposed case
  const [M, kIn] = a.shape;
  const gw = emptyForOverwrite([n, kIn], a.dtype);
  const gb = emptyForOverwrite([n], g.dtype);
  const done = matmulStepSums(n, kIn, M, g._data, g._offset, g._strides[1], g._strides[0], a._data, a._offset, a._strides[0], a._strides[1], gw._data, 0, gb._data, 0);
  return done ? [gb, gw.t()] : null;
}

/** a[m,k] @ b[k,n] for 2-D tensors of any strides, no autograd. */
/**
 * uint8 / int8 / int16 / int32 products, exactly as torch's (every sum keeps its low bits): the
 * float32 kernels would round sums above 2^24 (255 * 255 * 300), so these dtypes take this integer
 * loop instead (32-bit products and sums, whose low 8 / 16 bits are the narrow types').
 */
function intProduct(dt: DType, m: number, n: number, k: number, a: Tensor, aOff: number, as0: number, as1: number, b: Tensor, bOff: number, bs0: number, bs1: number, out: Storage, outOff: number): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let p = 0; p < k; p++) acc = (acc + Math.imul(a._data[aOff + i * as0 + p * as1], b._data[bOff + p * bs0 + j * bs1])) | 0;
      out[outOff + i * n + j] = wrapValue(dt, acc);
    }
  }
}

export function mmRaw(a: Tensor, b: Tensor): Tensor {
  const [m, k] = a.shape;
  const n = b.shape[1];
  if (wrapsAround(a.dtype)) {
    const out = emptyForOverwrite([m, n], a.dtype);
    intProduct(a.dtype, m, n, k, a, a._offset, a._strides[0], a._strides[1], b, b._offset, b._strides[0], b._strides[1], out._data, 0);
    return out;
  }
  if (a.dtype === float32) {
    // Behind a thread pool the kernel allocates C once the pool's threads are at work (its 30-70 µs overlap theirs).
    const data = matmulAllocating(m, n, k, a._data, a._offset, a._strides[0], a._strides[1], b._data, b._offset, b._strides[0], b._strides[1],
      () => allocStorage(float32, m * n, false) as Float32Array);
    if (data) return new Tensor(data, [m, n], float32);
  }
  // Unzeroed (a pooled buffer as it was): every matmul kernel writes all of C, zeros too when k = 0.
  const out = emptyForOverwrite([m, n], a.dtype);
  kernels.matmul(m, n, k, a._data, a._offset, a._strides[0], a._strides[1], b._data, b._offset, b._strides[0], b._strides[1], out._data, 0);
  return out;
}

export function mm(a: Tensor, b: Tensor, op = "mm"): Tensor {
  if (a.dim() !== 2) throw new RuntimeError("self must be a matrix");
  if (b.dim() !== 2) throw new RuntimeError("mat2 must be a matrix");
  if (a.shape[1] !== b.shape[0]) throw mmShapeError(a.shape[0], a.shape[1], b.shape[0], b.shape[1]);
  if (isSparseCoo(b)) return sparseHooks.denseMm(a, b) as Tensor; // D @ S: torch 1.13's error for COO, dense for CSR (sparse/dispatch.ts)
  checkDtypes(a, b, op);
  refuseBool(a.dtype, "addmm_impl_cpu_"); // torch 1.13's matrix products have no bool kernel
  const out = mmRaw(a, b);
  return record(
    out, "MmBackward0", [a, b],
    (g) => [a.requires_grad ? mmRaw(g, b.t()) : null, b.requires_grad ? rightGrad(a, g, b) : null],
    [...(a.requires_grad ? [b] : []), ...(b.requires_grad ? [a] : [])],
    (g) => [a.requires_grad ? mm(g, b.t()) : null, b.requires_grad ? mm(a.t(), g) : null],
  );
}

/** beta * bias + alpha * (a @ b); Linear calls this so its grad_fn prints AddmmBackward0. */
export function addmm(bias: Tensor, a: Tensor, b: Tensor, opts: { beta?: number; alpha?: number } = {}): Tensor {
  const beta = opts.beta ?? 1;
  const alpha = opts.alpha ?? 1;
  if (isSparseCoo(a)) return sparseHooks.addmm(bias, a, b, Number(beta), Number(alpha)) as Tensor; // a sparse mat1 (sparse/mm.ts)
  if (a.dim() !== 2) throw new RuntimeError(`mat1 must be a matrix, got ${a.dim()}-D tensor`);
  if (b.dim() !== 2) throw new RuntimeError(`mat2 must be a matrix, got ${b.dim()}-D tensor`);
  // torch 1.13's addmm checks dtypes before shapes, in its own words (Linear on a long or float64 batch lands here)
  if (a.dtype !== b.dtype) throw new RuntimeError("mat1 and mat2 must have the same dtype");
  if (bias.dtype !== b.dtype) throw new RuntimeError("self and mat2 must have the same dtype");
  if (a.shape[1] !== b.shape[0]) throw mmShapeError(a.shape[0], a.shape[1], b.shape[0], b.shape[1]);
  refuseBool(a.dtype, "addmm_impl_cpu_");
  // uint8 / int8 / int16 / int32 (no gradient): beta * bias + alpha * (a @ b), each step keeping the low bits.
  if (wrapsAround(a.dtype)) return bias.mul(opts.beta ?? 1).add(mmRaw(a, b).mul(opts.alpha ?? 1));
  const outShape = [a.shape[0], b.shape[1]];
  broadcastShapes(bias.shape, outShape, "addmm (bias)");
  if (bias.dim() > 2 || broadcastShapes(bias.shape, outShape).some((s, i) => s !== outShape[i])) {
    throw new RuntimeError(`addmm: bias of shape ${fmtShape(bias.shape)} cannot be broadcast to the output shape ${fmtShape(outShape)}`);
  }
  const [m, k] = a.shape;
  const n = outShape[1];
  const out = emptyForOverwrite(outShape, a.dtype);
  // A bias row (Linear's) goes into the GEMM's C block before the products are added: no pass of its own over the output.
  const rowBias = alpha === 1 && beta === 1 && bias.dim() >= 1 && bias.shape[bias.dim() - 1] === n && (bias.dim() === 1 || bias.shape[0] === 1);
  const fused = rowBias && matmulBias(m, n, k, a._data, a._offset, a._strides[0], a._strides[1], b._data, b._offset, b._strides[0], b._strides[1],
    bias._data, bias._offset, bias._strides[bias.dim() - 1], out._data, 0);
  if (!fused) {
    kernels.matmul(m, n, k, a._data, a._offset, a._strides[0], a._strides[1], b._data, b._offset, b._strides[0], b._strides[1], out._data, 0);
    // out = alpha * prod + beta * bias, computed in place into the product buffer.
    const scaledBias = beta === 1 ? bias : bias.detach().mul(beta);
    if (alpha !== 1) out._data.forEach((v, i) => (out._data[i] = v * alpha));
    kernels.binary(BinaryOp.add, outShape, 1, out._data, 0, out._strides, out._data, 0, out._strides, scaledBias._data, scaledBias._offset,
      broadcastStridesFor(scaledBias, outShape));
  }
  return record(
    out, "AddmmBackward0", [bias, a, b],
    (g) => {
      const ga = alpha === 1 ? g : g.mul(alpha);
      const together = alpha === 1 && beta === 1 ? biasAndWeightGrads(bias, a, g, b) : null;
      if (together) return [together[0], a.requires_grad ? mmRaw(ga, b.t()) : null, together[1]];
      return [
        bias.requires_grad ? sumToShape(beta === 1 ? g : g.mul(beta), bias.shape) : null,
        a.requires_grad ? mmRaw(ga, b.t()) : null,
        b.requires_grad ? rightGrad(a, ga, b) : null,
      ];
    },
    [...(a.requires_grad ? [b] : []), ...(b.requires_grad ? [a] : [])],
    (g) => {
      const ga = alpha === 1 ? g : g.mul(alpha);
      return [
        bias.requires_grad ? sumToShape(beta === 1 ? g : g.mul(beta), bias.shape) : null,
        a.requires_grad ? mm(ga, b.t()) : null,
        b.requires_grad ? mm(a.t(), ga) : null,
      ];
    },
  );
}

function broadcastStridesFor(t: Tensor, shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length).fill(0);
  const lead = shape.length - t.dim();
  for (let i = 0; i < t.dim(); i++) out[lead + i] = t.shape[i] === 1 ? 0 : t._strides[i];
  return out;
}

/** Batched a[..., m, k] @ b[..., k, n] with broadcast batch dims, no autograd. */
function batchedRaw(a: Tensor, b: Tensor, batch: readonly number[]): Tensor {
  const [m, k] = a.shape.slice(-2);
  const n = b.shape[b.dim() - 1];
  const ae = a.expand([...batch, m, k]);
  const be = b.expand([...batch, k, n]);
  const out = emptyForOverwrite([...batch, m, n], a.dtype);
  const nb = numelOf(batch);
  const nd = batch.length;
  const idx = new Array<number>(nd).fill(0);
  const aOffs = new Array<number>(nb), bOffs = new Array<number>(nb);
  for (let i = 0; i < nb; i++) {
    let ao = ae._offset, bo = be._offset;
    for (let d = 0; d < nd; d++) {
      ao += idx[d] * ae._strides[d];
      bo += idx[d] * be._strides[d];
    }
    aOffs[i] = ao;
    bOffs[i] = bo;
    for (let d = nd - 1; d >= 0; d--) {
      if (++idx[d] < batch[d]) break;
      idx[d] = 0;
    }
  }
  if (wrapsAround(a.dtype)) {
    for (let i = 0; i < nb; i++) intProduct(a.dtype, m, n, k, ae, aOffs[i], ae._strides[nd], ae._strides[nd + 1], be, bOffs[i], be._strides[nd], be._strides[nd + 1], out._data, i * m * n);
    return out;
  }
  // One batched call: the WebAssembly GEMM stages each operand once and packs every slice in module memory.
  matmulBatched(nb, m, n, k, ae._data, aOffs, ae._strides[nd], ae._strides[nd + 1], be._data, bOffs, be._strides[nd], be._strides[nd + 1], out._data, 0);
  return out;
}

/** The broadcast batch of two batched operands, or torch's error for the last dimension that does not match (infer_size walks from the end). */
function batchOf(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = n - 1; i >= 0; i--) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)];
    const db = i < n - b.length ? 1 : b[i - (n - b.length)];
    if (da !== db && da !== 1 && db !== 1) {
      throw new RuntimeError(`The size of tensor a (${da}) must match the size of tensor b (${db}) at non-singleton dimension ${i}`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

function batched(a: Tensor, b: Tensor, op: string, node: string): Tensor {
  const ka = a.shape[a.dim() - 1];
  const kb = b.shape[b.dim() - 2];
  const batch = batchOf(a.shape.slice(0, -2), b.shape.slice(0, -2));
  if (ka !== kb) throw bmmShapeError(product(batch), ka, product(batch), kb);
  checkDtypes(a, b, op);
  refuseBool(a.dtype, "bmm");
  const out = batchedRaw(a, b, batch);
  return record(
    out, node, [a, b],
    (g) => [
      a.requires_grad ? sumToShape(batchedRaw(g, b.mT, batch), a.shape) : null,
      b.requires_grad ? sumToShape(batchedRaw(a.mT, g, batch), b.shape) : null,
    ],
    [a, b],
    (g) => [
      a.requires_grad ? sumToShape(matmul(g, b.mT), a.shape) : null,
      b.requires_grad ? sumToShape(matmul(a.mT, g), b.shape) : null,
    ],
  );
}

export function bmm(a: Tensor, b: Tensor): Tensor {
  if (a.dim() !== 3) throw new RuntimeError("batch1 must be a 3D tensor");
  if (b.dim() !== 3) throw new RuntimeError("batch2 must be a 3D tensor");
  if (a.shape[0] !== b.shape[0] || a.shape[2] !== b.shape[1]) throw bmmShapeError(a.shape[0], a.shape[2], b.shape[0], b.shape[1]);
  return batched(a, b, "bmm", "BmmBackward0");
}

/**
 * The node torch 1.13's matmul leaves on its result for operands of ranks da and db, or null where the product's own
 * node is it (dot, mm): a matrix times a vector is mv (here a squeezed matmul), a vector times a matrix squeezes in
 * place (SqueezeBackward3), a matrix times a batch transposes the product back and copies (CloneBackward0), and every
 * other batched or folded form ends in _unsafe_view (UnsafeViewBackward0; an attention's `A @ V` prints it).
 */
function matmulNodeName(da: number, db: number): string | null {
  if (da === 2 && db === 1) return "MvBackward0";
  if (da === 1 && db === 2) return "SqueezeBackward3";
  if (da === 2 && db >= 3) return "CloneBackward0";
  if (da >= 3 || (da === 1 && db >= 3)) return "UnsafeViewBackward0";
  return null;
}

export function matmul(a: Tensor, b: Tensor): Tensor {
  if (isComplexTensor(a) || isComplexTensor(b)) return complexHooks.binary("matmul", a, b) as Tensor; // complex_tensor.ts
  const out = matmulReal(a, b);
  const name = out.grad_fn ? matmulNodeName(a.dim(), b.dim()) : null;
  if (name) out.grad_fn!._name = name;
  return out;
}

function matmulReal(a: Tensor, b: Tensor): Tensor {
  const da = a.dim();
  const db = b.dim();
  if (da === 0 || db === 0) throw new RuntimeError(`both arguments to matmul need to be at least 1D, but they are ${da}D and ${db}D`);
  if (da === 1 && db === 1) return dot(a, b);
  if (da === 2 && db === 2) return mm(a, b, "matmul");
  if (da === 1) {
    const k2 = b.shape[db - 2];
    if (a.shape[0] !== k2) {
      // torch: a vector times a matrix is a 1-row product; times a batch, the batch's transposed rows times the vector
      if (db === 2) throw mmShapeError(1, a.shape[0], k2, b.shape[1]);
      throw mvShapeError(product(b.shape.slice(0, -2)) * b.shape[db - 1], k2, a.shape[0]);
    }
    return matmul(a.unsqueeze(0), b).squeeze(-2);
  }
  if (db === 1) {
    if (a.shape[da - 1] !== b.shape[0]) throw mvShapeError(product(a.shape.slice(0, -1)), a.shape[da - 1], b.shape[0]);
    if (a.dtype === b.dtype) refuseBool(a.dtype, "addmv_impl_cpu"); // torch's mv
    return matmul(a, b.unsqueeze(1)).squeeze(-1);
  }
  if (da === 2 && a.shape[1] !== b.shape[db - 2]) {
    // torch folds [m, k] @ [.., k2, n] into (b^T's rows) @ a^T
    throw mmShapeError(product(b.shape.slice(0, -2)) * b.shape[db - 1], b.shape[db - 2], a.shape[1], a.shape[0]);
  }
  if (db === 2) {
    // [..., m, k] @ [k, n] folds the batch into the rows, as PyTorch does: one GEMM instead of
    // one per batch entry, and b's gradient is one product instead of a batch of them summed.
    const k = a.shape[da - 1];
    if (k !== b.shape[0]) throw mmShapeError(product(a.shape.slice(0, -1)), k, b.shape[0], b.shape[1]);
    return mm(a.reshape([-1, k]), b, "matmul").reshape([...a.shape.slice(0, -1), b.shape[1]]);
  }
  return batched(a, b, "matmul", "UnsafeViewBackward0");
}

export function dot(a: Tensor, b: Tensor): Tensor {
  if (a.dim() !== 1 || b.dim() !== 1) {
    throw new RuntimeError(`1D tensors expected, but got ${a.dim()}D and ${b.dim()}D tensors`);
  }
  // torch 1.13 does not promote: dot(int64, float32) raises (so do vdot and a 1-D @ 1-D matmul), before the size check;
  // bool has no kernel (checked after the size)
  if (a.dtype !== b.dtype) throw new RuntimeError(`dot : expected both vectors to have same dtype, but found ${cppTypeName(a.dtype)} and ${cppTypeName(b.dtype)}`);
  if (a.shape[0] !== b.shape[0]) {
    throw new RuntimeError(`inconsistent tensor size, expected tensor [${a.shape[0]}] and src [${b.shape[0]}] to have the same number of elements, but got ${a.shape[0]} and ${b.shape[0]} elements respectively`);
  }
  refuseBool(a.dtype, "dot");
  const s = a.mul(b).sum();
  if (s.grad_fn) s.grad_fn._name = "DotBackward0"; // torch's node; here the product's sum
  return wrapsAround(a.dtype) ? s.to(a.dtype) : s; // torch.dot of uint8 stays uint8 (mod 256), of int32 int32
}

export function outer(a: Tensor, b: Tensor): Tensor {
  if (a.dim() !== 1 || b.dim() !== 1) throw new RuntimeError(`outer: expected 1-D tensors, got ${a.dim()}-D and ${b.dim()}-D`);
  return a.unsqueeze(1).mul(b.unsqueeze(0));
}
