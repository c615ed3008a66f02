/** nn.functional and nn beyond the core: gumbel_softmax, channel_shuffle, lp_pool, triplet_margin_with_distance_loss, in-place activations (F and nn). */
import { describe, expect, it } from "vitest";
import { gradcheck } from "../../../../lib/grading/gradcheck";
import { F, nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { checkCase, caseName, type A3Case } from "./functional_helpers";
import { expectClose, fixture, tensorOf, type FT } from "./helpers";

const fx = fixture<{
  cases: A3Case[];
  cosine_triplet: { a: FT; p: FT; n: FT; out: FT };
  inplace: Record<string, FT>;
  reprs: Record<string, string>;
}>("nn/functional_misc.json");
const tol = { rtol: 1e-10, atol: 1e-12 };

describe("extras vs PyTorch 1.13 (float64 values and gradients)", () => {
  it.each(fx.cases.map((c) => [caseName(c), c] as const))("%s", (_, c) => checkCase(c));

  it("triplet_margin_with_distance_loss with a custom distance", () => {
    const c = fx.cosine_triplet;
    const y = F.triplet_margin_with_distance_loss(tensorOf(c.a), tensorOf(c.p), tensorOf(c.n), {
      distance_function: (u, v) => F.cosine_similarity(u, v).neg().add(1), reduction: "sum",
    });
    expectClose(y, c.out, tol);
  });

  it("in-place activations overwrite their input with PyTorch's values", () => {
    const x = () => tensorOf(fx.inplace.x);
    const run: Record<string, (t: Tensor) => Tensor> = {
      leaky: (t) => F.leaky_relu_(t, 0.2), elu: (t) => F.elu_(t, 0.5), hardtanh: (t) => F.hardtanh_(t, -0.5, 0.7), threshold: (t) => F.threshold_(t, 0.1, -3),
      celu: (t) => F.celu_(t, 0.5), selu: (t) => F.selu_(t), relu: (t) => F.relu_(t),
    };
    for (const [k, fn] of Object.entries(run)) {
      const t = x();
      expect(fn(t)).toBe(t);
      expectClose(t, fx.inplace[k], { ...tol, label: k });
    }
    const r = torch.full([4], -1);
    F.rrelu_(r);
    expect(r.tolist()).toEqual(new Array(4).fill(-(1 / 8 + 1 / 3) / 2).map(Math.fround));
  });
});

describe("extras: gradchecks and properties", () => {
  it("lp_pool2d and triplet_margin_with_distance_loss gradients (finite differences); channel_shuffle has none, as torch 1.13", () => {
    torch.manual_seed(61);
    const shuffled = F.channel_shuffle(torch.randn(1, 4, 2, 2, { dtype: torch.float64, requires_grad: true }), 2);
    expect(() => shuffled.sum().backward()).toThrow(/^derivative for channel_shuffle is not implemented$/);
    expect(gradcheck((x) => F.lp_pool2d(x, 2, 2), [torch.rand(1, 2, 4, 4, { dtype: torch.float64 }).add(0.2)])).toBe(true);
    const v = () => torch.randn(3, 4, { dtype: torch.float64 });
    expect(gradcheck((a, p, n) => F.triplet_margin_with_distance_loss(a, p, n, { margin: 3, swap: true }), [v(), v(), v()])).toBe(true);
  });

  it("gumbel_softmax: seeded soft samples sum to 1; hard samples are one-hot with the soft gradient", () => {
    const logits = torch.tensor([[1, 2, 0.5], [0, -1, 3]], { dtype: torch.float64 });
    torch.manual_seed(4);
    const a = F.gumbel_softmax(logits, 0.5);
    torch.manual_seed(4);
    expect(F.gumbel_softmax(logits, { tau: 0.5 }).tolist()).toEqual(a.tolist());
    expectClose(a.sum(-1), [1, 1], { rtol: 1e-12, atol: 1e-12 });
    const l = logits.clone().requires_grad_(true);
    torch.manual_seed(4);
    const h = F.gumbel_softmax(l, 0.5, true);
    for (const row of h.tolist() as number[][]) expect([...row].sort()).toEqual([0, 0, 1]);
    expect(h.argmax(-1).tolist()).toEqual(a.argmax(-1).tolist());
    h.mul(torch.tensor([[1, 2, 3], [4, 5, 6]], { dtype: torch.float64 })).sum().backward();
    expect(l.grad!.abs().sum().item()).toBeGreaterThan(0);
    // The first class wins about as often as its softmax probability (Gumbel-max trick).
    torch.manual_seed(8);
    const draws = F.gumbel_softmax(torch.tensor([[Math.log(0.7), Math.log(0.3)]]).expand(4000, 2), { hard: true });
    expect(Math.abs(draws.select(1, 0).mean().item() - 0.7)).toBeLessThan(0.03);
  });
});

describe("extra modules", () => {
  const make: Record<string, () => nn.Module> = {
    ChannelShuffle: () => new nn.ChannelShuffle(3), LPPool2d: () => new nn.LPPool2d(2, 3), "LPPool2d s": () => new nn.LPPool2d(1.5, [2, 3], [1, 2], true),
    LPPool1d: () => new nn.LPPool1d(2, 3, { stride: 2 }), TripletMarginWithDistanceLoss: () => new nn.TripletMarginWithDistanceLoss(),
  };
  it.each(Object.entries(fx.reprs))("%s prints as PyTorch: %s", (key, repr) => expect(String(make[key]())).toBe(repr));

  it("modules compute their functional forms; errors", () => {
    const x = torch.rand(1, 6, 4, 4, { dtype: torch.float64 });
    expect((new nn.ChannelShuffle(2)(x) as Tensor).tolist()).toEqual(F.channel_shuffle(x, 2).tolist());
    expect((new nn.LPPool2d(2, 2)(x) as Tensor).tolist()).toEqual(F.lp_pool2d(x, 2, 2).tolist());
    expect(() => F.channel_shuffle(x, 4)).toThrow(/Number of channels must be divisible by groups. Got 6 channels and 4 groups/);
    // torch 1.13 takes any margin (its newer check is not in 1.13): a margin of 0 gives max(0, d(a, p) - d(a, n))
    expect((new nn.TripletMarginWithDistanceLoss({ margin: 0 })(torch.ones(2, 3), torch.ones(2, 3), torch.ones(2, 3)) as Tensor).item()).toBe(0);
  });
});
