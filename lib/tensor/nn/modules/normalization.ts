/** LayerNorm: normalises each sample over its trailing normalized_shape dims (transformers' norm). */
import { parseArgs, type PyArgs } from "../../args";
import { float32, type DType } from "../../dtype";
import { RuntimeError, TypeError_ } from "../../errors";
import { empty } from "../../ops/util";
import type { Tensor } from "../../tensor";
import { layer_norm } from "../functional/normalization";
import { ones_, zeros_ } from "../init";
import { Module } from "../module";
import { Parameter } from "../parameter";
import { pyBool, pyFloat } from "../repr";
import { pyTuple } from "./_pyrepr";
import { checkDevice, type DeviceLike } from "../placement";

export interface LayerNormOptions {
  eps?: number;
  elementwise_affine?: boolean;
  /** PyTorch 2.1's switch for the additive part of the affine (default true). */
  bias?: boolean;
  /** PyTorch's factory keyword: the CPU (or null); any other device raises. */
  device?: DeviceLike | null;
  dtype?: DType;
}

/**
 * new nn.LayerNorm(normalized_shape, eps=1e-5, elementwise_affine=True, bias=True):
 * normalized_shape is an int (the last dim) or a list of trailing dims. weight starts at ones,
 * bias at zeros, as in PyTorch.
 */
export class LayerNorm extends Module {
  static override readonly __name__ = "LayerNorm";
  normalized_shape: number[];
  eps: number;
  elementwise_affine: boolean;
  weight!: Parameter | null;
  bias!: Parameter | null;

  constructor(normalized_shape: number | readonly number[], ...args: PyArgs<[eps?: number, elementwise_affine?: boolean, bias?: boolean], LayerNormOptions>);
  /** nn.LayerNorm(normalized_shape=64, eps=1e-6): the shape by keyword too. */
  constructor(options: LayerNormOptions & { normalized_shape: number | readonly number[] });
  constructor(...all: unknown[]) {
    super();
    const a = parseArgs<LayerNormOptions & { normalized_shape?: number | readonly number[] }>("LayerNorm", ["normalized_shape", "eps", "elementwise_affine", "bias", "device", "dtype"], all);
    if (a.normalized_shape === undefined) throw new TypeError_("LayerNorm.__init__() missing 1 required positional argument: 'normalized_shape'");
    const normalized_shape = a.normalized_shape;
    checkDevice(a.device, "LayerNorm");
    const shape = typeof normalized_shape === "number" ? [normalized_shape] : [...normalized_shape];
    if (shape.length === 0 || shape.some((s) => !Number.isInteger(s) || s < 0)) {
      throw new RuntimeError(`LayerNorm: normalized_shape must be a positive int or a non-empty list of them, got ${JSON.stringify(normalized_shape)}`);
    }
    const dtype = a.dtype ?? float32;
    this.normalized_shape = shape;
    this.eps = a.eps ?? 1e-5;
    this.elementwise_affine = a.elementwise_affine ?? true;
    this.register_parameter("weight", this.elementwise_affine ? new Parameter(empty(shape, dtype)) : null);
    this.register_parameter("bias", this.elementwise_affine && (a.bias ?? true) ? new Parameter(empty(shape, dtype)) : null);
    this.reset_parameters();
    this._guard_slots();
  }

  static _from_settings(s: Record<string, unknown>): LayerNorm {
    return new LayerNorm(s.normalized_shape as number[], { elementwise_affine: s.elementwise_affine as boolean });
  }

  reset_parameters(): void {
    if (this.weight) ones_(this.weight);
    if (this.bias) zeros_(this.bias);
  }

  override forward(input: Tensor): Tensor {
    return layer_norm(input, this.normalized_shape, this.weight, this.bias, this.eps);
  }

  override extra_repr(): string {
    return `${pyTuple(this.normalized_shape)}, eps=${pyFloat(this.eps)}, elementwise_affine=${pyBool(this.elementwise_affine)}`;
  }
}
