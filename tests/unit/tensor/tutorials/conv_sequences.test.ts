/**
 * Convolutional sequence models in plain PyTorch, translated as a learner would, at toy sizes:
 *  - locuslab/TCN: TCN/tcn.py (Chomp1d, TemporalBlock with weight_norm'd dilated Conv1d and the 1x1 downsample,
 *    init_weights' normal_ on the computed weight, TemporalConvNet), TCN/adding_problem (model.py, utils.py's
 *    data_generator, add_test.py's train / evaluate with mse_loss and clip_grad_norm_), TCN/mnist_pixel (model.py's
 *    log_softmax head, pmnist_test.py's permuted pixels, nll_loss, the printed accuracy);
 *  - golbin/WaveNet: wavenet/networks.py (CausalConv1d, DilatedCausalConv1d, ResidualBlock with its in-place
 *    residual add, ResidualStack, DensNet, WaveNet) and model.py's train step, plus a learner's gated WaveNet
 *    (F.pad on the left, chunked tanh * sigmoid, residual and skip 1x1 convs) and mu-law companding;
 *  - Shawn1993/cnn-text-classification-pytorch: model.py (CNN_Text: Embedding, unsqueeze(1), Conv2d (K, D) kernels
 *    in a ModuleList, max_pool1d over time, cat, dropout) and train.py's train / eval / predict;
 *  - ServiceNow/N-BEATS models/nbeats.py (NBeatsBlock, NBeats, Generic / Trend / Seasonality bases, the smape and
 *    mape losses' divide_no_nan) and philipperemy/n-beats nbeats_pytorch/model.py (linear_space, trend_model /
 *    seasonality_model, Trend / Seasonality blocks sharing their theta layer, GenericBlock).
 * Values, gradients, losses over a few steps, reprs, state_dict keys and the learner's typical errors are compared
 * with torch 1.13 running the same code (scripts/fixtures/conv_sequences_fixtures.py ->
 * tests/fixtures/torch/tutorials/conv_sequences.json).
 *
 * Python forms written otherwise: `x[:, :, :-n]` -> x.index(":", ":", `:-${n}`), `x[i, 0, p] = 1` ->
 * x.index_put_([i, 0, p], 1), `output += input_cut` -> output.add_(input_cut), `train_loss += loss` ->
 * train_loss.add(loss), '{:.6f}'.format(t) -> t.toFixed(6) of item(), numpy's random.choice / permutation ->
 * torch.randperm, the N-BEATS bases' numpy arrays -> torch ops (in the fixture too), `a = b = nn.Linear(...)`
 * (Python binds a first) -> two assignments in that order, argparse args -> an object.
 */
import { describe, expect, it } from "vitest";
import { F, nn, optim, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectNums, expectT, thrown, tutorialFixture } from "./helpers";

const ref = tutorialFixture<Record<string, any>>("conv_sequences.json"); // eslint-disable-line @typescript-eslint/no-explicit-any
const { weight_norm, remove_weight_norm } = nn.utils;
/** module.weight_g / weight_v: attributes weight_norm adds, which a module's TypeScript type does not list. */
const gv = (m: nn.Module, name: "weight_g" | "weight_v") => (m as unknown as Record<string, Tensor>)[name];

// ============================================ TCN ============================================
class Chomp1d extends nn.Module {
  constructor(public chomp_size: number) {
    super();
  }
  forward(x: Tensor): Tensor {
    return x.index(":", ":", `:-${this.chomp_size}`).contiguous();
  }
}

class TemporalBlock extends nn.Module {
  conv1: nn.Conv1d;
  chomp1: Chomp1d;
  relu1: nn.ReLU;
  dropout1: nn.Dropout;
  conv2: nn.Conv1d;
  chomp2: Chomp1d;
  relu2: nn.ReLU;
  dropout2: nn.Dropout;
  net: nn.Sequential;
  downsample: nn.Conv1d | null;
  relu: nn.ReLU;
  constructor(n_inputs: number, n_outputs: number, kernel_size: number, stride: number, dilation: number, padding: number, dropout = 0.2) {
    super();
    this.conv1 = weight_norm(new nn.Conv1d(n_inputs, n_outputs, kernel_size, { stride, padding, dilation }));
    this.chomp1 = new Chomp1d(padding);
    this.relu1 = new nn.ReLU();
    this.dropout1 = new nn.Dropout(dropout);
    this.conv2 = weight_norm(new nn.Conv1d(n_outputs, n_outputs, kernel_size, { stride, padding, dilation }));
    this.chomp2 = new Chomp1d(padding);
    this.relu2 = new nn.ReLU();
    this.dropout2 = new nn.Dropout(dropout);
    this.net = new nn.Sequential(this.conv1, this.chomp1, this.relu1, this.dropout1, this.conv2, this.chomp2, this.relu2, this.dropout2);
    this.downsample = n_inputs !== n_outputs ? new nn.Conv1d(n_inputs, n_outputs, 1) : null;
    this.relu = new nn.ReLU();
    this.init_weights();
  }
  init_weights(): void {
    this.conv1.weight.data.normal_(0, 0.01);
    this.conv2.weight.data.normal_(0, 0.01);
    if (this.downsample !== null) this.downsample.weight.data.normal_(0, 0.01);
  }
  forward(x: Tensor): Tensor {
    const out = this.net(x) as Tensor;
    const res = this.downsample === null ? x : this.downsample(x);
    return this.relu(out.add(res));
  }
}

class TemporalConvNet extends nn.Module {
  network: nn.Sequential;
  constructor(num_inputs: number, num_channels: number[], kernel_size = 2, dropout = 0.2) {
    super();
    const layers: nn.Module[] = [];
    num_channels.forEach((out_channels, i) => {
      const dilation_size = 2 ** i;
      const in_channels = i === 0 ? num_inputs : num_channels[i - 1];
      layers.push(new TemporalBlock(in_channels, out_channels, kernel_size, 1, dilation_size, (kernel_size - 1) * dilation_size, dropout));
    });
    this.network = new nn.Sequential(...layers);
  }
  forward(x: Tensor): Tensor {
    return this.network(x) as Tensor;
  }
}

/** adding_problem/model.py */
class TCN extends nn.Module {
  tcn: TemporalConvNet;
  linear: nn.Linear;
  constructor(input_size: number, output_size: number, num_channels: number[], kernel_size: number, dropout: number) {
    super();
    this.tcn = new TemporalConvNet(input_size, num_channels, kernel_size, dropout);
    this.linear = new nn.Linear(num_channels[num_channels.length - 1], output_size);
    this.init_weights();
  }
  init_weights(): void {
    this.linear.weight.data.normal_(0, 0.01);
  }
  forward(x: Tensor): Tensor {
    const y1 = this.tcn(x) as Tensor;
    return this.linear(y1.index(":", ":", -1));
  }
}

/** mnist_pixel/model.py */
class TCNClassifier extends nn.Module {
  tcn: TemporalConvNet;
  linear: nn.Linear;
  constructor(input_size: number, output_size: number, num_channels: number[], kernel_size: number, dropout: number) {
    super();
    this.tcn = new TemporalConvNet(input_size, num_channels, kernel_size, dropout);
    this.linear = new nn.Linear(num_channels[num_channels.length - 1], output_size);
  }
  forward(inputs: Tensor): Tensor {
    const y1 = this.tcn(inputs) as Tensor;
    const o = this.linear(y1.index(":", ":", -1));
    return F.log_softmax(o, { dim: 1 });
  }
}

/** adding_problem/utils.py (np.random.choice(seq_length, 2, replace=False) -> torch.randperm(seq_length)[:2]). */
function data_generator(N: number, seq_length: number): [Tensor, Tensor] {
  const X_num = torch.rand([N, 1, seq_length]);
  const X_mask = torch.zeros([N, 1, seq_length]);
  const Y = torch.zeros([N, 1]);
  for (let i = 0; i < N; i++) {
    const positions = torch.randperm(seq_length).index(":2");
    X_mask.index_put_([i, 0, positions.index(0)], 1);
    X_mask.index_put_([i, 0, positions.index(1)], 1);
    Y.index_put_([i, 0], X_num.index(i, 0, positions.index(0)).add(X_num.index(i, 0, positions.index(1))));
  }
  const X = torch.cat([X_num, X_mask], { dim: 1 });
  return [X, Y];
}

describe("locuslab/TCN: the adding problem", () => {
  const r = ref.tcn;
  it("data, repr, state_dict keys of the weight_norm'd convs, init_weights undone by the pre-hook, training, remove_weight_norm", () => {
    torch.manual_seed(1111);
    const [X_train, Y_train] = data_generator(12, 10);
    const [X_test, Y_test] = data_generator(4, 10);
    expectT(X_train, r.X_train, 1e-7);
    expectT(Y_train, r.Y_train, 1e-6);
    expectT(Y_test, r.Y_test, 1e-6);
    const model = new TCN(2, 1, [3, 3], 3, 0.0);
    expect(String(model)).toBe(r.repr);
    const block0 = model.tcn.network.get(0) as TemporalBlock;
    expect(String(block0)).toBe(r.block_repr);
    expect(Object.keys(model.state_dict())).toEqual(r.state_keys);
    expect(model.named_parameters().map(([n, p]) => [n, p.shape])).toEqual(r.named_params);
    expect(model.parameters().reduce((s, p) => s + p.numel(), 0)).toBe(r.n_params);
    const c1 = block0.conv1;
    expectT(gv(c1, "weight_g"), r.conv1_weight_g, 1e-6);
    expectT(gv(c1, "weight_v"), r.conv1_weight_v, 1e-6);
    expectT(c1.weight, r.conv1_weight, 1e-6);
    expect([c1.weight.is_leaf, c1.weight.requires_grad, c1.weight.constructor.name, c1.weight.grad_fn!.name(), c1.named_parameters().some(([n]) => n === "weight")]).toEqual(r.conv1_weight_info);
    expectT(model.linear.weight, r.linear_w, 1e-6);
    expectT(block0.downsample!.weight, r.downsample_w, 1e-6);
    expectT(model(X_test), r.out0, 1e-5);
    expectT(c1.weight, r.conv1_weight_after_forward, 1e-6);
    expectT(new Chomp1d(2)(torch.arange(12, { dtype: torch.float32 }).reshape(1, 2, 6)), r.chomp, 0);

    const optimizer = new optim.Adam(model.parameters(), { lr: 4e-3 });
    const losses: number[] = [];
    const batch_size = 4;
    for (let epoch = 0; epoch < 2; epoch++) {
      model.train();
      for (let i = 0; i < X_train.size(0); i += batch_size) {
        const x = X_train.index(`${i}:${i + batch_size}`);
        const y = Y_train.index(`${i}:${i + batch_size}`);
        optimizer.zero_grad();
        const output = model(x);
        const loss = F.mse_loss(output, y);
        loss.backward();
        if (epoch === 0 && i === 0) {
          expectT(gv(c1, "weight_g").grad!, r.grad_g, 1e-4);
          expectT(gv(c1, "weight_v").grad!, r.grad_v, 1e-4);
          expectT(c1.bias!.grad!, r.grad_bias, 1e-4);
          expectT(gv((model.tcn.network.get(1) as TemporalBlock).conv2, "weight_v").grad!, r.grad_down, 1e-4);
        }
        nn.utils.clip_grad_norm_(model.parameters(), 0.5);
        optimizer.step();
        losses.push(loss.item());
      }
    }
    expectNums(losses, r.losses, 1e-5);
    model.eval();
    const test_loss = torch.no_grad(() => F.mse_loss(model(X_test), Y_test));
    expect(`\nTest set: Average loss: ${test_loss.item().toFixed(6)}\n`).toBe(r.test_line);
    expectT(gv(c1, "weight_g"), r.g_after, 1e-5);
    expectT(gv(c1, "weight_v"), r.v_after, 1e-5);

    const blk = model.tcn.network.get(1) as TemporalBlock;
    remove_weight_norm(blk.conv1);
    expect(Object.keys(blk.state_dict())).toEqual(r.removed_keys);
    expectT(blk.conv1.weight, r.removed_weight, 1e-5);
    expect(blk.conv1.weight instanceof nn.Parameter).toBe(r.removed_is_param);
    expectT(model(X_test), r.removed_out, 1e-5);
    expect(thrown(() => weight_norm(block0.conv1))).toEqual(r.err_twice);
    expect(thrown(() => remove_weight_norm(blk.conv1))).toEqual(r.err_remove_twice);
    expect(thrown(() => model(X_test.transpose(1, 2)))).toEqual(r.err_nlc);
  });

  it("weight_norm's dims and repr, a bias=False conv, Chomp1d(0), dropout masks from the seeded stream", () => {
    // TypeError_ is the engine's class for Python's TypeError: compare the error's name
    const e = thrown(() => weight_norm(new nn.Conv1d(2, 3, 2, { bias: false }), { name: "bias" }));
    expect([e![0].replace(/_$/, ""), e![1]]).toEqual(r.err_missing_param);
    const wn_none = weight_norm(new nn.Conv1d(2, 3, 2), { dim: null });
    expect([gv(wn_none, "weight_g").shape, gv(wn_none, "weight_v").shape]).toEqual(r.dim_none_g);
    expect(gv(weight_norm(new nn.Conv1d(2, 3, 2), { dim: 1 }), "weight_g").shape).toEqual(r.dim_1_g);
    expect(new Chomp1d(0)(torch.ones(1, 2, 5)).shape).toEqual(r.chomp0_shape);
    torch.manual_seed(3);
    const blk0 = new TemporalBlock(2, 2, 2, 1, 1, 0, 0.0);
    expect(thrown(() => blk0(torch.ones(1, 2, 5)))).toEqual(r.err_chomp0);
  });

  it("dropout=0.5 in train mode draws torch's masks", () => {
    torch.manual_seed(1111);
    data_generator(12, 10);
    const [X_test] = data_generator(4, 10);
    torch.manual_seed(5);
    const drop_tcn = new TCN(2, 1, [2], 2, 0.5);
    drop_tcn.train();
    torch.manual_seed(6);
    expectT(drop_tcn(X_test), r.dropout_out, 1e-5);
  });
});

describe("locuslab/TCN: the (permuted) sequential pixel classifier", () => {
  const r = ref.pixel;
  it("log_softmax head, nll_loss, a summed loss with its graph, the printed test line", () => {
    torch.manual_seed(1111);
    const seq_length = 16;
    const data = torch.rand(6, 1, 4, 4);
    const target = torch.randint(0, 3, [6]);
    const permute = torch.randperm(seq_length).long();
    const model = new TCNClassifier(1, 3, [2, 2], 3, 0.0);
    const optimizer = new optim.Adam(model.parameters(), { lr: 2e-3 });
    model.train();
    let train_loss = torch.tensor(0);
    const losses: number[] = [];
    for (let step = 0; step < 3; step++) {
      const d = data.view(-1, 1, seq_length).index(":", ":", permute);
      optimizer.zero_grad();
      const output = model(d);
      const loss = F.nll_loss(output, target);
      loss.backward();
      optimizer.step();
      train_loss = train_loss.add(loss);
      losses.push(loss.item());
    }
    expectNums(losses, r.losses, 1e-5);
    expect(train_loss.grad_fn!.name()).toBe(r.train_loss_grad_fn);
    expect(`Loss: ${(train_loss.item() / 3).toFixed(6)}`).toBe(r.train_loss_line);
    model.eval();
    let test_loss = 0;
    let correct: Tensor | number = 0;
    const [output, pred] = torch.no_grad(() => {
      const d = data.view(-1, 1, seq_length).index(":", ":", permute);
      const out = model(d);
      test_loss += F.nll_loss(out, target, { size_average: false }).item();
      const p = out.data.max(1, { keepdim: true })[1];
      correct = p.eq(target.data.view_as(p)).cpu().sum().add(correct);
      return [out, p];
    });
    test_loss /= 6;
    expect(pred.tolist()).toEqual(r.pred);
    expectT(output, r.output, 1e-5);
    const c = correct as unknown as Tensor;
    expect(`\nTest set: Average loss: ${test_loss.toFixed(4)}, Accuracy: ${String(c.item())}/6 (${c.mul(100).div(6).item().toFixed(0)}%)\n`).toBe(r.line);
  });
});

// ============================================ WaveNet ============================================
class DilatedCausalConv1d extends nn.Module {
  conv: nn.Conv1d;
  constructor(channels: number, dilation = 1) {
    super();
    this.conv = new nn.Conv1d(channels, channels, { kernel_size: 2, stride: 1, dilation, padding: 0, bias: false });
  }
  init_weights_for_test(): void {
    for (const m of this.modules()) if (m instanceof nn.Conv1d) m.weight.data.fill_(1);
  }
  forward(x: Tensor): Tensor {
    return this.conv(x);
  }
}

class CausalConv1d extends nn.Module {
  conv: nn.Conv1d;
  constructor(in_channels: number, out_channels: number) {
    super();
    this.conv = new nn.Conv1d(in_channels, out_channels, { kernel_size: 2, stride: 1, padding: 1, bias: false });
  }
  init_weights_for_test(): void {
    for (const m of this.modules()) if (m instanceof nn.Conv1d) m.weight.data.fill_(1);
  }
  forward(x: Tensor): Tensor {
    return this.conv(x).index(":", ":", ":-1");
  }
}

class ResidualBlock extends nn.Module {
  dilated: DilatedCausalConv1d;
  conv_res: nn.Conv1d;
  conv_skip: nn.Conv1d;
  gate_tanh = new nn.Tanh();
  gate_sigmoid = new nn.Sigmoid();
  constructor(res_channels: number, skip_channels: number, dilation: number) {
    super();
    this.dilated = new DilatedCausalConv1d(res_channels, dilation);
    this.conv_res = new nn.Conv1d(res_channels, res_channels, 1);
    this.conv_skip = new nn.Conv1d(res_channels, skip_channels, 1);
    this.gate_tanh = new nn.Tanh();
    this.gate_sigmoid = new nn.Sigmoid();
  }
  forward(x: Tensor, skip_size: number): [Tensor, Tensor] {
    let output = this.dilated(x) as Tensor;
    const gated = this.gate_tanh(output).mul(this.gate_sigmoid(output));
    output = this.conv_res(gated);
    const input_cut = x.index(":", ":", `-${output.size(2)}:`);
    output.add_(input_cut);
    const skip = this.conv_skip(gated).index(":", ":", `-${skip_size}:`);
    return [output, skip];
  }
}

class ResidualStack extends nn.Module {
  dilations: number[];
  res_blocks: nn.ModuleList;
  constructor(public layer_size: number, public stack_size: number, res_channels: number, skip_channels: number) {
    super();
    this.dilations = this.build_dilations();
    this.res_blocks = new nn.ModuleList(this.dilations.map((d) => new ResidualBlock(res_channels, skip_channels, d)));
  }
  build_dilations(): number[] {
    const dilations: number[] = [];
    for (let s = 0; s < this.stack_size; s++) for (let l = 0; l < this.layer_size; l++) dilations.push(2 ** l);
    return dilations;
  }
  forward(x: Tensor, skip_size: number): Tensor {
    let output = x;
    const skip_connections: Tensor[] = [];
    for (const res_block of this.res_blocks) {
      const [o, skip] = res_block(output, skip_size) as [Tensor, Tensor];
      output = o;
      skip_connections.push(skip);
    }
    return torch.stack(skip_connections);
  }
}

class DensNet extends nn.Module {
  conv1: nn.Conv1d;
  conv2: nn.Conv1d;
  relu = new nn.ReLU();
  softmax = new nn.Softmax({ dim: 1 });
  constructor(channels: number) {
    super();
    this.conv1 = new nn.Conv1d(channels, channels, 1);
    this.conv2 = new nn.Conv1d(channels, channels, 1);
    this.relu = new nn.ReLU();
    this.softmax = new nn.Softmax({ dim: 1 });
  }
  forward(x: Tensor): Tensor {
    let output = this.relu(x);
    output = this.conv1(output);
    output = this.relu(output);
    output = this.conv2(output);
    return this.softmax(output);
  }
}

class WaveNet extends nn.Module {
  receptive_fields: number;
  causal: CausalConv1d;
  res_stack: ResidualStack;
  densnet: DensNet;
  constructor(layer_size: number, stack_size: number, in_channels: number, res_channels: number) {
    super();
    this.receptive_fields = WaveNet.calc_receptive_fields(layer_size, stack_size);
    this.causal = new CausalConv1d(in_channels, res_channels);
    this.res_stack = new ResidualStack(layer_size, stack_size, res_channels, in_channels);
    this.densnet = new DensNet(in_channels);
  }
  static calc_receptive_fields(layer_size: number, stack_size: number): number {
    let s = 0;
    for (let k = 0; k < stack_size; k++) for (let i = 0; i < layer_size; i++) s += 2 ** i;
    return s;
  }
  forward(x: Tensor): Tensor {
    let output = x.transpose(1, 2);
    const output_size = output.size(2) - this.receptive_fields;
    output = this.causal(output) as Tensor;
    const skip_connections = this.res_stack(output, output_size) as Tensor;
    output = torch.sum(skip_connections, { dim: 0 });
    output = this.densnet(output) as Tensor;
    return output.transpose(1, 2).contiguous();
  }
}

function mu_law_encode(audio: Tensor, quantization_channels: number): Tensor {
  const mu = quantization_channels - 1;
  const safe = torch.clamp(audio, -1.0, 1.0);
  const magnitude = torch.log1p(torch.abs(safe).mul(mu)).div(Math.log1p(mu));
  const signal = torch.sign(safe).mul(magnitude);
  return signal.add(1).div(2).mul(mu).add(0.5).long();
}

function mu_law_decode(output: Tensor, quantization_channels: number): Tensor {
  const mu = quantization_channels - 1;
  const signal = output.float().div(mu).mul(2).sub(1);
  const magnitude = torch.pow(1 + mu, torch.abs(signal)).sub(1).mul(1 / mu);
  return torch.sign(signal).mul(magnitude);
}

describe("golbin/WaveNet", () => {
  const r = ref.wavenet;
  it("causal / dilated convs of ones, mu-law, repr, state_dict keys, softmax output, CrossEntropyLoss steps", () => {
    torch.manual_seed(7);
    const t = new DilatedCausalConv1d(1, 2);
    t.init_weights_for_test();
    expectT(t(torch.arange(8, { dtype: torch.float32 }).view(1, 1, 8)), r.dilated_ones, 0);
    const c = new CausalConv1d(1, 1);
    c.init_weights_for_test();
    expectT(c(torch.arange(1, 6, { dtype: torch.float32 }).view(1, 1, 5)), r.causal_ones, 0);
    const Q = 4;
    torch.manual_seed(7);
    const audio = torch.sin(torch.linspace(0, 6, 12)).mul(0.8);
    const q = mu_law_encode(audio, Q);
    expect(q.tolist()).toEqual(r.mu_encoded);
    expectT(mu_law_decode(q, Q), r.mu_decoded, 1e-6);
    const onehot = F.one_hot(q, Q).float();
    const inputs = onehot.index(":-1").unsqueeze(0).repeat(2, 1, 1);
    const targets_idx = q.index("1:");
    const net = new WaveNet(2, 1, Q, 3);
    expect(net.receptive_fields).toBe(r.receptive_fields);
    expect(String(net)).toBe(r.repr);
    expect(Object.keys(net.state_dict())).toEqual(r.state_keys);
    expectT(net(inputs), r.out0, 1e-5);
    const skip_size = inputs.size(1) - net.receptive_fields;
    const targets = targets_idx.index(`-${skip_size}:`).unsqueeze(0).repeat(2, 1);
    const loss_fn = new nn.CrossEntropyLoss();
    const optimizer = new optim.Adam(net.parameters(), { lr: 0.002 });
    const losses: number[] = [];
    let loss = torch.tensor(0);
    for (let step = 0; step < 3; step++) {
      const outputs = net(inputs);
      loss = loss_fn(outputs.view(-1, Q), targets.long().view(-1));
      optimizer.zero_grad();
      loss.backward();
      if (step === 0) {
        const blk1 = net.res_stack.res_blocks.get(1) as ResidualBlock;
        expectT(blk1.dilated.conv.weight.grad!, r.grad_dilated, 1e-4);
        expectT(net.causal.conv.weight.grad!, r.grad_causal, 1e-4);
      }
      optimizer.step();
      losses.push(loss.item());
    }
    expectNums(losses, r.losses, 1e-5);
    expect(String(loss.data)).toBe(r.loss_data_repr);
    expect(thrown(() => net(inputs).transpose(1, 2).view(-1, Q))).toEqual(r.err_view);
  });
});

class GatedResidualLayer extends nn.Module {
  pad: number;
  dilated: nn.Conv1d;
  res: nn.Conv1d;
  skip: nn.Conv1d;
  constructor(res_channels: number, skip_channels: number, kernel_size: number, dilation: number) {
    super();
    this.pad = (kernel_size - 1) * dilation;
    this.dilated = new nn.Conv1d(res_channels, 2 * res_channels, kernel_size, { dilation });
    this.res = new nn.Conv1d(res_channels, res_channels, 1);
    this.skip = new nn.Conv1d(res_channels, skip_channels, 1);
  }
  forward(x: Tensor): [Tensor, Tensor] {
    const h = this.dilated(F.pad(x, [this.pad, 0]));
    const [filt, gate] = h.chunk(2, { dim: 1 });
    const z = torch.tanh(filt).mul(torch.sigmoid(gate));
    return [x.add(this.res(z)), this.skip(z)];
  }
}

class GatedWaveNet extends nn.Module {
  embed: nn.Embedding;
  layers: nn.ModuleList;
  head: nn.Sequential;
  constructor(classes: number, res_channels: number, skip_channels: number, dilations: number[], kernel_size = 2) {
    super();
    this.embed = new nn.Embedding(classes, res_channels);
    this.layers = new nn.ModuleList(dilations.map((d) => new GatedResidualLayer(res_channels, skip_channels, kernel_size, d)));
    this.head = new nn.Sequential(new nn.ReLU(), new nn.Conv1d(skip_channels, skip_channels, 1), new nn.ReLU(), new nn.Conv1d(skip_channels, classes, 1));
  }
  forward(idx: Tensor): Tensor {
    let x = this.embed(idx).transpose(1, 2);
    let skips: Tensor | number = 0;
    for (const layer of this.layers) {
      const [nx, s] = layer(x) as [Tensor, Tensor];
      x = nx;
      skips = s.add(skips);
    }
    return this.head(skips as Tensor) as Tensor;
  }
}

describe("a gated WaveNet with F.pad on the left", () => {
  const r = ref.gated;
  it("repr, causality, K-dim cross_entropy steps and gradients", () => {
    torch.manual_seed(11);
    const seq = torch.randint(0, 5, [2, 9]);
    const model = new GatedWaveNet(5, 4, 3, [1, 2, 4]);
    expect(String(model)).toBe(r.repr);
    const logits = model(seq.index(":", ":-1")) as Tensor;
    expectT(logits, r.logits0, 1e-5);
    const seq2 = seq.clone();
    seq2.index_put_([":", 7], seq2.index(":", 7).add(1).remainder(5));
    expectT((model(seq2.index(":", ":-1")) as Tensor).sub(logits).abs().sum({ dim: [0, 1] }), r.causal_diff, 1e-6);
    const optimizer = new optim.Adam(model.parameters(), { lr: 1e-2 });
    const losses: number[] = [];
    for (let step = 0; step < 4; step++) {
      const lg = model(seq.index(":", ":-1")) as Tensor;
      const loss = F.cross_entropy(lg, seq.index(":", "1:"));
      optimizer.zero_grad();
      loss.backward();
      if (step === 0) {
        expectT(model.embed.weight.grad!, r.grad_embed, 1e-4);
        expectT((model.layers.get(2) as GatedResidualLayer).dilated.weight.grad!, r.grad_dilated, 1e-4);
      }
      optimizer.step();
      losses.push(loss.item());
    }
    expectNums(losses, r.losses, 1e-5);
  });

  it("F.pad forms and the learner's padding / skip-sum mistakes", () => {
    const x = torch.arange(6, { dtype: torch.float32 }).view(1, 2, 3);
    expectT(F.pad(x, [2, 0]), r.pad_left, 0);
    expectT(F.pad(x, [-1, 1]), r.pad_neg, 0);
    expectT(F.pad(x, [2, 0], { mode: "reflect" }), r.pad_reflect, 0);
    expectT(F.pad(x, [2, 1], { mode: "replicate" }), r.pad_replicate, 0);
    expectT(F.pad(x, [1, 0], { value: -1.0 }), r.pad_value, 0);
    expect(thrown(() => F.pad(x, [1, 0, 1]))).toEqual(r.err_pad_odd);
    expect(thrown(() => F.pad(x, [1, 0, 1, 0, 1, 0, 1, 0]))).toEqual(r.err_pad_long);
    expect(thrown(() => F.pad(x, [3, 0], { mode: "reflect" }))).toEqual(r.err_pad_reflect_big);
    expect(thrown(() => torch.tanh(x.index(":", ":1")).mul(torch.sigmoid(x.chunk(3, { dim: 2 })[0]).transpose(1, 2)))).toEqual(r.err_chunk_cat);
    expect(thrown(() => torch.zeros(1, 3, 8).add(torch.zeros(1, 3, 7)))).toEqual(r.err_skip_sum);
  });
});

// ============================================ TextCNN ============================================
interface TextArgs {
  embed_num: number;
  embed_dim: number;
  class_num: number;
  kernel_num: number;
  kernel_sizes: number[];
  dropout: number;
  lr: number;
}

class CNN_Text extends nn.Module {
  embed: nn.Embedding;
  convs1: nn.ModuleList;
  dropout: nn.Dropout;
  fc1: nn.Linear;
  constructor(public args: TextArgs) {
    super();
    const V = args.embed_num;
    const D = args.embed_dim;
    const C = args.class_num;
    const Ci = 1;
    const Co = args.kernel_num;
    const Ks = args.kernel_sizes;
    this.embed = new nn.Embedding(V, D);
    this.convs1 = new nn.ModuleList(Ks.map((K) => new nn.Conv2d(Ci, Co, [K, D])));
    this.dropout = new nn.Dropout(args.dropout);
    this.fc1 = new nn.Linear(Ks.length * Co, C);
  }
  conv_and_pool(x: Tensor, conv: nn.Conv2d): Tensor {
    x = F.relu(conv(x)).squeeze(3);
    return F.max_pool1d(x, x.size(2)).squeeze(2);
  }
  forward(x: Tensor): Tensor {
    x = this.embed(x);
    x = x.unsqueeze(1);
    const xs = [...this.convs1].map((conv) => F.relu((conv as nn.Conv2d)(x)).squeeze(3));
    const pooled = xs.map((i) => F.max_pool1d(i, i.size(2)).squeeze(2));
    x = torch.cat(pooled, 1);
    x = this.dropout(x);
    return this.fc1(x);
  }
}

describe("Shawn1993/cnn-text-classification-pytorch", () => {
  const r = ref.textcnn;
  it("CNN_Text: repr, the .data.t_() that no longer transposes, Adam steps, printed batches, eval and predict", () => {
    const args: TextArgs = { embed_num: 12, embed_dim: 5, class_num: 3, kernel_num: 2, kernel_sizes: [2, 3, 4], dropout: 0.0, lr: 0.01 };
    torch.manual_seed(3);
    const model = new CNN_Text(args);
    expect(String(model)).toBe(r.repr);
    expect(Object.keys(model.state_dict())).toEqual(r.state_keys);
    const text = torch.randint(1, 12, [7, 4]);
    const label = torch.randint(1, 4, [4]);
    let feature = text.clone();
    const target = label.clone();
    feature.data.t_();
    target.data.sub_(1);
    expect(feature.shape).toEqual(r.data_t_shape);
    expect(target.tolist()).toEqual(r.target);
    expect(thrown(() => F.cross_entropy(model(feature), target))).toEqual(r.err_untransposed);
    feature = feature.t();
    expect(feature.tolist()).toEqual(r.feature);
    expect(feature.is_contiguous()).toBe(r.feature_contig);
    const optimizer = new optim.Adam(model.parameters(), { lr: args.lr });
    model.train();
    const lines: string[] = [];
    const losses: number[] = [];
    let loss = torch.tensor(0);
    for (let step = 1; step < 4; step++) {
      optimizer.zero_grad();
      const logit = model(feature);
      loss = F.cross_entropy(logit, target);
      loss.backward();
      if (step === 1) {
        expectT(logit, r.logit0, 1e-5);
        expectT((model.convs1.get(1) as nn.Conv2d).weight.grad!, r.grad_conv, 1e-4);
        expectT(model.embed.weight.grad!.index(feature.index(0, 0)), r.grad_embed_row, 1e-5);
      }
      optimizer.step();
      losses.push(loss.item());
      const corrects = torch.max(logit, 1)[1].view(target.size()).data.eq(target.data).sum();
      const accuracy = corrects.mul(100.0).div(4);
      lines.push(`\rBatch[${step}] - loss: ${loss.item().toFixed(6)}  acc: ${accuracy.item().toFixed(4)}%(${String(corrects.item())}/4)`);
    }
    expectNums(losses, r.losses, 1e-5);
    expect(lines).toEqual(r.lines);
    expect(thrown(() => loss.data.index(0))).toEqual(r.err_loss_data0);
    model.eval();
    const logit = model(feature);
    const sum_loss = F.cross_entropy(logit, target, { size_average: false }).item();
    expect(sum_loss).toBeCloseTo(r.eval_sum_loss, 5);
    expect(F.cross_entropy(logit, target, { reduction: "sum" }).item()).toBeCloseTo(r.eval_sum_loss_red, 5);
    const corrects = torch.max(logit, 1)[1].view(target.size()).data.eq(target.data).sum();
    expect(`\nEvaluation - loss: ${(sum_loss / 4).toFixed(6)}  acc: ${corrects.mul(100.0).div(4).item().toFixed(4)}%(${String(corrects.item())}/4) \n`).toBe(r.eval_line);
    const output = model(torch.tensor([[3, 5, 7, 2, 9]], { dtype: torch.long }));
    const [, predicted] = torch.max(output, 1);
    expect(predicted.tolist()).toEqual(r.predicted);
    expect(thrown(() => predicted.data.index(0).index(0))).toEqual(r.err_pred_index);
    expect(predicted.data.index(0).item()).toBe(r.pred_item);
  });

  it("the learner's shape mistakes: a short sentence, no unsqueeze(1), a pool past the length, an unknown word", () => {
    torch.manual_seed(3);
    const model = new CNN_Text({ embed_num: 12, embed_dim: 5, class_num: 3, kernel_num: 2, kernel_sizes: [2, 3, 4], dropout: 0.0, lr: 0.01 });
    const feature = torch.randint(1, 12, [7, 4]).t();
    const conv0 = model.convs1.get(0) as nn.Conv2d;
    expect(thrown(() => model(torch.tensor([[3, 5, 7]], { dtype: torch.long })))).toEqual(r.err_short_sentence);
    expect(thrown(() => conv0(model.embed(feature)))).toEqual(r.err_no_unsqueeze);
    const x4 = model.embed(feature).unsqueeze(1);
    expect(x4.shape).toEqual([4, 1, 7, 5]);
    expect(thrown(() => F.max_pool1d(F.relu(conv0(x4)).squeeze(3), 7))).toEqual(r.err_max_pool_big);
    expect(thrown(() => model(torch.tensor([[3, 5, 12, 2]], { dtype: torch.long })))).toEqual(r.err_embed_oob);
    expect(thrown(() => torch.cat([torch.ones(4, 2), torch.ones(3, 2)], 1))).toEqual(r.err_cat_dim);
    torch.manual_seed(9);
    expectT(new nn.Dropout(0.5)(torch.ones(2, 6)), r.dropout_train, 0);
  });
});

// ============================================ N-BEATS ============================================
type Basis = nn.Module;

class NBeatsBlock extends nn.Module {
  layers: nn.ModuleList;
  basis_parameters: nn.Linear;
  basis_function: Basis;
  constructor(input_size: number, theta_size: number, basis_function: Basis, layers: number, layer_size: number) {
    super();
    this.layers = new nn.ModuleList([
      new nn.Linear({ in_features: input_size, out_features: layer_size }),
      ...Array.from({ length: layers - 1 }, () => new nn.Linear({ in_features: layer_size, out_features: layer_size })),
    ]);
    this.basis_parameters = new nn.Linear({ in_features: layer_size, out_features: theta_size });
    this.basis_function = basis_function;
  }
  forward(x: Tensor): [Tensor, Tensor] {
    let block_input = x;
    for (const layer of this.layers) block_input = torch.relu(layer(block_input) as Tensor);
    const basis_parameters = this.basis_parameters(block_input);
    return this.basis_function(basis_parameters) as [Tensor, Tensor];
  }
}

class NBeats extends nn.Module {
  constructor(public blocks: nn.ModuleList) {
    super();
  }
  forward(x: Tensor, input_mask: Tensor): Tensor {
    let residuals = x.flip([1]);
    input_mask = input_mask.flip([1]);
    let forecast = x.index(":", "-1:");
    for (const block of this.blocks) {
      const [backcast, block_forecast] = block(residuals) as [Tensor, Tensor];
      residuals = residuals.sub(backcast).mul(input_mask);
      forecast = forecast.add(block_forecast);
    }
    return forecast;
  }
}

class GenericBasis extends nn.Module {
  constructor(public backcast_size: number, public forecast_size: number) {
    super();
  }
  forward(theta: Tensor): [Tensor, Tensor] {
    return [theta.index(":", `:${this.backcast_size}`), theta.index(":", `-${this.forecast_size}:`)];
  }
}

class TrendBasis extends nn.Module {
  polynomial_size: number;
  backcast_time: nn.Parameter;
  forecast_time: nn.Parameter;
  constructor(degree_of_polynomial: number, backcast_size: number, forecast_size: number) {
    super();
    this.polynomial_size = degree_of_polynomial + 1;
    const powers = (n: number) =>
      torch.stack(Array.from({ length: this.polynomial_size }, (_, i) => torch.pow(torch.arange(n, { dtype: torch.float64 }).div(n), i))).float();
    this.backcast_time = new nn.Parameter(powers(backcast_size), { requires_grad: false });
    this.forecast_time = new nn.Parameter(powers(forecast_size), { requires_grad: false });
  }
  forward(theta: Tensor): [Tensor, Tensor] {
    const backcast = torch.einsum("bp,pt->bt", theta.index(":", `${this.polynomial_size}:`), this.backcast_time);
    const forecast = torch.einsum("bp,pt->bt", theta.index(":", `:${this.polynomial_size}`), this.forecast_time);
    return [backcast, forecast];
  }
}

class SeasonalityBasis extends nn.Module {
  frequency: Tensor;
  backcast_cos_template: nn.Parameter;
  backcast_sin_template: nn.Parameter;
  forecast_cos_template: nn.Parameter;
  forecast_sin_template: nn.Parameter;
  constructor(harmonics: number, backcast_size: number, forecast_size: number) {
    super();
    this.frequency = torch
      .cat([torch.zeros(1, { dtype: torch.float32 }), torch.arange(harmonics, (harmonics / 2) * forecast_size, { dtype: torch.float32 }).div(harmonics)])
      .index("None", ":");
    const backcast_grid = torch.arange(backcast_size, { dtype: torch.float32 }).index(":", "None").div(forecast_size).mul(-2 * Math.PI).mul(this.frequency);
    const forecast_grid = torch.arange(forecast_size, { dtype: torch.float32 }).index(":", "None").div(forecast_size).mul(2 * Math.PI).mul(this.frequency);
    const p = (t: Tensor) => new nn.Parameter(t.T.contiguous(), { requires_grad: false });
    this.backcast_cos_template = p(torch.cos(backcast_grid));
    this.backcast_sin_template = p(torch.sin(backcast_grid));
    this.forecast_cos_template = p(torch.cos(forecast_grid));
    this.forecast_sin_template = p(torch.sin(forecast_grid));
  }
  forward(theta: Tensor): [Tensor, Tensor] {
    const pph = Math.floor(theta.shape[1] / 4);
    const e = (a: Tensor, b: Tensor) => torch.einsum("bp,pt->bt", a, b);
    const backcast = e(theta.index(":", `${3 * pph}:`), this.backcast_sin_template).add(e(theta.index(":", `${2 * pph}:${3 * pph}`), this.backcast_cos_template));
    const forecast = e(theta.index(":", `${pph}:${2 * pph}`), this.forecast_sin_template).add(e(theta.index(":", `:${pph}`), this.forecast_cos_template));
    return [backcast, forecast];
  }
}

function divide_no_nan(a: Tensor, b: Tensor): Tensor {
  const result = a.div(b);
  result.index_put_([result.ne(result)], 0.0);
  result.index_put_([result.eq(Infinity)], 0.0);
  return result;
}

function smape_2_loss(forecast: Tensor, target: Tensor, mask: Tensor): Tensor {
  return torch.mean(divide_no_nan(torch.abs(forecast.sub(target)), torch.abs(forecast.data).add(torch.abs(target.data))).mul(mask)).mul(200);
}

function mape_loss(forecast: Tensor, target: Tensor, mask: Tensor): Tensor {
  const weights = divide_no_nan(mask, target);
  return torch.mean(torch.abs(forecast.sub(target).mul(weights)));
}

/** The toy series both N-BEATS probes train on: windows of a sine over a trend. */
function windows(L: number, H: number): [Tensor, Tensor] {
  const series = torch.sin(torch.arange(40, { dtype: torch.float32 }).div(3)).add(torch.arange(40, { dtype: torch.float32 }).div(20)).add(1.5);
  const idx = (torch.randint(0, 40 - L - H, [5]).tolist() as number[]);
  const x = torch.stack(idx.map((i) => series.index(`${i}:${i + L}`)));
  const y = torch.stack(idx.map((i) => series.index(`${i + L}:${i + L + H}`)));
  return [x, y];
}

describe("ServiceNow/N-BEATS", () => {
  const r = ref.nbeats;
  it("bases as frozen Parameters, repr, state_dict keys, masked flip residuals, smape steps with clipping", () => {
    const H = 3, L = 6;
    torch.manual_seed(21);
    const trend = new TrendBasis(2, L, H);
    const season = new SeasonalityBasis(1, L, H);
    expectT(trend.backcast_time, r.trend_backcast_time, 1e-7);
    expectT(trend.forecast_time, r.trend_forecast_time, 1e-7);
    expectT(season.frequency, r.season_frequency, 0);
    expectT(season.backcast_cos_template, r.season_bc, 1e-6);
    expectT(season.forecast_sin_template, r.season_fs, 1e-6);
    const season_theta = 4 * Math.trunc(Math.ceil((1 / 2) * H) - (1 - 1));
    expect(season_theta).toBe(r.season_theta);
    const blocks = new nn.ModuleList([
      new NBeatsBlock(L, 2 * (2 + 1), trend, 2, 8),
      new NBeatsBlock(L, season_theta, season, 2, 8),
      new NBeatsBlock(L, L + H, new GenericBasis(L, H), 2, 8),
    ]);
    const model = new NBeats(blocks);
    expect(String(model)).toBe(r.repr);
    expect(Object.keys(model.state_dict())).toEqual(r.state_keys);
    expect(model.parameters().reduce((s, p) => s + p.numel(), 0)).toBe(r.n_params);
    expect(model.parameters().filter((p) => p.requires_grad).reduce((s, p) => s + p.numel(), 0)).toBe(r.n_trainable);
    const [x, y] = windows(L, H);
    const mask = torch.ones_like(x);
    mask.index_put_([0, ":2"], 0);
    expectT(x, r.x, 1e-6);
    expectT(model(x, mask), r.forecast0, 1e-5);
    const optimizer = new optim.Adam(model.parameters(), { lr: 1e-2 });
    const losses: number[] = [];
    let forecast = x;
    for (let step = 0; step < 3; step++) {
      optimizer.zero_grad();
      forecast = model(x, mask);
      const loss = smape_2_loss(forecast, y, torch.ones_like(y));
      loss.backward();
      if (step === 0) {
        const b0 = blocks.get(0) as NBeatsBlock;
        expectT(b0.basis_parameters.weight.grad!, r.grad_trend_theta, 1e-4);
        expect((b0.basis_function as TrendBasis).backcast_time.grad === null).toBe(r.grad_template);
      }
      nn.utils.clip_grad_norm_(model.parameters(), 1.0);
      optimizer.step();
      losses.push(loss.item());
    }
    expectNums(losses, r.losses, 1e-5);
    expect(mape_loss(forecast, torch.tensor([[0, 1, 2]]).float().expand(5, 3), torch.ones(5, 3)).item()).toBeCloseTo(r.mape, 5);
    // only +inf is zeroed: 3 / -0 stays -inf
    const dnn = divide_no_nan(torch.tensor([0, 1, -2, 3]).float(), torch.tensor([0, 0, 4, -0]).float()).tolist() as number[];
    expect(dnn.map((v) => (v === -Infinity ? "-inf" : v))).toEqual(r.divide_no_nan);
    expect(thrown(() => torch.einsum("bp,pt->bt", torch.ones(2, 3), torch.ones(4, 5)))).toEqual(r.err_einsum);
    expect(thrown(() => torch.einsum("bp,pt->bt", torch.ones(2, 3)))).toEqual(r.err_einsum_terms);
    expect(thrown(() => x.flip(1, 2))).toEqual(r.err_flip_int);
  });
});

// philipperemy/n-beats
function linear_space(backcast_length: number, forecast_length: number): [Tensor, Tensor] {
  const ls = torch.arange(-backcast_length, forecast_length, 1).div(forecast_length);
  return [ls.index(`:${backcast_length}`), ls.index(`${backcast_length}:`)];
}

function seasonality_model(thetas: Tensor, t: Tensor): Tensor {
  const p = thetas.size()[thetas.dim() - 1];
  const [p1, p2] = p % 2 === 0 ? [Math.floor(p / 2), Math.floor(p / 2)] : [Math.floor(p / 2), Math.floor(p / 2) + 1];
  const s1 = torch.stack(Array.from({ length: p1 }, (_, i) => torch.cos(t.mul(2 * Math.PI * i)))).float();
  const s2 = torch.stack(Array.from({ length: p2 }, (_, i) => torch.sin(t.mul(2 * Math.PI * i)))).float();
  const S = torch.cat([s1, s2]);
  return thetas.mm(S);
}

function trend_model(thetas: Tensor, t: Tensor): Tensor {
  const p = thetas.size()[thetas.dim() - 1];
  const T_ = torch.stack(Array.from({ length: p }, (_, i) => t.pow(i))).float();
  return thetas.mm(T_);
}

function squeeze_last_dim(tensor: Tensor): Tensor {
  if (tensor.shape.length === 3 && tensor.shape[2] === 1) return tensor.index("...", 0);
  return tensor;
}

class Block extends nn.Module {
  fc1: nn.Linear;
  fc2: nn.Linear;
  theta_f_fc!: nn.Linear;
  theta_b_fc!: nn.Linear;
  backcast_linspace: Tensor;
  forecast_linspace: Tensor;
  constructor(public units: number, public thetas_dim: number, public backcast_length = 10, public forecast_length = 5, public share_thetas = false) {
    super();
    this.fc1 = new nn.Linear(backcast_length, units);
    this.fc2 = new nn.Linear(units, units);
    [this.backcast_linspace, this.forecast_linspace] = linear_space(backcast_length, forecast_length);
    if (share_thetas) {
      const theta = new nn.Linear(units, thetas_dim, { bias: false });
      this.theta_f_fc = theta;
      this.theta_b_fc = theta;
    } else {
      this.theta_b_fc = new nn.Linear(units, thetas_dim, { bias: false });
      this.theta_f_fc = new nn.Linear(units, thetas_dim, { bias: false });
    }
  }
  forward(x: Tensor): Tensor | [Tensor, Tensor] {
    x = squeeze_last_dim(x);
    x = F.relu(this.fc1(x));
    return F.relu(this.fc2(x));
  }
}

class TrendBlock extends Block {
  constructor(units: number, thetas_dim: number, backcast_length = 10, forecast_length = 5) {
    super(units, thetas_dim, backcast_length, forecast_length, true);
  }
  override forward(x: Tensor): [Tensor, Tensor] {
    const h = super.forward(x) as Tensor;
    return [trend_model(this.theta_b_fc(h), this.backcast_linspace), trend_model(this.theta_f_fc(h), this.forecast_linspace)];
  }
}

class SeasonalityBlock extends Block {
  constructor(units: number, _thetas_dim: number, backcast_length = 10, forecast_length = 5) {
    super(units, forecast_length, backcast_length, forecast_length, true);
  }
  override forward(x: Tensor): [Tensor, Tensor] {
    const h = super.forward(x) as Tensor;
    return [seasonality_model(this.theta_b_fc(h), this.backcast_linspace), seasonality_model(this.theta_f_fc(h), this.forecast_linspace)];
  }
}

class GenericBlock extends Block {
  backcast_fc: nn.Linear;
  forecast_fc: nn.Linear;
  constructor(units: number, thetas_dim: number, backcast_length = 10, forecast_length = 5) {
    super(units, thetas_dim, backcast_length, forecast_length);
    this.backcast_fc = new nn.Linear(thetas_dim, backcast_length);
    this.forecast_fc = new nn.Linear(thetas_dim, forecast_length);
  }
  override forward(x: Tensor): [Tensor, Tensor] {
    const h = super.forward(x) as Tensor;
    return [this.backcast_fc(this.theta_b_fc(h)), this.forecast_fc(this.theta_f_fc(h))];
  }
}

class NBeatsNet extends nn.Module {
  stacks: nn.ModuleList;
  constructor(backcast_length = 6, public forecast_length = 3, units = 8) {
    super();
    this.stacks = new nn.ModuleList([
      new nn.ModuleList([new TrendBlock(units, 3, backcast_length, forecast_length)]),
      new nn.ModuleList([new SeasonalityBlock(units, 3, backcast_length, forecast_length)]),
      new nn.ModuleList([new GenericBlock(units, 4, backcast_length, forecast_length)]),
    ]);
  }
  forward(backcast: Tensor): [Tensor, Tensor] {
    backcast = squeeze_last_dim(backcast);
    let forecast = torch.zeros({ size: [backcast.size()[0], this.forecast_length] });
    for (const stack of this.stacks) {
      for (const block of stack as nn.ModuleList) {
        const [b, f] = block(backcast) as [Tensor, Tensor];
        backcast = backcast.sub(b);
        forecast = forecast.add(f);
      }
    }
    return [backcast, forecast];
  }
}

describe("philipperemy/n-beats", () => {
  const r = ref.nbeats_pr;
  it("linear_space, shared theta layers in repr / state_dict / parameters, l1 steps", () => {
    const [b_ls, f_ls] = linear_space(6, 3);
    expectT(b_ls, r.b_ls, 1e-7);
    expectT(f_ls, r.f_ls, 1e-7);
    expect(String(b_ls.dtype)).toBe(r.ls_dtype);
    expectT(torch.linspace(-2, 1, 10).index(":-1"), r.linspace, 1e-7);
    // the windows of the ServiceNow probe: the same draws after the same seed and model
    torch.manual_seed(21);
    new NBeats(new nn.ModuleList([new NBeatsBlock(6, 6, new TrendBasis(2, 6, 3), 2, 8), new NBeatsBlock(6, 8, new SeasonalityBasis(1, 6, 3), 2, 8), new NBeatsBlock(6, 9, new GenericBasis(6, 3), 2, 8)]));
    const [x, y] = windows(6, 3);
    torch.manual_seed(4);
    const net = new NBeatsNet();
    expect(String(net)).toBe(r.repr);
    expect(Object.keys(net.state_dict())).toEqual(r.state_keys);
    expect(net.parameters().length).toBe(r.n_params);
    const tb = (net.stacks.get(0) as nn.ModuleList).get(0) as TrendBlock;
    expect(tb.theta_b_fc === tb.theta_f_fc).toBe(r.shared);
    const xb = x.unsqueeze(-1);
    const [bc, fc] = net(xb) as [Tensor, Tensor];
    expectT(bc, r.backcast0, 1e-5);
    expectT(fc, r.forecast0, 1e-5);
    const optimizer = new optim.Adam(net.parameters(), { lr: 1e-2 });
    const losses: number[] = [];
    for (let step = 0; step < 3; step++) {
      optimizer.zero_grad();
      const [, forecast] = net(xb) as [Tensor, Tensor];
      const loss = F.l1_loss(forecast, squeeze_last_dim(y.unsqueeze(-1)));
      loss.backward();
      optimizer.step();
      losses.push(loss.item());
    }
    expectNums(losses, r.losses, 1e-5);
    expect(thrown(() => torch.ones(2, 3).mm(torch.ones(4, 3)))).toEqual(r.err_mm);
  });
});
