/**
 * Small torch 1.13 gaps, checked against torch 1.13 (scripts/fixtures/small_gaps_s16_fixtures.py,
 * tests/fixtures/torch/core/small_gaps_s16.json):
 *   - softmax / log_softmax (torch.*, F.*, Tensor methods) of an int64, int32 or bool input without dtype raise torch's
 *     '"softmax_lastdim_kernel_impl" not implemented for 'Long'' (the engine computed int64 / bool in float32);
 *     dtype=torch.float32 / float64 still casts first;
 *   - dtype is keyword-only in nansum, nanmean and cumprod (torch's TypeErrors; the engine took it positionally), and
 *     Tensor.cumsum_(dim, { dtype }) and nanmean(..., { dtype }) / Tensor.nanmean({ dtype }) take it as torch does;
 *   - nn.utils.rnn.unpad_sequence and unpack_sequence (torch 1.13's docstring examples and more).
 */
import { describe, expect, it } from "vitest";
import { F, nn, torch, type Tensor } from "../../../../lib/tensor/index";
import type { DType } from "../../../../lib/tensor/core";
import { expectClose, loadFixture } from "./fixtures";

type DTypeName = DType["name"];
interface TD { shape: number[]; dtype: DTypeName; data: number[] }
type Err = [string, string] | null;
interface GradCase { out: TD; grad?: TD; backward_error?: Err }
interface UnpadCase { x: TD; lengths: number[]; batch_first: boolean; by_keyword: boolean; pieces: TD[]; shape_after: number[]; grad: TD }
interface UnpackCase { seqs?: number[][]; seqs2?: TD[]; enforce_sorted: boolean; out: TD[]; grads?: TD[] }
interface Fixture {
  softmax_errors: { dtype: DTypeName; shape: number[]; dim: number; form: string; error: Err }[];
  softmax_cast: { dtype: DTypeName; values: (number | boolean)[][]; dim: number; target: DTypeName; softmax: TD; log_softmax: TD }[];
  keyword_only: Record<string, Err>;
  dtype_values: Record<string, GradCase>;
  dtype_errors: Record<string, Err>;
  doc_unpad: { allclose: boolean[]; shapes: number[][]; padded_shape_after: number[] };
  doc_unpack: { sequences: string; packed: string; unpacked: string; values: TD[] };
  unpad_cases: UnpadCase[];
  leaf_error: Err;
  unpack_cases: UnpackCase[];
}
const fx = loadFixture<Fixture>("small_gaps_s16.json");
const R = nn.utils.rnn;
const { float64: f64, float32: f32, int64 } = torch;

const fromTD = (t: TD, requires_grad = false): Tensor =>
  torch.tensor(t.data, { dtype: torch[t.dtype] }).reshape(t.shape).requires_grad_(requires_grad);

function expectTD(actual: Tensor, want: TD, label: string): void {
  expect(actual.shape, `${label}: shape`).toEqual(want.shape);
  expect(actual.dtype.name, `${label}: dtype`).toBe(want.dtype);
  expectClose(actual.reshape(-1), want.data, 1e-5, 1e-6, label);
}

/** fn throws torch's error: the same class name and message. */
function expectError(fn: () => unknown, want: Err, label: string): void {
  expect(want, `${label}: torch raises`).not.toBeNull();
  let thrown: unknown = null;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, `${label}: raises`).toBeInstanceOf(Error);
  expect((thrown as Error).name, label).toBe(want![0]);
  expect((thrown as Error).message, label).toBe(want![1]);
}

const SOFTMAX_FORMS: Record<string, (x: Tensor, d: number) => Tensor> = {
  "torch.softmax": (x, d) => torch.softmax(x, d),
  "F.softmax": (x, d) => F.softmax(x, d),
  "F.softmax_kw": (x, d) => F.softmax(x, { dim: d }),
  "Tensor.softmax": (x, d) => x.softmax(d),
  "torch.log_softmax": (x, d) => torch.log_softmax(x, d),
  "F.log_softmax": (x, d) => F.log_softmax(x, d),
  "Tensor.log_softmax": (x, d) => x.log_softmax(d),
  softmax_dtype_long: (x, d) => torch.softmax(x, d, { dtype: int64 }),
  log_softmax_dtype_long: (x, d) => x.log_softmax(d, { dtype: int64 }),
};

describe("softmax / log_softmax of integer and bool inputs (torch 1.13 has no kernel for them)", () => {
  it("raise torch's error for every form, dtype and dim (last dim or not), and change nothing", () => {
    expect(fx.softmax_errors.length).toBe(3 * 6 * 9);
    for (const c of fx.softmax_errors) {
      const x = torch.ones(c.shape, { dtype: torch[c.dtype] });
      expectError(() => SOFTMAX_FORMS[c.form](x, c.dim), c.error, `${c.form} ${c.dtype} [${c.shape.join(", ")}] dim ${c.dim}`);
      expect(x.dtype.name).toBe(c.dtype);
    }
  });

  it("F.softmax without dim picks the dim torch picks, and raises its error", () => {
    const x = torch.ones([2, 3], { dtype: int64 });
    expect(() => F.softmax(x)).toThrow(`"softmax_lastdim_kernel_impl" not implemented for 'Long'`);
  });

  it("dtype=torch.float32 / float64 casts first: the values of torch", () => {
    for (const c of fx.softmax_cast) {
      const x = torch.tensor(c.values, { dtype: torch[c.dtype] });
      const label = `${c.dtype} -> ${c.target} dim ${c.dim}`;
      expectTD(torch.softmax(x, c.dim, { dtype: torch[c.target] }), c.softmax, `softmax ${label}`);
      expectTD(F.log_softmax(x, c.dim, { dtype: torch[c.target] }), c.log_softmax, `log_softmax ${label}`);
      expectTD(x.softmax({ dim: c.dim, dtype: torch[c.target] }), c.softmax, `Tensor.softmax keywords ${label}`);
    }
  });
});

describe("dtype is keyword-only in nansum / nanmean / cumprod / cumsum_", () => {
  const x = (): Tensor => torch.tensor([[1, NaN], [3, 4]]);
  const ko = fx.keyword_only;
  const call = (f: (...a: unknown[]) => unknown, ...a: unknown[]) => () => f(...a);
  const method = (name: string, ...a: unknown[]) => () => {
    const t = x();
    return (t[name as keyof Tensor] as (...b: unknown[]) => unknown).call(t, ...a);
  };

  it("nansum and nanmean: torch's TypeErrors, exactly", () => {
    const nansum = torch.nansum as (...a: unknown[]) => unknown;
    const nanmean = torch.nanmean as (...a: unknown[]) => unknown;
    expectError(call(nansum, x(), 0, false, f64), ko["torch.nansum(x, 0, False, f64)"], "torch.nansum 4");
    expectError(call(nansum, x(), 0, true, f64), ko["torch.nansum(x, 0, True, f64)"], "torch.nansum 4 keepdim");
    expectError(call(nansum, x(), f64), ko["torch.nansum(x, f64)"], "torch.nansum dim");
    expectError(call(nansum, x(), 0, f64), ko["torch.nansum(x, 0, f64)"], "torch.nansum keepdim");
    expectError(method("nansum", 0, false, f64), ko["x.nansum(0, False, f64)"], "x.nansum 3");
    expectError(method("nansum", f64), ko["x.nansum(f64)"], "x.nansum dim");
    expectError(method("nansum", 0, f64), ko["x.nansum(0, f64)"], "x.nansum keepdim");
    expectError(call(nanmean, x(), 0, false, f64), ko["torch.nanmean(x, 0, False, f64)"], "torch.nanmean 4");
    expectError(method("nanmean", 0, false, f64), ko["x.nanmean(0, False, f64)"], "x.nanmean 3");
    expectError(call(nanmean, x(), f64), ko["torch.nanmean(x, f64)"], "torch.nanmean dim");
  });

  it("cumprod and cumsum_: torch's TypeError (its first line; the engine names the keyword instead of listing signatures)", () => {
    const head = (e: Err): string => e![1].split(" - got")[0];
    expect(() => (torch.cumprod as (...a: unknown[]) => unknown)(x(), 0, f64)).toThrow(head(ko["torch.cumprod(x, 0, f64)"]));
    expect(() => method("cumprod", 0, f64)()).toThrow(head(ko["x.cumprod(0, f64)"]));
    expect(() => method("cumsum_", 0, f64)()).toThrow(head(ko["x.cumsum_(0, f64)"]));
    expect(() => method("cumprod", 0, null)()).toThrow("cumprod() received an invalid combination of arguments");
    const t = x();
    expect(() => (t.cumsum_ as (...a: unknown[]) => unknown)(0, f64)).toThrow(/^cumsum_\(\) received an invalid combination of arguments/);
    expectClose(t, [[1, NaN], [3, 4]], 0, 0, "unchanged");
  });
});

describe("the dtype keyword of cumsum_ and nanmean (cast first, the gradient through the cast)", () => {
  const FORMS: Record<string, (x: Tensor) => Tensor> = {
    "torch.nanmean(x, dtype=f64)": (x) => torch.nanmean(x, { dtype: f64 }),
    "torch.nanmean(x, 1, True, dtype=f64)": (x) => torch.nanmean(x, 1, true, { dtype: f64 }),
    "torch.nanmean(x, dim=0, dtype=f64)": (x) => torch.nanmean(x, { dim: 0, dtype: f64 }),
    "x.nanmean(0, dtype=f64)": (x) => x.nanmean(0, { dtype: f64 }),
    "x.nanmean(dtype=f32) of float64": (x) => x.nanmean({ dtype: f32 }),
    "x.nanmean(-1, keepdim=True, dtype=f32)": (x) => x.nanmean(-1, { keepdim: true, dtype: f32 }),
    "torch.nansum(x, 1, dtype=f64)": (x) => torch.nansum(x, 1, { dtype: f64 }),
    "torch.cumprod(x, 1, dtype=f64)": (x) => torch.cumprod(x, 1, { dtype: f64 }),
    "torch.cumprod(x, 1, dtype=f64) with a zero": (x) => torch.cumprod(x, 1, { dtype: f64 }),
    "x.cumprod(dim=0, dtype=f32) of float64": (x) => x.cumprod({ dim: 0, dtype: f32 }),
    "x.clone().cumsum_(1, dtype=f32)": (x) => x.clone().cumsum_(1, { dtype: f32 }),
    "x.clone().cumsum_(dim=0, dtype=f64) of float64": (x) => x.clone().cumsum_({ dim: 0, dtype: f64 }),
  };
  const INPUTS: Record<string, [number[][], DTypeName]> = {
    nan32: [[[1.5, NaN, -2.0], [0.5, 3.0, NaN]], "float32"],
    nan64: [[[1.5, NaN, -2.0], [0.5, 3.0, NaN]], "float64"],
    plain32: [[[1.5, 2.0, -2.0], [0.5, 3.0, 1.0]], "float32"],
    zero32: [[[1.5, 2.0, -2.0], [0.5, 3.0, 0.0]], "float32"],
    plain64: [[[1.5, 2.0, -2.0], [0.5, 3.0, 1.0]], "float64"],
  };
  const inputOf = (name: string): [number[][], DTypeName] => {
    if (name.includes("cumprod") || name.includes("cumsum_")) return INPUTS[name.includes("zero") ? "zero32" : name.includes("float64") ? "plain64" : "plain32"];
    return INPUTS[name.includes("float64") ? "nan64" : "nan32"];
  };

  it("values and gradients of torch (the gradient of sum(out * W), W = linspace(0.5, 1.5))", () => {
    for (const [name, fn] of Object.entries(FORMS)) {
      const want = fx.dtype_values[name];
      expect(want, name).toBeDefined();
      const [values, dtype] = inputOf(name);
      const x = torch.tensor(values, { dtype: torch[dtype], requires_grad: true });
      const r = fn(x);
      expectTD(r, want.out, name);
      // torch 1.13's cumprod backward fails for a zero with a cast (masked_scatter's dtype check); the engine's is the plain one
      if (want.backward_error) continue;
      r.mul(torch.linspace(0.5, 1.5, r.numel(), { dtype: r.dtype }).reshape(r.shape)).sum().backward();
      expectTD(x.grad!, want.grad!, `${name} grad`);
    }
  });

  it("cumsum_ with the tensor's own integer dtype, and torch's errors for any other dtype", () => {
    expectTD(torch.tensor([1, 2, 3], { dtype: torch.int32 }).cumsum_(0, { dtype: torch.int32 }), fx.dtype_values["int32 x.cumsum_(0, dtype=int32)"].out, "int32");
    let n = 0;
    for (const [key, want] of Object.entries(fx.dtype_errors)) {
      const m = /^(\w+) cumsum_\(0, dtype=(\w+)\)$/.exec(key);
      if (!m) continue;
      const t = torch.zeros(2, { dtype: torch[m[1] as DTypeName] });
      expectError(() => t.cumsum_(0, { dtype: torch[m[2] as DTypeName] }), want, key);
      expectError(() => t.cumsum_({ dim: 0, dtype: torch[m[2] as DTypeName] }), want, `${key} by keyword`);
      expect(t.tolist()).toEqual(m[1] === "bool" ? [false, false] : [0, 0]);
      n++;
    }
    expect(n).toBe(21);
    expect(() => torch.ones(2).cumsum_(0, { dtype: f32, zzz: 1 } as never)).toThrow("cumsum_() got an unexpected keyword argument 'zzz'");
  });

  it("nanmean's errors for an integer input or dtype", () => {
    expectError(() => torch.nanmean(torch.tensor([1, 2], { dtype: int64 }), { dtype: f64 }), fx.dtype_errors["int64 nanmean(dtype=f64)"], "int input");
    expectError(() => torch.nanmean(torch.tensor([1, 2]), { dtype: int64 }), fx.dtype_errors["float32 nanmean(dtype=int64)"], "int dtype");
    expectError(() => torch.tensor([1, 2]).nanmean(0, { dtype: torch.int32 }), fx.dtype_errors["float32 x.nanmean(0, dtype=int32)"], "method int dtype");
    expect(() => torch.nanmean(torch.ones(2), { dtype: f64, zzz: 1 } as never)).toThrow("nanmean() got an unexpected keyword argument 'zzz'");
  });
});

describe("nn.utils.rnn.unpad_sequence and unpack_sequence", () => {
  const str = (ts: Tensor[]): string => `[${ts.map(String).join(", ")}]`;

  it("unpad_sequence: torch 1.13's docstring example", () => {
    const sequences = [torch.ones(25, 300), torch.ones(22, 300), torch.ones(15, 300)];
    const padded = R.pad_sequence(sequences);
    const lengths = torch.as_tensor(sequences.map((v) => v.size(0)));
    const unpadded = R.unpad_sequence(padded, lengths);
    expect(sequences.map((s, i) => torch.allclose(s, unpadded[i]))).toEqual(fx.doc_unpad.allclose);
    expect(unpadded.map((u) => u.shape)).toEqual(fx.doc_unpad.shapes);
    expect(padded.shape).toEqual(fx.doc_unpad.padded_shape_after); // transposed in place, as torch 1.13 does
  });

  it("unpack_sequence: torch 1.13's docstring example, printed", () => {
    const L = { dtype: int64 };
    const sequences = [torch.tensor([1, 2, 3], L), torch.tensor([4, 5], L), torch.tensor([6], L)];
    expect(str(sequences)).toBe(fx.doc_unpack.sequences);
    const packed = R.pack_sequence(sequences);
    expect(String(packed)).toBe(fx.doc_unpack.packed);
    const unpacked = R.unpack_sequence(packed);
    expect(str(unpacked)).toBe(fx.doc_unpack.unpacked);
    unpacked.forEach((u, i) => expectTD(u, fx.doc_unpack.values[i], `piece ${i}`));
  });

  it("unpad_sequence positional and by keyword: the pieces, the input's shape after, the gradient", () => {
    for (const [k, c] of fx.unpad_cases.entries()) {
      const x = fromTD(c.x, true);
      const p = x.mul(1);
      const lengths = torch.tensor(c.lengths);
      const pieces = c.by_keyword
        ? R.unpad_sequence({ padded_sequences: p, lengths, batch_first: c.batch_first })
        : R.unpad_sequence(p, lengths, c.batch_first);
      expect(pieces.length, `case ${k}`).toBe(c.pieces.length);
      pieces.forEach((q, i) => expectTD(q, c.pieces[i], `case ${k} piece ${i}`));
      expect(p.shape, `case ${k} shape after`).toEqual(c.shape_after);
      pieces.map((q, i) => q.mul(torch.linspace(0.5, 1.5 + i, q.numel()).reshape(q.shape)).sum()).reduce((a, b) => a.add(b)).backward();
      expectTD(x.grad!, c.grad, `case ${k} grad`);
    }
  });

  it("unpad_sequence of a leaf that requires grad raises torch's in-place error (batch_first=False); lengths as a list", () => {
    const leaf = torch.zeros([3, 2], { requires_grad: true });
    expect(() => R.unpad_sequence(leaf, torch.tensor([3, 1]))).toThrow(fx.leaf_error![1].replace(/\.$/, ""));
    expect(leaf.shape).toEqual([3, 2]);
    expect(R.unpad_sequence(torch.zeros(2, 4), [3, 1], true).map((q) => q.shape)).toEqual([[3], [1]]);
    expect(() => R.unpad_sequence(torch.zeros(2, 4), [3, 1], { batch_frist: true } as never)).toThrow("unexpected keyword argument 'batch_frist'");
    expect(() => (R.unpad_sequence as (...a: unknown[]) => unknown)(torch.zeros(2, 4))).toThrow("unpad_sequence() missing 1 required positional argument: 'lengths'");
  });

  it("unpack_sequence: values and gradients, enforce_sorted both ways, [L, 2] sequences by keyword", () => {
    for (const [k, c] of fx.unpack_cases.entries()) {
      if (c.seqs) {
        const ts = c.seqs.map((s) => torch.tensor(s, { requires_grad: true }));
        const res = R.unpack_sequence(R.pack_sequence(ts, { enforce_sorted: c.enforce_sorted }));
        res.forEach((r, i) => expectTD(r, c.out[i], `case ${k} out ${i}`));
        res.map((r) => r.mul(torch.linspace(0.5, 1.5, r.numel())).sum()).reduce((a, b) => a.add(b)).backward();
        ts.forEach((t, i) => expectTD(t.grad!, c.grads![i], `case ${k} grad ${i}`));
      } else {
        const res = R.unpack_sequence({ packed_sequences: R.pack_sequence(c.seqs2!.map((t) => fromTD(t))) });
        res.forEach((r, i) => expectTD(r, c.out[i], `case ${k} out ${i}`));
      }
    }
    expect(() => (R.unpack_sequence as (...a: unknown[]) => unknown)(torch.zeros(2))).toThrow("expected a PackedSequence");
  });
});
