import { afterEach, describe, expect, it, vi } from "vitest";
import { CellSaver } from "@/app/_components/persistence/cell-saver";

afterEach(() => vi.unstubAllGlobals());

describe("leaving a lesson right after an edit", () => {
  it("an autosave answered after the page left does not post to the closed BroadcastChannel", async () => {
    let answer!: () => void;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    // The server's answer is read only after the page has left (dispose closes the channel).
    const json = vi.fn(async () => (await answered, { cell: { cellId: "make", code: "x = 2", version: Date.now() } }));
    const fetch = vi.fn(async () => ({ ok: true, status: 200, json, text: async () => "" }));
    vi.stubGlobal("fetch", fetch);
    const failures: unknown[] = [];
    const onUnhandled = (reason: unknown) => failures.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      const saver = new CellSaver("first-look-at-tensors");
      saver.edit("make", "x = 2");
      saver.flush();
      await vi.waitFor(() => expect(json).toHaveBeenCalled());
      saver.dispose();
      answer();
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
    expect(failures).toEqual([]);
  });
});
