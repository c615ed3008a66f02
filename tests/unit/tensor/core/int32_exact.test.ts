/**
 * int32 over its whole range, as torch 1.13 (scripts/fixtures/int32_exact_fixtures.py,
 * tests/fixtures/torch/core/int32_exact.json): int32 storage is a Float64Array, so values beyond
 * float32's exact integers (2^24) are exact and arithmetic wraps at 2^31 as torch's does
 * (2147483647 + 1 is -2147483648). In float32 storage 16777217 read back as 16777216 and
 * torch.iinfo(torch.int32).max as 2147483520.
 */
import { describe, expect, it } from "vitest";
import { torch, type Tensor } from "../../../../lib/tensor/index";
import { loadFixture } from "./fixtures";

interface Fixture {
  tensor: number[]; add_one: number[]; sub_one: number[]; mul_three: number[]; mul_tensors: number[]; pow_two: number[];
  floor_divide: number[]; remainder: number[]; neg: number[]; sum: number; sum_dtype: string; cumsum: number[];
  to_float32: number[]; to_int64: number[]; from_float64: number[]; arange: number[]; max_min: number[]; sort: number[];
  eq_neighbours: boolean[]; full_max: number[]; unique: number[]; random_unbounded_seed0: number[];
}
const fx = loadFixture<Fixture>("int32_exact.json");
const int = (v: number[]) => torch.tensor(v, { dtype: torch.int32 });
const edges = [2 ** 31 - 1, 16777217, -(2 ** 31), -16777219, 33554435];

describe("int32 is exact over its range, as torch", () => {
  it("creation and arithmetic wrap at 2^31", () => {
    const x = int(edges);
    expect(x.tolist()).toEqual(fx.tensor);
    expect(x.add(1).tolist()).toEqual(fx.add_one);
    expect(x.sub(1).tolist()).toEqual(fx.sub_one);
    expect(x.mul(3).tolist()).toEqual(fx.mul_three);
    expect(int([65536, 46341, -65537]).mul(int([65537, 46341, 65535])).tolist()).toEqual(fx.mul_tensors);
    expect(int([100000, 3, 46340]).pow(2).tolist()).toEqual(fx.pow_two);
    expect(x.div(3, { rounding_mode: "floor" }).tolist()).toEqual(fx.floor_divide);
    expect(x.remainder(7).tolist()).toEqual(fx.remainder);
    expect(x.neg().tolist()).toEqual(fx.neg);
    expect(x.dtype).toBe(torch.int32);
    expect(x.add(1).dtype).toBe(torch.int32);
  });

  it("sums and scans (int64 results), casts both ways", () => {
    const x = int(edges);
    expect(x.sum().item()).toBe(fx.sum);
    expect(`torch.${x.sum().dtype.name}`).toBe(fx.sum_dtype);
    expect(int([16777217, 16777217, 2 ** 30]).cumsum(0).tolist()).toEqual(fx.cumsum);
    expect(x.float().tolist()).toEqual(fx.to_float32);
    expect(x.long().tolist()).toEqual(fx.to_int64);
    expect(torch.tensor([16777217.7, -16777219.2, 2147483647.0], { dtype: torch.float64 }).int().tolist()).toEqual(fx.from_float64);
  });

  it("arange, reductions, sorting, comparisons, full and unique", () => {
    const x = int(edges);
    expect(torch.arange(16777215, 16777220, { dtype: torch.int32 }).tolist()).toEqual(fx.arange);
    expect([x.max().item(), x.min().item(), x.argmax().item()]).toEqual(fx.max_min);
    expect(torch.sort(x)[0].tolist()).toEqual(fx.sort);
    expect(int([16777216, 16777217]).eq(16777217).tolist()).toEqual(fx.eq_neighbours);
    expect(torch.full([2], torch.iinfo(torch.int32).max, { dtype: torch.int32 }).tolist()).toEqual(fx.full_max);
    expect((torch.unique(int([16777217, 16777216, 16777217])) as Tensor).tolist()).toEqual(fx.unique);
  });

  it("random_() without bounds draws [0, 2^31 - 1] from torch's stream", () => {
    torch.manual_seed(0);
    expect(torch.empty(5, { dtype: torch.int32 }).random_().tolist()).toEqual(fx.random_unbounded_seed0);
  });

  it("an int32 tensor wrapping a Float32Array keeps it (small integers)", () => {
    const t = torch.from_array(new Float32Array([1, 2, 3]), [3], { dtype: torch.int32 });
    expect(t.add(1).tolist()).toEqual([2, 3, 4]);
    expect(int([1])._data).toBeInstanceOf(Float64Array);
  });
});
