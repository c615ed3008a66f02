/**
 * A probe with graph neural networks and embedding models written in plain PyTorch:
 *   - tkipf/pygcn: layers.py (GraphConvolution: torch.FloatTensor parameters, reset_parameters' uniform_,
 *     torch.spmm, the custom __repr__), utils.py (load_data's symmetric adjacency, normalize, accuracy,
 *     sparse_mx_to_torch_sparse_tensor), models.py (GCN), train.py (Adam with weight_decay, output[idx_train],
 *     F.nll_loss, the printed lines, test()); the older layers.py's legacy SparseMM()(adj, support) call.
 *   - Diego999/pyGAT: layers.py's dense GraphAttentionLayer (LeakyReLU on concatenated pairs from repeat / view,
 *     torch.where(adj > 0, e, zero_vec), deprecated nn.init.xavier_uniform on torch.Tensor(...).type(torch.FloatTensor)),
 *     models.py's GAT (heads kept in a plain list and registered with add_module, F.log_softmax without dim),
 *     and the later _prepare_attentional_mechanism_input (Wh1 + Wh2.T), which gives the same scores; the sparse
 *     SpGraphAttentionLayer with its SpecialSpmmFunction (a custom autograd.Function taking indices, values, a
 *     torch.Size and a dense matrix; ctx.N; gradients only for values and b).
 *   - Andras7/word2vec-pytorch: model.py's SkipGramModel (clamp(max, min), F.logsigmoid, torch.bmm, squeeze) and
 *     trainer.py's loop (a new optimizer and CosineAnnealingLR per iteration, scheduler.step() first).
 *   - Matrix factorisation: yoonlight/mf-torch model.py (BiasedMatrixFactorization: biases as Embedding(n, 1),
 *     `pred +=`, sum(dim=1, keepdim=True), squeeze, SGD) and Guai-lab/RecUnlearn models/mf.py (MF: normal_(std=0.01)
 *     and zeros_ init, (u * v).sum(dim=1) + squeezed biases; trained here with Adam(weight_decay) and nn.MSELoss).
 * Cora and the corpora are seeded synthetic stand-ins built by the same calls on both sides; every value is
 * checked against torch 1.13 running the same code (scripts/fixtures/graphs_embeddings_fixtures.py ->
 * tests/fixtures/torch/tutorials/graphs_embeddings.json).
 *
 * What the probe found in the engine (fixed, tests in core/graphs_embeddings_gaps.test.ts): F.logsigmoid's gradient
 * at 0 was 1, not 0.5, so SkipGramModel (zeroed output embeddings: every score starts at 0) trained on doubled
 * gradients; F.hardswish's gradient at -3 / 3; torch.sparse was missing (FloatTensor refused by name now, mm dense);
 * calling a Function instance (the legacy SparseMM()(adj, support)) raised a JavaScript TypeError instead of torch's
 * RuntimeError; index_add / scatter_reduce index and reduce messages and the beta warnings; median() and clamp with
 * tensor bounds at ties. Left: sparse layouts (nn.Embedding(sparse=True)'s sparse gradients came later, from the
 * recsys_tabular probe: word2vec's SparseAdam run is now checked against torch's); nll_loss's float-target and mm's dtype messages carry the engine's
 * JavaScript hint after torch's text (checked as a prefix or by class).
 *
 * Python forms written differently here:
 *   - scipy.sparse is not used (as the brief of a learner without scipy): sp.coo_matrix with repeated edges is
 *     torch.zeros(N, N).index_put_([rows, cols], ones, { accumulate: true }); sp.diags(r_inv).dot(mx) is
 *     torch.diag(r_inv).mm(mx); `r_inv[torch.isinf(r_inv)] = 0.` is index_put_([mask], 0.0).
 *   - The adjacency stays dense here and torch.spmm / torch.sparse.mm multiply dense tensors; torch's run uses the
 *     sparse adjacency and gives the same values. (Sparse COO tensors came later: torch.sparse.FloatTensor /
 *     sparse_coo_tensor / to_sparse give the same adjacency, checked; the sparse GCN runs in gnn_scratch.test.ts.) nn.Embedding(sparse=True) gives a dense gradient
 *     marked sparse (is_sparse, SparseAdam's lazy rows: word2vec runs both ways, SparseAdam and sparse=False
 *     with Adam), and the BiasedMatrixFactorization runs with sparse=False and SGD (for plain SGD the same
 *     values as torch's sparse run, checked).
 *   - SpecialSpmmFunction's torch.sparse_coo_tensor(indices, values, shape) is the dense
 *     torch.zeros(shape).index_put_([rows, cols], values, { accumulate: true }), and backward's a._indices() is the
 *     indices tensor saved beside it; `assert` is an expect / a thrown Error.
 *   - `torch.LongTensor(range(6))` is torch.arange(6); `len(labels)` is labels.shape[0]; `__repr__` is toString().
 *   - `torch.Tensor(in, out)` / `torch.FloatTensor(in, out)` need `new` for torch.Tensor; the GAT's
 *     `self.attentions = [...]` list is a plain (unregistered) array field as in Python.
 *   - The legacy `SparseMM()(adj, support)` call (an instance of a Function subclass with a non-static forward)
 *     is written `(new SparseMM() as unknown as (...a: Tensor[]) => Tensor)(...)`: TypeScript refuses the call.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { F, nn, optim, torch, type Tensor } from "../../../../lib/tensor/index";
import type { FunctionCtx } from "../../../../lib/tensor/autograd/custom_function";
import { forgetShownWarnings } from "../../../../lib/tensor/warnings";
import { expectNums, expectT, thrown, tutorialFixture, type TJ } from "./helpers";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const ref = tutorialFixture<Record<string, any>>("graphs_embeddings.json");

let warn: { mock: { calls: unknown[][] }; mockRestore(): void };
beforeEach(() => {
  forgetShownWarnings();
  warn = vi.spyOn(console, "warn").mockImplementation(() => {});
});
afterEach(() => warn.mockRestore());
const warned = (): string[] => warn.mock.calls.map((c) => String(c[0]));

function graph(seed: number, N = 12, nfeat = 8, C = 3, E = 20) {
  const g = new torch.Generator().manual_seed(seed);
  const features = torch.rand([N, nfeat], { generator: g }).gt(0.6).float();
  features.index_put_([torch.tensor(3, { dtype: torch.long })], torch.tensor(0.0));
  const labels = torch.randint(0, C, [N], { generator: g });
  const edges = torch.randint(0, N, [E, 2], { generator: g });
  return { features, labels, edges };
}

/** Row-normalize matrix */
function normalize(mx: Tensor): Tensor {
  const rowsum = mx.sum(1);
  const r_inv = rowsum.pow(-1).flatten();
  r_inv.index_put_([torch.isinf(r_inv)], torch.tensor(0.0));
  const r_mat_inv = torch.diag(r_inv);
  return r_mat_inv.mm(mx);
}

function load_data(seed = 5) {
  const g = graph(seed);
  const { labels, edges } = g;
  let features = g.features;
  const [N, E] = [labels.shape[0], edges.shape[0]];
  let adj = torch.zeros(N, N).index_put_([edges.index(":", 0), edges.index(":", 1)], torch.ones(E), { accumulate: true });
  adj = adj.add(adj.T.mul(adj.T.gt(adj))).sub(adj.mul(adj.T.gt(adj)));
  features = normalize(features);
  adj = normalize(adj.add(torch.eye(N)));
  const idx_train = torch.arange(6);
  const idx_val = torch.arange(6, 9);
  const idx_test = torch.arange(9, 12);
  return { adj, features, labels, idx_train, idx_val, idx_test, edges };
}

function accuracy(output: Tensor, labels: Tensor): Tensor {
  const preds = output.max(1)[1].type_as(labels);
  let correct = preds.eq(labels).double();
  correct = correct.sum();
  return correct.div(labels.shape[0]);
}

// ------------------------------------------------------------------------------------------ pygcn
class GraphConvolution extends nn.Module {
  in_features: number;
  out_features: number;
  weight: nn.Parameter;
  bias: nn.Parameter | null;
  constructor(in_features: number, out_features: number, bias = true) {
    super();
    this.in_features = in_features;
    this.out_features = out_features;
    this.weight = new nn.Parameter(torch.FloatTensor(in_features, out_features));
    if (bias) this.bias = new nn.Parameter(torch.FloatTensor(out_features));
    else {
      this.bias = null;
      this.register_parameter("bias", null);
    }
    this.reset_parameters();
  }
  reset_parameters(): void {
    const stdv = 1 / Math.sqrt(this.weight.size(1));
    this.weight.data.uniform_(-stdv, stdv);
    if (this.bias !== null) this.bias.data.uniform_(-stdv, stdv);
  }
  forward(input: Tensor, adj: Tensor): Tensor {
    const support = torch.mm(input, this.weight);
    const output = torch.spmm(adj, support);
    return this.bias !== null ? output.add(this.bias) : output;
  }
  override toString(): string {
    return `${this.constructor.name} (${this.in_features} -> ${this.out_features})`;
  }
}

class GCN extends nn.Module {
  gc1: GraphConvolution;
  gc2: GraphConvolution;
  dropout: number;
  constructor(o: { nfeat: number; nhid: number; nclass: number; dropout: number }) {
    super();
    this.gc1 = new GraphConvolution(o.nfeat, o.nhid);
    this.gc2 = new GraphConvolution(o.nhid, o.nclass);
    this.dropout = o.dropout;
  }
  forward(x: Tensor, adj: Tensor): Tensor {
    x = F.relu(this.gc1(x, adj));
    x = F.dropout(x, this.dropout, { training: this.training });
    x = this.gc2(x, adj);
    return F.log_softmax(x, { dim: 1 });
  }
}

describe("pygcn", () => {
  const r = ref.pygcn;
  it("load_data without scipy; sparse_mx_to_torch_sparse_tensor's sparse tensor equals the dense adjacency", () => {
    const { adj, features, edges } = load_data();
    expectT(adj, r.adj as TJ, 1e-6);
    expectT(features, r.features as TJ, 1e-6);
    // sp.coo_matrix sums repeated edges, as sparse_coo_tensor(...).to_dense() does in torch
    const coo = torch.zeros(12, 12).index_put_([edges.T.index(0), edges.T.index(1)], torch.ones(20), { accumulate: true });
    expectT(coo, r.coo_dense as TJ, 0);
    const indices = adj.nonzero().t();
    expect(indices.shape).toEqual([2, r.nnz]);
    const values = adj.index(indices.index(0), indices.index(1));
    // sparse COO tensors (tests/unit/tensor/sparse/, the sparse GCN in gnn_scratch.test.ts)
    expectT(torch.sparse.FloatTensor(indices, values, adj.shape).to_dense(), r.adj as TJ, 1e-6);
    expectT(torch.sparse_coo_tensor(indices, values, adj.shape).to_dense(), r.adj as TJ, 1e-6);
    expectT(adj.to_sparse().to_dense(), r.adj as TJ, 1e-6);
    expectT(torch.sparse.mm(adj.to_sparse(), torch.ones(12, 2)), r.sparse_mm_dense as TJ, 1e-6);
    // torch.sparse.mm of dense operands is mm, as in torch 1.13
    expectT(torch.sparse.mm(adj, torch.ones(12, 2)), r.sparse_mm_dense as TJ, 1e-6);
  });

  it("GCN: repr, first gradients, four Adam(weight_decay) epochs with the printed lines, test()", () => {
    const { adj, features, labels, idx_train, idx_val, idx_test } = load_data();
    torch.manual_seed(42);
    const model = new GCN({ nfeat: features.shape[1], nhid: 16, nclass: (labels.max().item() as number) + 1, dropout: 0.5 });
    expect(String(model)).toBe(r.repr);
    expectT(model.gc1.weight, r.init_w1 as TJ, 1e-7);
    const optimizer = new optim.Adam(model.parameters(), { lr: 0.01, weight_decay: 5e-4 });
    const lines: string[] = [], losses: number[][] = [];
    const f4 = (v: number) => v.toFixed(4);
    for (let epoch = 0; epoch < 4; epoch++) {
      model.train();
      optimizer.zero_grad();
      let output = model(features, adj);
      const loss_train = F.nll_loss(output.index(idx_train), labels.index(idx_train));
      const acc_train = accuracy(output.index(idx_train), labels.index(idx_train));
      loss_train.backward();
      if (epoch === 0) {
        expectT(model.gc1.weight.grad!, r.grad_w1 as TJ, 1e-5);
        expectT(model.gc2.bias!.grad!, r.grad_b2 as TJ, 1e-5);
        expect(String(acc_train)).toBe(r.acc_repr);
      }
      optimizer.step();
      model.eval();
      output = model(features, adj);
      const loss_val = F.nll_loss(output.index(idx_val), labels.index(idx_val));
      const acc_val = accuracy(output.index(idx_val), labels.index(idx_val));
      const row = [loss_train.item(), acc_train.item(), loss_val.item(), acc_val.item()] as number[];
      losses.push(row);
      lines.push(`Epoch: ${String(epoch + 1).padStart(4, "0")} loss_train: ${f4(row[0])} acc_train: ${f4(row[1])} loss_val: ${f4(row[2])} acc_val: ${f4(row[3])}`);
    }
    expectNums(losses.flat(), (r.losses as number[][]).flat(), 1e-5);
    expect(lines).toEqual(r.lines);
    model.eval();
    const output = model(features, adj);
    expectNums([F.nll_loss(output.index(idx_test), labels.index(idx_test)).item(), accuracy(output.index(idx_test), labels.index(idx_test)).item()], r.test, 1e-5);
    expectT(output, r.eval_out as TJ, 1e-5);
  });

  it("the learner's mistakes: the legacy SparseMM()(adj, support), float labels or indices, shapes and dtypes in spmm", () => {
    const { adj, labels, idx_train } = load_data();
    class SparseMM extends torch.autograd.Function {
      forward(matrix1: Tensor, matrix2: Tensor): Tensor {
        return torch.mm(matrix1, matrix2);
      }
    }
    expect(thrown(() => (new SparseMM() as unknown as (...a: Tensor[]) => Tensor)(adj, torch.ones(12, 2)))).toEqual(r.legacy_fn);
    const output = F.log_softmax(torch.randn(12, 3), { dim: 1 });
    expect(thrown(() => F.nll_loss(output.index(idx_train), labels.index(idx_train).float()))?.[0]).toBe(r.labels_float[0]);
    expect(thrown(() => output.index(idx_train.float()))).toEqual(r.idx_float);
    expect(thrown(() => torch.spmm(adj, torch.ones(8, 2)))).toEqual(r.mm_shapes);
    // torch's message, then the engine's hint on converting one operand
    expect(thrown(() => torch.spmm(adj, torch.ones([12, 2], { dtype: torch.int64 })))?.join(": ")).toMatch(new RegExp(`^${r.mm_dtype.join(": ")} \\(mm: `));
  });
});

// ------------------------------------------------------------------------------------------ pyGAT
class GraphAttentionLayer extends nn.Module {
  dropout: number;
  in_features: number;
  out_features: number;
  alpha: number;
  concat: boolean;
  W: nn.Parameter;
  a: nn.Parameter;
  leakyrelu: nn.LeakyReLU;
  constructor(in_features: number, out_features: number, o: { dropout: number; alpha: number; concat?: boolean }) {
    super();
    this.dropout = o.dropout;
    this.in_features = in_features;
    this.out_features = out_features;
    this.alpha = o.alpha;
    this.concat = o.concat ?? true;
    this.W = new nn.Parameter(nn.init.xavier_uniform(new torch.Tensor(in_features, out_features).type(torch.FloatTensor), { gain: Math.sqrt(2.0) }), { requires_grad: true });
    this.a = new nn.Parameter(nn.init.xavier_uniform(new torch.Tensor(2 * out_features, 1).type(torch.FloatTensor), { gain: Math.sqrt(2.0) }), { requires_grad: true });
    this.leakyrelu = new nn.LeakyReLU(this.alpha);
  }
  scores(h: Tensor): Tensor {
    const N = h.size()[0];
    const a_input = torch.cat([h.repeat(1, N).view(N * N, -1), h.repeat(N, 1)], { dim: 1 }).view(N, -1, 2 * this.out_features);
    return this.leakyrelu(torch.matmul(a_input, this.a).squeeze(2));
  }
  forward(input: Tensor, adj: Tensor): Tensor {
    const h = torch.mm(input, this.W);
    const e = this.scores(h);
    const zero_vec = torch.ones_like(e).mul(-9e15);
    let attention = torch.where(adj.gt(0), e, zero_vec);
    attention = F.softmax(attention, { dim: 1 });
    attention = F.dropout(attention, this.dropout, { training: this.training });
    const h_prime = torch.matmul(attention, h);
    return this.concat ? F.elu(h_prime) : h_prime;
  }
  _prepare_attentional_mechanism_input(Wh: Tensor): Tensor {
    const Wh1 = torch.matmul(Wh, this.a.index(`:${this.out_features}`, ":"));
    const Wh2 = torch.matmul(Wh, this.a.index(`${this.out_features}:`, ":"));
    return this.leakyrelu(Wh1.add(Wh2.T));
  }
  override toString(): string {
    return `${this.constructor.name} (${this.in_features} -> ${this.out_features})`;
  }
}

class GAT extends nn.Module {
  dropout: number;
  attentions: GraphAttentionLayer[];
  out_att: GraphAttentionLayer;
  constructor(o: { nfeat: number; nhid: number; nclass: number; dropout: number; alpha: number; nheads: number }) {
    super();
    this.dropout = o.dropout;
    this.attentions = Array.from({ length: o.nheads }, () => new GraphAttentionLayer(o.nfeat, o.nhid, { dropout: o.dropout, alpha: o.alpha, concat: true }));
    this.attentions.forEach((attention, i) => this.add_module(`attention_${i}`, attention));
    this.out_att = new GraphAttentionLayer(o.nhid * o.nheads, o.nclass, { dropout: o.dropout, alpha: o.alpha, concat: false });
  }
  forward(x: Tensor, adj: Tensor): Tensor {
    x = F.dropout(x, this.dropout, { training: this.training });
    x = torch.cat(this.attentions.map((att) => att(x, adj)), { dim: 1 });
    x = F.dropout(x, this.dropout, { training: this.training });
    x = F.elu(this.out_att(x, adj));
    return F.log_softmax(x);
  }
}

describe("pyGAT", () => {
  const r = ref.pygat;
  it("GAT: warnings, repr and registered heads, concatenated-pair scores = Wh1 + Wh2.T, three Adam epochs", () => {
    const { adj, features, labels, idx_train, idx_val } = load_data(9);
    expectT(adj, r.adj as TJ, 1e-6);
    torch.manual_seed(72);
    const model = new GAT({ nfeat: features.shape[1], nhid: 4, nclass: (labels.max().item() as number) + 1, dropout: 0.6, nheads: 2, alpha: 0.2 });
    model.eval();
    model(features, adj);
    expect([...new Set(warned())].sort()).toEqual((r.warnings as string[]).map((m) => `UserWarning: ${m}`).sort());
    expect(String(model)).toBe(r.repr);
    expect(Object.keys(model.state_dict())).toEqual(r.keys);
    expect(model.parameters().length).toBe(r.n_params);
    const att0 = model.get_submodule("attention_0") as GraphAttentionLayer;
    expect(att0).toBe(model.attentions[0]);
    expectT(att0.W, r.W0 as TJ, 1e-7);
    const h = torch.mm(features, att0.W);
    expectT(att0.scores(h), r.e_concat as TJ, 1e-5);
    expectT(att0._prepare_attentional_mechanism_input(h), r.e_new as TJ, 1e-5);
    const optimizer = new optim.Adam(model.parameters(), { lr: 0.005, weight_decay: 5e-4 });
    const losses: number[][] = [];
    let output!: Tensor;
    for (let epoch = 0; epoch < 3; epoch++) {
      model.train();
      optimizer.zero_grad();
      output = model(features, adj);
      const loss_train = F.nll_loss(output.index(idx_train), labels.index(idx_train));
      const acc_train = accuracy(output.index(idx_train), labels.index(idx_train));
      loss_train.backward();
      if (epoch === 0) expectT(model.out_att.a.grad!, r.grad_a as TJ, 1e-4);
      optimizer.step();
      model.eval();
      output = model(features, adj);
      const loss_val = F.nll_loss(output.index(idx_val), labels.index(idx_val));
      const acc_val = accuracy(output.index(idx_val), labels.index(idx_val));
      losses.push([loss_train.item(), acc_train.item(), loss_val.item(), acc_val.item()] as number[]);
    }
    expectNums(losses.flat(), (r.losses as number[][]).flat(), 1e-4);
    expectT(output, r.eval_out as TJ, 1e-4);
    expect(thrown(() => torch.where(adj.index(":5").gt(0), torch.zeros(12, 12), torch.ones(12, 12)))).toEqual(r.where_shape);
  });
});

// pyGAT's sparse layer: SpecialSpmmFunction builds torch.sparse_coo_tensor(indices, values, shape); here the same
// matrix is built dense (index_put_ with accumulate) and indices are saved beside it for backward (a._indices()).
class SpecialSpmmFunction extends torch.autograd.Function {
  static override forward(ctx: FunctionCtx, indices: Tensor, values: Tensor, shape: number[], b: Tensor): Tensor {
    if (indices.requires_grad !== false) throw new Error("AssertionError");
    const a = torch.zeros(shape).index_put_([indices.index(0), indices.index(1)], values, { accumulate: true });
    ctx.save_for_backward(a, b, indices);
    ctx.N = shape[0];
    return torch.matmul(a, b);
  }
  static override backward(ctx: FunctionCtx, grad_output: Tensor): (Tensor | null)[] {
    const [a, b, indices] = ctx.saved_tensors;
    let grad_values: Tensor | null = null, grad_b: Tensor | null = null;
    if (ctx.needs_input_grad[1]) {
      const grad_a_dense = grad_output.matmul(b.t());
      const edge_idx = indices.index(0, ":").mul(ctx.N as number).add(indices.index(1, ":"));
      grad_values = grad_a_dense.view(-1).index(edge_idx);
    }
    if (ctx.needs_input_grad[3]) grad_b = a.t().matmul(grad_output);
    return [null, grad_values, null, grad_b];
  }
}

class SpecialSpmm extends nn.Module {
  forward(indices: Tensor, values: Tensor, shape: number[], b: Tensor): Tensor {
    return SpecialSpmmFunction.apply(indices, values, shape, b);
  }
}

class SpGraphAttentionLayer extends nn.Module {
  in_features: number;
  out_features: number;
  alpha: number;
  concat: boolean;
  W: nn.Parameter;
  a: nn.Parameter;
  dropout: nn.Dropout;
  leakyrelu: nn.LeakyReLU;
  special_spmm: SpecialSpmm;
  constructor(in_features: number, out_features: number, o: { dropout: number; alpha: number; concat?: boolean }) {
    super();
    this.in_features = in_features;
    this.out_features = out_features;
    this.alpha = o.alpha;
    this.concat = o.concat ?? true;
    this.W = new nn.Parameter(torch.zeros({ size: [in_features, out_features] }));
    nn.init.xavier_normal_(this.W.data, { gain: 1.414 });
    this.a = new nn.Parameter(torch.zeros({ size: [1, 2 * out_features] }));
    nn.init.xavier_normal_(this.a.data, { gain: 1.414 });
    this.dropout = new nn.Dropout(o.dropout);
    this.leakyrelu = new nn.LeakyReLU(this.alpha);
    this.special_spmm = new SpecialSpmm();
  }
  forward(input: Tensor, adj: Tensor): Tensor {
    const N = input.size()[0];
    const edge = adj.nonzero().t();
    const h = torch.mm(input, this.W);
    expect(torch.isnan(h).any().item()).toBe(false);
    const edge_h = torch.cat([h.index(edge.index(0, ":"), ":"), h.index(edge.index(1, ":"), ":")], { dim: 1 }).t();
    let edge_e = torch.exp(this.leakyrelu(this.a.mm(edge_h).squeeze()).neg());
    const e_rowsum = this.special_spmm(edge, edge_e, [N, N], torch.ones({ size: [N, 1] }));
    edge_e = this.dropout(edge_e);
    let h_prime = this.special_spmm(edge, edge_e, [N, N], h);
    h_prime = h_prime.div(e_rowsum);
    return this.concat ? F.elu(h_prime) : h_prime;
  }
}

describe("pyGAT's sparse layer (SpGraphAttentionLayer, SpecialSpmmFunction) with a dense scatter", () => {
  it("custom Function with a shape argument, ctx.N and needs_input_grad[3]: output and gradients as torch's sparse run", () => {
    const r = ref.pygat_sparse;
    const { adj, features } = load_data(9);
    torch.manual_seed(5);
    const layer = new SpGraphAttentionLayer(8, 4, { dropout: 0.6, alpha: 0.2 });
    expectT(layer.W, r.W as TJ, 1e-6);
    expectT(layer.a, r.a as TJ, 1e-6);
    const out = layer(features, adj);
    const w = torch.linspace(0.5, 1.5, out.numel()).reshape(out.shape);
    out.mul(w).sum().backward();
    expectT(out, r.out as TJ, 1e-5);
    expectT(layer.W.grad!, r.grad_W as TJ, 1e-5);
    expectT(layer.a.grad!, r.grad_a as TJ, 1e-5);
    layer.eval();
    expectT(layer(features, adj), r.eval_out as TJ, 1e-5);
  });
});

// ------------------------------------------------------------------------------------------ word2vec
class SkipGramModel extends nn.Module {
  emb_size: number;
  emb_dimension: number;
  u_embeddings: nn.Embedding;
  v_embeddings: nn.Embedding;
  constructor(emb_size: number, emb_dimension: number, sparse = true) {
    super();
    this.emb_size = emb_size;
    this.emb_dimension = emb_dimension;
    this.u_embeddings = new nn.Embedding(emb_size, emb_dimension, { sparse });
    this.v_embeddings = new nn.Embedding(emb_size, emb_dimension, { sparse });
    const initrange = 1.0 / this.emb_dimension;
    nn.init.uniform_(this.u_embeddings.weight.data, -initrange, initrange);
    nn.init.constant_(this.v_embeddings.weight.data, 0);
  }
  forward(pos_u: Tensor, pos_v: Tensor, neg_v: Tensor): Tensor {
    const emb_u = this.u_embeddings(pos_u);
    const emb_v = this.v_embeddings(pos_v);
    const emb_neg_v = this.v_embeddings(neg_v);
    let score = torch.sum(torch.mul(emb_u, emb_v), { dim: 1 });
    score = torch.clamp(score, { max: 10, min: -10 });
    score = F.logsigmoid(score).neg();
    let neg_score = torch.bmm(emb_neg_v, emb_u.unsqueeze(2)).squeeze();
    neg_score = torch.clamp(neg_score, { max: 10, min: -10 });
    neg_score = torch.sum(F.logsigmoid(neg_score.neg()), { dim: 1 }).neg();
    return torch.mean(score.add(neg_score));
  }
}

function w2v_batches(seed: number, n = 4, bs = 8, vocab = 20, k = 5): [Tensor, Tensor, Tensor][] {
  const g = new torch.Generator().manual_seed(seed);
  return Array.from({ length: n }, () => [torch.randint(0, vocab, [bs], { generator: g }), torch.randint(0, vocab, [bs], { generator: g }), torch.randint(0, vocab, [bs, k], { generator: g })]);
}

describe("word2vec (Andras7/word2vec-pytorch)", () => {
  const r = ref.word2vec;
  it("SkipGramModel(sparse=True) prints as torch's; trainer.py's loop with SparseAdam (sparse gradients, lazy rows)", () => {
    torch.manual_seed(3);
    const model = new SkipGramModel(20, 6);
    expect(String(model)).toBe(r.repr);
    const batches = w2v_batches(11);
    const losses: number[] = [];
    let grads: Tensor[] | null = null;
    for (let iteration = 0; iteration < 2; iteration++) {
      const optimizer = new optim.SparseAdam(model.parameters(), { lr: 0.05 });
      const scheduler = new torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, batches.length);
      batches.forEach(([pos_u, pos_v, neg_v], i) => {
        scheduler.step();
        optimizer.zero_grad();
        const loss = model.forward(pos_u, pos_v, neg_v);
        loss.backward();
        if (grads === null && iteration === 0 && i === 1) grads = [model.u_embeddings.weight.grad!.to_dense(), model.v_embeddings.weight.grad!.to_dense()];
        optimizer.step();
        losses.push(loss.item() as number);
      });
    }
    expect(model.u_embeddings.weight.grad!.is_sparse).toBe(true);
    expectNums(losses, r.sparse_losses, 1e-5);
    expectT(grads![0], r.sparse_grads[0] as TJ, 1e-5);
    expectT(grads![1], r.sparse_grads[1] as TJ, 1e-5);
    expectT(model.u_embeddings.weight, r.sparse_u as TJ, 1e-5);
  });

  it("trainer.py's loop with sparse=False and Adam: CosineAnnealingLR stepped first, losses, gradients, weights", () => {
    torch.manual_seed(3);
    const model = new SkipGramModel(20, 6, false);
    const batches = w2v_batches(11);
    const losses: number[] = [], lrs: number[] = [];
    let grads: Tensor[] | null = null;
    for (let iteration = 0; iteration < 2; iteration++) {
      const optimizer = new optim.Adam(model.parameters(), { lr: 0.05 });
      const scheduler = new torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, batches.length);
      batches.forEach(([pos_u, pos_v, neg_v], i) => {
        scheduler.step();
        optimizer.zero_grad();
        const loss = model.forward(pos_u, pos_v, neg_v);
        loss.backward();
        if (grads === null && iteration === 0 && i === 1) grads = [model.u_embeddings.weight.grad!.to_dense(), model.v_embeddings.weight.grad!.to_dense()];
        optimizer.step();
        losses.push(loss.item() as number);
        lrs.push(optimizer.param_groups[0].lr);
      });
    }
    expect(warned()).toEqual([`UserWarning: ${r.sched_warning[0]}`]);
    expectNums(lrs, r.lrs, 1e-12);
    expectNums(losses, r.dense_losses, 1e-5);
    expectT(grads![0], r.dense_grads[0] as TJ, 1e-5);
    expectT(grads![1], r.dense_grads[1] as TJ, 1e-5);
    expectT(model.u_embeddings.weight, r.dense_u as TJ, 1e-5);
    expectT(model.v_embeddings.weight, r.dense_v as TJ, 1e-5);
  });

  it("SparseAdam given dense gradients, and a batch of one pair through squeeze()", () => {
    torch.manual_seed(3);
    const m = new SkipGramModel(20, 6, false);
    const opt = new optim.SparseAdam(m.parameters(), { lr: 0.05 });
    const b = w2v_batches(11)[0];
    m(...b).backward();
    expect(thrown(() => opt.step())).toEqual(r.sparseadam_dense);
    expect(thrown(() => m(b[0].index(":1"), b[1].index(":1"), b[2].index(":1")))).toEqual(r.batch_of_one);
  });
});

// ------------------------------------------------------------------------------------------ matrix factorisation
class BiasedMatrixFactorization extends nn.Module {
  user_factors: nn.Embedding;
  item_factors: nn.Embedding;
  user_biases: nn.Embedding;
  item_biases: nn.Embedding;
  constructor(n_users: number, n_items: number, n_factors = 20, sparse = true) {
    super();
    this.user_factors = new nn.Embedding(n_users, n_factors, { sparse });
    this.item_factors = new nn.Embedding(n_items, n_factors, { sparse });
    this.user_biases = new nn.Embedding(n_users, 1, { sparse });
    this.item_biases = new nn.Embedding(n_items, 1, { sparse });
  }
  forward(user: Tensor, item: Tensor): Tensor {
    let pred = this.user_biases(user).add(this.item_biases(item));
    pred = pred.add_(this.user_factors(user).mul(this.item_factors(item)).sum({ dim: 1, keepdim: true }));
    return pred.squeeze();
  }
}

class MF extends nn.Module {
  user_embedding: nn.Embedding;
  item_embedding: nn.Embedding;
  user_bias: nn.Embedding;
  item_bias: nn.Embedding;
  constructor(num_users: number, num_items: number, embedding_dim: number) {
    super();
    this.user_embedding = new nn.Embedding(num_users, embedding_dim);
    this.item_embedding = new nn.Embedding(num_items, embedding_dim);
    this.user_bias = new nn.Embedding(num_users, 1);
    this.item_bias = new nn.Embedding(num_items, 1);
    nn.init.normal_(this.user_embedding.weight, { std: 0.01 });
    nn.init.normal_(this.item_embedding.weight, { std: 0.01 });
    nn.init.zeros_(this.user_bias.weight);
    nn.init.zeros_(this.item_bias.weight);
  }
  forward(user_ids: Tensor, item_ids: Tensor): Tensor {
    const user_embeds = this.user_embedding(user_ids);
    const item_embeds = this.item_embedding(item_ids);
    const user_bias = this.user_bias(user_ids).squeeze();
    const item_bias = this.item_bias(item_ids).squeeze();
    const dot_product = user_embeds.mul(item_embeds).sum({ dim: 1 });
    return dot_product.add(user_bias).add(item_bias);
  }
}

function ratings(seed: number, n = 40, n_users = 7, n_items = 9) {
  const g = new torch.Generator().manual_seed(seed);
  const users = torch.randint(0, n_users, [n], { generator: g });
  const items = torch.randint(0, n_items, [n], { generator: g });
  const rt = torch.randint(1, 6, [n], { generator: g }).float();
  return { users, items, rt };
}

describe("matrix factorisation", () => {
  const r = ref.mf;
  it("BiasedMatrixFactorization: repr with sparse=True; sparse=False with SGD gives torch's sparse run", () => {
    expect(String(new BiasedMatrixFactorization(7, 9, 5))).toBe(r.biased_repr);
    const { users, items, rt } = ratings(17);
    torch.manual_seed(8);
    const model = new BiasedMatrixFactorization(7, 9, 5, false);
    const opt = new torch.optim.SGD(model.parameters(), { lr: 0.05 });
    const ls: number[] = [];
    for (let s = 0; s < 4; s++) {
      opt.zero_grad();
      const loss = F.mse_loss(model(users, items), rt);
      loss.backward();
      opt.step();
      ls.push(loss.item() as number);
    }
    expectNums(ls, r.biased_dense_losses, 1e-5);
    expectNums(ls, r.biased_sparse_losses, 1e-5);
    expectT(model.item_biases.weight, r.biased_item_biases as TJ, 1e-5);
    const one = model(users.index(":1"), items.index(":1"));
    expectT(one, r.one_pair as TJ, 1e-5);
  });

  it("MF: Adam(weight_decay) with MSELoss, test MSE / RMSE, and the learner's dtype / index mistakes", () => {
    const { users, items, rt } = ratings(17);
    torch.manual_seed(8);
    const model = new MF(7, 9, 5);
    const optimizer = new optim.Adam(model.parameters(), { lr: 0.05, weight_decay: 1e-4 });
    const criterion = new nn.MSELoss();
    const [tr, te] = [":30", "30:40"];
    const ls: number[] = [];
    for (let s = 0; s < 5; s++) {
      model.train();
      optimizer.zero_grad();
      const loss = criterion(model(users.index(tr), items.index(tr)), rt.index(tr));
      loss.backward();
      optimizer.step();
      ls.push(loss.item() as number);
    }
    expectNums(ls, r.mf_losses, 1e-5);
    model.eval();
    torch.no_grad(() => {
      const pred = model(users.index(te), items.index(te));
      expectNums([criterion(pred, rt.index(te)).item() as number, torch.sqrt(criterion(pred, rt.index(te))).item() as number], [r.mf_test, r.mf_rmse], 1e-5);
      expectT(pred, r.mf_pred as TJ, 1e-5);
    });
    expectT(model.user_embedding.weight, r.mf_user_emb as TJ, 1e-5);
    expect(thrown(() => F.mse_loss(model(users, items), rt.double()).backward())).toEqual(r.double_target);
    expect(thrown(() => model(users.float(), items))).toEqual(r.float_ids);
    expect(thrown(() => model(users.add(7), items))).toEqual(r.id_range);
    F.mse_loss(model(users.index(":1"), items.index(":1")), rt.index(":1").unsqueeze(1));
    expect(warned()).toEqual([`UserWarning: ${r.bcast_warning[0]}`]);
  });
});
