/**
 * nn.LayerNorm and F.layer_norm against PyTorch 1.13 (tests/fixtures/torch/nn/sequence.json):
 * values and gradients for input, weight and bias in float64 and float32, init, repr, a float64
 * gradcheck and the errors.
 */
import { describe, expect, it } from "vitest";
import { F, nn, torch } from "../../../../lib/tensor/index";
import { gradcheck } from "../../../../lib/grading/gradcheck";
import { expectClose, tensorOf, type FT } from "./helpers";
import { precisions, seq, weighted } from "./sequence-helpers";

interface Case {
  name: string;
  normalized_shape: number[];
  eps: number;
  input: FT;
  weight: FT | null;
  bias: FT | null;
  output: FT;
  out_weight: FT;
  grad_input: FT;
  grad_weight: FT | null;
  grad_bias: FT | null;
}
const fx = seq.layer_norm as { cases: Case[]; reprs: Record<string, string> };

describe("F.layer_norm vs PyTorch", () => {
  for (const { name, dtype, tol } of precisions) {
    for (const c of fx.cases) {
      it(`${c.name} (${name})`, () => {
        const x = tensorOf(c.input, dtype, true);
        const w = c.weight ? tensorOf(c.weight, dtype, true) : null;
        const b = c.bias ? tensorOf(c.bias, dtype, true) : null;
        const y = F.layer_norm(x, c.normalized_shape, w, b, c.eps);
        expectClose(y, c.output, { ...tol, label: "output" });
        expect(y.grad_fn?.name()).toBe("NativeLayerNormBackward0");
        weighted(y, c.out_weight, dtype).backward();
        expectClose(x.grad!, c.grad_input, { ...tol, label: "grad_input" });
        if (w) expectClose(w.grad!, c.grad_weight!, { ...tol, label: "grad_weight" });
        if (b) expectClose(b.grad!, c.grad_bias!, { ...tol, label: "grad_bias" });
      });
    }
  }

  it("the module computes the same as the function with its parameters", () => {
    const c = fx.cases[1];
    const m = new nn.LayerNorm(c.normalized_shape).double();
    m.load_state_dict({ weight: tensorOf(c.weight!), bias: tensorOf(c.bias!) });
    expectClose(m(tensorOf(c.input)), c.output, { rtol: 1e-9, atol: 1e-10 });
  });
});

describe("nn.LayerNorm", () => {
  it("starts at weight = 1, bias = 0; elementwise_affine=false and bias=false drop parameters", () => {
    const m = new nn.LayerNorm([2, 3]);
    expect(m.weight!.tolist()).toEqual([[1, 1, 1], [1, 1, 1]]);
    expect(m.bias!.tolist()).toEqual([[0, 0, 0], [0, 0, 0]]);
    expect(Object.keys(m.state_dict())).toEqual(["weight", "bias"]);
    expect(new nn.LayerNorm(4, { elementwise_affine: false }).parameters()).toHaveLength(0);
    expect(Object.keys(new nn.LayerNorm(4, { bias: false }).state_dict())).toEqual(["weight"]);
  });

  it("prints as PyTorch", () => {
    expect(String(new nn.LayerNorm(8))).toBe(fx.reprs["LayerNorm(8)"]);
    expect(String(new nn.LayerNorm([3, 4], { elementwise_affine: false, eps: 1e-6 }))).toBe(fx.reprs["LayerNorm([3, 4], elementwise_affine=False, eps=1e-6)"]);
  });

  it("each row comes out with mean 0 and variance 1 (train and eval alike)", () => {
    const m = new nn.LayerNorm(16);
    const x = torch.randn(5, 16).mul(3).add(2);
    for (const mode of [true, false]) {
      m.train(mode);
      const y = m(x);
      expectClose(y.mean(-1), torch.zeros(5), { atol: 1e-5 });
      expectClose(y.var(-1, false), torch.ones(5), { atol: 1e-3 });
    }
  });

  it("gradcheck (float64): input, weight and bias", () => {
    const r = (...s: number[]) => torch.randn(s, { dtype: torch.float64 });
    gradcheck((x, w, b) => F.layer_norm(x, [4], w, b), [r(3, 4), r(4), r(4)]);
    gradcheck((x, w, b) => F.layer_norm(x, [2, 3], w, b, 1e-3), [r(2, 2, 3), r(2, 3), r(2, 3)]);
    gradcheck((x) => F.layer_norm(x, 5), [r(2, 5)]);
  });

  it("rejects shapes that do not fit, as PyTorch words it", () => {
    expect(() => F.layer_norm(torch.randn(2, 3), [4])).toThrow("Given normalized_shape=[4], expected input with shape [*, 4], but got input of size[2, 3]");
    expect(() => F.layer_norm(torch.randn(2, 3), [3], torch.ones(4))).toThrow(/weight of shape \[4\]/);
    expect(() => new nn.LayerNorm([])).toThrow(/normalized_shape/);
  });
});
