import { beforeAll, describe, expect, it } from "vitest";
import { jsonRequest, createFreshDatabase, learnerCookie } from "../api/test-database";

createFreshDatabase();
// Submit answers with the grade (200) when grading ends within this wait, else 202 and a poll:
// wait long enough on a loaded machine that every submission here is graded when it answers.
process.env.GRADER_SUBMIT_WAIT_MS = "60000";

const { GET } = await import("@/app/api/instructor/gradebook/route");
const submit = (await import("@/app/api/exercises/[slug]/[exerciseId]/submit/route")).POST;
const hint = (await import("@/app/api/exercises/[slug]/[exerciseId]/hint/route")).POST;
const solution = (await import("@/app/api/exercises/[slug]/[exerciseId]/solution/route")).POST;
const { prisma } = await import("@/lib/db/client");
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

const PASSING = "function row_means(t) { return t.mean(1); }";
const submitAs = (cookie: string, code = PASSING) => submit(jsonRequest(`/api/exercises/${LESSON}/${EXERCISE}/submit`, "POST", { code }, cookie), params);
const viewSolutionAs = (cookie: string) => solution(jsonRequest(`/api/exercises/${LESSON}/${EXERCISE}/solution`, "POST", { early: true }, cookie), params);

const gradebookRequest = (cookie?: string, query = "") => new Request(`http://localhost/api/instructor/gradebook${query}`, { headers: cookie ? { cookie } : {} });

describe("GET /api/instructor/gradebook", () => {
  let instructor = "";
  let learner = "";
  let peeker = "";
  let checker = "";

  beforeAll(async () => {
    instructor = await sessionCookie("teacher", "instructor");
    learner = await sessionCookie("student", "learner");
    // One signed-in learner passes; one anonymous learner fails twice and takes a hint.
    await submit(jsonRequest(`/api/exercises/${LESSON}/${EXERCISE}/submit`, "POST", { code: "function row_means(t) { return t.mean(1); }" }, learner), params);
    for (let i = 0; i < 2; i++) {
      await submit(jsonRequest(`/api/exercises/${LESSON}/${EXERCISE}/submit`, "POST", { code: "function row_means(t) { return t.sum(1); }" }, anonCookie), params);
    }
    await hint(jsonRequest(`/api/exercises/${LESSON}/${EXERCISE}/hint`, "POST", { hint: 1 }, anonCookie), params);
    // One learner opens the solution, then passes; another passes, then opens the solution.
    peeker = await sessionCookie("peeker", "learner");
    expect((await viewSolutionAs(peeker)).status).toBe(200);
    expect((await (await submitAs(peeker)).json()).result.passed).toBe(true);
    checker = await sessionCookie("checker", "learner");
    expect((await (await submitAs(checker)).json()).result.passed).toBe(true);
    expect((await viewSolutionAs(checker)).status).toBe(200);
    // Five gradings and four password hashes on a shared machine: more than the default hook time.
  }, 120_000);

  const cellOf = (learners: { username: string | null; cells: Record<string, unknown> }[], username: string) => learners.find((l) => l.username === username)?.cells[`${LESSON}/${EXERCISE}`];

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
    expect(rowMeans).toMatchObject({ attempted: 4, passedBy: 3, passRate: 0.75, passedCleanBy: 2, cleanPassRate: 0.5, points: 1 });
    expect(cellOf(learners, "student")).toMatchObject({ bestScore: 1, passed: true, passedAfterSolution: false, attempts: 1, hintsUsed: 0, solutionViewed: false, solutionViewedAt: null, lastStatus: "graded" });
    const anon = learners.find((l: { userId: string }) => l.userId === anonymous);
    expect(anon.cells[`${LESSON}/${EXERCISE}`]).toMatchObject({ passed: false, attempts: 2, hintsUsed: 1 });
    expect(anon.cells[`${LESSON}/${EXERCISE}`].bestScore).toBeLessThan(1);
    expect(learners.some((l: { username: string | null }) => l.username === "teacher")).toBe(false);
  });

  it("marks a pass made after viewing the solution apart from a pass followed by a look at the solution", async () => {
    const { learners } = await (await GET(gradebookRequest(instructor), {})).json();
    const peeked = cellOf(learners, "peeker") as { passed: boolean; passedAfterSolution: boolean; solutionViewedAt: string; firstPassedAt: string };
    expect(peeked).toMatchObject({ passed: true, passedAfterSolution: true, solutionViewed: true });
    expect(Date.parse(peeked.solutionViewedAt)).toBeLessThanOrEqual(Date.parse(peeked.firstPassedAt));
    const checked = cellOf(learners, "checker") as { solutionViewedAt: string; firstPassedAt: string };
    expect(checked).toMatchObject({ passed: true, passedAfterSolution: false, solutionViewed: true });
    expect(Date.parse(checked.solutionViewedAt)).toBeGreaterThan(Date.parse(checked.firstPassedAt));
  });

  it("keeps the first time the solution was viewed when it is viewed again", async () => {
    const { learners: before } = await (await GET(gradebookRequest(instructor), {})).json();
    const first = (cellOf(before, "checker") as { solutionViewedAt: string }).solutionViewedAt;
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await viewSolutionAs(checker)).status).toBe(200);
    const { learners: after } = await (await GET(gradebookRequest(instructor), {})).json();
    expect(cellOf(after, "checker")).toMatchObject({ solutionViewedAt: first, passedAfterSolution: false });
  });

  it("does not count a pass as clean when the solution was viewed at a time not recorded (rows from before the column)", async () => {
    const veteran = await sessionCookie("veteran", "learner");
    expect((await (await submitAs(veteran)).json()).result.passed).toBe(true);
    const { id } = await prisma.user.findUniqueOrThrow({ where: { username: "veteran" } });
    // What a solution view recorded before solutionViewedAt existed looks like after the migration.
    await prisma.exerciseState.updateMany({ where: { userId: id }, data: { solutionViewed: true, solutionViewedAt: null } });
    try {
      const { exercises, learners } = await (await GET(gradebookRequest(instructor), {})).json();
      expect(cellOf(learners, "veteran")).toMatchObject({ passed: true, passedAfterSolution: true, solutionViewedAt: null });
      expect(exercises.find((e: { key: string }) => e.key === `${LESSON}/${EXERCISE}`)).toMatchObject({ attempted: 5, passedBy: 4, passedCleanBy: 2 });
    } finally {
      await prisma.user.delete({ where: { id } });
    }
  });

  it("exports CSV with one row per learner and exercise, and the pass rates", async () => {
    const response = await GET(gradebookRequest(instructor, "?format=csv"), {});
    expect(response.headers.get("content-type")).toMatch(/text\/csv/);
    expect(response.headers.get("content-disposition")).toMatch(/attachment; filename="gradebook-\d{4}-\d\d-\d\d\.csv"/);
    const lines = (await response.text()).split("\n");
    expect(lines[0]).toBe(
      "learner,user_id,lesson,exercise,best_score,max_score,passed,passed_after_solution,attempts,hints_used,solution_viewed,solution_viewed_at,last_submission,last_status",
    );
    expect(lines.find((line) => line.startsWith("student,"))).toMatch(new RegExp(`^student,[^,]+,${LESSON},${EXERCISE},1,1,true,false,1,0,false,,\\d{4}-[^,]+,graded$`));
    expect(lines.find((line) => line.startsWith("peeker,"))).toMatch(new RegExp(`^peeker,[^,]+,${LESSON},${EXERCISE},1,1,true,true,1,0,true,\\d{4}-[^,]+,\\d{4}-[^,]+,graded$`));
    expect(lines.find((line) => line.startsWith("checker,"))).toMatch(new RegExp(`^checker,[^,]+,${LESSON},${EXERCISE},1,1,true,false,1,0,true,\\d{4}-[^,]+,\\d{4}-[^,]+,graded$`));
    expect(lines).toContain("lesson,exercise,learners_attempted,learners_passed,pass_rate,learners_passed_clean,clean_pass_rate");
    expect(lines).toContain(`${LESSON},${EXERCISE},4,3,0.750,2,0.500`);
  });

  it("rejects an unknown format with 400", async () => {
    const response = await GET(gradebookRequest(instructor, "?format=xml"), {});
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatch(/format/);
  });
});
