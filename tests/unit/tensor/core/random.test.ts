/** Seeded randomness: deterministic, and following PyTorch's CPU generator recipes. */
import { describe, expect, it } from "vitest";
import { torch } from "../../../../lib/tensor/index";
import { expectClose, loadFixture } from "./fixtures";

const fx = loadFixture<Record<string, number[]>>("random.json");

describe("random numbers", () => {
  it("reproduce PyTorch's streams after manual_seed", () => {
    torch.manual_seed(0);
    // rand is bit-exact (24-bit draws); Box-Muller values differ from PyTorch in the last float bits at most.
    expect(torch.rand(5).tolist()).toEqual(fx.rand5);
    expectClose(torch.randn(5), fx.randn5, 1e-6, 1e-6, "randn5");
    expectClose(torch.randn(20), fx.randn20, 1e-5, 1e-6, "randn20");
    expectClose(torch.randn(3, 7), fx.randn_3x7, 1e-5, 1e-6, "randn 3x7");
    expect(torch.randint(0, 10, [8]).tolist()).toEqual(fx.randint);
    expect(torch.randint(-5, 5, [6]).tolist()).toEqual(fx.randint_low);
    expect(torch.randperm(10).tolist()).toEqual(fx.randperm10);
    expect(torch.empty(6).uniform_(-2, 3).tolist()).toEqual(fx.uniform_); // bit-exact
    expectClose(torch.empty(18).normal_(1.0, 0.5), fx.normal_, 1e-5, 1e-6, "normal_");
    expect(torch.empty(50).uniform_(-0.1234567, 0.7654321).tolist()).toEqual(fx.uniform_odd_bounds); // bit-exact
    expect(torch.rand(4, { dtype: torch.float64 }).tolist()).toEqual(fx.rand_f64);
    expectClose(torch.randn(20, { dtype: torch.float64 }), fx.randn_f64_20, 1e-12, 1e-12, "randn f64");
    torch.manual_seed(42);
    expectClose(torch.randn(33), fx.seed42_randn33, 1e-5, 1e-6, "seed 42 randn");
    expect(torch.randperm(100).tolist()).toEqual(fx.seed42_randperm100);
  });

  it("the same seed gives identical tensors; generators are independent", () => {
    torch.manual_seed(123);
    const a = [torch.randn(100), torch.rand(7), torch.randperm(50)];
    torch.manual_seed(123);
    const b = [torch.randn(100), torch.rand(7), torch.randperm(50)];
    a.forEach((t, i) => expect(t.equal(b[i])).toBe(true));
    const g1 = new torch.Generator(5);
    const g2 = new torch.Generator(5);
    torch.manual_seed(99);
    expect(torch.randn([10], { generator: g1 }).equal(torch.randn([10], { generator: g2 }))).toBe(true);
  });

  it("get_state / set_state replays a stream", () => {
    torch.manual_seed(3);
    const state = torch.default_generator.get_state();
    const first = torch.randn(17);
    torch.default_generator.set_state(state);
    expect(torch.randn(17).equal(first)).toBe(true);
  });

  it("randint and randperm stay in range and are long", () => {
    const r = torch.randint(3, 9, [1000]);
    expect(r.dtype).toBe(torch.long);
    expect(r.min().item()).toBeGreaterThanOrEqual(3);
    expect(r.max().item()).toBeLessThan(9);
    const p = torch.randperm(64);
    expect([...(p.tolist() as number[])].sort((x, y) => x - y)).toEqual([...Array(64).keys()]);
  });

  it("randn has roughly unit variance", () => {
    torch.manual_seed(1);
    const x = torch.randn(20000);
    expect(Math.abs(x.mean().item())).toBeLessThan(0.03);
    expect(Math.abs(x.std().item() - 1)).toBeLessThan(0.03);
  });
});
