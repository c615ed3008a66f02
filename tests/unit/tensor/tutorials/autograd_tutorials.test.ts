/**
 * PyTorch's autograd tutorials, translated line by line: "A Gentle Introduction to torch.autograd"
 * (Q = 3a^3 - b^2, excluding tensors from the DAG, freezing a model for fine-tuning), "The
 * Fundamentals of Autograd" (the sin(x) graph and its grad_fn chain, the TinyModel training step,
 * turning autograd off and on, in-place operations on leaves, torch.autograd.functional) and the
 * autograd mechanics notes (retain_grad, tensor hooks, create_graph for higher derivatives,
 * inference mode). Seeded values match PyTorch 1.13 (autograd2.json, scripts/fixtures/tutorial2_fixtures.py).
 */
import { describe, expect, it } from "vitest";
import { nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectClose } from "../core/fixtures";
import { tutorialFixture } from "./helpers";

type Fx = { shape: number[]; data: number[] };
const fx = (t: Fx): Tensor => torch.tensor(t.data).reshape(t.shape);
const ref = tutorialFixture<Record<string, Fx | Fx[] | number[]>>("autograd2.json");
const F1 = (k: string) => ref[k] as Fx;
const FN = (k: string) => ref[k] as Fx[];

describe("A Gentle Introduction to torch.autograd", () => {
  it("differentiates Q = 3a^3 - b^2 with an external gradient, as the tutorial checks", () => {
    const a = torch.tensor([2.0, 3.0], { requires_grad: true });
    const b = torch.tensor([6.0, 4.0], { requires_grad: true });
    const Q = a.pow(3).mul(3).sub(b.pow(2));
    const external_grad = torch.tensor([1.0, 1.0]);
    Q.backward({ gradient: external_grad });
    expect(a.grad!.equal(a.pow(2).mul(9))).toBe(true); // 9*a**2 == a.grad
    expect(b.grad!.equal(b.mul(-2))).toBe(true); // -2*b == b.grad
    expect(a.grad!.tolist()).toEqual([36, 81]);
  });

  it("excludes tensors from the DAG and freezes a model for fine-tuning", () => {
    const x = torch.rand(5, 5);
    const y = torch.rand(5, 5);
    const z = torch.rand([5, 5], { requires_grad: true });
    const a = x.add(y);
    expect(a.requires_grad).toBe(false); // Does `a` require gradients?: False
    const b = x.add(z);
    expect(b.requires_grad).toBe(true);

    // model = resnet18(); freeze everything, then replace the classifier: only it trains.
    torch.manual_seed(0);
    const model = new nn.Sequential();
    model.add_module("features", new nn.Sequential(new nn.Conv2d(3, 4, 3), new nn.ReLU(), new nn.AdaptiveAvgPool2d(1), new nn.Flatten()));
    model.add_module("fc", new nn.Linear(4, 1000));
    for (const param of model.parameters()) param.requires_grad = false;
    (model as unknown as { fc: nn.Module }).fc = new nn.Linear(4, 10);
    expect(model.named_parameters().filter(([, p]) => p.requires_grad).map(([n]) => n)).toEqual(["fc.weight", "fc.bias"]);
    const optimizer = new torch.optim.SGD(model.parameters(), { lr: 1e-2, momentum: 0.9 });
    const frozen = (model.get(0) as nn.Sequential).parameters().map((p) => p.clone());
    const out = model(torch.rand(2, 3, 8, 8)) as Tensor;
    expect(out.shape).toEqual([2, 10]);
    out.sum().backward();
    optimizer.step();
    (model.get(0) as nn.Sequential).parameters().forEach((p, i) => {
      expect(p.grad).toBeNull();
      expect(p.equal(frozen[i])).toBe(true);
    });
    expect((model.get(1) as nn.Linear).weight.grad).not.toBeNull();
  });
});

describe("The Fundamentals of Autograd", () => {
  it("follows sin(x) through its graph: grad_fn, next_functions, and d/dx = 2 cos(x)", () => {
    const a = torch.linspace(0, 2 * Math.PI, { steps: 25, requires_grad: true });
    const b = torch.sin(a);
    expect(String(b.grad_fn)).toBe("<SinBackward0>");
    const c = b.mul(2);
    const d = c.add(1);
    const out = d.sum();
    expect(String(out.grad_fn)).toBe("<SumBackward0>");
    // d.grad_fn.next_functions chain back to the leaf's AccumulateGrad
    expect(String(d.grad_fn!.next_functions[0][0])).toBe("<MulBackward0>");
    expect(String(d.grad_fn!.next_functions[0][0]!.next_functions[0][0])).toBe("<SinBackward0>");
    expect(String(b.grad_fn!.next_functions[0][0])).toBe("<AccumulateGrad>");
    expect(c.grad_fn!.name()).toBe("MulBackward0");
    expect(a.grad_fn).toBeNull();
    out.backward();
    expectClose(a.grad!, torch.cos(a.detach()).mul(2).tolist() as number[], 1e-5, 1e-6, "a.grad");
  });

  it("TinyModel: layer2's weight gradient after backward and five SGD steps match PyTorch", () => {
    const BATCH_SIZE = 16, DIM_IN = 1000, HIDDEN_SIZE = 100, DIM_OUT = 10;
    class TinyModel extends nn.Module {
      layer1 = new nn.Linear(DIM_IN, HIDDEN_SIZE);
      relu = new nn.ReLU();
      layer2 = new nn.Linear(HIDDEN_SIZE, DIM_OUT);
      forward(x: Tensor): Tensor {
        return this.layer2(this.relu(this.layer1(x)));
      }
    }
    torch.manual_seed(0);
    const some_input = torch.randn(BATCH_SIZE, DIM_IN, { requires_grad: false });
    const ideal_output = torch.randn(BATCH_SIZE, DIM_OUT, { requires_grad: false });
    const model = new TinyModel();
    const optimizer = new torch.optim.SGD(model.parameters(), { lr: 0.001 });
    expect(model.layer2.weight.grad).toBeNull(); // print(model.layer2.weight.grad) -> None
    const prediction = model(some_input);
    let loss = ideal_output.sub(prediction).pow(2).sum();
    loss.backward();
    expectClose(model.layer2.weight.grad!.index(0).index("0:10"), F1("tiny_grad0").data, 1e-4, 1e-5, "layer2.weight.grad[0][0:10]");
    const losses = [loss.item()];
    optimizer.step();
    for (let i = 0; i < 4; i++) {
      optimizer.zero_grad();
      loss = ideal_output.sub(model(some_input)).pow(2).sum();
      losses.push(loss.item());
      loss.backward();
      optimizer.step();
    }
    expectClose(losses, ref.tiny_losses as number[], 1e-4, 1e-3, "losses");
    expect(losses[4]).toBeLessThan(losses[0] / 2);
    optimizer.zero_grad({ set_to_none: false });
    expect(model.layer2.weight.grad!.abs().sum().item()).toBe(0);
  });

  it("turns autograd off and on: requires_grad = False, no_grad, detach; in-place ops on a leaf raise", () => {
    const a = torch.ones([2, 3], { requires_grad: true });
    const b1 = a.mul(2);
    expect(b1.requires_grad).toBe(true);
    a.requires_grad = false;
    const b2 = a.mul(2);
    expect(b2.requires_grad).toBe(false);

    const x = torch.ones([2, 3], { requires_grad: true }).mul(2);
    const y = torch.ones([2, 3], { requires_grad: true }).mul(3);
    const c1 = x.add(y);
    const c2 = torch.no_grad(() => x.add(y));
    expect(c1.requires_grad).toBe(true);
    expect(c2.requires_grad).toBe(false);
    const c3 = x.mul(y);
    expect(c3.requires_grad).toBe(true);

    // @torch.no_grad() as a decorator
    const add_tensors1 = (a: Tensor, b: Tensor) => a.add(b);
    const add_tensors2 = torch.no_grad()((a: Tensor, b: Tensor) => a.add(b));
    const aa = torch.ones([2, 3], { requires_grad: true }).mul(2);
    const bb = torch.ones([2, 3], { requires_grad: true }).mul(3);
    expect(add_tensors1(aa, bb).requires_grad).toBe(true);
    expect(add_tensors2(aa, bb).requires_grad).toBe(false);

    const s = torch.rand(5, { requires_grad: true });
    const t = s.detach();
    expect(t.requires_grad).toBe(false);
    expect(String(s)).toMatch(/requires_grad=True\)$/);

    const leaf = torch.linspace(0, 2 * Math.PI, { steps: 25, requires_grad: true });
    expect(() => torch.sin_(leaf)).toThrow(/a leaf Variable that requires grad is being used in an in-place operation/);
  });

  it("torch.autograd.functional: jacobian, hessian, vjp, jvp, hvp and vhp of the tutorial's functions", () => {
    const F = torch.autograd.functional;
    const exp_adder = (x: Tensor, y: Tensor) => x.exp().mul(2).add(y.mul(3));
    const jac = F.jacobian(exp_adder, FN("jac_inputs").map(fx) as [Tensor, Tensor]) as Tensor[];
    jac.forEach((j, i) => expectClose(j, FN("jacobian")[i].data, 1e-5, 1e-6, `jacobian ${i}`));
    expect(jac[1].tolist()).toEqual([[3, 0], [0, 3]]);

    const pow_reducer = (x: Tensor) => x.pow(3).sum();
    const hes = F.hessian(pow_reducer, fx(F1("hes_x"))) as Tensor;
    expect(hes.shape).toEqual([2, 2, 2, 2]);
    expectClose(hes, F1("hessian").data, 1e-5, 1e-6, "hessian");

    const exp_reducer = (x: Tensor) => x.exp().sum({ dim: 1 });
    const [vout, vjp] = F.vjp(exp_reducer, fx(F1("vjp_x")), torch.ones(4)) as [Tensor, Tensor];
    expectClose(vout, FN("vjp")[0].data, 1e-5, 1e-6, "vjp output");
    expectClose(vjp, FN("vjp")[1].data, 1e-5, 1e-6, "vjp");

    const adder = (x: Tensor, y: Tensor) => x.mul(2).add(y.mul(3));
    const [jout, jvp] = F.jvp(adder, FN("jvp_inputs").map(fx) as [Tensor, Tensor], [torch.ones(2), torch.ones(2)]) as [Tensor, Tensor];
    expectClose(jout, FN("jvp")[0].data, 1e-5, 1e-6, "jvp output");
    expectClose(jvp, FN("jvp")[1].data, 1e-6, 1e-6, "jvp");

    const [hout, hvp] = F.hvp(pow_reducer, fx(F1("hvp_x")), torch.ones(2, 2)) as [Tensor, Tensor];
    expectClose(hout, FN("hvp")[0].data, 1e-5, 1e-6, "hvp output");
    expectClose(hvp, FN("hvp")[1].data, 1e-5, 1e-6, "hvp");
    const [, vhp] = F.vhp(pow_reducer, fx(F1("hvp_x")), torch.ones(2, 2)) as [Tensor, Tensor];
    expectClose(vhp, FN("vhp")[1].data, 1e-5, 1e-6, "vhp");
  });
});

describe("autograd mechanics: non-leaf gradients, hooks, higher derivatives, inference mode", () => {
  it("retain_grad keeps a non-leaf's gradient; without it the .grad of a non-leaf stays None", () => {
    const x = torch.tensor([1.0, 2.0, 3.0], { requires_grad: true });
    const y = x.mul(x);
    const z = y.mul(2);
    y.retain_grad();
    z.sum().backward();
    expect(x.is_leaf).toBe(true);
    expect(y.is_leaf).toBe(false);
    expect(y.retains_grad).toBe(true);
    expect(y.grad!.tolist()).toEqual([2, 2, 2]);
    expect(z.grad).toBeNull();
    expect(x.grad!.tolist()).toEqual([4, 8, 12]);
  });

  it("register_hook on leaves and intermediates rewrites gradients; handle.remove() undoes it", () => {
    const v = torch.tensor([0.0, 0.0, 0.0], { requires_grad: true });
    const h = v.register_hook((grad) => grad.mul(2)); // double the gradient
    v.backward(torch.tensor([1.0, 2.0, 3.0]));
    expect(v.grad!.tolist()).toEqual([2, 4, 6]);
    h.remove();

    const seen: number[][] = [];
    const a = torch.tensor([1.0, 2.0], { requires_grad: true });
    const b = a.pow(2);
    b.register_hook((g) => {
      seen.push(g.tolist() as number[]);
    });
    b.register_hook((g) => g.clamp({ max: 1 }));
    b.mul(torch.tensor([0.5, 3])).sum().backward();
    expect(seen).toEqual([[0.5, 3]]);
    expect(a.grad!.tolist()).toEqual([1, 4]); // 2a * min(g, 1)
  });

  it("create_graph gives differentiable gradients: d2/dx2 x^3 through grad and through backward", () => {
    const x = torch.tensor(2.0, { requires_grad: true });
    const y = x.pow(3);
    const [dydx] = torch.autograd.grad(y, x, { create_graph: true });
    expect(dydx!.item()).toBe(12);
    expect(dydx!.requires_grad).toBe(true);
    const [d2ydx2] = torch.autograd.grad(dydx!, x);
    expect(d2ydx2!.item()).toBe(12);

    const w = torch.tensor([1.0, -2.0], { requires_grad: true });
    w.pow(3).sum().backward({ create_graph: true });
    const g = w.grad!;
    w.grad = null;
    g.sum().backward();
    expect(w.grad!.tolist()).toEqual([6, -12]); // 6w
    const [plain] = torch.autograd.grad(x.mul(2), x); // no create_graph: a constant
    expect(() => plain!.mul(1).backward()).toThrow(/does not require grad/);
  });

  it("no_grad versus inference_mode: neither records a graph; set_grad_enabled restores the mode", () => {
    torch.manual_seed(0);
    const model = new nn.Sequential(new nn.Linear(4, 8), new nn.BatchNorm1d(8), new nn.Dropout(0.5), new nn.Linear(8, 2));
    const x = torch.randn(6, 4);
    model.eval();
    const a = torch.no_grad(() => model(x));
    const b = torch.inference_mode(() => {
      expect(torch.is_inference_mode_enabled()).toBe(true);
      expect(torch.is_grad_enabled()).toBe(false);
      return model(x);
    });
    expect(torch.is_inference_mode_enabled()).toBe(false);
    expect(a.requires_grad).toBe(false);
    expect(b.requires_grad).toBe(false);
    expect(a.equal(b)).toBe(true);
    const c = torch.set_grad_enabled(false, () => model(x));
    expect(c.requires_grad).toBe(false);
    expect(torch.is_grad_enabled()).toBe(true);
    expect(model(x).requires_grad).toBe(true);
  });
});
