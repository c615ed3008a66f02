import { describe, expect, it } from "vitest";
import { KernelSession } from "@/lib/kernel/worker/session";
import { engineModules } from "@/lib/kernel/worker/engine";
import { notebookGlobals } from "@/lib/notebook/globals";
import type { KernelToPage } from "@/lib/kernel/protocol";
import { checkCellCode, GRADING_COMM_TARGET, type GradingCommMessage } from "@/lib/grading/check-cell";

/** A kernel session as the worker runs it, with its messages collected. */
function kernel() {
  const messages: KernelToPage[] = [];
  const session = new KernelSession((message) => messages.push(message), notebookGlobals, engineModules());
  let n = 0;
  const run = (code: string) => session.enqueue({ type: "execute_request", msg_id: `m${++n}`, cell_id: `c${n}`, code, time_budget_ms: 10_000 });
  const checkResults = () => messages.filter((m): m is Extract<KernelToPage, { type: "comm_msg" }> => m.type === "comm_msg" && m.target === GRADING_COMM_TARGET).map((m) => m.data as GradingCommMessage);
  return { run, checkResults, messages };
}

const checks = [
  { name: "averages each row", code: "expect.allclose(row_means(table), torch.tensor([2, 5]));" },
  { name: "one number per row", code: "const t: Tensor = torch.zeros([4, 3]);\nexpect.shape(row_means(t), [4]);" },
];

describe("Check in the kernel worker (the grading builtin)", () => {
  it("runs each visible check against the learner's names and reports per-check results as a comm message", async () => {
    const { run, checkResults } = kernel();
    await run("const table = torch.tensor([[1, 2, 3], [4, 5, 6]]);");
    await run("function row_means(t) { return t.sum(1); }");
    await run(checkCellCode("row-means", checks));
    const [wrong] = checkResults();
    expect(wrong.exerciseId).toBe("row-means");
    expect(wrong.results.map((r) => [r.name, r.status])).toEqual([
      ["averages each row", "failed"],
      ["one number per row", "passed"],
    ]);
    expect(wrong.results[0].message).toMatch(/^values differ at index \[0\]: expected 2 but got 6/);

    await run("function row_means(t) { return t.mean(1); }");
    await run(checkCellCode("row-means", checks));
    expect(checkResults()[1].results.every((r) => r.status === "passed")).toBe(true);
  });

  it("uses the pristine engine and expect even when the learner rebinds them (or names something `grading`)", async () => {
    const { run, checkResults } = kernel();
    await run("const table = torch.tensor([[1, 2, 3], [4, 5, 6]]);\nfunction row_means(t) { return t.sum(1); }\nconst expect = { allclose() {}, shape() {} };\nconst grading = 'mine';");
    await run(checkCellCode("row-means", checks));
    expect(checkResults()[0].results[0].status).toBe("failed");
  });

  it("reports a check that does not compile as an authoring error, and a missing name as the learner's error", async () => {
    const { run, checkResults } = kernel();
    await run(checkCellCode("x", [{ name: "broken", code: "expect.equal(1, ;" }, { name: "needs row_means", code: "row_means(torch.zeros([1]))" }]));
    const [result] = checkResults();
    expect(result.results[0]).toMatchObject({ status: "authoring_error" });
    expect(result.results[0].message).toMatch(/not your fault/);
    expect(result.results[1]).toMatchObject({ status: "failed", message: "ReferenceError: row_means is not defined" });
  });
});
