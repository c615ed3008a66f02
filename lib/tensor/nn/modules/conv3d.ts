/** Conv3d, ConvTranspose3d, MaxPool3d, AvgPool3d, AdaptiveAvgPool3d and AdaptiveMaxPool3d over ../functional/conv3d.ts, with PyTorch's initialisation and printing. */
import { parseArgs, type PyArgs } from "../../args";
import { ValueError } from "../../errors";
import type { Tensor } from "../../tensor";
import type { Size } from "../functional/conv";
import * as F3 from "../functional/conv3d";
import { Module } from "../module";
import type { OutputSizeArgs, OutputSizeOptions } from "./conv";
import { pyBool } from "../repr";
import { pyValue } from "./_pyrepr";
import {
  CONV_NAMES, CONVT_NAMES, ConvNd, ConvTransposeNd, outputPaddingFor,
  type ConvModuleOptions, type ConvPositional, type ConvTransposeModuleOptions, type ConvTransposePositional,
} from "./conv_base";

/**
 * new nn.Conv3d(in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1,
 * groups=1, bias=true, padding_mode="zeros"): weight kaiming_uniform_(a=sqrt(5)), bias
 * U(-1/sqrt(fan_in), 1/sqrt(fan_in)), drawn in PyTorch's order.
 */
export class Conv3d extends ConvNd {
  static override readonly __name__ = "Conv3d";
  constructor(in_channels: number, out_channels: number, kernel_size: Size, ...args: PyArgs<ConvPositional, ConvModuleOptions>) {
    super("Conv3d", 3, false, in_channels, out_channels, kernel_size, parseArgs<ConvModuleOptions>("Conv3d", CONV_NAMES, args));
  }
  override forward(input: Tensor): Tensor {
    if (this.padding_mode !== "zeros") return F3.conv3d(this.padded(input), this.weight, this.bias, this.stride, 0, this.dilation, this.groups);
    return F3.conv3d(input, this.weight, this.bias, this.stride, this.padding, this.dilation, this.groups);
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

/**
 * new nn.ConvTranspose3d(in_channels, out_channels, kernel_size, stride=1, padding=0,
 * output_padding=0, groups=1, bias=true, dilation=1, padding_mode="zeros");
 * forward(input, output_size=None). Weight (in, out / groups, kD, kH, kW), PyTorch's init.
 */
export class ConvTranspose3d extends ConvTransposeNd {
  static override readonly __name__ = "ConvTranspose3d";
  constructor(in_channels: number, out_channels: number, kernel_size: Size, ...args: PyArgs<ConvTransposePositional, ConvTransposeModuleOptions>) {
    super("ConvTranspose3d", 3, in_channels, out_channels, kernel_size, parseArgs<ConvTransposeModuleOptions>("ConvTranspose3d", CONVT_NAMES, args));
  }
  override forward(input: Tensor, ...args: OutputSizeArgs): Tensor {
    const { output_size } = parseArgs<OutputSizeOptions>("ConvTranspose3d.forward", ["output_size"], args);
    const op = outputPaddingFor(this, input, output_size ?? null);
    return F3.conv_transpose3d(input, this.weight, this.bias, this.stride, this.padding as number[], op, this.groups, this.dilation);
  }
}
