/** nn.functional and nn beyond the core: layers: bilinear, max_unpool1d/2d, embedding_bag, Unflatten (F and nn) vs PyTorch 1.13, gradchecks, reprs, errors. */
import { describe, expect, it } from "vitest";
import { gradcheck } from "../../../../lib/grading/gradcheck";
import { F, nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { checkCase, caseName, type A3Case } from "./functional_helpers";
import { expectClose, fixture, tensorOf, type FT } from "./helpers";

const fx = fixture<{
  cases: A3Case[];
  psw: { input: number[]; offsets: number[]; weight: FT; psw: FT; out: FT };
  reprs: Record<string, string>;
}>("nn/functional_layers.json");
const long = (v: number[]) => torch.tensor(v, { dtype: torch.long });

describe("layers vs PyTorch 1.13 (float64 values and gradients)", () => {
  it.each(fx.cases.map((c) => [caseName(c), c] as const))("%s", (_, c) => checkCase(c));

  it("embedding_bag with per_sample_weights (sum), gradients to both", () => {
    const p = fx.psw;
    const w = tensorOf(p.weight, torch.float64, true);
    const s = tensorOf(p.psw, torch.float64, true);
    const y = F.embedding_bag(long(p.input), w, long(p.offsets), { mode: "sum", per_sample_weights: s });
    expectClose(y, p.out, { rtol: 1e-12, atol: 1e-14 });
    expect(gradcheck((ww, ss) => F.embedding_bag(long(p.input), ww, long(p.offsets), { mode: "sum", per_sample_weights: ss }), [w, s])).toBe(true);
  });
});

describe("layers: finite-difference gradchecks", () => {
  const cases: [string, () => Tensor[], (...t: Tensor[]) => Tensor][] = [
    ["bilinear", () => [torch.randn(3, 2, { dtype: torch.float64 }), torch.randn(3, 4, { dtype: torch.float64 }), torch.randn(5, 2, 4, { dtype: torch.float64 }), torch.randn(5, { dtype: torch.float64 })], (a, b, w, bias) => F.bilinear(a, b, w, bias)],
    ["max_unpool2d", () => [torch.randn(1, 2, 2, 2, { dtype: torch.float64 })], (x) => {
      // Indices of a 2x2 max pool over a 4x4 plane: one position in each window.
      const idx = long([0, 3, 13, 10, 5, 2, 8, 15]).reshape(1, 2, 2, 2);
      return F.max_unpool2d(x, idx, 2);
    }],
    ["embedding_bag mean", () => [torch.randn(6, 3, { dtype: torch.float64 })], (w) => F.embedding_bag(long([1, 2, 5, 0, 0, 3]), w, long([0, 2, 2]))],
    ["embedding_bag max", () => [torch.randn(6, 3, { dtype: torch.float64 })], (w) => F.embedding_bag(long([1, 2, 5, 0, 4, 3]), w, long([0, 2, 3]), { mode: "max" })],
  ];
  it.each(cases)("%s", (_, inputs, fn) => {
    torch.manual_seed(41);
    expect(gradcheck(fn, inputs())).toBe(true);
  });
});

describe("layer modules", () => {
  const make: Record<string, () => nn.Module> = {
    Unflatten: () => new nn.Unflatten(1, [2, 5]), Bilinear: () => new nn.Bilinear(2, 3, 4), "Bilinear nobias": () => new nn.Bilinear(2, 3, 4, { bias: false }),
    MaxUnpool2d: () => new nn.MaxUnpool2d(2), "MaxUnpool2d 3": () => new nn.MaxUnpool2d(3, 2, 1), MaxUnpool1d: () => new nn.MaxUnpool1d({ kernel_size: 2 }),
    EmbeddingBag: () => new nn.EmbeddingBag(10, 3), "EmbeddingBag sum": () => new nn.EmbeddingBag(10, 3, { mode: "sum", padding_idx: 0 }),
  };
  it.each(Object.entries(fx.reprs))("%s prints as PyTorch: %s", (key, repr) => expect(String(make[key]())).toBe(repr));

  it("modules compute their functional forms", () => {
    const x = torch.randn(2, 10, { dtype: torch.float64 });
    expect((new nn.Unflatten(1, [2, 5])(x) as Tensor).shape).toEqual([2, 2, 5]);
    const bl = new nn.Bilinear(3, 4, 2, { dtype: torch.float64 });
    const a = torch.randn(5, 3, { dtype: torch.float64 });
    const b = torch.randn(5, 4, { dtype: torch.float64 });
    expectClose(bl(a, b) as Tensor, F.bilinear(a, b, bl.weight, bl.bias), { rtol: 0, atol: 0 });
    expect(bl.weight.abs().max().item()).toBeLessThanOrEqual(1 / Math.sqrt(3));
    const eb = new nn.EmbeddingBag(6, 2, { mode: "sum", padding_idx: 1 });
    expect(eb.weight.select(0, 1).tolist()).toEqual([0, 0]);
    const ids = long([1, 2, 3, 4]);
    expectClose(eb(ids, long([0, 2])) as Tensor, F.embedding_bag(ids, eb.weight, long([0, 2]), { mode: "sum", padding_idx: 1 }), { rtol: 0, atol: 0 });
    const img = torch.randn(1, 1, 4, 4);
    const [v, i] = F.max_pool2d(img, 2, { return_indices: true }) as unknown as [Tensor, Tensor];
    const up = new nn.MaxUnpool2d(2)(v, i) as Tensor;
    expect(up.shape).toEqual([1, 1, 4, 4]);
    expect(up.sum().item()).toBeCloseTo(v.sum().item(), 5);
  });

  it("bad input raises PyTorch's errors", () => {
    const w = torch.randn(5, 2);
    expect(() => F.embedding_bag(long([1, 2]), w)).toThrow(/offsets has to be a 1D Tensor but got None/);
    expect(() => F.embedding_bag(long([1, 2]), w, long([0]), { mode: "mean", per_sample_weights: torch.ones(2) })).toThrow(/per_sample_weights is only supported for mode='sum'/);
    expect(() => F.embedding_bag(long([1, 7]), w, long([0]))).toThrow(/out of bounds/);
    expect(() => F.bilinear(torch.zeros(2, 3), torch.zeros(2, 4), torch.zeros(1, 3, 5))).toThrow(/input2 size does not match weight size: got 4 but expected 5/);
    expect(() => F.max_unpool2d(torch.zeros(1, 1, 2, 2), long([0, 1, 2, 3]).reshape(1, 1, 2, 2), 2, { output_size: [9, 9] })).toThrow(/invalid output_size/);
  });
});
