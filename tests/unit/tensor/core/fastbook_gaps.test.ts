/**
 * Gaps found by the fastbook probe (tests/unit/tensor/tutorials/fastbook.test.ts), checked against the fixture's
 * "gaps" section (scripts/fixtures/fastbook_fixtures.py, torch 1.13).
 */
import { describe, expect, it } from "vitest";
import { torch } from "../../../../lib/tensor/index";
import { thrown, tutorialFixture } from "../tutorials/helpers";

const gaps = tutorialFixture<{ gaps: Record<string, [string, string][]> }>("fastbook.json").gaps;

describe("fastbook gaps", () => {
  it("an in-place op on a leaf that requires grad raises torch's text (no op name, no hint)", () => {
    const leaf = torch.ones([3], { requires_grad: true });
    expect([thrown(() => leaf.sub_(1.0)), thrown(() => leaf.zero_()), thrown(() => leaf.mul_(2.0)), thrown(() => leaf.add_(torch.ones(3)))]).toEqual(gaps.leaf_inplace);
    expect(leaf.tolist()).toEqual([1, 1, 1]);
  });
});
