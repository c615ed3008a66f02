/** nn.Unfold and nn.Fold: the im2col / col2im layers behind F.unfold and F.fold. */
import { parseArgs, type PyArgs } from "../../args";
import { TypeError_ } from "../../errors";
import type { Tensor } from "../../tensor";
import { fold, unfold, type FoldOptions, type Size, type UnfoldOptions } from "../functional/conv";
import { Module } from "../module";
import { pyValue } from "./_pyrepr";

/** new nn.Unfold(kernel_size, dilation=1, padding=0, stride=1) */
export class Unfold extends Module {
  static override readonly __name__ = "Unfold";
  kernel_size: Size;
  dilation: Size;
  padding: Size;
  stride: Size;

  constructor(...args: PyArgs<[kernel_size?: Size, dilation?: Size, padding?: Size, stride?: Size], UnfoldOptions>) {
    super();
    const o = parseArgs<UnfoldOptions>("Unfold", ["kernel_size", "dilation", "padding", "stride"], args);
    if (o.kernel_size === undefined) throw new TypeError_("Unfold.__init__() missing 1 required positional argument: 'kernel_size'");
    this.kernel_size = o.kernel_size;
    this.dilation = o.dilation ?? 1;
    this.padding = o.padding ?? 0;
    this.stride = o.stride ?? 1;
  }

  static _from_settings(s: Record<string, unknown>): Unfold {
    return new Unfold(s.kernel_size as Size);
  }

  override forward(input: Tensor): Tensor {
    return unfold(input, this.kernel_size, this.dilation, this.padding, this.stride);
  }

  override extra_repr(): string {
    return `kernel_size=${pyValue(this.kernel_size)}, dilation=${pyValue(this.dilation)}, padding=${pyValue(this.padding)}, stride=${pyValue(this.stride)}`;
  }
}

/** new nn.Fold(output_size, kernel_size, dilation=1, padding=0, stride=1) */
export class Fold extends Module {
  static override readonly __name__ = "Fold";
  output_size: Size;
  kernel_size: Size;
  dilation: Size;
  padding: Size;
  stride: Size;

  constructor(...args: PyArgs<[output_size?: Size, kernel_size?: Size, dilation?: Size, padding?: Size, stride?: Size], FoldOptions>) {
    super();
    const o = parseArgs<FoldOptions>("Fold", ["output_size", "kernel_size", "dilation", "padding", "stride"], args);
    if (o.output_size === undefined || o.kernel_size === undefined) {
      throw new TypeError_("Fold.__init__() missing required positional arguments: 'output_size' and 'kernel_size'");
    }
    this.output_size = o.output_size;
    this.kernel_size = o.kernel_size;
    this.dilation = o.dilation ?? 1;
    this.padding = o.padding ?? 0;
    this.stride = o.stride ?? 1;
  }

  static _from_settings(s: Record<string, unknown>): Fold {
    return new Fold(s.output_size as Size, s.kernel_size as Size);
  }

  override forward(input: Tensor): Tensor {
    return fold(input, this.output_size, this.kernel_size, this.dilation, this.padding, this.stride);
  }

  override extra_repr(): string {
    return `output_size=${pyValue(this.output_size)}, kernel_size=${pyValue(this.kernel_size)}, dilation=${pyValue(this.dilation)}, ` +
      `padding=${pyValue(this.padding)}, stride=${pyValue(this.stride)}`;
  }
}
