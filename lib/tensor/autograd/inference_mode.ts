/**
 * torch.inference_mode: grad mode off plus the nesting count that torch.is_inference and
 * is_inference_mode_enabled read (../inference_state.ts).
 */
import { parseArgs } from "../args";
import { TypeError_ } from "../errors";
import { inferenceState } from "../inference_state";
import { is_grad_enabled, no_grad } from "./grad_mode";

/**
 * torch.inference_mode(fn) / inference_mode(mode, fn): like no_grad (PyTorch's inference mode is
 * no_grad plus bookkeeping this engine does not need); inference_mode(false, fn) leaves grad mode as it is.
 */
export function inference_mode<T>(fn: () => T): T;
export function inference_mode<T>(mode: boolean, fn: () => T): T;
/** inference_mode() / inference_mode(mode) without a function: the decorator form, `torch.inference_mode()(f)` for `@torch.inference_mode()`. */
export function inference_mode(mode?: boolean | { mode?: boolean }): <A extends unknown[], R>(f: (...args: A) => R) => (...args: A) => R;
export function inference_mode<T>(...args: unknown[]): T | (<A extends unknown[], R>(f: (...args: A) => R) => (...args: A) => R) {
  const run = args.find((a): a is () => T => typeof a === "function");
  const o = parseArgs<{ mode: boolean }>("inference_mode", ["mode"], args.filter((a) => typeof a !== "function"));
  const on = o.mode === undefined ? true : Boolean(o.mode);
  if (run === undefined) {
    return <A extends unknown[], R>(f: (...a: A) => R) => {
      if (typeof f !== "function") throw new TypeError_(`inference_mode() decorates a function, got ${typeof f}`);
      return (...a: A): R => inference_mode(on, () => f(...a));
    };
  }
  if (!on) return run();
  inferenceState.depth++;
  try {
    return no_grad(run);
  } finally {
    inferenceState.depth--;
  }
}

export const is_inference_mode_enabled = (): boolean => inferenceState.depth > 0 && !is_grad_enabled();
