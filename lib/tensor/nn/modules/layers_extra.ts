/** Unflatten, Bilinear, MaxUnpool1d / MaxUnpool2d and EmbeddingBag, printed as PyTorch 1.13 prints them. */
import { parseArgs, type PyArgs, type PyArgsExact } from "../../args";
import { float32, type DType } from "../../dtype";
import { ValueError } from "../../errors";
import { empty } from "../../ops/util";
import type { Tensor } from "../../tensor";
import * as Fl from "../functional/layers_extra";
import { normal_, uniform_ } from "../init";
import { Module } from "../module";
import { Parameter } from "../parameter";
import { pyBool, pyFloat } from "../repr";
import { pyTuple } from "./_pyrepr";
import { pretrainedArgs } from "./from_pretrained";

/** new nn.Unflatten(dim, unflattened_size): expands one dim into the given sizes. */
export class Unflatten extends Module {
  static override readonly __name__ = "Unflatten";
  dim: number;
  unflattened_size: number[];
  constructor(...args: PyArgsExact<[dim: number, unflattened_size: readonly number[]], { dim?: number; unflattened_size?: readonly number[] }>) {
    super();
    const a = parseArgs<{ dim?: number; unflattened_size?: readonly number[] }>("Unflatten", ["dim", "unflattened_size"], args);
    if (typeof a.dim !== "number") throw new TypeError(`invalid argument for dim: expected an int, got ${typeof a.dim}`);
    if (!Array.isArray(a.unflattened_size)) throw new TypeError(`unflattened_size must be tuple of ints, but found type ${typeof a.unflattened_size}`);
    this.dim = a.dim;
    this.unflattened_size = [...a.unflattened_size];
  }
  override forward(input: Tensor): Tensor {
    return input.unflatten(this.dim, this.unflattened_size);
  }
  override extra_repr(): string {
    return `dim=${this.dim}, unflattened_size=${pyTuple(this.unflattened_size)}`;
  }
}

interface BilinearOptions {
  in1_features?: number;
  in2_features?: number;
  out_features?: number;
  bias?: boolean | null;
  dtype?: DType;
}

/** new nn.Bilinear(in1_features, in2_features, out_features, bias=true): weight and bias ~ U(-1/sqrt(in1), 1/sqrt(in1)). */
export class Bilinear extends Module {
  static override readonly __name__ = "Bilinear";
  in1_features: number;
  in2_features: number;
  out_features: number;
  weight: Parameter;
  bias!: Parameter | null;
  constructor(...args: PyArgs<[in1_features: number, in2_features: number, out_features: number, bias?: boolean | null], BilinearOptions>) {
    super();
    const a = parseArgs<BilinearOptions>("Bilinear", ["in1_features", "in2_features", "out_features", "bias", "dtype"], args);
    if (a.in1_features === undefined || a.in2_features === undefined || a.out_features === undefined) {
      throw new ValueError("Bilinear() needs in1_features, in2_features and out_features");
    }
    this.in1_features = a.in1_features;
    this.in2_features = a.in2_features;
    this.out_features = a.out_features;
    const dtype = a.dtype ?? float32;
    this.weight = new Parameter(empty([this.out_features, this.in1_features, this.in2_features], dtype));
    this.register_parameter("bias", (a.bias === undefined || Boolean(a.bias)) ? new Parameter(empty([this.out_features], dtype)) : null);
    this.reset_parameters();
    this._guard_slots();
  }
  reset_parameters(): void {
    const bound = 1 / Math.sqrt(this.weight.shape[1]);
    uniform_(this.weight, -bound, bound);
    if (this.bias) uniform_(this.bias, -bound, bound);
  }
  override forward(input1: Tensor, input2: Tensor): Tensor {
    return Fl.bilinear(input1, input2, this.weight, this.bias);
  }
  override extra_repr(): string {
    return `in1_features=${this.in1_features}, in2_features=${this.in2_features}, out_features=${this.out_features}, bias=${pyBool(this.bias !== null)}`;
  }
}

type IntOrTuple = number | readonly number[];
interface MaxUnpoolModuleOptions {
  kernel_size?: IntOrTuple;
  stride?: IntOrTuple | null;
  padding?: IntOrTuple;
}

abstract class MaxUnpoolNd extends Module {
  kernel_size: number[];
  stride: number[];
  padding: number[];
  protected abstract readonly n: number;
  constructor(n: number, args: readonly unknown[]) {
    super();
    const a = parseArgs<MaxUnpoolModuleOptions>(this._get_name(), ["kernel_size", "stride", "padding"], args);
    if (a.kernel_size === undefined) throw new ValueError(`${this._get_name()}() needs kernel_size`);
    const tuple = (v: IntOrTuple): number[] => (typeof v === "number" ? new Array<number>(n).fill(v) : [...v]);
    this.kernel_size = tuple(a.kernel_size);
    this.stride = tuple(a.stride ?? a.kernel_size);
    this.padding = tuple(a.padding ?? 0);
  }
  override extra_repr(): string {
    return `kernel_size=${pyTuple(this.kernel_size)}, stride=${pyTuple(this.stride)}, padding=${pyTuple(this.padding)}`;
  }
}

/** forward(input, indices, output_size=None): output_size also by keyword, unpool(output, indices, { output_size: input.size() }). */
type UnpoolOutputSizeArgs = PyArgs<[output_size?: readonly number[] | null], { output_size?: readonly number[] | null }>;

type MaxUnpoolArgs = PyArgs<[kernel_size: IntOrTuple, stride?: IntOrTuple | null, padding?: IntOrTuple], MaxUnpoolModuleOptions>;

/** new nn.MaxUnpool1d(kernel_size, stride=None, padding=0); forward(input, indices, output_size=None) */
export class MaxUnpool1d extends MaxUnpoolNd {
  static override readonly __name__ = "MaxUnpool1d";
  protected readonly n = 1;
  constructor(...args: MaxUnpoolArgs) {
    super(1, args);
  }
  override forward(input: Tensor, indices: Tensor, ...args: UnpoolOutputSizeArgs): Tensor {
    const { output_size } = parseArgs<{ output_size?: readonly number[] | null }>("MaxUnpool1d.forward", ["output_size"], args);
    return Fl.max_unpool1d(input, indices, this.kernel_size, this.stride, this.padding, output_size ?? null);
  }
}

/** new nn.MaxUnpool2d(kernel_size, stride=None, padding=0); forward(input, indices, output_size=None) */
export class MaxUnpool2d extends MaxUnpoolNd {
  static override readonly __name__ = "MaxUnpool2d";
  protected readonly n = 2;
  constructor(...args: MaxUnpoolArgs) {
    super(2, args);
  }
  override forward(input: Tensor, indices: Tensor, ...args: UnpoolOutputSizeArgs): Tensor {
    const { output_size } = parseArgs<{ output_size?: readonly number[] | null }>("MaxUnpool2d.forward", ["output_size"], args);
    return Fl.max_unpool2d(input, indices, this.kernel_size, this.stride, this.padding, output_size ?? null);
  }
}

/** new nn.MaxUnpool3d(kernel_size, stride=None, padding=0); forward(input, indices, output_size=None) */
export class MaxUnpool3d extends MaxUnpoolNd {
  static override readonly __name__ = "MaxUnpool3d";
  protected readonly n = 3;
  constructor(...args: MaxUnpoolArgs) {
    super(3, args);
  }
  override forward(input: Tensor, indices: Tensor, ...args: UnpoolOutputSizeArgs): Tensor {
    const { output_size } = parseArgs<{ output_size?: readonly number[] | null }>("MaxUnpool3d.forward", ["output_size"], args);
    return Fl.max_unpool3d(input, indices, this.kernel_size, this.stride, this.padding, output_size ?? null);
  }
}

interface EmbeddingBagModuleOptions {
  num_embeddings?: number;
  embedding_dim?: number;
  max_norm?: number | null;
  norm_type?: number;
  scale_grad_by_freq?: boolean;
  mode?: Fl.EmbeddingBagMode;
  sparse?: boolean;
  _weight?: Tensor | null;
  include_last_offset?: boolean;
  padding_idx?: number | null;
  dtype?: DType;
}

export interface EmbeddingBagFromPretrainedOptions extends Omit<EmbeddingBagModuleOptions, "_weight" | "dtype" | "num_embeddings" | "embedding_dim"> {
  freeze?: boolean;
}
type BagFromPretrainedPositional = [
  freeze?: boolean, max_norm?: number | null, norm_type?: number, scale_grad_by_freq?: boolean, mode?: Fl.EmbeddingBagMode, sparse?: boolean,
  include_last_offset?: boolean, padding_idx?: number | null,
];
const BAG_PRETRAINED_NAMES = ["embeddings", "freeze", "max_norm", "norm_type", "scale_grad_by_freq", "mode", "sparse", "include_last_offset", "padding_idx"] as const;

/**
 * new nn.EmbeddingBag(num_embeddings, embedding_dim, max_norm=None, norm_type=2.0,
 * scale_grad_by_freq=False, mode='mean', sparse=False, _weight=None, include_last_offset=False,
 * padding_idx=None); forward(input, offsets=None, per_sample_weights=None). Weight ~ N(0, 1),
 * the padding_idx row zeroed.
 */
export class EmbeddingBag extends Module {
  static override readonly __name__ = "EmbeddingBag";
  num_embeddings: number;
  embedding_dim: number;
  max_norm: number | null;
  norm_type: number;
  scale_grad_by_freq: boolean;
  mode: Fl.EmbeddingBagMode;
  sparse: boolean;
  include_last_offset: boolean;
  padding_idx: number | null;
  weight: Parameter;
  constructor(
    ...args: PyArgs<
      [
        num_embeddings: number,
        embedding_dim: number,
        max_norm?: number | null,
        norm_type?: number,
        scale_grad_by_freq?: boolean,
        mode?: Fl.EmbeddingBagMode,
        sparse?: boolean,
        _weight?: Tensor | null,
        include_last_offset?: boolean,
        padding_idx?: number | null,
      ],
      EmbeddingBagModuleOptions
    >
  ) {
    super();
    const a = parseArgs<EmbeddingBagModuleOptions>(
      "EmbeddingBag",
      ["num_embeddings", "embedding_dim", "max_norm", "norm_type", "scale_grad_by_freq", "mode", "sparse", "_weight", "include_last_offset", "padding_idx", "dtype"],
      args,
    );
    if (a.num_embeddings === undefined || a.embedding_dim === undefined) throw new ValueError("EmbeddingBag() needs num_embeddings and embedding_dim");
    this.num_embeddings = a.num_embeddings;
    this.embedding_dim = a.embedding_dim;
    this.max_norm = a.max_norm ?? null;
    this.norm_type = a.norm_type ?? 2.0;
    this.scale_grad_by_freq = a.scale_grad_by_freq ?? false;
    this.mode = a.mode ?? "mean";
    this.sparse = a.sparse ?? false;
    this.include_last_offset = a.include_last_offset ?? false;
    let pad = a.padding_idx ?? null;
    if (pad !== null) {
      if (!(pad < this.num_embeddings && pad >= -this.num_embeddings)) throw new ValueError("padding_idx must be within num_embeddings");
      if (pad < 0) pad += this.num_embeddings;
    }
    this.padding_idx = pad;
    if (a._weight) {
      if (a._weight.shape.join() !== `${this.num_embeddings},${this.embedding_dim}`) throw new ValueError("Shape of weight does not match num_embeddings and embedding_dim");
      this.weight = new Parameter(a._weight);
    } else {
      this.weight = new Parameter(empty([this.num_embeddings, this.embedding_dim], a.dtype ?? float32));
      this.reset_parameters();
    }
    this._guard_slots();
  }
  /**
   * EmbeddingBag.from_pretrained(embeddings, freeze=True, max_norm=None, norm_type=2.0,
   * scale_grad_by_freq=False, mode='mean', sparse=False, include_last_offset=False, padding_idx=None):
   * each positional or by keyword (from_pretrained({ embeddings: w, mode: "sum" })): the weight shares the given
   * tensor's storage (padding row not zeroed), frozen unless freeze=false.
   */
  static from_pretrained(embeddings: Tensor, ...args: PyArgs<BagFromPretrainedPositional, EmbeddingBagFromPretrainedOptions>): EmbeddingBag;
  static from_pretrained(options: EmbeddingBagFromPretrainedOptions & { embeddings: Tensor }): EmbeddingBag;
  static from_pretrained(...args: unknown[]): EmbeddingBag {
    const { embeddings, freeze = true, ...rest } = pretrainedArgs<EmbeddingBagFromPretrainedOptions & { embeddings: Tensor }>([...BAG_PRETRAINED_NAMES], args);
    const [rows, cols] = embeddings.shape;
    const bag = new EmbeddingBag(rows, cols, { ...rest, _weight: embeddings.detach() });
    bag.weight.requires_grad_(!freeze);
    return bag;
  }
  reset_parameters(): void {
    normal_(this.weight);
    if (this.padding_idx !== null) this.weight._data.fill(0, this.padding_idx * this.embedding_dim, (this.padding_idx + 1) * this.embedding_dim);
  }
  /** forward(input, offsets=None, per_sample_weights=None), each positional or by keyword (bag(x, offsets, { per_sample_weights: w })). */
  override forward(input: Tensor, ...args: PyArgs<[offsets?: Tensor | null, per_sample_weights?: Tensor | null], { offsets?: Tensor | null; per_sample_weights?: Tensor | null }>): Tensor {
    const a = parseArgs<{ offsets?: Tensor | null; per_sample_weights?: Tensor | null }>("forward", ["offsets", "per_sample_weights"], args);
    const offsets = a.offsets ?? null;
    const per_sample_weights = a.per_sample_weights ?? null;
    return Fl.embedding_bag(input, this.weight, {
      offsets, max_norm: this.max_norm, norm_type: this.norm_type, scale_grad_by_freq: this.scale_grad_by_freq, mode: this.mode,
      sparse: this.sparse, per_sample_weights, include_last_offset: this.include_last_offset, padding_idx: this.padding_idx,
    });
  }
  override extra_repr(): string {
    let s = `${this.num_embeddings}, ${this.embedding_dim}`;
    if (this.max_norm !== null) s += `, max_norm=${pyFloat(this.max_norm)}`;
    if (this.norm_type !== 2) s += `, norm_type=${pyFloat(this.norm_type)}`;
    if (this.scale_grad_by_freq) s += ", scale_grad_by_freq=True";
    s += `, mode=${this.mode}`;
    if (this.padding_idx !== null) s += `, padding_idx=${this.padding_idx}`;
    return s;
  }
}
