/** Dropout: active in train(), the identity in eval(). */
import { ValueError } from "../../errors";
import type { Tensor } from "../../tensor";
import { dropout } from "../functional/dropout";
import { parseArgs } from "../functional/_util";
import { Module } from "../module";
import { pyBool, pyFloat } from "../repr";

export class Dropout extends Module {
  static override readonly __name__ = "Dropout";
  p: number;
  inplace: boolean;

  /** new nn.Dropout(p=0.5, inplace=false) or new nn.Dropout({ p }) */
  constructor(...args: unknown[]) {
    super();
    const a = parseArgs("Dropout", ["p", "inplace"], args);
    this.p = (a.p as number | undefined) ?? 0.5;
    this.inplace = (a.inplace as boolean | undefined) ?? false;
    if (!(this.p >= 0 && this.p <= 1)) throw new ValueError(`dropout probability has to be between 0 and 1, but got ${this.p}`);
  }

  override forward(input: Tensor): Tensor {
    return dropout(input, this.p, this.training);
  }

  override extra_repr(): string {
    return `p=${pyFloat(this.p)}, inplace=${pyBool(this.inplace)}`;
  }
}
