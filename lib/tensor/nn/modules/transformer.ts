/**
 * The Transformer family as PyTorch has it: TransformerEncoderLayer / TransformerDecoderLayer
 * (attention + feed-forward blocks with residuals and LayerNorm, post-norm by default,
 * pre-norm with norm_first), TransformerEncoder / TransformerDecoder (num_layers deep copies of
 * one layer, like PyTorch's copy.deepcopy, so every layer starts from the same weights) and
 * nn.Transformer (encoder + decoder, xavier_uniform_ on every matrix).
 *
 * Masks are nn.MultiheadAttention's: bool true = not allowed, float = added to the scores.
 */
import { parseArgs, parseArgsRequired, type PyArgs } from "../../args";
import { withPrivateActivations } from "../../autograd/activation_recycling";
import { is_grad_enabled } from "../../autograd/grad_mode";
import { bool, float32, type DType } from "../../dtype";
import { RuntimeError } from "../../errors";
import { arange, zeros } from "../../ops/creation";
import { Tensor } from "../../tensor";
import { gelu, relu } from "../functional/activation";
import { packedProjection } from "../functional/attention_core";
import { feedForwardInModule, type PreNorm } from "../functional/feed_forward_in_module";
import { normLinearInModule } from "../functional/norm_linear_in_module";
import { deepcopyModule } from "../deepcopy";
import { xavier_uniform_ } from "../init";
import { Module } from "../module";
import { MultiheadAttention, NonDynamicallyQuantizableLinear } from "./attention";
import { GELU, ReLU } from "./activation";
import { ModuleList } from "./container";
import { Dropout } from "./dropout";
import { Linear } from "./linear";
import { LayerNorm } from "./normalization";
import { anyGlobalHooks } from "../global_hooks";
import { leadingArgs } from "../../leading_args";

/** "relu", "gelu", a function of a tensor, or a module (registered as a child, as in PyTorch). */
export type TransformerActivation = "relu" | "gelu" | ((x: Tensor) => Tensor) | Module;

export interface TransformerLayerOptions {
  dim_feedforward?: number;
  dropout?: number;
  activation?: TransformerActivation;
  layer_norm_eps?: number;
  batch_first?: boolean;
  norm_first?: boolean;
  bias?: boolean;
  dtype?: DType;
}
type LayerPositional = [
  dim_feedforward?: number,
  dropout?: number,
  activation?: TransformerActivation,
  layer_norm_eps?: number,
  batch_first?: boolean,
  norm_first?: boolean,
  bias?: boolean,
];
const LAYER_NAMES = ["dim_feedforward", "dropout", "activation", "layer_norm_eps", "batch_first", "norm_first", "bias", "dtype"] as const;

function activationFn(activation: TransformerActivation | undefined): ((x: Tensor) => Tensor) | Module {
  if (activation === undefined || activation === "relu") return relu;
  if (activation === "gelu") return gelu;
  if (typeof activation === "function") return activation;
  throw new RuntimeError(`activation should be relu/gelu, not ${String(activation)}`);
}

/** How torch.save records the activation: by name, as a child module, or a function it cannot save. */
type ActivationKind = "relu" | "gelu" | "module" | "function";
function activationKind(act: ((x: Tensor) => Tensor) | Module): ActivationKind {
  if (act === relu) return "relu";
  if (act === gelu) return "gelu";
  return act instanceof Module ? "module" : "function";
}

/** A layer shell for torch.load: tiny sizes, since every child is replaced by the saved one. */
function layerFromSettings<L extends Module>(Ctor: new (d: number, h: number, o: TransformerLayerOptions) => L, name: string, s: Record<string, unknown>): L {
  if (s.activation_kind === "function") {
    throw new RuntimeError(
      `Cannot rebuild ${name}: it was built with a custom activation function, which cannot be saved. ` +
        "Build the model again and load the weights with model.load_state_dict(torch.load(bytes)), or pass the activation as a module.",
    );
  }
  return new Ctor(1, 1, { dim_feedforward: 1, activation: s.activation_kind === "gelu" ? "gelu" : "relu" });
}

/** A layer's constructor options with PyTorch's defaults filled in. */
interface LayerSettings {
  p: number;
  bias: boolean;
  dtype: DType;
  eps: number;
  batch_first: boolean;
  norm_first: boolean;
  dim_feedforward: number;
  activation: TransformerLayerOptions["activation"];
}

/** A layer's (d_model, nhead, ...) arguments; d_model and nhead may come by keyword too (nn.TransformerEncoderLayer(d_model=512, nhead=8)). */
type LayerArgs = PyArgs<[d_model?: number, nhead?: number, ...LayerPositional], TransformerLayerOptions & { d_model?: number; nhead?: number }>;

function layerSettings(name: string, args: LayerArgs): LayerSettings & { d_model: number; nhead: number } {
  const a = parseArgsRequired<TransformerLayerOptions & { d_model?: number; nhead?: number }>(name, ["d_model", "nhead", ...LAYER_NAMES], 2, args);
  return {
    d_model: a.d_model!,
    nhead: a.nhead!,
    p: a.dropout ?? 0.1,
    bias: a.bias ?? true,
    dtype: a.dtype ?? float32,
    eps: a.layer_norm_eps ?? 1e-5,
    batch_first: a.batch_first ?? false,
    norm_first: a.norm_first ?? false,
    dim_feedforward: a.dim_feedforward ?? 2048,
    activation: a.activation,
  };
}

/** One block of attention, optional second attention on memory, and feed-forward; shared by both layer kinds. */
abstract class TransformerLayerBase extends Module {
  declare norm_first: boolean;
  declare activation: ((x: Tensor) => Tensor) | Module;
  declare activation_kind: ActivationKind;
  declare linear1: Linear;
  declare dropout: Dropout;
  declare linear2: Linear;

  /** linear1, dropout, linear2 (in PyTorch's construction order, after the attention modules). */
  protected init_feed_forward(d_model: number, s: LayerSettings): void {
    this.linear1 = new Linear(d_model, s.dim_feedforward, { bias: s.bias, dtype: s.dtype });
    this.dropout = new Dropout(s.p);
    this.linear2 = new Linear(s.dim_feedforward, d_model, { bias: s.bias, dtype: s.dtype });
    this.norm_first = s.norm_first;
  }

  /** norm1..normN, then dropout1..dropoutN, then the activation: the rest of PyTorch's order. */
  protected init_norms_and_dropouts(d_model: number, s: LayerSettings, count: number): void {
    const self = this as unknown as Record<string, Module>;
    for (let i = 1; i <= count; i++) self[`norm${i}`] = new LayerNorm(d_model, { eps: s.eps, bias: s.bias, dtype: s.dtype });
    for (let i = 1; i <= count; i++) self[`dropout${i}`] = new Dropout(s.p);
    this.activation = activationFn(s.activation);
    this.activation_kind = activationKind(this.activation);
  }

  protected ff_block(x: Tensor, last: Dropout): Tensor {
    const fused = this.fusedFeedForward(x);
    if (fused) return last(fused);
    const act = this.activation;
    const h = act instanceof Module ? (act(this.linear1(x)) as Tensor) : act(this.linear1(x));
    return last(this.linear2(this.dropout(h)));
  }

  /**
   * linear2(dropout(act(linear1(x)))) as one op in the GEMM's memory (feed_forward_in_module.ts,
   * the same bits), where that is exactly what the modules would run: exact GELU or ReLU (the
   * function or an nn.GELU() / nn.ReLU() without hooks), dropout that does nothing (p = 0 or
   * eval), built-in Linear and Dropout modules with biases and no hooks. Else null: the modules run.
   */
  protected fusedFeedForward(x: Tensor, norm: PreNorm | null = null): Tensor | null {
    const act = this.activation;
    const exact = (cls: typeof GELU | typeof ReLU) => act instanceof Module && Object.getPrototypeOf(act) === cls.prototype && plainModule(act, false);
    const kind = act === gelu || (exact(GELU) && (act as GELU).approximate === "none") ? "gelu" : act === relu || exact(ReLU) ? "relu" : null;
    if (!kind || !plainModule(this.linear1, true) || !plainModule(this.linear2, true) || !plainModule(this.dropout, true)) return null;
    if (this.dropout.p !== 0 && this.dropout.training) return null;
    const { linear1: l1, linear2: l2 } = this;
    if (!l1.bias || !l2.bias) return null;
    return feedForwardInModule(x, l1.weight, l1.bias, l2.weight, l2.bias, kind, norm);
  }

  /**
   * x + dropout2(ff_block(norm2(x))) of a pre-norm layer as one op (the norm and the residual also in
   * the GEMM's memory, the same bits), where that is exactly what the layer would run: no subclass or
   * instance override of ff_block, a built-in LayerNorm over the last dim with weight and bias, no
   * hooks, dropout2 that does nothing. Else null.
   */
  protected fusedResidualFeedForward(x: Tensor, norm: LayerNorm, last: Dropout): Tensor | null {
    if (!plainModule(this, false) || this.ff_block !== TransformerLayerBase.prototype.ff_block) return null;
    if (!plainModule(norm, true) || Object.getPrototypeOf(norm) !== LayerNorm.prototype || !norm.weight || !norm.bias || norm.normalized_shape.length !== 1) return null;
    if (!plainModule(last, true) || (last.p !== 0 && last.training)) return null;
    return this.fusedFeedForward(x, { weight: norm.weight, bias: norm.bias, eps: norm.eps });
  }
}

/** The built-in modules whose forward (with no hooks) runs no user code: see runsOnlyLibraryCode. */
const LIBRARY_PARTS: ReadonlySet<object> = new Set<object>([
  MultiheadAttention.prototype, NonDynamicallyQuantizableLinear.prototype, Linear.prototype, LayerNorm.prototype, Dropout.prototype,
]);

/** The modules a layer's forward calls (other submodules a user may attach are never called). */
const ENCODER_PARTS = ["self_attn", "norm1", "norm2", "dropout1", "dropout2", "linear1", "dropout", "linear2"] as const;
const DECODER_PARTS = [...ENCODER_PARTS, "multihead_attn", "norm3", "dropout3"] as const;

/** No hooks, no instance-level override of a method its forward runs, and (parts only) exactly a LIBRARY_PARTS class. */
function plainModule(m: Module, part: boolean): boolean {
  if (part && !LIBRARY_PARTS.has(Object.getPrototypeOf(m) as object)) return false;
  if (m._forward_pre_hooks.size > 0 || m._forward_hooks.size > 0 || m._backward_hooks.size > 0 || anyGlobalHooks()) return false;
  return !["forward", "_call_impl", "ff_block", "encode", "decode"].some((k) => Object.prototype.hasOwnProperty.call(m, k));
}

/**
 * True when calling the encoder layer runs only this library's code: the layer is exactly
 * TransformerEncoderLayer (no subclass overriding a block), its activation is the built-in relu or
 * gelu, every module its forward calls is one of LIBRARY_PARTS, and none of them has hooks or an
 * instance-level forward. Then no intermediate tensor of its forward can reach user code, and the
 * forward's large activations may go back to the buffer pool when backward frees the graph
 * (autograd/activation_recycling.ts). (Checked per call: cheap, and hooks may come and go.)
 */
function runsOnlyLibraryCode(layer: Module): boolean {
  const encoder = Object.getPrototypeOf(layer) === TransformerEncoderLayer.prototype;
  if (!encoder && Object.getPrototypeOf(layer) !== TransformerDecoderLayer.prototype) return false;
  const l = layer as TransformerDecoderLayer;
  if ((l.activation !== relu && l.activation !== gelu) || !plainModule(l, false)) return false;
  for (const name of encoder ? ENCODER_PARTS : DECODER_PARTS) if (!plainModule(l[name], true)) return false;
  return plainModule(l.self_attn.out_proj, true) && (encoder || plainModule(l.multihead_attn.out_proj, true));
}

/** An encoder or decoder stack whose layers (and final norm, if any) all run only library code: see runsOnlyLibraryCode. */
function stackRunsOnlyLibraryCode(stack: TransformerEncoder | TransformerDecoder): boolean {
  if (!plainModule(stack, false) || !plainModule(stack.layers, false)) return false;
  if (stack.norm && (Object.getPrototypeOf(stack.norm) !== LayerNorm.prototype || !plainModule(stack.norm, false))) return false;
  for (const layer of stack.layers.children()) if (!runsOnlyLibraryCode(layer)) return false;
  return true;
}

interface EncoderStackOptions {
  encoder_layer?: Module;
  num_layers?: number;
  norm?: Module | null;
  enable_nested_tensor?: boolean;
  mask_check?: boolean;
}
interface DecoderStackOptions {
  decoder_layer?: Module;
  num_layers?: number;
  norm?: Module | null;
}

export interface EncoderLayerForwardOptions {
  src_mask?: Tensor | null;
  src_key_padding_mask?: Tensor | null;
  is_causal?: boolean;
}

/**
 * new nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward=2048, dropout=0.1,
 * activation="relu", layer_norm_eps=1e-5, batch_first=False, norm_first=False, bias=True).
 * forward(src, src_mask=None, src_key_padding_mask=None, is_causal=False).
 */
export class TransformerEncoderLayer extends TransformerLayerBase {
  static override readonly __name__ = "TransformerEncoderLayer";
  declare self_attn: MultiheadAttention;
  declare norm1: LayerNorm;
  declare norm2: LayerNorm;
  declare dropout1: Dropout;
  declare dropout2: Dropout;

  constructor(...args: LayerArgs) {
    super();
    const s = layerSettings("TransformerEncoderLayer", args);
    const { d_model, nhead } = s;
    // Construction order is PyTorch's, so seeded initial weights match.
    this.self_attn = new MultiheadAttention(d_model, nhead, { dropout: s.p, bias: s.bias, batch_first: s.batch_first, dtype: s.dtype });
    this.init_feed_forward(d_model, s);
    this.init_norms_and_dropouts(d_model, s, 2);
  }

  static _from_settings(s: Record<string, unknown>): TransformerEncoderLayer {
    return layerFromSettings(TransformerEncoderLayer, "TransformerEncoderLayer", s);
  }

  override forward(...all: PyArgs<[src: Tensor, src_mask?: Tensor | null, src_key_padding_mask?: Tensor | null, is_causal?: boolean], EncoderLayerForwardOptions & { src?: Tensor }>): Tensor {
    const [src, ...args] = leadingArgs("TransformerEncoderLayer.forward", ["src"], 1, all) as [Tensor, ...unknown[]];
    const o = parseArgs<EncoderLayerForwardOptions>("TransformerEncoderLayer.forward", ["src_mask", "src_key_padding_mask", "is_causal"], args);
    const body = () => this.encode(src, o);
    return runsOnlyLibraryCode(this) ? withPrivateActivations(body) : body();
  }

  /**
   * dropout1(self_attn(norm1(x))) of a pre-norm layer with norm1 and the packed q/k/v projection as
   * one op in the GEMM's memory (norm_linear_in_module.ts, the same bits), where that is exactly what
   * the layer would run: built-in MultiheadAttention (batch_first, packed weight with bias), LayerNorm
   * over the last dim with weight and bias, and Dropout, none with hooks; dropout1 that does nothing.
   * Else null: the modules run.
   */
  private fusedNormSelfAttention(x: Tensor, o: EncoderLayerForwardOptions): Tensor | null {
    const { self_attn: sa, norm1: norm, dropout1: drop } = this;
    if (!plainModule(this, false) || !plainModule(sa, true) || Object.getPrototypeOf(sa) !== MultiheadAttention.prototype) return null;
    if (!plainModule(norm, true) || Object.getPrototypeOf(norm) !== LayerNorm.prototype || !norm.weight || !norm.bias || norm.normalized_shape.length !== 1) return null;
    if (!plainModule(drop, true) || (drop.p !== 0 && drop.training)) return null;
    if (!packedProjection.enabled || !sa.batch_first || x.dim() !== 3 || !sa.in_proj_weight || !sa.in_proj_bias) return null;
    const proj = normLinearInModule(x, { weight: norm.weight, bias: norm.bias, eps: norm.eps }, sa.in_proj_weight, sa.in_proj_bias);
    if (!proj) return null;
    const opts = { attn_mask: o.src_mask ?? null, key_padding_mask: o.src_key_padding_mask ?? null, need_weights: false, is_causal: o.is_causal ?? false };
    return drop(sa._attend(x, x, x, opts, proj, false)[0]);
  }

  private encode(src: Tensor, o: EncoderLayerForwardOptions): Tensor {
    const sa = (x: Tensor): Tensor =>
      this.dropout1(
        this.self_attn(x, x, x, { attn_mask: o.src_mask ?? null, key_padding_mask: o.src_key_padding_mask ?? null, need_weights: false, is_causal: o.is_causal ?? false })[0],
      );
    let x = src;
    if (this.norm_first) {
      x = x.add(this.fusedNormSelfAttention(x, o) ?? sa(this.norm1(x)));
      x = this.fusedResidualFeedForward(x, this.norm2, this.dropout2) ?? x.add(this.ff_block(this.norm2(x), this.dropout2));
    } else {
      x = this.norm1(x.add(sa(x)));
      x = this.norm2(x.add(this.ff_block(x, this.dropout2)));
    }
    return x;
  }
}

export interface DecoderLayerForwardOptions {
  tgt_mask?: Tensor | null;
  memory_mask?: Tensor | null;
  tgt_key_padding_mask?: Tensor | null;
  memory_key_padding_mask?: Tensor | null;
  tgt_is_causal?: boolean;
  memory_is_causal?: boolean;
}
type DecoderForwardPositional = [
  tgt_mask?: Tensor | null,
  memory_mask?: Tensor | null,
  tgt_key_padding_mask?: Tensor | null,
  memory_key_padding_mask?: Tensor | null,
  tgt_is_causal?: boolean,
  memory_is_causal?: boolean,
];
/** The decoder's options, with tgt and memory by keyword too: decoder(tgt=y, memory=x, tgt_mask=m). */
type DecoderForwardKeywords = DecoderLayerForwardOptions & { tgt?: Tensor; memory?: Tensor };
const DECODER_FORWARD_NAMES = ["tgt_mask", "memory_mask", "tgt_key_padding_mask", "memory_key_padding_mask", "tgt_is_causal", "memory_is_causal"] as const;

/**
 * new nn.TransformerDecoderLayer(d_model, nhead, ...same options as the encoder layer):
 * self-attention on the target, attention on the encoder's memory, feed-forward.
 * forward(tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None,
 * memory_key_padding_mask=None, tgt_is_causal=False, memory_is_causal=False).
 */
export class TransformerDecoderLayer extends TransformerLayerBase {
  static override readonly __name__ = "TransformerDecoderLayer";
  declare self_attn: MultiheadAttention;
  declare multihead_attn: MultiheadAttention;
  declare norm1: LayerNorm;
  declare norm2: LayerNorm;
  declare norm3: LayerNorm;
  declare dropout1: Dropout;
  declare dropout2: Dropout;
  declare dropout3: Dropout;

  constructor(...args: LayerArgs) {
    super();
    const s = layerSettings("TransformerDecoderLayer", args);
    const { d_model, nhead } = s;
    // Construction order is PyTorch's, so seeded initial weights match.
    const attention = { dropout: s.p, bias: s.bias, batch_first: s.batch_first, dtype: s.dtype };
    this.self_attn = new MultiheadAttention(d_model, nhead, attention);
    this.multihead_attn = new MultiheadAttention(d_model, nhead, attention);
    this.init_feed_forward(d_model, s);
    this.init_norms_and_dropouts(d_model, s, 3);
  }

  static _from_settings(s: Record<string, unknown>): TransformerDecoderLayer {
    return layerFromSettings(TransformerDecoderLayer, "TransformerDecoderLayer", s);
  }

  override forward(...all: PyArgs<[tgt: Tensor, memory: Tensor, ...DecoderForwardPositional], DecoderForwardKeywords>): Tensor {
    const [tgt, memory, ...args] = leadingArgs("TransformerDecoderLayer.forward", ["tgt", "memory"], 2, all) as [Tensor, Tensor, ...unknown[]];
    const o = parseArgs<DecoderLayerForwardOptions>("TransformerDecoderLayer.forward", [...DECODER_FORWARD_NAMES], args);
    const body = () => this.decode(tgt, memory, o);
    return runsOnlyLibraryCode(this) ? withPrivateActivations(body) : body();
  }

  private decode(tgt: Tensor, memory: Tensor, o: DecoderLayerForwardOptions): Tensor {
    const sa = (x: Tensor): Tensor =>
      this.dropout1(
        this.self_attn(x, x, x, { attn_mask: o.tgt_mask ?? null, key_padding_mask: o.tgt_key_padding_mask ?? null, need_weights: false, is_causal: o.tgt_is_causal ?? false })[0],
      );
    const mha = (x: Tensor): Tensor =>
      this.dropout2(
        this.multihead_attn(x, memory, memory, {
          attn_mask: o.memory_mask ?? null,
          key_padding_mask: o.memory_key_padding_mask ?? null,
          need_weights: false,
          is_causal: o.memory_is_causal ?? false,
        })[0],
      );
    let x = tgt;
    if (this.norm_first) {
      x = x.add(sa(this.norm1(x)));
      x = x.add(mha(this.norm2(x)));
      x = x.add(this.ff_block(this.norm3(x), this.dropout3));
    } else {
      x = this.norm1(x.add(sa(x)));
      x = this.norm2(x.add(mha(x)));
      x = this.norm3(x.add(this.ff_block(x, this.dropout3)));
    }
    return x;
  }
}

function clones(layer: Module, n: number): ModuleList {
  if (!(layer instanceof Module)) throw new RuntimeError("expected a layer module to copy");
  if (!Number.isInteger(n) || n < 0) throw new RuntimeError(`num_layers must be a non-negative integer, got ${String(n)}`);
  return new ModuleList(Array.from({ length: n }, () => deepcopyModule(layer)));
}

export interface EncoderForwardOptions {
  mask?: Tensor | null;
  src_key_padding_mask?: Tensor | null;
  is_causal?: boolean;
}

/**
 * new nn.TransformerEncoder(encoder_layer, num_layers, norm=None): num_layers deep copies of
 * encoder_layer, then the optional final norm. forward(src, mask=None,
 * src_key_padding_mask=None, is_causal=False).
 */
export class TransformerEncoder extends Module {
  static override readonly __name__ = "TransformerEncoder";
  layers: ModuleList;
  num_layers: number;
  norm: Module | null;
  enable_nested_tensor: boolean;
  mask_check: boolean;

  // num_layers (and the layer) may come by keyword too: nn.TransformerEncoder(encoder_layer, num_layers=6)
  constructor(...args: PyArgs<[encoder_layer?: Module, num_layers?: number, norm?: Module | null], EncoderStackOptions>) {
    super();
    const a = parseArgsRequired<EncoderStackOptions>("TransformerEncoder", ["encoder_layer", "num_layers", "norm", "enable_nested_tensor", "mask_check"], 2, args);
    const num_layers = a.num_layers!;
    this.layers = clones(a.encoder_layer!, num_layers);
    this.num_layers = num_layers;
    this.norm = a.norm ?? null;
    this.enable_nested_tensor = a.enable_nested_tensor ?? true;
    this.mask_check = a.mask_check ?? true;
  }

  /** A shell for torch.load, whose saved layers replace the empty list. */
  static _from_settings(): TransformerEncoder {
    return new TransformerEncoder(new Module(), 0);
  }

  /**
   * torch 1.13's "sparsity fast path": in eval, with a src_key_padding_mask, no grad needed and the first layer a
   * batch_first post-norm TransformerEncoderLayer (relu / gelu, even head count, equal norm eps, no mask, a left-aligned
   * padding mask unless mask_check=false), torch runs the layers on a nested tensor of the real tokens and pads it back
   * with zeros, so padded positions come out 0 (before the final norm) and the sequence dim is cut to the longest row's
   * real length. Returns that padding (bool, true = pad: each row keeps its first n tokens, n its count of real ones, as
   * torch's _nested_tensor_from_mask does) and length when torch would take that path, else null.
   */
  private nestedTensorPadding(src: Tensor, o: EncoderForwardOptions): { pad: Tensor; length: number } | null {
    const kpm = o.src_key_padding_mask ?? null;
    const first = [...this.layers.children()][0] as Module | undefined;
    if (!(first instanceof TransformerEncoderLayer) || kpm === null || !(kpm instanceof Tensor)) return null;
    const sa = first.self_attn;
    const act = first.activation;
    const reluOrGelu = act === relu || act === gelu || act instanceof ReLU || act instanceof GELU;
    if (first.norm_first || first.training || !sa.batch_first || !sa._qkv_same_embed_dim || !reluOrGelu || first.norm1.eps !== first.norm2.eps) return null;
    if (src.dim() !== 3 || !this.enable_nested_tensor || (o.mask ?? null) !== null || sa.num_heads % 2 === 1) return null;
    if (kpm.dim() !== 2 || kpm.shape[0] !== src.shape[0] || kpm.shape[1] !== src.shape[1]) return null;
    const pad = kpm.dtype === bool ? kpm : kpm.ne(0);
    // left-aligned: no real token after a padded one in any row
    if (this.mask_check && pad.to(float32).cummax(1).values.gt(pad.to(float32)).any().item()) return null;
    if (is_grad_enabled()) {
      const weights = [src, sa.in_proj_weight, sa.in_proj_bias, sa.out_proj.weight, sa.out_proj.bias, first.norm1.weight, first.norm1.bias, first.norm2.weight, first.norm2.bias, first.linear1.weight, first.linear1.bias, first.linear2.weight, first.linear2.bias];
      if (weights.some((t) => t instanceof Tensor && t.requires_grad)) return null;
    }
    const real = pad.logical_not().sum(1);
    return { pad: arange(src.shape[1]).unsqueeze(0).ge(real.unsqueeze(1)), length: real.max().item() };
  }

  override forward(...all: PyArgs<[src: Tensor, mask?: Tensor | null, src_key_padding_mask?: Tensor | null, is_causal?: boolean], EncoderForwardOptions & { src?: Tensor }>): Tensor {
    const [src, ...args] = leadingArgs("TransformerEncoder.forward", ["src"], 1, all) as [Tensor, ...unknown[]];
    const o = parseArgs<EncoderForwardOptions>("TransformerEncoder.forward", ["mask", "src_key_padding_mask", "is_causal"], args);
    const nested = this.nestedTensorPadding(src, o);
    const kpm = nested ? nested.pad : (o.src_key_padding_mask ?? null);
    const body = () => {
      let out = src;
      for (const layer of this.layers.children()) {
        out = (layer as TransformerEncoderLayer)(out, { src_mask: o.mask ?? null, src_key_padding_mask: kpm, is_causal: o.is_causal ?? false });
      }
      // torch's nested-tensor path keeps only the real tokens and pads the result back with 0 (to_padded_tensor(0.)),
      // to the longest row's length
      if (nested) out = out.masked_fill(nested.pad.unsqueeze(-1), 0).narrow(1, 0, nested.length);
      return this.norm ? (this.norm(out) as Tensor) : out;
    };
    // Built-in layers throughout: the outputs between layers are private too (only the stack's result escapes).
    return stackRunsOnlyLibraryCode(this) ? withPrivateActivations(body) : body();
  }
}

/**
 * new nn.TransformerDecoder(decoder_layer, num_layers, norm=None). forward(tgt, memory,
 * tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None, memory_key_padding_mask=None,
 * tgt_is_causal=False, memory_is_causal=False).
 */
export class TransformerDecoder extends Module {
  static override readonly __name__ = "TransformerDecoder";
  layers: ModuleList;
  num_layers: number;
  norm: Module | null;

  // num_layers (and the layer) may come by keyword too: nn.TransformerDecoder(decoder_layer, num_layers=6)
  constructor(...args: PyArgs<[decoder_layer?: Module, num_layers?: number, norm?: Module | null], DecoderStackOptions>) {
    super();
    const a = parseArgsRequired<DecoderStackOptions>("TransformerDecoder", ["decoder_layer", "num_layers", "norm"], 2, args);
    const num_layers = a.num_layers!;
    this.layers = clones(a.decoder_layer!, num_layers);
    this.num_layers = num_layers;
    this.norm = a.norm ?? null;
  }

  static _from_settings(): TransformerDecoder {
    return new TransformerDecoder(new Module(), 0);
  }

  override forward(...all: PyArgs<[tgt: Tensor, memory: Tensor, ...DecoderForwardPositional], DecoderForwardKeywords>): Tensor {
    const [tgt, memory, ...args] = leadingArgs("TransformerDecoder.forward", ["tgt", "memory"], 2, all) as [Tensor, Tensor, ...unknown[]];
    const o = parseArgs<DecoderLayerForwardOptions>("TransformerDecoder.forward", [...DECODER_FORWARD_NAMES], args);
    const body = () => {
      let out = tgt;
      for (const layer of this.layers.children()) out = (layer as TransformerDecoderLayer)(out, memory, o);
      return this.norm ? (this.norm(out) as Tensor) : out;
    };
    return stackRunsOnlyLibraryCode(this) ? withPrivateActivations(body) : body();
  }
}

export interface TransformerOptions extends TransformerLayerOptions {
  d_model?: number;
  nhead?: number;
  num_encoder_layers?: number;
  num_decoder_layers?: number;
  custom_encoder?: Module | null;
  custom_decoder?: Module | null;
}

export interface TransformerForwardOptions {
  src_mask?: Tensor | null;
  tgt_mask?: Tensor | null;
  memory_mask?: Tensor | null;
  src_key_padding_mask?: Tensor | null;
  tgt_key_padding_mask?: Tensor | null;
  memory_key_padding_mask?: Tensor | null;
  src_is_causal?: boolean;
  tgt_is_causal?: boolean;
  memory_is_causal?: boolean;
}

/**
 * new nn.Transformer(d_model=512, nhead=8, num_encoder_layers=6, num_decoder_layers=6,
 * dim_feedforward=2048, dropout=0.1, activation="relu", custom_encoder=None,
 * custom_decoder=None, layer_norm_eps=1e-5, batch_first=False, norm_first=False, bias=True).
 * forward(src, tgt, src_mask, tgt_mask, memory_mask, src_key_padding_mask,
 * tgt_key_padding_mask, memory_key_padding_mask) -> the decoder's output.
 */
export class Transformer extends Module {
  static override readonly __name__ = "Transformer";
  encoder: Module;
  decoder: Module;
  d_model: number;
  nhead: number;
  batch_first: boolean;

  constructor(
    ...args: PyArgs<
      [
        d_model?: number,
        nhead?: number,
        num_encoder_layers?: number,
        num_decoder_layers?: number,
        dim_feedforward?: number,
        dropout?: number,
        activation?: TransformerActivation,
        custom_encoder?: Module | null,
        custom_decoder?: Module | null,
        layer_norm_eps?: number,
        batch_first?: boolean,
        norm_first?: boolean,
        bias?: boolean,
      ],
      TransformerOptions
    >
  ) {
    super();
    const a = parseArgs<TransformerOptions>(
      "Transformer",
      ["d_model", "nhead", "num_encoder_layers", "num_decoder_layers", "dim_feedforward", "dropout", "activation", "custom_encoder", "custom_decoder", "layer_norm_eps", "batch_first", "norm_first", "bias", "dtype"],
      args,
    );
    const d_model = a.d_model ?? 512;
    const nhead = a.nhead ?? 8;
    const layerOpts: TransformerLayerOptions = {
      dim_feedforward: a.dim_feedforward ?? 2048,
      dropout: a.dropout ?? 0.1,
      activation: a.activation ?? "relu",
      layer_norm_eps: a.layer_norm_eps ?? 1e-5,
      batch_first: a.batch_first ?? false,
      norm_first: a.norm_first ?? false,
      bias: a.bias ?? true,
      dtype: a.dtype ?? float32,
    };
    const norm = (): LayerNorm => new LayerNorm(d_model, { eps: layerOpts.layer_norm_eps, bias: layerOpts.bias, dtype: layerOpts.dtype });
    if (a.custom_encoder) this.encoder = a.custom_encoder;
    else {
      const layer = new TransformerEncoderLayer(d_model, nhead, layerOpts);
      this.encoder = new TransformerEncoder(layer, a.num_encoder_layers ?? 6, norm());
    }
    if (a.custom_decoder) this.decoder = a.custom_decoder;
    else {
      const layer = new TransformerDecoderLayer(d_model, nhead, layerOpts);
      this.decoder = new TransformerDecoder(layer, a.num_decoder_layers ?? 6, norm());
    }
    this.d_model = d_model;
    this.nhead = nhead;
    this.batch_first = layerOpts.batch_first!;
    for (const p of this.parameters()) if (p.dim() > 1) xavier_uniform_(p);
  }

  static _from_settings(s: Record<string, unknown>): Transformer {
    return new Transformer({ d_model: s.d_model as number, nhead: s.nhead as number, custom_encoder: new Module(), custom_decoder: new Module() });
  }

  /**
   * forward(src, tgt, src_mask=None, tgt_mask=None, memory_mask=None, src_key_padding_mask=None,
   * tgt_key_padding_mask=None, memory_key_padding_mask=None): the masks positionally too, as the
   * translation tutorial passes them (an options object alone used to swallow a positional mask).
   */
  override forward(
    ...all: PyArgs<
      [src: Tensor, tgt: Tensor, src_mask?: Tensor | null, tgt_mask?: Tensor | null, memory_mask?: Tensor | null, src_key_padding_mask?: Tensor | null, tgt_key_padding_mask?: Tensor | null, memory_key_padding_mask?: Tensor | null],
      TransformerForwardOptions & { src?: Tensor; tgt?: Tensor }
    >
  ): Tensor {
    const [src, tgt, ...args] = leadingArgs("Transformer.forward", ["src", "tgt"], 2, all) as [Tensor, Tensor, ...unknown[]];
    const opts = parseArgs<TransformerForwardOptions>(
      "Transformer.forward",
      ["src_mask", "tgt_mask", "memory_mask", "src_key_padding_mask", "tgt_key_padding_mask", "memory_key_padding_mask", "src_is_causal", "tgt_is_causal", "memory_is_causal"],
      args,
    );
    const batched = src.dim() === 3;
    const bdim = this.batch_first ? 0 : 1;
    if (batched && src.shape[bdim] !== tgt.shape[bdim]) throw new RuntimeError("the batch number of src and tgt must be equal");
    if (src.shape[src.dim() - 1] !== this.d_model || tgt.shape[tgt.dim() - 1] !== this.d_model) {
      throw new RuntimeError("the feature number of src and tgt must be equal to d_model");
    }
    const memory = this.encoder(src, { mask: opts.src_mask ?? null, src_key_padding_mask: opts.src_key_padding_mask ?? null, is_causal: opts.src_is_causal ?? false }) as Tensor;
    return this.decoder(tgt, memory, {
      tgt_mask: opts.tgt_mask ?? null,
      memory_mask: opts.memory_mask ?? null,
      tgt_key_padding_mask: opts.tgt_key_padding_mask ?? null,
      memory_key_padding_mask: opts.memory_key_padding_mask ?? null,
      tgt_is_causal: opts.tgt_is_causal ?? false,
      memory_is_causal: opts.memory_is_causal ?? false,
    }) as Tensor;
  }

  /** [sz, sz] float mask: 0 on and below the diagonal, -inf above (position i sees 0..i). */
  static generate_square_subsequent_mask(sz: number, opts: { dtype?: DType } = {}): Tensor {
    if (!Number.isInteger(sz) || sz < 0) throw new RuntimeError(`generate_square_subsequent_mask: sz must be a non-negative integer, got ${String(sz)}`);
    const future = arange(sz).unsqueeze(0).gt(arange(sz).unsqueeze(1));
    return zeros([sz, sz], { dtype: opts.dtype ?? float32 }).masked_fill(future, -Infinity);
  }

  /** model.generate_square_subsequent_mask(sz): torch's staticmethod called on an instance, as the tutorials do. */
  generate_square_subsequent_mask(sz: number, opts: { dtype?: DType } = {}): Tensor {
    return Transformer.generate_square_subsequent_mask(sz, opts);
  }
}
