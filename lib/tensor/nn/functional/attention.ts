/**
 * F.scaled_dot_product_attention and the mask helpers that attention layers share.
 *
 * Built from existing differentiable ops (matmul, softmax, masked_fill, dropout), so autograd
 * needs nothing new: softmax(Q K^T * scale + mask) V.
 *
 * Mask conventions follow PyTorch, which uses two opposite ones:
 *  - scaled_dot_product_attention (PyTorch 2): a bool attn_mask is true where a query MAY
 *    attend; a float mask is added to the scores.
 *  - nn.MultiheadAttention and the Transformer layers: a bool attn_mask / key_padding_mask is
 *    true where attention is NOT allowed (padding, future positions); a float mask is added.
 */
import { parseArgs, type PyArgs } from "../../args";
import { bool, uint8 } from "../../dtype";
import { AssertionError, RuntimeError, TypeError_ } from "../../errors";
import { arange, zeros } from "../../ops/creation";
import type { Tensor } from "../../tensor";
import { softmax } from "./activation";
import { fusedAttention, fusedAttentionApplies } from "./attention_core";
import { warnOnce } from "../../warnings";
import { dropout } from "./dropout";
import { checkTensor } from "./_util";

/** [L, S] bool, true on and below the diagonal: where a causal query may attend (top-left aligned, as torch.tril). */
export function causalAllowed(L: number, S: number): Tensor {
  return arange(L).unsqueeze(1).ge(arange(S).unsqueeze(0));
}

/**
 * A mask as an additive float tensor of the scores' dtype: bool masks become -inf where
 * `blockedWhen` (true for MultiheadAttention, false for SDPA) and 0 elsewhere; float masks
 * are used as they are.
 */
export function additiveMask(mask: Tensor, like: Tensor, blockedWhen: boolean, what: string): Tensor {
  if (mask.dtype === bool) {
    const blocked = blockedWhen ? mask : mask.logical_not();
    return zeros(mask.shape.slice(), { dtype: like.dtype }).masked_fill(blocked, -Infinity);
  }
  if (!mask.dtype.is_floating_point) throw new RuntimeError(`only bool and floating types of ${what} are supported`);
  return mask.dtype === like.dtype ? mask : mask.to(like.dtype);
}

/**
 * torch 1.13's multi_head_attention_forward prep of attn_mask (nn.MultiheadAttention and the Transformer layers):
 * a uint8 mask is taken as bool, with its deprecation UserWarning; any other mask neither floating nor bool
 * is an AssertionError, before the mask's shape is checked.
 */
export function mhaAttnMask(mask: Tensor): Tensor {
  if (mask.dtype === uint8) {
    warnOnce("UserWarning: Byte tensor for attn_mask in nn.MultiheadAttention is deprecated. Use bool tensor instead.");
    return mask.to(bool);
  }
  if (mask.dtype !== bool && !mask.dtype.is_floating_point) throw new AssertionError(`Only float, byte, and bool types are supported for attn_mask, not ${String(mask.dtype)}`);
  return mask;
}

/** torch 1.13's key_padding_mask dtype check (MultiheadAttention, the Transformer layers, F.multi_head_attention_forward). */
export function checkKeyPaddingMaskDtype(mask: Tensor | null | undefined): void {
  if (mask && mask.dtype !== bool && !mask.dtype.is_floating_point) throw new AssertionError("only bool and floating types of key_padding_mask are supported");
}

export interface SDPAOptions {
  attn_mask?: Tensor | null;
  dropout_p?: number;
  is_causal?: boolean;
  /** Keyword only: the factor on Q K^T (default 1 / sqrt(E)). */
  scale?: number | null;
}

/**
 * F.scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0,
 * is_causal=False, scale=None): query [..., L, E], key [..., S, E], value [..., S, Ev] ->
 * [..., L, Ev]. attn_mask broadcasts to [..., L, S] (bool: true = may attend; float: added);
 * is_causal masks out keys after the query's own position. dropout_p drops attention weights
 * whenever it is > 0 (like PyTorch, pass 0 in evaluation).
 */
export function scaled_dot_product_attention(
  query: Tensor,
  key: Tensor,
  value: Tensor,
  ...args: PyArgs<[attn_mask?: Tensor | null, dropout_p?: number, is_causal?: boolean], SDPAOptions>
): Tensor {
  const fn = "scaled_dot_product_attention";
  checkTensor(query, fn, "query");
  checkTensor(key, fn, "key");
  checkTensor(value, fn, "value");
  const a = parseArgs<SDPAOptions>(fn, ["attn_mask", "dropout_p", "is_causal", "scale"], args);
  const mask = a.attn_mask ?? null;
  const p = a.dropout_p ?? 0;
  if (mask !== null) checkTensor(mask, fn, "attn_mask");
  if (query.dim() < 2 || key.dim() < 2 || value.dim() < 2) {
    throw new RuntimeError(`${fn}: query, key and value need at least 2 dimensions ([..., L, E]), got ${query.dim()}, ${key.dim()} and ${value.dim()}`);
  }
  const E = query.shape[query.dim() - 1];
  const L = query.shape[query.dim() - 2];
  const S = key.shape[key.dim() - 2];
  if (key.shape[key.dim() - 1] !== E) {
    throw new RuntimeError(`${fn}: query and key must have the same embedding size, got ${E} and ${key.shape[key.dim() - 1]}`);
  }
  if (value.shape[value.dim() - 2] !== S) {
    throw new RuntimeError(`${fn}: key and value must have the same sequence length, got ${S} and ${value.shape[value.dim() - 2]}`);
  }
  if (a.is_causal && mask !== null) throw new RuntimeError(`${fn}: Explicit attn_mask should not be set when is_causal=True`);
  if (typeof p !== "number" || !(p >= 0 && p <= 1)) throw new TypeError_(`${fn}: dropout_p must be a probability in [0, 1], got ${String(p)}`);
  const scale = a.scale ?? 1 / Math.sqrt(E);
  const additive = mask !== null ? additiveMask(mask, query, false, "attn_mask") : null;
  // Without dropout, one fused op (attention_core.ts): no score-sized intermediates or nodes.
  if (p === 0 && fusedAttentionApplies(query, key, value, additive)) return fusedAttention(query, key, value, additive, a.is_causal ?? false, scale);
  // The scale goes on the query ([..., L, E]) rather than the scores ([..., L, S]): S / E times fewer multiplies.
  let scores = query.mul(scale).matmul(key.transpose(-2, -1));
  if (a.is_causal) scores = scores.masked_fill(causalAllowed(L, S).logical_not(), -Infinity);
  if (additive !== null) scores = scores.add(additive);
  let weights = softmax(scores, -1);
  if (p > 0) weights = dropout(weights, p, true);
  return weights.matmul(value);
}
