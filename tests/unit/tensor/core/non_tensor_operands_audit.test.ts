/**
 * Audit: a Python number, a string, None or a list where a function's first argument goes. Learners
 * write `torch.softmax(1, 1)` or `torch.sum(3)`; torch 1.13 raises a TypeError naming the function
 * (`sum(): argument 'input' (position 1) must be Tensor, not int`), and the engine must too, not fail
 * inside with a JavaScript error ("x.dim is not a function") or return something torch would refuse.
 *
 * For each function of torch.*, torch.linalg / special / fft and F.* that
 * scripts/fixtures/non_tensor_operands_fixtures.py probed under torch 1.13
 * (tests/fixtures/torch/core/non_tensor_operands.json), the call is the candidate argument list of
 * api_probe_inputs.ts's FN_CANDIDATES that torch accepted, its first argument replaced by 1, 2.5, "a",
 * null or [1.5, 2.5]. Then:
 *   - torch accepts it: the engine must return too;
 *   - torch raises a TypeError (or, in its Python-level functions, an AttributeError such as "'int'
 *     object has no attribute 'dim'"): the engine raises its TypeError_ with a message naming the function
 *     (or torch's own message where that names none: "expected Tensor as element 0 in argument 0, but got int");
 *   - torch raises another error (a RuntimeError about the value): the engine raises one of its own errors.
 * A second check compares the first line of the message with torch's where torch's is about the
 * argument's type (the "must be Tensor, not int" and "received an invalid combination" forms) and names
 * the function called (torch's F.cross_entropy names its internal cross_entropy_loss(), F.unfold im2col():
 * the engine names the function the learner called).
 *
 * Names failing either check are listed in non_tensor_operands_audit_known.ts (ratchets: a newly failing
 * name fails the test, a fixed one must be taken off). The report lists every failure:
 *   NON_TENSOR_REPORT=1 npx vitest run --project tensor tests/unit/tensor/core/non_tensor_operands_audit.test.ts
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { F, nn, torch, TorchError, TypeError_ } from "../../../../lib/tensor/index";
import { INPUT_CHECKED, INPUT_WRAPPERS } from "../../../../lib/tensor/non_tensor_input";
import { FN_CANDIDATES } from "./api_probe_inputs";
import { NON_TENSOR_BEHAVIOUR_DIFFERS, NON_TENSOR_MESSAGE_DIFFERS } from "./non_tensor_operands_audit_known";

type Outcome = null | [cls: string, firstLine: string];
interface Entry { candidate: number; int: Outcome; float: Outcome; str: Outcome; None: Outcome; list: Outcome }
const FIXTURE = JSON.parse(readFileSync(join(__dirname, "../../../fixtures/torch/core/non_tensor_operands.json"), "utf8")) as {
  candidates: number;
  values: (keyof Omit<Entry, "candidate">)[];
  functions: Record<string, Entry>;
};

/** The JS value for each Python value probed. */
const VALUES: Record<string, () => unknown> = { int: () => 1, float: () => 2.5, str: () => "a", None: () => null, list: () => [1.5, 2.5] };

const t = torch as unknown as Record<string, Record<string, unknown>>;
const NAMESPACES: Record<string, Record<string, unknown>> = {
  torch: t, "torch.linalg": t.linalg, "torch.special": t.special, "torch.fft": t.fft, F: F as unknown as Record<string, unknown>,
};

/** What the engine does with args: null when it returns, else the error. */
function run(fn: (...a: unknown[]) => unknown, args: unknown[]): unknown {
  torch.manual_seed(0);
  try {
    const r = fn(...args);
    if (r instanceof Promise) r.catch(() => undefined);
    return null;
  } catch (e) {
    return e ?? new Error(String(e));
  }
}

const firstLine = (e: unknown) => String((e as Error).message ?? e).split("\n")[0];
const describeError = (e: unknown) => `${(e as Error).name ?? typeof e}: ${firstLine(e).slice(0, 160)}`;

/** The names torch's messages give a function: torch.linalg.det is linalg_det(), torch.special.expit special_expit(). */
const NAMES = (short: string) => [short, `linalg_${short}`, `special_${short}`, `fft_${short}`];

/** Torch's message is about the argument's type (not a missing argument of a call no candidate reached). */
const aboutType = (torchError: Outcome) =>
  torchError !== null && torchError[0] === "TypeError" && /must be Tensor|invalid combination of arguments|must be tuple of Tensors|expected Tensor as element/.test(torchError[1]);

interface Finding { behaviour: string[]; message: string[] }

function audit(): { findings: Map<string, Finding>; probed: number; absent: string[] } {
  const findings = new Map<string, Finding>();
  const absent: string[] = [];
  let probed = 0;
  for (const [full, entry] of Object.entries(FIXTURE.functions)) {
    const prefix = full.slice(0, full.lastIndexOf("."));
    const short = full.slice(full.lastIndexOf(".") + 1);
    const fn = NAMESPACES[prefix]?.[short];
    if (typeof fn !== "function") {
      absent.push(full);
      continue;
    }
    probed++;
    const finding: Finding = { behaviour: [], message: [] };
    for (const label of FIXTURE.values) {
      const want = entry[label];
      const args = entry.candidate >= 0 ? FN_CANDIDATES[entry.candidate]() : [undefined];
      args[0] = VALUES[label]();
      const got = run(fn as (...a: unknown[]) => unknown, args);
      if (want === null) {
        if (got !== null) finding.behaviour.push(`${label}: torch accepts, the engine raises ${describeError(got)}`);
        continue;
      }
      if (got === null) {
        finding.behaviour.push(`${label}: torch raises ${want[0]}, the engine returns`);
        continue;
      }
      const typeLike = want[0] === "TypeError" || want[0] === "AttributeError";
      const named = (line: string) => NAMES(short).some((n) => line.includes(`${n}(`));
      if (typeLike && !(got instanceof TypeError_ && (named(firstLine(got)) || (!/\w\(/.test(want[1]) && firstLine(got) === want[1])))) {
        finding.behaviour.push(`${label}: torch raises ${want[0]}, the engine ${describeError(got)}`);
        continue;
      }
      if (!typeLike && !(got instanceof TorchError)) {
        finding.behaviour.push(`${label}: torch raises ${want[0]}, the engine ${describeError(got)}`);
        continue;
      }
      if (aboutType(want) && (named(want[1]) || !/\w\(/.test(want[1])) && firstLine(got) !== want[1]) finding.message.push(`${label}: torch "${want[1]}", the engine "${firstLine(got).slice(0, 160)}"`);
    }
    if (finding.behaviour.length || finding.message.length) findings.set(full, finding);
  }
  return { findings, probed, absent };
}

describe("non-tensor operands", () => {
  it("the fixture's candidates are api_probe_inputs.ts's FN_CANDIDATES (same count, same order)", () => {
    expect(FN_CANDIDATES.length).toBe(FIXTURE.candidates);
  });

  it("every public function given a number, a string, None or a list first does what torch 1.13 does", () => {
    const { findings, probed, absent } = audit();
    const behaviour = [...findings].filter(([, f]) => f.behaviour.length).map(([n]) => n);
    const message = [...findings].filter(([, f]) => !f.behaviour.length && f.message.length).map(([n]) => n);
    if (process.env.NON_TENSOR_REPORT) {
      console.log(JSON.stringify({ probed, absent: absent.length, behaviour: behaviour.length, message: message.length }));
      for (const [n, f] of findings) console.log(`${n}\n  ${[...f.behaviour.map((b) => `[behaviour] ${b}`), ...f.message.map((m) => `[message] ${m}`)].join("\n  ")}`);
    }
    // Most of torch's functions exist here (over 700 of the 890 probed when written).
    expect(probed, `${absent.length} absent`).toBeGreaterThan(650);
    const report = (names: string[]) => names.map((n) => `${n}: ${[...findings.get(n)!.behaviour, ...findings.get(n)!.message].join(" | ")}`);

    const knownB = new Set(NON_TENSOR_BEHAVIOUR_DIFFERS);
    expect(NON_TENSOR_BEHAVIOUR_DIFFERS.filter((n) => !behaviour.includes(n)), "these now behave as torch: take them off NON_TENSOR_BEHAVIOUR_DIFFERS").toEqual([]);
    expect(report(behaviour.filter((n) => !knownB.has(n))), "functions that crash, return, or raise another error where torch raises a TypeError (or accepts)").toEqual([]);

    const knownM = new Set(NON_TENSOR_MESSAGE_DIFFERS);
    expect(NON_TENSOR_MESSAGE_DIFFERS.filter((n) => !message.includes(n)), "these now give torch's message: take them off NON_TENSOR_MESSAGE_DIFFERS").toEqual([]);
    expect(report(message.filter((n) => !knownM.has(n))), "TypeErrors whose first line is not torch's").toEqual([]);
  });

  it("the hot ops check their input in the wrapper already in front of them, with no closure of their own", () => {
    const ns = torch as unknown as Record<string, object>;
    const hot = ["add", "sub", "mul", "div", "matmul", "mm", "bmm", "exp", "log", "sqrt", "pow", "sum", "mean", "relu", "sigmoid", "tanh", "softmax", "cat", "stack", "where"];
    for (const name of hot) {
      expect(INPUT_CHECKED.has(ns[name]), `torch.${name} checks its input`).toBe(true);
      expect(INPUT_WRAPPERS.has(ns[name]), `torch.${name} has no closure of its own`).toBe(false);
    }
    const f = F as unknown as Record<string, object>;
    for (const name of ["relu", "linear", "softmax", "log_softmax", "cross_entropy", "mse_loss", "dropout", "conv2d"]) {
      expect(INPUT_CHECKED.has(f[name]), `F.${name} checks its input`).toBe(true);
      expect(INPUT_WRAPPERS.has(f[name]), `F.${name} has no closure of its own`).toBe(false);
    }
  });

  it("the learners' cases raise torch's TypeError", () => {
    const torchAny = torch as unknown as Record<string, (...a: unknown[]) => unknown>;
    expect(() => torchAny.softmax(1, 1)).toThrow(TypeError_);
    expect(() => torchAny.softmax(1, 1)).toThrow(/^softmax\(\) received an invalid combination of arguments - got \(int, int\), but expected one of:/);
    expect(() => torchAny.sum(1)).toThrow(/^sum\(\): argument 'input' \(position 1\) must be Tensor, not int$/);
    // torch 1.13: sum(torch.float32) / sum(nn.Linear(2, 2)) name the argument's Python type
    expect(() => torchAny.sum(torch.float32)).toThrow(/^sum\(\): argument 'input' \(position 1\) must be Tensor, not torch\.dtype$/);
    expect(() => torchAny.sum(new nn.Linear(2, 2))).toThrow(/^sum\(\): argument 'input' \(position 1\) must be Tensor, not Linear$/);
    expect(() => torchAny.exp(2.5)).toThrow(/^exp\(\): argument 'input' \(position 1\) must be Tensor, not float$/);
    expect(() => torchAny.matmul([1, 2], torch.ones(2))).toThrow(/^matmul\(\): argument 'input' \(position 1\) must be Tensor, not list$/);
    expect(() => (F as unknown as Record<string, (...a: unknown[]) => unknown>).relu(null)).toThrow(/^relu\(\): argument 'input' \(position 1\) must be Tensor, not NoneType$/);
    // torch accepts a number first where it has a Scalar overload
    expect((torchAny.add(1, torch.ones(2)) as { tolist(): unknown }).tolist()).toEqual([2, 2]);
  });
});
