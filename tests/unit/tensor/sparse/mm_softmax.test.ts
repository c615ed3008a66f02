/**
 * Sparse COO matrix products and softmax against torch 1.13 (tests/fixtures/torch/sparse/sparse_ops2.json):
 * sparse @ sparse (torch.sparse.mm: coalesced, SparseSparseMatmulBackward0, gradients to both operands; torch.mm /
 * matmul of constant operands), dense @ sparse refused with torch's error, torch.sparse.addmm (all three gradients,
 * float64 gradcheck) and torch.addmm with a sparse mat1, hspmm / smm, torch.sparse.softmax / log_softmax over sparse
 * and dense dims (values, gradients, gradcheck, errors).
 */
import { describe, expect, it } from "vitest";
import { torch, type Tensor } from "../../../../lib/tensor/index";
import { expectT, raised, type TJ } from "../tutorials/helpers";
import { expectRaised, expectSP, ref2 as r } from "./fixture";

const S = () => torch.sparse_coo_tensor(r.I, r.V, [2, 3]);
const U = () => torch.sparse_coo_tensor(r.UI, r.UV, [2, 3]);
const B = () => torch.sparse_coo_tensor(r.BI, r.BV, [3, 2]);
const H = () => torch.sparse_coo_tensor(r.HI, torch.arange(6).float().reshape(3, 2), [2, 3, 2]);
const f64 = (t: TJ) => torch.tensor(t.data, { dtype: torch.float64 }).reshape(t.shape);

describe("sparse matrix products", () => {
  it("sparse @ sparse: coalesced, its grad_fn and repr, gradients to both sparse leaves; torch.mm / matmul", () => {
    const m = r.mm;
    const A = torch.sparse_coo_tensor(r.I, r.V, [2, 3], { requires_grad: true });
    const Bl = torch.sparse_coo_tensor(r.BI, r.BV, [3, 2], { requires_grad: true });
    const ss = torch.sparse.mm(A, Bl);
    expectSP(ss, m.ss);
    expect(ss.grad_fn!.name()).toBe(m.ss_grad_fn);
    expect(String(ss)).toBe(m.ss_repr);
    (torch.sparse.sum(ss.mul(torch.sparse_coo_tensor([[0, 0, 1], [0, 1, 1]], [1, 2, 3], [2, 2]))) as Tensor).backward();
    expectT(A.grad!.to_dense(), m.ss_A_grad, 1e-6);
    expectT(Bl.grad!.to_dense(), m.ss_B_grad, 1e-6);
    expectSP(torch.mm(S(), B()), m.mm_ss);
    expectSP(torch.matmul(S(), B()), m.matmul_ss);
    expectSP(S().mm(B()), m.mm_ss);
  });

  it("hspmm / smm: the rows of the sparse operand that have entries; no backward, as torch 1.13", () => {
    expectSP(torch.hspmm(S(), torch.arange(6).float().reshape(3, 2)), r.mm.hspmm);
    expectSP(torch.smm(torch.sparse_coo_tensor([[0], [1]], [2], [3, 3]), torch.arange(6).float().reshape(3, 2)), r.mm.smm);
    const leaf = torch.sparse_coo_tensor(r.I, r.V, [2, 3], { requires_grad: true });
    expectRaised(raised(() => (torch.sparse.sum(torch.hspmm(leaf, torch.ones(3, 2))) as Tensor).backward()), r.errors.hspmm_backward);
    expectRaised(raised(() => (torch.sparse.sum(torch.smm(leaf, torch.ones(3, 2))) as Tensor).backward()), r.errors.smm_backward);
  });

  it("torch.sparse.addmm: beta * M + alpha * S @ D, SparseAddmmBackward0, gradients to M, the sparse leaf and D; gradcheck", () => {
    const a = r.mm.addmm;
    const leaf = torch.sparse_coo_tensor(r.I, torch.tensor(r.V, { dtype: torch.float64 }), [2, 3], { requires_grad: true });
    const M = f64(a.M).requires_grad_();
    const Dm = f64(a.Dm).requires_grad_();
    const out = torch.sparse.addmm(M, leaf, Dm, { beta: 0.5, alpha: 2 });
    expectT(out, a.out, 1e-12);
    expect(out.grad_fn!.name()).toBe(a.grad_fn);
    out.mul(f64(a.W)).sum().backward();
    expectT(leaf.grad!.to_dense(), a.leaf_grad, 1e-12);
    expectT(M.grad!, a.M_grad, 1e-12);
    expectT(Dm.grad!, a.D_grad, 1e-12);
    const M2 = f64(a.M).requires_grad_();
    const out2 = torch.addmm(M2, S().double(), f64(a.Dm), { beta: 0.5, alpha: 2 });
    expectT(out2, a.torch_addmm, 1e-12);
    expect(out2.grad_fn!.name()).toBe(a.torch_addmm_grad_fn);
    out2.mul(f64(a.W)).sum().backward();
    expectT(M2.grad!, a.torch_addmm_M_grad, 1e-12);
    expectT(torch.sparse.addmm(torch.tensor([1, 2], { dtype: torch.float64 }), S().double(), f64(a.Dm)), a.bcast, 1e-12);
    expectT(torch.sparse.addmm(f64(a.M), torch.ones(2, 3, { dtype: torch.float64 }), f64(a.Dm)), a.dense, 1e-12);
    expect(a.gradcheck).toBe(true);
    const fn = (v: Tensor, m: Tensor, d: Tensor) => torch.sparse.addmm(m, torch.sparse_coo_tensor(r.I, v, [2, 3]), d, { beta: 0.5, alpha: 2 });
    expect(torch.autograd.gradcheck(fn, [torch.tensor(r.V, { dtype: torch.float64, requires_grad: true }), f64(a.M).requires_grad_(), f64(a.Dm).requires_grad_()])).toBe(true);
  });

  it("torch's errors: dense @ sparse, mm of sparse operands that require grad, shapes, addmm of a sparse mat1 that requires grad", () => {
    const e = r.errors;
    const leafA = torch.sparse_coo_tensor(r.I, r.V, [2, 3], { requires_grad: true });
    const leafB = torch.sparse_coo_tensor(r.BI, r.BV, [3, 2], { requires_grad: true });
    expectRaised(raised(() => torch.mm(torch.ones(3, 2), S() as never)), e.mm_dense_sparse);
    expectRaised(raised(() => torch.matmul(torch.ones(3, 2), S() as never)), e.matmul_dense_sparse);
    expectRaised(raised(() => torch.ones(3, 2).mm(S() as never)), e.dense_mm_method);
    expectRaised(raised(() => torch.sparse.mm(torch.ones(3, 2), S() as never)), e.sparse_mm_dense_sparse);
    expectRaised(raised(() => torch.mm(S(), leafB)), e.mm_ss_grad2);
    expectRaised(raised(() => torch.mm(leafA, B())), e.mm_ss_grad1);
    expectRaised(raised(() => torch.sparse.mm(S(), S())), e.mm_ss_shape);
    expectRaised(raised(() => torch.addmm(torch.ones(2, 2), leafA, torch.ones(3, 2))), e.addmm_grad);
    expectRaised(raised(() => torch.sparse.addmm(torch.ones(2, 2), S(), torch.ones(2, 2))), e.addmm_shape);
  });
});

describe("torch.sparse.softmax / log_softmax", () => {
  it("over the specified entries of a sparse dim, over a dense dim of a hybrid tensor, uncoalesced inputs, dtype=", () => {
    const sm = r.softmax;
    for (const [key, x, dim] of [["S1", S(), 1], ["S0", S(), 0], ["H2", H(), 2], ["H0", H(), 0], ["H1", H(), 1], ["U1", U(), 1]] as const) {
      expectSP(torch.sparse.softmax(x, dim), sm[key]);
      expectSP(torch.sparse.log_softmax(x, dim), sm[`${key}_log`]);
    }
    const d = torch.sparse.softmax(S(), 1, torch.float64);
    expectSP(d, sm.dtype, 1e-12);
    expect(String(d.dtype)).toBe(sm.dtype_name);
    expectSP(torch.sparse.softmax(S(), { dim: 1, dtype: torch.float64 }), sm.dtype, 1e-12);
  });

  it("gradients to the values (SparseSoftmaxBackward0 / SparseLogSoftmaxBackward0), repr, float64 gradcheck", () => {
    const sm = r.softmax;
    const w = torch.sparse_coo_tensor([[0, 0, 1], [0, 1, 2]], [1, 2, 3], [2, 3]);
    for (const [key, fn] of [["grad", torch.sparse.softmax], ["log_grad", torch.sparse.log_softmax]] as const) {
      const vv = torch.tensor(r.V, { requires_grad: true });
      const o = fn(torch.sparse_coo_tensor(r.I, vv, [2, 3]), 1);
      expect(o.grad_fn!.name()).toBe(sm[`${key}_fn`]);
      (torch.sparse.sum(o.mul(w)) as Tensor).backward();
      expectT(vv.grad!, sm[key], 1e-6);
    }
    expect(String(torch.sparse.softmax(torch.sparse_coo_tensor(r.I, r.V, [2, 3], { requires_grad: true }), 1))).toBe(sm.repr);
    expect(sm.gradcheck).toBe(true);
    const f = (v: Tensor) => torch.sparse.softmax(torch.sparse_coo_tensor(r.I, v, [2, 3]), 1).to_dense();
    expect(torch.autograd.gradcheck(f, [torch.tensor(r.V, { dtype: torch.float64, requires_grad: true })])).toBe(true);
  });

  it("torch's errors: a negative or too large dim, an integer input", () => {
    const e = r.errors;
    expectRaised(raised(() => torch.sparse.softmax(S(), -1)), e.softmax_neg);
    expectRaised(raised(() => torch.sparse.softmax(S(), 2)), e.softmax_big);
    expectRaised(raised(() => torch.sparse.softmax(torch.sparse_coo_tensor(r.I, torch.tensor([1, 2, 3, 4], { dtype: torch.int64 }), [2, 3]), 0)), e.softmax_long);
  });
});
