/**
 * A cold probe of NeuromatchAcademy/course-content-dl (Neuromatch Academy's Deep Learning course), weeks 2 and 3,
 * translated as a learner would from tutorials/<day>/solutions/*.py and the instructor notebooks:
 *  - W2D1 Regularization: calculate_frobenius_norm, l1_reg / l2_reg, AnimalNet with train / test helpers,
 *    early_stopping_main (copy.deepcopy of the best model), the L1 + L2 regularized train step, Net_Dropout in train
 *    and eval mode, SGD's weight_decay, set_seed / seed_worker with the seeded DataLoader and random_split;
 *  - W2D2 Convnets: Net4 (hand-set kernels through the legacy torch.Tensor constructor and nn.Parameter assignment),
 *    EMNIST_Net trained a few steps, its parameter count, the channel / fc1 size mistakes;
 *  - W2D3 Modern convnets: get_parameter_count of a fully connected and a depthwise-separable net, predict_top5
 *    (softmax, topk(5, 1, True, True), t(), probs[torch.arange(B), idx]);
 *  - W2D4 Generative models: LinearAutoEncoder, BiasLayer, cout, ConvAutoEncoder (nn.Unflatten, ConvTranspose2d),
 *    train_autoencoder, marginal_prob_std / diffusion_coeff and the score-matching loss_fn, tutorial 3's score UNet
 *    (GaussianFourierProjection, Dense, GroupNorm, the skip-connection size mistake) and Euler-Maruyama sampling;
 *  - W2D5 Attention: DotProductAttention, SelfAttention, TransformerBlock, PositionalEncoding, Transformer, the
 *    view-without-contiguous mistake, nn.MultiheadAttention;
 *  - W3D1 NLP: NeuralNet on nn.EmbeddingBag.from_pretrained, and on nn.Embedding with a frozen nn.Parameter + F.avg_pool2d;
 *  - W3D3 Self-supervised: custom_torch_RSM_fct, custom_simclr_contrastive_loss, a frozen encoder under a classifier;
 *  - W3D4 Basic RL: the DQN agent's epsilon-greedy select_action and update (deepcopy'd target network, max(axis=-1)[0],
 *    gather, nn.MSELoss's broadcast warning, load_state_dict every other step).
 * Datasets are seeded torch stand-ins (images() below, the fixture script's images()); pretrained vectors are seeded
 * randn; sizes and epochs are cut. Values are compared with torch 1.13 running the same code
 * (scripts/fixtures/neuromatch_w23_fixtures.py -> tests/fixtures/torch/tutorials/neuromatch_w23.json).
 *
 * Python forms written otherwise: `norm = 0.0; norm += torch.sum(...)` -> torch.add(norm, torch.sum(...)),
 * f"{t}" of a 0-dim tensor (Tensor.__format__ prints the item) -> `${t.item()}`, `x ** 0.5` -> pow(0.5),
 * `sigma ** t` -> torch.pow(sigma, t), `pe[:, 0::2] = v` / `mse_loss[i] = v` -> index_put_, `std[:, None, None, None]`
 * -> index(":", "None", "None", "None"), `with torch.no_grad():` -> torch.no_grad(() => ...),
 * "{:10d}".format(n) -> padStart, `train_set[0][0]` -> get(0)[0], `len(t)` -> t.shape[0], `len(loader.dataset)` -> __len__().
 * Left visible: loss_fn(x, target=y) runs as loss_fn(x, { target: y }) but nn.MSELoss's TypeScript signature refuses it (`as never`);
 * likewise argmax({ axis }) / max({ axis }) (NumPy's alias, taken at run time) and torch.randint({ low, high, size, dtype }).
 */
import { beforeEach, describe, expect, it, vi } from "vitest";
import { F, ValueError, copy, nn, optim, torch, utils, type Tensor } from "../../../../lib/tensor/index";
import { forgetShownWarnings } from "../../../../lib/tensor/warnings";
import { expectNums, expectT, raised, tutorialFixture, type TJ } from "./helpers";

const ref = tutorialFixture<Record<string, any>>("neuromatch_w23.json").res; // eslint-disable-line @typescript-eslint/no-explicit-any
const { DataLoader, TensorDataset } = utils.data;
const SEED = 2021;

/** Image stand-in: uniform pixels * 0.5, class k brightens row (2k) % h. */
function images(seed: number, n: number, c: number, h: number, w: number, classes: number): [Tensor, Tensor] {
  const g = new torch.Generator().manual_seed(seed);
  const x = torch.rand([n, c, h, w], { generator: g }).mul(0.5);
  const y = torch.randint(0, classes, [n], { generator: g });
  for (let i = 0; i < n; i++) x.index(i, ":", (2 * y.index(i).item()) % h).add_(0.5);
  return [x, y];
}
const sumParams = (m: nn.Module) => m.parameters().reduce((s, p) => s + p.numel(), 0);

// ============================ W2D1 ============================
function calculate_frobenius_norm(model: nn.Module): Tensor {
  let norm: Tensor | number = 0.0;
  for (const param of model.parameters()) norm = torch.add(norm, torch.sum(param.pow(2)));
  return (norm as Tensor).pow(0.5);
}
function l1_reg(model: nn.Module): Tensor {
  let l1: Tensor | number = 0.0;
  for (const param of model.parameters()) l1 = torch.add(l1, torch.sum(torch.abs(param)));
  return l1 as Tensor;
}
function l2_reg(model: nn.Module): Tensor {
  let l2: Tensor | number = 0.0;
  for (const param of model.parameters()) l2 = torch.add(l2, torch.sum(torch.abs(param).pow(2)));
  return l2 as Tensor;
}
class AnimalNet extends nn.Module {
  fc1 = new nn.Linear(3 * 8 * 8, 16);
  fc2 = new nn.Linear(16, 3);
  forward(x: Tensor): Tensor {
    x = x.view(x.shape[0], -1);
    x = F.relu(this.fc1(x));
    x = this.fc2(x);
    return F.log_softmax(x, { dim: 1 });
  }
}
class Net_Dropout extends nn.Module {
  fc1 = new nn.Linear(2, 16);
  fc2 = new nn.Linear(16, 16);
  fc3 = new nn.Linear(16, 1);
  dropout1 = new nn.Dropout(0.4);
  dropout2 = new nn.Dropout(0.2);
  forward(x: Tensor): Tensor {
    x = F.leaky_relu(this.dropout1(this.fc1(x)));
    x = F.leaky_relu(this.dropout2(this.fc2(x)));
    return this.fc3(x);
  }
}
type Args = Record<string, number>;
function train(args: Args, model: nn.Module, loader: Iterable<Tensor[]>, optimizer: optim.Optimizer,
  reg1: ((m: nn.Module) => Tensor) | null = null, reg2: ((m: nn.Module) => Tensor) | null = null): nn.Module {
  model.train();
  for (const [data, target] of loader) {
    optimizer.zero_grad();
    const output = model(data);
    let loss: Tensor;
    if (reg1 === null) loss = F.nll_loss(output, target);
    else if (reg2 === null) loss = F.nll_loss(output, target).add(reg1(model).mul(args.lambda));
    else loss = F.nll_loss(output, target).add(reg1(model).mul(args.lambda1)).add(reg2(model).mul(args.lambda2));
    loss.backward();
    optimizer.step();
  }
  return model;
}
function test(model: nn.Module, loader: utils.data.DataLoader<Tensor[]>): number {
  model.eval();
  let correct = 0;
  torch.no_grad(() => {
    for (const [data, target] of loader) {
      const output = model(data);
      const pred = output.argmax({ dim: 1, keepdim: true });
      correct += pred.eq(target.view_as(pred)).sum().item();
    }
  });
  return (100 * correct) / (loader.dataset as utils.data.TensorDataset).__len__(); // len(test_loader.dataset)
}

describe("W2D1 regularization", () => {
  it("calculate_frobenius_norm, l1_reg, l2_reg of a seeded nn.Linear", () => {
    torch.manual_seed(SEED);
    let net = new nn.Linear(10, 1);
    const fn = calculate_frobenius_norm(net);
    expectNums([fn.item()], [ref.w2d1.frobenius[0]], 1e-6);
    expect(`Frobenius norm of Single Linear Layer: ${fn.item()}`).toBe(ref.w2d1.frobenius[1]);
    expect(String(fn)).toBe(ref.w2d1.frobenius[2]);
    torch.manual_seed(SEED);
    net = new nn.Linear(20, 20);
    expectNums([l1_reg(net).item(), l2_reg(net).item()], [ref.w2d1.l1[0], ref.w2d1.l2[0]], 1e-6);
  });

  const [Xa, ya] = images(1, 24, 3, 8, 8, 3);
  const [Xv, yv] = images(2, 12, 3, 8, 8, 3);
  const train_loader = new DataLoader(new TensorDataset(Xa, ya), { batch_size: 8, shuffle: false });
  const val_loader = new DataLoader(new TensorDataset(Xv, yv), { batch_size: 12, shuffle: false });

  it("early_stopping_main keeps a deepcopy of the best model", () => {
    const args = { epochs: 6, lr: 5e-2, momentum: 0.9 };
    torch.manual_seed(SEED);
    const model = new AnimalNet();
    const optimizer = new optim.SGD(model.parameters(), { lr: args.lr, momentum: args.momentum });
    let best_acc = 0.0, best_epoch = 0, wait = 0;
    const patience = 2;
    let best_model: AnimalNet | undefined;
    const val_acc_list: number[] = [], train_acc_list: number[] = [];
    for (let epoch = 0; epoch < args.epochs; epoch++) {
      const trained_model = train(args, model, train_loader, optimizer);
      const train_acc = test(trained_model, train_loader);
      const val_acc = test(trained_model, val_loader);
      if (val_acc > best_acc) {
        best_acc = val_acc;
        best_epoch = epoch;
        best_model = copy.deepcopy(trained_model) as AnimalNet;
        wait = 0;
      } else wait += 1;
      if (wait > patience) break;
      train_acc_list.push(train_acc);
      val_acc_list.push(val_acc);
    }
    const [va, ta, be, bestBias, lastBias] = ref.w2d1.early_stop;
    expectNums(val_acc_list, va, 1e-9);
    expectNums(train_acc_list, ta, 1e-9);
    expect(best_epoch).toBe(be);
    expectT(best_model!.fc2.bias!, bestBias, 1e-4);
    expectT(model.fc2.bias!, lastBias, 1e-4);
  });

  it("set_seed / seed_worker, the seeded shuffling DataLoader and random_split", () => {
    const cuda = torch.cuda as unknown as { manual_seed_all(s: number): void; manual_seed(s: number): void };
    const set_seed = (seed: number) => {
      torch.manual_seed(seed);
      cuda.manual_seed_all(seed);
      cuda.manual_seed(seed);
      torch.backends.cudnn.benchmark = false;
      torch.backends.cudnn.deterministic = true;
    };
    const seed_worker = () => torch.initial_seed() % 2 ** 32; // seed_worker(worker_id): the id is unused
    set_seed(SEED);
    const g_seed = new torch.Generator();
    g_seed.manual_seed(SEED);
    const dsx = new TensorDataset(torch.arange(10.0).view(10, 1).float(), torch.arange(10));
    const loader = new DataLoader(dsx, { batch_size: 4, shuffle: true, worker_init_fn: seed_worker, generator: g_seed, num_workers: 0 });
    const labels = (l: Iterable<Tensor[]>) => [...l].map((b) => b[1].tolist());
    const [tr, va] = utils.data.random_split(dsx, [7, 3], { generator: new torch.Generator().manual_seed(42) }) as utils.data.Subset<Tensor[]>[];
    expect([[...labels(loader), ...labels(loader)], torch.initial_seed(), [...tr.indices], [...va.indices]]).toEqual(ref.w2d1.seeded_loader);
  });

  it("L1 + L2 penalties in the loss; Net_Dropout train vs eval; SGD weight_decay", () => {
    torch.manual_seed(SEED);
    const model = new AnimalNet();
    const opt = new optim.SGD(model.parameters(), { lr: 0.05 });
    train({ lambda1: 1e-3, lambda2: 1e-3 }, model, train_loader, opt, l1_reg, l2_reg);
    expectT(model.fc2.weight, ref.w2d1.l1l2_train[0], 1e-5);
    expect(test(model, val_loader)).toBeCloseTo(ref.w2d1.l1l2_train[1], 9);

    torch.manual_seed(SEED);
    let dnet = new Net_Dropout();
    const xin = torch.randn(5, 2);
    dnet.train();
    const o_train = dnet(xin);
    dnet.eval();
    const o_eval = dnet(xin);
    expectT(o_train, ref.w2d1.dropout[0], 1e-5);
    expectT(o_eval, ref.w2d1.dropout[1], 1e-5);

    torch.manual_seed(SEED);
    dnet = new Net_Dropout();
    dnet.eval();
    const sgd = new optim.SGD(dnet.parameters(), { lr: 0.1, weight_decay: 0.01 });
    const ytgt = torch.randn(5, 1);
    let loss!: Tensor;
    for (let i = 0; i < 2; i++) {
      sgd.zero_grad();
      loss = F.mse_loss(dnet(xin), ytgt);
      loss.backward();
      sgd.step();
    }
    expectNums([loss.item()], [ref.w2d1.weight_decay[0]], 1e-5);
    expectT(dnet.fc3.weight, ref.w2d1.weight_decay[1], 1e-5);
  });
});

// ============================ W2D2 ============================
class Net4 extends nn.Module {
  conv1: nn.Conv2d;
  pool: nn.MaxPool2d;
  constructor(padding = 0, stride = 2) {
    super();
    this.conv1 = new nn.Conv2d({ in_channels: 1, out_channels: 3, kernel_size: 5, padding });
    const kernel_1 = torch.Tensor([[[1., 1., -1., -1., -1.], [1., 1., 1., -1., -1.], [-1., 1., 1., 1., -1.], [-1., -1., 1., 1., 1.], [-1., -1., -1., 1., 1.]]]);
    const kernel_2 = torch.Tensor([[[-1., -1., -1., 1., 1.], [-1., -1., 1., 1., 1.], [-1., 1., 1., 1., -1.], [1., 1., 1., -1., -1.], [1., 1., -1., -1., -1.]]]);
    const kernel_3 = torch.Tensor([[[1., 1., -1., 1., 1.], [1., 1., 1., 1., 1.], [-1., 1., 1., 1., -1.], [1., 1., 1., 1., 1.], [1., 1., -1., 1., 1.]]]);
    const multiple_kernels = torch.stack([kernel_1, kernel_2, kernel_3], { dim: 0 });
    this.conv1.weight = new torch.nn.Parameter(multiple_kernels);
    this.conv1.bias = new torch.nn.Parameter(torch.Tensor([-4, -4, -12]));
    this.pool = new nn.MaxPool2d({ kernel_size: 2, stride });
  }
  forward(x: Tensor): Tensor {
    x = this.conv1(x);
    x = F.relu(x);
    return this.pool(x);
  }
}
class EMNIST_Net extends nn.Module {
  conv1 = new nn.Conv2d(1, 4, 3);
  conv2 = new nn.Conv2d(4, 8, 3);
  fc1 = new nn.Linear(8 * 4 * 4, 16);
  fc2 = new nn.Linear(16, 2);
  pool = new nn.MaxPool2d(2);
  forward(x: Tensor): Tensor {
    x = F.relu(this.conv1(x));
    x = F.relu(this.conv2(x));
    x = this.pool(x);
    x = torch.flatten(x, 1);
    x = F.relu(this.fc1(x));
    return this.fc2(x);
  }
}

describe("W2D2 convnets", () => {
  it("Net4: hand-set kernels, legacy torch.Tensor, Parameter assignment, and the learner's mistakes", () => {
    const net4 = new Net4();
    const img = torch.zeros(1, 1, 12, 12);
    for (let i = 0; i < 12; i++) {
      img.index_put_([0, 0, i, i], torch.tensor(1.0));
      img.index_put_([0, 0, i, 11 - i], torch.tensor(1.0));
    }
    const [o4, wshape, biasRepr, dt] = ref.w2d2.net4;
    expectT(net4(img), o4, 1e-6);
    expect([...net4.conv1.weight.shape]).toEqual(wshape);
    expect(String(net4.conv1.bias)).toBe(biasRepr);
    expect(String(torch.Tensor([-4, -4, -12]).dtype)).toBe(dt);
    const conv = new nn.Conv2d(1, 3, 5);
    expect(raised(() => { (conv as unknown as { weight: Tensor }).weight = torch.ones(3, 1, 5, 5); })).toEqual(ref.w2d2.assign_tensor_err);
    expect(raised(() => net4(torch.zeros(1, 3, 12, 12)))).toEqual(ref.w2d2.channels_err);
  });

  it("EMNIST_Net: parameter count and a few Adam steps", () => {
    torch.manual_seed(SEED);
    const emnist_net = new EMNIST_Net();
    expect(`Total Parameters in Network ${String(sumParams(emnist_net)).padStart(10)}`).toBe(ref.w2d2.emnist_params);
    const [Xe, ye] = images(3, 16, 1, 12, 12, 2);
    const opt = new optim.Adam(emnist_net.parameters(), { lr: 1e-2 });
    const crit = new nn.CrossEntropyLoss();
    const losses: number[] = [];
    for (let ep = 0; ep < 3; ep++) {
      for (let b = 0; b < 2; b++) {
        const xb = Xe.index(`${b * 8}:${(b + 1) * 8}`), yb = ye.index(`${b * 8}:${(b + 1) * 8}`);
        opt.zero_grad();
        const loss = crit(emnist_net(xb), yb);
        loss.backward();
        opt.step();
        losses.push(loss.item());
      }
    }
    expectNums(losses, ref.w2d2.emnist_losses, 1e-4);
    const bad = new nn.Linear(9216, 128);
    expect(raised(() => bad(torch.flatten(torch.zeros(2, 8, 4, 4), 1)))).toEqual(ref.w2d2.fc1_err);
  });
});

// ============================ W2D3 ============================
function get_parameter_count(network: nn.Module): number {
  let param_count = 0;
  for (const layer of network.parameters()) param_count += torch.numel(layer);
  return param_count;
}
class FullyConnectedNet extends nn.Module {
  fc1 = new nn.Linear(3 * 8 * 8, 32);
  fc2 = new nn.Linear(32, 10);
  forward(x: Tensor): Tensor {
    return this.fc2(F.relu(this.fc1(torch.flatten(x, 1))));
  }
}
class ConvNet extends nn.Module {
  conv1 = new nn.Conv2d(3, 8, { kernel_size: 3, padding: 1 });
  conv2 = new nn.Conv2d(8, 8, { kernel_size: 3, padding: 1, groups: 8 });
  conv3 = new nn.Conv2d(8, 16, { kernel_size: 1 });
  fc = new nn.Linear(16, 10);
  forward(x: Tensor): Tensor {
    x = F.relu(this.conv1(x));
    x = F.relu(this.conv3(this.conv2(x)));
    x = F.adaptive_avg_pool2d(x, [1, 1]);
    return this.fc(torch.flatten(x, 1));
  }
}

describe("W2D3 modern convnets", () => {
  it("get_parameter_count and predict_top5", () => {
    torch.manual_seed(SEED);
    const fccnet = new FullyConnectedNet();
    const convnet = new ConvNet();
    expect([`FCCN parameter count: ${get_parameter_count(fccnet)}`, `ConvNet parameter count: ${get_parameter_count(convnet)}`]).toEqual(ref.w2d3.param_counts);
    const [Xc] = images(4, 3, 3, 8, 8, 10);
    const [output, probs] = torch.no_grad(() => {
      const o = convnet(Xc);
      return [o, torch.nn.functional.softmax(o, { dim: 1 })];
    });
    const [, idcs] = output.topk(5, 1, true, true);
    const top5_idcs = idcs.t();
    const top5_probs = probs.index(torch.arange(3), top5_idcs);
    const [o, i5, p5] = ref.w2d3.top5;
    expectT(output, o, 1e-5);
    expectT(top5_idcs, i5, 0);
    expectT(top5_probs, p5, 1e-5);
  });
});

// ============================ W2D4 ============================
class LinearAutoEncoder extends nn.Module {
  enc_lin: nn.Linear;
  dec_lin: nn.Linear;
  constructor(x_dim: number, h_dim: number) {
    super();
    this.enc_lin = new nn.Linear(x_dim, h_dim);
    this.dec_lin = new nn.Linear(h_dim, x_dim);
  }
  encode(x: Tensor): Tensor { return this.enc_lin(x); }
  decode(h: Tensor): Tensor { return this.dec_lin(h); }
  forward(x: Tensor): Tensor {
    const flat_x = x.view(x.size(0), -1);
    return this.decode(this.encode(flat_x)).view(x.size());
  }
}
class BiasLayer extends nn.Module {
  bias: nn.Parameter;
  constructor(shape: number[]) {
    super();
    this.bias = new nn.Parameter(torch.zeros(shape), { requires_grad: true });
  }
  forward(x: Tensor): Tensor { return x.add(this.bias); }
}
function cout(x: number[], layer: nn.Conv2d): [number, number, number] {
  const first = (v: number | number[]) => (typeof v === "number" ? v : v[0]);
  const p = first(layer.padding as number | number[]), s = first(layer.stride), k = first(layer.kernel_size), d = first(layer.dilation);
  const [h, w] = x.slice(-2);
  return [layer.out_channels, Math.floor((h + 2 * p - d * (k - 1) - 1) / s) + 1, Math.floor((w + 2 * p - d * (k - 1) - 1) / s) + 1];
}
class ConvAutoEncoder extends nn.Module {
  enc_bias: BiasLayer; enc_conv_1: nn.Conv2d; enc_conv_2: nn.Conv2d; enc_flatten: nn.Flatten; enc_lin: nn.Linear;
  dec_lin: nn.Linear; dec_unflatten: nn.Unflatten; dec_deconv_1: nn.ConvTranspose2d; dec_deconv_2: nn.ConvTranspose2d; dec_bias: BiasLayer;
  constructor(x_dim: number[], h_dim: number, n_filters = 4, filter_size = 3) {
    super();
    const [channels] = x_dim;
    this.enc_bias = new BiasLayer(x_dim);
    this.enc_conv_1 = new nn.Conv2d(channels, n_filters, filter_size);
    const conv_1_shape = cout(x_dim, this.enc_conv_1);
    this.enc_conv_2 = new nn.Conv2d(n_filters, n_filters, filter_size);
    const conv_2_shape = cout(conv_1_shape, this.enc_conv_2);
    this.enc_flatten = new nn.Flatten();
    const flat_after_conv = conv_2_shape[0] * conv_2_shape[1] * conv_2_shape[2];
    this.enc_lin = new nn.Linear(flat_after_conv, h_dim);
    this.dec_lin = new nn.Linear(h_dim, flat_after_conv);
    this.dec_unflatten = new nn.Unflatten({ dim: -1, unflattened_size: conv_2_shape });
    this.dec_deconv_1 = new nn.ConvTranspose2d(n_filters, n_filters, filter_size);
    this.dec_deconv_2 = new nn.ConvTranspose2d(n_filters, channels, filter_size);
    this.dec_bias = new BiasLayer(x_dim);
  }
  encode(x: Tensor): Tensor {
    let s = this.enc_bias(x);
    s = F.relu(this.enc_conv_1(s));
    s = F.relu(this.enc_conv_2(s));
    return this.enc_lin(this.enc_flatten(s));
  }
  decode(h: Tensor): Tensor {
    let s = F.relu(this.dec_lin(h));
    s = this.dec_unflatten(s);
    s = F.relu(this.dec_deconv_1(s));
    return this.dec_bias(this.dec_deconv_2(s));
  }
  forward(x: Tensor): Tensor { return this.decode(this.encode(x)); }
}
function train_autoencoder(autoencoder: nn.Module, dataset: utils.data.TensorDataset, epochs = 2, batch_size = 4): number[] {
  const optim_ = new torch.optim.Adam(autoencoder.parameters(), { lr: 1e-3, weight_decay: 1e-5 });
  const loss_fn = new nn.MSELoss();
  const loader = new DataLoader(dataset, { batch_size, shuffle: false });
  const mse_loss = torch.zeros(Math.floor((epochs * dataset.__len__()) / batch_size));
  let i = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (const [im_batch] of loader) {
      const reconstruction = autoencoder(im_batch);
      // target= by keyword runs (the module call maps it to forward's parameter); the module's TypeScript signature has no options object
      const loss = loss_fn(reconstruction.view(batch_size, -1), { target: im_batch.view(batch_size, -1) } as never);
      optim_.zero_grad();
      loss.backward();
      optim_.step();
      mse_loss.index_put_([i], loss.detach());
      i += 1;
    }
  }
  return mse_loss.tolist() as number[];
}
const marginal_prob_std = (t: Tensor, sigma: number) => torch.sqrt(torch.pow(sigma, t.mul(2)).sub(1.0).div(2.0).div(Math.log(sigma)));
const diffusion_coeff = (t: Tensor, sigma: number) => torch.pow(sigma, t).to("cpu");
class ScoreNet extends nn.Module {
  conv = new nn.Conv2d(2, 1, 3, { padding: 1 });
  forward(x: Tensor, t: Tensor): Tensor {
    const tt = t.index(":", "None", "None", "None").expand(x.shape);
    return this.conv(torch.cat([x, tt], { dim: 1 }));
  }
}
function score_loss_fn(model: { forward(x: Tensor, t: Tensor): Tensor } & ((x: Tensor, t: Tensor) => Tensor), x: Tensor, mps: (t: Tensor) => Tensor, eps = 1e-3): Tensor {
  const random_t = torch.rand(x.shape[0], { device: "cpu" }).mul(1.0 - eps).add(eps);
  const std = mps(random_t).to("cpu");
  const z = torch.randn_like(x).to("cpu");
  const perturbed_x = x.add(z.mul(std.index(":", "None", "None", "None")));
  const score = model(perturbed_x, random_t);
  return torch.mean(torch.sum(score.mul(std.index(":", "None", "None", "None")).add(z).pow(2), { dim: [1, 2, 3] }));
}

describe("W2D4 generative models", () => {
  const [Xm, ym] = images(5, 8, 1, 10, 10, 10);
  const train_set = new TensorDataset(Xm, ym);
  const data_shape = [1, 10, 10];
  const K = 3;

  it("LinearAutoEncoder and ConvAutoEncoder trained by train_autoencoder", () => {
    torch.manual_seed(SEED);
    const lin_ae = new LinearAutoEncoder(100, K);
    expectNums(train_autoencoder(lin_ae, train_set), ref.w2d4.lin_losses, 1e-5);
    torch.manual_seed(SEED);
    const conv_ae = new ConvAutoEncoder(data_shape, K);
    const enc = conv_ae.encode(train_set.get(0)[0].unsqueeze(0));
    expect([enc.numel(), [...enc.shape], cout(data_shape, conv_ae.enc_conv_1)]).toEqual(ref.w2d4.conv_enc);
    expectNums(train_autoencoder(conv_ae, train_set), ref.w2d4.conv_losses, 1e-5);
    expect(String(conv_ae.dec_unflatten)).toBe(ref.w2d4.unflatten_repr);
    expect(String(conv_ae.enc_bias)).toBe(ref.w2d4.bias_repr);
  });

  it("marginal_prob_std / diffusion_coeff and the score-matching loss over three Adam steps", () => {
    const sigma = 25.0;
    const mps = (t: Tensor) => marginal_prob_std(t, sigma);
    const tt = torch.tensor([0.1, 0.5, 1.0]);
    expectT(mps(tt), ref.w2d4.sde[0], 1e-5);
    expectT(diffusion_coeff(tt, sigma), ref.w2d4.sde[1], 1e-5);
    torch.manual_seed(SEED);
    const snet = new ScoreNet();
    const opt = new torch.optim.Adam(snet.parameters(), { lr: 1e-3 });
    const sl: number[] = [];
    for (let i = 0; i < 3; i++) {
      const loss = score_loss_fn(snet, Xm.index("0:4"), mps);
      opt.zero_grad();
      loss.backward();
      opt.step();
      sl.push(loss.item());
    }
    expectNums(sl, ref.w2d4.score_losses, 1e-4);
  });
});

class GaussianFourierProjection extends nn.Module {
  W: nn.Parameter;
  constructor(embed_dim: number, scale = 30.0) {
    super();
    this.W = new nn.Parameter(torch.randn(Math.floor(embed_dim / 2)).mul(scale), { requires_grad: false });
  }
  forward(x: Tensor): Tensor {
    const x_proj = x.index(":", "None").mul(this.W.index("None", ":")).mul(2).mul(Math.PI);
    return torch.cat([torch.sin(x_proj), torch.cos(x_proj)], { dim: -1 });
  }
}
class Dense extends nn.Module {
  dense: nn.Linear;
  constructor(input_dim: number, output_dim: number) {
    super();
    this.dense = new nn.Linear(input_dim, output_dim);
  }
  forward(x: Tensor): Tensor {
    return this.dense(x).index("...", "None", "None");
  }
}
class UNet extends nn.Module {
  time_embed: nn.Sequential; conv1: nn.Conv2d; dense1: Dense; gnorm1: nn.GroupNorm; conv2: nn.Conv2d; dense2: Dense; gnorm2: nn.GroupNorm;
  tconv2: nn.ConvTranspose2d; dense7: Dense; tgnorm2: nn.GroupNorm; tconv1: nn.ConvTranspose2d;
  act: (x: Tensor) => Tensor;
  marginal_prob_std: (t: Tensor) => Tensor;
  constructor(marginal_prob_std: (t: Tensor) => Tensor, channels = [4, 8], embed_dim = 8) {
    super();
    this.time_embed = new nn.Sequential(new GaussianFourierProjection(embed_dim), new nn.Linear(embed_dim, embed_dim));
    this.conv1 = new nn.Conv2d(1, channels[0], 3, { stride: 1, bias: false });
    this.dense1 = new Dense(embed_dim, channels[0]);
    this.gnorm1 = new nn.GroupNorm(2, { num_channels: channels[0] });
    this.conv2 = new nn.Conv2d(channels[0], channels[1], 3, { stride: 2, bias: false });
    this.dense2 = new Dense(embed_dim, channels[1]);
    this.gnorm2 = new nn.GroupNorm(4, { num_channels: channels[1] });
    this.tconv2 = new nn.ConvTranspose2d(channels[1], channels[0], 3, { stride: 2, bias: false, output_padding: 1 });
    this.dense7 = new Dense(embed_dim, channels[0]);
    this.tgnorm2 = new nn.GroupNorm(2, { num_channels: channels[0] });
    this.tconv1 = new nn.ConvTranspose2d(channels[0] + channels[0], 1, 3, { stride: 1 });
    this.act = (x) => x.mul(torch.sigmoid(x));
    this.marginal_prob_std = marginal_prob_std;
  }
  forward(x: Tensor, t: Tensor): Tensor {
    const embed = this.act(this.time_embed(t));
    let h1 = this.conv1(x);
    h1 = h1.add(this.dense1(embed)); // h1 += self.dense1(embed)
    h1 = this.act(this.gnorm1(h1));
    let h2 = this.conv2(h1);
    h2 = h2.add(this.dense2(embed));
    h2 = this.act(this.gnorm2(h2));
    let h = this.tconv2(h2);
    h = h.add(this.dense7(embed));
    h = this.act(this.tgnorm2(h));
    h = this.tconv1(torch.cat([h, h1], { dim: 1 }));
    return h.div(this.marginal_prob_std(t).index(":", "None", "None", "None"));
  }
}

describe("W2D4 tutorial 3: the score UNet", () => {
  it("forward, the skip-connection size mistake, two Adam steps and Euler-Maruyama sampling", () => {
    const sigma = 25.0;
    const mps = (t: Tensor) => marginal_prob_std(t, sigma);
    torch.manual_seed(1);
    const unet = new UNet(mps);
    expect(raised(() => unet(torch.rand(2, 1, 11, 11), torch.tensor([0.3, 0.9])))).toEqual(ref.w2d4.unet_cat_err);
    const xu = torch.rand(2, 1, 12, 12);
    const [ou, nTrainable, unetRepr] = ref.w2d4.unet;
    expectT(unet(xu, torch.tensor([0.3, 0.9])), ou, 1e-4);
    expect(unet.parameters().filter((p) => p.requires_grad).reduce((n, p) => n + p.numel(), 0)).toBe(nTrainable);
    expect(String(unet)).toBe(unetRepr);
    const opt = new torch.optim.Adam(unet.parameters(), { lr: 1e-3 });
    const ul: number[] = [];
    for (let i = 0; i < 2; i++) {
      const loss = score_loss_fn(unet, xu, mps);
      opt.zero_grad();
      loss.backward();
      opt.step();
      ul.push(loss.item());
    }
    expectNums(ul, ref.w2d4.unet_losses, 1e-4);
    torch.manual_seed(2);
    const mean_x = torch.no_grad(() => {
      const bs = 2;
      const init_x = torch.randn(bs, 1, 12, 12).mul(mps(torch.ones(bs)).index(":", "None", "None", "None"));
      const time_steps = torch.linspace(1.0, 1e-3, 3);
      const step_size = time_steps.index(0).sub(time_steps.index(1));
      let x = init_x;
      let m = x;
      for (const time_step of time_steps) {
        const batch_time_step = torch.ones(bs).mul(time_step);
        const g = diffusion_coeff(batch_time_step, sigma);
        m = x.add(g.pow(2).index(":", "None", "None", "None").mul(unet(x, batch_time_step)).mul(step_size));
        x = m.add(torch.sqrt(step_size).mul(g.index(":", "None", "None", "None")).mul(torch.randn_like(x)));
      }
      return m;
    });
    expectT(mean_x, ref.w2d4.euler_maruyama, 1e-4);
  });
});

// ============================ W2D5 ============================
class DotProductAttention extends nn.Module {
  dropout: nn.Dropout;
  constructor(dropout: number) {
    super();
    this.dropout = new nn.Dropout(dropout);
  }
  calculate_score(queries: Tensor, keys: Tensor): Tensor {
    return torch.bmm(queries, keys.transpose(1, 2)).div(Math.sqrt(queries.shape[queries.shape.length - 1]));
  }
  forward(queries: Tensor, keys: Tensor, values: Tensor, b: number, h: number, t: number, k: number): Tensor {
    keys = keys.transpose(1, 2).contiguous().view(b * h, t, k);
    queries = queries.transpose(1, 2).contiguous().view(b * h, t, k);
    values = values.transpose(1, 2).contiguous().view(b * h, t, k);
    const score = this.calculate_score(queries, keys);
    const softmax_weights = F.softmax(score, { dim: 2 });
    let out = torch.bmm(this.dropout(softmax_weights), values).view(b, h, t, k);
    out = out.transpose(1, 2).contiguous().view(b, t, h * k);
    return out;
  }
}
class SelfAttention extends nn.Module {
  k: number; heads: number;
  to_keys: nn.Linear; to_queries: nn.Linear; to_values: nn.Linear; unify_heads: nn.Linear; attention: DotProductAttention;
  constructor(k: number, heads = 8, dropout = 0.1) {
    super();
    [this.k, this.heads] = [k, heads];
    this.to_keys = new nn.Linear(k, k * heads, { bias: false });
    this.to_queries = new nn.Linear(k, k * heads, { bias: false });
    this.to_values = new nn.Linear(k, k * heads, { bias: false });
    this.unify_heads = new nn.Linear(k * heads, k);
    this.attention = new DotProductAttention(dropout);
  }
  forward(x: Tensor): Tensor {
    const [b, t, k] = x.size();
    const h = this.heads;
    const queries = this.to_queries(x).view(b, t, h, k);
    const keys = this.to_keys(x).view(b, t, h, k);
    const values = this.to_values(x).view(b, t, h, k);
    return this.unify_heads(this.attention(queries, keys, values, b, h, t, k));
  }
}
class TransformerBlock extends nn.Module {
  attention: SelfAttention; norm_1: nn.LayerNorm; norm_2: nn.LayerNorm; mlp: nn.Sequential;
  constructor(k: number, heads: number) {
    super();
    this.attention = new SelfAttention(k, heads);
    this.norm_1 = new nn.LayerNorm(k);
    this.norm_2 = new nn.LayerNorm(k);
    const hidden_size = 2 * k;
    this.mlp = new nn.Sequential(new nn.Linear(k, hidden_size), new nn.ReLU(), new nn.Linear(hidden_size, k));
  }
  forward(x: Tensor): Tensor {
    const attended = this.attention(x);
    x = this.norm_1(attended.add(x));
    const feedforward = this.mlp(x);
    return this.norm_2(feedforward.add(x));
  }
}
class PositionalEncoding extends nn.Module {
  dropout: nn.Dropout;
  declare pe: Tensor;
  constructor(emb_size: number, dropout = 0.1, max_len = 512) {
    super();
    this.dropout = new nn.Dropout({ p: dropout });
    let pe = torch.zeros(max_len, emb_size);
    const position = torch.arange(0, max_len, { dtype: torch.float }).unsqueeze(1);
    const div_term = torch.exp(torch.arange(0, emb_size, 2).float().mul(-Math.log(10000.0) / emb_size));
    pe.index_put_([":", "0::2"], torch.sin(position.mul(div_term)));
    pe.index_put_([":", "1::2"], torch.cos(position.mul(div_term)));
    pe = pe.unsqueeze(0).transpose(0, 1);
    this.register_buffer("pe", pe);
  }
  forward(x: Tensor): Tensor {
    x = x.add(this.pe.index(`:${x.size(0)}`, ":"));
    return this.dropout(x);
  }
}
class Transformer extends nn.Module {
  k: number; num_tokens: number;
  token_embedding: nn.Embedding; pos_enc: PositionalEncoding; transformer_blocks: nn.Sequential; classification_head: nn.Linear;
  constructor(k: number, heads: number, depth: number, _seq_length: number, num_tokens: number, num_classes: number) {
    super();
    this.k = k;
    this.num_tokens = num_tokens;
    this.token_embedding = new nn.Embedding(num_tokens, k);
    this.pos_enc = new PositionalEncoding(k);
    const transformer_blocks: nn.Module[] = [];
    for (let i = 0; i < depth; i++) transformer_blocks.push(new TransformerBlock(k, heads));
    this.transformer_blocks = new nn.Sequential(...transformer_blocks);
    this.classification_head = new nn.Linear(k, num_classes);
  }
  forward(x: Tensor): Tensor {
    x = this.token_embedding(x).mul(Math.sqrt(this.k));
    x = this.pos_enc(x);
    x = this.transformer_blocks(x);
    const sequence_avg = x.mean({ dim: 1 });
    return F.log_softmax(this.classification_head(sequence_avg), { dim: 1 });
  }
}

describe("W2D5 attention and transformers", () => {
  it("SelfAttention, PositionalEncoding's buffer, nn.MultiheadAttention", () => {
    torch.manual_seed(SEED);
    const att = new SelfAttention(4, 2, 0.0);
    const xa = torch.randn(2, 3, 4);
    const oa = att(xa);
    expectT(oa, ref.w2d5.self_attention[0], 1e-5);
    const pe_mod = new PositionalEncoding(6, 0.0, 5);
    const [pe, peShape, bufNames, sdKeys] = ref.w2d5.pe;
    expectT(pe_mod.pe, pe, 1e-6);
    expect([...pe_mod.pe.shape]).toEqual(peShape);
    expect(pe_mod.named_buffers().map(([n]) => n)).toEqual(bufNames);
    expect(Object.keys(pe_mod.state_dict())).toEqual(sdKeys);
    const qq = torch.randn(2, 3, 2, 4);
    expect(raised(() => qq.transpose(1, 2).view(4, 3, 4))).toEqual(ref.w2d5.view_err);
    torch.manual_seed(SEED);
    const mha = new nn.MultiheadAttention(4, 2, { batch_first: true });
    const [mo, mw] = mha(xa, xa, xa);
    expectT(mo, ref.w2d5.mha[0], 1e-5);
    expectT(mw!, ref.w2d5.mha[1], 1e-5);
  });

  it("Transformer classifier: eval output, two train steps with dropout", () => {
    torch.manual_seed(SEED);
    const tmodel = new Transformer(4, 2, 2, 5, 11, 2);
    tmodel.eval();
    const toks = torch.randint(0, 11, [3, 5]);
    expectT(tmodel(toks), ref.w2d5.transformer_eval, 1e-5);
    tmodel.train();
    const opt = new torch.optim.Adam(tmodel.parameters(), { lr: 1e-2 });
    const ylab = torch.tensor([0, 1, 1], { dtype: torch.long });
    const tl: number[] = [];
    torch.manual_seed(7);
    for (let i = 0; i < 2; i++) {
      opt.zero_grad();
      const loss = F.nll_loss(tmodel(toks), ylab);
      loss.backward();
      opt.step();
      tl.push(loss.item());
    }
    expectNums(tl, ref.w2d5.transformer_losses, 1e-4);
    expect(tmodel.parameters().filter((p) => p.requires_grad).reduce((s, p) => s + p.numel(), 0)).toBe(ref.w2d5.n_params);
  });
});

// ============================ W3D1 ============================
class NeuralNet extends nn.Module {
  output_size: number; hidden_size: number; vocab_size: number; embedding_length: number;
  word_embeddings: nn.EmbeddingBag; fc1: nn.Linear; fc2: nn.Linear;
  constructor(output_size: number, hidden_size: number, vocab_size: number, embedding_length: number, word_embeddings: Tensor) {
    super();
    this.output_size = output_size;
    this.hidden_size = hidden_size;
    this.vocab_size = vocab_size;
    this.embedding_length = embedding_length;
    this.word_embeddings = nn.EmbeddingBag.from_pretrained(word_embeddings);
    (this.word_embeddings.weight as unknown as Record<string, unknown>).requiresGrad = false; // a typo in the tutorial: sets nothing
    this.fc1 = new nn.Linear(embedding_length, hidden_size);
    this.fc2 = new nn.Linear(hidden_size, output_size);
    this.init_weights();
  }
  init_weights(): void {
    const initrange = 0.5;
    this.fc1.weight.data.uniform_(-initrange, initrange);
    this.fc1.bias!.data.zero_();
    this.fc2.weight.data.uniform_(-initrange, initrange);
    this.fc2.bias!.data.zero_();
  }
  forward(inputs: Tensor, offsets: Tensor): Tensor {
    const embedded = this.word_embeddings(inputs, offsets);
    const x = F.relu(this.fc1(embedded));
    return F.log_softmax(this.fc2(x), { dim: 1 });
  }
}

describe("W3D1 NLP", () => {
  it("NeuralNet on EmbeddingBag.from_pretrained: frozen vectors, three Adam steps", () => {
    torch.manual_seed(SEED);
    const vectors = torch.randn(12, 5);
    const nlp = new NeuralNet(2, 6, 12, 5, vectors);
    const long = { dtype: torch.long };
    const text = torch.tensor([1, 4, 5, 2, 9, 3, 3, 7], long);
    const offsets = torch.tensor([0, 3, 5], long);
    const labels = torch.tensor([1, 0, 1], long);
    const opt = new torch.optim.Adam(nlp.parameters(), { lr: 0.01 });
    const nl: number[] = [];
    for (let i = 0; i < 3; i++) {
      opt.zero_grad();
      const loss = F.nll_loss(nlp(text, offsets), labels);
      loss.backward();
      opt.step();
      nl.push(loss.item());
    }
    const [losses, rg, same, names] = ref.w3d1.nlp;
    expectNums(nl, losses, 1e-5);
    expect([nlp.word_embeddings.weight.requires_grad, torch.equal(nlp.word_embeddings.weight, vectors)]).toEqual([rg, same]);
    expect(nlp.named_parameters().filter(([, p]) => p.requires_grad).map(([n]) => n)).toEqual(names);
  });
});

class NeuralNetPool extends nn.Module {
  word_embeddings: nn.Embedding; fc1: nn.Linear; fc2: nn.Linear;
  constructor(_batch_size: number, output_size: number, hidden_size: number, vocab_size: number, embedding_length: number, word_embeddings: Tensor) {
    super();
    this.word_embeddings = new nn.Embedding(vocab_size, embedding_length);
    this.word_embeddings.weight = new nn.Parameter(word_embeddings, { requires_grad: false });
    this.fc1 = new nn.Linear(embedding_length, hidden_size);
    this.fc2 = new nn.Linear(hidden_size, output_size);
  }
  forward(inputs: Tensor): Tensor {
    const input = this.word_embeddings(inputs);
    const pooled = F.avg_pool2d(input, [input.shape[1], 1]).squeeze(1);
    const x = F.relu(this.fc1(pooled));
    return F.log_softmax(this.fc2(x), { dim: 1 });
  }
}

describe("W3D1 NLP, the pooled NeuralNet", () => {
  it("nn.Embedding with a frozen nn.Parameter, F.avg_pool2d over the sequence", () => {
    torch.manual_seed(SEED);
    const vec2 = torch.randn(12, 5);
    const npool = new NeuralNetPool(2, 2, 6, 12, 5, vec2);
    const [out, names, trainable, embRepr] = ref.w3d1.nn_pool;
    expectT(npool(torch.tensor([[1, 4, 5], [2, 9, 3]], { dtype: torch.long })), out, 1e-5);
    expect(npool.named_parameters().map(([n]) => n)).toEqual(names);
    expect(npool.named_parameters().filter(([, p]) => p.requires_grad).map(([n]) => n)).toEqual(trainable);
    expect(String(npool.word_embeddings)).toBe(embRepr);
  });
});

// ============================ W3D3 ============================
function custom_torch_RSM_fct(features: Tensor): Tensor {
  const [num_items, num_features] = features.shape;
  const rsm = torch.nn.functional.cosine_similarity(features.reshape(1, num_items, num_features), features.reshape(num_items, 1, num_features), { dim: 2 });
  if (!(rsm.shape[0] === num_items && rsm.shape[1] === num_items)) throw new ValueError(`RSM should be of shape (${num_items}, ${num_items})`);
  return rsm;
}
function custom_simclr_contrastive_loss(proj_feat1: Tensor, proj_feat2: Tensor, temperature = 0.5): Tensor {
  const device = proj_feat1.device;
  if (proj_feat1.shape[0] !== proj_feat2.shape[0]) {
    throw new ValueError(`Batch dimension of proj_feat1 (${proj_feat1.shape[0]}) and proj_feat2 (${proj_feat2.shape[0]}) should be same`);
  }
  const batch_size = proj_feat1.shape[0];
  const z1 = torch.nn.functional.normalize(proj_feat1, { dim: 1 });
  const z2 = torch.nn.functional.normalize(proj_feat2, { dim: 1 });
  const proj_features = torch.cat([z1, z2], { dim: 0 });
  const similarity_matrix = torch.nn.functional.cosine_similarity(proj_features.unsqueeze(1), proj_features.unsqueeze(0), { dim: 2 });
  const pos_sample_indicators = torch.roll(torch.eye(2 * batch_size), batch_size, 1).to(device);
  const neg_sample_indicators = torch.ones(2 * batch_size).sub(torch.eye(2 * batch_size)).to(device);
  const numerator = torch.exp(similarity_matrix.div(temperature)).index(pos_sample_indicators.bool());
  let denominator = torch.sum(torch.exp(similarity_matrix.div(temperature)).mul(neg_sample_indicators), { dim: 1 });
  if (denominator.lt(1e-8).any().item()) denominator = torch.clamp(denominator, 1e-8);
  return torch.mean(torch.log(numerator.div(denominator)).neg());
}
class EncoderCore extends nn.Module {
  feature_extractor = new nn.Sequential(new nn.Conv2d(1, 2, 3, { stride: 2 }), new nn.BatchNorm2d(2), new nn.ReLU(), new nn.AvgPool2d(2));
  linear_projections = new nn.Linear(2 * 2 * 2, 8);
  forward(X: Tensor): Tensor {
    return this.linear_projections(torch.flatten(this.feature_extractor(X), 1));
  }
}

describe("W3D3 self-supervised learning", () => {
  it("custom_torch_RSM_fct and custom_simclr_contrastive_loss with its gradient", () => {
    torch.manual_seed(SEED);
    const feats = torch.randn(4, 6);
    expectT(custom_torch_RSM_fct(feats), ref.w3d3.rsm, 1e-5);
    const p1 = torch.randn([3, 5], { requires_grad: true });
    const p2 = torch.randn(3, 5);
    const cl = custom_simclr_contrastive_loss(p1, p2);
    cl.backward();
    expectNums([cl.item()], [ref.w3d3.simclr[0]], 1e-5);
    expectT(p1.grad!, ref.w3d3.simclr[1], 1e-5);
    expectT(torch.roll(torch.eye(4), 2, 1), ref.w3d3.pos_ind, 0);
    expect(raised(() => custom_simclr_contrastive_loss(torch.randn(3, 5), torch.randn(2, 5)))).toEqual(ref.w3d3.simclr_err);
  });

  it("a frozen encoder (requires_grad = false, BatchNorm still in train mode) under a classifier", () => {
    torch.manual_seed(SEED);
    const encoder = new EncoderCore();
    const classifier = new nn.Linear(8, 3);
    for (const param of encoder.parameters()) param.requires_grad = false;
    const [Xd, yd] = images(6, 6, 1, 10, 10, 3);
    const opt = new torch.optim.Adam(classifier.parameters(), { lr: 1e-2 });
    encoder.train();
    const fl: number[] = [];
    for (let i = 0; i < 3; i++) {
      opt.zero_grad();
      const f = torch.no_grad(() => encoder(Xd));
      const loss = F.cross_entropy(classifier(f), yd);
      loss.backward();
      opt.step();
      fl.push(loss.item());
    }
    const bn = encoder.feature_extractor.get(1) as nn.BatchNorm2d;
    expectNums(fl, ref.w3d3.frozen[0], 1e-5);
    expectT(bn.running_mean!, ref.w3d3.frozen[1] as TJ, 1e-5);
    expect(Number(bn.num_batches_tracked!.item())).toBe(ref.w3d3.frozen[2]);
  });
});

// ============================ W3D4 ============================
describe("W3D4 basic RL: the DQN agent's select_action and update", () => {
  beforeEach(() => forgetShownWarnings());
  it("epsilon-greedy action, TD targets from a deepcopy'd target network, gather, MSELoss's broadcast warning", () => {
    torch.manual_seed(SEED);
    const q_network = new nn.Sequential(new nn.Flatten(), new nn.Linear(2 * 3 * 3, 16), new nn.ReLU(), new nn.Linear(16, 4));
    const target_network = copy.deepcopy(q_network);
    const optimizer = new torch.optim.Adam(q_network.parameters(), { lr: 5e-4 });
    const mse = new nn.MSELoss();
    const obs = torch.rand(2, 3, 3);
    const q_values = q_network(obs.unsqueeze(0)).squeeze(0);
    const action = q_values.argmax({ axis: -1 } as never);
    const random_action = torch.randint({ low: 0, high: 4, size: [1], dtype: torch.int64 } as never).squeeze();
    const [qv, greedy, rand] = ref.w3d4.select;
    expectT(q_values, qv, 1e-5);
    expect([action.item(), random_action.item()]).toEqual([greedy, rand]);
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const losses: number[] = [];
    for (let step = 1; step < 5; step++) {
      const s_ = torch.rand(3, 2, 3, 3);
      const a_ = torch.randint(0, 4, [3]);
      const r_ = torch.rand(3);
      const d_ = torch.full([3], 0.9);
      const next_s = torch.rand(3, 2, 3, 3);
      const target_q_value = torch.no_grad(() => {
        const q_next_s = target_network(next_s);
        const max_q_next_s = q_next_s.max({ axis: -1 } as never)[0];
        return r_.add(d_.mul(max_q_next_s));
      });
      const q_s = q_network(s_);
      const q_s_a = q_s.gather(1, a_.view(-1, 1)).squeeze(0);
      const loss = mse(target_q_value, q_s_a);
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
      if (step % 2 === 0) target_network.load_state_dict(q_network.state_dict());
      losses.push(loss.detach().item());
    }
    const msgs = warn.mock.calls.map((c) => String(c[0]).replace(/^UserWarning: /, ""));
    warn.mockRestore();
    const [dl, firstWarning, targetBias, qBias] = ref.w3d4.dqn;
    expectNums(losses, dl, 1e-5);
    expect(msgs[0]).toBe(firstWarning);
    expectT((target_network.get(3) as nn.Linear).bias!, targetBias, 1e-5);
    expectT((q_network.get(3) as nn.Linear).bias!, qBias, 1e-5);
  });
});
