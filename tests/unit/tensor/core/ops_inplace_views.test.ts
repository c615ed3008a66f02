/**
 * In-place ops on views of tensors in the graph (PyTorch's CopySlices): the base takes a
 * CopySlices node, the view an AsStridedBackward0 node of the new base, and gradients are the
 * ones of the equivalent out-of-place computation. Leaf views still raise.
 */
import { describe, expect, it } from "vitest";
import { F, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectClose } from "./fixtures";

const f64 = { dtype: torch.float64 };

describe("CopySlices", () => {
  it("y = x * 2; y[0].mul_(3): nodes, version and gradient", () => {
    const x = torch.tensor([[1, 2], [3, 4]], { ...f64, requires_grad: true });
    const y = x.mul(2);
    const row = y.index(0);
    row.mul_(3);
    expect(y.grad_fn!.name()).toBe("torch::autograd::CopySlices");
    expect(row.grad_fn!.name()).toBe("AsStridedBackward0");
    expect(y._version).toBe(1);
    expect(y.tolist()).toEqual([[6, 12], [6, 8]]);
    y.mul(torch.tensor([[1, 2], [3, 4]], f64)).sum().backward();
    expect(x.grad!.tolist()).toEqual([[6, 12], [6, 8]]);
  });

  it("h.narrow(1, 0, 2).zero_() stops the gradient of the zeroed region only", () => {
    const w = torch.ones([2, 3], { ...f64, requires_grad: true });
    const h = w.mul(5);
    h.narrow(1, 0, 2).zero_();
    h.sum().backward();
    expect(w.grad!.tolist()).toEqual([[0, 0, 5], [0, 0, 5]]);
  });

  it("writing a graph tensor into a plain tensor's view makes the plain tensor part of the graph", () => {
    const w = torch.tensor([1, 2], { ...f64, requires_grad: true });
    const buf = torch.zeros([3], f64);
    buf.index("0:2").copy_(w.mul(w));
    expect(buf.requires_grad).toBe(true);
    expect(buf.grad_fn!.name()).toBe("torch::autograd::CopySlices");
    buf.mul(torch.tensor([10, 20, 30], f64)).sum().backward();
    expect(w.grad!.tolist()).toEqual([20, 80]);
  });

  it("the view itself reads the new values and differentiates through the write", () => {
    const x = torch.tensor([1, 2, 3, 4], { ...f64, requires_grad: true });
    const y = x.mul(1);
    const v = y.index("1:3");
    v.pow_(2);
    v.sum().backward();
    expectClose(x.grad!, [0, 4, 6, 0]);
  });

  it("hooks registered on the base before the write see the gradient of the old value", () => {
    const x = torch.tensor([1, 2, 3], { ...f64, requires_grad: true });
    const y = x.mul(1);
    const seen: number[][] = [];
    y.register_hook((g) => void seen.push(g.tolist() as number[]));
    y.index(1).mul_(10);
    y.sum().backward();
    expect(seen).toEqual([[1, 10, 1]]);
    expect(x.grad!.tolist()).toEqual([1, 10, 1]);
  });

  it("a view taken before an in-place op on its base follows the new value (grad_fn rebuilt, like PyTorch)", () => {
    const x = torch.tensor([1, 2, 3], { ...f64, requires_grad: true });
    const y = x.mul(2);
    const a = y.index("0:2");
    y.mul_(3);
    expect(a.grad_fn!.name()).toBe("AsStridedBackward0");
    a.sum().backward();
    expect(x.grad!.tolist()).toEqual([6, 6, 0]); // torch 1.13: tensor([6., 6., 0.])
  });

  it("a write through one view reaches another view of the same base", () => {
    const x = torch.tensor([1, 2, 3], { ...f64, requires_grad: true });
    const y = x.mul(2);
    const a = y.index(0);
    const b = y.index("0:2");
    a.mul_(5);
    b.sum().backward();
    expect(x.grad!.tolist()).toEqual([10, 2, 0]); // torch 1.13: tensor([10., 2., 0.])
  });

  it("a view made under no_grad stays out of the graph after its base changes", () => {
    const x = torch.tensor([1, 2, 3], { ...f64, requires_grad: true });
    const y = x.mul(2);
    const v = torch.no_grad(() => y.index(0));
    y.mul_(2);
    expect(v.requires_grad).toBe(false);
    expect(v.grad_fn).toBeNull();
  });

  it("under no_grad a view of a leaf that requires grad can be written (optimizer style)", () => {
    const p = torch.ones([2, 2], { requires_grad: true });
    torch.no_grad(() => p.index(0).fill_(7));
    expect(p.tolist()).toEqual([[7, 7], [1, 1]]);
    expect(p.is_leaf).toBe(true);
  });

  it("index_put_ with accumulate through advanced indices is differentiable for both operands", () => {
    const x = torch.zeros([2, 3], { ...f64, requires_grad: true });
    const v = torch.tensor([1, 2, 3], { ...f64, requires_grad: true });
    const y = x.mul(1);
    y.index_put_([torch.tensor([0, 0, 1], { dtype: torch.long }), torch.tensor([2, 2, 0], { dtype: torch.long })], v, { accumulate: true });
    expect(y.tolist()).toEqual([[0, 0, 3], [3, 0, 0]]);
    y.mul(torch.tensor([[1, 2, 3], [4, 5, 6]], f64)).sum().backward();
    expect(x.grad!.tolist()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(v.grad!.tolist()).toEqual([3, 3, 4]);
  });

  it("index_put_ without accumulate: overwritten entries get no gradient", () => {
    const x = torch.ones([2, 2], { ...f64, requires_grad: true });
    const y = x.mul(2);
    y.index_put_([torch.tensor([1], { dtype: torch.long }), torch.tensor([0], { dtype: torch.long })], torch.tensor(0, f64));
    y.sum().backward();
    expect(x.grad!.tolist()).toEqual([[2, 2], [0, 2]]);
  });

  it("probs[arange(n), y]: reading one entry per row matches a gather", () => {
    const logits = torch.randn([4, 3], { ...f64, requires_grad: true });
    const y = torch.tensor([2, 0, 1, 2], { dtype: torch.long });
    const probs = logits.softmax(1);
    const picked = probs.index(torch.arange(4), y);
    expect(picked.grad_fn!.name()).toBe("IndexBackward0");
    const viaGather = probs.gather(1, y.unsqueeze(1)).squeeze(1);
    expectClose(picked, viaGather.tolist());
    picked.log().mean().neg().backward({ retain_graph: true });
    const g1 = logits.grad!.clone();
    logits.grad = null;
    viaGather.log().mean().neg().backward();
    expectClose(g1, logits.grad!.tolist(), 1e-12, 1e-12);
  });
});

describe("in place on a view, differentiated twice (create_graph)", () => {
  // WGAN-GP's critic: an in-place LeakyReLU on a view, then a gradient penalty's second backward.
  it("leaky_relu_ on a row view: first and second derivatives equal torch 1.13's", () => {
    const x = torch.tensor([[0.5, -1.0, 2.0], [-0.3, 0.7, -2.0]], { ...f64, requires_grad: true });
    const y = x.mul(2);
    F.leaky_relu(y.index(0), 0.2, { inplace: true });
    const g = torch.autograd.grad(y.pow(3).sum(), [x], { create_graph: true })[0]!;
    // torch 1.13: same code in Python (y[0] for y.index(0)).
    expectClose(g.tolist(), [[6, 0.192, 96], [2.16, 11.76, 96]], 1e-12, 1e-12);
    g.sum().backward();
    expectClose(x.grad!.tolist(), [[24, -0.384, 96], [-14.4, 33.6, -96]], 1e-12, 1e-12);
  });

  it("mul_ of a column of a transposed copy by a factor that requires grad: both inputs' second derivatives equal torch's", () => {
    const x = torch.tensor([[0.5, -1.0, 2.0], [-0.3, 0.7, -2.0]], { ...f64, requires_grad: true });
    const w = torch.tensor([1.5, -0.5], { ...f64, requires_grad: true });
    const b = x.t().mul(1);
    b.select(1, 1).mul_(torch.tensor([1, 2, 3], f64).mul(w.sum()));
    const [gx, gw] = torch.autograd.grad(b.sin().sum(), [x, w], { create_graph: true }) as Tensor[];
    gx.pow(2).sum().add(gw.pow(2).sum()).backward();
    expectClose(x.grad!.tolist(), [[-0.8415, 0.9093, 0.7568], [-19.5759, 53.542, -198.3051]], 1e-4, 1e-4);
    expectClose(w.grad!.tolist(), [323.6046, 323.6046], 1e-4, 1e-4);
  });

  it("passes gradgradcheck in float64 through CopySlices and the view's AsStridedBackward0", () => {
    const x = torch.randn([3, 4], { ...f64, requires_grad: true });
    const s = torch.randn([2], { ...f64, requires_grad: true });
    const fn = (a: Tensor, k: Tensor) => {
      const y = a.mul(1.5).t().mul(1);
      y.narrow(0, 1, 2).select(1, 2).mul_(k);
      y.index(2).tanh_();
      return y.exp().mul(y);
    };
    expect(torch.autograd.gradcheck(fn, [x, s])).toBe(true);
    expect(torch.autograd.gradgradcheck(fn, [x, s])).toBe(true);
  });
});
