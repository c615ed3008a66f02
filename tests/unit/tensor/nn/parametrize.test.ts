/** torch.nn.utils.parametrize and parametrizations against PyTorch 1.13 (fixtures: scripts/fixtures/parametrize_fixtures.py). */
import { describe, expect, it } from "vitest";
import { nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectClose, fixture, tensorOf, type FT } from "./helpers";
import { MatrixExponential, Skew, Symmetric } from "./parametrizations_tutorial";

const P = nn.utils.parametrize;
const PS = nn.utils.parametrizations;
interface Fx {
  W: FT; b: FT; x: FT;
  sym: { cls: string; state: string[]; params: string[]; weight: FT; repr: string; y: FT; grad: FT };
  sym_exp: { weight: FT; len: number; after_remove: { cls: string; state: string[]; weight: FT } };
  skew: { original: FT; weight: FT; assigned_original: FT; unparam: FT };
  orthogonal: { shape: number[]; map: "cayley" | "matrix_exp" | null; W0: FT; w_init: FT; X: FT; w: FT; state: string[]; base: FT }[];
  spectral_norm: { W: FT; bias: FT; u0: FT; v0: FT; state: string[]; x: FT; y1: FT; y2: FT; grad: FT; u: FT; y_eval: FT };
}
const fx = fixture<Fx>("nn/parametrize.json");
const tol = { rtol: 1e-5, atol: 1e-5 };
const slot = (m: unknown, k: string) => (m as Record<string, Tensor>)[k];

function linear(): nn.Linear {
  const lin = new nn.Linear(3, 3);
  torch.no_grad(() => {
    lin.weight.copy_(tensorOf(fx.W, torch.float32));
    lin.bias!.copy_(tensorOf(fx.b, torch.float32));
  });
  return lin;
}
const plist = (m: nn.Module, name = "weight") => (slot(m, "parametrizations") as unknown as nn.ModuleDict).get(name) as InstanceType<typeof P.ParametrizationList>;

describe("parametrize vs PyTorch 1.13 (the Parametrizations Tutorial)", () => {
  it("Symmetric: class, state_dict keys, repr, values, gradient to original; chained MatrixExponential; remove", () => {
    const lin = linear();
    P.register_parametrization(lin, "weight", new Symmetric());
    expect(lin._get_name()).toBe(fx.sym.cls);
    expect(lin).toBeInstanceOf(nn.Linear);
    expect(Object.keys(lin.state_dict())).toEqual(fx.sym.state);
    expect(lin.named_parameters().map(([n]) => n)).toEqual(fx.sym.params);
    expect(lin.toString()).toBe(fx.sym.repr);
    expectClose(lin.weight, fx.sym.weight, tol);
    expect(P.is_parametrized(lin)).toBe(true);
    expect(P.is_parametrized(lin, "bias")).toBe(false);
    const y = lin(tensorOf(fx.x, torch.float32));
    expectClose(y, fx.sym.y, tol);
    y.pow(2).sum().backward();
    expectClose(slot(plist(lin), "original").grad!, fx.sym.grad, { rtol: 1e-4, atol: 1e-5 });

    P.register_parametrization(lin, "weight", new MatrixExponential());
    expectClose(lin.weight, fx.sym_exp.weight, tol);
    expect(plist(lin).length).toBe(fx.sym_exp.len);
    P.remove_parametrizations(lin, "weight");
    expect(lin._get_name()).toBe(fx.sym_exp.after_remove.cls);
    expect(Object.getPrototypeOf(lin)).toBe(nn.Linear.prototype);
    expect(Object.keys(lin.state_dict())).toEqual(fx.sym_exp.after_remove.state);
    expect(lin.weight).toBeInstanceOf(nn.Parameter);
    expectClose(lin.weight, fx.sym_exp.after_remove.weight, tol);
    expect(P.is_parametrized(lin)).toBe(false);
  });

  it("right_inverse at registration and on assignment; remove with leave_parametrized=false", () => {
    const lin = linear();
    P.register_parametrization(lin, "weight", new Skew());
    expectClose(slot(plist(lin), "original"), fx.skew.original, tol);
    expectClose(lin.weight, fx.skew.weight, tol);
    (lin as unknown as { weight: Tensor }).weight = torch.tensor([[0, 1, 2], [-1, 0, 3], [-2, -3, 0]], { dtype: torch.float32 });
    expectClose(slot(plist(lin), "original"), fx.skew.assigned_original, tol);
    P.remove_parametrizations(lin, "weight", { leave_parametrized: false });
    expectClose(lin.weight, fx.skew.unparam, tol);
  });

  it("cached(): the parametrization runs once per tensor inside, every access outside", () => {
    let calls = 0;
    class Counting extends nn.Module {
      forward(X: Tensor): Tensor {
        calls++;
        return X.mul(2);
      }
    }
    const lin = linear();
    P.register_parametrization(lin, "weight", new Counting());
    calls = 0;
    const r = P.cached(() => {
      const a = lin.weight;
      const b = lin.weight;
      return a === b;
    });
    expect(r).toBe(true);
    expect(calls).toBe(1);
    void lin.weight;
    void lin.weight;
    expect(calls).toBe(3);
  });

  it("float64 gradcheck through a parametrization (Symmetric then MatrixExponential)", () => {
    const lin = new nn.Linear(3, 3).double();
    P.register_parametrization(lin, "weight", new Symmetric());
    P.register_parametrization(lin, "weight", new MatrixExponential());
    const x = torch.randn(2, 3, { dtype: torch.float64 });
    const orig = slot(plist(lin), "original");
    expect(torch.autograd.gradcheck((w: Tensor) => {
      torch.no_grad(() => orig.copy_(w.detach()));
      const W = w.triu().add(w.triu(1).transpose(-1, -2)).matrix_exp();
      return lin(x).detach().add(torch.nn.functional.linear(x, W, lin.bias)).sub(lin(x).detach());
    }, [orig.detach().clone().mul(0.3).requires_grad_(true)])).toBe(true);
    // And the module's own path: the gradient reaching original equals the one through the explicit formula.
    const w = orig.detach().clone().requires_grad_(true);
    torch.nn.functional.linear(x, w.triu().add(w.triu(1).transpose(-1, -2)).matrix_exp(), lin.bias).sum().backward();
    torch.no_grad(() => orig.copy_(w.detach()));
    orig.grad = null;
    lin(x).sum().backward();
    expectClose(orig.grad!, w.grad!, { rtol: 1e-10, atol: 1e-12 });
  });

  it("type_before_parametrizations and transfer_parametrizations_and_params (the original is shared, as torch assigns it)", () => {
    const a = linear();
    P.register_parametrization(a, "weight", new Symmetric());
    expect(P.type_before_parametrizations(a)).toBe(nn.Linear);
    expect(P.type_before_parametrizations(new nn.ReLU())).toBe(nn.ReLU);
    const b = new nn.Linear(3, 3);
    P.transfer_parametrizations_and_params(a, b);
    expect(P.is_parametrized(b, "weight")).toBe(true);
    expect(slot(plist(b), "original")).toBe(slot(plist(a), "original"));
    expectClose(b.weight, a.weight, { rtol: 0, atol: 0 });
    expect(Object.keys(b.state_dict())).toEqual(fx.sym.state);
  });

  it("errors as PyTorch", () => {
    const lin = linear();
    class Bad extends nn.Module {
      forward(X: Tensor): Tensor {
        return X.sum(0);
      }
    }
    expect(() => P.register_parametrization(lin, "weight", new Bad())).toThrow("Registering a parametrization may not change the shape of the tensor, unless `unsafe` flag is enabled");
    expect(lin.weight).toBeInstanceOf(nn.Parameter);
    expect(() => P.register_parametrization(lin, "nope", new Symmetric())).toThrow("does not have a parameter, a buffer, or a parametrized element with name 'nope'");
    expect(() => P.remove_parametrizations(lin, "weight")).toThrow("does not have a parametrization on weight");
    P.register_parametrization(lin, "weight", new Symmetric());
    expect(() => { (lin as unknown as { weight: Tensor }).weight = torch.zeros(3, 3); }).toThrow("parametrization Symmetric does not implement right_inverse.");
    expect(() => P.register_parametrization(lin, "weight", new Symmetric(), { unsafe: true, x: 1 } as never)).toThrow("unexpected keyword argument 'x'");
    expect(() => torch.save(lin)).toThrow("Serialization of parametrized modules is only supported through state_dict()");
    expect(torch.save(lin.state_dict())).toBeInstanceOf(Uint8Array);
  });
});

describe("parametrizations.orthogonal vs PyTorch 1.13", () => {
  for (const c of fx.orthogonal) {
    it(`${c.shape.join("x")}, orthogonal_map=${c.map}`, () => {
      const m = new nn.Linear(c.shape[1], c.shape[0], { bias: false });
      torch.no_grad(() => m.weight.copy_(tensorOf(c.W0, torch.float32)));
      torch.manual_seed(2);
      PS.orthogonal(m, { orthogonal_map: c.map });
      expect(Object.keys(m.state_dict())).toEqual(c.state);
      expectClose(m.weight, c.w_init, tol);
      expectClose(slot(plist(m).get(0), "base"), c.base, tol);
      torch.no_grad(() => slot(plist(m), "original").copy_(tensorOf(c.X, torch.float32)));
      const w = m.weight;
      expectClose(w, c.w, { rtol: 1e-4, atol: 2e-5 });
      // Orthonormal columns (rows when wide) for the exp / Cayley maps; householder scales by trunc(diag(X)), 0 here as in PyTorch.
      const square = c.shape[0] === c.shape[1];
      if (c.map !== null || square) {
        const q = c.shape[0] >= c.shape[1] ? w : w.t();
        expectClose(q.t().matmul(q), torch.eye(q.shape[1]), { rtol: 0, atol: 1e-5 * c.shape[0] });
      }
    });
  }

  it("float64 gradcheck of each map through the parametrized weight", () => {
    for (const [rows, cols, map] of [[4, 4, "matrix_exp"], [4, 4, "cayley"], [5, 3, "householder"], [3, 5, "matrix_exp"]] as const) {
      const m = new nn.Linear(cols, rows, { bias: false }).double();
      PS.orthogonal(m, { orthogonal_map: map });
      const orig = slot(plist(m), "original");
      const X0 = torch.randn(rows, cols, { dtype: torch.float64 }).mul(0.4);
      // householder's forward multiplies by trunc(diag(X)): keep that factor at -1 (away from its jumps).
      if (map === "householder") torch.no_grad(() => X0.diagonal().fill_(-1.5));
      const ok = torch.autograd.gradcheck((X: Tensor) => {
        torch.no_grad(() => orig.copy_(X.detach()));
        const p = plist(m);
        return (p.get(0) as unknown as (x: Tensor) => Tensor)(X);
      }, [X0.requires_grad_(true)]);
      expect(ok, map).toBe(true);
    }
  });
});

describe("parametrizations.spectral_norm vs PyTorch 1.13", () => {
  it("seeded u, v (after 15 warm-up iterations), training and eval outputs, gradient", () => {
    const s = fx.spectral_norm;
    const sn = new nn.Linear(5, 3);
    torch.no_grad(() => {
      sn.weight.copy_(tensorOf(s.W, torch.float32));
      sn.bias!.copy_(tensorOf(s.bias, torch.float32));
    });
    torch.manual_seed(5);
    PS.spectral_norm(sn);
    const p0 = plist(sn).get(0);
    expect(Object.keys(sn.state_dict())).toEqual(s.state);
    expectClose(slot(p0, "_u"), s.u0, tol);
    expectClose(slot(p0, "_v"), s.v0, tol);
    const x = tensorOf(s.x, torch.float32);
    expectClose(sn(x), s.y1, tol);
    const y2 = sn(x);
    expectClose(y2, s.y2, tol);
    y2.sum().backward();
    expectClose(slot(plist(sn), "original").grad!, s.grad, { rtol: 1e-4, atol: 1e-5 });
    expectClose(slot(p0, "_u"), s.u, tol);
    sn.eval();
    expectClose(sn(x), s.y_eval, tol);
  });
});
