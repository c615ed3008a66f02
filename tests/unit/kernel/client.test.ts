import { describe, expect, it } from "vitest";
import { KernelClient, type KernelStatus } from "@/lib/kernel/client";
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
    const outputs: KernelToPage[] = [];
    const done = client.execute("c1", "x", { onMessage: (m) => outputs.push(m) });
    worker().onerror?.({ message: "boom", preventDefault() {} } as ErrorEvent);
    expect((await done).status).toBe("error");
    expect(outputs[0]).toMatchObject({ type: "error", ename: "KernelDied", evalue: expect.stringContaining("crashed (boom)") });
    expect(statuses.some(([status]) => status === "dead")).toBe(true);
    expect(FakeWorker.created).toHaveLength(2);
    expect(client.status).toBe("starting");
  });
});
