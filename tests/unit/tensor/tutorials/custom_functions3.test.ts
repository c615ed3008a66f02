/**
 * The custom autograd Function tutorials, translated: "Fusing Convolution and Batch Norm using
 * Custom Function" (Conv2D and BatchNorm Functions with once_differentiable backwards, gradcheck,
 * FusedConvBN2DFunction / FusedConvBN against nn.Conv2d + nn.BatchNorm2d, with torch.nn.grad's
 * conv2d_input / conv2d_weight checked against torch 1.13 in custom_functions3.json) and "Double
 * Backward with Custom Functions" (Square, Exp saving its output, Sinh returning its intermediate
 * results, the version saving them on ctx that gradgradcheck rejects, Cube / CubeBackward).
 */
import { describe, expect, it } from "vitest";
import { nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectClose } from "../core/fixtures";
import { tutorialFixture } from "./helpers";

const F = nn.functional;
const { Function } = torch.autograd;
const { once_differentiable } = torch.autograd.function;
type Ctx = InstanceType<typeof torch.autograd.FunctionCtx>;
type Fx = { shape: number[]; data: number[] };
const fx = (t: Fx): Tensor => torch.tensor(t.data, { dtype: torch.float64 }).reshape(t.shape);
const ref = tutorialFixture<{
  conv2d: { stride: number; padding: number; dilation: number; groups: number; x: Fx; w: Fx; go: Fx; gi: Fx; gw: Fx }[];
  conv1d: { x: Fx; w: Fx; go: Fx; gi: Fx; gw: Fx };
}>("custom_functions3.json");

function convolution_backward(grad_out: Tensor, X: Tensor, weight: Tensor): [Tensor, Tensor] {
  const grad_input = F.conv2d(X.transpose(0, 1), grad_out.transpose(0, 1)).transpose(0, 1);
  const grad_X = F.conv_transpose2d(grad_out, weight);
  return [grad_X, grad_input];
}

class Conv2D extends Function {
  static forward(ctx: Ctx, X: Tensor, weight: Tensor): Tensor {
    ctx.save_for_backward(X, weight);
    return F.conv2d(X, weight);
  }
  // Use @once_differentiable by default unless we intend to double backward
  static backward = once_differentiable((ctx: Ctx, grad_out: Tensor | null) => {
    const [X, weight] = ctx.saved_tensors;
    return convolution_backward(grad_out!, X, weight);
  });
}

const unsqueeze_all = (t: Tensor): Tensor => t.index("None", ":", "None", "None"); // t[None, :, None, None]

function batch_norm_backward(grad_out: Tensor, X: Tensor, sum: Tensor, sqrt_var: Tensor, N: number, eps: number): Tensor {
  // We use the formula: out = (X - mean(X)) / (sqrt(var(X)) + eps) in batch norm 2d's forward.
  const tmp = X.sub(unsqueeze_all(sum).div(N)).mul(grad_out).sum([0, 2, 3]);
  tmp.mul_(-1);
  const d_denom = tmp.div(sqrt_var.add(eps).pow(2)); // d_denom = -num / denom**2
  const d_var = d_denom.div(sqrt_var.mul(2)); // denom = torch.sqrt(var) + eps
  let d_mean_dx = grad_out.div(unsqueeze_all(sqrt_var.add(eps))); // d_mean_dx = grad_out / denom
  d_mean_dx = unsqueeze_all(d_mean_dx.sum([0, 2, 3]).neg().div(N));
  const grad_input = X.mul(unsqueeze_all(d_var.mul(N)));
  grad_input.add_(unsqueeze_all(d_var.neg().mul(sum)));
  grad_input.mul_(2 / ((N - 1) * N));
  grad_input.add_(d_mean_dx);
  grad_input.mul_(unsqueeze_all(sqrt_var.add(eps)));
  grad_input.add_(grad_out);
  grad_input.div_(unsqueeze_all(sqrt_var.add(eps)));
  return grad_input;
}

class BatchNorm extends Function {
  static forward(ctx: Ctx, X: Tensor, eps = 1e-3): Tensor {
    const sum = X.sum([0, 2, 3]);
    const variance = X.var({ unbiased: true, dim: [0, 2, 3] });
    const N = X.numel() / X.size(1);
    const sqrt_var = torch.sqrt(variance);
    ctx.save_for_backward(X);
    Object.assign(ctx, { eps, sum, N, sqrt_var });
    const mean = sum.div(N);
    const denom = sqrt_var.add(eps);
    const out = X.sub(unsqueeze_all(mean));
    out.div_(unsqueeze_all(denom));
    return out;
  }
  static backward = once_differentiable((ctx: Ctx, grad_out: Tensor | null) => {
    const [X] = ctx.saved_tensors;
    return batch_norm_backward(grad_out!, X, ctx.sum as Tensor, ctx.sqrt_var as Tensor, ctx.N as number, ctx.eps as number);
  });
}

class FusedConvBN2DFunction extends Function {
  static forward(ctx: Ctx, X: Tensor, conv_weight: Tensor, eps = 1e-3): Tensor {
    expect(X.ndim).toBe(4); // N, C, H, W
    // (1) Only need to save this single buffer for backward!
    ctx.save_for_backward(X, conv_weight);
    // (2) Exact same Conv2D forward from example above
    X = F.conv2d(X, conv_weight);
    // (3) Exact same BatchNorm2D forward from example above
    const sum = X.sum([0, 2, 3]);
    const variance = X.var({ unbiased: true, dim: [0, 2, 3] });
    const N = X.numel() / X.size(1);
    const sqrt_var = torch.sqrt(variance);
    Object.assign(ctx, { eps, sum, N, sqrt_var });
    const out = X.sub(unsqueeze_all(sum.div(N)));
    out.div_(unsqueeze_all(sqrt_var.add(eps)));
    return out;
  }
  static backward = once_differentiable((ctx: Ctx, grad_out: Tensor | null) => {
    const [X, conv_weight] = ctx.saved_tensors;
    // (4) Batch norm backward (5) We need to recompute conv
    const X_conv_out = F.conv2d(X, conv_weight);
    const g = batch_norm_backward(grad_out!, X_conv_out, ctx.sum as Tensor, ctx.sqrt_var as Tensor, ctx.N as number, ctx.eps as number);
    // (6) Conv2d backward
    const [grad_X, grad_input] = convolution_backward(g, X, conv_weight);
    return [grad_X, grad_input, null, null, null, null, null];
  });
}

class FusedConvBN extends nn.Module {
  conv_weight: nn.Parameter;
  constructor(in_channels: number, out_channels: number, kernel_size: number, readonly exp_avg_factor = 0.1, readonly eps = 1e-3, dtype = torch.float32) {
    super();
    // Conv parameters
    this.conv_weight = new nn.Parameter(torch.empty([out_channels, in_channels, kernel_size, kernel_size], { dtype }));
    this.reset_parameters();
  }
  forward(X: Tensor): Tensor {
    return FusedConvBN2DFunction.apply(X, this.conv_weight, this.eps);
  }
  reset_parameters(): void {
    nn.init.kaiming_uniform_(this.conv_weight, { a: Math.sqrt(5) });
  }
}

describe("Fusing Convolution and Batch Norm using Custom Function", () => {
  it("gradchecks the Conv2D, BatchNorm and fused Functions in float64", () => {
    torch.manual_seed(0);
    const weight = torch.rand([5, 3, 3, 3], { requires_grad: true, dtype: torch.double });
    const X = torch.rand([2, 3, 5, 5], { requires_grad: true, dtype: torch.double });
    expect(torch.autograd.gradcheck(Conv2D.apply, [X, weight])).toBe(true);
    const a = torch.rand([1, 2, 3, 4], { requires_grad: true, dtype: torch.double });
    expect(torch.autograd.gradcheck(BatchNorm.apply, [a], { fast_mode: false })).toBe(true);
    const w2 = torch.rand([2, 3, 3, 3], { requires_grad: true, dtype: torch.double });
    const X2 = torch.rand([2, 3, 5, 5], { requires_grad: true, dtype: torch.double });
    expect(torch.autograd.gradcheck((x: Tensor, w: Tensor) => FusedConvBN2DFunction.apply(x, w), [X2, w2])).toBe(true);
    // once_differentiable: differentiating the gradient raises instead of being silently wrong.
    const go = torch.rand([2, 5, 3, 3], { dtype: torch.double, requires_grad: true });
    const [gX] = torch.autograd.grad(Conv2D.apply(X, weight), [X], go, { create_graph: true });
    expect(() => gX!.sum().backward()).toThrow("trying to differentiate twice a function that was marked with @once_differentiable");
  });

  it("the fused module computes and differentiates as nn.Conv2d(bias=False) + nn.BatchNorm2d(affine=False)", () => {
    torch.manual_seed(0);
    const fused = new FusedConvBN(3, 4, 3, 0.1, 1e-3, torch.float64);
    const conv = new nn.Conv2d(3, 4, 3, { bias: false, dtype: torch.float64 });
    conv.weight.data.copy_(fused.conv_weight.data);
    const X = torch.randn([4, 3, 6, 6], { dtype: torch.float64 });
    const Xa = X.clone().requires_grad_(true);
    const Xb = X.clone().requires_grad_(true);
    const w = torch.randn([4, 4, 4, 4], { dtype: torch.float64 });
    fused(Xa).mul(w).sum().backward();
    // The tutorial's BatchNorm divides by sqrt(unbiased var) + eps, so the reference is written out.
    const y = conv(Xb);
    const ref_out = y.sub(y.mean([0, 2, 3], true)).div(y.var({ dim: [0, 2, 3], unbiased: true, keepdim: true }).sqrt().add(1e-3));
    ref_out.mul(w).sum().backward();
    expectClose(fused(X), ref_out.detach().flatten().tolist() as number[], 1e-10, 1e-10, "out");
    expectClose(Xa.grad!, Xb.grad!.flatten().tolist() as number[], 1e-9, 1e-10, "grad X");
    expectClose(fused.conv_weight.grad!, conv.weight.grad!.flatten().tolist() as number[], 1e-9, 1e-10, "grad weight");
  });

  it("torch.nn.grad.conv2d_input / conv2d_weight (and the 1-D pair) equal torch 1.13's", () => {
    for (const c of ref.conv2d) {
      const [x, w, go] = [fx(c.x), fx(c.w), fx(c.go)];
      expectClose(nn.grad.conv2d_input(x.shape, w, go, c.stride, c.padding, c.dilation, c.groups), c.gi.data, 1e-10, 1e-10, "gi");
      expectClose(nn.grad.conv2d_weight(x, w.shape, go, { stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups }), c.gw.data, 1e-10, 1e-10, "gw");
    }
    const [x1, w1, go1] = [fx(ref.conv1d.x), fx(ref.conv1d.w), fx(ref.conv1d.go)];
    expectClose(nn.grad.conv1d_input(x1.shape, w1, go1, 2), ref.conv1d.gi.data, 1e-10, 1e-10, "1d gi");
    expectClose(nn.grad.conv1d_weight(x1, w1.shape, go1, 2), ref.conv1d.gw.data, 1e-10, 1e-10, "1d gw");
    // The tutorial's convolution_backward computes the same two gradients.
    const c = ref.conv2d[0];
    const [gX, gW] = convolution_backward(fx(c.go), fx(c.x), fx(c.w));
    expectClose(gX, c.gi.data, 1e-10, 1e-10, "convolution_backward X");
    expectClose(gW, c.gw.data, 1e-10, 1e-10, "convolution_backward weight");
  });
});

describe("Double Backward with Custom Functions", () => {
  const x = () => torch.rand([3, 3], { requires_grad: true, dtype: torch.double });

  it("Square and Exp (saving the output) pass gradcheck and gradgradcheck", () => {
    class Square extends Function {
      static forward(ctx: Ctx, x: Tensor): Tensor {
        // Because we are saving one of the inputs use `save_for_backward`
        ctx.save_for_backward(x);
        return x.pow(2);
      }
      static backward(ctx: Ctx, grad_out: Tensor | null): Tensor {
        // A function support double backward automatically if autograd is able to record the computations performed in backward
        const [x] = ctx.saved_tensors;
        return grad_out!.mul(2).mul(x);
      }
    }
    class Exp extends Function {
      static forward(ctx: Ctx, x: Tensor): Tensor {
        const result = torch.exp(x);
        ctx.save_for_backward(result);
        return result;
      }
      static backward(ctx: Ctx, grad_out: Tensor | null): Tensor {
        const [result] = ctx.saved_tensors;
        return grad_out!.mul(result);
      }
    }
    torch.manual_seed(0);
    const xs = x();
    expect(torch.autograd.gradcheck(Square.apply, xs)).toBe(true);
    expect(torch.autograd.gradgradcheck(Square.apply, xs)).toBe(true);
    expect(torch.autograd.gradcheck(Exp.apply, xs)).toBe(true);
    expect(torch.autograd.gradgradcheck(Exp.apply, xs)).toBe(true);
  });

  it("Sinh: intermediate results returned as outputs are differentiable; saved on ctx, gradgradcheck fails", () => {
    class Sinh extends Function {
      static forward(ctx: Ctx, x: Tensor): Tensor[] {
        const expx = torch.exp(x);
        const expnegx = torch.exp(x.neg());
        ctx.save_for_backward(expx, expnegx);
        // In order to be able to save the intermediate results, a trick is to include them as our outputs,
        // so that the backward graph is constructed
        return [expx.sub(expnegx).div(2), expx, expnegx];
      }
      static backward(ctx: Ctx, grad_out: Tensor | null, _grad_out_exp: Tensor | null, _grad_out_negexp: Tensor | null): Tensor {
        const [expx, expnegx] = ctx.saved_tensors;
        const grad_input = grad_out!.mul(expx.add(expnegx)).div(2);
        // We cannot skip accumulating these even though we won't use the outputs directly. They will be used later in the second backward.
        grad_input.add_(_grad_out_exp!.mul(expx));
        grad_input.sub_(_grad_out_negexp!.mul(expnegx));
        return grad_input;
      }
    }
    const sinh = (x: Tensor): Tensor => Sinh.apply(x)[0];
    class SinhBad extends Function {
      // This is an example of what NOT to do!
      static forward(ctx: Ctx, x: Tensor): Tensor {
        const expx = torch.exp(x);
        const expnegx = torch.exp(x.neg());
        ctx.expx = expx;
        ctx.expnegx = expnegx;
        return expx.sub(expnegx).div(2);
      }
      static backward(ctx: Ctx, grad_out: Tensor | null): Tensor {
        return grad_out!.mul((ctx.expx as Tensor).add(ctx.expnegx as Tensor)).div(2);
      }
    }
    torch.manual_seed(1);
    const xs = x();
    expect(torch.autograd.gradcheck(sinh, xs)).toBe(true);
    expect(torch.autograd.gradgradcheck(sinh, xs)).toBe(true);
    expect(torch.autograd.gradcheck(SinhBad.apply, xs)).toBe(true);
    expect(() => torch.autograd.gradgradcheck(SinhBad.apply, xs)).toThrow(/Jacobian mismatch/);
    expect(torch.autograd.gradgradcheck(SinhBad.apply, xs, { raise_exception: false })).toBe(false);
  });

  it("Cube: a backward that is itself a custom Function (CubeBackward) supports double backward", () => {
    class CubeBackward extends Function {
      static forward(ctx: Ctx, grad_out: Tensor, x: Tensor): Tensor {
        ctx.save_for_backward(x, grad_out);
        return grad_out.mul(3).mul(x.pow(2));
      }
      static backward(ctx: Ctx, grad_out: Tensor | null): Tensor[] {
        const [x, grad_out_prev] = ctx.saved_tensors;
        const dgrad_out = grad_out!.mul(3).mul(x.pow(2));
        const dx = grad_out!.mul(6).mul(x).mul(grad_out_prev);
        return [dgrad_out, dx];
      }
    }
    class Cube extends Function {
      static forward(ctx: Ctx, x: Tensor): Tensor {
        ctx.save_for_backward(x);
        return x.pow(3);
      }
      static backward(ctx: Ctx, grad_out: Tensor | null): Tensor {
        const [x] = ctx.saved_tensors;
        return CubeBackward.apply(grad_out!, x);
      }
    }
    torch.manual_seed(2);
    const xs = x();
    expect(torch.autograd.gradcheck(Cube.apply, xs)).toBe(true);
    expect(torch.autograd.gradgradcheck(Cube.apply, xs)).toBe(true);
    const [g] = torch.autograd.grad(Cube.apply(xs).sum(), xs, { create_graph: true });
    expect(g!.grad_fn!.name()).toBe("CubeBackwardBackward");
    const [gg] = torch.autograd.grad(g!.sum(), xs);
    expectClose(gg!, xs.detach().mul(6).flatten().tolist() as number[], 1e-12, 1e-12, "d2/dx2 x^3");
  });
});
