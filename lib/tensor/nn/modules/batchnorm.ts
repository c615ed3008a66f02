/**
 * BatchNorm1d over (N, C) or (N, C, L) input, PyTorch's _BatchNorm: learnable weight/bias
 * (affine), running_mean/running_var/num_batches_tracked buffers (track_running_stats), batch
 * statistics in train() and running statistics in eval(). momentum = null gives the
 * cumulative moving average (factor 1 / num_batches_tracked).
 */
import { parseArgsRequired, type PyArgs } from "../../args";
import { float32, type DType } from "../../dtype";
import { ValueError } from "../../errors";
import type { Tensor } from "../../tensor";
import { batch_norm } from "../functional/normalization";
import { NormBase } from "./norm_base";
import { checkDevice, type DeviceLike } from "../placement";
import { pyBool, pyFloat } from "../repr";

export interface BatchNormOptions {
  /** Required; also accepted by keyword (`nn.BatchNorm2d(num_features=64)`). */
  num_features?: number;
  eps?: number;
  momentum?: number | null;
  affine?: boolean;
  track_running_stats?: boolean;
  /** PyTorch's factory keyword: the CPU (or null); any other device raises. */
  device?: DeviceLike | null;
  dtype?: DType;
}

export class BatchNorm1d extends NormBase {
  static override readonly __name__ = "BatchNorm1d";

  /** new nn.BatchNorm1d(num_features, eps=1e-5, momentum=0.1, affine=true, track_running_stats=true) */
  constructor(...args: PyArgs<[num_features?: number, eps?: number, momentum?: number | null, affine?: boolean, track_running_stats?: boolean], BatchNormOptions>) {
    super();
    const a = parseArgsRequired<BatchNormOptions>("BatchNorm1d", ["num_features", "eps", "momentum", "affine", "track_running_stats", "device", "dtype"], 1, args);
    checkDevice(a.device, this._get_name());
    const num_features = a.num_features!;
    // null is a setting of its own (a cumulative average), so only a missing momentum defaults.
    const momentum = a.momentum === undefined ? 0.1 : a.momentum;
    this._initNorm(num_features, a.eps ?? 1e-5, momentum, a.affine ?? true, a.track_running_stats ?? true, a.dtype ?? float32);
  }

  override forward(input: Tensor): Tensor {
    if (input.dim() !== 2 && input.dim() !== 3) {
      throw new ValueError(`expected 2D or 3D input (got ${input.dim()}D input)`);
    }
    return this._batchNorm(input);
  }

  /** The running-statistics bookkeeping and F.batch_norm, for an input whose dims the subclass has checked. */
  protected _batchNorm(input: Tensor): Tensor {
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
