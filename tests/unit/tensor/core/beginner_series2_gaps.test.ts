/**
 * Gaps the deeplizard / sentdex probe found (tutorials/beginner_series2.test.ts), each against torch 1.13's behaviour
 * (tests/fixtures/torch/tutorials/beginner_series2.json's "gaps", from scripts/fixtures/beginner_series2_fixtures.py).
 */
import { describe, expect, it, vi } from "vitest";
import { F, torch } from "../../../../lib/tensor/index";
import { forgetShownWarnings } from "../../../../lib/tensor/warnings";
import { raised, tutorialFixture } from "../tutorials/helpers";

const gaps = tutorialFixture<{ gaps: Record<string, any> }>("beginner_series2.json").gaps; // eslint-disable-line @typescript-eslint/no-explicit-any
// the legacy constructors with keywords their types refuse (dtype, requires_grad), as a learner's Python has them
const T = torch.Tensor as unknown as (...args: unknown[]) => InstanceType<typeof torch.Tensor>;
const FloatTensor = torch.FloatTensor as unknown as (...args: unknown[]) => InstanceType<typeof torch.Tensor>;
const LongTensor = torch.LongTensor as unknown as (...args: unknown[]) => InstanceType<typeof torch.Tensor>;
const f64 = { dtype: torch.float64 };

describe("the legacy torch.Tensor(...) constructor's keywords", () => {
  it("a keyword other than device raises the argument parser's TypeError, overloads marked as torch marks them", () => {
    expect([
      raised(() => T([1, 2, 3], f64)),
      raised(() => T([1, 2], { requires_grad: true })),
      raised(() => FloatTensor([1, 2], f64)),
      raised(() => T(2, 3, f64)),
      raised(() => T(2, 3, 4, f64)),
      raised(() => T(f64)),
      raised(() => T(torch.ones(2), f64)),
      // several unknown keywords print in the learner's order here; torch's is its hash map's (this case agrees)
      raised(() => LongTensor([1, 2], { dtype: torch.long, requires_grad: true })),
    ]).toEqual(gaps.legacy_keywords);
  });

  it("device is its one keyword: a CPU device (or None) is accepted, beside a tensor or off the CPU it raises torch's RuntimeError", () => {
    expect([
      String(T([1, 2], { device: "cpu" })), String(T(2, 3, { device: "cpu" }).shape), String(T([1, 2], { device: null })),
      String(torch.LongTensor([1.7, 2], { device: torch.device("cpu") })), String(T({ device: "cpu" })),
      raised(() => T(torch.ones(2), { device: "cpu" })), raised(() => T([1, 2], { device: "cuda" })), raised(() => T(2, { device: "cuda:0" })),
    ]).toEqual(gaps.legacy_device);
  });

  it("new torch.Tensor(data, options) reads the same way (it used to take the options object as a shape)", () => {
    expect(raised(() => new torch.Tensor([1, 2, 3] as never, f64 as never))).toEqual(gaps.legacy_keywords[0]);
    expect(String(new torch.Tensor([1, 2] as never, { device: "cpu" } as never))).toBe(gaps.legacy_device[0]);
  });
});

describe("torch.tensor of a torch.Size", () => {
  it("is int64, as a Size holds Python ints (torch.tensor(t.shape).prod() prints tensor(12)); an empty one stays float32", () => {
    const x = torch.zeros(3, 4);
    expect([
      String(torch.tensor(x.shape)), String(torch.tensor(x.shape).prod()), String(torch.tensor(x.size())), String(torch.as_tensor(x.shape)),
      String(torch.tensor([x.shape, x.shape] as never)), String(torch.tensor([x.shape, [1.5, 2]] as never)), String(torch.tensor(torch.Size([]))),
      String(torch.tensor(torch.Size([])).dtype), String(torch.tensor(x.shape, { dtype: torch.float32 })), String(torch.tensor(x.index(0).shape)),
    ]).toEqual(gaps.tensor_of_size);
  });
});

describe("a typed array (NumPy's part) into torch.Tensor / the typed constructors / torch.as_tensor", () => {
  it("deeplizard's memory-sharing cell: Tensor / tensor copy, as_tensor / from_numpy share a float array in its own dtype", () => {
    const got = [Float32Array, Float64Array].map((Arr) => {
      const data = new Arr([1, 2, 3]);
      const o = [T(data), torch.tensor(data), torch.as_tensor(data), torch.from_numpy(data), torch.as_tensor(data, { dtype: torch.float64 }), torch.FloatTensor(data), torch.DoubleTensor(data)];
      data[0] = 0;
      data[1] = 0;
      return o.map(String);
    });
    expect(got).toEqual(gaps.memory_sharing.slice(0, 2));
  });

  it("other typed arrays are converted to the constructor's dtype (long truncates, bool tests non-zero)", () => {
    expect([String(T(new Int32Array([1, 2, 3]))), String(torch.tensor(new Int32Array([1, 2, 3]))), String(torch.LongTensor(new Float32Array([1.7, -2.2]))),
      String(T(new Uint8Array([1, 2]))), String(torch.BoolTensor(new Float32Array([0, 2])))]).toEqual(gaps.memory_sharing[2]);
  });
});

describe("torch.tensor / torch.Tensor of a list of typed arrays (a list of ndarrays)", () => {
  it("reads each array as a row, in the arrays' dtype promoted, with torch's once-only warning (sentdex's torch.Tensor([i[0] for i in training_data]))", () => {
    forgetShownWarnings();
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const imgs = [0, 1, 2].map((k) => new Float32Array([0, 1, 2, 3].map((v) => v * k)));
      const X = T(imgs).view(-1, 2, 2);
      const f32 = (...v: number[]) => new Float32Array(v);
      expect([String(X), String(torch.tensor(imgs).dtype), String(torch.tensor([new Float64Array([1, 2]), new Float64Array([3, 4])])),
        String(torch.tensor([new Int32Array([1, 2]), new Int32Array([3, 4])])), String(torch.tensor([new Int32Array([1, 2]), f32(3.5, 4)])),
        String(torch.tensor([[f32(1, 2)], [f32(3, 4)]] as never).shape), String(torch.tensor([f32(1, 2), [3, 4]])), String(torch.tensor(imgs, f64)),
        raised(() => torch.tensor([f32(1, 2), f32(3)]))?.map((m) => m.replace(/ at data\[1\]: nested arrays must be rectangular$/, "")),
      ]).toEqual(gaps.list_of_arrays);
      expect(warn.mock.calls.map((c) => String(c[0]))).toEqual([`UserWarning: ${gaps.list_of_arrays_warning}`]);
    } finally {
      warn.mockRestore();
    }
  });
});

describe("a float32 softmax row's scale", () => {
  it("is the float32 reciprocal of the row's sum taken in torch's order: the batch's row sums print as torch's", () => {
    torch.manual_seed(3);
    const p = torch.randn(6, 10);
    const sums = F.softmax(p, { dim: 1 }).sum({ dim: 1 });
    // the sums' last bits also depend on exp (the engine's exp kernel differs from torch's Sleef expf in ~1 % of
    // values) and on sum's own reduction order, so the printed rows are compared, not every bit (the fixture has both)
    expect([String(sums), String(F.softmax(torch.randn(3, 5), { dim: 1 }).sum({ dim: 1 }))]).toEqual([gaps.softmax_rows[0], gaps.softmax_rows[2]]);
  });
});
