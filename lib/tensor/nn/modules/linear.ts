/** Linear, Identity and Flatten. */
import { parseArgs, parseArgsRequired, type PyArgs } from "../../args";
import { float32, type DType } from "../../dtype";
import { TypeError_ } from "../../errors";
import { empty } from "../../ops/util";
import type { Tensor } from "../../tensor";
import { linear } from "../functional/linear";
import { _calculate_fan_in_and_fan_out, kaiming_uniform_, uniform_ } from "../init";
import { Module } from "../module";
import { Parameter } from "../parameter";
import { checkDevice, type DeviceLike } from "../placement";
import { pyBool } from "../repr";

export interface LinearOptions {
  /** Required; also accepted by keyword, as `nn.Linear(in_features=784, out_features=20)`. */
  in_features?: number;
  out_features?: number;
  bias?: boolean | null;
  /** PyTorch's factory keyword: the CPU (or null); any other device raises. */
  device?: DeviceLike | null;
  dtype?: DType;
}

/**
 * y = x W^T + b with W of shape [out_features, in_features]. Initialised as PyTorch does:
 * kaiming_uniform_(W, a=sqrt(5)) (i.e. U(-1/sqrt(in), 1/sqrt(in))) and b ~ U(-1/sqrt(in), 1/sqrt(in)).
 */
export class Linear extends Module {
  static override readonly __name__ = "Linear";
  in_features: number;
  out_features: number;
  weight: Parameter;
  bias!: Parameter | null;

  constructor(...args: PyArgs<[in_features?: number, out_features?: number, bias?: boolean | null, device?: DeviceLike | null, dtype?: DType | null], LinearOptions>) {
    super();
    const opts = parseArgsRequired<LinearOptions>("Linear", ["in_features", "out_features", "bias", "device", "dtype"], 2, args);
    checkDevice(opts.device, "Linear");
    const in_features = opts.in_features!;
    const out_features = opts.out_features!;
    for (const [v, what] of [[in_features, "in_features"], [out_features, "out_features"]] as const) {
      if (!Number.isInteger(v) || v < 0) throw new TypeError_(`Linear.__init__(): argument '${what}' must be a non-negative int, not ${typeof v === "number" ? v : typeof v}`);
    }
    const dtype = opts.dtype ?? float32;
    this.in_features = in_features;
    this.out_features = out_features;
    this.weight = new Parameter(empty([out_features, in_features], dtype));
    this.register_parameter("bias", (opts.bias === undefined || Boolean(opts.bias)) ? new Parameter(empty([out_features], dtype)) : null);
    this.reset_parameters();
    this._guard_slots();
  }

  /** Rebuilds a saved Linear, or a subclass such as attention's out_proj, from its saved sizes (torch.load of a whole model). */
  static _from_settings(this: new (i: number, o: number, opts: LinearOptions) => Module, s: Record<string, unknown>): Module {
    return new this(s.in_features as number, s.out_features as number, { bias: s.bias !== null });
  }

  reset_parameters(): void {
    kaiming_uniform_(this.weight, Math.sqrt(5));
    if (this.bias) {
      const [fanIn] = _calculate_fan_in_and_fan_out(this.weight);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      uniform_(this.bias, -bound, bound);
    }
  }

  override forward(input: Tensor): Tensor {
    return linear(input, this.weight, this.bias);
  }

  override extra_repr(): string {
    return `in_features=${this.in_features}, out_features=${this.out_features}, bias=${pyBool(this.bias !== null)}`;
  }
}

/** Returns its input unchanged (a placeholder, e.g. to switch a layer off). */
export class Identity extends Module {
  static override readonly __name__ = "Identity";

  /** Accepts and ignores any arguments, like PyTorch's Identity. */
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  constructor(..._args: unknown[]) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return input;
  }
}

/** Flattens dims start_dim..end_dim (by default all but the batch dim). */
export class Flatten extends Module {
  static override readonly __name__ = "Flatten";
  start_dim: number;
  end_dim: number;

  constructor(...args: PyArgs<[start_dim?: number, end_dim?: number], { start_dim?: number; end_dim?: number }>) {
    super();
    const o = parseArgs<{ start_dim?: number; end_dim?: number }>("Flatten", ["start_dim", "end_dim"], args);
    this.start_dim = o.start_dim ?? 1;
    this.end_dim = o.end_dim ?? -1;
  }

  override forward(input: Tensor): Tensor {
    return input.flatten(this.start_dim, this.end_dim);
  }

  override extra_repr(): string {
    return `start_dim=${this.start_dim}, end_dim=${this.end_dim}`;
  }
}
