/**
 * torch.uint8 against torch 1.13 (scripts/fixtures/uint8_fixtures.py, tests/fixtures/torch/core/uint8.json):
 * every case of the fixture is replayed on the engine with the same inputs, op and arguments, and
 * must give the same dtype, shape and values, or the same error message, and torch's deprecation
 * warnings where a uint8 tensor is used as a mask.
 */
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import { torch, type Tensor } from "../../../../lib/tensor/index";
import type { NestedArray } from "../../../../lib/tensor/tensor";
import type { DType } from "../../../../lib/tensor/dtype";
import { gradcheck } from "../../../../lib/grading/gradcheck";
import { loadFixture } from "./fixtures";

type DTypeName = DType["name"];
type TensorOut = { dtype: DTypeName; shape: number[]; data: number[] | null };
type Result =
  | TensorOut
  | TensorOut[]
  | { error: string; message: string }
  | { dtype_value: DTypeName }
  | { value: unknown }
  | { bits: number; min: number; max: number; dtype: string };
interface Case { name: string; op: string; args: unknown[]; kwargs: Record<string, unknown>; result: Result; warnings: string[] }
const fx = loadFixture<{
  inputs: Record<string, { values: NestedArray; dtype: DTypeName }>; cases: Case[];
  grads: { pow_uint8_exponent: number[]; mul_div_uint8: number[] };
  snippets: Record<"quant_q" | "quant_deq" | "image_u8" | "image_back", TensorOut>;
}>("uint8.json");

const make = (name: string): Tensor => {
  const i = fx.inputs[name];
  return torch.tensor(i.values, { dtype: torch[i.dtype] });
};

const isRef = (v: unknown): v is string => typeof v === "string" && v.startsWith("$");

function decode(v: unknown): unknown {
  if (isRef(v)) return make(v.slice(1));
  if (v && typeof v === "object" && !Array.isArray(v) && "dtype" in v) return torch[(v as { dtype: DTypeName }).dtype];
  if (v && typeof v === "object" && !Array.isArray(v) && "legacy" in v) return (torch as unknown as Record<string, unknown>)[(v as { legacy: string }).legacy];
  if (Array.isArray(v) && v.length > 0 && v.every(isRef)) return v.map(decode);
  if (Array.isArray(v) && v.includes(null)) return v.map(decode); // an index tuple: null is a full slice
  return v;
}

/** The fixture's op on the engine: torch.f(...args, kwargs), F.f(...), or args[0].op(...rest, kwargs); x[i] is x.index(i). */
function run(c: Case): unknown {
  const args = c.args.map(decode);
  const kwargs = Object.fromEntries(Object.entries(c.kwargs).map(([k, v]) => [k, decode(v)]));
  const tail = Object.keys(kwargs).length > 0 ? [kwargs] : [];
  if (c.op.startsWith("torch.")) {
    const f = (torch as unknown as Record<string, (...a: unknown[]) => unknown>)[c.op.slice("torch.".length)];
    return f(...args, ...tail);
  }
  if (c.op.startsWith("F.")) {
    const f = (torch.nn.functional as unknown as Record<string, (...a: unknown[]) => unknown>)[c.op.slice("F.".length)];
    return f(...args, ...tail);
  }
  const [self, ...rest] = args as [Tensor, ...unknown[]];
  if (c.op === "__getitem__") return Array.isArray(rest[0]) && (rest[0] as unknown[]).includes(null) ? self.index(...(rest[0] as never[])) : self.index(rest[0] as never);
  return (self as unknown as Record<string, (...a: unknown[]) => unknown>)[c.op](...rest, ...tail);
}

function tensorOut(t: Tensor): TensorOut {
  return { dtype: t.dtype.name, shape: [...t.shape], data: (t.reshape([-1]).tolist() as (number | boolean)[]).map(Number) };
}

/** The engine's answer in the fixture's encoding. */
function encode(r: unknown): Result {
  if (r instanceof torch.Tensor) return tensorOut(r);
  if (Array.isArray(r) && r.length > 0 && r.every((e) => e instanceof torch.Tensor)) return r.map(tensorOut);
  if (r && typeof r === "object" && "values" in r && "indices" in r) {
    const pair = r as { values: Tensor; indices: Tensor };
    return [tensorOut(pair.values), tensorOut(pair.indices)];
  }
  if (r && typeof r === "object" && "bits" in r) {
    const i = r as { bits: number; min: number; max: number; dtype: string };
    return { bits: i.bits, min: i.min, max: i.max, dtype: i.dtype };
  }
  const asDtype = r as { name?: unknown; is_floating_point?: unknown };
  if (r && typeof r === "object" && typeof asDtype.is_floating_point === "boolean" && typeof asDtype.name === "string") {
    return { dtype_value: asDtype.name as DTypeName };
  }
  return { value: r };
}

// torch's answers assume the default dtype float32 (true division, float scalars); files share one engine.
let warn: MockInstance;
let defaultDtype: ReturnType<typeof torch.get_default_dtype>;
beforeEach(() => {
  warn = vi.spyOn(console, "warn").mockImplementation(() => {});
  defaultDtype = torch.get_default_dtype();
  torch.set_default_dtype(torch.float32);
});
afterEach(() => {
  warn.mockRestore();
  torch.set_default_dtype(defaultDtype);
});

describe("torch.uint8 as torch 1.13", () => {
  it("covers creation, conversion, arithmetic, reductions, masks and errors", () => {
    const names = new Set(fx.cases.map((c) => c.name));
    for (const n of ["to_from_float", "add", "add_long", "sum", "mean", "getitem_mask", "requires_grad", "iinfo"]) expect(names.has(n)).toBe(true);
  });

  for (const c of fx.cases) {
    it(`${c.name}: ${c.op}`, () => {
      const want = c.result;
      if ("error" in want) {
        expect(() => run(c)).toThrow(want.message);
        return;
      }
      const got = encode(run(c));
      if (c.name === "empty_dtype") (got as TensorOut).data = null; // torch.empty's values are unspecified
      if ("dtype" in want && "data" in want && want.data) {
        // Float results within float32 rounding; integer and bool results exactly.
        const g = got as TensorOut;
        expect([g.dtype, g.shape]).toEqual([want.dtype, want.shape]);
        if (want.dtype === "float32" || want.dtype === "float64") {
          g.data!.forEach((v, i) => expect(v).toBeCloseTo(want.data![i] as number, 5));
        } else expect(g.data).toEqual(want.data);
      } else expect(got).toEqual(want);
      expect(warn.mock.calls.map((call) => String(call[0]).replace(/^UserWarning: /, ""))).toEqual(c.warnings);
    });
  }
});

describe("torch.uint8 beyond the fixture's ops", () => {
  it("prints like torch and round-trips through torch.save / torch.load", () => {
    const img = torch.tensor([[0, 128, 255], [7, 64, 32]], { dtype: torch.uint8 });
    expect(String(img)).toBe("tensor([[  0, 128, 255],\n        [  7,  64,  32]], dtype=torch.uint8)");
    expect(String(torch.tensor(5, { dtype: torch.uint8 }))).toBe("tensor(5, dtype=torch.uint8)");
    expect(String(torch.zeros(0, { dtype: torch.uint8 }))).toBe("tensor([], dtype=torch.uint8)");
    const back = (torch.load(torch.save({ img })) as { img: Tensor }).img;
    expect(back.dtype).toBe(torch.uint8);
    expect(back.tolist()).toEqual(img.tolist());
  });

  it("torch.tensor(Uint8Array) gives uint8 (an image's bytes), another dtype on request", () => {
    const t = torch.tensor(new Uint8Array([1, 2, 255]));
    expect([t.dtype, t.tolist()]).toEqual([torch.uint8, [1, 2, 255]]);
    expect(torch.tensor(new Uint8Array([1, 255]), { dtype: torch.float32 }).tolist()).toEqual([1, 255]);
  });

  it("torch.ByteTensor, .byte() and torch.frombuffer give uint8", () => {
    const b = torch.ByteTensor([1, 2, 255]);
    expect([b.dtype, b.tolist()]).toEqual([torch.uint8, [1, 2, 255]]);
    expect(() => torch.ByteTensor([300])).toThrow("value cannot be converted to type uint8 without overflow");
    const fb = torch.frombuffer(new Uint8Array([1, 2, 255, 9]), { dtype: torch.uint8, offset: 1, count: 2 });
    expect([fb.dtype, fb.tolist()]).toEqual([torch.uint8, [2, 255]]);
    expect(torch.tensor([1.5, -2]).byte().tolist()).toEqual([1, 254]);
    expect(() => torch.tensor([1]).type({} as never)).toThrow(/type\(\): expected a dtype/); // not a broken tensor
  });

  it("randint with dtype uint8 draws torch's stream (seed 0: 172, 47, 117, 192, 67)", () => {
    const state = torch.get_rng_state();
    try {
      torch.manual_seed(0);
      const r = torch.randint(0, 256, [5], { dtype: torch.uint8 });
      expect([r.dtype, r.tolist()]).toEqual([torch.uint8, [172, 47, 117, 192, 67]]);
    } finally {
      torch.set_rng_state(state);
    }
  });

  it("(img * 255).to(torch.uint8) and back to float for a model", () => {
    const img = torch.tensor([[0.0, 0.5], [0.999, 1.0]]);
    const u8 = img.mul(255).to(torch.uint8);
    expect([u8.dtype, u8.tolist()]).toEqual([torch.uint8, [[0, 127], [254, 255]]]);
    const back = u8.float().div(255);
    expect(back.dtype).toBe(torch.float32);
    expect(back.max().item()).toBe(1);
  });

  it("float leaves get torch's gradients through ops with a uint8 operand; float64 gradcheck", () => {
    const a = torch.tensor([3, 3], { requires_grad: true });
    a.pow(torch.tensor([0, 2], { dtype: torch.uint8 })).sum().backward();
    expect(a.grad!.tolist()).toEqual(fx.grads.pow_uint8_exponent); // x ** 0 has gradient 0, not NaN
    const w = torch.tensor([1.5, 2], { requires_grad: true });
    const img = torch.tensor([200, 10], { dtype: torch.uint8 });
    w.mul(img).div(img.add(1)).sum().backward();
    (w.grad!.tolist() as number[]).forEach((v, i) => expect(v).toBeCloseTo(fx.grads.mul_div_uint8[i], 6));
    const e = torch.tensor([0, 1, 2, 3], { dtype: torch.uint8 });
    const x = torch.tensor([1.5, -0.7, 2.1, 0.9], { dtype: torch.float64, requires_grad: true });
    expect(gradcheck((t: Tensor) => t.pow(e).mul(e).div(e.add(1)).add(t.mul(e)), [x])).toBe(true);
  });

  it("tutorial chains: manual quantization to uint8 and back, an image to uint8 and back", () => {
    const s = fx.snippets;
    const close = (t: Tensor, want: TensorOut) => {
      expect([t.dtype.name, [...t.shape]]).toEqual([want.dtype, want.shape]);
      (t.reshape([-1]).tolist() as number[]).forEach((v, i) => expect(v).toBeCloseTo(want.data![i], 6));
    };
    const x = torch.tensor([-1.0, -0.25, 0.0, 0.3, 0.77, 1.2]);
    const q = torch.clamp(torch.round(x.div(0.01)).add(100), 0, 255).to(torch.uint8);
    close(q, s.quant_q);
    close(q.float().sub(100).mul(0.01), s.quant_deq);
    const u8 = torch.tensor([[0.0, 0.2], [0.5, 1.0]]).mul(255).round().byte();
    close(u8, s.image_u8);
    close(u8.float().div(255), s.image_back);
  });

  it("a uint8 tensor cannot require grad, also through a factory", () => {
    expect(() => torch.zeros(2, { dtype: torch.uint8, requires_grad: true })).toThrow("only Tensors of floating point dtype can require gradients");
  });

  it("default_collate stacks uint8 samples into a uint8 batch", () => {
    const batch = torch.utils.data.default_collate([torch.tensor([1, 2], { dtype: torch.uint8 }), torch.tensor([3, 255], { dtype: torch.uint8 })]) as Tensor;
    expect([batch.dtype, batch.tolist()]).toEqual([torch.uint8, [[1, 2], [3, 255]]]);
  });

  it("x[mask] = v with a uint8 mask writes where the mask is nonzero (with torch's warning)", () => {
    const x = torch.tensor([1, 2, 3]);
    x.index_put_([torch.tensor([1, 0, 1], { dtype: torch.uint8 })], torch.tensor(0));
    expect(x.tolist()).toEqual([0, 2, 0]);
    expect(warn).toHaveBeenCalledWith("UserWarning: indexing with dtype torch.uint8 is now deprecated, please use a dtype torch.bool instead.");
  });
});
