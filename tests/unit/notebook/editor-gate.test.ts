import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

// The latch is page-wide module state: each test loads a fresh copy of the module.
async function freshGate() {
  vi.resetModules();
  return import("@/app/_components/notebook/editor-gate");
}

describe("the editors' latch (Monaco loads once the page is usable)", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it("starts closed and opens at once when a learner reaches for an editor", async () => {
    const gate = await freshGate();
    expect(gate.editorsOpen()).toBe(false);
    gate.openEditors();
    expect(gate.editorsOpen()).toBe(true);
  });

  it("opens only when the main thread is idle, with a deadline, and schedules one callback however often it is asked", async () => {
    const idle: { callback: () => void; options?: { timeout?: number } }[] = [];
    vi.stubGlobal("requestIdleCallback", (callback: () => void, options?: { timeout?: number }) => idle.push({ callback, options }));
    const gate = await freshGate();
    gate.openEditorsWhenIdle();
    gate.openEditorsWhenIdle();
    expect(gate.editorsOpen()).toBe(false);
    expect(idle).toHaveLength(1);
    expect(idle[0].options?.timeout).toBe(gate.IDLE_TIMEOUT_MS);
    idle[0].callback();
    expect(gate.editorsOpen()).toBe(true);
  });

  it("without requestIdleCallback (Safari), opens on the next task", async () => {
    vi.stubGlobal("requestIdleCallback", undefined);
    const gate = await freshGate();
    gate.openEditorsWhenIdle();
    expect(gate.editorsOpen()).toBe(false);
    vi.runAllTimers();
    expect(gate.editorsOpen()).toBe(true);
  });

  it("never closes again: asking to open when idle after it opened (a kernel restart) changes nothing", async () => {
    const idle: (() => void)[] = [];
    vi.stubGlobal("requestIdleCallback", (callback: () => void) => idle.push(callback));
    const gate = await freshGate();
    gate.openEditors();
    gate.openEditorsWhenIdle();
    expect(idle).toHaveLength(0);
    expect(gate.editorsOpen()).toBe(true);
  });
});
