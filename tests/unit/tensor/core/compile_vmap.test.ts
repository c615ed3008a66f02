/**
 * torch.compile and torch.vmap at the torch.* level. compile returns the module or function itself
 * (every op runs eagerly here), as a decorator too, and checks its mode as PyTorch does; vmap is
 * torch.func.vmap, so per-example results equal a loop over the batch.
 */
import { describe, expect, it } from "vitest";
import { F, nn, optim, torch, type Tensor } from "../../../../lib/tensor/index";

describe("torch.compile", () => {
  it("returns the model itself, which then trains as before", () => {
    torch.manual_seed(0);
    const model = new nn.Linear(3, 1);
    const compiled = torch.compile(model, { mode: "reduce-overhead" });
    expect(compiled).toBe(model);
    const opt = new optim.SGD(compiled.parameters(), { lr: 0.1 });
    const x = torch.randn(16, 3), y = x.sum(1, true);
    const losses: number[] = [];
    for (let i = 0; i < 20; i++) {
      opt.zero_grad();
      const loss = F.mse_loss(compiled(x), y);
      loss.backward();
      opt.step();
      losses.push(loss.item());
    }
    expect(losses.at(-1)!).toBeLessThan(losses[0] / 2);
  });

  it("works as a decorator factory and on plain functions", () => {
    const f = (t: Tensor) => t.mul(2);
    expect(torch.compile(f)).toBe(f);
    expect(torch.compile({ fullgraph: true })(f)).toBe(f);
    expect(torch.compile()(f)).toBe(f);
  });

  it("refuses an unknown mode or a non-callable, as PyTorch does", () => {
    expect(() => torch.compile(new nn.Linear(1, 1), { mode: "fastest" })).toThrow("Unrecognized mode=fastest, should be one of: default, reduce-overhead, max-autotune, max-autotune-no-cudagraphs");
    expect(() => torch.compile({ mode: "max-autotune", options: { trace: true } })).toThrow(/Either mode or options/);
    expect(() => torch.compile(42 as never)).toThrow("torch.compile: expected a module or a function to compile");
  });
});

describe("torch.vmap", () => {
  it("is torch.func.vmap: per-row results equal a loop", () => {
    torch.manual_seed(1);
    const x = torch.randn(4, 3), w = torch.randn(3);
    const batched = torch.vmap((row: Tensor) => row.dot(w))(x);
    expect(batched.tolist()).toEqual(x.unbind(0).map((row) => row.dot(w).item()));
    expect(torch.vmap).toBe(torch.func.vmap);
  });
});
