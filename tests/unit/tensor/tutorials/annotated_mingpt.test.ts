/**
 * A cold probe of three well-known from-scratch transformer sources, translated as a learner would, on the
 * parts transformers_from_scratch.test.ts and zero_to_hero.test.ts do not already compare:
 *   - "The Annotated Transformer" (harvardnlp/annotated-transformer, the_annotated_transformer.py): run_epoch
 *     with TrainState, gradient accumulation (accum_iter=2), its log line and the DummyOptimizer /
 *     DummyScheduler eval epoch; example_learning_schedule's three rate() curves through LambdaLR;
 *     collate_batch (torch.cat, F.pad with value=pad_id on int64, torch.stack); the attention maps the
 *     visualisation section reads from MultiHeadedAttention.attn; dropout switched off through m.p.
 *   - Karpathy's minGPT: projects/adder (AdditionDataset over randperm(generator=rng), GPT 'gpt-nano' through
 *     merge_from_dict, Trainer.run with RandomSampler(replacement=True, num_samples=int(1e10)), callbacks,
 *     eval_split with flip / factors / greedy generate and its printed lines) and projects/chargpt (CharDataset,
 *     sampled completions with top_k inside the training callback).
 *   - nanoGPT: bias=False (F.layer_norm with a None bias, Linear(bias=False)), the flash path
 *     (F.scaled_dot_product_attention(is_causal=True)) against torch 1.13's masked-softmax path, weight tying,
 *     gradients, configure_optimizers' printed lines, bench.py's fixed-batch steps, estimate_mfu, sample.py's
 *     resume ('_orig_mod.' prefix stripping, GPTConfig(**model_args)) and generate, crop_block_size.
 * Values are torch 1.13's run of the same code (scripts/fixtures/annotated_mingpt_fixtures.py ->
 * tests/fixtures/torch/tutorials/annotated_mingpt.json); dropout is 0 (the engine's dropout masks are not
 * torch's stream). The three models are the translations the other probes share: ./annotated_transformer.ts,
 * ./mingpt.ts and ./nanogpt.ts (scripts/fixtures/annotated_transformer.py, mingpt.py and nanogpt.py for torch).
 *
 * Python forms and how they are written here: `x[:, :k]` is x.index(":", `:${k}`); `x[None, ...]` is
 * x.index("None", "...") (a null index is ":", as elsewhere in the engine); `a == b` is a.eq(b);
 * `logits[logits < v[:, [-1]]] = -inf` is index_put_ with the boolean mask; `@torch.no_grad()` is
 * torch.no_grad(() => ...); integer lists given to torch.tensor are int64 only with { dtype: torch.long };
 * `total_loss = 0; total_loss += loss` starts from torch.tensor(0); Python's % formatting is written out.
 */
import { describe, expect, it, vi } from "vitest";
import { F, nn, optim, torch, utils, type Tensor } from "../../../../lib/tensor/index";
import { expectClose } from "../core/fixtures";
import { tutorialFixture } from "./helpers";
import {
  Batch, DecoderLayer, Embeddings, EncoderDecoder, EncoderLayer, Generator, LabelSmoothing, data_gen, make_model, rate, subsequent_mask,
} from "./annotated_transformer";
import { CfgNode, GPT as MinGPT, type ModelConfig } from "./mingpt";
import { GPT as NanoGPT, GPTConfig, type Block as NBlock } from "./nanogpt";

type FT = { shape: number[]; data: number[] };
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const ref = tutorialFixture<Record<string, any>>("annotated_mingpt.json");
const close = (t: Tensor, e: FT, rtol = 1e-4, atol = 1e-5, label = ""): void => {
  expect(t.shape, label).toEqual(e.shape);
  expectClose(t, e.data, rtol, atol, label);
};
/** Python's "%.Ne": an exponent of at least two digits. */
const fmtE = (v: number, digits: number): string => v.toExponential(digits).replace(/e([+-])(\d)$/, "e$10$2");

// =============================================================================================
// The Annotated Transformer
// =============================================================================================
class TrainState {
  step = 0; // Steps in the current epoch
  accum_step = 0; // Number of gradient accumulation steps
  samples = 0; // total # of examples used
  tokens = 0; // total # of tokens processed
}

interface OptimizerLike {
  param_groups: { lr: number }[];
  step(): void;
  zero_grad(options?: { set_to_none?: boolean }): void;
}
class DummyOptimizer implements OptimizerLike {
  param_groups = [{ lr: 0 }];
  step(): void {}
  zero_grad(): void {}
}
class DummyScheduler {
  step(): void {}
}

type LossCompute = (x: Tensor, y: Tensor, norm: Tensor) => [Tensor, Tensor];

function run_epoch(
  data_iter: Iterable<Batch>,
  model: EncoderDecoder,
  loss_compute: LossCompute,
  optimizer: OptimizerLike,
  scheduler: { step(): void },
  mode = "train",
  accum_iter = 1,
  train_state = new TrainState(),
): [Tensor, TrainState, string[]] {
  let total_tokens: Tensor = torch.tensor(0);
  let total_loss: Tensor = torch.tensor(0);
  let n_accum = 0;
  const logs: string[] = [];
  let i = 0;
  for (const batch of data_iter) {
    const out = model.forward(batch.src, batch.tgt, batch.src_mask, batch.tgt_mask);
    const [loss, loss_node] = loss_compute(out, batch.tgt_y, batch.ntokens);
    if (mode === "train" || mode === "train+log") {
      loss_node.backward();
      train_state.step += 1;
      train_state.samples += batch.src.shape[0];
      train_state.tokens += batch.ntokens.item();
      if (i % accum_iter === 0) {
        optimizer.step();
        optimizer.zero_grad({ set_to_none: true });
        n_accum += 1;
        train_state.accum_step += 1;
      }
      scheduler.step();
    }
    total_loss = total_loss.add(loss);
    total_tokens = total_tokens.add(batch.ntokens);
    if (i % 40 === 1 && (mode === "train" || mode === "train+log")) {
      const lr = optimizer.param_groups[0].lr;
      logs.push(
        `Epoch Step: ${String(i).padStart(6)} | Accumulation Step: ${String(n_accum).padStart(3)} | ` +
          `Loss: ${loss.div(batch.ntokens).item().toFixed(2).padStart(6)} | Learning Rate: ${fmtE(lr, 1).padStart(6)}`,
      );
    }
    i++;
  }
  return [total_loss.div(total_tokens), train_state, logs];
}

const SimpleLossCompute =
  (generator: Generator, criterion: LabelSmoothing): LossCompute =>
  (x, y, norm) => {
    x = generator(x);
    const sloss = criterion(x.contiguous().view(-1, x.size(-1)), y.contiguous().view(-1)).div(norm);
    return [sloss.data.mul(norm), sloss];
  };

function collate_batch(
  batch: [string, string][],
  src_pipeline: (s: string) => string[],
  tgt_pipeline: (s: string) => string[],
  src_vocab: (t: string[]) => number[],
  tgt_vocab: (t: string[]) => number[],
  device: ReturnType<typeof torch.device>,
  max_padding = 128,
  pad_id = 2,
): [Tensor, Tensor] {
  const bs_id = torch.tensor([0], { dtype: torch.long, device }); // <s> token id
  const eos_id = torch.tensor([1], { dtype: torch.long, device }); // </s> token id
  const src_list: Tensor[] = [];
  const tgt_list: Tensor[] = [];
  for (const [_src, _tgt] of batch) {
    const processed_src = torch.cat([bs_id, torch.tensor(src_vocab(src_pipeline(_src)), { dtype: torch.int64, device }), eos_id], 0);
    const processed_tgt = torch.cat([bs_id, torch.tensor(tgt_vocab(tgt_pipeline(_tgt)), { dtype: torch.int64, device }), eos_id], 0);
    src_list.push(F.pad(processed_src, [0, max_padding - processed_src.length], { value: pad_id }));
    tgt_list.push(F.pad(processed_tgt, [0, max_padding - processed_tgt.length], { value: pad_id }));
  }
  return [torch.stack(src_list), torch.stack(tgt_list)];
}

describe("The Annotated Transformer: the training loop, the schedule curves, collate_batch, the attention maps", () => {
  it("example_learning_schedule: three rate() curves through LambdaLR(optimizer=..., lr_lambda=...), as a tensor", () => {
    const opts = [
      [512, 1, 4000],
      [512, 1, 8000],
      [256, 1, 4000],
    ];
    const dummy_model = new torch.nn.Linear(1, 1);
    const rows: number[][] = [];
    for (const example of opts) {
      const optimizer = new torch.optim.Adam(dummy_model.parameters(), { lr: 1, betas: [0.9, 0.98], eps: 1e-9 });
      const lr_scheduler = new optim.lr_scheduler.LambdaLR({ optimizer, lr_lambda: (step: number) => rate(step, example[0], example[1], example[2]) });
      const tmp: number[] = [];
      for (let step = 0; step < 40; step++) {
        tmp.push(optimizer.param_groups[0].lr as number);
        optimizer.step();
        lr_scheduler.step();
      }
      rows.push(tmp);
    }
    const learning_rates = torch.tensor(rows);
    close(learning_rates, ref.schedule, 1e-7, 0, "schedule");
    close(learning_rates.index(1, ":"), ref.schedule_row1, 1e-7, 0, "learning_rates[1, :]");
  });

  it("LambdaLR(optimizer, lr_lambda, last_epoch=-1, verbose=True), torch 1.13's full signature, and the other schedulers' verbose lines", () => {
    const lines = (fn: () => void): string[] => {
      const spy = vi.spyOn(console, "log").mockImplementation(() => {});
      try {
        fn();
        return spy.mock.calls.map((c) => String(c[0]));
      } finally {
        spy.mockRestore();
      }
    };
    const p = [new nn.Parameter(torch.ones(1))];
    const v = ref.verbose;
    expect(lines(() => {
      const optimizer = new torch.optim.Adam(p, { lr: 1, betas: [0.9, 0.98], eps: 1e-9 });
      const lr_scheduler = new optim.lr_scheduler.LambdaLR(optimizer, (step: number) => rate(step, 512, 1, 4000), -1, true);
      for (let i = 0; i < 3; i++) {
        optimizer.step();
        lr_scheduler.step();
      }
    })).toEqual(v.lambda);
    expect(lines(() => {
      const opt = new torch.optim.SGD(p, { lr: 1.0 });
      const sch = new optim.lr_scheduler.StepLR(opt, 2, 0.5, -1, true);
      for (let i = 0; i < 3; i++) {
        opt.step();
        sch.step();
      }
      sch.step(7);
    })).toEqual(v.step);
    expect(lines(() => {
      const opt = new torch.optim.SGD(p, { lr: 1.0 });
      const sch = new optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, 2, { verbose: true });
      opt.step();
      sch.step();
      sch.step(2.5);
    })).toEqual(v.warm_restarts);
    expect(lines(() => {
      const opt = new torch.optim.SGD(p, { lr: 1.0 });
      const sch = new optim.lr_scheduler.ReduceLROnPlateau(opt, { patience: 0, verbose: true });
      for (const m of [1.0, 2.0, 3.0]) sch.step(m);
    })).toEqual(v.plateau);
    expect(lines(() => {
      const opt = new torch.optim.SGD(p, { lr: 1.0 });
      const sch = new optim.lr_scheduler.ExponentialLR(opt, 0.5, -1, false);
      const lrs: number[] = [];
      for (let i = 0; i < 3; i++) {
        opt.step();
        sch.step();
        lrs.push(sch.get_last_lr()[0]);
      }
      console.log(`[${lrs.join(", ")}]`);
    })).toEqual(v.quiet);
    // LambdaLR({ optimizer, lr_lambda, last_epoch, verbose }) by keyword; verbose is part of state_dict, as torch's __dict__
    const opt = new torch.optim.SGD(p, { lr: 1.0 });
    const sch = new optim.lr_scheduler.LambdaLR({ optimizer: opt, lr_lambda: () => 0.5, last_epoch: -1, verbose: false });
    expect(sch.state_dict().verbose).toBe(false);
    expect(() => new optim.lr_scheduler.LambdaLR(opt, () => 0.5, -1, false, 3 as never)).toThrow("takes at most 3 positional arguments");
    expect(() => new optim.lr_scheduler.LambdaLR(opt, () => 0.5, { verbos: true } as never)).toThrow("got an unexpected keyword argument 'verbos'");
  });

  it("run_epoch: a train epoch (accum_iter=2, TrainState, its log line), an eval epoch with DummyOptimizer / DummyScheduler", () => {
    torch.manual_seed(0);
    const V = 11;
    const criterion = new LabelSmoothing(V, 0, 0.1);
    const model = make_model(V, V, 1, 16, 32, 2, 0.0);
    let n_dropouts = 0;
    for (const m of model.modules()) {
      if (m instanceof nn.Dropout) {
        m.p = 0.0; // MultiHeadedAttention keeps its own default dropout=0.1
        n_dropouts++;
      }
    }
    expect(n_dropouts).toBe(ref.n_dropouts);
    const optimizer = new torch.optim.Adam(model.parameters(), { lr: 0.5, betas: [0.9, 0.98], eps: 1e-9 });
    const src_embed = model.src_embed as unknown as Embeddings[]; // model.src_embed[0].d_model
    const lr_scheduler = new optim.lr_scheduler.LambdaLR({ optimizer, lr_lambda: (step: number) => rate(step, src_embed[0].d_model, 1.0, 400) });
    model.train();
    const [train_loss, train_state, logs] = run_epoch(
      data_gen(V, 8, 5), model, SimpleLossCompute(model.generator, criterion), optimizer as unknown as OptimizerLike, lr_scheduler, "train", 2, new TrainState(),
    );
    // Adam with eps=1e-9 moves a parameter by about lr even for a gradient of rounding noise (the key projections'
    // biases have a gradient of exactly 0 in exact arithmetic: softmax ignores a per-row shift), so after the first
    // step the losses agree to about 1e-5 and drift further with each step, not to float32 rounding
    expect(Math.abs(train_loss.item() - ref.epoch_train_loss)).toBeLessThan(1e-4);
    expect([train_state.step, train_state.accum_step, train_state.samples, train_state.tokens]).toEqual(ref.epoch_state);
    expect(logs).toEqual(ref.epoch_logs);
    expect(optimizer.param_groups[0].lr).toBeCloseTo(ref.epoch_lr, 15);
    model.eval();
    const [eval_loss] = run_epoch(data_gen(V, 8, 2), model, SimpleLossCompute(model.generator, criterion), new DummyOptimizer(), new DummyScheduler(), "eval");
    expect(Math.abs(eval_loss.item() - ref.epoch_eval_loss)).toBeLessThan(5e-4);

    // the attention visualisation: model.encoder.layers[0].self_attn.attn[0, h].data[:max_words, :max_words]
    const src = torch.LongTensor([[1, 3, 5, 7, 9, 2, 4, 6, 0, 0]]);
    const src_mask = src.ne(0).unsqueeze(-2);
    const memory = model.encode(src, src_mask);
    const enc0 = (model.encoder.layers as unknown as EncoderLayer[])[0];
    [0, 1].forEach((h) => close(enc0.self_attn.attn!.index(0, h).data.index(":8", ":8"), ref.attn_maps[h], 1e-3, 1e-5, `attn ${h}`));
    const ys = torch.ones(1, 3).type_as(src);
    model.decode(memory, src_mask, ys, subsequent_mask(3).type_as(src.data));
    const dec0 = (model.decoder.layers as unknown as DecoderLayer[])[0];
    close(dec0.src_attn.attn!.index(0, 1), ref.src_attn_map, 1e-3, 1e-5, "src_attn");
  });

  it("collate_batch: <s> / </s> ids, F.pad(value=pad_id) of int64 rows, torch.stack", () => {
    const words: Record<string, number> = { ein: 4, hund: 5, "läuft": 6, a: 4, dog: 5, runs: 6, fast: 7 };
    const tok = (s: string): string[] => s.split(" ");
    const voc = (toks: string[]): number[] => toks.map((t) => words[t]);
    const [src, tgt] = collate_batch([["ein hund läuft", "a dog runs fast"], ["hund", "dog"]], tok, tok, voc, voc, torch.device("cpu"), 8);
    expect([src.tolist(), tgt.tolist(), String(src.dtype)]).toEqual(ref.collate);
  });
});

// =============================================================================================
// minGPT (mingpt/model.py is ./mingpt.ts, MinGPT here; mingpt/trainer.py and the projects follow)
// =============================================================================================
interface TrainerConfig extends CfgNode {
  device: string;
  num_workers: number;
  max_iters: number | null;
  batch_size: number;
  learning_rate: number;
  betas: [number, number];
  weight_decay: number;
  grad_norm_clip: number;
}

function set_seed(seed: number): void {
  torch.manual_seed(seed);
  torch.cuda.manual_seed_all(seed);
}

class Trainer {
  optimizer: optim.AdamW | null = null;
  callbacks = new Map<string, ((t: Trainer) => void)[]>(); // defaultdict(list)
  device: string;
  iter_num = 0;
  loss!: Tensor;
  static get_default_config(): TrainerConfig {
    const C = new CfgNode() as TrainerConfig;
    C.device = "auto";
    C.num_workers = 4;
    C.max_iters = null;
    C.batch_size = 64;
    C.learning_rate = 3e-4;
    C.betas = [0.9, 0.95];
    C.weight_decay = 0.1;
    C.grad_norm_clip = 1.0;
    return C;
  }
  constructor(public config: TrainerConfig, public model: MinGPT, public train_dataset: utils.data.Dataset<[Tensor, Tensor]>) {
    this.device = config.device === "auto" ? (torch.cuda.is_available() ? "cuda" : "cpu") : config.device;
    this.model = this.model.to(this.device);
  }
  set_callback(onevent: string, callback: (t: Trainer) => void): void {
    this.callbacks.set(onevent, [callback]);
  }
  trigger_callbacks(onevent: string): void {
    for (const callback of this.callbacks.get(onevent) ?? []) callback(this);
  }
  run(): void {
    const [model, config] = [this.model, this.config];
    this.optimizer = model.configure_optimizers(config);
    const train_loader = new utils.data.DataLoader(this.train_dataset, {
      sampler: new utils.data.RandomSampler(this.train_dataset, { replacement: true, num_samples: Math.trunc(1e10) }),
      shuffle: false,
      pin_memory: true,
      batch_size: config.batch_size,
      num_workers: config.num_workers,
    });
    model.train();
    this.iter_num = 0;
    let data_iter = train_loader[Symbol.iterator]();
    for (;;) {
      let next = data_iter.next();
      if (next.done) {
        data_iter = train_loader[Symbol.iterator]();
        next = data_iter.next();
      }
      const batch = (next.value as Tensor[]).map((t) => t.to(this.device));
      const [x, y] = batch;
      let logits: Tensor;
      [logits, this.loss] = model(x, y) as [Tensor, Tensor];
      expect(logits.shape[0]).toBe(x.shape[0]);
      model.zero_grad({ set_to_none: true });
      this.loss.backward();
      torch.nn.utils.clip_grad_norm_(model.parameters(), config.grad_norm_clip);
      this.optimizer.step();
      this.trigger_callbacks("on_batch_end");
      this.iter_num += 1;
      if (config.max_iters !== null && this.iter_num >= config.max_iters) break;
    }
  }
}

interface AdderConfig extends CfgNode {
  ndigit: number;
}
class AdditionDataset extends utils.data.Dataset<[Tensor, Tensor]> {
  ixes: Tensor;
  static get_default_config(): AdderConfig {
    const C = new CfgNode() as AdderConfig;
    C.ndigit = 2;
    return C;
  }
  constructor(public config: AdderConfig, public split: string) {
    super();
    const ndigit = this.config.ndigit;
    const num = (10 ** ndigit) ** 2; // total number of possible addition problems with ndigit numbers
    const rng = new torch.Generator();
    rng.manual_seed(1337);
    const perm = torch.randperm(num, { generator: rng });
    const num_test = Math.min(Math.trunc(num * 0.2), 500);
    this.ixes = split === "test" ? perm.index(`:${num_test}`) : perm.index(`${num_test}:`);
  }
  get_vocab_size(): number {
    return 10;
  }
  get_block_size(): number {
    return 3 * this.config.ndigit + 1 - 1;
  }
  __len__(): number {
    return this.ixes.nelement();
  }
  __getitem__(i: number): [Tensor, Tensor] {
    const ndigit = this.config.ndigit;
    const idx = this.ixes.index(i).item();
    const nd = 10 ** ndigit;
    const [a, b] = [Math.floor(idx / nd), idx % nd];
    const c = a + b;
    const astr = String(a).padStart(ndigit, "0");
    const bstr = String(b).padStart(ndigit, "0");
    const cstr = [...String(c).padStart(ndigit + 1, "0")].reverse().join(""); // reverse c to make addition easier
    const dix = [...(astr + bstr + cstr)].map((s) => Number(s));
    const x = torch.tensor(dix.slice(0, -1), { dtype: torch.long });
    const y = torch.tensor(dix.slice(1), { dtype: torch.long });
    y.index_put_([`:${ndigit * 2 - 1}`], -1); // y[:ndigit*2-1] = -1
    return [x, y];
  }
}

const TEXT = "O God, O God! how weary, stale, flat and unprofitable seem to me all the uses of this world!";

class CharDataset extends utils.data.Dataset<[Tensor, Tensor]> {
  stoi: Record<string, number>;
  itos: Record<number, string>;
  vocab_size: number;
  constructor(public config: CfgNode & { block_size: number }, public data: string) {
    super();
    const chars = [...new Set(data)].sort();
    this.stoi = Object.fromEntries(chars.map((ch, i) => [ch, i]));
    this.itos = Object.fromEntries(chars.map((ch, i) => [i, ch]));
    this.vocab_size = chars.length;
  }
  get_vocab_size(): number {
    return this.vocab_size;
  }
  get_block_size(): number {
    return this.config.block_size;
  }
  __len__(): number {
    return this.data.length - this.config.block_size;
  }
  __getitem__(idx: number): [Tensor, Tensor] {
    const chunk = this.data.slice(idx, idx + this.config.block_size + 1);
    const dix = [...chunk].map((s) => this.stoi[s]);
    return [torch.tensor(dix.slice(0, -1), { dtype: torch.long }), torch.tensor(dix.slice(1), { dtype: torch.long })];
  }
}

describe("minGPT: projects/adder and projects/chargpt through Trainer.run", () => {
  it("the model's calls with every argument by keyword: torch.tril(input=...), torch.topk(input=, k=), torch.multinomial(input=, num_samples=), nn.init.normal_(tensor=, ...)", () => {
    const bias = torch.tril({ input: torch.ones(4, 4) }).view(1, 1, 4, 4);
    expect(torch.equal(bias, torch.tril(torch.ones(4, 4)).view(1, 1, 4, 4))).toBe(true);
    expect(torch.equal(torch.triu({ input: torch.ones(3, 3), diagonal: 1 }), torch.triu(torch.ones(3, 3), { diagonal: 1 }))).toBe(true);
    torch.manual_seed(0);
    const logits = torch.randn(2, 6);
    const [v, i] = torch.topk({ input: logits, k: 3 });
    const [v2, i2] = torch.topk(logits, 3);
    expect([v.tolist(), i.tolist()]).toEqual([v2.tolist(), i2.tolist()]);
    const probs = F.softmax(logits, { dim: -1 });
    torch.manual_seed(1);
    const a = torch.multinomial({ input: probs, num_samples: 1 });
    torch.manual_seed(1);
    expect(a.tolist()).toEqual(torch.multinomial(probs, { num_samples: 1 }).tolist());
    // _init_weights: torch.nn.init.normal_(tensor=module.weight, mean=0.0, std=0.02) draws what the positional form draws
    const init = nn.init as unknown as { normal_(o: { tensor: Tensor; mean: number; std: number }): Tensor; zeros_(o: { tensor: Tensor }): Tensor };
    torch.manual_seed(2);
    const w1 = init.normal_({ tensor: torch.empty(3, 4), mean: 0.0, std: 0.02 });
    torch.manual_seed(2);
    expect(torch.equal(w1, nn.init.normal_(torch.empty(3, 4), { mean: 0.0, std: 0.02 }))).toBe(true);
    expect(init.zeros_({ tensor: torch.ones(2) }).tolist()).toEqual([0, 0]);
    expect(() => torch.topk({ input: logits } as never)).toThrow("topk() missing 1 required positional argument: 'k'");
    // F's: F.softmax(input=att, dim=-1), F.pad(input=t, pad=(0, n), value=pad_id), F.scaled_dot_product_attention(query=q, ...)
    const q = torch.randn(1, 2, 3, 4);
    expect(torch.equal(F.softmax({ input: logits, dim: -1 }), F.softmax(logits, { dim: -1 }))).toBe(true);
    expect(torch.equal(F.log_softmax({ input: logits, dim: 1 }), F.log_softmax(logits, 1))).toBe(true);
    expect(torch.equal(F.gelu({ input: logits, approximate: "tanh" }), F.gelu(logits, { approximate: "tanh" }))).toBe(true);
    expect(torch.equal(F.relu({ input: logits }), F.relu(logits))).toBe(true);
    expect(torch.equal(F.dropout({ input: logits, p: 0.0, training: true }), logits)).toBe(true);
    expect(F.pad({ input: torch.tensor([0, 4, 1], { dtype: torch.long }), pad: [0, 2], value: 2 }).tolist()).toEqual([0, 4, 1, 2, 2]);
    const sdpa = F.scaled_dot_product_attention({ query: q, key: q, value: q, attn_mask: null, dropout_p: 0.0, is_causal: true });
    expect(torch.equal(sdpa, F.scaled_dot_product_attention(q, q, q, { is_causal: true }))).toBe(true);
    // @ts-expect-error the input twice: the keyword forms' types refuse it as torch does
    expect(() => F.softmax(logits, { input: logits })).toThrow("softmax() got multiple values for argument 'input'");
    // torch.*'s: the Annotated Transformer's torch.max(prob, dim=1) and nonzero, minGPT's torch.tanh / torch.allclose
    // (run-time forms: their typings stay positional)
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const T: any = torch;
    const [mv, mi] = T.max({ input: logits, dim: 1 }) as Tensor[];
    const [mv2, mi2] = torch.max(logits, 1);
    expect([mv.tolist(), mi.tolist()]).toEqual([mv2.tolist(), mi2.tolist()]);
    expect(T.nonzero({ input: logits.gt(0) }).tolist()).toEqual(torch.nonzero(logits.gt(0)).tolist());
    expect(torch.equal(T.tanh({ input: logits }), torch.tanh(logits))).toBe(true);
    expect(torch.equal(T.softmax({ input: logits, dim: -1 }), torch.softmax(logits, -1))).toBe(true);
    expect(T.allclose({ input: logits, other: logits.add(1e-9), atol: 1e-6 })).toBe(true);
    expect(T.sum({ input: logits, dim: 0 }).tolist()).toEqual(torch.sum(logits, 0).tolist());
    expect(() => T.exp({ input: logits, zzz: 1 })).toThrow("exp() got an unexpected keyword argument 'zzz'");
    // the causal mask registered by keyword: self.register_buffer(name="bias", tensor=..., persistent=False), and
    // register_parameter / add_module the same way
    class Attn extends nn.Module {
      declare bias: Tensor;
      constructor() {
        super();
        this.register_buffer({ name: "bias", tensor: torch.tril(torch.ones(3, 3)).view(1, 1, 3, 3), persistent: false });
        this.register_parameter({ name: "scale", param: new nn.Parameter(torch.ones(1)) });
        this.add_module({ name: "c_proj", module: new nn.Linear(2, 2) });
      }
    }
    const attn = new Attn();
    expect(attn.bias.shape).toEqual([1, 1, 3, 3]);
    expect(Object.keys(attn.state_dict())).toEqual(["scale", "c_proj.weight", "c_proj.bias"]); // a non-persistent buffer is not saved
    expect([...attn.named_buffers()].map(([n]) => n)).toEqual(["bias"]);
    expect(() => attn.register_buffer({ name: "mask" } as never)).toThrow("register_buffer() missing 1 required positional argument: 'tensor'");
    expect(() => attn.register_buffer("mask", torch.ones(1), { tensor: torch.ones(1) } as never)).toThrow("register_buffer() got multiple values for argument 'tensor'");
    expect(() => init.normal_({ tensor: torch.empty(2), meen: 0 } as never)).toThrow("normal_() got an unexpected keyword argument 'meen'");
  });

  it("adder: AdditionDataset, GPT('gpt-nano'), seven Trainer iterations (RandomSampler, num_samples=int(1e10)), eval_split every 3", () => {
    const C = new CfgNode({ system: new CfgNode({ seed: 3407 }), data: AdditionDataset.get_default_config(), model: MinGPT.get_default_config(), trainer: Trainer.get_default_config() });
    const config = C as CfgNode & { system: CfgNode & { seed: number }; data: AdderConfig; model: ModelConfig; trainer: TrainerConfig };
    config.model.model_type = "gpt-nano";
    config.trainer.learning_rate = 5e-4;
    config.trainer.batch_size = 16;
    config.trainer.max_iters = 7;
    config.trainer.num_workers = 0;
    config.model.embd_pdrop = config.model.resid_pdrop = config.model.attn_pdrop = 0.0;
    set_seed(config.system.seed);
    const train_dataset = new AdditionDataset(config.data, "train");
    const test_dataset = new AdditionDataset(config.data, "test");
    const a = ref.adder;
    expect([train_dataset.length, test_dataset.length]).toEqual(a.lens);
    expect(train_dataset.ixes.index(":6").tolist()).toEqual(a.ixes_head);
    // the same permutation with every argument by keyword, torch.randperm(n=num, generator=rng); it made a tensor of
    // "size" { n, generator } before; a float n is torch's TypeError, as are torch.eye's
    const rng = new torch.Generator();
    rng.manual_seed(1337);
    expect(torch.randperm({ n: 10 ** 4, generator: rng }).index("500:506").tolist()).toEqual(a.ixes_head);
    expect(() => torch.randperm({ generator: rng } as never)).toThrow('randperm() missing 1 required positional arguments: "n"');
    expect(() => torch.randperm(2.5)).toThrow("randperm(): argument 'n' (position 1) must be int, not float");
    expect(() => torch.randperm(2, 3 as never)).toThrow("randperm() takes 1 positional argument but 2 were given");
    expect(torch.eye({ n: 2, m: 3 }).tolist()).toEqual([[1, 0, 0], [0, 1, 0]]);
    // rng = torch.Generator(device='cpu') (or Generator('cpu')): it crashed with a BigInt RangeError (the device was taken for a seed)
    for (const rng2 of [new torch.Generator({ device: "cpu" }), new torch.Generator("cpu"), new torch.Generator(torch.device("cpu"))]) {
      expect(String(rng2.device)).toBe("cpu");
      rng2.manual_seed(1337);
      expect(torch.randperm(10 ** 4, { generator: rng2 }).index("500:506").tolist()).toEqual(a.ixes_head);
    }
    expect(() => new torch.Generator({ device: "cuda" })).toThrow("runs on the CPU only");
    expect(() => rng.manual_seed({ seed: 1 } as never)).toThrow("Generator.manual_seed() takes no keyword arguments"); // as torch 1.13
    expect(() => rng.manual_seed("1" as never)).toThrow("manual_seed expected a long, but got str");
    expect(() => torch.eye(2.5)).toThrow("eye(): argument 'n' (position 1) must be int, not float");
    expect(train_dataset.__getitem__(0).map((t) => t.tolist())).toEqual(a.item0);
    expect(test_dataset.__getitem__(3).map((t) => t.tolist())).toEqual(a.test_item3);
    config.model.vocab_size = train_dataset.get_vocab_size();
    config.model.block_size = train_dataset.get_block_size();
    const model = new MinGPT(config.model);
    expect(model.params_line).toBe(a.params_line);
    const trainer = new Trainer(config.trainer, model, train_dataset);

    const eval_split = (trainer: Trainer, split: "train" | "test", max_batches: number | null = null): [Tensor, string, string[], string] => {
      const dataset = { train: train_dataset, test: test_dataset }[split];
      const ndigit = config.data.ndigit;
      const results: number[] = [];
      const mistakes: string[] = [];
      const factors = torch.tensor([Array.from({ length: ndigit + 1 }, (_, i) => 10 ** i).reverse()], { dtype: torch.long }).to(trainer.device);
      const loader = new utils.data.DataLoader(dataset, { batch_size: 100, num_workers: 0, drop_last: false });
      let b = 0;
      for (const [x_] of loader as Iterable<Tensor[]>) {
        const x = x_.to(trainer.device);
        const d1d2 = x.index(":", `:${ndigit * 2}`);
        const d1d2d3 = model.generate(d1d2, ndigit + 1, 1.0, false);
        let d3 = d1d2d3.index(":", `-${ndigit + 1}:`);
        d3 = d3.flip(1);
        const d1i = d1d2.index(":", `:${ndigit}`).mul(factors.index(":", "1:")).sum(1);
        const d2i = d1d2.index(":", `${ndigit}:${ndigit * 2}`).mul(factors.index(":", "1:")).sum(1);
        const d3i_pred = d3.mul(factors).sum(1);
        const d3i_gt = d1i.add(d2i);
        const correct = d3i_pred.eq(d3i_gt).cpu();
        for (let i = 0; i < x.size(0); i++) {
          results.push(Number(correct.index(i))); // int(correct[i])
          if (!correct.index(i).item() && mistakes.length < 3) {
            mistakes.push(`GPT claims that ${d1i.index(i).item()} + ${d2i.index(i).item()} = ${d3i_pred.index(i).item()} but gt is ${d3i_gt.index(i).item()}`);
          }
        }
        b++;
        if (max_batches !== null && b >= max_batches) break;
      }
      const rt = torch.tensor(results, { dtype: torch.float });
      const line = `${split} final score: ${rt.sum().item()}/${results.length} = ${rt.mean().mul(100).item().toFixed(2)}% correct`;
      return [rt.sum(), line, mistakes, String(factors.dtype)];
    };

    const losses: number[] = [];
    const evals: unknown[] = [];
    trainer.set_callback("on_batch_end", (trainer) => {
      losses.push(trainer.loss.item());
      if (trainer.iter_num % 3 === 0) {
        model.eval();
        const [score, line, mistakes, fdt] = torch.no_grad(() => eval_split(trainer, "test", 1));
        evals.push([trainer.iter_num, score.item(), line, mistakes, fdt]);
        model.train();
      }
    });
    trainer.run();
    expectClose(losses, a.losses, 1e-4, 1e-5, "adder losses");
    expect(evals).toEqual(a.evals);
    expect(trainer.iter_num).toBe(a.iter_num);
    close(model.transformer.wpe.weight.index(":2"), a.wpe_after, 1e-3, 1e-5, "wpe after");
  });

  it("chargpt: CharDataset, a GPT by n_layer / n_head / n_embd, five iterations, top_k=10 completions from the callback", () => {
    set_seed(3407);
    const train_dataset = new CharDataset(new CfgNode({ block_size: 12 }) as CfgNode & { block_size: number }, TEXT);
    const mc = MinGPT.get_default_config();
    mc.model_type = null;
    [mc.n_layer, mc.n_head, mc.n_embd] = [2, 2, 24];
    mc.embd_pdrop = mc.resid_pdrop = mc.attn_pdrop = 0.0;
    mc.vocab_size = train_dataset.get_vocab_size();
    mc.block_size = train_dataset.get_block_size();
    const model = new MinGPT(mc);
    const tc = Trainer.get_default_config();
    tc.learning_rate = 5e-4;
    tc.max_iters = 5;
    tc.batch_size = 8;
    tc.num_workers = 0;
    const trainer = new Trainer(tc, model, train_dataset);
    const losses: number[] = [];
    const completions: string[] = [];
    trainer.set_callback("on_batch_end", (trainer) => {
      losses.push(trainer.loss.item());
      if (trainer.iter_num % 2 === 0) {
        model.eval();
        torch.no_grad(() => {
          const context = "O God, O God!";
          const x = torch.tensor([...context].map((s) => train_dataset.stoi[s]), { dtype: torch.long }).index("None", "...").to(trainer.device);
          const y = model.generate(x, 15, 1.0, true, 10).index(0);
          completions.push([...y].map((i) => train_dataset.itos[Number(i)]).join(""));
        });
        model.train();
      }
    });
    trainer.run();
    const c = ref.chargpt;
    expect([train_dataset.length, train_dataset.vocab_size]).toEqual([c.len, c.vocab]);
    expectClose(losses, c.losses, 1e-4, 1e-5, "chargpt losses");
    expect(completions).toEqual(c.completions);
  });
});

// =============================================================================================
// nanoGPT (model.py is ./nanogpt.ts, NanoGPT here)
// =============================================================================================
describe("nanoGPT: bias=False, bench.py's steps, sample.py's resume and generate, crop_block_size", () => {
  it("the flash path equals torch 1.13's masked softmax: logits, loss, gradients; then five AdamW steps, the resume and samples", () => {
    const n = ref.nano;
    const [batch_size, block_size, bias, seed, device] = [4, 16, false, 1337, "cpu"];
    torch.manual_seed(seed);
    torch.cuda.manual_seed(seed);
    const device_type = device.includes("cuda") ? "cuda" : "cpu";
    const x = torch.randint(48, [batch_size, block_size], { device });
    const y = torch.randint(48, [batch_size, block_size], { device });
    const get_batch = (split: string): [Tensor, Tensor] => (split === "train" ? [x, y] : [x, y]); // lambda split: (x, y)
    const model = new NanoGPT(new GPTConfig({ block_size, vocab_size: 48, n_layer: 2, n_head: 2, n_embd: 16, dropout: 0, bias }));
    model.to(device);
    expect((model.transformer.h as unknown as NBlock[])[0].attn.flash).toBe(true);
    expect(model.params_line).toBe(n.params_line);
    expect([model.get_num_params(), model.get_num_params(false)]).toEqual(n.num_params);
    expect(Object.keys(model.state_dict())).toEqual(n.state_keys); // torch 1.13's keys without its '.attn.bias' buffers
    let [X, Y] = get_batch("train");
    let [logits, loss] = model(X, Y);
    close(logits.index(0, ":3"), n.logits0, 1e-4, 1e-5, "logits");
    expect(loss!.item()).toBeCloseTo(n.loss0, 5);
    loss!.backward();
    close(model.transformer.wte.weight.grad!.index(":3"), n.grad_wte, 1e-3, 1e-6, "wte grad (tied with lm_head)");
    close((model.transformer.h as unknown as NBlock[])[0].ln_1.weight.grad!, n.grad_ln1, 1e-3, 1e-6, "ln_1 grad");
    model.zero_grad({ set_to_none: true });
    const optimizer = model.configure_optimizers(1e-2, 1e-3, [0.9, 0.95], device_type);
    expect(model.opt_lines).toEqual(n.opt_lines);
    const losses: number[] = [];
    for (let k = 0; k < 5; k++) {
      [logits, loss] = model(X, Y);
      [X, Y] = get_batch("train");
      optimizer.zero_grad({ set_to_none: true });
      loss!.backward();
      optimizer.step();
      losses.push(loss!.item());
    }
    expectClose(losses, n.bench_losses, 1e-4, 1e-5, "bench losses");
    expect(model.estimate_mfu(batch_size * 1 * 5, 0.25)).toBeCloseTo(n.mfu, 18);

    // train.py's checkpoint of a compiled model ('_orig_mod.' keys), sample.py's resume
    const model_args = { n_layer: 2, n_head: 2, n_embd: 16, block_size, bias, vocab_size: 48, dropout: 0.0 };
    const saved: Record<string, Tensor> = {};
    for (const [k, v] of Object.entries(model.state_dict())) saved[`_orig_mod.${k}`] = v;
    const checkpoint = { model: saved, model_args, iter_num: 5 };
    const model2 = new NanoGPT(new GPTConfig(checkpoint.model_args)); // GPTConfig(**checkpoint['model_args'])
    const state_dict = checkpoint.model;
    const unwanted_prefix = "_orig_mod.";
    for (const [k, v] of Object.entries(state_dict)) {
      if (k.startsWith(unwanted_prefix)) {
        state_dict[k.slice(unwanted_prefix.length)] = v; // state_dict[k[len(prefix):]] = state_dict.pop(k)
        delete state_dict[k];
      }
    }
    model2.load_state_dict(state_dict);
    model2.eval();
    torch.manual_seed(1337);
    const start_ids = [1, 7, 3];
    const xs = torch.tensor(start_ids, { dtype: torch.long, device }).index("None", "...");
    const samples = torch.no_grad(() => [0, 1].map(() => model2.generate(xs, 20, 0.8, 5).index(0).tolist()));
    expect(samples).toEqual(n.samples);

    model2.crop_block_size(8);
    const [lg, none] = model2(X.index(":", ":8"));
    expect(none).toBeNull();
    close(lg.index(":2", 0), n.crop_logits, 1e-4, 1e-5, "crop logits");
    expect(model2.transformer.wpe.weight.shape).toEqual(n.crop_wpe_shape);
    expect(() => model2(X)).toThrow("Cannot forward sequence of length 16, block size is only 8");
  });
});
