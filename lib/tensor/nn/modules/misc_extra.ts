/** ChannelShuffle, LPPool1d, LPPool2d and TripletMarginWithDistanceLoss over ../functional/misc_extra.ts. */
import { parseArgs, type PyArgs } from "../../args";
import { ValueError } from "../../errors";
import type { Tensor } from "../../tensor";
import * as Fm from "../functional/misc_extra";
import type { Reduction } from "../functional/_util";
import { Module } from "../module";
import { PairwiseDistance } from "./loss_extra";
import { pyBool, pyNumber } from "../repr";
import { pyValue } from "./_pyrepr";

export class ChannelShuffle extends Module {
  static override readonly __name__ = "ChannelShuffle";
  groups: number;
  /** new nn.ChannelShuffle(groups) */
  constructor(...args: PyArgs<[groups: number], { groups?: number }>) {
    super();
    const g = parseArgs<{ groups?: number }>("ChannelShuffle", ["groups"], args).groups;
    if (g === undefined) throw new ValueError("ChannelShuffle() missing 1 required positional argument: 'groups'");
    this.groups = g;
  }
  override forward(input: Tensor): Tensor {
    return Fm.channel_shuffle(input, this.groups);
  }
  override extra_repr(): string {
    return `groups=${this.groups}`;
  }
}

type IntOrPair = number | readonly number[];

abstract class LPPoolNd extends Module {
  norm_type: number;
  kernel_size: IntOrPair;
  stride: IntOrPair | null;
  ceil_mode: boolean;
  constructor(args: readonly unknown[]) {
    super();
    const a = Fm.parseLPPool(this._get_name(), args);
    if (a.norm_type === undefined || a.kernel_size === undefined) throw new ValueError(`${this._get_name()}() needs norm_type and kernel_size`);
    this.norm_type = a.norm_type;
    this.kernel_size = a.kernel_size;
    this.stride = a.stride ?? null;
    this.ceil_mode = a.ceil_mode ?? false;
  }
  override extra_repr(): string {
    const v = (x: IntOrPair | null) => pyValue(x === null ? null : typeof x === "number" ? x : [...x]);
    return `norm_type=${pyNumber(this.norm_type)}, kernel_size=${v(this.kernel_size)}, stride=${v(this.stride)}, ceil_mode=${pyBool(this.ceil_mode)}`;
  }
}

/** new nn.LPPool1d(norm_type, kernel_size, stride=None, ceil_mode=false) */
export class LPPool1d extends LPPoolNd {
  static override readonly __name__ = "LPPool1d";
  constructor(...args: Fm.LPPoolArgs) {
    super(args);
  }
  override forward(input: Tensor): Tensor {
    return Fm.lp_pool1d(input, this.norm_type, this.kernel_size, this.stride, this.ceil_mode);
  }
}

/** new nn.LPPool2d(norm_type, kernel_size, stride=None, ceil_mode=false) */
export class LPPool2d extends LPPoolNd {
  static override readonly __name__ = "LPPool2d";
  constructor(...args: Fm.LPPoolArgs) {
    super(args);
  }
  override forward(input: Tensor): Tensor {
    return Fm.lp_pool2d(input, this.norm_type, this.kernel_size, this.stride, this.ceil_mode);
  }
}

/** new nn.TripletMarginWithDistanceLoss({ distance_function, margin=1.0, swap=false, reduction="mean" }): keyword-only, as in PyTorch. */
export class TripletMarginWithDistanceLoss extends Module {
  static override readonly __name__ = "TripletMarginWithDistanceLoss";
  /** The given function, or (as in PyTorch) a PairwiseDistance submodule, which prints as a child. */
  distance_function: ((a: Tensor, b: Tensor) => Tensor) | PairwiseDistance;
  margin: number;
  swap: boolean;
  reduction: Reduction;
  constructor(options: Fm.TripletWithDistanceOptions = {}) {
    super();
    const a = parseArgs<Fm.TripletWithDistanceOptions>("TripletMarginWithDistanceLoss", ["distance_function", "margin", "swap", "reduction"], [options]);
    this.distance_function = a.distance_function ?? new PairwiseDistance();
    this.margin = a.margin ?? 1.0;
    this.swap = a.swap ?? false;
    this.reduction = a.reduction ?? "mean";
  }
  override forward(anchor: Tensor, positive: Tensor, negative: Tensor): Tensor {
    const d = this.distance_function;
    const distance = d instanceof PairwiseDistance ? (u: Tensor, v: Tensor) => d(u, v) as Tensor : d;
    return Fm.triplet_margin_with_distance_loss(anchor, positive, negative, {
      distance_function: distance, margin: this.margin, swap: this.swap, reduction: this.reduction,
    });
  }
}
