/**
 * torch.no_grad(fn) / torch.enable_grad(fn) are the `with` blocks: fn runs at once with no
 * arguments. A function that needs arguments was meant for the decorator form (Python's
 * `@torch.no_grad() def split_loss(split)`, here torch.no_grad()(fn)); it raises a TypeError that
 * says so instead of running with undefined arguments (found by the Zero to Hero probe, where
 * torch.no_grad((split) => ...) failed later with "undefined is not iterable").
 */
import { describe, expect, it } from "vitest";
import { torch } from "../../../../lib/tensor/index";

type Loose = (...args: unknown[]) => unknown;

describe("grad-mode functions", () => {
  it("run a function of no arguments now, in the mode, and return its result", () => {
    const x = torch.ones(2, { requires_grad: true });
    const y = torch.no_grad(() => x.mul(2));
    expect(y.requires_grad).toBe(false);
    expect(torch.no_grad(() => torch.enable_grad(() => x.mul(2))).requires_grad).toBe(true);
    // default parameters do not count as required (fn.length is 0)
    expect(torch.no_grad((k = 3) => k * 2)).toBe(6);
  });

  it("decorate with torch.no_grad()(fn): the function takes its arguments", () => {
    const x = torch.ones(2, { requires_grad: true });
    const split_loss = torch.no_grad()((scale: number) => x.mul(scale).sum());
    const l = split_loss(3);
    expect(l.item()).toBe(6);
    expect(l.requires_grad).toBe(false);
  });

  it("a function that takes arguments passed to no_grad / enable_grad raises, pointing at the decorator form", () => {
    let ran = false;
    const needsArg = (split: string): string => {
      ran = true;
      return split;
    };
    expect(() => (torch.no_grad as unknown as Loose)(needsArg)).toThrow(
      "no_grad(fn) runs fn now with no arguments (Python's `with torch.no_grad():`), but fn takes 1; to decorate a function as @torch.no_grad() does, write torch.no_grad()(fn)",
    );
    expect(() => (torch.enable_grad as unknown as Loose)((a: number, b: number) => a + b)).toThrow(/enable_grad\(fn\) .* fn takes 2; .* torch\.enable_grad\(\)\(fn\)/);
    expect(() => (torch.no_grad as unknown as Loose)(needsArg)).toThrow(expect.objectContaining({ name: "TypeError" }));
    expect(ran).toBe(false);
    expect(torch.is_grad_enabled()).toBe(true);
  });
});
