/**
 * Views: tensors sharing storage with their input (view, reshape when possible, flatten,
 * squeeze, unsqueeze, transpose, permute, t, expand) plus repeat, which copies.
 */
import { record } from "../autograd/function";
import { is_grad_enabled, no_grad } from "../autograd/grad_mode";
import type { BackwardFn, HigherOrder } from "../autograd/node";
import { bool } from "../dtype";
import { RuntimeError } from "../errors";
import { contiguousStrides, inferShape, normalizeDim, numelOf } from "../shape";
import { Tensor } from "../tensor";
import { typeName } from "./dtype_info";
import { sumToShape } from "./util";

/** A tensor over x's storage with the given geometry, recorded on the tape as `node`. */
export function makeView(
  x: Tensor, shape: readonly number[], strides: readonly number[], offset: number, node: string, backward: BackwardFn,
  higher: HigherOrder | null = null,
): Tensor {
  const v = new Tensor(x._data, shape, x.dtype, strides, offset, x._ver);
  v._base = x._base ?? x;
  // Views made under no_grad never take a node from their base later (PyTorch's rule).
  if (is_grad_enabled()) v._viewVersion = x._ver.v;
  // A view of an output of unbind/split keeps its rule, under its own node's name (torch's creation_meta).
  const meta = multiOutputViews.get(x);
  if (meta) multiOutputViews.set(v, { node, output: 0, custom: meta.custom });
  return record(v, node, [x], backward, [], higher);
}

/**
 * Outputs of functions that return several views (unbind, split, chunk) made in grad mode from a
 * tensor that requires grad: torch 1.13 forbids writing into them in place while grad mode is on,
 * because one CopySlices cannot rebase the other outputs' shared node. Keyed weakly: the views own nothing.
 */
const multiOutputViews = new WeakMap<Tensor, { node: string; output: number; custom?: boolean }>();

/** Marks `outs` as the outputs of the multi-view function `node` (UnbindBackward0, SplitBackward0, ...). */
export function markMultiOutputViews(x: Tensor, outs: readonly Tensor[], node: string): void {
  if (!is_grad_enabled() || !x.requires_grad) return;
  outs.forEach((v, output) => multiOutputViews.set(v, { node, output }));
}

/**
 * Marks `out` as output `output` of a custom Function node that returned its input as is (the identity that
 * register_full_backward_hook puts around a module's inputs and outputs, torch's BackwardHookFunctionBackward):
 * torch 1.13 refuses an in-place write into it in grad mode, since the write would bypass that node's backward
 * (pytorch-grad-cam's classic trap, an nn.ReLU(inplace=True) right after the hooked layer).
 */
export function markCustomFunctionView(out: Tensor, node: string, output: number): void {
  if (is_grad_enabled()) multiOutputViews.set(out, { node, output, custom: true });
}

/**
 * torch 1.13's refusal of an in-place write into such a view (grad mode on; no_grad writes are allowed).
 * `throughView`: the node of a view of self the write goes through (x[0] = 5 writes into x.select(0, 0)),
 * which torch names instead, as output 0.
 */
export function checkMultiOutputView(self: Tensor, throughView: string | null = null): void {
  const meta = multiOutputViews.get(self);
  if (!meta || !is_grad_enabled()) return;
  const [output, node] = throughView ? [0, throughView] : [meta.output, meta.node];
  if (meta.custom) {
    throw new RuntimeError(
      `Output ${output} of ${node} is a view and is being modified inplace. This view was created inside a custom Function (or because an input was returned as-is) ` +
        "and the autograd logic to handle view+inplace would override the custom backward associated with the custom Function, leading to incorrect gradients. " +
        "This behavior is forbidden. You can fix this by cloning the output of the custom Function.",
    );
  }
  throw new RuntimeError(
    `Output ${output} of ${node} is a view and is being modified inplace. This view is the output of a function that returns multiple views. ` +
      "Such functions do not allow the output views to be modified inplace. You should replace the inplace operation by an out-of-place one.",
  );
}

/** The views of this file: their backward is a reshape/transpose/permute/sum of g, differentiable as is. */
function shapeView(x: Tensor, shape: readonly number[], strides: readonly number[], offset: number, node: string, backward: BackwardFn): Tensor {
  return makeView(x, shape, strides, offset, node, backward, true);
}

/**
 * Strides that let a view of `newShape` read the same elements, or null when the memory
 * layout does not allow it (PyTorch's computeStride).
 */
export function viewStrides(oldShape: readonly number[], oldStrides: readonly number[], newShape: readonly number[]): number[] | null {
  const newStrides = new Array<number>(newShape.length);
  if (oldShape.length === 0) return newShape.map(() => 1);
  if (numelOf(oldShape) === 0) {
    let s = 1;
    for (let i = newShape.length - 1; i >= 0; i--) {
      newStrides[i] = s;
      s *= Math.max(newShape[i], 1);
    }
    return newStrides;
  }
  let viewD = newShape.length - 1;
  let chunkBaseStride = oldStrides[oldStrides.length - 1];
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let tensorD = oldShape.length - 1; tensorD >= 0; tensorD--) {
    tensorNumel *= oldShape[tensorD];
    if (tensorD === 0 || (oldShape[tensorD - 1] !== 1 && oldStrides[tensorD - 1] !== tensorNumel * chunkBaseStride)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] === 1)) {
        newStrides[viewD] = viewNumel * chunkBaseStride;
        viewNumel *= newShape[viewD];
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (tensorD > 0) {
        chunkBaseStride = oldStrides[tensorD - 1];
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  return viewD === -1 ? newStrides : null;
}

export function view(x: Tensor, shape: readonly number[]): Tensor {
  const target = inferShape(shape, x.numel());
  const strides = viewStrides(x.shape, x._strides, target);
  if (!strides) {
    throw new RuntimeError(
      `view size is not compatible with input tensor's size and stride (at least one dimension spans across two ` +
        `contiguous subspaces). Use .reshape(...) instead.`,
    );
  }
  return shapeView(x, target, strides, x._offset, "ViewBackward0", (g) => [g.reshape(x.shape.slice())]);
}

export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const target = inferShape(shape, x.numel());
  if (viewStrides(x.shape, x._strides, target)) return view(x, target);
  return view(x.contiguous(), target);
}

/**
 * Tensor.reshape / torch.reshape / reshape_as / flatten as torch 1.13 records them: _reshape_alias, a view
 * (ReshapeAliasBackward0), when the layout allows one; else _unsafe_view of a contiguous clone, not a view
 * (UnsafeViewBackward0 over CloneBackward0). view() keeps ViewBackward0, and so does reshape() above (internal callers).
 */
export function reshapeAlias(x: Tensor, shape: readonly number[]): Tensor {
  const target = inferShape(shape, x.numel());
  const strides = viewStrides(x.shape, x._strides, target);
  if (strides) return shapeView(x, target, strides, x._offset, "ReshapeAliasBackward0", (g) => [g.reshape(x.shape.slice())]);
  const c = x.contiguous();
  const out = new Tensor(c._data, target, c.dtype, contiguousStrides(target), c._offset, c._ver);
  return record(out, "UnsafeViewBackward0", [c], (g) => [g.reshape(c.shape.slice())], [], true);
}

export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  if (x.dim() === 0) return reshapeAlias(x, [1]);
  const s = normalizeDim(startDim, x.dim());
  const e = normalizeDim(endDim, x.dim());
  if (s > e) throw new RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim");
  if (s === e) return x;
  const shape = [...x.shape.slice(0, s), numelOf(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)];
  return reshapeAlias(x, shape);
}

export function unflatten(x: Tensor, dim: number, sizes: readonly number[]): Tensor {
  const d = normalizeDim(dim, x.dim());
  // With a -1 too, as torch 1.13: the other sizes must divide the dim (unflatten(1, (4, -1)) of 6 is this error, not view's)
  const known = sizes.reduce((a, b) => (b === -1 ? a : a * b), 1);
  const inferred = sizes.filter((v) => v === -1).length === 1;
  if (inferred ? known === 0 || x.shape[d] % known !== 0 : !sizes.includes(-1) && known !== x.shape[d]) {
    throw new RuntimeError(`unflatten: Provided sizes [${sizes.join(", ")}] don't multiply up to the size of dim ${d} (${x.shape[d]}) in the input tensor`);
  }
  const inner = inferShape(sizes, x.shape[d]);
  return view(x, [...x.shape.slice(0, d), ...inner, ...x.shape.slice(d + 1)]);
}

export function squeeze(x: Tensor, dim?: number): Tensor {
  let keep: number[];
  if (dim === undefined) keep = x.shape.map((_, i) => i).filter((i) => x.shape[i] !== 1);
  else {
    const d = normalizeDim(dim, x.dim());
    keep = x.shape.map((_, i) => i).filter((i) => i !== d || x.shape[i] !== 1);
  }
  return shapeView(
    x, keep.map((i) => x.shape[i]), keep.map((i) => x._strides[i]), x._offset,
    dim === undefined ? "SqueezeBackward0" : "SqueezeBackward1",
    (g) => [g.reshape(x.shape.slice())],
  );
}

export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = normalizeDim(dim, x.dim() + 1);
  const shape = x.shape.slice();
  const strides = x._strides.slice();
  const stride = d < x.dim() ? x._strides[d] * x.shape[d] : 1;
  shape.splice(d, 0, 1);
  strides.splice(d, 0, stride);
  return shapeView(x, shape, strides, x._offset, "UnsqueezeBackward0", (g) => [g.reshape(x.shape.slice())]);
}

export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  if (x.dim() === 0) return shapeView(x, [], [], x._offset, "TransposeBackward0", (g) => [g]);
  const a = normalizeDim(dim0, x.dim());
  const b = normalizeDim(dim1, x.dim());
  const shape = x.shape.slice();
  const strides = x._strides.slice();
  [shape[a], shape[b]] = [shape[b], shape[a]];
  [strides[a], strides[b]] = [strides[b], strides[a]];
  return shapeView(x, shape, strides, x._offset, "TransposeBackward0", (g) => [g.transpose(a, b)]);
}

export function permute(x: Tensor, dims: readonly number[]): Tensor {
  if (dims.length !== x.dim()) {
    // torch 1.13 names the sparse kernel in this message for dense tensors too
    throw new RuntimeError(`permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = ${x.dim()} is not equal to len(dims) = ${dims.length}`);
  }
  const norm = dims.map((d) => normalizeDim(d, x.dim()));
  if (new Set(norm).size !== norm.length) throw new RuntimeError("permute(): duplicate dims are not allowed.");
  const inverse = new Array<number>(norm.length);
  norm.forEach((d, i) => (inverse[d] = i));
  return shapeView(
    x, norm.map((d) => x.shape[d]), norm.map((d) => x._strides[d]), x._offset,
    "PermuteBackward0", (g) => [g.permute(inverse)],
  );
}

export function t(x: Tensor): Tensor {
  if (x.dim() > 2) throw new RuntimeError(`t() expects a tensor with <= 2 dimensions, but self is ${x.dim()}D`);
  if (x.dim() < 2) return shapeView(x, x.shape, x._strides, x._offset, "TBackward0", (g) => [g]);
  const v = transpose(x, 0, 1);
  if (v.grad_fn) v.grad_fn._name = "TBackward0";
  return v;
}

export function expand(x: Tensor, sizes: readonly number[]): Tensor {
  if (sizes.length < x.dim()) {
    throw new RuntimeError(
      `expand(${x.dtype === bool ? "CPUBoolType" : typeName(x.dtype)}{[${x.shape.join(", ")}]}, size=[${sizes.join(", ")}]): the number of sizes provided (${sizes.length}) ` +
        `must be greater or equal to the number of dimensions in the tensor (${x.dim()})`,
    );
  }
  const lead = sizes.length - x.dim();
  const shape: number[] = new Array<number>(sizes.length);
  const strides: number[] = new Array<number>(sizes.length);
  // torch's inferExpandGeometry walks from the last dim, so the first mismatch it reports is the rightmost one
  for (let i = sizes.length - 1; i >= 0; i--) {
    const want = sizes[i];
    if (i < lead) {
      if (want === -1) throw new RuntimeError(`The expanded size of the tensor (-1) isn't allowed in a leading, non-existing dimension ${i}`);
      // torch 1.13 lets another negative size through to the element count, which overflows
      if (want < 0) throw new RuntimeError("numel: integer multiplication overflow");
      shape[i] = want;
      strides[i] = 0;
      continue;
    }
    const have = x.shape[i - lead];
    if (want === -1 || want === have) {
      shape[i] = have;
      strides[i] = x._strides[i - lead];
    } else if (have === 1) {
      shape[i] = want;
      strides[i] = 0;
    } else {
      throw new RuntimeError(
        `The expanded size of the tensor (${want}) must match the existing size (${have}) at non-singleton dimension ${i}.  ` +
          `Target sizes: [${sizes.join(", ")}].  Tensor sizes: [${x.shape.join(", ")}]`,
      );
    }
  }
  return shapeView(x, shape, strides, x._offset, "ExpandBackward0", (g) => [sumToShape(g, x.shape)]);
}

/** Tiles the tensor `sizes[i]` times along each dim (a copy, not a view). */
export function repeat(x: Tensor, sizes: readonly number[]): Tensor {
  if (sizes.length < x.dim()) {
    throw new RuntimeError("Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor");
  }
  const padded = [...new Array<number>(sizes.length - x.dim()).fill(1), ...x.shape];
  // torch 1.13 sizes the result first (dim * repeat each): a negative repeat is refused there, naming that shape
  const target = padded.map((d, i) => d * sizes[i]);
  const negative = target.find((d) => d < 0);
  if (negative !== undefined) throw new RuntimeError(`Trying to create tensor with negative dimension ${negative}: [${target.join(", ")}]`);
  const interleavedIn: number[] = [];
  const interleavedOut: number[] = [];
  padded.forEach((d, i) => {
    interleavedIn.push(1, d);
    interleavedOut.push(sizes[i], d);
  });
  // Materialised, as torch's repeat always is: a reshape of the expanded view could stay a view with 0 strides
  // (x.unsqueeze(0).repeat(2, 1) merged only size-1 dims), and then .view(-1) failed where torch's succeeds.
  // Copied untracked, then one RepeatBackward0 node straight onto x, as torch's graph has it.
  const out = no_grad(() => {
    const tiled = x.reshape(interleavedIn).expand(interleavedOut);
    return (tiled.is_contiguous() ? tiled.clone() : tiled.contiguous()).reshape(padded.map((d, i) => d * sizes[i]));
  });
  // Each input element's gradient is the sum over its copies: split every repeated dim into (copy, element) and sum
  // the copies; new leading dims are all copies.
  const lead = sizes.length - x.dim();
  const gradSize: number[] = [];
  const copyDims: number[] = [];
  sizes.forEach((r, i) => {
    if (i < lead || r !== 1) {
      gradSize.push(r);
      copyDims.push(gradSize.length - 1);
    }
    if (i >= lead) gradSize.push(x.shape[i - lead]);
  });
  const backward: BackwardFn = (g) => {
    const split = g.reshape(gradSize);
    return [copyDims.length > 0 ? split.sum(copyDims) : split];
  };
  return record(out, "RepeatBackward0", [x], backward, [], true);
}
