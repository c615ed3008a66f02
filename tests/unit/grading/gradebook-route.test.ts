import { beforeAll, describe, expect, it } from "vitest";
import { jsonRequest, createFreshDatabase, learnerCookie } from "../api/test-database";

createFreshDatabase();

const { GET } = await import("@/app/api/instructor/gradebook/route");
const submit = (await import("@/app/api/exercises/[slug]/[exerciseId]/submit/route")).POST;
const hint = (await import("@/app/api/exercises/[slug]/[exerciseId]/hint/route")).POST;
const { createAccount } = await import("@/lib/auth/accounts");

const LESSON = "first-look-at-tensors";
const EXERCISE = "row-means";
const params = { params: Promise.resolve({ slug: LESSON, exerciseId: EXERCISE }) };
const anonymous = "eeeeeeee-5555-4555-8555-555555555555";
const anonCookie = learnerCookie(anonymous);

/** A real better-auth session cookie for a new account. */
async function sessionCookie(username: string, role: "learner" | "instructor"): Promise<string> {
  const created = await createAccount(username, "correct horse battery", new Headers(), role);
  if (!created.ok) throw new Error(created.message);
  return created.headers
    .getSetCookie()
    .map((cookie) => cookie.split(";")[0])
    .join("; ");
}

const gradebookRequest = (cookie?: string, query = "") => new Request(`http://localhost/api/instructor/gradebook${query}`, { headers: cookie ? { cookie } : {} });

describe("GET /api/instructor/gradebook", () => {
  let instructor = "";
  let learner = "";

  beforeAll(async () => {
    instructor = await sessionCookie("teacher", "instructor");
    learner = await sessionCookie("student", "learner");
    // One signed-in learner passes; one anonymous learner fails twice and takes a hint.
    await submit(jsonRequest(`/api/exercises/${LESSON}/${EXERCISE}/submit`, "POST", { code: "function row_means(t) { return t.mean(1); }" }, learner), params);
    for (let i = 0; i < 2; i++) {
      await submit(jsonRequest(`/api/exercises/${LESSON}/${EXERCISE}/submit`, "POST", { code: "function row_means(t) { return t.sum(1); }" }, anonCookie), params);
    }
    await hint(jsonRequest(`/api/exercises/${LESSON}/${EXERCISE}/hint`, "POST", { hint: 1 }, anonCookie), params);
  });

  it("answers 403 to a signed-in learner and to an anonymous learner, 401 without identity", async () => {
    expect((await GET(gradebookRequest(learner), {})).status).toBe(403);
    expect((await GET(gradebookRequest(anonCookie), {})).status).toBe(403);
    expect((await GET(gradebookRequest(), {})).status).toBe(401);
    expect((await GET(gradebookRequest(learner, "?format=csv"), {})).status).toBe(403);
  });

  it("gives an instructor learners by exercises with best score, attempts, hints and pass rate", async () => {
    const response = await GET(gradebookRequest(instructor), {});
    expect(response.status).toBe(200);
    const { exercises, learners } = await response.json();
    const rowMeans = exercises.find((e: { key: string }) => e.key === `${LESSON}/${EXERCISE}`);
    expect(rowMeans).toMatchObject({ attempted: 2, passedBy: 1, passRate: 0.5, points: 1 });
    const student = learners.find((l: { username: string | null }) => l.username === "student");
    expect(student.cells[`${LESSON}/${EXERCISE}`]).toMatchObject({ bestScore: 1, passed: true, attempts: 1, hintsUsed: 0, solutionViewed: false, lastStatus: "graded" });
    const anon = learners.find((l: { userId: string }) => l.userId === anonymous);
    expect(anon.cells[`${LESSON}/${EXERCISE}`]).toMatchObject({ passed: false, attempts: 2, hintsUsed: 1 });
    expect(anon.cells[`${LESSON}/${EXERCISE}`].bestScore).toBeLessThan(1);
    expect(learners.some((l: { username: string | null }) => l.username === "teacher")).toBe(false);
  });

  it("exports CSV with one row per learner and exercise, and the pass rates", async () => {
    const response = await GET(gradebookRequest(instructor, "?format=csv"), {});
    expect(response.headers.get("content-type")).toMatch(/text\/csv/);
    expect(response.headers.get("content-disposition")).toMatch(/attachment; filename="gradebook-\d{4}-\d\d-\d\d\.csv"/);
    const lines = (await response.text()).split("\n");
    expect(lines[0]).toBe("learner,user_id,lesson,exercise,best_score,max_score,passed,attempts,hints_used,solution_viewed,last_submission,last_status");
    expect(lines.find((line) => line.startsWith("student,"))).toMatch(new RegExp(`^student,[^,]+,${LESSON},${EXERCISE},1,1,true,1,0,false,\\d{4}-.*,graded$`));
    expect(lines).toContain(`${LESSON},${EXERCISE},2,1,0.500`);
  });

  it("rejects an unknown format with 400", async () => {
    const response = await GET(gradebookRequest(instructor, "?format=xml"), {});
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatch(/format/);
  });
});
