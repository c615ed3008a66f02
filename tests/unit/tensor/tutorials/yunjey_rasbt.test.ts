/**
 * A cold probe of two tutorial sources, translated as a learner would:
 *  - yunjey/pytorch-tutorial: 01-basics (pytorch_basics, linear_regression, logistic_regression,
 *    feedforward_neural_network), 02-intermediate (convolutional_neural_network, deep_residual_network,
 *    recurrent_neural_network, bidirectional_recurrent_neural_network, language_model with data_utils'
 *    Dictionary / Corpus), 03-advanced (generative_adversarial_network, variational_autoencoder);
 *  - rasbt/machine-learning-book, the PyTorch chapters: ch12 (tensors, TensorDataset, DataLoader, linear
 *    regression by hand and with nn, an Iris-style MLP), ch13 (autograd, Sequential, XOR with ModuleList,
 *    NoisyLinear, an auto-mpg-style regression with bucketize / one_hot), ch14 (convolution by hand,
 *    losses, the MNIST and smile CNNs built with add_module, Subset(ds, torch.arange(n))), ch15 (RNN by
 *    hand, the sentiment LSTM with pack_padded_sequence, the char-level LSTM with Categorical sampling),
 *    ch16 (self-attention by hand).
 * MNIST / CIFAR-10 / CelebA / IMDb / The Mysterious Island are small seeded stand-ins (images() below,
 * inline reviews and text); epochs and some sizes are cut. Values are compared with torch 1.13 running
 * the same code (scripts/fixtures/yunjey_rasbt_fixtures.py -> tests/fixtures/torch/tutorials/yunjey_rasbt.json).
 *
 * Python forms written otherwise: `x += y` / `w -= g * lr` on tensors -> add_ / sub_ (under torch.no_grad),
 * `acc += t.sum()` starting from 0 -> torch.add(t.sum(), acc), x[i] = v -> x.index_put_([i], v),
 * `with torch.no_grad():` -> torch.no_grad(() => ...), numpy arrays -> tensors or JS arrays,
 * torch.tensor([1, 2]) is float32 here (labels say { dtype: torch.int64 }), print(...) -> String(...).
 * Not translated: torchvision datasets / transforms / save_image, the pretrained resnet18 of
 * pytorch_basics, matplotlib, yunjey's `data_iter.next()` (a Python 2 spelling torch 1.13 no longer has:
 * next(data_iter) is data_iter.next().value here).
 */
import { describe, expect, it } from "vitest";
import { F, nn, optim, torch, utils, type Tensor } from "../../../../lib/tensor/index";
import { thrown, tutorialFixture } from "./helpers";

type TJ = { shape: number[]; data: number[] };
const ref = tutorialFixture<Record<string, any>>("yunjey_rasbt.json"); // eslint-disable-line @typescript-eslint/no-explicit-any

const { DataLoader, TensorDataset, Dataset } = utils.data;
const device = torch.device(torch.cuda.is_available() ? "cuda" : "cpu");
const long = { dtype: torch.int64 };

function expectT(actual: Tensor, expected: TJ, tol: number): void {
  expect(actual.shape).toEqual(expected.shape);
  const a = actual.detach().reshape(-1).tolist() as number[];
  a.forEach((v, i) => expect(Math.abs(v - expected.data[i]), `at ${i}: ${v} vs ${expected.data[i]}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(expected.data[i]))));
}
function expectNums(actual: readonly number[], expected: readonly number[], tol: number): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((v, i) => expect(Math.abs(v - expected[i]), `at ${i}: ${v} vs ${expected[i]}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(expected[i]))));
}

/** The stand-in image set: uniform pixels, class k brightens row (2k) % h (the fixture script's images()). */
function images(seed: number, n: number, c: number, h: number, w: number, classes = 10): [Tensor, Tensor] {
  const g = new torch.Generator().manual_seed(seed);
  const x = torch.rand([n, c, h, w], { generator: g }).mul(0.5);
  const y = torch.randint(0, classes, [n], { generator: g });
  for (let i = 0; i < n; i++) {
    const k = y.index(i).item();
    x.index(i, null, (2 * k) % h).add_(0.5);
  }
  return [x, y];
}

// ======================================= yunjey/pytorch-tutorial =======================================
describe("yunjey/pytorch-tutorial 01-basics", () => {
  it("pytorch_basics: autograd examples 1 and 2, the input pipeline, save and load", () => {
    // 1. Basic autograd example 1
    const x = torch.tensor(1., { requires_grad: true });
    const w = torch.tensor(2., { requires_grad: true });
    const b = torch.tensor(3., { requires_grad: true });
    const y = w.mul(x).add(b); // y = 2 * x + 3
    y.backward();
    expect([String(x.grad), String(w.grad), String(b.grad)]).toEqual(["tensor(2.)", "tensor(1.)", "tensor(1.)"]);

    // 2. Basic autograd example 2
    torch.manual_seed(0);
    const x2 = torch.randn(10, 3);
    const y2 = torch.randn(10, 2);
    const linear = new nn.Linear(3, 2);
    expect(String(linear.weight).startsWith("Parameter containing:\ntensor([[")).toBe(true);
    const criterion = new nn.MSELoss();
    const optimizer = new optim.SGD(linear.parameters(), { lr: 0.01 });
    let pred = linear(x2);
    let loss = criterion(pred, y2);
    const r = ref.basics_autograd2;
    expectNums([loss.item()], [r.loss], 1e-6);
    loss.backward();
    expectT(linear.weight.grad!, r.wgrad, 1e-6);
    expectT(linear.bias!.grad!, r.bgrad, 1e-6);
    optimizer.step();
    pred = linear(x2);
    loss = criterion(pred, y2);
    expectNums([loss.item()], [r.loss_after], 1e-6);

    // 4. Input pipeline (a TensorDataset in place of CIFAR-10)
    torch.manual_seed(0);
    const [xs, ys] = images(1, 10, 3, 4, 4);
    const train_dataset = new TensorDataset(xs, ys);
    const [image, label] = train_dataset.__getitem__(0);
    expect([image.size(), label.item()]).toEqual([[3, 4, 4], ys.index(0).item()]);
    const train_loader = new DataLoader({ dataset: train_dataset, batch_size: 4, shuffle: true });
    const data_iter = train_loader[Symbol.iterator]();
    const [, labels] = data_iter.next().value as Tensor[];
    expect(labels.tolist()).toEqual(ref.basics_pipeline.first_labels);
    expect([...train_loader].map(([, l]) => l.tolist())).toEqual(ref.basics_pipeline.batches);

    // 5. Input pipeline for custom dataset: the template's __len__ returns 0, and a shuffled loader refuses it as torch does
    class CustomDataset extends Dataset<unknown> {
      __getitem__(): unknown { return undefined; }
      __len__(): number { return 0; }
    }
    expect(thrown(() => new DataLoader({ dataset: new CustomDataset(), batch_size: 64, shuffle: true }))).toEqual(["ValueError", "num_samples should be a positive integer value, but got num_samples=0"]);

    // 7. Save and load the model (the whole module, then only its parameters)
    torch.save(linear, "model.ckpt");
    const model = torch.load("model.ckpt") as nn.Linear;
    expect(model(x2).equal(linear(x2))).toBe(true);
    torch.save(linear.state_dict(), "params.ckpt");
    const fresh = new nn.Linear(3, 2);
    fresh.load_state_dict(torch.load("params.ckpt") as Record<string, Tensor>);
    expect(fresh.weight.equal(linear.weight)).toBe(true);
  });

  it("linear_regression: nn.Linear, MSELoss, SGD on the toy dataset for 60 epochs", () => {
    const x_train = torch.tensor([[3.3], [4.4], [5.5], [6.71], [6.93], [4.168], [9.779], [6.182], [7.59], [2.167], [7.042], [10.791], [5.313], [7.997], [3.1]], { dtype: torch.float32 });
    const y_train = torch.tensor([[1.7], [2.76], [2.09], [3.19], [1.694], [1.573], [3.366], [2.596], [2.53], [1.221], [2.827], [3.465], [1.65], [2.904], [1.3]], { dtype: torch.float32 });
    torch.manual_seed(0);
    const model = new nn.Linear(1, 1);
    const criterion = new nn.MSELoss();
    const optimizer = new optim.SGD(model.parameters(), { lr: 0.001 });
    const log: number[] = [];
    for (let epoch = 0; epoch < 60; epoch++) {
      const outputs = model(x_train);
      const loss = criterion(outputs, y_train);
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
      if ((epoch + 1) % 5 === 0) log.push(loss.item());
    }
    expectNums(log, ref.linreg.log, 1e-5);
    expectT(model(x_train).detach(), ref.linreg.predicted, 1e-5);
    torch.save(model.state_dict(), "model.ckpt");
  });
});

function mnist_loaders(seed: number) {
  const [xtr, ytr] = images(seed, 60, 1, 28, 28);
  const [xte, yte] = images(seed + 100, 20, 1, 28, 28);
  const train_loader = new DataLoader({ dataset: new TensorDataset(xtr, ytr), batch_size: 20, shuffle: true });
  const test_loader = new DataLoader({ dataset: new TensorDataset(xte, yte), batch_size: 20, shuffle: false });
  return [train_loader, test_loader] as const;
}
type Loader = ReturnType<typeof mnist_loaders>[0];

/** The tutorials' train loop and test loop (torch.max(outputs.data, 1), correct += (predicted == labels).sum().item()). */
function run_classifier(model: nn.Module, optimizer: optim.Optimizer, reshape: (im: Tensor) => Tensor, epochs: number, train_loader: Loader, test_loader: Loader, evaluate = true) {
  const criterion = new nn.CrossEntropyLoss();
  const log: number[] = [];
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let [images, labels] of train_loader) {
      images = reshape(images);
      labels = labels.to(device);
      const outputs = model(images) as Tensor;
      const loss = criterion(outputs, labels);
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
      log.push(loss.item());
    }
  }
  if (evaluate) model.eval();
  let correct = 0;
  let total = 0;
  let outputs!: Tensor;
  torch.no_grad(() => {
    for (const [batch, labels] of test_loader) {
      const images = reshape(batch);
      outputs = model(images) as Tensor;
      const [, predicted] = torch.max(outputs.data, 1);
      total += labels.size(0);
      correct += predicted.eq(labels).sum().item();
    }
  });
  return { log, correct, total, outputs };
}

describe("yunjey/pytorch-tutorial 01-basics: classifiers", () => {
  it("logistic_regression: nn.Linear(784, 10), CrossEntropyLoss, SGD; accuracy as a tensor", () => {
    torch.manual_seed(0);
    const [tl, te] = mnist_loaders(10);
    const input_size = 28 * 28;
    const model = new nn.Linear(input_size, 10);
    const optimizer = new optim.SGD(model.parameters(), { lr: 0.001 });
    const r = run_classifier(model, optimizer, (im) => im.reshape(-1, input_size), 2, tl, te, false);
    expectNums(r.log, ref.logreg.log, 1e-5);
    expect([r.correct, r.total]).toEqual([ref.logreg.correct, ref.logreg.total]);
    expectNums([model.weight.sum().item()], [ref.logreg.weight_sum], 1e-4);
    // logistic_regression keeps correct a tensor: 100 * correct / total
    const correct = torch.tensor(r.correct, long);
    expect(String(correct.mul(100).div(r.total))).toBe(String(torch.tensor((100 * ref.logreg.correct) / ref.logreg.total)));
  });

  it("feedforward_neural_network: NeuralNet(784, 500, 10).to(device), Adam", () => {
    class NeuralNet extends nn.Module {
      fc1: nn.Linear;
      relu: nn.ReLU;
      fc2: nn.Linear;
      constructor(input_size: number, hidden_size: number, num_classes: number) {
        super();
        this.fc1 = new nn.Linear(input_size, hidden_size);
        this.relu = new nn.ReLU();
        this.fc2 = new nn.Linear(hidden_size, num_classes);
      }
      forward(x: Tensor): Tensor {
        let out = this.fc1(x);
        out = this.relu(out);
        out = this.fc2(out);
        return out;
      }
    }
    torch.manual_seed(0);
    const [tl, te] = mnist_loaders(20);
    const model = new NeuralNet(784, 500, 10).to(device);
    const optimizer = new optim.Adam(model.parameters(), { lr: 0.001 });
    const r = run_classifier(model, optimizer, (im) => im.reshape(-1, 28 * 28).to(device), 2, tl, te, false);
    expectNums(r.log, ref.ffnn.log, 1e-5);
    expect(r.correct).toBe(ref.ffnn.correct);
    expectT(r.outputs.index(":3"), ref.ffnn.outputs, 1e-4);
  });
});

// ---- 02-intermediate ----
class ConvNet extends nn.Module {
  layer1: nn.Sequential;
  layer2: nn.Sequential;
  fc: nn.Linear;
  constructor(num_classes = 10) {
    super();
    this.layer1 = new nn.Sequential(
      new nn.Conv2d(1, 16, { kernel_size: 5, stride: 1, padding: 2 }),
      new nn.BatchNorm2d(16),
      new nn.ReLU(),
      new nn.MaxPool2d({ kernel_size: 2, stride: 2 }));
    this.layer2 = new nn.Sequential(
      new nn.Conv2d(16, 32, { kernel_size: 5, stride: 1, padding: 2 }),
      new nn.BatchNorm2d(32),
      new nn.ReLU(),
      new nn.MaxPool2d({ kernel_size: 2, stride: 2 }));
    this.fc = new nn.Linear(7 * 7 * 32, num_classes);
  }
  forward(x: Tensor): Tensor {
    let out = this.layer1(x);
    out = this.layer2(out);
    out = out.reshape(out.size(0), -1);
    return this.fc(out);
  }
}

function conv3x3(in_channels: number, out_channels: number, stride = 1): nn.Conv2d {
  return new nn.Conv2d(in_channels, out_channels, { kernel_size: 3, stride, padding: 1, bias: false });
}

class ResidualBlock extends nn.Module {
  conv1: nn.Conv2d;
  bn1: nn.BatchNorm2d;
  relu: nn.ReLU;
  conv2: nn.Conv2d;
  bn2: nn.BatchNorm2d;
  downsample: nn.Sequential | null;
  constructor(in_channels: number, out_channels: number, stride = 1, downsample: nn.Sequential | null = null) {
    super();
    this.conv1 = conv3x3(in_channels, out_channels, stride);
    this.bn1 = new nn.BatchNorm2d(out_channels);
    this.relu = new nn.ReLU({ inplace: true });
    this.conv2 = conv3x3(out_channels, out_channels);
    this.bn2 = new nn.BatchNorm2d(out_channels);
    this.downsample = downsample;
  }
  forward(x: Tensor): Tensor {
    let residual = x;
    let out = this.conv1(x);
    out = this.bn1(out);
    out = this.relu(out);
    out = this.conv2(out);
    out = this.bn2(out);
    if (this.downsample) residual = this.downsample(x);
    out.add_(residual); // out += residual
    out = this.relu(out);
    return out;
  }
}

class ResNet extends nn.Module {
  in_channels: number;
  conv: nn.Conv2d;
  bn: nn.BatchNorm2d;
  relu: nn.ReLU;
  layer1: nn.Sequential;
  layer2: nn.Sequential;
  layer3: nn.Sequential;
  avg_pool: nn.AvgPool2d;
  fc: nn.Linear;
  constructor(block: typeof ResidualBlock, layers: number[], num_classes = 10) {
    super();
    this.in_channels = 16;
    this.conv = conv3x3(3, 16);
    this.bn = new nn.BatchNorm2d(16);
    this.relu = new nn.ReLU({ inplace: true });
    this.layer1 = this.make_layer(block, 16, layers[0]);
    this.layer2 = this.make_layer(block, 32, layers[1], 2);
    this.layer3 = this.make_layer(block, 64, layers[2], 2);
    this.avg_pool = new nn.AvgPool2d(8);
    this.fc = new nn.Linear(64, num_classes);
  }
  make_layer(block: typeof ResidualBlock, out_channels: number, blocks: number, stride = 1): nn.Sequential {
    let downsample: nn.Sequential | null = null;
    if (stride !== 1 || this.in_channels !== out_channels) {
      downsample = new nn.Sequential(conv3x3(this.in_channels, out_channels, stride), new nn.BatchNorm2d(out_channels));
    }
    const layers: nn.Module[] = [];
    layers.push(new block(this.in_channels, out_channels, stride, downsample));
    this.in_channels = out_channels;
    for (let i = 1; i < blocks; i++) layers.push(new block(out_channels, out_channels));
    return new nn.Sequential(...layers);
  }
  forward(x: Tensor): Tensor {
    let out = this.conv(x);
    out = this.bn(out);
    out = this.relu(out);
    out = this.layer1(out);
    out = this.layer2(out);
    out = this.layer3(out);
    out = this.avg_pool(out);
    out = out.view(out.size(0), -1);
    return this.fc(out);
  }
}

class RNN extends nn.Module {
  hidden_size: number;
  num_layers: number;
  lstm: nn.LSTM;
  fc: nn.Linear;
  constructor(input_size: number, hidden_size: number, num_layers: number, num_classes: number) {
    super();
    this.hidden_size = hidden_size;
    this.num_layers = num_layers;
    this.lstm = new nn.LSTM(input_size, hidden_size, num_layers, { batch_first: true });
    this.fc = new nn.Linear(hidden_size, num_classes);
  }
  forward(x: Tensor): Tensor {
    const h0 = torch.zeros(this.num_layers, x.size(0), this.hidden_size).to(device);
    const c0 = torch.zeros(this.num_layers, x.size(0), this.hidden_size).to(device);
    const [out] = this.lstm(x, [h0, c0]);
    return this.fc(out.index(null, -1, null));
  }
}

class BiRNN extends nn.Module {
  hidden_size: number;
  num_layers: number;
  lstm: nn.LSTM;
  fc: nn.Linear;
  constructor(input_size: number, hidden_size: number, num_layers: number, num_classes: number) {
    super();
    this.hidden_size = hidden_size;
    this.num_layers = num_layers;
    this.lstm = new nn.LSTM(input_size, hidden_size, num_layers, { batch_first: true, bidirectional: true });
    this.fc = new nn.Linear(hidden_size * 2, num_classes); // 2 for bidirection
  }
  forward(x: Tensor): Tensor {
    const h0 = torch.zeros(this.num_layers * 2, x.size(0), this.hidden_size).to(device);
    const c0 = torch.zeros(this.num_layers * 2, x.size(0), this.hidden_size).to(device);
    const [out] = this.lstm(x, [h0, c0]);
    return this.fc(out.index(null, -1, null));
  }
}

describe("yunjey/pytorch-tutorial 02-intermediate", () => {
  it("convolutional_neural_network: ConvNet with BatchNorm2d, Adam, eval mode test", () => {
    torch.manual_seed(0);
    const [tl, te] = mnist_loaders(30);
    const model = new ConvNet(10).to(device);
    const optimizer = new optim.Adam(model.parameters(), { lr: 0.001 });
    const r = run_classifier(model, optimizer, (im) => im.to(device), 1, tl, te);
    expectNums(r.log, ref.cnn.log, 1e-5);
    expect(r.correct).toBe(ref.cnn.correct);
    // The convolutions' biases feed a BatchNorm, so their true gradient is 0 and what each gets is
    // float32 rounding noise, which Adam's first steps turn into +-lr moves either way (in torch as
    // here, with other noise). The biases, and through them the running means and the eval-mode logits,
    // differ from torch's by up to ~lr * steps; the losses and the accuracy do not see them.
    expectT(r.outputs.index(":2"), ref.cnn.outputs, 5e-3);
    expectT((model.layer1.get(1) as nn.BatchNorm2d).running_mean!, ref.cnn.running_mean, 1e-3);
  });

  it("deep_residual_network: ResNet(ResidualBlock, [2, 2, 2]) with out += residual, update_lr over param_groups", () => {
    torch.manual_seed(0);
    const [xr, yr] = images(40, 8, 3, 32, 32);
    const [xre] = images(41, 4, 3, 32, 32);
    const train_loader = new DataLoader({ dataset: new TensorDataset(xr, yr), batch_size: 4, shuffle: true });
    const model = new ResNet(ResidualBlock, [2, 2, 2]).to(device);
    const criterion = new nn.CrossEntropyLoss();
    const optimizer = new optim.Adam(model.parameters(), { lr: 0.001 });
    const update_lr = (optimizer: optim.Adam, lr: number) => {
      for (const param_group of optimizer.param_groups) param_group["lr"] = lr;
    };
    let curr_lr = 0.001;
    const log: number[] = [];
    for (let epoch = 0; epoch < 2; epoch++) {
      for (const [images, labels] of train_loader) {
        const outputs = model(images);
        const loss = criterion(outputs, labels);
        optimizer.zero_grad();
        loss.backward();
        optimizer.step();
        log.push(loss.item());
      }
      curr_lr /= 3;
      update_lr(optimizer, curr_lr);
    }
    expectNums(log, ref.resnet.log, 1e-4);
    expect(optimizer.param_groups[0].lr).toBeCloseTo(ref.resnet.lr, 15);
    expect([...model.parameters()].reduce((s, p) => s + p.numel(), 0)).toBe(ref.resnet.n_params);
    model.eval();
    const outputs = torch.no_grad(() => model(xre));
    expectT(outputs, ref.resnet.outputs, 2e-4);
  });

  it("recurrent_neural_network and bidirectional: 2-layer LSTM many-to-one classifiers", () => {
    for (const [name, Cls, lr] of [["rnn", RNN, 0.01], ["birnn", BiRNN, 0.003]] as const) {
      torch.manual_seed(0);
      const [tl, te] = mnist_loaders(50);
      const model = new Cls(28, 32, 2, 10).to(device);
      const optimizer = new optim.Adam(model.parameters(), { lr });
      const r = run_classifier(model, optimizer, (im) => im.reshape(-1, 28, 28).to(device), 1, tl, te, name === "rnn");
      expectNums(r.log, ref[name].log, 1e-5);
      expect(r.correct).toBe(ref[name].correct);
      expectT(r.outputs.index(":2"), ref[name].outputs, 1e-4);
    }
  });

  it("language_model: data_utils' Dictionary / Corpus, RNNLM with truncated BPTT and clip_grad_norm_, multinomial sampling", () => {
    const LM_TEXT = [
      " the cat sat on the mat ",
      " the dog sat on the log ",
      " a cat and a dog met on the mat ",
      " the end of the story is near ",
      " the cat ran and the dog sat ",
      " on the log the cat met a dog ",
    ];
    class Dictionary {
      word2idx: Record<string, number> = {};
      idx2word: Record<number, string> = {};
      idx = 0;
      add_word(word: string): void {
        if (!(word in this.word2idx)) {
          this.word2idx[word] = this.idx;
          this.idx2word[this.idx] = word;
          this.idx += 1;
        }
      }
      __len__(): number {
        return Object.keys(this.word2idx).length;
      }
    }
    class Corpus {
      dictionary = new Dictionary();
      get_data(lines: string[], batch_size = 20): Tensor {
        let tokens = 0;
        for (const line of lines) {
          const words = [...line.split(/\s+/).filter((s) => s), "<eos>"];
          tokens += words.length;
          for (const word of words) this.dictionary.add_word(word);
        }
        let ids = torch.LongTensor(tokens);
        let token = 0;
        for (const line of lines) {
          const words = [...line.split(/\s+/).filter((s) => s), "<eos>"];
          for (const word of words) {
            ids.index_put_([token], this.dictionary.word2idx[word]);
            token += 1;
          }
        }
        const num_batches = Math.floor(ids.size(0) / batch_size);
        ids = ids.index(`:${num_batches * batch_size}`);
        return ids.view(batch_size, -1);
      }
    }
    class RNNLM extends nn.Module {
      embed: nn.Embedding;
      lstm: nn.LSTM;
      linear: nn.Linear;
      constructor(vocab_size: number, embed_size: number, hidden_size: number, num_layers: number) {
        super();
        this.embed = new nn.Embedding(vocab_size, embed_size);
        this.lstm = new nn.LSTM(embed_size, hidden_size, num_layers, { batch_first: true });
        this.linear = new nn.Linear(hidden_size, vocab_size);
      }
      forward(x: Tensor, h: [Tensor, Tensor]): [Tensor, [Tensor, Tensor]] {
        x = this.embed(x);
        const [out0, [hn, c]] = this.lstm(x, h);
        const out = out0.reshape(out0.size(0) * out0.size(1), out0.size(2));
        return [this.linear(out), [hn, c]];
      }
    }
    const detach = (states: Tensor[]) => states.map((state) => state.detach()) as [Tensor, Tensor];

    const [embed_size, hidden_size, num_layers, batch_size, seq_length] = [8, 16, 1, 4, 3];
    const corpus = new Corpus();
    const ids = corpus.get_data(LM_TEXT, batch_size);
    const vocab_size = corpus.dictionary.__len__();
    const r = ref.lm;
    expect(ids.tolist()).toEqual(r.ids);
    expect(vocab_size).toBe(r.vocab_size);
    expect(Array.from({ length: vocab_size }, (_, i) => corpus.dictionary.idx2word[i])).toEqual(r.idx2word);

    torch.manual_seed(0);
    const model = new RNNLM(vocab_size, embed_size, hidden_size, num_layers).to(device);
    const criterion = new nn.CrossEntropyLoss();
    const optimizer = new optim.Adam(model.parameters(), { lr: 0.002 });
    const log: number[] = [];
    const norms: number[] = [];
    for (let epoch = 0; epoch < 2; epoch++) {
      let states: [Tensor, Tensor] = [torch.zeros(num_layers, batch_size, hidden_size).to(device), torch.zeros(num_layers, batch_size, hidden_size).to(device)];
      for (let i = 0; i < ids.size(1) - seq_length; i += seq_length) {
        const inputs = ids.index(null, `${i}:${i + seq_length}`).to(device);
        const targets = ids.index(null, `${i + 1}:${i + 1 + seq_length}`).to(device);
        states = detach(states);
        let outputs: Tensor;
        [outputs, states] = model(inputs, states);
        const loss = criterion(outputs, targets.reshape(-1));
        optimizer.zero_grad();
        loss.backward();
        norms.push(nn.utils.clip_grad_norm_(model.parameters(), 0.5).item());
        optimizer.step();
        log.push(loss.item());
      }
    }
    expectNums(log, r.log, 1e-5);
    expectNums(norms, r.norms, 1e-4);

    const words: string[] = [];
    torch.no_grad(() => {
      let state: [Tensor, Tensor] = [torch.zeros(num_layers, 1, hidden_size).to(device), torch.zeros(num_layers, 1, hidden_size).to(device)];
      let prob = torch.ones(vocab_size);
      const input = torch.multinomial(prob, { num_samples: 1 }).unsqueeze(1).to(device);
      for (let i = 0; i < 12; i++) {
        let output: Tensor;
        [output, state] = model(input, state);
        prob = output.exp();
        const word_id = torch.multinomial(prob, { num_samples: 1 }).item();
        input.fill_(word_id);
        const word = corpus.dictionary.idx2word[word_id];
        words.push(word === "<eos>" ? "\n" : word + " ");
      }
    });
    expect(words.join("")).toBe(r.sample);
    torch.save(model.state_dict(), "model.ckpt");
  });
});

describe("yunjey/pytorch-tutorial 03-advanced", () => {
  it("generative_adversarial_network: D and G as Sequentials, BCELoss, two Adams, reset_grad, denorm", () => {
    const [latent_size, hidden_size, image_size, batch_size] = [64, 256, 784, 10];
    torch.manual_seed(0);
    let D = new nn.Sequential(
      new nn.Linear(image_size, hidden_size), new nn.LeakyReLU(0.2),
      new nn.Linear(hidden_size, hidden_size), new nn.LeakyReLU(0.2),
      new nn.Linear(hidden_size, 1), new nn.Sigmoid());
    let G = new nn.Sequential(
      new nn.Linear(latent_size, hidden_size), new nn.ReLU(),
      new nn.Linear(hidden_size, hidden_size), new nn.ReLU(),
      new nn.Linear(hidden_size, image_size), new nn.Tanh());
    D = D.to(device);
    G = G.to(device);
    const criterion = new nn.BCELoss();
    const d_optimizer = new optim.Adam(D.parameters(), { lr: 0.0002 });
    const g_optimizer = new optim.Adam(G.parameters(), { lr: 0.0002 });
    const denorm = (x: Tensor) => x.add(1).div(2).clamp(0, 1);
    const reset_grad = () => {
      d_optimizer.zero_grad();
      g_optimizer.zero_grad();
    };
    const [xg, yg] = images(60, 20, 1, 28, 28);
    // transforms.Normalize(mean=[0.5], std=[0.5])
    const data_loader = new DataLoader({ dataset: new TensorDataset(xg.sub(0.5).div(0.5), yg), batch_size, shuffle: true });
    const log: number[][] = [];
    let fake_images!: Tensor;
    for (let epoch = 0; epoch < 2; epoch++) {
      for (let [images] of data_loader) {
        images = images.reshape(batch_size, -1).to(device);
        const real_labels = torch.ones(batch_size, 1).to(device);
        const fake_labels = torch.zeros(batch_size, 1).to(device);
        let outputs = D(images);
        const d_loss_real = criterion(outputs, real_labels);
        const real_score = outputs;
        let z = torch.randn(batch_size, latent_size).to(device);
        fake_images = G(z);
        outputs = D(fake_images);
        const d_loss_fake = criterion(outputs, fake_labels);
        const fake_score = outputs;
        const d_loss = d_loss_real.add(d_loss_fake);
        reset_grad();
        d_loss.backward();
        d_optimizer.step();
        z = torch.randn(batch_size, latent_size).to(device);
        fake_images = G(z);
        outputs = D(fake_images);
        const g_loss = criterion(outputs, real_labels);
        reset_grad();
        g_loss.backward();
        g_optimizer.step();
        log.push([d_loss.item(), g_loss.item(), real_score.mean().item(), fake_score.mean().item()]);
      }
    }
    expectNums(log.flat(), (ref.gan.log as number[][]).flat(), 1e-5);
    fake_images = fake_images.reshape(fake_images.size(0), 1, 28, 28);
    expectNums([denorm(fake_images).sum().item()], [ref.gan.denorm_sum], 1e-5);
  });

  it("variational_autoencoder: reparameterize with randn_like, F.binary_cross_entropy(size_average=False) + KL", () => {
    class VAE extends nn.Module {
      fc1: nn.Linear;
      fc2: nn.Linear;
      fc3: nn.Linear;
      fc4: nn.Linear;
      fc5: nn.Linear;
      constructor(image_size = 784, h_dim = 400, z_dim = 20) {
        super();
        this.fc1 = new nn.Linear(image_size, h_dim);
        this.fc2 = new nn.Linear(h_dim, z_dim);
        this.fc3 = new nn.Linear(h_dim, z_dim);
        this.fc4 = new nn.Linear(z_dim, h_dim);
        this.fc5 = new nn.Linear(h_dim, image_size);
      }
      encode(x: Tensor): [Tensor, Tensor] {
        const h = F.relu(this.fc1(x));
        return [this.fc2(h), this.fc3(h)];
      }
      reparameterize(mu: Tensor, log_var: Tensor): Tensor {
        const std = torch.exp(log_var.div(2));
        const eps = torch.randn_like(std);
        return mu.add(eps.mul(std));
      }
      decode(z: Tensor): Tensor {
        const h = F.relu(this.fc4(z));
        return F.sigmoid(this.fc5(h));
      }
      forward(x: Tensor): [Tensor, Tensor, Tensor] {
        const [mu, log_var] = this.encode(x);
        const z = this.reparameterize(mu, log_var);
        const x_reconst = this.decode(z);
        return [x_reconst, mu, log_var];
      }
    }
    const image_size = 784;
    torch.manual_seed(0);
    const model = new VAE().to(device);
    const optimizer = new optim.Adam(model.parameters(), { lr: 1e-3 });
    const [xv, yv] = images(70, 32, 1, 28, 28);
    const data_loader = new DataLoader({ dataset: new TensorDataset(xv, yv), batch_size: 16, shuffle: true });
    const log: number[][] = [];
    let x!: Tensor;
    for (let epoch = 0; epoch < 2; epoch++) {
      for (const [batch] of data_loader) {
        x = batch.to(device).view(-1, image_size);
        const [x_reconst, mu, log_var] = model(x);
        const reconst_loss = F.binary_cross_entropy(x_reconst, x, { size_average: false });
        const kl_div = torch.sum(log_var.add(1).sub(mu.pow(2)).sub(log_var.exp())).mul(-0.5);
        const loss = reconst_loss.add(kl_div);
        optimizer.zero_grad();
        loss.backward();
        optimizer.step();
        log.push([reconst_loss.item(), kl_div.item()]);
      }
    }
    expectNums(log.flat(), (ref.vae.log as number[][]).flat(), 1e-5);
    torch.no_grad(() => {
      const z = torch.randn(4, 20).to(device);
      let out = model.decode(z).view(-1, 1, 28, 28);
      expectNums([out.sum().item()], [ref.vae.sampled_sum], 1e-5);
      [out] = model(x);
      const x_concat = torch.cat([x.view(-1, 1, 28, 28), out.view(-1, 1, 28, 28)], { dim: 3 });
      expect(x_concat.shape).toEqual(ref.vae.concat_shape);
      expectNums([x_concat.sum().item()], [ref.vae.concat_sum], 1e-5);
    });
  });
});

describe("the deprecated size_average / reduce pair (the VAE's F.binary_cross_entropy(..., size_average=False))", () => {
  it("decides the reduction of each fused loss, functional and module, as torch 1.13's legacy_get_string", () => {
    torch.manual_seed(5);
    const p = torch.rand(3, 4);
    const t = torch.rand(3, 4);
    const logits = torch.randn(3, 4);
    const cls = torch.tensor([0, 3, 1], long);
    const cases = { sa_false: { size_average: false }, reduce_false: { reduce: false }, sa_true: { size_average: true }, both_false: { size_average: false, reduce: false } };
    for (const [tag, kw] of Object.entries(cases)) {
      const r = ref.legacy_reduction[tag];
      expectT(F.binary_cross_entropy(p, t, kw), r.bce, 1e-6);
      expectT(F.binary_cross_entropy_with_logits(logits, t, kw), r.bce_logits, 1e-6);
      expectT(F.mse_loss(p, t, kw), r.mse, 1e-6);
      expectT(F.l1_loss(p, t, kw), r.l1, 1e-6);
      expectT(F.nll_loss(F.log_softmax(logits, 1), cls, kw), r.nll, 1e-6);
      expectT(F.cross_entropy(logits, cls, kw), r.ce, 1e-6);
      expect([new nn.MSELoss(kw).reduction, new nn.BCELoss(kw).reduction, new nn.CrossEntropyLoss(kw).reduction]).toEqual([r.MSELoss, r.BCELoss, r.CrossEntropyLoss]);
    }
    // positional: BCELoss(weight, size_average), NLLLoss(weight, size_average, ignore_index, reduce), L1Loss(size_average)
    const lp = ref.legacy_positional;
    expect([new nn.BCELoss(null, false).reduction, new nn.NLLLoss(null, null, -100, false).reduction, new nn.L1Loss(false).reduction]).toEqual([lp.BCELoss, lp.NLLLoss, lp.L1Loss]);
    expect(new nn.BCELoss(null, false)(p, t).item()).toBeCloseTo(ref.legacy_reduction.sa_false.bce.data[0], 4);
  });
});
