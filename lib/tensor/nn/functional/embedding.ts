/**
 * F.embedding: a lookup of weight rows by integer index, fused. The backward adds each output
 * row's gradient into the row it came from (an index used twice gets both), skips padding_idx
 * (its row never trains, as in PyTorch) and, with scale_grad_by_freq, divides by how often the
 * index occurs in the batch. max_norm renormalises the looked-up rows of weight in place first.
 */
import { parseArgs, type PyArgs } from "../../args";
import { record } from "../../autograd/function";
import { markSparseGrad } from "../../autograd/sparse_grad";
import { no_grad } from "../../autograd/grad_mode";
import { AssertionError, IndexError, RuntimeError, TypeError_ } from "../../errors";
import type { Tensor } from "../../tensor";
import { checkTensor, data, empty } from "./_util";
import { emptyForOverwrite } from "../../ops/util";
import { typeName } from "../../ops/dtype_info";
import { kernels } from "../../kernels/registry";
import { createEmbeddingSimd, MAX_TABLE_FLOATS } from "../../kernels/wasm/embedding_simd";
import { onFirstUse } from "../../kernels/wasm/on_first_use";

export interface EmbeddingFunctionalOptions {
  padding_idx?: number | null;
  max_norm?: number | null;
  norm_type?: number;
  scale_grad_by_freq?: boolean;
  sparse?: boolean;
}

/** padding_idx as a row number in [0, num): negative counts from the end, out of range raises. */
export function resolvePaddingIdx(padding_idx: number | null | undefined, num: number): number | null {
  if (padding_idx === null || padding_idx === undefined) return null;
  if (!Number.isInteger(padding_idx)) throw new TypeError_(`padding_idx must be an integer, got ${String(padding_idx)}`);
  // torch 1.13 asserts it (nn.Embedding and F.embedding): an AssertionError
  if (padding_idx >= num || padding_idx < -num) throw new AssertionError("Padding_idx must be within num_embeddings");
  return padding_idx < 0 ? padding_idx + num : padding_idx;
}

/**
 * Scales each row of `weight` named in `indices` whose p-norm exceeds max_norm down to
 * max_norm (PyTorch's embedding_renorm_: scale = max_norm / (norm + 1e-7)). In place, untracked.
 */
export function renorm_(weight: Tensor, indices: ArrayLike<number>, max_norm: number, norm_type: number): void {
  if (!weight.is_contiguous()) throw new RuntimeError("embedding: max_norm needs a contiguous weight");
  const D = weight.shape[1];
  const w = weight._data;
  const base = weight._offset;
  const seen = new Set<number>();
  no_grad(() => {
    for (let i = 0; i < indices.length; i++) {
      const row = indices[i];
      if (seen.has(row)) continue;
      seen.add(row);
      const at = base + row * D;
      let norm = 0;
      if (norm_type === Infinity) for (let j = 0; j < D; j++) norm = Math.max(norm, Math.abs(w[at + j]));
      else {
        for (let j = 0; j < D; j++) norm += Math.abs(w[at + j]) ** norm_type;
        norm **= 1 / norm_type;
      }
      if (norm > max_norm) {
        const scale = max_norm / (norm + 1e-7);
        for (let j = 0; j < D; j++) w[at + j] *= scale;
      }
    }
    weight._bump("embedding_renorm_");
  });
}

/**
 * The row copies and the backward's scatter-add as WebAssembly (kernels/wasm/embedding_simd.ts:
 * the same bits) for float32 rows of a multiple of four floats, on the WebAssembly backend
 * (selectBackend("ts") clears kernels.gemm); `enabled` is for benches comparing the two in one
 * process, the counts for tests.
 */
const embSimd = onFirstUse(createEmbeddingSimd);
export const embeddingRows_ = { enabled: true, gathers: 0, scatters: 0 };
const simdRows = (dtype: Tensor["dtype"], num: number, D: number): boolean =>
  embeddingRows_.enabled && kernels.gemm !== null && dtype.name === "float32" && D % 4 === 0 && num * D <= MAX_TABLE_FLOATS && embSimd() !== null;

/**
 * F.embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,
 * scale_grad_by_freq=False, sparse=False): input holds int64 indices of any shape, weight is
 * [num_embeddings, embedding_dim]; the result has shape input.shape + [embedding_dim].
 */
export function embedding(
  input: Tensor,
  weight: Tensor,
  ...args: PyArgs<
    [padding_idx?: number | null, max_norm?: number | null, norm_type?: number, scale_grad_by_freq?: boolean, sparse?: boolean],
    EmbeddingFunctionalOptions
  >
): Tensor {
  const fn = "embedding";
  checkTensor(input, fn);
  checkTensor(weight, fn, "weight");
  const a = parseArgs<EmbeddingFunctionalOptions>(fn, ["padding_idx", "max_norm", "norm_type", "scale_grad_by_freq", "sparse"], args);
  if (input.dtype.name !== "int64" && input.dtype.name !== "int32") { // torch: Long or Int only
    throw new RuntimeError(
      `Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got ${typeName(input.dtype)} instead (while checking arguments for embedding)`,
    );
  }
  if (weight.dim() !== 2) throw new RuntimeError(`'weight' must be 2-D, got a ${weight.dim()}-D tensor`);
  const [num, D] = weight.shape;
  const padding = resolvePaddingIdx(a.padding_idx, num);
  const idx = data(input);
  for (let i = 0; i < idx.length; i++) {
    if (!(idx[i] >= 0 && idx[i] < num)) throw new IndexError("index out of range in self"); // torch 1.13's words (a vocabulary too small for a token id)
  }
  if (a.max_norm !== null && a.max_norm !== undefined) renorm_(weight, idx, a.max_norm, a.norm_type ?? 2);
  const w = data(weight);
  const n = idx.length;
  // Every row is copied in below: no zero-fill. (A row copy is a memcpy; a JS loop over its
  // elements cost ~7 ns each here, 0.4 ms a GPT step for its two lookups.)
  const out = emptyForOverwrite([...input.shape, D], weight.dtype);
  const y = out._data;
  if (simdRows(weight.dtype, num, D)) {
    embSimd()!.gather(w as Float32Array, 0, num, D, idx, n, y as Float32Array, 0);
    embeddingRows_.gathers++;
  } else {
    for (let i = 0; i < n; i++) {
      const from = idx[i] * D;
      y.set(w.subarray(from, from + D), i * D);
    }
  }
  const byFreq = a.scale_grad_by_freq ?? false;
  // sparse=True: the weight's gradient holds only the looked-up rows (padding_idx left out), as torch's sparse
  // COO gradient; here a dense gradient marked with those rows (autograd/sparse_grad.ts).
  const sparseRows = a.sparse ? Array.from(idx).filter((row) => row !== padding) : null;
  return record(
    out,
    "EmbeddingBackward0",
    [weight],
    (g) => (sparseRows ? [markSparseGrad(embeddingGrad(g), sparseRows)] : [embeddingGrad(g)]),
  );

  function embeddingGrad(g: Tensor): Tensor {
    const gd = data(g);
    if (!byFreq && g.dtype === weight.dtype && simdRows(g.dtype, num, D)) {
      // Every element of gw is written (the rows no index names get zeros).
      const gw = emptyForOverwrite(weight.shape, g.dtype);
      embSimd()!.scatterAdd(gd as Float32Array, 0, idx, n, padding, gw._data as Float32Array, num, D);
      embeddingRows_.scatters++;
      return gw;
    }
    const gw = empty(weight.shape, g.dtype);
    const r = gw._data;
    const counts = new Map<number, number>();
    if (byFreq) for (let i = 0; i < n; i++) counts.set(idx[i], (counts.get(idx[i]) ?? 0) + 1);
    for (let i = 0; i < n; i++) {
      const row = idx[i];
      if (row === padding) continue;
      const to = row * D;
      const from = i * D;
      if (byFreq) {
        const scale = 1 / counts.get(row)!;
        for (let j = 0; j < D; j++) r[to + j] += gd[from + j] * scale;
      } else {
        for (let j = 0; j < D; j++) r[to + j] += gd[from + j];
      }
    }
    return gw;
  }
}
