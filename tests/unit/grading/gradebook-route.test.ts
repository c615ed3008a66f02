import { beforeAll, describe, expect, it } from "vitest";
import { jsonRequest, createFreshDatabase, learnerCookie } from "../api/test-database";

createFreshDatabase();
// Submit answers with the grade (200) when grading ends within this wait, else 202 and a poll:
// wait long enough on a loaded machine that every submission here is graded when it answers.
process.env.GRADER_SUBMIT_WAIT_MS = "60000";

const { GET } = await import("@/app/api/instructor/gradebook/route");
const learnerRoute = (await import("@/app/api/instructor/learners/[learnerId]/route")).GET;
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
    const response = await GET(gradebookRequest(instructor, "?show=all"), {});
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

  it("says which lesson version each grade was earned on, and which version the best grade is from", async () => {
    // This lesson has not been revised: every grade so far is on version 1.
    const { learners: before } = await (await GET(gradebookRequest(instructor, "?show=all"), {})).json();
    expect(cellOf(before, "student")).toMatchObject({ lessonVersion: 1 });
    const versioned = await sessionCookie("reviser", "learner");
    expect((await (await submitAs(versioned)).json()).result.passed).toBe(true);
    const { id } = await prisma.user.findUniqueOrThrow({ where: { username: "reviser" } });
    // Rewrite history: that passing grade was earned on version 3, and a failing one later on version 4.
    await prisma.submission.updateMany({ where: { userId: id }, data: { lessonVersion: 3 } });
    const last = await prisma.submission.findFirstOrThrow({ where: { userId: id } });
    await prisma.submission.create({ data: { userId: id, lessonSlug: LESSON, exerciseId: EXERCISE, code: "x", score: 0, maxScore: 1, passed: false, status: "graded", results: "{}", lessonVersion: 4, createdAt: new Date(last.createdAt.getTime() + 1000) } });
    const { learners } = await (await GET(gradebookRequest(instructor, "?show=all"), {})).json();
    expect(cellOf(learners, "reviser")).toMatchObject({ bestScore: 1, lessonVersion: 3, lastSubmissionAt: new Date(last.createdAt.getTime() + 1000).toISOString() });
    await prisma.submission.deleteMany({ where: { userId: id } });
    await prisma.exerciseState.deleteMany({ where: { userId: id } });
  });

  it("marks a pass made after viewing the solution apart from a pass followed by a look at the solution", async () => {
    const { learners } = await (await GET(gradebookRequest(instructor, "?show=all"), {})).json();
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
      const { exercises, learners } = await (await GET(gradebookRequest(instructor, "?show=all"), {})).json();
      expect(cellOf(learners, "veteran")).toMatchObject({ passed: true, passedAfterSolution: true, solutionViewedAt: null });
      expect(exercises.find((e: { key: string }) => e.key === `${LESSON}/${EXERCISE}`)).toMatchObject({ attempted: 5, passedBy: 4, passedCleanBy: 2 });
    } finally {
      await prisma.user.delete({ where: { id } });
    }
  });

  it("exports the LMS CSV: one row per signed-up learner, one column per exercise and the total, one table", async () => {
    const response = await GET(gradebookRequest(instructor, "?format=csv"), {});
    expect(response.headers.get("content-type")).toMatch(/text\/csv/);
    expect(response.headers.get("content-disposition")).toMatch(/attachment; filename="gradebook-\d{4}-\d\d-\d\d\.csv"/);
    const lines = (await response.text()).trimEnd().split("\n");
    const header = lines[0].split(",");
    expect(header.slice(0, 4)).toEqual(["username", "name", "email", "user_id"]);
    expect(header).toContain(`${LESSON}/${EXERCISE} (1 pt)`);
    expect(header.at(-1)).toMatch(/^total \(\d+ pt\)$/);
    // No blank line and no second table: every row has the header's columns.
    for (const line of lines) expect(line.split(",")).toHaveLength(header.length);
    // Signed-up learners only by default (the guest and the instructor are not rows), sorted by name.
    expect(lines.slice(1).map((line) => line.split(",")[0])).toEqual(["checker", "peeker", "student"]);
    const column = header.indexOf(`${LESSON}/${EXERCISE} (1 pt)`);
    const student = lines.find((line) => line.startsWith("student,"))!.split(",");
    expect(student.slice(1, 3)).toEqual(["student", "student@users.gradbook.invalid"]);
    expect(student[column]).toBe("1");
    expect(student.at(-1)).toBe("1");
    // Every other exercise (never submitted) is an empty field, not 0: 4 identity columns, the total and row-means are filled.
    expect(student.filter((field, i) => i >= 4 && i < header.length - 1 && field === "")).toHaveLength(header.length - 6);
    const withGuests = (await (await GET(gradebookRequest(instructor, "?format=csv&show=all"), {})).text()).trimEnd().split("\n");
    const guest = withGuests.find((line) => line.split(",")[3] === anonymous)!.split(",");
    expect(guest[0]).toBe("");
    expect(Number(guest[column])).toBeLessThan(1);
  });

  it("exports a per-exercise summary CSV over the learners the view selects", async () => {
    const response = await GET(gradebookRequest(instructor, "?format=summary-csv"), {});
    expect(response.headers.get("content-disposition")).toMatch(/filename="gradebook-exercises-/);
    const lines = (await response.text()).trimEnd().split("\n");
    expect(lines[0]).toBe("lesson,exercise,title,max_score,learners_attempted,learners_passed,pass_rate,learners_passed_clean,clean_pass_rate,average_score,in_course");
    // student, peeker and checker submitted and passed; peeker's pass came after the solution.
    expect(lines.find((line) => line.startsWith(`${LESSON},${EXERCISE},`))).toMatch(new RegExp(`^${LESSON},${EXERCISE},[^,]+,1,3,3,1\\.000,2,0\\.667,1\\.000,true$`));
    const all = (await (await GET(gradebookRequest(instructor, "?format=summary-csv&show=all"), {})).text()).split("\n");
    expect(all.find((line) => line.startsWith(`${LESSON},${EXERCISE},`))).toMatch(/,1,4,3,0\.750,2,0\.500,/);
  });

  it("rejects an unknown format with 400", async () => {
    const response = await GET(gradebookRequest(instructor, "?format=xml"), {});
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatch(/format/);
  });
});

describe("GET /api/instructor/gradebook: paging, sorting, search and bad parameters", () => {
  let instructor = "";
  const COLUMN = `exercise:${LESSON}/${EXERCISE}`;

  beforeAll(async () => {
    instructor = await sessionCookie("teacher2", "instructor");
    // 60 signed-up learners seeded straight into the tables (grading 60 submissions would take minutes):
    // bulk00..bulk59 with best score (i % 5) / 4; bulk07 also has a grade on an exercise no longer in the course.
    for (let i = 0; i < 60; i++) {
      const username = `bulk${String(i).padStart(2, "0")}`;
      const user = await prisma.user.create({ data: { id: `bulk-${i}`, username, name: `Bulk ${i}`, email: `${username}@school.example` } });
      const score = (i % 5) / 4;
      await prisma.submission.create({ data: { userId: user.id, lessonSlug: LESSON, exerciseId: EXERCISE, code: `// ${username}`, score, maxScore: 1, passed: score === 1, status: "graded", results: "{}" } });
      await prisma.exerciseState.create({ data: { userId: user.id, lessonSlug: LESSON, exerciseId: EXERCISE, attempts: 1 } });
    }
    await prisma.submission.create({ data: { userId: "bulk-7", lessonSlug: "retired-lesson", exerciseId: "old-exercise", code: "//", score: 2, maxScore: 3, passed: false, status: "graded", results: "{}" } });
  }, 60_000);

  const page = async (query: string) => {
    const response = await GET(gradebookRequest(instructor, query), {});
    expect(response.status).toBe(200);
    return (await response.json()) as { learners: { username: string | null; total: number; cells: Record<string, { bestScore: number }> }[]; matched: number; page: number; pageCount: number; exercises: { key: string; inCourse: boolean; points: number }[] };
  };

  it("sends one page of learners and how many match", async () => {
    const first = await page("?pageSize=25");
    expect(first).toMatchObject({ matched: 63, page: 1, pageCount: 3 });
    expect(first.learners).toHaveLength(25);
    expect(first.learners[0].username).toBe("bulk00");
    const last = await page("?pageSize=25&page=3");
    expect(last.learners.map((l) => l.username)).toEqual(["bulk50", "bulk51", "bulk52", "bulk53", "bulk54", "bulk55", "bulk56", "bulk57", "bulk58", "bulk59", "checker", "peeker", "student"]);
    // A page past the end is the last page.
    expect((await page("?pageSize=25&page=99")).page).toBe(3);
  });

  it("sorts by an exercise's score or the total, either way, ties by name", async () => {
    const desc = await page(`?sort=${COLUMN}&dir=desc&pageSize=100`);
    const scores = desc.learners.map((l) => l.cells[`${LESSON}/${EXERCISE}`]?.bestScore ?? -1);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(desc.learners[0].username).toBe("bulk04");
    const totals = (await page("?sort=total&dir=asc&pageSize=100")).learners.map((l) => l.total);
    expect(totals).toEqual([...totals].sort((a, b) => a - b));
    expect(totals[0]).toBe(0);
    // bulk07 has 0.5 + 2 from the retired exercise: the highest total.
    expect((await page("?sort=total&dir=desc")).learners[0].username).toBe("bulk07");
  });

  it("keeps grades of an exercise no longer in the course as a column of its own", async () => {
    const { exercises } = await page("");
    expect(exercises.at(-1)).toMatchObject({ key: "retired-lesson/old-exercise", inCourse: false, points: 3 });
  });

  it("searches names and emails, and shows guests only when asked", async () => {
    const found = await page("?q=BULK1");
    expect(found.learners.map((l) => l.username)).toEqual(["bulk10", "bulk11", "bulk12", "bulk13", "bulk14", "bulk15", "bulk16", "bulk17", "bulk18", "bulk19"]);
    expect((await page("?q=school.example")).matched).toBe(60);
    expect((await page("?q=nobody-like-this")).learners).toEqual([]);
    const guests = await page("?show=guests");
    expect(guests.learners.map((l) => l.username)).toEqual([null]);
    expect((await page("?show=all&pageSize=100")).matched).toBe(64);
  });

  it("answers 400 to malformed parameters and to sorting by an exercise the gradebook does not have", async () => {
    for (const query of ["?sort=bogus", "?sort=exercise:nope/nothing", "?pageSize=7", "?page=0", "?page=two", "?show=everyone", "?dir=up", "?extra=1", `?q=${"x".repeat(101)}`]) {
      const response = await GET(gradebookRequest(instructor, query), {});
      expect(response.status, query).toBe(400);
      expect((await response.json()).error, query).toMatch(/Invalid query/);
    }
  });

  it("is 403 for learners at any page or sort", async () => {
    const learner = await sessionCookie("student2", "learner");
    expect((await GET(gradebookRequest(learner, "?sort=total&page=2"), {})).status).toBe(403);
    expect((await GET(gradebookRequest(learner, "?format=summary-csv"), {})).status).toBe(403);
  });
});

describe("GET /api/instructor/learners/[learnerId]", () => {
  const get = (id: string, cookie?: string) => learnerRoute(new Request(`http://localhost/api/instructor/learners/${id}`, { headers: cookie ? { cookie } : {} }), { params: Promise.resolve({ learnerId: id }) });

  it("gives an instructor a learner's submissions with their code, newest first", async () => {
    const instructor = await sessionCookie("teacher3", "instructor");
    const { id } = await prisma.user.findUniqueOrThrow({ where: { username: "student" } });
    const response = await get(id, instructor);
    expect(response.status).toBe(200);
    const record = await response.json();
    expect(record.identity).toMatchObject({ userId: id, username: "student" });
    expect(record.submissions).toHaveLength(1);
    expect(record.submissions[0]).toMatchObject({ lessonSlug: LESSON, exerciseId: EXERCISE, passed: true, code: PASSING, lessonVersion: 1 });
    const guest = await (await get(anonymous, instructor)).json();
    expect(guest.submissions.map((s: { code: string }) => s.code)).toEqual(["function row_means(t) { return t.sum(1); }", "function row_means(t) { return t.sum(1); }"]);
  });

  it("is 404 for an unknown learner and for an instructor, 403 for a learner, 401 without identity", async () => {
    const instructor = await sessionCookie("teacher4", "instructor");
    expect((await get("no-such-learner", instructor)).status).toBe(404);
    const { id: teacherId } = await prisma.user.findUniqueOrThrow({ where: { username: "teacher4" } });
    expect((await get(teacherId, instructor)).status).toBe(404);
    const { id } = await prisma.user.findUniqueOrThrow({ where: { username: "student" } });
    expect((await get(id, anonCookie)).status).toBe(403);
    expect((await get(id)).status).toBe(401);
  });
});
