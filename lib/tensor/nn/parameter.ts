/**
 * nn.Parameter: a tensor that a Module registers as learnable. Like PyTorch it is a Tensor
 * subclass sharing the storage of the tensor it wraps, with requires_grad on by default.
 */
import { float32 } from "../dtype";
import { Tensor } from "../tensor";

export class Parameter extends Tensor {
  constructor(data?: Tensor | null, requires_grad = true) {
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
