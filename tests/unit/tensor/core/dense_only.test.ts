/**
 * The dense-only corners of the Tensor API (api/alias_methods.ts): layout and device flags of a CPU
 * strided tensor, to_dense() as the identity, the split aliases (values as torch 1.13 gives them:
 * split_with_sizes([2, 4]) of arange(6) is [0, 1] and [2, 3, 4, 5]), and the sparse constructors'
 * refusal, which must name the call and leave the inputs alone.
 */
import { describe, expect, it } from "vitest";
import { torch } from "../../../../lib/tensor/index";

describe("dense-only tensors", () => {
  it("answers PyTorch's layout questions for a CPU strided tensor", () => {
    const x = torch.ones(2, 3);
    for (const flag of ["is_mps", "is_xpu", "is_ipu", "is_vulkan", "is_mkldnn", "is_nested", "is_sparse_csr", "is_sparse"] as const) expect(x[flag], flag).toBe(false);
    expect(x.to_dense()).toBe(x);
  });

  it("splits under the ATen and unsafe names as split and chunk do", () => {
    const x = torch.arange(12).reshape(2, 6);
    expect(x.split_with_sizes([2, 4], 1).map((t) => t.tolist())).toEqual([[[0, 1], [6, 7]], [[2, 3, 4, 5], [8, 9, 10, 11]]]);
    expect(torch.split_with_sizes(x, [1, 1]).map((t) => t.shape)).toEqual([[1, 6], [1, 6]]);
    expect(x.unsafe_chunk(3, 1).map((t) => t.tolist())).toEqual(x.chunk(3, 1).map((t) => t.tolist()));
    expect(torch.unsafe_split(x, 4, 1).map((t) => t.shape)).toEqual([[2, 4], [2, 2]]);
    expect(x.unsafe_split_with_sizes([3, 3], 1).map((t) => t.shape)).toEqual([[2, 3], [2, 3]]);
    expect(() => x.split_with_sizes([2, 2], 1)).toThrow();
    expect(() => x.split_with_sizes(2 as never)).toThrow("split_with_sizes(): argument 'split_sizes' must be a list of ints, not number");
  });

  it("gives gradients through split_with_sizes like split", () => {
    const x = torch.arange(6).float().requires_grad_();
    const [a, b] = x.split_with_sizes([2, 4]);
    a.mul(2).sum().add(b.pow(2).sum()).backward();
    expect(x.grad!.tolist()).toEqual([2, 2, 4, 6, 8, 10]);
  });

  it("refuses the compressed sparse layouts by name (COO tensors are tests/unit/tensor/sparse/), with the dense way to build the tensor", () => {
    const values = torch.tensor([1, 2]);
    expect(torch.sparse_coo_tensor([[0, 2]], values, [3]).to_dense().tolist()).toEqual([1, 0, 2]);
    expect(torch.ones(2).to_sparse().is_sparse).toBe(true);
    expect(() => torch.ones(2, 2).to_sparse_csc()).toThrow(/^Tensor\.to_sparse_csc\(\): .*no compressed sparse layouts/);
    // The suggested dense route works.
    const dense = torch.zeros(3).index_put_([torch.tensor([0, 2, 0], { dtype: torch.int64 })], torch.tensor([1, 2, 3]), { accumulate: true });
    expect(dense.tolist()).toEqual([4, 0, 2]);
    expect(values.tolist()).toEqual([1, 2]);
  });
});
