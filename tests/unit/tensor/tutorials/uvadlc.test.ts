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
 * Python forms written differently here: classes need `new`; `self.param_momentum = {p: ...}` is a
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
    let true_preds: Tensor | number = 0;
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
