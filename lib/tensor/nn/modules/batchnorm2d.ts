/**
 * BatchNorm2d over (N, C, H, W): BatchNorm1d's math (and buffers, momentum, train/eval) with
 * the statistics per channel over N, H and W, computed by viewing the input as (N, C, H*W).
 */
import { SpatialBatchNorm, type BatchNormArgs } from "./batchnorm_spatial";

export class BatchNorm2d extends SpatialBatchNorm {
  protected readonly spatialDims = 2;

  /** new nn.BatchNorm2d(num_features, eps=1e-5, momentum=0.1, affine=true, track_running_stats=true) */
  constructor(...args: BatchNormArgs) {
    super("BatchNorm2d", args);
  }

  /** torch.load rebuilds the layer from its settings. */
  static _from_settings(s: Record<string, unknown>): BatchNorm2d {
    return new BatchNorm2d(s.num_features as number, { affine: s.affine as boolean, track_running_stats: s.track_running_stats as boolean });
  }
}

// BatchNorm1d types its __name__ as the literal "BatchNorm1d", so the subclass sets its own at run time.
Object.defineProperty(BatchNorm2d, "__name__", { value: "BatchNorm2d" });
