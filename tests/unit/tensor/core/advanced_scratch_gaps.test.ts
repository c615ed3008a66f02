/**
 * Gaps the advanced_scratch probe found (tutorials/advanced_scratch.test.ts: GFlowNet, RWKV in 150 lines, Perceiver,
 * sparse GP from scratch), each against torch 1.13 (scripts/fixtures/advanced_scratch_fixtures.py, "gaps" section):
 * - F.layer_norm checked the input's trailing dims before weight / bias, and worded a mismatched weight or bias as
 *   "layer_norm: weight of shape [4] does not match normalized_shape [8]". torch 1.13 checks normalized_shape (not
 *   empty), then weight, then bias, then the input, with "Expected weight to be of same shape as normalized_shape, but
 *   got weight of shape [8] and normalized_shape = [4]" (RWKV's layer_norm(x, (n_embd,), weight=w.weight, ...) with
 *   the wrong n_embd reports the weight); an empty normalized_shape has its own message.
 * - F.layer_norm of an int64 tensor computed; torch 1.13 refuses every non-floating dtype ("\"LayerNormKernelImpl\" not
 *   implemented for 'Long'"), the engine refused only the wrapping integer dtypes.
 * - torch.linalg.solve_triangular took a 1-d B (solved as a column); torch 1.13 raises "linalg.solve_triangular: The
 *   input tensor B must have at least 2 dimensions." (the GP's solve_triangular(L, y) without unsqueeze(-1)).
 * - torch.diagonal of a 1-d / 0-d tensor raised a RuntimeError of the engine's wording; torch 1.13 wraps dim2 = 1 and
 *   raises IndexError "Dimension out of range (expected to be in range of [-1, 0], but got 1)" (the GP's
 *   torch.diagonal(L) on a vector).
 * - torch.maximum / torch.minimum (and the Tensor methods) computed with a number operand; torch 1.13 has no Scalar
 *   overload and raises "maximum(): argument 'other' (position 2) must be Tensor, not float" (RWKV's
 *   torch.maximum(pp, ww) written with a constant; position 1 for the method).
 * - torch.meshgrid of a 2-d (or higher) tensor named its rank ("but got: 2D"); torch 1.13 prints the tensor as ATen's
 *   C++ operator<< does (" 0  0\n 0  0\n[ torch.FloatTensor{2,2} ]"): lib/tensor/aten_print.ts, with ATen's integer /
 *   fixed / scientific formats, "(i,j,.,.) = " slices with the leading dims varying fastest, CPUBoolType for bool.
 */
import { describe, expect, it } from "vitest";
import { F, torch } from "../../../../lib/tensor/index";
import { expectT, raised, tutorialFixture } from "../tutorials/helpers";

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
    expect([torch.long, torch.int32, torch.uint8, torch.bool].map((dtype) => raised(() => F.layer_norm(torch.ones([2, 3], { dtype }), [3])))).toEqual(gaps.ln_dtypes);
  });

  it("solve_triangular's B rank check; diagonal of a 1-d / 0-d tensor", () => {
    expect([
      raised(() => torch.linalg.solve_triangular(torch.eye(2), torch.ones(2), { upper: false })),
      raised(() => torch.linalg.solve_triangular(torch.eye(2), torch.tensor(1.0), { upper: true })),
    ]).toEqual(gaps.solve_tri_B);
    const [d1, d0, same, sameNeg, ok] = gaps.diagonal_low;
    expect(raised(() => torch.diagonal(torch.ones(3)))).toEqual(d1);
    expect(raised(() => torch.diagonal(torch.tensor(1.0)))).toEqual(d0);
    expect(raised(() => torch.diagonal(torch.ones(3), 0, 0, 0))).toEqual(same);
    expect(raised(() => torch.ones(3).diagonal(0, 0, -1))).toEqual(sameNeg);
    expectT(torch.diagonal(torch.ones(2, 3), 1), ok, 0);
  });

  it("maximum / minimum refuse a number operand", () => {
    expect([
      raised(() => torch.maximum(torch.zeros(3), 3.5)),
      raised(() => torch.maximum(2, torch.zeros(3))),
      raised(() => torch.zeros(3).maximum(2)),
      raised(() => torch.minimum(torch.zeros(3), true as unknown as number)),
      raised(() => torch.zeros(3).minimum(null as unknown as number)),
    ]).toEqual(gaps.extremum_scalar);
  });

  it("meshgrid's error prints the tensor as ATen does", () => {
    expect([
      raised(() => torch.meshgrid(torch.zeros(2, 2), torch.zeros(3))),
      raised(() => torch.meshgrid(torch.tensor([[1.5, 2], [3, -4]]), torch.zeros(3))),
      raised(() => torch.meshgrid(torch.arange(6).reshape(2, 3), torch.arange(3))),
      raised(() => torch.meshgrid(torch.zeros(2, 1, 2), torch.zeros(3))),
      raised(() => torch.meshgrid(torch.tensor([[1e-3, 250.5], [7, 0.25]]), torch.zeros(3))),
      raised(() => torch.meshgrid(torch.tensor([[1e10, 1.5]]), torch.zeros(3))),
      raised(() => torch.meshgrid(torch.tensor([[123456.5, 2.25]]), torch.zeros(3))),
      raised(() => torch.meshgrid(torch.arange(24.0, { dtype: torch.float32 }).reshape(2, 3, 2, 2), torch.zeros(3))),
      raised(() => torch.meshgrid(torch.tensor([[true, false]]), torch.zeros([3], { dtype: torch.bool }))),
    ]).toEqual(gaps.meshgrid_print);
  });
});
