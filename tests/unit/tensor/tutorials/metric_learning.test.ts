/**
 * A probe of metric- and contrastive-learning code in plain PyTorch, translated as a learner would: HobbitLong/SupContrast
 * losses.py (SupConLoss: the label mask from torch.eq(labels, labels.T), logits_mask by torch.scatter, the
 * log-prob normalisation; supervised, unsupervised SimCLR and contrast_mode 'one'), SimCLR NT-Xent losses (normalize,
 * the cosine-similarity matrix by broadcasting, the diagonal masked with -9e15 or by a boolean mask and
 * fill_diagonal_, cross_entropy over the positives, the InfoNCE ranking metrics by argsort), ArcFace / CosFace heads
 * written from scratch (ArcMarginProduct with the th / mm easy-margin trick, AddMarginProduct, the acos / cos form
 * with clamp, one_hot by scatter_), batch-all / batch-hard triplet losses with online mining (distances by expansion,
 * 3-d valid-triplet masks, masked max / min, the torch.cdist form), and the torch losses these call
 * (TripletMarginLoss, TripletMarginWithDistanceLoss with a custom distance_function, MarginRankingLoss,
 * CosineEmbeddingLoss, pairwise_distance, cosine_similarity broadcasting, cdist with p values and compute_mode, pdist),
 * with values and gradients at ties and zero distances, and a learner's typical mistakes. Values are compared with
 * torch 1.13 running the same code (scripts/fixtures/metric_learning_fixtures.py ->
 * tests/fixtures/torch/tutorials/metric_learning.json).
 *
 * Python forms written otherwise: `distances[distances < 0] = 0` -> index_put_([mask], 0), `x[mask]` -> x.index(mask), `x[:, None]` -> x.index(":", "None"),
 * `mask[i, N + i] = 0` -> index_put_([i, N + i], 0), `output *= s` -> output = output.mul(s), `a, _ = t.max(1, keepdim=True)`
 * -> t.max(1, true).values, lambdas -> arrow functions, keywords -> a trailing options object.
 */
import { describe, expect, it } from "vitest";
import { nn, optim, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectNums, thrown, tutorialFixture, type TJ } from "./helpers";

/** The fixture with "nan" / "inf" / "-inf" strings turned back into numbers. */
function decode(o: unknown): unknown {
  if (o === "nan") return NaN;
  if (o === "inf") return Infinity;
  if (o === "-inf") return -Infinity;
  if (Array.isArray(o)) return o.map(decode);
  if (o !== null && typeof o === "object") return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, decode(v)]));
  return o;
}
const ref = decode(tutorialFixture("metric_learning.json")) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
/** helpers' expectT, where a NaN or an infinity must be matched exactly. */
function expectT(actual: Tensor, expected: TJ, tol: number): void {
  expect(actual.shape).toEqual(expected.shape);
  const a = actual.detach().reshape(-1).tolist() as number[];
  a.forEach((v, i) => {
    const e = expected.data[i];
    if (!Number.isFinite(e)) expect(v, `at ${i}`).toBe(e);
    else expect(Math.abs(v - e), `at ${i}: ${v} vs ${e}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(e)));
  });
}
const F = nn.functional;
const TOL = 2e-5;

class SupConLoss extends nn.Module {
  constructor(public temperature = 0.07, public contrast_mode = "all", public base_temperature = 0.07) {
    super();
  }
  forward(features: Tensor, labels: Tensor | null = null, mask: Tensor | null = null): Tensor {
    if (features.shape.length > 3) features = features.view(features.shape[0], features.shape[1], -1);
    const batch_size = features.shape[0];
    if (labels === null && mask === null) mask = torch.eye(batch_size, { dtype: torch.float32 });
    else if (labels !== null) {
      labels = labels.contiguous().view(-1, 1);
      mask = torch.eq(labels, labels.T).float();
    } else mask = mask!.float();
    const contrast_count = features.shape[1];
    const contrast_feature = torch.cat(torch.unbind(features, { dim: 1 }), { dim: 0 });
    let anchor_feature: Tensor, anchor_count: number;
    if (this.contrast_mode === "one") {
      anchor_feature = features.index(":", 0);
      anchor_count = 1;
    } else {
      anchor_feature = contrast_feature;
      anchor_count = contrast_count;
    }
    const anchor_dot_contrast = torch.div(torch.matmul(anchor_feature, contrast_feature.T), this.temperature);
    const [logits_max] = torch.max(anchor_dot_contrast, { dim: 1, keepdim: true });
    const logits = anchor_dot_contrast.sub(logits_max.detach());
    mask = mask.repeat(anchor_count, contrast_count);
    const logits_mask = torch.scatter(torch.ones_like(mask), 1, torch.arange(batch_size * anchor_count).view(-1, 1), 0);
    mask = mask.mul(logits_mask);
    const exp_logits = torch.exp(logits).mul(logits_mask);
    const log_prob = logits.sub(torch.log(exp_logits.sum(1, { keepdim: true }).add(1e-9)));
    const mean_log_prob_pos = mask.mul(log_prob).sum(1).div(mask.sum(1));
    let loss = mean_log_prob_pos.mul(-(this.temperature / this.base_temperature));
    loss = loss.view(anchor_count, batch_size).mean();
    return loss;
  }
}

describe("SupContrast SupConLoss", () => {
  const r = ref.supcon;
  it("supervised, unsupervised (SimCLR) and contrast_mode 'one': loss and feature gradients", () => {
    torch.manual_seed(0);
    const feats = F.normalize(torch.randn(6, 2, 4), { dim: 2 }).requires_grad_();
    const labels = torch.tensor([0, 1, 0, 2, 1, 0], { dtype: torch.int64 });
    for (const name of ["sup", "unsup", "one"]) {
      const crit = new SupConLoss(0.5, name === "one" ? "one" : "all");
      feats.grad = null;
      const loss = crit.forward(feats, name === "unsup" ? null : labels);
      loss.backward();
      expectNums([loss.item()], [r[name][0]], TOL);
      expectT(feats.grad!, r[name][1], TOL);
    }
    const crit = new SupConLoss(0.1, "one");
    expectNums([crit.forward(feats.detach(), torch.tensor([0, 1, 0, 2, 1, 3], { dtype: torch.int64 })).item()], [r.one_singleton], TOL);
    const lv = labels.view(-1, 1);
    const mask = torch.eq(lv, lv.T);
    expect([String(mask), String(mask.float())]).toEqual(r.mask);
    expect(String(torch.scatter(torch.ones(4, 4), 1, torch.arange(4).view(-1, 1), 0))).toBe(r.logits_mask);
    expect(String(torch.eq(labels, labels.T).float())).toBe(r.eq_1d_T);
  });
  it("mistakes: a float scatter index, repeat with fewer dims", () => {
    expect(thrown(() => torch.scatter(torch.ones(4, 4), 1, torch.arange(4.0, { dtype: torch.float32 }).view(-1, 1), 0))).toEqual(r.err_scatter_float_index);
    expect(thrown(() => torch.ones(2, 2).repeat(2))).toEqual(r.err_repeat_fewer);
  });
});

function nt_xent_masked_fill(z_i: Tensor, z_j: Tensor, temperature: number): [Tensor, Tensor] {
  const N = z_i.shape[0];
  const z = F.normalize(torch.cat([z_i, z_j], { dim: 0 }), { dim: 1 });
  let sim = F.cosine_similarity(z.unsqueeze(1), z.unsqueeze(0), { dim: 2 }).div(temperature);
  const self_mask = torch.eye(2 * N, { dtype: torch.bool });
  sim = sim.masked_fill(self_mask, -9e15);
  const pos = torch.cat([torch.arange(N, 2 * N), torch.arange(0, N)]);
  return [F.cross_entropy(sim, pos), sim];
}

function nt_xent_bool(z_i: Tensor, z_j: Tensor, temperature: number): [Tensor, Tensor] {
  const N = z_i.shape[0];
  let z = torch.cat([z_i, z_j], { dim: 0 });
  z = F.normalize(z, { dim: 1 });
  const sim = torch.mm(z, z.T).div(temperature);
  const sim_i_j = torch.diag(sim, N);
  const sim_j_i = torch.diag(sim, -N);
  const positive = torch.cat([sim_i_j, sim_j_i], { dim: 0 }).reshape(2 * N, 1);
  let mask = torch.ones([2 * N, 2 * N], { dtype: torch.bool });
  mask = mask.fill_diagonal_(0);
  for (let i = 0; i < N; i++) {
    mask.index_put_([i, N + i], 0);
    mask.index_put_([N + i, i], 0);
  }
  const negative = sim.index(mask).reshape(2 * N, -1);
  const labels = torch.zeros(2 * N).long();
  const logits = torch.cat([positive, negative], { dim: 1 });
  const loss = new nn.CrossEntropyLoss({ reduction: "sum" })(logits, labels);
  return [loss.div(2 * N), logits];
}

function info_nce(feats: Tensor, temperature: number): [Tensor, Tensor, Tensor, Tensor] {
  let cos_sim = F.cosine_similarity(feats.index(":", "None", ":"), feats.index("None", ":", ":"), { dim: -1 });
  const self_mask = torch.eye(cos_sim.shape[0], { dtype: torch.bool });
  cos_sim.masked_fill_(self_mask, -9e15);
  const pos_mask = self_mask.roll({ shifts: Math.floor(cos_sim.shape[0] / 2), dims: 0 });
  cos_sim = cos_sim.div(temperature);
  let nll = cos_sim.index(pos_mask).neg().add(torch.logsumexp(cos_sim, { dim: -1 }));
  nll = nll.mean();
  const comb_sim = torch.cat([cos_sim.index(pos_mask).index(":", "None"), cos_sim.masked_fill(pos_mask, -9e15)], { dim: -1 });
  const sim_argsort = comb_sim.argsort({ dim: -1, descending: true }).argmin({ dim: -1 });
  return [nll, sim_argsort.eq(0).float().mean(), sim_argsort.lt(5).float().mean(), sim_argsort.float().mean().add(1)];
}

describe("SimCLR NT-Xent / InfoNCE", () => {
  const r = ref.simclr;
  it("trains a projection head with the masked_fill form, then the boolean-mask form and InfoNCE", () => {
    torch.manual_seed(1);
    const proj = new nn.Sequential(new nn.Linear(5, 8), new nn.ReLU(), new nn.Linear(8, 3));
    const x = torch.randn(4, 5);
    const x_i = x.add(torch.randn(4, 5).mul(0.1));
    const x_j = x.add(torch.randn(4, 5).mul(0.1));
    const opt = new optim.SGD(proj.parameters(), { lr: 0.5, momentum: 0.9 });
    const losses: number[] = [];
    let sim!: Tensor;
    for (let step = 0; step < 4; step++) {
      let loss: Tensor;
      [loss, sim] = nt_xent_masked_fill(proj(x_i), proj(x_j), 0.5);
      opt.zero_grad();
      loss.backward();
      losses.push(loss.item());
      opt.step();
    }
    expectNums(losses, r.masked_fill_losses, TOL);
    expectT(sim, r.masked_fill_sim, TOL);
    const z_i = proj(x_i), z_j = proj(x_j);
    const [l2, logits] = nt_xent_bool(z_i, z_j, 0.5);
    proj.zero_grad();
    l2.backward();
    expectNums([l2.item()], [r.bool[0]], TOL);
    expectT(logits, r.bool[1], TOL);
    expectT((proj.get(0) as nn.Linear).weight.grad!, r.bool[2], TOL);
    const feats_in = torch.cat([z_i, z_j]).detach().requires_grad_();
    const [nll, top1, top5, meanpos] = info_nce(feats_in, 0.07);
    nll.backward();
    expectNums([nll.item(), top1.item(), top5.item(), meanpos.item()], r.info_nce.slice(0, 4), 1e-4);
    expectT(feats_in.grad!, r.info_nce[4], 1e-4);
  });
  it("masks, argsort ties, fill_diagonal_ and mistakes", () => {
    expect(String(torch.eye(4, { dtype: torch.bool }).roll({ shifts: 2, dims: 0 }))).toBe(r.self_mask_roll);
    expectT(torch.tensor([[1, 3, 3, 0, 3], [2, 2, 2, 2, 2]]).argsort({ dim: -1, descending: true }).float(), r.argsort_ties, 0);
    expect(String(torch.ones([3, 4], { dtype: torch.bool }).fill_diagonal_(0))).toBe(r.fill_diagonal_bool);
    expect(thrown(() => torch.ones(3, 3).masked_fill(torch.eye(3), -9e15))).toEqual(r.err_masked_fill_float);
    expect(thrown(() => torch.ones(4, 4).index(torch.ones([4, 4], { dtype: torch.bool }).fill_diagonal_(0)).reshape(4, -1, 2))).toEqual(r.err_neg_reshape);
    expect(thrown(() => F.cosine_similarity(torch.ones(4, 1, 3), torch.ones(1, 4, 3), { dim: 3 }))).toEqual(r.err_cos_dim);
  });
});

class ArcMarginProduct extends nn.Module {
  weight: nn.Parameter;
  cos_m: number; sin_m: number; th: number; mm: number;
  constructor(public in_features: number, public out_features: number, public s = 30.0, public m = 0.5, public easy_margin = false) {
    super();
    this.weight = new nn.Parameter(torch.FloatTensor(out_features, in_features));
    nn.init.xavier_uniform_(this.weight);
    this.cos_m = Math.cos(m);
    this.sin_m = Math.sin(m);
    this.th = Math.cos(Math.PI - m);
    this.mm = Math.sin(Math.PI - m) * m;
  }
  forward(input: Tensor, label: Tensor): Tensor {
    const cosine = F.linear(F.normalize(input), F.normalize(this.weight));
    const sine = torch.sqrt(torch.pow(cosine, 2).rsub(1.0).clamp(0, 1));
    let phi = cosine.mul(this.cos_m).sub(sine.mul(this.sin_m));
    if (this.easy_margin) phi = torch.where(cosine.gt(0), phi, cosine);
    else phi = torch.where(cosine.gt(this.th), phi, cosine.sub(this.mm));
    const one_hot = torch.zeros(cosine.size());
    one_hot.scatter_(1, label.view(-1, 1).long(), 1);
    let output = one_hot.mul(phi).add(one_hot.rsub(1.0).mul(cosine));
    output = output.mul(this.s);
    return output;
  }
}

class AddMarginProduct extends nn.Module {
  weight: nn.Parameter;
  constructor(in_features: number, out_features: number, public s = 30.0, public m = 0.4) {
    super();
    this.weight = new nn.Parameter(torch.FloatTensor(out_features, in_features));
    nn.init.xavier_uniform_(this.weight);
  }
  forward(input: Tensor, label: Tensor): Tensor {
    const cosine = F.linear(F.normalize(input), F.normalize(this.weight));
    const phi = cosine.sub(this.m);
    const one_hot = torch.zeros(cosine.size());
    one_hot.scatter_(1, label.view(-1, 1).long(), 1);
    return one_hot.mul(phi).add(one_hot.rsub(1.0).mul(cosine)).mul(this.s);
  }
}

class ArcFaceAcos extends nn.Module {
  W: nn.Parameter;
  constructor(in_features: number, out_features: number, public s = 16.0, public m = 0.3, public eps = 1e-7) {
    super();
    this.W = new nn.Parameter(torch.randn(out_features, in_features));
  }
  forward(x: Tensor, labels: Tensor): Tensor {
    const cos = F.linear(F.normalize(x, { p: 2, dim: 1 }), F.normalize(this.W, { p: 2, dim: 1 }));
    const theta = torch.acos(torch.clamp(cos, -1.0 + this.eps, 1 - this.eps));
    const target = torch.cos(theta.add(this.m));
    const one_hot = F.one_hot(labels, { num_classes: cos.shape[1] }).float();
    return one_hot.mul(target).add(one_hot.rsub(1).mul(cos)).mul(this.s);
  }
}

describe("ArcFace / CosFace heads", () => {
  const r = ref.margin_heads;
  it("three SGD steps of each head behind a linear backbone", () => {
    torch.manual_seed(2);
    const x = torch.randn(6, 4);
    const y = torch.tensor([0, 2, 1, 2, 0, 1], { dtype: torch.int64 });
    const heads: [string, nn.Module][] = [
      ["arc", new ArcMarginProduct(4, 3, 8.0, 0.5)], ["arc_easy", new ArcMarginProduct(4, 3, 8.0, 0.5, true)],
      ["cosface", new AddMarginProduct(4, 3, 8.0, 0.35)], ["acos", new ArcFaceAcos(4, 3)]];
    for (const [name, head] of heads) {
      const backbone = new nn.Linear(4, 4);
      const opt = new optim.SGD([...backbone.parameters(), ...head.parameters()], { lr: 0.1 });
      const crit = new nn.CrossEntropyLoss();
      const losses: number[] = [];
      let out!: Tensor;
      for (let step = 0; step < 3; step++) {
        out = head(backbone(x), y) as Tensor;
        const loss = crit(out, y);
        opt.zero_grad();
        loss.backward();
        losses.push(loss.item());
        opt.step();
      }
      expectNums(losses, r[name][0], 1e-4);
      expectT(out, r[name][1], 1e-4);
      expectT([...head.parameters()][0].grad!, r[name][2], 1e-4);
    }
  });
  it("ties: cosine exactly 1 under sqrt(clamp(1 - cos^2)), acos / clamp at their edges", () => {
    const w = torch.tensor([[0.6, 0.8], [1.0, 0.0]], { requires_grad: true });
    const f = torch.tensor([[3.0, 4.0], [0.0, 2.0]], { requires_grad: true });
    const cosine = F.linear(F.normalize(f), F.normalize(w));
    const sine = torch.sqrt(torch.pow(cosine, 2).rsub(1.0).clamp(0, 1));
    sine.sum().backward();
    const [c, s, gf, gw] = r.tie_sine as TJ[];
    expectT(cosine, c, 1e-6);
    expectT(sine, s, 1e-6);
    expectT(f.grad!, gf, 1e-5);
    expectT(w.grad!, gw, 1e-5);
    const cc = torch.tensor([1.0, -1.0, 0.5, 1 - 1e-7], { requires_grad: true });
    const th = torch.acos(torch.clamp(cc, -1.0 + 1e-7, 1 - 1e-7));
    th.sum().backward();
    expectT(th, r.acos_clamp[0], 1e-6);
    expectT(cc.grad!, r.acos_clamp[1], 1e-5);
    const c2 = torch.tensor([1.0, -1.0, 0.0], { dtype: torch.float64, requires_grad: true });
    torch.acos(c2).sum().backward();
    expectT(c2.grad!, r.acos_edges, 1e-12);
    const c3 = torch.tensor([0.0, 1.0, 2.0], { requires_grad: true });
    torch.clamp(c3, 0, 1).sum().backward();
    expectT(c3.grad!, r.clamp_edges, 0);
    const c4 = torch.tensor([0.0, 0.5, 1.0], { requires_grad: true });
    torch.pow(c4, 2).rsub(1.0).clamp(0, 1).sqrt().sum().backward();
    expectT(c4.grad!, r.sqrt_zero, 1e-6);
    expectT(torch.where(torch.tensor([0.2, -0.3]).gt(0), torch.tensor([1.0, 2.0]), torch.tensor([5.0, 6.0]).sub(0.1)), r.where_scalar, 1e-6);
  });
  it("mistakes: int32 / 1-d scatter_ index, one_hot of floats or too-large classes, linear shapes", () => {
    expect(thrown(() => torch.zeros(3, 3).scatter_(1, torch.tensor([[0], [1], [2]], { dtype: torch.int32 }), 1))).toEqual(r.err_scatter_int32);
    expect(thrown(() => torch.zeros(3, 3).scatter_(1, torch.tensor([0, 1, 2], { dtype: torch.int64 }), 1))).toEqual(r.err_scatter_1d);
    expect(thrown(() => F.one_hot(torch.tensor([0, 1], { dtype: torch.float32 }), { num_classes: 3 }))).toEqual(r.err_one_hot_float);
    expect(thrown(() => F.one_hot(torch.tensor([0, 3], { dtype: torch.int64 }), { num_classes: 3 }))).toEqual(r.err_one_hot_small);
    expect(thrown(() => F.linear(torch.ones(2, 4), torch.ones(3, 5)))).toEqual(r.err_linear_shape);
  });
});

function _pairwise_distances(embeddings: Tensor, squared = false): Tensor {
  const dot_product = torch.matmul(embeddings, embeddings.t());
  const square_norm = torch.diag(dot_product);
  let distances = square_norm.unsqueeze(0).sub(dot_product.mul(2.0)).add(square_norm.unsqueeze(1));
  distances.index_put_([distances.lt(0)], 0);
  if (!squared) {
    const mask = distances.eq(0).float();
    distances = distances.add(mask.mul(1e-16));
    distances = mask.rsub(1.0).mul(torch.sqrt(distances));
  }
  return distances;
}
function _get_triplet_mask(labels: Tensor): Tensor {
  const indices_equal = torch.eye(labels.size(0), { dtype: torch.bool });
  const indices_not_equal = indices_equal.logical_not();
  const distinct_indices = indices_not_equal.unsqueeze(2).bitwise_and(indices_not_equal.unsqueeze(1)).bitwise_and(indices_not_equal.unsqueeze(0));
  const label_equal = labels.unsqueeze(0).eq(labels.unsqueeze(1));
  const valid_labels = label_equal.unsqueeze(1).bitwise_not().bitwise_and(label_equal.unsqueeze(2));
  return valid_labels.bitwise_and(distinct_indices);
}
function batch_all_triplet_loss(labels: Tensor, embeddings: Tensor, margin: number, squared = false): [Tensor, Tensor] {
  const pairwise_dist = _pairwise_distances(embeddings, squared);
  let triplet_loss = pairwise_dist.unsqueeze(2).sub(pairwise_dist.unsqueeze(1)).add(margin);
  const mask = _get_triplet_mask(labels);
  triplet_loss = mask.float().mul(triplet_loss);
  triplet_loss.index_put_([triplet_loss.lt(0)], 0);
  const valid_triplets = triplet_loss.index(triplet_loss.gt(1e-16));
  const num_positive_triplets = valid_triplets.size(0);
  const num_valid_triplets = mask.sum();
  const fraction = torch.tensor(num_positive_triplets).div(num_valid_triplets.float().add(1e-16));
  return [triplet_loss.sum().div(num_positive_triplets + 1e-16), fraction];
}
function batch_hard_triplet_loss(labels: Tensor, embeddings: Tensor, margin: number, squared = false): Tensor {
  const pairwise_dist = _pairwise_distances(embeddings, squared);
  const eye = torch.eye(labels.size(0), { dtype: torch.bool });
  const mask_anchor_positive = labels.unsqueeze(0).eq(labels.unsqueeze(1)).bitwise_and(eye.bitwise_not()).float();
  const hardest_positive_dist = mask_anchor_positive.mul(pairwise_dist).max(1, true).values;
  const mask_anchor_negative = labels.unsqueeze(0).eq(labels.unsqueeze(1)).bitwise_not().float();
  const max_anchor_negative_dist = pairwise_dist.max(1, true).values;
  const anchor_negative_dist = pairwise_dist.add(max_anchor_negative_dist.mul(mask_anchor_negative.rsub(1.0)));
  const hardest_negative_dist = anchor_negative_dist.min(1, true).values;
  const tl = hardest_positive_dist.sub(hardest_negative_dist).add(margin);
  tl.index_put_([tl.lt(0)], 0);
  return tl.mean();
}
function hard_cdist(embeddings: Tensor, labels: Tensor, margin: number): Tensor {
  const dist = torch.cdist(embeddings, embeddings, { p: 2 });
  const same = labels.unsqueeze(0).eq(labels.unsqueeze(1));
  const eye = torch.eye(labels.shape[0], { dtype: torch.bool });
  const pos = dist.masked_fill(same.bitwise_and(eye.bitwise_not()).bitwise_not(), -Infinity).max({ dim: 1 }).values;
  const neg = dist.masked_fill(same, Infinity).min({ dim: 1 }).values;
  return F.relu(pos.sub(neg).add(margin)).mean();
}

describe("triplet losses with online mining", () => {
  const r = ref.triplet_mining;
  it("batch-all, batch-hard (plain and squared) and the cdist form: loss and weight gradients", () => {
    torch.manual_seed(3);
    const emb_net = new nn.Linear(5, 3);
    const x = torch.randn(8, 5);
    const labels = torch.tensor([0, 1, 0, 1, 2, 2, 0, 1], { dtype: torch.int64 });
    const fns: [string, (e: Tensor) => Tensor][] = [
      ["all", (e) => batch_all_triplet_loss(labels, e, 0.5)[0]], ["hard", (e) => batch_hard_triplet_loss(labels, e, 0.5)],
      ["hard_sq", (e) => batch_hard_triplet_loss(labels, e, 0.5, true)], ["hard_cdist", (e) => hard_cdist(e, labels, 0.5)]];
    for (const [name, fn] of fns) {
      emb_net.zero_grad();
      const loss = fn(emb_net(x));
      loss.backward();
      expectNums([loss.item()], [r[name][0]], TOL);
      expectT(emb_net.weight.grad!, r[name][1], 1e-4);
    }
    expectNums([batch_all_triplet_loss(labels, emb_net(x), 0.5)[1].item()], [r.all_fraction], 1e-6);
    expectT(_get_triplet_mask(labels.index(":4")).float(), r.triplet_mask, 0);
  });
  it("ties and zero distances: duplicated embeddings, max / min / amax gradients at ties", () => {
    const e = torch.tensor([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, 1.0], [1.0, 0.0]], { requires_grad: true });
    const lab = torch.tensor([0, 0, 1, 1, 1], { dtype: torch.int64 });
    let loss = batch_hard_triplet_loss(lab, e, 0.2);
    loss.backward();
    expectNums([loss.item()], [r.tie_hard[0]], 1e-6);
    expectT(e.grad!, r.tie_hard[1], 1e-5);
    e.grad = null;
    const pd = _pairwise_distances(e);
    pd.sum().backward();
    expectT(pd, r.tie_pdist[0], 1e-6);
    expectT(e.grad!, r.tie_pdist[1], 1e-5);
    e.grad = null;
    loss = hard_cdist(e, lab, 0.2);
    loss.backward();
    expectNums([loss.item()], [r.tie_cdist[0]], 1e-6);
    expectT(e.grad!, r.tie_cdist[1], 1e-5);
    const m = torch.tensor([[0.0, 2.0, 2.0, 1.0], [3.0, 3.0, 0.0, 3.0]], { requires_grad: true });
    const [v, i] = m.max(1, true);
    const [v2, i2] = m.min(1);
    v.sum().add(v2.sum().mul(2)).backward();
    expectT(v, r.max_min_ties[0], 0);
    expectT(i.float(), r.max_min_ties[1], 0);
    expectT(v2, r.max_min_ties[2], 0);
    expectT(i2.float(), r.max_min_ties[3], 0);
    expectT(m.grad!, r.max_min_ties[4], 1e-7);
    m.grad = null;
    m.max().add(m.min().mul(3)).backward();
    expectT(m.grad!, r.full_max_min_ties, 1e-7);
    m.grad = null;
    torch.amax(m, 1).sum().backward();
    expectT(m.grad!, r.amax_ties, 1e-7);
  });
  it("mistakes: ~ of a float mask, a float index", () => {
    expect(thrown(() => torch.eye(3).bitwise_not())).toEqual(r.err_invert_float);
    expect(thrown(() => torch.ones(3).index(torch.ones(3)))).toEqual(r.err_float_mask_index);
  });
});

describe("torch's metric losses, distances and their errors", () => {
  const r = ref.builtin;
  it("values and gradients of a, p, n", () => {
    torch.manual_seed(4);
    const a = torch.randn([4, 3], { requires_grad: true });
    const p = torch.randn([4, 3], { requires_grad: true });
    const n = torch.randn([4, 3], { requires_grad: true });
    const y = torch.tensor([1.0, -1.0, 1.0, -1.0]);
    const cases: [string, () => Tensor][] = [
      ["triplet", () => new nn.TripletMarginLoss({ margin: 1.0, p: 2 })(a, p, n)],
      ["triplet_swap_p1", () => new nn.TripletMarginLoss({ margin: 0.5, p: 1, swap: true, reduction: "none" })(a, p, n)],
      ["triplet_same", () => new nn.TripletMarginLoss()(a, a, n)],
      ["twd_default", () => new nn.TripletMarginWithDistanceLoss()(a, p, n)],
      ["twd_cos", () => new nn.TripletMarginWithDistanceLoss({ distance_function: (u: Tensor, w: Tensor) => F.cosine_similarity(u, w).rsub(1.0), margin: 0.3 })(a, p, n)],
      ["twd_swap_none", () => new nn.TripletMarginWithDistanceLoss({ distance_function: new nn.PairwiseDistance({ p: 1 }), swap: true, reduction: "none" })(a, p, n)],
      ["twd_l2sq", () => F.triplet_margin_with_distance_loss(a, p, n, { distance_function: (u: Tensor, w: Tensor) => u.sub(w).pow(2).sum(1), margin: 2.0, reduction: "sum" })],
      ["ranking", () => new nn.MarginRankingLoss({ margin: 0.2 })(a.index(":", 0), p.index(":", 0), y)],
      ["ranking_ties", () => new nn.MarginRankingLoss()(a.index(":", 0), a.index(":", 0), y)],
      ["cos_emb", () => new nn.CosineEmbeddingLoss({ margin: 0.1 })(a, p, y)],
      ["cos_emb_none", () => F.cosine_embedding_loss(a, p, y.long(), { reduction: "none" })],
      ["pdist", () => F.pairwise_distance(a, p)],
      ["pdist_keep_p1", () => F.pairwise_distance(a, p, { p: 1.0, keepdim: true })],
      ["pdist_zero", () => F.pairwise_distance(a, a)],
      ["pdist_bcast", () => F.pairwise_distance(a, p.index(0))],
      ["pdist_inf", () => F.pairwise_distance(a, p, { p: Infinity })],
      ["cos_bcast", () => F.cosine_similarity(a.unsqueeze(1), p.unsqueeze(0), { dim: -1 })],
      ["cos_default", () => F.cosine_similarity(a, p)],
      ["cos_zero", () => F.cosine_similarity(a.mul(0), p)],
      ["cdist2", () => torch.cdist(a, p)],
      ["cdist_self", () => torch.cdist(a, a)],
      ["cdist_p1", () => torch.cdist(a, p, { p: 1 })],
      ["cdist_p0", () => torch.cdist(a, p, { p: 0 })],
      ["cdist_pinf", () => torch.cdist(a, p, { p: Infinity })],
      ["cdist_p3", () => torch.cdist(a, p.index(":3"), { p: 3 })],
      ["cdist_mm", () => torch.cdist(a, p, { compute_mode: "use_mm_for_euclid_dist" })],
      ["cdist_nomm_self", () => torch.cdist(a, a, { compute_mode: "donot_use_mm_for_euclid_dist" })],
      ["cdist_batched", () => torch.cdist(a.view(2, 2, 3), p.view(2, 2, 3))],
      ["cdist_bcast", () => torch.cdist(a.view(1, 4, 3), p.view(2, 2, 3))],
      ["pdist_fn", () => F.pdist(a)],
    ];
    const bad: string[] = [];
    for (const [name, fn] of cases) {
      try {
        for (const t of [a, p, n]) t.grad = null;
        const v = fn();
        if (v.dim() > 0) v.sum().backward(); else v.backward();
        const [ev, ga, gp, gn] = r[name] as (TJ | null)[];
        expectT(v, ev!, 1e-5);
        expectT(a.grad!, ga!, 1e-4);
        if (gp) expectT(p.grad!, gp, 1e-4); else expect(p.grad).toBeNull();
        if (gn) expectT(n.grad!, gn, 1e-4); else expect(n.grad).toBeNull();
      } catch (e) {
        bad.push(`${name}: ${(e as Error).message.split("\n")[0]}`);
      }
    }
    expect(bad).toEqual([]);
    expectT(torch.cdist(a, a, { compute_mode: "use_mm_for_euclid_dist" }), r.cdist_mm_self, 1e-5);
  });
  it("reprs and errors", () => {
    expect([String(new nn.TripletMarginLoss()), String(new nn.TripletMarginLoss({ margin: 0.5, p: 1, swap: true })),
      String(new nn.TripletMarginWithDistanceLoss()), String(new nn.MarginRankingLoss({ margin: 0.2 })),
      String(new nn.CosineEmbeddingLoss()), String(new nn.PairwiseDistance()), String(new nn.CosineSimilarity({ dim: 1 })),
      String(new nn.TripletMarginWithDistanceLoss({ distance_function: new nn.PairwiseDistance(), margin: 2.0 }))]).toEqual(r.reprs);
    const o = torch.ones;
    const got = {
      cdist_cols: thrown(() => torch.cdist(o(3, 2), o(4, 3))),
      cdist_1d: thrown(() => torch.cdist(o(3), o(3))),
      cdist_neg_p: thrown(() => torch.cdist(o(3, 2), o(4, 2), { p: -1 })),
      cdist_mode: thrown(() => torch.cdist(o(3, 2), o(4, 2), { compute_mode: "mm" })),
      cdist_int: thrown(() => torch.cdist(o([3, 2], { dtype: torch.int64 }), o([4, 2], { dtype: torch.int64 }))),
      cdist_batch: thrown(() => torch.cdist(o(2, 3, 2), o(3, 4, 2))),
      triplet_shape: thrown(() => new nn.TripletMarginLoss()(o(4, 3), o(4, 3), o(4, 2))),
      triplet_dims: thrown(() => new nn.TripletMarginLoss()(o(4, 3), o(4, 3), o(3))),
      ranking_size: thrown(() => new nn.MarginRankingLoss()(o(4), o(4), o(3))),
      cos_emb_target: thrown(() => new nn.CosineEmbeddingLoss()(o(4, 3), o(4, 3), o(4, 1))),
      cos_emb_shape: thrown(() => new nn.CosineEmbeddingLoss()(o(4, 3), o(4, 2), o(4))),
      pdist_shape: thrown(() => F.pairwise_distance(o(4, 3), o(4, 2))),
      twd_dims: thrown(() => new nn.TripletMarginWithDistanceLoss()(o(4, 3), o(4, 3), o(3))),
      cos_sim_shape: thrown(() => F.cosine_similarity(o(4, 3), o(2, 3))),
      pdist_fn_3d: thrown(() => F.pdist(o(2, 2, 2))),
    };
    expect(got).toEqual(r.errors);
  });
});
