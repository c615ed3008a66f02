/**
 * A cold probe of two tutorial sources, translated as a learner would:
 *  - bentrevett/pytorch-seq2seq: 1 (the LSTM encoder-decoder), 2 (the GRU "phrase representation" model
 *    with its context vector), 3 (Bahdanau attention, translate_sentence returning the attentions),
 *    legacy 4 (packed padded sequences and the source mask), legacy 5 (the convolutional seq2seq with GLU
 *    and its attention), legacy 6 (the Transformer with its pad and subsequent masks); each with its
 *    init_weights, count_parameters, train / evaluate loops (Adam, CrossEntropyLoss(ignore_index=pad),
 *    clip_grad_norm_) and greedy translate_sentence;
 *  - bentrevett/pytorch-sentiment-analysis: 1 (NBoW), 2 (the bidirectional LSTM over
 *    pack_padded_sequence(enforce_sorted=False) with its orthogonal / xavier init), 3 (the CNN with several
 *    filter sizes and kaiming init), their train / evaluate / get_accuracy / predict_sentiment, and the
 *    legacy FastText (avg_pool2d) and Conv2d CNN (max_pool1d) with BCEWithLogitsLoss and binary_accuracy.
 * Multi30k / IMDb, spaCy, datasets and torchtext are inline sentence pairs and reviews, a split() tokenizer
 * and a vocabulary in build_vocab_from_iterator's order (specials, then descending frequency, ties
 * alphabetically); sizes and epochs are cut. Values are compared with torch 1.13 running the same code
 * (scripts/fixtures/bentrevett_fixtures.py -> tests/fixtures/torch/tutorials/bentrevett.json).
 *
 * Python forms written otherwise: `outputs[t] = output` -> outputs.index_put_([t], output),
 * `random.random()` (the teacher-forcing coin) -> the fixture's draws of Python's stream after
 * random.seed(1234) (tf_draws), `with torch.no_grad():` -> torch.no_grad(() => ...), np.mean / np.exp ->
 * JS arithmetic, `isinstance(m, nn.Linear)` -> instanceof, `hasattr(m, "weight")` -> a property check,
 * the BucketIterator of legacy 4 / 5 / 6 -> batches built with pad_sequence (sorted by source length
 * within a batch where the tutorial sorts them), torch.tensor(ids) -> torch.tensor(ids, { dtype: torch.int64 })
 * (JS numbers make float32 tensors here), the data_ptr() comparison -> a write through the assigned tensor
 * (the engine has no data_ptr).
 * The last test runs the mistakes a learner makes in these notebooks (packing, recurrent states, filters
 * longer than the text, losses, masks) against torch's errors. Kept differences, written there: the engine's
 * own text for bmm / matmul / masked_fill shape errors, cross_entropy's float-target and target-shape errors
 * and pad_sequence's mixed-shape error (same class as torch), and the sizes it appends to torch's text for
 * embedding, cat and view.
 */
import { describe, expect, it } from "vitest";
import { F, nn, optim, torch, utils, type Tensor } from "../../../../lib/tensor/index";
import { tutorialFixture, expectNums, expectT, type TJ } from "./helpers";

const ref = tutorialFixture<Record<string, any>>("bentrevett.json"); // eslint-disable-line @typescript-eslint/no-explicit-any
const device = torch.device("cpu");
const long = { dtype: torch.int64 };


/** What fn raises as [Python class name, message] (the engine's TypeError_ is named TypeError), or null. */
function thrown(fn: () => unknown): [string, string] | null {
  try {
    fn();
  } catch (e) {
    return [(e as Error).name, (e as Error).message];
  }
  return null;
}

// Python's random.random() after random.seed(1234): the teacher-forcing coin.
const TF_DRAWS = ref.tf_draws as number[];
let drawn = 0;
const random = { random: (): number => TF_DRAWS[drawn++], seed: (): void => { drawn = 0; } };

// ============================================ data ============================================
const PAIRS: [string, string][] = [
  ["ein mann sitzt auf einer bank .", "a man sits on a bench ."],
  ["eine frau liest ein buch .", "a woman reads a book ."],
  ["ein hund läuft im park .", "a dog runs in the park ."],
  ["zwei kinder spielen im park .", "two children play in the park ."],
  ["ein mann liest ein buch .", "a man reads a book ."],
  ["eine frau sitzt im park .", "a woman sits in the park ."],
  ["ein hund spielt .", "a dog plays ."],
  ["zwei männer laufen .", "two men run ."],
];
const [sos_token, eos_token, unk_token, pad_token] = ["<sos>", "<eos>", "<unk>", "<pad>"];
const special_tokens = [unk_token, pad_token, sos_token, eos_token];

function build_vocab(token_lists: string[][], min_freq: number, specials: string[]): string[] {
  const counter = new Map<string, number>();
  for (const tokens of token_lists) for (const t of tokens) counter.set(t, (counter.get(t) ?? 0) + 1);
  const ordered = [...counter].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return [...specials, ...ordered.filter(([t, c]) => c >= min_freq && !specials.includes(t)).map(([t]) => t)];
}

interface Example { en_tokens: string[]; de_tokens: string[]; en_ids: Tensor; de_ids: Tensor }
function tokenize_example(example: { de: string; en: string }, max_length: number, lower: boolean): { en_tokens: string[]; de_tokens: string[] } {
  let en_tokens = example.en.split(" ").slice(0, max_length);
  let de_tokens = example.de.split(" ").slice(0, max_length);
  if (lower) {
    en_tokens = en_tokens.map((token) => token.toLowerCase());
    de_tokens = de_tokens.map((token) => token.toLowerCase());
  }
  return { en_tokens: [sos_token, ...en_tokens, eos_token], de_tokens: [sos_token, ...de_tokens, eos_token] };
}
const tokenized = PAIRS.map(([de, en]) => tokenize_example({ de, en }, 1000, true));
const en_itos = build_vocab(tokenized.map((d) => d.en_tokens), 1, special_tokens);
const de_itos = build_vocab(tokenized.map((d) => d.de_tokens), 1, special_tokens);
const en_stoi = new Map(en_itos.map((t, i) => [t, i]));
const de_stoi = new Map(de_itos.map((t, i) => [t, i]));
const [unk_index, pad_index] = [0, 1];
const data: Example[] = tokenized.map((d) => ({
  ...d,
  en_ids: torch.tensor(d.en_tokens.map((t) => en_stoi.get(t) ?? unk_index), long),
  de_ids: torch.tensor(d.de_tokens.map((t) => de_stoi.get(t) ?? unk_index), long),
}));
const train_data = data.slice(0, 6);
const valid_data = data.slice(6);

type Batch = { en_ids: Tensor; de_ids: Tensor };
function get_collate_fn(pad_index: number): (batch: Example[]) => Batch {
  return (batch) => {
    const batch_en_ids = nn.utils.rnn.pad_sequence(batch.map((example) => example.en_ids), { padding_value: pad_index });
    const batch_de_ids = nn.utils.rnn.pad_sequence(batch.map((example) => example.de_ids), { padding_value: pad_index });
    return { en_ids: batch_en_ids, de_ids: batch_de_ids };
  };
}
function get_data_loader(dataset: Example[], batch_size: number, pad_index: number, shuffle = false) {
  const collate_fn = get_collate_fn(pad_index);
  return new utils.data.DataLoader({ dataset, batch_size, collate_fn, shuffle });
}

function count_parameters(model: nn.Module): number {
  return model.parameters().filter((p) => p.requires_grad).reduce((s, p) => s + p.numel(), 0);
}

interface TeacherForced extends nn.Module { (src: Tensor, trg: Tensor, teacher_forcing_ratio: number): Tensor }

function train_fn(model: TeacherForced, data_loader: Iterable<Batch> & { length?: number }, n: number, optimizer: optim.Optimizer, criterion: nn.CrossEntropyLoss, clip: number, teacher_forcing_ratio: number, log: number[][]): number {
  model.train();
  let epoch_loss = 0;
  for (const batch of data_loader) {
    const src = batch.de_ids.to(device);
    let trg = batch.en_ids.to(device);
    optimizer.zero_grad();
    let output = model(src, trg, teacher_forcing_ratio);
    const output_dim = output.shape[output.shape.length - 1];
    output = output.index("1:").view(-1, output_dim);
    trg = trg.index("1:").view(-1);
    const loss = criterion(output, trg);
    loss.backward();
    const norm = nn.utils.clip_grad_norm_(model.parameters(), clip);
    log.push([loss.item(), norm.item()]);
    optimizer.step();
    epoch_loss += loss.item();
  }
  return epoch_loss / n;
}

function evaluate_fn(model: TeacherForced, data_loader: Iterable<Batch>, n: number, criterion: nn.CrossEntropyLoss): number {
  model.eval();
  let epoch_loss = 0;
  torch.no_grad(() => {
    for (const batch of data_loader) {
      const src = batch.de_ids.to(device);
      let trg = batch.en_ids.to(device);
      let output = model(src, trg, 0); // turn off teacher forcing
      const output_dim = output.shape[output.shape.length - 1];
      output = output.index("1:").view(-1, output_dim);
      trg = trg.index("1:").view(-1);
      const loss = criterion(output, trg);
      epoch_loss += loss.item();
    }
  });
  return epoch_loss / n;
}

/** The tutorials' epoch loop, 2 epochs over 6 training pairs (batches of 3, shuffled) and 2 validation pairs. */
function run_seq2seq(model: TeacherForced, r: { steps: number[][]; epochs: number[][]; params_after: Record<string, TJ>; test_loss: number }): void {
  const optimizer = new optim.Adam(model.parameters());
  const criterion = new nn.CrossEntropyLoss({ ignore_index: pad_index });
  torch.manual_seed(7);
  random.seed();
  const train_data_loader = get_data_loader(train_data, 3, pad_index, true);
  const valid_data_loader = get_data_loader(valid_data, 2, pad_index);
  const steps: number[][] = [];
  const epochs: number[][] = [];
  let best_valid_loss = Infinity;
  for (let epoch = 0; epoch < 2; epoch++) {
    const train_loss = train_fn(model, train_data_loader, train_data_loader.length, optimizer, criterion, 1.0, 0.5, steps);
    const valid_loss = evaluate_fn(model, valid_data_loader, valid_data_loader.length, criterion);
    if (valid_loss < best_valid_loss) {
      best_valid_loss = valid_loss;
      torch.save(model.state_dict(), "tut-model.pt");
    }
    epochs.push([train_loss, valid_loss, Math.exp(train_loss), Math.exp(valid_loss)]);
  }
  model.load_state_dict(torch.load("tut-model.pt") as Record<string, Tensor>);
  expectNums([evaluate_fn(model, valid_data_loader, valid_data_loader.length, criterion)], [r.test_loss], 2e-4);
  expectNums(steps.flat(), r.steps.flat(), 2e-4);
  expectNums(epochs.flat(), r.epochs.flat(), 2e-4);
  for (const [name, p] of model.named_parameters().slice(0, 3)) expectT(p, r.params_after[name], 2e-4);
}

// ======================================= seq2seq 1: LSTM =======================================
class Encoder extends nn.Module {
  hidden_dim: number;
  n_layers: number;
  embedding: nn.Embedding;
  rnn: nn.LSTM;
  dropout: nn.Dropout;
  constructor(input_dim: number, embedding_dim: number, hidden_dim: number, n_layers: number, dropout: number) {
    super();
    this.hidden_dim = hidden_dim;
    this.n_layers = n_layers;
    this.embedding = new nn.Embedding(input_dim, embedding_dim);
    this.rnn = new nn.LSTM(embedding_dim, hidden_dim, n_layers, { dropout });
    this.dropout = new nn.Dropout(dropout);
  }
  forward(src: Tensor): [Tensor, Tensor] {
    const embedded = this.dropout(this.embedding(src));
    const [, [hidden, cell]] = this.rnn(embedded);
    return [hidden, cell];
  }
}

class Decoder extends nn.Module {
  output_dim: number;
  hidden_dim: number;
  n_layers: number;
  embedding: nn.Embedding;
  rnn: nn.LSTM;
  fc_out: nn.Linear;
  dropout: nn.Dropout;
  constructor(output_dim: number, embedding_dim: number, hidden_dim: number, n_layers: number, dropout: number) {
    super();
    this.output_dim = output_dim;
    this.hidden_dim = hidden_dim;
    this.n_layers = n_layers;
    this.embedding = new nn.Embedding(output_dim, embedding_dim);
    this.rnn = new nn.LSTM(embedding_dim, hidden_dim, n_layers, { dropout });
    this.fc_out = new nn.Linear(hidden_dim, output_dim);
    this.dropout = new nn.Dropout(dropout);
  }
  forward(input: Tensor, hidden: Tensor, cell: Tensor): [Tensor, Tensor, Tensor] {
    input = input.unsqueeze(0);
    const embedded = this.dropout(this.embedding(input));
    const [output, [h, c]] = this.rnn(embedded, [hidden, cell]);
    const prediction = this.fc_out(output.squeeze(0));
    return [prediction, h, c];
  }
}

class Seq2Seq extends nn.Module {
  encoder: Encoder;
  decoder: Decoder;
  device: ReturnType<typeof torch.device>;
  constructor(encoder: Encoder, decoder: Decoder, device: ReturnType<typeof torch.device>) {
    super();
    this.encoder = encoder;
    this.decoder = decoder;
    this.device = device;
    if (encoder.hidden_dim !== decoder.hidden_dim) throw new Error("Hidden dimensions of encoder and decoder must be equal!");
    if (encoder.n_layers !== decoder.n_layers) throw new Error("Encoder and decoder must have equal number of layers!");
  }
  forward(src: Tensor, trg: Tensor, teacher_forcing_ratio: number): Tensor {
    const batch_size = trg.shape[1];
    const trg_length = trg.shape[0];
    const trg_vocab_size = this.decoder.output_dim;
    const outputs = torch.zeros(trg_length, batch_size, trg_vocab_size).to(this.device);
    let [hidden, cell] = this.encoder(src);
    let input = trg.index(0, null);
    for (let t = 1; t < trg_length; t++) {
      let output: Tensor;
      [output, hidden, cell] = this.decoder(input, hidden, cell);
      outputs.index_put_([t], output);
      const teacher_force = random.random() < teacher_forcing_ratio;
      const top1 = output.argmax(1);
      input = teacher_force ? trg.index(t) : top1;
    }
    return outputs;
  }
}

function translate_sentence(sentence: string | string[], model: Seq2Seq, lower: boolean, max_output_length = 25): string[] {
  model.eval();
  return torch.no_grad(() => {
    let tokens = typeof sentence === "string" ? sentence.split(" ") : [...sentence];
    if (lower) tokens = tokens.map((token) => token.toLowerCase());
    tokens = [sos_token, ...tokens, eos_token];
    const ids = tokens.map((t) => de_stoi.get(t) ?? unk_index);
    const tensor = torch.LongTensor(ids).unsqueeze(-1).to(device);
    let [hidden, cell] = model.encoder(tensor);
    const inputs = [en_stoi.get(sos_token)!];
    for (let i = 0; i < max_output_length; i++) {
      const inputs_tensor = torch.LongTensor([inputs[inputs.length - 1]]).to(device);
      let output: Tensor;
      [output, hidden, cell] = model.decoder(inputs_tensor, hidden, cell);
      const predicted_token = output.argmax(-1).item();
      inputs.push(predicted_token);
      if (predicted_token === en_stoi.get(eos_token)) break;
    }
    return inputs.map((i) => en_itos[i]);
  });
}

describe("bentrevett/pytorch-seq2seq", () => {
  it("the inline vocabularies in build_vocab_from_iterator's order; collate_fn's pad_sequence (time-major)", () => {
    expect([en_itos, de_itos]).toEqual([ref.vocab.en_itos, ref.vocab.de_itos]);
    const batch = get_collate_fn(pad_index)(train_data.slice(0, 3));
    expect([batch.de_ids.tolist(), batch.en_ids.tolist()]).toEqual([ref.s2s1.batch_de, ref.s2s1.batch_en]);
    expect(String(batch.de_ids.dtype)).toBe("torch.int64");
  });

  it("1: the LSTM encoder-decoder: apply(init_weights) (its repr), count_parameters, train_fn / evaluate_fn, translate_sentence", () => {
    const r = ref.s2s1;
    const input_dim = de_itos.length;
    const output_dim = en_itos.length;
    torch.manual_seed(1234);
    const encoder = new Encoder(input_dim, 8, 10, 2, 0.5);
    const decoder = new Decoder(output_dim, 8, 10, 2, 0.5);
    const model = new Seq2Seq(encoder, decoder, device).to(device);
    function init_weights(m: nn.Module): void {
      for (const [, param] of m.named_parameters()) nn.init.uniform_(param.data, -0.08, 0.08);
    }
    const applied = model.apply(init_weights);
    expect(String(applied)).toBe(r.repr);
    expect(count_parameters(model)).toBe(r.count);
    for (const [name, p] of model.named_parameters().slice(0, 2)) expectT(p, r.init[name], 1e-6);
    const batch = get_collate_fn(pad_index)(train_data.slice(0, 3));
    model.eval();
    torch.no_grad(() => expectT(model(batch.de_ids, batch.en_ids, 0), r.eval_out, 1e-5));
    run_seq2seq(model, r);
    expect(translate_sentence("Ein Mann sitzt auf einer Bank .", model, true)).toEqual(r.translation);
    expect(translate_sentence(["Ein", "Pferd", "läuft"], model, true, 4)).toEqual(r.translation_unk);
  });

  it("2: the GRU phrase-representation model (context fed to every step), normal_(mean=0, std=0.01) init", () => {
    class Encoder2 extends nn.Module {
      hidden_dim: number;
      embedding: nn.Embedding;
      rnn: nn.GRU;
      dropout: nn.Dropout;
      constructor(input_dim: number, embedding_dim: number, hidden_dim: number, dropout: number) {
        super();
        this.hidden_dim = hidden_dim;
        this.embedding = new nn.Embedding(input_dim, embedding_dim);
        this.rnn = new nn.GRU(embedding_dim, hidden_dim);
        this.dropout = new nn.Dropout(dropout);
      }
      forward(src: Tensor): Tensor {
        const embedded = this.dropout(this.embedding(src));
        const [, hidden] = this.rnn(embedded);
        return hidden;
      }
    }
    class Decoder2 extends nn.Module {
      hidden_dim: number;
      output_dim: number;
      embedding: nn.Embedding;
      rnn: nn.GRU;
      fc_out: nn.Linear;
      dropout: nn.Dropout;
      constructor(output_dim: number, embedding_dim: number, hidden_dim: number, dropout: number) {
        super();
        this.hidden_dim = hidden_dim;
        this.output_dim = output_dim;
        this.embedding = new nn.Embedding(output_dim, embedding_dim);
        this.rnn = new nn.GRU(embedding_dim + hidden_dim, hidden_dim);
        this.fc_out = new nn.Linear(embedding_dim + hidden_dim * 2, output_dim);
        this.dropout = new nn.Dropout(dropout);
      }
      forward(input: Tensor, hidden: Tensor, context: Tensor): [Tensor, Tensor] {
        input = input.unsqueeze(0);
        const embedded = this.dropout(this.embedding(input));
        const emb_con = torch.cat([embedded, context], { dim: 2 });
        let output: Tensor;
        [output, hidden] = this.rnn(emb_con, hidden);
        output = torch.cat([embedded.squeeze(0), hidden.squeeze(0), context.squeeze(0)], { dim: 1 });
        const prediction = this.fc_out(output);
        return [prediction, hidden];
      }
    }
    class Seq2Seq2 extends nn.Module {
      encoder: Encoder2;
      decoder: Decoder2;
      device: ReturnType<typeof torch.device>;
      constructor(encoder: Encoder2, decoder: Decoder2, device: ReturnType<typeof torch.device>) {
        super();
        this.encoder = encoder;
        this.decoder = decoder;
        this.device = device;
      }
      forward(src: Tensor, trg: Tensor, teacher_forcing_ratio: number): Tensor {
        const batch_size = trg.shape[1];
        const trg_length = trg.shape[0];
        const outputs = torch.zeros(trg_length, batch_size, this.decoder.output_dim).to(this.device);
        const context = this.encoder(src);
        let hidden = context;
        let input = trg.index(0, null);
        for (let t = 1; t < trg_length; t++) {
          let output: Tensor;
          [output, hidden] = this.decoder(input, hidden, context);
          outputs.index_put_([t], output);
          const teacher_force = random.random() < teacher_forcing_ratio;
          const top1 = output.argmax(1);
          input = teacher_force ? trg.index(t) : top1;
        }
        return outputs;
      }
    }
    const r = ref.s2s2;
    torch.manual_seed(1234);
    const model = new Seq2Seq2(new Encoder2(de_itos.length, 8, 10, 0.5), new Decoder2(en_itos.length, 8, 10, 0.5), device).to(device);
    function init_weights(m: nn.Module): void {
      for (const [, param] of m.named_parameters()) nn.init.normal_(param.data, { mean: 0, std: 0.01 });
    }
    expect(String(model.apply(init_weights))).toBe(r.repr);
    expect(count_parameters(model)).toBe(r.count);
    for (const [name, p] of model.named_parameters().slice(0, 2)) expectT(p, r.init[name], 1e-6);
    run_seq2seq(model, r);
  });
});

// ================================ seq2seq 3 / legacy 4: attention ================================
class Encoder3 extends nn.Module {
  embedding: nn.Embedding;
  rnn: nn.GRU;
  fc: nn.Linear;
  dropout: nn.Dropout;
  constructor(input_dim: number, embedding_dim: number, encoder_hidden_dim: number, decoder_hidden_dim: number, dropout: number) {
    super();
    this.embedding = new nn.Embedding(input_dim, embedding_dim);
    this.rnn = new nn.GRU(embedding_dim, encoder_hidden_dim, { bidirectional: true });
    this.fc = new nn.Linear(encoder_hidden_dim * 2, decoder_hidden_dim);
    this.dropout = new nn.Dropout(dropout);
  }
  forward(src: Tensor): [Tensor, Tensor] {
    const embedded = this.dropout(this.embedding(src));
    const [outputs, h] = this.rnn(embedded);
    const hidden = torch.tanh(this.fc(torch.cat([h.index(-2, null, null), h.index(-1, null, null)], { dim: 1 })));
    return [outputs, hidden];
  }
}

class Attention3 extends nn.Module {
  attn_fc: nn.Linear;
  v_fc: nn.Linear;
  constructor(encoder_hidden_dim: number, decoder_hidden_dim: number) {
    super();
    this.attn_fc = new nn.Linear(encoder_hidden_dim * 2 + decoder_hidden_dim, decoder_hidden_dim);
    this.v_fc = new nn.Linear(decoder_hidden_dim, 1, { bias: false });
  }
  forward(hidden: Tensor, encoder_outputs: Tensor): Tensor {
    const src_length = encoder_outputs.shape[0];
    hidden = hidden.unsqueeze(1).repeat(1, src_length, 1);
    encoder_outputs = encoder_outputs.permute(1, 0, 2);
    const energy = torch.tanh(this.attn_fc(torch.cat([hidden, encoder_outputs], { dim: 2 })));
    const attention = this.v_fc(energy).squeeze(2);
    return torch.softmax(attention, { dim: 1 });
  }
}

class Decoder3 extends nn.Module {
  output_dim: number;
  attention: Attention3;
  embedding: nn.Embedding;
  rnn: nn.GRU;
  fc_out: nn.Linear;
  dropout: nn.Dropout;
  constructor(output_dim: number, embedding_dim: number, encoder_hidden_dim: number, decoder_hidden_dim: number, dropout: number, attention: Attention3) {
    super();
    this.output_dim = output_dim;
    this.attention = attention;
    this.embedding = new nn.Embedding(output_dim, embedding_dim);
    this.rnn = new nn.GRU(encoder_hidden_dim * 2 + embedding_dim, decoder_hidden_dim);
    this.fc_out = new nn.Linear(encoder_hidden_dim * 2 + decoder_hidden_dim + embedding_dim, output_dim);
    this.dropout = new nn.Dropout(dropout);
  }
  forward(input: Tensor, hidden: Tensor, encoder_outputs: Tensor): [Tensor, Tensor, Tensor] {
    input = input.unsqueeze(0);
    let embedded = this.dropout(this.embedding(input));
    let a = this.attention(hidden, encoder_outputs);
    a = a.unsqueeze(1);
    encoder_outputs = encoder_outputs.permute(1, 0, 2);
    let weighted = torch.bmm(a, encoder_outputs);
    weighted = weighted.permute(1, 0, 2);
    const rnn_input = torch.cat([embedded, weighted], { dim: 2 });
    let [output, h] = this.rnn(rnn_input, hidden.unsqueeze(0));
    if (!output.eq(h).all().item()) throw new Error("AssertionError");
    embedded = embedded.squeeze(0);
    output = output.squeeze(0);
    weighted = weighted.squeeze(0);
    const prediction = this.fc_out(torch.cat([output, weighted, embedded], { dim: 1 }));
    h = h.squeeze(0);
    return [prediction, h, a.squeeze(1)];
  }
}

class Seq2Seq3 extends nn.Module {
  encoder: Encoder3;
  decoder: Decoder3;
  device: ReturnType<typeof torch.device>;
  constructor(encoder: Encoder3, decoder: Decoder3, device: ReturnType<typeof torch.device>) {
    super();
    this.encoder = encoder;
    this.decoder = decoder;
    this.device = device;
  }
  forward(src: Tensor, trg: Tensor, teacher_forcing_ratio: number): Tensor {
    const batch_size = src.shape[1];
    const trg_length = trg.shape[0];
    const outputs = torch.zeros(trg_length, batch_size, this.decoder.output_dim).to(this.device);
    let [encoder_outputs, hidden] = this.encoder(src); // eslint-disable-line prefer-const
    let input = trg.index(0, null);
    for (let t = 1; t < trg_length; t++) {
      let output: Tensor;
      [output, hidden] = this.decoder(input, hidden, encoder_outputs);
      outputs.index_put_([t], output);
      const teacher_force = random.random() < teacher_forcing_ratio;
      const top1 = output.argmax(1);
      input = teacher_force ? trg.index(t) : top1;
    }
    return outputs;
  }
}

function translate_sentence3(sentence: string | string[], model: Seq2Seq3, lower: boolean, max_output_length = 25): [string[], string[], Tensor] {
  model.eval();
  return torch.no_grad(() => {
    let de_tokens = typeof sentence === "string" ? sentence.split(" ") : [...sentence];
    if (lower) de_tokens = de_tokens.map((token) => token.toLowerCase());
    de_tokens = [sos_token, ...de_tokens, eos_token];
    const ids = de_tokens.map((t) => de_stoi.get(t) ?? unk_index);
    const tensor = torch.LongTensor(ids).unsqueeze(-1).to(device);
    let [encoder_outputs, hidden] = model.encoder(tensor); // eslint-disable-line prefer-const
    const inputs = [en_stoi.get(sos_token)!];
    const attentions = torch.zeros(max_output_length, 1, ids.length);
    for (let i = 0; i < max_output_length; i++) {
      const inputs_tensor = torch.LongTensor([inputs[inputs.length - 1]]).to(device);
      let output: Tensor, attention: Tensor;
      [output, hidden, attention] = model.decoder(inputs_tensor, hidden, encoder_outputs);
      attentions.index_put_([i], attention);
      const predicted_token = output.argmax(-1).item();
      inputs.push(predicted_token);
      if (predicted_token === en_stoi.get(eos_token)) break;
    }
    const en_tokens = inputs.map((i) => en_itos[i]);
    return [en_tokens, de_tokens, attentions.index(`:${en_tokens.length - 1}`)];
  });
}

describe("bentrevett/pytorch-seq2seq attention", () => {
  it("3: Bahdanau attention: init by parameter name, a fresh model's outputs and gradients, training, translate_sentence's attentions", () => {
    const r = ref.s2s3;
    torch.manual_seed(1234);
    const attention = new Attention3(6, 10);
    const model = new Seq2Seq3(new Encoder3(de_itos.length, 8, 6, 10, 0.5), new Decoder3(en_itos.length, 8, 6, 10, 0.5, attention), device).to(device);
    function init_weights(m: nn.Module): void {
      for (const [name, param] of m.named_parameters()) {
        if (name.includes("weight")) nn.init.normal_(param.data, { mean: 0, std: 0.01 });
        else nn.init.constant_(param.data, 0);
      }
    }
    expect(String(model.apply(init_weights))).toBe(r.repr);
    expect(count_parameters(model)).toBe(r.count);

    torch.manual_seed(99);
    const m3 = new Seq2Seq3(new Encoder3(de_itos.length, 8, 6, 10, 0.0), new Decoder3(en_itos.length, 8, 6, 10, 0.0, new Attention3(6, 10)), device);
    const batch = get_collate_fn(pad_index)(train_data.slice(0, 3));
    const out3 = m3(batch.de_ids, batch.en_ids, 1.0);
    out3.index("1:").view(-1, en_itos.length).sum().backward();
    expectT(out3, r.fresh_out, 1e-5);
    for (const [name, p] of m3.named_parameters()) if (name in r.fresh_grads) expectT(p.grad!, r.fresh_grads[name], 1e-4);

    run_seq2seq(model, r);
    const [tr, de_tok, att] = translate_sentence3("Ein Hund spielt im Park .", model, true);
    expect([tr, de_tok]).toEqual([r.translation, r.de_tokens]);
    expectT(att, r.attentions, 1e-4);
    const [tr2, , att2] = translate_sentence3(["zwei", "Männer"], m3, true, 3);
    expect(tr2).toEqual(r.translation_short);
    expectT(att2, r.attentions_short, 1e-5);
  });

  it("legacy 4: packed padded sequences in the encoder, the source mask with masked_fill(mask == 0, -1e10)", () => {
    class Encoder4 extends nn.Module {
      embedding: nn.Embedding;
      rnn: nn.GRU;
      fc: nn.Linear;
      dropout: nn.Dropout;
      constructor(input_dim: number, emb_dim: number, enc_hid_dim: number, dec_hid_dim: number, dropout: number) {
        super();
        this.embedding = new nn.Embedding(input_dim, emb_dim);
        this.rnn = new nn.GRU(emb_dim, enc_hid_dim, { bidirectional: true });
        this.fc = new nn.Linear(enc_hid_dim * 2, dec_hid_dim);
        this.dropout = new nn.Dropout(dropout);
      }
      forward(src: Tensor, src_len: Tensor): [Tensor, Tensor] {
        const embedded = this.dropout(this.embedding(src));
        const packed_embedded = nn.utils.rnn.pack_padded_sequence(embedded, src_len.to("cpu"));
        const [packed_outputs, h] = this.rnn.forward(packed_embedded);
        const [outputs] = nn.utils.rnn.pad_packed_sequence(packed_outputs);
        const hidden = torch.tanh(this.fc(torch.cat([h.index(-2, null, null), h.index(-1, null, null)], { dim: 1 })));
        return [outputs, hidden];
      }
    }
    class Attention4 extends nn.Module {
      attn: nn.Linear;
      v: nn.Linear;
      constructor(enc_hid_dim: number, dec_hid_dim: number) {
        super();
        this.attn = new nn.Linear(enc_hid_dim * 2 + dec_hid_dim, dec_hid_dim);
        this.v = new nn.Linear(dec_hid_dim, 1, { bias: false });
      }
      forward(hidden: Tensor, encoder_outputs: Tensor, mask: Tensor): Tensor {
        const src_len = encoder_outputs.shape[0];
        hidden = hidden.unsqueeze(1).repeat(1, src_len, 1);
        encoder_outputs = encoder_outputs.permute(1, 0, 2);
        const energy = torch.tanh(this.attn(torch.cat([hidden, encoder_outputs], { dim: 2 })));
        let attention = this.v(energy).squeeze(2);
        attention = attention.masked_fill(mask.eq(0), -1e10);
        return F.softmax(attention, { dim: 1 });
      }
    }
    class Decoder4 extends nn.Module {
      output_dim: number;
      attention: Attention4;
      embedding: nn.Embedding;
      rnn: nn.GRU;
      fc_out: nn.Linear;
      dropout: nn.Dropout;
      constructor(output_dim: number, emb_dim: number, enc_hid_dim: number, dec_hid_dim: number, dropout: number, attention: Attention4) {
        super();
        this.output_dim = output_dim;
        this.attention = attention;
        this.embedding = new nn.Embedding(output_dim, emb_dim);
        this.rnn = new nn.GRU(enc_hid_dim * 2 + emb_dim, dec_hid_dim);
        this.fc_out = new nn.Linear(enc_hid_dim * 2 + dec_hid_dim + emb_dim, output_dim);
        this.dropout = new nn.Dropout(dropout);
      }
      forward(input: Tensor, hidden: Tensor, encoder_outputs: Tensor, mask: Tensor): [Tensor, Tensor, Tensor] {
        input = input.unsqueeze(0);
        let embedded = this.dropout(this.embedding(input));
        let a = this.attention(hidden, encoder_outputs, mask);
        a = a.unsqueeze(1);
        encoder_outputs = encoder_outputs.permute(1, 0, 2);
        let weighted = torch.bmm(a, encoder_outputs);
        weighted = weighted.permute(1, 0, 2);
        const rnn_input = torch.cat([embedded, weighted], { dim: 2 });
        let [output, h] = this.rnn(rnn_input, hidden.unsqueeze(0));
        if (!output.eq(h).all().item()) throw new Error("AssertionError");
        embedded = embedded.squeeze(0);
        output = output.squeeze(0);
        weighted = weighted.squeeze(0);
        const prediction = this.fc_out(torch.cat([output, weighted, embedded], { dim: 1 }));
        h = h.squeeze(0);
        return [prediction, h, a.squeeze(1)];
      }
    }
    class Seq2Seq4 extends nn.Module {
      encoder: Encoder4;
      decoder: Decoder4;
      src_pad_idx: number;
      device: ReturnType<typeof torch.device>;
      constructor(encoder: Encoder4, decoder: Decoder4, src_pad_idx: number, device: ReturnType<typeof torch.device>) {
        super();
        this.encoder = encoder;
        this.decoder = decoder;
        this.src_pad_idx = src_pad_idx;
        this.device = device;
      }
      create_mask(src: Tensor): Tensor {
        const mask = src.ne(this.src_pad_idx).permute(1, 0);
        return mask;
      }
      forward(src: Tensor, src_len: Tensor, trg: Tensor, teacher_forcing_ratio = 0.5): Tensor {
        const batch_size = src.shape[1];
        const trg_len = trg.shape[0];
        const outputs = torch.zeros(trg_len, batch_size, this.decoder.output_dim).to(this.device);
        let [encoder_outputs, hidden] = this.encoder(src, src_len); // eslint-disable-line prefer-const
        let input = trg.index(0, null);
        const mask = this.create_mask(src);
        for (let t = 1; t < trg_len; t++) {
          let output: Tensor;
          [output, hidden] = this.decoder(input, hidden, encoder_outputs, mask);
          outputs.index_put_([t], output);
          const teacher_force = random.random() < teacher_forcing_ratio;
          const top1 = output.argmax(1);
          input = teacher_force ? trg.index(t) : top1;
        }
        return outputs;
      }
    }
    type B4 = [[Tensor, Tensor], Tensor];
    /** torchtext's BucketIterator(sort_within_batch=True): each batch sorted by source length, longest first. */
    function sorted_batches(examples: Example[], batch_size: number): B4[] {
      const batches: B4[] = [];
      for (let i = 0; i < examples.length; i += batch_size) {
        const b = examples.slice(i, i + batch_size).sort((x, y) => y.de_ids.shape[0] - x.de_ids.shape[0]);
        const src = nn.utils.rnn.pad_sequence(b.map((e) => e.de_ids), { padding_value: pad_index });
        const src_len = torch.tensor(b.map((e) => e.de_ids.shape[0]), long);
        const trg = nn.utils.rnn.pad_sequence(b.map((e) => e.en_ids), { padding_value: pad_index });
        batches.push([[src, src_len], trg]);
      }
      return batches;
    }
    function train(model: Seq2Seq4, iterator: B4[], optimizer: optim.Optimizer, criterion: nn.CrossEntropyLoss, clip: number, log: number[]): number {
      model.train();
      let epoch_loss = 0;
      for (const [[src, src_len], trg0] of iterator) {
        optimizer.zero_grad();
        let output = model(src, src_len, trg0);
        const output_dim = output.shape[output.shape.length - 1];
        output = output.index("1:").view(-1, output_dim);
        const trg = trg0.index("1:").view(-1);
        const loss = criterion(output, trg);
        loss.backward();
        nn.utils.clip_grad_norm_(model.parameters(), clip);
        optimizer.step();
        log.push(loss.item());
        epoch_loss += loss.item();
      }
      return epoch_loss / iterator.length;
    }
    function evaluate(model: Seq2Seq4, iterator: B4[], criterion: nn.CrossEntropyLoss): number {
      model.eval();
      let epoch_loss = 0;
      torch.no_grad(() => {
        for (const [[src, src_len], trg0] of iterator) {
          let output = model(src, src_len, trg0, 0);
          const output_dim = output.shape[output.shape.length - 1];
          output = output.index("1:").view(-1, output_dim);
          const trg = trg0.index("1:").view(-1);
          epoch_loss += criterion(output, trg).item();
        }
      });
      return epoch_loss / iterator.length;
    }
    function translate_sentence4(sentence: string[], model: Seq2Seq4, max_len = 50): [string[], Tensor] {
      model.eval();
      let tokens = sentence.map((token) => token.toLowerCase());
      tokens = [sos_token, ...tokens, eos_token];
      const src_indexes = tokens.map((token) => de_stoi.get(token) ?? unk_index);
      const src_tensor = torch.LongTensor(src_indexes).unsqueeze(1).to(device);
      const src_len = torch.LongTensor([src_indexes.length]);
      let [encoder_outputs, hidden] = torch.no_grad(() => model.encoder(src_tensor, src_len)); // eslint-disable-line prefer-const
      const mask = model.create_mask(src_tensor);
      const trg_indexes = [en_stoi.get(sos_token)!];
      const attentions = torch.zeros(max_len, 1, src_indexes.length).to(device);
      for (let i = 0; i < max_len; i++) {
        const trg_tensor = torch.LongTensor([trg_indexes[trg_indexes.length - 1]]).to(device);
        let output: Tensor, attention: Tensor;
        [output, hidden, attention] = torch.no_grad(() => model.decoder(trg_tensor, hidden, encoder_outputs, mask));
        attentions.index_put_([i], attention);
        const pred_token = output.argmax(1).item();
        trg_indexes.push(pred_token);
        if (pred_token === en_stoi.get(eos_token)) break;
      }
      const trg_tokens = trg_indexes.map((i) => en_itos[i]);
      return [trg_tokens.slice(1), attentions.index(`:${trg_tokens.length - 1}`)];
    }

    const r = ref.s2s4;
    torch.manual_seed(1234);
    const attn = new Attention4(6, 10);
    const enc = new Encoder4(de_itos.length, 8, 6, 10, 0.5);
    const dec = new Decoder4(en_itos.length, 8, 6, 10, 0.5, attn);
    const model = new Seq2Seq4(enc, dec, pad_index, device).to(device);
    torch.manual_seed(5);
    for (const [name, param] of model.named_parameters()) {
      if (name.includes("weight")) nn.init.normal_(param.data, { mean: 0, std: 0.3 });
      else nn.init.constant_(param.data, 0);
    }
    const b4 = sorted_batches(train_data, 3);
    const [[src, src_len], trg] = b4[0];
    model.eval();
    torch.no_grad(() => {
      const [eo, hid] = model.encoder(src, src_len);
      const mask = model.create_mask(src);
      const [, , a0] = model.decoder(trg.index(0, null), hid, eo, mask);
      expect([src.tolist(), src_len.tolist(), mask.tolist()]).toEqual([r.src, r.src_len, r.mask]);
      expectT(eo, r.enc_out, 1e-5);
      expectT(hid, r.enc_hidden, 1e-5);
      expectT(a0, r.attention0, 1e-5);
    });
    const optimizer = new optim.Adam(model.parameters());
    const criterion = new nn.CrossEntropyLoss({ ignore_index: pad_index });
    torch.manual_seed(7);
    random.seed();
    const log: number[] = [];
    const epochs: number[][] = [];
    for (let epoch = 0; epoch < 2; epoch++) {
      const train_loss = train(model, b4, optimizer, criterion, 1, log);
      const valid_loss = evaluate(model, sorted_batches(valid_data, 2), criterion);
      epochs.push([train_loss, valid_loss, Math.exp(train_loss), Math.exp(valid_loss)]);
    }
    expectNums(log, r.steps, 2e-4);
    expectNums(epochs.flat(), r.epochs.flat(), 2e-4);
    const [tr, att] = translate_sentence4(["Ein", "Mann", "liest", "."], model);
    expect(tr).toEqual(r.translation);
    expectT(att, r.attentions, 1e-4);
  });
});

// ============================== seq2seq legacy 5: convolutional ==============================
type Pair = [Tensor, Tensor];
function batch_first_batches(examples: Example[], batch_size: number): Pair[] {
  const out: Pair[] = [];
  for (let i = 0; i < examples.length; i += batch_size) {
    const b = examples.slice(i, i + batch_size);
    const src = nn.utils.rnn.pad_sequence(b.map((e) => e.de_ids), { batch_first: true, padding_value: pad_index });
    const trg = nn.utils.rnn.pad_sequence(b.map((e) => e.en_ids), { batch_first: true, padding_value: pad_index });
    out.push([src, trg]);
  }
  return out;
}
interface SrcTrg extends nn.Module { (src: Tensor, trg: Tensor): [Tensor, Tensor] }
function train5(model: SrcTrg, iterator: Pair[], optimizer: optim.Optimizer, criterion: nn.CrossEntropyLoss, clip: number, log: number[]): number {
  model.train();
  let epoch_loss = 0;
  for (const [src, trg0] of iterator) {
    optimizer.zero_grad();
    let [output] = model(src, trg0.index(null, ":-1"));
    const output_dim = output.shape[output.shape.length - 1];
    output = output.contiguous().view(-1, output_dim);
    const trg = trg0.index(null, "1:").contiguous().view(-1);
    const loss = criterion(output, trg);
    loss.backward();
    nn.utils.clip_grad_norm_(model.parameters(), clip);
    optimizer.step();
    log.push(loss.item());
    epoch_loss += loss.item();
  }
  return epoch_loss / iterator.length;
}
function evaluate5(model: SrcTrg, iterator: Pair[], criterion: nn.CrossEntropyLoss): number {
  model.eval();
  let epoch_loss = 0;
  torch.no_grad(() => {
    for (const [src, trg0] of iterator) {
      let [output] = model(src, trg0.index(null, ":-1"));
      const output_dim = output.shape[output.shape.length - 1];
      output = output.contiguous().view(-1, output_dim);
      const trg = trg0.index(null, "1:").contiguous().view(-1);
      epoch_loss += criterion(output, trg).item();
    }
  });
  return epoch_loss / iterator.length;
}

describe("bentrevett/pytorch-seq2seq legacy 5 and 6", () => {
  it("legacy 5: the convolutional seq2seq (Conv1d blocks, F.glu, scale = sqrt(FloatTensor([0.5])), causal padding by fill_)", () => {
    class Encoder5 extends nn.Module {
      device: ReturnType<typeof torch.device>;
      scale: Tensor;
      tok_embedding: nn.Embedding;
      pos_embedding: nn.Embedding;
      emb2hid: nn.Linear;
      hid2emb: nn.Linear;
      convs: nn.ModuleList;
      dropout: nn.Dropout;
      constructor(input_dim: number, emb_dim: number, hid_dim: number, n_layers: number, kernel_size: number, dropout: number, device: ReturnType<typeof torch.device>, max_length = 100) {
        super();
        if (kernel_size % 2 !== 1) throw new Error("Kernel size must be odd!");
        this.device = device;
        this.scale = torch.sqrt(torch.FloatTensor([0.5])).to(device);
        this.tok_embedding = new nn.Embedding(input_dim, emb_dim);
        this.pos_embedding = new nn.Embedding(max_length, emb_dim);
        this.emb2hid = new nn.Linear(emb_dim, hid_dim);
        this.hid2emb = new nn.Linear(hid_dim, emb_dim);
        this.convs = new nn.ModuleList(Array.from({ length: n_layers }, () => new nn.Conv1d({ in_channels: hid_dim, out_channels: 2 * hid_dim, kernel_size, padding: Math.floor((kernel_size - 1) / 2) })));
        this.dropout = new nn.Dropout(dropout);
      }
      forward(src: Tensor): [Tensor, Tensor] {
        const batch_size = src.shape[0];
        const src_len = src.shape[1];
        const pos = torch.arange(0, src_len).unsqueeze(0).repeat(batch_size, 1).to(this.device);
        const tok_embedded = this.tok_embedding(src);
        const pos_embedded = this.pos_embedding(pos);
        const embedded = this.dropout(tok_embedded.add(pos_embedded));
        let conv_input = this.emb2hid(embedded);
        conv_input = conv_input.permute(0, 2, 1);
        let conved = conv_input;
        for (const conv of this.convs) {
          conved = conv(this.dropout(conv_input));
          conved = F.glu(conved, { dim: 1 });
          conved = conved.add(conv_input).mul(this.scale);
          conv_input = conved;
        }
        conved = this.hid2emb(conved.permute(0, 2, 1));
        const combined = conved.add(embedded).mul(this.scale);
        return [conved, combined];
      }
    }
    class Decoder5 extends nn.Module {
      kernel_size: number;
      trg_pad_idx: number;
      device: ReturnType<typeof torch.device>;
      scale: Tensor;
      tok_embedding: nn.Embedding;
      pos_embedding: nn.Embedding;
      emb2hid: nn.Linear;
      hid2emb: nn.Linear;
      attn_hid2emb: nn.Linear;
      attn_emb2hid: nn.Linear;
      fc_out: nn.Linear;
      convs: nn.ModuleList;
      dropout: nn.Dropout;
      constructor(output_dim: number, emb_dim: number, hid_dim: number, n_layers: number, kernel_size: number, dropout: number, trg_pad_idx: number, device: ReturnType<typeof torch.device>, max_length = 100) {
        super();
        this.kernel_size = kernel_size;
        this.trg_pad_idx = trg_pad_idx;
        this.device = device;
        this.scale = torch.sqrt(torch.FloatTensor([0.5])).to(device);
        this.tok_embedding = new nn.Embedding(output_dim, emb_dim);
        this.pos_embedding = new nn.Embedding(max_length, emb_dim);
        this.emb2hid = new nn.Linear(emb_dim, hid_dim);
        this.hid2emb = new nn.Linear(hid_dim, emb_dim);
        this.attn_hid2emb = new nn.Linear(hid_dim, emb_dim);
        this.attn_emb2hid = new nn.Linear(emb_dim, hid_dim);
        this.fc_out = new nn.Linear(emb_dim, output_dim);
        this.convs = new nn.ModuleList(Array.from({ length: n_layers }, () => new nn.Conv1d({ in_channels: hid_dim, out_channels: 2 * hid_dim, kernel_size })));
        this.dropout = new nn.Dropout(dropout);
      }
      calculate_attention(embedded: Tensor, conved: Tensor, encoder_conved: Tensor, encoder_combined: Tensor): [Tensor, Tensor] {
        const conved_emb = this.attn_hid2emb(conved.permute(0, 2, 1));
        const combined = conved_emb.add(embedded).mul(this.scale);
        const energy = torch.matmul(combined, encoder_conved.permute(0, 2, 1));
        const attention = F.softmax(energy, { dim: 2 });
        let attended_encoding = torch.matmul(attention, encoder_combined);
        attended_encoding = this.attn_emb2hid(attended_encoding);
        const attended_combined = conved.add(attended_encoding.permute(0, 2, 1)).mul(this.scale);
        return [attention, attended_combined];
      }
      forward(trg: Tensor, encoder_conved: Tensor, encoder_combined: Tensor): [Tensor, Tensor] {
        let batch_size = trg.shape[0];
        const trg_len = trg.shape[1];
        const pos = torch.arange(0, trg_len).unsqueeze(0).repeat(batch_size, 1).to(this.device);
        const tok_embedded = this.tok_embedding(trg);
        const pos_embedded = this.pos_embedding(pos);
        const embedded = this.dropout(tok_embedded.add(pos_embedded));
        let conv_input = this.emb2hid(embedded);
        conv_input = conv_input.permute(0, 2, 1);
        batch_size = conv_input.shape[0];
        const hid_dim = conv_input.shape[1];
        let conved = conv_input;
        let attention = conv_input;
        for (const conv of this.convs) {
          conv_input = this.dropout(conv_input);
          const padding = torch.zeros(batch_size, hid_dim, this.kernel_size - 1).fill_(this.trg_pad_idx).to(this.device);
          const padded_conv_input = torch.cat([padding, conv_input], { dim: 2 });
          conved = conv(padded_conv_input);
          conved = F.glu(conved, { dim: 1 });
          [attention, conved] = this.calculate_attention(embedded, conved, encoder_conved, encoder_combined);
          conved = conved.add(conv_input).mul(this.scale);
          conv_input = conved;
        }
        conved = this.hid2emb(conved.permute(0, 2, 1));
        const output = this.fc_out(this.dropout(conved));
        return [output, attention];
      }
    }
    class Seq2Seq5 extends nn.Module {
      encoder: Encoder5;
      decoder: Decoder5;
      constructor(encoder: Encoder5, decoder: Decoder5) {
        super();
        this.encoder = encoder;
        this.decoder = decoder;
      }
      forward(src: Tensor, trg: Tensor): [Tensor, Tensor] {
        const [encoder_conved, encoder_combined] = this.encoder(src);
        return this.decoder(trg, encoder_conved, encoder_combined);
      }
    }
    function translate_sentence5(sentence: string[], model: Seq2Seq5, max_len = 50): [string[], Tensor] {
      model.eval();
      const tokens = [sos_token, ...sentence.map((token) => token.toLowerCase()), eos_token];
      const src_indexes = tokens.map((token) => de_stoi.get(token) ?? unk_index);
      const src_tensor = torch.LongTensor(src_indexes).unsqueeze(0).to(device);
      const [encoder_conved, encoder_combined] = torch.no_grad(() => model.encoder(src_tensor));
      const trg_indexes = [en_stoi.get(sos_token)!];
      let attention: Tensor | undefined;
      for (let i = 0; i < max_len; i++) {
        const trg_tensor = torch.LongTensor(trg_indexes).unsqueeze(0).to(device);
        let output: Tensor;
        [output, attention] = torch.no_grad(() => model.decoder(trg_tensor, encoder_conved, encoder_combined));
        const pred_token = output.argmax(2).index(null, -1).item();
        trg_indexes.push(pred_token);
        if (pred_token === en_stoi.get(eos_token)) break;
      }
      return [trg_indexes.map((i) => en_itos[i]).slice(1), attention!];
    }

    const r = ref.s2s5;
    torch.manual_seed(1234);
    const enc = new Encoder5(de_itos.length, 8, 10, 2, 3, 0.25, device, 20);
    const dec = new Decoder5(en_itos.length, 8, 10, 2, 3, 0.25, pad_index, device, 20);
    const model = new Seq2Seq5(enc, dec).to(device);
    expect(String(model)).toBe(r.repr);
    expect(count_parameters(model)).toBe(r.count);
    expectT(enc.scale, r.scale, 0);
    const b5 = batch_first_batches(train_data, 3);
    model.eval();
    torch.no_grad(() => {
      const [o5, a5] = model(b5[0][0], b5[0][1].index(null, ":-1"));
      expectT(o5, r.eval_out, 1e-5);
      expectT(a5, r.eval_attention, 1e-5);
    });
    const optimizer = new optim.Adam(model.parameters());
    const criterion = new nn.CrossEntropyLoss({ ignore_index: pad_index });
    torch.manual_seed(7);
    const log: number[] = [];
    const epochs: number[][] = [];
    for (let epoch = 0; epoch < 2; epoch++) {
      const train_loss = train5(model, b5, optimizer, criterion, 0.1, log);
      const valid_loss = evaluate5(model, batch_first_batches(valid_data, 2), criterion);
      epochs.push([train_loss, valid_loss]);
    }
    expectNums(log, r.steps, 2e-4);
    expectNums(epochs.flat(), r.epochs.flat(), 2e-4);
    const [tr, att] = translate_sentence5(["eine", "frau", "liest", "."], model, 6);
    expect(tr).toEqual(r.translation);
    expectT(att, r.attention, 1e-4);
  });

  it("legacy 6: the Transformer (hand-written multi-head attention, pad and subsequent masks, xavier_uniform_ through apply)", () => {
    class MultiHeadAttentionLayer extends nn.Module {
      hid_dim: number;
      n_heads: number;
      head_dim: number;
      fc_q: nn.Linear;
      fc_k: nn.Linear;
      fc_v: nn.Linear;
      fc_o: nn.Linear;
      dropout: nn.Dropout;
      scale: Tensor;
      constructor(hid_dim: number, n_heads: number, dropout: number, device: ReturnType<typeof torch.device>) {
        super();
        if (hid_dim % n_heads !== 0) throw new Error("AssertionError");
        this.hid_dim = hid_dim;
        this.n_heads = n_heads;
        this.head_dim = Math.floor(hid_dim / n_heads);
        this.fc_q = new nn.Linear(hid_dim, hid_dim);
        this.fc_k = new nn.Linear(hid_dim, hid_dim);
        this.fc_v = new nn.Linear(hid_dim, hid_dim);
        this.fc_o = new nn.Linear(hid_dim, hid_dim);
        this.dropout = new nn.Dropout(dropout);
        this.scale = torch.sqrt(torch.FloatTensor([this.head_dim])).to(device);
      }
      forward(query: Tensor, key: Tensor, value: Tensor, mask: Tensor | null = null): [Tensor, Tensor] {
        const batch_size = query.shape[0];
        let Q = this.fc_q(query);
        let K = this.fc_k(key);
        let V = this.fc_v(value);
        Q = Q.view(batch_size, -1, this.n_heads, this.head_dim).permute(0, 2, 1, 3);
        K = K.view(batch_size, -1, this.n_heads, this.head_dim).permute(0, 2, 1, 3);
        V = V.view(batch_size, -1, this.n_heads, this.head_dim).permute(0, 2, 1, 3);
        let energy = torch.matmul(Q, K.permute(0, 1, 3, 2)).div(this.scale);
        if (mask !== null) energy = energy.masked_fill(mask.eq(0), -1e10);
        const attention = torch.softmax(energy, { dim: -1 });
        let x = torch.matmul(this.dropout(attention), V);
        x = x.permute(0, 2, 1, 3).contiguous();
        x = x.view(batch_size, -1, this.hid_dim);
        x = this.fc_o(x);
        return [x, attention];
      }
    }
    class PositionwiseFeedforwardLayer extends nn.Module {
      fc_1: nn.Linear;
      fc_2: nn.Linear;
      dropout: nn.Dropout;
      constructor(hid_dim: number, pf_dim: number, dropout: number) {
        super();
        this.fc_1 = new nn.Linear(hid_dim, pf_dim);
        this.fc_2 = new nn.Linear(pf_dim, hid_dim);
        this.dropout = new nn.Dropout(dropout);
      }
      forward(x: Tensor): Tensor {
        x = this.dropout(torch.relu(this.fc_1(x)));
        return this.fc_2(x);
      }
    }
    class EncoderLayer extends nn.Module {
      self_attn_layer_norm: nn.LayerNorm;
      ff_layer_norm: nn.LayerNorm;
      self_attention: MultiHeadAttentionLayer;
      positionwise_feedforward: PositionwiseFeedforwardLayer;
      dropout: nn.Dropout;
      constructor(hid_dim: number, n_heads: number, pf_dim: number, dropout: number, device: ReturnType<typeof torch.device>) {
        super();
        this.self_attn_layer_norm = new nn.LayerNorm(hid_dim);
        this.ff_layer_norm = new nn.LayerNorm(hid_dim);
        this.self_attention = new MultiHeadAttentionLayer(hid_dim, n_heads, dropout, device);
        this.positionwise_feedforward = new PositionwiseFeedforwardLayer(hid_dim, pf_dim, dropout);
        this.dropout = new nn.Dropout(dropout);
      }
      forward(src: Tensor, src_mask: Tensor): Tensor {
        let [_src] = this.self_attention(src, src, src, src_mask);
        src = this.self_attn_layer_norm(src.add(this.dropout(_src)));
        _src = this.positionwise_feedforward(src);
        return this.ff_layer_norm(src.add(this.dropout(_src)));
      }
    }
    class Encoder6 extends nn.Module {
      device: ReturnType<typeof torch.device>;
      tok_embedding: nn.Embedding;
      pos_embedding: nn.Embedding;
      layers: nn.ModuleList;
      dropout: nn.Dropout;
      scale: Tensor;
      constructor(input_dim: number, hid_dim: number, n_layers: number, n_heads: number, pf_dim: number, dropout: number, device: ReturnType<typeof torch.device>, max_length = 100) {
        super();
        this.device = device;
        this.tok_embedding = new nn.Embedding(input_dim, hid_dim);
        this.pos_embedding = new nn.Embedding(max_length, hid_dim);
        this.layers = new nn.ModuleList(Array.from({ length: n_layers }, () => new EncoderLayer(hid_dim, n_heads, pf_dim, dropout, device)));
        this.dropout = new nn.Dropout(dropout);
        this.scale = torch.sqrt(torch.FloatTensor([hid_dim])).to(device);
      }
      forward(src: Tensor, src_mask: Tensor): Tensor {
        const batch_size = src.shape[0];
        const src_len = src.shape[1];
        const pos = torch.arange(0, src_len).unsqueeze(0).repeat(batch_size, 1).to(this.device);
        src = this.dropout(this.tok_embedding(src).mul(this.scale).add(this.pos_embedding(pos)));
        for (const layer of this.layers) src = layer(src, src_mask);
        return src;
      }
    }
    class DecoderLayer extends nn.Module {
      self_attn_layer_norm: nn.LayerNorm;
      enc_attn_layer_norm: nn.LayerNorm;
      ff_layer_norm: nn.LayerNorm;
      self_attention: MultiHeadAttentionLayer;
      encoder_attention: MultiHeadAttentionLayer;
      positionwise_feedforward: PositionwiseFeedforwardLayer;
      dropout: nn.Dropout;
      constructor(hid_dim: number, n_heads: number, pf_dim: number, dropout: number, device: ReturnType<typeof torch.device>) {
        super();
        this.self_attn_layer_norm = new nn.LayerNorm(hid_dim);
        this.enc_attn_layer_norm = new nn.LayerNorm(hid_dim);
        this.ff_layer_norm = new nn.LayerNorm(hid_dim);
        this.self_attention = new MultiHeadAttentionLayer(hid_dim, n_heads, dropout, device);
        this.encoder_attention = new MultiHeadAttentionLayer(hid_dim, n_heads, dropout, device);
        this.positionwise_feedforward = new PositionwiseFeedforwardLayer(hid_dim, pf_dim, dropout);
        this.dropout = new nn.Dropout(dropout);
      }
      forward(trg: Tensor, enc_src: Tensor, trg_mask: Tensor, src_mask: Tensor): [Tensor, Tensor] {
        let [_trg] = this.self_attention(trg, trg, trg, trg_mask);
        trg = this.self_attn_layer_norm(trg.add(this.dropout(_trg)));
        const [_trg2, attention] = this.encoder_attention(trg, enc_src, enc_src, src_mask);
        _trg = _trg2;
        trg = this.enc_attn_layer_norm(trg.add(this.dropout(_trg)));
        _trg = this.positionwise_feedforward(trg);
        trg = this.ff_layer_norm(trg.add(this.dropout(_trg)));
        return [trg, attention];
      }
    }
    class Decoder6 extends nn.Module {
      device: ReturnType<typeof torch.device>;
      tok_embedding: nn.Embedding;
      pos_embedding: nn.Embedding;
      layers: nn.ModuleList;
      fc_out: nn.Linear;
      dropout: nn.Dropout;
      scale: Tensor;
      constructor(output_dim: number, hid_dim: number, n_layers: number, n_heads: number, pf_dim: number, dropout: number, device: ReturnType<typeof torch.device>, max_length = 100) {
        super();
        this.device = device;
        this.tok_embedding = new nn.Embedding(output_dim, hid_dim);
        this.pos_embedding = new nn.Embedding(max_length, hid_dim);
        this.layers = new nn.ModuleList(Array.from({ length: n_layers }, () => new DecoderLayer(hid_dim, n_heads, pf_dim, dropout, device)));
        this.fc_out = new nn.Linear(hid_dim, output_dim);
        this.dropout = new nn.Dropout(dropout);
        this.scale = torch.sqrt(torch.FloatTensor([hid_dim])).to(device);
      }
      forward(trg: Tensor, enc_src: Tensor, trg_mask: Tensor, src_mask: Tensor): [Tensor, Tensor] {
        const batch_size = trg.shape[0];
        const trg_len = trg.shape[1];
        const pos = torch.arange(0, trg_len).unsqueeze(0).repeat(batch_size, 1).to(this.device);
        trg = this.dropout(this.tok_embedding(trg).mul(this.scale).add(this.pos_embedding(pos)));
        let attention = trg;
        for (const layer of this.layers) [trg, attention] = layer(trg, enc_src, trg_mask, src_mask);
        return [this.fc_out(trg), attention];
      }
    }
    class Seq2Seq6 extends nn.Module {
      encoder: Encoder6;
      decoder: Decoder6;
      src_pad_idx: number;
      trg_pad_idx: number;
      device: ReturnType<typeof torch.device>;
      constructor(encoder: Encoder6, decoder: Decoder6, src_pad_idx: number, trg_pad_idx: number, device: ReturnType<typeof torch.device>) {
        super();
        this.encoder = encoder;
        this.decoder = decoder;
        this.src_pad_idx = src_pad_idx;
        this.trg_pad_idx = trg_pad_idx;
        this.device = device;
      }
      make_src_mask(src: Tensor): Tensor {
        return src.ne(this.src_pad_idx).unsqueeze(1).unsqueeze(2);
      }
      make_trg_mask(trg: Tensor): Tensor {
        const trg_pad_mask = trg.ne(this.trg_pad_idx).unsqueeze(1).unsqueeze(2);
        const trg_len = trg.shape[1];
        const trg_sub_mask = torch.tril(torch.ones([trg_len, trg_len], { device: this.device })).bool();
        return trg_pad_mask.__and__(trg_sub_mask);
      }
      forward(src: Tensor, trg: Tensor): [Tensor, Tensor] {
        const src_mask = this.make_src_mask(src);
        const trg_mask = this.make_trg_mask(trg);
        const enc_src = this.encoder(src, src_mask);
        return this.decoder(trg, enc_src, trg_mask, src_mask);
      }
    }
    function translate_sentence6(sentence: string[], model: Seq2Seq6, max_len = 50): [string[], Tensor] {
      model.eval();
      const tokens = [sos_token, ...sentence.map((token) => token.toLowerCase()), eos_token];
      const src_indexes = tokens.map((token) => de_stoi.get(token) ?? unk_index);
      const src_tensor = torch.LongTensor(src_indexes).unsqueeze(0).to(device);
      const src_mask = model.make_src_mask(src_tensor);
      const enc_src = torch.no_grad(() => model.encoder(src_tensor, src_mask));
      const trg_indexes = [en_stoi.get(sos_token)!];
      let attention: Tensor | undefined;
      for (let i = 0; i < max_len; i++) {
        const trg_tensor = torch.LongTensor(trg_indexes).unsqueeze(0).to(device);
        const trg_mask = model.make_trg_mask(trg_tensor);
        let output: Tensor;
        [output, attention] = torch.no_grad(() => model.decoder(trg_tensor, enc_src, trg_mask, src_mask));
        const pred_token = output.argmax(2).index(null, -1).item();
        trg_indexes.push(pred_token);
        if (pred_token === en_stoi.get(eos_token)) break;
      }
      return [trg_indexes.map((i) => en_itos[i]).slice(1), attention!];
    }

    const r = ref.s2s6;
    torch.manual_seed(1234);
    const enc = new Encoder6(de_itos.length, 8, 2, 2, 16, 0.1, device, 20);
    const dec = new Decoder6(en_itos.length, 8, 2, 2, 16, 0.1, device, 20);
    const model = new Seq2Seq6(enc, dec, pad_index, pad_index, device).to(device);
    expect(count_parameters(model)).toBe(r.count);
    function initialize_weights(m: nn.Module): void {
      const w = (m as unknown as { weight?: Tensor }).weight;
      if (w !== undefined && w !== null && w.dim() > 1) nn.init.xavier_uniform_(w.data);
    }
    torch.manual_seed(3);
    expect(String(model.apply(initialize_weights))).toBe(r.repr);
    const [src, trg] = batch_first_batches(train_data, 3)[0];
    expect(model.make_src_mask(src).tolist()).toEqual(r.src_mask);
    expect(model.make_trg_mask(trg.index(null, ":-1")).tolist()).toEqual(r.trg_mask);
    model.eval();
    torch.no_grad(() => {
      const [o6, a6] = model(src, trg.index(null, ":-1"));
      expectT(o6, r.eval_out, 1e-5);
      expectT(a6, r.eval_attention, 1e-5);
    });
    const optimizer = new torch.optim.Adam(model.parameters(), { lr: 0.0005 });
    const criterion = new nn.CrossEntropyLoss({ ignore_index: pad_index });
    torch.manual_seed(7);
    const b5 = batch_first_batches(train_data, 3);
    const log: number[] = [];
    const epochs: number[][] = [];
    for (let epoch = 0; epoch < 2; epoch++) {
      const train_loss = train5(model, b5, optimizer, criterion, 1, log);
      const valid_loss = evaluate5(model, batch_first_batches(valid_data, 2), criterion);
      epochs.push([train_loss, valid_loss]);
    }
    expectNums(log, r.steps, 2e-4);
    expectNums(epochs.flat(), r.epochs.flat(), 2e-4);
    const [tr, att] = translate_sentence6(["ein", "hund", "spielt", "."], model, 5);
    expect(tr).toEqual(r.translation);
    expectT(att, r.attention, 1e-4);
  });
});

// ======================================= sentiment analysis =======================================
const REVIEWS: [string, number][] = [
  ["this film is great and the acting is great", 1],
  ["a terrible film with terrible acting", 0],
  ["i loved this movie it is wonderful", 1],
  ["the plot is boring and the film is bad", 0],
  ["great movie great cast", 1],
  ["bad acting and a boring plot", 0],
  ["wonderful film", 1],
  ["not great not wonderful just bad", 0],
];
const tokenizer = (text: string): string[] => text.split(" ");
interface Review { text: string; tokens: string[]; ids: Tensor; label: Tensor; length: Tensor }
const sa_tok = REVIEWS.map(([text, label]) => {
  const tokens = tokenizer(text).slice(0, 8);
  return { text, label, tokens, length: tokens.length };
});
const vocab_itos = build_vocab(sa_tok.slice(0, 6).map((e) => e.tokens), 2, ["<unk>", "<pad>"]);
const vocab_stoi = new Map(vocab_itos.map((t, i) => [t, i]));
const [sa_unk, sa_pad] = [0, 1];
const sa: Review[] = sa_tok.map((e) => ({
  text: e.text,
  tokens: e.tokens,
  ids: torch.tensor(e.tokens.map((t) => vocab_stoi.get(t) ?? sa_unk), long),
  label: torch.tensor(e.label, long),
  length: torch.tensor(e.length, long),
}));
const sa_train = sa.slice(0, 6);
const sa_valid = sa.slice(6);
type SABatch = { ids: Tensor; label: Tensor; length?: Tensor };

function get_collate_fn_sa(pad_index: number, with_length: boolean): (batch: Review[]) => SABatch {
  return (batch) => {
    const batch_ids = nn.utils.rnn.pad_sequence(batch.map((i) => i.ids), { padding_value: pad_index, batch_first: true });
    const batch_label = torch.stack(batch.map((i) => i.label));
    const out: SABatch = { ids: batch_ids, label: batch_label };
    if (with_length) out.length = torch.stack(batch.map((i) => i.length));
    return out;
  };
}
function get_data_loader_sa(dataset: Review[], batch_size: number, pad_index: number, shuffle = false, with_length = false) {
  const collate_fn = get_collate_fn_sa(pad_index, with_length);
  return new utils.data.DataLoader({ dataset, batch_size, collate_fn, shuffle });
}
function get_accuracy(prediction: Tensor, label: Tensor): Tensor {
  const [batch_size] = prediction.shape;
  const predicted_classes = prediction.argmax({ dim: -1 });
  const correct_predictions = predicted_classes.eq(label).sum();
  return correct_predictions.div(batch_size);
}
const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
type SAModel = nn.Module & ((ids: Tensor, length?: Tensor) => Tensor);

function train_sa(data_loader: Iterable<SABatch>, model: SAModel, criterion: nn.CrossEntropyLoss, optimizer: optim.Optimizer): [number, number] {
  model.train();
  const epoch_losses: number[] = [];
  const epoch_accs: number[] = [];
  for (const batch of data_loader) {
    const ids = batch.ids.to(device);
    const label = batch.label.to(device);
    const prediction = batch.length ? model(ids, batch.length) : model(ids);
    const loss = criterion(prediction, label);
    const accuracy = get_accuracy(prediction, label);
    optimizer.zero_grad();
    loss.backward();
    optimizer.step();
    epoch_losses.push(loss.item());
    epoch_accs.push(accuracy.item());
  }
  return [mean(epoch_losses), mean(epoch_accs)];
}
function evaluate_sa(data_loader: Iterable<SABatch>, model: SAModel, criterion: nn.CrossEntropyLoss): [number, number] {
  model.eval();
  const epoch_losses: number[] = [];
  const epoch_accs: number[] = [];
  torch.no_grad(() => {
    for (const batch of data_loader) {
      const ids = batch.ids.to(device);
      const label = batch.label.to(device);
      const prediction = batch.length ? model(ids, batch.length) : model(ids);
      epoch_losses.push(criterion(prediction, label).item());
      epoch_accs.push(get_accuracy(prediction, label).item());
    }
  });
  return [mean(epoch_losses), mean(epoch_accs)];
}
function predict_sentiment(text: string, model: SAModel, min_length: number | null, with_length: boolean): [number, number] {
  const tokens = tokenizer(text);
  const ids = tokens.map((t) => vocab_stoi.get(t) ?? sa_unk);
  if (min_length !== null && ids.length < min_length) ids.push(...Array(min_length - ids.length).fill(sa_pad));
  const tensor = torch.LongTensor(ids).unsqueeze({ dim: 0 }).to(device);
  const prediction = (with_length ? model(tensor, torch.LongTensor([ids.length])) : model(tensor)).squeeze({ dim: 0 });
  const probability = torch.softmax(prediction, { dim: -1 });
  const predicted_class = prediction.argmax({ dim: -1 }).item();
  const predicted_probability = probability.index(predicted_class).item();
  return [predicted_class, predicted_probability];
}
function run_sa(model: SAModel, r: { metrics: number[][]; predictions: number[][] }, lr: number | null, with_length: boolean, min_length: number | null = null): void {
  const optimizer = lr === null ? new optim.Adam(model.parameters()) : new optim.Adam(model.parameters(), { lr });
  let criterion = new nn.CrossEntropyLoss();
  model = model.to(device);
  criterion = criterion.to(device);
  torch.manual_seed(11);
  const train_dl = get_data_loader_sa(sa_train, 3, sa_pad, true, with_length);
  const valid_dl = get_data_loader_sa(sa_valid, 2, sa_pad, false, with_length);
  const metrics: number[][] = [];
  for (let epoch = 0; epoch < 3; epoch++) {
    const [train_loss, train_acc] = train_sa(train_dl, model, criterion, optimizer);
    const [valid_loss, valid_acc] = evaluate_sa(valid_dl, model, criterion);
    metrics.push([train_loss, train_acc, valid_loss, valid_acc]);
  }
  expectNums(metrics.flat(), r.metrics.flat(), 1e-4);
  model.eval();
  const preds = ["this film is terrible!", "this film is great", "not great"].map((t) => predict_sentiment(t, model, min_length, with_length));
  expectNums(preds.flat(), r.predictions.flat(), 1e-4);
}

describe("bentrevett/pytorch-sentiment-analysis", () => {
  it("1: NBoW: vocabulary with min_freq, embedding.weight.data = pretrained, get_accuracy, train / evaluate, predict_sentiment", () => {
    expect(vocab_itos).toEqual(ref.sa_vocab.itos);
    expect(["hello", "film", "some_token", "<pad>"].map((t) => vocab_stoi.get(t) ?? sa_unk)).toEqual(ref.sa_vocab.lookup);
    class NBoW extends nn.Module {
      embedding: nn.Embedding;
      fc: nn.Linear;
      constructor(vocab_size: number, embedding_dim: number, output_dim: number, pad_index: number) {
        super();
        this.embedding = new nn.Embedding(vocab_size, embedding_dim, { padding_idx: pad_index });
        this.fc = new nn.Linear(embedding_dim, output_dim);
      }
      forward(ids: Tensor): Tensor {
        const embedded = this.embedding(ids);
        const pooled = embedded.mean({ dim: 1 });
        return this.fc(pooled);
      }
    }
    const r = ref.nbow;
    torch.manual_seed(1234);
    const model = new NBoW(vocab_itos.length, 6, 2, sa_pad);
    expect(String(model)).toBe(r.repr);
    expect(count_parameters(model)).toBe(r.count);
    const pretrained_embedding = torch.randn([vocab_itos.length, 6], { generator: new torch.Generator().manual_seed(0) });
    model.embedding.weight.data = pretrained_embedding;
    expect([model.embedding.weight instanceof nn.Parameter, model.embedding.weight.requires_grad, model.embedding.weight.equal(pretrained_embedding)]).toEqual([true, true, true]);
    // the parameter now shares the assigned tensor's storage
    const e = new nn.Embedding(3, 2);
    const t = torch.zeros(3, 2);
    e.weight.data = t;
    t.index_put_([0, 0], 5.0);
    expect(e.weight.index(0, 0).item()).toBe(r.shared_after_write);
    expect(String(model.embedding.weight)).toBe(r.weight_repr);
    const batch = get_collate_fn_sa(sa_pad, false)(sa_train.slice(0, 3));
    expect(batch.ids.tolist()).toEqual(r.batch_ids);
    const acc0 = get_accuracy(model(batch.ids), batch.label);
    expect([acc0.item(), String(acc0.dtype)]).toEqual([r.acc0, r.acc0_dtype]);
    run_sa(model, r, null, false);
  });

  it("2: the bidirectional 2-layer LSTM over pack_padded_sequence(enforce_sorted=False), orthogonal_ / xavier_normal_ / zeros_ init", () => {
    class LSTM extends nn.Module {
      embedding: nn.Embedding;
      lstm: nn.LSTM;
      fc: nn.Linear;
      dropout: nn.Dropout;
      constructor(vocab_size: number, embedding_dim: number, hidden_dim: number, output_dim: number, n_layers: number, bidirectional: boolean, dropout_rate: number, pad_index: number) {
        super();
        this.embedding = new nn.Embedding(vocab_size, embedding_dim, { padding_idx: pad_index });
        this.lstm = new nn.LSTM(embedding_dim, hidden_dim, n_layers, { bidirectional, dropout: dropout_rate, batch_first: true });
        this.fc = new nn.Linear(bidirectional ? hidden_dim * 2 : hidden_dim, output_dim);
        this.dropout = new nn.Dropout(dropout_rate);
      }
      forward(ids: Tensor, length: Tensor): Tensor {
        const embedded = this.dropout(this.embedding(ids));
        const packed_embedded = nn.utils.rnn.pack_padded_sequence(embedded, length, { batch_first: true, enforce_sorted: false });
        const [packed_output, [h]] = this.lstm.forward(packed_embedded);
        nn.utils.rnn.pad_packed_sequence(packed_output);
        let hidden: Tensor;
        if (this.lstm.bidirectional) hidden = this.dropout(torch.cat([h.index(-1), h.index(-2)], { dim: -1 }));
        else hidden = this.dropout(h.index(-1));
        return this.fc(hidden);
      }
    }
    function initialize_weights(m: nn.Module): void {
      if (m instanceof nn.Linear) {
        nn.init.xavier_normal_(m.weight);
        nn.init.zeros_(m.bias!);
      } else if (m instanceof nn.LSTM) {
        for (const [name, param] of m.named_parameters()) {
          if (name.includes("bias")) nn.init.zeros_(param);
          else if (name.includes("weight")) nn.init.orthogonal_(param);
        }
      }
    }
    const r = ref.lstm;
    torch.manual_seed(1234);
    const model = new LSTM(vocab_itos.length, 6, 5, 2, 2, true, 0.5, sa_pad);
    expect(count_parameters(model)).toBe(r.count);
    // legacy 2 writes the layers by keyword
    expect(String(new nn.LSTM(6, 5, { num_layers: 2, bidirectional: true, dropout: 0.5 }))).toBe(r.legacy_repr);
    expect(String(model.apply(initialize_weights))).toBe(r.repr);
    for (const [name, p] of model.named_parameters()) if (name in r.init) expectT(p, r.init[name], 1e-5);
    model.embedding.weight.data = torch.randn([vocab_itos.length, 6], { generator: new torch.Generator().manual_seed(0) });
    run_sa(model as SAModel, r, 5e-3, true);
  });

  it("3: the CNN with several filter sizes (Conv1d list, conv.max(dim=-1).values), kaiming_normal_(nonlinearity='relu'), predict_sentiment padding to min_length", () => {
    class CNN extends nn.Module {
      embedding: nn.Embedding;
      convs: nn.ModuleList;
      fc: nn.Linear;
      dropout: nn.Dropout;
      constructor(vocab_size: number, embedding_dim: number, n_filters: number, filter_sizes: number[], output_dim: number, dropout_rate: number, pad_index: number) {
        super();
        this.embedding = new nn.Embedding(vocab_size, embedding_dim, { padding_idx: pad_index });
        this.convs = new nn.ModuleList(filter_sizes.map((filter_size) => new nn.Conv1d(embedding_dim, n_filters, filter_size)));
        this.fc = new nn.Linear(filter_sizes.length * n_filters, output_dim);
        this.dropout = new nn.Dropout(dropout_rate);
      }
      forward(ids: Tensor): Tensor {
        let embedded = this.dropout(this.embedding(ids));
        embedded = embedded.permute(0, 2, 1);
        const conved = [...this.convs].map((conv) => torch.relu(conv(embedded)));
        const pooled = conved.map((conv) => conv.max({ dim: -1 }).values);
        const cat = this.dropout(torch.cat(pooled, { dim: -1 }));
        return this.fc(cat);
      }
    }
    function initialize_weights(m: nn.Module): void {
      if (m instanceof nn.Linear) {
        nn.init.xavier_normal_(m.weight);
        nn.init.zeros_(m.bias!);
      } else if (m instanceof nn.Conv1d) {
        nn.init.kaiming_normal_(m.weight, { nonlinearity: "relu" });
        nn.init.zeros_(m.bias!);
      }
    }
    const r = ref.cnn;
    torch.manual_seed(1234);
    const model = new CNN(vocab_itos.length, 6, 4, [1, 2, 3], 2, 0.25, sa_pad);
    expect(count_parameters(model)).toBe(r.count);
    expect(String(model.apply(initialize_weights))).toBe(r.repr);
    for (const [name, p] of model.named_parameters()) if (name in r.init) expectT(p, r.init[name], 1e-5);
    model.embedding.weight.data = torch.randn([vocab_itos.length, 6], { generator: new torch.Generator().manual_seed(0) });
    run_sa(model as SAModel, r, null, false, 3);
  });

  it("legacy: FastText (F.avg_pool2d over a 3-d input) and the Conv2d CNN (F.max_pool1d), BCEWithLogitsLoss, binary_accuracy, weight.data[UNK_IDX] = zeros", () => {
    class FastText extends nn.Module {
      embedding: nn.Embedding;
      fc: nn.Linear;
      constructor(vocab_size: number, embedding_dim: number, output_dim: number, pad_idx: number) {
        super();
        this.embedding = new nn.Embedding(vocab_size, embedding_dim, { padding_idx: pad_idx });
        this.fc = new nn.Linear(embedding_dim, output_dim);
      }
      forward(text: Tensor): Tensor {
        let embedded = this.embedding(text);
        embedded = embedded.permute(1, 0, 2);
        const pooled = F.avg_pool2d(embedded, [embedded.shape[1], 1]).squeeze(1);
        return this.fc(pooled);
      }
    }
    class CNN2d extends nn.Module {
      embedding: nn.Embedding;
      convs: nn.ModuleList;
      fc: nn.Linear;
      dropout: nn.Dropout;
      constructor(vocab_size: number, embedding_dim: number, n_filters: number, filter_sizes: number[], output_dim: number, dropout: number, pad_idx: number) {
        super();
        this.embedding = new nn.Embedding(vocab_size, embedding_dim, { padding_idx: pad_idx });
        this.convs = new nn.ModuleList(filter_sizes.map((fs) => new nn.Conv2d({ in_channels: 1, out_channels: n_filters, kernel_size: [fs, embedding_dim] })));
        this.fc = new nn.Linear(filter_sizes.length * n_filters, output_dim);
        this.dropout = new nn.Dropout(dropout);
      }
      forward(text: Tensor): Tensor {
        let embedded = this.embedding(text);
        embedded = embedded.unsqueeze(1);
        const conved = [...this.convs].map((conv) => F.relu(conv(embedded)).squeeze(3));
        const pooled = conved.map((conv) => F.max_pool1d(conv, conv.shape[2]).squeeze(2));
        const cat = this.dropout(torch.cat(pooled, { dim: 1 }));
        return this.fc(cat);
      }
    }
    function binary_accuracy(preds: Tensor, y: Tensor): Tensor {
      const rounded_preds = torch.round(torch.sigmoid(preds));
      const correct = rounded_preds.eq(y).float();
      return correct.sum().div(correct.shape[0]);
    }
    const legacy_batches: Pair[] = [];
    for (let i = 0; i < 6; i += 3) {
      const b = get_collate_fn_sa(sa_pad, false)(sa_train.slice(i, i + 3));
      legacy_batches.push([b.ids, b.label.float()]);
    }
    const cases: [string, () => nn.Module & ((t: Tensor) => Tensor), boolean][] = [
      ["fasttext", () => new FastText(vocab_itos.length, 6, 1, sa_pad), true],
      ["cnn2d", () => new CNN2d(vocab_itos.length, 6, 3, [2, 3, 4], 1, 0.5, sa_pad), false],
    ];
    for (const [key, build, seq_first] of cases) {
      const r = ref[key];
      torch.manual_seed(1234);
      const model = build();
      const [UNK_IDX, PAD_IDX] = [sa_unk, sa_pad];
      const embedding = (model as unknown as { embedding: nn.Embedding }).embedding;
      embedding.weight.data.copy_(torch.randn([vocab_itos.length, 6], { generator: new torch.Generator().manual_seed(0) }));
      embedding.weight.data.index_put_([UNK_IDX], torch.zeros(6));
      embedding.weight.data.index_put_([PAD_IDX], torch.zeros(6));
      expect(String(model)).toBe(r.repr);
      expect(count_parameters(model)).toBe(r.count);
      expectT(embedding.weight.index(":3"), r.emb_rows, 1e-6);
      expect(String(embedding.weight.data)).toBe(r.print_weight_data); // print(model.embedding.weight.data)
      const optimizer = new optim.Adam(model.parameters());
      const criterion = new nn.BCEWithLogitsLoss();
      torch.manual_seed(2);
      const epochs: number[][] = [];
      for (let e = 0; e < 3; e++) {
        let [epoch_loss, epoch_acc] = [0, 0];
        model.train();
        for (const [text, label] of legacy_batches) {
          optimizer.zero_grad();
          const predictions = model(seq_first ? text.t() : text).squeeze(1);
          const loss = criterion(predictions, label);
          const acc = binary_accuracy(predictions, label);
          loss.backward();
          optimizer.step();
          epoch_loss += loss.item();
          epoch_acc += acc.item();
        }
        epochs.push([epoch_loss / legacy_batches.length, epoch_acc / legacy_batches.length]);
      }
      expectNums(epochs.flat(), r.epochs.flat(), 1e-4);
      expectT((model as unknown as { fc: nn.Linear }).fc.weight, r.fc_after, 1e-4);
    }
  });

  it("legacy C: the embeddings frozen for the first epochs (requires_grad = false after Adam is made), then unfrozen", () => {
    class CNN extends nn.Module {
      embedding: nn.Embedding;
      convs: nn.ModuleList;
      fc: nn.Linear;
      dropout: nn.Dropout;
      constructor(vocab_size: number, embedding_dim: number, n_filters: number, filter_sizes: number[], output_dim: number, dropout: number, pad_idx: number) {
        super();
        this.embedding = new nn.Embedding(vocab_size, embedding_dim, { padding_idx: pad_idx });
        this.convs = new nn.ModuleList(filter_sizes.map((fs) => new nn.Conv2d({ in_channels: 1, out_channels: n_filters, kernel_size: [fs, embedding_dim] })));
        this.fc = new nn.Linear(filter_sizes.length * n_filters, output_dim);
        this.dropout = new nn.Dropout(dropout);
      }
      forward(text: Tensor): Tensor {
        text = text.permute(1, 0);
        let embedded = this.embedding(text);
        embedded = embedded.unsqueeze(1);
        const conved = [...this.convs].map((conv) => F.relu(conv(embedded)).squeeze(3));
        const pooled = conved.map((conv) => F.max_pool1d(conv, conv.shape[2]).squeeze(2));
        const cat = this.dropout(torch.cat(pooled, { dim: 1 }));
        return this.fc(cat);
      }
    }
    const r = ref.freeze;
    const batches: Pair[] = [];
    for (let i = 0; i < 6; i += 3) {
      const b = get_collate_fn_sa(sa_pad, false)(sa_train.slice(i, i + 3));
      batches.push([b.ids, b.label.float()]);
    }
    torch.manual_seed(1234);
    const model = new CNN(vocab_itos.length, 6, 3, [2, 3], 1, 0.5, sa_pad);
    expect(count_parameters(model)).toBe(r.count_before);
    model.embedding.weight.data.copy_(torch.randn([vocab_itos.length, 6], { generator: new torch.Generator().manual_seed(0) }));
    const optimizer = new optim.Adam(model.parameters());
    const criterion = new nn.BCEWithLogitsLoss();
    torch.manual_seed(4);
    const FREEZE_FOR = 2;
    model.embedding.weight.requires_grad = false;
    expect(count_parameters(model)).toBe(r.count_frozen);
    const log: (number | boolean)[][] = [];
    for (let epoch = 0; epoch < 4; epoch++) {
      let [epoch_loss, epoch_acc] = [0, 0];
      model.train();
      for (const [text, label] of batches) {
        optimizer.zero_grad();
        const predictions = model(text.t()).squeeze(1);
        const loss = criterion(predictions, label);
        const acc = torch.round(torch.sigmoid(predictions)).eq(label).float().sum().div(label.shape[0]);
        loss.backward();
        optimizer.step();
        epoch_loss += loss.item();
        epoch_acc += acc.item();
      }
      log.push([epoch_loss / batches.length, epoch_acc / batches.length, model.embedding.weight.grad === null]);
      if (epoch + 1 >= FREEZE_FOR) model.embedding.weight.requires_grad = true;
    }
    expectNums(log.map((l) => l[0] as number), r.epochs.map((l: unknown[]) => l[0]), 1e-4);
    expect(log.map((l) => [l[1], l[2]])).toEqual(r.epochs.map((l: unknown[]) => [l[1], l[2]]));
    expectT(model.embedding.weight.index(":4"), r.emb_after, 1e-4);
    expect([model.embedding.weight, model.fc.weight].map((p) => Number(optimizer.state.get(p)!.step))).toEqual(r.adam_steps);
  });
});

// ===================================== the mistakes a learner makes =====================================
describe("bentrevett: the errors a learner meets in these notebooks, as torch raises them", () => {
  it("packing, recurrent states, convolutions shorter than the filter, masks, embeddings, losses, shapes", () => {
    const r = ref.errors;
    const x = torch.randn(4, 3, 2);
    const got: Record<string, unknown> = {};
    got.pack_unsorted = thrown(() => nn.utils.rnn.pack_padded_sequence(x, torch.tensor([2, 4, 3], long)));
    got.pack_float_len = thrown(() => nn.utils.rnn.pack_padded_sequence(x, torch.tensor([4., 3., 2.])));
    got.pack_zero_len = thrown(() => nn.utils.rnn.pack_padded_sequence(x, torch.tensor([4, 3, 0], long)));
    got.pack_batch_mismatch = thrown(() => nn.utils.rnn.pack_padded_sequence(x, torch.tensor([3, 2], long), { batch_first: true }));
    const lstm = new nn.LSTM(2, 10, 2);
    got.lstm_hidden_shape = thrown(() => lstm(torch.randn(4, 3, 2), [torch.zeros(1, 3, 10), torch.zeros(2, 3, 10)]));
    got.lstm_cell_shape = thrown(() => lstm(torch.randn(4, 3, 2), [torch.zeros(2, 3, 10), torch.zeros(2, 2, 10)]));
    const gru = new nn.GRU(2, 10);
    got.gru_hidden_shape = thrown(() => gru(torch.randn(4, 3, 2), torch.zeros(3, 10)));
    got.gru_unbatched_hidden = thrown(() => gru(torch.randn(4, 2), torch.zeros(1, 5)));
    got.gru_unbatched_hx_3d = thrown(() => gru(torch.randn(4, 2), torch.zeros(1, 1, 10)));
    got.lstm_hx_2d = thrown(() => lstm(torch.randn(4, 3, 2), [torch.zeros(2, 10), torch.zeros(2, 3, 10)]));
    got.lstm_input_size = thrown(() => lstm(torch.randn(4, 3, 5)));
    const conv = new nn.Conv1d(6, 4, 3);
    got.conv_short = thrown(() => conv(torch.randn(1, 6, 2)));
    const conv2 = new nn.Conv2d(1, 3, [4, 6]);
    got.conv2d_short = thrown(() => conv2(torch.randn(1, 1, 3, 6)));
    got.masked_fill_shape = thrown(() => torch.randn(2, 3).masked_fill(torch.ones(3, 2).bool(), -1e10));
    const emb = new nn.Embedding(5, 2);
    got.emb_oob = thrown(() => emb(torch.tensor([1, 5], long)));
    got.glu_odd = thrown(() => F.glu(torch.randn(2, 3, 4), { dim: 1 }));
    got.view_noncontig = thrown(() => torch.randn(2, 3, 4).permute(0, 2, 1).view(-1, 3));
    got.hidden_index = thrown(() => torch.zeros(1, 3, 4).index(-2, null, null));
    got.bmm_shape = thrown(() => torch.bmm(torch.randn(3, 1, 5), torch.randn(3, 4, 6)));
    got.bmm_2d = thrown(() => torch.bmm(torch.randn(1, 5), torch.randn(5, 6)));
    got.ce_float_target = thrown(() => new nn.CrossEntropyLoss()(torch.randn(4, 3), torch.tensor([0., 1., 2., 1.])));
    got.ce_target_oob = thrown(() => new nn.CrossEntropyLoss({ ignore_index: 1 })(torch.randn(4, 3), torch.tensor([0, 1, 3, 1], long)));
    got.ce_shape = thrown(() => new nn.CrossEntropyLoss()(torch.randn(2, 4, 3), torch.tensor([[0, 1, 2, 1], [0, 0, 0, 0]], long)));
    const all_ignored = new nn.CrossEntropyLoss({ ignore_index: 1 })(torch.randn(2, 3), torch.tensor([1, 1], long)).item();
    got.ce_all_ignored = Number.isNaN(all_ignored) ? "nan" : all_ignored;
    got.bce_shape = thrown(() => new nn.BCEWithLogitsLoss()(torch.randn(4, 1), torch.tensor([0., 1., 1., 0.])));
    got.bce_long_target = thrown(() => new nn.BCEWithLogitsLoss()(torch.randn(4), torch.tensor([0, 1, 1, 0], long)));
    got.bce_bool_target = thrown(() => new nn.BCEWithLogitsLoss()(torch.randn(4), torch.tensor([0, 1, 1, 0]).bool()));
    const bx = torch.tensor([0.3, -1.2, 2.0], { requires_grad: true });
    const bl = new nn.BCEWithLogitsLoss()(bx, torch.tensor([1., 0., 0.3], { dtype: torch.float64 }));
    bl.backward();
    got.bce_double_target = [String(bl.dtype), String(bx.grad!.dtype), Math.round(bl.item() * 1e6) / 1e6];
    got.bceloss_long_target = thrown(() => new nn.BCELoss()(torch.full([4], 0.5), torch.tensor([0, 1, 1, 0], long)));
    got.bceloss_double_target = thrown(() => new nn.BCELoss()(torch.full([4], 0.5), torch.tensor([0., 1., 1., 0.], { dtype: torch.float64 })));
    got.nll_negative_target = thrown(() => F.nll_loss(torch.randn(2, 3), torch.tensor([0, -2], long)));
    got.cat_mismatch = thrown(() => torch.cat([torch.randn(1, 3, 4), torch.randn(1, 2, 4)], { dim: 2 }));
    got.avgpool_big = thrown(() => F.avg_pool2d(torch.randn(3, 4, 6), [5, 1]));
    got.pad_seq_mixed = thrown(() => nn.utils.rnn.pad_sequence([torch.tensor([1, 2], long), torch.tensor([[1, 2]], long)]));
    const p = new nn.Parameter(torch.ones(2));
    p.grad = torch.tensor([Infinity, 1.]);
    got.clip_nonfinite = thrown(() => nn.utils.clip_grad_norm_([p], 1.0, { error_if_nonfinite: true }));
    got.clip_inf_total = String(nn.utils.clip_grad_norm_([p], 1.0));
    got.ln_shape = thrown(() => new nn.LayerNorm(8)(torch.randn(2, 3, 6)));
    got.matmul_shape = thrown(() => torch.matmul(torch.randn(2, 2, 3, 4), torch.randn(2, 2, 3, 4)));
    got.tril_1d = thrown(() => torch.tril(torch.ones(3)));
    got.triu_0d = thrown(() => torch.triu(torch.tensor(1.)));
    got.and_float = thrown(() => torch.ones(2).bool().__and__(torch.ones(2)));
    got.squeeze_keyword = torch.randn(1, 3).squeeze({ dim: 0 }).shape;
    got.argmax_keepdim = torch.tensor([[0.1, 0.9], [0.8, 0.2]]).argmax(1, { keepdim: true }).tolist();
    got.len0 = thrown(() => torch.tensor(3.).__len__());
    // The engine's own shape and dtype messages (they name both shapes, or say how to build int64 labels):
    // the class is torch's, the text is not. Three more keep torch's text and add the sizes after it.
    const OWN_MESSAGE = ["bmm_2d", "bmm_shape", "matmul_shape", "masked_fill_shape", "ce_float_target", "ce_shape", "pad_seq_mixed"];
    const TORCH_PREFIX = ["emb_oob", "cat_mismatch", "view_noncontig"];
    for (const k of Object.keys(r)) {
      const [want, have] = [r[k], got[k]] as [[string, string], [string, string]];
      if (OWN_MESSAGE.includes(k)) expect([k, have[0]]).toEqual([k, want[0]]);
      else if (TORCH_PREFIX.includes(k)) expect([k, have[0], have[1].startsWith(want[1].replace(/\.$/, ""))]).toEqual([k, want[0], true]);
      else expect([k, have]).toEqual([k, want]);
    }
    expect(Object.keys(got).sort()).toEqual(Object.keys(r).sort());
  });
});
