/**
 * Gaps the MIT 6.S191 probe found (tutorials/mit6s191.test.ts), against the fixture's "gaps" section
 * (scripts/fixtures/mit6s191_fixtures.py, torch 1.13):
 *   - a boolean mask of the wrong shape (lab3's loss[mask.view(-1)] with a mask one token too long) names the mask's
 *     dimension and the indexed tensor's, as torch does: "... at index 0 does not match the shape of the indexed
 *     tensor [7] at index 0" (the engine gave the indexed tensor's dimension as the mask's and no " at index" after
 *     the tensor, and printed the tensor before the integer / slice / None entries ahead of the mask).
 */
import { describe, expect, it } from "vitest";
import { torch } from "../../../../lib/tensor/index";
import { thrown, tutorialFixture } from "../tutorials/helpers";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const gaps = tutorialFixture<Record<string, any>>("mit6s191.json").gaps;
const m = (...s: number[]) => torch.ones(s, { dtype: torch.bool });

describe("boolean masks of the wrong shape", () => {
  it("name the mask's dimension and the indexed tensor with its dimension, as torch 1.13", () => {
    const x = torch.zeros(3, 4, 5);
    expect([
      thrown(() => x.index(m(3, 5))),
      thrown(() => x.index(":", m(3))),
      thrown(() => x.index(0, m(3))),
      thrown(() => x.index("...", m(4))),
      thrown(() => x.index(m(3, 4), m(3))),
      thrown(() => torch.zeros(3, 4).index("1:", m(3))),
      thrown(() => torch.zeros(3, 4).index("None", m(4))),
      thrown(() => torch.zeros(2, 3).index_put_([m(3)], torch.tensor(1))),
      thrown(() => torch.zeros(7).index(m(8))),
    ]).toEqual(gaps.mask_shape);
  });
});
