/**
 * The fixture-case check the op value tests share (core/ops_values, core/elementwise_creation_values,
 * core/scatter_reduce_frombuffer_values, api/shape_stats_linalg_values), and their suite (describeOpCases): a case of scripts/fixtures/fixture_io.py's run_case stores its inputs by
 * name, its outputs, and for differentiable cases the gradients of sum(out[0] * W)
 * (W = linspace(0.5, 1.5) shaped like out[0]) with respect to its float inputs.
 */
import { describe, expect, it } from "vitest";
import { torch, type DType, type Tensor } from "../../../lib/tensor/index";
import { expectClose } from "./core/fixtures";

/** A tensor as fixture_io.TD stores it. */
export interface StoredTensor {
  shape: number[];
  dtype: "float32" | "float64" | "int64" | "int32" | "bool";
  data: number[];
}

export interface StoredCase {
  out: StoredTensor[];
  grad?: StoredTensor[];
}

export const STORED_DTYPES: Record<StoredTensor["dtype"], DType> = {
  float32: torch.float32, float64: torch.float64, int64: torch.long, int32: torch.int32, bool: torch.bool,
};

export const loadStored = (s: StoredTensor): Tensor => torch.tensor(s.data, { dtype: STORED_DTYPES[s.dtype] }).reshape(s.shape);

export interface OpCaseTolerances {
  /** [rtol, atol] of the outputs and of the gradients. */
  out: [number, number];
  grad: [number, number];
  /** W in out[0]'s dtype (shape_stats_linalg's float64 cases) instead of the default float32. */
  weightsInOutputDtype?: boolean;
}

/** What an op returns: one tensor, a list, or a named tuple such as sort's (values, indices). */
export type OpResult = Tensor | readonly Tensor[] | Iterable<Tensor>;

/** The op's outputs in order (a named tuple iterates as PyTorch's does). */
export function opOutputs(result: OpResult): Tensor[] {
  return result instanceof torch.Tensor ? [result] : [...result];
}

/**
 * Runs fn on the case's inputs (float ones requiring grad when the case stores gradients) and
 * compares every output's shape, dtype and values, then the gradients.
 */
export function checkOpCase(
  name: string,
  c: StoredCase,
  inputs: Record<string, StoredTensor>,
  names: string[],
  fn: (...xs: Tensor[]) => OpResult,
  tol: OpCaseTolerances,
): void {
  const xs = names.map((n) => {
    const t = loadStored(inputs[n]);
    return c.grad && t.dtype.is_floating_point ? t.requires_grad_(true) : t;
  });
  const outs = opOutputs(fn(...xs));
  expect(outs.length, "number of outputs").toBe(c.out.length);
  outs.forEach((o, i) => {
    expect([...o.shape], `${name} output ${i} shape`).toEqual(c.out[i].shape);
    expect(o.dtype, `${name} output ${i} dtype`).toBe(STORED_DTYPES[c.out[i].dtype]);
    expectClose(o, c.out[i].data, tol.out[0], tol.out[1], `${name} output ${i}`);
  });
  if (!c.grad) return;
  const first = outs[0];
  const w = torch.linspace(0.5, 1.5, first.numel(), tol.weightsInOutputDtype ? { dtype: first.dtype } : {}).reshape(first.shape.slice());
  first.mul(w).sum().backward();
  const floats = xs.filter((x) => x.dtype.is_floating_point);
  expect(floats.length, `${name}: float inputs`).toBe(c.grad.length);
  floats.forEach((x, i) => {
    // An input the output does not depend on gets no gradient (PyTorch: None, stored as zeros).
    if (!x.grad) expect(c.grad![i].data.every((v) => v === 0), `${name}: input ${i} got no gradient`).toBe(true);
    expectClose(x.grad ?? torch.zeros_like(x), c.grad![i].data, tol.grad[0], tol.grad[1], `${name} grad ${i}`);
  });
}

/** An op value suite's cases: input names and the function of those inputs, by case name. */
export type OpCases = Record<string, [string[], (...xs: Tensor[]) => OpResult]>;

/**
 * The suite every op value test is: the cases mirror the fixture's by name (the key sets are
 * equal), and each case runs checkOpCase, with tolerances fixed or chosen from the input names.
 */
export function describeOpCases(
  title: string,
  fx: { inputs: Record<string, StoredTensor>; cases: Record<string, StoredCase> },
  cases: OpCases,
  tol: OpCaseTolerances | ((names: string[]) => OpCaseTolerances),
): void {
  describe(title, () => {
    it("mirrors every fixture case", () => {
      expect(Object.keys(cases).sort()).toEqual(Object.keys(fx.cases).sort());
    });
    it.each(Object.keys(fx.cases))("%s", (name) => {
      const [names, fn] = cases[name];
      checkOpCase(name, fx.cases[name], fx.inputs, names, fn, typeof tol === "function" ? tol(names) : tol);
    });
  });
}
