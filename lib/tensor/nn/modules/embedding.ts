/** Embedding: a learnable table of vectors looked up by integer index (token ids). */
import { parseArgsRequired, type PyArgs } from "../../args";
import { no_grad } from "../../autograd/grad_mode";
import { float32, type DType } from "../../dtype";
import { RuntimeError } from "../../errors";
import { empty } from "../../ops/util";
import type { Tensor } from "../../tensor";
import { embedding, resolvePaddingIdx } from "../functional/embedding";
import { pretrainedArgs } from "./from_pretrained";
import { normal_ } from "../init";
import { Module } from "../module";
import { Parameter } from "../parameter";
import { checkDevice, type DeviceLike } from "../placement";
import { pyBool, pyFloat } from "../repr";

export interface EmbeddingOptions {
  /** Required; also accepted by keyword (`nn.Embedding(num_embeddings=10, embedding_dim=3)`). */
  num_embeddings?: number;
  embedding_dim?: number;
  padding_idx?: number | null;
  max_norm?: number | null;
  norm_type?: number;
  scale_grad_by_freq?: boolean;
  sparse?: boolean;
  /** Keyword only: use this [num_embeddings, embedding_dim] tensor as the weight (no init). */
  _weight?: Tensor | null;
  /** PyTorch's factory keyword: the CPU (or null); any other device raises. */
  device?: DeviceLike | null;
  dtype?: DType;
}

/** Embedding.from_pretrained's keywords (torch 1.13: no sizes, device or dtype, which the embeddings give). */
export interface FromPretrainedOptions extends Omit<EmbeddingOptions, "_weight" | "dtype" | "device" | "num_embeddings" | "embedding_dim"> {
  freeze?: boolean;
}
type FromPretrainedPositional = [freeze?: boolean, padding_idx?: number | null, max_norm?: number | null, norm_type?: number, scale_grad_by_freq?: boolean, sparse?: boolean];
const PRETRAINED_NAMES = ["embeddings", "freeze", "padding_idx", "max_norm", "norm_type", "scale_grad_by_freq", "sparse"] as const;


type EmbeddingPositional = [num_embeddings?: number, embedding_dim?: number, padding_idx?: number | null, max_norm?: number | null, norm_type?: number, scale_grad_by_freq?: boolean, sparse?: boolean];
const NAMES = ["num_embeddings", "embedding_dim", "padding_idx", "max_norm", "norm_type", "scale_grad_by_freq", "sparse", "_weight", "device", "dtype"] as const;

/**
 * new nn.Embedding(num_embeddings, embedding_dim, padding_idx=None, max_norm=None,
 * norm_type=2.0, scale_grad_by_freq=False, sparse=False). Weight ~ N(0, 1) as in PyTorch, with
 * the padding_idx row zeroed; that row receives no gradient, so it stays a fixed "no token".
 */
export class Embedding extends Module {
  static override readonly __name__ = "Embedding";
  num_embeddings: number;
  embedding_dim: number;
  padding_idx: number | null;
  max_norm: number | null;
  norm_type: number;
  scale_grad_by_freq: boolean;
  sparse: boolean;
  weight: Parameter;

  constructor(...args: PyArgs<EmbeddingPositional, EmbeddingOptions>) {
    super();
    const a = parseArgsRequired<EmbeddingOptions>("Embedding", [...NAMES], 2, args);
    checkDevice(a.device, "Embedding");
    const num_embeddings = a.num_embeddings!;
    const embedding_dim = a.embedding_dim!;
    for (const [v, what] of [[num_embeddings, "num_embeddings"], [embedding_dim, "embedding_dim"]] as const) {
      if (!Number.isInteger(v) || v < 0) throw new RuntimeError(`Embedding: ${what} must be a non-negative integer, got ${String(v)}`);
    }
    this.num_embeddings = num_embeddings;
    this.embedding_dim = embedding_dim;
    this.padding_idx = resolvePaddingIdx(a.padding_idx, num_embeddings);
    this.max_norm = a.max_norm ?? null;
    this.norm_type = a.norm_type ?? 2.0;
    this.scale_grad_by_freq = a.scale_grad_by_freq ?? false;
    this.sparse = a.sparse ?? false;
    if (a._weight) {
      if (a._weight.shape.join() !== [num_embeddings, embedding_dim].join()) {
        throw new RuntimeError("Shape of weight does not match num_embeddings and embedding_dim");
      }
      this.weight = new Parameter(a._weight);
    } else {
      this.weight = new Parameter(empty([num_embeddings, embedding_dim], a.dtype ?? float32));
      this.reset_parameters();
    }
    this._guard_slots();
  }

  /**
   * Embedding.from_pretrained(embeddings, freeze=True, padding_idx=None, max_norm=None, norm_type=2.0,
   * scale_grad_by_freq=False, sparse=False), each positional or by keyword: frozen unless freeze=false.
   */
  static from_pretrained(embeddings: Tensor, ...args: PyArgs<FromPretrainedPositional, FromPretrainedOptions>): Embedding;
  /** nn.Embedding.from_pretrained(embeddings=w, freeze=False) */
  static from_pretrained(options: FromPretrainedOptions & { embeddings: Tensor }): Embedding;
  static from_pretrained(...args: unknown[]): Embedding {
    const { embeddings, freeze = true, ...rest } = pretrainedArgs<FromPretrainedOptions & { embeddings: Tensor }>([...PRETRAINED_NAMES], args);
    const [rows, cols] = embeddings.shape;
    const m = new Embedding(rows, cols, { ...rest, _weight: embeddings.detach() });
    m.weight.requires_grad_(!freeze);
    return m;
  }

  /** Rebuilds from saved settings (torch.load); the weights are loaded afterwards. */
  static _from_settings(s: Record<string, unknown>): Embedding {
    return new Embedding(s.num_embeddings as number, s.embedding_dim as number);
  }

  reset_parameters(): void {
    normal_(this.weight);
    this._fill_padding_idx_with_zero();
  }

  _fill_padding_idx_with_zero(): void {
    if (this.padding_idx === null) return;
    const D = this.embedding_dim;
    no_grad(() => {
      const at = this.weight._offset + this.padding_idx! * D;
      this.weight._data.fill(0, at, at + D);
      this.weight._bump("fill_");
    });
  }

  override forward(input: Tensor): Tensor {
    return embedding(input, this.weight, {
      padding_idx: this.padding_idx,
      max_norm: this.max_norm,
      norm_type: this.norm_type,
      scale_grad_by_freq: this.scale_grad_by_freq,
      sparse: this.sparse,
    });
  }

  override extra_repr(): string {
    let s = `${this.num_embeddings}, ${this.embedding_dim}`;
    if (this.padding_idx !== null) s += `, padding_idx=${this.padding_idx}`;
    if (this.max_norm !== null) s += `, max_norm=${pyFloat(this.max_norm)}`;
    if (this.norm_type !== 2) s += `, norm_type=${pyFloat(this.norm_type)}`;
    if (this.scale_grad_by_freq) s += `, scale_grad_by_freq=${pyBool(true)}`;
    if (this.sparse) s += ", sparse=True";
    return s;
  }
}
