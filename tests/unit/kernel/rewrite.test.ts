import { describe, expect, it } from "vitest";
import { rewriteCell } from "@/lib/kernel/rewrite/rewrite-cell";

const rewrite = (code: string, interruptChecks = true) => rewriteCell(code, { sourceName: "cell-test", interruptChecks });
const body = (script: string) => script.slice(script.indexOf("with (__gb_scope) {"), script.lastIndexOf("\n} })"));

describe("the cell rewrite", () => {
  it("puts an interrupt check at the top of every kind of loop, including loops inside functions", () => {
    const { script } = rewrite("for (;;) {}\nwhile (x) y()\ndo { } while (z)\nfor (const k in o) {}\nfor (const v of a) v\nfunction f() { while (true) {} }");
    const checks = script.match(/__gb_tick\(\);/g) ?? [];
    expect(checks).toHaveLength(6);
    // A loop body without braces gets a block, so the check stays inside the loop.
    expect(script).toContain("while (x) {__gb_tick();y()}");
  });

  it("makes every await interruptible, and can leave checks out", () => {
    expect(rewrite("await fetchIt()").script).toContain("return (await __gb_wait(fetchIt()))");
    const plain = rewrite("while (a) {}\nawait b", false).script;
    expect(plain).not.toMatch(/__gb_tick|__gb_wait/);
  });

  it("keeps every line where it was, so errors point at the learner's line", () => {
    const source = "const a: number = 1\nlet { b, c } = { b: 2, c: 3 }\nfor (let i = 0; i < 2; i++)\n  a + i\nclass K {}\nimport { nn } from 'torch'\nb + c";
    expect(body(rewrite(source).script).split("\n")).toHaveLength(source.split("\n").length);
  });

  it("lists the names a cell declares and says whether it ends in an expression", () => {
    const result = rewrite("const [a, { b }] = f()\nfunction g() {}\nclass H {}\nlet i\na");
    expect(result.declaredNames).toEqual(["a", "b", "g", "H", "i"]);
    expect(result.hasResult).toBe(true);
    expect(rewrite("const z = 1;").hasResult).toBe(false);
  });

  describe("returns the value of a last expression however it is written", () => {
    // Runs the rewritten script the way the worker does: indirect eval (sloppy, so `with`
    // works) gives the cell function, called with a scope object and a stub kernel.
    const kernel = { tick: () => {}, interruptible: <T>(value: T) => value, declare: () => {}, importModule: () => ({}) };
    async function resultOf(code: string, scope: Record<string, unknown> = {}): Promise<unknown> {
      const { script, hasResult } = rewrite(code);
      expect(hasResult).toBe(true);
      const cell = (0, eval)(script) as (scope: object, kernel: object) => Promise<unknown>;
      return cell(scope, kernel);
    }

    it.each([
      ["a parenthesised name", "const row_means = [1, 2];\n(row_means)", [1, 2]],
      ["a parenthesised name after a semicolon", "const row_means = [1, 2];\n(row_means);", [1, 2]],
      ["an object literal in parentheses", "({a: 1})", { a: 1 }],
      ["an object literal in parentheses with a semicolon", "({ a: 1, b: [2] });", { a: 1, b: [2] }],
      ["doubled parentheses", "((1 + 2))", 3],
      ["a parenthesised start of a longer expression", "(2) * 3", 6],
      ["an expression followed by a line comment", "1 + 1 // two", 2],
      ["an expression followed by a block comment and a semicolon", "1 + 2 /* three */;", 3],
      ["an expression with a comment on the next line", "const x = 4\nx\n// the end", 4],
      ["a sequence expression", "let n = 0\nn = 5, n + 1", 6],
      ["a parenthesised sequence expression", "(1, 2, 3)", 3],
      ["await of a parenthesised value", "await (Promise.resolve(7))", 7],
      ["await of a parenthesised sequence", "await (0, Promise.resolve(8))", 8],
      ["a parenthesised await", "(await Promise.resolve(9))", 9],
      ["an arrow function called in place", "(() => 10)()", 10],
    ])("%s", async (_label, code, expected) => {
      expect(await resultOf(code)).toEqual(expected);
    });

    it("keeps a parenthesised last expression on the learner's line", () => {
      const source = "const a = 1\n\n(a)";
      expect(body(rewrite(source).script).split("\n")).toHaveLength(source.split("\n").length);
    });
  });
});
