/**
 * cross_entropy's row passes as WebAssembly (kernels/wasm/cross_entropy_simd.ts, used on the
 * WebAssembly backend) give the JS loops' bits: loss and logit gradient with the kernel on and off,
 * over row counts whose M C is and is not a multiple of 4 (the exp kernel's tail), ignored rows,
 * class weights, every reduction, label smoothing (the forward only) and extreme logits.
 */
import { afterEach, describe, expect, it } from "vitest";
import { F, torch, type Tensor } from "../../../../lib/tensor/index";
import { kernels } from "../../../../lib/tensor/kernels/registry";
import { crossEntropyRows_, type CrossEntropyOptions } from "../../../../lib/tensor/nn/functional/loss";

type Opts = CrossEntropyOptions;

function lossAndGrad(logits: Tensor, target: Tensor, opts: Opts, on: boolean): Float32Array[] {
  crossEntropyRows_.enabled = on;
  const x = logits.detach().requires_grad_(true);
  const loss = F.cross_entropy(x, target, opts);
  const [g] = torch.autograd.grad([loss], [x], [torch.ones(loss.shape.slice()).mul(0.75)]);
  return [loss.detach().contiguous()._data as Float32Array, g!._data as Float32Array];
}

describe.skipIf(kernels.gemm === null)("cross_entropy's WebAssembly row passes", () => {
  afterEach(() => {
    crossEntropyRows_.enabled = true;
  });

  const shapes: [number, number][] = [[1024, 65], [257, 65], [7, 13], [40, 8]];
  const options: [string, Opts][] = [
    ["mean", {}],
    ["sum", { reduction: "sum" }],
    ["none, ignore_index", { reduction: "none", ignore_index: 3 }],
    ["class weights", { weight: torch.linspace(0.5, 2, 65) }],
    ["label smoothing", { label_smoothing: 0.1 }],
  ];
  for (const [M, C] of shapes) {
    for (const [name, opts] of options) {
      const o = opts && "weight" in opts && opts.weight ? { ...opts, weight: opts.weight.narrow(0, 0, C) } : opts;
      it(`give the JS loops' bits: ${M} x ${C}, ${name}`, () => {
        torch.manual_seed(M + C);
        const logits = torch.randn(M, C).mul(6);
        const target = torch.randint(0, Math.min(C, 5), [M]); // class 3 (ignore_index) often
        const before = { ...crossEntropyRows_ };
        const on = lossAndGrad(logits, target, o, true);
        expect(crossEntropyRows_.forwards).toBe(before.forwards + 1);
        expect(crossEntropyRows_.backwards).toBe(before.backwards + (name === "label smoothing" ? 0 : 1));
        const off = lossAndGrad(logits, target, o, false);
        expect(crossEntropyRows_.forwards).toBe(before.forwards + 1);
        for (let k = 0; k < 2; k++) {
          expect(on[k].some(Number.isNaN)).toBe(false);
          expect(Array.from(on[k])).toEqual(Array.from(off[k]));
        }
      });
    }
  }

  it("keep the JS loops' NaN, infinities and signed zeros", () => {
    const rows = [
      [0, -0, 0, -0, 0, -0, 0, -0, 0],
      [1e30, -1e30, 3, 88, 89, -104, -200, 1e-40, 5],
      [-Infinity, 1, 2, -Infinity, 3, 4, 5, 6, 7],
      [NaN, 1, 2, 3, 4, 5, 6, 7, 8],
      [-Infinity, -Infinity, -Infinity, -Infinity, -Infinity, -Infinity, -Infinity, -Infinity, -Infinity],
      [Infinity, 1, 2, 3, 4, 5, 6, 7, 8],
      [-3, -2, -1, 0, 1, 2, 3, 4, 5],
      [100, 100, 100, 100, 100, 100, 100, 100, 100],
    ];
    const logits = torch.tensor(rows, { dtype: torch.float32 });
    const target = torch.tensor([0, 3, 1, 2, 0, 4, 8, 5], { dtype: torch.int64 });
    const same = (a: Float32Array, b: Float32Array) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
    const on = lossAndGrad(logits, target, { reduction: "none" }, true);
    const off = lossAndGrad(logits, target, { reduction: "none" }, false);
    expect(on[0].some(Number.isNaN)).toBe(true); // the NaN and all -inf rows
    expect(same(on[0], off[0])).toBe(true);
    expect(same(on[1], off[1])).toBe(true);
  });
});
