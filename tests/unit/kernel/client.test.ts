import { afterEach, describe, expect, it, vi } from "vitest";
import { KernelClient, START_RETRY_DELAYS_MS, type KernelStatus } from "@/lib/kernel/client";
import type { KernelToPage, PageToKernel } from "@/lib/kernel/protocol";

/** Stands in for the browser's Worker: records what the page sends, lets the test answer. */
class FakeWorker {
  static created: FakeWorker[] = [];
  sent: PageToKernel[] = [];
  terminated = false;
  onmessage: ((event: MessageEvent<KernelToPage>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  constructor() {
    FakeWorker.created.push(this);
  }
  postMessage(message: PageToKernel) {
    this.sent.push(message);
  }
  terminate() {
    this.terminated = true;
  }
  reply(message: KernelToPage) {
    this.onmessage?.({ data: message } as MessageEvent<KernelToPage>);
  }
}

function newClient() {
  FakeWorker.created = [];
  const statuses: [KernelStatus, string | undefined][] = [];
  const client = new KernelClient(() => new FakeWorker() as unknown as Worker);
  client.onStatus((status, notice) => statuses.push([status, notice]));
  return { client, statuses, worker: () => FakeWorker.created.at(-1)! };
}

describe("KernelClient", () => {
  it("routes a cell's messages to it and resolves with the reply", async () => {
    const { client, worker } = newClient();
    const seen: string[] = [];
    const done = client.execute("c1", "1 + 1", { onMessage: (m) => seen.push(m.type) });
    const request = worker().sent.find((m) => m.type === "execute_request");
    expect(request).toMatchObject({ cell_id: "c1", code: "1 + 1", time_budget_ms: 300_000 });
    const id = request!.type === "execute_request" ? request!.msg_id : "";
    worker().reply({ type: "status", execution_state: "busy", parent_id: id });
    worker().reply({ type: "execute_result", parent_id: id, execution_count: 1, data: { "text/plain": "2" } });
    worker().reply({ type: "stream", parent_id: "someone-else", name: "stdout", text: "not mine" });
    worker().reply({ type: "execute_reply", parent_id: id, status: "ok", execution_count: 1, duration_ms: 3, declared_names: [] });
    expect((await done).status).toBe("ok");
    expect(seen).toEqual(["status", "execute_result", "execute_reply"]);
    expect(client.status).toBe("busy");
  });

  it("without cross-origin isolation, Interrupt restarts the worker and says why", async () => {
    const { client, statuses, worker } = newClient();
    const first = worker();
    const outputs: KernelToPage[] = [];
    const done = client.execute("c1", "while (true) {}", { onMessage: (m) => outputs.push(m) });
    expect(client.canInterruptInPlace).toBe(false);
    expect(client.interrupt()).toBe("restarted");
    expect(first.terminated).toBe(true);
    expect(FakeWorker.created).toHaveLength(2);
    expect((await done).status).toBe("error");
    expect(outputs[0]).toMatchObject({ type: "error", ename: "KernelRestarted" });
    expect(statuses.at(-1)?.[1]).toContain("cannot interrupt in place");
  });

  it("a crashed worker ends its cells with a clear error and is replaced", async () => {
    const { client, statuses, worker } = newClient();
    worker().reply({ type: "status", execution_state: "idle" });
    const outputs: KernelToPage[] = [];
    const done = client.execute("c1", "x", { onMessage: (m) => outputs.push(m) });
    worker().onerror?.({ message: "boom", preventDefault() {} } as ErrorEvent);
    expect((await done).status).toBe("error");
    expect(outputs[0]).toMatchObject({ type: "error", ename: "KernelDied", evalue: expect.stringContaining("crashed (boom)") });
    expect(statuses.some(([status]) => status === "dead")).toBe(true);
    expect(FakeWorker.created).toHaveLength(2);
    expect(client.status).toBe("starting");
  });

  describe("a worker that fails before it ever says idle (its script did not load)", () => {
    afterEach(() => vi.useRealTimers());
    const fail = (w: FakeWorker) => w.onerror?.({ message: "", preventDefault() {} } as ErrorEvent);

    it("is retried after growing waits, then left down with a clear notice, not restarted in a loop", () => {
      vi.useFakeTimers();
      const { client, statuses, worker } = newClient();
      for (const [attempt, wait] of START_RETRY_DELAYS_MS.entries()) {
        fail(worker());
        expect(client.status).toBe("dead");
        expect(statuses.at(-1)?.[1]).toContain(`could not start. Trying again in ${wait / 1000} s`);
        vi.advanceTimersByTime(wait - 1);
        expect(FakeWorker.created).toHaveLength(attempt + 1);
        vi.advanceTimersByTime(1);
        expect(FakeWorker.created).toHaveLength(attempt + 2);
        expect(client.status).toBe("starting");
      }
      fail(worker());
      expect(client.status).toBe("dead");
      expect(statuses.at(-1)?.[1]).toMatch(/could not start, 6 times in a row.*Restart kernel or reload/);
      vi.advanceTimersByTime(10 * 60_000);
      expect(FakeWorker.created).toHaveLength(START_RETRY_DELAYS_MS.length + 1);
    });

    it("Restart and Run try again at once, and a worker that starts resets the count", async () => {
      vi.useFakeTimers();
      const { client, worker } = newClient();
      for (let i = 0; i <= START_RETRY_DELAYS_MS.length; i++) {
        fail(worker());
        vi.runOnlyPendingTimers();
      }
      const given = FakeWorker.created.length;
      client.restart();
      expect(FakeWorker.created).toHaveLength(given + 1);
      fail(worker());
      expect(client.status).toBe("dead");
      const done = client.execute("c1", "1", { onMessage: () => {} });
      expect(FakeWorker.created).toHaveLength(given + 2);
      worker().reply({ type: "status", execution_state: "idle" });
      const request = worker().sent.find((m) => m.type === "execute_request");
      worker().reply({ type: "execute_reply", parent_id: request!.type === "execute_request" ? request!.msg_id : "", status: "ok", execution_count: 1, duration_ms: 1, declared_names: [] });
      expect((await done).status).toBe("ok");
      // Started once: a later failure to start is the first of a new run of waits.
      client.restart();
      fail(worker());
      expect(client.status).toBe("dead");
      const before = FakeWorker.created.length;
      vi.advanceTimersByTime(START_RETRY_DELAYS_MS[0]);
      expect(FakeWorker.created).toHaveLength(before + 1);
    });

    it("a crash after the kernel started still restarts it at once", () => {
      vi.useFakeTimers();
      const { client, worker } = newClient();
      worker().reply({ type: "status", execution_state: "idle" });
      fail(worker());
      expect(FakeWorker.created).toHaveLength(2);
      expect(client.status).toBe("starting");
    });
  });
});
