/**
 * nn.MultiheadAttention, PyTorch's layout: one packed in_proj_weight [3E, E] (or separate
 * q/k/v_proj_weight when kdim/vdim differ from embed_dim), in_proj_bias [3E] and an out_proj
 * Linear. Masks follow nn.MultiheadAttention's convention: a bool attn_mask or
 * key_padding_mask is true where attention is NOT allowed; float masks are added to the scores.
 */
import { parseArgs, type PyArgs } from "../../args";
import { leadingArgs } from "../../leading_args";
import { float32, type DType } from "../../dtype";
import { AssertionError, RuntimeError, TypeError_, ValueError } from "../../errors";
import { empty } from "../../ops/util";
import type { Tensor } from "../../tensor";
import { softmax } from "../functional/activation";
import { additiveMask, causalAllowed, checkKeyPaddingMaskDtype, mhaAttnMask } from "../functional/attention";
import { fusedAttention, fusedAttentionApplies, fusedPackedAttention, isCausalMask, packedAttentionApplies, packedProjection } from "../functional/attention_core";
import { dropout as dropoutFn } from "../functional/dropout";
import { linear } from "../functional/linear";
import { constant_, xavier_uniform_ } from "../init";
import { Module } from "../module";
import { Parameter } from "../parameter";
import { torchSize } from "../repr";
import { Linear } from "./linear";

/** PyTorch's class of MultiheadAttention.out_proj (a Linear; the name only matters for printing). */
export class NonDynamicallyQuantizableLinear extends Linear {}
// Linear types its __name__ as the literal "Linear", so the subclass sets its own at run time.
Object.defineProperty(NonDynamicallyQuantizableLinear, "__name__", { value: "NonDynamicallyQuantizableLinear" });

export interface MultiheadAttentionOptions {
  dropout?: number;
  bias?: boolean | null;
  add_bias_kv?: boolean;
  add_zero_attn?: boolean;
  kdim?: number | null;
  vdim?: number | null;
  batch_first?: boolean;
  dtype?: DType;
}

export interface MultiheadAttentionForwardOptions {
  key_padding_mask?: Tensor | null;
  need_weights?: boolean;
  attn_mask?: Tensor | null;
  average_attn_weights?: boolean;
  /** With no attn_mask, applies the causal mask (each query sees itself and earlier keys). */
  is_causal?: boolean;
}

type MhaPositional = [dropout?: number, bias?: boolean | null, add_bias_kv?: boolean, add_zero_attn?: boolean, kdim?: number | null, vdim?: number | null, batch_first?: boolean];
/** forward's keywords, the three input tensors included (all three required, one way or the other). */
type MhaForwardKeywords = MultiheadAttentionForwardOptions & { query?: Tensor; key?: Tensor; value?: Tensor };
type ForwardPositional = [key_padding_mask?: Tensor | null, need_weights?: boolean, attn_mask?: Tensor | null, average_attn_weights?: boolean, is_causal?: boolean];

/**
 * new nn.MultiheadAttention(embed_dim, num_heads, dropout=0.0, bias=True, add_bias_kv=False,
 * add_zero_attn=False, kdim=None, vdim=None, batch_first=False). forward(query, key, value,
 * key_padding_mask=None, need_weights=True, attn_mask=None, average_attn_weights=True,
 * is_causal=False) returns [output, weights | null].
 */
export class MultiheadAttention extends Module {
  static override readonly __name__ = "MultiheadAttention";
  embed_dim: number;
  kdim: number;
  vdim: number;
  _qkv_same_embed_dim: boolean;
  num_heads: number;
  dropout: number;
  batch_first: boolean;
  head_dim: number;
  // declared, not defined as fields: their slots appear in registration order, PyTorch's (in_proj_weight after q/k/v with kdim/vdim)
  declare in_proj_weight: Parameter | null;
  declare q_proj_weight: Parameter | null;
  declare k_proj_weight: Parameter | null;
  declare v_proj_weight: Parameter | null;
  declare in_proj_bias: Parameter | null;
  out_proj: NonDynamicallyQuantizableLinear;

  /** num_heads (and embed_dim) may come by keyword too: new nn.MultiheadAttention(16, { num_heads: 2, batch_first: true }). */
  constructor(embed_dim: number, num_heads: number, ...args: PyArgs<MhaPositional, MultiheadAttentionOptions>);
  constructor(embed_dim: number, options: MultiheadAttentionOptions & { num_heads: number });
  constructor(options: MultiheadAttentionOptions & { embed_dim: number; num_heads: number });
  constructor(...all: unknown[]) {
    super();
    const a = parseArgs<MultiheadAttentionOptions & { embed_dim?: number; num_heads?: number }>(
      "MultiheadAttention",
      ["embed_dim", "num_heads", "dropout", "bias", "add_bias_kv", "add_zero_attn", "kdim", "vdim", "batch_first", "dtype"],
      all,
    );
    const missing = (["embed_dim", "num_heads"] as const).filter((k) => a[k] === undefined);
    if (missing.length > 0) {
      throw new TypeError_(`MultiheadAttention.__init__() missing ${missing.length} required positional argument${missing.length > 1 ? "s" : ""}: ${missing.map((k) => `'${k}'`).join(" and ")}`);
    }
    const embed_dim = a.embed_dim as number;
    const num_heads = a.num_heads as number;
    if (!Number.isInteger(embed_dim) || embed_dim <= 0 || !Number.isInteger(num_heads) || num_heads <= 0) {
      throw new ValueError(`embed_dim and num_heads must be greater than 0, got embed_dim=${embed_dim} and num_heads=${num_heads} instead`);
    }
    if (embed_dim % num_heads !== 0) throw new AssertionError("embed_dim must be divisible by num_heads");
    if (a.add_bias_kv || a.add_zero_attn) throw new RuntimeError("MultiheadAttention: add_bias_kv and add_zero_attn are not supported by this engine");
    const dtype = a.dtype ?? float32;
    const bias = a.bias === undefined || Boolean(a.bias); // bias=None is falsy, as in Python
    this.embed_dim = embed_dim;
    this.kdim = a.kdim ?? embed_dim;
    this.vdim = a.vdim ?? embed_dim;
    this._qkv_same_embed_dim = this.kdim === embed_dim && this.vdim === embed_dim;
    this.num_heads = num_heads;
    this.dropout = a.dropout ?? 0.0;
    this.batch_first = a.batch_first ?? false;
    this.head_dim = embed_dim / num_heads;
    // Registration order is PyTorch's, so state_dict keys come out in the same order.
    if (this._qkv_same_embed_dim) {
      this.in_proj_weight = new Parameter(empty([3 * embed_dim, embed_dim], dtype));
      this.register_parameter("q_proj_weight", null);
      this.register_parameter("k_proj_weight", null);
      this.register_parameter("v_proj_weight", null);
    } else {
      this.q_proj_weight = new Parameter(empty([embed_dim, embed_dim], dtype));
      this.k_proj_weight = new Parameter(empty([embed_dim, this.kdim], dtype));
      this.v_proj_weight = new Parameter(empty([embed_dim, this.vdim], dtype));
      this.register_parameter("in_proj_weight", null);
    }
    this.register_parameter("in_proj_bias", bias ? new Parameter(empty([3 * embed_dim], dtype)) : null);
    // Linear's own init draws from the generator before _reset_parameters, as in PyTorch; the
    // weight keeps that init (only the biases are zeroed), so seeded streams line up.
    this.out_proj = new NonDynamicallyQuantizableLinear(embed_dim, embed_dim, { bias, dtype });
    this._reset_parameters();
    this._guard_slots();
  }

  static _from_settings(s: Record<string, unknown>): MultiheadAttention {
    return new MultiheadAttention(s.embed_dim as number, s.num_heads as number, {
      kdim: s.kdim as number,
      vdim: s.vdim as number,
      bias: s.in_proj_bias !== null,
    });
  }

  _reset_parameters(): void {
    if (this._qkv_same_embed_dim) xavier_uniform_(this.in_proj_weight!);
    else {
      xavier_uniform_(this.q_proj_weight!);
      xavier_uniform_(this.k_proj_weight!);
      xavier_uniform_(this.v_proj_weight!);
    }
    if (this.in_proj_bias) {
      constant_(this.in_proj_bias, 0);
      constant_(this.out_proj.bias!, 0);
    }
  }

  /** The q, k and v projection weights and biases (slices of the packed ones when packed). */
  private projections(): { w: Tensor[]; b: (Tensor | null)[] } {
    const E = this.embed_dim;
    const w = this._qkv_same_embed_dim ? this.in_proj_weight!.chunk(3, 0) : [this.q_proj_weight!, this.k_proj_weight!, this.v_proj_weight!];
    const b = this.in_proj_bias ? [0, 1, 2].map((i) => this.in_proj_bias!.narrow(0, i * E, E)) : [null, null, null];
    return { w, b };
  }

  /**
   * forward(query, key, value, ...), the three tensors positional or by keyword as PyTorch code also passes them:
   * `self.multihead_attn(query=x, key=x, value=x, need_weights=False)` -> mha({ query: x, key: x, value: x, need_weights: false }).
   */
  override forward(...all: PyArgs<[query: Tensor, key: Tensor, value: Tensor, ...ForwardPositional], MhaForwardKeywords>): [Tensor, Tensor | null] {
    const [query, key, value, ...args] = leadingArgs("MultiheadAttention.forward", ["query", "key", "value"], 3, all) as [Tensor, Tensor, Tensor, ...unknown[]];
    const o = parseArgs<MultiheadAttentionForwardOptions>(
      "MultiheadAttention.forward",
      ["key_padding_mask", "need_weights", "attn_mask", "average_attn_weights", "is_causal"],
      args,
    );
    return this._attend(query, key, value, o, null);
  }

  /**
   * forward with its options parsed. `packed`: query's packed q/k/v projection (linear(query,
   * in_proj_weight, in_proj_bias)) already computed, as TransformerEncoderLayer's fused norm1 +
   * projection gives it (query, key and value then stand for the norm's output: same shape and dtype).
   * `torchOutput` false (batched, batch_first input only): the output stays the contiguous [N, L, E]
   * product (see torchLayout), for a layer whose own code adds it to the residual and never shows it.
   */
  _attend(query: Tensor, key: Tensor, value: Tensor, o: MultiheadAttentionForwardOptions, packed: Tensor | null, torchOutput = true): [Tensor, Tensor | null] {
    const E = this.embed_dim;
    const H = this.num_heads;
    const hd = this.head_dim;
    // torch 1.13's MultiheadAttention.forward checks the key_padding_mask's dtype first
    checkKeyPaddingMaskDtype(o.key_padding_mask);
    const batched = query.dim() === 3;
    // torch's _mha_shape_check and multi_head_attention_forward's shape checks are Python asserts: AssertionError
    if (!batched && query.dim() !== 2) throw new AssertionError(`query should be unbatched 2D or batched 3D tensor but received ${query.dim()}-D query tensor`);
    const which = batched ? "batched (3-D)" : "unbatched (2-D)";
    if (key.dim() !== query.dim() || value.dim() !== query.dim()) {
      throw new AssertionError(`For ${which} \`query\`, expected \`key\` and \`value\` to be ${batched ? "3-D" : "2-D"} but found ${key.dim()}-D and ${value.dim()}-D tensors respectively`);
    }
    if (o.key_padding_mask && o.key_padding_mask.dim() !== query.dim() - 1) {
      throw new AssertionError(`For ${which} \`query\`, expected \`key_padding_mask\` to be \`None\` or ${query.dim() - 1}-D but found ${o.key_padding_mask.dim()}-D tensor instead`);
    }
    if (o.attn_mask && o.attn_mask.dim() !== 2 && o.attn_mask.dim() !== 3) {
      throw new AssertionError(`For ${which} \`query\`, expected \`attn_mask\` to be \`None\`, 2-D or 3-D but found ${o.attn_mask.dim()}-D tensor instead`);
    }
    // Work batch-first: [N, L, E].
    const toBatchFirst = (t: Tensor): Tensor => (!batched ? t.unsqueeze(0) : this.batch_first ? t : t.transpose(0, 1));
    const q0 = toBatchFirst(query);
    const k0 = toBatchFirst(key);
    const v0 = toBatchFirst(value);
    const [N, L] = q0.shape;
    const S = k0.shape[1];
    if (q0.shape[2] !== E) throw new AssertionError(`was expecting embedding dimension of ${E}, but got ${q0.shape[2]}`);
    if (this.kdim !== E || this.vdim !== E) {
      // separate projection weights: torch compares each weight's shape with (embed_dim, the input's last dim)
      if (k0.shape[2] !== this.kdim) throw new AssertionError(`expecting key weights shape of (${E}, ${k0.shape[2]}), but got ${torchSize([E, this.kdim])}`);
      if (v0.shape[2] !== this.vdim) throw new AssertionError(`expecting value weights shape of (${E}, ${v0.shape[2]}), but got ${torchSize([E, this.vdim])}`);
    } else if (key.shape.join() !== value.shape.join()) {
      // torch asserts on the sequence-first tensors: batch_first inputs transposed, unbatched ones unsqueezed(1)
      const seqFirst = (t: Tensor) => torchSize([t.shape[1], t.shape[0], t.shape[2]]);
      throw new AssertionError(`key shape ${seqFirst(k0)} does not match value shape ${seqFirst(v0)}`);
    } else if (k0.shape[2] !== E) {
      // torch's packed in-projection (_in_projection_packed) fails in linear(key, w_kv), or linear(key, w_k) when key is not value
      throw new RuntimeError(`mat1 and mat2 shapes cannot be multiplied (${S * N}x${k0.shape[2]} and ${E}x${key === value ? 2 * E : E})`);
    }
    if (k0.shape[2] !== this.kdim || v0.shape[2] !== this.vdim) {
      throw new RuntimeError(`expected key of embedding dimension ${this.kdim} and value of ${this.vdim}, got ${k0.shape[2]} and ${v0.shape[2]}`);
    }
    if (k0.shape[0] !== N || v0.shape[0] !== N || v0.shape[1] !== S) {
      throw new RuntimeError(`key shape ${torchSize(key.shape)} does not match value shape ${torchSize(value.shape)} or the query's batch`);
    }
    const heads = (t: Tensor, len: number): Tensor => t.reshape([N, len, H, hd]).transpose(1, 2); // [N, H, len, hd]
    // Self-attention with the packed weight: q, k and v from one product (PyTorch's _in_projection_packed).
    const proj = packed ?? (packedProjection.enabled && query === key && key === value && this.in_proj_weight ? linear(q0, this.in_proj_weight, this.in_proj_bias) : null);
    const { w, b } = proj ? { w: [], b: [] } : this.projections();
    const [q, k, v] = proj ? proj.split(E, -1).map((t) => heads(t, L)) : [heads(linear(q0, w[0], b[0]), L), heads(linear(k0, w[1], b[1]), S), heads(linear(v0, w[2], b[2]), S)];
    const needWeights = o.need_weights ?? true;
    const dropping = this.dropout > 0 && this.training;
    const fusable = !needWeights && !dropping;
    // The fused core applies the causal cut as a flag (rows stop at the diagonal): for is_causal
    // with no attn_mask, or with an attn_mask that is exactly the causal one.
    const causal = fusable && (o.is_causal ?? false) && (!o.attn_mask || isCausalMask(o.attn_mask, L, S));
    const mask = this.mergedMask(causal ? { ...o, attn_mask: null, is_causal: false } : o, N, L, S, batched, q);
    if (fusable && fusedAttentionApplies(q, k, v, mask)) {
      // The weights are not returned: the fused core (attention_core.ts) never materialises them as a tensor.
      // From the packed projection, one op whose input is the projection: its gradient comes back whole (attention_core.ts).
      const core = proj && packedAttentionApplies(proj, H, mask) ? fusedPackedAttention(proj, H, mask, causal, 1 / Math.sqrt(hd)) : fusedAttention(q, k, v, mask, causal, 1 / Math.sqrt(hd));
      const attended = core.transpose(1, 2).reshape([N, L, E]);
      const product = this.out_proj(attended); // [N, L, E], contiguous
      return [torchOutput ? this.torchLayout(product, batched) : product, null];
    }
    let scores = q.matmul(k.transpose(-2, -1)).mul(1 / Math.sqrt(hd)); // [N, H, L, S]
    if (mask) scores = scores.add(mask);
    let weights = softmax(scores, -1);
    if (dropping) weights = dropoutFn(weights, this.dropout, true);
    const attended = weights.matmul(v).transpose(1, 2).reshape([N, L, E]);
    const out = this.torchLayout(this.out_proj(attended), batched);
    if (!needWeights) return [out, null];
    // torch 1.13: weights.view(N, H, L, S), averaged as sum(dim=1) / num_heads (ViewBackward0 / DivBackward0)
    let wOut = weights.view([N, H, L, S]);
    if (o.average_attn_weights ?? true) wOut = wOut.sum(1).div(H);
    if (!batched) wOut = wOut.squeeze(0);
    return [out, wOut];
  }

  /**
   * The batch-first [N, L, E] output in torch 1.13's layout and nodes: torch computes it as a contiguous [L, N, E]
   * (ViewBackward0), transposed for batch_first (TransposeBackward0, not contiguous), squeezed when unbatched.
   * That costs a copy of the output and a strided residual add after it: about 2 % of the GPT bench's step
   * (bench/gpt_trees_ab.ts), so the encoder layer's fused path, whose output nobody sees, skips it.
   */
  private torchLayout(out: Tensor, batched: boolean): Tensor {
    if (!batched) return out.squeeze(0);
    const [N, L, E] = out.shape;
    const lne = out.transpose(0, 1).contiguous().view([L, N, E]);
    return this.batch_first ? lne.transpose(0, 1) : lne;
  }

  /** attn_mask ([L, S] or [N*H, L, S]) and key_padding_mask ([N, S]) as one additive [.., .., L, S] mask. */
  private mergedMask(o: MultiheadAttentionForwardOptions, N: number, L: number, S: number, batched: boolean, like: Tensor): Tensor | null {
    const H = this.num_heads;
    let mask: Tensor | null = null;
    const attn = o.attn_mask ? mhaAttnMask(o.attn_mask) : o.is_causal ? causalAllowed(L, S).logical_not() : null;
    if (attn) {
      if (attn.dim() === 2) {
        if (attn.shape[0] !== L || attn.shape[1] !== S) throw new RuntimeError(`The shape of the 2D attn_mask is ${torchSize(attn.shape)}, but should be (${L}, ${S}).`);
        mask = additiveMask(attn, like, true, "attn_mask").reshape([1, 1, L, S]);
      } else if (attn.dim() === 3) {
        if (attn.shape[0] !== N * H || attn.shape[1] !== L || attn.shape[2] !== S) {
          throw new RuntimeError(`The shape of the 3D attn_mask is ${torchSize(attn.shape)}, but should be (${N * H}, ${L}, ${S}).`);
        }
        mask = additiveMask(attn, like, true, "attn_mask").reshape([N, H, L, S]);
      } else throw new RuntimeError(`attn_mask's dimension ${attn.dim()} is not supported`);
    }
    const kpm = o.key_padding_mask ?? null;
    if (kpm) {
      const want = batched ? [N, S] : [S];
      if (kpm.shape.join() !== want.join()) {
        throw new AssertionError(`expecting key_padding_mask shape of (${want.join(", ")}), but got ${torchSize(kpm.shape)}`);
      }
      const pad = additiveMask(kpm, like, true, "key_padding_mask").reshape([N, 1, 1, S]);
      mask = mask ? mask.add(pad) : pad;
    }
    return mask;
  }
}
