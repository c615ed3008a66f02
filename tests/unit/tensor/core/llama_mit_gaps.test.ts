/**
 * Gaps the llama_mit probe found (tutorials/llama_mit.test.ts), against the fixture's "gaps" section
 * (scripts/fixtures/llama_mit_fixtures.py, torch 1.13):
 *   - torch.tensor(t) and t0.new_tensor(t) of a tensor warn as torch does (the MIT music lab re-wraps its
 *     batches with torch.tensor(x_batch, dtype=torch.long)); torch.as_tensor(t) and torch.tensor([t[0], t[1]])
 *     do not; the copies are detached, in the dtype asked for. torch.as_tensor(t) is t itself (it was a detached
 *     copy: as_tensor was torch.tensor), and .to(dtype) of it when another dtype is asked for; it takes dtype and
 *     device only (requires_grad is torch's TypeError, the engine accepted it).
 *   - torch.multinomial's errors in torch 1.13's words (the engine prefixed "multinomial: " and appended
 *     "(got ...)"): sampling from logits instead of probabilities is the learner's usual mistake.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";
import { torch } from "../../../../lib/tensor/index";
import { forgetShownWarnings } from "../../../../lib/tensor/warnings";
import { tutorialFixture } from "../tutorials/helpers";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const gaps = tutorialFixture<Record<string, any>>("llama_mit.json").gaps;

describe("copy-constructing from a tensor", () => {
  beforeEach(() => forgetShownWarnings());

  it("torch.tensor(t) / new_tensor(t) warn with torch 1.13's words, as_tensor and a list of elements do not", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const t = torch.ones(2, { requires_grad: true });
    const copies = [torch.tensor(t), torch.tensor(t, { dtype: torch.long }), t.new_tensor(t), torch.as_tensor(t), torch.tensor([t.index(0), t.index(1)])];
    const shown = warn.mock.calls.map((c) => String(c[0]).replace(/^UserWarning: /, ""));
    warn.mockRestore();
    // Python shows the first message twice (two call sites); the engine shows a message once
    expect(shown).toEqual([...new Set(gaps.copy_construct.warnings as string[])]);
    expect(copies.map((c) => [c.tolist(), String(c.dtype), c.requires_grad])).toEqual(gaps.copy_construct.values);
  });
});

describe("torch.as_tensor of a tensor", () => {
  it("returns the tensor itself, or .to(dtype) of it (keeping the graph)", () => {
    const t = torch.ones(2, { requires_grad: true });
    expect([torch.as_tensor(t) === t, torch.as_tensor(t, { dtype: torch.float64 }).requires_grad]).toEqual(gaps.as_tensor);
  });
  it("takes dtype and device only: requires_grad is torch's TypeError (it was accepted)", () => {
    const t = torch.ones(2, { requires_grad: true });
    const caught = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return [(e as Error).name, (e as Error).message];
      }
      return null;
    };
    expect([
      caught(() => torch.as_tensor([1.0, 2.0], { requires_grad: true } as never)),
      caught(() => torch.as_tensor(t, { requires_grad: false } as never)),
      torch.as_tensor([1.0, 2.0], { dtype: torch.float64, device: "cpu" }).tolist(),
    ]).toEqual(gaps.as_tensor_keywords);
  });
});

describe("torch.multinomial's errors", () => {
  it("equal torch 1.13's class and words", () => {
    const fs = [
      () => torch.multinomial(torch.ones(2, 2, 2), 1), () => torch.multinomial(torch.ones(3), 0),
      () => torch.multinomial(torch.ones(3), 4), () => torch.multinomial(torch.tensor([1, -1]), 1),
      () => torch.multinomial(torch.zeros(3), 1), () => torch.multinomial(torch.tensor([1, NaN]), 1),
      () => torch.multinomial(torch.ones(3), -1), () => torch.multinomial(torch.ones(3, { dtype: torch.long }), 1),
      () => torch.multinomial(torch.ones(3), 1.5),
    ];
    const caught = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return [(e as Error).name, (e as Error).message]; // the Python class name (TypeError_ is named TypeError)
      }
      return null;
    };
    expect(fs.map(caught)).toEqual(gaps.multinomial_errors);
  });
});
