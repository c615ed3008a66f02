import { execFileSync } from "node:child_process";
import { expect, test, type APIRequestContext, type Browser, type Page } from "@playwright/test";
import { XSS_CORPUS } from "../unit/discussion/xss-corpus";
import { uniqueTag as unique } from "./unique";

const LESSON = "first-look-at-tensors";
const LESSON_PATH = `/lessons/${LESSON}`;
const PASSWORD = "correct horse battery";
/*
 * Names and comment texts carry a unique tag (./unique.ts), so a test finds its own rows whatever
 * earlier tests (or earlier repeats of this one: --repeat-each, retries) left in the server's
 * database, and never relies on another test having run first. Only this file writes comments:
 * the counts it reads ("Comments (n)") move with its own tests alone, which run one after another.
 */

/** The count a lesson's "Comments (n)" link shows. */
async function commentCount(page: Page): Promise<number> {
  const text = await page.getByTestId("comment-count-link").innerText();
  const count = /\((\d+)\)/.exec(text)?.[1];
  expect(count, text).toBeDefined();
  return Number(count);
}

/** A new signed-in learner in a context of their own (the session cookie lives in that context). */
async function learnerPage(browser: Browser, baseURL: string | undefined, name: string): Promise<{ page: Page; username: string }> {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  const username = `${name}${unique()}`;
  const response = await page.request.post("/api/account/signup", { data: { username, password: PASSWORD } });
  expect(response.status(), await response.text()).toBeLessThan(300);
  return { page, username };
}

async function postComment(request: APIRequestContext, body: string, extra: Record<string, unknown> = {}, slug = LESSON): Promise<string> {
  const response = await request.post(`/api/lessons/${slug}/comments`, { data: { body, ...extra } });
  expect(response.status(), await response.text()).toBe(201);
  return (await response.json()).comment.id;
}

const comment = (page: Page, text: string) => page.getByTestId("comment").filter({ hasText: text });
const threadOf = (page: Page, id: string) => page.locator(`[data-testid="thread"][data-thread-id="${id}"]`);

/** The thread holding `text` is pinned and comes before every thread that is not. */
async function expectPinnedFirst(page: Page, text: string): Promise<void> {
  await expect(page.getByTestId("thread").filter({ hasText: text })).toContainText("pinned");
  const threads = await page.getByTestId("thread").evaluateAll((nodes, text) => nodes.map((node) => ({ ours: node.textContent?.includes(text) ?? false, pinned: [...node.querySelectorAll("span")].some((span) => span.textContent === "pinned") })), text);
  const ours = threads.findIndex((thread) => thread.ours);
  const firstUnpinned = threads.findIndex((thread) => !thread.pinned);
  expect(ours).toBeGreaterThanOrEqual(0);
  if (firstUnpinned !== -1) expect(ours).toBeLessThan(firstUnpinned);
}

// Accounts, a lesson page with its kernel per context, and an `npm run user:create`: more than the default minute
// (the moderation test took 2 minutes at load 18).
test.describe.configure({ timeout: 240_000 });

test("a guest sees the comments and an invitation to sign in, but not the form", async ({ page, browser, baseURL }) => {
  // An empty discussion invites the first comment.
  await page.goto("/lessons/activation-functions");
  const discussion = page.getByTestId("discussion");
  await expect(discussion.getByRole("heading", { name: "Comments (0)" })).toBeVisible();
  await expect(discussion).toContainText("No comments yet. Be the first to comment!");
  await expect(page.getByTestId("comment-count-link")).toHaveText("Comments (0)");

  await page.goto(LESSON_PATH);
  await expect(page.getByTestId("comment-count-link")).toHaveText(/Comments \(\d+\)/);
  const before = await commentCount(page);
  const { page: author, username } = await learnerPage(browser, baseURL, "ada");
  const tag = unique();
  await postComment(author.request, `Why is the mean over **dim 1** a row mean? $\\bar x_i$ (${tag})`, { cellId: "make" });

  await page.goto(LESSON_PATH);
  await expect(page.getByTestId("comment-count-link")).toHaveText(`Comments (${before + 1})`);
  await expect(discussion.getByRole("heading", { name: `Comments (${before + 1})` })).toBeVisible();
  const shown = comment(page, tag);
  await expect(shown.getByTestId("comment-author")).toHaveText(username);
  await expect(shown.locator("strong")).toHaveText("dim 1");
  await expect(shown.locator(".katex")).toBeVisible();
  await expect(shown.getByTestId("quoted-cell")).toHaveText("make");
  // No form and no actions for a guest; a sign-in link that comes back here.
  await expect(discussion.locator("textarea")).toHaveCount(0);
  await expect(shown.getByRole("button")).toHaveCount(0);
  const signIn = page.getByRole("link", { name: "Sign in to leave a comment" });
  await expect(signIn).toHaveAttribute("href", `/signin?next=${encodeURIComponent(`${LESSON_PATH}#comments`)}`);
  // The API refuses a guest's comment.
  expect((await page.request.post(`/api/lessons/${LESSON}/comments`, { data: { body: "guest" } })).status()).toBe(401);
  await author.context().close();
});

test("a signed-in learner posts, quotes a cell, replies, edits and deletes", async ({ page, browser, baseURL }) => {
  // Another learner's comment, for the end of the test (this test sets up all it needs).
  const { page: other, username: otherName } = await learnerPage(browser, baseURL, "alan");
  const tag = unique();
  await postComment(other.request, `A comment by someone else (${tag})`);
  await other.context().close();
  // Sign in through the discussion's link: it returns to the lesson.
  const { page: setup, username } = await learnerPage(browser, baseURL, "grace");
  await setup.context().close();
  await page.goto(LESSON_PATH);
  await page.getByRole("link", { name: "Sign in to leave a comment" }).click();
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(new RegExp(`${LESSON_PATH}#comments$`));
  const discussion = page.getByTestId("discussion");
  await expect(page.getByTestId("comment-count-link")).toHaveText(/Comments \(\d+\)/);
  const before = Number((await page.getByTestId("comment-count-link").innerText()).match(/\((\d+)\)/)?.[1]);

  // Post, quoting a cell.
  await discussion.getByRole("textbox").first().fill(`Does \`broadcast\` copy memory? $x + b$ (${tag})`);
  await discussion.getByLabel("Quote a cell").selectOption("broadcast");
  await discussion.getByRole("button", { name: "Post comment" }).click();
  const mine = comment(page, tag).filter({ hasText: "copy memory" });
  await expect(mine.locator("code").first()).toHaveText("broadcast");
  await expect(mine.locator(".katex")).toBeVisible();
  await expect(page.getByTestId("comment-count-link")).toHaveText(`Comments (${before + 1})`);

  // The quote jumps to the cell.
  await mine.getByTestId("quoted-cell").click();
  await expect(page).toHaveURL(/#broadcast$/);
  await expect(page.locator('section.cell[data-cell-id="broadcast"]')).toBeInViewport();

  // Reply.
  await mine.getByRole("button", { name: "Reply" }).click();
  await mine.getByRole("textbox").fill(`Answering myself: no, it is a view (${tag}).`);
  await mine.getByRole("button", { name: "Reply", exact: true }).last().click();
  const rootId = (await mine.getAttribute("data-comment-id"))!;
  // Located by id: once deleted, the thread no longer holds its text.
  const thread = threadOf(page, rootId);
  await expect(thread.getByTestId("comment")).toHaveCount(2);
  const reply = comment(page, `it is a view (${tag})`);
  await expect(reply).toBeVisible();

  // Edit.
  await mine.getByRole("button", { name: "Edit" }).first().click();
  await mine.getByRole("textbox").fill(`Does \`broadcast\` copy memory, or make a view? $x + b$ (${tag})`);
  await mine.getByRole("button", { name: "Save" }).click();
  const edited = comment(page, tag).filter({ hasText: "or make a view" });
  await expect(edited.first()).toContainText("(edited)");

  // Delete: with a reply under it, the thread stays and says so.
  page.on("dialog", (dialog) => void dialog.accept());
  const root = thread.getByTestId("comment").first();
  await root.getByRole("button", { name: "Delete" }).click();
  await expect(thread.getByTestId("comment-placeholder")).toHaveText("Comment deleted");
  await expect(thread).not.toContainText("or make a view");
  await expect(reply).toBeVisible();
  // Deleting the last reply takes the thread away.
  await reply.getByRole("button", { name: "Delete" }).click();
  await expect(thread).toHaveCount(0);
  await expect(page.getByTestId("comment-count-link")).toHaveText(`Comments (${before})`);

  // Another learner's comment offers Reply and Report, not Edit or Delete.
  const others = comment(page, `A comment by someone else (${tag})`);
  await expect(others.getByTestId("comment-author")).toHaveText(otherName);
  await expect(others.getByRole("button", { name: "Report" })).toBeVisible();
  await expect(others.getByRole("button", { name: "Edit" })).toHaveCount(0);
  await expect(others.getByRole("button", { name: "Delete" })).toHaveCount(0);
});

test("an XSS corpus renders inert", async ({ browser, baseURL }) => {
  const { page, username } = await learnerPage(browser, baseURL, "mallory");
  const hits: number[] = [];
  await page.exposeFunction("__xssHit", (n: number) => hits.push(n));
  await page.addInitScript(() => {
    (window as unknown as { __xss: (n: number) => void }).__xss = (n) => void (window as unknown as { __xssHit: (n: number) => void }).__xssHit(n);
  });
  // The whole corpus in four comments (the rate limit allows five a minute).
  const chunks = [0, 1, 2, 3].map((part) => XSS_CORPUS.filter((_, index) => index % 4 === part).map((entry) => entry.markdown).join("\n\n"));
  for (const chunk of chunks) await postComment(page.request, chunk, {}, "training-loop-and-optimizers");
  await page.goto("/lessons/training-loop-and-optimizers#comments");
  // This learner's four (earlier tests or repeats may have left others on the lesson).
  const mine = page.getByTestId("comment").filter({ has: page.getByTestId("comment-author").getByText(username, { exact: true }) });
  await expect(mine).toHaveCount(4);
  const bodies = mine.getByTestId("comment-body");
  for (const selector of ["script", "img", "iframe", "object", "embed", "style", "form", "svg:not(.katex svg)", "[onerror]", "[onload]", "[onclick]", "[style]:not(.katex [style]):not(.katex)"]) {
    await expect(bodies.locator(selector), selector).toHaveCount(0);
  }
  const hrefs = await bodies.locator("a[href]").evaluateAll((links) => links.map((link) => [link.getAttribute("href"), link.getAttribute("rel")]));
  for (const [href, rel] of hrefs) {
    expect(href).not.toMatch(/^\s*(javascript|data|vbscript):/i);
    expect(rel).toContain("nofollow ugc");
  }
  // Fire the events a payload could hang on, on every element of the comments, then give timers a moment.
  await bodies.evaluateAll((nodes) => {
    for (const node of nodes)
      for (const element of [node, ...Array.from(node.querySelectorAll("*"))])
        for (const type of ["mouseover", "mouseenter", "focus", "toggle", "load", "error", "animationstart"]) element.dispatchEvent(new Event(type));
  });
  await page.waitForTimeout(500);
  expect(hits).toEqual([]);
  await page.context().close();
});

test("an instructor pins, hides and removes; hidden comments are for instructors and their author only", async ({ page, browser, baseURL }) => {
  // What a guest's count was before: earlier tests (or repeats of this one) may have left comments.
  // Read in a page of its own: the guest's page.goto to the same URL and #hash later would not reload.
  const peek = await browser.newPage({ baseURL });
  await peek.goto("/lessons/neural-networks-from-scratch#comments");
  await expect(peek.getByTestId("comment-count-link")).toHaveText(/Comments \(\d+\)/);
  const before = await commentCount(peek);
  await peek.close();
  const { page: learner, username: learnerName } = await learnerPage(browser, baseURL, "linus");
  const tag = unique();
  const [pin, hide, remove] = [`Please pin: the shapes table is handy (${tag})`, `Off-topic remark to hide (${tag})`, `A comment to remove (${tag})`];
  await postComment(learner.request, pin, {}, "neural-networks-from-scratch");
  await postComment(learner.request, hide, {}, "neural-networks-from-scratch");
  await postComment(learner.request, remove, {}, "neural-networks-from-scratch");

  // Learners cannot moderate, nor see the course-wide page.
  expect((await learner.goto("/instructor/comments"))?.status()).toBe(403);
  expect((await learner.request.get("/api/comments")).status()).toBe(403);

  const username = `prof${unique()}`;
  execFileSync("npm", ["run", "--silent", "user:create", "--", "--username", username, "--instructor", "--password", PASSWORD], { env: process.env, stdio: "pipe" });
  const context = await browser.newContext({ baseURL });
  const instructor = await context.newPage();
  expect((await instructor.request.post("/api/account/signin", { data: { username, password: PASSWORD } })).status()).toBe(200);
  instructor.on("dialog", (dialog) => void dialog.accept());
  await instructor.goto("/lessons/neural-networks-from-scratch#comments");

  await comment(instructor, pin).getByRole("button", { name: "Pin" }).click();
  await expect(comment(instructor, pin)).toContainText("pinned");
  await expectPinnedFirst(instructor, pin);

  await comment(instructor, hide).getByRole("button", { name: "Hide" }).click();
  await expect(comment(instructor, hide)).toHaveAttribute("data-status", "hidden");

  await comment(instructor, remove).getByRole("button", { name: "Remove" }).click();
  await expect(comment(instructor, remove)).toHaveCount(0);

  // A guest sees the pinned comment first and neither the hidden nor the removed one.
  await page.goto("/lessons/neural-networks-from-scratch#comments");
  await expect(comment(page, pin)).toContainText("pinned");
  await expectPinnedFirst(page, pin);
  await expect(page.getByTestId("discussion")).not.toContainText(hide);
  await expect(page.getByTestId("discussion")).not.toContainText(remove);
  await expect(page.getByTestId("comment-count-link")).toHaveText(`Comments (${before + 1})`);
  // Its author still sees their hidden comment, marked hidden.
  await learner.goto("/lessons/neural-networks-from-scratch#comments");
  await expect(comment(learner, hide)).toHaveAttribute("data-status", "hidden");
  await expect(learner.getByTestId("comment-count-link")).toHaveText(`Comments (${before + 2})`);

  // A report reaches the instructors' page.
  const { page: reporter } = await learnerPage(browser, baseURL, "rita");
  await reporter.goto("/lessons/neural-networks-from-scratch#comments");
  await comment(reporter, pin).getByRole("button", { name: "Report" }).click();
  await reporter.getByLabel("Why should an instructor look at this comment?").fill("It is not a question");
  await reporter.getByRole("button", { name: "Send report" }).click();
  await expect(comment(reporter, pin)).toContainText("Reported");

  await instructor.goto("/instructor/comments?filter=reported");
  const reported = instructor.getByTestId("course-comment").filter({ hasText: pin });
  await expect(reported).toContainText("It is not a question");
  await expect(reported).toContainText(learnerName);
  await instructor.goto("/instructor/comments");
  await expect(instructor.getByTestId("course-comment").filter({ hasText: hide })).toHaveAttribute("data-status", "hidden");
  await context.close();
  await learner.context().close();
  await reporter.context().close();
});

test("posting too fast answers 429 with a message, shown under the form", async ({ browser, baseURL }) => {
  const { page } = await learnerPage(browser, baseURL, "speedy");
  for (let i = 0; i < 5; i++) await postComment(page.request, `quick comment ${i}`, {}, "initialization-and-normalization");
  const refused = await page.request.post("/api/lessons/initialization-and-normalization/comments", { data: { body: "one too many" } });
  expect(refused.status()).toBe(429);
  expect(Number(refused.headers()["retry-after"])).toBeGreaterThanOrEqual(1);
  expect((await refused.json()).error).toMatch(/too fast: at most 5 comments a minute/);

  await page.goto("/lessons/initialization-and-normalization#comments");
  const discussion = page.getByTestId("discussion");
  await discussion.getByRole("textbox").first().fill("and another one");
  await discussion.getByRole("button", { name: "Post comment" }).click();
  await expect(discussion.getByRole("alert")).toContainText(/You are commenting too fast: at most 5 comments a minute\. Try again in \d+ s\./);
  await expect(discussion.getByRole("textbox").first()).toHaveValue("and another one");
  await page.context().close();
});
