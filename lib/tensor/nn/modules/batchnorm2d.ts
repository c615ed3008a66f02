/**
 * BatchNorm2d over (N, C, H, W): BatchNorm1d's math (and buffers, momentum, train/eval) with
 * the statistics per channel over N, H and W, computed by viewing the input as (N, C, H*W).
 */
import { parseArgs, type PyArgs } from "../../args";
import { ValueError } from "../../errors";
import type { Tensor } from "../../tensor";
import { BatchNorm1d, type BatchNormOptions } from "./batchnorm";

export class BatchNorm2d extends BatchNorm1d {

  /** new nn.BatchNorm2d(num_features, eps=1e-5, momentum=0.1, affine=true, track_running_stats=true) */
  constructor(
    num_features: number,
    ...args: PyArgs<[eps?: number, momentum?: number | null, affine?: boolean, track_running_stats?: boolean], BatchNormOptions>
  ) {
    // Parsed here too so that errors name BatchNorm2d.
    super(num_features, parseArgs<BatchNormOptions>("BatchNorm2d", ["eps", "momentum", "affine", "track_running_stats", "dtype"], args));
  }

  /** torch.load rebuilds the layer from its settings. */
  static _from_settings(s: Record<string, unknown>): BatchNorm2d {
    return new BatchNorm2d(s.num_features as number, { affine: s.affine as boolean, track_running_stats: s.track_running_stats as boolean });
  }

  override forward(input: Tensor): Tensor {
    if (input.dim() !== 4) throw new ValueError(`expected 4D input (got ${input.dim()}D input)`);
    const [N, C, H, W] = input.shape;
    return super.forward(input.reshape(N, C, H * W)).reshape(N, C, H, W);
  }
}

// BatchNorm1d types its __name__ as the literal "BatchNorm1d", so the subclass sets its own at run time.
Object.defineProperty(BatchNorm2d, "__name__", { value: "BatchNorm2d" });
