/** nn.init: gains and fans vs PyTorch, distribution statistics, seeded values identical to PyTorch's. */
import { describe, expect, it } from "vitest";
import { nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectClose, fixture, type FT } from "./helpers";

interface InitFixture {
  gains: { nonlinearity: string; param: number | null; gain: number }[];
  fans: { shape: number[]; fan_in: number; fan_out: number }[];
  errors: { gain: string; fan: string; mode: string };
}
const fx = fixture<InitFixture>("nn/init.json");
const seeded = fixture<{ seeded_init: { linear_4_3: { weight: FT; bias: FT }; mlp_2_5_1: Record<string, FT>; kaiming_normal_3_5_fan_out_relu: FT } }>(
  "data/dataloader.json",
).seeded_init;

function stats(t: Tensor): { mean: number; std: number; min: number; max: number } {
  return { mean: t.mean().item(), std: t.std().item(), min: t.min().item(), max: t.max().item() };
}

describe("calculate_gain and fans", () => {
  for (const g of fx.gains) {
    it(`calculate_gain(${g.nonlinearity}${g.param === null ? "" : `, ${g.param}`}) = ${g.gain}`, () => {
      expect(nn.init.calculate_gain(g.nonlinearity, g.param)).toBeCloseTo(g.gain, 14);
    });
  }
  it("fan_in and fan_out include the receptive field", () => {
    for (const f of fx.fans) expect(nn.init._calculate_fan_in_and_fan_out(torch.empty(f.shape))).toEqual([f.fan_in, f.fan_out]);
  });
  it("errors match PyTorch's", () => {
    expect(() => nn.init.calculate_gain("cubic")).toThrow(fx.errors.gain);
    expect(() => nn.init.kaiming_uniform_(torch.empty(3))).toThrow(fx.errors.fan);
    expect(() => nn.init.kaiming_uniform_(torch.empty(3, 3), { mode: "fan_avg" as "fan_in" })).toThrow(fx.errors.mode);
  });
});

describe("initialiser statistics", () => {
  const big = () => torch.empty(400, 500);
  it("kaiming_uniform_: U(-b, b) with b = gain * sqrt(3 / fan_in)", () => {
    const s = stats(nn.init.kaiming_uniform_(big(), { nonlinearity: "relu" }));
    const bound = Math.sqrt(2) * Math.sqrt(3 / 500);
    expect(s.max).toBeLessThanOrEqual(bound);
    expect(s.min).toBeGreaterThanOrEqual(-bound);
    expect(s.std).toBeCloseTo(bound / Math.sqrt(3), 3);
    expect(Math.abs(s.mean)).toBeLessThan(0.002);
  });
  it("kaiming_normal_ (fan_out, positional form): std = gain / sqrt(fan_out)", () => {
    const s = stats(nn.init.kaiming_normal_(big(), 0, "fan_out", "relu"));
    expect(s.std).toBeCloseTo(Math.sqrt(2) / Math.sqrt(400), 3);
    expect(Math.abs(s.mean)).toBeLessThan(0.002);
  });
  it("xavier_uniform_ and xavier_normal_: std = gain * sqrt(2 / (fan_in + fan_out))", () => {
    const std = (g: number) => g * Math.sqrt(2 / 900);
    expect(stats(nn.init.xavier_uniform_(big())).std).toBeCloseTo(std(1), 3);
    expect(stats(nn.init.xavier_normal_(big(), nn.init.calculate_gain("tanh"))).std).toBeCloseTo(std(5 / 3), 3);
    const u = stats(nn.init.xavier_uniform_(big(), 2));
    expect(u.max).toBeLessThanOrEqual(2 * Math.sqrt(6 / 900));
  });
  it("uniform_, normal_, constant_, zeros_, ones_", () => {
    const u = stats(nn.init.uniform_(big(), -2, 3));
    expect(u.min).toBeGreaterThanOrEqual(-2);
    expect(u.max).toBeLessThan(3);
    expect(u.mean).toBeCloseTo(0.5, 1);
    const n = stats(nn.init.normal_(big(), 1, 0.5));
    expect(n.mean).toBeCloseTo(1, 2);
    expect(n.std).toBeCloseTo(0.5, 2);
    expect(nn.init.constant_(torch.empty(2), 7).tolist()).toEqual([7, 7]);
    expect(nn.init.zeros_(torch.ones(2)).tolist()).toEqual([0, 0]);
    expect(nn.init.ones_(torch.zeros(2)).tolist()).toEqual([1, 1]);
  });
  it("works on parameters without recording gradients, and on non-contiguous views", () => {
    const lin = new nn.Linear(3, 3);
    nn.init.zeros_(lin.weight);
    expect(lin.weight.grad_fn).toBeNull();
    expect(lin.weight.requires_grad).toBe(true);
    const t = torch.zeros(3, 4);
    nn.init.ones_(t.t());
    expect(t.sum().item()).toBe(12);
  });
  it("Linear's default init is U(-1/sqrt(in), 1/sqrt(in)) for weight and bias", () => {
    const lin = new nn.Linear(400, 300);
    const b = 1 / Math.sqrt(400);
    const s = stats(lin.weight);
    expect(s.max).toBeLessThanOrEqual(b);
    expect(s.min).toBeGreaterThanOrEqual(-b);
    expect(s.std).toBeCloseTo(b / Math.sqrt(3), 3);
    expect(lin.bias!.abs().max().item()).toBeLessThanOrEqual(b);
  });
});

describe("seeded initialisation reproduces PyTorch's numbers", () => {
  // Bit-identical: the core draws PyTorch's mt19937 bits and scales them in float32 like torch.
  const ulp = { rtol: 0, atol: 0 };
  it("torch.manual_seed(0); nn.Linear(4, 3) has PyTorch's weights", () => {
    torch.manual_seed(0);
    const lin = new nn.Linear(4, 3);
    expectClose(lin.weight, seeded.linear_4_3.weight, ulp);
    expectClose(lin.bias!, seeded.linear_4_3.bias, ulp);
    const mlp = new nn.Sequential(new nn.Linear(2, 5), new nn.ReLU(), new nn.Linear(5, 1));
    for (const [k, v] of Object.entries(mlp.state_dict())) expectClose(v, seeded.mlp_2_5_1[k], { ...ulp, label: k });
  });
  it("kaiming_normal_ after manual_seed(0) matches PyTorch", () => {
    torch.manual_seed(0);
    const w = nn.init.kaiming_normal_(torch.empty(3, 5), { mode: "fan_out", nonlinearity: "relu" });
    expectClose(w, seeded.kaiming_normal_3_5_fan_out_relu, { rtol: 1e-6, atol: 1e-7 });
  });
});
