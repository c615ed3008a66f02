/**
 * Exact GELU over float32 (ops/gelu.ts: SIMD on the WebAssembly backend, JS loops on the TS one;
 * this file runs on both) against float64: values and gradients over a wide range, the far
 * tails, zeros, infinities and NaN, lengths that are not multiples of 4 (the scalar tail), and a
 * tensor larger than one staged chunk.
 */
import { describe, expect, it } from "vitest";
import { F, torch, type Tensor } from "../../../../lib/tensor/index";

function check(x: Tensor): void {
  const x32 = x.clone().requires_grad_(true);
  const x64 = x.to(torch.float64).requires_grad_(true);
  const g = torch.linspace(-2, 3, x.numel()).reshape(x.shape.slice());
  const y32 = F.gelu(x32);
  const y64 = F.gelu(x64);
  const [g32] = torch.autograd.grad([y32], [x32], [g]);
  const [g64] = torch.autograd.grad([y64], [x64], [g.to(torch.float64)]);
  expect(y32.grad_fn?.name()).toBe("GeluBackward0");
  const close = (a: Tensor, b: Tensor) => {
    const ad = a._data, bd = b._data;
    let nanMismatch = 0, worst = 0;
    for (let i = 0; i < ad.length; i++) {
      if (Number.isNaN(bd[i]) || Number.isNaN(ad[i])) { if (Number.isNaN(bd[i]) !== Number.isNaN(ad[i])) nanMismatch++; continue; }
      if (ad[i] === bd[i]) continue;
      // float32 rounding of x Phi(x) and of the derivative: 1e-5 relative, 1e-5 absolute in the tails.
      worst = Math.max(worst, Math.abs(ad[i] - bd[i]) / (1 + Math.abs(bd[i])));
    }
    expect(nanMismatch).toBe(0);
    expect(worst).toBeLessThan(1e-5);
  };
  if (!g32 || !g64) throw new Error("no gradient");
  close(y32, y64);
  close(g32, g64);
}

describe("GELU (erf) over float32", () => {
  it("matches float64 on a wide range, the tails and special values (odd length: the scalar tail too)", () => {
    torch.manual_seed(2);
    const special = torch.tensor([0, -0, 1e-30, -1e-30, 0.5, -0.5, 3.5, -3.5, 8, -8, 20, -20, 100, -100, Infinity, -Infinity, NaN]);
    check(torch.cat([torch.randn(1001).mul(4), special]));
  });

  it("a tensor larger than one staged chunk, non-contiguous input", () => {
    torch.manual_seed(3);
    check(torch.randn(300, 700).mul(2).t());
  });
});
