/**
 * grad_fn graphs against torch 1.13 for the ops torch composes in C++ out of other ops (round s42): the node a result
 * hangs from and the nodes below it (`y.grad_fn.next_functions`, compared as nested [name, [children]] to a depth),
 * with the value, the gradients of sum(y * W) for every input, and einsum's result strides. Covered: einsum's plans
 * (ATen's einsum, op for op), quantile / nanquantile, cov / corrcoef, trapz / trapezoid (x and dx forms),
 * instance_norm with affine parameters, bilinear, ctc_loss's reductions, linalg.multi_dot, channels-last copies and
 * the ops run on them, the in-place view ops; aminmax and channel_shuffle have no derivative in torch 1.13 (a
 * NotImplemented node, backward raises torch's error). Fixture: scripts/fixtures/grad_fn_names_s42_fixtures.py
 * (the same calls on the same inputs; modules seeded with 5).
 */
import { describe, expect, it } from "vitest";
import { F, nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { loadFixture } from "./fixtures";

type TJ = { shape: number[]; data: number[] };
type Graph = null | string | [string, Graph[]];
interface Case { graph: Graph; depth: number; value: TJ; stride: number[]; grads?: Record<string, TJ>; error?: string }
const fx = loadFixture<{ inputs: Record<string, TJ>; cases: Record<string, Case>; printed: Record<string, string> }>("grad_fn_names_s42.json");

interface NodeLike { name(): string; next_functions: [NodeLike | null, number][] }

function graph(node: NodeLike | null, depth: number): Graph {
  if (node === null) return null;
  if (depth === 0) return node.name();
  return [node.name(), node.next_functions.map(([n]) => graph(n, depth - 1))];
}

/** The fixture's inputs, each requiring grad as in the script (aweights "aw" does not). */
function inputs(): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(fx.inputs).map(([k, t]) => [k, torch.tensor(t.data).reshape(t.shape).requires_grad_(k !== "aw")]));
}

const L = (...v: (number | number[])[]): Tensor => torch.tensor(v, { dtype: torch.int64 });
const CL = { memory_format: torch.channels_last };

function cases(i: Record<string, Tensor>): Record<string, () => Tensor> {
  const { m, v, s, sq, x, w3, b2, lp } = i;
  const [tg, il, tl] = [L([1, 2], [3, 1]), L(6, 6), L(2, 2)];
  const ein = torch.einsum;
  return {
    ein_outer: () => ein("i,j->ij", v, v),
    ein_mm: () => ein("ij,jk->ik", m, sq),
    ein_mm_out_t: () => ein("ij,jk->ki", m, sq),
    ein_trans: () => ein("ij->ji", m),
    ein_id: () => ein("ij->ij", m),
    ein_trace: () => ein("ii", sq),
    ein_diag: () => ein("ii->i", sq),
    ein_diag3: () => ein("iij->j", i.t3),
    ein_sum: () => ein("ij->", m),
    ein_rowsum: () => ein("ij->i", m),
    ein_vsum: () => ein("i->", v),
    ein_dot: () => ein("i,i->", v, v),
    ein_had: () => ein("ij,ij->ij", m, m),
    ein_had_sum: () => ein("ab,ab->a", m, m),
    ein_mv: () => ein("ij,j->i", m, v),
    ein_bmm: () => ein("bij,bjk->bik", s, s.transpose(1, 2)),
    ein_bmm_bcast: () => ein("bij,bjk->bik", s.index(":1"), s.transpose(1, 2)),
    ein_att: () => ein("bqd,bkd->bqk", s, s),
    ein_heads: () => ein("bhid,bhjd->bhij", i.h4, i.h4),
    ein_bilinear: () => ein("bn,anm,bm->ba", m, w3, m),
    ein_ellipsis: () => ein("...ij,...jk->...ik", s, s.transpose(1, 2)),
    ein_ellipsis_sum: () => ein("...ij->j", s),
    ein_implicit: () => ein("ij,kj", m, m),
    ein_outer3: () => ein("i,j,k->ijk", v, v.index(":2"), v.index(":3")),
    ein_chain: () => ein("ij,jk,kl->il", m, sq, sq),
    q: () => torch.quantile(m, 0.3),
    q_dim1: () => torch.quantile(m, 0.3, { dim: 1 }),
    q_dim0: () => torch.quantile(m, 0.3, { dim: 0 }),
    q_dim0_keep: () => torch.quantile(m, 0.3, { dim: 0, keepdim: true }),
    q_all_keep: () => torch.quantile(m, 0.6, { keepdim: true }),
    q_3d_dim1: () => torch.quantile(s, 0.3, { dim: 1 }),
    q_t: () => torch.quantile(m, torch.tensor([0.2, 0.5])),
    q_t_dim0: () => torch.quantile(m, torch.tensor([0.2, 0.5]), { dim: 0 }),
    q_t_keep: () => torch.quantile(m, torch.tensor([0.2, 0.5]), { dim: 1, keepdim: true }),
    q_t0d: () => torch.quantile(m, torch.tensor(0.5)),
    q_qgrad: () => torch.quantile(m, i.q2, { dim: 1 }),
    q_nearest: () => torch.quantile(m, 0.3, { interpolation: "nearest" }),
    q_lower_dim0: () => torch.quantile(m, 0.3, { dim: 0, interpolation: "lower" }),
    q_higher_dim1: () => torch.quantile(m, 0.3, { dim: 1, interpolation: "higher" }),
    q_midpoint: () => torch.quantile(m, 0.3, { interpolation: "midpoint" }),
    q_v: () => torch.quantile(v, 0.3),
    q_nan: () => torch.quantile(i.mn, 0.4, { dim: 1 }),
    nq: () => torch.nanquantile(m, 0.3),
    nq_nan_dim1: () => torch.nanquantile(i.mn, 0.4, { dim: 1 }),
    nq_t_dim0: () => torch.nanquantile(i.mn, torch.tensor([0.2, 0.5]), { dim: 0 }),
    cov: () => torch.cov(m),
    cov_corr0: () => torch.cov(m, { correction: 0 }),
    cov_fw: () => torch.cov(m, { fweights: L(1, 2, 1, 1) }),
    cov_aw: () => torch.cov(m, { aweights: i.aw }),
    cov_fw_awg: () => torch.cov(m, { fweights: L(1, 2, 1, 1), aweights: i.awg }),
    cov_1d: () => torch.cov(v),
    cov_one_var: () => torch.cov(m.index(":1")),
    corrcoef: () => torch.corrcoef(m),
    corrcoef_1d: () => torch.corrcoef(v),
    trapz: () => torch.trapz(m),
    trapz_dx: () => torch.trapz(m, { dx: 0.5 }),
    trapz_x: () => torch.trapz(m, torch.arange(4.0)),
    trapz_xg: () => torch.trapz(m, v),
    trapezoid_dx: () => torch.trapezoid(m, { dx: 2.0 }),
    trapezoid_x_dim0: () => torch.trapezoid(m, torch.arange(3.0), { dim: 0 }),
    trapezoid_x2d: () => torch.trapezoid(m, m.detach().cumsum(1)),
    trapezoid_1d: () => torch.trapezoid(v),
    trapezoid_one: () => torch.trapezoid(m.index(":", ":1")),
    trapezoid_empty: () => torch.trapezoid(m.index(":", ":0")),
    in2d_aff: () => new nn.InstanceNorm2d(4, { affine: true })(x),
    in1d_aff: () => new nn.InstanceNorm1d(5, { affine: true })(s),
    in2d: () => new nn.InstanceNorm2d(4)(x),
    in1d_unbatched: () => new nn.InstanceNorm1d(3, { affine: true })(m),
    in2d_track: () => new nn.InstanceNorm2d(4, { affine: true, track_running_stats: true })(x),
    in2d_track_eval: () => new nn.InstanceNorm2d(4, { affine: true, track_running_stats: true }).eval()(x),
    F_in_wb: () => F.instance_norm(x, { weight: b2.detach().repeat(2).requires_grad_(), bias: torch.ones(4, { requires_grad: true }) }),
    F_in_wb_x_t: () => F.instance_norm(x.transpose(2, 3), { weight: torch.ones(4, { requires_grad: true }) }),
    F_bilinear: () => F.bilinear(m, m, w3),
    F_bilinear_b: () => F.bilinear(m, m.mul(2), w3, b2),
    F_bilinear_3d: () => F.bilinear(s, s, w3, b2),
    bilinear_mod: () => new nn.Bilinear(4, 4, 2)(m, m),
    bilinear_mod_nobias: () => new nn.Bilinear(4, 4, 2, { bias: false })(m, m),
    ctc_mean: () => F.ctc_loss(lp, tg, il, tl),
    ctc_sum: () => F.ctc_loss(lp, tg, il, tl, { reduction: "sum" }),
    ctc_none: () => F.ctc_loss(lp, tg, il, tl, { reduction: "none" }),
    ctc_zinf_mean: () => F.ctc_loss(lp, tg, L(1, 6), tl, { zero_infinity: true }),
    ctc_zinf_none: () => F.ctc_loss(lp, tg, L(1, 6), tl, { reduction: "none", zero_infinity: true }),
    ctc_mod: () => new nn.CTCLoss()(lp, tg, il, tl),
    ctc_unbatched: () => F.ctc_loss(lp.index(":", 0), L(1, 2), L(6), L(2), { reduction: "none" }),
    ctc_unbatched_mean: () => F.ctc_loss(lp.index(":", 0), L(1, 2), L(6), L(2)),
    md2: () => torch.linalg.multi_dot([m, sq]),
    md3: () => torch.linalg.multi_dot([m, sq, sq]),
    md3_right: () => torch.linalg.multi_dot([i.m6.T, i.m6, i.m7]),
    md_vec: () => torch.linalg.multi_dot([v, sq, v]),
    md_vec_first: () => torch.linalg.multi_dot([v, sq, sq]),
    md4: () => torch.linalg.multi_dot([m, sq, sq, sq]),
    md5: () => torch.linalg.multi_dot([i.m5, i.m6, i.m7, m, sq]),
    cl_to: () => x.to(CL),
    cl_contiguous: () => x.contiguous(CL),
    cl_clone: () => x.clone(CL),
    cl_to_double: () => x.to(CL).double(),
    cl_to_contiguous_format: () => x.to(CL).to({ memory_format: torch.contiguous_format }),
    cl_back: () => x.to(CL).contiguous(),
    cl_conv: () => F.conv2d(x.to(CL), i.wc),
    cl_bn: () => new nn.BatchNorm2d(4)(x.to(CL)),
    cl_relu: () => F.relu(x.to(CL)),
    cl_add: () => x.to(CL).add(1),
    cl_mul: () => x.to(CL).mul(x),
    cl_maxpool: () => F.max_pool2d(x.to(CL), 2),
    cl_avgpool: () => F.avg_pool2d(x.to(CL), 2),
    cl_reshape: () => x.to(CL).reshape(2, -1),
    cl_flatten: () => x.to(CL).flatten(1),
    squeeze__: () => m.unsqueeze(1).mul(1).squeeze_(),
    squeeze__dim: () => m.unsqueeze(1).mul(1).squeeze_(1),
    unsqueeze__: () => m.mul(1).unsqueeze_(0),
    transpose__: () => m.mul(1).transpose_(0, 1),
    swapdims__: () => s.mul(1).swapdims_(0, 2),
    t__: () => m.mul(1).t_(),
    aminmax_min: () => torch.aminmax(m).min,
    aminmax_max_dim: () => torch.aminmax(m, { dim: 1 }).max,
    aminmax_keep: () => m.aminmax({ dim: 0, keepdim: true })[0],
    channel_shuffle: () => F.channel_shuffle(x, 2),
    ChannelShuffle: () => new nn.ChannelShuffle(2)(x) as Tensor,
    native_channel_shuffle: () => F.native_channel_shuffle(x, 2),
  };
}

/** Equal within tol (relative above 1), NaN where torch has NaN. */
function expectValues(actual: Tensor, expected: TJ, tol: number, label: string): void {
  expect(actual.shape, label).toEqual(expected.shape);
  const a = actual.detach().to(torch.float64).reshape(-1).tolist() as number[];
  a.forEach((got, k) => {
    const want = expected.data[k];
    if (Number.isNaN(want)) expect(got, `${label} at ${k}`).toBeNaN();
    else expect(Math.abs(got - want), `${label} at ${k}: ${got} vs ${want}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(want)));
  });
}

function build(key: string): { y: Tensor; i: Record<string, Tensor> } {
  const i = inputs();
  torch.manual_seed(5); // the modules' initial parameters, as the script
  return { y: cases(i)[key](), i };
}

describe("grad_fn graphs of torch 1.13's composite ops (s42)", () => {
  it("the case lists are the script's", () => {
    expect(Object.keys(cases(inputs())).sort()).toEqual(Object.keys(fx.cases).sort());
  });

  it("every result's node and the nodes below it are torch's", () => {
    const wrong: string[] = [];
    for (const [key, c] of Object.entries(fx.cases)) {
      const got = graph(build(key).y.grad_fn as NodeLike | null, c.depth);
      if (JSON.stringify(got) !== JSON.stringify(c.graph)) wrong.push(`${key}:\n  torch ${JSON.stringify(c.graph)}\n  ours  ${JSON.stringify(got)}`);
    }
    expect(wrong).toEqual([]);
  });

  it("values and the gradients of sum(y * W) are torch's (or backward raises torch's error)", () => {
    for (const [key, c] of Object.entries(fx.cases)) {
      const { y, i } = build(key);
      expectValues(y, c.value, 1e-5, `${key} value`);
      if (!c.graph) {
        expect(y.requires_grad, key).toBe(false);
        continue;
      }
      const w = torch.linspace(0.5, 1.5, y.numel()).reshape(y.shape.slice()).to(y.dtype);
      const names = Object.keys(i).filter((k) => i[k].requires_grad);
      const run = () => torch.autograd.grad(y.mul(w).sum(), names.map((k) => i[k]), { allow_unused: true }) as (Tensor | null)[];
      if (c.error !== undefined) {
        expect(run, key).toThrow(c.error);
        continue;
      }
      const grads = run();
      names.forEach((k, n) => {
        const want = c.grads![k];
        const got = grads[n];
        if (want) expectValues(got!, want, 1e-4, `${key} d/d${k}`);
        else if (got) expect(got.abs().sum().item(), `${key} d/d${k} (torch: none)`).toBe(0);
      });
    }
  });

  it("einsum's results and the channels-last copies have torch's strides", () => {
    for (const [key, c] of Object.entries(fx.cases)) {
      if (key.startsWith("ein_") || ["cl_to", "cl_contiguous", "cl_clone", "cl_to_double"].includes(key)) {
        expect(build(key).y.stride(), key).toEqual(c.stride);
      }
    }
  });

  it("a result without a derivative prints grad_fn=<NotImplemented>, as torch", () => {
    const i = inputs();
    expect(String(torch.aminmax(i.m).min)).toBe(fx.printed.aminmax_min);
    expect(String(F.channel_shuffle(i.x.index(":1", ":", ":1", ":2"), 2))).toBe(fx.printed.channel_shuffle);
  });

  it("the rewritten ops pass gradcheck in float64", () => {
    torch.manual_seed(3);
    const r = (...s: number[]): Tensor => torch.randn(...s, { dtype: torch.float64, requires_grad: true });
    const check = (fn: (...t: Tensor[]) => Tensor, xs: Tensor[]) => expect(torch.autograd.gradcheck(fn, xs)).toBe(true);
    check((a, b) => torch.einsum("ij,jk->ki", a, b), [r(3, 4), r(4, 2)]);
    check((a, b, c) => torch.einsum("bn,anm,bm->ba", a, b, c), [r(2, 3), r(2, 3, 3), r(2, 3)]);
    check((a) => torch.einsum("iij->j", a), [r(3, 3, 2)]);
    check((a) => torch.quantile(a, 0.3, { dim: 1 }), [r(3, 5)]);
    check((a, q) => torch.quantile(a, q, { dim: 0 }), [r(5, 2), torch.tensor([0.3, 0.6], { dtype: torch.float64, requires_grad: true })]);
    check((a, w) => torch.cov(a, { aweights: w }), [r(2, 5), torch.rand(5, { dtype: torch.float64 }).add(0.5).requires_grad_()]);
    check((a) => torch.corrcoef(a), [r(3, 5)]);
    check((a, x) => torch.trapezoid(a, x), [r(2, 4), r(4)]);
    check((a, w, b) => F.instance_norm(a, { weight: w, bias: b }), [r(2, 3, 4), r(3), r(3)]);
    check((a, b, w, bias) => F.bilinear(a, b, w, bias), [r(3, 2), r(3, 4), r(2, 2, 4), r(2)]);
    check((a, b, c, d) => torch.linalg.multi_dot([a, b, c, d]), [r(3, 2), r(2, 5), r(5, 1), r(1, 4)]);
    check((a) => a.to({ memory_format: torch.channels_last }), [r(1, 2, 2, 3)]);
  });
});
