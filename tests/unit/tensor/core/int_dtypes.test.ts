/**
 * torch.int32 / int16 / int8 against torch 1.13 (scripts/fixtures/int_dtypes_fixtures.py, tests/fixtures/torch/int_dtypes.json):
 * every case of the fixture is replayed on the engine with the same inputs, op and arguments, and must give the same
 * dtype, shape and values (or printed text), or the same error: creation and conversion (truncation, wrap-around,
 * overflow errors), arithmetic that wraps, the promotion of every pair of dtypes (tensors, 0-d tensors, Python
 * scalars), reductions (sum -> int64, mean refused), sorting, int32 index tensors, products, nn.functional and the
 * int32 outputs of other ops. Then what the fixture cannot replay: save / load, the aliases, the float32-storage limit.
 */
import { describe, expect, it } from "vitest";
import { torch, type Tensor } from "../../../../lib/tensor/index";
import { loadFixture } from "./fixtures";
import { caseReplayer, encode, float32DefaultWithWarnings, tensorOut, type Case, type DTypeName, type Inputs, type TensorOut } from "./dtype_case_replay";

const fx = loadFixture<{
  inputs: Inputs;
  cases: Case[];
  cases_default_float64: Case[];
  save_load: Record<"int8" | "int16" | "int32", TensorOut>;
  from_numpy_arrays: Record<"int8" | "int16" | "int32", TensorOut>;
  info_strings: Record<string, string>;
  aliases: { int: string; short: string; int_is_int32: boolean; short_is_int16: boolean };
}>("../int_dtypes.json");
const { run } = caseReplayer(fx.inputs);
const warn = float32DefaultWithWarnings();

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
      expect(warn.warnings()).toEqual(c.warnings);
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

  it("int32 is exact to its limits and wraps as torch (wide storage); int16 products past 2^24 too", () => {
    // iinfo(int32).max is exact (int32 storage is a Float64Array; float32 storage held 2147483520), and + 1 wraps to -2^31 as torch.
    const inf = torch.full([2], torch.iinfo(torch.int32).max, { dtype: torch.int32 });
    expect(inf.tolist()).toEqual([2147483647, 2147483647]);
    expect(inf.add(1).tolist()).toEqual([-2147483648, -2147483648]);
    expect(torch.minimum(inf, torch.tensor([5, 2147483647], { dtype: torch.int32 })).tolist()).toEqual([5, 2147483647]);
    // A true overflow still wraps: 2^30 * 2 is -2^31, 2^30 + 2^30 + 2^30 is -2^30, as torch.
    const h = torch.tensor([2 ** 30], { dtype: torch.int32 });
    expect([h.mul(2).tolist(), h.add(h).add(h).tolist()]).toEqual([[-(2 ** 31)], [-(2 ** 30)]]);
    // int16 products past 2^24 are recomputed exactly before the wrap (torch: -5888).
    expect(torch.tensor([30000], { dtype: torch.int16 }).mul(torch.tensor([30000], { dtype: torch.int16 })).tolist()).toEqual([-5888]);
  });
});
