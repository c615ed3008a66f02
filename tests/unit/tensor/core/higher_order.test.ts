/**
 * Higher-order gradients (create_graph), torch.autograd.Function, enable_grad and anomaly
 * detection. Second derivatives are checked against finite differences of the first
 * derivative (a gradgradcheck), in float64.
 */
import { describe, expect, it } from "vitest";
import { F, nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectClose, fixture, tensorOf, type FT } from "../nn/helpers";
import { gradgradcheck } from "../gradgradcheck";

const f64 = { dtype: torch.float64 };

describe("create_graph: second derivatives vs finite differences", () => {
  torch.manual_seed(3);
  const r = (...shape: number[]) => torch.randn(shape, f64);
  const pos = (...shape: number[]) => torch.rand(shape, f64).add(0.5);
  const cases: [string, () => Tensor[], (...xs: Tensor[]) => Tensor][] = [
    ["add/sub/mul/div broadcast", () => [r(3, 4), pos(4)], (a, b) => a.mul(b).sub(a.div(b)).add(b.mul(b))],
    ["pow (scalar and tensor)", () => [pos(3), r(3)], (a, b) => a.pow(3).add(a.pow(b))],
    ["exp/log/sqrt/rsqrt/reciprocal", () => [pos(5)], (a) => a.exp().add(a.log()).add(a.sqrt()).add(a.rsqrt()).add(a.reciprocal())],
    ["sin/cos/erf/square/abs/expm1/log1p", () => [r(5)], (a) => a.sin().mul(a.cos()).add(a.erf()).add(a.square()).add(a.abs().mul(a)).add(a.expm1()).add(a.mul(a).log1p())],
    ["sigmoid/tanh/softplus/silu/gelu/elu/selu", () => [r(6)], (a) => a.sigmoid().add(a.tanh()).add(F.softplus(a, 2)).add(F.silu(a)).add(F.gelu(a)).add(F.gelu(a, "tanh")).add(F.elu(a)).add(F.selu(a)).mul(a)],
    ["relu/leaky_relu/hardtanh/clamp (products)", () => [r(6)], (a) => F.relu(a).mul(a).add(F.leaky_relu(a, 0.2).mul(a)).add(F.hardtanh(a, -0.5, 0.5).mul(a)).add(a.clamp(-0.3, 0.4).mul(a))],
    ["sum/mean with dims, views, expand, cat, where", () => [r(2, 3)], (a) => torch.cat([a.t().reshape(-1).mul(a.reshape(-1)), a.mean(1, true).expand(2, 3).reshape(-1), torch.where(a.gt(0), a.mul(a), a.mul(2)).sum(0)]).pow(2)],
    ["maximum/minimum", () => [r(4), r(4)], (a, b) => torch.maximum(a, b).mul(torch.minimum(a, b)).mul(a)],
    ["mm/matmul/addmm", () => [r(3, 4), r(4, 2), r(2)], (a, b, c) => torch.addmm(c, a, b).tanh().matmul(b.t()).mul(a)],
    ["batched matmul", () => [r(2, 3, 4), r(4, 2)], (a, b) => a.matmul(b).pow(2)],
    ["softmax/log_softmax", () => [r(3, 4)], (a) => F.softmax(a, 1).mul(a).add(F.log_softmax(a, 0).mul(a.sin()))],
    ["max/min/amax reductions, cumsum, dropout", () => [r(3, 4)], (a) => {
      const sq = a.mul(a);
      torch.manual_seed(1);
      return sq.max(1).values.add(sq.min(0).values.sum()).add(sq.amax(1)).add(sq.max()).mul(a.sum(1)).sum().add(sq.cumsum(1).mul(a).sum()).add(F.dropout(sq, 0.5, true).mul(a).sum());
    }],
    ["layer_norm", () => [r(4, 3), pos(3), r(3)], (a, w, b) => F.layer_norm(a.mul(a), [3], w, b).mul(a)],
    ["batch_norm (training)", () => [r(4, 3), pos(3), r(3)], (a, w, b) => F.batch_norm(a.mul(a), null, null, { weight: w, bias: b, training: true }).mul(a)],
    ["batch_norm (eval)", () => [r(4, 3), pos(3), r(3)], (a, w, b) => F.batch_norm(a.mul(a), torch.tensor([0.1, 0.2, 0.3], f64), torch.tensor([1, 2, 0.5], f64), w, b, false).mul(a)],
    ["prelu (per channel and shared weight)", () => [r(4, 3), pos(3)], (a, w) => F.prelu(a, w).mul(a).add(F.prelu(a, w.narrow(0, 0, 1)).mul(a))],
    ["select / narrow / index slices", () => [r(3, 4)], (a) => {
      const sq = a.mul(a);
      return sq.select(1, 2).mul(a.select(0, 1).narrow(0, 0, 3)).sum().add(sq.index("1:3", "0:2").mul(a.narrow(1, 2, 2).narrow(0, 0, 2)).sum()).mul(a);
    }],
    ["var/std/logsumexp (composite ops)", () => [r(3, 4)], (a) => a.var(1).sum().add(a.std()).add(a.logsumexp(1).sum()).mul(a)],
    ["mse_loss / l1_loss", () => [r(3, 4), r(3, 4)], (a, b) => F.mse_loss(a.tanh(), b).add(F.l1_loss(a.mul(a), b, { reduction: "sum" }))],
    ["cross_entropy (weights, label_smoothing, ignore_index)", () => [r(4, 3)], (a) => F.cross_entropy(a.mul(a), torch.tensor([0, 2, 1, 2], { dtype: torch.long }), { weight: torch.tensor([0.5, 1, 2], f64), label_smoothing: 0.1, ignore_index: 1 })],
    ["cross_entropy (class probabilities)", () => [r(4, 3), pos(4, 3)], (a, p) => F.cross_entropy(a.mul(a), p.div(p.sum(1, true)))],
    ["nll_loss", () => [r(4, 3)], (a) => F.nll_loss(F.log_softmax(a.pow(3), 1), torch.tensor([0, 2, 1, 2], { dtype: torch.long }), { reduction: "sum" })],
    ["binary_cross_entropy(_with_logits)", () => [r(5), torch.rand(5, f64)], (a, t) => F.binary_cross_entropy_with_logits(a.mul(a), t, { pos_weight: torch.tensor([2], f64) }).add(F.binary_cross_entropy(a.sigmoid(), t, { reduction: "sum" }))],
    ["huber / smooth_l1 / kl_div / cosine_similarity", () => [r(3, 4), r(3, 4)], (a, b) => F.huber_loss(a.mul(a), b, { delta: 0.5 }).add(F.smooth_l1_loss(a, b.mul(b))).add(F.kl_div(F.log_softmax(a, 1), F.softmax(b, 1), { reduction: "batchmean" })).add(F.cosine_similarity(a, b).sum())],
    // Indexing: each backward is a scatter/select of the incoming gradient, differentiated again.
    ["gather / scatter / scatter_add", () => [r(3, 4), r(3, 2)], (a, s) => {
      const idx = torch.tensor([[0, 3], [2, 2], [1, 0]], { dtype: torch.long });
      const distinct = torch.tensor([[0, 3], [2, 1], [1, 0]], { dtype: torch.long }); // scatter's writes must not collide
      const sq = a.mul(a);
      return sq.gather(1, idx).mul(s).sum().add(sq.scatter(1, distinct, s.mul(s)).mul(a).sum()).add(sq.scatter_add(1, idx, s.mul(a.narrow(1, 0, 2))).mul(a).sum());
    }],
    ["index_select / index_add", () => [r(4, 3), r(2, 3)], (a, s) => {
      const idx = torch.tensor([3, 0, 3], { dtype: torch.long });
      const sq = a.mul(a);
      return sq.index_select(0, idx).mul(a.narrow(0, 0, 3)).sum().add(sq.index_add(0, torch.tensor([1, 1], { dtype: torch.long }), s.mul(s)).mul(a).sum());
    }],
    ["advanced indexing read and index_put (probs[arange(n), y])", () => [r(3, 4), r(3)], (a, v) => {
      const rows = torch.arange(3);
      const cols = torch.tensor([1, 3, 1], { dtype: torch.long });
      const sq = a.mul(a);
      const picked = sq.index(rows, cols).mul(v).sum().add(sq.index(null, cols).mul(a.index(null, "0:3")).sum());
      return picked.add(torch.index_put(sq, [rows, cols], v.mul(v)).mul(a).sum()).add(torch.index_put(sq, [rows, cols], v.mul(a.select(1, 0)), true).mul(a).sum());
    }],
    // Singular-value norms: tall, wide and batched matrices; x * norm makes the second derivative
    // depend on the first one as well as on the singular vectors' own derivatives.
    ["matrix_norm nuc / 2 / -2 (tall and wide)", () => [r(4, 3), r(2, 5)], (a, b) => torch.cat([
      torch.linalg.matrix_norm(a, "nuc").mul(a.sum()).reshape(1), torch.linalg.matrix_norm(a, 2).reshape(1), torch.linalg.matrix_norm(a, -2).pow(2).reshape(1),
      torch.linalg.matrix_norm(b, "nuc").reshape(1), torch.linalg.matrix_norm(b, 2).mul(b.sum()).reshape(1), torch.linalg.matrix_norm(b, -2).reshape(1),
    ])],
    ["vector norms (2, 1, 3, inf, over dims) and the Frobenius norm", () => [r(3, 4)], (a) => torch.stack([
      torch.linalg.vector_norm(a).mul(a.sum()), torch.linalg.vector_norm(a, 1, 1).sum(), torch.linalg.vector_norm(a, 3, 0).pow(2).sum(),
      torch.linalg.vector_norm(a, Infinity).mul(a.sum()), torch.linalg.matrix_norm(a, "fro").pow(3), a.norm(2, 1).mul(a.sum(1)).sum(),
    ])],
    ["linalg.norm nuc / 2 over a batch and chosen dims", () => [r(2, 3, 3)], (a) => torch.linalg.norm(a, "nuc", [0, 2]).mul(torch.linalg.norm(a, 2, [1, 2]).sum())],
    ["nn.Linear + tanh MLP", () => [r(5, 3)], (x) => {
      torch.manual_seed(0);
      const m = new nn.Sequential(new nn.Linear(3, 4), new nn.Tanh(), new nn.Linear(4, 1)).double();
      return m(x).pow(2);
    }],
  ];
  for (const [name, inputs, fn] of cases) it(name, () => gradgradcheck(fn, inputs()));
});

describe("create_graph vs PyTorch 1.13 (float64)", () => {
  const fx = fixture<{
    x: FT; y: number[]; params: FT[]; v: FT[]; loss: number; grads: FT[]; hvp: FT[]; penalty: number; gx: FT; penalty_grads: FT[];
  }>("nn/higher_order.json");
  const net = (inp: Tensor, p: Tensor[]) => F.linear(F.linear(inp, p[0], p[1]).tanh(), p[2], p[3]);

  it("Hessian-vector product of an MLP's cross-entropy loss", () => {
    const ps = fx.params.map((t) => tensorOf(t, torch.float64, true));
    const loss = F.cross_entropy(net(tensorOf(fx.x), ps), torch.tensor(fx.y, { dtype: torch.long }), { label_smoothing: 0.1 });
    expect(loss.item()).toBeCloseTo(fx.loss, 12);
    const gs = torch.autograd.grad(loss, ps, null, { create_graph: true }) as Tensor[];
    gs.forEach((g, i) => expectClose(g, fx.grads[i], { rtol: 1e-10, atol: 1e-12, label: `grad ${i}` }));
    const gv = gs.map((g, i) => g.mul(tensorOf(fx.v[i])).sum()).reduce((a, b) => a.add(b));
    const hvp = torch.autograd.grad(gv, ps) as Tensor[];
    hvp.forEach((h, i) => expectClose(h, fx.hvp[i], { rtol: 1e-9, atol: 1e-12, label: `hvp ${i}` }));
  });

  it("gradient penalty ||d out / d x||^2 backpropagated to the parameters", () => {
    const ps = fx.params.map((t) => tensorOf(t, torch.float64, true));
    const x = tensorOf(fx.x, torch.float64, true);
    const total = F.softplus(net(x, ps)).sum();
    const [gx] = torch.autograd.grad(total, x, null, { create_graph: true }) as Tensor[];
    expectClose(gx, fx.gx, { rtol: 1e-10, atol: 1e-12, label: "d out / d x" });
    const penalty = gx.pow(2).sum();
    expect(penalty.item()).toBeCloseTo(fx.penalty, 10);
    penalty.backward();
    ps.forEach((p, i) => expectClose(p.grad!, fx.penalty_grads[i], { rtol: 1e-9, atol: 1e-12, label: `penalty grad ${i}` }));
  });
});

describe("create_graph: API", () => {
  it("d2/dx2 of x^3 is 6x, and a third derivative works", () => {
    const x = torch.tensor([1, -2, 0.5], { dtype: torch.float64, requires_grad: true });
    const [g1] = torch.autograd.grad(x.pow(3).sum(), x, null, { create_graph: true }) as Tensor[];
    expect(g1.tolist()).toEqual([3, 12, 0.75]);
    expect(g1.grad_fn).not.toBeNull();
    const [g2] = torch.autograd.grad(g1.sum(), x, null, { create_graph: true }) as Tensor[];
    expect(g2.tolist()).toEqual([6, -12, 3]);
    const [g3] = torch.autograd.grad(g2.sum(), x) as Tensor[];
    expect(g3.tolist()).toEqual([6, 6, 6]);
  });

  it("a gradient comes in its input's dtype, first and second order (a float64 loss of a float32 input)", () => {
    // torch 1.13: x = tensor([0.5, -1, 2], requires_grad=True); t = tensor([1., 0, 1], dtype=float64)
    // l = F.binary_cross_entropy_with_logits(x, t) (float64); g, = grad(l, [x], create_graph=True); gg, = grad(g.sum(), [x])
    const x = torch.tensor([0.5, -1, 2], { requires_grad: true });
    const t = torch.tensor([1, 0, 1], { dtype: torch.float64 });
    const loss = F.binary_cross_entropy_with_logits(x, t);
    expect(loss.dtype).toBe(torch.float64);
    const [g] = torch.autograd.grad(loss, [x], null, { create_graph: true }) as Tensor[];
    expect(g.dtype).toBe(torch.float32);
    (g.tolist() as number[]).forEach((v, i) => expect(v).toBeCloseTo([-0.12584687769412994, 0.08964714407920837, -0.03973432257771492][i], 6));
    const [gg] = torch.autograd.grad(g.sum(), [x]) as Tensor[];
    expect(gg.dtype).toBe(torch.float32);
    (gg.tolist() as number[]).forEach((v, i) => expect(v).toBeCloseTo([0.07833457738161087, 0.06553731858730316, 0.03499787673354149][i], 6));
  });

  it("backward({ create_graph: true }) leaves a differentiable .grad (gradient penalty)", () => {
    const w = torch.tensor([0.5, -1], { dtype: torch.float64, requires_grad: true });
    const x = torch.tensor([[1, 2], [3, -1]], f64);
    const loss = x.matmul(w).tanh().sum();
    loss.backward({ create_graph: true });
    const gw = w.grad!;
    expect(gw.requires_grad).toBe(true);
    const penalty = gw.pow(2).sum();
    w.grad = null;
    penalty.backward();
    // Reference: the same penalty from a hand-written first gradient.
    const w2 = torch.tensor([0.5, -1], { dtype: torch.float64, requires_grad: true });
    const t = x.matmul(w2).tanh();
    const manual = x.t().matmul(t.mul(t).neg().add(1)).pow(2).sum();
    manual.backward();
    expect(w.grad!.tolist()).toEqual(w2.grad!.tolist());
  });

  it("without create_graph the gradient has no graph (unchanged behaviour)", () => {
    const x = torch.tensor([2], { requires_grad: true });
    const [g] = torch.autograd.grad(x.pow(2).sum(), x) as Tensor[];
    expect(g.requires_grad).toBe(false);
    expect(g.grad_fn).toBeNull();
  });

  it("strided slices are not differentiable twice yet: a clear error, not a wrong value", () => {
    const x = torch.tensor([1, 2, 3, 4], { dtype: torch.float64, requires_grad: true });
    const [g] = torch.autograd.grad(x.mul(x).index("::2").sum(), x, null, { create_graph: true }) as Tensor[];
    expect(g.tolist()).toEqual([2, 0, 6, 0]);
    expect(() => torch.autograd.grad(g.sum(), x)).toThrow(/derivative of SliceBackward0 is not implemented/);
  });

  it("singular-value norms: second derivatives where they exist, a clear error where they do not", () => {
    const secondOf = (a: Tensor, ord: "nuc" | 2 | -2) => {
      const x = a.clone().requires_grad_(true);
      const [g] = torch.autograd.grad(torch.linalg.matrix_norm(x, ord), x, null, { create_graph: true });
      return () => torch.autograd.grad(g!.mul(torch.linspace(-1, 1, x.numel(), f64).reshape(x.shape.slice())).sum(), x);
    };
    const rankOne = torch.tensor([[1, 2], [2, 4], [3, 6]], f64);
    expect(() => secondOf(rankOne, "nuc")()).toThrow(/second derivative of the nuclear norm does not exist for a rank-deficient matrix/);
    expect(() => secondOf(rankOne, -2)()).toThrow(/matrix_norm\(ord=-2\): the second derivative does not exist where the chosen singular value is 0/);
    expect(() => secondOf(torch.eye(3, f64), 2)()).toThrow(/chosen singular value is repeated/);
    // The largest singular value of a rank-one matrix is simple: its derivative exists.
    expect(Boolean(secondOf(rankOne, 2)()[0]!.isfinite().all().item())).toBe(true);
    // The polar factor's derivative exists for repeated singular values (2 I has U V^T = I).
    expect(Boolean(secondOf(torch.eye(3, f64).mul(2), "nuc")()[0]!.isfinite().all().item())).toBe(true);
  });

  it("an op without a differentiable backward raises naming it, only when differentiated twice", () => {
    const x = torch.tensor([1, 2, 3], { dtype: torch.float64, requires_grad: true });
    // cumprod (prod's gradient is differentiable since the puzzles probe)
    const [g] = torch.autograd.grad(x.mul(x).cumprod(0).sum(), x, null, { create_graph: true }) as Tensor[];
    expect(g.tolist()).toEqual([82, 40, 24]); // the first derivative is right
    expect(() => torch.autograd.grad(g.sum(), x)).toThrow(/derivative of CumprodBackward0 is not implemented for higher-order gradients/);
  });
});

describe("torch.autograd.Function", () => {
  class MulConst extends torch.autograd.Function {
    static override forward(ctx: InstanceType<typeof torch.autograd.FunctionCtx>, x: Tensor, k: number): Tensor {
      ctx.k = k;
      ctx.save_for_backward(x);
      return x.mul(k).mul(x);
    }
    static override backward(ctx: InstanceType<typeof torch.autograd.FunctionCtx>, g: Tensor): [Tensor | null, null] {
      const [x] = ctx.saved_tensors;
      return [ctx.needs_input_grad[0] ? g.mul(x).mul(2 * (ctx.k as number)) : null, null];
    }
  }

  it("forward/backward with ctx, non-tensor args, grad_fn name, needs_input_grad", () => {
    const x = torch.tensor([1, -2, 3], { dtype: torch.float64, requires_grad: true });
    const y = MulConst.apply(x, 3) as Tensor;
    expect(y.tolist()).toEqual([3, 12, 27]);
    expect(y.grad_fn!.name()).toBe("MulConstBackward");
    y.sum().backward();
    expect(x.grad!.tolist()).toEqual([6, -12, 18]);
    // No input needs grad: no node.
    expect((MulConst.apply(torch.ones(2), 2) as Tensor).grad_fn).toBeNull();
  });

  it("its backward is differentiable under create_graph (second derivative 2k)", () => {
    const x = torch.tensor([1, 2], { dtype: torch.float64, requires_grad: true });
    const [g] = torch.autograd.grad((MulConst.apply(x, 5) as Tensor).sum(), x, null, { create_graph: true }) as Tensor[];
    const [g2] = torch.autograd.grad(g.sum(), x) as Tensor[];
    expect(g2.tolist()).toEqual([10, 10]);
  });

  it("apply works taken off its class (const P3 = Legendre.apply), and on the base class raises", () => {
    class Legendre3 extends torch.autograd.Function {
      static override forward(ctx: InstanceType<typeof torch.autograd.FunctionCtx>, x: Tensor) {
        ctx.save_for_backward(x);
        return x.pow(3).mul(5).sub(x.mul(3)).mul(0.5);
      }
      static override backward(ctx: InstanceType<typeof torch.autograd.FunctionCtx>, g: Tensor) {
        const [x] = ctx.saved_tensors;
        return g.mul(x.pow(2).mul(5).sub(1).mul(1.5));
      }
    }
    const P3 = Legendre3.apply;
    const x = torch.tensor([-0.5, 0.25, 1], { dtype: torch.float64, requires_grad: true });
    const y = P3(x) as Tensor;
    expect(y.grad_fn!.name()).toBe("Legendre3Backward");
    y.sum().backward();
    expect(x.grad!.tolist()).toEqual([0.375, -1.03125, 6]);
    const { apply } = torch.autograd.Function;
    expect(() => apply(x)).toThrow(/torch.autograd.Function is a base class/);
  });

  it("multiple outputs, mark_non_differentiable, saved tensor modified in place", () => {
    class SortLike extends torch.autograd.Function {
      static override forward(ctx: InstanceType<typeof torch.autograd.FunctionCtx>, x: Tensor): Tensor[] {
        const doubled = x.mul(2);
        const mask = x.gt(0);
        ctx.mark_non_differentiable(mask);
        ctx.save_for_backward(x);
        return [doubled, x.mul(x), mask];
      }
      static override backward(ctx: InstanceType<typeof torch.autograd.FunctionCtx>, gD: Tensor, gS: Tensor): Tensor {
        const [x] = ctx.saved_tensors;
        return gD.mul(2).add(gS.mul(x).mul(2));
      }
    }
    const x = torch.tensor([1, -3], { dtype: torch.float64, requires_grad: true });
    const [d, s, m] = SortLike.apply(x) as Tensor[];
    expect(m.requires_grad).toBe(false);
    d.sum().add(s.sum()).backward();
    expect(x.grad!.tolist()).toEqual([4, -4]);
    const x2 = torch.tensor([1, 2], { dtype: torch.float64, requires_grad: true });
    const h = x2.mul(1);
    const [d2] = SortLike.apply(h) as Tensor[];
    h.mul_(3);
    expect(() => d2.sum().backward()).toThrow(/modified by an inplace operation/);
  });

  it("wrong gradients are reported with PyTorch's messages", () => {
    class Bad extends torch.autograd.Function {
      static override forward(_ctx: unknown, x: Tensor): Tensor {
        return x.clone();
      }
      static override backward(_ctx: unknown, g: Tensor): Tensor[] {
        return [g, g];
      }
    }
    class BadShape extends torch.autograd.Function {
      static override forward(_ctx: unknown, x: Tensor): Tensor {
        return x.sum();
      }
      static override backward(_ctx: unknown, g: Tensor): Tensor {
        return g;
      }
    }
    const x = torch.ones(2).requires_grad_(true);
    expect(() => (Bad.apply(x) as Tensor).sum().backward()).toThrow(/function BadBackward returned an incorrect number of gradients \(expected 1, got 2\)/);
    expect(() => (BadShape.apply(x) as Tensor).backward()).toThrow(/Function BadShapeBackward returned an invalid gradient at index 0 - got \[\] but expected shape compatible with \[2\]/);
  });
});

describe("enable_grad and anomaly detection", () => {
  it("enable_grad records inside no_grad", () => {
    const x = torch.ones(2).requires_grad_(true);
    const [a, b] = torch.no_grad(() => [x.mul(2), torch.enable_grad(() => x.mul(2))]);
    expect(a.requires_grad).toBe(false);
    expect(b.requires_grad).toBe(true);
    expect(torch.is_grad_enabled()).toBe(true);
  });

  it("a NaN gradient raises naming the node, with the forward trace", () => {
    const run = () => {
      const x = torch.tensor([0, 1], { requires_grad: true });
      x.sqrt().mul(0).sum().backward();
      return x.grad!;
    };
    expect(run().isnan().any().item()).toBe(true); // silently NaN without anomaly mode
    expect(() => torch.autograd.detect_anomaly(run)).toThrow(/Function 'SqrtBackward0' returned nan values in its 0th output\.\nThe forward call that created SqrtBackward0:/);
    expect(torch.autograd.is_anomaly_enabled()).toBe(false);
    torch.autograd.set_detect_anomaly(true);
    try {
      expect(run).toThrow(/SqrtBackward0/);
    } finally {
      torch.autograd.set_detect_anomaly(false);
    }
  });
});
