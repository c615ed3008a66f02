/**
 * The comparison the known_gaps_s4*.test.ts files share: a case is a function run on the engine, its outcome put in the
 * form the fixture script (scripts/fixtures/known_gaps_s4*.py) wrote torch's in, an error as [error class, message].
 */
import { expect } from "vitest";
import { torch, type ComplexTensor, type Tensor } from "../../../../lib/tensor/index";

/** A raised error, as the fixtures store torch's. */
export type Raised = [string, string];

/** A tensor outcome with its values flattened (NaN / inf as strings), or the error. */
export type Outcome = { dtype: string; shape: number[]; value: (number | string)[]; grad_fn: string | null } | Raised;

/** What fn gives, read by `read`, or the error it raises. */
export function outcomeOf<T>(fn: () => unknown, read: (r: unknown) => T): T | Raised {
  let r: unknown;
  try {
    r = fn();
  } catch (e) {
    return [(e as Error).name, (e as Error).message];
  }
  return read(r);
}

const enc = (v: number): number | string => (Number.isNaN(v) ? "nan" : v === Infinity ? "inf" : v === -Infinity ? "-inf" : v);
const isComplex = (t: unknown): t is ComplexTensor => (t as { is_complex?: () => boolean }).is_complex?.() === true;

/** A tensor's values, flat, NaN / inf as the fixtures write them. */
export const flat = (t: Tensor): (number | string)[] => (t.detach().reshape(-1).tolist() as number[]).map(enc);

/** What fn gives (a tensor), in the fixture's form: a complex tensor's shape and values are its view_as_real's. */
export function outcome(fn: () => unknown): Outcome {
  return outcomeOf(fn, (r) => {
    const t = r as Tensor;
    const v = isComplex(r) ? torch.view_as_real(r) : t;
    return { dtype: String(t.dtype).replace("torch.", ""), shape: v.shape.slice(), value: flat(v), grad_fn: t.grad_fn?.name() ?? null };
  });
}

/** Values within tol (relative, 1 at the least), the strings (nan, inf) exactly. */
export function expectValues(actual: readonly (number | string)[], expected: readonly (number | string)[], name: string, tol = 1e-5): void {
  expect(actual.length, name).toBe(expected.length);
  actual.forEach((v, i) => {
    const w = expected[i];
    if (typeof v === "string" || typeof w === "string") expect(v, `${name} [${i}]`).toBe(w);
    else expect(Math.abs(v - w), `${name} [${i}]: ${v} vs ${w}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(w)));
  });
}

/** A tensor outcome's values within tol (float32 sums differ in their last bits), the rest exactly. */
export function expectOutcome(actual: Outcome, expected: unknown, name: string): void {
  if (Array.isArray(actual) || !expected || Array.isArray(expected)) {
    expect(actual, name).toEqual(expected);
    return;
  }
  const e = expected as Exclude<Outcome, Raised>;
  expect({ ...actual, value: null }, name).toEqual({ ...e, value: null });
  expectValues(actual.value, e.value, name);
}

/** Cases of a fixture section, run on the engine: the same names as the section's, each outcome as torch's. */
export function compare(section: Record<string, unknown>, cases: Record<string, () => unknown>): void {
  expect(Object.keys(cases).sort()).toEqual(Object.keys(section).sort());
  for (const [name, fn] of Object.entries(cases)) expectOutcome(outcome(fn), section[name], name);
}
