/**
 * A Number argument given as a tensor (add / sub's alpha, addcmul / addcdiv's value). torch 1.13's argument parser
 * takes a 0-dim tensor that does not require grad for its value, which hand-written optimizers rely on
 * (cybertronai/pytorch-lamb's `p.data.add_(adam_step, alpha=-step_size * trust_ratio)`, trust_ratio a 0-dim tensor);
 * any other tensor (one element but 1-dim, or requiring grad) is the parser's TypeError. A bool tensor gives a bool
 * (so add's "Boolean alpha" check applies), an integer or floating one its value.
 */
import { bool } from "../dtype";
import { TypeError_ } from "../errors";
import { Tensor } from "../tensor";

export function scalarArg<T>(fn: string, name: string, v: T | Tensor): T | number | boolean {
  if (!(v instanceof Tensor)) return v;
  if (v.dim() !== 0 || v.requires_grad) throw new TypeError_(`${fn}(): argument '${name}' must be Number, not Tensor`);
  const x = v._data[v._offset];
  return v.dtype === bool ? x !== 0 : Number(x);
}
