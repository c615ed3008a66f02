/**
 * Graph neural networks from scratch, with sparse COO tensors and edge_index message passing (what
 * graphs_embeddings.test.ts leaves out: there pygcn's adjacency stays dense and pyGAT is the dense-masked form):
 *   - tkipf/pygcn's GraphConvolution (torch.FloatTensor parameters, reset_parameters' uniform_, torch.spmm(adj,
 *     support)) and GCN over a row-normalized adjacency (A + I) built as torch.sparse_coo_tensor, coalesced,
 *     normalized with torch.sparse.sum / indices() / values(); five Adam(lr=0.01, weight_decay=5e-4) steps of
 *     nll_loss over the training nodes in train mode (dropout 0.5), with torch's seeded init: losses to 1e-5.
 *   - PyG-free message passing over edge_index: a GAT layer (LeakyReLU(0.2) scores, per-destination softmax with
 *     scatter_reduce('amax', include_self=False) and index_add_), GraphSAGE mean aggregation (index_add_, bincount,
 *     clamp) and global mean pooling over a batch vector: outputs and every gradient.
 * Values from torch 1.13 running the same code (scripts/fixtures/gnn_scratch_fixtures.py ->
 * tests/fixtures/torch/tutorials/gnn_scratch.json).
 *
 * Python forms written differently here: `r_inv[torch.isinf(r_inv)] = 0.` is index_put_([mask], 0);
 * `s, d = edge_index` is edge_index.unbind(0); `e_max[d]` / `h[s]` are index_select; Python's `0.7` float arange is
 * torch.arange(n).float() (JavaScript has one number type).
 */
import { describe, expect, it, vi } from "vitest";
import { F, nn, optim, torch, type Tensor } from "../../../../lib/tensor/index";
import type { SparseCooTensor } from "../../../../lib/tensor/sparse/index";
import { expectNums, expectT, tutorialFixture, type TJ } from "./helpers";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const ref = tutorialFixture<Record<string, any>>("gnn_scratch.json");

const N = 8, NFEAT = 5, NCLASS = 3;
const EDGES = [[0, 1], [1, 2], [2, 3], [3, 0], [4, 5], [5, 6], [6, 7], [7, 4], [0, 4], [2, 6], [1, 5]];
const features = () => torch.sin(torch.arange(N * NFEAT).float().reshape(N, NFEAT).mul(0.7));
const labels = torch.tensor([0, 1, 2, 0, 1, 2, 0, 1], { dtype: torch.int64 });
const idx_train = torch.tensor([0, 1, 2, 4, 5], { dtype: torch.int64 });

function normalized_adjacency(): SparseCooTensor {
  const src = [...EDGES.map(([a]) => a), ...EDGES.map(([, b]) => b), ...Array.from({ length: N }, (_, i) => i)];
  const dst = [...EDGES.map(([, b]) => b), ...EDGES.map(([a]) => a), ...Array.from({ length: N }, (_, i) => i)];
  const adj = torch.sparse_coo_tensor([src, dst], torch.ones(src.length), [N, N]).coalesce();
  const rowsum = (torch.sparse.sum(adj, 1) as SparseCooTensor).to_dense();
  const r_inv = rowsum.pow(-1);
  r_inv.index_put_([torch.isinf(r_inv)], 0);
  const i = adj.indices();
  return torch.sparse_coo_tensor(i, adj.values().mul(r_inv.index_select(0, i.index(0))), [N, N]);
}

class GraphConvolution extends nn.Module {
  weight: nn.Parameter;
  bias: nn.Parameter | null;
  constructor(public in_features: number, public out_features: number, bias = true) {
    super();
    this.weight = new nn.Parameter(torch.FloatTensor(in_features, out_features));
    if (bias) this.bias = new nn.Parameter(torch.FloatTensor(out_features));
    else {
      this.bias = null;
      this.register_parameter("bias", null);
    }
    this.reset_parameters();
  }
  reset_parameters(): void {
    const stdv = 1.0 / Math.sqrt(this.weight.size(1));
    this.weight.data.uniform_(-stdv, stdv);
    if (this.bias !== null) this.bias.data.uniform_(-stdv, stdv);
  }
  forward(input: Tensor, adj: SparseCooTensor): Tensor {
    const support = torch.mm(input, this.weight);
    const output = torch.spmm(adj, support);
    return this.bias !== null ? output.add(this.bias) : output;
  }
}

class GCN extends nn.Module {
  gc1: GraphConvolution;
  gc2: GraphConvolution;
  constructor(nfeat: number, nhid: number, nclass: number, public dropout: number) {
    super();
    this.gc1 = new GraphConvolution(nfeat, nhid);
    this.gc2 = new GraphConvolution(nhid, nclass);
  }
  forward(x: Tensor, adj: SparseCooTensor): Tensor {
    x = F.relu(this.gc1.forward(x, adj));
    x = F.dropout(x, this.dropout, { training: this.training });
    x = this.gc2.forward(x, adj);
    return F.log_softmax(x, { dim: 1 });
  }
}

const SRC = torch.tensor([...EDGES.map(([a]) => a), ...EDGES.map(([, b]) => b)], { dtype: torch.int64 });
const DST = torch.tensor([...EDGES.map(([, b]) => b), ...EDGES.map(([a]) => a)], { dtype: torch.int64 });
const edge_index = torch.stack([SRC, DST]);

class GATLayer extends nn.Module {
  W: nn.Linear;
  a_src: nn.Parameter;
  a_dst: nn.Parameter;
  constructor(in_dim: number, out_dim: number) {
    super();
    this.W = new nn.Linear(in_dim, out_dim, { bias: false });
    this.a_src = new nn.Parameter(torch.randn(out_dim).mul(0.5));
    this.a_dst = new nn.Parameter(torch.randn(out_dim).mul(0.5));
  }
  forward(x: Tensor, edge_index: Tensor): [Tensor, Tensor] {
    const [s, d] = edge_index.unbind(0);
    const h = this.W.forward(x);
    const e = F.leaky_relu(h.mul(this.a_src).sum(-1).index_select(0, s).add(h.mul(this.a_dst).sum(-1).index_select(0, d)), 0.2);
    const e_max = torch.zeros(x.size(0)).scatter_reduce(0, d, e, "amax", { include_self: false });
    const w = torch.exp(e.sub(e_max.index_select(0, d)));
    const denom = torch.zeros(x.size(0)).index_add_(0, d, w);
    const alpha = w.div(denom.index_select(0, d));
    return [torch.zeros(x.size(0), h.size(1)).index_add_(0, d, alpha.unsqueeze(-1).mul(h.index_select(0, s))), alpha];
  }
}

class SAGELayer extends nn.Module {
  lin_self: nn.Linear;
  lin_neigh: nn.Linear;
  constructor(in_dim: number, out_dim: number) {
    super();
    this.lin_self = new nn.Linear(in_dim, out_dim);
    this.lin_neigh = new nn.Linear(in_dim, out_dim, { bias: false });
  }
  forward(x: Tensor, edge_index: Tensor): Tensor {
    const [s, d] = edge_index.unbind(0);
    const agg = torch.zeros_like(x).index_add_(0, d, x.index_select(0, s));
    const deg = torch.bincount(d, { minlength: x.size(0) }).clamp({ min: 1 }).unsqueeze(-1);
    return this.lin_self.forward(x).add(this.lin_neigh.forward(agg.div(deg)));
  }
}

function global_mean_pool(x: Tensor, batch: Tensor): Tensor {
  const n = (batch.max().item() as number) + 1;
  const sums = torch.zeros(n, x.size(1)).index_add_(0, batch, x);
  return sums.div(torch.bincount(batch, { minlength: n }).unsqueeze(-1));
}

describe("GNNs from scratch", () => {
  it("pygcn's normalized sparse adjacency: indices, values, dense form and repr equal torch's", () => {
    const adj = normalized_adjacency();
    expectT(features(), ref.features as TJ, 1e-6);
    expect(adj._indices().tolist()).toEqual(ref.adj.indices);
    expectT(adj._values(), ref.adj.values as TJ, 1e-6);
    expectT(adj.to_dense(), ref.adj.dense as TJ, 1e-6);
    expect(String(adj)).toBe(ref.adj.repr);
  });

  it("pygcn's GCN on the sparse adjacency: seeded init, first gradient, five Adam(weight_decay) steps, eval output", () => {
    const adj = normalized_adjacency();
    const x = features();
    torch.manual_seed(42);
    const model = new GCN(NFEAT, 16, NCLASS, 0.5);
    expectT(model.gc1.weight, ref.init_w1 as TJ, 1e-6);
    const opt = new optim.Adam(model.parameters(), { lr: 0.01, weight_decay: 5e-4 });
    const losses: number[] = [];
    for (let epoch = 0; epoch < 5; epoch++) {
      model.train();
      opt.zero_grad();
      const output = model.forward(x, adj);
      const loss = F.nll_loss(output.index_select(0, idx_train), labels.index_select(0, idx_train));
      loss.backward();
      if (epoch === 0) expectT(model.gc1.weight.grad!, ref.grad_w1 as TJ, 1e-5);
      opt.step();
      losses.push(loss.item() as number);
    }
    expectNums(losses, ref.gcn_losses, 1e-5);
    model.eval();
    expectT(model.forward(x, adj), ref.gcn_eval as TJ, 1e-5);
  });

  it("edge_index message passing: GAT attention (scatter_reduce amax softmax), GraphSAGE mean, global mean pool, gradients", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      torch.manual_seed(7);
      const gat = new GATLayer(NFEAT, 4);
      const sage = new SAGELayer(4, 3);
      const m = ref.mp;
      expectT(gat.W.weight, m.W as TJ, 1e-6);
      expectT(gat.a_src, m.a_src as TJ, 1e-6);
      const x = features().requires_grad_();
      const [h, alpha] = gat.forward(x, edge_index);
      const h2 = sage.forward(F.elu(h), edge_index);
      const pooled = global_mean_pool(h2, torch.tensor([0, 0, 0, 0, 1, 1, 1, 1], { dtype: torch.int64 }));
      pooled.mul(torch.tensor([[1.0, -2.0, 0.5], [0.3, 1.0, -1.0]])).sum().backward();
      expectT(alpha, m.alpha as TJ, 1e-6);
      expectT(h, m.h as TJ, 1e-6);
      expectT(h2, m.h2 as TJ, 1e-6);
      expectT(pooled, m.pooled as TJ, 1e-6);
      expectT(x.grad!, m.x_grad as TJ, 1e-5);
      expectT(gat.W.weight.grad!, m.W_grad as TJ, 1e-5);
      expectT(gat.a_src.grad!, m.a_src_grad as TJ, 1e-5);
      expectT(gat.a_dst.grad!, m.a_dst_grad as TJ, 1e-5);
      expectT(sage.lin_self.weight.grad!, m.lin_self_grad as TJ, 1e-5);
      expectT(sage.lin_neigh.weight.grad!, m.lin_neigh_grad as TJ, 1e-5);
    } finally {
      warn.mockRestore();
    }
  });
});
