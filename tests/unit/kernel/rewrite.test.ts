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
});
