/**
 * Five end-to-end snippets an instructor would write for the RNN, transformer and CNN lessons, translated line by line
 * and compared with torch 1.13 running the same code (scripts/fixtures/lesson_snippets9_fixtures.py, which documents
 * each; tests/fixtures/torch/tutorials/lesson_snippets9.json): every loss of the training loops, the learning rates,
 * the sampled / decoded text and final weights or logits. Each starts from torch.manual_seed(0), as the script.
 */
import { describe, expect, it } from "vitest";
import { F, nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { tutorialFixture } from "./helpers";
import { seeded } from "../torch_reference";

type T = { shape: number[]; data: number[] };
const ref = tutorialFixture<{
  charlstm: { losses: number[]; last_norm: number; sample: string; head_weight: T };
  reverser: { losses: number[]; decoded: number[]; last_logits: T };
  cnn: { losses: number[]; lrs: number[]; eval_logits: T; bn1_running_mean: T; bn2_running_var: T; num_batches_tracked: number };
  resume: { losses: number[]; lr: number; weight: T; ckpt_loss: number };
  bigru: { tokens: number[][]; losses: number[]; lrs: number[]; weights: T; accuracy: number };
}>("lesson_snippets9.json");

const L = { dtype: torch.long };

function expectLosses(got: number[], want: number[], tol: number): void {
  expect(got.length).toBe(want.length);
  got.forEach((v, i) => expect(Math.abs(v - want[i]), `loss ${i}: ${v}, torch ${want[i]}`).toBeLessThanOrEqual(tol));
}

/** Elementwise |got - want| <= tol (1 + |want|), with the shape. */
function expectClose(got: Tensor, want: T, tol: number): void {
  expect(got.shape).toEqual(want.shape);
  const data = got.detach().reshape(-1).tolist() as number[];
  data.forEach((v, i) => expect(Math.abs(v - want.data[i]), `element ${i}: ${v}, torch ${want.data[i]}`).toBeLessThanOrEqual(tol * (1 + Math.abs(want.data[i]))));
}

// ---- a character-level LSTM language model on packed batches ------------------------------------------------------
const TEXT = "the quick brown fox jumps over the lazy dog. a stitch in time saves nine. ";
const chars = [...new Set(TEXT)].sort();
const stoi = new Map(chars.map((c, i) => [c, i + 1] as const)); // 0 is the padding index
const itos = new Map(chars.map((c, i) => [i + 1, c] as const));
const V = chars.length + 1;
type Packed = InstanceType<typeof nn.utils.rnn.PackedSequence>;

class CharLSTM extends nn.Module {
  embed: nn.Embedding;
  lstm: nn.LSTM;
  head: nn.Linear;
  constructor(vocab: number, emb = 8, hidden = 16, layers = 2) {
    super();
    this.embed = new nn.Embedding(vocab, emb, { padding_idx: 0 });
    this.lstm = new nn.LSTM(emb, hidden, { num_layers: layers, batch_first: true });
    this.head = new nn.Linear(hidden, vocab);
  }
  forward(x: Tensor, lengths: Tensor, state?: [Tensor, Tensor]): [Tensor, [Tensor, Tensor]] {
    const packed = nn.utils.rnn.pack_padded_sequence(this.embed(x), lengths, { batch_first: true, enforce_sorted: false });
    // self.lstm(packed, state) as in Python (the module's call signature is typed for tensors, hence the cast)
    const call = this.lstm as unknown as (p: Packed, h?: [Tensor, Tensor]) => [Packed, [Tensor, Tensor]];
    const [out, newState] = call(packed, state);
    const [padded] = nn.utils.rnn.pad_packed_sequence(out, { batch_first: true, total_length: x.size(1) });
    return [this.head(padded), newState];
  }
}

function charBatch(starts: number[], lengths: number[]): [Tensor, Tensor] {
  const T_ = Math.max(...lengths);
  const x = torch.zeros([starts.length, T_], L);
  const y = torch.zeros([starts.length, T_], L);
  starts.forEach((s, b) => {
    const n = lengths[b];
    x.index_put_([b, `:${n}`], torch.tensor([...TEXT.slice(s, s + n)].map((c) => stoi.get(c)!), L));
    y.index_put_([b, `:${n}`], torch.tensor([...TEXT.slice(s + 1, s + n + 1)].map((c) => stoi.get(c)!), L));
  });
  return [x, y];
}

// ---- a sequence reverser on nn.Transformer with masks ---------------------------------------------------------------
const PAD = 0;
const BOS = 1;
const EOS = 2;
const VOC = 10;

class Reverser extends nn.Module {
  src_emb: nn.Embedding;
  tgt_emb: nn.Embedding;
  pos: nn.Parameter;
  transformer: nn.Transformer;
  out: nn.Linear;
  constructor(d = 16) {
    super();
    this.src_emb = new nn.Embedding(VOC, d, { padding_idx: PAD });
    this.tgt_emb = new nn.Embedding(VOC, d, { padding_idx: PAD });
    this.pos = new nn.Parameter(torch.randn(1, 16, d).mul(0.1));
    this.transformer = new nn.Transformer({ d_model: d, nhead: 2, num_encoder_layers: 1, num_decoder_layers: 1, dim_feedforward: 32, dropout: 0.0, batch_first: true });
    this.out = new nn.Linear(d, VOC);
  }
  forward(src: Tensor, tgt: Tensor): Tensor {
    const src_pad = src.eq(PAD);
    const tgt_pad = tgt.eq(PAD);
    const tgt_mask = nn.Transformer.generate_square_subsequent_mask(tgt.size(1));
    const s = this.src_emb(src).add(this.pos.index(null, `:${src.size(1)}`));
    const t = this.tgt_emb(tgt).add(this.pos.index(null, `:${tgt.size(1)}`));
    const h = this.transformer(s, t, { tgt_mask, src_key_padding_mask: src_pad, tgt_key_padding_mask: tgt_pad, memory_key_padding_mask: src_pad });
    return this.out(h);
  }
}

function reverseBatch(n: number, gen: InstanceType<typeof torch.Generator>): [Tensor, Tensor] {
  const lens = torch.randint(3, 6, [n], { generator: gen });
  const src = torch.full([n, 5], PAD, L);
  const tgt = torch.full([n, 7], PAD, L);
  for (let b = 0; b < n; b++) {
    const len = Number(lens.index(b).item());
    const seq = torch.randint(3, VOC, [len], { generator: gen });
    src.index_put_([b, `:${len}`], seq);
    tgt.index_put_([b, 0], torch.tensor(BOS, L));
    tgt.index_put_([b, `1:${len + 1}`], seq.flip(0));
    tgt.index_put_([b, len + 1], torch.tensor(EOS, L));
  }
  return [src, tgt];
}

// ---- a small CNN with BatchNorm and Dropout --------------------------------------------------------------------------
class SmallCNN extends nn.Module {
  conv1 = new nn.Conv2d(1, 4, 3, { padding: 1 });
  bn1 = new nn.BatchNorm2d(4);
  conv2 = new nn.Conv2d(4, 8, 3);
  bn2 = new nn.BatchNorm2d(8);
  pool = new nn.MaxPool2d(2);
  dropout = new nn.Dropout(0.25);
  fc = new nn.Linear(8 * 2 * 2, 10);
  forward(x: Tensor): Tensor {
    x = this.pool(F.relu(this.bn1(this.conv1(x))));
    x = F.relu(this.bn2(this.conv2(x)));
    x = F.adaptive_avg_pool2d(x, [2, 2]);
    x = torch.flatten(x, 1);
    return this.fc(this.dropout(x));
  }
}

// ---- a bidirectional GRU classifier with attention pooling ------------------------------------------------------------
class BiGRUClassifier extends nn.Module {
  embed: nn.Embedding;
  gru: nn.GRU;
  attn: nn.MultiheadAttention;
  query: nn.Parameter;
  fc: nn.Linear;
  constructor(vocab = 12, emb = 6, hidden = 8, classes = 3) {
    super();
    this.embed = new nn.Embedding(vocab, emb, { padding_idx: 0 });
    this.gru = new nn.GRU(emb, hidden, { num_layers: 2, batch_first: true, bidirectional: true });
    this.attn = new nn.MultiheadAttention(2 * hidden, { num_heads: 2, batch_first: true });
    this.query = new nn.Parameter(torch.randn(1, 1, 2 * hidden));
    this.fc = new nn.Linear(4 * hidden, classes);
  }
  forward(tokens: Tensor, lengths: Tensor): [Tensor, Tensor] {
    const packed = nn.utils.rnn.pack_padded_sequence(this.embed(tokens), lengths, { batch_first: true });
    const gru = this.gru as unknown as (p: Packed) => [Packed, Tensor]; // self.gru(packed): typed for tensors, hence the cast
    const [outPacked, h_n] = gru(packed);
    const [out] = nn.utils.rnn.pad_packed_sequence(outPacked, { batch_first: true });
    const last = torch.cat([h_n.index(-2), h_n.index(-1)], { dim: 1 }); // the last layer's forward and backward final states
    const pad_mask = torch.arange(out.size(1)).index("None", ":").ge(lengths.index(":", "None")); // arange(T)[None, :] >= lengths[:, None]
    const [pooled, weights] = this.attn(this.query.expand(tokens.size(0), -1, -1), out, out, { key_padding_mask: pad_mask }) as [Tensor, Tensor];
    return [this.fc(torch.cat([last, pooled.index(null, 0)], { dim: 1 })), weights];
  }
}

describe("lesson snippets: RNN, transformer, CNN, checkpoints (values vs torch 1.13)", () => {
  it("a 2-layer bidirectional GRU on packed padded batches with MultiheadAttention pooling (key_padding_mask) and ReduceLROnPlateau", () => {
    const got = seeded(() => {
      const seqs = [7, 6, 4, 4, 3, 2].map((n) => torch.randint(1, 12, [n]));
      const labels = torch.tensor([0, 1, 2, 1, 0, 2], L);
      const tokens = nn.utils.rnn.pad_sequence(seqs, { batch_first: true });
      const lengths = torch.tensor(seqs.map((q) => q.numel()), L);
      const model = new BiGRUClassifier();
      const opt = new torch.optim.Adam(model.parameters(), { lr: 0.02, weight_decay: 1e-4 });
      const sched = new torch.optim.lr_scheduler.ReduceLROnPlateau(opt, { mode: "min", factor: 0.5, patience: 0 });
      const losses: number[] = [];
      const lrs: number[] = [];
      for (let step = 0; step < 8; step++) {
        const [logits] = model(tokens, lengths);
        const loss = F.cross_entropy(logits, labels);
        opt.zero_grad();
        loss.backward();
        opt.step();
        sched.step(Math.round(loss.item() as number)); // a coarse validation loss (rounded), so plateaus are reached
        losses.push(loss.item() as number);
        lrs.push(opt.param_groups[0].lr as number);
      }
      model.eval();
      const [logits, weights] = torch.no_grad(() => model(tokens, lengths));
      const accuracy = Number(logits.argmax(1).eq(labels).float().mean().item());
      return { tokens: tokens.tolist() as number[][], losses, lrs, weights, accuracy };
    });
    expect(got.tokens).toEqual(ref.bigru.tokens);
    expectLosses(got.losses, ref.bigru.losses, 2e-5);
    got.lrs.forEach((lr, i) => expect(lr).toBeCloseTo(ref.bigru.lrs[i], 12));
    expectClose(got.weights, ref.bigru.weights, 1e-4);
    expect(got.accuracy).toBe(ref.bigru.accuracy);
  });

  it("a char-level 2-layer LSTM on padded, packed batches trains as torch's and samples the same text", () => {
    const got = seeded(() => {
      const model = new CharLSTM(V);
      const opt = new torch.optim.Adam(model.parameters(), { lr: 0.01 });
      const crit = new nn.CrossEntropyLoss({ ignore_index: 0 });
      const lengths = [12, 7, 10, 5];
      const losses: number[] = [];
      let norm: Tensor = torch.tensor(0);
      for (let step = 0; step < 8; step++) {
        const [x, y] = charBatch([0, 1, 2, 3].map((b) => (step * 5 + 11 * b) % 50), lengths);
        const [logits] = model(x, torch.tensor(lengths, L));
        const loss = crit(logits.reshape(-1, V), y.reshape(-1));
        opt.zero_grad();
        loss.backward();
        norm = nn.utils.clip_grad_norm_(model.parameters(), 1.0);
        opt.step();
        losses.push(loss.item() as number);
      }
      model.eval();
      const g = new torch.Generator().manual_seed(1);
      let text = "t";
      torch.no_grad(() => {
        let state: [Tensor, Tensor] | undefined;
        let ch = torch.tensor([[stoi.get("t")!]], L);
        for (let i = 0; i < 20; i++) {
          let logits: Tensor;
          [logits, state] = model(ch, torch.tensor([1], L), state);
          const probs = F.softmax(logits.index(0, -1).div(0.8), { dim: -1 });
          const nxt = torch.multinomial(probs, 1, { generator: g });
          text += itos.get(Number(nxt.item())) ?? "?";
          ch = nxt.view(1, 1);
        }
      });
      return { losses, norm: norm.item() as number, text, head: model.head.weight.detach() };
    });
    expectLosses(got.losses, ref.charlstm.losses, 2e-5);
    expect(Math.abs(got.norm - ref.charlstm.last_norm)).toBeLessThan(1e-4);
    expectClose(got.head, ref.charlstm.head_weight, 1e-4);
    expect(got.text).toBe(ref.charlstm.sample);
  });

  it("a sequence reverser on nn.Transformer with causal and padding masks trains as torch's and decodes the same", () => {
    const got = seeded(() => {
      const model = new Reverser();
      const opt = new torch.optim.AdamW(model.parameters(), { lr: 3e-3 });
      const crit = new nn.CrossEntropyLoss({ ignore_index: PAD, label_smoothing: 0.1 });
      const gen = new torch.Generator().manual_seed(2);
      const losses: number[] = [];
      for (let step = 0; step < 6; step++) {
        const [src, tgt] = reverseBatch(8, gen);
        const logits = model(src, tgt.index(null, ":-1"));
        const loss = crit(logits.reshape(-1, VOC), tgt.index(null, "1:").reshape(-1));
        opt.zero_grad();
        loss.backward();
        opt.step();
        losses.push(loss.item() as number);
      }
      model.eval();
      const src = torch.tensor([[5, 7, 3, 9, 4]], L);
      return torch.no_grad(() => {
        let ys = torch.tensor([[BOS]], L);
        let logits = ys;
        for (let i = 0; i < 6; i++) {
          logits = model(src, ys);
          const nxt = logits.index(null, -1).argmax(-1, { keepdim: true });
          ys = torch.cat([ys, nxt], { dim: 1 });
        }
        return { losses, decoded: ys.index(0).tolist() as number[], logits };
      });
    });
    expectLosses(got.losses, ref.reverser.losses, 2e-5);
    expect(got.decoded).toEqual(ref.reverser.decoded);
    expectClose(got.logits, ref.reverser.last_logits, 1e-4);
  });

  it("a CNN with BatchNorm2d and Dropout under SGD (nesterov) and OneCycleLR: losses, learning rates, eval logits, running stats", () => {
    const got = seeded(() => {
      const model = new SmallCNN();
      const x = torch.randn(8, 1, 12, 12);
      const y = torch.randint(0, 10, [8]);
      const opt = new torch.optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9, nesterov: true, weight_decay: 5e-4 });
      const sched = new torch.optim.lr_scheduler.OneCycleLR(opt, { max_lr: 0.1, total_steps: 6 });
      const losses: number[] = [];
      const lrs: number[] = [];
      model.train();
      for (let step = 0; step < 6; step++) {
        const loss = F.cross_entropy(model(x), y);
        opt.zero_grad();
        loss.backward();
        opt.step();
        sched.step();
        losses.push(loss.item() as number);
        lrs.push(sched.get_last_lr()[0]);
      }
      model.eval();
      const evalLogits = torch.no_grad(() => model(x));
      return { losses, lrs, evalLogits, model };
    });
    expectLosses(got.losses, ref.cnn.losses, 5e-5);
    got.lrs.forEach((lr, i) => expect(lr).toBeCloseTo(ref.cnn.lrs[i], 12));
    expectClose(got.evalLogits, ref.cnn.eval_logits, 2e-4);
    expectClose(got.model.bn1.running_mean!, ref.cnn.bn1_running_mean, 1e-5);
    expectClose(got.model.bn2.running_var!, ref.cnn.bn2_running_var, 1e-4);
    expect(Number(got.model.bn1.num_batches_tracked!.item())).toBe(ref.cnn.num_batches_tracked);
  });

  it("a checkpoint saved after 3 epochs and loaded into a fresh model, optimizer and scheduler resumes exactly", () => {
    const mlp = () => new nn.Sequential(new nn.Linear(4, 8), new nn.Tanh(), new nn.Linear(8, 3));
    const run = (resume: boolean) =>
      seeded(() => {
        const data_x = torch.randn(16, 4);
        const data_y = torch.randint(0, 3, [16]);
        const model = mlp();
        const opt = new torch.optim.Adam(model.parameters(), { lr: 0.05 });
        const sched = new torch.optim.lr_scheduler.StepLR(opt, { step_size: 2, gamma: 0.5 });
        const trainStep = (m: nn.Module, o: typeof opt, s: typeof sched) => {
          const loss = F.cross_entropy(m(data_x), data_y);
          o.zero_grad();
          loss.backward();
          o.step();
          s.step();
          return loss.item() as number;
        };
        const losses: number[] = [];
        for (let epoch = 0; epoch < 3; epoch++) losses.push(trainStep(model, opt, sched));
        if (!resume) {
          for (let epoch = 3; epoch < 6; epoch++) losses.push(trainStep(model, opt, sched));
          return { losses, lr: sched.get_last_lr()[0], weight: (model.get(2) as nn.Linear).weight.detach(), ckptLoss: NaN };
        }
        const bytes = torch.save({ epoch: 3, model_state_dict: model.state_dict(), optimizer_state_dict: opt.state_dict(), scheduler_state_dict: sched.state_dict(), loss: losses.at(-1)! });
        const ckpt = torch.load(bytes) as Record<string, unknown>;
        const model2 = mlp();
        const opt2 = new torch.optim.Adam(model2.parameters(), { lr: 0.05 });
        const sched2 = new torch.optim.lr_scheduler.StepLR(opt2, { step_size: 2, gamma: 0.5 });
        model2.load_state_dict(ckpt.model_state_dict as Record<string, Tensor>);
        opt2.load_state_dict(ckpt.optimizer_state_dict as ReturnType<typeof opt.state_dict>);
        sched2.load_state_dict(ckpt.scheduler_state_dict as ReturnType<typeof sched.state_dict>);
        for (let epoch = ckpt.epoch as number; epoch < 6; epoch++) losses.push(trainStep(model2, opt2, sched2));
        return { losses, lr: sched2.get_last_lr()[0], weight: (model2.get(2) as nn.Linear).weight.detach(), ckptLoss: ckpt.loss as number };
      });
    const resumed = run(true);
    const straight = run(false);
    expect(resumed.losses).toEqual(straight.losses); // bit for bit: resuming changes nothing
    expect(torch.equal(resumed.weight, straight.weight)).toBe(true);
    expectLosses(resumed.losses, ref.resume.losses, 1e-5);
    expect(resumed.lr).toBeCloseTo(ref.resume.lr, 12);
    expect(resumed.ckptLoss).toBe(resumed.losses[2]);
    expect(Math.abs(resumed.ckptLoss - ref.resume.ckpt_loss)).toBeLessThan(1e-5);
    expectClose(resumed.weight, ref.resume.weight, 1e-5);
  });
});
