/**
 * Seeded in-place random fills against PyTorch 1.13 (bitwise_special_random.json, random_fills):
 * exponential_, geometric_, log_normal_, cauchy_ (new), and uniform_, normal_, bernoulli_ (scalar
 * and tensor p), random_ (from/to, to, none; int64) in float32 and float64, 5 and 37 elements,
 * each from torch.manual_seed: the draws must be PyTorch's (exact or to the last float rounding
 * of log/exp/tan). Then call forms, generators and errors.
 */
import { describe, expect, it } from "vitest";
import { torch, type Tensor } from "../../../../lib/tensor/index";
import type { StoredTensor } from "../op_cases";
import { expectClose, loadFixture } from "./fixtures";

const fx = loadFixture<{ random_fills: Record<string, StoredTensor> }>("bitwise_special_random.json");

const fills: Record<string, (t: Tensor) => Tensor> = {
  exponential: (t) => t.exponential_(),
  exponential_lambd: (t) => t.exponential_(2.5),
  geometric: (t) => t.geometric_(0.3),
  geometric_small_p: (t) => t.geometric_({ p: 0.01 }),
  log_normal: (t) => t.log_normal_(),
  log_normal_args: (t) => t.log_normal_(0.5, { std: 0.25 }),
  cauchy: (t) => t.cauchy_(),
  cauchy_args: (t) => t.cauchy_(-1, 0.5),
  uniform: (t) => t.uniform_(-2, 3),
  normal: (t) => t.normal_(1, 2),
  bernoulli: (t) => t.bernoulli_(0.3),
  bernoulli_tensor: (t) => t.bernoulli_(torch.linspace(0, 1, t.numel(), { dtype: t.dtype })),
  random_from_to: (t) => t.random_(-5, 17),
  random_to: (t) => t.random_(1000),
  random: (t) => t.random_(),
};

describe("seeded in-place fills draw PyTorch 1.13's numbers", () => {
  it("covers every stored fill", () => {
    const names = new Set(Object.keys(fx.random_fills).map((k) => k.replace(/_(float32|float64|int64)_\d+$/, "")));
    expect([...names].sort()).toEqual([...Object.keys(fills), "random_from_to_int64", "geometric_int64"].map((n) => n.replace(/_int64$/, "")).filter((v, i, a) => a.indexOf(v) === i).sort());
  });
  for (const [name, fill] of Object.entries(fills)) {
    for (const dtype of [torch.float32, torch.float64]) {
      for (const n of [5, 37]) {
        const key = `${name}_${dtype.name}_${n}`;
        it(key, () => {
          torch.manual_seed(100 + n);
          const t = fill(torch.empty(n, { dtype }));
          expect(t.dtype).toBe(dtype);
          // log / exp / tan may differ from glibc's in the last bit; everything else is exact. normal_ on 16 or more
          // float32 elements follows PyTorch's AVX2 float32 Box-Muller step by step (random.ts), so it is bit-equal.
          const f32Box = name === "normal" && dtype === torch.float32 && n >= 16;
          if (f32Box) expect(t.tolist(), key).toEqual(fx.random_fills[key].data);
          else expectClose(t, fx.random_fills[key].data, dtype === torch.float64 ? 1e-15 : 1e-7, 0, key);
        });
      }
    }
  }
  for (const n of [5, 37]) {
    it(`int64 random_ and geometric_, ${n} elements`, () => {
      torch.manual_seed(7 + n);
      expect(torch.empty(n, { dtype: torch.long }).random_(-50, 70).tolist()).toEqual(fx.random_fills[`random_from_to_int64_${n}`].data);
      torch.manual_seed(8 + n);
      expect(torch.empty(n, { dtype: torch.long }).geometric_(0.2).tolist()).toEqual(fx.random_fills[`geometric_int64_${n}`].data);
    });
  }
});

describe("random fills: generators, views and errors", () => {
  it("a Generator passed as an option gives the same stream as the default one seeded alike", () => {
    const g = new torch.Generator().manual_seed(3);
    const a = torch.empty(6).cauchy_(0, 1, { generator: g });
    torch.manual_seed(3);
    expect(a.tolist()).toEqual(torch.empty(6).cauchy_().tolist());
    const g2 = new torch.Generator().manual_seed(4);
    const b = torch.empty(6, { dtype: torch.float64 }).log_normal_({ mean: 0, std: 1, generator: g2 });
    torch.manual_seed(4);
    expect(b.tolist()).toEqual(torch.empty(6, { dtype: torch.float64 }).log_normal_(0, 1).tolist());
    const g3 = new torch.Generator().manual_seed(5);
    const c = torch.empty(6).geometric_(0.5, { generator: g3 });
    torch.manual_seed(5);
    expect(c.tolist()).toEqual(torch.empty(6).geometric_(0.5).tolist());
  });
  it("fills a strided view in row-major order and bumps the version", () => {
    const base = torch.zeros(4, 3);
    const view = base.t();
    const v = base._version;
    torch.manual_seed(9);
    view.geometric_(0.4);
    torch.manual_seed(9);
    const same = torch.empty(3, 4).geometric_(0.4);
    expect(base.t().tolist()).toEqual(same.tolist());
    expect(base._version).toBeGreaterThan(v);
  });
  it("rejects bad parameters, dtypes and graph tensors, changing nothing", () => {
    const t = torch.ones(3);
    expect(() => t.geometric_(0)).toThrow(/geometric_ expects p to be in \(0, 1\), but got p=0/);
    expect(() => t.geometric_(1.5)).toThrow(/geometric_ expects p to be in \(0, 1\)/);
    expect(() => (t.geometric_ as () => Tensor)()).toThrow(/missing 1 required positional argument: 'p'/);
    expect(() => t.log_normal_(0, -1)).toThrow(/log_normal_ expects std > 0.0, but found std=-1/);
    expect(() => t.cauchy_(0, 0)).toThrow(/cauchy_ expects sigma > 0.0, but found sigma=0/);
    expect(() => torch.ones(2, { dtype: torch.long }).cauchy_()).toThrow(/"cauchy_cpu" not implemented for 'Long'/);
    expect(() => torch.ones(2, { dtype: torch.long }).log_normal_()).toThrow(/"log_normal_cpu" not implemented for 'Long'/);
    expect(() => torch.ones(2, { dtype: torch.bool }).geometric_(0.5)).toThrow(/"geometric_cpu" not implemented for 'Bool'/);
    expect(() => t.bernoulli_(torch.tensor([0.5, 1.5, 0]))).toThrow(/Expected p_in >= 0 && p_in <= 1/);
    expect(() => t.bernoulli_(torch.tensor([0, 1, 1], { dtype: torch.long }))).toThrow(/not implemented for 'Long'/);
    const leaf = torch.ones(2, { requires_grad: true });
    expect(() => leaf.cauchy_()).toThrow(/a leaf Variable that requires grad is being used in an in-place operation/);
    expect(() => leaf.mul(2).geometric_(0.5)).toThrow(/cannot fill a tensor that is part of a graph/);
    expect(t.tolist()).toEqual([1, 1, 1]);
  });
});
