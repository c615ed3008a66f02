/**
 * nn.FractionalMaxPool2d / FractionalMaxPool3d (PyTorch 1.13): F.fractional_max_pool*d with the
 * module's settings. `_random_samples` is registered as a buffer (None unless given, so it is
 * not in the state_dict), as PyTorch registers it; without it each call draws fresh samples.
 * The repr is PyTorch's bare `FractionalMaxPool2d()` (1.13 defines no extra_repr).
 */
import { parseArgsRequired, type PyArgs } from "../../args";
import { ValueError } from "../../errors";
import type { Tensor } from "../../tensor";
import { fractional_max_pool2d_with_indices, fractional_max_pool3d_with_indices, type FractionalMaxPoolOptions } from "../functional/fractional_pool";
import { Module } from "../module";

type Sizes = number | readonly number[];

abstract class FractionalMaxPoolNd extends Module {
  kernel_size!: Sizes;
  output_size!: Sizes | null;
  output_ratio!: Sizes | null;
  return_indices!: boolean;
  declare _random_samples: Tensor | null;
  private nd!: 2 | 3;

  protected _init(cls: string, nd: 2 | 3, args: readonly unknown[]): void {
    this.nd = nd;
    const a = parseArgsRequired<FractionalMaxPoolOptions>(cls, ["kernel_size", "output_size", "output_ratio", "return_indices", "_random_samples"], 1, args);
    this.kernel_size = a.kernel_size!;
    this.return_indices = a.return_indices ?? false;
    this.register_buffer("_random_samples", a._random_samples ?? null);
    this.output_size = a.output_size ?? null;
    this.output_ratio = a.output_ratio ?? null;
    if (this.output_size === null && this.output_ratio === null) {
      throw new ValueError(`${cls} requires specifying either an output size, or a pooling ratio`);
    }
    if (this.output_size !== null && this.output_ratio !== null) throw new ValueError("only one of output_size and output_ratio may be specified");
    if (this.output_ratio !== null) {
      const r = typeof this.output_ratio === "number" ? new Array<number>(nd).fill(this.output_ratio) : [...this.output_ratio];
      if (!r.every((v) => v > 0 && v < 1)) throw new ValueError(`output_ratio must be between 0 and 1 (got ${typeof this.output_ratio === "number" ? this.output_ratio : `(${r.join(", ")})`})`);
    }
  }

  override forward(input: Tensor): Tensor | [Tensor, Tensor] {
    const pool = this.nd === 2 ? fractional_max_pool2d_with_indices : fractional_max_pool3d_with_indices;
    const r = pool(input, this.kernel_size, this.output_size, this.output_ratio, this.return_indices, this._random_samples);
    return this.return_indices ? r : r[0];
  }
}

type Args = PyArgs<[output_size?: Sizes | null, output_ratio?: Sizes | null, return_indices?: boolean, _random_samples?: Tensor | null], Omit<FractionalMaxPoolOptions, "kernel_size">>;

/** The one definition of both classes: they differ only in nd (and the name in messages). */
// Its type spelled out: declaration emit (scripts/gen-engine-types.mjs) cannot write an exported anonymous class with protected members (TS4094).
function fractionalMaxPoolClass(nd: 2 | 3): (new (kernel_size: Sizes | FractionalMaxPoolOptions, ...args: Args) => FractionalMaxPoolNd) & Omit<typeof FractionalMaxPoolNd, "prototype"> {
  const cls = `FractionalMaxPool${nd}d`;
  return class extends FractionalMaxPoolNd {
    /** new nn.FractionalMaxPool{2,3}d(kernel_size, output_size=None, output_ratio=None, return_indices=False, _random_samples=None) */
    constructor(kernel_size: Sizes | FractionalMaxPoolOptions, ...args: Args) {
      super();
      this._init(cls, nd, [kernel_size, ...args]);
    }
  };
}

export class FractionalMaxPool2d extends fractionalMaxPoolClass(2) {
  static override readonly __name__ = "FractionalMaxPool2d";
}

export class FractionalMaxPool3d extends fractionalMaxPoolClass(3) {
  static override readonly __name__ = "FractionalMaxPool3d";
}
