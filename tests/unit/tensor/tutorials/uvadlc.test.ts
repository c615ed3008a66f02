/**
 * A probe with the University of Amsterdam deep learning course notebooks (phlippe/uvadlc_notebooks,
 * docs/tutorial_notebooks/tutorial2-15, PyTorch versions): the notebooks' own models and training
 * steps translated as a learner would, with the Lightning plumbing dropped (a LightningModule's
 * training_step is run by hand with its configure_optimizers' optimizer). Sizes are shrunk (8x8-32x32
 * images, a few hundred points, 3-8 steps). Values are checked against torch 1.13 running the same code
 * (tests/fixtures/torch/tutorials/uvadlc.json, scripts/fixtures/uvadlc_fixtures.py).
 *
 * Tutorial 4's notebook is not in the stored snapshot of the repository (a large file); its
 * OptimizerTemplate / SGD / SGDMomentum / Adam classes, pathological_curve_loss / train_curve and the
 * init functions are written from the published notebook.
 *
 * What the probe found in the engine (fixed next to this file): torch.flip(x, dims=(0,)) raised "unexpected keyword
 * argument 'dims'" (ReverseDataset; torch.reshape / torch.permute by keyword likewise); a learner's
 * CosineWarmupScheduler(optim.lr_scheduler._LRScheduler), whose fields can only be set after super() in JS,
 * never took PyTorch's construction step, so every lr was one epoch late (first step at the base lr, not 0).
 * Not fixed: plain SGD at lr=10 on the pathological curve jumps across w1 = 0 at step 43, where one-ulp float32
 * differences of tanh / sigmoid from torch's kernels grow (torch rounds exp, 1 + e and 1 / (1 + e) each to float32
 * in sigmoid; the engine rounds once), so its final points differ; the approach to the jump is compared.
 *
 * Python forms written differently here: torch.Tensor(data) is new torch.Tensor(data); seq[-1] is seq.get(-1); classes need `new`; `self.param_momentum = {p: ...}` is a
 * Map keyed by the tensor; `x[mask] = v` is x.index_put_([mask], v); `x[..., None]` is x.index("...", "None");
 * `with torch.no_grad():` is torch.no_grad(() => ...); Python operators on tensors are methods; integer
 * literals are float32 in torch.tensor (labels say { dtype: torch.long }); np.log / np.prod are Math.log
 * and a product of the shape.
 */
import { describe, expect, it } from "vitest";
import { F, nn, optim, torch, utils, type Tensor } from "../../../../lib/tensor/index";
import { expectClose } from "../core/fixtures";
import { tutorialFixture } from "./helpers";

type FT = { shape: number[]; data: number[] };
const ref = tutorialFixture<Record<string, unknown>>("uvadlc.json");
const R = (k: string): FT => ref[k] as FT;
const N = (k: string): number => ref[k] as number;
const NS = (k: string): number[] => ref[k] as number[];
const close = (t: Tensor, k: string, rtol = 1e-4, atol = 1e-5) => {
  expect(t.shape).toEqual(R(k).shape);
  expectClose(t, R(k).data, rtol, atol, k);
};
const closeList = (a: number[], e: number[], rtol = 1e-4, atol = 1e-5, label = "") => expectClose(a, e, rtol, atol, label);
const prod = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

// ---------------------------------------------------------------------------------------------
// Tutorial 2: Introduction to PyTorch
// ---------------------------------------------------------------------------------------------
class SimpleClassifier extends nn.Module {
  linear1: nn.Linear;
  act_fn: nn.Tanh;
  linear2: nn.Linear;
  constructor(num_inputs: number, num_hidden: number, num_outputs: number) {
    super();
    this.linear1 = new nn.Linear(num_inputs, num_hidden);
    this.act_fn = new nn.Tanh();
    this.linear2 = new nn.Linear(num_hidden, num_outputs);
  }
  forward(x: Tensor): Tensor {
    x = this.linear1(x);
    x = this.act_fn(x);
    x = this.linear2(x);
    return x;
  }
}

class XORDataset extends utils.data.Dataset<[Tensor, Tensor]> {
  size: number;
  std: number;
  data!: Tensor;
  label!: Tensor;
  constructor(size: number, std = 0.1) {
    super();
    this.size = size;
    this.std = std;
    this.generate_continuous_xor();
  }
  generate_continuous_xor() {
    let data = torch.randint({ low: 0, high: 2, size: [this.size, 2], dtype: torch.float32 });
    const label = data.sum({ dim: 1 }).eq(1).to(torch.long);
    data = data.add_(torch.randn(data.shape).mul(this.std));
    this.data = data;
    this.label = label;
  }
  __len__() {
    return this.size;
  }
  __getitem__(idx: number): [Tensor, Tensor] {
    return [this.data.index(idx), this.label.index(idx)];
  }
}

describe("tutorial 2: Introduction to PyTorch", () => {
  it("torch.manual_seed(42); torch.rand(2, 3, 4); autograd of mean((x + 2) ** 2 + 3)", () => {
    torch.manual_seed(42);
    close(torch.rand(2, 3, 4), "t2_rand");
    const x = torch.arange(3, { dtype: torch.float32, requires_grad: true });
    const a = x.add(2);
    const b = a.pow(2);
    const c = b.add(3);
    const y = c.mean();
    y.backward();
    close(x.grad!, "t2_grad");
  });

  it("the notebook's tensor basics: torch.Tensor(2, 3, 4), size() unpacking, view / permute, integer matmul, indexing, device", () => {
    const x0 = new torch.Tensor(2, 3, 4);
    expect(x0.shape).toEqual([2, 3, 4]);
    expect(new torch.Tensor([[1, 2], [3, 4]]).dtype).toBe(torch.float32);
    const [dim1, dim2, dim3] = torch.rand(2, 3, 4).size();
    expect([dim1, dim2, dim3]).toEqual([2, 3, 4]);
    const x2 = torch.rand(2, 3);
    const x1 = torch.rand(2, 3);
    const before = x2.clone();
    x2.add_(x1);
    expect(x2.equal(before.add(x1))).toBe(true);
    let x = torch.arange(6);
    x = x.view(2, 3);
    expect(x.permute(1, 0).tolist()).toEqual([[0, 3], [1, 4], [2, 5]]);
    const W = torch.arange(9).view(3, 3);
    const h = torch.matmul(x, W);
    expect(h.tolist()).toEqual([[15, 18, 21], [42, 54, 66]]); // the notebook's printed h
    expect(h.dtype).toBe(torch.int64);
    x = torch.arange(12).view(3, 4);
    expect(x.index(":", 1).tolist()).toEqual([1, 5, 9]);
    expect(x.index(0).tolist()).toEqual([0, 1, 2, 3]);
    expect(x.index(":2", -1).tolist()).toEqual([3, 7]);
    expect(x.index("1:3", ":").tolist()).toEqual([[4, 5, 6, 7], [8, 9, 10, 11]]);
    const ones = torch.ones([3]);
    expect(ones.requires_grad).toBe(false);
    ones.requires_grad_(true);
    expect(ones.requires_grad).toBe(true);
    const gpu_avail = torch.cuda.is_available();
    const device = gpu_avail ? torch.device("cuda") : torch.device("cpu");
    expect(String(device)).toBe("cpu");
    expect(String(torch.zeros(2, 3).to(device).device)).toBe("cpu");
    expect(torch.zeros(2, 3).to(device).device.type).toBe("cpu");
  });

  it("XORDataset, DataLoader(shuffle=True), SimpleClassifier trained with BCEWithLogitsLoss + SGD, eval accuracy", () => {
    torch.manual_seed(42);
    const model = new SimpleClassifier(2, 4, 1);
    const dataset = new XORDataset(200);
    expect(dataset.length).toBe(200);
    close(dataset.data.index(":5"), "t2_xor_data");
    expect(dataset.label.index(":5").tolist()).toEqual(ref.t2_xor_label);
    const data_loader = new utils.data.DataLoader(dataset, { batch_size: 8, shuffle: true });
    const [data_inputs0] = data_loader[Symbol.iterator]().next().value as [Tensor, Tensor];
    close(data_inputs0, "t2_first_batch");
    const loss_module = new nn.BCEWithLogitsLoss();
    const optimizer = new torch.optim.SGD(model.parameters(), { lr: 0.1 });
    const train_dataset = new XORDataset(256);
    const train_data_loader = new utils.data.DataLoader(train_dataset, { batch_size: 32, shuffle: true });
    const losses: number[] = [];
    model.train();
    for (let epoch = 0; epoch < 3; epoch++) {
      for (const [data_inputs, data_labels] of train_data_loader) {
        let preds = model(data_inputs);
        preds = preds.squeeze({ dim: 1 });
        const loss = loss_module(preds, data_labels.float());
        optimizer.zero_grad();
        loss.backward();
        optimizer.step();
        losses.push(loss.item());
      }
    }
    closeList(losses, NS("t2_losses"), 1e-4, 1e-5, "losses");
    close(model.linear2.weight, "t2_linear2_weight");
    const test_dataset = new XORDataset(100);
    const test_data_loader = new utils.data.DataLoader(test_dataset, { batch_size: 32, shuffle: false, drop_last: false });
    model.eval();
    let true_preds = 0 as Tensor | number;
    let num_preds = 0;
    torch.no_grad(() => {
      for (const [data_inputs, data_labels] of test_data_loader) {
        let preds = model(data_inputs).squeeze({ dim: 1 });
        preds = torch.sigmoid(preds);
        const pred_labels = preds.ge(0.5).long();
        true_preds = pred_labels.eq(data_labels).sum().add(true_preds);
        num_preds += data_labels.shape[0];
      }
    });
    const acc = (true_preds as Tensor).div(num_preds);
    expect(acc.item()).toBeCloseTo(N("t2_acc"), 6);
    // state_dict round trip into a new model
    const new_model = new SimpleClassifier(2, 4, 1);
    new_model.load_state_dict(model.state_dict());
    expect(new_model.linear1.weight.equal(model.linear1.weight)).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// Tutorial 3: activation functions
// ---------------------------------------------------------------------------------------------
class ActivationFunction extends nn.Module {
  name: string;
  config: Record<string, unknown>;
  constructor() {
    super();
    this.name = this.constructor.name;
    this.config = { name: this.name };
  }
}
class Sigmoid extends ActivationFunction {
  forward(x: Tensor) {
    return torch.exp(x.neg()).add(1).reciprocal();
  }
}
class Tanh extends ActivationFunction {
  forward(x: Tensor) {
    const [x_exp, neg_x_exp] = [torch.exp(x), torch.exp(x.neg())];
    return x_exp.sub(neg_x_exp).div(x_exp.add(neg_x_exp));
  }
}
class ReLU extends ActivationFunction {
  forward(x: Tensor) {
    return x.mul(x.gt(0).float());
  }
}
class LeakyReLU extends ActivationFunction {
  constructor(alpha = 0.1) {
    super();
    this.config.alpha = alpha;
  }
  forward(x: Tensor) {
    return torch.where(x.gt(0), x, x.mul(this.config.alpha as number));
  }
}
class ELU extends ActivationFunction {
  forward(x: Tensor) {
    return torch.where(x.gt(0), x, torch.exp(x).sub(1));
  }
}
class Swish extends ActivationFunction {
  forward(x: Tensor) {
    return x.mul(torch.sigmoid(x));
  }
}
class Identity extends ActivationFunction {
  forward(x: Tensor) {
    return x;
  }
}
const act_fn_by_name: Record<string, new () => ActivationFunction> = {
  sigmoid: Sigmoid,
  tanh: Tanh,
  relu: ReLU,
  leakyrelu: LeakyReLU,
  elu: ELU,
  swish: Swish,
};

function get_grads(act_fn: ActivationFunction, x: Tensor): Tensor {
  x = x.clone().requires_grad_();
  const out = act_fn(x);
  out.sum().backward();
  return x.grad!;
}

class BaseNetwork extends nn.Module {
  layers: nn.Sequential;
  config: Record<string, unknown>;
  constructor(act_fn: ActivationFunction, input_size = 784, num_classes = 10, hidden_sizes = [512, 256, 256, 128]) {
    super();
    let layers: nn.Module[] = [];
    const layer_sizes = [input_size, ...hidden_sizes];
    for (let layer_index = 1; layer_index < layer_sizes.length; layer_index++) {
      layers = [...layers, new nn.Linear(layer_sizes[layer_index - 1], layer_sizes[layer_index]), act_fn];
    }
    layers.push(new nn.Linear(layer_sizes.at(-1)!, num_classes));
    this.layers = new nn.Sequential(...layers);
    this.config = { act_fn: act_fn.config, input_size, num_classes, hidden_sizes };
  }
  forward(x: Tensor) {
    x = x.view(x.size(0), -1);
    return this.layers(x);
  }
}

describe("tutorial 3: activation functions", () => {
  it("the six ActivationFunction subclasses and their gradients (get_grads) on linspace(-5, 5)", () => {
    const x = torch.linspace(-5, 5, 21);
    for (const [name, cls] of Object.entries(act_fn_by_name)) {
      const act = new cls();
      expect(act.config.name).toBe(cls.name);
      close(act(x), `t3_${name}_y`);
      close(get_grads(act, x), `t3_${name}_grad`);
    }
  });

  it("BaseNetwork(Swish()): cross-entropy loss and per-layer weight-gradient std (visualize_gradients)", () => {
    torch.manual_seed(42);
    const net = new BaseNetwork(new Swish(), 64, 10, [32, 32, 16]);
    const imgs = torch.randn(16, 1, 8, 8);
    const labels = torch.randint(0, 10, [16]);
    net.zero_grad();
    const preds = net(imgs);
    const loss = F.cross_entropy(preds, labels);
    loss.backward();
    expect(loss.item()).toBeCloseTo(N("t3_loss"), 5);
    const grads: number[] = [];
    for (const [name, p] of net.named_parameters()) if (name.includes("weight")) grads.push(p.grad!.data.view(-1).std().item());
    closeList(grads, NS("t3_grad_std"), 1e-4, 1e-7, "grad std");
  });

  it("measure_number_dead_neurons (net.layers[:-1], isinstance checks, logical_and of (imgs == 0).all(dim=0)) and visualize_activations' per-layer values", () => {
    const measure_number_dead_neurons = (net: BaseNetwork, train_loader: Iterable<[Tensor, Tensor]>) => {
      const neurons_dead = [...net.layers.slice(0, -1)]
        .filter((layer) => layer instanceof nn.Linear)
        .map((layer) => torch.ones((layer as nn.Linear).weight.shape[0], { dtype: torch.bool }));
      net.eval();
      torch.no_grad(() => {
        for (let [imgs] of train_loader) {
          let layer_index = 0;
          imgs = imgs.view(imgs.size(0), -1);
          for (const layer of net.layers.slice(0, -1)) {
            imgs = layer(imgs) as Tensor;
            if (layer instanceof ActivationFunction) {
              neurons_dead[layer_index] = torch.logical_and(neurons_dead[layer_index], imgs.eq(0).all({ dim: 0 }));
              layer_index += 1;
            }
          }
        }
      });
      return neurons_dead.map((t) => t.sum().item());
    };
    torch.manual_seed(42);
    const net_relu = new BaseNetwork(new ReLU(), 64, 10, [32, 32, 32, 16]);
    torch.no_grad(() => {
      for (const layer of net_relu.layers) if (layer instanceof nn.Linear) layer.bias!.sub_(0.05);
    });
    const dead_set = new utils.data.TensorDataset(torch.rand(200, 1, 8, 8), torch.randint(0, 10, [200]));
    const loader = new utils.data.DataLoader(dead_set, { batch_size: 64, shuffle: false });
    expect(measure_number_dead_neurons(net_relu, loader as Iterable<[Tensor, Tensor]>)).toEqual(ref.t3_dead);
    const act_means = torch.no_grad(() => {
      let imgs = dead_set.tensors[0].index(":50").view(50, -1);
      const means: number[] = [];
      for (const layer of net_relu.layers.slice(0, -1)) {
        imgs = layer(imgs) as Tensor;
        means.push(imgs.view(-1).mean().item());
      }
      return means;
    });
    closeList(act_means, NS("t3_act_means"), 1e-4, 1e-6, "activation means");
  });
});

// ---------------------------------------------------------------------------------------------
// Tutorial 4: optimization and initialization
// ---------------------------------------------------------------------------------------------
abstract class OptimizerTemplate {
  params: Tensor[];
  lr: number;
  constructor(params: Iterable<Tensor>, lr: number) {
    this.params = [...params];
    this.lr = lr;
  }
  zero_grad() {
    for (const p of this.params) {
      if (p.grad !== null) {
        p.grad.detach_();
        p.grad.zero_();
      }
    }
  }
  step = torch.no_grad()(() => {
    for (const p of this.params) {
      if (p.grad === null) continue;
      this.update_param(p);
    }
  });
  abstract update_param(p: Tensor): void;
}
class SGD extends OptimizerTemplate {
  update_param(p: Tensor) {
    const p_update = p.grad!.mul(-this.lr);
    p.add_(p_update);
  }
}
class SGDMomentum extends OptimizerTemplate {
  momentum: number;
  param_momentum: Map<Tensor, Tensor>;
  constructor(params: Iterable<Tensor>, lr: number, momentum = 0.0) {
    super(params, lr);
    this.momentum = momentum;
    this.param_momentum = new Map(this.params.map((p) => [p, torch.zeros_like(p.data)]));
  }
  update_param(p: Tensor) {
    this.param_momentum.set(p, p.grad!.mul(1 - this.momentum).add(this.param_momentum.get(p)!.mul(this.momentum)));
    const p_update = this.param_momentum.get(p)!.mul(-this.lr);
    p.add_(p_update);
  }
}
class Adam extends OptimizerTemplate {
  beta1: number;
  beta2: number;
  eps: number;
  param_step: Map<Tensor, number>;
  param_momentum: Map<Tensor, Tensor>;
  param_2nd_momentum: Map<Tensor, Tensor>;
  constructor(params: Iterable<Tensor>, lr: number, beta1 = 0.9, beta2 = 0.999, eps = 1e-8) {
    super(params, lr);
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.param_step = new Map(this.params.map((p) => [p, 0]));
    this.param_momentum = new Map(this.params.map((p) => [p, torch.zeros_like(p.data)]));
    this.param_2nd_momentum = new Map(this.params.map((p) => [p, torch.zeros_like(p.data)]));
  }
  update_param(p: Tensor) {
    this.param_step.set(p, this.param_step.get(p)! + 1);
    this.param_momentum.set(p, p.grad!.mul(1 - this.beta1).add(this.param_momentum.get(p)!.mul(this.beta1)));
    this.param_2nd_momentum.set(p, p.grad!.pow(2).mul(1 - this.beta2).add(this.param_2nd_momentum.get(p)!.mul(this.beta2)));
    const bias_correction_1 = 1 - this.beta1 ** this.param_step.get(p)!;
    const bias_correction_2 = 1 - this.beta2 ** this.param_step.get(p)!;
    const p_2nd_mom = this.param_2nd_momentum.get(p)!.div(bias_correction_2);
    const p_mom = this.param_momentum.get(p)!.div(bias_correction_1);
    const p_lr = torch.sqrt(p_2nd_mom).add(this.eps).reciprocal().mul(this.lr);
    const p_update = p_lr.neg().mul(p_mom);
    p.add_(p_update);
  }
}

function pathological_curve_loss(w1: Tensor, w2: Tensor): Tensor {
  const x1_loss = torch.tanh(w1).pow(2).add(torch.abs(w1).mul(0.01));
  const x2_loss = torch.sigmoid(w2);
  return x1_loss.add(x2_loss);
}

type Stepper = { zero_grad(): void; step(): unknown };
function train_curve(optimizer_func: (params: Tensor[]) => Stepper, curve_func = pathological_curve_loss, num_updates = 100, init = [5, 5]) {
  const weights = new nn.Parameter(torch.FloatTensor(init), { requires_grad: true });
  const optimizer = optimizer_func([weights]);
  const list_points: Tensor[] = [];
  for (let i = 0; i < num_updates; i++) {
    const loss = curve_func(weights.index(0), weights.index(1));
    list_points.push(torch.cat([weights.data.detach(), loss.unsqueeze({ dim: 0 }).detach()], { dim: 0 }));
    optimizer.zero_grad();
    loss.backward();
    optimizer.step();
  }
  return torch.stack(list_points, { dim: 0 });
}

describe("tutorial 4: optimization and initialization", () => {
  it("OptimizerTemplate subclasses SGD / SGDMomentum / Adam on the pathological curvature, and torch.optim.Adam", () => {
    const curves: [string, (params: Tensor[]) => Stepper][] = [
      ["sgd", (params) => new SGD(params, 10)],
      ["sgdmom", (params) => new SGDMomentum(params, 10, 0.9)],
      ["adam", (params) => new Adam(params, 1)],
      ["torch_adam", (params) => new torch.optim.Adam(params, { lr: 1 })],
    ];
    for (const [key, fn] of curves) {
      const points = train_curve(fn);
      const e = R(`t4_${key}`);
      expect(points.shape).toEqual(e.shape);
      if (key === "sgd") {
        // SGD at lr=10 jumps across w1 = 0 at step 43 (from 1.002 to -5.48), where one-ulp differences between
        // torch's float32 tanh / sigmoid and ours (torch rounds exp, 1 + e and the quotient separately) grow
        // to 1e-3; the final points then differ by up to 14. The approach to the jump is compared.
        expectClose(points.index(":40"), e.data.slice(0, 120), 1e-4, 1e-4, key);
      } else expectClose(points, e.data, 1e-3, 1e-4, key);
    }
  });

  it("const / constant-variance / equal-variance / Xavier / Kaiming init functions over named_parameters()", () => {
    const const_init = (model: nn.Module, fill = 0.0) => {
      for (const [, param] of model.named_parameters()) param.data.fill_(fill);
    };
    const const_variance_init = (model: nn.Module, std = 0.01) => {
      for (const [, param] of model.named_parameters()) param.data.normal_({ mean: 0.0, std });
    };
    const equal_var_init = (model: nn.Module) => {
      for (const [name, param] of model.named_parameters()) {
        if (name.endsWith(".bias")) param.data.fill_(0);
        else param.data.normal_({ std: 1.0 / Math.sqrt(param.shape[1]) });
      }
    };
    const xavier_init = (model: nn.Module) => {
      for (const [name, param] of model.named_parameters()) {
        if (name.endsWith(".bias")) param.data.fill_(0);
        else {
          const bound = Math.sqrt(6) / Math.sqrt(param.shape[0] + param.shape[1]);
          param.data.uniform_(-bound, bound);
        }
      }
    };
    const kaiming_init = (model: nn.Module) => {
      for (const [name, param] of model.named_parameters()) {
        if (name.endsWith(".bias")) param.data.fill_(0);
        else if (name.startsWith("layers.0")) param.data.normal_(0, 1 / Math.sqrt(param.shape[1]));
        else param.data.normal_(0, Math.sqrt(2) / Math.sqrt(param.shape[1]));
      }
    };
    const inits: [string, (m: nn.Module) => void][] = [
      ["const", (m) => const_init(m, 0.005)],
      ["constvar", (m) => const_variance_init(m, 0.1)],
      ["equalvar", equal_var_init],
      ["xavier", xavier_init],
      ["kaiming", kaiming_init],
    ];
    torch.manual_seed(42);
    const x4 = torch.randn(8, 64);
    for (const [name, fn] of inits) {
      torch.manual_seed(1);
      const m = new BaseNetwork(new Identity(), 64, 10, [32, 32]);
      fn(m);
      close(m(x4), `t4_init_${name}`);
      const w1 = (m.layers[2] as nn.Linear).weight.index(":2");
      close(w1, `t4_init_${name}_w1`);
    }
    torch.manual_seed(3);
    const w = torch.empty(16, 32);
    nn.init.kaiming_normal_(w, { nonlinearity: "relu" });
    close(w.index(0), "t4_kaiming_normal");
    nn.init.xavier_uniform_(w);
    close(w.index(0), "t4_xavier_uniform");
  });
});

// ---------------------------------------------------------------------------------------------
// Tutorial 5: Inception, ResNet and DenseNet blocks
// ---------------------------------------------------------------------------------------------
type ActCtor = new () => nn.Module;
class InceptionBlock extends nn.Module {
  conv_1x1: nn.Sequential;
  conv_3x3: nn.Sequential;
  conv_5x5: nn.Sequential;
  max_pool: nn.Sequential;
  constructor(c_in: number, c_red: Record<string, number>, c_out: Record<string, number>, act_fn: ActCtor) {
    super();
    this.conv_1x1 = new nn.Sequential(new nn.Conv2d(c_in, c_out["1x1"], { kernel_size: 1 }), new nn.BatchNorm2d(c_out["1x1"]), new act_fn());
    this.conv_3x3 = new nn.Sequential(
      new nn.Conv2d(c_in, c_red["3x3"], { kernel_size: 1 }),
      new nn.BatchNorm2d(c_red["3x3"]),
      new act_fn(),
      new nn.Conv2d(c_red["3x3"], c_out["3x3"], { kernel_size: 3, padding: 1 }),
      new nn.BatchNorm2d(c_out["3x3"]),
      new act_fn(),
    );
    this.conv_5x5 = new nn.Sequential(
      new nn.Conv2d(c_in, c_red["5x5"], { kernel_size: 1 }),
      new nn.BatchNorm2d(c_red["5x5"]),
      new act_fn(),
      new nn.Conv2d(c_red["5x5"], c_out["5x5"], { kernel_size: 5, padding: 2 }),
      new nn.BatchNorm2d(c_out["5x5"]),
      new act_fn(),
    );
    this.max_pool = new nn.Sequential(
      new nn.MaxPool2d({ kernel_size: 3, padding: 1, stride: 1 }),
      new nn.Conv2d(c_in, c_out["max"], { kernel_size: 1 }),
      new nn.BatchNorm2d(c_out["max"]),
      new act_fn(),
    );
  }
  forward(x: Tensor) {
    const x_1x1 = this.conv_1x1(x);
    const x_3x3 = this.conv_3x3(x);
    const x_5x5 = this.conv_5x5(x);
    const x_max = this.max_pool(x);
    return torch.cat([x_1x1, x_3x3, x_5x5, x_max], { dim: 1 });
  }
}

class ResNetBlock extends nn.Module {
  net: nn.Sequential;
  downsample: nn.Conv2d | null;
  act_fn: nn.Module;
  constructor(c_in: number, act_fn: ActCtor, subsample = false, c_out = -1) {
    super();
    if (!subsample) c_out = c_in;
    this.net = new nn.Sequential(
      new nn.Conv2d(c_in, c_out, { kernel_size: 3, padding: 1, stride: !subsample ? 1 : 2, bias: false }),
      new nn.BatchNorm2d(c_out),
      new act_fn(),
      new nn.Conv2d(c_out, c_out, { kernel_size: 3, padding: 1, bias: false }),
      new nn.BatchNorm2d(c_out),
    );
    this.downsample = subsample ? new nn.Conv2d(c_in, c_out, { kernel_size: 1, stride: 2 }) : null;
    this.act_fn = new act_fn();
  }
  forward(x: Tensor) {
    const z = this.net(x);
    if (this.downsample !== null) x = this.downsample(x);
    const out = z.add(x);
    return this.act_fn(out);
  }
}

class PreActResNetBlock extends nn.Module {
  net: nn.Sequential;
  downsample: nn.Sequential | null;
  constructor(c_in: number, act_fn: ActCtor, subsample = false, c_out = -1) {
    super();
    if (!subsample) c_out = c_in;
    this.net = new nn.Sequential(
      new nn.BatchNorm2d(c_in),
      new act_fn(),
      new nn.Conv2d(c_in, c_out, { kernel_size: 3, padding: 1, stride: !subsample ? 1 : 2, bias: false }),
      new nn.BatchNorm2d(c_out),
      new act_fn(),
      new nn.Conv2d(c_out, c_out, { kernel_size: 3, padding: 1, bias: false }),
    );
    this.downsample = subsample
      ? new nn.Sequential(new nn.BatchNorm2d(c_in), new act_fn(), new nn.Conv2d(c_in, c_out, { kernel_size: 1, stride: 2, bias: false }))
      : null;
  }
  forward(x: Tensor) {
    const z = this.net(x);
    if (this.downsample !== null) x = this.downsample(x);
    return z.add(x);
  }
}

class DenseLayer extends nn.Module {
  net: nn.Sequential;
  constructor(c_in: number, bn_size: number, growth_rate: number, act_fn: ActCtor) {
    super();
    this.net = new nn.Sequential(
      new nn.BatchNorm2d(c_in),
      new act_fn(),
      new nn.Conv2d(c_in, bn_size * growth_rate, { kernel_size: 1, bias: false }),
      new nn.BatchNorm2d(bn_size * growth_rate),
      new act_fn(),
      new nn.Conv2d(bn_size * growth_rate, growth_rate, { kernel_size: 3, padding: 1, bias: false }),
    );
  }
  forward(x: Tensor) {
    const out = this.net(x);
    return torch.cat([out, x], { dim: 1 });
  }
}

class DenseBlock extends nn.Module {
  block: nn.Sequential;
  constructor(c_in: number, num_layers: number, bn_size: number, growth_rate: number, act_fn: ActCtor) {
    super();
    const layers: nn.Module[] = [];
    for (let layer_idx = 0; layer_idx < num_layers; layer_idx++) {
      layers.push(new DenseLayer(c_in + layer_idx * growth_rate, bn_size, growth_rate, act_fn));
    }
    this.block = new nn.Sequential(...layers);
  }
  forward(x: Tensor) {
    return this.block(x);
  }
}

class TransitionLayer extends nn.Module {
  transition: nn.Sequential;
  constructor(c_in: number, c_out: number, act_fn: ActCtor) {
    super();
    this.transition = new nn.Sequential(
      new nn.BatchNorm2d(c_in),
      new act_fn(),
      new nn.Conv2d(c_in, c_out, { kernel_size: 1, bias: false }),
      new nn.AvgPool2d({ kernel_size: 2, stride: 2 }),
    );
  }
  forward(x: Tensor) {
    return this.transition(x);
  }
}

/** The notebooks' _init_params. */
function init_params(model: nn.Module) {
  for (const m of model.modules()) {
    if (m instanceof nn.Conv2d) nn.init.kaiming_normal_(m.weight, { nonlinearity: "relu" });
    else if (m instanceof nn.BatchNorm2d) {
      nn.init.constant_(m.weight!, 1);
      nn.init.constant_(m.bias!, 0);
    }
  }
}

describe("tutorial 5: Inception, ResNet and DenseNet blocks", () => {
  function block_step(block: nn.Module, x: Tensor, name: string) {
    init_params(block);
    const opt = new optim.SGD(block.parameters(), { lr: 0.1, momentum: 0.9, weight_decay: 1e-4 });
    const losses: number[] = [];
    let out!: Tensor;
    for (let i = 0; i < 3; i++) {
      out = block(x);
      const loss = out.pow(2).mean();
      opt.zero_grad();
      loss.backward();
      opt.step();
      losses.push(loss.item());
    }
    expect(out.shape, name).toEqual(ref[`t5_${name}_shape`]);
    closeList(losses, NS(`t5_${name}_losses`), 1e-4, 1e-5, `${name} losses`);
    block.eval();
    torch.no_grad(() => close(block(x).index(0, ":2", ":2", ":2"), `t5_${name}_eval`, 1e-4, 1e-5));
  }

  it("InceptionBlock, ResNetBlock / PreActResNetBlock (subsample), DenseBlock + TransitionLayer: 3 SGD steps and eval outputs", () => {
    torch.manual_seed(5);
    const x5 = torch.randn(2, 4, 8, 8);
    block_step(new InceptionBlock(4, { "3x3": 4, "5x5": 2 }, { "1x1": 2, "3x3": 4, "5x5": 2, max: 2 }, nn.ReLU), x5, "inception");
    block_step(new ResNetBlock(4, nn.ReLU, true, 8), x5, "resnet");
    block_step(new PreActResNetBlock(4, nn.ReLU, true, 8), x5, "preact");
    block_step(new nn.Sequential(new DenseBlock(4, 2, 2, 4, nn.ReLU), new TransitionLayer(12, 6, nn.ReLU)), x5, "densenet");
  });
});

const act_fn_by_name5: Record<string, ActCtor> = { tanh: nn.Tanh, relu: nn.ReLU, leakyrelu: nn.LeakyReLU, gelu: nn.GELU };
const resnet_blocks_by_name: Record<string, new (c_in: number, act_fn: ActCtor, subsample?: boolean, c_out?: number) => nn.Module> = {
  ResNetBlock,
  PreActResNetBlock,
};

class ResNet extends nn.Module {
  hparams: { num_classes: number; c_hidden: number[]; num_blocks: number[]; act_fn_name: string; act_fn: ActCtor; block_class: (typeof resnet_blocks_by_name)[string] };
  input_net!: nn.Sequential;
  blocks!: nn.Sequential;
  output_net!: nn.Sequential;
  constructor({ num_classes = 10, num_blocks = [3, 3, 3], c_hidden = [16, 32, 64], act_fn_name = "relu", block_name = "ResNetBlock" } = {}) {
    super();
    if (!(block_name in resnet_blocks_by_name)) throw new Error("block_name");
    this.hparams = { num_classes, c_hidden, num_blocks, act_fn_name, act_fn: act_fn_by_name5[act_fn_name], block_class: resnet_blocks_by_name[block_name] };
    this._create_network();
    this._init_params();
  }
  _create_network() {
    const c_hidden = this.hparams.c_hidden;
    if (this.hparams.block_class === PreActResNetBlock) {
      this.input_net = new nn.Sequential(new nn.Conv2d(3, c_hidden[0], { kernel_size: 3, padding: 1, bias: false }));
    } else {
      this.input_net = new nn.Sequential(new nn.Conv2d(3, c_hidden[0], { kernel_size: 3, padding: 1, bias: false }), new nn.BatchNorm2d(c_hidden[0]), new this.hparams.act_fn());
    }
    const blocks: nn.Module[] = [];
    this.hparams.num_blocks.forEach((block_count, block_idx) => {
      for (let bc = 0; bc < block_count; bc++) {
        const subsample = bc === 0 && block_idx > 0;
        blocks.push(new this.hparams.block_class(c_hidden[!subsample ? block_idx : block_idx - 1], this.hparams.act_fn, subsample, c_hidden[block_idx]));
      }
    });
    this.blocks = new nn.Sequential(...blocks);
    this.output_net = new nn.Sequential(new nn.AdaptiveAvgPool2d([1, 1]), new nn.Flatten(), new nn.Linear(c_hidden.at(-1)!, this.hparams.num_classes));
  }
  _init_params() {
    for (const m of this.modules()) {
      if (m instanceof nn.Conv2d) nn.init.kaiming_normal_(m.weight, { mode: "fan_out", nonlinearity: this.hparams.act_fn_name as "relu" });
      else if (m instanceof nn.BatchNorm2d) {
        nn.init.constant_(m.weight!, 1);
        nn.init.constant_(m.bias!, 0);
      }
    }
  }
  forward(x: Tensor) {
    x = this.input_net(x);
    x = this.blocks(x);
    return this.output_net(x);
  }
}

describe("tutorial 5: the ResNet model (both block kinds)", () => {
  it("ResNet(num_blocks=[2, 1], c_hidden=[4, 8]): parameter count, 3 SGD + MultiStepLR steps, eval logits", () => {
    for (const block_name of ["ResNetBlock", "PreActResNetBlock"]) {
      torch.manual_seed(55);
      const model = new ResNet({ num_classes: 10, num_blocks: [2, 1], c_hidden: [4, 8], act_fn_name: "relu", block_name });
      const imgs = torch.randn(4, 3, 8, 8);
      const labels = torch.randint(0, 10, [4]);
      const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9, weight_decay: 1e-4 });
      const scheduler = new optim.lr_scheduler.MultiStepLR(opt, { milestones: [100, 150], gamma: 0.1 });
      const losses: number[] = [];
      for (let i = 0; i < 3; i++) {
        const preds = model(imgs);
        const loss = new nn.CrossEntropyLoss()(preds, labels);
        opt.zero_grad();
        loss.backward();
        opt.step();
        scheduler.step();
        losses.push(loss.item());
      }
      model.eval();
      torch.no_grad(() => close(model(imgs), `t5_full_${block_name}`, 1e-4, 1e-5));
      closeList(losses, NS(`t5_full_${block_name}_losses`), 1e-4, 1e-5, block_name);
      expect([...model.parameters()].reduce((n, p) => n + prod(p.shape), 0)).toBe(N(`t5_full_${block_name}_nparams`));
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Tutorial 6: Transformers and multi-head attention
// ---------------------------------------------------------------------------------------------
function scaled_dot_product(q: Tensor, k: Tensor, v: Tensor, mask: Tensor | null = null): [Tensor, Tensor] {
  const d_k = q.size().at(-1)!;
  let attn_logits = torch.matmul(q, k.transpose(-2, -1));
  attn_logits = attn_logits.div(Math.sqrt(d_k));
  if (mask !== null) attn_logits = attn_logits.masked_fill(mask.eq(0), -9e15);
  const attention = F.softmax(attn_logits, { dim: -1 });
  const values = torch.matmul(attention, v);
  return [values, attention];
}

function expand_mask(mask: Tensor): Tensor {
  if (!(mask.ndim >= 2)) throw new Error("Mask must be at least 2-dimensional with seq_length x seq_length");
  if (mask.ndim === 3) mask = mask.unsqueeze(1);
  while (mask.ndim < 4) mask = mask.unsqueeze(0);
  return mask;
}

class MultiheadAttention extends nn.Module {
  embed_dim: number;
  num_heads: number;
  head_dim: number;
  qkv_proj: nn.Linear;
  o_proj: nn.Linear;
  constructor(input_dim: number, embed_dim: number, num_heads: number) {
    super();
    this.embed_dim = embed_dim;
    this.num_heads = num_heads;
    this.head_dim = Math.floor(embed_dim / num_heads);
    this.qkv_proj = new nn.Linear(input_dim, 3 * embed_dim);
    this.o_proj = new nn.Linear(embed_dim, input_dim);
    this._reset_parameters();
  }
  _reset_parameters() {
    nn.init.xavier_uniform_(this.qkv_proj.weight);
    this.qkv_proj.bias!.data.fill_(0);
    nn.init.xavier_uniform_(this.o_proj.weight);
    this.o_proj.bias!.data.fill_(0);
  }
  forward(x: Tensor, mask: Tensor | null = null, return_attention = false): Tensor | [Tensor, Tensor] {
    const [batch_size, seq_length] = x.size();
    if (mask !== null) mask = expand_mask(mask);
    let qkv = this.qkv_proj(x);
    qkv = qkv.reshape(batch_size, seq_length, this.num_heads, 3 * this.head_dim);
    qkv = qkv.permute(0, 2, 1, 3);
    const [q, k, v] = qkv.chunk(3, { dim: -1 });
    const [values0, attention] = scaled_dot_product(q, k, v, mask);
    let values = values0.permute(0, 2, 1, 3);
    values = values.reshape(batch_size, seq_length, this.embed_dim);
    const o = this.o_proj(values);
    return return_attention ? [o, attention] : o;
  }
}

class EncoderBlock extends nn.Module {
  self_attn: MultiheadAttention;
  linear_net: nn.Sequential;
  norm1: nn.LayerNorm;
  norm2: nn.LayerNorm;
  dropout: nn.Dropout;
  constructor({ input_dim, num_heads, dim_feedforward, dropout = 0.0 }: { input_dim: number; num_heads: number; dim_feedforward: number; dropout?: number }) {
    super();
    this.self_attn = new MultiheadAttention(input_dim, input_dim, num_heads);
    this.linear_net = new nn.Sequential(
      new nn.Linear(input_dim, dim_feedforward),
      new nn.Dropout(dropout),
      new nn.ReLU({ inplace: true }),
      new nn.Linear(dim_feedforward, input_dim),
    );
    this.norm1 = new nn.LayerNorm(input_dim);
    this.norm2 = new nn.LayerNorm(input_dim);
    this.dropout = new nn.Dropout(dropout);
  }
  forward(x: Tensor, mask: Tensor | null = null) {
    const attn_out = this.self_attn(x, mask) as Tensor;
    x = x.add(this.dropout(attn_out));
    x = this.norm1(x);
    const linear_out = this.linear_net(x);
    x = x.add(this.dropout(linear_out));
    x = this.norm2(x);
    return x;
  }
}

class TransformerEncoder extends nn.Module {
  layers: nn.ModuleList;
  constructor(num_layers: number, block_args: ConstructorParameters<typeof EncoderBlock>[0]) {
    super();
    this.layers = new nn.ModuleList(Array.from({ length: num_layers }, () => new EncoderBlock(block_args)));
  }
  forward(x: Tensor, mask: Tensor | null = null) {
    for (const l of this.layers) x = (l as EncoderBlock)(x, mask);
    return x;
  }
  get_attention_maps(x: Tensor, mask: Tensor | null = null): Tensor[] {
    const attention_maps: Tensor[] = [];
    for (const m of this.layers) {
      const l = m as EncoderBlock;
      const [, attn_map] = l.self_attn(x, mask, true) as [Tensor, Tensor];
      attention_maps.push(attn_map);
      x = l(x);
    }
    return attention_maps;
  }
}

class PositionalEncoding extends nn.Module {
  declare pe: Tensor;
  constructor(d_model: number, max_len = 5000) {
    super();
    let pe = torch.zeros(max_len, d_model);
    const position = torch.arange(0, max_len, { dtype: torch.float }).unsqueeze(1);
    const div_term = torch.exp(torch.arange(0, d_model, 2).float().mul(-Math.log(10000.0) / d_model));
    pe.index_put_([":", "0::2"], torch.sin(position.mul(div_term)));
    pe.index_put_([":", "1::2"], torch.cos(position.mul(div_term)));
    pe = pe.unsqueeze(0);
    this.register_buffer("pe", pe, { persistent: false });
  }
  forward(x: Tensor) {
    return x.add(this.pe.index(":", `:${x.size(1)}`));
  }
}

class CosineWarmupScheduler extends optim.lr_scheduler._LRScheduler {
  warmup: number;
  max_num_iters: number;
  constructor(optimizer: optim.Optimizer, warmup: number, max_iters: number) {
    super(optimizer);
    this.warmup = warmup;
    this.max_num_iters = max_iters;
  }
  get_lr() {
    const lr_factor = this.get_lr_factor(this.last_epoch);
    return this.base_lrs.map((base_lr) => base_lr * lr_factor);
  }
  get_lr_factor(epoch: number) {
    let lr_factor = 0.5 * (1 + Math.cos((Math.PI * epoch) / this.max_num_iters));
    if (epoch <= this.warmup) lr_factor *= (epoch * 1.0) / this.warmup;
    return lr_factor;
  }
}

class ReverseDataset extends utils.data.Dataset<[Tensor, Tensor]> {
  data: Tensor;
  constructor(
    public num_categories: number,
    public seq_len: number,
    public size: number,
  ) {
    super();
    this.data = torch.randint(this.num_categories, { size: [this.size, this.seq_len] });
  }
  __len__() {
    return this.size;
  }
  __getitem__(idx: number): [Tensor, Tensor] {
    const inp_data = this.data.index(idx);
    const labels = torch.flip(inp_data, { dims: [0] });
    return [inp_data, labels];
  }
}

/** TransformerPredictor's _create_model / forward and ReversePredictor's _calculate_loss, without Lightning. */
class ReversePredictor extends nn.Module {
  input_net: nn.Sequential;
  positional_encoding: PositionalEncoding;
  transformer: TransformerEncoder;
  output_net: nn.Sequential;
  constructor(
    public input_dim: number,
    model_dim: number,
    public num_classes: number,
    num_heads: number,
    num_layers: number,
    dropout = 0.0,
    input_dropout = 0.0,
  ) {
    super();
    this.input_net = new nn.Sequential(new nn.Dropout(input_dropout), new nn.Linear(input_dim, model_dim));
    this.positional_encoding = new PositionalEncoding(model_dim);
    this.transformer = new TransformerEncoder(num_layers, { input_dim: model_dim, dim_feedforward: 2 * model_dim, num_heads, dropout });
    this.output_net = new nn.Sequential(
      new nn.Linear(model_dim, model_dim),
      new nn.LayerNorm(model_dim),
      new nn.ReLU({ inplace: true }),
      new nn.Dropout(dropout),
      new nn.Linear(model_dim, num_classes),
    );
  }
  forward(x: Tensor, mask: Tensor | null = null, add_positional_encoding = true) {
    x = this.input_net(x);
    if (add_positional_encoding) x = this.positional_encoding(x);
    x = this.transformer(x, mask);
    x = this.output_net(x);
    return x;
  }
  _calculate_loss(batch: [Tensor, Tensor]): [Tensor, Tensor] {
    const [inp_data, labels] = batch;
    const inp = F.one_hot(inp_data, { num_classes: this.num_classes }).float();
    const preds = this.forward(inp, null, true);
    const loss = F.cross_entropy(preds.view(-1, preds.size(-1)), labels.view(-1));
    const acc = preds.argmax({ dim: -1 }).eq(labels).float().mean();
    return [loss, acc];
  }
}

describe("tutorial 6: Transformers and multi-head attention", () => {
  it("scaled_dot_product on seeded q, k, v", () => {
    const [seq_len, d_k] = [3, 2];
    torch.manual_seed(42);
    const q = torch.randn(seq_len, d_k);
    const k = torch.randn(seq_len, d_k);
    const v = torch.randn(seq_len, d_k);
    const [values, attention] = scaled_dot_product(q, k, v);
    close(values, "t6_values");
    close(attention, "t6_attention");
  });

  it("PositionalEncoding buffer (persistent=False keeps it out of the state_dict)", () => {
    const encod_block = new PositionalEncoding(48, 96);
    close(encod_block.pe.squeeze().T.index(":4", ":16"), "t6_pe");
    expect(Object.keys(encod_block.state_dict())).toEqual(ref.t6_pe_state_dict_keys);
  });

  it("CosineWarmupScheduler(optim.lr_scheduler._LRScheduler).get_lr_factor", () => {
    const p = new nn.Parameter(torch.empty(4, 4));
    const optimizer = new optim.Adam([p], { lr: 1e-3 });
    const lr_scheduler = new CosineWarmupScheduler(optimizer, 100, 2000);
    // Python's super().__init__(optimizer) runs the first step after the fields are set: lr = 1e-3 * factor(0) = 0.
    // The JS constructor sets them after super(), so the engine runs that step on first use (here, reading lr).
    expect(optimizer.param_groups[0].lr).toBe(0);
    expect(lr_scheduler.last_epoch).toBe(0);
    lr_scheduler.step();
    expect(lr_scheduler.get_last_lr()[0]).toBeCloseTo(1e-3 * 0.5 * (1 + Math.cos(Math.PI / 2000)) * 0.01, 15);
    closeList([0, 1, 50, 100, 101, 1000, 1999].map((e) => lr_scheduler.get_lr_factor(e)), NS("t6_lr_factors"), 1e-12, 1e-12, "factors");
  });

  it("MultiheadAttention by hand with a causal mask: outputs, attention and gradients", () => {
    torch.manual_seed(0);
    const mha = new MultiheadAttention(8, 8, 2);
    const xm = torch.randn([2, 5, 8], { requires_grad: true });
    const mask = torch.tril(torch.ones(5, 5));
    const [o, att] = mha(xm, mask, true) as [Tensor, Tensor];
    o.pow(2).sum().backward();
    close(o, "t6_mha_out");
    close(att.index(1, 1), "t6_mha_att");
    close(xm.grad!.index(0), "t6_mha_xgrad");
    close(mha.qkv_proj.weight.grad!.index(":3"), "t6_mha_qkv_grad");
  });

  it("the reverse task: ReverseDataset + DataLoader, one epoch with Adam and CosineWarmupScheduler, attention maps", () => {
    torch.manual_seed(42);
    const dataset = new ReverseDataset(10, 16, 256);
    const train_loader = new utils.data.DataLoader(dataset, { batch_size: 32, shuffle: true, drop_last: true });
    const [inp_data, labels] = (train_loader.dataset as ReverseDataset).__getitem__(0);
    expect([inp_data.tolist(), labels.tolist()]).toEqual(ref.t6_reverse_example);
    const model = new ReversePredictor(10, 32, 10, 1, 1, 0.0);
    const optimizer = new optim.Adam(model.parameters(), { lr: 5e-4 });
    const lr_scheduler = new CosineWarmupScheduler(optimizer, 5, 50);
    const losses: number[] = [];
    for (const batch of train_loader) {
      const [loss] = model._calculate_loss(batch as [Tensor, Tensor]);
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
      lr_scheduler.step();
      losses.push(loss.item());
    }
    closeList(losses, NS("t6_reverse_losses"), 1e-4, 1e-5, "losses");
    expect(optimizer.param_groups[0].lr).toBeCloseTo(N("t6_reverse_lr"), 12);
    const attn_maps = torch.no_grad(() => {
      let inp = F.one_hot(dataset.data.index(":2"), { num_classes: 10 }).float();
      inp = model.input_net(inp);
      inp = model.positional_encoding(inp);
      return model.transformer.get_attention_maps(inp);
    });
    close(attn_maps[0].index(0, 0, ":3"), "t6_attn_map");
  });
});

// ---------------------------------------------------------------------------------------------
// Tutorial 7: graph neural networks
// ---------------------------------------------------------------------------------------------
class GCNLayer extends nn.Module {
  projection: nn.Linear;
  constructor(c_in: number, c_out: number) {
    super();
    this.projection = new nn.Linear(c_in, c_out);
  }
  forward(node_feats: Tensor, adj_matrix: Tensor) {
    const num_neighbours = adj_matrix.sum({ dim: -1, keepdims: true });
    node_feats = this.projection(node_feats);
    node_feats = torch.bmm(adj_matrix, node_feats);
    node_feats = node_feats.div(num_neighbours);
    return node_feats;
  }
}

class GATLayer extends nn.Module {
  num_heads: number;
  concat_heads: boolean;
  projection: nn.Linear;
  a: nn.Parameter;
  leakyrelu: nn.LeakyReLU;
  last_probs: Tensor | null = null;
  constructor(c_in: number, c_out: number, num_heads = 1, concat_heads = true, alpha = 0.2) {
    super();
    this.num_heads = num_heads;
    this.concat_heads = concat_heads;
    if (this.concat_heads) {
      if (c_out % num_heads !== 0) throw new Error("Number of output features must be a multiple of the count of heads.");
      c_out = Math.floor(c_out / num_heads);
    }
    this.projection = new nn.Linear(c_in, c_out * num_heads);
    this.a = new nn.Parameter(new torch.Tensor(num_heads, 2 * c_out));
    this.leakyrelu = new nn.LeakyReLU(alpha);
    nn.init.xavier_uniform_(this.projection.weight.data, { gain: 1.414 });
    nn.init.xavier_uniform_(this.a.data, { gain: 1.414 });
  }
  forward(node_feats: Tensor, adj_matrix: Tensor, print_attn_probs = false) {
    const [batch_size, num_nodes] = [node_feats.size(0), node_feats.size(1)];
    node_feats = this.projection(node_feats);
    node_feats = node_feats.view(batch_size, num_nodes, this.num_heads, -1);
    const edges = adj_matrix.nonzero({ as_tuple: false });
    const node_feats_flat = node_feats.view(batch_size * num_nodes, this.num_heads, -1);
    const edge_indices_row = edges.index(":", 0).mul(num_nodes).add(edges.index(":", 1));
    const edge_indices_col = edges.index(":", 0).mul(num_nodes).add(edges.index(":", 2));
    const a_input = torch.cat(
      [
        torch.index_select({ input: node_feats_flat, index: edge_indices_row, dim: 0 }),
        torch.index_select({ input: node_feats_flat, index: edge_indices_col, dim: 0 }),
      ],
      { dim: -1 },
    );
    let attn_logits = torch.einsum("bhc,hc->bh", a_input, this.a);
    attn_logits = this.leakyrelu(attn_logits);
    const attn_matrix = attn_logits.new_zeros([...adj_matrix.shape, this.num_heads]).fill_(-9e15);
    attn_matrix.index_put_([adj_matrix.index("...", "None").repeat(1, 1, 1, this.num_heads).eq(1)], attn_logits.reshape(-1));
    const attn_probs = F.softmax(attn_matrix, { dim: 2 });
    if (print_attn_probs) this.last_probs = attn_probs.permute(0, 3, 1, 2);
    node_feats = torch.einsum("bijh,bjhc->bihc", attn_probs, node_feats);
    if (this.concat_heads) node_feats = node_feats.reshape(batch_size, num_nodes, -1);
    else node_feats = node_feats.mean({ dim: 2 });
    return node_feats;
  }
}

describe("tutorial 7: graph neural networks", () => {
  const node_feats = torch.arange(8, { dtype: torch.float32 }).view(1, 4, 2);
  const adj_matrix = new torch.Tensor([
    [
      [1, 1, 0, 0],
      [1, 1, 1, 1],
      [0, 1, 1, 1],
      [0, 1, 1, 1],
    ],
  ]);

  it("GCNLayer with an identity projection on the notebook's graph", () => {
    const layer = new GCNLayer(2, 2);
    layer.projection.weight.data = new torch.Tensor([
      [1, 0],
      [0, 1],
    ]);
    layer.projection.bias!.data = new torch.Tensor([0, 0]);
    const out_feats = torch.no_grad(() => layer(node_feats, adj_matrix));
    close(out_feats, "t7_gcn");
  });

  it("GATLayer with two heads and the notebook's a: outputs and attention probabilities", () => {
    const layer = new GATLayer(2, 2, 2);
    layer.projection.weight.data = new torch.Tensor([
      [1, 0],
      [0, 1],
    ]);
    layer.projection.bias!.data = new torch.Tensor([0, 0]);
    layer.a.data = new torch.Tensor([
      [-0.2, 0.3],
      [0.1, -0.1],
    ]);
    const out_feats = torch.no_grad(() => layer(node_feats, adj_matrix, true));
    close(out_feats, "t7_gat");
    close(layer.last_probs!, "t7_gat_probs");
  });

  it("a seeded GATLayer (heads averaged) on a batch of two graphs: gradients through the masked assignment", () => {
    torch.manual_seed(7);
    const gat = new GATLayer(3, 4, 2, false);
    const nf = torch.randn(2, 4, 3);
    const adj = new torch.Tensor([
      [
        [1, 1, 0, 0],
        [1, 1, 1, 1],
        [0, 1, 1, 1],
        [0, 1, 1, 1],
      ],
      [
        [1, 0, 0, 1],
        [0, 1, 1, 0],
        [0, 1, 1, 0],
        [1, 0, 0, 1],
      ],
    ]);
    const o = gat(nf, adj);
    o.pow(2).sum().backward();
    close(o, "t7_gat_seeded");
    close(gat.a.grad!, "t7_gat_a_grad");
    close(gat.projection.weight.grad!, "t7_gat_w_grad");
  });
});

// ---------------------------------------------------------------------------------------------
// Tutorials 8 and 9: deep energy models, autoencoders
// ---------------------------------------------------------------------------------------------
class Swish8 extends nn.Module {
  forward(x: Tensor) {
    return x.mul(torch.sigmoid(x));
  }
}

class CNNModel extends nn.Module {
  cnn_layers: nn.Sequential;
  constructor(hidden_features = 32, out_dim = 1) {
    super();
    const c_hid1 = Math.floor(hidden_features / 2);
    const c_hid2 = hidden_features;
    const c_hid3 = hidden_features * 2;
    this.cnn_layers = new nn.Sequential(
      new nn.Conv2d(1, c_hid1, { kernel_size: 5, stride: 2, padding: 4 }),
      new Swish8(),
      new nn.Conv2d(c_hid1, c_hid2, { kernel_size: 3, stride: 2, padding: 1 }),
      new Swish8(),
      new nn.Conv2d(c_hid2, c_hid3, { kernel_size: 3, stride: 2, padding: 1 }),
      new Swish8(),
      new nn.Conv2d(c_hid3, c_hid3, { kernel_size: 3, stride: 2, padding: 1 }),
      new Swish8(),
      new nn.Flatten(),
      new nn.Linear(c_hid3 * 4, c_hid3),
      new Swish8(),
      new nn.Linear(c_hid3, out_dim),
    );
  }
  forward(x: Tensor) {
    return this.cnn_layers(x).squeeze({ dim: -1 });
  }
}

/** Sampler.generate_samples: Langevin steps on the images, the model's parameters frozen meanwhile. */
function generate_samples(model: nn.Module, inp_imgs: Tensor, steps = 60, step_size = 10): Tensor {
  const is_training = model.training;
  model.eval();
  for (const p of model.parameters()) p.requires_grad = false;
  inp_imgs.requires_grad = true;
  const had_gradients_enabled = torch.is_grad_enabled();
  torch.set_grad_enabled(true);
  const noise = torch.randn(inp_imgs.shape, { device: inp_imgs.device });
  for (let i = 0; i < steps; i++) {
    noise.normal_(0, 0.005);
    inp_imgs.data.add_(noise.data);
    inp_imgs.data.clamp_({ min: -1.0, max: 1.0 });
    const out_imgs = (model(inp_imgs) as Tensor).neg();
    out_imgs.sum().backward();
    inp_imgs.grad!.data.clamp_(-0.03, 0.03);
    inp_imgs.data.add_(inp_imgs.grad!.data.mul(-step_size));
    inp_imgs.grad!.detach_();
    inp_imgs.grad!.zero_();
    inp_imgs.data.clamp_({ min: -1.0, max: 1.0 });
  }
  for (const p of model.parameters()) p.requires_grad = true;
  model.train(is_training);
  torch.set_grad_enabled(had_gradients_enabled);
  return inp_imgs;
}

class Encoder extends nn.Module {
  net: nn.Sequential;
  constructor(num_input_channels: number, base_channel_size: number, latent_dim: number, act_fn: ActCtor = nn.GELU) {
    super();
    const c_hid = base_channel_size;
    this.net = new nn.Sequential(
      new nn.Conv2d(num_input_channels, c_hid, { kernel_size: 3, padding: 1, stride: 2 }),
      new act_fn(),
      new nn.Conv2d(c_hid, c_hid, { kernel_size: 3, padding: 1 }),
      new act_fn(),
      new nn.Conv2d(c_hid, 2 * c_hid, { kernel_size: 3, padding: 1, stride: 2 }),
      new act_fn(),
      new nn.Conv2d(2 * c_hid, 2 * c_hid, { kernel_size: 3, padding: 1 }),
      new act_fn(),
      new nn.Conv2d(2 * c_hid, 2 * c_hid, { kernel_size: 3, padding: 1, stride: 2 }),
      new act_fn(),
      new nn.Flatten(),
      new nn.Linear(2 * 16 * c_hid, latent_dim),
    );
  }
  forward(x: Tensor) {
    return this.net(x);
  }
}

class Decoder extends nn.Module {
  linear: nn.Sequential;
  net: nn.Sequential;
  constructor(num_input_channels: number, base_channel_size: number, latent_dim: number, act_fn: ActCtor = nn.GELU) {
    super();
    const c_hid = base_channel_size;
    this.linear = new nn.Sequential(new nn.Linear(latent_dim, 2 * 16 * c_hid), new act_fn());
    this.net = new nn.Sequential(
      new nn.ConvTranspose2d(2 * c_hid, 2 * c_hid, { kernel_size: 3, output_padding: 1, padding: 1, stride: 2 }),
      new act_fn(),
      new nn.Conv2d(2 * c_hid, 2 * c_hid, { kernel_size: 3, padding: 1 }),
      new act_fn(),
      new nn.ConvTranspose2d(2 * c_hid, c_hid, { kernel_size: 3, output_padding: 1, padding: 1, stride: 2 }),
      new act_fn(),
      new nn.Conv2d(c_hid, c_hid, { kernel_size: 3, padding: 1 }),
      new act_fn(),
      new nn.ConvTranspose2d(c_hid, num_input_channels, { kernel_size: 3, output_padding: 1, padding: 1, stride: 2 }),
      new nn.Tanh(),
    );
  }
  forward(x: Tensor) {
    x = this.linear(x);
    x = x.reshape(x.shape[0], -1, 4, 4);
    return this.net(x);
  }
}

describe("tutorials 8 and 9: deep energy models and autoencoders", () => {
  it("CNNModel energy: generate_samples (5 Langevin steps) and one contrastive-divergence Adam step", () => {
    torch.manual_seed(8);
    const cnn = new CNNModel(8);
    const real_imgs = torch.rand(4, 1, 28, 28).mul(2).sub(1);
    const fake_imgs = generate_samples(cnn, torch.rand(4, 1, 28, 28).mul(2).sub(1).detach(), 5);
    expect(fake_imgs.mean().item()).toBeCloseTo(N("t8_fake_mean"), 5);
    close(fake_imgs.index(0, 0, 10, ":8"), "t8_fake");
    expect([...cnn.parameters()].every((p) => p.requires_grad)).toBe(true);
    const opt = new optim.Adam(cnn.parameters(), { lr: 1e-4, betas: [0.0, 0.999] });
    const inp_imgs = torch.cat([real_imgs, fake_imgs], { dim: 0 });
    const [real_out, fake_out] = cnn(inp_imgs).chunk(2, { dim: 0 });
    const reg_loss = real_out.pow(2).add(fake_out.pow(2)).mean().mul(0.1);
    const cdiv_loss = fake_out.mean().sub(real_out.mean());
    const loss = reg_loss.add(cdiv_loss);
    opt.zero_grad();
    loss.backward();
    opt.step();
    expect(loss.item()).toBeCloseTo(N("t8_loss"), 5);
    close((cnn.cnn_layers.get(-1) as nn.Linear).weight.index(0, ":6"), "t8_param");
  });

  it("Encoder / Decoder (ConvTranspose2d with output_padding): 3 Adam steps on the summed MSE, then find_similar_images' cdist + sort", () => {
    torch.manual_seed(9);
    const encoder = new Encoder(3, 4, 16);
    const decoder = new Decoder(3, 4, 16);
    const params = [...encoder.parameters(), ...decoder.parameters()];
    const opt = new optim.Adam(params, { lr: 1e-3 });
    const imgs9 = torch.rand(4, 3, 32, 32).mul(2).sub(1);
    const losses: number[] = [];
    let x_hat!: Tensor;
    for (let i = 0; i < 3; i++) {
      x_hat = decoder(encoder(imgs9));
      let loss = F.mse_loss(imgs9, x_hat, { reduction: "none" });
      loss = loss.sum({ dim: [1, 2, 3] }).mean({ dim: [0] });
      opt.zero_grad();
      loss.backward();
      opt.step();
      losses.push(loss.item());
    }
    closeList(losses, NS("t9_losses"), 1e-4, 1e-4, "losses");
    close(x_hat.index(0, 0, 0, ":8"), "t9_recon");
    const z = torch.no_grad(() => encoder(imgs9));
    let dist = torch.cdist(z.index("None", ":1"), z.index("None", ":"));
    dist = dist.squeeze({ dim: 0 });
    const sorted = torch.sort(dist);
    close(sorted.values, "t9_dist", 1e-4, 1e-4);
    expect(sorted.indices.tolist()).toEqual(ref.t9_indices);
  });
});

// ---------------------------------------------------------------------------------------------
// Tutorial 11: normalizing flows on images
// ---------------------------------------------------------------------------------------------
interface Flow extends nn.Module {
  (z: Tensor, ldj: Tensor | null, reverse?: boolean): [Tensor, Tensor];
}

class Dequantization extends nn.Module {
  constructor(
    public alpha = 1e-5,
    public quants = 256,
  ) {
    super();
  }
  forward(z: Tensor, ldj: Tensor, reverse = false): [Tensor, Tensor] {
    if (!reverse) {
      [z, ldj] = this.dequant(z, ldj);
      [z, ldj] = this.sigmoid(z, ldj, true);
    } else {
      [z, ldj] = this.sigmoid(z, ldj, false);
      z = z.mul(this.quants);
      ldj = ldj.add_(Math.log(this.quants) * prod(z.shape.slice(1)));
      z = torch.floor(z).clamp({ min: 0, max: this.quants - 1 }).to(torch.int32);
    }
    return [z, ldj];
  }
  sigmoid(z: Tensor, ldj: Tensor, reverse = false): [Tensor, Tensor] {
    if (!reverse) {
      ldj = ldj.add_(z.neg().sub(F.softplus(z.neg()).mul(2)).sum({ dim: [1, 2, 3] }));
      z = torch.sigmoid(z);
      ldj = ldj.sub_(Math.log(1 - this.alpha) * prod(z.shape.slice(1)));
      z = z.sub(0.5 * this.alpha).div(1 - this.alpha);
    } else {
      z = z.mul(1 - this.alpha).add(0.5 * this.alpha);
      ldj = ldj.add_(Math.log(1 - this.alpha) * prod(z.shape.slice(1)));
      ldj = ldj.add_(torch.log(z).neg().sub(torch.log(z.neg().add(1))).sum({ dim: [1, 2, 3] }));
      z = torch.log(z).sub(torch.log(z.neg().add(1)));
    }
    return [z, ldj];
  }
  dequant(z: Tensor, ldj: Tensor): [Tensor, Tensor] {
    z = z.to(torch.float32);
    z = z.add(torch.rand_like(z).detach());
    z = z.div(this.quants);
    ldj = ldj.sub_(Math.log(this.quants) * prod(z.shape.slice(1)));
    return [z, ldj];
  }
}

class CouplingLayer extends nn.Module {
  network: nn.Module;
  scaling_factor: nn.Parameter;
  declare mask: Tensor;
  constructor(network: nn.Module, mask: Tensor, c_in: number) {
    super();
    this.network = network;
    this.scaling_factor = new nn.Parameter(torch.zeros(c_in));
    this.register_buffer("mask", mask);
  }
  forward(z: Tensor, ldj: Tensor, reverse = false, orig_img: Tensor | null = null): [Tensor, Tensor] {
    const z_in = z.mul(this.mask);
    const nn_out = orig_img === null ? this.network(z_in) : this.network(torch.cat([z_in, orig_img], { dim: 1 }));
    let [s, t] = (nn_out as Tensor).chunk(2, { dim: 1 });
    const s_fac = this.scaling_factor.exp().view(1, -1, 1, 1);
    s = torch.tanh(s.div(s_fac)).mul(s_fac);
    s = s.mul(this.mask.neg().add(1));
    t = t.mul(this.mask.neg().add(1));
    if (!reverse) {
      z = z.add(t).mul(torch.exp(s));
      ldj = ldj.add_(s.sum({ dim: [1, 2, 3] }));
    } else {
      z = z.mul(torch.exp(s.neg())).sub(t);
      ldj = ldj.sub_(s.sum({ dim: [1, 2, 3] }));
    }
    return [z, ldj];
  }
}

function create_checkerboard_mask(h: number, w: number, invert = false): Tensor {
  const [x, y] = [torch.arange(h, { dtype: torch.int32 }), torch.arange(w, { dtype: torch.int32 })];
  const [xx, yy] = torch.meshgrid(x, y, { indexing: "ij" });
  let mask = torch.fmod(xx.add(yy), 2);
  mask = mask.to(torch.float32).view(1, 1, h, w);
  if (invert) mask = mask.neg().add(1);
  return mask;
}

function create_channel_mask(c_in: number, invert = false): Tensor {
  let mask = torch.cat([torch.ones(Math.floor(c_in / 2), { dtype: torch.float32 }), torch.zeros(c_in - Math.floor(c_in / 2), { dtype: torch.float32 })]);
  mask = mask.view(1, c_in, 1, 1);
  if (invert) mask = mask.neg().add(1);
  return mask;
}

class ConcatELU extends nn.Module {
  forward(x: Tensor) {
    return torch.cat([F.elu(x), F.elu(x.neg())], { dim: 1 });
  }
}

class LayerNormChannels extends nn.Module {
  gamma: nn.Parameter;
  beta: nn.Parameter;
  constructor(
    c_in: number,
    public eps = 1e-5,
  ) {
    super();
    this.gamma = new nn.Parameter(torch.ones(1, c_in, 1, 1));
    this.beta = new nn.Parameter(torch.zeros(1, c_in, 1, 1));
  }
  forward(x: Tensor) {
    const mean = x.mean({ dim: 1, keepdim: true });
    const variance = x.var({ dim: 1, unbiased: false, keepdim: true });
    let y = x.sub(mean).div(torch.sqrt(variance.add(this.eps)));
    y = y.mul(this.gamma).add(this.beta);
    return y;
  }
}

class GatedConv extends nn.Module {
  net: nn.Sequential;
  constructor(c_in: number, c_hidden: number) {
    super();
    this.net = new nn.Sequential(
      new ConcatELU(),
      new nn.Conv2d(2 * c_in, c_hidden, { kernel_size: 3, padding: 1 }),
      new ConcatELU(),
      new nn.Conv2d(2 * c_hidden, 2 * c_in, { kernel_size: 1 }),
    );
  }
  forward(x: Tensor) {
    const out = this.net(x);
    const [val, gate] = out.chunk(2, { dim: 1 });
    return x.add(val.mul(torch.sigmoid(gate)));
  }
}

class GatedConvNet extends nn.Module {
  nn: nn.Sequential;
  constructor(c_in: number, c_hidden = 32, c_out = -1, num_layers = 3) {
    super();
    c_out = c_out > 0 ? c_out : 2 * c_in;
    let layers: nn.Module[] = [];
    layers = [...layers, new nn.Conv2d(c_in, c_hidden, { kernel_size: 3, padding: 1 })];
    for (let layer_index = 0; layer_index < num_layers; layer_index++) layers = [...layers, new GatedConv(c_hidden, c_hidden), new LayerNormChannels(c_hidden)];
    layers = [...layers, new ConcatELU(), new nn.Conv2d(2 * c_hidden, c_out, { kernel_size: 3, padding: 1 })];
    this.nn = new nn.Sequential(...layers);
    const last = this.nn.get(-1) as nn.Conv2d;
    last.weight.data.zero_();
    last.bias!.data.zero_();
  }
  forward(x: Tensor) {
    return this.nn(x);
  }
}

class SqueezeFlow extends nn.Module {
  forward(z: Tensor, ldj: Tensor | null, reverse = false): [Tensor, Tensor | null] {
    const [B, C, H, W] = z.shape;
    if (!reverse) {
      z = z.reshape(B, C, Math.floor(H / 2), 2, Math.floor(W / 2), 2);
      z = z.permute(0, 1, 3, 5, 2, 4);
      z = z.reshape(B, 4 * C, Math.floor(H / 2), Math.floor(W / 2));
    } else {
      z = z.reshape(B, Math.floor(C / 4), 2, 2, H, W);
      z = z.permute(0, 1, 4, 2, 5, 3);
      z = z.reshape(B, Math.floor(C / 4), H * 2, W * 2);
    }
    return [z, ldj];
  }
}

class SplitFlow extends nn.Module {
  prior = new torch.distributions.normal.Normal(0.0, 1.0);
  forward(z: Tensor, ldj: Tensor, reverse = false): [Tensor, Tensor] {
    let z_split: Tensor;
    if (!reverse) {
      [z, z_split] = z.chunk(2, { dim: 1 });
      ldj = ldj.add_(this.prior.log_prob(z_split).sum({ dim: [1, 2, 3] }));
    } else {
      // prior.sample(sample_shape=z.shape)
      z_split = this.prior.sample({ sample_shape: z.shape });
      z = torch.cat([z, z_split], { dim: 1 });
      ldj = ldj.sub_(this.prior.log_prob(z_split).sum({ dim: [1, 2, 3] }));
    }
    return [z, ldj];
  }
}

describe("tutorial 11: normalizing flows", () => {
  it("SqueezeFlow forward / reverse on arange(1, 17), the checkerboard and channel masks", () => {
    const sq_flow = new SqueezeFlow();
    const rand_img = torch.arange(1, 17).view(1, 1, 4, 4);
    const [forward_img] = sq_flow(rand_img, null, false);
    expect(forward_img.permute(0, 2, 3, 1).tolist()).toEqual(ref.t11_squeeze);
    const [reconst_img] = sq_flow(forward_img, null, true);
    expect(reconst_img.tolist()).toEqual(ref.t11_unsqueeze);
    expect(create_checkerboard_mask(4, 4, true).view(-1).tolist()).toEqual(ref.t11_checker);
    expect(create_channel_mask(4).view(-1).tolist()).toEqual(ref.t11_channel);
  });

  it("Dequantization forward then reverse: the log-determinant and the int32 image back", () => {
    torch.manual_seed(11);
    const orig_img = torch.randint(0, 256, [1, 1, 8, 8]).to(torch.int32);
    const dequant_module = new Dequantization();
    const [deq_img, ldj1] = dequant_module(orig_img, torch.zeros(1), false);
    let ldj = ldj1;
    expect(ldj.item()).toBeCloseTo(N("t11_deq_ldj"), 2);
    close(deq_img.index(0, 0, 0), "t11_deq_img", 1e-4, 1e-4);
    const [reconst_img, ldj2] = dequant_module(deq_img, ldj, true);
    ldj = ldj2;
    expect(orig_img.eq(reconst_img).all().item()).toBe(ref.t11_reconst_equal);
    expect(String(reconst_img.dtype)).toBe(ref.t11_reconst_dtype);
    expect(ldj.item()).toBeCloseTo(N("t11_final_ldj"), 2);
  });

  it("a small multiscale flow (dequantization, checkerboard and channel couplings with GatedConvNets, squeeze, split): bits per dim over 3 Adam steps", () => {
    torch.manual_seed(11);
    const flows = new nn.ModuleList([
      new Dequantization(),
      new CouplingLayer(new GatedConvNet(1, 8, -1, 1), create_checkerboard_mask(8, 8, false), 1),
      new CouplingLayer(new GatedConvNet(1, 8, -1, 1), create_checkerboard_mask(8, 8, true), 1),
      new SqueezeFlow(),
      new CouplingLayer(new GatedConvNet(4, 8, -1, 1), create_channel_mask(4, false), 4),
      new SplitFlow(),
    ]);
    const prior = new torch.distributions.normal.Normal(0.0, 1.0);
    const imgs11 = torch.randint(0, 256, [4, 1, 8, 8]);
    const get_likelihood = (imgs: Tensor) => {
      let [z, ldj] = [imgs, torch.zeros(imgs.shape[0])];
      for (const flow of flows) [z, ldj] = (flow as Flow)(z, ldj, false);
      const log_pz = prior.log_prob(z).sum({ dim: [1, 2, 3] });
      const log_px = ldj.add(log_pz);
      const nll = log_px.neg();
      const bpd = nll.mul(Math.log2(Math.exp(1))).div(prod(imgs.shape.slice(1)));
      return bpd.mean();
    };
    const opt = new optim.Adam(flows.parameters(), { lr: 1e-3 });
    const scheduler = new optim.lr_scheduler.StepLR(opt, 1, { gamma: 0.99 });
    const bpds: number[] = [];
    for (let i = 0; i < 3; i++) {
      const loss = get_likelihood(imgs11);
      opt.zero_grad();
      loss.backward();
      opt.step();
      scheduler.step();
      bpds.push(loss.item());
    }
    closeList(bpds, NS("t11_bpds"), 1e-4, 1e-4, "bpd");
    close((flows.get(4) as CouplingLayer).scaling_factor, "t11_scaling_factor", 1e-3, 1e-5);
    // ImageFlow.sample: z from the prior, then the flows reversed (SplitFlow draws its half from the prior)
    torch.manual_seed(3);
    const [samples, ldj] = torch.no_grad(() => {
      let z = prior.sample({ sample_shape: [2, 2, 4, 4] });
      let ldj = torch.zeros(2);
      for (const flow of [...flows].reverse()) [z, ldj] = (flow as Flow)(z, ldj, true);
      return [z, ldj];
    });
    expect(String(samples.dtype)).toBe(ref.t11_samples_dtype);
    expect(samples.shape).toEqual(R("t11_samples").shape);
    // integers from a floor: a value within float rounding of a boundary may land one apart
    expectClose(samples.float(), R("t11_samples").data, 0, 1, "samples");
    expect(samples.float().sub(torch.tensor(R("t11_samples").data).view(R("t11_samples").shape)).abs().sum().item()).toBeLessThanOrEqual(2);
    closeList(ldj.tolist() as number[], NS("t11_sample_ldj"), 1e-4, 1e-2, "sample ldj");
  });
});

// ---------------------------------------------------------------------------------------------
// Tutorial 15: vision transformer
// ---------------------------------------------------------------------------------------------
function img_to_patch(x: Tensor, patch_size: number, flatten_channels = true): Tensor {
  const [B, C, H, W] = x.shape;
  x = x.reshape(B, C, Math.floor(H / patch_size), patch_size, Math.floor(W / patch_size), patch_size);
  x = x.permute(0, 2, 4, 1, 3, 5);
  x = x.flatten(1, 2);
  if (flatten_channels) x = x.flatten(2, 4);
  return x;
}

class AttentionBlock extends nn.Module {
  layer_norm_1: nn.LayerNorm;
  attn: nn.MultiheadAttention;
  layer_norm_2: nn.LayerNorm;
  linear: nn.Sequential;
  constructor(embed_dim: number, hidden_dim: number, num_heads: number, dropout = 0.0) {
    super();
    this.layer_norm_1 = new nn.LayerNorm(embed_dim);
    this.attn = new nn.MultiheadAttention(embed_dim, num_heads, { dropout });
    this.layer_norm_2 = new nn.LayerNorm(embed_dim);
    this.linear = new nn.Sequential(
      new nn.Linear(embed_dim, hidden_dim),
      new nn.GELU(),
      new nn.Dropout(dropout),
      new nn.Linear(hidden_dim, embed_dim),
      new nn.Dropout(dropout),
    );
  }
  forward(x: Tensor) {
    const inp_x = this.layer_norm_1(x);
    x = x.add(this.attn(inp_x, inp_x, inp_x)[0]);
    x = x.add(this.linear(this.layer_norm_2(x)));
    return x;
  }
}

class VisionTransformer extends nn.Module {
  patch_size: number;
  input_layer: nn.Linear;
  transformer: nn.Sequential;
  mlp_head: nn.Sequential;
  dropout: nn.Dropout;
  cls_token: nn.Parameter;
  pos_embedding: nn.Parameter;
  constructor(o: { embed_dim: number; hidden_dim: number; num_channels: number; num_heads: number; num_layers: number; num_classes: number; patch_size: number; num_patches: number; dropout?: number }) {
    super();
    const { embed_dim, hidden_dim, num_channels, num_heads, num_layers, num_classes, patch_size, num_patches, dropout = 0.0 } = o;
    this.patch_size = patch_size;
    this.input_layer = new nn.Linear(num_channels * patch_size ** 2, embed_dim);
    this.transformer = new nn.Sequential(...Array.from({ length: num_layers }, () => new AttentionBlock(embed_dim, hidden_dim, num_heads, dropout)));
    this.mlp_head = new nn.Sequential(new nn.LayerNorm(embed_dim), new nn.Linear(embed_dim, num_classes));
    this.dropout = new nn.Dropout(dropout);
    this.cls_token = new nn.Parameter(torch.randn(1, 1, embed_dim));
    this.pos_embedding = new nn.Parameter(torch.randn(1, 1 + num_patches, embed_dim));
  }
  forward(x: Tensor) {
    x = img_to_patch(x, this.patch_size);
    const [B, T] = x.shape;
    x = this.input_layer(x);
    const cls_token = this.cls_token.repeat(B, 1, 1);
    x = torch.cat([cls_token, x], { dim: 1 });
    x = x.add(this.pos_embedding.index(":", `:${T + 1}`));
    x = this.dropout(x);
    x = x.transpose(0, 1);
    x = this.transformer(x);
    const cls = x.index(0);
    return this.mlp_head(cls);
  }
}

describe("tutorial 15: vision transformer", () => {
  it("img_to_patch, and a 2-layer VisionTransformer trained 3 AdamW steps with MultiStepLR", () => {
    torch.manual_seed(15);
    const imgs15 = torch.randn(4, 3, 16, 16);
    expect(img_to_patch(imgs15, 4, false).shape).toEqual(ref.t15_patches_shape);
    close(img_to_patch(imgs15, 4).index(1, 5, ":10"), "t15_patch");
    const vit = new VisionTransformer({ embed_dim: 32, hidden_dim: 64, num_channels: 3, num_heads: 4, num_layers: 2, num_classes: 10, patch_size: 4, num_patches: 16, dropout: 0.0 });
    const labels15 = torch.randint(0, 10, [4]);
    const opt = new optim.AdamW(vit.parameters(), { lr: 3e-4 });
    const scheduler = new optim.lr_scheduler.MultiStepLR(opt, { milestones: [2], gamma: 0.1 });
    const losses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const preds = vit(imgs15);
      const loss = F.cross_entropy(preds, labels15);
      const acc = preds.argmax({ dim: -1 }).eq(labels15).float().mean();
      expect(acc.item()).toBeGreaterThanOrEqual(0);
      opt.zero_grad();
      loss.backward();
      opt.step();
      scheduler.step();
      losses.push(loss.item());
    }
    closeList(losses, NS("t15_losses"), 1e-4, 1e-5, "losses");
    close(vit.cls_token.index(0, 0, ":6"), "t15_cls_token");
  });
});
