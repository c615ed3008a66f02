/**
 * Gaps found by the neuromatch_w23 probe (NeuromatchAcademy/course-content-dl weeks 2-3), values from
 * tests/fixtures/torch/tutorials/neuromatch_w23.json's "gaps" section (torch 1.13):
 * the pooling argument checks (a learner's nn.MaxPool2d(2, padding=2), a kernel larger than the feature map) raised a
 * newer torch's text ("pad should be at most half of effective kernel size, ... and dilation=1", prefixed by the op's
 * name), the 3-d pools crashed on a zero kernel or stride, and max_pool1d's no-grad path lacked its own messages;
 * F.max_pool3d / nn.MaxPool3d and F.adaptive_max_pool3d / nn.AdaptiveMaxPool3d refused return_indices=True;
 * nn.MultiheadAttention(batch_first=True)'s key / value shape assertion showed the batch-first shapes (torch: sequence-first).
 */
import { describe, expect, it } from "vitest";
import { F, nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectT, raised, tutorialFixture, type TJ } from "../tutorials/helpers";

const gaps = tutorialFixture<{ gaps: { pool_errors: Record<string, [string, string] | null>; max_pool1d_empty: number[]; max_pool3d_indices: [TJ, TJ, TJ, TJ, boolean, TJ]; adaptive_max_pool3d_indices: TJ[]; mha_key_value: [string, string][] } }>("neuromatch_w23.json").gaps;

describe("pooling argument checks as torch 1.13", () => {
  it("every case raises torch's error class and message", () => {
    const x1 = torch.zeros(1, 1, 6), x2 = torch.zeros(1, 1, 6, 6), x3 = torch.zeros(1, 1, 6, 6, 6);
    const xg = torch.zeros([1, 1, 6], { requires_grad: true });
    const cases: Record<string, () => unknown> = {
      module_max_pool2d: () => new nn.MaxPool2d(2, { padding: 2 })(x2),
      max_pool2d_pad: () => F.max_pool2d(x2, 2, 2, 2),
      max_pool2d_pad_dilation: () => F.max_pool2d(x2, 2, 2, 2, { dilation: 2 }),
      max_pool2d_pad_w: () => F.max_pool2d(x2, [2, 4], 2, [0, 3]),
      max_pool2d_k0: () => F.max_pool2d(x2, 0),
      max_pool2d_s0: () => F.max_pool2d(x2, 2, 0),
      max_pool2d_pneg: () => F.max_pool2d(x2, 2, 2, -1),
      max_pool2d_d0: () => F.max_pool2d(x2, 2, 2, 0, 0),
      max_pool2d_kneg: () => F.max_pool2d(x2, -1, 2),
      max_pool2d_sneg: () => F.max_pool2d(x2, 2, -1),
      max_pool2d_idx_pad: () => F.max_pool2d(x2, 2, 2, 2, { return_indices: true }),
      max_pool2d_small: () => F.max_pool2d(x2, 7),
      max_pool1d_k0: () => F.max_pool1d(x1, 0),
      max_pool1d_s0: () => F.max_pool1d(x1, 2, 0),
      max_pool1d_pneg: () => F.max_pool1d(x1, 2, 2, -1),
      max_pool1d_pad: () => F.max_pool1d(x1, 2, 2, 2),
      max_pool1d_d0: () => F.max_pool1d(x1, 2, 2, 0, 0),
      max_pool1d_negative_out: () => F.max_pool1d(x1, 20, 1),
      max_pool1d_grad_pad: () => F.max_pool1d(xg, 2, 2, 2),
      max_pool1d_idx_pad: () => F.max_pool1d(x1, 2, 2, 2, { return_indices: true }),
      max_pool1d_idx_d0: () => F.max_pool1d(x1, 2, 2, 0, 0, { return_indices: true }),
      max_pool1d_idx_k0: () => F.max_pool1d(x1, 0, { return_indices: true }),
      avg_pool1d_pad: () => F.avg_pool1d(x1, 2, 2, 2),
      avg_pool1d_k0: () => F.avg_pool1d(x1, 0),
      avg_pool1d_small: () => F.avg_pool1d(x1, 7),
      avg_pool2d_pad: () => F.avg_pool2d(x2, 2, 2, 2),
      avg_pool2d_s0: () => F.avg_pool2d(x2, 2, 0),
      avg_pool2d_small: () => F.avg_pool2d(x2, 7),
      max_pool3d_pad: () => F.max_pool3d(x3, 2, 2, 2),
      max_pool3d_pad_w: () => F.max_pool3d(x3, [2, 2, 2], 2, [0, 0, 2]),
      max_pool3d_k0: () => F.max_pool3d(x3, 0),
      max_pool3d_s0: () => F.max_pool3d(x3, 2, 0),
      max_pool3d_pneg: () => F.max_pool3d(x3, 2, 2, -1),
      max_pool3d_d0: () => F.max_pool3d(x3, 2, 2, 0, 0),
      max_pool3d_kneg: () => F.max_pool3d(x3, -1, 2),
      max_pool3d_small: () => F.max_pool3d(x3, 7),
      max_pool3d_unbatched_small: () => F.max_pool3d(torch.zeros(2, 6, 6, 6), 7),
      avg_pool3d_pad: () => F.avg_pool3d(x3, 2, 2, 2),
      avg_pool3d_k0: () => F.avg_pool3d(x3, 0),
      avg_pool3d_kneg: () => F.avg_pool3d(x3, -1, 2),
      avg_pool3d_small: () => F.avg_pool3d(x3, 7),
      avg_pool3d_small_out: () => F.avg_pool3d(x3, 4, 1, 2),
    };
    const got = Object.fromEntries(Object.entries(cases).map(([k, fn]) => [k, raised(fn)]));
    expect(got).toEqual(gaps.pool_errors);
  });

  it("F.max_pool3d_with_indices names all three output sizes; max_pool1d's no-grad path still returns an empty result", () => {
    expect(raised(() => F.max_pool3d_with_indices(torch.zeros(1, 1, 6, 6, 6), 7))).toEqual(gaps.pool_errors.max_pool3d_small);
    expect(raised(() => F.max_pool3d_with_indices(torch.zeros(1, 1, 6, 6, 6), 2, 0))).toEqual(gaps.pool_errors.max_pool3d_s0);
    expect([...(F.max_pool1d(torch.zeros(1, 1, 6), 7) as Tensor).shape]).toEqual(gaps.max_pool1d_empty);
  });
});

describe("max_pool3d with return_indices", () => {
  it("F.max_pool3d and nn.MaxPool3d return [values, indices] as torch (and max_unpool3d puts them back)", () => {
    const [v, i, v2, i2, same, unpooled] = gaps.max_pool3d_indices;
    torch.manual_seed(0);
    const x = torch.randn(1, 2, 5, 4, 4);
    const [values, indices] = F.max_pool3d(x, 2, { return_indices: true });
    expectT(values, v, 0);
    expectT(indices, i, 0);
    const [values2, indices2] = F.max_pool3d(x.index(0), [2, 3, 2], [1, 2, 2], [1, 1, 0], 1, true, { return_indices: true });
    expectT(values2, v2, 0);
    expectT(indices2, i2, 0);
    const [, indices3] = new nn.MaxPool3d(2, { return_indices: true })(x) as unknown as [Tensor, Tensor];
    expect(torch.equal(indices3, indices)).toBe(same);
    expectT(F.max_unpool3d(values, indices, 2), unpooled, 0);
    const [va, ia, vb, ib] = gaps.adaptive_max_pool3d_indices;
    const [av, ai] = F.adaptive_max_pool3d(x, [2, 3, 2], { return_indices: true });
    expectT(av, va, 0);
    expectT(ai, ia, 0);
    const [bv, bi] = new nn.AdaptiveMaxPool3d(2, { return_indices: true })(x.index(0)) as unknown as [Tensor, Tensor];
    expectT(bv, vb, 0);
    expectT(bi, ib, 0);
  });
});

describe("nn.MultiheadAttention's key / value shape assertion", () => {
  it("shows the sequence-first shapes torch compares (batch_first transposed, unbatched unsqueezed)", () => {
    const mha_b = new nn.MultiheadAttention(4, 2, { batch_first: true });
    const mha_s = new nn.MultiheadAttention(4, 2);
    expect([
      raised(() => mha_b(torch.zeros(2, 3, 4), torch.zeros(2, 5, 4), torch.zeros(2, 6, 4))),
      raised(() => mha_s(torch.zeros(3, 2, 4), torch.zeros(5, 2, 4), torch.zeros(6, 2, 4))),
      raised(() => mha_b(torch.zeros(3, 4), torch.zeros(5, 4), torch.zeros(6, 4))),
      raised(() => mha_b(torch.zeros(2, 3, 4), torch.zeros(2, 5, 4), torch.zeros(3, 5, 4))),
    ]).toEqual(gaps.mha_key_value);
  });
});
