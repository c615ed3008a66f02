/**
 * Layers of torch.nn.functional beyond the basics: bilinear (x1^T A x2 + b), max_unpool1d /
 * max_unpool2d (the inverse of max pooling with return_indices) and embedding_bag (sums, means
 * or maxima of embedding rows per bag). Built from differentiable tensor ops (matmul,
 * scatter, index_select, index_add), values as PyTorch 1.13's (tests/fixtures/torch/nn/functional_layers.json).
 */
import { parseArgs, type PyArgs } from "../../args";
import { float32, int32, int64 } from "../../dtype";
import { composite } from "../../autograd/function";
import { NotImplementedError, RuntimeError, TypeError_, ValueError } from "../../errors";
import { stack } from "../../ops/join";
import type { Tensor } from "../../tensor";
import { checkTensor, data, empty } from "./_util";
import { embedding, renorm_ } from "./embedding";
import { typeName } from "../../ops/dtype_info";

/** F.bilinear(input1, input2, weight, bias=None): y[..., o] = sum_ij x1[..., i] weight[o, i, j] x2[..., j] + bias[o]. */
export function bilinear(input1: Tensor, input2: Tensor, weight: Tensor, ...args: PyArgs<[bias?: Tensor | null], { bias?: Tensor | null }>): Tensor {
  checkTensor(input1, "bilinear", "input1");
  checkTensor(input2, "bilinear", "input2");
  checkTensor(weight, "bilinear", "weight");
  const bias = parseArgs<{ bias?: Tensor | null }>("bilinear", ["bias"], args).bias ?? null;
  if (input1.dim() !== input2.dim()) throw new RuntimeError(`bilinear(): input dimensions do not match: got ${input1.dim()} and ${input2.dim()}`);
  for (let i = 0; i < input1.dim() - 1; i++) {
    if (input1.shape[i] !== input2.shape[i]) throw new RuntimeError(`bilinear(): input batch dimensions do not match: got ${input1.shape[i]} and ${input2.shape[i]}`);
  }
  if (weight.dim() !== 3) throw new RuntimeError(`bilinear(): weight must be three-dimensional, but got ${weight.dim()}`);
  const [O, I1, I2] = weight.shape;
  if (input1.shape[input1.dim() - 1] !== I1) {
    throw new RuntimeError(`bilinear(): input1 size does not match weight size: got ${input1.shape[input1.dim() - 1]} but expected ${I1}`);
  }
  if (input2.shape[input2.dim() - 1] !== I2) {
    throw new RuntimeError(`bilinear(): input2 size does not match weight size: got ${input2.shape[input2.dim() - 1]} but expected ${I2}`);
  }
  if (bias && (bias.dim() !== 1 || bias.shape[0] !== O)) throw new RuntimeError(`bilinear(): bias size does not match weight size: got ${bias.shape[0]} but expected ${O}`);
  const lead = input1.shape.slice(0, -1);
  const x1 = input1.reshape(-1, I1);
  const x2 = input2.reshape(-1, I2);
  // aten's _trilinear as one node (TrilinearBackward0), reshaped back, then the bias added: torch 1.13's graph.
  // (B, I1) @ (I1, O * I2) -> (B, O, I2), then contract I2 with x2.
  const y = composite("TrilinearBackward0", [x1, weight, x2], (a, w, b) =>
    a.matmul(w.permute(1, 0, 2).reshape(I1, O * I2)).reshape(-1, O, I2).mul(b.unsqueeze(1)).sum(2),
  ).reshape([...lead, O]);
  return bias ? y.add(bias) : y;
}

type IntOrTuple = number | readonly number[];

export interface MaxUnpoolOptions {
  kernel_size?: IntOrTuple;
  stride?: IntOrTuple | null;
  padding?: IntOrTuple;
  output_size?: readonly number[] | null;
}
export type MaxUnpoolArgs = PyArgs<[kernel_size: IntOrTuple, stride?: IntOrTuple | null, padding?: IntOrTuple, output_size?: readonly number[] | null], MaxUnpoolOptions>;

function tuple(v: IntOrTuple, n: number): number[] {
  return typeof v === "number" ? new Array<number>(n).fill(v) : [...v];
}

/** PyTorch's _unpool_output_size: the default (in - 1) * stride - 2 * padding + kernel, or a checked output_size. */
function unpoolSize(input: Tensor, k: number[], s: number[], p: number[], outputSize: readonly number[] | null | undefined): number[] {
  const n = k.length;
  const spatial = input.shape.slice(input.dim() - n);
  const defaults = spatial.map((d, i) => (d - 1) * s[i] + k[i] - 2 * p[i]);
  if (!outputSize) return defaults;
  let out = [...outputSize];
  if (out.length === n + 2) out = out.slice(2);
  if (out.length !== n) throw new ValueError(`output_size should be a sequence containing ${n} or ${n + 2} elements, but it has a length of '${outputSize.length}'`);
  out.forEach((o, i) => {
    const lo = defaults[i] - s[i];
    const hi = defaults[i] + s[i];
    if (!(o > lo && o < hi)) throw new ValueError(`invalid output_size "[${out.join(", ")}]" (dim ${i} must be between ${lo} and ${hi})`);
  });
  return out;
}

function maxUnpool(fn: string, n: number, input: Tensor, indices: Tensor, args: readonly unknown[]): Tensor {
  checkTensor(input, fn);
  checkTensor(indices, fn, "indices");
  const a = parseArgs<MaxUnpoolOptions>(fn, ["kernel_size", "stride", "padding", "output_size"], args);
  if (a.kernel_size === undefined) throw new TypeError_(`${fn}() missing 1 required positional argument: 'kernel_size'`);
  const k = tuple(a.kernel_size, n);
  const s = tuple(a.stride ?? a.kernel_size, n);
  const p = tuple(a.padding ?? 0, n);
  if (indices.dtype !== int64) throw new RuntimeError(`elements in indices should be type int64 but got: ${String(indices.dtype)}`);
  if (indices.shape.join() !== input.shape.join()) {
    throw new RuntimeError(`Expected shape of indices to be same as that of the input tensor ([${input.shape.join(", ")}]) but got indices tensor with shape: [${indices.shape.join(", ")}]`);
  }
  if (input.dim() !== n + 1 && input.dim() !== n + 2) throw new RuntimeError(`${fn}: Input to max_unpooling${n}d should be a ${n + 1}d or ${n + 2}d Tensor, but got a tensor with ${input.dim()} dimensions.`);
  const out = unpoolSize(input, k, s, p, a.output_size);
  const plane = out.reduce((x, y) => x * y, 1);
  const lead = input.shape.slice(0, input.dim() - n);
  const x = input.reshape([...lead, -1]);
  const idx = indices.reshape([...lead, -1]);
  for (const v of data(idx)) {
    if (v < 0 || v >= plane) throw new RuntimeError(`Found an invalid max index: ${v} (output volumes are of size ${out.join("x")}`);
  }
  const zeros = empty([...lead, plane], x.dtype);
  zeros._data.fill(0);
  return zeros.scatter(x.dim() - 1, idx, x).reshape([...lead, ...out]);
}

/** F.max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None) */
export function max_unpool1d(input: Tensor, indices: Tensor, ...args: MaxUnpoolArgs): Tensor {
  return maxUnpool("max_unpool1d", 1, input, indices, args);
}

/** F.max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None): values back at their argmax positions, zeros elsewhere. */
export function max_unpool2d(input: Tensor, indices: Tensor, ...args: MaxUnpoolArgs): Tensor {
  return maxUnpool("max_unpool2d", 2, input, indices, args);
}

/** F.max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None) */
export function max_unpool3d(input: Tensor, indices: Tensor, ...args: MaxUnpoolArgs): Tensor {
  return maxUnpool("max_unpool3d", 3, input, indices, args);
}

export type EmbeddingBagMode = "sum" | "mean" | "max";
export interface EmbeddingBagOptions {
  offsets?: Tensor | null;
  max_norm?: number | null;
  norm_type?: number;
  scale_grad_by_freq?: boolean;
  mode?: EmbeddingBagMode;
  sparse?: boolean;
  per_sample_weights?: Tensor | null;
  include_last_offset?: boolean;
  padding_idx?: number | null;
}
export type EmbeddingBagArgs = PyArgs<
  [
    offsets?: Tensor | null,
    max_norm?: number | null,
    norm_type?: number,
    scale_grad_by_freq?: boolean,
    mode?: EmbeddingBagMode,
    sparse?: boolean,
    per_sample_weights?: Tensor | null,
    include_last_offset?: boolean,
    padding_idx?: number | null,
  ],
  EmbeddingBagOptions
>;
export const EMBEDDING_BAG_NAMES = [
  "offsets", "max_norm", "norm_type", "scale_grad_by_freq", "mode", "sparse", "per_sample_weights", "include_last_offset", "padding_idx",
] as const;

/**
 * F.embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2, scale_grad_by_freq=False,
 * mode='mean', sparse=False, per_sample_weights=None, include_last_offset=False, padding_idx=None):
 * bags are the rows of a 2-D input, or the runs of a 1-D input starting at `offsets`; each bag's
 * rows of weight are summed, averaged or maxed (empty bags give zeros; padding_idx entries are
 * left out, and not counted in the mean). max_norm renormalises the named rows of weight in place
 * first, as F.embedding does; scale_grad_by_freq divides each row's gradient by its index's count
 * in the input (sum and mean modes; max refuses it, as torch).
 */
export function embedding_bag(input: Tensor, weight: Tensor, ...args: EmbeddingBagArgs): Tensor {
  checkTensor(input, "embedding_bag");
  checkTensor(weight, "embedding_bag", "weight");
  const a = parseArgs<EmbeddingBagOptions>("embedding_bag", [...EMBEDDING_BAG_NAMES], args);
  const mode = a.mode ?? "mean";
  if (mode !== "sum" && mode !== "mean" && mode !== "max") throw new ValueError(`mode has to be one of sum, mean or max`);
  if (mode === "max" && a.scale_grad_by_freq) throw new ValueError("max mode does not support scaling the gradient by the frequency");
  if (mode === "max" && a.sparse) throw new ValueError("max mode does not support sparse weights");
  if (weight.dim() !== 2) throw new RuntimeError(`weight has to be a 2D Tensor, but got Tensor of dimension ${weight.dim()}`);
  if (input.dtype !== int64 && input.dtype !== int32) throw new RuntimeError(`Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got ${typeName(input.dtype)} instead (while checking arguments for embedding_bag)`);
  const psw = a.per_sample_weights ?? null;
  if (psw && mode !== "sum") {
    throw new NotImplementedError(`embedding_bag: per_sample_weights was not None. per_sample_weights is only supported for mode='sum' (got mode='${mode}'). Please open a feature request on GitHub.`);
  }
  if (psw && psw.shape.join() !== input.shape.join()) {
    throw new ValueError(`embedding_bag: If per_sample_weights (${JSON.stringify(psw.shape)}) is not None, then it must have the same shape as the input (${JSON.stringify(input.shape)})`);
  }
  const [V, D] = weight.shape;
  let starts: number[];
  let flat: Tensor;
  if (input.dim() === 2) {
    if (a.offsets) {
      throw new ValueError("if input is 2D, then offsets has to be None, as input is treated is a mini-batch of fixed length sequences. However, found offsets of type <class 'torch.Tensor'>");
    }
    const [B, L] = input.shape;
    starts = Array.from({ length: B }, (_, i) => i * L);
    flat = input.reshape(-1);
  } else if (input.dim() === 1) {
    if (!a.offsets) throw new ValueError("offsets has to be a 1D Tensor but got None");
    if (a.offsets.dim() !== 1) throw new ValueError("offsets has to be a 1D Tensor");
    starts = Array.from(data(a.offsets));
    if (a.include_last_offset) starts = starts.slice(0, -1);
    flat = input;
  } else {
    throw new ValueError(`input has to be 1D or 2D Tensor, but got Tensor of dimension ${input.dim()}`);
  }
  const ids = data(flat);
  const n = ids.length;
  const ends = starts.map((_, b) => (b + 1 < starts.length ? starts[b + 1] : a.include_last_offset && a.offsets ? data(a.offsets)[starts.length] : n));
  if (starts.length && starts[0] !== 0 && input.dim() === 1) throw new RuntimeError(`offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start from position 0. However, got ${starts[0]}`);
  if (input.dim() === 1 && a.offsets && a.offsets.numel() > 0) {
    const last = data(a.offsets)[a.offsets.numel() - 1];
    if (last > n) throw new RuntimeError(`offsets[-1] can not be greater than input's length ${n} but got offsets[-1] of ${last}`);
  }
  const pad = a.padding_idx === undefined || a.padding_idx === null ? -1 : a.padding_idx < 0 ? a.padding_idx + V : a.padding_idx;
  // torch 1.13's CPU kernels word a bad index two ways: the float32 sum / mean lookup without padding_idx (its
  // embedding_lookup_idx.cc checks, at line 213 for int32 indices, 214 for int64), and the general one.
  const fastPath = weight.dtype === float32 && mode !== "max" && pad === -1;
  const enforce = `[enforce fail at embedding_lookup_idx.cc:${input.dtype === int32 ? 213 : 214}]`;
  if (fastPath) {
    // That lookup walks the bags with one running position, so offsets that go back (lengths given as offsets)
    // run it past the input's end.
    let current = 0;
    starts.forEach((start, b) => {
      for (let j = start; j < ends[b]; j++, current++) {
        if (current >= n) throw new RuntimeError(`${enforce} current < index_size. ${current} vs ${n}`);
        const v = ids[current];
        if (!(v >= 0 && v < V)) throw new RuntimeError(`${enforce} 0 <= idx && idx < data_size. Index ${current} is out of bounds: ${v}, range 0 to ${V}`);
      }
    });
  }
  for (const v of ids) if (!(v >= 0 && v < V)) throw new RuntimeError(`embedding_bag: Expected idx >= 0 && idx < num_embeddings but found idx to be ${v}`);
  // max_norm: the rows the input names are renormalised in place first (torch's _no_grad_embedding_renorm_),
  // here after every check so that a refused call changes nothing.
  if (a.max_norm !== undefined && a.max_norm !== null) renorm_(weight, ids, a.max_norm, a.norm_type ?? 2);
  // Positions that count (not padding) and the bag of each.
  const keep: number[] = [];
  const bagOf: number[] = [];
  const counts = new Array<number>(starts.length).fill(0);
  for (let b = 0; b < starts.length; b++) {
    for (let j = starts[b]; j < ends[b]; j++) {
      if (ids[j] === pad) continue;
      keep.push(j);
      bagOf.push(b);
      counts[b]++;
    }
  }
  const pos = empty([keep.length], int64);
  pos._data.set(keep);
  const keptIds = flat.index_select(0, pos);
  const B = starts.length;
  // One node named as torch's (the output's grad_fn is EmbeddingBagBackward0), differentiating through the ops below.
  const bag = (w: Tensor, p: Tensor | null): Tensor => {
    // scale_grad_by_freq: each row's gradient divided by how often its index occurs in the whole input
    // (padding entries, left out here, get no gradient either way), which F.embedding's backward does.
    // sparse=True: F.embedding's sparse gradient (the looked-up rows, autograd/sparse_grad.ts), as torch's.
    const rows = a.scale_grad_by_freq || a.sparse
      ? embedding(keptIds, w, { scale_grad_by_freq: a.scale_grad_by_freq ?? false, sparse: a.sparse ?? false })
      : w.index_select(0, keptIds);
    if (mode === "max") {
      const zeroRow = w.narrow(0, 0, 1).mul(0).reshape(D);
      const out: Tensor[] = [];
      let at = 0;
      for (let b = 0; b < B; b++) {
        out.push(counts[b] ? rows.narrow(0, at, counts[b]).amax(0) : zeroRow);
        at += counts[b];
      }
      return B ? stack(out, 0) : empty([0, D], w.dtype);
    }
    const contrib = p ? rows.mul(p.reshape(-1).index_select(0, pos).unsqueeze(1)) : rows;
    const bagIdx = empty([keep.length], int64);
    bagIdx._data.set(bagOf);
    const zeros = empty([B, D], w.dtype);
    zeros._data.fill(0);
    let out = zeros.index_add(0, bagIdx, contrib);
    if (mode === "mean") {
      const div = empty([B, 1], w.dtype);
      div._data.set(counts.map((c) => Math.max(c, 1)));
      out = out.div(div);
    }
    return out;
  };
  return composite("EmbeddingBagBackward0", psw ? [weight, psw] : [weight], (w, p) => bag(w, p ?? null));
}
