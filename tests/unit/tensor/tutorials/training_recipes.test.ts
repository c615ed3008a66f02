/**
 * The PyTorch recipes a training loop leans on: learning-rate schedulers as torch.optim documents
 * them (chained too), gradient clipping, torch.manual_seed reproducibility (with a seeded
 * DataLoader generator and rng state save/restore), train() / eval(), named_parameters and
 * freezing, register_buffer, forward / forward-pre / full backward hooks, and "Saving and loading a
 * general checkpoint" (resume = uninterrupted training), several models in one file, and
 * warmstarting with strict=False. Schedules and clipping match PyTorch 1.13 (recipes.json).
 */
import { describe, expect, it } from "vitest";
import { F, nn, optim, torch, utils, type Tensor } from "../../../../lib/tensor/index";
import { expectClose } from "../core/fixtures";
import { tutorialFixture } from "./helpers";

const ref = tutorialFixture<Record<string, number[] | number[][] | number>>("recipes.json");
const S = optim.lr_scheduler;

describe("learning-rate schedulers", () => {
  /** opt.step() then scheduler.step() per epoch, recording the lr each epoch used. */
  function run(make: (o: optim.SGD) => (optim.lr_scheduler.LRScheduler | optim.lr_scheduler.ReduceLROnPlateau)[], epochs: number, losses: number[] = []): number[] {
    const p = new nn.Parameter(torch.zeros(1));
    const opt = new optim.SGD([p], { lr: 0.1, momentum: 0.9 });
    const scheds = make(opt);
    const lrs: number[] = [];
    for (let epoch = 0; epoch < epochs; epoch++) {
      opt.step();
      lrs.push(opt.param_groups[0].lr);
      for (const sc of scheds) {
        if (sc instanceof S.ReduceLROnPlateau) sc.step(losses[epoch]);
        else sc.step();
      }
    }
    return lrs;
  }

  it("StepLR, MultiStepLR, ExponentialLR chained with MultiStepLR, CosineAnnealingLR, LambdaLR, OneCycleLR and ReduceLROnPlateau give PyTorch's rates", () => {
    const cases: [string, number[]][] = [
      ["StepLR", run((o) => [new S.StepLR(o, { step_size: 3, gamma: 0.1 })], 10)],
      ["MultiStepLR", run((o) => [new S.MultiStepLR(o, { milestones: [3, 8], gamma: 0.1 })], 10)],
      ["Exponential_then_MultiStep", run((o) => [new S.ExponentialLR(o, { gamma: 0.9 }), new S.MultiStepLR(o, { milestones: [3, 8], gamma: 0.1 })], 10)],
      ["CosineAnnealingLR", run((o) => [new S.CosineAnnealingLR(o, { T_max: 5, eta_min: 0.001 })], 12)],
      ["LambdaLR", run((o) => [new S.LambdaLR(o, { lr_lambda: (epoch: number) => 0.95 ** epoch })], 6)],
      ["OneCycleLR", run((o) => [new S.OneCycleLR(o, { max_lr: 1.0, total_steps: 12 })], 12)],
      ["ReduceLROnPlateau", run((o) => [new S.ReduceLROnPlateau(o, "min", { factor: 0.5, patience: 2 })], 12, ref.plateau_losses as number[])],
    ];
    for (const [name, lrs] of cases) expectClose(lrs, ref[name] as number[], 1e-9, 1e-12, name);
  });
});

describe("gradient clipping", () => {
  function seededGrads(): nn.Sequential {
    torch.manual_seed(0);
    const model = new nn.Sequential(new nn.Linear(4, 8), new nn.Tanh(), new nn.Linear(8, 2));
    const x = torch.randn(16, 4);
    const y = torch.randn(16, 2);
    F.mse_loss(model(x), y, { reduction: "sum" }).backward();
    return model;
  }

  it("clip_grad_norm_ returns the total norm and rescales; norm_type inf; clip_grad_value_ clamps (as PyTorch 1.13)", () => {
    let model = seededGrads();
    const total = torch.nn.utils.clip_grad_norm_(model.parameters(), { max_norm: 1.0 });
    expect(total.item()).toBeCloseTo(ref.clip_norm_total as number, 4);
    model.parameters().forEach((p, i) => expectClose(p.grad!.reshape(-1), (ref.clip_norm_grads as number[][])[i], 1e-4, 1e-6, `clipped grad ${i}`));
    const after = torch.stack(model.parameters().map((p) => p.grad!.norm())).norm().item();
    expect(after).toBeCloseTo(1, 5);

    model = seededGrads();
    expect(torch.nn.utils.clip_grad_norm_(model.parameters(), 0.5, { norm_type: Infinity }).item()).toBeCloseTo(ref.clip_inf_total as number, 4);

    model = seededGrads();
    torch.nn.utils.clip_grad_value_(model.parameters(), { clip_value: 0.3 });
    model.parameters().forEach((p, i) => expectClose(p.grad!.reshape(-1), (ref.clip_value_grads as number[][])[i], 1e-5, 1e-6, `value-clipped grad ${i}`));
  });
});

describe("reproducibility, modes, parameters, buffers and hooks", () => {
  function trainRun(seed: number): number[] {
    torch.manual_seed(seed);
    const g = new torch.Generator();
    g.manual_seed(0);
    const X = torch.randn(64, 5);
    const y = X.sum(1, true).gt(0).float();
    const loader = new utils.data.DataLoader(new utils.data.TensorDataset(X, y), { batch_size: 16, shuffle: true, generator: g });
    const model = new nn.Sequential(new nn.Linear(5, 16), new nn.ReLU(), new nn.Dropout(0.3), new nn.Linear(16, 1));
    const opt = new optim.SGD(model.parameters(), { lr: 0.1 });
    const losses: number[] = [];
    for (let epoch = 0; epoch < 3; epoch++) {
      for (const [xb, yb] of loader as Iterable<Tensor[]>) {
        opt.zero_grad();
        const loss = F.binary_cross_entropy_with_logits(model(xb), yb);
        loss.backward();
        opt.step();
        losses.push(loss.item());
      }
    }
    return losses;
  }

  it("torch.manual_seed (plus a seeded DataLoader generator) makes runs identical; rng state can be saved and restored", () => {
    torch.use_deterministic_algorithms(true);
    expect(trainRun(0)).toEqual(trainRun(0));
    expect(trainRun(0)).not.toEqual(trainRun(1));
    torch.use_deterministic_algorithms(false);
    torch.manual_seed(5);
    const state = torch.get_rng_state();
    const a = torch.rand(3);
    torch.set_rng_state(state);
    expect(torch.rand(3).equal(a)).toBe(true);
    expect(torch.initial_seed()).toBe(5);
  });

  it("train() and eval(): dropout and batch norm switch behaviour; training flags propagate", () => {
    torch.manual_seed(0);
    const model = new nn.Sequential(new nn.Linear(4, 4), new nn.BatchNorm1d(4), new nn.Dropout(0.5));
    const x = torch.randn(8, 4);
    model.train();
    expect(model.modules().every((m) => m.training)).toBe(true);
    const a = model(x);
    expect(a.eq(0).sum().item()).toBeGreaterThan(0); // dropout zeroes some
    const bn = model.get(1) as nn.BatchNorm1d;
    const runningBefore = bn.running_mean!.clone();
    model.eval();
    expect(model.modules().some((m) => m.training)).toBe(false);
    const b1 = model(x);
    const b2 = model(x);
    expect(b1.equal(b2)).toBe(true); // no dropout, fixed statistics
    expect(bn.running_mean!.equal(runningBefore)).toBe(true);
  });

  it("named_parameters with freezing, register_buffer (persistent or not), and the parameter count", () => {
    class WithBuffers extends nn.Module {
      fc = new nn.Linear(3, 2);
      declare step_count: Tensor;
      declare scratch: Tensor;
      constructor() {
        super();
        this.register_buffer("step_count", torch.zeros(1, { dtype: torch.long }));
        this.register_buffer("scratch", torch.zeros(2), { persistent: false });
      }
      forward(x: Tensor): Tensor {
        this.step_count.add_(1);
        return this.fc(x);
      }
    }
    const m = new WithBuffers();
    m(torch.randn(1, 3));
    m(torch.randn(1, 3));
    expect(m.step_count.item()).toBe(2);
    expect(Object.keys(m.state_dict())).toEqual(["step_count", "fc.weight", "fc.bias"]); // own buffers, then children; not scratch
    expect(m.named_buffers().map(([n]) => n)).toEqual(["step_count", "scratch"]);
    for (const [name, param] of m.named_parameters()) if (name.endsWith("weight")) param.requires_grad_(false);
    expect(m.named_parameters().filter(([, p]) => p.requires_grad).map(([n]) => n)).toEqual(["fc.bias"]);
    const total = m.parameters().reduce((s, p) => s + p.numel(), 0);
    expect(total).toBe(8);
    m(torch.randn(2, 3)).sum().backward();
    expect(m.fc.weight.grad).toBeNull();
    expect(m.fc.bias!.grad!.tolist()).toEqual([2, 2]);
  });

  it("hooks: a forward hook captures activations, a pre-hook rewrites the input, a full backward hook sees gradients, handles remove them", () => {
    torch.manual_seed(0);
    const model = new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU(), new nn.Linear(4, 2));
    const activation: Record<string, Tensor> = {};
    const getActivation = (name: string) => (_model: nn.Module, _input: unknown[], output: unknown) => {
      activation[name] = (output as Tensor).detach();
    };
    const h1 = model.get(1).register_forward_hook(getActivation("relu"));
    const x = torch.randn(5, 3);
    const out = model(x);
    expect(activation.relu.shape).toEqual([5, 4]);
    expect(activation.relu.equal(F.relu((model.get(0) as nn.Linear)(x)).detach())).toBe(true);

    const grads: { in: (Tensor | null)[]; out: (Tensor | null)[] } = { in: [], out: [] };
    const h2 = model.get(2).register_full_backward_hook((_m, grad_input, grad_output) => {
      grads.in = grad_input;
      grads.out = grad_output;
    });
    model(x).sum().backward();
    expect(grads.out[0]!.shape).toEqual([5, 2]);
    expect(grads.out[0]!.equal(torch.ones(5, 2))).toBe(true);
    expect(grads.in[0]!.shape).toEqual([5, 4]); // gradient w.r.t. the layer's input
    expect(grads.in[0]!.allclose(torch.ones(5, 2).matmul((model.get(2) as nn.Linear).weight), { atol: 1e-6 })).toBe(true);

    const h3 = model.register_forward_pre_hook((_m, args) => [(args[0] as Tensor).mul(0)]);
    const zeroed = model(x);
    const bias_only = model.get(2)(model.get(1)(model.get(0)(torch.zeros(5, 3))));
    expect(zeroed.allclose(bias_only)).toBe(true);
    for (const h of [h1, h2, h3]) h.remove();
    delete activation.relu;
    expect(model(x).equal(out)).toBe(true);
    expect(activation.relu).toBeUndefined();
  });
});

describe("saving and loading checkpoints", () => {
  class Net extends nn.Module {
    fc1 = new nn.Linear(4, 8);
    fc2 = new nn.Linear(8, 1);
    forward(x: Tensor): Tensor {
      return this.fc2(F.relu(this.fc1(x)));
    }
  }
  const data = (() => {
    const g = new torch.Generator(3);
    const X = torch.randn([32, 4], { generator: g });
    return { X, y: X.index(null, "0:1").mul(2).sub(X.index(null, "1:2")) };
  })();
  function trainSteps(model: Net, optimizer: optim.SGD, n: number): number {
    let loss = 0;
    for (let i = 0; i < n; i++) {
      optimizer.zero_grad();
      const l = F.mse_loss(model(data.X), data.y);
      l.backward();
      optimizer.step();
      loss = l.item();
    }
    return loss;
  }

  it("a general checkpoint {epoch, model_state_dict, optimizer_state_dict, loss}: resuming equals training straight through", () => {
    torch.manual_seed(0);
    const straight = new Net();
    const optStraight = new optim.SGD(straight.parameters(), { lr: 0.05, momentum: 0.9 });
    torch.manual_seed(0);
    const model = new Net();
    const optimizer = new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
    trainSteps(straight, optStraight, 10);
    const EPOCH = 5;
    const LOSS = trainSteps(model, optimizer, 5);
    const PATH = "model.pt";
    torch.save({ epoch: EPOCH, model_state_dict: model.state_dict(), optimizer_state_dict: optimizer.state_dict(), loss: LOSS }, PATH);

    const model2 = new Net();
    const optimizer2 = new optim.SGD(model2.parameters(), { lr: 0.5 });
    const checkpoint = torch.load(PATH) as Record<string, unknown>;
    model2.load_state_dict(checkpoint.model_state_dict as Record<string, Tensor>);
    optimizer2.load_state_dict(checkpoint.optimizer_state_dict as ReturnType<optim.SGD["state_dict"]>);
    const epoch = checkpoint.epoch as number;
    const loss = checkpoint.loss as number;
    expect(epoch).toBe(5);
    expect(loss).toBe(LOSS);
    expect(optimizer2.param_groups[0].lr).toBe(0.05);
    model2.train();
    trainSteps(model2, optimizer2, 5); // momentum buffers restored: the same steps as uninterrupted
    for (const [k, v] of Object.entries(straight.state_dict())) expect(model2.state_dict()[k].equal(v), k).toBe(true);
  });

  it("several models in one file, and warmstarting a different model with strict=False", () => {
    torch.manual_seed(1);
    const netA = new Net();
    const netB = new Net();
    const optimizerA = new optim.SGD(netA.parameters(), { lr: 0.01 });
    const bytes = torch.save({ modelA_state_dict: netA.state_dict(), modelB_state_dict: netB.state_dict(), optimizerA_state_dict: optimizerA.state_dict() });
    const ckpt = torch.load(bytes) as Record<string, Record<string, Tensor>>;
    const a2 = new Net();
    a2.load_state_dict(ckpt.modelA_state_dict);
    expect(a2.fc1.weight.equal(netA.fc1.weight)).toBe(true);
    expect(a2.fc1.weight.equal(netB.fc1.weight)).toBe(false);

    class Bigger extends nn.Module {
      fc1 = new nn.Linear(4, 8);
      fc3 = new nn.Linear(8, 3);
      forward(x: Tensor): Tensor {
        return this.fc3(F.relu(this.fc1(x)));
      }
    }
    const warm = new Bigger();
    const res = warm.load_state_dict(netA.state_dict(), { strict: false });
    expect(res.missing_keys).toEqual(["fc3.weight", "fc3.bias"]);
    expect(res.unexpected_keys).toEqual(["fc2.weight", "fc2.bias"]);
    expect(warm.fc1.weight.equal(netA.fc1.weight)).toBe(true);
    expect(() => new Bigger().load_state_dict(netA.state_dict())).toThrow(/Missing key\(s\) in state_dict: "fc3.weight", "fc3.bias"/);
  });
});
