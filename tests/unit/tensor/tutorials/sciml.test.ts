/**
 * A probe of scientific-ML tutorials written in plain PyTorch, as a learner copies them:
 *  - greydanus/hamiltonian-nn (nn_models.py MLP with orthogonal_ init and choose_nonlinearity, hnn.py HNN: split(1, 1)
 *    into F1 / F2, time_derivative by torch.autograd.grad(F2.sum(), x, create_graph=True) against the permutation
 *    tensor, the Levi-Civita form with strided in-place sign flips, field_type 'both' with separate_fields, utils.py
 *    rk4 / L2_loss, experiment-spring/train.py's Adam(weight_decay=1e-4) loop on data that requires grad);
 *  - msurtsukov/neural-ode ("Neural ODEs.ipynb"): the Euler ode_solve, ODEF.forward_with_grad (autograd.grad over
 *    (z, t) + parameters with allow_unused), ODEAdjoint as a torch.autograd.Function (a module as a non-tensor
 *    input, no_grad / set_grad_enabled(True) inside, the augmented system solved backwards, a [bs, n_params]
 *    parameter gradient that autograd sums to the flat parameters' shape), NeuralODE, the Linear / Spiral / Test /
 *    NN ODEFs (ELU(inplace=True)); conduct_experiment with a fixed batch, adjoint gradients against plain backprop;
 *    the ODE-VAE (GRU encoder over reversed time deltas, NeuralODEDecoder, the ELBO loss, generate_with_seed);
 *  - jayroxis/PINNs (Burgers Inference / Identification, PyTorch): DNN from an OrderedDict, the residual
 *    u_t + u u_x - nu u_xx through autograd.grad(grad_outputs=torch.ones_like(u), create_graph=True), data made by
 *    torch.tensor(X[:, 0:1], requires_grad=True).float(), LBFGS with every keyword and strong_wolfe over a closure,
 *    lambda_1 / lambda_2 registered on the DNN, Adam steps then LBFGS;
 *  - the "MAML in PyTorch" sine-wave gist: net(x, params) with F.linear, params by torch.Tensor(...).uniform_(),
 *    the inner loop's torch.autograd.grad(loss, new_params, create_graph=True), the second-order meta-gradient
 *    (and the first-order variant without create_graph).
 * Values come from torch 1.13 running the same code (scripts/fixtures/sciml_fixtures.py ->
 * tests/fixtures/torch/tutorials/sciml.json), plus the learner's typical mistakes' errors.
 *
 * Data: numpy / scipy (burgers_shock.mat, lhs, the spring's solve_ivp, random.choice, np.random batches) are seeded
 * torch stand-ins built the same way on both sides; the numpy arrays reach torch.tensor as nested lists with
 * dtype float64 (numpy's). Python forms written otherwise: `F1, F2 = y.split(1, 1)` -> destructuring,
 * `M[::2] *= -1` -> M.index("::2").mul_(-1), `z[0] = z0` / `adj_t[i] = ...` / `t[1:] = ...` -> index_put_, `loss /= n` -> div, `adj_z[:] = v` ->
 * copy_, `adj_p[:] += v` -> add_, `with torch.no_grad():` / `torch.set_grad_enabled(True)` -> callbacks,
 * `a, b, *rest = grads` -> destructuring with a rest, `np.prod(z_shape)` -> reduce, `%`-formatting -> a small
 * helper, `assert` -> a thrown AssertionError-named Error, OrderedDict -> Map, keyword arguments -> an options object.
 */
import { describe, expect, it } from "vitest";
import { F, nn, optim, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectNums, expectT, tutorialFixture, type TJ } from "./helpers";

const ref = tutorialFixture<Record<string, any>>("sciml.json"); // eslint-disable-line @typescript-eslint/no-explicit-any

/** [Python class name, first line of the message] of what fn throws. */
function thrown(fn: () => unknown): [string, string] | null {
  try {
    fn();
  } catch (e) {
    return [(e as Error).name, (e as Error).message.split("\n")[0]];
  }
  return null;
}

function assert(cond: boolean, msg = ""): void {
  if (!cond) {
    const e = new Error(msg);
    e.name = "AssertionError";
    throw e;
  }
}

/** A float64 tensor from the fixture's nested lists (numpy arrays in the tutorials). */
const np64 = (rows: number[][]): Tensor => torch.tensor(rows, { dtype: torch.float64 });

// ============================================ hamiltonian-nn ============================================
function choose_nonlinearity(name: string): (x: Tensor) => Tensor {
  if (name === "tanh") return torch.tanh;
  else if (name === "relu") return torch.relu;
  else if (name === "sigmoid") return torch.sigmoid;
  else if (name === "softplus") return F.softplus;
  throw new Error("nonlinearity not recognized");
}

class MLP extends nn.Module {
  linear1: nn.Linear;
  linear2: nn.Linear;
  linear3: nn.Linear;
  nonlinearity: (x: Tensor) => Tensor;
  constructor(input_dim: number, hidden_dim: number, output_dim: number, nonlinearity = "tanh") {
    super();
    this.linear1 = new nn.Linear(input_dim, hidden_dim);
    this.linear2 = new nn.Linear(hidden_dim, hidden_dim);
    this.linear3 = new nn.Linear(hidden_dim, output_dim, { bias: null });
    for (const l of [this.linear1, this.linear2, this.linear3]) nn.init.orthogonal_(l.weight);
    this.nonlinearity = choose_nonlinearity(nonlinearity);
  }
  forward(x: Tensor): Tensor {
    let h = this.nonlinearity(this.linear1(x));
    h = this.nonlinearity(this.linear2(h));
    return this.linear3(h);
  }
}

function rk4(fun: (y: Tensor, t: number) => Tensor, y0: Tensor, t: number, dt: number): Tensor {
  const dt2 = dt / 2.0;
  const k1 = fun(y0, t);
  const k2 = fun(y0.add(k1.mul(dt2)), t + dt2);
  const k3 = fun(y0.add(k2.mul(dt2)), t + dt2);
  const k4 = fun(y0.add(k3.mul(dt)), t + dt);
  return k1.add(k2.mul(2)).add(k3.mul(2)).add(k4).mul(dt / 6.0);
}

const L2_loss = (u: Tensor, v: Tensor): Tensor => u.sub(v).pow(2).mean();

class HNN extends nn.Module {
  M: Tensor;
  constructor(
    input_dim: number,
    public differentiable_model: nn.Module,
    public field_type = "solenoidal",
    public baseline = false,
    public assume_canonical_coords = true,
  ) {
    super();
    this.M = this.permutation_tensor(input_dim);
  }
  forward(x: Tensor): Tensor[] {
    if (this.baseline) return [this.differentiable_model(x) as Tensor];
    const y = this.differentiable_model(x) as Tensor;
    assert(y.dim() === 2 && y.shape[1] === 2, "Output tensor should have shape [batch_size, 2]");
    return y.split(1, 1);
  }
  rk4_time_derivative(x: Tensor, dt: number): Tensor {
    return rk4((y, t) => this.time_derivative(y, t) as Tensor, x, 0, dt);
  }
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- t: the ODE-solver signature, unused as in hnn.py
  time_derivative(x: Tensor, t: number | null = null, separate_fields = false): Tensor | Tensor[] {
    if (this.baseline) return this.differentiable_model(x) as Tensor;
    const [F1, F2] = this.forward(x);
    let conservative_field = torch.zeros_like(x);
    let solenoidal_field = torch.zeros_like(x);
    if (this.field_type !== "solenoidal") {
      const dF1 = torch.autograd.grad(F1.sum(), x, { create_graph: true })[0]!;
      conservative_field = dF1.matmul(torch.eye(...(this.M.shape as [number, number])));
    }
    if (this.field_type !== "conservative") {
      const dF2 = torch.autograd.grad(F2.sum(), x, { create_graph: true })[0]!;
      solenoidal_field = dF2.matmul(this.M.t());
    }
    if (separate_fields) return [conservative_field, solenoidal_field];
    return conservative_field.add(solenoidal_field);
  }
  permutation_tensor(n: number): Tensor {
    let M: Tensor;
    if (this.assume_canonical_coords) {
      M = torch.eye(n);
      M = torch.cat([M.index(`${Math.floor(n / 2)}:`), M.index(`:${Math.floor(n / 2)}`).neg()]);
    } else {
      M = torch.ones(n, n);
      M.mul_(torch.eye(n).rsub(1));
      M.index("::2").mul_(-1);
      M.index(":", "::2").mul_(-1);
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) M.index(i, j).mul_(-1);
    }
    return M;
  }
}

/** The fixture's spring stand-in: noisy (q, p) and dx/dt under H = p^2 + q^2, as nested lists. */
function spring_data(seed: number, n: number): [number[][], number[][]] {
  const g = new torch.Generator(seed);
  const coords = torch.rand([n, 2], { generator: g, dtype: torch.float64 }).mul(2).sub(1);
  const dcoords = coords.mul(2);
  const [dqdt, dpdt] = [dcoords.index(":", ":1"), dcoords.index(":", "1:")];
  const S = torch.cat([dpdt, dqdt.neg()], { dim: -1 }).neg();
  const noisy = coords.add(torch.randn([n, 2], { generator: g, dtype: torch.float64 }).mul(0.05));
  return [noisy.tolist() as number[][], S.tolist() as number[][]];
}

describe("greydanus/hamiltonian-nn", () => {
  const r = ref.hnn;
  it("permutation tensors: canonical and Levi-Civita", () => {
    expectT(new HNN(2, new MLP(2, 4, 2)).M, r.M_canonical, 0);
    expectT(new HNN(4, new MLP(4, 4, 2), "solenoidal", false, false).M, r.M_levi4, 0);
    expectT(new HNN(4, new MLP(4, 4, 2)).M, r.M_canonical4, 0);
  });

  it("trains the HNN on the spring for three Adam steps; rk4, both fields, the mistakes", () => {
    torch.manual_seed(0);
    const nn_model = new MLP(2, 16, 2, "tanh");
    expectT(nn_model.linear1.weight, r.init_w1, 1e-5);
    expectT(nn_model.linear3.weight, r.init_w3, 1e-5);
    const model = new HNN(2, nn_model, "solenoidal", false);
    const opt = new torch.optim.Adam(model.parameters(), 1e-3, { weight_decay: 1e-4 });
    const [xs, dxs] = spring_data(1, 12);
    const [txs, tdxs] = spring_data(2, 8);
    const x = torch.tensor(xs, { requires_grad: true, dtype: torch.float32 });
    const test_x = torch.tensor(txs, { requires_grad: true, dtype: torch.float32 });
    const dxdt = torch.Tensor(dxs);
    const test_dxdt = torch.Tensor(tdxs);
    const [F1, F2] = model(x) as Tensor[];
    expectT(F1, r.F1, 1e-5);
    expect(F2.grad_fn!.name()).toBe(r.F2_grad_fn);
    expectT(model.time_derivative(x) as Tensor, r.dxdt_hat0, 1e-5);
    const stats: { train_loss: number[]; test_loss: number[] } = { train_loss: [], test_loss: [] };
    for (let step = 0; step < 3; step++) {
      const dxdt_hat = model.time_derivative(x) as Tensor;
      const loss = L2_loss(dxdt, dxdt_hat);
      loss.backward(); opt.step(); opt.zero_grad();
      const test_dxdt_hat = model.time_derivative(test_x) as Tensor;
      const test_loss = L2_loss(test_dxdt, test_dxdt_hat);
      stats.train_loss.push(loss.item());
      stats.test_loss.push(test_loss.item());
    }
    expectNums(stats.train_loss, r.stats.train_loss, 1e-5);
    expectNums(stats.test_loss, r.stats.test_loss, 1e-5);
    expectT(nn_model.linear2.weight, r.after_w2, 1e-5);
    expectT(x.grad!, r.x_grad, 1e-4);
    const train_dist = dxdt.sub(model.time_derivative(x) as Tensor).pow(2);
    expectNums([train_dist.mean().item(), train_dist.std().item()], r.train_dist_mean_std, 1e-5);
    expectT(model.rk4_time_derivative(x, 0.1), r.rk4, 1e-5);
    const both = new HNN(2, nn_model, "both");
    const [cons, sol] = both.time_derivative(test_x, null, true) as Tensor[];
    expectT(cons, r.both_fields[0], 1e-5);
    expectT(sol, r.both_fields[1], 1e-5);
    expect(thrown(() => model.time_derivative(torch.Tensor(xs)))).toEqual(r.err_no_requires_grad);
    expect(thrown(() => new HNN(2, new MLP(2, 4, 3))(x))).toEqual(r.err_baseline_out);
  });
});

// ============================================ neural-ode ============================================
type Ctx = InstanceType<typeof torch.autograd.FunctionCtx>;

function ode_solve(z0: Tensor, t0: Tensor, t1: Tensor, f: (z: Tensor, t: Tensor) => Tensor): Tensor {
  const h_max = 0.05;
  const n_steps = Math.ceil(t1.sub(t0).abs().div(h_max).max().item());
  const h = t1.sub(t0).div(n_steps);
  let t = t0;
  let z = z0;
  for (let i_step = 0; i_step < n_steps; i_step++) {
    z = z.add(h.mul(f(z, t)));
    t = t.add(h);
  }
  return z;
}

abstract class ODEF extends nn.Module {
  abstract forward(z: Tensor, t: Tensor): Tensor;
  forward_with_grad(z: Tensor, t: Tensor, grad_outputs: Tensor): [Tensor, Tensor | null, Tensor | null, Tensor | null] {
    const batch_size = z.shape[0];
    const out = this.forward(z, t);
    const a = grad_outputs;
    const [adfdz, adfdt0, ...adfdp] = torch.autograd.grad([out], [z, t, ...this.parameters()], {
      grad_outputs: a, allow_unused: true, retain_graph: true,
    });
    let adfdt = adfdt0;
    let flat: Tensor | null = null;
    if (adfdp !== null) {
      flat = torch.cat(adfdp.map((p_grad) => p_grad!.flatten())).unsqueeze(0);
      flat = flat.expand(batch_size, -1).div(batch_size);
    }
    if (adfdt !== null) adfdt = adfdt.expand(batch_size, 1).div(batch_size);
    return [out, adfdz, adfdt, flat];
  }
  flatten_parameters(): Tensor {
    const flat_parameters: Tensor[] = [];
    for (const p of this.parameters()) flat_parameters.push(p.flatten());
    return torch.cat(flat_parameters);
  }
}

class ODEAdjoint extends torch.autograd.Function {
  static forward(ctx: Ctx, z0: Tensor, t: Tensor, flat_parameters: Tensor, func: ODEF): Tensor {
    assert(func instanceof ODEF);
    const [bs, ...z_shape] = z0.size();
    const time_len = t.size(0);
    const z = torch.no_grad(() => {
      const z = torch.zeros(time_len, bs, ...z_shape).to(z0);
      z.index_put_([0], z0);
      for (let i_t = 0; i_t < time_len - 1; i_t++) {
        z0 = ode_solve(z0, t.index(i_t), t.index(i_t + 1), (zz, tt) => func(zz, tt) as Tensor);
        z.index_put_([i_t + 1], z0);
      }
      return z;
    });
    Object.assign(ctx, { func });
    ctx.save_for_backward(t, z.clone(), flat_parameters);
    return z;
  }

  static backward(ctx: Ctx, dLdz: Tensor): (Tensor | null)[] {
    const func = ctx.func as ODEF;
    const [t, z, flat_parameters] = ctx.saved_tensors;
    const [time_len, bs, ...z_shape] = z.size();
    const n_dim = z_shape.reduce((a, b) => a * b, 1);
    const n_params = flat_parameters.size(0);

    const augmented_dynamics = (aug_z_i: Tensor, t_i: Tensor): Tensor => {
      let z_i = aug_z_i.index(":", `:${n_dim}`);
      let a = aug_z_i.index(":", `${n_dim}:${2 * n_dim}`);
      z_i = z_i.view(bs, ...z_shape);
      a = a.view(bs, ...z_shape);
      const [fe0, dz0, adfdt, adfdp] = torch.set_grad_enabled(true, () => {
        t_i = t_i.detach().requires_grad_(true);
        z_i = z_i.detach().requires_grad_(true);
        const [fe, dz, dt, dp] = func.forward_with_grad(z_i, t_i, a);
        return [
          fe,
          dz !== null ? dz.to(z_i) : torch.zeros(bs, ...z_shape).to(z_i),
          dt !== null ? dt.to(z_i) : torch.zeros(bs, 1).to(z_i),
          dp !== null ? dp.to(z_i) : torch.zeros(bs, n_params).to(z_i),
        ];
      });
      const func_eval = fe0.view(bs, n_dim);
      const adfdz = dz0.view(bs, n_dim);
      return torch.cat([func_eval, adfdz.neg(), adfdp.neg(), adfdt.neg()], { dim: 1 });
    };

    dLdz = dLdz.view(time_len, bs, n_dim);
    return torch.no_grad(() => {
      const adj_z = torch.zeros(bs, n_dim).to(dLdz);
      const adj_p = torch.zeros(bs, n_params).to(dLdz);
      const adj_t = torch.zeros(time_len, bs, 1).to(dLdz);
      let f_i!: Tensor;
      for (let i_t = time_len - 1; i_t > 0; i_t--) {
        const z_i = z.index(i_t);
        const t_i = t.index(i_t);
        f_i = (func(z_i, t_i) as Tensor).view(bs, n_dim);
        const dLdz_i = dLdz.index(i_t);
        const dLdt_i = torch.bmm(torch.transpose(dLdz_i.unsqueeze(-1), 1, 2), f_i.unsqueeze(-1)).index(":", 0);
        adj_z.add_(dLdz_i);
        adj_t.index_put_([i_t], adj_t.index(i_t).sub(dLdt_i));
        const aug_z = torch.cat([z_i.view(bs, n_dim), adj_z, torch.zeros(bs, n_params).to(z), adj_t.index(i_t)], { dim: -1 });
        const aug_ans = ode_solve(aug_z, t_i, t.index(i_t - 1), augmented_dynamics);
        adj_z.copy_(aug_ans.index(":", `${n_dim}:${2 * n_dim}`));
        adj_p.add_(aug_ans.index(":", `${2 * n_dim}:${2 * n_dim + n_params}`));
        adj_t.index_put_([i_t - 1], aug_ans.index(":", `${2 * n_dim + n_params}:`));
      }
      const dLdz_0 = dLdz.index(0);
      const dLdt_0 = torch.bmm(torch.transpose(dLdz_0.unsqueeze(-1), 1, 2), f_i.unsqueeze(-1)).index(":", 0);
      adj_z.add_(dLdz_0);
      adj_t.index_put_([0], adj_t.index(0).sub(dLdt_0));
      return [adj_z.view(bs, ...z_shape), adj_t, adj_p, null];
    });
  }
}

class NeuralODE extends nn.Module {
  constructor(public func: ODEF) {
    super();
    assert(func instanceof ODEF);
  }
  forward(z0: Tensor, t: Tensor = torch.Tensor([0, 1]), return_whole_sequence = false): Tensor {
    t = t.to(z0);
    const z = ODEAdjoint.apply(z0, t, this.func.flatten_parameters(), this.func) as Tensor;
    return return_whole_sequence ? z : z.index(-1);
  }
}

class LinearODEF extends ODEF {
  lin: nn.Linear;
  constructor(W: Tensor) {
    super();
    this.lin = new nn.Linear(2, 2, { bias: false });
    this.lin.weight = new nn.Parameter(W);
  }
  forward(x: Tensor): Tensor {
    return this.lin(x);
  }
}

class SpiralFunctionExample extends LinearODEF {
  constructor() {
    super(torch.Tensor([[-0.1, -1], [1, -0.1]]));
  }
}

class RandomLinearODEF extends LinearODEF {
  constructor() {
    super(torch.randn(2, 2).div(2));
  }
}

class TestODEF extends ODEF {
  A: nn.Linear;
  B: nn.Linear;
  x0: nn.Parameter;
  constructor(A: Tensor, B: Tensor, x0: Tensor) {
    super();
    this.A = new nn.Linear(2, 2, { bias: false });
    this.A.weight = new nn.Parameter(A);
    this.B = new nn.Linear(2, 2, { bias: false });
    this.B.weight = new nn.Parameter(B);
    this.x0 = new nn.Parameter(x0);
  }
  forward(x: Tensor): Tensor {
    const xTx0 = torch.sum(x.mul(this.x0), { dim: 1 });
    return torch.sigmoid(xTx0).mul(this.A(x.sub(this.x0))).add(torch.sigmoid(xTx0.neg()).mul(this.B(x.add(this.x0))));
  }
}

class NNODEF extends ODEF {
  lin1: nn.Linear;
  lin2: nn.Linear;
  lin3: nn.Linear;
  elu = new nn.ELU({ inplace: true });
  constructor(in_dim: number, hid_dim: number, public time_invariant = false) {
    super();
    this.lin1 = time_invariant ? new nn.Linear(in_dim, hid_dim) : new nn.Linear(in_dim + 1, hid_dim);
    this.lin2 = new nn.Linear(hid_dim, hid_dim);
    this.lin3 = new nn.Linear(hid_dim, in_dim);
  }
  forward(x: Tensor, t: Tensor): Tensor {
    if (!this.time_invariant) x = torch.cat([x, t], { dim: -1 });
    let h = this.elu(this.lin1(x));
    h = this.elu(this.lin2(h));
    return this.lin3(h);
  }
}

const testODEF = (): TestODEF =>
  new TestODEF(torch.Tensor([[-0.1, -0.5], [0.5, -0.1]]), torch.Tensor([[0.2, 1], [-1, 0.2]]), torch.Tensor([[-1, 0]]));

function conduct_experiment(ode_true: NeuralODE, ode_trained: NeuralODE, n_steps: number, idxs: number[][]): [Tensor, number[], Tensor] {
  const z0 = torch.autograd.Variable(torch.Tensor([[0.6, 0.3]]));
  const t_max = 1.5;
  const n_points = 7;
  const times = torch.linspace(0, t_max, n_points, { dtype: torch.float64 }).index(":", "None", "None").to(z0);
  let obs = ode_true(z0, times, true).detach();
  obs = obs.add(torch.randn_like(obs).mul(0.01));
  const optimizer = new torch.optim.Adam(ode_trained.parameters(), { lr: 0.01 });
  const losses: number[] = [];
  for (let i = 0; i < n_steps; i++) {
    const idx = idxs[i]; // a Python list of indices (sorted np.random.permutation(...)[:k] in the notebook)
    const obs_ = obs.index(idx);
    const ts_ = times.index(idx);
    const z_ = ode_trained(obs_.index(0), ts_, true);
    const loss = F.mse_loss(z_, obs_.detach());
    optimizer.zero_grad();
    loss.backward({ retain_graph: true });
    optimizer.step();
    losses.push(loss.item());
  }
  const z_p = ode_trained(z0, times, true);
  return [obs, losses, z_p];
}

class RNNEncoder extends nn.Module {
  rnn: nn.GRU;
  hid2lat: nn.Linear;
  constructor(public input_dim: number, public hidden_dim: number, public latent_dim: number) {
    super();
    this.rnn = new nn.GRU(input_dim + 1, hidden_dim);
    this.hid2lat = new nn.Linear(hidden_dim, 2 * latent_dim);
  }
  forward(x: Tensor, t: Tensor): [Tensor, Tensor] {
    t = t.clone();
    t.index_put_(["1:"], t.index(":-1").sub(t.index("1:")));
    t.index_put_([0], 0);
    const xt = torch.cat([x, t], { dim: -1 });
    const [, h0] = this.rnn(xt.flip([0])) as [Tensor, Tensor];
    const z0 = this.hid2lat(h0.index(0));
    return [z0.index(":", `:${this.latent_dim}`), z0.index(":", `${this.latent_dim}:`)];
  }
}

class NeuralODEDecoder extends nn.Module {
  ode: NeuralODE;
  l2h: nn.Linear;
  h2o: nn.Linear;
  constructor(public output_dim: number, public hidden_dim: number, public latent_dim: number) {
    super();
    const func = new NNODEF(latent_dim, hidden_dim, true);
    this.ode = new NeuralODE(func);
    this.l2h = new nn.Linear(latent_dim, hidden_dim);
    this.h2o = new nn.Linear(hidden_dim, output_dim);
  }
  forward(z0: Tensor, t: Tensor): Tensor {
    const zs = this.ode(z0, t, true);
    return this.h2o(this.l2h(zs));
  }
}

class ODEVAE extends nn.Module {
  encoder: RNNEncoder;
  decoder: NeuralODEDecoder;
  constructor(public output_dim: number, public hidden_dim: number, public latent_dim: number) {
    super();
    this.encoder = new RNNEncoder(output_dim, hidden_dim, latent_dim);
    this.decoder = new NeuralODEDecoder(output_dim, hidden_dim, latent_dim);
  }
  forward(x: Tensor, t: Tensor, MAP = false): [Tensor, Tensor, Tensor, Tensor] {
    const [z_mean, z_log_var] = this.encoder(x, t);
    const z = MAP ? z_mean : z_mean.add(torch.randn_like(z_mean).mul(torch.exp(z_log_var.mul(0.5))));
    const x_p = this.decoder(z, t);
    return [x_p, z, z_mean, z_log_var];
  }
  generate_with_seed(seed_x: Tensor, t: Tensor): Tensor {
    const seed_t_len = seed_x.shape[0];
    const [z_mean] = this.encoder(seed_x, t.index(`:${seed_t_len}`));
    return this.decoder(z_mean, t);
  }
}

describe("msurtsukov/neural-ode", () => {
  const r = ref.node;
  const idxs = [[0, 1, 2, 3], [2, 3, 5], [1, 4, 5, 6]];
  it("the spiral through ODEAdjoint; a random linear ODEF trained three Adam steps", () => {
    torch.manual_seed(0);
    const z0 = torch.Tensor([[0.6, 0.3]]);
    expectT(new NeuralODE(new SpiralFunctionExample())(z0), r.solve_default, 1e-5);
    const ode_true = new NeuralODE(new SpiralFunctionExample());
    const ode_trained = new NeuralODE(new RandomLinearODEF());
    expectT((ode_trained.func as LinearODEF).lin.weight, r.random_W, 1e-6);
    const [obs, losses, zp] = conduct_experiment(ode_true, ode_trained, 3, idxs);
    expectT(obs, r.linear_obs, 1e-5);
    expectNums(losses, r.linear_losses, 1e-4);
    expectT(zp, r.linear_zp, 1e-4);
    expectT((ode_trained.func as LinearODEF).lin.weight, r.linear_W_after, 1e-4);
  });

  it("adjoint gradients of TestODEF (batch of two) match torch's, and plain backprop", () => {
    const func = testODEF();
    const zb = torch.Tensor([[0.6, 0.3], [-0.2, 0.5]]).requires_grad_();
    const tb = torch.Tensor([0, 0.2, 0.35]).reshape(3, 1, 1).expand(3, 2, 1).contiguous().requires_grad_();
    const zs = new NeuralODE(func)(zb, tb, true);
    expectT(zs, r.test_zs, 1e-5);
    expect(zs.grad_fn!.name()).toBe(r.test_zs_grad_fn);
    const w = torch.linspace(0.5, 1.5, zs.numel()).reshape(zs.shape);
    zs.mul(w).sum().backward();
    const got = [zb.grad!, tb.grad!, ...func.parameters().map((p) => p.grad!)];
    got.forEach((g, i) => expectT(g, r.adjoint_grads[i] as TJ, 1e-4));
    func.zero_grad();
    const zb2 = zb.detach().requires_grad_();
    const direct = [zb2];
    let zc = zb2;
    for (let i = 0; i < 2; i++) {
      zc = ode_solve(zc, tb.index(i).detach(), tb.index(i + 1).detach(), (zz, tt) => (func as ODEF)(zz, tt) as Tensor);
      direct.push(zc);
    }
    torch.stack(direct).mul(w).sum().backward();
    [zb2.grad!, ...func.parameters().map((p) => p.grad!)].forEach((g, i) => expectT(g, r.direct_grads[i] as TJ, 1e-4));
  });

  it("NNODEF with time as an input and time-invariant (adfdt unused); the mistakes", () => {
    torch.manual_seed(1);
    const nnf = new NNODEF(2, 8, false);
    const ode_nn = new NeuralODE(nnf);
    const [obs, losses, zp] = conduct_experiment(new NeuralODE(testODEF()), ode_nn, 2, idxs);
    expectT(obs, r.nn_obs, 1e-5);
    expectNums(losses, r.nn_losses, 1e-4);
    expectT(zp, r.nn_zp, 1e-4);
    expectT(nnf.lin3.weight, r.nn_lin3_after, 1e-4);
    torch.manual_seed(2);
    const nni = new NNODEF(2, 8, true);
    const zb = torch.Tensor([[0.6, 0.3], [-0.2, 0.5]]);
    const tb = torch.Tensor([0, 0.2, 0.35]).reshape(3, 1, 1).expand(3, 2, 1).contiguous();
    new NeuralODE(nni)(zb, tb, true).pow(2).sum().backward();
    nni.parameters().forEach((p, i) => expectT(p.grad!, r.nn_inv_grads[i] as TJ, 1e-4));
    expect(thrown(() => new NeuralODE(new nn.Linear(2, 2) as unknown as ODEF))).toEqual(r.err_not_odef);
  });

  it("the ODE-VAE on two spirals: GRU encoder over reversed time deltas, ODE decoder, ELBO, one Adam step, generate_with_seed", () => {
    torch.manual_seed(7);
    const noise_std = 0.02;
    const normal01 = new torch.distributions.Normal(0, 1.0);
    const times = torch.linspace(0, 0.3, 4).index(":", "None").expand(4, 2).index(":", ":", "None");
    const x0 = torch.autograd.Variable(normal01.sample([2, 2])).mul(2.0);
    const xs_list = [0, 1].map((i) => new NeuralODE(new SpiralFunctionExample())(x0.index(`${i}:${i + 1}`), times.index(":", `${i}:${i + 1}`), true));
    const orig_trajs = torch.cat(xs_list, { dim: 1 }).detach();
    const samp_trajs = orig_trajs.add(torch.randn_like(orig_trajs).mul(noise_std));
    expectT(samp_trajs, r.vae_samp, 1e-5);
    const vae = new ODEVAE(2, 8, 3);
    const optim_ = new torch.optim.Adam(vae.parameters(), { betas: [0.9, 0.999], lr: 0.001 });
    const max_len = 4;
    const [x_p, , z_mean, z_log_var] = vae(samp_trajs, times) as [Tensor, Tensor, Tensor, Tensor];
    const kl_loss = torch.sum(z_log_var.add(1).sub(z_mean.pow(2)).sub(torch.exp(z_log_var)), -1).mul(-0.5);
    let loss = samp_trajs.sub(x_p).pow(2).sum(-1).sum(0).mul(0.5).div(noise_std ** 2).add(kl_loss);
    loss = torch.mean(loss);
    loss = loss.div(max_len);
    optim_.zero_grad();
    loss.backward();
    expectT(z_mean, r.vae_z_mean, 1e-5);
    expectT(x_p, r.vae_x_p, 1e-5);
    expectNums([loss.item()], [r.vae_loss], 1e-5);
    expectT(vae.encoder.hid2lat.weight.grad!, r.vae_grads[0], 1e-4);
    expectT((vae.decoder.ode.func as NNODEF).lin1.weight.grad!, r.vae_grads[1], 1e-4);
    optim_.step();
    expectT(vae.generate_with_seed(samp_trajs.index(":2"), times), r.vae_gen, 1e-5);
  });

  it("a custom Function's backward: too few gradients, a wrong shape, a batched one summed to the input's", () => {
    class Short extends torch.autograd.Function {
      // eslint-disable-next-line @typescript-eslint/no-unused-vars -- b: the unused second input
      static forward(_ctx: Ctx, a: Tensor, _b: Tensor): Tensor {
        return a.mul(2);
      }
      static backward(_ctx: Ctx, g: Tensor): Tensor {
        return g.mul(2);
      }
    }
    expect(thrown(() => (Short.apply(torch.ones(2, { requires_grad: true }), torch.ones(2)) as Tensor).sum().backward())).toEqual(r.err_short_backward);
    class Wide extends torch.autograd.Function {
      static forward(_ctx: Ctx, a: Tensor): Tensor {
        return a.mul(2);
      }
      static backward(): Tensor {
        return torch.ones(3, 5);
      }
    }
    expect(thrown(() => (Wide.apply(torch.ones(4, { requires_grad: true })) as Tensor).sum().backward())).toEqual(r.err_wide_backward);
    class Batched extends torch.autograd.Function {
      static forward(_ctx: Ctx, a: Tensor): Tensor {
        return a.mul(2);
      }
      static backward(_ctx: Ctx, g: Tensor): Tensor {
        return g.unsqueeze(0).expand(3, 4).mul(torch.arange(1, 4).index(":", "None"));
      }
    }
    const pb = torch.ones(4, { requires_grad: true });
    (Batched.apply(pb) as Tensor).sum().backward();
    expectT(pb.grad!, r.batched_grad_summed, 0);
  });
});

// ============================================ PINNs (Burgers) ============================================
class DNN extends nn.Module {
  depth: number;
  activation = nn.Tanh;
  layers: nn.Sequential;
  constructor(layers: number[]) {
    super();
    this.depth = layers.length - 1;
    const layer_list: [string, nn.Module][] = [];
    for (let i = 0; i < this.depth - 1; i++) {
      layer_list.push([`layer_${i}`, new nn.Linear(layers[i], layers[i + 1])]);
      layer_list.push([`activation_${i}`, new this.activation()]);
    }
    layer_list.push([`layer_${this.depth - 1}`, new nn.Linear(layers.at(-2)!, layers.at(-1)!)]);
    const layerDict = new Map(layer_list);
    this.layers = new nn.Sequential(layerDict);
  }
  forward(x: Tensor): Tensor {
    return this.layers(x);
  }
}

/** dnn.layers.layer_0: a Sequential built from an OrderedDict exposes its children by name. */
const layer = (seq: nn.Sequential, name: string): nn.Linear => (seq as unknown as Record<string, nn.Linear>)[name];

/** The columns X[:, 0:1] / X[:, 1:2] of a numpy float64 array, as torch.tensor(..., requires_grad=True).float(). */
const column = (X: number[][], c: number): Tensor => torch.tensor(X.map((row) => [row[c]]), { requires_grad: true, dtype: torch.float64 }).float();

class PhysicsInformedNN {
  x_u: Tensor; t_u: Tensor; x_f: Tensor; t_f: Tensor; u: Tensor;
  dnn: DNN;
  optimizer: optim.LBFGS;
  iter = 0;
  losses: number[][] = [];
  constructor(X_u: number[][], u: number[][], X_f: number[][], layers: number[], public nu: number, max_iter: number) {
    this.x_u = column(X_u, 0);
    this.t_u = column(X_u, 1);
    this.x_f = column(X_f, 0);
    this.t_f = column(X_f, 1);
    this.u = np64(u).float();
    this.dnn = new DNN(layers);
    this.optimizer = new torch.optim.LBFGS(this.dnn.parameters(), {
      lr: 1.0, max_iter, max_eval: Math.floor((max_iter * 5) / 4), history_size: 50,
      tolerance_grad: 1e-5, tolerance_change: 1.0 * Number.EPSILON, line_search_fn: "strong_wolfe",
    });
  }
  net_u(x: Tensor, t: Tensor): Tensor {
    return this.dnn(torch.cat([x, t], { dim: 1 }));
  }
  net_f(x: Tensor, t: Tensor): Tensor {
    const u = this.net_u(x, t);
    const u_t = torch.autograd.grad(u, t, { grad_outputs: torch.ones_like(u), retain_graph: true, create_graph: true })[0]!;
    const u_x = torch.autograd.grad(u, x, { grad_outputs: torch.ones_like(u), retain_graph: true, create_graph: true })[0]!;
    const u_xx = torch.autograd.grad(u_x, x, { grad_outputs: torch.ones_like(u_x), retain_graph: true, create_graph: true })[0]!;
    return u_t.add(u.mul(u_x)).sub(u_xx.mul(this.nu));
  }
  loss_func = (): Tensor => {
    this.optimizer.zero_grad();
    const u_pred = this.net_u(this.x_u, this.t_u);
    const f_pred = this.net_f(this.x_f, this.t_f);
    const loss_u = torch.mean(this.u.sub(u_pred).pow(2));
    const loss_f = torch.mean(f_pred.pow(2));
    const loss = loss_u.add(loss_f);
    loss.backward();
    this.iter += 1;
    this.losses.push([loss.item(), loss_u.item(), loss_f.item()]);
    return loss;
  };
  train(): Tensor {
    this.dnn.train();
    return this.optimizer.step(this.loss_func) as Tensor;
  }
  predict(X: number[][]): [number[], number[]] {
    const x = column(X, 0);
    const t = column(X, 1);
    this.dnn.eval();
    const u = this.net_u(x, t);
    const f = this.net_f(x, t);
    return [u.detach().reshape(-1).tolist() as number[], f.detach().reshape(-1).tolist() as number[]];
  }
}

/** Python's '%e' / '%.Nf' / '%.Ne' for the log lines. */
const pyE = (v: number, d = 6): string => v.toExponential(d).replace(/e([+-])(\d)$/, "e$10$2");

class PhysicsInformedNNId {
  x: Tensor; t: Tensor; u: Tensor;
  lambda_1: nn.Parameter; lambda_2: nn.Parameter;
  dnn: DNN;
  optimizer: optim.LBFGS;
  optimizer_Adam: optim.Adam;
  iter = 0;
  log: string[] = [];
  constructor(X: number[][], u: number[][], layers: number[]) {
    this.x = column(X, 0);
    this.t = column(X, 1);
    this.u = np64(u).float();
    this.lambda_1 = new nn.Parameter(torch.tensor([0.0], { requires_grad: true }));
    this.lambda_2 = new nn.Parameter(torch.tensor([-6.0], { requires_grad: true }));
    this.dnn = new DNN(layers);
    this.dnn.register_parameter("lambda_1", this.lambda_1);
    this.dnn.register_parameter("lambda_2", this.lambda_2);
    this.optimizer = new torch.optim.LBFGS(this.dnn.parameters(), {
      lr: 1.0, max_iter: 5, max_eval: 50000, history_size: 50,
      tolerance_grad: 1e-5, tolerance_change: 1.0 * Number.EPSILON, line_search_fn: "strong_wolfe",
    });
    this.optimizer_Adam = new torch.optim.Adam(this.dnn.parameters());
  }
  net_u(x: Tensor, t: Tensor): Tensor {
    return this.dnn(torch.cat([x, t], { dim: 1 }));
  }
  net_f(x: Tensor, t: Tensor): Tensor {
    const lambda_1 = this.lambda_1;
    const lambda_2 = torch.exp(this.lambda_2);
    const u = this.net_u(x, t);
    const u_t = torch.autograd.grad(u, t, { grad_outputs: torch.ones_like(u), retain_graph: true, create_graph: true })[0]!;
    const u_x = torch.autograd.grad(u, x, { grad_outputs: torch.ones_like(u), retain_graph: true, create_graph: true })[0]!;
    const u_xx = torch.autograd.grad(u_x, x, { grad_outputs: torch.ones_like(u_x), retain_graph: true, create_graph: true })[0]!;
    return u_t.add(lambda_1.mul(u).mul(u_x)).sub(lambda_2.mul(u_xx));
  }
  loss_func = (): Tensor => {
    const u_pred = this.net_u(this.x, this.t);
    const f_pred = this.net_f(this.x, this.t);
    const loss = torch.mean(this.u.sub(u_pred).pow(2)).add(torch.mean(f_pred.pow(2)));
    this.optimizer.zero_grad();
    loss.backward();
    this.iter += 1;
    this.log.push(`Loss: ${pyE(loss.item())}, l1: ${this.lambda_1.item().toFixed(5)}, l2: ${torch.exp(this.lambda_2.detach()).item().toFixed(5)}`);
    return loss;
  };
  train(nIter: number): void {
    this.dnn.train();
    for (let epoch = 0; epoch < nIter; epoch++) {
      const u_pred = this.net_u(this.x, this.t);
      const f_pred = this.net_f(this.x, this.t);
      const loss = torch.mean(this.u.sub(u_pred).pow(2)).add(torch.mean(f_pred.pow(2)));
      this.optimizer_Adam.zero_grad();
      loss.backward();
      this.optimizer_Adam.step();
      this.log.push(`It: ${epoch}, Loss: ${pyE(loss.item(), 3)}, Lambda_1: ${this.lambda_1.item().toFixed(3)}, Lambda_2: ${torch.exp(this.lambda_2).item().toFixed(6)}`);
    }
    this.optimizer.step(this.loss_func);
  }
}

describe("jayroxis/PINNs: Burgers", () => {
  const r = ref.pinn;
  const nu = 0.01 / Math.PI;
  it("inference: the DNN, the residual, LBFGS with strong_wolfe over the closure, predict", () => {
    torch.manual_seed(1234);
    const model = new PhysicsInformedNN(r.X_u, r.u, r.X_f, [2, 8, 8, 1], nu, 8);
    expect(String(model.dnn)).toBe(r.dnn_repr);
    expect([model.x_f.is_leaf, model.x_f.requires_grad, model.x_f.grad_fn!.name()]).toEqual(r.x_f_is_leaf);
    expectT(model.net_f(model.x_f, model.t_f), r.f0, 1e-5);
    expect({ ...model.optimizer.defaults }).toEqual(r.opt_defaults);
    const final_loss = model.train();
    expectNums([final_loss.item()], [r.final_loss], 1e-6);
    expect(model.losses.length).toBe(r.losses.length);
    model.losses.forEach((l, i) => expectNums(l, r.losses[i], 1e-3));
    const st = model.optimizer.state.get(model.dnn.parameters()[0])!;
    expect({ func_evals: st.func_evals, n_iter: st.n_iter, t: Number(st.t), hist: (st.old_dirs as Tensor[]).length }).toEqual(r.lbfgs_state);
    expectT(layer(model.dnn.layers, "layer_0").weight, r.w0_after, 1e-3);
    const [u_pred, f_pred] = model.predict(r.X_f);
    expectNums(u_pred, r.u_pred, 1e-3);
    expectNums(f_pred, r.f_pred, 1e-3);
    const u_star = torch.tensor((r.X_f as number[][]).map((row) => [-Math.sin(Math.PI * row[0])]), { dtype: torch.float64 });
    const up = torch.tensor(u_pred, { dtype: torch.float64 }).reshape(-1, 1);
    const error_u = torch.linalg.norm(u_star.sub(up), 2).div(torch.linalg.norm(u_star, 2)).item();
    expectNums([error_u], [r.error_u], 1e-3);
  });

  it("identification: lambda_1 / lambda_2 registered on the DNN, Adam then LBFGS, the log lines", () => {
    torch.manual_seed(4321);
    const X_id = r.X_f as number[][];
    const u_id = X_id.map((row) => [-Math.sin(Math.PI * row[0]) * Math.exp(-row[1])]);
    const mid = new PhysicsInformedNNId(X_id, u_id, [2, 6, 6, 1]);
    expect(mid.dnn.named_parameters().map(([n]) => n)).toEqual(r.id_param_names);
    mid.train(3);
    expect(mid.log).toEqual(r.id_log);
    expectNums([mid.lambda_1.item(), mid.lambda_2.item()], r.id_lambdas, 1e-4);
  });

  it("the learner's autograd.grad and LBFGS mistakes raise torch's errors", () => {
    const xg = torch.linspace(-1, 1, 5).reshape(5, 1).requires_grad_();
    const dnn = new DNN([1, 4, 1]);
    const ug = dnn(xg);
    expect(thrown(() => torch.autograd.grad(ug, xg))).toEqual(r.err_nonscalar);
    const u_x_plain = torch.autograd.grad(ug, xg, { grad_outputs: torch.ones_like(ug), retain_graph: true })[0]!;
    expect(thrown(() => torch.autograd.grad(u_x_plain, xg, { grad_outputs: torch.ones_like(u_x_plain) }))).toEqual(r.err_no_create_graph);
    const u2 = dnn(xg);
    torch.autograd.grad(u2, xg, { grad_outputs: torch.ones_like(u2) });
    // The engine's message keeps torch's text up to "a second time", then names the JS keyword and the freed node.
    const noRetain = thrown(() => torch.autograd.grad(u2, xg, { grad_outputs: torch.ones_like(u2) }))!;
    const torchHead = (r.err_no_retain[1] as string).split(" or if you need")[0];
    expect([noRetain[0], noRetain[1].startsWith(torchHead)]).toEqual([r.err_no_retain[0], true]);
    const tg = torch.zeros(5, 1, { requires_grad: true });
    expect(thrown(() => torch.autograd.grad(dnn(xg), [xg, tg], { grad_outputs: torch.ones(5, 1) }))).toEqual(r.err_unused);
    expect(torch.autograd.grad(dnn(xg), [xg, tg], { grad_outputs: torch.ones(5, 1), allow_unused: true }).map((v) => v === null)).toEqual(r.unused_none);
    expect(thrown(() => torch.autograd.grad(dnn(xg), [xg, torch.zeros(5, 1)], { grad_outputs: torch.ones(5, 1) }))).toEqual(r.err_not_require);
    expect(thrown(() => torch.autograd.grad(dnn(xg), xg, { grad_outputs: torch.ones(5) }))).toEqual(r.err_grad_outputs_shape);
    const opt_l = new torch.optim.LBFGS(dnn.parameters(), { line_search_fn: "strong_wolfe" });
    expect(thrown(() => (opt_l.step as () => unknown)())).toEqual(r.err_no_closure);
    const opt_w = new torch.optim.LBFGS(dnn.parameters(), { line_search_fn: "wolfe" as "strong_wolfe" });
    const closure_w = (): Tensor => {
      opt_w.zero_grad();
      const lw = dnn(xg).pow(2).mean();
      lw.backward();
      return lw;
    };
    expect(thrown(() => opt_w.step(closure_w))).toEqual(r.err_wolfe);
    expect(thrown(() => new torch.optim.LBFGS([{ params: [layer(dnn.layers, "layer_0").weight] }, { params: [layer(dnn.layers, "layer_1").weight] }]))).toEqual(r.err_groups);
    // the data made by torch.tensor(X, requires_grad=True).float() is not a leaf: its .grad stays None, with torch's warning
    const warned: string[] = [];
    const warn = console.warn;
    console.warn = (...a: unknown[]) => void warned.push(String(a[0]));
    let xfl_grad: Tensor | null;
    try {
      const xfl = torch.tensor([[0.5], [0.25]], { requires_grad: true, dtype: torch.float64 }).float();
      dnn(xfl).sum().backward();
      xfl_grad = xfl.grad;
    } finally {
      console.warn = warn;
    }
    const [noGrad, torchWarnings] = r.nonleaf_grad as [boolean, string[]];
    expect(xfl_grad === null).toBe(noGrad);
    // torch's text ends with its build's "(Triggered internally at ...)" note
    expect(warned.map((m) => m.replace(/^UserWarning: /, ""))).toEqual(torchWarnings.map((m) => m.split(" (Triggered internally")[0]));
    // np.array([[1, 2]]) is an int64 array: JS numbers need the dtype said
    expect(thrown(() => torch.tensor([[1, 2]], { dtype: torch.int64, requires_grad: true }))).toEqual(r.err_int_requires_grad);
  });
});

// ============================================ MAML sine ============================================
function net(x: Tensor, params: Tensor[]): Tensor {
  x = F.linear(x, params[0], params[1]);
  x = F.relu(x);
  x = F.linear(x, params[2], params[3]);
  x = F.relu(x);
  return F.linear(x, params[4], params[5]);
}

function maml(create_graph: boolean, its = 3, n_inner_loop = 2) {
  torch.manual_seed(5);
  const params = [
    torch.Tensor(32, 1).uniform_(-1, 1).requires_grad_(),
    torch.Tensor(32).zero_().requires_grad_(),
    torch.Tensor(32, 32).uniform_(-1 / Math.sqrt(32), 1 / Math.sqrt(32)).requires_grad_(),
    torch.Tensor(32).zero_().requires_grad_(),
    torch.Tensor(1, 32).uniform_(-1 / Math.sqrt(32), 1 / Math.sqrt(32)).requires_grad_(),
    torch.Tensor(1).zero_().requires_grad_(),
  ];
  const opt = new torch.optim.SGD(params, { lr: 1e-2 });
  const alpha = 3e-2;
  const phases = [0, Math.PI, Math.PI];
  const inner: number[] = [];
  const outer: number[] = [];
  let first_grads: Tensor[] = [];
  for (let it = 0; it < its; it++) {
    const b = phases[it];
    const x = torch.rand(4, 1).mul(4 * Math.PI).sub(2 * Math.PI);
    const y = torch.sin(x.add(b));
    const v_x = torch.rand(4, 1).mul(4 * Math.PI).sub(2 * Math.PI);
    const v_y = torch.sin(v_x.add(b));
    opt.zero_grad();
    let new_params = params;
    for (let k = 0; k < n_inner_loop; k++) {
      const f = net(x, new_params);
      const loss = F.l1_loss(f, y);
      const grads = torch.autograd.grad(loss, new_params, { create_graph });
      new_params = new_params.map((p, i) => p.sub(grads[i]!.mul(alpha)));
      inner.push(loss.item());
    }
    const v_f = net(v_x, new_params);
    const loss2 = F.l1_loss(v_f, v_y);
    loss2.backward();
    if (it === 0) first_grads = params.map((p) => p.grad!.clone());
    opt.step();
    outer.push(loss2.item());
  }
  return { params, inner, outer, first_grads, alpha, n_inner_loop };
}

describe("MAML sine-wave regression (pure torch)", () => {
  const r = ref.maml;
  it("second-order MAML: inner / outer losses, the first meta-gradient, adaptation to a new phase", () => {
    const { params, inner, outer, first_grads, alpha, n_inner_loop } = maml(true);
    expectNums(inner, r.inner, 1e-5);
    expectNums(outer, r.outer, 1e-5);
    first_grads.forEach((g, i) => expectT(g, r.first_grads[i] as TJ, 1e-4));
    params.forEach((p, i) => expectT(p, r.params_after[i] as TJ, 1e-5));
    const t_b = Math.PI;
    const t_x = torch.rand(4, 1).mul(4 * Math.PI).sub(2 * Math.PI);
    const t_y = torch.sin(t_x.add(t_b));
    let t_params = params;
    for (let k = 0; k < n_inner_loop; k++) {
      const t_f = net(t_x, t_params);
      const t_loss = F.l1_loss(t_f, t_y);
      const grads = torch.autograd.grad(t_loss, t_params, { create_graph: true });
      t_params = t_params.map((p, i) => p.sub(grads[i]!.mul(alpha)));
    }
    const test_x = torch.arange(-2 * Math.PI, 2 * Math.PI, { step: 0.01 }).unsqueeze(1);
    const test_y = torch.sin(test_x.add(t_b));
    const test_f = net(test_x, t_params);
    expect(test_x.shape).toEqual(r.test_shape);
    expectNums([test_f.sum().item()], [r.test_f_sum], 1e-4);
    expectNums(test_f.index(":5", 0).tolist() as number[], r.test_f_head, 1e-5);
    expectNums([F.l1_loss(test_f, test_y).item()], [r.test_mae], 1e-5);
  });

  it("first-order MAML (no create_graph) and the in-place leaf update mistake", () => {
    const { outer, first_grads } = maml(false);
    expectNums(outer, r.fo_outer, 1e-5);
    first_grads.forEach((g, i) => expectT(g, r.fo_first_grads[i] as TJ, 1e-4));
    const pl = [torch.Tensor(3).uniform_().requires_grad_()];
    expect(thrown(() => pl[0].sub_(torch.ones(3).mul(0.1)))).toEqual(r.err_inplace_leaf);
  });
});
