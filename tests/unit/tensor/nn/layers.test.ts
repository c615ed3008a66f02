/** BatchNorm1d, F.batch_norm, Dropout, Flatten and Identity. */
import { describe, expect, it } from "vitest";
import { F, nn, torch } from "../../../../lib/tensor/index";
import { gradcheck } from "../../../../lib/grading/gradcheck";
import { expectClose, fixture, tensorOf, type FT } from "./helpers";

interface BnStep {
  input: FT;
  output: FT;
  out_weight: FT;
  grad_input: FT;
  grad_weight: FT | null;
  grad_bias: FT | null;
  running_mean: FT | null;
  running_var: FT | null;
  num_batches_tracked: number | null;
}
interface BnCase {
  name: string;
  kwargs: Record<string, unknown>;
  steps: BnStep[];
  eval_input: FT;
  eval_output: FT;
}
const bnCases = fixture<{ batchnorm: BnCase[] }>("nn/layers.json").batchnorm;

describe("BatchNorm1d vs PyTorch", () => {
  for (const c of bnCases) {
    it(`${c.name}: train steps (outputs, grads, running stats) then eval`, () => {
      const bn = new nn.BatchNorm1d(3, c.kwargs).double();
      if (bn.affine) {
        torch.no_grad(() => {
          bn.weight!.copy_(torch.tensor([1.5, -0.5, 2.0]));
          bn.bias!.copy_(torch.tensor([0.1, 0.2, -0.3]));
        });
      }
      for (const [i, s] of c.steps.entries()) {
        const x = tensorOf(s.input, torch.float64, true);
        bn.zero_grad();
        const y = bn(x);
        expectClose(y, s.output, { rtol: 1e-10, atol: 1e-12, label: `step ${i} output` });
        y.mul(tensorOf(s.out_weight)).sum().backward();
        expectClose(x.grad!, s.grad_input, { rtol: 1e-8, atol: 1e-10, label: `step ${i} grad input` });
        if (s.grad_weight) expectClose(bn.weight!.grad!, s.grad_weight, { rtol: 1e-9, atol: 1e-10, label: "grad weight" });
        if (s.grad_bias) expectClose(bn.bias!.grad!, s.grad_bias, { rtol: 1e-9, atol: 1e-10, label: "grad bias" });
        if (s.running_mean) expectClose(bn.running_mean!, s.running_mean, { rtol: 1e-10, label: "running_mean" });
        else expect(bn.running_mean).toBeNull();
        if (s.running_var) expectClose(bn.running_var!, s.running_var, { rtol: 1e-10, label: "running_var" });
        if (s.num_batches_tracked !== null) expect(bn.num_batches_tracked!.item()).toBe(s.num_batches_tracked);
      }
      bn.eval();
      expectClose(bn(tensorOf(c.eval_input)), c.eval_output, { rtol: 1e-10, atol: 1e-12, label: "eval output" });
    });
  }

  it("grad_fn is NativeBatchNormBackward0 and 1-sample batches are refused in training", () => {
    const bn = new nn.BatchNorm1d(4);
    expect(bn(torch.randn(5, 4)).grad_fn!.name()).toBe("NativeBatchNormBackward0");
    expect(() => bn(torch.randn(1, 4))).toThrow(/Expected more than 1 value per channel when training, got input size torch.Size\(\[1, 4\]\)/);
    expect(() => bn(torch.randn(2, 4, 3, 3))).toThrow(/expected 2D or 3D input \(got 4D input\)/);
    // a BatchNorm2d input of one value per channel is named by its own size (torch.Size([1, 3, 1, 1]), not the [N, C, L] view)
    expect(() => new nn.BatchNorm2d(3)(torch.randn(1, 3, 1, 1))).toThrow(/got input size torch\.Size\(\[1, 3, 1, 1\]\)$/);
    expect(() => F.batch_norm(torch.randn(1, 3, 1, 1), null, null, { training: true })).toThrow(/got input size torch\.Size\(\[1, 3, 1, 1\]\)$/);
    bn.eval();
    expect(bn(torch.randn(1, 4)).shape).toEqual([1, 4]);
  });

  it("F.batch_norm takes PyTorch's positional arguments", () => {
    const x = torch.randn(6, 3);
    const rm = torch.zeros(3);
    const rv = torch.ones(3);
    const w = torch.tensor([1, 2, 3]);
    const b = torch.tensor([0, 1, 0]);
    const y = F.batch_norm(x, rm, rv, w, b, true, 0.5, 1e-5);
    const mean = x.mean(0);
    expectClose(rm, mean.mul(0.5), { rtol: 1e-5, atol: 1e-6 });
    expectClose(rv, x.var(0).mul(0.5).add(0.5), { rtol: 1e-5, atol: 1e-6 }); // unbiased variance
    const expected = x.sub(mean).div(x.var(0, false).add(1e-5).sqrt()).mul(w).add(b);
    expectClose(y, expected, { rtol: 1e-4, atol: 1e-5 });
    expect(F.batch_norm(x, rm, rv, { training: false }).shape).toEqual([6, 3]);
  });

  it("gradcheck of batch_norm in training and eval, 2-D and 3-D", () => {
    const rm = torch.tensor([0.1, -0.2, 0.3], { dtype: torch.float64 });
    const rv = torch.tensor([1.5, 0.5, 2], { dtype: torch.float64 });
    gradcheck((x, w, b) => F.batch_norm(x, null, null, w, b, true), [torch.randn(5, 3), torch.randn(3), torch.randn(3)]);
    gradcheck((x, w, b) => F.batch_norm(x, null, null, w, b, true), [torch.randn(2, 3, 4), torch.randn(3), torch.randn(3)]);
    gradcheck((x, w, b) => F.batch_norm(x, rm, rv, w, b, false), [torch.randn(4, 3), torch.randn(3), torch.randn(3)]);
  });
});

describe("Dropout", () => {
  it("zeroes about p of the elements in training and scales the rest by 1/(1-p)", () => {
    torch.manual_seed(0);
    const d = new nn.Dropout(0.3);
    const y = d(torch.ones(100, 100));
    const kept = y.ne(0).float().mean().item();
    expect(kept).toBeGreaterThan(0.68);
    expect(kept).toBeLessThan(0.72);
    expect(y.max().item()).toBeCloseTo(1 / 0.7, 5);
  });

  it("is the identity in eval mode and with p = 0; p = 1 drops everything", () => {
    const x = torch.randn(4, 5);
    expect(new nn.Dropout(0.5).eval()(x)).toBe(x);
    expect(F.dropout(x, 0)).toBe(x);
    expect(F.dropout(x, 1).abs().sum().item()).toBe(0);
    expect(F.dropout(x, { p: 0.5, training: false })).toBe(x);
    expect(() => new nn.Dropout(1.5)).toThrow(/between 0 and 1/);
  });

  it("masks repeat with the seed, and gradients flow through the kept elements only", () => {
    torch.manual_seed(5);
    const a = F.dropout(torch.ones(50));
    torch.manual_seed(5);
    const x = torch.ones(50, { requires_grad: true });
    const b = F.dropout(x);
    expect(a.equal(b)).toBe(true);
    b.sum().backward();
    expect(x.grad!.equal(b.detach())).toBe(true);
  });
});

describe("Flatten and Identity", () => {
  it("Flatten keeps the batch dim by default", () => {
    expect(new nn.Flatten()(torch.randn(2, 1, 28, 28)).shape).toEqual([2, 784]);
    expect(new nn.Flatten(0, 1)(torch.randn(2, 3, 4)).shape).toEqual([6, 4]);
  });
  it("Identity returns its input", () => {
    const x = torch.randn(3);
    expect(new nn.Identity(54, { unused: true })(x)).toBe(x);
  });
});
