/**
 * "Sequence Models and Long Short-Term Memory Networks" (nn.LSTM step by step and on a whole
 * sequence, the LSTM part-of-speech tagger) and "Word Embeddings: Encoding Lexical Semantics"
 * (nn.Embedding lookup, the N-gram language model on Sonnet 2, the CBOW exercise), run exactly as
 * the tutorials write them from torch.manual_seed(1) and compared with the same code run by
 * PyTorch 1.13 (scripts/fixtures/tutorial_fixtures.py, sequence_models.json), plus a
 * bidirectional-LSTM classifier on padded, packed batches.
 */
import { describe, expect, it } from "vitest";
import { F, nn, optim, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectClose } from "../core/fixtures";
import { tailMean, tutorialFixture } from "./helpers";

type Nested = number[] | number[][] | number[][][];
interface SequenceFixture {
  lstm_step_out: Nested;
  lstm_seq_out: Nested;
  lstm_seq_h: Nested;
  lstm_seq_c: Nested;
  tagger_before: Nested;
  tagger_after: Nested;
  hello_embed: Nested;
  ngram_losses: number[];
  ngram_beauty: number[];
}
const ref = tutorialFixture<SequenceFixture>("sequence_models.json");

const SONNET2 = `When forty winters shall besiege thy brow,
And dig deep trenches in thy beauty's field,
Thy youth's proud livery so gazed on now,
Will be a totter'd weed of small worth held:
Then being asked, where all thy beauty lies,
Where all the treasure of thy lusty days;
To say, within thine own deep sunken eyes,
Were an all-eating shame, and thriftless praise.
How much more praise deserv'd thy beauty's use,
If thou couldst answer 'This fair child of mine
Shall sum my count, and make my old excuse,'
Proving his beauty by succession thine!
This were to be new made when thou art old,
And see thy blood warm when thou feel'st it cold.`.split(/\s+/);

/** {word: index} in first-seen order (the tutorial's `{word: i for i, word in enumerate(vocab)}`, made deterministic). */
function firstSeenIndex(words: readonly string[]): Map<string, number> {
  const ix = new Map<string, number>();
  for (const w of words) if (!ix.has(w)) ix.set(w, ix.size);
  return ix;
}

const prepare_sequence = (seq: readonly string[], to_ix: Map<string, number>): Tensor => torch.tensor(seq.map((w) => to_ix.get(w)!), { dtype: torch.long });

describe("Sequence models and LSTMs", () => {
  it("an LSTM fed one step at a time and the whole sequence at once, as PyTorch 1.13", () => {
    torch.manual_seed(1);
    const lstm = new nn.LSTM(3, 3); // Input dim is 3, output dim is 3
    const inputs = Array.from({ length: 5 }, () => torch.randn(1, 3)); // make a sequence of length 5
    let hidden: [Tensor, Tensor] = [torch.randn(1, 1, 3), torch.randn(1, 1, 3)];
    let out!: Tensor;
    for (const i of inputs) [out, hidden] = lstm(i.view(1, 1, -1), hidden);
    expectClose(out, ref.lstm_step_out, 1e-5, 1e-6, "step-by-step out");

    const seq = torch.cat(inputs).view(inputs.length, 1, -1);
    hidden = [torch.randn(1, 1, 3), torch.randn(1, 1, 3)]; // clean out hidden state
    [out, hidden] = lstm(seq, hidden);
    expectClose(out, ref.lstm_seq_out, 1e-5, 1e-6, "sequence out");
    expectClose(hidden[0], ref.lstm_seq_h, 1e-5, 1e-6, "h_n");
    expectClose(hidden[1], ref.lstm_seq_c, 1e-5, 1e-6, "c_n");
  });

  it("the LSTM part-of-speech tagger: tag scores before and after 300 epochs of SGD equal PyTorch's", () => {
    const training_data: [string[], string[]][] = [
      ["The dog ate the apple".split(" "), ["DET", "NN", "V", "DET", "NN"]],
      ["Everybody read that book".split(" "), ["NN", "V", "DET", "NN"]],
    ];
    const word_to_ix = new Map<string, number>();
    for (const [sent] of training_data) for (const word of sent) if (!word_to_ix.has(word)) word_to_ix.set(word, word_to_ix.size);
    const tag_to_ix = new Map([["DET", 0], ["NN", 1], ["V", 2]]);
    const EMBEDDING_DIM = 6;
    const HIDDEN_DIM = 6;

    class LSTMTagger extends nn.Module {
      word_embeddings: nn.Embedding;
      lstm: nn.LSTM;
      hidden2tag: nn.Linear;
      constructor(
        embedding_dim: number,
        readonly hidden_dim: number,
        vocab_size: number,
        tagset_size: number,
      ) {
        super();
        this.word_embeddings = new nn.Embedding(vocab_size, embedding_dim);
        // The LSTM takes word embeddings as inputs, and outputs hidden states with dimensionality hidden_dim.
        this.lstm = new nn.LSTM(embedding_dim, hidden_dim);
        this.hidden2tag = new nn.Linear(hidden_dim, tagset_size);
      }
      forward(sentence: Tensor): Tensor {
        const embeds = this.word_embeddings(sentence);
        const [lstm_out] = this.lstm(embeds.view(sentence.size(0), 1, -1));
        const tag_space = this.hidden2tag(lstm_out.view(sentence.size(0), -1));
        return F.log_softmax(tag_space, { dim: 1 });
      }
    }

    // The tutorial seeds once at the top of the page: replay the LSTM section's draws first.
    torch.manual_seed(1);
    const warm = new nn.LSTM(3, 3);
    for (let i = 0; i < 5; i++) torch.randn(1, 3);
    for (let i = 0; i < 4; i++) torch.randn(1, 1, 3);
    expect(warm.weight_ih_l0.shape).toEqual([12, 3]);

    const model = new LSTMTagger(EMBEDDING_DIM, HIDDEN_DIM, word_to_ix.size, tag_to_ix.size);
    const loss_function = new nn.NLLLoss();
    const optimizer = new optim.SGD(model.parameters(), { lr: 0.1 });
    torch.no_grad(() => expectClose(model(prepare_sequence(training_data[0][0], word_to_ix)), ref.tagger_before, 1e-5, 1e-6, "before training"));
    for (let epoch = 0; epoch < 300; epoch++) {
      for (const [sentence, tags] of training_data) {
        model.zero_grad();
        const sentence_in = prepare_sequence(sentence, word_to_ix);
        const targets = prepare_sequence(tags, tag_to_ix);
        const tag_scores = model(sentence_in);
        const loss = loss_function(tag_scores, targets);
        loss.backward();
        optimizer.step();
      }
    }
    const tag_scores = torch.no_grad(() => model(prepare_sequence(training_data[0][0], word_to_ix)));
    // 600 float32 SGD steps: the same values to rounding drift.
    expectClose(tag_scores, ref.tagger_after, 2e-3, 2e-4, "after training");
    expect(tag_scores.argmax(1).tolist()).toEqual([0, 1, 2, 0, 1]); // DET NN V DET NN
  });
});

describe("Word embeddings", () => {
  it("an embedding lookup equals PyTorch's from the same seed", () => {
    torch.manual_seed(1);
    const word_to_ix = { hello: 0, world: 1 };
    const embeds = new nn.Embedding(2, 5); // 2 words in vocab, 5 dimensional embeddings
    const lookup_tensor = torch.tensor([word_to_ix.hello], { dtype: torch.long });
    const hello_embed = embeds(lookup_tensor);
    expectClose(hello_embed, ref.hello_embed, 1e-6, 1e-7, "hello");
    expect(hello_embed.grad_fn?.name()).toBe("EmbeddingBackward0");
  });

  it("the N-gram language model on Sonnet 2: ten epoch losses and the 'beauty' embedding equal PyTorch's", () => {
    const CONTEXT_SIZE = 2;
    const EMBEDDING_DIM = 10;
    const ngrams: [string[], string][] = [];
    for (let i = CONTEXT_SIZE; i < SONNET2.length; i++) ngrams.push([Array.from({ length: CONTEXT_SIZE }, (_, j) => SONNET2[i - j - 1]), SONNET2[i]]);
    expect(ngrams.slice(0, 1)).toEqual([[["forty", "When"], "winters"]]);
    const word_to_ix = firstSeenIndex(SONNET2);

    class NGramLanguageModeler extends nn.Module {
      embeddings: nn.Embedding;
      linear1: nn.Linear;
      linear2: nn.Linear;
      constructor(vocab_size: number, embedding_dim: number, context_size: number) {
        super();
        this.embeddings = new nn.Embedding(vocab_size, embedding_dim);
        this.linear1 = new nn.Linear(context_size * embedding_dim, 128);
        this.linear2 = new nn.Linear(128, vocab_size);
      }
      forward(inputs: Tensor): Tensor {
        const embeds = this.embeddings(inputs).view([1, -1]);
        let out = F.relu(this.linear1(embeds));
        out = this.linear2(out);
        return F.log_softmax(out, { dim: 1 });
      }
    }
    torch.manual_seed(1);
    const losses: number[] = [];
    const loss_function = new nn.NLLLoss();
    const model = new NGramLanguageModeler(word_to_ix.size, EMBEDDING_DIM, CONTEXT_SIZE);
    const optimizer = new optim.SGD(model.parameters(), { lr: 0.001 });
    for (let epoch = 0; epoch < 10; epoch++) {
      let total_loss = 0;
      for (const [context, target] of ngrams) {
        const context_idxs = torch.tensor(context.map((w) => word_to_ix.get(w)!), { dtype: torch.long });
        model.zero_grad();
        const log_probs = model(context_idxs);
        const loss = loss_function(log_probs, torch.tensor([word_to_ix.get(target)!], { dtype: torch.long }));
        loss.backward();
        optimizer.step();
        total_loss += loss.item();
      }
      losses.push(total_loss);
    }
    expectClose(losses, ref.ngram_losses, 1e-5, 0, "epoch losses");
    expect(losses[9]).toBeLessThan(losses[0]); // The loss decreased every iteration over the training data!
    expectClose(model.embeddings.weight.index(word_to_ix.get("beauty")!), ref.ngram_beauty, 1e-4, 1e-6, "beauty");
  });

  it("CBOW (the exercise): predict a word from two words either side", () => {
    const raw_text = `We are about to study the idea of a computational process.
Computational processes are abstract beings that inhabit computers.
As they evolve, processes manipulate other abstract things called data.
The evolution of a process is directed by a pattern of rules
called a program. People create programs to direct processes. In effect,
we conjure the spirits of the computer with our spells.`.split(/\s+/);
    const word_to_ix = firstSeenIndex(raw_text);
    const vocab_size = word_to_ix.size;
    const CONTEXT_SIZE = 2; // 2 words to the left, 2 to the right
    const data: [string[], string][] = [];
    for (let i = CONTEXT_SIZE; i < raw_text.length - CONTEXT_SIZE; i++) {
      const context = [raw_text[i - 2], raw_text[i - 1], raw_text[i + 1], raw_text[i + 2]];
      data.push([context, raw_text[i]]);
    }
    class CBOW extends nn.Module {
      embeddings: nn.Embedding;
      linear: nn.Linear;
      constructor(vocab: number, embedding_dim: number) {
        super();
        this.embeddings = new nn.Embedding(vocab, embedding_dim);
        this.linear = new nn.Linear(embedding_dim, vocab);
      }
      forward(inputs: Tensor): Tensor {
        const embeds = this.embeddings(inputs).sum({ dim: 0, keepdim: true });
        return F.log_softmax(this.linear(embeds), { dim: 1 });
      }
    }
    const make_context_vector = (context: string[]): Tensor => prepare_sequence(context, word_to_ix);
    expect(make_context_vector(data[0][0]).tolist()).toEqual([0, 1, 3, 4]);

    torch.manual_seed(1);
    const model = new CBOW(vocab_size, 16);
    const optimizer = new optim.SGD(model.parameters(), { lr: 0.05 });
    const epochLosses: number[] = [];
    for (let epoch = 0; epoch < 30; epoch++) {
      let total = 0;
      for (const [context, target] of data) {
        model.zero_grad();
        const loss = F.nll_loss(model(make_context_vector(context)), torch.tensor([word_to_ix.get(target)!], { dtype: torch.long }));
        loss.backward();
        optimizer.step();
        total += loss.item();
      }
      epochLosses.push(total / data.length);
    }
    expect(epochLosses[29]).toBeLessThan(epochLosses[0] / 4);
    const right = torch.no_grad(() => data.filter(([context, target]) => model(make_context_vector(context)).argmax(1).item() === word_to_ix.get(target)).length);
    expect(right / data.length).toBeGreaterThan(0.9);
  });
});

describe("A bidirectional LSTM classifier on padded, packed batches", () => {
  it("learns whether token 1 comes before token 2, from sequences of different lengths", () => {
    torch.manual_seed(0);
    const g = new torch.Generator(5);
    const makeBatch = (n: number): { x: Tensor; lengths: number[]; y: Tensor } => {
      const seqs: Tensor[] = [];
      const labels: number[] = [];
      const lengths: number[] = [];
      for (let i = 0; i < n; i++) {
        const L = 4 + (torch.randint(0, 5, [1], { generator: g }).item() as number);
        const s = torch.randint(3, 8, [L], { generator: g });
        const [p, q] = (torch.randperm(L, { generator: g }).index("0:2").tolist() as number[]);
        s.index_put_([p], 1);
        s.index_put_([q], 2);
        seqs.push(s);
        labels.push(p < q ? 1 : 0);
        lengths.push(L);
      }
      return { x: nn.utils.rnn.pad_sequence(seqs, { batch_first: true }), lengths, y: torch.tensor(labels, { dtype: torch.long }) };
    };
    class BiLSTMClassifier extends nn.Module {
      embedding = new nn.Embedding(8, 16, { padding_idx: 0 });
      lstm = new nn.LSTM(16, 24, { num_layers: 1, bidirectional: true, batch_first: true });
      fc = new nn.Linear(24 * 2, 2);
      dropout = new nn.Dropout(0.1);
      forward(text: Tensor, lengths: number[]): Tensor {
        const embedded = this.dropout(this.embedding(text));
        const packed = nn.utils.rnn.pack_padded_sequence(embedded, lengths, { batch_first: true, enforce_sorted: false });
        const [, [hidden]] = this.lstm.forward(packed); // the call signature is typed for tensors: a packed input goes through forward
        // the last layer's forward (hidden[-2]) and backward (hidden[-1]) final states
        const h = this.dropout(torch.cat([hidden.index(-2), hidden.index(-1)], { dim: 1 }));
        return this.fc(h);
      }
    }
    const model = new BiLSTMClassifier();
    expect(model.lstm.bidirectional).toBe(true);
    const optimizer = new optim.Adam(model.parameters(), { lr: 0.01 });
    const criterion = new nn.CrossEntropyLoss();
    const losses: number[] = [];
    for (let step = 0; step < 60; step++) {
      const { x, lengths, y } = makeBatch(32);
      optimizer.zero_grad();
      const loss = criterion(model(x, lengths), y);
      loss.backward();
      optimizer.step();
      losses.push(loss.item());
    }
    expect(tailMean(losses, 10)).toBeLessThan(0.35);
    model.eval();
    const test = makeBatch(200);
    const acc = torch.no_grad(() => model(test.x, test.lengths).argmax(1).eq(test.y).float().mean().item());
    expect(acc).toBeGreaterThan(0.85);
  });
});
