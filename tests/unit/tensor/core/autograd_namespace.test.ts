/** torch.autograd's namespace beyond grad/backward (PyTorch 1.13 names): grad-mode functions, Variable, grad_mode / anomaly_mode / graph modules. */
import { describe, expect, it } from "vitest";
import { torch, type Tensor } from "../../../../lib/tensor/index";

const A = torch.autograd;

describe("torch.autograd grad-mode functions", () => {
  it("are torch's, taking the code to run as a callback", () => {
    expect(A.no_grad).toBe(torch.no_grad);
    expect(A.enable_grad).toBe(torch.enable_grad);
    expect(A.set_grad_enabled).toBe(torch.set_grad_enabled);
    expect(A.inference_mode).toBe(torch.inference_mode);
    expect(A.grad_mode.no_grad).toBe(torch.no_grad);
    expect(A.anomaly_mode.detect_anomaly).toBe(A.detect_anomaly);
    expect(A.anomaly_mode.set_detect_anomaly).toBe(A.set_detect_anomaly);
    const x = torch.ones(2, { requires_grad: true });
    expect(A.no_grad(() => x.mul(2)).requires_grad).toBe(false);
    expect(A.no_grad(() => A.enable_grad(() => x.mul(2))).requires_grad).toBe(true);
    expect(A.set_grad_enabled(false, () => x.mul(2)).requires_grad).toBe(false);
    expect(A.inference_mode(() => x.mul(2)).requires_grad).toBe(false);
    expect(A.grad_mode.inference_mode(false, () => x.mul(2)).requires_grad).toBe(true);
    expect(torch.is_grad_enabled()).toBe(true);
  });
});

describe("torch.autograd.Variable (legacy), as torch 1.13", () => {
  it("returns a new leaf sharing the data; requires_grad by position or keyword; every tensor is a Variable", () => {
    const t = torch.ones(2, { requires_grad: true });
    const v = A.Variable(t);
    expect(v).not.toBe(t);
    expect(v.requires_grad).toBe(false);
    expect(v.is_leaf).toBe(true);
    expect(v.grad_fn).toBe(null);
    torch.no_grad(() => v.add_(1));
    expect(t.tolist()).toEqual([2, 2]); // same storage
    const w = A.Variable(torch.tensor([1, 2, 3]), { requires_grad: true });
    const w2 = A.Variable(torch.tensor([1, 2, 3]), true);
    expect(w.requires_grad && w2.requires_grad).toBe(true);
    const y = w.mul(w).sum();
    y.backward();
    expect((w.grad as Tensor).tolist()).toEqual([2, 4, 6]);
    expect(torch.ones(1) instanceof A.Variable).toBe(true);
    expect(({}) instanceof A.Variable).toBe(false);
    expect(new A.Variable(torch.ones(1)).tolist()).toEqual([1]);
    expect(() => A.Variable(3 as unknown as Tensor)).toThrow("Variable data has to be a tensor, but got int");
    expect(() => A.Variable(torch.ones(1), { requires_gard: true } as never)).toThrow("unexpected keyword argument 'requires_gard'");
  });
});

describe("torch.autograd.graph", () => {
  it("save_on_cpu runs the code unchanged (CPU-only engine): same values and gradients", () => {
    const t = torch.ones(2, { requires_grad: true });
    const y = A.graph.save_on_cpu(() => t.mul(t).sum());
    const y2 = A.graph.save_on_cpu({ pin_memory: false }, () => t.mul(t).sum());
    expect(y.item()).toBe(2);
    expect(y2.item()).toBe(2);
    y.backward();
    expect((t.grad as Tensor).tolist()).toEqual([2, 2]);
    expect(() => (A.graph.save_on_cpu as (x: unknown) => unknown)(1)).toThrow("pass the code to run as a function");
  });

  it("saved_tensors_hooks is refused clearly", () => {
    expect(() => A.graph.saved_tensors_hooks()).toThrow(/saved_tensors_hooks is not supported by this engine/);
  });
});
