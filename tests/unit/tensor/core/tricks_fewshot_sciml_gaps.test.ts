/**
 * Gaps found by the tricks_fewshot_sciml probe (tests/unit/tensor/tutorials/tricks_fewshot_sciml.test.ts), values from
 * torch 1.13 (scripts/fixtures/tricks_fewshot_sciml_fixtures.py -> tricks_fewshot_sciml.json).
 */
import { describe, expect, expectTypeOf, it } from "vitest";
import { torch, type Tensor } from "../../../../lib/tensor/index";
import { tutorialFixture } from "../tutorials/helpers";

const ref = tutorialFixture<Record<string, any>>("tricks_fewshot_sciml.json"); // eslint-disable-line @typescript-eslint/no-explicit-any

describe("torch.unique / Tensor.unique are typed by their flags", () => {
  it("one Tensor without return_inverse / return_counts (prototypical_loss: torch.unique(target).size(0), classes[0].item())", () => {
    const labels = torch.tensor([7, 4, 9, 4, 7, 9, 9, 4, 7, 4, 9, 7], { dtype: torch.long });
    const classes = torch.unique(labels);
    expectTypeOf(classes).toEqualTypeOf<Tensor>();
    expectTypeOf(labels.unique()).toEqualTypeOf<Tensor>();
    expectTypeOf(torch.unique(labels, { sorted: true })).toEqualTypeOf<Tensor>();
    expectTypeOf(torch.unique(labels, true, false, false, 0)).toEqualTypeOf<Tensor>();
    expect(classes.size(0)).toBe(3);
    expect(classes.tolist()).toEqual(ref.protonet.unique);
    expect(classes.index(0).item()).toBe(4);
  });
  it("a Tensor[] with either flag, in torch's order", () => {
    const labels = torch.tensor([7, 4, 9, 4, 7, 9, 9, 4, 7, 4, 9, 7], { dtype: torch.long });
    const all = torch.unique(labels, { sorted: true, return_inverse: true, return_counts: true });
    expectTypeOf(all).toEqualTypeOf<Tensor[]>();
    expect(all.map((t) => t.tolist())).toEqual(ref.protonet.unique_inv);
    const [u, counts] = labels.unique({ return_counts: true });
    expect([u.tolist(), counts.tolist()]).toEqual([ref.protonet.unique_inv[0], ref.protonet.unique_inv[2]]);
  });
});
