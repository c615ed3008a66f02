/** Joining: cat and stack. */
import { checkKeywordsAliased, isOptions } from "../args";
import { record } from "../autograd/function";
import { promoteTypes } from "../dtype";
import { RuntimeError, TypeError_ } from "../errors";
import { kernels } from "../kernels/registry";
import { fmtShape, normalizeDim } from "../shape";
import { Tensor } from "../tensor";
import { narrow } from "./indexing";
import { empty } from "./util";

/**
 * A tensor where the list of tensors belongs (torch.stack(t)): torch's TypeError. A tensor is iterable (its rows), but
 * torch joins only a tuple or list, so torch.stack([...t]) is the way to join its rows.
 */
export function checkTensorList(op: string, tensors: unknown): void {
  if (tensors instanceof Tensor) throw new TypeError_(`${op}(): argument 'tensors' (position 1) must be tuple of Tensors, not Tensor`);
}

/** torch.cat / torch.stack's keyword form: tensors (and dim) in one options object, torch.cat(tensors=[a, b], dim=1). */
export interface JoinOptions {
  tensors: readonly Tensor[];
  dim?: number;
  /** NumPy's name for dim, which torch 1.13 also takes (`torch.stack(xs, axis=-1)`). */
  axis?: number;
}

/**
 * The list and dim of cat / stack, given positionally or by keyword (torch.cat(tensors=[a, b], dim=1) as
 * cat({ tensors: [a, b], dim: 1 })): a missing list raises Python's "missing 1 required positional argument",
 * one given both ways its "got multiple values for argument".
 */
function joinArgs(op: string, tensors: readonly Tensor[] | JoinOptions, dim: number | { dim?: number; axis?: number } | undefined): [readonly Tensor[], number] {
  if (isOptions(tensors)) {
    const o = checkKeywordsAliased(op, tensors as JoinOptions, ["tensors", "dim"]);
    if (dim !== undefined) throw new TypeError_(`${op}() got multiple values for argument '${typeof dim === "number" ? "dim" : "tensors"}'`);
    if (o.tensors === undefined) throw new TypeError_(`${op}() missing 1 required positional argument: 'tensors'`);
    return [o.tensors, o.dim ?? 0];
  }
  const list = tensors as readonly Tensor[];
  checkTensorList(op, list);
  if (typeof dim === "object") {
    if ("tensors" in dim) throw new TypeError_(`${op}() got multiple values for argument 'tensors'`);
    return [list, checkKeywordsAliased(op, dim, ["dim"]).dim ?? 0];
  }
  return [list, dim ?? 0];
}

export function cat(tensors: readonly Tensor[] | JoinOptions, dim?: number | { dim?: number; axis?: number }): Tensor {
  const [list, dimArg] = joinArgs("cat", tensors, dim);
  return catList(list, dimArg);
}

function catList(tensors: readonly Tensor[], dimArg: number): Tensor {
  checkTensorList("cat", tensors);
  if (tensors.length === 0) throw new RuntimeError("torch.cat(): expected a non-empty list of Tensors");
  // PyTorch skips 1-D empty tensors (legacy behaviour) when joining.
  const parts = tensors.filter((t) => !(t.dim() === 1 && t.numel() === 0));
  if (parts.length === 0) return tensors[0].clone();
  const ref = parts[0];
  const scalarAt = tensors.findIndex((t) => t.dim() === 0);
  if (scalarAt >= 0) throw new RuntimeError(`zero-dimensional tensor (at position ${scalarAt}) cannot be concatenated`);
  const d = normalizeDim(dimArg, ref.dim());
  let dtype = ref.dtype;
  let total = 0;
  parts.forEach((t, i) => {
    if (t.dim() !== ref.dim()) {
      throw new RuntimeError(`Tensors must have same number of dimensions: got ${ref.dim()} and ${t.dim()}`); // torch 1.13's words
    }
    for (let k = 0; k < ref.dim(); k++) {
      if (k !== d && t.shape[k] !== ref.shape[k]) {
        throw new RuntimeError(
          `Sizes of tensors must match except in dimension ${d}. Expected size ${ref.shape[k]} but got size ${t.shape[k]} for tensor number ${i} in the list.`,
        );
      }
    }
    dtype = promoteTypes(dtype, t.dtype);
    total += t.shape[d];
  });
  const shape = ref.shape.slice();
  shape[d] = total;
  const out = empty(shape, dtype);
  let start = 0;
  for (const t of parts) {
    // Copy each part into its slab of the output: offset start*stride along dim.
    kernels.copy(t.shape, t._data, t._offset, t._strides, out._data, start * out._strides[d], out._strides);
    start += t.shape[d];
  }
  return record(out, "CatBackward0", parts, (g) => {
    let s = 0;
    return parts.map((t) => {
      const piece = t.requires_grad ? narrow(g, d, s, t.shape[d]) : null;
      s += t.shape[d];
      return piece;
    });
  }, [], true);
}

export function stack(tensors: readonly Tensor[] | JoinOptions, dim?: number | { dim?: number; axis?: number }): Tensor {
  const [list, dimArg] = joinArgs("stack", tensors, dim);
  return stackList(list, dimArg);
}

function stackList(tensors: readonly Tensor[], dimArg: number): Tensor {
  if (tensors.length === 0) throw new RuntimeError("stack expects a non-empty TensorList");
  const ref = tensors[0];
  tensors.forEach((t, i) => {
    if (t.shape.length !== ref.shape.length || t.shape.some((s, k) => s !== ref.shape[k])) {
      throw new RuntimeError(`stack expects each tensor to be equal size, but got ${fmtShape(ref.shape)} at entry 0 and ${fmtShape(t.shape)} at entry ${i}`);
    }
  });
  const d = normalizeDim(dimArg, ref.dim() + 1);
  const out = catList(tensors.map((t) => t.unsqueeze(d)), d);
  if (out.grad_fn) out.grad_fn._name = "StackBackward0";
  return out;
}

export function hstack(tensors: readonly Tensor[]): Tensor {
  checkTensorList("hstack", tensors);
  return cat(tensors, tensors[0].dim() === 1 ? 0 : 1);
}

export function vstack(tensors: readonly Tensor[]): Tensor {
  checkTensorList("vstack", tensors);
  return cat(tensors.map((t) => (t.dim() === 1 ? t.unsqueeze(0) : t)), 0);
}
