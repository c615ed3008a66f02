/**
 * Differences from torch 1.13 found by earlier audits, each compared with torch's outcome
 * (tests/fixtures/torch/known_gaps_s41.json, scripts/fixtures/known_gaps_s41_fixtures.py): ops on bool tensors torch
 * has no kernel for (median, topk, trace, kthvalue, histc, cross, einsum's bmm), e.g.
 *   torch.median(torch.tensor([True, False]))  ->  RuntimeError: "median_cpu" not implemented for 'Bool'
 * Python's keywords are the trailing options object; a case's outcome is {dtype, value, grad_fn}, a list of them for
 * (values, indices), or [error class, message].
 */
import { describe, expect, it } from "vitest";
import { torch, type Tensor } from "../../../../lib/tensor/index";
import fixture from "../../../fixtures/torch/known_gaps_s41.json";

type Outcome = { dtype: string; value: unknown; grad_fn: string | null } | Outcome[] | [string, string];

/** What fn gives, in the fixture's form. */
function outcome(fn: () => unknown): Outcome {
  let r: unknown;
  try {
    r = fn();
  } catch (e) {
    return [(e as Error).name, (e as Error).message];
  }
  if (r instanceof torch.Tensor) {
    const t = r as Tensor;
    const finite = (v: unknown): unknown => (Array.isArray(v) ? v.map(finite) : typeof v === "number" && Number.isNaN(v) ? "nan" : v);
    return { dtype: String(t.dtype).replace("torch.", ""), value: finite(t.tolist()), grad_fn: t.grad_fn?.name() ?? null };
  }
  const pair = r as { values: Tensor; indices: Tensor };
  return [outcome(() => pair.values), outcome(() => pair.indices)];
}

/** Cases of a fixture section, run on the engine. */
function compare(section: Record<string, unknown>, cases: Record<string, () => unknown>): void {
  for (const [name, fn] of Object.entries(cases)) expect(outcome(fn), name).toEqual(section[name]);
}

const b = () => torch.tensor([true, false, true]);
const b2 = () => torch.tensor([true, true, false]);
const B = () => torch.tensor([[true, false, true], [false, true, true], [true, true, false]]);

describe("ops on bool tensors (torch 1.13 refuses some, computes others)", () => {
  it("refuse or compute as torch", () => {
    compare(fixture.bool_ops, {
      median: () => torch.median(b()),
      "median dim": () => torch.median(B(), 0),
      "median 0-d": () => torch.median(torch.tensor(true)),
      nanmedian: () => torch.nanmedian(b()),
      "nanmedian dim": () => torch.nanmedian(B(), 0),
      topk: () => torch.topk(b(), 2),
      "topk dim": () => torch.topk(B(), 1, { dim: 0 }),
      trace: () => torch.trace(B()),
      einsum: () => torch.einsum("ij,jk->ik", B(), B()),
      cross: () => torch.cross(B(), B(), { dim: 1 }),
      "linalg.cross": () => torch.linalg.cross(B(), B()),
      histc: () => torch.histc(b()),
      kthvalue: () => torch.kthvalue(b(), 1),
      mode: () => torch.mode(b()),
      "mode dim": () => torch.mode(B(), 0),
      sort: () => torch.sort(b()),
      outer: () => torch.outer(b(), b2()),
      kron: () => torch.kron(b(), b2()),
      diag: () => torch.diag(B()),
      "trace long": () => torch.trace(B().long()),
    });
  });

  it("einsum multiplies bool operands when nothing is summed (torch's sumproduct_pair), bmm's error otherwise", () => {
    const o = torch.einsum("i,j->ij", b(), b2());
    expect([String(o.dtype), o.tolist()]).toEqual(["torch.bool", [[true, true, false], [false, false, false], [true, true, false]]]);
    expect(outcome(() => torch.einsum("ij,j->i", B(), b()))).toEqual(["RuntimeError", `"bmm" not implemented for 'Bool'`]);
    expect(outcome(() => B().median())).toEqual(fixture.bool_ops.median);
  });
});

