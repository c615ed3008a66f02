/**
 * Engine gaps found by the cleanrl probe (tests/unit/tensor/tutorials/cleanrl.test.ts: vwxyzjn/cleanrl's PPO / SAC /
 * TD3 / DQN files), each against torch 1.13 (scripts/fixtures/cleanrl_fixtures.py, the "gaps" section of cleanrl.json).
 */
import { describe, expect, it } from "vitest";
import { torch } from "../../../../lib/tensor/index";
import { expectT, thrown, tutorialFixture } from "../tutorials/helpers";

const gaps = tutorialFixture<{ gaps: Record<string, any> }>("cleanrl.json").gaps; // eslint-disable-line @typescript-eslint/no-explicit-any
const { Bernoulli, Categorical, Exponential, Normal } = torch.distributions;

describe("cleanrl probe gaps", () => {
  it("Normal validates loc against Real() then scale against GreaterThan(0), its message ending with the invalid values", () => {
    // The engine checked scale only and stopped at 'but found invalid values' (no tensor; shape (2) for (2,)).
    const nan = Number.NaN;
    expect([
      thrown(() => new Normal(0, -1)),
      thrown(() => new Normal(torch.tensor([0.0]), torch.tensor([-1.0]))),
      thrown(() => new Normal(torch.zeros(2), -1)),
      thrown(() => new Normal(torch.tensor([nan, 0.0]), 1)),
      thrown(() => new Normal(torch.tensor([nan]), -1)),
      thrown(() => new Normal(torch.tensor(0.0), torch.tensor(nan))),
    ]).toEqual(gaps.normal_validation);
    // A one-element parameter of shape [1] prints as a tensor in the repr, a 0-dim one as its value.
    expect([String(new Normal(0, 1)), String(new Normal(torch.tensor([0.0]), 1)), String(new Normal(torch.zeros(2), 1))]).toEqual(gaps.normal_repr);
  });

  it("a 0-dim invalid parameter or value ends the message as Python's f-string prints it (-1.0, 1.5, 2.0, 3), not tensor(...)", () => {
    expect([
      thrown(() => new Exponential(-1)),
      thrown(() => new Bernoulli(torch.tensor(1.5))),
      thrown(() => new Bernoulli(torch.tensor(0.5)).log_prob(torch.tensor(2.0))),
      thrown(() => new Categorical(torch.tensor([0.5, 0.5])).log_prob(torch.tensor(3, { dtype: torch.int64 }))),
    ]).toEqual(gaps.zero_dim_invalid_values);
  });
});

describe("cleanrl probe gaps: Normal.log_prob validates its value", () => {
  it("log_prob / cdf check the value's shape against batch_shape and its support Real() (a learner's [B, 3] action for a [B, 2] head)", () => {
    // The engine broadcast first and raised the broadcasting RuntimeError, or returned NaN.
    const d = new Normal(torch.zeros(2), torch.ones(2));
    expect([
      thrown(() => d.log_prob(torch.tensor([Number.NaN, 0.0]))),
      thrown(() => d.log_prob(torch.zeros(3))),
      thrown(() => d.cdf(torch.zeros(3))),
      thrown(() => d.log_prob(torch.tensor(Number.NaN))),
    ]).toEqual(gaps.normal_validate_sample);
    const [unvalidated, broadcast] = gaps.normal_unvalidated;
    const u = new Normal(0, 1, false).log_prob(torch.tensor([Number.NaN, 0.3])).tolist() as number[];
    expect(Number.isNaN(u[0])).toBe(unvalidated[0]);
    expect(u[1]).toBeCloseTo(unvalidated[1], 6);
    expectT(d.log_prob(torch.zeros(5, 1)), broadcast, 1e-6);
  });
});

describe("cleanrl probe gaps: orthogonal_'s Gram-Schmidt sweep", () => {
  it("orthogonal_ gives torch's matrices, wide and tall, after fusing each subtraction with the next dot product", () => {
    // A speed change (ppo_atari's Linear(3136, 512) layer_init went from about 3.4 s to 2.4 s): same values as torch.
    torch.manual_seed(3);
    expectT(torch.nn.init.orthogonal_(torch.empty(40, 150), 2.0), gaps.orthogonal_wide, 2e-5);
    expectT(torch.nn.init.orthogonal_(torch.empty(150, 3, 2, 2), 1.0).index(":8"), gaps.orthogonal_tall, 2e-5);
  });
});
