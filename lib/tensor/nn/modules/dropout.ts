/** Dropout: active in train(), the identity in eval(). */
import { parseArgs, type PyArgs } from "../../args";
import { ValueError } from "../../errors";
import type { Tensor } from "../../tensor";
import { dropout } from "../functional/dropout";
import { Module } from "../module";
import { pyBool, pyFloat } from "../repr";

export class Dropout extends Module {
  static override readonly __name__ = "Dropout";
  p: number;
  inplace: boolean;

  /** new nn.Dropout(p=0.5, inplace=false) or new nn.Dropout({ p }) */
  constructor(...args: PyArgs<[p?: number, inplace?: boolean], { p?: number; inplace?: boolean }>) {
    super();
    const a = parseArgs<{ p?: number; inplace?: boolean }>("Dropout", ["p", "inplace"], args);
    this.p = a.p ?? 0.5;
    this.inplace = a.inplace ?? false;
    if (!(this.p >= 0 && this.p <= 1)) throw new ValueError(`dropout probability has to be between 0 and 1, but got ${this.p}`);
  }

  override forward(input: Tensor): Tensor {
    return dropout(input, this.p, this.training, this.inplace);
  }

  override extra_repr(): string {
    return `p=${pyFloat(this.p)}, inplace=${pyBool(this.inplace)}`;
  }
}
