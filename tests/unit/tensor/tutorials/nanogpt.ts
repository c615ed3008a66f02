/**
 * Karpathy's nanoGPT (karpathy/nanoGPT, model.py) as a learner translates it to the engine: LayerNorm with an
 * optional bias (F.layer_norm with a null bias), CausalSelfAttention (F.scaled_dot_product_attention(is_causal=True)
 * where torch.nn.functional has it, else the masked softmax on a registered tril buffer), MLP, Block, GPTConfig
 * (the dataclass's defaults; GPTConfig(**model_args) is new GPTConfig(model_args)), GPT (weight tying,
 * _init_weights through apply, the scaled c_proj init, get_num_params, forward, crop_block_size,
 * configure_optimizers, estimate_mfu, @torch.no_grad() generate). Shared by the probes that run it
 * (zero_to_hero.test.ts: model.py and train.py; annotated_mingpt.test.ts: bias=False, bench.py and sample.py),
 * each against its own torch 1.13 fixtures; scripts/fixtures/nanogpt.py is the same code in Python.
 * Left out: GPT.from_pretrained (it loads huggingface weights). The print()s are kept for the probes to
 * compare: the constructor's "number of parameters" line as params_line, configure_optimizers' three lines as
 * opt_lines; the slow-attention WARNING is not printed.
 */
import { F, nn, optim, torch, type Tensor } from "../../../../lib/tensor/index";

let flash_available = true;
/**
 * Runs `fn` as on a torch without F.scaled_dot_product_attention (before 2.0, as torch 1.13): the
 * CausalSelfAttention built inside takes the manual path and registers its causal-mask buffer.
 */
export function withoutFlash<R>(fn: () => R): R {
  flash_available = false;
  try {
    return fn();
  } finally {
    flash_available = true;
  }
}

/** LayerNorm but with an optional bias. PyTorch doesn't support simply bias=False */
export class LayerNorm extends nn.Module {
  weight: nn.Parameter;
  bias: nn.Parameter | null;
  constructor(ndim: number, bias: boolean) {
    super();
    this.weight = new nn.Parameter(torch.ones(ndim));
    this.bias = bias ? new nn.Parameter(torch.zeros(ndim)) : null;
  }
  forward(input: Tensor): Tensor {
    return F.layer_norm(input, this.weight.shape, this.weight, this.bias, 1e-5);
  }
}

export class CausalSelfAttention extends nn.Module {
  c_attn: nn.Linear;
  c_proj: nn.Linear;
  attn_dropout: nn.Dropout;
  resid_dropout: nn.Dropout;
  n_head: number;
  n_embd: number;
  dropout: number;
  flash: boolean;
  declare bias: Tensor;
  constructor(config: GPTConfig) {
    super();
    if (config.n_embd % config.n_head !== 0) throw new Error("assert config.n_embd % config.n_head == 0");
    // key, query, value projections for all heads, but in a batch
    this.c_attn = new nn.Linear(config.n_embd, 3 * config.n_embd, { bias: config.bias });
    // output projection
    this.c_proj = new nn.Linear(config.n_embd, config.n_embd, { bias: config.bias });
    // regularization
    this.attn_dropout = new nn.Dropout(config.dropout);
    this.resid_dropout = new nn.Dropout(config.dropout);
    this.n_head = config.n_head;
    this.n_embd = config.n_embd;
    this.dropout = config.dropout;
    // flash attention make GPU go brrrrr but support is only in PyTorch >= 2.0
    this.flash = flash_available && "scaled_dot_product_attention" in torch.nn.functional; // hasattr(torch.nn.functional, ...)
    if (!this.flash) {
      // (print("WARNING: using slow attention. Flash Attention requires PyTorch >= 2.0"))
      // causal mask to ensure that attention is only applied to the left in the input sequence
      const bs = config.block_size;
      this.register_buffer("bias", torch.tril(torch.ones(bs, bs)).view(1, 1, bs, bs));
    }
  }
  forward(x: Tensor): Tensor {
    const [B, T, C] = x.size(); // batch size, sequence length, embedding dimensionality (n_embd)
    // calculate query, key, values for all heads in batch and move head forward to be the batch dim
    let [q, k, v] = this.c_attn(x).split(this.n_embd, { dim: 2 });
    k = k.view(B, T, this.n_head, Math.floor(C / this.n_head)).transpose(1, 2); // (B, nh, T, hs)
    q = q.view(B, T, this.n_head, Math.floor(C / this.n_head)).transpose(1, 2); // (B, nh, T, hs)
    v = v.view(B, T, this.n_head, Math.floor(C / this.n_head)).transpose(1, 2); // (B, nh, T, hs)
    // causal self-attention; Self-attend: (B, nh, T, hs) x (B, nh, hs, T) -> (B, nh, T, T)
    let y: Tensor;
    if (this.flash) {
      // efficient attention using Flash Attention CUDA kernels
      y = torch.nn.functional.scaled_dot_product_attention(q, k, v, { attn_mask: null, dropout_p: this.training ? this.dropout : 0, is_causal: true });
    } else {
      // manual implementation of attention
      let att = q.matmul(k.transpose(-2, -1)).mul(1.0 / Math.sqrt(k.size(-1)));
      att = att.masked_fill(this.bias.index(":", ":", `:${T}`, `:${T}`).eq(0), -Infinity); // self.bias[:,:,:T,:T] == 0
      att = F.softmax(att, { dim: -1 });
      att = this.attn_dropout(att);
      y = att.matmul(v); // (B, nh, T, T) x (B, nh, T, hs) -> (B, nh, T, hs)
    }
    y = y.transpose(1, 2).contiguous().view(B, T, C); // re-assemble all head outputs side by side
    // output projection
    y = this.resid_dropout(this.c_proj(y));
    return y;
  }
}

export class MLP extends nn.Module {
  c_fc: nn.Linear;
  gelu: nn.GELU;
  c_proj: nn.Linear;
  dropout: nn.Dropout;
  constructor(config: GPTConfig) {
    super();
    this.c_fc = new nn.Linear(config.n_embd, 4 * config.n_embd, { bias: config.bias });
    this.gelu = new nn.GELU();
    this.c_proj = new nn.Linear(4 * config.n_embd, config.n_embd, { bias: config.bias });
    this.dropout = new nn.Dropout(config.dropout);
  }
  forward(x: Tensor): Tensor {
    x = this.c_fc(x);
    x = this.gelu(x);
    x = this.c_proj(x);
    x = this.dropout(x);
    return x;
  }
}

export class Block extends nn.Module {
  ln_1: LayerNorm;
  attn: CausalSelfAttention;
  ln_2: LayerNorm;
  mlp: MLP;
  constructor(config: GPTConfig) {
    super();
    this.ln_1 = new LayerNorm(config.n_embd, config.bias);
    this.attn = new CausalSelfAttention(config);
    this.ln_2 = new LayerNorm(config.n_embd, config.bias);
    this.mlp = new MLP(config);
  }
  forward(x: Tensor): Tensor {
    x = x.add(this.attn(this.ln_1(x)));
    x = x.add(this.mlp(this.ln_2(x)));
    return x;
  }
}

/** @dataclass GPTConfig: the defaults of model.py; new GPTConfig(model_args) is GPTConfig(**model_args). */
export class GPTConfig {
  block_size = 1024;
  vocab_size = 50304; // GPT-2 vocab_size of 50257, padded up to nearest multiple of 64 for efficiency
  n_layer = 12;
  n_head = 12;
  n_embd = 768;
  dropout = 0.0;
  bias = true; // True: bias in Linears and LayerNorms, like GPT-2. False: a bit better and faster
  constructor(kwargs: Partial<GPTConfig> = {}) {
    Object.assign(this, kwargs);
  }
}

type Transformer = nn.ModuleDict & { wte: nn.Embedding; wpe: nn.Embedding; drop: nn.Dropout; h: nn.ModuleList; ln_f: LayerNorm };

export class GPT extends nn.Module {
  config: GPTConfig;
  transformer: Transformer;
  lm_head: nn.Linear;
  params_line: string;
  opt_lines: string[] = [];
  constructor(config: GPTConfig) {
    super();
    if (config.vocab_size === null || config.vocab_size === undefined) throw new Error("assert config.vocab_size is not None");
    if (config.block_size === null || config.block_size === undefined) throw new Error("assert config.block_size is not None");
    this.config = config;

    this.transformer = new nn.ModuleDict({
      wte: new nn.Embedding(config.vocab_size, config.n_embd),
      wpe: new nn.Embedding(config.block_size, config.n_embd),
      drop: new nn.Dropout(config.dropout),
      h: new nn.ModuleList(Array.from({ length: config.n_layer }, () => new Block(config))),
      ln_f: new LayerNorm(config.n_embd, config.bias),
    }) as Transformer;
    this.lm_head = new nn.Linear(config.n_embd, config.vocab_size, { bias: false });
    this.transformer.wte.weight = this.lm_head.weight; // https://paperswithcode.com/method/weight-tying

    // init all weights
    this.apply((m) => this._init_weights(m));
    // apply special scaled init to the residual projections, per GPT-2 paper
    for (const [pn, p] of this.named_parameters()) {
      if (pn.endsWith("c_proj.weight")) torch.nn.init.normal_(p, { mean: 0.0, std: 0.02 / Math.sqrt(2 * config.n_layer) });
    }

    // report number of parameters
    this.params_line = `number of parameters: ${(this.get_num_params() / 1e6).toFixed(2)}M`; // print(...)
  }
  /** the number of parameters; for the non-embedding count (default) the position embeddings get subtracted */
  get_num_params(non_embedding = true): number {
    let n_params = [...this.parameters()].reduce((s, p) => s + p.numel(), 0);
    if (non_embedding) n_params -= this.transformer.wpe.weight.numel();
    return n_params;
  }
  _init_weights(module: nn.Module): void {
    if (module instanceof nn.Linear) {
      torch.nn.init.normal_(module.weight, { mean: 0.0, std: 0.02 });
      if (module.bias !== null) torch.nn.init.zeros_(module.bias);
    } else if (module instanceof nn.Embedding) {
      torch.nn.init.normal_(module.weight, { mean: 0.0, std: 0.02 });
    }
  }
  forward(idx: Tensor, targets: Tensor | null = null): [Tensor, Tensor | null] {
    const device = idx.device;
    const [, t] = idx.size();
    if (!(t <= this.config.block_size)) throw new Error(`Cannot forward sequence of length ${t}, block size is only ${this.config.block_size}`);
    const pos = torch.arange(0, t, { dtype: torch.long, device }); // shape (t)

    // forward the GPT model itself
    const tok_emb = this.transformer.wte(idx); // token embeddings of shape (b, t, n_embd)
    const pos_emb = this.transformer.wpe(pos); // position embeddings of shape (t, n_embd)
    let x = this.transformer.drop(tok_emb.add(pos_emb));
    for (const block of this.transformer.h) x = block(x);
    x = this.transformer.ln_f(x);

    let logits: Tensor;
    let loss: Tensor | null;
    if (targets !== null) {
      // if we are given some desired targets also calculate the loss
      logits = this.lm_head(x);
      loss = F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1), { ignore_index: -1 });
    } else {
      // inference-time mini-optimization: only forward the lm_head on the very last position
      logits = this.lm_head(x.index(":", [-1], ":")); // x[:, [-1], :]: note: using list [-1] to preserve the time dim
      loss = null;
    }
    return [logits, loss];
  }
  crop_block_size(block_size: number): void {
    // model surgery to decrease the block size if necessary
    if (!(block_size <= this.config.block_size)) throw new Error("assert block_size <= self.config.block_size");
    this.config.block_size = block_size;
    this.transformer.wpe.weight = new nn.Parameter(this.transformer.wpe.weight.index(`:${block_size}`));
    for (const block of this.transformer.h as Iterable<Block>) {
      if (block.attn.bias !== undefined) block.attn.bias = block.attn.bias.index(":", ":", `:${block_size}`, `:${block_size}`); // hasattr(block.attn, 'bias')
    }
  }
  configure_optimizers(weight_decay: number, learning_rate: number, betas: [number, number], device_type: string): optim.AdamW {
    // start with all of the candidate parameters
    let param_dict = Object.fromEntries(this.named_parameters());
    // filter out those that do not require grad
    param_dict = Object.fromEntries(Object.entries(param_dict).filter(([, p]) => p.requires_grad));
    // create optim groups. Any parameters that is 2D will be weight decayed, otherwise no.
    const decay_params = Object.values(param_dict).filter((p) => p.dim() >= 2);
    const nodecay_params = Object.values(param_dict).filter((p) => p.dim() < 2);
    const optim_groups = [
      { params: decay_params, weight_decay },
      { params: nodecay_params, weight_decay: 0.0 },
    ];
    const num_decay_params = decay_params.reduce((s, p) => s + p.numel(), 0);
    const num_nodecay_params = nodecay_params.reduce((s, p) => s + p.numel(), 0);
    this.opt_lines = [
      `num decayed parameter tensors: ${decay_params.length}, with ${num_decay_params.toLocaleString("en-US")} parameters`,
      `num non-decayed parameter tensors: ${nodecay_params.length}, with ${num_nodecay_params.toLocaleString("en-US")} parameters`,
    ];
    // Create AdamW optimizer and use the fused version if it is available.
    // fused_available = 'fused' in inspect.signature(torch.optim.AdamW).parameters: torch 1.13's AdamW has none,
    // and the engine's AdamW refuses the keyword as torch does.
    let fused_available = true;
    try {
      new torch.optim.AdamW([new nn.Parameter(torch.zeros(1))], { fused: false } as never);
    } catch {
      fused_available = false;
    }
    const use_fused = fused_available && device_type === "cuda";
    const extra_args = use_fused ? { fused: true } : {};
    const optimizer = new torch.optim.AdamW(optim_groups, { lr: learning_rate, betas, ...extra_args });
    this.opt_lines.push(`using fused AdamW: ${use_fused ? "True" : "False"}`);
    return optimizer;
  }
  /** estimate model flops utilization (MFU) in units of A100 bfloat16 peak FLOPS */
  estimate_mfu(fwdbwd_per_iter: number, dt: number): number {
    // first estimate the number of flops we do per iteration.
    // see PaLM paper Appendix B as ref: https://arxiv.org/abs/2204.02311
    const N = this.get_num_params();
    const cfg = this.config;
    const [L, H, Q, T] = [cfg.n_layer, cfg.n_head, Math.floor(cfg.n_embd / cfg.n_head), cfg.block_size];
    const flops_per_token = 6 * N + 12 * L * H * Q * T;
    const flops_per_fwdbwd = flops_per_token * T;
    const flops_per_iter = flops_per_fwdbwd * fwdbwd_per_iter;
    // express our flops throughput as ratio of A100 bfloat16 peak flops
    const flops_achieved = flops_per_iter * (1.0 / dt); // per second
    const flops_promised = 312e12; // A100 GPU bfloat16 peak flops is 312 TFLOPS
    const mfu = flops_achieved / flops_promised;
    return mfu;
  }
  // @torch.no_grad() def generate(self, idx, max_new_tokens, temperature=1.0, top_k=None): the decorator form
  generate: (idx: Tensor, max_new_tokens: number, temperature?: number, top_k?: number | null) => Tensor = torch.no_grad()((idx: Tensor, max_new_tokens: number, temperature = 1.0, top_k: number | null = null): Tensor => {
    for (let k = 0; k < max_new_tokens; k++) {
      // if the sequence context is growing too long we must crop it at block_size
      const idx_cond = idx.size(1) <= this.config.block_size ? idx : idx.index(":", `${-this.config.block_size}:`);
      // forward the model to get the logits for the index in the sequence
      let [logits] = (this as GPT)(idx_cond); // self(idx_cond)
      // pluck the logits at the final step and scale by desired temperature
      logits = logits.index(":", -1, ":").div(temperature);
      // optionally crop the logits to only the top k options
      if (top_k !== null) {
        const [v] = torch.topk(logits, Math.min(top_k, logits.size(-1)));
        logits.index_put_([logits.lt(v.index(":", [-1]))], -Infinity); // logits[logits < v[:, [-1]]] = -float('Inf')
      }
      // apply softmax to convert logits to (normalized) probabilities
      const probs = F.softmax(logits, { dim: -1 });
      // sample from the distribution
      const idx_next = torch.multinomial(probs, { num_samples: 1 });
      // append sampled index to the running sequence and continue
      idx = torch.cat([idx, idx_next], { dim: 1 });
    }
    return idx;
  });
}
