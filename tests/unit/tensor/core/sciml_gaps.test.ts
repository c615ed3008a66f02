/**
 * Gaps the sciml probe (tutorials/sciml.test.ts) found, against torch 1.13 (scripts/fixtures/sciml_fixtures.py,
 * the "gaps" section of tests/fixtures/torch/tutorials/sciml.json):
 *  - a custom autograd Function's backward may return a gradient that the input's shape expands to; autograd sums
 *    it down to the input's shape (validate_outputs), as msurtsukov's neural-ODE adjoint relies on for its
 *    [batch, n_params] parameter gradient; a gradient of fewer dims still raises;
 *  - bias=None (hamiltonian-nn's nn.Linear(hidden, out, bias=None)) is falsy in Python: no bias parameter, and no
 *    draw from the generator for it (Linear, Conv, Bilinear, MultiheadAttention);
 *  - torch.autograd.grad / backward's checks in torch's order and words; LBFGS.step() without a closure; the grad_fn
 *    names of split / chunk pieces.
 */
import { describe, expect, it } from "vitest";
import { nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectT, raised, tutorialFixture } from "../tutorials/helpers";

const g = tutorialFixture<Record<string, any>>("sciml.json").gaps; // eslint-disable-line @typescript-eslint/no-explicit-any
type Ctx = InstanceType<typeof torch.autograd.FunctionCtx>;

describe("custom Function gradients are summed to the input's shape when it expands to theirs", () => {
  it("a [3, 4] gradient for a [4] input, a [2, 1, 3] one for [1, 3], [2] and [1, 1] ones for a 0-d input", () => {
    class SumTo extends torch.autograd.Function {
      static forward(ctx: Ctx, a: Tensor, rep: number): Tensor {
        Object.assign(ctx, { rep });
        return a.mul(2);
      }
      static backward(ctx: Ctx, gr: Tensor): (Tensor | null)[] {
        const rep = ctx.rep as number;
        return [gr.expand(rep, ...gr.shape).mul(torch.arange(1, rep + 1).reshape(rep, ...gr.shape.map(() => 1))), null];
      }
    }
    const a4 = torch.ones(4, { requires_grad: true });
    (SumTo.apply(a4, 3) as Tensor).sum().backward();
    expectT(a4.grad!, g.rep_sum, 0);

    class Lead extends torch.autograd.Function {
      static forward(_ctx: Ctx, a: Tensor): Tensor {
        return a.mul(2);
      }
      static backward(): Tensor {
        return torch.arange(6).reshape(2, 1, 3);
      }
    }
    const a13 = torch.ones(1, 3, { requires_grad: true });
    (Lead.apply(a13) as Tensor).sum().backward();
    expectT(a13.grad!, g.lead_sum, 0);

    class ToScalar extends torch.autograd.Function {
      static forward(_ctx: Ctx, a: Tensor): Tensor {
        return a.mul(2);
      }
      static backward(): Tensor {
        return torch.tensor([1.5, 2.5]);
      }
    }
    const s0 = torch.tensor(2, { requires_grad: true });
    (ToScalar.apply(s0) as Tensor).backward();
    expectT(s0.grad!, g.scalar_from_2, 0);

    class Row extends torch.autograd.Function {
      static forward(_ctx: Ctx, a: Tensor): Tensor {
        return a.mul(2);
      }
      static backward(): Tensor {
        return torch.ones(1, 1).mul(3);
      }
    }
    const s1 = torch.tensor(2, { requires_grad: true });
    (Row.apply(s1) as Tensor).backward();
    expectT(s1.grad!, g.scalar_from_1x1, 0);
  });

  it("a gradient of fewer dims than the input still raises torch's error", () => {
    class Fewer extends torch.autograd.Function {
      static forward(_ctx: Ctx, a: Tensor): Tensor {
        return a.mul(2);
      }
      static backward(_ctx: Ctx, gr: Tensor): Tensor {
        return gr.sum(0);
      }
    }
    expect(raised(() => (Fewer.apply(torch.ones(1, 4, { requires_grad: true })) as Tensor).sum().backward())).toEqual(g.err_fewer_dims);
  });

  it("the summed gradient is differentiable (create_graph)", () => {
    class Sq extends torch.autograd.Function {
      static forward(ctx: Ctx, a: Tensor): Tensor {
        ctx.save_for_backward(a);
        return a.mul(a);
      }
      static backward(ctx: Ctx, gr: Tensor): Tensor {
        const [a] = ctx.saved_tensors;
        return a.mul(2).mul(gr).unsqueeze(0).expand(3, -1).div(3);
      }
    }
    const xq = torch.tensor([1, 2, 3], { requires_grad: true });
    const [gq] = torch.autograd.grad((Sq.apply(xq) as Tensor).pow(2).sum(), xq, { create_graph: true });
    expectT(gq!, g.sq_grad, 1e-6);
    expectT(torch.autograd.grad(gq!.sum(), xq)[0]!, g.sq_grad2, 1e-6);
  });
});

describe("bias=None builds no bias, as Python's falsy None", () => {
  it("Linear, Conv2d, Bilinear: no bias parameter, torch's repr, the generator stream unchanged by it", () => {
    torch.manual_seed(0);
    const lin = new nn.Linear(16, 2, { bias: null });
    expect([lin.bias === null, lin.named_parameters().map(([n]) => n), String(lin)]).toEqual(g.bias_none.linear);
    expectT(torch.randn(3), g.bias_none.after, 1e-6);
    const conv = new nn.Conv2d(1, 2, 3, { bias: null });
    expect([conv.bias === null, String(conv)]).toEqual(g.bias_none.conv2d);
    expect(new nn.Bilinear(2, 2, 2, { bias: null }).bias === null).toBe(g.bias_none.bilinear);
    expect(new nn.Linear(3, 2, null).bias).toBeNull(); // positional, as nn.Linear(3, 2, None)
    const mha = new nn.MultiheadAttention(4, 2, { bias: null });
    expect([mha.in_proj_bias === null, mha.out_proj.bias === null]).toEqual(g.bias_none.mha);
  });
});

describe("autograd.grad / backward: torch's checks, in its order and words", () => {
  it("grad_outputs of another shape, implicit grads of non-scalars, outputs not requiring grad, unused inputs", () => {
    const xm = torch.ones([2, 3], { requires_grad: true });
    const ym = xm.mul(2);
    expect(raised(() => ym.backward(torch.ones(3)))).toEqual(g.err_backward_shape);
    expect(raised(() => xm.sum().mul(2).backward(torch.ones(1)))).toEqual(g.err_backward_0d);
    expect(raised(() => torch.autograd.grad(ym, xm, { grad_outputs: torch.ones(6) }))).toEqual(g.err_grad_shape);
    expect(raised(() => torch.autograd.grad(ym, xm))).toEqual(g.err_grad_nonscalar);
    expect(raised(() => torch.autograd.grad([ym.sum(), torch.ones([])], xm))).toEqual(g.err_grad_output1_plain);
    expect(raised(() => torch.autograd.grad(torch.ones(2), xm, { grad_outputs: torch.ones(2) }))).toEqual(g.err_grad_output0_plain_nonscalar);
    expect(raised(() => torch.autograd.grad(ym.sum(), [xm, torch.ones(1, { requires_grad: true })]))).toEqual(g.err_grad_unused);
  });
});

describe("LBFGS.step without a closure: torch's TypeErrors", () => {
  it("missing, None", () => {
    const opt = new torch.optim.LBFGS([torch.ones(2, { requires_grad: true })]);
    expect(raised(() => (opt.step as () => unknown)())).toEqual(g.err_lbfgs_missing);
    expect(raised(() => opt.step(null as never))).toEqual(g.err_lbfgs_none);
  });
});

describe("split / chunk pieces carry SplitBackward0 / SplitWithSizesBackward0", () => {
  it("grad_fn names and the printed piece, narrow and slicing keep SliceBackward0", () => {
    const xs = torch.arange(12, { dtype: torch.float32 }).reshape(2, 6).requires_grad_();
    const names = (ts: Tensor[]): string[] => ts.map((t) => t.grad_fn!.name());
    expect([
      names(xs.split(2, 1)), names(xs.split([2, 4], 1)), names(xs.chunk(3, 1)), names(torch.split(xs, 1)),
      xs.narrow(1, 0, 2).grad_fn!.name(), xs.index(":", "1:3").grad_fn!.name(),
    ]).toEqual(g.split_names);
    expect(String(xs.split(3, 1)[1])).toBe(g.split_repr);
  });
});

describe("RNN / LSTM / cells with bias=None: no biases, the repr keeps bias=None", () => {
  it("named parameters and repr as torch 1.13", () => {
    const mods = [new nn.RNN(2, 3, { bias: null }), new nn.LSTM(2, 3, { bias: null }), new nn.GRUCell(2, 3, { bias: null }), new nn.LSTMCell(2, 3, { bias: null }), new nn.RNNCell(2, 3, { bias: null })];
    expect(mods.map((m) => [m.named_parameters().map(([n]) => n), String(m)])).toEqual(g.bias_none.rnn);
  });
});
