/**
 * Karpathy's minGPT (karpathy/minGPT, mingpt/model.py, with mingpt/utils.py's CfgNode) as a learner translates
 * it to the engine: NewGELU, CausalSelfAttention (masked_fill on a registered tril buffer), Block (nn.ModuleDict
 * and a lambda MLP), GPT (get_default_config, the model_type table, _init_weights through apply, the scaled
 * c_proj init, configure_optimizers' decay / no_decay groups by module type, forward, @torch.no_grad() generate).
 * Shared by the probes that run it (transformers_from_scratch.test.ts: the seeded init, trainer steps and
 * generate; annotated_mingpt.test.ts: projects/adder and projects/chargpt through Trainer.run), each against its
 * own torch 1.13 fixtures; scripts/fixtures/mingpt.py is the same code in Python.
 * Left out: GPT.from_pretrained (it loads huggingface weights), CfgNode's printing and merge_from_args. The
 * constructor's print("number of parameters: %.2fM") is kept as params_line for the probes to compare.
 */
import { F, nn, optim, torch, type Tensor } from "../../../../lib/tensor/index";

/** mingpt.utils.CfgNode: a lightweight configuration class inspired by yacs (attributes, merge_from_dict). */
export class CfgNode {
  [key: string]: unknown;
  constructor(kwargs: Record<string, unknown> = {}) {
    Object.assign(this, kwargs); // self.__dict__.update(kwargs)
  }
  merge_from_dict(d: Record<string, unknown>): void {
    Object.assign(this, d);
  }
}

/** GPT.get_default_config()'s fields: either model_type or (n_layer, n_head, n_embd) must be given. */
export interface ModelConfig extends CfgNode {
  model_type: string | null;
  n_layer: number | null;
  n_head: number | null;
  n_embd: number | null;
  vocab_size: number | null;
  block_size: number | null;
  embd_pdrop: number;
  resid_pdrop: number;
  attn_pdrop: number;
}

/** What configure_optimizers reads of mingpt.trainer.Trainer's config. */
export interface OptimizerConfig {
  weight_decay: number;
  learning_rate: number;
  betas: [number, number];
}

export class NewGELU extends nn.Module {
  forward(x: Tensor): Tensor {
    // 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))
    return x.mul(0.5).mul(torch.tanh(x.add(torch.pow(x, 3.0).mul(0.044715)).mul(Math.sqrt(2.0 / Math.PI))).add(1.0));
  }
}

export class CausalSelfAttention extends nn.Module {
  c_attn: nn.Linear;
  c_proj: nn.Linear;
  attn_dropout: nn.Dropout;
  resid_dropout: nn.Dropout;
  declare bias: Tensor;
  n_head: number;
  n_embd: number;
  constructor(config: ModelConfig) {
    super();
    const [n_embd, n_head, block_size] = [config.n_embd!, config.n_head!, config.block_size!];
    if (n_embd % n_head !== 0) throw new Error("assert config.n_embd % config.n_head == 0");
    // key, query, value projections for all heads, but in a batch
    this.c_attn = new nn.Linear(n_embd, 3 * n_embd);
    // output projection
    this.c_proj = new nn.Linear(n_embd, n_embd);
    // regularization
    this.attn_dropout = new nn.Dropout(config.attn_pdrop);
    this.resid_dropout = new nn.Dropout(config.resid_pdrop);
    // causal mask to ensure that attention is only applied to the left in the input sequence
    this.register_buffer("bias", torch.tril(torch.ones(block_size, block_size)).view(1, 1, block_size, block_size));
    this.n_head = n_head;
    this.n_embd = n_embd;
  }
  forward(x: Tensor): Tensor {
    const [B, T, C] = x.size(); // batch size, sequence length, embedding dimensionality (n_embd)
    // calculate query, key, values for all heads in batch and move head forward to be the batch dim
    let [q, k, v] = this.c_attn(x).split(this.n_embd, { dim: 2 });
    k = k.view(B, T, this.n_head, Math.floor(C / this.n_head)).transpose(1, 2); // (B, nh, T, hs)
    q = q.view(B, T, this.n_head, Math.floor(C / this.n_head)).transpose(1, 2); // (B, nh, T, hs)
    v = v.view(B, T, this.n_head, Math.floor(C / this.n_head)).transpose(1, 2); // (B, nh, T, hs)
    // causal self-attention; Self-attend: (B, nh, T, hs) x (B, nh, hs, T) -> (B, nh, T, T)
    let att = q.matmul(k.transpose(-2, -1)).mul(1.0 / Math.sqrt(k.size(-1)));
    att = att.masked_fill(this.bias.index(":", ":", `:${T}`, `:${T}`).eq(0), -Infinity); // self.bias[:,:,:T,:T] == 0
    att = F.softmax(att, { dim: -1 });
    att = this.attn_dropout(att);
    let y = att.matmul(v); // (B, nh, T, T) x (B, nh, T, hs) -> (B, nh, T, hs)
    y = y.transpose(1, 2).contiguous().view(B, T, C); // re-assemble all head outputs side by side
    // output projection
    y = this.resid_dropout(this.c_proj(y));
    return y;
  }
}

type MLPDict = nn.ModuleDict & { c_fc: nn.Linear; c_proj: nn.Linear; act: NewGELU; dropout: nn.Dropout };

/** an unassuming Transformer block */
export class Block extends nn.Module {
  ln_1: nn.LayerNorm;
  attn: CausalSelfAttention;
  ln_2: nn.LayerNorm;
  mlp: MLPDict;
  mlpf: (x: Tensor) => Tensor;
  constructor(config: ModelConfig) {
    super();
    const n_embd = config.n_embd!;
    this.ln_1 = new nn.LayerNorm(n_embd);
    this.attn = new CausalSelfAttention(config);
    this.ln_2 = new nn.LayerNorm(n_embd);
    this.mlp = new nn.ModuleDict({
      c_fc: new nn.Linear(n_embd, 4 * n_embd),
      c_proj: new nn.Linear(4 * n_embd, n_embd),
      act: new NewGELU(),
      dropout: new nn.Dropout(config.resid_pdrop),
    }) as MLPDict;
    const m = this.mlp;
    this.mlpf = (x) => m.dropout(m.c_proj(m.act(m.c_fc(x)))); // MLP forward
  }
  forward(x: Tensor): Tensor {
    x = x.add(this.attn(this.ln_1(x)));
    x = x.add(this.mlpf(this.ln_2(x)));
    return x;
  }
}

type Transformer = nn.ModuleDict & { wte: nn.Embedding; wpe: nn.Embedding; drop: nn.Dropout; h: nn.ModuleList; ln_f: nn.LayerNorm };

/** GPT Language Model */
export class GPT extends nn.Module {
  block_size: number;
  transformer: Transformer;
  lm_head: nn.Linear;
  params_line: string;
  static get_default_config(): ModelConfig {
    const C = new CfgNode() as ModelConfig;
    // either model_type or (n_layer, n_head, n_embd) must be given in the config
    C.model_type = "gpt";
    C.n_layer = null;
    C.n_head = null;
    C.n_embd = null;
    // these options must be filled in externally
    C.vocab_size = null;
    C.block_size = null;
    // dropout hyperparameters
    C.embd_pdrop = 0.1;
    C.resid_pdrop = 0.1;
    C.attn_pdrop = 0.1;
    return C;
  }
  constructor(config: ModelConfig) {
    super();
    if (config.vocab_size === null) throw new Error("assert config.vocab_size is not None");
    if (config.block_size === null) throw new Error("assert config.block_size is not None");
    this.block_size = config.block_size;

    const type_given = config.model_type !== null;
    const params_given = [config.n_layer, config.n_head, config.n_embd].every((v) => v !== null);
    if (type_given === params_given) throw new Error("assert type_given ^ params_given"); // exactly one of these (XOR)
    if (type_given) {
      // translate from model_type to detailed configuration
      const table: Record<string, { n_layer: number; n_head: number; n_embd: number }> = {
        // names follow the huggingface naming conventions
        // GPT-1
        "openai-gpt": { n_layer: 12, n_head: 12, n_embd: 768 }, // 117M params
        // GPT-2 configs
        gpt2: { n_layer: 12, n_head: 12, n_embd: 768 }, // 124M params
        "gpt2-medium": { n_layer: 24, n_head: 16, n_embd: 1024 }, // 350M params
        "gpt2-large": { n_layer: 36, n_head: 20, n_embd: 1280 }, // 774M params
        "gpt2-xl": { n_layer: 48, n_head: 25, n_embd: 1600 }, // 1558M params
        // Gophers
        "gopher-44m": { n_layer: 8, n_head: 16, n_embd: 512 },
        // I made these tiny models up
        "gpt-mini": { n_layer: 6, n_head: 6, n_embd: 192 },
        "gpt-micro": { n_layer: 4, n_head: 4, n_embd: 128 },
        "gpt-nano": { n_layer: 3, n_head: 3, n_embd: 48 },
      };
      config.merge_from_dict(table[config.model_type!]);
    }
    const [n_layer, n_embd] = [config.n_layer!, config.n_embd!];

    this.transformer = new nn.ModuleDict({
      wte: new nn.Embedding(config.vocab_size, n_embd),
      wpe: new nn.Embedding(config.block_size, n_embd),
      drop: new nn.Dropout(config.embd_pdrop),
      h: new nn.ModuleList(Array.from({ length: n_layer }, () => new Block(config))),
      ln_f: new nn.LayerNorm(n_embd),
    }) as Transformer;
    this.lm_head = new nn.Linear(n_embd, config.vocab_size, { bias: false });

    // init all weights, and apply a special scaled init to the residual projections, per GPT-2 paper
    this.apply((m) => this._init_weights(m));
    for (const [pn, p] of this.named_parameters()) {
      if (pn.endsWith("c_proj.weight")) torch.nn.init.normal_(p, { mean: 0.0, std: 0.02 / Math.sqrt(2 * n_layer) });
    }

    // report number of parameters (note we don't count the decoder parameters in lm_head)
    const n_params = [...this.transformer.parameters()].reduce((s, p) => s + p.numel(), 0);
    this.params_line = `number of parameters: ${(n_params / 1e6).toFixed(2)}M`; // print(...)
  }
  _init_weights(module: nn.Module): void {
    if (module instanceof nn.Linear) {
      torch.nn.init.normal_(module.weight, { mean: 0.0, std: 0.02 });
      if (module.bias !== null) torch.nn.init.zeros_(module.bias);
    } else if (module instanceof nn.Embedding) {
      torch.nn.init.normal_(module.weight, { mean: 0.0, std: 0.02 });
    } else if (module instanceof nn.LayerNorm) {
      torch.nn.init.zeros_(module.bias!);
      torch.nn.init.ones_(module.weight!);
    }
  }
  configure_optimizers(train_config: OptimizerConfig): optim.AdamW {
    // separate out all parameters to those that will and won't experience regularizing weight decay
    const decay = new Set<string>();
    const no_decay = new Set<string>();
    const whitelist_weight_modules = [torch.nn.Linear];
    const blacklist_weight_modules = [torch.nn.LayerNorm, torch.nn.Embedding];
    for (const [mn, m] of this.named_modules()) {
      for (const [pn] of m.named_parameters()) {
        const fpn = mn ? `${mn}.${pn}` : pn; // full param name
        if (pn.endsWith("bias")) no_decay.add(fpn); // all biases will not be decayed
        else if (pn.endsWith("weight") && whitelist_weight_modules.some((c) => m instanceof c)) decay.add(fpn);
        else if (pn.endsWith("weight") && blacklist_weight_modules.some((c) => m instanceof c)) no_decay.add(fpn);
      }
    }
    // validate that we considered every parameter
    const param_dict = Object.fromEntries(this.named_parameters());
    const inter_params = [...decay].filter((p) => no_decay.has(p));
    const union_params = new Set([...decay, ...no_decay]);
    if (inter_params.length !== 0) throw new Error(`parameters ${inter_params} made it into both decay/no_decay sets!`);
    const missing = Object.keys(param_dict).filter((k) => !union_params.has(k));
    if (missing.length !== 0) throw new Error(`parameters ${missing} were not separated into either decay/no_decay set!`);
    // create the pytorch optimizer object
    const optim_groups = [
      { params: [...decay].sort().map((pn) => param_dict[pn]), weight_decay: train_config.weight_decay },
      { params: [...no_decay].sort().map((pn) => param_dict[pn]), weight_decay: 0.0 },
    ];
    return new torch.optim.AdamW(optim_groups, { lr: train_config.learning_rate, betas: train_config.betas });
  }
  forward(idx: Tensor, targets: Tensor | null = null): [Tensor, Tensor | null] {
    const device = idx.device;
    const [, t] = idx.size();
    if (!(t <= this.block_size)) throw new Error(`Cannot forward sequence of length ${t}, block size is only ${this.block_size}`);
    const pos = torch.arange(0, t, { dtype: torch.long, device }).unsqueeze(0); // shape (1, t)

    // forward the GPT model itself
    const tok_emb = this.transformer.wte(idx); // token embeddings of shape (b, t, n_embd)
    const pos_emb = this.transformer.wpe(pos); // position embeddings of shape (1, t, n_embd)
    let x = this.transformer.drop(tok_emb.add(pos_emb));
    for (const block of this.transformer.h) x = block(x);
    x = this.transformer.ln_f(x);
    const logits = this.lm_head(x);

    // if we are given some desired targets also calculate the loss
    let loss: Tensor | null = null;
    if (targets !== null) loss = F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1), { ignore_index: -1 });
    return [logits, loss];
  }
  // @torch.no_grad() def generate(...): the decorator form (the field's type is spelled out: it reads `this`)
  generate: (idx: Tensor, max_new_tokens: number, temperature?: number, do_sample?: boolean, top_k?: number | null) => Tensor = torch.no_grad()((idx: Tensor, max_new_tokens: number, temperature = 1.0, do_sample = false, top_k: number | null = null): Tensor => {
    for (let i = 0; i < max_new_tokens; i++) {
      // if the sequence context is growing too long we must crop it at block_size
      const idx_cond = idx.size(1) <= this.block_size ? idx : idx.index(":", `${-this.block_size}:`);
      // forward the model to get the logits for the index in the sequence
      let [logits] = (this as GPT)(idx_cond); // self(idx_cond): a module is callable, `this` too
      // pluck the logits at the final step and scale by desired temperature
      logits = logits.index(":", -1, ":").div(temperature);
      // optionally crop the logits to only the top k options
      if (top_k !== null) {
        const [v] = torch.topk(logits, top_k);
        logits.index_put_([logits.lt(v.index(":", [-1]))], -Infinity); // logits[logits < v[:, [-1]]] = -float('Inf')
      }
      // apply softmax to convert logits to (normalized) probabilities
      const probs = F.softmax(logits, { dim: -1 });
      // either sample from the distribution or take the most likely element
      let idx_next: Tensor;
      if (do_sample) idx_next = torch.multinomial(probs, { num_samples: 1 });
      else [, idx_next] = torch.topk(probs, { k: 1, dim: -1 });
      // append sampled index to the running sequence and continue
      idx = torch.cat([idx, idx_next], { dim: 1 });
    }
    return idx;
  });
}
