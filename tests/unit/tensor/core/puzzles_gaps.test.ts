/**
 * Engine gaps found by the puzzles probe (tutorials/puzzles.test.ts), each against torch 1.13
 * (scripts/fixtures/puzzles_fixtures.py -> tests/fixtures/torch/tutorials/puzzles.json):
 *  - prod's gradient can be differentiated again (create_graph: the Autodiff Puzzles' Hessian of a product), zeros included
 *    (with two or more zeros the engine gives the true second derivative where torch 1.13's constant formula gives 0);
 *  - torch.finfo answers for float16 / bfloat16 (their limits are numbers; the engine stores no such tensors), and
 *    finfo's printed %g rounds an exact tie to even as C does (float16's eps prints 0.000976562).
 */
import { describe, expect, it } from "vitest";
import { torch, type Tensor } from "../../../../lib/tensor/index";
import { gradgradcheck } from "../gradgradcheck";
import { expectT, tutorialFixture, type TJ } from "../tutorials/helpers";

const ref = tutorialFixture<Record<string, TJ & { dtype: string }>>("puzzles.json");
const f64 = { dtype: torch.float64 };

describe("prod under create_graph", () => {
  it("the Hessian of prod with one and two zeros, and along a dim with keepdim, as torch 1.13", () => {
    expectT(torch.autograd.functional.hessian((t: Tensor) => torch.prod(t), torch.tensor([2.0, 0.0, -3.0, 0.5], f64)) as Tensor, ref.prod_hessian_one_zero, 1e-12);
    // Two zeros: torch 1.13's prod_backward returns a constant zeros_like(input) there, so its Hessian is all zeros; the
    // engine differentiates the product itself and gives the true d2/dx0dx2 = x1 * x3 (and its mirror), the rest as torch.
    const x2 = [0.0, 1.5, 0.0, 2.0];
    const want = { ...ref.prod_hessian_two_zeros, data: [...ref.prod_hessian_two_zeros.data] };
    want.data[0 * 4 + 2] = want.data[2 * 4 + 0] = x2[1] * x2[3];
    expectT(torch.autograd.functional.hessian((t: Tensor) => torch.prod(t), torch.tensor(x2, f64)) as Tensor, want, 1e-12);
    const xd = torch.tensor([[1.0, 2.0, 0.0], [-1.0, 0.5, 3.0]], { ...f64, requires_grad: true });
    const gd = torch.autograd.grad(xd.prod(1, true).mul(torch.tensor([[1.5], [-2.0]], f64)).sum(), xd, { create_graph: true })[0]!;
    expectT(gd, ref.prod_dim_grad, 1e-12);
    expectT(torch.autograd.grad(gd.mul(torch.arange(6, f64).reshape(2, 3)).sum(), xd)[0]!, ref.prod_dim_gradgrad, 1e-12);
  });
  it("second derivatives match finite differences (no zero, a zero, along a dim)", () => {
    gradgradcheck((x) => torch.prod(x), [torch.tensor([0.7, -1.2, 1.5, 0.9], f64)]);
    gradgradcheck((x) => torch.prod(x), [torch.tensor([0.7, 0.0, 1.5], f64)], { eps: 1e-4 });
    gradgradcheck((x) => torch.prod(x), [torch.tensor([0.0, 1.5, 0.0, 2.0], f64)], { eps: 1e-4 });
    gradgradcheck((x) => x.prod(0), [torch.tensor([[0.7, -1.2], [1.5, 0.4], [-0.8, 1.1]], f64)]);
  });
});

describe("torch.finfo of float16 / bfloat16", () => {
  it("fields and the printed text", () => {
    const h = torch.finfo(torch.float16);
    expect([h.bits, h.eps, h.max, h.min, h.tiny, h.smallest_normal, h.resolution]).toEqual([16, 0.0009765625, 65504, -65504, 6.103515625e-5, 6.103515625e-5, 0.001]);
    expect(torch.finfo(torch.half)).toBe(h);
    const b = torch.finfo(torch.bfloat16);
    expect([b.bits, b.eps, b.max, b.tiny, b.resolution]).toEqual([16, 0.0078125, 3.3895313892515355e38, 1.1754943508222875e-38, 0.01]);
    expect([torch.float16, torch.bfloat16, torch.half].map((t) => String(torch.finfo(t)))).toEqual(ref.q48_repr);
    // a dtype torch refuses still raises torch's error
    expect(() => torch.finfo(torch.int32)).toThrow("torch.finfo() requires a floating point input type. Use torch.iinfo to handle 'torch.finfo'");
  });
});
