import { execFileSync } from "node:child_process";
import Database from "better-sqlite3";
import { expect, test } from "@playwright/test";
import { expectNoSeriousViolations } from "./axe";
import { uniqueName } from "./unique";

/**
 * axe-core on every page that is not a lesson, as a learner and an instructor see it: no serious
 * or critical violation. Lessons are checked fully run where their Run all already happens
 * (course-lessons.spec.ts and activation-lesson.spec.ts), so CI pays each Run all once.
 */

const PASSWORD = "correct horse battery";

// No Run all here: the gradebook test creates an account and runs axe on four pages under load.
test.describe.configure({ timeout: 120_000 });

test("home, sign-in, sign-up and experiments have no serious accessibility violation", async ({ page }) => {
  for (const path of ["/", "/signin", "/signup", "/experiments"]) {
    await page.goto(path);
    await expect(page.getByRole("navigation", { name: "Account" }).getByRole("link").first()).toBeVisible();
    await expectNoSeriousViolations(page, path);
  }
});

test("the instructor's gradebook and a learner's page have no serious accessibility violation", async ({ browser, baseURL }) => {
  const db = new Database(process.env.DATABASE_URL!.replace(/^file:/, ""));
  const now = new Date().toISOString().replace("Z", "+00:00");
  try {
    db.prepare(`INSERT OR IGNORE INTO "User" ("id", "name", "email", "emailVerified", "username", "role", "createdAt", "updatedAt") VALUES ('a11y-learner', 'Ada', 'ada@school.example', 0, 'ada', 'learner', ?, ?)`).run(now, now);
    db.prepare(
      `INSERT OR IGNORE INTO "Submission" ("id", "userId", "lessonSlug", "exerciseId", "code", "score", "maxScore", "passed", "status", "results", "createdAt") VALUES ('a11y-sub', 'a11y-learner', 'first-look-at-tensors', 'row-means', 'function row_means(t) { return t.mean(1); }', 1, 1, 1, 'graded', '{}', ?)`,
    ).run(now);
  } finally {
    db.close();
  }
  const username = uniqueName("a11yteacher");
  execFileSync("npm", ["run", "--silent", "user:create", "--", "--username", username, "--instructor", "--password", PASSWORD], { env: process.env, stdio: "pipe" });
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  expect((await page.request.post("/api/account/signin", { data: { username, password: PASSWORD } })).status()).toBe(200);
  for (const path of ["/instructor", "/instructor?show=all&sort=total&dir=desc", "/instructor/learners/a11y-learner", "/instructor/comments"]) {
    expect((await page.goto(path))?.status()).toBe(200);
    await expectNoSeriousViolations(page, path);
  }
  await context.close();
});
