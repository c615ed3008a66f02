/**
 * The last API gaps against PyTorch 1.13 (scripts/fixtures/scatter_reduce_frombuffer_fixtures.py,
 * tests/fixtures/torch/core/scatter_reduce_frombuffer.json): scatter_reduce (every reduce, include_self, dims,
 * ties, zeros, int64, 0-d), isreal, frombuffer; then float64 gradchecks of scatter_reduce, the
 * errors, and torch.from_numpy's pointer to the alternatives; F.ctc_loss / nn.CTCLoss (values, gradients
 * w.r.t. logits and log_probs, float64 gradchecks, errors).
 */
import { describe, expect, it } from "vitest";
import { F, nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { gradcheck } from "../../../../lib/grading/gradcheck";
import { describeOpCases, type OpCases, loadStored, type StoredCase, type StoredTensor } from "../op_cases";
import { expectClose, loadFixture } from "./fixtures";

const fx = loadFixture<{
  inputs: Record<string, StoredTensor>;
  cases: Record<string, StoredCase>;
  frombuffer: { raw: number[]; cases: Record<string, StoredTensor> };
}>("scatter_reduce_frombuffer.json");

type Reduce = "sum" | "prod" | "mean" | "amax" | "amin";
const REDUCES: Reduce[] = ["sum", "prod", "mean", "amax", "amin"];

/** name -> [input names, fn]. Mirrors CASES in scatter_reduce_frombuffer_fixtures.py. */
const cases: OpCases = {
  amax_wide_src: [["X", "IDX", "SRCW"], (x, i, s) => x.scatter_reduce(1, i, s, "amax")],
  sum_0d: [["X0", "IDX00", "SRC00"], (x, i, s) => x.scatter_reduce(0, i, s, "sum")],
  isreal: [["X"], (x) => torch.isreal(x)],
  fill_diagonal_wrap: [["TALL"], (x) => x.clone().fill_diagonal_(5, true)],
  fill_diagonal_tall: [["TALL"], (x) => x.clone().fill_diagonal_(-2.5)],
  fill_diagonal_wide: [["Y"], (x) => x.t().clone().fill_diagonal_(0.5, { wrap: true })],
  fill_diagonal_cube: [["CUBE"], (x) => x.clone().fill_diagonal_(9)],
  asinh: [["X"], (x) => torch.asinh(x)],
  arccosh: [["ABOVE1"], (x) => x.arccosh()],
  atanh: [["U"], (x) => torch.arctanh(x)],
  erfc: [["X"], (x) => torch.erfc(x)],
  erfc_tail_f64: [["WIDE"], (x) => x.erfc()],
  isposinf_isneginf: [["INFS"], (x) => [torch.isposinf(x), x.isneginf()]],
  positive: [["X"], (x) => torch.positive(x)],
  fmax: [["X", "Y"], (x, y) => torch.fmax(x, y)],
  fmin_broadcast: [["X", "R"], (x, r) => x.fmin(r)],
  fmax_nan: [["NANS", "NANS2"], (x, y) => torch.fmax(x, y)],
  fmin_nan_ties: [["NANS", "NANS2"], (x, y) => torch.fmin(x, y)],
  copysign: [["X", "Y"], (x, y) => torch.copysign(x, y)],
  copysign_zeros: [["NANS2", "NANS"], (x, y) => x.copysign(y)],
  isreal_long: [["XL"], (x) => x.isreal()],
};
for (const r of REDUCES) {
  for (const include_self of [true, false]) {
    const tag = include_self ? "" : "_noself";
    cases[`${r}${tag}`] = [["X", "IDX", "SRC"], (x, i, s) => x.scatter_reduce(1, i, s, r, { include_self })];
    cases[`${r}${tag}_dim0`] = [["SRC0", "IDX0", "X"], (s, i, x) => torch.scatter_reduce(x, 0, i, s, r, { include_self })];
    cases[`${r}${tag}_ties`] = [["XT", "IDXT", "SRCT"], (x, i, s) => x.scatter_reduce(1, i, s, { reduce: r, include_self })];
    cases[`${r}${tag}_long`] = [["XL", "IDXL", "SRCL"], (x, i, s) => x.scatter_reduce(1, i, s, r, { include_self })];
  }
}

// float64 outputs (erfc's tail) to float64 precision; gradients to W's float32 rounding.
describeOpCases("scatter_reduce, isreal and more elementwise ops match PyTorch 1.13 (tests/fixtures/torch/core/scatter_reduce_frombuffer.json)", fx, cases, (names) =>
  fx.inputs[names[0]]?.dtype === "float64" ? { out: [1e-12, 0], grad: [1e-6, 0] } : { out: [1e-6, 1e-6], grad: [1e-5, 1e-6] });

describe("frombuffer matches PyTorch 1.13", () => {
  const raw = () => new Uint8Array(fx.frombuffer.raw);
  const made: Record<string, () => Tensor> = {
    f32_all: () => torch.frombuffer(raw().buffer, { dtype: torch.float32 }),
    f32_offset_count: () => torch.frombuffer(raw(), { dtype: torch.float32, offset: 16, count: 2 }),
    f64_offset: () => torch.frombuffer(new DataView(raw().buffer), { dtype: torch.float64, offset: 8 }),
    i64: () => torch.frombuffer(raw(), { dtype: torch.int64, count: 2 }),
    bool: () => torch.frombuffer(new Uint8Array([0, 1, 2, 0]), { dtype: torch.bool }),
    f32_unaligned: () => torch.frombuffer(raw(), { dtype: torch.float32, offset: 2, count: 3 }),
  };
  it("mirrors every fixture case", () => expect(Object.keys(made).sort()).toEqual(Object.keys(fx.frombuffer.cases).sort()));
  for (const [name, make] of Object.entries(made)) {
    it(name, () => {
      const want = loadStored(fx.frombuffer.cases[name]);
      const t = make();
      expect(t.dtype).toBe(want.dtype);
      expect(t.shape).toEqual(want.shape);
      expect(t.tolist()).toEqual(want.tolist());
    });
  }

  it("shares the memory of an aligned float buffer, as PyTorch does", () => {
    const arr = new Float32Array([1, 2, 3, 4]);
    const t = torch.frombuffer(arr, { dtype: torch.float32, offset: 4, count: 2 });
    t.mul_(10);
    expect(Array.from(arr)).toEqual([1, 20, 30, 4]);
    arr[1] = -1;
    expect(t.tolist()).toEqual([-1, 30]);
    // A typed array's own window of bytes is the buffer, not the whole ArrayBuffer under it.
    expect(torch.frombuffer(arr.subarray(2), { dtype: torch.float32 }).tolist()).toEqual([30, 4]);
  });

  it("raises PyTorch's errors and changes nothing", () => {
    const b = new Uint8Array(12).buffer;
    expect(() => torch.frombuffer(b, {} as { dtype: typeof torch.float32 })).toThrow(/missing required keyword argument 'dtype'/);
    expect(() => torch.frombuffer(b, { dtype: torch.float32, offset: 12 })).toThrow(/offset \(12 bytes\) must be non-negative/);
    expect(() => torch.frombuffer(b, { dtype: torch.float64 })).toThrow(/must be a multiple of element size \(8\)/);
    expect(() => torch.frombuffer(b, { dtype: torch.float32, count: 4 })).toThrow(/requested buffer length \(4 \* 4 bytes\)/);
    expect(() => torch.frombuffer(new ArrayBuffer(0), { dtype: torch.float32 })).toThrow(/must not be 0/);
    expect(() => torch.frombuffer([1, 2] as unknown as ArrayBuffer, { dtype: torch.float32 })).toThrow(/buffer interface/);
    expect(() => torch.frombuffer(b, { dtype: torch.float32, bogus: 1 } as { dtype: typeof torch.float32 })).toThrow(/unexpected keyword argument 'bogus'/);
  });

  it("requires_grad makes a leaf", () => {
    const t = torch.frombuffer(new Float64Array([1, 2]), { dtype: torch.float64, requires_grad: true });
    expect(t.requires_grad && t.is_leaf).toBe(true);
  });
});

describe("torch.from_numpy", () => {
  it("shares a Float32Array or Float64Array both ways, as PyTorch shares a NumPy buffer", () => {
    const a = new Float32Array([1, 2, 3]);
    const t = torch.from_numpy(a);
    expect([t.dtype, t.shape]).toEqual([torch.float32, [3]]);
    a[0] = 9;
    t.index_put_([2], 7);
    expect([t.tolist(), Array.from(a)]).toEqual([[9, 2, 7], [9, 2, 7]]);
    const x = torch.rand(2, 3);
    expect(torch.from_numpy(x.numpy()).reshape(2, 3).tolist()).toEqual(x.tolist()); // the round trip of the NumPy bridge
    expect(torch.from_numpy(new Float64Array([0.5])).dtype).toBe(torch.float64);
  });

  it("copies integer typed arrays into the matching dtype", () => {
    expect(torch.from_numpy(new Int32Array([-3, 4])).dtype).toBe(torch.int32);
    expect(torch.from_numpy(new Uint8Array([255, 0])).tolist()).toEqual([255, 0]);
    const big = torch.from_numpy(new BigInt64Array([5n, -6n]));
    expect([big.dtype, big.tolist()]).toEqual([torch.int64, [5, -6]]);
  });

  it("raises an error naming the alternatives for anything else", () => {
    expect(() => torch.from_numpy({})).toThrow(/expected a typed array.*no NumPy here.*torch\.tensor.*torch\.from_array.*torch\.frombuffer/);
    expect(() => torch.from_numpy([1, 2] as never)).toThrow(/got an array/);
  });
});

describe("scatter_reduce gradients (float64 finite differences)", () => {
  const long = (v: number[][]) => torch.tensor(v, { dtype: torch.long });
  const idx = long([[0, 1, 1], [3, 3, 3], [2, 0, 2]]);
  // Values spaced apart so amax/amin winners do not change under the finite-difference step.
  const spread = (rows: number, cols: number, shift: number) =>
    torch.randperm(rows * cols).to(torch.float64).mul(0.37).sub(shift).reshape(rows, cols);
  for (const r of REDUCES) {
    for (const include_self of [true, false]) {
      it(`${r}, include_self=${include_self}`, () => {
        torch.manual_seed(3);
        const x = spread(3, 4, 2);
        const s = spread(3, 3, 1.5);
        expect(gradcheck((a, b) => a.scatter_reduce(1, idx, b, r, { include_self }), [x, s])).toBe(true);
      });
    }
  }
  it("prod with zeros among the values (one zero, and two into the same place)", () => {
    const x = torch.tensor([[0, 1.5, 2, -1]], { dtype: torch.float64 });
    const s = torch.tensor([[0.5, 0, 3, 0]], { dtype: torch.float64 });
    const i = long([[0, 2, 3, 3]]);
    expect(gradcheck((a, b) => a.scatter_reduce(1, i, b, "prod"), [x, s])).toBe(true);
  });
  it("a src wider than index gets zero gradient outside the index block", () => {
    const s = torch.ones(3, 5, { dtype: torch.float64, requires_grad: true });
    torch.zeros(3, 4, { dtype: torch.float64 }).scatter_reduce(1, idx, s, "sum").sum().backward();
    expect(s.grad!.tolist()).toEqual([[1, 1, 1, 0, 0], [1, 1, 1, 0, 0], [1, 1, 1, 0, 0]]);
  });
  it("in place: scatter_reduce_ on a graph tensor", () => {
    const x = torch.randn(3, 4, { dtype: torch.float64 });
    const s = torch.randn(3, 3, { dtype: torch.float64 });
    expect(gradcheck((a, b) => a.mul(1).scatter_reduce_(1, idx, b, "mean"), [x, s])).toBe(true);
  });
});

describe("scatter_reduce errors change nothing", () => {
  const x = () => torch.zeros(2, 3);
  const i = torch.tensor([[0, 2]], { dtype: torch.long });
  const s = torch.ones(1, 2);
  it("checks reduce, dtypes, shapes and indices", () => {
    expect(() => x().scatter_reduce(1, i, s, "max" as Reduce)).toThrow("reduce argument must be either sum, prod, mean, amax or amin.");
    expect(() => (x().scatter_reduce as (...a: unknown[]) => Tensor)(1, i, s)).toThrow(/missing 1 required positional argument: 'reduce'/);
    expect(() => x().scatter_reduce(1, i.float(), s, "sum")).toThrow(/Expected dtype int64 for index/);
    expect(() => x().scatter_reduce(1, i, s.double(), "sum")).toThrow(/Expected self.dtype to be equal to src.dtype/);
    expect(() => x().scatter_reduce(1, torch.tensor([0], { dtype: torch.long }), s, "sum")).toThrow(/same number of dimensions/);
    expect(() => x().scatter_reduce(1, torch.tensor([[0, 1, 2]], { dtype: torch.long }), s, "sum")).toThrow(/smaller size than src/);
    expect(() => x().scatter_reduce(1, torch.tensor([[0, 3]], { dtype: torch.long }), s, "sum")).toThrow(/index 3 is out of bounds for dimension 1 with size 3/);
    expect(() => x().scatter_reduce(1, i, s, "sum", { include_self: false, bogus: 1 } as { include_self: boolean })).toThrow(/unexpected keyword argument 'bogus'/);
  });
  it("a failing in-place call leaves the tensor as it was", () => {
    const t = torch.ones(2, 3);
    expect(() => t.scatter_reduce_(1, torch.tensor([[0, 5]], { dtype: torch.long }), s, "sum")).toThrow(/out of bounds/);
    expect(t.tolist()).toEqual([[1, 1, 1], [1, 1, 1]]);
    expect(t._version).toBe(0);
  });
});

describe("F.ctc_loss / nn.CTCLoss match PyTorch 1.13", () => {
  interface CtcCase {
    il: number[];
    tl: number[];
    targets: StoredTensor;
    kw: { blank?: number; reduction?: "mean" | "sum" | "none"; zero_infinity?: boolean };
    loss: StoredTensor;
    grad_logits?: StoredTensor;
    grad_log_probs?: StoredTensor;
  }
  const ctc = (fx as unknown as { ctc: { logits: StoredTensor; cases: Record<string, CtcCase> } }).ctc;
  const weights = (loss: Tensor) => torch.linspace(0.5, 1.5, loss.numel()).reshape(loss.shape.slice());

  for (const [name, c] of Object.entries(ctc.cases).filter(([n]) => n !== "unbatched")) {
    it(name, () => {
      const x = loadStored(ctc.logits).requires_grad_(true);
      const lengths = torch.tensor(c.il, { dtype: torch.long });
      const loss = F.ctc_loss(x.log_softmax(2), loadStored(c.targets), lengths, torch.tensor(c.tl, { dtype: torch.long }), c.kw);
      expect(loss.shape).toEqual(c.loss.shape);
      expectClose(loss, c.loss.data, 1e-5, 1e-5, `${name} loss`);
      if (!c.grad_logits) return;
      loss.mul(weights(loss)).sum().backward();
      expectClose(x.grad!, c.grad_logits.data, 1e-4, 1e-6, `${name} grad w.r.t. logits`);
      // The module form, and log_probs as a leaf (PyTorch's fused formula exp(log_probs) - posterior).
      const leaf = loadStored(ctc.logits).log_softmax(2).detach().requires_grad_(true);
      const m = new nn.CTCLoss(c.kw);
      // both lengths as lists (torch takes lists or tensors, not one of each)
      m(leaf, loadStored(c.targets), c.il, c.tl).mul(weights(loss)).sum().backward();
      expectClose(leaf.grad!, c.grad_log_probs!.data, 1e-4, 1e-6, `${name} grad w.r.t. log_probs`);
    });
  }

  it("unbatched: (T, C) log_probs and a 1-D target", () => {
    const c = ctc.cases.unbatched;
    const x = loadStored(ctc.logits).select(1, 0).detach().requires_grad_(true);
    // unbatched lengths as 0-d tensors (plain ints are torch's TypeError)
    const loss = F.ctc_loss(x.log_softmax(1), torch.tensor([1, 1, 2], { dtype: torch.long }), torch.tensor(6, { dtype: torch.long }), torch.tensor(3, { dtype: torch.long }), { reduction: "none" });
    expect(loss.shape).toEqual([]);
    expectClose(loss, c.loss.data, 1e-5, 1e-5, "unbatched loss");
    loss.backward();
    expectClose(x.grad!, c.grad_logits!.data, 1e-4, 1e-6, "unbatched grad");
  });

  it("gradients through log_softmax agree with float64 finite differences", () => {
    torch.manual_seed(4);
    const x = torch.randn(5, 2, 4, { dtype: torch.float64 });
    const targets = torch.tensor([[1, 1, 3], [2, 0, 0]], { dtype: torch.long });
    for (const reduction of ["mean", "sum", "none"] as const) {
      expect(gradcheck((a) => F.ctc_loss(a.log_softmax(2), targets, [5, 4], [3, 1], { reduction }), [x])).toBe(true);
    }
    expect(gradcheck((a) => F.ctc_loss(a.log_softmax(2), targets, [5, 3], [3, 1], 2, "sum"), [x])).toBe(true);
  });

  it("checks its arguments with clear errors", () => {
    const lp = torch.randn(4, 2, 3).log_softmax(2);
    const t = torch.tensor([[1, 2], [1, 0]], { dtype: torch.long });
    expect(() => F.ctc_loss(lp, t, [4, 4], [2, 1], { blank: 3 })).toThrow(/blank must be in label range/);
    expect(() => F.ctc_loss(lp, t, [5, 4], [2, 1])).toThrow(/input_lengths to have value at most 4/);
    expect(() => F.ctc_loss(lp, t, [4], [2, 1])).toThrow(/^input_lengths must be of size batch_size$/);
    expect(() => F.ctc_loss(lp, t, [4, 4], [3, 1])).toThrow(/size at least 3 at dimension 1/);
    // torch 1.13 takes float targets as long ones (fsdl_text_recognizer_gaps.test.ts)
    expect(F.ctc_loss(lp, t.float(), [4, 4], [2, 1]).item()).toBe(F.ctc_loss(lp, t, [4, 4], [2, 1]).item());
    expect(() => F.ctc_loss(lp, torch.tensor([[1, 7], [1, 0]], { dtype: torch.long }), [4, 4], [2, 1])).toThrow(/target label 7 is out of range/);
    expect(() => F.ctc_loss(lp, t, [4, 4], [2, 1], { reduction: "avg" as "mean" })).toThrow(/reduction/);
    expect(() => new nn.CTCLoss({ bogus: 1 } as never)).toThrow(/unexpected keyword argument 'bogus'/);
  });
});

describe("the elementwise gaps' gradients (float64 finite differences)", () => {
  const f64 = (v: number[]) => torch.tensor(v, { dtype: torch.float64 });
  const cases: [string, (...xs: Tensor[]) => Tensor, () => Tensor[]][] = [
    ["asinh", (x) => x.asinh(), () => [f64([-3, -0.4, 0, 0.7, 5])]],
    ["acosh", (x) => torch.acosh(x), () => [f64([1.2, 2, 7.5])]],
    ["atanh", (x) => x.atanh(), () => [f64([-0.9, -0.2, 0.3, 0.8])]],
    ["erfc", (x) => torch.erfc(x), () => [f64([-2, -0.3, 0.5, 1.9, 2.1, 3.5])]],
    ["fmax", (x, y) => torch.fmax(x, y), () => [f64([1, -2, 3.5, 0.2]), f64([0.5, -1, 4, 0.1])]],
    ["fmin broadcast", (x, y) => x.fmin(y), () => [f64([1, -2, 3.5, 0.2]), f64([0.4])]],
    ["copysign", (x, y) => x.copysign(y), () => [f64([1, -2, 3.5, -0.2]), f64([-0.5, -1, 4, 0.1])]],
  ];
  for (const [name, fn, make] of cases) it(name, () => expect(gradcheck(fn, make())).toBe(true));
  it("fill_diagonal_ on a graph tensor", () => {
    expect(gradcheck((x) => x.mul(2).fill_diagonal_(0.5), [torch.randn(4, 3, { dtype: torch.float64 })])).toBe(true);
  });
  it("fill_diagonal_ errors change nothing", () => {
    const v = torch.ones(3);
    expect(() => v.fill_diagonal_(0)).toThrow(/dimensions must larger than 1/);
    const c = torch.ones(2, 3, 2);
    expect(() => c.fill_diagonal_(0)).toThrow(/all dimensions of input must be of equal length/);
    expect(c.sum().item()).toBe(12);
  });
  it("positive returns its input; bool refused", () => {
    const x = torch.ones(2);
    expect(torch.positive(x)).toBe(x);
    expect(() => torch.positive(torch.ones(2).bool())).toThrow(/on a bool tensor is not supported/);
  });
});

describe("torch.distributions (Normal, Categorical) match PyTorch 1.13", () => {
  type S = StoredTensor;
  const d = (fx as unknown as {
    distributions: {
      kl_normal: S; kl_categorical: S; kl_categorical_inf: S;
      value: S; log_prob: S; entropy: S; cdf: S; icdf: S; variance: S; log_prob_grad: S[]; rsample: S; rsample_grad: S[]; sample: S; sample_scalar: S;
      categorical: { probs: S; logits: S; log_prob: S; entropy: S; log_prob_bcast: S; sample: S; from_logits: { probs: S; log_prob: S; entropy: S; grad: S } };
    };
  }).distributions;
  const { Normal, Categorical } = torch.distributions;
  const close = (t: Tensor, s: S, label: string) => {
    expect(t.shape).toEqual(s.shape);
    expectClose(t, s.data, 1e-5, 1e-6, label);
  };
  const params = () => [torch.tensor([0.5, -1, 2], { requires_grad: true }), torch.tensor([1, 0.5, 2], { requires_grad: true })];

  it("Normal: log_prob, entropy, cdf, icdf, variance and log_prob's gradients", () => {
    const [loc, scale] = params();
    const n = new Normal(loc, scale);
    const v = loadStored(d.value);
    close(n.log_prob(v), d.log_prob, "log_prob");
    close(n.entropy(), d.entropy, "entropy");
    close(n.cdf(v), d.cdf, "cdf");
    close(n.icdf(torch.tensor([0.1, 0.5, 0.97])), d.icdf, "icdf");
    close(n.variance, d.variance, "variance");
    n.log_prob(v).sum().backward();
    close(loc.grad!, d.log_prob_grad[0], "d log_prob / d loc");
    close(scale.grad!, d.log_prob_grad[1], "d log_prob / d scale");
  });

  it("Normal: seeded sample and rsample draw PyTorch's values; rsample's gradients reach loc and scale", () => {
    const [loc, scale] = params();
    const n = new Normal({ loc, scale });
    torch.manual_seed(5);
    const rs = n.rsample([2]);
    close(rs, d.rsample, "rsample");
    rs.sum().backward();
    close(loc.grad!, d.rsample_grad[0], "d rsample / d loc");
    close(scale.grad!, d.rsample_grad[1], "d rsample / d scale");
    torch.manual_seed(6);
    const s = n.sample([4]);
    expect(s.requires_grad).toBe(false);
    close(s, d.sample, "sample");
    torch.manual_seed(7);
    close(new Normal(0, 2).sample([5]), d.sample_scalar, "sample from numbers");
  });

  it("Categorical from probs and from logits: normalisation, log_prob, entropy, gradients, seeded sample", () => {
    const c = new Categorical(torch.tensor([[0.1, 0.2, 0.3, 0.4], [2, 1, 1, 0]]));
    const idx = torch.tensor([3, 0], { dtype: torch.long });
    close(c.probs, d.categorical.probs, "probs");
    close(c.logits, d.categorical.logits, "logits");
    close(c.log_prob(idx), d.categorical.log_prob, "log_prob");
    close(c.entropy(), d.categorical.entropy, "entropy");
    close(c.log_prob(torch.tensor([[1], [2]], { dtype: torch.long })), d.categorical.log_prob_bcast, "log_prob broadcast");
    torch.manual_seed(8);
    const s = c.sample([3, 2]);
    expect(s.dtype).toBe(torch.long);
    expect(s.shape).toEqual(d.categorical.sample.shape);
    expect(s.tolist()).toEqual(loadStored(d.categorical.sample).tolist());
    const logits = torch.tensor([[0.5, -1, 2, 0], [1, 1, -3, 0.2]], { requires_grad: true });
    const cl = new Categorical({ logits });
    close(cl.probs, d.categorical.from_logits.probs, "probs from logits");
    close(cl.log_prob(idx), d.categorical.from_logits.log_prob, "log_prob from logits");
    close(cl.entropy(), d.categorical.from_logits.entropy, "entropy from logits");
    cl.log_prob(idx).sum().add(cl.entropy().sum()).backward();
    close(logits.grad!, d.categorical.from_logits.grad, "gradient w.r.t. logits");
  });

  it("kl_divergence: Normal-Normal and Categorical-Categorical (infinite where q has no mass)", () => {
    const [loc, scale] = params();
    const q = new Normal(torch.tensor([0, 1, 2.5]), torch.tensor([2, 0.5, 1]));
    close(torch.distributions.kl_divergence(new Normal(loc, scale), q), d.kl_normal, "KL normal");
    const pc = new Categorical(torch.tensor([[0.1, 0.2, 0.3, 0.4], [0.5, 0.5, 0, 0]]));
    const qc = new Categorical(torch.tensor([[0.25, 0.25, 0.25, 0.25], [0.2, 0.3, 0.5, 0]]));
    close(torch.distributions.kl.kl_divergence(pc, qc), d.kl_categorical, "KL categorical");
    close(torch.distributions.kl_divergence(qc, pc), d.kl_categorical_inf, "KL categorical, q without mass");
    expect(() => torch.distributions.kl_divergence(pc, q)).toThrow(/No KL\(p \|\| q\) is implemented for p type Categorical and q type Normal/);
  });

  it("checks its parameters", () => {
    expect(() => new Normal(torch.zeros(2), torch.tensor([1, 0]))).toThrow(/constraint GreaterThan\(lower_bound=0\.0\)/);
    expect(() => new Normal(torch.zeros(2), torch.tensor([1, 0]), false)).not.toThrow();
    expect(() => new Categorical(torch.ones(3), torch.ones(3))).toThrow(/Either `probs` or `logits` must be specified, but not both/);
    expect(() => new Categorical()).toThrow(/Either `probs` or `logits`/);
    expect(() => new Categorical(torch.tensor(1))).toThrow(/at least one-dimensional/);
    expect(String(new Categorical({ logits: torch.zeros(2, 3) }))).toBe("Categorical(logits: torch.Size([2, 3]))");
    expect(String(new Normal(0, 1))).toBe("Normal(loc: 0.0, scale: 1.0)");
  });
});
