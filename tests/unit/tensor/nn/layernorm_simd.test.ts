/**
 * layer_norm over float32 rows of a multiple of 4 (the SIMD kernel on the WebAssembly backend;
 * this file also runs on the TS backend) against float64: output and input, weight and bias
 * gradients, with and without the affine parameters, over several rows and a multi-dim
 * normalized_shape; a row length that is not a multiple of 4 keeps the JS loops and agrees too.
 */
import { describe, expect, it } from "vitest";
import { F, torch, type Tensor } from "../../../../lib/tensor/index";

function worstRel(a: Tensor, b: Tensor): number {
  return a.to(torch.float64).sub(b).abs().div(b.abs().add(1)).max().item() as number;
}

function check(shape: number[], normalized: number[], affine: boolean): void {
  torch.manual_seed(shape.length * 7 + normalized.length);
  const x = torch.randn(...shape).mul(3).add(1.5);
  const w = affine ? torch.randn(...normalized) : null;
  const b = affine ? torch.randn(...normalized) : null;
  const gOut = torch.randn(...shape);
  const run = (dtype: typeof torch.float32) => {
    const xs = x.to(dtype).requires_grad_(true);
    const ws = w ? w.to(dtype).requires_grad_(true) : null;
    const bs = b ? b.to(dtype).requires_grad_(true) : null;
    const y = F.layer_norm(xs, normalized, ws, bs, 1e-5);
    const grads = torch.autograd.grad([y], [xs, ...(ws ? [ws] : []), ...(bs ? [bs] : [])], [gOut.to(dtype)]);
    return [y, ...grads.map((t) => {
      if (!t) throw new Error("no gradient");
      return t;
    })];
  };
  const got = run(torch.float32);
  const ref = run(torch.float64);
  got.forEach((t, i) => expect(worstRel(t, ref[i]), `output ${i}`).toBeLessThan(2e-5));
}

describe("layer_norm over float32 (SIMD rows)", () => {
  it("rows of 64 with weight and bias, as a transformer's", () => check([16, 9, 64], [64], true));
  it("no affine parameters, rows of 8", () => check([5, 8], [8], false));
  it("normalized over two dims (3 x 4 = 12 per row)", () => check([6, 3, 4], [3, 4], true));
  it("a row length that is not a multiple of 4 (JS loops)", () => check([7, 10], [10], true));
});
