/**
 * nn.Parameter: a tensor that a Module registers as learnable. Like PyTorch it is a Tensor
 * subclass sharing the storage of the tensor it wraps, with requires_grad on by default.
 */
import { parseArgs, type PyArgs } from "../args";
import { float32 } from "../dtype";
import { TypeError_ } from "../errors";
import { Tensor } from "../tensor";

export class Parameter extends Tensor {
  /** new nn.Parameter(data, requires_grad=true), or (data, { requires_grad: false }) as PyTorch code writes it. */
  constructor(data?: Tensor | null, ...args: PyArgs<[requires_grad?: boolean], { requires_grad?: boolean }>) {
    const requires_grad = parseArgs<{ requires_grad?: boolean }>("Parameter", ["requires_grad"], args).requires_grad ?? true;
    if (typeof requires_grad !== "boolean") throw new TypeError_(`Parameter(): argument 'requires_grad' must be bool, not ${typeof requires_grad}`);
    const src = data ?? new Tensor(new Float32Array(0), [0], float32);
    super(src._data, src.shape, src.dtype, src._strides, src._offset, src._ver);
    // Parameters are leaves: wrapping a tensor cuts it from whatever graph produced it.
    if (requires_grad) this.requires_grad_(true);
  }

  override toString(): string {
    return `Parameter containing:\n${super.toString()}`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}
