import { describe, expect, it } from "vitest";
import { applyKernelMessage, type CellOutput } from "@/lib/kernel/protocol";

describe("folding kernel messages into outputs", () => {
  it("merges consecutive prints of one stream and keeps streams apart", () => {
    let outputs: CellOutput[] = [];
    outputs = applyKernelMessage(outputs, { type: "stream", parent_id: "m", name: "stdout", text: "a\n" });
    outputs = applyKernelMessage(outputs, { type: "stream", parent_id: "m", name: "stdout", text: "b\n" });
    outputs = applyKernelMessage(outputs, { type: "stream", parent_id: "m", name: "stderr", text: "c\n" });
    expect(outputs).toEqual([
      { output_type: "stream", name: "stdout", text: "a\nb\n" },
      { output_type: "stream", name: "stderr", text: "c\n" },
    ]);
  });

  it("replaces a display in place by its display id and leaves others alone", () => {
    let outputs: CellOutput[] = [];
    outputs = applyKernelMessage(outputs, { type: "display_data", parent_id: "m", data: { "text/plain": "10%" }, display_id: "bar" });
    outputs = applyKernelMessage(outputs, { type: "display_data", parent_id: "m", data: { "text/plain": "other" }, display_id: "x" });
    outputs = applyKernelMessage(outputs, { type: "update_display_data", parent_id: "m", data: { "text/plain": "90%" }, display_id: "bar" });
    expect(outputs.map((o) => (o.output_type === "display_data" ? o.data["text/plain"] : ""))).toEqual(["90%", "other"]);
  });

  it("does not mutate the previous outputs", () => {
    const before: CellOutput[] = [{ output_type: "stream", name: "stdout", text: "a" }];
    applyKernelMessage(before, { type: "stream", parent_id: "m", name: "stdout", text: "b" });
    expect(before).toEqual([{ output_type: "stream", name: "stdout", text: "a" }]);
  });

  it("keeps errors with their line, and ignores replies and status", () => {
    let outputs: CellOutput[] = [];
    outputs = applyKernelMessage(outputs, { type: "status", execution_state: "busy" });
    outputs = applyKernelMessage(outputs, { type: "error", parent_id: "m", ename: "TypeError", evalue: "x", traceback: [], line: 4 });
    outputs = applyKernelMessage(outputs, { type: "execute_reply", parent_id: "m", status: "error", execution_count: 1, duration_ms: 1, declared_names: [] });
    expect(outputs).toEqual([{ output_type: "error", ename: "TypeError", evalue: "x", traceback: [], line: 4 }]);
  });
});
