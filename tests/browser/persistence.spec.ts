import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { expect, test, type Page } from "@playwright/test";
import { cell, editorText, openLesson, TENSORS_LESSON, typeIntoCell } from "./notebook";

const saveState = (page: Page) => page.getByTestId("save-state");

test("an edit is saved about a second after typing stops and is there after a reload", async ({ page }) => {
  await openLesson(page, TENSORS_LESSON);
  await typeIntoCell(page, "make", "const x = torch.ones([2, 2]); // autosaved");
  await expect(saveState(page)).toHaveText("Saved");
  await page.reload();
  await openLesson(page, TENSORS_LESSON);
  await expect.poll(() => editorText(page, "make")).toContain("// autosaved");
});

test("two tabs editing one cell keep the newest edit, and the other tab is shown it", async ({ context }) => {
  const first = await context.newPage();
  const second = await context.newPage();
  await openLesson(first, TENSORS_LESSON);
  await openLesson(second, TENSORS_LESSON);
  await typeIntoCell(first, "shape", "console.log('older edit from tab one')");
  await expect(saveState(first)).toHaveText("Saved");
  await typeIntoCell(second, "shape", "console.log('newest edit from tab two')");
  await expect(saveState(second)).toHaveText("Saved");
  // The first tab learns the newer code without reloading.
  await expect.poll(() => editorText(first, "shape"), { timeout: 10_000 }).toContain("newest edit from tab two");
  const response = await first.request.get("/api/lessons/first-look-at-tensors/cells");
  const cells = (await response.json()).cells as { cellId: string; code: string }[];
  expect(cells.find((c) => c.cellId === "shape")?.code).toBe("console.log('newest edit from tab two')");
});

test("an older write from a stale tab is refused and answered with the newer code", async ({ page }) => {
  await openLesson(page, TENSORS_LESSON);
  const url = "/api/lessons/first-look-at-tensors/cells/broadcast";
  expect((await page.request.put(url, { data: { code: "newer", version: Date.now() + 60_000 } })).status()).toBe(200);
  const stale = await page.request.put(url, { data: { code: "older", version: Date.now() } });
  expect(stale.status()).toBe(409);
  expect((await stale.json()).cell.code).toBe("newer");
});

test("Reset cell asks first, then restores the lesson's original code", async ({ page }) => {
  await openLesson(page, TENSORS_LESSON);
  await typeIntoCell(page, "grad", "const changed = 1");
  await expect(saveState(page)).toHaveText("Saved");
  page.once("dialog", (dialog) => void dialog.dismiss());
  await cell(page, "grad").getByRole("button", { name: "Reset cell" }).click();
  await expect.poll(() => editorText(page, "grad")).toContain("const changed = 1");
  page.once("dialog", (dialog) => void dialog.accept());
  await cell(page, "grad").getByRole("button", { name: "Reset cell" }).click();
  await expect.poll(() => editorText(page, "grad")).toContain("requires_grad: true");
  await expect(saveState(page)).toHaveText("Saved");
  await page.reload();
  await openLesson(page, TENSORS_LESSON);
  await expect.poll(() => editorText(page, "grad")).toContain("requires_grad: true");
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A second production server on the same build, with its own database, that the test can stop and start. */
class OwnServer {
  private child: ChildProcess | null = null;
  constructor(
    readonly port: number,
    private readonly databaseUrl: string,
  ) {}

  async start(): Promise<void> {
    this.child = spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "-p", String(this.port), "-H", "127.0.0.1"], {
      env: { ...process.env, DATABASE_URL: this.databaseUrl, PORT: String(this.port) },
      stdio: "ignore",
    });
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      try {
        if ((await fetch(`http://127.0.0.1:${this.port}/api/account`)).ok) return;
      } catch {
        // not up yet
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error("own server did not start");
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
    this.child = null;
  }
}

test("an edit typed while the server is down is saved once it is back", async ({ browser }) => {
  test.setTimeout(180_000);
  const dir = mkdtempSync(path.join(os.tmpdir(), "gradbook-restart-"));
  const databaseUrl = `file:${path.join(dir, "restart.db")}`;
  execFileSync(process.execPath, ["scripts/db/migrate.mjs", "deploy"], { env: { ...process.env, DATABASE_URL: databaseUrl }, stdio: "pipe" });
  const server = new OwnServer(await freePort(), databaseUrl);
  await server.start();
  const context = await browser.newContext({ baseURL: `http://127.0.0.1:${server.port}` });
  try {
    const page = await context.newPage();
    await openLesson(page, TENSORS_LESSON);
    await typeIntoCell(page, "make", "const before = 'saved while up'");
    await expect(saveState(page)).toHaveText("Saved");

    await server.stop();
    await typeIntoCell(page, "make", "const during = 'typed while the server was down'");
    await expect(saveState(page)).toHaveText("Offline", { timeout: 15_000 });

    await server.start();
    await expect(saveState(page)).toHaveText("Saved", { timeout: 30_000 });
    const cells = (await (await page.request.get("/api/lessons/first-look-at-tensors/cells")).json()).cells as { cellId: string; code: string }[];
    expect(cells.find((c) => c.cellId === "make")?.code).toBe("const during = 'typed while the server was down'");
  } finally {
    await context.close();
    await server.stop();
  }
});
