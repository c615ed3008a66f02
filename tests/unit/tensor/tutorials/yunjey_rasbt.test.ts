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
import { F, nn, optim, torch, torchvision, utils, type Tensor } from "../../../../lib/tensor/index";
import { thrown, tutorialFixture, expectNums, expectT } from "./helpers";

const ref = tutorialFixture<Record<string, any>>("yunjey_rasbt.json"); // eslint-disable-line @typescript-eslint/no-explicit-any

const { DataLoader, TensorDataset, Dataset } = utils.data;
const device = torch.device(torch.cuda.is_available() ? "cuda" : "cpu");
const long = { dtype: torch.int64 };


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

// ======================================= rasbt/machine-learning-book =======================================
describe("rasbt ch12: tensors, TensorDataset and DataLoader, models", () => {
  it("part 1: creating and manipulating tensors, split / stack / concatenate, DataLoader over a tensor and a joint dataset", () => {
    const t_a = torch.tensor([1, 2, 3], long);
    expect([torch.is_tensor([1, 2, 3]), torch.is_tensor(t_a)]).toEqual([false, true]);
    expect(String(torch.ones(2, 3))).toBe("tensor([[1., 1., 1.],\n        [1., 1., 1.]])");
    expect(String(t_a.to(torch.int64).dtype)).toBe("torch.int64");
    expect(torch.transpose(torch.rand(3, 5), 0, 1).shape).toEqual([5, 3]);
    expect(torch.zeros(30).reshape(5, 6).shape).toEqual([5, 6]);
    expect(torch.squeeze(torch.zeros(1, 2, 1, 4, 1), 2).shape).toEqual([1, 2, 4, 1]);

    torch.manual_seed(1);
    const t1 = torch.rand(5, 2).mul(2).sub(1);
    const t2 = torch.normal({ mean: 0, std: 1, size: [5, 2] });
    const t3 = torch.multiply(t1, t2);
    const r = ref.ch12_tensors;
    expect(String(t3)).toBe(r.print_t3);
    expectT(t3, r.t3, 1e-6);
    expectT(torch.mean(t1, { axis: 0 }), r.t4, 1e-6);
    expectT(torch.matmul(t1, torch.transpose(t2, 0, 1)), r.t5, 1e-6);
    expectT(torch.matmul(torch.transpose(t1, 0, 1), t2), r.t6, 1e-6);
    expectT(torch.linalg.norm(t1, { ord: 2, dim: 1 }), r.norm_t1, 1e-6);

    torch.manual_seed(1);
    torch.chunk(torch.rand(6), 3).forEach((c, i) => expectT(c, r.chunks[i], 0));
    torch.manual_seed(1);
    torch.split(torch.rand(5), { split_size_or_sections: [3, 2] }).forEach((c, i) => expectT(c, r.splits[i], 0));
    expect(String(torch.cat([torch.ones(3), torch.zeros(2)], { axis: 0 }))).toBe("tensor([1., 1., 1., 0., 0.])");
    expect(String(torch.stack([torch.ones(3), torch.zeros(3)], { axis: 1 }))).toBe("tensor([[1., 0.],\n        [1., 0.],\n        [1., 0.]])");

    const t = torch.arange(6, { dtype: torch.float32 });
    expect([...new DataLoader(t)].map(String)).toEqual(["tensor([0.])", "tensor([1.])", "tensor([2.])", "tensor([3.])", "tensor([4.])", "tensor([5.])"]);
    expect([...new DataLoader(t, { batch_size: 3, drop_last: false })].map(String)).toEqual(["tensor([0., 1., 2.])", "tensor([3., 4., 5.])"]);

    class JointDataset extends Dataset<[Tensor, Tensor]> {
      constructor(public x: Tensor, public y: Tensor) {
        super();
      }
      __len__(): number {
        return this.x.shape[0];
      }
      __getitem__(idx: number): [Tensor, Tensor] {
        return [this.x.index(idx), this.y.index(idx)];
      }
    }
    torch.manual_seed(1);
    const t_x = torch.rand([4, 3], { dtype: torch.float32 });
    const t_y = torch.arange(4);
    let joint_dataset: utils.data.Dataset<Tensor[]> = new JointDataset(t_x, t_y);
    expect([...joint_dataset].map((example) => example[1].item())).toEqual([0, 1, 2, 3]);
    joint_dataset = new TensorDataset(t_x, t_y); // Or use TensorDataset directly
    expect([...joint_dataset].map((example) => example[1].item())).toEqual([0, 1, 2, 3]);
    torch.manual_seed(1);
    const data_loader = new DataLoader({ dataset: joint_dataset, batch_size: 2, shuffle: true });
    const epochs: number[][][] = [];
    for (let epoch = 0; epoch < 2; epoch++) epochs.push([...data_loader].map((batch) => batch[1].tolist() as number[]));
    expect(epochs).toEqual(r.epochs);
  });

  it("part 2: linear regression by hand (weight -= weight.grad * lr under no_grad) and with nn.Linear + SGD", () => {
    const X_train = torch.arange(10, { dtype: torch.float32 }).reshape(10, 1);
    const y_train = torch.tensor([1.0, 1.3, 3.1, 2.0, 5.0, 6.3, 6.6, 7.4, 8.0, 9.0], { dtype: torch.float32 });
    // (X_train - np.mean(X_train)) / np.std(X_train): numpy's std is the population one
    const X_train_norm = X_train.sub(torch.mean(X_train)).div(torch.std(X_train, { unbiased: false }));
    const train_ds = new TensorDataset(X_train_norm, y_train.float());
    const train_dl = new DataLoader(train_ds, 1, true);
    torch.manual_seed(1);
    const weight = torch.randn(1);
    weight.requires_grad_();
    const bias = torch.zeros(1, { requires_grad: true });
    const loss_fn = (input: Tensor, target: Tensor) => input.sub(target).pow(2).mean();
    const model = (xb: Tensor) => xb.matmul(weight).add(bias);
    const learning_rate = 0.001;
    const num_epochs = 20;
    const log: number[] = [];
    let loss!: Tensor;
    for (let epoch = 0; epoch < num_epochs; epoch++) {
      for (const [x_batch, y_batch] of train_dl) {
        const pred = model(x_batch);
        loss = loss_fn(pred, y_batch);
        loss.backward();
        torch.no_grad(() => {
          weight.sub_(weight.grad!.mul(learning_rate));
          bias.sub_(bias.grad!.mul(learning_rate));
          weight.grad!.zero_();
          bias.grad!.zero_();
        });
      }
      if (epoch % 5 === 0) log.push(loss.item());
    }
    const r = ref.ch12_linreg;
    expectNums(log, r.manual.log, 1e-5);
    expectNums([weight.item(), bias.item()], [r.manual.weight, r.manual.bias], 1e-5);

    const lin = new nn.Linear(1, 1);
    const mse = new nn.MSELoss({ reduction: "mean" });
    const optimizer = new optim.SGD(lin.parameters(), { lr: learning_rate });
    const log2: number[] = [];
    for (let epoch = 0; epoch < num_epochs; epoch++) {
      for (const [x_batch, y_batch] of train_dl) {
        const pred = lin(x_batch).index(null, 0);
        loss = mse(pred, y_batch);
        loss.backward();
        optimizer.step();
        optimizer.zero_grad();
      }
      if (epoch % 5 === 0) log2.push(loss.item());
    }
    expectNums(log2, r.log, 1e-5);
    expectNums([lin.weight.item(), lin.bias!.item()], [r.weight, r.bias], 1e-5);
  });

  it("part 2: the Iris MLP (nn.Sigmoid()(x), nn.Softmax(dim=1)(x) into CrossEntropyLoss), histories, test accuracy, save and reload", () => {
    const g = new torch.Generator().manual_seed(7);
    const centers = torch.tensor([[5.0, 3.4, 1.5, 0.2], [5.9, 2.8, 4.3, 1.3], [6.6, 3.0, 5.5, 2.0]], { dtype: torch.float64 });
    const iris_y = torch.randint(0, 3, [60], { generator: g });
    const iris_X = centers.index(iris_y).add(torch.randn([60, 4], { generator: g, dtype: torch.float64 }).mul(0.3));
    const [X_train, X_test, y_train, y_test] = [iris_X.index(":45"), iris_X.index("45:"), iris_y.index(":45"), iris_y.index("45:")];
    const X_train_norm = X_train.sub(torch.mean(X_train)).div(torch.std(X_train, { unbiased: false })).float();
    const train_ds = new TensorDataset(X_train_norm, y_train);
    torch.manual_seed(1);
    const train_dl = new DataLoader(train_ds, 2, true);

    class Model extends nn.Module {
      layer1: nn.Linear;
      layer2: nn.Linear;
      constructor(input_size: number, hidden_size: number, output_size: number) {
        super();
        this.layer1 = new nn.Linear(input_size, hidden_size);
        this.layer2 = new nn.Linear(hidden_size, output_size);
      }
      forward(x: Tensor): Tensor {
        x = this.layer1(x);
        x = new nn.Sigmoid()(x);
        x = this.layer2(x);
        x = new nn.Softmax({ dim: 1 })(x);
        return x;
      }
    }
    const [input_size, hidden_size, output_size] = [X_train_norm.shape[1], 16, 3];
    const model = new Model(input_size, hidden_size, output_size);
    const loss_fn = new nn.CrossEntropyLoss();
    const optimizer = new optim.Adam(model.parameters(), { lr: 0.001 });
    const num_epochs = 10;
    const loss_hist: number[] = new Array(num_epochs).fill(0);
    const accuracy_hist: (number | Tensor)[] = new Array(num_epochs).fill(0);
    for (let epoch = 0; epoch < num_epochs; epoch++) {
      for (const [x_batch, y_batch] of train_dl) {
        const pred = model(x_batch);
        const loss = loss_fn(pred, y_batch.long());
        loss.backward();
        optimizer.step();
        optimizer.zero_grad();
        loss_hist[epoch] += loss.item() * y_batch.size(0);
        const is_correct = torch.argmax(pred, { dim: 1 }).eq(y_batch).float();
        accuracy_hist[epoch] = torch.add(is_correct.sum(), accuracy_hist[epoch]);
      }
      loss_hist[epoch] /= train_dl.dataset.length;
      accuracy_hist[epoch] = (accuracy_hist[epoch] as Tensor).div(train_dl.dataset.length);
    }
    const r = ref.ch12_iris;
    expectNums(loss_hist, r.loss_hist, 1e-5);
    expectNums(accuracy_hist.map((a) => (a as Tensor).item()), r.accuracy_hist, 1e-6);
    const X_test_norm = X_test.sub(torch.mean(X_train)).div(torch.std(X_train, { unbiased: false })).float();
    const pred_test = model(X_test_norm);
    const accuracy = torch.argmax(pred_test, { dim: 1 }).eq(y_test).float().mean();
    expectNums([accuracy.item()], [r.test_acc], 1e-6);
    expectT(pred_test.index(":3"), r.pred_test, 1e-5);

    // torch.save(model, path) / torch.load(path): the class must be known to load, as Python's pickle needs it importable
    nn.register_module("Model", Model);
    torch.save(model, "iris_classifier.pt");
    const model_new = torch.load("iris_classifier.pt") as Model;
    model_new.eval();
    expect(model_new(X_test_norm).equal(pred_test)).toBe(true);
    torch.save(model.state_dict(), "iris_classifier_state.pt");
    const model_new2 = new Model(input_size, hidden_size, output_size);
    model_new2.load_state_dict(torch.load("iris_classifier_state.pt") as Record<string, Tensor>);
    expect(model_new2(X_test_norm).equal(pred_test)).toBe(true);

    // activation functions: torch.softmax over a float64 net input, tanh / sigmoid / relu
    const Z = torch.tensor(ref.ch12_softmax.Z, { dtype: torch.float64 });
    expectNums(torch.softmax(Z, { dim: 0 }).tolist() as number[], ref.ch12_softmax.softmax, 1e-12);
    const z = torch.arange(-5, 5, 0.005, { dtype: torch.float64 });
    expect(torch.tanh(z).sub(z.exp().sub(z.neg().exp()).div(z.exp().add(z.neg().exp()))).abs().max().item()).toBeLessThan(1e-12);
    expect(torch.sigmoid(z).sub(torch.special.expit(z)).abs().max().item()).toBe(0);
    expect(torch.relu(z).min().item()).toBe(0);
  });
});

describe("rasbt ch13: autograd, nn.Module, XOR classifiers, custom layers", () => {
  it("part 1: compute_z on scalar / rank-1 / rank-2 inputs, xavier_normal_, dL/dw, l1 penalty on a Sequential", () => {
    const compute_z = (a: Tensor, b: Tensor, c: Tensor) => {
      const r1 = torch.sub(a, b);
      const r2 = torch.mul(r1, 2);
      return torch.add(r2, c);
    };
    expect(String(compute_z(torch.tensor(1, long), torch.tensor(2, long), torch.tensor(3, long)))).toBe("tensor(1)");
    expect(String(compute_z(torch.tensor([1], long), torch.tensor([2], long), torch.tensor([3], long)))).toBe("tensor([1])");
    expect(String(compute_z(torch.tensor([[1]], long), torch.tensor([[2]], long), torch.tensor([[3]], long)))).toBe("tensor([[1]])");
    const a = torch.tensor(3.14, { requires_grad: true });
    expect(String(a)).toBe("tensor(3.1400, requires_grad=True)");
    const w0 = torch.tensor([1.0, 2.0, 3.0]);
    expect(w0.requires_grad).toBe(false);
    w0.requires_grad_();
    expect(w0.requires_grad).toBe(true);

    const r = ref.ch13_basics;
    torch.manual_seed(1);
    const we = torch.empty(2, 3);
    nn.init.xavier_normal_(we);
    expectT(we, r.xavier, 1e-6);

    const w = torch.tensor(1.0, { requires_grad: true });
    const b = torch.tensor(0.5, { requires_grad: true });
    const x = torch.tensor([1.4]);
    const y = torch.tensor([2.1]);
    const z = torch.add(torch.mul(w, x), b);
    const loss = y.sub(z).pow(2).sum();
    loss.backward();
    expectNums([w.grad!.item(), b.grad!.item()], [r.wgrad, r.bgrad], 1e-6);

    torch.manual_seed(1);
    const model = new nn.Sequential(new nn.Linear(4, 16), new nn.ReLU(), new nn.Linear(16, 32), new nn.ReLU());
    nn.init.xavier_uniform_((model.get(0) as nn.Linear).weight);
    const l1_penalty = (model.get(2) as nn.Linear).weight.abs().sum().mul(0.01);
    expectNums([l1_penalty.item()], [r.l1_penalty], 1e-6);
    expectT((model.get(0) as nn.Linear).weight.index(0), r.w0, 1e-6);
    expect(String(model)).toBe(r.repr);
  });

  // the XOR data (torch's uniform draws in place of numpy's)
  function xorData() {
    torch.manual_seed(1);
    const x = torch.rand(200, 2).mul(2).sub(1);
    const y = torch.ones(x.shape[0]);
    y.index_put_([x.index(null, 0).mul(x.index(null, 1)).lt(0)], 0);
    const n_train = 100;
    const [x_train, y_train, x_valid, y_valid] = [x.index(`:${n_train}`, null), y.index(`:${n_train}`), x.index(`${n_train}:`, null), y.index(`${n_train}:`)];
    const batch_size = 2;
    torch.manual_seed(1);
    const train_dl = new DataLoader(new TensorDataset(x_train, y_train), batch_size, true);
    return { x_valid, y_valid, train_dl, n_train, batch_size };
  }

  it("part 1: XOR with Sequential(Linear, Sigmoid) and with a ModuleList model: train() histories, predict()", () => {
    const { x_valid, y_valid, train_dl, n_train, batch_size } = xorData();
    let loss_fn = new nn.BCELoss();
    let optimizer: optim.SGD;
    const num_epochs = 5;
    function train(model: nn.Module, num_epochs: number, train_dl: InstanceType<typeof DataLoader<Tensor[]>>, x_valid: Tensor, y_valid: Tensor) {
      const loss_hist_train = new Array<number>(num_epochs).fill(0);
      const accuracy_hist_train: (number | Tensor)[] = new Array(num_epochs).fill(0);
      const loss_hist_valid = new Array<number>(num_epochs).fill(0);
      const accuracy_hist_valid: (number | Tensor)[] = new Array(num_epochs).fill(0);
      for (let epoch = 0; epoch < num_epochs; epoch++) {
        for (const [x_batch, y_batch] of train_dl) {
          const pred = (model(x_batch) as Tensor).index(null, 0);
          const loss = loss_fn(pred, y_batch);
          loss.backward();
          optimizer.step();
          optimizer.zero_grad();
          loss_hist_train[epoch] += loss.item();
          const is_correct = pred.ge(0.5).float().eq(y_batch).float();
          accuracy_hist_train[epoch] = torch.add(is_correct.mean(), accuracy_hist_train[epoch]);
        }
        loss_hist_train[epoch] /= n_train / batch_size;
        accuracy_hist_train[epoch] = (accuracy_hist_train[epoch] as Tensor).div(n_train / batch_size);
        const pred = (model(x_valid) as Tensor).index(null, 0);
        const loss = loss_fn(pred, y_valid);
        loss_hist_valid[epoch] = loss.item();
        const is_correct = pred.ge(0.5).float().eq(y_valid).float();
        accuracy_hist_valid[epoch] = torch.add(is_correct.mean(), accuracy_hist_valid[epoch]);
      }
      return [loss_hist_train, loss_hist_valid, accuracy_hist_train.map((t) => (t as Tensor).item()), accuracy_hist_valid.map((t) => (t as Tensor).item())];
    }
    const expectHistory = (h: number[][], e: number[][]) => h.forEach((row, i) => expectNums(row, e[i], 1e-5));

    torch.manual_seed(1);
    let model: nn.Module = new nn.Sequential(new nn.Linear(2, 1), new nn.Sigmoid());
    loss_fn = new nn.BCELoss();
    optimizer = new optim.SGD(model.parameters(), { lr: 0.001 });
    torch.manual_seed(1);
    expectHistory(train(model, num_epochs, train_dl, x_valid, y_valid), ref.ch13_xor_linear);

    class MyModule extends nn.Module {
      module_list: nn.ModuleList;
      constructor() {
        super();
        const l1 = new nn.Linear(2, 4);
        const a1 = new nn.ReLU();
        const l2 = new nn.Linear(4, 4);
        const a2 = new nn.ReLU();
        const l3 = new nn.Linear(4, 1);
        const a3 = new nn.Sigmoid();
        const l = [l1, a1, l2, a2, l3, a3];
        this.module_list = new nn.ModuleList(l);
      }
      forward(x: Tensor): Tensor {
        for (const f of this.module_list) x = f(x) as Tensor;
        return x;
      }
      predict(x: number[][]): Tensor {
        const xt = torch.tensor(x, { dtype: torch.float32 });
        const pred = this.forward(xt).index(null, 0);
        return pred.ge(0.5).float();
      }
    }
    torch.manual_seed(1);
    const my = new MyModule();
    model = my;
    loss_fn = new nn.BCELoss();
    optimizer = new optim.SGD(model.parameters(), { lr: 0.015 });
    expectHistory(train(model, num_epochs, train_dl, x_valid, y_valid), ref.ch13_xor_modulelist);
    expect(my.predict(x_valid.index(":6").tolist() as number[][]).tolist()).toEqual(ref.ch13_xor_predict);
  });

  it("part 1: NoisyLinear (torch.Tensor(n, m) as an nn.Parameter, xavier_uniform_, torch.normal noise) in MyNoisyModule", () => {
    class NoisyLinear extends nn.Module {
      w: nn.Parameter;
      b: nn.Parameter;
      noise_stddev: number;
      constructor(input_size: number, output_size: number, noise_stddev = 0.1) {
        super();
        const w = new torch.Tensor(input_size, output_size);
        this.w = new nn.Parameter(w); // nn.Parameter is a Tensor that's a module parameter.
        nn.init.xavier_uniform_(this.w);
        const b = new torch.Tensor(output_size).fill_(0);
        this.b = new nn.Parameter(b);
        this.noise_stddev = noise_stddev;
      }
      forward(x: Tensor, training = false): Tensor {
        let x_new: Tensor;
        if (training) {
          const noise = torch.normal(0.0, this.noise_stddev, x.shape);
          x_new = torch.add(x, noise);
        } else {
          x_new = x;
        }
        return torch.add(torch.mm(x_new, this.w), this.b);
      }
    }
    torch.manual_seed(1);
    const noisy_layer = new NoisyLinear(4, 2);
    const x = torch.zeros([1, 4]);
    const r = ref.ch13_noisy;
    [noisy_layer(x, true), noisy_layer(x, true), noisy_layer(x, false)].forEach((o, i) => expectT(o, r.noisy[i], 1e-6));

    class MyNoisyModule extends nn.Module {
      l1 = new NoisyLinear(2, 4, 0.07);
      a1 = new nn.ReLU();
      l2 = new nn.Linear(4, 4);
      a2 = new nn.ReLU();
      l3 = new nn.Linear(4, 1);
      a3 = new nn.Sigmoid();
      forward(x: Tensor, training = false): Tensor {
        x = this.l1(x, training);
        x = this.a1(x);
        x = this.l2(x);
        x = this.a2(x);
        x = this.l3(x);
        return this.a3(x);
      }
    }
    const { x_valid, y_valid, train_dl, n_train, batch_size } = xorData();
    torch.manual_seed(1);
    const model = new MyNoisyModule();
    expect(String(model)).toBe(r.repr);
    const loss_fn = new nn.BCELoss();
    const optimizer = new optim.SGD(model.parameters(), { lr: 0.015 });
    torch.manual_seed(1);
    const num_epochs = 5;
    const loss_hist_train = new Array<number>(num_epochs).fill(0);
    const loss_hist_valid = new Array<number>(num_epochs).fill(0);
    for (let epoch = 0; epoch < num_epochs; epoch++) {
      for (const [x_batch, y_batch] of train_dl) {
        const pred = model(x_batch, true).index(null, 0);
        const loss = loss_fn(pred, y_batch);
        loss.backward();
        optimizer.step();
        optimizer.zero_grad();
        loss_hist_train[epoch] += loss.item();
      }
      loss_hist_train[epoch] /= n_train / batch_size;
      const pred = model(x_valid).index(null, 0);
      loss_hist_valid[epoch] = loss_fn(pred, y_valid).item();
    }
    expectNums(loss_hist_train, r.train, 1e-5);
    expectNums(loss_hist_valid, r.valid, 1e-5);
  });

  it("part 2: the auto-mpg regression's features (bucketize(right=True), one_hot of origin % n) and MLP built from a list", () => {
    const g = new torch.Generator().manual_seed(3);
    const n = 40;
    const cols = torch.randn([n, 5], { generator: g, dtype: torch.float64 });
    const model_year = torch.randint(70, 83, [n], { generator: g });
    const origin = torch.randint(1, 4, [n], { generator: g });
    const mpg = cols.index(null, 0).mul(3).add(20).sub(cols.index(null, 3).mul(2)).add(model_year.sub(76).mul(0.5)).float();
    const boundaries = torch.tensor([73, 76, 79], long);
    const bucketed = torch.bucketize(model_year, boundaries, { right: true });
    const total_origin = new Set(origin.tolist() as number[]).size;
    const origin_encoded = F.one_hot(origin.remainder(total_origin));
    const x_train_numeric = torch.cat([cols, bucketed.unsqueeze(1)], 1);
    const x_train = torch.cat([x_train_numeric, origin_encoded], 1).float();
    const y_train = mpg;
    const r = ref.ch13_mpg;
    expect(bucketed.tolist()).toEqual(r.bucketed);
    expectT(x_train.index(":3"), r.x_train, 1e-6);
    torch.manual_seed(1);
    const train_dl = new DataLoader(new TensorDataset(x_train, y_train), 8, true);
    const hidden_units = [8, 4];
    let input_size = x_train.shape[1];
    const all_layers: nn.Module[] = [];
    for (const hidden_unit of hidden_units) {
      const layer = new nn.Linear(input_size, hidden_unit);
      all_layers.push(layer);
      all_layers.push(new nn.ReLU());
      input_size = hidden_unit;
    }
    all_layers.push(new nn.Linear(hidden_units[hidden_units.length - 1], 1));
    const model = new nn.Sequential(...all_layers);
    const loss_fn = new nn.MSELoss();
    const optimizer = new optim.SGD(model.parameters(), { lr: 0.001 });
    torch.manual_seed(1);
    const log: number[] = [];
    for (let epoch = 0; epoch < 10; epoch++) {
      let loss_hist_train = 0;
      for (const [x_batch, y_batch] of train_dl) {
        const pred = model(x_batch).index(null, 0);
        const loss = loss_fn(pred, y_batch);
        loss.backward();
        optimizer.step();
        optimizer.zero_grad();
        loss_hist_train += loss.item();
      }
      log.push(loss_hist_train / train_dl.__len__());
    }
    expectNums(log, r.log, 1e-5);
    const mae = torch.no_grad(() => new nn.L1Loss()(model(x_train.float()).index(null, 0), y_train).item());
    expectNums([mae], [r.mae], 1e-5);
  });
});

function trainCnn(model: nn.Module, optimizer: optim.Optimizer, loss_fn: (a: Tensor, b: Tensor) => Tensor, num_epochs: number, train_dl: Iterable<Tensor[]> & { dataset: { length: number } }, valid_dl: Iterable<Tensor[]> & { dataset: { length: number } }, binary = false) {
  const loss_hist_train = new Array<number>(num_epochs).fill(0);
  const accuracy_hist_train: (number | Tensor)[] = new Array(num_epochs).fill(0);
  const loss_hist_valid = new Array<number>(num_epochs).fill(0);
  const accuracy_hist_valid: (number | Tensor)[] = new Array(num_epochs).fill(0);
  for (let epoch = 0; epoch < num_epochs; epoch++) {
    model.train();
    for (let [x_batch, y_batch] of train_dl) {
      x_batch = x_batch.to(device);
      y_batch = y_batch.to(device);
      const pred = binary ? (model(x_batch) as Tensor).index(null, 0) : (model(x_batch) as Tensor);
      const loss = binary ? loss_fn(pred, y_batch.float()) : loss_fn(pred, y_batch);
      loss.backward();
      optimizer.step();
      optimizer.zero_grad();
      loss_hist_train[epoch] += loss.item() * y_batch.size(0);
      const is_correct = (binary ? pred.ge(0.5).float() : torch.argmax(pred, { dim: 1 })).eq(y_batch).float();
      accuracy_hist_train[epoch] = torch.add(is_correct.sum().cpu(), accuracy_hist_train[epoch]);
    }
    loss_hist_train[epoch] /= train_dl.dataset.length;
    accuracy_hist_train[epoch] = (accuracy_hist_train[epoch] as Tensor).div(train_dl.dataset.length);
    model.eval();
    torch.no_grad(() => {
      for (const [x_batch, y_batch] of valid_dl) {
        const pred = binary ? (model(x_batch) as Tensor).index(null, 0) : (model(x_batch) as Tensor);
        const loss = binary ? loss_fn(pred, y_batch.float()) : loss_fn(pred, y_batch);
        const is_correct = (binary ? pred.ge(0.5).float() : torch.argmax(pred, { dim: 1 })).eq(y_batch).float();
        loss_hist_valid[epoch] += loss.item() * y_batch.size(0);
        accuracy_hist_valid[epoch] = torch.add(is_correct.sum().cpu(), accuracy_hist_valid[epoch]);
      }
    });
    loss_hist_valid[epoch] /= valid_dl.dataset.length;
    accuracy_hist_valid[epoch] = (accuracy_hist_valid[epoch] as Tensor).div(valid_dl.dataset.length);
  }
  return [loss_hist_train, loss_hist_valid, accuracy_hist_train.map((a) => (a as Tensor).item()), accuracy_hist_valid.map((a) => (a as Tensor).item())];
}

describe("rasbt ch14: CNN building blocks", () => {
  it("convolution by hand (F.conv1d / conv2d with the flipped kernel), l2 penalty, BCE vs BCEWithLogits, CCE vs NLL", () => {
    const r = ref.ch14_losses;
    const loss = new nn.BCELoss()(torch.tensor([0.9]), torch.tensor([1.0]));
    torch.manual_seed(1);
    const conv_layer = new nn.Conv2d({ in_channels: 3, out_channels: 5, kernel_size: 5 });
    let l2 = torch.tensor(0);
    for (const p of conv_layer.parameters()) l2 = l2.add(p.pow(2).sum()); // sum([(p**2).sum() for p in ...])
    expectNums([loss.add(l2.mul(0.001)).item()], [r.loss_with_penalty], 1e-6);
    const logits = torch.tensor([0.8]);
    const probas = torch.sigmoid(logits);
    const target = torch.tensor([1.0]);
    expectNums([new nn.BCELoss()(probas, target).item(), new nn.BCEWithLogitsLoss()(logits, target).item()], [r.bce, r.bce_logits], 1e-6);
    const logits2 = torch.tensor([[1.5, 0.8, 2.1]]);
    const probas2 = torch.softmax(logits2, { dim: 1 });
    const target2 = torch.tensor([2], long);
    expectNums([new nn.CrossEntropyLoss()(logits2, target2).item(), new nn.NLLLoss()(torch.log(probas2), target2).item()], [r.cce_logits, r.cce_probas], 1e-6);
    expect(F.conv1d(torch.tensor([[[1, 3, 2, 4, 5, 6, 1, 3]]]), torch.tensor([[[1, 0, 3, 1, 2]]]).flip(2), { padding: 2 }).tolist()).toEqual(r.conv1d);
    expect(F.conv2d(torch.tensor([[[[1, 3, 2, 4], [5, 6, 1, 3], [1, 2, 0, 2], [3, 4, 3, 2]]]]), torch.tensor([[[[1, 0, 3], [1, 2, 1], [0, 1, 1]]]]).flip(2, 3), { padding: 1 }).tolist()).toEqual(r.conv2d);
  });

  it("the MNIST CNN built with add_module, Subset(ds, torch.arange(n)) loaders, train() with eval / no_grad validation", () => {
    torch.manual_seed(1);
    const model = new nn.Sequential();
    model.add_module("conv1", new nn.Conv2d({ in_channels: 1, out_channels: 32, kernel_size: 5, padding: 2 }));
    model.add_module("relu1", new nn.ReLU());
    model.add_module("pool1", new nn.MaxPool2d({ kernel_size: 2 }));
    model.add_module("conv2", new nn.Conv2d({ in_channels: 32, out_channels: 64, kernel_size: 5, padding: 2 }));
    model.add_module("relu2", new nn.ReLU());
    model.add_module("pool2", new nn.MaxPool2d({ kernel_size: 2 }));
    const r = ref.ch14_mnist;
    expect(model(torch.ones([4, 1, 28, 28])).shape).toEqual(r.shape1);
    model.add_module("flatten", new nn.Flatten());
    expect(model(torch.ones([4, 1, 28, 28])).shape).toEqual(r.shape2);
    model.add_module("fc1", new nn.Linear(3136, 1024));
    model.add_module("relu3", new nn.ReLU());
    model.add_module("dropout", new nn.Dropout({ p: 0.5 }));
    model.add_module("fc2", new nn.Linear(1024, 10));
    const loss_fn = new nn.CrossEntropyLoss();
    const optimizer = new optim.Adam(model.parameters(), { lr: 0.001 });
    const [xm, ym] = images(80, 24, 1, 28, 28);
    const mnist_dataset = new TensorDataset(xm, ym);
    const mnist_valid_dataset = new utils.data.Subset(mnist_dataset, torch.arange(8));
    const mnist_train_dataset = new utils.data.Subset(mnist_dataset, torch.arange(8, mnist_dataset.__len__()));
    expect([mnist_valid_dataset.__len__(), mnist_train_dataset.__len__()]).toEqual([8, 16]);
    expect(mnist_train_dataset.__getitem__(0)[1].item()).toBe(ym.index(8).item());
    expect(mnist_valid_dataset.__getitem__(-1)[1].item()).toBe(ym.index(7).item());
    expect(thrown(() => mnist_valid_dataset.__getitem__(8))).toEqual(["IndexError", "index 8 is out of bounds for dimension 0 with size 8"]);
    torch.manual_seed(1);
    const train_dl = new DataLoader(mnist_train_dataset, 8, true);
    const valid_dl = new DataLoader(mnist_valid_dataset, 8, false);
    torch.manual_seed(1);
    const hist = trainCnn(model, optimizer, loss_fn, 1, train_dl, valid_dl);
    hist.forEach((row, i) => expectNums(row, r.hist[i], 1e-5));
    const img = xm.index(0).index(0, null, null);
    const pred = model(img.unsqueeze(0).unsqueeze(1));
    expectT(pred, r.pred0, 1e-4);
    expect(torch.argmax(pred).item()).toBe(r.argmax);
  });

  it("ch14 part 2: the smile classifier (dropout, AvgPool2d(kernel_size=8), BCELoss on sigmoid outputs)", () => {
    torch.manual_seed(1);
    const model = new nn.Sequential();
    model.add_module("conv1", new nn.Conv2d({ in_channels: 3, out_channels: 32, kernel_size: 3, padding: 1 }));
    model.add_module("relu1", new nn.ReLU());
    model.add_module("pool1", new nn.MaxPool2d({ kernel_size: 2 }));
    model.add_module("dropout1", new nn.Dropout({ p: 0.5 }));
    model.add_module("conv2", new nn.Conv2d({ in_channels: 32, out_channels: 64, kernel_size: 3, padding: 1 }));
    model.add_module("relu2", new nn.ReLU());
    model.add_module("pool2", new nn.MaxPool2d({ kernel_size: 2 }));
    model.add_module("dropout2", new nn.Dropout({ p: 0.5 }));
    model.add_module("conv3", new nn.Conv2d({ in_channels: 64, out_channels: 128, kernel_size: 3, padding: 1 }));
    model.add_module("relu3", new nn.ReLU());
    model.add_module("pool3", new nn.MaxPool2d({ kernel_size: 2 }));
    model.add_module("conv4", new nn.Conv2d({ in_channels: 128, out_channels: 256, kernel_size: 3, padding: 1 }));
    model.add_module("relu4", new nn.ReLU());
    model.add_module("pool4", new nn.AvgPool2d({ kernel_size: 8 }));
    model.add_module("flatten", new nn.Flatten());
    model.add_module("fc", new nn.Linear(256, 1));
    model.add_module("sigmoid", new nn.Sigmoid());
    expect(String(model)).toBe(ref.ch14_smile.repr);
    const loss_fn = new nn.BCELoss();
    const optimizer = new optim.Adam(model.parameters(), { lr: 0.001 });
    const [xc, yc] = images(90, 12, 3, 64, 64, 2);
    const celeba = new TensorDataset(xc, yc);
    torch.manual_seed(1);
    const train_dl = new DataLoader(new utils.data.Subset(celeba, torch.arange(8)), 4, true);
    const valid_dl = new DataLoader(new utils.data.Subset(celeba, torch.arange(8, 12)), 4, false);
    torch.manual_seed(1);
    const hist = trainCnn(model, optimizer, loss_fn, 1, train_dl, valid_dl, true);
    hist.forEach((row, i) => expectNums(row, ref.ch14_smile.hist[i], 1e-5));
  });
});

describe("rasbt ch15: RNNs", () => {
  it("part 1: an nn.RNN layer's output recomputed by hand from weight_ih_l0 / weight_hh_l0 / biases", () => {
    torch.manual_seed(1);
    const rnn_layer = new nn.RNN({ input_size: 5, hidden_size: 2, num_layers: 1, batch_first: true });
    const w_xh = rnn_layer.weight_ih_l0;
    const w_hh = rnn_layer.weight_hh_l0;
    const b_xh = rnn_layer.bias_ih_l0;
    const b_hh = rnn_layer.bias_hh_l0;
    expect([w_xh.shape, w_hh.shape, b_xh.shape, b_hh.shape]).toEqual([[2, 5], [2, 2], [2], [2]]);
    const x_seq = torch.tensor([[1.0, 1.0, 1.0, 1.0, 1.0], [2.0, 2.0, 2.0, 2.0, 2.0], [3.0, 3.0, 3.0, 3.0, 3.0]]).float();
    const [output] = rnn_layer(torch.reshape(x_seq, [1, 3, 5]));
    const out_man: Tensor[] = [];
    for (let t = 0; t < 3; t++) {
      const xt = torch.reshape(x_seq.index(t), [1, 5]);
      const ht = torch.matmul(xt, torch.transpose(w_xh, 0, 1)).add(b_xh);
      const prev_h = t > 0 ? out_man[t - 1] : torch.zeros(ht.shape);
      let ot = ht.add(torch.matmul(prev_h, torch.transpose(w_hh, 0, 1))).add(b_hh);
      ot = torch.tanh(ot);
      out_man.push(ot);
      expect(torch.allclose(ot, output.index(null, t))).toBe(true);
    }
    expectT(output, ref.ch15_rnn.output, 1e-6);
    out_man.forEach((o, t) => expectT(o, ref.ch15_rnn.manual[t], 1e-6));
  });

  // part 2's preprocessing, on inline reviews in place of IMDb (torchtext's vocab -> a Counter-ordered list)
  const REVIEWS: [string, string][] = [
    ["pos", "This movie was <br /> great :) I loved it"],
    ["neg", "Terrible plot, bad acting :-( never again"],
    ["pos", "a wonderful, wonderful film; great acting"],
    ["neg", "boring and bad. I left early"],
    ["pos", "great fun :D loved the cast"],
    ["neg", "the worst film, terrible and boring"],
    ["pos", "I loved this great story"],
    ["neg", "bad bad bad ;) never"],
  ];
  function tokenizer(text: string): string[] {
    text = text.replace(/<[^>]*>/g, "");
    const emoticons = text.toLowerCase().match(/(?::|;|=)(?:-)?(?:\)|\(|D|P)/g) ?? [];
    text = text.toLowerCase().replace(/[\W]+/g, " ") + emoticons.join(" ").replace(/-/g, "");
    return text.split(/\s+/).filter((s) => s);
  }
  const token_counts = new Map<string, number>();
  for (const [, line] of REVIEWS) for (const tok of tokenizer(line)) token_counts.set(tok, (token_counts.get(tok) ?? 0) + 1);
  const sorted_by_freq_tuples = [...token_counts.entries()].sort((a, b) => b[1] - a[1]);
  const itos = ["<pad>", "<unk>", ...sorted_by_freq_tuples.map(([w]) => w)];
  const stoi = new Map(itos.map((w, i) => [w, i]));
  const text_pipeline = (x: string) => tokenizer(x).map((token) => stoi.get(token) ?? 1);
  const label_pipeline = (x: string) => (x === "pos" ? 1 : 0);
  function collate_batch(batch: [string, string][]): Tensor[] {
    const label_list: number[] = [];
    const text_list: Tensor[] = [];
    const lengths: number[] = [];
    for (const [_label, _text] of batch) {
      label_list.push(label_pipeline(_label));
      const processed_text = torch.tensor(text_pipeline(_text), { dtype: torch.int64 });
      text_list.push(processed_text);
      lengths.push(processed_text.size(0));
    }
    const padded_text_list = nn.utils.rnn.pad_sequence(text_list, { batch_first: true });
    return [padded_text_list.to(device), torch.tensor(label_list).to(device), torch.tensor(lengths, long).to(device)];
  }

  it("part 2: tokenizer, vocabulary, collate_batch with pad_sequence, Embedding(padding_idx=0), a 2-layer RNN's last hidden state", () => {
    const r = ref.ch15_text;
    expect([tokenizer(REVIEWS[0][1]), tokenizer(REVIEWS[1][1])]).toEqual([r.tokens0, r.tokens1]);
    expect(itos).toEqual(r.itos);
    expect(["this", "is", "an", "example"].map((t) => stoi.get(t) ?? 1)).toEqual(r.example);
    const dataloader = new DataLoader(REVIEWS, { batch_size: 4, shuffle: false, collate_fn: collate_batch });
    const [text_batch, label_batch, length_batch] = dataloader[Symbol.iterator]().next().value as Tensor[];
    expect([text_batch.tolist(), label_batch.tolist(), length_batch.tolist()]).toEqual([r.text_batch, r.label_batch, r.length_batch]);

    torch.manual_seed(1);
    const embedding = new nn.Embedding({ num_embeddings: 10, embedding_dim: 3, padding_idx: 0 });
    const text_encoded_input = torch.LongTensor([[1, 2, 4, 5], [4, 3, 2, 0]]);
    expectT(embedding(text_encoded_input), ref.ch15_layers.embedding, 1e-6);

    class RNN2 extends nn.Module {
      rnn: nn.RNN;
      fc: nn.Linear;
      constructor(input_size: number, hidden_size: number) {
        super();
        this.rnn = new nn.RNN(input_size, hidden_size, { num_layers: 2, batch_first: true });
        this.fc = new nn.Linear(hidden_size, 1);
      }
      forward(x: Tensor): Tensor {
        const [, hidden] = this.rnn(x);
        let out = hidden.index(-1, null, null);
        out = this.fc(out);
        return out;
      }
    }
    torch.manual_seed(1);
    const model = new RNN2(64, 32);
    expect(String(model)).toBe(ref.ch15_layers.rnn2_repr);
    expectT(model(torch.randn(5, 3, 64)), ref.ch15_layers.rnn2, 1e-5);
  });

  it("part 2: the sentiment LSTM (pack_padded_sequence(lengths.cpu().numpy(), enforce_sorted=False)), unidirectional and bidirectional", () => {
    class SentimentRNN extends nn.Module {
      embedding: nn.Embedding;
      rnn: nn.LSTM;
      bidirectional: boolean;
      fc1: nn.Linear;
      relu: nn.ReLU;
      fc2: nn.Linear;
      sigmoid: nn.Sigmoid;
      constructor(vocab_size: number, embed_dim: number, rnn_hidden_size: number, fc_hidden_size: number, bidirectional: boolean) {
        super();
        this.embedding = new nn.Embedding(vocab_size, embed_dim, { padding_idx: 0 });
        this.rnn = new nn.LSTM(embed_dim, rnn_hidden_size, { batch_first: true, bidirectional });
        this.bidirectional = bidirectional;
        this.fc1 = new nn.Linear(rnn_hidden_size * (bidirectional ? 2 : 1), fc_hidden_size);
        this.relu = new nn.ReLU();
        this.fc2 = new nn.Linear(fc_hidden_size, 1);
        this.sigmoid = new nn.Sigmoid();
      }
      forward(text: Tensor, lengths: Tensor): Tensor {
        const emb = this.embedding(text);
        const packed = nn.utils.rnn.pack_padded_sequence(emb, lengths.cpu().numpy(), { enforce_sorted: false, batch_first: true });
        const [, [hidden]] = this.rnn.forward(packed); // a PackedSequence goes through .forward (the call signature is typed for tensors)
        let out = this.bidirectional ? torch.cat([hidden.index(-2, null, null), hidden.index(-1, null, null)], { dim: 1 }) : hidden.index(-1, null, null);
        out = this.fc1(out);
        out = this.relu(out);
        out = this.fc2(out);
        return this.sigmoid(out);
      }
    }
    for (const [name, bidir, lr] of [["ch15_sentiment", false, 0.001], ["ch15_sentiment_bi", true, 0.002]] as const) {
      torch.manual_seed(1);
      const model = new SentimentRNN(itos.length, 20, 16, 16, bidir);
      const loss_fn = new nn.BCELoss();
      const optimizer = new optim.Adam(model.parameters(), { lr });
      const train_dl = new DataLoader(REVIEWS.slice(0, 6), { batch_size: 3, shuffle: true, collate_fn: collate_batch });
      const valid_dl = new DataLoader(REVIEWS.slice(6), { batch_size: 3, shuffle: false, collate_fn: collate_batch });
      const train = (dataloader: typeof train_dl): [number, number] => {
        model.train();
        let [total_acc, total_loss] = [0, 0];
        for (const [text_batch, label_batch, lengths] of dataloader) {
          optimizer.zero_grad();
          const pred = model(text_batch, lengths).index(null, 0);
          const loss = loss_fn(pred, label_batch);
          loss.backward();
          optimizer.step();
          total_acc += pred.ge(0.5).float().eq(label_batch).float().sum().item();
          total_loss += loss.item() * label_batch.size(0);
        }
        return [total_acc / dataloader.dataset.length, total_loss / dataloader.dataset.length];
      };
      const evaluate = (dataloader: typeof valid_dl): [number, number] => {
        model.eval();
        let [total_acc, total_loss] = [0, 0];
        torch.no_grad(() => {
          for (const [text_batch, label_batch, lengths] of dataloader) {
            const pred = model(text_batch, lengths).index(null, 0);
            const loss = loss_fn(pred, label_batch);
            total_acc += pred.ge(0.5).float().eq(label_batch).float().sum().item();
            total_loss += loss.item() * label_batch.size(0);
          }
        });
        return [total_acc / dataloader.dataset.length, total_loss / dataloader.dataset.length];
      };
      torch.manual_seed(1);
      const log: number[][] = [];
      for (let epoch = 0; epoch < 3; epoch++) {
        const [acc_train, loss_train] = train(train_dl);
        const [acc_valid, loss_valid] = evaluate(valid_dl);
        log.push([acc_train, loss_train, acc_valid, loss_valid]);
      }
      expectNums(log.flat(), (ref[name] as number[][]).flat(), 1e-5);
    }
  });

  it("part 3: the char-level LSTM (TextDataset of int32 chunks, next(iter(seq_dl)) per epoch), Categorical sampling with a scale factor", () => {
    const TEXT = "THE MYSTERIOUS ISLAND. Are we rising again? No. On the contrary. Are we descending? Worse than that, " +
      "captain! we are falling! Throw out the ballast! There! the last sack is empty! End of the Project Gutenberg";
    const start_indx = TEXT.indexOf("THE MYSTERIOUS ISLAND");
    const end_indx = TEXT.indexOf("End of the Project Gutenberg");
    const text = TEXT.slice(start_indx, end_indx);
    const chars_sorted = [...new Set(text)].sort();
    const char2int = new Map(chars_sorted.map((ch, i) => [ch, i]));
    const char_array = chars_sorted;
    const text_encoded = [...text].map((ch) => char2int.get(ch)!);
    const seq_length = 10;
    const chunk_size = seq_length + 1;
    const text_chunks = Array.from({ length: text_encoded.length - chunk_size + 1 }, (_, i) => text_encoded.slice(i, i + chunk_size));

    class TextDataset extends Dataset<[Tensor, Tensor]> {
      constructor(public text_chunks: Tensor) {
        super();
      }
      __len__(): number {
        return this.text_chunks.shape[0];
      }
      __getitem__(idx: number): [Tensor, Tensor] {
        const text_chunk = this.text_chunks.index(idx);
        return [text_chunk.index(":-1").long(), text_chunk.index("1:").long()];
      }
    }
    const seq_dataset = new TextDataset(torch.tensor(text_chunks, { dtype: torch.int32 }));
    const r = ref.ch15_char;
    expect(chars_sorted).toEqual(r.chars);
    expect(text_chunks.length).toBe(r.n_chunks);
    const first: string[][] = [];
    for (const [seq, target] of seq_dataset) {
      first.push([(seq.tolist() as number[]).map((i) => char_array[i]).join(""), (target.tolist() as number[]).map((i) => char_array[i]).join("")]);
      if (first.length === 2) break;
    }
    expect(first).toEqual(r.first);
    const batch_size = 8;
    torch.manual_seed(1);
    const seq_dl = new DataLoader(seq_dataset, { batch_size, shuffle: true, drop_last: true });

    class CharRNN extends nn.Module {
      embedding: nn.Embedding;
      rnn_hidden_size: number;
      rnn: nn.LSTM;
      fc: nn.Linear;
      constructor(vocab_size: number, embed_dim: number, rnn_hidden_size: number) {
        super();
        this.embedding = new nn.Embedding(vocab_size, embed_dim);
        this.rnn_hidden_size = rnn_hidden_size;
        this.rnn = new nn.LSTM(embed_dim, rnn_hidden_size, { batch_first: true });
        this.fc = new nn.Linear(rnn_hidden_size, vocab_size);
      }
      forward(x: Tensor, hidden: Tensor, cell: Tensor): [Tensor, Tensor, Tensor] {
        let out = this.embedding(x).unsqueeze(1);
        [out, [hidden, cell]] = this.rnn(out, [hidden, cell]);
        out = this.fc(out).reshape(out.size(0), -1);
        return [out, hidden, cell];
      }
      init_hidden(batch_size: number): [Tensor, Tensor] {
        const hidden = torch.zeros(1, batch_size, this.rnn_hidden_size);
        const cell = torch.zeros(1, batch_size, this.rnn_hidden_size);
        return [hidden.to(device), cell.to(device)];
      }
    }
    const vocab_size = char_array.length;
    torch.manual_seed(1);
    const model = new CharRNN(vocab_size, 16, 32);
    const loss_fn = new nn.CrossEntropyLoss();
    const optimizer = new optim.Adam(model.parameters(), { lr: 0.005 });
    torch.manual_seed(1);
    const log: number[] = [];
    for (let epoch = 0; epoch < 5; epoch++) {
      let [hidden, cell] = model.init_hidden(batch_size);
      const [seq_batch, target_batch] = seq_dl[Symbol.iterator]().next().value as Tensor[];
      optimizer.zero_grad();
      let loss: Tensor | number = 0;
      for (let c = 0; c < seq_length; c++) {
        let pred: Tensor;
        [pred, hidden, cell] = model(seq_batch.index(null, c), hidden, cell);
        loss = torch.add(loss_fn(pred, target_batch.index(null, c)), loss);
      }
      (loss as Tensor).backward();
      optimizer.step();
      log.push((loss as Tensor).item() / seq_length);
    }
    expectNums(log, r.log, 1e-5);

    torch.manual_seed(1);
    let m = new torch.distributions.Categorical({ logits: torch.tensor([[1.0, 1.0, 1.0]]) });
    expect(m.sample([10]).tolist()).toEqual(r.samples1);
    torch.manual_seed(1);
    m = new torch.distributions.Categorical({ logits: torch.tensor([[1.0, 1.0, 3.0]]) });
    expect(m.sample([10]).tolist()).toEqual(r.samples2);

    function sample(model: CharRNN, starting_str: string, len_generated_text = 500, scale_factor = 1.0): string {
      let encoded_input = torch.tensor([...starting_str].map((s) => char2int.get(s)!), long);
      encoded_input = torch.reshape(encoded_input, [1, -1]);
      let generated_str = starting_str;
      model.eval();
      let [hidden, cell] = model.init_hidden(1);
      hidden = hidden.to("cpu");
      cell = cell.to("cpu");
      for (let c = 0; c < starting_str.length - 1; c++) [, hidden, cell] = model(encoded_input.index(null, c).view(1), hidden, cell);
      let last_char = encoded_input.index(null, -1);
      for (let i = 0; i < len_generated_text; i++) {
        let logits: Tensor;
        [logits, hidden, cell] = model(last_char.view(1), hidden, cell);
        logits = torch.squeeze(logits, 0);
        const scaled_logits = logits.mul(scale_factor);
        const m = new torch.distributions.Categorical({ logits: scaled_logits });
        last_char = m.sample();
        generated_str += String(char_array[last_char.item()]);
      }
      return generated_str;
    }
    torch.manual_seed(1);
    expect(sample(model, "The island", 40)).toBe(r.sample1);
    torch.manual_seed(1);
    expect(sample(model, "The island", 40, 2.0)).toBe(r.sample2);
  });
});

describe("rasbt ch16: self-attention by hand", () => {
  it("dot-product attention, query / key / value projections, multi-head stacking with repeat / bmm / permute", () => {
    const sentence = torch.tensor([0, 7, 1, 2, 5, 6, 4, 3], long);
    torch.manual_seed(123);
    const embed = new nn.Embedding(10, 16);
    const embedded_sentence = embed(sentence).detach();
    expect(embedded_sentence.shape).toEqual([8, 16]);
    const omega = torch.empty(8, 8);
    let i = 0;
    for (const x_i of embedded_sentence) {
      let j = 0;
      for (const x_j of embedded_sentence) omega.index_put_([i, j++], torch.dot(x_i, x_j));
      i++;
    }
    const r = ref.ch16;
    expectT(omega, r.omega, 1e-5);
    const omega_mat = embedded_sentence.matmul(embedded_sentence.T);
    const attention_weights = F.softmax(omega, { dim: 1 });
    expect(attention_weights.sum({ dim: 1 }).shape).toEqual([8]);
    let x_2 = embedded_sentence.index(1, null);
    const context_vec_2 = torch.zeros(x_2.shape);
    for (let j = 0; j < 8; j++) {
      const x_j = embedded_sentence.index(j, null);
      context_vec_2.add_(attention_weights.index(1, j).mul(x_j));
    }
    const context_vectors = torch.matmul(attention_weights, embedded_sentence);
    expectT(context_vec_2, r.context_vec_2, 1e-5);

    torch.manual_seed(123);
    const d = embedded_sentence.shape[1];
    const U_query = torch.rand(d, d);
    const U_key = torch.rand(d, d);
    const U_value = torch.rand(d, d);
    x_2 = embedded_sentence.index(1);
    const query_2 = U_query.matmul(x_2);
    const key_2 = U_key.matmul(x_2);
    const value_2 = U_value.matmul(x_2);
    const keys = U_key.matmul(embedded_sentence.T).T;
    const values = U_value.matmul(embedded_sentence.T).T;
    expect([torch.allclose(omega_mat, omega), torch.allclose(context_vec_2, context_vectors.index(1)), torch.allclose(key_2, keys.index(1)), torch.allclose(value_2, values.index(1))]).toEqual(r.allclose);
    const omega_23 = query_2.dot(keys.index(2));
    expectNums([omega_23.item()], [r.omega_23], 1e-5);
    const omega_2 = query_2.matmul(keys.T);
    const attention_weights_2 = F.softmax(omega_2.div(d ** 0.5), { dim: 0 });
    expectT(attention_weights_2, r.attention_weights_2, 1e-5);
    expectT(attention_weights_2.matmul(values), r.context_vector_2, 1e-5);

    torch.manual_seed(123);
    torch.rand(d, d); // one_U_query
    const h = 8;
    const multihead_U_query = torch.rand(h, d, d);
    const multihead_U_key = torch.rand(h, d, d);
    const multihead_U_value = torch.rand(h, d, d);
    expect(multihead_U_query.matmul(x_2).shape).toEqual([8, 16]);
    const multihead_key_2 = multihead_U_key.matmul(x_2);
    expectT(multihead_key_2.index(2), r.multihead_key_2_2, 1e-5);
    const stacked_inputs = embedded_sentence.T.repeat(8, 1, 1);
    expect(stacked_inputs.shape).toEqual([8, 16, 8]);
    let multihead_keys = torch.bmm(multihead_U_key, stacked_inputs);
    multihead_keys = multihead_keys.permute(0, 2, 1);
    expectT(multihead_keys.index(2, 1), r.multihead_keys_2_1, 1e-5);
    let multihead_values = torch.matmul(multihead_U_value, stacked_inputs);
    multihead_values = multihead_values.permute(0, 2, 1);
    expect(multihead_values.shape).toEqual(r.multihead_values_shape);
    const multihead_z_2 = torch.rand(8, 16);
    const linear = new nn.Linear(8 * 16, 16);
    expectT(linear(multihead_z_2.flatten()), r.context_vector_2_mh, 1e-5);
  });
});

describe("yunjey/pytorch-tutorial: image_captioning's decoder and pytorch_basics' frozen resnet18", () => {
  it("DecoderRNN over pack_padded_sequence (hiddens[0], targets = pack_padded_sequence(...)[0]), collate_fn sorting by length, greedy sample()", () => {
    class DecoderRNN extends nn.Module {
      embed: nn.Embedding;
      lstm: nn.LSTM;
      linear: nn.Linear;
      max_seg_length: number;
      constructor(embed_size: number, hidden_size: number, vocab_size: number, num_layers: number, max_seq_length = 20) {
        super();
        this.embed = new nn.Embedding(vocab_size, embed_size);
        this.lstm = new nn.LSTM(embed_size, hidden_size, num_layers, { batch_first: true });
        this.linear = new nn.Linear(hidden_size, vocab_size);
        this.max_seg_length = max_seq_length;
      }
      forward(features: Tensor, captions: Tensor, lengths: number[]): Tensor {
        let embeddings = this.embed(captions);
        embeddings = torch.cat([features.unsqueeze(1), embeddings], 1);
        const packed = nn.utils.rnn.pack_padded_sequence(embeddings, lengths, { batch_first: true });
        const [hiddens] = this.lstm.forward(packed); // a PackedSequence goes through .forward (the call signature is typed for tensors)
        return this.linear(hiddens[0]);
      }
      sample(features: Tensor, states: [Tensor, Tensor] | null = null): Tensor {
        const sampled_ids: Tensor[] = [];
        let inputs = features.unsqueeze(1);
        for (let i = 0; i < this.max_seg_length; i++) {
          let hiddens: Tensor;
          [hiddens, states] = this.lstm(inputs, states);
          const outputs = this.linear(hiddens.squeeze(1));
          const [, predicted] = outputs.max(1);
          sampled_ids.push(predicted);
          inputs = this.embed(predicted);
          inputs = inputs.unsqueeze(1);
        }
        return torch.stack(sampled_ids, 1);
      }
    }
    function collate_fn(data: [Tensor, Tensor][]): [Tensor, Tensor, number[]] {
      data.sort((a, b) => b[1].size(0) - a[1].size(0)); // data.sort(key=lambda x: len(x[1]), reverse=True)
      const images = torch.stack(data.map(([image]) => image), 0);
      const captions = data.map(([, caption]) => caption);
      const lengths = captions.map((cap) => cap.size(0));
      const targets = torch.zeros(captions.length, Math.max(...lengths)).long();
      captions.forEach((cap, i) => {
        const end = lengths[i];
        targets.index_put_([i, torch.slice(null, end)], cap.index(`:${end}`));
      });
      return [images, targets, lengths];
    }
    torch.manual_seed(0);
    const feats = torch.randn(6, 12);
    const caps = [4, 7, 5, 3, 6, 7].map((n) => torch.randint(1, 15, [n]));
    const data_loader = new DataLoader(caps.map((c, i) => [feats.index(i), c] as [Tensor, Tensor]), { batch_size: 3, shuffle: true, collate_fn });
    const encoder_linear = new nn.Linear(12, 8);
    const encoder_bn = new nn.BatchNorm1d(8, { momentum: 0.01 });
    const decoder = new DecoderRNN(8, 16, 15, 1, 6);
    const criterion = new nn.CrossEntropyLoss();
    const params = [...decoder.parameters(), ...encoder_linear.parameters(), ...encoder_bn.parameters()];
    const optimizer = new optim.Adam(params, { lr: 0.01 });
    const log: number[] = [];
    const batches: unknown[] = [];
    for (let epoch = 0; epoch < 2; epoch++) {
      for (const [images, captions, lengths] of data_loader) {
        const targets = nn.utils.rnn.pack_padded_sequence(captions, lengths, { batch_first: true })[0];
        const features = encoder_bn(encoder_linear(images));
        const outputs = decoder(features, captions, lengths);
        const loss = criterion(outputs, targets);
        decoder.zero_grad();
        encoder_linear.zero_grad();
        encoder_bn.zero_grad();
        loss.backward();
        optimizer.step();
        log.push(loss.item());
        batches.push([captions.tolist(), lengths]);
      }
    }
    const r = ref.captioning;
    expect(batches).toEqual(r.batches);
    expectNums(log, r.log, 1e-5);
    encoder_bn.eval();
    const sampled_ids = torch.no_grad(() => decoder.sample(encoder_bn(encoder_linear(feats.index(":2")))));
    expect(sampled_ids.tolist()).toEqual(r.sampled_ids);
    expectT(encoder_bn.running_var!, r.running_var, 1e-6);
    // the namedtuple's other fields and its unpacking
    const packed = nn.utils.rnn.pack_padded_sequence(torch.tensor([[1, 2, 3], [4, 5, 0]], long), [3, 2], { batch_first: true });
    const [data, batch_sizes, sorted_indices, unsorted_indices] = packed;
    expect([data!.tolist(), batch_sizes!.tolist(), sorted_indices, unsorted_indices]).toEqual([[1, 4, 2, 5, 3], [2, 2, 1], null, null]);
    expect([packed[1].tolist(), packed[2], packed[3]]).toEqual([[2, 2, 1], null, null]);
  });

  it("pytorch_basics 6: resnet18 with every parameter frozen and a new nn.Linear(resnet.fc.in_features, 100) top layer", () => {
    torch.manual_seed(0);
    const resnet = torchvision.models.resnet18();
    for (const param of resnet.parameters()) param.requires_grad = false;
    resnet.fc = new nn.Linear(resnet.fc.in_features, 100);
    const images = torch.randn(2, 3, 64, 64);
    const outputs = resnet(images);
    const r = ref.basics_resnet;
    expect(outputs.size()).toEqual(r.size);
    expect([...resnet.parameters()].filter((p) => p.requires_grad).reduce((s, p) => s + p.numel(), 0)).toBe(r.trainable);
    expectT(outputs.index(null, ":5"), r.outputs, 1e-4);
  });
});

describe("rasbt ch14 part 2: image transformations on a CelebA-sized tensor", () => {
  it("functional crop / hflip / adjust_contrast(contrast_factor=) / adjust_brightness(brightness_factor=) / center_crop + resize, the seeded Random* pipelines", () => {
    const { transforms } = torchvision;
    const TF = transforms.functional;
    torch.manual_seed(2);
    const img = torch.rand(3, 218, 178);
    const r = ref.ch14_transforms;
    const part = (t: Tensor) => t.index(null, ":2", ":3");
    expectT(part(TF.crop(img, 50, 20, 128, 128) as Tensor), r.crop, 0);
    expectT(part(TF.hflip(img) as Tensor), r.hflip, 0);
    expectNums([(TF.adjust_contrast(img, { contrast_factor: 2 }) as Tensor).sum().item()], [r.contrast_sum], 1e-6);
    expectNums([(TF.adjust_brightness(img, { brightness_factor: 1.3 }) as Tensor).sum().item()], [r.brightness_sum], 1e-6);
    expect((TF.adjust_contrast(img, 2) as Tensor).equal(TF.adjust_contrast(img, { contrast_factor: 2 }) as Tensor)).toBe(true);
    // torch's TypeErrors (the engine's class is TypeError_; unknown keywords also list the accepted ones)
    expect(thrown(() => TF.adjust_contrast(img, { factor: 2 } as never))?.[1]).toMatch(/^adjust_contrast\(\) got an unexpected keyword argument 'factor'/);
    expect(thrown(() => (TF.adjust_brightness as (img: Tensor) => unknown)(img))).toEqual(["TypeError_", "adjust_brightness() missing 1 required positional argument: 'brightness_factor'"]);
    expectT(part(TF.resize(TF.center_crop(img, [152, 124]), { size: [218, 178] }) as Tensor), r.center_crop_resized, 1e-5);

    torch.manual_seed(1);
    const img_cropped = new transforms.Compose([new transforms.RandomCrop([178, 178])])(img);
    const img_flip = new transforms.Compose([new transforms.RandomHorizontalFlip()])(img_cropped);
    const img_resized = TF.resize(img_flip, { size: [128, 128] }) as Tensor;
    expectNums([img_resized.sum().item()], [r.random_pipeline_sum], 1e-6);
    const transform_train = new transforms.Compose([new transforms.RandomCrop([178, 178]), new transforms.RandomHorizontalFlip(), new transforms.Resize([64, 64])]);
    const transform = new transforms.Compose([new transforms.CenterCrop([178, 178]), new transforms.Resize([64, 64])]);
    expectNums([(transform_train(img) as Tensor).sum().item(), (transform(img) as Tensor).sum().item()], [r.train_sum, r.eval_sum], 1e-6);
  });
});

describe("yunjey/pytorch-tutorial: neural_style_transfer (32 x 32 images)", () => {
  it("VGGNet over vgg.features' _modules (ReLU(inplace=True) rectifies the saved conv outputs), content and Gram-matrix style losses, Adam(betas=[0.5, 0.999]) on the image, denorm + clamp_", () => {
    /**
     * vgg19().features' layers and initialisation (torchvision's cfg "E", kaiming_normal_ fan_out) without building
     * the 120M-parameter classifier (10 s of draws here, thrown away with the pretrained weights anyway).
     */
    function vgg19_features(): nn.Sequential {
      const layers: nn.Module[] = [];
      let in_channels = 3;
      for (const v of [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512, 512, 512, 512, "M"] as const) {
        if (v === "M") layers.push(new nn.MaxPool2d({ kernel_size: 2, stride: 2 }));
        else {
          layers.push(new nn.Conv2d(in_channels, v, { kernel_size: 3, padding: 1 }), new nn.ReLU({ inplace: true }));
          in_channels = v;
        }
      }
      const features = new nn.Sequential(...layers);
      for (const m of features.modules()) {
        if (m instanceof nn.Conv2d) {
          nn.init.kaiming_normal_(m.weight, { mode: "fan_out", nonlinearity: "relu" });
          nn.init.constant_(m.bias!, 0);
        }
      }
      return features;
    }
    class VGGNet extends nn.Module {
      select = ["0", "5", "10", "19", "28"];
      vgg = vgg19_features(); // models.vgg19(pretrained=True).features
      forward(x: Tensor): Tensor[] {
        const features: Tensor[] = [];
        for (const [name, layer] of Object.entries(this.vgg._modules)) { // self.vgg._modules.items()
          x = layer!(x);
          if (this.select.includes(name)) features.push(x);
        }
        return features;
      }
    }
    const { transforms } = torchvision;
    torch.manual_seed(0);
    const normalize = new transforms.Normalize({ mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] });
    const content = (normalize(torch.rand(3, 32, 32)) as Tensor).unsqueeze(0).to(device);
    const style = (normalize(torch.rand(3, 32, 32)) as Tensor).unsqueeze(0).to(device);
    const target = content.clone().requires_grad_(true);
    const optimizer = new optim.Adam([target], { lr: 0.003, betas: [0.5, 0.999] });
    const vgg = new VGGNet().to(device).eval();
    const log: number[][] = [];
    let target_features: Tensor[] = [];
    for (let step = 0; step < 2; step++) {
      target_features = vgg(target);
      const content_features = vgg(content);
      const style_features = vgg(style);
      let style_loss: Tensor | number = 0;
      let content_loss: Tensor | number = 0;
      for (let k = 0; k < target_features.length; k++) {
        const [f1, f2, f3] = [target_features[k], content_features[k], style_features[k]];
        content_loss = torch.add(torch.mean(f1.sub(f2).pow(2)), content_loss);
        const [, c, h, w] = f1.size();
        const g1 = torch.mm(f1.view(c, h * w), f1.view(c, h * w).t());
        const g3 = torch.mm(f3.view(c, h * w), f3.view(c, h * w).t());
        style_loss = torch.add(torch.mean(g1.sub(g3).pow(2)).div(c * h * w), style_loss);
      }
      const [cl, sl] = [content_loss as Tensor, style_loss as Tensor]; // tensors after the first feature map
      const loss = cl.add(sl.mul(100));
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
      log.push([cl.item(), sl.item()]);
    }
    const r = ref.style_transfer;
    expect(target_features.map((f) => f.shape)).toEqual(r.shapes);
    log.flat().forEach((v, i) => {
      const e = (r.log as number[][]).flat()[i];
      expect(Math.abs(v - e), `loss ${i}: ${v} vs ${e}`).toBeLessThanOrEqual(1e-3 * Math.abs(e) + 1e-12);
    });
    const denorm = new transforms.Normalize([-2.12, -2.04, -1.80], [4.37, 4.46, 4.44]);
    let img = target.clone().squeeze();
    img = (denorm(img) as Tensor).clamp_(0, 1);
    expectT(img.index(null, ":2", ":3"), r.img, 1e-5);
    // what the saved features relied on: ReLU(inplace=True) and F.relu(x, inplace=True) write into x and return it
    const x = torch.tensor([-1, 2]);
    expect([new nn.ReLU({ inplace: true })(x) === x, x.tolist()]).toEqual([true, [0, 2]]);
    const x2 = torch.tensor([-3, 4]);
    expect([F.relu(x2, true) === x2, x2.tolist(), F.relu(x2.neg()).tolist(), x2.tolist()]).toEqual([true, [0, 4], [0, 0], [0, 4]]);
    expect(thrown(() => F.relu(torch.randn(2, { requires_grad: true }), { inplace: true }))?.[1]).toMatch(/^a leaf Variable that requires grad is being used in an in-place operation/);
  });
});

describe("inplace=True on the other activation modules (LeakyReLU(0.2, inplace=True) as DCGANs write it)", () => {
  it("overwrites the input and returns it, gradients through the rewritten graph equal torch's", () => {
    const mods: [string, nn.Module][] = [
      ["LeakyReLU", new nn.LeakyReLU(0.2, true)], ["ELU", new nn.ELU({ alpha: 1.0, inplace: true })], ["ReLU6", new nn.ReLU6(true)],
      ["SELU", new nn.SELU(true)], ["SiLU", new nn.SiLU(true)], ["Hardtanh", new nn.Hardtanh(-0.5, 0.5, true)],
      ["Hardswish", new nn.Hardswish(true)], ["Hardsigmoid", new nn.Hardsigmoid(true)], ["Mish", new nn.Mish(true)],
      ["Threshold", new nn.Threshold(0.1, 20, true)], ["CELU", new nn.CELU(1.0, true)],
    ];
    for (const [name, mod] of mods) {
      torch.manual_seed(0);
      const x = torch.randn(5, { requires_grad: true });
      const y = x.mul(3);
      const out = mod(y) as Tensor;
      out.pow(2).sum().backward();
      const r = ref.inplace_activations[name];
      expect(out === y, name).toBe(r.same);
      expectT(y, r.y, 1e-6);
      expectT(x.grad!, r.grad, 1e-5);
    }
    // nn.Dropout(0.5, inplace=True): the same mask as torch's, drawn once, written into the input
    torch.manual_seed(0);
    const xd = torch.randn(8, { requires_grad: true });
    const yd = xd.mul(3);
    const od = new nn.Dropout(0.5, true)(yd);
    od.pow(2).sum().backward();
    expect(od === yd).toBe(ref.inplace_dropout.same);
    expectT(yd, ref.inplace_dropout.y, 1e-6);
    expectT(xd.grad!, ref.inplace_dropout.grad, 1e-5);
    const x = torch.tensor([-2, 0.5, 9]);
    expect([F.leaky_relu(x, 0.1, true) === x, x.tolist()]).toEqual([true, [-0.20000000298023224, 0.5, 9]]);
    expect(F.hardtanh(x, { inplace: true }).tolist()).toEqual([-0.20000000298023224, 0.5, 1]);
    expect(x.tolist()).toEqual([-0.20000000298023224, 0.5, 1]);
  });
});
