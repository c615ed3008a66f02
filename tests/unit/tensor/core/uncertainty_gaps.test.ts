/**
 * Gaps the uncertainty probe (tutorials/uncertainty.test.ts) found, with torch 1.13's values from
 * scripts/fixtures/uncertainty_fixtures.py's "gaps" section (tutorials/uncertainty.json).
 */
import { describe, expect, it, vi } from "vitest";
import { F, torch } from "../../../../lib/tensor/index";
import { forgetShownWarnings } from "../../../../lib/tensor/warnings";
import { expectT, thrown, tutorialFixture, type TJ } from "../tutorials/helpers";

const gaps = tutorialFixture<{ gaps: Record<string, unknown[]> }>("uncertainty.json").gaps;

/** thrown(fn) with the engine's TypeError_ under its Python name. */
function pyThrown(fn: () => unknown): [string, string] | null {
  const t = thrown(fn);
  return t && [t[0] === "TypeError_" ? "TypeError" : t[0], t[1]];
}

describe("uncertainty probe gaps", () => {
  it("torch.min / torch.max with a non-integer number in the dim's place raise the overload TypeError", () => {
    const x = torch.tensor([1.0, 2.0]);
    expect(pyThrown(() => torch.min(x, 0.5))).toEqual(gaps.minmax_float_dim[0]);
    expect(pyThrown(() => torch.max(x, 1.5))).toEqual(gaps.minmax_float_dim[1]);
    expect(pyThrown(() => torch.min(x, 1.5, true))).toEqual(gaps.minmax_float_dim[2]);
    expect(torch.min(x, 0)[0].item()).toBe(1); // an integer dim still reduces
  });

  it("a tensor in a loss's size_average / reduce place is taken by Python truthiness", () => {
    const g = gaps.legacy_tensor_flag;
    const inp = torch.tensor([[0.5], [-1.0]]);
    const tgt = torch.zeros(2, 1);
    forgetShownWarnings();
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      expect(thrown(() => F.mse_loss(inp, tgt, torch.ones(2, 1) as never))).toEqual(g[0]);
      expect(thrown(() => F.l1_loss(inp, tgt, null, torch.ones(2) as never))).toEqual(g[1]);
      expect(F.mse_loss(inp, tgt, torch.tensor([0.0]) as never).item()).toBeCloseTo(g[2] as number, 6);
      expectT(F.mse_loss(inp, tgt, torch.tensor(1.0) as never, torch.tensor(0) as never), g[3] as TJ, 1e-7);
      const msgs = warn.mock.calls.map((c) => String(c[0]));
      for (const m of g[4] as string[]) expect(msgs.some((s) => s.includes(m))).toBe(true);
    } finally {
      warn.mockRestore();
    }
  });
});

describe("uncertainty probe gaps: special functions", () => {
  it("lgamma(1) and lgamma(2) are exactly 0 (the Dirichlet KL's lgamma(ones) term)", () => {
    const g = gaps.lgamma_exact;
    expect(String(torch.lgamma(torch.tensor([1.0, 2.0, 3.0])))).toBe(g[0]);
    const d = torch.lgamma(torch.tensor([1.0, 2.0], { dtype: torch.float64 }));
    expect(String(d)).toBe(g[1]);
    expect(d.tolist()).toEqual(g[2]);
  });
});

describe("uncertainty probe gaps: Tensor.min / Tensor.max", () => {
  it("x.min(0.5) / x.max(0.5, true) raise the method's overload TypeError with its hints", () => {
    const g = gaps.minmax_method_float_dim;
    const x = torch.tensor([1.0, 2.0]);
    expect(pyThrown(() => x.min(0.5))).toEqual(g[0]);
    expect(pyThrown(() => x.max(0.5, true))).toEqual(g[1]);
    expect(x.min(0).values.item()).toBe(g[2]);
  });
});

describe("uncertainty probe gaps: torch.Tensor(size)", () => {
  it("torch.Tensor(x.shape) builds an uninitialised tensor of that shape (typed: a Size is accepted)", () => {
    const mu = torch.ones(3, 2);
    expect([...torch.Tensor(mu.shape).shape]).toEqual([3, 2]);
    expect([...torch.Tensor(mu.size()).shape]).toEqual([3, 2]);
    expect([...torch.Tensor([3, 2]).shape]).toEqual([2]); // a list is data, as in torch
  });
});
