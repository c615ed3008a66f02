/**
 * Sebastian Raschka's "Build a Large Language Model (From Scratch)" (rasbt/LLMs-from-scratch), chapters
 * 2-7 and appendix E, translated as a learner would: GPTDatasetV1's sliding windows and
 * create_dataloader_v1 (a character vocabulary over a passage of the-verdict.txt in place of tiktoken),
 * token + positional embeddings; simplified attention, SelfAttention_v1 / v2, the causal masks,
 * dropout, CausalAttention (register_buffer mask, masked_fill_ with -torch.inf),
 * MultiHeadAttentionWrapper, MultiHeadAttention (view / transpose / contiguous); hand-written
 * LayerNorm / GELU / FeedForward, the shortcut experiment, TransformerBlock, GPTModel,
 * generate_text_simple; calc_loss_batch (logits.flatten(0, 1)), calc_loss_loader, evaluate_model,
 * train_model_simple with AdamW, temperature / top-k / multinomial sampling and generate(); weight
 * loading through assign (torch.nn.Parameter(torch.tensor(...))); chapter 6's classification head and
 * requires_grad freezing; chapter 7's custom_collate_fn with ignore_index -100; appendix E's LoRA.
 * Values are compared with torch 1.13's run of the same code (scripts/fixtures/llms_from_scratch_fixtures.py):
 * a tiny GPT config with drop_rate 0.0, so they depend only on seeded initialisation and draws.
 *
 * Python forms a learner rewrites: a @ b -> a.matmul(b), x[:, -k:] -> x.index(null, `-${k}:`),
 * setattr(model, name, m) -> (model as any)[name] = m, `with torch.no_grad():` -> torch.no_grad(() => ...),
 * np.split(w, 3, axis=-1) -> torch.tensor(w).chunk(3, -1), idx_next == None -> a null check, and
 * torch.tensor(token_ids) -> torch.tensor(token_ids, { dtype: torch.long }) (a JS number list is float32 here).
 */
import { describe, expect, it } from "vitest";
import { nn, optim, torch, utils, type Tensor } from "../../../../lib/tensor/index";
import { tutorialFixture } from "./helpers";

type TJ = { shape: number[]; data: number[] };
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const ref = tutorialFixture<Record<string, any>>("llms_from_scratch.json");

function expectT(actual: Tensor, expected: TJ, tol = 1e-5): void {
  expect(actual.shape).toEqual(expected.shape);
  const a = actual.detach().reshape(-1).tolist() as number[];
  a.forEach((v, i) => expect(Math.abs(v - expected.data[i]), `at ${i}: ${v} vs ${expected.data[i]}`).toBeLessThanOrEqual(tol));
}
function expectClose(actual: number[], expected: number[], tol: number): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((v, i) => expect(Math.abs(v - expected[i]), `at ${i}: ${v} vs ${expected[i]}`).toBeLessThanOrEqual(tol));
}

const TEXT =
  "I HAD always thought Jack Gisburn rather a cheap genius--though a good fellow enough--so it was " +
  "no great surprise to me to hear that, in the height of his glory, he had dropped his painting, " +
  "married a rich widow, and established himself in a villa on the Riviera.";
const chars = [...new Set(TEXT)].sort();
const stoi: Record<string, number> = Object.fromEntries(chars.map((c, i) => [c, i]));
const tokenizer = {
  encode: (text: string): number[] => [...text].map((c) => stoi[c]),
  decode: (ids: number[]): string => ids.map((i) => chars[i]).join(""),
};

// ---------------- Chapter 2 ----------------
class GPTDatasetV1 extends utils.data.Dataset<[Tensor, Tensor]> {
  input_ids: Tensor[] = [];
  target_ids: Tensor[] = [];
  constructor(txt: string, tok: typeof tokenizer, max_length: number, stride: number) {
    super();
    const token_ids = tok.encode(txt);
    for (let i = 0; i < token_ids.length - max_length; i += stride) {
      const input_chunk = token_ids.slice(i, i + max_length);
      const target_chunk = token_ids.slice(i + 1, i + max_length + 1);
      this.input_ids.push(torch.tensor(input_chunk, { dtype: torch.long }));
      this.target_ids.push(torch.tensor(target_chunk, { dtype: torch.long }));
    }
  }
  __len__(): number {
    return this.input_ids.length;
  }
  __getitem__(idx: number): [Tensor, Tensor] {
    return [this.input_ids[idx], this.target_ids[idx]];
  }
}

function create_dataloader_v1(txt: string, { batch_size = 4, max_length = 256, stride = 128, shuffle = true, drop_last = true } = {}) {
  const dataset = new GPTDatasetV1(txt, tokenizer, max_length, stride);
  return new utils.data.DataLoader(dataset, { batch_size, shuffle, drop_last });
}

function first<T>(it: Iterable<T>): T {
  for (const v of it) return v;
  throw new Error("empty");
}

describe("chapter 2: data sampling with a sliding window, embeddings", () => {
  it("create_dataloader_v1 batches (stride = max_length, no shuffle) and a shuffled loader after manual_seed(123)", () => {
    let dl = create_dataloader_v1(TEXT, { batch_size: 8, max_length: 4, stride: 4, shuffle: false });
    const [inputs, targets] = first(dl) as Tensor[];
    expect([inputs.tolist(), targets.tolist(), dl.length]).toEqual(ref.ch2_batch);
    // data_iter = iter(dataloader); first_batch = next(data_iter); second_batch = next(data_iter)
    const data_iter = dl[Symbol.iterator]();
    const first_batch = data_iter.next().value as Tensor[];
    const second_batch = data_iter.next().value as Tensor[];
    expect(first_batch[0].tolist()).toEqual(ref.ch2_batch[0]);
    expect(second_batch[0].shape).toEqual([8, 4]);
    torch.manual_seed(123);
    dl = create_dataloader_v1(TEXT, { batch_size: 4, max_length: 6, stride: 3, shuffle: true });
    expect((first(dl) as Tensor[]).map((t) => t.tolist())).toEqual(ref.ch2_shuffled_first);
  });

  it("nn.Embedding(6, 3) after manual_seed(123); token + positional embeddings", () => {
    torch.manual_seed(123);
    const embedding_layer = new nn.Embedding(6, 3);
    expectT(embedding_layer.weight, ref.ch2_emb_weight);
    expectT(embedding_layer(torch.tensor([2, 3, 5, 1], { dtype: torch.long })), ref.ch2_emb_lookup);
    torch.manual_seed(123);
    const token_embedding_layer = new nn.Embedding(chars.length, 8);
    const pos_embedding_layer = new nn.Embedding(4, 8);
    const dl = create_dataloader_v1(TEXT, { batch_size: 8, max_length: 4, stride: 4, shuffle: false });
    const [x] = first(dl) as Tensor[];
    const input_embeddings = token_embedding_layer(x).add(pos_embedding_layer(torch.arange(4)));
    expect(input_embeddings.shape).toEqual([8, 4, 8]);
    expect(input_embeddings.sum().item()).toBeCloseTo(ref.ch2_input_embeddings_sum, 3);
    expectT(input_embeddings.index(0), ref.ch2_input_embeddings_0);
  });
});

// ---------------- Chapter 3 ----------------
const inputs = torch.tensor([
  [0.43, 0.15, 0.89], // Your     (x^1)
  [0.55, 0.87, 0.66], // journey  (x^2)
  [0.57, 0.85, 0.64], // starts   (x^3)
  [0.22, 0.58, 0.33], // with     (x^4)
  [0.77, 0.25, 0.1], //  one      (x^5)
  [0.05, 0.8, 0.55], //  step     (x^6)
]);

class SelfAttention_v1 extends nn.Module {
  W_query: nn.Parameter;
  W_key: nn.Parameter;
  W_value: nn.Parameter;
  constructor(d_in: number, d_out: number) {
    super();
    this.W_query = new nn.Parameter(torch.rand(d_in, d_out));
    this.W_key = new nn.Parameter(torch.rand(d_in, d_out));
    this.W_value = new nn.Parameter(torch.rand(d_in, d_out));
  }
  forward(x: Tensor): Tensor {
    const keys = x.matmul(this.W_key);
    const queries = x.matmul(this.W_query);
    const values = x.matmul(this.W_value);
    const attn_scores = queries.matmul(keys.T);
    const attn_weights = torch.softmax(attn_scores.div(keys.shape.at(-1)! ** 0.5), { dim: -1 });
    return attn_weights.matmul(values);
  }
}

class SelfAttention_v2 extends nn.Module {
  W_query: nn.Linear;
  W_key: nn.Linear;
  W_value: nn.Linear;
  constructor(d_in: number, d_out: number, qkv_bias = false) {
    super();
    this.W_query = new nn.Linear(d_in, d_out, { bias: qkv_bias });
    this.W_key = new nn.Linear(d_in, d_out, { bias: qkv_bias });
    this.W_value = new nn.Linear(d_in, d_out, { bias: qkv_bias });
  }
  forward(x: Tensor): Tensor {
    const keys = this.W_key(x);
    const queries = this.W_query(x);
    const values = this.W_value(x);
    const attn_scores = queries.matmul(keys.T);
    const attn_weights = torch.softmax(attn_scores.div(keys.shape.at(-1)! ** 0.5), { dim: -1 });
    return attn_weights.matmul(values);
  }
}

class CausalAttention extends nn.Module {
  d_out: number;
  W_query: nn.Linear;
  W_key: nn.Linear;
  W_value: nn.Linear;
  dropout: nn.Dropout;
  declare mask: Tensor;
  constructor(d_in: number, d_out: number, context_length: number, dropout: number, qkv_bias = false) {
    super();
    this.d_out = d_out;
    this.W_query = new nn.Linear(d_in, d_out, { bias: qkv_bias });
    this.W_key = new nn.Linear(d_in, d_out, { bias: qkv_bias });
    this.W_value = new nn.Linear(d_in, d_out, { bias: qkv_bias });
    this.dropout = new nn.Dropout(dropout);
    this.register_buffer("mask", torch.triu(torch.ones(context_length, context_length), { diagonal: 1 }));
  }
  forward(x: Tensor): Tensor {
    const [, num_tokens] = x.shape;
    const keys = this.W_key(x);
    const queries = this.W_query(x);
    const values = this.W_value(x);
    const attn_scores = queries.matmul(keys.transpose(1, 2));
    attn_scores.masked_fill_(this.mask.bool().index(`:${num_tokens}`, `:${num_tokens}`), -torch.inf);
    let attn_weights = torch.softmax(attn_scores.div(keys.shape.at(-1)! ** 0.5), { dim: -1 });
    attn_weights = this.dropout(attn_weights);
    return attn_weights.matmul(values);
  }
}

class MultiHeadAttentionWrapper extends nn.Module {
  heads: nn.ModuleList;
  constructor(d_in: number, d_out: number, context_length: number, dropout: number, num_heads: number, qkv_bias = false) {
    super();
    this.heads = new nn.ModuleList(Array.from({ length: num_heads }, () => new CausalAttention(d_in, d_out, context_length, dropout, qkv_bias)));
  }
  forward(x: Tensor): Tensor {
    return torch.cat([...this.heads].map((head) => head(x) as Tensor), { dim: -1 });
  }
}

class MultiHeadAttention extends nn.Module {
  d_out: number;
  num_heads: number;
  head_dim: number;
  W_query: nn.Linear;
  W_key: nn.Linear;
  W_value: nn.Linear;
  out_proj: nn.Linear;
  dropout: nn.Dropout;
  declare mask: Tensor;
  constructor(d_in: number, d_out: number, context_length: number, dropout: number, num_heads: number, qkv_bias = false) {
    super();
    if (d_out % num_heads !== 0) throw new Error("d_out must be divisible by num_heads");
    this.d_out = d_out;
    this.num_heads = num_heads;
    this.head_dim = Math.floor(d_out / num_heads);
    this.W_query = new nn.Linear(d_in, d_out, { bias: qkv_bias });
    this.W_key = new nn.Linear(d_in, d_out, { bias: qkv_bias });
    this.W_value = new nn.Linear(d_in, d_out, { bias: qkv_bias });
    this.out_proj = new nn.Linear(d_out, d_out);
    this.dropout = new nn.Dropout(dropout);
    this.register_buffer("mask", torch.triu(torch.ones(context_length, context_length), { diagonal: 1 }));
  }
  forward(x: Tensor): Tensor {
    const [b, num_tokens] = x.shape;
    let keys = this.W_key(x);
    let queries = this.W_query(x);
    let values = this.W_value(x);
    keys = keys.view(b, num_tokens, this.num_heads, this.head_dim);
    values = values.view(b, num_tokens, this.num_heads, this.head_dim);
    queries = queries.view(b, num_tokens, this.num_heads, this.head_dim);
    keys = keys.transpose(1, 2);
    queries = queries.transpose(1, 2);
    values = values.transpose(1, 2);
    const attn_scores = queries.matmul(keys.transpose(2, 3));
    const mask_bool = this.mask.bool().index(`:${num_tokens}`, `:${num_tokens}`);
    attn_scores.masked_fill_(mask_bool, -torch.inf);
    let attn_weights = torch.softmax(attn_scores.div(keys.shape.at(-1)! ** 0.5), { dim: -1 });
    attn_weights = this.dropout(attn_weights);
    let context_vec = attn_weights.matmul(values).transpose(1, 2);
    context_vec = context_vec.contiguous().view(b, num_tokens, this.d_out);
    return this.out_proj(context_vec);
  }
}

describe("chapter 3: attention mechanisms", () => {
  it("simplified self-attention: inputs @ inputs.T, softmax, context vectors", () => {
    const attn_scores = inputs.matmul(inputs.T);
    const attn_weights = torch.softmax(attn_scores, { dim: -1 });
    expectT(attn_weights, ref.ch3_simple_weights);
    expectT(attn_weights.matmul(inputs), ref.ch3_simple_context);
    expect(attn_weights.sum({ dim: -1 }).tolist()).toEqual(Array(6).fill(expect.closeTo(1, 6)));
  });

  it("the loop forms: enumerate(inputs) rows, torch.dot into torch.empty(6, 6), softmax_naive, Parameter(requires_grad=False)", () => {
    const attn_scores = torch.empty(6, 6);
    [...inputs].forEach((x_i, i) => [...inputs].forEach((x_j, j) => attn_scores.index_put_([i, j], torch.dot(x_i, x_j))));
    expect(torch.allclose(attn_scores, inputs.matmul(inputs.T))).toBe(true);
    const softmax_naive = (x: Tensor) => torch.exp(x).div(torch.exp(x).sum({ dim: 0 }));
    const query = inputs.index(1);
    const attn_scores_2 = torch.empty(inputs.shape[0]);
    [...inputs].forEach((x_i, i) => attn_scores_2.index_put_([i], torch.dot(x_i, query)));
    const attn_weights_2 = softmax_naive(attn_scores_2);
    expectT(attn_weights_2, { shape: [6], data: (ref.ch3_simple_weights.data as number[]).slice(6, 12) }, 1e-6);
    let context_vec_2 = torch.zeros(query.shape);
    [...inputs].forEach((x_i, i) => (context_vec_2 = context_vec_2.add(attn_weights_2.index(i).mul(x_i))));
    expectT(context_vec_2, { shape: [3], data: (ref.ch3_simple_context.data as number[]).slice(3, 6) }, 1e-6);
    torch.manual_seed(123);
    const W_query = new torch.nn.Parameter(torch.rand(3, 2), { requires_grad: false });
    const W_key = new torch.nn.Parameter(torch.rand(3, 2), false);
    expect([W_query.requires_grad, W_key.requires_grad]).toEqual([false, false]);
    torch.manual_seed(123);
    const sa_v1 = new SelfAttention_v1(3, 2);
    expect(torch.equal(sa_v1.W_query, W_query)).toBe(true);
  });

  it("SelfAttention_v1 (manual_seed(123), torch.rand parameters) and SelfAttention_v2 (manual_seed(789), nn.Linear)", () => {
    torch.manual_seed(123);
    const sa_v1 = new SelfAttention_v1(3, 2);
    expectT(sa_v1(inputs), ref.ch3_sa_v1);
    torch.manual_seed(789);
    const sa_v2 = new SelfAttention_v2(3, 2);
    expectT(sa_v2(inputs), ref.ch3_sa_v2);
    // the causal masks: tril + renormalise, and triu + masked_fill(-inf) before softmax
    const queries = sa_v2.W_query(inputs);
    const keys = sa_v2.W_key(inputs);
    const attn_scores = queries.matmul(keys.T);
    const context_length = attn_scores.shape[0];
    const attn_weights = torch.softmax(attn_scores.div(keys.shape.at(-1)! ** 0.5), { dim: -1 });
    const mask_simple = torch.tril(torch.ones(context_length, context_length));
    const masked_simple = attn_weights.mul(mask_simple);
    expectT(masked_simple.div(masked_simple.sum({ dim: -1, keepdim: true })), ref.ch3_masked_simple_norm);
    const mask = torch.triu(torch.ones(context_length, context_length), { diagonal: 1 });
    const masked = attn_scores.masked_fill(mask.bool(), -torch.inf);
    expectT(torch.softmax(masked.div(keys.shape.at(-1)! ** 0.5), { dim: 1 }), ref.ch3_causal_weights);
  });

  it("torch.manual_seed(123); nn.Dropout(0.5)(torch.ones(6, 6)) keeps torch's positions, scaled by 2", () => {
    torch.manual_seed(123);
    const dropout = new torch.nn.Dropout(0.5);
    expectT(dropout(torch.ones(6, 6)), ref.ch3_dropout_ones, 0);
  });

  it("CausalAttention, MultiHeadAttentionWrapper, MultiHeadAttention on a batch of two; gradient of W_query", () => {
    const batch = torch.stack([inputs, inputs], { dim: 0 });
    expect(batch.shape).toEqual([2, 6, 3]);
    torch.manual_seed(123);
    const ca = new CausalAttention(3, 2, batch.shape[1], 0.0);
    expectT(ca(batch), ref.ch3_causal);
    expect(Object.keys(ca.state_dict())).toContain("mask");
    torch.manual_seed(123);
    const mha_w = new MultiHeadAttentionWrapper(3, 2, batch.shape[1], 0.0, 2);
    expectT(mha_w(batch), ref.ch3_mha_wrapper);
    torch.manual_seed(123);
    const mha = new MultiHeadAttention(3, 2, batch.shape[1], 0.0, 2);
    const out = mha(batch);
    expectT(out, ref.ch3_mha);
    out.sum().backward();
    expectT(mha.W_query.weight.grad!, ref.ch3_mha_grad_wq);
    const a = torch.tensor([[
      [[0.2745, 0.6584, 0.2775, 0.8573], [0.8993, 0.039, 0.9268, 0.7388], [0.7179, 0.7058, 0.9156, 0.434]],
      [[0.0772, 0.3565, 0.1479, 0.5331], [0.4066, 0.2318, 0.4545, 0.9737], [0.4606, 0.5159, 0.422, 0.5786]],
    ]]);
    expectT(a.matmul(a.transpose(2, 3)), ref.ch3_bmm);
  });
});

// ---------------- Chapter 4 ----------------
type Cfg = { vocab_size: number; context_length: number; emb_dim: number; n_heads: number; n_layers: number; drop_rate: number; qkv_bias: boolean };

class LayerNorm extends nn.Module {
  eps = 1e-5;
  scale: nn.Parameter;
  shift: nn.Parameter;
  constructor(emb_dim: number) {
    super();
    this.scale = new nn.Parameter(torch.ones(emb_dim));
    this.shift = new nn.Parameter(torch.zeros(emb_dim));
  }
  forward(x: Tensor): Tensor {
    const mean = x.mean({ dim: -1, keepdim: true });
    const vr = x.var({ dim: -1, keepdim: true, unbiased: false });
    const norm_x = x.sub(mean).div(torch.sqrt(vr.add(this.eps)));
    return this.scale.mul(norm_x).add(this.shift);
  }
}

class GELU extends nn.Module {
  forward(x: Tensor): Tensor {
    return x.mul(0.5).mul(torch.tanh(torch.sqrt(torch.tensor(2.0 / torch.pi)).mul(x.add(torch.pow(x, 3).mul(0.044715)))).add(1));
  }
}

class FeedForward extends nn.Module {
  layers: nn.Sequential;
  constructor(cfg: Cfg) {
    super();
    this.layers = new nn.Sequential(new nn.Linear(cfg.emb_dim, 4 * cfg.emb_dim), new GELU(), new nn.Linear(4 * cfg.emb_dim, cfg.emb_dim));
  }
  forward(x: Tensor): Tensor {
    return this.layers(x);
  }
}

class TransformerBlock extends nn.Module {
  att: MultiHeadAttention;
  ff: FeedForward;
  norm1: LayerNorm;
  norm2: LayerNorm;
  drop_shortcut: nn.Dropout;
  constructor(cfg: Cfg) {
    super();
    this.att = new MultiHeadAttention(cfg.emb_dim, cfg.emb_dim, cfg.context_length, cfg.drop_rate, cfg.n_heads, cfg.qkv_bias);
    this.ff = new FeedForward(cfg);
    this.norm1 = new LayerNorm(cfg.emb_dim);
    this.norm2 = new LayerNorm(cfg.emb_dim);
    this.drop_shortcut = new nn.Dropout(cfg.drop_rate);
  }
  forward(x: Tensor): Tensor {
    let shortcut = x;
    x = this.norm1(x);
    x = this.att(x);
    x = this.drop_shortcut(x);
    x = x.add(shortcut);
    shortcut = x;
    x = this.norm2(x);
    x = this.ff(x);
    x = this.drop_shortcut(x);
    return x.add(shortcut);
  }
}

class GPTModel extends nn.Module {
  tok_emb: nn.Embedding;
  pos_emb: nn.Embedding;
  drop_emb: nn.Dropout;
  trf_blocks: nn.Sequential;
  final_norm: LayerNorm;
  out_head: nn.Linear;
  constructor(cfg: Cfg) {
    super();
    this.tok_emb = new nn.Embedding(cfg.vocab_size, cfg.emb_dim);
    this.pos_emb = new nn.Embedding(cfg.context_length, cfg.emb_dim);
    this.drop_emb = new nn.Dropout(cfg.drop_rate);
    this.trf_blocks = new nn.Sequential(...Array.from({ length: cfg.n_layers }, () => new TransformerBlock(cfg)));
    this.final_norm = new LayerNorm(cfg.emb_dim);
    this.out_head = new nn.Linear(cfg.emb_dim, cfg.vocab_size, { bias: false });
  }
  forward(in_idx: Tensor): Tensor {
    const [, seq_len] = in_idx.shape;
    const tok_embeds = this.tok_emb(in_idx);
    const pos_embeds = this.pos_emb(torch.arange(seq_len, { device: in_idx.device }));
    let x = tok_embeds.add(pos_embeds);
    x = this.drop_emb(x);
    x = this.trf_blocks(x);
    x = this.final_norm(x);
    return this.out_head(x);
  }
}

function generate_text_simple(model: nn.Module, idx: Tensor, max_new_tokens: number, context_size: number): Tensor {
  for (let i = 0; i < max_new_tokens; i++) {
    const idx_cond = idx.index(null, `-${context_size}:`);
    const logits = torch.no_grad(() => model(idx_cond) as Tensor).index(null, -1, null);
    const idx_next = torch.argmax(logits, { dim: -1, keepdim: true });
    idx = torch.cat([idx, idx_next], { dim: 1 });
  }
  return idx;
}

const CFG: Cfg = { vocab_size: chars.length, context_length: 8, emb_dim: 16, n_heads: 2, n_layers: 2, drop_rate: 0.0, qkv_bias: false };
const numel = (ps: Iterable<nn.Parameter>, trainableOnly = false) => [...ps].filter((p) => !trainableOnly || p.requires_grad).reduce((s, p) => s + p.numel(), 0);

describe("chapter 4: a GPT model from scratch", () => {
  it("Linear + ReLU, the hand-written LayerNorm (mean 0, var 1) and GELU (equal to nn.GELU('tanh'))", () => {
    torch.manual_seed(123);
    const batch_example = torch.randn(2, 5);
    const layer = new nn.Sequential(new nn.Linear(5, 6), new nn.ReLU());
    expectT(layer(batch_example), ref.ch4_relu_layer);
    const ln = new LayerNorm(5);
    const out_ln = ln(batch_example);
    expectT(out_ln, ref.ch4_ln);
    expectT(out_ln.var({ dim: -1, keepdim: true, unbiased: false }), ref.ch4_ln_var);
    // print("Mean:\n", mean) before and after torch.set_printoptions(sci_mode=False). The means are
    // rounding noise (torch: -2.9802e-08 and 0.0; here -2.9802e-08 and -5.9605e-09: another summation
    // order), so their strings are compared up to that noise; the variances' strings exactly.
    const mean = out_ln.mean({ dim: -1, keepdim: true });
    const vr = out_ln.var({ dim: -1, unbiased: false, keepdim: true });
    expect((mean.abs().max().item() as number) < 1e-7).toBe(true);
    expect("Variance:\n" + String(vr)).toBe(ref.ch4_print_default[1]);
    expect("Mean:\n" + String(mean)).toMatch(/^Mean:\ntensor\(\[\[-2\.9802e-08\],\n {8}\[ ?-?\d\.\d{4}e[-+]\d\d\]\], grad_fn=<MeanBackward1>\)$/);
    torch.set_printoptions({ sci_mode: false });
    try {
      expect("Variance:\n" + String(vr)).toBe(ref.ch4_print_sci_off[1]);
      expect("Mean:\n" + String(mean)).toMatch(/^Mean:\ntensor\(\[\[ *-0\.0000\],\n {8}\[ *-?0\.0000\]\], grad_fn=<MeanBackward1>\)$/);
    } finally {
      torch.set_printoptions({ profile: "default" });
    }
    const xs = torch.linspace(-3, 3, 100);
    expectT(new GELU()(xs), ref.ch4_gelu);
    const diff = new GELU()(xs).sub(new nn.GELU({ approximate: "tanh" })(xs)).abs().max().item();
    expect(diff).toBeLessThanOrEqual(ref.ch4_gelu_vs_nn + 1e-6);
  });

  it("ExampleDeepNeuralNetwork: mean |grad| per layer without and with shortcut connections", () => {
    class ExampleDeepNeuralNetwork extends nn.Module {
      use_shortcut: boolean;
      layers: nn.ModuleList;
      constructor(layer_sizes: number[], use_shortcut: boolean) {
        super();
        this.use_shortcut = use_shortcut;
        this.layers = new nn.ModuleList(Array.from({ length: 5 }, (_, i) => new nn.Sequential(new nn.Linear(layer_sizes[i], layer_sizes[i + 1]), new GELU())));
      }
      forward(x: Tensor): Tensor {
        for (const layer of this.layers) {
          const layer_output = layer(x) as Tensor;
          if (this.use_shortcut && x.shape.toString() === layer_output.shape.toString()) x = x.add(layer_output);
          else x = layer_output;
        }
        return x;
      }
    }
    const grad_means = (model: nn.Module, x: Tensor) => {
      const output = model(x) as Tensor;
      const target = torch.tensor([[0.0]]);
      const loss = new nn.MSELoss()(output, target);
      loss.backward();
      return [...model.named_parameters()].filter(([name]) => name.includes("weight")).map(([, p]) => p.grad!.abs().mean().item());
    };
    const layer_sizes = [3, 3, 3, 3, 3, 1];
    const sample_input = torch.tensor([[1.0, 0.0, -1.0]]);
    torch.manual_seed(123);
    expectClose(grad_means(new ExampleDeepNeuralNetwork(layer_sizes, false), sample_input), ref.ch4_grads_no_shortcut, 1e-7);
    torch.manual_seed(123);
    expectClose(grad_means(new ExampleDeepNeuralNetwork(layer_sizes, true), sample_input), ref.ch4_grads_shortcut, 1e-6);
  });

  it("GPTModel(cfg) after manual_seed(123): logits, parameter count, generate_text_simple", () => {
    torch.manual_seed(123);
    const model = new GPTModel(CFG);
    const batch = torch.stack([torch.tensor(tokenizer.encode("Jack Gis"), { dtype: torch.long }), torch.tensor(tokenizer.encode("a villa "), { dtype: torch.long })]);
    const logits = model(batch);
    expect(logits.shape).toEqual(ref.ch4_logits_shape);
    expectT(logits.index(0, ":2"), ref.ch4_logits_0, 2e-5);
    expect(logits.sum().item()).toBeCloseTo(ref.ch4_logits_sum, 3);
    expect(numel(model.parameters())).toBe(ref.ch4_total_params);
    model.eval();
    const idx = torch.tensor(tokenizer.encode("I HAD "), { dtype: torch.long }).unsqueeze(0);
    const out = generate_text_simple(model, idx, 10, CFG.context_length);
    expect(out.tolist()).toEqual(ref.ch4_generated);
    expect(tokenizer.decode((out.squeeze(0).tolist() as number[]))).toBe(tokenizer.decode(ref.ch4_generated[0]));
  });
});

// ---------------- Chapter 5 ----------------
const text_to_token_ids = (text: string) => torch.tensor(tokenizer.encode(text), { dtype: torch.long }).unsqueeze(0);

function calc_loss_batch(input_batch: Tensor, target_batch: Tensor, model: nn.Module, device: string): Tensor {
  [input_batch, target_batch] = [input_batch.to(device), target_batch.to(device)];
  const logits = model(input_batch) as Tensor;
  return torch.nn.functional.cross_entropy(logits.flatten(0, 1), target_batch.flatten());
}

function calc_loss_loader(data_loader: utils.data.DataLoader<[Tensor, Tensor]>, model: nn.Module, device: string, num_batches: number | null = null): number {
  let total_loss = 0;
  if (data_loader.length === 0) return NaN;
  else if (num_batches === null) num_batches = data_loader.length;
  else num_batches = Math.min(num_batches, data_loader.length);
  let i = 0;
  for (const [input_batch, target_batch] of data_loader) {
    if (i < num_batches) total_loss += calc_loss_batch(input_batch, target_batch, model, device).item();
    else break;
    i++;
  }
  return total_loss / num_batches;
}

function evaluate_model(model: nn.Module, train_loader: utils.data.DataLoader<[Tensor, Tensor]>, val_loader: utils.data.DataLoader<[Tensor, Tensor]>, device: string, eval_iter: number): [number, number] {
  model.eval();
  const r = torch.no_grad(() => [calc_loss_loader(train_loader, model, device, eval_iter), calc_loss_loader(val_loader, model, device, eval_iter)] as [number, number]);
  model.train();
  return r;
}

function train_model_simple(model: nn.Module, train_loader: utils.data.DataLoader<[Tensor, Tensor]>, val_loader: utils.data.DataLoader<[Tensor, Tensor]>, optimizer: optim.Optimizer, device: string, num_epochs: number, eval_freq: number, eval_iter: number) {
  const train_losses: number[] = [], val_losses: number[] = [], track_tokens_seen: number[] = [];
  let tokens_seen = 0, global_step = -1;
  for (let epoch = 0; epoch < num_epochs; epoch++) {
    model.train();
    for (const [input_batch, target_batch] of train_loader) {
      optimizer.zero_grad();
      const loss = calc_loss_batch(input_batch, target_batch, model, device);
      loss.backward();
      optimizer.step();
      tokens_seen += input_batch.numel();
      global_step += 1;
      if (global_step % eval_freq === 0) {
        const [train_loss, val_loss] = evaluate_model(model, train_loader, val_loader, device, eval_iter);
        train_losses.push(train_loss);
        val_losses.push(val_loss);
        track_tokens_seen.push(tokens_seen);
      }
    }
  }
  return [train_losses, val_losses, track_tokens_seen];
}

function generate(model: nn.Module, idx: Tensor, max_new_tokens: number, context_size: number, temperature = 0.0, top_k: number | null = null, eos_id: number | null = null): Tensor {
  for (let i = 0; i < max_new_tokens; i++) {
    const idx_cond = idx.index(null, `-${context_size}:`);
    let logits = torch.no_grad(() => model(idx_cond) as Tensor);
    logits = logits.index(null, -1, null);
    if (top_k !== null) {
      const [top_logits] = torch.topk(logits, top_k);
      const min_val = top_logits.index(null, -1);
      logits = torch.where(logits.lt(min_val), torch.tensor(-Infinity).to(logits.device), logits);
    }
    let idx_next: Tensor;
    if (temperature > 0.0) {
      logits = logits.div(temperature);
      logits = logits.sub(logits.max({ dim: -1, keepdim: true }).values);
      const probs = torch.softmax(logits, { dim: -1 });
      idx_next = torch.multinomial(probs, { num_samples: 1 });
    } else {
      idx_next = torch.argmax(logits, { dim: -1, keepdim: true });
    }
    if (eos_id !== null && idx_next.eq(eos_id).item()) break;
    idx = torch.cat([idx, idx_next], { dim: 1 });
  }
  return idx;
}

function trainedModel() {
  const train_ratio = 0.9;
  const split_idx = Math.floor(train_ratio * TEXT.length);
  const [train_data, val_data] = [TEXT.slice(0, split_idx), TEXT.slice(split_idx)];
  torch.manual_seed(123);
  const train_loader = create_dataloader_v1(train_data, { batch_size: 2, max_length: CFG.context_length, stride: CFG.context_length, drop_last: true, shuffle: true });
  const val_loader = create_dataloader_v1(val_data, { batch_size: 2, max_length: CFG.context_length, stride: CFG.context_length, drop_last: false, shuffle: false });
  return { train_loader, val_loader };
}

describe("chapter 5: pretraining on unlabeled data", () => {
  it("calc_loss_loader before training; train_model_simple with AdamW(lr=0.004, weight_decay=0.1): torch's eval losses; greedy text", () => {
    const { train_loader, val_loader } = trainedModel();
    expect([train_loader.length, val_loader.length]).toEqual(ref.ch5_loader_lens);
    torch.manual_seed(123);
    let model = new GPTModel(CFG);
    const initial = torch.no_grad(() => [calc_loss_loader(train_loader, model, "cpu"), calc_loss_loader(val_loader, model, "cpu")]);
    expectClose(initial, ref.ch5_initial_losses, 1e-5);
    torch.manual_seed(123);
    model = new GPTModel(CFG);
    const optimizer = new torch.optim.AdamW(model.parameters(), { lr: 0.004, weight_decay: 0.1 });
    const [tl, vl, ts] = train_model_simple(model, train_loader, val_loader, optimizer, "cpu", 2, 5, 2);
    expectClose(tl, ref.ch5_train.train, 1e-4);
    expectClose(vl, ref.ch5_train.val, 1e-4);
    expect(ts).toEqual(ref.ch5_train.tokens);
    expectT(model.tok_emb.weight.index(":2"), ref.ch5_wte_after, 1e-4);
    model.eval();
    const greedy = generate_text_simple(model, text_to_token_ids("I HAD "), 12, CFG.context_length);
    expect(greedy.tolist()).toEqual(ref.ch5_greedy);
    // generate() with top_k and temperature draws torch's multinomial samples
    torch.manual_seed(123);
    expect(generate(model, text_to_token_ids("I HAD "), 15, CFG.context_length, 1.4, 5).tolist()).toEqual(ref.ch5_generate_topk);
    expect(generate(model, text_to_token_ids("I HAD "), 15, CFG.context_length, 0.0, null, ref.ch5_greedy[0][8]).tolist()).toEqual(ref.ch5_generate_eos);
  });

  it("the loss by hand: probas[text_idx, [0, 1, 2], targets[text_idx]], log, mean, negative = cross_entropy; perplexity", () => {
    torch.manual_seed(123);
    const model = new GPTModel(CFG);
    model.eval();
    const inputs_ = torch.tensor([tokenizer.encode("Jac"), tokenizer.encode("a v")], { dtype: torch.long });
    const targets = torch.tensor([tokenizer.encode("ack"), tokenizer.encode(" vi")], { dtype: torch.long });
    const logits = torch.no_grad(() => model(inputs_) as Tensor);
    const probas = torch.softmax(logits, { dim: -1 });
    const token_ids = torch.argmax(probas, { dim: -1, keepdim: true });
    expect(token_ids.tolist()).toEqual(ref.ch5_by_hand.token_ids);
    let text_idx = 0;
    const target_probas_1 = probas.index(text_idx, [0, 1, 2], targets.index(text_idx));
    text_idx = 1;
    const target_probas_2 = probas.index(text_idx, [0, 1, 2], targets.index(text_idx));
    expectClose(target_probas_1.tolist() as number[], ref.ch5_by_hand.p1, 1e-6);
    expectClose(target_probas_2.tolist() as number[], ref.ch5_by_hand.p2, 1e-6);
    const log_probas = torch.log(torch.cat([target_probas_1, target_probas_2]));
    const avg_log_probas = torch.mean(log_probas);
    const neg_avg_log_probas = avg_log_probas.mul(-1);
    expect(neg_avg_log_probas.item()).toBeCloseTo(ref.ch5_by_hand.neg_avg, 5);
    const logits_flat = logits.flatten(0, 1);
    const targets_flat = targets.flatten();
    const loss = torch.nn.functional.cross_entropy(logits_flat, targets_flat);
    expect(loss.item()).toBeCloseTo(ref.ch5_by_hand.loss, 5);
    expect(torch.exp(loss).item()).toBeCloseTo(ref.ch5_by_hand.perplexity, 4);
  });

  it("the book's drop_rate 0.1: three AdamW steps draw torch's dropout masks (losses equal torch's)", () => {
    const { train_loader } = trainedModel();
    torch.manual_seed(123);
    const model = new GPTModel({ ...CFG, drop_rate: 0.1 });
    const optimizer = new torch.optim.AdamW(model.parameters(), { lr: 0.004, weight_decay: 0.1 });
    model.train();
    const drop_losses: number[] = [];
    let i = 0;
    for (const [input_batch, target_batch] of train_loader) {
      if (i === 3) break;
      optimizer.zero_grad();
      const loss = calc_loss_batch(input_batch, target_batch, model, "cpu");
      loss.backward();
      optimizer.step();
      drop_losses.push(loss.item());
      i++;
    }
    expectClose(drop_losses, ref.ch5_dropout_losses, 1e-5);
  });

  it("saving and loading: torch.save({model_state_dict, optimizer_state_dict}), load_state_dict, training resumes identically", () => {
    const { train_loader } = trainedModel();
    const batches = [...train_loader].slice(0, 4);
    torch.manual_seed(123);
    const model = new GPTModel(CFG);
    const optimizer = new torch.optim.AdamW(model.parameters(), { lr: 0.0004, weight_decay: 0.1 });
    const step = (m: nn.Module, opt: optim.Optimizer, [x, y]: Tensor[]) => {
      opt.zero_grad();
      const loss = calc_loss_batch(x, y, m, "cpu");
      loss.backward();
      opt.step();
      return loss.item();
    };
    step(model, optimizer, batches[0]);
    step(model, optimizer, batches[1]);
    torch.save({ model_state_dict: model.state_dict(), optimizer_state_dict: optimizer.state_dict() }, "model_and_optimizer.pth");
    const checkpoint = torch.load("model_and_optimizer.pth") as unknown as { model_state_dict: Record<string, Tensor>; optimizer_state_dict: ReturnType<optim.Optimizer["state_dict"]> };
    const model2 = new GPTModel(CFG);
    model2.load_state_dict(checkpoint.model_state_dict);
    const optimizer2 = new torch.optim.AdamW(model2.parameters(), { lr: 0.0005, weight_decay: 0.1 });
    optimizer2.load_state_dict(checkpoint.optimizer_state_dict);
    model2.train();
    const a = [step(model, optimizer, batches[2]), step(model, optimizer, batches[3])];
    const b = [step(model2, optimizer2, batches[2]), step(model2, optimizer2, batches[3])];
    expect(b).toEqual(a);
    expect(torch.equal(model2.out_head.weight, model.out_head.weight)).toBe(true);
  });

  it("the toy vocabulary: argmax, multinomial after manual_seed(123), 1000 samples' bincount, temperatures, top-k with torch.where", () => {
    const next_token_logits = torch.tensor([4.51, 0.89, -1.9, 6.75, 1.63, -1.62, -1.89, 6.28, 1.79]);
    const probas = torch.softmax(next_token_logits, { dim: 0 });
    expect(torch.argmax(probas).item()).toBe(ref.ch5_argmax);
    torch.manual_seed(123);
    expect(torch.multinomial(probas, { num_samples: 1 }).item()).toBe(ref.ch5_multinomial_first);
    torch.manual_seed(123);
    const sample = Array.from({ length: 1000 }, () => torch.multinomial(probas, { num_samples: 1 }).item());
    expect(torch.bincount(torch.tensor(sample, { dtype: torch.long }), { minlength: 9 }).tolist()).toEqual(ref.ch5_sampled_counts);
    const softmax_with_temperature = (logits: Tensor, temperature: number) => torch.softmax(logits.div(temperature), { dim: 0 });
    [1, 0.1, 5].forEach((t, i) => expectT(softmax_with_temperature(next_token_logits, t), ref.ch5_temperatures[i], 1e-6));
    const [top_logits, top_pos] = torch.topk(next_token_logits, 3);
    expect([top_logits.tolist(), top_pos.tolist()]).toEqual([ref.ch5_topk[0].map((v: number) => expect.closeTo(v, 5)), ref.ch5_topk[1]]);
    const new_logits = torch.where({ condition: next_token_logits.lt(top_logits.index(-1)), input: torch.tensor(-Infinity), other: next_token_logits });
    expectT(torch.softmax(new_logits, { dim: 0 }), ref.ch5_topk_probas, 1e-6);
  });

  it("load_weights_into_gpt: assign() through torch.nn.Parameter(torch.tensor(...)), split of c_attn; shape check", () => {
    const assign = (left: Tensor, right: Tensor | number[][] | number[]): nn.Parameter => {
      const r = torch.tensor(right as number[]);
      if (left.shape.toString() !== r.shape.toString()) throw new Error(`Shape mismatch. Left: ${left.shape}, Right: ${r.shape}`);
      return new torch.nn.Parameter(torch.tensor(right as number[]));
    };
    const CFG_B = { ...CFG, qkv_bias: true };
    const [E, V, C] = [CFG.emb_dim, CFG.vocab_size, CFG.context_length];
    torch.manual_seed(7);
    const r = (...s: number[]) => torch.randn(s).mul(0.1).tolist();
    const params = {
      wpe: r(C, E), wte: r(V, E),
      blocks: [] as Array<Record<string, Record<string, unknown>>>,
      g: [] as unknown, b: [] as unknown,
    };
    for (let b = 0; b < CFG.n_layers; b++) {
      const w2 = (...s: number[]) => torch.randn(s).mul(0.2).tolist();
      const c_attn = { w: w2(E, 3 * E), b: r(3 * E) };
      const c_proj = { w: w2(E, E), b: r(E) };
      const c_fc = { w: w2(E, 4 * E), b: r(4 * E) };
      const m_proj = { w: w2(4 * E, E), b: r(E) };
      const ln_1 = { g: torch.randn(E).mul(0.1).add(1).tolist(), b: r(E) };
      const ln_2 = { g: torch.randn(E).mul(0.1).add(1).tolist(), b: r(E) };
      params.blocks.push({ attn: { c_attn, c_proj }, mlp: { c_fc, c_proj: m_proj }, ln_1, ln_2 });
    }
    params.g = torch.randn(E).mul(0.1).add(1).tolist();
    params.b = r(E);
    torch.manual_seed(123);
    const gpt = new GPTModel(CFG_B);
    gpt.eval();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const P = params as any;
    const T = (w: unknown) => torch.tensor(w as number[]);
    gpt.pos_emb.weight = assign(gpt.pos_emb.weight, P.wpe);
    gpt.tok_emb.weight = assign(gpt.tok_emb.weight, P.wte);
    for (let b = 0; b < P.blocks.length; b++) {
      const blk = gpt.trf_blocks.get(b) as TransformerBlock;
      const pb = P.blocks[b];
      const [q_w, k_w, v_w] = T(pb.attn.c_attn.w).chunk(3, -1);
      blk.att.W_query.weight = assign(blk.att.W_query.weight, q_w.T);
      blk.att.W_key.weight = assign(blk.att.W_key.weight, k_w.T);
      blk.att.W_value.weight = assign(blk.att.W_value.weight, v_w.T);
      const [q_b, k_b, v_b] = T(pb.attn.c_attn.b).chunk(3, -1);
      blk.att.W_query.bias = assign(blk.att.W_query.bias!, q_b);
      blk.att.W_key.bias = assign(blk.att.W_key.bias!, k_b);
      blk.att.W_value.bias = assign(blk.att.W_value.bias!, v_b);
      blk.att.out_proj.weight = assign(blk.att.out_proj.weight, T(pb.attn.c_proj.w).T);
      blk.att.out_proj.bias = assign(blk.att.out_proj.bias!, pb.attn.c_proj.b);
      (blk.ff.layers.get(0) as nn.Linear).weight = assign((blk.ff.layers.get(0) as nn.Linear).weight, T(pb.mlp.c_fc.w).T);
      (blk.ff.layers.get(0) as nn.Linear).bias = assign((blk.ff.layers.get(0) as nn.Linear).bias!, pb.mlp.c_fc.b);
      (blk.ff.layers.get(2) as nn.Linear).weight = assign((blk.ff.layers.get(2) as nn.Linear).weight, T(pb.mlp.c_proj.w).T);
      (blk.ff.layers.get(2) as nn.Linear).bias = assign((blk.ff.layers.get(2) as nn.Linear).bias!, pb.mlp.c_proj.b);
      blk.norm1.scale = assign(blk.norm1.scale, pb.ln_1.g);
      blk.norm1.shift = assign(blk.norm1.shift, pb.ln_1.b);
      blk.norm2.scale = assign(blk.norm2.scale, pb.ln_2.g);
      blk.norm2.shift = assign(blk.norm2.shift, pb.ln_2.b);
    }
    gpt.final_norm.scale = assign(gpt.final_norm.scale, P.g);
    gpt.final_norm.shift = assign(gpt.final_norm.shift, P.b);
    gpt.out_head.weight = assign(gpt.out_head.weight, P.wte);
    expectT((gpt(text_to_token_ids("I HAD ")) as Tensor).index(0, -1), ref.ch5_loaded_logits, 2e-5);
    // f"{left.shape}" prints torch.Size([8, 16]), as `${left.shape}` here; the right side is a NumPy array's tuple in Python
    expect(ref.ch5_assign_error).toMatch(/^Shape mismatch\. Left: torch\.Size\(\[8, 16\]\), Right: \(33, 16\)$/);
    expect(() => assign(gpt.pos_emb.weight, P.wte)).toThrow(/^Shape mismatch\. Left: torch\.Size\(\[8, 16\]\), Right: torch\.Size\(\[33, 16\]\)$/);
    // the tied out_head and tok_emb are distinct Parameters, as assign makes them in torch
    expect(gpt.out_head.weight).not.toBe(gpt.tok_emb.weight);
    expect(gpt.out_head.weight.requires_grad).toBe(true);
  });
});

// ---------------- Chapter 6 and appendix E ----------------
const PAD = stoi[" "];
const texts = ["so great", "a cheap", "glory", "a great", "rich", "great", "Riviera", "great ok"];
const labels = texts.map((t) => (t.includes("great") ? 1 : 0));
const enc = texts.map((t) => tokenizer.encode(t));
const max_length = Math.max(...enc.map((e) => e.length));
const X = torch.tensor(enc.map((e) => [...e, ...Array(max_length - e.length).fill(PAD)]), { dtype: torch.long });
const Y = torch.tensor(labels, { dtype: torch.long });

function calc_loss_batch_cls(input_batch: Tensor, target_batch: Tensor, model: nn.Module): Tensor {
  const logits = (model(input_batch) as Tensor).index(null, -1, null);
  return torch.nn.functional.cross_entropy(logits, target_batch);
}
function calc_accuracy(model: nn.Module, x: Tensor, y: Tensor): number {
  model.eval();
  const logits = torch.no_grad(() => (model(x) as Tensor).index(null, -1, null));
  const predicted_labels = torch.argmax(logits, { dim: -1 });
  return predicted_labels.eq(y).sum().item() / predicted_labels.shape[0];
}
function trainCls(model: nn.Module, steps: number): number[] {
  model.train();
  const optimizer = new torch.optim.AdamW(model.parameters(), { lr: 5e-3, weight_decay: 0.1 });
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    const b = torch.slice((step % 2) * 4, (step % 2) * 4 + 4);
    optimizer.zero_grad();
    const loss = calc_loss_batch_cls(X.index(b), Y.index(b), model);
    loss.backward();
    optimizer.step();
    losses.push(loss.item());
  }
  return losses;
}

describe("chapter 6: fine-tuning for classification", () => {
  it("freeze everything, replace out_head, unfreeze the last block and final_norm; train: torch's losses, frozen weights unchanged", () => {
    torch.manual_seed(123);
    const model = new GPTModel(CFG);
    for (const param of model.parameters()) param.requires_grad = false;
    torch.manual_seed(123);
    const num_classes = 2;
    model.out_head = new torch.nn.Linear({ in_features: CFG.emb_dim, out_features: num_classes });
    for (const param of (model.trf_blocks.get(-1) as nn.Module).parameters()) param.requires_grad = true;
    for (const param of model.final_norm.parameters()) param.requires_grad = true;
    expect(numel(model.parameters(), true)).toBe(ref.ch6_trainable);
    expect(String(model)).toBe(ref.ch6_print_model);
    const inputs1 = torch.tensor(tokenizer.encode("a villa"), { dtype: torch.long }).unsqueeze(0);
    const outputs = torch.no_grad(() => model(inputs1));
    expectT(outputs.index(null, -1, null), ref.ch6_outputs_last);
    expect(torch.argmax(torch.softmax(outputs.index(null, -1, null), { dim: -1 })).item()).toBe(ref.ch6_label);
    expect(calc_accuracy(model, X, Y)).toBe(ref.ch6_acc_before);
    const frozen = model.tok_emb.weight.clone();
    const frozenBlock0 = (model.trf_blocks.get(0) as TransformerBlock).att.W_query.weight.clone();
    expectClose(trainCls(model, 6), ref.ch6_losses, 1e-5);
    expect(calc_accuracy(model, X, Y)).toBe(ref.ch6_acc_after);
    expect(torch.equal(model.tok_emb.weight, frozen)).toBe(true);
    expect(torch.equal((model.trf_blocks.get(0) as TransformerBlock).att.W_query.weight, frozenBlock0)).toBe(true);
    expect(model.tok_emb.weight.grad).toBeNull();
  });
});

describe("chapter 7: instruction fine-tuning's custom_collate_fn and ignore_index", () => {
  function custom_collate_fn(batch: number[][], { pad_token_id = 50256, ignore_index = -100, allowed_max_length = null as number | null, device = "cpu" } = {}): [Tensor, Tensor] {
    const batch_max_length = Math.max(...batch.map((item) => item.length + 1));
    const inputs_lst: Tensor[] = [], targets_lst: Tensor[] = [];
    for (const item of batch) {
      const new_item = [...item];
      new_item.push(pad_token_id);
      const padded = [...new_item, ...Array(batch_max_length - new_item.length).fill(pad_token_id)];
      let inputs_ = torch.tensor(padded.slice(0, -1), { dtype: torch.long });
      let targets = torch.tensor(padded.slice(1), { dtype: torch.long });
      const mask = targets.eq(pad_token_id);
      const indices = torch.nonzero(mask).squeeze();
      if (indices.numel() > 1) targets.index_put_([indices.index("1:")], ignore_index); // targets[indices[1:]] = ignore_index
      if (allowed_max_length !== null) {
        inputs_ = inputs_.index(`:${allowed_max_length}`);
        targets = targets.index(`:${allowed_max_length}`);
      }
      inputs_lst.push(inputs_);
      targets_lst.push(targets);
    }
    return [torch.stack(inputs_lst).to(device), torch.stack(targets_lst).to(device)];
  }

  it("padding, -100 targets, truncation; cross_entropy ignores -100; three AdamW steps on a collated batch", () => {
    const [inputs_1, inputs_2, inputs_3] = [[0, 1, 2, 3, 4], [5, 6], [7, 8, 9]];
    expect(custom_collate_fn([inputs_1, inputs_2, inputs_3]).map((t) => t.tolist())).toEqual(ref.ch7_collate);
    expect(custom_collate_fn([inputs_1, inputs_2, inputs_3], { allowed_max_length: 3 }).map((t) => t.tolist())).toEqual(ref.ch7_collate_trunc);
    const logits_2 = torch.tensor([[-1.0, 1.0], [-0.5, 1.5], [-0.5, 1.5]]);
    const targets_2 = torch.tensor([0, 1, 1], { dtype: torch.long });
    const targets_3 = torch.tensor([0, 1, -100], { dtype: torch.long });
    expectClose([
      torch.nn.functional.cross_entropy(logits_2.index(":2"), targets_2.index(":2")).item(),
      torch.nn.functional.cross_entropy(logits_2, targets_2).item(),
      torch.nn.functional.cross_entropy(logits_2, targets_3).item(),
    ], ref.ch7_ce, 1e-6);
    torch.manual_seed(123);
    const model = new GPTModel(CFG);
    const [xb, yb] = custom_collate_fn([tokenizer.encode("Jack"), tokenizer.encode("a rich"), tokenizer.encode("so")], { pad_token_id: PAD });
    const optimizer = new torch.optim.AdamW(model.parameters(), { lr: 5e-4, weight_decay: 0.1 });
    const ls: number[] = [];
    for (let i = 0; i < 3; i++) {
      optimizer.zero_grad();
      const loss = calc_loss_batch(xb, yb, model, "cpu");
      loss.backward();
      optimizer.step();
      ls.push(loss.item());
    }
    expectClose(ls, ref.ch7_losses, 1e-5);
  });
});

class LoRALayer extends torch.nn.Module {
  A: nn.Parameter;
  B: nn.Parameter;
  alpha: number;
  rank: number;
  constructor(in_dim: number, out_dim: number, rank: number, alpha: number) {
    super();
    this.A = new torch.nn.Parameter(torch.empty(in_dim, rank));
    torch.nn.init.kaiming_uniform_(this.A, { a: Math.sqrt(5) });
    this.B = new torch.nn.Parameter(torch.zeros(rank, out_dim));
    this.alpha = alpha;
    this.rank = rank;
  }
  forward(x: Tensor): Tensor {
    return x.matmul(this.A).matmul(this.B).mul(this.alpha / this.rank);
  }
}

class LinearWithLoRA extends torch.nn.Module {
  linear: nn.Linear;
  lora: LoRALayer;
  constructor(linear: nn.Linear, rank: number, alpha: number) {
    super();
    this.linear = linear;
    this.lora = new LoRALayer(linear.in_features, linear.out_features, rank, alpha);
  }
  forward(x: Tensor): Tensor {
    return this.linear(x).add(this.lora(x));
  }
}

function replace_linear_with_lora(model: nn.Module, rank: number, alpha: number): void {
  for (const [name, module] of model.named_children()) {
    if (module instanceof torch.nn.Linear) {
      // setattr(model, name, LinearWithLoRA(module, rank, alpha))
      (model as unknown as Record<string, nn.Module>)[name] = new LinearWithLoRA(module, rank, alpha);
    } else {
      replace_linear_with_lora(module, rank, alpha);
    }
  }
}

describe("appendix E: parameter-efficient fine-tuning with LoRA", () => {
  it("replace_linear_with_lora on a frozen classifier: trainable counts, same output at B = 0, torch's losses and B after 4 steps", () => {
    torch.manual_seed(123);
    const model = new GPTModel(CFG);
    torch.manual_seed(123);
    model.out_head = new torch.nn.Linear({ in_features: CFG.emb_dim, out_features: 2 });
    expect(numel(model.parameters(), true)).toBe(ref.lora_total_before);
    for (const param of model.parameters()) param.requires_grad = false;
    expect(numel(model.parameters(), true)).toBe(ref.lora_total_frozen);
    const before = torch.no_grad(() => model(X).index(null, -1, null));
    torch.manual_seed(123);
    replace_linear_with_lora(model, 4, 8);
    expect(numel(model.parameters(), true)).toBe(ref.lora_trainable);
    const wq = (model.trf_blocks.get(0) as TransformerBlock).att.W_query as unknown as LinearWithLoRA;
    expect(wq).toBeInstanceOf(LinearWithLoRA);
    expectT(wq.lora.A, ref.lora_A0, 1e-6);
    const after = torch.no_grad(() => model(X).index(null, -1, null));
    expect(torch.equal(before, after)).toBe(ref.lora_same_output);
    expectClose(trainCls(model, 4), ref.lora_losses, 1e-5);
    expectT(wq.lora.B, ref.lora_B0, 1e-5);
  });
});

