/**
 * A cold probe of three sources, translated as a learner would, on the parts the nanoGPT / minGPT probes
 * (zero_to_hero, annotated_mingpt) and llms_from_scratch do not already compare:
 *   - karpathy/llama2.c, model.py: RMSNorm (rsqrt of the mean square, x.float() / type_as), precompute_freqs_cis
 *     and apply_rotary_emb with real cos / sin (reshape to (..., -1, 2), unbind, reshape_for_broadcast's view,
 *     stack + flatten(3)), repeat_kv (x[:, :, :, None, :].expand().reshape(), equal to repeat_interleave),
 *     Attention with grouped kv heads and torch 1.13's path (a triu(-inf) mask buffer added to the scores,
 *     softmax(scores.float()).type_as) against the engine's F.scaled_dot_product_attention(is_causal=True),
 *     SwiGLU FeedForward with the multiple_of rounding, Transformer (weight tying, non-persistent freqs buffers,
 *     apply(_init_weights), the per-layer std for w3 / wo, cross_entropy(ignore_index=-1), h[:, [-1], :]),
 *     configure_optimizers' groups and printed lines, estimate_mfu, @torch.inference_mode() generate with
 *     temperature 0 / top_k, LoraLinear / LoraTransformer (freeze, add_lora through state_dict keys, get_submodule
 *     and setattr, the delta merged into the base weight, AdamW on the LoRA weights only); train.py's get_lr (cosine with warmup), param_group["lr"] = lr, gradient
 *     accumulation through a disabled GradScaler, clip_grad_norm_, zero_grad(set_to_none=True) and
 *     estimate_loss; the learner's mistakes (kv heads in the view, view without contiguous, 3-d logits to
 *     cross_entropy, multinomial of logits, tying a plain tensor, RMSNorm of the wrong width).
 *   - hkproj/pytorch-llama: the RoPE through torch.polar / view_as_complex / view_as_real (complex64 tensors,
 *     lib/tensor/complex_tensor.ts; apply_rotary_embeddings' device argument is "cpu"), the KV cache written into preallocated
 *     tensors one token at a time, and inference.py's text_completion bookkeeping (torch.full with pad_id,
 *     the prompt mask, torch.where, eos_reached |= ...) with _sample_top_p (sort, cumsum, a masked write,
 *     div_, multinomial, gather).
 *   - aamini/introtodeeplearning (MIT 6.S191) lab1 PyTorch notebooks: PT_Part1_Intro (tensors and their
 *     printing, torch.add of two Python floats, OurDenseLayer, Sequential, LinearButSometimesIdentity,
 *     gradient of x**2, the 500-step minimisation rebuilding x with torch.tensor([x])) and
 *     PT_Part2_Music_Generation (get_batch, LSTMModel with init_hidden, compute_loss, train_step with Adam,
 *     generate_text carrying the state) and lab2's PT_Part2_Debiasing solution (make_standard_classifier with its
 *     ConvBlock, 3 Adam steps with BCEWithLogitsLoss, the inference-mode accuracy line; vae_loss_function,
 *     sampling, debiasing_loss_function, the FaceDecoder of ConvTranspose2d(output_padding=1), DB_VAE's
 *     encode / reparameterize / decode, get_latent_mu over NHWC chunks, get_training_sample_probabilities with
 *     np.histogram(density=True) / np.digitize written as torch.histogram / torch.bucketize(right=True), two
 *     debiasing steps, predict; the learner's mistakes there). lab2 Part 1 (MNIST) is left to the MNIST probes.
 * Values are torch 1.13's run of the same code at toy sizes (scripts/fixtures/llama_mit_fixtures.py ->
 * tests/fixtures/torch/tutorials/llama_mit.json); dropout is 0, token streams, the ABC text and the 64x64 faces
 * are seeded stand-ins, np.random.choice in get_batch is torch.randint.
 *
 * Python forms written otherwise: x[:, :, :, None, :] -> x.index(":", ":", ":", "None", ":"); h[:, [-1], :]
 * -> h.index(":", [-1], ":"); a[m] = v / a[:b, s:e] = v -> index_put_; `a |= b` -> bitwise_or_; `~m` ->
 * logical_not(); all(t) -> t.all().item(); f"{n:,}" -> toLocaleString("en-US"); f"{t}" of a 0-dim tensor
 * (Python prints the item) -> `${t.item()}`; str(torch.Size) -> sizeRepr; @torch.inference_mode() ->
 * torch.inference_mode(() => ...); `assert` -> a thrown Error; integer lists given to torch.tensor are int64
 * only with { dtype: torch.long } (a JS number list is float32 here, as the other probes note).
 * Known differences kept visible: torch.add(1.5, 2.5) of two Python floats is float64 in torch 1.13 (float32 here:
 * JS numbers do not say 1 from 1.0); assigning a plain tensor to a parameter's attribute is torch's TypeError and
 * silently replaces the parameter here (modules have no __setattr__ hook); view's and matmul's errors carry the
 * engine's appended context after torch's message. Gaps fixed from this probe: the copy-construct UserWarning of
 * torch.tensor(t), torch.as_tensor(t) sharing t, torch.multinomial's messages (core/llama_mit_gaps.test.ts).
 */
import { describe, expect, it, vi } from "vitest";
import { F, nn, optim, torch, type ComplexTensor, type Tensor } from "../../../../lib/tensor/index";
import { forgetShownWarnings } from "../../../../lib/tensor/warnings";
import { expectNums, expectT, thrown, tutorialFixture } from "./helpers";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const ref = tutorialFixture<Record<string, any>>("llama_mit.json");
const long = { dtype: torch.long };
const sizeRepr = (s: readonly number[]) => `torch.Size([${s.join(", ")}])`;

// ============================== llama2.c model.py ==============================
class ModelArgs {
  dim = 16;
  n_layers = 2;
  n_heads = 4;
  n_kv_heads: number | null = 2;
  vocab_size = 11;
  hidden_dim: number | null = null;
  multiple_of = 8;
  norm_eps = 1e-5;
  max_seq_len = 8;
  dropout = 0.0;
  constructor(kw: Partial<ModelArgs> = {}) {
    Object.assign(this, kw);
  }
}

class RMSNorm extends nn.Module {
  eps: number;
  weight: nn.Parameter;
  constructor(dim: number, eps: number) {
    super();
    this.eps = eps;
    this.weight = new nn.Parameter(torch.ones(dim));
  }
  _norm(x: Tensor): Tensor {
    return x.mul(torch.rsqrt(x.pow(2).mean(-1, { keepdim: true }).add(this.eps)));
  }
  forward(x: Tensor): Tensor {
    const output = this._norm(x.float()).type_as(x);
    return output.mul(this.weight);
  }
}

function precompute_freqs_cis(dim: number, end: number, theta = 10000.0): [Tensor, Tensor] {
  const freqs = torch.pow(theta, torch.arange(0, dim, 2).index(`:${Math.floor(dim / 2)}`).float().div(dim)).reciprocal();
  const t = torch.arange(end, { device: freqs.device });
  const outer = torch.outer(t, freqs).float();
  return [torch.cos(outer), torch.sin(outer)]; // real part, imaginary part
}

function reshape_for_broadcast(freqs_cis: Tensor, x: Tensor): Tensor {
  const ndim = x.ndim;
  if (freqs_cis.shape[0] !== x.shape[1] || freqs_cis.shape[1] !== x.shape[ndim - 1]) throw new Error("AssertionError");
  const shape = x.shape.map((d, i) => (i === 1 || i === ndim - 1 ? d : 1));
  return freqs_cis.view(shape);
}

function apply_rotary_emb(xq: Tensor, xk: Tensor, freqs_cos: Tensor, freqs_sin: Tensor): [Tensor, Tensor] {
  const [xq_r, xq_i] = xq.float().reshape([...xq.shape.slice(0, -1), -1, 2]).unbind(-1);
  const [xk_r, xk_i] = xk.float().reshape([...xk.shape.slice(0, -1), -1, 2]).unbind(-1);
  freqs_cos = reshape_for_broadcast(freqs_cos, xq_r);
  freqs_sin = reshape_for_broadcast(freqs_sin, xq_r);
  const xq_out_r = xq_r.mul(freqs_cos).sub(xq_i.mul(freqs_sin));
  const xq_out_i = xq_r.mul(freqs_sin).add(xq_i.mul(freqs_cos));
  const xk_out_r = xk_r.mul(freqs_cos).sub(xk_i.mul(freqs_sin));
  const xk_out_i = xk_r.mul(freqs_sin).add(xk_i.mul(freqs_cos));
  const xq_out = torch.stack([xq_out_r, xq_out_i], { dim: -1 }).flatten(3);
  const xk_out = torch.stack([xk_out_r, xk_out_i], { dim: -1 }).flatten(3);
  return [xq_out.type_as(xq), xk_out.type_as(xk)];
}

function repeat_kv(x: Tensor, n_rep: number): Tensor {
  const [bs, slen, n_kv_heads, head_dim] = x.shape;
  if (n_rep === 1) return x;
  return x.index(":", ":", ":", "None", ":").expand(bs, slen, n_kv_heads, n_rep, head_dim).reshape(bs, slen, n_kv_heads * n_rep, head_dim);
}

let flashAvailable = true; // torch 1.13 has no F.scaled_dot_product_attention: the fixture took the manual path

class Attention extends nn.Module {
  n_kv_heads: number;
  n_local_heads: number;
  n_local_kv_heads: number;
  n_rep: number;
  head_dim: number;
  wq: nn.Linear;
  wk: nn.Linear;
  wv: nn.Linear;
  wo: nn.Linear;
  attn_dropout: nn.Dropout;
  resid_dropout: nn.Dropout;
  dropout: number;
  flash: boolean;
  declare mask: Tensor;
  constructor(args: ModelArgs) {
    super();
    this.n_kv_heads = args.n_kv_heads === null ? args.n_heads : args.n_kv_heads;
    this.n_local_heads = args.n_heads;
    this.n_local_kv_heads = this.n_kv_heads;
    this.n_rep = this.n_local_heads / this.n_local_kv_heads;
    this.head_dim = args.dim / args.n_heads;
    this.wq = new nn.Linear(args.dim, args.n_heads * this.head_dim, { bias: false });
    this.wk = new nn.Linear(args.dim, this.n_kv_heads * this.head_dim, { bias: false });
    this.wv = new nn.Linear(args.dim, this.n_kv_heads * this.head_dim, { bias: false });
    this.wo = new nn.Linear(args.n_heads * this.head_dim, args.dim, { bias: false });
    this.attn_dropout = new nn.Dropout(args.dropout);
    this.resid_dropout = new nn.Dropout(args.dropout);
    this.dropout = args.dropout;
    this.flash = flashAvailable && "scaled_dot_product_attention" in torch.nn.functional;
    if (!this.flash) {
      let mask = torch.full([1, 1, args.max_seq_len, args.max_seq_len], -Infinity);
      mask = torch.triu(mask, { diagonal: 1 });
      this.register_buffer("mask", mask);
    }
  }
  forward(x: Tensor, freqs_cos: Tensor, freqs_sin: Tensor): Tensor {
    const [bsz, seqlen] = x.shape;
    let [xq, xk, xv] = [this.wq(x), this.wk(x), this.wv(x)];
    xq = xq.view(bsz, seqlen, this.n_local_heads, this.head_dim);
    xk = xk.view(bsz, seqlen, this.n_local_kv_heads, this.head_dim);
    xv = xv.view(bsz, seqlen, this.n_local_kv_heads, this.head_dim);
    [xq, xk] = apply_rotary_emb(xq, xk, freqs_cos, freqs_sin);
    xk = repeat_kv(xk, this.n_rep);
    xv = repeat_kv(xv, this.n_rep);
    xq = xq.transpose(1, 2);
    xk = xk.transpose(1, 2);
    xv = xv.transpose(1, 2);
    let output: Tensor;
    if (this.flash) {
      output = F.scaled_dot_product_attention(xq, xk, xv, { attn_mask: null, dropout_p: this.training ? this.dropout : 0.0, is_causal: true });
    } else {
      let scores = torch.matmul(xq, xk.transpose(2, 3)).div(Math.sqrt(this.head_dim));
      scores = scores.add(this.mask.index(":", ":", `:${seqlen}`, `:${seqlen}`));
      scores = F.softmax(scores.float(), { dim: -1 }).type_as(xq);
      scores = this.attn_dropout(scores);
      output = torch.matmul(scores, xv);
    }
    output = output.transpose(1, 2).contiguous().view(bsz, seqlen, -1);
    return this.resid_dropout(this.wo(output));
  }
}

class FeedForward extends nn.Module {
  w1: nn.Linear;
  w2: nn.Linear;
  w3: nn.Linear;
  dropout: nn.Dropout;
  constructor(args: ModelArgs) {
    super();
    if (args.hidden_dim === null) {
      args.hidden_dim = 4 * args.dim;
      args.hidden_dim = Math.trunc((2 * args.hidden_dim) / 3);
      args.hidden_dim = args.multiple_of * Math.floor((args.hidden_dim + args.multiple_of - 1) / args.multiple_of);
    }
    this.w1 = new nn.Linear(args.dim, args.hidden_dim, { bias: false });
    this.w2 = new nn.Linear(args.hidden_dim, args.dim, { bias: false });
    this.w3 = new nn.Linear(args.dim, args.hidden_dim, { bias: false });
    this.dropout = new nn.Dropout(args.dropout);
  }
  forward(x: Tensor): Tensor {
    return this.dropout(this.w2(F.silu(this.w1(x)).mul(this.w3(x))));
  }
}

class TransformerBlock extends nn.Module {
  n_heads: number;
  dim: number;
  head_dim: number;
  attention: Attention;
  feed_forward: FeedForward;
  layer_id: number;
  attention_norm: RMSNorm;
  ffn_norm: RMSNorm;
  constructor(layer_id: number, args: ModelArgs) {
    super();
    this.n_heads = args.n_heads;
    this.dim = args.dim;
    this.head_dim = args.dim / args.n_heads;
    this.attention = new Attention(args);
    this.feed_forward = new FeedForward(args);
    this.layer_id = layer_id;
    this.attention_norm = new RMSNorm(args.dim, args.norm_eps);
    this.ffn_norm = new RMSNorm(args.dim, args.norm_eps);
  }
  forward(x: Tensor, freqs_cos: Tensor, freqs_sin: Tensor): Tensor {
    const h = x.add(this.attention.forward(this.attention_norm(x), freqs_cos, freqs_sin));
    return h.add(this.feed_forward.forward(this.ffn_norm(h)));
  }
}

class Transformer extends nn.Module {
  params: ModelArgs;
  vocab_size: number;
  n_layers: number;
  tok_embeddings: nn.Embedding;
  dropout: nn.Dropout;
  layers: nn.ModuleList;
  norm: RMSNorm;
  output: nn.Linear;
  last_loss: Tensor | null;
  declare freqs_cos: Tensor;
  declare freqs_sin: Tensor;
  constructor(params: ModelArgs) {
    super();
    this.params = params;
    this.vocab_size = params.vocab_size;
    this.n_layers = params.n_layers;
    this.tok_embeddings = new nn.Embedding(params.vocab_size, params.dim);
    this.dropout = new nn.Dropout(params.dropout);
    this.layers = new torch.nn.ModuleList();
    for (let layer_id = 0; layer_id < params.n_layers; layer_id++) this.layers.append(new TransformerBlock(layer_id, params));
    this.norm = new RMSNorm(params.dim, params.norm_eps);
    this.output = new nn.Linear(params.dim, params.vocab_size, { bias: false });
    this.tok_embeddings.weight = this.output.weight; // weight tying
    const [freqs_cos, freqs_sin] = precompute_freqs_cis(params.dim / params.n_heads, params.max_seq_len);
    this.register_buffer("freqs_cos", freqs_cos, { persistent: false });
    this.register_buffer("freqs_sin", freqs_sin, { persistent: false });
    this.apply((m) => this._init_weights(m));
    for (const [pn, p] of this.named_parameters()) {
      if (pn.endsWith("w3.weight") || pn.endsWith("wo.weight")) torch.nn.init.normal_(p, { mean: 0.0, std: 0.02 / Math.sqrt(2 * params.n_layers) });
    }
    this.last_loss = null;
  }
  _init_weights(module: nn.Module): void {
    if (module instanceof nn.Linear) {
      torch.nn.init.normal_(module.weight, { mean: 0.0, std: 0.02 });
      if (module.bias !== null) torch.nn.init.zeros_(module.bias);
    } else if (module instanceof nn.Embedding) {
      torch.nn.init.normal_(module.weight, { mean: 0.0, std: 0.02 });
    }
  }
  forward(tokens: Tensor, targets: Tensor | null = null): Tensor {
    const seqlen = tokens.shape[1];
    let h = this.tok_embeddings(tokens);
    h = this.dropout(h);
    const freqs_cos = this.freqs_cos.index(`:${seqlen}`);
    const freqs_sin = this.freqs_sin.index(`:${seqlen}`);
    for (const layer of this.layers) h = (layer as TransformerBlock)(h, freqs_cos, freqs_sin);
    h = this.norm(h);
    let logits: Tensor;
    if (targets !== null) {
      logits = this.output(h);
      this.last_loss = F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1), { ignore_index: -1 });
    } else {
      logits = this.output(h.index(":", [-1], ":")); // the list [-1] keeps the time dim
      this.last_loss = null;
    }
    return logits;
  }
  configure_optimizers(weight_decay: number, learning_rate: number, betas: [number, number]): [optim.AdamW, string[]] {
    let param_dict = Object.fromEntries(this.named_parameters());
    param_dict = Object.fromEntries(Object.entries(param_dict).filter(([, p]) => p.requires_grad));
    const decay_params = Object.values(param_dict).filter((p) => p.dim() >= 2);
    const nodecay_params = Object.values(param_dict).filter((p) => p.dim() < 2);
    const optim_groups = [
      { params: decay_params, weight_decay },
      { params: nodecay_params, weight_decay: 0.0 },
    ];
    const num_decay_params = decay_params.reduce((s, p) => s + p.numel(), 0);
    const num_nodecay_params = nodecay_params.reduce((s, p) => s + p.numel(), 0);
    const lines = [
      `num decayed parameter tensors: ${decay_params.length}, with ${num_decay_params.toLocaleString("en-US")} parameters`,
      `num non-decayed parameter tensors: ${nodecay_params.length}, with ${num_nodecay_params.toLocaleString("en-US")} parameters`,
    ];
    return [new torch.optim.AdamW(optim_groups, { lr: learning_rate, betas }), lines];
  }
  estimate_mfu(fwdbwd_per_iter: number, dt: number): number {
    const N = [...this.parameters()].reduce((s, p) => s + p.numel(), 0);
    const cfg = this.params;
    const [L, H, Q, T] = [cfg.n_layers, cfg.n_heads, Math.floor(cfg.dim / cfg.n_heads), cfg.max_seq_len];
    const flops_per_token = 6 * N + 12 * L * H * Q * T;
    const flops_per_iter = flops_per_token * T * fwdbwd_per_iter;
    return (flops_per_iter * (1.0 / dt)) / 312e12;
  }
  generate(idx: Tensor, max_new_tokens: number, temperature = 1.0, top_k: number | null = null): Tensor {
    return torch.inference_mode(() => {
      for (let i = 0; i < max_new_tokens; i++) {
        const idx_cond = idx.size(1) <= this.params.max_seq_len ? idx : idx.index(":", `-${this.params.max_seq_len}:`);
        let logits = this.forward(idx_cond); // self(idx_cond)
        logits = logits.index(":", -1, ":");
        let idx_next: Tensor;
        if (temperature === 0.0) {
          [, idx_next] = torch.topk(logits, { k: 1, dim: -1 });
        } else {
          logits = logits.div(temperature);
          if (top_k !== null) {
            const [v] = torch.topk(logits, Math.min(top_k, logits.size(-1)));
            logits.index_put_([logits.lt(v.index(":", [-1]))], -Infinity);
          }
          const probs = F.softmax(logits, { dim: -1 });
          idx_next = torch.multinomial(probs, { num_samples: 1 });
        }
        idx = torch.cat([idx, idx_next], { dim: 1 });
      }
      return idx;
    });
  }
}

function withoutFlash<R>(fn: () => R): R {
  flashAvailable = false;
  try {
    return fn();
  } finally {
    flashAvailable = true;
  }
}

/** The fixture's token stream: torch.manual_seed(1); torch.randint(0, 11, (40,)). */
function tokenStream(): { data: Tensor; tokens: Tensor; targets: Tensor } {
  torch.manual_seed(1);
  const data = torch.randint(0, 11, [40]);
  return { data, tokens: data.index(":10").view(2, 5), targets: data.index("1:11").view(2, 5) };
}

describe("llama2.c model.py", () => {
  const r = ref.llama;

  it("precompute_freqs_cis, RMSNorm, apply_rotary_emb with real cos / sin, repeat_kv (= repeat_interleave(dim=2))", () => {
    const args = new ModelArgs();
    const [fc, fs] = precompute_freqs_cis(args.dim / args.n_heads, args.max_seq_len);
    expectT(fc, r.freqs_cos, 1e-6);
    expectT(fs, r.freqs_sin, 1e-6);
    torch.manual_seed(0);
    const x = torch.randn(2, 5, 16);
    const norm = new RMSNorm(16, 1e-5);
    expectT(norm(x), r.rmsnorm, 1e-5);
    const xq = torch.randn(2, 5, 4, 4);
    const xk = torch.randn(2, 5, 2, 4);
    const [q_out, k_out] = apply_rotary_emb(xq, xk, fc.index(":5"), fs.index(":5"));
    expectT(q_out, r.rope_q, 1e-5);
    expectT(k_out, r.rope_k, 1e-5);
    expectT(repeat_kv(xk, 2), r.repeat_kv, 0);
    expect(torch.equal(repeat_kv(xk, 2), torch.repeat_interleave(xk, { dim: 2, repeats: 2 }))).toBe(r.repeat_kv_is_interleave);
  });

  it("Transformer: hidden_dim rounding, tied weights, parameter / state_dict / buffer names, init stds, estimate_mfu, repr", () => {
    torch.manual_seed(0);
    const model = withoutFlash(() => new Transformer(new ModelArgs()));
    expect(model.params.hidden_dim).toBe(r.hidden_dim);
    expect(model.tok_embeddings.weight === model.output.weight).toBe(r.tied);
    expect([...model.named_parameters()].map(([n, p]) => [n, [...p.shape]])).toEqual(r.named_parameters);
    expect(Object.keys(model.state_dict())).toEqual(r.state_dict_keys);
    expect([...model.parameters()].reduce((s, p) => s + p.numel(), 0)).toBe(r.n_params);
    expect([...model.named_buffers()].map(([n]) => n)).toEqual(r.buffers);
    const layer0 = model.layers.get(0) as TransformerBlock;
    expect(layer0.feed_forward.w3.weight.std().item()).toBeCloseTo(r.w3_std, 6);
    expect(layer0.feed_forward.w1.weight.std().item()).toBeCloseTo(r.w1_std, 6);
    expectT(model.tok_embeddings.weight.index(0), r.emb_row0, 1e-6);
    expectT((model.layers.get(1) as TransformerBlock).attention.wo.weight.index(":2"), r.wo1, 1e-6);
    expect(model.estimate_mfu(4, 0.5)).toBeCloseTo(r.mfu, 20);
    expect(String(layer0)).toBe(r.repr);
  });

  it("forward with targets (ignore_index=-1) and without (the last position only), the manual path and the flash path alike", () => {
    for (const manual of [true, false]) {
      torch.manual_seed(0);
      const model = manual ? withoutFlash(() => new Transformer(new ModelArgs())) : new Transformer(new ModelArgs());
      expect((model.layers.get(0) as TransformerBlock).attention.flash).toBe(!manual);
      const { tokens, targets } = tokenStream();
      expectT(model(tokens, targets), r.logits_train, 1e-5);
      expect(model.last_loss!.item()).toBeCloseTo(r.last_loss, 5);
      expectT(model(tokens), r.logits_infer, 1e-5);
      const targets_ign = targets.clone();
      targets_ign.index_put_([0, ":2"], -1);
      model(tokens, targets_ign);
      expect(model.last_loss!.item()).toBeCloseTo(r.loss_ignore, 5);
    }
  });
});

describe("llama2.c train.py", () => {
  const r = ref.train;
  const [learning_rate, min_lr, warmup_iters, lr_decay_iters] = [1e-2, 1e-3, 2, 5];
  const [gradient_accumulation_steps, grad_clip, batch_size, max_iters, eval_iters] = [2, 1.0, 2, 6, 2];

  function get_lr(it: number): number {
    if (it < warmup_iters) return (learning_rate * it) / warmup_iters; // 1) linear warmup
    if (it > lr_decay_iters) return min_lr; // 2) past the decay, min_lr
    const decay_ratio = (it - warmup_iters) / (lr_decay_iters - warmup_iters); // 3) cosine decay
    if (!(decay_ratio >= 0 && decay_ratio <= 1)) throw new Error("AssertionError");
    const coeff = 0.5 * (1.0 + Math.cos(Math.PI * decay_ratio));
    return min_lr + coeff * (learning_rate - min_lr);
  }
  function* iter_batches(data: Tensor, split: string): Generator<[Tensor, Tensor]> {
    const g = new torch.Generator().manual_seed(split === "train" ? 10 : 20);
    for (;;) {
      const ix = torch.randint(0, 40 - 6, [batch_size], { generator: g }).tolist() as number[];
      const x = torch.stack(ix.map((i) => data.index(`${i}:${i + 5}`)));
      const y = torch.stack(ix.map((i) => data.index(`${i + 1}:${i + 6}`)));
      yield [x, y];
    }
  }

  it("configure_optimizers' groups and lines; get_lr; accumulation through a disabled GradScaler, clipping, estimate_loss; generate", () => {
    const { data, tokens } = tokenStream();
    torch.manual_seed(0);
    const model = withoutFlash(() => new Transformer(new ModelArgs()));
    const estimate_loss = () =>
      torch.no_grad(() => {
        const out: Record<string, Tensor> = {};
        model.eval();
        for (const split of ["train", "val"]) {
          const batch_iter = iter_batches(data, split);
          const losses = torch.zeros(eval_iters);
          for (let k = 0; k < eval_iters; k++) {
            const [X, Y] = batch_iter.next().value as [Tensor, Tensor];
            model(X, Y);
            losses.index_put_([k], model.last_loss!.item());
          }
          out[split] = losses.mean();
        }
        model.train();
        return out;
      });
    const [optimizer, lines] = model.configure_optimizers(0.1, learning_rate, [0.9, 0.95]);
    expect(lines).toEqual(r.config_lines);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    expect(optimizer.param_groups.map((g: any) => [g.params.length, g.weight_decay, g.lr, [...g.betas], g.eps, g.amsgrad])).toEqual(r.groups);
    const scaler = new torch.cuda.amp.GradScaler({ enabled: false });
    const train_batch_iter = iter_batches(data, "train");
    let [X, Y] = train_batch_iter.next().value as [Tensor, Tensor];
    let iter_num = 0;
    const lrs: number[] = [], losses: number[] = [], norms: number[] = [], evals: number[][] = [];
    for (;;) {
      const lr = get_lr(iter_num);
      for (const param_group of optimizer.param_groups) param_group.lr = lr;
      lrs.push(lr);
      if (iter_num % 3 === 0) {
        const e = estimate_loss();
        evals.push([e.train.item(), e.val.item()]);
      }
      let loss!: Tensor;
      for (let micro_step = 0; micro_step < gradient_accumulation_steps; micro_step++) {
        model(X, Y);
        loss = model.last_loss!;
        loss = loss.div(gradient_accumulation_steps);
        [X, Y] = train_batch_iter.next().value as [Tensor, Tensor];
        scaler.scale(loss).backward();
      }
      if (grad_clip !== 0.0) {
        scaler.unscale_(optimizer);
        norms.push(torch.nn.utils.clip_grad_norm_(model.parameters(), grad_clip).item());
      }
      scaler.step(optimizer);
      scaler.update();
      optimizer.zero_grad({ set_to_none: true });
      losses.push(loss.item() * gradient_accumulation_steps);
      iter_num += 1;
      if (iter_num > max_iters) break;
    }
    expectNums(lrs, r.lrs, 1e-12);
    expectNums(losses, r.losses, 2e-5);
    expectNums(norms, r.norms, 1e-4);
    expectNums(evals.flat(), r.evals.flat(), 2e-5);
    expect(model.output.weight.grad === null).toBe(r.grad_after);
    expectT(model.tok_embeddings.weight.index(":2"), r.emb_after, 1e-5);
    const state = optimizer.state.get(model.output.weight)!;
    expect(Object.keys(state).sort()).toEqual(r.adam_state_keys);
    expect(Number(state.step instanceof torch.Tensor ? (state.step as Tensor).item() : state.step)).toBe(r.adam_step);

    model.eval();
    torch.manual_seed(3);
    expect(model.generate(tokens.index(":1", ":3"), 7, 0.0).tolist()).toEqual(r.gen_greedy);
    torch.manual_seed(3);
    expect(model.generate(tokens, 6, 0.8, 3).tolist()).toEqual(r.gen_topk);
    torch.manual_seed(3);
    expect(model.generate(tokens, 4, 1.0).tolist()).toEqual(r.gen_full);
    const inf_out = torch.inference_mode(() => model(tokens));
    expect([thrown(() => inf_out.mul_(2)), thrown(() => inf_out.sum().backward())]).toEqual(r.inference_errors);
  });
});

// llama2.c's LoRA fine-tuning: LoraLinear and LoraTransformer's freeze / add_lora
class LoraArgs {
  constructor(public lora_r: number, public lora_alpha: number) {}
}

class LoraLinear extends nn.Module {
  base_layer: nn.Linear;
  lora_A: nn.Linear;
  lora_B: nn.Linear;
  scaling: number;
  weight: unknown;
  initialized?: boolean;
  constructor(base_layer: nn.Linear, args: LoraArgs, init = true) {
    super();
    this.base_layer = base_layer;
    this.lora_A = new nn.Linear(this.base_layer.in_features, args.lora_r, { bias: false });
    this.lora_B = new nn.Linear(args.lora_r, this.base_layer.out_features, { bias: false });
    this.scaling = args.lora_alpha / args.lora_r;
    this.base_layer.requires_grad_(false);
    this.weight = this.merge_weights(); // None: it does not save the fine-tuning separately
    if (init) {
      this._init_weights();
      this.initialized = true;
    }
  }
  _init_weights(): void {
    nn.init.zeros_(this.lora_A.weight);
    nn.init.normal_(this.lora_B.weight);
  }
  get_delta_weights(): Tensor {
    return this.lora_B.weight.matmul(this.lora_A.weight).mul(this.scaling);
  }
  merge_weights(): void {
    const delta_weight = this.get_delta_weights();
    this.base_layer.weight.data = this.base_layer.weight.data.add(delta_weight);
  }
  forward(x: Tensor): Tensor {
    return this.base_layer.forward(x).add(this.lora_B(this.lora_A(x)));
  }
}

class LoraTransformer extends Transformer {
  add_lora(args: Record<string, LoraArgs>): void {
    for (const lk of Object.keys(args)) {
      for (const dk of Object.keys(this.state_dict())) {
        if (dk.startsWith(lk)) {
          const new_module = new LoraLinear(this.get_submodule(lk) as nn.Linear, args[lk]);
          const parts = lk.split(".");
          const [parent, child] = [parts.slice(0, -1).join("."), parts[parts.length - 1]];
          (this.get_submodule(parent) as unknown as Record<string, nn.Module>)[child] = new_module; // setattr
        }
      }
    }
  }
  freeze(): void {
    for (const param of this.parameters()) param.requires_grad = false;
  }
}

describe("llama2.c LoRA: LoraLinear, LoraTransformer.freeze / add_lora", () => {
  it("the merged delta, trainable names, state_dict keys, repr, logits and three AdamW steps on the LoRA weights", () => {
    const r = ref.lora;
    const { tokens, targets } = tokenStream();
    torch.manual_seed(0);
    const lmodel = withoutFlash(() => new LoraTransformer(new ModelArgs()));
    const wq_before = (lmodel.layers.get(0) as TransformerBlock).attention.wq.weight.detach().clone();
    lmodel.freeze();
    torch.manual_seed(6);
    lmodel.add_lora({ "layers.0.attention.wq": new LoraArgs(2, 4.0), "layers.1.feed_forward.w2": new LoraArgs(2, 2.0) });
    const wq = (lmodel.layers.get(0) as TransformerBlock).attention.wq as unknown as LoraLinear;
    expectT(wq.base_layer.weight.sub(wq_before), r.merged_delta, 1e-6);
    expectT(wq.lora_B.weight, r.lora_B, 1e-6);
    expect([...lmodel.named_parameters()].filter(([, p]) => p.requires_grad).map(([n]) => n)).toEqual(r.trainable);
    expect(Object.keys(lmodel.state_dict()).filter((k) => k.includes("lora") || k.includes("base_layer"))).toEqual(r.state_dict_keys);
    expect(wq.weight === undefined || wq.weight === null).toBe(r.weight_attr);
    expect(String(wq)).toBe(r.repr);
    expectT(lmodel(tokens, targets), r.logits, 1e-5);
    const opt = new torch.optim.AdamW([...lmodel.parameters()].filter((p) => p.requires_grad), { lr: 1e-2 });
    const losses: number[] = [];
    for (let i = 0; i < 3; i++) {
      lmodel(tokens, targets);
      lmodel.last_loss!.backward();
      opt.step();
      opt.zero_grad({ set_to_none: true });
      losses.push(lmodel.last_loss!.item());
    }
    expectNums(losses, r.losses, 2e-5);
    expectT(wq.lora_A.weight, r.lora_A_after, 1e-5);
    expect(wq.base_layer.weight.grad === null).toBe(r.base_grad);
  });
});

describe("the learner's mistakes on the llama model", () => {
  it("errors equal torch 1.13's", () => {
    const e = ref.mistakes.errors;
    torch.manual_seed(0);
    const model = withoutFlash(() => new Transformer(new ModelArgs()));
    const att = (model.layers.get(0) as TransformerBlock).attention;
    const xx = torch.randn(2, 5, 16);
    const { tokens, targets } = tokenStream();
    // torch's message, which the engine may follow with the input's shape (core/torch_missing_names_a.test.ts)
    const kv = thrown(() => att.wk(xx).view(2, 5, att.n_local_heads, att.head_dim))!;
    expect([kv[0], kv[1].slice(0, e.kv_heads_view[1].length)]).toEqual(e.kv_heads_view);
    expect(thrown(() => torch.randn(2, 4, 5, 4).transpose(1, 2).view(2, 5, -1))).toEqual(e.view_no_contiguous);
    expect(thrown(() => F.cross_entropy(model(tokens, targets), targets))).toEqual(e.ce_3d);
    expect(thrown(() => torch.multinomial(torch.tensor([[1.0, -2.0, 0.5]]), { num_samples: 1 }))).toEqual(e.multinomial_logits);
    // torch's Module.__setattr__ refuses a plain tensor in a parameter's slot, and the parameter stays (nn/slot_guards.ts)
    model.parameters();
    const tie = thrown(() => { model.tok_embeddings.weight = model.output.weight.data as nn.Parameter; })!;
    expect([tie[0].replace(/_$/, ""), tie[1]]).toEqual(e.tie_plain_tensor);
    expect([...model.named_parameters()].map(([n]) => n)).toContain("tok_embeddings.weight");
    // the broadcast error: torch 1.13 says "The size of tensor a (5) must match the size of tensor b (16) at
    // non-singleton dimension 1"; the engine's wording is being moved to it (shape.ts), so only the class and sizes here
    const rms = thrown(() => new RMSNorm(16, 1e-5)(torch.randn(2, 5)))!;
    expect(rms[0]).toBe(e.rmsnorm_dim[0]);
    expect(rms[1]).toMatch(/\b5\b.*\b16\b/);
  });
});

// ============================== hkproj/pytorch-llama ==============================
/** precompute_theta_pos_frequencies: the polar form, complex64 (torch.polar). */
function precompute_theta_pos_frequencies(dim: number, seq_len: number, theta = 10000.0): ComplexTensor {
  if (dim % 2 !== 0) throw new Error("Dimension must be divisible by 2");
  const theta_numerator = torch.arange(0, dim, 2).float();
  const th = torch.pow(theta, theta_numerator.div(dim)).reciprocal();
  const m = torch.arange(seq_len);
  const freqs = torch.outer(m, th).float();
  return torch.polar(torch.ones_like(freqs), freqs);
}
/** apply_rotary_embeddings: view_as_complex of the consecutive pairs times the frequencies, view_as_real back. */
function apply_rotary_embeddings(x: Tensor, freqs_complex: ComplexTensor): Tensor {
  const x_complex = torch.view_as_complex(x.float().reshape(...x.shape.slice(0, -1), -1, 2));
  freqs_complex = freqs_complex.unsqueeze(0).unsqueeze(2);
  const x_rotated = x_complex.mul(freqs_complex);
  let x_out = torch.view_as_real(x_rotated);
  x_out = x_out.reshape(...x.shape);
  return x_out.type_as(x).to("cpu");
}

class HkArgs extends ModelArgs {
  ffn_dim_multiplier: number | null = null;
  max_batch_size = 2;
}

class SelfAttention extends nn.Module {
  n_kv_heads: number;
  n_heads_q: number;
  n_rep: number;
  head_dim: number;
  wq: nn.Linear;
  wk: nn.Linear;
  wv: nn.Linear;
  wo: nn.Linear;
  cache_k: Tensor;
  cache_v: Tensor;
  constructor(args: HkArgs) {
    super();
    this.n_kv_heads = args.n_kv_heads === null ? args.n_heads : args.n_kv_heads;
    this.n_heads_q = args.n_heads;
    this.n_rep = this.n_heads_q / this.n_kv_heads;
    this.head_dim = args.dim / args.n_heads;
    this.wq = new nn.Linear(args.dim, args.n_heads * this.head_dim, { bias: false });
    this.wk = new nn.Linear(args.dim, this.n_kv_heads * this.head_dim, { bias: false });
    this.wv = new nn.Linear(args.dim, this.n_kv_heads * this.head_dim, { bias: false });
    this.wo = new nn.Linear(args.n_heads * this.head_dim, args.dim, { bias: false });
    this.cache_k = torch.zeros([args.max_batch_size, args.max_seq_len, this.n_kv_heads, this.head_dim]);
    this.cache_v = torch.zeros([args.max_batch_size, args.max_seq_len, this.n_kv_heads, this.head_dim]);
  }
  forward(x: Tensor, start_pos: number, freqs: ComplexTensor): Tensor {
    const [batch_size, seq_len] = x.shape;
    let xq = this.wq(x).view(batch_size, seq_len, this.n_heads_q, this.head_dim);
    let xk = this.wk(x).view(batch_size, seq_len, this.n_kv_heads, this.head_dim);
    const xv = this.wv(x).view(batch_size, seq_len, this.n_kv_heads, this.head_dim);
    xq = apply_rotary_embeddings(xq, freqs);
    xk = apply_rotary_embeddings(xk, freqs);
    // replace the entry in the cache
    this.cache_k.index_put_([`:${batch_size}`, `${start_pos}:${start_pos + seq_len}`], xk);
    this.cache_v.index_put_([`:${batch_size}`, `${start_pos}:${start_pos + seq_len}`], xv);
    let keys = this.cache_k.index(`:${batch_size}`, `:${start_pos + seq_len}`);
    let values = this.cache_v.index(`:${batch_size}`, `:${start_pos + seq_len}`);
    keys = repeat_kv(keys, this.n_rep);
    values = repeat_kv(values, this.n_rep);
    xq = xq.transpose(1, 2);
    keys = keys.transpose(1, 2);
    values = values.transpose(1, 2);
    let scores = torch.matmul(xq, keys.transpose(2, 3)).div(Math.sqrt(this.head_dim));
    scores = F.softmax(scores.float(), { dim: -1 }).type_as(xq);
    const output = torch.matmul(scores, values).transpose(1, 2).contiguous().view(batch_size, seq_len, -1);
    return this.wo(output);
  }
}

class HkFeedForward extends nn.Module {
  w1: nn.Linear;
  w2: nn.Linear;
  w3: nn.Linear;
  constructor(args: HkArgs) {
    super();
    let hidden_dim = 4 * args.dim;
    hidden_dim = Math.trunc((2 * hidden_dim) / 3);
    if (args.ffn_dim_multiplier !== null) hidden_dim = Math.trunc(args.ffn_dim_multiplier * hidden_dim);
    hidden_dim = args.multiple_of * Math.floor((hidden_dim + args.multiple_of - 1) / args.multiple_of);
    this.w1 = new nn.Linear(args.dim, hidden_dim, { bias: false });
    this.w2 = new nn.Linear(hidden_dim, args.dim, { bias: false });
    this.w3 = new nn.Linear(args.dim, hidden_dim, { bias: false });
  }
  forward(x: Tensor): Tensor {
    const swish = F.silu(this.w1(x));
    const x_V = this.w3(x);
    return this.w2(swish.mul(x_V));
  }
}

class EncoderBlock extends nn.Module {
  attention: SelfAttention;
  feed_forward: HkFeedForward;
  attention_norm: RMSNorm;
  ffn_norm: RMSNorm;
  constructor(args: HkArgs) {
    super();
    this.attention = new SelfAttention(args);
    this.feed_forward = new HkFeedForward(args);
    this.attention_norm = new RMSNorm(args.dim, args.norm_eps);
    this.ffn_norm = new RMSNorm(args.dim, args.norm_eps);
  }
  forward(x: Tensor, start_pos: number, freqs: ComplexTensor): Tensor {
    const h = x.add(this.attention.forward(this.attention_norm(x), start_pos, freqs));
    return h.add(this.feed_forward.forward(this.ffn_norm(h)));
  }
}

class HkTransformer extends nn.Module {
  args: HkArgs;
  tok_embeddings: nn.Embedding;
  layers: nn.ModuleList;
  norm: RMSNorm;
  output: nn.Linear;
  freqs_complex: ComplexTensor;
  constructor(args: HkArgs) {
    super();
    this.args = args;
    this.tok_embeddings = new nn.Embedding(args.vocab_size, args.dim);
    this.layers = new nn.ModuleList();
    for (let i = 0; i < args.n_layers; i++) this.layers.append(new EncoderBlock(args));
    this.norm = new RMSNorm(args.dim, args.norm_eps);
    this.output = new nn.Linear(args.dim, args.vocab_size, { bias: false });
    this.freqs_complex = precompute_theta_pos_frequencies(args.dim / args.n_heads, args.max_seq_len * 2);
  }
  forward(tokens: Tensor, start_pos: number): Tensor {
    const seq_len = tokens.shape[1];
    if (seq_len !== 1) throw new Error("Only one token at a time can be processed");
    let h = this.tok_embeddings(tokens);
    const span = `${start_pos}:${start_pos + seq_len}`;
    const freqs = this.freqs_complex.index(span);
    for (const layer of this.layers) h = (layer as EncoderBlock)(h, start_pos, freqs);
    h = this.norm(h);
    return this.output(h).float();
  }
}

function _sample_top_p(probs: Tensor, p: number): Tensor {
  const [probs_sort, probs_idx] = torch.sort(probs, { dim: -1, descending: true });
  const probs_sum = torch.cumsum(probs_sort, { dim: -1 });
  const mask = probs_sum.sub(probs_sort).gt(p);
  probs_sort.index_put_([mask], 0.0);
  probs_sort.div_(probs_sort.sum({ dim: -1, keepdim: true }));
  let next_token = torch.multinomial(probs_sort, { num_samples: 1 });
  next_token = torch.gather(probs_idx, -1, next_token);
  return next_token;
}

describe("hkproj/pytorch-llama", () => {
  const r = ref.hkproj;

  it("the polar-form frequencies (torch.polar) and the queries rotated through view_as_complex / view_as_real", () => {
    const freqs_complex = precompute_theta_pos_frequencies(4, 16);
    expect(String(freqs_complex.dtype)).toBe("torch.complex64");
    expectT(freqs_complex.real, r.freqs_real, 1e-6);
    expectT(freqs_complex.imag, r.freqs_imag, 1e-6);
    torch.manual_seed(0);
    const xq = torch.randn(2, 5, 4, 4);
    expectT(apply_rotary_embeddings(xq, freqs_complex.index(":5")), r.rope, 1e-5);
    // the fixture's torch.polar / view_as_complex calls succeed in torch 1.13, and here
    expect(r.complex_errors).toEqual([null, null]);
    expect(thrown(() => torch.polar(torch.ones(2), torch.zeros(2)))).toBeNull();
    expect(thrown(() => torch.view_as_complex(torch.randn(4, 2)))).toBeNull();
  });

  it("text_completion's loop with the KV cache, one token at a time: logits per step, tokens, eos flags, the cache; _sample_top_p", () => {
    torch.manual_seed(0);
    const hk = new HkTransformer(new HkArgs());
    expect(Object.keys(hk.state_dict())).toEqual(r.hk_state_keys); // the caches are plain attributes, not buffers
    const prompt_tokens = [[1, 5, 7], [1, 4]];
    const [pad_id, eos_id, temperature, top_p, total_len] = [-1, 2, 0.6, 0.9, 8];
    const tokens = torch.full([2, total_len], pad_id, long);
    prompt_tokens.forEach((t, k) => tokens.index_put_([k, `:${t.length}`], torch.tensor(t, long)));
    let eos_reached = torch.tensor(Array(2).fill(false));
    const prompt_tokens_mask = tokens.ne(pad_id);
    torch.manual_seed(5);
    const step_logits: Tensor[] = [];
    for (let cur_pos = 1; cur_pos < total_len; cur_pos++) {
      const logits = torch.no_grad(() => hk.forward(tokens.index(":", `${cur_pos - 1}:${cur_pos}`), cur_pos));
      step_logits.push(logits);
      const probs = torch.softmax(logits.index(":", -1).div(temperature), { dim: -1 });
      let next_token = _sample_top_p(probs, top_p);
      next_token = next_token.reshape(-1);
      next_token = torch.where(prompt_tokens_mask.index(":", cur_pos), tokens.index(":", cur_pos), next_token);
      tokens.index_put_([":", cur_pos], next_token);
      eos_reached = eos_reached.bitwise_or_(prompt_tokens_mask.index(":", cur_pos).logical_not().bitwise_and(next_token.eq(eos_id)));
      if (eos_reached.all().item()) break;
    }
    step_logits.forEach((l, i) => expectT(l, r.step_logits[i], 1e-5));
    expect(tokens.tolist()).toEqual(r.tokens);
    expect(eos_reached.tolist()).toEqual(r.eos_reached);
    expectT((hk.layers.get(0) as EncoderBlock).attention.cache_k.index(":", ":3"), r.cache_k, 1e-5);

    torch.manual_seed(7);
    const probs = torch.softmax(torch.randn(3, 6), { dim: -1 });
    torch.manual_seed(8);
    expect(_sample_top_p(probs.clone(), 0.5).tolist()).toEqual(r.top_p_tokens);
    const [psort, pidx] = torch.sort(probs, { dim: -1, descending: true });
    expectT(psort, r.top_p_sort[0], 1e-6);
    expect(pidx.tolist()).toEqual(r.top_p_sort[1]);
    expect(torch.argmax(probs, { dim: -1 }).tolist()).toEqual(r.greedy);
  });
});

// ============================== MIT 6.S191 lab1 ==============================
describe("MIT 6.S191 lab1 PT_Part1_Intro", () => {
  const r = ref.mit_intro;

  it("tensors, their shapes and printing; torch.add of Python numbers; the computation function", () => {
    const integer = torch.tensor(1234, long);
    const decimal = torch.tensor(3.14159265359);
    expect([`\`integer\` is a ${integer.ndim}-d Tensor: ${integer.item()}`, `\`decimal\` is a ${decimal.ndim}-d Tensor: ${decimal.item()}`]).toEqual(r.scalars);
    const fibonacci = torch.tensor([1, 1, 2, 3, 5, 8], long);
    const count_to_100 = torch.tensor([...Array(100).keys()], long); // torch.tensor(range(100))
    expect([
      `\`fibonacci\` is a ${fibonacci.ndim}-d Tensor with shape: ${sizeRepr(fibonacci.shape)}`,
      `\`count_to_100\` is a ${count_to_100.ndim}-d Tensor with shape: ${sizeRepr(count_to_100.shape)}`,
      String(count_to_100.dtype),
    ]).toEqual(r.vectors);
    const matrix = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
    const images = torch.zeros(10, 3, 256, 256);
    expect(`images is a ${images.ndim}-d Tensor with shape: ${sizeRepr(images.shape)}`).toBe(r.images);
    expect([`\`row_vector\`: ${matrix.index(1)}`, `\`column_vector\`: ${matrix.index(":", 1)}`, `\`scalar\`: ${matrix.index(0, 1).item().toFixed(1)}`]).toEqual(r.slices);
    const a = torch.tensor(15, long);
    const b = torch.tensor(61, long);
    expect([`c1: ${torch.add(a, b).item()}`, `c2: ${a.add(b).item()}`]).toEqual(r.add);
    const func = (a: Tensor | number, b: Tensor | number) => {
      const c = torch.add(a as Tensor, b as Tensor);
      const d = torch.subtract(b as Tensor, 1);
      return torch.mul(c, d);
    };
    // Known difference: torch 1.13 makes two Python floats a float64 tensor (tensor(4., dtype=torch.float64)) but a
    // float and an int a float32 one (subtract(2.5, 1)); JavaScript numbers do not say 1 from 1.0, so the engine
    // gives the default dtype (float32) for every pair: the values agree, the float-float dtype does not.
    expect([String(torch.add(1.5 as never, 2.5)), String(torch.subtract(2.5 as never, 1)), String(func(1.5, 2.5))]).toEqual(
      (r.func_floats as string[]).map((s) => s.replace(", dtype=torch.float64", "")),
    );
    expect(r.func_floats[1]).toBe("tensor(1.5000)");
    expect(`e_out: ${func(torch.tensor(1.5), torch.tensor(2.5)).item().toFixed(1)}`).toBe(r.func_tensors);
    expect([String(integer), String(decimal), String(fibonacci), String(matrix.index(0, 1)), String(torch.add(a, b))]).toEqual(r.reprs);
  });

  class OurDenseLayer extends nn.Module {
    W: nn.Parameter;
    bias: nn.Parameter;
    constructor(num_inputs: number, num_outputs: number) {
      super();
      this.W = new torch.nn.Parameter(torch.randn(num_inputs, num_outputs));
      this.bias = new torch.nn.Parameter(torch.randn(num_outputs));
    }
    forward(x: Tensor): Tensor {
      const z = torch.matmul(x, this.W).add(this.bias);
      return torch.sigmoid(z);
    }
  }
  class LinearButSometimesIdentity extends nn.Module {
    linear: nn.Linear;
    constructor(num_inputs: number, num_outputs: number) {
      super();
      this.linear = new nn.Linear(num_inputs, num_outputs);
    }
    forward(inputs: Tensor, isidentity = false): Tensor {
      return isidentity ? inputs : this.linear(inputs);
    }
  }

  it("OurDenseLayer, Sequential, LinearButSometimesIdentity, d(x**2)/dx, and the 500-step minimisation", () => {
    torch.manual_seed(0);
    const layer = new OurDenseLayer(2, 3);
    const x_input = torch.tensor([[1, 2.0]]);
    let y = layer(x_input);
    expect([`input shape: ${sizeRepr(x_input.shape)}`, `output shape: ${sizeRepr(y.shape)}`, `output result: ${y}`]).toEqual(r.dense);
    // matmul's dtype error: torch's message, then the engine's op and fix (core/tensor_api.test.ts keeps it so)
    const di = thrown(() => layer(torch.tensor([[1, 2]], long)))!;
    expect([di[0], di[1].slice(0, r.dense_int_input[1].length)]).toEqual(r.dense_int_input);
    torch.manual_seed(0);
    const model = new nn.Sequential(new nn.Linear(2, 3), new nn.Sigmoid());
    y = model(x_input);
    expect([String(model), `output result: ${y}`]).toEqual(r.sequential);
    torch.manual_seed(0);
    const m2 = new LinearButSometimesIdentity(2, 3);
    expect([`input: ${x_input}`, `Network linear output: ${m2(x_input)}; network identity output: ${m2(x_input, true)}`]).toEqual(r.identity);

    const x = torch.tensor(3.0, { requires_grad: true });
    x.pow(2).backward();
    expect(`dy_dx of y=x^2 at x=3.0 is:  ${x.grad!.item().toFixed(1)}`).toBe(r.dy_dx);

    torch.manual_seed(0);
    let xs = torch.randn(1);
    const x0 = xs.item();
    const history: number[] = [];
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    let shape0: number[] = [];
    for (let i = 0; i < 500; i++) {
      const xv = torch.tensor([xs], { requires_grad: true }); // torch.tensor([x]) of a one-element tensor
      if (i === 0) shape0 = [...xv.shape];
      const loss = xv.sub(4).pow(2);
      loss.backward();
      xs = xv.grad!.mul(-1e-2).add(xv.item()); // x = x.item() - learning_rate * x.grad
      history.push(xs.item());
    }
    const warnings = warn.mock.calls.map((c) => String(c[0]));
    warn.mockRestore();
    const m = r.minimize;
    expect(x0).toBe(m.x0);
    expect(shape0).toEqual(m.shape0);
    expectNums([...history.slice(0, 5), ...history.slice(-3)], m.history, 1e-6);
    expect([...xs.shape]).toEqual(m.final_shape);
    expect(warnings.slice(0, 1)).toEqual(m.warnings);
  });
});

describe("MIT 6.S191 lab1 PT_Part2_Music_Generation", () => {
  const r = ref.mit_music;
  const songs_joined = "X:1\nT:Toy\nM:4/4\nK:G\n|:GABc dedB|dedB dedB|c2ec B2dB|c2A2 A2BA:|\n";
  const vocab = [...new Set(songs_joined)].sort();
  const char2idx = Object.fromEntries(vocab.map((u, i) => [u, i]));
  const idx2char = vocab;
  const vectorized_songs = torch.tensor([...songs_joined].map((c) => char2idx[c]), long);

  function get_batch(vectorized_songs: Tensor, seq_length: number, batch_size: number): [Tensor, Tensor] {
    const n = vectorized_songs.shape[0] - 1;
    const idx = torch.randint(0, n - seq_length, [batch_size]).tolist() as number[]; // np.random.choice(n - seq_length, batch_size)
    const input_batch = idx.map((i) => vectorized_songs.index(`${i}:${i + seq_length}`).tolist());
    const output_batch = idx.map((i) => vectorized_songs.index(`${i + 1}:${i + seq_length + 1}`).tolist());
    return [torch.tensor(input_batch, long), torch.tensor(output_batch, long)];
  }

  class LSTMModel extends nn.Module {
    hidden_size: number;
    embedding: nn.Embedding;
    lstm: nn.LSTM;
    fc: nn.Linear;
    constructor(vocab_size: number, embedding_dim: number, hidden_size: number) {
      super();
      this.hidden_size = hidden_size;
      this.embedding = new nn.Embedding(vocab_size, embedding_dim);
      this.lstm = new nn.LSTM(embedding_dim, hidden_size, { batch_first: true });
      this.fc = new nn.Linear(hidden_size, vocab_size);
    }
    forward(x: Tensor, state: [Tensor, Tensor] | null = null, return_state = false): Tensor | [Tensor, [Tensor, Tensor]] {
      x = this.embedding(x);
      if (state === null) state = this.init_hidden(x.size(0), x.device);
      const [out, new_state] = this.lstm(x, state) as [Tensor, [Tensor, Tensor]];
      const logits = this.fc(out);
      return !return_state ? logits : [logits, new_state];
    }
    init_hidden(batch_size: number, device: string | { type: string }): [Tensor, Tensor] {
      return [torch.zeros(1, batch_size, this.hidden_size).to(device), torch.zeros(1, batch_size, this.hidden_size).to(device)];
    }
  }

  it("vocabulary, LSTMModel repr, a batch's predictions and samples, compute_loss, 5 Adam steps, generate_text", () => {
    expect(vocab.length).toBe(r.vocab_size);
    torch.manual_seed(0);
    const model = new LSTMModel(vocab.length, 8, 16);
    expect(String(model)).toBe(r.repr);
    const [x_dummy, y_dummy] = get_batch(vectorized_songs, 10, 4);
    expect(x_dummy.tolist()).toEqual(r.x_dummy);
    const pred_dummy = model(x_dummy) as Tensor;
    expectT(pred_dummy, r.pred_dummy, 1e-5);
    const sampled_indices = torch.multinomial(torch.softmax(pred_dummy.index(0), { dim: -1 }), { num_samples: 1 });
    expect(Array.from(sampled_indices.squeeze(-1).cpu().numpy() as ArrayLike<number | bigint>, Number)).toEqual(r.sampled);
    const cross_entropy = new nn.CrossEntropyLoss();
    const compute_loss = (labels: Tensor, logits: Tensor) => {
      const batched_labels = labels.view(-1); // (B * L,)
      const batched_logits = logits.view(-1, logits.size(-1)); // (B * L, V)
      return cross_entropy(batched_logits, batched_labels);
    };
    expect(compute_loss(y_dummy, pred_dummy).mean().item()).toBeCloseTo(r.example_loss, 5);
    expect(thrown(() => cross_entropy(pred_dummy, y_dummy))).toEqual(r.loss_unflattened);

    const optimizer = new torch.optim.Adam(model.parameters(), { lr: 5e-3 });
    const train_step = (x: Tensor, y: Tensor) => {
      model.train();
      optimizer.zero_grad();
      const y_hat = model(x) as Tensor;
      const loss = compute_loss(y, y_hat);
      loss.backward();
      optimizer.step();
      return loss;
    };
    const history: number[] = [];
    forgetShownWarnings();
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    for (let it = 0; it < 5; it++) {
      let [x_batch, y_batch] = get_batch(vectorized_songs, 12, 3);
      x_batch = torch.tensor(x_batch, long); // the notebook converts the tensors again
      y_batch = torch.tensor(y_batch, long);
      history.push(train_step(x_batch, y_batch).item());
    }
    const warned = warn.mock.calls.map((c) => String(c[0]));
    warn.mockRestore();
    expectNums(history, r.history, 2e-5);
    expect(warned.some((w) => w.includes(r.copy_warning))).toBe(true);

    const generate_text = (model: LSTMModel, start_string: string, generation_length = 1000) => {
      let input_idx = torch.tensor([[...start_string].map((s) => char2idx[s])], long);
      let state = model.init_hidden(input_idx.size(0), "cpu");
      const text_generated: string[] = [];
      for (let i = 0; i < generation_length; i++) {
        let predictions: Tensor;
        [predictions, state] = model(input_idx, state, true) as [Tensor, [Tensor, Tensor]];
        predictions = predictions.squeeze(0);
        input_idx = torch.multinomial(torch.softmax(predictions, { dim: -1 }), { num_samples: 1 });
        text_generated.push(idx2char[input_idx.item()]);
      }
      return start_string + text_generated.join("");
    };
    torch.manual_seed(11);
    expect(generate_text(model, "X", 20)).toBe(r.generated);
    // a two-character seed: the first step samples one character per position, and .item() refuses two
    expect(thrown(() => generate_text(model, "X:", 2))).toEqual(r.generate_long_start);
  });
});

describe("MIT 6.S191 lab2 PT_Part2_Debiasing (the standard CNN and the DB-VAE)", () => {
  const r = ref.mit_debias;
  const n_filters = 12;
  const [H, W, in_channels] = [64, 64, 3];

  function make_standard_classifier(n_outputs: number): nn.Sequential {
    class ConvBlock extends nn.Module {
      conv: nn.Conv2d;
      relu: nn.ReLU;
      bn: nn.BatchNorm2d;
      constructor(in_channels: number, out_channels: number, kernel_size: number, stride: number, padding = 0) {
        super();
        this.conv = new nn.Conv2d(in_channels, out_channels, kernel_size, stride, padding);
        this.relu = new nn.ReLU({ inplace: true });
        this.bn = new nn.BatchNorm2d(out_channels);
      }
      forward(x: Tensor): Tensor {
        x = this.conv(x);
        x = this.relu(x);
        x = this.bn(x);
        return x;
      }
    }
    return new nn.Sequential(
      new ConvBlock(in_channels, n_filters, 5, 2, 2),
      new ConvBlock(n_filters, 2 * n_filters, 5, 2, 2),
      new ConvBlock(2 * n_filters, 4 * n_filters, 3, 2, 1),
      new ConvBlock(4 * n_filters, 6 * n_filters, 3, 2, 1),
      new nn.Flatten(),
      new nn.Linear(Math.floor((Math.floor(H / 16) * W) / 16) * 6 * n_filters, 512), // H // 16 * W // 16 * 6 * n_filters
      new nn.ReLU({ inplace: true }),
      new nn.Linear(512, n_outputs),
    );
  }

  const vae_loss_function = (x: Tensor, x_recon: Tensor, mu: Tensor, logsigma: Tensor, kl_weight = 0.0005) => {
    const latent_loss = torch.sum(torch.exp(logsigma).add(mu.pow(2)).sub(1).sub(logsigma), { dim: 1 }).mul(0.5);
    const reconstruction_loss = torch.mean(torch.abs(x.sub(x_recon)), { dim: [1, 2, 3] });
    return latent_loss.mul(kl_weight).add(reconstruction_loss);
  };
  const sampling = (z_mean: Tensor, z_logsigma: Tensor) => z_mean.add(torch.exp(z_logsigma).mul(torch.randn_like(z_mean)));
  const debiasing_loss_function = (x: Tensor, x_pred: Tensor, y: Tensor, y_logit: Tensor, mu: Tensor, logsigma: Tensor): [Tensor, Tensor] => {
    const vae_loss = vae_loss_function(x, x_pred, mu, logsigma);
    const classification_loss = F.binary_cross_entropy_with_logits(y_logit, y, { reduction: "none" });
    y = y.float();
    const face_indicator = y.eq(1.0).float();
    const total_loss = torch.mean(classification_loss.mul(face_indicator).add(vae_loss));
    return [total_loss, classification_loss];
  };

  function make_face_decoder_network(latent_dim = 100, n_filters = 12): nn.Module {
    class FaceDecoder extends nn.Module {
      latent_dim: number;
      n_filters: number;
      linear: nn.Sequential;
      deconv: nn.Sequential;
      constructor(latent_dim: number, n_filters: number) {
        super();
        this.latent_dim = latent_dim;
        this.n_filters = n_filters;
        this.linear = new nn.Sequential(new nn.Linear(latent_dim, 4 * 4 * 6 * n_filters), new nn.ReLU());
        const up = (i: number, o: number, k: number, p: number) =>
          new nn.ConvTranspose2d({ in_channels: i, out_channels: o, kernel_size: k, stride: 2, padding: p, output_padding: 1 });
        this.deconv = new nn.Sequential(
          up(6 * n_filters, 4 * n_filters, 3, 1), new nn.ReLU(),
          up(4 * n_filters, 2 * n_filters, 3, 1), new nn.ReLU(),
          up(2 * n_filters, n_filters, 5, 2), new nn.ReLU(),
          up(n_filters, 3, 5, 2),
        );
      }
      forward(z: Tensor): Tensor {
        let x = this.linear(z);
        x = x.view(-1, 6 * this.n_filters, 4, 4);
        return this.deconv(x);
      }
    }
    return new FaceDecoder(latent_dim, n_filters);
  }

  class DB_VAE extends nn.Module {
    latent_dim: number;
    encoder: nn.Sequential;
    decoder: nn.Module;
    constructor(latent_dim = 100) {
      super();
      this.latent_dim = latent_dim;
      this.encoder = make_standard_classifier(2 * latent_dim + 1);
      this.decoder = make_face_decoder_network();
    }
    encode(x: Tensor): [Tensor, Tensor, Tensor] {
      const encoder_output = this.encoder(x);
      const y_logit = encoder_output.index(":", 0).unsqueeze(-1);
      const z_mean = encoder_output.index(":", `1:${this.latent_dim + 1}`);
      const z_logsigma = encoder_output.index(":", `${this.latent_dim + 1}:`);
      return [y_logit, z_mean, z_logsigma];
    }
    reparameterize(z_mean: Tensor, z_logsigma: Tensor): Tensor {
      return sampling(z_mean, z_logsigma);
    }
    decode(z: Tensor): Tensor {
      return this.decoder(z) as Tensor;
    }
    forward(x: Tensor): [Tensor, Tensor, Tensor, Tensor] {
      const [y_logit, z_mean, z_logsigma] = this.encode(x);
      const z = this.reparameterize(z_mean, z_logsigma);
      return [y_logit, z_mean, z_logsigma, this.decode(z)];
    }
    predict(x: Tensor): Tensor {
      return this.encode(x)[0];
    }
  }

  it("the standard CNN (repr, 3 Adam steps, eval accuracy); the DB-VAE: losses, shapes, resampling probabilities, 2 steps, predict", () => {
    torch.manual_seed(0);
    const images = torch.rand(6, 3, 64, 64);
    const labels = torch.tensor([[1.0], [0.0], [1.0], [1.0], [0.0], [1.0]]);
    torch.manual_seed(1);
    const standard_classifier = make_standard_classifier(1);
    expect(String(standard_classifier)).toBe(r.classifier_repr);
    const loss_fn = new nn.BCEWithLogitsLoss();
    let optimizer: optim.Adam = new optim.Adam(standard_classifier.parameters(), { lr: 5e-4 });
    standard_classifier.train();
    const standard_train_step = (x: Tensor, y: Tensor) => {
      optimizer.zero_grad();
      const loss = loss_fn(standard_classifier(x), y);
      loss.backward();
      optimizer.step();
      return loss;
    };
    expectNums([0, 3, 0].map((i) => standard_train_step(images.index(`${i}:${i + 3}`), labels.index(`${i}:${i + 3}`)).item()), r.standard_losses, 2e-5);
    standard_classifier.eval();
    const [y_pred_logits, acc_standard] = torch.inference_mode(() => {
      const logits = standard_classifier(images);
      const y_pred_standard = torch.round(torch.sigmoid(logits));
      return [logits, torch.mean(labels.eq(y_pred_standard).float())];
    });
    expectT(y_pred_logits, r.standard_eval[0], 1e-4);
    expect(`Standard CNN accuracy on (potentially biased) training set: ${acc_standard.item().toFixed(4)}`).toBe(r.standard_eval[1]);

    const latent_dim = 100;
    torch.manual_seed(2);
    const dbvae = new DB_VAE(latent_dim);
    expect(String(dbvae.decoder)).toBe(r.decoder_repr);
    expect([...dbvae.parameters()].reduce((s, p) => s + p.numel(), 0)).toBe(r.n_params);
    torch.manual_seed(3);
    const [y_logit, z_mean, z_logsigma, recon] = dbvae(images.index(":3"));
    expect([y_logit, z_mean, z_logsigma, recon].map((t) => [...t.shape])).toEqual(r.forward_shapes);
    expectT(recon.index(0, ":", ":2", ":3"), r.recon_slice, 1e-4);
    expectT(vae_loss_function(images.index(":3"), recon, z_mean, z_logsigma), r.losses[0], 1e-4);
    const [tl, cl] = debiasing_loss_function(images.index(":3"), recon, labels.index(":3"), y_logit, z_mean, z_logsigma);
    expect(tl.item()).toBeCloseTo(r.losses[1], 4);
    expectT(cl, r.losses[2], 1e-4);

    // get_latent_mu over NHWC images in chunks, and the resampling probabilities: np.histogram(density=True) is
    // torch.histogram(x, { bins, density: true }), np.digitize(x, edges) is torch.bucketize(x, edges, { right: true })
    const get_latent_mu = (images: Tensor, dbvae: DB_VAE, batch_size = 64): Tensor => {
      dbvae.eval();
      const all_z_mean: Tensor[] = [];
      const images_t = images.float();
      torch.inference_mode(() => {
        for (let start = 0; start < images_t.shape[0]; start += batch_size) {
          const batch = images_t.index(`${start}:${start + batch_size}`).permute(0, 3, 1, 2);
          const [, z_mean] = dbvae(batch);
          all_z_mean.push(z_mean.cpu());
        }
      });
      return torch.cat(all_z_mean, { dim: 0 });
    };
    const get_training_sample_probabilities = (images: Tensor, dbvae: DB_VAE, bins = 10, smoothing_fac = 0.001): Tensor => {
      const mu = get_latent_mu(images, dbvae, 4);
      let training_sample_p = torch.zeros(mu.shape[0], { dtype: torch.float64 });
      for (let i = 0; i < latent_dim; i++) {
        const latent_distribution = mu.index(":", i);
        const [hist_density, bin_edges] = torch.histogram(latent_distribution, { density: true, bins });
        bin_edges.index_put_([0], -Infinity);
        bin_edges.index_put_([-1], Infinity);
        const bin_idx = torch.bucketize(latent_distribution, bin_edges, { right: true });
        let hist_smoothed_density = hist_density.double().add(smoothing_fac);
        hist_smoothed_density = hist_smoothed_density.div(torch.sum(hist_smoothed_density));
        let p = hist_smoothed_density.index(bin_idx.sub(1)).reciprocal();
        p = p.div(torch.sum(p));
        training_sample_p = torch.maximum(training_sample_p, p);
      }
      return training_sample_p.div(torch.sum(training_sample_p));
    };
    const faces_nhwc = images.permute(0, 2, 3, 1).contiguous();
    torch.manual_seed(4);
    expectNums(get_training_sample_probabilities(faces_nhwc, dbvae).tolist() as number[], r.p_faces, 1e-5);
    torch.manual_seed(4);
    const mu = get_latent_mu(faces_nhwc, dbvae, 4);
    expectNums(mu.index(":", 0).tolist() as number[], r.mu_col0, 1e-5);
    const [hd, be] = torch.histogram(mu.index(":", 0), { density: true, bins: 10 });
    expectNums(hd.tolist() as number[], r.np_hist0[0], 1e-3);
    expectNums(be.tolist() as number[], r.np_hist0[1], 1e-6);

    optimizer = new optim.Adam(dbvae.parameters(), { lr: 5e-4 });
    dbvae.train();
    const debiasing_train_step = (x: Tensor, y: Tensor) => {
      optimizer.zero_grad();
      const [y_logit, z_mean, z_logsigma, x_recon] = dbvae(x);
      const [loss] = debiasing_loss_function(x, x_recon, y, y_logit, z_mean, z_logsigma);
      loss.backward();
      optimizer.step();
      return loss;
    };
    torch.manual_seed(5);
    expectNums([0, 3].map((i) => debiasing_train_step(images.index(`${i}:${i + 3}`), labels.index(`${i}:${i + 3}`)).item()), r.dbvae_losses, 2e-5);
    const probs = torch.inference_mode(() => {
      dbvae.eval();
      return torch.sigmoid(dbvae.predict(images)).squeeze({ dim: -1 });
    });
    expectT(probs, r.predict, 1e-4);

    // the learner's mistakes: NHWC images straight into the CNN, [B] labels against [B, 1] logits, long labels,
    // a batch of one (works: the last block's map is 4x4), the encoder's whole output into the decoder
    standard_classifier.train();
    const m = r.mistakes;
    expect(thrown(() => standard_classifier(faces_nhwc.index(":2")))).toEqual(m.nhwc);
    expect(thrown(() => loss_fn(standard_classifier(images.index(":3")), labels.index(":3").squeeze(-1)))).toEqual(m.bce_shape);
    expect(thrown(() => loss_fn(standard_classifier(images.index(":3")), labels.index(":3").long()))).toEqual(m.bce_long);
    expect(thrown(() => standard_classifier(images.index(":1")))).toEqual(m.batch_of_one);
    expect(thrown(() => dbvae.decoder(torch.zeros(2, 201)))).toEqual(m.decoder_width);
  });
});
