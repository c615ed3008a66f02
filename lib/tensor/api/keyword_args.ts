/**
 * Keyword arguments shared by a Tensor method and its torch.* function (x.addcmul(a, b, { value })
 * and torch.addcmul(x, a, b, { value }) parse the same way), and by torch.special.
 */
import { parseArgs } from "../args";
import { TypeError_ } from "../errors";
import { scalarArg } from "../ops/scalar_arg";
import type { Tensor, TensorLike } from "../tensor";

/** The `value` of addcmul / addcdiv: a number, or a 0-dim tensor standing for it (ops/scalar_arg.ts). */
export const valueArg = (fn: string, args: readonly unknown[]): number =>
  scalarArg(fn, "value", parseArgs<{ value?: number | Tensor }>(fn, ["value"], args).value ?? 1) as number;
/** The `weight` argument of lerp (required). */
export function weightArg(fn: string, args: readonly unknown[]): TensorLike {
  const w = parseArgs<{ weight?: TensorLike }>(fn, ["weight"], args).weight;
  if (w === undefined) throw new TypeError_(`${fn}() missing 1 required positional argument: 'weight'`);
  return w;
}
export const epsArg = (fn: string, args: readonly unknown[]): number | null => parseArgs<{ eps?: number | null }>(fn, ["eps"], args).eps ?? null;
/** The `accumulate` keyword of put / put_. */
export const accumulateArg = (fn: string, args: readonly unknown[]): boolean => parseArgs<{ accumulate?: boolean }>(fn, ["accumulate"], args).accumulate ?? false;
