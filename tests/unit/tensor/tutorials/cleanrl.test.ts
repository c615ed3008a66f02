/**
 * A probe of vwxyzjn/cleanrl's single-file algorithms, translated as a learner would: cleanrl/ppo.py (layer_init with
 * orthogonal_ / constant_, the Agent's actor and critic heads, Categorical(logits=...)), ppo_continuous_action.py (the
 * Normal head with actor_logstd.expand_as, log_prob / entropy summed over dim 1), their shared rollout / update loop
 * (the rollout buffer filled step by step, GAE computed backwards with zeros_like, advantage normalisation, the ratio,
 * approx_kl and clipfracs, the clipped surrogate with torch.max, the clipped value loss, clip_grad_norm_, the annealed
 * learning rate through param_groups), sac_continuous_action.py (the tanh-squashed Actor with action_scale /
 * action_bias buffers and log_std squashed by tanh, rsample with the log-prob correction applied by -=, twin soft Q
 * networks, alpha autotuning on log_alpha, soft target updates through .data.copy_), td3_continuous_action.py
 * (exploration with torch.normal(0, scale-tensor), target policy smoothing with randn_like and clamps, the delayed actor
 * update), dqn.py (linear_schedule, argmax, max(dim=1), gather, mse_loss, the tau = 1 target copy), c51.py (the atoms
 * buffer, pmfs[arange, action], the projection by index_add_ on rows of target_pmfs), rpo_continuous_action.py
 * (torch.FloatTensor(shape).uniform_) and ppo_atari_lstm.py's Agent (orthogonal LSTM weights by named_parameters, the
 * state reset by (1 - done) at each step, flatten(cat(...), 0, 1)), plus a learner's
 * typical mistakes there (Categorical(logits) taken as probs, a negative std, a wrong action shape, orthogonal_ on a
 * bias, a soft update without .data, Adam on log_alpha.exp(), mse_loss without view(-1), a non-finite clip).
 * Values from torch 1.13 running the same code: scripts/fixtures/cleanrl_fixtures.py -> tutorials/cleanrl.json.
 * reinforce6.test.ts (REINFORCE / Categorical sampling streams) and dqn.test.ts (the PyTorch DQN tutorial) are not repeated.
 *
 * gym is replaced by SyntheticEnvs (seeded randn observations, rewards from the action, dones with probability 0.15) and
 * stable-baselines3's ReplayBuffer by replayBatch (seeded batches), built by the same calls on both sides.
 * Python forms written otherwise: `obs[step] = next_obs` -> index_put_([step], next_obs); `x[idx]` -> x.index(idx);
 * `log_prob -= y` -> sub_; `actions += n` -> add_; `1.0 - t` -> t.neg().add(1.0); `zip(a.parameters(), b.parameters())`
 * -> index loops over the arrays; np.random.shuffle(b_inds) -> torch.randperm; np.var -> torch.var(unbiased=False);
 * optimizer.param_groups[0]["lr"] = v -> param_groups[0].lr = v; numpy's .clip(low, high) -> clamp(LOW, HIGH).
 * Kept visible: Python shows a UserWarning once per source line, the engine once per message.
 * Sizes cut: ppo_atari_lstm's Agent sees 36 x 36 frames (Linear(64 * 1 * 1, 128), LSTM(128, 32)): orthogonal_ of its
 * Linear(3136, 512) weight alone takes about 3.4 s here (Gram-Schmidt in JavaScript), milliseconds in torch.
 */
import { describe, expect, it, vi } from "vitest";
import { F, nn, optim, torch, type Tensor } from "../../../../lib/tensor/index";
import { forgetShownWarnings } from "../../../../lib/tensor/warnings";
import { expectNums, expectT, thrown, tutorialFixture, type TJ } from "./helpers";

const ref = tutorialFixture<Record<string, any>>("cleanrl.json"); // eslint-disable-line @typescript-eslint/no-explicit-any
const { Categorical, Normal } = torch.distributions;
const OBS_DIM = 4, N_ACTIONS = 2, ACT_DIM = 2;
const TOL = 2e-4;

/** gym.vector.SyncVectorEnv's stand-in: observations randn from its own generator, dones with probability 0.15. */
class SyntheticEnvs {
  private readonly g: InstanceType<typeof torch.Generator>;
  private obs!: Tensor;
  constructor(readonly num_envs: number, seed: number, readonly discrete: boolean) {
    this.g = new torch.Generator().manual_seed(seed);
  }
  reset(): Tensor {
    this.obs = torch.randn([this.num_envs, OBS_DIM], { generator: this.g });
    return this.obs;
  }
  step(action: Tensor): [Tensor, Tensor, Tensor] {
    const reward = this.discrete
      ? action.eq(this.obs.index(":", 0).gt(0).long()).float()
      : action.sub(this.obs.index(":", `:${ACT_DIM}`).tanh()).pow(2).sum(1).neg();
    const done = torch.rand([this.num_envs], { generator: this.g }).lt(0.15).float();
    this.obs = torch.randn([this.num_envs, OBS_DIM], { generator: this.g });
    return [this.obs, reward, done];
  }
}

function layer_init<L extends InstanceType<typeof nn.Linear> | InstanceType<typeof nn.Conv2d>>(layer: L, std = Math.sqrt(2), bias_const = 0.0): L {
  nn.init.orthogonal_(layer.weight, std);
  nn.init.constant_(layer.bias!, bias_const);
  return layer;
}

interface PpoAgent extends nn.Module {
  get_value(x: Tensor): Tensor;
  get_action_and_value(x: Tensor, action?: Tensor | null): [Tensor, Tensor, Tensor, Tensor];
}

class Agent extends nn.Module implements PpoAgent {
  critic = new nn.Sequential(
    layer_init(new nn.Linear(OBS_DIM, 64)), new nn.Tanh(), layer_init(new nn.Linear(64, 64)), new nn.Tanh(), layer_init(new nn.Linear(64, 1), 1.0),
  );
  actor = new nn.Sequential(
    layer_init(new nn.Linear(OBS_DIM, 64)), new nn.Tanh(), layer_init(new nn.Linear(64, 64)), new nn.Tanh(), layer_init(new nn.Linear(64, N_ACTIONS), 0.01),
  );
  get_value(x: Tensor): Tensor {
    return this.critic(x);
  }
  get_action_and_value(x: Tensor, action: Tensor | null = null): [Tensor, Tensor, Tensor, Tensor] {
    const logits = this.actor(x);
    const probs = new Categorical({ logits });
    if (action === null) action = probs.sample();
    return [action, probs.log_prob(action), probs.entropy(), this.critic(x)];
  }
}

class ContinuousAgent extends nn.Module implements PpoAgent {
  critic = new nn.Sequential(
    layer_init(new nn.Linear(OBS_DIM, 64)), new nn.Tanh(), layer_init(new nn.Linear(64, 64)), new nn.Tanh(), layer_init(new nn.Linear(64, 1), 1.0),
  );
  actor_mean = new nn.Sequential(
    layer_init(new nn.Linear(OBS_DIM, 64)), new nn.Tanh(), layer_init(new nn.Linear(64, 64)), new nn.Tanh(), layer_init(new nn.Linear(64, ACT_DIM), 0.01),
  );
  actor_logstd = new nn.Parameter(torch.zeros(1, ACT_DIM));
  get_value(x: Tensor): Tensor {
    return this.critic(x);
  }
  get_action_and_value(x: Tensor, action: Tensor | null = null): [Tensor, Tensor, Tensor, Tensor] {
    const action_mean = this.actor_mean(x);
    const action_logstd = this.actor_logstd.expand_as(action_mean);
    const action_std = torch.exp(action_logstd);
    const probs = new Normal(action_mean, action_std);
    if (action === null) action = probs.sample();
    return [action, probs.log_prob(action).sum(1), probs.entropy().sum(1), this.critic(x)];
  }
}

/** ppo.py / ppo_continuous_action.py: the rollout, GAE and the clipped-surrogate update, as in the fixture script. */
function run_ppo(agent: PpoAgent, continuous: boolean, seed: number) {
  const [num_envs, num_steps, num_minibatches, update_epochs, num_iterations] = [2, 8, 2, 2, 2];
  const [learning_rate, gamma, gae_lambda, clip_coef, ent_coef, vf_coef, max_grad_norm] = [0.01, 0.99, 0.95, 0.2, 0.01, 0.5, 0.5];
  const batch_size = num_envs * num_steps;
  const minibatch_size = Math.floor(batch_size / num_minibatches);
  const envs = new SyntheticEnvs(num_envs, seed, !continuous);
  const optimizer = new optim.Adam(agent.parameters(), { lr: learning_rate, eps: 1e-5 });
  const act_shape = continuous ? [ACT_DIM] : [];
  const obs = torch.zeros([num_steps, num_envs, OBS_DIM]);
  const actions = torch.zeros([num_steps, num_envs, ...act_shape]);
  const logprobs = torch.zeros([num_steps, num_envs]);
  const rewards = torch.zeros([num_steps, num_envs]);
  const dones = torch.zeros([num_steps, num_envs]);
  const values = torch.zeros([num_steps, num_envs]);
  let next_obs = torch.Tensor(envs.reset());
  let next_done = torch.zeros(num_envs);
  const log = [];
  for (let iteration = 1; iteration <= num_iterations; iteration++) {
    const frac = 1.0 - (iteration - 1.0) / num_iterations;
    optimizer.param_groups[0].lr = frac * learning_rate;
    for (let step = 0; step < num_steps; step++) {
      obs.index_put_([step], next_obs);
      dones.index_put_([step], next_done);
      const [action, logprob] = torch.no_grad(() => {
        const [action, logprob, , value] = agent.get_action_and_value(next_obs);
        values.index_put_([step], value.flatten());
        return [action, logprob];
      });
      actions.index_put_([step], action);
      logprobs.index_put_([step], logprob);
      let reward: Tensor;
      [next_obs, reward, next_done] = envs.step(action);
      rewards.index_put_([step], reward.view(-1));
    }
    const [advantages, returns] = torch.no_grad(() => {
      const next_value = agent.get_value(next_obs).reshape(1, -1);
      const advantages = torch.zeros_like(rewards);
      let lastgaelam: Tensor | number = 0;
      for (let t = num_steps - 1; t >= 0; t--) {
        let nextnonterminal: Tensor, nextvalues: Tensor;
        if (t === num_steps - 1) {
          nextnonterminal = next_done.neg().add(1.0);
          nextvalues = next_value;
        } else {
          nextnonterminal = dones.index(t + 1).neg().add(1.0);
          nextvalues = values.index(t + 1);
        }
        const delta = rewards.index(t).add(nextvalues.mul(gamma).mul(nextnonterminal)).sub(values.index(t));
        lastgaelam = delta.add(nextnonterminal.mul(gamma * gae_lambda).mul(lastgaelam));
        advantages.index_put_([t], lastgaelam);
      }
      return [advantages, advantages.add(values)];
    });
    const it: Record<string, unknown> = { actions, logprobs: logprobs.clone(), values: values.clone(), rewards: rewards.clone(), dones: dones.clone(), advantages, returns, lr: optimizer.param_groups[0].lr };
    it.actions = actions.clone();
    const b_obs = obs.reshape(-1, OBS_DIM);
    const b_logprobs = logprobs.reshape(-1);
    const b_actions = actions.reshape(-1, ...act_shape);
    const b_advantages = advantages.reshape(-1);
    const b_returns = returns.reshape(-1);
    const b_values = values.reshape(-1);
    const clipfracs: number[] = [];
    const minibatches = [];
    for (let epoch = 0; epoch < update_epochs; epoch++) {
      const b_inds = torch.randperm(batch_size);
      for (let start = 0; start < batch_size; start += minibatch_size) {
        const mb_inds = b_inds.index(`${start}:${start + minibatch_size}`);
        const [, newlogprob, entropy, newvalue0] = agent.get_action_and_value(
          b_obs.index(mb_inds), continuous ? b_actions.index(mb_inds) : b_actions.long().index(mb_inds));
        const logratio = newlogprob.sub(b_logprobs.index(mb_inds));
        const ratio = logratio.exp();
        const [old_approx_kl, approx_kl] = torch.no_grad(() => {
          clipfracs.push(ratio.sub(1.0).abs().gt(clip_coef).float().mean().item());
          return [logratio.neg().mean(), ratio.sub(1).sub(logratio).mean()];
        });
        let mb_advantages = b_advantages.index(mb_inds);
        mb_advantages = mb_advantages.sub(mb_advantages.mean()).div(mb_advantages.std().add(1e-8));
        const pg_loss1 = mb_advantages.neg().mul(ratio);
        const pg_loss2 = mb_advantages.neg().mul(torch.clamp(ratio, 1 - clip_coef, 1 + clip_coef));
        const pg_loss = torch.max(pg_loss1, pg_loss2).mean();
        const newvalue = newvalue0.view(-1);
        const v_loss_unclipped = newvalue.sub(b_returns.index(mb_inds)).pow(2);
        const v_clipped = b_values.index(mb_inds).add(torch.clamp(newvalue.sub(b_values.index(mb_inds)), -clip_coef, clip_coef));
        const v_loss_clipped = v_clipped.sub(b_returns.index(mb_inds)).pow(2);
        const v_loss_max = torch.max(v_loss_unclipped, v_loss_clipped);
        const v_loss = v_loss_max.mean().mul(0.5);
        const entropy_loss = entropy.mean();
        const loss = pg_loss.sub(entropy_loss.mul(ent_coef)).add(v_loss.mul(vf_coef));
        optimizer.zero_grad();
        loss.backward();
        const grad_norm = nn.utils.clip_grad_norm_(agent.parameters(), max_grad_norm);
        optimizer.step();
        minibatches.push({
          mb_inds: mb_inds.tolist(), pg_loss: pg_loss.item(), v_loss: v_loss.item(), entropy: entropy_loss.item(),
          old_approx_kl: old_approx_kl.item(), approx_kl: approx_kl.item(), loss: loss.item(), grad_norm: grad_norm.item(),
        });
      }
    }
    const var_y = torch.var(b_returns, { unbiased: false });
    it.explained_var = var_y.item() === 0 ? NaN : torch.var(b_returns.sub(b_values), { unbiased: false }).div(var_y).neg().add(1).item();
    it.clipfracs = clipfracs;
    it.minibatches = minibatches;
    log.push(it);
  }
  return log;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function expectPpoLog(log: Record<string, any>[], expected: Record<string, any>[], continuousTol = 0): void {
  expect(log.length).toBe(expected.length);
  log.forEach((it, i) => {
    const e = expected[i];
    expectT(it.actions, e.actions, continuousTol); // sampled as torch (exactly, for Categorical)
    for (const k of ["logprobs", "values", "rewards", "dones", "advantages", "returns"]) expectT(it[k], e[k], TOL);
    expect(it.lr).toBeCloseTo(e.lr, 12);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    it.minibatches.forEach((m: Record<string, any>, j: number) => {
      expect(m.mb_inds).toEqual(e.minibatches[j].mb_inds);
      for (const k of ["pg_loss", "v_loss", "entropy", "old_approx_kl", "approx_kl", "loss", "grad_norm"]) expectNums([m[k]], [e.minibatches[j][k]], 1e-3);
    });
    expect(it.clipfracs).toEqual(e.clipfracs);
    expectNums([it.explained_var], [e.explained_var], 1e-3);
  });
}

describe("cleanrl PPO (ppo.py, ppo_continuous_action.py)", () => {
  it("ppo.py: layer_init's orthogonal weights, then two iterations of rollout, GAE and clipped updates as torch", () => {
    const r = ref.ppo;
    torch.manual_seed(1);
    const agent = new Agent();
    const sd = agent.state_dict();
    for (const k of Object.keys(r.init)) expectT(sd[k], r.init[k], 1e-5);
    const w = sd["critic.2.weight"];
    expectT(w.matmul(w.T).div(2.0), r.orthogonality, 1e-5); // orthogonal_ with gain sqrt(2): W W^T = 2 I
    expectPpoLog(run_ppo(agent, false, 7), r.iterations);
    const sd2 = agent.state_dict();
    for (const k of Object.keys(r.final)) expectT(sd2[k], r.final[k], 1e-3);
  });

  it("ppo_continuous_action.py: the Normal head's log_prob / entropy sums and gradients, then the same loop", () => {
    const r = ref.ppo_continuous;
    torch.manual_seed(1);
    const agent = new ContinuousAgent();
    expectT(agent.state_dict()["actor_mean.4.weight"], r.init_actor_mean_4, 1e-5);
    const x = torch.randn(3, OBS_DIM);
    const [a, lp, ent, v] = agent.get_action_and_value(x);
    lp.sum().add(ent.sum()).add(v.sum()).backward();
    const f = r.first_call;
    expectT(a, f.action, TOL);
    expectT(lp, f.logprob, TOL);
    expectT(ent, f.entropy, TOL);
    expectT(v, f.value, TOL);
    expectT(agent.actor_logstd.grad!, f.actor_logstd_grad, TOL);
    expectT(agent.state_dict({ keep_vars: true })["actor_mean.4.weight"].grad!, f.actor_mean_4_weight_grad, TOL);
    expect([a.requires_grad, lp.requires_grad]).toEqual(f.requires_grad);
    agent.zero_grad();
    expectPpoLog(run_ppo(agent, true, 11), r.iterations, TOL);
    expectT(agent.actor_logstd, r.final.actor_logstd, 1e-3);
    expectT(agent.state_dict()["actor_mean.4.weight"], r.final.actor_mean_4_weight, 1e-3);
    expectT(agent.state_dict()["critic.4.bias"], r.final.critic_4_bias, 1e-3);
  });
});

const LOG_STD_MAX = 2;
const LOG_STD_MIN = -5;
const LOW = torch.tensor([-1.0, 0.0]);
const HIGH = torch.tensor([1.0, 2.0]);
const HIDDEN = 256;

class SoftQNetwork extends nn.Module {
  fc1 = new nn.Linear(OBS_DIM + ACT_DIM, HIDDEN);
  fc2 = new nn.Linear(HIDDEN, HIDDEN);
  fc3 = new nn.Linear(HIDDEN, 1);
  forward(x: Tensor, a: Tensor): Tensor {
    x = torch.cat([x, a], 1);
    x = F.relu(this.fc1(x));
    x = F.relu(this.fc2(x));
    return this.fc3(x);
  }
}

class SacActor extends nn.Module {
  fc1 = new nn.Linear(OBS_DIM, HIDDEN);
  fc2 = new nn.Linear(HIDDEN, HIDDEN);
  fc_mean = new nn.Linear(HIDDEN, ACT_DIM);
  fc_logstd = new nn.Linear(HIDDEN, ACT_DIM);
  declare action_scale: Tensor;
  declare action_bias: Tensor;
  constructor() {
    super();
    this.register_buffer("action_scale", torch.tensor(HIGH.sub(LOW).div(2.0), { dtype: torch.float32 }));
    this.register_buffer("action_bias", torch.tensor(HIGH.add(LOW).div(2.0), { dtype: torch.float32 }));
  }
  forward(x: Tensor): [Tensor, Tensor] {
    x = F.relu(this.fc1(x));
    x = F.relu(this.fc2(x));
    const mean = this.fc_mean(x);
    let log_std = this.fc_logstd(x);
    log_std = torch.tanh(log_std);
    log_std = log_std.add(1).mul(0.5 * (LOG_STD_MAX - LOG_STD_MIN)).add(LOG_STD_MIN);
    return [mean, log_std];
  }
  get_action(x: Tensor): [Tensor, Tensor, Tensor] {
    const [mean, log_std] = this.forward(x);
    const std = log_std.exp();
    const normal = new torch.distributions.Normal(mean, std);
    const x_t = normal.rsample();
    const y_t = torch.tanh(x_t);
    const action = y_t.mul(this.action_scale).add(this.action_bias);
    let log_prob = normal.log_prob(x_t);
    log_prob.sub_(torch.log(this.action_scale.mul(y_t.pow(2).neg().add(1)).add(1e-6)));
    log_prob = log_prob.sum(1, { keepdim: true });
    return [action, log_prob, torch.tanh(mean).mul(this.action_scale).add(this.action_bias)];
  }
}

/** stable-baselines3's rb.sample stand-in: a seeded batch (rewards and dones shaped [B, 1] as its samples). */
function replayBatch(g: InstanceType<typeof torch.Generator>, batch_size: number) {
  const observations = torch.randn([batch_size, OBS_DIM], { generator: g });
  const actions = LOW.add(HIGH.sub(LOW).mul(torch.rand([batch_size, ACT_DIM], { generator: g })));
  const next_observations = torch.randn([batch_size, OBS_DIM], { generator: g });
  const rewards = torch.randn([batch_size, 1], { generator: g });
  const dones = torch.rand([batch_size, 1], { generator: g }).lt(0.1).float();
  return { observations, actions, next_observations, rewards, dones };
}

/** target_param.data.copy_(tau * param.data + (1 - tau) * target_param.data) over zip(net.parameters(), target.parameters()). */
function softUpdate(net: nn.Module, target: nn.Module, tau: number): void {
  const ps = [...net.parameters()], tps = [...target.parameters()];
  ps.forEach((param, i) => tps[i].data.copy_(param.data.mul(tau).add(tps[i].data.mul(1 - tau))));
}

const gamma = 0.99, tau = 0.005, batch_size = 16, policy_frequency = 2;

describe("cleanrl SAC, TD3 and DQN (sac_continuous_action.py, td3_continuous_action.py, dqn.py)", () => {
  it("SAC: buffers, the squashed rsample and its log-prob correction, four steps of twin-Q / actor / alpha updates", () => {
    const r = ref.sac;
    forgetShownWarnings();
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    torch.manual_seed(1);
    const actor = new SacActor();
    const msgs = warn.mock.calls.map((c) => String(c[0]));
    warn.mockRestore();
    // torch.tensor(sourceTensor) for the buffers: torch's copy-construct UserWarning (Python shows it once per source
    // line, two here; the engine once per message).
    expect(msgs).toEqual([...new Set(r.warnings as string[])]);
    const qf1 = new SoftQNetwork(), qf2 = new SoftQNetwork();
    const qf1_target = new SoftQNetwork(), qf2_target = new SoftQNetwork();
    qf1_target.load_state_dict(qf1.state_dict());
    qf2_target.load_state_dict(qf2.state_dict());
    const q_optimizer = new optim.Adam([...qf1.parameters(), ...qf2.parameters()], { lr: 1e-3 });
    const actor_optimizer = new optim.Adam([...actor.parameters()], { lr: 3e-4 });
    const target_entropy = -torch.prod(torch.Tensor([ACT_DIM])).item();
    const log_alpha = torch.zeros(1, { requires_grad: true });
    let alpha = log_alpha.exp().item();
    const a_optimizer = new optim.Adam([log_alpha], { lr: 1e-3 });
    expect(target_entropy).toBe(r.target_entropy);
    expect([...actor.named_buffers()].map(([k]) => k)).toEqual(r.buffers);
    expect(Object.keys(actor.state_dict())).toEqual(r.state_dict_keys);
    expectT(actor.action_scale, r.action_scale, 0);
    expectT(actor.action_bias, r.action_bias, 0);

    const [a, lp, mean] = actor.get_action(torch.randn(3, OBS_DIM));
    lp.sum().backward();
    expectT(a, r.get_action.action, TOL);
    expectT(lp, r.get_action.log_prob, TOL);
    expectT(mean, r.get_action.mean, TOL);
    expectT(actor.fc_logstd.bias!.grad!, r.get_action.fc_logstd_bias_grad, 1e-3);
    expectT(actor.fc_mean.bias!.grad!, r.get_action.fc_mean_bias_grad, 1e-3);
    actor.zero_grad();

    const g = new torch.Generator().manual_seed(5);
    for (let global_step = 1; global_step <= 4; global_step++) {
      const data = replayBatch(g, batch_size);
      const e = r.steps[global_step - 1];
      const next_q_value = torch.no_grad(() => {
        const [next_state_actions, next_state_log_pi] = actor.get_action(data.next_observations);
        const qf1_next_target = qf1_target(data.next_observations, next_state_actions);
        const qf2_next_target = qf2_target(data.next_observations, next_state_actions);
        const min_qf_next_target = torch.min(qf1_next_target, qf2_next_target).sub(next_state_log_pi.mul(alpha));
        return data.rewards.flatten().add(data.dones.flatten().neg().add(1).mul(gamma).mul(min_qf_next_target.view(-1)));
      });
      const qf1_a_values = qf1(data.observations, data.actions).view(-1);
      const qf2_a_values = qf2(data.observations, data.actions).view(-1);
      const qf1_loss = F.mse_loss(qf1_a_values, next_q_value);
      const qf2_loss = F.mse_loss(qf2_a_values, next_q_value);
      const qf_loss = qf1_loss.add(qf2_loss);
      q_optimizer.zero_grad();
      qf_loss.backward();
      q_optimizer.step();
      expectT(next_q_value, e.next_q_value, 1e-3);
      expectNums([qf1_loss.item(), qf2_loss.item()], [e.qf1_loss, e.qf2_loss], 1e-3);
      if (global_step % policy_frequency === 0) {
        for (let k = 0; k < policy_frequency; k++) {
          const [pi, log_pi0] = actor.get_action(data.observations);
          const qf1_pi = qf1(data.observations, pi);
          const qf2_pi = qf2(data.observations, pi);
          const min_qf_pi = torch.min(qf1_pi, qf2_pi);
          const actor_loss = log_pi0.mul(alpha).sub(min_qf_pi).mean();
          actor_optimizer.zero_grad();
          actor_loss.backward();
          actor_optimizer.step();
          const [, log_pi] = torch.no_grad(() => actor.get_action(data.observations));
          const alpha_loss = log_alpha.exp().neg().mul(log_pi.add(target_entropy)).mean();
          a_optimizer.zero_grad();
          alpha_loss.backward();
          a_optimizer.step();
          alpha = log_alpha.exp().item();
          const ea = e.actor[k];
          expectNums([actor_loss.item(), alpha_loss.item(), alpha], [ea.actor_loss, ea.alpha_loss, ea.alpha], 1e-3);
        }
      }
      softUpdate(qf1, qf1_target, tau);
      softUpdate(qf2, qf2_target, tau);
    }
    expectT(log_alpha, r.final.log_alpha, 1e-4);
    expectT(qf1_target.fc3.weight, r.final.qf1_target_fc3_weight, 1e-4);
    expectT(qf2_target.fc3.bias!, r.final.qf2_target_fc3_bias, 1e-4);
    expectT(actor.fc_logstd.bias!, r.final.actor_fc_logstd_bias, 1e-4);
    expectT(qf1.fc3.bias!, r.final.qf1_fc3_bias, 1e-4);
    expect(qf1_target.fc3.weight.requires_grad).toBe(r.final.target_requires_grad);
  });

  it("TD3: torch.normal(0, scale-tensor) exploration, smoothed target actions, delayed actor and target updates", () => {
    const r = ref.td3;
    class Td3Actor extends nn.Module {
      fc1 = new nn.Linear(OBS_DIM, HIDDEN);
      fc2 = new nn.Linear(HIDDEN, HIDDEN);
      fc_mu = new nn.Linear(HIDDEN, ACT_DIM);
      declare action_scale: Tensor;
      declare action_bias: Tensor;
      constructor() {
        super();
        this.register_buffer("action_scale", HIGH.sub(LOW).div(2.0).clone().detach());
        this.register_buffer("action_bias", HIGH.add(LOW).div(2.0).clone().detach());
      }
      forward(x: Tensor): Tensor {
        x = F.relu(this.fc1(x));
        x = F.relu(this.fc2(x));
        x = torch.tanh(this.fc_mu(x));
        return x.mul(this.action_scale).add(this.action_bias);
      }
    }
    const [policy_noise, exploration_noise, noise_clip, learning_rate] = [0.2, 0.1, 0.5, 3e-4];
    torch.manual_seed(1);
    const actor = new Td3Actor();
    const qf1 = new SoftQNetwork(), qf2 = new SoftQNetwork();
    const qf1_target = new SoftQNetwork(), qf2_target = new SoftQNetwork();
    const target_actor = new Td3Actor();
    target_actor.load_state_dict(actor.state_dict());
    qf1_target.load_state_dict(qf1.state_dict());
    qf2_target.load_state_dict(qf2.state_dict());
    const q_optimizer = new optim.Adam([...qf1.parameters(), ...qf2.parameters()], { lr: learning_rate });
    const actor_optimizer = new optim.Adam([...actor.parameters()], { lr: learning_rate });
    const obs = torch.randn(2, OBS_DIM);
    torch.no_grad(() => {
      let actions = actor(torch.Tensor(obs));
      actions.add_(torch.normal(0, actor.action_scale.mul(exploration_noise)));
      expectT(actions, r.exploration_actions, TOL);
      actions = actions.clamp(LOW, HIGH);
      expectT(actions, r.exploration_clipped, TOL);
    });
    const g = new torch.Generator().manual_seed(9);
    for (let global_step = 1; global_step <= 4; global_step++) {
      const data = replayBatch(g, batch_size);
      const e = r.steps[global_step - 1];
      const [next_state_actions, next_q_value] = torch.no_grad(() => {
        const clipped_noise = torch.randn_like(data.actions).mul(policy_noise).clamp(-noise_clip, noise_clip).mul(target_actor.action_scale);
        const next_state_actions = target_actor(data.next_observations).add(clipped_noise).clamp(LOW.index(0).item(), HIGH.index(0).item());
        const qf1_next_target = qf1_target(data.next_observations, next_state_actions);
        const qf2_next_target = qf2_target(data.next_observations, next_state_actions);
        const min_qf_next_target = torch.min(qf1_next_target, qf2_next_target);
        return [next_state_actions, data.rewards.flatten().add(data.dones.flatten().neg().add(1).mul(gamma).mul(min_qf_next_target.view(-1)))];
      });
      const qf1_loss = F.mse_loss(qf1(data.observations, data.actions).view(-1), next_q_value);
      const qf2_loss = F.mse_loss(qf2(data.observations, data.actions).view(-1), next_q_value);
      const qf_loss = qf1_loss.add(qf2_loss);
      q_optimizer.zero_grad();
      qf_loss.backward();
      q_optimizer.step();
      expectT(next_state_actions, e.next_state_actions, TOL);
      expectNums([qf_loss.item()], [e.qf_loss], 1e-3);
      if (global_step % policy_frequency === 0) {
        const actor_loss = qf1(data.observations, actor(data.observations)).mean().neg();
        actor_optimizer.zero_grad();
        actor_loss.backward();
        actor_optimizer.step();
        expectNums([actor_loss.item()], [e.actor_loss], 1e-3);
        softUpdate(actor, target_actor, tau);
        softUpdate(qf1, qf1_target, tau);
        softUpdate(qf2, qf2_target, tau);
      }
    }
    expectT(target_actor.fc_mu.bias!, r.final.target_actor_fc_mu_bias, 1e-4);
    expectT(qf2_target.fc3.bias!, r.final.qf2_target_fc3_bias, 1e-4);
    expectT(actor.fc_mu.bias!, r.final.actor_fc_mu_bias, 1e-4);
  });

  it("DQN: linear_schedule, the greedy action, max(dim=1) / gather TD losses and the tau = 1 target copy", () => {
    const r = ref.dqn;
    class QNetwork extends nn.Module {
      network = new nn.Sequential(new nn.Linear(OBS_DIM, 120), new nn.ReLU(), new nn.Linear(120, 84), new nn.ReLU(), new nn.Linear(84, N_ACTIONS));
      forward(x: Tensor): Tensor {
        return this.network(x);
      }
    }
    const linear_schedule = (start_e: number, end_e: number, duration: number, t: number) => Math.max(((end_e - start_e) / duration) * t + start_e, end_e);
    torch.manual_seed(1);
    const q_network = new QNetwork();
    const optimizer = new optim.Adam(q_network.parameters(), { lr: 2.5e-4 });
    const target_network = new QNetwork();
    target_network.load_state_dict(q_network.state_dict());
    expect([0, 1, 250, 499, 500, 900].map((t) => linear_schedule(1, 0.05, 0.5 * 1000, t))).toEqual(r.epsilons);
    const q_values = q_network(torch.Tensor(torch.randn(1, OBS_DIM)));
    expect(torch.argmax(q_values, { dim: 1 }).tolist()).toEqual(r.greedy);
    const g = new torch.Generator().manual_seed(3);
    const losses: number[] = [];
    for (let global_step = 1; global_step <= 3; global_step++) {
      const observations = torch.randn([batch_size, OBS_DIM], { generator: g });
      const actions = torch.randint(0, N_ACTIONS, [batch_size, 1], { generator: g });
      const next_observations = torch.randn([batch_size, OBS_DIM], { generator: g });
      const rewards = torch.rand([batch_size, 1], { generator: g });
      const dones = torch.rand([batch_size, 1], { generator: g }).lt(0.2).float();
      const td_target = torch.no_grad(() => {
        const [target_max] = target_network(next_observations).max({ dim: 1 });
        return rewards.flatten().add(target_max.mul(gamma).mul(dones.flatten().neg().add(1)));
      });
      const old_val = q_network(observations).gather(1, actions).squeeze();
      const loss = F.mse_loss(td_target, old_val);
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
      losses.push(loss.item());
      if (global_step % 2 === 0) softUpdate(q_network, target_network, 1.0);
    }
    expectNums(losses, r.losses, 1e-4);
    expectT(target_network.state_dict()["network.4.bias"], r.target_last_bias, 1e-5);
    expectT(q_network.state_dict()["network.4.bias"], r.q_last_bias, 1e-5);
  });
});

describe("cleanrl C51, RPO and the LSTM agent (c51.py, rpo_continuous_action.py, ppo_atari_lstm.py)", () => {
  it("C51: the atoms buffer, pmfs[arange, action], the categorical projection by index_add_ on rows, two loss steps", () => {
    const r = ref.c51;
    class C51QNetwork extends nn.Module {
      declare atoms: Tensor;
      readonly n = N_ACTIONS;
      network: InstanceType<typeof nn.Sequential>;
      constructor(readonly n_atoms = 101, v_min = -100, v_max = 100) {
        super();
        this.register_buffer("atoms", torch.linspace(v_min, v_max, { steps: n_atoms }));
        this.network = new nn.Sequential(new nn.Linear(OBS_DIM, 120), new nn.ReLU(), new nn.Linear(120, 84), new nn.ReLU(), new nn.Linear(84, this.n * n_atoms));
      }
      get_action(x: Tensor, action: Tensor | null = null): [Tensor, Tensor] {
        const logits = this.network(x);
        const pmfs = torch.softmax(logits.view(x.shape[0], this.n, this.n_atoms), { dim: 2 });
        const q_values = pmfs.mul(this.atoms).sum(2);
        if (action === null) action = torch.argmax(q_values, 1);
        return [action, pmfs.index(torch.arange(x.shape[0]), action)];
      }
    }
    const [n_atoms, v_min, v_max] = [11, -10, 10];
    torch.manual_seed(1);
    const q_network = new C51QNetwork(n_atoms, v_min, v_max);
    const optimizer = new optim.Adam(q_network.parameters(), { lr: 2.5e-4, eps: 0.01 / 32 });
    const target_network = new C51QNetwork(n_atoms, v_min, v_max);
    target_network.load_state_dict(q_network.state_dict());
    expectT(q_network.atoms, r.atoms, 1e-6);
    const g = new torch.Generator().manual_seed(13);
    let observations = torch.zeros(0);
    for (let global_step = 0; global_step < 2; global_step++) {
      observations = torch.randn([8, OBS_DIM], { generator: g });
      const actions = torch.randint(0, N_ACTIONS, [8, 1], { generator: g });
      const next_observations = torch.randn([8, OBS_DIM], { generator: g });
      const rewards = torch.randn([8, 1], { generator: g }).mul(5);
      const dones = torch.rand([8, 1], { generator: g }).lt(0.3).float();
      const [target_pmfs, l] = torch.no_grad(() => {
        const [, next_pmfs] = target_network.get_action(next_observations);
        const next_atoms = rewards.add(target_network.atoms.mul(gamma).mul(dones.neg().add(1)));
        const delta_z = target_network.atoms.index(1).sub(target_network.atoms.index(0));
        const tz = next_atoms.clamp(v_min, v_max);
        const b = tz.sub(v_min).div(delta_z);
        const l = b.floor().clamp(0, n_atoms - 1);
        const u = b.ceil().clamp(0, n_atoms - 1);
        const d_m_l = u.add(l.eq(u).float()).sub(b).mul(next_pmfs);
        const d_m_u = b.sub(l).mul(next_pmfs);
        const target_pmfs = torch.zeros_like(next_pmfs);
        for (let i = 0; i < target_pmfs.size(0); i++) {
          target_pmfs.index(i).index_add_(0, l.index(i).long(), d_m_l.index(i));
          target_pmfs.index(i).index_add_(0, u.index(i).long(), d_m_u.index(i));
        }
        return [target_pmfs, l];
      });
      const [, old_pmfs] = q_network.get_action(observations, actions.flatten());
      const loss = target_pmfs.mul(old_pmfs.clamp({ min: 1e-5, max: 1 - 1e-5 }).log()).neg().sum(-1).mean();
      const old_val = old_pmfs.mul(q_network.atoms).sum(1);
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
      const e = r.steps[global_step];
      expectT(l, e.l, 0);
      expectT(target_pmfs, e.target_pmfs, 1e-5);
      expectNums([loss.item()], [e.loss], 1e-5);
      expectT(old_val, e.old_val, 1e-4);
    }
    expect(q_network.get_action(observations)[0].tolist()).toEqual(r.greedy);
  });

  it("RPO: the mean perturbed by torch.FloatTensor(shape).uniform_(-alpha, alpha) from the global stream", () => {
    const r = ref.rpo;
    torch.manual_seed(1);
    const agent = new ContinuousAgent();
    const rpo_alpha = 0.5;
    const x = torch.randn(4, OBS_DIM);
    let action_mean = agent.actor_mean(x);
    const action_std = torch.exp(agent.actor_logstd.expand_as(action_mean));
    const action = new Normal(action_mean, action_std).sample();
    const z = torch.FloatTensor(action_mean.shape).uniform_(-rpo_alpha, rpo_alpha);
    action_mean = action_mean.add(z);
    const lp = new Normal(action_mean, action_std).log_prob(action).sum(1);
    lp.sum().backward();
    expectT(z, r.z, 1e-6);
    expect([String(z.dtype), z.requires_grad]).toEqual([r.z_dtype, r.z_requires_grad]);
    expectT(lp, r.log_prob, TOL);
    expectT(agent.actor_logstd.grad!, r.actor_logstd_grad, TOL);
  });

  it("ppo_atari_lstm's Agent: orthogonal LSTM weights, the per-step reset of (h, c) by (1 - done), torch's actions and gradients", () => {
    const r = ref.lstm;
    class LstmAgent extends nn.Module {
      network = new nn.Sequential(
        layer_init(new nn.Conv2d(1, 32, 8, { stride: 4 })), new nn.ReLU(),
        layer_init(new nn.Conv2d(32, 64, 4, { stride: 2 })), new nn.ReLU(),
        layer_init(new nn.Conv2d(64, 64, 3, { stride: 1 })), new nn.ReLU(),
        new nn.Flatten(), layer_init(new nn.Linear(64 * 1 * 1, 128)), new nn.ReLU(),
      );
      lstm = new nn.LSTM(128, 32);
      actor: InstanceType<typeof nn.Linear>;
      critic: InstanceType<typeof nn.Linear>;
      constructor() {
        super();
        for (const [name, param] of this.lstm.named_parameters()) {
          if (name.includes("bias")) nn.init.constant_(param, 0);
          else if (name.includes("weight")) nn.init.orthogonal_(param, 1.0);
        }
        this.actor = layer_init(new nn.Linear(32, N_ACTIONS), 0.01);
        this.critic = layer_init(new nn.Linear(32, 1), 1);
      }
      get_states(x: Tensor, lstm_state: [Tensor, Tensor], done: Tensor): [Tensor, [Tensor, Tensor]] {
        let hidden = this.network(x.div(255.0));
        const batch_size = lstm_state[0].shape[1];
        hidden = hidden.reshape(-1, batch_size, this.lstm.input_size);
        done = done.reshape(-1, batch_size);
        const new_hidden: Tensor[] = [];
        for (let k = 0; k < hidden.shape[0]; k++) {
          const d = done.index(k);
          const keep = d.neg().add(1.0).view(1, -1, 1);
          let h: Tensor;
          [h, lstm_state] = this.lstm(hidden.index(k).unsqueeze(0), [keep.mul(lstm_state[0]), keep.mul(lstm_state[1])]) as [Tensor, [Tensor, Tensor]];
          new_hidden.push(h);
        }
        return [torch.flatten(torch.cat(new_hidden), 0, 1), lstm_state];
      }
      get_action_and_value(x: Tensor, lstm_state: [Tensor, Tensor], done: Tensor, action: Tensor | null = null) {
        const [hidden, state] = this.get_states(x, lstm_state, done);
        const probs = new Categorical({ logits: this.actor(hidden) });
        if (action === null) action = probs.sample();
        return [action, probs.log_prob(action), probs.entropy(), this.critic(hidden), state] as const;
      }
    }
    torch.manual_seed(1);
    const agent = new LstmAgent();
    const num_envs = 2;
    const next_lstm_state: [Tensor, Tensor] = [
      torch.zeros(agent.lstm.num_layers, num_envs, agent.lstm.hidden_size),
      torch.zeros(agent.lstm.num_layers, num_envs, agent.lstm.hidden_size),
    ];
    const g = new torch.Generator().manual_seed(17);
    const x = torch.randint(0, 256, [4, 1, 36, 36], { generator: g }).float(); // 84 x 84 frames cut to 36 x 36
    const done = torch.tensor([0.0, 0.0, 1.0, 0.0]);
    const [action, logprob, entropy, value, [h_n, c_n]] = agent.get_action_and_value(x, next_lstm_state, done);
    logprob.sum().add(value.sum()).backward();
    const w_hh = agent.lstm.weight_hh_l0 as Tensor;
    expect([...agent.lstm.named_parameters()].map(([n]) => n)).toEqual(r.param_names);
    expectT(w_hh.T.matmul(w_hh).index(":3", ":3"), r.w_hh_gram, 1e-5);
    expectT((agent.lstm.weight_ih_l0 as Tensor).index(0, ":6"), r.w_ih_row0, 1e-5);
    expect(action.tolist()).toEqual(r.action);
    expectT(logprob, r.logprob, TOL);
    expectT(entropy, r.entropy, TOL);
    expectT(value, r.value, TOL);
    expectT(h_n.index(0, ":", ":5"), r.h_n, TOL);
    expectT(c_n.index(0, ":", ":5"), r.c_n, TOL);
    expectT(w_hh.grad!.index(":4", ":4"), r.w_hh_grad, 1e-3);
    expectT(agent.state_dict({ keep_vars: true })["network.0.bias"].grad!.index(":6"), r.conv0_bias_grad, 1e-3);
    expectT(agent.actor.weight.grad!.index(":", ":6"), r.actor_weight_grad, 1e-3);
  });
});

describe("cleanrl: a learner's mistakes raise torch's errors", () => {
  const e = ref.errors;
  it("distributions: Categorical(logits) read as probs, a negative std, an action of the wrong shape; sample vs rsample", () => {
    torch.manual_seed(2);
    const logits = torch.randn(2, 3);
    expect(thrown(() => new Categorical(logits))).toEqual(e.categorical_positional_logits);
    expect(thrown(() => new Normal(torch.zeros(2, 1), torch.tensor([[1.0], [-0.5]])))).toEqual(e.normal_negative_std);
    expect(thrown(() => new Normal(torch.zeros(4, 2), torch.ones(4, 2)).log_prob(torch.zeros(4, 3)))).toEqual(e.normal_log_prob_shape);
    expect(thrown(() => torch.normal(0, torch.tensor([0.1, -0.1])))).toEqual(e.normal_negative_std_sample);
    torch.manual_seed(0);
    const c = new Categorical({ logits: torch.randn(3, 2) });
    expectT(c.log_prob(torch.tensor([[1], [0], [1]], { dtype: torch.int64 })), e.categorical_action_column, 1e-6); // a [B, 1] action column broadcasts to [B, B]
    expect(thrown(() => new Normal(torch.zeros(3), torch.ones(3)).log_prob(torch.zeros(3)).sum(1))).toEqual(e.sum1_of_1d);
    expect(thrown(() => torch.zeros(2, 2).copy_(torch.zeros(3)))).toEqual(e.copy_shape);
    const d = new Normal(torch.zeros(2, { requires_grad: true }), torch.ones(2));
    expect([d.sample().requires_grad, d.rsample().requires_grad]).toEqual(e.sample_vs_rsample_requires_grad);
  });

  it("init, soft updates, optimizers and clipping: orthogonal_ on a bias, copy_ without .data, Adam on a non-leaf, non-finite norms", () => {
    expect(thrown(() => nn.init.orthogonal_(new nn.Linear(3, 2).bias!, Math.sqrt(2)))).toEqual(e.orthogonal_bias);
    const net = new nn.Linear(2, 2), tgt = new nn.Linear(2, 2);
    expect(thrown(() => {
      const ps = [...net.parameters()], tps = [...tgt.parameters()];
      ps.forEach((p, i) => tps[i].copy_(p.mul(0.5).add(tps[i].mul(0.5))));
    })).toEqual(e.soft_update_without_data);
    const la = torch.zeros(1, { requires_grad: true });
    expect(thrown(() => new optim.Adam([la.exp()], { lr: 1e-3 }))).toEqual(e.adam_non_leaf);
    torch.manual_seed(4);
    const p = new nn.Parameter(torch.randn(3));
    p.mul(torch.tensor([1e30, 1e30, Infinity])).sum().backward();
    expect(thrown(() => nn.utils.clip_grad_norm_([p], 0.5, { error_if_nonfinite: true }))).toEqual(e.clip_grad_nonfinite);
    p.grad = torch.tensor([3.0, 4.0, 0.0]);
    const [norm, grad] = e.clip_grad_norm_value as [number, TJ];
    expect(nn.utils.clip_grad_norm_([p], 0.5).item()).toBe(norm);
    expectT(p.grad, grad, 1e-7);
  });

  it("mse_loss of a [B, 1] prediction against a [B] target (view(-1) forgotten) broadcasts with torch's UserWarning", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const q = torch.arange(4.0).view(4, 1);
    const target = torch.tensor([1.0, 0.0, 2.0, 5.0]);
    const val = F.mse_loss(q, target);
    const msgs = warn.mock.calls.map((c) => String(c[0]));
    warn.mockRestore();
    expect(val.item()).toBe(e.mse_without_view.value);
    expect(msgs).toEqual(e.mse_without_view.warnings);
  });
});
