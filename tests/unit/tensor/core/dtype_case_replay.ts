/**
 * Replays a dtype fixture's cases (scripts/fixtures/uint8_fixtures.py, int_dtypes_fixtures.py) on the
 * engine: the case's inputs by reference ("$name"), its op (torch.f, torch.linalg.f, F.f, repr,
 * x[i] or a Tensor method) with the same arguments, and the answer in the fixture's encoding. Also
 * the per-test setup both files need: torch's answers assume the default dtype float32, and
 * console.warn is captured to compare torch's warnings.
 */
import { afterEach, beforeEach, vi, type MockInstance } from "vitest";
import { torch, type Tensor } from "../../../../lib/tensor/index";
import type { NestedArray } from "../../../../lib/tensor/tensor";
import type { DType } from "../../../../lib/tensor/dtype";

export type DTypeName = DType["name"];
export type TensorOut = { dtype: DTypeName; shape: number[]; data: number[] | null };
export type Result =
  | TensorOut
  | TensorOut[]
  | { error: string; message: string }
  | { dtype_value: DTypeName }
  | { value: unknown }
  | { bits: number; min: number; max: number; dtype: string };
export interface Case { name: string; op: string; args: unknown[]; kwargs: Record<string, unknown>; result: Result; warnings: string[] }
export type Inputs = Record<string, { values: NestedArray; dtype: DTypeName }>;

type Fn = (...a: unknown[]) => unknown;

const isRef = (v: unknown): v is string => typeof v === "string" && v.startsWith("$");

/** make(name) builds a fixture input; run(c) replays case c and returns the engine's answer. */
export function caseReplayer(inputs: Inputs) {
  const make = (name: string): Tensor => {
    const i = inputs[name];
    return torch.tensor(i.values, { dtype: torch[i.dtype] });
  };
  const decode = (v: unknown): unknown => {
    if (isRef(v)) return make(v.slice(1));
    if (v && typeof v === "object" && !Array.isArray(v) && "dtype" in v) return torch[(v as { dtype: DTypeName }).dtype];
    if (v && typeof v === "object" && !Array.isArray(v) && "legacy" in v) return (torch as unknown as Record<string, unknown>)[(v as { legacy: string }).legacy];
    if (Array.isArray(v) && v.length > 0 && v.every(isRef)) return v.map(decode);
    if (Array.isArray(v) && v.includes(null)) return v.map(decode); // an index tuple: null is a full slice
    return v;
  };
  const run = (c: Case): unknown => {
    const args = c.args.map(decode);
    const kwargs = Object.fromEntries(Object.entries(c.kwargs).map(([k, v]) => [k, decode(v)]));
    const tail = Object.keys(kwargs).length > 0 ? [kwargs] : [];
    if (c.op === "repr") return String(args[0]);
    for (const [prefix, ns] of [["torch.linalg.", torch.linalg], ["torch.", torch], ["F.", torch.nn.functional]] as const) {
      if (c.op.startsWith(prefix)) return (ns as unknown as Record<string, Fn>)[c.op.slice(prefix.length)](...args, ...tail);
    }
    const [self, ...rest] = args as [Tensor, ...unknown[]];
    if (c.op === "__getitem__") return Array.isArray(rest[0]) && (rest[0] as unknown[]).includes(null) ? self.index(...(rest[0] as never[])) : self.index(rest[0] as never);
    return (self as unknown as Record<string, Fn>)[c.op](...rest, ...tail);
  };
  return { make, run };
}

export function tensorOut(t: Tensor): TensorOut {
  return { dtype: t.dtype.name, shape: [...t.shape], data: (t.reshape([-1]).tolist() as (number | boolean)[]).map(Number) };
}

/** The engine's answer in the fixture's encoding. */
export function encode(r: unknown): Result {
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

/**
 * Each test of the calling file runs with the default dtype float32 (torch's answers assume it:
 * true division, float scalars; files share one engine) and console.warn captured; returns the
 * current test's warning texts without Python's "UserWarning: " prefix.
 */
export function float32DefaultWithWarnings(): { warnings(): string[]; spy(): MockInstance } {
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
  return { warnings: () => warn.mock.calls.map((call) => String(call[0]).replace(/^UserWarning: /, "")), spy: () => warn };
}
