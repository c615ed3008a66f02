/**
 * "The Annotated Transformer" (harvardnlp/annotated-transformer, the_annotated_transformer.py) as a
 * learner translates it to the engine: the model, its masks, the Batch, rate() and LabelSmoothing, and
 * the synthetic copy task's data_gen. Shared by the probes that run it (transformers_from_scratch.test.ts:
 * the model, training and greedy decoding; annotated_mingpt.test.ts: run_epoch, the schedule curves and
 * the attention maps), each against its own torch 1.13 fixtures.
 */
import { copy, F, nn, torch, type Tensor } from "../../../../lib/tensor/index";
export class EncoderDecoder extends nn.Module {
  constructor(
    public encoder: Encoder,
    public decoder: Decoder,
    public src_embed: nn.Sequential,
    public tgt_embed: nn.Sequential,
    public generator: Generator,
  ) {
    super();
  }
  forward(src: Tensor, tgt: Tensor, src_mask: Tensor, tgt_mask: Tensor): Tensor {
    return this.decode(this.encode(src, src_mask), src_mask, tgt, tgt_mask);
  }
  encode(src: Tensor, src_mask: Tensor): Tensor {
    return this.encoder(this.src_embed(src), src_mask);
  }
  decode(memory: Tensor, src_mask: Tensor, tgt: Tensor, tgt_mask: Tensor): Tensor {
    return this.decoder(this.tgt_embed(tgt), memory, src_mask, tgt_mask);
  }
}

export class Generator extends nn.Module {
  proj: nn.Linear;
  constructor(d_model: number, vocab: number) {
    super();
    this.proj = new nn.Linear(d_model, vocab);
  }
  forward(x: Tensor): Tensor {
    return F.log_softmax(this.proj(x), { dim: -1 });
  }
}

export function clones<M extends nn.Module>(module: M, N: number): nn.ModuleList {
  return new nn.ModuleList(Array.from({ length: N }, () => copy.deepcopy(module)));
}

export class LayerNorm extends nn.Module {
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

export class SublayerConnection extends nn.Module {
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

export class EncoderLayer extends nn.Module {
  sublayer: nn.ModuleList;
  constructor(public size: number, public self_attn: MultiHeadedAttention, public feed_forward: PositionwiseFeedForward, dropout: number) {
    super();
    this.sublayer = clones(new SublayerConnection(size, dropout), 2);
  }
  forward(x: Tensor, mask: Tensor): Tensor {
    const sub = this.sublayer as unknown as SublayerConnection[];
    x = sub[0](x, (x) => this.self_attn(x, x, x, mask));
    return sub[1](x, this.feed_forward);
  }
}

export class Encoder extends nn.Module {
  layers: nn.ModuleList;
  norm: LayerNorm;
  constructor(layer: EncoderLayer, N: number) {
    super();
    this.layers = clones(layer, N);
    this.norm = new LayerNorm(layer.size);
  }
  forward(x: Tensor, mask: Tensor): Tensor {
    for (const layer of this.layers as Iterable<EncoderLayer>) x = layer(x, mask);
    return this.norm(x);
  }
}

export class DecoderLayer extends nn.Module {
  sublayer: nn.ModuleList;
  constructor(
    public size: number,
    public self_attn: MultiHeadedAttention,
    public src_attn: MultiHeadedAttention,
    public feed_forward: PositionwiseFeedForward,
    dropout: number,
  ) {
    super();
    this.sublayer = clones(new SublayerConnection(size, dropout), 3);
  }
  forward(x: Tensor, memory: Tensor, src_mask: Tensor, tgt_mask: Tensor): Tensor {
    const m = memory;
    const sub = this.sublayer as unknown as SublayerConnection[];
    x = sub[0](x, (x) => this.self_attn(x, x, x, tgt_mask));
    x = sub[1](x, (x) => this.src_attn(x, m, m, src_mask));
    return sub[2](x, this.feed_forward);
  }
}

export class Decoder extends nn.Module {
  layers: nn.ModuleList;
  norm: LayerNorm;
  constructor(layer: DecoderLayer, N: number) {
    super();
    this.layers = clones(layer, N);
    this.norm = new LayerNorm(layer.size);
  }
  forward(x: Tensor, memory: Tensor, src_mask: Tensor, tgt_mask: Tensor): Tensor {
    for (const layer of this.layers as Iterable<DecoderLayer>) x = layer(x, memory, src_mask, tgt_mask);
    return this.norm(x);
  }
}

export function subsequent_mask(size: number): Tensor {
  const attn_shape = [1, size, size];
  const subsequent_mask = torch.triu(torch.ones(attn_shape), { diagonal: 1 }).type(torch.uint8);
  return subsequent_mask.eq(0);
}

export function attention(query: Tensor, key: Tensor, value: Tensor, mask: Tensor | null = null, dropout: nn.Dropout | null = null): [Tensor, Tensor] {
  const d_k = query.size(-1);
  let scores = torch.matmul(query, key.transpose(-2, -1)).div(Math.sqrt(d_k));
  if (mask !== null) scores = scores.masked_fill(mask.eq(0), -1e9);
  let p_attn = scores.softmax({ dim: -1 });
  if (dropout !== null) p_attn = dropout(p_attn);
  return [torch.matmul(p_attn, value), p_attn];
}

export class MultiHeadedAttention extends nn.Module {
  d_k: number;
  linears: nn.ModuleList;
  attn: Tensor | null = null;
  dropout: nn.Dropout;
  constructor(public h: number, d_model: number, dropout = 0.1) {
    super();
    if (d_model % h !== 0) throw new Error("assert d_model % h == 0");
    this.d_k = Math.floor(d_model / h);
    this.linears = clones(new nn.Linear(d_model, d_model), 4);
    this.dropout = new nn.Dropout({ p: dropout });
  }
  forward(query: Tensor, key: Tensor, value: Tensor, mask: Tensor | null = null): Tensor {
    if (mask !== null) mask = mask.unsqueeze(1);
    const nbatches = query.size(0);
    const lins = this.linears as unknown as nn.Linear[];
    [query, key, value] = [query, key, value].map((x, i) => lins[i](x).view(nbatches, -1, this.h, this.d_k).transpose(1, 2));
    let x: Tensor;
    [x, this.attn] = attention(query, key, value, mask, this.dropout);
    x = x.transpose(1, 2).contiguous().view(nbatches, -1, this.h * this.d_k);
    return lins[3](x);
  }
}

export class PositionwiseFeedForward extends nn.Module {
  w_1: nn.Linear;
  w_2: nn.Linear;
  dropout: nn.Dropout;
  constructor(d_model: number, d_ff: number, dropout = 0.1) {
    super();
    this.w_1 = new nn.Linear(d_model, d_ff);
    this.w_2 = new nn.Linear(d_ff, d_model);
    this.dropout = new nn.Dropout(dropout);
  }
  forward(x: Tensor): Tensor {
    return this.w_2(this.dropout(this.w_1(x).relu()));
  }
}

export class Embeddings extends nn.Module {
  lut: nn.Embedding;
  constructor(public d_model: number, vocab: number) {
    super();
    this.lut = new nn.Embedding(vocab, d_model);
  }
  forward(x: Tensor): Tensor {
    return this.lut(x).mul(Math.sqrt(this.d_model));
  }
}

export class PositionalEncoding extends nn.Module {
  dropout: nn.Dropout;
  declare pe: Tensor;
  constructor(d_model: number, dropout: number, max_len = 5000) {
    super();
    this.dropout = new nn.Dropout({ p: dropout });
    let pe = torch.zeros(max_len, d_model);
    const position = torch.arange(0, max_len).unsqueeze(1);
    const div_term = torch.exp(torch.arange(0, d_model, 2).mul(-(Math.log(10000.0) / d_model)));
    pe.index_put_([":", "0::2"], torch.sin(position.mul(div_term))); // pe[:, 0::2] = torch.sin(position * div_term)
    pe.index_put_([":", "1::2"], torch.cos(position.mul(div_term)));
    pe = pe.unsqueeze(0);
    this.register_buffer("pe", pe);
  }
  forward(x: Tensor): Tensor {
    x = x.add(this.pe.index(":", `:${x.size(1)}`).requires_grad_(false));
    return this.dropout(x);
  }
}

export function make_model(src_vocab: number, tgt_vocab: number, N = 6, d_model = 512, d_ff = 2048, h = 8, dropout = 0.1): EncoderDecoder {
  const c = copy.deepcopy;
  const attn = new MultiHeadedAttention(h, d_model);
  const ff = new PositionwiseFeedForward(d_model, d_ff, dropout);
  const position = new PositionalEncoding(d_model, dropout);
  const model = new EncoderDecoder(
    new Encoder(new EncoderLayer(d_model, c(attn), c(ff), dropout), N),
    new Decoder(new DecoderLayer(d_model, c(attn), c(attn), c(ff), dropout), N),
    new nn.Sequential(new Embeddings(d_model, src_vocab), c(position)),
    new nn.Sequential(new Embeddings(d_model, tgt_vocab), c(position)),
    new Generator(d_model, tgt_vocab),
  );
  for (const p of model.parameters()) if (p.dim() > 1) nn.init.xavier_uniform_(p);
  return model;
}

export class Batch {
  src: Tensor;
  src_mask: Tensor;
  tgt!: Tensor;
  tgt_y!: Tensor;
  tgt_mask!: Tensor;
  ntokens!: Tensor;
  constructor(src: Tensor, tgt: Tensor | null = null, pad = 2) {
    this.src = src;
    this.src_mask = src.ne(pad).unsqueeze(-2);
    if (tgt !== null) {
      this.tgt = tgt.index(":", ":-1");
      this.tgt_y = tgt.index(":", "1:");
      this.tgt_mask = Batch.make_std_mask(this.tgt, pad);
      this.ntokens = this.tgt_y.ne(pad).data.sum();
    }
  }
  static make_std_mask(tgt: Tensor, pad: number): Tensor {
    let tgt_mask = tgt.ne(pad).unsqueeze(-2);
    tgt_mask = tgt_mask.bitwise_and(subsequent_mask(tgt.size(-1)).type_as(tgt_mask.data)); // tgt_mask & ...
    return tgt_mask;
  }
}

export function rate(step: number, model_size: number, factor: number, warmup: number): number {
  if (step === 0) step = 1;
  return factor * (model_size ** -0.5 * Math.min(step ** -0.5, step * warmup ** -1.5));
}

export class LabelSmoothing extends nn.Module {
  criterion = new nn.KLDivLoss({ reduction: "sum" });
  confidence: number;
  true_dist: Tensor | null = null;
  constructor(public size: number, public padding_idx: number, public smoothing = 0.0) {
    super();
    this.confidence = 1.0 - smoothing;
  }
  forward(x: Tensor, target: Tensor): Tensor {
    if (x.size(1) !== this.size) throw new Error("assert x.size(1) == self.size");
    const true_dist = x.data.clone();
    true_dist.fill_(this.smoothing / (this.size - 2));
    true_dist.scatter_(1, target.data.unsqueeze(1), this.confidence);
    true_dist.index_put_([":", this.padding_idx], 0); // true_dist[:, self.padding_idx] = 0
    const mask = torch.nonzero(target.data.eq(this.padding_idx));
    if (mask.dim() > 0) true_dist.index_fill_(0, mask.squeeze(), 0.0);
    this.true_dist = true_dist;
    return this.criterion(x, true_dist.clone().detach());
  }
}

export function* data_gen(V: number, batch_size: number, nbatches: number): IterableIterator<Batch> {
  for (let i = 0; i < nbatches; i++) {
    const data = torch.randint(1, V, { size: [batch_size, 10] });
    data.index_put_([":", 0], 1); // data[:, 0] = 1
    const src = data.requires_grad_(false).clone().detach();
    const tgt = data.requires_grad_(false).clone().detach();
    yield new Batch(src, tgt, 0);
  }
}
