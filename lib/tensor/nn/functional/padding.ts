/**
 * F.pad(input, pad, mode="constant", value=None): pad lists (before, after) amounts from the
 * last dim backwards, e.g. [left, right, top, bottom]. Modes: "constant" (negative amounts
 * crop), "reflect", "replicate", "circular".
 */
import { parseArgs, type PyArgs } from "../../args";
import { RuntimeError, TypeError_ } from "../../errors";
import { pad as padOp, type PadMode } from "../../ops/pad";
import type { Tensor } from "../../tensor";
import { checkTensor } from "./_util";

export type { PadMode };

export interface PadOptions {
  pad?: readonly number[];
  mode?: PadMode;
  value?: number | null;
}

const MODES: readonly string[] = ["constant", "reflect", "replicate", "circular"];

export function pad(input: Tensor, ...args: PyArgs<[pad?: readonly number[], mode?: PadMode, value?: number | null], PadOptions>): Tensor {
  const fn = "pad";
  checkTensor(input, fn);
  const a = parseArgs<PadOptions>(fn, ["pad", "mode", "value"], args);
  if (a.pad === undefined) throw new TypeError_(`${fn}() missing 1 required positional argument: 'pad'`);
  if (!Array.isArray(a.pad) || !a.pad.every((v) => typeof v === "number")) {
    throw new TypeError_(`${fn}(): argument 'pad' must be a tuple of ints, not ${typeof a.pad}`);
  }
  const mode = a.mode ?? "constant";
  if (!MODES.includes(mode)) throw new RuntimeError(`Unrecognised padding mode ${String(mode)}`);
  if (mode !== "constant" && a.value !== undefined && a.value !== null && a.value !== 0) {
    throw new RuntimeError(`Padding mode "${mode}" doesn't take in value argument`);
  }
  return padOp(input, a.pad, mode, a.value ?? 0);
}
