import { afterEach, describe, expect, it, vi } from "vitest";
import { boundLesson, codeHash, newestOf, SERVER_CELL_LIMIT, type SavedOutputs } from "@/app/_components/notebook/output-store";
import { jsonSize } from "@/lib/kernel/display/bounds";

afterEach(() => vi.unstubAllGlobals());

const saved = (text: string, ranAt: number, executionCount = 1): SavedOutputs => ({ outputs: [{ output_type: "stream", name: "stdout", text }], executionCount, codeHash: codeHash("x"), ranAt });

describe("kept outputs", () => {
  it("codeHash is FNV-1a 32 as 8 hex digits and tells code apart", () => {
    expect(codeHash("")).toBe("811c9dc5");
    expect(codeHash("a")).toBe("e40c292c");
    expect(codeHash("x = 1")).not.toBe(codeHash("x = 2"));
  });

  it("a lesson keeps its newest runs within its limit; the oldest are forgotten first", () => {
    const cells = { a: saved("a".repeat(400), 1), b: saved("b".repeat(400), 3), c: saved("c".repeat(400), 2) };
    const kept = boundLesson(cells, 1000);
    expect(Object.keys(kept).sort()).toEqual(["b", "c"]);
    expect(jsonSize(Object.values(kept).map((cell) => cell.outputs))).toBeLessThanOrEqual(1000);
  });

  it("between this browser and the server, each cell's newest run wins", () => {
    expect(newestOf({ a: saved("local", 5), b: saved("local", 1) }, { a: saved("server", 4), b: saved("server", 2), c: saved("server", 1) })).toEqual({
      a: saved("local", 5),
      b: saved("server", 2),
      c: saved("server", 1),
    });
  });
});

describe("OutputStore", () => {
  const signedIn = { username: "ada", role: "learner", anonymous: false };
  const anonymous = { username: null, role: "learner", anonymous: true };

  /** Answers /api/account with `user` and the outputs API with `status`; returns the outputs API's calls. */
  function fakeServer(user: object | null, status: number, cells: unknown[] = []) {
    const calls: { url: string; method: string; body?: string }[] = [];
    vi.stubGlobal(
      "fetch",
      vi.fn(async (url: string, init: RequestInit = {}) => {
        if (url === "/api/account") return new Response(JSON.stringify({ user }), { status: 200 });
        calls.push({ url, method: init.method ?? "GET", body: init.body as string | undefined });
        return new Response(JSON.stringify(status === 200 ? { cells } : { error: "x" }), { status });
      }),
    );
    return calls;
  }

  /** The store's module loaded afresh: the account is asked once per page load (a module-level promise). */
  async function freshModule() {
    vi.resetModules();
    return import("@/app/_components/notebook/output-store");
  }

  it("restores the server's copy for a signed-in learner and sends each run, bounded for the server", async () => {
    const calls = fakeServer(signedIn, 200, [{ cellId: "make", ...saved("from another device", 10, 4) }]);
    const { OutputStore } = await freshModule();
    const store = new OutputStore("first-look-at-tensors");
    expect(await store.restored("make")).toEqual(saved("from another device", 10, 4));
    store.save("grad", { ...saved("y".repeat(3 * SERVER_CELL_LIMIT), 20), executionCount: 2 });
    await vi.waitFor(() => expect(calls.some((call) => call.method === "PUT")).toBe(true));
    const put = calls.find((call) => call.method === "PUT")!;
    expect(put.url).toBe("/api/lessons/first-look-at-tensors/outputs/grad");
    expect(put.body!.length).toBeLessThan(SERVER_CELL_LIMIT + 1000);
    expect(JSON.parse(put.body!).outputs.at(-1).text).toMatch(/output cut/);
    // This page keeps the whole (locally bounded) outputs.
    expect((await store.restored("grad"))?.outputs[0]).toMatchObject({ text: "y".repeat(3 * SERVER_CELL_LIMIT) });
  });

  it("an anonymous learner's outputs stay in this browser: the outputs API is never asked", async () => {
    const calls = fakeServer(anonymous, 200, [{ cellId: "make", ...saved("not theirs", 10, 4) }]);
    const { OutputStore } = await freshModule();
    const store = new OutputStore("first-look-at-tensors");
    expect(await store.restored("make")).toBeUndefined();
    store.save("make", saved("mine", 1));
    expect((await store.restored("make"))?.outputs[0]).toMatchObject({ text: "mine" });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(calls).toEqual([]);
  });

  it("a server that refuses a signed-in learner's outputs (403) is not sent runs after", async () => {
    const calls = fakeServer(signedIn, 403);
    const { OutputStore } = await freshModule();
    const store = new OutputStore("first-look-at-tensors");
    await store.restored("make");
    store.save("make", saved("mine", 1));
    store.forget("make");
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(calls.map((call) => call.method)).toEqual(["GET"]);
    expect(await store.restored("make")).toBeUndefined();
  });
});
