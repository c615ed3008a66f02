import { describe, expect, it } from "vitest";
import { gradeExercise } from "@/lib/grading/grade-exercise";
import { runInSandbox, type SandboxLimits } from "@/lib/grading/sandbox/grader";
import type { LessonExercise } from "@/lib/lessons/exercises";

const limits: SandboxLimits = { memoryMb: 64, setupMs: 1500, checkMs: 1500, totalMs: 20_000 };

const SOLUTION = `function leaky_relu(x: Tensor, slope = 0.01): Tensor {
  return torch.where(x.gt(0), x, x.mul(slope));
}`;
const WRONG = `function leaky_relu(x: Tensor, slope = 0.01): Tensor {
  return x.relu();
}`;

const exercise: LessonExercise = {
  id: "leaky-relu",
  title: "Leaky ReLU",
  points: 2,
  attemptsBeforeSolution: 3,
  dependsOn: ["setup"],
  starter: "function leaky_relu(x, slope = 0.01) {}",
  solution: SOLUTION,
  hintCount: 0,
  hints: [],
  line: 1,
  checks: [
    { name: "matches F.leaky_relu", hidden: false, line: 1, code: "const x = torch.tensor([-2, -0.5, 0, 1.5]);\nexpect.allclose(leaky_relu(x, 0.1), F.leaky_relu(x, 0.1));" },
    { name: "uses the shared data", hidden: false, line: 1, code: "expect.shape(leaky_relu(shared_input), [3]);" },
    { name: "scales the negative side by the slope", hidden: true, line: 1, code: "expect.allclose(leaky_relu(torch.tensor([-10, 4]), 0.3), [-3, 4], { what: 'leaky_relu([-10, 4], 0.3)' });" },
    { name: "gradients flow", hidden: true, line: 1, code: "expect.gradcheck((x: Tensor) => leaky_relu(x, 0.2), [torch.tensor([-1.5, -0.2, 0.4, 2], { dtype: torch.float64 })]);" },
  ],
};
const dependencies = [{ id: "setup", code: "const shared_input = torch.tensor([-1, 0, 1]);" }];

const grade = (learnerCode: string, ex: LessonExercise = exercise) => gradeExercise({ exercise: ex, dependencies, learnerCode, limits });

describe("server grading in the sandbox", () => {
  it("passes the reference solution on every visible and hidden check", async () => {
    const result = await grade(SOLUTION);
    expect(result.checks.map((c) => [c.name, c.status])).toEqual([
      ["matches F.leaky_relu", "passed"],
      ["uses the shared data", "passed"],
      ["scales the negative side by the slope", "passed"],
      ["gradients flow", "passed"],
    ]);
    expect(result).toMatchObject({ status: "graded", score: 2, maxScore: 2, passed: true, setupError: null });
  });

  it("fails a wrong answer with the first differing index, and scores partial credit", async () => {
    const result = await grade(WRONG);
    const [first, second, hidden, gradients] = result.checks;
    expect(first.status).toBe("failed");
    expect(first.message).toMatch(/^values differ at index \[0\]: expected -0\.2 but got 0 \(2 of 4 elements differ/);
    expect(second.status).toBe("passed");
    expect(hidden).toMatchObject({ hidden: true, status: "failed", message: "leaky_relu([-10, 4], 0.3) differ at index [0]: expected -3 but got 0 (1 of 2 elements differ, largest difference 3); tolerance: atol=1e-8, rtol=0.00001" });
    // relu's gradient is right for relu: gradcheck judges the autograd, not the formula.
    expect(gradients.status).toBe("passed");
    expect(result).toMatchObject({ status: "graded", passed: false, score: 1 });
  });

  it("reports the learner's own runtime error with its line", async () => {
    const result = await grade("function leaky_relu(x) {\n  return x.not_a_method();\n}");
    expect(result.checks[0].message).toMatch(/TypeError: x\.not_a_method is not a function \(line 2 of your code\)/);
  });

  it("reports code that does not compile as the learner's failure", async () => {
    const result = await grade("function leaky_relu(x) { return x. }");
    expect(result.setupError).toMatch(/your code does not compile/);
    expect(result.checks.every((c) => c.status === "failed")).toBe(true);
    expect(result.score).toBe(0);
  });

  it.each([
    ["replacing Math.abs and Array.prototype.every", "Math.abs = () => 0; Array.prototype.every = () => true; Number.isNaN = () => false;"],
    ["replacing the engine's functional op with the wrong answer", "F.leaky_relu = (x: Tensor) => x.relu(); torch.where = (c: Tensor, a: Tensor, b: Tensor) => a;"],
    ["patching the Tensor prototype", "const T = Object.getPrototypeOf(torch.tensor([1])); T.sub = function () { return torch.zeros([1]); }; T.mul = function () { return this; };"],
    ["rebinding expect and the globals", "var expect = { allclose() {}, shape() {}, gradcheck() {} }; globalThis.expect = expect; Object.prototype.allclose = () => {};"],
    ["redefining Error and Promise", "Error.prototype.toString = () => 'ok'; Promise.prototype.then = function (ok: any) { ok(); };"],
  ])("cannot make a wrong answer pass by %s", async (_label, tampering) => {
    const result = await grade(`${WRONG}\ntry { ${tampering} } catch {}`);
    expect(result.checks[0].status).toBe("failed");
    expect(result.checks[2].status).toBe("failed");
    expect(result.passed).toBe(false);
    expect(result.score).toBe(1);
  });

  it("gives the learner's code no Node APIs, no filesystem, no network and no timers", async () => {
    const probe: LessonExercise = {
      ...exercise,
      starter: "const probe = '';",
      solution: null,
      checks: [{ name: "sandboxed", hidden: false, line: 1, code: `expect.equal(probe, "undefined undefined undefined undefined undefined undefined");` }],
    };
    const result = await grade(
      "const probe = [typeof process, typeof require, typeof fetch, typeof setTimeout, typeof XMLHttpRequest, typeof WebSocket].join(' ');",
      probe,
    );
    expect(result.checks[0]).toMatchObject({ status: "passed" });
  });

  it("stops an infinite loop with 'time limit exceeded' while the other checks are still graded", async () => {
    const code = `${SOLUTION}\nfunction spin(): number { while (true) {} }`;
    const looping: LessonExercise = {
      ...exercise,
      starter: `${exercise.starter}\nfunction spin() {}`,
      solution: `${SOLUTION}\nfunction spin(): number { return 1; }`,
      checks: [exercise.checks[0], { name: "calls spin", hidden: true, line: 1, code: "expect.equal(spin(), 1);" }, exercise.checks[3]],
    };
    // The event loop keeps turning while the isolate spins on its own thread.
    let ticks = 0;
    const timer = setInterval(() => ticks++, 20);
    const started = Date.now();
    const result = await grade(code, looping);
    clearInterval(timer);
    expect(result.checks.map((c) => c.status)).toEqual(["passed", "time_limit", "passed"]);
    expect(result.checks[1].message).toMatch(/^time limit exceeded \(more than 1\.5 s\)$/);
    expect(result.status).toBe("time_limit");
    expect(result.passed).toBe(false);
    expect(ticks).toBeGreaterThan(((Date.now() - started) / 20) * 0.5);
  });

  it("stops a top-level infinite loop before the checks with 'time limit exceeded' on each", async () => {
    const result = await grade(`${SOLUTION}\nwhile (true) {}`);
    expect(result.checks.every((c) => c.status === "time_limit")).toBe(true);
    expect(result.setupError).toMatch(/time limit exceeded/);
  });

  it.each([
    ["typed arrays", "const hoard: Float64Array[] = []; while (true) hoard.push(new Float64Array(1e6));"],
    ["plain arrays", "const hoard: unknown[] = []; while (true) hoard.push(new Array(1e5).fill(hoard.length));"],
  ])("fails a memory bomb of %s with 'memory limit exceeded' and still grades the other checks", async (_label, bomb) => {
    const bombing: LessonExercise = {
      ...exercise,
      starter: `${exercise.starter}\nfunction grow() {}`,
      solution: `${SOLUTION}\nfunction grow() { return 1; }`,
      checks: [{ name: "grows", hidden: false, line: 1, code: "expect.equal(grow(), 1);" }, exercise.checks[0], exercise.checks[3]],
    };
    const result = await grade(`${SOLUTION}\nfunction grow() { ${bomb} }`, bombing);
    expect(result.checks.map((c) => c.status)).toEqual(["memory_limit", "passed", "passed"]);
    expect(result.checks[0].message).toMatch(/memory limit exceeded/);
    expect(result.status).toBe("memory_limit");
  });

  it("reports a broken check as an authoring error that does not count against the learner", async () => {
    const broken: LessonExercise = {
      ...exercise,
      checks: [
        exercise.checks[0],
        { name: "does not compile", hidden: true, line: 1, code: "expect.equal(1, ;" },
        { name: "wrong for everyone", hidden: true, line: 1, code: "expect.allclose(leaky_relu(torch.tensor([-1]), 0.1), torch.tensor([5]));" },
      ],
    };
    const result = await grade(SOLUTION, broken);
    expect(result.checks.map((c) => c.status)).toEqual(["passed", "authoring_error", "authoring_error"]);
    expect(result.checks[2].message).toMatch(/reference solution fails it too/);
    expect(result).toMatchObject({ status: "authoring_error", score: 2, passed: true });
  });

  it("reports a broken dependency cell as an authoring error", async () => {
    const result = await gradeExercise({ exercise, dependencies: [{ id: "setup", code: "throw new Error('boom')" }], learnerCode: SOLUTION, limits });
    expect(result.checks.every((c) => c.status === "authoring_error")).toBe(true);
    expect(result.setupError).toMatch(/lesson cell "setup" this exercise depends on failed: Error: boom/);
  });

  it("runs jobs directly with per-check durations", async () => {
    const result = await runInSandbox({ dependencies, learnerCode: SOLUTION, checks: exercise.checks, graded: ["leaky_relu"] }, limits);
    expect(result.checks).toHaveLength(4);
    for (const check of result.checks) expect(check.durationMs).toBeGreaterThanOrEqual(0);
  });
});

describe("notebook helpers in graded cells", () => {
  it("lets dependency cells chart, tabulate and report progress (they show nothing on the server)", async () => {
    const charting = [{ id: "setup", code: "const shared_input = torch.tensor([-1, 0, 1]);\nconst bar = progress(3);\nfor (let i = 0; i < 3; i++) bar.update(i);\nplot.line([1, 2, 3], { title: 'loss' });\ntable([{ a: 1 }]);\ndisplay(shared_input).update(1);" }];
    const result = await gradeExercise({ exercise, dependencies: charting, learnerCode: SOLUTION, limits });
    expect(result.setupError).toBeNull();
    expect(result.passed).toBe(true);
  });

  it("says clearly that datasets cannot be loaded while grading", async () => {
    const result = await gradeExercise({ exercise: { ...exercise, solution: null }, dependencies, learnerCode: `${SOLUTION}\nconst digits = await load_mnist();`, limits });
    expect(result.setupError).toMatch(/load_mnist is not available when grading on the server/);
  });
});

describe("judging checks by the reference solution", () => {
  it("does not call a check broken because the reference solution ran out of time", async () => {
    const slowSolution: LessonExercise = {
      ...exercise,
      id: "slow-solution",
      starter: `${exercise.starter}\nfunction spin() {}`,
      solution: `${SOLUTION}\nfunction spin() { while (true) {} }\nspin.ok = 1;`,
      checks: [{ name: "spins", hidden: false, line: 1, code: "spin();" }],
    };
    // The learner's spin returns: the check passes for them; the solution's spin loops.
    const result = await grade(`${SOLUTION}\nfunction spin() { return 1; }`, slowSolution);
    expect(result.checks[0].status).toBe("passed");
    const failing = await grade(`${SOLUTION}\nfunction spin() { throw new Error("nope"); }`, slowSolution);
    expect(failing.checks[0]).toMatchObject({ status: "failed", message: "Error: nope (line 4 of your code)" });
    expect(failing.score).toBe(0);
  });
});

describe("code that waits forever", () => {
  it("fails with 'time limit exceeded' when the learner's code awaits a promise that never settles", async () => {
    const started = Date.now();
    const result = await grade(`${SOLUTION}\nawait new Promise(() => {});`, { ...exercise, solution: null });
    expect(result.checks.every((c) => c.status === "time_limit")).toBe(true);
    expect(result.setupError).toMatch(/time limit exceeded/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("fails only the check that awaits forever; the next check gets a fresh isolate", async () => {
    const waiting: LessonExercise = {
      ...exercise,
      starter: `${exercise.starter}\nfunction never() {}`,
      solution: null,
      checks: [{ name: "waits", hidden: false, line: 1, code: "await never();" }, exercise.checks[0]],
    };
    const result = await grade(`${SOLUTION}\nfunction never() { return new Promise(() => {}); }`, waiting);
    expect(result.checks.map((c) => c.status)).toEqual(["time_limit", "passed"]);
  });
});

describe("the lockdown keeps ordinary learner code working", () => {
  it.each([
    ["print options", "torch.set_printoptions({ precision: 2 }); const s = String(torch.tensor([1.23456]));"],
    ["seeding", "torch.manual_seed(3); torch.randn([2]);"],
    ["grad mode", "torch.set_grad_enabled(false); torch.set_grad_enabled(true); torch.no_grad(() => 1);"],
    ["custom modules with attributes", "class Net extends nn.Module { constructor() { super(); this.fc = new nn.Linear(2, 2); this.name = 'n'; this.training = false; } forward(x) { return this.fc(x); } }\nconst n = new Net(); n.train(); n(torch.randn([1, 2])); n.toString(); nn.register_module(Net);"],
    ["state dicts and save/load", "const m = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU()); m.load_state_dict(m.state_dict()); torch.load(torch.save(m));"],
    ["optimizers", "const p = new nn.Linear(2, 1); const o = new optim.Adam(p.parameters(), { lr: 0.1 }); p(torch.randn([4, 2])).sum().backward(); o.step(); o.zero_grad(); o.state_dict();"],
    ["data loaders", "const ds = new utils.data.TensorDataset(torch.randn([8, 2]), torch.zeros([8])); for (const [x] of new utils.data.DataLoader(ds, { batch_size: 4, shuffle: true })) x.shape; utils.data.make_moons(20);"],
    ["error subclasses", "class MyError extends Error { constructor(m) { super(m); this.name = 'MyError'; } }\ntry { throw new MyError('x'); } catch (e) { e.name; }"],
    ["hooks", "const l = new nn.Linear(2, 2); l.register_forward_hook(() => {}).remove(); const t = torch.randn([2], { requires_grad: true }); t.register_hook((g) => g); t.sum().backward();"],
    ["arrays, objects, maps", "const a = [3, 1, 2]; a.sort(); a.push(4); String({ toString() { return 'o'; } }); JSON.stringify(Object.assign({}, { a: [1] })); new Map([[1, 2]]).set(3, 4);"],
  ])("%s", async (_label, code) => {
    const result = await runInSandbox({ dependencies: [], learnerCode: code, checks: [{ name: "ran", hidden: false, code: "expect.true(true, 'ran')" }], graded: [] }, limits);
    expect(result.setupError).toBeNull();
    expect(result.checks[0].status).toBe("passed");
  });
});

describe("the lockdown's reach", () => {
  // The walk lockdown.ts makes, from outside it: what a learner's code can reach through the engine, the
  // globals and the intrinsics no global names must be frozen, except instances that hold state.
  it("everything reachable from the engine, the globals and the hidden intrinsics is frozen, but state", async () => {
    const walk = `const roots = [torch, nn, F, optim, utils, expect, ...Reflect.ownKeys(globalThis).map((k) => globalThis[k]),
  Object.getPrototypeOf(function* () {}), Object.getPrototypeOf(async function* () {}), Object.getPrototypeOf(async function () {}),
  Object.getPrototypeOf([][Symbol.iterator]()), Object.getPrototypeOf(new Map()[Symbol.iterator]()), Object.getPrototypeOf(""[Symbol.iterator]())];
const seen = new Set(); const stack = [...roots]; const open = []; let count = 0;
while (stack.length) {
  const v = stack.pop();
  if ((typeof v !== "object" && typeof v !== "function") || v === null || seen.has(v)) continue;
  seen.add(v);
  if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer || v === globalThis) continue;
  const proto = Object.getPrototypeOf(v);
  if (typeof v === "object" && proto !== null && proto !== Object.prototype && !Object.prototype.hasOwnProperty.call(v, "constructor")) continue;
  count++;
  if (!Object.isFrozen(v)) open.push(typeof v === "function" ? "function " + v.name : Object.prototype.toString.call(v));
  stack.push(proto);
  const d = Object.getOwnPropertyDescriptors(v);
  for (const k of Reflect.ownKeys(d)) stack.push(d[k].value, d[k].get, d[k].set);
}
throw JSON.stringify({ count, open: open.slice(0, 10) });`;
    const result = await runInSandbox({ dependencies: [], learnerCode: "", checks: [{ name: "walk", hidden: false, code: walk }], graded: [] }, limits);
    const reported = JSON.parse(result.checks[0].message.replace(/^the check threw /, "")) as { count: number; open: string[] };
    expect(reported.open).toEqual([]);
    expect(reported.count).toBeGreaterThan(3000); // the engine's classes and functions too, not just the built-ins
  });
});

describe("speed under the lockdown", () => {
  it("freezes the intrinsics without turning off V8's fast paths (training runs near Node speed)", async () => {
    // Timed on a second run in both places, so JIT warm-up does not count.
    const training = `function trainOnce() {
  torch.manual_seed(0);
  const X = torch.randn([256, 20]); const Y = torch.randint(0, 3, [256]);
  const model = new nn.Sequential(new nn.Linear(20, 64), new nn.ReLU(), new nn.Linear(64, 3));
  const opt = new optim.Adam(model.parameters(), { lr: 0.01 });
  const t0 = Date.now();
  for (let i = 0; i < 60; i++) { opt.zero_grad(); F.cross_entropy(model(X), Y).backward(); opt.step(); }
  return Date.now() - t0;
}
trainOnce();
const elapsed = trainOnce();`;
    const { torch, nn, optim, F } = await import("@/lib/tensor");
    const inNode = new Function("torch", "nn", "optim", "F", `${training}\nreturn elapsed;`)(torch, nn, optim, F) as number;
    const probe = "throw JSON.stringify({ elapsed, frozen: [Object.prototype, Array.prototype, Object.getPrototypeOf(Float32Array.prototype), Math, torch, F].every(Object.isFrozen) })";
    const result = await runInSandbox({ dependencies: [], learnerCode: training, checks: [{ name: "probe", hidden: false, code: probe }], graded: ["elapsed"] }, { ...limits, setupMs: 10_000 });
    const reported = JSON.parse(result.checks[0].message.replace(/^the check threw /, "")) as { elapsed: number; frozen: boolean };
    expect(reported.frozen).toBe(true);
    // Before the per-property lock, Object.freeze on the prototypes made this 4-5x slower than Node.
    expect(reported.elapsed).toBeLessThan(inNode * 2.5 + 50);
  });
});

describe("what a learner cannot do to a check (issue 10)", () => {
  const judged: LessonExercise = {
    ...exercise,
    id: "judged",
    dependsOn: ["helpers"],
    starter: "function leaky_relu(x, slope = 0.01) { return x; }",
    checks: [
      { name: "the helper judges it", hidden: true, line: 1, code: "const secretInput = torch.tensor([-2, 3]);\nexpect.true(judge(leaky_relu, secretInput), 'the helper says the answer is wrong');" },
      { name: "hands the learner a callback", hidden: true, line: 1, code: "const secretCallback = (v) => v; expect.allclose(leaky_relu(torch.tensor([-10, 4]), 0.3, secretCallback), [-3, 4]);" },
    ],
  };
  const helpers = [{ id: "helpers", code: "function judge(f, x) { return f(x, 0.1).sub(F.leaky_relu(x, 0.1)).abs().max().item() < 1e-6; }" }];
  const gradeJudged = (code: string) => gradeExercise({ exercise: judged, dependencies: helpers, learnerCode: code, limits });
  const hiddenSource = /secretInput|secretCallback|judge\(leaky_relu/;

  it("grades the reference solution and refuses the untouched starter", async () => {
    expect((await gradeJudged(SOLUTION)).score).toBe(2);
    expect((await gradeJudged(judged.starter)).score).toBe(0);
  });

  it.each([
    ["arguments.callee.caller", "function leaky_relu(x) { throw new Error(String(arguments.callee.caller)); }"],
    ["leaky_relu.caller", "function leaky_relu(x) { throw new Error(String(leaky_relu.caller) + String(leaky_relu.caller && leaky_relu.caller.caller)); }"],
    ["a callback's toString", "function leaky_relu(x, s, cb) { throw new Error(String(cb)); }"],
    ["the stack of a new Error", "function leaky_relu(x) { throw new Error(new Error('probe').stack); }"],
  ])("leaks no check source through %s", async (_label, code) => {
    const result = await gradeJudged(code);
    expect(JSON.stringify(result)).not.toMatch(hiddenSource);
    expect(result.score).toBe(0);
  });

  it("ignores a learner's own copy of a dependency helper", async () => {
    const result = await gradeJudged(`${judged.starter}\nfunction judge() { return true; }`);
    expect(result.checks[0].status).toBe("failed");
  });

  it("ignores a learner's own Math and Number", async () => {
    const math = await gradeExercise({
      exercise: { ...judged, id: "math", dependsOn: [], checks: [{ name: "uses Math", hidden: false, line: 1, code: "expect.true(Math.abs(leaky_relu(torch.tensor([-1]), 0.1).item() + 0.1) < 1e-6 && Number.isFinite(1), 'wrong');" }] },
      dependencies: [],
      learnerCode: `${judged.starter}\nconst Math = { abs: () => 0 }; const Number = { isFinite: () => true };`,
      limits,
    });
    expect(math.checks[0].status).toBe("failed");
  });

  it("cannot change the check's input in place", async () => {
    const mutate = await gradeExercise({
      exercise: { ...judged, id: "mutate", dependsOn: [], checks: [{ name: "reference from the input", hidden: true, line: 1, code: "const x = torch.tensor([-2, 3]); const got = leaky_relu(x, 0.1); expect.allclose(got, F.leaky_relu(x, 0.1));" }] },
      dependencies: [],
      learnerCode: "function leaky_relu(x, s) { x.zero_(); return x; }",
      limits,
    });
    expect(mutate.checks[0].status).toBe("failed");
  });

  it("cannot replace the engine's kernels", async () => {
    const result = await gradeJudged(`${judged.starter}\ntry { torch.registerKernel("binary", () => {}); } catch {}\ntry { torch.kernels.unary.relu = () => {}; } catch {}`);
    expect(result.score).toBe(0);
  });

  // Under production's memory limit (grader.ts: 128 MB), not this suite's 64 MB: the engine bundle's heap grows with
  // the API, and with it a 40 MB message no longer fit 64 MB beside it (the isolate died of memory instead, which
  // is another test's subject).
  it("caps a 40 MB error message to a few KB, saying it was cut", async () => {
    const production = (code: string) => gradeExercise({ exercise: judged, dependencies: helpers, learnerCode: code, limits: { ...limits, memoryMb: 128 } });
    const result = await production(`function leaky_relu(x) { throw new Error("x".repeat(40 * 1024 * 1024)); }`);
    expect(JSON.stringify(result).length).toBeLessThan(16_000);
    expect(result.checks[0].message).toMatch(/message cut/);
    const topLevel = await production(`throw new Error("y".repeat(40 * 1024 * 1024));`);
    expect(JSON.stringify(topLevel).length).toBeLessThan(16_000);
  });

  it("reports memory exhausted while the learner's code sets up as memory_limit", async () => {
    const result = await gradeJudged(`${judged.starter}\nconst hoard = new Float64Array(2e9);`);
    expect(result.checks.every((check) => check.status === "memory_limit")).toBe(true);
    expect(result.status).toBe("memory_limit");
  });
});

describe("free checks", () => {
  it("gives no points for a check the untouched starter passes, or one the author marked free", async () => {
    const lenient: LessonExercise = {
      ...exercise,
      id: "lenient",
      starter: "function leaky_relu(x, slope = 0.01) { return x; }",
      checks: [
        { name: "returns a tensor of the input's shape", hidden: false, line: 1, code: "expect.shape(leaky_relu(torch.tensor([1, 2])), [2]);" },
        { name: "a sanity check", hidden: false, free: true, line: 1, code: "expect.true(typeof leaky_relu === 'function', 'define it');" },
        exercise.checks[0],
      ],
    };
    const starter = await gradeExercise({ exercise: lenient, dependencies, learnerCode: lenient.starter, limits });
    expect(starter.checks.map((check) => [check.status, check.free ?? false])).toEqual([["passed", true], ["passed", true], ["failed", false]]);
    expect(starter.score).toBe(0);
    const solved = await gradeExercise({ exercise: lenient, dependencies, learnerCode: SOLUTION, limits });
    expect(solved).toMatchObject({ score: 2, passed: true });
  });
});
