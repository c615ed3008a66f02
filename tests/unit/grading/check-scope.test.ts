import { describe, expect, it } from "vitest";
import { expect as assertions } from "@/lib/grading/assertions";
import { guardLearnerFunction, learnerValue } from "@/lib/grading/membrane";
import { capMessage, capMessages, MAX_CHECK_MESSAGE_CHARS } from "@/lib/grading/message-caps";
import { checkParameterNames, checkValues, compileCheck, runCompiledCheck, type CheckScope } from "@/lib/grading/run-checks";
import { F, nn, torch, Tensor } from "@/lib/tensor";

/** Runs `cells` (plain JS, one scope each) and a check the way the runner does. */
async function check(code: string, options: { learner?: Record<string, unknown>; graded?: string[]; dependencies?: Record<string, unknown>; hidden?: boolean } = {}) {
  const scope: CheckScope = {
    pristine: { torch, nn, F, Tensor, expect: assertions },
    graded: options.graded ?? Object.keys(options.learner ?? {}),
    learnerScope: options.learner ?? {},
    dependencies: Object.keys(options.dependencies ?? {}),
    dependencyScope: options.dependencies ?? {},
  };
  const names = checkParameterNames(scope);
  return runCompiledCheck(compileCheck(code, "probe", names), () => checkValues(scope, names), { hidden: options.hidden });
}

describe("what a check sees", () => {
  it("sees the graded names, the dependency names and the engine, nothing else of the learner's", async () => {
    const learner = { f: (x: Tensor) => x.mul(2), Math: { abs: () => 0 }, helper: () => 1 };
    const outcome = await check("expect.allclose(f(torch.tensor([1])), [2]); expect.equal(Math.abs(-3), 3); expect.equal(typeof helper, 'undefined');", { learner, graded: ["f"] });
    expect(outcome).toEqual({ status: "passed", message: "" });
  });

  it("reads a dependency name from the author's scope even when the learner's scope redefines it", async () => {
    const outcome = await check("expect.equal(shared(), 'author');", { learner: { shared: () => "learner", f: () => 0 }, graded: ["f"], dependencies: { shared: () => "author" } });
    expect(outcome.status).toBe("passed");
  });

  it("lets a check declare a name that is also a parameter", async () => {
    const outcome = await check("const x = 2; expect.equal(x, 2);", { dependencies: { x: 1 } });
    expect(outcome.status).toBe("passed");
  });

  it("runs checks in strict mode", async () => {
    const outcome = await check("undeclared = 1;");
    expect(outcome).toMatchObject({ status: "failed", message: expect.stringMatching(/ReferenceError: undeclared is not defined/) });
  });
});

describe("the membrane", () => {
  it("hands learner functions copies: mutating the input cannot change the check's reference", async () => {
    const learner = { f: (x: Tensor) => x.zero_() };
    const outcome = await check("const x = torch.tensor([1, 2]); const got = f(x); expect.allclose(x, [1, 2]); expect.allclose(got, [0, 0]);", { learner });
    expect(outcome.status).toBe("passed");
  });

  it("keeps autograd connected through the copy", async () => {
    const learner = { f: (x: Tensor) => x.mul(3).sum() };
    const outcome = await check("const x = torch.tensor([1, 2], { requires_grad: true }); f(x).backward(); expect.allclose(x.grad, [3, 3]);", { learner });
    expect(outcome.status).toBe("passed");
  });

  it("hands over a model's parameters as they are, so a learner can step or clip them in place", async () => {
    const learner = { clip: (params: Tensor[]) => params.forEach((p) => p.grad!.clamp_(-0.5, 0.5)) };
    const outcome = await check("const layer = new nn.Linear(2, 1); layer(torch.tensor([[30, -30]])).sum().backward(); clip(layer.parameters()); expect.true(layer.weight.grad.abs().max().item() <= 0.5, 'not clipped');", { learner });
    expect(outcome).toEqual({ status: "passed", message: "" });
  });

  it("copies arrays and plain objects in both directions", async () => {
    const learner = { f: (rows: number[][]) => { rows.length = 0; return rows; } };
    const outcome = await check("const rows = [[1], [2]]; f(rows); expect.equal(rows.length, 2);", { learner });
    expect(outcome.status).toBe("passed");
  });

  it("gives a learner function nothing of the check through caller or callee", async () => {
    const learner = new Function("return function f() { return [String(f.caller), String(arguments.callee.caller)].join('|'); }")() as () => string;
    const outcome = await check("expect.equal(f(), 'null|null');", { learner: { f: learner } });
    expect(outcome.status).toBe("passed");
  });

  it("refuses a Proxy posing as a tensor, and a tensor with a shadowing own method", () => {
    const real = torch.tensor([1, 2]);
    expect(() => learnerValue(new Proxy(real, {}))).toThrow(/posing as a tensor/);
    const patched = torch.tensor([1]);
    Object.defineProperty(patched, "sub", { value: () => torch.zeros([1]) });
    expect(() => learnerValue(patched)).toThrow(/its own "sub" property/);
    expect(learnerValue(real)).toBe(real);
  });

  it("refuses a callable Proxy that answers anything, and an object posing as a module", async () => {
    const anything: unknown = new Proxy(function () {}, { get: () => anything, apply: () => anything });
    expect(() => learnerValue(anything)).toThrow(/a Proxy, a bound or a built-in function/);
    expect(() => learnerValue(Object.create(nn.Module.prototype))).toThrow(/posing as a module/);
    const outcome = await check("for (const layer of init(new nn.Linear(2, 2)).modules()) expect.true(false, 'never');", { learner: { init: () => anything } });
    expect(outcome).toMatchObject({ status: "failed", message: expect.stringMatching(/a Proxy, a bound or a built-in function/) });
    expect(learnerValue(new nn.Linear(2, 2))).toBeInstanceOf(nn.Linear);
  });

  it("reads a getter once and keeps its answer", () => {
    let reads = 0;
    const copied = learnerValue({ get n() { return ++reads; } }) as { n: number };
    expect([copied.n, copied.n]).toEqual([1, 1]);
  });

  it("keeps `new` and instanceof working for a graded class", () => {
    class Net extends nn.Module {
      forward(x: Tensor) {
        return x;
      }
    }
    const Guarded = guardLearnerFunction(Net);
    const net = new Guarded();
    expect(net instanceof Guarded).toBe(true);
    expect(net instanceof nn.Module).toBe(true);
  });
});

describe("messages", () => {
  it("describes a V8 error raised in a hidden check's own code by its kind only", async () => {
    const outcome = await check("const secretReference = 42; secretReference.notAMethod();", { hidden: true });
    expect(outcome.status).toBe("failed");
    expect(outcome.message).not.toMatch(/secretReference|notAMethod/);
    expect(outcome.message).toMatch(/^TypeError in the hidden check/);
  });

  it("keeps the learner's own error and line for a hidden check", async () => {
    const f = new Function("return function f() { throw new RangeError('too big'); }")() as () => void;
    const outcome = await check("f();", { learner: { f }, hidden: true });
    expect(outcome.message).toBe("RangeError: too big");
  });

  it("caps a huge message and says it was cut", async () => {
    const f = () => {
      throw new Error("x".repeat(5_000_000));
    };
    const outcome = await check("f();", { learner: { f } });
    expect(outcome.message.length).toBeLessThan(MAX_CHECK_MESSAGE_CHARS + 200);
    expect(outcome.message).toMatch(/message cut: 5,000,007 characters in all/);
  });

  it("keeps a whole result within its budget", () => {
    const capped = capMessages(Array.from({ length: 40 }, () => ({ message: "y".repeat(10_000) })), 24_000);
    const total = capped.reduce((sum, item) => sum + item.message.length, 0);
    expect(total).toBeLessThan(24_000 + 40 * 120);
    expect(capMessage("short")).toBe("short");
  });
});
