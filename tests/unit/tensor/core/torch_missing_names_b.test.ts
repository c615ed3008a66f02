/**
 * torch 1.13 top-level names the engine lacked, checked against torch 1.13
 * (scripts/fixtures/torch_missing_names_b_fixtures.py, tests/fixtures/torch/core/torch_missing_names_b.json):
 *   - torch.rnn_tanh_cell / rnn_relu_cell / lstm_cell / gru_cell (input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
 *     values and gradients in float64 with and without biases, torch's errors, gradcheck;
 *   - torch.frobenius_norm(input, dim=(), keepdim=False) and nuclear_norm(input, keepdim=False) /
 *     nuclear_norm(input, dim, keepdim=False): values, gradients, errors, gradcheck.
 */
import { describe, expect, it } from "vitest";
import { torch, type Tensor } from "../../../../lib/tensor/index";
import type { DType } from "../../../../lib/tensor/core";
import { expectClose, loadFixture } from "./fixtures";

type DTypeName = DType["name"];
interface TD { shape: number[]; dtype: DTypeName; data: number[] }
type Err = [string, string] | null;
interface CellCase { name: "rnn_tanh_cell" | "rnn_relu_cell" | "gru_cell" | "lstm_cell"; bias: boolean; inputs: TD[]; out: TD[]; grads: (TD | null)[] }
interface NormCase { name: "frobenius_norm" | "nuclear_norm"; x: TD; dim: number[] | null; keepdim: boolean | null; out: TD; grad: TD }
interface Fixture { cells: CellCase[]; cell_errors: Record<string, Err>; norms: NormCase[]; norm_errors: Record<string, Err> }
const fx = loadFixture<Fixture>("torch_missing_names_b.json");

const fromTD = (t: TD, requires_grad = false): Tensor =>
  torch.tensor(t.data, { dtype: torch[t.dtype] }).reshape(t.shape).requires_grad_(requires_grad);
const weighted = (o: Tensor): Tensor => torch.linspace(0.5, 1.5, o.numel(), { dtype: torch.float64 }).reshape(o.shape);
const check = (t: Tensor, e: TD, label: string): void => {
  expect(t.shape, label).toEqual(e.shape);
  expect(t.dtype.name, label).toBe(e.dtype);
  expectClose(t, e.data, 1e-9, 1e-12, label);
};
function expectErr(fn: () => unknown, e: Err): void {
  expect(e).not.toBeNull();
  let thrown: unknown;
  try { fn(); } catch (err) { thrown = err; }
  expect(thrown, e![1]).toBeInstanceOf(Error);
  expect((thrown as Error).name).toBe(e![0]);
  expect((thrown as Error).message).toBe(e![1]);
}

function runCell(c: CellCase, ts: Tensor[], byKeyword: boolean): Tensor[] {
  const fn = torch[c.name] as unknown as (...a: unknown[]) => Tensor | Tensor[];
  const lstm = c.name === "lstm_cell";
  const [x, h, ...rest] = lstm ? [ts[0], [ts[1], ts[2]], ...ts.slice(3)] : ts;
  const [wi, wh, bi, bh] = rest as Tensor[];
  const args: unknown[] = [x, h, wi, wh];
  if (c.bias) args.push(...(byKeyword ? [{ b_ih: bi, b_hh: bh }] : [bi, bh]));
  const o = fn(...args);
  return Array.isArray(o) ? o : [o];
}

describe("torch.rnn_tanh_cell / rnn_relu_cell / lstm_cell / gru_cell", () => {
  it.each(fx.cells.map((c, i) => [`${c.name} bias=${c.bias} #${i}`, c] as const))("%s: values and gradients as torch 1.13", (_, c) => {
    for (const byKeyword of [false, true]) {
      const ts = c.inputs.map((t) => fromTD(t, true));
      const outs = runCell(c, ts, byKeyword);
      expect(outs.length).toBe(c.out.length);
      outs.forEach((o, i) => check(o, c.out[i], `${c.name} out ${i}`));
      outs.map((o) => o.mul(weighted(o)).sum()).reduce((a, b) => a.add(b)).backward();
      ts.forEach((t, i) => (c.grads[i] ? check(t.grad!, c.grads[i]!, `${c.name} grad ${i}`) : expect(t.grad).toBeNull()));
    }
  });

  it("gradcheck (float64 finite differences)", () => {
    const g = new torch.Generator().manual_seed(3);
    const r = (...s: number[]): Tensor => torch.randn(s, { dtype: torch.float64, generator: g }).requires_grad_(true);
    const [x, h, c] = [r(2, 3), r(2, 2), r(2, 2)];
    expect(torch.autograd.gradcheck((a: Tensor, b: Tensor, wi: Tensor, wh: Tensor, bi: Tensor) => torch.rnn_tanh_cell(a, b, wi, wh, bi), [x, h, r(2, 3), r(2, 2), r(2)])).toBe(true);
    expect(torch.autograd.gradcheck((a: Tensor, b: Tensor, wi: Tensor, wh: Tensor, bh: Tensor) => torch.gru_cell(a, b, wi, wh, null, bh), [x, h, r(6, 3), r(6, 2), r(6)])).toBe(true);
    expect(torch.autograd.gradcheck((a: Tensor, b: Tensor, cc: Tensor, wi: Tensor, wh: Tensor) => torch.lstm_cell(a, [b, cc], wi, wh), [x, h, c, r(8, 3), r(8, 2)])).toBe(true);
  });

  it("torch's errors", () => {
    const f = (...s: number[]): Tensor => torch.zeros(s, { dtype: torch.float64 });
    const E = fx.cell_errors;
    expectErr(() => torch.rnn_tanh_cell(f(2, 4), f(2, 2), f(2, 3), f(2, 2)), E.input_size);
    expectErr(() => torch.rnn_relu_cell(f(2, 3), f(2, 3), f(2, 3), f(2, 2)), E.hidden_size);
    expectErr(() => torch.gru_cell(f(2, 3), f(3, 2), f(6, 3), f(6, 2)), E.batch);
    expectErr(() => torch.lstm_cell(f(2, 3), [f(2, 2), f(2, 3)], f(8, 3), f(8, 2)), E.hidden1);
    expectErr(() => torch.lstm_cell(f(2, 3), f(2, 2) as never, f(8, 3), f(8, 2)), E.lstm_hx_tensor);
    expectErr(() => torch.lstm_cell(f(2, 3), [f(2, 2)], f(8, 3), f(8, 2)), E.lstm_one_state);
    expectErr(() => torch.rnn_tanh_cell(f(3), f(2), f(2, 3), f(2, 2)), E.one_dim);
    expectErr(() => (torch.gru_cell as unknown as (...a: unknown[]) => Tensor)(f(2, 3), f(2, 2)), E.missing);
    expect(() => torch.gru_cell(f(2, 3), f(2, 2), f(6, 3), f(6, 2), { zzz: 1 } as never)).toThrow("gru_cell() got an unexpected keyword argument 'zzz'");
  });
});

describe("torch.frobenius_norm / nuclear_norm", () => {
  it.each(fx.norms.map((c, i) => [`${c.name} ${JSON.stringify(c.x.shape)} dim=${JSON.stringify(c.dim)} keepdim=${c.keepdim} #${i}`, c] as const))("%s", (_, c) => {
    const forms: ((x: Tensor) => Tensor)[] = [];
    if (c.name === "frobenius_norm") {
      if (c.dim === null) forms.push((x) => torch.frobenius_norm(x));
      else forms.push((x) => torch.frobenius_norm(x, c.dim!, c.keepdim!), (x) => torch.frobenius_norm(x, { dim: c.dim!, keepdim: c.keepdim! }));
    } else if (c.keepdim === null) forms.push((x) => torch.nuclear_norm(x));
    else if (c.dim === null) forms.push((x) => torch.nuclear_norm(x, c.keepdim!), (x) => torch.nuclear_norm(x, { keepdim: c.keepdim! }));
    else forms.push((x) => torch.nuclear_norm(x, c.dim!, c.keepdim!), (x) => torch.nuclear_norm(x, { dim: c.dim!, keepdim: c.keepdim! }));
    for (const form of forms) {
      const x = fromTD(c.x, true);
      const o = form(x);
      check(o, c.out, "out");
      o.mul(weighted(o)).sum().backward();
      check(x.grad!, c.grad, "grad");
    }
  });

  it("gradcheck (float64 finite differences)", () => {
    const g = new torch.Generator().manual_seed(5);
    const x = torch.randn([3, 4], { dtype: torch.float64, generator: g }).requires_grad_(true);
    expect(torch.autograd.gradcheck((a: Tensor) => torch.frobenius_norm(a, [0, 1], true), [x])).toBe(true);
    expect(torch.autograd.gradcheck((a: Tensor) => torch.frobenius_norm(a, [1]), [x])).toBe(true);
    expect(torch.autograd.gradcheck((a: Tensor) => torch.nuclear_norm(a), [x])).toBe(true);
  });

  it("torch's errors", () => {
    const f = (...s: number[]): Tensor => torch.zeros(s, { dtype: torch.float64 });
    const E = fx.norm_errors;
    expectErr(() => torch.frobenius_norm(f(2, 3, 4), [0, 1, 2]), E.frob_three);
    expectErr(() => torch.frobenius_norm(f(2, 3), [0, 0]), E.frob_same);
    expectErr(() => torch.frobenius_norm(f(2, 3), [1, -1]), E.frob_same_neg);
    expectErr(() => torch.nuclear_norm(f(2, 3, 4)), E.nuc_3d);
    expectErr(() => torch.nuclear_norm(f(2, 3), [0]), E.nuc_one_dim);
    expect(() => torch.frobenius_norm(f(2, 3), { zzz: 1 } as never)).toThrow("frobenius_norm() got an unexpected keyword argument 'zzz'");
    expect(() => torch.nuclear_norm(f(2, 3), { zzz: 1 } as never)).toThrow("nuclear_norm() got an unexpected keyword argument 'zzz'");
  });
});

interface HistFixture { cases: { label: string; hist: TD; edges: TD[] }[]; inputs: { hx: TD; pts: TD }; errors: Record<string, Err> }
const hfx = loadFixture<HistFixture>("torch_missing_names_b_histogramdd.json");

describe("torch.histogramdd (scripts/fixtures/torch_missing_names_b_fixtures.py, torch_missing_names_b_histogramdd.json)", () => {
  const hx = (): Tensor => fromTD(hfx.inputs.hx);
  const pts = (): Tensor => fromTD(hfx.inputs.pts);
  const d64 = { dtype: torch.float64 };
  const forms: Record<string, (() => [Tensor, Tensor[]])[]> = {
    doc_weight: [() => torch.histogramdd(hx(), { bins: [3, 3], weight: torch.tensor([1, 2, 4, 8], d64) }), () => torch.histogramdd(hx(), [3, 3], null, torch.tensor([1, 2, 4, 8], d64))],
    doc_int: [() => torch.histogramdd(hx(), 2)],
    doc_range_density: [() => torch.histogramdd(hx(), [2, 2], [0, 1, 0, 1], { density: true }), () => torch.histogramdd(hx(), [2, 2], { range: [0, 1, 0, 1], density: true })],
    edges: [() => torch.histogramdd(hx(), [torch.tensor([0, 1, 3], d64), torch.tensor([-1, 0.5, 1.5, 2], d64)])],
    three_d: [() => torch.histogramdd(pts(), [2, 3, 4])],
    three_d_density: [() => torch.histogramdd(pts(), 3, null, torch.linspace(0.1, 1, 10, d64).reshape(2, 5), true)],
    constant: [() => torch.histogramdd(torch.ones([3, 2], d64), 2)],
  };
  it.each(hfx.cases.map((c) => [c.label, c] as const))("%s", (label, c) => {
    for (const form of forms[label]) {
      const r = form() as [Tensor, Tensor[]] & { hist: Tensor; bin_edges: Tensor[] };
      check(r[0], c.hist, `${label} hist`);
      expect(r.hist).toBe(r[0]);
      expect(r.bin_edges).toBe(r[1]);
      expect(r[1].length).toBe(c.edges.length);
      r[1].forEach((e, i) => check(e, c.edges[i], `${label} edges ${i}`));
    }
  });
  it("torch's errors", () => {
    expectErr(() => torch.histogramdd(torch.ones([3], d64), 2), hfx.errors.one_dim);
    expectErr(() => torch.histogramdd(hx(), 2, [1, 0, 0, 1]), hfx.errors.min_max);
    expectErr(() => torch.histogramdd(hx(), [2, 2], [0, 1]), hfx.errors.range_length);
    expect(() => torch.histogramdd(pts(), [2, 2])).toThrow("torch.histogramdd: expected 3 bin counts or edge tensors (the innermost dimension of input), but got 2");
    expectErr(() => torch.histogramdd(pts(), 3, null, torch.ones([10], d64)), hfx.errors.weight_shape);
    expect(() => torch.histogramdd(hx(), 2, { zzz: 1 } as never)).toThrow("histogramdd() got an unexpected keyword argument 'zzz'");
  });
});

interface LnFixture { x: TD; w: TD; b: TD; cases: { ns: number[]; affine: boolean; out: TD; mean: TD; rstd: TD; grads: TD[] }[]; errors: Record<string, Err> }
const lfx = loadFixture<LnFixture>("torch_missing_names_b_native_layer_norm.json");

describe("torch.native_layer_norm (torch_missing_names_b_native_layer_norm.json)", () => {
  it.each(lfx.cases.map((c, i) => [`${JSON.stringify(c.ns)} affine=${c.affine} #${i}`, c] as const))("%s: (out, mean, rstd) and the gradients of out", (_, c) => {
    for (const byKeyword of [false, true]) {
      const [x, w, b] = [fromTD(lfx.x, true), fromTD(lfx.w, true), fromTD(lfx.b, true)];
      const [wo, bo] = c.affine ? [w, b] : [null, null];
      const r = byKeyword ? torch.native_layer_norm(x, { normalized_shape: c.ns, weight: wo, bias: bo, eps: 1e-5 }) : torch.native_layer_norm(x, c.ns, wo, bo, 1e-5);
      check(r[0], c.out, "out");
      check(r[1], c.mean, "mean");
      check(r[2], c.rstd, "rstd");
      expect(r[1].requires_grad || r[2].requires_grad).toBe(false);
      r[0].mul(weighted(r[0])).sum().backward();
      [x, ...(c.affine ? [w, b] : [])].forEach((t, i) => check(t.grad!, c.grads[i], `grad ${i}`));
    }
  });
  it("torch's errors", () => {
    expectErr(() => torch.native_layer_norm(fromTD(lfx.x), [3], null, null, 1e-5), lfx.errors.shape);
    expectErr(() => (torch.native_layer_norm as unknown as (...a: unknown[]) => unknown)(fromTD(lfx.x), [4], null, null), lfx.errors.missing);
  });
});

interface DropFixture { eval_mask: TD; p1: TD; errors: Record<string, Err> }
const dfx = loadFixture<DropFixture>("torch_missing_names_b_native_dropout.json");

describe("torch.native_dropout (torch_missing_names_b_native_dropout.json; the mask is random)", () => {
  it("train=False: a copy and an all-true bool mask; p=1: zeros and an all-false mask", () => {
    const x = torch.ones([2, 3], { dtype: torch.float64 });
    const [o, m] = torch.native_dropout(x, 0.5, false);
    expect(o).not.toBe(x);
    expect(o.tolist()).toEqual(x.tolist());
    check(m, dfx.eval_mask, "eval mask");
    const [o1, m1] = torch.native_dropout(x, { p: 1, train: true });
    check(o1, dfx.p1, "p=1 out");
    expect(m1.any().item()).toBe(false);
  });
  it("train=True / None: out = input * mask / (1 - p), the gradient is mask / (1 - p)", () => {
    for (const train of [true, null]) {
      const x = torch.linspace(0.5, 1.5, 400, { dtype: torch.float64 }).reshape(20, 20).requires_grad_(true);
      const [o, m] = torch.native_dropout(x, 0.25, train);
      expect(m.dtype).toBe(torch.bool);
      expect(m.requires_grad).toBe(false);
      const keep = m.to(torch.float64);
      expectClose(o, x.detach().mul(keep).div(0.75).tolist() as number[][], 1e-12, 1e-12, "out");
      const frac = keep.mean().item() as number;
      expect(frac).toBeGreaterThan(0.6);
      expect(frac).toBeLessThan(0.9);
      o.sum().backward();
      expectClose(x.grad!, keep.div(0.75).tolist() as number[][], 1e-12, 1e-12, "grad");
    }
  });
  it("torch's errors", () => {
    const f = torch.native_dropout as unknown as (...a: unknown[]) => unknown;
    expectErr(() => f(torch.ones([2, 3])), dfx.errors.missing2);
    expectErr(() => f(torch.ones([2, 3]), 0.5), dfx.errors.missing1);
  });
});
