/**
 * A cold probe of dvgodoy/PyTorchStepByStep ("Deep Learning with PyTorch Step-by-Step", Daniel Voigt Godoy),
 * translated as a learner would: notebooks Chapter00-Chapter07 (gradient descent by hand, then autograd, then
 * optim; the train / val step closures of Chapter 2; Dataset, TensorDataset, random_split, DataLoader with a
 * seeded generator; binary classification and BCEWithLogitsLoss with pos_weight; index_splitter's random_split
 * of fractions, WeightedRandomSampler; activations; convolutions and padding; NLL / cross-entropy; forward hooks;
 * per-channel statistics, dropout, the lr range test, Adam's state, SGD with momentum / Nesterov, StepLR,
 * LambdaLR, ReduceLROnPlateau, CyclicLR, gradient clipping by value / norm / hooks; batch norm, residual blocks,
 * inception) and the StepByStep class of stepbystep/v4.py (its visualisations skipped).
 * The datasets are small seeded torch stand-ins with the book's shapes (linearData(), moons(), images() below),
 * epochs are cut. Values are compared with torch 1.13 running the same code
 * (scripts/fixtures/stepbystep_fixtures.py -> tests/fixtures/torch/tutorials/stepbystep.json).
 *
 * Python forms written otherwise: x[i] = v -> index_put_ / index(...).copy_, `b -= lr * b.grad` -> sub_ under
 * torch.no_grad, numpy arrays -> float64 tensors, np.mean -> a plain average, print(model.state_dict()) ->
 * odRepr(...) (a JavaScript object has no OrderedDict repr), x_tensor[subset] -> x_tensor.index(subset.indices).
 */
import { describe, expect, it, vi } from "vitest";
import { F, copy, nn, optim, torch, torchvision, utils, type Tensor } from "../../../../lib/tensor/index";
import type { Generator, Optimizer } from "../../../../lib/tensor/index";
import { expectNums, expectT, thrown, tutorialFixture } from "./helpers";

const ref = tutorialFixture<Record<string, any>>("stepbystep.json"); // eslint-disable-line @typescript-eslint/no-explicit-any
const { DataLoader, TensorDataset, Dataset, random_split, WeightedRandomSampler } = utils.data;
const { StepLR, LambdaLR, ReduceLROnPlateau, CyclicLR, OneCycleLR, CosineAnnealingWarmRestarts } = optim.lr_scheduler;
const f64 = { dtype: torch.float64 };
const long = { dtype: torch.long };
/** x[i, j] = v. */
const setItem = (t: Tensor, i: number, j: number, v: number) => t.index_put_([torch.tensor(i, long), torch.tensor(j, long)], torch.tensor(v));

/** Python's print(model.state_dict()). */
const odRepr = (sd: Record<string, Tensor>) => `OrderedDict([${Object.entries(sd).map(([k, t]) => `('${k}', ${String(t)})`).join(", ")}])`;
const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
type Loader = Iterable<Tensor[]> & { length: number };
type LossFn = (yhat: Tensor, y: Tensor) => Tensor;

// ============================ stepbystep/v4.py ============================
function make_lr_fn(start_lr: number, end_lr: number, num_iter: number, step_mode = "exp"): (it: number) => number {
  if (step_mode === "linear") {
    const factor = (end_lr / start_lr - 1) / num_iter;
    return (iteration) => 1 + iteration * factor;
  }
  const factor = (Math.log(end_lr) - Math.log(start_lr)) / num_iter;
  return (iteration) => Math.exp(factor) ** iteration;
}

type AnyScheduler = { optimizer: Optimizer; step(arg?: number): void };

class StepByStep {
  device = "cpu";
  train_loader: Loader | null = null;
  val_loader: Loader | null = null;
  scheduler: AnyScheduler | null = null;
  is_batch_lr_scheduler = false;
  clipping: (() => void) | { remove(): void }[] | null = null;
  losses: number[] = [];
  val_losses: (number | null)[] = [];
  learning_rates: number[][] = [];
  total_epochs = 0;
  visualization: Record<string, Tensor | null> = {};
  handles: Record<string, { remove(): void }> = {};
  _gradients: Record<string, Record<string, unknown[]>> = {};
  _parameters: Record<string, Record<string, unknown[]>> = {};
  train_step_fn: (x: Tensor, y: Tensor) => number;
  val_step_fn: (x: Tensor, y: Tensor) => number;

  constructor(public model: nn.Module, public loss_fn: LossFn, public optimizer: Optimizer) {
    this.model.to(this.device);
    this.train_step_fn = this._make_train_step_fn();
    this.val_step_fn = this._make_val_step_fn();
  }

  set_loaders(train_loader: Loader, val_loader: Loader | null = null): void {
    this.train_loader = train_loader;
    this.val_loader = val_loader;
  }

  _make_train_step_fn() {
    return (x: Tensor, y: Tensor): number => {
      this.model.train();
      const yhat = this.model(x) as Tensor;
      const loss = this.loss_fn(yhat, y);
      loss.backward();
      if (typeof this.clipping === "function") this.clipping();
      this.optimizer.step();
      this.optimizer.zero_grad();
      return loss.item();
    };
  }

  _make_val_step_fn() {
    return (x: Tensor, y: Tensor): number => {
      this.model.eval();
      const yhat = this.model(x) as Tensor;
      return this.loss_fn(yhat, y).item();
    };
  }

  _mini_batch(validation = false): number | null {
    const data_loader = validation ? this.val_loader : this.train_loader;
    const step_fn = validation ? this.val_step_fn : this.train_step_fn;
    if (data_loader === null) return null;
    const n_batches = data_loader.length;
    const mini_batch_losses: number[] = [];
    let i = 0;
    for (const [x_batch, y_batch] of data_loader) {
      mini_batch_losses.push(step_fn(x_batch.to(this.device), y_batch.to(this.device)));
      if (!validation) this._mini_batch_schedulers(i / n_batches);
      i++;
    }
    return mean(mini_batch_losses);
  }

  set_seed(seed = 42): void {
    torch.manual_seed(seed);
    const sampler = (this.train_loader as unknown as { sampler?: { generator?: Generator } } | null)?.sampler;
    sampler?.generator?.manual_seed(seed);
  }

  train(n_epochs: number, seed = 42): void {
    this.set_seed(seed);
    for (let epoch = 0; epoch < n_epochs; epoch++) {
      this.total_epochs += 1;
      this.losses.push(this._mini_batch(false)!);
      const val_loss = torch.no_grad(() => this._mini_batch(true));
      this.val_losses.push(val_loss);
      this._epoch_schedulers(val_loss);
    }
  }

  predict(x: Tensor): Tensor {
    this.model.eval();
    const x_tensor = torch.as_tensor(x).float();
    const y_hat_tensor = this.model(x_tensor.to(this.device)) as Tensor;
    this.model.train();
    return y_hat_tensor.detach().cpu();
  }

  count_parameters(): number {
    return this.model.parameters().filter((p) => p.requires_grad).reduce((s, p) => s + p.numel(), 0);
  }

  attach_hooks(layers_to_hook: string[], hook_fn?: (layer: nn.Module, inputs: unknown[], outputs: unknown) => void): void {
    this.visualization = {};
    const modules = [...this.model.named_modules()];
    const layer_names = new Map(modules.slice(1).map(([name, layer]) => [layer, name]));
    const fn = hook_fn ?? ((layer: nn.Module, _inputs: unknown[], outputs: unknown) => {
      const name = layer_names.get(layer)!;
      const values = (outputs as Tensor).detach().cpu();
      const prev = this.visualization[name];
      this.visualization[name] = prev === null ? values : torch.cat([prev, values]);
    });
    for (const [name, layer] of modules) {
      if (layers_to_hook.includes(name)) {
        this.visualization[name] = null;
        this.handles[name] = layer.register_forward_hook(fn);
      }
    }
  }

  remove_hooks(): void {
    for (const handle of Object.values(this.handles)) handle.remove();
    this.handles = {};
  }

  correct(x: Tensor, y: Tensor, threshold = 0.5): Tensor {
    this.model.eval();
    const yhat = this.model(x.to(this.device)) as Tensor;
    y = y.to(this.device);
    this.model.train();
    let [, n_dims] = yhat.shape;
    let predicted: Tensor;
    if (n_dims > 1) {
      [, predicted] = torch.max(yhat, 1);
    } else {
      n_dims += 1;
      const m = this.model;
      if (m instanceof nn.Sequential && m.get(-1) instanceof nn.Sigmoid) predicted = yhat.gt(threshold).long();
      else predicted = torch.sigmoid(yhat).gt(threshold).long();
    }
    const result: number[][] = [];
    for (let c = 0; c < n_dims; c++) {
      const n_class = y.eq(c).sum().item();
      const n_correct = predicted.index(y.eq(c)).eq(c).sum().item();
      result.push([n_correct, n_class]);
    }
    return torch.tensor(result);
  }

  static loader_apply(loader: Iterable<Tensor[]>, func: (x: Tensor, y: Tensor) => Tensor, reduce = "sum"): Tensor {
    let results = torch.stack([...loader].map(([x, y]) => func(x, y)), { axis: 0 });
    if (reduce === "sum") results = results.sum({ axis: 0 });
    else if (reduce === "mean") results = results.float().mean({ axis: 0 });
    return results;
  }

  static statistics_per_channel(images: Tensor): Tensor {
    const [n_samples, n_channels] = images.size();
    const flatten_per_channel = images.reshape(n_samples, n_channels, -1);
    const means = flatten_per_channel.mean({ axis: 2 });
    const stds = flatten_per_channel.std({ axis: 2 });
    const sum_means = means.sum({ axis: 0 });
    const sum_stds = stds.sum({ axis: 0 });
    const n = torch.tensor(new Array(n_channels).fill(n_samples)).float();
    return torch.stack([n, sum_means, sum_stds], { axis: 0 });
  }

  lr_range_test(data_loader: Iterable<Tensor[]>, end_lr: number, num_iter = 100, alpha = 0.05) {
    const previous_states = { model: structuredCloneState(this.model.state_dict()), optimizer: this.optimizer.state_dict() };
    const start_lr = this.optimizer.state_dict().param_groups[0].lr as number;
    const lr_fn = make_lr_fn(start_lr, end_lr, num_iter);
    const scheduler = new LambdaLR(this.optimizer, { lr_lambda: lr_fn });
    const tracking = { loss: [] as number[], lr: [] as number[] };
    let iteration = 0;
    while (iteration < num_iter) {
      for (const [x_batch, y_batch] of data_loader) {
        const yhat = this.model(x_batch) as Tensor;
        const loss = this.loss_fn(yhat, y_batch);
        loss.backward();
        tracking.lr.push(scheduler.get_last_lr()[0]);
        if (iteration === 0) tracking.loss.push(loss.item());
        else tracking.loss.push(alpha * loss.item() + (1 - alpha) * tracking.loss[tracking.loss.length - 1]);
        iteration += 1;
        if (iteration === num_iter) break;
        this.optimizer.step();
        scheduler.step();
        this.optimizer.zero_grad();
      }
    }
    this.optimizer.load_state_dict(previous_states.optimizer);
    this.model.load_state_dict(previous_states.model);
    return tracking;
  }

  capture_gradients(layers: string | string[]): void {
    const layers_to_hook = Array.isArray(layers) ? layers : [layers];
    this._gradients = {};
    const make_log_fn = (name: string, parm_id: string) => (grad: Tensor) => {
      this._gradients[name][parm_id].push(grad.tolist());
    };
    for (const [name, layer] of this.model.named_modules()) {
      if (!layers_to_hook.includes(name)) continue;
      this._gradients[name] = {};
      for (const [parm_id, p] of layer.named_parameters()) {
        if (p.requires_grad) {
          this._gradients[name][parm_id] = [];
          this.handles[`${name}.${parm_id}.grad`] = p.register_hook(make_log_fn(name, parm_id));
        }
      }
    }
  }

  capture_parameters(layers: string | string[]): void {
    const layers_to_hook = Array.isArray(layers) ? layers : [layers];
    const modules = [...this.model.named_modules()];
    const layer_names = new Map(modules.map(([name, layer]) => [layer, name]));
    this._parameters = {};
    for (const [name, layer] of modules) {
      if (!layers_to_hook.includes(name)) continue;
      this._parameters[name] = {};
      for (const [parm_id] of layer.named_parameters()) this._parameters[name][parm_id] = [];
    }
    const fw_hook_fn = (layer: nn.Module) => {
      const name = layer_names.get(layer)!;
      for (const [parm_id, parameter] of layer.named_parameters()) this._parameters[name][parm_id].push(parameter.tolist());
    };
    this.attach_hooks(layers_to_hook, fw_hook_fn);
  }

  set_lr_scheduler(scheduler: AnyScheduler): void {
    if (scheduler.optimizer === this.optimizer) {
      this.scheduler = scheduler;
      this.is_batch_lr_scheduler = scheduler instanceof CyclicLR || scheduler instanceof OneCycleLR || scheduler instanceof CosineAnnealingWarmRestarts;
    }
  }

  _epoch_schedulers(val_loss: number | null): void {
    if (this.scheduler && !this.is_batch_lr_scheduler) {
      if (this.scheduler instanceof ReduceLROnPlateau) this.scheduler.step(val_loss!);
      else this.scheduler.step();
      this.learning_rates.push(this.scheduler.optimizer.state_dict().param_groups.map((d) => d.lr as number));
    }
  }

  _mini_batch_schedulers(frac_epoch: number): void {
    if (this.scheduler && this.is_batch_lr_scheduler) {
      if (this.scheduler instanceof CosineAnnealingWarmRestarts) this.scheduler.step(this.total_epochs + frac_epoch);
      else this.scheduler.step();
      this.learning_rates.push(this.scheduler.optimizer.state_dict().param_groups.map((d) => d.lr as number));
    }
  }

  set_clip_grad_value(clip_value: number): void {
    this.clipping = () => nn.utils.clip_grad_value_(this.model.parameters(), { clip_value });
  }

  set_clip_grad_norm(max_norm: number, norm_type = 2): void {
    this.clipping = () => void nn.utils.clip_grad_norm_(this.model.parameters(), { max_norm, norm_type });
  }

  set_clip_backprop(clip_value: number): void {
    const handles: { remove(): void }[] = [];
    for (const p of this.model.parameters()) {
      if (p.requires_grad) handles.push(p.register_hook((grad) => torch.clamp(grad, -clip_value, clip_value)));
    }
    this.clipping = handles;
  }

  remove_clip(): void {
    if (Array.isArray(this.clipping)) for (const handle of this.clipping) handle.remove();
    this.clipping = null;
  }
}

/** deepcopy(model.state_dict()): every tensor cloned. */
function structuredCloneState(sd: Record<string, Tensor>): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(sd).map(([k, v]) => [k, v.clone()]));
}

// ============================ data stand-ins (the fixture script's) ============================
function linearData(seed = 42, N = 100): [Tensor, Tensor, Tensor, Tensor] {
  const g = new torch.Generator().manual_seed(seed);
  const x = torch.rand([N, 1], { generator: g, dtype: torch.float64 });
  const epsilon = torch.randn([N, 1], { generator: g, dtype: torch.float64 }).mul(0.1);
  const y = x.mul(2).add(1).add(epsilon);
  const idx = torch.randperm(N, { generator: g });
  return [x, y, idx.index(`:${N * 0.8}`), idx.index(`${N * 0.8}:`)];
}

function moons(seed: number, n: number): [Tensor, Tensor] {
  const g = new torch.Generator().manual_seed(seed);
  const y = torch.randint(0, 2, [n], { generator: g });
  const X = torch.randn([n, 2], { generator: g }).mul(0.6).add(torch.stack([y.float(), y.float().mul(-0.5)], 1));
  return [X, y];
}

function images(seed: number, n: number, c: number, hw: number, classes: number): [Tensor, Tensor] {
  const g = new torch.Generator().manual_seed(seed);
  const x = torch.rand([n, c, hw, hw], { generator: g }).mul(0.5);
  const y = torch.randint(0, classes, [n], { generator: g });
  for (let i = 0; i < n; i++) x.index(i, null, (2 * y.index(i).item()) % hw).add_(0.5);
  return [x, y];
}

function make_train_step_fn(model: nn.Module, loss_fn: LossFn, optimizer: Optimizer) {
  return function perform_train_step_fn(x: Tensor, y: Tensor): number {
    model.train();
    const yhat = model(x) as Tensor;
    const loss = loss_fn(yhat, y);
    loss.backward();
    optimizer.step();
    optimizer.zero_grad();
    return loss.item();
  };
}

function make_val_step_fn(model: nn.Module, loss_fn: LossFn) {
  return function perform_val_step_fn(x: Tensor, y: Tensor): number {
    model.eval();
    const yhat = model(x) as Tensor;
    return loss_fn(yhat, y).item();
  };
}

function mini_batch(_device: string, data_loader: Iterable<Tensor[]>, step_fn: (x: Tensor, y: Tensor) => number): number {
  const mini_batch_losses: number[] = [];
  for (const [x_batch, y_batch] of data_loader) mini_batch_losses.push(step_fn(x_batch, y_batch));
  return mean(mini_batch_losses);
}

function index_splitter(n: number, splits: number[], seed = 13) {
  const idx = torch.arange(n);
  let splits_tensor = torch.as_tensor(splits);
  const total = splits_tensor.sum().float();
  if (!total.isclose(torch.ones(1).index(0)).item()) splits_tensor = splits_tensor.div(total);
  torch.manual_seed(seed);
  return random_split(idx, splits_tensor);
}

function make_balanced_sampler(y: Tensor) {
  const [, counts] = y.unique({ return_counts: true }) as Tensor[];
  const weights = counts.float().reciprocal();
  const sample_weights = weights.index(y.squeeze().long());
  const generator = new torch.Generator();
  return new WeightedRandomSampler({ weights: sample_weights, num_samples: sample_weights.numel(), generator, replacement: true });
}

const [x, y, train_idx] = linearData();
const x_train = x.index(train_idx);
const y_train = y.index(train_idx);

// ============================ Chapters 0 / 1 ============================
describe("Chapters 0 / 1: gradient descent by hand, autograd, optim", () => {
  const r = ref.ch1;
  it("the numpy-style steps: loss, gradients by hand, 1000 updates", () => {
    torch.manual_seed(42);
    let b = torch.randn(1, f64);
    let w = torch.randn(1, f64);
    let yhat = b.add(w.mul(x_train));
    let error = yhat.sub(y_train);
    const loss = error.pow(2).mean();
    let b_grad = error.mean().mul(2);
    let w_grad = x_train.mul(error).mean().mul(2);
    expectNums([b.item(), w.item(), loss.item(), b_grad.item(), w_grad.item()], [r.b, r.w, r.loss, r.b_grad, r.w_grad], 1e-12);
    const lr = 0.1;
    for (let epoch = 0; epoch < 1000; epoch++) {
      yhat = b.add(w.mul(x_train));
      error = yhat.sub(y_train);
      b_grad = error.mean().mul(2);
      w_grad = x_train.mul(error).mean().mul(2);
      b = b.sub(b_grad.mul(lr));
      w = w.sub(w_grad.mul(lr));
    }
    expectNums([b.item(), w.item()], [r.b_final, r.w_final], 1e-10);
  });

  it("tensors: reprs, view vs new_tensor vs clone().detach(), type()", () => {
    const scalar = torch.tensor(3.14159);
    const vector = torch.tensor([1, 2, 3], long);
    const matrix = torch.ones([2, 3], { dtype: torch.float });
    const same_matrix = matrix.view(1, 6);
    setItem(same_matrix, 0, 1, 2);
    const different_matrix = matrix.new_tensor(matrix.view(1, 6));
    setItem(different_matrix, 0, 1, 3);
    const another_matrix = matrix.view(1, 6).clone().detach();
    setItem(another_matrix, 0, 1, 4);
    const x_train_tensor = torch.as_tensor(x_train).float();
    expect([String(scalar), String(vector), String(matrix), String(same_matrix), String(different_matrix), String(another_matrix),
      String(scalar.size()), String(matrix.shape), x_train_tensor.type(), String(torch.as_tensor(x_train).dtype)]).toEqual(r.reprs);
  });

  it("autograd: requires_grad flows, the no_grad update loop, the in-place error on a leaf", () => {
    const x_train_tensor = torch.as_tensor(x_train).float();
    const y_train_tensor = torch.as_tensor(y_train).float();
    torch.manual_seed(42);
    const b = torch.randn(1, { requires_grad: true, dtype: torch.float, device: "cpu" });
    const w = torch.randn(1, { requires_grad: true, dtype: torch.float, device: "cpu" });
    let yhat = b.add(w.mul(x_train_tensor));
    let error = yhat.sub(y_train_tensor);
    let loss = error.pow(2).mean();
    loss.backward();
    expect([error.requires_grad, yhat.requires_grad, b.requires_grad, w.requires_grad, y_train_tensor.requires_grad]).toEqual(r.req);
    expectNums([b.grad!.item(), w.grad!.item()], r.grads, 1e-6);
    const lr = 0.1;
    b.grad!.zero_();
    w.grad!.zero_();
    for (let epoch = 0; epoch < 1000; epoch++) {
      yhat = b.add(w.mul(x_train_tensor));
      error = yhat.sub(y_train_tensor);
      loss = error.pow(2).mean();
      loss.backward();
      torch.no_grad(() => {
        b.sub_(b.grad!.mul(lr));
        w.sub_(w.grad!.mul(lr));
      });
      b.grad!.zero_();
      w.grad!.zero_();
    }
    expectNums([b.item(), w.item()], r.autograd_bw, 1e-5);
    torch.manual_seed(42);
    const b2 = torch.randn(1, { requires_grad: true, dtype: torch.float });
    // our message names the op and adds a hint after torch's words
    const [cls, msg] = thrown(() => b2.sub_(torch.ones(1).mul(lr)))!;
    expect([cls, msg.startsWith((r.leaf_inplace as string).replace(/\.$/, ""))]).toEqual(["RuntimeError", true]);
  });

  it("optim.SGD([b, w]) and nn.MSELoss; a manual Module, Linear, Sequential and their reprs", () => {
    const x_train_tensor = torch.as_tensor(x_train).float();
    const y_train_tensor = torch.as_tensor(y_train).float();
    torch.manual_seed(42);
    const b = torch.randn(1, { requires_grad: true, dtype: torch.float });
    const w = torch.randn(1, { requires_grad: true, dtype: torch.float });
    const optimizer = new optim.SGD([b, w], { lr: 0.1 });
    const loss_fn = new nn.MSELoss({ reduction: "mean" });
    expect(String(loss_fn)).toBe(r.loss_fn_repr);
    expect(loss_fn(torch.tensor([0.5, 1.0]), torch.tensor([2.0, 1.3])).item()).toBeCloseTo(r.loss_dummy, 6);
    const losses: number[] = [];
    for (let epoch = 0; epoch < 1000; epoch++) {
      const yhat = b.add(w.mul(x_train_tensor));
      const loss = loss_fn(yhat, y_train_tensor);
      loss.backward();
      optimizer.step();
      optimizer.zero_grad();
      if (epoch < 5) losses.push(loss.item());
    }
    expectNums(losses, r.optim_losses, 1e-5);
    expectNums([b.item(), w.item()], r.optim_bw, 1e-5);

    class ManualLinearRegression extends nn.Module {
      b = new nn.Parameter(torch.randn(1, { requires_grad: true, dtype: torch.float }));
      w = new nn.Parameter(torch.randn(1, { requires_grad: true, dtype: torch.float }));
      forward(x: Tensor): Tensor {
        return this.b.add(this.w.mul(x));
      }
    }
    torch.manual_seed(42);
    const dummy = new ManualLinearRegression();
    expect(`[${dummy.parameters().map(String).join(", ")}]`).toBe(r.manual_params);
    expect(odRepr(dummy.state_dict())).toBe(r.manual_state);
    const sd = new optim.SGD(dummy.parameters(), { lr: 0.1 }).state_dict();
    expect(sd.state).toEqual({});
    expect(sd.param_groups[0]).toMatchObject({ lr: 0.1, momentum: 0, dampening: 0, weight_decay: 0, nesterov: false, maximize: false, foreach: null, differentiable: false, params: [0, 1] });
    torch.manual_seed(42);
    const linear = new nn.Linear(1, 1);
    expect([String(linear), odRepr(linear.state_dict())]).toEqual(r.linear_repr);
    torch.manual_seed(42);
    let model = new nn.Sequential(new nn.Linear(3, 5), new nn.Linear(5, 1));
    expect(String(model)).toBe(r.seq_repr);
    expect(odRepr(model.state_dict())).toBe(r.seq_state);
    torch.manual_seed(42);
    model = new nn.Sequential();
    model.add_module("layer1", new nn.Linear(3, 5));
    model.add_module("layer2", new nn.Linear(5, 1));
    expect(String(model)).toBe(r.add_module_repr);
  });
});

// ============================ Chapter 2 / 2.1 ============================
class CustomDataset extends Dataset<Tensor[]> {
  constructor(public x: Tensor, public y: Tensor) {
    super();
  }
  __getitem__(index: number): Tensor[] {
    return [this.x.index(index), this.y.index(index)];
  }
  __len__(): number {
    return this.x.size(0);
  }
}
const tupleRepr = (ts: Tensor[]) => `(${ts.map(String).join(", ")})`;

describe("Chapter 2: step closures, datasets, loaders, random_split; Chapter 2.1: StepByStep", () => {
  const r = ref.ch2;
  const x_train_tensor = torch.as_tensor(x_train).float();
  const y_train_tensor = torch.as_tensor(y_train).float();
  const loss_fn = new nn.MSELoss({ reduction: "mean" });

  it("make_train_step_fn on the full batch", () => {
    torch.manual_seed(42);
    const model = new nn.Sequential(new nn.Linear(1, 1)).to("cpu");
    const optimizer = new optim.SGD(model.parameters(), { lr: 0.1 });
    const train_step_fn = make_train_step_fn(model, loss_fn, optimizer);
    const losses = Array.from({ length: 1000 }, () => train_step_fn(x_train_tensor, y_train_tensor));
    expectNums(losses.slice(0, 3), r.full_batch.first, 1e-5);
    expect(losses[999]).toBeCloseTo(r.full_batch.last, 5);
    expect(odRepr(model.state_dict())).toBe(r.full_batch.state);
  });

  it("CustomDataset and TensorDataset items, the first shuffled batch", () => {
    const train_data = new CustomDataset(x_train_tensor, y_train_tensor);
    expect(tupleRepr(train_data.get(0))).toBe(r.custom_item);
    const tds = new TensorDataset(x_train_tensor, y_train_tensor);
    expect(tupleRepr(tds.get(0))).toBe(r.tensor_item);
    torch.manual_seed(42);
    const train_loader = new DataLoader({ dataset: tds, batch_size: 16, shuffle: true });
    const first = train_loader[Symbol.iterator]().next().value as Tensor[];
    expectT(first[0], r.first_batch[0], 1e-6);
    expectT(first[1], r.first_batch[1], 1e-6);
  });

  const x_tensor = x.float();
  const y_tensor = y.float();
  const dataset = new TensorDataset(x_tensor, y_tensor);
  torch.manual_seed(13);
  const [train_data, val_data] = random_split(dataset, [80, 20]);
  const val_loader = new DataLoader({ dataset: val_data, batch_size: 16 });

  it("random_split(dataset, [n_train, n_val]), the train / val loop of model_training/v4.py", () => {
    expect([train_data.indices.slice(0, 10), val_data.indices.slice(0, 10)]).toEqual(r.split_indices);
    const train_loader = new DataLoader({ dataset: train_data, batch_size: 16, shuffle: true });
    torch.manual_seed(42);
    const model = new nn.Sequential(new nn.Linear(1, 1));
    const optimizer = new optim.SGD(model.parameters(), { lr: 0.1 });
    const train_step_fn = make_train_step_fn(model, loss_fn, optimizer);
    const val_step_fn = make_val_step_fn(model, loss_fn);
    const losses: number[] = [];
    const val_losses: number[] = [];
    for (let epoch = 0; epoch < 20; epoch++) {
      losses.push(mini_batch("cpu", train_loader, train_step_fn));
      val_losses.push(torch.no_grad(() => mini_batch("cpu", val_loader, val_step_fn)));
    }
    expectNums(losses, r.losses, 1e-5);
    expectNums(val_losses, r.val_losses, 1e-5);
    expect(odRepr(model.state_dict())).toBe(r.state);
    const sd = optimizer.state_dict();
    expect(sd.state).toEqual({ 0: { momentum_buffer: null }, 1: { momentum_buffer: null } });
  });

  it("StepByStep.train with a loader on its own generator (set_seed reseeds it), predict, count_parameters", () => {
    torch.manual_seed(42);
    const model = new nn.Sequential(new nn.Linear(1, 1));
    const optimizer = new optim.SGD(model.parameters(), { lr: 0.1 });
    const train_loader = new DataLoader({ dataset: train_data, batch_size: 16, shuffle: true, generator: new torch.Generator() });
    const sbs = new StepByStep(model, loss_fn, optimizer);
    sbs.set_loaders(train_loader, val_loader);
    sbs.train(20);
    expectNums(sbs.losses, r.sbs.losses, 1e-5);
    expectNums(sbs.val_losses as number[], r.sbs.val_losses, 1e-5);
    expect(odRepr(model.state_dict())).toBe(r.sbs.state);
    expectT(sbs.predict(torch.tensor([[0.5], [0.3], [0.7]])), { shape: [3, 1], data: r.sbs.predict.flat() }, 1e-5);
    expect([sbs.count_parameters(), sbs.total_epochs]).toEqual([r.sbs.n_params, r.sbs.total_epochs]);
  });

  it("train()'s TensorBoard logging: writer.add_scalars(main_tag='loss', tag_scalar_dict=scalars, global_step=epoch)", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const writer = new utils.tensorboard.SummaryWriter("runs/simple_linear_regression");
    warn.mockRestore();
    const losses = [0.5, 0.25];
    const val_losses = [0.4, null];
    losses.forEach((loss, epoch) => {
      const scalars: Record<string, number> = { training: loss };
      if (val_losses[epoch] !== null) scalars.validation = val_losses[epoch]!;
      writer.add_scalars({ main_tag: "loss", tag_scalar_dict: scalars, global_step: epoch });
    });
    writer.close();
    expect(writer.scalars.map((e) => [e.run, e.value, e.global_step])).toEqual([["loss_training", 0.5, 0], ["loss_validation", 0.4, 0], ["loss_training", 0.25, 1]]);
  });
});

// ============================ Chapter 3 ============================
describe("Chapter 3: binary classification", () => {
  const r = ref.ch3;
  it("sigmoid, BCE by hand and nn.BCELoss, BCEWithLogitsLoss with pos_weight, reprs", () => {
    expectNums([torch.sigmoid(torch.tensor(1.0986)).item(), torch.sigmoid(torch.tensor(-1.0986)).item()], r.sigmoid, 1e-6);
    torch.manual_seed(42);
    const model1 = new nn.Sequential();
    model1.add_module("linear", new nn.Linear(2, 1));
    model1.add_module("sigmoid", new nn.Sigmoid());
    expect(odRepr(model1.state_dict())).toBe(r.model1_state);
    const dummy_labels = torch.tensor([1.0, 0.0]);
    const dummy_predictions = torch.tensor([0.9, 0.2]);
    const positive_pred = dummy_predictions.index(dummy_labels.eq(1));
    const first_summation = torch.log(positive_pred).sum();
    const negative_pred = dummy_predictions.index(dummy_labels.eq(0));
    const second_summation = torch.log(negative_pred.neg().add(1)).sum();
    const n_total = dummy_labels.size(0);
    expect(first_summation.add(second_summation).neg().div(n_total).item()).toBeCloseTo(r.bce_by_hand, 6);
    const loss_fn = new nn.BCELoss({ reduction: "mean" });
    expect(String(loss_fn)).toBe(r.bce_repr);
    expectNums([loss_fn(dummy_predictions, dummy_labels).item(), loss_fn(dummy_labels, dummy_predictions).item()], r.bce, 1e-5);
    const loss_fn_logits = new nn.BCEWithLogitsLoss({ reduction: "mean" });
    expect(String(loss_fn_logits)).toBe(r.bcel_repr);
    const logit1 = Math.log(0.9 / 0.1);
    const logit2 = Math.log(0.2 / 0.8);
    const dummy_logits = torch.tensor([logit1, logit2]);
    expect(String(dummy_logits)).toBe(r.dummy_logits);
    expect(loss_fn_logits(dummy_logits, dummy_labels).item()).toBeCloseTo(r.bcel, 6);
    const dummy_imb_labels = torch.tensor([1.0, 0.0, 0.0, 0.0]);
    const dummy_imb_logits = torch.tensor([logit1, logit2, logit2, logit2]);
    const n_neg = dummy_imb_labels.eq(0).sum().float();
    const n_pos = dummy_imb_labels.eq(1).sum().float();
    const pos_weight = n_neg.div(n_pos).view(1);
    expect(String(pos_weight)).toBe(r.pos_weight);
    const loss_fn_imb = new nn.BCEWithLogitsLoss({ reduction: "mean", pos_weight });
    expect(loss_fn_imb(dummy_imb_logits, dummy_imb_labels).item()).toBeCloseTo(r.imb, 6);
    const loss_fn_imb_sum = new nn.BCEWithLogitsLoss({ reduction: "sum", pos_weight });
    const loss = loss_fn_imb_sum(dummy_imb_logits, dummy_imb_labels);
    expect(String(loss.div(pos_weight.mul(n_pos).add(n_neg)))).toBe(r.imb_sum);
  });

  it("StepByStep on the moons stand-in: losses, predictions, correct() through loader_apply", () => {
    const [X, yb] = moons(0, 100);
    let X_train = X.index(":80");
    let X_val = X.index("80:");
    const m = X_train.mean(0);
    const s = X_train.std(0, { unbiased: false });
    X_train = X_train.sub(m).div(s);
    X_val = X_val.sub(m).div(s);
    torch.manual_seed(13);
    const x_train_tensor = torch.as_tensor(X_train).float();
    const y_train_tensor = torch.as_tensor(yb.index(":80").reshape(-1, 1)).float();
    const x_val_tensor = torch.as_tensor(X_val).float();
    const y_val_tensor = torch.as_tensor(yb.index("80:").reshape(-1, 1)).float();
    const train_loader = new DataLoader({ dataset: new TensorDataset(x_train_tensor, y_train_tensor), batch_size: 16, shuffle: true });
    const val_loader = new DataLoader({ dataset: new TensorDataset(x_val_tensor, y_val_tensor), batch_size: 16 });
    torch.manual_seed(42);
    const model = new nn.Sequential();
    model.add_module("linear", new nn.Linear(2, 1));
    const optimizer = new optim.SGD(model.parameters(), { lr: 0.1 });
    const sbs = new StepByStep(model, new nn.BCEWithLogitsLoss(), optimizer);
    sbs.set_loaders(train_loader, val_loader);
    sbs.train(30);
    expectNums(sbs.losses, r.losses, 1e-5);
    expectNums(sbs.val_losses as number[], r.val_losses, 1e-5);
    expect(odRepr(model.state_dict())).toBe(r.state);
    const predictions = sbs.predict(x_train_tensor.index(":4"));
    expectT(predictions, { shape: [4, 1], data: r.predictions.flat() }, 1e-5);
    expect(predictions.ge(0).int().tolist()).toEqual(r.classes);
    expect(StepByStep.loader_apply(val_loader, (a, b) => sbs.correct(a, b)).tolist()).toEqual(r.correct);
  });
});

// ============================ Chapter 4 ============================
describe("Chapter 4: index_splitter, WeightedRandomSampler, activations", () => {
  const r = ref.ch4;
  it("random_split of an index tensor by a tensor of fractions; the balanced sampler; a deeper model", () => {
    const [imgs, labels] = images(13, 200, 1, 5, 3);
    const x_tensor = imgs;
    const y_tensor = labels.gt(0).long().reshape(-1, 1).float();
    const [train_idx, val_idx] = index_splitter(x_tensor.size(0), [80, 20]);
    expect([train_idx.length, val_idx.length, [...train_idx].slice(0, 10).map((t) => (t as Tensor).item()), [...val_idx].slice(0, 5).map((t) => (t as Tensor).item())]).toEqual(r.split);
    expect(train_idx.indices.slice(0, 5)).toEqual(r.split_indices);
    const x_train_tensor = x_tensor.index(train_idx.indices);
    const x_val_tensor = x_tensor.index(val_idx.indices);
    const y_train_tensor = y_tensor.index(train_idx.indices);
    const y_val_tensor = y_tensor.index(val_idx.indices);
    const [classes, counts] = y_train_tensor.unique({ return_counts: true }) as Tensor[];
    expect([classes.tolist(), counts.tolist()]).toEqual(r.unique);
    const weights = counts.float().reciprocal();
    expectT(weights.index(y_train_tensor.squeeze().long()).index(":10"), r.sample_weights, 1e-7);
    const train_dataset = new TensorDataset(x_train_tensor, y_train_tensor);
    const val_dataset = new TensorDataset(x_val_tensor, y_val_tensor);
    const sampler = make_balanced_sampler(y_train_tensor);
    const train_loader = new DataLoader({ dataset: train_dataset, batch_size: 16, sampler });
    const val_loader = new DataLoader({ dataset: val_dataset, batch_size: 16 });
    (train_loader.sampler as unknown as { generator: Generator }).generator.manual_seed(42);
    expect(torch.tensor([...train_loader].map((t) => t[1].sum())).sum().item()).toBe(r.balanced_sum);
    expect([...sampler].slice(0, 12)).toEqual(r.sampler_idx);

    const dummy_z = torch.tensor([-3, 0, 3]).float();
    const acts = [torch.sigmoid(dummy_z), new nn.Tanh()(dummy_z), new nn.ReLU()(dummy_z), F.leaky_relu(dummy_z, { negative_slope: 0.01 }),
      new nn.LeakyReLU({ negative_slope: 0.02 })(dummy_z), F.prelu(dummy_z, { weight: torch.tensor(0.25) }), new nn.PReLU({ init: 0.25 })(dummy_z)];
    acts.forEach((a, i) => expectT(a, r.acts[i], 1e-6));
    expect([String(new nn.PReLU({ init: 0.25 })), String(new nn.LeakyReLU({ negative_slope: 0.02 }))]).toEqual(r.prelu_repr);
    expect(new nn.Flatten()(x_train_tensor.index(":16")).shape).toEqual(r.flat);

    torch.manual_seed(17);
    const model_relu = new nn.Sequential();
    model_relu.add_module("flatten", new nn.Flatten());
    model_relu.add_module("hidden0", new nn.Linear(25, 5, { bias: false }));
    model_relu.add_module("activation0", new nn.ReLU());
    model_relu.add_module("hidden1", new nn.Linear(5, 3, { bias: false }));
    model_relu.add_module("activation1", new nn.ReLU());
    model_relu.add_module("output", new nn.Linear(3, 1, { bias: false }));
    model_relu.add_module("sigmoid", new nn.Sigmoid());
    const sbs_relu = new StepByStep(model_relu, new nn.BCELoss(), new optim.SGD(model_relu.parameters(), { lr: 0.1 }));
    sbs_relu.set_loaders(train_loader, val_loader);
    sbs_relu.train(10);
    expectNums(sbs_relu.losses, r.relu_losses, 1e-5);
    expectNums(sbs_relu.val_losses as number[], r.relu_val, 1e-5);
    expect(sbs_relu.count_parameters()).toBe(r.relu_params);
    expect(String(model_relu)).toBe(r.relu_repr);
    expect(StepByStep.loader_apply(val_loader, (a, b) => sbs_relu.correct(a, b)).tolist()).toEqual(r.relu_correct);
  });
});

// ============================ Chapter 5 ============================
describe("Chapter 5: convolutions, padding, pooling, softmax losses, forward hooks", () => {
  const r = ref.ch5;
  it("F.conv2d / nn.Conv2d, the padders, max pooling and their reprs", () => {
    const single = torch.tensor([[[[5, 0, 8, 7, 8, 1], [1, 9, 5, 0, 7, 7], [6, 0, 2, 4, 6, 6],
      [9, 7, 6, 6, 8, 4], [8, 3, 8, 5, 1, 3], [7, 2, 7, 0, 1, 0]]]]).float();
    const identity = torch.tensor([[[[0, 0, 0], [0, 1, 0], [0, 0, 0]]]]).float();
    const edge = torch.tensor([[[[0, 1, 0], [1, -4, 1], [0, 1, 0]]]]).float();
    const image = torch.as_tensor(single).float();
    expectT(F.conv2d(image, identity, { stride: 1 }), r.conv_id, 1e-6);
    torch.manual_seed(13);
    const conv = new nn.Conv2d({ in_channels: 1, out_channels: 1, kernel_size: 3, stride: 1 });
    expectT(conv(image), r.conv, 1e-5);
    const conv_multiple = new nn.Conv2d({ in_channels: 1, out_channels: 2, kernel_size: 3, stride: 1 });
    expect(String(conv_multiple)).toBe(r.conv_multiple_repr);
    torch.no_grad(() => {
      conv.weight.index(0).copy_(identity.index(0));
      conv.bias!.index(0).fill_(0);
    });
    expectT(conv(image), r.conv_set, 1e-6);
    expectT(F.conv2d(image, identity, { stride: 2 }), r.stride2, 1e-6);
    expectT(new nn.ConstantPad2d({ padding: 1, value: 0 })(image), r.constant, 0);
    expectT(F.pad(image, { pad: [1, 1, 1, 1], mode: "constant", value: 0 }), r.pad, 0);
    expectT(new nn.ReplicationPad2d({ padding: 1 })(image), r.replication, 0);
    expectT(new nn.ReflectionPad2d({ padding: 1 })(image), r.reflection, 0);
    expectT(F.pad(image, { pad: [1, 1, 1, 1], mode: "circular" }), r.circular, 0);
    const padded = F.pad(image, [1, 1, 1, 1], { mode: "constant", value: 0 });
    const conv_padded = F.conv2d(padded, edge, { stride: 1 });
    expectT(conv_padded, r.edge, 1e-6);
    expectT(F.max_pool2d(conv_padded, { kernel_size: 2 }), r.pooled, 1e-6);
    expectT(new nn.MaxPool2d({ kernel_size: 4 })(conv_padded), r.maxpool4, 1e-6);
    expectT(F.max_pool2d(conv_padded, { kernel_size: 3, stride: 1 }), r.maxpool3s1, 1e-6);
    // value=0 prints as value=0.0: a JavaScript 0 does not say int or float (Python's value=0.0 prints 0.0 too)
    expect([String(new nn.ConstantPad2d({ padding: 1, value: 0 })).replace("value=0.0", "value=0"), String(new nn.ReplicationPad2d({ padding: 1 })),
      String(new nn.ReflectionPad2d({ padding: 1 })), String(new nn.MaxPool2d({ kernel_size: 4 }))]).toEqual(r.pad_reprs);
  });

  it("softmax, log_softmax + nll_loss, NLLLoss with weight / ignore_index, CrossEntropyLoss, reprs", () => {
    const logits = torch.tensor([1.3863, 0.0, -0.6931]);
    expectT(new nn.Softmax({ dim: -1 })(logits), r.softmax[0], 1e-6);
    expectT(F.softmax(logits, { dim: -1 }), r.softmax[1], 1e-6);
    const log_probs = F.log_softmax(logits, { dim: -1 });
    expect(F.nll_loss(log_probs.view(-1, 3), torch.tensor([2], long)).item()).toBeCloseTo(r.nll1, 5);
    torch.manual_seed(11);
    const dummy_logits = torch.randn([5, 3]);
    const dummy_labels = torch.tensor([0, 0, 1, 2, 1], long);
    const dummy_log_probs = F.log_softmax(dummy_logits, { dim: -1 });
    expectNums([new nn.NLLLoss()(dummy_log_probs, dummy_labels).item(),
      new nn.NLLLoss({ weight: torch.tensor([1.0, 1.0, 2.0]) })(dummy_log_probs, dummy_labels).item(),
      new nn.NLLLoss({ ignore_index: 2 })(dummy_log_probs, dummy_labels).item(),
      new nn.CrossEntropyLoss()(dummy_logits, dummy_labels).item()], r.nll, 1e-5);
    expect([String(new nn.NLLLoss({ weight: torch.tensor([1.0, 1.0, 2.0]) })), String(new nn.NLLLoss({ ignore_index: 2 })), String(new nn.CrossEntropyLoss())]).toEqual(r.nll_reprs);
  });

  it("LeNet's repr; a small CNN through StepByStep; forward hooks by hand and attach_hooks / remove_hooks", () => {
    const lenet = new nn.Sequential();
    lenet.add_module("C1", new nn.Conv2d({ in_channels: 1, out_channels: 6, kernel_size: 5, padding: 2 }));
    lenet.add_module("func1", new nn.ReLU());
    lenet.add_module("S2", new nn.MaxPool2d({ kernel_size: 2 }));
    lenet.add_module("C3", new nn.Conv2d({ in_channels: 6, out_channels: 16, kernel_size: 5 }));
    lenet.add_module("func2", new nn.ReLU());
    lenet.add_module("S4", new nn.MaxPool2d({ kernel_size: 2 }));
    lenet.add_module("C5", new nn.Conv2d({ in_channels: 16, out_channels: 120, kernel_size: 5 }));
    lenet.add_module("flatten", new nn.Flatten());
    lenet.add_module("F6", new nn.Linear({ in_features: 120, out_features: 84 }));
    lenet.add_module("func3", new nn.ReLU());
    lenet.add_module("OUTPUT", new nn.Linear({ in_features: 84, out_features: 10 }));
    expect(String(lenet)).toBe(r.lenet_repr);

    const [x_tensor, y_tensor] = images(7, 200, 1, 10, 3);
    const [train_idx, val_idx] = index_splitter(x_tensor.size(0), [80, 20]);
    const x_train_tensor = x_tensor.index(train_idx.indices);
    const y_train_tensor = y_tensor.index(train_idx.indices);
    const train_dataset = new TensorDataset(x_train_tensor, y_train_tensor);
    const val_dataset = new TensorDataset(x_tensor.index(val_idx.indices), y_tensor.index(val_idx.indices));
    const sampler = make_balanced_sampler(y_train_tensor);
    const train_loader = new DataLoader({ dataset: train_dataset, batch_size: 16, sampler });
    const val_loader = new DataLoader({ dataset: val_dataset, batch_size: 16 });
    torch.manual_seed(13);
    const n_channels = 1;
    const model_cnn1 = new nn.Sequential();
    model_cnn1.add_module("conv1", new nn.Conv2d({ in_channels: 1, out_channels: n_channels, kernel_size: 3 }));
    model_cnn1.add_module("relu1", new nn.ReLU());
    model_cnn1.add_module("maxp1", new nn.MaxPool2d({ kernel_size: 2 }));
    model_cnn1.add_module("flatten", new nn.Flatten());
    model_cnn1.add_module("fc1", new nn.Linear({ in_features: n_channels * 4 * 4, out_features: 10 }));
    model_cnn1.add_module("relu2", new nn.ReLU());
    model_cnn1.add_module("fc2", new nn.Linear({ in_features: 10, out_features: 3 }));
    const multi_loss_fn = new nn.CrossEntropyLoss({ reduction: "mean" });
    const sbs_cnn1 = new StepByStep(model_cnn1, multi_loss_fn, new optim.SGD(model_cnn1.parameters(), { lr: 0.1 }));
    sbs_cnn1.set_loaders(train_loader, val_loader);
    sbs_cnn1.train(10);
    expectNums(sbs_cnn1.losses, r.cnn_losses, 1e-4);
    expectNums(sbs_cnn1.val_losses as number[], r.cnn_val, 1e-4);

    const dummy_model = new nn.Linear(1, 1);
    const dummy_list: [nn.Module, unknown[], unknown][] = [];
    const dummy_hook = (layer: nn.Module, inputs: unknown[], outputs: unknown) => void dummy_list.push([layer, inputs, outputs]);
    const dummy_handle = dummy_model.register_forward_hook(dummy_hook);
    const dummy_x = torch.tensor([0.3]);
    dummy_model.forward(dummy_x);
    const n_after_forward = dummy_list.length;
    dummy_model(dummy_x);
    expect([n_after_forward, dummy_list.length, String(dummy_list[0][0]), String(dummy_list[0][1][0]) === "tensor([0.3000])", dummy_list[0][1].length]).toEqual(r.dummy_hook);
    dummy_handle.remove();
    dummy_model(dummy_x);
    expect(dummy_list.length).toBe(r.dummy_hook_removed);

    sbs_cnn1.attach_hooks(["conv1", "relu1", "maxp1", "flatten", "fc1", "relu2", "fc2"]);
    const [images_batch, labels_batch] = val_loader[Symbol.iterator]().next().value as Tensor[];
    const logits = sbs_cnn1.predict(images_batch);
    const predicted = logits.argmax(1);
    sbs_cnn1.remove_hooks();
    expect(Object.fromEntries(Object.entries(sbs_cnn1.visualization).map(([k, v]) => [k, v!.shape]))).toEqual(r.hook_shapes);
    expectT(sbs_cnn1.visualization.fc2!, r.hook_fc2, 1e-4);
    expect(predicted.tolist()).toEqual(r.predicted);
    expect(sbs_cnn1.correct(images_batch, labels_batch).tolist()).toEqual(r.correct);
    expect(StepByStep.loader_apply(val_loader, (a, b) => sbs_cnn1.correct(a, b)).tolist()).toEqual(r.loader_apply);
  });
});

// ============================ Chapter 6 ============================
class CNN2 extends nn.Module {
  conv1: nn.Conv2d;
  conv2: nn.Conv2d;
  fc1: nn.Linear;
  fc2: nn.Linear;
  drop: nn.Dropout;
  constructor(public n_feature: number, public p = 0.0) {
    super();
    this.conv1 = new nn.Conv2d({ in_channels: 3, out_channels: n_feature, kernel_size: 3 });
    this.conv2 = new nn.Conv2d({ in_channels: n_feature, out_channels: n_feature, kernel_size: 3 });
    this.fc1 = new nn.Linear(n_feature * 1 * 1, 50);
    this.fc2 = new nn.Linear(50, 3);
    this.drop = new nn.Dropout(this.p);
  }
  featurizer(x: Tensor): Tensor {
    x = F.max_pool2d(F.relu(this.conv1(x)), { kernel_size: 2 });
    x = F.max_pool2d(F.relu(this.conv2(x)), { kernel_size: 2 });
    return new nn.Flatten()(x);
  }
  classifier(x: Tensor): Tensor {
    if (this.p > 0) x = this.drop(x);
    x = F.relu(this.fc1(x));
    if (this.p > 0) x = this.drop(x);
    return this.fc2(x);
  }
  forward(x: Tensor): Tensor {
    return this.classifier(this.featurizer(x));
  }
}

describe("Chapter 6: normalizer statistics, dropout, the lr range test, optimizers, schedulers, clipping", () => {
  const r = ref.ch6;
  const [imgs3, labels3] = images(21, 48, 3, 12, 3);
  const multi_loss_fn = new nn.CrossEntropyLoss({ reduction: "mean" });

  it("statistics_per_channel through loader_apply (std and sum by axis=)", () => {
    const temp_loader = new DataLoader(new TensorDataset(imgs3, labels3), { batch_size: 16 });
    expectT(StepByStep.loader_apply(temp_loader, StepByStep.statistics_per_channel), r.stats, 1e-5);
    const [total_samples, total_means, total_stds] = StepByStep.loader_apply(temp_loader, StepByStep.statistics_per_channel).unbind();
    expectT(total_means.div(total_samples), r.norm[0], 1e-6);
    expectT(total_stds.div(total_samples), r.norm[1], 1e-6);
    // make_normalizer
    const normalizer = new torchvision.transforms.Normalize({ mean: total_means.div(total_samples), std: total_stds.div(total_samples) });
    expect(String(normalizer)).toBe(r.normalizer[0]);
    expectT(normalizer(imgs3.index(0)), r.normalizer[1], 1e-5);
  });

  it("dropout in train / eval; F.linear with an int64 0-d bias", () => {
    const spaced_points = torch.linspace(0.1, 1.1, 11);
    torch.manual_seed(44);
    const dropping_model = new nn.Sequential(new nn.Dropout({ p: 0.5 }));
    dropping_model.train();
    const output_train = dropping_model(spaced_points) as Tensor;
    expectT(output_train, r.dropout_train, 1e-6);
    expectT(F.linear(output_train, { weight: torch.ones(11), bias: torch.tensor(0, long) }), r.linear_int_bias, 1e-6);
    dropping_model.eval();
    const output_eval = dropping_model(spaced_points) as Tensor;
    expectT(F.linear(output_eval, { weight: torch.ones(11), bias: torch.tensor(0, long) }), r.linear_eval, 1e-6);
    torch.manual_seed(17);
    const distrib_outputs = torch.tensor(Array.from({ length: 20 }, () =>
      F.linear(F.dropout(spaced_points, { p: 0.5 }), { weight: torch.ones(11), bias: torch.tensor(0, long) }).item()));
    expectT(distrib_outputs, r.distrib, 1e-5);
  });

  it("CNN2 with dropout and Adam; make_lr_fn + LambdaLR; lr_range_test restores model and optimizer", () => {
    const train_loader = new DataLoader(new TensorDataset(imgs3.index(":32"), labels3.index(":32")), { batch_size: 16, shuffle: true });
    const val_loader = new DataLoader(new TensorDataset(imgs3.index("32:"), labels3.index("32:")), { batch_size: 16 });
    torch.manual_seed(13);
    const model_cnn2 = new CNN2(5, 0.3);
    const sbs_cnn2 = new StepByStep(model_cnn2, multi_loss_fn, new optim.Adam(model_cnn2.parameters(), { lr: 3e-4 }));
    sbs_cnn2.set_loaders(train_loader, val_loader);
    sbs_cnn2.train(5);
    expectNums(sbs_cnn2.losses, r.cnn2_losses, 1e-5);
    expectNums(sbs_cnn2.val_losses as number[], r.cnn2_val, 1e-5);
    expect(String(model_cnn2)).toBe(r.cnn2_repr);

    const start_lr = 0.01;
    const reference_lr = make_lr_fn(start_lr, 0.1, 10);
    expectNums(Array.from({ length: 11 }, (_, i) => start_lr * reference_lr(i)), r.lr_fn, 1e-12);
    const dummy_model = new CNN2(5, 0.3);
    const dummy_optimizer = new optim.Adam(dummy_model.parameters(), { lr: start_lr });
    const dummy_scheduler = new LambdaLR(dummy_optimizer, { lr_lambda: make_lr_fn(start_lr, 0.1, 10) });
    const lrs: number[] = [];
    for (let i = 0; i < 4; i++) {
      dummy_optimizer.step();
      dummy_scheduler.step();
      lrs.push(dummy_scheduler.get_last_lr()[0]);
    }
    expectNums(lrs, r.lambda_lrs, 1e-12);

    torch.manual_seed(13);
    const new_model = new CNN2(5, 0.3);
    const new_optimizer = new optim.Adam(new_model.parameters(), { lr: 3e-4 });
    const sbs_new = new StepByStep(new_model, multi_loss_fn, new_optimizer);
    const before = structuredCloneState(new_model.state_dict());
    const tracking = sbs_new.lr_range_test(train_loader, 1e-1, 8);
    expectNums(tracking.loss, r.lr_range.loss, 1e-5);
    expectNums(tracking.lr, r.lr_range.lr, 1e-12);
    expect(Object.entries(new_model.state_dict()).every(([k, v]) => torch.equal(before[k], v))).toBe(r.lr_range_restored);
    expect(new_optimizer.state_dict().param_groups[0].lr).toBe(r.lr_range_opt_lr);
  });

  torch.manual_seed(13);
  const dataset = new TensorDataset(x.float(), y.float());
  const [train_data, val_data] = random_split(dataset, [80, 20]);
  const train_loader = new DataLoader({ dataset: train_data, batch_size: 16, shuffle: true });
  const val_loader = new DataLoader({ dataset: val_data, batch_size: 16 });
  const linearModel = () => {
    torch.manual_seed(42);
    const model = new nn.Sequential();
    model.add_module("linear", new nn.Linear(1, 1));
    return model;
  };

  it("capture_parameters / capture_gradients (register_forward_hook, Tensor.register_hook) with Adam; Adam's state_dict", () => {
    const model = linearModel();
    const optimizer = new optim.Adam(model.parameters(), { lr: 0.1 });
    const sbs_adam = new StepByStep(model, new nn.MSELoss({ reduction: "mean" }), optimizer);
    sbs_adam.set_loaders(train_loader);
    sbs_adam.capture_parameters("linear");
    sbs_adam.capture_gradients("linear");
    sbs_adam.train(2);
    sbs_adam.remove_hooks();
    expectNums(sbs_adam._gradients.linear.weight.flat(2) as number[], r.adam_grads, 1e-5);
    expectNums(sbs_adam._parameters.linear.weight.flat(2) as number[], r.adam_params, 1e-5);
    expect(Object.keys(sbs_adam.handles).sort()).toEqual(r.adam_handles);
    // removed handles capture nothing more (the optimizer state below is read before this extra epoch)
    const sd = optimizer.state_dict();
    sbs_adam.train(1);
    expect([sbs_adam._gradients.linear.weight.length, sbs_adam._parameters.linear.weight.length]).toEqual([r.adam_grads.length, r.adam_params.length]);
    const st = sd.state as Record<number, Record<string, Tensor>>;
    expect([0, 1].map((i) => Number(st[i].step instanceof Object ? (st[i].step as Tensor).item() : st[i].step))).toEqual(r.adam_state.step);
    [0, 1].forEach((i) => {
      expectT(st[i].exp_avg, r.adam_state.exp_avg[i], 1e-5);
      expectT(st[i].exp_avg_sq, r.adam_state.exp_avg_sq[i], 1e-5);
    });
    expect(sd.param_groups[0]).toMatchObject({ lr: 0.1, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, amsgrad: false, maximize: false, foreach: null, params: [0, 1] });
  });

  it("SGD, Adam, SGD + momentum, SGD + Nesterov over five epochs", () => {
    const compare = (make: (ps: nn.Parameter[]) => Optimizer) => {
      const model = linearModel();
      const sbs = new StepByStep(model, new nn.MSELoss({ reduction: "mean" }), make(model.parameters()));
      sbs.set_loaders(train_loader, val_loader);
      sbs.train(5);
      return { losses: sbs.losses, val_losses: sbs.val_losses };
    };
    const got = {
      SGD: compare((ps) => new optim.SGD(ps, { lr: 0.1 })),
      Adam: compare((ps) => new optim.Adam(ps, { lr: 0.1 })),
      "SGD + Momentum": compare((ps) => new optim.SGD(ps, { lr: 0.1, momentum: 0.9 })),
      "SGD + Nesterov": compare((ps) => new optim.SGD(ps, { lr: 0.1, momentum: 0.9, nesterov: true })),
    };
    for (const [k, v] of Object.entries(got)) {
      expectNums(v.losses, r.compare[k].losses, 1e-5);
      expectNums(v.val_losses as number[], r.compare[k].val_losses, 1e-5);
    }
  });

  it("StepLR, LambdaLR, ReduceLROnPlateau, CyclicLR's three modes; CyclicLR refuses Adam", () => {
    torch.manual_seed(42);
    let dummy_optimizer = new optim.SGD([new nn.Parameter(torch.randn(1))], { lr: 0.01 });
    const steplr_s = new StepLR(dummy_optimizer, { step_size: 2, gamma: 0.1 });
    const steplr: number[][] = [];
    for (let epoch = 0; epoch < 4; epoch++) {
      steplr.push(steplr_s.get_last_lr());
      dummy_optimizer.step();
      steplr_s.step();
      dummy_optimizer.zero_grad();
    }
    expect(steplr).toEqual(r.steplr);
    const st = steplr_s.state_dict() as Record<string, unknown>;
    expect({ step_size: st.step_size, gamma: st.gamma, base_lrs: st.base_lrs, last_epoch: st.last_epoch, verbose: st.verbose, _step_count: st._step_count }).toEqual(
      { step_size: 2, gamma: 0.1, base_lrs: [0.01], last_epoch: 4, verbose: false, _step_count: 5 });
    expectNums(st._last_lr as number[], r.steplr_state._last_lr, 1e-12);
    dummy_optimizer = new optim.SGD([new nn.Parameter(torch.randn(1))], { lr: 0.01 });
    const lambda_s = new LambdaLR(dummy_optimizer, { lr_lambda: (epoch: number) => 0.1 ** Math.floor(epoch / 2) });
    const lamb: number[][] = [];
    for (let epoch = 0; epoch < 4; epoch++) {
      lamb.push(lambda_s.get_last_lr());
      dummy_optimizer.step();
      lambda_s.step();
    }
    expectNums(lamb.flat(), r.lambdalr.flat(), 1e-12);
    dummy_optimizer = new optim.SGD([new nn.Parameter(torch.randn(1))], { lr: 0.01 });
    const plateau_s = new ReduceLROnPlateau(dummy_optimizer, { patience: 4, factor: 0.1 });
    const plateau: number[] = [];
    for (let epoch = 0; epoch < 12; epoch++) {
      plateau_s.step(1.0);
      plateau.push(dummy_optimizer.param_groups[0].lr as number);
    }
    expectNums(plateau, r.plateau, 1e-12);
    const ps = plateau_s.state_dict() as Record<string, unknown>;
    expect(Object.fromEntries(Object.keys(r.plateau_state).map((k) => [k, ps[k]]))).toEqual(r.plateau_state);
    const cyc: Record<string, number[]> = {};
    for (const [mode, kw] of [["triangular", {}], ["triangular2", {}], ["exp_range", { gamma: Math.sqrt(0.5) }]] as const) {
      const dummy_parm = [new nn.Parameter(torch.randn(1))];
      const opt = new optim.SGD(dummy_parm, { lr: 0.01 });
      const sch = new CyclicLR(opt, { base_lr: 1e-4, max_lr: 1e-3, step_size_up: 2, mode, ...kw });
      const lrs: number[] = [];
      for (let i = 0; i < 10; i++) {
        lrs.push(sch.get_last_lr()[0]);
        opt.step();
        sch.step();
      }
      cyc[mode] = lrs;
    }
    for (const k of Object.keys(cyc)) expectNums(cyc[k], r.cyclic[k], 1e-12);
    expect(thrown(() => new CyclicLR(new optim.Adam([new nn.Parameter(torch.randn(1))], { lr: 0.01 }), { base_lr: 1e-4, max_lr: 1e-3 }))).toEqual(["ValueError", r.cyclic_adam]);
  });

  it("set_lr_scheduler: epoch schedulers (StepLR, ReduceLROnPlateau) and a batch one (CyclicLR) inside train()", () => {
    for (const kind of ["step", "plateau", "cyclic"]) {
      const model = linearModel();
      const optimizer = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9, nesterov: true });
      const scheduler = kind === "step" ? new StepLR(optimizer, { step_size: 2, gamma: 0.5 })
        : kind === "plateau" ? new ReduceLROnPlateau(optimizer, { patience: 0, factor: 0.5, threshold: 0.5 })
          : new CyclicLR(optimizer, { base_lr: 1e-3, max_lr: 0.1, step_size_up: 3, mode: "triangular2" });
      const sbs = new StepByStep(model, new nn.MSELoss({ reduction: "mean" }), optimizer);
      sbs.set_loaders(train_loader, val_loader);
      sbs.set_lr_scheduler(scheduler as unknown as AnyScheduler);
      sbs.train(4);
      const want = r.sbs_sched[kind];
      expectNums(sbs.losses, want.losses, 1e-5);
      expectNums(sbs.val_losses as number[], want.val, 1e-5);
      expectNums(sbs.learning_rates.flat(), want.lrs.flat(), 1e-9);
      expect(sbs.is_batch_lr_scheduler).toBe(want.batch);
    }
  });

  it("gradient clipping: clip_grad_value_, clip_grad_norm_ (keywords), clamping hooks removed by their handles", () => {
    for (const kind of ["value", "norm", "backprop"]) {
      torch.manual_seed(42);
      const model = new nn.Sequential();
      model.add_module("fc1", new nn.Linear(1, 10));
      model.add_module("act", new nn.ReLU());
      model.add_module("fc2", new nn.Linear(10, 1));
      const sbs = new StepByStep(model, new nn.MSELoss(), new optim.SGD(model.parameters(), { lr: 0.05 }));
      sbs.set_loaders(train_loader, val_loader);
      if (kind === "value") sbs.set_clip_grad_value(0.1);
      else if (kind === "norm") sbs.set_clip_grad_norm(0.5);
      else sbs.set_clip_backprop(0.1);
      sbs.train(3);
      sbs.remove_clip();
      expectNums(sbs.losses, r.clip[kind].losses, 1e-5);
      expectT((model.get_submodule("fc2") as nn.Linear).weight, r.clip[kind].w, 1e-5);
    }
    torch.manual_seed(11);
    const gp = new nn.Linear(2, 1);
    (gp(torch.randn(4, 2)) as Tensor).pow(2).sum().backward();
    expect(nn.utils.clip_grad_norm_(gp.parameters(), { max_norm: 0.5, norm_type: 2 }).item()).toBeCloseTo(r.clip.norm_returned, 5);
    expect(String(nn.utils.clip_grad_value_(gp.parameters(), { clip_value: 0.1 }) ?? "None")).toBe(r.clip.value_returned);
  });
});

// ============================ Chapter 7 ============================
describe("Chapter 7: adaptive pooling, batch norm, inception, residual connections", () => {
  const r = ref.ch7;
  it("adaptive_avg_pool2d on 3-D inputs; BatchNorm1d with momentum=None (cumulative) and 0.1; BatchNorm2d", () => {
    expect([F.adaptive_avg_pool2d(torch.randn(16, 32, 32), { output_size: [6, 6] }).shape, F.adaptive_avg_pool2d(torch.randn(16, 12, 12), { output_size: [6, 6] }).shape]).toEqual(r.adaptive);
    torch.manual_seed(23);
    const dummy_points = torch.randn([200, 2]).add(torch.rand([200, 2]).mul(2));
    const dummy_labels = torch.randint(2, [200, 1]);
    const dummy_loader = new DataLoader(new TensorDataset(dummy_points, dummy_labels), { batch_size: 64, shuffle: true });
    const iterator = dummy_loader[Symbol.iterator]();
    const batch1 = iterator.next().value as Tensor[];
    const batch2 = iterator.next().value as Tensor[];
    const batch3 = iterator.next().value as Tensor[];
    expectT(batch1[0].mean({ axis: 0 }), r.means[0], 1e-5);
    expectT(batch1[0].var({ axis: 0 }), r.means[1], 1e-5);
    const batch_normalizer = new nn.BatchNorm1d({ num_features: 2, affine: false, momentum: null });
    expect(String(batch_normalizer)).toBe(r.bn_repr);
    expect(odRepr(batch_normalizer.state_dict())).toBe(r.bn_state0);
    const normed1 = batch_normalizer(batch1[0]);
    expect(odRepr(batch_normalizer.state_dict())).toBe(r.bn_state1);
    expectT(normed1.mean({ axis: 0 }), r.normed1[0], 1e-5);
    expectT(normed1.var({ axis: 0 }), r.normed1[1], 1e-5);
    expectT(normed1.var({ axis: 0, unbiased: false }), r.normed1[2], 1e-5);
    batch_normalizer(batch2[0]);
    batch_normalizer(batch3[0]);
    expect(odRepr(batch_normalizer.state_dict())).toBe(r.bn_state3);
    batch_normalizer.eval();
    expectT(batch_normalizer(batch3[0]).mean({ axis: 0 }), r.eval, 1e-5);
    const batch_normalizer_mom = new nn.BatchNorm1d({ num_features: 2, affine: false, momentum: 0.1 });
    batch_normalizer_mom(batch1[0]);
    expect(odRepr(batch_normalizer_mom.state_dict())).toBe(r.mom_state);
    torch.manual_seed(39);
    const dummy_images = torch.rand([200, 3, 10, 10]);
    const img_loader = new DataLoader(new TensorDataset(dummy_images, torch.zeros(200)), { batch_size: 64, shuffle: true });
    const bn2 = new nn.BatchNorm2d({ num_features: 3, affine: false, momentum: null });
    const normed = bn2((img_loader[Symbol.iterator]().next().value as Tensor[])[0]);
    expect(normed.shape).toEqual(r.bn2d[0]);
    expectT(normed.mean({ axis: [0, 2, 3] }), r.bn2d[1], 1e-5);
    expectT(normed.std({ axis: [0, 2, 3], unbiased: false }), r.bn2d[2], 1e-5);
  });

  it("a grayscale 1x1 conv (F.conv2d by keyword) into the Inception block", () => {
    class Inception extends nn.Module {
      branch1x1_1: nn.Conv2d; branch5x5_1: nn.Conv2d; branch5x5_2: nn.Conv2d; branch3x3_1: nn.Conv2d; branch3x3_2: nn.Conv2d;
      branch_pool_1: nn.AvgPool2d; branch_pool_2: nn.Conv2d;
      constructor(in_channels: number) {
        super();
        this.branch1x1_1 = new nn.Conv2d(in_channels, 2, { kernel_size: 1 });
        this.branch5x5_1 = new nn.Conv2d(in_channels, 2, { kernel_size: 1 });
        this.branch5x5_2 = new nn.Conv2d(2, 3, { kernel_size: 5, padding: 2 });
        this.branch3x3_1 = new nn.Conv2d(in_channels, 2, { kernel_size: 1 });
        this.branch3x3_2 = new nn.Conv2d(2, 3, { kernel_size: 3, padding: 1 });
        this.branch_pool_1 = new nn.AvgPool2d({ kernel_size: 3, stride: 1, padding: 1 });
        this.branch_pool_2 = new nn.Conv2d(in_channels, 2, { kernel_size: 1 });
      }
      forward(x: Tensor): Tensor {
        const branch1x1 = this.branch1x1_1(x);
        const branch5x5 = this.branch5x5_2(this.branch5x5_1(x));
        const branch3x3 = this.branch3x3_2(this.branch3x3_1(x));
        const branch_pool = this.branch_pool_2(this.branch_pool_1(x));
        return torch.cat([branch1x1, branch5x5, branch3x3, branch_pool], 1);
      }
    }
    torch.manual_seed(7);
    const image = torch.rand(1, 3, 12, 12);
    const weights = torch.tensor([0.2126, 0.7152, 0.0722]).view(1, 3, 1, 1);
    const convolved = F.conv2d({ input: image, weight: weights });
    expectT(convolved.index(0, 0, ":2"), r.gray, 1e-6);
    const output = new Inception(1)(convolved);
    expect(output.shape).toEqual(r.inception[0]);
    expectT(output.index(0, null, 0, 0), r.inception[1], 1e-5);
  });

  it("Dummy vs DummyResidual learning the identity; ResidualBlock with a downsampling shortcut", () => {
    class Dummy extends nn.Module {
      linear = new nn.Linear(1, 1);
      activation = new nn.ReLU();
      residual = false;
      forward(x: Tensor): Tensor {
        const out = this.activation(this.linear(x));
        return this.residual ? out.add(x) : out;
      }
    }
    torch.manual_seed(23);
    const dummy_points = torch.randn([100, 1]);
    const dummy_loader = new DataLoader(new TensorDataset(dummy_points, dummy_points), { batch_size: 16, shuffle: true });
    for (const key of ["dummy", "residual"]) {
      torch.manual_seed(555);
      const dummy_model = new Dummy();
      dummy_model.residual = key === "residual";
      const dummy_sbs = new StepByStep(dummy_model, new nn.MSELoss(), new optim.SGD(dummy_model.parameters(), { lr: 0.1 }));
      dummy_sbs.set_loaders(dummy_loader);
      dummy_sbs.train(20);
      expect(odRepr(dummy_model.state_dict())).toBe(r[key].state);
      expectNums(dummy_sbs.losses.slice(-3), r[key].losses, 1e-4);
      expectT(dummy_sbs.predict(dummy_points.index(":5")), { shape: [5, 1], data: r[key].pred.flat() }, 1e-5);
    }

    class ResidualBlock extends nn.Module {
      conv1: nn.Conv2d; bn1: nn.BatchNorm2d; relu: nn.ReLU; conv2: nn.Conv2d; bn2: nn.BatchNorm2d; downsample: nn.Conv2d | null = null;
      constructor(in_channels: number, out_channels: number, stride = 1) {
        super();
        this.conv1 = new nn.Conv2d(in_channels, out_channels, { kernel_size: 3, padding: 1, stride, bias: false });
        this.bn1 = new nn.BatchNorm2d(out_channels);
        this.relu = new nn.ReLU({ inplace: true });
        this.conv2 = new nn.Conv2d(out_channels, out_channels, { kernel_size: 3, padding: 1, bias: false });
        this.bn2 = new nn.BatchNorm2d(out_channels);
        if (out_channels !== in_channels) this.downsample = new nn.Conv2d(in_channels, out_channels, { kernel_size: 1, stride });
      }
      forward(x: Tensor): Tensor {
        let identity = x;
        let out = this.relu(this.bn1(this.conv1(x)));
        out = this.bn2(this.conv2(out));
        if (this.downsample !== null) identity = this.downsample(identity);
        out.add_(identity);
        return this.relu(out);
      }
    }
    torch.manual_seed(3);
    const block = new ResidualBlock(3, 4, 2);
    const rb_out = block(torch.rand(2, 3, 8, 8));
    expect(rb_out.shape).toEqual(r.resblock[0]);
    expectT(rb_out.index(0, null, 0, 0), r.resblock[1], 1e-5);
    expect(String(block)).toBe(r.resblock[2]);
    expect(Object.keys(block.state_dict())).toEqual(r.resblock_state_keys);
  });
});

// ============================ Chapters 8-11 (stepbystep_seq.json) ============================
const sref = tutorialFixture<Record<string, any>>("stepbystep_seq.json"); // eslint-disable-line @typescript-eslint/no-explicit-any
const rnn_utils = nn.utils.rnn;

/** data_generation/square_sequences.py's stand-in: noisy square corners, clockwise (0) or not (1). */
function squares(seed: number, n: number): [Tensor, Tensor];
function squares(seed: number, n: number, variable_len: true): [Tensor[], Tensor];
function squares(seed: number, n: number, variable_len = false): [Tensor | Tensor[], Tensor] {
  const g = new torch.Generator().manual_seed(seed);
  const basic = torch.tensor([[1, 1], [1, -1], [-1, -1], [-1, 1]]).float();
  const starts = torch.randint(0, 4, [n], { generator: g });
  const directions = torch.randint(0, 2, [n], { generator: g });
  const pts: Tensor[] = [];
  for (let i = 0; i < n; i++) {
    const s = starts.index(i).item();
    const d = directions.index(i).item();
    const order = [0, 1, 2, 3].map((k) => (((s + (d === 0 ? k : -k)) % 4) + 4) % 4);
    let p = basic.index(torch.tensor(order, long)).add(torch.randn([4, 2], { generator: g }).mul(0.1));
    if (variable_len) {
      const L = torch.randint(2, 5, [1], { generator: g }).item();
      p = p.index(`:${L}`);
    }
    pts.push(p);
  }
  return [variable_len ? pts : torch.stack(pts), directions];
}

const [points, directions] = squares(13, 128);
const [test_points, test_directions] = squares(19, 32);

describe("Chapter 8: sequences", () => {
  const r = sref.ch8;
  const n_features = 2, hidden_dim = 2;

  it("an RNN cell by hand (two Linears fed the cell's state_dict) vs nn.RNNCell, over a sequence", () => {
    torch.manual_seed(19);
    const rnn_cell = new nn.RNNCell({ input_size: n_features, hidden_size: hidden_dim });
    const rnn_state = rnn_cell.state_dict();
    expect(odRepr(rnn_state)).toBe(r.cell_state);
    const linear_input = new nn.Linear(n_features, hidden_dim);
    const linear_hidden = new nn.Linear(hidden_dim, hidden_dim);
    torch.no_grad(() => {
      linear_input.weight = new nn.Parameter(rnn_state.weight_ih);
      linear_input.bias = new nn.Parameter(rnn_state.bias_ih);
      linear_hidden.weight = new nn.Parameter(rnn_state.weight_hh);
      linear_hidden.bias = new nn.Parameter(rnn_state.bias_hh);
    });
    const initial_hidden = torch.zeros(1, hidden_dim);
    const th = linear_hidden(initial_hidden);
    const X = torch.as_tensor(points.index(0)).float();
    const tx = linear_input(X.index("0:1"));
    const adding = th.add(tx);
    [th, tx, torch.tanh(adding), rnn_cell(X.index("0:1"))].forEach((t, i) => expectT(t, r.by_hand[i], 1e-6));
    let hidden = torch.zeros(1, hidden_dim);
    for (let i = 0; i < X.shape[0]; i++) {
      const out = rnn_cell(X.index(`${i}:${i + 1}`), hidden);
      expectT(out, r.cell_loop[i], 1e-6);
      hidden = out;
    }
  });

  it("nn.RNN sequence-first and batch_first; stacked = two RNNs; bidirectional = forward + flipped reverse", () => {
    torch.manual_seed(19);
    let rnn = new nn.RNN({ input_size: n_features, hidden_size: hidden_dim });
    expect(odRepr(rnn.state_dict())).toBe(r.rnn_state);
    expect(String(rnn)).toBe(r.rnn_repr);
    const batch = torch.as_tensor(points.index(":3")).float();
    const permuted_batch = batch.permute(1, 0, 2);
    torch.manual_seed(19);
    rnn = new nn.RNN({ input_size: n_features, hidden_size: hidden_dim });
    let [out, final_hidden] = rnn(permuted_batch);
    expectT(out, r.rnn_seq_first[0], 1e-6);
    expectT(final_hidden, r.rnn_seq_first[1], 1e-6);
    torch.manual_seed(19);
    const rnn_batch_first = new nn.RNN({ input_size: n_features, hidden_size: hidden_dim, batch_first: true });
    [out, final_hidden] = rnn_batch_first(batch);
    expectT(out, r.rnn_batch_first[0], 1e-6);
    expectT(final_hidden, r.rnn_batch_first[1], 1e-6);

    torch.manual_seed(19);
    const rnn_stacked = new nn.RNN({ input_size: 2, hidden_size: 2, num_layers: 2, batch_first: true });
    let state = rnn_stacked.state_dict();
    expect(Object.keys(state)).toEqual(r.stacked_keys);
    const rnn_layer0 = new nn.RNN({ input_size: 2, hidden_size: 2, batch_first: true });
    const rnn_layer1 = new nn.RNN({ input_size: 2, hidden_size: 2, batch_first: true });
    rnn_layer0.load_state_dict(Object.fromEntries(Object.entries(state).slice(0, 4)));
    rnn_layer1.load_state_dict(Object.fromEntries(Object.entries(state).slice(4).map(([k, v]) => [k.slice(0, -1) + "0", v])));
    const x = torch.as_tensor(points.index("0:1")).float();
    const [out0, h0] = rnn_layer0(x);
    const [out1, h1] = rnn_layer1(out0);
    const [outS, hiddenS] = rnn_stacked(x);
    expectT(outS, r.stacked[0], 1e-6);
    expectT(hiddenS, r.stacked[1], 1e-6);
    expectT(out1, r.stacked[2], 1e-6);
    expectT(torch.cat([h0, h1]), r.stacked[3], 1e-6);
    expect(outS.index(null, -1).eq(hiddenS.permute(1, 0, 2).index(null, -1)).all().item()).toBe(r.stacked[4]);

    torch.manual_seed(19);
    const rnn_bidirect = new nn.RNN({ input_size: 2, hidden_size: 2, bidirectional: true, batch_first: true });
    state = rnn_bidirect.state_dict();
    expect(Object.keys(state)).toEqual(r.bidirect_keys);
    const rnn_forward = new nn.RNN({ input_size: 2, hidden_size: 2, batch_first: true });
    const rnn_reverse = new nn.RNN({ input_size: 2, hidden_size: 2, batch_first: true });
    rnn_forward.load_state_dict(Object.fromEntries(Object.entries(state).slice(0, 4)));
    rnn_reverse.load_state_dict(Object.fromEntries(Object.entries(state).slice(4).map(([k, v]) => [k.slice(0, -8), v])));
    const x_rev = torch.flip(x, { dims: [1] });
    const [outF, h] = rnn_forward(x);
    const [out_rev, h_rev] = rnn_reverse(x_rev);
    const out_rev_back = torch.flip(out_rev, { dims: [1] });
    const [out_b, hidden_b] = rnn_bidirect(x);
    expectT(out_b, r.bidirect[0], 1e-6);
    expectT(hidden_b, r.bidirect[1], 1e-6);
    expectT(torch.cat([outF, out_rev_back], { dim: 2 }), r.bidirect[2], 1e-6);
    expectT(torch.cat([h, h_rev]), r.bidirect[3], 1e-6);
  });

  it("SquareModel with nn.RNN / nn.GRU / nn.LSTM through StepByStep", () => {
    class SquareModel extends nn.Module {
      basic_rnn: nn.RNN | nn.GRU | nn.LSTM;
      classifier: nn.Linear;
      hidden: Tensor | null = null;
      cell: Tensor | null = null;
      constructor(public n_features: number, public hidden_dim: number, public n_outputs: number, public kind: string) {
        super();
        const cls = kind === "rnn" ? nn.RNN : kind === "gru" ? nn.GRU : nn.LSTM;
        this.basic_rnn = new cls(this.n_features, this.hidden_dim, { batch_first: true });
        this.classifier = new nn.Linear(this.hidden_dim, this.n_outputs);
      }
      forward(X: Tensor): Tensor {
        let batch_first_output: Tensor;
        if (this.kind === "lstm") [batch_first_output, [this.hidden, this.cell]] = (this.basic_rnn as nn.LSTM)(X);
        else[batch_first_output, this.hidden] = (this.basic_rnn as nn.RNN)(X);
        const last_output = batch_first_output.index(null, -1);
        return this.classifier(last_output).view(-1, this.n_outputs);
      }
    }
    const train_data = new TensorDataset(torch.as_tensor(points).float(), torch.as_tensor(directions).view(-1, 1).float());
    const test_data = new TensorDataset(torch.as_tensor(test_points).float(), torch.as_tensor(test_directions).view(-1, 1).float());
    const train_loader = new DataLoader(train_data, { batch_size: 16, shuffle: true });
    const test_loader = new DataLoader(test_data, { batch_size: 16 });
    for (const kind of ["rnn", "gru", "lstm"]) {
      torch.manual_seed(21);
      const model = new SquareModel(2, 2, 1, kind);
      const sbs_rnn = new StepByStep(model, new nn.BCEWithLogitsLoss(), new optim.Adam(model.parameters(), { lr: 0.01 }));
      sbs_rnn.set_loaders(train_loader, test_loader);
      sbs_rnn.train(10);
      expectNums(sbs_rnn.losses, r.square_models[kind].losses, 1e-5);
      expectNums(sbs_rnn.val_losses as number[], r.square_models[kind].val, 1e-5);
      expect(StepByStep.loader_apply(test_loader, (a, b) => sbs_rnn.correct(a, b)).tolist()).toEqual(r.square_models[kind].correct);
    }
  });

  it("GRU and LSTM cells by hand: split the cell weights into gates, linear_layers via load_state_dict", () => {
    const linear_layers = (Wx: Tensor, bx: Tensor, Wh: Tensor, bh: Tensor): [nn.Linear, nn.Linear] => {
      const [hd, nf] = Wx.size();
      const lin_input = new nn.Linear(nf, hd);
      lin_input.load_state_dict({ weight: Wx, bias: bx });
      const lin_hidden = new nn.Linear(hd, hd);
      lin_hidden.load_state_dict({ weight: Wh, bias: bh });
      return [lin_hidden, lin_input];
    };
    torch.manual_seed(17);
    const gru_cell = new nn.GRUCell({ input_size: n_features, hidden_size: hidden_dim });
    const gs = gru_cell.state_dict();
    const [Wx, bx, Wh, bh] = [gs.weight_ih, gs.bias_ih, gs.weight_hh, gs.bias_hh];
    const [Wxr, Wxz, Wxn] = Wx.split(hidden_dim, { dim: 0 });
    const [bxr, bxz, bxn] = bx.split(hidden_dim, { dim: 0 });
    const [Whr, Whz, Whn] = Wh.split(hidden_dim, { dim: 0 });
    const [bhr, bhz, bhn] = bh.split(hidden_dim, { dim: 0 });
    const [r_hidden, r_input] = linear_layers(Wxr, bxr, Whr, bhr);
    const [z_hidden, z_input] = linear_layers(Wxz, bxz, Whz, bhz);
    const [n_hidden, n_input] = linear_layers(Wxn, bxn, Whn, bhn);
    const initial_hidden = torch.zeros(1, hidden_dim);
    const first_corner = torch.as_tensor(points.index(0)).float().index("0:1");
    const rg = torch.sigmoid(r_hidden(initial_hidden).add(r_input(first_corner)));
    const n = torch.tanh(rg.mul(n_hidden(initial_hidden)).add(n_input(first_corner)));
    const z = torch.sigmoid(z_hidden(initial_hidden).add(z_input(first_corner)));
    const h_prime = n.mul(z.neg().add(1)).add(initial_hidden.mul(z));
    expect(Wx.shape).toEqual(r.gru_by_hand[0].data);
    [rg, n, z, h_prime, gru_cell(first_corner)].forEach((t, i) => expectT(t, r.gru_by_hand[i + 1], 1e-6));

    torch.manual_seed(17);
    const lstm_cell = new nn.LSTMCell({ input_size: n_features, hidden_size: hidden_dim });
    const ls = lstm_cell.state_dict();
    const [Wxi, Wxf, Wxg, Wxo] = ls.weight_ih.split(hidden_dim, { dim: 0 });
    const [bxi, bxf, bxg, bxo] = ls.bias_ih.split(hidden_dim, { dim: 0 });
    const [Whi, Whf, Whg, Who] = ls.weight_hh.split(hidden_dim, { dim: 0 });
    const [bhi, bhf, bhg, bho] = ls.bias_hh.split(hidden_dim, { dim: 0 });
    const [i_hidden, i_input] = linear_layers(Wxi, bxi, Whi, bhi);
    const [f_hidden, f_input] = linear_layers(Wxf, bxf, Whf, bhf);
    const [o_hidden, o_input] = linear_layers(Wxo, bxo, Who, bho);
    const g_cell = new nn.RNNCell(n_features, hidden_dim);
    g_cell.load_state_dict({ weight_ih: Wxg, bias_ih: bxg, weight_hh: Whg, bias_hh: bhg });
    const initial_cell = torch.zeros(1, hidden_dim);
    const g = g_cell(first_corner);
    const i = torch.sigmoid(i_hidden(initial_hidden).add(i_input(first_corner)));
    const f = torch.sigmoid(f_hidden(initial_hidden).add(f_input(first_corner)));
    const o = torch.sigmoid(o_hidden(initial_hidden).add(o_input(first_corner)));
    const c_prime = f.mul(initial_cell).add(i.mul(g));
    const h_prime2 = o.mul(torch.tanh(c_prime));
    const [hh, cc] = lstm_cell(first_corner);
    [g, c_prime, h_prime2, hh, cc].forEach((t, k) => expectT(t, r.lstm_by_hand[k], 1e-6));
  });

  it("pad_sequence, pack_sequence (enforce_sorted=False), packed RNN outputs, pad_packed_sequence, pack_padded_sequence", () => {
    const all_seqs = [points.index(0), points.index(1).index("2:"), points.index(2).index("1:")];
    const seq_tensors = all_seqs.map((seq) => torch.as_tensor(seq).float());
    const padded = rnn_utils.pad_sequence(seq_tensors, { batch_first: true });
    expectT(padded, r.padded, 1e-7);
    torch.manual_seed(11);
    const rnn = new nn.RNN(2, 2, { batch_first: true });
    const [output_padded, hidden_padded] = rnn(padded);
    expectT(output_padded, r.out_padded[0], 1e-6);
    expectT(hidden_padded.permute(1, 0, 2), r.out_padded[1], 1e-6);
    const packed = rnn_utils.pack_sequence(seq_tensors, { enforce_sorted: false });
    expectT(packed.data, r.packed[0], 1e-7);
    expect([packed.batch_sizes.tolist(), packed.sorted_indices!.tolist(), packed.unsorted_indices!.tolist()]).toEqual(r.packed.slice(1, 4));
    expect(packed.data.index(torch.tensor([0, 3, 6, 8], long)).eq(seq_tensors[0]).all().item()).toBe(r.packed[4]);
    const [output_packed, hidden_packed] = rnn.forward(packed);
    expectT(output_packed.data, r.out_packed[0], 1e-6);
    expectT(hidden_packed, r.out_packed[1], 1e-6);
    expect(hidden_packed.eq(hidden_padded).tolist()).toEqual(r.out_packed[2]);
    expectT(output_packed.data.index(torch.tensor([2, 5], long)), r.out_packed[3], 1e-6);
    const [output_unpacked, seq_sizes] = rnn_utils.pad_packed_sequence(output_packed, { batch_first: true });
    const seq_idx = torch.arange(seq_sizes.size(0));
    expectT(output_unpacked, r.unpacked[0], 1e-6);
    expect([seq_sizes.tolist(), String(seq_sizes)]).toEqual([r.unpacked[1], r.unpacked[2]]);
    expectT(output_unpacked.index(null, -1), r.unpacked[3], 1e-6);
    expectT(output_unpacked.index(seq_idx, seq_sizes.sub(1)), r.unpacked[4], 1e-6);
    const len_seqs = all_seqs.map((seq) => seq.size(0));
    const packed2 = rnn_utils.pack_padded_sequence(padded, len_seqs, { enforce_sorted: false, batch_first: true });
    expectT(packed2.data, r.pack_padded[0], 1e-7);
    expect(packed2.batch_sizes.tolist()).toEqual(r.pack_padded[1]);
    expect(String(rnn_utils.pack_sequence([torch.tensor([[1, 2]]).float(), torch.tensor([[3, 4], [5, 6]]).float()], { enforce_sorted: false }))).toBe(r.packed_repr);
    expect(thrown(() => rnn_utils.pack_sequence(seq_tensors))).toEqual(["RuntimeError", r.unsorted_error]);
  });

  it("a Dataset of variable-length sequences, pack_collate as collate_fn, a bidirectional LSTM on packed input", () => {
    const [var_points, var_directions] = squares(23, 64, true);
    class CustomSeqDataset extends Dataset<[Tensor, Tensor]> {
      x: Tensor[];
      y: Tensor;
      constructor(x: Tensor[], y: Tensor) {
        super();
        this.x = x.map((s) => torch.as_tensor(s).float());
        this.y = torch.as_tensor(y).float().view(-1, 1);
      }
      __getitem__(index: number): [Tensor, Tensor] {
        return [this.x[index], this.y.index(index)];
      }
      __len__(): number {
        return this.x.length;
      }
    }
    const train_var_data = new CustomSeqDataset(var_points, var_directions);
    const pack_collate = (batch: [Tensor, Tensor][]) => {
      const X = batch.map((item) => item[0]);
      const yy = batch.map((item) => item[1]);
      const X_pack = rnn_utils.pack_sequence(X, { enforce_sorted: false });
      return [X_pack, torch.stack(yy).view(-1, 1)] as const;
    };
    const [dummy_x, dummy_y] = pack_collate([train_var_data.get(0), train_var_data.get(1)]);
    expectT(dummy_x.data, r.collate[0], 1e-7);
    expect(dummy_x.batch_sizes.tolist()).toEqual(r.collate[1]);
    expectT(dummy_y, r.collate[2], 0);
    torch.manual_seed(3);
    const train_var_loader = new DataLoader(train_var_data, { batch_size: 16, shuffle: true, collate_fn: pack_collate });

    class SquareModelPacked extends nn.Module {
      hidden: Tensor | null = null;
      cell: Tensor | null = null;
      basic_rnn: nn.LSTM;
      classifier: nn.Linear;
      constructor(public n_features: number, public hidden_dim: number, public n_outputs: number) {
        super();
        this.basic_rnn = new nn.LSTM(this.n_features, this.hidden_dim, { bidirectional: true });
        this.classifier = new nn.Linear(2 * this.hidden_dim, this.n_outputs);
      }
      forward(X: InstanceType<typeof rnn_utils.PackedSequence>): Tensor {
        let rnn_out;
        [rnn_out, [this.hidden, this.cell]] = this.basic_rnn.forward(X); // a PackedSequence goes through forward (the call signature is typed for tensors)
        const [batch_first_output, seq_sizes] = rnn_utils.pad_packed_sequence(rnn_out, { batch_first: true });
        const seq_idx = torch.arange(seq_sizes.size(0));
        const last_output = batch_first_output.index(seq_idx, seq_sizes.sub(1));
        return this.classifier(last_output).view(-1, this.n_outputs);
      }
    }
    torch.manual_seed(21);
    const model = new SquareModelPacked(2, 2, 1);
    const sbs_packed = new StepByStep(model, new nn.BCEWithLogitsLoss(), new optim.Adam(model.parameters(), { lr: 0.01 }));
    sbs_packed.set_loaders(train_var_loader as unknown as Loader);
    sbs_packed.train(5);
    expectNums(sbs_packed.losses, r.packed_model.losses, 1e-5);
    expect(StepByStep.loader_apply(train_var_loader as unknown as Loader, (a, b) => sbs_packed.correct(a, b)).tolist()).toEqual(r.packed_model.correct);
  });

  it("1D convolutions: a moving average with F.conv1d, nn.Conv1d with dilation, a Conv1d classifier", () => {
    const temperatures = torch.tensor([5, 11, 15, 6, 5, 3, 3, 0, 0, 3, 4, 2, 1], long);
    const weight = torch.ones(5).mul(0.2);
    expectT(F.conv1d(torch.as_tensor(temperatures).float().view(1, 1, -1), { weight: weight.view(1, 1, -1) }), r.moving_avg, 1e-6);
    const seqs = torch.as_tensor(points).float();
    const seqs_length_last = seqs.permute(0, 2, 1);
    torch.manual_seed(17);
    const conv_seq = new nn.Conv1d({ in_channels: 2, out_channels: 1, kernel_size: 2, bias: false });
    expectT(conv_seq.weight, r.conv1d[0], 1e-7);
    expectT(conv_seq(seqs_length_last.index("0:1")), r.conv1d[1], 1e-6);
    expect(String(conv_seq)).toBe(r.conv1d[2]);
    torch.manual_seed(17);
    const conv_dilated = new nn.Conv1d({ in_channels: 2, out_channels: 1, kernel_size: 2, dilation: 2, bias: false });
    expectT(conv_dilated(seqs_length_last.index("0:1")), r.dilated[0], 1e-6);
    expect(String(conv_dilated)).toBe(r.dilated[1]);
    const train_data = new TensorDataset(torch.as_tensor(points).float().permute(0, 2, 1), torch.as_tensor(directions).view(-1, 1).float());
    const test_data = new TensorDataset(torch.as_tensor(test_points).float().permute(0, 2, 1), torch.as_tensor(test_directions).view(-1, 1).float());
    const train_loader = new DataLoader(train_data, { batch_size: 16, shuffle: true });
    const test_loader = new DataLoader(test_data, { batch_size: 16 });
    torch.manual_seed(21);
    const model = new nn.Sequential();
    model.add_module("conv1d", new nn.Conv1d(2, 1, { kernel_size: 2 }));
    model.add_module("relu", new nn.ReLU());
    model.add_module("flatten", new nn.Flatten());
    model.add_module("output", new nn.Linear(3, 1));
    const sbs_conv1 = new StepByStep(model, new nn.BCEWithLogitsLoss(), new optim.Adam(model.parameters(), { lr: 0.01 }));
    sbs_conv1.set_loaders(train_loader, test_loader);
    sbs_conv1.train(10);
    expectNums(sbs_conv1.losses, r.conv_model.losses, 1e-5);
    expectNums(sbs_conv1.val_losses as number[], r.conv_model.val, 1e-5);
    expect(StepByStep.loader_apply(test_loader, (a, b) => sbs_conv1.correct(a, b)).tolist()).toEqual(r.conv_model.correct);
    expect(odRepr(model.get_submodule("conv1d").state_dict())).toBe(r.conv_model.state);
  });
});

// ============================ Chapter 9 ============================
class Encoder extends nn.Module {
  hidden: Tensor | null = null;
  basic_rnn: nn.GRU;
  constructor(public n_features: number, public hidden_dim: number) {
    super();
    this.basic_rnn = new nn.GRU(this.n_features, this.hidden_dim, { batch_first: true });
  }
  forward(X: Tensor): Tensor {
    let rnn_out: Tensor;
    [rnn_out, this.hidden] = this.basic_rnn(X);
    return rnn_out;
  }
}

class Decoder extends nn.Module {
  hidden: Tensor | null = null;
  basic_rnn: nn.GRU;
  regression: nn.Linear;
  constructor(public n_features: number, public hidden_dim: number) {
    super();
    this.basic_rnn = new nn.GRU(this.n_features, this.hidden_dim, { batch_first: true });
    this.regression = new nn.Linear(this.hidden_dim, this.n_features);
  }
  init_hidden(hidden_seq: Tensor): void {
    const hidden_final = hidden_seq.index(null, "-1:");
    this.hidden = hidden_final.permute(1, 0, 2);
  }
  forward(X: Tensor): Tensor {
    let batch_first_output: Tensor;
    [batch_first_output, this.hidden] = this.basic_rnn(X, this.hidden!);
    const last_output = batch_first_output.index(null, "-1:");
    return this.regression(last_output).view(-1, 1, this.n_features);
  }
}

class Attention extends nn.Module {
  d_k: number;
  input_dim: number;
  linear_query: nn.Linear;
  linear_key: nn.Linear;
  linear_value: nn.Linear;
  alphas: Tensor | null = null;
  keys!: Tensor;
  proj_keys!: Tensor;
  values!: Tensor;
  constructor(hidden_dim: number, input_dim: number | null = null, public proj_values = false) {
    super();
    this.d_k = hidden_dim;
    this.input_dim = input_dim ?? hidden_dim;
    this.linear_query = new nn.Linear(this.input_dim, hidden_dim);
    this.linear_key = new nn.Linear(this.input_dim, hidden_dim);
    this.linear_value = new nn.Linear(this.input_dim, hidden_dim);
  }
  init_keys(keys: Tensor): void {
    this.keys = keys;
    this.proj_keys = this.linear_key(this.keys);
    this.values = this.proj_values ? this.linear_value(this.keys) : this.keys;
  }
  score_function(query: Tensor): Tensor {
    const proj_query = this.linear_query(query);
    const dot_products = torch.bmm(proj_query, this.proj_keys.permute(0, 2, 1));
    return dot_products.div(Math.sqrt(this.d_k));
  }
  forward(query: Tensor, mask: Tensor | null = null): Tensor {
    let scores = this.score_function(query);
    if (mask !== null) scores = scores.masked_fill(mask.eq(0), -1e9);
    const alphas = F.softmax(scores, { dim: -1 });
    this.alphas = alphas.detach();
    return torch.bmm(alphas, this.values);
  }
}

class DecoderAttn extends nn.Module {
  hidden: Tensor | null = null;
  basic_rnn: nn.GRU;
  attn: Attention;
  regression: nn.Linear;
  constructor(public n_features: number, public hidden_dim: number) {
    super();
    this.basic_rnn = new nn.GRU(this.n_features, this.hidden_dim, { batch_first: true });
    this.attn = new Attention(this.hidden_dim);
    this.regression = new nn.Linear(2 * this.hidden_dim, this.n_features);
  }
  init_hidden(hidden_seq: Tensor): void {
    this.attn.init_keys(hidden_seq);
    this.hidden = hidden_seq.index(null, "-1:").permute(1, 0, 2);
  }
  forward(X: Tensor, mask: Tensor | null = null): Tensor {
    let batch_first_output: Tensor;
    [batch_first_output, this.hidden] = this.basic_rnn(X, this.hidden!);
    const query = batch_first_output.index(null, "-1:");
    const context = this.attn(query, mask);
    const concatenated = torch.cat([context, query], { axis: -1 });
    return this.regression(concatenated).view(-1, 1, this.n_features);
  }
}

class EncoderDecoder extends nn.Module {
  outputs: Tensor | null = null;
  constructor(public encoder: Encoder, public decoder: Decoder | DecoderAttn, public input_len: number, public target_len: number, public teacher_forcing_prob = 0.5) {
    super();
  }
  init_outputs(batch_size: number): void {
    const device = this.parameters()[0].device;
    this.outputs = torch.zeros(batch_size, this.target_len, this.encoder.n_features).to(device);
  }
  store_output(i: number, out: Tensor): void {
    // self.outputs[:, i:i+1, :] = out
    this.outputs!.index(null, `${i}:${i + 1}`, null).copy_(out);
  }
  forward(X: Tensor): Tensor {
    const source_seq = X.index(null, `:${this.input_len}`, null);
    const target_seq = X.index(null, `${this.input_len}:`, null);
    this.init_outputs(X.shape[0]);
    const hidden_seq = this.encoder(source_seq);
    this.decoder.init_hidden(hidden_seq);
    let dec_inputs = source_seq.index(null, "-1:", null);
    for (let i = 0; i < this.target_len; i++) {
      const out = this.decoder(dec_inputs) as Tensor;
      this.store_output(i, out);
      let prob = this.teacher_forcing_prob;
      if (!this.training) prob = 0;
      if (torch.rand(1).le(prob).item()) dec_inputs = target_seq.index(null, `${i}:${i + 1}`, null);
      else dec_inputs = out;
    }
    return this.outputs!;
  }
}

class EncoderDecoderAttn extends EncoderDecoder {
  alphas: Tensor | null = null;
  init_outputs(batch_size: number): void {
    super.init_outputs(batch_size);
    this.alphas = torch.zeros(batch_size, this.target_len, this.input_len);
  }
  store_output(i: number, out: Tensor): void {
    super.store_output(i, out);
    this.alphas!.index(null, `${i}:${i + 1}`, null).copy_((this.decoder as DecoderAttn).attn.alphas!);
  }
}

class PositionalEncoding extends nn.Module {
  declare pe: Tensor;
  constructor(max_len: number, public d_model: number) {
    super();
    const pe = torch.zeros(max_len, d_model);
    const position = torch.arange(0, max_len).float().unsqueeze(1);
    const slope = torch.exp(torch.arange(0, d_model, 2).float().mul(-Math.log(10000.0) / d_model));
    pe.index(null, "0::2").copy_(torch.sin(position.mul(slope)));
    pe.index(null, "1::2").copy_(torch.cos(position.mul(slope)));
    this.register_buffer("pe", pe.unsqueeze(0));
  }
  forward(x: Tensor): Tensor {
    const scaled_x = x.mul(Math.sqrt(this.d_model));
    return scaled_x.add(this.pe.index(null, `:${x.size(1)}`, null));
  }
}

const seqLoaders = () => {
  const full_train = torch.as_tensor(points.index(":64")).float();
  const full_test = torch.as_tensor(test_points).float();
  const train_data = new TensorDataset(full_train, full_train.index(null, "2:"));
  const test_data = new TensorDataset(full_test.index(null, ":2"), full_test.index(null, "2:"));
  const generator = new torch.Generator();
  return {
    full_test,
    train_loader: new DataLoader(train_data, { batch_size: 16, shuffle: true, generator }),
    test_loader: new DataLoader(test_data, { batch_size: 16 }),
  };
};

describe("Chapter 9: encoder-decoder, attention, positional encoding", () => {
  const r = sref.ch9;
  it("the encoder / decoder loop by hand, EncoderDecoder with teacher forcing in train and eval", () => {
    const full_seq = torch.tensor([[-1, -1], [-1, 1], [1, 1], [1, -1]]).float().view(1, 4, 2);
    const source_seq = full_seq.index(null, ":2");
    torch.manual_seed(21);
    const encoder = new Encoder(2, 2);
    const hidden_seq = encoder(source_seq);
    const decoder = new Decoder(2, 2);
    decoder.init_hidden(hidden_seq);
    let inputs = source_seq.index(null, "-1:");
    expectT(hidden_seq, r.decoder_loop[0], 1e-6);
    for (let i = 0; i < 2; i++) {
      const out = decoder(inputs);
      expectT(out, r.decoder_loop[1][i], 1e-6);
      inputs = out;
    }
    const encdec = new EncoderDecoder(encoder, decoder, 2, 2, 0.5);
    encdec.train();
    torch.manual_seed(1);
    expectT(encdec(full_seq), r.encdec_train, 1e-6);
    encdec.eval();
    expectT(encdec(source_seq), r.encdec_eval, 1e-6);
  });

  it("EncoderDecoder through StepByStep (outputs[:, i:i+1, :] = out keeps the graph)", () => {
    const { train_loader, test_loader } = seqLoaders();
    torch.manual_seed(23);
    const model = new EncoderDecoder(new Encoder(2, 2), new Decoder(2, 2), 2, 2, 0.5);
    const sbs_seq = new StepByStep(model, new nn.MSELoss(), new optim.Adam(model.parameters(), { lr: 0.01 }));
    sbs_seq.set_loaders(train_loader, test_loader);
    sbs_seq.train(5);
    expectNums(sbs_seq.losses, r.seq_model.losses, 1e-5);
    expectNums(sbs_seq.val_losses as number[], r.seq_model.val, 1e-5);
  });

  it("attention by hand: bmm, softmax, scaling; the Attention module with a padding mask", () => {
    const q = torch.tensor([0.55, 0.95]).view(1, 1, 2);
    const k = torch.tensor([[0.65, 0.2], [0.85, -0.4], [-0.95, -0.75]]).view(1, 3, 2);
    const prod = torch.bmm(q, k.permute(0, 2, 1));
    const scores = F.softmax(prod, { dim: -1 });
    const context = torch.bmm(scores, k);
    const dummy_product = torch.tensor([4.0, 1.0]);
    [prod, scores, context, F.softmax(dummy_product, { dim: -1 }), F.softmax(dummy_product.mul(100), { dim: -1 })].forEach((t, i) => expectT(t, r.by_hand[i], 1e-6));
    torch.manual_seed(11);
    const n_dims = 10;
    const vector1 = torch.randn(10000, 1, n_dims);
    const vector2 = torch.randn(10000, 1, n_dims).permute(0, 2, 1);
    expect(torch.bmm(vector1, vector2).squeeze().var().item()).toBeCloseTo(r.var, 3);
    const source_seq = torch.tensor([[[-1.0, 1.0], [0.0, 0.0]]]);
    torch.manual_seed(11);
    const attnh = new Attention(2);
    attnh.init_keys(source_seq);
    const source_mask = source_seq.ne(0).all({ axis: 2 }).unsqueeze(1);
    expect(source_mask.tolist()).toEqual(r.mask);
    expectT(attnh(torch.tensor([[[-1.0, 1.0]]]), source_mask), r.attn_masked[0], 1e-6);
    expectT(attnh.alphas!, r.attn_masked[1], 1e-6);
  });

  it("EncoderDecoderAttn through StepByStep, its alphas in eval", () => {
    const { train_loader, test_loader, full_test } = seqLoaders();
    torch.manual_seed(17);
    const model = new EncoderDecoderAttn(new Encoder(2, 2), new DecoderAttn(2, 2), 2, 2, 0.5);
    const sbs_seq_attn = new StepByStep(model, new nn.MSELoss(), new optim.Adam(model.parameters(), { lr: 0.01 }));
    sbs_seq_attn.set_loaders(train_loader, test_loader);
    sbs_seq_attn.train(5);
    model.eval();
    const out = model(full_test.index(":4", ":2"));
    const want = r.attn_model;
    expectNums(sbs_seq_attn.losses, want.losses, 1e-5);
    expectNums(sbs_seq_attn.val_losses as number[], want.val, 1e-5);
    expectT(model.alphas!, want.alphas, 1e-5);
    expectT(out, want.out, 1e-5);
  });

  it("subsequent_mask with triu; the sinusoidal encoding by strided assignment; PositionalEncoding's buffer", () => {
    const subsequent_mask = (size: number) => torch.triu(torch.ones([1, size, size]), { diagonal: 1 }).neg().add(1).bool();
    expect([subsequent_mask(2).tolist(), String(subsequent_mask(3))]).toEqual(r.subsequent_mask);
    const max_len = 10, d_model = 8;
    const position = torch.arange(0, max_len).float().unsqueeze(1);
    const angular_speed = torch.exp(torch.arange(0, d_model, 2).float().mul(-Math.log(10000.0) / d_model));
    const encoding = torch.zeros(max_len, d_model);
    encoding.index(null, "0::2").copy_(torch.sin(angular_speed.mul(position)));
    encoding.index(null, "1::2").copy_(torch.cos(angular_speed.mul(position)));
    expectT(encoding, r.pe, 1e-6);
    const posenc = new PositionalEncoding(2, 2);
    const source_seq = torch.tensor([[[-1.0, 1.0], [0.0, 0.0]]]);
    expect(Object.keys(posenc.state_dict())).toEqual(r.posenc[0]);
    expectT(posenc.pe, r.posenc[1], 1e-6);
    expectT(posenc(source_seq), r.posenc[2], 1e-6);
    expect(String(posenc)).toBe(r.posenc[3]);
  });
});

// ============================ Chapter 10 ============================
class MultiHeadedAttention extends nn.Module {
  d_k: number;
  linear_query: nn.Linear;
  linear_key: nn.Linear;
  linear_value: nn.Linear;
  linear_out: nn.Linear;
  dropout: nn.Dropout;
  alphas: Tensor | null = null;
  proj_key!: Tensor;
  proj_value!: Tensor;
  constructor(public n_heads: number, public d_model: number, dropout = 0.1) {
    super();
    this.d_k = Math.trunc(d_model / n_heads);
    this.linear_query = new nn.Linear(d_model, d_model);
    this.linear_key = new nn.Linear(d_model, d_model);
    this.linear_value = new nn.Linear(d_model, d_model);
    this.linear_out = new nn.Linear(d_model, d_model);
    this.dropout = new nn.Dropout({ p: dropout });
  }
  make_chunks(x: Tensor): Tensor {
    const [batch_size, seq_len] = [x.size(0), x.size(1)];
    return x.view(batch_size, seq_len, this.n_heads, this.d_k).transpose(1, 2);
  }
  init_keys(key: Tensor): void {
    this.proj_key = this.make_chunks(this.linear_key(key));
    this.proj_value = this.make_chunks(this.linear_value(key));
  }
  score_function(query: Tensor): Tensor {
    const proj_query = this.make_chunks(this.linear_query(query));
    return torch.matmul(proj_query, this.proj_key.transpose(-2, -1)).div(Math.sqrt(this.d_k));
  }
  attn(query: Tensor, mask: Tensor | null = null): Tensor {
    let scores = this.score_function(query);
    if (mask !== null) scores = scores.masked_fill(mask.eq(0), -1e9);
    let alphas = F.softmax(scores, { dim: -1 });
    alphas = this.dropout(alphas);
    this.alphas = alphas.detach();
    return torch.matmul(alphas, this.proj_value);
  }
  forward(query: Tensor, mask: Tensor | null = null): Tensor {
    if (mask !== null) mask = mask.unsqueeze(1);
    let context = this.attn(query, mask);
    context = context.transpose(1, 2).contiguous();
    context = context.view(query.size(0), -1, this.d_model);
    return this.linear_out(context);
  }
}

class EncoderLayer extends nn.Module {
  self_attn_heads: MultiHeadedAttention;
  ffn: nn.Sequential;
  norm1: nn.LayerNorm; norm2: nn.LayerNorm; drop1: nn.Dropout; drop2: nn.Dropout;
  constructor(public n_heads: number, public d_model: number, public ff_units: number, dropout = 0.1) {
    super();
    this.self_attn_heads = new MultiHeadedAttention(n_heads, d_model, dropout);
    this.ffn = new nn.Sequential(new nn.Linear(d_model, ff_units), new nn.ReLU(), new nn.Dropout(dropout), new nn.Linear(ff_units, d_model));
    this.norm1 = new nn.LayerNorm(d_model);
    this.norm2 = new nn.LayerNorm(d_model);
    this.drop1 = new nn.Dropout(dropout);
    this.drop2 = new nn.Dropout(dropout);
  }
  forward(query: Tensor, mask: Tensor | null = null): Tensor {
    const norm_query = this.norm1(query);
    this.self_attn_heads.init_keys(norm_query);
    const states = this.self_attn_heads(norm_query, mask);
    const att = query.add(this.drop1(states));
    const out = this.ffn(this.norm2(att)) as Tensor;
    return att.add(this.drop2(out));
  }
}

class DecoderLayer extends nn.Module {
  self_attn_heads: MultiHeadedAttention;
  cross_attn_heads: MultiHeadedAttention;
  ffn: nn.Sequential;
  norm1: nn.LayerNorm; norm2: nn.LayerNorm; norm3: nn.LayerNorm; drop1: nn.Dropout; drop2: nn.Dropout; drop3: nn.Dropout;
  constructor(public n_heads: number, public d_model: number, public ff_units: number, dropout = 0.1) {
    super();
    this.self_attn_heads = new MultiHeadedAttention(n_heads, d_model, dropout);
    this.cross_attn_heads = new MultiHeadedAttention(n_heads, d_model, dropout);
    this.ffn = new nn.Sequential(new nn.Linear(d_model, ff_units), new nn.ReLU(), new nn.Dropout(dropout), new nn.Linear(ff_units, d_model));
    this.norm1 = new nn.LayerNorm(d_model);
    this.norm2 = new nn.LayerNorm(d_model);
    this.norm3 = new nn.LayerNorm(d_model);
    this.drop1 = new nn.Dropout(dropout);
    this.drop2 = new nn.Dropout(dropout);
    this.drop3 = new nn.Dropout(dropout);
  }
  init_keys(states: Tensor): void {
    this.cross_attn_heads.init_keys(states);
  }
  forward(query: Tensor, source_mask: Tensor | null = null, target_mask: Tensor | null = null): Tensor {
    const norm_query = this.norm1(query);
    this.self_attn_heads.init_keys(norm_query);
    const states = this.self_attn_heads(norm_query, target_mask);
    const att1 = query.add(this.drop1(states));
    const encoder_states = this.cross_attn_heads(this.norm2(att1), source_mask);
    const att2 = att1.add(this.drop2(encoder_states));
    const out = this.ffn(this.norm3(att2)) as Tensor;
    return att2.add(this.drop3(out));
  }
}

class EncoderTransf extends nn.Module {
  d_model: number;
  pe: PositionalEncoding;
  norm: nn.LayerNorm;
  layers: nn.ModuleList;
  constructor(encoder_layer: EncoderLayer, n_layers = 1, max_len = 100) {
    super();
    this.d_model = encoder_layer.d_model;
    this.pe = new PositionalEncoding(max_len, this.d_model);
    this.norm = new nn.LayerNorm(this.d_model);
    this.layers = new nn.ModuleList(Array.from({ length: n_layers }, () => copy.deepcopy(encoder_layer)));
  }
  forward(query: Tensor, mask: Tensor | null = null): Tensor {
    let x = this.pe(query);
    for (const layer of this.layers) x = (layer as EncoderLayer)(x, mask);
    return this.norm(x);
  }
}

class DecoderTransf extends nn.Module {
  d_model: number;
  pe: PositionalEncoding;
  norm: nn.LayerNorm;
  layers: nn.ModuleList;
  constructor(decoder_layer: DecoderLayer, n_layers = 1, max_len = 100) {
    super();
    this.d_model = decoder_layer.d_model;
    this.pe = new PositionalEncoding(max_len, this.d_model);
    this.norm = new nn.LayerNorm(this.d_model);
    this.layers = new nn.ModuleList(Array.from({ length: n_layers }, () => copy.deepcopy(decoder_layer)));
  }
  init_keys(states: Tensor): void {
    for (const layer of this.layers) (layer as DecoderLayer).init_keys(states);
  }
  forward(query: Tensor, source_mask: Tensor | null = null, target_mask: Tensor | null = null): Tensor {
    let x = this.pe(query);
    for (const layer of this.layers) x = (layer as DecoderLayer)(x, source_mask, target_mask);
    return this.norm(x);
  }
}

class EncoderDecoderTransf extends nn.Module {
  trg_masks: Tensor;
  proj: nn.Linear;
  linear: nn.Linear;
  constructor(public encoder: EncoderTransf, public decoder: DecoderTransf, public input_len: number, public target_len: number, public n_features: number) {
    super();
    this.trg_masks = EncoderDecoderTransf.subsequent_mask(this.target_len);
    this.proj = new nn.Linear(n_features, encoder.d_model);
    this.linear = new nn.Linear(encoder.d_model, n_features);
  }
  static subsequent_mask(size: number): Tensor {
    return torch.triu(torch.ones([1, size, size]), { diagonal: 1 }).neg().add(1);
  }
  encode(source_seq: Tensor, source_mask: Tensor | null = null): void {
    const encoder_states = this.encoder(this.proj(source_seq), source_mask);
    this.decoder.init_keys(encoder_states);
  }
  decode(shifted_target_seq: Tensor, source_mask: Tensor | null = null, target_mask: Tensor | null = null): Tensor {
    const outputs = this.decoder(this.proj(shifted_target_seq), source_mask, target_mask);
    return this.linear(outputs);
  }
  predict(source_seq: Tensor, source_mask: Tensor | null): Tensor {
    let inputs = source_seq.index(null, "-1:");
    for (let i = 0; i < this.target_len; i++) {
      let out = this.decode(inputs, source_mask, this.trg_masks.index(null, `:${i + 1}`, `:${i + 1}`));
      out = torch.cat([inputs, out.index(null, "-1:", null)], { dim: -2 });
      inputs = out.detach();
    }
    return inputs.index(null, "1:", null);
  }
  forward(X: Tensor, source_mask: Tensor | null = null): Tensor {
    this.trg_masks = this.trg_masks.type_as(X).bool();
    const source_seq = X.index(null, `:${this.input_len}`, null);
    this.encode(source_seq, source_mask);
    if (this.training) {
      const shifted_target_seq = X.index(null, `${this.input_len - 1}:-1`, null);
      return this.decode(shifted_target_seq, source_mask, this.trg_masks);
    }
    return this.predict(source_seq, source_mask);
  }
}

describe("Chapter 10: multi-headed attention and the transformer from scratch; nn.Transformer; patches", () => {
  const r = sref.ch10;
  it("MultiHeadedAttention (make_chunks with view / transpose), with and without an expanded mask", () => {
    torch.manual_seed(66);
    const dummy_points = torch.randn(16, 2, 4);
    const mha = new MultiHeadedAttention(2, 4, 0.0);
    mha.init_keys(dummy_points);
    expectT(mha(dummy_points), r.mha[0], 1e-5);
    expect(mha.alphas!.shape).toEqual(r.mha[1]);
    const mha_mask = torch.tensor([[[1, 0]]], long).expand(16, 1, 2);
    const out_masked = mha(dummy_points, mha_mask);
    expectT(out_masked.index(":2"), r.mha_masked[0], 1e-5);
    expectT(mha.alphas!.index(":2"), r.mha_masked[1], 1e-5);
  });

  it("EncoderDecoderTransf (deep-copied layers, xavier_uniform_ init) through StepByStep, then predict in eval", () => {
    torch.manual_seed(42);
    const enclayer = new EncoderLayer(3, 6, 10, 0.1);
    const declayer = new DecoderLayer(3, 6, 10, 0.1);
    const enctransf = new EncoderTransf(enclayer, 2);
    const dectransf = new DecoderTransf(declayer, 2);
    const model_transf = new EncoderDecoderTransf(enctransf, dectransf, 2, 2, 2);
    for (const p of model_transf.parameters()) if (p.dim() > 1) nn.init.xavier_uniform_(p);
    expect(model_transf.parameters().reduce((s, p) => s + p.numel(), 0)).toBe(r.transf_n_params);
    expect(Object.keys(model_transf.state_dict()).slice(0, 12)).toEqual(r.transf_keys);
    const { train_loader, test_loader, full_test } = seqLoaders();
    torch.manual_seed(42);
    const sbs_seq_transf = new StepByStep(model_transf, new nn.MSELoss(), new optim.Adam(model_transf.parameters(), { lr: 0.01 }));
    sbs_seq_transf.set_loaders(train_loader, test_loader);
    sbs_seq_transf.train(3);
    model_transf.eval();
    expectNums(sbs_seq_transf.losses, r.transf.losses, 1e-4);
    expectNums(sbs_seq_transf.val_losses as number[], r.transf.val, 1e-4);
    expectT(model_transf(full_test.index(":3", ":2")), r.transf.pred, 1e-4);
  });

  it("layer normalization by hand vs nn.LayerNorm, its state_dict and repr", () => {
    torch.manual_seed(23);
    const inputs = torch.randn(3, 2, 4);
    const inputs_mean = inputs.mean({ axis: 2 }).unsqueeze(2);
    const inputs_var = inputs.var({ axis: 2, unbiased: false }).unsqueeze(2);
    expectT(inputs.sub(inputs_mean).div(torch.sqrt(inputs_var.add(1e-5))), r.layernorm[0], 1e-5);
    const layer_norm = new nn.LayerNorm(4);
    expectT(layer_norm(inputs), r.layernorm[1], 1e-5);
    expect([odRepr(layer_norm.state_dict()), String(layer_norm)]).toEqual(r.layernorm.slice(2));
  });

  it("nn.Transformer(batch_first=True): generate_square_subsequent_mask, parameter count and names; TransformerEncoderLayer's repr", () => {
    torch.manual_seed(42);
    const transformer = new nn.Transformer({ d_model: 6, nhead: 3, num_encoder_layers: 1, num_decoder_layers: 1, dim_feedforward: 20, dropout: 0.1, batch_first: true });
    expect(String(transformer.generate_square_subsequent_mask(2))).toBe(r.gen_mask);
    expect(transformer.parameters().reduce((s, p) => s + p.numel(), 0)).toBe(r.transformer_n_params);
    expect(Object.keys(transformer.state_dict())).toEqual(r.transformer_keys);
    expect(String(new nn.TransformerEncoderLayer({ d_model: 6, nhead: 3, dim_feedforward: 20 }))).toBe(r.enclayer_repr);
  });

  it("TransformerModel around nn.Transformer(batch_first=True) with a float tgt_mask, xavier init, trained through StepByStep", () => {
    class TransformerModel extends nn.Module {
      trg_masks: Tensor;
      proj: nn.Linear;
      linear: nn.Linear;
      pe: PositionalEncoding;
      norm: nn.LayerNorm;
      constructor(public transf: nn.Transformer, public input_len: number, public target_len: number, public n_features: number) {
        super();
        this.trg_masks = this.transf.generate_square_subsequent_mask(this.target_len);
        this.proj = new nn.Linear(n_features, this.transf.d_model);
        this.linear = new nn.Linear(this.transf.d_model, n_features);
        const max_len = Math.max(this.input_len, this.target_len);
        this.pe = new PositionalEncoding(max_len, this.transf.d_model);
        this.norm = new nn.LayerNorm(this.transf.d_model);
      }
      preprocess(seq: Tensor): Tensor {
        return this.norm(this.pe(this.proj(seq)));
      }
      encode_decode(source: Tensor, target: Tensor, source_mask: Tensor | null = null, target_mask: Tensor | null = null): Tensor {
        const src = this.preprocess(source);
        const tgt = this.preprocess(target);
        const out = this.transf(src, tgt, { src_key_padding_mask: source_mask, tgt_mask: target_mask });
        return this.linear(out);
      }
      predict(source_seq: Tensor, source_mask: Tensor | null = null): Tensor {
        let inputs = source_seq.index(null, "-1:");
        let out = inputs;
        for (let i = 0; i < this.target_len; i++) {
          out = this.encode_decode(source_seq, inputs, source_mask, this.trg_masks.index(`:${i + 1}`, `:${i + 1}`));
          out = torch.cat([inputs, out.index(null, "-1:", null)], { dim: -2 });
          inputs = out.detach();
        }
        return out.index(null, "1:", null);
      }
      forward(X: Tensor, source_mask: Tensor | null = null): Tensor {
        this.trg_masks = this.trg_masks.type_as(X);
        const source_seq = X.index(null, `:${this.input_len}`, null);
        if (this.training) {
          const shifted_target_seq = X.index(null, `${this.input_len - 1}:-1`, null);
          return this.encode_decode(source_seq, shifted_target_seq, source_mask, this.trg_masks);
        }
        return this.predict(source_seq, source_mask);
      }
    }
    torch.manual_seed(42);
    const transformer = new nn.Transformer({ d_model: 6, nhead: 3, num_encoder_layers: 1, num_decoder_layers: 1, dim_feedforward: 20, dropout: 0.1, batch_first: true });
    const model_transformer = new TransformerModel(transformer, 2, 2, 2);
    const optimizer = new optim.Adam(model_transformer.parameters(), { lr: 0.01 });
    for (const p of model_transformer.parameters()) if (p.dim() > 1) nn.init.xavier_uniform_(p);
    const { train_loader, test_loader, full_test } = seqLoaders();
    model_transformer.eval();
    expectT(model_transformer(full_test.index(":3", ":2")), r.transformer_model_eval0, 1e-5);
    const sbs_seq_transformer = new StepByStep(model_transformer, new nn.MSELoss(), optimizer);
    sbs_seq_transformer.set_loaders(train_loader, test_loader);
    sbs_seq_transformer.train(3);
    model_transformer.eval();
    expectNums(sbs_seq_transformer.losses, r.transformer_model.losses, 1e-4);
    expectNums(sbs_seq_transformer.val_losses as number[], r.transformer_model.val, 1e-4);
    expectT(model_transformer(full_test.index(":3", ":2")), r.transformer_model.pred, 1e-4);
  });

  it("image patches with Tensor.unfold; PatchEmbed's strided Conv2d, flatten(2).transpose; a [CLS] token by expand + cat", () => {
    torch.manual_seed(5);
    const imgs = torch.rand(2, 1, 12, 12);
    const extract_image_patches = (x: Tensor, kernel_size: number, stride = 1) => {
      let patches = x.unfold(2, kernel_size, stride);
      patches = patches.unfold(3, kernel_size, stride);
      patches = patches.permute(0, 2, 3, 1, 4, 5).contiguous();
      return patches.view(x.shape[0], patches.shape[1], patches.shape[2], -1);
    };
    const patches = extract_image_patches(imgs, 4, 4);
    const seq_patches = patches.view(-1, patches.size(-1));
    expect([patches.shape, seq_patches.shape]).toEqual(r.patches.slice(0, 2));
    expectT(seq_patches.index(":2"), r.patches[2], 1e-7);
    class PatchEmbed extends nn.Module {
      proj: nn.Conv2d;
      num_patches: number;
      constructor(public img_size = 224, public patch_size = 16, in_channels = 3, embed_dim = 768) {
        super();
        this.num_patches = Math.floor(img_size / patch_size) ** 2;
        this.proj = new nn.Conv2d(in_channels, embed_dim, { kernel_size: patch_size, stride: patch_size });
      }
      forward(x: Tensor): Tensor {
        return this.proj(x).flatten(2).transpose(1, 2);
      }
    }
    torch.manual_seed(13);
    const patch_embed = new PatchEmbed(imgs.size(-1), 4, 1, 16);
    const embedded = patch_embed(imgs);
    const cls_token = new nn.Parameter(torch.zeros(1, 1, 16));
    const cls_tokens = cls_token.expand(embedded.size(0), -1, -1);
    const embed_cls = torch.cat([cls_tokens, embedded], { dim: 1 });
    expect([embedded.shape, embed_cls.shape]).toEqual(r.patch_embed.slice(0, 2));
    expectT(embed_cls.index(0, ":2"), r.patch_embed[2], 1e-5);
  });
});

// ============================ Chapter 11 ============================
describe("Chapter 11: word embeddings", () => {
  const r = sref.ch11;
  it("CBOW: an Embedding lookup, the mean of the context, its logits and loss", () => {
    class CBOW extends nn.Module {
      embedding: nn.Embedding;
      linear: nn.Linear;
      constructor(vocab_size: number, embedding_size: number) {
        super();
        this.embedding = new nn.Embedding(vocab_size, embedding_size);
        this.linear = new nn.Linear(embedding_size, vocab_size);
      }
      forward(X: Tensor): Tensor {
        const bow = this.embedding(X).mean({ dim: 1 });
        return this.linear(bow);
      }
    }
    torch.manual_seed(42);
    const dummy_cbow = new CBOW(5, 3);
    expect(odRepr(dummy_cbow.embedding.state_dict())).toBe(r.cbow_state);
    expectT(dummy_cbow.embedding(torch.as_tensor([2, 3], long)), r.cbow_lookup, 1e-6);
    const batch_context = torch.as_tensor([[0, 1, 2, 3]], long).long();
    const batch_target = torch.as_tensor([4], long).long();
    expectT(dummy_cbow.embedding(batch_context).mean({ dim: 1 }), r.cbow[0], 1e-6);
    expectT(dummy_cbow(batch_context), r.cbow[1], 1e-6);
    expect(F.cross_entropy(dummy_cbow(batch_context), batch_target).item()).toBeCloseTo(r.cbow[2], 5);
  });

  it("cosine similarity element by element (F.cosine_similarity, dim=0) and nn.CosineSimilarity", () => {
    const ratings = torch.as_tensor([[0.7, -0.4, 0.7], [0.3, 0.7, -0.5], [0.9, -0.55, 0.8], [-0.3, 0.8, 0.34]]).float();
    const sims = torch.zeros(4, 4);
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 4; j++) sims.index(i, j).copy_(F.cosine_similarity(ratings.index(i), ratings.index(j), { dim: 0 }));
    }
    expectT(sims, r.sims, 1e-6);
    const similarity = new nn.CosineSimilarity({ dim: 0, eps: 1e-6 });
    expect(similarity(ratings.index(0), ratings.index(2)).item()).toBeCloseTo(r.cos_module[0], 6);
    expect(String(similarity)).toBe(r.cos_module[1]);
  });

  torch.manual_seed(7);
  const extended_embeddings = torch.cat([torch.zeros(2, 6), torch.randn(8, 6)]);
  const torch_embeddings = nn.Embedding.from_pretrained(extended_embeddings);
  const token_ids = torch.tensor([[2, 3, 4, 0], [5, 6, 1, 0]], long);
  const g = new torch.Generator().manual_seed(9);
  const train_ids = torch.randint(2, 10, [64, 6], { generator: g });
  const train_labels = train_ids.index(null, 0).gt(5).float().view(-1, 1);
  const train_loader = new DataLoader(new TensorDataset(train_ids, train_labels), { batch_size: 16, shuffle: true });

  it("Embedding.from_pretrained (frozen) and EmbeddingBag.from_pretrained(mode='mean', padding_idx), a bag-of-embeddings classifier", () => {
    expectT(torch_embeddings(token_ids).index(1), r.from_pretrained[0], 1e-6);
    expect([torch_embeddings.weight.requires_grad, String(torch_embeddings)]).toEqual(r.from_pretrained.slice(1));
    const boe_mean = nn.EmbeddingBag.from_pretrained(extended_embeddings, { mode: "mean" });
    expectT(boe_mean(token_ids), r.bag[0], 1e-6);
    expect([String(boe_mean), boe_mean.embedding_dim]).toEqual(r.bag.slice(1));
    const boe_mean_pad = nn.EmbeddingBag.from_pretrained(extended_embeddings, { mode: "mean", padding_idx: 0 });
    expectT(boe_mean_pad(token_ids), r.bag_pad, 1e-6);
    torch.manual_seed(41);
    const model = new nn.Sequential(boe_mean, new nn.Linear(boe_mean.embedding_dim, 128), new nn.ReLU(), new nn.Linear(128, 1));
    const sbs_emb = new StepByStep(model, new nn.BCEWithLogitsLoss(), new optim.Adam(model.parameters(), { lr: 0.01 }));
    sbs_emb.set_loaders(train_loader);
    sbs_emb.train(5);
    expectNums(sbs_emb.losses, r.boe.losses, 1e-5);
    expect(sbs_emb.count_parameters()).toBe(r.boe.n_params);
    expect(StepByStep.loader_apply(train_loader, (a, b) => sbs_emb.correct(a, b)).tolist()).toEqual(r.boe.correct);
  });

  it("TransfClassifier: a [CLS] token, the padding mask through type_as, the encoder from scratch over frozen embeddings", () => {
    class TransfClassifier extends nn.Module {
      d_model: number;
      mlp: nn.Linear;
      cls_token: nn.Parameter;
      constructor(public embed: nn.Embedding, public encoder: EncoderTransf, public n_outputs: number) {
        super();
        this.d_model = encoder.d_model;
        this.mlp = new nn.Linear(this.d_model, n_outputs);
        this.cls_token = new nn.Parameter(torch.zeros(1, 1, this.d_model));
      }
      preprocess(X: Tensor): Tensor {
        const src = this.embed(X);
        const cls_tokens = this.cls_token.expand(X.size(0), -1, -1);
        return torch.cat([cls_tokens, src], { dim: 1 });
      }
      encode(source: Tensor, source_mask: Tensor | null = null): Tensor {
        const states = this.encoder(source, source_mask);
        return states.index(null, 0);
      }
      static source_mask(X: Tensor): Tensor {
        const cls_mask = torch.ones(X.size(0), 1).type_as(X);
        const pad_mask = torch.cat([cls_mask, X.gt(0)], { dim: 1 }).bool();
        return pad_mask.unsqueeze(1);
      }
      forward(X: Tensor): Tensor {
        const src = this.preprocess(X);
        const cls_state = this.encode(src, TransfClassifier.source_mask(X));
        return this.mlp(cls_state);
      }
    }
    torch.manual_seed(33);
    const layer = new EncoderLayer(1, torch_embeddings.embedding_dim, 16, 0.0);
    const encoder = new EncoderTransf(layer, 1);
    const model = new TransfClassifier(torch_embeddings, encoder, 1);
    expect(TransfClassifier.source_mask(token_ids).tolist()).toEqual(r.source_mask);
    const sbs_transf = new StepByStep(model, new nn.BCEWithLogitsLoss(), new optim.Adam(model.parameters(), { lr: 1e-3 }));
    sbs_transf.set_loaders(train_loader);
    sbs_transf.train(3);
    model.eval();
    const out = model(token_ids);
    expectNums(sbs_transf.losses, r.transf.losses, 1e-5);
    expectT(torch.sigmoid(out), r.transf.out, 1e-5);
    const alphas = ((model.encoder.layers.get(0) as EncoderLayer).self_attn_heads.alphas!).index(null, null, 0, null).squeeze();
    expectT(alphas, r.transf.alphas, 1e-5);
  });
});
