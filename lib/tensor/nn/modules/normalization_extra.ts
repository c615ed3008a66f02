/** GroupNorm, InstanceNorm1d/2d/3d and LocalResponseNorm over ../functional/normalization_extra.ts. */
import { parseArgs, type PyArgs } from "../../args";
import { float32, type DType } from "../../dtype";
import { ValueError } from "../../errors";
import { empty } from "../../ops/util";
import type { Tensor } from "../../tensor";
import * as Fn from "../functional/normalization_extra";
import { Module } from "../module";
import { NormBase } from "./norm_base";
import { Parameter } from "../parameter";
import { pyBool, pyFloat } from "../repr";

interface GroupNormModuleOptions {
  num_groups?: number;
  num_channels?: number;
  eps?: number;
  affine?: boolean;
  dtype?: DType;
}

/** new nn.GroupNorm(num_groups, num_channels, eps=1e-5, affine=true): per-channel weight 1 and bias 0 when affine. */
export class GroupNorm extends Module {
  static override readonly __name__ = "GroupNorm";
  num_groups: number;
  num_channels: number;
  eps: number;
  affine: boolean;
  weight!: Parameter | null;
  bias!: Parameter | null;
  constructor(...args: PyArgs<[num_groups: number, num_channels: number, eps?: number, affine?: boolean], GroupNormModuleOptions>) {
    super();
    const a = parseArgs<GroupNormModuleOptions>("GroupNorm", ["num_groups", "num_channels", "eps", "affine", "dtype"], args);
    if (a.num_groups === undefined || a.num_channels === undefined) throw new ValueError("GroupNorm() needs num_groups and num_channels");
    if (a.num_channels % a.num_groups !== 0) throw new ValueError("num_channels must be divisible by num_groups");
    this.num_groups = a.num_groups;
    this.num_channels = a.num_channels;
    this.eps = a.eps ?? 1e-5;
    this.affine = a.affine ?? true;
    const dtype = a.dtype ?? float32;
    this.register_parameter("weight", this.affine ? new Parameter(empty([this.num_channels], dtype)) : null);
    this.register_parameter("bias", this.affine ? new Parameter(empty([this.num_channels], dtype)) : null);
    this.reset_parameters();
    this._guard_slots();
  }
  reset_parameters(): void {
    if (!this.affine) return;
    this.weight!._data.fill(1);
    this.bias!._data.fill(0);
  }
  override forward(input: Tensor): Tensor {
    return Fn.group_norm(input, this.num_groups, this.weight, this.bias, this.eps);
  }
  override extra_repr(): string {
    return `${this.num_groups}, ${this.num_channels}, eps=${pyFloat(this.eps)}, affine=${pyBool(this.affine)}`;
  }
}

interface InstanceNormModuleOptions {
  num_features?: number;
  eps?: number;
  momentum?: number;
  affine?: boolean;
  track_running_stats?: boolean;
  dtype?: DType;
}

/** PyTorch's _InstanceNorm: affine off and no running statistics by default. */
abstract class InstanceNorm extends NormBase {
  declare momentum: number;
  protected abstract readonly spatialDims: number;

  /** new nn.InstanceNorm2d(num_features, eps=1e-5, momentum=0.1, affine=false, track_running_stats=false) */
  constructor(...args: PyArgs<[num_features: number, eps?: number, momentum?: number, affine?: boolean, track_running_stats?: boolean], InstanceNormModuleOptions>) {
    super();
    const a = parseArgs<InstanceNormModuleOptions>(this._get_name(), ["num_features", "eps", "momentum", "affine", "track_running_stats", "dtype"], args);
    if (a.num_features === undefined) throw new ValueError(`${this._get_name()}() needs num_features`);
    this._initNorm(a.num_features, a.eps ?? 1e-5, a.momentum ?? 0.1, a.affine ?? false, a.track_running_stats ?? false, a.dtype ?? float32);
  }

  override forward(input: Tensor): Tensor {
    const d = this.spatialDims;
    if (input.dim() !== d + 1 && input.dim() !== d + 2) throw new ValueError(`expected ${d + 1}D or ${d + 2}D input (got ${input.dim()}D input)`);
    const unbatched = input.dim() === d + 1;
    const x = unbatched ? input.unsqueeze(0) : input;
    const y = Fn.instance_norm(x, this.running_mean, this.running_var, this.weight, this.bias, this.training || !this.track_running_stats, this.momentum, this.eps);
    return unbatched ? y.squeeze(0) : y;
  }

  override extra_repr(): string {
    return `${this.num_features}, eps=${pyFloat(this.eps)}, momentum=${pyFloat(this.momentum)}, affine=${pyBool(this.affine)}, track_running_stats=${pyBool(this.track_running_stats)}`;
  }
}

export class InstanceNorm1d extends InstanceNorm {
  static override readonly __name__ = "InstanceNorm1d";
  protected readonly spatialDims = 1;
}

export class InstanceNorm2d extends InstanceNorm {
  static override readonly __name__ = "InstanceNorm2d";
  protected readonly spatialDims = 2;
}

export class InstanceNorm3d extends InstanceNorm {
  static override readonly __name__ = "InstanceNorm3d";
  protected readonly spatialDims = 3;
}

interface LRNOptions {
  size?: number;
  alpha?: number;
  beta?: number;
  k?: number;
}

export class LocalResponseNorm extends Module {
  static override readonly __name__ = "LocalResponseNorm";
  size: number;
  alpha: number;
  beta: number;
  k: number;
  /** new nn.LocalResponseNorm(size, alpha=1e-4, beta=0.75, k=1.0) */
  constructor(...args: PyArgs<[size: number, alpha?: number, beta?: number, k?: number], LRNOptions>) {
    super();
    const a = parseArgs<LRNOptions>("LocalResponseNorm", ["size", "alpha", "beta", "k"], args);
    if (a.size === undefined) throw new ValueError("LocalResponseNorm() needs size");
    this.size = a.size;
    this.alpha = a.alpha ?? 1e-4;
    this.beta = a.beta ?? 0.75;
    this.k = a.k ?? 1.0;
  }
  override forward(input: Tensor): Tensor {
    return Fn.local_response_norm(input, this.size, this.alpha, this.beta, this.k);
  }
  override extra_repr(): string {
    return `${this.size}, alpha=${pyFloat(this.alpha)}, beta=${pyFloat(this.beta)}, k=${pyFloat(this.k)}`;
  }
}
