/** Dropout1d/2d/3d, AlphaDropout and FeatureAlphaDropout: active in train(), the identity in eval(). */
import { parseArgs, type PyArgs } from "../../args";
import { ValueError } from "../../errors";
import type { Tensor } from "../../tensor";
import * as Fd from "../functional/dropout_extra";
import { Module } from "../module";
import { pyBool, pyFloat } from "../repr";

/** PyTorch's _DropoutNd: p and inplace, printed as `Dropout2d(p=0.5, inplace=False)`. */
abstract class DropoutNd extends Module {
  p: number;
  inplace: boolean;
  constructor(...args: PyArgs<[p?: number, inplace?: boolean], { p?: number; inplace?: boolean }>) {
    super();
    const a = parseArgs<{ p?: number; inplace?: boolean }>(this._get_name(), ["p", "inplace"], args);
    this.p = a.p ?? 0.5;
    this.inplace = a.inplace ?? false;
    if (!(this.p >= 0 && this.p <= 1)) throw new ValueError(`dropout probability has to be between 0 and 1, but got ${this.p}`);
  }
  override extra_repr(): string {
    return `p=${pyFloat(this.p)}, inplace=${pyBool(this.inplace)}`;
  }
}

export class Dropout1d extends DropoutNd {
  static override readonly __name__ = "Dropout1d";
  override forward(input: Tensor): Tensor {
    return Fd.dropout1d(input, this.p, this.training, this.inplace);
  }
}

export class Dropout2d extends DropoutNd {
  static override readonly __name__ = "Dropout2d";
  override forward(input: Tensor): Tensor {
    return Fd.dropout2d(input, this.p, this.training, this.inplace);
  }
}

export class Dropout3d extends DropoutNd {
  static override readonly __name__ = "Dropout3d";
  override forward(input: Tensor): Tensor {
    return Fd.dropout3d(input, this.p, this.training, this.inplace);
  }
}

export class AlphaDropout extends DropoutNd {
  static override readonly __name__ = "AlphaDropout";
  override forward(input: Tensor): Tensor {
    return Fd.alpha_dropout(input, this.p, this.training, this.inplace);
  }
}

export class FeatureAlphaDropout extends DropoutNd {
  static override readonly __name__ = "FeatureAlphaDropout";
  override forward(input: Tensor): Tensor {
    return Fd.feature_alpha_dropout(input, this.p, this.training, this.inplace);
  }
}
