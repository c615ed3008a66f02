import { expect, test, type Page } from "@playwright/test";
import { cell, editorText, openLesson, runCell, TENSORS_LESSON, typeIntoCell } from "./notebook";
import { uniqueName } from "./unique";

const toolbar = (page: Page) => page.getByRole("toolbar", { name: "Notebook" });

/**
 * The cells whose outputs this browser keeps for the lesson: what the page wrote to IndexedDB
 * (output-store.ts: database "gradbook-outputs", store "lessons", one entry per lesson). Writes are
 * coalesced and land a moment after a run; a test waits for them here, not for a fixed time.
 */
function keptOutputCells(page: Page, slug = "first-look-at-tensors"): Promise<string[]> {
  return page.evaluate(
    (slug) =>
      new Promise<string[]>((resolve, reject) => {
        const open = indexedDB.open("gradbook-outputs");
        // No database yet: nothing kept. Creating it here would leave it without the page's store.
        let absent = false;
        open.onupgradeneeded = () => {
          absent = true;
          open.transaction?.abort();
        };
        open.onerror = () => (absent ? resolve([]) : reject(open.error));
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains("lessons")) {
            db.close();
            return resolve([]);
          }
          const read = db.transaction("lessons", "readonly").objectStore("lessons").get(slug);
          read.onerror = () => reject(read.error);
          read.onsuccess = () => {
            db.close();
            resolve(Object.keys((read.result as Record<string, unknown> | undefined) ?? {}));
          };
        };
      }),
    slug,
  );
}

async function signUp(page: Page, username: string): Promise<void> {
  await page.goto("/signup");
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill("a long password");
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page.getByTestId("account-username")).toHaveText(username);
}

test("a cell's outputs survive a reload, marked as an earlier session's until the cell runs again", async ({ page }) => {
  test.setTimeout(120_000);
  await openLesson(page, TENSORS_LESSON);
  const output = await runCell(page, "make");
  await expect(output).toContainText("tensor([[1., 2., 3.],");
  await expect(output.getByTestId("restored-outputs")).toHaveCount(0);
  // Kept in IndexedDB a moment after the run (writes are coalesced).
  await expect.poll(() => keptOutputCells(page)).toContain("make");
  await page.reload();
  await openLesson(page, TENSORS_LESSON);
  const restored = cell(page, "make").getByTestId("cell-output");
  await expect(restored).toContainText("tensor([[1., 2., 3.],");
  await expect(restored.getByTestId("restored-outputs")).toHaveText("Outputs from an earlier session (Out [1]). Run the cell to refresh them.");
  // The gutter's count is this session's: the cell has not run in it.
  await expect(cell(page, "make").getByTestId("execution-count")).not.toHaveText(/\d/);

  // Editing the code: the restored outputs say they came from other code.
  await typeIntoCell(page, "make", "const x = torch.tensor([[7, 8]]);\nx");
  await expect(restored.getByTestId("restored-outputs")).toContainText("made by code that has changed since");
  await runCell(page, "make");
  await expect(restored).toContainText("tensor([[7., 8.]])");
  await expect(restored.getByTestId("restored-outputs")).toHaveCount(0);

  // Clear outputs forgets them: nothing comes back after a reload.
  await toolbar(page).getByRole("button", { name: "Clear outputs" }).click();
  await expect(cell(page, "make").getByTestId("cell-output")).toHaveCount(0);
  await expect.poll(() => keptOutputCells(page)).not.toContain("make");
  await page.reload();
  await openLesson(page, TENSORS_LESSON);
  // Nothing is kept for the cell (above) and an anonymous learner's outputs are in no server, so
  // nothing can come back: the page, fully loaded, shows none.
  await expect(cell(page, "make").getByTestId("cell-output")).toHaveCount(0);
});

test("an anonymous learner's lesson asks the server for no outputs: no failed request, outputs kept in this browser", async ({ page }) => {
  test.setTimeout(120_000);
  // The outputs API keeps an account's outputs only (403 for an anonymous learner); the page used
  // to ask anyway, on every lesson opened, leaving a failed request in the console each time.
  const failed: string[] = [];
  page.on("response", (response) => {
    if (response.status() >= 400) failed.push(`${response.status()} ${new URL(response.url()).pathname}`);
  });
  await openLesson(page, TENSORS_LESSON);
  // The learner has an identity now (the page minted it); the next visit is a returning one.
  expect((await (await page.request.get("/api/account")).json()).user).toMatchObject({ anonymous: true });
  const output = await runCell(page, "make");
  await expect(output).toContainText("tensor([[1., 2., 3.],");
  await expect.poll(() => keptOutputCells(page)).toContain("make");
  await page.reload();
  await openLesson(page, TENSORS_LESSON);
  await expect(cell(page, "make").getByTestId("cell-output").getByTestId("restored-outputs")).toBeVisible();
  await runCell(page, "shape");
  // The run's outputs are kept (so the store has done what it does after a run) and asked nothing of the server.
  await expect.poll(() => keptOutputCells(page)).toContain("shape");
  expect(failed.filter((entry) => entry.includes("/outputs"))).toEqual([]);
  // The API itself still refuses them an anonymous learner's outputs.
  expect((await page.request.get("/api/lessons/first-look-at-tensors/outputs")).status()).toBe(403);
});

test("a signed-in learner's outputs follow them to another device, and not to the next person", async ({ page, browser }) => {
  test.setTimeout(180_000);
  const username = uniqueName("outputs");
  await signUp(page, username);
  await openLesson(page, TENSORS_LESSON);
  await typeIntoCell(page, "shape", "console.log('from device one')");
  await runCell(page, "shape");
  await expect.poll(async () => (await (await page.request.get("/api/lessons/first-look-at-tensors/outputs")).json()).cells?.length).toBe(1);

  const other = await browser.newContext();
  const second = await other.newPage();
  await second.goto("/signin");
  await second.getByLabel("Username").fill(username);
  await second.getByLabel("Password").fill("a long password");
  await second.getByRole("button", { name: "Sign in" }).click();
  await expect(second.getByTestId("account-username")).toHaveText(username);
  await openLesson(second, TENSORS_LESSON);
  const output = cell(second, "shape").getByTestId("cell-output");
  await expect(output).toContainText("from device one");
  await expect(output.getByTestId("restored-outputs")).toContainText("Outputs from an earlier session (Out [1])");
  await other.close();

  // Signing out forgets this browser's copy: the next guest sees none of it.
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();
  await expect.poll(() => keptOutputCells(page)).toEqual([]);
  await openLesson(page, TENSORS_LESSON);
  // The server's copy is the account's, and the next guest is not it: nothing to restore.
  await expect(cell(page, "shape").getByTestId("cell-output")).toHaveCount(0);
  expect(await keptOutputCells(page)).toEqual([]);
});

test("engine names print as the learner wrote them in the production build", async ({ page }) => {
  await openLesson(page, TENSORS_LESSON);
  await typeIntoCell(page, "make", "console.log(new nn.Linear(2, 3).constructor.name, torch.ones([2]).constructor.name);\n({ layer: new nn.ReLU(), w: torch.tensor([1, 2]) })");
  const output = await runCell(page, "make");
  await expect(output).toContainText("Linear Tensor");
  await expect(output).toContainText("{ layer: ReLU(), w: tensor([1., 2.]) }");
});

test("a learner's cell prints shapes, state dicts and complex tensors as PyTorch prints them", async ({ page }) => {
  await openLesson(page, TENSORS_LESSON);
  await typeIntoCell(
    page,
    "make",
    "const lin = new nn.Linear(1, 1); lin.weight.data.fill_(0.5); lin.bias.data.fill_(-1);\nprint(torch.zeros(2, 3).shape, lin.state_dict());\nconst z = torch.complex(torch.tensor([1, 2]), torch.tensor([3, -4]));\nz.mul(z)",
  );
  const output = await runCell(page, "make");
  // torch 1.13's own text for the same Python (python3 -c "... print(z * z)").
  await expect(output).toContainText("torch.Size([2, 3]) OrderedDict([('weight', tensor([[0.5000]])), ('bias', tensor([-1.]))])");
  await expect(output).toContainText("tensor([ -8.+6.j, -12.-16.j])");
});

test("a plain tensor assigned over a layer's parameter raises torch's TypeError in the cell, and the layer keeps its parameter", async ({ page }) => {
  await openLesson(page, TENSORS_LESSON);
  await typeIntoCell(
    page,
    "make",
    "const lin = new nn.Linear(1, 1);\ntry { lin.weight = torch.randn(1, 1); } catch (e) { print(String(e)); }\nprint(lin.named_parameters().length);\nlin.bias = torch.zeros(1);",
  );
  const output = await runCell(page, "make");
  // torch 1.13's text for `lin.weight = torch.randn(1, 1)` on an nn.Linear
  await expect(output).toContainText("cannot assign 'torch.FloatTensor' as parameter 'weight' (torch.nn.Parameter or None expected)");
  await expect(output).toContainText("2");
  await expect(output).toContainText("cannot assign 'torch.FloatTensor' as parameter 'bias'");
});

test("solutions and hints stay revealed after a reload; the solution copies into the editor, asking before overwriting", async ({ page }) => {
  test.setTimeout(120_000);
  await openLesson(page, TENSORS_LESSON);
  const exercise = page.getByTestId("exercise-row-means");
  await exercise.getByRole("button", { name: /Show hint/ }).click();
  await expect(exercise.getByTestId("hints").locator("li")).toHaveCount(1);
  await exercise.getByRole("button", { name: "Show solution" }).click();
  await exercise.getByRole("button", { name: "Show it anyway" }).click();
  await expect(exercise.getByTestId("solution")).toContainText("mean(1)");

  await page.reload();
  await openLesson(page, TENSORS_LESSON);
  const again = page.getByTestId("exercise-row-means");
  await expect(again.getByTestId("hints").locator("li")).toHaveCount(1);
  await expect(again.getByTestId("solution")).toContainText("mean(1)");
  await expect(again.getByRole("alertdialog")).toHaveCount(0);

  const view = again.locator(".view-lines");
  // The editor holds the starter: copied without a question.
  let asked = 0;
  page.on("dialog", (dialog) => {
    asked++;
    void dialog.dismiss();
  });
  await again.getByRole("button", { name: "Copy into editor" }).click();
  await expect.poll(async () => (await view.innerText()).replace(/\u00a0/g, " ")).toContain("mean(1)");
  expect(asked).toBe(0);

  // Edited code: the copy asks first, and declining keeps the learner's code.
  await again.locator(".monaco-editor").click();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("Delete");
  await page.keyboard.type("const mine = 1");
  await again.getByRole("button", { name: "Copy into editor" }).click();
  await expect.poll(() => asked).toBe(1);
  expect((await view.innerText()).replace(/\u00a0/g, " ")).toContain("const mine = 1");
});

test("leaving a lesson right after an edit raises no uncaught error", async ({ page }) => {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(`${error.name}: ${error.message}`));
  await openLesson(page, TENSORS_LESSON);
  await typeIntoCell(page, "make", "const left = 1");
  await page.getByRole("link", { name: /Gradbook/ }).first().click();
  await page.waitForURL((url) => url.pathname === "/");
  // The edit left with the page (saved on the way out, or kept and sent by the next page): once it
  // is back, whatever the leaving did has happened, and raised nothing.
  await openLesson(page, TENSORS_LESSON);
  await expect.poll(() => editorText(page, "make")).toContain("const left = 1");
  expect(errors).toEqual([]);
});

test("the site has a favicon", async ({ page }) => {
  await page.goto("/");
  const href = await page.locator('link[rel="icon"]').first().getAttribute("href");
  expect(href).toMatch(/icon/);
  const response = await page.request.get(href!);
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toContain("image/svg+xml");
});

test("re-running a cell replaces its outputs and charts instead of piling them up", async ({ page }) => {
  await openLesson(page, TENSORS_LESSON);
  await typeIntoCell(page, "make", "plot.line({ y: [1, 3, 2] }); print('ran')");
  await runCell(page, "make");
  const charts = page.locator(".js-plotly-plot");
  await expect(charts).toHaveCount(1);
  const svgsAfterOne = await page.locator("svg.main-svg").count();
  for (let i = 0; i < 5; i++) await cell(page, "make").getByRole("button", { name: "Run cell" }).click();
  await expect(cell(page, "make").getByTestId("execution-count")).toHaveText("[6]");
  await expect(charts).toHaveCount(1);
  expect(await page.locator("svg.main-svg").count()).toBe(svgsAfterOne);
  await expect(cell(page, "make").locator(".output-stream")).toHaveText("ran\n");
  await page.getByRole("toolbar", { name: "Notebook" }).getByRole("button", { name: "Clear outputs" }).click();
  await expect(charts).toHaveCount(0);
  await expect(page.locator("svg.main-svg")).toHaveCount(0);
});
