/**
 * The fused attention core softmax(scale * Q K^T + mask) V as ONE recorded op, shared by
 * F.scaled_dot_product_attention and nn.MultiheadAttention.
 *
 * Why fused: built from separate ops, attention materialised the scores three more times (the
 * scaling, the mask add, the softmax) and recorded a node for each, and the score-sized passes of
 * their backwards dominated a small transformer's step. Here each (batch, head) slice runs two
 * GEMMs forward (Q K^T into the probability buffer, then P V) with scale, mask, causal cut and a
 * max-shifted softmax applied in one pass over the score rows between them (attention_rows.ts:
 * SIMD on the WebAssembly backend); the backward is four GEMMs per slice with the softmax
 * backward fused in between:
 *   dV = P^T dO,  dP = dO V^T,  dS = scale * P * (dP - rowsum(dP * P)),  dQ = dS K,  dK = dS^T Q.
 * Q, K and V are read through their strides (heads split by a view, keys transposed for free).
 *
 * Fully masked rows give NaN, as PyTorch's softmax of an all -inf row does.
 */
import { differentiateThrough, needsGrad, record } from "../../autograd/function";
import { no_grad } from "../../autograd/grad_mode";
import { releaseScratch, takeScratch } from "../../buffer_pool";
import { allocStorage, float64, type DType, type Storage } from "../../dtype";
import { matmulBatched } from "../../kernels/batched_matmul";
import { contiguousStrides, numelOf } from "../../shape";
import { Tensor } from "../../tensor";
import { contiguousData, empty, emptyForOverwrite } from "../../ops/util";
import { attentionBackwardInModule, attentionForwardInModule, type KeptScores, type SliceOperand } from "./attention_in_module";
import { softmaxBackwardRows, softmaxRows } from "./attention_rows";

/** Element offsets of every batch slice of t (batch dims = all but the last two), in row-major batch order. */
function sliceOffsets(t: Tensor): number[] {
  const nd = t.dim() - 2;
  const batch = t.shape.slice(0, nd);
  const n = numelOf(batch);
  const out = new Array<number>(n);
  const idx = new Array<number>(nd).fill(0);
  for (let i = 0; i < n; i++) {
    let o = t._offset;
    for (let d = 0; d < nd; d++) o += idx[d] * t._strides[d];
    out[i] = o;
    for (let d = nd - 1; d >= 0; d--) {
      if (++idx[d] < batch[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

/** An operand, output or gradient of shape [...batch, rows, cols] and where each slice's rows are. */
interface SliceLayout {
  t: Tensor;
  /** Element offset of each batch slice. */
  offs: number[];
  /** Elements between consecutive rows of a slice. */
  row: number;
}

/**
 * A new [...batch, rows, cols] tensor, left unzeroed when `overwritten` (a product with k > 0
 * writes every element: its buffer may come from the gradient pool as it was). With
 * `interleaved` (and at least two batch dims) it is
 * stored as [...batch[:-1], rows, batch[-1], cols] and returned as the transposed view, the layout
 * of heads split from a [N, L, H * E] projection: transpose(-3, -2) of it is contiguous, so merging
 * heads back (or the gradient reaching the projection) needs no copy.
 */
function sliceLayout(batch: readonly number[], rows: number, cols: number, dt: DType, interleaved: boolean, overwritten: boolean): SliceLayout {
  const nb = numelOf(batch);
  if (!interleaved || batch.length < 2) {
    return { t: (overwritten ? emptyForOverwrite : empty)([...batch, rows, cols], dt), offs: Array.from({ length: nb }, (_, b) => b * rows * cols), row: cols };
  }
  const H = batch[batch.length - 1];
  const block = rows * H * cols;
  const outer = batch.slice(0, -1);
  const strides = [...contiguousStrides(outer).map((st) => st * block), cols, H * cols, 1];
  const t = new Tensor(allocStorage(dt, numelOf(outer) * block, !overwritten), [...batch, rows, cols], dt, strides);
  return { t, offs: Array.from({ length: nb }, (_, b) => Math.floor(b / H) * block + (b % H) * cols), row: H * cols };
}

/**
 * Block i (q, k or v) of a packed [N, L, 3E] gradient as the [N, H, L, E / H] slices' layout:
 * slice (n, h) at n L 3E + i E + h E / H, rows 3E apart.
 */
function packedGradientPart(whole: Tensor, H: number, i: number): SliceLayout {
  const [N, L, E3] = whole.shape;
  const E = E3 / 3, hd = E / H;
  return { t: whole, offs: Array.from({ length: N * H }, (_, b) => Math.floor(b / H) * L * E3 + i * E + (b % H) * hd), row: E3 };
}

/** Whether t [..., H, rows, cols] has its heads interleaved within rows (a head split of a [N, L, H * E] tensor). */
const headsInterleaved = (t: Tensor): boolean => t.dim() >= 4 && t._strides[t.dim() - 3] < t._strides[t.dim() - 2];

/**
 * Whether the fused core applies: q [..., L, E], k [..., S, E], v [..., S, Ev] with the same
 * batch dims and dtype (no broadcasting between them, whose gradients would need summing), and a
 * mask (if any) that needs no gradient and broadcasts to [..., L, S].
 */
export function fusedAttentionApplies(q: Tensor, k: Tensor, v: Tensor, mask: Tensor | null): boolean {
  const nd = q.dim();
  if (nd < 2 || k.dim() !== nd || v.dim() !== nd) return false;
  if (k.dtype !== q.dtype || v.dtype !== q.dtype || !q.dtype.is_floating_point) return false;
  for (let d = 0; d < nd - 2; d++) if (k.shape[d] !== q.shape[d] || v.shape[d] !== q.shape[d]) return false;
  if (mask) {
    if (mask.dtype !== q.dtype || mask.requires_grad || mask.dim() > nd) return false;
    const full = [...q.shape.slice(0, nd - 2), q.shape[nd - 2], k.shape[nd - 2]];
    const lead = nd - mask.dim();
    for (let d = 0; d < mask.dim(); d++) if (mask.shape[d] !== 1 && mask.shape[d] !== full[lead + d]) return false;
  }
  return true;
}

/**
 * Whether `mask` ([L, S], bool with true = blocked, or additive float) is exactly the causal cut
 * (blocked strictly above the diagonal), so the fused core can apply it as a flag: checked, not
 * trusted from an is_causal hint.
 */
export function isCausalMask(mask: Tensor, L: number, S: number): boolean {
  if (mask.dim() !== 2 || mask.shape[0] !== L || mask.shape[1] !== S) return false;
  const d = contiguousData(mask);
  const isBool = mask.dtype.name === "bool";
  if (!isBool && !mask.dtype.is_floating_point) return false;
  for (let i = 0; i < L; i++) {
    for (let j = 0; j < S; j++) {
      const v = d[i * S + j];
      const ok = j > i ? (isBool ? v !== 0 : v === -Infinity) : v === 0;
      if (!ok) return false;
    }
  }
  return true;
}

/** The same attention in recorded ops (for create_graph and as the reference). */
function decomposed(q: Tensor, k: Tensor, v: Tensor, mask: Tensor | null, causal: boolean, scale: number): Tensor {
  let scores = q.matmul(k.transpose(-2, -1)).mul(scale);
  if (causal) {
    const L = q.shape[q.dim() - 2];
    const S = k.shape[k.dim() - 2];
    const cut = empty([L, S], q.dtype);
    const c = cut._data;
    for (let i = 0; i < L; i++) for (let j = 0; j < S; j++) c[i * S + j] = j > i ? -Infinity : 0;
    scores = scores.add(cut);
  }
  if (mask) scores = scores.add(mask);
  return scores.softmax(-1).matmul(v);
}

/**
 * softmax(scale * q k^T + mask, causal) v for q [..., L, E], k [..., S, E], v [..., S, Ev]
 * (check fusedAttentionApplies first). `mask` is additive (-inf where blocked); `causal` blocks
 * keys after the query's own position (top-left aligned, as torch.tril).
 */
export function fusedAttention(q: Tensor, k: Tensor, v: Tensor, mask: Tensor | null, causal: boolean, scale: number): Tensor {
  return attentionCore(q, k, v, mask, causal, scale, null);
}

/** Whether MultiheadAttention's self-attention projects q, k and v in one product (benches turn it off to compare in one process). */
export const packedProjection = { enabled: true };

/** [N, H, L, E / H] head views of the q, k and v column blocks of a [N, L, 3E] projection. */
const packedHeads = (H: number) => (proj: Tensor): Tensor[] => {
  const [N, L, E3] = proj.shape;
  const E = E3 / 3;
  return [0, 1, 2].map((i) => proj.narrow(2, i * E, E).reshape([N, L, H, E / H]).transpose(1, 2));
};

/**
 * Whether fusedPackedAttention applies: proj a contiguous [N, L, 3E] floating tensor with E a
 * multiple of H (and E > 0), and a mask fusedAttention takes.
 */
export function packedAttentionApplies(proj: Tensor, H: number, mask: Tensor | null): boolean {
  if (proj.dim() !== 3 || proj.shape[2] % 3 !== 0 || proj.shape[2] === 0 || (proj.shape[2] / 3) % H !== 0 || !proj.is_contiguous()) return false;
  const [q, k, v] = no_grad(() => packedHeads(H)(proj));
  return fusedAttentionApplies(q, k, v, mask);
}

/**
 * fusedAttention of self-attention's packed projection (MultiheadAttention with query = key =
 * value, PyTorch's _in_projection_packed): q, k and v are the heads of proj's three E-wide column
 * blocks, and the op's one input is proj, so the backward writes dQ, dK and dV side by side into
 * one [N, L, 3E] gradient, which the projection's one Linear takes back as a whole (dX is one
 * product with k = 3E, not three products and two sums). Through three recorded views instead,
 * each view's gradient would be a zero-filled [N, L, 3E] buffer and the engine would add the three.
 * Returns [N, H, L, E / H]; check packedAttentionApplies first.
 */
export function fusedPackedAttention(proj: Tensor, H: number, mask: Tensor | null, causal: boolean, scale: number): Tensor {
  const heads = packedHeads(H);
  const [q, k, v] = no_grad(() => heads(proj));
  return attentionCore(q, k, v, mask, causal, scale, { proj, heads });
}

/** q, k and v as views of one projection (fusedPackedAttention): the op's input, and how to view it again (for the recorded fallback). */
interface PackedSource {
  proj: Tensor;
  heads: (proj: Tensor) => Tensor[];
}

function attentionCore(q: Tensor, k: Tensor, v: Tensor, mask: Tensor | null, causal: boolean, scale: number, packed: PackedSource | null): Tensor {
  const nd = q.dim();
  const batch = q.shape.slice(0, nd - 2);
  const L = q.shape[nd - 2], E = q.shape[nd - 1];
  const S = k.shape[nd - 2], Ev = v.shape[nd - 1];
  const nb = numelOf(batch);
  const dt = q.dtype;
  const qo = sliceOffsets(q), ko = sliceOffsets(k), vo = sliceOffsets(v);
  const [qsL, qsE] = q._strides.slice(nd - 2), [ksS, ksE] = k._strides.slice(nd - 2), [vsS, vsE] = v._strides.slice(nd - 2);
  const qd = q._data, kd = k._data, vd = v._data;
  const LS = L * S;
  // Every score is written by the Q K^T product (unless E = 0: zeros).
  const P = takeScratch(dt === float64, nb * LS);
  if (E === 0) P.fill(0);
  const mk = mask ? mask.expand([...batch, L, S]) : null;
  const mo = mk ? sliceOffsets(mk) : null;
  const pOffs = Array.from({ length: nb }, (_, b) => b * LS);
  // Under the causal cut the GEMM may leave out the dead half of each product (kernels/batched_matmul CausalSkip).
  const cut = causal ? "outputPastDiagonal" : null, pastCut = causal ? "aPastDiagonal" : null, beforeCut = causal ? "aBeforeDiagonal" : null;
  const outL = sliceLayout(batch, L, Ev, dt, headsInterleaved(q), S > 0);
  const out = outL.t;
  const grads = packed ? needsGrad(packed.proj) : needsGrad(q, k, v);
  const qOp: SliceOperand = { data: qd, offs: qo, rows: L, cols: E, s0: qsL, s1: qsE };
  const kOp: SliceOperand = { data: kd, offs: ko, rows: S, cols: E, s0: ksS, s1: ksE };
  const vOp: SliceOperand = { data: vd, offs: vo, rows: S, cols: Ev, s0: vsS, s1: vsE };
  // The whole chain inside the GEMM module's memory where it applies (attention_in_module.ts), else product by product.
  // With a backward to come, the probabilities may stay in module memory for it (kernels/wasm/resident.ts) instead of P.
  const keep: KeptScores = { block: null };
  if (mk || !attentionForwardInModule(nb, L, S, E, Ev, qOp, kOp, vOp, { data: out._data, offs: outL.offs, row: outL.row }, grads ? P : null, causal, scale, keep)) {
    matmulBatched(nb, L, S, E, qd, qo, qsL, qsE, kd, ko, ksE, ksS, P, 0, null, cut);
    // Scale, mask, causal cut and softmax, row by row (attention_rows.ts).
    softmaxRows(P, nb, L, S, causal, scale, mk ? { data: mk._data, offs: mo!, rowStride: mk._strides[nd - 2], colStride: mk._strides[nd - 1] } : null);
    matmulBatched(nb, L, Ev, S, P, pOffs, S, 1, vd, vo, vsS, vsE, out._data, 0, outL, pastCut);
  }
  if (!grads || keep.block) {
    // No backward will read P (none to come, or it reads the kept block): its buffer is dead now.
    releaseScratch(P);
    if (!grads) return out;
  }
  const kept = keep.block;
  const inputs = packed ? [packed.proj] : [q, k, v];
  const result = record(
    out, "ScaledDotProductAttentionBackward0", inputs,
    (g) => {
      // dO read through its strides (heads merged back by a view arrive interleaved).
      const gd = g._data;
      const gOffs = sliceOffsets(g);
      const [gsL, gsE] = g._strides.slice(nd - 2);
      // Each gradient in its input's layout (heads interleaved when the input's are: no copy on the way back).
      // Packed: dQ, dK, dV as the three column blocks of one [N, L, 3E] gradient (every element written).
      const whole = packed ? (L > 0 ? emptyForOverwrite : empty)(packed.proj.shape, dt) : null;
      const part = (i: number): SliceLayout => packedGradientPart(whole!, batch[batch.length - 1], i);
      const gq = whole ? part(0) : q.requires_grad ? sliceLayout(batch, L, E, dt, headsInterleaved(q), S > 0) : null;
      const gk = whole ? part(1) : k.requires_grad ? sliceLayout(batch, S, E, dt, headsInterleaved(k), L > 0) : null;
      const gv = whole ? part(2) : v.requires_grad ? sliceLayout(batch, S, Ev, dt, headsInterleaved(v), L > 0) : null;
      const gradients = (): (Tensor | null)[] => (whole ? [whole] : [gq ? gq.t : null, gk ? gk.t : null, gv ? gv.t : null]);
      const gOp: SliceOperand = { data: gd, offs: gOffs, rows: L, cols: Ev, s0: gsL, s1: gsE };
      const into = (l: SliceLayout | null) => (l ? { data: l.t._data, offs: l.offs, row: l.row } : null);
      const shared = whole ? { lo: 0, len: whole.numel() } : null;
      if (attentionBackwardInModule(nb, L, S, E, Ev, kept ?? P, gOp, qOp, kOp, vOp, into(gq), into(gk), into(gv), causal, scale, shared)) return gradients();
      // The per-call path (the backend changed since the forward) reads the probabilities from a JS array.
      const probs = kept ? kept.values() : P;
      if (gv) matmulBatched(nb, S, Ev, L, probs, pOffs, 1, S, gd, gOffs, gsL, gsE, gv.t._data, 0, gv, beforeCut);
      if (!gq && !gk) return gradients();
      // dP = dO V^T for every slice, then dS = scale * P * (dP - rowsum(dP * P)) in place.
      const dS: Storage = takeScratch(dt === float64, nb * LS);
      if (Ev === 0) dS.fill(0);
      matmulBatched(nb, L, S, Ev, gd, gOffs, gsL, gsE, vd, vo, vsE, vsS, dS, 0, null, cut);
      softmaxBackwardRows(dS, probs, nb * L, L, S, causal, scale);
      if (gq) matmulBatched(nb, L, E, S, dS, pOffs, S, 1, kd, ko, ksS, ksE, gq.t._data, 0, gq, pastCut);
      if (gk) matmulBatched(nb, S, E, L, dS, pOffs, 1, S, qd, qo, qsL, qsE, gk.t._data, 0, gk, beforeCut);
      // dS never leaves this closure: back to the pool for the next layer's (a fresh buffer page-faults).
      releaseScratch(dS);
      return gradients();
    },
    inputs,
    packed
      ? (g) => differentiateThrough((p2) => decomposed(...(packed.heads(p2) as [Tensor, Tensor, Tensor]), mask, causal, scale), [packed.proj], g)
      : (g) => differentiateThrough((q2, k2, v2) => decomposed(q2, k2, v2, mask, causal, scale), [q, k, v], g),
  );
  // P is read only by the closure above: back to the pool when the graph is freed.
  if (kept) result.grad_fn!.kept = [kept];
  else result.grad_fn!.scratch = [P];
  return result;
}
