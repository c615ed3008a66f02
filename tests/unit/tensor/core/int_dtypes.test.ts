/**
 * torch.int32 / int16 / int8 against torch 1.13 (scripts/fixtures/int_dtypes_fixtures.py, tests/fixtures/torch/int_dtypes.json):
 * every case of the fixture is replayed on the engine with the same inputs, op and arguments, and must give the same
 * dtype, shape and values (or printed text), or the same error: creation and conversion (truncation, wrap-around,
 * overflow errors), arithmetic that wraps, the promotion of every pair of dtypes (tensors, 0-d tensors, Python
 * scalars), reductions (sum -> int64, mean refused), sorting, int32 index tensors, products, nn.functional and the
 * int32 outputs of other ops. Then what the fixture cannot replay: save / load, the aliases, the float32-storage limit.
 */
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import { torch, type Tensor } from "../../../../lib/tensor/index";
import type { NestedArray } from "../../../../lib/tensor/tensor";
import type { DType } from "../../../../lib/tensor/dtype";
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
  inputs: Record<string, { values: NestedArray; dtype: DTypeName }>;
  cases: Case[];
  cases_default_float64: Case[];
  save_load: Record<"int8" | "int16" | "int32", TensorOut>;
  from_numpy_arrays: Record<"int8" | "int16" | "int32", TensorOut>;
  info_strings: Record<string, string>;
  aliases: { int: string; short: string; int_is_int32: boolean; short_is_int16: boolean };
}>("../int_dtypes.json");

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
  return v;
}

type Fn = (...a: unknown[]) => unknown;

/** The fixture's op on the engine: torch.f / torch.linalg.f / F.f(...args, kwargs), String(x) for repr, or args[0].op(...rest, kwargs). */
function run(c: Case): unknown {
  const args = c.args.map(decode);
  const kwargs = Object.fromEntries(Object.entries(c.kwargs).map(([k, v]) => [k, decode(v)]));
  const tail = Object.keys(kwargs).length > 0 ? [kwargs] : [];
  if (c.op === "repr") return String(args[0]);
  for (const [prefix, ns] of [["torch.linalg.", torch.linalg], ["torch.", torch], ["F.", torch.nn.functional]] as const) {
    if (c.op.startsWith(prefix)) return (ns as unknown as Record<string, Fn>)[c.op.slice(prefix.length)](...args, ...tail);
  }
  const [self, ...rest] = args as [Tensor, ...unknown[]];
  if (c.op === "__getitem__") return self.index(rest[0] as never);
  return (self as unknown as Record<string, Fn>)[c.op](...rest, ...tail);
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

describe("torch.int32 / int16 / int8 as torch 1.13", () => {
  it("covers creation, conversion, arithmetic, promotion, reductions, indexing, printing and errors", () => {
    const names = new Set(fx.cases.map((c) => c.name));
    for (const t of ["int8", "int16", "int32"]) {
      for (const n of ["to_from_float", "add_self", "sum", "mean", "argmax", "topk", "sort", "repr", "index_select", "iinfo"]) expect(names.has(`${t}_${n}`), `${t}_${n}`).toBe(true);
    }
    expect(fx.cases.filter((c) => c.name.startsWith("promote_types_")).length).toBe(64);
  });

  for (const c of [...fx.cases, ...fx.cases_default_float64]) {
    it(`${c.name}: ${c.op}`, () => {
      if (c.name.endsWith("_default_float64")) torch.set_default_dtype(torch.float64); // afterEach puts it back
      const want = c.result;
      if ("error" in want) {
        let thrown: unknown = null;
        try {
          run(c);
        } catch (e) {
          thrown = e;
        }
        expect(thrown, "raises").toBeInstanceOf(Error);
        expect([(thrown as Error).name, (thrown as Error).message]).toEqual([want.error, expect.stringContaining(want.message)]);
        return;
      }
      const got = encode(run(c));
      if ("dtype" in want && "data" in want && !want.data) {
        // randint's draws: dtype, shape and range only
        const g = got as TensorOut;
        expect([g.dtype, g.shape]).toEqual([want.dtype, want.shape]);
        for (const v of g.data!) expect(v >= -5 && v < 5 && Number.isInteger(v)).toBe(true);
      } else if ("dtype" in want && "data" in want && want.data) {
        // Float results within float32 rounding; integer and bool results exactly.
        const g = got as TensorOut;
        expect([g.dtype, g.shape]).toEqual([want.dtype, want.shape]);
        if (want.dtype === "float32" || want.dtype === "float64") {
          g.data!.forEach((v, i) => expect(v).toBeCloseTo(want.data![i] as number, 4));
        } else expect(g.data).toEqual(want.data);
      } else expect(got).toEqual(want);
      expect(warn.mock.calls.map((call) => String(call[0]).replace(/^UserWarning: /, ""))).toEqual(c.warnings);
    });
  }
});

describe("int32 / int16 / int8 beyond the fixture's cases", () => {
  it("torch.int and torch.short are torch.int32 and torch.int16 (the same objects)", () => {
    expect([String(torch.int), String(torch.short)]).toEqual([fx.aliases.int, fx.aliases.short]);
    expect(torch.int).toBe(torch.int32);
    expect(torch.short).toBe(torch.int16);
    expect([fx.aliases.int_is_int32, fx.aliases.short_is_int16]).toEqual([true, true]);
    expect([torch.int32.itemsize, torch.int16.itemsize, torch.int8.itemsize]).toEqual([4, 2, 1]);
    expect([torch.int32.is_floating_point, torch.int8.is_floating_point]).toEqual([false, false]);
  });

  it("print(torch.iinfo(...)) / print(torch.finfo(...)) show torch's text", () => {
    for (const [key, want] of Object.entries(fx.info_strings)) {
      const [kind, name] = key.split("_") as ["iinfo" | "finfo", DTypeName];
      expect(String(kind === "iinfo" ? torch.iinfo(torch[name]) : torch.finfo(torch[name])), key).toBe(want);
    }
    expect(Object.keys(fx.info_strings).length).toBe(7);
  });

  it("torch.save / torch.load keep the dtypes and values (a state dict round trip, as torch's)", () => {
    const sd = { int8: torch.tensor([1, -2, 3, -128], { dtype: torch.int8 }), int16: torch.tensor([1, -2, 3, 32767], { dtype: torch.int16 }), int32: torch.tensor([1, -2, 3, 16777216], { dtype: torch.int32 }) };
    const back = torch.load(torch.save(sd)) as Record<string, Tensor>;
    for (const k of ["int8", "int16", "int32"] as const) expect(tensorOut(back[k]), k).toEqual(fx.save_load[k]);
  });

  it("torch.tensor(Int32Array | Int16Array | Int8Array) keeps the dtype, as torch.tensor of a NumPy array", () => {
    expect(tensorOut(torch.tensor(new Int32Array([1, -2, 300])))).toEqual(fx.from_numpy_arrays.int32);
    expect(tensorOut(torch.tensor(new Int16Array([1, -2, 300])))).toEqual(fx.from_numpy_arrays.int16);
    expect(tensorOut(torch.tensor(new Int8Array([1, -2, 127])))).toEqual(fx.from_numpy_arrays.int8);
    expect(torch.tensor(new Int32Array([3]), { dtype: torch.float64 }).dtype).toBe(torch.float64);
  });

  it("numpy() / tolist() / item() give the values; frombuffer reads little-endian int32 / int16 / int8", () => {
    const x = torch.tensor([[1, -2], [3, 4]], { dtype: torch.int16 });
    expect(x.tolist()).toEqual([[1, -2], [3, 4]]);
    expect(Array.from(x.numpy())).toEqual([1, -2, 3, 4]);
    expect(torch.tensor(7, { dtype: torch.int32 }).item()).toBe(7);
    const buf = new Int32Array([5, -6]).buffer;
    expect(torch.frombuffer(buf, { dtype: torch.int32 }).tolist()).toEqual([5, -6]);
    expect(torch.frombuffer(new Int16Array([300, -1]).buffer, { dtype: torch.int16 }).tolist()).toEqual([300, -1]);
    expect(torch.frombuffer(new Int8Array([-128, 127]).buffer, { dtype: torch.int8 }).tolist()).toEqual([-128, 127]);
  });

  it("a state_dict keeps an int32 buffer; .to / .type convert and back", () => {
    const m = new torch.nn.Module();
    m.register_buffer("counts", torch.tensor([1, 2], { dtype: torch.int32 }));
    expect(m.state_dict().counts.dtype).toBe(torch.int32);
    const y = torch.tensor([1.9, -1.9]).to(torch.int32);
    expect([y.dtype, y.tolist(), y.type(), y.float().dtype]).toEqual([torch.int32, [1, -1], "torch.IntTensor", torch.float32]);
  });

  it("randint(..., dtype=torch.int32) draws torch's stream, as int64's", () => {
    torch.manual_seed(0);
    const a = torch.randint(0, 10, [6], { dtype: torch.int32 });
    torch.manual_seed(0);
    const b = torch.randint(0, 10, [6]);
    expect(a.dtype).toBe(torch.int32);
    expect(a.tolist()).toEqual(b.tolist());
  });

  it("float32 storage: integers beyond 2^24 are rounded (documented limit), wrap-around of exact values matches torch", () => {
    // iinfo(int32).max is stored as 2147483520 (the largest float32 below 2^31): an int32 "infinity" stays the largest
    // value through arithmetic and selections instead of wrapping to -2^31 (torch's [2^31 - 1] + 1 is the one overflow lost).
    const inf = torch.full([2], torch.iinfo(torch.int32).max, { dtype: torch.int32 });
    expect(inf.tolist()).toEqual([2147483520, 2147483520]);
    expect(inf.add(1).tolist()).toEqual([2147483520, 2147483520]);
    expect(torch.minimum(inf, torch.tensor([5, 2147483520], { dtype: torch.int32 })).tolist()).toEqual([5, 2147483520]);
    expect(inf.add(1).gt(0).tolist()).toEqual([true, true]);
    // A true overflow still wraps: 2^30 * 2 is -2^31, 2^30 + 2^30 + 2^30 is -2^30, as torch.
    const h = torch.tensor([2 ** 30], { dtype: torch.int32 });
    expect([h.mul(2).tolist(), h.add(h).add(h).tolist()]).toEqual([[-(2 ** 31)], [-(2 ** 30)]]);
    // int16 products past 2^24 are recomputed exactly before the wrap (torch: -5888).
    expect(torch.tensor([30000], { dtype: torch.int16 }).mul(torch.tensor([30000], { dtype: torch.int16 })).tolist()).toEqual([-5888]);
  });
});
