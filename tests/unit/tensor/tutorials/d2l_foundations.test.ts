/**
 * "Dive into Deep Learning" (d2l.ai), chapters 2-11, PyTorch edition: the characteristic snippets a reader
 * types, without the d2l package (its few helpers - synthetic_data, data_iter, sgd, Vocab, masked_softmax,
 * sequence_mask, bleu - written inline as the book does), translated as a learner would: positional
 * arguments, { keyword } options, x.index("1:3") for x[1:3], x.index_put_([...], v) for x[...] = v,
 * "None" for x[None, :], a JS Map for collections.Counter, object identity for id().
 * Data sets are small synthetic stand-ins (Fashion-MNIST, The Time Machine, fra-eng).
 *
 * Not translatable as written (JS, not the engine): `4.0` is `4`, so torch.arange(4.0) is an int64 range
 * (write { dtype: torch.float32 }) and torch.tensor([1, 2]) is float32 (labels say { dtype: torch.long });
 * len(x) is x.shape[0]; `with torch.no_grad():` is torch.no_grad(() => ...); operators are methods.
 *
 * Engine gaps this probe found, checked against torch 1.13 (scripts/fixtures/d2l_foundations_fixtures.py):
 * NumPy's axis / keepdims as dim / keepdim (d2l's accuracy uses y_hat.argmax(axis=1), ch2 A.cumsum(axis=0));
 * LazyBatchNorm1d after a LazyLinear took N for num_features; load_state_dict into a fresh lazy model.
 */
import { describe, expect, it } from "vitest";
import { F, nn, optim, torch, utils, type Tensor } from "../../../../lib/tensor/index";
import { thrown, tutorialFixture } from "./helpers";

/** A Sequential whose numbered children are read as Linear layers (net[2].weight): a cast Python does not need. */
type LinearStack = nn.Sequential & { [i: number]: nn.Linear };
const close = (a: number, b: number, t = 1e-4) => Math.abs(a - b) < t;
/** The probe's assertion: cond must hold (msg says which). */
function check(cond: boolean, msg: string): void {
  expect(cond, msg).toBe(true);
}

type FT = { shape: number[]; data: number[] };
const fx = tutorialFixture<{
  A: FT;
  calls: Record<string, { value?: FT; values?: FT[]; error?: string; message?: string }>;
  lazy_bn1d_num_features: number;
  lazy_clone_shapes: Record<string, number[]>;
  lazy_conv_clone_shapes: Record<string, number[]>;
  uninit_repr: string;
  optimizer_first: { X: FT; loss: number; weight: FT; bias: FT };
}>("d2l_foundations.json");
const fromFT = (t: FT) => torch.tensor(t.data, { dtype: torch.float64 }).reshape(t.shape);

describe("engine gaps found by the d2l probe (torch 1.13 fixture)", () => {
  const A = fromFT(fx.A).float();
  const ONE = torch.zeros([3, 1], { dtype: torch.long });
  const calls: Record<string, () => unknown> = {
    "Tensor.argmax(axis=1)": () => A.argmax({ axis: 1 } as never),
    "Tensor.argmin(axis=0, keepdims=True)": () => A.argmin({ axis: 0, keepdims: true } as never),
    "Tensor.cumsum(axis=0)": () => A.cumsum({ axis: 0 } as never),
    "torch.cumsum(A, axis=1)": () => torch.cumsum(A, { axis: 1 } as never),
    "Tensor.cumprod(axis=1)": () => A.cumprod({ axis: 1 } as never),
    "Tensor.sum(1, keepdims=True)": () => A.sum(1, { keepdims: true } as never),
    "Tensor.mean(axis=0)": () => A.mean({ axis: 0 } as never),
    "Tensor.max(axis=1)": () => A.max({ axis: 1 } as never),
    "Tensor.max(dim=1, keepdims=True)": () => A.max({ dim: 1, keepdims: true } as never),
    "torch.max(A, axis=0)": () => torch.max(A, { axis: 0 } as never),
    "Tensor.min(axis=1)": () => A.min({ axis: 1 } as never),
    "Tensor.softmax(axis=1)": () => A.softmax({ axis: 1 } as never),
    "torch.softmax(A, axis=0)": () => torch.softmax(A, { axis: 0 } as never),
    "Tensor.log_softmax(axis=1)": () => A.log_softmax({ axis: 1 } as never),
    "torch.cat([A, A], axis=1)": () => torch.cat([A, A], { axis: 1 } as never),
    "torch.stack([A, A], axis=2)": () => torch.stack([A, A], { axis: 2 } as never),
    "Tensor.logsumexp(axis=1, keepdims=True)": () => A.logsumexp({ axis: 1, keepdims: true } as never),
    "Tensor.std(axis=0)": () => A.std({ axis: 0 } as never),
    "torch.var(A, axis=1, keepdims=True)": () => torch.var(A, { axis: 1, keepdims: true } as never),
    "Tensor.unsqueeze(axis=1)": () => A.unsqueeze({ axis: 1 } as never),
    "Tensor.sort(axis=1)": () => A.sort({ axis: 1 } as never),
    "Tensor.topk(2, axis=1)": () => A.topk(2, { axis: 1 } as never),
    "Tensor.all(axis=1)": () => A.gt(2).all({ axis: 1 } as never),
    "Tensor.gather(axis=1, index=ONE)": () => A.gather({ axis: 1, index: ONE } as never),
    "Tensor.index_select(axis=1, index=[0, 2])": () => A.index_select({ axis: 1, index: torch.tensor([0, 2], { dtype: torch.long }) } as never),
    "Tensor.amax(axis=0)": () => A.amax({ axis: 0 } as never),
    "Tensor.chunk(2, axis=1)": () => A.chunk(2, { axis: 1 } as never),
    "Tensor.sum(axis=1, dim=1)": () => A.sum({ axis: 1, dim: 1 } as never),
    "F.softmax(A, axis=1)": () => F.softmax(A, { axis: 1 } as never),
    "Tensor.split(2, axis=1)": () => A.split(2, { axis: 1 } as never),
    "Tensor.norm(axis=1)": () => A.norm({ axis: 1 } as never),
    "torch.unique(A, axis=0)": () => torch.unique(A, { axis: 0 } as never),
  };

  it("NumPy's axis / keepdims: taken wherever torch 1.13's C++ parser takes them, refused by its Python-level functions", () => {
    expect(Object.keys(calls).sort()).toEqual(Object.keys(fx.calls).sort());
    const asList = (r: unknown): Tensor[] => {
      if (r instanceof torch.Tensor) return [r];
      const o = r as { values?: Tensor; indices?: Tensor } & Tensor[];
      if (Array.isArray(o)) return o;
      return [(o as { values: Tensor }).values, (o as { indices: Tensor }).indices];
    };
    for (const [name, ref] of Object.entries(fx.calls)) {
      if (ref.error !== undefined) {
        const err = thrown(calls[name]);
        expect(err, name).not.toBeNull();
        expect(err![0], name).toMatch(/TypeError/);
        // torch names the keyword it refuses; the engine too, for the Python-level ones
        if (!name.includes("dim=1")) expect(err![1], name).toContain("'axis'");
        continue;
      }
      const got = asList(calls[name]());
      const want = ref.value ? [ref.value] : ref.values!;
      expect(got.length, name).toBe(want.length);
      got.forEach((g, i) => {
        expect(g.shape, name).toEqual(want[i].shape);
        expect(g.double().allclose(fromFT(want[i]), { atol: 1e-5 }), name).toBe(true);
      });
    }
  });

  it("d2l's accuracy: y_hat.argmax(axis=1), then (y_hat.type(y.dtype) == y).sum()", () => {
    const y_hat = torch.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]]);
    const y = torch.tensor([0, 2], { dtype: torch.long });
    const pred = y_hat.argmax({ axis: 1 } as never);
    expect(pred.tolist()).toEqual([2, 2]);
    expect(pred.type(y.dtype).eq(y).type(y.dtype).sum().item()).toBe(1);
  });

  it("LazyBatchNorm1d after a LazyLinear reads num_features from dim 1 of [N, C] (d2l's BN LeNet)", () => {
    const bn = new nn.LazyBatchNorm1d();
    bn(torch.randn(4, 12));
    expect((bn as unknown as nn.BatchNorm1d).num_features).toBe(fx.lazy_bn1d_num_features);
    const net = new nn.Sequential(new nn.Flatten(), new nn.LazyLinear(12), new nn.LazyBatchNorm1d(), new nn.Sigmoid(), new nn.LazyLinear(10));
    expect(net(torch.randn(4, 1, 5, 5)).shape).toEqual([4, 10]);
    expect((net[2] as nn.BatchNorm1d).running_mean!.shape).toEqual([12]);
  });

  it("an optimizer built before the first call trains a lazy model (d2l's Trainer): the placeholders are materialised in place", () => {
    torch.manual_seed(0);
    const net = new nn.Sequential(new nn.LazyLinear(1));
    expect(String((net[0] as nn.Linear).weight)).toBe(fx.uninit_repr); // <UninitializedParameter>
    expect((net[0] as nn.Linear).weight).toBeInstanceOf(nn.UninitializedParameter);
    const opt = new optim.SGD(net.parameters(), { lr: 0.1 });
    const X = torch.randn(8, 3); // drawn before the lazy init's draws, as in torch
    expect(X.double().allclose(fromFT(fx.optimizer_first.X), { atol: 1e-6 })).toBe(true);
    const y = X.sum(1, { keepdim: true });
    let loss = torch.tensor(0);
    for (let i = 0; i < 20; i++) {
      opt.zero_grad();
      loss = net(X).sub(y).pow(2).mean();
      loss.backward();
      opt.step();
    }
    const lin = net[0] as nn.Linear;
    expect(lin.weight).not.toBeInstanceOf(nn.UninitializedParameter);
    expect(opt.param_groups[0].params[0]).toBe(lin.weight);
    expect(loss.item()).toBeCloseTo(fx.optimizer_first.loss, 5);
    expect(lin.weight.double().allclose(fromFT(fx.optimizer_first.weight), { atol: 1e-4 })).toBe(true);
    expect(lin.bias!.double().allclose(fromFT(fx.optimizer_first.bias), { atol: 1e-4 })).toBe(true);
    // the channel-reading lazy layers too
    const cnn = new nn.Sequential(new nn.LazyConv2d(2, 3), new nn.LazyBatchNorm2d(), new nn.Flatten(), new nn.LazyLinear(1));
    expect(cnn.parameters().map((p) => String(p))).toEqual(Array(6).fill("<UninitializedParameter>"));
    const adam = new optim.Adam(cnn.parameters(), { lr: 0.05 });
    const x = torch.randn(4, 1, 5, 5), t = torch.randn(4, 1);
    const losses: number[] = [];
    for (let i = 0; i < 30; i++) {
      adam.zero_grad();
      const l = cnn(x).sub(t).pow(2).mean();
      losses.push(l.item());
      l.backward();
      adam.step();
    }
    expect(losses[29]).toBeLessThan(losses[0] / 10);
    expect(cnn.parameters().map((p) => p.shape.join("x"))).toEqual(["2x1x3x3", "2", "2", "2", "1x18", "1"]);
  });

  it("load_state_dict into a fresh lazy model materialises it from the saved shapes, without drawing (d2l 6.6)", () => {
    class MLP extends nn.Module {
      hidden = new nn.LazyLinear(8);
      output = new nn.LazyLinear(3);
      forward(X: Tensor) { return this.output(F.relu(this.hidden(X))); }
    }
    torch.manual_seed(0);
    const net = new MLP();
    const X = torch.randn(2, 5);
    const Y = net(X);
    torch.save(net.state_dict(), "mlp.params");
    torch.manual_seed(1);
    const clone = new MLP();
    clone.load_state_dict(torch.load("mlp.params") as Record<string, Tensor>);
    const next = torch.rand(1).item();
    torch.manual_seed(1);
    expect(torch.rand(1).item()).toBe(next); // the load drew nothing from the generator
    clone.eval();
    expect(Object.fromEntries(Object.entries(clone.state_dict()).map(([k, v]) => [k, [...v.shape]]))).toEqual(fx.lazy_clone_shapes);
    expect(clone(X).equal(Y)).toBe(true);
    expect(clone.hidden).toBeInstanceOf(nn.Linear);

    const conv = new nn.Sequential(new nn.LazyConv2d(4, 3, { groups: 1 }), new nn.LazyBatchNorm2d());
    const x = torch.randn(2, 3, 6, 6);
    conv(x);
    conv.eval();
    const conv_clone = new nn.Sequential(new nn.LazyConv2d(4, 3), new nn.LazyBatchNorm2d());
    conv_clone.load_state_dict(conv.state_dict());
    conv_clone.eval();
    expect(Object.fromEntries(Object.entries(conv_clone.state_dict()).map(([k, v]) => [k, [...v.shape]]))).toEqual(fx.lazy_conv_clone_shapes);
    expect(conv_clone(x).allclose(conv(x))).toBe(true);
    // grouped and transposed convolutions read in_channels from the right weight dim
    const g = new nn.Sequential(new nn.Conv2d(4, 8, 3, { groups: 2 }), new nn.ConvTranspose2d(8, 2, 3));
    const gl = new nn.Sequential(new nn.LazyConv2d(8, 3, { groups: 2 }), new nn.LazyConvTranspose2d(2, 3));
    gl.load_state_dict(g.state_dict());
    const xg = torch.randn(1, 4, 5, 5);
    expect(gl(xg).allclose(g(xg))).toBe(true);
  });
});

describe("d2l ch2 preliminaries", () => {

it("2.1 arange/numel/shape/reshape", () => {
  const x = torch.arange(12, { dtype: torch.float32 });
  check(x.numel() === 12, "numel");
  check(x.shape[0] === 12, "shape");
  const X = x.reshape(3, 4);
  check(String(X.shape) === "torch.Size([3, 4])", "reshape");
  check(String(x.reshape(3, -1).shape) === "torch.Size([3, 4])", "-1");
  check(String(x.reshape([-1, 4]).shape) === "torch.Size([3, 4])", "list");
});
it("2.1 zeros/ones/randn/tensor", () => {
  check(String(torch.zeros([2, 3, 4]).shape) === "torch.Size([2, 3, 4])", "zeros tuple");
  check(String(torch.zeros(2, 3, 4).shape) === "torch.Size([2, 3, 4])", "zeros");
  check(String(torch.ones([2, 3, 4]).shape) === "torch.Size([2, 3, 4])", "ones");
  check(String(torch.randn(3, 4).shape) === "torch.Size([3, 4])", "randn");
  // JS numbers carry no int / float distinction: torch.tensor of numbers is float32, labels say dtype: torch.long
  check(torch.tensor([[2, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]]).dtype === torch.float32, "float32");
  check(torch.tensor([[2, 1, 4, 3]], { dtype: torch.long }).dtype === torch.int64, "int64");
});
it("2.1 X[-1], X[1:3], X[1,2]=17, X[:2,:]=12", () => {
  const X = torch.arange(12, { dtype: torch.float32 }).reshape(3, 4);
  check(X.index(-1).tolist().toString() === "8,9,10,11", "-1");
  check(String(X.index("1:3").shape) === "torch.Size([2, 4])", "1:3");
  X.index_put_([1, 2], 17);
  check(X.index(1, 2).item() === 17, "setitem");
  X.index_put_(["0:2", ":"], 12);
  check(X.index(0).tolist().toString() === "12,12,12,12", "slice setitem");
  X.index("2:", ":").fill_(5);
  check(X.index(2, 0).item() === 5, "fill_ view");
});
it("2.1 elementwise ops, exp, cat, ==, sum", () => {
  const x = torch.tensor([1.0, 2, 4, 8]);
  const y = torch.tensor([2, 2, 2, 2]);
  const r = [x.add(y), x.sub(y), x.mul(y), x.div(y), x.pow(y)];
  check(r[4].tolist().toString() === "1,4,16,64", "pow");
  check(r[3].dtype === torch.float32, "div");
  check(close(torch.exp(x).index(0).item(), Math.E), "exp");
  const X = torch.arange(12, { dtype: torch.float32 }).reshape([3, 4]);
  const Y = torch.tensor([[2.0, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]]);
  check(String(torch.cat([X, Y], { dim: 0 }).shape) === "torch.Size([6, 4])", "cat0");
  check(String(torch.cat([X, Y], 1).shape) === "torch.Size([3, 8])", "cat1");
  const eq = X.eq(Y);
  check(eq.dtype === torch.bool && eq.sum().item() === 2, "eq");
  check(X.sum().item() === 66, "sum");
});
it("2.1 broadcasting", () => {
  const a = torch.arange(3).reshape([3, 1]);
  const b = torch.arange(2).reshape([1, 2]);
  const c = a.add(b);
  check(String(c.shape) === "torch.Size([3, 2])" && c.tolist().toString() === "0,1,1,2,2,3", "bcast");
});
it("2.1 in-place Z[:] = X + Y, X += Y keep storage", () => {
  const X = torch.arange(12, { dtype: torch.float32 }).reshape([3, 4]);
  const Y = torch.ones(3, 4);
  // id(Z) is object identity here (data_ptr() is refused: no memory addresses in JS)
  const Z = torch.zeros_like(Y);
  const before = Z;
  const r = Z.index_put_([":"], X.add(Y));
  check(r === before && Z.index(0, 0).item() === 1, "Z[:]");
  let Y2 = Y;
  Y2 = Y2.add(X); // Y = Y + X: a new tensor
  check(Y2 !== Y, "Y = Y + X");
  const X0 = X;
  check(X.add_(Y) === X0 && X.index(0, 0).item() === 1, "X += Y in place");
});
it("2.1 numpy-style conversion tolist / item / float()", () => {
  const a = torch.tensor([3.5]);
  check(a.item() === 3.5 && Number(a) === 3.5 && Math.trunc(+a) === 3, "scalars");
  const A = torch.arange(6).reshape(2, 3);
  const B = torch.tensor(A.tolist() as number[][]);
  check(B.equal(A), "round trip");
  const n = A.numpy?.();
  check(n !== undefined, "numpy()");
});
it("2.2 pandas-free preprocessing: fillna mean, get_dummies as one_hot", () => {
  const nan = NaN;
  const rooms = torch.tensor([nan, 2, 4, nan]);
  const mean = rooms.nanmean();
  const filled = torch.where(rooms.isnan(), mean, rooms);
  check(filled.tolist().toString() === "3,2,4,3", "fill");
  const onehot = F.one_hot(torch.tensor([0, 1, 0, 0], { dtype: torch.long }), 2);
  check(String(onehot.shape) === "torch.Size([4, 2])", "one_hot");
  const Xc = torch.cat([filled.reshape(-1, 1), onehot.float()], 1);
  check(String(Xc.shape) === "torch.Size([4, 3])", "cat");
});
it("2.3 scalars, vectors, len, matrices, A.T, symmetric", () => {
  const x = torch.tensor(3.0), y = torch.tensor(2.0);
  check(x.add(y).item() === 5 && x.pow(y).item() === 9, "scalar");
  const v = torch.arange(3);
  check(v.index(2).item() === 2 && v.shape[0] === 3 && v.numel() === 3, "vector");
  check(v.shape[0] === 3 && [...v].length === 3, "len(x)");
  const A = torch.arange(6).reshape(3, 2);
  check(String(A.T.shape) === "torch.Size([2, 3])", "A.T");
  const S = torch.tensor([[1, 2, 3], [2, 0, 4], [3, 4, 5]]);
  check(S.eq(S.T).all().item<boolean>() === true, "symmetric");
});
it("2.3 tensors, clone, Hadamard, a + X, reductions", () => {
  const A = torch.arange(6, { dtype: torch.float32 }).reshape(2, 3);
  const B = A.clone();
  check(A.mul(B).tolist().toString() === "0,1,4,9,16,25", "hadamard");
  const a = 2;
  const X = torch.arange(24).reshape(2, 3, 4);
  check(X.add(a).index(0, 0, 0).item() === 2 && String(X.mul(a).shape) === "torch.Size([2, 3, 4])", "scalar op");
  check(A.sum({ axis: 0 }).tolist().toString() === "3,5,7", "axis=0");
  check(A.sum({ axis: 1 }).tolist().toString() === "3,12", "axis=1");
  check(A.sum({ axis: [0, 1] }).item() === 15, "axis=[0,1]");
  check(A.sum([0, 1]).item() === 15, "[0,1]");
  check(close(A.mean().item(), 2.5) && close(A.sum().item() / A.numel(), 2.5), "mean");
  check(A.mean({ axis: 0 }).tolist().toString() === "1.5,2.5,3.5", "mean axis");
  const sum_A = A.sum({ axis: 1, keepdims: true });
  check(String(sum_A.shape) === "torch.Size([2, 1])", "keepdims");
  check(close(A.div(sum_A).index(0, 1).item(), 1 / 3), "A / sum_A");
  check(A.cumsum({ axis: 0 }).tolist().toString() === "0,1,2,3,5,7", "cumsum axis");
});
it("2.3 dot, mv, mm, @, norms", () => {
  const x = torch.arange(3, { dtype: torch.float32 });
  const y = torch.ones(3, { dtype: torch.float32 });
  check(torch.dot(x, y).item() === 3 && torch.sum(x.mul(y)).item() === 3, "dot");
  const A = torch.arange(6, { dtype: torch.float32 }).reshape(2, 3);
  check(String(A.shape) + "|" + String(x.shape) === "torch.Size([2, 3])|torch.Size([3])", "shapes");
  check(torch.mv(A, x).tolist().toString() === "5,14" && A.matmul(x).tolist().toString() === "5,14", "mv/@");
  const B = torch.ones(3, 4);
  check(torch.mm(A, B).index(1, 0).item() === 12 && A.matmul(B).index(0, 0).item() === 3, "mm");
  const u = torch.tensor([3.0, -4.0]);
  check(torch.norm(u).item() === 5 && torch.abs(u).sum().item() === 7, "norms");
  check(close(torch.norm(torch.ones([4, 9])).item(), 6), "frobenius");
});
it("2.4 calculus: numerical limit f(x)=3x^2-4x", () => {
  const f = (x: number) => 3 * x ** 2 - 4 * x;
  let h = 0.1; let last = 0;
  for (let i = 0; i < 5; i++) { last = (f(1 + h) - f(1)) / h; h *= 0.1; }
  check(close(last, 2, 1e-3), "limit");
});
it("2.5 autograd y = 2 x.x, grad, zero_, sum", () => {
  const x = torch.arange(4, { dtype: torch.float32 }); // arange(4.0): 4.0 is 4 in JS
  x.requires_grad_(true);
  check(x.grad === null, "grad None");
  let y = torch.dot(x, x).mul(2);
  y.backward();
  check(x.grad!.tolist().toString() === "0,4,8,12" && x.grad!.eq(x.mul(4)).all().item<boolean>() === true, "grad");
  x.grad!.zero_();
  y = x.sum();
  y.backward();
  check(x.grad!.tolist().toString() === "1,1,1,1", "sum grad");
});
it("2.5 non-scalar backward(gradient=torch.ones(len(y)))", () => {
  const x = torch.arange(4, { dtype: torch.float32, requires_grad: true });
  const y = x.mul(x);
  y.backward({ gradient: torch.ones(y.shape[0]) });
  check(x.grad!.tolist().toString() === "0,2,4,6", "kw");
  x.grad!.zero_();
  const y2 = x.mul(x);
  y2.backward(torch.ones(4));
  check(x.grad!.tolist().toString() === "0,2,4,6", "pos");
  x.grad!.zero_();
  x.mul(x).sum().backward();
  check(x.grad!.tolist().toString() === "0,2,4,6", "sum");
});
it("2.5 detach", () => {
  const x = torch.arange(4, { dtype: torch.float32, requires_grad: true });
  const y = x.mul(x);
  const u = y.detach();
  const z = u.mul(x);
  z.sum().backward();
  check(x.grad!.eq(u).all().item<boolean>() === true, "detach");
  x.grad!.zero_();
  y.sum().backward();
  check(x.grad!.eq(x.mul(2)).all().item<boolean>() === true, "y still");
});
it("2.5 control flow f(a) while b.norm() < 1000", () => {
  function f(a: Tensor): Tensor {
    let b = a.mul(2);
    while (Number(b.norm()) < 1000) b = b.mul(2);  // Python: while b.norm() < 1000
    let c: Tensor;
    if (Number(b.sum()) > 0) c = b; else c = b.mul(100);
    return c;
  }
  torch.manual_seed(0);
  const a = torch.randn([], { requires_grad: true });
  const d = f(a);
  d.backward();
  check(close(a.grad!.item(), d.div(a).item(), 1e-3), "grad == d/a");
  const a2 = torch.randn(3, { requires_grad: true });
  const d2 = f(a2);
  d2.sum().backward();
  check(a2.grad!.allclose(d2.div(a2)), "vector");
});
it("2.6 Multinomial(1/10, fair_probs).sample((1000,))", () => {
  torch.manual_seed(0);
  const fair_probs = torch.ones([6]).div(6);
  const M = torch.distributions.multinomial.Multinomial;
  const s1 = new M(1, fair_probs).sample();
  check(String(s1.shape) === "torch.Size([6])" && s1.sum().item() === 1, "one");
  const s10 = new M(10, fair_probs).sample();
  check(s10.sum().item() === 10, "ten");
  const counts = new M(1000, fair_probs).sample();
  const freq = counts.div(1000);
  check(freq.sub(1 / 6).abs().max().item() < 0.05, "freqs");
  const c2 = new M(10, fair_probs).sample([500]);
  check(String(c2.shape) === "torch.Size([500, 6])", "batch sample");
  const cum = c2.cumsum({ dim: 0 });
  const est = cum.div(cum.sum({ dim: 1, keepdims: true }));
  check(String(est.shape) === "torch.Size([500, 6])" && est.index(-1).sub(1 / 6).abs().max().item() < 0.03, "estimates");
});
it("2.6 torch.distributions Bernoulli / Normal basic", () => {
  torch.manual_seed(1);
  const b = new torch.distributions.Bernoulli(0.5);
  check(b.sample([100]).shape[0] === 100, "bern");
  const n = new torch.distributions.Normal(0, 1);
  check(close(n.log_prob(torch.tensor(0.0)).item(), -0.5 * Math.log(2 * Math.PI)), "normal");
});
it("2.6 torch.rand() < 0.5 coin", () => {
  torch.manual_seed(2);
  const heads = Array.from({ length: 100 }, () => (Number(torch.rand([])) > 0.5 ? 1 : 0)).reduce((a: number, b) => a + b, 0);
  check(heads > 30 && heads < 70, "coin");
});

});

describe("d2l ch3-6: linear / softmax regression, MLPs, builders' guide", () => {

// ---------- ch3 linear regression from scratch
function synthetic_data(w: Tensor, b: number, num_examples: number): [Tensor, Tensor] {
  const X = torch.normal(0, 1, [num_examples, w.shape[0]]);
  let y = torch.matmul(X, w).add(b);
  y = y.add(torch.normal(0, 0.01, y.shape)); // y += torch.normal(0, 0.01, y.shape)
  return [X, y.reshape([-1, 1])];
}
function* data_iter(batch_size: number, features: Tensor, labels: Tensor): Generator<[Tensor, Tensor]> {
  const num_examples = features.shape[0];
  const indices = torch.randperm(num_examples).tolist() as number[]; // random.shuffle(list(range(num_examples))), seeded
  for (let i = 0; i < num_examples; i += batch_size) {
    const batch_indices = torch.tensor(indices.slice(i, Math.min(i + batch_size, num_examples)), { dtype: torch.long });
    yield [features.index(batch_indices), labels.index(batch_indices)];
  }
}
function linreg(X: Tensor, w: Tensor, b: Tensor) { return torch.matmul(X, w).add(b); }
function squared_loss(y_hat: Tensor, y: Tensor) { return y_hat.sub(y.reshape(y_hat.shape)).pow(2).div(2); }
function sgd(params: Tensor[], lr: number, batch_size: number) {
  torch.no_grad(() => {
    for (const param of params) {
      param.sub_(param.grad!.mul(lr).div(batch_size)); // param -= lr * param.grad / batch_size
      param.grad!.zero_();
    }
  });
}
it("3.2 linear regression from scratch", () => {
  torch.manual_seed(0);
  const true_w = torch.tensor([2, -3.4]);
  const true_b = 4.2;
  const [features, labels] = synthetic_data(true_w, true_b, 1000);
  check(String(features.shape) === "torch.Size([1000, 2])" && String(labels.shape) === "torch.Size([1000, 1])", "shapes");
  const w = torch.normal(0, 0.01, [2, 1], { requires_grad: true });
  const b = torch.zeros(1, { requires_grad: true });
  const lr = 0.03, num_epochs = 3, batch_size = 10;
  let first = 0;
  for (let epoch = 0; epoch < num_epochs; epoch++) {
    for (const [X, y] of data_iter(batch_size, features, labels)) {
      const l = squared_loss(linreg(X, w, b), y);
      l.sum().backward();
      sgd([w, b], lr, batch_size);
    }
    torch.no_grad(() => {
      const train_l = squared_loss(linreg(features, w, b), labels);
      if (epoch === 0) first = train_l.mean().item();
      if (epoch === num_epochs - 1) check(train_l.mean().item() < 1e-3, "epoch 3 loss " + train_l.mean().item());
    });
  }
  check(first < 0.1, "epoch 1 loss " + first); // d2l prints about 0.04
  check(true_w.sub(w.reshape(true_w.shape)).abs().max().item() < 0.01, "w");
  check(Math.abs(true_b - b.item()) < 0.01, "b");
});
it("3.5 concise linear regression: LazyLinear, MSELoss, SGD, weight.data.normal_, bias.data.fill_", () => {
  torch.manual_seed(0);
  const [features, labels] = synthetic_data(torch.tensor([2, -3.4]), 4.2, 400);
  const net = new nn.LazyLinear(1);
  net(features.index("0:2"));
  net.weight.data.normal_(0, 0.01);
  net.bias!.data.fill_(0);
  const loss = new nn.MSELoss();
  const trainer = new optim.SGD(net.parameters(), { lr: 0.03 });
  const ds = new utils.data.TensorDataset(features, labels);
  const loader = new utils.data.DataLoader(ds, { batch_size: 10, shuffle: true });
  for (let epoch = 0; epoch < 3; epoch++) for (const [X, y] of loader) {
    const l = loss(net(X), y); trainer.zero_grad(); l.backward(); trainer.step();
  }
  const w = net.weight.data, b = net.bias!.data;
  check(w.sub(torch.tensor([[2, -3.4]])).abs().max().item() < 0.01, "w");
  check(Math.abs(b.item() - 4.2) < 0.01, "b");
  check(net.weight.grad !== null && String(net.weight.grad!.shape) === "torch.Size([1, 2])", "grad");
});
it("3.7 weight decay: l2_penalty and param groups", () => {
  torch.manual_seed(0);
  const l2_penalty = (w: Tensor) => w.pow(2).sum().div(2);
  const n_train = 20, num_inputs = 200;
  const true_w = torch.ones([num_inputs, 1]).mul(0.01), true_b = 0.05;
  const [X, y] = synthetic_data(true_w.reshape(-1), true_b, n_train);
  const train = (lambd: number) => {
    const w = torch.normal(0, 1, [num_inputs, 1], { requires_grad: true });
    const b = torch.zeros(1, { requires_grad: true });
    for (let e = 0; e < 50; e++) {
      const l = squared_loss(linreg(X, w, b), y).add(l2_penalty(w).mul(lambd));
      l.sum().backward();
      sgd([w, b], 0.01, n_train);
    }
    return w.norm().item();
  };
  check(train(3) < train(0), "wd shrinks");
  const net = new nn.Sequential(new nn.Linear(num_inputs, 1));
  for (const param of net.parameters()) param.data.normal_();
  const wd = 3;
  const trainer = new optim.SGD([{ params: (net[0] as nn.Linear).weight, weight_decay: wd }, { params: (net[0] as nn.Linear).bias! }], { lr: 0.003 });
  const n0 = (net[0] as nn.Linear).weight.norm().item();
  for (let e = 0; e < 20; e++) { trainer.zero_grad(); new nn.MSELoss()(net(X), y).backward(); trainer.step(); }
  check((net[0] as nn.Linear).weight.norm().item() < n0, "wd param group");
  check(trainer.param_groups[1].weight_decay === 0, "group default");
});
// ---------- ch4 softmax regression
function softmax(X: Tensor) {
  const X_exp = torch.exp(X);
  const partition = X_exp.sum(1, { keepdims: true });
  return X_exp.div(partition);
}
function cross_entropy(y_hat: Tensor, y: Tensor) {
  return torch.log(y_hat.index(Array.from({ length: y_hat.shape[0] }, (_, i) => i), y)).neg();
}
function accuracy(y_hat: Tensor, y: Tensor): number {
  if (y_hat.shape.length > 1 && y_hat.shape[1] > 1) y_hat = y_hat.argmax({ axis: 1 });
  const cmp = y_hat.type(y.dtype).eq(y);
  return Number(cmp.type(y.dtype).sum());
}
it("4.2 softmax from scratch, cross_entropy fancy index, accuracy(argmax axis=1)", () => {
  torch.manual_seed(0);
  const X = torch.rand([2, 5]);
  const X_prob = softmax(X);
  check(X_prob.sum(1).sub(1).abs().max().item() < 1e-6, "rows sum to 1");
  const y = torch.tensor([0, 2], { dtype: torch.long });
  const y_hat = torch.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]]);
  check(close(y_hat.index([0, 1], y).index(0).item(), 0.1), "y_hat[[0,1], y]");
  check(close(cross_entropy(y_hat, y).index(1).item(), -Math.log(0.5)), "ce");
  check(accuracy(y_hat, y) / y.numel() === 0.5, "accuracy");
});
it("4.2 softmax regression from scratch training on synthetic digits", () => {
  torch.manual_seed(0);
  const n = 256;
  const yall = torch.randint(0, 10, [n]);
  const Xall = torch.randn(n, 1, 8, 8).mul(0.3).add(F.one_hot(yall, 64).reshape(n, 1, 8, 8).float());
  const num_inputs = 64, num_outputs = 10;
  const W = torch.normal(0, 0.01, [num_inputs, num_outputs], { requires_grad: true });
  const b = torch.zeros(num_outputs, { requires_grad: true });
  const net = (X: Tensor) => softmax(torch.matmul(X.reshape([-1, W.shape[0]]), W).add(b));
  const losses: number[] = [];
  for (let epoch = 0; epoch < 5; epoch++) for (let i = 0; i < n; i += 32) {
    const X = Xall.index(`${i}:${i + 32}`), y = yall.index(`${i}:${i + 32}`);
    const l = cross_entropy(net(X), y);
    losses.push(l.mean().item());
    l.sum().backward();
    sgd([W, b], 0.5, 32);
  }
  check(losses[losses.length - 1] < losses[0] / 2, "loss falls");
  check(accuracy(net(Xall), yall) / n > 0.9, "acc");
});
it("4.5 concise softmax: Sequential(Flatten, LazyLinear(10)), init_weights via apply, CrossEntropyLoss(reduction='none')", () => {
  torch.manual_seed(0);
  const n = 256;
  const yall = torch.randint(0, 10, [n]);
  const Xall = torch.randn(n, 1, 8, 8).mul(0.3).add(F.one_hot(yall, 64).reshape(n, 1, 8, 8).float());
  const net = new nn.Sequential(new nn.Flatten(), new nn.LazyLinear(10));
  net(Xall.index("0:1"));
  function init_weights(m: nn.Module) { if (m instanceof nn.Linear) nn.init.normal_(m.weight, { std: 0.01 }); }
  net.apply(init_weights);
  check((net[1] as nn.Linear).weight.std().item() < 0.02, "init");
  const loss = new nn.CrossEntropyLoss({ reduction: "none" });
  const trainer = new optim.SGD(net.parameters(), { lr: 1 });
  let first = 0, last = 0;
  for (let epoch = 0; epoch < 5; epoch++) for (let i = 0; i < n; i += 32) {
    const X = Xall.index(`${i}:${i + 32}`), y = yall.index(`${i}:${i + 32}`);
    const l = loss(net(X), y);
    check(String(l.shape) === "torch.Size([32])", "none reduction");
    trainer.zero_grad(); l.mean().backward(); trainer.step();
    if (!first) first = l.mean().item(); last = l.mean().item();
  }
  check(last < first / 2, "falls " + first + " " + last);
  check(net[1] instanceof nn.Linear, "LazyLinear materialised to Linear");
});
it("4.5 LSE trick log-sum-exp by hand equals F.cross_entropy", () => {
  const o = torch.tensor([[100.0, 0, -100], [1, 2, 3]]);
  const y = torch.tensor([0, 2], { dtype: torch.long });
  const m = o.max({ dim: 1, keepdim: true }).values;
  const lse = m.add(o.sub(m).exp().sum(1, { keepdim: true }).log());
  const l = lse.squeeze(1).sub(o.gather(1, y.unsqueeze(1)).squeeze(1));
  check(l.allclose(F.cross_entropy(o, y, { reduction: "none" })), "lse");
});
// ---------- ch5 MLPs
it("5.1 relu/sigmoid/tanh gradients", () => {
  const x = torch.arange(-8.0, 8.0, 0.1, { requires_grad: true });
  const y = torch.relu(x);
  y.backward(torch.ones_like(x), { retain_graph: true });
  check(x.grad!.index(0).item() === 0 && x.grad!.index(-1).item() === 1, "relu grad");
  x.grad!.data.zero_();
  torch.sigmoid(x).backward(torch.ones_like(x), { retain_graph: true });
  check(close(x.grad!.max().item(), 0.25, 1e-3), "sigmoid grad max .25");
  x.grad!.data.zero_();
  torch.tanh(x).backward(torch.ones_like(x), { retain_graph: true });
  check(close(x.grad!.max().item(), 1, 1e-3), "tanh grad max 1");
  check(x.shape[0] === 160, "arange float step count");
});
function dropout_layer(X: Tensor, dropout: number) {
  if (dropout === 1) return torch.zeros_like(X);
  const mask = torch.rand(X.shape).gt(dropout).float();
  return mask.mul(X).div(1.0 - dropout);
}
it("5.6 dropout_layer from scratch", () => {
  torch.manual_seed(0);
  const X = torch.arange(16, { dtype: torch.float32 }).reshape([2, 8]);
  check(dropout_layer(X, 0).equal(X), "0");
  const h = dropout_layer(X, 0.5);
  check(h.eq(0).logical_or(h.eq(X.mul(2))).all().item<boolean>() === true, "0.5");
  check(dropout_layer(X, 1).sum().item() === 0, "1");
});
it("5.2 MLP from scratch with nn.Parameter and relu max(X, zeros)", () => {
  torch.manual_seed(0);
  const num_inputs = 64, num_hiddens = 32, num_outputs = 10, sigma = 0.01;
  const W1 = new nn.Parameter(torch.randn(num_inputs, num_hiddens).mul(sigma));
  const b1 = new nn.Parameter(torch.zeros(num_hiddens));
  const W2 = new nn.Parameter(torch.randn(num_hiddens, num_outputs).mul(sigma));
  const b2 = new nn.Parameter(torch.zeros(num_outputs));
  const relu = (X: Tensor) => { const a = torch.zeros_like(X); return torch.max(X, a); };
  const n = 256, yall = torch.randint(0, 10, [n]);
  const Xall = torch.randn(n, 64).mul(0.3).add(F.one_hot(yall, 64).float());
  const net = (X: Tensor) => { X = X.reshape([-1, num_inputs]); const H = relu(torch.matmul(X, W1).add(b1)); return torch.matmul(H, W2).add(b2); };
  const opt = new optim.SGD([W1, b1, W2, b2], { lr: 0.5 });
  const l0 = F.cross_entropy(net(Xall), yall).item();
  for (let i = 0; i < 150; i++) { opt.zero_grad(); F.cross_entropy(net(Xall), yall).backward(); opt.step(); }
  check(F.cross_entropy(net(Xall), yall).item() < l0 / 2, "falls " + l0 + " " + F.cross_entropy(net(Xall), yall).item());
});
it("5.4 numerical stability: sigmoid grad vanishes, product of 100 gaussians explodes", () => {
  const x = torch.arange(-8.0, 8.0, 0.1, { requires_grad: true });
  const y = torch.sigmoid(x);
  y.backward(torch.ones_like(x));
  check(x.grad!.index(0).item() < 1e-3, "vanish");
  torch.manual_seed(0);
  let M = torch.normal(0, 1, [4, 4]);
  for (let i = 0; i < 100; i++) M = torch.mm(M, torch.normal(0, 1, [4, 4]));
  check(M.abs().max().item() > 1e20, "explode");
});
it("5.x xavier_uniform_ / kaiming via apply", () => {
  const net = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 1));
  const init_xavier = (m: nn.Module) => { if (m instanceof nn.Linear) nn.init.xavier_uniform_(m.weight); };
  net.apply(init_xavier);
  const bound = Math.sqrt(6 / (4 + 8));
  check((net[0] as nn.Linear).weight.abs().max().item() <= bound, "xavier bound");
});
// ---------- ch6 builders' guide
class MLP extends nn.Module {
  hidden = new nn.LazyLinear(256);
  out = new nn.LazyLinear(10);
  forward(X: Tensor) { return this.out(F.relu(this.hidden(X))); }
}
class MySequential extends nn.Module {
  constructor(...args: nn.Module[]) { super(); args.forEach((module, idx) => this.add_module(String(idx), module)); }
  forward(X: Tensor) { for (const block of this.children()) X = block(X); return X; }
}
class FixedHiddenMLP extends nn.Module {
  rand_weight = torch.rand([20, 20], { requires_grad: false });
  linear = new nn.LazyLinear(20);
  forward(X: Tensor) {
    X = this.linear(X);
    X = F.relu(torch.matmul(X, this.rand_weight).add(1));
    X = this.linear(X);
    while (Number(X.abs().sum()) > 1) X = X.div(2);
    return X.sum();
  }
}
class NestMLP extends nn.Module {
  net = new nn.Sequential(new nn.LazyLinear(64), new nn.ReLU(), new nn.LazyLinear(32), new nn.ReLU());
  linear = new nn.LazyLinear(16);
  forward(X: Tensor) { return this.linear(this.net(X)); }
}
it("6.1 Sequential, custom MLP, MySequential, FixedHiddenMLP, NestMLP", () => {
  torch.manual_seed(0);
  const X = torch.rand(2, 20);
  let net: nn.Module = new nn.Sequential(new nn.LazyLinear(256), new nn.ReLU(), new nn.LazyLinear(10));
  check(String(net(X).shape) === "torch.Size([2, 10])", "seq");
  check(String(new MLP()(X).shape) === "torch.Size([2, 10])", "MLP");
  net = new MySequential(new nn.LazyLinear(256), new nn.ReLU(), new nn.LazyLinear(10));
  check(String(net(X).shape) === "torch.Size([2, 10])", "MySequential");
  check(Object.keys(net._modules).join() === "0,1,2", "_modules keys");
  const f = new FixedHiddenMLP()(X);
  check(f.dim() === 0 && Math.abs(f.item()) <= 1, "fixed");
  const chimera = new nn.Sequential(new NestMLP(), new nn.LazyLinear(20), new FixedHiddenMLP());
  check(chimera(X).dim() === 0, "chimera");
});
it("6.1 MySequential of d2l's first edition: self._modules[str(idx)] = module, for block in self._modules.values()", () => {
  class MySeq2 extends nn.Module {
    constructor(...args: nn.Module[]) {
      super();
      args.forEach((block, idx) => { this._modules[String(idx)] = block; });
    }
    forward(X: Tensor) { for (const block of Object.values(this._modules)) X = block!(X); return X; }
  }
  torch.manual_seed(0);
  const net = new MySeq2(new nn.Linear(20, 8), new nn.ReLU(), new nn.Linear(8, 2));
  const X = torch.rand(2, 20);
  const Y = net(X);
  check(String(Y.shape) === "torch.Size([2, 2])", "fwd");
  check(JSON.stringify(net.named_parameters().map(([n]) => n)) === '["0.weight","0.bias","2.weight","2.bias"]', "registered");
  check(String(net).startsWith("MySeq2(\n  (0): Linear(in_features=20, out_features=8, bias=True)"), String(net));
  const seq = new nn.Sequential(net._modules["0"]!, net._modules["1"]!, net._modules["2"]!);
  check(seq(X).equal(Y), "same children");
  check(thrown(() => { net._modules["3"] = 5 as never; })?.[1] === "int is not a Module subclass", "a non-module");
  check(thrown(() => { delete net._modules["0"]; })?.[0] === "TypeError_", "delete refused");
});
it("6.2 parameter access: state_dict, bias.data, type, grad None, named_parameters", () => {
  torch.manual_seed(0);
  const net =  new nn.Sequential(new nn.LazyLinear(8), new nn.ReLU(), new nn.LazyLinear(1)) as LinearStack;
  const X = torch.rand([2, 4]);
  net(X);
  const sd = net[2].state_dict();
  check(Object.keys(sd).join() === "weight,bias", "state_dict keys");
  check(net[2].bias instanceof nn.Parameter, "type");
  check(String(net[2].bias!.data.shape) === "torch.Size([1])", "data");
  check(net[2].weight.grad === null, "grad none");
  const names = [...net.named_parameters()].map(([name, param]: [string, Tensor]) => [name, param.shape]);
  check(JSON.stringify(names) === JSON.stringify([["0.weight", [8, 4]], ["0.bias", [8]], ["2.weight", [1, 8]], ["2.bias", [1]]]), JSON.stringify(names));
  check(net.state_dict()["2.bias"].data.shape[0] === 1, "net.state_dict()['2.bias']");
});
it("6.2 tied parameters (shared layer)", () => {
  const shared = new nn.LazyLinear(8);
  const net =  new nn.Sequential(new nn.LazyLinear(8), new nn.ReLU(), shared, new nn.ReLU(), shared, new nn.ReLU(), new nn.LazyLinear(1)) as LinearStack;
  net(torch.rand(2, 4));
  check(net[2].weight.data.index(0).eq(net[4].weight.data.index(0)).all().item<boolean>() === true, "same");
  net[2].weight.data.index_put_([0, 0], 100);
  check(net[4].weight.data.index(0, 0).item() === 100, "tied");
  check([...net.parameters()].length === 6, "dedup params");
});
it("6.3 init: normal_/zeros_, constant_, xavier + constant 42, my_init", () => {
  torch.manual_seed(0);
  const net =  new nn.Sequential(new nn.LazyLinear(8), new nn.ReLU(), new nn.LazyLinear(1)) as LinearStack;
  net(torch.rand(2, 4));
  const init_normal = (module: nn.Module) => { if (module instanceof nn.Linear) { nn.init.normal_(module.weight, { mean: 0, std: 0.01 }); nn.init.zeros_(module.bias!); } };
  net.apply(init_normal);
  check(net[0].bias!.data.abs().sum().item() === 0, "zeros");
  const init_constant = (module: nn.Module) => { if (module instanceof nn.Linear) { nn.init.constant_(module.weight, 1); nn.init.zeros_(module.bias!); } };
  net.apply(init_constant);
  check(net[0].weight.data.index(0).tolist().toString() === "1,1,1,1", "constant");
  const init_42 = (module: nn.Module) => { if (module instanceof nn.Linear) nn.init.constant_(module.weight, 42); };
  net[0].apply((m: nn.Module) => { if (m instanceof nn.Linear) nn.init.xavier_uniform_(m.weight); });
  net[2].apply(init_42);
  check(net[2].weight.data.index(0, 0).item() === 42, "42");
  const my_init = (module: nn.Module) => {
    if (module instanceof nn.Linear) {
      nn.init.uniform_(module.weight, -10, 10);
      module.weight.data.mul_(module.weight.data.abs().ge(5)); // weight.data *= weight.data.abs() >= 5
    }
  };
  net.apply(my_init);
  const w = net[0].weight.data;
  check(w.ne(0).logical_and(w.abs().lt(5)).sum().item() === 0, "my_init");
  net[0].weight.data.index_put_([":"], net[0].weight.data.add(1)); // net[0].weight.data[:] += 1
  net[0].weight.data.index_put_([0, 0], 42);
  check(net[0].weight.data.index(0, 0).item() === 42, "setitem");
});
it("6.4 lazy init: weight uninitialized before a forward", () => {
  const net =  new nn.Sequential(new nn.LazyLinear(256), new nn.ReLU(), new nn.LazyLinear(10)) as LinearStack;
  const w0 = net[0].weight;
  check(String(w0) === "<UninitializedParameter>" && w0 instanceof nn.UninitializedParameter, "placeholder");
  net(torch.rand(2, 20));
  check(String(net[0].weight.shape) === "torch.Size([256, 20])", "materialised");
});
class CenteredLayer extends nn.Module { forward(X: Tensor) { return X.sub(X.mean()); } }
class MyLinear extends nn.Module {
  weight: nn.Parameter; bias: nn.Parameter;
  constructor(in_units: number, units: number) { super(); this.weight = new nn.Parameter(torch.randn(in_units, units)); this.bias = new nn.Parameter(torch.randn(units)); }
  forward(X: Tensor) { const linear = torch.matmul(X, this.weight.data).add(this.bias.data); return F.relu(linear); }
}
it("6.5 custom layers: CenteredLayer, MyLinear", () => {
  const layer = new CenteredLayer();
  check(layer(torch.tensor([1.0, 2, 3, 4, 5])).tolist().toString() === "-2,-1,0,1,2", "centered");
  const net = new nn.Sequential(new nn.LazyLinear(128), new CenteredLayer());
  const Y = net(torch.rand(4, 8));
  check(Math.abs(Y.mean().item()) < 1e-6, "mean 0");
  const linear = new MyLinear(5, 3);
  check(String(linear.weight.shape) === "torch.Size([5, 3])", "w");
  check(String(linear(torch.rand(2, 5)).shape) === "torch.Size([2, 3])", "fwd");
  const net2 = new nn.Sequential(new MyLinear(64, 8), new MyLinear(8, 1));
  check(String(net2(torch.rand(2, 64)).shape) === "torch.Size([2, 1])", "seq");
  check([...linear.named_parameters()].map(([n]) => n).join() === "weight,bias", "named");
});
it("6.6 file I/O: save/load tensor, list, dict, state_dict, clone.eval()", () => {
  const x = torch.arange(4);
  torch.save(x, "x-file");
  const x2 = torch.load("x-file") as Tensor;
  check(x2.equal(x), "tensor");
  const y = torch.zeros(4);
  torch.save([x, y], "x-files");
  const [x3, y3] = torch.load("x-files") as Tensor[];
  check(x3.equal(x) && y3.equal(y), "list");
  const mydict = { x, y };
  torch.save(mydict, "mydict");
  const mydict2 = torch.load("mydict") as Record<string, Tensor>;
  check(mydict2.x.equal(x) && mydict2.y.equal(y), "dict");
  const net = new MLP();
  const X = torch.randn([2, 20]);
  const Y = net(X);
  torch.save(net.state_dict(), "mlp.params");
  const clone = new MLP();
  clone(X); // lazy
  clone.load_state_dict(torch.load("mlp.params") as Record<string, Tensor>);
  clone.eval();
  check(clone(X).eq(Y).all().item<boolean>() === true, "clone");
});
it("6.6 load_state_dict into an un-materialised lazy clone (torch materialises from the state dict)", () => {
  const net = new MLP(); net(torch.randn([2, 20]));
  torch.save(net.state_dict(), "mlp2.params");
  const clone = new MLP();
  clone.load_state_dict(torch.load("mlp2.params") as Record<string, Tensor>);
  check(String(clone.hidden.weight.shape) === "torch.Size([256, 20])", "materialised by load");
});
it("6.7 devices: torch.device('cpu'), cuda.device_count() 0, try_gpu falls back", () => {
  const cpu = torch.device("cpu");
  check(String(cpu) === "cpu", "cpu");
  check(torch.cuda.device_count() === 0, "0 gpus");
  const try_gpu = (i = 0) => (torch.cuda.device_count() >= i + 1 ? torch.device(`cuda:${i}`) : torch.device("cpu"));
  const try_all_gpus = () => Array.from({ length: torch.cuda.device_count() }, (_, i) => torch.device(`cuda:${i}`));
  check(String(try_gpu()) === "cpu" && String(try_gpu(10)) === "cpu" && try_all_gpus().length === 0, "try_gpu");
  const x = torch.tensor([1, 2, 3]);
  check(String(x.device) === "cpu", "x.device");
  const X = torch.ones(2, 3, { device: try_gpu() });
  check(String(X.device) === "cpu", "ones device");
  const net = new nn.Sequential(new nn.LazyLinear(1));
  net.to({ device: try_gpu() });
  check(String(net(X).device) === "cpu", "net.to");
  check(torch.cuda.is_available() === false, "is_available");
});

});

describe("d2l ch7-8: CNNs", () => {

function corr2d(X: Tensor, K: Tensor): Tensor {
  const [h, w] = K.shape;
  const Y = torch.zeros([X.shape[0] - h + 1, X.shape[1] - w + 1]);
  for (let i = 0; i < Y.shape[0]; i++)
    for (let j = 0; j < Y.shape[1]; j++)
      Y.index_put_([i, j], X.index(`${i}:${i + h}`, `${j}:${j + w}`).mul(K).sum());
  return Y;
}
it("7.2 corr2d by hand", () => {
  const X = torch.tensor([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]]);
  const K = torch.tensor([[0.0, 1.0], [2.0, 3.0]]);
  check(JSON.stringify(corr2d(X, K).tolist()) === "[[19,25],[37,43]]", "corr2d");
});
class Conv2D extends nn.Module {
  weight: nn.Parameter; bias: nn.Parameter;
  constructor(kernel_size: [number, number]) { super(); this.weight = new nn.Parameter(torch.rand(kernel_size)); this.bias = new nn.Parameter(torch.zeros(1)); }
  forward(x: Tensor) { return corr2d(x, this.weight).add(this.bias); }
}
it("7.2 edge detection and learning the kernel with nn.LazyConv2d", () => {
  const X = torch.ones([6, 8]);
  X.index_put_([":", "2:6"], 0);
  const K = torch.tensor([[1.0, -1.0]]);
  const Y = corr2d(X, K);
  check(Y.index(0).tolist().toString() === "0,1,0,0,0,-1,0", "edge");
  check(corr2d(X.t(), K).abs().sum().item() === 0, "transposed");
  torch.manual_seed(0);
  const conv2d = new nn.LazyConv2d(1, { kernel_size: [1, 2], bias: false }) as unknown as nn.Conv2d; // a Conv2d after the first call
  const X4 = X.reshape([1, 1, 6, 8]);
  const Y4 = Y.reshape([1, 1, 6, 7]);
  const lr = 3e-2;
  let l: Tensor = torch.tensor(0);
  for (let i = 0; i < 10; i++) {
    const Y_hat = conv2d(X4);
    l = Y_hat.sub(Y4).pow(2);
    conv2d.zero_grad();
    l.sum().backward();
    conv2d.weight.data.index_put_([":"], conv2d.weight.data.sub(conv2d.weight.grad!.mul(lr))); // weight.data[:] -= lr * weight.grad
  }
  check(l.sum().item() < 0.1, "loss " + l.sum().item());
  check(conv2d.weight.data.reshape([1, 2]).sub(K).abs().max().item() < 0.1, "kernel");
});
it("7.2 hand Conv2D module trains", () => {
  torch.manual_seed(0);
  const X = torch.ones([6, 8]); X.index_put_([":", "2:6"], 0);
  const Y = corr2d(X, torch.tensor([[1.0, -1.0]]));
  const conv = new Conv2D([1, 2]);
  const opt = new optim.SGD(conv.parameters(), { lr: 0.01 });
  let l = 0;
  for (let i = 0; i < 20; i++) { opt.zero_grad(); const loss = conv(X).sub(Y).pow(2).sum(); loss.backward(); opt.step(); l = loss.item(); }
  check(l < 0.5, "loss " + l);
});
function comp_conv2d(conv2d: nn.Module, X: Tensor) {
  X = X.reshape([1, 1, ...X.shape]); // (1, 1) + X.shape
  const Y = conv2d(X);
  return Y.reshape(Y.shape.slice(2));
}
it("7.3 padding and stride shapes", () => {
  const X = torch.rand([8, 8]);
  check(String(comp_conv2d(new nn.LazyConv2d(1, { kernel_size: 3, padding: 1 }), X).shape) === "torch.Size([8, 8])", "p1");
  check(String(comp_conv2d(new nn.LazyConv2d(1, { kernel_size: [5, 3], padding: [2, 1] }), X).shape) === "torch.Size([8, 8])", "p21");
  check(String(comp_conv2d(new nn.LazyConv2d(1, { kernel_size: 3, padding: 1, stride: 2 }), X).shape) === "torch.Size([4, 4])", "s2");
  check(String(comp_conv2d(new nn.LazyConv2d(1, { kernel_size: [3, 5], padding: [0, 1], stride: [3, 4] }), X).shape) === "torch.Size([2, 2])", "s34");
  check(String(comp_conv2d(new nn.LazyConv2d(1, [3, 5], [3, 4], [0, 1]), X).shape) === "torch.Size([2, 2])", "positional");
});
function corr2d_multi_in(X: Tensor, K: Tensor) { return [...X].map((x, i) => corr2d(x, K.index(i))).reduce((a, b) => a.add(b)); }
function corr2d_multi_in_out(X: Tensor, K: Tensor) { return torch.stack([...K].map((k) => corr2d_multi_in(X, k)), 0); }
function corr2d_multi_in_out_1x1(X: Tensor, K: Tensor) {
  const [c_i, h, w] = X.shape; const c_o = K.shape[0];
  X = X.reshape([c_i, h * w]); K = K.reshape([c_o, c_i]);
  return torch.matmul(K, X).reshape([c_o, h, w]);
}
it("7.4 multi-in / multi-out channels, 1x1 conv as matmul", () => {
  const X = torch.tensor([[[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]], [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]]);
  let K = torch.tensor([[[0.0, 1.0], [2.0, 3.0]], [[1.0, 2.0], [3.0, 4.0]]]);
  check(JSON.stringify(corr2d_multi_in(X, K).tolist()) === "[[56,72],[104,120]]", "multi in");
  K = torch.stack([K, K.add(1), K.add(2)], 0);
  check(String(K.shape) === "torch.Size([3, 2, 2, 2])", "K");
  const Y = corr2d_multi_in_out(X, K);
  check(Y.index(1, 0, 0).item() === 76, "multi out " + Y.index(1, 0, 0).item());
  // torch reference via F.conv2d
  check(Y.allclose(F.conv2d(X.unsqueeze(0), K).squeeze(0)), "F.conv2d");
  const X2 = torch.normal(0, 1, [3, 3, 3]), K2 = torch.normal(0, 1, [2, 3, 1, 1]);
  check(corr2d_multi_in_out_1x1(X2, K2).sub(corr2d_multi_in_out(X2, K2)).abs().sum().item() < 1e-5, "1x1");
});
function pool2d(X: Tensor, pool_size: [number, number], mode = "max") {
  const [p_h, p_w] = pool_size;
  const Y = torch.zeros([X.shape[0] - p_h + 1, X.shape[1] - p_w + 1]);
  for (let i = 0; i < Y.shape[0]; i++) for (let j = 0; j < Y.shape[1]; j++) {
    const win = X.index(`${i}:${i + p_h}`, `${j}:${j + p_w}`);
    Y.index_put_([i, j], mode === "max" ? win.max() : win.mean());
  }
  return Y;
}
it("7.5 pool2d by hand, nn.MaxPool2d padding/stride, multi channel", () => {
  const X = torch.tensor([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]]);
  check(JSON.stringify(pool2d(X, [2, 2]).tolist()) === "[[4,5],[7,8]]", "max");
  check(JSON.stringify(pool2d(X, [2, 2], "avg").tolist()) === "[[2,3],[5,6]]", "avg");
  const X4 = torch.arange(16, { dtype: torch.float32 }).reshape([1, 1, 4, 4]);
  check(JSON.stringify(new nn.MaxPool2d(3)(X4).tolist()) === "[[[[10]]]]", "3");
  check(JSON.stringify(new nn.MaxPool2d(3, { padding: 1, stride: 2 })(X4).tolist()) === "[[[[5,7],[13,15]]]]", "p1s2");
  check(String(new nn.MaxPool2d([2, 3], { stride: [2, 3], padding: [0, 1] })(X4).shape) === "torch.Size([1, 1, 2, 2])", "rect");
  const X5 = torch.cat([X4, X4.add(1)], 1);
  check(String(new nn.MaxPool2d(3, { padding: 1, stride: 2 })(X5).shape) === "torch.Size([1, 2, 2, 2])", "channels");
});
it("7.6 LeNet (Sigmoid, AvgPool2d) layer shapes and a few training steps", () => {
  torch.manual_seed(0);
  const net = new nn.Sequential(
    new nn.LazyConv2d(6, { kernel_size: 5, padding: 2 }), new nn.Sigmoid(), new nn.AvgPool2d({ kernel_size: 2, stride: 2 }),
    new nn.LazyConv2d(16, { kernel_size: 5 }), new nn.Sigmoid(), new nn.AvgPool2d({ kernel_size: 2, stride: 2 }),
    new nn.Flatten(), new nn.LazyLinear(120), new nn.Sigmoid(), new nn.LazyLinear(84), new nn.Sigmoid(), new nn.LazyLinear(10));
  let X = torch.rand([1, 1, 28, 28]);
  const shapes: string[] = [];
  for (const layer of net.children()) { X = layer(X); shapes.push(`${layer.constructor.name} ${X.shape}`); }
  check(shapes[2].endsWith("torch.Size([1, 6, 14, 14])") && shapes[6].endsWith("torch.Size([1, 400])") && shapes[11].endsWith("torch.Size([1, 10])"), shapes.join("|"));
  const init_cnn = (m: nn.Module) => { if (m instanceof nn.Linear || m instanceof nn.Conv2d) nn.init.xavier_uniform_(m.weight); };
  net.apply(init_cnn);
  const x = torch.rand([16, 1, 28, 28]), y = torch.randint(0, 10, [16]);
  const opt = new optim.SGD(net.parameters(), { lr: 0.9 });
  const l0 = F.cross_entropy(net(x), y).item();
  for (let i = 0; i < 15; i++) { opt.zero_grad(); F.cross_entropy(net(x), y).backward(); opt.step(); }
  check(F.cross_entropy(net(x), y).item() < l0, "decrease");
});
it("8.1-8.2 AlexNet-ish / VGG blocks with ...conv_blks", () => {
  function vgg_block(num_convs: number, out_channels: number) {
    const layers: nn.Module[] = [];
    for (let i = 0; i < num_convs; i++) { layers.push(new nn.LazyConv2d(out_channels, { kernel_size: 3, padding: 1 })); layers.push(new nn.ReLU()); }
    layers.push(new nn.MaxPool2d({ kernel_size: 2, stride: 2 }));
    return new nn.Sequential(...layers);
  }
  const arch: [number, number][] = [[1, 4], [1, 8], [2, 8]];
  const conv_blks = arch.map(([n, c]) => vgg_block(n, c));
  const net = new nn.Sequential(...conv_blks, new nn.Flatten(), new nn.LazyLinear(32), new nn.ReLU(), new nn.Dropout(0.5), new nn.LazyLinear(10));
  const Y = net(torch.randn(2, 1, 32, 32));
  check(String(Y.shape) === "torch.Size([2, 10])", "vgg");
  const alex = new nn.Sequential(new nn.LazyConv2d(8, { kernel_size: 11, stride: 4, padding: 1 }), new nn.ReLU(), new nn.MaxPool2d({ kernel_size: 3, stride: 2 }),
    new nn.LazyConv2d(16, { kernel_size: 5, padding: 2 }), new nn.ReLU(), new nn.MaxPool2d({ kernel_size: 3, stride: 2 }), new nn.Flatten(), new nn.LazyLinear(10));
  check(String(alex(torch.randn(1, 1, 64, 64)).shape) === "torch.Size([1, 10])", "alex");
});
it("8.3 NiN with AdaptiveAvgPool2d((1, 1))", () => {
  const nin_block = (out_channels: number, kernel_size: number, strides: number, padding: number) => new nn.Sequential(
    new nn.LazyConv2d(out_channels, kernel_size, strides, padding), new nn.ReLU(),
    new nn.LazyConv2d(out_channels, { kernel_size: 1 }), new nn.ReLU(), new nn.LazyConv2d(out_channels, { kernel_size: 1 }), new nn.ReLU());
  const net = new nn.Sequential(nin_block(8, 5, 2, 0), new nn.MaxPool2d(3, { stride: 2 }), nin_block(10, 3, 1, 1), new nn.AdaptiveAvgPool2d([1, 1]), new nn.Flatten());
  check(String(net(torch.randn(2, 1, 32, 32)).shape) === "torch.Size([2, 10])", "nin");
});
class Inception extends nn.Module {
  b1_1: nn.Module; b2_1: nn.Module; b2_2: nn.Module; b3_1: nn.Module; b3_2: nn.Module; b4_1: nn.Module; b4_2: nn.Module;
  constructor(c1: number, c2: [number, number], c3: [number, number], c4: number) {
    super();
    this.b1_1 = new nn.LazyConv2d(c1, { kernel_size: 1 });
    this.b2_1 = new nn.LazyConv2d(c2[0], { kernel_size: 1 }); this.b2_2 = new nn.LazyConv2d(c2[1], { kernel_size: 3, padding: 1 });
    this.b3_1 = new nn.LazyConv2d(c3[0], { kernel_size: 1 }); this.b3_2 = new nn.LazyConv2d(c3[1], { kernel_size: 5, padding: 2 });
    this.b4_1 = new nn.MaxPool2d({ kernel_size: 3, stride: 1, padding: 1 }); this.b4_2 = new nn.LazyConv2d(c4, { kernel_size: 1 });
  }
  forward(x: Tensor) {
    const b1 = F.relu(this.b1_1(x));
    const b2 = F.relu(this.b2_2(F.relu(this.b2_1(x))));
    const b3 = F.relu(this.b3_2(F.relu(this.b3_1(x))));
    const b4 = F.relu(this.b4_2(this.b4_1(x)));
    return torch.cat([b1, b2, b3, b4], { dim: 1 });
  }
}
it("8.4 GoogLeNet Inception torch.cat((b1, b2, b3, b4), dim=1)", () => {
  const inc = new Inception(4, [4, 8], [2, 4], 4);
  check(String(inc(torch.randn(1, 3, 8, 8)).shape) === "torch.Size([1, 20, 8, 8])", "inception");
});
function batch_norm(X: Tensor, gamma: Tensor, beta: Tensor, moving_mean: Tensor, moving_var: Tensor, eps: number, momentum: number): [Tensor, Tensor, Tensor] {
  let X_hat: Tensor;
  if (!torch.is_grad_enabled()) {
    X_hat = X.sub(moving_mean).div(torch.sqrt(moving_var.add(eps)));
  } else {
    check(X.shape.length === 2 || X.shape.length === 4, "rank");
    let mean: Tensor, var_: Tensor;
    if (X.shape.length === 2) { mean = X.mean({ dim: 0 }); var_ = X.sub(mean).pow(2).mean({ dim: 0 }); }
    else { mean = X.mean({ dim: [0, 2, 3], keepdim: true }); var_ = X.sub(mean).pow(2).mean({ dim: [0, 2, 3], keepdim: true }); }
    X_hat = X.sub(mean).div(torch.sqrt(var_.add(eps)));
    moving_mean = moving_mean.mul(1.0 - momentum).add(mean.mul(momentum));
    moving_var = moving_var.mul(1.0 - momentum).add(var_.mul(momentum));
  }
  const Y = gamma.mul(X_hat).add(beta);
  return [Y, moving_mean.data, moving_var.data];
}
class BatchNorm extends nn.Module {
  gamma: nn.Parameter; beta: nn.Parameter; moving_mean: Tensor; moving_var: Tensor;
  constructor(num_features: number, num_dims: number) {
    super();
    const shape = num_dims === 2 ? [1, num_features] : [1, num_features, 1, 1];
    this.gamma = new nn.Parameter(torch.ones(shape)); this.beta = new nn.Parameter(torch.zeros(shape));
    this.moving_mean = torch.zeros(shape); this.moving_var = torch.ones(shape);
  }
  forward(X: Tensor) {
    if (this.moving_mean.device !== X.device) { this.moving_mean = this.moving_mean.to(X.device); this.moving_var = this.moving_var.to(X.device); }
    const [Y, mm, mv] = batch_norm(X, this.gamma, this.beta, this.moving_mean, this.moving_var, 1e-5, 0.1);
    this.moving_mean = mm; this.moving_var = mv;
    return Y;
  }
}
it("8.5 batch_norm from scratch vs nn.BatchNorm2d (moving averages, dim=(0,2,3) keepdim)", () => {
  torch.manual_seed(0);
  const X = torch.randn(4, 3, 5, 5).mul(2).add(1);
  const bn = new BatchNorm(3, 4);
  const ref = new nn.BatchNorm2d(3);
  const Y = bn(X), Yr = ref(X);
  check(Y.allclose(Yr, { atol: 1e-4 }), "train out");
  check(bn.moving_mean.reshape(-1).allclose(ref.running_mean!, { atol: 1e-5 }), "mean");
  // torch's running_var is unbiased; d2l's moving_var biased: they differ by n/(n-1)
  check(!bn.moving_var.reshape(-1).allclose(ref.running_var!, { atol: 1e-6 }), "var biased vs unbiased");
  const Ye = torch.no_grad(() => bn(X));
  check(String(Ye.shape) === "torch.Size([4, 3, 5, 5])", "eval");
});
it("8.5 LeNet with nn.LazyBatchNorm2d / LazyBatchNorm1d", () => {
  const net = new nn.Sequential(new nn.LazyConv2d(6, { kernel_size: 5 }), new nn.LazyBatchNorm2d(), new nn.Sigmoid(), new nn.AvgPool2d({ kernel_size: 2, stride: 2 }),
    new nn.Flatten(), new nn.LazyLinear(12), new nn.LazyBatchNorm1d(), new nn.Sigmoid(), new nn.LazyLinear(10));
  check(String(net(torch.randn(4, 1, 16, 16)).shape) === "torch.Size([4, 10])", "bn lenet");
  check(String((net[1] as nn.BatchNorm2d).running_mean!.shape) === "torch.Size([6])", "bn materialised");
});
class Residual extends nn.Module {
  conv1: nn.Module; conv2: nn.Module; conv3: nn.Module | null; bn1: nn.Module; bn2: nn.Module;
  constructor(num_channels: number, use_1x1conv = false, strides = 1) {
    super();
    this.conv1 = new nn.LazyConv2d(num_channels, { kernel_size: 3, padding: 1, stride: strides });
    this.conv2 = new nn.LazyConv2d(num_channels, { kernel_size: 3, padding: 1 });
    this.conv3 = use_1x1conv ? new nn.LazyConv2d(num_channels, { kernel_size: 1, stride: strides }) : null;
    this.bn1 = new nn.LazyBatchNorm2d(); this.bn2 = new nn.LazyBatchNorm2d();
  }
  forward(X: Tensor) {
    let Y = F.relu(this.bn1(this.conv1(X)));
    Y = this.bn2(this.conv2(Y));
    if (this.conv3) X = this.conv3(X);
    Y = Y.add(X); // Y += X
    return F.relu(Y);
  }
}
it("8.6 ResNet Residual with/without use_1x1conv", () => {
  const blk = new Residual(3);
  check(String(blk(torch.randn(4, 3, 6, 6)).shape) === "torch.Size([4, 3, 6, 6])", "same");
  const blk2 = new Residual(6, true, 2);
  check(String(blk2(torch.randn(4, 3, 6, 6)).shape) === "torch.Size([4, 6, 3, 3])", "1x1");
  const Y = torch.randn(2, 2); const Y0 = Y; const X = torch.ones(2, 2);
  Y.add_(X); check(Y === Y0, "Y += X in place");
});
it("8.7 DenseNet conv_block / DenseBlock / transition_block", () => {
  const conv_block = (num_channels: number) => new nn.Sequential(new nn.LazyBatchNorm2d(), new nn.ReLU(), new nn.LazyConv2d(num_channels, { kernel_size: 3, padding: 1 }));
  class DenseBlock extends nn.Module {
    net: nn.Sequential;
    constructor(num_convs: number, num_channels: number) { super(); const layer: nn.Module[] = []; for (let i = 0; i < num_convs; i++) layer.push(conv_block(num_channels)); this.net = new nn.Sequential(...layer); }
    forward(X: Tensor) { for (const blk of this.net) { const Y = blk(X); X = torch.cat([X, Y], { dim: 1 }); } return X; }
  }
  const blk = new DenseBlock(2, 10);
  const Y = blk(torch.randn(4, 3, 8, 8));
  check(String(Y.shape) === "torch.Size([4, 23, 8, 8])", "dense");
  const transition_block = (num_channels: number) => new nn.Sequential(new nn.LazyBatchNorm2d(), new nn.ReLU(), new nn.LazyConv2d(num_channels, { kernel_size: 1 }), new nn.AvgPool2d({ kernel_size: 2, stride: 2 }));
  check(String(transition_block(10)(Y).shape) === "torch.Size([4, 10, 4, 4])", "transition");
});

});

describe("d2l ch9-11: RNNs, seq2seq, attention and transformers", () => {

const raw_text = "The Time Machine, by H. G. Wells. I had the time machine. The time traveller smiled. It was the time of the machine and the traveller who had travelled in time.";
const preprocess = (text: string) => text.replace(/[^A-Za-z]+/g, " ").toLowerCase();
const tokenize = (text: string) => [...text];
class Vocab {
  idx_to_token: string[]; token_to_idx: Map<string, number>; token_freqs: [string, number][];
  constructor(tokens: string[] = [], min_freq = 0, reserved_tokens: string[] = []) {
    const counter = new Map<string, number>();
    for (const t of tokens) counter.set(t, (counter.get(t) ?? 0) + 1);
    this.token_freqs = [...counter.entries()].sort((a, b) => b[1] - a[1]);
    this.idx_to_token = [...new Set(["<unk>", ...reserved_tokens, ...this.token_freqs.filter(([, f]) => f >= min_freq).map(([t]) => t)])].sort();
    this.token_to_idx = new Map(this.idx_to_token.map((t, i) => [t, i]));
  }
  get length() { return this.idx_to_token.length; }
  getitem(tokens: string | string[]): number | number[] { return Array.isArray(tokens) ? tokens.map((t) => this.getitem(t) as number) : this.token_to_idx.get(tokens) ?? this.unk; }
  to_tokens(indices: number | number[]): string | string[] { return Array.isArray(indices) ? indices.map((i) => this.idx_to_token[i]) : this.idx_to_token[indices]; }
  get unk() { return this.token_to_idx.get("<unk>")!; }
}
const text = preprocess(raw_text);
const tokens = tokenize(text);
const vocab = new Vocab(tokens);
const corpus = tokens.map((t) => vocab.getitem(t) as number);

it("9.2 tokenize, Vocab with a Counter as a Map, corpus", () => {
  check(vocab.length === 28 || vocab.length > 20, "vocab " + vocab.length);
  check((vocab.to_tokens(vocab.getitem(["t", "h", "e"]) as number[]) as string[]).join("") === "the", "roundtrip");
});
it("9.3 random sequence partitioning: corpus slices into X/Y batches", () => {
  const num_steps = 5;
  const array = torch.tensor(Array.from({ length: corpus.length - num_steps }, (_, i) => corpus.slice(i, i + num_steps + 1)), { dtype: torch.long });
  const X = array.index(":", ":-1"), Y = array.index(":", "1:");
  check(String(X.shape) === `torch.Size([${corpus.length - num_steps}, 5])` && X.index(1, "1:").equal(Y.index(0, "1:").index("0:4")) === true, "shift");
  torch.manual_seed(0);
  const idx = torch.randperm(X.shape[0]).index("0:4");
  check(String(X.index(idx).shape) === "torch.Size([4, 5])", "batch");
});
it("9.5 F.one_hot(X.T, 28) shape", () => {
  const X = torch.arange(10).reshape([2, 5]);
  const oh = F.one_hot(X.T, 28);
  check(String(oh.shape) === "torch.Size([5, 2, 28])" && oh.dtype === torch.int64, "one_hot");
});
function grad_clipping(params: Tensor[], theta: number) {
  const norm = torch.sqrt(params.map((p) => torch.sum(p.grad!.pow(2))).reduce((a, b) => a.add(b)));
  if (Number(norm) > theta) for (const param of params) param.grad!.index_put_([":"], param.grad!.mul(theta).div(norm)); // p.grad[:] *= theta / norm
}
it("9.5 RNN from scratch: tanh(X W_xh + H W_hh + b_h), grad clipping, perplexity", () => {
  torch.manual_seed(0);
  const num_inputs = vocab.length, num_hiddens = 32, sigma = 0.01;
  const W_xh = new nn.Parameter(torch.randn(num_inputs, num_hiddens).mul(sigma));
  const W_hh = new nn.Parameter(torch.randn(num_hiddens, num_hiddens).mul(sigma));
  const b_h = new nn.Parameter(torch.zeros(num_hiddens));
  const W_hq = new nn.Parameter(torch.randn(num_hiddens, num_inputs).mul(sigma));
  const b_q = new nn.Parameter(torch.zeros(num_inputs));
  const params = [W_xh, W_hh, b_h, W_hq, b_q];
  const rnn = (inputs: Tensor, state: Tensor | null): [Tensor[], Tensor] => {
    let H = state ?? torch.zeros([inputs.shape[1], num_hiddens]);
    const outputs: Tensor[] = [];
    for (const X of inputs) { H = torch.tanh(torch.matmul(X, W_xh).add(torch.matmul(H, W_hh)).add(b_h)); outputs.push(H); }
    return [outputs, H];
  };
  const forward = (X: Tensor) => {
    const embs = F.one_hot(X.T, num_inputs).type(torch.float32);
    const [rnn_outputs] = rnn(embs, null);
    const outputs = rnn_outputs.map((H) => torch.matmul(H, W_hq).add(b_q));
    return torch.stack(outputs, 1);
  };
  const num_steps = 8, bs = 16;
  const data = torch.tensor(corpus, { dtype: torch.long });
  const opt = new optim.SGD(params, { lr: 1 });
  const ppl: number[] = [];
  for (let it = 0; it < 40; it++) {
    const starts = torch.randint(0, corpus.length - num_steps - 1, [bs]).tolist() as number[];
    const X = torch.stack(starts.map((s) => data.index(`${s}:${s + num_steps}`)));
    const Y = torch.stack(starts.map((s) => data.index(`${s + 1}:${s + num_steps + 1}`)));
    const Y_hat = forward(X);
    check(String(Y_hat.shape) === `torch.Size([${bs}, ${num_steps}, ${num_inputs}])`, "out shape");
    const l = F.cross_entropy(Y_hat.reshape(-1, Y_hat.shape[Y_hat.shape.length - 1]), Y.reshape(-1));
    opt.zero_grad(); l.backward(); grad_clipping(params, 1); opt.step();
    ppl.push(Math.exp(l.item()));
  }
  const tot = Math.sqrt(params.reduce((s, p) => s + p.grad!.pow(2).sum().item(), 0));
  check(tot <= 1 + 1e-4, "clipped " + tot);
  check(ppl[ppl.length - 1] < ppl[0] * 0.7, `ppl ${ppl[0]} -> ${ppl[ppl.length - 1]}`);
});
it("9.6 concise nn.RNN / GRU / LSTM, deep and bidirectional shapes", () => {
  const X = torch.randn(7, 3, 10);
  const rnn = new nn.RNN(10, 16);
  const [out, H] = rnn(X);
  check(String(out.shape) === "torch.Size([7, 3, 16])" && String(H.shape) === "torch.Size([1, 3, 16])", "rnn");
  const gru = new nn.GRU(10, 16, { num_layers: 2 });
  const [o2, h2] = gru(X);
  check(String(o2.shape) === "torch.Size([7, 3, 16])" && String(h2.shape) === "torch.Size([2, 3, 16])", "deep gru");
  const lstm = new nn.LSTM(10, 16, { bidirectional: true });
  const [o3, [h3, c3]] = lstm(X);
  check(String(o3.shape) === "torch.Size([7, 3, 32])" && String(h3.shape) === "torch.Size([2, 3, 16])" && String(c3.shape) === "torch.Size([2, 3, 16])", "bilstm");
  const lstm2 = new nn.LSTM(10, 16, 2, { dropout: 0.1 });
  const [o4] = lstm2(X, [torch.zeros(2, 3, 16), torch.zeros(2, 3, 16)]);
  check(String(o4.shape) === "torch.Size([7, 3, 16])", "lstm with state");
  const rnn_bi = new nn.GRU(10, 8, 2, { bidirectional: true, batch_first: false });
  check(String(rnn_bi(X)[1].shape) === "torch.Size([4, 3, 8])", "bi deep");
});
it("9.x perplexity math.exp of mean cross entropy", () => {
  const logits = torch.zeros(4, 28);
  const l = F.cross_entropy(logits, torch.tensor([1, 2, 3, 4], { dtype: torch.long }));
  check(close(Math.exp(l.item()), 28, 1e-3), "ppl uniform");
});
function sequence_mask(X: Tensor, valid_len: Tensor, value = 0) {
  const maxlen = X.shape[1];
  const mask = torch.arange(maxlen, { dtype: torch.float32, device: X.device }).index("None", ":").lt(valid_len.index(":", "None"));
  X.index_put_([mask.logical_not()], value); // X[~mask] = value
  return X;
}
class MaskedSoftmaxCELoss extends nn.CrossEntropyLoss {
  constructor() { super({ reduction: "none" }); }
  forward(pred: Tensor, label: Tensor, valid_len?: Tensor): Tensor {
    let weights = torch.ones_like(label);
    weights = sequence_mask(weights, valid_len!);
    const unweighted_loss = super.forward(pred.permute(0, 2, 1), label);
    return unweighted_loss.mul(weights).mean({ dim: 1 });
  }
}
it("10.x sequence_mask X[~mask] = value, X[None, :] < valid_len[:, None]", () => {
  const X = torch.tensor([[1, 2, 3], [4, 5, 6]]);
  check(JSON.stringify(sequence_mask(X, torch.tensor([1, 2])).tolist()) === "[[1,0,0],[4,5,0]]", "mask");
  const X3 = torch.ones(2, 3, 4);
  check(sequence_mask(X3, torch.tensor([1, 2]), -1).sum().item() === 4 * (1 + 2) - 4 * 3, "value -1");
});
it("10.x MaskedSoftmaxCELoss (subclass of CrossEntropyLoss calling super.forward)", () => {
  const loss = new MaskedSoftmaxCELoss();
  const l = loss(torch.ones(3, 4, 10), torch.ones([3, 4], { dtype: torch.long }), torch.tensor([4, 2, 0]));
  check(l.allclose(torch.tensor([2.3026, 1.1513, 0]), { atol: 1e-4 }), "d2l values " + l);
});
class Seq2SeqEncoder extends nn.Module {
  embedding: nn.Embedding; rnn: nn.GRU;
  constructor(vocab_size: number, embed_size: number, num_hiddens: number, num_layers: number, dropout = 0) {
    super(); this.embedding = new nn.Embedding(vocab_size, embed_size); this.rnn = new nn.GRU(embed_size, num_hiddens, num_layers, { dropout });
  }
  forward(X: Tensor): [Tensor, Tensor] {
    const embs = this.embedding(X.t().type(torch.int64));
    const [outputs, state] = this.rnn(embs);
    return [outputs, state as Tensor];
  }
}
class Seq2SeqDecoder extends nn.Module {
  embedding: nn.Embedding; rnn: nn.GRU; dense: nn.LazyLinear;
  constructor(vocab_size: number, embed_size: number, num_hiddens: number, num_layers: number, dropout = 0) {
    super(); this.embedding = new nn.Embedding(vocab_size, embed_size); this.rnn = new nn.GRU(embed_size + num_hiddens, num_hiddens, num_layers, { dropout }); this.dense = new nn.LazyLinear(vocab_size);
  }
  init_state(enc_all_outputs: [Tensor, Tensor]) { return enc_all_outputs; }
  forward(X: Tensor, state: [Tensor, Tensor]): [Tensor, [Tensor, Tensor]] {
    const embs = this.embedding(X.t().type(torch.int32));
    const [enc_output, hidden_state] = state;
    const context = enc_output.index(-1);
    const ctx = context.repeat(embs.shape[0], 1, 1);
    const embs_and_context = torch.cat([embs, ctx], -1);
    const [outputs, hs] = this.rnn(embs_and_context, hidden_state);
    const out = this.dense(outputs).swapaxes(0, 1);
    return [out, [enc_output, hs as Tensor]];
  }
}
it("10.7 seq2seq encoder/decoder shapes, training loss decreases, greedy predict", () => {
  torch.manual_seed(0);
  const vocab_size = 12, embed_size = 8, num_hiddens = 16, num_layers = 2, batch_size = 4, num_steps = 6;
  const encoder = new Seq2SeqEncoder(vocab_size, embed_size, num_hiddens, num_layers);
  const X = torch.zeros([batch_size, num_steps]);
  const [enc_outputs, enc_state] = encoder(X);
  check(String(enc_outputs.shape) === "torch.Size([6, 4, 16])" && String(enc_state.shape) === "torch.Size([2, 4, 16])", "enc");
  const decoder = new Seq2SeqDecoder(vocab_size, embed_size, num_hiddens, num_layers);
  const state = decoder.init_state(encoder(X));
  const [dec_outputs, [, s2]] = decoder(X, state);
  check(String(dec_outputs.shape) === "torch.Size([4, 6, 12])" && String(s2.shape) === "torch.Size([2, 4, 16])", "dec");
  // train on a copy task: target = source reversed, with <bos>=1 and teacher forcing
  const src = torch.randint(3, 12, [32, num_steps]);
  const tgt = src.flip(1);
  const bos = torch.ones([32, 1], { dtype: torch.long });
  const dec_input = torch.cat([bos, tgt.index(":", ":-1")], 1);
  const loss = new MaskedSoftmaxCELoss();
  const params = [...encoder.parameters(), ...decoder.parameters()];
  const opt = new optim.Adam(params, { lr: 0.01 });
  const valid = torch.full([32], num_steps);
  const ls: number[] = [];
  for (let i = 0; i < 40; i++) {
    const [Y_hat] = decoder(dec_input, decoder.init_state(encoder(src)));
    const l = loss(Y_hat, tgt, valid);
    opt.zero_grad(); l.sum().backward(); nn.utils.clip_grad_norm_(params, 1); opt.step();
    ls.push(l.mean().item());
  }
  check(ls[ls.length - 1] < ls[0] * 0.8, `loss ${ls[0]} -> ${ls[ls.length - 1]}`);
  // greedy predict loop
  torch.no_grad(() => {
    const st = decoder.init_state(encoder(src.index("0:1")));
    let dec_X = torch.tensor([[1]], { dtype: torch.long });
    let s = st; const out: number[] = [];
    for (let t = 0; t < num_steps; t++) {
      const [Y, ns] = decoder(dec_X, s); s = ns;
      dec_X = Y.argmax({ dim: 2 });
      out.push(dec_X.squeeze(0).type(torch.int32).item());
    }
    check(out.length === num_steps, "pred");
  });
});
function bleu(pred_seq: string, label_seq: string, k: number) {
  const pred_tokens = pred_seq.split(" "), label_tokens = label_seq.split(" ");
  const len_pred = pred_tokens.length, len_label = label_tokens.length;
  let score = Math.exp(Math.min(0, 1 - len_label / len_pred));
  for (let n = 1; n < Math.min(k, len_pred) + 1; n++) {
    let num_matches = 0; const label_subs = new Map<string, number>();
    for (let i = 0; i < len_label - n + 1; i++) { const key = label_tokens.slice(i, i + n).join(" "); label_subs.set(key, (label_subs.get(key) ?? 0) + 1); }
    for (let i = 0; i < len_pred - n + 1; i++) { const key = pred_tokens.slice(i, i + n).join(" "); if ((label_subs.get(key) ?? 0) > 0) { num_matches++; label_subs.set(key, label_subs.get(key)! - 1); } }
    score *= Math.pow(num_matches / (len_pred - n + 1), Math.pow(0.5, n));
  }
  return score;
}
it("10.7 BLEU by hand", () => {
  check(bleu("il est calme .", "il est calme .", 2) === 1, "perfect");
  check(close(bleu("je suis chez moi .", "je suis chez moi .", 2), 1), "p2");
  check(close(bleu("va !", "va !", 2), 1), "short");
  check(close(bleu("il est riche .", "il est mouillé .", 2), 0.658, 1e-3), "partial " + bleu("il est riche .", "il est mouillé .", 2));
});
// ---------- ch11
it("11.2 Nadaraya-Watson: repeat_interleave, softmax attention, bmm, parametric", () => {
  torch.manual_seed(0);
  const f = (x: Tensor) => torch.sin(x).mul(2).add(x);
  const n_train = 20;
  const x_train = torch.sort(torch.rand(n_train).mul(5)).values;
  const y_train = f(x_train).add(torch.normal(0, 0.5, [n_train]));
  const x_test = torch.arange(0, 5, 0.25);
  const n_test = x_test.shape[0];
  check(n_test === 20, "arange float");
  const X_repeat = x_test.repeat_interleave(n_train).reshape([-1, n_train]);
  const attention_weights = F.softmax(X_repeat.sub(x_train).pow(2).div(2).neg(), { dim: 1 });
  const y_hat = torch.matmul(attention_weights, y_train);
  check(String(y_hat.shape) === "torch.Size([20])" && attention_weights.sum(1).sub(1).abs().max().item() < 1e-5, "nw");
  const X = torch.ones([2, 1, 4]), Y = torch.ones([2, 4, 6]);
  check(String(torch.bmm(X, Y).shape) === "torch.Size([2, 1, 6])", "bmm");
  const weights = torch.ones([2, 10]).mul(0.1), values = torch.arange(20, { dtype: torch.float32 }).reshape([2, 10]);
  check(torch.bmm(weights.unsqueeze(1), values.unsqueeze(-1)).reshape(-1).allclose(torch.tensor([4.5, 14.5])), "bmm weights");
  const X_tile = x_train.repeat([n_train, 1]);
  const eye = torch.eye(n_train).type(torch.bool);
  const keys = X_tile.index(eye.logical_not()).reshape([n_train, -1]);
  check(String(keys.shape) === "torch.Size([20, 19])", "keys mask");
  const w = new nn.Parameter(torch.rand([1]));
  const qs = x_train.repeat_interleave(keys.shape[1]).reshape([-1, keys.shape[1]]);
  const aw = F.softmax(qs.sub(keys).mul(w).pow(2).div(2).neg(), { dim: 1 });
  check(String(aw.shape) === "torch.Size([20, 19])", "param");
});
function masked_softmax(X: Tensor, valid_lens: Tensor | null): Tensor {
  const _sequence_mask = (X: Tensor, valid_len: Tensor, value = 0) => {
    const maxlen = X.shape[1];
    const mask = torch.arange(maxlen, { dtype: torch.float32, device: X.device }).index("None", ":").lt(valid_len.index(":", "None"));
    X.index_put_([mask.logical_not()], value);
    return X;
  };
  if (valid_lens === null) return F.softmax(X, { dim: -1 });
  const shape = X.shape;
  if (valid_lens.dim() === 1) valid_lens = torch.repeat_interleave(valid_lens, shape[1]);
  else valid_lens = valid_lens.reshape(-1);
  X = _sequence_mask(X.reshape(-1, shape[shape.length - 1]), valid_lens, -1e6);
  return F.softmax(X.reshape(shape), { dim: -1 });
}
it("11.3 masked_softmax (1-D and 2-D valid_lens) and masked_fill form", () => {
  torch.manual_seed(0);
  const r = masked_softmax(torch.rand(2, 2, 4), torch.tensor([2, 3]));
  check(r.index(0, ":", "2:").sum().item() === 0 && r.index(1, ":", "3:").sum().item() === 0, "1d");
  check(r.sum(-1).sub(1).abs().max().item() < 1e-6, "sums");
  const r2 = masked_softmax(torch.rand(2, 2, 4), torch.tensor([[1, 3], [2, 4]]));
  check(r2.index(0, 0, "1:").sum().item() === 0 && r2.index(1, 1, 3).item() > 0, "2d");
  const X = torch.rand(2, 4);
  const mask = torch.arange(4).index("None", ":").ge(torch.tensor([2, 3]).index(":", "None"));
  const m = X.masked_fill(mask, -1e6);
  check(F.softmax(m, -1).index(0, "2:").sum().item() === 0, "masked_fill");
});
class AdditiveAttention extends nn.Module {
  W_k: nn.Module; W_q: nn.Module; w_v: nn.Module; dropout: nn.Dropout; attention_weights!: Tensor;
  constructor(num_hiddens: number, dropout: number) {
    super(); this.W_k = new nn.LazyLinear(num_hiddens, { bias: false }); this.W_q = new nn.LazyLinear(num_hiddens, { bias: false }); this.w_v = new nn.LazyLinear(1, { bias: false }); this.dropout = new nn.Dropout(dropout);
  }
  forward(queries: Tensor, keys: Tensor, values: Tensor, valid_lens: Tensor | null) {
    [queries, keys] = [this.W_q(queries), this.W_k(keys)];
    let features = queries.unsqueeze(2).add(keys.unsqueeze(1));
    features = torch.tanh(features);
    const scores = this.w_v(features).squeeze(-1);
    this.attention_weights = masked_softmax(scores, valid_lens);
    return torch.bmm(this.dropout(this.attention_weights), values);
  }
}
class DotProductAttention extends nn.Module {
  dropout: nn.Dropout; attention_weights!: Tensor;
  constructor(dropout: number) { super(); this.dropout = new nn.Dropout(dropout); }
  forward(queries: Tensor, keys: Tensor, values: Tensor, valid_lens: Tensor | null = null) {
    const d = queries.shape[queries.shape.length - 1];
    const scores = torch.bmm(queries, keys.transpose(1, 2)).div(Math.sqrt(d));
    this.attention_weights = masked_softmax(scores, valid_lens);
    return torch.bmm(this.dropout(this.attention_weights), values);
  }
}
it("11.3 AdditiveAttention / DotProductAttention shapes and weights", () => {
  torch.manual_seed(0);
  const queries = torch.normal(0, 1, [2, 1, 20]), keys = torch.normal(0, 1, [2, 10, 2]);
  const values = torch.normal(0, 1, [2, 10, 4]);
  const valid_lens = torch.tensor([2, 6]);
  const attention = new AdditiveAttention(8, 0.1);
  attention.eval();
  check(String(attention(queries, keys, values, valid_lens).shape) === "torch.Size([2, 1, 4])", "additive");
  check(attention.attention_weights.index(0, 0, "2:").sum().item() === 0, "masked");
  const q2 = torch.normal(0, 1, [2, 1, 2]);
  const dot = new DotProductAttention(0.5); dot.eval();
  check(String(dot(q2, keys, values, valid_lens).shape) === "torch.Size([2, 1, 4])", "dot");
  // compare to F.scaled_dot_product_attention with a boolean mask
  const mask = torch.arange(10).index("None", ":").lt(valid_lens.index(":", "None")).unsqueeze(1);
  const ref = F.scaled_dot_product_attention(q2, keys, values, { attn_mask: mask });
  check(ref.allclose(dot(q2, keys, values, valid_lens), { atol: 1e-5 }), "sdpa");
});
class MultiHeadAttention extends nn.Module {
  num_heads: number; attention: DotProductAttention; W_q: nn.Module; W_k: nn.Module; W_v: nn.Module; W_o: nn.Module;
  constructor(num_hiddens: number, num_heads: number, dropout: number, bias = false) {
    super(); this.num_heads = num_heads; this.attention = new DotProductAttention(dropout);
    this.W_q = new nn.LazyLinear(num_hiddens, { bias }); this.W_k = new nn.LazyLinear(num_hiddens, { bias }); this.W_v = new nn.LazyLinear(num_hiddens, { bias }); this.W_o = new nn.LazyLinear(num_hiddens, { bias });
  }
  transpose_qkv(X: Tensor) {
    X = X.reshape(X.shape[0], X.shape[1], this.num_heads, -1);
    X = X.permute(0, 2, 1, 3);
    return X.reshape(-1, X.shape[2], X.shape[3]);
  }
  transpose_output(X: Tensor) {
    X = X.reshape(-1, this.num_heads, X.shape[1], X.shape[2]);
    X = X.permute(0, 2, 1, 3);
    return X.reshape(X.shape[0], X.shape[1], -1);
  }
  forward(queries: Tensor, keys: Tensor, values: Tensor, valid_lens: Tensor | null) {
    queries = this.transpose_qkv(this.W_q(queries)); keys = this.transpose_qkv(this.W_k(keys)); values = this.transpose_qkv(this.W_v(values));
    if (valid_lens !== null) valid_lens = torch.repeat_interleave(valid_lens, { repeats: this.num_heads, dim: 0 });
    const output = this.attention(queries, keys, values, valid_lens);
    return this.W_o(this.transpose_output(output));
  }
}
it("11.5 MultiHeadAttention transpose_qkv/transpose_output", () => {
  const num_hiddens = 16, num_heads = 4;
  const attention = new MultiHeadAttention(num_hiddens, num_heads, 0.5); attention.eval();
  const batch_size = 2, num_queries = 4, num_kvpairs = 6;
  const valid_lens = torch.tensor([3, 2]);
  const X = torch.ones([batch_size, num_queries, num_hiddens]);
  const Y = torch.ones([batch_size, num_kvpairs, num_hiddens]);
  check(String(attention(X, Y, Y, valid_lens).shape) === "torch.Size([2, 4, 16])", "mha");
  const t = attention.transpose_qkv(torch.arange(2 * 4 * 16).reshape(2, 4, 16));
  check(String(t.shape) === "torch.Size([8, 4, 4])" && attention.transpose_output(t).equal(torch.arange(2 * 4 * 16).reshape(2, 4, 16)), "roundtrip");
});
class PositionalEncoding extends nn.Module {
  dropout: nn.Dropout; P: Tensor;
  constructor(num_hiddens: number, dropout: number, max_len = 1000) {
    super(); this.dropout = new nn.Dropout(dropout);
    this.P = torch.zeros([1, max_len, num_hiddens]);
    const X = torch.arange(max_len, { dtype: torch.float32 }).reshape(-1, 1).div(torch.pow(10000, torch.arange(0, num_hiddens, 2, { dtype: torch.float32 }).div(num_hiddens)));
    this.P.index_put_([":", ":", "0::2"], torch.sin(X));
    this.P.index_put_([":", ":", "1::2"], torch.cos(X));
  }
  forward(X: Tensor) { X = X.add(this.P.index(":", `:${X.shape[1]}`, ":").to(X.device)); return this.dropout(X); }
}
it("11.6 PositionalEncoding: torch.pow(10000, arange/num_hiddens), P[:, :, 0::2] = sin", () => {
  const pe = new PositionalEncoding(32, 0); pe.eval();
  const X = pe(torch.zeros([1, 60, 32]));
  check(String(X.shape) === "torch.Size([1, 60, 32])", "shape");
  check(close(X.index(0, 1, 0).item(), Math.sin(1)) && close(X.index(0, 1, 1).item(), Math.cos(1)), "first pair");
  check(close(X.index(0, 5, 6).item(), Math.sin(5 / Math.pow(10000, 6 / 32))), "col 6");
  check(close(pe.P.index(0, 0, 1).item(), 1), "cos(0)");
});
class PositionWiseFFN extends nn.Module {
  dense1: nn.Module; relu = new nn.ReLU(); dense2: nn.Module;
  constructor(ffn_num_hiddens: number, ffn_num_outputs: number) { super(); this.dense1 = new nn.LazyLinear(ffn_num_hiddens); this.dense2 = new nn.LazyLinear(ffn_num_outputs); }
  forward(X: Tensor) { return this.dense2(this.relu(this.dense1(X))); }
}
class AddNorm extends nn.Module {
  dropout: nn.Dropout; ln: nn.LayerNorm;
  constructor(norm_shape: number, dropout: number) { super(); this.dropout = new nn.Dropout(dropout); this.ln = new nn.LayerNorm(norm_shape); }
  forward(X: Tensor, Y: Tensor) { return this.ln(this.dropout(Y).add(X)); }
}
class TransformerEncoderBlock extends nn.Module {
  attention: MultiHeadAttention; addnorm1: AddNorm; ffn: PositionWiseFFN; addnorm2: AddNorm;
  constructor(num_hiddens: number, ffn_num_hiddens: number, num_heads: number, dropout: number, use_bias = false) {
    super(); this.attention = new MultiHeadAttention(num_hiddens, num_heads, dropout, use_bias); this.addnorm1 = new AddNorm(num_hiddens, dropout);
    this.ffn = new PositionWiseFFN(ffn_num_hiddens, num_hiddens); this.addnorm2 = new AddNorm(num_hiddens, dropout);
  }
  forward(X: Tensor, valid_lens: Tensor | null) { const Y = this.addnorm1(X, this.attention(X, X, X, valid_lens)); return this.addnorm2(Y, this.ffn(Y)); }
}
it("11.7 PositionWiseFFN, AddNorm (LayerNorm vs BatchNorm1d), TransformerEncoderBlock, stacked with embedding * sqrt(d)", () => {
  torch.manual_seed(0);
  const ffn = new PositionWiseFFN(4, 8); ffn.eval();
  check(String(ffn(torch.ones([2, 3, 4])).shape) === "torch.Size([2, 3, 8])", "ffn");
  const ln = new nn.LayerNorm(2), bn = new nn.LazyBatchNorm1d();
  const X = torch.tensor([[1, 2], [2, 3]]);
  const lnX = ln(X), bnX = bn(X);
  check(lnX.allclose(torch.tensor([[-1, 1], [-1, 1]]), { atol: 1e-3 }) && bnX.allclose(torch.tensor([[-1, -1], [1, 1]]), { atol: 1e-3 }), "ln vs bn");
  const add_norm = new AddNorm(4, 0.5);
  check(String(add_norm(torch.ones([2, 3, 4]), torch.ones([2, 3, 4])).shape) === "torch.Size([2, 3, 4])", "addnorm");
  const Xe = torch.ones([2, 100, 24]);
  const valid_lens = torch.tensor([3, 2]);
  const encoder_blk = new TransformerEncoderBlock(24, 48, 8, 0.5); encoder_blk.eval();
  check(String(encoder_blk(Xe, valid_lens).shape) === "torch.Size([2, 100, 24])", "block");
  const emb = new nn.Embedding(200, 24), pos = new PositionalEncoding(24, 0.1);
  const blks = new nn.Sequential(); for (let i = 0; i < 2; i++) blks.add_module("block" + i, new TransformerEncoderBlock(24, 48, 8, 0.1));
  let H = pos(emb(torch.ones([2, 100], { dtype: torch.long })).mul(Math.sqrt(24)));
  for (const blk of blks) H = blk(H, valid_lens);
  check(String(H.shape) === "torch.Size([2, 100, 24])", "encoder");
});
class PatchEmbedding extends nn.Module {
  num_patches: number; conv: nn.Module;
  constructor(img_size: number | [number, number] = 96, patch_size: number | [number, number] = 16, num_hiddens = 512) {
    super();
    const _make_tuple = (x: number | [number, number]): [number, number] => (Array.isArray(x) ? x : [x, x]);
    const [is, ps] = [_make_tuple(img_size), _make_tuple(patch_size)];
    this.num_patches = Math.floor(is[0] / ps[0]) * Math.floor(is[1] / ps[1]);
    this.conv = new nn.LazyConv2d(num_hiddens, { kernel_size: ps, stride: ps });
  }
  forward(X: Tensor) { return this.conv(X).flatten(2).transpose(1, 2); }
}
class ViTMLP extends nn.Module {
  dense1: nn.Module; gelu = new nn.GELU(); dropout1: nn.Dropout; dense2: nn.Module; dropout2: nn.Dropout;
  constructor(mlp_num_hiddens: number, mlp_num_outputs: number, dropout = 0.5) { super(); this.dense1 = new nn.LazyLinear(mlp_num_hiddens); this.dropout1 = new nn.Dropout(dropout); this.dense2 = new nn.LazyLinear(mlp_num_outputs); this.dropout2 = new nn.Dropout(dropout); }
  forward(x: Tensor) { return this.dropout2(this.dense2(this.dropout1(this.gelu(this.dense1(x))))); }
}
class ViTBlock extends nn.Module {
  ln1: nn.LayerNorm; attention: nn.MultiheadAttention; ln2: nn.LayerNorm; mlp: ViTMLP;
  constructor(num_hiddens: number, norm_shape: number, mlp_num_hiddens: number, num_heads: number, dropout: number) {
    super(); this.ln1 = new nn.LayerNorm(norm_shape); this.attention = new nn.MultiheadAttention(num_hiddens, num_heads, { dropout, batch_first: true });
    this.ln2 = new nn.LayerNorm(norm_shape); this.mlp = new ViTMLP(mlp_num_hiddens, num_hiddens, dropout);
  }
  forward(X: Tensor) { const Xn = this.ln1(X); X = X.add(this.attention(Xn, Xn, Xn, { need_weights: false })[0]); return X.add(this.mlp(this.ln2(X))); }
}
class ViT extends nn.Module {
  patch_embedding: PatchEmbedding; cls_token: nn.Parameter; pos_embedding: nn.Parameter; dropout: nn.Dropout; blks: nn.Sequential; head: nn.Sequential;
  constructor(img_size: number, patch_size: number, num_hiddens: number, mlp_num_hiddens: number, num_heads: number, num_blks: number, emb_dropout: number, blk_dropout: number, num_classes = 10) {
    super();
    this.patch_embedding = new PatchEmbedding(img_size, patch_size, num_hiddens);
    this.cls_token = new nn.Parameter(torch.zeros(1, 1, num_hiddens));
    const num_steps = this.patch_embedding.num_patches + 1;
    this.pos_embedding = new nn.Parameter(torch.randn(1, num_steps, num_hiddens).mul(0.02));
    this.dropout = new nn.Dropout(emb_dropout);
    this.blks = new nn.Sequential();
    for (let i = 0; i < num_blks; i++) this.blks.add_module(`${i}`, new ViTBlock(num_hiddens, num_hiddens, mlp_num_hiddens, num_heads, blk_dropout));
    this.head = new nn.Sequential(new nn.LayerNorm(num_hiddens), new nn.Linear(num_hiddens, num_classes));
  }
  forward(X: Tensor) {
    X = this.patch_embedding(X);
    X = torch.cat([this.cls_token.expand(X.shape[0], -1, -1), X], 1);
    X = this.dropout(X.add(this.pos_embedding));
    for (const blk of this.blks) X = blk(X);
    return this.head(X.index(":", 0));
  }
}
it("11.8 ViT: patch embedding flatten(2).transpose(1, 2), cls_token expand + cat, training steps", () => {
  torch.manual_seed(0);
  const img_size = 16, patch_size = 4, num_hiddens = 32, batch_size = 4;
  const patch_emb = new PatchEmbedding(img_size, patch_size, num_hiddens);
  const X = torch.zeros(batch_size, 3, img_size, img_size);
  check(String(patch_emb(X).shape) === `torch.Size([${batch_size}, 16, ${num_hiddens}])`, "patches");
  const vit = new ViT(img_size, patch_size, num_hiddens, 64, 4, 2, 0.1, 0.1, 3);
  const x = torch.randn(8, 3, 16, 16), y = torch.randint(0, 3, [8]);
  check(String(vit(x).shape) === "torch.Size([8, 3])", "vit out");
  const opt = new optim.Adam(vit.parameters(), { lr: 0.003 });
  const l0 = F.cross_entropy(vit(x), y).item();
  vit.train();
  for (let i = 0; i < 15; i++) { opt.zero_grad(); F.cross_entropy(vit(x), y).backward(); opt.step(); }
  vit.eval();
  const l1 = F.cross_entropy(vit(x), y).item();
  check(l1 < l0, `vit ${l0} -> ${l1}`);
  check(vit.cls_token.grad !== null && vit.cls_token.grad.abs().sum().item() > 0, "cls grad");
});

});

describe("d2l: more characteristic lines (init_seq2seq, predict loops, decoder state, ViT)", () => {
it("10.7 init_seq2seq: module._flat_weights_names / module._parameters[param], type(module) == nn.GRU", () => {
  const init_seq2seq = (module: nn.Module) => {
    if (module.constructor === nn.Linear) nn.init.xavier_uniform_((module as nn.Linear).weight);
    if (module.constructor === nn.GRU) {
      for (const param of (module as nn.GRU)._flat_weights_names) if (param.includes("weight")) nn.init.xavier_uniform_((module as nn.GRU)._parameters[param]!);
    }
  };
  const net = new nn.Sequential(new nn.GRU(4, 8, 2), new nn.Linear(8, 2));
  net.apply(init_seq2seq);
  const w = (net[0] as nn.GRU).weight_hh_l1 as Tensor;
  check(w.abs().max().item() <= Math.sqrt(6 / (8 + 24)) + 1e-6, "xavier gru");
  check((net[0] as nn.GRU)._flat_weights_names.length === 8, "names");
});
it("3.x optim.SGD(params, lr) positional, nn.MSELoss(), type(m) == nn.Linear after LazyLinear", () => {
  const net = new nn.LazyLinear(1);
  net(torch.ones(2, 3));
  check(net.constructor === nn.Linear, "type(m) == nn.Linear");
  const opt = new optim.SGD(net.parameters(), 0.03);
  check(opt.param_groups[0].lr === 0.03, "positional lr");
  const opt2 = new optim.SGD(net.parameters(), { lr: 0.1, weight_decay: 3 });
  check(opt2.param_groups[0].weight_decay === 3, "wd");
});
it("9.x predict: int(Y.argmax(axis=2).reshape(1)), torch.tensor([[outputs[-1]]])", () => {
  const Y = torch.randn(1, 1, 5);
  const outputs = [2];
  outputs.push(Number(Y.argmax({ axis: 2 } as never).reshape(1)));
  check(Number.isInteger(outputs[1]), "int");
  const x = torch.tensor([[outputs[outputs.length - 1]]], { dtype: torch.long });
  check(String(x.shape) === "torch.Size([1, 1])", "tensor");
});
it("10.x valid_len = (array != vocab['<pad>']).type(torch.int32).sum(1)", () => {
  const array = torch.tensor([[3, 4, 1, 1], [5, 1, 1, 1]], { dtype: torch.long });
  const valid_len = array.ne(1).type(torch.int32).sum(1);
  check(valid_len.tolist().toString() === "2,1" && valid_len.dtype === torch.int64, "valid_len (sum of int32 is int64)");
});
it("11.4 Bahdanau decoder pieces: torch.unsqueeze(hidden_state[-1], dim=1), cat context, permute, cat outputs", () => {
  const hidden_state = torch.randn(2, 4, 8);
  const query = torch.unsqueeze(hidden_state.index(-1), { dim: 1 });
  check(String(query.shape) === "torch.Size([4, 1, 8])", "unsqueeze");
  const context = torch.randn(4, 1, 8), x = torch.randn(4, 6);
  const xc = torch.cat([context, torch.unsqueeze(x, { dim: 1 })], { dim: -1 });
  check(String(xc.shape) === "torch.Size([4, 1, 14])", "cat");
  const rnn = new nn.GRU(14, 8, 2);
  const [out, hs] = rnn(xc.permute(1, 0, 2), hidden_state);
  const outputs = [out, out];
  check(String(torch.cat(outputs, { dim: 0 }).shape) === "torch.Size([2, 4, 8])" && String(hs.shape) === "torch.Size([2, 4, 8])", "outputs");
});
it("11.7 decoder: dec_valid_lens = torch.arange(1, num_steps + 1, device=X.device).repeat(batch_size, 1); state lists", () => {
  const X = torch.randn(2, 5, 8);
  const [batch_size, num_steps] = X.shape;
  const dec_valid_lens = torch.arange(1, num_steps + 1, { device: X.device }).repeat(batch_size, 1);
  check(String(dec_valid_lens.shape) === "torch.Size([2, 5])" && dec_valid_lens.index(1, 4).item() === 5, "valid lens");
  const state: [Tensor, Tensor | null, (Tensor | null)[]] = [X, null, [null, null]];
  const i = 0;
  const key_values = state[2][i] === null ? X : torch.cat([state[2][i]!, X], 1);
  state[2][i] = key_values;
  check(state[2][0] === X, "state");
});
it("8.x init_cnn: type(module) == nn.Linear or nn.Conv2d after lazy init, d2l apply_init", () => {
  const net = new nn.Sequential(new nn.LazyConv2d(4, 3), new nn.Flatten(), new nn.LazyLinear(2));
  const init_cnn = (module: nn.Module) => { if (module.constructor === nn.Linear || module.constructor === nn.Conv2d) nn.init.xavier_uniform_((module as nn.Linear).weight); };
  const apply_init = (inputs: Tensor[], init: (m: nn.Module) => void) => { net(inputs[0]); net.apply(init); };
  apply_init([torch.randn(1, 1, 6, 6)], init_cnn);
  check(net[0].constructor === nn.Conv2d, "conv materialised");
});
it("2.x X < Y, X > Y, torch.exp, A.numel(), from_numpy-like round trip", () => {
  const X = torch.arange(4, { dtype: torch.float32 }), Y = torch.ones(4).mul(2);
  check(X.lt(Y).tolist().toString() === "true,true,false,false" && X.gt(Y).sum().item() === 1, "cmp");
  const a = X.numpy();
  const b = torch.from_numpy(a);
  check(b.equal(X), "from_numpy");
});
it("9.6 RNNLM output layer: self.linear(hiddens).swapaxes(0, 1), nn.RNN with state", () => {
  const rnn = new nn.RNN(28, 16);
  const linear = new nn.LazyLinear(28);
  const X = F.one_hot(torch.randint(0, 28, [3, 7]).T, 28).type(torch.float32);
  const [rnn_outputs, H] = rnn(X, torch.zeros(1, 3, 16));
  const out = linear(rnn_outputs).swapaxes(0, 1);
  check(String(out.shape) === "torch.Size([3, 7, 28])" && String(H.shape) === "torch.Size([1, 3, 16])", "rnnlm");
});
it("ch11 ViT: self.attention(*([X] * 3))[0]", () => {
  const att = new nn.MultiheadAttention(16, 4, { dropout: 0.1, batch_first: true });
  const X = torch.randn(2, 5, 16);
  const out = att(...(Array(3).fill(X) as [Tensor, Tensor, Tensor]))[0];
  check(String(out.shape) === "torch.Size([2, 5, 16])", "mha spread");
});
it("ch6 net[0].weight.data[0], net.state_dict() keys print, named_parameters of net[0]", () => {
  const net = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 1));
  check(String((net[0] as nn.Linear).weight.data.index(0).shape) === "torch.Size([4])", "data[0]");
  check([...net[0].named_parameters()].map(([n, p]) => `${n}:${p.shape}`).join() === "weight:torch.Size([8, 4]),bias:torch.Size([8])", "named");
  check(Object.keys(net.state_dict()).join() === "0.weight,0.bias,2.weight,2.bias", "keys");
});
});

describe("d2l: the book's own scaffolding inline (get_tensorloader, Classifier.accuracy, Trainer with a lazy model)", () => {
it("3.3 get_tensorloader: a[indices] with indices = slice(0, None) / slice(0, num_train), TensorDataset(*tensors), DataLoader(ds, batch_size, shuffle=train)", () => {
  const X = torch.randn(10, 2), y = torch.randn(10, 1);
  const get_tensorloader = (tensors: Tensor[], train: boolean, indices = torch.slice(0, null)) => {
    tensors = tensors.map((a) => a.index(indices));
    const dataset = new utils.data.TensorDataset(...tensors);
    return new utils.data.DataLoader(dataset, 4, train);
  };
  const loader = get_tensorloader([X, y], true, torch.slice(0, 8));
  const batches = [...loader];
  check(batches.length === 2 && String(batches[0][0].shape) === "torch.Size([4, 2])", "loader");
  check(loader.length === 2, "len");
  const all = get_tensorloader([X, y], false);
  check([...all].length === 3, "all");
});
it("4.3 Classifier.accuracy: Y_hat.reshape((-1, Y_hat.shape[-1])), argmax(axis=1).type(Y.dtype), compare.mean()", () => {
  const Y_hat = torch.randn(2, 3, 5), Y = torch.randint(0, 5, [2, 3]);
  const Yh = Y_hat.reshape([-1, Y_hat.shape[-1]]);
  const preds = Yh.argmax({ axis: 1 }).type(Y.dtype);
  const compare = preds.eq(Y.reshape(-1)).type(torch.float32);
  check(String(compare.shape) === "torch.Size([6])" && compare.mean().item() <= 1, "acc");
  const l = F.cross_entropy(Yh, Y.reshape([-1]), { reduction: "mean" });
  check(l.dim() === 0, "loss");
});
it("10.7 predict_step: outputs = [tgt[:, 0].unsqueeze(1)], torch.cat(outputs[1:], 1)", () => {
  const tgt = torch.randint(0, 9, [3, 5]);
  const outputs: Tensor[] = [tgt.index(":", 0).unsqueeze(1)];
  for (let i = 0; i < 4; i++) outputs.push(torch.randint(0, 9, [3, 1]));
  check(String(torch.cat(outputs.slice(1), 1).shape) === "torch.Size([3, 4])", "cat");
});
it("10.4 bidirectional by hand: reversed(inputs), torch.cat((f_H, b_H), -1)", () => {
  const inputs = torch.randn(4, 2, 3);
  const rev = [...inputs].reverse();
  check(rev[0].equal(inputs.index(-1)), "reversed");
  const f_H = torch.randn(2, 5), b_H = torch.randn(2, 5);
  check(String(torch.cat([f_H, b_H], -1).shape) === "torch.Size([2, 10])", "cat");
});
it("10.1 LSTM from scratch step", () => {
  const X = torch.randn(2, 3), H = torch.zeros(2, 4); let C = torch.zeros(2, 4);
  const W = () => new nn.Parameter(torch.randn(3, 4).mul(0.01)), U = () => new nn.Parameter(torch.randn(4, 4).mul(0.01)), b = () => new nn.Parameter(torch.zeros(4));
  const [W_xi, W_hi, b_i] = [W(), U(), b()];
  const I = torch.sigmoid(torch.matmul(X, W_xi).add(torch.matmul(H, W_hi)).add(b_i));
  const C_tilde = torch.tanh(torch.matmul(X, W_xi).add(torch.matmul(H, W_hi)).add(b_i));
  C = I.mul(C).add(I.mul(C_tilde));
  const Hn = I.mul(torch.tanh(C));
  Hn.sum().backward();
  check(W_xi.grad !== null && String(Hn.shape) === "torch.Size([2, 4])", "lstm step");
});
it("6.7 X.to(device), net.to(device=try_gpu()), X.cuda() refused clearly", () => {
  const X = torch.ones(2, 3);
  const Y = X.to(torch.device("cpu"));
  check(String(Y.device) === "cpu", "to");
  let msg = "";
  try { (X as unknown as { cuda: () => Tensor }).cuda(); } catch (e) { msg = (e as Error).message; }
  check(msg.length > 0, "cuda raises: " + msg);
});
it("2.1 a = torch.tensor([3.5]); float(a), int(a)", () => {
  const a = torch.tensor([3.5]);
  check(a.item() === 3.5 && Number(a) === 3.5 && Math.trunc(Number(a)) === 3, "scalars");
});
it("3.x d2l SGD class: for param in self.params: param -= self.lr * param.grad (under no_grad)", () => {
  const w = torch.ones(3, { requires_grad: true });
  w.sum().backward();
  torch.no_grad(() => { w.sub_(w.grad!.mul(0.1)); });
  check(close(w.index(0).item(), 0.9), "step");
  function close(a: number, b: number) { return Math.abs(a - b) < 1e-6; }
});
it("3.5 d2l's Module / DataModule / Trainer inline: LinearRegression(nn.LazyLinear(1)) with configure_optimizers before any forward", () => {
  torch.manual_seed(0);
  class SyntheticRegressionData {
    X: Tensor; y: Tensor; num_train: number; batch_size: number;
    constructor(w: Tensor, b: number, noise = 0.01, num_train = 1000, num_val = 1000, batch_size = 32) {
      const n = num_train + num_val;
      this.X = torch.randn(n, w.shape[0]);
      const noiseT = torch.randn(n, 1).mul(noise);
      this.y = torch.matmul(this.X, w.reshape([-1, 1])).add(b).add(noiseT);
      this.num_train = num_train; this.batch_size = batch_size;
    }
    get_dataloader(train: boolean) {
      const i = train ? torch.slice(0, this.num_train) : torch.slice(this.num_train, null);
      return new utils.data.DataLoader(new utils.data.TensorDataset(this.X.index(i), this.y.index(i)), this.batch_size, train);
    }
  }
  class LinearRegression extends nn.Module {
    net: nn.LazyLinear; lr: number;
    constructor(lr: number) {
      super();
      this.lr = lr;
      this.net = new nn.LazyLinear(1);
      this.net.weight.data.normal_(0, 0.01);
      this.net.bias!.data.fill_(0);
    }
    forward(X: Tensor) { return this.net(X); }
    loss(y_hat: Tensor, y: Tensor) { return new nn.MSELoss()(y_hat, y); }
    training_step(batch: Tensor[]) { return this.loss((this as LinearRegression)(batch[0]), batch[1]); }
    configure_optimizers() { return new optim.SGD(this.parameters(), this.lr); }
    get_w_b(): [Tensor, Tensor] { const lin = this.net as unknown as nn.Linear; return [lin.weight.data, lin.bias!.data]; }
  }
  const data = new SyntheticRegressionData(torch.tensor([2, -3.4]), 4.2);
  const model = new LinearRegression(0.03);
  const optimizer = model.configure_optimizers(); // Trainer.fit: before any forward
  const val_losses: number[] = [];
  for (let epoch = 0; epoch < 3; epoch++) {
    model.train();
    for (const batch of data.get_dataloader(true)) {
      const loss = model.training_step(batch);
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
    }
    model.eval();
    torch.no_grad(() => { let s = 0, k = 0; for (const batch of data.get_dataloader(false)) { s += model.training_step(batch).item(); k++; } val_losses.push(s / k); });
  }
  const [w, b] = model.get_w_b();
  check(w.reshape(-1).sub(torch.tensor([2, -3.4])).abs().max().item() < 0.05, `w ${w}`);
  check(Math.abs(b.item() - 4.2) < 0.05, `b ${b}`);
  check(val_losses[2] < 0.01, `val ${val_losses}`);
});
});
