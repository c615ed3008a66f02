/**
 * Sparse CSR matrices against torch 1.13 (tests/fixtures/torch/sparse/sparse_csr.json): x.to_sparse_csr() of dense
 * and COO tensors, torch.sparse_csr_tensor with its checks, crow_indices / col_indices / values, to_dense / to_sparse,
 * the reprs (dtype, requires_grad, empty, wrapped suffixes), CSR @ dense through torch.mm / matmul / Tensor.mm /
 * torch.sparse.mm / addmm with the dense operand's gradient and grad_fn, dense @ CSR, sum(), and torch's errors.
 */
import { describe, expect, it } from "vitest";
import { torch, type Tensor } from "../../../../lib/tensor/index";
import type { SparseCsrTensor } from "../../../../lib/tensor/sparse/index";
import { expectT, raised, type TJ } from "../tutorials/helpers";
import { expectRaised, refCsr as r } from "./fixture";

const x = () => torch.tensor(r.X);
const C = () => x().to_sparse_csr();
const fromT = (t: TJ) => torch.tensor(t.data).reshape(t.shape);

interface CSRJ {
  crow: number[];
  col: number[];
  values: TJ;
  size: number[];
  layout: string;
}
function expectCSR(c: SparseCsrTensor, e: CSRJ): void {
  expect(c.crow_indices().tolist()).toEqual(e.crow);
  expect(c.col_indices().tolist()).toEqual(e.col);
  expectT(c.values(), e.values, 1e-6);
  expect([...c.shape]).toEqual(e.size);
  expect(String(c.layout)).toBe(e.layout);
}

describe("sparse CSR matrices", () => {
  it("to_sparse_csr of dense and COO tensors, torch.sparse_csr_tensor (size inferred too), metadata, to_dense / to_sparse", () => {
    const c = r.csr;
    expectCSR(C(), c.from_dense);
    expectCSR(x().to_sparse().to_sparse_csr(), c.from_coo);
    expectCSR(torch.sparse_coo_tensor([[1, 0, 1], [2, 0, 2]], [1, 2, 3], [2, 3]).to_sparse_csr(), c.from_uncoalesced_coo);
    expectCSR(torch.sparse_csr_tensor([0, 1, 3], [1, 0, 2], [1, 2, 3], [2, 3]), c.ctor);
    expectCSR(torch.sparse_csr_tensor(torch.tensor([0, 1, 3]), torch.tensor([1, 0, 2]), torch.tensor([1, 2, 3])), c.ctor_inferred);
    expectCSR(torch.zeros(2, 3).to_sparse_csr(), c.empty);
    const m = r.meta;
    const t = C();
    expect([String(t.layout), t.is_sparse, t.is_sparse_csr, t._nnz(), String(t.dtype), t.sparse_dim(), t.dense_dim(), String(t.crow_indices().dtype), [...t.shape]]).toEqual([
      m.layout, m.is_sparse, m.is_sparse_csr, m.nnz, m.dtype, m.sparse_dim, m.dense_dim, m.crow_dtype, m.shape,
    ]);
    expect(String(torch.sparse_csr)).toBe(r.prints.layout);
    expectT(t.to_dense(), r.dense, 0);
    const coo = t.to_sparse();
    expect([coo._indices().tolist(), coo.is_coalesced()]).toEqual([r.to_sparse.indices, r.to_sparse.coalesced]);
    expectT(coo._values(), r.to_sparse.values, 0);
  });

  it("prints as torch: the three bodies, size / nnz / dtype / layout / requires_grad suffixes wrapped at the line width", () => {
    const p = r.prints;
    expect(String(C())).toBe(p.C);
    expect(String(torch.sparse_csr_tensor([0, 1, 3], [1, 0, 2], [1, 2, 3], [2, 3], { dtype: torch.float64 }))).toBe(p.double);
    expect(String(torch.sparse_csr_tensor([0, 1, 3], [1, 0, 2], [1, 2, 3], [2, 3], { requires_grad: true }))).toBe(p.leaf);
    expect(String(torch.zeros(2, 3).to_sparse_csr())).toBe(p.empty);
    expect(String(torch.tensor([[0, 1], [2, 0]], { dtype: torch.int64 }).to_sparse_csr())).toBe(p.int);
    expect(String(torch.arange(1, 13).float().reshape(2, 6).to_sparse_csr())).toBe(p.wide);
  });

  it("CSR @ dense through torch.mm / matmul / Tensor.mm / torch.sparse.mm: values, grad_fn, the dense operand's gradient; addmm, dense @ CSR, sum", () => {
    const g = r.grads;
    const forms: [string, (d: Tensor) => Tensor][] = [
      ["mm", (d) => torch.mm(C(), d)], ["matmul", (d) => torch.matmul(C(), d)], ["method", (d) => C().mm(d)], ["at", (d) => C().matmul(d)],
      ["sparse_mm", (d) => torch.sparse.mm(C(), d)],
    ];
    for (const [k, f] of forms) {
      const d = fromT(g.Dm).requires_grad_();
      const o = f(d);
      expectT(o, g[k].out, 1e-6);
      expect(o.grad_fn!.name(), k).toBe(g[k].grad_fn);
      o.mul(fromT(g.W)).sum().backward();
      expectT(d.grad!, g[k].D_grad, 1e-6);
    }
    expectT(torch.addmm(torch.ones(2, 2), C(), fromT(g.Dm), { beta: 0.5, alpha: 2 }), g.addmm, 1e-6);
    expectT(torch.arange(4).float().reshape(2, 2).mm(C() as never), g.dense_at_csr, 1e-6);
    expectT(C().sum(), g.sum, 1e-6);
    expectT(torch.sum(C() as never), g.torch_sum, 1e-6);
    const leaf = torch.sparse_csr_tensor([0, 1, 3], [1, 0, 2], [1, 2, 3], [2, 3], { requires_grad: true });
    expect(leaf.to_dense().grad_fn!.name()).toBe(g.to_dense_grad_fn);
    expect(leaf.values().grad_fn!.name()).toBe(g.values_grad_fn);
  });

  it("torch's errors: the constructor's checks, matrix @ vector, COO-only accessors; ops without a CSR form raise NotImplementedError", () => {
    const e = r.errors;
    expectRaised(raised(() => torch.sparse_csr_tensor([0, 1, 2], [1, 0, 2], [1, 2, 3], [2, 3])), e.bad_last);
    expectRaised(raised(() => torch.sparse_csr_tensor([0, 1, 3], [1, 0, 5], [1, 2, 3], [2, 3])), e.bad_col);
    expectRaised(raised(() => torch.sparse_csr_tensor([0, 1, 3], [1, 0], [1, 2, 3], [2, 3])), e.bad_nnz);
    expectRaised(raised(() => torch.sparse_csr_tensor([1, 1, 3], [1, 0, 2], [1, 2, 3], [2, 3])), e.bad_first);
    expectRaised(raised(() => torch.sparse_csr_tensor([0, 3], [1, 0, 2], [1, 2, 3], [2, 3])), e.bad_rows);
    expectRaised(raised(() => C().matmul(torch.ones(3))), e.matvec);
    expectRaised(raised(() => C().indices()), e.indices);
    expectRaised(raised(() => C().is_coalesced()), e.is_coalesced);
    expectRaised(raised(() => x().to_sparse().crow_indices()), e.coo_crow);
    const c = C() as unknown as Tensor;
    expect(raised(() => c.view(6))?.[0]).toBe(e.view[0]);
    expect(raised(() => c.relu())).toEqual([e.relu[0], expect.stringMatching(/^Tensor\.relu\(\) is not supported for sparse CSR tensors/)]);
  });
});
