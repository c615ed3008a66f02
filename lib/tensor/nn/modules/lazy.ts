/**
 * nn.LazyLinear(out_features, bias=true): a Linear whose in_features is read from the last dim
 * of the first input. Until then it holds empty placeholder parameters and prints as
 * `LazyLinear(in_features=0, out_features=5, bias=True)`; the first call materialises weight
 * and bias (PyTorch's Linear initialisation, drawn in PyTorch's order from the seeded
 * generator) and the module becomes a Linear, as PyTorch's cls_to_become does. As in PyTorch,
 * build the optimizer after that first call (a dry run): the placeholders are replaced.
 */
import { parseArgs, type PyArgs } from "../../args";
import { float32, type DType } from "../../dtype";
import { ValueError } from "../../errors";
import { empty } from "../../ops/util";
import type { Tensor } from "../../tensor";
import { Module } from "../module";
import { Parameter } from "../parameter";
import { pyBool } from "../repr";
import { Linear } from "./linear";

interface LazyLinearOptions {
  out_features?: number;
  bias?: boolean;
  device?: string | null;
  dtype?: DType;
}

export class LazyLinear extends Module {
  static override readonly __name__ = "LazyLinear";
  in_features = 0;
  out_features: number;
  weight: Parameter;
  bias: Parameter | null;
  private readonly lazyDtype: DType;

  constructor(...args: PyArgs<[out_features: number, bias?: boolean], LazyLinearOptions>) {
    super();
    const a = parseArgs<LazyLinearOptions>("LazyLinear", ["out_features", "bias", "device", "dtype"], args);
    if (a.out_features === undefined) throw new ValueError("LazyLinear() missing 1 required positional argument: 'out_features'");
    this.out_features = a.out_features;
    this.lazyDtype = a.dtype ?? float32;
    this.weight = new Parameter(empty([0], this.lazyDtype));
    this.bias = a.bias ?? true ? new Parameter(empty([0], this.lazyDtype)) : null;
  }

  /** PyTorch's LazyModuleMixin.has_uninitialized_params: true until the first forward. */
  has_uninitialized_params(): boolean {
    return true;
  }

  /** Materialises weight [out, in] and bias from `input`'s last dim and turns this module into a Linear. */
  initialize_parameters(input: Tensor): void {
    if (input.dim() < 1) throw new ValueError("LazyLinear: the input needs at least one dimension (its last one is in_features)");
    const inFeatures = input.shape[input.dim() - 1];
    const dtype = this.lazyDtype;
    const hasBias = this.bias !== null;
    delete (this as unknown as Record<string, unknown>).lazyDtype;
    this.in_features = inFeatures;
    this.weight = new Parameter(empty([this.out_features, inFeatures], dtype));
    this.bias = hasBias ? new Parameter(empty([this.out_features], dtype)) : null;
    Object.setPrototypeOf(this, Linear.prototype);
    (this as unknown as Linear).reset_parameters();
  }

  override forward(input: Tensor): Tensor {
    this.initialize_parameters(input);
    return (this as unknown as Linear).forward(input);
  }

  override extra_repr(): string {
    return `in_features=0, out_features=${this.out_features}, bias=${pyBool(this.bias !== null)}`;
  }
}
