/** torch.autograd.functional and torch.autograd.gradcheck / gradgradcheck against PyTorch 1.13 (float64). */
import { describe, expect, it } from "vitest";
import { torch, type Tensor } from "../../../../lib/tensor/index";
import { expectClose, fixture, tensorOf, type FT } from "../nn/helpers";

const AF = torch.autograd.functional;
const fx = fixture<Record<string, FT | FT[] | FT[][] | Record<string, FT | FT[]>>>("core/autograd_functional.json");
const T = (k: string) => tensorOf(fx[k] as FT);
const A = T("A");
const x = T("x");
const X = T("X");
const y = T("y");
const v2 = T("v2");
const v3 = T("v3");
const V23 = T("V23");
const tol = { rtol: 1e-10, atol: 1e-12 };

// The fixture script's functions.
const f1 = (x: Tensor) => A.matmul(x).tanh().mul(x.select(0, 0));
const f2 = (X: Tensor, y: Tensor) => [X.mul(y.exp()).sum(1), X.pow(2).sum().mul(y.sin().sum())];
const g1 = (x: Tensor) => x.pow(3).sum().add(x.select(0, 0).mul(x.select(0, 1)).mul(x.select(0, 2)));
const g2 = (X: Tensor, y: Tensor) => X.sin().mul(y).sum().add(X.pow(2).sum().mul(y.sum()));

const sub = (k: string) => fx[k] as Record<string, FT & FT[]>;

describe("torch.autograd.functional vs PyTorch 1.13", () => {
  it("jacobian: one input and output, then two inputs and two outputs", () => {
    expectClose(AF.jacobian(f1, x) as Tensor, fx.jac_f1 as FT, tol);
    const j = AF.jacobian(f2, [X, y]) as Tensor[][];
    (fx.jac_f2 as FT[][]).forEach((row, i) => row.forEach((e, k) => expectClose(j[i][k], e, { ...tol, label: `J[${i}][${k}]` })));
  });

  it("hessian: one input, then two inputs", () => {
    expectClose(AF.hessian(g1, x) as Tensor, fx.hess_g1 as FT, tol);
    const h = AF.hessian(g2, [X, y]) as Tensor[][];
    (fx.hess_g2 as FT[][]).forEach((row, i) => row.forEach((e, k) => expectClose(h[i][k], e, { ...tol, label: `H[${i}][${k}]` })));
  });

  it("vjp and jvp", () => {
    let [o, r] = AF.vjp(f1, x, v2);
    expectClose(o as Tensor, sub("vjp_f1").out, tol);
    expectClose(r as Tensor, sub("vjp_f1").vjp, tol);
    [o, r] = AF.vjp(f2, [X, y], [torch.ones(2, { dtype: torch.float64 }), torch.tensor(1.5, { dtype: torch.float64 })]);
    sub("vjp_f2").out.forEach((e: FT, i: number) => expectClose((o as Tensor[])[i], e, tol));
    sub("vjp_f2").vjp.forEach((e: FT, i: number) => expectClose((r as Tensor[])[i], e, tol));
    [o, r] = AF.jvp(f1, x, v3);
    expectClose(o as Tensor, sub("jvp_f1").out, tol);
    expectClose(r as Tensor, sub("jvp_f1").jvp, tol);
    [o, r] = AF.jvp(f2, [X, y], [V23, v3]);
    sub("jvp_f2").jvp.forEach((e: FT, i: number) => expectClose((r as Tensor[])[i], e, tol));
  });

  it("hvp and vhp", () => {
    let [o, r] = AF.hvp(g1, x, v3);
    expectClose(o, sub("hvp_g1").out, tol);
    expectClose(r as Tensor, sub("hvp_g1").hvp, tol);
    [o, r] = AF.vhp(g2, [X, y], [V23, v3]);
    expectClose(o, sub("vhp_g2").out, tol);
    sub("vhp_g2").vhp.forEach((e: FT, i: number) => expectClose((r as Tensor[])[i], e, tol));
    [, r] = AF.hvp(g2, [X, y], [V23, v3]);
    sub("hvp_g2").hvp.forEach((e: FT, i: number) => expectClose((r as Tensor[])[i], e, tol));
  });

  it("results are detached unless create_graph, which lets them be differentiated again", () => {
    const xr = x.clone().requires_grad_(true);
    const j = AF.jacobian(f1, xr) as Tensor;
    expect(j.requires_grad).toBe(false);
    const jg = AF.jacobian(f1, xr, true) as Tensor;
    expect(jg.requires_grad).toBe(true);
    // d/dx of sum(J) equals the row sums of the Hessians of the outputs; check against the jacobian of that function
    const [gradOfSum] = torch.autograd.grad(jg.sum(), [xr]);
    const direct = AF.jacobian((z: Tensor) => (AF.jacobian(f1, z, { create_graph: true }) as Tensor).sum(), x) as Tensor;
    expectClose(gradOfSum!, direct, tol);
  });

  it("an independent input gives zeros, or raises in strict mode", () => {
    const f = (a: Tensor, b: Tensor) => a.mul(2).add(b.detach().sum().mul(0)); // b reaches the output only detached
    const j = AF.jacobian(f, [x, y]) as Tensor[];
    expect(j[1].abs().sum().item()).toBe(0);
    expect(() => AF.jacobian(f, [x, y], { strict: true })).toThrow("Output 0 of the user-provided function is independent of input 1. This is not allowed in strict mode.");
  });

  it("raise PyTorch's errors", () => {
    expect(() => AF.hessian(f1, x)).toThrow("The function given to hessian should return a single element Tensor.");
    expect(() => AF.vjp(f1, x)).toThrow("The vector v can only be None if the user-provided function returns a single Tensor with a single element.");
    expect(() => AF.jvp(f1, x)).toThrow("The vector v can only be None if the input to the user-provided function is a single Tensor with a single element.");
    expect(() => AF.vjp(f1, x, v3)).toThrow("v has invalid size: should be torch.Size([2]) but got torch.Size([3]).");
    expect(() => AF.jvp(f2, [X, y], [v3])).toThrow("v is a tuple of invalid length: should be 2 but got 1.");
  });
});

describe("torch.autograd.gradcheck / gradgradcheck", () => {
  const xr = () => x.clone().requires_grad_(true);
  it("pass for correct gradients (first and second order)", () => {
    expect(torch.autograd.gradcheck(f1, [xr()])).toBe(true);
    expect(torch.autograd.gradcheck(f2, [X.clone().requires_grad_(true), y.clone().requires_grad_(true)])).toBe(true);
    expect(torch.autograd.gradgradcheck(g1, [xr()])).toBe(true);
    expect(torch.autograd.gradgradcheck(f1, [xr()], [v2])).toBe(true);
  });

  it("report a wrong gradient as PyTorch's Jacobian mismatch (or false)", () => {
    // A custom Function whose backward is off by a factor 2 on the second element.
    class Bad extends torch.autograd.Function {
      static forward(ctx: { save_for_backward: (...t: Tensor[]) => void }, a: Tensor): Tensor {
        return a.mul(3);
      }
      static backward(_ctx: unknown, g: Tensor): Tensor {
        return g.mul(torch.tensor([3, 6, 3], { dtype: torch.float64 }));
      }
    }
    const f = (a: Tensor) => Bad.apply(a) as Tensor;
    expect(() => torch.autograd.gradcheck(f, [xr()])).toThrow(/^Jacobian mismatch for output 0 with respect to input 0,\nnumerical:/);
    expect(torch.autograd.gradcheck(f, [xr()], { raise_exception: false })).toBe(false);
    expect(() => torch.autograd.gradcheck(f, [x])).toThrow(/at least one input tensor to require gradient/);
  });

  it("gradgradcheck catches a backward that is right to first order but not differentiable correctly", () => {
    // d(a^2)/da = 2a, but computed from a detached copy: its own derivative is lost (0 instead of 2).
    class SquareDetached extends torch.autograd.Function {
      static forward(ctx: { save_for_backward: (...t: Tensor[]) => void }, a: Tensor): Tensor {
        ctx.save_for_backward(a);
        return a.mul(a);
      }
      static backward(ctx: { saved_tensors: Tensor[] }, g: Tensor): Tensor {
        return g.mul(ctx.saved_tensors[0].detach().mul(2));
      }
    }
    const f = (a: Tensor) => SquareDetached.apply(a) as Tensor;
    expect(torch.autograd.gradcheck(f, [xr()])).toBe(true);
    expect(torch.autograd.gradgradcheck(f, [xr()], { raise_exception: false })).toBe(false);
    expect(torch.autograd.gradgradcheck((a: Tensor) => a.mul(a), [xr()])).toBe(true);
  });
});
