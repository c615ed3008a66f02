/**
 * "NLP From Scratch": classifying names with a character-level RNN (a hand-made RNN cell of
 * nn.Linear on torch.cat, LogSoftmax, NLLLoss, topk, the manual `p.data.add_(p.grad.data, alpha=-lr)`
 * update), generating names with a character-level RNN (category input, Dropout, sampling under
 * no_grad), and sequence to sequence translation with attention (GRU encoder, attention decoder
 * with bmm, teacher forcing). The name files and the French-English pairs are replaced by tiny
 * synthetic sets that the same code must learn.
 */
import { describe, expect, it } from "vitest";
import { F, nn, optim, torch, type Tensor } from "../../../../lib/tensor/index";
import { tailMean } from "./helpers";

const all_letters = "abcdefghijklmnopqrstuvwxyz .,;'";
const n_letters = all_letters.length + 1; // + EOS marker for generation

/** A seeded stand-in for Python's random module (mulberry32), so runs are reproducible. */
function pyRandom(seed: number): { random(): number; choice<T>(xs: readonly T[]): T } {
  let s = seed >>> 0;
  const random = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { random, choice: (xs) => xs[Math.floor(random() * xs.length)] };
}

// Three "languages": a random stem and a suffix that gives the category away.
const SUFFIX: Record<string, string> = { Russian: "ov", Polish: "ski", Spanish: "ez" };
const all_categories = Object.keys(SUFFIX);
const n_categories = all_categories.length;
function makeNames(rng: ReturnType<typeof pyRandom>, n: number): Record<string, string[]> {
  const category_lines: Record<string, string[]> = {};
  for (const c of all_categories) {
    category_lines[c] = [];
    for (let i = 0; i < n; i++) {
      const len = 2 + Math.floor(rng.random() * 3);
      let stem = "";
      for (let j = 0; j < len; j++) stem += rng.choice([..."abdeiklmnoprstu"]);
      category_lines[c].push(stem + SUFFIX[c]);
    }
  }
  return category_lines;
}

const letterToIndex = (letter: string): number => all_letters.indexOf(letter);

function letterToTensor(letter: string): Tensor {
  const tensor = torch.zeros(1, n_letters);
  tensor.index(0, letterToIndex(letter)).fill_(1); // tensor[0][letterToIndex(letter)] = 1
  return tensor;
}

function lineToTensor(line: string): Tensor {
  const tensor = torch.zeros(line.length, 1, n_letters);
  [...line].forEach((letter, li) => tensor.index_put_([li, 0, letterToIndex(letter)], 1)); // tensor[li][0][...] = 1
  return tensor;
}

describe("NLP from scratch: classifying names with a character-level RNN", () => {
  class RNN extends nn.Module {
    i2h: nn.Linear;
    i2o: nn.Linear;
    softmax = new nn.LogSoftmax({ dim: 1 });
    constructor(
      input_size: number,
      readonly hidden_size: number,
      output_size: number,
    ) {
      super();
      this.i2h = new nn.Linear(input_size + hidden_size, hidden_size);
      this.i2o = new nn.Linear(input_size + hidden_size, output_size);
    }
    forward(input: Tensor, hidden: Tensor): [Tensor, Tensor] {
      const combined = torch.cat([input, hidden], 1);
      hidden = this.i2h(combined);
      let output = this.i2o(combined);
      output = this.softmax(output);
      return [output, hidden];
    }
    initHidden(): Tensor {
      return torch.zeros(1, this.hidden_size);
    }
  }

  it("turns names into one-hot tensors, trains with NLLLoss and manual updates, and classifies with topk", () => {
    expect(letterToTensor("j").shape).toEqual([1, n_letters]);
    expect(letterToTensor("j").index(0, 9).item()).toBe(1);
    const jones = lineToTensor("jones");
    expect(jones.size()).toEqual([5, 1, n_letters]);
    expect(jones.sum().item()).toBe(5);

    torch.manual_seed(0);
    const rng = pyRandom(1);
    const category_lines = makeNames(rng, 20);
    const n_hidden = 32;
    const rnn = new RNN(n_letters, n_hidden, n_categories);

    const input = lineToTensor("albert");
    const [output0] = rnn(input.index(0), torch.zeros(1, n_hidden));
    expect(output0.shape).toEqual([1, n_categories]);
    expect(output0.exp().sum().item()).toBeCloseTo(1, 5);

    const categoryFromOutput = (output: Tensor): [string, number] => {
      const [, top_i] = output.topk(1); // top_n, top_i = output.topk(1)
      const category_i = top_i.index(0).item();
      return [all_categories[category_i], category_i];
    };
    const randomTrainingExample = (): [string, string, Tensor, Tensor] => {
      const category = rng.choice(all_categories);
      const line = rng.choice(category_lines[category]);
      const category_tensor = torch.tensor([all_categories.indexOf(category)], { dtype: torch.long });
      return [category, line, category_tensor, lineToTensor(line)];
    };
    const criterion = new nn.NLLLoss();
    const learning_rate = 0.05;
    const train = (category_tensor: Tensor, line_tensor: Tensor): [Tensor, number] => {
      let hidden = rnn.initHidden();
      rnn.zero_grad();
      let output!: Tensor;
      for (let i = 0; i < line_tensor.size()[0]; i++) [output, hidden] = rnn(line_tensor.index(i), hidden);
      const loss = criterion(output, category_tensor);
      loss.backward();
      // Add parameters' gradients to their values, multiplied by learning rate
      for (const p of rnn.parameters()) p.data.add_(p.grad!.data, { alpha: -learning_rate });
      return [output, loss.item()];
    };
    const losses: number[] = [];
    for (let iter = 0; iter < 600; iter++) {
      const [, , category_tensor, line_tensor] = randomTrainingExample();
      losses.push(train(category_tensor, line_tensor)[1]);
    }
    expect(tailMean(losses, 100)).toBeLessThan(losses.slice(0, 100).reduce((s, v) => s + v) / 100 / 3);

    const evaluate = (line_tensor: Tensor): Tensor => {
      let hidden = rnn.initHidden();
      let output!: Tensor;
      for (let i = 0; i < line_tensor.size()[0]; i++) [output, hidden] = rnn(line_tensor.index(i), hidden);
      return output;
    };
    // Fresh names: the suffix decides.
    const fresh = makeNames(pyRandom(99), 10);
    let correct = 0;
    torch.no_grad(() => {
      for (const c of all_categories) for (const line of fresh[c]) if (categoryFromOutput(evaluate(lineToTensor(line)))[0] === c) correct++;
    });
    expect(correct / (10 * n_categories)).toBeGreaterThan(0.9);

    // predict(): the top 3 guesses with their log-probabilities, best first
    const output = torch.no_grad(() => evaluate(lineToTensor("dovesky")));
    const { values: topv, indices: topi } = output.topk(3, 1, true);
    expect(topv.index(0, 0).item()).toBeGreaterThanOrEqual(topv.index(0, 1).item());
    expect(all_categories[topi.index(0, 0).item()]).toBe("Polish");
  });
});

describe("NLP from scratch: generating names with a character-level RNN", () => {
  class RNN extends nn.Module {
    i2h: nn.Linear;
    i2o: nn.Linear;
    o2o: nn.Linear;
    dropout = new nn.Dropout(0.1);
    softmax = new nn.LogSoftmax({ dim: 1 });
    constructor(
      input_size: number,
      readonly hidden_size: number,
      output_size: number,
    ) {
      super();
      this.i2h = new nn.Linear(n_categories + input_size + hidden_size, hidden_size);
      this.i2o = new nn.Linear(n_categories + input_size + hidden_size, output_size);
      this.o2o = new nn.Linear(hidden_size + output_size, output_size);
    }
    forward(category: Tensor, input: Tensor, hidden: Tensor): [Tensor, Tensor] {
      const input_combined = torch.cat([category, input, hidden], 1);
      hidden = this.i2h(input_combined);
      let output = this.i2o(input_combined);
      const output_combined = torch.cat([hidden, output], 1);
      output = this.o2o(output_combined);
      output = this.dropout(output);
      output = this.softmax(output);
      return [output, hidden];
    }
    initHidden(): Tensor {
      return torch.zeros(1, this.hidden_size);
    }
  }

  it("trains on (category, line) with a summed loss over the letters, then samples names that end with the category's suffix", () => {
    torch.manual_seed(0);
    const rng = pyRandom(2);
    const category_lines = makeNames(rng, 20);
    const categoryTensor = (category: string): Tensor => {
      const tensor = torch.zeros(1, n_categories);
      tensor.index(0, all_categories.indexOf(category)).fill_(1);
      return tensor;
    };
    const inputTensor = (line: string): Tensor => lineToTensor(line);
    const targetTensor = (line: string): Tensor => {
      const letter_indexes = [...line.slice(1)].map(letterToIndex);
      letter_indexes.push(n_letters - 1); // EOS
      return torch.tensor(letter_indexes, { dtype: torch.long });
    };
    const rnn = new RNN(n_letters, 48, n_letters);
    const criterion = new nn.NLLLoss();
    const optimizer = new optim.Adam(rnn.parameters(), { lr: 0.01 }); // the tutorial's manual SGD needs ~100k steps
    const train = (category_tensor: Tensor, input_line_tensor: Tensor, target_line_tensor: Tensor): number => {
      target_line_tensor.unsqueeze_(-1);
      let hidden = rnn.initHidden();
      rnn.zero_grad();
      let loss = torch.tensor(0);
      for (let i = 0; i < input_line_tensor.size(0); i++) {
        const [output, h] = rnn(category_tensor, input_line_tensor.index(i), hidden);
        hidden = h;
        const l = criterion(output, target_line_tensor.index(i));
        loss = loss.add(l); // loss += l
      }
      loss.backward();
      optimizer.step();
      return loss.item() / input_line_tensor.size(0);
    };
    const losses: number[] = [];
    for (let iter = 0; iter < 500; iter++) {
      const category = rng.choice(all_categories);
      const line = rng.choice(category_lines[category]);
      losses.push(train(categoryTensor(category), inputTensor(line), targetTensor(line)));
    }
    // random stems keep a floor of about log(15) nats a letter; the suffix and EOS are what it learns
    expect(tailMean(losses, 100)).toBeLessThan((losses.slice(0, 50).reduce((s, v) => s + v) / 50) * 0.7);

    const max_length = 12;
    const sample = (category: string, start_letter: string): string =>
      torch.no_grad(() => {
        const category_tensor = categoryTensor(category);
        let input = inputTensor(start_letter);
        let hidden = rnn.initHidden();
        let output_name = start_letter;
        for (let i = 0; i < max_length; i++) {
          const [output, h] = rnn(category_tensor, input.index(0), hidden);
          hidden = h;
          const [, topi0] = output.topk(1);
          const topi = topi0.index(0, 0).item();
          if (topi === n_letters - 1) break;
          const letter = all_letters[topi];
          output_name += letter;
          input = inputTensor(letter);
        }
        return output_name;
      });
    rnn.eval(); // no dropout while sampling
    let endsRight = 0;
    for (const c of all_categories) for (const start of "abdklmprst") if (sample(c, start).endsWith(SUFFIX[c])) endsRight++;
    // an untrained or broken model almost never ends a greedy sample with the suffix
    expect(endsRight / (10 * n_categories)).toBeGreaterThan(0.3);
  });
});

describe("NLP from scratch: sequence to sequence with attention", () => {
  const SOS_token = 0;
  const EOS_token = 1;
  const MAX_LENGTH = 6;
  const V = 10; // words 2..9

  class EncoderRNN extends nn.Module {
    embedding: nn.Embedding;
    gru: nn.GRU;
    constructor(
      input_size: number,
      readonly hidden_size: number,
    ) {
      super();
      this.embedding = new nn.Embedding(input_size, hidden_size);
      this.gru = new nn.GRU(hidden_size, hidden_size);
    }
    forward(input: Tensor, hidden: Tensor): [Tensor, Tensor] {
      const embedded = this.embedding(input).view(1, 1, -1);
      const [output, h] = this.gru(embedded, hidden);
      return [output, h];
    }
    initHidden(): Tensor {
      return torch.zeros(1, 1, this.hidden_size);
    }
  }

  class AttnDecoderRNN extends nn.Module {
    embedding: nn.Embedding;
    attn: nn.Linear;
    attn_combine: nn.Linear;
    dropout: nn.Dropout;
    gru: nn.GRU;
    out: nn.Linear;
    constructor(
      readonly hidden_size: number,
      readonly output_size: number,
      dropout_p = 0.1,
      readonly max_length = MAX_LENGTH,
    ) {
      super();
      this.embedding = new nn.Embedding(this.output_size, this.hidden_size);
      this.attn = new nn.Linear(this.hidden_size * 2, this.max_length);
      this.attn_combine = new nn.Linear(this.hidden_size * 2, this.hidden_size);
      this.dropout = new nn.Dropout(dropout_p);
      this.gru = new nn.GRU(this.hidden_size, this.hidden_size);
      this.out = new nn.Linear(this.hidden_size, this.output_size);
    }
    forward(input: Tensor, hidden: Tensor, encoder_outputs: Tensor): [Tensor, Tensor, Tensor] {
      let embedded = this.embedding(input).view(1, 1, -1);
      embedded = this.dropout(embedded);
      const attn_weights = F.softmax(this.attn(torch.cat([embedded.index(0), hidden.index(0)], 1)), { dim: 1 });
      const attn_applied = torch.bmm(attn_weights.unsqueeze(0), encoder_outputs.unsqueeze(0));
      let output = torch.cat([embedded.index(0), attn_applied.index(0)], 1);
      output = this.attn_combine(output).unsqueeze(0);
      output = F.relu(output);
      [output, hidden] = this.gru(output, hidden);
      output = F.log_softmax(this.out(output.index(0)), { dim: 1 });
      return [output, hidden, attn_weights];
    }
  }

  it("learns a word-by-word 'translation' with teacher forcing, and attends to the aligned source word", () => {
    torch.manual_seed(0);
    const rng = pyRandom(3);
    // source words 2..9, the target word for w is 2 + (w - 2 + 3) % 8
    const translate = (w: number): number => 2 + ((w - 2 + 3) % 8);
    const randomPair = (): [number[], number[]] => {
      const len = 2 + Math.floor(rng.random() * 3);
      const src = Array.from({ length: len }, () => 2 + Math.floor(rng.random() * 8));
      return [src, src.map(translate)];
    };
    const tensorFromSentence = (words: number[]): Tensor => torch.tensor([...words, EOS_token], { dtype: torch.long }).view(-1, 1);

    const hidden_size = 32;
    const encoder = new EncoderRNN(V, hidden_size);
    const decoder = new AttnDecoderRNN(hidden_size, V, 0.1);
    const encoder_optimizer = new optim.Adam(encoder.parameters(), { lr: 0.005 });
    const decoder_optimizer = new optim.Adam(decoder.parameters(), { lr: 0.005 });
    const criterion = new nn.NLLLoss();
    const teacher_forcing_ratio = 0.5;

    const train = (input_tensor: Tensor, target_tensor: Tensor): number => {
      let encoder_hidden = encoder.initHidden();
      encoder_optimizer.zero_grad();
      decoder_optimizer.zero_grad();
      const input_length = input_tensor.size(0);
      const target_length = target_tensor.size(0);
      const encoder_outputs = torch.zeros(MAX_LENGTH, encoder.hidden_size);
      let loss = torch.tensor(0);
      for (let ei = 0; ei < input_length; ei++) {
        const [encoder_output, h] = encoder(input_tensor.index(ei), encoder_hidden);
        encoder_hidden = h;
        encoder_outputs.index_put_([ei], encoder_output.index(0, 0)); // encoder_outputs[ei] = encoder_output[0, 0]
      }
      let decoder_input = torch.tensor([[SOS_token]], { dtype: torch.long });
      let decoder_hidden = encoder_hidden;
      const use_teacher_forcing = rng.random() < teacher_forcing_ratio;
      for (let di = 0; di < target_length; di++) {
        const [decoder_output, h] = decoder(decoder_input, decoder_hidden, encoder_outputs);
        decoder_hidden = h;
        loss = loss.add(criterion(decoder_output, target_tensor.index(di)));
        if (use_teacher_forcing) {
          decoder_input = target_tensor.index(di); // Teacher forcing
        } else {
          const [, topi] = decoder_output.topk(1);
          decoder_input = topi.squeeze().detach(); // detach from history as input
          if (decoder_input.item() === EOS_token) break;
        }
      }
      loss.backward();
      encoder_optimizer.step();
      decoder_optimizer.step();
      return loss.item() / target_length;
    };

    const losses: number[] = [];
    for (let iter = 0; iter < 450; iter++) {
      const [src, tgt] = randomPair();
      losses.push(train(tensorFromSentence(src), tensorFromSentence(tgt)));
    }
    expect(tailMean(losses, 80)).toBeLessThan(losses.slice(0, 40).reduce((s, v) => s + v) / 40 / 2);

    const evaluate = (sentence: number[]): [number[], Tensor] =>
      torch.no_grad(() => {
        const input_tensor = tensorFromSentence(sentence);
        let encoder_hidden = encoder.initHidden();
        const encoder_outputs = torch.zeros(MAX_LENGTH, encoder.hidden_size);
        for (let ei = 0; ei < input_tensor.size()[0]; ei++) {
          const [encoder_output, h] = encoder(input_tensor.index(ei), encoder_hidden);
          encoder_hidden = h;
          encoder_outputs.index(ei).add_(encoder_output.index(0, 0)); // encoder_outputs[ei] += encoder_output[0, 0]
        }
        let decoder_input = torch.tensor([[SOS_token]], { dtype: torch.long });
        let decoder_hidden = encoder_hidden;
        const decoded_words: number[] = [];
        const decoder_attentions = torch.zeros(MAX_LENGTH, MAX_LENGTH);
        for (let di = 0; di < MAX_LENGTH; di++) {
          const [decoder_output, h, decoder_attention] = decoder(decoder_input, decoder_hidden, encoder_outputs);
          decoder_hidden = h;
          decoder_attentions.index_put_([di], decoder_attention.data);
          const [, topi] = decoder_output.data.topk(1);
          if (topi.item() === EOS_token) break;
          decoded_words.push(topi.item());
          decoder_input = topi.squeeze().detach();
        }
        return [decoded_words, decoder_attentions.index(`:${decoded_words.length + 1}`)];
      });
    encoder.eval();
    decoder.eval();
    let right = 0;
    const tests = Array.from({ length: 20 }, randomPair);
    for (const [src, tgt] of tests) if (JSON.stringify(evaluate(src)[0]) === JSON.stringify(tgt)) right++;
    expect(right / tests.length).toBeGreaterThan(0.5);
    const [, attentions] = evaluate([2, 5, 7]);
    expect(attentions.size(1)).toBe(MAX_LENGTH);
    expect(attentions.sum(1).allclose(torch.ones(attentions.size(0)), { atol: 1e-5 })).toBe(true);
  });
});
