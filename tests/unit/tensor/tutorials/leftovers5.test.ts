/**
 * Batch 4's leftovers: named tensors and torch.uint8. The engine has no named tensors (lib/tensor/api/named_tensors.ts
 * says what names would need): code that only reads or clears names behaves as PyTorch's on unnamed
 * tensors, and naming a dimension fails at the call with one clear error. uint8 tensors exist since batch 12. Values from torch 1.13 (leftovers5.json,
 * scripts/fixtures/tutorial5_fixtures.py).
 */
import { describe, expect, it } from "vitest";
import { torch } from "../../../../lib/tensor/index";
import { tutorialFixture } from "./helpers";

type Err = [string, string];
const ref = tutorialFixture<{
  names: null[]; scalar_names: null[]; rename_none: [number[], null[]]; refine_none: number[]; refine_ellipsis: number[];
  rename_empty_error: Err; refine_count_error: Err;
}>("leftovers5.json");

const raisesAs = (fn: () => unknown, [type, message]: Err) => {
  let caught: Error | null = null;
  try {
    fn();
  } catch (e) {
    caught = e as Error;
  }
  expect(caught).not.toBeNull();
  expect([caught!.name, caught!.message]).toEqual([type, message]);
};

describe("named tensors on unnamed tensors", () => {
  it("x.names, rename(null) and refine_names(null, ...) as torch's; giving a name is refused clearly", () => {
    const t = torch.zeros(2, 3);
    expect(t.names).toEqual(ref.names);
    expect(torch.zeros([]).names).toEqual(ref.scalar_names);
    const renamed = t.rename(null);
    expect([renamed.shape, renamed.names]).toEqual(ref.rename_none);
    renamed.fill_(1);
    expect(t.sum().item()).toBe(6); // a view, as torch's rename
    expect(t.refine_names(null, null).shape).toEqual(ref.refine_none);
    expect(t.refine_names("...").shape).toEqual(ref.refine_ellipsis);
    raisesAs(() => t.rename(), ref.rename_empty_error);
    raisesAs(() => t.refine_names(null), ref.refine_count_error);
    const refused = /named tensors \(a prototype feature in PyTorch\) are not supported by Gradbook's tensor engine/;
    expect(() => t.refine_names("N", "C")).toThrow(refused);
    expect(() => t.rename({ N: "B" })).toThrow(refused);
    expect(() => t.align_to("C", "N")).toThrow(refused);
    expect(() => t.align_as(torch.zeros(3, 2))).toThrow(refused);
    expect(() => torch.zeros([2, 3], { names: ["N", "C"] } as never)).toThrow(/zeros\(\) got an unexpected keyword argument 'names'/);
    expect(t.names).toEqual([null, null]); // nothing changed
  });
});

describe("torch.uint8", () => {
  // The engine stores uint8 since batch 12 (tests/unit/tensor/core/uint8_values.test.ts checks it against torch 1.13).
  it("is named, printed, and makes byte tensors", () => {
    expect(String(torch.uint8)).toBe("torch.uint8");
    expect(String(torch.tensor([1, 2], { dtype: torch.uint8 }))).toBe("tensor([1, 2], dtype=torch.uint8)");
    expect(torch.zeros(2).to(torch.uint8).dtype).toBe(torch.uint8);
  });
});
