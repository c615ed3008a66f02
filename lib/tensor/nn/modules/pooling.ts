/**
 * Pooling modules: MaxPool1d/2d, AvgPool1d/2d, AdaptiveAvgPool1d/2d, AdaptiveMaxPool1d/2d,
 * with PyTorch's constructor order (MaxPool: return_indices before ceil_mode) and printing.
 */
import { isOptions, parseArgs, type PyArgs } from "../../args";
import { TypeError_ } from "../../errors";
import type { Tensor } from "../../tensor";
import type { Size } from "../functional/conv";
import {
  adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_max_pool1d, adaptive_max_pool2d, avg_pool1d, avg_pool2d, max_pool1d, max_pool2d,
  type AdaptiveSize,
} from "../functional/pooling";
import { Module } from "../module";
import { pyBool } from "../repr";
import { pyTuple, pyValue } from "./_pyrepr";

/**
 * A module built with return_indices returns [output, indices] like PyTorch's tuple; its forward is
 * typed as returning a Tensor so that the usual call `pool(x)` needs no cast.
 */
function withIndices(res: [Tensor, Tensor]): Tensor {
  return res as unknown as Tensor;
}

function need<T>(cls: string, name: string, v: T | undefined): T {
  if (v === undefined) throw new TypeError_(`${cls}.__init__() missing 1 required positional argument: '${name}'`);
  return v;
}

export interface MaxPoolModuleOptions {
  stride?: Size | null;
  padding?: Size;
  dilation?: Size;
  return_indices?: boolean;
  ceil_mode?: boolean;
}
type MaxPoolPositional = [stride?: Size | null, padding?: Size, dilation?: Size, return_indices?: boolean, ceil_mode?: boolean];
const MAXPOOL_NAMES = ["stride", "padding", "dilation", "return_indices", "ceil_mode"] as const;

/** A kernel_size given by keyword too: MaxPool1d({ kernel_size: 3, stride: 2 }) is MaxPool1d(3, { stride: 2 }). */
type KernelArg<O> = Size | (O & { kernel_size: Size });

function kernelFirst<O>(kernel_size: KernelArg<O>, args: readonly unknown[]): [Size, readonly unknown[]] {
  if (!isOptions(kernel_size)) return [kernel_size, args];
  if (args.length > 0) throw new TypeError_("got multiple values for argument 'kernel_size' (pass the options object last)");
  const { kernel_size: k, ...rest } = kernel_size as { kernel_size?: Size };
  return [k as Size, [rest]];
}

abstract class MaxPoolNd extends Module {
  kernel_size: Size;
  stride: Size;
  padding: Size;
  dilation: Size;
  return_indices: boolean;
  ceil_mode: boolean;

  protected constructor(cls: string, kernelArg: KernelArg<MaxPoolModuleOptions>, rawArgs: readonly unknown[]) {
    super();
    const [kernel_size, args] = kernelFirst(kernelArg, rawArgs);
    const o = parseArgs<MaxPoolModuleOptions>(cls, MAXPOOL_NAMES, args);
    this.kernel_size = need(cls, "kernel_size", kernel_size);
    this.stride = o.stride ?? kernel_size;
    this.padding = o.padding ?? 0;
    this.dilation = o.dilation ?? 1;
    this.return_indices = o.return_indices ?? false;
    this.ceil_mode = o.ceil_mode ?? false;
  }

  /** torch.load rebuilds the layer from its settings. */
  static _from_settings(this: new (k: Size) => Module, s: Record<string, unknown>): Module {
    return new this(s.kernel_size as Size);
  }

  protected opts() {
    return { stride: this.stride, padding: this.padding, dilation: this.dilation, ceil_mode: this.ceil_mode };
  }

  override extra_repr(): string {
    return `kernel_size=${pyValue(this.kernel_size)}, stride=${pyValue(this.stride)}, padding=${pyValue(this.padding)}, ` +
      `dilation=${pyValue(this.dilation)}, ceil_mode=${pyBool(this.ceil_mode)}`;
  }
}

/** new nn.MaxPool2d(kernel_size, stride=kernel_size, padding=0, dilation=1, return_indices=false, ceil_mode=false) */
export class MaxPool2d extends MaxPoolNd {
  static override readonly __name__ = "MaxPool2d";
  constructor(kernel_size: KernelArg<MaxPoolModuleOptions>, ...args: PyArgs<MaxPoolPositional, MaxPoolModuleOptions>) {
    super("MaxPool2d", kernel_size, args);
  }
  /** The pooled output; with return_indices, [output, indices] at run time (typed as Tensor for the common case). */
  override forward(input: Tensor): Tensor {
    if (this.return_indices) return withIndices(max_pool2d(input, this.kernel_size, { ...this.opts(), return_indices: true }));
    return max_pool2d(input, this.kernel_size, this.opts());
  }
}

/** new nn.MaxPool1d(kernel_size, stride=kernel_size, padding=0, dilation=1, return_indices=false, ceil_mode=false) */
export class MaxPool1d extends MaxPoolNd {
  static override readonly __name__ = "MaxPool1d";
  constructor(kernel_size: KernelArg<MaxPoolModuleOptions>, ...args: PyArgs<MaxPoolPositional, MaxPoolModuleOptions>) {
    super("MaxPool1d", kernel_size, args);
  }
  override forward(input: Tensor): Tensor {
    if (this.return_indices) return withIndices(max_pool1d(input, this.kernel_size, { ...this.opts(), return_indices: true }));
    return max_pool1d(input, this.kernel_size, this.opts());
  }
}

export interface AvgPoolModuleOptions {
  stride?: Size | null;
  padding?: Size;
  ceil_mode?: boolean;
  count_include_pad?: boolean;
  divisor_override?: number | null;
}

/** new nn.AvgPool2d(kernel_size, stride=kernel_size, padding=0, ceil_mode=false, count_include_pad=true, divisor_override=null) */
export class AvgPool2d extends Module {
  static override readonly __name__ = "AvgPool2d";
  kernel_size: Size;
  stride: Size;
  padding: Size;
  ceil_mode: boolean;
  count_include_pad: boolean;
  divisor_override: number | null;

  constructor(
    kernelArg: KernelArg<AvgPoolModuleOptions>,
    ...rawArgs: PyArgs<[stride?: Size | null, padding?: Size, ceil_mode?: boolean, count_include_pad?: boolean, divisor_override?: number | null], AvgPoolModuleOptions>
  ) {
    super();
    const [kernel_size, args] = kernelFirst(kernelArg, rawArgs);
    const o = parseArgs<AvgPoolModuleOptions>("AvgPool2d", ["stride", "padding", "ceil_mode", "count_include_pad", "divisor_override"], args);
    this.kernel_size = need("AvgPool2d", "kernel_size", kernel_size);
    this.stride = o.stride ?? kernel_size;
    this.padding = o.padding ?? 0;
    this.ceil_mode = o.ceil_mode ?? false;
    this.count_include_pad = o.count_include_pad ?? true;
    this.divisor_override = o.divisor_override ?? null;
  }

  static _from_settings(s: Record<string, unknown>): AvgPool2d {
    return new AvgPool2d(s.kernel_size as Size);
  }

  override forward(input: Tensor): Tensor {
    return avg_pool2d(input, this.kernel_size, this.stride, this.padding, this.ceil_mode, this.count_include_pad, this.divisor_override);
  }

  override extra_repr(): string {
    return `kernel_size=${pyValue(this.kernel_size)}, stride=${pyValue(this.stride)}, padding=${pyValue(this.padding)}`;
  }
}

/** new nn.AvgPool1d(kernel_size, stride=kernel_size, padding=0, ceil_mode=false, count_include_pad=true); sizes kept as 1-tuples like PyTorch. */
export class AvgPool1d extends Module {
  static override readonly __name__ = "AvgPool1d";
  kernel_size: number[];
  stride: number[];
  padding: number[];
  ceil_mode: boolean;
  count_include_pad: boolean;

  constructor(
    kernelArg: KernelArg<Omit<AvgPoolModuleOptions, "divisor_override">>,
    ...rawArgs: PyArgs<[stride?: Size | null, padding?: Size, ceil_mode?: boolean, count_include_pad?: boolean], Omit<AvgPoolModuleOptions, "divisor_override">>
  ) {
    super();
    const [kernel_size, args] = kernelFirst(kernelArg, rawArgs);
    const o = parseArgs<Omit<AvgPoolModuleOptions, "divisor_override">>("AvgPool1d", ["stride", "padding", "ceil_mode", "count_include_pad"], args);
    const single = (v: Size): number[] => (typeof v === "number" ? [v] : v.slice(0, 1));
    this.kernel_size = single(need("AvgPool1d", "kernel_size", kernel_size));
    this.stride = single(o.stride ?? kernel_size);
    this.padding = single(o.padding ?? 0);
    this.ceil_mode = o.ceil_mode ?? false;
    this.count_include_pad = o.count_include_pad ?? true;
  }

  static _from_settings(s: Record<string, unknown>): AvgPool1d {
    return new AvgPool1d(s.kernel_size as Size);
  }

  override forward(input: Tensor): Tensor {
    return avg_pool1d(input, this.kernel_size, this.stride, this.padding, this.ceil_mode, this.count_include_pad);
  }

  override extra_repr(): string {
    return `kernel_size=${pyTuple(this.kernel_size)}, stride=${pyTuple(this.stride)}, padding=${pyTuple(this.padding)}`;
  }
}

abstract class AdaptivePool extends Module {
  output_size: AdaptiveSize;
  protected constructor(cls: string, output_size: AdaptiveSize) {
    super();
    this.output_size = need(cls, "output_size", output_size);
  }
  static _from_settings(this: new (o: AdaptiveSize) => Module, s: Record<string, unknown>): Module {
    return new this(s.output_size as AdaptiveSize);
  }
  override extra_repr(): string {
    return `output_size=${pyValue(this.output_size)}`;
  }
}

/** new nn.AdaptiveAvgPool2d(output_size): int or [h, w] (null keeps the input's size). */
export class AdaptiveAvgPool2d extends AdaptivePool {
  static override readonly __name__ = "AdaptiveAvgPool2d";
  constructor(...args: PyArgs<[output_size?: AdaptiveSize], { output_size?: AdaptiveSize }>) {
    super("AdaptiveAvgPool2d", parseArgs<{ output_size?: AdaptiveSize }>("AdaptiveAvgPool2d", ["output_size"], args).output_size as AdaptiveSize);
  }
  override forward(input: Tensor): Tensor {
    return adaptive_avg_pool2d(input, this.output_size);
  }
}

/** new nn.AdaptiveAvgPool1d(output_size) */
export class AdaptiveAvgPool1d extends AdaptivePool {
  static override readonly __name__ = "AdaptiveAvgPool1d";
  constructor(...args: PyArgs<[output_size?: AdaptiveSize], { output_size?: AdaptiveSize }>) {
    super("AdaptiveAvgPool1d", parseArgs<{ output_size?: AdaptiveSize }>("AdaptiveAvgPool1d", ["output_size"], args).output_size as AdaptiveSize);
  }
  override forward(input: Tensor): Tensor {
    return adaptive_avg_pool1d(input, this.output_size);
  }
}

interface AdaptiveMaxOptions {
  output_size?: AdaptiveSize;
  return_indices?: boolean;
}

abstract class AdaptiveMaxPool extends AdaptivePool {
  return_indices: boolean;
  protected constructor(cls: string, args: readonly unknown[]) {
    const o = parseArgs<AdaptiveMaxOptions>(cls, ["output_size", "return_indices"], args);
    super(cls, o.output_size as AdaptiveSize);
    this.return_indices = o.return_indices ?? false;
  }
}

/** new nn.AdaptiveMaxPool2d(output_size, return_indices=false) */
export class AdaptiveMaxPool2d extends AdaptiveMaxPool {
  static override readonly __name__ = "AdaptiveMaxPool2d";
  constructor(...args: PyArgs<[output_size?: AdaptiveSize, return_indices?: boolean], AdaptiveMaxOptions>) {
    super("AdaptiveMaxPool2d", args);
  }
  override forward(input: Tensor): Tensor {
    if (this.return_indices) return withIndices(adaptive_max_pool2d(input, this.output_size, { return_indices: true }));
    return adaptive_max_pool2d(input, this.output_size);
  }
}

/** new nn.AdaptiveMaxPool1d(output_size, return_indices=false) */
export class AdaptiveMaxPool1d extends AdaptiveMaxPool {
  static override readonly __name__ = "AdaptiveMaxPool1d";
  constructor(...args: PyArgs<[output_size?: AdaptiveSize, return_indices?: boolean], AdaptiveMaxOptions>) {
    super("AdaptiveMaxPool1d", args);
  }
  override forward(input: Tensor): Tensor {
    if (this.return_indices) return withIndices(adaptive_max_pool1d(input, this.output_size, { return_indices: true }));
    return adaptive_max_pool1d(input, this.output_size);
  }
}
