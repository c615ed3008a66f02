/**
 * Engine gaps found by the vit_family probe (tutorials/vit_family.test.ts: vit-pytorch, MLP-Mixer, Swin, ConvNeXt),
 * checked against torch 1.13 (the "gaps" section of tests/fixtures/torch/tutorials/vit_family.json, written by
 * scripts/fixtures/vit_family_fixtures.py):
 *  - torch.roll with shifts and dims of different lengths (Swin's cyclic shift written with dims=1): torch's words
 *    are "shifts and dimensions must align. shifts: 2, dims:1" (no "roll(): " prefix, no space after "dims:");
 *  - torch.roll records one RollBackward0 node (Swin's cyclic shift printed CatBackward0, ViewBackward0 without dims);
 *  - reshape / flatten / reshape_as record _reshape_alias (grad_fn=<ReshapeAliasBackward0>) when the layout allows a
 *    view and _unsafe_view of a contiguous clone (UnsafeViewBackward0 over CloneBackward0) when not; the engine
 *    printed ViewBackward0 for both (a printed PatchEmbed's flatten(2), a ViT's reshaped heads). The engine's own
 *    composites that torch ends with view() keep ViewBackward0: ravel (now contiguous().view(-1)), instance_norm,
 *    a batched F.linear with a bias, nll_loss / cross_entropy's reduction="none" on 3-d / 5-d input;
 *  - nn.MultiheadAttention's output is torch's contiguous [L, N, E] (ViewBackward0), transposed for batch_first
 *    (TransposeBackward0, not contiguous); the averaged weights are sum(dim=1) / num_heads (DivBackward0), the
 *    per-head ones a view (ViewBackward0); F.multi_head_attention_forward likewise (the engine printed the reverse
 *    names, MeanBackward1 and SoftmaxBackward0);
 *  - torch.einsum: no permute node for an identity order, the contraction's reshape a view, no final copy: vit-pytorch's
 *    'b h i d, b h j d -> b h i j' prints ViewBackward0 as torch (was PermuteBackward0) and 'ij->ji' is torch's permuted,
 *    non-contiguous view (was a contiguous copy, CloneBackward0). Still not torch's: an output order that needs a
 *    final permute ('ij,jk->ki': torch ViewBackward0 of a permuted product, the engine PermuteBackward0) and products
 *    with nothing summed ('i,j->ij': torch MulBackward0, the engine ViewBackward0); values and gradients agree.
 */
import { describe, expect, it } from "vitest";
import { nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectT, raised, tutorialFixture, type TJ } from "../tutorials/helpers";

const F = nn.functional;

const g = tutorialFixture<{ gaps: Record<string, unknown> }>("vit_family.json").gaps;

describe("torch.roll: shifts and dims that do not align", () => {
  it("raises torch 1.13's RuntimeError text", () => {
    const x = torch.zeros(2, 3);
    expect(raised(() => torch.roll(x, [1, 1]))).toEqual(g.roll_no_dims);
    expect(raised(() => torch.roll(x, 1, [0, 1]))).toEqual(g.roll_more_dims);
    expect(raised(() => x.roll([1, 1], { dims: [0] }))).toEqual(g.roll_more_shifts);
  });

  it("records one RollBackward0 node (values, repr, gradients, second order), with or without dims", () => {
    const xr2 = torch.arange(6, { dtype: torch.float32, requires_grad: true });
    const v = xr2.reshape(2, 3);
    const rolls = [torch.roll(v, 1), torch.roll(v, [1, -1], [0, 1]), torch.roll(v, 0, 0), torch.roll(v, 3, 1),
      v.roll(-1, { dims: 1 }), torch.roll(v, { shifts: [-1, -1], dims: [0, 1] })];
    expect(rolls.map((t) => t.grad_fn?.name())).toEqual(g.roll_names);
    expect(rolls[1].grad_fn!.next_functions.map(([f]) => f?.name())).toEqual(g.roll_next);
    rolls.forEach((t, i) => expectT(t, (g.roll_values as TJ[])[i], 0));
    expect(String(rolls[5])).toBe(g.roll_repr);
    rolls.map((t, i) => t.mul(torch.arange(6, { dtype: torch.float32 }).reshape(2, 3)).mul(i + 1).sum()).reduce((p, q) => p.add(q)).backward();
    expectT(xr2.grad!, g.roll_grad as TJ, 0);
    const xr3 = torch.randn([3, 4], { dtype: torch.float64, requires_grad: true });
    expect(torch.autograd.gradgradcheck((t: Tensor) => torch.roll(t, [1, 2], [0, 1]).pow(2), [xr3])).toBe(g.roll_gradcheck);
  });
});

describe("reshape / flatten record torch 1.13's nodes", () => {
  it("ReshapeAliasBackward0 for a viewable layout, UnsafeViewBackward0 over a clone otherwise, view stays ViewBackward0", () => {
    const a = torch.zeros([2, 3], { requires_grad: true }).mul(1);
    const outs = [
      a.reshape(6), a.reshape(2, 3), a.view(6), a.flatten(), a.flatten(0, 1), torch.flatten(a, 1), a.unsqueeze(0).flatten(0, 1),
      a.reshape_as(torch.zeros(3, 2)), torch.reshape(a, [3, 2]), a.t().reshape(6), a.t().flatten(), a.flatten(1, 1),
      a.sum().flatten(), new nn.Flatten()(a.unsqueeze(0)),
    ];
    expect(outs.map((t) => t.grad_fn?.name())).toEqual(g.reshape_names);
    const x4 = torch.randn([2, 3, 2, 2], { requires_grad: true });
    const composites = [a.ravel(), a.t().ravel(), F.instance_norm(x4), F.linear(x4, torch.randn(5, 2), torch.zeros(5))];
    expect(composites.map((t) => t.grad_fn?.name())).toEqual(g.view_names);
    expect(a.t().reshape(6).grad_fn!.next_functions.map(([f]) => f?.name())).toEqual(g.reshape_next);
    expect(String(a.reshape(3, 2))).toBe(g.reshape_repr);
    expect(String(a.t().reshape(6))).toBe(g.reshape_copy_repr);
  });

  it("gradients flow through both forms; an in-place write into a reshaped view reaches its base; no node under no_grad", () => {
    const b = torch.arange(6, { dtype: torch.float32, requires_grad: true });
    b.reshape(2, 3).t().reshape(6).mul(torch.arange(6, { dtype: torch.float32 })).sum().backward();
    expectT(b.grad!, g.reshape_grad as TJ, 0);
    const c = torch.zeros([2, 3], { requires_grad: true }).clone();
    c.reshape(6).add_(1);
    expectT(c, g.reshape_inplace_base as TJ, 0);
    const a = torch.zeros([2, 3], { requires_grad: true }).mul(1);
    expect(torch.no_grad(() => a.reshape(6)).grad_fn === null).toBe(g.reshape_nograd);
  });
});

describe("nn.MultiheadAttention / F.multi_head_attention_forward leave torch 1.13's nodes and layout", () => {
  it("batch_first output TransposeBackward0 (not contiguous), else ViewBackward0; weights DivBackward0 / ViewBackward0", () => {
    torch.manual_seed(0);
    const xm = torch.randn([2, 3, 4], { requires_grad: true });
    const names: (string | undefined)[][] = [];
    const contig: boolean[] = [];
    const vals: Tensor[] = [];
    for (const bf of [true, false]) {
      const mh = new nn.MultiheadAttention(4, 2, { batch_first: bf });
      const [o1, w1] = mh(xm, xm, xm);
      const [o2, w2] = mh(xm, xm, xm, { average_attn_weights: false });
      const [o3] = mh(xm.index(0), xm.index(0), xm.index(0));
      names.push([o1, w1!, o2, w2!, o3].map((t) => t.grad_fn?.name()));
      contig.push(o1.is_contiguous());
      vals.push(o1, w1!, w2!);
    }
    expect(names).toEqual(g.mha_names);
    expect(contig).toEqual(g.mha_contig);
    vals.forEach((t, i) => expectT(t, (g.mha_vals as TJ[])[i], 1e-5));
    torch.manual_seed(1);
    const mh = new nn.MultiheadAttention(4, 2);
    const [fo, fw] = F.multi_head_attention_forward(xm, xm, xm, 4, 2, mh.in_proj_weight!, mh.in_proj_bias!, null, null, false, 0.0,
      mh.out_proj.weight, mh.out_proj.bias!);
    expect([fo.grad_fn?.name(), fw!.grad_fn?.name()]).toEqual(g.mha_f_names);
    expectT(fo, (g.mha_f_vals as TJ[])[0], 1e-5);
    expectT(fw!, (g.mha_f_vals as TJ[])[1], 1e-5);
  });
});

describe("torch.einsum's last node and layout", () => {
  it("an attention contraction ends in ViewBackward0 (not PermuteBackward0), a transposition is a permuted view", () => {
    torch.manual_seed(2);
    const qe = torch.randn([2, 2, 3, 4], { requires_grad: true });
    const ke = torch.randn([2, 2, 3, 4], { requires_grad: true });
    const me = torch.randn([3, 4], { requires_grad: true });
    const ein = [torch.einsum("bhid,bhjd->bhij", qe, ke), torch.einsum("bhij,bhjd->bhid", torch.softmax(qe.matmul(ke.transpose(-1, -2)), -1), ke),
      torch.einsum("ij,kj->ik", me, me), torch.einsum("ij->ji", me),
      torch.einsum("ij,j->i", me, me.index(0))];
    expect(ein.map((t) => t.grad_fn?.name())).toEqual(g.einsum_names);
    expect(ein.map((t) => t.is_contiguous())).toEqual(g.einsum_contig);
    ein.forEach((t, i) => expectT(t, (g.einsum_vals as TJ[])[i], 1e-5));
    ein.map((t, i) => t.mul(i + 1).sum()).reduce((p, q) => p.add(q)).backward();
    [qe, ke, me].forEach((t, i) => expectT(t.grad!, (g.einsum_grads as TJ[])[i], 1e-4));
  });
});

describe("the printed loss: L1Loss and label-smoothed cross_entropy end in torch 1.13's nodes", () => {
  it("l1_loss: MeanBackward0 / SumBackward0 / AbsBackward0; cross_entropy(label_smoothing > 0): AddBackward0", () => {
    torch.manual_seed(3);
    const xl = torch.randn([3, 4], { requires_grad: true });
    const x3l = torch.randn([2, 4, 3], { requires_grad: true });
    const yl = torch.tensor([0, 3, -100], { dtype: torch.long });
    const losses = [F.l1_loss(xl, torch.zeros(3, 4)), F.l1_loss(xl, torch.zeros(3, 4), { reduction: "sum" }), F.l1_loss(xl, torch.zeros(3, 4), { reduction: "none" }),
      new nn.L1Loss()(xl, torch.ones(3, 4)),
      F.cross_entropy(xl, yl, { label_smoothing: 0.1 }), F.cross_entropy(xl, yl, { label_smoothing: 0.1, reduction: "sum" }),
      F.cross_entropy(xl, yl, { label_smoothing: 0.1, reduction: "none" }), F.cross_entropy(xl, yl, { weight: torch.arange(1, 5, { dtype: torch.float32 }), label_smoothing: 0.2 }),
      F.cross_entropy(x3l, torch.tensor([[0, 1, 2], [3, 3, 0]], { dtype: torch.long }), { label_smoothing: 0.1, reduction: "none" }),
      new nn.CrossEntropyLoss({ label_smoothing: 0.1 })(xl, yl), F.cross_entropy(xl, yl)];
    expect(losses.map((t) => t.grad_fn?.name())).toEqual(g.loss_names);
    losses.forEach((t, i) => expectT(t, (g.loss_vals as TJ[])[i], 1e-5));
    expect(String(losses[9])).toBe(g.loss_repr);
    losses.map((t, i) => t.mul(i + 1).sum()).reduce((p, q) => p.add(q)).backward();
    expectT(xl.grad!, (g.loss_grads as TJ[])[0], 1e-4);
    expectT(x3l.grad!, (g.loss_grads as TJ[])[1], 1e-4);
  });
});
