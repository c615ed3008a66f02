/**
 * Gaps found by the hand-written optimizers probe (tutorials/optimizers_scratch.test.ts), against torch 1.13's values in
 * the fixture's "gaps" section (scripts/fixtures/optimizers_scratch_fixtures.py): load_state_dict of a learner's
 * optimizer (one that overrides step) whose state is not shaped like its parameter (LAMB's 0-dim norms, Adafactor's
 * row / column moments): torch 1.13 casts those tensors to the parameter's dtype ('step' left as it is) without
 * comparing shapes; the engine refused them with its own shape check, which stays for its built-in optimizers.
 */
import { describe, expect, it } from "vitest";
import { optim, torch, type Tensor } from "../../../../lib/tensor/index";
import { tutorialFixture } from "../tutorials/helpers";

const gaps = tutorialFixture<Record<string, any>>("optimizers_scratch.json").gaps; // eslint-disable-line @typescript-eslint/no-explicit-any

describe("optimizers_scratch probe gaps: load_state_dict of a learner's optimizer", () => {
  it("state unlike the parameter (0-dim, other shapes) is cast to its dtype, 'step' uncast, numbers kept; a built-in still checks shapes", () => {
    class Holder extends optim.Optimizer<{ lr: number }> {
      constructor(params: Iterable<Tensor>) {
        super(params, { lr: 0.1 });
      }
      step(): undefined {
        return undefined;
      }
    }
    const w = torch.zeros(3, 2);
    const holder = new Holder([w]);
    const f64 = { dtype: torch.float64 };
    holder.state.set(w, { step: torch.tensor(4.0, f64), row: torch.arange(3.0, f64), norm: torch.tensor(2.5, f64), col: torch.ones([1, 2], f64), count: 5 });
    const other = new Holder([torch.zeros(3, 2)]);
    other.load_state_dict(holder.state_dict());
    const loaded = other.state.get(other.param_groups[0].params[0])!;
    const described = Object.fromEntries(Object.entries(loaded).map(([k, v]) => [k, v instanceof torch.Tensor ? [v.shape, String(v.dtype), v.tolist()] : v]));
    expect(described).toEqual(gaps.loaded_state);
    const p = torch.zeros(2, { requires_grad: true });
    const sgd = new optim.SGD([p], { lr: 0.1, momentum: 0.9 });
    expect(() => sgd.load_state_dict({ state: { 0: { momentum_buffer: torch.ones(3) } }, param_groups: [{ ...sgd.state_dict().param_groups[0] }] })).toThrow(/of shape \[3\]/);
  });
});
