/** Autograd behaviour: backward, accumulation, no_grad, retain_grad, hooks, retain_graph, in-place checks. */
import { describe, expect, it } from "vitest";
import { torch, type Tensor } from "../../../../lib/tensor/index";

const t = (v: number[] | number[][], requires_grad = false) => torch.tensor(v, { requires_grad });

describe("backward", () => {
  it("computes gradients of a scalar and accumulates across calls", () => {
    const x = t([1, 2, 3], true);
    x.mul(x).sum().backward();
    expect(x.grad!.tolist()).toEqual([2, 4, 6]);
    x.mul(3).sum().backward();
    expect(x.grad!.tolist()).toEqual([5, 7, 9]);
    x.grad!.zero_();
    x.sum().backward();
    expect(x.grad!.tolist()).toEqual([1, 1, 1]);
  });

  it("takes a gradient argument for non-scalars and names the shape when missing", () => {
    const x = t([[1, 2], [3, 4]], true);
    const y = x.mul(2);
    expect(() => y.backward()).toThrow(/grad can be implicitly created only for scalar outputs.*\[2, 2\]/);
    y.backward(torch.tensor([[1, 0], [0, 1]]));
    expect(x.grad!.tolist()).toEqual([[2, 0], [0, 2]]);
  });

  it("reduces broadcast gradients back to each input's shape", () => {
    const a = t([[1, 2, 3], [4, 5, 6]], true);
    const b = t([10, 20, 30], true);
    const c = t([[1], [2]], true);
    a.add(b).mul(c).sum().backward();
    expect(b.grad!.tolist()).toEqual([3, 3, 3]);
    expect(c.grad!.tolist()).toEqual([[66], [75]]);
    expect(a.grad!.tolist()).toEqual([[1, 1, 1], [2, 2, 2]]);
  });

  it("sums gradients over every path through a shared tensor", () => {
    const x = t([2], true);
    const y = x.mul(x);
    y.add(y.mul(3)).add(x).sum().backward(); // d/dx (4x^2 + x) = 8x + 1
    expect(x.grad!.item()).toBe(17);
  });

  it("frees the graph after backward unless retain_graph", () => {
    const x = t([1, 2], true);
    const y = x.exp().sum();
    y.backward({ retain_graph: true });
    y.backward();
    expect(x.grad!.tolist()).toEqual([2 * Math.fround(Math.E), 2 * Math.fround(Math.exp(2))].map(Math.fround));
    expect(() => y.backward()).toThrow(/Trying to backward through the graph a second time/);
  });

  it("errors when nothing requires grad", () => {
    expect(() => t([1, 2]).sum().backward()).toThrow(/does not require grad/);
  });

  it("torch.autograd.grad returns gradients without touching .grad", () => {
    const x = t([1, 2, 3], true);
    const [g] = torch.autograd.grad(x.pow(3).sum(), [x]);
    expect(g!.tolist()).toEqual([3, 12, 27]);
    expect(x.grad).toBeNull();
  });
});

describe("grad mode", () => {
  it("no_grad returns the function's result and records nothing", () => {
    const x = t([1, 2], true);
    const y = torch.no_grad(() => x.mul(2));
    expect(y.requires_grad).toBe(false);
    expect(y.grad_fn).toBeNull();
    expect(torch.is_grad_enabled()).toBe(true);
    torch.no_grad(() => {
      expect(torch.is_grad_enabled()).toBe(false);
      const z = torch.enable_grad(() => x.mul(2));
      expect(z.requires_grad).toBe(true);
    });
  });

  it("restores grad mode when the function throws", () => {
    expect(() => torch.no_grad(() => { throw new Error("boom"); })).toThrow("boom");
    expect(torch.is_grad_enabled()).toBe(true);
  });

  it("detach cuts the graph but shares storage", () => {
    const x = t([1, 2], true);
    const d = x.detach();
    expect(d.requires_grad).toBe(false);
    torch.no_grad(() => d.fill_(5));
    expect(x.tolist()).toEqual([5, 5]);
    expect(x.data.tolist()).toEqual([5, 5]);
  });
});

describe("leaves, retain_grad and hooks", () => {
  it("is_leaf, grad_fn and requires_grad follow PyTorch", () => {
    const x = t([1, 2], true);
    const y = x.mul(2);
    expect(x.is_leaf).toBe(true);
    expect(y.is_leaf).toBe(false);
    expect(y.grad_fn!.name()).toBe("MulBackward0");
    // PyTorch: ((<AccumulateGrad>, 0), (None, 0)): x's accumulator, and none for the constant 2
    const [[acc, i0], [none, i1]] = y.grad_fn!.next_functions;
    expect([acc!.name(), i0, none, i1]).toEqual(["torch::autograd::AccumulateGrad", 0, null, 0]);
    expect((acc as unknown as { variable: unknown }).variable).toBe(x);
    expect(x.mul(3).grad_fn!.next_functions[0][0]).toBe(acc); // one accumulator per leaf
    expect(acc!.next_functions).toEqual([]);
    expect(() => (y.requires_grad = false)).toThrow(/only change requires_grad flags of leaf variables/);
    expect(() => torch.tensor([1, 2], { dtype: torch.long }).requires_grad_()).toThrow(/floating point/);
  });

  it("non-leaf .grad stays null unless retain_grad()", () => {
    const x = t([1, 2], true);
    const y = x.mul(2);
    const z = y.mul(3);
    y.retain_grad();
    z.sum().backward();
    expect(y.grad!.tolist()).toEqual([3, 3]);
    expect(z.grad).toBeNull();
  });

  it("tensor hooks see and may replace the gradient; handles remove them", () => {
    const x = t([1, 2], true);
    const seen: number[][] = [];
    const h1 = x.register_hook((g) => void seen.push(g.tolist() as number[]));
    const y = x.mul(2);
    const h2 = y.register_hook((g) => g.mul(10));
    y.sum().backward();
    expect(seen).toEqual([[20, 20]]);
    expect(x.grad!.tolist()).toEqual([20, 20]);
    h1.remove();
    h2.remove();
    x.grad = null;
    x.mul(2).sum().backward();
    expect(seen.length).toBe(1);
    expect(x.grad!.tolist()).toEqual([2, 2]);
  });
});

describe("in-place ops and version counters", () => {
  it("modifying a saved tensor makes backward fail, naming the op", () => {
    const x = t([1, 2, 3], true);
    const y = x.sigmoid();
    const z = y.mul(2).sum();
    y.mul_(2);
    expect(() => z.backward()).toThrow(/one of the variables needed for gradient computation has been modified by an inplace operation.*SigmoidBackward0.*version 1; expected version 0.*mul_/s);
  });

  it("in-place on a leaf that requires grad is an error outside no_grad", () => {
    const w = t([1, 2], true);
    expect(() => w.add_(1)).toThrow(/a leaf Variable that requires grad is being used in an in-place operation/);
    torch.no_grad(() => w.sub_(w.mul(0.5)));
    expect(w.tolist()).toEqual([0.5, 1]);
    expect(() => w.index(0).fill_(3)).toThrow(/view of a leaf Variable/);
    w.detach().fill_(3); // detach() is not an autograd view: allowed, as in PyTorch
    expect(w.tolist()).toEqual([3, 3]);
  });

  it("in-place on a non-leaf is differentiated (rebase)", () => {
    const x = t([1, 2, 3], true);
    const y = x.mul(2);
    y.add_(1).mul_(x); // y = (2x + 1) * x
    y.sum().backward();
    expect(x.grad!.tolist()).toEqual([5, 9, 13]); // 4x + 1
    expect(y.grad_fn!.name()).toBe("MulBackward0");
  });

  it("optimizer-style updates reuse storage and bump the version", () => {
    const p = t([1, 2], true);
    p.mul(p).sum().backward();
    const storage = p._data;
    const v0 = p._version;
    torch.no_grad(() => p.add_(p.grad!, { alpha: -0.1 }));
    expect(p._data).toBe(storage);
    expect(p._version).toBe(v0 + 1);
    expect(p.tolist()).toEqual([Math.fround(0.8), Math.fround(1.6)]);
  });

  it("views share the version counter", () => {
    const x = torch.zeros(3, 3);
    const row = x.index(1);
    row.fill_(1);
    expect(x._version).toBe(1);
    expect(x.sum().item()).toBe(3);
  });
});

describe("deep graphs", () => {
  it("handles long chains without stack overflow", () => {
    const x = t([1], true);
    let y: Tensor = x;
    for (let i = 0; i < 20000; i++) y = y.mul(1);
    y.sum().backward();
    expect(x.grad!.item()).toBe(1);
  });
});

describe("hooks across in-place ops", () => {
  it("hooks registered before an in-place op see the old value's gradient, later ones the new value's", () => {
    const x = torch.tensor([1, 2], { requires_grad: true });
    const y = x.mul(2);
    const seen: [string, number[]][] = [];
    y.register_hook((g) => void seen.push(["before", g.tolist() as number[]]));
    y.mul_(3);
    y.register_hook((g) => void seen.push(["after", g.tolist() as number[]]));
    y.sum().backward();
    expect(seen).toEqual([["after", [1, 1]], ["before", [3, 3]]]);
    expect(x.grad!.tolist()).toEqual([6, 6]);
  });
});
