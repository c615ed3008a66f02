/**
 * fast.ai "Practical Deep Learning for Coders" part 2 (fastai/course22p2): the from-scratch notebooks and the
 * miniai package, translated to the engine's API as a learner would -- 01_matmul (loops, broadcasting,
 * einsum, expand_as strides), 03_backprop (lin / relu / mse gradients by hand, checked against autograd),
 * 11_initializing (deep products at 0.1 and kaiming scale, GeneralRelu, conv / get_model, init_weights
 * through apply, Hook over register_forward_hook, LSUV, LayerNorm and BatchNorm by hand), 12_accel_sgd
 * (SGD / Momentum / RMSProp / Adam by hand keeping their state as attributes on the parameters, the
 * Learner's one_batch loop, CosineAnnealingLR and OneCycleLR as the notebook inspects them), 13_resnet
 * (ResBlock with AvgPool2d(ceil_mode=True) and a 1x1 idconv) and 14_augment (rand_erase / rand_copy).
 * MNIST / Fashion-MNIST are replaced by seeded torch.rand images (16 of 28x28), sizes are small.
 * Values are checked against torch 1.13 running the notebooks' code after the same torch.manual_seed
 * (scripts/fixtures/miniai_fixtures.py -> tests/fixtures/torch/tutorials/miniai.json).
 *
 * Python forms and how they are written here: `p -= lr * g` / `p *= k` under no_grad are sub_ / mul_;
 * `x.g = ...` and `p.grad_avg = ...` are attributes set on the tensors, as in Python; functools.partial is a
 * closure; a class passed as `act=nn.ReLU` is a factory; `c[None, :]` is c.index(null, ":") ... with "None";
 * `abs(h.std - 1) > 1e-3` reads .item(); random positions in rand_erase are fixed (the test passes them).
 */
import { describe, expect, it } from "vitest";
import { F, nn, optim, torch, utils, type Tensor } from "../../../../lib/tensor/index";
import { expectClose } from "../core/fixtures";
import { tutorialFixture } from "./helpers";

type FT = { shape: number[]; data: number[] };
const ref = tutorialFixture<Record<string, unknown>>("miniai.json");
const R = (k: string): FT => ref[k] as FT;
const close = (t: Tensor, e: FT, rtol = 1e-4, atol = 1e-5, label = ""): void => {
  expect(t.shape, label).toEqual(e.shape);
  expectClose(t, e.data, rtol, atol, label);
};
const init = nn.init;

// ---------------------------------------------------------------------------------------------
// 01_matmul
// ---------------------------------------------------------------------------------------------
describe("01_matmul", () => {
  it("loops, the broadcast row version, einsum and @ agree with torch", () => {
    torch.manual_seed(1);
    const weights = torch.randn(784, 10);
    torch.zeros(10);
    const x_valid = torch.rand(5, 784);
    const [m1, m2] = [x_valid.index(":5"), weights];
    const [a_, b_] = [m1.index(":2", ":20"), m2.index(":20", ":3")];
    const t1 = torch.zeros(2, 3);
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 3; j++)
        for (let k = 0; k < 20; k++) t1.index_put_([i, j], t1.index(i, j).add(a_.index(i, k).mul(b_.index(k, j)))); // t1[i,j] += a[i,k] * b[k,j]
    close(t1, R("matmul_loop"), 1e-5, 1e-5, "loop");
    function matmul(a: Tensor, b: Tensor): Tensor {
      const [[ar], [, bc]] = [a.shape, b.shape];
      const c = torch.zeros(ar, bc);
      for (let i = 0; i < ar; i++) c.index_put_([i], a.index(i, ":", "None").mul(b).sum({ dim: 0 })); // c[i] = (a[i,:,None] * b).sum(dim=0)
      return c;
    }
    close(matmul(m1, m2), R("matmul_broadcast"), 1e-4, 1e-4, "broadcast");
    close(torch.einsum("ik,kj->ikj", m1, m2).sum(1), R("matmul_einsum_ikj_sum"), 1e-4, 1e-4, "einsum");
    close(torch.einsum("ik,kj->ij", m1, m2), R("matmul_at"), 1e-4, 1e-4, "einsum ij");
    close(m1.matmul(m2), R("matmul_at"), 1e-4, 1e-4, "@");
    const c = torch.tensor([10, 20, 30]);
    const m = torch.tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
    const t = c.expand_as(m);
    expect(t.stride()).toEqual(ref.expand_stride);
    expect(t.storage().size()).toBe(3);
    close(c.index("None", ":").mul(c.index(":", "None")), R("outer"), 0, 0, "outer");
    close(c.index("None").gt(c.index(":", "None")).int(), R("gt"), 0, 0, "c[None] > c[:,None]");
    close(m.add(c.index(":", "None")), R("m_plus_col"), 0, 0, "m + c[:,None]");
  });
});

// ---------------------------------------------------------------------------------------------
// 03_backprop
// ---------------------------------------------------------------------------------------------
type G = Tensor & { g?: Tensor };
const lin = (x: Tensor, w: Tensor, b: Tensor): Tensor => x.matmul(w).add(b);
const relu = (x: Tensor): Tensor => x.clamp_min(0);
const mse = (output: Tensor, targ: Tensor): Tensor => output.index(":", 0).sub(targ).pow(2).mean();

describe("03_backprop", () => {
  it("forward_and_backward by hand (x.g on the tensors) equals torch's and the engine's autograd", () => {
    torch.manual_seed(2);
    const [n, m, nh] = [64, 20, 10];
    const x_train: G = torch.randn(n, m);
    const y_train = torch.randint(0, 10, [n]).float();
    const w1: G = torch.randn(m, nh);
    const b1: G = torch.zeros(nh);
    const w2: G = torch.randn(nh, 1);
    const b2: G = torch.zeros(1);
    close(x_train, R("bp_x"), 1e-5, 1e-6, "x"); // torch's stream up to Box-Muller roundings
    close(y_train, R("bp_y"), 0, 0, "y");
    const model = (xb: Tensor): Tensor => lin(relu(lin(xb, w1, b1)), w2, b2);
    expect(mse(model(x_train), y_train).item()).toBeCloseTo(ref.bp_mse as number, 3);

    function lin_grad(inp: G, out: G, w: G, b: G): void {
      inp.g = out.g!.matmul(w.t());
      w.g = inp.unsqueeze(-1).mul(out.g!.unsqueeze(1)).sum(0);
      b.g = out.g!.sum(0);
    }
    function forward_and_backward(inp: G, targ: Tensor): void {
      const l1: G = lin(inp, w1, b1);
      const l2: G = relu(l1);
      const out: G = lin(l2, w2, b2);
      const diff = out.index(":", 0).sub(targ);
      diff.pow(2).mean();
      out.g = diff.index(":", "None").mul(2).div(inp.shape[0]);
      lin_grad(l2, out, w2, b2);
      l1.g = l1.gt(0).float().mul(l2.g!);
      lin_grad(inp, l1, w1, b1);
    }
    forward_and_backward(x_train, y_train);
    const chks = [w1, w2, b1, b2, x_train];
    const grads = ref.bp_grads as FT[];
    chks.forEach((t, i) => close(t.g!, grads[i], 1e-3, 1e-3, `hand grad ${i}`));

    const mkgrad = (x: Tensor): Tensor => x.clone().requires_grad_(true);
    const [w12, w22, b12, b22, xt2] = chks.map(mkgrad);
    const loss = mse(lin(relu(lin(xt2, w12, b12)), w22, b22), y_train);
    loss.backward();
    [w12, w22, b12, b22, xt2].forEach((p, i) => expectClose(p.grad!, chks[i].g!.tolist() as number[], 1e-3, 1e-3, `autograd ${i}`));
  });
});

// ---------------------------------------------------------------------------------------------
// 11_initializing, 12_accel_sgd, 13_resnet
// ---------------------------------------------------------------------------------------------
class GeneralRelu extends nn.Module {
  constructor(public leak: number | null = null, public sub: number | null = null, public maxv: number | null = null) {
    super();
  }
  forward(x: Tensor): Tensor {
    x = this.leak !== null ? F.leaky_relu(x, this.leak) : F.relu(x);
    if (this.sub !== null) x.sub_(this.sub); // x -= self.sub
    if (this.maxv !== null) x.clamp_max_(this.maxv);
    return x;
  }
}

type Act = (() => nn.Module) | null;
type Norm = (new (nf: number) => nn.Module) | null | false;
const act_gr = (): nn.Module => new GeneralRelu(0.1, 0.4); // partial(GeneralRelu, leak=0.1, sub=0.4)

function conv(ni: number, nf: number, ks = 3, stride = 2, act: Act = () => new nn.ReLU(), norm: Norm = null, bias: boolean | null = null): nn.Sequential {
  if (bias === null) bias = !(norm instanceof nn.BatchNorm1d || norm instanceof nn.BatchNorm2d || norm instanceof nn.BatchNorm3d);
  const layers: nn.Module[] = [new nn.Conv2d(ni, nf, { stride, kernel_size: ks, padding: Math.floor(ks / 2), bias })];
  if (norm) layers.push(new norm(nf));
  if (act) layers.push(act());
  return new nn.Sequential(...layers);
}

function get_model(act: Act = () => new nn.ReLU(), nfs: number[] | null = null, norm: Norm = null): nn.Sequential {
  if (nfs === null) nfs = [1, 8, 16, 32, 64];
  const layers = nfs.slice(0, -1).map((_, i) => conv(nfs[i], nfs[i + 1], 3, 2, act, norm));
  return new nn.Sequential(...layers, conv(nfs[nfs.length - 1], 10, 3, 2, null, false, true), new nn.Flatten());
}

function init_weights(m: nn.Module, leaky = 0): void {
  if (m instanceof nn.Conv1d || m instanceof nn.Conv2d || m instanceof nn.Conv3d) init.kaiming_normal_(m.weight, { a: leaky });
}
const iw = (m: nn.Module): void => init_weights(m, 0.1);

class Hook {
  hook: { remove(): void };
  [k: string]: unknown;
  constructor(m: nn.Module, f: (hook: Hook, mod: nn.Module, inp: unknown[], outp: unknown) => void) {
    this.hook = m.register_forward_hook((mod, inp, outp) => f(this, mod, inp, outp)); // partial(f, self)
  }
  remove(): void {
    this.hook.remove();
  }
}

class LayerNorm extends nn.Module {
  mult: nn.Parameter;
  add: nn.Parameter;
  constructor(_dummy: number, public eps = 1e-5) {
    super();
    this.mult = new nn.Parameter(torch.tensor(1.0));
    this.add = new nn.Parameter(torch.tensor(0.0));
  }
  forward(x: Tensor): Tensor {
    const m = x.mean([1, 2, 3], { keepdim: true });
    const v = x.var([1, 2, 3], { keepdim: true });
    x = x.sub(m).div(v.add(this.eps).sqrt());
    return x.mul(this.mult).add(this.add);
  }
}

class BatchNorm extends nn.Module {
  mults: nn.Parameter;
  adds: nn.Parameter;
  declare vars: Tensor;
  declare means: Tensor;
  constructor(nf: number, public mom = 0.1, public eps = 1e-5) {
    super();
    this.mults = new nn.Parameter(torch.ones(nf, 1, 1));
    this.adds = new nn.Parameter(torch.zeros(nf, 1, 1));
    this.register_buffer("vars", torch.ones(1, nf, 1, 1));
    this.register_buffer("means", torch.zeros(1, nf, 1, 1));
  }
  update_stats(x: Tensor): [Tensor, Tensor] {
    const m = x.mean([0, 2, 3], { keepdim: true });
    const v = x.var([0, 2, 3], { keepdim: true });
    this.means.lerp_(m, this.mom);
    this.vars.lerp_(v, this.mom);
    return [m, v];
  }
  forward(x: Tensor): Tensor {
    let m: Tensor, v: Tensor;
    if (this.training) [m, v] = torch.no_grad(() => this.update_stats(x));
    else [m, v] = [this.means, this.vars];
    x = x.sub(m).div(v.add(this.eps).sqrt());
    return x.mul(this.mults).add(this.adds);
  }
}

type P = Tensor & { grad_avg?: Tensor; sqr_avg?: Tensor; avg?: Tensor };
class SGD {
  params: P[];
  i = 0;
  constructor(params: Iterable<Tensor>, public lr: number, public wd = 0) {
    this.params = [...params];
  }
  step(): void {
    torch.no_grad(() => {
      for (const p of this.params) {
        this.reg_step(p);
        this.opt_step(p);
      }
    });
    this.i += 1;
  }
  opt_step(p: P): void {
    p.sub_(p.grad!.mul(this.lr));
  }
  reg_step(p: P): void {
    if (this.wd !== 0) p.mul_(1 - this.lr * this.wd);
  }
  zero_grad(): void {
    for (const p of this.params) p.grad!.data.zero_();
  }
}

class Momentum extends SGD {
  constructor(params: Iterable<Tensor>, lr: number, wd = 0, public mom = 0.9) {
    super(params, lr, wd);
  }
  override opt_step(p: P): void {
    if (!("grad_avg" in p)) p.grad_avg = torch.zeros_like(p.grad!);
    p.grad_avg = p.grad_avg!.mul(this.mom).add(p.grad!.mul(1 - this.mom));
    p.sub_(p.grad_avg.mul(this.lr));
  }
}

class RMSProp extends SGD {
  constructor(params: Iterable<Tensor>, lr: number, wd = 0, public sqr_mom = 0.99, public eps = 1e-5) {
    super(params, lr, wd);
  }
  override opt_step(p: P): void {
    if (!("sqr_avg" in p)) p.sqr_avg = p.grad!.pow(2);
    p.sqr_avg = p.sqr_avg!.mul(this.sqr_mom).add(p.grad!.pow(2).mul(1 - this.sqr_mom));
    p.sub_(p.grad!.div(p.sqr_avg.sqrt().add(this.eps)).mul(this.lr));
  }
}

class Adam extends SGD {
  constructor(params: Iterable<Tensor>, lr: number, wd = 0, public beta1 = 0.9, public beta2 = 0.99, public eps = 1e-5) {
    super(params, lr, wd);
  }
  override opt_step(p: P): void {
    if (!("avg" in p)) p.avg = torch.zeros_like(p.grad!.data);
    if (!("sqr_avg" in p)) p.sqr_avg = torch.zeros_like(p.grad!.data);
    p.avg = p.avg!.mul(this.beta1).add(p.grad!.mul(1 - this.beta1));
    const unbias_avg = p.avg.div(1 - this.beta1 ** (this.i + 1));
    p.sqr_avg = p.sqr_avg!.mul(this.beta2).add(p.grad!.pow(2).mul(1 - this.beta2));
    const unbias_sqr_avg = p.sqr_avg.div(1 - this.beta2 ** (this.i + 1));
    p.sub_(unbias_avg.div(unbias_sqr_avg.add(this.eps).sqrt()).mul(this.lr));
  }
}

/** The images: 16 seeded torch.rand 28x28 images, normalised by their mean / std as the notebook does. */
function images(): Tensor {
  torch.manual_seed(4);
  let xb = torch.rand(16, 1, 28, 28);
  const [xmean, xstd] = [xb.mean(), xb.std()];
  xb = xb.sub(xmean).div(xstd);
  return xb;
}

/** The Learner's one_batch, `steps` times on one batch: predict, loss, backward, step, zero_grad. */
function fit(model: nn.Module, opt: { step(): void; zero_grad(): void }, xb: Tensor, yb: Tensor, steps = 4): number[] {
  const losses: number[] = [];
  model.train();
  for (let i = 0; i < steps; i++) {
    const preds = model(xb) as Tensor;
    const loss = F.cross_entropy(preds, yb);
    loss.backward();
    opt.step();
    opt.zero_grad();
    losses.push(loss.item());
  }
  return losses;
}

describe("11_initializing", () => {
  it("fifty products at 0.1 collapse, at sqrt(2/100) with relu they keep scale; the notebook's statistics", () => {
    torch.manual_seed(3);
    let x = torch.randn(200, 100);
    for (let i = 0; i < 50; i++) x = x.matmul(torch.randn(100, 100).mul(0.1));
    close(x.index("0:5", "0:5"), R("init_deep_01"), 2e-3, 1e-30, "x @ (randn * 0.1)");
    x = torch.randn(200, 100);
    for (let i = 0; i < 50; i++) x = relu(x.matmul(torch.randn(100, 100).mul(Math.sqrt(2 / 100))));
    close(x.index("0:5", "0:5"), R("init_kaiming"), 2e-3, 1e-5, "kaiming");
    const t = torch.tensor([1.0, 2.0, 4.0, 18]);
    const m = t.mean();
    expectClose([m.item(), t.sub(m).pow(2).mean().item(), t.sub(m).abs().mean().item(), t.std().item()], ref.stats as number[], 1e-6, 1e-6, "stats");
    close(new GeneralRelu(0.1, 0.4, 2.0)(torch.linspace(-5, 5, 11)), R("general_relu"), 1e-6, 1e-6, "GeneralRelu");
  });

  it("get_model(act_gr).apply(iw), Hook-recorded activation stats, removed hooks stop recording", () => {
    const xb = images();
    close(xb, R("xb"), 1e-5, 1e-5, "xb");
    const model = get_model(act_gr).apply(iw);
    close(model(xb), R("conv_out"), 1e-3, 1e-4, "conv_out");
    const append_stats = (hook: Hook, _mod: nn.Module, _inp: unknown[], outp: unknown): void => {
      if (!("stats" in hook)) hook.stats = [[], []];
      const acts = (outp as Tensor).detach();
      const stats = hook.stats as [number[], number[]];
      stats[0].push(acts.mean().item());
      stats[1].push(acts.std().item());
    };
    const hooks = [...model].filter((l) => l instanceof nn.Sequential).map((l) => new Hook(l, append_stats));
    model(xb);
    model(xb.index(":8"));
    expectClose(hooks.map((h) => h.stats as number[][]), ref.hook_stats as number[][][], 1e-3, 1e-4, "hook stats");
    for (const h of hooks) h.remove();
    model(xb);
    expect(hooks.map((h) => (h.stats as number[][])[0].length)).toEqual(ref.hook_stats_after_remove);
  });

  it("LSUV: Hook on each GeneralRelu, bias -= mean and weight.data /= std until both are within 1e-3", () => {
    const xb = images();
    const _lsuv_stats = (hook: Hook, _mod: nn.Module, _inp: unknown[], outp: unknown): void => {
      const acts = (outp as Tensor).detach();
      hook.mean = acts.mean();
      hook.std = acts.std();
    };
    function lsuv_init(model: nn.Module, m: nn.Module, m_in: nn.Conv2d, xb: Tensor): [number, number, number] {
      const h = new Hook(m, _lsuv_stats);
      let n = 0;
      torch.no_grad(() => {
        while (model(xb) !== null && ((h.std as Tensor).sub(1).abs().item() > 1e-3 || (h.mean as Tensor).abs().item() > 1e-3)) {
          m_in.bias!.sub_(h.mean as Tensor); // m_in.bias -= h.mean
          m_in.weight.data.div_(h.std as Tensor);
          n += 1;
        }
      });
      h.remove();
      return [n, (h.mean as Tensor).item(), (h.std as Tensor).item()];
    }
    torch.manual_seed(5);
    const model = get_model(act_gr);
    const relus = [...model.modules()].filter((o) => o instanceof GeneralRelu);
    const convs = [...model.modules()].filter((o): o is nn.Conv2d => o instanceof nn.Conv2d);
    const got = relus.map((r, i) => lsuv_init(model, r, convs[i], xb));
    const want = ref.lsuv as [number, number, number][];
    got.forEach(([n, mean, std], i) => {
      expect(Math.abs(n - want[i][0]), `iterations of layer ${i}`).toBeLessThanOrEqual(1);
      expect(Math.abs(mean)).toBeLessThanOrEqual(1e-3);
      expect(Math.abs(std - 1)).toBeLessThanOrEqual(1e-3);
    });
    close(convs[0].weight, R("lsuv_w0"), 2e-3, 1e-4, "lsuv weight");
    close(model(xb), R("lsuv_out"), 2e-2, 2e-3, "lsuv out");
  });
});

describe("11/12: norms by hand and optimisers by hand in the Learner's loop", () => {
  const runs = ref.runs as Record<string, { losses: number[]; eval: FT; means?: FT; vars?: FT; running_var?: FT }>;
  const cases: [string, Norm, (ps: Iterable<Tensor>, lr: number) => SGD, number][] = [
    ["layernorm_sgd", LayerNorm, (ps, lr) => new SGD(ps, lr), 0.2],
    ["batchnorm_momentum", BatchNorm, (ps, lr) => new Momentum(ps, lr), 0.5],
    ["bn2d_rmsprop", nn.BatchNorm2d, (ps, lr) => new RMSProp(ps, lr), 3e-3],
    ["bn2d_adam", nn.BatchNorm2d, (ps, lr) => new Adam(ps, lr), 6e-3],
    ["bn2d_sgd_wd", nn.BatchNorm2d, (ps, lr) => new SGD(ps, lr, 1e-2), 0.4], // partial(SGD, wd=1e-2)
  ];
  for (const [name, norm, opt_func, lr] of cases) {
    it(`${name}: four steps' losses, the eval output${norm === BatchNorm ? ", the lerped running stats" : ""}`, () => {
      const xb = images();
      const yb = torch.tensor(ref.yb as number[], { dtype: torch.long });
      torch.manual_seed(6);
      const model = get_model(act_gr, null, norm).apply(iw);
      const opt = opt_func(model.parameters(), lr);
      const losses = fit(model, opt, xb, yb);
      model.eval();
      const run = runs[name];
      expectClose(losses, run.losses, 2e-3, 1e-4, `${name} losses`);
      close((model(xb) as Tensor).index(":4"), run.eval, 2e-2, 2e-3, `${name} eval`);
      const bn = (model.get(0) as nn.Sequential).get(1) as BatchNorm & nn.BatchNorm2d;
      if (run.means) close(bn.means, run.means, 1e-3, 1e-5, "means");
      if (run.vars) close(bn.vars, run.vars, 1e-3, 1e-5, "vars");
      if (run.running_var) close(bn.running_var!, run.running_var, 1e-3, 1e-5, "running_var");
    });
  }
});

describe("12_accel_sgd: schedulers as the notebook inspects them", () => {
  it("CosineAnnealingLR(opt, 100) for 110 steps; OneCycleLR's lr and betas[0] per batch on AdamW", () => {
    torch.manual_seed(7);
    const model = get_model();
    let opt = new optim.AdamW(model.parameters(), { lr: 6e-3 });
    let sched: optim.lr_scheduler.CosineAnnealingLR | optim.lr_scheduler.OneCycleLR = new optim.lr_scheduler.CosineAnnealingLR(opt, 100);
    expect(sched.base_lrs).toEqual(ref.cos_base_lrs);
    const lrs: number[][] = [sched.get_last_lr()];
    for (let i = 0; i < 110; i++) {
      sched.optimizer.step();
      sched.step();
      lrs.push(sched.get_last_lr());
    }
    expectClose(lrs.map((l) => l[0]), ref.cos_lrs as number[], 1e-9, 1e-15, "cosine");
    opt = new optim.AdamW(model.parameters(), { lr: 6e-2 });
    sched = new optim.lr_scheduler.OneCycleLR(opt, { max_lr: 6e-2, total_steps: 30 });
    const pg = opt.param_groups[0];
    const [olrs, moms]: number[][] = [[], []];
    for (let i = 0; i < 30; i++) {
      olrs.push(pg.lr as number);
      moms.push((pg.betas as [number, number])[0]);
      opt.step();
      sched.step();
    }
    expectClose(olrs, ref.onecycle_lrs as number[], 1e-9, 1e-15, "onecycle lr");
    expectClose(moms, ref.onecycle_moms as number[], 1e-9, 1e-15, "onecycle betas[0]");
    expect(Object.keys(pg).sort()).toEqual(ref.adamw_pg_keys);
  });
});

// 13_resnet
function _conv_block(ni: number, nf: number, stride: number, act: Act = act_gr, norm: Norm = null, ks = 3): nn.Sequential {
  return new nn.Sequential(conv(ni, nf, ks, 1, act, norm), conv(nf, nf, ks, stride, null, norm));
}

class ResBlock extends nn.Module {
  convs: nn.Sequential;
  idconv: (x: Tensor) => Tensor;
  pool: (x: Tensor) => Tensor;
  act: nn.Module;
  constructor(ni: number, nf: number, stride = 1, ks = 3, act: Act = act_gr, norm: Norm = null) {
    super();
    const noop = (x: Tensor): Tensor => x; // fc.noop
    this.convs = _conv_block(ni, nf, stride, act, norm, ks);
    this.idconv = ni === nf ? noop : conv(ni, nf, 1, 1, null);
    this.pool = stride === 1 ? noop : new nn.AvgPool2d(2, { ceil_mode: true });
    this.act = act!();
  }
  forward(x: Tensor): Tensor {
    return this.act(this.convs(x).add(this.idconv(this.pool(x)))) as Tensor;
  }
}

describe("13_resnet", () => {
  it("ResBlocks (1x1 idconv, AvgPool2d ceil_mode on odd sizes): seeded output, three SGD-momentum steps", () => {
    const xb = images();
    const yb = torch.tensor(ref.yb as number[], { dtype: torch.long });
    function get_model(act: Act = () => new nn.ReLU(), nfs = [8, 16, 32], norm: Norm = nn.BatchNorm2d): nn.Sequential {
      const layers: nn.Module[] = [new ResBlock(1, 8, 1, 3, act, norm)];
      for (let i = 0; i < nfs.length - 1; i++) layers.push(new ResBlock(nfs[i], nfs[i + 1], 2, 3, act, norm));
      layers.push(new nn.Flatten(), new nn.Linear(nfs[nfs.length - 1] * 7 * 7, 10, { bias: false }), new nn.BatchNorm1d(10));
      return new nn.Sequential(...layers);
    }
    torch.manual_seed(8);
    const model = get_model(act_gr).apply(iw);
    expect([...model.parameters()].reduce((s, p) => s + p.numel(), 0)).toBe(ref.res_params);
    close((model(xb) as Tensor).index(":4"), R("res_out"), 1e-3, 1e-4, "res_out");
    const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
    expectClose(fit(model, opt, xb, yb, 3), ref.res_losses as number[], 2e-3, 1e-4, "res losses");
    const xodd = torch.randn(2, 8, 7, 7);
    const rb = new ResBlock(8, 16, 2, 3, act_gr, nn.BatchNorm2d);
    close(rb(xodd) as Tensor, R("res_odd"), 1e-3, 1e-4, "odd");
  });
});

describe("14_augment", () => {
  it("rand_erase (init.normal_ on a slice, mean / std as 0-dim tensors, clamp_ to tensors) and rand_copy", () => {
    const xb = images();
    function _rand_erase1(x: Tensor, pct: number, xm: Tensor, xs: Tensor, mn: Tensor, mx: Tensor, stx: number, sty: number): void {
      const szx = Math.trunc(pct * x.shape[x.dim() - 2]);
      const szy = Math.trunc(pct * x.shape[x.dim() - 1]);
      init.normal_(x.index(":", ":", `${stx}:${stx + szx}`, `${sty}:${sty + szy}`), { mean: xm, std: xs });
      x.clamp_(mn, mx);
    }
    function _rand_copy1(x: Tensor, pct: number, stx1: number, sty1: number, stx2: number, sty2: number): void {
      const szx = Math.trunc(pct * x.shape[x.dim() - 2]);
      const szy = Math.trunc(pct * x.shape[x.dim() - 1]);
      x.index_put_([":", ":", `${stx1}:${stx1 + szx}`, `${sty1}:${sty1 + szy}`], x.index(":", ":", `${stx2}:${stx2 + szx}`, `${sty2}:${sty2 + szy}`));
    }
    torch.manual_seed(9);
    const xa = xb.index(":2").clone();
    const [xm, xs, mn, mx] = [xa.mean(), xa.std(), xa.min(), xa.max()];
    _rand_erase1(xa, 0.2, xm, xs, mn, mx, 3, 10);
    _rand_erase1(xa, 0.2, xm, xs, mn, mx, 17, 2);
    close(xa, R("erased"), 1e-4, 1e-4, "erased");
    _rand_copy1(xa, 0.25, 0, 0, 20, 21);
    close(xa, R("copied"), 1e-4, 1e-4, "copied");
  });

  it("normal_ / uniform_ take 0-dim tensors for their float arguments (they filled NaN); other tensors raise torch's TypeError", () => {
    torch.manual_seed(10);
    const got = [torch.zeros(4).normal_(torch.tensor(2.0), torch.tensor(0.5)), init.uniform_(torch.zeros(4), torch.tensor(-1, { dtype: torch.long }), torch.tensor(3.0))];
    (ref.float_args as FT[]).forEach((e, i) => close(got[i], e, 1e-5, 1e-6, `float args ${i}`));
    const t = torch.zeros(3);
    const calls = [
      () => t.normal_(torch.tensor([1.0]), 1.0),
      () => t.normal_({ std: torch.tensor([1.0, 2]) }),
      () => init.uniform_(t, 0.0, torch.tensor([1.0, 2])),
      () => init.normal_(t, torch.ones(2, 2)),
    ];
    const pyError = (f: () => unknown): [string, string] | null => {
      try {
        f();
      } catch (e) {
        return [(e as Error).name, (e as Error).message]; // e.name is Python's class name (TypeError_ is "TypeError")
      }
      return null;
    };
    expect(calls.map(pyError)).toEqual(ref.float_arg_errors);
    expect(t.tolist()).toEqual([0, 0, 0]); // nothing written
  });
});

describe("04_minibatch_training / 09_learner / 10_activations", () => {
  it("a Dataset class with a collate_fn in a shuffled DataLoader, the hand SGD loop (p -= p.grad * lr; model.zero_grad())", () => {
    torch.manual_seed(11);
    const [x_tr, y_tr] = [torch.randn(64, 20), torch.randint(0, 5, [64])];
    class Dataset {
      constructor(public x: Tensor, public y: Tensor) {}
      __len__(): number {
        return this.x.shape[0];
      }
      __getitem__(i: number): [Tensor, Tensor] {
        return [this.x.index(i), this.y.index(i)];
      }
    }
    const collate = (b: [Tensor, Tensor][]): [Tensor, Tensor] => {
      const [xs, ys] = [b.map((o) => o[0]), b.map((o) => o[1])]; // xs, ys = zip(*b)
      return [torch.stack(xs), torch.stack(ys)];
    };
    const accuracy = (out: Tensor, yb: Tensor): Tensor => out.argmax({ dim: 1 }).eq(yb).float().mean();
    const train_ds = new Dataset(x_tr, y_tr);
    const model = new nn.Sequential(new nn.Linear(20, 50), new nn.ReLU(), new nn.Linear(50, 5));
    const dl = new utils.data.DataLoader(train_ds, { batch_size: 16, shuffle: true, collate_fn: collate });
    const lr = 0.5;
    const mb: number[][] = [];
    for (let epoch = 0; epoch < 2; epoch++) {
      let loss!: Tensor;
      for (const [xb, yb] of dl as Iterable<[Tensor, Tensor]>) {
        const preds = model(xb);
        loss = F.cross_entropy(preds, yb);
        loss.backward();
        torch.no_grad(() => {
          for (const p of model.parameters()) p.sub_(p.grad!.mul(lr)); // p -= p.grad * lr
          model.zero_grad();
        });
      }
      mb.push([loss.item(), accuracy(model(x_tr), y_tr).item()]);
    }
    expectClose(mb, ref.minibatch as number[][], 1e-4, 1e-5, "minibatch");
  });

  it("MomentumLearner's zero_grad (p.grad *= mom) and ActivationStats' histc histograms, get_hist / get_min", () => {
    torch.manual_seed(11);
    const [x_tr, y_tr] = [torch.randn(64, 20), torch.randint(0, 5, [64])];
    const append_hist = (hook: Hook, _mod: nn.Module, _inp: unknown[], outp: unknown): void => {
      if (!("stats" in hook)) hook.stats = [[], [], []];
      const acts = (outp as Tensor).detach();
      const stats = hook.stats as [number[], number[], Tensor[]];
      stats[0].push(acts.mean().item());
      stats[1].push(acts.std().item());
      stats[2].push(acts.abs().histc(40, 0, 10));
    };
    const stats = (h: Hook): Tensor[] => (h.stats as [number[], number[], Tensor[]])[2];
    const get_hist = (h: Hook): Tensor => torch.stack(stats(h)).t().float().log1p();
    const get_min = (h: Hook): Tensor => {
      const h1 = torch.stack(stats(h)).t().float();
      return h1.index(0).div(h1.sum(0));
    };
    torch.manual_seed(12);
    const model = new nn.Sequential(new nn.Linear(20, 50), new nn.ReLU(), new nn.Linear(50, 50), new nn.ReLU(), new nn.Linear(50, 5));
    const hooks = [...model].filter((m) => m instanceof nn.ReLU).map((m) => new Hook(m, append_hist));
    const opt = new optim.SGD(model.parameters(), { lr: 0.2 });
    const mom = 0.85;
    const ml: number[] = [];
    for (let i = 0; i < 3; i++) {
      const loss = F.cross_entropy(model(x_tr), y_tr);
      loss.backward();
      opt.step();
      torch.no_grad(() => {
        for (const p of model.parameters()) p.grad!.mul_(mom); // p.grad *= self.mom
      });
      ml.push(loss.item());
    }
    expectClose(ml, ref.momentum_learner as number[], 1e-5, 1e-6, "momentum learner");
    (ref.hist as FT[]).forEach((e, i) => close(get_hist(hooks[i]), e, 1e-5, 1e-6, `hist ${i}`));
    (ref.hist_min as FT[]).forEach((e, i) => close(get_min(hooks[i]), e, 1e-5, 1e-6, `hist_min ${i}`));
  });
});
