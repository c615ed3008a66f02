/**
 * int64 values beyond float32's exact integers (2^24), up to 2^53: stored exactly (int64 storage is a
 * Float64Array), so creation, arange, arithmetic, reductions, scans, integer division, casts, sorting,
 * comparisons and randint's 64-bit draws match torch 1.13 (scripts/fixtures/int64_exact_fixtures.py,
 * tests/fixtures/torch/core/int64_exact.json). In float32 storage 16777217 read back as 16777216.
 */
import { describe, expect, it } from "vitest";
import { torch, type Tensor } from "../../../../lib/tensor/index";
import { loadFixture } from "./fixtures";

interface Fixture {
  tensor: number[]; add_one: number[]; sub_tensor: number[]; mul_two_small: number[]; floor_divide: number[]; remainder: number[];
  neg_abs: number[]; to_float32: number[]; to_float64: number[]; max_min: number[]; sort: number[]; arange: number[];
  arange_step: number[]; cumsum: number[]; sum_big: number; count: number; eq_neighbours: boolean[]; unique: number[];
  full: number[]; index_select: number[]; randint: Record<string, number[]>;
}
const fx = loadFixture<Fixture>("int64_exact.json");
const big = [16777217, 33554435, -16777219, 2 ** 40 + 1, 2 ** 52 + 3, -(2 ** 53) + 1];
const long = (v: number[]) => torch.tensor(v, { dtype: torch.int64 });

describe("int64 beyond 2^24 is exact, as torch", () => {
  it("creation and arithmetic", () => {
    const x = long(big);
    expect(x.tolist()).toEqual(fx.tensor);
    expect(x.add(1).tolist()).toEqual(fx.add_one);
    expect(long(big.slice(0, 5)).sub(long([1, 2, 3, 4, 5])).tolist()).toEqual(fx.sub_tensor);
    expect(long(big.slice(0, 4)).mul(2).tolist()).toEqual(fx.mul_two_small);
    expect(x.floor_divide(3).tolist()).toEqual(fx.floor_divide);
    expect(x.remainder(7).tolist()).toEqual(fx.remainder);
    expect(x.neg().abs().tolist()).toEqual(fx.neg_abs);
    expect(torch.full([2], 2 ** 40 + 7, { dtype: torch.int64 }).tolist()).toEqual(fx.full);
  });

  it("casts: to float32 rounds as torch does, to float64 keeps every value", () => {
    const x = long(big);
    expect(x.float().tolist()).toEqual(fx.to_float32);
    expect(x.double().tolist()).toEqual(fx.to_float64);
  });

  it("reductions, scans, sorting, comparisons and indexing", () => {
    const x = long(big);
    expect([x.max().item(), x.min().item(), x.argmax().item()]).toEqual(fx.max_min);
    expect(torch.sort(x).values.tolist()).toEqual(fx.sort);
    expect(torch.arange(16777215, 16777220).cumsum(0).tolist()).toEqual(fx.cumsum);
    expect(long([2 ** 30, 2 ** 30, 2 ** 30, 2 ** 30 + 1]).mul(1024).sum().item()).toBe(fx.sum_big);
    expect(long([16777216, 16777217]).eq(long([16777217, 16777217])).tolist()).toEqual(fx.eq_neighbours);
    expect((torch.unique(long([16777217, 16777216, 16777217, 16777218])) as Tensor).tolist()).toEqual(fx.unique);
    expect(x.index_select(0, long([3, 0])).tolist()).toEqual(fx.index_select);
  });

  it("arange over large integers, and a count over 50M elements", () => {
    expect(torch.arange(16777215, 16777221).tolist()).toEqual(fx.arange);
    expect(torch.arange(2 ** 40, 2 ** 40 + 10, 3).tolist()).toEqual(fx.arange_step);
    expect(torch.arange(0, 50_000_000).remainder(3).eq(0).sum().item()).toBe(fx.count);
  });

  it("randint draws torch's values, 64 bits for ranges of 2^32 and more", () => {
    for (const [bounds, draws] of Object.entries(fx.randint)) {
      const [low, high] = bounds.split(",").map(Number);
      torch.manual_seed(0);
      expect(torch.randint(low, high, [4]).tolist(), bounds).toEqual(draws);
    }
  });
});
