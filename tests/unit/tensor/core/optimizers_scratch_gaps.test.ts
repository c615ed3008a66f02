/**
 * Gaps found by the hand-written optimizers probe (tutorials/optimizers_scratch.test.ts), against torch 1.13's values in
 * the fixture's "gaps" section (scripts/fixtures/optimizers_scratch_fixtures.py): a 0-dim tensor as a Number argument
 * (add / sub's alpha, addcmul / addcdiv's value), which cybertronai/pytorch-lamb's `p.data.add_(adam_step,
 * alpha=-step_size * trust_ratio)` relies on. torch's parser takes a 0-dim tensor that does not require grad for its
 * value; the engine's types refused it, and at run time it took any one-element tensor (and a grad-requiring one),
 * skipped the bool / integral alpha checks (a float alpha tensor added 2.5 into an int64 tensor), and gave a ValueError
 * for a many-element one where torch raises its TypeError. And load_state_dict of a learner's optimizer (one that
 * overrides step) whose state is not shaped like its parameter (LAMB's 0-dim norms, Adafactor's row / column moments):
 * torch 1.13 casts those tensors to the parameter's dtype ('step' left as it is) without comparing shapes; the engine
 * refused them with its own shape check, which stays for its built-in optimizers.
 */
import { describe, expect, it } from "vitest";
import { optim, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectT, raised, tutorialFixture, type TJ } from "../tutorials/helpers";

const gaps = tutorialFixture<Record<string, any>>("optimizers_scratch.json").gaps; // eslint-disable-line @typescript-eslint/no-explicit-any
const T = (j: TJ) => torch.tensor(j.data).reshape(j.shape);

describe("optimizers_scratch probe gaps: 0-dim tensors as Number arguments", () => {
  it("alpha / value given as a 0-dim tensor stand for its value (in place, methods, torch.* functions)", () => {
    const [x, o, d] = [T(gaps.x), T(gaps.o), T(gaps.d)];
    const two = torch.tensor(gaps.two);
    const got = [
      x.clone().add_(o, { alpha: two }), x.clone().sub_(o, { alpha: two }), x.add(o, { alpha: two }), torch.sub(x, o, { alpha: two }),
      torch.rsub(x, o, { alpha: two }), x.clone().addcmul_(o, d, { value: two }), x.clone().addcdiv_(o, d, { value: two }),
      x.addcmul(o, d, { value: two }), torch.addcdiv(x, o, d, { value: two }), torch.add(x, o, { alpha: torch.tensor(3) }),
    ];
    got.forEach((t, i) => expectT(t, gaps.values[i], 1e-6));
  });

  it("a 1-dim, many-element or grad-requiring tensor is torch's TypeError; bool and float tensors meet add's alpha checks", () => {
    const [x, o, d] = [T(gaps.x), T(gaps.o), T(gaps.d)];
    const one_dim = torch.tensor([2.0]);
    const needs_grad = torch.tensor(2.0, { requires_grad: true });
    expect([
      raised(() => x.clone().add_(o, { alpha: one_dim })),
      raised(() => x.clone().add_(o, { alpha: needs_grad })),
      raised(() => torch.add(x, o, { alpha: torch.tensor([2.0, 3.0]) })),
      raised(() => x.clone().sub_(o, { alpha: one_dim })),
      raised(() => torch.sub(x, o, { alpha: one_dim })),
      raised(() => x.clone().addcmul_(o, d, { value: one_dim })),
      raised(() => x.clone().addcdiv_(o, d, { value: needs_grad })),
      raised(() => torch.addcmul(x, o, d, { value: one_dim })),
      raised(() => x.addcdiv(o, d, { value: one_dim })),
      raised(() => x.clone().add_(o, { alpha: torch.tensor(true) })),
      raised(() => torch.zeros(3, { dtype: torch.long }).add_(torch.ones(3, { dtype: torch.long }), { alpha: torch.tensor(2.5) })),
    ]).toEqual(gaps.errors);
  });
});

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
