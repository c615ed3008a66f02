/**
 * Gaps the pointnet / DETR probe found (tests/unit/tensor/tutorials/pointnet_detr.test.ts), each against torch 1.13's
 * behaviour (scripts/fixtures/pointnet_detr_fixtures.py's "gaps" section of tests/fixtures/torch/tutorials/pointnet_detr.json):
 * - a dim named twice in a reduction's dim list (feature_transform_regularizer's torch.norm(..., dim=(1, 2)) mistyped
 *   as (1, 1) or (1, -2)) was silently deduplicated; torch refuses it ("dim 1 appears multiple times in the list of
 *   dims"), and torch.linalg.norm without ord takes that vector-norm path for two dims as well;
 * - torch.norm's p="fro" over a dim list is frobenius_norm: at most two dims, two different ones; p="nuc" needs two;
 * - expand's -1 in a leading new dim had the engine's own text; repeat / tile with a negative count named no shape
 *   (or, repeated in a new leading dim, silently worked);
 * - torch.norm / Tensor.norm's default p is "fro" (the engine's was 2: same values, but not frobenius_norm's checks);
 * - torch.diag of a 3-D tensor said a later release's text; split_with_sizes named the dim normalized, torch as given;
 * - pad_sequence (DETR's batched matcher pads targets with it) had its own texts for sequences that do not fit the
 *   first's trailing shape, where torch's copy into out[:L, i] broadcasts (or says copy_'s error), casts to the first's
 *   dtype, and iterates a tensor's rows;
 * - conv1d of a double input through a float Conv1d said the bias's "Input type (double) and bias type (float)" text;
 *   torch 1.13's conv1d compares the weight's dtype only and takes the bias in the input's dtype.
 */
import { describe, expect, it } from "vitest";
import { nn, torch } from "../../../../lib/tensor/index";
import { expectNums, expectT, raised, tutorialFixture } from "../tutorials/helpers";

const g = tutorialFixture<Record<string, any>>("pointnet_detr.json").gaps; // eslint-disable-line @typescript-eslint/no-explicit-any

describe("pointnet / DETR gaps", () => {
  const x3 = torch.rand(2, 3, 4);

  it("a dim named twice in a reduction's dim list is refused, as torch 1.13's dim_list_to_bitset does", () => {
    const d = g.dup_dims;
    expect(raised(() => x3.sum([1, -2]))).toEqual(d.sum);
    expect(raised(() => x3.mean([0, 0]))).toEqual(d.mean);
    expect(raised(() => x3.amax([1, 1]))).toEqual(d.amax);
    expect(raised(() => x3.var([2, -1]))).toEqual(d.var);
    expect(raised(() => x3.logsumexp([1, 1]))).toEqual(d.logsumexp);
    expect(raised(() => torch.norm(x3, { p: 2, dim: [1, 1] }))).toEqual(d.norm_p2);
    expect(raised(() => torch.linalg.vector_norm(x3, { dim: [1, 1] }))).toEqual(d.vector_norm);
    expect(raised(() => torch.linalg.norm(x3, { dim: [1, 1] }))).toEqual(d.linalg_norm);
    expect(raised(() => torch.linalg.matrix_norm(x3, { dim: [1, 1] }))).toEqual(d.matrix_norm);
  });

  it("torch.norm's p='fro' takes at most two different dims, p='nuc' exactly two; p=2 any number", () => {
    const f = g.fro;
    expect(raised(() => torch.norm(x3, { p: "fro", dim: [0, 1, 2] }))).toEqual(f.three_dims);
    expect(raised(() => torch.norm(x3, { p: "fro", dim: [1, -2] }))).toEqual(f.dup);
    expect(raised(() => torch.norm(x3, { p: "nuc", dim: [0, 1, 2] }))).toEqual(f.nuc_three);
    expect(raised(() => torch.norm(x3, { p: "nuc", dim: [1] }))).toEqual(f.nuc_one);
    const a = torch.arange(24, { dtype: torch.float32 }).view(2, 3, 4);
    expectNums([torch.norm(a, { p: 2, dim: [0, 1, 2] }).item()], [f.p2_three], 1e-6);
    expectT(torch.linalg.norm(a, { dim: [0, 2] }), f.linalg_two, 1e-6);
  });

  it("expand's -1 in a new leading dim, and negative repeat / tile counts, read as torch 1.13's", () => {
    const x2 = torch.rand(2, 3);
    expect(raised(() => x2.expand(-1, 2, 3))).toEqual(g.expand.lead);
    expect(raised(() => x2.expand(4, -1, 2, 3))).toEqual(g.expand.lead2);
    expect(raised(() => x2.expand(-2, 2, 3))).toEqual(g.expand.lead_neg2);
    const r = g.repeat;
    expect(raised(() => x2.repeat(-1, 1))).toEqual(r.neg);
    expect(raised(() => torch.rand(2).repeat(-1))).toEqual(r.neg_1d);
    expect(raised(() => torch.rand(2).repeat(-1, 2))).toEqual(r.lead);
    expect(raised(() => x2.repeat(2, -3))).toEqual(r.neg3);
    expect(x2.repeat(0, 1).shape).toEqual(r.zero);
    expect(raised(() => x2.tile(2, -1))).toEqual(r.tile);
    expect(raised(() => torch.rand(2, 3, 4).tile(-1))).toEqual(r.tile_short);
    expect(raised(() => x2.tile(1.5))).toEqual(r.tile_float);
  });

  it("torch.norm's default p is 'fro'; diag of a 3-D / 0-D tensor and split_with_sizes' dim read as torch 1.13's", () => {
    expect(raised(() => torch.norm(x3, { dim: [0, 1, 2] }))).toEqual(g.norm_default_p.three_dims);
    expect(raised(() => x3.norm({ dim: [1, 1] }))).toEqual(g.norm_default_p.dup);
    expectT(torch.norm(torch.arange(6, { dtype: torch.float32 }).view(2, 3), { dim: [1] }), g.norm_default_p.one_dim_list, 1e-6);
    expect(raised(() => torch.diag(torch.rand(2, 2, 2)))).toEqual(g.diag.three_d);
    expect(raised(() => torch.diag(torch.tensor(1.0)))).toEqual(g.diag.zero_d);
    expect(raised(() => torch.rand(2, 2, 2).diag(1))).toEqual(g.diag.method);
    expect(raised(() => torch.rand(2, 5).split([2, 2], -1))).toEqual(g.split_dim.neg);
    expect(raised(() => torch.rand(2, 5).split([2, 2], 1))).toEqual(g.split_dim.pos);
    expect(raised(() => torch.split(torch.rand(2, 5), [1, 2], -2))).toEqual(g.split_dim.torch_neg2);
  });

  it("pad_sequence copies each sequence into out[:L, i] as torch 1.13: broadcasting, the first's dtype, copy_'s errors", () => {
    const p = g.pad_sequence;
    const pad = nn.utils.rnn.pad_sequence;
    expect(raised(() => pad([torch.rand(2, 4), torch.rand(1, 3)], { batch_first: true }))).toEqual(p.trailing);
    expect(raised(() => pad([torch.rand(2, 4, 3), torch.rand(1, 4, 2)]))).toEqual(p.trailing3);
    expect(raised(() => pad([torch.rand(2), torch.rand(3, 1)]))).toEqual(p.rank);
    expect(raised(() => pad([torch.rand(2), torch.tensor(1.0)]))).toEqual(p.zero_d);
    expect(raised(() => pad([]))).toEqual(p.empty);
    expect(raised(() => pad([[1, 2]] as never))).toEqual(p.not_tensor);
    const a = torch.arange(6, { dtype: torch.float32 }).view(3, 2);
    expectT(pad([a, torch.tensor([[7], [8]])], { batch_first: true, padding_value: -1 }), p.broadcast, 0);
    const long = { dtype: torch.int64 };
    expect([String(pad([torch.tensor([0.5, 1.5]), torch.tensor([3], long)])), String(pad([torch.tensor([3], long), torch.tensor([0.5, 1.5])]))]).toEqual(p.mixed_dtype);
    expect(String(pad(torch.arange(6, { dtype: torch.float32 }).view(2, 3), { batch_first: true }))).toBe(p.tensor);
  });

  it("conv1d compares the weight's dtype only and casts the bias to the input's, as torch 1.13's (conv2d keeps the bias check)", () => {
    const c = g.conv1d_dtypes;
    const F = nn.functional;
    const xc = torch.rand(2, 3, 5), wc = torch.rand(4, 3, 1), bc = torch.rand(4);
    expect(raised(() => new nn.Conv1d(3, 4, 1)(xc.double()))).toEqual(c.module_double);
    expect(raised(() => new nn.Conv1d(3, 4, 1)(torch.ones(2, 3, 5, { dtype: torch.int64 })))).toEqual(c.module_long);
    expect(raised(() => new nn.Conv1d(3, 4, 1).double()(xc))).toEqual(c.double_module_float);
    const y = F.conv1d(xc.double(), wc.double(), bc);
    expect(String(y.dtype)).toBe(c.bias_cast[0]);
    expect(y.equal(F.conv1d(xc.double(), wc.double(), bc.double()))).toBe(true); // the bias cast to double first
    const u8 = { dtype: torch.uint8 };
    expect(String(F.conv1d(torch.ones(1, 3, 2, u8), torch.ones(4, 3, 1, u8), torch.full([4], 0.7)))).toBe(c.uint8_bias);
    expect(raised(() => new nn.Conv2d(3, 4, 1)(xc.double().unsqueeze(2)))).toEqual(c.conv2d_bias);
  });
});
