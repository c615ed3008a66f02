/**
 * A probe of RL and meta-learning homework code, translated as a learner would: Berkeley CS285
 * (berkeleydeeprlcourse/homework_fall2022: infrastructure/pytorch_util.py's build_mlp with its activation lookup, and a
 * submission's `[nn.Linear(size, size), activation] * (n_layers - 1)` that repeats one Linear; policies/MLP_policy.py's
 * discrete Categorical(logits=...) policy and the continuous one with a learned logstd nn.Parameter, torch.diag(exp)
 * repeated into a batched scale_tril for MultivariateNormal, get_action under no_grad, the PG update by
 * -(log_prob * advantages).sum() and the nn baseline fitted to normalised q-values with MSELoss; the discounted return /
 * reward-to-go (flip-cumsum-flip and the loop), GAE; homework_fall2023's Normal policy with log_prob(...).sum(-1), its
 * Independent / tanh-transformed distributions and the SAC actor's rsample; hw3's DQN critic with gather, the double-Q
 * argmax, SmoothL1Loss, clip_grad_norm_ and the target copy through .data.copy_; hw3 fall2022's SAC: a hand-written
 * TanhTransform subclassing distributions.transforms.Transform (_call, _inverse, the stable log_abs_det_jacobian),
 * SquashedNormal subclassing TransformedDistribution with its own mean, twin Q critics on torch.cat([obs, action]),
 * soft_update_params, the temperature on log_alpha), and MAML from scratch
 * (dragen1860/MAML-Pytorch learner.py / meta.py: the config-driven Learner with nn.ParameterList, kaiming_normal_ on
 * ones, running stats as requires_grad=False Parameters, F.conv2d / F.batch_norm / F.linear with explicit weights,
 * the inner steps by torch.autograd.grad without create_graph, the meta update with Adam, deepcopy for finetuning;
 * Stanford CS330 hw2's dict-of-parameters MAML: xavier_uniform_ on torch.empty(..., requires_grad=True),
 * F.conv2d(padding='same'), F.batch_norm(x, None, None, training=True), learned per-parameter inner learning rates,
 * torch.autograd.grad(loss, parameters.values(), create_graph=True) and the first-order variant; the same on an
 * nn.Module through torch.nn.utils.stateless.functional_call with a params dict), plus the mistakes a
 * learner typically makes there (autograd.grad twice, an unused input, a non-scalar output, an in-place leaf update,
 * batch_norm without running stats in eval mode, MultivariateNormal's scale argument errors, gather's index errors).
 * Values from torch 1.13 running the same code: scripts/fixtures/rl_meta_homework_fixtures.py -> rl_meta_homework.json.
 * Not repeated: cleanrl.test.ts (PPO / SAC / DQN of cleanrl), reinforce6.test.ts, sciml.test.ts's MAML sine gist.
 * Gaps found and fixed (core/rl_meta_homework_gaps.test.ts): MultivariateNormal's 'scale_tril matrix' text; F.conv*d's
 * "Invalid padding string: 'full'" and argument-type errors, F.conv_transpose*d's int[] TypeErrors; functional_call's
 * AttributeError; the in-place version error naming a saved input's current grad_fn; sub_ recording SubBackward0;
 * torch.where's non-bool condition text; logsumexp without dim.
 *
 * Python forms written otherwise: itertools.chain([logstd], net.parameters()) -> [logstd, ...net.parameters()];
 * dict comprehensions -> Object.fromEntries; zip(...) -> index loops; `list(map(lambda p: p[1] - lr * p[0], zip(g, w)))`
 * -> w.map((p, i) => p.sub(g[i].mul(lr))); Learner.parameters() overridden to return [...this.vars] (TypeScript types
 * parameters() as Parameter[]); obs[None] -> unsqueeze(0); `name is 'conv2d'` -> ===; numpy's np.append -> torch.cat;
 * integer lists for torch.tensor get { dtype: torch.long } (a JavaScript number list is float32 in the engine);
 * the Transform's class attributes domain / codomain / bijective / sign -> getters (the base class declares accessors);
 * SquashedNormal's `self.loc = loc` before super().__init__ -> constructor parameter properties (set after super);
 * torch.tensor(np.log(t)) (float64 from NumPy) -> torch.tensor(Math.log(t), { dtype: torch.float64 });
 * functional_call's result is typed unknown: `as Tensor`; `@property alpha` -> a getter.
 * Kept visible: a second autograd.grad through a freed graph has torch's message up to its retain_graph advice, then
 * the engine's own hint naming the keyword form and the freed node (as dataflowr / fastbook / udlbook note).
 */
import { describe, expect, it, vi } from "vitest";
import { F, copy, nn, optim, torch, type Tensor } from "../../../../lib/tensor/index";
import { forgetShownWarnings } from "../../../../lib/tensor/warnings";
import { expectNums, expectT, raised, tutorialFixture } from "./helpers";

const ref = tutorialFixture<Record<string, any>>("rl_meta_homework.json"); // eslint-disable-line @typescript-eslint/no-explicit-any
const D = torch.distributions;
const TOL = 2e-4;

// ============================================ CS285 build_mlp ============================================
const _str_to_activation: Record<string, nn.Module> = {
  relu: new nn.ReLU(),
  tanh: new nn.Tanh(),
  leaky_relu: new nn.LeakyReLU(),
  sigmoid: new nn.Sigmoid(),
  selu: new nn.SELU(),
  softplus: new nn.Softplus(),
  identity: new nn.Identity(),
};

function build_mlp(input_size: number, output_size: number, n_layers: number, size: number, activation: string | nn.Module = "tanh", output_activation: string | nn.Module = "identity"): nn.Sequential {
  if (typeof activation === "string") activation = _str_to_activation[activation];
  if (typeof output_activation === "string") output_activation = _str_to_activation[output_activation];
  const layers: nn.Module[] = [];
  let in_size = input_size;
  for (let i = 0; i < n_layers; i++) {
    layers.push(new nn.Linear(in_size, size));
    layers.push(activation);
    in_size = size;
  }
  layers.push(new nn.Linear(in_size, output_size));
  layers.push(output_activation);
  return new nn.Sequential(...layers);
}

function build_mlp_shared(input_size: number, output_size: number, n_layers: number, size: number, activation = "tanh", output_activation = "identity"): nn.Sequential {
  const act = _str_to_activation[activation];
  const out_act = _str_to_activation[output_activation];
  const pair = [new nn.Linear(size, size), act];
  const backbone: nn.Module[] = [];
  for (let i = 0; i < n_layers - 1; i++) backbone.push(...pair);
  return new nn.Sequential(new nn.Linear(input_size, size), act, ...backbone, new nn.Linear(size, output_size), out_act);
}

describe("CS285 build_mlp", () => {
  it("the MLP, its repr, and a backbone that repeats one Linear (shared weights, parameters() deduplicated)", () => {
    const r = ref.build_mlp;
    torch.manual_seed(0);
    const mlp = build_mlp(4, 2, 2, 8);
    const shared = build_mlp_shared(4, 2, 3, 8, "relu");
    const x = torch.randn(5, 4);
    expect(String(mlp)).toBe(r.repr);
    expect(mlp.parameters().length).toBe(r.n_params);
    expectT(mlp(x), r.out, 1e-5);
    expect(String(shared)).toBe(r.shared_repr);
    expect(shared.parameters().length).toBe(r.shared_n_params);
    expect(Object.keys(shared.state_dict())).toEqual(r.shared_state_keys);
    expect(shared[2] === shared[4]).toBe(r.shared_same);
    expectT(shared(x), r.shared_out, 1e-5);
  });
});

// ============================================ CS285 policies ============================================
function rollout_obs(seed: number, n: number, ob_dim: number): Tensor {
  const g = new torch.Generator().manual_seed(seed);
  return torch.randn([n, ob_dim], { generator: g });
}

class MLPPolicy extends nn.Module {
  logits_na: nn.Sequential | null;
  mean_net: nn.Sequential | null;
  logstd: nn.Parameter | null;
  baseline: nn.Sequential | null;
  optimizer: optim.Adam;
  baseline_optimizer?: optim.Adam;
  baseline_loss = new nn.MSELoss();
  constructor(readonly ac_dim: number, readonly ob_dim: number, n_layers: number, size: number, readonly discrete = false, learning_rate = 1e-2, readonly nn_baseline = false) {
    super();
    if (discrete) {
      this.logits_na = build_mlp(ob_dim, ac_dim, n_layers, size);
      this.mean_net = null;
      this.logstd = null;
      this.optimizer = new optim.Adam(this.logits_na.parameters(), learning_rate);
    } else {
      this.logits_na = null;
      this.mean_net = build_mlp(ob_dim, ac_dim, n_layers, size);
      this.logstd = new nn.Parameter(torch.zeros(ac_dim, { dtype: torch.float32 }));
      this.optimizer = new optim.Adam([this.logstd, ...this.mean_net.parameters()], learning_rate);
    }
    if (nn_baseline) {
      this.baseline = build_mlp(ob_dim, 1, n_layers, size);
      this.baseline_optimizer = new optim.Adam(this.baseline.parameters(), learning_rate);
    } else {
      this.baseline = null;
    }
  }
  get_action(obs: Tensor): Tensor {
    const observation = obs.shape.length > 1 ? obs : obs.unsqueeze(0);
    return torch.no_grad(() => this.forward(observation).sample());
  }
  forward(observation: Tensor): InstanceType<typeof D.Categorical> | InstanceType<typeof D.MultivariateNormal> {
    if (this.discrete) {
      const logits = this.logits_na!(observation);
      return new D.Categorical({ logits });
    }
    const batch_mean = this.mean_net!(observation);
    const scale_tril = torch.diag(torch.exp(this.logstd!));
    const batch_dim = batch_mean.shape[0];
    const batch_scale_tril = scale_tril.repeat(batch_dim, 1, 1);
    return new D.MultivariateNormal(batch_mean, { scale_tril: batch_scale_tril });
  }
  update(observations: Tensor, actions: Tensor, advantages: Tensor, q_values: Tensor | null = null) {
    const dist = this.forward(observations);
    const log_pi = dist.log_prob(actions);
    const loss = log_pi.mul(advantages).sum().neg();
    this.optimizer.zero_grad();
    loss.backward();
    this.optimizer.step();
    const out: { loss: number; baseline_loss?: number } = { loss: loss.item() };
    if (this.nn_baseline) {
      const targets = q_values!.sub(q_values!.mean()).div(q_values!.std().add(1e-8));
      const baseline_predictions = this.baseline!(observations).squeeze();
      const baseline_loss = this.baseline_loss(baseline_predictions, targets);
      this.baseline_optimizer!.zero_grad();
      baseline_loss.backward();
      this.baseline_optimizer!.step();
      out.baseline_loss = baseline_loss.item();
    }
    return out;
  }
}

function discounted_return(rewards: Tensor, gamma: number): Tensor {
  const discounts = torch.pow(gamma, torch.arange(rewards.shape[0], { dtype: torch.float32 }));
  const ret = discounts.mul(rewards).sum();
  return ret.repeat(rewards.shape[0]);
}

function discounted_cumsum(rewards: Tensor, gamma: number): Tensor {
  const n = rewards.shape[0];
  const discounts = torch.pow(gamma, torch.arange(n, { dtype: torch.float32 }));
  return torch.flip(torch.cumsum(torch.flip(rewards.mul(discounts), [0]), 0), [0]).div(discounts);
}

function discounted_cumsum_loop(rewards: Tensor, gamma: number): Tensor {
  const out = torch.zeros_like(rewards);
  let running: Tensor | number = 0.0;
  for (let t = rewards.shape[0] - 1; t >= 0; t--) {
    running = rewards.index(t).add(torch.mul(running as Tensor, gamma));
    out.index_put_([t], running);
  }
  return out;
}

function gae(rewards: Tensor, values: Tensor, terminals: Tensor, gamma: number, lam: number): Tensor {
  const batch_size = rewards.shape[0];
  values = torch.cat([values, torch.zeros(1)]);
  const advantages = torch.zeros(batch_size + 1);
  for (let i = batch_size - 1; i >= 0; i--) {
    const notdone = terminals.index(i).neg().add(1);
    const delta = rewards.index(i).add(values.index(i + 1).mul(gamma).mul(notdone)).sub(values.index(i));
    advantages.index_put_([i], delta.add(notdone.mul(gamma * lam).mul(advantages.index(i + 1))));
  }
  return advantages.index(":-1");
}

describe("CS285 returns, policies and the DQN critic", () => {
  torch.manual_seed(1);
  const rewards = torch.rand(6);
  const terminals = torch.tensor([0, 0, 1, 0, 0, 1]);
  const values = torch.randn(6);

  it("discounted return, reward-to-go (flip/cumsum and the loop), GAE and normalised advantages", () => {
    const r = ref.returns;
    expectT(rewards, r.rewards, 1e-6);
    expectT(values, r.values, 1e-6);
    expectT(discounted_return(rewards, 0.9), r.discounted_return, 1e-5);
    expectT(discounted_cumsum(rewards, 0.9), r.rtg, 1e-5);
    expectT(discounted_cumsum_loop(rewards, 0.9), r.rtg_loop, 1e-5);
    const adv = gae(rewards, values, terminals.float(), 0.99, 0.95);
    expectT(adv, r.gae, 1e-5);
    expectT(adv.sub(torch.mean(adv)).div(torch.std(adv).add(1e-8)), r.normalized, 1e-5);
  });

  it("discrete PG with an nn baseline: sampled actions, losses and parameters over three updates", () => {
    const r = ref.pg_discrete;
    torch.manual_seed(2);
    const pol = new MLPPolicy(3, 4, 2, 8, true, 1e-2, true);
    const obs = rollout_obs(10, 6, 4);
    for (let it = 0; it < 3; it++) {
      const acts = pol.get_action(obs);
      const q = discounted_cumsum(rewards, 0.9);
      let base = pol.baseline!(obs).squeeze().detach();
      base = base.mul(q.std()).add(q.mean());
      const advantages = q.sub(base);
      const info = pol.update(obs, acts, advantages, q);
      const s = r.steps[it];
      expect(acts.tolist()).toEqual(s.actions);
      expectNums([info.loss, info.baseline_loss!], [s.loss, s.baseline_loss], TOL);
      expectT(advantages, s.advantages, TOL);
    }
    expect(pol.get_action(obs.index(0)).tolist()).toEqual(r.single_action);
    expectT((pol.logits_na![4] as nn.Linear).bias!, r.last_bias, TOL);
    expectT((pol.baseline![4] as nn.Linear).bias!, r.baseline_bias, TOL);
  });

  it("continuous PG: MultivariateNormal with a batched scale_tril from a learned logstd", () => {
    const r = ref.pg_continuous;
    torch.manual_seed(3);
    const cpol = new MLPPolicy(2, 4, 1, 8, false);
    const obs = rollout_obs(10, 6, 4);
    for (let it = 0; it < 3; it++) {
      cpol.forward(obs);
      const acts = cpol.get_action(obs);
      const info = cpol.update(obs, acts, rewards);
      expectT(acts, r.steps[it].actions, TOL);
      expectNums([info.loss], [r.steps[it].loss], TOL);
    }
    const d = cpol.forward(obs.index(":2")) as InstanceType<typeof D.MultivariateNormal>;
    expectT(cpol.logstd!, r.logstd, TOL);
    expectT(d.entropy(), r.entropy, TOL);
    expect([...d.batch_shape]).toEqual(r.batch_shape);
    expect([...d.event_shape]).toEqual(r.event_shape);
    expect([...d.scale_tril.shape]).toEqual(r.scale_tril_shape);
    expectT(d.covariance_matrix, r.covariance, TOL);
    expectT(d.mean, r.mean, TOL);
    expectT(d.rsample(), r.rsample, TOL);
    expect(String(new D.MultivariateNormal(torch.zeros(2), { scale_tril: torch.eye(2) }))).toBe(r.repr);
    expect(cpol.optimizer.param_groups.map((g) => g.params.length)).toEqual(r.optimizer_sizes);
  });

  it("hw2 fall2023's Normal policy: log_prob summed over the action dimension", () => {
    const r = ref.normal_policy;
    torch.manual_seed(4);
    const mean_net = build_mlp(4, 2, 1, 8);
    const logstd = new nn.Parameter(torch.zeros(2));
    const opt = new optim.Adam([logstd, ...mean_net.parameters()], 1e-2);
    const obs = rollout_obs(10, 6, 4);
    for (let it = 0; it < 3; it++) {
      const dist = new D.Normal(mean_net(obs), torch.exp(logstd));
      const acts = dist.sample();
      const loss = dist.log_prob(acts).sum({ dim: -1 }).mul(rewards).mean().neg();
      opt.zero_grad();
      loss.backward();
      opt.step();
      expectT(acts, r.steps[it].actions, TOL);
      expectNums([loss.item()], [r.steps[it].loss], TOL);
      expectT(logstd.grad!, r.steps[it].logstd_grad, TOL);
    }
    expectT(logstd, r.logstd, TOL);
  });

  it("hw3 fall2023's SAC actor: Independent(Normal) under a TanhTransform, rsample and its log_prob", () => {
    const r = ref.sac;
    torch.manual_seed(5);
    const mu = torch.randn([3, 2], { requires_grad: true });
    const std = F.softplus(torch.randn(3, 2)).add(1e-2);
    const base = new D.Independent(new D.Normal(mu, std), 1);
    const tanh_d = new D.TransformedDistribution(base, [new D.transforms.TanhTransform({ cache_size: 1 })]);
    const a = tanh_d.rsample();
    const lp = tanh_d.log_prob(a);
    const entropy_est = lp.mean().neg();
    entropy_est.backward();
    expectT(a, r.action, TOL);
    expectT(lp, r.log_prob, TOL);
    expectT(mu.grad!, r.mu_grad, TOL);
    expect([...base.batch_shape, "|", ...base.event_shape]).toEqual([...r.base_batch_shape, "|", ...r.base_event_shape]);
    expect([...tanh_d.batch_shape, "|", ...tanh_d.event_shape]).toEqual([...r.tanh_batch_shape, "|", ...r.tanh_event_shape]);
    expect(String(base)).toBe(r.base_repr);
    expect(String(new D.Normal(torch.zeros(2), torch.ones(2)))).toBe(r.normal_repr);
    expect(raised(() => tanh_d.entropy())).toEqual(r.no_entropy);
    torch.manual_seed(5);
    expect(tanh_d.sample().requires_grad).toBe(r.sample_requires_grad);
  });

  it("hw3's DQN critic: gather, the double-Q argmax, SmoothL1Loss, clip_grad_norm_ and the target copy", () => {
    const r = ref.dqn;
    torch.manual_seed(6);
    const q_net = build_mlp(4, 3, 1, 8, "relu");
    const target_net = build_mlp(4, 3, 1, 8, "relu");
    target_net.load_state_dict(q_net.state_dict());
    const optimizer = new optim.Adam(q_net.parameters(), 1e-2);
    const loss_fn = new nn.SmoothL1Loss();
    const ob_no = rollout_obs(11, 5, 4);
    const next_ob_no = rollout_obs(12, 5, 4);
    const ac_na = torch.tensor([0, 2, 1, 1, 0], { dtype: torch.long });
    const reward_n = torch.tensor([1.0, 0.0, 0.5, 1.0, 0.0]);
    const terminal_n = torch.tensor([0.0, 0.0, 1.0, 0.0, 1.0]);
    let qa_t_values!: Tensor;
    for (let it = 0; it < 3; it++) {
      qa_t_values = q_net(ob_no);
      const q_t_values = torch.gather(qa_t_values, 1, ac_na.unsqueeze(1)).squeeze(1);
      const qa_tp1_values = target_net(next_ob_no);
      const next_actions = q_net(next_ob_no).argmax({ dim: 1 });
      const q_tp1 = torch.gather(qa_tp1_values, 1, next_actions.unsqueeze(1)).squeeze(1);
      let target = reward_n.add(q_tp1.mul(0.99).mul(terminal_n.neg().add(1)));
      target = target.detach();
      const loss = loss_fn(q_t_values, target);
      optimizer.zero_grad();
      loss.backward();
      const total_norm = nn.utils.clip_grad_norm_(q_net.parameters(), 10);
      optimizer.step();
      if (it === 1) {
        const tps = target_net.parameters(), ps = q_net.parameters();
        tps.forEach((target_param, i) => target_param.data.copy_(ps[i].data));
      }
      const s = r.steps[it];
      expectNums([loss.item(), total_norm.item()], [s.loss, s.norm], TOL);
      expect(next_actions.tolist()).toEqual(s.next_actions);
      expectT(q_t_values, s.q_t, TOL);
    }
    expectT(q_net(next_ob_no).max({ dim: 1 }).values, r.max_values, TOL);
    expect(raised(() => torch.gather(qa_t_values, 1, ac_na.float().unsqueeze(1)))).toEqual(r.gather_float_index);
    expect(raised(() => torch.gather(qa_t_values, 1, ac_na.int().unsqueeze(1)))).toEqual(r.gather_int_index);
    expect(raised(() => torch.gather(qa_t_values, 1, ac_na))).toEqual(r.gather_no_unsqueeze);
    expect(raised(() => torch.gather(qa_t_values, 1, ac_na.add(2).unsqueeze(1)))).toEqual(r.gather_oob);
  });

  it("a learner's mistakes with the policy distributions and the baseline loss", () => {
    const r = ref.policy_errors;
    expect(raised(() => new D.MultivariateNormal(torch.zeros(2), { scale_tril: torch.tensor([[1.0, 1.0], [0.0, 1.0]]) }))).toEqual(r.mvn_not_tril);
    expect(raised(() => new D.MultivariateNormal(torch.zeros(2), { scale_tril: torch.ones(2) }))).toEqual(r.mvn_1d_scale);
    expect(raised(() => new D.MultivariateNormal(torch.zeros(2)))).toEqual(r.mvn_no_scale);
    expect(raised(() => new D.MultivariateNormal(torch.zeros(2), torch.eye(2), { scale_tril: torch.eye(2) }))).toEqual(r.mvn_two_scales);
    expect(raised(() => new D.Normal(torch.zeros(2), torch.tensor([1.0, -1.0])))).toEqual(r.normal_negative_scale);
    expect(raised(() => new D.MultivariateNormal(torch.zeros(3, 2), { scale_tril: torch.eye(2) }).log_prob(torch.zeros(3, 3)))).toEqual(r.mvn_bad_value_shape);
    expect(raised(() => new D.Categorical({ logits: torch.zeros(4, 3) }).log_prob(torch.zeros(5, { dtype: torch.long })))).toEqual(r.categorical_log_prob_shape);
    expect(raised(() => new D.Independent(new D.Normal(torch.zeros(2), torch.ones(2)), 2))).toEqual(r.independent_too_many);
    forgetShownWarnings();
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const v = new nn.MSELoss()(torch.zeros(4, 1), torch.arange(4.0));
    const msgs = warn.mock.calls.map((c) => String(c[0]));
    warn.mockRestore();
    expect(msgs.some((m) => m.includes(r.mse_broadcast_warning[0]))).toBe(true);
    expect(v.item()).toBe(r.mse_broadcast_warning[1]);
  });
});

// ============================================ CS285 hw3 fall2022 SAC ============================================
class TanhTransform extends D.transforms.Transform {
  override get domain() { return D.constraints.real; }
  override get codomain() { return D.constraints.interval(-1.0, 1.0); }
  override get bijective() { return true; }
  override get sign() { return +1; }
  constructor(cache_size = 1) {
    super({ cache_size });
  }
  static atanh(x: Tensor): Tensor {
    return x.log1p().sub(x.neg().log1p()).mul(0.5);
  }
  override equals(other: unknown): boolean {
    return other instanceof TanhTransform;
  }
  override _call(x: Tensor): Tensor {
    return x.tanh();
  }
  override _inverse(y: Tensor): Tensor {
    return TanhTransform.atanh(y);
  }
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- torch's signature (x, y); the stable formula uses x
  override log_abs_det_jacobian(x: Tensor, y: Tensor): Tensor {
    return x.neg().add(Math.log(2.0)).sub(F.softplus(x.mul(-2.0))).mul(2.0);
  }
}

class SquashedNormal extends D.TransformedDistribution {
  constructor(readonly loc: Tensor, readonly scale: Tensor) {
    const base_dist = new D.Normal(loc, scale);
    const transforms = [new TanhTransform()];
    super(base_dist, transforms);
  }
  override get mean(): Tensor {
    let mu = this.loc;
    for (const tr of this.transforms) mu = tr(mu);
    return mu;
  }
}

class SACCritic extends nn.Module {
  Q1: nn.Sequential;
  Q2: nn.Sequential;
  loss = new nn.MSELoss();
  optimizer: optim.Adam;
  constructor(ob_dim: number, ac_dim: number, n_layers: number, size: number, learning_rate: number) {
    super();
    this.Q1 = build_mlp(ob_dim + ac_dim, 1, n_layers, size, "relu");
    this.Q2 = build_mlp(ob_dim + ac_dim, 1, n_layers, size, "relu");
    this.optimizer = new optim.Adam(this.parameters(), learning_rate);
  }
  forward(obs: Tensor, action: Tensor): [Tensor, Tensor] {
    expect(obs.size(0)).toBe(action.size(0));
    const input = torch.cat([obs, action], { dim: -1 });
    return [this.Q1(input), this.Q2(input)];
  }
}

function soft_update_params(net: nn.Module, target_net: nn.Module, tau: number): void {
  const ps = net.parameters(), tps = target_net.parameters();
  ps.forEach((param, i) => tps[i].data.copy_(param.data.mul(tau).add(tps[i].data.mul(1 - tau))));
}

class MLPPolicySAC extends nn.Module {
  mean_net: nn.Sequential;
  logstd: nn.Parameter;
  optimizer: optim.Adam;
  log_alpha: Tensor;
  log_alpha_optimizer: optim.Adam;
  target_entropy: number;
  constructor(ac_dim: number, ob_dim: number, n_layers: number, size: number, learning_rate = 3e-3,
    readonly log_std_bounds: [number, number] = [-20, 2], readonly action_range: [number, number] = [-1, 1], init_temperature = 1.0) {
    super();
    this.mean_net = build_mlp(ob_dim, ac_dim, n_layers, size);
    this.logstd = new nn.Parameter(torch.zeros(ac_dim, { dtype: torch.float32 }));
    this.optimizer = new optim.Adam([this.logstd, ...this.mean_net.parameters()], learning_rate);
    this.log_alpha = torch.tensor(Math.log(init_temperature), { dtype: torch.float64 });
    this.log_alpha.requires_grad = true;
    this.log_alpha_optimizer = new torch.optim.Adam([this.log_alpha], { lr: learning_rate });
    this.target_entropy = -ac_dim;
  }
  get alpha(): Tensor {
    return this.log_alpha.exp();
  }
  get_action(obs: Tensor, sample = true): Tensor {
    const observation = obs.shape.length > 1 ? obs : obs.unsqueeze(0);
    const distribution = this.forward(observation);
    const action = sample ? distribution.sample() : distribution.mean;
    return action.clamp(...this.action_range);
  }
  forward(observation: Tensor): SquashedNormal {
    const batch_mean = this.mean_net(observation);
    let log_std = torch.tanh(this.logstd);
    log_std = log_std.clamp(...this.log_std_bounds);
    const std = torch.exp(log_std);
    return new SquashedNormal(batch_mean, std);
  }
  update(obs: Tensor, critic: SACCritic): [number, number, Tensor] {
    const dist = this.forward(obs);
    const a_tilda = dist.rsample();
    const log_prob = dist.log_prob(a_tilda);
    const actor_loss = torch.min(...critic(obs, a_tilda)).sub(this.alpha.detach().mul(log_prob)).mean().neg();
    this.optimizer.zero_grad();
    actor_loss.backward();
    this.optimizer.step();
    this.log_alpha_optimizer.zero_grad();
    const alpha_loss = this.alpha.mul(log_prob.add(this.target_entropy).detach()).mean().neg();
    alpha_loss.backward();
    this.log_alpha_optimizer.step();
    return [actor_loss.item() as number, alpha_loss.item() as number, this.alpha];
  }
}

describe("CS285 hw3 fall2022 SAC: a hand-written TanhTransform, SquashedNormal, twin critics", () => {
  it("three critic / actor / temperature updates, the squashed mean, and the transform's pieces", () => {
    const r = ref.sac2022;
    torch.manual_seed(13);
    const actor = new MLPPolicySAC(2, 3, 1, 8);
    const critic = new SACCritic(3, 2, 1, 8, 3e-3);
    const critic_target = new SACCritic(3, 2, 1, 8, 3e-3);
    critic_target.load_state_dict(critic.state_dict());
    const obs = rollout_obs(30, 5, 3);
    const next_obs = rollout_obs(31, 5, 3);
    const rew = torch.linspace(-1, 1, 5).unsqueeze(1);
    const done = torch.tensor([[0.0], [0.0], [1.0], [0.0], [0.0]]);
    for (let it = 0; it < 3; it++) {
      const next_dist = actor.forward(next_obs);
      const next_a = next_dist.rsample();
      const next_lp = next_dist.log_prob(next_a).sum(-1, { keepdim: true });
      const target_q = torch.min(...critic_target(next_obs, next_a)).sub(actor.alpha.detach().mul(next_lp));
      const target = rew.add(done.neg().add(1).mul(0.99).mul(target_q)).detach();
      const [q1, q2] = critic(obs, actor.get_action(obs).detach());
      const critic_loss = critic.loss(q1, target).add(critic.loss(q2, target));
      critic.optimizer.zero_grad();
      critic_loss.backward();
      critic.optimizer.step();
      soft_update_params(critic, critic_target, 0.05);
      const [actor_loss, alpha_loss, alpha] = actor.update(obs, critic);
      const s = r.steps[it];
      expectNums([critic_loss.item() as number, actor_loss, alpha_loss, alpha.item() as number], [s.critic_loss, s.actor_loss, s.alpha_loss, s.alpha], TOL);
      expectT(target, s.target, TOL);
    }
    expectT(actor.forward(obs.index(":2")).mean, r.mean, TOL);
    expectT(actor.get_action(obs.index(0), false), r.greedy, TOL);
    expectT((critic_target.Q1[2] as nn.Linear).bias!, r.target_q1_bias, TOL);
    expect(String(actor.log_alpha.dtype)).toBe(r.log_alpha_dtype);
    const tt = new TanhTransform();
    const xs = torch.tensor([-2.0, -0.5, 0.0, 0.5, 2.0]);
    expectT(tt(xs), r.tanh_call, 1e-6);
    expectT(tt.inv(torch.tensor([-0.9, 0.0, 0.5])), r.tanh_inv, 1e-6);
    expectT(tt.log_abs_det_jacobian(xs, tt(xs)), r.tanh_ladj, 1e-6);
    expect(tt.event_dim).toBe(r.event_dim);
    expect(String(tt.codomain)).toBe(r.codomain);
    expectT(actor.forward(obs.index(":2")).support!.check(torch.tensor([-1.5, 0.5])), r.support_check, 0);
  });
});

// ============================================ MAML through functional_call ============================================
describe("MAML on an nn.Module through torch.nn.utils.stateless.functional_call", () => {
  it("second-order inner steps on a params dict, three meta steps with Adam", () => {
    const r = ref.functional_call;
    const { functional_call } = torch.nn.utils.stateless;
    torch.manual_seed(14);
    const model = new nn.Sequential(new nn.Linear(2, 8), new nn.ReLU(), new nn.Linear(8, 1));
    const meta_opt = new optim.Adam(model.parameters(), 1e-2);
    const [xs_, ys_] = [torch.randn(6, 2), torch.randn(6, 1)];
    const [xq_, yq_] = [torch.randn(6, 2), torch.randn(6, 1)];
    const meta_losses: number[] = [];
    let first_grad!: Tensor;
    for (let step = 0; step < 3; step++) {
      let params: Record<string, Tensor> = Object.fromEntries(model.named_parameters());
      for (let k = 0; k < 2; k++) {
        const loss = F.mse_loss(functional_call(model, params, [xs_]) as Tensor, ys_);
        const grads = torch.autograd.grad(loss, Object.values(params), { create_graph: true });
        params = Object.fromEntries(Object.entries(params).map(([name, p], i) => [name, p.sub(grads[i]!.mul(0.1))]));
      }
      const meta_loss = F.mse_loss(functional_call(model, params, [xq_]) as Tensor, yq_);
      meta_opt.zero_grad();
      meta_loss.backward();
      if (step === 0) first_grad = (model[0] as nn.Linear).weight.grad!.clone();
      meta_opt.step();
      meta_losses.push(meta_loss.item() as number);
    }
    expectNums(meta_losses, r.meta_losses, TOL);
    expectT(first_grad, r.first_grad, 5e-4);
    expectT((model[2] as nn.Linear).weight, r.w2, TOL);
    expect(raised(() => functional_call(model, { "fc.weight": torch.zeros(8, 2) }, [xs_]))).toEqual(r.unknown_key);
  });
});

// ============================================ MAML: dragen1860 ============================================
type Cfg = [string, (number | boolean)[]][];
const config: Cfg = [
  ["conv2d", [4, 1, 3, 3, 2, 0]],
  ["relu", [true]],
  ["bn", [4]],
  ["flatten", []],
  ["linear", [3, 4 * 3 * 3]],
];

class Learner extends nn.Module {
  vars = new nn.ParameterList();
  vars_bn = new nn.ParameterList();
  constructor(readonly config: Cfg) {
    super();
    for (const [name, p] of this.config) {
      const param = p as number[];
      if (name === "conv2d") {
        const w = new nn.Parameter(torch.ones(...param.slice(0, 4)));
        torch.nn.init.kaiming_normal_(w);
        this.vars.append(w);
        this.vars.append(new nn.Parameter(torch.zeros(param[0])));
      } else if (name === "linear") {
        const w = new nn.Parameter(torch.ones(...param));
        torch.nn.init.kaiming_normal_(w);
        this.vars.append(w);
        this.vars.append(new nn.Parameter(torch.zeros(param[0])));
      } else if (name === "bn") {
        const w = new nn.Parameter(torch.ones(param[0]));
        this.vars.append(w);
        this.vars.append(new nn.Parameter(torch.zeros(param[0])));
        const running_mean = new nn.Parameter(torch.zeros(param[0]), { requires_grad: false });
        const running_var = new nn.Parameter(torch.ones(param[0]), { requires_grad: false });
        this.vars_bn.extend([running_mean, running_var]);
      } else if (!["relu", "flatten"].includes(name)) {
        throw new Error("NotImplementedError");
      }
    }
  }
  override extra_repr(): string {
    let info = "";
    for (const [name, param] of this.config) {
      if (name === "conv2d") info += `conv2d:(ch_in:${param[1]}, ch_out:${param[0]}, k:${param[2]}x${param[3]}, stride:${param[4]}, padding:${param[5]})\n`;
      else if (name === "linear") info += `linear:(in:${param[1]}, out:${param[0]})\n`;
      else if (["flatten", "relu", "bn"].includes(name)) info += `${name}:(${param.map((v) => (v === true ? "True" : v === false ? "False" : String(v))).join(", ")}${param.length === 1 ? "," : ""})\n`;
    }
    return info;
  }
  forward(x: Tensor, vars: Tensor[] | null = null, bn_training = true): Tensor {
    if (vars === null) vars = [...this.vars];
    let idx = 0, bn_idx = 0;
    for (const [name, p] of this.config) {
      const param = p as number[];
      if (name === "conv2d") {
        const [w, b] = [vars[idx], vars[idx + 1]];
        x = F.conv2d(x, w, b, { stride: param[4], padding: param[5] });
        idx += 2;
      } else if (name === "linear") {
        x = F.linear(x, vars[idx], vars[idx + 1]);
        idx += 2;
      } else if (name === "bn") {
        const [w, b] = [vars[idx], vars[idx + 1]];
        const [running_mean, running_var] = [this.vars_bn[bn_idx], this.vars_bn[bn_idx + 1]];
        x = F.batch_norm(x, running_mean, running_var, { weight: w, bias: b, training: bn_training });
        idx += 2;
        bn_idx += 2;
      } else if (name === "flatten") {
        x = x.view(x.size(0), -1);
      } else if (name === "relu") {
        x = F.relu(x, { inplace: p[0] as boolean });
      }
    }
    expect(idx).toBe(vars.length);
    expect(bn_idx).toBe(this.vars_bn.length);
    return x;
  }
  override parameters(): nn.Parameter[] {
    return [...this.vars];
  }
}

function tasks(seed: number, task_num: number, setsz: number, querysz: number, n_way = 3): [Tensor, Tensor, Tensor, Tensor] {
  const g = new torch.Generator().manual_seed(seed);
  const make = (n: number): [Tensor, Tensor] => {
    const y = torch.arange(n).remainder(n_way).repeat(task_num, 1);
    const x = torch.rand([task_num, n, 1, 7, 7], { generator: g }).mul(0.5);
    for (let i = 0; i < task_num; i++) for (let j = 0; j < n; j++) x.index(i, j, 0, 2 * (y.index(i, j).item() as number)).add_(0.5);
    return [x, y];
  };
  const [x_spt, y_spt] = make(setsz);
  const [x_qry, y_qry] = make(querysz);
  return [x_spt, y_spt, x_qry, y_qry];
}

class Meta extends nn.Module {
  net: Learner;
  meta_optim: optim.Adam;
  constructor(config: Cfg, readonly update_lr = 0.4, readonly meta_lr = 1e-2, readonly update_step = 2) {
    super();
    this.net = new Learner(config);
    this.meta_optim = new optim.Adam(this.net.parameters(), { lr: this.meta_lr });
  }
  forward(x_spt: Tensor, y_spt: Tensor, x_qry: Tensor, y_qry: Tensor): [number[], number[]] {
    const [task_num] = x_spt.size();
    const querysz = x_qry.size(1);
    const losses_q: (Tensor | number)[] = Array(this.update_step + 1).fill(0);
    const corrects: number[] = Array(this.update_step + 1).fill(0);
    const addLoss = (k: number, l: Tensor) => { losses_q[k] = typeof losses_q[k] === "number" ? l.add(losses_q[k] as number) : (losses_q[k] as Tensor).add(l); };
    for (let i = 0; i < task_num; i++) {
      let logits = this.net.forward(x_spt.index(i), null, true);
      let loss = F.cross_entropy(logits, y_spt.index(i));
      let grad = torch.autograd.grad(loss, this.net.parameters());
      let fast_weights: Tensor[] = this.net.parameters().map((p, j) => p.sub(grad[j]!.mul(this.update_lr)));
      torch.no_grad(() => {
        const logits_q = this.net.forward(x_qry.index(i), this.net.parameters(), true);
        addLoss(0, F.cross_entropy(logits_q, y_qry.index(i)));
        const pred_q = F.softmax(logits_q, { dim: 1 }).argmax({ dim: 1 });
        corrects[0] += torch.eq(pred_q, y_qry.index(i)).sum().item() as number;
      });
      torch.no_grad(() => {
        const logits_q = this.net.forward(x_qry.index(i), fast_weights, true);
        addLoss(1, F.cross_entropy(logits_q, y_qry.index(i)));
        const pred_q = F.softmax(logits_q, { dim: 1 }).argmax({ dim: 1 });
        corrects[1] += torch.eq(pred_q, y_qry.index(i)).sum().item() as number;
      });
      for (let k = 1; k < this.update_step; k++) {
        logits = this.net.forward(x_spt.index(i), fast_weights, true);
        loss = F.cross_entropy(logits, y_spt.index(i));
        grad = torch.autograd.grad(loss, fast_weights);
        fast_weights = fast_weights.map((p, j) => p.sub(grad[j]!.mul(this.update_lr)));
        const logits_q = this.net.forward(x_qry.index(i), fast_weights, true);
        addLoss(k + 1, F.cross_entropy(logits_q, y_qry.index(i)));
        torch.no_grad(() => {
          const pred_q = F.softmax(logits_q, { dim: 1 }).argmax({ dim: 1 });
          corrects[k + 1] += torch.eq(pred_q, y_qry.index(i)).sum().item() as number;
        });
      }
    }
    const loss_q = (losses_q[losses_q.length - 1] as Tensor).div(task_num);
    this.meta_optim.zero_grad();
    loss_q.backward();
    this.meta_optim.step();
    return [corrects.map((c) => c / (querysz * task_num)), losses_q.map((l) => (l as Tensor).item())];
  }
}

describe("MAML from scratch", () => {
  it("dragen1860's Learner / Meta: three meta steps, accuracies, query losses, running stats, deepcopy", () => {
    const r = ref.dragen;
    torch.manual_seed(7);
    const maml = new Meta(config);
    const [x_spt, y_spt, x_qry, y_qry] = tasks(20, 2, 6, 6);
    for (let step = 0; step < 3; step++) {
      const [accs, losses] = maml.forward(x_spt, y_spt, x_qry, y_qry);
      const s = r.steps[step];
      expectNums(accs, s.accs, 1e-9);
      expectNums(losses, s.losses, TOL);
      expectT(maml.net.vars[0].grad!, s.grad0, 5e-4);
    }
    const net_copy = copy.deepcopy(maml.net);
    expectT(maml.net.vars_bn[0], r.running_mean, TOL);
    expectT(maml.net.vars_bn[1], r.running_var, TOL);
    expect(maml.net.vars.length).toBe(r.n_vars);
    expect(String(maml.net.vars)).toBe(r.vars_repr);
    expect(String(maml)).toBe(r.meta_repr);
    expect([...maml.net.vars_bn].map((p) => p.requires_grad)).toEqual(r.vars_bn_requires_grad);
    expect(Object.keys(maml.state_dict())).toEqual(r.state_keys);
    expectT(maml.net.vars[0], r.conv_w, TOL);
    expectT(maml.net.vars[5], r.lin_b, TOL);
    expectT(net_copy.forward(x_qry.index(0), null, false), r.copy_out, 5e-4);
    expectT(net_copy.vars_bn[0], r.copy_running_mean_after, TOL);
  });

  const NUM_CONV_LAYERS = 2, NUM_HIDDEN_CHANNELS = 4, KERNEL_SIZE = 3;

  function score(logits: Tensor, labels: Tensor): number {
    const y = torch.argmax(logits, { dim: -1 }).eq(labels).type(torch.float);
    return torch.mean(y).item() as number;
  }

  class MAML {
    _meta_parameters: Record<string, Tensor> = {};
    _inner_lrs: Record<string, Tensor>;
    _optimizer: optim.Adam;
    constructor(num_outputs: number, readonly _num_inner_steps: number, inner_lr: number, learn_inner_lrs: boolean, readonly _outer_lr: number) {
      const meta_parameters: Record<string, Tensor> = {};
      let in_channels = 1;
      for (let i = 0; i < NUM_CONV_LAYERS; i++) {
        meta_parameters[`conv${i}`] = nn.init.xavier_uniform_(torch.empty([NUM_HIDDEN_CHANNELS, in_channels, KERNEL_SIZE, KERNEL_SIZE], { requires_grad: true }));
        meta_parameters[`b${i}`] = nn.init.zeros_(torch.empty([NUM_HIDDEN_CHANNELS], { requires_grad: true }));
        in_channels = NUM_HIDDEN_CHANNELS;
      }
      meta_parameters[`w${NUM_CONV_LAYERS}`] = nn.init.xavier_uniform_(torch.empty([num_outputs, NUM_HIDDEN_CHANNELS], { requires_grad: true }));
      meta_parameters[`b${NUM_CONV_LAYERS}`] = nn.init.zeros_(torch.empty([num_outputs], { requires_grad: true }));
      this._meta_parameters = meta_parameters;
      this._inner_lrs = Object.fromEntries(Object.keys(meta_parameters).map((k) => [k, torch.tensor(inner_lr, { requires_grad: learn_inner_lrs })]));
      this._optimizer = new torch.optim.Adam([...Object.values(this._meta_parameters), ...Object.values(this._inner_lrs)], { lr: this._outer_lr });
    }
    _forward(images: Tensor, parameters: Record<string, Tensor>): Tensor {
      let x = images;
      for (let i = 0; i < NUM_CONV_LAYERS; i++) {
        x = F.conv2d({ input: x, weight: parameters[`conv${i}`], bias: parameters[`b${i}`], stride: 1, padding: "same" });
        x = F.batch_norm(x, null, null, { training: true });
        x = F.relu(x);
      }
      x = torch.mean(x, { dim: [2, 3] });
      return F.linear({ input: x, weight: parameters[`w${NUM_CONV_LAYERS}`], bias: parameters[`b${NUM_CONV_LAYERS}`] });
    }
    _inner_loop(images: Tensor, labels: Tensor, train: boolean): [Record<string, Tensor>, number[]] {
      const accuracies: number[] = [];
      const parameters = Object.fromEntries(Object.entries(this._meta_parameters).map(([k, v]) => [k, torch.clone(v)]));
      for (let s = 0; s < this._num_inner_steps; s++) {
        const logits = this._forward(images, parameters);
        const loss = F.cross_entropy(logits, labels);
        accuracies.push(score(logits, labels));
        const grads = torch.autograd.grad(loss, Object.values(parameters), { create_graph: train });
        Object.keys(parameters).forEach((k, j) => { parameters[k] = parameters[k].sub(this._inner_lrs[k].mul(grads[j]!)); });
      }
      accuracies.push(score(this._forward(images, parameters), labels));
      return [parameters, accuracies];
    }
    _outer_step(task_batch: [Tensor, Tensor, Tensor, Tensor][], train: boolean): [Tensor, number[], number] {
      const outer_loss_batch: Tensor[] = [], accuracies_support_batch: number[][] = [], accuracy_query_batch: number[] = [];
      for (const [images_support, labels_support, images_query, labels_query] of task_batch) {
        const [parameters, accuracies_support] = this._inner_loop(images_support, labels_support, train);
        const logits = this._forward(images_query, parameters);
        outer_loss_batch.push(F.cross_entropy(logits, labels_query));
        accuracies_support_batch.push(accuracies_support);
        accuracy_query_batch.push(score(logits, labels_query));
      }
      const outer_loss = torch.mean(torch.stack(outer_loss_batch));
      const accuracies_support = accuracies_support_batch[0].map((_, j) => accuracies_support_batch.reduce((s, a) => s + a[j], 0) / accuracies_support_batch.length);
      return [outer_loss, accuracies_support, accuracy_query_batch.reduce((s, a) => s + a, 0) / accuracy_query_batch.length];
    }
  }

  for (const [label, first_order] of [["second_order", false], ["first_order", true]] as const) {
    it(`CS330 hw2's MAML (${label}): outer losses, accuracies, meta-gradients and the learned inner learning rates`, () => {
      const r = ref.cs330[label];
      torch.manual_seed(8);
      const m = new MAML(3, 2, 0.4, true, 1e-2);
      const [x_spt, y_spt, x_qry, y_qry] = tasks(21, 2, 6, 3);
      const batch: [Tensor, Tensor, Tensor, Tensor][] = [0, 1].map((i) => [x_spt.index(i), y_spt.index(i), x_qry.index(i), y_qry.index(i)]);
      for (let step = 0; step < 3; step++) {
        m._optimizer.zero_grad();
        const [outer_loss, acc_s, acc_q] = m._outer_step(batch, !first_order);
        outer_loss.backward();
        const lr_grads = Object.values(m._inner_lrs).map((v) => (v.grad === null ? null : v.grad.item()));
        m._optimizer.step();
        const s = r.steps[step];
        expectNums([outer_loss.item()], [s.outer_loss], TOL);
        expectNums(acc_s, s.acc_support, 1e-9);
        expectNums([acc_q], [s.acc_query], 1e-9);
        expectT(m._meta_parameters.conv0.grad!, s.conv0_grad, 1e-3);
        expectNums(lr_grads as number[], s.lr_grads, 1e-3);
      }
      expectNums(Object.values(m._inner_lrs).map((v) => v.item() as number), r.inner_lrs, TOL);
      expectT(m._meta_parameters.w2, r.w2, TOL);
    });
  }

  it("the grad of a grad: create_graph gives a differentiable gradient and the Hessian-vector product", () => {
    const r = ref.second_order;
    torch.manual_seed(9);
    const w = torch.randn([3, 2], { requires_grad: true });
    const xin = torch.randn(4, 3);
    const loss = torch.tanh(xin.matmul(w)).pow(2).sum();
    const [g] = torch.autograd.grad(loss, w, { create_graph: true });
    const v = torch.randn(3, 2);
    const [hvp] = torch.autograd.grad(g!, w, { grad_outputs: v });
    expectT(g!, r.g, 1e-5);
    expectT(hvp!, r.hvp, 1e-5);
    expect(g!.requires_grad).toBe(r.g_requires_grad);
    expect(g!.grad_fn!.name()).toBe(r.g_grad_fn);
  });

  it("a learner's mistakes in MAML code", () => {
    const r = ref.maml_errors;
    const twice = raised(() => {
      const ww = torch.randn([2], { requires_grad: true });
      const l = ww.mul(ww).sum();
      torch.autograd.grad(l, ww);
      torch.autograd.grad(l, ww);
    })!;
    // the engine words the retain_graph advice in its own form and names the freed node: torch's text up to that advice
    const head = (m: string) => m.slice(0, m.indexOf("Specify retain_graph"));
    expect([twice[0], head(twice[1])]).toEqual([r.twice[0], head(r.twice[1])]);
    const a = torch.randn([2], { requires_grad: true }), b = torch.randn([2], { requires_grad: true });
    expect(raised(() => torch.autograd.grad(a.mul(2).sum(), [a, b]))).toEqual(r.unused);
    expect(torch.autograd.grad(a.mul(2).sum(), [a, b], { allow_unused: true }).map((t) => t === null)).toEqual(r.unused_allowed);
    expect(raised(() => torch.autograd.grad(a.mul(2), a))).toEqual(r.nonscalar);
    expect(raised(() => a.sub_(torch.ones(2).mul(0.1)))).toEqual(r.inplace_leaf);
    expect(raised(() => torch.autograd.grad(torch.randn(2).mul(2).sum(), torch.randn(2)))).toEqual(r.no_grad_inputs);
    expect(raised(() => F.batch_norm(torch.randn(4, 2, 3, 3), null, null, { training: false }))).toEqual(r.bn_eval_none);
    expect(raised(() => F.batch_norm(torch.randn(1, 2), null, null, { training: true }))).toEqual(r.bn_one_per_channel);
    expect(raised(() => torch.autograd.grad(torch.no_grad(() => a.mul(2).sum()), a))).toEqual(r.grad_after_no_grad);
    expect(raised(() => {
      const [g1] = torch.autograd.grad(a.pow(3).sum(), a);
      torch.autograd.grad(g1!.sum(), a);
    })).toEqual(r.second_grad_without_create_graph);
    const pl = new nn.ParameterList();
    pl.append(torch.ones(2));
    expect([pl[0].constructor.name, pl[0].requires_grad]).toEqual(r.paramlist_plain_tensor);
    expect(raised(() => F.conv2d(torch.randn(1, 1, 5, 5), torch.randn(2, 1, 3, 3), { padding: "same", stride: 2 }))).toEqual(r.conv_same_stride2);
    expect(raised(() => F.conv2d(torch.randn(1, 1, 5, 5), torch.randn(2, 1, 3, 3), { padding: "full" as "same" }))).toEqual(r.conv_bad_padding_string);
  });
});
