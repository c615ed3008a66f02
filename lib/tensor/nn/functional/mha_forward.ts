/**
 * F.multi_head_attention_forward, PyTorch 1.13's functional multi-head attention, step for step:
 * sequence-first (L, N, E) inputs (or unbatched (L, E)), packed or separate input projections,
 * bias_k / bias_v appended to the keys and values, add_zero_attn, static_k / static_v,
 * key_padding_mask and attn_mask (bool or additive) merged into one additive mask, scaled
 * scores, softmax, dropout while training, the output projection; returns
 * [attn_output, attn_weights (averaged over heads unless average_attn_weights=false) or null].
 */
import { parseArgs, type PyArgs } from "../../args";
import { AssertionError, RuntimeError } from "../../errors";
import { zeros } from "../../ops/creation";
import { cat } from "../../ops/join";
import type { Tensor } from "../../tensor";
import { softmax } from "./activation";
import { additiveMask, checkKeyPaddingMaskDtype, mhaAttnMask } from "./attention";
import { dropout } from "./dropout";
import { linear } from "./linear";
import { torchSize } from "../repr";

type T = Tensor | null;
export interface MHAForwardOptions {
  embed_dim_to_check?: number;
  num_heads?: number;
  in_proj_weight?: T;
  in_proj_bias?: T;
  bias_k?: T;
  bias_v?: T;
  add_zero_attn?: boolean;
  dropout_p?: number;
  out_proj_weight?: Tensor;
  out_proj_bias?: T;
  training?: boolean;
  key_padding_mask?: T;
  need_weights?: boolean;
  attn_mask?: T;
  use_separate_proj_weight?: boolean;
  q_proj_weight?: T;
  k_proj_weight?: T;
  v_proj_weight?: T;
  static_k?: T;
  static_v?: T;
  average_attn_weights?: boolean;
}
const NAMES = [
  "embed_dim_to_check", "num_heads", "in_proj_weight", "in_proj_bias", "bias_k", "bias_v", "add_zero_attn", "dropout_p",
  "out_proj_weight", "out_proj_bias", "training", "key_padding_mask", "need_weights", "attn_mask", "use_separate_proj_weight",
  "q_proj_weight", "k_proj_weight", "v_proj_weight", "static_k", "static_v", "average_attn_weights",
] as const;
const REQUIRED = ["embed_dim_to_check", "num_heads", "in_proj_weight", "in_proj_bias", "bias_k", "bias_v", "add_zero_attn", "dropout_p", "out_proj_weight", "out_proj_bias"] as const;

/** One more (zero) column on the last dim of a mask, as PyTorch's pad(mask, (0, 1)). */
const padColumn = (m: Tensor) => cat([m, zeros([...m.shape.slice(0, -1), 1], { dtype: m.dtype })], -1);

export function multi_head_attention_forward(query: Tensor, key: Tensor, value: Tensor, ...args: PyArgs<[], MHAForwardOptions> | unknown[]): [Tensor, Tensor | null] {
  const o = parseArgs<MHAForwardOptions>("multi_head_attention_forward", NAMES, args);
  const missing = REQUIRED.filter((n) => !(n in o) || (o[n] === undefined));
  if (missing.length > 0) throw new RuntimeError(`multi_head_attention_forward() missing ${missing.length} required positional argument(s): ${missing.map((n) => `'${n}'`).join(", ")}`);
  const batched = query.dim() === 3;
  const q0 = batched ? query : query.unsqueeze(1);
  const k0 = batched ? key : key.unsqueeze(1);
  const v0 = batched ? value : value.unsqueeze(1);
  let kpm = o.key_padding_mask ? (batched ? o.key_padding_mask : o.key_padding_mask.unsqueeze(0)) : null;
  const [L, N, E] = q0.shape;
  const H = o.num_heads as number;
  checkKeyPaddingMaskDtype(kpm);
  if (E !== o.embed_dim_to_check) throw new AssertionError(`was expecting embedding dimension of ${o.embed_dim_to_check}, but got ${E}`);
  const hd = Math.floor(E / H);
  if (hd * H !== E) throw new AssertionError(`embed_dim ${E} not divisible by num_heads ${H}`);
  // Input projections: one packed [3E, E] weight, or three separate ones.
  let q: Tensor, k: Tensor, v: Tensor;
  const b = o.in_proj_bias ?? null;
  const bias = (i: number) => (b ? b.narrow(0, i * E, E) : null);
  if (o.use_separate_proj_weight) {
    if (!o.q_proj_weight || !o.k_proj_weight || !o.v_proj_weight) throw new RuntimeError("use_separate_proj_weight is True but q_proj_weight, k_proj_weight or v_proj_weight is None");
    [q, k, v] = [linear(q0, o.q_proj_weight, bias(0)), linear(k0, o.k_proj_weight, bias(1)), linear(v0, o.v_proj_weight, bias(2))];
  } else {
    const w = o.in_proj_weight;
    if (!w) throw new RuntimeError("use_separate_proj_weight is False but in_proj_weight is None");
    [q, k, v] = [0, 1, 2].map((i) => linear([q0, k0, v0][i], w.narrow(0, i * E, E), bias(i))) as [Tensor, Tensor, Tensor];
  }
  let mask = o.attn_mask ? additiveMask(mhaAttnMask(o.attn_mask), q, true, "attn_mask") : null;
  if (mask && mask.dim() === 2) mask = mask.unsqueeze(0);
  if (o.bias_k && o.bias_v) {
    k = cat([k, o.bias_k.reshape([1, 1, E]).expand([1, N, E])], 0);
    v = cat([v, o.bias_v.reshape([1, 1, E]).expand([1, N, E])], 0);
    if (mask) mask = padColumn(mask);
    if (kpm) kpm = padColumn(kpm);
  } else if (o.bias_k || o.bias_v) throw new RuntimeError("bias_k and bias_v must both be given or both be None");
  // Heads: [N * H, len, hd].
  const heads = (t: Tensor) => t.reshape([t.shape[0], N * H, hd]).transpose(0, 1);
  let qh = heads(q);
  let kh = o.static_k ?? heads(k);
  let vh = o.static_v ?? heads(v);
  if (o.add_zero_attn) {
    kh = cat([kh, zeros([N * H, 1, hd], { dtype: kh.dtype })], 1);
    vh = cat([vh, zeros([N * H, 1, hd], { dtype: vh.dtype })], 1);
    if (mask) mask = padColumn(mask);
    if (kpm) kpm = padColumn(kpm);
  }
  const S = kh.shape[1];
  if (kpm) {
    if (kpm.shape[0] !== N || kpm.shape[1] !== S) throw new AssertionError(`expecting key_padding_mask shape of (${N}, ${S}), but got ${torchSize(kpm.shape)}`);
    const pad = additiveMask(kpm, q, true, "key_padding_mask").reshape([N, 1, 1, S]).expand([N, H, 1, S]).reshape([N * H, 1, S]);
    mask = mask ? mask.add(pad) : pad;
  }
  qh = qh.mul(1 / Math.sqrt(hd));
  let scores = qh.matmul(kh.transpose(-2, -1));
  if (mask) scores = scores.add(mask);
  let weights = softmax(scores, -1);
  const p = (o.training ?? true) ? (o.dropout_p as number) : 0;
  if (p > 0) weights = dropout(weights, p, true);
  const attended = weights.matmul(vh).transpose(0, 1).reshape([L * N, E]);
  // torch 1.13's view / view / sum(dim=1) / num_heads: the nodes a printed output shows (ViewBackward0, DivBackward0)
  let out = linear(attended, o.out_proj_weight as Tensor, o.out_proj_bias ?? null).view([L, N, E]);
  if (!batched) out = out.squeeze(1);
  if (!(o.need_weights ?? true)) return [out, null];
  let w = weights.view([N, H, L, S]);
  if (o.average_attn_weights ?? true) w = w.sum(1).div(H);
  return [out, batched ? w : w.squeeze(0)];
}
