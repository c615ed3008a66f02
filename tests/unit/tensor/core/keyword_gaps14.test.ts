/**
 * Call forms tutorials use that the engine refused (found by probing common calls with their arguments by keyword):
 * torch.multinomial(probs, num_samples=1, replacement=True, generator=g) ("cannot sample n_sample <= 0 samples (got
 * [object Object])"), DataLoader(dataset=train_set, batch_size=64) ("dataset must be a Dataset"), and F.batch_norm of a
 * 4-D (N, C, H, W) input ("expected 2D or 3D input (got 4D input)"). Values vs torch 1.13
 * (tests/fixtures/torch/keyword_gaps14.json, scripts/fixtures/keyword_gaps14_fixtures.py) and a float64 gradcheck.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { F, torch, type Tensor } from "../../../../lib/tensor/index";

type T = { shape: number[]; data: number[] };
const ref = JSON.parse(readFileSync(new URL("../../../fixtures/torch/keyword_gaps14.json", import.meta.url), "utf8")) as {
  multinomial: T;
  batch_norm: Record<"x" | "w" | "b" | "gy" | "y" | "running_mean" | "running_var" | "grad_x" | "grad_w" | "grad_b" | "y_eval", T>;
};
const f64 = (t: T) => torch.tensor(t.data, { dtype: torch.float64 }).reshape(t.shape);

function expectClose(got: Tensor, want: T, tol: number, label: string): void {
  expect(got.shape, label).toEqual(want.shape);
  (got.detach().reshape(-1).tolist() as number[]).forEach((v, i) => expect(Math.abs(v - want.data[i]), `${label}[${i}]: ${v} vs torch ${want.data[i]}`).toBeLessThanOrEqual(tol));
}

describe("keyword forms tutorials use", () => {
  it("torch.multinomial(probs, num_samples=5, replacement=True, generator=g): torch's draws", () => {
    const probs = torch.tensor([[0.1, 0.2, 0.3, 0.4], [0.7, 0.1, 0.1, 0.1]]);
    const g = new torch.Generator().manual_seed(2147483647);
    expectClose(torch.multinomial(probs, { num_samples: 5, replacement: true, generator: g }), ref.multinomial, 0, "samples");
    const g2 = new torch.Generator().manual_seed(2147483647);
    expectClose(probs.multinomial({ num_samples: 5, replacement: true, generator: g2 }), ref.multinomial, 0, "method form");
    expect(() => torch.multinomial(probs, { replacement: true } as never)).toThrow("multinomial() missing 1 required positional argument: 'num_samples'");
  });

  it("DataLoader(dataset=..., batch_size=2) is DataLoader(dataset, batch_size=2)", () => {
    const ds = new torch.utils.data.TensorDataset(torch.arange(5), torch.arange(5).mul(10));
    const batches = [...new torch.utils.data.DataLoader({ dataset: ds, batch_size: 2 })].map(([x, y]) => [x.tolist(), y.tolist()]);
    expect(batches).toEqual([[[0, 1], [0, 10]], [[2, 3], [20, 30]], [[4], [40]]]);
    expect(() => new torch.utils.data.DataLoader({ batch_size: 2 } as never)).toThrow("DataLoader.__init__() missing 1 required positional argument: 'dataset'");
  });

  it("F.batch_norm of an (N, C, H, W) input, training: output, running statistics and gradients as torch's", () => {
    const r = ref.batch_norm;
    const x = f64(r.x).requires_grad_();
    const w = f64(r.w).requires_grad_();
    const b = f64(r.b).requires_grad_();
    const rm = torch.zeros(3, { dtype: torch.float64 });
    const rv = torch.ones(3, { dtype: torch.float64 });
    const y = F.batch_norm(x, rm, rv, { weight: w, bias: b, training: true, momentum: 0.2 });
    expectClose(y, r.y, 1e-12, "y");
    expectClose(rm, r.running_mean, 1e-12, "running_mean");
    expectClose(rv, r.running_var, 1e-12, "running_var");
    y.backward(f64(r.gy));
    expectClose(x.grad!, r.grad_x, 1e-12, "grad_x");
    expectClose(w.grad!, r.grad_w, 1e-12, "grad_w");
    expectClose(b.grad!, r.grad_b, 1e-12, "grad_b");
    expectClose(F.batch_norm(x.detach(), rm, rv, w.detach(), b.detach(), { training: false }), r.y_eval, 1e-12, "eval");
  });

  it("F.batch_norm of a 4-D input: gradcheck in float64", () => {
    const x = torch.randn(2, 2, 3, 2, { dtype: torch.float64, generator: new torch.Generator(4) }).requires_grad_();
    const w = torch.randn(2, { dtype: torch.float64, generator: new torch.Generator(5) }).requires_grad_();
    const b = torch.randn(2, { dtype: torch.float64, generator: new torch.Generator(6) }).requires_grad_();
    const ok = torch.autograd.gradcheck((x: Tensor, w: Tensor, b: Tensor) => F.batch_norm(x, null, null, { weight: w, bias: b, training: true }), [x, w, b], { eps: 1e-6, atol: 1e-7 });
    expect(ok).toBe(true);
  });
});
