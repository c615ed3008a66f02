import { describe, expect, it } from "vitest";
import { elapsedLabel, pollDelayMs, waitingText } from "@/app/_components/exercise/submission-status";

describe("what the page says while a submission waits for the grader", () => {
  it("shows the queue position, or that grading runs, with no explanation in the first minute", () => {
    expect(waitingText("queued", 3, 5_000)).toEqual({ line: "The grader is busy: your submission is queued (position 3).", explanation: null });
    expect(waitingText("running", null, 59_999)).toEqual({ line: "Grading…", explanation: null });
  });

  it("explains a long wait in plain words: how many are ahead, or that checks may run to the time limit", () => {
    expect(waitingText("queued", 4, 60_000).explanation).toMatch(/^3 submissions are still ahead of yours: .*takes turns between learners.*keeps checking/);
    expect(waitingText("queued", 2, 61_000).explanation).toMatch(/^1 submission is still ahead of yours/);
    expect(waitingText("queued", 1, 90_000).explanation).toMatch(/^Yours is next/);
    expect(waitingText("running", null, 75_000).explanation).toMatch(/still being graded.*train a model can run until the time limit/);
  });

  it("polls every second, then every two seconds after 20 s; shows whole seconds", () => {
    expect([0, 19_999, 20_000, 120_000].map(pollDelayMs)).toEqual([1_000, 1_000, 2_000, 2_000]);
    expect(elapsedLabel(12_900)).toBe("12 s");
  });
});
