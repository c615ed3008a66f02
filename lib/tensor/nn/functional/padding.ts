/**
 * F.pad(input, pad, mode="constant", value=None): pad lists (before, after) amounts from the
 * last dim backwards, e.g. [left, right, top, bottom]. Modes: "constant" (negative amounts
 * crop), "reflect", "replicate", "circular".
 */
import { parseArgs, type PyArgs } from "../../args";
import { RuntimeError, TypeError_ } from "../../errors";
import { pad as padOp, type PadMode } from "../../ops/pad";
import { pyTypeName } from "../../py_type_name";
import { Tensor } from "../../tensor";
import { checkTensor } from "./_util";

export type { PadMode };

export interface PadOptions {
  pad?: readonly (number | Tensor)[];
  mode?: PadMode;
  value?: number | null;
}

const MODES: readonly string[] = ["constant", "reflect", "replicate", "circular"];

export function pad(input: Tensor, ...args: PyArgs<[pad?: readonly (number | Tensor)[], mode?: PadMode, value?: number | null], PadOptions>): Tensor {
  const fn = "pad";
  checkTensor(input, fn);
  const a = parseArgs<PadOptions>(fn, ["pad", "mode", "value"], args);
  if (a.pad === undefined) throw new TypeError_(`${fn}() missing 1 required positional argument: 'pad'`);
  const amounts = padAmounts(a.pad as unknown, fn, a.pad === args[0]);
  const mode = a.mode ?? "constant";
  if (!MODES.includes(mode)) throw new RuntimeError(`Unrecognised padding mode ${String(mode)}`);
  if (mode !== "constant" && a.value !== undefined && a.value !== null && a.value !== 0) {
    throw new RuntimeError(`Padding mode "${mode}" doesn't take in value argument`);
  }
  return padOp(input, amounts, mode, a.value ?? 0);
}

/**
 * The pad list as torch 1.13's argument parser reads a tuple of ints: integers, or one-element integer (or bool)
 * tensors, which Pytorch-UNet's Up.forward passes (diffX // 2 of diffX = torch.tensor([...])). Anything else (a float,
 * a bool, a many-element tensor, a non-list) is its TypeError, which names the position when pad was positional.
 */
function padAmounts(pad: unknown, fn: string, positional: boolean): number[] {
  const bad = () => new TypeError_(`${fn}(): argument 'pad'${positional ? " (position 2)" : ""} must be tuple of ints, not ${pyTypeName(pad)}`);
  if (!Array.isArray(pad)) throw bad();
  return pad.map((v: unknown) => {
    if (typeof v === "number" && Number.isInteger(v)) return v;
    if (v instanceof Tensor && v.numel() === 1 && !v.dtype.is_floating_point && !v.dtype.is_complex) return Number(v.item());
    throw bad();
  });
}
