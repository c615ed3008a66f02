/**
 * Reading .grad of a non-leaf tensor warns as PyTorch 1.13 does (scripts/fixtures/grad_access_warning_fixtures.py,
 * tests/fixtures/torch/core/grad_access_warning.json): which reads warn, the text, what .grad is;
 * then the engine's once-per-tensor rule.
 */
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import { nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { fixture } from "../nn/helpers";

interface Scenario { warned: number; grad_is_none: boolean; text: string | null }
const fx = fixture<Record<string, Scenario>>("core/grad_access_warning.json");

function retained(): Tensor {
  const b = torch.ones(3, { requires_grad: true }).mul(2);
  b.retain_grad();
  return b;
}

const SCENARIOS: Record<string, () => Tensor> = {
  leaf_requires_grad: () => torch.ones(3, { requires_grad: true }),
  leaf_without_grad: () => torch.ones(3),
  non_leaf: () => torch.ones(3, { requires_grad: true }).mul(2),
  non_leaf_after_backward: () => {
    const b = torch.ones(3, { requires_grad: true }).mul(2);
    b.sum().backward();
    return b;
  },
  non_leaf_grad_assigned: () => {
    const b = torch.ones(3, { requires_grad: true }).mul(2);
    b.grad = torch.zeros(3);
    return b;
  },
  non_leaf_retained: retained,
  non_leaf_retained_after_backward: () => {
    const b = retained();
    b.sum().backward();
    return b;
  },
  view_of_leaf: () => torch.ones(3, { requires_grad: true }).narrow(0, 1, 2), // x[1:]
  detached: () => torch.ones(3, { requires_grad: true }).mul(2).detach(),
  no_grad_result: () => torch.no_grad(() => torch.ones(3, { requires_grad: true }).mul(2)),
  parameter: () => new nn.Parameter(torch.ones(3)),
};

let warn: MockInstance<(...args: unknown[]) => void>;
beforeEach(() => {
  warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
});
afterEach(() => warn.mockRestore());

const ourWarnings = () => warn.mock.calls.map((c) => String(c[0])).filter((m) => m.includes(".grad attribute"));

describe("reading .grad of a non-leaf tensor", () => {
  it("covers every scenario of the fixture", () => {
    expect(Object.keys(SCENARIOS).sort()).toEqual(Object.keys(fx).sort());
  });

  it.each(Object.keys(fx))("%s: warns (or not) and reads as PyTorch 1.13", (name) => {
    const want = fx[name];
    const t = SCENARIOS[name]();
    warn.mockClear();
    const g = t.grad;
    expect(g === null).toBe(want.grad_is_none);
    const got = ourWarnings();
    expect(got.length).toBe(want.warned);
    if (want.text !== null) expect(got[0]).toBe(`UserWarning: ${want.text}`);
  });

  it("warns once per tensor: a second read of the same tensor is silent, another tensor warns again", () => {
    const a = torch.ones(2, { requires_grad: true });
    const b = a.mul(2);
    void b.grad;
    void b.grad;
    expect(ourWarnings().length).toBe(1);
    void a.mul(3).grad;
    expect(ourWarnings().length).toBe(2);
  });

  it("the engine's own reads stay silent: backward, zero_grad, an optimizer step and clip_grad_norm_", () => {
    const lin = new nn.Linear(3, 2);
    const opt = new torch.optim.SGD(lin.parameters(), { lr: 0.1 });
    const y = lin.forward(torch.ones(4, 3)).relu();
    y.sum().backward();
    nn.utils.clip_grad_norm_(lin.parameters(), 1.0);
    opt.step();
    lin.zero_grad();
    expect(ourWarnings()).toEqual([]);
  });
});
