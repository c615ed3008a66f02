/** Every activation, as F.* and as a module, against PyTorch 1.13 values and gradients. */
import { describe, expect, it, vi } from "vitest";
import { F, nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { gradcheck } from "../../../../lib/grading/gradcheck";
import { expectClose, fixture, tensorOf, type FT } from "./helpers";
import { forgetShownWarnings } from "../../../../lib/tensor/warnings";

interface Case {
  name: string;
  function: string;
  kwargs: Record<string, unknown>;
  module: string;
  module_args: unknown[];
  module_kwargs: Record<string, unknown>;
  output: FT;
  weight: FT;
  grad: FT;
}
interface PreluCase {
  slope: FT;
  output: FT;
  weight: FT;
  grad_input: FT;
  grad_slope: FT;
}
const fx = fixture<{ input: FT; cases: Case[]; prelu: PreluCase[] }>("nn/activations.json");

type Fn = (x: Tensor, ...args: unknown[]) => Tensor;
const fns = F as unknown as Record<string, Fn>;
const modules = nn as unknown as Record<string, new (...args: unknown[]) => nn.Module>;

function callFunction(c: Case, x: Tensor): Tensor {
  return Object.keys(c.kwargs).length > 0 ? fns[c.function](x, c.kwargs) : fns[c.function](x);
}

function makeModule(c: Case): nn.Module {
  const Ctor = modules[c.module];
  return Object.keys(c.module_kwargs).length > 0 ? new Ctor(...c.module_args, c.module_kwargs) : new Ctor(...c.module_args);
}

describe("activations vs PyTorch", () => {
  for (const c of fx.cases) {
    it(`${c.name}: F.${c.function} values (float32 and float64) and gradient`, () => {
      expectClose(callFunction(c, tensorOf(fx.input, torch.float32)), c.output, { rtol: 1e-5, atol: 1e-6, label: c.name });
      const x = tensorOf(fx.input, torch.float64, true);
      const y = callFunction(c, x);
      expectClose(y, c.output, { rtol: 1e-10, atol: 1e-12, label: `${c.name} f64` });
      y.mul(tensorOf(c.weight)).sum().backward();
      expectClose(x.grad!, c.grad, { rtol: 1e-9, atol: 1e-12, label: `${c.name} grad` });
    });

    it(`${c.name}: nn.${c.module} module gives the same values`, () => {
      const m = makeModule(c);
      expect(m).toBeInstanceOf(nn.Module);
      expectClose(m(tensorOf(fx.input, torch.float64)), c.output, { rtol: 1e-10, atol: 1e-12, label: c.module });
    });
  }

  it("positional and keyword forms agree", () => {
    const x = torch.randn(4, 5);
    expect(F.softmax(x, 1).equal(F.softmax(x, { dim: 1 }))).toBe(true);
    expect(F.leaky_relu(x, 0.2).equal(F.leaky_relu(x, { negative_slope: 0.2 }))).toBe(true);
    expect(F.elu(x, 0.5).equal(F.elu(x, { alpha: 0.5 }))).toBe(true);
    expect(F.softplus(x, 2, 1).equal(F.softplus(x, { beta: 2, threshold: 1 }))).toBe(true);
    expect(new nn.LeakyReLU(0.2)(x).equal(new nn.LeakyReLU({ negative_slope: 0.2 })(x))).toBe(true);
    expect(new nn.Softmax(1)(x).equal(new nn.Softmax({ dim: 1 })(x))).toBe(true);
    expect(() => F.leaky_relu(x, { slope: 0.2 } as never)).toThrow(/unexpected keyword argument 'slope'/);
  });

  it("nn.Softmax() without dim uses PyTorch's legacy implicit dim, with its warning once", () => {
    forgetShownWarnings();
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const x = torch.randn(3, 4);
    const softmax = new nn.Softmax();
    expect(softmax(x).equal(F.softmax(x, 1))).toBe(true);
    expect(F.softmax(torch.randn(2, 3, 4), null).sum(0).allclose(torch.ones(3, 4))).toBe(true);
    for (let step = 0; step < 3; step++) softmax(x); // a training loop: Python's filter shows it once
    const implicit = warn.mock.calls.filter(([m]) => String(m).includes("Implicit dimension choice for softmax has been deprecated"));
    expect(implicit.length).toBe(1);
    warn.mockRestore();
  });
});

describe("PReLU", () => {
  for (const [i, c] of fx.prelu.entries()) {
    it(`F.prelu with ${c.slope.data.length} slope(s): values and gradients vs PyTorch`, () => {
      const x = tensorOf(fx.input, torch.float64, true);
      const a = tensorOf(c.slope, torch.float64, true);
      const y = F.prelu(x, a);
      expectClose(y, c.output, { rtol: 1e-12, label: `prelu ${i}` });
      expect(y.grad_fn!.name()).toBe("PreluBackward0");
      y.mul(tensorOf(c.weight)).sum().backward();
      expectClose(x.grad!, c.grad_input, { rtol: 1e-10, label: "grad input" });
      expectClose(a.grad!, c.grad_slope, { rtol: 1e-10, atol: 1e-12, label: "grad slope" });
    });
  }

  it("nn.PReLU is learnable: one parameter per channel, initialised to init", () => {
    const m = new nn.PReLU(3, 0.1);
    expect(m.parameters()).toHaveLength(1);
    expect(m.weight.tolist()).toEqual([0.10000000149011612, 0.10000000149011612, 0.10000000149011612]);
    const y = m(torch.tensor([[-1, 2, -3]]));
    y.sum().backward();
    expect(m.weight.grad!.tolist()).toEqual([-1, 0, -3]);
    expect(() => m(torch.randn(2, 4))).toThrow(/parameter numbers = 3 and channel size = 4/);
  });

  it("gradcheck (float64 finite differences) for slopes and input, 2-D and 3-D", () => {
    gradcheck((x, a) => F.prelu(x, a), [torch.randn(4, 3), torch.tensor([0.2, -0.3, 0.5])]);
    gradcheck((x, a) => F.prelu(x, a), [torch.randn(2, 3, 4), torch.tensor([0.25])]);
  });
});

describe("activation gradients vs finite differences (float64)", () => {
  const x = () => torch.tensor([[-2.5, -1.2, -0.3, 0.4, 1.1], [2.2, -0.7, 0.9, -3.1, 0.05]]);
  const cases: [string, (t: Tensor) => Tensor][] = [
    ["sigmoid", (t) => F.sigmoid(t)],
    ["tanh", (t) => F.tanh(t)],
    ["relu", (t) => F.relu(t)],
    ["leaky_relu", (t) => F.leaky_relu(t, 0.2)],
    ["elu", (t) => F.elu(t, 0.7)],
    ["selu", (t) => F.selu(t)],
    ["gelu", (t) => F.gelu(t)],
    ["gelu tanh", (t) => F.gelu(t, { approximate: "tanh" })],
    ["silu", (t) => F.silu(t)],
    ["softplus", (t) => F.softplus(t, 2, 3)],
    ["softmax", (t) => F.softmax(t, 1)],
    ["softmax dim 0", (t) => F.softmax(t, 0)],
    ["log_softmax", (t) => F.log_softmax(t, 1)],
  ];
  for (const [name, fn] of cases) it(name, () => expect(gradcheck(fn, [x()])).toBe(true));
});
