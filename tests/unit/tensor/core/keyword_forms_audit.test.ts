/**
 * Audit: every public function called both ways. Each function of torch.*, torch.linalg /
 * special / fft, F.*, nn.init and every Tensor method is first called with a valid minimal input
 * (the first of api_probe_inputs.ts's candidate argument lists it accepts), then again with every
 * argument after the first given by keyword, under torch 1.13's parameter names
 * (scripts/fixtures/signatures_fixtures.py -> tests/fixtures/torch/core/signatures.json: each
 * overload PyTorch's argument parser binds), and the two results must be the same. The
 * options-object bugs of issue 12 (`F.one_hot(y, { num_classes: 5 })`, `nn.init.normal_(t, { mean,
 * std })`) were of this kind: a keyword taken for a positional value, or dropped.
 *
 * Names still failing are listed in keyword_forms_audit_known.ts (a ratchet, as unknown_keywords'):
 * a function that newly fails fails the test, and a fixed one must be taken off the list. The audit
 * must reach most of the API, or it proves nothing: a function no candidate input reaches fails the test unless
 * api_probe_inputs.ts's NEVER_ACCEPTS says why none can (give it an argument list in FN_HINTS). The count:
 *   API_PROBE_UNREACHED=1 npx vitest run --project tensor tests/unit/tensor/core/keyword_forms_audit.test.ts
 *
 *   KEYWORD_FORMS_REPORT=1 npx vitest run --project tensor tests/unit/tensor/core/keyword_forms_audit.test.ts
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { F, nn, torch, Tensor } from "../../../../lib/tensor/index";
import { EXCLUDED, callMethod, fnCandidates, isClass, methodCandidates, checkUnreached, splitOptions } from "./api_probe_inputs";
import { KEYWORD_FORMS_FAILING } from "./keyword_forms_audit_known";
import { OPERAND_NAMES, TORCH_OPERAND_NAMES } from "../../../../lib/tensor/ops/fixed_arity";

type Signature = [name: string, keywordOnly: boolean][];
const SIGNATURES = JSON.parse(readFileSync(join(__dirname, "../../../fixtures/torch/core/signatures.json"), "utf8")) as Record<string, Signature[]>;

type Outcome = "ok" | "different" | "keyword-error" | "no-input" | "no-signature" | "nothing-to-name";

/** Results compared: tensors by dtype, shape and values (NaN equal to NaN), sequences item by item, numbers and strings exactly, other objects not. */
function same(a: unknown, b: unknown): boolean {
  if (a instanceof Tensor || b instanceof Tensor) {
    if (!(a instanceof Tensor && b instanceof Tensor) || a.dtype !== b.dtype || a.shape.join() !== b.shape.join()) return false;
    const va = a.detach().reshape(-1).tolist() as unknown[], vb = b.detach().reshape(-1).tolist() as unknown[];
    return va.every((v, i) => Object.is(v, vb[i]) || v === vb[i] || (typeof v === "object" && JSON.stringify(v) === JSON.stringify(vb[i])));
  }
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => same(v, b[i]));
  if (typeof a === "number" || typeof a === "string" || typeof a === "boolean") return Object.is(a, b) || a === b;
  if (a !== null && b !== null && typeof a === "object" && typeof b === "object" && Symbol.iterator in a && Symbol.iterator in b && !(a instanceof nn.Module)) {
    return same([...(a as Iterable<unknown>)], [...(b as Iterable<unknown>)]);
  }
  return true;
}

/** The call's result, drawn from the same random stream each time (random functions compare too). */
function seeded(call: () => unknown): unknown {
  torch.manual_seed(0);
  const r = call();
  if (r instanceof Promise) r.catch(() => undefined);
  return r;
}

/**
 * `call(args)` on the first candidate it accepts, then with args[named..] by keyword under each
 * overload's names (the first `named` arguments stay positional), until one gives the same result.
 */
function probe(name: string, call: (args: unknown[]) => unknown, candidates: (() => unknown[])[], named: number): { outcome: Outcome; detail: string } {
  let accepted = false;
  for (const make of candidates) {
    let args: unknown[] = [];
    let want: unknown;
    try {
      args = make();
      want = seeded(() => call(args));
    } catch {
      continue; // not a valid input for this function: try the next candidate
    }
    if (want instanceof Promise) return { outcome: "no-input", detail: "asynchronous" };
    accepted = true;
    const rest = splitOptions(args)[0].length - named; // a hint's trailing options object stays as it is
    // The first accepted input with something to name: most functions also take the tensor alone.
    if (rest <= 0) continue;
    const sigs = SIGNATURES[name];
    if (!sigs) return { outcome: "no-signature", detail: "" };
    const errors: string[] = [];
    for (const sig of sigs) {
      // This overload names the positional arguments given (none of them keyword-only in it).
      if (sig.length < rest || sig.slice(0, rest).some(([, kwOnly]) => kwOnly)) continue;
      const [fresh, options] = splitOptions(make());
      const keywords = { ...Object.fromEntries(sig.slice(0, rest).map(([pname], i) => [pname, fresh[named + i]])), ...options };
      try {
        const got = seeded(() => call([...fresh.slice(0, named), keywords]));
        if (same(want, got)) return { outcome: "ok", detail: "" };
        errors.push(`{ ${Object.keys(keywords).join(", ")} }: a different result`);
      } catch (e) {
        errors.push(`{ ${Object.keys(keywords).join(", ")} }: ${((e as Error).message ?? String(e)).split("\n")[0].slice(0, 140)}`);
      }
    }
    if (!errors.length) return { outcome: "no-signature", detail: `no overload names ${rest} positional arguments` };
    return { outcome: errors.every((e) => e.endsWith("a different result")) ? "different" : "keyword-error", detail: `${args.length} args: ${errors.join(" | ")}` };
  }
  return { outcome: accepted ? "nothing-to-name" : "no-input", detail: "" };
}

function audit(): Map<string, { outcome: Outcome; detail: string }> {
  const out = new Map<string, { outcome: Outcome; detail: string }>();
  const t = torch as unknown as Record<string, object>;
  const spaces: [string, object][] = [["torch", torch], ["torch.linalg", t.linalg], ["torch.special", t.special], ["torch.fft", t.fft], ["F", F], ["nn.init", nn.init]];
  const seen = new Set<unknown>();
  for (const [prefix, ns] of spaces) {
    for (const [key, value] of Object.entries(ns)) {
      const name = `${prefix}.${key}`;
      if (key.startsWith("_") || name in EXCLUDED || typeof value !== "function" || isClass(value) || seen.has(value)) continue;
      seen.add(value);
      const fn = value as (...a: unknown[]) => unknown;
      out.set(name, probe(name, (a) => fn(...a), fnCandidates(name), 1));
    }
  }
  for (const key of Object.getOwnPropertyNames(Tensor.prototype)) {
    const d = Object.getOwnPropertyDescriptor(Tensor.prototype, key);
    const name = `Tensor.${key}`;
    if (key === "constructor" || key.startsWith("_") || !d || typeof d.value !== "function" || name in EXCLUDED) continue;
    out.set(name, probe(name, (a) => callMethod(key, a), methodCandidates(key), 1));
  }
  return out;
}

describe("keyword forms", () => {
  it("every public function gives the same result with its arguments by keyword (torch 1.13's names) as positionally", () => {
    const results = audit();
    const counts: Record<Outcome, number> = { ok: 0, different: 0, "keyword-error": 0, "no-input": 0, "no-signature": 0, "nothing-to-name": 0 };
    for (const r of results.values()) counts[r.outcome]++;
    const failing = [...results].filter(([, r]) => r.outcome === "different" || r.outcome === "keyword-error");
    const report = failing.map(([n, r]) => `${n}: ${r.outcome}: ${r.detail}`).join("\n");
    const { unexpected, stale } = checkUnreached("keyword_forms_audit", results);
    if (process.env.KEYWORD_FORMS_REPORT) {
      console.log(JSON.stringify(counts));
      console.log(report);
    }
    // Most of what takes arguments is called with something named by keyword (658 of the 1361 names
    // probed when written; 389 more take only their tensor in the inputs tried, 223 none of them; with
    // FN_HINTS, 815 named, and the only names none reaches are NEVER_ACCEPTS' complex / sparse / removed ones).
    expect(counts.ok + counts.different + counts["keyword-error"], JSON.stringify(counts)).toBeGreaterThan(780);
    expect(unexpected, "reached by no candidate input: give them a hint in api_probe_inputs.ts's FN_HINTS").toEqual([]);
    expect(stale, "reached now: take them off api_probe_inputs.ts's NEVER_ACCEPTS").toEqual([]);
    const known = new Set(KEYWORD_FORMS_FAILING);
    const failingNow = new Set(failing.map(([n]) => n));
    const fixed = KEYWORD_FORMS_FAILING.filter((n) => !failingNow.has(n));
    expect(fixed, "these no longer fail both ways: take them off KEYWORD_FORMS_FAILING").toEqual([]);
    const newlyFailing = failing.filter(([n]) => !known.has(n)).map(([n, r]) => `${n}: ${r.outcome}: ${r.detail}`);
    expect(newlyFailing, "functions whose keyword form fails or differs").toEqual([]);
  });

  it("the operand names the engine takes by keyword are torch 1.13's (fixed_arity.ts's tables against the signatures)", () => {
    // torch.dot's second operand is `tensor` in torch 1.13 (dot(input, tensor=y)); the table had `other`, which torch refuses.
    const wrong: string[] = [];
    const check = (table: Record<string, readonly string[]>, prefixes: string[]) => {
      for (const [name, names] of Object.entries(table)) {
        const overloads = prefixes.flatMap((p) => SIGNATURES[`${p}.${name}`] ?? []);
        if (!overloads.length) continue;
        const torchNames = new Set(overloads.flat().map(([n]) => n));
        const extra = names.slice(1).filter((n) => !torchNames.has(n));
        if (extra.length) wrong.push(`${name}: ${extra.join(", ")} (torch: ${[...torchNames].join(", ")})`);
      }
    };
    check(OPERAND_NAMES, ["Tensor", "torch"]);
    check(TORCH_OPERAND_NAMES, ["torch", "torch.linalg", "torch.special", "nn.init"]);
    expect(wrong).toEqual([]);
  });
});
