/**
 * "Extending PyTorch" (extending torch.autograd and torch.nn), translated: LinearFunction with
 * ctx.needs_input_grad and an optional bias, gradcheck in float64, MulConstant with a non-tensor
 * argument, MyCube returning an extra output marked non-differentiable, and a Linear module built
 * on LinearFunction (Parameters, uniform init, extra_repr), trained against nn.Linear's gradients.
 */
import { describe, expect, it } from "vitest";
import { nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectClose } from "../core/fixtures";

type Ctx = InstanceType<typeof torch.autograd.FunctionCtx>;
const flat = (t: Tensor): number[] => t.flatten().tolist() as number[];

class LinearFunction extends torch.autograd.Function {
  // Note that forward, setup_context, and backward are @staticmethods
  static forward(ctx: Ctx, input: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
    ctx.save_for_backward(input, weight, bias);
    let output = input.mm(weight.t());
    if (bias !== null) output = output.add(bias.unsqueeze(0).expand_as(output));
    return output;
  }
  // This function has only a single output, so it gets only one gradient
  static backward(ctx: Ctx, grad_output: Tensor | null): (Tensor | null)[] {
    const [input, weight, bias] = ctx.saved_tensors;
    let grad_input: Tensor | null = null;
    let grad_weight: Tensor | null = null;
    let grad_bias: Tensor | null = null;
    // These needs_input_grad checks are optional and there only to improve efficiency.
    if (ctx.needs_input_grad[0]) grad_input = grad_output!.mm(weight);
    if (ctx.needs_input_grad[1]) grad_weight = grad_output!.t().mm(input);
    if (bias !== null && ctx.needs_input_grad[2]) grad_bias = grad_output!.sum(0);
    return [grad_input, grad_weight, grad_bias];
  }
}

class MulConstant extends torch.autograd.Function {
  static forward(ctx: Ctx, tensor: Tensor, constant: number): Tensor {
    ctx.constant = constant;
    return tensor.mul(constant);
  }
  static backward(ctx: Ctx, grad_output: Tensor | null): (Tensor | null)[] {
    // We return as many input gradients as there were arguments. Gradients of non-Tensor arguments to forward must be None.
    return [grad_output!.mul(ctx.constant as number), null];
  }
}

class MyCube extends torch.autograd.Function {
  static forward(ctx: Ctx, x: Tensor): Tensor[] {
    const result = x.pow(3);
    // In regular PyTorch, if we had just run y = x ** 3, then the backward pass computes dx = 3 * x ** 2.
    const dx = x.pow(2).mul(3);
    ctx.save_for_backward(x, dx);
    ctx.mark_non_differentiable(dx);
    return [result, dx];
  }
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  static backward(ctx: Ctx, grad_output: Tensor | null, _grad_dx: Tensor | null): Tensor {
    const [, dx] = ctx.saved_tensors;
    return grad_output!.mul(dx);
  }
}

class Linear extends nn.Module {
  weight: nn.Parameter;
  bias: nn.Parameter | null;
  constructor(readonly input_features: number, readonly output_features: number, bias = true) {
    super();
    // nn.Parameter is a special kind of Tensor, that will get automatically registered as Module's parameter once it's assigned as an attribute.
    this.weight = new nn.Parameter(torch.empty(output_features, input_features));
    this.bias = bias ? new nn.Parameter(torch.empty(output_features)) : null;
    if (!bias) this.register_parameter("bias", null);
    // Not a very smart way to initialize weights
    nn.init.uniform_(this.weight, -0.1, 0.1);
    if (this.bias !== null) nn.init.uniform_(this.bias, -0.1, 0.1);
  }
  forward(input: Tensor): Tensor {
    // See the autograd section for explanation of what happens here.
    return LinearFunction.apply(input, this.weight, this.bias);
  }
  extra_repr(): string {
    // (Optional)Set the extra information about this module.
    return `input_features=${this.input_features}, output_features=${this.output_features}, bias=${this.bias !== null ? "True" : "False"}`;
  }
}

describe("Extending PyTorch", () => {
  it("LinearFunction passes gradcheck with and without a bias; needs_input_grad skips unneeded gradients", () => {
    torch.manual_seed(0);
    const input = torch.randn([20, 20], { dtype: torch.double, requires_grad: true });
    const weight = torch.randn([30, 20], { dtype: torch.double, requires_grad: true });
    const bias = torch.randn([30], { dtype: torch.double, requires_grad: true });
    expect(torch.autograd.gradcheck(LinearFunction.apply, [input.index(":4", ":5").contiguous().detach().requires_grad_(), weight.index(":3", ":5").contiguous().detach().requires_grad_(), bias.index(":3").contiguous().detach().requires_grad_()], { eps: 1e-6, atol: 1e-4 })).toBe(true);
    expect(torch.autograd.gradcheck((i: Tensor, w: Tensor) => LinearFunction.apply(i, w), [input.index(":3", ":4").contiguous().detach().requires_grad_(), weight.index(":2", ":4").contiguous().detach().requires_grad_()])).toBe(true);
    const frozen = weight.detach();
    const out = LinearFunction.apply(input, frozen, bias);
    out.sum().backward();
    expect(frozen.grad).toBeNull();
    expectClose(input.grad!, flat(torch.ones(20, 30, { dtype: torch.double }).mm(frozen)), 1e-12, 1e-12, "grad_input");
    expectClose(bias.grad!, new Array(30).fill(20), 0, 0, "grad_bias");
  });

  it("MulConstant takes a number argument; MyCube's extra output is non-differentiable", () => {
    const x = torch.tensor([1.0, -2.0, 3.0], { requires_grad: true });
    MulConstant.apply(x, 5).sum().backward();
    expect(x.grad!.tolist()).toEqual([5, 5, 5]);
    const z = torch.tensor([1.0, 2.0], { requires_grad: true });
    const [result, dx] = MyCube.apply(z);
    expect(result.requires_grad).toBe(true);
    expect(dx.requires_grad).toBe(false);
    expect(dx.tolist()).toEqual([3, 12]);
    result.sum().backward();
    expect(z.grad!.tolist()).toEqual([3, 12]);
  });

  it("a Linear module on LinearFunction: parameters, repr, and nn.Linear's gradients", () => {
    torch.manual_seed(0);
    const mine = new Linear(4, 3);
    const noBias = new Linear(4, 3, false);
    expect(String(mine)).toBe("Linear(input_features=4, output_features=3, bias=True)");
    expect(mine.named_parameters().map(([n]) => n)).toEqual(["weight", "bias"]);
    expect(noBias.named_parameters().map(([n]) => n)).toEqual(["weight"]);
    const ref = new nn.Linear(4, 3);
    ref.load_state_dict(mine.state_dict());
    const x = torch.randn(5, 4);
    const target = torch.randn(5, 3);
    nn.functional.mse_loss(mine(x), target).backward();
    nn.functional.mse_loss(ref(x), target).backward();
    expectClose(mine.weight.grad!, flat(ref.weight.grad!), 1e-5, 1e-7, "weight grad");
    expectClose(mine.bias!.grad!, flat(ref.bias!.grad!), 1e-5, 1e-7, "bias grad");
    expect(noBias(x).shape).toEqual([5, 3]);
  });
});
