/**
 * Andrej Karpathy's "Neural Networks: Zero to Hero", translated line by line as a learner would:
 * micrograd's PyTorch comparison cell; makemore parts 1-5 (bigram counts, the one-hot neural
 * bigram, the MLP, manual BatchNorm with running statistics, "backprop ninja" with cmp(), the
 * WaveNet-style FlattenConsecutive / Sequential classes); "Let's build GPT" (get_batch, the bigram
 * model, the self-attention trick, Head / MultiHeadAttention / Block, estimate_loss, generate) and
 * nanoGPT's model.py / train.py (CausalSelfAttention with scaled_dot_product_attention and the
 * manual fallback, weight tying, _init_weights, configure_optimizers, crop_block_size,
 * estimate_mfu, get_lr, gradient accumulation, clip_grad_norm_, checkpoints).
 * The names dataset is a short list of names; Shakespeare is the engine's SONNETS text.
 * Values that depend only on seeded draws (torch.Generator().manual_seed(2147483647), rand, randn,
 * randint, multinomial, which the engine promises to draw as PyTorch's CPU generator does) are
 * compared with torch 1.13 (scripts/fixtures/zero_to_hero_fixtures.py).
 *
 * Python forms a learner has to rewrite (JS has no operator overloading, slicing or `with`):
 * a @ b -> a.matmul(b), a ** k -> a.pow(k), N[i, j] += 1 -> N.index(i, j).add_(1) (a view),
 * x[range(n), y] -> x.index(torch.arange(n), y), x[:, -1, :] -> x.index(null, -1, null),
 * data[i:i+8] -> data.index(torch.slice(i, i + 8)), x[mask] = v -> x.index_put_([mask], v),
 * `with torch.no_grad():` -> torch.no_grad(() => ...), a callable class of one's own (__call__)
 * -> a method call, list comprehensions -> map / flatMap, random.shuffle -> a seeded shuffle.
 */
import { describe, expect, it } from "vitest";
import { F, nn, torch, utils, type Tensor } from "../../../../lib/tensor/index";
import { tailMean, tutorialFixture } from "./helpers";
import { Block as GPTBlock, GPT, GPTConfig, withoutFlash } from "./nanogpt";

const words = [
  "emma", "olivia", "ava", "isabella", "sophia", "charlotte", "mia", "amelia", "harper", "evelyn",
  "abigail", "emily", "elizabeth", "mila", "ella", "avery", "sofia", "camila", "aria", "scarlett",
  "victoria", "madison", "luna", "grace", "chloe", "penelope", "layla", "riley", "zoey", "nora",
  "lily", "eleanor", "hannah", "lillian", "addison", "aubrey", "ellie", "stella", "natalie", "zoe",
];
const chars = [...new Set(words.join(""))].sort();
const stoi: Record<string, number> = Object.fromEntries(chars.map((s, i) => [s, i + 1]));
stoi["."] = 0;
const itos: Record<number, string> = Object.fromEntries(Object.entries(stoi).map(([s, i]) => [i, s]));
const V = Object.keys(stoi).length;

/** torch 1.13's values for the seeded parts (scripts/fixtures/zero_to_hero_fixtures.py). */
const ref = tutorialFixture<{
  rand3: number[];
  multinomial100: number[];
  bigram_names: string[];
  bigram_nll: number;
  W_first_row: number[];
  neural_bigram_losses: number[];
  mlp_first_ix: number[];
  mlp_first_loss: number;
  randint_1337: number[];
  gpt_idx: number[][];
  gpt_wpe_first: number[];
  gpt_c_proj_sum_abs: number;
  gpt_loss: number;
  gpt_logits_00: number[];
}>("zero_to_hero.json");

function expectClose(actual: number[], expected: number[], tol: number): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((v, i) => expect(Math.abs(v - expected[i]), `at ${i}: ${v} vs ${expected[i]}`).toBeLessThanOrEqual(tol));
}

describe("micrograd: the PyTorch comparison cell", () => {
  it("x1*w1 + x2*w2 + b through tanh, backward, grads as micrograd's", () => {
    const x1 = new torch.Tensor([2.0]).double();
    x1.requires_grad = true;
    const x2 = new torch.Tensor([0.0]).double();
    x2.requires_grad = true;
    const w1 = new torch.Tensor([-3.0]).double();
    w1.requires_grad = true;
    const w2 = new torch.Tensor([1.0]).double();
    w2.requires_grad = true;
    const b = new torch.Tensor([6.8813735870195432]).double();
    b.requires_grad = true;
    const n = x1.mul(w1).add(x2.mul(w2)).add(b);
    const o = torch.tanh(n);
    expect(o.data.item()).toBeCloseTo(0.7071066904050358, 12);
    o.backward();
    expect(x2.grad!.item()).toBeCloseTo(0.5000001283844369, 10);
    expect(w2.grad!.item()).toBe(0);
    expect(x1.grad!.item()).toBeCloseTo(-1.5000003851533106, 10);
    expect(w1.grad!.item()).toBeCloseTo(1.0000002567688737, 10);
    expect(o.dtype).toBe(torch.float64);
  });
});

describe("makemore 1: bigrams", () => {
  it("counts in an int32 table, N[ix1, ix2] += 1", () => {
    const N = torch.zeros([27, 27], { dtype: torch.int32 });
    for (const w of words) {
      const cs = [".", ...w, "."];
      for (let k = 0; k + 1 < cs.length; k++) {
        const ix1 = stoi[cs[k]];
        const ix2 = stoi[cs[k + 1]];
        N.index(ix1, ix2).add_(1); // N[ix1, ix2] += 1
      }
    }
    expect(N.dtype).toBe(torch.int32);
    expect(N.sum().item()).toBe(words.reduce((s, w) => s + w.length + 1, 0));
    expect(N.index(0).sum().item()).toBe(words.length); // every name starts once
    expect(N.index(0, stoi["a"]).item()).toBe(words.filter((w) => w[0] === "a").length);
  });

  it("P = (N+1).float(); P /= P.sum(1, keepdims=True); sampling with multinomial; the nll", () => {
    const N = torch.zeros([27, 27], { dtype: torch.int32 });
    for (const w of words) {
      const cs = [".", ...w, "."];
      for (let k = 0; k + 1 < cs.length; k++) N.index(stoi[cs[k]], stoi[cs[k + 1]]).add_(1);
    }
    const P = N.add(1).float();
    P.div_(P.sum(1, { keepdims: true })); // P /= P.sum(1, keepdims=True)
    expect(P.sum(1).allclose(torch.ones(27))).toBe(true);

    const g = new torch.Generator().manual_seed(2147483647);
    const out: string[] = [];
    for (let i = 0; i < 5; i++) {
      const name: string[] = [];
      let ix = 0;
      for (;;) {
        const p = P.index(ix);
        ix = torch.multinomial(p, { num_samples: 1, replacement: true, generator: g }).item();
        name.push(itos[ix] ?? "?"); // the 27 x 27 table has rows for letters the short list never uses
        if (ix === 0) break;
      }
      out.push(name.join(""));
    }
    expect(out).toEqual(ref.bigram_names); // torch's draws: the same names

    let log_likelihood = 0.0;
    let n = 0;
    for (const w of words) {
      const cs = [".", ...w, "."];
      for (let k = 0; k + 1 < cs.length; k++) {
        const prob = P.index(stoi[cs[k]], stoi[cs[k + 1]]);
        const logprob = torch.log(prob);
        log_likelihood += logprob.item();
        n += 1;
      }
    }
    const nll = -log_likelihood;
    expect(nll / n).toBeCloseTo(ref.bigram_nll, 4);
    expect(nll / n).toBeGreaterThan(1.5);
    expect(nll / n).toBeLessThan(Math.log(27));
  });

  it("torch.rand(3, generator=g); torch.multinomial(p, num_samples=100, replacement=True, generator=g)", () => {
    const g = new torch.Generator().manual_seed(2147483647);
    let p = torch.rand(3, { generator: g });
    p = p.div(p.sum());
    expectClose(p.tolist() as number[], ref.rand3, 1e-7); // the lecture's 0.6064, 0.3033, 0.0903
    const s = torch.multinomial(p, { num_samples: 100, replacement: true, generator: g });
    expect(s.tolist()).toEqual(ref.multinomial100);
    expect(s.shape).toEqual([100]);
    expect(s.dtype).toBe(torch.int64);
  });

  it("the neural bigram: one_hot, xenc @ W, softmax by hand, regularised loss, W.data += -50 * W.grad", () => {
    const xsl: number[] = [];
    const ysl: number[] = [];
    for (const w of words) {
      const cs = [".", ...w, "."];
      for (let k = 0; k + 1 < cs.length; k++) {
        xsl.push(stoi[cs[k]]);
        ysl.push(stoi[cs[k + 1]]);
      }
    }
    // torch.tensor(xs) of Python ints is int64; a JS number array gives float32, which one_hot refuses as torch does
    expect(() => F.one_hot(torch.tensor(xsl), { num_classes: 27 })).toThrow("one_hot is only applicable to index tensor.");
    const xs = torch.tensor(xsl, { dtype: torch.long });
    const ys = torch.tensor(ysl, { dtype: torch.long });
    const num = xs.nelement();
    const g = new torch.Generator().manual_seed(2147483647);
    const W = torch.randn([27, 27], { generator: g, requires_grad: true });
    expectClose(W.index(0).tolist() as number[], ref.W_first_row, 1e-6);
    const losses: number[] = [];
    for (let k = 0; k < 20; k++) {
      const xenc = F.one_hot(xs, { num_classes: 27 }).float();
      const logits = xenc.matmul(W);
      const counts = logits.exp();
      const probs = counts.div(counts.sum(1, { keepdims: true }));
      const loss = probs.index(torch.arange(num), ys).log().mean().neg().add(W.pow(2).mean().mul(0.01));
      losses.push(loss.item());
      W.grad = null;
      loss.backward();
      W.data.add_(W.grad!.mul(-50)); // W.data += -50 * W.grad
    }
    expectClose(losses, ref.neural_bigram_losses, 1e-4);
    expect(losses[19]).toBeLessThan(losses[0] - 0.5);
  });
});

/** makemore's build_dataset: every context of block_size characters and the character after it. */
function build_dataset(ws: string[], block_size: number): [Tensor, Tensor] {
  const X: number[][] = [];
  const Y: number[] = [];
  for (const w of ws) {
    let context = new Array<number>(block_size).fill(0);
    for (const ch of w + ".") {
      const ix = stoi[ch];
      X.push(context);
      Y.push(ix);
      context = [...context.slice(1), ix]; // context = context[1:] + [ix]
    }
  }
  return [torch.tensor(X, { dtype: torch.long }), torch.tensor(Y, { dtype: torch.long })];
}

describe("makemore 2: the MLP", () => {
  it("C[X], emb.view(-1, 6), torch.cat(torch.unbind(emb, 1), 1), manual cross-entropy = F.cross_entropy", () => {
    const [X, Y] = build_dataset(words.slice(0, 5), 3);
    expect(X.shape).toEqual([words.slice(0, 5).join("").length + 5, 3]);
    const g = new torch.Generator().manual_seed(2147483647);
    const C = torch.randn([27, 2], { generator: g });
    const emb = C.index(X); // C[X]
    expect(emb.shape).toEqual([X.shape[0], 3, 2]);
    const W1 = torch.randn([6, 100], { generator: g });
    const b1 = torch.randn(100, { generator: g });
    expect(torch.cat(torch.unbind(emb, 1), 1).equal(emb.view(-1, 6))).toBe(true);
    expect(emb.view(emb.shape[0], 6).equal(emb.view(-1, 6))).toBe(true);
    // a = torch.arange(18); a.view(3, 3, 2); a.storage(): view() only changes how the same 18 numbers are read
    const a = torch.arange(18);
    expect(a.view(3, 3, 2).storage().tolist()).toEqual(a.storage().tolist());
    expect(String(a.storage())).toMatch(/^ 0\n 1\n[\s\S]* 17\n\[torch\.storage\.TypedStorage\(dtype=torch\.int64, device=cpu\) of size 18\]$/);
    const h = torch.tanh(emb.view(-1, 6).matmul(W1).add(b1));
    const W2 = torch.randn([100, 27], { generator: g });
    const b2 = torch.randn(27, { generator: g });
    const logits = h.matmul(W2).add(b2);
    const counts = logits.exp();
    const prob = counts.div(counts.sum(1, { keepdims: true }));
    const loss = prob.index(torch.arange(X.shape[0]), Y).log().mean().neg();
    expect(loss.item()).toBeCloseTo(F.cross_entropy(logits, Y).item(), 3);
  });

  it("minibatch training with torch.randint(0, X.shape[0], (32,)), p.grad = None, p.data += -lr * p.grad; lrs = 10**lre", () => {
    const [Xtr, Ytr] = build_dataset(words, 3);
    const g = new torch.Generator().manual_seed(2147483647);
    const C = torch.randn([27, 10], { generator: g });
    const W1 = torch.randn([30, 64], { generator: g });
    const b1 = torch.randn(64, { generator: g });
    const W2 = torch.randn([64, 27], { generator: g });
    const b2 = torch.randn(27, { generator: g });
    const parameters = [C, W1, b1, W2, b2];
    expect(parameters.reduce((s, p) => s + p.nelement(), 0)).toBe(270 + 1920 + 64 + 1728 + 27);
    for (const p of parameters) p.requires_grad = true;
    const lre = torch.linspace(-3, 0, 1000);
    const lrs = torch.pow(10, lre); // 10**lre
    expect(lrs.index(0).item()).toBeCloseTo(0.001, 6);
    expect(lrs.index(-1).item()).toBeCloseTo(1, 5);
    const lossi: number[] = [];
    const stepi: number[] = [];
    for (let i = 0; i < 150; i++) {
      const ix = torch.randint(0, Xtr.shape[0], [32], { generator: g });
      const emb = C.index(Xtr.index(ix));
      const h = torch.tanh(emb.view(-1, 30).matmul(W1).add(b1));
      const logits = h.matmul(W2).add(b2);
      const loss = F.cross_entropy(logits, Ytr.index(ix));
      if (i === 0) {
        expect(String(emb)).toMatch(/grad_fn=<IndexBackward0>\)$/); // as the lecture prints C[X]
        expect(ix.tolist()).toEqual(ref.mlp_first_ix);
        expect(loss.item()).toBeCloseTo(ref.mlp_first_loss, 4);
      }
      for (const p of parameters) p.grad = null;
      loss.backward();
      const lr = i < 100 ? 0.1 : 0.01;
      for (const p of parameters) p.data.add_(p.grad!.mul(-lr));
      stepi.push(i);
      lossi.push(loss.log10().item());
    }
    const full = (): number => {
      const emb = C.index(Xtr);
      const h = torch.tanh(emb.view(-1, 30).matmul(W1).add(b1));
      return F.cross_entropy(h.matmul(W2).add(b2), Ytr).item();
    };
    expect(full()).toBeLessThan(Math.pow(10, lossi[0]));
    // sampling from the model
    const g2 = new torch.Generator().manual_seed(2147483647 + 10);
    for (let k = 0; k < 3; k++) {
      const out: number[] = [];
      let context = [0, 0, 0];
      for (;;) {
        const emb = C.index(torch.tensor([context], { dtype: torch.long })); // (1, block_size, d)
        const h = torch.tanh(emb.view(1, -1).matmul(W1).add(b1));
        const logits = h.matmul(W2).add(b2);
        const probs = F.softmax(logits, { dim: 1 });
        const ix = torch.multinomial(probs, { num_samples: 1, generator: g2 }).item();
        context = [...context.slice(1), ix];
        out.push(ix);
        if (ix === 0 || out.length > 30) break;
      }
      expect(out.map((i) => itos[i]).join("").length).toBeGreaterThan(0);
    }
  });
});

describe("makemore 3: activations, gradients, BatchNorm", () => {
  it("Kaiming-scaled init, manual BatchNorm with running stats under torch.no_grad(), @torch.no_grad() split_loss", () => {
    const [Xtr, Ytr] = build_dataset(words, 3);
    const n_embd = 10;
    const n_hidden = 64;
    const block_size = 3;
    const g = new torch.Generator().manual_seed(2147483647);
    const C = torch.randn([V, n_embd], { generator: g });
    const W1 = torch.randn([n_embd * block_size, n_hidden], { generator: g }).mul(5 / 3).div(Math.pow(n_embd * block_size, 0.5));
    const W2 = torch.randn([n_hidden, V], { generator: g }).mul(0.01);
    const b2 = torch.randn(V, { generator: g }).mul(0);
    const bngain = torch.ones([1, n_hidden]);
    const bnbias = torch.zeros([1, n_hidden]);
    let bnmean_running = torch.zeros([1, n_hidden]);
    let bnstd_running = torch.ones([1, n_hidden]);
    const parameters = [C, W1, W2, b2, bngain, bnbias];
    for (const p of parameters) p.requires_grad = true;
    const lossi: number[] = [];
    const batch_size = 32;
    for (let i = 0; i < 100; i++) {
      const ix = torch.randint(0, Xtr.shape[0], [batch_size], { generator: g });
      const [Xb, Yb] = [Xtr.index(ix), Ytr.index(ix)];
      const emb = C.index(Xb);
      const embcat = emb.view(emb.shape[0], -1);
      let hpreact = embcat.matmul(W1);
      const bnmeani = hpreact.mean(0, { keepdim: true });
      const bnstdi = hpreact.std(0, { keepdim: true });
      hpreact = bngain.mul(hpreact.sub(bnmeani)).div(bnstdi).add(bnbias);
      torch.no_grad(() => {
        bnmean_running = bnmean_running.mul(0.999).add(bnmeani.mul(0.001));
        bnstd_running = bnstd_running.mul(0.999).add(bnstdi.mul(0.001));
      });
      const h = torch.tanh(hpreact);
      const logits = h.matmul(W2).add(b2);
      const loss = F.cross_entropy(logits, Yb);
      for (const p of parameters) p.grad = null;
      loss.backward();
      const lr = 0.1;
      for (const p of parameters) p.data.add_(p.grad!.mul(-lr));
      lossi.push(loss.log10().item());
    }
    expect(bnmean_running.requires_grad).toBe(false);
    expect(bnstd_running.shape).toEqual([1, n_hidden]);
    // torch.no_grad(fn) is the `with` block and runs fn now: a function of arguments is refused, pointing here
    expect(() => (torch.no_grad as unknown as (f: (s: string) => void) => void)((split: string) => void split)).toThrow("write torch.no_grad()(fn)");
    const split_loss = torch.no_grad()((split: "train") => { // @torch.no_grad() def split_loss(split)
      const [x, y] = { train: [Xtr, Ytr] }[split];
      const emb = C.index(x);
      const embcat = emb.view(emb.shape[0], -1);
      let hpreact = embcat.matmul(W1);
      hpreact = bngain.mul(hpreact.sub(bnmean_running)).div(bnstd_running).add(bnbias);
      const h = torch.tanh(hpreact);
      const logits = h.matmul(W2).add(b2);
      return F.cross_entropy(logits, y);
    });
    const l = split_loss("train");
    expect(l.requires_grad).toBe(false);
    expect(l.item()).toBeLessThan(Math.pow(10, lossi[0]));
  });
});

// makemore 3's "PyTorch-ified" layers. Python's __call__ has no JS equivalent for a plain class, so
// a learner keeps the method and writes layer.__call__(x) (or a loop over layers calling it).
let g_mm = new torch.Generator().manual_seed(2147483647);
class Linear {
  weight: Tensor;
  bias: Tensor | null;
  out!: Tensor;
  constructor(fan_in: number, fan_out: number, bias = true) {
    this.weight = torch.randn([fan_in, fan_out], { generator: g_mm }).div(fan_in ** 0.5);
    this.bias = bias ? torch.zeros(fan_out) : null;
  }
  __call__(x: Tensor): Tensor {
    this.out = x.matmul(this.weight);
    if (this.bias !== null) this.out = this.out.add(this.bias);
    return this.out;
  }
  parameters(): Tensor[] {
    return this.bias === null ? [this.weight] : [this.weight, this.bias];
  }
}
class BatchNorm1d {
  training = true;
  gamma: Tensor;
  beta: Tensor;
  running_mean: Tensor;
  running_var: Tensor;
  out!: Tensor;
  constructor(dim: number, readonly eps = 1e-5, readonly momentum = 0.1) {
    this.gamma = torch.ones(dim);
    this.beta = torch.zeros(dim);
    this.running_mean = torch.zeros(dim);
    this.running_var = torch.ones(dim);
  }
  __call__(x: Tensor): Tensor {
    let xmean: Tensor;
    let xvar: Tensor;
    if (this.training) {
      const dim = x.ndim === 2 ? 0 : [0, 1]; // makemore 5: (0, 1) for [B, T, C]
      xmean = x.mean(dim, { keepdim: true });
      xvar = x.var(dim, { keepdim: true });
    } else {
      xmean = this.running_mean;
      xvar = this.running_var;
    }
    const xhat = x.sub(xmean).div(torch.sqrt(xvar.add(this.eps)));
    this.out = this.gamma.mul(xhat).add(this.beta);
    if (this.training) {
      torch.no_grad(() => {
        this.running_mean = this.running_mean.mul(1 - this.momentum).add(xmean.mul(this.momentum));
        this.running_var = this.running_var.mul(1 - this.momentum).add(xvar.mul(this.momentum));
      });
    }
    return this.out;
  }
  parameters(): Tensor[] {
    return [this.gamma, this.beta];
  }
}
class Tanh {
  out!: Tensor;
  __call__(x: Tensor): Tensor {
    this.out = torch.tanh(x);
    return this.out;
  }
  parameters(): Tensor[] {
    return [];
  }
}

describe("makemore 3: the PyTorch-ified layers and the diagnostics", () => {
  it("layers, layer.out.retain_grad(), saturation, update-to-data ratios, histogram", () => {
    g_mm = new torch.Generator().manual_seed(2147483647);
    const [Xtr, Ytr] = build_dataset(words, 3);
    const n_embd = 10;
    const n_hidden = 32;
    const C = torch.randn([V, n_embd], { generator: g_mm });
    const layers = [
      new Linear(n_embd * 3, n_hidden, false), new BatchNorm1d(n_hidden), new Tanh(),
      new Linear(n_hidden, n_hidden, false), new BatchNorm1d(n_hidden), new Tanh(),
      new Linear(n_hidden, V, false), new BatchNorm1d(V),
    ];
    torch.no_grad(() => {
      (layers[layers.length - 1] as BatchNorm1d).gamma.mul_(0.1); // layers[-1].gamma *= 0.1
      for (const layer of layers.slice(0, -1)) {
        if (layer instanceof Linear) layer.weight.mul_(5 / 3);
      }
    });
    const parameters = [C, ...layers.flatMap((layer) => layer.parameters())];
    expect(parameters.reduce((s, p) => s + p.nelement(), 0)).toBe(V * 10 + 960 + 64 + 1024 + 64 + 32 * V + 2 * V);
    for (const p of parameters) p.requires_grad = true;
    const lossi: number[] = [];
    const ud: number[][] = [];
    for (let i = 0; i < 60; i++) {
      const ix = torch.randint(0, Xtr.shape[0], [32], { generator: g_mm });
      const [Xb, Yb] = [Xtr.index(ix), Ytr.index(ix)];
      const emb = C.index(Xb);
      let x = emb.view(emb.shape[0], -1);
      for (const layer of layers) x = layer.__call__(x);
      const loss = F.cross_entropy(x, Yb);
      for (const layer of layers) layer.out.retain_grad(); // AFTER_DEBUG: would take out retain_graph
      for (const p of parameters) p.grad = null;
      loss.backward();
      const lr = 0.1;
      for (const p of parameters) p.data.add_(p.grad!.mul(-lr));
      lossi.push(loss.log10().item());
      torch.no_grad(() => {
        ud.push(parameters.map((p) => p.grad!.mul(lr).std().div(p.data.std()).log10().item()));
      });
    }
    expect(tailMean(lossi, 10)).toBeLessThan(lossi[0]);
    expect(ud[ud.length - 1].every(Number.isFinite)).toBe(true);
    // visualize histograms: the tanh layers' saturation and the gradients there
    for (const [i, layer] of layers.slice(0, -1).entries()) {
      if (!(layer instanceof Tanh)) continue;
      const t = layer.out;
      const saturated = t.abs().gt(0.97).float().mean().mul(100).item();
      expect(saturated).toBeGreaterThanOrEqual(0);
      const [hy, hx] = torch.histogram(t, { density: true });
      expect(hx.shape).toEqual([hy.shape[0] + 1]);
      expect(t.grad!.shape).toEqual(t.shape);
      expect(`layer ${i} (${layer.constructor.name}): mean ${t.mean().item().toFixed(2)}, std ${t.std().item().toFixed(2)}`).toMatch(/^layer \d/);
    }
    for (const p of parameters) {
      if (p.ndim !== 2) continue;
      const ratio = p.grad!.std().div(p.std()).item();
      expect(ratio).toBeGreaterThan(0);
    }
  });
});

describe("makemore 4: becoming a backprop ninja", () => {
  function cmp(s: string, dt: Tensor, t: Tensor): [boolean, boolean, number] {
    const ex = torch.all(dt.eq(t.grad!)).item() as unknown as boolean;
    const app = torch.allclose(dt, t.grad!);
    const maxdiff = dt.sub(t.grad!).abs().max().item();
    return [ex, app, maxdiff];
  }

  it("the forward pass in atoms, retain_grad on each, the manual backward of every atom, cmp()", () => {
    const [Xtr, Ytr] = build_dataset(words, 3);
    const n_embd = 10;
    const n_hidden = 64;
    const block_size = 3;
    const g = new torch.Generator().manual_seed(2147483647);
    const C = torch.randn([V, n_embd], { generator: g });
    const W1 = torch.randn([n_embd * block_size, n_hidden], { generator: g }).mul(5 / 3).div((n_embd * block_size) ** 0.5);
    const b1 = torch.randn(n_hidden, { generator: g }).mul(0.1);
    const W2 = torch.randn([n_hidden, V], { generator: g }).mul(0.1);
    const b2 = torch.randn(V, { generator: g }).mul(0.1);
    const bngain = torch.randn([1, n_hidden]).mul(0.1).add(1.0);
    const bnbias = torch.randn([1, n_hidden]).mul(0.1);
    const parameters = [C, W1, b1, W2, b2, bngain, bnbias];
    for (const p of parameters) p.requires_grad = true;
    const batch_size = 32;
    const n = batch_size;
    const ix = torch.randint(0, Xtr.shape[0], [batch_size], { generator: g });
    const [Xb, Yb] = [Xtr.index(ix), Ytr.index(ix)];

    const emb = C.index(Xb);
    const embcat = emb.view(emb.shape[0], -1);
    const hprebn = embcat.matmul(W1).add(b1);
    const bnmeani = hprebn.sum(0, { keepdim: true }).mul(1 / n);
    const bndiff = hprebn.sub(bnmeani);
    const bndiff2 = bndiff.pow(2);
    const bnvar = bndiff2.sum(0, { keepdim: true }).mul(1 / (n - 1));
    const bnvar_inv = bnvar.add(1e-5).pow(-0.5);
    const bnraw = bndiff.mul(bnvar_inv);
    const hpreact = bngain.mul(bnraw).add(bnbias);
    const h = torch.tanh(hpreact);
    const logits = h.matmul(W2).add(b2);
    const logit_maxes = logits.max(1, { keepdim: true }).values;
    const norm_logits = logits.sub(logit_maxes);
    const counts = norm_logits.exp();
    const counts_sum = counts.sum(1, { keepdims: true });
    const counts_sum_inv = counts_sum.pow(-1);
    const probs = counts.mul(counts_sum_inv);
    const logprobs = probs.log();
    const loss = logprobs.index(torch.arange(n), Yb).mean().neg(); // -logprobs[range(n), Yb].mean()
    for (const p of parameters) p.grad = null;
    const atoms = [logprobs, probs, counts, counts_sum, counts_sum_inv, norm_logits, logit_maxes, logits, h, hpreact,
      bnraw, bnvar_inv, bnvar, bndiff2, bndiff, hprebn, bnmeani, embcat, emb];
    for (const t of atoms) t.retain_grad();
    loss.backward();

    // exercise 1
    const dlogprobs = torch.zeros_like(logprobs);
    dlogprobs.index_put_([torch.arange(n), Yb], -1.0 / n); // dlogprobs[range(n), Yb] = -1.0/n
    const dprobs = probs.reciprocal().mul(dlogprobs); // (1.0 / probs) * dlogprobs
    const dcounts_sum_inv = counts.mul(dprobs).sum(1, { keepdim: true });
    let dcounts = counts_sum_inv.mul(dprobs);
    const dcounts_sum = counts_sum.pow(-2).neg().mul(dcounts_sum_inv);
    dcounts = dcounts.add(torch.ones_like(counts).mul(dcounts_sum)); // dcounts += ...
    const dnorm_logits = counts.mul(dcounts);
    let dlogits = dnorm_logits.clone();
    const dlogit_maxes = dnorm_logits.neg().sum(1, { keepdim: true });
    dlogits = dlogits.add(F.one_hot(logits.max(1).indices, { num_classes: logits.shape[1] }).mul(dlogit_maxes));
    const dh = dlogits.matmul(W2.T);
    const dW2 = h.T.matmul(dlogits);
    const db2 = dlogits.sum(0);
    const dhpreact = h.pow(2).neg().add(1.0).mul(dh); // (1.0 - h**2) * dh
    const dbngain = bnraw.mul(dhpreact).sum(0, { keepdim: true });
    const dbnraw = bngain.mul(dhpreact);
    const dbnbias = dhpreact.sum(0, { keepdim: true });
    let dbndiff = bnvar_inv.mul(dbnraw);
    const dbnvar_inv = bndiff.mul(dbnraw).sum(0, { keepdim: true });
    const dbnvar = bnvar.add(1e-5).pow(-1.5).mul(-0.5).mul(dbnvar_inv); // (-0.5*(bnvar + 1e-5)**-1.5) * dbnvar_inv
    const dbndiff2 = torch.ones_like(bndiff2).mul(1.0 / (n - 1)).mul(dbnvar);
    dbndiff = dbndiff.add(bndiff.mul(2).mul(dbndiff2));
    let dhprebn = dbndiff.clone();
    const dbnmeani = dbndiff.neg().sum(0);
    dhprebn = dhprebn.add(torch.ones_like(hprebn).mul(1.0 / n).mul(dbnmeani));
    const dembcat = dhprebn.matmul(W1.T);
    const dW1 = embcat.T.matmul(dhprebn);
    const db1 = dhprebn.sum(0);
    const demb = dembcat.view(emb.shape);
    const dC = torch.zeros_like(C);
    for (let k = 0; k < Xb.shape[0]; k++) {
      for (let j = 0; j < Xb.shape[1]; j++) {
        const ixkj = Xb.index(k, j);
        dC.index(ixkj).add_(demb.index(k, j)); // dC[ix] += demb[k,j]
      }
    }
    const checks: [string, Tensor, Tensor][] = [
      ["logprobs", dlogprobs, logprobs], ["probs", dprobs, probs], ["counts_sum_inv", dcounts_sum_inv, counts_sum_inv],
      ["counts_sum", dcounts_sum, counts_sum], ["counts", dcounts, counts], ["norm_logits", dnorm_logits, norm_logits],
      ["logit_maxes", dlogit_maxes, logit_maxes], ["logits", dlogits, logits], ["h", dh, h], ["W2", dW2, W2], ["b2", db2, b2],
      ["hpreact", dhpreact, hpreact], ["bngain", dbngain, bngain], ["bnbias", dbnbias, bnbias], ["bnraw", dbnraw, bnraw],
      ["bnvar_inv", dbnvar_inv, bnvar_inv], ["bnvar", dbnvar, bnvar], ["bndiff2", dbndiff2, bndiff2], ["bndiff", dbndiff, bndiff],
      ["bnmeani", dbnmeani, bnmeani], ["hprebn", dhprebn, hprebn], ["embcat", dembcat, embcat], ["W1", dW1, W1],
      ["b1", db1, b1], ["emb", demb, emb], ["C", dC, C],
    ];
    for (const [s, dt, t] of checks) {
      const [ex, app, maxdiff] = cmp(s, dt, t);
      expect(typeof ex, s).toBe("boolean");
      expect(app, `${s}: maxdiff ${maxdiff}`).toBe(true);
      expect(maxdiff, s).toBeLessThan(1e-5);
    }
    expect(cmp("logprobs", dlogprobs, logprobs)[0]).toBe(true);

    // exercise 2: cross entropy in one go
    const loss_fast = F.cross_entropy(logits, Yb);
    expect(loss_fast.item()).toBeCloseTo(loss.item(), 5);
    const dlogits2 = F.softmax(logits, 1);
    dlogits2.index(torch.arange(n), Yb); // reading works; the write is an index_put_
    dlogits2.index_put_([torch.arange(n), Yb], dlogits2.index(torch.arange(n), Yb).sub(1)); // dlogits[range(n), Yb] -= 1
    dlogits2.div_(n);
    expect(cmp("logits", dlogits2.detach(), logits)[1]).toBe(true);

    // exercise 3: batchnorm in one go
    const dhprebn2 = bngain.mul(bnvar_inv).div(n).mul(
      dhpreact.mul(n).sub(dhpreact.sum(0)).sub(bnraw.mul(n / (n - 1)).mul(dhpreact.mul(bnraw).sum(0))),
    );
    expect(cmp("hprebn", dhprebn2, hprebn)[1]).toBe(true);
  });
});

// makemore 5's own containers (torch.nn-like, with __call__ and parameters()).
class Embedding {
  weight: Tensor;
  out!: Tensor;
  constructor(num_embeddings: number, embedding_dim: number) {
    this.weight = torch.randn([num_embeddings, embedding_dim]);
  }
  __call__(IX: Tensor): Tensor {
    this.out = this.weight.index(IX);
    return this.out;
  }
  parameters(): Tensor[] {
    return [this.weight];
  }
}
class FlattenConsecutive {
  out!: Tensor;
  constructor(readonly n: number) {}
  __call__(x: Tensor): Tensor {
    const [B, T, C] = x.shape;
    x = x.view(B, Math.floor(T / this.n), C * this.n); // T//self.n
    if (x.shape[1] === 1) x = x.squeeze(1);
    this.out = x;
    return this.out;
  }
  parameters(): Tensor[] {
    return [];
  }
}
type Layer = { __call__(x: Tensor): Tensor; parameters(): Tensor[]; out: Tensor; training?: boolean };
class Sequential {
  out!: Tensor;
  constructor(readonly layers: Layer[]) {}
  __call__(x: Tensor): Tensor {
    for (const layer of this.layers) x = layer.__call__(x);
    this.out = x;
    return this.out;
  }
  parameters(): Tensor[] {
    return this.layers.flatMap((layer) => layer.parameters()); // [p for layer in self.layers for p in layer.parameters()]
  }
}

describe("makemore 5: a WaveNet", () => {
  it("FlattenConsecutive / BatchNorm1d over (0, 1) / Sequential; lossi.view(-1, k).mean(1); eval mode", () => {
    torch.manual_seed(42);
    g_mm = new torch.Generator().manual_seed(42);
    const block_size = 8;
    const [Xtr, Ytr] = build_dataset(words, block_size);
    const n_embd = 8;
    const n_hidden = 32;
    const model = new Sequential([
      new Embedding(V, n_embd),
      new FlattenConsecutive(2), new Linear(n_embd * 2, n_hidden, false), new BatchNorm1d(n_hidden), new Tanh(),
      new FlattenConsecutive(2), new Linear(n_hidden * 2, n_hidden, false), new BatchNorm1d(n_hidden), new Tanh(),
      new FlattenConsecutive(2), new Linear(n_hidden * 2, n_hidden, false), new BatchNorm1d(n_hidden), new Tanh(),
      new Linear(n_hidden, V),
    ]);
    torch.no_grad(() => {
      (model.layers[model.layers.length - 1] as Linear).weight.mul_(0.1); // model.layers[-1].weight *= 0.1
    });
    const parameters = model.parameters();
    for (const p of parameters) p.requires_grad = true;

    // shapes through the tree, as the lecture prints them
    const ix0 = torch.randint(0, Xtr.shape[0], [4]);
    const Xb0 = Xtr.index(ix0);
    model.__call__(Xb0);
    expect(model.layers.map((layer) => layer.constructor.name + ": " + layer.out.shape.join(","))).toEqual([
      "Embedding: 4,8,8", "FlattenConsecutive: 4,4,16", "Linear: 4,4,32", "BatchNorm1d: 4,4,32", "Tanh: 4,4,32",
      "FlattenConsecutive: 4,2,64", "Linear: 4,2,32", "BatchNorm1d: 4,2,32", "Tanh: 4,2,32",
      "FlattenConsecutive: 4,64", "Linear: 4,32", "BatchNorm1d: 4,32", "Tanh: 4,32", "Linear: 4," + V,
    ]);
    const bn = model.layers[3] as BatchNorm1d;
    expect(bn.running_mean.shape).toEqual([1, 1, n_hidden]);

    const lossi: number[] = [];
    for (let i = 0; i < 100; i++) {
      const ix = torch.randint(0, Xtr.shape[0], [32]);
      const [Xb, Yb] = [Xtr.index(ix), Ytr.index(ix)];
      const logits = model.__call__(Xb);
      const loss = F.cross_entropy(logits, Yb);
      for (const p of parameters) p.grad = null;
      loss.backward();
      const lr = i < 75 ? 0.1 : 0.01;
      for (const p of parameters) p.data.add_(p.grad!.mul(-lr));
      lossi.push(loss.log10().item());
    }
    const curve = torch.tensor(lossi).view(-1, 20).mean(1); // torch.tensor(lossi).view(-1, 1000).mean(1)
    expect(curve.shape).toEqual([5]);
    expect(curve.index(-1).item()).toBeLessThan(curve.index(0).item());

    for (const layer of model.layers) layer.training = false;
    const logits = torch.no_grad(() => model.__call__(Xtr));
    const evalLoss = F.cross_entropy(logits, Ytr).item();
    expect(evalLoss).toBeLessThan(Math.log(V));
    // sample from the model
    const out: number[] = [];
    let context = new Array<number>(block_size).fill(0);
    for (;;) {
      const lg = model.__call__(torch.tensor([context], { dtype: torch.long }));
      const probs = F.softmax(lg, { dim: 1 });
      const ix = torch.multinomial(probs, { num_samples: 1 }).item();
      context = [...context.slice(1), ix];
      out.push(ix);
      if (ix === 0 || out.length > 20) break;
    }
    expect(out.length).toBeGreaterThan(0);
  });
});

// ---- "Let's build GPT: from scratch, in code, spelled out." ----
const text = utils.data.SONNETS.text.slice(0, 20000);
const gchars = [...new Set(text)].sort(); // sorted(list(set(text)))
const vocab_size = gchars.length;
const gstoi = new Map(gchars.map((ch, i) => [ch, i]));
const encode = (s: string): number[] => [...s].map((c) => gstoi.get(c)!);
const decode = (l: number[]): string => l.map((i) => gchars[i]).join("");
const data = torch.tensor(encode(text), { dtype: torch.long });
const nsplit = Math.floor(0.9 * data.shape[0]); // int(0.9*len(data))
const train_data = data.index(`:${nsplit}`);
const val_data = data.index(`${nsplit}:`);

function get_batch(split: "train" | "val", block_size: number, batch_size: number): [Tensor, Tensor] {
  const d = split === "train" ? train_data : val_data;
  const ix = torch.randint(d.shape[0] - block_size, [batch_size]); // torch.randint(len(data) - block_size, (batch_size,))
  const x = torch.stack([...ix].map((i) => d.index(torch.slice(i, i.item() + block_size)))); // data[i:i+block_size] for i in ix
  const y = torch.stack([...ix].map((i) => d.index(torch.slice(i.item() + 1, i.item() + block_size + 1))));
  return [x, y];
}

class BigramLanguageModel extends nn.Module {
  token_embedding_table: nn.Embedding;
  constructor(vocab: number) {
    super();
    this.token_embedding_table = new nn.Embedding(vocab, vocab);
  }
  forward(idx: Tensor, targets: Tensor | null = null): [Tensor, Tensor | null] {
    let logits = this.token_embedding_table(idx); // (B,T,C)
    let loss: Tensor | null = null;
    if (targets !== null) {
      const [B, T, C] = logits.shape;
      logits = logits.view(B * T, C);
      loss = F.cross_entropy(logits, targets.view(B * T));
    }
    return [logits, loss];
  }
  generate(idx: Tensor, max_new_tokens: number): Tensor {
    for (let k = 0; k < max_new_tokens; k++) {
      let [logits] = this.forward(idx);
      logits = logits.index(null, -1, null); // logits[:, -1, :]
      const probs = F.softmax(logits, { dim: -1 });
      const idx_next = torch.multinomial(probs, { num_samples: 1 });
      idx = torch.cat([idx, idx_next], { dim: 1 });
    }
    return idx;
  }
}

describe("Let's build GPT: data, the bigram model, the self-attention trick", () => {
  it("encode / decode, get_batch with torch.randint and torch.stack", () => {
    torch.manual_seed(1337);
    expect(torch.randint(1000 - 8, [4]).tolist()).toEqual(ref.randint_1337);
    expect(decode(encode("hii there"))).toBe("hii there");
    expect(data.dtype).toBe(torch.int64);
    torch.manual_seed(1337);
    const [xb, yb] = get_batch("train", 8, 4);
    expect(xb.shape).toEqual([4, 8]);
    // data[i:i+block_size] written with JS's `+` on a tensor i concatenates strings: a clear TypeError
    const i0 = torch.randint(100, [1]).index(0);
    expect(() => data.index(torch.slice(i0, (i0 as unknown as number) + 8))).toThrow("slice indices must be integers");
    expect(xb.index(null, "1:").equal(yb.index(null, ":-1"))).toBe(true);
    // for b in range(batch_size): for t in range(block_size): context = xb[b, :t+1]; target = yb[b,t]
    const context = xb.index(0, torch.slice(null, 3));
    expect(context.shape).toEqual([3]);
    expect(yb.index(0, 2).item()).toBe(xb.index(0, 3).item());
  });

  it("BigramLanguageModel: loss near -ln(1/vocab), AdamW(lr=1e-3) steps, generate from torch.zeros((1, 1), dtype=torch.long)", () => {
    torch.manual_seed(1337);
    const m = new BigramLanguageModel(vocab_size);
    const [xb, yb] = get_batch("train", 8, 4);
    const [logits, loss] = m(xb, yb);
    expect(logits.shape).toEqual([32, vocab_size]);
    expect(loss!.item()).toBeGreaterThan(Math.log(vocab_size) - 1);
    const out = m.generate(torch.zeros([1, 1], { dtype: torch.long }), 20).index(0).tolist() as number[];
    expect(out.length).toBe(21);
    expect(decode(out).length).toBe(21);
    const optimizer = new torch.optim.AdamW(m.parameters(), { lr: 1e-2 });
    const losses: number[] = [];
    for (let steps = 0; steps < 100; steps++) {
      const [xb2, yb2] = get_batch("train", 8, 32);
      const [, l] = m(xb2, yb2);
      optimizer.zero_grad({ set_to_none: true });
      l!.backward();
      optimizer.step();
      losses.push(l!.item());
    }
    expect(tailMean(losses, 10)).toBeLessThan(losses[0] - 0.3);
  });

  it("the mathematical trick: xbow by loop, by wei = tril / sum, by softmax of masked_fill(-inf); one self-attention head", () => {
    torch.manual_seed(1337);
    let [B, T, C] = [4, 8, 2];
    let x = torch.randn(B, T, C);
    const xbow = torch.zeros([B, T, C]);
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        const xprev = x.index(b, torch.slice(null, t + 1)); // x[b,:t+1]
        xbow.index(b, t).copy_(torch.mean(xprev, 0)); // xbow[b,t] = torch.mean(xprev, 0)
      }
    }
    let wei = torch.tril(torch.ones(T, T));
    wei = wei.div(wei.sum(1, { keepdim: true }));
    const xbow2 = wei.matmul(x);
    expect(torch.allclose(xbow, xbow2, { atol: 1e-6 })).toBe(true);
    const tril = torch.tril(torch.ones(T, T));
    wei = torch.zeros([T, T]);
    wei = wei.masked_fill(tril.eq(0), -Infinity); // float('-inf')
    wei = F.softmax(wei, { dim: -1 });
    const xbow3 = wei.matmul(x);
    expect(torch.allclose(xbow, xbow3, { atol: 1e-6 })).toBe(true);

    // version 4: self-attention
    [B, T, C] = [4, 8, 32];
    x = torch.randn(B, T, C);
    const head_size = 16;
    const key = new nn.Linear(C, head_size, { bias: false });
    const query = new nn.Linear(C, head_size, { bias: false });
    const value = new nn.Linear(C, head_size, { bias: false });
    const k = key(x);
    const q = query(x);
    wei = q.matmul(k.transpose(-2, -1)).mul(head_size ** -0.5);
    wei = wei.masked_fill(tril.eq(0), -Infinity);
    wei = F.softmax(wei, { dim: -1 });
    const out = wei.matmul(value(x));
    expect(out.shape).toEqual([4, 8, 16]);
    expect(wei.index(0).triu(1).abs().sum().item()).toBe(0);
    expect(wei.sum(-1).allclose(torch.ones(B, T))).toBe(true);
    // scaled attention keeps the variance near 1
    const k2 = torch.randn(B, T, head_size);
    const q2 = torch.randn(B, T, head_size);
    const w2 = q2.matmul(k2.transpose(-2, -1)).mul(head_size ** -0.5);
    expect(w2.var().item()).toBeLessThan(2);
  });
});

// The lecture's final model, small.
const n_embd = 16;
const n_head = 2;
const n_layer = 2;
const gblock_size = 8;
const dropout = 0.0;

class Head extends nn.Module {
  key: nn.Linear;
  query: nn.Linear;
  value: nn.Linear;
  declare tril: Tensor;
  dropout: nn.Dropout;
  constructor(head_size: number) {
    super();
    this.key = new nn.Linear(n_embd, head_size, { bias: false });
    this.query = new nn.Linear(n_embd, head_size, { bias: false });
    this.value = new nn.Linear(n_embd, head_size, { bias: false });
    this.register_buffer("tril", torch.tril(torch.ones(gblock_size, gblock_size)));
    this.dropout = new nn.Dropout(dropout);
  }
  forward(x: Tensor): Tensor {
    const [, T, C] = x.shape;
    const k = this.key(x);
    const q = this.query(x);
    let wei = q.matmul(k.transpose(-2, -1)).mul(C ** -0.5);
    wei = wei.masked_fill(this.tril.index(`:${T}`, `:${T}`).eq(0), -Infinity); // self.tril[:T, :T] == 0
    wei = F.softmax(wei, { dim: -1 });
    wei = this.dropout(wei);
    const v = this.value(x);
    return wei.matmul(v);
  }
}
class MultiHeadAttention extends nn.Module {
  heads: nn.ModuleList;
  proj: nn.Linear;
  dropout: nn.Dropout;
  constructor(num_heads: number, head_size: number) {
    super();
    this.heads = new nn.ModuleList(Array.from({ length: num_heads }, () => new Head(head_size)));
    this.proj = new nn.Linear(head_size * num_heads, n_embd);
    this.dropout = new nn.Dropout(dropout);
  }
  forward(x: Tensor): Tensor {
    const out = torch.cat([...this.heads].map((h) => h(x)), { dim: -1 }); // [h(x) for h in self.heads]
    return this.dropout(this.proj(out));
  }
}
class FeedFoward extends nn.Module {
  net: nn.Sequential;
  constructor(n: number) {
    super();
    this.net = new nn.Sequential(new nn.Linear(n, 4 * n), new nn.ReLU(), new nn.Linear(4 * n, n), new nn.Dropout(dropout));
  }
  forward(x: Tensor): Tensor {
    return this.net(x);
  }
}
class Block extends nn.Module {
  sa: MultiHeadAttention;
  ffwd: FeedFoward;
  ln1: nn.LayerNorm;
  ln2: nn.LayerNorm;
  constructor(n: number, heads: number) {
    super();
    const head_size = Math.floor(n / heads);
    this.sa = new MultiHeadAttention(heads, head_size);
    this.ffwd = new FeedFoward(n);
    this.ln1 = new nn.LayerNorm(n);
    this.ln2 = new nn.LayerNorm(n);
  }
  forward(x: Tensor): Tensor {
    x = x.add(this.sa(this.ln1(x)));
    return x.add(this.ffwd(this.ln2(x)));
  }
}
class GPTLanguageModel extends nn.Module {
  token_embedding_table = new nn.Embedding(vocab_size, n_embd);
  position_embedding_table = new nn.Embedding(gblock_size, n_embd);
  blocks = new nn.Sequential(...Array.from({ length: n_layer }, () => new Block(n_embd, n_head)));
  ln_f = new nn.LayerNorm(n_embd);
  lm_head = new nn.Linear(n_embd, vocab_size);
  constructor() {
    super();
    this.apply((m) => this._init_weights(m));
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
    const [B, T] = idx.shape;
    const tok_emb = this.token_embedding_table(idx);
    const pos_emb = this.position_embedding_table(torch.arange(T, { device: "cpu" }));
    let x = tok_emb.add(pos_emb);
    x = this.blocks(x);
    x = this.ln_f(x);
    let logits = this.lm_head(x);
    let loss: Tensor | null = null;
    if (targets !== null) {
      const C = logits.shape[2];
      logits = logits.view(B * T, C);
      loss = F.cross_entropy(logits, targets.view(B * T));
    }
    return [logits, loss];
  }
  generate(idx: Tensor, max_new_tokens: number): Tensor {
    for (let k = 0; k < max_new_tokens; k++) {
      const idx_cond = idx.index(null, torch.slice(-gblock_size)); // idx[:, -block_size:]
      let [logits] = (this as GPTLanguageModel)(idx_cond); // self(idx_cond)
      logits = logits.index(null, -1, null);
      const probs = F.softmax(logits, { dim: -1 });
      const idx_next = torch.multinomial(probs, { num_samples: 1 });
      idx = torch.cat([idx, idx_next], { dim: 1 });
    }
    return idx;
  }
}

describe("Let's build GPT: the full model", () => {
  it("Head / MultiHeadAttention / Block, _init_weights via apply, estimate_loss under @torch.no_grad(), AdamW, generate", () => {
    torch.manual_seed(1337);
    const model = new GPTLanguageModel();
    const nparams = [...model.parameters()].reduce((s, p) => s + p.numel(), 0);
    expect(nparams / 1e6).toBeGreaterThan(0);
    expect((model.blocks.get(0) as Block).sa.heads.length).toBe(n_head);
    const eval_iters = 4;
    const estimate_loss = torch.no_grad()((): Record<string, number> => {
      const out: Record<string, number> = {};
      model.eval();
      for (const split of ["train", "val"] as const) {
        const losses = torch.zeros(eval_iters);
        for (let k = 0; k < eval_iters; k++) {
          const [X, Y] = get_batch(split, gblock_size, 16);
          const [, loss] = model(X, Y);
          losses.index_put_([k], loss!.item()); // losses[k] = loss.item()
        }
        out[split] = losses.mean().item();
      }
      model.train();
      return out;
    });
    const before = estimate_loss();
    expect(before.train).toBeCloseTo(Math.log(vocab_size), 0);
    expect(model.training).toBe(true);
    const optimizer = new torch.optim.AdamW(model.parameters(), { lr: 1e-2 });
    for (let iter = 0; iter < 60; iter++) {
      const [xb, yb] = get_batch("train", gblock_size, 16);
      const [, loss] = model(xb, yb);
      optimizer.zero_grad({ set_to_none: true });
      loss!.backward();
      optimizer.step();
    }
    const after = estimate_loss();
    expect(after.train).toBeLessThan(before.train - 0.5);
    const context = torch.zeros([1, 1], { dtype: torch.long });
    const gen = model.generate(context, 12);
    expect(gen.shape).toEqual([1, 13]);
    expect(decode(gen.index(0).tolist() as number[])).toHaveLength(13);
  });
});

// ---- nanoGPT: model.py ----
// model.py is ./nanogpt.ts (shared with annotated_mingpt.test.ts); GPTConfig's defaults are GPT-2's 124M, so
// the small model here spells out its size
const small = { block_size: 16, n_layer: 2, n_head: 2, n_embd: 16 };

describe("nanoGPT model.py", () => {
  it("weight tying, named_parameters re-init of c_proj.weight, get_num_params, flash = manual attention", () => {
    const config = new GPTConfig({ ...small, vocab_size });
    torch.manual_seed(1337);
    const model = new GPT(config);
    expect(model.transformer.wte.weight).toBe(model.lm_head.weight);
    const names = [...model.named_parameters()].map(([n]) => n);
    expect(names).toContain("transformer.wte.weight");
    expect(names).not.toContain("lm_head.weight"); // shared: listed once
    expect(Object.keys(model.state_dict())).toContain("lm_head.weight");
    const all = [...model.parameters()].reduce((s, p) => s + p.numel(), 0);
    expect(model.get_num_params()).toBe(all - config.block_size * config.n_embd);
    expect(model.get_num_params(false)).toBe(all);
    const cproj = model.transformer.h.get(0) as GPTBlock;
    expect(cproj.attn.c_proj.weight.std().item()).toBeLessThan(0.02);
    expect(cproj.attn.c_attn.bias!.abs().sum().item()).toBe(0);

    // the manual attention path gives the same logits as scaled_dot_product_attention(is_causal=True)
    torch.manual_seed(1337);
    const manual = withoutFlash(() => new GPT(new GPTConfig({ ...small, vocab_size })));
    expect((manual.transformer.h.get(0) as GPTBlock).attn.flash).toBe(false);
    manual.load_state_dict(model.state_dict(), { strict: false });
    torch.manual_seed(0);
    const idx = torch.randint(vocab_size, [2, 12]);
    const [la] = model(idx, idx);
    const [lb] = manual(idx, idx);
    expect(la.allclose(lb, { atol: 1e-5 })).toBe(true);
    // without targets only the last position's logits: x[:, [-1], :]
    const [last, none] = model(idx);
    expect(last.shape).toEqual([2, 1, vocab_size]);
    expect(none).toBeNull();
    expect(last.allclose(la.index(null, [-1], null), { atol: 1e-6 })).toBe(true);
  });

  it("torch.manual_seed(1337); GPT(config): the same initial weights and loss as torch", () => {
    torch.manual_seed(1337);
    const model = withoutFlash(() => new GPT(new GPTConfig({ vocab_size: 59, block_size: 16, n_layer: 2, n_head: 2, n_embd: 16, bias: true })));
    torch.manual_seed(0);
    const idx = torch.randint(59, [2, 12]);
    expect(idx.tolist()).toEqual(ref.gpt_idx);
    expectClose(model.transformer.wpe.weight.index(0).tolist() as number[], ref.gpt_wpe_first, 1e-7);
    expect((model.transformer.h.get(0) as GPTBlock).attn.c_proj.weight.abs().sum().item()).toBeCloseTo(ref.gpt_c_proj_sum_abs, 4);
    const [logits, loss] = model(idx, idx);
    expectClose(logits.index(0, 0, ":8").tolist() as number[], ref.gpt_logits_00, 1e-5);
    expect(loss!.item()).toBeCloseTo(ref.gpt_loss, 5);
  });

  it("configure_optimizers (p.dim() >= 2 groups), crop_block_size, generate with temperature and top_k, estimate_mfu", () => {
    torch.manual_seed(1337);
    const model = withoutFlash(() => new GPT(new GPTConfig({ ...small, vocab_size })));
    const optimizer = model.configure_optimizers(0.1, 6e-4, [0.9, 0.95], "cpu");
    expect(optimizer.param_groups.length).toBe(2);
    expect(optimizer.param_groups[0].weight_decay).toBe(0.1);
    expect(optimizer.param_groups[1].weight_decay).toBe(0.0);
    expect(optimizer.param_groups[0].betas).toEqual([0.9, 0.95]);
    const ndecay = optimizer.param_groups[0].params.length;
    expect(ndecay).toBe(1 + 1 + 2 * 4); // wte (tied lm_head), wpe, per block c_attn / c_proj / c_fc / c_proj
    model.crop_block_size(8);
    expect(model.transformer.wpe.weight.shape).toEqual([8, 16]);
    expect((model.transformer.h.get(0) as GPTBlock).attn.bias.shape).toEqual([1, 1, 8, 8]);
    const out = model.generate(torch.zeros([1, 1], { dtype: torch.long }), 12, 0.8, 5);
    expect(out.shape).toEqual([1, 13]);
    expect(model.generate(torch.zeros([2, 3], { dtype: torch.long }), 2).shape).toEqual([2, 5]);
    const mfu = model.estimate_mfu(12, 0.5);
    expect(mfu).toBeGreaterThan(0);
  });
});

// ---- nanoGPT: train.py ----
describe("nanoGPT train.py", () => {
  it("get_lr warmup + cosine into param_group['lr'], gradient accumulation, GradScaler(enabled=False), clip_grad_norm_, checkpoints", () => {
    const learning_rate = 1e-2;
    const warmup_iters = 5;
    const lr_decay_iters = 30;
    const min_lr = 1e-3;
    const get_lr = (it: number): number => {
      if (it < warmup_iters) return (learning_rate * it) / warmup_iters; // 1) linear warmup
      if (it > lr_decay_iters) return min_lr; // 2) past the decay: min learning rate
      const decay_ratio = (it - warmup_iters) / (lr_decay_iters - warmup_iters); // 3) cosine decay down to min
      const coeff = 0.5 * (1.0 + Math.cos(Math.PI * decay_ratio));
      return min_lr + coeff * (learning_rate - min_lr);
    };
    expect(get_lr(0)).toBe(0);
    expect(get_lr(warmup_iters)).toBeCloseTo(learning_rate, 12);
    expect(get_lr(lr_decay_iters)).toBeCloseTo(min_lr, 12);

    const seed_offset = 0;
    torch.manual_seed(1337 + seed_offset);
    torch.backends.cuda.matmul.allow_tf32 = true;
    torch.backends.cudnn.allow_tf32 = true;
    const device = "cpu";
    const device_type = device.includes("cuda") ? "cuda" : "cpu";
    const dtype = "float32";
    const ptdtype = { float32: torch.float32, float64: torch.float64 }[dtype];
    expect(ptdtype).toBe(torch.float32);
    const model_args = { n_layer: 2, n_head: 2, n_embd: 16, block_size: 8, bias: false, vocab_size, dropout: 0.0 };
    const model = torch.compile(new GPT(new GPTConfig(model_args))); // if compile: model = torch.compile(model)
    const scaler = new torch.cuda.amp.GradScaler({ enabled: dtype === ("float16" as string) });
    const optimizer = model.configure_optimizers(0.1, learning_rate, [0.9, 0.95], device_type);
    const gradient_accumulation_steps = 2;
    const grad_clip: number = 1.0;
    const batch_size = 8;
    const estimate_loss = torch.no_grad()((): Record<string, Tensor> => {
      const out: Record<string, Tensor> = {};
      model.eval();
      for (const split of ["train", "val"] as const) {
        const losses = torch.zeros(3);
        for (let k = 0; k < 3; k++) {
          const [X, Y] = get_batch(split, 8, batch_size);
          const [, loss] = model(X, Y);
          losses.index_put_([k], loss!.item());
        }
        out[split] = losses.mean();
      }
      model.train();
      return out;
    });

    let [X, Y] = get_batch("train", 8, batch_size);
    let best_val_loss = 1e9;
    const first = estimate_loss();
    let iter_num = 0;
    let running_mfu = -1.0;
    let saved_iter = -1;
    let lossf = 0;
    const norms: number[] = [];
    while (iter_num <= 30) {
      const lr = get_lr(iter_num);
      for (const param_group of optimizer.param_groups) param_group.lr = lr; // param_group['lr'] = lr
      if (iter_num % 15 === 0 && iter_num > 0) {
        const losses = estimate_loss();
        if (losses.val.item() < best_val_loss) {
          best_val_loss = losses.val.item();
          const checkpoint = {
            model: model.state_dict(),
            optimizer: optimizer.state_dict(),
            model_args,
            iter_num,
            best_val_loss,
          };
          torch.save(checkpoint, "out/ckpt.pt"); // os.path.join(out_dir, 'ckpt.pt')
          saved_iter = iter_num;
        }
      }
      const t0 = performance.now();
      let loss: Tensor | null = null;
      for (let micro_step = 0; micro_step < gradient_accumulation_steps; micro_step++) {
        [, loss] = model(X, Y); // with ctx: (nullcontext on the CPU)
        loss = loss!.div(gradient_accumulation_steps);
        [X, Y] = get_batch("train", 8, batch_size);
        scaler.scale(loss).backward();
      }
      if (grad_clip !== 0.0) {
        scaler.unscale_(optimizer);
        norms.push(torch.nn.utils.clip_grad_norm_(model.parameters(), grad_clip).item());
      }
      scaler.step(optimizer);
      scaler.update();
      optimizer.zero_grad({ set_to_none: true });
      const dt = Math.max((performance.now() - t0) / 1000, 1e-3);
      lossf = loss!.item() * gradient_accumulation_steps;
      if (iter_num >= 5) {
        const mfu = model.estimate_mfu(batch_size * gradient_accumulation_steps, dt);
        running_mfu = running_mfu === -1.0 ? mfu : 0.9 * running_mfu + 0.1 * mfu;
      }
      iter_num += 1;
    }
    expect(optimizer.param_groups[0].lr).toBeCloseTo(get_lr(30), 12);
    expect(norms.every((n) => Number.isFinite(n) && n > 0)).toBe(true);
    expect(running_mfu).toBeGreaterThan(0);
    expect(estimate_loss().train.item()).toBeLessThan(first.train.item() - 0.3);
    expect(lossf).toBeLessThan(Math.log(vocab_size));

    // resume: init_from = 'resume'
    const checkpoint = torch.load("out/ckpt.pt", { map_location: device }) as Record<string, unknown>;
    const checkpoint_model_args = checkpoint.model_args as typeof model_args;
    const margs: Record<string, unknown> = {};
    for (const k of ["n_layer", "n_head", "n_embd", "block_size", "bias", "vocab_size"] as const) margs[k] = checkpoint_model_args[k];
    const model2 = new GPT(new GPTConfig(margs as Partial<GPTConfig>));
    const state_dict = checkpoint.model as Record<string, Tensor>;
    const unwanted_prefix = "_orig_mod.";
    for (const k of Object.keys(state_dict)) {
      if (k.startsWith(unwanted_prefix)) {
        state_dict[k.slice(unwanted_prefix.length)] = state_dict[k];
        delete state_dict[k]; // state_dict.pop(k)
      }
    }
    model2.load_state_dict(state_dict);
    const optimizer2 = model2.configure_optimizers(0.1, learning_rate, [0.9, 0.95], device_type);
    optimizer2.load_state_dict(checkpoint.optimizer as ReturnType<typeof optimizer.state_dict>);
    expect(saved_iter).toBeGreaterThan(0);
    expect(checkpoint.iter_num).toBe(saved_iter);
    expect(checkpoint.best_val_loss).toBe(best_val_loss);
    expect(optimizer2.param_groups[0].weight_decay).toBe(0.1);
    expect(Object.keys(optimizer2.state_dict().state).length).toBeGreaterThan(0);
    model2.eval();
    model.eval();
    torch.manual_seed(3);
    const [xb] = get_batch("val", 8, 2);
    const [a] = torch.no_grad(() => model2(xb, xb));
    expect(a.shape).toEqual([2, 8, vocab_size]);
    expect(model2.transformer.wpe.weight.equal(state_dict["transformer.wpe.weight"])).toBe(true);
    expect(model2.lm_head.weight).toBe(model2.transformer.wte.weight); // still tied after load_state_dict
  });
});
