/**
 * Four more snippets an instructor would write, in the style of the PyTorch tutorials and docs, translated line by
 * line and compared with torch 1.13 running the same code (scripts/fixtures/lesson_snippets10_fixtures.py, which
 * documents each; tests/fixtures/torch/tutorials/lesson_snippets10.json): weight tying with gradient accumulation, a
 * custom Dataset through random_split and a DataLoader with collate_fn and a seeded generator, model.apply / buffers /
 * a causal masked_fill attention / forward and full backward hooks, and torch.distributions in a VAE and a REINFORCE
 * step. Each starts from torch.manual_seed(0), as the script; written as a learner's TS cell (no casts where torch
 * needs none).
 */
import { describe, expect, it } from "vitest";
import { F, nn, torch, utils, type Tensor } from "../../../../lib/tensor/index";
import { tutorialFixture } from "./helpers";

type T = { shape: number[]; data: number[] };
const ref = tutorialFixture<{
  tied: { n_params: number; same: boolean; losses: number[]; norms: number[]; weight: T; bias: T };
  data: { train_indices: number[]; val_indices: number[]; orders: number[][][]; losses: number[]; val_logits: T };
  hooks: {
    buffers: string[]; state_keys: string[]; calls: number; proj_out: T; grad_norms: number[]; y: T; x_grad: T; n_captured_after_remove: number;
    qkv_weight: T;
  };
  vae: { losses: number[]; enc_weight: T; actions: number[]; pg_loss: number; entropy: T; policy_weight: T };
}>("lesson_snippets10.json");

function expectValues(got: number[], want: number[], tol: number, what: string): void {
  expect(got.length, what).toBe(want.length);
  got.forEach((v, i) => expect(Math.abs(v - want[i]), `${what} ${i}: ${v}, torch ${want[i]}`).toBeLessThanOrEqual(tol * (1 + Math.abs(want[i]))));
}

/** Elementwise |got - want| <= tol (1 + |want|), with the shape. */
function expectClose(got: Tensor, want: T, tol: number, what: string): void {
  expect(got.shape, what).toEqual(want.shape);
  expectValues(got.detach().reshape(-1).tolist() as number[], want.data, tol, what);
}

// ---- weight tying and gradient accumulation ------------------------------------------------------------------------
class TiedLM extends nn.Module {
  encoder: nn.Embedding;
  rnn: nn.GRU;
  decoder: nn.Linear;
  constructor(vocab: number, dim = 8) {
    super();
    this.encoder = new nn.Embedding(vocab, dim);
    this.rnn = new nn.GRU(dim, dim, { batch_first: true });
    this.decoder = new nn.Linear(dim, vocab);
    this.decoder.weight = this.encoder.weight; // tie
  }
  forward(x: Tensor): Tensor {
    const [h] = this.rnn(this.encoder(x));
    return this.decoder(h);
  }
}

describe("weight tying and gradient accumulation", () => {
  it("the tied weight is one parameter; losses, clipped norms and weights equal torch's", () => {
    torch.manual_seed(0);
    const V = 11;
    const model = new TiedLM(V);
    const n_params = [...model.parameters()].length;
    const opt = new torch.optim.SGD(model.parameters(), { lr: 0.5, momentum: 0.9 });
    const data = torch.randint(0, V, [16, 7]);
    const accum = 4;
    const losses: number[] = [];
    const norms: number[] = [];
    opt.zero_grad();
    for (let i = 0; i < 16 / 2; i++) {
      const batch = data.index(`${2 * i}:${2 * i + 2}`); // data[2 * i:2 * i + 2]
      const logits = model(batch.index(":", ":-1"));
      const loss = F.cross_entropy(logits.reshape(-1, V), batch.index(":", "1:").reshape(-1)).div(accum);
      loss.backward();
      losses.push(loss.item());
      if ((i + 1) % accum === 0) {
        norms.push(nn.utils.clip_grad_norm_(model.parameters(), 1.0).item());
        opt.step();
        opt.zero_grad();
      }
    }
    expect(n_params).toBe(ref.tied.n_params);
    expect(model.decoder.weight === model.encoder.weight).toBe(ref.tied.same);
    expectValues(losses, ref.tied.losses, 1e-5, "loss");
    expectValues(norms, ref.tied.norms, 1e-5, "norm");
    expectClose(model.encoder.weight, ref.tied.weight, 1e-4, "tied weight");
    expectClose(model.decoder.bias!, ref.tied.bias, 1e-4, "decoder bias");
  });
});

// ---- a custom Dataset, random_split and a DataLoader with collate_fn and a seeded generator -------------------------
type Item = { seq: Tensor; label: number; index: number };

class Sequences extends utils.data.Dataset<Item> {
  items: Item[] = [];
  constructor(n: number) {
    super();
    const g = new torch.Generator().manual_seed(1);
    for (let i = 0; i < n; i++) {
      const length = torch.randint(2, 6, [1], { generator: g }).item();
      const seq = torch.randint(1, 9, [length], { generator: g });
      this.items.push({ seq, label: seq.sum().item() % 2, index: i });
    }
  }
  __len__(): number {
    return this.items.length;
  }
  __getitem__(i: number): Item {
    return this.items[i];
  }
}

function collate(batch: Item[]): [Tensor, Tensor, number[]] {
  const seqs = nn.utils.rnn.pad_sequence(batch.map((b) => b.seq), { batch_first: true });
  return [seqs, torch.tensor(batch.map((b) => b.label), { dtype: torch.long }), batch.map((b) => b.index)];
}

describe("a custom Dataset through random_split and a DataLoader(collate_fn, generator)", () => {
  it("the split, each epoch's batch order, the losses and the validation logits equal torch's", () => {
    torch.manual_seed(0);
    const ds = new Sequences(20);
    const [train, val] = utils.data.random_split(ds, [14, 6], { generator: new torch.Generator().manual_seed(42) });
    const loader = new utils.data.DataLoader(train, { batch_size: 4, shuffle: true, collate_fn: collate, generator: new torch.Generator().manual_seed(7) });
    const emb = new nn.Embedding(9, 4, { padding_idx: 0 });
    const clf = new nn.Linear(4, 2);
    const opt = new torch.optim.Adam([...emb.parameters(), ...clf.parameters()], { lr: 0.05 });
    const orders: number[][][] = [];
    const losses: number[] = [];
    for (let epoch = 0; epoch < 2; epoch++) {
      const order: number[][] = [];
      for (const [seqs, labels, idx] of loader) {
        order.push(idx);
        const mask = seqs.ne(0).float().unsqueeze(-1); // a mean over the real tokens, not the padding
        const feats = emb(seqs).mul(mask).sum(1).div(mask.sum(1));
        const loss = F.cross_entropy(clf(feats), labels);
        opt.zero_grad();
        loss.backward();
        opt.step();
        losses.push(loss.item());
      }
      orders.push(order);
    }
    const valLogits = torch.no_grad(() => {
      const [vs] = collate(Array.from({ length: val.__len__() }, (_, i) => val.__getitem__(i)));
      const m = vs.ne(0).float().unsqueeze(-1);
      return clf(emb(vs).mul(m).sum(1).div(m.sum(1)));
    });
    expect(train.indices).toEqual(ref.data.train_indices);
    expect(val.indices).toEqual(ref.data.val_indices);
    expect(orders).toEqual(ref.data.orders);
    expectValues(losses, ref.data.losses, 1e-5, "loss");
    expectClose(valLogits, ref.data.val_logits, 1e-5, "validation logits");
  });
});

// ---- model.apply, buffers, a causal masked_fill attention, forward and full backward hooks -------------------------
class CausalSelfAttention extends nn.Module {
  qkv: nn.Linear;
  proj: nn.Linear;
  ln: nn.LayerNorm;
  declare mask: Tensor; // registered below, as self.register_buffer("mask", ...)
  declare calls: Tensor;
  constructor(dim: number, block: number) {
    super();
    this.qkv = new nn.Linear(dim, 3 * dim);
    this.proj = new nn.Linear(dim, dim);
    this.ln = new nn.LayerNorm(dim);
    this.register_buffer("mask", torch.tril(torch.ones(block, block)).view(1, block, block));
    this.register_buffer("calls", torch.zeros([]), { persistent: false });
  }
  forward(x: Tensor): Tensor {
    const [, T_, C] = x.shape;
    const [q, k, v] = this.qkv(this.ln(x)).split(C, { dim: 2 });
    let att = q.matmul(k.transpose(-2, -1)).div(C ** 0.5);
    att = att.masked_fill(this.mask.index(":", `:${T_}`, `:${T_}`).eq(0), -Infinity);
    att = F.softmax(att, { dim: -1 });
    this.calls.add_(1); // self.calls += 1
    return x.add(this.proj(att.matmul(v)));
  }
}

function init_weights(m: nn.Module): void {
  if (m instanceof nn.Linear) {
    nn.init.xavier_uniform_(m.weight);
    nn.init.zeros_(m.bias!);
  } else if (m instanceof nn.LayerNorm) {
    nn.init.ones_(m.weight!);
    nn.init.zeros_(m.bias!);
  }
}

describe("model.apply, buffers, a causal masked_fill attention, forward and full backward hooks", () => {
  it("buffers, hooked activations and gradients, outputs and the input's gradient equal torch's", () => {
    torch.manual_seed(0);
    const attn = new CausalSelfAttention(6, 5);
    const block = new nn.Sequential(attn, new nn.Linear(6, 3));
    block.apply(init_weights);
    const captured: Record<string, Tensor> = {};
    const grad_norms: number[] = [];
    const h1 = attn.proj.register_forward_hook((_mod, _inp, outp) => {
      captured.proj = (outp as Tensor).detach().clone();
    });
    const h2 = attn.register_full_backward_hook((_mod, _gin, gout) => {
      grad_norms.push(gout[0]!.norm().item());
    });
    const x = torch.randn([2, 4, 6], { requires_grad: true });
    const y = block(x);
    y.pow(2).mean().backward();
    h1.remove();
    h2.remove();
    block(x); // no hook runs now
    expect(block.named_buffers().map(([name]) => name)).toEqual(ref.hooks.buffers);
    expect(Object.keys(block.state_dict())).toEqual(ref.hooks.state_keys);
    expect(attn.calls.item()).toBe(ref.hooks.calls);
    expect(grad_norms.length).toBe(ref.hooks.n_captured_after_remove);
    expectValues(grad_norms, ref.hooks.grad_norms, 1e-5, "grad_output norm");
    expectClose(attn.qkv.weight, ref.hooks.qkv_weight, 1e-6, "xavier_uniform_ qkv.weight");
    expectClose(captured.proj, ref.hooks.proj_out, 1e-5, "proj output (forward hook)");
    expectClose(y, ref.hooks.y, 1e-5, "output");
    expectClose(x.grad!, ref.hooks.x_grad, 1e-5, "x.grad");
  });
});

// ---- torch.distributions: a VAE and a REINFORCE step ---------------------------------------------------------------
const { Normal, Categorical, kl_divergence } = torch.distributions;

class VAE extends nn.Module {
  enc: nn.Linear;
  dec: nn.Linear;
  constructor(d = 6, z = 2) {
    super();
    this.enc = new nn.Linear(d, 2 * z);
    this.dec = new nn.Linear(z, d);
  }
  forward(x: Tensor): [Tensor, Tensor] {
    const [mu, log_var] = this.enc(x).chunk(2, { dim: -1 });
    const q = new Normal(mu, torch.exp(log_var.mul(0.5)));
    const z = q.rsample();
    const recon = this.dec(z);
    const kl = kl_divergence(q, new Normal(torch.zeros_like(mu), torch.ones_like(mu))).sum(-1);
    return [recon, kl];
  }
}

describe("torch.distributions in a VAE (rsample, kl_divergence) and a REINFORCE step (Categorical)", () => {
  it("the ELBO losses, the sampled actions, the policy-gradient loss and the updated weights equal torch's", () => {
    torch.manual_seed(0);
    const vae = new VAE();
    const opt = new torch.optim.Adam(vae.parameters(), { lr: 0.01 });
    const xs = torch.randn(8, 6);
    const elbo_losses: number[] = [];
    for (let step = 0; step < 5; step++) {
      const [recon, kl] = vae(xs);
      const loss = F.mse_loss(recon, xs, { reduction: "none" }).sum(-1).add(kl).mean();
      opt.zero_grad();
      loss.backward();
      opt.step();
      elbo_losses.push(loss.item());
    }

    const policy = new nn.Linear(4, 3);
    const popt = new torch.optim.SGD(policy.parameters(), { lr: 0.1 });
    const states = torch.randn(5, 4);
    const dist = new Categorical({ logits: policy(states) });
    const actions = dist.sample();
    const returns = torch.tensor([1.0, -0.5, 2.0, 0.0, 1.5]);
    const pg_loss = dist.log_prob(actions).mul(returns).mean().neg().sub(dist.entropy().mean().mul(0.01));
    popt.zero_grad();
    pg_loss.backward();
    popt.step();

    expectValues(elbo_losses, ref.vae.losses, 1e-5, "ELBO loss");
    expectClose(vae.enc.weight, ref.vae.enc_weight, 1e-5, "encoder weight");
    expect(actions.tolist()).toEqual(ref.vae.actions);
    expectValues([pg_loss.item()], [ref.vae.pg_loss], 1e-5, "policy-gradient loss");
    expectClose(dist.entropy(), ref.vae.entropy, 1e-5, "entropy");
    expectClose(policy.weight, ref.vae.policy_weight, 1e-5, "policy weight");
  });
});
