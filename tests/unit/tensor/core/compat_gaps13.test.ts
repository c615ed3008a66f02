/**
 * PyTorch 1.13 behaviours tutorial snippets rely on (issue 12, round 13):
 *  - a one-element tensor where JS wants a number (Tensor[Symbol.toPrimitive], Python's float(t) / t > 0.5 in an
 *    if / max(t) / sorted(rows)); any other size raises torch's ValueError instead of a silent NaN / false, and
 *    strings keep printing tensor(...);
 *  - convolutions on uint8 (wrapping modulo 256) and int64 as torch's CPU kernels, int64 average pools (integer
 *    division), and torch's refusals: dilated and transposed uint8, bool, mixed dtypes, and the other pools / unfold /
 *    fold on integer dtypes;
 *  - writes into a row of list(t) (t requiring grad) through basic indexing name the view torch writes through
 *    (row[0] = 5: "Output 0 of SelectBackward0 ...").
 * Values and messages from torch 1.13 (tests/fixtures/torch/core/compat_gaps13.json,
 * scripts/fixtures/compat_gaps13_fixtures.py).
 */
import { describe, expect, it } from "vitest";
import { F, nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { gradcheck } from "../../../../lib/grading/gradcheck";
import { expectClose, loadFixture } from "./fixtures";

type Err = [string, string];
type Flat = { shape: number[]; data: number[] };
const ref = loadFixture<{
  as_number: { values: Record<string, number | boolean | number[]>; refusals: Record<string, Err> };
  integer_conv: { inputs: Record<"x" | "w" | "b" | "xl" | "wl" | "bl", Flat>; values: Record<string, { value: Flat; dtype: string }>; refusals: Record<string, Err> };
  unbind_row_writes: Record<string, Err>;
  call_forms: Record<string, Flat>;
}>("compat_gaps13.json");

/** The error fn raises (it must raise). */
function caught(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected an error");
}

// JS coerces through Symbol.toPrimitive; TypeScript does not know tensors coerce, so go through unknown.
const num = (t: Tensor): number => t as unknown as number;

describe("a tensor as a JS number (Symbol.toPrimitive)", () => {
  const v = ref.as_number.values;
  const t = torch.tensor([0.25, 3.5, -1.0, 2.0]);

  it("Math.max(...t) / Math.min(...t) over a 1-D tensor are Python's max(t) / min(t)", () => {
    expect(Math.max(...(t as unknown as number[]))).toBe(v["max(t)"]);
    expect(Math.min(...(t as unknown as number[]))).toBe(v["min(t)"]);
  });

  it("+t is float(t) for every one-element shape and dtype (bool gives 0 / 1, a tensor requiring grad works)", () => {
    expect(+num(torch.tensor(2.5))).toBe(v["float(0-d)"]);
    expect(+num(torch.tensor([[0.75]]))).toBe(v["float([[1-element]])"]);
    expect(+num(torch.tensor(7))).toBe(v["float(int64)"]);
    expect(+num(torch.tensor(true))).toBe(v["float(bool True)"]);
    expect(+num(torch.tensor(200, { dtype: torch.uint8 }))).toBe(v["float(uint8)"]);
    const loss = torch.tensor(2.7183, { requires_grad: true }).mul(1.0);
    expect(+num(loss)).toBeCloseTo(v["float(loss requiring grad)"] as number, 6);
    expect(Math.round(num(loss))).toBe(v["round(float(loss))"]);
  });

  it("comparisons and arithmetic on one-element rows: t[1] > 0.5, t[0] > 0.5, t[1] * 2", () => {
    const [r0, r1] = t;
    expect(num(r1) > 0.5).toBe(v["t[1] > 0.5"]);
    expect(num(r0) > 0.5).toBe(v["t[0] > 0.5"]);
    expect(num(r1) * 2).toBe(v["t[1] * 2"]);
    // a comparison that used to be silently false (NaN) for a tensor that is greater
    expect(num(torch.tensor([0.7])) > 0.5).toBe(true);
  });

  it("sorting one-element tensors with (a, b) => a - b gives Python's sorted(rows); the tensors are kept", () => {
    const rows = [...torch.tensor([[3.0], [1.0], [2.5]])];
    const sorted = [...rows].sort((a, b) => num(a) - num(b));
    expect(sorted.map((r) => r.item())).toEqual(v["sorted(rows)"]);
    expect(sorted[0]).toBe(rows[1]);
    // `+` is JS's "default" hint, which prints (as "loss " + loss must): a sum needs the unary + (or item()).
    expect(rows.reduce((acc, r) => acc + +num(r), 0)).toBe(v["sum of rows (0 + r)"]);
    expect(rows.reduce((acc, r) => acc + num(r), 0)).toBe("0tensor([3.])tensor([1.])tensor([2.5000])");
  });

  it("strings keep printing the tensor: concatenation, template literals, String()", () => {
    const loss = torch.tensor(0.25);
    expect("loss " + String(loss)).toBe(`loss ${loss.toString()}`);
    expect("loss " + (loss as unknown as string)).toBe("loss tensor(0.2500)");
    expect(`${loss as unknown as string}`).toBe("tensor(0.2500)");
    expect(`${t as unknown as string}`).toBe(t.toString());
    // a Parameter prints as itself ("Parameter containing:"), and is a number as a tensor is
    const p = new nn.Parameter(torch.tensor([1.5]));
    expect(`${p as unknown as string}`).toBe(p.toString());
    expect(`${p as unknown as string}`).toMatch(/^Parameter containing:/);
    expect(num(p) * 2).toBe(3);
  });

  it("refuses tensors with more or fewer than one element with torch's ValueError, for every number coercion", () => {
    const r = ref.as_number.refusals;
    const cases: [string, Tensor][] = [
      ["float(2 elements)", torch.tensor([1.0, 2.0])],
      ["float(empty)", torch.tensor([])],
      ["float(2x2)", torch.ones(2, 2)],
    ];
    for (const [name, x] of cases) {
      const want = r[name];
      for (const coerce of [() => +num(x), () => num(x) > 0.5, () => num(x) * 2, () => Math.round(num(x)), () => Number(x)]) {
        const e = caught(coerce);
        expect(e.name, name).toBe(want[0]);
        expect(e.message, name).toContain(want[1]);
      }
    }
    // Math.max(...t) over a 2-D tensor: its rows have two elements each
    const m = caught(() => Math.max(...(torch.tensor([[1, 2], [3, 4]]) as unknown as number[])));
    expect(m.message).toContain(r["float(2 elements)"][1]);
    // and the refusal names the shape and the tensor-op way out
    expect(caught(() => +num(torch.ones(2, 2))).message).toMatch(/shape \[2, 2\].*t\.gt\(0\.5\)/);
  });
});

describe("convolutions on integer dtypes (torch 1.13 CPU)", () => {
  const c = ref.integer_conv;
  const load = (f: Flat, dtype: typeof torch.uint8): Tensor => torch.tensor(f.data, { dtype }).reshape(f.shape);
  const x = load(c.inputs.x, torch.uint8), w = load(c.inputs.w, torch.uint8), b = load(c.inputs.b, torch.uint8);
  const xl = load(c.inputs.xl, torch.int64), wl = load(c.inputs.wl, torch.int64), bl = load(c.inputs.bl, torch.int64);
  const full = torch.full([1, 1, 4, 4], 255, { dtype: torch.uint8 });
  const x3 = x.index(null, null, 0), w4 = w.index(null, null, 0);
  const values: Record<string, () => Tensor> = {
    "conv2d(x, w[:, :1].repeat)": () => F.conv2d(x, w.index(null, ":2").repeat(1, 2, 1, 1)),
    "conv2d(x, w, b, groups=2)": () => F.conv2d(x, w, b, { groups: 2 }),
    "conv2d(x, w, groups=2, stride=2, padding=1)": () => F.conv2d(x, w, null, 2, 1, 1, 2),
    "conv2d(x, w, groups=2, padding='same')": () => F.conv2d(x, w, { groups: 2, padding: "same" }),
    "conv2d(x[0], w, b, groups=2) unbatched": () => F.conv2d(x.index(0), w, b, { groups: 2 }),
    "conv2d(255s, 255s, 7): wraps": () => F.conv2d(full, full.index(null, null, ":3", ":3"), torch.tensor([7], { dtype: torch.uint8 })),
    "conv1d(x3, w4, b, groups=2, stride=2)": () => F.conv1d(x3, w4, b, { stride: 2, groups: 2 }),
    "conv3d(x5, w5, b, groups=2)": () => F.conv3d(x.unsqueeze(2), w.unsqueeze(2), b, { groups: 2 }),
    "conv2d long (xl, wl, bl, groups=2)": () => F.conv2d(xl, wl, bl, { groups: 2 }),
    "conv2d long dilation=2": () => F.conv2d(xl, wl, null, 1, 0, 2, 2),
    "conv1d long": () => F.conv1d(xl.index(null, null, 0), wl.index(null, null, 0), bl, { groups: 2, padding: 1 }),
    "conv_transpose2d long": () => F.conv_transpose2d(xl, wl.index(":4"), null, 2, 1, 1, 2),
    "conv_transpose1d long": () => F.conv_transpose1d(xl.index(null, null, 0), wl.index(":4", null, 0), bl.index(":4"), { groups: 2 }),
    "avg_pool1d long (3, 2, 1)": () => F.avg_pool1d(xl.index(null, null, 0), 3, 2, 1),
    "avg_pool1d long count_include_pad=False": () => F.avg_pool1d(xl.index(null, null, 0), 3, 2, 1, { count_include_pad: false }),
    "avg_pool2d long ceil_mode": () => F.avg_pool2d(xl, 2, { ceil_mode: true }),
    "avg_pool2d long divisor_override=3": () => F.avg_pool2d(xl, 2, { divisor_override: 3 }),
    "avg_pool3d long": () => F.avg_pool3d(xl.unsqueeze(2).expand(2, 4, 2, 5, 6).contiguous(), [2, 2, 3]),
    "lp_pool1d long": () => F.lp_pool1d(xl.index(null, null, 0), 2, 2),
    "long() of -0.5, -0.0, 1.7": () => torch.tensor([-0.5, -0.0, 1.7]).long(),
  };

  it("computes as torch, in the input's dtype (uint8 wraps modulo 256, int64 is exact)", () => {
    expect(Object.keys(values).sort()).toEqual(Object.keys(c.values).sort());
    for (const [name, fn] of Object.entries(values)) {
      const got = fn();
      expect(got.dtype.name, name).toBe(c.values[name].dtype);
      expect(got.shape, name).toEqual(c.values[name].value.shape);
      expectClose(got, c.values[name].value.data, got.dtype.is_floating_point ? 1e-6 : 0, 0, name);
      // integers have no -0: tolist() gives what Python's does
      if (!got.dtype.is_floating_point) expect((got.tolist() as unknown[]).flat(9).some((v) => Object.is(v, -0)), name).toBe(false);
    }
  });

  const refusals: Record<string, () => unknown> = {
    "conv2d dilation=2 uint8": () => F.conv2d(x, w, null, 1, 0, 2, 2),
    "conv1d dilation=2 uint8": () => F.conv1d(x3, w4, null, 1, 0, 2, 2),
    "conv3d dilation=2 uint8": () => F.conv3d(x.unsqueeze(2), w.unsqueeze(2), null, 1, 0, 2, 2),
    "conv_transpose2d uint8": () => F.conv_transpose2d(x, w.index(":4")),
    "conv_transpose1d uint8": () => F.conv_transpose1d(x3, w4.index(":4")),
    "conv2d bool": () => F.conv2d(x.bool(), w.bool(), { groups: 2 }),
    "conv1d bool": () => F.conv1d(x3.bool(), w4.bool(), { groups: 2 }),
    "conv3d bool": () => F.conv3d(x.unsqueeze(2).bool(), w.unsqueeze(2).bool(), { groups: 2 }),
    "conv_transpose2d bool": () => F.conv_transpose2d(x.bool(), w.index(":4").bool()),
    "conv2d uint8 x float w": () => F.conv2d(x, w.float(), { groups: 2 }),
    "conv2d float x uint8 w (small)": () => F.conv2d(torch.ones(1, 1, 3, 3), torch.ones([1, 1, 2, 2], { dtype: torch.uint8 })),
    "conv2d double x float w": () => F.conv2d(x.double(), w.float(), { groups: 2 }),
    "conv2d uint8 x long w": () => F.conv2d(x, w.long(), { groups: 2 }),
    "conv2d float x double w (small)": () => F.conv2d(torch.ones(1, 1, 3, 3), torch.ones([1, 1, 2, 2], { dtype: torch.float64 })),
    "conv2d uint8 bias float": () => F.conv2d(x, w, b.float(), { groups: 2 }),
    "conv2d uint8 x float w, float bias": () => F.conv2d(x, w.float(), b.float(), { groups: 2 }),
    "conv2d long bias float": () => F.conv2d(xl, wl, bl.float(), { groups: 2 }),
    "conv2d float bias double": () => F.conv2d(x.float(), w.float(), b.double(), { groups: 2 }),
    "nn.Conv2d float on uint8": () => new nn.Conv2d(4, 6, 3, { groups: 2 }).forward(x),
    "nn.Conv2d.to(uint8)": () => new nn.Conv2d(4, 6, 3).to(torch.uint8),
    "conv_transpose2d float x double w": () => F.conv_transpose2d(x.float(), w.index(":4").double()),
    "conv_transpose2d float bias double": () => F.conv_transpose2d(x.float(), w.index(":4").float(), torch.zeros([2], { dtype: torch.float64 })),
    "conv_transpose2d float x uint8 w": () => F.conv_transpose2d(x.float(), w.index(":4")),
    "max_pool2d uint8": () => F.max_pool2d(x, 2),
    "max_pool2d uint8 return_indices": () => F.max_pool2d(x, 2, { return_indices: true }),
    "max_pool1d uint8": () => F.max_pool1d(x3, 2),
    "max_pool1d uint8 return_indices": () => F.max_pool1d(x3, 2, { return_indices: true }),
    "avg_pool2d uint8": () => F.avg_pool2d(x, 2),
    "avg_pool1d uint8": () => F.avg_pool1d(x3, 2),
    "adaptive_avg_pool2d uint8": () => F.adaptive_avg_pool2d(x, 2),
    "adaptive_avg_pool2d uint8 to 1": () => F.adaptive_avg_pool2d(x, 1),
    "adaptive_avg_pool1d uint8": () => F.adaptive_avg_pool1d(x3, 2),
    "adaptive_max_pool2d uint8": () => F.adaptive_max_pool2d(x, 2),
    "adaptive_max_pool1d uint8": () => F.adaptive_max_pool1d(x3, 2),
    "max_pool3d uint8": () => F.max_pool3d(x.unsqueeze(2), 1),
    "avg_pool3d uint8": () => F.avg_pool3d(x.unsqueeze(2), 1),
    "lp_pool2d uint8": () => F.lp_pool2d(x, 2, 2),
    "max_pool2d long": () => F.max_pool2d(xl, 2),
    "max_pool1d long": () => F.max_pool1d(xl.index(null, null, 0), 2),
    "adaptive_max_pool2d long": () => F.adaptive_max_pool2d(xl, 2),
    "adaptive_avg_pool2d long": () => F.adaptive_avg_pool2d(xl, 2),
    "max_pool2d bool": () => F.max_pool2d(x.bool(), 2),
    "avg_pool2d bool": () => F.avg_pool2d(x.bool(), 2),
    "max_pool3d long": () => F.max_pool3d(xl.unsqueeze(2), 1),
    "unfold uint8": () => F.unfold(x, 2),
    "unfold long": () => F.unfold(xl, 2),
    "fold uint8": () => F.fold(x.reshape(2, 4, 30), [5, 6], 1),
  };

  it("refuses what torch refuses, with torch's messages", () => {
    expect(Object.keys(refusals).sort()).toEqual(Object.keys(c.refusals).sort());
    for (const [name, fn] of Object.entries(refusals)) {
      const e = caught(fn);
      expect([e.name, e.message], name).toEqual(c.refusals[name]);
    }
  });
});

describe("writes into the rows of list(t) name the view torch writes through", () => {
  const t3 = (): Tensor => torch.randn([3, 4, 5], { requires_grad: true });
  const idx0 = (): Tensor => torch.tensor(0, { dtype: torch.int64 });
  const cases: Record<string, (r: Tensor) => unknown> = {
    "row[0] = 5": (r) => r.index_put_([0], 5),
    "row[0, 1] = 5": (r) => r.index_put_([0, 1], 5),
    "row[1:3] = 5": (r) => r.index_put_(["1:3"], 5),
    "row[:] = 5": (r) => r.index_put_([":"], 5),
    "row[...] = 5": (r) => r.index_put_(["..."], 5),
    "row[:, 0] = 5": (r) => r.index_put_([null, 0], 5),
    "row[None] = 5": (r) => r.index_put_(["None"], 5),
    "row[tensor(0)] = 5": (r) => r.index_put_([idx0()], 5),
    "row[[0]] = 5": (r) => r.index_put_([[0]], 5),
    "row[0, [0]] = 5": (r) => r.index_put_([0, [0]], 5),
    "row[row > 0] = 5": (r) => r.index_put_([r.gt(0)], 5),
    "row[0] = ones(5)": (r) => r.index_put_([0], torch.ones(5)),
    "row[0].fill_(5)": (r) => r.index(0).fill_(5),
    "row.fill_(5)": (r) => r.fill_(5),
  };

  it("matches torch's message for each indexing form, and the row is unchanged", () => {
    expect(Object.keys(cases).sort()).toEqual(Object.keys(ref.unbind_row_writes).sort());
    for (const [name, fn] of Object.entries(cases)) {
      const rows = [...t3()];
      const before = rows[1].tolist();
      const e = caught(() => fn(rows[1]));
      expect([e.name, e.message], name).toEqual(ref.unbind_row_writes[name]);
      expect(rows[1].tolist(), name).toEqual(before);
    }
  });

  it("under no_grad the same writes go through", () => {
    const rows = [...t3()];
    torch.no_grad(() => rows[1].index_put_([0], 5));
    expect(rows[1].index(0).tolist()).toEqual([5, 5, 5, 5, 5]);
  });
});

describe("call forms from torch 1.13's docstrings (values in tutorials/docstring_examples7), gradchecked in float64", () => {
  const f64 = (...shape: number[]): Tensor => torch.randn(shape, { dtype: torch.float64, generator: new torch.Generator(7) }).requires_grad_();

  it("torch.clamp with tensor bounds (min= / max= tensors, broadcast) is max-then-min, differentiable in x and the bounds", () => {
    // bounds away from x so no finite difference straddles a kink
    const x = torch.tensor([-2, -0.5, 0.4, 3], { dtype: torch.float64, requires_grad: true });
    const lo = torch.tensor([-1, -1.5, 0.9, 0], { dtype: torch.float64, requires_grad: true });
    const hi = torch.tensor([2.5], { dtype: torch.float64, requires_grad: true });
    expect(gradcheck((a, b, c) => torch.clamp(a, { min: b, max: c }), [x, lo, hi])).toBe(true);
    expectClose(torch.clamp(x, { min: lo, max: hi }), ref.call_forms["clamp(x, min=lo, max=[2.5])"].data, 0, 0, "tensor bounds");
    // min above max gives max, as torch
    expectClose(torch.clamp(torch.tensor([0.0]), { min: torch.tensor([2.0]), max: torch.tensor([1.0]) }), ref.call_forms["clamp([0.], min=[2.], max=[1.])"].data, 0, 0, "min > max");
  });

  it("torch.einsum's sublist format is its equation format", () => {
    const [a, b] = [f64(3, 2, 5), f64(3, 5, 4)];
    expect(gradcheck((p, q) => torch.einsum(p, ["...", 0, 1], q, ["...", 1, 2], ["...", 0, 2]), [a, b])).toBe(true);
    expectClose(torch.einsum(a, [0, 1, 2], b, [0, 2, 3], [0, 1, 3]), (torch.einsum("bij,bjk->bik", a, b).tolist() as number[][][]).flat(2), 1e-12, 1e-12, "sublists");
    expect(caught(() => torch.einsum(a, [0, 1, 52], b, [0, 2, 3])).message).toBe("einsum(): subscript in subscript list is not within the valid range [0, 52)");
  });

  it("torch.roll({ shifts, dims }) and torch.linspace({ start, end, steps }) by keyword", () => {
    const x = torch.arange(8).view(4, 2);
    expect(torch.roll(x, { shifts: [2, 1], dims: [0, 1] }).tolist()).toEqual(torch.roll(x, [2, 1], [0, 1]).tolist());
    expect(caught(() => torch.roll(x, {})).message).toBe('roll() missing 1 required positional arguments: "shifts"');
    expect(torch.linspace({ start: -10, end: 10, steps: 5 }).tolist()).toEqual(torch.linspace(-10, 10, 5).tolist());
    expect(gradcheck((t) => torch.roll(t, { shifts: 1, dims: 0 }).mul(torch.arange(8, { dtype: torch.float64 }).view(4, 2)), [f64(4, 2)])).toBe(true);
  });
});
