/**
 * Gaps the advanced_scratch probe found (tutorials/advanced_scratch.test.ts: GFlowNet, RWKV in 150 lines, Perceiver,
 * sparse GP from scratch), each against torch 1.13 (scripts/fixtures/advanced_scratch_fixtures.py, "gaps" section):
 * - F.layer_norm checked the input's trailing dims before weight / bias, and worded a mismatched weight or bias as
 *   "layer_norm: weight of shape [4] does not match normalized_shape [8]". torch 1.13 checks normalized_shape (not
 *   empty), then weight, then bias, then the input, with "Expected weight to be of same shape as normalized_shape, but
 *   got weight of shape [8] and normalized_shape = [4]" (RWKV's layer_norm(x, (n_embd,), weight=w.weight, ...) with
 *   the wrong n_embd reports the weight); an empty normalized_shape has its own message.
 */
import { describe, expect, it } from "vitest";
import { F, torch } from "../../../../lib/tensor/index";
import { raised, tutorialFixture } from "../tutorials/helpers";

const gaps = tutorialFixture<{ gaps: Record<string, any> }>("advanced_scratch.json").gaps; // eslint-disable-line @typescript-eslint/no-explicit-any

describe("advanced_scratch gaps", () => {
  it("F.layer_norm's argument checks in torch's order and words", () => {
    expect([
      raised(() => F.layer_norm(torch.zeros(8), [4], { weight: torch.ones(8), bias: torch.ones(8) })),
      raised(() => F.layer_norm(torch.zeros(8), [4], { weight: torch.ones(4), bias: torch.ones(8) })),
      raised(() => F.layer_norm(torch.zeros(2, 8), [8], { weight: torch.ones(2, 4) })),
      raised(() => F.layer_norm(torch.zeros(8), [8], { bias: torch.ones(8, 1) })),
      raised(() => F.layer_norm(torch.zeros(2, 8), [])),
      raised(() => F.layer_norm(torch.zeros(8), [4])),
    ]).toEqual(gaps.ln_order);
  });
});
