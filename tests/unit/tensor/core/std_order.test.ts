/**
 * Equal values in torch 1.13's order: sort, argsort, topk, kthvalue and mode pick among ties as torch's
 * CPU build does (C++'s std::sort / partial_sort / nth_element over (value, index) pairs and ATen's
 * quick select, lib/tensor/ops/std_order.ts), and sort(stable=true) keeps them in input order. Fixture: scripts/fixtures/std_order_fixtures.py.
 */
import { describe, expect, it } from "vitest";
import { torch } from "../../../../lib/tensor/index";
import { loadFixture } from "./fixtures";

interface Case {
  values: (number | null)[];
  descending: boolean;
  sort: number[];
  stable: number[];
  argsort: number[];
  k: number;
  largest: boolean;
  sorted: boolean;
  topk: number[];
}
interface TwoD {
  values: number[][];
  sort_dim1: number[][];
  sort_dim0_desc: number[][];
  topk_dim1: number[][];
  topk_dim0: number[][];
}
interface Selection {
  values: (number | null)[];
  kthvalue: number[];
  median: number;
  nanmedian: number;
  finite: number[];
  mode: number;
}
const f = loadFixture<{ cases: Case[]; selections: Selection[]; two_d: TwoD }>("std_order.json");
const input = (c: { values: (number | null)[] }) => torch.tensor(c.values.map((v) => (v === null ? NaN : v)));

describe("orders of equal values, as torch 1.13's", () => {
  it(`sort and argsort (${f.cases.length} rows of ties and NaN, 1 to 257 long)`, () => {
    for (const c of f.cases) {
      expect(input(c).sort({ descending: c.descending }).indices.tolist()).toEqual(c.sort);
      expect(torch.argsort(input(c), { descending: c.descending }).tolist()).toEqual(c.argsort);
    }
  });

  it("sort(stable=true) keeps equal values in input order", () => {
    for (const c of f.cases) expect(torch.sort(input(c), { descending: c.descending, stable: true }).indices.tolist()).toEqual(c.stable);
  });

  it("topk: largest and smallest, sorted and not, partial sort (k * 64 <= n) and selection", () => {
    for (const c of f.cases) {
      expect(torch.topk(input(c), c.k, { largest: c.largest, sorted: c.sorted }).indices.tolist()).toEqual(c.topk);
    }
  });

  it(`kthvalue (every k), median, nanmedian and mode along a dim (${f.selections.length} rows)`, () => {
    for (const c of f.selections) {
      const x = input(c);
      expect(c.kthvalue.map((_, k) => x.kthvalue(k + 1, 0)[1].item())).toEqual(c.kthvalue);
      expect([x.median(0)[1].item(), x.nanmedian(0)[1].item()]).toEqual([c.median, c.nanmedian]);
      expect(torch.tensor(c.finite).mode(0)[1].item()).toEqual(c.mode);
    }
  });

  it("along either dim of a 2-D input, row by row", () => {
    const x = torch.tensor(f.two_d.values);
    expect(x.sort({ dim: 1 }).indices.tolist()).toEqual(f.two_d.sort_dim1);
    expect(x.sort(0, true).indices.tolist()).toEqual(f.two_d.sort_dim0_desc);
    expect(x.topk(3, { dim: 1 }).indices.tolist()).toEqual(f.two_d.topk_dim1);
    expect(x.topk(2, 0, false).indices.tolist()).toEqual(f.two_d.topk_dim0);
  });

  it("the values follow the indices", () => {
    const x = torch.tensor([1, 3, 3, 2, 3, 1, 1]);
    const { values, indices } = x.topk(3);
    expect(indices.tolist()).toEqual([2, 4, 1]); // torch 1.13: tensor([2, 4, 1])
    expect(values.tolist()).toEqual([3, 3, 3]);
    expect(x.gather(0, indices).tolist()).toEqual(values.tolist());
  });
});
