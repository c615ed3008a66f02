/** Conv3d, ConvTranspose3d, MaxPool3d, AvgPool3d, AdaptiveAvgPool3d and AdaptiveMaxPool3d over ../functional/conv3d.ts, with PyTorch's initialisation and printing. */
import { parseArgs, type PyArgs } from "../../args";
import { float32, type DType } from "../../dtype";
import { ValueError } from "../../errors";
import { empty } from "../../ops/util";
import type { Tensor } from "../../tensor";
import { convPadding, ntuple, type ConvPadding, type Size } from "../functional/conv";
import * as F3 from "../functional/conv3d";
import { pad } from "../functional/padding";
import { _calculate_fan_in_and_fan_out, kaiming_uniform_, uniform_ } from "../init";
import { Module } from "../module";
import { Parameter } from "../parameter";
import { pyBool } from "../repr";
import { pyTuple, pyValue } from "./_pyrepr";

type PaddingMode = "zeros" | "reflect" | "replicate" | "circular";
interface Conv3dModuleOptions {
  stride?: Size;
  padding?: ConvPadding;
  dilation?: Size;
  groups?: number;
  bias?: boolean;
  padding_mode?: PaddingMode;
  device?: string | null;
  dtype?: DType;
}

/**
 * new nn.Conv3d(in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1,
 * groups=1, bias=true, padding_mode="zeros"): weight kaiming_uniform_(a=sqrt(5)), bias
 * U(-1/sqrt(fan_in), 1/sqrt(fan_in)), drawn in PyTorch's order.
 */
export class Conv3d extends Module {
  static override readonly __name__ = "Conv3d";
  in_channels: number;
  out_channels: number;
  kernel_size: number[];
  stride: number[];
  padding: number[] | "same" | "valid";
  dilation: number[];
  groups: number;
  padding_mode: PaddingMode;
  weight: Parameter;
  bias: Parameter | null;
  constructor(
    in_channels: number,
    out_channels: number,
    kernel_size: Size,
    ...args: PyArgs<[stride?: Size, padding?: ConvPadding, dilation?: Size, groups?: number, bias?: boolean, padding_mode?: PaddingMode, device?: string | null, dtype?: DType], Conv3dModuleOptions>
  ) {
    super();
    const o = parseArgs<Conv3dModuleOptions>("Conv3d", ["stride", "padding", "dilation", "groups", "bias", "padding_mode", "device", "dtype"], args);
    const groups = o.groups ?? 1;
    if (!(groups > 0) || !Number.isInteger(groups)) throw new ValueError("groups must be a positive integer");
    if (in_channels % groups !== 0) throw new ValueError("in_channels must be divisible by groups");
    if (out_channels % groups !== 0) throw new ValueError("out_channels must be divisible by groups");
    this.in_channels = in_channels;
    this.out_channels = out_channels;
    this.kernel_size = ntuple("Conv3d", "kernel_size", kernel_size, 3);
    this.stride = ntuple("Conv3d", "stride", o.stride ?? 1, 3);
    const padding = o.padding ?? 0;
    if (typeof padding === "string" && padding !== "same" && padding !== "valid") throw new ValueError(`Invalid padding string '${padding}', should be one of {'valid', 'same'}`);
    if (padding === "same" && this.stride.some((s) => s !== 1)) throw new ValueError("padding='same' is not supported for strided convolutions");
    this.padding = typeof padding === "string" ? padding : ntuple("Conv3d", "padding", padding, 3);
    this.dilation = ntuple("Conv3d", "dilation", o.dilation ?? 1, 3);
    this.groups = groups;
    this.padding_mode = o.padding_mode ?? "zeros";
    if (!["zeros", "reflect", "replicate", "circular"].includes(this.padding_mode)) {
      throw new ValueError(`padding_mode must be one of ['zeros', 'reflect', 'replicate', 'circular'], but got padding_mode='${String(this.padding_mode)}'`);
    }
    const dtype = o.dtype ?? float32;
    this.weight = new Parameter(empty([out_channels, in_channels / groups, ...this.kernel_size], dtype));
    this.bias = o.bias ?? true ? new Parameter(empty([out_channels], dtype)) : null;
    this.reset_parameters();
  }
  reset_parameters(): void {
    kaiming_uniform_(this.weight, Math.sqrt(5));
    if (this.bias) {
      const [fanIn] = _calculate_fan_in_and_fan_out(this.weight);
      if (fanIn !== 0) uniform_(this.bias, -1 / Math.sqrt(fanIn), 1 / Math.sqrt(fanIn));
    }
  }
  override forward(input: Tensor): Tensor {
    if (this.padding_mode === "zeros") return F3.conv3d(input, this.weight, this.bias, this.stride, this.padding, this.dilation, this.groups);
    const [before, after] = convPadding("Conv3d", this.padding, this.kernel_size, this.stride, this.dilation);
    const padded = pad(input, [before[2], after[2], before[1], after[1], before[0], after[0]], this.padding_mode);
    return F3.conv3d(padded, this.weight, this.bias, this.stride, 0, this.dilation, this.groups);
  }
  override extra_repr(): string {
    let s = `${this.in_channels}, ${this.out_channels}, kernel_size=${pyTuple(this.kernel_size)}, stride=${pyTuple(this.stride)}`;
    if (typeof this.padding === "string") s += `, padding=${this.padding}`;
    else if (this.padding.some((p) => p !== 0)) s += `, padding=${pyTuple(this.padding)}`;
    if (this.dilation.some((d) => d !== 1)) s += `, dilation=${pyTuple(this.dilation)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ", bias=False";
    if (this.padding_mode !== "zeros") s += `, padding_mode=${this.padding_mode}`;
    return s;
  }
}

type Setting = number | readonly number[];
const setting = (v: Setting): number | number[] => (typeof v === "number" ? v : [...v]);
const repr = (v: Setting): string => pyValue(typeof v === "number" ? v : [...v]);

/** new nn.MaxPool3d(kernel_size, stride=None, padding=0, dilation=1, return_indices=false, ceil_mode=false) */
export class MaxPool3d extends Module {
  static override readonly __name__ = "MaxPool3d";
  kernel_size: Setting;
  stride: Setting;
  padding: Setting;
  dilation: Setting;
  return_indices: boolean;
  ceil_mode: boolean;
  constructor(
    ...args: PyArgs<
      [kernel_size: Size, stride?: Size | null, padding?: Size, dilation?: Size, return_indices?: boolean, ceil_mode?: boolean],
      F3.Pool3dOptions
    >
  ) {
    super();
    const a = parseArgs<F3.Pool3dOptions>("MaxPool3d", ["kernel_size", "stride", "padding", "dilation", "return_indices", "ceil_mode"], args);
    if (a.kernel_size === undefined) throw new ValueError("MaxPool3d() needs kernel_size");
    this.kernel_size = setting(a.kernel_size);
    this.stride = setting(a.stride ?? a.kernel_size);
    this.padding = setting(a.padding ?? 0);
    this.dilation = setting(a.dilation ?? 1);
    this.return_indices = a.return_indices ?? false;
    this.ceil_mode = a.ceil_mode ?? false;
  }
  override forward(input: Tensor): Tensor {
    return F3.max_pool3d(input, this.kernel_size, this.stride, this.padding, this.dilation, this.ceil_mode, this.return_indices);
  }
  override extra_repr(): string {
    return `kernel_size=${repr(this.kernel_size)}, stride=${repr(this.stride)}, padding=${repr(this.padding)}, dilation=${repr(this.dilation)}, ceil_mode=${pyBool(this.ceil_mode)}`;
  }
}

/** new nn.AvgPool3d(kernel_size, stride=None, padding=0, ceil_mode=false, count_include_pad=true, divisor_override=None) */
export class AvgPool3d extends Module {
  static override readonly __name__ = "AvgPool3d";
  kernel_size: Setting;
  stride: Setting;
  padding: Setting;
  ceil_mode: boolean;
  count_include_pad: boolean;
  divisor_override: number | null;
  constructor(
    ...args: PyArgs<
      [kernel_size: Size, stride?: Size | null, padding?: Size, ceil_mode?: boolean, count_include_pad?: boolean, divisor_override?: number | null],
      F3.Pool3dOptions
    >
  ) {
    super();
    const a = parseArgs<F3.Pool3dOptions>("AvgPool3d", ["kernel_size", "stride", "padding", "ceil_mode", "count_include_pad", "divisor_override"], args);
    if (a.kernel_size === undefined) throw new ValueError("AvgPool3d() needs kernel_size");
    this.kernel_size = setting(a.kernel_size);
    this.stride = setting(a.stride ?? a.kernel_size);
    this.padding = setting(a.padding ?? 0);
    this.ceil_mode = a.ceil_mode ?? false;
    this.count_include_pad = a.count_include_pad ?? true;
    this.divisor_override = a.divisor_override ?? null;
  }
  override forward(input: Tensor): Tensor {
    return F3.avg_pool3d(input, this.kernel_size, this.stride, this.padding, this.ceil_mode, this.count_include_pad, this.divisor_override);
  }
  override extra_repr(): string {
    return `kernel_size=${repr(this.kernel_size)}, stride=${repr(this.stride)}, padding=${repr(this.padding)}`;
  }
}

type Adaptive = number | null | readonly (number | null)[];
const adaptiveRepr = (v: Adaptive): string => pyValue(v === null || typeof v === "number" ? v : [...v]);

/** new nn.AdaptiveAvgPool3d(output_size) */
export class AdaptiveAvgPool3d extends Module {
  static override readonly __name__ = "AdaptiveAvgPool3d";
  output_size: Adaptive;
  constructor(...args: PyArgs<[output_size: Adaptive], { output_size?: Adaptive }>) {
    super();
    const s = parseArgs<{ output_size?: Adaptive }>("AdaptiveAvgPool3d", ["output_size"], args).output_size;
    if (s === undefined) throw new ValueError("AdaptiveAvgPool3d() missing 1 required positional argument: 'output_size'");
    this.output_size = s;
  }
  override forward(input: Tensor): Tensor {
    return F3.adaptive_avg_pool3d(input, this.output_size);
  }
  override extra_repr(): string {
    return `output_size=${adaptiveRepr(this.output_size)}`;
  }
}

/** new nn.AdaptiveMaxPool3d(output_size, return_indices=false) */
export class AdaptiveMaxPool3d extends Module {
  static override readonly __name__ = "AdaptiveMaxPool3d";
  output_size: Adaptive;
  return_indices: boolean;
  constructor(...args: PyArgs<[output_size: Adaptive, return_indices?: boolean], { output_size?: Adaptive; return_indices?: boolean }>) {
    super();
    const a = parseArgs<{ output_size?: Adaptive; return_indices?: boolean }>("AdaptiveMaxPool3d", ["output_size", "return_indices"], args);
    if (a.output_size === undefined) throw new ValueError("AdaptiveMaxPool3d() missing 1 required positional argument: 'output_size'");
    this.output_size = a.output_size;
    this.return_indices = a.return_indices ?? false;
  }
  override forward(input: Tensor): Tensor {
    return F3.adaptive_max_pool3d(input, this.output_size, this.return_indices);
  }
  override extra_repr(): string {
    return `output_size=${adaptiveRepr(this.output_size)}`;
  }
}

interface ConvTranspose3dModuleOptions {
  stride?: Size;
  padding?: Size;
  output_padding?: Size;
  groups?: number;
  bias?: boolean;
  dilation?: Size;
  padding_mode?: "zeros";
  device?: string | null;
  dtype?: DType;
}

/**
 * new nn.ConvTranspose3d(in_channels, out_channels, kernel_size, stride=1, padding=0,
 * output_padding=0, groups=1, bias=true, dilation=1, padding_mode="zeros");
 * forward(input, output_size=None). Weight (in, out / groups, kD, kH, kW), PyTorch's init.
 */
export class ConvTranspose3d extends Module {
  static override readonly __name__ = "ConvTranspose3d";
  in_channels: number;
  out_channels: number;
  kernel_size: number[];
  stride: number[];
  padding: number[];
  output_padding: number[];
  groups: number;
  dilation: number[];
  weight: Parameter;
  bias: Parameter | null;
  constructor(
    in_channels: number,
    out_channels: number,
    kernel_size: Size,
    ...args: PyArgs<
      [stride?: Size, padding?: Size, output_padding?: Size, groups?: number, bias?: boolean, dilation?: Size, padding_mode?: "zeros", device?: string | null, dtype?: DType],
      ConvTranspose3dModuleOptions
    >
  ) {
    super();
    const o = parseArgs<ConvTranspose3dModuleOptions>(
      "ConvTranspose3d", ["stride", "padding", "output_padding", "groups", "bias", "dilation", "padding_mode", "device", "dtype"], args,
    );
    if ((o.padding_mode ?? "zeros") !== "zeros") throw new ValueError('Only "zeros" padding mode is supported for ConvTranspose3d');
    const groups = o.groups ?? 1;
    if (in_channels % groups !== 0) throw new ValueError("in_channels must be divisible by groups");
    if (out_channels % groups !== 0) throw new ValueError("out_channels must be divisible by groups");
    this.in_channels = in_channels;
    this.out_channels = out_channels;
    this.kernel_size = ntuple("ConvTranspose3d", "kernel_size", kernel_size, 3);
    this.stride = ntuple("ConvTranspose3d", "stride", o.stride ?? 1, 3);
    this.padding = ntuple("ConvTranspose3d", "padding", o.padding ?? 0, 3);
    this.output_padding = ntuple("ConvTranspose3d", "output_padding", o.output_padding ?? 0, 3);
    this.groups = groups;
    this.dilation = ntuple("ConvTranspose3d", "dilation", o.dilation ?? 1, 3);
    const dtype = o.dtype ?? float32;
    this.weight = new Parameter(empty([in_channels, out_channels / groups, ...this.kernel_size], dtype));
    this.bias = o.bias ?? true ? new Parameter(empty([out_channels], dtype)) : null;
    this.reset_parameters();
  }
  reset_parameters(): void {
    kaiming_uniform_(this.weight, Math.sqrt(5));
    if (this.bias) {
      const [fanIn] = _calculate_fan_in_and_fan_out(this.weight);
      if (fanIn !== 0) uniform_(this.bias, -1 / Math.sqrt(fanIn), 1 / Math.sqrt(fanIn));
    }
  }
  override forward(input: Tensor, output_size: readonly number[] | null = null): Tensor {
    let op = this.output_padding;
    if (output_size) {
      const sizes = output_size.slice(-3);
      const sp = input.shape.slice(-3);
      op = sizes.map((want, i) => {
        const min = (sp[i] - 1) * this.stride[i] - 2 * this.padding[i] + this.dilation[i] * (this.kernel_size[i] - 1) + 1;
        if (want < min || want > min + this.stride[i] - 1) {
          throw new ValueError(`requested an output size of [${sizes.join(", ")}], but valid sizes range from ${min} to ${min + this.stride[i] - 1} (for an input of [${sp.join(", ")}])`);
        }
        return want - min;
      });
    }
    return F3.conv_transpose3d(input, this.weight, this.bias, this.stride, this.padding, op, this.groups, this.dilation);
  }
  override extra_repr(): string {
    let s = `${this.in_channels}, ${this.out_channels}, kernel_size=${pyTuple(this.kernel_size)}, stride=${pyTuple(this.stride)}`;
    if (this.padding.some((p) => p !== 0)) s += `, padding=${pyTuple(this.padding)}`;
    if (this.dilation.some((d) => d !== 1)) s += `, dilation=${pyTuple(this.dilation)}`;
    if (this.output_padding.some((p) => p !== 0)) s += `, output_padding=${pyTuple(this.output_padding)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ", bias=False";
    return s;
  }
}
