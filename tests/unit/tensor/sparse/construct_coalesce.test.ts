/**
 * Sparse COO construction and coalesce against torch 1.13 (tests/fixtures/torch/sparse/sparse_coo.json): metadata,
 * torch.sparse_coo_tensor with and without a size, the legacy torch.sparse.FloatTensor, to_sparse, coalesce's sums
 * and row-major order (2-d, 3-d with many duplicates, hybrid), is_coalesced after each op, to_dense, and the
 * constructor's errors in torch's words.
 */
import { describe, expect, it } from "vitest";
import { torch } from "../../../../lib/tensor/index";
import { expectT, raised } from "../tutorials/helpers";
import { expectSP, ref } from "./fixture";

const S = () => torch.sparse_coo_tensor(ref.I, ref.V, [2, 3]);
const T = () => torch.sparse_coo_tensor(ref.TI, ref.TV, [2, 3]);
const D3 = () => torch.sparse_coo_tensor(ref.DI, ref.DV, [2, 3, 2]);
const H = () => torch.sparse_coo_tensor(ref.HI, torch.arange(6).float().reshape(3, 2), [2, 3, 2]);

describe("sparse COO construction and coalesce", () => {
  it("metadata: shape, dim, numel, dtype, layout, sparse / dense dims, nnz, type()", () => {
    const s = S();
    const m = ref.meta;
    expect([...s.shape]).toEqual(m.shape);
    expect([...(s.size() as number[])]).toEqual(m.shape);
    expect(s.size(-1)).toBe(m.shape[1]);
    expect([s.dim(), s.ndim, s.numel(), String(s.dtype), String(s.layout), s.is_sparse]).toEqual([m.dim, m.dim, m.numel, m.dtype, m.layout, m.is_sparse]);
    expect([s.sparse_dim(), s.dense_dim(), s._nnz(), s.type()]).toEqual([m.sparse_dim, m.dense_dim, m.nnz, m.type]);
    expect([H().sparse_dim(), H().dense_dim()]).toEqual([m.H_sparse_dim, m.H_dense_dim]);
    expect(s.layout).toBe(torch.sparse_coo);
  });

  it("coalesce sums duplicates in row-major order (2-d, 3-d, hybrid); to_dense sums them too", () => {
    expectSP(S().coalesce(), ref.coalesced.S);
    expectSP(D3().coalesce(), ref.coalesced.D3);
    expectSP(H().coalesce(), ref.coalesced.H);
    expectT(S().to_dense(), ref.dense.S, 0);
    expectT(D3().to_dense(), ref.dense.D3, 0);
    expectT(H().to_dense(), ref.dense.H, 0);
    const c = S().coalesce();
    expect(c.coalesce()).toBe(c); // a coalesced tensor is its own coalesce, as torch
    expect(c.indices().tolist()).toEqual(ref.coalesced.S.indices);
    expectT(c.values(), ref.coalesced.S.values, 0);
  });

  it("size inferred from the indices; the legacy constructors; to_sparse (and its sparse_dim)", () => {
    expectSP(torch.sparse_coo_tensor(ref.I, ref.V), ref.inferred);
    const o = ref.ops;
    expectSP(torch.sparse.FloatTensor(torch.tensor(ref.I, { dtype: torch.int64 }), torch.tensor(ref.V), torch.Size([2, 3])), o.legacy);
    expect(String(torch.sparse.FloatTensor(torch.tensor(ref.I, { dtype: torch.int64 }), torch.tensor(ref.V).double(), [2, 3]).dtype)).toBe(o.legacy_double);
    expectSP(torch.sparse.FloatTensor(2, 3), o.legacy_empty);
    expectSP(torch.tensor([[0, 1, 0], [2, 0, 3]]).to_sparse(), o.to_sparse);
    expectSP(torch.tensor([[0, 1, 0], [0, 0, 0], [2, 0, 3]]).to_sparse(1), o.to_sparse1);
    expect(torch.eye(3).to_sparse_coo()._nnz()).toBe(3);
  });

  it("is_coalesced after construction, coalesce, t, mul, add and to_sparse", () => {
    const f = ref.is_coalesced;
    const empty = torch.sparse_coo_tensor(torch.zeros([2, 0], { dtype: torch.int64 }), torch.zeros(0), [2, 2]);
    expect({
      fresh: S().is_coalesced(), nnz1: torch.sparse_coo_tensor([[0], [1]], [2], [2, 2]).is_coalesced(), nnz0: empty.is_coalesced(),
      coalesce: S().coalesce().is_coalesced(), t_of_coalesced: S().coalesce().t().is_coalesced(), mul_of_coalesced: S().coalesce().mul(2).is_coalesced(),
      mul: S().mul(2).is_coalesced(), add_coalesced: S().coalesce().add(T().coalesce()).is_coalesced(), add: S().add(T()).is_coalesced(),
      to_sparse: torch.eye(3).to_sparse().is_coalesced(),
    }).toEqual(f);
  });

  it("the constructor's errors, in torch's words", () => {
    const e = ref.errors;
    expect(raised(() => S().indices())).toEqual(e.indices);
    expect(raised(() => S().values())).toEqual(e.values);
    expect(raised(() => torch.sparse_coo_tensor(ref.I, ref.V.slice(0, 3), [2, 3]))).toEqual(e.nnz);
    expect(raised(() => torch.sparse_coo_tensor([[0, -1], [0, 0]], [1, 2], [2, 2]))).toEqual(e.negative);
    expect(raised(() => torch.sparse_coo_tensor(ref.I, ref.V, [2, 2]))).toEqual(e.size);
    expect(raised(() => torch.sparse_coo_tensor(ref.I, ref.V, [2]))).toEqual(e.ndims);
    expect(raised(() => torch.sparse_coo_tensor(ref.I[0], ref.V, [2, 3]))).toEqual(e.indices_1d);
    expect(raised(() => torch.sparse_coo_tensor([[0, 1], [1, 0]], torch.ones(2, 3), [2, 2, 2]))).toEqual(e.values_size);
    expect(raised(() => torch.sparse_coo_tensor(ref.I, torch.tensor([1, 2, 3, 4], { dtype: torch.int64 }), [2, 3], { requires_grad: true }))).toEqual(e.int_grad);
  });
});
