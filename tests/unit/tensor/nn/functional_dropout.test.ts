/** nn.functional and nn beyond the core: dropout variants: channel masks, seeding, alpha-dropout values vs PyTorch 1.13, gradients, reprs. */
import { describe, expect, it } from "vitest";
import { gradcheck } from "../../../../lib/grading/gradcheck";
import { F, nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { fixture } from "./helpers";

const fx = fixture<{ alpha: Record<string, number[]>; reprs: Record<string, string> }>("nn/functional_dropout.json");

/** Per (n, c): the set of ratios out / in over the channel's elements (inputs are nonzero). */
function channelRatios(x: Tensor, y: Tensor): number[][] {
  const r = y.div(x).reshape(x.shape[0], x.shape[1], -1);
  return (r.tolist() as number[][][]).flat().map((ch) => [...new Set(ch.map((v) => Math.round(v * 1e9) / 1e9))]);
}

describe("dropout1d / dropout2d / dropout3d", () => {
  const cases: [string, (x: Tensor, p: number) => Tensor, number[]][] = [
    ["dropout1d", (x, p) => F.dropout1d(x, p), [8, 40, 5]],
    ["dropout2d", (x, p) => F.dropout2d(x, p, true), [8, 40, 3, 2]],
    ["dropout3d", (x, p) => F.dropout3d(x, { p }), [8, 40, 2, 2, 2]],
  ];
  it.each(cases)("%s zeroes whole channels and scales the rest by 1/(1-p)", (_, fn, shape) => {
    torch.manual_seed(2);
    const x = torch.rand(shape, { dtype: torch.float64 }).add(0.5);
    const y = fn(x, 0.3);
    const ratios = channelRatios(x, y);
    for (const r of ratios) expect(r.length).toBe(1);
    const values = ratios.map((r) => r[0]);
    expect(new Set(values)).toEqual(new Set([0, Math.round(1e9 / 0.7) / 1e9]));
    const dropped = values.filter((v) => v === 0).length / values.length;
    expect(dropped).toBeGreaterThan(0.2);
    expect(dropped).toBeLessThan(0.4);
    // Seeded: the same seed, the same channels.
    torch.manual_seed(2);
    const x2 = torch.rand(shape, { dtype: torch.float64 }).add(0.5);
    expect(fn(x2, 0.3).tolist()).toEqual(y.tolist());
  });

  it("unbatched input: (C, L) for dropout1d and (C, D, H, W) for dropout3d", () => {
    torch.manual_seed(4);
    const x = torch.rand(30, 6).add(1);
    const y = F.dropout1d(x, 0.5);
    expect(y.shape).toEqual([30, 6]);
    for (const row of channelRatios(x.unsqueeze(0), y.unsqueeze(0))) expect(row.length).toBe(1);
    const z = F.dropout3d(torch.ones(10, 2, 2, 2), 0.5);
    expect(z.shape).toEqual([10, 2, 2, 2]);
    for (const ch of z.reshape(10, 8).tolist() as number[][]) expect(new Set(ch).size).toBe(1);
  });

  it("eval, p = 0 and p = 1", () => {
    const x = torch.rand(2, 3, 4);
    expect(F.dropout1d(x, 0.5, false)).toBe(x);
    expect(F.dropout2d(torch.rand(1, 2, 2, 2), 0).shape).toEqual([1, 2, 2, 2]);
    expect(F.dropout1d(x, 1).abs().sum().item()).toBe(0);
    const m = new nn.Dropout2d(0.5);
    m.eval();
    const x4 = torch.rand(2, 3, 2, 2);
    expect((m(x4) as Tensor).tolist()).toEqual(x4.tolist());
  });

  it("gradients flow through the kept channels only (finite differences)", () => {
    expect(gradcheck((x) => { torch.manual_seed(9); return F.dropout2d(x, 0.4); }, [torch.randn(3, 4, 2, 2, { dtype: torch.float64 })])).toBe(true);
    expect(gradcheck((x) => { torch.manual_seed(9); return F.feature_alpha_dropout(x, 0.4, true); }, [torch.randn(3, 4, 2, { dtype: torch.float64 })])).toBe(true);
    expect(gradcheck((x) => { torch.manual_seed(9); return F.alpha_dropout(x, 0.4, true); }, [torch.randn(3, 4, { dtype: torch.float64 })])).toBe(true);
  });

  it("bad input raises PyTorch's errors", () => {
    expect(() => F.dropout1d(torch.zeros(2, 3, 4, 5))).toThrow(/dropout1d: Expected 2D or 3D input, but received a 4D input/);
    expect(() => F.dropout2d(torch.zeros(2, 3, 4, 5), 1.5)).toThrow(/dropout probability has to be between 0 and 1, but got 1.5/);
    expect(() => new nn.Dropout3d(-0.1)).toThrow(/dropout probability has to be between 0 and 1/);
    expect(() => F.feature_alpha_dropout(torch.zeros(3), 0.5, true)).toThrow(/Feature dropout requires at least 2 dimensions in the input/);
  });
});

describe("alpha_dropout / feature_alpha_dropout", () => {
  it.each(Object.entries(fx.alpha))("%s: kept and dropped units take PyTorch's values", (key, expected) => {
    const [fn, p, v] = key.split(" ");
    torch.manual_seed(1);
    const x = torch.full([4, 500, 1], Number(v), { dtype: torch.float64 });
    const y = (F as unknown as Record<string, (...a: unknown[]) => Tensor>)[fn](x, Number(p), true);
    const got = [...new Set(y.reshape(-1).tolist() as number[])].sort((a, b) => a - b);
    expect(got.length).toBe(2);
    got.forEach((g, i) => expect(g).toBeCloseTo(expected[i], 14));
  });

  it("training defaults to False (as in PyTorch); SELU statistics are kept", () => {
    const x = torch.randn(200000, { dtype: torch.float64 });
    expect(F.alpha_dropout(x, 0.5)).toBe(x);
    torch.manual_seed(3);
    const y = F.alpha_dropout(x, 0.3, true);
    expect(Math.abs(y.mean().item())).toBeLessThan(0.02);
    expect(Math.abs(y.var().item() - 1)).toBeLessThan(0.03);
  });

  it("feature_alpha_dropout drops whole channels", () => {
    torch.manual_seed(6);
    const y = F.feature_alpha_dropout(torch.zeros(4, 50, 3), 0.5, true);
    for (const ch of y.reshape(200, 3).tolist() as number[][]) expect(new Set(ch).size).toBe(1);
  });
});

describe("dropout modules", () => {
  const make: Record<string, () => nn.Module> = {
    Dropout1d: () => new nn.Dropout1d(), Dropout2d: () => new nn.Dropout2d(0.2), Dropout3d: () => new nn.Dropout3d(0.3, true),
    AlphaDropout: () => new nn.AlphaDropout(), FeatureAlphaDropout: () => new nn.FeatureAlphaDropout({ p: 0.1 }),
  };
  it.each(Object.entries(fx.reprs))("%s prints as PyTorch: %s", (key, repr) => expect(String(make[key]())).toBe(repr));

  it("AlphaDropout is active in train() and the identity in eval()", () => {
    const m = new nn.AlphaDropout(0.5);
    const x = torch.ones(1000);
    expect(new Set((m(x) as Tensor).tolist() as number[]).size).toBe(2);
    m.eval();
    expect(m(x)).toBe(x);
  });
});

describe("inplace=True", () => {
  // Each variant with the same seed in place and not: the input itself comes back holding the
  // out-of-place result, and the gradient reaches what made the input through the same mask.
  const variants: [string, (x: Tensor, inplace: boolean) => Tensor, number[]][] = [
    ["dropout1d", (x, inplace) => F.dropout1d(x, 0.4, true, inplace), [4, 6, 5]],
    ["dropout2d", (x, inplace) => F.dropout2d(x, { p: 0.4, inplace }), [4, 6, 3, 2]],
    ["dropout3d", (x, inplace) => F.dropout3d(x, 0.4, true, inplace), [4, 6, 2, 2, 2]],
    ["alpha_dropout", (x, inplace) => F.alpha_dropout(x, 0.4, true, inplace), [4, 6]],
    ["feature_alpha_dropout", (x, inplace) => F.feature_alpha_dropout(x, { p: 0.4, training: true, inplace }), [4, 6, 3]],
    ["rrelu (training)", (x, inplace) => F.rrelu(x, 0.1, 0.3, true, inplace), [4, 6]],
    ["rrelu (eval)", (x, inplace) => F.rrelu(x, { inplace }), [4, 6]],
    ["nn.Dropout2d", (x, inplace) => new nn.Dropout2d(0.4, inplace)(x), [4, 6, 3, 2]],
    ["nn.AlphaDropout", (x, inplace) => new nn.AlphaDropout(0.4, inplace)(x), [4, 6]],
    ["nn.RReLU", (x, inplace) => new nn.RReLU(0.1, 0.3, inplace)(x), [4, 6]],
  ];
  it.each(variants)("%s writes into its input and returns it, with the out-of-place values and gradient", (_, fn, shape) => {
    const run = (inplace: boolean) => {
      torch.manual_seed(7);
      const leaf = torch.randn(shape, { dtype: torch.float64, requires_grad: true });
      const x = leaf.mul(1.5); // not a leaf: in place is allowed
      const y = fn(x, inplace);
      y.mul(torch.arange(y.numel(), { dtype: torch.float64 }).reshape(shape)).sum().backward();
      return { x, y, grad: leaf.grad! };
    };
    const apart = run(false), inPlace = run(true);
    expect(inPlace.y).toBe(inPlace.x);
    expect(apart.y).not.toBe(apart.x);
    expect(inPlace.y.tolist()).toEqual(apart.y.tolist());
    expect(inPlace.grad.tolist()).toEqual(apart.grad.tolist());
  });

  it("refuses a leaf that requires grad, as torch", () => {
    const leaf = torch.randn(4, 6, 3, { requires_grad: true });
    expect(() => F.dropout2d(leaf, 0.5, true, true)).toThrow(/leaf Variable that requires grad/);
    expect(() => F.rrelu(torch.randn(3, { requires_grad: true }), { inplace: true })).toThrow(/leaf Variable that requires grad/);
  });
});
