/**
 * ATen functions with their operands by keyword, as torch 1.13 takes them (positional-or-keyword parameters):
 * x.unsqueeze(dim=1), x.transpose(dim0=0, dim1=1), x.masked_fill(mask, value=-1), torch.index_select(x, dim=0,
 * index=i), x.narrow(0, start=1, length=1), torch.gather(x, dim=1, index=i), torch.matmul(a, other=b), ... The
 * fixed-signature table (ops/fixed_arity.ts) refused every keyword ("unsqueeze() got an unexpected keyword argument
 * 'dim'") and gather read its options object as the index; now OPERAND_NAMES maps them onto the positions, unknown
 * keys still raise, and a name given twice raises Python's "got multiple values". Values vs torch 1.13
 * (tests/fixtures/torch/keyword_gaps15.json, scripts/fixtures/keyword_gaps15_fixtures.py).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { torch, type Tensor } from "../../../../lib/tensor/index";

type T = { shape: number[]; data: number[] };
const ref = JSON.parse(readFileSync(new URL("../../../fixtures/torch/keyword_gaps15.json", import.meta.url), "utf8")) as Record<string, T>;
const L = { dtype: torch.long };

function expectT(got: Tensor, want: T, label: string): void {
  expect(got.shape, label).toEqual(want.shape);
  expect(got.reshape(-1).tolist(), label).toEqual(want.data);
}

describe("operands by keyword", () => {
  const x = torch.arange(6, { dtype: torch.float32 }).reshape(2, 3);
  const i = torch.tensor([1, 0], L);
  const gi = torch.tensor([[2, 0], [1, 1]], L);
  const T_ = torch as unknown as Record<string, (...a: unknown[]) => Tensor>;
  const X = x as unknown as Record<string, (...a: unknown[]) => Tensor>;
  const cases: [string, () => Tensor][] = [
    ["unsqueeze", () => X.unsqueeze({ dim: 1 })],
    ["torch.unsqueeze", () => T_.unsqueeze(x, { dim: 0 })],
    ["transpose", () => X.transpose({ dim0: 0, dim1: 1 })],
    ["masked_fill", () => X.masked_fill(x.gt(2), { value: -1 })],
    ["index_select", () => T_.index_select(x, { dim: 0, index: i })],
    ["narrow", () => X.narrow(0, { start: 1, length: 1 })],
    ["torch.gather", () => torch.gather(x, { dim: 1, index: gi })],
    ["gather", () => x.gather(1, { index: gi })],
    ["matmul", () => T_.matmul(x, { other: x.T })],
    ["select", () => X.select({ dim: 1, index: 2 })],
    ["take", () => T_.take(x, { index: torch.tensor([5, 0], L) })],
  ];
  for (const [name, f] of cases) it(name, () => expectT(f(), ref[name], name));

  it("positional calls are unchanged; unknown, repeated or missing names raise Python's TypeError", () => {
    expectT(x.unsqueeze(1), ref.unsqueeze, "positional");
    expect(() => X.unsqueeze({ dimm: 1 })).toThrow("unsqueeze() got an unexpected keyword argument 'dimm'");
    expect(() => X.unsqueeze(0, { dim: 1 })).toThrow("unsqueeze() got multiple values for argument 'dim'");
    expect(() => X.narrow(0, { length: 1 })).toThrow("narrow() missing 1 required positional argument: 'start'");
    expect(() => T_.exp(x, { zzz: 1 })).toThrow("exp() got an unexpected keyword argument 'zzz'");
    expect(() => (x.gather as (...a: unknown[]) => Tensor)(1)).toThrow("gather() missing 1 required positional argument: 'index'");
  });
});
