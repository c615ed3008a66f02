/**
 * torch.* aliases (lib/tensor/api/index.ts, api/torch_functional.ts, api/torch_utility_functions.ts) and window functions (ops/windows.ts): values of
 * each call in torch's own positional order vs torch 1.13
 * (scripts/fixtures/torch_aliases_fixtures.py), in-place forms, keyword forms and errors.
 */
import { describe, expect, it } from "vitest";
import { F, torch, type Tensor } from "../../../../lib/tensor/index";
import { gradcheck } from "../../../../lib/grading/gradcheck";
import { fixture } from "../nn/helpers";

interface TD {
  shape: number[];
  dtype: string;
  data: (number | string)[];
}
interface LazyCase {
  before: string;
  after: string;
  out: TD;
  state: Record<string, TD>;
}
const fx = fixture<{ lazy: Record<string, LazyCase>; inputs: Record<string, TD>; cases: Record<string, TD[]>; windows: Record<string, TD>; reprs: Record<string, string> }>("core/torch_aliases.json");

const num = (v: number | string) => (v === "nan" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : (v as number));
function fromTD(t: TD): Tensor {
  const dtype = t.dtype === "int64" ? torch.int64 : t.dtype === "float32" ? torch.float32 : torch.float64;
  return torch.tensor(t.data.map(num), { dtype }).reshape(t.shape);
}
const I = new Proxy({} as Record<string, Tensor>, { get: (_, k: string) => fromTD(fx.inputs[k]) });
const lin = (shape: number[], lo = -2, hi = 2) => torch.linspace(lo, hi, shape.reduce((a, b) => a * b, 1), { dtype: torch.float64 }).reshape(shape);
const sl = (t: Tensor, col: number) => t.select(1, col);
const d64 = (v: number[] | number[][]) => torch.tensor(v, { dtype: torch.float64 });
const eyePlus = (n: number, k: number) => torch.eye(n, { dtype: torch.float64 }).add(lin([n, n]).mul(k));

function expectClose(got: Tensor, want: TD, tol = 1e-10) {
  expect(got.shape).toEqual(want.shape);
  const g = got.reshape(-1).tolist() as number[];
  want.data.map(num).forEach((w, i) => {
    if (Number.isNaN(w)) expect(g[i]).toBeNaN();
    else expect(Math.abs(g[i] - w)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(w)));
  });
}

const cases: Record<string, () => Tensor | Tensor[]> = {
  conv1d: () => torch.conv1d(I.x, I.w1, I.b3, 2, 1, 1, 1),
  conv2d: () => torch.conv2d(I.img, I.w2, I.b2, 1, 1, 1, 1),
  conv3d: () => torch.conv3d(I.vol, I.w3, null, 1, 1),
  conv_transpose1d: () => torch.conv_transpose1d(I.x, I.wt1, null, 2, 1, 1),
  conv_transpose2d: () => torch.conv_transpose2d(I.img, I.wt2, null, 2, 0, 1),
  conv_transpose3d: () => torch.conv_transpose3d(I.vol, I.wt3, null, 1, 0),
  dropout_eval: () => torch.dropout(I.a, 0.5, false),
  layer_norm: () => torch.layer_norm(I.x, [5], I.g5, I.h5, 1e-3),
  batch_norm_train: () => torch.batch_norm(I.img, I.g2, I.h2, I.rm, I.rv, true, 0.2, 1e-4, false),
  batch_norm_eval: () => torch.batch_norm(I.img, I.g2, I.h2, I.rm, I.rv, false, 0.1, 1e-5, false),
  group_norm: () => torch.group_norm(I.img, 2, I.g2, I.h2, 1e-4),
  instance_norm: () => torch.instance_norm(I.img, I.g2, I.h2, null, null, true, 0.1, 1e-5, false),
  max_pool1d: () => torch.max_pool1d(I.x, 2, 1, 1),
  max_pool2d: () => torch.max_pool2d(I.img.sin(), 2, 2),
  max_pool3d: () => torch.max_pool3d(I.vol.cos(), 2, 1),
  max_pool1d_with_indices: () => torch.max_pool1d_with_indices(I.x.sin(), 3, 2),
  avg_pool1d: () => torch.avg_pool1d(I.x, 3, 2, 1, false, false),
  adaptive_avg_pool1d: () => torch.adaptive_avg_pool1d(I.x, 3),
  adaptive_max_pool1d: () => torch.adaptive_max_pool1d(I.x.cos(), 2),
  embedding: () => torch.embedding(I.emb, I.idx),
  pixel_shuffle: () => torch.pixel_shuffle(lin([1, 4, 2, 2]), 2),
  pixel_unshuffle: () => torch.pixel_unshuffle(I.img, 2),
  channel_shuffle: () => torch.channel_shuffle(lin([1, 4, 2, 2]), 2),
  prelu: () => torch.prelu(I.img, I.a1),
  celu: () => torch.celu(I.a, 0.7),
  rrelu_eval: () => torch.rrelu(I.a, 0.1, 0.3, false),
  hardshrink: () => torch.hardshrink(I.a, 0.6),
  threshold: () => torch.threshold(I.a, 0.2, -5.0),
  bilinear: () => torch.bilinear(I.a.narrow(1, 0, 5), I.b.narrow(1, 0, 4), I.bw, I.bb),
  cosine_similarity: () => torch.cosine_similarity(I.a, I.b, 0, 1e-6),
  pairwise_distance: () => torch.pairwise_distance(I.a, I.b, 1.5, 1e-6, true),
  pdist: () => torch.pdist(I.a, 3.0),
  kl_div: () => torch.kl_div(I.logp, I.prob, 2),
  kl_div_log_target: () => torch.kl_div(I.logp, I.prob.log(), 0, { log_target: true }),
  ctc_loss: () => torch.ctc_loss(I.ctc_lp, I.ctc_t, [6, 5], [3, 2], 0, 0, false),
  cosine_embedding_loss: () => torch.cosine_embedding_loss(I.a, I.b, I.t4, 0.1, 0),
  margin_ranking_loss: () => torch.margin_ranking_loss(sl(I.a, 0), sl(I.b, 0), I.t4, 0.2, 2),
  hinge_embedding_loss: () => torch.hinge_embedding_loss(sl(I.a, 0), I.t4, 0.5, 1),
  triplet_margin_loss: () => torch.triplet_margin_loss(I.a, I.b, I.c, 0.5, 1.0, 1e-6, true, 0),
  poisson_nll_loss: () => torch.poisson_nll_loss(I.rate, I.cnt, false, true, 1e-8, 1),
  nextafter: () => torch.nextafter(torch.tensor([1, 0, -1, Infinity, 2, -0], { dtype: torch.float64 }), torch.tensor([2, 1, -2, 0, 2, -1], { dtype: torch.float64 })),
  nextafter_f32: () => torch.nextafter(torch.tensor([1, 0, -1, 3.5]), torch.tensor([2, -1, 0, 3])),
  gradient: () => torch.gradient(I.a.exp()),
  gradient_spacing_edge2: () => torch.gradient(I.a.exp(), { spacing: 2.0, dim: 1, edge_order: 2 }),
  gradient_coordinates: () => torch.gradient(I.a.exp(), { spacing: [torch.tensor([0, 1, 3, 4, 4.5])], dim: 1 }),
  gradient_coordinates_edge2: () => torch.gradient(I.a.exp(), { spacing: [torch.tensor([0, 0.5, 2, 2.5]), torch.tensor([0, 1, 3, 4, 4.5])], edge_order: 2 }),
  gradient_list_dims: () => torch.gradient(I.x.sin(), { spacing: [0.5, 2.0], dim: [0, 2] }),
  cumulative_trapezoid: () => torch.cumulative_trapezoid(I.a.exp()),
  cumulative_trapezoid_dx: () => torch.cumulative_trapezoid(I.a.exp(), { dx: 0.5, dim: 0 }),
  cumulative_trapezoid_x: () => torch.cumulative_trapezoid(I.a.exp(), torch.tensor([0, 1, 3, 4, 4.5])),
  range: () => torch.range(1, 4),
  range_step: () => torch.range(0, 1, 0.25),
  range_neg: () => torch.range(3, -2, -1.5),
  linalg_vander: () => torch.linalg.vander(I.g5),
  linalg_vander_N: () => torch.linalg.vander(I.a.narrow(0, 0, 2).narrow(1, 0, 3), { N: 4 }),
  linalg_vecdot: () => torch.linalg.vecdot(I.a, I.b),
  linalg_vecdot_dim0: () => torch.linalg.vecdot(I.a, I.b, { dim: 0 }),
  linalg_diagonal: () => torch.linalg.diagonal(I.x, { offset: 1 }),
  linalg_diagonal_dims: () => torch.linalg.diagonal(I.x, { offset: -1, dim1: 0, dim2: 2 }),
  linalg_tensorinv: () => torch.linalg.tensorinv(eyePlus(4, 0.1).reshape(4, 2, 2), { ind: 1 }),
  linalg_tensorsolve: () => torch.linalg.tensorsolve(eyePlus(6, 0.1).reshape(2, 3, 6), lin([2, 3])),
  linalg_tensorsolve_dims: () => torch.linalg.tensorsolve(eyePlus(6, 0.1).reshape(6, 2, 3), lin([2, 3]), [0]),
  linalg_solve_ex: () => [...torch.linalg.solve_ex(eyePlus(3, 0.2), lin([3, 2]))],
  linalg_solve_ex_singular: () => [...torch.linalg.solve_ex(torch.zeros(2, 2, { dtype: torch.float64 }), torch.ones(2, { dtype: torch.float64 }))],
  linalg_lu_factor_ex: () => [...torch.linalg.lu_factor_ex(eyePlus(3, 0.7))],
  ConstantPad3d: () => new torch.nn.ConstantPad3d([1, 0, 0, 1, 2, 0], 3.5).forward(I.vol),
  ReflectionPad3d: () => new torch.nn.ReflectionPad3d(1).forward(I.vol.sin()),
  ReplicationPad3d: () => new torch.nn.ReplicationPad3d([0, 1, 2, 0, 1, 1]).forward(I.vol.cos()),
  linalg_householder_product: () => torch.linalg.householder_product(lin([4, 3], -1, 1.2), d64([1.2, 0.4, 1.7])),
  linalg_householder_product_batch: () => torch.linalg.householder_product(lin([2, 3, 3]).sin(), d64([[1.1, 0.3], [0.2, 1.9]])),
  mha_packed: () => {
    const kpm = torch.tensor([[false, false, false, true, false], [false, true, false, false, false]]);
    return F.multi_head_attention_forward(lin([3, 2, 4]).sin(), lin([5, 2, 4]).cos(), lin([5, 2, 4]), 4, 2, lin([12, 4], -0.5, 0.5), lin([12], -0.1, 0.1),
      null, null, false, 0.0, lin([4, 4], -0.3, 0.4), lin([4], 0, 0.1), true, kpm, true, lin([3, 5], -0.2, 0.3)) as Tensor[];
  },
  mha_bias_zero_attn: () => {
    const mask = torch.tensor([0, 1, 2].map(() => [false, true, false, false, false]));
    return F.multi_head_attention_forward(lin([3, 2, 4]).sin(), lin([5, 2, 4]).cos(), lin([5, 2, 4]), 4, 2, lin([12, 4], -0.5, 0.5), lin([12], -0.1, 0.1),
      lin([1, 1, 4], 0.1, 0.4), lin([1, 1, 4], -0.4, 0.2), true, 0.0, lin([4, 4], -0.3, 0.4), null, true, null, true, mask, { average_attn_weights: false }) as Tensor[];
  },
  mha_separate_unbatched: () =>
    F.multi_head_attention_forward(lin([3, 4]).sin(), lin([5, 4]).cos(), lin([5, 4]), 4, 1, null, lin([12], -0.1, 0.1), null, null, false, 0.0, lin([4, 4], -0.3, 0.4), lin([4], 0, 0.1), false,
      null, true, null, true, lin([4, 4], -0.5, 0.2), lin([4, 4], 0.1, 0.6), lin([4, 4], -0.2, 0.3)) as Tensor[],
  F_max_pool3d_with_indices: () => F.max_pool3d_with_indices(lin([2, 2, 4, 5, 5]).sin().mul(lin([2, 2, 4, 5, 5]).cos()), 2, 1, 1, 1, false),
  F_max_pool3d_with_indices_ceil_dil: () => F.max_pool3d_with_indices(lin([1, 2, 5, 6, 5]).sin(), [2, 3, 2], [2, 2, 1], 0, [1, 1, 2], true),
  F_max_pool3d_with_indices_unbatched: () => F.max_pool3d_with_indices(lin([2, 3, 3, 4]).cos(), 2),
  F_adaptive_max_pool3d_with_indices: () => F.adaptive_max_pool3d_with_indices(lin([2, 2, 5, 4, 7]).sin(), [2, 3, 3]),
  F_adaptive_max_pool1d_with_indices: () => F.adaptive_max_pool1d_with_indices(I.x.sin(), 3),
  F_adaptive_max_pool2d_with_indices: () => F.adaptive_max_pool2d_with_indices(I.img.cos(), [3, 2]),
  bce_with_logits: () => torch.binary_cross_entropy_with_logits(sl(I.a, 0), I.p4, null, torch.tensor(2.0, { dtype: torch.float64 }), 0),
};

describe("torch.* functional forms in torch's argument order", () => {
  it("covers every fixture case", () => expect(Object.keys(cases).sort()).toEqual(Object.keys(fx.cases).sort()));
  for (const [name, run] of Object.entries(cases)) {
    it(`${name} equals torch 1.13's`, () => {
      const got = run();
      const list = Array.isArray(got) ? got : [got];
      const want = fx.cases[name];
      expect(list.length).toBe(want.length);
      list.forEach((g, i) => expectClose(g, want[i], g.dtype === torch.float32 ? 1e-7 : 1e-10));
    });
  }

  it("keyword forms equal the positional ones; torch's required arguments are required", () => {
    expect(torch.dropout(I.a, { p: 0.5, train: false }).tolist()).toEqual(I.a.tolist());
    expect(() => torch.dropout(I.a, 0.5 as never)).toThrow("dropout() missing 1 required positional argument: 'train'");
    expect(() => torch.batch_norm(I.img, null, null, null, null, true as never)).toThrow("batch_norm() missing 3 required positional arguments: 'momentum', 'eps' and 'cudnn_enabled'");
    expect(torch.kl_div(I.logp, I.prob, { reduction: "sum" }).item()).toBeCloseTo(torch.kl_div(I.logp, I.prob, 2).item(), 12);
    expect(() => torch.kl_div(I.logp, I.prob, 3 as never)).toThrow("kl_div(): 3 is not a valid value for reduction");
    expect(torch.embedding(I.emb, I.idx, { padding_idx: 1 }).tolist()).toEqual(F.embedding(I.idx, I.emb, { padding_idx: 1 }).tolist());
    expect(() => torch.dropout(I.a, 0.5, false, { inplace: true } as never)).toThrow("unexpected keyword argument 'inplace'");
  });

  it("torch.dropout in training zeroes and rescales as F.dropout with the same seed", () => {
    torch.manual_seed(3);
    const a = torch.dropout(I.a, 0.3, true);
    torch.manual_seed(3);
    expect(a.tolist()).toEqual(F.dropout(I.a, 0.3, true).tolist());
  });
});

describe("in-place torch.X_(t) forms", () => {
  it("modify their argument, return it, and equal the out-of-place op", () => {
    const unary = ["exp", "sqrt", "abs", "sigmoid", "tanh", "relu", "neg", "floor", "ceil", "trunc", "frac", "sin", "cos", "log1p", "expm1", "square", "reciprocal", "rsqrt", "erf", "deg2rad"] as const;
    for (const name of unary) {
      const x = torch.tensor([0.25, 1.5, 2.75], { dtype: torch.float64 });
      const want = (x as unknown as Record<string, () => Tensor>)[name]().tolist();
      const r = (torch as unknown as Record<string, (t: Tensor) => Tensor>)[`${name}_`](x);
      expect(r).toBe(x);
      expect(x.tolist()).toEqual(want);
    }
    const c = torch.tensor([-2, 0.5, 3], { dtype: torch.float64 });
    torch.clamp_(c, -1, 1);
    expect(c.tolist()).toEqual([-1, 0.5, 1]);
    torch.fill_(c, 7);
    expect(c.tolist()).toEqual([7, 7, 7]);
    torch.zero_(c);
    expect(c.tolist()).toEqual([0, 0, 0]);
  });

  it("a leaf that requires grad is refused, unchanged; a non-tensor is a TypeError", () => {
    const w = torch.ones(2, { requires_grad: true });
    expect(() => torch.exp_(w)).toThrow("a leaf Variable that requires grad is being used in an in-place operation");
    expect(w.tolist()).toEqual([1, 1]);
    expect(() => torch.relu_(3 as never)).toThrow("relu_(): argument 'input' (position 1) must be Tensor, not int");
  });

  it("the constants", () => {
    expect([torch.e, torch.pi, torch.inf]).toEqual([Math.E, Math.PI, Infinity]);
    expect(torch.nan).toBeNaN();
  });
});

describe("window functions", () => {
  const fns = { hann_window: torch.hann_window, hamming_window: torch.hamming_window, blackman_window: torch.blackman_window, bartlett_window: torch.bartlett_window, kaiser_window: torch.kaiser_window };
  for (const [name, fn] of Object.entries(fns)) {
    it(`${name}: periodic and symmetric, lengths 0..8, vs torch 1.13`, () => {
      for (const n of [0, 1, 2, 7, 8]) {
        for (const periodic of [true, false]) {
          const w = fn(n, periodic, { dtype: torch.float64 });
          expect(w.dtype).toBe(torch.float64);
          expectClose(w, fx.windows[`${name}_${n}_${periodic ? "True" : "False"}`], 1e-12);
        }
      }
    });
  }

  it("parameters, dtypes and errors", () => {
    expectClose(torch.hamming_window(9, true, 0.6, 0.4, { dtype: torch.float64 }), fx.windows["hamming_window_9_True_0.6_0.4"], 1e-12);
    expectClose(torch.kaiser_window(9, { periodic: false, beta: 5.0, dtype: torch.float64 }), fx.windows["kaiser_window_9_False_5.0"], 1e-12);
    const f32 = torch.hann_window(6);
    expect(f32.dtype).toBe(torch.float32);
    expectClose(f32, fx.windows.hann_window_float32_6, 1e-6);
    expect(() => torch.hann_window(-1)).toThrow("hann_window requires non-negative window_length, got window_length=-1");
    expect(() => torch.hann_window(3, { dtype: torch.int64 })).toThrow("hann_window expects floating point dtypes");
    expect(() => torch.kaiser_window(3, { beta2: 1 } as never)).toThrow("unexpected keyword argument 'beta2'");
  });
});

describe("gradient, cumulative_trapezoid, range and the small torch.* helpers", () => {
  it("gradient and cumulative_trapezoid are differentiable (float64 gradcheck)", () => {
    const y = torch.tensor([[0.3, -1.2, 2, 0.7, 1.1], [1.5, 0.2, -0.4, 0.9, -2]], { dtype: torch.float64 });
    const xs = torch.tensor([0, 1, 3, 4, 4.5], { dtype: torch.float64 });
    expect(gradcheck((t) => torch.gradient(t, { edge_order: 2, dim: 1 })[0], [y.clone().requires_grad_(true)])).toBe(true);
    expect(gradcheck((t) => torch.gradient(t, { spacing: [xs], dim: 1, edge_order: 2 })[0], [y.clone().requires_grad_(true)])).toBe(true);
    expect(gradcheck((t) => torch.cumulative_trapezoid(t, xs), [y.clone().requires_grad_(true)])).toBe(true);
    expect(gradcheck((t) => torch.cumulative_trapezoid(y, t), [xs.clone().requires_grad_(true)])).toBe(true);
  });

  it("PyTorch's errors", () => {
    expect(() => torch.gradient(torch.tensor([1]))).toThrow("torch.gradient expected each dimension size to be at least edge_order+1");
    expect(() => torch.gradient(torch.ones(3), { edge_order: 3 })).toThrow("torch.gradient only supports edge_order=1 and edge_order=2.");
    expect(() => torch.nextafter(torch.tensor([1]).long(), torch.tensor([2]).long())).toThrow(`"nextafter_cpu" not implemented for 'Long'`);
    expect(() => torch.range(0, 1, 0)).toThrow("step must be nonzero");
    expect(() => torch.cumulative_trapezoid(torch.ones(3), torch.ones(3), { dx: 1 })).toThrow("received both x and dx");
  });

  it("range warns that it is deprecated; Size, typename, is_storage, asarray, row_stack, concatenate, unflatten", () => {
    const warn = console.warn;
    const seen: string[] = [];
    console.warn = (m: string) => seen.push(m);
    try {
      torch.range(0, 2);
    } finally {
      console.warn = warn;
    }
    expect(seen[0]).toMatch(/torch.range is deprecated/);
    expect(torch.Size([2, 3])).toEqual([2, 3]);
    expect(() => torch.Size([2.5])).toThrow("torch.Size() takes an iterable of 'int' (item 0 is 'float')");
    expect([torch.typename(torch.zeros(1)), torch.typename(torch.zeros(1).long()), torch.typename(new torch.nn.Linear(1, 1))]).toEqual(["torch.FloatTensor", "torch.LongTensor", "Linear"]);
    expect(torch.is_storage(torch.zeros(1))).toBe(false);
    const t = torch.ones(2);
    expect(torch.asarray(t)).toBe(t);
    expect(torch.asarray(t, { copy: true })).not.toBe(t);
    expect(torch.asarray(t, { dtype: torch.float64 }).dtype).toBe(torch.float64);
    expect(() => torch.asarray(t, { dtype: torch.float64, copy: false })).toThrow("can't alias tensor");
    expect(torch.asarray([[1, 2]]).shape).toEqual([1, 2]);
    expect(torch.row_stack([torch.ones(2), torch.zeros(2)]).tolist()).toEqual([[1, 1], [0, 0]]);
    expect(torch.concatenate([torch.ones(1), torch.zeros(1)]).tolist()).toEqual([1, 0]);
    expect(torch.unflatten(torch.arange(6), 0, [2, 3]).shape).toEqual([2, 3]);
    expect([torch.is_signed(t), torch.is_signed(t.gt(0)), torch.is_same_size(t, torch.zeros(2)), torch.get_device(t)]).toEqual([true, false, true, -1]);
  });
});

describe("Tensor aliases", () => {
  const d = (v: number[]) => torch.tensor(v, { dtype: torch.float64 });
  it("second names equal the first ones", () => {
    const a = d([1, -2, 3]), b = d([2, 2, -1]);
    expect(a.divide(b).tolist()).toEqual(a.div(b).tolist());
    expect(a.divide(b, { rounding_mode: "floor" }).tolist()).toEqual(a.div(b, { rounding_mode: "floor" }).tolist());
    expect(a.multiply(b).tolist()).toEqual(a.mul(b).tolist());
    expect(a.subtract(b, { alpha: 2 }).tolist()).toEqual(a.sub(b, { alpha: 2 }).tolist());
    expect(a.greater_equal(b).tolist()).toEqual(a.ge(b).tolist());
    expect(a.less_equal(b).tolist()).toEqual(a.le(b).tolist());
    expect(a.not_equal(b).tolist()).toEqual(a.ne(b).tolist());
    for (const [name, ref] of [["divide_", "div"], ["multiply_", "mul"], ["subtract_", "sub"], ["greater_", "gt"], ["greater_equal_", "ge"], ["less_", "lt"], ["less_equal_", "le"], ["not_equal_", "ne"]] as const) {
      const x = a.clone();
      const r = (x as unknown as Record<string, (o: Tensor) => Tensor>)[name](b);
      expect(r).toBe(x);
      expect(x.tolist()).toEqual((a as unknown as Record<string, (o: Tensor) => Tensor>)[ref](b).to(torch.float64).tolist());
    }
    expect(torch.zeros(2, 3).ndimension()).toBe(2);
    const s = torch.zeros(2, 3);
    expect(s.swapaxes_(0, 1).shape).toEqual([3, 2]);
    expect(s.swapdims_(0, 1).shape).toEqual([2, 3]);
  });

  it("in-place forms equal the op, record gradients and refuse leaves", () => {
    const M = torch.arange(6, { dtype: torch.float64 }).reshape(2, 3).div(4);
    const v = d([1, 2, 3]);
    const one = (name: string, x: Tensor, ...args: unknown[]) => {
      const want = (x as unknown as Record<string, (...a: unknown[]) => Tensor>)[name.replace(/_$/, "").replace(/^arc(sinh|cosh|tanh)$/, "a$1")](...args).tolist();
      const y = x.clone();
      expect((y as unknown as Record<string, (...a: unknown[]) => Tensor>)[name](...args)).toBe(y);
      expect(y.tolist()).toEqual(want);
    };
    one("addmv_", d([1, 1]), M, v);
    one("addr_", M, d([1, 2]), v);
    one("addbmm_", M, M.unsqueeze(0), torch.ones(1, 3, 3, { dtype: torch.float64 }));
    one("baddbmm_", M.unsqueeze(0), M.unsqueeze(0), torch.ones(1, 3, 3, { dtype: torch.float64 }));
    one("cumprod_", v, 0);
    one("copysign_", v, d([-1, 1, -1]));
    one("heaviside_", d([-1, 0, 2]), d([0.5, 0.5, 0.5]));
    one("float_power_", v, 2);
    one("erfc_", v);
    one("asinh_", v);
    one("acosh_", v);
    one("atanh_", d([0.1, -0.5, 0.9]));
    one("arcsinh_", v);
    one("arccosh_", v);
    one("arctanh_", d([0.1, -0.5, 0.9]));
    one("nextafter_", v, d([0, 5, 3]));
    expect(() => torch.ones(2).float_power_(2)).toThrow("the base given to float_power_ has dtype Float but the operation's result requires dtype Double");
    const w = d([0.5, 0.2]).requires_grad_(true);
    expect(() => w.asinh_()).toThrow("a leaf Variable that requires grad");
    expect(w.tolist()).toEqual([0.5, 0.2]);
    expect(gradcheck((t) => t.mul(1).asinh_().mul(t), [d([0.5, -0.2, 1.5]).requires_grad_(true)])).toBe(true);
    expect(gradcheck((t) => t.mul(1).cumprod_(0), [d([0.5, -0.2, 1.5]).requires_grad_(true)])).toBe(true);
  });

  it("resize_ / resize_as_ as PyTorch: memory-order reinterpretation, growth, refusal with grad", () => {
    const x = torch.arange(6, { dtype: torch.float64 });
    expect(x.resize_(2, 2)).toBe(x);
    expect(x.tolist()).toEqual([[0, 1], [2, 3]]);
    const y = torch.arange(3, { dtype: torch.float64 });
    y.resize_([5]);
    expect(y.shape).toEqual([5]);
    expect(y.narrow(0, 0, 3).tolist()).toEqual([0, 1, 2]);
    const w = torch.tensor([[1, 2, 3], [4, 5, 6]]).t();
    expect(w.resize_(4).tolist()).toEqual([1, 2, 3, 4]);
    expect(torch.ones(2).resize_as_(torch.zeros(1, 2)).shape).toEqual([1, 2]);
    const g = torch.ones(2, { requires_grad: true });
    expect(() => g.resize_(3)).toThrow("cannot resize variables that require grad");
    expect(g.shape).toEqual([2]);
    expect(() => torch.ones(2).resize_(-1)).toThrow("numel: integer multiplication overflow");
  });

  it("device and layout questions, legacy new, new_empty_strided", () => {
    const x = torch.zeros(2).long();
    expect([x.is_cpu, x.is_sparse, x.is_quantized, x.is_meta, x.get_device(), x.is_signed()]).toEqual([true, false, false, false, -1, true]);
    expect(x.is_same_size(torch.ones(2))).toBe(true);
    expect(x.is_same_size(torch.ones(2, 1))).toBe(false);
    expect(x.new([1, 2, 3]).dtype).toBe(torch.int64);
    expect(x.new(2, 3).shape).toEqual([2, 3]);
    expect(x.new().shape).toEqual([0]);
    expect(x.new_empty_strided([2, 2], [2, 1]).shape).toEqual([2, 2]);
  });
});

describe("dtypes the engine does not store", () => {
  it("exist and print as PyTorch's; creating or converting a tensor with one is one clear error", () => {
    const names = ["float16", "bfloat16", "half"] as const;
    for (const n of names) {
      const dt = torch[n];
      expect(String(dt)).toBe(`torch.${n === "half" ? "float16" : n}`);
      const message = new RegExp(`^${String(dt).replace(".", "\\.")} is not supported by Gradbook's tensor engine, which stores float32, float64, int64, int32, int16, int8, uint8 and bool tensors only\\.`);
      for (const make of [
        () => torch.zeros(2, { dtype: dt as never }),
        () => torch.tensor([1, 2], { dtype: dt as never }),
        () => torch.ones(2).to(dt as never),
        () => torch.arange(3, { dtype: dt as never }),
        () => torch.randn(2, { dtype: dt as never }),
        () => torch.full([2], 1, { dtype: dt as never }),
      ]) {
        expect(make).toThrow(message);
      }
    }
    expect(torch.half).toBe(torch.float16);
  });

  it("int8 / int16 / int32 are stored (core/int_dtypes.test.ts); torch.int and torch.short are the same objects", () => {
    expect(torch.int).toBe(torch.int32);
    expect(torch.short).toBe(torch.int16);
    for (const n of ["int8", "int16", "int32"] as const) expect(torch.zeros(2, { dtype: torch[n] }).dtype).toBe(torch[n]);
  });
});

describe("linalg, nn and init leftovers", () => {
  const d = (v: number[]) => torch.tensor(v, { dtype: torch.float64 });
  it("linalg.vander, vecdot, tensorinv and tensorsolve are differentiable (float64 gradcheck)", () => {
    expect(gradcheck((x) => torch.linalg.vander(x, { N: 4 }), [d([0.5, -1.2, 2]).requires_grad_(true)])).toBe(true);
    expect(gradcheck((x, y) => torch.linalg.vecdot(x, y), [d([0.5, -1.2, 2]).requires_grad_(true), d([1, 2, -0.5]).requires_grad_(true)])).toBe(true);
    expect(gradcheck((A) => torch.linalg.tensorinv(A, 1), [eyePlus(4, 0.1).reshape(4, 2, 2).requires_grad_(true)])).toBe(true);
    expect(gradcheck((A, B) => torch.linalg.tensorsolve(A, B), [eyePlus(4, 0.1).reshape(2, 2, 4).requires_grad_(true), lin([2, 2]).requires_grad_(true)])).toBe(true);
  });

  it("linalg.householder_product is differentiable in A and tau; PyTorch's errors", () => {
    expect(gradcheck((A, t) => torch.linalg.householder_product(A, t), [lin([4, 3], -1, 1.2).requires_grad_(true), d64([1.2, 0.4]).requires_grad_(true)])).toBe(true);
    expect(() => torch.linalg.householder_product(torch.ones(3), torch.ones(1))).toThrow("torch.linalg.householder_product: input must have at least 2 dimensions.");
    expect(() => torch.linalg.householder_product(torch.ones(2, 3), torch.ones(1))).toThrow("input.shape[-2] must be greater than or equal to input.shape[-1]");
    expect(() => torch.linalg.householder_product(torch.ones(3, 2), torch.ones(3))).toThrow("input.shape[-1] must be greater than or equal to tau.shape[-1]");
    expect(() => torch.linalg.householder_product(torch.ones(2, 3, 2), torch.ones(3, 1))).toThrow("Expected batch dimensions of tau to be equal to input.shape[:-2], but got [3]");
  });

  it("F.multi_head_attention_forward is differentiable in query and the projections (float64 gradcheck)", () => {
    const f = (q: Tensor, w: Tensor) =>
      F.multi_head_attention_forward(q, lin([4, 1, 4]).cos(), lin([4, 1, 4]), 4, 2, w, null, null, null, false, 0.0, lin([4, 4], -0.3, 0.4), null, true, null, false)[0] as Tensor;
    expect(gradcheck(f, [lin([2, 1, 4]).sin().requires_grad_(true), lin([12, 4], -0.5, 0.5).requires_grad_(true)])).toBe(true);
    expect(() => F.multi_head_attention_forward(lin([2, 1, 4]), lin([2, 1, 4]), lin([2, 1, 4]), 6, 2, null, null, null, null, false, 0, lin([4, 4]), null)).toThrow("was expecting embedding dimension of 6, but got 4");
  });

  it("3-D max pools with indices route gradients to the argmax (float64 gradcheck)", () => {
    expect(gradcheck((x) => F.max_pool3d_with_indices(x, 2, 1, 1)[0], [lin([1, 1, 3, 3, 4]).sin().requires_grad_(true)])).toBe(true);
    expect(gradcheck((x) => F.adaptive_max_pool3d_with_indices(x, [2, 2, 3])[0], [lin([1, 2, 3, 3, 4]).cos().requires_grad_(true)])).toBe(true);
    expect(() => F.max_pool3d_with_indices(lin([2, 3, 3]), 2)).toThrow("max_pool3d_with_indices: Expected 4D or 5D tensor for input, but got: 3D");
  });

  it("their errors and named results", () => {
    expect(() => torch.linalg.vander(d([1, 2]), { N: 1 })).toThrow("N must be greater than 1.");
    expect(() => torch.linalg.tensorinv(torch.ones(2, 3), 1)).toThrow("Expected self to satisfy the requirement prod(self.shape[ind:]) == prod(self.shape[:ind]), but got 3 != 2");
    expect(() => torch.linalg.tensorinv(torch.ones(2, 2), { ind: 0 })).toThrow("Expected a strictly positive integer for 'ind', but got 0");
    expect(() => torch.linalg.solve_ex(torch.zeros(2, 2), torch.ones(2), { check_errors: true })).toThrow();
    const r = torch.linalg.lu_factor_ex(eyePlus(3, 0.7));
    expect([r.LU, r.pivots, r.info]).toEqual([...r]);
    expect(torch.linalg.solve_ex(eyePlus(3, 0.2), lin([3, 2])).result).toBeInstanceOf(torch.Tensor);
  });

  it("3-D padding layers print as PyTorch's; bad padding is an error", () => {
    expect(String(new torch.nn.ConstantPad3d([1, 0, 0, 1, 2, 0], 3.5))).toBe(fx.reprs.ConstantPad3d);
    expect(String(new torch.nn.ReflectionPad3d(1))).toBe(fx.reprs.ReflectionPad3d);
    expect(String(new torch.nn.ReplicationPad3d([0, 1, 2, 0, 1, 1]))).toBe(fx.reprs.ReplicationPad3d);
    expect(String(new torch.nn.ConstantPad3d({ padding: 1, value: 2 }))).toBe(String(new torch.nn.ConstantPad3d(1, 2)));
    expect(() => new torch.nn.ReflectionPad3d([1, 1])).toThrow("ReflectionPad3d: padding must be an int or a tuple of 6 ints, got (1, 1)");
  });

  const f32 = (shape: number[]) => lin(shape).float();
  const lazyCases: Record<string, [() => InstanceType<typeof torch.nn.Module>, Tensor]> = {
    LazyConvTranspose1d: [() => new torch.nn.LazyConvTranspose1d(4, 3, { stride: 2 }), f32([2, 3, 5])],
    LazyConvTranspose2d: [() => new torch.nn.LazyConvTranspose2d(2, [2, 3], 1, 1, 0, 1, false), f32([1, 3, 4, 4])],
    LazyConvTranspose3d: [() => new torch.nn.LazyConvTranspose3d(2, 2), f32([1, 2, 3, 3, 3])],
    LazyInstanceNorm1d: [() => new torch.nn.LazyInstanceNorm1d({ affine: true }), f32([2, 3, 5])],
    LazyInstanceNorm2d: [() => new torch.nn.LazyInstanceNorm2d(1e-3, 0.2, false, true), f32([2, 3, 4, 4]).sin()],
    LazyInstanceNorm3d: [() => new torch.nn.LazyInstanceNorm3d(), f32([1, 2, 3, 3, 3]).cos()],
  };
  for (const [name, [make, x]] of Object.entries(lazyCases)) {
    it(`${name}: repr before and after the first call, seeded parameters, output and buffers equal torch 1.13's`, () => {
      const c = fx.lazy[name];
      torch.manual_seed(0);
      const m = make();
      expect(String(m)).toBe(c.before);
      const y = m.forward(x) as Tensor;
      expect(String(m)).toBe(c.after);
      expectClose(y, c.out, 1e-5);
      const state = m.state_dict();
      expect(Object.keys(state).sort()).toEqual(Object.keys(c.state).sort());
      for (const [k, v] of Object.entries(c.state)) expectClose(state[k], v, 1e-6);
    });
  }

  it("nn.RNNBase / RNNCellBase are the recurrent layers' base classes", () => {
    expect(new torch.nn.LSTM(2, 3)).toBeInstanceOf(torch.nn.RNNBase);
    expect(new torch.nn.GRU(2, 3)).toBeInstanceOf(torch.nn.RNNBase);
    expect(new torch.nn.GRUCell(2, 3)).toBeInstanceOf(torch.nn.RNNCellBase);
    expect(new torch.nn.LSTMCell(2, 3)).not.toBeInstanceOf(torch.nn.RNNBase);
  });

  it("nn.init's deprecated names warn as PyTorch and give the _ form's values", () => {
    const init = torch.nn.init as unknown as Record<string, (t: Tensor, ...r: unknown[]) => Tensor>;
    const cases: [string, unknown[], number[]][] = [
      ["uniform", [-1, 2], [3, 4]], ["normal", [1, 0.5], [3, 4]], ["constant", [0.25], [3, 4]], ["eye", [], [3, 4]],
      ["dirac", [], [2, 2, 3]], ["xavier_uniform", [2], [3, 4]], ["xavier_normal", [], [3, 4]], ["kaiming_uniform", [{ a: 0.1 }], [3, 4]],
      ["kaiming_normal", [0, "fan_out"], [3, 4]], ["orthogonal", [], [3, 4]], ["sparse", [0.5], [4, 3]],
    ];
    const warn = console.warn;
    try {
      for (const [name, args, shape] of cases) {
        const seen: string[] = [];
        console.warn = (m: string) => seen.push(m);
        torch.manual_seed(5);
        const a = init[name](torch.empty(shape), ...args);
        torch.manual_seed(5);
        const b = init[`${name}_`](torch.empty(shape), ...args);
        expect(seen).toEqual([`UserWarning: nn.init.${name} is now deprecated in favor of nn.init.${name}_.`]);
        expect(a.tolist()).toEqual(b.tolist());
        expect(init[name].name).toBe(name);
      }
    } finally {
      console.warn = warn;
    }
  });
});
