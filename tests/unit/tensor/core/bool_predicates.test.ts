/**
 * torch.equal, torch.allclose and torch.is_nonzero (and their Tensor methods) return a JS boolean,
 * as PyTorch returns a Python bool, with torch 1.13's answers and errors
 * (scripts/fixtures/bool_predicates_fixtures.py, tests/fixtures/torch/core/bool_predicates.json).
 * (Tensor.item() of a bool tensor is a JS boolean too: tests/unit/tensor/core/dtype_leftovers.test.ts.)
 */
import { describe, expect, it } from "vitest";
import { torch, type Tensor } from "../../../../lib/tensor/index";
import type { NestedArray } from "../../../../lib/tensor/tensor";
import { loadFixture } from "./fixtures";

type Input = { values: NestedArray | []; dtype: "float32" | "float64" | "int64" | "bool" };
type Outcome = { result: boolean } | { error: string; message: string };
interface Case { fn: "equal" | "allclose" | "is_nonzero"; inputs: Input[]; kwargs: Record<string, number | boolean>; function: Outcome; method: Outcome }
const fx = loadFixture<{ cases: Case[] }>("bool_predicates.json");

const make = (i: Input): Tensor => torch.tensor(i.values as NestedArray, { dtype: torch[i.dtype] });
const withKw = (c: Case): unknown[] => (Object.keys(c.kwargs).length > 0 ? [c.kwargs] : []);

function run(c: Case, method: boolean): unknown {
  const [x, ...rest] = c.inputs.map(make);
  const f = method ? (x as unknown as Record<string, (...a: unknown[]) => unknown>)[c.fn].bind(x) : (...a: unknown[]) => (torch[c.fn] as (...b: unknown[]) => unknown)(x, ...a);
  return f(...rest, ...withKw(c));
}

function check(c: Case, method: boolean): void {
  const want = method ? c.method : c.function;
  if ("error" in want) {
    expect(() => run(c, method)).toThrow(want.message);
    return;
  }
  const got = run(c, method);
  expect(typeof got).toBe("boolean");
  expect(got).toBe(want.result);
}

describe("predicates return JS booleans with PyTorch 1.13's answers", () => {
  it("has cases for each predicate", () => {
    expect(new Set(fx.cases.map((c) => c.fn))).toEqual(new Set(["equal", "allclose", "is_nonzero"]));
  });

  it.each(fx.cases.map((c, i) => [`${c.fn} #${i} ${JSON.stringify(c.inputs.map((x) => x.values))} ${JSON.stringify(c.kwargs)}`, c] as const))("torch.%s", (_name, c) => {
    check(c, false);
  });

  it.each(fx.cases.map((c, i) => [`${c.fn} #${i}`, c] as const))("Tensor.%s", (_name, c) => {
    check(c, true);
  });
});
