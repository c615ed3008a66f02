/**
 * Transformers written from scratch, as two well-known sources write them, translated to the engine's API
 * as a learner would:
 *   - "The Annotated Transformer" (harvardnlp/annotated-transformer, the_annotated_transformer.py):
 *     clones (copy.deepcopy), LayerNorm by hand, SublayerConnection, attention, MultiHeadedAttention,
 *     PositionwiseFeedForward, Embeddings, PositionalEncoding (register_buffer, strided slice assignment),
 *     subsequent_mask, make_model with xavier_uniform_, Batch, LabelSmoothing with KLDivLoss(reduction="sum"),
 *     rate through LambdaLR, inference_test, the copy task's training steps and greedy_decode;
 *   - Karpathy's minGPT (mingpt/model.py, translated in ./mingpt.ts; mingpt/trainer.py): NewGELU,
 *     CausalSelfAttention (masked_fill on a registered tril buffer), Block (nn.ModuleDict and a lambda MLP),
 *     GPT (_init_weights through apply, the scaled c_proj init), configure_optimizers (decay / no_decay groups
 *     by module type, AdamW), the trainer's step (zero_grad(set_to_none), clip_grad_norm_) and generate
 *     (greedy, top-k sampling).
 * Sizes are small (d_model 32, 2 layers; a 2-layer GPT of width 16). Values are checked against torch 1.13
 * running the sources' code after the same torch.manual_seed (scripts/fixtures/transformers_from_scratch_fixtures.py
 * -> tests/fixtures/torch/tutorials/transformers_from_scratch.json): the engine's seeded initialisation,
 * randint and multinomial draw PyTorch's streams. Dropout is 0 where a training step is compared (the
 * engine's dropout masks are not torch's stream).
 *
 * Python forms and how they are written here: copy.deepcopy is the engine's copy.deepcopy; `x[:, 0::2] = v`
 * is index_put_; `mask == 0` is .eq(0); `a & b` is .logical_and / bitwise_and; `logits[logits < v[:, [-1]]] =
 * -inf` is index_put_ with the boolean mask; `@torch.no_grad()` is torch.no_grad()(fn); integer literals
 * given to torch.tensor are int64 only with { dtype: torch.long } (torch.LongTensor says it).
 */
import { describe, expect, it } from "vitest";
import { copy, F, nn, optim, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectClose } from "../core/fixtures";
import { thrown, tutorialFixture } from "./helpers";
import {
  Embeddings, EncoderDecoder, Generator, LabelSmoothing, LayerNorm, PositionalEncoding, clones, data_gen, make_model, rate, subsequent_mask,
} from "./annotated_transformer";
import { GPT, NewGELU, type OptimizerConfig } from "./mingpt";

type FT = { shape: number[]; data: number[] };
const ref = tutorialFixture<Record<string, unknown>>("transformers_from_scratch.json");
const R = (k: string): FT => ref[k] as FT;
const N = (k: string): number[] => ref[k] as number[];
const close = (t: Tensor, k: string, rtol = 1e-4, atol = 1e-5, e: FT = R(k)): void => {
  expect(t.shape, k).toEqual(e.shape);
  expectClose(t, e.data, rtol, atol, k);
};

// ---------------------------------------------------------------------------------------------
// The Annotated Transformer
// ---------------------------------------------------------------------------------------------
class SimpleLossCompute {
  constructor(public generator: Generator, public criterion: LabelSmoothing) {}
  call(x: Tensor, y: Tensor, norm: Tensor): [Tensor, Tensor] {
    x = this.generator(x);
    const sloss = this.criterion(x.contiguous().view(-1, x.size(-1)), y.contiguous().view(-1)).div(norm);
    return [sloss.data.mul(norm), sloss];
  }
}

function greedy_decode(model: EncoderDecoder, src: Tensor, src_mask: Tensor, max_len: number, start_symbol: number): Tensor {
  const memory = model.encode(src, src_mask);
  let ys = torch.zeros(1, 1).fill_(start_symbol).type_as(src.data);
  for (let i = 0; i < max_len - 1; i++) {
    const out = model.decode(memory, src_mask, ys, subsequent_mask(ys.size(1)).type_as(src.data));
    const prob = model.generator(out.index(":", -1));
    const [, next_word_] = torch.max(prob, { dim: 1 });
    const next_word = next_word_.data.index(0); // next_word.data[0]
    ys = torch.cat([ys, torch.zeros(1, 1).type_as(src.data).fill_(next_word)], { dim: 1 });
  }
  return ys;
}

describe("The Annotated Transformer", () => {
  it("clones(): copy.deepcopy(module) gives equal, separate parameters without new draws; a non-leaf tensor is refused", () => {
    const lin = new nn.Linear(3, 2);
    torch.manual_seed(5);
    const first = torch.rand(1).item();
    torch.manual_seed(5);
    const layers = clones(lin, 2);
    expect(torch.rand(1).item()).toBe(first); // the copies drew nothing from the stream
    const [a, b] = layers as unknown as nn.Linear[];
    expect(a).toBeInstanceOf(nn.Linear);
    expect(a.weight).not.toBe(lin.weight);
    expect(torch.equal(a.weight, lin.weight) && torch.equal(b.bias!, lin.bias!)).toBe(true);
    a.weight.data.add_(1);
    expect(torch.equal(b.weight, lin.weight)).toBe(true);
    const leaf = torch.ones(2, { requires_grad: true });
    const c = copy.deepcopy(leaf);
    expect(c.requires_grad && c !== leaf).toBe(true);
    const sd = copy.deepcopy(lin.state_dict());
    expect(sd.weight).not.toBe(lin.state_dict().weight);
    const [cls, msg] = ref.deepcopy_nonleaf as [string, string];
    expect(() => copy.deepcopy(leaf.mul(2))).toThrow(msg);
    expect(thrown(() => copy.deepcopy(leaf.mul(2)))).toEqual([cls, msg]);
  });

  it("subsequent_mask, LayerNorm by hand, PositionalEncoding's buffer", () => {
    expect(subsequent_mask(5).dtype).toBe(torch.bool);
    close(subsequent_mask(5).int(), "subsequent_mask", 0, 0);
    torch.manual_seed(0);
    const x = torch.randn(2, 3, 8);
    close(x, "layernorm_x", 1e-5, 0); // torch's stream, to float32 roundings of Box-Muller (random.ts computes it in double)
    close(new LayerNorm(8)(x), "layernorm");
    const pe = new PositionalEncoding(6, 0, 12);
    close(pe.pe, "pe");
    expect(Object.keys(pe.state_dict())).toEqual(["pe"]);
    close(pe.forward(torch.zeros(1, 5, 6)), "pe_forward");
  });

  it("LabelSmoothing's target distribution (KLDivLoss(reduction='sum')) and the penalization curve", () => {
    const crit = new LabelSmoothing(5, 0, 0.4);
    const predict = torch.FloatTensor(Array.from({ length: 5 }, () => [0, 0.2, 0.7, 0.1, 0]));
    const loss = crit.forward(predict.log(), torch.LongTensor([2, 1, 0, 3, 3]));
    expect(ref.ls_loss).toBe("nan"); // torch 1.13: 0 * -inf at the log(0) columns
    expect(loss.isnan().item()).toBe(true);
    close(crit.true_dist!, "ls_true_dist");
    // rows whose target is the padding index are zeroed: one such row (nonzero(...).squeeze() is 0-dim) and two
    torch.manual_seed(2);
    const xls = torch.randn(4, 6).log_softmax(-1).requires_grad_();
    [[2, 0, 3, 5], [0, 1, 0, 4]].forEach((tgt, i) => {
      const crit = new LabelSmoothing(6, 0, 0.2);
      const l = crit.forward(xls, torch.LongTensor(tgt));
      l.backward();
      expect(l.item()).toBeCloseTo((ref.pad_losses as number[])[i], 5);
      close(crit.true_dist!, "pad_dists", 1e-6, 1e-7, (ref.pad_dists as FT[])[i]);
      close(xls.grad!, "pad_grads", 1e-6, 1e-7, (ref.pad_grads as FT[])[i]);
      xls.grad = null;
    });
    const crit2 = new LabelSmoothing(5, 0, 0.1);
    const penal = (x: number): number => {
      const d = x + 3 * 1;
      const predict = torch.FloatTensor([[0, x / d, 1 / d, 1 / d, 1 / d]]);
      return crit2(predict.log(), torch.LongTensor([1])).data.item();
    };
    expect(ref.penalization).toEqual(Array(6).fill("nan")); // torch 1.13's kl_div: 0 * -inf where the target is 0
    expect([1, 2, 5, 10, 50, 99].map((x) => penal(x))).toEqual(Array(6).fill(NaN));
  });

  it("rate() through LambdaLR(optimizer=..., lr_lambda=...) on Adam(lr=1)", () => {
    const dummy_model = new torch.nn.Linear(1, 1);
    const optimizer = new torch.optim.Adam(dummy_model.parameters(), { lr: 1, betas: [0.9, 0.98], eps: 1e-9 });
    const lr_scheduler = new optim.lr_scheduler.LambdaLR({ optimizer: optimizer, lr_lambda: (step: number) => rate(step, 512, 1, 4) });
    const lrs: number[] = [];
    for (let step = 0; step < 12; step++) {
      lrs.push(optimizer.param_groups[0].lr as number);
      optimizer.step();
      lr_scheduler.step();
    }
    expectClose(lrs, N("rate_lrs"), 1e-12, 0, "rate_lrs");
  });

  it("inference_test: make_model(11, 11, 2) seeded, its parameters, memory and greedy tokens", () => {
    torch.manual_seed(0);
    const test_model = make_model(11, 11, 2, 32, 64, 4);
    expect([...test_model.parameters()].reduce((s, p) => s + p.numel(), 0)).toBe(ref.n_params);
    expect(Object.keys(test_model.state_dict())).toEqual(ref.state_keys);
    test_model.eval();
    const src = torch.LongTensor([[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]]);
    const src_mask = torch.ones(1, 1, 10);
    const memory = test_model.encode(src, src_mask);
    close(memory, "memory", 1e-4, 1e-4);
    let ys = torch.zeros(1, 1).type_as(src);
    const probs: number[][] = [];
    for (let i = 0; i < 9; i++) {
      const out = test_model.decode(memory, src_mask, ys, subsequent_mask(ys.size(1)).type_as(src.data));
      const prob = test_model.generator(out.index(":", -1));
      probs.push(prob.index(0).tolist() as number[]);
      const [, next_word_] = torch.max(prob, { dim: 1 });
      const next_word = next_word_.data.index(0);
      ys = torch.cat([ys, torch.empty(1, 1).type_as(src.data).fill_(next_word)], { dim: 1 });
    }
    expectClose(probs, ref.inference_probs as number[][], 1e-4, 1e-4, "inference_probs");
    expect(ys.index(0).tolist()).toEqual(ref.inference_ys);
  });

  it("the copy task: six seeded training steps (Adam + LambdaLR(rate), LabelSmoothing), then greedy_decode", () => {
    torch.manual_seed(1);
    const V = 11;
    const criterion = new LabelSmoothing(V, 0, 0.0);
    const model = make_model(V, V, 2, 32, 64, 4, 0.0);
    const optimizer = new torch.optim.Adam(model.parameters(), { lr: 0.5, betas: [0.9, 0.98], eps: 1e-9 });
    const d_model = (model.src_embed.get(0) as Embeddings).d_model; // model.src_embed[0].d_model
    const lr_scheduler = new optim.lr_scheduler.LambdaLR(optimizer, { lr_lambda: (step: number) => rate(step, d_model, 1.0, 400) });
    model.train();
    const loss_compute = new SimpleLossCompute(model.generator, criterion);
    const losses: number[] = [];
    for (const batch of data_gen(V, 16, 6)) {
      const out = model.forward(batch.src, batch.tgt, batch.src_mask, batch.tgt_mask);
      const [loss, loss_node] = loss_compute.call(out, batch.tgt_y, batch.ntokens);
      loss_node.backward();
      optimizer.step();
      optimizer.zero_grad({ set_to_none: true });
      lr_scheduler.step();
      losses.push(loss.div(batch.ntokens).item());
    }
    expectClose(losses, N("copy_losses"), 1e-4, 1e-5, "copy_losses");
    expect(optimizer.param_groups[0].lr).toBeCloseTo(ref.copy_lr as number, 12);
    model.eval();
    const src = torch.LongTensor([[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]]);
    const src_mask = torch.ones(1, 1, 10);
    close(model.encode(src, src_mask), "copy_memory", 1e-3, 1e-3);
    expect(greedy_decode(model, src, src_mask, 10, 0).index(0).tolist()).toEqual(ref.copy_decode);
  });
});

// ---------------------------------------------------------------------------------------------
// minGPT
// ---------------------------------------------------------------------------------------------
describe("minGPT", () => {
  it("NewGELU equals torch's run of the formula (and F.gelu(approximate='tanh'))", () => {
    const xs = torch.linspace(-4, 4, 17);
    close(new NewGELU()(xs), "newgelu", 1e-5, 1e-6);
    expectClose(F.gelu(xs, { approximate: "tanh" }), R("newgelu").data, 1e-5, 1e-6, "gelu tanh");
  });

  it("GPT: seeded init, configure_optimizers' groups, four trainer steps, generate (greedy and top-k sampling)", () => {
    const config = GPT.get_default_config();
    config.merge_from_dict({ model_type: null, vocab_size: 10, block_size: 8, n_layer: 2, n_head: 2, n_embd: 16, embd_pdrop: 0.0, resid_pdrop: 0.0, attn_pdrop: 0.0 });
    torch.manual_seed(3407);
    const gpt = new GPT(config);
    expect([...gpt.transformer.parameters()].reduce((s, p) => s + p.numel(), 0)).toBe(ref.gpt_n_params); // the count GPT() prints
    expect(Object.keys(gpt.state_dict())).toEqual(ref.gpt_keys);
    const train_config: OptimizerConfig & { grad_norm_clip: number } = { weight_decay: 0.1, learning_rate: 5e-4, betas: [0.9, 0.95], grad_norm_clip: 1.0 };
    const opt = gpt.configure_optimizers(train_config);
    const names = new Map([...gpt.named_parameters()].map(([pn, p]) => [p, pn]));
    const [decay, no_decay] = opt.param_groups.map((g) => g.params.map((p) => names.get(p))); // sorted(decay), sorted(no_decay)
    expect(decay).toEqual(ref.gpt_decay);
    expect(no_decay).toEqual(ref.gpt_no_decay);
    expect(opt.param_groups.map((g) => g.weight_decay)).toEqual([0.1, 0.0]);
    const idx = torch.randint(0, 10, [4, 8]);
    expect(idx.tolist()).toEqual(ref.gpt_idx);
    const targets = torch.roll(idx, -1, 1);
    targets.index_put_([":", -1], -1); // targets[:, -1] = -1
    const [logits, loss] = gpt(idx, targets);
    close(logits.index(0), "gpt_logits", 1e-4, 1e-5);
    expect(loss!.item()).toBeCloseTo(ref.gpt_loss0 as number, 5);
    gpt.train();
    const losses: number[] = [];
    const norms: number[] = [];
    for (let it = 0; it < 4; it++) {
      const [, loss] = gpt(idx, targets);
      gpt.zero_grad({ set_to_none: true });
      loss!.backward();
      norms.push(torch.nn.utils.clip_grad_norm_(gpt.parameters(), train_config.grad_norm_clip).item());
      opt.step();
      losses.push(loss!.item());
    }
    expectClose(losses, N("gpt_losses"), 1e-5, 1e-6, "gpt_losses");
    expectClose(norms, N("gpt_norms"), 1e-4, 1e-6, "gpt_norms");
    close(gpt.transformer.wte.weight.index(":2"), "gpt_wte_after", 1e-4, 1e-6);
    gpt.eval();
    const ctx = torch.tensor([[1, 2, 3]], { dtype: torch.long });
    expect(gpt.generate(ctx, 8, 1.0, false).index(0).tolist()).toEqual(ref.gpt_greedy);
    torch.manual_seed(42);
    expect(gpt.generate(ctx, 8, 0.8, true, 3).index(0).tolist()).toEqual(ref.gpt_sample_topk);
  });
});
