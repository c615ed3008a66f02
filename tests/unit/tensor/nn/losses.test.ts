/** Losses as F.* and modules against PyTorch 1.13, every reduction, weights and pos_weight. */
import { describe, expect, it, vi } from "vitest";
import { F, nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { gradcheck } from "../../../../lib/grading/gradcheck";
import { expectClose, fixture, tensorOf, type FT } from "./helpers";

interface Case {
  name: string;
  kwargs: Record<string, unknown>;
  tensors: Record<string, FT>;
  input: FT;
  target: FT;
  target_dtype: "int64" | "float";
  output: FT;
  out_weight: FT;
  grad: FT;
}
const { cases } = fixture<{ cases: Case[] }>("nn/losses.json");

type LossFn = (input: Tensor, target: Tensor, opts: Record<string, unknown>) => Tensor;
const fns = F as unknown as Record<string, LossFn>;
const MODULES: Record<string, string> = {
  mse_loss: "MSELoss",
  l1_loss: "L1Loss",
  binary_cross_entropy: "BCELoss",
  binary_cross_entropy_with_logits: "BCEWithLogitsLoss",
  cross_entropy: "CrossEntropyLoss",
  nll_loss: "NLLLoss",
};

function describeCase(c: Case): string {
  const extra = [...Object.keys(c.tensors), ...Object.entries(c.kwargs).filter(([k]) => k !== "reduction").map(([k, v]) => `${k}=${v}`)];
  return `${c.name} reduction=${c.kwargs.reduction}${extra.length ? ` (${extra.join(", ")})` : ""} input ${c.input.shape.join("x")}`;
}

function args(c: Case, dtype = torch.float64): [Tensor, Tensor, Record<string, unknown>] {
  const target = c.target_dtype === "int64" ? tensorOf(c.target, torch.long) : tensorOf(c.target, dtype);
  const opts: Record<string, unknown> = { ...c.kwargs };
  for (const [k, t] of Object.entries(c.tensors)) opts[k] = tensorOf(t, dtype);
  return [tensorOf(c.input, dtype, true), target, opts];
}

describe("losses vs PyTorch", () => {
  for (const c of cases) {
    it(`F.${describeCase(c)}`, () => {
      const [x, target, opts] = args(c);
      const y = fns[c.name](x, target, opts);
      expectClose(y, c.output, { rtol: 1e-10, atol: 1e-12, label: "value" });
      y.mul(tensorOf(c.out_weight)).sum().backward();
      expectClose(x.grad!, c.grad, { rtol: 1e-8, atol: 1e-12, label: "grad" });
      // float32 gives the same numbers to float32 precision
      const [x32, t32, o32] = args(c, torch.float32);
      expectClose(fns[c.name](x32, t32, o32), c.output, { rtol: 2e-5, atol: 1e-5, label: "float32 value" });
    });

    it(`nn.${MODULES[c.name]} ${describeCase(c)}`, () => {
      const [x, target, opts] = args(c);
      const Ctor = (nn as unknown as Record<string, new (o: Record<string, unknown>) => nn.Module>)[MODULES[c.name]];
      const m = new Ctor(opts);
      expectClose(m(x, target), c.output, { rtol: 1e-10, atol: 1e-12, label: "module value" });
    });
  }

  it("grad_fn names match PyTorch's", () => {
    const x = torch.randn(3, 4, { requires_grad: true });
    const y = torch.tensor([0, 3, 1], { dtype: torch.long });
    expect(F.cross_entropy(x, y).grad_fn!.name()).toBe("NllLossBackward0");
    expect(F.nll_loss(F.log_softmax(x, 1), y).grad_fn!.name()).toBe("NllLossBackward0");
    expect(F.mse_loss(x, torch.zeros(3, 4)).grad_fn!.name()).toBe("MseLossBackward0");
    // torch 1.13 composes l1_loss: (x - t).abs().mean()
    expect(F.l1_loss(x, torch.zeros(3, 4)).grad_fn!.name()).toBe("MeanBackward0");
    expect(F.binary_cross_entropy(torch.sigmoid(x), torch.ones(3, 4)).grad_fn!.name()).toBe("BinaryCrossEntropyBackward0");
    expect(F.binary_cross_entropy_with_logits(x, torch.ones(3, 4)).grad_fn!.name()).toBe("BinaryCrossEntropyWithLogitsBackward0");
  });

  it("weight is the third positional argument, as in PyTorch", () => {
    const x = torch.randn(5, 3);
    const y = torch.tensor([0, 2, 1, 1, 0], { dtype: torch.long });
    const w = torch.tensor([1, 2, 3]);
    expect(F.cross_entropy(x, y, w).item()).toBeCloseTo(F.cross_entropy(x, y, { weight: w }).item(), 6);
    expect(new nn.CrossEntropyLoss(w)(x, y).item()).toBeCloseTo(F.cross_entropy(x, y, { weight: w }).item(), 6);
  });

  it("class weights and pos_weight are buffers of the loss modules (in state_dict)", () => {
    const w = torch.tensor([1, 2]);
    expect(Object.keys(new nn.CrossEntropyLoss({ weight: w }).state_dict())).toEqual(["weight"]);
    expect(Object.keys(new nn.BCEWithLogitsLoss({ pos_weight: w }).state_dict())).toEqual(["pos_weight"]);
    expect(Object.keys(new nn.MSELoss().state_dict())).toEqual([]);
  });

  it("errors a learner can act on", () => {
    expect(() => F.binary_cross_entropy(torch.tensor([1.5]), torch.tensor([1]))).toThrow(/between 0 and 1/);
    expect(() => F.binary_cross_entropy(torch.tensor([[0.5]]), torch.tensor([1]))).toThrow(/target size \(torch.Size\(\[1\]\)\).*input size \(torch.Size\(\[1, 1\]\)\)/);
    expect(() => F.cross_entropy(torch.randn(2, 3), torch.tensor([0, 3], { dtype: torch.long }))).toThrow(/Target 3 is out of bounds/);
    expect(() => F.cross_entropy(torch.randn(2, 3), torch.tensor([0, 1]))).toThrow(/dtype torch.int64/);
    expect(() => F.mse_loss(torch.randn(2), torch.randn(2), { reduction: "avg" } as never)).toThrow(/not a valid value for reduction/);
  });

  it("cross_entropy accepts a single sample: input (C) with a 0-d target", () => {
    const x = torch.tensor([1, 2, 0.5]);
    const l = F.cross_entropy(x, torch.tensor(1, { dtype: torch.long }));
    expect(l.item()).toBeCloseTo(-F.log_softmax(x, 0).index(1).item(), 6);
  });

  it("F.one_hot gives int64 rows with a trailing class dim", () => {
    const y = torch.tensor([[0, 2], [1, 0]], { dtype: torch.long });
    const oh = F.one_hot(y, 3);
    expect(oh.dtype).toBe(torch.long);
    expect(oh.tolist()).toEqual([[[1, 0, 0], [0, 0, 1]], [[0, 1, 0], [1, 0, 0]]]);
    expect(F.one_hot(torch.tensor([1, 3], { dtype: torch.long })).shape).toEqual([2, 4]);
    expect(() => F.one_hot(torch.tensor([3], { dtype: torch.long }), 3)).toThrow("Class values must be smaller than num_classes.");
    expect(() => F.one_hot(torch.tensor([1.5]))).toThrow("one_hot is only applicable to index tensor."); // torch 1.13's message
  });

  it("mismatched shapes: BCE-with-logits refuses, MSE broadcasts with PyTorch's warning", () => {
    expect(() => F.binary_cross_entropy_with_logits(torch.zeros(4, 1), torch.zeros(4))).toThrow(
      "Target size (torch.Size([4])) must be the same as input size (torch.Size([4, 1]))",
    );
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const l = F.mse_loss(torch.zeros(4, 1), torch.ones(4), { reduction: "none" });
    expect(l.shape).toEqual([4, 4]);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining("This will likely lead to incorrect results due to broadcasting"));
    warn.mockRestore();
  });

  it("BCE with logits stays finite for huge logits", () => {
    const l = F.binary_cross_entropy_with_logits(torch.tensor([1000, -1000]), torch.tensor([0, 1]), { reduction: "none" });
    expect(l.tolist()).toEqual([1000, 1000]);
  });
});

describe("loss gradients vs finite differences (float64)", () => {
  const x = () => torch.tensor([[0.3, -1.2, 2.0], [1.5, 0.1, -0.4], [-0.8, 0.9, 0.2], [0.0, -2.2, 1.1]]);
  const p = () => torch.tensor([[0.3, 0.8, 0.5], [0.1, 0.6, 0.95], [0.45, 0.2, 0.7], [0.05, 0.5, 0.35]]);
  const t = torch.tensor([[1, 0, 1], [0, 1, 1], [0.3, 0.7, 0], [1, 1, 0]]);
  const y = torch.tensor([2, 0, 1, 2], { dtype: torch.long });
  const w = torch.tensor([0.5, 2, 1.5]); // cross_entropy / nll_loss take it in the input's dtype, as torch
  const cases: [string, () => Tensor[], (...a: Tensor[]) => Tensor][] = [];
  for (const reduction of ["mean", "sum", "none"] as const) {
    cases.push(
      [`mse ${reduction}`, () => [x(), torch.randn(4, 3)], (a, b) => F.mse_loss(a, b, { reduction })],
      [`l1 ${reduction}`, () => [x(), torch.randn(4, 3)], (a, b) => F.l1_loss(a, b, { reduction })],
      [`bce ${reduction}`, () => [p()], (a) => F.binary_cross_entropy(a, t.to(a.dtype), { weight: w, reduction })],
      [`bce_with_logits ${reduction}`, () => [x()], (a) => F.binary_cross_entropy_with_logits(a, t, { pos_weight: w, weight: w, reduction })],
      [`cross_entropy ${reduction}`, () => [x()], (a) => F.cross_entropy(a, y, { weight: w.to(a.dtype), reduction })],
      [`cross_entropy smoothing ${reduction}`, () => [x()], (a) => F.cross_entropy(a, y, { weight: w.to(a.dtype), reduction, label_smoothing: 0.15 })],
      [`cross_entropy soft targets ${reduction}`, () => [x()], (a) => F.cross_entropy(a, t.div(t.sum(1, true)), { reduction })],
      [`nll ${reduction}`, () => [x()], (a) => F.nll_loss(a, y, { weight: w.to(a.dtype), reduction, ignore_index: 1 })],
    );
  }
  cases.push(["cross_entropy (N, C, d)", () => [torch.randn(2, 3, 4)], (a) => F.cross_entropy(a, torch.tensor([[0, 1, 2, 1], [2, 2, 0, 1]], { dtype: torch.long }))]);
  for (const [name, inputs, fn] of cases) it(name, () => expect(gradcheck(fn, inputs())).toBe(true));
});
