/**
 * A probe with the official pytorch/examples repository: the models and training loops of
 * word_language_model (RNNModel for LSTM / GRU / RNN_TANH / RNN_RELU with tied weights,
 * PositionalEncoding, TransformerModel subclassing nn.Transformer, batchify / get_batch,
 * repackage_hidden, clip_grad_norm_, the manual SGD update and the AdamW option, evaluate),
 * time_sequence_prediction (two LSTMCells in float64 trained by LBFGS with a closure, predicting
 * the future), mnist (Net, Adadelta, StepLR, log_softmax / nll_loss, the test loop), mnist_rnn
 * (LSTM batch_first + BatchNorm1d + Dropout2d on a 2-D input), siamese_network (resnet18 with a new
 * conv1, children()[:-1], apply(init_weights), BCELoss), super_resolution (orthogonal_ with
 * calculate_gain, PixelShuffle, PSNR), vae (reparameterize, BCE + KLD), regression (polynomial
 * features, smooth_l1_loss, param.data.add_), fast_neural_style (TransformerNet: ReflectionPad2d,
 * InstanceNorm2d(affine), nearest interpolate, gram_matrix, normalize_batch), dcgan (Generator /
 * Discriminator, weights_init by class name, the D and G steps), mnist_forward_forward (Layer
 * extends nn.Linear with its own Adam, overlay_y_on_x, get_y_neg, predict), gat (GraphAttentionLayer
 * with .mT and torch.where masking, the GAT model, train / test) and gcn (GraphConv with torch.spmm).
 * Datasets are replaced by seeded random tensors and sizes are small; each result is checked
 * against torch 1.13 running the same code (scripts/fixtures/pytorch_examples_fixtures.py ->
 * tests/fixtures/torch/tutorials/pytorch_examples.json). The engine's generator follows torch's
 * stream, so seeded initialisation, dropout masks and torch.randint / randn agree with torch's.
 *
 * What the probe found in the engine (fixed next to this file): float32 randn / normal_ of 16 or more
 * elements differed from torch's in the last bits (torch computes that Box-Muller in float32 with
 * avx_mathfun's log / sincos; the engine in double), up to tens of ulps near a zero of sin / cos, so
 * seeded conv / resnet inits drifted (lib/tensor/random.ts now follows torch's float32 steps: bit
 * equal); torch.spmm was missing (the GCN's GraphConv; with dense operands it is mm); the types refused
 * two forms the runtime ran: nn.Linear's fifth positional dtype (Layer's super(in, out, bias, device,
 * dtype)) and torch.empty({ size }) (torch.empty(size=(...)) in the GAT layer).
 * Two things not fixed: float32 sin / cos / exp differ from torch's SIMD (Sleef) results by an ulp now
 * and then (the sine-wave data below is float64, as numpy makes it in the example), and the sparse
 * layouts (refused).
 *
 * Python forms written differently here:
 *   - `self.decoder.weight = self.encoder.weight` (tying) is the same assignment; `getattr(nn, rnn_type)`
 *     picks the class from a map; `next(self.parameters())` is `this.parameters()[0]`.
 *   - `source[i:i+seq_len]` is `source.index(\`${i}:${i + seq_len}\`)`; `x_[:, :classes] *= 0.0` is
 *     `x_.index(":", ":10").mul_(0)`; `x_[range(n), y] = x.max()` is `index_put_([torch.arange(n), y], x.max())`;
 *     `pe[:, 0::2] = ...` is `index_put_([":", "0::2"], ...)`; `scale_vector[scale_vector == inf] = 0` is masked_fill_.
 *   - mnist_forward_forward's Layer and Net name their training method `train(x_pos, x_neg)`, overriding
 *     nn.Module.train(mode); TypeScript refuses an override with another signature, so it is `train_ff` here.
 *   - `torch.Tensor(input_dim, output_dim)` (GraphConv's legacy constructor) needs `new` in JS.
 *   - the GCN's `degree_mat @ adj_mat @ degree_mat` (sparse @ dense @ sparse) does not run in torch 1.13
 *     (no dense @ sparse): the fixture makes the right factor dense; here all three are dense.
 *   - `torch.where(outputs > 0.5, 1, 0)` is float32 here (JS numbers do not say int), int64 in torch.
 *   - TransformerModel extends nn.Transformer, replaces its `decoder` with an nn.Linear and defines
 *     forward(src, has_mask): both change the base class's types, so the class is declared through a cast.
 *   - gat / gcn's load_cora builds torch.sparse_coo_tensor adjacency and .to_sparse() diagonals: the graph is
 *     built dense here with index_put_(..., accumulate=True) (the sparse tensor's to_dense() equals it, checked),
 *     and torch.spmm multiplies dense tensors. The values equal torch's sparse run.
 */
import { describe, expect, it } from "vitest";
import { F, nn, optim, torch, torchvision, type Tensor } from "../../../../lib/tensor/index";
import { expectClose } from "../core/fixtures";
import { tutorialFixture } from "./helpers";

type FT = { shape: number[]; data: number[] };
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const ref = tutorialFixture<Record<string, any>>("pytorch_examples.json");
const close = (actual: Tensor | number[] | number, expected: FT | number[] | number, rtol = 1e-4, atol = 1e-5, label = ""): void => {
  const a = typeof actual === "number" ? [actual] : actual;
  const e = typeof expected === "number" ? [expected] : Array.isArray(expected) ? expected : expected.data;
  if (!Array.isArray(expected) && typeof expected === "object" && !Array.isArray(a)) expect((a as Tensor).shape).toEqual(expected.shape);
  expectClose(Array.isArray(a) ? a : (a as Tensor).detach().reshape(-1), e, rtol, atol, label);
};

describe("seeded initialisation", () => {
  it("float32 randn / normal_ / kaiming_normal_ draws equal torch's bit for bit (its AVX2 Box-Muller)", () => {
    torch.manual_seed(0);
    expect(torch.randn(1000).tolist()).toEqual(ref.randn_1000.data);
    torch.manual_seed(5);
    expect(torch.empty(37).normal_(0.3, 0.02).tolist()).toEqual(ref.normal_37.data);
    torch.manual_seed(3);
    const w = torch.empty(64, 64, 3, 3);
    nn.init.kaiming_normal_(w, { mode: "fan_out", nonlinearity: "relu" });
    expect(w.reshape(-1).index(":64").tolist()).toEqual(ref.kaiming_head.data);
  });
});

// ---------------------------------------------------------------------------------------------
// word_language_model
// ---------------------------------------------------------------------------------------------
type Hidden = Tensor | [Tensor, Tensor];
const RNN_CLASSES = { LSTM: nn.LSTM, GRU: nn.GRU };

class RNNModel extends nn.Module {
  ntoken: number;
  drop: nn.Dropout;
  encoder: nn.Embedding;
  rnn: nn.LSTM | nn.GRU | nn.RNN;
  decoder: nn.Linear;
  rnn_type: string;
  nhid: number;
  nlayers: number;
  constructor(rnn_type: string, ntoken: number, ninp: number, nhid: number, nlayers: number, dropout = 0.5, tie_weights = false) {
    super();
    this.ntoken = ntoken;
    this.drop = new nn.Dropout(dropout);
    this.encoder = new nn.Embedding(ntoken, ninp);
    if (rnn_type === "LSTM" || rnn_type === "GRU") {
      this.rnn = new RNN_CLASSES[rnn_type](ninp, nhid, nlayers, { dropout });
    } else {
      const nonlinearity = ({ RNN_TANH: "tanh", RNN_RELU: "relu" } as Record<string, string>)[rnn_type];
      if (nonlinearity === undefined) throw new Error("An invalid option for `--model` was supplied");
      this.rnn = new nn.RNN(ninp, nhid, nlayers, { nonlinearity: nonlinearity as "tanh" | "relu", dropout });
    }
    this.decoder = new nn.Linear(nhid, ntoken);
    if (tie_weights) {
      if (nhid !== ninp) throw new Error("When using the tied flag, nhid must be equal to emsize");
      this.decoder.weight = this.encoder.weight;
    }
    this.init_weights();
    this.rnn_type = rnn_type;
    this.nhid = nhid;
    this.nlayers = nlayers;
  }
  init_weights(): void {
    const initrange = 0.1;
    nn.init.uniform_(this.encoder.weight, -initrange, initrange);
    nn.init.zeros_(this.decoder.bias!);
    nn.init.uniform_(this.decoder.weight, -initrange, initrange);
  }
  forward(input: Tensor, hidden: Hidden): [Tensor, Hidden] {
    const emb = this.drop(this.encoder(input));
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const [rnn_output, h] = (this.rnn as any)(emb, hidden) as [Tensor, Hidden]; // output, hidden = self.rnn(emb, hidden)
    const output = this.drop(rnn_output);
    let decoded = this.decoder(output);
    decoded = decoded.view(-1, this.ntoken);
    return [F.log_softmax(decoded, { dim: 1 }), h];
  }
  init_hidden(bsz: number): Hidden {
    const weight = this.parameters()[0];
    if (this.rnn_type === "LSTM") return [weight.new_zeros(this.nlayers, bsz, this.nhid), weight.new_zeros(this.nlayers, bsz, this.nhid)];
    return weight.new_zeros(this.nlayers, bsz, this.nhid);
  }
}

class PositionalEncoding extends nn.Module {
  dropout: nn.Dropout;
  declare pe: Tensor;
  constructor(d_model: number, dropout = 0.1, max_len = 5000) {
    super();
    this.dropout = new nn.Dropout({ p: dropout });
    let pe = torch.zeros(max_len, d_model);
    const position = torch.arange(0, max_len, { dtype: torch.float }).unsqueeze(1);
    const div_term = torch.exp(torch.arange(0, d_model, 2).float().mul(-Math.log(10000.0) / d_model));
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

// TransformerModel(nn.Transformer): replaces the base class's decoder with an nn.Linear and its
// forward(src, tgt, ...) with forward(src, has_mask), which the base class's types do not allow.
class TransformerModelImpl extends nn.Transformer {
  model_type = "Transformer";
  src_mask: Tensor | null = null;
  pos_encoder: PositionalEncoding;
  input_emb: nn.Embedding;
  ninp: number;
  constructor(ntoken: number, ninp: number, nhead: number, nhid: number, nlayers: number, dropout = 0.5) {
    super({ d_model: ninp, nhead, dim_feedforward: nhid, num_encoder_layers: nlayers });
    this.pos_encoder = new PositionalEncoding(ninp, dropout);
    this.input_emb = new nn.Embedding(ntoken, ninp);
    this.ninp = ninp;
    (this as { decoder: unknown }).decoder = new nn.Linear(ninp, ntoken);
    this.init_weights();
  }
  get lm_decoder(): nn.Linear {
    return (this as { decoder: unknown }).decoder as nn.Linear;
  }
  _generate_square_subsequent_mask(sz: number): Tensor {
    return torch.log(torch.tril(torch.ones(sz, sz)));
  }
  init_weights(): void {
    const initrange = 0.1;
    nn.init.uniform_(this.input_emb.weight, -initrange, initrange);
    nn.init.zeros_(this.lm_decoder.bias!);
    nn.init.uniform_(this.lm_decoder.weight, -initrange, initrange);
  }
  lm_forward(src: Tensor, has_mask = true): Tensor {
    if (has_mask) {
      if (this.src_mask === null || this.src_mask.size(0) !== src.size(0)) {
        this.src_mask = this._generate_square_subsequent_mask(src.size(0));
      }
    } else {
      this.src_mask = null;
    }
    src = this.input_emb(src).mul(Math.sqrt(this.ninp));
    src = this.pos_encoder(src);
    let output = this.encoder(src, { mask: this.src_mask });
    output = this.lm_decoder(output);
    return F.log_softmax(output, { dim: -1 });
  }
}
// model(data) calls forward: point it at the LM's forward, as the Python subclass's override does.
Object.defineProperty(TransformerModelImpl.prototype, "forward", { value: TransformerModelImpl.prototype.lm_forward });
const TransformerModel = TransformerModelImpl as unknown as new (...a: ConstructorParameters<typeof TransformerModelImpl>) => TransformerModelImpl &
  ((src: Tensor, has_mask?: boolean) => Tensor);

function batchify(data: Tensor, bsz: number): Tensor {
  const nbatch = Math.floor(data.size(0) / bsz);
  data = data.narrow(0, 0, nbatch * bsz);
  data = data.view(bsz, -1).t().contiguous();
  return data;
}

function repackage_hidden(h: Hidden): Hidden {
  if (h instanceof torch.Tensor) return h.detach();
  return h.map((v) => repackage_hidden(v)) as [Tensor, Tensor];
}

const BPTT = 5;
function get_batch(source: Tensor, i: number): [Tensor, Tensor] {
  const seq_len = Math.min(BPTT, source.size(0) - 1 - i);
  const data = source.index(`${i}:${i + seq_len}`);
  const target = source.index(`${i + 1}:${i + 1 + seq_len}`).view(-1);
  return [data, target];
}

function wlm(model_name: string, tied = false, use_optimizer = false) {
  torch.manual_seed(1111);
  const ntokens = 20;
  const corpus = torch.randint(0, ntokens, [83]);
  const train_data = batchify(corpus, 4);
  const val_data = batchify(corpus.index(":43"), 2);
  const isT = model_name === "Transformer";
  const model = isT ? new TransformerModel(ntokens, 8, 2, 16, 2, 0.2) : new RNNModel(model_name, ntokens, 8, 8, 2, 0.2, tied);
  const run = (data: Tensor, hidden: Hidden | null): [Tensor, Hidden | null] =>
    isT ? [(model as InstanceType<typeof TransformerModel>)(data).view(-1, ntokens), null] : (model as RNNModel)(data, hidden!);
  const criterion = new nn.NLLLoss();
  const lr = 20.0, clip = 0.25;
  const optimizer = use_optimizer ? new torch.optim.AdamW(model.parameters(), { lr: 0.01 }) : null;
  model.train();
  const losses: number[] = [], norms: number[] = [];
  let hidden: Hidden | null = isT ? null : (model as RNNModel).init_hidden(4);
  for (let i = 0; i < train_data.size(0) - 1; i += BPTT) {
    const [data, targets] = get_batch(train_data, i);
    if (optimizer) optimizer.zero_grad();
    else model.zero_grad();
    if (hidden !== null) hidden = repackage_hidden(hidden);
    let output: Tensor;
    [output, hidden] = run(data, hidden);
    const loss = criterion(output, targets);
    loss.backward();
    norms.push(torch.nn.utils.clip_grad_norm_(model.parameters(), clip).item());
    if (optimizer) optimizer.step();
    else for (const p of model.parameters()) p.data.add_(p.grad!, { alpha: -lr });
    losses.push(loss.item());
  }
  model.eval();
  let total_loss = 0;
  hidden = isT ? null : (model as RNNModel).init_hidden(2);
  torch.no_grad(() => {
    for (let i = 0; i < val_data.size(0) - 1; i += BPTT) {
      const [data, targets] = get_batch(val_data, i);
      let output: Tensor;
      [output, hidden] = run(data, hidden);
      if (hidden !== null) hidden = repackage_hidden(hidden);
      total_loss += data.size(0) * criterion(output, targets).item();
    }
  });
  const n_params = model.parameters().reduce((s, p) => s + p.numel(), 0);
  return { losses, norms, val_loss: total_loss / (val_data.size(0) - 1), n_params };
}

describe("word_language_model", () => {
  for (const [key, name, tied, adamw] of [
    ["wlm_lstm_tied", "LSTM", true, false],
    ["wlm_gru", "GRU", false, false],
    ["wlm_rnn_tanh", "RNN_TANH", false, false],
    ["wlm_rnn_relu_adamw", "RNN_RELU", false, true],
    ["wlm_transformer", "Transformer", false, false],
  ] as const) {
    it(`${name}${tied ? " (tied)" : ""}${adamw ? " with AdamW" : ""}: train losses, clipped norms, val loss`, () => {
      const r = wlm(name, tied, adamw);
      const e = ref[key];
      expect(r.n_params).toBe(e.n_params);
      close(r.losses, e.losses, 2e-4, 1e-5, "losses");
      close(r.norms, e.norms, 2e-3, 1e-5, "norms");
      close(r.val_loss, e.val_loss, 2e-4, 1e-5, "val_loss");
    });
  }

  it("tied weights share one Parameter; PositionalEncoding's buffer; the log-tril mask", () => {
    const m = new RNNModel("LSTM", 10, 6, 6, 1, 0.5, true);
    expect(m.decoder.weight).toBe(m.encoder.weight);
    expect(m.parameters().filter((p) => p === m.encoder.weight)).toHaveLength(1);
    expect(() => new RNNModel("LSTM", 10, 6, 8, 1, 0.5, true)).toThrow("nhid must be equal to emsize");
    const pe = new PositionalEncoding(6, 0.0, 10);
    close(pe.pe, ref.pe_buffer, 1e-5, 1e-6);
    const mask = torch.log(torch.tril(torch.ones(3, 3)));
    expect(mask.tolist()).toEqual((ref.square_mask as (number | string)[][]).map((r) => r.map((v) => (v === "-inf" ? -Infinity : v))));
  });
});

// ---------------------------------------------------------------------------------------------
// time_sequence_prediction
// ---------------------------------------------------------------------------------------------
class Sequence extends nn.Module {
  lstm1 = new nn.LSTMCell(1, 51);
  lstm2 = new nn.LSTMCell(51, 51);
  linear = new nn.Linear(51, 1);
  forward(input: Tensor, future = 0): Tensor {
    let outputs: Tensor[] = [];
    let h_t = torch.zeros(input.size(0), 51, { dtype: torch.double });
    let c_t = torch.zeros(input.size(0), 51, { dtype: torch.double });
    let h_t2 = torch.zeros(input.size(0), 51, { dtype: torch.double });
    let c_t2 = torch.zeros(input.size(0), 51, { dtype: torch.double });
    let output!: Tensor;
    for (const input_t of input.split(1, { dim: 1 })) {
      [h_t, c_t] = this.lstm1(input_t, [h_t, c_t]);
      [h_t2, c_t2] = this.lstm2(h_t, [h_t2, c_t2]);
      output = this.linear(h_t2);
      outputs = [...outputs, output];
    }
    for (let i = 0; i < future; i++) {
      [h_t, c_t] = this.lstm1(output, [h_t, c_t]);
      [h_t2, c_t2] = this.lstm2(h_t, [h_t2, c_t2]);
      output = this.linear(h_t2);
      outputs = [...outputs, output];
    }
    return torch.cat(outputs, { dim: 1 });
  }
}

describe("time_sequence_prediction", () => {
  it("two LSTMCells in float64 trained by LBFGS(lr=0.8) with a closure; test loss and the future", () => {
    const T_ = 20, L = 16, N = 6;
    const offsets = torch.tensor([-57, 3, 41, -12, 66, -30], { dtype: torch.long }).reshape(N, 1);
    const x = torch.arange(L).unsqueeze(0).add(offsets);
    const data = torch.sin(x.double().div(1.0).div(T_)); // numpy's float64 in generate_sine_wave.py
    const input = data.index("3:", ":-1");
    const target = data.index("3:", "1:");
    const test_input = data.index(":3", ":-1");
    const test_target = data.index(":3", "1:");
    torch.manual_seed(0);
    const seq = new Sequence();
    seq.double();
    const criterion = new nn.MSELoss();
    const optimizer = new optim.LBFGS(seq.parameters(), { lr: 0.8 });
    const losses: number[] = [], test_losses: number[] = [];
    let pred!: Tensor;
    const future = 4;
    for (let i = 0; i < 2; i++) {
      const closure = () => {
        optimizer.zero_grad();
        const out = seq(input);
        const loss = criterion(out, target);
        losses.push(loss.item());
        loss.backward();
        return loss;
      };
      optimizer.step(closure);
      torch.no_grad(() => {
        pred = seq(test_input, future);
        const loss = criterion(pred.index(":", `:-${future}`), test_target);
        test_losses.push(loss.item());
      });
    }
    const e = ref.time_sequence;
    expect(losses).toHaveLength(e.closure_losses.length);
    close(losses, e.closure_losses, 1e-6, 1e-9, "closure losses");
    close(test_losses, e.test_losses, 1e-6, 1e-9, "test losses");
    close(pred.index(":", `-${future}:`), e.pred_last, 1e-6, 1e-9, "future");
    expect(pred.dtype).toBe(torch.float64);
  });
});

// ---------------------------------------------------------------------------------------------
// mnist and mnist_rnn
// ---------------------------------------------------------------------------------------------
class MnistNet extends nn.Module {
  conv1 = new nn.Conv2d(1, 32, 3, 1);
  conv2 = new nn.Conv2d(32, 64, 3, 1);
  dropout1 = new nn.Dropout(0.25);
  dropout2 = new nn.Dropout(0.5);
  fc1 = new nn.Linear(9216, 128);
  fc2 = new nn.Linear(128, 10);
  forward(x: Tensor): Tensor {
    x = this.conv1(x);
    x = F.relu(x);
    x = this.conv2(x);
    x = F.relu(x);
    x = F.max_pool2d(x, 2);
    x = this.dropout1(x);
    x = torch.flatten(x, 1);
    x = this.fc1(x);
    x = F.relu(x);
    x = this.dropout2(x);
    x = this.fc2(x);
    return F.log_softmax(x, { dim: 1 });
  }
}

class MnistRnnNet extends nn.Module {
  rnn = new nn.LSTM({ input_size: 28, hidden_size: 64, batch_first: true });
  batchnorm = new nn.BatchNorm1d(64);
  dropout1 = new nn.Dropout2d(0.25);
  dropout2 = new nn.Dropout2d(0.5);
  fc1 = new nn.Linear(64, 32);
  fc2 = new nn.Linear(32, 10);
  forward(input: Tensor): Tensor {
    input = input.reshape(-1, 28, 28);
    let [output] = this.rnn(input);
    output = output.index(":", -1, ":");
    output = this.batchnorm(output);
    output = this.dropout1(output);
    output = this.fc1(output);
    output = F.relu(output);
    output = this.dropout2(output);
    output = this.fc2(output);
    return F.log_softmax(output, { dim: 1 });
  }
}

function mnistLike(make: () => nn.Module, lr: number) {
  torch.manual_seed(1);
  const model = make();
  const data = torch.rand(2, 4, 1, 28, 28);
  const target = torch.randint(0, 10, [2, 4]);
  const optimizer = new optim.Adadelta(model.parameters(), { lr });
  const scheduler = new optim.lr_scheduler.StepLR(optimizer, { step_size: 1, gamma: 0.7 });
  const losses: number[] = [], lrs: number[] = [];
  for (let epoch = 0; epoch < 2; epoch++) {
    model.train();
    for (let batch_idx = 0; batch_idx < 2; batch_idx++) {
      optimizer.zero_grad();
      const output = model(data.index(batch_idx)) as Tensor;
      const loss = F.nll_loss(output, target.index(batch_idx));
      loss.backward();
      optimizer.step();
      losses.push(loss.item());
    }
    scheduler.step();
    lrs.push(scheduler.get_last_lr()[0]);
  }
  model.eval();
  let test_loss = 0, correct = 0;
  let output!: Tensor;
  torch.no_grad(() => {
    output = model(data.index(0)) as Tensor;
    test_loss += F.nll_loss(output, target.index(0), { reduction: "sum" }).item();
    const pred = output.argmax({ dim: 1, keepdim: true });
    correct += pred.eq(target.index(0).view_as(pred)).sum().item();
  });
  return { losses, lrs, test_loss, correct, output };
}

describe("mnist and mnist_rnn", () => {
  for (const [key, make, lr] of [
    ["mnist", () => new MnistNet(), 1.0],
    ["mnist_rnn", () => new MnistRnnNet(), 0.1],
  ] as const) {
    it(`${key}: Adadelta + StepLR(step_size=1, gamma=0.7) with dropout, then the test loop`, () => {
      const r = mnistLike(make, lr);
      const e = ref[key];
      close(r.losses, e.losses, 2e-4, 1e-5, "losses");
      close(r.lrs, e.lrs, 1e-12, 0, "lrs");
      close(r.test_loss, e.test_loss, 2e-4, 1e-5, "test loss");
      expect(r.correct).toBe(e.correct);
      close(r.output, e.eval_out, 2e-4, 1e-4, "eval output");
    });
  }
});

// ---------------------------------------------------------------------------------------------
// siamese_network
// ---------------------------------------------------------------------------------------------
class SiameseNetwork extends nn.Module {
  resnet: nn.Sequential;
  fc_in_features: number;
  fc: nn.Sequential;
  sigmoid = new nn.Sigmoid();
  constructor() {
    super();
    const resnet = torchvision.models.resnet18({ weights: null });
    resnet.conv1 = new nn.Conv2d(1, 64, { kernel_size: [7, 7], stride: [2, 2], padding: [3, 3], bias: false });
    this.fc_in_features = resnet.fc.in_features;
    this.resnet = new nn.Sequential(...resnet.children().slice(0, -1));
    this.fc = new nn.Sequential(new nn.Linear(this.fc_in_features * 2, 256), new nn.ReLU({ inplace: true }), new nn.Linear(256, 1));
    this.resnet.apply((m) => this.init_weights(m));
    this.fc.apply((m) => this.init_weights(m));
  }
  init_weights(m: nn.Module): void {
    if (m instanceof nn.Linear) {
      torch.nn.init.xavier_uniform_(m.weight);
      m.bias!.data.fill_(0.01);
    }
  }
  forward_once(x: Tensor): Tensor {
    const output = this.resnet(x) as Tensor;
    return output.view(output.size()[0], -1);
  }
  forward(input1: Tensor, input2: Tensor): Tensor {
    const output1 = this.forward_once(input1);
    const output2 = this.forward_once(input2);
    let output = torch.cat([output1, output2], 1);
    output = this.fc(output);
    return this.sigmoid(output);
  }
}

describe("siamese_network", () => {
  it("resnet18 trunk with a 1-channel conv1: BCELoss and its gradients, then eval predictions", () => {
    torch.manual_seed(1);
    const model = new SiameseNetwork();
    expect(model.fc_in_features).toBe(512);
    expect(model.resnet.children()).toHaveLength(9);
    const images_1 = torch.rand(3, 1, 28, 28);
    const images_2 = torch.rand(3, 1, 28, 28);
    const targets = torch.tensor([1.0, 0.0, 1.0]);
    const optimizer = new optim.Adadelta(model.parameters(), { lr: 1.0 });
    const criterion = new nn.BCELoss();
    model.train();
    optimizer.zero_grad();
    const outputs = model(images_1, images_2).squeeze();
    const loss = criterion(outputs, targets);
    loss.backward();
    model.eval();
    const eval_out = torch.no_grad(() => model(images_1, images_2).squeeze());
    const pred = torch.where(eval_out.gt(0.5), 1, 0);
    const e = ref.siamese;
    close(loss.item(), e.loss, 1e-4, 1e-5, "loss");
    // The trunk's last BatchNorm normalises 3 values per channel in training mode (a batch of 3 at
    // 1x1), which turns float32 rounding differences (1e-6 after layer4) into 1e-4 at the output and
    // about 0.3 % in the gradients (torch's own float32 vs float64 runs differ as much); Adadelta's
    // first step (lr=1.0, ~3e-3 * sign(grad) per weight) then scatters the trained model, so the
    // example's training steps are not compared. The eval-mode forward uses the running statistics.
    close((model.fc.get(2) as nn.Linear).weight.grad!.norm().item(), e.fc_grad_norm, 1e-2, 1e-6, "fc grad norm");
    close((model.resnet.get(0) as nn.Conv2d).weight.grad!.norm().item(), e.conv1_grad_norm, 1e-2, 1e-6, "conv1 grad norm");
    close(eval_out, e.eval_out, 1e-4, 1e-5, "eval");
    expect(pred.tolist()).toEqual(e.pred);
  });
});

// ---------------------------------------------------------------------------------------------
// super_resolution
// ---------------------------------------------------------------------------------------------
class SRNet extends nn.Module {
  relu = new nn.ReLU();
  conv1 = new nn.Conv2d(1, 64, [5, 5], [1, 1], [2, 2]);
  conv2 = new nn.Conv2d(64, 64, [3, 3], [1, 1], [1, 1]);
  conv3 = new nn.Conv2d(64, 32, [3, 3], [1, 1], [1, 1]);
  conv4: nn.Conv2d;
  pixel_shuffle: nn.PixelShuffle;
  constructor(upscale_factor: number) {
    super();
    this.conv4 = new nn.Conv2d(32, upscale_factor ** 2, [3, 3], [1, 1], [1, 1]);
    this.pixel_shuffle = new nn.PixelShuffle(upscale_factor);
    this._initialize_weights();
  }
  forward(x: Tensor): Tensor {
    x = this.relu(this.conv1(x));
    x = this.relu(this.conv2(x));
    x = this.relu(this.conv3(x));
    return this.pixel_shuffle(this.conv4(x));
  }
  _initialize_weights(): void {
    const init = nn.init;
    init.orthogonal_(this.conv1.weight, init.calculate_gain("relu"));
    init.orthogonal_(this.conv2.weight, init.calculate_gain("relu"));
    init.orthogonal_(this.conv3.weight, init.calculate_gain("relu"));
    init.orthogonal_(this.conv4.weight);
  }
}

describe("super_resolution", () => {
  it("orthogonal_ with calculate_gain('relu') draws torch's matrices", () => {
    torch.manual_seed(123);
    const m = new SRNet(3);
    const e = ref.sr_init;
    close(m.conv1.weight.index(":3"), e.conv1_w, 1e-4, 1e-5, "conv1");
    close(m.conv4.weight.index(":", ":2"), e.conv4_w, 1e-4, 1e-5, "conv4");
    const w = m.conv2.weight.detach().reshape(64, -1);
    close(w.matmul(w.t()).index(":3", ":3"), e.conv2_gram, 1e-4, 1e-5, "gram");
  });

  it("three Adam steps on an MSE upscaling loss, then PSNR; PixelShuffle's order", () => {
    torch.manual_seed(123);
    const model = new SRNet(3);
    const criterion = new nn.MSELoss();
    const optimizer = new optim.Adam(model.parameters(), { lr: 0.01 });
    const inp = torch.rand(2, 1, 6, 6);
    const target = torch.rand(2, 1, 18, 18);
    const losses: number[] = [];
    for (let i = 0; i < 3; i++) {
      optimizer.zero_grad();
      const loss = criterion(model(inp), target);
      losses.push(loss.item());
      loss.backward();
      optimizer.step();
    }
    const mse = torch.no_grad(() => criterion(model(inp), target));
    const psnr = 10 * Math.log10(1 / mse.item());
    const e = ref.super_resolution;
    close(losses, e.losses, 1e-3, 1e-5, "losses");
    close(psnr, e.psnr, 1e-3, 1e-5, "psnr");
    close(new nn.PixelShuffle(2)(torch.arange(32.0).reshape(1, 8, 2, 2)), ref.pixel_shuffle, 0, 0);
  });
});

// ---------------------------------------------------------------------------------------------
// vae
// ---------------------------------------------------------------------------------------------
class VAE extends nn.Module {
  fc1 = new nn.Linear(784, 400);
  fc21 = new nn.Linear(400, 20);
  fc22 = new nn.Linear(400, 20);
  fc3 = new nn.Linear(20, 400);
  fc4 = new nn.Linear(400, 784);
  encode(x: Tensor): [Tensor, Tensor] {
    const h1 = F.relu(this.fc1(x));
    return [this.fc21(h1), this.fc22(h1)];
  }
  reparameterize(mu: Tensor, logvar: Tensor): Tensor {
    const std = torch.exp(logvar.mul(0.5));
    const eps = torch.randn_like(std);
    return mu.add(eps.mul(std));
  }
  decode(z: Tensor): Tensor {
    const h3 = F.relu(this.fc3(z));
    return torch.sigmoid(this.fc4(h3));
  }
  forward(x: Tensor): [Tensor, Tensor, Tensor] {
    const [mu, logvar] = this.encode(x.view(-1, 784));
    const z = this.reparameterize(mu, logvar);
    return [this.decode(z), mu, logvar];
  }
}

function loss_function(recon_x: Tensor, x: Tensor, mu: Tensor, logvar: Tensor): Tensor {
  const BCE = F.binary_cross_entropy(recon_x, x.view(-1, 784), { reduction: "sum" });
  const KLD = torch.sum(logvar.add(1).sub(mu.pow(2)).sub(logvar.exp())).mul(-0.5);
  return BCE.add(KLD);
}

describe("vae", () => {
  it("reparameterize with randn_like, BCE + KLD, three Adam steps, sampling and the test loss", () => {
    torch.manual_seed(1);
    const model = new VAE();
    const optimizer = new optim.Adam(model.parameters(), { lr: 1e-3 });
    const data = torch.rand(3, 4, 1, 28, 28);
    model.train();
    const losses: number[] = [];
    for (let batch_idx = 0; batch_idx < 3; batch_idx++) {
      optimizer.zero_grad();
      const [recon_batch, mu, logvar] = model(data.index(batch_idx));
      const loss = loss_function(recon_batch, data.index(batch_idx), mu, logvar);
      loss.backward();
      losses.push(loss.item());
      optimizer.step();
    }
    model.eval();
    const { sample, test_loss } = torch.no_grad(() => {
      const sample = model.decode(torch.randn(2, 20));
      const [recon, mu, logvar] = model(data.index(0));
      return { sample, test_loss: loss_function(recon, data.index(0), mu, logvar).item() };
    });
    const e = ref.vae;
    close(losses, e.losses, 1e-5, 1e-5, "losses");
    close(sample.sum().item(), e.sample_sum, 1e-5, 1e-5, "sample sum");
    close(sample.index(":", ":5"), e.sample_head, 1e-4, 1e-6, "sample");
    close(test_loss, e.test_loss, 1e-5, 1e-5, "test loss");
  });
});

// ---------------------------------------------------------------------------------------------
// regression
// ---------------------------------------------------------------------------------------------
describe("regression", () => {
  it("polynomial features, smooth_l1_loss and param.data.add_(-0.1 * param.grad) for 200 batches", () => {
    torch.manual_seed(0);
    const POLY_DEGREE = 4;
    const W_target = torch.randn(POLY_DEGREE, 1).mul(5);
    const b_target = torch.randn(1).mul(5);
    const make_features = (x: Tensor) => {
      x = x.unsqueeze(1);
      return torch.cat(Array.from({ length: POLY_DEGREE }, (_, k) => x.pow(k + 1)), 1);
    };
    const f = (x: Tensor) => x.mm(W_target).add(b_target.item());
    const fmt = (v: number) => (v >= 0 ? "+" : "") + v.toFixed(2); // '{:+.2f}'
    const poly_desc = (W: Tensor, b: Tensor) => {
      let result = "y = ";
      (W.tolist() as number[]).forEach((w, i) => (result += `${fmt(w)} x^${i + 1} `));
      return result + fmt(b.index(0).item());
    };
    const get_batch = (batch_size = 32): [Tensor, Tensor] => {
      const random = torch.randn(batch_size);
      const x = make_features(random);
      return [x, f(x)];
    };
    const fc = new torch.nn.Linear(W_target.size(0), 1);
    const losses: number[] = [];
    for (let batch_idx = 1; batch_idx <= 200; batch_idx++) {
      const [batch_x, batch_y] = get_batch();
      fc.zero_grad();
      const output = F.smooth_l1_loss(fc(batch_x), batch_y);
      const loss = output.item();
      output.backward();
      for (const param of fc.parameters()) param.data.add_(param.grad!.mul(-0.1));
      losses.push(loss);
      if (loss < 1e-3) break;
    }
    const e = ref.regression;
    expect(losses).toHaveLength(e.n);
    close([...losses.slice(0, 10), ...losses.slice(-3)], e.losses, 1e-3, 1e-5, "losses");
    expect(poly_desc(fc.weight.view(-1), fc.bias!)).toBe(e.learned);
    expect(poly_desc(W_target.view(-1), b_target)).toBe(e.actual);
  });
});

// ---------------------------------------------------------------------------------------------
// fast_neural_style
// ---------------------------------------------------------------------------------------------
class ConvLayer extends nn.Module {
  reflection_pad: nn.ReflectionPad2d;
  conv2d: nn.Conv2d;
  constructor(in_channels: number, out_channels: number, kernel_size: number, stride: number) {
    super();
    const reflection_padding = Math.floor(kernel_size / 2);
    this.reflection_pad = new torch.nn.ReflectionPad2d(reflection_padding);
    this.conv2d = new torch.nn.Conv2d(in_channels, out_channels, kernel_size, stride);
  }
  forward(x: Tensor): Tensor {
    return this.conv2d(this.reflection_pad(x));
  }
}

class ResidualBlock extends nn.Module {
  conv1: ConvLayer;
  in1: nn.InstanceNorm2d;
  conv2: ConvLayer;
  in2: nn.InstanceNorm2d;
  relu = new torch.nn.ReLU();
  constructor(channels: number) {
    super();
    this.conv1 = new ConvLayer(channels, channels, 3, 1);
    this.in1 = new torch.nn.InstanceNorm2d(channels, { affine: true });
    this.conv2 = new ConvLayer(channels, channels, 3, 1);
    this.in2 = new torch.nn.InstanceNorm2d(channels, { affine: true });
  }
  forward(x: Tensor): Tensor {
    const residual = x;
    let out = this.relu(this.in1(this.conv1(x)));
    out = this.in2(this.conv2(out));
    return out.add(residual);
  }
}

class UpsampleConvLayer extends nn.Module {
  reflection_pad: nn.ReflectionPad2d;
  conv2d: nn.Conv2d;
  constructor(in_channels: number, out_channels: number, kernel_size: number, stride: number, readonly upsample: number | null = null) {
    super();
    const reflection_padding = Math.floor(kernel_size / 2);
    this.reflection_pad = new torch.nn.ReflectionPad2d(reflection_padding);
    this.conv2d = new torch.nn.Conv2d(in_channels, out_channels, kernel_size, stride);
  }
  forward(x: Tensor): Tensor {
    let x_in = x;
    if (this.upsample) x_in = torch.nn.functional.interpolate(x_in, { mode: "nearest", scale_factor: this.upsample });
    return this.conv2d(this.reflection_pad(x_in));
  }
}

class TransformerNet extends nn.Module {
  conv1 = new ConvLayer(3, 32, 9, 1);
  in1 = new torch.nn.InstanceNorm2d(32, { affine: true });
  conv2 = new ConvLayer(32, 64, 3, 2);
  in2 = new torch.nn.InstanceNorm2d(64, { affine: true });
  conv3 = new ConvLayer(64, 128, 3, 2);
  in3 = new torch.nn.InstanceNorm2d(128, { affine: true });
  res1 = new ResidualBlock(128);
  res2 = new ResidualBlock(128);
  res3 = new ResidualBlock(128);
  res4 = new ResidualBlock(128);
  res5 = new ResidualBlock(128);
  deconv1 = new UpsampleConvLayer(128, 64, 3, 1, 2);
  in4 = new torch.nn.InstanceNorm2d(64, { affine: true });
  deconv2 = new UpsampleConvLayer(64, 32, 3, 1, 2);
  in5 = new torch.nn.InstanceNorm2d(32, { affine: true });
  deconv3 = new ConvLayer(32, 3, 9, 1);
  relu = new torch.nn.ReLU();
  forward(X: Tensor): Tensor {
    let y = this.relu(this.in1(this.conv1(X)));
    y = this.relu(this.in2(this.conv2(y)));
    y = this.relu(this.in3(this.conv3(y)));
    y = this.res1(y);
    y = this.res2(y);
    y = this.res3(y);
    y = this.res4(y);
    y = this.res5(y);
    y = this.relu(this.in4(this.deconv1(y)));
    y = this.relu(this.in5(this.deconv2(y)));
    return this.deconv3(y);
  }
}

function gram_matrix(y: Tensor): Tensor {
  const [b, ch, h, w] = y.size();
  const features = y.view(b, ch, w * h);
  const features_t = features.transpose(1, 2);
  return features.bmm(features_t).div(ch * h * w);
}

function normalize_batch(batch: Tensor): Tensor {
  const mean = batch.new_tensor([0.485, 0.456, 0.406]).view(-1, 1, 1);
  const std = batch.new_tensor([0.229, 0.224, 0.225]).view(-1, 1, 1);
  batch = batch.div_(255.0);
  return batch.sub(mean).div(std);
}

describe("fast_neural_style", () => {
  it("TransformerNet: two Adam steps on content + style (gram) losses, then its output", () => {
    torch.manual_seed(42);
    const transformer = new TransformerNet();
    const optimizer = new optim.Adam(transformer.parameters(), 1e-3);
    const mse_loss = new torch.nn.MSELoss();
    const x = torch.rand(1, 3, 12, 12).mul(255);
    const style = normalize_batch(torch.rand(1, 3, 12, 12).mul(255));
    const gram_style = gram_matrix(style);
    const init_out = torch.no_grad(() => transformer(x));
    const losses: number[][] = [];
    for (let i = 0; i < 2; i++) {
      optimizer.zero_grad();
      let y = transformer(x);
      y = normalize_batch(y);
      const xn = normalize_batch(x.clone());
      const content_loss = mse_loss(y, xn).mul(1e5);
      const style_loss = mse_loss(gram_matrix(y), gram_style).mul(1e10);
      const total_loss = content_loss.add(style_loss);
      total_loss.backward();
      optimizer.step();
      losses.push([content_loss.item(), style_loss.item()]);
    }
    const out = torch.no_grad(() => transformer(x));
    const e = ref.fast_neural_style;
    close(losses.flat(), e.losses.flat(), 1e-3, 1e-3, "losses");
    close(init_out.index(0, ":", ":2", ":3"), e.init_head, 1e-4, 1e-5, "initial output");
    close(init_out.mean().item(), e.init_mean, 1e-4, 1e-5, "initial output mean");
    // Adam's first step moves every parameter by lr * sign(grad): the conv biases in front of an
    // InstanceNorm have a zero gradient up to rounding (0.06 against 1e8 elsewhere), so their signs,
    // and individual outputs after the steps, follow rounding; the mean does not.
    close(out.mean().item(), e.out_mean, 1e-3, 1e-4, "output mean");
    close(gram_style.index(0, ":2"), e.gram_style, 1e-4, 1e-6, "gram");
  });
});

// ---------------------------------------------------------------------------------------------
// dcgan
// ---------------------------------------------------------------------------------------------
const nz = 8, ngf = 4, ndf = 4, nc = 3;

function weights_init(m: nn.Module): void {
  const classname = m.constructor.name;
  if (classname.indexOf("Conv") !== -1) {
    torch.nn.init.normal_((m as nn.Conv2d).weight, 0.0, 0.02);
  } else if (classname.indexOf("BatchNorm") !== -1) {
    torch.nn.init.normal_((m as nn.BatchNorm2d).weight!, 1.0, 0.02);
    torch.nn.init.zeros_((m as nn.BatchNorm2d).bias!);
  }
}

class Generator extends nn.Module {
  main = new nn.Sequential(
    new nn.ConvTranspose2d(nz, ngf * 8, 4, 1, 0, { bias: false }),
    new nn.BatchNorm2d(ngf * 8),
    new nn.ReLU(true),
    new nn.ConvTranspose2d(ngf * 8, ngf * 4, 4, 2, 1, { bias: false }),
    new nn.BatchNorm2d(ngf * 4),
    new nn.ReLU(true),
    new nn.ConvTranspose2d(ngf * 4, ngf * 2, 4, 2, 1, { bias: false }),
    new nn.BatchNorm2d(ngf * 2),
    new nn.ReLU(true),
    new nn.ConvTranspose2d(ngf * 2, ngf, 4, 2, 1, { bias: false }),
    new nn.BatchNorm2d(ngf),
    new nn.ReLU(true),
    new nn.ConvTranspose2d(ngf, nc, 4, 2, 1, { bias: false }),
    new nn.Tanh(),
  );
  constructor(readonly ngpu: number) {
    super();
  }
  forward(input: Tensor): Tensor {
    return this.main(input);
  }
}

class Discriminator extends nn.Module {
  main = new nn.Sequential(
    new nn.Conv2d(nc, ndf, 4, 2, 1, { bias: false }),
    new nn.LeakyReLU(0.2, { inplace: true }),
    new nn.Conv2d(ndf, ndf * 2, 4, 2, 1, { bias: false }),
    new nn.BatchNorm2d(ndf * 2),
    new nn.LeakyReLU(0.2, { inplace: true }),
    new nn.Conv2d(ndf * 2, ndf * 4, 4, 2, 1, { bias: false }),
    new nn.BatchNorm2d(ndf * 4),
    new nn.LeakyReLU(0.2, { inplace: true }),
    new nn.Conv2d(ndf * 4, ndf * 8, 4, 2, 1, { bias: false }),
    new nn.BatchNorm2d(ndf * 8),
    new nn.LeakyReLU(0.2, { inplace: true }),
    new nn.Conv2d(ndf * 8, 1, 4, 1, 0, { bias: false }),
    new nn.Sigmoid(),
  );
  constructor(readonly ngpu: number) {
    super();
  }
  forward(input: Tensor): Tensor {
    const output = this.main(input);
    return output.view(-1, 1).squeeze(1);
  }
}

describe("dcgan", () => {
  it("weights_init by class name; two D / G steps with BCELoss and Adam(betas=(0.5, 0.999))", () => {
    torch.manual_seed(999);
    const netG = new Generator(0);
    netG.apply(weights_init);
    const netD = new Discriminator(0);
    netD.apply(weights_init);
    const criterion = new nn.BCELoss();
    const fixed_noise = torch.randn(2, nz, 1, 1);
    const real_label = 1, fake_label = 0;
    const optimizerD = new optim.Adam(netD.parameters(), { lr: 0.0002, betas: [0.5, 0.999] });
    const optimizerG = new optim.Adam(netG.parameters(), { lr: 0.0002, betas: [0.5, 0.999] });
    const reals = torch.rand(2, 3, nc, 64, 64).mul(2).sub(1);
    const stats: number[][] = [];
    for (let i = 0; i < 2; i++) {
      netD.zero_grad();
      const real_cpu = reals.index(i);
      const batch_size = real_cpu.size(0);
      const label = torch.full([batch_size], real_label, { dtype: real_cpu.dtype });
      let output = netD(real_cpu);
      const errD_real = criterion(output, label);
      errD_real.backward();
      const D_x = output.mean().item();
      const noise = torch.randn(batch_size, nz, 1, 1);
      const fake = netG(noise);
      label.fill_(fake_label);
      output = netD(fake.detach());
      const errD_fake = criterion(output, label);
      errD_fake.backward();
      const D_G_z1 = output.mean().item();
      const errD = errD_real.add(errD_fake);
      optimizerD.step();
      netG.zero_grad();
      label.fill_(real_label);
      output = netD(fake);
      const errG = criterion(output, label);
      errG.backward();
      const D_G_z2 = output.mean().item();
      optimizerG.step();
      stats.push([errD.item(), errG.item(), D_x, D_G_z1, D_G_z2]);
    }
    const fake = netG(fixed_noise).detach();
    const e = ref.dcgan;
    close(stats.flat(), e.stats.flat(), 5e-4, 1e-5, "stats");
    expect(fake.shape).toEqual(e.fake_shape);
    close(fake.index(0, 0, ":2", ":4"), e.fake_head, 5e-3, 1e-5, "fake");
    close(fake.mean().item(), e.fake_mean, 5e-3, 1e-5, "fake mean");
    close((netG.main.get(1) as nn.BatchNorm2d).running_mean!.index(":4"), e.running_mean, 1e-4, 1e-6, "running mean");
  });
});

// ---------------------------------------------------------------------------------------------
// mnist_forward_forward
// ---------------------------------------------------------------------------------------------
describe("mnist_forward_forward", () => {
  it("layer-local training with goodness, overlay_y_on_x, get_y_neg, predict", () => {
    torch.manual_seed(1);
    const lr = 0.03, threshold = 2.0, num_epochs = 8;

    function get_y_neg(y: Tensor): Tensor {
      const y_neg = y.clone();
      (y.tolist() as number[]).forEach((y_samp, idx) => {
        const allowed_indices = Array.from({ length: 10 }, (_, k) => k).filter((k) => k !== y_samp);
        y_neg.index_put_([idx], torch.tensor(allowed_indices, { dtype: torch.long }).index(torch.randint(allowed_indices.length, [1])).item());
      });
      return y_neg;
    }
    function overlay_y_on_x(x: Tensor, y: Tensor | number, classes = 10): Tensor {
      const x_ = x.clone();
      x_.index(":", `:${classes}`).mul_(0.0);
      x_.index_put_([torch.arange(x.shape[0]), y], x.max());
      return x_;
    }
    class Layer extends nn.Linear {
      relu = new torch.nn.ReLU();
      opt: optim.Adam;
      threshold = threshold;
      num_epochs = num_epochs;
      losses: number[] = [];
      constructor(in_features: number, out_features: number, bias = true, device = null, dtype = null) {
        super(in_features, out_features, bias, device, dtype);
        this.opt = new optim.Adam(this.parameters(), { lr });
      }
      forward(x: Tensor): Tensor {
        const x_direction = x.div(x.norm(2, 1, { keepdim: true }).add(1e-4));
        return this.relu(torch.mm(x_direction, this.weight.T).add(this.bias!.unsqueeze(0)));
      }
      train_ff(x_pos: Tensor, x_neg: Tensor): [Tensor, Tensor] {
        for (let i = 0; i < this.num_epochs; i++) {
          const g_pos = this.forward(x_pos).pow(2).mean(1);
          const g_neg = this.forward(x_neg).pow(2).mean(1);
          const loss = torch.log1p(torch.exp(torch.cat([g_pos.neg().add(this.threshold), g_neg.sub(this.threshold)]))).mean();
          this.opt.zero_grad();
          loss.backward();
          this.opt.step();
          this.losses.push(loss.item());
        }
        return [this.forward(x_pos).detach(), this.forward(x_neg).detach()];
      }
    }
    class Net extends torch.nn.Module {
      layers: Layer[] = [];
      constructor(dims: number[]) {
        super();
        for (let d = 0; d < dims.length - 1; d++) this.layers = [...this.layers, new Layer(dims[d], dims[d + 1])];
      }
      predict(x: Tensor): Tensor {
        const goodness_per_label: Tensor[] = [];
        for (let label = 0; label < 10; label++) {
          let h = overlay_y_on_x(x, label);
          const goodness: Tensor[] = [];
          for (const layer of this.layers) {
            h = layer(h);
            goodness.push(h.pow(2).mean(1));
          }
          goodness_per_label.push(goodness.reduce((s, g) => s.add(g)).unsqueeze(1));
        }
        return torch.cat(goodness_per_label, 1).argmax(1);
      }
      train_ff(x_pos: Tensor, x_neg: Tensor): void {
        let [h_pos, h_neg] = [x_pos, x_neg];
        for (const layer of this.layers) [h_pos, h_neg] = layer.train_ff(h_pos, h_neg);
      }
    }
    const x = torch.rand(16, 784).sub(0.1307).div(0.3081);
    const y = torch.randint(0, 10, [16]);
    const net = new Net([784, 50, 50]);
    const x_pos = overlay_y_on_x(x, y);
    const y_neg = get_y_neg(y);
    const x_neg = overlay_y_on_x(x, y_neg);
    net.train_ff(x_pos, x_neg);
    const pred = net.predict(x);
    const e = ref.forward_forward;
    expect(y_neg.tolist()).toEqual(e.y_neg);
    close(x_pos.index(":2", ":12"), e.x_pos_head, 1e-6, 1e-6, "x_pos");
    close(net.layers.flatMap((l) => l.losses), e.losses.flat(), 1e-4, 1e-6, "losses");
    expect(pred.tolist()).toEqual(e.pred);
    close(1.0 - pred.eq(y).float().mean().item(), e.train_error, 1e-6, 1e-6, "train error");
  });
});

// ---------------------------------------------------------------------------------------------
// gat and gcn
// ---------------------------------------------------------------------------------------------
class GraphAttentionLayer extends nn.Module {
  n_hidden: number;
  out_features = 0;
  W: nn.Parameter;
  a: nn.Parameter;
  leakyrelu: nn.LeakyReLU;
  softmax = new nn.Softmax({ dim: 1 });
  constructor(in_features: number, out_features: number, readonly n_heads: number, readonly concat = false, readonly dropout = 0.4, leaky_relu_slope = 0.2) {
    super();
    if (concat) {
      this.out_features = out_features;
      if (out_features % n_heads !== 0) throw new Error("AssertionError");
      this.n_hidden = Math.floor(out_features / n_heads);
    } else {
      this.n_hidden = out_features;
    }
    this.W = new nn.Parameter(torch.empty({ size: [in_features, this.n_hidden * n_heads] }));
    this.a = new nn.Parameter(torch.empty({ size: [n_heads, 2 * this.n_hidden, 1] }));
    this.leakyrelu = new nn.LeakyReLU(leaky_relu_slope);
    this.reset_parameters();
  }
  reset_parameters(): void {
    nn.init.xavier_normal_(this.W);
    nn.init.xavier_normal_(this.a);
  }
  _get_attention_scores(h_transformed: Tensor): Tensor {
    const source_scores = torch.matmul(h_transformed, this.a.index(":", `:${this.n_hidden}`, ":"));
    const target_scores = torch.matmul(h_transformed, this.a.index(":", `${this.n_hidden}:`, ":"));
    const e = source_scores.add(target_scores.mT);
    return this.leakyrelu(e);
  }
  forward(h: Tensor, adj_mat: Tensor): Tensor {
    const n_nodes = h.shape[0];
    let h_transformed = torch.mm(h, this.W);
    h_transformed = F.dropout(h_transformed, this.dropout, { training: this.training });
    h_transformed = h_transformed.view(n_nodes, this.n_heads, this.n_hidden).permute(1, 0, 2);
    let e = this._get_attention_scores(h_transformed);
    const connectivity_mask = torch.ones_like(e).mul(-9e16);
    e = torch.where(adj_mat.gt(0), e, connectivity_mask);
    let attention = F.softmax(e, { dim: -1 });
    attention = F.dropout(attention, this.dropout, { training: this.training });
    let h_prime = torch.matmul(attention, h_transformed);
    if (this.concat) h_prime = h_prime.permute(1, 0, 2).contiguous().view(n_nodes, this.out_features);
    else h_prime = h_prime.mean({ dim: 0 });
    return h_prime;
  }
}

class GAT extends nn.Module {
  gat1: GraphAttentionLayer;
  gat2: GraphAttentionLayer;
  constructor(o: { in_features: number; n_hidden: number; n_heads: number; num_classes: number; concat?: boolean; dropout?: number; leaky_relu_slope?: number }) {
    super();
    const { concat = false, dropout = 0.4, leaky_relu_slope = 0.2 } = o;
    this.gat1 = new GraphAttentionLayer(o.in_features, o.n_hidden, o.n_heads, concat, dropout, leaky_relu_slope);
    this.gat2 = new GraphAttentionLayer(o.n_hidden, o.num_classes, 1, false, dropout, leaky_relu_slope);
  }
  forward(input_tensor: Tensor, adj_mat: Tensor): Tensor {
    let x = this.gat1(input_tensor, adj_mat);
    x = F.elu(x);
    x = this.gat2(x, adj_mat);
    return F.log_softmax(x, { dim: 1 });
  }
}

class GraphConv extends nn.Module {
  kernel: nn.Parameter;
  bias: nn.Parameter | null = null;
  constructor(input_dim: number, output_dim: number, use_bias = false) {
    super();
    this.kernel = new nn.Parameter(new torch.Tensor(input_dim, output_dim));
    nn.init.xavier_normal_(this.kernel);
    if (use_bias) {
      this.bias = new nn.Parameter(new torch.Tensor(output_dim));
      nn.init.zeros_(this.bias);
    }
  }
  forward(input_tensor: Tensor, adj_mat: Tensor): Tensor {
    const support = torch.mm(input_tensor, this.kernel);
    let output = torch.spmm(adj_mat, support);
    if (this.bias !== null) output = output.add(this.bias);
    return output;
  }
}

class GCN extends nn.Module {
  gc1: GraphConv;
  gc2: GraphConv;
  dropout: nn.Dropout;
  constructor(input_dim: number, hidden_dim: number, output_dim: number, use_bias = true, dropout_p = 0.1) {
    super();
    this.gc1 = new GraphConv(input_dim, hidden_dim, use_bias);
    this.gc2 = new GraphConv(hidden_dim, output_dim, use_bias);
    this.dropout = new nn.Dropout(dropout_p);
  }
  forward(input_tensor: Tensor, adj_mat: Tensor): Tensor {
    let x = this.gc1(input_tensor, adj_mat);
    x = F.relu(x);
    x = this.dropout(x);
    x = this.gc2(x, adj_mat);
    return F.log_softmax(x, { dim: 1 });
  }
}

/** The fixture's small Cora stand-in, and load_cora's preprocessing with dense tensors. */
function graphData() {
  const g = new torch.Generator().manual_seed(7);
  const V = 12, E = 18;
  let features = torch.rand(V, 10, { generator: g }).gt(0.6).float();
  features.index_put_([3], 0.0);
  const labels = torch.randint(0, 3, [V], { generator: g });
  const edges = torch.randint(0, V, [E, 2], { generator: g });
  let scale_vector = torch.sum(features, { dim: 1 });
  scale_vector = scale_vector.reciprocal();
  scale_vector.masked_fill_(scale_vector.eq(Infinity), 0);
  features = torch.diag(scale_vector).matmul(features);
  // torch.sparse_coo_tensor(edges.T, torch.ones(E), (V, V), dtype=torch.int64), made dense
  const adj = torch.zeros([V, V], { dtype: torch.int64 }).index_put_([edges.T.index(0), edges.T.index(1)], torch.ones(E, { dtype: torch.int64 }), { accumulate: true });
  const adj_mat = torch.eye(V).add(adj);
  return { features, labels, adj_mat, V, edges };
}

describe("gat and gcn", () => {
  it("load_cora's sparse tensors, made dense, are the dense adjacency built here", () => {
    const { edges, V, adj_mat } = graphData();
    const adj = torch.sparse_coo_tensor(edges.T, torch.ones(18), [V, V], { dtype: torch.int64 }).to_dense();
    expect(torch.eye(V).add(adj).tolist()).toEqual(adj_mat.tolist());
    expect(torch.diag(torch.ones(3)).to_sparse()._nnz()).toBe(3);
  });

  it("GAT: masked multi-head attention, three Adam(weight_decay) steps with dropout, train / test", () => {
    const { features, labels, adj_mat, V } = graphData();
    const e = ref.gat;
    close(features, e.features, 1e-6, 1e-7, "features");
    close(adj_mat, e.adj, 0, 0, "adjacency");
    expect(adj_mat.dtype).toBe(torch.float32);
    torch.manual_seed(13);
    const gat = new GAT({ in_features: 10, n_hidden: 8, n_heads: 2, num_classes: 3, concat: false, dropout: 0.6, leaky_relu_slope: 0.2 });
    const optimizer = new optim.Adam(gat.parameters(), { lr: 0.005, weight_decay: 5e-4 });
    const criterion = new nn.NLLLoss();
    const idx = torch.randperm(V);
    const [mask_train, mask_val] = [idx.index(":8"), idx.index("8:")];
    const losses: number[] = [], vals: number[][] = [];
    let output!: Tensor;
    for (let epoch = 0; epoch < 3; epoch++) {
      gat.train();
      optimizer.zero_grad();
      output = gat(features, adj_mat);
      const loss = criterion(output.index(mask_train), labels.index(mask_train));
      loss.backward();
      optimizer.step();
      losses.push(loss.item());
      gat.eval();
      torch.no_grad(() => {
        output = gat(features, adj_mat);
        const [output_v, target_v] = [output.index(mask_val), labels.index(mask_val)];
        const acc = output_v.argmax({ dim: 1 }).eq(target_v).float().sum().div(target_v.size(0));
        vals.push([criterion(output_v, target_v).item(), acc.item()]);
      });
    }
    close(losses, e.losses, 1e-4, 1e-6, "losses");
    close(vals.flat(), e.vals.flat(), 1e-4, 1e-6, "val");
    close(output, e.eval_out, 1e-4, 1e-5, "eval output");
  });

  it("GCN: the renormalised adjacency D^-1/2 (A + I) D^-1/2 and torch.spmm, three Adam steps", () => {
    const { features, labels, V } = graphData();
    let { adj_mat } = graphData();
    let degree_mat = torch.sum(adj_mat, { dim: 1 });
    degree_mat = torch.sqrt(degree_mat.reciprocal());
    degree_mat.masked_fill_(degree_mat.eq(Infinity), 0);
    degree_mat = torch.diag(degree_mat);
    adj_mat = degree_mat.matmul(adj_mat).matmul(degree_mat);
    const e = ref.gcn;
    // torch.spmm with dense operands is torch.mm (torch 1.13 runs torch.spmm(dense, dense) too)
    const [a, b] = [torch.arange(6.0).reshape(2, 3), torch.arange(6.0).reshape(3, 2)];
    expect(torch.spmm(a, b).tolist()).toEqual(torch.mm(a, b).tolist());
    expect(() => torch.spmm(a, a)).toThrow(/cannot be multiplied/);
    expect(torch.spmm(a, { mat2: b }).tolist()).toEqual(torch.mm(a, b).tolist());
    expect(() => torch.spmm(a, b, { zzz: 1 } as never)).toThrow("spmm() got an unexpected keyword argument 'zzz'");
    close(adj_mat, e.adj_norm, 1e-6, 1e-7, "normalised adjacency");
    torch.manual_seed(21);
    const gcn = new GCN(10, 16, 3, true, 0.5);
    const optimizer = new optim.Adam(gcn.parameters(), { lr: 0.01, weight_decay: 5e-4 });
    const criterion = new nn.NLLLoss();
    const mask_train = torch.randperm(V).index(":8");
    const losses: number[] = [];
    for (let epoch = 0; epoch < 3; epoch++) {
      gcn.train();
      optimizer.zero_grad();
      const output = gcn(features, adj_mat);
      const loss = criterion(output.index(mask_train), labels.index(mask_train));
      loss.backward();
      optimizer.step();
      losses.push(loss.item());
    }
    gcn.eval();
    const output = torch.no_grad(() => gcn(features, adj_mat));
    close(losses, e.losses, 1e-4, 1e-6, "losses");
    close(output, e.eval_out, 1e-4, 1e-5, "eval output");
  });
});

// ---------------------------------------------------------------------------------------------
// reinforcement_learning/actor_critic
// ---------------------------------------------------------------------------------------------
class Policy extends nn.Module {
  affine1 = new nn.Linear(4, 128);
  action_head = new nn.Linear(128, 2);
  value_head = new nn.Linear(128, 1);
  saved_actions: [Tensor, Tensor][] = [];
  rewards: number[] = [];
  forward(x: Tensor): [Tensor, Tensor] {
    x = F.relu(this.affine1(x));
    const action_prob = F.softmax(this.action_head(x), { dim: -1 });
    const state_values = this.value_head(x);
    return [action_prob, state_values];
  }
}

describe("reinforcement_learning", () => {
  it("actor_critic: Categorical sampling, normalised returns, policy + smooth_l1 value losses, Adam", () => {
    torch.manual_seed(543);
    const model = new Policy();
    const optimizer = new optim.Adam(model.parameters(), { lr: 3e-2 });
    const eps = torch.finfo(torch.float32).eps; // np.finfo(np.float32).eps.item()
    const gamma = 0.99;
    const actions: number[] = [], losses: number[] = [];
    for (let episode = 0; episode < 3; episode++) {
      // the fixture's toy environment in place of gym's CartPole
      let state = torch.rand(4).sub(0.5);
      for (let t = 0; t < 8; t++) {
        const [probs, state_value] = model(state);
        const m = new torch.distributions.Categorical(probs);
        const action = m.sample();
        model.saved_actions.push([m.log_prob(action), state_value]);
        actions.push(action.item());
        state = state.mul(0.9).add(action.item() === 1 ? 0.1 : -0.1);
        model.rewards.push(1.0 - Math.abs(state.index(0).item()));
      }
      let R = 0;
      const policy_losses: Tensor[] = [], value_losses: Tensor[] = [], returnsList: number[] = [];
      for (const r of [...model.rewards].reverse()) {
        R = r + gamma * R;
        returnsList.unshift(R);
      }
      let returns = torch.tensor(returnsList);
      returns = returns.sub(returns.mean()).div(returns.std().add(eps));
      model.saved_actions.forEach(([log_prob, value], i) => {
        const Ri = returns.index(i).item();
        const advantage = Ri - value.item();
        policy_losses.push(log_prob.neg().mul(advantage));
        value_losses.push(F.smooth_l1_loss(value, torch.tensor([Ri])));
      });
      optimizer.zero_grad();
      const loss = torch.stack(policy_losses).sum().add(torch.stack(value_losses).sum());
      loss.backward();
      optimizer.step();
      losses.push(loss.item());
      model.rewards.length = 0; // del model.rewards[:]
      model.saved_actions.length = 0;
    }
    const e = ref.actor_critic;
    expect(eps).toBe(e.eps);
    expect(actions).toEqual(e.actions);
    close(losses, e.losses, 1e-4, 1e-5, "losses");
  });
});
