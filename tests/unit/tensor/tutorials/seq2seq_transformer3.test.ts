/**
 * "Language Translation with nn.Transformer and torchtext", line by line at toy sizes on a synthetic
 * vocabulary (no torchtext): PositionalEncoding with register_buffer, TokenEmbedding scaled by
 * sqrt(emb_size), Seq2SeqTransformer on nn.Transformer, generate_square_subsequent_mask and
 * create_mask (src / tgt key padding masks), Xavier initialisation, the training loop with
 * CrossEntropyLoss(ignore_index=PAD_IDX) and Adam(betas (0.9, 0.98), eps 1e-9), and greedy_decode.
 * The eval-mode logits, loss and greedy decoding of a seeded model equal torch 1.13's
 * (seq2seq3.json, scripts/fixtures/tutorial3_fixtures.py); training learns to copy a sequence.
 */
import { describe, expect, it } from "vitest";
import { nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectClose } from "../core/fixtures";
import { tutorialFixture } from "./helpers";

const ref = tutorialFixture<{ logits: { shape: number[]; data: number[] }; loss: number; decoded: number[] }>("seq2seq3.json");
const PAD_IDX = 1;
const BOS_IDX = 2;
const EOS_IDX = 3;

/** helper Module that adds positional encoding to the token embedding to introduce a notion of word order. */
class PositionalEncoding extends nn.Module {
  dropout: nn.Dropout;
  declare pos_embedding: Tensor;
  constructor(emb_size: number, dropout: number, maxlen = 5000) {
    super();
    const den = torch.exp(torch.arange(0, emb_size, 2).neg().mul(Math.log(10000)).div(emb_size));
    const pos = torch.arange(0, maxlen).reshape(maxlen, 1);
    const pos_embedding = torch.zeros([maxlen, emb_size]);
    pos_embedding.index_put_([null, "0::2"], torch.sin(pos.mul(den)));
    pos_embedding.index_put_([null, "1::2"], torch.cos(pos.mul(den)));
    this.dropout = new nn.Dropout(dropout);
    this.register_buffer("pos_embedding", pos_embedding.unsqueeze(-2));
  }
  forward(token_embedding: Tensor): Tensor {
    return this.dropout(token_embedding.add(this.pos_embedding.index(`:${token_embedding.size(0)}`, null)));
  }
}

/** helper Module to convert tensor of input indices into corresponding tensor of token embeddings */
class TokenEmbedding extends nn.Module {
  embedding: nn.Embedding;
  constructor(vocab_size: number, readonly emb_size: number) {
    super();
    this.embedding = new nn.Embedding(vocab_size, emb_size);
  }
  forward(tokens: Tensor): Tensor {
    return this.embedding(tokens.long()).mul(Math.sqrt(this.emb_size));
  }
}

/** Seq2Seq Network */
class Seq2SeqTransformer extends nn.Module {
  transformer: nn.Transformer;
  generator: nn.Linear;
  src_tok_emb: TokenEmbedding;
  tgt_tok_emb: TokenEmbedding;
  positional_encoding: PositionalEncoding;
  constructor(num_encoder_layers: number, num_decoder_layers: number, emb_size: number, nhead: number, src_vocab_size: number, tgt_vocab_size: number, dim_feedforward = 512, dropout = 0.1) {
    super();
    this.transformer = new nn.Transformer({ d_model: emb_size, nhead, num_encoder_layers, num_decoder_layers, dim_feedforward, dropout });
    this.generator = new nn.Linear(emb_size, tgt_vocab_size);
    this.src_tok_emb = new TokenEmbedding(src_vocab_size, emb_size);
    this.tgt_tok_emb = new TokenEmbedding(tgt_vocab_size, emb_size);
    this.positional_encoding = new PositionalEncoding(emb_size, dropout);
  }
  forward(src: Tensor, trg: Tensor, src_mask: Tensor, tgt_mask: Tensor, src_padding_mask: Tensor, tgt_padding_mask: Tensor, memory_key_padding_mask: Tensor): Tensor {
    const src_emb = this.positional_encoding(this.src_tok_emb(src));
    const tgt_emb = this.positional_encoding(this.tgt_tok_emb(trg));
    const outs = this.transformer(src_emb, tgt_emb, src_mask, tgt_mask, null, src_padding_mask, tgt_padding_mask, memory_key_padding_mask) as Tensor;
    return this.generator(outs);
  }
  encode(src: Tensor, src_mask: Tensor): Tensor {
    return this.transformer.encoder(this.positional_encoding(this.src_tok_emb(src)), src_mask) as Tensor;
  }
  decode(tgt: Tensor, memory: Tensor, tgt_mask: Tensor): Tensor {
    return this.transformer.decoder(this.positional_encoding(this.tgt_tok_emb(tgt)), memory, tgt_mask) as Tensor;
  }
}

function generate_square_subsequent_mask(sz: number): Tensor {
  const mask = torch.triu(torch.ones([sz, sz])).eq(1).transpose(0, 1);
  return mask.float().masked_fill(mask.eq(0), -Infinity).masked_fill(mask.eq(1), 0.0);
}

function create_mask(src: Tensor, tgt: Tensor): [Tensor, Tensor, Tensor, Tensor] {
  const src_seq_len = src.shape[0];
  const tgt_seq_len = tgt.shape[0];
  const tgt_mask = generate_square_subsequent_mask(tgt_seq_len);
  const src_mask = torch.zeros([src_seq_len, src_seq_len]).type(torch.bool);
  const src_padding_mask = src.eq(PAD_IDX).transpose(0, 1);
  const tgt_padding_mask = tgt.eq(PAD_IDX).transpose(0, 1);
  return [src_mask, tgt_mask, src_padding_mask, tgt_padding_mask];
}

/** function to generate output sequence using greedy algorithm */
function greedy_decode(model: Seq2SeqTransformer, src: Tensor, src_mask: Tensor, max_len: number, start_symbol: number): Tensor {
  const memory = model.encode(src, src_mask);
  let ys = torch.ones(1, 1).fill_(start_symbol).type(torch.long);
  for (let i = 0; i < max_len - 1; i++) {
    const tgt_mask = generate_square_subsequent_mask(ys.size(0)).type(torch.bool);
    const out = model.decode(ys, memory, tgt_mask).transpose(0, 1);
    const prob = model.generator(out.index(null, -1));
    const [, next_word_t] = torch.max(prob, { dim: 1 });
    const next_word = next_word_t.item() as number;
    ys = torch.cat([ys, torch.ones(1, 1).type_as(src.data).fill_(next_word)], { dim: 0 });
    if (next_word === EOS_IDX) break;
  }
  return ys;
}

function makeModel(): Seq2SeqTransformer {
  const transformer = new Seq2SeqTransformer(1, 1, 8, 2, 11, 13, 16);
  for (const p of transformer.parameters()) if (p.dim() > 1) nn.init.xavier_uniform_(p);
  return transformer;
}

describe("Language Translation with nn.Transformer (toy vocabulary)", () => {
  it("eval-mode logits, loss and greedy decoding equal torch 1.13's", () => {
    torch.manual_seed(0);
    const model = makeModel();
    model.eval();
    // (seq, batch), padded as the tutorial's collate_fn: BOS ... EOS PAD
    const src = torch.tensor([[2, 2], [5, 7], [6, 4], [9, 3], [3, 1]], { dtype: torch.long });
    const tgt = torch.tensor([[2, 2], [4, 8], [12, 3], [3, 1]], { dtype: torch.long });
    const tgt_input = tgt.index(":-1", null);
    const [src_mask, tgt_mask, src_padding_mask, tgt_padding_mask] = create_mask(src, tgt_input);
    torch.no_grad(() => {
      const logits = model(src, tgt_input, src_mask, tgt_mask, src_padding_mask, tgt_padding_mask, src_padding_mask) as Tensor;
      expect(logits.shape).toEqual(ref.logits.shape);
      expectClose(logits, ref.logits.data, 1e-4, 1e-5, "logits");
      const loss_fn = new nn.CrossEntropyLoss({ ignore_index: PAD_IDX });
      const loss = loss_fn(logits.reshape(-1, logits.shape[2]), tgt.index("1:", null).reshape(-1)) as Tensor;
      expect(loss.item()).toBeCloseTo(ref.loss, 5);
      const one = src.index(null, ":1");
      const num_tokens = one.shape[0];
      const decoded = greedy_decode(model, one, torch.zeros(num_tokens, num_tokens).type(torch.bool), num_tokens + 5, BOS_IDX);
      expect(decoded.flatten().tolist()).toEqual(ref.decoded);
    });
    expect(model.state_dict()["positional_encoding.pos_embedding"].shape).toEqual([5000, 1, 8]);
  });

  it("trains with the tutorial's loop on a copy task (the loss falls by a quarter in 120 steps), then greedy_decode runs on a sentence", () => {
    torch.manual_seed(0);
    const model = makeModel();
    const loss_fn = new nn.CrossEntropyLoss({ ignore_index: PAD_IDX });
    const optimizer = new torch.optim.Adam(model.parameters(), { lr: 0.01, betas: [0.9, 0.98], eps: 1e-9 });
    // "Translation" = copying tokens 4..10 (target vocabulary ids equal to the source's).
    const g = new torch.Generator(3);
    const batch = (): Tensor => {
      const body = torch.randint(4, 11, [3, 8], { generator: g });
      return torch.cat([torch.full([1, 8], BOS_IDX, { dtype: torch.long }), body, torch.full([1, 8], EOS_IDX, { dtype: torch.long })]);
    };
    const losses: number[] = [];
    model.train();
    for (let step = 0; step < 120; step++) {
      const src = batch();
      const tgt = src;
      const tgt_input = tgt.index(":-1", null);
      const [src_mask, tgt_mask, src_padding_mask, tgt_padding_mask] = create_mask(src, tgt_input);
      const logits = model(src, tgt_input, src_mask, tgt_mask, src_padding_mask, tgt_padding_mask, src_padding_mask) as Tensor;
      optimizer.zero_grad();
      const loss = loss_fn(logits.reshape(-1, logits.shape[2]), tgt.index("1:", null).reshape(-1)) as Tensor;
      loss.backward();
      optimizer.step();
      losses.push(loss.item() as number);
    }
    const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
    expect(mean(losses.slice(0, 10))).toBeGreaterThan(2);
    expect(mean(losses.slice(-10))).toBeLessThan(0.75 * mean(losses.slice(0, 10)));
    model.eval();
    const src = torch.tensor([[BOS_IDX], [5], [9], [7], [EOS_IDX]], { dtype: torch.long });
    const out = torch.no_grad(() => greedy_decode(model, src, torch.zeros(5, 5).type(torch.bool), 10, BOS_IDX));
    expect(out.index(0).item()).toBe(BOS_IDX);
    expect(out.shape[1]).toBe(1);
  });
});
