/** The base the BatchNorm and InstanceNorm modules share (kept out of nn's exports, as PyTorch's _NormBase is private). */
import { int64, type DType } from "../../dtype";
import { empty } from "../../ops/util";
import type { Tensor } from "../../tensor";
import { Module } from "../module";
import { Parameter } from "../parameter";

/**
 * PyTorch's _NormBase, shared by BatchNorm and InstanceNorm: the settings, the affine weight (1)
 * and bias (0), and the running_mean (0) / running_var (1) / num_batches_tracked (0) buffers,
 * registered as null when track_running_stats is off.
 */
export abstract class NormBase extends Module {
  num_features!: number;
  eps!: number;
  momentum!: number | null;
  affine!: boolean;
  track_running_stats!: boolean;
  weight!: Parameter | null;
  bias!: Parameter | null;
  declare running_mean: Tensor | null;
  declare running_var: Tensor | null;
  declare num_batches_tracked: Tensor | null;

  /** Sets the settings, creates the parameters and buffers, and resets them (called right after super()). */
  protected _initNorm(num_features: number, eps: number, momentum: number | null, affine: boolean, track_running_stats: boolean, dtype: DType): void {
    this.num_features = num_features;
    this.eps = eps;
    this.momentum = momentum;
    this.affine = affine;
    this.track_running_stats = track_running_stats;
    this.register_parameter("weight", affine ? new Parameter(empty([num_features], dtype)) : null);
    this.register_parameter("bias", affine ? new Parameter(empty([num_features], dtype)) : null);
    this.register_buffer("running_mean", track_running_stats ? empty([num_features], dtype) : null);
    this.register_buffer("running_var", track_running_stats ? empty([num_features], dtype) : null);
    this.register_buffer("num_batches_tracked", track_running_stats ? empty([], int64) : null);
    this.reset_parameters();
    this._guard_slots();
  }

  reset_running_stats(): void {
    if (!this.track_running_stats) return;
    this.running_mean!._data.fill(0);
    this.running_var!._data.fill(1);
    this.num_batches_tracked!._data.fill(0);
    for (const t of [this.running_mean!, this.running_var!, this.num_batches_tracked!]) t._bump("reset_running_stats");
  }

  reset_parameters(): void {
    this.reset_running_stats();
    if (this.affine) {
      this.weight!._data.fill(1);
      this.bias!._data.fill(0);
    }
  }
}
