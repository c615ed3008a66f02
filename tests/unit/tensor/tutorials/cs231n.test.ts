/**
 * Stanford CS231n, assignment 2's PyTorch.ipynb (cs231n.github.io, assignments/2024/assignment2_colab.zip),
 * translated as a learner would, with the TODOs filled in the usual way: part II barebones PyTorch
 * (flatten, two_layer_fc, three_layer_convnet with F.conv2d, random_weight's Kaiming scaling and
 * zero_weight, check_accuracy_part2, train_part2's manual SGD under torch.no_grad), part III the
 * nn.Module API (TwoLayerFC, ThreeLayerConvNet with nn.init.kaiming_normal_ / zeros_,
 * check_accuracy_part34, train_part34 with optim.SGD), part IV the nn.Sequential API (a Flatten
 * module; optim.SGD with momentum=0.9, nesterov=True). CIFAR-10 is replaced by a small seeded
 * CIFAR-shaped set (3 x 16 x 16), loaded as the notebook does through DataLoader with
 * sampler.SubsetRandomSampler(range(NUM_TRAIN)). Losses, accuracy counts and parameters after the
 * seeded runs are compared with torch 1.13 (scripts/fixtures/cs231n_fixtures.py).
 *
 * Python forms a learner rewrites: w -= lr * w.grad -> w.sub_(w.grad.mul(lr)) inside torch.no_grad,
 * num_correct += (preds == y).sum() -> a number via .item(), range(a, b) -> an index array,
 * X[i, k] += v -> X.index(i, k).add_(v), loader.dataset.train (the printed split name) is left out.
 */
import { describe, expect, it } from "vitest";
import { F, nn, optim, torch, utils, type Tensor } from "../../../../lib/tensor/index";
import { tutorialFixture } from "./helpers";

type TJ = { shape: number[]; data: number[] };
type Log = Array<[number, number, [number, number, number]]>;
const ref = tutorialFixture<{
  flatten: number[][];
  random_weight_35: TJ;
  part2_fc: { log: Log; w2: TJ };
  part2_conv: { log: Log; conv_b1: TJ; conv_w2_00: TJ };
  part3_fc: { log: Log; fc2_b: TJ };
  part3_conv: { log: Log; conv1_w_00: TJ };
  part4_fc: { log: Log; last_b: TJ };
  part4_conv: { log: Log; test: [number, number, number] };
}>("cs231n.json");

function expectT(actual: Tensor, expected: TJ, tol: number): void {
  expect(actual.shape).toEqual(expected.shape);
  const a = actual.detach().reshape(-1).tolist() as number[];
  a.forEach((v, i) => expect(Math.abs(v - expected.data[i]), `at ${i}: ${v} vs ${expected.data[i]}`).toBeLessThanOrEqual(tol));
}
function expectLog(actual: Log, expected: Log, tol: number): void {
  expect(actual.map(([t, , acc]) => [t, acc])).toEqual(expected.map(([t, , acc]) => [t, acc]));
  actual.forEach(([, loss], i) => expect(Math.abs(loss - expected[i][1]), `loss ${i}: ${loss} vs ${expected[i][1]}`).toBeLessThanOrEqual(tol));
}

const dtype = torch.float32;
const device = torch.device("cpu");
const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);

torch.manual_seed(0);
const [N, H, W] = [48, 16, 16];
const X_all = torch.randn(N, 3, H, W);
const y_all = torch.randint(0, 10, [N]);
for (let i = 0; i < N; i++) {
  const k = y_all.index(i).item();
  X_all.index(i, k % 3).add_(0.5 + 0.1 * k);
}
const dataset = new utils.data.TensorDataset(X_all, y_all);
const NUM_TRAIN = 32;

function loaders() {
  torch.manual_seed(1);
  const loader_train = new utils.data.DataLoader(dataset, { batch_size: 8, sampler: new utils.data.SubsetRandomSampler(range(0, NUM_TRAIN)) });
  const loader_val = new utils.data.DataLoader(dataset, { batch_size: 8, sampler: new utils.data.SubsetRandomSampler(range(NUM_TRAIN, N)) });
  return [loader_train, loader_val] as const;
}
type Loader = ReturnType<typeof loaders>[0];

function flatten(x: Tensor): Tensor {
  const N = x.shape[0]; // read in N, C, H, W
  return x.view(N, -1); // "flatten" the C * H * W values into a single vector per image
}

function two_layer_fc(x: Tensor, params: Tensor[]): Tensor {
  x = flatten(x);
  const [w1, w2] = params;
  x = F.relu(x.mm(w1));
  return x.mm(w2);
}

function three_layer_convnet(x: Tensor, params: Tensor[]): Tensor {
  const [conv_w1, conv_b1, conv_w2, conv_b2, fc_w, fc_b] = params;
  x = F.relu(F.conv2d(x, conv_w1, conv_b1, { padding: 2 }));
  x = F.relu(F.conv2d(x, conv_w2, conv_b2, { padding: 1 }));
  return flatten(x).mm(fc_w).add(fc_b);
}

function random_weight(shape: number[]): Tensor {
  const fan_in = shape.length === 2 ? shape[0] : shape.slice(1).reduce((a, b) => a * b, 1);
  const w = torch.randn(shape, { device, dtype }).mul(Math.sqrt(2 / fan_in));
  w.requires_grad = true;
  return w;
}
function zero_weight(shape: number[] | number): Tensor {
  return torch.zeros(shape, { device, dtype, requires_grad: true });
}

function check_accuracy_part2(loader: Loader, model_fn: (x: Tensor, p: Tensor[]) => Tensor, params: Tensor[]): [number, number, number] {
  let num_correct = 0, num_samples = 0;
  torch.no_grad(() => {
    for (let [x, y] of loader) {
      x = x.to({ device, dtype });
      y = y.to({ device, dtype: torch.int64 });
      const scores = model_fn(x, params);
      const [, preds] = scores.max(1);
      num_correct += preds.eq(y).sum().item();
      num_samples += preds.size(0);
    }
  });
  return [num_correct, num_samples, num_correct / num_samples];
}

function train_part2(model_fn: (x: Tensor, p: Tensor[]) => Tensor, params: Tensor[], learning_rate: number, loader_train: Loader, loader_val: Loader, print_every = 2): Log {
  const log: Log = [];
  let t = 0;
  for (let [x, y] of loader_train) {
    x = x.to({ device, dtype });
    y = y.to({ device, dtype: torch.long });
    const scores = model_fn(x, params);
    const loss = F.cross_entropy(scores, y);
    loss.backward();
    torch.no_grad(() => {
      for (const w of params) {
        w.sub_(w.grad!.mul(learning_rate));
        w.grad!.zero_();
      }
    });
    if (t % print_every === 0) log.push([t, loss.item(), check_accuracy_part2(loader_val, model_fn, params)]);
    t++;
  }
  return log;
}

class TwoLayerFC extends nn.Module {
  fc1: nn.Linear;
  fc2: nn.Linear;
  constructor(input_size: number, hidden_size: number, num_classes: number) {
    super();
    this.fc1 = new nn.Linear(input_size, hidden_size);
    nn.init.kaiming_normal_(this.fc1.weight);
    this.fc2 = new nn.Linear(hidden_size, num_classes);
    nn.init.kaiming_normal_(this.fc2.weight);
  }
  forward(x: Tensor): Tensor {
    x = flatten(x);
    return this.fc2(F.relu(this.fc1(x)));
  }
}

class ThreeLayerConvNet extends nn.Module {
  conv1: nn.Conv2d;
  conv2: nn.Conv2d;
  fc: nn.Linear;
  constructor(in_channel: number, channel_1: number, channel_2: number, num_classes: number) {
    super();
    this.conv1 = new nn.Conv2d(in_channel, channel_1, { kernel_size: 5, padding: 2 });
    nn.init.kaiming_normal_(this.conv1.weight);
    nn.init.zeros_(this.conv1.bias!);
    this.conv2 = new nn.Conv2d(channel_1, channel_2, { kernel_size: 3, padding: 1 });
    nn.init.kaiming_normal_(this.conv2.weight);
    nn.init.zeros_(this.conv2.bias!);
    this.fc = new nn.Linear(channel_2 * H * W, num_classes);
    nn.init.kaiming_normal_(this.fc.weight);
    nn.init.zeros_(this.fc.bias!);
  }
  forward(x: Tensor): Tensor {
    x = F.relu(this.conv1(x));
    x = F.relu(this.conv2(x));
    return this.fc(flatten(x));
  }
}

function check_accuracy_part34(loader: Loader, model: nn.Module): [number, number, number] {
  let num_correct = 0, num_samples = 0;
  model.eval(); // set model to evaluation mode
  torch.no_grad(() => {
    for (let [x, y] of loader) {
      x = x.to({ device, dtype });
      y = y.to({ device, dtype: torch.long });
      const scores = model(x) as Tensor;
      const [, preds] = scores.max(1);
      num_correct += preds.eq(y).sum().item();
      num_samples += preds.size(0);
    }
  });
  return [num_correct, num_samples, num_correct / num_samples];
}

function train_part34(model: nn.Module, optimizer: optim.Optimizer, loader_train: Loader, loader_val: Loader, epochs = 1, print_every = 2): Log {
  const log: Log = [];
  model = model.to({ device });
  for (let e = 0; e < epochs; e++) {
    let t = 0;
    for (let [x, y] of loader_train) {
      model.train();
      x = x.to({ device, dtype });
      y = y.to({ device, dtype: torch.long });
      const scores = model(x) as Tensor;
      const loss = F.cross_entropy(scores, y);
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
      if (t % print_every === 0) log.push([t, loss.item(), check_accuracy_part34(loader_val, model)]);
      t++;
    }
  }
  return log;
}

class Flatten extends nn.Module {
  forward(x: Tensor): Tensor {
    return flatten(x);
  }
}

describe("CS231n PyTorch.ipynb part II: barebones PyTorch", () => {
  it("flatten, two_layer_fc / three_layer_convnet shape tests, random_weight((3, 5)) after a seed", () => {
    expect(flatten(torch.arange(12).view(2, 1, 3, 2)).tolist()).toEqual(ref.flatten);
    const x = torch.zeros([64, 50], { dtype });
    expect(two_layer_fc(x, [torch.zeros([50, 42], { dtype }), torch.zeros([42, 10], { dtype })]).size()).toEqual([64, 10]);
    const xc = torch.zeros([4, 3, 32, 32], { dtype });
    const params = [torch.zeros([6, 3, 5, 5], { dtype }), torch.zeros([6]), torch.zeros([9, 6, 3, 3], { dtype }), torch.zeros([9]), torch.zeros([9 * 32 * 32, 10]), torch.zeros(10)];
    expect(three_layer_convnet(xc, params).size()).toEqual([4, 10]);
    torch.manual_seed(0);
    const w = random_weight([3, 5]);
    expectT(w, ref.random_weight_35, 1e-6);
    expect(w.type()).toBe("torch.FloatTensor");
    expect(w.requires_grad).toBe(true);
  });

  it("train_part2(two_layer_fc) for two epochs and train_part2(three_layer_convnet): torch's losses and accuracy counts", () => {
    let [loader_train, loader_val] = loaders();
    torch.manual_seed(2);
    const w1 = random_weight([3 * H * W, 40]);
    const w2 = random_weight([40, 10]);
    const logs: Log = [];
    for (let epoch = 0; epoch < 2; epoch++) logs.push(...train_part2(two_layer_fc, [w1, w2], 1e-2, loader_train, loader_val));
    expectLog(logs, ref.part2_fc.log, 1e-4);
    expectT(w2, ref.part2_fc.w2, 1e-5);

    [loader_train, loader_val] = loaders();
    torch.manual_seed(3);
    const [channel_1, channel_2] = [6, 4];
    const conv_w1 = random_weight([channel_1, 3, 5, 5]);
    const conv_b1 = zero_weight([channel_1]);
    const conv_w2 = random_weight([channel_2, channel_1, 3, 3]);
    const conv_b2 = zero_weight([channel_2]);
    const fc_w = random_weight([channel_2 * H * W, 10]);
    const fc_b = zero_weight(10);
    const params = [conv_w1, conv_b1, conv_w2, conv_b2, fc_w, fc_b];
    expectLog(train_part2(three_layer_convnet, params, 3e-3, loader_train, loader_val), ref.part2_conv.log, 1e-4);
    expectT(conv_b1, ref.part2_conv.conv_b1, 1e-6);
    expectT(conv_w2.index(0, 0), ref.part2_conv.conv_w2_00, 1e-6);
  });
});

describe("CS231n PyTorch.ipynb part III: the nn.Module API", () => {
  it("TwoLayerFC with kaiming_normal_ and optim.SGD, two epochs; ThreeLayerConvNet one epoch: torch's losses", () => {
    expect(new TwoLayerFC(50, 42, 10)(torch.zeros([64, 50], { dtype })).size()).toEqual([64, 10]);
    expect(new ThreeLayerConvNet(3, 12, 8, 10)(torch.zeros([2, 3, H, W], { dtype })).size()).toEqual([2, 10]);
    let [loader_train, loader_val] = loaders();
    torch.manual_seed(4);
    let model: nn.Module = new TwoLayerFC(3 * H * W, 40, 10);
    let optimizer = new optim.SGD(model.parameters(), { lr: 1e-2 });
    expectLog(train_part34(model, optimizer, loader_train, loader_val, 2), ref.part3_fc.log, 1e-4);
    expectT((model as TwoLayerFC).fc2.bias!, ref.part3_fc.fc2_b, 1e-5);

    [loader_train, loader_val] = loaders();
    torch.manual_seed(5);
    model = new ThreeLayerConvNet(3, 6, 4, 10);
    optimizer = new optim.SGD(model.parameters(), { lr: 3e-3 });
    expectLog(train_part34(model, optimizer, loader_train, loader_val), ref.part3_conv.log, 1e-4);
    expectT((model as ThreeLayerConvNet).conv1.weight.index(0, 0), ref.part3_conv.conv1_w_00, 1e-5);
  });
});

describe("CS231n PyTorch.ipynb part IV: the nn.Sequential API", () => {
  it("Sequential(Flatten(), Linear, ReLU, Linear) and a Sequential convnet with SGD(momentum=0.9, nesterov=True): torch's losses", () => {
    let [loader_train, loader_val] = loaders();
    torch.manual_seed(6);
    let model = new nn.Sequential(new Flatten(), new nn.Linear(3 * H * W, 40), new nn.ReLU(), new nn.Linear(40, 10));
    let optimizer = new optim.SGD(model.parameters(), { lr: 1e-2, momentum: 0.9, nesterov: true });
    expectLog(train_part34(model, optimizer, loader_train, loader_val, 2), ref.part4_fc.log, 1e-4);
    expectT((model.get(3) as nn.Linear).bias!, ref.part4_fc.last_b, 1e-5);

    [loader_train, loader_val] = loaders();
    torch.manual_seed(7);
    model = new nn.Sequential(
      new nn.Conv2d(3, 6, 5, { padding: 2 }), new nn.ReLU(),
      new nn.Conv2d(6, 4, 3, { padding: 1 }), new nn.ReLU(),
      new Flatten(), new nn.Linear(4 * H * W, 10),
    );
    optimizer = new optim.SGD(model.parameters(), { lr: 1e-2, momentum: 0.9, nesterov: true });
    expectLog(train_part34(model, optimizer, loader_train, loader_val), ref.part4_conv.log, 1e-4);
    const best_model = model;
    expect(check_accuracy_part34(new utils.data.DataLoader(dataset, { batch_size: 8 }), best_model)).toEqual(ref.part4_conv.test);
  });
});
