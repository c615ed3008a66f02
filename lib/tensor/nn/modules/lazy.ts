/**
 * Lazy modules. nn.LazyLinear(out_features, bias=true): a Linear whose in_features is read from the last dim
 * of the first input. Until then it holds empty placeholder parameters and prints as
 * `LazyLinear(in_features=0, out_features=5, bias=True)`; the first call materialises weight
 * and bias (PyTorch's Linear initialisation, drawn in PyTorch's order from the seeded
 * generator) and the module becomes a Linear, as PyTorch's cls_to_become does. The placeholders are
 * nn.UninitializedParameter (printed `<UninitializedParameter>`) and are materialised in place, so an
 * optimizer built before that first call (d2l's Trainer does) trains the real weights, as in PyTorch.
 * The same for LazyConv1d/2d/3d, LazyConvTranspose1d/2d/3d, LazyBatchNorm1d/2d/3d and
 * LazyInstanceNorm1d/2d/3d (PyTorch's lazy norm defaults: affine and running statistics on).
 */
import { parseArgs, type PyArgs } from "../../args";
import { float32, type DType } from "../../dtype";
import { ValueError } from "../../errors";
import { empty } from "../../ops/util";
import { Tensor } from "../../tensor";
import { Module } from "../module";
import { Parameter, UninitializedParameter } from "../parameter";
import { pyBool } from "../repr";
import { Linear } from "./linear";
import { default_generator } from "../../random";
import { Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d, type ConvModuleOptions } from "./conv";
import { Conv3d, ConvTranspose3d } from "./conv3d";
import type { ConvTransposeModuleOptions } from "./conv_base";
import { InstanceNorm1d, InstanceNorm2d, InstanceNorm3d } from "./normalization_extra";
import { BatchNorm1d, type BatchNormOptions } from "./batchnorm";
import { BatchNorm2d } from "./batchnorm2d";
import { BatchNorm3d } from "./batchnorm3d";
import type { Size } from "../functional/conv";

interface LazyLinearOptions {
  out_features?: number;
  bias?: boolean | null;
  device?: string | null;
  dtype?: DType;
}

export class LazyLinear extends Module {
  static override readonly __name__ = "LazyLinear";
  in_features = 0;
  out_features: number;
  weight: Parameter;
  bias!: Parameter | null;
  private readonly lazyDtype: DType;

  constructor(...args: PyArgs<[out_features: number, bias?: boolean | null], LazyLinearOptions>) {
    super();
    const a = parseArgs<LazyLinearOptions>("LazyLinear", ["out_features", "bias", "device", "dtype"], args);
    if (a.out_features === undefined) throw new ValueError("LazyLinear() missing 1 required positional argument: 'out_features'");
    this.out_features = a.out_features;
    this.lazyDtype = a.dtype ?? float32;
    this.weight = new UninitializedParameter({ dtype: this.lazyDtype });
    this.register_parameter("bias", (a.bias === undefined || Boolean(a.bias)) ? new UninitializedParameter({ dtype: this.lazyDtype }) : null);
  }

  /** PyTorch's LazyModuleMixin.has_uninitialized_params: true until the first forward. */
  has_uninitialized_params(): boolean {
    return true;
  }

  /** Materialises weight [out, in] and bias from `input`'s last dim and turns this module into a Linear. */
  initialize_parameters(input: Tensor): void {
    if (input.dim() < 1) throw new ValueError("LazyLinear: the input needs at least one dimension (its last one is in_features)");
    const inFeatures = input.shape[input.dim() - 1];
    const dtype = this.lazyDtype;
    const hasBias = this.bias !== null;
    delete (this as unknown as Record<string, unknown>).lazyDtype;
    this.in_features = inFeatures;
    // in place, so an optimizer built before the first call holds the real parameters
    this.weight = materialize(this.weight, empty([this.out_features, inFeatures], dtype));
    this.bias = hasBias ? materialize(this.bias!, empty([this.out_features], dtype)) : null;
    Object.setPrototypeOf(this, Linear.prototype);
    (this as unknown as Linear).reset_parameters();
  }

  override forward(input: Tensor): Tensor {
    this.initialize_parameters(input);
    return (this as unknown as Linear).forward(input);
  }

  /**
   * PyTorch's LazyModuleMixin._lazy_load_hook, run by load_state_dict before copying: a weight for this
   * module in the state dict sets in_features, so a fresh lazy model loads a saved one without a dry run
   * (the parameters are built without drawing from the generator, then overwritten by the load).
   */
  _lazy_load(state_dict: Readonly<Record<string, unknown>>, prefix: string): void {
    const w = state_dict[`${prefix}weight`];
    if (!(w instanceof Tensor) || w.dim() !== 2) return;
    withoutDraws(() => this.initialize_parameters(empty([1, w.shape[1]], this.lazyDtype)));
  }

  override extra_repr(): string {
    return `in_features=0, out_features=${this.out_features}, bias=${pyBool(this.bias !== null)}`;
  }
}

/** p given `data` in place when it is still a placeholder (a new Parameter otherwise, as before). */
function materialize(p: Parameter, data: Tensor): Parameter {
  return p instanceof UninitializedParameter ? p.materialize(data) : new Parameter(data);
}

/** Runs fn without moving the seeded generator (a template layer must not draw, as PyTorch's zero-size init draws nothing). */
function withoutDraws<T>(fn: () => T): T {
  const state = default_generator.get_state();
  try {
    return fn();
  } finally {
    default_generator.set_state(state);
  }
}

/**
 * Turns `self` into `real` (same object, so parents and hooks keep it): its own attributes are
 * replaced by real's, its class becomes real's, as PyTorch's cls_to_become does.
 */
function become(self: Module, real: Module): void {
  const rec = self as unknown as Record<string, unknown>;
  const src = real as unknown as Record<string, unknown>;
  // The placeholders take the real layer's parameters in place (an optimizer built before the first call holds them).
  for (const [k, v] of Object.entries(rec)) {
    if (v instanceof UninitializedParameter && src[k] instanceof Parameter) src[k] = v.materialize((src[k] as Parameter).data);
  }
  for (const k of Object.keys(self)) delete rec[k];
  for (const k of Object.keys(real)) rec[k] = src[k];
  const names = (real as unknown as { _buffer_names: Map<string, boolean> })._buffer_names;
  for (const [k, v] of names) (self as unknown as { _buffer_names: Map<string, boolean> })._buffer_names.set(k, v);
  for (const [k, v] of real._slot_kinds) self._slot_kinds.set(k, v);
  Object.setPrototypeOf(self, Object.getPrototypeOf(real) as object);
}

/**
 * PyTorch's LazyModuleMixin for layers whose input size is the channel dim: the first call reads
 * it (dim 1, or dim 0 for unbatched input of `rank` spatial dims), builds the real layer with
 * PyTorch's seeded initialisation and turns this module into it. Before that it prints as the
 * real layer with 0 input channels.
 */
abstract class LazyChannels<O> extends Module {
  declare protected readonly settings: O;
  protected abstract readonly rank: number;
  /** The real layer for `channels` input channels. */
  protected abstract build(channels: number): Module;
  /** The channel count of the layer whose repr stands in before materialisation (it is printed as 0). */
  protected templateChannels(): number {
    return 1;
  }
  /** Keeps the constructor options off the module's own enumerable attributes (state, repr, become). */
  protected keepSettings(settings: O): void {
    Object.defineProperty(this, "settings", { value: settings, enumerable: false, writable: true, configurable: true });
  }
  /** PyTorch's UninitializedParameter placeholders, in the real layer's order, until the first input gives their shapes. */
  protected placeholders(names: readonly string[], dtype: DType = float32): void {
    for (const name of names) this.register_parameter(name, new UninitializedParameter({ dtype }));
  }
  has_uninitialized_params(): boolean {
    return true;
  }
  /** The input-channel count of the first input: dim 1, or dim 0 for an unbatched input of `rank` spatial dims. */
  protected channelsOf(input: Tensor): number | undefined {
    return input.shape[input.dim() === this.rank + 1 ? 0 : 1];
  }
  initialize_parameters(input: Tensor): void {
    const channels = this.channelsOf(input);
    if (channels === undefined) throw new ValueError(`${this._get_name()}: cannot infer the number of channels from an input of shape [${input.shape.join(", ")}]`);
    const training = this.training;
    become(this, this.build(channels));
    this.training = training;
  }
  override forward(input: Tensor): Tensor {
    this.initialize_parameters(input);
    return (this as unknown as { forward(x: Tensor): Tensor }).forward(input);
  }
  /** The input channels a saved state implies (weight [out, in / groups, ...] for a convolution, [C] for a norm). */
  protected channelsFromState(state_dict: Readonly<Record<string, unknown>>, prefix: string): number | undefined {
    const t = state_dict[`${prefix}weight`] ?? state_dict[`${prefix}running_mean`];
    return t instanceof Tensor && t.dim() === 1 ? t.shape[0] : undefined;
  }
  /** PyTorch's _lazy_load_hook: load_state_dict materialises the layer from the saved shapes before copying (no generator draws). */
  _lazy_load(state_dict: Readonly<Record<string, unknown>>, prefix: string): void {
    const channels = this.channelsFromState(state_dict, prefix);
    if (channels === undefined) return;
    const training = this.training;
    become(this, withoutDraws(() => this.build(channels)));
    this.training = training;
  }
  override extra_repr(): string {
    return withoutDraws(() => this.build(this.templateChannels())).extra_repr().replace(/^\d+,/, "0,");
  }
}

/** Lazy convolutions (plain and transposed): out_channels, then kernel_size and the layer's options. */
abstract class LazyKernelLayer<O extends { groups?: number }> extends LazyChannels<O> {
  out_channels: number;
  kernel_size: Size;
  protected abstract readonly cls: new (i: number, o: number, k: Size, opts: O) => Module;
  protected constructor(out_channels: number, names: readonly (keyof O & string | "kernel_size")[], args: unknown[]) {
    super();
    const a = parseArgs<O & { kernel_size?: Size }>(this._get_name(), names as (keyof (O & { kernel_size?: Size }) & string)[], args as PyArgs<[], O>);
    if (a.kernel_size === undefined) throw new ValueError(`${this._get_name()}() missing 1 required positional argument: 'kernel_size'`);
    this.out_channels = out_channels;
    this.kernel_size = a.kernel_size;
    const { kernel_size: _k, ...settings } = a;
    void _k;
    this.keepSettings(settings as unknown as O);
    const s = settings as { bias?: boolean | null; dtype?: DType };
    this.placeholders(s.bias === false || s.bias === null ? ["weight"] : ["weight", "bias"], s.dtype ?? float32);
  }
  protected build(channels: number): Module {
    return new this.cls(channels, this.out_channels, this.kernel_size, this.settings);
  }
  /** Whether the weight is [in, out / groups, ...] (transposed convolutions) rather than [out, in / groups, ...]. */
  protected readonly transposed: boolean = false;
  protected override channelsFromState(state_dict: Readonly<Record<string, unknown>>, prefix: string): number | undefined {
    const w = state_dict[`${prefix}weight`];
    if (!(w instanceof Tensor) || w.dim() !== this.rank + 2) return undefined;
    return this.transposed ? w.shape[0] : w.shape[1] * (this.settings.groups ?? 1);
  }
  /** A grouped template needs as many input channels as groups. */
  protected override templateChannels(): number {
    return this.settings.groups ?? 1;
  }
}

/** Lazy norms: num_features from the input, the rest of the options kept for the real layer. */
abstract class LazyNormLayer<O> extends LazyChannels<O> {
  protected abstract readonly cls: new (n: number, opts: O) => Module;
  protected build(channels: number): Module {
    return new this.cls(channels, this.settings);
  }
}

type ConvCtor = new (i: number, o: number, k: Size, opts: ConvModuleOptions) => Module;
type ConvLazyArgs = PyArgs<
  [kernel_size: Size, stride?: Size, padding?: ConvModuleOptions["padding"], dilation?: Size, groups?: number, bias?: boolean | null, padding_mode?: ConvModuleOptions["padding_mode"]],
  ConvModuleOptions & { kernel_size?: Size }
>;
const LAZY_CONV_NAMES = ["kernel_size", "stride", "padding", "dilation", "groups", "bias", "padding_mode", "device", "dtype"] as const;

abstract class LazyConvNd extends LazyKernelLayer<ConvModuleOptions> {
  constructor(out_channels: number, ...args: ConvLazyArgs) {
    super(out_channels, LAZY_CONV_NAMES, args);
  }
}

/** new nn.LazyConv1d(out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=true, padding_mode="zeros") */
export class LazyConv1d extends LazyConvNd {
  static override readonly __name__ = "LazyConv1d";
  protected readonly rank = 1;
  protected readonly cls = Conv1d as unknown as ConvCtor;
}

/** new nn.LazyConv2d(out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=true, padding_mode="zeros") */
export class LazyConv2d extends LazyConvNd {
  static override readonly __name__ = "LazyConv2d";
  protected readonly rank = 2;
  protected readonly cls = Conv2d as unknown as ConvCtor;
}

/** new nn.LazyConv3d(out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=true, padding_mode="zeros") */
export class LazyConv3d extends LazyConvNd {
  static override readonly __name__ = "LazyConv3d";
  protected readonly rank = 3;
  protected readonly cls = Conv3d as unknown as ConvCtor;
}

type BatchNormCtor = new (n: number, opts: BatchNormOptions) => Module;
type LazyBNArgs = PyArgs<[eps?: number, momentum?: number | null, affine?: boolean, track_running_stats?: boolean], BatchNormOptions>;

abstract class LazyBatchNormNd extends LazyNormLayer<BatchNormOptions> {
  constructor(...args: LazyBNArgs) {
    super();
    const settings = parseArgs<BatchNormOptions>(this._get_name(), ["eps", "momentum", "affine", "track_running_stats", "dtype"], args);
    this.keepSettings(settings);
    if (settings.affine !== false) this.placeholders(["weight", "bias"], settings.dtype ?? float32);
  }
  /**
   * num_features is always dim 1 (torch 1.13's _LazyNormBase: input.shape[1]); batch norm has no unbatched
   * form, so LazyBatchNorm1d after a LazyLinear reads C of an [N, C] input, not N.
   */
  protected override channelsOf(input: Tensor): number | undefined {
    return input.shape[1];
  }
}

/** new nn.LazyBatchNorm1d(eps=1e-5, momentum=0.1, affine=true, track_running_stats=true): num_features from dim 1 of the first input. */
export class LazyBatchNorm1d extends LazyBatchNormNd {
  static override readonly __name__ = "LazyBatchNorm1d";
  protected readonly rank = 1;
  protected readonly cls = BatchNorm1d as unknown as BatchNormCtor;
}

/** new nn.LazyBatchNorm2d(eps=1e-5, momentum=0.1, affine=true, track_running_stats=true) */
export class LazyBatchNorm2d extends LazyBatchNormNd {
  static override readonly __name__ = "LazyBatchNorm2d";
  protected readonly rank = 2;
  protected readonly cls = BatchNorm2d as unknown as BatchNormCtor;
}

/** new nn.LazyBatchNorm3d(eps=1e-5, momentum=0.1, affine=true, track_running_stats=true) */
export class LazyBatchNorm3d extends LazyBatchNormNd {
  static override readonly __name__ = "LazyBatchNorm3d";
  protected readonly rank = 3;
  protected readonly cls = BatchNorm3d as unknown as BatchNormCtor;
}

// ---- LazyConvTranspose1d/2d/3d and LazyInstanceNorm1d/2d/3d (PyTorch 1.13) ----

type ConvTCtor = new (i: number, o: number, k: Size, opts: ConvTransposeModuleOptions) => Module;
type ConvTLazyArgs = PyArgs<
  [kernel_size: Size, stride?: Size, padding?: Size, output_padding?: Size, groups?: number, bias?: boolean | null, dilation?: Size, padding_mode?: ConvTransposeModuleOptions["padding_mode"]],
  ConvTransposeModuleOptions & { kernel_size?: Size }
>;
const NAMES = ["kernel_size", "stride", "padding", "output_padding", "groups", "bias", "dilation", "padding_mode", "device", "dtype"] as const;

abstract class LazyConvTransposeNd extends LazyKernelLayer<ConvTransposeModuleOptions> {
  protected override readonly transposed = true;
  constructor(out_channels: number, ...args: ConvTLazyArgs) {
    super(out_channels, NAMES, args);
  }
}

/** new nn.LazyConvTranspose1d(out_channels, kernel_size, ...): in_channels from dim 1 of the first input. */
export class LazyConvTranspose1d extends LazyConvTransposeNd {
  static override readonly __name__ = "LazyConvTranspose1d";
  protected readonly rank = 1;
  protected readonly cls = ConvTranspose1d as unknown as ConvTCtor;
}

/** new nn.LazyConvTranspose2d(out_channels, kernel_size, ...) */
export class LazyConvTranspose2d extends LazyConvTransposeNd {
  static override readonly __name__ = "LazyConvTranspose2d";
  protected readonly rank = 2;
  protected readonly cls = ConvTranspose2d as unknown as ConvTCtor;
}

/** new nn.LazyConvTranspose3d(out_channels, kernel_size, ...) */
export class LazyConvTranspose3d extends LazyConvTransposeNd {
  static override readonly __name__ = "LazyConvTranspose3d";
  protected readonly rank = 3;
  protected readonly cls = ConvTranspose3d as unknown as ConvTCtor;
}

interface LazyInstanceNormOptions {
  eps?: number;
  momentum?: number;
  affine?: boolean;
  track_running_stats?: boolean;
}
type InstanceCtor = new (n: number, opts: LazyInstanceNormOptions) => Module;

abstract class LazyInstanceNormNd extends LazyNormLayer<LazyInstanceNormOptions> {
  constructor(...args: PyArgs<[eps?: number, momentum?: number, affine?: boolean, track_running_stats?: boolean], LazyInstanceNormOptions>) {
    super();
    const a = parseArgs<LazyInstanceNormOptions>(this._get_name(), ["eps", "momentum", "affine", "track_running_stats"], args);
    // PyTorch 1.13's _LazyNormBase defaults differ from InstanceNorm's: affine and running statistics on.
    this.keepSettings({ affine: true, track_running_stats: true, ...Object.fromEntries(Object.entries(a).filter(([, v]) => v !== undefined)) });
    if (a.affine !== false) this.placeholders(["weight", "bias"]);
  }
}

/** new nn.LazyInstanceNorm1d(eps=1e-5, momentum=0.1, affine=true, track_running_stats=true) */
export class LazyInstanceNorm1d extends LazyInstanceNormNd {
  static override readonly __name__ = "LazyInstanceNorm1d";
  protected readonly rank = 1;
  protected readonly cls = InstanceNorm1d as unknown as InstanceCtor;
}

/** new nn.LazyInstanceNorm2d(eps=1e-5, momentum=0.1, affine=true, track_running_stats=true) */
export class LazyInstanceNorm2d extends LazyInstanceNormNd {
  static override readonly __name__ = "LazyInstanceNorm2d";
  protected readonly rank = 2;
  protected readonly cls = InstanceNorm2d as unknown as InstanceCtor;
}

/** new nn.LazyInstanceNorm3d(eps=1e-5, momentum=0.1, affine=true, track_running_stats=true) */
export class LazyInstanceNorm3d extends LazyInstanceNormNd {
  static override readonly __name__ = "LazyInstanceNorm3d";
  protected readonly rank = 3;
  protected readonly cls = InstanceNorm3d as unknown as InstanceCtor;
}
