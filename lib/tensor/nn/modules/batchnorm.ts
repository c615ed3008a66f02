/**
 * BatchNorm1d over (N, C) or (N, C, L) input, PyTorch's _BatchNorm: learnable weight/bias
 * (affine), running_mean/running_var/num_batches_tracked buffers (track_running_stats), batch
 * statistics in train() and running statistics in eval(). momentum = null gives the
 * cumulative moving average (factor 1 / num_batches_tracked).
 */
import { parseArgs, type PyArgs } from "../../args";
import { float32, int64, type DType } from "../../dtype";
import { ValueError } from "../../errors";
import { empty } from "../../ops/util";
import type { Tensor } from "../../tensor";
import { batch_norm } from "../functional/normalization";
import { Module } from "../module";
import { Parameter } from "../parameter";
import { pyBool, pyFloat } from "../repr";

export interface BatchNormOptions {
  eps?: number;
  momentum?: number | null;
  affine?: boolean;
  track_running_stats?: boolean;
  dtype?: DType;
}

export class BatchNorm1d extends Module {
  static override readonly __name__ = "BatchNorm1d";
  num_features: number;
  eps: number;
  momentum: number | null;
  affine: boolean;
  track_running_stats: boolean;
  weight: Parameter | null;
  bias: Parameter | null;
  declare running_mean: Tensor | null;
  declare running_var: Tensor | null;
  declare num_batches_tracked: Tensor | null;

  /** new nn.BatchNorm1d(num_features, eps=1e-5, momentum=0.1, affine=true, track_running_stats=true) */
  constructor(
    num_features: number,
    ...args: PyArgs<[eps?: number, momentum?: number | null, affine?: boolean, track_running_stats?: boolean], BatchNormOptions>
  ) {
    super();
    const a = parseArgs<BatchNormOptions>("BatchNorm1d", ["eps", "momentum", "affine", "track_running_stats", "dtype"], args);
    const dtype = a.dtype ?? float32;
    this.num_features = num_features;
    this.eps = a.eps ?? 1e-5;
    // null is a setting of its own (a cumulative average), so only a missing momentum defaults.
    this.momentum = a.momentum === undefined ? 0.1 : a.momentum;
    this.affine = a.affine ?? true;
    this.track_running_stats = a.track_running_stats ?? true;
    this.weight = this.affine ? new Parameter(empty([num_features], dtype)) : null;
    this.bias = this.affine ? new Parameter(empty([num_features], dtype)) : null;
    if (this.track_running_stats) {
      this.register_buffer("running_mean", empty([num_features], dtype));
      this.register_buffer("running_var", empty([num_features], dtype));
      this.register_buffer("num_batches_tracked", empty([], int64));
    } else {
      this.register_buffer("running_mean", null);
      this.register_buffer("running_var", null);
      this.register_buffer("num_batches_tracked", null);
    }
    this.reset_parameters();
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

  override forward(input: Tensor): Tensor {
    if (input.dim() !== 2 && input.dim() !== 3) {
      throw new ValueError(`expected 2D or 3D input (got ${input.dim()}D input)`);
    }
    let factor = this.momentum ?? 0.0;
    if (this.training && this.track_running_stats && this.num_batches_tracked) {
      const nbt = this.num_batches_tracked;
      nbt._data[nbt._offset] += 1;
      nbt._bump("add_");
      factor = this.momentum === null ? 1.0 / nbt._data[nbt._offset] : this.momentum;
    }
    const bnTraining = this.training ? true : this.running_mean === null && this.running_var === null;
    const useRunning = !this.training || this.track_running_stats;
    return batch_norm(
      input,
      useRunning ? this.running_mean : null,
      useRunning ? this.running_var : null,
      this.weight,
      this.bias,
      bnTraining,
      factor,
      this.eps,
    );
  }

  override extra_repr(): string {
    const m = this.momentum === null ? "None" : pyFloat(this.momentum);
    return `${this.num_features}, eps=${pyFloat(this.eps)}, momentum=${m}, affine=${pyBool(this.affine)}, track_running_stats=${pyBool(this.track_running_stats)}`;
  }
}
