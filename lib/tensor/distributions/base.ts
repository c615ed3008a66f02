/**
 * Base classes several torch.distributions classes share: a location-scale base (Cauchy, Laplace:
 * PyTorch's `loc, scale, validate_args` constructor with a positive scale, sample = rsample
 * without gradient) and a Categorical-backed base (OneHotCategorical, Multinomial: PyTorch builds
 * both on a Categorical and reads probs, logits and the shapes from it).
 */
import { parseArgs, type PyArgs } from "../args";
import { no_grad } from "../autograd/grad_mode";
import { TypeError_ } from "../errors";
import { Tensor } from "../tensor";
import { Categorical } from "./normal_categorical";
import { broadcastAll, checkParam, fmtParam, positive, type Param, type Validate, validates } from "./util";

export type LocScaleArgs = PyArgs<[loc: Param, scale: Param, validate_args?: boolean | null], { loc?: Param; scale?: Param } & Validate>;

/** A distribution of loc + scale * (a standard draw): both parameters broadcast, scale validated positive. */
export abstract class LocScale {
  readonly loc: Tensor;
  readonly scale: Tensor;
  readonly batch_shape: number[];
  readonly event_shape: number[] = [];
  /** Whether rsample (a reparameterised, differentiable draw) exists, as PyTorch's flag. */
  readonly has_rsample = true;

  /** `name` is the class's Python name, for argument errors and the repr. */
  protected constructor(private readonly name: string, args: LocScaleArgs) {
    const o = parseArgs<{ loc?: Param; scale?: Param } & Validate>(name, ["loc", "scale", "validate_args"], args);
    if (o.loc === undefined || o.scale === undefined) throw new TypeError_(`${name}() missing required arguments: 'loc' and 'scale'`);
    [this.loc, this.scale] = broadcastAll(o.loc, o.scale);
    this.batch_shape = this.loc.shape.slice();
    if (validates(o.validate_args)) checkParam("scale", this.scale, positive, "GreaterThan(lower_bound=0.0)", () => this.toString());
  }

  abstract rsample(sample_shape?: readonly number[]): Tensor;

  sample(sample_shape: readonly number[] = []): Tensor {
    return no_grad(() => this.rsample(sample_shape));
  }

  toString(): string {
    return `${this.name}(loc: ${fmtParam(this.loc)}, scale: ${fmtParam(this.scale)})`;
  }
}

/** A distribution over one-hot vectors or counts of a Categorical's categories (the last dim is the event). */
export abstract class CategoricalBacked {
  readonly categorical: Categorical;
  readonly batch_shape: number[];
  readonly event_shape: number[];
  /** Whether rsample (a reparameterised, differentiable draw) exists, as PyTorch's flag. */
  readonly has_rsample: boolean = false;

  protected constructor(o: { probs?: Tensor | null; logits?: Tensor | null } & Validate) {
    this.categorical = new Categorical({ probs: o.probs ?? null, logits: o.logits ?? null, validate_args: o.validate_args });
    this.batch_shape = this.categorical.batch_shape.slice();
    this.event_shape = this.categorical.param_shape.slice(-1);
  }

  get probs(): Tensor {
    return this.categorical.probs;
  }
  get logits(): Tensor {
    return this.categorical.logits;
  }
  abstract get variance(): Tensor;
  get stddev(): Tensor {
    return this.variance.sqrt();
  }
}
