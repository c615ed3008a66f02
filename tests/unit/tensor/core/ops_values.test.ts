/**
 * The tensor ops of issue 12 against PyTorch 1.13: every case of
 * scripts/fixtures/ops_fixtures.py (tests/fixtures/torch/core/ops.json) mirrored by name. Each
 * case compares its outputs, and for differentiable cases the gradients of
 * sum(out[0] * W) (W = linspace(0.5, 1.5) shaped like out[0]) with respect to its float inputs.
 */
import { describe, expect, it } from "vitest";
import { torch, type Tensor } from "../../../../lib/tensor/index";
import { describeOpCases, type OpCases, loadStored, type StoredCase, type StoredTensor } from "../op_cases";
import { loadFixture } from "./fixtures";

const fx = loadFixture<{ inputs: Record<string, StoredTensor>; cases: Record<string, StoredCase>; sampling: Record<string, StoredTensor> }>("ops.json");
const L = (v: number[] | number[][]) => torch.tensor(v, { dtype: torch.long });
const S = torch.slice;

/** name -> [input names, fn]. Mirrors CASES in ops_fixtures.py. */
const cases: OpCases = {
  sort_dim1: [["X"], (x) => torch.sort(x, 1)],
  sort_desc_dim0: [["X"], (x) => torch.sort(x, 0, true)],
  sort_3d_middle: [["B"], (x) => x.sort({ dim: 1 })],
  sort_stable_ties: [["TIES"], (x) => torch.sort(x, { stable: true })],
  sort_stable_ties_desc: [["TIES"], (x) => torch.sort(x, { descending: true, stable: true })],
  sort_nan: [["NANS"], (x) => torch.sort(x)],
  sort_nan_desc: [["NANS"], (x) => torch.sort(x, { descending: true })],
  argsort: [["X"], (x) => torch.argsort(x, { dim: 0, descending: true })],
  topk: [["X"], (x) => torch.topk(x, 2)],
  topk_smallest_dim0: [["X"], (x) => x.topk(2, { dim: 0, largest: false })],
  topk_3d: [["B"], (x) => x.topk(3, 2)],
  cumsum_dim0: [["B"], (x) => torch.cumsum(x, 0)],
  cumsum_dim_last: [["B"], (x) => x.cumsum(-1)],
  cumsum_long: [["LABELS"], (x) => x.cumsum(0)],
  cumprod: [["X"], (x) => torch.cumprod(x, 1)],
  cumprod_dim0: [["B"], (x) => x.cumprod(0)],
  cumprod_zeros: [["ZEROS"], (x) => torch.cumprod(x, 1)],
  cumprod_zeros_dim0: [["ZEROS"], (x) => x.cumprod({ dim: 0 })],
  tril: [["X"], (x) => torch.tril(x)],
  tril_diag1: [["X"], (x) => x.tril(1)],
  triu_diag_neg1_batched: [["B"], (x) => torch.triu(x, -1)],
  triu: [["S"], (x) => x.triu()],
  tril_indices: [[], () => torch.tril_indices(4, 3, 1)],
  triu_indices: [[], () => torch.triu_indices(3, 4, { offset: -1 })],
  gather: [["X"], (x) => torch.gather(x, 1, L([[0, 0], [3, 1], [2, 2]]))],
  scatter_src: [["X", "V"], (x, v) => x.scatter(1, L([[0], [3], [1]]), v.index("0:3").reshape(3, 1))],
  scatter_value: [["X"], (x) => x.scatter(0, L([[2, 0, 1, 0]]), 7.5)],
  scatter_reduce_add: [["X", "S"], (x, s) => x.scatter(1, L([[0, 0, 1], [3, 3, 3], [2, 0, 2]]), s.index(":3", ":3"), { reduce: "add" })],
  scatter_reduce_multiply: [["X", "S"], (x, s) => torch.scatter(x, 1, L([[0, 0, 1], [3, 3, 3], [2, 0, 2]]), s.index(":3", ":3"), "multiply")],
  scatter_add: [["X", "S"], (x, s) => torch.scatter_add(x, 0, L([[0, 1, 2, 0], [0, 0, 1, 2]]), s.index(":2"))],
  scatter_inplace: [["X"], (x) => x.clone().scatter_(1, L([[1], [0], [3]]), -4)],
  scatter_add_inplace: [["X", "S"], (x, s) => x.clone().scatter_add_(1, L([[1, 1], [0, 3], [3, 3]]), s.index(":3", ":2"))],
  index_add: [["X", "S"], (x, s) => torch.index_add(x, 0, L([2, 0, 2]), s.index(":3"), { alpha: 0.5 })],
  index_add_dim1: [["X", "S"], (x, s) => x.index_add(1, L([1, 1, 3]), s.index(":3", ":3"))],
  index_add_inplace: [["X", "S"], (x, s) => x.clone().index_add_(0, L([1, 1]), s.index(":2"), 2)],
  index_select: [["B"], (x) => torch.index_select(x, 2, L([3, 0, 3]))],
  adv_pick_per_row: [["P"], (p) => p.index(0).index(torch.arange(3), L([4, 0, 2]))],
  adv_two_adjacent: [["B", "IDX_ROWS", "IDX_COLS"], (x, i, j) => x.index(":", i.index(":3"), j.index(":3"))],
  adv_two_separated: [["B", "IDX_ROWS", "IDX_COLS"], (x, i, j) => x.index(i.index(":3").remainder(2), ":", j.index(":3"))],
  adv_broadcast_2d: [["X"], (x) => x.index(L([[0], [2]]), L([1, 3, 3]))],
  adv_with_slice_and_int: [["B"], (x) => x.index(1, "1:", L([0, 3]))],
  adv_three_full: [["B"], (x) => x.index(L([0, 1, 1]), L([2, 0, 2]), L([3, 3, 0]))],
  adv_mask_middle: [["B"], (x) => x.index(":", x.index(0).gt(0))],
  adv_repeated_rows: [["X"], (x) => x.index(L([2, 2, 0]), L([1, 1, 1]))],
  index_put_two: [["X", "V"], (x, v) => torch.index_put(x, [L([0, 2, 1]), L([3, 0, 0])], v.index(":3"))],
  index_put_accumulate_dups: [["X", "V"], (x, v) => x.index_put([L([0, 0, 2, 0]), L([1, 1, 3, 1])], v.index(":4"), { accumulate: true })],
  index_put_broadcast_value: [["X", "V"], (x, v) => x.index_put([L([2, 0])], v.index(":4"))],
  index_put_slice_and_index: [["B", "V"], (x, v) => x.index_put([S(), L([0, 2])], v.index(":4"))],
  index_put_inplace_scalar: [["X"], (x) => x.clone().index_put_([L([1, 1, 2]), L([0, 2, 3])], torch.tensor(9))],
  index_put_mask: [["X"], (x) => x.clone().index_put_([x.lt(0)], torch.tensor(0))],
  view_mul_: [["X"], (x) => {
    const y = x.mul(2);
    y.index(0).mul_(3);
    return y;
  }],
  view_zero_narrow: [["B"], (x) => {
    const h = x.clone();
    h.narrow(2, 0, 2).zero_();
    return h;
  }],
  view_add_other: [["X", "V"], (x, v) => {
    const y = x.sin();
    y.index(":", 1).add_(v.index(":3").mul(2));
    return y;
  }],
  view_index_put_: [["X", "V"], (x, v) => {
    const y = x.mul(1.5);
    y.index("1:").index_put_([L([0, 1]), L([2, 2])], v.index(":2"));
    return y;
  }],
  einsum_matmul: [["X", "S"], (x, s) => torch.einsum("ij,jk->ik", x, s)],
  einsum_bmm: [["B", "S"], (b, s) => torch.einsum("bij,jk->bik", b, s)],
  einsum_batch_both: [["B"], (b) => torch.einsum("bij,bkj->bik", b, b.mul(2))],
  einsum_diag: [["S"], (s) => torch.einsum("ii->i", s)],
  einsum_trace: [["S"], (s) => torch.einsum("ii", s)],
  einsum_sum_all: [["X"], (x) => torch.einsum("ij->", x)],
  einsum_outer: [["V", "X"], (v, x) => torch.einsum("i,j->ij", v, x.index(0))],
  einsum_implicit_transpose: [["X"], (x) => torch.einsum("ba", x)],
  einsum_implicit_matmul: [["X", "S"], (x, s) => torch.einsum("ij,jk", x, s)],
  einsum_ellipsis: [["B", "S"], (b, s) => torch.einsum("...ij,...jk->...ik", b, s)],
  einsum_ellipsis_implicit: [["B"], (b) => torch.einsum("...j,...j", b, b)],
  einsum_bilinear: [["X", "B", "S"], (x, b, s) =>
    torch.einsum("bn,anm,bm->ba", x.index(":2", ":3"), b.index(":", ":", ":3").transpose(1, 2).reshape(2, 3, 3), s.index(":2", ":3"))],
  einsum_three_chain: [["X", "S", "V"], (x, s, v) => torch.einsum("ij,jk,k->i", x, s, v.index(":4"))],
  einsum_diag_in_product: [["S", "X"], (s, x) => torch.einsum("ii,ji->j", s, x)],
  einsum_list_form: [["X", "S"], (x, s) => torch.einsum("ij,jk->ki", [x, s])],
  repeat: [["X"], (x) => x.repeat(2, 1, 3)],
  expand: [["V"], (v) => v.reshape(5, 1).expand(5, 3)],
  expand_as: [["V", "X"], (v, x) => v.index(":4").expand_as(x)],
  tile_short: [["X"], (x) => torch.tile(x, [2])],
  tile_long: [["V"], (v) => v.tile([2, 2])],
  chunk: [["B"], (b) => torch.chunk(b, 3, 2)],
  split_int: [["V"], (v) => torch.split(v, 2)],
  split_sizes: [["B"], (b) => b.split([1, 3], { dim: 2 })],
  roll_flat: [["X"], (x) => torch.roll(x, 3)],
  roll_dims: [["X"], (x) => x.roll([1, -1], [0, 1])],
  flip: [["B"], (b) => torch.flip(b, [0, 2])],
  fliplr: [["X"], (x) => torch.fliplr(x)],
  outer: [["V", "X"], (v, x) => torch.outer(v, x.index(1))],
  norm_default: [["X"], (x) => torch.norm(x)],
  norm_p1_dim_keepdim: [["X"], (x) => torch.norm(x, { p: 1, dim: 1, keepdim: true })],
  norm_inf: [["X"], (x) => x.norm(Infinity)],
  norm_p3_dim0: [["X"], (x) => x.norm(3, 0)],
  norm_fro_dims: [["B"], (b) => torch.norm(b, "fro", [1, 2])],
  linalg_norm_vector_default: [["B"], (b) => torch.linalg.norm(b)],
  linalg_norm_vector_ord: [["V"], (v) => torch.linalg.norm(v, 3)],
  linalg_norm_matrix_inf: [["X"], (x) => torch.linalg.norm(x, Infinity)],
  linalg_norm_matrix_fro_dim: [["B"], (b) => torch.linalg.norm(b, { dim: [0, 2] })],
  vector_norm_half: [["X"], (x) => torch.linalg.vector_norm(x, 0.5, 1)],
  vector_norm_zero_ord: [["ZEROS"], (x) => torch.linalg.vector_norm(x, 0, 1)],
  vector_norm_neg_inf_keepdim: [["X"], (x) => torch.linalg.vector_norm(x, -Infinity, { dim: 0, keepdim: true })],
  vector_norm_of_zero_row: [["ZEROS"], (x) => torch.linalg.vector_norm(x.mul(torch.tensor([[0], [1], [1]])), { dim: 1 })],
  matrix_norm_1: [["X"], (x) => torch.linalg.matrix_norm(x, 1)],
  matrix_norm_neg1: [["X"], (x) => torch.linalg.matrix_norm(x, -1)],
  matrix_norm_neg_inf_batched: [["B"], (b) => torch.linalg.matrix_norm(b, -Infinity)],
  matrix_norm_nuc: [["X"], (x) => torch.linalg.matrix_norm(x, "nuc")],
  matrix_norm_nuc_batched_keepdim: [["B"], (b) => torch.linalg.matrix_norm(b, "nuc", [2, 0], true)],
  norm_nuc: [["S"], (s) => torch.norm(s, { p: "nuc" })],
  matrix_norm_2: [["B"], (b) => torch.linalg.matrix_norm(b, 2)],
  matrix_norm_neg2_wide: [["X"], (x) => torch.linalg.matrix_norm(x.t(), -2)],
  bincount: [["LABELS"], (y) => torch.bincount(y)],
  bincount_weights_minlength: [["LABELS", "W8"], (y, w) => torch.bincount(y, w, { minlength: 6 })],
  unique: [["LABELS"], (y) => torch.unique(y)],
  unique_inverse_counts: [["LABELS"], (y) => torch.unique(y, { return_inverse: true, return_counts: true })],
  unique_2d_flat: [["TIES"], (t) => torch.unique(t, { return_counts: true })],
  unique_dim0: [[], () => torch.unique(L([[1, 2], [0, 5], [1, 2], [0, 1]]), { dim: 0, return_inverse: true })],
  unique_dim1: [["TIES"], (t) => torch.unique(t.index(":", [0, 1, 2, 0, 4, 1]), { dim: 1, return_counts: true })],
  isclose: [[], () => torch.isclose(torch.tensor([1, 1.001, Infinity, NaN, 1e-9, 5, -Infinity]), torch.tensor([1, 1, Infinity, NaN, 0, Infinity, Infinity]))],
  isclose_tolerances: [[], () => torch.isclose(torch.tensor([1, 1.001, NaN, 100]), torch.tensor([1.1, 1, NaN, 101]), 0.01, 0.05, true)],
  nan_to_num: [["NANS"], (x) => torch.nan_to_num(x)],
  nan_to_num_custom: [["NANS"], (x) => x.nan_to_num({ nan: 0.5, posinf: 7, neginf: -9 })],
  nonzero: [["X"], (x) => torch.nonzero(x.gt(0))],
  nonzero_as_tuple: [["B"], (b) => torch.nonzero(b.gt(0.5), { as_tuple: true })],
  where_condition_only: [["X"], (x) => torch.where(x.lt(0))],
  argwhere: [["ZEROS"], (z) => torch.argwhere(z)],
  masked_fill: [["X"], (x) => x.masked_fill(x.gt(0.5), -1)],
  where: [["X", "S"], (x, s) => torch.where(x.gt(0), x, s.index(":3"))],
};

describeOpCases("tensor ops match PyTorch 1.13 (tests/fixtures/torch/core/ops.json)", fx, cases, { out: [1e-5, 1e-5], grad: [1e-4, 1e-5] });

describe("seeded sampling reproduces PyTorch's draws", () => {
  const probs = () => torch.tensor([[0.1, 0.2, 0.3, 0.4, 0], [2, 0.5, 0.5, 1, 6]]);
  const draws: Record<string, () => Tensor> = {
    multinomial_replacement: () => (torch.manual_seed(0), torch.multinomial(probs(), 12, true)),
    multinomial_no_replacement: () => (torch.manual_seed(1), torch.multinomial(probs(), 4)),
    multinomial_one: () => (torch.manual_seed(2), torch.multinomial(probs().index(1), 1)),
    multinomial_f64_replacement: () => (torch.manual_seed(3), probs().double().multinomial(9, { replacement: true })),
    bernoulli_f32: () => (torch.manual_seed(4), torch.bernoulli(torch.linspace(0, 1, 40))),
    bernoulli_f64: () => (torch.manual_seed(5), torch.bernoulli(torch.linspace(0, 1, 40, { dtype: torch.float64 }))),
    bernoulli_scalar_p: () => (torch.manual_seed(6), torch.bernoulli(torch.zeros(40), 0.3)),
    bernoulli_inplace: () => (torch.manual_seed(7), torch.zeros(40).bernoulli_(0.7)),
    after_rand: () => {
      torch.manual_seed(8);
      return torch.cat([torch.rand(3), torch.multinomial(probs(), 3, true).flatten().float(), torch.rand(3)]);
    },
  };
  it("covers every stored stream", () => expect(Object.keys(draws).sort()).toEqual(Object.keys(fx.sampling).sort()));
  for (const [name, draw] of Object.entries(draws)) {
    it(name, () => {
      const t = draw();
      expect(t.shape).toEqual(fx.sampling[name].shape);
      expect(t.tolist()).toEqual(loadStored(fx.sampling[name]).tolist());
    });
  }
});

describe("topk's selection (partial sort for small k, selection otherwise)", () => {
  // Which of equal values it picks is torch's (std_order.test.ts); here: the right values, each at its index.
  it("gives the first k values of a sort, each at distinct indices holding that value, ties included", () => {
    torch.manual_seed(5);
    for (let trial = 0; trial < 60; trial++) {
      const x = torch.randint(0, 6, [3, 20 + trial]).float();
      const k = 1 + (trial % 3) + (trial % 2) * 15;
      for (const largest of [true, false]) {
        const t = x.topk(k, 1, largest);
        const s = x.sort(1, largest);
        expect(t.values.tolist()).toEqual(s.values.index(":", `0:${k}`).tolist());
        expect(x.gather(1, t.indices).tolist()).toEqual(t.values.tolist());
        for (const row of t.indices.tolist() as number[][]) expect(new Set(row).size).toBe(k);
      }
    }
  });
});
