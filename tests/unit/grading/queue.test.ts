import { afterEach, describe, expect, it, vi } from "vitest";
import { createGradingQueue, type QueueOptions } from "@/lib/grading/queue";

/**
 * A queue whose jobs are fake: each payload names a job, `run` records that it started and
 * waits until the test finishes (or fails) it.
 */
function harness(options: Partial<QueueOptions<string, string>> = {}) {
  const started: string[] = [];
  const pending = new Map<string, { resolve: (value: string) => void; reject: (error: Error) => void }>();
  const queue = createGradingQueue<string, string>({
    run: (payload) =>
      new Promise<string>((resolve, reject) => {
        started.push(payload);
        pending.set(payload, { resolve, reject });
      }),
    concurrency: 1,
    maxPerClient: 10,
    maxWaiting: 100,
    ...options,
  });
  const ids = new Map<string, string>();
  /** Enqueues job `name` for learner `name` from `client`; expects it to be accepted. */
  const add = (name: string, client: string) => {
    const answer = queue.enqueue({ learner: `learner-${name}`, client }, name);
    if (!answer.ok) throw new Error(`${name} refused: ${answer.message}`);
    ids.set(name, answer.job.id);
    return answer.job;
  };
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  const finish = async (name: string) => {
    pending.get(name)!.resolve(`graded ${name}`);
    await settle();
  };
  const fail = async (name: string) => {
    pending.get(name)!.reject(new Error(`${name} blew up`));
    await settle();
  };
  const view = (name: string) => queue.status(ids.get(name)!, `learner-${name}`);
  const positions = (...names: string[]) => Object.fromEntries(names.map((name) => [name, view(name)?.position ?? null]));
  return { queue, started, add, finish, fail, view, positions, ids };
}

afterEach(() => vi.restoreAllMocks());

describe("grading queue: fair order", () => {
  it("serves waiting jobs round-robin across addresses and in order within one, with live positions", async () => {
    const q = harness();
    q.add("a1", "10.0.0.1");
    q.add("a2", "10.0.0.1");
    q.add("a3", "10.0.0.1");
    q.add("a4", "10.0.0.1");
    const b1 = q.add("b1", "10.0.0.2");
    q.add("c1", "10.0.0.3");
    q.add("b2", "10.0.0.2");
    expect(q.started).toEqual(["a1"]);
    expect(q.view("a1")).toMatchObject({ status: "running", position: null });
    // B's first job waits behind one job of A's backlog, not three.
    expect(b1).toMatchObject({ status: "queued", position: 2 });
    expect(q.positions("a2", "b1", "c1", "a3", "b2", "a4")).toEqual({ a2: 1, b1: 2, c1: 3, a3: 4, b2: 5, a4: 6 });

    await q.finish("a1");
    expect(q.positions("a2", "b1", "c1", "a3", "b2", "a4")).toEqual({ a2: null, b1: 1, c1: 2, a3: 3, b2: 4, a4: 5 });
    for (const name of ["a2", "b1", "c1", "a3", "b2", "a4"]) await q.finish(name);
    expect(q.started).toEqual(["a1", "a2", "b1", "c1", "a3", "b2", "a4"]);
  });

  it("lets an address that joins later go ahead of another address's backlog", async () => {
    const q = harness();
    for (const name of ["a1", "a2", "a3", "a4"]) q.add(name, "10.0.0.1");
    await q.finish("a1");
    // a2 runs; a3 and a4 wait. A newcomer is next after a3 at most, never behind a4.
    expect(q.add("n1", "10.0.0.9").position).toBe(2);
    expect(q.positions("a3", "n1", "a4")).toEqual({ a3: 1, n1: 2, a4: 3 });
  });

  it("runs up to `concurrency` jobs at once", async () => {
    const q = harness({ concurrency: 2 });
    for (const name of ["a1", "a2", "a3"]) q.add(name, `10.0.0.${name}`);
    expect(q.started).toEqual(["a1", "a2"]);
    expect(q.view("a3")).toMatchObject({ status: "queued", position: 1 });
    await q.finish("a2");
    expect(q.started).toEqual(["a1", "a2", "a3"]);
  });
});

describe("grading queue: limits", () => {
  it("allows one job queued-or-running per learner (429), again once it is finished", async () => {
    const q = harness();
    q.add("a1", "10.0.0.1");
    const again = q.queue.enqueue({ learner: "learner-a1", client: "10.0.0.5" }, "a1-again");
    expect(again).toMatchObject({ ok: false, status: 429 });
    expect(again.ok || again.message).toMatch(/previous submission is still being graded/);
    await q.finish("a1");
    expect(q.queue.enqueue({ learner: "learner-a1", client: "10.0.0.5" }, "a1-again")).toMatchObject({ ok: true });
  });

  it("allows at most maxPerClient jobs queued-or-running per address (429), counting the running one", async () => {
    const q = harness({ maxPerClient: 2 });
    q.add("a1", "10.0.0.1");
    q.add("a2", "10.0.0.1");
    const third = q.queue.enqueue({ learner: "learner-a3", client: "10.0.0.1" }, "a3");
    expect(third).toMatchObject({ ok: false, status: 429 });
    expect(third.ok || third.message).toMatch(/address already has 2 submissions being graded/);
    expect(third.ok || third.retryAfterSeconds).toBeUndefined();
    // Another address is not affected, and the refused job was never queued.
    expect(q.add("b1", "10.0.0.2").position).toBe(2);
    await q.finish("a1");
    expect(q.add("a3", "10.0.0.1")).toMatchObject({ status: "queued" });
  });

  it("refuses new jobs beyond maxWaiting with 503, a message and a Retry-After, and takes them again when there is room", async () => {
    const q = harness({ maxWaiting: 2 });
    q.add("a1", "10.0.0.1"); // running, does not count as waiting
    q.add("b1", "10.0.0.2");
    q.add("c1", "10.0.0.3");
    const refused = q.queue.enqueue({ learner: "learner-d1", client: "10.0.0.4" }, "d1");
    expect(refused).toMatchObject({ ok: false, status: 503 });
    if (refused.ok) throw new Error("unreachable");
    expect(refused.message).toMatch(/grader is very busy \(2 submissions waiting\)/);
    expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(5);
    expect(refused.message).toContain(`${refused.retryAfterSeconds} seconds`);
    await q.finish("a1");
    expect(q.add("d1", "10.0.0.4")).toMatchObject({ status: "queued", position: 2 });
  });

  it("rejects a configuration that would never run anything", () => {
    const run = async () => "x";
    expect(() => createGradingQueue({ run, concurrency: 0, maxPerClient: 1, maxWaiting: 1 })).toThrow(/concurrency must be a positive integer/);
    expect(() => createGradingQueue({ run, concurrency: 1, maxPerClient: 1.5, maxWaiting: 1 })).toThrow(/maxPerClient/);
  });
});

describe("grading queue: results", () => {
  it("keeps a finished job's result for its owner only, for keepFinishedMs", async () => {
    let clock = 1_000;
    const q = harness({ now: () => clock, keepFinishedMs: 60_000 });
    const job = q.add("a1", "10.0.0.1");
    expect(job).toMatchObject({ status: "running", queuedAt: 1_000, startedAt: 1_000, finishedAt: null, payload: "a1" });
    clock = 4_000;
    await q.finish("a1");
    expect(q.view("a1")).toMatchObject({ status: "done", position: null, result: "graded a1", startedAt: 1_000, finishedAt: 4_000 });
    expect(q.queue.status(job.id, "learner-someone-else")).toBeNull();
    expect(q.queue.status("no-such-id", "learner-a1")).toBeNull();
    clock = 4_000 + 59_000;
    expect(q.view("a1")?.status).toBe("done");
    clock = 4_000 + 61_000;
    expect(q.view("a1")).toBeNull();
  });

  it("keeps at most maxFinished finished jobs, forgetting the oldest", async () => {
    const q = harness({ maxFinished: 2 });
    for (const name of ["a1", "a2", "a3"]) {
      q.add(name, "10.0.0.1");
      await q.finish(name);
    }
    expect(q.view("a1")).toBeNull();
    expect(q.view("a2")?.result).toBe("graded a2");
    expect(q.view("a3")?.result).toBe("graded a3");
  });

  it("marks a job that throws as failed, frees its slot and its learner, and starts the next", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const q = harness({ maxPerClient: 2 });
    q.add("a1", "10.0.0.1");
    q.add("a2", "10.0.0.1");
    await q.fail("a1");
    expect(q.view("a1")).toMatchObject({ status: "failed", position: null });
    expect(q.view("a1")).not.toHaveProperty("result");
    expect(String(logged.mock.calls[0])).toMatch(/a1 blew up/);
    expect(q.started).toEqual(["a1", "a2"]);
    expect(q.queue.enqueue({ learner: "learner-a1", client: "10.0.0.1" }, "a1-retry")).toMatchObject({ ok: true, job: { status: "queued", position: 1 } });
  });

  it("waitFor answers as soon as the job finishes, or with the current view when time is up", async () => {
    const q = harness();
    q.add("a1", "10.0.0.1");
    q.add("b1", "10.0.0.2");
    const timedOut = await q.queue.waitFor(q.ids.get("b1")!, "learner-b1", 20);
    expect(timedOut).toMatchObject({ status: "queued", position: 1 });
    const waiting = q.queue.waitFor(q.ids.get("a1")!, "learner-a1", 60_000);
    await q.finish("a1");
    await expect(waiting).resolves.toMatchObject({ status: "done", result: "graded a1" });
    await expect(q.queue.waitFor(q.ids.get("b1")!, "learner-other", 10)).resolves.toBeNull();
  });
});

describe("the client key the queue shares by", () => {
  it("is the address for IPv4 and 'unknown', and the /64 prefix for IPv6", async () => {
    const { clientKey } = await import("@/lib/grading/client-key");
    expect(clientKey("203.0.113.7")).toBe("203.0.113.7");
    expect(clientKey("unknown")).toBe("unknown");
    expect(clientKey("2001:db8:0:1:aaaa:bbbb:cccc:dddd")).toBe("2001:db8:0:1::/64");
    expect(clientKey("2001:0db8:0000:0001::1")).toBe("2001:db8:0:1::/64");
    expect(clientKey("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(clientKey("::1")).toBe("0:0:0:0::/64");
    expect(clientKey("fe80::1%eth0")).toBe("fe80:0:0:0::/64");
    expect(clientKey("::ffff:192.0.2.1")).toBe("0:0:0:0::/64");
    // Two addresses of one /64 are one client; another /64 is another.
    expect(clientKey("2001:db8:0:1::aaaa")).toBe(clientKey("2001:db8:0:1:ffff::1"));
    expect(clientKey("2001:db8:0:2::1")).not.toBe(clientKey("2001:db8:0:1::1"));
  });
});
