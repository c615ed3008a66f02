/**
 * A LeNet-style CNN end to end: forward and backward on a random MNIST-shaped batch, and a few
 * Adam steps learning a synthetic image task (a horizontal vs a vertical bar on a noisy 28x28
 * canvas) to > 95 % accuracy on held-out images.
 */
import { describe, expect, it } from "vitest";
import { F, nn, optim, torch, type Generator, type Tensor } from "../../../../lib/tensor/index";

function lenet(): nn.Sequential {
  return new nn.Sequential(
    new nn.Conv2d(1, 8, 5), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(8, 16, 5), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Flatten(), new nn.Linear(256, 10),
  );
}

/** n images [n, 1, 28, 28]: label 0 = a horizontal bar, 1 = a vertical bar, 3-5 px thick, anywhere, on noise. */
function bars(n: number, gen: Generator): { x: Tensor; y: Tensor } {
  const x = torch.randn([n, 1, 28, 28], { generator: gen }).mul(0.3);
  const d = x._data;
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const label = gen.random() % 2;
    const thick = 3 + (gen.random() % 3);
    const at = 2 + (gen.random() % (24 - thick));
    const from = gen.random() % 10;
    const to = 18 + (gen.random() % 10);
    for (let a = at; a < at + thick; a++) {
      for (let b = from; b < to; b++) {
        const [r, c] = label === 0 ? [a, b] : [b, a];
        d[i * 784 + r * 28 + c] += 1;
      }
    }
    labels.push(label);
  }
  return { x, y: torch.tensor(labels, { dtype: torch.long }) };
}

describe("LeNet-style CNN", () => {
  it("forward and backward on a random batch of 64: shapes, grad_fn and every parameter's gradient", () => {
    torch.manual_seed(0);
    const net = lenet();
    const x = torch.randn(64, 1, 28, 28);
    const logits = net(x);
    expect(logits.shape).toEqual([64, 10]);
    const loss = F.cross_entropy(logits, torch.randint(0, 10, [64]));
    expect(loss.grad_fn!.name()).toBe("NllLossBackward0");
    loss.backward();
    for (const [name, p] of net.named_parameters()) {
      expect(p.grad, name).not.toBeNull();
      expect(p.grad!.shape, name).toEqual(p.shape);
      expect(p.grad!.abs().sum().item(), name).toBeGreaterThan(0);
    }
  });

  it("learns horizontal vs vertical bars to > 95 % accuracy in a few Adam steps", () => {
    torch.manual_seed(0);
    const gen = new torch.Generator(7);
    const test = bars(200, gen);
    const net = lenet();
    const opt = new optim.Adam(net.parameters(), { lr: 3e-3 });
    const losses: number[] = [];
    const t0 = performance.now();
    for (let step = 0; step < 60; step++) {
      const { x, y } = bars(32, gen);
      opt.zero_grad();
      const loss = F.cross_entropy(net(x), y);
      loss.backward();
      opt.step();
      losses.push(loss.item());
    }
    const seconds = (performance.now() - t0) / 1000;
    net.eval();
    const acc = torch.no_grad(() => net(test.x).argmax(1).eq(test.y).float().mean().item());
    expect(losses.slice(-5).reduce((a, b) => a + b) / 5).toBeLessThan(losses[0] / 4);
    expect(acc).toBeGreaterThan(0.95);
    // Generous bound: a shared, loaded test machine; the point is seconds, not minutes.
    expect(seconds).toBeLessThan(30);
  });
});
