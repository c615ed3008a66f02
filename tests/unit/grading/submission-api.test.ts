import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

const learnerFetch = vi.hoisted(() => vi.fn<(url: string, init?: RequestInit) => Promise<Response>>());
vi.mock("@/app/_components/learner-fetch", () => ({ learnerFetch }));

const { RESEND_DELAY_MS, ServerUnreachableError, submitForGrading } = await import("@/app/_components/exercise/submission-api");

const ID = "0b9f3c59-6a0c-4d8e-9d0e-5b6f6f1f2a3b";
const graded = () => Response.json({ result: { passed: true, score: 1, checks: [] }, progress: { attempts: 1 }, submission: { id: ID } });
const sentBodies = () => learnerFetch.mock.calls.map(([, init]) => JSON.parse(String(init?.body)) as { code: string; submissionId: string });

beforeEach(() => {
  learnerFetch.mockReset();
  vi.useFakeTimers();
});
afterEach(() => vi.useRealTimers());

describe("submitForGrading when the POST gets no answer", () => {
  it("sends the same submission once more, only after a pause (a page being unloaded never resends)", async () => {
    learnerFetch.mockRejectedValueOnce(new TypeError("Failed to fetch")).mockResolvedValueOnce(graded());
    const answer = submitForGrading("lesson", "ex", "x = 1", ID);
    await vi.advanceTimersByTimeAsync(RESEND_DELAY_MS - 1);
    expect(learnerFetch).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    await expect(answer).resolves.toMatchObject({ kind: "graded", result: { passed: true } });
    expect(sentBodies()).toEqual([
      { code: "x = 1", submissionId: ID },
      { code: "x = 1", submissionId: ID },
    ]);
  });

  it("reports ServerUnreachableError (the submission may be on the server) when the resend is lost too", async () => {
    learnerFetch.mockRejectedValue(new TypeError("Failed to fetch"));
    const answer = submitForGrading("lesson", "ex", "x = 1", ID);
    const settled = expect(answer).rejects.toThrow(ServerUnreachableError);
    await vi.advanceTimersByTimeAsync(RESEND_DELAY_MS);
    await settled;
    await expect(answer).rejects.toThrow("Failed to fetch");
    expect(learnerFetch).toHaveBeenCalledTimes(2);
  });

  it("a refusal is not unreachability: the server's own message, no resend", async () => {
    learnerFetch.mockResolvedValue(Response.json({ error: "You already have a submission being graded" }, { status: 429 }));
    const failure = await submitForGrading("lesson", "ex", "x = 1", ID).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    expect(failure).not.toBeInstanceOf(ServerUnreachableError);
    expect((failure as Error).message).toBe("You already have a submission being graded");
    expect(learnerFetch).toHaveBeenCalledTimes(1);
  });
});
