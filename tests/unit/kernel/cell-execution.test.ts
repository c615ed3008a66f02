import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { createTestKernel, errorOf, resultText, streamText } from "./run-cells";

describe("cells share top-level names", () => {
  it("sees a const from an earlier cell", async () => {
    const k = createTestKernel();
    expect(resultText(await k.run("const x = 2"))).toBeUndefined();
    expect(resultText(await k.run("x * 3"))).toBe("6");
  });

  it("strips TypeScript types", async () => {
    const k = createTestKernel();
    await k.run("interface P { a: number }\nconst p: P = { a: 5 };\nfunction twice(n: number): number { return n * 2 }");
    expect(resultText(await k.run("twice(p.a)"))).toBe("10");
  });

  it("binds every name of object and array destructuring", async () => {
    const k = createTestKernel();
    await k.run("const { a, b: [c, ...rest] } = { a: 1, b: [2, 3, 4] }, [d = 9] = []");
    expect(resultText(await k.run("[a, c, rest, d]"))).toBe("[1, 2, [3, 4], 9]");
  });

  it("keeps function hoisting and lets functions see later reassignments", async () => {
    const k = createTestKernel();
    await k.run("const early = double(4)\nlet count = 0\nfunction double(n) { return n * 2 }\nfunction bump() { count += 1; return count }");
    await k.run("bump(); bump()");
    expect(resultText(await k.run("[early, count]"))).toBe("[8, 2]");
  });

  it("shares classes, and instances work in later cells", async () => {
    const k = createTestKernel();
    await k.run("class Counter { n = 0; inc() { return ++this.n } }\nconst c1 = new Counter()");
    expect(resultText(await k.run("c1.inc(); c1.inc(); c1 instanceof Counter"))).toBe("true");
  });

  it("re-running a cell that declares a const works", async () => {
    const k = createTestKernel();
    const cell = "const total = (globalThis.__runs = (globalThis.__runs ?? 0) + 1)\ntotal";
    expect((await k.run(cell)).reply.status).toBe("ok");
    expect(resultText(await k.run(cell))).toBe("2");
  });

  it("does not leak cell names into the worker's globals", async () => {
    const k = createTestKernel();
    await k.run("const leakedName = 1");
    expect("leakedName" in globalThis).toBe(false);
    expect(k.session.scope.leakedName).toBe(1);
  });
});

describe("results and output", () => {
  it("returns the value of the last expression only", async () => {
    const k = createTestKernel();
    expect(resultText(await k.run("1 + 1\n'a' + 'b'"))).toBe("ab");
    expect(resultText(await k.run("const y = 3;"))).toBeUndefined();
  });

  it("captures console output in order, before the result", async () => {
    const k = createTestKernel();
    const run = await k.run("console.log('a', 1, [2]);\nconsole.error('oops');\n'done'");
    expect(streamText(run)).toBe("a 1 [2]\noops\n");
    expect(run.outputs.map((o) => o.output_type)).toEqual(["stream", "stream", "execute_result"]);
  });

  it("supports top-level await", async () => {
    const k = createTestKernel();
    const run = await k.run("const v = await new Promise((r) => setTimeout(() => r(41), 5));\nv + 1");
    expect(resultText(run)).toBe("42");
  });

  it("counts executions like Jupyter", async () => {
    const k = createTestKernel();
    expect((await k.run("1")).reply.execution_count).toBe(1);
    expect((await k.run("2")).reply.execution_count).toBe(2);
  });

  it("resolves imports of the engine and refuses other modules", async () => {
    const k = createTestKernel();
    expect(resultText(await k.run('import { answer } from "torch"\nanswer'))).toBe("42");
    const error = errorOf(await k.run('import _ from "lodash"'));
    expect(error?.ename).toBe("ModuleNotFoundError");
    expect(error?.evalue).toContain('Cannot import "lodash"');
  });
});

describe("errors point at the learner's line", () => {
  it("reports name, message and line of a runtime error", async () => {
    const k = createTestKernel();
    const run = await k.run("const a = 1\n\nnotDefined + a");
    const error = errorOf(run);
    expect(run.reply.status).toBe("error");
    expect(error).toMatchObject({ ename: "ReferenceError", evalue: "notDefined is not defined", line: 3 });
  });

  it("keeps line numbers after type annotations and multi-line imports", async () => {
    const k = createTestKernel();
    const run = await k.run('import {\n  answer\n} from "torch"\ntype T = { a: number }\nconst t: T = { a: 1 }\nthrow new RangeError("bad " + answer)');
    expect(errorOf(run)).toMatchObject({ ename: "RangeError", evalue: "bad 42", line: 6 });
  });

  it("locates syntax errors", async () => {
    const k = createTestKernel();
    const error = errorOf(await k.run("const ok = 1\nconst = 2"));
    expect(error?.ename).toBe("SyntaxError");
    expect(error?.line).toBe(2);
  });

  it("shows the cell frames of a function defined in an earlier cell", async () => {
    const k = createTestKernel();
    await k.run("function explode() {\n  throw new Error('boom')\n}");
    const run = await k.run("explode()");
    const error = errorOf(run);
    expect(error?.line).toBe(1);
    expect(error?.traceback.join("\n")).toContain("explode (cell [1], line 2)");
    expect(error?.traceback.join("\n")).not.toMatch(/session\.ts|node_modules/);
  });

  it("turns a failed allocation into a MemoryError that says what to do, and keeps the kernel", async () => {
    const k = createTestKernel();
    await k.run("const kept = 3");
    const error = errorOf(await k.run("const huge = new Float64Array(2 ** 40)"));
    expect(error?.ename).toBe("MemoryError");
    expect(error?.evalue).toContain("out of memory");
    expect(resultText(await k.run("kept"))).toBe("3");
  });

  it("refuses names reserved for the kernel", async () => {
    const k = createTestKernel();
    expect(errorOf(await k.run("const __gb = 1"))?.evalue).toContain("reserved");
  });
});

describe("interrupts", () => {
  it("stops a runaway loop at its time budget and keeps earlier names", async () => {
    const k = createTestKernel();
    await k.run("const kept = 'still here'");
    const run = await k.run("while (true) {}", 200);
    expect(errorOf(run)?.ename).toBe("KeyboardInterrupt");
    expect(resultText(await k.run("kept"))).toBe("still here");
  });

  it("stops on the shared interrupt flag", async () => {
    const k = createTestKernel();
    const buffer = new SharedArrayBuffer(4);
    k.session.guard.useSharedFlag(buffer);
    // The flag is raised from another thread, as the page does while the worker spins.
    const page = new Worker("setTimeout(() => Atomics.store(new Int32Array(require('node:worker_threads').workerData), 0, 1), 100)", { eval: true, workerData: buffer });
    const run = await k.run("let spins = 0\nwhile (true) { spins++ }", 30_000);
    await page.terminate();
    expect(errorOf(run)?.ename).toBe("KeyboardInterrupt");
    expect(errorOf(run)?.evalue).toMatch(/^Interrupted/);
    expect(Number(resultText(await k.run("spins")))).toBeGreaterThan(0);
  });

  it("interrupts a pending await", async () => {
    const k = createTestKernel();
    const run = await k.run("await new Promise(() => {})", 150);
    expect(errorOf(run)?.ename).toBe("KeyboardInterrupt");
  });
});
