import { readdirSync } from "node:fs";
import path from "node:path";
import { expect, test, type Page, type Request } from "@playwright/test";
import { openLesson } from "./notebook";

/**
 * A first-time visitor (no cookie at all) asks for nothing the server refuses: no 4xx or 5xx
 * answer and no error in the console, on every lesson and every page a guest can reach. The pages
 * used to ask per-learner endpoints first and get a learner id on the 401s: about six red errors
 * in the console of every lesson a guest opened.
 */
const lessons = readdirSync(path.join(process.cwd(), "lessons"))
  .filter((name) => name.endsWith(".mdx"))
  .map((name) => name.slice(0, -".mdx".length))
  .sort();

interface Watch {
  /** Every refused or failed request and every console error or uncaught exception, so far. */
  problems: string[];
  /** The page's API calls not answered yet. */
  apiInFlight: Set<Request>;
}

/** Watches the page from now on: its problems, and which of its API calls are still out. */
function watch(page: Page): Watch {
  const problems: string[] = [];
  const apiInFlight = new Set<Request>();
  page.on("request", (request) => {
    if (new URL(request.url()).pathname.startsWith("/api/")) apiInFlight.add(request);
  });
  // Answered once its response is in, whether or not the page reads the body.
  page.on("response", (response) => apiInFlight.delete(response.request()));
  page.on("requestfailed", (request) => apiInFlight.delete(request));
  page.on("response", (response) => {
    if (response.status() >= 400) problems.push(`${response.status()} ${response.request().method()} ${new URL(response.url()).pathname}`);
  });
  page.on("requestfailed", (request) => {
    // A navigation cancels what the page had in flight: not a refusal.
    if (request.failure()?.errorText !== "net::ERR_ABORTED") problems.push(`failed ${request.method()} ${new URL(request.url()).pathname}: ${request.failure()?.errorText}`);
  });
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console error: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`uncaught ${error.name}: ${error.message}`));
  return { problems, apiInFlight };
}

/**
 * Waits until every API call the page has made is answered. The page's calls for the visitor
 * (who they are, saved code, own cells, exercise progress, runs, the "opened" progress event)
 * start as it hydrates, before what the caller waited for first (the account menu, or the kernel
 * and the editors): once none is out, all of them have been answered.
 */
async function settled(apiInFlight: Set<Request>): Promise<void> {
  await expect.poll(() => [...apiInFlight].map((request) => `${request.method()} ${new URL(request.url()).pathname}`), { timeout: 60_000 }).toEqual([]);
}

test.describe.configure({ timeout: 120_000 });

test("a guest opening each page that is not a lesson sees no refused request and no console error", async ({ browser }) => {
  for (const where of ["/", "/signin", "/signup", "/experiments", "/models", "/lessons/activation-functions/versions/1"]) {
    // A fresh browser context for each: a first visit, with no cookie from the one before.
    const context = await browser.newContext();
    const page = await context.newPage();
    const { problems, apiInFlight } = watch(page);
    expect((await page.goto(where))?.status(), where).toBe(200);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    // The account menu has asked who the visitor is: a guest, offered to sign in.
    await expect(page.getByRole("navigation", { name: "Account" }).getByRole("link", { name: "Sign in" })).toBeVisible({ timeout: 30_000 });
    await settled(apiInFlight);
    expect(problems, where).toEqual([]);
    await context.close();
  }
});

for (const slug of lessons) {
  test(`a guest opening ${slug} sees no refused request and no console error`, async ({ browser }) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const { problems, apiInFlight } = watch(page);
    const opened = page.waitForResponse((response) => response.url().endsWith(`/api/lessons/${slug}/progress`) && response.request().method() === "POST", { timeout: 60_000 });
    await openLesson(page, `/lessons/${slug}`);
    // The lesson told the server it was opened (as the learner it now is)...
    expect((await opened).status()).toBeLessThan(300);
    // ...and every other call of the page is answered.
    await settled(apiInFlight);
    expect(problems).toEqual([]);
    // The page did ask for the learner's things, as a learner: the guest has an id now, and its saves work.
    const cookies = await context.cookies();
    expect(cookies.map((cookie) => cookie.name)).toContain("gb_learner");
    await context.close();
  });
}
