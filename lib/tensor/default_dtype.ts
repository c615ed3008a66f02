/**
 * torch.get_default_dtype / set_default_dtype: the float dtype creation functions pick when
 * none is given (torch.tensor of numbers, zeros, ones, full, rand, randn, linspace, logspace,
 * arange with fractional arguments, eye, empty). Only float32 and float64 exist here.
 */
import { float32, float64, type DType } from "./dtype";
import { TypeError_ } from "./errors";

let current: DType = float32;

export function get_default_dtype(): DType {
  return current;
}

export function set_default_dtype(d: DType): void {
  if (d !== float32 && d !== float64) {
    throw new TypeError_(`only floating-point types are supported as the default type (float32 and float64 here), got ${String(d)}`);
  }
  current = d;
}
