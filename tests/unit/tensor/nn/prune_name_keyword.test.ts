/**
 * prune.remove(m, name='weight') and prune.identity(m, name='bias') by keyword, as prune.remove's docstring writes it:
 * remove(m, { name: "weight" }) raised "Parameter '[object Object]' ... has to be pruned before pruning can be removed"
 * (tutorials/docstring_examples8.test.ts). torch 1.13: after remove, the state dict holds weight and bias again, and
 * the pruned zeros stay in the weight; identity's mask is all ones.
 */
import { describe, expect, it } from "vitest";
import { nn, torch } from "../../../../lib/tensor/index";

const prune = nn.utils.prune;

describe("prune.remove / prune.identity by keyword", () => {
  it("remove({ name }) makes the pruning permanent, as remove(name)", () => {
    for (const byKeyword of [true, false]) {
      const m = new nn.Linear(5, 7);
      prune.random_unstructured(m, { name: "weight", amount: 0.2 });
      const pruned = m.weight.detach().clone();
      if (byKeyword) prune.remove(m, { name: "weight" });
      else prune.remove(m, "weight");
      expect(Object.keys(m.state_dict()).sort()).toEqual(["bias", "weight"]);
      expect(m.weight).toBeInstanceOf(nn.Parameter);
      expect(torch.equal(m.weight.detach(), pruned)).toBe(true);
      expect(Number(m.weight.eq(0).sum().item())).toBe(7); // round(0.2 * 35)
      expect(prune.is_pruned(m)).toBe(false);
    }
  });

  it("identity({ name }) adds a mask of ones", () => {
    const m = prune.identity(new nn.Linear(2, 3), { name: "bias" });
    expect(((m as unknown as { bias_mask: { tolist(): number[] } }).bias_mask).tolist()).toEqual([1, 1, 1]);
  });

  it("an unknown keyword or a missing name raises torch's TypeError", () => {
    const m = prune.identity(new nn.Linear(2, 3), "weight");
    expect(() => prune.remove(m, { nme: "weight" } as never)).toThrow("remove() got an unexpected keyword argument 'nme'");
    expect(() => (prune.remove as unknown as (m: nn.Module) => nn.Module)(m)).toThrow("remove() missing 1 required positional argument: 'name'");
  });
});
