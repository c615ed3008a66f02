/**
 * The REINFORCE and actor-critic examples (pytorch/examples reinforcement_learning; the
 * torch.distributions docs' score-function example) translated line by line, on CartPole-v1's
 * dynamics written out (no gym; the fixture script has the same float64 arithmetic) with a reset
 * drawn from the environment's own torch.Generator, episodes cut at 40 steps. With
 * torch.manual_seed(543) the policy's initialisation, its dropout masks and Categorical.sample()
 * draw PyTorch's streams, so the actions chosen, the episode lengths, the losses and the trained
 * weights are torch 1.13's. Values from scripts/fixtures/tutorial6_fixtures.py (reinforce6.json).
 */
import { describe, expect, it } from "vitest";
import { nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectClose } from "../core/fixtures";
import { tutorialFixture } from "./helpers";

const F = nn.functional;
const { Categorical } = torch.distributions;
type FT = { shape: number[]; data: number[] };
type Episode = { actions: number[]; length: number; loss: number; running_reward?: number };
const ref = tutorialFixture<{
  max_steps: number; eps: number;
  reinforce: { episodes: Episode[]; affine2_weight: FT; affine2_bias: FT };
  actor_critic: { episodes: Episode[]; value_head_weight: FT; action_head_bias: FT };
  streams: {
    multinomial_one_replacement: { samples: FT; next: FT }; categorical_samples: number[]; categorical_after: FT;
    dropout: FT; dropout_next: FT; dropout_module: FT; dropout2d: FT; alpha_dropout: FT; dropout_f64: FT;
    categorical_errors: Record<"negative_probs" | "nan_logits" | "out_of_support" | "not_integer" | "negative" | "not_broadcastable", [string, string]>;
    categorical_float_value: FT;
  };
}>("reinforce6.json");
const eps = ref.eps; // np.finfo(np.float32).eps.item()

/** gym's CartPole-v1 (Euler integration), reset from its own seeded generator. */
class CartPole {
  private readonly gen: InstanceType<typeof torch.Generator>;
  private state: number[] = [];
  constructor(seed: number) {
    this.gen = new torch.Generator();
    this.gen.manual_seed(seed);
  }
  reset(): number[] {
    this.state = torch.rand(4, { generator: this.gen, dtype: torch.float64 }).mul(0.1).sub(0.05).tolist() as number[];
    return this.state;
  }
  step(action: number): [number[], number, boolean] {
    const [gravity, masscart, masspole, length, force_mag, tau] = [9.8, 1.0, 0.1, 0.5, 10.0, 0.02];
    const total_mass = masspole + masscart;
    const polemass_length = masspole * length;
    let [x, x_dot, theta, theta_dot] = this.state;
    const force = action === 1 ? force_mag : -force_mag;
    const costheta = Math.cos(theta);
    const sintheta = Math.sin(theta);
    const temp = (force + polemass_length * theta_dot * theta_dot * sintheta) / total_mass;
    const thetaacc = (gravity * sintheta - costheta * temp) / (length * (4.0 / 3.0 - (masspole * costheta * costheta) / total_mass));
    const xacc = temp - (polemass_length * thetaacc * costheta) / total_mass;
    x = x + tau * x_dot;
    x_dot = x_dot + tau * xacc;
    theta = theta + tau * theta_dot;
    theta_dot = theta_dot + tau * thetaacc;
    this.state = [x, x_dot, theta, theta_dot];
    const limit = (12 * 2 * Math.PI) / 360;
    return [this.state, 1.0, x < -2.4 || x > 2.4 || theta < -limit || theta > limit];
  }
}

/** returns[t] = r[t] + gamma * returns[t + 1], standardised as the examples do. */
function discountedReturns(rewards: number[], gamma: number): Tensor {
  let R = 0;
  const returns: number[] = [];
  for (const r of [...rewards].reverse()) {
    R = r + gamma * R;
    returns.unshift(R);
  }
  const t = torch.tensor(returns);
  return t.sub(t.mean()).div(t.std().add(eps));
}

class ReinforcePolicy extends nn.Module {
  affine1 = new nn.Linear(4, 128);
  dropout = new nn.Dropout({ p: 0.6 });
  affine2 = new nn.Linear(128, 2);
  saved_log_probs: Tensor[] = [];
  rewards: number[] = [];
  forward(x: Tensor): Tensor {
    x = this.affine1(x);
    x = this.dropout(x);
    x = F.relu(x);
    const action_scores = this.affine2(x);
    return F.softmax(action_scores, { dim: 1 });
  }
}

class ActorCriticPolicy extends nn.Module {
  affine1 = new nn.Linear(4, 128);
  action_head = new nn.Linear(128, 2);
  value_head = new nn.Linear(128, 1);
  saved_actions: { log_prob: Tensor; value: Tensor }[] = [];
  rewards: number[] = [];
  forward(x: Tensor): [Tensor, Tensor] {
    x = F.relu(this.affine1(x));
    const action_prob = F.softmax(this.action_head(x), { dim: -1 });
    const state_values = this.value_head(x);
    return [action_prob, state_values];
  }
}

function reinforce(episodes: number, gamma = 0.99): { runs: Episode[]; policy: ReinforcePolicy } {
  torch.manual_seed(543);
  const env = new CartPole(543);
  const policy = new ReinforcePolicy();
  const optimizer = new torch.optim.Adam(policy.parameters(), { lr: 1e-2 });

  const select_action = (state: number[]): number => {
    const probs = policy(torch.tensor(state).float().unsqueeze(0));
    const m = new Categorical(probs);
    const action = m.sample();
    policy.saved_log_probs.push(m.log_prob(action));
    return action.item() as number;
  };

  const finish_episode = (): number => {
    const returns = discountedReturns(policy.rewards, gamma);
    const policy_loss = policy.saved_log_probs.map((log_prob, i) => log_prob.neg().mul(returns.index(i)));
    optimizer.zero_grad();
    const loss = torch.cat(policy_loss).sum();
    loss.backward();
    optimizer.step();
    policy.rewards.length = 0;
    policy.saved_log_probs.length = 0;
    return loss.item() as number;
  };

  const runs: Episode[] = [];
  let running_reward = 10;
  for (let e = 0; e < episodes; e++) {
    let state = env.reset();
    let ep_reward = 0;
    const actions: number[] = [];
    for (let t = 1; t <= ref.max_steps; t++) {
      const action = select_action(state);
      actions.push(action);
      const [next, reward, done] = env.step(action);
      state = next;
      policy.rewards.push(reward);
      ep_reward += reward;
      if (done) break;
    }
    running_reward = 0.05 * ep_reward + (1 - 0.05) * running_reward;
    runs.push({ actions, length: actions.length, loss: finish_episode(), running_reward });
  }
  return { runs, policy };
}

function actorCritic(episodes: number, gamma = 0.99): { runs: Episode[]; model: ActorCriticPolicy } {
  torch.manual_seed(543);
  const env = new CartPole(7);
  const model = new ActorCriticPolicy();
  const optimizer = new torch.optim.Adam(model.parameters(), { lr: 3e-2 });

  const select_action = (state: number[]): number => {
    const [probs, state_value] = model(torch.tensor(state).float());
    const m = new Categorical(probs);
    const action = m.sample();
    model.saved_actions.push({ log_prob: m.log_prob(action), value: state_value });
    return action.item() as number;
  };

  const finish_episode = (): number => {
    const returns = discountedReturns(model.rewards, gamma);
    const policy_losses: Tensor[] = [];
    const value_losses: Tensor[] = [];
    model.saved_actions.forEach(({ log_prob, value }, i) => {
      const R = returns.index(i);
      const advantage = R.sub(value.item() as number);
      policy_losses.push(log_prob.neg().mul(advantage));
      // torch.tensor([R]) of a 0-d tensor, as the example writes it
      value_losses.push(F.smooth_l1_loss(value, torch.tensor([R])));
    });
    optimizer.zero_grad();
    const loss = torch.stack(policy_losses).sum().add(torch.stack(value_losses).sum());
    loss.backward();
    optimizer.step();
    model.rewards.length = 0;
    model.saved_actions.length = 0;
    return loss.item() as number;
  };

  const runs: Episode[] = [];
  for (let e = 0; e < episodes; e++) {
    let state = env.reset();
    const actions: number[] = [];
    for (let t = 1; t <= ref.max_steps; t++) {
      const action = select_action(state);
      actions.push(action);
      const [next, reward, done] = env.step(action);
      state = next;
      model.rewards.push(reward);
      if (done) break;
    }
    runs.push({ actions, length: actions.length, loss: finish_episode() });
  }
  return { runs, model };
}

/** Each episode chose torch's actions and gave its loss. */
function expectTorchEpisodes(runs: readonly { actions: number[]; loss: number }[], episodes: readonly { actions: number[]; loss: number }[]): void {
  runs.forEach((run, e) => {
    const want = episodes[e];
    expect(run.actions, `episode ${e}'s actions`).toEqual(want.actions);
    expect(run.loss, `episode ${e}'s loss`).toBeCloseTo(want.loss, 3);
  });
}

describe("REINFORCE and actor-critic (torch.distributions.Categorical on CartPole)", () => {
  it("REINFORCE: 30 episodes choose torch's actions, give its losses and weights, and the running reward rises", () => {
    const { runs, policy } = reinforce(ref.reinforce.episodes.length);
    expectTorchEpisodes(runs, ref.reinforce.episodes);
    expectClose(policy.affine2.weight, ref.reinforce.affine2_weight.data, 1e-3, 1e-4, "affine2.weight after training");
    expectClose(policy.affine2.bias!, ref.reinforce.affine2_bias.data, 1e-3, 1e-4, "affine2.bias after training");
    // the learning curve: from 10 (the example's start) to above 20 within 30 short episodes
    expect(runs.at(-1)!.running_reward!).toBeGreaterThan(20);
    expect(runs.slice(-10).reduce((s, r) => s + r.length, 0) / 10).toBeGreaterThan(runs.slice(0, 10).reduce((s, r) => s + r.length, 0) / 10);
  });

  it("actor-critic: torch's actions, losses and trained heads (smooth_l1_loss against torch.tensor([R]))", () => {
    const { runs, model } = actorCritic(ref.actor_critic.episodes.length);
    expectTorchEpisodes(runs, ref.actor_critic.episodes);
    expectClose(model.value_head.weight, ref.actor_critic.value_head_weight.data, 1e-3, 1e-4, "value_head.weight");
    expectClose(model.action_head.bias!, ref.actor_critic.action_head_bias.data, 1e-3, 1e-4, "action_head.bias");
  });
});

describe("the sampling streams these examples draw (torch 1.13 on CPU, no MKL)", () => {
  const s = ref.streams;
  it("torch.multinomial(p, 1, true) draws one uniform per row (not the exponential trick), as Categorical.sample()", () => {
    torch.manual_seed(0);
    const one = torch.multinomial(torch.tensor([[0.2, 0.3, 0.5], [0.6, 0.1, 0.3]]), 1, true);
    expect(one.tolist()).toEqual([[s.multinomial_one_replacement.samples.data[0]], [s.multinomial_one_replacement.samples.data[1]]]);
    expectClose(torch.rand(3, { dtype: torch.float64 }), s.multinomial_one_replacement.next.data, 0, 0, "the stream after it");
    torch.manual_seed(0);
    const m = new Categorical(torch.tensor([0.1, 0.2, 0.3, 0.4]));
    expect(Array.from({ length: 20 }, () => m.sample().item())).toEqual(s.categorical_samples);
    expectClose(torch.rand(2), s.categorical_after.data, 0, 0, "the stream after 20 samples");
  });

  it("Categorical validates as torch (validate_args on by default): its parameter and log_prob's values; validate_args: false skips it", () => {
    const thrown = (fn: () => unknown): [string, string] | null => {
      try {
        fn();
      } catch (e) {
        return [(e as Error).constructor.name, (e as Error).message];
      }
      return null;
    };
    const want = s.categorical_errors;
    expect(thrown(() => new Categorical(torch.tensor([0.5, -0.1, 0.6])))).toEqual(want.negative_probs);
    expect(thrown(() => new Categorical({ logits: torch.tensor([0.5, NaN]) }))).toEqual(want.nan_logits);
    const m = new Categorical(torch.tensor([[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]]));
    const long = { dtype: torch.long };
    expect(thrown(() => m.log_prob(torch.tensor([3, 0], long)))).toEqual(want.out_of_support);
    expect(thrown(() => m.log_prob(torch.tensor([1.5, 0])))).toEqual(want.not_integer);
    expect(thrown(() => m.log_prob(torch.tensor([-1, 0], long)))).toEqual(want.negative);
    expect(thrown(() => m.log_prob(torch.tensor([1, 0, 2], long)))).toEqual(want.not_broadcastable);
    expectClose(m.log_prob(torch.tensor([1.0, 0.0])), s.categorical_float_value.data, 1e-6, 0, "whole-number float values are in the support");
    const unchecked = new Categorical(torch.tensor([0.5, -0.1, 0.6]), { validate_args: false });
    expect(unchecked.probs.shape).toEqual([3]);
  });

  it("dropout masks are torch's after manual_seed: F.dropout, nn.Dropout, dropout2d, alpha_dropout, float64", () => {
    torch.manual_seed(1);
    expectClose(F.dropout(torch.ones(3, 7), { p: 0.4 }), s.dropout.data, 1e-6, 0, "F.dropout");
    expectClose(torch.rand(2), s.dropout_next.data, 0, 0, "the stream after the mask");
    torch.manual_seed(2);
    expectClose(new nn.Dropout(0.6)(torch.arange(1.0, 13.0)), s.dropout_module.data, 1e-6, 0, "nn.Dropout");
    torch.manual_seed(3);
    expectClose(F.dropout2d(torch.ones(2, 5, 2, 2), { p: 0.5 }), s.dropout2d.data, 1e-6, 0, "F.dropout2d");
    torch.manual_seed(4);
    expectClose(F.alpha_dropout(torch.ones(10), 0.3, true), s.alpha_dropout.data, 1e-6, 1e-6, "F.alpha_dropout");
    torch.manual_seed(5);
    expectClose(F.dropout(torch.ones(9, { dtype: torch.float64 }), { p: 0.5 }), s.dropout_f64.data, 0, 0, "float64 F.dropout");
  });
});
