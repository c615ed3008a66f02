/**
 * BERT written from scratch in plain PyTorch, translated as a learner would:
 *   - codertimo/BERT-pytorch, bert_pytorch/model: BERTEmbedding as the sum of TokenEmbedding / SegmentEmbedding
 *     (nn.Embedding subclasses with padding_idx=0) and PositionalEmbedding (a sin-cos buffer sliced by pe[:, :L]),
 *     Attention (masked_fill(mask == 0, -1e9)), MultiHeadedAttention (ModuleList of three Linears, view / transpose /
 *     contiguous), the hand-written LayerNorm, SublayerConnection, the tanh GELU, PositionwiseFeedForward,
 *     TransformerBlock, BERT (its mask (x > 0).unsqueeze(1).repeat(1, L, 1).unsqueeze(1)), BERTLM with
 *     NextSentencePrediction and MaskedLanguageModel (nn.LogSoftmax) and NLLLoss(ignore_index=0) over
 *     mask_lm_output.transpose(1, 2); dataset/dataset.py's BERTDataset (random_word's 80/10/10, random_sent) through a
 *     DataLoader collating dicts; trainer/optim_schedule.py's ScheduledOptim around Adam(weight_decay=0.01) and
 *     trainer/pretrain.py's iteration (argmax / eq / sum accuracy, avg_loss); an older revision's learned
 *     PositionalEmbedding(nn.Embedding) returning self.weight.data[:L] (no gradient reaches it);
 *   - the hand-written masked-LM collators of "BERT from scratch" notebooks: torch.full probability matrices,
 *     masked_fill_ of special-token and padding masks, torch.bernoulli(...).bool(), labels[~masked] = -100, 80/10/10 with
 *     torch.randint, CrossEntropyLoss over the -100 labels; and the (rand < p) * (ids != cls) * ... selection with
 *     torch.flatten(mask_arr[i].nonzero()).tolist() and input_ids[i, selection] = mask_id;
 *   - a learner's mistakes there: NLLLoss without the transpose, float targets, ids past the vocabulary, float ids, a
 *     mask without repeat / unsqueeze, view without contiguous, ~ of bernoulli's float output, a float index, p > 1,
 *     every NSP target equal to ignore_index (nan mean).
 * Kept visible: NLLLoss's float-target error has torch's class and the engine's longer message (it says why a JS number
 * list is float32). Gaps fixed, with tests in core/bert_scratch_gaps.test.ts: __invert__ of a float tensor raises torch's
 * TypeError; index_put_ checks a float index (IndexError) before the source dtype; torch.bernoulli's p-range message.
 * transformers_from_scratch / annotated_mingpt (the Annotated Transformer the codertimo model follows), llms_from_scratch
 * and d2l_applications (d2l's BERT) are not repeated. Values are torch 1.13's run of the same code
 * (scripts/fixtures/bert_scratch_fixtures.py -> tests/fixtures/torch/tutorials/bert_scratch.json); dropout is switched
 * off through m.p = 0 (BERTEmbedding and MultiHeadedAttention keep their default 0.1: the engine's dropout masks are
 * not torch's stream).
 *
 * Python forms written otherwise: Python's random in BERTDataset -> torch.rand(1).item() / torch.randint(n, [1]).item()
 * (in the fixture too); the corpus file and WordVocab -> a list of lines and a fixed vocabulary; torch.tensor(list of
 * ints) -> { dtype: torch.long }; `pe[:, 0::2] = v` -> index_put_; `labels[~m] = -100` -> index_put_([m.__invert__()],
 * ...); `a & b` -> __and__; `x[i, sel] = v` -> index_put_([i, torch.tensor(sel)], ...); np.power / np.min -> Math.pow /
 * Math.min; isinstance(m, nn.Dropout) -> instanceof.
 */
import { describe, expect, it } from "vitest";
import { F, nn, optim, torch, utils, type Tensor } from "../../../../lib/tensor/index";
import { expectNums, expectT, thrown, tutorialFixture } from "./helpers";

const ref = tutorialFixture<Record<string, any>>("bert_scratch.json"); // eslint-disable-line @typescript-eslint/no-explicit-any
const TOL = 2e-4;
const long = { dtype: torch.long };

class TokenEmbedding extends nn.Embedding {
  constructor(vocab_size: number, embed_size = 512) {
    super(vocab_size, embed_size, { padding_idx: 0 });
  }
}

class PositionalEmbedding extends nn.Module {
  declare pe: Tensor;
  constructor(d_model: number, max_len = 512) {
    super();
    let pe = torch.zeros(max_len, d_model).float();
    (pe as unknown as { require_grad: boolean }).require_grad = false; // the source's typo: a plain attribute
    const position = torch.arange(0, max_len).float().unsqueeze(1);
    const div_term = torch.arange(0, d_model, 2).float().mul(-(Math.log(10000.0) / d_model)).exp();
    pe.index_put_([":", "0::2"], torch.sin(position.mul(div_term)));
    pe.index_put_([":", "1::2"], torch.cos(position.mul(div_term)));
    pe = pe.unsqueeze(0);
    this.register_buffer("pe", pe);
  }
  forward(x: Tensor): Tensor {
    return this.pe.index(":", `:${x.size(1)}`);
  }
}

class LearnedPositionalEmbedding extends nn.Embedding {
  constructor(d_model: number, max_len = 512) {
    super(max_len, d_model);
  }
  forward(x: Tensor): Tensor {
    return this.weight.data.index(`:${x.size(1)}`);
  }
}

class SegmentEmbedding extends nn.Embedding {
  constructor(embed_size = 512) {
    super(3, embed_size, { padding_idx: 0 });
  }
}

const MAX_LEN = 16;

class BERTEmbedding extends nn.Module {
  token: TokenEmbedding;
  position: nn.Module;
  segment: SegmentEmbedding;
  dropout: nn.Dropout;
  embed_size: number;
  constructor(vocab_size: number, embed_size: number, dropout = 0.1, learned = false) {
    super();
    this.token = new TokenEmbedding(vocab_size, embed_size);
    this.position = learned ? new LearnedPositionalEmbedding(this.token.embedding_dim, MAX_LEN) : new PositionalEmbedding(this.token.embedding_dim, MAX_LEN);
    this.segment = new SegmentEmbedding(this.token.embedding_dim);
    this.dropout = new nn.Dropout({ p: dropout });
    this.embed_size = embed_size;
  }
  forward(sequence: Tensor, segment_label: Tensor): Tensor {
    const x = this.token(sequence).add(this.position(sequence)).add(this.segment(segment_label));
    return this.dropout(x);
  }
}

class Attention extends nn.Module {
  forward(query: Tensor, key: Tensor, value: Tensor, mask: Tensor | null = null, dropout: nn.Dropout | null = null): [Tensor, Tensor] {
    let scores = torch.matmul(query, key.transpose(-2, -1)).div(Math.sqrt(query.size(-1)));
    if (mask !== null) scores = scores.masked_fill(mask.eq(0), -1e9);
    let p_attn = F.softmax(scores, { dim: -1 });
    if (dropout !== null) p_attn = dropout(p_attn);
    return [torch.matmul(p_attn, value), p_attn];
  }
}

class MultiHeadedAttention extends nn.Module {
  d_k: number;
  h: number;
  linear_layers: nn.ModuleList;
  output_linear: nn.Linear;
  attention: Attention;
  dropout: nn.Dropout;
  constructor(h: number, d_model: number, dropout = 0.1) {
    super();
    if (d_model % h !== 0) throw new Error("AssertionError");
    this.d_k = Math.floor(d_model / h);
    this.h = h;
    this.linear_layers = new nn.ModuleList([0, 1, 2].map(() => new nn.Linear(d_model, d_model)));
    this.output_linear = new nn.Linear(d_model, d_model);
    this.attention = new Attention();
    this.dropout = new nn.Dropout({ p: dropout });
  }
  forward(query: Tensor, key: Tensor, value: Tensor, mask: Tensor | null = null): Tensor {
    const batch_size = query.size(0);
    const ls = [...this.linear_layers] as nn.Linear[];
    [query, key, value] = [query, key, value].map((x, i) => ls[i](x).view(batch_size, -1, this.h, this.d_k).transpose(1, 2));
    let [x] = this.attention(query, key, value, mask, this.dropout) as [Tensor, Tensor];
    x = x.transpose(1, 2).contiguous().view(batch_size, -1, this.h * this.d_k);
    return this.output_linear(x);
  }
}

class GELU extends nn.Module {
  forward(x: Tensor): Tensor {
    return x.mul(0.5).mul(torch.tanh(x.add(torch.pow(x, 3).mul(0.044715)).mul(Math.sqrt(2 / Math.PI))).add(1));
  }
}

class LayerNorm extends nn.Module {
  a_2: nn.Parameter;
  b_2: nn.Parameter;
  constructor(features: number, public eps = 1e-6) {
    super();
    this.a_2 = new nn.Parameter(torch.ones(features));
    this.b_2 = new nn.Parameter(torch.zeros(features));
  }
  forward(x: Tensor): Tensor {
    const mean = x.mean(-1, { keepdim: true });
    const std = x.std(-1, { keepdim: true });
    return this.a_2.mul(x.sub(mean)).div(std.add(this.eps)).add(this.b_2);
  }
}

class SublayerConnection extends nn.Module {
  norm: LayerNorm;
  dropout: nn.Dropout;
  constructor(size: number, dropout: number) {
    super();
    this.norm = new LayerNorm(size);
    this.dropout = new nn.Dropout(dropout);
  }
  forward(x: Tensor, sublayer: (x: Tensor) => Tensor): Tensor {
    return x.add(this.dropout(sublayer(this.norm(x))));
  }
}

class PositionwiseFeedForward extends nn.Module {
  w_1: nn.Linear;
  w_2: nn.Linear;
  dropout: nn.Dropout;
  activation: GELU;
  constructor(d_model: number, d_ff: number, dropout = 0.1) {
    super();
    this.w_1 = new nn.Linear(d_model, d_ff);
    this.w_2 = new nn.Linear(d_ff, d_model);
    this.dropout = new nn.Dropout(dropout);
    this.activation = new GELU();
  }
  forward(x: Tensor): Tensor {
    return this.w_2(this.dropout(this.activation(this.w_1(x))));
  }
}

class TransformerBlock extends nn.Module {
  attention: MultiHeadedAttention;
  feed_forward: PositionwiseFeedForward;
  input_sublayer: SublayerConnection;
  output_sublayer: SublayerConnection;
  dropout: nn.Dropout;
  constructor(hidden: number, attn_heads: number, feed_forward_hidden: number, dropout: number) {
    super();
    this.attention = new MultiHeadedAttention(attn_heads, hidden);
    this.feed_forward = new PositionwiseFeedForward(hidden, feed_forward_hidden, dropout);
    this.input_sublayer = new SublayerConnection(hidden, dropout);
    this.output_sublayer = new SublayerConnection(hidden, dropout);
    this.dropout = new nn.Dropout({ p: dropout });
  }
  forward(x: Tensor, mask: Tensor): Tensor {
    x = this.input_sublayer(x, (_x: Tensor) => this.attention.forward(_x, _x, _x, mask));
    x = this.output_sublayer(x, this.feed_forward);
    return this.dropout(x);
  }
}

class BERT extends nn.Module {
  hidden: number;
  n_layers: number;
  attn_heads: number;
  feed_forward_hidden: number;
  embedding: BERTEmbedding;
  transformer_blocks: nn.ModuleList;
  constructor(vocab_size: number, hidden = 768, n_layers = 12, attn_heads = 12, dropout = 0.1, learned = false) {
    super();
    this.hidden = hidden;
    this.n_layers = n_layers;
    this.attn_heads = attn_heads;
    this.feed_forward_hidden = hidden * 4;
    this.embedding = new BERTEmbedding(vocab_size, hidden, 0.1, learned);
    this.transformer_blocks = new nn.ModuleList(Array.from({ length: n_layers }, () => new TransformerBlock(hidden, attn_heads, hidden * 4, dropout)));
  }
  forward(x: Tensor, segment_info: Tensor): Tensor {
    const mask = x.gt(0).unsqueeze(1).repeat(1, x.size(1), 1).unsqueeze(1);
    x = this.embedding(x, segment_info);
    for (const transformer of this.transformer_blocks as Iterable<TransformerBlock>) x = transformer.forward(x, mask);
    return x;
  }
}

class NextSentencePrediction extends nn.Module {
  linear: nn.Linear;
  softmax: nn.LogSoftmax;
  constructor(hidden: number) {
    super();
    this.linear = new nn.Linear(hidden, 2);
    this.softmax = new nn.LogSoftmax({ dim: -1 });
  }
  forward(x: Tensor): Tensor {
    return this.softmax(this.linear(x.index(":", 0)));
  }
}

class MaskedLanguageModel extends nn.Module {
  linear: nn.Linear;
  softmax: nn.LogSoftmax;
  constructor(hidden: number, vocab_size: number) {
    super();
    this.linear = new nn.Linear(hidden, vocab_size);
    this.softmax = new nn.LogSoftmax({ dim: -1 });
  }
  forward(x: Tensor): Tensor {
    return this.softmax(this.linear(x));
  }
}

class BERTLM extends nn.Module {
  next_sentence: NextSentencePrediction;
  mask_lm: MaskedLanguageModel;
  constructor(public bert: BERT, vocab_size: number) {
    super();
    this.next_sentence = new NextSentencePrediction(this.bert.hidden);
    this.mask_lm = new MaskedLanguageModel(this.bert.hidden, vocab_size);
  }
  forward(x: Tensor, segment_label: Tensor): [Tensor, Tensor] {
    const h = this.bert(x, segment_label);
    return [this.next_sentence(h), this.mask_lm(h)];
  }
}

class ScheduledOptim {
  n_current_steps = 0;
  init_lr: number;
  constructor(private _optimizer: optim.Adam, d_model: number, public n_warmup_steps: number) {
    this.init_lr = Math.pow(d_model, -0.5);
  }
  step_and_update_lr(): void {
    this._update_learning_rate();
    this._optimizer.step();
  }
  zero_grad(): void {
    this._optimizer.zero_grad();
  }
  _get_lr_scale(): number {
    return Math.min(Math.pow(this.n_current_steps, -0.5), Math.pow(this.n_warmup_steps, -1.5) * this.n_current_steps);
  }
  _update_learning_rate(): void {
    this.n_current_steps += 1;
    const lr = this.init_lr * this._get_lr_scale();
    for (const param_group of this._optimizer.param_groups) param_group.lr = lr;
  }
}

// dataset/dataset.py over a list of lines and a fixed vocabulary; Python's random -> seeded torch draws
const WORDS = ["the", "cat", "sat", "on", "mat", "a", "dog", "ran", "to", "park", "it", "was", "big", "red", "ball"];
const [PAD, UNK, EOS, SOS, MASK] = [0, 1, 2, 3, 4];
const STOI = new Map(WORDS.map((w, i) => [w, i + 5]));
const VOCAB = 5 + WORDS.length;
const LINES = [["the cat sat", "on the mat"], ["a dog ran", "to the park"], ["it was big", "a red ball"],
  ["the dog sat", "on a mat"], ["a cat ran", "it was red"], ["the ball was", "big and red"]];
const SEQ_LEN = 10;
const rnd = () => torch.rand(1).item();
const randrange = (n: number) => torch.randint(n, [1]).item();
type Item = Record<"bert_input" | "bert_label" | "segment_label" | "is_next", Tensor>;

class BERTDataset extends utils.data.Dataset<Item> {
  corpus_lines: number;
  constructor(public lines: string[][], public seq_len: number) {
    super();
    this.corpus_lines = lines.length;
  }
  __len__(): number {
    return this.corpus_lines;
  }
  __getitem__(item: number): Item {
    const [t1s, t2s, is_next_label] = this.random_sent(item);
    const [t1_random, t1_label] = this.random_word(t1s);
    const [t2_random, t2_label] = this.random_word(t2s);
    const t1 = [SOS, ...t1_random, EOS];
    const t2 = [...t2_random, EOS];
    const segment_label = [...t1.map(() => 1), ...t2.map(() => 2)].slice(0, this.seq_len);
    const bert_input = [...t1, ...t2].slice(0, this.seq_len);
    const bert_label = [PAD, ...t1_label, PAD, ...t2_label, PAD].slice(0, this.seq_len);
    const padding = Array.from({ length: this.seq_len - bert_input.length }, () => PAD);
    bert_input.push(...padding);
    bert_label.push(...padding);
    segment_label.push(...padding);
    const output = { bert_input, bert_label, segment_label, is_next: is_next_label };
    return Object.fromEntries(Object.entries(output).map(([k, v]) => [k, torch.tensor(v, long)])) as Item;
  }
  random_word(sentence: string): [number[], number[]] {
    const tokens: (string | number)[] = sentence.split(" ");
    const output_label: number[] = [];
    tokens.forEach((token, i) => {
      const word = token as string;
      let prob = rnd();
      if (prob < 0.15) {
        prob /= 0.15;
        if (prob < 0.8) tokens[i] = MASK;
        else if (prob < 0.9) tokens[i] = randrange(VOCAB);
        else tokens[i] = STOI.get(word) ?? UNK;
        output_label.push(STOI.get(word) ?? UNK);
      } else {
        tokens[i] = STOI.get(word) ?? UNK;
        output_label.push(0);
      }
    });
    return [tokens as number[], output_label];
  }
  random_sent(index: number): [string, string, number] {
    const [t1, t2] = this.lines[index];
    if (rnd() > 0.5) return [t1, t2, 1];
    return [t1, this.lines[randrange(this.lines.length)][1], 0];
  }
}

function no_dropout(model: nn.Module): void {
  for (const m of model.modules()) if (m instanceof nn.Dropout) m.p = 0.0;
}

const tolists = (b: Item) => Object.fromEntries(Object.entries(b).map(([k, v]) => [k, v.tolist()]));
const [HIDDEN, LAYERS, HEADS] = [16, 2, 4];

describe("codertimo/BERT-pytorch", () => {
  torch.manual_seed(0);
  const ds = new BERTDataset(LINES, SEQ_LEN);
  const items = Array.from({ length: ds.__len__() }, (_, i) => ds.__getitem__(i));
  torch.manual_seed(1);
  const bert = new BERT(VOCAB, HIDDEN, LAYERS, HEADS, 0.0);
  const model = new BERTLM(bert, VOCAB);
  const repr = String(model);
  no_dropout(model);
  torch.manual_seed(2);
  const batches = [...new utils.data.DataLoader(ds, { batch_size: 3, shuffle: false })] as Item[];
  const b0 = batches[0];
  const x = b0.bert_input;
  const criterion = new nn.NLLLoss({ ignore_index: 0 });

  it("BERTDataset's items (random_word / random_sent on seeded draws) and the DataLoader's dict batches", () => {
    expect(items.map(tolists)).toEqual(ref.items);
    expect(Object.values(items[0]).map((v) => String(v.dtype))).toEqual(ref.item_dtypes);
    expect(items[0].is_next.shape).toEqual(ref.item0_is_next_shape);
    expect(Object.keys(b0)).toEqual(ref.batch_keys);
    expect(batches.map(tolists)).toEqual(ref.batches);
  });

  it("print(model), the parameter count, state_dict keys and the pe buffer; padding_idx rows zero", () => {
    expect(repr).toBe(ref.repr);
    expect([...model.parameters()].reduce((s, p) => s + p.nelement(), 0)).toBe(ref.n_params);
    expect(Object.keys(model.state_dict())).toEqual(ref.state_keys);
    expect([...model.named_buffers()].map(([n]) => n)).toEqual(ref.buffers);
    expectT(bert.embedding.token.weight.index(0), ref.token_row0, 0);
    expectT(bert.embedding.segment.weight, ref.segment_w, 1e-6);
  });

  it("the padding mask, the sin-cos positions, embeddings, attention, GELU, both heads, NLLLoss(ignore_index=0) and gradients", () => {
    const mask = x.gt(0).unsqueeze(1).repeat(1, x.size(1), 1).unsqueeze(1);
    expect(mask.shape).toEqual(ref.mask_shape);
    expect(String(mask.dtype)).toBe(ref.mask_dtype);
    expect(mask.index(0, 0).int().tolist()).toEqual(ref.mask_0);
    expectT((bert.embedding.position as PositionalEmbedding)(x), ref.pe, 1e-6);
    const emb = bert.embedding(x, b0.segment_label);
    expectT(emb, ref.emb, 1e-5);
    const blk = (bert.transformer_blocks as unknown as TransformerBlock[])[0];
    const q = blk.input_sublayer.norm(emb);
    const qkv = ([...blk.attention.linear_layers] as nn.Linear[]).map((l) => l(q).view(3, -1, HEADS, HIDDEN / HEADS).transpose(1, 2));
    const [, p_attn] = blk.attention.attention(qkv[0], qkv[1], qkv[2], mask) as [Tensor, Tensor];
    expectT(p_attn.index(0, 0), ref.p_attn_0, 1e-5);
    expectT(new GELU()(torch.linspace(-3, 3, 7)), ref.gelu, 1e-6);
    expectT(bert(x, b0.segment_label), ref.bert_out, TOL);
    const [nsp, mlm] = model(x, b0.segment_label) as [Tensor, Tensor];
    expectT(nsp, ref.nsp, TOL);
    expectT(mlm.index(0), ref.mlm_0, TOL);
    const next_loss = criterion(nsp, b0.is_next);
    const mask_loss = criterion(mlm.transpose(1, 2), b0.bert_label);
    expectNums([next_loss.item(), mask_loss.item()], [ref.next_loss, ref.mask_loss], TOL);
    next_loss.add(mask_loss).backward();
    expectT(bert.embedding.token.weight.grad!, ref.grad_token, TOL);
    expectT(bert.embedding.segment.weight.grad!, ref.grad_segment, TOL);
    const blocks = bert.transformer_blocks as unknown as TransformerBlock[];
    expectT(blocks[1].output_sublayer.norm.a_2.grad!, ref.grad_a2, TOL);
    expectT(blocks[0].feed_forward.w_1.weight.grad!, ref.grad_w1, TOL);
    expect((bert.embedding.position as PositionalEmbedding).pe.requires_grad).toBe(ref.pe_requires_grad);
    model.zero_grad();
  });

  it("pretrain.py's iteration: ScheduledOptim(Adam(weight_decay=0.01), warmup 3), losses, accuracy and lrs over 2 epochs", () => {
    const optim_ = new optim.Adam(model.parameters(), { lr: 1e-4, betas: [0.9, 0.999], weight_decay: 0.01 });
    const optim_schedule = new ScheduledOptim(optim_, bert.hidden, 3);
    const logs: number[][] = [], lrs: number[] = [], epoch_lines: number[][] = [];
    for (let epoch = 0; epoch < 2; epoch++) {
      let [avg_loss, total_correct, total_element] = [0.0, 0, 0];
      batches.forEach((data, i) => {
        const [next_sent_output, mask_lm_output] = model.forward(data.bert_input, data.segment_label) as [Tensor, Tensor];
        const next_loss = criterion(next_sent_output, data.is_next);
        const mask_loss = criterion(mask_lm_output.transpose(1, 2), data.bert_label);
        const loss = next_loss.add(mask_loss);
        optim_schedule.zero_grad();
        loss.backward();
        optim_schedule.step_and_update_lr();
        lrs.push(optim_.param_groups[0].lr as number);
        const correct = next_sent_output.argmax({ dim: -1 }).eq(data.is_next).sum().item();
        avg_loss += loss.item();
        total_correct += correct;
        total_element += data.is_next.nelement();
        logs.push([epoch, i, avg_loss / (i + 1), (total_correct / total_element) * 100, loss.item(), next_loss.item(), mask_loss.item()]);
      });
      epoch_lines.push([avg_loss / batches.length, (total_correct * 100.0) / total_element]);
    }
    expectNums(lrs, ref.train_lrs, 1e-12);
    expectNums(logs.flat(), (ref.train_logs as number[][]).flat(), 1e-3);
    expectNums(epoch_lines.flat(), (ref.train_epochs as number[][]).flat(), 1e-3);
    expectT(model.mask_lm.linear.bias!, ref.trained_output_w, 1e-3);
    // weight_decay moves the padding row away from zero: Adam's L2 term sees its zero gradient plus 0.01 * 0
    expectT(bert.embedding.token.weight.index(0), ref.trained_token_row0, 1e-6);
  });

  it("the learned-position variant: self.weight.data[:L] is cut off from autograd", () => {
    torch.manual_seed(3);
    const bert2 = new BERT(VOCAB, 8, 1, 2, 0.0, true);
    no_dropout(bert2);
    const o2 = bert2(x, b0.segment_label);
    o2.sum().backward();
    expectT(o2.index(0), ref.learned_out, TOL);
    expect((bert2.embedding.position as LearnedPositionalEmbedding).weight.grad === null).toBe(ref.learned_pos_grad_none);
    expectT(bert2.embedding.token.weight.grad!, ref.learned_token_grad, TOL);
  });
});

describe("hand-written masked-LM collators", () => {
  const SPECIAL = new Set([0, 2, 3]);
  function mask_tokens(inputs: Tensor, mask_token_id: number, vocab_size: number, mlm_probability = 0.15): [Tensor, Tensor] {
    const labels = inputs.clone();
    const probability_matrix = torch.full(labels.shape, mlm_probability);
    const special_tokens_mask = (labels.tolist() as number[][]).map((val) => val.map((v) => (SPECIAL.has(v) ? 1 : 0)));
    probability_matrix.masked_fill_(torch.tensor(special_tokens_mask, { dtype: torch.bool }), { value: 0.0 });
    const padding_mask = labels.eq(0);
    probability_matrix.masked_fill_(padding_mask, { value: 0.0 });
    const masked_indices = torch.bernoulli(probability_matrix).bool();
    labels.index_put_([masked_indices.__invert__()], torch.tensor(-100));
    const indices_replaced = torch.bernoulli(torch.full(labels.shape, 0.8)).bool().__and__(masked_indices);
    inputs.index_put_([indices_replaced], torch.tensor(mask_token_id));
    const indices_random = torch.bernoulli(torch.full(labels.shape, 0.5)).bool().__and__(masked_indices).__and__(indices_replaced.__invert__());
    const random_words = torch.randint(vocab_size, labels.shape, long);
    inputs.index_put_([indices_random], random_words.index(indices_random));
    return [inputs, labels];
  }
  let ids: Tensor;

  it("torch.full / masked_fill_ / bernoulli / -100 labels / 80-10-10 with randint, and CrossEntropyLoss over them", () => {
    torch.manual_seed(4); // here, not in the describe body: vitest runs every describe body before the first test
    ids = torch.randint(5, VOCAB, [4, 12]);
    ids.index_put_([":", 0], torch.tensor(SOS));
    ids.index_put_([":", 6], torch.tensor(EOS));
    ids.index_put_(["2:", "9:"], torch.tensor(PAD));
    expect(ids.tolist()).toEqual(ref.mlm_ids);
    const [inp, lab] = mask_tokens(ids.clone(), MASK, VOCAB, 0.3);
    expect(inp.tolist()).toEqual(ref.mlm_inputs);
    expect(lab.tolist()).toEqual(ref.mlm_labels);
    torch.manual_seed(5);
    const head = new nn.Linear(6, VOCAB);
    const logits = head(torch.randn(4, 12, 6));
    expectNums([new nn.CrossEntropyLoss()(logits.view(-1, VOCAB), lab.view(-1)).item()], [ref.mlm_ce], 1e-5);
    expectNums([F.cross_entropy(logits.view(-1, VOCAB), lab.view(-1), { reduction: "sum" }).item()], [ref.mlm_ce_sum], 1e-4);
  });

  it("(rand < p) * (ids != cls) * ... selection, flatten(nonzero()).tolist() and input_ids[i, selection] = mask", () => {
    torch.manual_seed(6);
    const input_ids = ids.clone();
    const labels2 = input_ids.detach().clone();
    const rand = torch.rand(input_ids.shape);
    const mask_arr = rand.lt(0.3).mul(input_ids.ne(SOS)).mul(input_ids.ne(EOS)).mul(input_ids.ne(PAD));
    expect(String(mask_arr.dtype)).toBe(ref.mask_arr_dtype);
    const selection: number[][] = [];
    for (let i = 0; i < input_ids.shape[0]; i++) selection.push(torch.flatten(mask_arr.index(i).nonzero()).tolist() as number[]);
    expect(selection).toEqual(ref.selection);
    for (let i = 0; i < input_ids.shape[0]; i++) input_ids.index_put_([i, torch.tensor(selection[i], long)], torch.tensor(MASK, long));
    expect(input_ids.tolist()).toEqual(ref.selected_ids);
    expect(labels2.tolist()).toEqual(ref.labels2_unchanged);
  });
});

describe("a learner's mistakes, as torch 1.13 reports them", () => {
  torch.manual_seed(7);
  const m = new BERTLM(new BERT(VOCAB, 8, 1, 2, 0.0), VOCAB);
  const x = torch.tensor(ref.batches[0].bert_input, long); // the first batch, [3, 10]
  const seg = torch.tensor(ref.batches[0].segment_label, long);
  const is_next = torch.tensor(ref.batches[0].is_next, long);
  const bert_label = torch.tensor(ref.batches[0].bert_label, long);
  const [nsp7, mlm7] = m(x, seg) as [Tensor, Tensor];
  const criterion = new nn.NLLLoss({ ignore_index: 0 });

  it("NLLLoss without transpose(1, 2), with float targets; ids past the vocabulary; float ids", () => {
    expect(thrown(() => criterion(mlm7, bert_label))).toEqual(ref.err_nll_no_transpose);
    // kept visible: the engine's message adds why (JS numbers make torch.tensor([1, 0]) float32) to torch's class
    const [cls, msg] = thrown(() => criterion(nsp7, is_next.float()))!;
    expect(cls).toBe(ref.err_nll_float_target[0]);
    expect(msg).toMatch(/expected target of dtype torch.int64/);
    expect(thrown(() => m(torch.tensor([[3, 20, 2]], long), torch.tensor([[1, 1, 1]], long)))).toEqual(ref.err_token_oob);
    expect(thrown(() => m(torch.tensor([[3, 5, 2]], long), torch.tensor([[1, 3, 1]], long)))).toEqual(ref.err_segment_oob);
    expect(thrown(() => m.bert.embedding.token(torch.tensor([[3.0, 5.0]])))).toEqual(ref.err_float_ids);
  });

  it("a mask without repeat / unsqueeze, an int64 mask, view without contiguous", () => {
    const scores = torch.randn(3, 4, SEQ_LEN, SEQ_LEN);
    const short_mask = x.gt(0).unsqueeze(1);
    expect(thrown(() => scores.masked_fill(short_mask.eq(0), -1e9))).toEqual(ref.err_short_mask);
    torch.manual_seed(8);
    expectT(torch.randn(3, SEQ_LEN).masked_fill(x.eq(0).long(), -1e9), ref.long_mask_fill, 0); // torch 1.13 takes it as a boolean mask
    const qh = torch.randn(3, 4, SEQ_LEN, 2);
    expect(thrown(() => qh.transpose(1, 2).view(3, -1, 8))).toEqual(ref.err_view_no_contiguous);
  });

  it("~ of bernoulli's float output, a float index, p > 1; every NSP target ignored", () => {
    const pm = torch.full([2, 3], 0.5);
    const inv = thrown(() => torch.bernoulli(pm).__invert__())!;
    expect([inv[0].replace(/_$/, ""), inv[1]]).toEqual(ref.err_not_float_mask); // the engine's TypeError_ is torch's TypeError
    expect(thrown(() => ids_clone().index_put_([torch.bernoulli(torch.full([4, 12], 0.5))], torch.tensor(-100)))).toEqual(ref.err_float_index);
    expect(thrown(() => torch.bernoulli(torch.full([2], 1.5)))).toEqual(ref.err_bernoulli_p);
    expect(String(criterion(nsp7, torch.zeros(3, long)).item())).toBe(ref.nll_all_ignored === "nan" ? "NaN" : ref.nll_all_ignored);
    expect(new nn.NLLLoss({ ignore_index: 0, reduction: "sum" })(nsp7, torch.zeros(3, long)).item()).toBe(ref.nll_all_ignored_sum);
  });
});

function ids_clone(): Tensor {
  return torch.tensor(ref.mlm_ids, long);
}
