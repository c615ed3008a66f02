/**
 * nn.Parameter: a tensor that a Module registers as learnable. Like PyTorch it is a Tensor
 * subclass sharing the storage of the tensor it wraps, with requires_grad on by default.
 */
import { parseArgs, type PyArgs } from "../args";
import { isComplexTensor } from "../complex_dtype";
import { ComplexTensor } from "../complex_tensor";
import { allocStorage, float32, type DType } from "../dtype";
import { RuntimeError, TypeError_ } from "../errors";
import { inferenceState } from "../inference_state";
import { settleConstructing } from "./attribute_order";

interface UninitializedOptions {
  requires_grad?: boolean;
  device?: string | null;
  dtype?: DType | null;
}
import { Tensor } from "../tensor";

export class Parameter extends Tensor {
  /**
   * new nn.Parameter(data, requires_grad=true), or (data, { requires_grad: false }) as PyTorch code writes it;
   * both by keyword too (`nn.Parameter(data=torch.randn(1, 1, 768), requires_grad=True)`: { data, requires_grad }).
   * A complex `data` (the Fourier neural operator's spectral weights) gives a complex parameter instead
   * (ComplexParameter below): its real [..., 2] pair is what a module registers and an optimizer updates.
   */
  constructor(...args: PyArgs<[data?: Tensor | ComplexTensor | null, requires_grad?: boolean], { data?: Tensor | ComplexTensor | null; requires_grad?: boolean }>) {
    const a = parseArgs<{ data?: Tensor | ComplexTensor | null; requires_grad?: boolean }>("Parameter", ["data", "requires_grad"], args);
    const requires_grad = a.requires_grad ?? true;
    if (typeof requires_grad !== "boolean") throw new TypeError_(`Parameter(): argument 'requires_grad' must be bool, not ${typeof requires_grad}`);
    // (Typed as a Parameter for the learner's `this.weights = new nn.Parameter(z)`; it is a complex tensor.)
    if (isComplexTensor(a.data)) return new ComplexParameter(a.data as ComplexTensor, requires_grad) as unknown as Parameter;
    const data = a.data as Tensor | null | undefined;
    if (data !== undefined && data !== null && !(data instanceof Tensor)) throw new TypeError_(`Parameter(): argument 'data' must be Tensor, not ${typeof data}`);
    const src = data ?? new Tensor(new Float32Array(0), [0], float32);
    super(src._data, src.shape, src.dtype, src._strides, src._offset, src._ver);
    // A parameter over an inference tensor is one too (torch 1.13: requires_grad=True on it then raises outside the mode).
    if (inferenceState.tensors.has(src) || (src._base && inferenceState.tensors.has(src._base))) inferenceState.tensors.add(this);
    // Parameters are leaves: wrapping a tensor cuts it from whatever graph produced it.
    if (requires_grad) {
      // torch 1.13's words for an integer tensor (labml's AMSGrad experiment wraps torch.tensor([-1]))
      if (!this.dtype.is_floating_point) throw new RuntimeError("Only Tensors of floating point and complex dtype can require gradients");
      this.requires_grad_(true);
    }
    settleConstructing(); // a module's constructor may assign this next (nn/attribute_order.ts)
  }

  override toString(): string {
    return `Parameter containing:\n${super.toString()}`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/**
 * nn.Parameter(z) of a complex tensor: a complex tensor whose real [..., 2] pair is a Parameter (a leaf). A module
 * registers that pair (Module._own_parameters), so parameters() / state_dict() / an optimizer see a real [..., 2]
 * tensor: the update is torch 1.13's, whose optimizers step a complex parameter through torch.view_as_real. The
 * attribute itself stays this complex tensor for the forward pass.
 */
export class ComplexParameter extends ComplexTensor {
  constructor(z: ComplexTensor, requires_grad = true) {
    super(new Parameter(z._pair.detach(), requires_grad));
  }

  override toString(): string {
    return `Parameter containing:\n${super.toString()}`;
  }
}

/**
 * nn.UninitializedParameter: a lazy module's parameter before its first input (or load_state_dict) gives it a
 * shape, printed `<UninitializedParameter>` as in PyTorch. It holds no elements; materialize() gives it its
 * storage in place and makes it a Parameter, so an optimizer built before the dry run trains it (as PyTorch's
 * in-place materialize does).
 */
export class UninitializedParameter extends Parameter {
  /** new nn.UninitializedParameter(requires_grad=true, device=None, dtype=None), as PyTorch 1.13 (no data: it has no shape yet). */
  constructor(...args: PyArgs<[requires_grad?: boolean, device?: string | null, dtype?: DType | null], UninitializedOptions>) {
    const a = parseArgs<UninitializedOptions>("UninitializedParameter", ["requires_grad", "device", "dtype"], args);
    if (a.device !== undefined && a.device !== null && String(a.device) !== "cpu") throw new RuntimeError(`UninitializedParameter: device '${String(a.device)}' is not available here (only cpu)`);
    const dtype = a.dtype ?? float32;
    super(new Tensor(allocStorage(dtype, 0), [0], dtype), a.requires_grad ?? true);
  }

  override toString(): string {
    return "<UninitializedParameter>";
  }

  /** This parameter, now holding `data` (shape and values), as a plain Parameter. */
  materialize(data: Tensor): Parameter {
    this.data = data;
    Object.setPrototypeOf(this, Parameter.prototype);
    return this;
  }
}
