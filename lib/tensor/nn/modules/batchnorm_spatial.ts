/**
 * What BatchNorm2d and BatchNorm3d share: BatchNorm1d's math (buffers, momentum, train/eval) with
 * the statistics per channel over N and every spatial position, F.batch_norm taking the
 * (N, C, *spatial) input as it is. Kept out of nn's exports.
 */
import { parseArgsRequired, type PyArgs } from "../../args";
import { ValueError } from "../../errors";
import type { Tensor } from "../../tensor";
import { torchSize } from "../repr";
import { BatchNorm1d, type BatchNormOptions } from "./batchnorm";

export type BatchNormArgs = PyArgs<[num_features?: number, eps?: number, momentum?: number | null, affine?: boolean, track_running_stats?: boolean], BatchNormOptions>;

export abstract class SpatialBatchNorm extends BatchNorm1d {
  protected abstract readonly spatialDims: number;

  /** Parses under the subclass's name, so errors name BatchNorm2d / BatchNorm3d. */
  protected constructor(name: string, args: BatchNormArgs) {
    super(parseArgsRequired<BatchNormOptions>(name, ["num_features", "eps", "momentum", "affine", "track_running_stats", "device", "dtype"], 1, args));
  }

  override forward(input: Tensor): Tensor {
    const d = this.spatialDims + 2;
    if (input.dim() !== d) throw new ValueError(`expected ${d}D input (got ${input.dim()}D input)`);
    const [N, , ...spatial] = input.shape;
    const flat = spatial.reduce((a, b) => a * b, 1);
    // checked here so that the message gives the input's own size, as torch's (not the (N, C, L) view's)
    const bnTraining = this.training || (this.running_mean === null && this.running_var === null);
    if (bnTraining && N * flat <= 1) throw new ValueError(`Expected more than 1 value per channel when training, got input size ${torchSize(input.shape)}`);
    // F.batch_norm takes (N, C, d1, ...) itself: the result is its own tensor (NativeBatchNormBackward0), not a view
    // of an (N, C, L) one, so an in-place activation after it stays twice differentiable (WGAN-GP's penalty).
    return this._batchNorm(input);
  }
}
