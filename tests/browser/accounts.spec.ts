import { expect, test, type Page } from "@playwright/test";
import { cell, editorText, openLesson, runCell, TENSORS_LESSON, typeIntoCell } from "./notebook";
import { uniqueName } from "./unique";

const saveState = (page: Page) => page.getByTestId("save-state");

async function logRun(page: Page, name: string): Promise<string> {
  const response = await page.request.post("/api/experiments/runs", {
    data: { id: crypto.randomUUID(), lessonSlug: "first-look-at-tensors", cellId: "make", name, params: {}, seed: null, codeHash: null, engineVersion: null, startedAt: Date.now() },
  });
  expect(response.status()).toBe(201);
  return (await response.json()).run.id;
}

test("two learners cannot read or change each other's code, progress or runs (UI and API)", async ({ browser }) => {
  const alice = await (await browser.newContext()).newPage();
  const bob = await (await browser.newContext()).newPage();
  await openLesson(alice, TENSORS_LESSON);
  await typeIntoCell(alice, "make", "const secret = 'alice only'");
  await expect(saveState(alice)).toHaveText("Saved");
  await runCell(alice, "make");
  const aliceRun = await logRun(alice, "alice-run");

  // Bob's notebook shows the lesson's code, not Alice's.
  await openLesson(bob, TENSORS_LESSON);
  await expect.poll(() => editorText(bob, "make")).toContain("torch.tensor([[1, 2, 3], [4, 5, 6]])");
  expect(await editorText(bob, "make")).not.toContain("alice only");

  // Nor can Bob get at it through the API.
  const bobCells = (await (await bob.request.get("/api/lessons/first-look-at-tensors/cells")).json()).cells as { code: string }[];
  expect(bobCells.map((c) => c.code)).not.toContain("const secret = 'alice only'");
  // Bob opened the lesson himself, but Alice's run of "make" is not in his progress.
  const bobProgress = (await (await bob.request.get("/api/progress")).json()).progress as { cellsRun: string[] }[];
  expect(bobProgress.flatMap((p) => p.cellsRun)).toEqual([]);
  expect((await (await bob.request.get("/api/experiments/runs")).json()).runs).toEqual([]);
  expect((await bob.request.get(`/api/experiments/runs/${aliceRun}`)).status()).toBe(404);
  expect((await bob.request.patch(`/api/experiments/runs/${aliceRun}`, { data: { status: "failed" } })).status()).toBe(404);
  expect((await bob.request.post(`/api/experiments/runs/${aliceRun}/points`, { data: { points: [{ step: 0, values: { loss: 1 } }] } })).status()).toBe(404);
  expect((await bob.request.delete(`/api/experiments/runs/${aliceRun}`)).status()).toBe(404);
  // Bob's save goes to Bob's row only.
  expect((await bob.request.put("/api/lessons/first-look-at-tensors/cells/make", { data: { code: "bob was here", version: Date.now() + 1e6 } })).status()).toBe(200);

  const aliceCells = (await (await alice.request.get("/api/lessons/first-look-at-tensors/cells")).json()).cells as { cellId: string; code: string }[];
  expect(aliceCells.find((c) => c.cellId === "make")?.code).toBe("const secret = 'alice only'");
  const aliceRuns = (await (await alice.request.get("/api/experiments/runs")).json()).runs as { id: string; status: string }[];
  expect(aliceRuns).toEqual([expect.objectContaining({ id: aliceRun, status: "running" })]);
  // The run is reported in the background after it ends (progress-reporter.ts): waited for, not assumed.
  await expect.poll(async () => ((await (await alice.request.get("/api/progress")).json()).progress as { cellsRun: string[] }[]).flatMap((p) => p.cellsRun)).toEqual(["make"]);
  // A request from another site is refused outright.
  expect((await bob.request.put("/api/lessons/first-look-at-tensors/cells/make", { data: { code: "x", version: Date.now() + 2e6 }, headers: { origin: "http://evil.example" } })).status()).toBe(403);
});

test("bad bodies get 400 with a message and write nothing", async ({ page }) => {
  await openLesson(page, TENSORS_LESSON);
  const cells = async () => (await (await page.request.get("/api/lessons/first-look-at-tensors/cells")).json()).cells.length as number;
  const before = await cells();
  for (const data of [{ code: 1, version: 1 }, { code: "ok" }, { code: "ok", version: -5 }, "not json"]) {
    const response = await page.request.put("/api/lessons/first-look-at-tensors/cells/make", { data, headers: { "content-type": "application/json" } });
    expect(response.status()).toBe(400);
    const body = await response.json();
    expect(body.error).toMatch(/Invalid request body|valid JSON/);
    expect(JSON.stringify(body)).not.toMatch(/at .*\.(ts|js):\d+/);
  }
  expect(await cells()).toBe(before);
});

test("a guest's work carries over to a new account; sign out and sign in again; home shows progress and Continue", async ({ page }) => {
  const username = uniqueName("learner");
  await openLesson(page, TENSORS_LESSON);
  await typeIntoCell(page, "shape", "console.log('guest work')");
  await expect(saveState(page)).toHaveText("Saved");
  await runCell(page, "shape");
  // The run is reported in the background once it ends: the account can only inherit it once the server has it.
  await expect.poll(async () => ((await (await page.request.get("/api/progress")).json()).progress as { cellsRun: string[] }[]).flatMap((p) => p.cellsRun)).toContain("shape");

  await page.goto("/signup");
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill("a long password");
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page.getByTestId("account-username")).toHaveText(username);

  // Home: progress for the lesson and a Continue link to the cell last run.
  await expect(page.locator('[data-lesson="first-look-at-tensors"]').getByTestId("lesson-progress")).toContainText("1/4 cells run");
  await expect(page.getByTestId("continue-link")).toHaveAttribute("href", "/lessons/first-look-at-tensors#shape");

  await openLesson(page, TENSORS_LESSON);
  await expect.poll(() => editorText(page, "shape")).toContain("guest work");

  // An edit typed just before signing out (inside the autosave pause) is the account's, not the next guest's.
  await typeIntoCell(page, "broadcast", "const typedJustBeforeSignOut = 1");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();
  await openLesson(page, TENSORS_LESSON);
  await expect.poll(() => editorText(page, "shape")).toContain('console.log("shape:", x.shape);');
  expect(await editorText(page, "broadcast")).not.toContain("typedJustBeforeSignOut");
  const guestCells = (await (await page.request.get("/api/lessons/first-look-at-tensors/cells")).json()).cells as { code: string }[];
  expect(guestCells).toEqual([]);

  await page.goto("/signin");
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill("wrong password!");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator("form").getByRole("alert")).toContainText("Wrong username or password");
  await page.getByLabel("Password").fill("a long password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("account-username")).toHaveText(username);
  await openLesson(page, TENSORS_LESSON);
  await expect.poll(() => editorText(page, "shape")).toContain("guest work");
  await expect.poll(() => editorText(page, "broadcast")).toContain("typedJustBeforeSignOut");
  await expect(cell(page, "shape")).toBeVisible();
});

test("shared-cacheable pages set no cookie; a first-time visitor gets a signed learner id from the API and saves", async ({ browser, playwright, baseURL }) => {
  const stranger = await playwright.request.newContext({ baseURL });
  for (const path of [TENSORS_LESSON, "/signin"]) {
    const response = await stranger.get(path);
    expect(response.status()).toBe(200);
    // A CDN or proxy may keep this response and hand it to everyone: it must carry nobody's id.
    expect(response.headers()["cache-control"]).toMatch(/s-maxage|public/);
    expect(response.headers()["set-cookie"]).toBeUndefined();
  }
  await stranger.dispose();

  const context = await browser.newContext();
  const page = await context.newPage();
  await openLesson(page, TENSORS_LESSON);
  await typeIntoCell(page, "make", "const firstVisit = 1");
  await expect(saveState(page)).toHaveText("Saved");
  const learner = (await context.cookies()).find((cookie) => cookie.name === "gb_learner");
  expect(learner?.value).toMatch(/^[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/);
  expect(learner?.httpOnly).toBe(true);
  const cells = (await (await page.request.get("/api/lessons/first-look-at-tensors/cells")).json()).cells as { cellId: string; code: string }[];
  expect(cells.find((c) => c.cellId === "make")?.code).toBe("const firstVisit = 1");
  await context.close();
});
