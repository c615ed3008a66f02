/**
 * Keeps vitest's deep equality of tensors (toEqual, toStrictEqual, toHaveBeenCalledWith, ...) what it was
 * before tensors became iterable (Tensor[Symbol.iterator], as PyTorch's __iter__: lib/tensor/tensor_iteration.ts).
 *
 * Vitest compares two iterables element by element (its iterableEquality tester, which runs before the
 * comparison of own fields): for tensors that walks the rows down to 0-d tensors, whose iteration raises
 * "iteration over a 0-d tensor" as in PyTorch. This tester runs first for two tensors and compares them
 * as vitest always did here: their own fields (data, shape, strides, offset, dtype, ...), with vitest's
 * other testers (toStrictEqual's type check) but without the iterable one.
 *
 * Used by every vitest project (vitest.config.mts). It recognises a tensor by its fields, so it needs no
 * import of the engine (the "unit" project loads modules afresh for each file).
 */
import { expect } from "vitest";

type Tester = Parameters<typeof expect.addEqualityTesters>[0][number];

function isTensor(x: unknown): boolean {
  if (x === null || typeof x !== "object") return false;
  const t = x as { _shape?: unknown; _strides?: unknown; _data?: unknown; dim?: unknown };
  return Array.isArray(t._shape) && Array.isArray(t._strides) && ArrayBuffer.isView(t._data) && typeof t.dim === "function";
}

const tensorEquality: Tester = function (this, a, b, customTesters) {
  if (!isTensor(a) || !isTensor(b)) return undefined;
  const others = customTesters.filter((t) => t.name !== "tensorEquality" && !t.name.startsWith("iterableEquality"));
  return this.equals(a, b, others);
};

// Vitest runs setup files again before each test file, and the testers live on globalThis with vitest's
// matchers: add this one once per global scope.
const ADDED = Symbol.for("gradbook.tensorEquality");
const scope = globalThis as { [ADDED]?: boolean };
if (!scope[ADDED]) {
  expect.addEqualityTesters([tensorEquality]);
  scope[ADDED] = true;
}
