/**
 * Sparse COO ops and prints against torch 1.13 (tests/fixtures/torch/sparse/sparse_coo.json): sparse + sparse in
 * ATen's merge order (uncoalesced operands keep their entries' order; equal runs are summed), sub / alpha, * and /
 * by a number or a 0-dim tensor, neg, t / transpose, torch.sparse.sum (dense or sparse by the dims reduced),
 * dense + sparse, the reprs (grad_fn / requires_grad / dtype suffixes, empty, hybrid), and the ops torch refuses
 * too, refused here by name.
 */
import { describe, expect, it } from "vitest";
import { torch, type Tensor } from "../../../../lib/tensor/index";
import type { SparseCooTensor } from "../../../../lib/tensor/sparse/index";
import { expectT, raised } from "../tutorials/helpers";
import { expectSP, ref } from "./fixture";

const S = () => torch.sparse_coo_tensor(ref.I, ref.V, [2, 3]);
const T = () => torch.sparse_coo_tensor(ref.TI, ref.TV, [2, 3]);
const D3 = () => torch.sparse_coo_tensor(ref.DI, ref.DV, [2, 3, 2]);
const H = () => torch.sparse_coo_tensor(ref.HI, torch.arange(6).float().reshape(3, 2), [2, 3, 2]);
const asSparse = (v: Tensor | SparseCooTensor) => v as SparseCooTensor;
const asDense = (v: Tensor | SparseCooTensor) => v as Tensor;

describe("sparse COO ops", () => {
  it("sparse + sparse in torch's merge order; sub and alpha; by keyword and through torch.add / torch.sub", () => {
    const o = ref.ops;
    expectSP(S().add(T()), o.add);
    expectSP(S().add(S().clone()), o.add_same);
    expectSP(S().coalesce().add(T().coalesce()), o.add_coalesced);
    expectSP(S().sub(T()), o.sub);
    expectSP(S().add(T(), 2), o.add_alpha);
    expectSP(S().add(T(), { alpha: 2 }), o.add_alpha);
    expectSP(torch.add(S() as never, T() as never) as unknown as SparseCooTensor, o.add);
    expectSP(torch.sub(S() as never, T() as never) as unknown as SparseCooTensor, o.sub);
  });

  it("* / by a number or a 0-dim tensor, neg, t, transpose of a 3-d tensor", () => {
    const o = ref.ops;
    expectSP(S().mul(2), o.mul);
    expectSP(torch.mul(S() as never, 2) as unknown as SparseCooTensor, o.mul);
    expectSP(S().mul(torch.tensor(0.5)), o.mul_t0);
    expectSP(S().div(2), o.div);
    expectSP(S().neg(), o.neg);
    expectSP(S().t(), o.t);
    expectSP(torch.t(S() as never) as unknown as SparseCooTensor, o.t);
    expectSP(D3().transpose(0, 2), o.transpose3);
  });

  it("torch.sparse.sum: dense when every sparse dim is reduced, else sparse and coalesced", () => {
    const o = ref.ops;
    expectT(asDense(torch.sparse.sum(S())), o.sum_all, 0);
    expectSP(asSparse(torch.sparse.sum(S(), 0)), o.sum0);
    expectSP(asSparse(torch.sparse.sum(S(), 1)), o.sum1);
    expectT(asDense(torch.sparse.sum(S(), [0, 1])), o.sum01, 0);
    expectSP(asSparse(torch.sparse.sum(S(), -1)), o.sum_neg);
    expectSP(asSparse(torch.sparse.sum(D3(), [0, 2])), o.sum_d3_02);
    expectSP(asSparse(torch.sparse.sum(H(), 2)), o.sum_H2);
    expectT(asDense(torch.sparse.sum(H(), [0, 1])), o.sum_H01, 0);
    expectSP(asSparse(torch.sparse.sum(H(), 0)), o.sum_H0);
  });

  it("dense + sparse and dense - sparse are dense (alpha too); the dense operand's gradient; no broadcasting, as torch", () => {
    const o = ref.ops;
    expect(torch.is_tensor(S())).toBe(true); // as torch.is_tensor of a sparse tensor
    expectT(torch.ones(2, 3).add(S() as never), o.dense_plus_sparse, 1e-6);
    expectT(torch.add(torch.ones(2, 3), S() as never), o.dense_plus_sparse, 1e-6);
    expectT(torch.ones(2, 3).sub(S() as never), o.dense_minus_sparse, 1e-6);
    expectT(torch.ones(2, 3).add(S() as never, { alpha: -1 }), o.dense_minus_sparse, 1e-6);
    expect(raised(() => torch.ones(2, 2).add(S() as never))).toEqual(ref.errors.dense_add_size);
    const dd = torch.ones(2, 3, { requires_grad: true });
    dd.add(S().mul(3) as never).mul(torch.arange(6).float().reshape(2, 3)).sum().backward();
    expectT(dd.grad!, ref.grads.dense_add_grad, 1e-6);
  });

  it("sparse + dense is refused as torch; size, t() and sum's dim errors", () => {
    expect(raised(() => S().add(torch.ones(2, 3) as never))).toEqual(ref.errors.add_dense);
    expect(raised(() => S().add(torch.sparse_coo_tensor(ref.I, ref.V, [3, 3])))).toEqual(ref.errors.add_size);
    expect(raised(() => D3().t())).toEqual(ref.errors.t3);
    expect(raised(() => torch.sparse.sum(S(), 5))).toEqual(ref.errors.sum_dim);
  });

  it("prints as torch: indices / values bodies, size, nnz, dtype, layout, requires_grad and grad_fn suffixes", () => {
    const p = ref.prints;
    const leaf = () => torch.sparse_coo_tensor(ref.I, ref.V, [2, 3], { requires_grad: true });
    expect(String(S())).toBe(p.S);
    expect(String(S().coalesce())).toBe(p.coalesced);
    expect(String(leaf())).toBe(p.leaf);
    expect(String(torch.sparse_coo_tensor(ref.I, torch.tensor(ref.V, { requires_grad: true }), [2, 3]))).toBe(p.values_grad);
    expect(String(leaf().t())).toBe(p.t_grad);
    expect(String(leaf().coalesce())).toBe(p.coalesce_grad);
    expect(String(leaf().mul(2))).toBe(p.mul_grad);
    expect(String(torch.sparse_coo_tensor(torch.zeros([2, 0], { dtype: torch.int64 }), torch.zeros(0), [2, 3]))).toBe(p.empty);
    expect(String(torch.sparse_coo_tensor(ref.I, torch.tensor(ref.V).double(), [2, 3]))).toBe(p.double);
    expect(String(H())).toBe(p.hybrid);
    expect(String(torch.sparse.sum(S(), 0))).toBe(p.sum0);
    expect(String(torch.sparse.mm(leaf(), torch.ones(3, 2)))).toBe(p.mm_grad_fn);
    expect(String(torch.mm(S() as never, torch.ones(3, 2, { requires_grad: true })))).toBe(p.mm);
    expect(String(leaf().coalesce().values())).toBe(p.values);
    expect(String(leaf()._values())).toBe(p._values);
    expect(String(D3().coalesce())).toBe(p.D3);
  });

  it("ops without a sparse form raise one clear error naming the op (torch raises NotImplementedError too), Tensor.sum torch's own", () => {
    const r = ref.torch_refuses;
    const s = S() as unknown as Tensor;
    expect(raised(() => torch.relu(s))?.[0]).toBe(r.relu);
    expect(raised(() => torch.relu(s))?.[1]).toMatch(/^torch\.relu\(\) is not supported for sparse COO tensors/);
    expect(raised(() => s.exp())).toEqual([r.exp, expect.stringMatching(/^Tensor\.exp\(\) is not supported for sparse COO tensors/)]);
    expect(raised(() => s.view(6))?.[1]).toMatch(/^Tensor\.view\(\) is not supported/);
    expect(raised(() => s.sum())).toEqual([r.sum, expect.stringMatching(/^Could not run 'aten::sum\.dim_IntList' with arguments from the 'SparseCPU' backend/)]);
    expect(raised(() => torch.nn.functional.softmax(s, 0))?.[1]).toMatch(/^F\.softmax\(\) is not supported for sparse COO tensors/);
    // a dense kernel given a sparse second operand raises before it reads anything
    expect(torch.ones(2, 3).mul(s).is_sparse).toBe(true); // dense * sparse is sparse (elementwise.test.ts)
    expect(raised(() => torch.cat([torch.ones(2, 3), s]))?.[1]).toMatch(/sparse COO tensors/);
    // sparse * sparse, to_sparse_csr and torch.sparse.softmax have their forms now (elementwise.test.ts, csr.test.ts, mm_softmax.test.ts)
  });
});
