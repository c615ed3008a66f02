/**
 * A probe with recommender-system and tabular-data models written in plain PyTorch:
 *   - facebookresearch/dlrm dlrm_s_pytorch.py: DLRM_Net (create_mlp from a "4-3-2" size string with its
 *     Xavier-style normal init set through `.data =`, create_emb with nn.EmbeddingBag(n, m, mode="sum",
 *     sparse=True) and its uniform init, apply_emb with per-table offsets, interact_features 'dot' (torch.cat +
 *     view, torch.bmm with a transpose, the li / lj lists and the commented-out tril_indices, Z[:, li, lj]) with
 *     and without arch_interaction_itself, and 'cat'), the training loop (BCELoss, SGD, the LRPolicyScheduler
 *     subclass of _LRScheduler with warmup and decay, accuracy by rounding), then the sparse embedding
 *     gradients under other optimizers (Adam and the like refuse them, Adagrad takes them, SparseAdam for the
 *     tables beside Adam for the MLPs), per_sample_weights and the learner's EmbeddingBag mistakes.
 *   - rixwew/pytorch-fm torchfm/layer.py (FeaturesLinear, FeaturesEmbedding with cumsum offsets and
 *     x.new_tensor, FactorizationMachine's square-of-sum minus sum-of-squares, MultiLayerPerceptron with
 *     BatchNorm1d / Dropout) and torchfm/model fm.py, dfm.py (DeepFM), wd.py (Wide&Deep), ncf.py (GMF + MLP),
 *     trained as examples/main.py does (BCELoss on target.float(), Adam with weight_decay, model.zero_grad()),
 *     then DeepFM on logits with BCEWithLogitsLoss and Adagrad; the AUC computed by hand (rank pairs, ties half);
 *     and the rest of layer.py's blocks: FieldAwareFactorizationMachine, Inner / OuterProductNetwork (x[:, row]
 *     with Python lists, the three kernel types), CrossNetwork (ParameterList), AttentionalFactorizationMachine
 *     (eval mode), CompressedInteractionNetwork (Conv1d, torch.split), values and gradients.
 *   - An FT-Transformer-style feature tokenizer (per-feature weight * x + bias, categorical embeddings behind
 *     cumsum offsets, a [CLS] token expanded over the batch) before one nn.TransformerEncoderLayer, AdamW.
 * The data are seeded torch stand-ins built by the same calls on both sides; every value is compared with torch
 * 1.13 running the same code (scripts/fixtures/recsys_tabular_fixtures.py -> tests/fixtures/torch/tutorials/
 * recsys_tabular.json).
 *
 * What the probe found in the engine (fixed, tests in core/recsys_tabular_gaps.test.ts): sparse=True embedding
 * gradients did not exist (nn.Embedding(sparse=True) was refused at its first forward; EmbeddingBag(sparse=True) gave
 * a plain dense gradient, so Adam ran on DLRM's tables where torch refuses, and SparseAdam refused them). They are
 * now dense gradients marked sparse: is_sparse, to_dense(), accumulation, zero_grad, torch's refusals from Adam & co
 * and from SGD / Adagrad weight decay, and SparseAdam's lazy rows. Also EmbeddingBag's index-dtype message
 * (torch.FloatTensor), mode="max" with sparse=True refused as torch, EmbeddingBag.forward's keywords
 * (bag(x, offsets, { per_sample_weights })), the out-of-range index / offsets messages, and the bag's grad_fn
 * (EmbeddingBagBackward0, which a printed DLRM lookup shows).
 * Left as is: the Linear biases in front of BatchNorm1d (torchfm's MultiLayerPerceptron) have a zero gradient up
 * to rounding, and Adam / Adagrad with their default eps turn that rounding noise into +-lr steps, so eval-mode
 * predictions follow each library's rounding noise; both sides here use eps=1e-4, which keeps that noise small.
 *
 * Python forms written differently here:
 *   - torch.tensor([0, 2, 2, 4]) of JS numbers is float32 here (JS numbers carry no int/float distinction), so
 *     index lists are written torch.tensor(list, { dtype: torch.long }); x[None] / x[..., None] are
 *     x.index("None") / x.index("...", "None") (null is the whole dimension, ":").
 *   - numpy: np.fromstring("4-3-2", dtype=int, sep="-") is "4-3-2".split("-").map(Number) (ln.size is .length);
 *     np.random.normal(mean, std, size) / np.random.uniform(low, high, size) are torch.normal / uniform_ (the
 *     fixture draws with torch too); np.cumsum offsets are torch.cumsum(...).tolist(); np.round(S, 0) == T and
 *     np.sum are torch.round / eq / sum; sklearn's roc_auc_score is the AUC by hand on both sides.
 *   - Z[:, li, lj] is Z.index(":", li, lj); x[:, idx] with a one-element index array is x.index(":", [0]);
 *     p[t == 1] is p.index(t.eq(1)); sys.exit is a thrown Error; tqdm is left out.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { F, nn, optim, torch, type Tensor } from "../../../../lib/tensor/index";
import { forgetShownWarnings } from "../../../../lib/tensor/warnings";
import { expectNums, expectT, raised, tutorialFixture, type TJ } from "./helpers";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const ref = tutorialFixture<Record<string, any>>("recsys_tabular.json");

let warn: { mock: { calls: unknown[][] }; mockRestore(): void };
beforeEach(() => {
  forgetShownWarnings();
  warn = vi.spyOn(console, "warn").mockImplementation(() => {});
});
afterEach(() => warn.mockRestore());
const warned = (): string[] => warn.mock.calls.map((c) => String(c[0]).replace(/^UserWarning: /, ""));

const fromstring = (s: string): number[] => s.split("-").map(Number);

// ------------------------------------------------------------------------------------------ DLRM
class DLRM_Net extends nn.Module {
  arch_interaction_op: string;
  arch_interaction_itself: boolean;
  loss_threshold: number;
  emb_l: nn.ModuleList;
  bot_l: nn.Sequential;
  top_l: nn.Sequential;

  create_mlp(ln: number[], sigmoid_layer: number): nn.Sequential {
    const layers = new nn.ModuleList();
    for (let i = 0; i < ln.length - 1; i++) {
      const n = ln[i];
      const m = ln[i + 1];
      const LL = new nn.Linear(n, m, { bias: true });
      const mean = 0.0;
      let std_dev = Math.sqrt(2 / (m + n));
      const W = torch.normal(mean, std_dev, { size: [m, n] });
      std_dev = Math.sqrt(1 / m);
      const bt = torch.normal(mean, std_dev, { size: [m] });
      LL.weight.data = W;
      LL.bias!.data = bt;
      layers.append(LL);
      if (i === sigmoid_layer) layers.append(new nn.Sigmoid());
      else layers.append(new nn.ReLU());
    }
    return new nn.Sequential(...layers);
  }

  create_emb(m: number, ln: number[]): nn.ModuleList {
    const emb_l = new nn.ModuleList();
    for (let i = 0; i < ln.length; i++) {
      const n = ln[i];
      const EE = new nn.EmbeddingBag(n, m, { mode: "sum", sparse: true });
      const W = torch.empty(n, m).uniform_(-Math.sqrt(1 / n), Math.sqrt(1 / n));
      EE.weight.data = W;
      emb_l.append(EE);
    }
    return emb_l;
  }

  constructor(m_spa: number, ln_emb: number[], ln_bot: number[], ln_top: number[], arch_interaction_op: string,
    arch_interaction_itself = false, sigmoid_bot = -1, sigmoid_top = -1, loss_threshold = 0.0) {
    super();
    this.arch_interaction_op = arch_interaction_op;
    this.arch_interaction_itself = arch_interaction_itself;
    this.loss_threshold = loss_threshold;
    this.emb_l = this.create_emb(m_spa, ln_emb);
    this.bot_l = this.create_mlp(ln_bot, sigmoid_bot);
    this.top_l = this.create_mlp(ln_top, sigmoid_top);
  }

  apply_mlp(x: Tensor, layers: nn.Sequential): Tensor {
    return layers(x);
  }

  apply_emb(lS_o: Tensor[], lS_i: Tensor[], emb_l: nn.ModuleList): Tensor[] {
    const ly: Tensor[] = [];
    lS_i.forEach((sparse_index_group_batch, k) => {
      const sparse_offset_group_batch = lS_o[k];
      const E = emb_l.get(k) as nn.EmbeddingBag;
      const V = E(sparse_index_group_batch, sparse_offset_group_batch);
      ly.push(V);
    });
    return ly;
  }

  interact_features(x: Tensor, ly: Tensor[]): Tensor {
    let R: Tensor;
    if (this.arch_interaction_op === "dot") {
      const [batch_size, d] = x.shape;
      const T = torch.cat([x, ...ly], { dim: 1 }).view([batch_size, -1, d]);
      const Z = torch.bmm(T, torch.transpose(T, 1, 2));
      const [, ni, nj] = Z.shape;
      const offset = this.arch_interaction_itself ? 1 : 0;
      const li: number[] = [];
      const lj: number[] = [];
      for (let i = 0; i < ni; i++) for (let j = 0; j < i + offset; j++) li.push(i);
      for (let i = 0; i < nj; i++) for (let j = 0; j < i + offset; j++) lj.push(j);
      const Zflat = Z.index(":", torch.tensor(li, { dtype: torch.long }), torch.tensor(lj, { dtype: torch.long }));
      R = torch.cat([x, Zflat], { dim: 1 });
    } else if (this.arch_interaction_op === "cat") {
      R = torch.cat([x, ...ly], { dim: 1 });
    } else {
      throw new Error(`ERROR: --arch-interaction-op=${this.arch_interaction_op} is not supported`);
    }
    return R;
  }

  forward(dense_x: Tensor, lS_o: Tensor[], lS_i: Tensor[]): Tensor {
    const x = this.apply_mlp(dense_x, this.bot_l);
    const ly = this.apply_emb(lS_o, lS_i, this.emb_l);
    const z = this.interact_features(x, ly);
    const p = this.apply_mlp(z, this.top_l);
    if (0.0 < this.loss_threshold && this.loss_threshold < 1.0) return torch.clamp(p, { min: this.loss_threshold, max: 1.0 - this.loss_threshold });
    return p;
  }
}

type Batch = [Tensor, Tensor[], Tensor[], Tensor];
function dlrm_batch(B: number, ln_emb: number[], n_dense: number): Batch {
  const X = torch.rand(B, n_dense);
  const lS_o: Tensor[] = [];
  const lS_i: Tensor[] = [];
  for (const n of ln_emb) {
    const sizes = torch.randint(1, 4, [B]);
    const offsets = torch.cat([torch.zeros(1, { dtype: torch.long }), torch.cumsum(sizes, 0).index(":-1")]);
    lS_o.push(offsets);
    lS_i.push(torch.randint(0, n, [sizes.sum().item() as number]));
  }
  const T = torch.randint(0, 2, [B, 1]).float();
  return [X, lS_o, lS_i, T];
}

function build_dlrm(op: string, itself = false, seed = 0): [DLRM_Net, number[], number[]] {
  torch.manual_seed(seed);
  const m_spa = 2;
  const ln_emb = fromstring("5-4-3");
  const ln_bot = fromstring("4-3-2");
  const num_fea = ln_emb.length + 1;
  const m_den_out = ln_bot[ln_bot.length - 1];
  let num_int: number;
  if (op === "dot") num_int = itself ? Math.floor((num_fea * (num_fea + 1)) / 2) + m_den_out : Math.floor((num_fea * (num_fea - 1)) / 2) + m_den_out;
  else num_int = num_fea * m_den_out;
  const ln_top = fromstring(String(num_int) + "-" + "4-1");
  const net = new DLRM_Net(m_spa, ln_emb, ln_bot, ln_top, op, itself, -1, ln_top.length - 2);
  return [net, ln_emb, ln_top];
}

class LRPolicyScheduler extends optim.lr_scheduler._LRScheduler {
  num_warmup_steps: number;
  decay_start_step: number;
  num_decay_steps: number;
  constructor(optimizer: optim.Optimizer, num_warmup_steps: number, decay_start_step: number, num_decay_steps: number) {
    if (decay_start_step < num_warmup_steps) throw new Error("Learning rate warmup must finish before the decay starts");
    super(optimizer);
    this.num_warmup_steps = num_warmup_steps;
    this.decay_start_step = decay_start_step;
    this.num_decay_steps = num_decay_steps;
  }
  get_lr(): number[] {
    const step_count = this._step_count;
    if (this.num_warmup_steps > 0 && step_count <= this.num_warmup_steps) {
      const scale = 1.0 - (this.num_warmup_steps - step_count) / this.num_warmup_steps;
      return this.base_lrs.map((base_lr) => base_lr * scale);
    } else if (this.num_decay_steps !== 0 && step_count >= this.decay_start_step) {
      const decayed_steps = step_count - this.decay_start_step;
      const scale = ((this.num_decay_steps - decayed_steps) / this.num_decay_steps) ** 2;
      const min_lr = 0.0000001;
      return this.base_lrs.map((base_lr) => Math.max(min_lr, base_lr * scale));
    }
    return this.base_lrs;
  }
}

const loss_fn = new nn.BCELoss({ reduction: "mean" });

describe("facebookresearch/dlrm: DLRM_Net with sparse EmbeddingBags", () => {
  const r = ref.dlrm;

  it("builds from size strings: repr, the numpy-style inits drawn with torch", () => {
    const [dlrm, , ln_top] = build_dlrm("dot");
    expect(ln_top).toEqual(r.ln_top);
    expect(String(dlrm)).toBe(r.repr);
    expectT((dlrm.emb_l.get(0) as nn.EmbeddingBag).weight, r.emb_w0, 1e-6);
    expectT((dlrm.bot_l.get(0) as nn.Linear).weight, r.bot_w0, 1e-6);
    expectT((dlrm.top_l.get(0) as nn.Linear).bias!, r.top_b0, 1e-6);
  });

  it("apply_emb with offsets, the dot interaction (bmm, li / lj = tril_indices offset -1), forward, sparse gradients", () => {
    const [dlrm, ln_emb] = build_dlrm("dot");
    torch.manual_seed(5);
    const [X, lS_o, lS_i, T] = dlrm_batch(4, ln_emb, 4);
    expect(lS_o.map((o) => o.tolist())).toEqual(r.lS_o);
    expect(lS_i.map((o) => o.tolist())).toEqual(r.lS_i);
    expectT(X, r.X, 1e-6);
    expectT(T, r.T, 0);
    torch.no_grad(() => {
      const x = dlrm.apply_mlp(X, dlrm.bot_l);
      const ly = dlrm.apply_emb(lS_o, lS_i, dlrm.emb_l);
      ly.forEach((v, k) => expectT(v, r.ly[k], 1e-5));
      const Tc = torch.cat([x, ...ly], { dim: 1 }).view([4, -1, 2]);
      const Z = torch.bmm(Tc, torch.transpose(Tc, 1, 2));
      expectT(Z, r.Z, 1e-5);
      const [li, lj] = torch.tril_indices(4, 4, { offset: -1 });
      expect([li.tolist(), lj.tolist()]).toEqual([r.tril_li, r.tril_lj]);
      expectT(Z.index(":", li, lj), r.Zflat, 1e-5);
      expectT(dlrm.interact_features(x, ly), r.R, 1e-5);
    });
    const Z0 = dlrm(X, lS_o, lS_i);
    expectT(Z0, r.Z0, 1e-5);
    loss_fn(Z0, T).backward();
    const g = (dlrm.emb_l.get(0) as nn.EmbeddingBag).weight.grad!;
    expect(g.is_sparse).toBe(r.emb_grad_is_sparse);
    expectT(g.to_dense(), r.emb_grad_dense, 1e-5);
    expectT((dlrm.bot_l.get(0) as nn.Linear).weight.grad!, r.bot_grad, 1e-5);
  });

  it("the training loop: SGD, LRPolicyScheduler (warmup then decay), accuracy by rounding, zero_grad of sparse grads", () => {
    const [dlrm, ln_emb] = build_dlrm("dot");
    const optimizer = new optim.SGD(dlrm.parameters(), { lr: 0.5 });
    const lr_scheduler = new LRPolicyScheduler(optimizer, 2, 3, 3);
    torch.manual_seed(6);
    const batches = [0, 1, 2].map(() => dlrm_batch(4, ln_emb, 4));
    const losses: number[] = [];
    const accs: number[] = [];
    const lrs: number[] = [];
    for (let k = 0; k < 2; k++) {
      for (const [X, lS_o, lS_i, T] of batches) {
        const Z = dlrm(X, lS_o, lS_i);
        const E = loss_fn(Z, T);
        const L = E.item() as number;
        const A = torch.round(Z.detach()).eq(T).sum().item() as number;
        optimizer.zero_grad();
        E.backward();
        optimizer.step();
        lr_scheduler.step();
        losses.push(L);
        accs.push(A);
        lrs.push(optimizer.param_groups[0].lr);
      }
    }
    expectNums(losses, r.sgd_losses, 1e-5);
    expect(accs).toEqual(r.sgd_accs);
    expectNums(lrs, r.sgd_lrs, 1e-9);
    expectT((dlrm.emb_l.get(1) as nn.EmbeddingBag).weight, r.sgd_emb1, 1e-5);
    expectT((dlrm.top_l.get(0) as nn.Linear).weight, r.sgd_top0, 1e-5);
    dlrm.zero_grad();
    const g = (dlrm.emb_l.get(0) as nn.EmbeddingBag).weight.grad!;
    expect(g.is_sparse).toBe(r.zero_grad_is_sparse);
    expect(g.to_dense().abs().sum().item()).toBe(0);
  });

  it("arch_interaction_itself and the 'cat' interaction", () => {
    const [dl2, ln2, top2] = build_dlrm("dot", true);
    torch.manual_seed(5);
    const [X, lS_o, lS_i] = dlrm_batch(4, ln2, 4);
    expect(top2).toEqual(r.itself_ln_top);
    expectT(dl2(X, lS_o, lS_i), r.itself_out, 1e-5);
    const [dl3, , top3] = build_dlrm("cat");
    expect(top3).toEqual(r.cat_ln_top);
    expectT(dl3(X, lS_o, lS_i), r.cat_out, 1e-5);
  });

  function opt_run(make: (n: DLRM_Net) => optim.Optimizer[], steps = 3): [DLRM_Net, number[]] {
    const [net, lne] = build_dlrm("dot");
    const opts = make(net);
    torch.manual_seed(6);
    const bs = Array.from({ length: steps }, () => dlrm_batch(4, lne, 4));
    const ls: number[] = [];
    for (const [X, lS_o, lS_i, T] of bs) {
      const E = loss_fn(net(X, lS_o, lS_i), T);
      for (const o of opts) o.zero_grad();
      E.backward();
      for (const o of opts) o.step();
      ls.push(E.item() as number);
    }
    return [net, ls];
  }

  it("sparse gradients under other optimizers: Adam & co refuse them, Adagrad / SGD momentum / SparseAdam take them", () => {
    expect(raised(() => opt_run((n) => [new optim.Adam(n.parameters(), { lr: 0.01 })]))).toEqual(r.adam_sparse);
    expect(raised(() => opt_run((n) => [new optim.AdamW(n.parameters(), { lr: 0.01 })]))).toEqual(r.adamw_sparse);
    expect(raised(() => opt_run((n) => [new optim.RMSprop(n.parameters(), { lr: 0.01 })]))).toEqual(r.rmsprop_sparse);
    expect(raised(() => opt_run((n) => [new optim.Adagrad(n.parameters(), { lr: 0.1, weight_decay: 0.01 })]))).toEqual(r.adagrad_wd_sparse);
    expect(raised(() => opt_run((n) => [new optim.SGD(n.parameters(), { lr: 0.1, weight_decay: 0.01 })]))).toEqual(r.sgd_wd_sparse);
    let [net, ls] = opt_run((n) => [new optim.Adagrad(n.parameters(), { lr: 0.1 })]);
    expectNums(ls, r.adagrad_losses, 1e-5);
    expectT((net.emb_l.get(0) as nn.EmbeddingBag).weight, r.adagrad_emb0, 1e-5);
    [net, ls] = opt_run((n) => [new optim.SGD(n.parameters(), { lr: 0.1, momentum: 0.9 })]);
    expectNums(ls, r.sgd_mom_losses, 1e-5);
    expectT((net.emb_l.get(0) as nn.EmbeddingBag).weight, r.sgd_mom_emb0, 1e-5);
    [net, ls] = opt_run((n) => [
      new optim.SparseAdam([...n.emb_l.parameters()], { lr: 0.05 }),
      new optim.Adam([...n.bot_l.parameters(), ...n.top_l.parameters()], { lr: 0.05 }),
    ]);
    expectNums(ls, r.sparse_adam_losses, 1e-5);
    expectT((net.emb_l.get(0) as nn.EmbeddingBag).weight, r.sparse_adam_emb0, 1e-5);
    expectT((net.emb_l.get(2) as nn.EmbeddingBag).weight, r.sparse_adam_emb2, 1e-5);
    expectT((net.top_l.get(0) as nn.Linear).weight, r.sparse_adam_top0, 1e-5);
    expect(raised(() => opt_run((n) => [new optim.SparseAdam(n.parameters(), { lr: 0.05 })]))).toEqual(r.sparse_adam_dense);
  });

  it("EmbeddingBag: the learner's mistakes, per_sample_weights, and nn.Embedding(sparse=True)", () => {
    const E0 = new nn.EmbeddingBag(5, 2, { mode: "sum", sparse: true });
    expect(raised(() => E0(torch.tensor([1, 2, 3], { dtype: torch.long })))).toEqual(r.bag_no_offsets);
    expect(raised(() => E0(torch.tensor([1, 2, 3], { dtype: torch.long }), torch.tensor([1, 2], { dtype: torch.long })))).toEqual(r.bag_bad_offsets);
    expect(raised(() => E0(torch.tensor([1.0, 2.0]), torch.tensor([0], { dtype: torch.long })))).toEqual(r.bag_float_idx);
    expect(raised(() => new nn.EmbeddingBag(5, 2, { mode: "mean" })(torch.tensor([1, 2], { dtype: torch.long }), torch.tensor([0], { dtype: torch.long }), { per_sample_weights: torch.ones(2) }))).toEqual(r.bag_psw_mean);
    torch.manual_seed(3);
    const E1 = new nn.EmbeddingBag(5, 2, { mode: "sum", sparse: true });
    const psw = torch.tensor([0.5, 2.0, -1.0, 1.0]);
    const o = E1(torch.tensor([0, 2, 2, 4], { dtype: torch.long }), torch.tensor([0, 3], { dtype: torch.long }), { per_sample_weights: psw });
    expectT(o, r.bag_psw_out, 1e-6);
    o.mul(torch.tensor([[1.0, 2.0], [3.0, -1.0]])).sum().backward();
    expectT(E1.weight.grad!.to_dense(), r.bag_psw_grad, 1e-6);
    expect(String(E1)).toBe(r.bag_repr);
    expect(raised(() => torch.cat([torch.zeros(4, 2), torch.zeros(4, 3)], { dim: 1 }).view([4, -1, 2]))).toEqual(r.bag_wrong_view);
    torch.manual_seed(3);
    const Em = new nn.Embedding(6, 2, { sparse: true, padding_idx: 0 });
    Em(torch.tensor([[0, 3], [3, 5]], { dtype: torch.long })).mul(torch.arange(8.0).view(2, 2, 2)).sum().backward();
    expect(Em.weight.grad!.is_sparse).toBe(r.emb_sparse_is_sparse);
    expectT(Em.weight.grad!.to_dense(), r.emb_sparse_grad, 1e-6);
    expect(String(Em)).toBe(r.emb_sparse_repr);
  });
});

// ------------------------------------------------------------------------------------------ torchfm
const offsetsOf = (field_dims: number[]): number[] => [0, ...(torch.cumsum(torch.tensor(field_dims), 0).tolist() as number[]).slice(0, -1)];
const sum = (a: number[]): number => a.reduce((s, v) => s + v, 0);

class FeaturesLinear extends nn.Module {
  fc: nn.Embedding;
  bias: nn.Parameter;
  offsets: number[];
  constructor(field_dims: number[], output_dim = 1) {
    super();
    this.fc = new nn.Embedding(sum(field_dims), output_dim);
    this.bias = new nn.Parameter(torch.zeros([output_dim]));
    this.offsets = offsetsOf(field_dims);
  }
  forward(x: Tensor): Tensor {
    x = x.add(x.new_tensor(this.offsets).unsqueeze(0));
    return torch.sum(this.fc(x), { dim: 1 }).add(this.bias);
  }
}

class FeaturesEmbedding extends nn.Module {
  embedding: nn.Embedding;
  offsets: number[];
  constructor(field_dims: number[], embed_dim: number) {
    super();
    this.embedding = new nn.Embedding(sum(field_dims), embed_dim);
    this.offsets = offsetsOf(field_dims);
    nn.init.xavier_uniform_(this.embedding.weight.data);
  }
  forward(x: Tensor): Tensor {
    x = x.add(x.new_tensor(this.offsets).unsqueeze(0));
    return this.embedding(x);
  }
}

class FactorizationMachine extends nn.Module {
  reduce_sum: boolean;
  constructor(reduce_sum = true) {
    super();
    this.reduce_sum = reduce_sum;
  }
  forward(x: Tensor): Tensor {
    const square_of_sum = torch.sum(x, { dim: 1 }).pow(2);
    const sum_of_square = torch.sum(x.pow(2), { dim: 1 });
    let ix = square_of_sum.sub(sum_of_square);
    if (this.reduce_sum) ix = torch.sum(ix, { dim: 1, keepdim: true });
    return ix.mul(0.5);
  }
}

class MultiLayerPerceptron extends nn.Module {
  mlp: nn.Sequential;
  constructor(input_dim: number, embed_dims: number[], dropout: number, output_layer = true) {
    super();
    const layers: nn.Module[] = [];
    for (const embed_dim of embed_dims) {
      layers.push(new nn.Linear(input_dim, embed_dim));
      layers.push(new nn.BatchNorm1d(embed_dim));
      layers.push(new nn.ReLU());
      layers.push(new nn.Dropout({ p: dropout }));
      input_dim = embed_dim;
    }
    if (output_layer) layers.push(new nn.Linear(input_dim, 1));
    this.mlp = new nn.Sequential(...layers);
  }
  forward(x: Tensor): Tensor {
    return this.mlp(x);
  }
}

class FactorizationMachineModel extends nn.Module {
  embedding: FeaturesEmbedding;
  linear: FeaturesLinear;
  fm: FactorizationMachine;
  constructor(field_dims: number[], embed_dim: number) {
    super();
    this.embedding = new FeaturesEmbedding(field_dims, embed_dim);
    this.linear = new FeaturesLinear(field_dims);
    this.fm = new FactorizationMachine(true);
  }
  forward(x: Tensor): Tensor {
    x = this.linear(x).add(this.fm(this.embedding(x)));
    return torch.sigmoid(x.squeeze(1));
  }
}

class DeepFactorizationMachineModel extends nn.Module {
  linear: FeaturesLinear;
  fm: FactorizationMachine;
  embedding: FeaturesEmbedding;
  embed_output_dim: number;
  mlp: MultiLayerPerceptron;
  constructor(field_dims: number[], embed_dim: number, mlp_dims: number[], dropout: number) {
    super();
    this.linear = new FeaturesLinear(field_dims);
    this.fm = new FactorizationMachine(true);
    this.embedding = new FeaturesEmbedding(field_dims, embed_dim);
    this.embed_output_dim = field_dims.length * embed_dim;
    this.mlp = new MultiLayerPerceptron(this.embed_output_dim, mlp_dims, dropout);
  }
  logits(x: Tensor): Tensor {
    const embed_x = this.embedding(x);
    return this.linear(x).add(this.fm(embed_x)).add(this.mlp(embed_x.view(-1, this.embed_output_dim)));
  }
  forward(x: Tensor): Tensor {
    return torch.sigmoid(this.logits(x).squeeze(1));
  }
}

/** The fixture's DeepFMLogits: forward without the sigmoid, for BCEWithLogitsLoss. */
class DeepFMLogits extends DeepFactorizationMachineModel {
  override forward(x: Tensor): Tensor {
    return this.logits(x).squeeze(1);
  }
}

class WideAndDeepModel extends nn.Module {
  linear: FeaturesLinear;
  embedding: FeaturesEmbedding;
  embed_output_dim: number;
  mlp: MultiLayerPerceptron;
  constructor(field_dims: number[], embed_dim: number, mlp_dims: number[], dropout: number) {
    super();
    this.linear = new FeaturesLinear(field_dims);
    this.embedding = new FeaturesEmbedding(field_dims, embed_dim);
    this.embed_output_dim = field_dims.length * embed_dim;
    this.mlp = new MultiLayerPerceptron(this.embed_output_dim, mlp_dims, dropout);
  }
  forward(x: Tensor): Tensor {
    const embed_x = this.embedding(x);
    x = this.linear(x).add(this.mlp(embed_x.view(-1, this.embed_output_dim)));
    return torch.sigmoid(x.squeeze(1));
  }
}

class NeuralCollaborativeFiltering extends nn.Module {
  user_field_idx: number[];
  item_field_idx: number[];
  embedding: FeaturesEmbedding;
  embed_output_dim: number;
  mlp: MultiLayerPerceptron;
  fc: nn.Linear;
  constructor(field_dims: number[], user_field_idx: number[], item_field_idx: number[], embed_dim: number, mlp_dims: number[], dropout: number) {
    super();
    this.user_field_idx = user_field_idx;
    this.item_field_idx = item_field_idx;
    this.embedding = new FeaturesEmbedding(field_dims, embed_dim);
    this.embed_output_dim = field_dims.length * embed_dim;
    this.mlp = new MultiLayerPerceptron(this.embed_output_dim, mlp_dims, dropout, false);
    this.fc = new nn.Linear(mlp_dims[mlp_dims.length - 1] + embed_dim, 1);
  }
  forward(x: Tensor): Tensor {
    x = this.embedding(x);
    const user_x = x.index(":", this.user_field_idx).squeeze(1);
    const item_x = x.index(":", this.item_field_idx).squeeze(1);
    x = this.mlp(x.view(-1, this.embed_output_dim));
    const gmf = user_x.mul(item_x);
    x = torch.cat([gmf, x], { dim: 1 });
    x = this.fc(x).squeeze(1);
    return torch.sigmoid(x);
  }
}

/** The rank-sum AUC, ties counted half (sklearn's roc_auc_score), by hand. */
function auc_by_hand(targets: number[], predicts: number[]): number {
  const t = torch.tensor(targets);
  const p = torch.tensor(predicts);
  const pos = p.index(t.eq(1));
  const neg = p.index(t.eq(0));
  const greater = pos.unsqueeze(1).gt(neg.unsqueeze(0)).float().sum();
  const ties = pos.unsqueeze(1).eq(neg.unsqueeze(0)).float().sum();
  return greater.add(ties.mul(0.5)).div(pos.numel() * neg.numel()).item() as number;
}

const field_dims = [3, 4, 5];
function fm_data(seed: number, n: number): [Tensor, Tensor] {
  torch.manual_seed(seed);
  const fields = torch.stack(field_dims.map((d) => torch.randint(0, d, [n])), { dim: 1 });
  const target = fields.index(":", 0).remainder(2).eq(fields.index(":", 1).remainder(2)).long().bitwise_xor(torch.rand(n).lt(0.1).long());
  return [fields, target];
}

function train(model: nn.Module, optimizer: optim.Optimizer, batches: [Tensor, Tensor][], criterion: (a: Tensor, b: Tensor) => Tensor): number[] {
  model.train();
  const ls: number[] = [];
  for (const [fields, target] of batches) {
    const y = model(fields) as Tensor;
    const loss = criterion(y, target.float());
    model.zero_grad();
    loss.backward();
    optimizer.step();
    ls.push(loss.item() as number);
  }
  return ls;
}

function test(model: nn.Module, batches: [Tensor, Tensor][]): [number, number[]] {
  model.eval();
  const targets: number[] = [];
  const predicts: number[] = [];
  torch.no_grad(() => {
    for (const [fields, target] of batches) {
      const y = model(fields) as Tensor;
      targets.push(...(target.tolist() as number[]));
      predicts.push(...(y.tolist() as number[]));
    }
  });
  return [auc_by_hand(targets, predicts), predicts];
}

describe("rixwew/pytorch-fm: FM layers, DeepFM, Wide&Deep, NCF; AUC by hand", () => {
  const r = ref.torchfm;
  const [fields, target] = fm_data(11, 24);
  const train_batches: [Tensor, Tensor][] = [0, 8, 16].map((i) => [fields.index(`${i}:${i + 8}`), target.index(`${i}:${i + 8}`)]);
  const [vfields, vtarget] = fm_data(12, 16);
  const valid_batches: [Tensor, Tensor][] = [[vfields.index(":8"), vtarget.index(":8")], [vfields.index("8:"), vtarget.index("8:")]];

  it("the seeded click data; FeaturesLinear / FeaturesEmbedding offsets; the FM trick equals the pairwise sum", () => {
    expect([fields.tolist(), target.tolist(), vfields.tolist(), vtarget.tolist()]).toEqual([r.fields, r.target, r.vfields, r.vtarget]);
    torch.manual_seed(0);
    const fl = new FeaturesLinear(field_dims);
    const fe = new FeaturesEmbedding(field_dims, 3);
    expect(fl.offsets).toEqual(r.offsets);
    expectT(fl(fields.index(":4")), r.lin_out, 1e-6);
    const emb = fe(fields.index(":4"));
    expectT(emb, r.emb_out, 1e-6);
    expectT(new FactorizationMachine()(emb), r.fm_out, 1e-5);
    expectT(new FactorizationMachine(false)(emb), r.fm_vec, 1e-5);
    let pair = torch.zeros(4, 1);
    for (let i = 0; i < 3; i++) for (let j = i + 1; j < 3; j++) pair = pair.add(emb.index(":", i).mul(emb.index(":", j)).sum(1, { keepdim: true }));
    expectT(pair, r.fm_pairs, 1e-5);
    fields.new_tensor(torch.tensor(fl.offsets, { dtype: torch.long }));
    expect(warned()).toEqual(r.new_tensor_warn);
    expect(raised(() => fe(torch.tensor([[0, 0, 5]], { dtype: torch.long }).add(7)))).toEqual(r.idx_oob);
  });

  it("BCELoss / BCEWithLogitsLoss mistakes: a long target, a [N, 1] output against [N] targets", () => {
    expect(raised(() => new nn.BCELoss()(torch.sigmoid(torch.zeros(3)), torch.tensor([0, 1, 1], { dtype: torch.long })))).toEqual(r.bce_long);
    expect(raised(() => new nn.BCEWithLogitsLoss()(torch.zeros(3, 1), torch.ones(3)))).toEqual(r.bcel_shape);
    expect(raised(() => new nn.BCELoss()(torch.full([3, 1], 0.5), torch.ones(3)))).toEqual(r.bce_shape);
  });

  const models: Record<string, () => nn.Module> = {
    fm: () => new FactorizationMachineModel(field_dims, 4),
    dfm: () => new DeepFactorizationMachineModel(field_dims, 4, [6, 6], 0.0),
    wd: () => new WideAndDeepModel(field_dims, 4, [6, 6], 0.0),
    ncf: () => new NeuralCollaborativeFiltering(field_dims, [0], [1], 4, [6, 6], 0.0),
  };
  for (const [name, make] of Object.entries(models)) {
    it(`${name}: examples/main.py's train (BCELoss, Adam with weight_decay) and test (AUC by hand)`, () => {
      torch.manual_seed(1);
      const model = make();
      if (name === "dfm") expect(String(model)).toBe(r.dfm_repr);
      const criterion = new nn.BCELoss();
      const optimizer = new optim.Adam({ params: model.parameters(), lr: 0.05, weight_decay: 1e-6, eps: 1e-4 });
      const ls: number[] = [];
      for (let epoch_i = 0; epoch_i < 2; epoch_i++) ls.push(...train(model, optimizer, train_batches, criterion));
      const [auc, preds] = test(model, valid_batches);
      expectNums(ls, r[name].losses, 1e-5);
      expectNums(preds, r[name].preds, 1e-5);
      expect(auc).toBeCloseTo(r[name].auc, 6);
    });
  }

  it("DeepFM on logits with BCEWithLogitsLoss and Adagrad; Dropout's MLP in eval mode", () => {
    torch.manual_seed(1);
    const model = new DeepFMLogits(field_dims, 4, [6, 6], 0.0);
    const optimizer = new optim.Adagrad(model.parameters(), { lr: 0.1, eps: 1e-4 });
    const ls: number[] = [];
    for (let epoch_i = 0; epoch_i < 2; epoch_i++) ls.push(...train(model, optimizer, train_batches, new nn.BCEWithLogitsLoss()));
    const [auc, preds] = test(model, valid_batches);
    expectNums(ls, r.dfm_logits.losses, 1e-5);
    expectNums(preds, r.dfm_logits.preds, 1e-4);
    expect(auc).toBeCloseTo(r.dfm_logits.auc, 6);
    torch.manual_seed(1);
    const m = new DeepFactorizationMachineModel(field_dims, 4, [6], 0.2);
    m.eval();
    expectT(m(vfields.index(":4")), r.dfm_drop_eval, 1e-5);
  });
});

// ------------------------------------------------------------------------------------------ FT-Transformer
class FeatureTokenizer extends nn.Module {
  weight: nn.Parameter;
  bias: nn.Parameter;
  cat_offsets: Tensor;
  cat_embeddings: nn.Embedding;
  cls: nn.Parameter;
  constructor(n_num: number, cat_cardinalities: number[], d_token: number) {
    super();
    this.weight = new nn.Parameter(torch.empty(n_num, d_token));
    this.bias = new nn.Parameter(torch.empty(n_num, d_token));
    this.cat_offsets = torch.tensor([0, ...cat_cardinalities.slice(0, -1)], { dtype: torch.long }).cumsum(0);
    this.cat_embeddings = new nn.Embedding(sum(cat_cardinalities), d_token);
    this.cls = new nn.Parameter(torch.empty(1, 1, d_token));
    const d_rsqrt = d_token ** -0.5;
    for (const p of [this.weight, this.bias, this.cls, this.cat_embeddings.weight]) nn.init.uniform_(p, -d_rsqrt, d_rsqrt);
  }
  forward(x_num: Tensor, x_cat: Tensor): Tensor {
    let x = this.weight.index("None").mul(x_num.index("...", "None")).add(this.bias.index("None"));
    const x_c = this.cat_embeddings(x_cat.add(this.cat_offsets.index("None")));
    x = torch.cat([x, x_c], { dim: 1 });
    return torch.cat([this.cls.expand(x.shape[0], -1, -1), x], { dim: 1 });
  }
}

class FTTransformer extends nn.Module {
  tokenizer: FeatureTokenizer;
  block: nn.TransformerEncoderLayer;
  head: nn.Sequential;
  constructor(n_num: number, cats: number[], d_token: number) {
    super();
    this.tokenizer = new FeatureTokenizer(n_num, cats, d_token);
    this.block = new nn.TransformerEncoderLayer(d_token, { nhead: 2, dim_feedforward: 8, dropout: 0.0, batch_first: true });
    this.head = new nn.Sequential(new nn.LayerNorm(d_token), new nn.ReLU(), new nn.Linear(d_token, 1));
  }
  forward(x_num: Tensor, x_cat: Tensor): Tensor {
    const x = this.block(this.tokenizer(x_num, x_cat));
    return this.head(x.index(":", 0)).squeeze(-1);
  }
}

describe("An FT-Transformer-style feature tokenizer", () => {
  it("tokens ([CLS] + numeric + categorical), one encoder layer, AdamW on BCE with logits", () => {
    const r = ref.ft;
    torch.manual_seed(2);
    const ft = new FTTransformer(3, [3, 4], 4);
    torch.manual_seed(3);
    const x_num = torch.randn(6, 3);
    const x_cat = torch.stack([torch.randint(0, 3, [6]), torch.randint(0, 4, [6])], { dim: 1 });
    const y = x_num.index(":", 0).gt(0).float();
    expectT(x_num, r.x_num as TJ, 1e-6);
    expect(x_cat.tolist()).toEqual(r.x_cat);
    expect(ft.tokenizer.cat_offsets.tolist()).toEqual(r.cat_offsets);
    expectT(ft.tokenizer(x_num, x_cat), r.tokens, 1e-6);
    const opt = new optim.AdamW(ft.parameters(), { lr: 0.01, weight_decay: 1e-5 });
    const ls: number[] = [];
    for (let i = 0; i < 3; i++) {
      const loss = F.binary_cross_entropy_with_logits(ft(x_num, x_cat), y);
      opt.zero_grad();
      loss.backward();
      opt.step();
      ls.push(loss.item() as number);
    }
    expectNums(ls, r.losses, 1e-5);
    torch.no_grad(() => expectT(ft(x_num, x_cat), r.out, 1e-5));
  });
});

// ------------------------------------------------------------------------------------------ more of torchfm/layer.py
class FieldAwareFactorizationMachine extends nn.Module {
  num_fields: number;
  embeddings: nn.ModuleList;
  offsets: number[];
  constructor(field_dims: number[], embed_dim: number) {
    super();
    this.num_fields = field_dims.length;
    this.embeddings = new nn.ModuleList(Array.from({ length: this.num_fields }, () => new nn.Embedding(sum(field_dims), embed_dim)));
    this.offsets = offsetsOf(field_dims);
    for (const embedding of this.embeddings) nn.init.xavier_uniform_((embedding as nn.Embedding).weight.data);
  }
  forward(x: Tensor): Tensor {
    x = x.add(x.new_tensor(this.offsets).unsqueeze(0));
    const xs = Array.from({ length: this.num_fields }, (_, i) => (this.embeddings.get(i) as nn.Embedding)(x));
    const ix: Tensor[] = [];
    for (let i = 0; i < this.num_fields - 1; i++) for (let j = i + 1; j < this.num_fields; j++) ix.push(xs[j].index(":", i).mul(xs[i].index(":", j)));
    return torch.stack(ix, { dim: 1 });
  }
}

function pairs(num_fields: number): [number[], number[]] {
  const row: number[] = [];
  const col: number[] = [];
  for (let i = 0; i < num_fields - 1; i++) for (let j = i + 1; j < num_fields; j++) {
    row.push(i);
    col.push(j);
  }
  return [row, col];
}

class InnerProductNetwork extends nn.Module {
  forward(x: Tensor): Tensor {
    const [row, col] = pairs(x.shape[1]);
    return torch.sum(x.index(":", row).mul(x.index(":", col)), { dim: 2 });
  }
}

class OuterProductNetwork extends nn.Module {
  kernel_type: string;
  kernel: nn.Parameter;
  constructor(num_fields: number, embed_dim: number, kernel_type = "mat") {
    super();
    const num_ix = Math.floor((num_fields * (num_fields - 1)) / 2);
    let kernel_shape: number[];
    if (kernel_type === "mat") kernel_shape = [embed_dim, num_ix, embed_dim];
    else if (kernel_type === "vec") kernel_shape = [num_ix, embed_dim];
    else if (kernel_type === "num") kernel_shape = [num_ix, 1];
    else throw new Error("unknown kernel type: " + kernel_type);
    this.kernel_type = kernel_type;
    this.kernel = new nn.Parameter(torch.zeros(kernel_shape));
    nn.init.xavier_uniform_(this.kernel.data);
  }
  forward(x: Tensor): Tensor {
    const [row, col] = pairs(x.shape[1]);
    const [p, q] = [x.index(":", row), x.index(":", col)];
    if (this.kernel_type === "mat") {
      const kp = torch.sum(p.unsqueeze(1).mul(this.kernel), { dim: -1 }).permute(0, 2, 1);
      return torch.sum(kp.mul(q), -1);
    }
    return torch.sum(p.mul(q).mul(this.kernel.unsqueeze(0)), -1);
  }
}

class CrossNetwork extends nn.Module {
  num_layers: number;
  w: nn.ModuleList;
  b: nn.ParameterList;
  constructor(input_dim: number, num_layers: number) {
    super();
    this.num_layers = num_layers;
    this.w = new nn.ModuleList(Array.from({ length: num_layers }, () => new nn.Linear(input_dim, 1, { bias: false })));
    this.b = new nn.ParameterList(Array.from({ length: num_layers }, () => new nn.Parameter(torch.zeros([input_dim]))));
  }
  forward(x: Tensor): Tensor {
    const x0 = x;
    for (let i = 0; i < this.num_layers; i++) {
      const xw = (this.w.get(i) as nn.Linear)(x);
      x = x0.mul(xw).add(this.b.get(i)).add(x);
    }
    return x;
  }
}

class AttentionalFactorizationMachine extends nn.Module {
  attention: nn.Linear;
  projection: nn.Linear;
  fc: nn.Linear;
  dropouts: [number, number];
  constructor(embed_dim: number, attn_size: number, dropouts: [number, number]) {
    super();
    this.attention = new nn.Linear(embed_dim, attn_size);
    this.projection = new nn.Linear(attn_size, 1);
    this.fc = new nn.Linear(embed_dim, 1);
    this.dropouts = dropouts;
  }
  forward(x: Tensor): Tensor {
    const [row, col] = pairs(x.shape[1]);
    const [p, q] = [x.index(":", row), x.index(":", col)];
    const inner_product = p.mul(q);
    let attn_scores = F.relu(this.attention(inner_product));
    attn_scores = F.softmax(this.projection(attn_scores), { dim: 1 });
    attn_scores = F.dropout(attn_scores, { p: this.dropouts[0], training: this.training });
    let attn_output = torch.sum(attn_scores.mul(inner_product), { dim: 1 });
    attn_output = F.dropout(attn_output, { p: this.dropouts[1], training: this.training });
    return this.fc(attn_output);
  }
}

class CompressedInteractionNetwork extends nn.Module {
  num_layers: number;
  split_half: boolean;
  conv_layers: nn.ModuleList;
  fc: nn.Linear;
  constructor(input_dim: number, cross_layer_sizes: number[], split_half = true) {
    super();
    this.num_layers = cross_layer_sizes.length;
    this.split_half = split_half;
    this.conv_layers = new nn.ModuleList();
    let [prev_dim, fc_input_dim] = [input_dim, 0];
    for (let i = 0; i < this.num_layers; i++) {
      let cross_layer_size = cross_layer_sizes[i];
      this.conv_layers.append(new nn.Conv1d(input_dim * prev_dim, cross_layer_size, 1, { stride: 1, dilation: 1, bias: true }));
      if (this.split_half && i !== this.num_layers - 1) cross_layer_size = Math.floor(cross_layer_size / 2);
      prev_dim = cross_layer_size;
      fc_input_dim += prev_dim;
    }
    this.fc = new nn.Linear(fc_input_dim, 1);
  }
  forward(x: Tensor): Tensor {
    const xs: Tensor[] = [];
    const x0 = x.unsqueeze(2);
    let h = x;
    for (let i = 0; i < this.num_layers; i++) {
      x = x0.mul(h.unsqueeze(1));
      const [batch_size, f0_dim, fin_dim, embed_dim] = x.shape;
      x = x.view(batch_size, f0_dim * fin_dim, embed_dim);
      x = F.relu((this.conv_layers.get(i) as nn.Conv1d)(x));
      if (this.split_half && i !== this.num_layers - 1) [x, h] = torch.split(x, Math.floor(x.shape[1] / 2), { dim: 1 });
      else h = x;
      xs.push(x);
    }
    return this.fc(torch.sum(torch.cat(xs, { dim: 1 }), 2));
  }
}

describe("rixwew/pytorch-fm torchfm/layer.py: FFM, inner / outer product, cross, attentional FM, CIN", () => {
  it("forward values and gradients", () => {
    const L = ref.layers;
    torch.manual_seed(21);
    const xf = torch.stack(field_dims.map((d) => torch.randint(0, d, [4])), { dim: 1 });
    const ffm = new FieldAwareFactorizationMachine(field_dims, 3);
    let o = ffm(xf);
    expectT(o, L.ffm, 1e-6);
    o.pow(2).sum().backward();
    expectT((ffm.embeddings.get(1) as nn.Embedding).weight.grad!, L.ffm_grad1, 1e-5);
    torch.manual_seed(22);
    const e = torch.randn([4, 3, 3], { requires_grad: true });
    expectT(new InnerProductNetwork()(e), L.ipn, 1e-5);
    ["mat", "vec", "num"].forEach((kt, k) => {
      torch.manual_seed(23);
      expectT(new OuterProductNetwork(3, 3, kt)(e), L.opn[k], 1e-5);
    });
    torch.manual_seed(24);
    const cn = new CrossNetwork(9, 2);
    expect(String(cn)).toBe(L.cross_repr);
    o = cn(e.view(4, 9));
    expectT(o, L.cross, 1e-5);
    o.sum().backward();
    expectT((cn.w.get(0) as nn.Linear).weight.grad!, L.cross_w0_grad, 1e-5);
    expectT(cn.b.get(1).grad!, L.cross_b1_grad, 1e-6);
    torch.manual_seed(25);
    const afm = new AttentionalFactorizationMachine(3, 4, [0.2, 0.2]);
    afm.eval();
    expectT(afm(e), L.afm, 1e-5);
    torch.manual_seed(26);
    const cin = new CompressedInteractionNetwork(3, [4, 4], true);
    o = cin(e);
    expectT(o, L.cin, 1e-5);
    o.sum().backward();
    expectT((cin.conv_layers.get(0) as nn.Conv1d).weight.grad!, L.cin_conv0_grad, 1e-5);
    expectT(e.grad!, L.e_grad, 1e-5);
  });
});
