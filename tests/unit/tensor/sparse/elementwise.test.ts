/**
 * Sparse COO elementwise ops against torch 1.13 (tests/fixtures/torch/sparse/sparse_ops2.json): sparse * dense and
 * dense * sparse (broadcast dense operand, dtypes, hybrid tensors), sparse * sparse in ATen's intersection order,
 * division by a number and torch's refusals of other divisors, the unary ops with a sparse kernel (coalesced
 * results, grad_fn names, the backward passes torch 1.13 runs and the errors of the others), pow, zero_; the gradients
 * of mul and a float64 gradcheck.
 */
import { describe, expect, it } from "vitest";
import { torch } from "../../../../lib/tensor/index";
import type { SparseCooTensor } from "../../../../lib/tensor/sparse/index";
import { expectT, raised } from "../tutorials/helpers";
import { expectRaised, expectSP, ref2 as r } from "./fixture";

const S = () => torch.sparse_coo_tensor(r.I, r.V, [2, 3]);
const U = () => torch.sparse_coo_tensor(r.UI, r.UV, [2, 3]);
const H = () => torch.sparse_coo_tensor(r.HI, torch.arange(6).float().reshape(3, 2), [2, 3, 2]);
const D = () => torch.tensor(r.D.data).reshape(r.D.shape);

describe("sparse * dense, dense * sparse, sparse * sparse", () => {
  it("the dense operand read at each entry: entries, order and coalesced flag kept; broadcasting; dtypes; hybrid", () => {
    const m = r.mul;
    expectSP(S().mul(D()), m.S_D);
    expectSP(D().mul(S() as never) as unknown as SparseCooTensor, m.D_S); // sparse at run time (Tensor.mul keeps its dense type)
    expectSP(torch.mul(S(), D()), m.torch_mul);
    expectSP(torch.mul(D(), S()), m.D_S);
    expectSP(S().coalesce().mul(D()), m.Sc_D);
    expectSP(S().mul(torch.tensor([[2], [3]])), m.S_col);
    expectSP(S().mul(torch.tensor([1, 2, 3])), m.S_row);
    expectSP(S().mul(torch.tensor([[0, 1, 0], [1, 0, 0]])), m.zeros_kept);
    expect(String(S().mul(D().double()).dtype)).toBe(m.S_double);
    expect(String(S().mul(torch.ones(2, 3, { dtype: torch.int64 })).dtype)).toBe(m.S_long);
    expect(String(S().long().mul(torch.ones(2, 3)).dtype)).toBe(m.long_S);
    expectSP(H().mul(torch.arange(12).float().reshape(2, 3, 2)), m.H_D);
    expectSP(H().mul(torch.tensor([1, 2])), m.H_vec);
  });

  it("sparse * sparse: every pair of entries with equal indices, the probe operand's order; coalesced when both are", () => {
    const m = r.mul;
    expectSP(S().mul(S()), m.S_S);
    expectSP(S().mul(U()), m.S_U);
    expectSP(U().mul(S()), m.U_S);
    expectSP(S().coalesce().mul(U()), m.Sc_U);
    expectSP(S().mul(U().coalesce()), m.S_Uc);
    expectSP(S().coalesce().mul(U().coalesce()), m.Sc_Uc);
    expectSP(H().mul(H()), m.H_H);
    expectSP(S().coalesce().mul(torch.sparse_coo_tensor([[0, 1], [2, 0]], [1, 2], [2, 3]).coalesce()), m.disjoint);
    expectSP(torch.sub(S(), U()), m.sub);
  });

  it("gradients: to the sparse leaf, the dense operand, the values; sparse * sparse; float64 gradcheck", () => {
    const g = r.mul_grads;
    const leaf = torch.sparse_coo_tensor(r.I, r.V, [2, 3], { requires_grad: true });
    const Dg = D().requires_grad_();
    const out = leaf.mul(Dg);
    expect(out.grad_fn!.name()).toBe(g.grad_fn);
    expect(String(out)).toBe(g.repr);
    (torch.sparse.sum(out.mul(torch.sparse_coo_tensor([[0, 0, 1], [0, 1, 2]], [1, 2, 3], [2, 3]))) as ReturnType<typeof D>).backward();
    expectT(leaf.grad!.to_dense(), g.leaf_grad, 1e-6);
    expectT(Dg.grad!, g.D_grad, 1e-6); // torch's is sparse (layout torch.sparse_coo); ours is its dense form
    const vv = torch.tensor(r.V, { requires_grad: true });
    (torch.sparse.sum(torch.sparse_coo_tensor(r.I, vv, [2, 3]).mul(D())) as ReturnType<typeof D>).backward();
    expectT(vv.grad!, g.values_grad, 1e-6);
    const a = torch.sparse_coo_tensor(r.I, r.V, [2, 3], { requires_grad: true });
    const b = torch.sparse_coo_tensor(r.UI, r.UV, [2, 3], { requires_grad: true });
    (torch.sparse.sum(a.mul(b)) as ReturnType<typeof D>).backward();
    expectT(a.grad!.to_dense(), g.ss_a_grad, 1e-6);
    expectT(b.grad!.to_dense(), g.ss_b_grad, 1e-6);
    expect(g.gradcheck).toBe(true);
    const f = (v: ReturnType<typeof D>, u: ReturnType<typeof D>) =>
      torch.sparse_coo_tensor(r.I, v, [2, 3]).mul(D().double()).mul(torch.sparse_coo_tensor(r.UI, u, [2, 3])).to_dense();
    expect(torch.autograd.gradcheck(f, [torch.tensor(r.V, { dtype: torch.float64, requires_grad: true }), torch.tensor(r.UV, { dtype: torch.float64, requires_grad: true })])).toBe(true);
  });

  it("torch's errors: sizes that do not broadcast, sparse operands of other sizes", () => {
    const e = r.errors;
    expectRaised(raised(() => S().mul(torch.ones(2, 2))), e.mul_size);
    expectRaised(raised(() => torch.ones(2, 2).mul(S() as never)), e.dense_mul_size);
    expectRaised(raised(() => S().mul(torch.sparse_coo_tensor(r.I, r.V, [3, 3]))), e.mul_sparse_size);
  });
});

describe("sparse division, unary ops, pow", () => {
  it("division by a number or 0-dim tensor; rounding modes coalesce; torch refuses any other divisor", () => {
    const d = r.div;
    expectSP(S().div(torch.tensor(2)), d.zero_dim);
    expectSP(S().div(2, { rounding_mode: "floor" }), d.floor);
    expectSP(S().div(2.5, { rounding_mode: "trunc" }), d.trunc);
    expectSP(S().floor_divide(2), d.floor_divide);
    expectSP(S().true_divide(2), d.true_divide);
    const e = r.errors;
    expectRaised(raised(() => S().div(D())), e.div_dense);
    expectRaised(raised(() => D().div(S() as never)), e.dense_div);
    expectRaised(raised(() => S().div(U() as never)), e.div_sparse);
  });

  it("each unary op with a sparse kernel: values, coalesced flag, dtype, grad_fn; the backward torch runs or its error", () => {
    for (const [op, c] of Object.entries(r.unary) as [string, Record<string, never>][]) {
      const leaf = torch.sparse_coo_tensor(r.I, r.unary_vals, [2, 3], { requires_grad: true });
      const out = (leaf as unknown as Record<string, () => SparseCooTensor>)[op]();
      expectSP(out, c.out);
      expect(String(out.dtype), op).toBe(c.dtype);
      expect(out.grad_fn?.name() ?? null, op).toBe(c.grad_fn);
      if (!out.requires_grad) continue;
      const w = torch.sparse_coo_tensor([[0, 0, 1, 1], [0, 1, 2, 0]], [1, 2, 3, 4], [2, 3]);
      const run = () => (torch.sparse.sum(out.mul(w)) as ReturnType<typeof D>).backward();
      if (c.backward_error) {
        expectRaised(raised(run), c.backward_error);
      } else {
        run();
        expectT(leaf.grad!.to_dense(), c.grad, 1e-6);
      }
    }
    const plain = () => torch.sparse_coo_tensor(r.I, r.unary_vals, [2, 3]);
    expectSP(torch.abs(plain()), r.unary.abs.out);
    expectSP(torch.sqrt(plain()), r.unary.sqrt.out);
    expectSP(torch.neg(plain()), r.unary.neg.out);
  });

  it("pow by a nonzero number; zero_; torch's errors for pow(0), a tensor exponent, Tensor.sum, softmax and ops without a kernel", () => {
    expectSP(S().pow(2), r.pow.p2);
    expectSP(S().pow(-1), r.pow.pm1);
    expectSP(torch.pow(S(), 3), r.pow.torch_pow);
    expectSP(S().clone().zero_(), r.zero_);
    const e = r.errors;
    expectRaised(raised(() => S().pow(0)), e.pow0);
    expectRaised(raised(() => S().pow(S() as never)), e.pow_tensor);
    expectRaised(raised(() => (S() as unknown as { sum(): unknown }).sum()), e.sum);
    expectRaised(raised(() => torch.sum(S() as never)), e.torch_sum);
    expectRaised(raised(() => (S() as unknown as { softmax(d: number): unknown }).softmax(1)), e.softmax_method);
    expectRaised(raised(() => torch.softmax(S() as never, 1)), e.torch_softmax);
    for (const op of ["relu", "exp", "sigmoid"]) expect(raised(() => (S() as unknown as Record<string, () => unknown>)[op]())?.[0]).toBe(e[op][0]);
  });
});
