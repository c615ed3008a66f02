/**
 * Padding layers: ZeroPad1d/2d, ConstantPad1d/2d/3d, ReflectionPad1d/2d/3d, ReplicationPad1d/2d/3d,
 * CircularPad1d/2d, all through F.pad. The padding is an int (every side) or a tuple in F.pad's
 * order ((left, right) or (left, right, top, bottom)).
 */
import { isOptions } from "../../args";
import { TypeError_, ValueError } from "../../errors";
import type { Tensor } from "../../tensor";
import { pad, type PadMode } from "../functional/padding";
import { Module } from "../module";
import { pyFloat } from "../repr";
import { pyTuple } from "./_pyrepr";

type PaddingArg = number | readonly number[];
/** PyTorch's keyword forms: ZeroPad2d({ padding: 1 }), ConstantPad1d({ padding: 2, value: 0.5 }), ConstantPad2d(p, { value: 3 }). */
type PaddingOptions = { padding?: PaddingArg; value?: number };

function unpack(padding: PaddingArg | PaddingOptions, value?: number | PaddingOptions): [PaddingArg, number | undefined] {
  let p: PaddingArg | PaddingOptions | undefined = padding;
  let v = value;
  if (isOptions(p)) {
    if (v !== undefined) throw new TypeError_("got an options object before another argument (pass the options object last)");
    const o: PaddingOptions = p;
    p = o.padding;
    v = o.value;
  }
  if (isOptions(v)) {
    const o = v as PaddingOptions;
    if (o.padding !== undefined) throw new TypeError_("got multiple values for argument 'padding'");
    v = o.value;
  }
  return [p as PaddingArg, v as number | undefined];
}

/**
 * PyTorch's TypeErrors for a layer constructor's arguments: a keyword outside `keywords` in an
 * options object, or more than `positional` positional arguments (trailing undefined aside).
 */
function checkCall(cls: string, args: readonly unknown[], keywords: readonly string[], positional: number): void {
  for (const a of args) {
    if (!isOptions(a)) continue;
    const key = Object.keys(a).find((k) => !keywords.includes(k));
    if (key !== undefined) throw new TypeError_(`${cls}.__init__() got an unexpected keyword argument '${key}'`);
  }
  let given = args.length;
  while (given > 0 && (args[given - 1] === undefined || isOptions(args[given - 1]))) given--;
  if (given > positional) throw new TypeError_(`${cls}.__init__() takes ${positional + 1} positional arguments but ${given + 1} were given`);
}

function sides(cls: string, padding: number | readonly number[], n: number): number[] {
  if (padding === undefined) throw new TypeError_(`${cls}.__init__() missing 1 required positional argument: 'padding'`);
  if (typeof padding === "number") return new Array<number>(2 * n).fill(padding);
  if (padding.length !== 2 * n) throw new ValueError(`${cls}: padding must be an int or a tuple of ${2 * n} ints, got (${padding.join(", ")})`);
  return padding.slice();
}

/** What a padding layer's constructor reads from its class: the Python name and how many dims it pads. */
type PadClass = { readonly __name__: string; readonly padDims: number };

abstract class PadNd extends Module {
  padding: number[];
  protected abstract readonly mode: PadMode;
  constructor(padding: PaddingArg | PaddingOptions, ...extra: unknown[]) {
    super();
    const cls = new.target as unknown as PadClass;
    checkCall(cls.__name__, [padding, ...extra], ["padding"], 1);
    this.padding = sides(cls.__name__, unpack(padding)[0], cls.padDims);
  }
  /** torch.load rebuilds the layer from its settings. */
  static _from_settings(this: new (p: number[]) => Module, s: Record<string, unknown>): Module {
    return new this(s.padding as number[]);
  }
  override forward(input: Tensor): Tensor {
    return pad(input, this.padding, this.mode);
  }
  override extra_repr(): string {
    return pyTuple(this.padding);
  }
}

abstract class ReflectionPadNd extends PadNd {
  protected readonly mode = "reflect";
}

abstract class ReplicationPadNd extends PadNd {
  protected readonly mode = "replicate";
}

abstract class ConstantPadNd extends Module {
  padding: number[];
  value: number;
  constructor(paddingArg: PaddingArg | PaddingOptions, valueArg?: number | PaddingOptions, ...extra: unknown[]) {
    super();
    const cls = new.target as unknown as PadClass;
    checkCall(cls.__name__, [paddingArg, valueArg, ...extra], ["padding", "value"], 2);
    const [padding, value] = unpack(paddingArg, valueArg);
    this.padding = sides(cls.__name__, padding, cls.padDims);
    if (typeof value !== "number") throw new TypeError_(`${cls.__name__}.__init__() missing 1 required positional argument: 'value'`);
    this.value = value;
  }
  /** torch.load rebuilds the layer from its settings. */
  static _from_settings(this: new (p: number[], v: number) => Module, s: Record<string, unknown>): Module {
    return new this(s.padding as number[], s.value as number);
  }
  override forward(input: Tensor): Tensor {
    return pad(input, this.padding, "constant", this.value);
  }
  override extra_repr(): string {
    return `padding=${pyTuple(this.padding)}, value=${pyFloat(this.value)}`;
  }
}

/** Zero padding is constant padding by 0 and prints its padding only: ZeroPad2d((1, 1, 1, 1)). */
abstract class ZeroPadNd extends ConstantPadNd {
  constructor(padding: PaddingArg | PaddingOptions, ...extra: unknown[]) {
    checkCall((new.target as unknown as PadClass).__name__, [padding, ...extra], ["padding"], 1);
    super(isOptions(padding) ? { value: 0, ...(padding as PaddingOptions) } : padding, isOptions(padding) ? undefined : 0);
  }
  /** torch.load rebuilds the layer from its padding. */
  static override _from_settings(this: new (p: number[]) => Module, s: Record<string, unknown>): Module {
    return new this(s.padding as number[]);
  }
  override extra_repr(): string {
    return pyTuple(this.padding);
  }
}

/** new nn.ConstantPad1d(padding, value) */
export class ConstantPad1d extends ConstantPadNd {
  static override readonly __name__ = "ConstantPad1d";
  static readonly padDims = 1;
}

/** new nn.ConstantPad2d(padding, value) */
export class ConstantPad2d extends ConstantPadNd {
  static override readonly __name__ = "ConstantPad2d";
  static readonly padDims = 2;
}

/** new nn.ConstantPad3d(padding, value): (left, right, top, bottom, front, back) of the last three dims. */
export class ConstantPad3d extends ConstantPadNd {
  static override readonly __name__ = "ConstantPad3d";
  static readonly padDims = 3;
}

/** new nn.ZeroPad1d(padding) */
export class ZeroPad1d extends ZeroPadNd {
  static override readonly __name__ = "ZeroPad1d";
  static readonly padDims = 1;
}

/** new nn.ZeroPad2d(padding) */
export class ZeroPad2d extends ZeroPadNd {
  static override readonly __name__ = "ZeroPad2d";
  static readonly padDims = 2;
}

/** new nn.ReflectionPad1d(padding) */
export class ReflectionPad1d extends ReflectionPadNd {
  static override readonly __name__ = "ReflectionPad1d";
  static readonly padDims = 1;
}

/** new nn.ReflectionPad2d(padding) */
export class ReflectionPad2d extends ReflectionPadNd {
  static override readonly __name__ = "ReflectionPad2d";
  static readonly padDims = 2;
}

/** new nn.ReflectionPad3d(padding) */
export class ReflectionPad3d extends ReflectionPadNd {
  static override readonly __name__ = "ReflectionPad3d";
  static readonly padDims = 3;
}

/** new nn.ReplicationPad1d(padding) */
export class ReplicationPad1d extends ReplicationPadNd {
  static override readonly __name__ = "ReplicationPad1d";
  static readonly padDims = 1;
}

/** new nn.ReplicationPad2d(padding) */
export class ReplicationPad2d extends ReplicationPadNd {
  static override readonly __name__ = "ReplicationPad2d";
  static readonly padDims = 2;
}

/** new nn.ReplicationPad3d(padding) */
export class ReplicationPad3d extends ReplicationPadNd {
  static override readonly __name__ = "ReplicationPad3d";
  static readonly padDims = 3;
}
