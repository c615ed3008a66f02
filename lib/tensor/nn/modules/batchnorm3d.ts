/**
 * BatchNorm3d over (N, C, D, H, W): BatchNorm1d's math (buffers, momentum, train/eval) with the
 * statistics per channel over N, D, H and W, computed by viewing the input as (N, C, D*H*W),
 * as BatchNorm2d does.
 */
import { parseArgs, type PyArgs } from "../../args";
import { ValueError } from "../../errors";
import type { Tensor } from "../../tensor";
import { BatchNorm1d, type BatchNormOptions } from "./batchnorm";

export class BatchNorm3d extends BatchNorm1d {
  /** new nn.BatchNorm3d(num_features, eps=1e-5, momentum=0.1, affine=true, track_running_stats=true) */
  constructor(
    num_features: number,
    ...args: PyArgs<[eps?: number, momentum?: number | null, affine?: boolean, track_running_stats?: boolean], BatchNormOptions>
  ) {
    super(num_features, parseArgs<BatchNormOptions>("BatchNorm3d", ["eps", "momentum", "affine", "track_running_stats", "dtype"], args));
  }

  /** torch.load rebuilds the layer from its settings. */
  static _from_settings(s: Record<string, unknown>): BatchNorm3d {
    return new BatchNorm3d(s.num_features as number, { affine: s.affine as boolean, track_running_stats: s.track_running_stats as boolean });
  }

  override forward(input: Tensor): Tensor {
    if (input.dim() !== 5) throw new ValueError(`expected 5D input (got ${input.dim()}D input)`);
    const [N, C, D, H, W] = input.shape;
    return super.forward(input.reshape(N, C, D * H * W)).reshape(N, C, D, H, W);
  }
}

// BatchNorm1d types its __name__ as the literal "BatchNorm1d", so the subclass sets its own at run time.
Object.defineProperty(BatchNorm3d, "__name__", { value: "BatchNorm3d" });
