/**
 * Puzzle collections as their solvers write them, translated to the engine:
 *  - Sasha Rush's Tensor Puzzles (srush/Tensor-Puzzles): the 21 puzzles from `arange` (torch.tensor(range(i))) and
 *    `where` ((q * a) + (~q) * b) with broadcasting and indexing only, each against torch's built-in on the spec inputs;
 *  - the Autodiff Puzzles (srush/Autodiff-Puzzles, its JAX translated to torch): each function and a hand-derived
 *    Jacobian written with the same broadcasting, checked against autograd one output row at a time through
 *    torch.autograd.grad (no vmap), torch.autograd.functional.jacobian / hessian, and second derivatives by create_graph;
 *  - numpy-100 (rougier/numpy-100) exercises rephrased for torch: views and strides, as_strided / unfold windows,
 *    argsort tricks, unique with counts, bincount, cumsum tricks, broadcast outer ops, nonzero, meshgrid, einsum, and
 *    seeded Generator draws (rand / randn / randint / randperm / uniform_ / normal give torch's own streams).
 * Values, dtypes, shapes, reprs and errors from torch 1.13 running the same code
 * (scripts/fixtures/puzzles_fixtures.py -> tests/fixtures/torch/tutorials/puzzles.json).
 *
 * Python forms written otherwise: `range(i)` -> an array of 0..i-1; Python int literals in torch.tensor -> dtype long
 * (JS numbers do not say int); `a[:, None]` -> a.index(":", "None"); `x[m] = v` -> index_put_; `~q` -> bitwise_not;
 * `%` -> remainder, `//` -> floor_divide, `@` -> matmul; `1.0 / t` -> t.reciprocal(); `i - t` -> torch.rsub(t, i).
 */
import { describe, expect, it } from "vitest";
import { F, torch, type Tensor } from "../../../../lib/tensor/index";
import { raised, tutorialFixture } from "./helpers";

type TD = { shape: number[]; dtype: string; data: (number | string)[] };
const ref = tutorialFixture<Record<string, any>>("puzzles.json"); // eslint-disable-line @typescript-eslint/no-explicit-any
const L = { dtype: torch.long };

const num = (v: number | string): number => (v === "nan" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : (v as number));
/** got has want's shape, dtype and values (within tol, relative above 1; NaN matches NaN). */
function eqT(got: Tensor, want: TD, tol = 1e-5, label = ""): void {
  expect([...got.shape], `${label} shape`).toEqual(want.shape);
  expect(got.dtype.name, `${label} dtype`).toBe(want.dtype);
  const a = (got.detach().reshape(-1).tolist() as (number | boolean | bigint)[]).map(Number);
  a.forEach((v, i) => {
    const w = num(want.data[i]);
    if (Number.isNaN(w)) expect(v, `${label} at ${i}`).toBeNaN();
    else expect(Math.abs(v - w), `${label} at ${i}: ${v} vs ${w}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(w)));
  });
}
const fromTD = (j: TD): Tensor => torch.tensor(j.data.map(num), { dtype: (torch as unknown as Record<string, typeof torch.float64>)[j.dtype] }).reshape(j.shape);

// ----------------------------------------------------------------- Tensor Puzzles

const range = (i: number): number[] => Array.from({ length: i }, (_, k) => k);

/** Use this function to replace a for-loop. */
function arange(i: number): Tensor {
  return torch.tensor(range(i), L);
}
/** Use this function to replace an if-statement. */
function where(q: Tensor, a: Tensor | number, b: Tensor | number): Tensor {
  return q.mul(a).add(q.bitwise_not().mul(b));
}

const ones = (i: number) => where(arange(i).gt(-1), 1, 0);
const sum = (a: Tensor) => ones(a.shape[0]).matmul(a.index(":", "None"));
const outer = (a: Tensor, b: Tensor) => a.index(":", "None").mul(b.index("None", ":"));
const diag = (a: Tensor) => a.index(arange(a.shape[0]), arange(a.shape[0]));
const eye = (j: number) => where(arange(j).index(":", "None").eq(arange(j)), 1, 0);
const triu = (j: number) => where(arange(j).index(":", "None").le(arange(j)), 1, 0);
const cumsum = (a: Tensor) => a.matmul(triu(a.shape[0]));
const diff = (a: Tensor, i: number) => where(arange(i).ne(0), a.sub(a.index(arange(i).sub(1))), a);
const vstack = (a: Tensor, b: Tensor) => where(arange(2).index(":", "None").eq(0), a, b);
const roll = (a: Tensor, i: number) => a.index(arange(i).add(1).remainder(i));
const flip = (a: Tensor, i: number) => a.index(torch.rsub(arange(i), i).sub(1));
const compress = (g: Tensor, v: Tensor, i: number) => v.matmul(where(g.index(":", "None"), arange(i).eq(cumsum(g.mul(1)).sub(1).index(":", "None")), 0));
const pad_to = (a: Tensor, i: number, j: number) => a.matmul(arange(i).index(":", "None").eq(arange(j)).mul(1));
const sequence_mask = (values: Tensor, length: Tensor) => where(length.index(":", "None").gt(arange(values.shape[1])), values, 0);
const bincount = (a: Tensor, j: number) => ones(a.shape[0]).matmul(eye(j).index(a));
const scatter_add = (values: Tensor, link: Tensor, j: number) => values.matmul(eye(j).index(link));
const flatten = (a: Tensor, i: number, j: number) => a.index(arange(i * j).floor_divide(j), arange(i * j).remainder(j));
const linspace = (i: Tensor, j: Tensor, n: number) => i.add(j.sub(i).mul(arange(n)).div(Math.max(1, n - 1)));
const heaviside = (a: Tensor, b: Tensor) => where(a.eq(0), b, a.gt(0));
const repeat = (a: Tensor, d: Tensor) => ones(Number(d.index(0).item())).index(":", "None").matmul(a.index("None"));
const bucketize = (v: Tensor, boundaries: Tensor) => v.index(":", "None").ge(boundaries).mul(1).matmul(ones(boundaries.shape[0]));

describe("Tensor Puzzles: arange, where, broadcasting and indexing only", () => {
  const a5 = torch.tensor([3, -1, 4, 1, -5], L);
  const b4 = torch.tensor([2, 0, -2, 7], L);
  const m3 = torch.tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]], L);
  const g5 = torch.tensor([true, false, true, true, false]);
  const vals = torch.tensor([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]], L);
  const lens = torch.tensor([2, 0, 3], L);
  const bins = torch.tensor([1, 3, 3, 0, 1, 3], L);
  const link = torch.tensor([2, 0, 2, 1, 0], L);
  const ha = torch.tensor([-2.0, 0.0, 3.0, 0.0, 1.5]);
  const hb = torch.tensor([0.5, 0.25, 0.5, 1.0, 0.0]);
  const bnd = torch.tensor([1, 3, 4, 9], L);
  const bv = torch.tensor([0, 1, 2, 3, 4, 8, 9, 12], L);

  const P: Record<string, () => [Tensor, Tensor]> = {
    ones: () => [ones(5), torch.ones(5, L)],
    sum: () => [sum(a5), a5.sum(0, true)],
    outer: () => [outer(a5, b4), torch.outer(a5, b4)],
    diag: () => [diag(m3), torch.diag(m3)],
    eye: () => [eye(4), torch.eye(4, L)],
    triu: () => [triu(4), torch.ones(4, 4, L).triu()],
    cumsum: () => [cumsum(a5), a5.cumsum(0)],
    diff: () => [diff(a5, 5), torch.diff(a5, { prepend: torch.tensor([0], L) })],
    vstack: () => [vstack(a5, a5.neg()), torch.vstack([a5, a5.neg()])],
    roll: () => [roll(a5, 5), torch.roll(a5, -1)],
    flip: () => [flip(a5, 5), torch.flip(a5, [0])],
    compress: () => [compress(g5, a5, 5), F.pad(a5.index(g5), [0, 5 - Number(g5.sum().item())])],
    pad_to: () => [pad_to(a5, 5, 7), F.pad(a5, [0, 2])],
    pad_to_short: () => [pad_to(a5, 5, 3), a5.index(":3")],
    sequence_mask: () => [sequence_mask(vals, lens), vals.mul(torch.arange(4).index("None").lt(lens.index(":", "None")))],
    bincount: () => [bincount(bins, 5), torch.bincount(bins, { minlength: 5 })],
    scatter_add: () => [scatter_add(a5, link, 3), torch.zeros(3, L).scatter_add(0, link, a5)],
    flatten: () => [flatten(vals, 3, 4), vals.flatten()],
    linspace: () => [linspace(torch.tensor([-1.0]), torch.tensor([2.0]), 7), torch.linspace(-1, 2, 7)],
    linspace1: () => [linspace(torch.tensor([0.5]), torch.tensor([2.0]), 1), torch.linspace(0.5, 2, 1)],
    heaviside: () => [heaviside(ha, hb), torch.heaviside(ha, hb)],
    repeat: () => [repeat(a5, torch.tensor([3], L)), a5.repeat(3, 1)],
    bucketize: () => [bucketize(bv, bnd), torch.bucketize(bv, bnd, { right: true })],
  };
  it("each puzzle equals torch's built-in, and torch 1.13's output (values and dtype)", () => {
    expect(Object.keys(P).sort()).toEqual(Object.keys(ref.tensor_puzzles).sort());
    for (const [name, fn] of Object.entries(P)) {
      const [mine, builtin] = fn();
      const [wantMine, wantBuiltin] = ref.tensor_puzzles[name] as [TD, TD];
      eqT(mine, wantMine, 1e-6, `${name} (puzzle)`);
      eqT(builtin, wantBuiltin, 1e-6, `${name} (built-in)`);
      expect(mine.equal(builtin), name).toBe(true);
    }
  });
  it("the notebook's where and broadcasting examples, reprs and dtype rules", () => {
    const T = torch.tensor;
    const w = [
      where(T([false]), T([10], L), T([0], L)),
      where(T([false, true]), T([1], L), T([-10, 0], L)),
      where(T([[false, true], [true, false]]), T([[0], [10]], L), T([-10, 0], L)),
    ];
    w.forEach((t, i) => eqT(t, ref.where_examples[i]));
    eqT(arange(4).add(arange(5).index(":", "None")), ref.broadcast_examples[0]);
    eqT(arange(3).index(":", "None").add(arange(2)), ref.broadcast_examples[1]);
    expect(String(arange(5))).toBe(ref.arange_repr);
    expect(String(eye(3))).toBe(ref.eye_repr);
    expect(String(linspace(T([-1.0]), T([2.0]), 4))).toBe(ref.linspace_repr);
    expect(String(heaviside(torch.tensor([-2.0, 0.0, 3.0, 0.0, 1.5]), torch.tensor([0.5, 0.25, 0.5, 1.0, 0.0])))).toBe(ref.heaviside_repr);
    eqT(where(T([true, false]), T([true, true]), T([false, true])), ref.where_bool);
    // Python's ~ on a float raises TypeError (ref.where_float_q); its spelling here, bitwise_not, raises torch.bitwise_not's error
    expect(raised(() => where(T([1.0, 0.0]), 1, 0))).toEqual(ref.bitwise_not_float);
    expect(raised(() => torch.bincount(T([1.0, 2.0])))).toEqual(ref.bincount_float);
    expect(raised(() => torch.bincount(T([1, -1], L)))).toEqual(ref.bincount_neg);
    eqT(torch.bucketize(T([0.5, 3.0, 10.0]), T([1.0, 3.0, 4.0])), ref.bucketize_float_boundaries);
  });
});

// ----------------------------------------------------------------- Autodiff Puzzles

const inp = Object.fromEntries(Object.entries(ref.ad_inputs as Record<string, TD>).map(([k, v]) => [k, fromTD(v)]));
type Fn = (...xs: Tensor[]) => Tensor;

/** The autograd Jacobian of f at xs: one torch.autograd.grad call per output element (no vmap). */
function jac_rows(f: Fn, ...xs0: Tensor[]): Tensor[] {
  const xs = xs0.map((x) => x.clone().requires_grad_());
  const y = f(...xs).reshape(-1);
  const rows = range(y.numel()).map((o) => torch.autograd.grad(y.index(o), xs, { retain_graph: true, allow_unused: true }));
  return xs.map((x, k) => torch.stack(rows.map((r) => r[k] ?? torch.zeros_like(x))));
}
// np.convolve(x, w, mode="valid") flips the kernel; conv1d correlates
const conv_valid = (x: Tensor, w: Tensor) => F.conv1d(x.index("None", "None"), w.flip(0).index("None", "None")).index(0, 0);

const col = (n: number) => torch.arange(n).index(":", "None");
const AD: Record<string, [Fn, string[], Fn]> = {
  // [f, inputs, the hand-derived Jacobian(s) (a tuple stacked on a new first dim for two inputs)]
  double: [(x) => x.mul(2), ["X1"], () => torch.arange(1).index("None", ":").mul(0).add(2)],
  cos: [(x) => torch.cos(x), ["X1"], (x) => torch.sin(x).neg().index("None", ":")],
  mean: [(x) => torch.mean(x, { dim: 0, keepdim: true }), ["X10"], () => torch.arange(10).index("None", ":").mul(0).add(1 / 10)],
  prod: [(x) => torch.prod(x, { dim: 0, keepdim: true }), ["X10"], (x) => torch.where(col(10).eq(torch.arange(10)), 1, x).prod(1).index("None")],
  broadcast: [(x) => x.add(col(10).mul(0).add(1)).index(":", 0), ["X1"], () => col(10).mul(0).add(1)],
  scale: [(x) => x.mul(col(10).div(10).index(":", 0)), ["X1"], () => col(10).div(10)],
  neg: [(x) => x.neg(), ["X10"], () => col(10).eq(torch.arange(10)).mul(-1)],
  relu: [(x) => x.mul(x.gt(0)), ["X10"], (x) => col(10).eq(torch.arange(10)).mul(x.gt(0))],
  slice: [(x) => x.index("10:"), ["X25"], () => col(15).add(10).eq(torch.arange(25)).mul(1)],
  cumsum: [(x) => torch.cumsum(x, 0).div(20), ["X10"], () => torch.arange(10).le(col(10)).div(20)],
  running_mean: [
    (x) => conv_valid(x, torch.ones(3, { dtype: x.dtype }).div(3)),
    ["X10"],
    () => torch.arange(10).ge(col(8)).bitwise_and(torch.arange(10).lt(col(8).add(3))).div(3),
  ],
  sort: [(x) => torch.sort(x).values, ["X10"], (x) => torch.argsort(x).index(col(10)).eq(torch.arange(10)).mul(1)],
  mean2: [(x, y) => x.add(y).div(2), ["X10", "Y10"], () => torch.stack([0, 1].map(() => col(10).eq(torch.arange(10)).div(2)))],
  mul: [(x, y) => x.mul(y), ["X10", "Y10"], (x, y) => torch.stack([col(10).eq(torch.arange(10)).mul(y), col(10).eq(torch.arange(10)).mul(x)])],
  view: [(x) => x.reshape(16), ["X44"], () => col(16).index(":", "None").eq(col(4).mul(4).add(torch.arange(4))).mul(1)],
  transpose: [
    (x) => x.T,
    ["X44"],
    () => torch.arange(4).reshape(4, 1, 1, 1).eq(torch.arange(4)).bitwise_and(torch.arange(4).reshape(4, 1, 1).eq(col(4))).mul(1),
  ],
  mean_axis0: [(x) => torch.mean(x, { dim: 0 }), ["X44"], () => torch.arange(4).reshape(4, 1, 1).eq(torch.arange(4)).div(4).add(col(4).mul(0))],
};

describe("Autodiff Puzzles: hand-derived Jacobians against autograd", () => {
  it("each function's value, its autograd Jacobian (torch.autograd.grad per row) and the hand-derived one", () => {
    for (const [name, [f, names, jac]] of Object.entries(AD)) {
      const xs = names.map((n) => inp[n]);
      const want = ref.autodiff[name] as { f: TD; jac: TD[] };
      eqT(f(...xs), want.f, 1e-9, `${name} f`);
      const auto = jac_rows(f, ...xs);
      auto.forEach((j, k) => eqT(j.reshape(want.jac[k].shape), want.jac[k], 1e-9, `${name} autograd jac ${k}`));
      const hand = jac(...xs);
      const hands = names.length === 1 ? [hand] : hand.unbind(0);
      hands.forEach((j, k) => expect(torch.allclose(j.to(torch.float64).reshape(want.jac[k].shape), fromTD(want.jac[k])), `${name} hand jac ${k}`).toBe(true));
    }
  });
  it("conv, matmul and conv2d (two inputs), written out per index", () => {
    const { X10, W5, X16, Y4 } = inp;
    const W = 5;
    const Os = col(6);
    const Is = torch.arange(10);
    const Ws = torch.arange(W);
    const conv = (x: Tensor, y: Tensor) => conv_valid(x, y).div(W);
    const inWin = Is.ge(Os).bitwise_and(Is.lt(Os.add(W)));
    const jx = torch.where(inWin, W5.index(torch.clamp(torch.rsub(Is, W - 1).add(Os), 0, W - 1)), 0).div(W);
    const jy = X10.index(torch.rsub(Ws, W - 1).add(Os)).div(W);
    const want = ref.autodiff.conv as { f: TD; jac: TD[] };
    eqT(conv(X10, W5), want.f, 1e-9);
    eqT(jx, want.jac[0], 1e-9);
    eqT(jy, want.jac[1], 1e-9);
    jac_rows(conv, X10, W5).forEach((j, k) => eqT(j, want.jac[k], 1e-9));
    const viaFn = torch.autograd.functional.jacobian(conv, [X10, W5]) as Tensor[];
    viaFn.forEach((j, k) => eqT(j, ref.jacobian_fn_conv[k], 1e-9));

    // matmul of two 2x2 views: out[o] = sum_k x[2(o//2) + k] y[2k + o%2]
    const x4 = Y4;
    const y4 = X16.index(":4");
    const mm = (x: Tensor, y: Tensor) => x.reshape(2, 2).matmul(y.reshape(2, 2)).reshape(4);
    const O4 = col(4);
    const I4 = torch.arange(4);
    const mjx = torch.where(I4.floor_divide(2).eq(O4.floor_divide(2)), y4.index(I4.remainder(2).mul(2).add(O4.remainder(2))), 0);
    const mjy = torch.where(I4.remainder(2).eq(O4.remainder(2)), x4.index(O4.floor_divide(2).mul(2).add(I4.floor_divide(2))), 0);
    const wm = ref.autodiff.matmul as { f: TD; jac: TD[] };
    eqT(mm(x4, y4), wm.f, 1e-9);
    eqT(mjx, wm.jac[0], 1e-9);
    eqT(mjy, wm.jac[1], 1e-9);
    jac_rows(mm, x4, y4).forEach((j, k) => eqT(j, wm.jac[k], 1e-9));

    // conv2d "same" with a 2x2 kernel: torch pads 0 before and 1 after, so out[r, c] = sum_ab X[r+a, c+b] Y[1-a, 1-b]
    const c2 = (x: Tensor, y: Tensor) => F.conv2d(x.reshape(1, 1, 4, 4), y.reshape(2, 2).flip(0, 1).index("None", "None"), { padding: "same" }).reshape(-1).div(4);
    const wc = ref.autodiff.conv2d as { f: TD; jac: TD[] };
    eqT(c2(X16, Y4), wc.f, 1e-9);
    const O16 = col(16);
    const [r, c] = [O16.floor_divide(4), O16.remainder(4)];
    const I16 = torch.arange(16);
    const [a, b] = [I16.floor_divide(4).sub(r), I16.remainder(4).sub(c)];
    const ok = a.ge(0).bitwise_and(a.le(1)).bitwise_and(b.ge(0)).bitwise_and(b.le(1));
    const cjx = torch.where(ok, Y4.index(torch.rsub(a, 1).clamp(0, 1).mul(2).add(torch.rsub(b, 1).clamp(0, 1))), 0).div(4);
    const J4 = torch.arange(4);
    const [pr, pc] = [r.add(1).sub(J4.floor_divide(2)), c.add(1).sub(J4.remainder(2))];
    const inside = pr.lt(4).bitwise_and(pc.lt(4));
    const cjy = torch.where(inside, X16.index(pr.clamp(0, 3).mul(4).add(pc.clamp(0, 3))), 0).div(4);
    eqT(cjx, wc.jac[0], 1e-9);
    eqT(cjy, wc.jac[1], 1e-9);
    jac_rows(c2, X16, Y4).forEach((j, k) => eqT(j, wc.jac[k], 1e-9));
  });
  it("second derivatives through create_graph, hessian, and torch's errors", () => {
    let x = inp.X10.clone().requires_grad_();
    const d1 = torch.autograd.grad(torch.cos(x).sum(), x, { create_graph: true })[0]!;
    const d2 = torch.autograd.grad(d1.sum(), x)[0]!;
    eqT(d1, ref.cos_d1, 1e-12);
    eqT(d2, ref.cos_d2, 1e-12);
    x = inp.X10.index(":4").clone().requires_grad_();
    const gp = torch.autograd.grad(torch.prod(x), x, { create_graph: true })[0]!;
    const H = torch.stack(range(4).map((i) => torch.autograd.grad(gp.index(i), x, { retain_graph: true })[0]!));
    eqT(H, ref.prod_hessian, 1e-12);
    eqT(torch.autograd.functional.hessian((t: Tensor) => torch.prod(t), inp.X10.index(":4")) as Tensor, ref.prod_hessian_fn, 1e-12);
    x = inp.X1.clone().requires_grad_();
    expect(raised(() => torch.autograd.grad(torch.autograd.grad(torch.cos(x).sum(), x)[0]!.sum(), x))).toEqual(ref.grad_no_graph);
    expect(raised(() => torch.autograd.grad(torch.cos(x.expand(3)), x))).toEqual(ref.grad_nonscalar);
  });
});

// ----------------------------------------------------------------- numpy-100, torch edition

describe("numpy-100 exercises, torch edition", () => {
  const N: Record<string, Tensor | (Tensor | number)[]> = {};
  const R: Record<string, unknown> = {};
  const run = () => {
    let Z = torch.zeros(10);
    Z.index_put_([4], 1);
    N.q6 = Z;
    N.q7 = torch.arange(10, 50);
    N.q8 = torch.arange(50).flip(0);
    R.q8_neg_step = raised(() => torch.arange(50).index("::-1"));
    N.q9 = torch.arange(9).reshape(3, 3);
    N.q10 = torch.nonzero(torch.tensor([1, 2, 0, 0, 4, 0], L));
    N.q10_tuple = torch.nonzero(torch.tensor([1, 2, 0, 0, 4, 0], L), { as_tuple: true }) as Tensor[];
    N.q11 = torch.eye(3);
    let g = new torch.Generator().manual_seed(100);
    N.q12 = torch.rand(3, 3, 3, { generator: g });
    Z = torch.rand(10, 10, { generator: g });
    N.q13 = [Z.min(), Z.max()];
    Z = torch.randn(30, { generator: g });
    N.q14 = Z.mean();
    Z = torch.ones(5, 5);
    Z.index_put_(["1:-1", "1:-1"], 0);
    N.q15 = Z;
    N.q16 = F.pad(torch.ones(3, 3), [1, 1, 1, 1], { mode: "constant", value: 0 });
    N.q17 = torch.tensor(0.0).mul(torch.tensor(NaN));
    R.q17_cmp = [torch.tensor(NaN).eq(torch.tensor(NaN)).item(), torch.tensor(Infinity).gt(torch.tensor(NaN)).item(), torch.tensor(0.3).eq(torch.tensor(0.1).mul(3)).item()];
    N.q18 = torch.diag(torch.arange(4).add(1), { diagonal: -1 });
    Z = torch.zeros([8, 8], { dtype: torch.int });
    Z.index_put_(["1::2", "::2"], 1);
    Z.index_put_(["::2", "1::2"], 1);
    N.q19 = Z;
    R.q19_repr = String(Z.index(":3", ":3"));
    const idx = 99;
    N.q20 = [Math.floor(idx / (7 * 8)), Math.floor(idx / 8) % 7, idx % 8];
    N.q21 = torch.tile(torch.tensor([[0, 1], [1, 0]], L), [4, 4]);
    Z = torch.rand(5, 5, { generator: g });
    N.q22 = Z.sub(torch.mean(Z)).div(torch.std(Z));
    N.q24 = torch.ones(5, 3).matmul(torch.ones(3, 2));
    Z = torch.arange(11);
    const m25 = Z.gt(3).bitwise_and(Z.lt(8));
    Z.index_put_([m25], Z.index(m25).mul_(-1));
    N.q25 = Z;
    Z = torch.empty(10).uniform_(-10, 10, { generator: g });
    N.q29 = torch.copysign(torch.ceil(torch.abs(Z)), Z);
    N.q29_where = torch.where(Z.gt(0), torch.ceil(Z), torch.floor(Z));
    const Z1 = torch.randint(0, 10, [10], { generator: g });
    const Z2 = torch.randint(0, 10, [10], { generator: g });
    N.q30 = torch.unique(Z1.index(torch.isin(Z1, Z2)));
    Z = torch.rand(10, { generator: g }).mul(10);
    N.q36 = [Z.sub(Z.remainder(1)), Z.floor_divide(1), torch.floor(Z), Z.to(torch.int64), torch.trunc(Z)];
    Z = torch.zeros([5, 5]);
    Z.add_(torch.arange(5));
    N.q37 = Z;
    N.q39 = torch.linspace(0, 1, 12).index("1:-1");
    Z = torch.rand(10, { generator: g });
    N.q40 = [...Z.sort()];
    R.q40_repr = String(torch.tensor([3, 1, 2], L).sort());
    let A = torch.randint(0, 2, [5], { generator: g });
    let B = torch.randint(0, 2, [5], { generator: g });
    R.q42 = [torch.allclose(A, B), torch.equal(A, B), torch.equal(A, A.clone())];
    Z = torch.rand(10, 2, { generator: g });
    let [X, Y] = [Z.index(":", 0), Z.index(":", 1)];
    N.q44 = [torch.sqrt(X.pow(2).add(Y.pow(2))), torch.atan2(Y, X)];
    Z = torch.rand(10, { generator: g });
    Z.index_put_([Z.argmax()], 0);
    N.q45 = Z;
    N.q46 = torch.meshgrid(torch.linspace(0, 1, 5), torch.linspace(0, 1, 3), { indexing: "xy" });
    X = torch.arange(8);
    Y = X.add(0.5);
    N.q47 = X.index(":", "None").sub(Y).reciprocal();
    R.q48 = [torch.int8, torch.int16, torch.int32, torch.uint8].map((t) => [torch.iinfo(t).min, torch.iinfo(t).max, torch.iinfo(t).bits]);
    R.q48_f = [torch.float16, torch.float32, torch.float64, torch.bfloat16].map((t) => [torch.finfo(t).eps, torch.finfo(t).max, torch.finfo(t).tiny, torch.finfo(t).resolution]);
    R.q48_repr = [torch.float16, torch.bfloat16, torch.half].map((t) => String(torch.finfo(t)));
    Z = torch.arange(100);
    const v = torch.empty([]).uniform_(0, 100, { generator: g });
    N.q50 = Z.index(Z.sub(v).abs().argmin());
    Z = torch.rand(10, 2, { generator: g });
    [X, Y] = torch.atleast_2d(Z.index(":", 0), Z.index(":", 1)) as Tensor[];
    N.q52 = [torch.sqrt(X.sub(X.T).pow(2).add(Y.sub(Y.T).pow(2))), torch.cdist(Z, Z)];
    // q53 (Z.view(torch.int32) then Y[:] = Z) is left out: the engine stores values, not bits, so it refuses a dtype view
    [X, Y] = torch.meshgrid(torch.linspace(-1, 1, 10), torch.linspace(-1, 1, 10), { indexing: "ij" });
    const D = torch.sqrt(X.mul(X).add(Y.mul(Y)));
    const [sigma, mu] = [1.0, 0.0];
    N.q56 = torch.exp(D.sub(mu).pow(2).div(2.0 * sigma ** 2).neg());
    let [n, p] = [10, 3];
    Z = torch.zeros([n, n]);
    Z.view(-1).index_put_([torch.randperm(n * n, { generator: g }).index(`:${p}`)], 1);
    N.q57 = Z;
    X = torch.rand(5, 10, { generator: g });
    N.q58 = X.sub(X.mean({ dim: 1, keepdim: true }));
    Z = torch.randint(0, 10, [3, 3], { generator: g });
    N.q59 = Z.index(Z.index(":", 1).argsort());
    Z = torch.randint(0, 3, [3, 10], { generator: g });
    N.q60 = Z.any({ dim: 0 }).bitwise_not().any();
    Z = torch.rand(10, { generator: g });
    const z = 0.5;
    N.q61 = Z.flatten().index(torch.abs(Z.sub(z)).argmin());
    A = torch.arange(3).reshape(1, 3);
    B = torch.arange(3).reshape(3, 1);
    N.q62 = A.add(B);
    Z = torch.ones(10);
    let I = torch.randint(0, Z.shape[0], [20], { generator: g });
    Z.add_(torch.bincount(I, { minlength: Z.shape[0] }));
    N.q64 = Z;
    Z = torch.ones(10);
    Z.index_put_([I], torch.ones(20), { accumulate: true });
    N.q64_put = Z;
    X = torch.tensor([1.0, 2, 3, 4, 5, 6]);
    I = torch.tensor([1, 3, 9, 3, 4, 1], L);
    N.q65 = torch.bincount(I, X);
    N.q65_index_add = torch.zeros(10).index_add_(0, I, X);
    I = torch.randint(0, 2, [16, 16, 3], { dtype: torch.uint8, generator: g });
    N.q66 = torch.tensor((torch.unique(I.reshape(-1, 3), { dim: 0 }) as Tensor).shape[0], L);
    A = torch.randint(0, 10, [3, 4, 3, 4], { generator: g });
    N.q67 = A.sum({ dim: [-2, -1] });
    const Dv = torch.rand(100, { generator: g });
    const S = torch.randint(0, 10, [100], { generator: g });
    const D_sums = torch.bincount(S, { weights: Dv });
    const D_counts = torch.bincount(S);
    N.q68 = D_sums.div(D_counts);
    N.q68_scatter = torch.zeros(10).scatter_reduce(0, S, Dv, { reduce: "mean", include_self: false });
    A = torch.rand(5, 5, { generator: g });
    B = torch.rand(5, 5, { generator: g });
    N.q69 = [torch.diag(A.matmul(B)), torch.sum(A.mul(B.T), { dim: 1 }), torch.einsum("ij,ji->i", A, B)];
    Z = torch.tensor([1, 2, 3, 4, 5], L);
    const nz = 3;
    const Z0 = torch.zeros(Z.shape[0] + (Z.shape[0] - 1) * nz);
    Z0.index_put_([`::${nz + 1}`], Z);
    N.q70 = Z0;
    A = torch.ones([5, 5, 3]);
    B = torch.ones([5, 5]).mul(2);
    N.q71 = A.mul(B.index(":", ":", "None"));
    A = torch.arange(25).reshape(5, 5);
    A.index_put_([[0, 1]], A.index([1, 0]));
    N.q72 = A;
    const faces = torch.randint(0, 100, [10, 3], { generator: g });
    let Fc = torch.roll(faces.repeat_interleave(2, { dim: 1 }), -1, { dims: 1 });
    Fc = Fc.reshape(Fc.shape[0] * 3, 2);
    Fc = torch.sort(Fc, { dim: 1 }).values;
    N.q73 = torch.unique(Fc, { dim: 0 }) as Tensor;
    const C = torch.bincount(torch.tensor([1, 1, 2, 3, 4, 4, 6], L));
    N.q74 = torch.repeat_interleave(torch.arange(C.shape[0]), C);
    const moving_average = (a: Tensor, n = 3) => {
      const ret = torch.cumsum(a, { dim: 0, dtype: torch.float });
      ret.index_put_([`${n}:`], ret.index(`${n}:`).sub(ret.index(`:-${n}`)));
      return ret.index(`${n - 1}:`).div(n);
    };
    Z = torch.arange(20);
    N.q75 = moving_average(Z, 3);
    N.q75_unfold = Z.float().unfold(0, 3, 1).mean(-1);
    N.q76 = torch.arange(10).unfold(0, 3, 1);
    N.q76_strided = torch.as_strided(torch.arange(10), [8, 3], [1, 1]);
    Z = torch.randint(0, 2, [10], { generator: g }).bool();
    torch.logical_not(Z, { out: Z });
    N.q77_not = Z;
    const Zb = Z;
    R.q77_neg_bool = raised(() => Zb.neg());
    Z = torch.empty(10).uniform_(-1.0, 1.0, { generator: g });
    torch.neg(Z, { out: Z });
    N.q77_neg = Z;
    Z = torch.arange(1, 15, { dtype: torch.int32 });
    const R_ = torch.as_strided(Z, [11, 4], [1, 1]);
    N.q80 = R_;
    R.q80_meta = [[...R_.stride()], R_.storage_offset(), R_.is_contiguous(), Z.element_size() * Z.nelement()];
    Z = torch.rand(10, 10, { generator: g });
    const [, S_] = torch.svd(Z);
    N.q83 = [torch.sum(S_.gt(1e-10)), torch.linalg.matrix_rank(Z), torch.linalg.matrix_rank(torch.ones(4, 4))];
    Z = torch.randint(0, 10, [50], { generator: g });
    N.q84 = [torch.bincount(Z).argmax(), torch.mode(Z).values];
    Z = torch.randint(0, 5, [10, 10], { generator: g });
    N.q85 = Z.unfold(0, 3, 1).unfold(1, 3, 1);
    [p, n] = [10, 20];
    const M = torch.ones([p, n, n]);
    const V = torch.ones([p, n, 1]);
    N.q86 = torch.tensordot(M, V, { dims: [[0, 2], [0, 1]] });
    Z = torch.ones(16, 16);
    const k = 4;
    N.q87 = Z.unfold(0, k, k).unfold(1, k, k).sum({ dim: [-2, -1] });
    N.q87_reshape = Z.reshape(4, 4, 4, 4).sum({ dim: [1, 3] });
    const iterate = (Z: Tensor): Tensor => {
      // Count neighbours
      const N_ = Z.index("0:-2", "0:-2").add(Z.index("0:-2", "1:-1")).add(Z.index("0:-2", "2:"))
        .add(Z.index("1:-1", "0:-2")).add(Z.index("1:-1", "2:"))
        .add(Z.index("2:", "0:-2")).add(Z.index("2:", "1:-1")).add(Z.index("2:", "2:"));
      // Apply rules
      const birth = N_.eq(3).bitwise_and(Z.index("1:-1", "1:-1").eq(0));
      const survive = N_.eq(2).bitwise_or(N_.eq(3)).bitwise_and(Z.index("1:-1", "1:-1").eq(1));
      Z.index_put_(["..."], 0);
      Z.index("1:-1", "1:-1").index_put_([birth.bitwise_or(survive)], 1);
      return Z;
    };
    Z = torch.randint(0, 2, [20, 20], { generator: g });
    for (let i = 0; i < 10; i++) Z = iterate(Z);
    N.q88 = Z;
    Z = torch.randperm(100, { generator: g });
    n = 5;
    N.q89 = [Z.index(torch.argsort(Z).index(`-${n}:`)), torch.topk(Z, n).values, torch.topk(Z, n, { largest: false, sorted: true }).indices];
    N.q90 = torch.cartesian_prod(torch.tensor([1, 2, 3], L), torch.tensor([4, 5], L), torch.tensor([6, 7], L));
    const x = torch.rand(Math.trunc(5e2), { generator: g });
    N.q92 = [x.pow(3), x.mul(x).mul(x), torch.einsum("i,i,i->i", x, x, x), torch.pow(x, 3)];
    Z = torch.randint(0, 5, [10, 3], { generator: g });
    N.q94 = Z.index(Z.max({ dim: 1 }).values.ne(Z.min({ dim: 1 }).values));
    I = torch.tensor([0, 1, 2, 3, 15, 16, 32, 64, 128], { dtype: torch.uint8 });
    N.q95 = I.reshape(-1, 1).bitwise_and(torch.pow(2, torch.arange(8, { dtype: torch.uint8 }))).ne(0).to(torch.int).flip(1);
    N.q95_shift = torch
      .bitwise_and(I.index(":", "None"), torch.bitwise_left_shift(torch.tensor(1, { dtype: torch.uint8 }), torch.arange(8, { dtype: torch.uint8 })))
      .ne(0)
      .long();
    Z = torch.randint(0, 2, [6, 3], { generator: g });
    N.q96 = torch.unique(Z, { dim: 0, return_inverse: true, return_counts: true }) as Tensor[];
    A = torch.rand(10, { generator: g });
    B = torch.rand(10, { generator: g });
    N.q97 = [torch.einsum("i->", A), torch.einsum("i,i->i", A, B), torch.einsum("i,i", A, B), torch.einsum("i,j->ij", A, B)];
    X = torch.tensor([[1.0, 0.0, 3.0, 8.0], [2.0, 0.0, 1.0, 1.0], [1.5, 2.5, 1.0, 0.0]]);
    n = 4;
    const Mq = torch.all(torch.fmod(X, 1).eq(0), { dim: -1 });
    Mq.bitwise_and_(X.sum({ dim: -1 }).eq(n));
    N.q99 = X.index(Mq);
    X = torch.randn(100, { generator: g });
    const Nb = 1000;
    const idx100 = torch.randint(0, X.numel(), [Nb, X.numel()], { generator: g });
    const means = X.index(idx100).mean({ dim: 1 });
    N.q100 = torch.quantile(means, torch.tensor([0.025, 0.975]));
    // argsort tricks: ranks by a double argsort, an inverse permutation, unique counts, a cumsum segment id
    Z = torch.tensor([40, 10, 30, 20, 10], L);
    N.rank = Z.argsort({ stable: true }).argsort();
    const perm = torch.randperm(6, { generator: g });
    N.inverse_perm = [perm, torch.empty_like(perm).scatter_(0, perm, torch.arange(6)), perm.argsort()];
    N.unique_counts = torch.unique(torch.tensor([3, 1, 3, 3, 2, 1], L), { sorted: true, return_inverse: true, return_counts: true }) as Tensor[];
    N.unique_consecutive = torch.unique_consecutive(torch.tensor([1, 1, 2, 2, 3, 1, 1], L), { return_counts: true }) as Tensor[];
    const flags = torch.tensor([1, 0, 0, 1, 0, 1, 1, 0], L);
    N.segment_ids = torch.cumsum(flags, 0).sub(1);
    N.searchsorted = torch.searchsorted(torch.tensor([1, 3, 5, 7], L), torch.tensor([[0, 3, 6], [7, 8, 1]], L), { right: true });
    // views and strides
    Z = torch.arange(24).reshape(2, 3, 4);
    const T_ = Z.transpose(0, 2);
    R.strides = [[...Z.stride()], [...T_.stride()], T_.is_contiguous(), [...T_.contiguous().stride()], Z.index(":", 1).storage_offset(), [...Z.index(":", 1).stride()], [...Z.expand(3, 2, 3, 4).stride()]];
    R.view_noncontig = raised(() => T_.view(-1));
    N.view_reshape = T_.reshape(-1);
    N.movedim = torch.movedim(Z, 0, -1);
    N.diag_embed = torch.diag_embed(torch.tensor([1, 2, 3], L), { offset: 1 });
    g = new torch.Generator().manual_seed(7);
    N.randn_g = torch.randn(2, 3, { generator: g });
    N.randint_g = torch.randint(-5, 5, [2, 4], { generator: g });
    N.randperm_g = torch.randperm(8, { generator: g });
    N.normal_g = torch.normal(2.0, 3.0, { size: [4], generator: g });
    torch.manual_seed(7);
    N.randn_global = torch.randn(2, 3);
    R.q10_repr = String(torch.nonzero(torch.tensor([1, 2, 0, 0, 4, 0], L)));
    R.q96_repr = String(torch.unique(torch.tensor([[1, 0], [0, 1], [1, 0]], L), { dim: 0 }));
    // print() of the returned tuple: a JS array joins without Python's parentheses, so the tuple's text is built here
    R.q46_repr = `(${torch.meshgrid(torch.tensor([1, 2], L), torch.tensor([3, 4], L), { indexing: "xy" }).map(String).join(", ")})`;
    R.q76_repr = String(torch.arange(6).unfold(0, 3, 2));
    R.as_strided_oob = raised(() => torch.as_strided(torch.arange(4), [3, 3], [1, 1]));
    R.unfold_too_big = raised(() => torch.arange(4).unfold(0, 5, 1));
    R.meshgrid_bad_indexing = raised(() => torch.meshgrid(torch.arange(2), torch.arange(2), { indexing: "yx" as "xy" }));
    R.tile_repr = String(torch.tile(torch.tensor([1, 2], L), [2]));
  };

  it("every exercise gives torch's values, dtypes and shapes (seeded Generator draws included)", () => {
    run();
    expect(Object.keys(N).sort()).toEqual(Object.keys(ref.numpy100).sort());
    for (const [name, got] of Object.entries(N)) {
      const want = ref.numpy100[name] as TD | (TD | number)[];
      if (got instanceof torch.Tensor || !Array.isArray(got)) eqT(got as Tensor, want as TD, 1e-5, name);
      else {
        expect(got.length, name).toBe((want as unknown[]).length);
        got.forEach((t, i) => {
          const w = (want as (TD | number)[])[i];
          if (typeof t === "number") expect(t, `${name}[${i}]`).toBe(w);
          else eqT(t, w as TD, 1e-5, `${name}[${i}]`);
        });
      }
    }
  });
  it("reprs, Python values and errors", () => {
    if (Object.keys(R).length === 0) run();
    for (const k of ["q8_neg_step", "q17_cmp", "q19_repr", "q40_repr", "q42", "q48", "q48_f", "q48_repr", "q80_meta", "strides", "view_noncontig", "q77_neg_bool", "q10_repr", "q96_repr", "q46_repr", "q76_repr", "as_strided_oob", "unfold_too_big", "meshgrid_bad_indexing", "tile_repr"]) {
      expect(R[k], k).toEqual(ref[k]);
    }
  });
});
