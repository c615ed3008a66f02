/**
 * PyTorch's _ConvNd, shared by Conv1d/2d/3d and ConvTranspose1d/2d/3d (conv.ts, conv3d.ts): the
 * settings and their checks, the default initialisation (kaiming_uniform_(weight, a=sqrt(5)),
 * bias ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)) drawn in that order), padding modes and printing.
 * Kept out of nn's exports, as PyTorch's _ConvNd is private.
 */
import { float32, type DType } from "../../dtype";
import { TypeError_, ValueError } from "../../errors";
import { empty } from "../../ops/util";
import type { Tensor } from "../../tensor";
import { convPadding, ntuple, type ConvPadding, type Size } from "../functional/conv";
import { pad } from "../functional/padding";
import { _calculate_fan_in_and_fan_out, kaiming_uniform_, uniform_ } from "../init";
import { Module } from "../module";
import { Parameter } from "../parameter";
import { torchSize } from "../repr";
import { checkDevice, type DeviceLike } from "../placement";
import { pyTuple } from "./_pyrepr";

export type PaddingMode = "zeros" | "reflect" | "replicate" | "circular";
const PADDING_MODES: readonly string[] = ["zeros", "reflect", "replicate", "circular"];

export interface ConvModuleOptions {
  stride?: Size;
  padding?: ConvPadding;
  dilation?: Size;
  groups?: number;
  bias?: boolean | null;
  padding_mode?: PaddingMode;
  device?: DeviceLike | null;
  dtype?: DType;
}

export interface ConvTransposeModuleOptions {
  stride?: Size;
  padding?: Size;
  output_padding?: Size;
  groups?: number;
  bias?: boolean | null;
  dilation?: Size;
  padding_mode?: PaddingMode;
  device?: DeviceLike | null;
  dtype?: DType;
}

export type ConvPositional = [
  stride?: Size, padding?: ConvPadding, dilation?: Size, groups?: number, bias?: boolean | null, padding_mode?: PaddingMode,
  device?: DeviceLike | null, dtype?: DType,
];
export type ConvTransposePositional = [
  stride?: Size, padding?: Size, output_padding?: Size, groups?: number, bias?: boolean | null, dilation?: Size,
  padding_mode?: PaddingMode, device?: DeviceLike | null, dtype?: DType,
];

/** The shared part of every convolution module (PyTorch's _ConvNd). */
export abstract class ConvNd extends Module {
  in_channels: number;
  out_channels: number;
  kernel_size: number[];
  stride: number[];
  padding: number[] | "same" | "valid";
  dilation: number[];
  transposed: boolean;
  output_padding: number[];
  groups: number;
  padding_mode: PaddingMode;
  weight: Parameter;
  bias!: Parameter | null;

  protected constructor(
    name: string, rank: number, transposed: boolean, in_channels: number, out_channels: number, kernel_size: Size,
    o: ConvModuleOptions & { output_padding?: Size },
  ) {
    super();
    for (const [v, what] of [[in_channels, "in_channels"], [out_channels, "out_channels"], [kernel_size, "kernel_size"]] as const) {
      if (v === undefined) throw new TypeError_(`${name}.__init__() missing required positional argument: '${what}'`);
    }
    const groups = o.groups ?? 1;
    if (!(groups > 0) || !Number.isInteger(groups)) throw new ValueError("groups must be a positive integer");
    if (in_channels % groups !== 0) throw new ValueError("in_channels must be divisible by groups");
    if (out_channels % groups !== 0) throw new ValueError("out_channels must be divisible by groups");
    const padding = o.padding ?? 0;
    const stride = ntuple(name, "stride", o.stride ?? 1, rank);
    if (typeof padding === "string") {
      if (padding !== "same" && padding !== "valid") {
        throw new ValueError(`Invalid padding string '${String(padding)}', should be one of {'valid', 'same'}`);
      }
      if (padding === "same" && stride.some((s) => s !== 1)) {
        throw new ValueError("padding='same' is not supported for strided convolutions");
      }
    }
    const padding_mode = o.padding_mode ?? "zeros";
    if (!PADDING_MODES.includes(padding_mode)) {
      throw new ValueError(`padding_mode must be one of ['zeros', 'reflect', 'replicate', 'circular'], but got padding_mode='${String(padding_mode)}'`);
    }
    checkDevice(o.device, name);
    const dtype = o.dtype ?? float32;
    this.in_channels = in_channels;
    this.out_channels = out_channels;
    this.kernel_size = ntuple(name, "kernel_size", kernel_size, rank);
    this.stride = stride;
    this.padding = typeof padding === "string" ? padding : ntuple(name, "padding", padding, rank);
    this.dilation = ntuple(name, "dilation", o.dilation ?? 1, rank);
    this.transposed = transposed;
    this.output_padding = ntuple(name, "output_padding", o.output_padding ?? 0, rank);
    this.groups = groups;
    this.padding_mode = padding_mode;
    const wShape = transposed
      ? [in_channels, out_channels / groups, ...this.kernel_size]
      : [out_channels, in_channels / groups, ...this.kernel_size];
    this.weight = new Parameter(empty(wShape, dtype));
    this.register_parameter("bias", (o.bias === undefined || Boolean(o.bias)) ? new Parameter(empty([out_channels], dtype)) : null);
    this.reset_parameters();
    this._guard_slots();
  }

  /** Rebuilds a saved layer (torch.load) from its settings; weights come from the file afterwards. */
  static _from_settings(this: new (i: number, o: number, k: Size, opts: ConvModuleOptions & { output_padding?: Size }) => ConvNd, s: Record<string, unknown>): ConvNd {
    const opts: ConvModuleOptions & { output_padding?: Size } = {
      stride: s.stride as Size, padding: s.padding as ConvPadding, dilation: s.dilation as Size, groups: s.groups as number,
      bias: s.bias !== null, padding_mode: s.padding_mode as PaddingMode,
    };
    if (s.transposed) opts.output_padding = s.output_padding as Size;
    return new this(s.in_channels as number, s.out_channels as number, s.kernel_size as Size, opts);
  }

  reset_parameters(): void {
    kaiming_uniform_(this.weight, Math.sqrt(5));
    if (this.bias) {
      const [fanIn] = _calculate_fan_in_and_fan_out(this.weight);
      if (fanIn !== 0) {
        const bound = 1 / Math.sqrt(fanIn);
        uniform_(this.bias, -bound, bound);
      }
    }
  }

  /** Input padded explicitly for the non-"zeros" padding modes (F.pad's order: last dim first). */
  protected padded(input: Tensor): Tensor {
    const [before, after] = convPadding(this._get_name(), this.padding, this.kernel_size, this.stride, this.dilation);
    const amounts: number[] = [];
    for (let i = this.kernel_size.length - 1; i >= 0; i--) amounts.push(before[i], after[i]);
    return pad(input, amounts, this.padding_mode === "zeros" ? "constant" : this.padding_mode);
  }

  override extra_repr(): string {
    let s = `${this.in_channels}, ${this.out_channels}, kernel_size=${pyTuple(this.kernel_size)}, stride=${pyTuple(this.stride)}`;
    if (typeof this.padding === "string") s += `, padding=${this.padding}`;
    else if (this.padding.some((p) => p !== 0)) s += `, padding=${pyTuple(this.padding)}`;
    if (this.dilation.some((d) => d !== 1)) s += `, dilation=${pyTuple(this.dilation)}`;
    if (this.output_padding.some((p) => p !== 0)) s += `, output_padding=${pyTuple(this.output_padding)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ", bias=False";
    if (this.padding_mode !== "zeros") s += `, padding_mode=${this.padding_mode}`;
    return s;
  }
}

export const CONV_NAMES = ["stride", "padding", "dilation", "groups", "bias", "padding_mode", "device", "dtype"] as const;
export const CONVT_NAMES = ["stride", "padding", "output_padding", "groups", "bias", "dilation", "padding_mode", "device", "dtype"] as const;

/** Output padding that makes a transposed convolution produce `output_size` (PyTorch's _output_padding). */
export function outputPaddingFor(m: ConvNd, input: Tensor, output_size: readonly number[] | null | undefined): number[] {
  const rank = m.kernel_size.length;
  if (!output_size) return m.output_padding;
  const sizes = output_size.length === rank + 2 || output_size.length === rank + 1 ? output_size.slice(-rank) : output_size.slice();
  if (sizes.length !== rank) {
    throw new ValueError(`ConvTranspose${rank}D: for ${input.dim()}D input, output_size must have ${rank} or ${rank + 2} elements (got ${output_size.length})`);
  }
  const sp = input.shape.slice(-rank);
  const pad = m.padding as number[];
  const minSizes = sp.map((s, d) => (s - 1) * m.stride[d] - 2 * pad[d] + m.dilation[d] * (m.kernel_size[d] - 1) + 1);
  const maxSizes = minSizes.map((s, d) => s + m.stride[d] - 1);
  // torch 1.13's _output_padding names every spatial dim's range and the input's spatial torch.Size
  if (sizes.some((s, d) => s < minSizes[d] || s > maxSizes[d])) {
    throw new ValueError(
      `requested an output size of [${sizes.join(", ")}], but valid sizes range from [${minSizes.join(", ")}] to [${maxSizes.join(", ")}] (for an input of ${torchSize(sp)})`,
    );
  }
  return sizes.map((s, d) => s - minSizes[d]);
}

export abstract class ConvTransposeNd extends ConvNd {
  protected constructor(name: string, rank: number, in_channels: number, out_channels: number, kernel_size: Size, o: Partial<ConvTransposeModuleOptions>) {
    if ((o.padding_mode ?? "zeros") !== "zeros") throw new ValueError(`Only "zeros" padding mode is supported for ${name}`);
    if (typeof o.padding === "string") throw new ValueError(`${name}: padding='${String(o.padding)}' is not supported`);
    super(name, rank, true, in_channels, out_channels, kernel_size, o);
  }
}
