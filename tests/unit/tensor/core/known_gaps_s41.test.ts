/**
 * Differences from torch 1.13 found by earlier audits, each compared with torch's outcome
 * (tests/fixtures/torch/known_gaps_s41.json, scripts/fixtures/known_gaps_s41_fixtures.py):
 * - ops on bool tensors torch has no kernel for (median, topk, trace, kthvalue, histc, cross, the matrix products), e.g.
 *     torch.median(torch.tensor([True, False]))  ->  RuntimeError: "median_cpu" not implemented for 'Bool'
 * - add / sub / rsub's alpha check (a bool alpha), rsub's RsubBackward0;
 * - addcmul's value cast to an integer result dtype, addcmul of bool tensors refused;
 * - clamp of bool tensors, min > max, one tensor and one number bound (torch's TypeError, function and method forms);
 * - OneCycleLR's state_dict keys: anneal_func holds the method's name (torch: the bound method), so a checkpoint
 *   holding it saves.
 * Python's keywords are the trailing options object, Python's True a JS true; a case's outcome is
 * {dtype, value, grad_fn}, a list of them for (values, indices), or [error class, message].
 */
import { describe, expect, it } from "vitest";
import { nn, optim, torch, type Tensor } from "../../../../lib/tensor/index";
import fixture from "../../../fixtures/torch/known_gaps_s41.json";
import { outcomeOf, type Raised } from "./known_gaps_helpers";

/** This file's form keeps a tensor's nested values and reads a (values, indices) pair as two outcomes. */
type Outcome = { dtype: string; value: unknown; grad_fn: string | null } | Outcome[] | Raised;

/** What fn gives, in the fixture's form. */
function outcome(fn: () => unknown): Outcome {
  return outcomeOf(fn, (r): Outcome => {
    if (r instanceof torch.Tensor) {
      const t = r as Tensor;
      const finite = (v: unknown): unknown => (Array.isArray(v) ? v.map(finite) : typeof v === "number" && Number.isNaN(v) ? "nan" : v);
      return { dtype: String(t.dtype).replace("torch.", ""), value: finite(t.tolist()), grad_fn: t.grad_fn?.name() ?? null };
    }
    const pair = r as { values: Tensor; indices: Tensor };
    return [outcome(() => pair.values), outcome(() => pair.indices)];
  });
}

/** Cases of a fixture section, run on the engine. */
function compare(section: Record<string, unknown>, cases: Record<string, () => unknown>): void {
  for (const [name, fn] of Object.entries(cases)) expect(outcome(fn), name).toEqual(section[name]);
}

const b = () => torch.tensor([true, false, true]);
const b2 = () => torch.tensor([true, true, false]);
const B = () => torch.tensor([[true, false, true], [false, true, true], [true, true, false]]);

describe("ops on bool tensors (torch 1.13 refuses some, computes others)", () => {
  it("refuse or compute as torch", () => {
    compare(fixture.bool_ops, {
      median: () => torch.median(b()),
      "median dim": () => torch.median(B(), 0),
      "median 0-d": () => torch.median(torch.tensor(true)),
      nanmedian: () => torch.nanmedian(b()),
      "nanmedian dim": () => torch.nanmedian(B(), 0),
      topk: () => torch.topk(b(), 2),
      "topk dim": () => torch.topk(B(), 1, { dim: 0 }),
      trace: () => torch.trace(B()),
      dot: () => torch.dot(b(), b2()),
      vdot: () => torch.vdot(b(), b2()),
      inner: () => torch.inner(b(), b2()),
      "matmul 1d 1d": () => torch.matmul(b(), b2()),
      "matmul 2d 2d": () => torch.matmul(B(), B()),
      "matmul 2d 1d": () => torch.matmul(B(), b()),
      "matmul 1d 2d": () => torch.matmul(b(), B()),
      "matmul 3d 3d": () => torch.matmul(B().unsqueeze(0), B().unsqueeze(0)),
      mm: () => torch.mm(B(), B()),
      mv: () => torch.mv(B(), b()),
      bmm: () => torch.bmm(B().unsqueeze(0), B().unsqueeze(0)),
      addmm: () => torch.addmm(B(), B(), B()),
      tensordot: () => torch.tensordot(B(), B(), 1),
      "matmul long": () => torch.matmul(B().long(), B().long()),
      einsum: () => torch.einsum("ij,jk->ik", B(), B()),
      cross: () => torch.cross(B(), B(), { dim: 1 }),
      "linalg.cross": () => torch.linalg.cross(B(), B()),
      histc: () => torch.histc(b()),
      kthvalue: () => torch.kthvalue(b(), 1),
      mode: () => torch.mode(b()),
      "mode dim": () => torch.mode(B(), 0),
      sort: () => torch.sort(b()),
      outer: () => torch.outer(b(), b2()),
      kron: () => torch.kron(b(), b2()),
      diag: () => torch.diag(B()),
      "trace long": () => torch.trace(B().long()),
    });
  });

  it("einsum multiplies bool operands when nothing is summed (torch's sumproduct_pair), bmm's error otherwise", () => {
    const o = torch.einsum("i,j->ij", b(), b2());
    expect([String(o.dtype), o.tolist()]).toEqual(["torch.bool", [[true, true, false], [false, false, false], [true, true, false]]]);
    expect(outcome(() => torch.einsum("ij,j->i", B(), b()))).toEqual(["RuntimeError", `"bmm" not implemented for 'Bool'`]);
    expect(outcome(() => B().median())).toEqual(fixture.bool_ops.median);
    expect(outcome(() => B().matmul(B()))).toEqual(fixture.bool_ops["matmul 2d 2d"]);
    expect(outcome(() => B().mv(b()))).toEqual(fixture.bool_ops.mv);
  });
});


const L = (...v: number[]) => torch.tensor(v, { dtype: torch.int64 });
const i = () => L(1, 2, 3);
const j = () => L(4, 5, 6);
const f = () => torch.tensor([1, 2, 3]);
// Python's bool alpha / value (a JS boolean; the engine's types name numbers)
const TRUE = true as unknown as number;
const FALSE = false as unknown as number;

describe("add / sub / rsub alpha: torch's alpha_check", () => {
  it("a bool alpha only for bool results, an integral one for integer and bool results", () => {
    const a = fixture.addc;
    compare(a, {
      "add int alpha True": () => torch.add(i(), j(), { alpha: TRUE }),
      "add int alpha False": () => torch.add(i(), j(), { alpha: FALSE }),
      "add float alpha True": () => torch.add(f(), f(), { alpha: TRUE }),
      "add int scalar alpha True": () => torch.add(i(), 2, { alpha: TRUE }),
      "add bool int alpha True": () => torch.add(b(), j(), { alpha: TRUE }),
      "add_ int alpha True": () => i().add_(j(), { alpha: TRUE }),
      "sub int alpha True": () => torch.sub(i(), j(), { alpha: TRUE }),
      "add bool alpha True": () => torch.add(b(), b2(), { alpha: TRUE }),
      "add bool alpha False": () => torch.add(b(), b2(), { alpha: FALSE }),
      "add bool alpha 0.5": () => torch.add(b(), b2(), { alpha: 0.5 }),
    });
    expect(outcome(() => i().sub_(j(), { alpha: TRUE }))).toEqual(a["sub int alpha True"]);
  });
});

describe("rsub", () => {
  it("RsubBackward0 for two tensors, RsubBackward1 for a number; alpha as torch", () => {
    const xr = torch.tensor([1, 2, 3], { requires_grad: true });
    const yr = torch.tensor([10, 20, 30], { requires_grad: true });
    compare(fixture.rsub, {
      "tensor tensor": () => torch.rsub(xr, yr),
      "tensor tensor alpha 2": () => torch.rsub(xr, yr, { alpha: 2 }),
      "tensor number": () => torch.rsub(xr, 5),
      "tensor number alpha 2": () => torch.rsub(xr, 5, { alpha: 2 }),
      "int alpha 2": () => torch.rsub(i(), j(), { alpha: 2 }),
      "int alpha 0.5": () => torch.rsub(i(), j(), { alpha: 0.5 }),
      "int alpha True": () => torch.rsub(i(), j(), { alpha: TRUE }),
      "bool bool": () => torch.rsub(b(), b2()),
      "float int": () => torch.rsub(f(), j()),
      "int 2.5": () => torch.rsub(i(), 2.5),
      "positional alpha": () => (torch.rsub as (...a: unknown[]) => Tensor)(xr, yr, 2),
    });
    // torch's (Tensor input, Number other, Number alpha) overload takes alpha third
    expect((torch.rsub as (...a: unknown[]) => Tensor)(xr, 5, 2).tolist()).toEqual(fixture.rsub["tensor number alpha 2"].value);
    torch.rsub(xr, yr, { alpha: 2 }).sum().backward();
    expect([xr.grad!.tolist(), yr.grad!.tolist()]).toEqual(fixture.rsub_grads);
  });
});

describe("addcmul / addcdiv", () => {
  it("value cast to the result dtype (truncated for integers), bool refused, addcdiv's integer division refused", () => {
    const k = () => L(2, 2, 2);
    const i8 = (t: Tensor) => t.to(torch.int8);
    compare(fixture.addc, {
      "addcmul int value 0.5": () => torch.addcmul(i(), j(), k(), { value: 0.5 }),
      "addcmul int value 2.7": () => torch.addcmul(i(), j(), k(), { value: 2.7 }),
      "addcmul int value -1.5": () => torch.addcmul(i(), j(), k(), { value: -1.5 }),
      "addcmul int8 value 2.7": () => torch.addcmul(i8(i()), i8(j()), i8(k()), { value: 2.7 }),
      "addcmul int value 2": () => torch.addcmul(i(), j(), k(), { value: 2 }),
      "addcmul int value True": () => torch.addcmul(i(), j(), k(), { value: TRUE }),
      "addcmul float value True": () => torch.addcmul(f(), f(), f(), { value: TRUE }),
      "addcmul int float int value 0.5": () => torch.addcmul(i(), f(), k(), { value: 0.5 }),
      "addcmul float int int value 0.5": () => torch.addcmul(f(), j(), k(), { value: 0.5 }),
      "addcmul int bool bool value 2": () => torch.addcmul(i(), b(), b2(), { value: 2 }),
      "addcmul bool bool bool": () => torch.addcmul(b(), b(), b2()),
      "addcmul bool value True": () => torch.addcmul(b(), b(), b2(), { value: TRUE }),
      "addcmul_ bool": () => b().addcmul_(b(), b2()),
      "addcmul_ int value 0.5": () => i().addcmul_(j(), k(), { value: 0.5 }),
      "addcmul method int value 0.5": () => i().addcmul(j(), k(), { value: 0.5 }),
      "addcdiv int": () => torch.addcdiv(i(), j(), k()),
      "addcdiv float value True": () => torch.addcdiv(f(), f(), f(), { value: TRUE }),
      "addcdiv int float float value 0.5": () => torch.addcdiv(i(), f(), f(), { value: 0.5 }),
    });
    expect(outcome(() => f().addcdiv_(j(), k()))).toEqual(fixture.addc["addcdiv int"]);
    // torch: addcmul of uint8 tensors with value=-1.5 overflows uint8
    const u = () => L(1).to(torch.uint8);
    expect(outcome(() => torch.addcmul(u(), u(), u(), { value: -1.5 }))).toEqual(["RuntimeError", "value cannot be converted to type uint8_t without overflow"]);
  });
});

describe("clamp", () => {
  const fb = () => torch.tensor([1, 5, 9]);
  const full = (v: number) => torch.full([3], v);
  const clampAny = torch.clamp as (...a: unknown[]) => Tensor;
  it("bool tensors, min > max, one tensor and one number bound, as torch", () => {
    compare(fixture.clamp, {
      "bool min 0": () => torch.clamp(b(), { min: 0 }),
      "bool max 0": () => torch.clamp(b(), { max: 0 }),
      "bool 0 1": () => torch.clamp(b(), 0, 1),
      "bool False 1": () => clampAny(b(), false, 1),
      "bool min True": () => clampAny(b(), { min: true }),
      "bool max True": () => clampAny(b(), { max: true }),
      "bool True True": () => clampAny(b(), true, true),
      "clamp_min bool True": () => torch.clamp_min(b(), TRUE),
      "bool min tensor": () => torch.clamp(b(), { min: b2() }),
      "bool min 0.5": () => torch.clamp(b(), { min: 0.5 }),
      "clamp_ bool 0 1": () => b().clamp_(0, 1),
      "min 6 max 2": () => torch.clamp(fb(), { min: 6, max: 2 }),
      "min 6 max 2 tensors": () => torch.clamp(fb(), { min: full(6), max: full(2) }),
      "int min 6 max 2": () => torch.clamp(L(1, 5, 9), 6, 2),
      "min 6 max 2 nan": () => torch.clamp(torch.tensor([NaN, 1]), 6, 2),
      "kw min tensor max number": () => clampAny(fb(), { min: full(2), max: 6 }),
      "kw max number min tensor": () => clampAny(fb(), { max: 6, min: full(2) }),
      "kw min number max tensor": () => clampAny(fb(), { min: 2, max: full(6) }),
      "positional tensor number": () => clampAny(fb(), full(2), 6),
      "positional tensor kw number": () => clampAny(fb(), full(2), { max: 6 }),
      "clip positional number tensor": () => (torch.clip as (...a: unknown[]) => Tensor)(fb(), 2, full(6)),
      "tensor None": () => torch.clamp(fb(), full(2), null),
    });
    const x = torch.tensor([1, 2, 7], { requires_grad: true });
    torch.clamp(x, 6, 2).sum().backward();
    expect(x.grad!.tolist()).toEqual(fixture.clamp_grad_min_gt_max);
  });
});

describe("clamp methods", () => {
  it("one tensor and one number bound: torch's TypeError for the method, why each overload did not match", () => {
    const fb = () => torch.tensor([1, 5, 9]);
    const two = () => torch.full([3], 2);
    type Loose = (...a: unknown[]) => Tensor;
    compare(fixture.clamp, {
      "method kw tensor number": () => (fb().clamp as Loose)({ min: two(), max: 6 }),
      "method positional tensor number": () => (fb().clamp as Loose)(two(), 6),
      "clamp_ positional tensor number": () => (fb().clamp_ as Loose)(two(), 6),
    });
    // clip_ words it as clamp_ does (torch 1.13: "clip_() received an invalid combination of arguments - got (Tensor, int), ...")
    const clip = outcome(() => (fb().clip_ as Loose)(two(), 6)) as [string, string];
    expect(clip).toEqual(["TypeError", (fixture.clamp["clamp_ positional tensor number"] as string[])[1].replace("clamp_()", "clip_()")]);
  });
});

describe("OneCycleLR state_dict", () => {
  it("has torch 1.13's keys (anneal_func, not anneal_strategy); anneal_func is saved by its method's name", () => {
    const m = new nn.Linear(2, 1);
    const make = (anneal_strategy: "cos" | "linear") =>
      new optim.lr_scheduler.OneCycleLR(new optim.SGD(m.parameters(), { lr: 0.1, momentum: 0.9 }), { max_lr: 1.0, total_steps: 10, anneal_strategy });
    const s = make("cos");
    const sd = s.state_dict();
    expect(Object.keys(sd)).toEqual(fixture.onecycle.keys);
    // torch holds the bound methods _annealing_cos / _annealing_linear; the attribute is the method here too
    expect([s.anneal_func.name, make("linear").anneal_func.name]).toEqual(fixture.onecycle.anneal_func);
    expect(sd.anneal_func).toBe("_annealing_cos");
    expect("anneal_strategy" in s).toBe(fixture.onecycle.has_anneal_strategy);
    // a checkpoint holding it saves and loads back into a scheduler
    const lin = make("linear");
    lin.load_state_dict((torch.load(torch.save({ sched: sd })) as { sched: Record<string, unknown> }).sched);
    expect(lin.anneal_func.name).toBe("_annealing_cos");
  });
});
