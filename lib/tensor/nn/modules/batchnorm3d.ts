/**
 * BatchNorm3d over (N, C, D, H, W): BatchNorm1d's math (buffers, momentum, train/eval) with the
 * statistics per channel over N, D, H and W, computed by viewing the input as (N, C, D*H*W),
 * as BatchNorm2d does.
 */
import { SpatialBatchNorm, type BatchNormArgs } from "./batchnorm_spatial";

export class BatchNorm3d extends SpatialBatchNorm {
  protected readonly spatialDims = 3;

  /** new nn.BatchNorm3d(num_features, eps=1e-5, momentum=0.1, affine=true, track_running_stats=true) */
  constructor(...args: BatchNormArgs) {
    super("BatchNorm3d", args);
  }

  /** torch.load rebuilds the layer from its settings. */
  static _from_settings(s: Record<string, unknown>): BatchNorm3d {
    return new BatchNorm3d(s.num_features as number, { affine: s.affine as boolean, track_running_stats: s.track_running_stats as boolean });
  }
}

// BatchNorm1d types its __name__ as the literal "BatchNorm1d", so the subclass sets its own at run time.
Object.defineProperty(BatchNorm3d, "__name__", { value: "BatchNorm3d" });
