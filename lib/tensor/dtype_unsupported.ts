/**
 * torch.float16 / bfloat16 (and the alias half): PyTorch dtypes the engine does not store (its tensors are float32, float64, int64,
 * int32, int16, int8, uint8 and bool). They exist so code that names them loads and prints them; reading anything a tensor
 * would need from one (is_floating_point, itemsize, its storage name) raises one clear error, so
 * creating or converting a tensor with it fails at the call, naming the dtype and what to use.
 */
import { float32 } from "./dtype";
import { RuntimeError } from "./errors";

export class UnsupportedDType {
  constructor(readonly torchName: string, private readonly advice: string) {
    Object.freeze(this);
  }

  /** Raises the error that names this dtype and the supported ones. */
  refuse(): never {
    throw new RuntimeError(
      `torch.${this.torchName} is not supported by Gradbook's tensor engine, which stores float32, float64, int64, int32, int16, int8, uint8 and bool tensors only. ${this.advice}`,
    );
  }

  get name(): never {
    return this.refuse();
  }

  get is_floating_point(): never {
    return this.refuse();
  }

  get itemsize(): never {
    return this.refuse();
  }

  /** torch.float16.is_signed / bfloat16's: True, nothing a tensor needs, so answered (as torch 1.13). */
  get is_signed(): boolean {
    return true;
  }

  /** False, as torch 1.13's (neither is complex). */
  get is_complex(): boolean {
    return false;
  }

  toString(): string {
    return `torch.${this.torchName}`;
  }
}

// Instances pass the engine's isDType() check (so an options parser takes them as a dtype, not as
// an options object) and then fail at the first property a tensor needs.
Object.setPrototypeOf(UnsupportedDType.prototype, Object.getPrototypeOf(float32));

const FLOAT = "Use torch.float32 (the default) or torch.float64.";

const float16 = new UnsupportedDType("float16", FLOAT);
const bfloat16 = new UnsupportedDType("bfloat16", FLOAT);

/** The torch.* names of the unsupported dtypes (PyTorch's aliases point at the same objects). */
export const unsupportedDtypes = { float16, bfloat16, half: float16 };
