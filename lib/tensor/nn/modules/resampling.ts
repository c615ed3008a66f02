/** Upsample, UpsamplingNearest2d, UpsamplingBilinear2d, PixelShuffle and PixelUnshuffle over ../functional/resampling.ts. */
import { parseArgs, type PyArgs } from "../../args";
import type { Tensor } from "../../tensor";
import * as Fr from "../functional/resampling";
import { Module } from "../module";
import { pyFloat } from "../repr";

type Size = number | readonly number[] | null;

interface UpsampleOptions {
  size?: Size;
  scale_factor?: Size;
  mode?: Fr.InterpolateMode;
  align_corners?: boolean | null;
  recompute_scale_factor?: boolean | null;
}

function sizeRepr(v: number | readonly number[]): string {
  return typeof v === "number" ? String(v) : v.length === 1 ? `(${v[0]},)` : `(${v.join(", ")})`;
}

function scaleRepr(v: number | readonly number[]): string {
  return typeof v === "number" ? pyFloat(v) : v.length === 1 ? `(${pyFloat(v[0])},)` : `(${v.map(pyFloat).join(", ")})`;
}

/** new nn.Upsample(size=None, scale_factor=None, mode="nearest", align_corners=None, recompute_scale_factor=None) */
export class Upsample extends Module {
  static override readonly __name__: string = "Upsample";
  size: Size;
  scale_factor: Size;
  mode: Fr.InterpolateMode;
  align_corners: boolean | null;
  recompute_scale_factor: boolean | null;
  constructor(
    ...args: PyArgs<[size?: Size, scale_factor?: Size, mode?: Fr.InterpolateMode, align_corners?: boolean | null, recompute_scale_factor?: boolean | null], UpsampleOptions>
  ) {
    super();
    const a = parseArgs<UpsampleOptions>(this._get_name(), ["size", "scale_factor", "mode", "align_corners", "recompute_scale_factor"], args);
    this.size = a.size ?? null;
    this.scale_factor = a.scale_factor ?? null;
    this.mode = a.mode ?? "nearest";
    this.align_corners = a.align_corners ?? null;
    this.recompute_scale_factor = a.recompute_scale_factor ?? null;
  }
  override forward(input: Tensor): Tensor {
    return Fr.interpolate(input, this.size, this.scale_factor, this.mode, this.align_corners, this.recompute_scale_factor);
  }
  override extra_repr(): string {
    const info = this.scale_factor !== null ? `scale_factor=${scaleRepr(this.scale_factor)}` : `size=${this.size === null ? "None" : sizeRepr(this.size)}`;
    return `${info}, mode=${this.mode}`;
  }
}

type FixedArgs = PyArgs<[size?: Size, scale_factor?: Size], { size?: Size; scale_factor?: Size }>;

/** new nn.UpsamplingNearest2d(size=None, scale_factor=None) */
export class UpsamplingNearest2d extends Upsample {
  static override readonly __name__ = "UpsamplingNearest2d";
  constructor(...args: FixedArgs) {
    const a = parseArgs<{ size?: Size; scale_factor?: Size }>("UpsamplingNearest2d", ["size", "scale_factor"], args);
    super({ ...a, mode: "nearest" });
  }
}

/** new nn.UpsamplingBilinear2d(size=None, scale_factor=None): bilinear with align_corners=True. */
export class UpsamplingBilinear2d extends Upsample {
  static override readonly __name__ = "UpsamplingBilinear2d";
  constructor(...args: FixedArgs) {
    const a = parseArgs<{ size?: Size; scale_factor?: Size }>("UpsamplingBilinear2d", ["size", "scale_factor"], args);
    super({ ...a, mode: "bilinear", align_corners: true });
  }
}

export class PixelShuffle extends Module {
  static override readonly __name__ = "PixelShuffle";
  upscale_factor: number;
  /** new nn.PixelShuffle(upscale_factor) */
  constructor(...args: PyArgs<[upscale_factor: number], { upscale_factor?: number }>) {
    super();
    this.upscale_factor = parseArgs<{ upscale_factor?: number }>("PixelShuffle", ["upscale_factor"], args).upscale_factor ?? NaN;
  }
  override forward(input: Tensor): Tensor {
    return Fr.pixel_shuffle(input, this.upscale_factor);
  }
  override extra_repr(): string {
    return `upscale_factor=${this.upscale_factor}`;
  }
}

export class PixelUnshuffle extends Module {
  static override readonly __name__ = "PixelUnshuffle";
  downscale_factor: number;
  /** new nn.PixelUnshuffle(downscale_factor) */
  constructor(...args: PyArgs<[downscale_factor: number], { downscale_factor?: number }>) {
    super();
    this.downscale_factor = parseArgs<{ downscale_factor?: number }>("PixelUnshuffle", ["downscale_factor"], args).downscale_factor ?? NaN;
  }
  override forward(input: Tensor): Tensor {
    return Fr.pixel_unshuffle(input, this.downscale_factor);
  }
  override extra_repr(): string {
    return `downscale_factor=${this.downscale_factor}`;
  }
}
