/** nn.utils.stateless.functional_call, skip_init, fusion and convert_parameters against PyTorch 1.13 (scripts/fixtures/stateless_fusion_fixtures.py). */
import { describe, expect, it } from "vitest";
import { nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectClose, fixture, tensorOf, type FT } from "./helpers";

interface Fx {
  functional_call: { state: Record<string, FT>; x: FT; w0: FT; b3: FT; rm: FT; y: FT; w0_grad: FT; b3_grad: FT; y_plain: FT };
  fusion: { kind: string; w: FT; b: FT | null; bn_w: FT; bn_b: FT; rm: FT; rv: FT; x: FT; fused_w: FT; fused_b: FT; y: FT; y_ref: FT }[];
}
const fx = fixture<Fx>("nn/stateless_fusion.json");
const tol = { rtol: 1e-5, atol: 1e-5 };
const slot = (m: unknown, k: string) => (m as Record<string, Tensor>)[k];

function loadState(m: nn.Module, state: Record<string, FT>): void {
  const sd: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(state)) sd[k] = tensorOf(v, k.endsWith("num_batches_tracked") ? torch.int64 : torch.float32);
  m.load_state_dict(sd);
}

describe("stateless.functional_call vs PyTorch 1.13", () => {
  it("replaces parameters and a buffer for one call; gradients reach the given tensors; the module is untouched", () => {
    const c = fx.functional_call;
    const model = new nn.Sequential(new nn.Linear(3, 4), new nn.BatchNorm1d(4), new nn.Tanh(), new nn.Linear(4, 2));
    loadState(model, c.state);
    model.eval();
    const before = Object.fromEntries(Object.entries(model.state_dict()).map(([k, v]) => [k, v.clone()]));
    const x = tensorOf(c.x, torch.float32);
    const w0 = tensorOf(c.w0, torch.float32, true);
    const b3 = tensorOf(c.b3, torch.float32, true);
    const rm = tensorOf(c.rm, torch.float32);
    const y = nn.utils.stateless.functional_call(model, { "0.weight": w0, "3.bias": b3, "1.running_mean": rm }, [x]) as Tensor;
    expectClose(y, c.y, tol);
    y.pow(2).sum().backward();
    expectClose(w0.grad!, c.w0_grad, { rtol: 1e-4, atol: 1e-5 });
    expectClose(b3.grad!, c.b3_grad, { rtol: 1e-4, atol: 1e-5 });
    for (const [k, v] of Object.entries(model.state_dict())) expectClose(v, before[k], { rtol: 0, atol: 0, label: k });
    // The replaced parameters get no gradient (the others used in the call do, as in PyTorch).
    const params = Object.fromEntries(model.named_parameters());
    expect(params["0.weight"].grad ?? null).toBe(null);
    expect(params["3.bias"].grad ?? null).toBe(null);
    expect(params["3.weight"].grad).toBeInstanceOf(torch.Tensor);
    expect(Object.keys(model.state_dict())).toEqual(Object.keys(before));
    expectClose(model(x), c.y_plain, tol);
    // A single argument need not be wrapped; a Map works as the dict.
    expectClose(nn.utils.stateless.functional_call(model, new Map([["0.weight", w0]]), x) as Tensor,
      nn.utils.stateless.functional_call(model, { "0.weight": w0 }, [x]) as Tensor, { rtol: 0, atol: 0 });
  });

  it("float64 gradcheck through functional_call; errors", () => {
    const lin = new nn.Linear(3, 2).double();
    const x = torch.randn(4, 3, { dtype: torch.float64 });
    const w = torch.randn(2, 3, { dtype: torch.float64, requires_grad: true });
    const b = torch.randn(2, { dtype: torch.float64, requires_grad: true });
    expect(torch.autograd.gradcheck((ww: Tensor, bb: Tensor) => nn.utils.stateless.functional_call(lin, { weight: ww, bias: bb }, [x]) as Tensor, [w, b])).toBe(true);
    expect(() => nn.utils.stateless.functional_call(lin, { "foo.weight": w }, [x])).toThrow("'Linear' object has no attribute 'foo'");
    expect(lin.weight).toBeInstanceOf(nn.Parameter);
  });

  it("a parametrized weight is replaced too, and its property comes back", () => {
    class Double extends nn.Module {
      forward(X: Tensor): Tensor {
        return X.mul(2);
      }
    }
    const lin = new nn.Linear(3, 2);
    nn.utils.parametrize.register_parametrization(lin, "weight", new Double());
    const w = torch.ones(2, 3);
    const x = torch.randn(1, 3);
    const y = nn.utils.stateless.functional_call(lin, { weight: w }, [x]) as Tensor;
    expectClose(y, x.matmul(w.t()).add(lin.bias!), tol);
    expectClose(lin.weight, slot((lin as unknown as { parametrizations: nn.ModuleDict }).parametrizations.get("weight"), "original").mul(2), tol);
  });
});

describe("skip_init and convert_parameters", () => {
  it("skip_init draws nothing from the generator and gives shaped, uninitialised parameters", () => {
    torch.manual_seed(3);
    const m = nn.utils.skip_init(nn.Linear, 4, 5);
    const after = torch.rand(3);
    torch.manual_seed(3);
    expectClose(after, torch.rand(3), { rtol: 0, atol: 0 });
    expect(m.weight.shape).toEqual([5, 4]);
    expect(m.weight).toBeInstanceOf(nn.Parameter);
    expect(m.weight.requires_grad).toBe(true);
    expect(() => nn.utils.skip_init(Object as never)).toThrow("Expected a Module");
  });

  it("convert_parameters names PyTorch's module", () => {
    const lin = new nn.Linear(2, 2);
    const v = nn.utils.convert_parameters.parameters_to_vector(lin.parameters());
    expect(v.shape).toEqual([6]);
    nn.utils.convert_parameters.vector_to_parameters(v.mul(0), lin.parameters());
    expect(lin.weight.abs().sum().item()).toBe(0);
  });
});

describe("fusion vs PyTorch 1.13", () => {
  for (const c of fx.fusion) {
    it(c.kind, () => {
      const x = tensorOf(c.x, torch.float32);
      const [C, cin] = [c.w.shape[0], c.w.shape[1]];
      const k = c.w.shape[2];
      const m: nn.Module =
        c.kind === "linear" ? new nn.Linear(cin, C)
        : c.kind === "conv1d" ? new nn.Conv1d(cin, C, k)
        : c.kind === "convT2d" ? new nn.ConvTranspose2d(C, cin, k, { stride: 2 })
        : new nn.Conv2d(cin, C, k, { bias: c.kind !== "conv2d_nobias" });
      const nOut = c.kind === "convT2d" ? cin : C;
      const bn = c.kind === "conv2d" || c.kind === "conv2d_nobias" || c.kind === "convT2d" ? new nn.BatchNorm2d(nOut) : new nn.BatchNorm1d(nOut);
      torch.no_grad(() => {
        slot(m, "weight").copy_(tensorOf(c.w, torch.float32));
        if (c.b) slot(m, "bias").copy_(tensorOf(c.b, torch.float32));
        slot(bn, "weight").copy_(tensorOf(c.bn_w, torch.float32));
        slot(bn, "bias").copy_(tensorOf(c.bn_b, torch.float32));
        slot(bn, "running_mean").copy_(tensorOf(c.rm, torch.float32));
        slot(bn, "running_var").copy_(tensorOf(c.rv, torch.float32));
      });
      m.eval();
      bn.eval();
      const f = c.kind === "linear" ? nn.utils.fusion.fuse_linear_bn_eval(m, bn) : nn.utils.fuse_conv_bn_eval(m, bn, c.kind === "convT2d");
      expect(f).not.toBe(m);
      expectClose(slot(f, "weight"), c.fused_w, tol);
      expectClose(slot(f, "bias"), c.fused_b, tol);
      const call = (mod: nn.Module, t: Tensor) => (mod as unknown as (a: Tensor) => Tensor)(t);
      expectClose(call(f, x), c.y, { rtol: 1e-4, atol: 1e-5 });
      expectClose(call(f, x), call(bn, call(m, x)), { rtol: 1e-4, atol: 1e-5 });
      expectClose(slot(m, "weight"), c.w, { rtol: 0, atol: 0 });
    });
  }

  it("refuses modules in training mode", () => {
    expect(() => nn.utils.fuse_conv_bn_eval(new nn.Conv2d(1, 2, 3), new nn.BatchNorm2d(2))).toThrow("Fusion only for eval!");
  });
});
