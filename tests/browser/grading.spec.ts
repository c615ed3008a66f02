import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { expect, request as playwrightRequest, test, type APIRequestContext, type Page, type Request, type Response } from "@playwright/test";
import { cell, openLesson, runCell, TENSORS_LESSON } from "./notebook";
import { uniqueName } from "./unique";

const LESSON_SLUG = "first-look-at-tensors";
const EXERCISE = "row-means";
const SUBMIT = `/api/exercises/${LESSON_SLUG}/${EXERCISE}/submit`;
const WRONG = "function row_means(t) { return t.sum(1); }";
const CORRECT = "function row_means(t) { return t.sum(1).div(t.shape[1]); }";
/** A grade from the server: the grader may still be finishing another test's submissions, and CI is loaded. */
const GRADED = { timeout: 60_000 };

/**
 * The source lines of every hidden check and reference solution in the course, read from the
 * MDX files, less any line that also appears in the lesson's public text (a solution repeats
 * the starter's signature; that line is not a secret).
 */
function secretLines(): string[] {
  const lessonsDir = path.join(process.cwd(), "lessons");
  const secretBlock = /```(?:ts|typescript|tsx) (hidden|solution)[^\n]*\n([\s\S]*?)\n```/g;
  const sources = readdirSync(lessonsDir).filter((name) => name.endsWith(".mdx")).map((file) => readFileSync(path.join(lessonsDir, file), "utf8"));
  // A line that any lesson shows publicly (a cell, a visible check) is not a secret, in whichever lesson it also sits in a hidden check.
  const publicText = sources.map((mdx) => mdx.replace(secretBlock, "")).join("\n");
  const lines = new Set<string>();
  for (const mdx of sources) {
    for (const match of mdx.matchAll(secretBlock)) {
      for (const line of match[2].split("\n")) {
        const trimmed = line.trim();
        // Short lines ("}", "return x;") could occur anywhere; long ones are the check's own text.
        if (trimmed.length >= 16 && !publicText.includes(trimmed)) lines.add(trimmed);
      }
    }
  }
  return [...lines];
}

function exercise(page: Page) {
  return page.getByTestId(`exercise-${EXERCISE}`);
}

async function typeIntoExercise(page: Page, code: string): Promise<void> {
  const editor = exercise(page).locator(".monaco-editor");
  await editor.click();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("Delete");
  await page.keyboard.type(code);
  await expect.poll(async () => (await exercise(page).locator(".view-lines").innerText()).replace(/\u00a0/g, " ")).toContain("row_means");
}

/** A new anonymous learner: an API client holding a learner cookie minted by the server, as a page gets one. */
async function learnerContext(baseURL: string): Promise<APIRequestContext> {
  const context = await playwrightRequest.newContext({ baseURL });
  expect((await context.post("/api/learner")).status()).toBe(201);
  return context;
}

type Graded = { result: { status: string; passed: boolean; checks: { name: string; status: string; message: string }[] }; progress: Record<string, unknown> };

/**
 * The grade of a Submit from an API client: at once (200), or after the grader was busy (202) by
 * polling GET …/submit?submission=<id> as the page does.
 */
async function graded(context: APIRequestContext, response: Awaited<ReturnType<APIRequestContext["post"]>>): Promise<Graded> {
  const body = (await response.json()) as Graded & { submission: { id: string } };
  if (response.status() === 200) return body;
  expect(response.status(), JSON.stringify(body)).toBe(202);
  return gradedLater(context, body.submission.id);
}

async function gradedLater(context: APIRequestContext, id: string): Promise<Graded> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const polled = await (await context.get(`${SUBMIT}?submission=${id}`)).json();
    if (polled.submission.status === "done") return polled;
    expect(polled.submission.status).not.toBe("failed");
    if (Date.now() > deadline) throw new Error(`still ${polled.submission.status} after 90 s`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/*
 * Every test that submits to the server's grader is in this file, and only this file does: the
 * grader's two slots and its four jobs per client address (all tests come from 127.0.0.1) are the
 * whole server's, and tests below fill them on purpose (endless loops, queue positions). A file
 * runs in one worker, its tests one after another, so no other test's submission can take a slot,
 * move a queue position or meet a full quota while these run (playwright.config.ts runs files
 * in parallel, never one file's tests). Serial: a test that fails may leave loops in the slots.
 */
test.describe.configure({ mode: "serial" });

test("Check runs the visible checks in the kernel: a wrong answer fails with what differed, a right one passes", async ({ page }) => {
  await openLesson(page, TENSORS_LESSON);
  await runCell(page, "make");
  await expect(cell(page, "make").locator(".output-result")).toContainText("tensor");

  await typeIntoExercise(page, WRONG);
  await exercise(page).getByRole("button", { name: "Check" }).click();
  const results = exercise(page).getByTestId("check-results");
  await expect(results.locator("li")).toHaveCount(2);
  const first = results.locator("li").first();
  await expect(first).toHaveAttribute("data-status", "failed");
  await expect(first).toContainText("averages each row of x");
  await expect(first).toContainText("differ at index [0]: expected 2 but got 6");
  // Hidden checks are not run (nor known) in the browser.
  await expect(results).not.toContainText("handles negative numbers");

  await typeIntoExercise(page, CORRECT);
  await exercise(page).getByRole("button", { name: "Check" }).click();
  await expect(results.locator('li[data-status="passed"]')).toHaveCount(2);
});

test("Submit is graded on the server with the hidden checks; hints and the solution are recorded", async ({ page }) => {
  await openLesson(page, TENSORS_LESSON);
  await typeIntoExercise(page, WRONG);
  await exercise(page).getByRole("button", { name: "Submit" }).click();
  const graded = exercise(page).getByTestId("submit-results");
  await expect(graded.getByTestId("score")).toHaveText("0.25 / 1", GRADED);
  await expect(graded.locator("li")).toHaveCount(4);
  await expect(graded.getByText("hidden", { exact: true })).toHaveCount(2);
  await expect(graded.locator("li").first()).toContainText("expected 2 but got 6");
  await expect(exercise(page).getByTestId("exercise-attempts")).toContainText("Attempts: 1");

  // Hints are in no page until opened (and recorded)...
  const lessonHtml = await (await page.request.get(TENSORS_LESSON)).text();
  expect(lessonHtml).not.toContain("A mean is a sum divided by a count");
  expect(lessonHtml).not.toContain("averages over dimension 1");
  // ...and open one at a time.
  await exercise(page).getByRole("button", { name: "Show hint (1 of 2)" }).click();
  await expect(exercise(page).getByTestId("hints").locator("li")).toHaveCount(1);
  await expect(exercise(page).getByTestId("hints")).toContainText("A mean is a sum divided by a count");

  // One failed attempt of two: the solution needs an explicit, warned request.
  await exercise(page).getByRole("button", { name: "Show solution" }).click();
  await expect(exercise(page).getByRole("alertdialog")).toContainText("opens after 2 failed attempts (you have 1)");
  await expect(exercise(page).getByTestId("solution")).toHaveCount(0);
  await exercise(page).getByRole("button", { name: "Show it anyway" }).click();
  await expect(exercise(page).getByTestId("solution")).toContainText("t.mean(1)");

  await typeIntoExercise(page, CORRECT);
  await exercise(page).getByRole("button", { name: "Submit" }).click();
  await expect(graded.getByTestId("score")).toHaveText("1 / 1", GRADED);
  await expect(graded.locator('li[data-status="passed"]')).toHaveCount(4);
  await expect(exercise(page).getByTestId("exercise-attempts")).toContainText("Attempts: 2 · best 1 / 1");

  // What the server recorded survives a reload: attempts, and the hint already shown.
  await page.reload();
  await expect(exercise(page).getByTestId("exercise-attempts")).toContainText("Attempts: 2");
  await expect(exercise(page).getByTestId("hints").locator("li")).toHaveCount(1);
  await expect(exercise(page).getByTestId("hints")).toContainText("A mean is a sum divided by a count");
  await expect(exercise(page).getByTestId("hints")).not.toContainText("averages over dimension 1");
  await expect(exercise(page).getByTestId("submit-results").getByTestId("score")).toHaveText("1 / 1");
});

test("hidden checks and solutions are absent from everything the app serves", async ({ page, baseURL }) => {
  const secrets = secretLines();
  expect(secrets.length).toBeGreaterThan(3);
  const served: { where: string; text: string }[] = [];
  page.on("response", async (response) => {
    const type = response.headers()["content-type"] ?? "";
    if (/text|javascript|json|x-component/.test(type)) served.push({ where: response.url(), text: await response.text().catch(() => "") });
  });
  await openLesson(page, TENSORS_LESSON);
  await typeIntoExercise(page, WRONG);
  await exercise(page).getByRole("button", { name: "Submit" }).click();
  await expect(exercise(page).getByTestId("submit-results")).toBeVisible(GRADED);
  for (const slug of readdirSync(path.join(process.cwd(), "lessons")).filter((n) => n.endsWith(".mdx")).map((n) => n.slice(0, -4))) {
    for (const headers of [{}, { RSC: "1" }] as Record<string, string>[]) {
      const response = await page.request.get(`${baseURL}/lessons/${slug}`, { headers });
      served.push({ where: `${slug} ${JSON.stringify(headers)}`, text: await response.text() });
    }
    const progress = await page.request.get(`${baseURL}/api/exercises/${slug}`);
    served.push({ where: `progress ${slug}`, text: await progress.text() });
  }
  // Every file the build can serve: JS chunks, CSS, and prerendered HTML / RSC payloads.
  const distDir = path.join(process.cwd(), process.env.NEXT_DIST_DIR || ".next");
  const walk = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir).flatMap((name) => (statSync(path.join(dir, name)).isDirectory() ? walk(path.join(dir, name)) : [path.join(dir, name)])) : []);
  const builtFiles = [...walk(path.join(distDir, "static")), ...walk(path.join(distDir, "server/app")).filter((file) => /\.(html|rsc|body|meta)$/.test(file))];
  expect(builtFiles.filter((file) => file.endsWith(".js")).length).toBeGreaterThan(5);
  for (const file of builtFiles) served.push({ where: path.relative(distDir, file), text: readFileSync(file, "utf8") });

  expect(served.length).toBeGreaterThan(20);
  const leaks = served.flatMap(({ where, text }) => secrets.filter((secret) => text.includes(secret)).map((secret) => `${where}: ${secret}`));
  expect(leaks).toEqual([]);
  // The check works: visible check code is there.
  expect(served.some(({ text }) => text.includes("expect.allclose(row_means(x), torch.tensor([2, 5]));"))).toBe(true);
});

test("an infinite loop and a memory bomb fail with their limits while other checks pass and other learners are served", async ({ baseURL }) => {
  const looper = await learnerContext(baseURL!);
  const bomber = await learnerContext(baseURL!);
  const bystander = await learnerContext(baseURL!);
  // Only the 4-row table of "returns one number per row" triggers the runaway code.
  const loop = "function row_means(t) { if (t.shape[0] === 4) { while (true) {} } return t.mean(1); }";
  const bomb = "function row_means(t) { if (t.shape[0] === 4) { const hoard = []; while (true) hoard.push(new Array(1e6).fill(1)); } return t.mean(1); }";

  const started = Date.now();
  const loopResponse = looper.post(SUBMIT, { data: { code: loop } });
  const bombResponse = bomber.post(SUBMIT, { data: { code: bomb } });
  await new Promise((resolve) => setTimeout(resolve, 300));
  const served = Date.now();
  const page = await bystander.get(TENSORS_LESSON);
  const progress = await bystander.get(`/api/exercises/${LESSON_SLUG}`);
  const bystanderMs = Date.now() - served;
  expect(page.status()).toBe(200);
  expect(progress.status()).toBe(200);

  const loopResult = (await graded(looper, await loopResponse)).result;
  const bombResult = (await graded(bomber, await bombResponse)).result;
  const gradingMs = Date.now() - started;
  console.log(`[grading] a bystander was answered in ${bystanderMs} ms; the loop and the bomb were graded in ${gradingMs} ms`);
  // The other learner was answered while grading was still running, and quickly.
  expect(bystanderMs).toBeLessThan(Math.min(3_000, gradingMs));

  const statuses = (result: { checks: { name: string; status: string }[] }) => Object.fromEntries(result.checks.map((c) => [c.name, c.status]));
  expect(loopResult.status).toBe("time_limit");
  expect(statuses(loopResult)).toEqual({
    "averages each row of x": "passed",
    "returns one number per row": "time_limit",
    "handles negative numbers and a single row": "passed",
    "works for wide, tall and 1×1 tables, and keeps float64": "passed",
  });
  expect(loopResult.checks[1].message).toMatch(/^time limit exceeded/);
  expect(bombResult.status).toBe("memory_limit");
  expect(statuses(bombResult)["returns one number per row"]).toBe("memory_limit");
  expect(bombResult.checks[1].message).toMatch(/memory limit exceeded/);
  expect(bombResult.checks.filter((c: { status: string }) => c.status === "passed")).toHaveLength(3);
  expect(loopResult.passed || bombResult.passed).toBe(false);
});

test("with both grading slots taken by endless loops, a learner's Submit shows its place in the queue, then the grade", async ({ page, baseURL }) => {
  test.setTimeout(150_000);
  // Two other learners (other cookies) submit code that loops in every check: each keeps a slot
  // for every check's time limit in turn.
  // The page is open and the answer typed first: the loops hold the slots for about 20 s only, and
  // opening the lesson under CI's load can take longer than that.
  await openLesson(page, TENSORS_LESSON);
  await typeIntoExercise(page, CORRECT);
  const loopers = [await learnerContext(baseURL!), await learnerContext(baseURL!)];
  const submitted = await Promise.all(loopers.map((looper) => looper.post(SUBMIT, { data: { code: "function row_means(t) { while (true) {} }" } })));
  expect(submitted.map((response) => response.status())).toEqual([202, 202]);
  const ids: string[] = await Promise.all(submitted.map(async (response) => (await response.json()).submission.id));
  await expect
    .poll(async () => Promise.all(loopers.map(async (looper, i) => (await (await looper.get(`${SUBMIT}?submission=${ids[i]}`)).json()).submission.status)))
    .toEqual(["running", "running"]);

  await exercise(page).getByRole("button", { name: "Submit" }).click();
  const status = exercise(page).getByTestId("submission-status");
  const line = status.getByRole("status");
  await expect(line).toHaveText("The grader is busy: your submission is queued (position 1).");
  await expect(line).toHaveAttribute("aria-live", "polite");
  await expect(status).toContainText(/\d+ s/);
  await expect(exercise(page).getByRole("button", { name: "Grading…" })).toBeDisabled();

  // A slot frees when a loop has used up its time limits; the page then shows the grade as usual.
  const results = exercise(page).getByTestId("submit-results");
  await expect(results.getByTestId("score")).toHaveText("1 / 1", { timeout: 120_000 });
  await expect(results.locator('li[data-status="passed"]')).toHaveCount(4);
  await expect(line).toHaveText("");
  await expect(exercise(page).getByTestId("exercise-attempts")).toContainText("Attempts: 1");
  for (const [i, looper] of loopers.entries()) expect((await gradedLater(looper, ids[i])).result.status).toBe("time_limit");
});

test("a reload while the submission waits for the grader goes on waiting, and shows the grade when it comes", async ({ page, baseURL }) => {
  test.setTimeout(180_000);
  // A right answer that spends about three seconds of CPU in every check (up to the 5 s limit under
  // load: the score may then be lower, which this test does not look at), so its grading lasts a
  // while after it starts: the page must be back from the reload before it ends.
  const slowAnswer = "function row_means(t) { for (let i = 0; i < 3e9; i++) {} return t.sum(1).div(t.shape[1]); }";
  await openLesson(page, TENSORS_LESSON);
  await typeIntoExercise(page, slowAnswer);
  // Then three other learners submit endless loops: two hold both grading slots (each check until
  // its time limit, about 20 s a submission), one waits; four is the most one address may queue.
  const loopers = await Promise.all([1, 2, 3].map(() => learnerContext(baseURL!)));
  const submitted = await Promise.all(loopers.map((looper) => looper.post(SUBMIT, { data: { code: "function row_means(t) { while (true) {} }" } })));
  expect(submitted.map((response) => response.status())).toEqual([202, 202, 202]);
  const ids: string[] = await Promise.all(submitted.map(async (response) => (await response.json()).submission.id));
  await expect
    .poll(async () => (await Promise.all(loopers.map(async (looper, i) => (await (await looper.get(`${SUBMIT}?submission=${ids[i]}`)).json()).submission.status))).sort(), { timeout: 60_000 })
    .toEqual(["queued", "running", "running"]);

  const posted = page.waitForResponse((response) => response.url().endsWith(SUBMIT) && response.request().method() === "POST");
  await exercise(page).getByRole("button", { name: "Submit" }).click();
  // The server has the submission; the page has its id once it shows the wait (the 202 reaching
  // the browser comes before the page's script reads it: a reload in between cannot resume).
  expect((await posted).status()).toBe(202);
  const line = exercise(page).getByTestId("submission-status").getByRole("status");
  await expect(line).toHaveText(/The grader is busy: your submission is queued \(position \d\)\./);

  // The learner reloads while waiting. The page used to forget the submission: Submit enabled
  // again, no status, and the grade only on a later reload. The wait resumes once the exercise has
  // mounted, long before the kernel and Monaco are ready: waiting for those too (openLesson) could
  // outlast the grading on a loaded machine, and the wait would be over before it was looked at.
  await page.reload();
  await expect(line).toHaveText(/The grader is busy: your submission is queued \(position \d\)\.|Grading…/, { timeout: 60_000 });
  await expect(exercise(page).getByRole("button", { name: "Grading…" })).toBeDisabled();
  const results = exercise(page).getByTestId("submit-results");
  await expect(results.getByTestId("score")).toHaveText(/^[\d.]+ \/ 1$/, { timeout: 150_000 });
  await expect(line).toHaveText("");
  await expect(exercise(page).getByRole("button", { name: "Submit" })).toBeEnabled();
  // One submission, not two: the reload sent nothing again.
  await expect(exercise(page).getByTestId("exercise-attempts")).toContainText("Attempts: 1");
  // And nothing is left to resume: a further reload shows the recorded grade, not a wait.
  await page.reload();
  await openLesson(page, TENSORS_LESSON);
  await expect(exercise(page).getByTestId("exercise-attempts")).toContainText("Attempts: 1 · best");
  await expect(line).toHaveText("");
  // The loops end before the next test: it must not find the slots (or this address's four) taken.
  for (const [i, looper] of loopers.entries()) expect((await gradedLater(looper, ids[i])).result.status).toBe("time_limit");
});

test("a reload while the Submit POST is on its way sends the same submission again: graded once, whether the first POST arrived or not", async ({ page }) => {
  test.setTimeout(150_000);
  await openLesson(page, TENSORS_LESSON);
  await typeIntoExercise(page, CORRECT);
  const line = exercise(page).getByTestId("submission-status").getByRole("status");
  const attempts = exercise(page).getByTestId("exercise-attempts");

  /**
   * Holds the page's next Submit POST until the page has reloaded: lost on the way (`reaches`
   * false: the server never sees it) or answered by the server with the answer never delivered.
   * Later POSTs (the page's resend) go through untouched. Answers the resend's response, once it
   * has come back: from then on the server holds all it will of this submission.
   */
  async function submitAndReloadMidway(reaches: boolean): Promise<{ sentId: string; resent: Promise<Response> }> {
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let intercepted = () => {};
    const posted = new Promise<void>((resolve) => (intercepted = resolve));
    let original: Request | null = null;
    // The route stays for the rest of the test, passing everything else on: one that expires (times: 1)
    // turns the page's interception off as its handler returns, and a request the reloaded page
    // makes at that moment could be left paused for good (a race in Playwright, seen in CI as a
    // resend that never left).
    await page.route(`**${SUBMIT}`, async (route) => {
      if (original !== null || route.request().method() !== "POST") return route.fallback();
      original = route.request();
      const response = reaches ? await route.fetch() : null;
      intercepted();
      await held;
      // The page that sent it is gone by now: there is no one to answer.
      await (response ? route.fulfill({ response }) : route.abort()).catch(() => undefined);
    });
    await exercise(page).getByRole("button", { name: "Submit" }).click();
    await posted;
    // What the learner sees while the POST is out, then the reload.
    await expect(line).toHaveText("Grading…");
    // The id the page chose and kept before sending (the resend must carry the same).
    const kept = await page.evaluate((key) => sessionStorage.getItem(key), `gradbook:pending-submission:${LESSON_SLUG}/${EXERCISE}`);
    const sentId = (JSON.parse(kept ?? "{}") as { id?: string }).id;
    expect(sentId).toMatch(/^[0-9a-f-]{36}$/);
    const resent = page.waitForResponse((response) => response.url().endsWith(SUBMIT) && response.request().method() === "POST" && response.request() !== original, GRADED);
    await page.reload();
    release();
    return { sentId: sentId!, resent };
  }

  // 1. The POST never reached the server: the reloaded page sends it, and it is graded.
  const first = await submitAndReloadMidway(false);
  const firstAnswer = await first.resent;
  expect([200, 202]).toContain(firstAnswer.status());
  expect((await firstAnswer.json()).submission.id).toBe(first.sentId);
  const results = exercise(page).getByTestId("submit-results");
  await expect(results.getByTestId("score")).toHaveText("1 / 1", GRADED);
  await expect(attempts).toContainText("Attempts: 1 · best 1 / 1");
  await expect(line).toHaveText("");
  await expect(exercise(page).getByRole("button", { name: "Submit" })).toBeEnabled();

  // 2. The server graded it but the answer was lost: the resend gets that grade, not a second one.
  await openLesson(page, TENSORS_LESSON);
  await typeIntoExercise(page, CORRECT);
  const second = await submitAndReloadMidway(true);
  const answer = await second.resent;
  expect([200, 202]).toContain(answer.status());
  expect((await answer.json()).submission.id).toBe(second.sentId);
  await expect(exercise(page).getByRole("button", { name: "Submit" })).toBeEnabled(GRADED);
  await expect(line).toHaveText("");
  await expect(attempts).toContainText("Attempts: 2 · best 1 / 1");
  await expect(results.getByTestId("score")).toHaveText("1 / 1");
  // Two submissions in all on the server (the resend was answered with the first's grade), and nothing left to resume.
  const progress = await (await page.request.get(`/api/exercises/${LESSON_SLUG}`)).json();
  expect(progress.exercises[EXERCISE]).toMatchObject({ attempts: 2 });
  await page.reload();
  await expect(attempts).toContainText("Attempts: 2 · best 1 / 1", { timeout: 60_000 });
  await expect(line).toHaveText("");
});

test("a Submit that gets no answer says so and keeps the submission: a reload sends it, graded once", async ({ page }) => {
  test.setTimeout(120_000);
  await openLesson(page, TENSORS_LESSON);
  await typeIntoExercise(page, CORRECT);
  // The network is down for Submit: the POST and its one resend get no answer. (The route stays
  // when the network comes back: removing it mid-load can leave a request paused, see above.)
  let lost = 0;
  let networkDown = true;
  await page.route(`**${SUBMIT}`, async (route) => {
    if (!networkDown || route.request().method() !== "POST") return route.fallback();
    lost++;
    return route.abort("internetdisconnected");
  });
  await exercise(page).getByRole("button", { name: "Submit" }).click();
  const alert = exercise(page).getByRole("alert");
  await expect(alert).toContainText("Could not reach the server");
  await expect(alert).toContainText("reload the page to send it again");
  expect(lost).toBe(2);
  await expect(exercise(page).getByRole("button", { name: "Submit" })).toBeEnabled();
  const attempts = exercise(page).getByTestId("exercise-attempts");
  await expect(attempts).toContainText("Attempts: 0");

  // The network is back; the learner reloads: the kept submission goes out and is graded once.
  networkDown = false;
  const resent = page.waitForResponse((response) => response.url().endsWith(SUBMIT) && response.request().method() === "POST", GRADED);
  await page.reload();
  expect([200, 202]).toContain((await resent).status());
  await expect(exercise(page).getByTestId("submit-results").getByTestId("score")).toHaveText("1 / 1", GRADED);
  await expect(attempts).toContainText("Attempts: 1 · best 1 / 1");
  // Nothing is left to send: a further reload shows the grade and sends nothing.
  let sentAgain = false;
  page.on("request", (request) => {
    if (request.url().endsWith(SUBMIT) && request.method() === "POST") sentAgain = true;
  });
  await page.reload();
  await openLesson(page, TENSORS_LESSON);
  await expect(attempts).toContainText("Attempts: 1 · best 1 / 1");
  expect(sentAgain).toBe(false);
});

test("a forged pass from the client changes no grade", async ({ baseURL }) => {
  const cheater = await learnerContext(baseURL!);
  const forged = await cheater.post(SUBMIT, { data: { code: WRONG, passed: true, score: 1 } });
  expect(forged.status()).toBe(400);
  const progress = await (await cheater.get(`/api/exercises/${LESSON_SLUG}`)).json();
  expect(progress.exercises[EXERCISE]).toBeUndefined();
  const honest = await graded(cheater, await cheater.post(SUBMIT, { data: { code: WRONG } }));
  expect(honest.result).toMatchObject({ passed: false });
  expect(honest.progress).toMatchObject({ attempts: 1, bestScore: 0.25, passed: false });
});

test("/instructor answers 403 to learners; an instructor sees the gradebook and exports CSV", async ({ page, browser, baseURL }) => {
  test.setTimeout(120_000);
  // Learners of its own, graded through the API (the test must not need the tests above to have run): one right, two wrong.
  for (const code of [CORRECT, WRONG, WRONG]) {
    const learner = await learnerContext(baseURL!);
    expect((await graded(learner, await learner.post(SUBMIT, { data: { code } }))).result.passed).toBe(code === CORRECT);
    await learner.dispose();
  }
  const asLearner = await page.goto("/instructor");
  expect(asLearner?.status()).toBe(403);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("instructors only");
  // Pages set no cookie: a visitor becomes a learner when the page first asks for an identity.
  expect((await page.request.post("/api/learner")).status()).toBe(201);
  expect((await page.request.get("/api/instructor/gradebook")).status()).toBe(403);
  expect((await page.request.get("/api/instructor/gradebook?format=csv")).status()).toBe(403);

  const username = uniqueName("teacher");
  execFileSync("npm", ["run", "--silent", "user:create", "--", "--username", username, "--instructor", "--password", "correct horse battery"], { env: process.env, stdio: "pipe" });
  const context = await browser.newContext({ baseURL });
  const instructor = await context.newPage();
  const signin = await instructor.request.post("/api/account/signin", { data: { username, password: "correct horse battery" } });
  expect(signin.status()).toBe(200);
  // These learners are guests (never signed up): shown on request.
  const response = await instructor.goto("/instructor?show=all");
  expect(response?.status()).toBe(200);
  const table = instructor.getByTestId("gradebook");
  await expect(table).toBeVisible();
  await expect(table.locator("thead")).toContainText("Average each row");
  // The learners above (and any other test's): several rows, some with a best score of 1 (of 1).
  expect(await table.locator("tbody tr").count()).toBeGreaterThanOrEqual(3);
  await expect(table.getByTestId("best-score").filter({ hasText: /^1$/ }).first()).toBeVisible();
  await expect(table.locator(`[data-testid="pass-rate"][data-exercise="${LESSON_SLUG}/${EXERCISE}"]`)).toContainText(/\d+%/);
  const csv = await instructor.request.get("/api/instructor/gradebook?format=csv");
  expect(csv.status()).toBe(200);
  const text = await csv.text();
  expect(text.split("\n")[0]).toMatch(new RegExp(`^username,name,email,user_id,.*${LESSON_SLUG}/${EXERCISE} \\(1 pt\\).*,total \\(\\d+ pt\\)$`));
  await context.close();
});

test("solving the Activation Functions lesson's Leaky ReLU exercise records a full grade from the server", async ({ page }) => {
  // Every step passed at load 23, but typing the answer alone took 47 s there: 2 minutes was not enough.
  test.setTimeout(240_000);
  await openLesson(page, "/lessons/activation-functions");
  const leaky = page.getByTestId("exercise-leaky-relu");
  const editor = leaky.locator(".monaco-editor");
  await editor.click();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("Delete");
  await page.keyboard.type(
    "function leaky_relu(x, slope = 0.01) { return torch.where(x.gt(0), x, x.mul(slope)); } " +
      "function leaky_relu_grad(x, slope = 0.01) { return torch.where(x.gt(0), torch.ones_like(x), torch.full_like(x, slope)); }",
  );
  await expect.poll(async () => (await leaky.locator(".view-lines").innerText()).replace(/\u00a0/g, " ")).toContain("leaky_relu_grad");

  await leaky.getByRole("button", { name: "Submit" }).click();
  const graded = leaky.getByTestId("submit-results");
  await expect(graded.getByTestId("score")).toHaveText("2 / 2", { timeout: 60_000 });
  await expect(graded).toContainText("all checks passed");
  await expect(leaky.getByTestId("exercise-attempts")).toContainText("Attempts: 1");
  await expect(leaky.getByTestId("exercise-attempts")).toContainText("best 2 / 2");

  // The grade is the server's record: it is still there after a reload.
  await page.reload();
  await expect(page.getByTestId("exercise-leaky-relu").getByTestId("exercise-attempts")).toContainText("best 2 / 2", { timeout: 30_000 });
});
