/**
 * "Reinforcement Learning (DQN) Tutorial": ReplayMemory of Transitions, the three-layer DQN,
 * epsilon-greedy select_action with `policy_net(state).max(1)[1].view(1, 1)`, optimize_model
 * (non-final mask, gather, max(1)[0] under no_grad, masked assignment, SmoothL1Loss, AdamW with
 * amsgrad, clip_grad_value_) and the soft update of the target net through state_dict /
 * load_state_dict. CartPole is replaced by a corridor: walk right from cell 0 to the goal.
 */
import { describe, expect, it } from "vitest";
import { F, nn, optim, torch, type Tensor } from "../../../../lib/tensor/index";

interface Transition {
  state: Tensor;
  action: Tensor;
  next_state: Tensor | null;
  reward: Tensor;
}

/** A seeded stand-in for Python's random module (mulberry32). */
function pyRandom(seed: number) {
  let s = seed >>> 0;
  const random = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    random,
    sample<T>(xs: readonly T[], k: number): T[] {
      const pool = xs.slice();
      const out: T[] = [];
      for (let i = 0; i < k; i++) out.push(pool.splice(Math.floor(random() * pool.length), 1)[0]);
      return out;
    },
  };
}

class ReplayMemory {
  private readonly memory: Transition[] = [];
  constructor(
    private readonly capacity: number,
    private readonly rng: ReturnType<typeof pyRandom>,
  ) {}
  /** Save a transition (a deque with maxlen: the oldest drops out) */
  push(t: Transition): void {
    this.memory.push(t);
    if (this.memory.length > this.capacity) this.memory.shift();
  }
  sample(batch_size: number): Transition[] {
    return this.rng.sample(this.memory, batch_size);
  }
  get length(): number {
    return this.memory.length;
  }
}

class DQN extends nn.Module {
  layer1: nn.Linear;
  layer2: nn.Linear;
  layer3: nn.Linear;
  constructor(n_observations: number, n_actions: number) {
    super();
    this.layer1 = new nn.Linear(n_observations, 32);
    this.layer2 = new nn.Linear(32, 32);
    this.layer3 = new nn.Linear(32, n_actions);
  }
  /** Called with either one element to determine next action, or a batch during optimization. */
  forward(x: Tensor): Tensor {
    x = F.relu(this.layer1(x));
    x = F.relu(this.layer2(x));
    return this.layer3(x);
  }
}

/** A corridor of N cells; actions 0 = left, 1 = right; reaching cell N-1 gives +1 and ends; each step costs 0.01. */
class Corridor {
  pos = 0;
  constructor(readonly N: number) {}
  observation(): number[] {
    return Array.from({ length: this.N }, (_, i) => (i === this.pos ? 1 : 0));
  }
  reset(): number[] {
    this.pos = 0;
    return this.observation();
  }
  step(action: number): [number[], number, boolean] {
    this.pos = Math.max(0, Math.min(this.N - 1, this.pos + (action === 1 ? 1 : -1)));
    const terminated = this.pos === this.N - 1;
    return [this.observation(), terminated ? 1 : -0.01, terminated];
  }
}

describe("DQN", () => {
  it("the replay memory, gather/max/masked assignment and the Huber loss behave as in the tutorial", () => {
    const rng = pyRandom(0);
    const memory = new ReplayMemory(3, rng);
    for (let i = 0; i < 5; i++) memory.push({ state: torch.tensor([[i]]), action: torch.tensor([[0]], { dtype: torch.long }), next_state: null, reward: torch.tensor([i]) });
    expect(memory.length).toBe(3);
    expect(memory.sample(3).map((t) => t.reward.item()).sort()).toEqual([2, 3, 4]);

    // gather picks Q(s, a); max(1)[0] is the best value; a bool mask assigns only non-final rows
    const q = torch.tensor([[1, 5], [3, 2], [0, -1]]);
    const actions = torch.tensor([[1], [0], [1]], { dtype: torch.long });
    expect(q.gather(1, actions).tolist()).toEqual([[5], [3], [-1]]);
    expect(q.max(1)[0].tolist()).toEqual([5, 3, 0]);
    expect(q.max(1)[1].view(-1, 1).tolist()).toEqual([[1], [0], [0]]);
    const next_state_values = torch.zeros(3);
    const non_final_mask = torch.tensor([true, false, true]);
    next_state_values.index_put_([non_final_mask], torch.tensor([7, 8]));
    expect(next_state_values.tolist()).toEqual([7, 0, 8]);
    // SmoothL1Loss: quadratic below beta = 1, linear above
    expect(new nn.SmoothL1Loss()(torch.tensor([0.5, 3]), torch.tensor([0, 0])).item()).toBeCloseTo((0.125 + 2.5) / 2, 6);
    expect(F.smooth_l1_loss(torch.tensor([2.0]), torch.tensor([0.0]), { beta: 0.5 }).item()).toBeCloseTo(1.75, 6);
  });

  it("learns to walk right along the corridor: greedy episodes reach the goal in the fewest steps", () => {
    torch.manual_seed(0);
    const rng = pyRandom(1);
    const env = new Corridor(6);
    const BATCH_SIZE = 32;
    const GAMMA = 0.9;
    const EPS_START = 0.9;
    const EPS_END = 0.05;
    const EPS_DECAY = 300;
    const TAU = 0.05;
    const LR = 3e-3;
    const n_actions = 2;
    const n_observations = env.reset().length;
    const policy_net = new DQN(n_observations, n_actions);
    const target_net = new DQN(n_observations, n_actions);
    target_net.load_state_dict(policy_net.state_dict());
    expect(target_net.layer1.weight.equal(policy_net.layer1.weight)).toBe(true);
    expect(target_net.layer1.weight).not.toBe(policy_net.layer1.weight); // copied, not shared
    const optimizer = new optim.AdamW(policy_net.parameters(), { lr: LR, amsgrad: true });
    const memory = new ReplayMemory(2000, rng);
    let steps_done = 0;

    const select_action = (state: Tensor): Tensor => {
      const sample = rng.random();
      const eps_threshold = EPS_END + (EPS_START - EPS_END) * Math.exp((-1 * steps_done) / EPS_DECAY);
      steps_done += 1;
      if (sample > eps_threshold) {
        // t.max(1) returns the largest column value of each row; [1] is the index of the max element
        return torch.no_grad(() => policy_net(state).max(1)[1].view(1, 1));
      }
      return torch.tensor([[rng.random() < 0.5 ? 0 : 1]], { dtype: torch.long });
    };

    const losses: number[] = [];
    const optimize_model = (): void => {
      if (memory.length < BATCH_SIZE) return;
      const transitions = memory.sample(BATCH_SIZE);
      // Compute a mask of non-final states and concatenate the batch elements
      const non_final_mask = torch.tensor(transitions.map((t) => t.next_state !== null), { dtype: torch.bool });
      const non_final_next_states = torch.cat(transitions.filter((t) => t.next_state !== null).map((t) => t.next_state!));
      const state_batch = torch.cat(transitions.map((t) => t.state));
      const action_batch = torch.cat(transitions.map((t) => t.action));
      const reward_batch = torch.cat(transitions.map((t) => t.reward));
      // Q(s_t, a): the columns of the actions taken
      const state_action_values = policy_net(state_batch).gather(1, action_batch);
      const next_state_values = torch.zeros(BATCH_SIZE);
      torch.no_grad(() => {
        next_state_values.index_put_([non_final_mask], target_net(non_final_next_states).max(1)[0]);
      });
      const expected_state_action_values = next_state_values.mul(GAMMA).add(reward_batch);
      const criterion = new nn.SmoothL1Loss();
      const loss = criterion(state_action_values, expected_state_action_values.unsqueeze(1));
      optimizer.zero_grad();
      loss.backward();
      // In-place gradient clipping
      torch.nn.utils.clip_grad_value_(policy_net.parameters(), 100);
      optimizer.step();
      losses.push(loss.item());
    };

    for (let i_episode = 0; i_episode < 40; i_episode++) {
      let state = torch.tensor(env.reset(), { dtype: torch.float32 }).unsqueeze(0);
      for (let t = 0; t < 30; t++) {
        const action = select_action(state);
        const [observation, r, terminated] = env.step(action.item());
        const reward = torch.tensor([r]);
        const next_state = terminated ? null : torch.tensor(observation, { dtype: torch.float32 }).unsqueeze(0);
        memory.push({ state, action, next_state, reward });
        if (next_state !== null) state = next_state;
        optimize_model();
        // Soft update of the target network's weights: θ′ ← τ θ + (1 −τ )θ′
        const target_net_state_dict = target_net.state_dict();
        const policy_net_state_dict = policy_net.state_dict();
        for (const key of Object.keys(policy_net_state_dict)) {
          target_net_state_dict[key] = policy_net_state_dict[key].mul(TAU).add(target_net_state_dict[key].mul(1 - TAU));
        }
        target_net.load_state_dict(target_net_state_dict);
        if (terminated) break;
      }
    }
    expect(losses.length).toBeGreaterThan(100);
    // the greedy policy walks straight to the goal: N - 1 steps
    policy_net.eval();
    let state = env.reset();
    let steps = 0;
    for (; steps < 20; steps++) {
      const a = torch.no_grad(() => policy_net(torch.tensor([state])).argmax(1).item());
      const [obs, , done] = env.step(a);
      state = obs;
      if (done) break;
    }
    expect(steps + 1).toBe(env.N - 1);
    // and its Q values at the start are near the discounted return of that walk
    const q0 = torch.no_grad(() => policy_net(torch.tensor([env.reset()])).max(1)[0].item());
    const ret = Array.from({ length: env.N - 2 }, (_, k) => -0.01 * GAMMA ** k).reduce((s, v) => s + v, 0) + GAMMA ** (env.N - 2);
    expect(Math.abs(q0 - ret)).toBeLessThan(0.25);
  });
});
