/**
 * Gradient accumulation after optimizer.zero_grad(): the engine writes the new gradient into the
 * zeroed .grad without reading it (engine.ts knownZero). It must give exactly PyTorch's 0 + g,
 * keep the .grad object (and views of it) and fall back to adding whenever .grad changed since.
 */
import { describe, expect, it } from "vitest";
import { nn, optim, torch, type Tensor } from "../../../../lib/tensor/index";

describe("accumulating into a zeroed .grad", () => {
  it("keeps the same .grad tensor, views of it see the new values, and -0 becomes +0 as in 0 + g", () => {
    const w = torch.zeros(5000, { requires_grad: true });
    const opt = new optim.SGD([w], { lr: 0.1 });
    w.mul(-1).sum().backward();
    const g = w.grad!;
    const view = g.view(50, 100);
    opt.zero_grad();
    // d/dw of (w * 0).sum() is 0 * 1 = 0 and of (w * -0) is -0: PyTorch's 0 + (-0) is +0.
    w.mul(-0).sum().backward();
    expect(w.grad).toBe(g);
    expect(Object.is(w.grad!._data[0], 0)).toBe(true);
    opt.zero_grad();
    w.mul(3).sum().backward();
    expect(view.index(49, 99).item()).toBe(3);
    expect(g.sum().item()).toBe(15000);
  });

  it("adds when .grad changed after zero_grad (in place on it or on a view)", () => {
    const w = torch.zeros(3000, { requires_grad: true });
    const opt = new optim.SGD([w], { lr: 0.1 });
    w.sum().backward();
    opt.zero_grad();
    w.grad!.view(30, 100).index(0).fill_(5);
    w.mul(2).sum().backward();
    expect(w.grad!.index(0).item()).toBe(7);
    expect(w.grad!.index(2999).item()).toBe(2);
    opt.zero_grad();
    w.grad!.add_(1);
    w.mul(2).sum().backward();
    expect(w.grad!.index(5).item()).toBe(3);
  });

  it("two backward passes after one zero_grad sum, as PyTorch does", () => {
    const w = torch.ones(2048, { requires_grad: true });
    const opt = new optim.SGD([w], { lr: 0.1 });
    w.sum().backward();
    opt.zero_grad();
    w.mul(2).sum().backward();
    w.mul(3).sum().backward();
    expect(w.grad!.index(100).item()).toBe(5);
  });

  it("an MLP trained with zero_grad matches one trained with zero_grad(set_to_none) step for step", () => {
    const make = () => {
      torch.manual_seed(3);
      return new nn.Sequential(new nn.Linear(64, 32), new nn.ReLU(), new nn.Linear(32, 4));
    };
    const [a, b] = [make(), make()];
    const [oa, ob] = [new optim.Adam(a.parameters(), { lr: 0.01 }), new optim.Adam(b.parameters(), { lr: 0.01 })];
    torch.manual_seed(4);
    const x = torch.randn(16, 64);
    const y = torch.randint(0, 4, [16]);
    for (let step = 0; step < 5; step++) {
      oa.zero_grad();
      nn.functional.cross_entropy(a(x), y).backward();
      oa.step();
      ob.zero_grad(true);
      nn.functional.cross_entropy(b(x), y).backward();
      ob.step();
    }
    const pa = [...a.parameters()], pb = [...b.parameters()];
    pa.forEach((p, i) => expect(p.equal(pb[i])).toBe(true));
  });
});

describe("Module.zero_grad", () => {
  it("marks .grad as zeros too: the next backward writes it (and -0 becomes 0), views see it", () => {
    const lin = new nn.Linear(100, 50, { bias: false });
    const w: Tensor = lin.weight;
    lin(torch.ones(1, 100)).sum().backward();
    const g = w.grad!;
    lin.zero_grad();
    w.mul(-0).sum().backward();
    expect(w.grad).toBe(g);
    expect(Object.is(g._data[7], 0)).toBe(true);
    lin.zero_grad();
    g.view(-1).index(0).fill_(4);
    w.sum().backward();
    expect(g.view(-1).index(0).item()).toBe(5);
    expect(g.view(-1).index(1).item()).toBe(1);
  });
});
