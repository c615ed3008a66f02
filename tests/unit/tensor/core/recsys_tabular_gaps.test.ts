/**
 * Gaps the recommender / tabular probe (tutorials/recsys_tabular.test.ts: DLRM's sparse EmbeddingBags) found,
 * checked against torch 1.13 (the "gaps" section of tests/fixtures/torch/tutorials/recsys_tabular.json, from
 * scripts/fixtures/recsys_tabular_fixtures.py):
 *   - nn.Embedding(sparse=True) was refused at its first forward and nn.EmbeddingBag(sparse=True) gave a plain
 *     dense gradient, so Adam took DLRM's embedding gradients and SparseAdam refused them. The gradient is now a
 *     dense tensor marked sparse (autograd/sparse_grad.ts): is_sparse, to_dense(), accumulation (sparse + dense is
 *     dense), zero_grad, the optimizers' refusals, Adagrad / SGD on it, and SparseAdam's lazy rows.
 *   - EmbeddingBag's index-dtype message named the dtype (torch.float32), not torch's tensor type
 *     (torch.FloatTensor); mode="max" with sparse=True was accepted (torch: ValueError); forward took
 *     per_sample_weights only by position.
 *   - F.embedding_bag: an out-of-range index had a made-up message (torch's CPU kernels have two: the float32
 *     sum / mean lookup's enforce text with the flat position, and the general one); offsets past the input's end
 *     gave an IndexError from index_select (torch: "offsets[-1] can not be greater than input's length ..."), and
 *     offsets that go back were taken (torch's float32 sum / mean lookup runs past the input's end and says so);
 *     the output's grad_fn was IndexAddBackward0 / DivBackward0 / StackBackward0 (torch: EmbeddingBagBackward0).
 */
import { describe, expect, it } from "vitest";
import { nn, optim, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectT, raised, tutorialFixture, type TJ } from "../tutorials/helpers";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const g = tutorialFixture<Record<string, any>>("recsys_tabular.json").gaps;
const long = (v: number[] | number[][]): Tensor => torch.tensor(v, { dtype: torch.long });

describe("sparse embedding gradients", () => {
  it("nn.Embedding(sparse=True): forward runs, the gradient is sparse (padding row left out), accumulates, zero_grad", () => {
    torch.manual_seed(7);
    const emb = new nn.Embedding(6, 3, { sparse: true, padding_idx: 1 });
    const wts = torch.arange(18.0).view(2, 3, 3).div(10);
    emb(long([[0, 1, 4], [4, 4, 2]])).mul(wts).sum().backward();
    expectT(emb.weight.grad!.to_dense(), g.emb_grad, 1e-6);
    expect([emb.weight.grad!.is_sparse, emb.weight.grad!.to_dense().is_sparse, emb.weight.is_sparse]).toEqual(g.emb_is_sparse);
    emb(long([5, 0])).sum().backward();
    expectT(emb.weight.grad!.to_dense(), g.acc_grad, 1e-6);
    expect(emb.weight.grad!.is_sparse).toBe(g.acc_is_sparse);
    emb.weight.grad = null;
    emb(long([3])).sum().add(emb.weight.mul(2).sum()).backward();
    expectT(emb.weight.grad!, g.mixed_grad, 1e-6);
    expect(emb.weight.grad!.is_sparse).toBe(g.mixed_is_sparse);
    emb.zero_grad();
    emb(long([3])).sum().backward();
    expect(emb.weight.grad!.is_sparse).toBe(g.dense_zeroed_then_sparse[0]);
    expectT(emb.weight.grad!.to_dense(), g.dense_zeroed_then_sparse[1], 0);
    emb.weight.grad = null;
    emb(long([3])).sum().backward();
    emb.zero_grad();
    expect(emb.weight.grad!.is_sparse).toBe(g.zeroed_is_sparse);
    emb(long([2, 2])).sum().backward();
    expect(emb.weight.grad!.is_sparse).toBe(g.after_zero[0]);
    expectT(emb.weight.grad!.to_dense(), g.after_zero[1], 0);
  });

  function sparse_opt(make: (ps: Tensor[]) => optim.Optimizer): [nn.Embedding, optim.Optimizer] {
    torch.manual_seed(8);
    const e = new nn.Embedding(5, 2, { sparse: true });
    const o = make([e.weight]);
    [[0, 4], [4, 2], [3, 3]].forEach(([a, b], k) => {
      o.zero_grad();
      e(long([a, b])).mul(torch.tensor([[1.0, -2.0], [0.5, 3.0]])).mul(k + 1).sum().backward();
      o.step();
    });
    return [e, o];
  }

  it("the dense-only optimizers refuse it with torch's words; weight decay in SGD / Adagrad too", () => {
    for (const name of ["Adam", "AdamW", "Adadelta", "Adamax", "ASGD", "NAdam", "RAdam", "RMSprop", "Rprop"] as const) {
      const Opt = optim[name] as unknown as new (ps: Tensor[]) => optim.Optimizer;
      expect(raised(() => sparse_opt((ps) => new Opt(ps))), name).toEqual(g[`refuse_${name}`]);
    }
    expect(raised(() => sparse_opt((ps) => new optim.Adagrad(ps, { lr: 0.1, weight_decay: 0.1 })))).toEqual(g.adagrad_wd);
    expect(raised(() => sparse_opt((ps) => new optim.SGD(ps, { lr: 0.1, weight_decay: 0.1 })))).toEqual(g.sgd_wd);
  });

  it("Adagrad and SGD with momentum give torch's values; SparseAdam moves only the gradient's rows", () => {
    expectT(sparse_opt((ps) => new optim.Adagrad(ps, { lr: 0.1, lr_decay: 0.01 }))[0].weight, g.adagrad_w, 1e-6);
    expectT(sparse_opt((ps) => new optim.SGD(ps, { lr: 0.1, momentum: 0.5 }))[0].weight, g.sgd_w, 1e-6);
    const [e, o] = sparse_opt((ps) => new optim.SparseAdam(ps, { lr: 0.1, betas: [0.8, 0.9] }));
    expectT(e.weight, g.sparse_adam_w, 1e-6);
    const st = o.state.get(e.weight)!;
    expect(st.step).toBe(g.sparse_adam_state[0]);
    expectT(st.exp_avg as Tensor, g.sparse_adam_state[1] as TJ, 1e-6);
    expectT(st.exp_avg_sq as Tensor, g.sparse_adam_state[2] as TJ, 1e-6);
    expectT(sparse_opt((ps) => new optim.SparseAdam(ps, { lr: 0.1, maximize: true }))[0].weight, g.sparse_adam_max_w, 1e-6);
  });
});

describe("nn.EmbeddingBag", () => {
  it("sparse=True gives sparse gradients in sum and mean modes, refuses max mode", () => {
    expect(raised(() => new nn.EmbeddingBag(6, 2, { mode: "max", sparse: true })(long([1, 3]), long([0])))).toEqual(g.bag_max_sparse);
    for (const mode of ["sum", "mean"] as const) {
      torch.manual_seed(9);
      const bag = new nn.EmbeddingBag(6, 2, { mode, sparse: true });
      bag(long([1, 3, 3, 5, 0]), long([0, 3])).mul(torch.tensor([[1.0, 2.0], [-1.0, 0.5]])).sum().backward();
      expect(bag.weight.grad!.is_sparse).toBe(g[`bag_${mode}`][0]);
      expectT(bag.weight.grad!.to_dense(), g[`bag_${mode}`][1], 1e-6);
    }
  });

  it("the index-dtype message names torch's tensor type", () => {
    expect(raised(() => new nn.EmbeddingBag(5, 2)(torch.tensor([1.0, 2.0]), long([0])))).toEqual(g.bag_float_idx);
    expect(raised(() => nn.functional.embedding_bag(torch.tensor([[1.0, 2.0]], { dtype: torch.float64 }), torch.zeros(5, 2)))).toEqual(g.bag_double_idx);
  });
});

describe("nn.EmbeddingBag.forward's keywords", () => {
  it("per_sample_weights (and offsets) by keyword, as bag(x, offsets, per_sample_weights=w)", () => {
    const bag = nn.EmbeddingBag.from_pretrained(torch.arange(10).float().view(5, 2), { mode: "sum" });
    const want = [[4.0, 5.5], [-6.0, -6.75]]; // torch 1.13
    expect(bag(long([0, 2, 2, 4]), long([0, 3]), { per_sample_weights: torch.tensor([0.5, 2.0, -1.0, -0.75]) }).tolist()).toEqual(want);
    expect(bag(long([0, 2, 2, 4]), { offsets: long([0, 3]), per_sample_weights: torch.tensor([0.5, 2.0, -1.0, -0.75]) }).tolist()).toEqual(want);
    expect(bag(long([0, 2, 2, 4]), long([0, 3]), torch.tensor([0.5, 2.0, -1.0, -0.75])).tolist()).toEqual(want);
  });
});

describe("F.embedding_bag's out-of-range errors and grad_fn", () => {
  it("an index out of range and offsets past the input, in torch 1.13's CPU words", () => {
    torch.manual_seed(10);
    const wb = torch.randn(5, 2);
    const EB = nn.functional.embedding_bag;
    const got = [
      ...(["sum", "mean", "max"] as const).map((mode) => raised(() => EB(long([1, 2, 3, 0, 9]), wb, long([0, 3]), { mode }))),
      raised(() => EB(long([[1, 2], [3, 9]]), wb, { mode: "sum" })),
      raised(() => EB(long([1, 2, -1]), wb.double(), long([0, 1]), { mode: "sum" })),
      raised(() => EB(long([1, 2, 9]), wb, long([0, 1]), { mode: "sum", padding_idx: 0 })),
      raised(() => EB(torch.tensor([1, 2, 9], { dtype: torch.int32 }), wb, torch.tensor([0, 1], { dtype: torch.int32 }), { mode: "mean" })),
      raised(() => EB(long([1, 2, 3]), wb, long([0, 5]), { mode: "sum" })),
      raised(() => EB(long([1, 2, 3]), wb, long([0, 2, 5]), { mode: "mean", include_last_offset: true })),
    ];
    expect(got).toEqual(g.bag_bounds);
    // offsets that go back (bag lengths given as offsets) run the float32 lookup past the input's end
    expect([
      raised(() => EB(long([1, 2, 3]), wb, long([0, 2, 1]), { mode: "sum" })),
      raised(() => EB(long([1, 2, 3, 4]), wb, long([0, 3, 1, 2]), { mode: "mean" })),
      raised(() => EB(torch.tensor([1, 2, 3, 4], { dtype: torch.int32 }), wb, torch.tensor([0, 3, 1], { dtype: torch.int32 }), { mode: "sum" })),
    ]).toEqual(g.bag_offsets_back);
  });

  it("the output prints grad_fn=<EmbeddingBagBackward0> in every mode", () => {
    (["sum", "mean", "max"] as const).forEach((mode, k) => {
      torch.manual_seed(11);
      const bag = new nn.EmbeddingBag(4, 2, { mode });
      expect(String(bag(long([1, 2, 3]), long([0, 2])))).toBe(g.bag_reprs[k]);
    });
  });
});
