/**
 * Audit: no public function silently ignores an option it does not know. Every function of
 * torch.*, F.*, torch.linalg / special / fft, nn.init, nn.utils, every Tensor method, every nn
 * module, optimizer, scheduler and utils.data class is first called with a valid minimal input
 * (found by trying the candidate argument lists below in order), then with the same input plus
 * `{ zzz_unknown: 1 }`, which must raise PyTorch's
 * "<fn>() got an unexpected keyword argument 'zzz_unknown'" TypeError.
 *
 * Names still failing are listed in STILL_IGNORED (a ratchet: a newly added function that
 * ignores the key fails the test, and a fixed one must be taken off the list). A name no candidate
 * input reaches fails the test unless api_probe_inputs.ts's NEVER_ACCEPTS says why none can (give it
 * an argument list in FN_HINTS); API_PROBE_UNREACHED=1 prints their count.
 */
import { describe, expect, it } from "vitest";
import { F, nn, optim, torch, utils, Tensor } from "../../../../lib/tensor/index";
import { EXCLUDED, callMethod, ctorCandidates, fnCandidates, isClass, methodCandidates, checkUnreached, splitOptions } from "./api_probe_inputs";
import { STILL_IGNORED } from "./unknown_keywords_known";

const STILL_IGNORED_SET = new Set(STILL_IGNORED);

const BOGUS = { zzz_unknown: 1 };

type Outcome = "ok" | "ignored" | "wrong-error" | "no-input" | "async";


/** Calls `call(args)` for each candidate until one succeeds, then again with the bogus key appended. */
function probe(call: (args: unknown[]) => unknown, candidates: (() => unknown[])[]): { outcome: Outcome; detail: string } {
  for (const make of candidates) {
    let ok = false;
    try {
      const r = call(make());
      if (r instanceof Promise) {
        // Asynchronous (dataset downloads): not probed here; keep its rejection from going unhandled.
        r.catch(() => undefined);
        return { outcome: "async", detail: "" };
      }
      ok = true;
    } catch {
      // not a valid input for this function: try the next candidate
    }
    if (!ok) continue;
    try {
      const [positional, options] = splitOptions(make());
      const r = call([...positional, { ...options, ...BOGUS }]);
      if (r instanceof Promise) r.catch(() => undefined);
      return { outcome: "ignored", detail: `accepted (${make().length} args + { zzz_unknown })` };
    } catch (e) {
      const msg = (e as Error).message ?? String(e);
      if (e instanceof globalThis.TypeError || (e as Error).name === "TypeError" || msg.includes("unexpected keyword")) {
        if (msg.includes("unexpected keyword argument 'zzz_unknown'")) return { outcome: "ok", detail: msg };
      }
      return { outcome: "wrong-error", detail: msg.slice(0, 160) };
    }
  }
  return { outcome: "no-input", detail: "" };
}

function walk(prefix: string, ns: object, out: Map<string, { outcome: Outcome; detail: string }>, seen: Set<unknown>): void {
  for (const [key, value] of Object.entries(ns)) {
    const name = `${prefix}.${key}`;
    if (key.startsWith("_") || name in EXCLUDED || seen.has(value)) continue;
    if (typeof value !== "function") continue;
    seen.add(value);
    if (isClass(value)) {
      const C = value as new (...a: unknown[]) => unknown;
      if (value === Tensor) continue;
      out.set(name, probe((a) => new C(...a), ctorCandidates(name)));
    } else {
      const fn = value as (...a: unknown[]) => unknown;
      out.set(name, probe((a) => fn(...a), fnCandidates(name)));
    }
  }
}

function audit(): Map<string, { outcome: Outcome; detail: string }> {
  const out = new Map<string, { outcome: Outcome; detail: string }>();
  const seen = new Set<unknown>();
  const t = torch as unknown as Record<string, object>;
  const spaces: [string, object][] = [
    ["torch", torch], ["torch.linalg", t.linalg], ["torch.special", t.special], ["torch.fft", t.fft], ["torch.random", t.random],
    ["torch.autograd", t.autograd], ["F", F], ["nn.init", nn.init], ["nn.utils", nn.utils], ["nn", nn], ["optim", optim],
    ["optim.lr_scheduler", optim.lr_scheduler], ["optim.swa_utils", optim.swa_utils], ["utils.data", utils.data],
  ];
  for (const [prefix, ns] of spaces) if (ns) walk(prefix, ns, out, seen);
  // Tensor methods, called on a fresh tensor each time (in-place ones must not leak): api_probe_inputs.ts's methodCandidates.
  for (const key of Object.getOwnPropertyNames(Tensor.prototype)) {
    if (key === "constructor" || key.startsWith("_")) continue;
    const d = Object.getOwnPropertyDescriptor(Tensor.prototype, key);
    if (!d || typeof d.value !== "function") continue;
    const name = `Tensor.${key}`;
    if (name in EXCLUDED) continue;
    out.set(name, probe((a) => callMethod(key, a), methodCandidates(key)));
  }
  return out;
}

describe("unknown keywords", () => {
  it("are refused by every public function with PyTorch's TypeError", () => {
    const results = audit();
    const failing = [...results].filter(([, r]) => r.outcome === "ignored" || r.outcome === "wrong-error");
    const report = failing.map(([n, r]) => `${n}: ${r.outcome} ${r.detail}`).join("\n");
    const counts = { ok: 0, ignored: 0, "wrong-error": 0, "no-input": 0, async: 0 };
    for (const r of results.values()) counts[r.outcome]++;
    const { unexpected, stale } = checkUnreached("unknown_keywords", results);
    if (process.env.UNKNOWN_KEYWORDS_REPORT) {
      console.log(JSON.stringify(counts));
      console.log(report);
      console.log("NO INPUT:", [...results].filter(([, r]) => r.outcome === "no-input").map(([n]) => n).join(", "));
    }
    // The probe must reach most of the API, or the audit proves nothing.
    expect(counts.ok + counts.ignored + counts["wrong-error"]).toBeGreaterThan(1500);
    expect(unexpected, "reached by no candidate input: give them a hint in api_probe_inputs.ts's FN_HINTS").toEqual([]);
    expect(stale, "reached now: take them off api_probe_inputs.ts's NEVER_ACCEPTS").toEqual([]);
    const failingNames = failing.map(([n]) => n).sort();
    const fixed = STILL_IGNORED.filter((n) => results.get(n)?.outcome === "ok");
    expect(fixed, "these now refuse unknown keywords: take them off STILL_IGNORED").toEqual([]);
    const newlyIgnoring = failingNames.filter((n) => !STILL_IGNORED_SET.has(n));
    expect(newlyIgnoring, `functions that ignore an unknown keyword:\n${report}`).toEqual([]);
  });
});

describe("keywords once ignored, now as torch 1.13", () => {
  it("torch.where: input / other by keyword; a third positional or unknown keyword raises", () => {
    const c = torch.tensor([true, false]);
    const a = torch.ones(2), b = torch.zeros(2);
    expect(torch.where(c, { input: a, other: b }).tolist()).toEqual([1, 0]);
    expect(torch.where(c, a, { other: b }).tolist()).toEqual([1, 0]);
    expect(() => (torch.where as (...z: unknown[]) => unknown)(c, a, b, a)).toThrow("where() takes at most 2 positional arguments");
    expect(() => torch.where(c, a, b, { zzz_unknown: 1 } as never)).toThrow("where() got an unexpected keyword argument 'zzz_unknown'");
    expect(() => (torch.where as (...z: unknown[]) => unknown)(c, a)).toThrow(/where\(\) received an invalid combination of arguments.*'other' is missing/);
    expect(a.where(c, { other: b }).tolist()).toEqual([1, 0]);
    expect(() => a.where(c, b, { zzz_unknown: 1 } as never)).toThrow("where() got an unexpected keyword argument 'zzz_unknown'");
  });

  it("Module.state_dict: destination, prefix, keep_vars; unknown keywords raise", () => {
    const m = new nn.Linear(2, 2);
    // torch 1.13: m.state_dict(prefix='a.', keep_vars=True) -> ['a.weight', 'a.bias'], Parameters
    const sd = m.state_dict({ prefix: "a.", keep_vars: true });
    expect(Object.keys(sd)).toEqual(["a.weight", "a.bias"]);
    expect(sd["a.weight"]).toBe(m.weight);
    const plain = m.state_dict();
    expect(plain.weight).not.toBe(m.weight);
    expect(plain.weight.requires_grad).toBe(false);
    const dest: Record<string, Tensor> = {};
    const seqm = new nn.Sequential(new nn.Linear(2, 2));
    const r = seqm.state_dict({ destination: dest, prefix: "model." });
    expect(r).toBe(dest);
    expect(Object.keys(dest)).toEqual(["model.0.weight", "model.0.bias"]);
    expect(() => m.state_dict({ zz: 1 } as never)).toThrow("Module.state_dict() got an unexpected keyword argument 'zz'");
    expect(() => m.state_dict({ keep_vars: 1 } as never)).toThrow("state_dict(): argument 'keep_vars' must be bool, not int");
  });

  it("autograd.grad: torch 1.13's keywords checked, is_grads_batched as 1.13 (batched grad_outputs required), unknown keywords raise", () => {
    const w = torch.tensor([1, 2, 3], { requires_grad: true });
    const loss = () => w.mul(w).sum();
    expect(torch.autograd.grad(loss(), w, { create_graph: false, allow_unused: false, only_inputs: true })[0]!.tolist()).toEqual([2, 4, 6]);
    expect(torch.autograd.grad(loss(), [w], null, true)[0]!.tolist()).toEqual([2, 4, 6]);
    expect(() => torch.autograd.grad(loss(), w, { is_grads_batched: true })).toThrow(/vmap\(vjp, in_dims=0, \.\.\.\)\(<inputs>\): Got in_dim=0/); // 1.13: no batch dim to map
    expect(torch.autograd.grad(w.mul(w), w, torch.eye(3), { is_grads_batched: true })[0]!.tolist()).toEqual([[2, 0, 0], [0, 4, 0], [0, 0, 6]]);
    expect(() => torch.autograd.grad(loss(), w, { retain_graf: true } as never)).toThrow("grad() got an unexpected keyword argument 'retain_graf'");
    const unused = torch.tensor([1], { requires_grad: true });
    expect(torch.autograd.grad(loss(), [w, unused], { allow_unused: true })[1]).toBeNull();
  });
});

describe("keyword-less functions and modules", () => {
  it("F.sigmoid & co. take only the input: an extra argument raises as PyTorch", () => {
    const t = torch.tensor([0.5, -1]);
    expect(() => F.sigmoid(t, { inplace: true } as never)).toThrow("sigmoid() got an unexpected keyword argument 'inplace'");
    expect(() => (F.tanh as (...z: unknown[]) => unknown)(t, 1)).toThrow("tanh() takes at most 0 positional arguments after the input but 1 were given");
    expect(F.sigmoid(t).tolist()).toEqual(t.sigmoid().tolist());
  });

  it("modules without a constructor of their own refuse arguments (nn.Sigmoid(inplace=True) raises in torch 1.13)", () => {
    expect(() => new (nn.Sigmoid as unknown as new (o: object) => unknown)({ inplace: true })).toThrow("Sigmoid.__init__() got an unexpected keyword argument 'inplace'");
    expect(() => new (nn.Tanh as unknown as new (n: number) => unknown)(3)).toThrow("Tanh.__init__() takes 1 positional argument but 2 were given");
    expect(new nn.Identity(3, { anything: 1 })).toBeInstanceOf(nn.Identity);
  });
});

describe("operand-only torch functions (ops/fixed_arity.ts)", () => {
  it("raise for a keyword or an extra positional; out= and an empty options object still work", () => {
    const a = torch.tensor([0.5, 2]);
    const b = torch.tensor([1, -1]);
    expect(() => torch.exp(a, { zzz_unknown: 1 } as never)).toThrow("exp() got an unexpected keyword argument 'zzz_unknown'");
    expect(() => (torch.atan2 as (...z: unknown[]) => unknown)(a, b, a)).toThrow("atan2() takes 2 positional arguments but 3 were given");
    expect(() => torch.sigmoid(a, { inplace: true } as never)).toThrow("sigmoid() got an unexpected keyword argument 'inplace'");
    const y = torch.zeros(2);
    expect(torch.exp(a, { out: y })).toBe(y);
    expect(y.tolist()).toEqual(torch.exp(a).tolist());
    expect(torch.matmul(a, b, {} as never).item()).toBeCloseTo(-1.5, 6);
    expect(() => torch.matmul(a, b, { out: torch.zeros([]), zz: 1 } as never)).toThrow("matmul() got an unexpected keyword argument 'zz'");
  });
});

describe("torch.softmax / log_softmax after dim", () => {
  it("take torch 1.13's dtype (input cast first) and refuse anything else", () => {
    const a = torch.tensor([[1, 2, 3]]);
    const ref = a.double().softmax(1);
    const got = torch.softmax(a, 1, torch.float64 as never);
    expect(got.dtype).toBe(torch.float64);
    expect(got.tolist()).toEqual(ref.tolist());
    expect(torch.log_softmax(a, 1, { dtype: torch.float64 } as never).tolist()).toEqual(a.double().log_softmax(1).tolist());
    expect(() => torch.softmax(a, 1, { dimm: 0 } as never)).toThrow("softmax() got an unexpected keyword argument 'dimm'");
    expect(() => torch.log_softmax(a, 1, { zzz_unknown: 1 } as never)).toThrow("log_softmax() got an unexpected keyword argument 'zzz_unknown'");
  });
});
