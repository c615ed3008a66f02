/**
 * How a check says what went wrong: the AssertionError it throws and the words it uses for
 * values, numbers, shapes and indices. Shared by the assertion library (`expect`) and
 * gradcheck. Like them, it captures the built-ins it relies on when the module loads, so a
 * learner who later replaces `Math.abs` or `JSON.stringify` does not change a message.
 */
import { Tensor } from "../tensor";
import { MathAbs, NumberIsNaN, NumberIsFinite, ArrayIsArray, StringOf, JsonStringify } from "./primordials";

/** A check's expectation did not hold: the learner's answer is wrong, not the check. */
export class AssertionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AssertionError";
  }
}

export function fail(message: string): never {
  throw new AssertionError(message);
}

export function describe(value: unknown): string {
  if (value instanceof Tensor) return `a tensor of shape [${value.shape.join(", ")}]`;
  if (value === undefined) return "undefined (did the function return a value?)";
  if (value === null) return "null";
  if (typeof value === "function") return "a function";
  if (ArrayIsArray(value)) return `an array of length ${value.length}`;
  if (typeof value === "object") return "an object";
  return `${typeof value} ${formatNumberish(value)}`;
}

export function formatNumberish(value: unknown): string {
  if (typeof value === "number") return formatNumber(value);
  if (typeof value === "string") return JsonStringify(value);
  return StringOf(value);
}

/** Short but exact enough to see the difference: 4 significant digits, more when tiny. */
export function formatNumber(value: number): string {
  if (NumberIsNaN(value)) return "nan";
  if (!NumberIsFinite(value)) return value > 0 ? "inf" : "-inf";
  if (value === 0) return "0";
  const magnitude = MathAbs(value);
  if (magnitude >= 1e5 || magnitude < 1e-4) return value.toExponential(4);
  return StringOf(Number(value.toPrecision(6)));
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/** Flat row-major index -> multi-index, e.g. 5 in shape [2, 3] -> [1, 2]. */
export function unflattenIndex(flat: number, shape: readonly number[]): number[] {
  const index: number[] = new Array(shape.length).fill(0);
  let rest = flat;
  for (let d = shape.length - 1; d >= 0; d--) {
    index[d] = rest % shape[d];
    rest = (rest - index[d]) / shape[d];
  }
  return index;
}
