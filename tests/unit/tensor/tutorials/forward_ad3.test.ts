/**
 * "Forward-mode Automatic Differentiation", translated: dual_level / make_dual / unpack_dual on
 * fn(x, y) = x^2 + y^2, duals as a module's parameters (delattr + setattr, then the functional
 * Module API with nn.utils.stateless.functional_call) and the functorch API (functorch.jvp, with
 * a partial function, with make_functional). Every tangent is checked against the Jacobian-vector
 * product written out (2 x t, or linear's W t_x-free formula t_W x^T + t_b).
 */
import { describe, expect, it } from "vitest";
import { functorch, nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectClose } from "../core/fixtures";

const fwAD = torch.autograd.forward_ad;
const flat = (t: Tensor): number[] => t.flatten().tolist() as number[];

describe("Forward-mode Automatic Differentiation", () => {
  it("basic use: make_dual, unpack_dual, and the tangent of fn(dual, plain)", () => {
    torch.manual_seed(0);
    const primal = torch.randn(10, 10);
    const tangent = torch.randn(10, 10);
    const fn = (x: Tensor, y: Tensor): Tensor => x.pow(2).add(y.pow(2));
    let dual_output!: Tensor;
    fwAD.dual_level(() => {
      const dual_input = fwAD.make_dual(primal, tangent);
      // For the same tangent (same layout), unpack_dual returns the tangent object itself
      expect(fwAD.unpack_dual(dual_input).tangent).toBe(tangent);
      const plain_tensor = torch.randn(10, 10);
      dual_output = fn(dual_input, plain_tensor);
      const jvp = fwAD.unpack_dual(dual_output).tangent!;
      expectClose(jvp, flat(primal.mul(2).mul(tangent)), 1e-5, 1e-6, "jvp");
      expectClose(fwAD.unpack_dual(dual_output).primal, flat(fn(primal, plain_tensor)), 1e-6, 1e-6, "primal");
    });
    // Outside the level the tangent is gone.
    expect(fwAD.unpack_dual(dual_output).tangent).toBeNull();
  });

  it("usage with Modules: the parameters replaced by duals, then functional_call", () => {
    torch.manual_seed(0);
    const model = new nn.Linear(5, 5);
    const input = torch.randn(16, 5);
    const params = Object.fromEntries(model.named_parameters());
    const tangents = Object.fromEntries(Object.entries(params).map(([name, p]) => [name, torch.rand_like(p)]));
    // d/dε linear(x; W + ε tW, b + ε tb) = x tW^T + tb
    const expected = flat(input.matmul(tangents.weight.t()).add(tangents.bias));
    fwAD.dual_level(() => {
      const dual_params: Record<string, Tensor> = {};
      for (const [name, p] of Object.entries(params)) dual_params[name] = fwAD.make_dual(p, tangents[name]);
      const out = nn.utils.stateless.functional_call(model, dual_params, input) as Tensor;
      expectClose(fwAD.unpack_dual(out).tangent!, expected, 1e-5, 1e-6, "functional_call jvp");
    });
    fwAD.dual_level(() => {
      for (const [name, p] of Object.entries(params)) {
        delete (model as unknown as Record<string, unknown>)[name];
        (model as unknown as Record<string, unknown>)[name] = fwAD.make_dual(p, tangents[name]);
      }
      const out = model(input);
      expectClose(fwAD.unpack_dual(out).tangent!, expected, 1e-5, 1e-6, "delattr/setattr jvp");
    });
  });

  it("the functorch API: jvp of fn, of a partial function, and of a functional module", () => {
    torch.manual_seed(0);
    const [primal0, tangent0, primal1, tangent1] = [torch.randn(10, 10), torch.randn(10, 10), torch.randn(10, 10), torch.randn(10, 10)];
    const fn = (x: Tensor, y: Tensor): Tensor => x.pow(2).add(y.pow(2));
    const [primal_out, tangent_out] = functorch.jvp(fn, [primal0, primal1], [tangent0, tangent1]);
    expectClose(primal_out as Tensor, flat(fn(primal0, primal1)), 1e-6, 1e-6, "primal_out");
    expectClose(tangent_out as Tensor, flat(primal0.mul(2).mul(tangent0).add(primal1.mul(2).mul(tangent1))), 1e-5, 1e-6, "tangent_out");
    // functools.partial(fn, y=y)
    const y = torch.randn(10, 10);
    const new_fn = (x: Tensor): Tensor => fn(x, y);
    const [, t2] = functorch.jvp(new_fn, [primal0], [tangent0]);
    expectClose(t2 as Tensor, flat(primal0.mul(2).mul(tangent0)), 1e-5, 1e-6, "partial");
    // Modules: func, params = ft.make_functional(model)
    const model = new nn.Linear(5, 5);
    const input = torch.randn(16, 5);
    const [func, params] = functorch.make_functional(model);
    const tangents = params.map((p: Tensor) => torch.rand_like(p));
    const func_params_only = (...ps: Tensor[]): Tensor => func(ps, input) as Tensor;
    const [model_output, jvp_out] = functorch.jvp(func_params_only, params, tangents);
    expectClose(model_output as Tensor, flat(model(input)), 1e-6, 1e-6, "model_output");
    expectClose(jvp_out as Tensor, flat(input.matmul(tangents[0].t()).add(tangents[1])), 1e-5, 1e-6, "module jvp");
  });

  it("custom Function with a jvp (and no backward): tangents from jvp, gradcheck(check_forward_ad)", () => {
    class Fn extends torch.autograd.Function {
      static forward(ctx: InstanceType<typeof torch.autograd.FunctionCtx>, foo: Tensor): Tensor {
        const result = torch.exp(foo);
        // Tensors stored in ctx can be used in the subsequent forward grad computation.
        ctx.result = result;
        return result;
      }
      static jvp(ctx: InstanceType<typeof torch.autograd.FunctionCtx>, gI: Tensor): Tensor {
        const gO = gI.mul(ctx.result as Tensor);
        // If the tensor stored in ctx will not also be used in the backward pass, one can manually free it using del
        delete ctx.result;
        return gO;
      }
    }
    const fn = Fn.apply;
    torch.manual_seed(0);
    const primal = torch.randn([10, 10], { dtype: torch.double, requires_grad: true });
    const tangent = torch.randn([10, 10], { dtype: torch.double });
    fwAD.dual_level(() => {
      const dual_input = fwAD.make_dual(primal, tangent);
      const dual_output = fn(dual_input) as Tensor;
      const jvp = fwAD.unpack_dual(dual_output).tangent!;
      expectClose(jvp, flat(tangent.mul(primal.detach().exp())), 1e-12, 1e-12, "jvp");
      // and onwards through ordinary ops
      expectClose(fwAD.unpack_dual(dual_output.mul(3)).tangent!, flat(tangent.mul(primal.detach().exp()).mul(3)), 1e-12, 1e-12, "3 * jvp");
    });
    const small = torch.randn([2, 3], { dtype: torch.double, requires_grad: true });
    expect(torch.autograd.gradcheck(Fn.apply, [small], { check_forward_ad: true, check_backward_ad: false, check_undefined_grad: false, check_batched_grad: false })).toBe(true);
    class WrongJvp extends Fn {
      static jvp(ctx: InstanceType<typeof torch.autograd.FunctionCtx>, gI: Tensor): Tensor {
        return gI.mul(2).mul(ctx.result as Tensor);
      }
    }
    expect(() => torch.autograd.gradcheck(WrongJvp.apply, [small], { check_forward_ad: true, check_backward_ad: false })).toThrow(/Jacobian computed with forward mode mismatch for output 0 with respect to input 0/);
  });
});
