/**
 * sparse @ dense and gradients against torch 1.13 (tests/fixtures/torch/sparse/sparse_coo.json): torch.sparse.mm of a
 * sparse leaf (its gradient sparse and coalesced, accumulating over two backward passes) and of values that require
 * grad (each entry's gradient, duplicates included), torch.spmm / torch.mm / S.mm of a constant sparse operand, the
 * gradients of to_dense, to_sparse, sparse.sum after sparse + sparse; float64 gradcheck of
 * sparse.mm in the dense operand and the values; torch's errors for mm of a sparse operand that requires grad, shapes
 * and dtypes.
 */
import { describe, expect, it } from "vitest";
import { torch, type Tensor } from "../../../../lib/tensor/index";
import type { SparseCooTensor } from "../../../../lib/tensor/sparse/index";
import { expectT, raised, type TJ } from "../tutorials/helpers";
import { expectSP, ref } from "./fixture";

const g = ref.grads;
const fromT = (t: TJ, dtype = torch.float64) => torch.tensor(t.data, { dtype }).reshape(t.shape);
const S = () => torch.sparse_coo_tensor(ref.I, ref.V, [2, 3]);

describe("sparse @ dense and its gradients", () => {
  it("torch.sparse.mm of a sparse leaf: the output, a sparse coalesced gradient that accumulates, the dense gradient", () => {
    const leaf = torch.sparse_coo_tensor(ref.I, torch.tensor(ref.V, { dtype: torch.float64 }), [2, 3], { requires_grad: true });
    const D = fromT(g.Dm).requires_grad_();
    const W = fromT(g.W);
    const out = torch.sparse.mm(leaf, D);
    expectT(out, g.out, 1e-12);
    out.mul(W).sum().backward();
    expect(leaf.grad!.is_sparse).toBe(true);
    expectSP(leaf.grad!, g.leaf_grad, 1e-12);
    expectT(D.grad!, g.D_grad, 1e-12);
    torch.sparse.mm(leaf.mul(2), D).mul(W).sum().backward();
    expectSP(leaf.grad!, g.leaf_grad_accum, 1e-12);
    leaf.grad = null;
    expect(leaf.grad).toBe(null);
  });

  it("values that require grad get each entry's gradient (duplicates too); spmm / mm of a constant sparse matrix", () => {
    const vv = torch.tensor(ref.V, { dtype: torch.float64, requires_grad: true });
    const D = fromT(g.Dm).requires_grad_();
    const W = fromT(g.W);
    const s = torch.sparse_coo_tensor(ref.I, vv, [2, 3]);
    expect(s.grad_fn!.name()).toBe("SparseCooTensorWithDimsAndTensorsBackward0");
    expect(s.is_leaf).toBe(false);
    torch.sparse.mm(s, D).mul(W).sum().backward();
    expectT(vv.grad!, g.values_grad, 1e-12);
    expectT(D.grad!, g.D2_grad, 1e-12);
    for (const mm of [(a: SparseCooTensor, b: Tensor) => torch.spmm(a, b), (a: SparseCooTensor, b: Tensor) => torch.mm(a as never, b), (a: SparseCooTensor, b: Tensor) => a.mm(b), (a: SparseCooTensor, b: Tensor) => a.matmul(b)]) {
      const D2 = fromT(g.Dm).requires_grad_();
      const out = mm(S().double(), D2);
      expect(out.grad_fn!.name()).toBe("MmBackward0");
      out.mul(W).sum().backward();
      expectT(D2.grad!, g.spmm_D_grad, 1e-12);
    }
  });

  it("the gradients of to_dense (sparse leaf), to_sparse (dense input), and sparse.sum of a sparse sum", () => {
    const leaf = torch.sparse_coo_tensor(ref.I, ref.V, [2, 3], { requires_grad: true });
    leaf.to_dense().mul(torch.arange(6).float().reshape(2, 3)).sum().backward();
    expectSP(leaf.grad!, g.to_dense_grad, 0);
    const x = torch.tensor([[0, 1, 0], [2, 0, 3]], { requires_grad: true });
    torch.sparse.mm(x.to_sparse(), torch.ones(3, 2)).mul(torch.arange(4).float().reshape(2, 2)).sum().backward();
    expectT(x.grad!, g.to_sparse_grad, 0);
    const vv = torch.tensor(ref.V, { requires_grad: true });
    const summed = torch.sparse.sum(torch.sparse_coo_tensor(ref.I, vv, [2, 3]).add(torch.sparse_coo_tensor(ref.TI, ref.TV, [2, 3])), 0) as SparseCooTensor;
    summed.to_dense().mul(torch.tensor([1, 2, 3])).sum().backward();
    expectT(vv.grad!, g.sum_add_grad, 0);
  });

  it("float64 gradcheck of torch.sparse.mm in the values (duplicate indices) and the dense operand", () => {
    expect(g.gradcheck).toBe(true);
    const v = torch.tensor(ref.DV, { dtype: torch.float64, requires_grad: true });
    const D = fromT(g.Dm).requires_grad_();
    const f = (vals: Tensor, d: Tensor) => torch.sparse.mm(torch.sparse_coo_tensor([ref.DI[0], ref.DI[1]], vals, [2, 3]), d);
    expect(torch.autograd.gradcheck(f, [v, D])).toBe(true);
    // and through a sparse leaf: to_dense of its gradient is the dense matrix's gradient at the leaf's indices
    const leaf = torch.sparse_coo_tensor([ref.DI[0], ref.DI[1]], torch.tensor(ref.DV, { dtype: torch.float64 }), [2, 3], { requires_grad: true });
    const dense = leaf.to_dense().detach().requires_grad_();
    torch.sparse.mm(leaf, D.detach()).mul(fromT(g.W)).sum().backward();
    dense.mm(D.detach()).mul(fromT(g.W)).sum().backward();
    const at = torch.sparse_coo_tensor([ref.DI[0], ref.DI[1]], torch.ones(ref.DV.length), [2, 3]).to_dense().ne(0);
    expect(leaf.grad!.to_dense().tolist()).toEqual(dense.grad!.mul(at).add(0).tolist());
  });

  it("torch's errors: mm / spmm of a sparse operand that requires grad, shapes, dtypes", () => {
    const e = ref.errors;
    const leaf = torch.sparse_coo_tensor(ref.I, ref.V, [2, 3], { requires_grad: true });
    expect(raised(() => torch.mm(leaf as never, torch.ones(3, 2)))).toEqual(e.mm_grad);
    expect(raised(() => torch.spmm(leaf, torch.ones(3, 2)))).toEqual(e.spmm_grad);
    expect(raised(() => torch.sparse.mm(S(), torch.ones(2, 2)))).toEqual(e.mm_shape);
    expect(raised(() => torch.sparse.mm(S(), torch.ones(3, 2, { dtype: torch.float64 })))).toEqual(e.mm_dtype);
    // dense @ sparse: torch 1.13's dense kernel has no sparse_dim (mm_softmax.test.ts compares the whole message)
    expect(raised(() => torch.sparse.mm(torch.ones(2, 2), S() as never))?.[1]).toMatch(/^Could not run 'aten::sparse_dim' with arguments from the 'CPU' backend/);
  });
});
