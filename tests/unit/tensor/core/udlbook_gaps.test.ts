/**
 * Engine gaps found by the "Understanding Deep Learning" notebooks probe (tests/unit/tensor/tutorials/udlbook.test.ts),
 * each against torch 1.13 (scripts/fixtures/udlbook_fixtures.py, the "gaps" section of udlbook.json).
 */
import { describe, expect, it } from "vitest";
import { F, torch } from "../../../../lib/tensor/index";
import { thrown, tutorialFixture } from "../tutorials/helpers";

const gaps = tutorialFixture<{ gaps: Record<string, any> }>("udlbook.json").gaps; // eslint-disable-line @typescript-eslint/no-explicit-any

describe("udlbook probe gaps", () => {
  it("a conv weight of the wrong rank raises torch's errors, in torch's order (10_3's learner passes a [C_out, k, k] kernel)", () => {
    const x4 = torch.randn(1, 1, 4, 6), x3 = torch.randn(1, 4, 6);
    const got = [
      thrown(() => F.conv2d(x4, torch.randn(1, 3, 3))),
      thrown(() => F.conv2d(x4, torch.randn(1, 3, 3), { stride: 2, padding: 1 })),
      thrown(() => F.conv2d(x4, torch.randn(3, 3))),
      thrown(() => F.conv2d(torch.randn(2, 3), torch.randn(1, 3, 3))),
      thrown(() => F.conv2d(x4, torch.randn(1, 1, 3, 3, 3))),
      thrown(() => F.conv2d(x3, torch.randn(1, 1, 3, 3, 3), { stride: [1, 2, 3] })),
      thrown(() => F.conv2d(x3, torch.randn(1, 1, 3), { dilation: [1, 2, 3] })),
      thrown(() => F.conv2d(x3, torch.randn(1, 1, 3), { stride: [2] })),
      thrown(() => F.conv2d(x4, torch.randn(1, 3, 3), { padding: "valid" })),
      thrown(() => F.conv2d(x3, torch.randn(1, 1, 3, 3, 3), { padding: "same" })),
      thrown(() => F.conv1d(torch.randn(1, 1, 6), torch.randn(1, 1, 3, 3), { stride: 2 })),
      thrown(() => F.conv1d(torch.randn(1, 6), torch.randn(1, 1, 3, 3))),
      thrown(() => F.conv3d(torch.randn(1, 1, 4, 6, 6), torch.randn(1, 1, 3, 3))),
      thrown(() => F.conv3d(torch.randn(1, 1, 4, 6, 6), torch.randn(1, 1, 3, 3, 3, 3))),
    ];
    expect(got).toEqual(gaps.conv_weight_rank);
  });
});
