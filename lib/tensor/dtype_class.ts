/**
 * torch.dtype: the class of every dtype object, for the isinstance checks a learner writes
 * (`x.dtype instanceof torch.dtype`, Python's isinstance(x.dtype, torch.dtype)): the engine's dtypes, the complex
 * ones and the refused ones (torch.float16, ...) all count. As in torch, no dtype can be made by calling it.
 */
import { isDType } from "./dtype";
import { UnsupportedDType } from "./dtype_unsupported";
import { TypeError_ } from "./errors";

export class dtype {
  constructor() {
    throw new TypeError_("cannot create 'torch.dtype' instances");
  }

  static [Symbol.hasInstance](value: unknown): boolean {
    return isDType(value) || value instanceof UnsupportedDType;
  }

  static toString(): string {
    return "<class 'torch.dtype'>";
  }
}
