/**
 * "Learning PyTorch with Examples": fit y = sin(x) on [-pi, pi] with a third-order polynomial, five
 * ways (manual gradients on tensors, autograd, a custom autograd.Function, nn + manual update,
 * nn + optim, a custom nn.Module), and the DynamicNet with Python control flow. Iteration counts
 * are cut from 2000 to a few hundred; each run must still cut the loss by a large factor.
 */
import { describe, expect, it } from "vitest";
import { nn, torch, type Tensor } from "../../../../lib/tensor/index";
import type { FunctionCtx } from "../../../../lib/tensor/autograd/custom_function";
import { tailMean, tutorialFixture } from "./helpers";

const dtype = torch.float;
const device = torch.device("cpu");

function data(): { x: Tensor; y: Tensor } {
  // x = torch.linspace(-math.pi, math.pi, 2000, device=device, dtype=dtype); y = torch.sin(x)
  const x = torch.linspace(-Math.PI, Math.PI, 2000, { device, dtype });
  return { x, y: torch.sin(x) };
}

describe("Learning PyTorch with Examples: a polynomial fit to sin(x)", () => {
  it("tensors with hand-written gradients", () => {
    torch.manual_seed(0);
    const { x, y } = data();
    let a = torch.randn([], { device, dtype });
    let b = torch.randn([], { device, dtype });
    let c = torch.randn([], { device, dtype });
    let d = torch.randn([], { device, dtype });
    expect(a.shape).toEqual([]);
    const learning_rate = 1e-6;
    const losses: number[] = [];
    for (let t = 0; t < 300; t++) {
      const y_pred = a.add(b.mul(x)).add(c.mul(x.pow(2))).add(d.mul(x.pow(3)));
      const loss = y_pred.sub(y).pow(2).sum().item();
      losses.push(loss);
      const grad_y_pred = y_pred.sub(y).mul(2.0);
      const grad_a = grad_y_pred.sum();
      const grad_b = grad_y_pred.mul(x).sum();
      const grad_c = grad_y_pred.mul(x.pow(2)).sum();
      const grad_d = grad_y_pred.mul(x.pow(3)).sum();
      a = a.sub(grad_a.mul(learning_rate));
      b = b.sub(grad_b.mul(learning_rate));
      c = c.sub(grad_c.mul(learning_rate));
      d = d.sub(grad_d.mul(learning_rate));
    }
    // The same run in PyTorch 1.13 (scripts/fixtures/tutorial_fixtures.py): seeded draws and float32 sums agree.
    const ref = tutorialFixture<{ losses: Record<string, number>; coefficients: number[] }>("polynomial.json");
    for (const step of [0, 99, 299]) expect(Math.abs(losses[step] / ref.losses[String(step)] - 1), `loss at ${step}`).toBeLessThan(1e-4);
    [a, b, c, d].forEach((p, i) => expect(Math.abs(p.item() - ref.coefficients[i]), `coefficient ${i}`).toBeLessThan(1e-5 + 1e-4 * Math.abs(ref.coefficients[i])));
    expect(losses[299]).toBeLessThan(losses[0] / 100);
  });

  it("autograd, and the same updates as the hand-written gradients", () => {
    torch.manual_seed(0);
    const { x, y } = data();
    const mk = () => torch.randn([], { device, dtype, requires_grad: true });
    const [a, b, c, d] = [mk(), mk(), mk(), mk()];
    const learning_rate = 1e-6;
    const losses: number[] = [];
    for (let t = 0; t < 300; t++) {
      const y_pred = a.add(b.mul(x)).add(c.mul(x.pow(2))).add(d.mul(x.pow(3)));
      const loss = y_pred.sub(y).pow(2).sum();
      losses.push(loss.item());
      loss.backward();
      torch.no_grad(() => {
        a.sub_(a.grad!.mul(learning_rate));
        b.sub_(b.grad!.mul(learning_rate));
        c.sub_(c.grad!.mul(learning_rate));
        d.sub_(d.grad!.mul(learning_rate));
        a.grad = null;
        b.grad = null;
        c.grad = null;
        d.grad = null;
      });
    }
    expect(losses[299]).toBeLessThan(losses[0] / 5);
    expect(`Result: y = ${a.item()} + ${b.item()} x + ${c.item()} x^2 + ${d.item()} x^3`).toMatch(/^Result: y = -?\d/);
  });

  it("a custom autograd.Function LegendrePolynomial3 (gradchecked) fits y = a + b P3(c + d x)", () => {
    class LegendrePolynomial3 extends torch.autograd.Function {
      static forward(ctx: FunctionCtx, input: Tensor): Tensor {
        ctx.save_for_backward(input);
        return input.pow(3).mul(5).sub(input.mul(3)).mul(0.5);
      }
      static backward(ctx: FunctionCtx, grad_output: Tensor): Tensor {
        const [input] = ctx.saved_tensors;
        return grad_output.mul(input.pow(2).mul(5).sub(1).mul(1.5));
      }
    }
    const inp = torch.randn(7, { dtype: torch.float64, requires_grad: true });
    expect(torch.autograd.gradcheck((t: Tensor) => LegendrePolynomial3.apply(t) as Tensor, [inp])).toBe(true);

    torch.manual_seed(0);
    const { x, y } = data();
    const a = torch.full([], 0.0, { device, dtype, requires_grad: true });
    const b = torch.full([], -1.0, { device, dtype, requires_grad: true });
    const c = torch.full([], 0.0, { device, dtype, requires_grad: true });
    const d = torch.full([], 0.3, { device, dtype, requires_grad: true });
    const learning_rate = 5e-6;
    const losses: number[] = [];
    for (let t = 0; t < 300; t++) {
      const P3 = (t: Tensor) => LegendrePolynomial3.apply(t) as Tensor;
      const y_pred = a.add(b.mul(P3(c.add(d.mul(x)))));
      const loss = y_pred.sub(y).pow(2).sum();
      losses.push(loss.item());
      loss.backward();
      torch.no_grad(() => {
        for (const p of [a, b, c, d]) {
          p.sub_(p.grad!.mul(learning_rate));
          p.grad = null;
        }
      });
    }
    expect(losses[299]).toBeLessThan(losses[0] / 3);
  });

  it("nn.Sequential with Flatten(0, 1), MSELoss(reduction='sum') and manual updates; then optim.RMSprop", () => {
    torch.manual_seed(0);
    const { x, y } = data();
    const p = torch.tensor([1, 2, 3]);
    const xx = x.unsqueeze(-1).pow(p);
    expect(xx.shape).toEqual([2000, 3]);
    const run = (useOptim: boolean): number[] => {
      const model = new nn.Sequential(new nn.Linear(3, 1), new nn.Flatten(0, 1));
      const loss_fn = new nn.MSELoss({ reduction: "sum" });
      const optimizer = useOptim ? new torch.optim.RMSprop(model.parameters(), { lr: 1e-3 }) : null;
      const learning_rate = 1e-6;
      const losses: number[] = [];
      for (let t = 0; t < 300; t++) {
        const y_pred = model(xx);
        const loss = loss_fn(y_pred, y);
        losses.push(loss.item());
        if (optimizer) {
          optimizer.zero_grad();
          loss.backward();
          optimizer.step();
        } else {
          model.zero_grad();
          loss.backward();
          torch.no_grad(() => {
            for (const param of model.parameters()) param.sub_(param.grad!.mul(learning_rate));
          });
        }
      }
      const linear_layer = model.get(0) as nn.Linear; // model[0]
      expect(linear_layer.bias!.shape).toEqual([1]);
      expect(linear_layer.weight.index(null, 0).shape).toEqual([1]);
      return losses;
    };
    const manual = run(false);
    expect(manual[299]).toBeLessThan(manual[0] / 3);
    const rms = run(true);
    expect(rms[299]).toBeLessThan(rms[0] / 3);
  });

  it("a custom nn.Module Polynomial3 with Parameters and string(), trained with SGD", () => {
    class Polynomial3 extends nn.Module {
      a = new nn.Parameter(torch.randn([]));
      b = new nn.Parameter(torch.randn([]));
      c = new nn.Parameter(torch.randn([]));
      d = new nn.Parameter(torch.randn([]));
      forward(x: Tensor): Tensor {
        return this.a.add(this.b.mul(x)).add(this.c.mul(x.pow(2))).add(this.d.mul(x.pow(3)));
      }
      string(): string {
        return `y = ${this.a.item()} + ${this.b.item()} x + ${this.c.item()} x^2 + ${this.d.item()} x^3`;
      }
    }
    torch.manual_seed(0);
    const { x, y } = data();
    const model = new Polynomial3();
    expect(model.parameters()).toHaveLength(4);
    const criterion = new nn.MSELoss({ reduction: "sum" });
    const optimizer = new torch.optim.SGD(model.parameters(), { lr: 1e-6 });
    const losses: number[] = [];
    for (let t = 0; t < 300; t++) {
      const loss = criterion(model(x), y);
      losses.push(loss.item());
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
    }
    expect(losses[299]).toBeLessThan(losses[0] / 5);
    expect(model.string()).toMatch(/^y = /);
  });

  it("DynamicNet: a random number of reused layers per forward pass (weight sharing), SGD with momentum", () => {
    let seed = 12345;
    const rng = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) / 2 ** 24;
    class DynamicNet extends nn.Module {
      a = new nn.Parameter(torch.randn([]));
      b = new nn.Parameter(torch.randn([]));
      c = new nn.Parameter(torch.randn([]));
      d = new nn.Parameter(torch.randn([]));
      e = new nn.Parameter(torch.randn([]));
      forward(x: Tensor): Tensor {
        let y = this.a.add(this.b.mul(x)).add(this.c.mul(x.pow(2))).add(this.d.mul(x.pow(3)));
        const extra = 4 + Math.floor(rng() * 3); // random.randint(4, 6), from a seeded stream
        for (let exp = 4; exp < extra; exp++) y = y.add(this.e.mul(x.pow(exp)));
        return y;
      }
    }
    torch.manual_seed(0);
    const { x, y } = data();
    const model = new DynamicNet();
    const criterion = new nn.MSELoss({ reduction: "sum" });
    const optimizer = new torch.optim.SGD(model.parameters(), { lr: 1e-8, momentum: 0.9 });
    const losses: number[] = [];
    for (let t = 0; t < 300; t++) {
      const loss = criterion(model(x), y);
      losses.push(loss.item());
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
    }
    expect(tailMean(losses, 20)).toBeLessThan(losses[0] / 3);
  });
});
