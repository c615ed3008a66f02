/**
 * Engine gaps found by the discrete_latents probe (tests/unit/tensor/tutorials/discrete_latents.test.ts), checked
 * against torch 1.13 (the "gaps" section of tests/fixtures/torch/tutorials/discrete_latents.json, written by
 * scripts/fixtures/discrete_latents_fixtures.py).
 *
 * F.kl_div's warnings: lucidrains/DALLE-pytorch's DiscreteVAE writes F.kl_div(log_uniform, log_qy, None, None,
 * 'batchmean', log_target=True) with a [1] input against [b, n, K] log-probabilities. torch 1.13 broadcasts that
 * without a word (the engine showed the regression losses' 'Using a target size ... different to the input size'
 * warning), and warns of reduction='mean', named or the default, F's or nn.KLDivLoss's, that 'mean' divides by the
 * batch and the support size (the engine said nothing); the legacy size_average / reduce path warns of its deprecation
 * only.
 *
 * torch.sparse.torch: Python's torch.sparse module holds the torch module it imports, and capsule-network tutorials
 * write torch.sparse.torch.eye(NUM_CLASSES).index_select(dim=0, index=labels) (gram-ai/capsule-networks, higgsfield);
 * the engine's torch.sparse had no torch.
 */
import { describe, expect, it, vi } from "vitest";
import { gradcheck } from "../../../../lib/grading/gradcheck";
import { F, nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectT, freshWarningsEachTest, tutorialFixture, warns, type TJ } from "../tutorials/helpers";

const ref = tutorialFixture<Record<string, any>>("discrete_latents.json").gaps; // eslint-disable-line @typescript-eslint/no-explicit-any
const T = (j: TJ) => torch.tensor(j.data, { dtype: torch.float64 }).reshape(j.shape);

freshWarningsEachTest();

describe("F.kl_div / nn.KLDivLoss warn as torch 1.13", () => {
  const [kl_in, kl_t, kl_p] = [T(ref.kl_in), T(ref.kl_t), T(ref.kl_p)];
  const cases: Record<string, () => Tensor> = {
    broadcast_sum: () => F.kl_div(kl_in, kl_t, { reduction: "sum", log_target: true }),
    broadcast_batchmean: () => F.kl_div(kl_in, kl_t, null, null, "batchmean", { log_target: true }),
    broadcast_probs_none: () => F.kl_div(kl_in, kl_p, { reduction: "none" }),
    default_mean: () => F.kl_div(kl_t, kl_p),
    named_mean: () => F.kl_div(kl_t, kl_p, { reduction: "mean" }),
    module_default: () => new nn.KLDivLoss()(kl_t, kl_p) as Tensor,
    module_batchmean: () => new nn.KLDivLoss({ reduction: "batchmean", log_target: true })(kl_t, kl_t.flip(0)) as Tensor,
    legacy_size_average: () => F.kl_div(kl_t, kl_p, { size_average: true }),
    legacy_reduce_false: () => F.kl_div(kl_t, kl_p, { reduce: false }),
  };
  it.each(Object.keys(cases))("%s: torch's warnings and value", (name) => {
    const [w, v] = warns(cases[name]);
    expect(w).toEqual(ref.kl_div[name].warns);
    expectT(v, ref.kl_div[name].value, 1e-12);
  });

  it("the broadcast [1] input's gradient (batchmean, log_target) passes gradcheck", () => {
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const x = kl_in.clone().requires_grad_(true);
    const t = kl_t.clone().requires_grad_(true);
    expect(gradcheck((a, b) => F.kl_div(a, b, null, null, "batchmean", { log_target: true }), [x, t])).toBe(true);
    expect(gradcheck((a, b) => F.kl_div(a, b.softmax(-1), { reduction: "sum" }), [x, t])).toBe(true);
  });
});

describe("torch.sparse.torch", () => {
  it("is the torch namespace, as Python's module attribute: torch.sparse.torch.eye(3).index_select(...)", () => {
    const sparse = torch.sparse as unknown as { torch: typeof torch };
    expect(sparse.torch === torch).toBe(ref.sparse_torch.is_torch);
    expectT(sparse.torch.eye(3).index_select(0, torch.LongTensor([2, 0])), ref.sparse_torch.eye, 0);
    // not a sparse function: torch.sparse's listed names stay as they were
    expect(Object.keys(torch.sparse)).not.toContain("torch");
  });
});
