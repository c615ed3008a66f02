/**
 * Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d: PyTorch's _ConvNd with its default
 * initialisation (kaiming_uniform_(weight, a=sqrt(5)), bias ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in))
 * drawn in that order from the seeded generator, so `torch.manual_seed(s)` gives PyTorch's
 * weights), padding modes ("zeros", "reflect", "replicate", "circular") and printing.
 */
import { parseArgs, parseArgsRequired, type PyArgs } from "../../args";
import type { Tensor } from "../../tensor";

/** A transposed convolution's forward(input, output_size=None) arguments after the input. */
export interface OutputSizeOptions {
  output_size?: readonly number[] | null;
}
export type OutputSizeArgs = PyArgs<[output_size?: readonly number[] | null], OutputSizeOptions>;
import { conv1d, conv2d, conv_transpose1d, conv_transpose2d, type Size } from "../functional/conv";
import {
  CONV_NAMES, CONVT_NAMES, ConvNd, ConvTransposeNd, outputPaddingFor,
  type ConvModuleOptions, type ConvPositional, type ConvTransposeModuleOptions, type ConvTransposePositional,
} from "./conv_base";

/** Required, positionally or by keyword: `nn.Conv2d(1, 16, { kernel_size: 3, stride: 2 })`, `nn.Conv2d({ in_channels: 1, out_channels: 6, kernel_size: 5 })`. */
interface ConvRequired {
  in_channels?: number;
  out_channels?: number;
  kernel_size?: Size;
}

export type { ConvModuleOptions, ConvTransposeModuleOptions, PaddingMode } from "./conv_base";

/** new nn.Conv2d(in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=true, padding_mode="zeros") */
export class Conv2d extends ConvNd {
  static override readonly __name__ = "Conv2d";

  constructor(...args: PyArgs<[in_channels?: number, out_channels?: number, kernel_size?: Size, ...ConvPositional], ConvRequired & ConvModuleOptions>) {
    const o = parseArgsRequired<ConvRequired & ConvModuleOptions>("Conv2d", ["in_channels", "out_channels", "kernel_size", ...CONV_NAMES], 3, args);
    super("Conv2d", 2, false, o.in_channels!, o.out_channels!, o.kernel_size!, o);
  }

  override forward(input: Tensor): Tensor {
    if (this.padding_mode !== "zeros") return conv2d(this.padded(input), this.weight, this.bias, this.stride, 0, this.dilation, this.groups);
    return conv2d(input, this.weight, this.bias, this.stride, this.padding, this.dilation, this.groups);
  }
}

/** new nn.Conv1d(in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=true, padding_mode="zeros") */
export class Conv1d extends ConvNd {
  static override readonly __name__ = "Conv1d";

  constructor(...args: PyArgs<[in_channels?: number, out_channels?: number, kernel_size?: Size, ...ConvPositional], ConvRequired & ConvModuleOptions>) {
    const o = parseArgsRequired<ConvRequired & ConvModuleOptions>("Conv1d", ["in_channels", "out_channels", "kernel_size", ...CONV_NAMES], 3, args);
    super("Conv1d", 1, false, o.in_channels!, o.out_channels!, o.kernel_size!, o);
  }

  override forward(input: Tensor): Tensor {
    if (this.padding_mode !== "zeros") return conv1d(this.padded(input), this.weight, this.bias, this.stride, 0, this.dilation, this.groups);
    return conv1d(input, this.weight, this.bias, this.stride, this.padding, this.dilation, this.groups);
  }
}

/** new nn.ConvTranspose2d(in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1, bias=true, dilation=1) */
export class ConvTranspose2d extends ConvTransposeNd {
  static override readonly __name__ = "ConvTranspose2d";

  constructor(...args: PyArgs<[in_channels?: number, out_channels?: number, kernel_size?: Size, ...ConvTransposePositional], ConvRequired & ConvTransposeModuleOptions>) {
    const o = parseArgsRequired<ConvRequired & ConvTransposeModuleOptions>("ConvTranspose2d", ["in_channels", "out_channels", "kernel_size", ...CONVT_NAMES], 3, args);
    super("ConvTranspose2d", 2, o.in_channels!, o.out_channels!, o.kernel_size!, o);
  }

  /** forward(input, output_size?): output_size also by keyword, upsample(h, { output_size: input.size() }) */
  override forward(input: Tensor, ...args: OutputSizeArgs): Tensor {
    const { output_size } = parseArgs<OutputSizeOptions>("ConvTranspose2d.forward", ["output_size"], args);
    const op = outputPaddingFor(this, input, output_size);
    return conv_transpose2d(input, this.weight, this.bias, this.stride, this.padding as number[], op, this.groups, this.dilation);
  }
}

/** new nn.ConvTranspose1d(in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1, bias=true, dilation=1) */
export class ConvTranspose1d extends ConvTransposeNd {
  static override readonly __name__ = "ConvTranspose1d";

  constructor(...args: PyArgs<[in_channels?: number, out_channels?: number, kernel_size?: Size, ...ConvTransposePositional], ConvRequired & ConvTransposeModuleOptions>) {
    const o = parseArgsRequired<ConvRequired & ConvTransposeModuleOptions>("ConvTranspose1d", ["in_channels", "out_channels", "kernel_size", ...CONVT_NAMES], 3, args);
    super("ConvTranspose1d", 1, o.in_channels!, o.out_channels!, o.kernel_size!, o);
  }

  /** forward(input, output_size?): output_size also by keyword, upsample(h, { output_size: input.size() }) */
  override forward(input: Tensor, ...args: OutputSizeArgs): Tensor {
    const { output_size } = parseArgs<OutputSizeOptions>("ConvTranspose1d.forward", ["output_size"], args);
    const op = outputPaddingFor(this, input, output_size);
    return conv_transpose1d(input, this.weight, this.bias, this.stride, this.padding as number[], op, this.groups, this.dilation);
  }
}
