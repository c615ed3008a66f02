/**
 * `npm run bench -- page`: the lesson page and the gradebook in Debian's Chromium against a
 * production build (scripts/test-server.mjs on a fresh temporary database):
 * - first contentful paint of the Activation Functions lesson, and the time until its first
 *   cell can be run (Run enabled, kernel idle);
 * - JavaScript bytes fetched before the first run, split app / engine (the kernel worker and
 *   what it loads) / editor (Monaco), and when Monaco arrived relative to that first-cell time;
 * - Run all time for the lesson, and the page's memory (main thread and workers, after GC)
 *   after each of PAGE_BENCH_RUN_ALLS (default 5) Run alls: it must level off, not keep growing;
 * - gradebook render time with 1,000 learners x 30 exercises seeded (first view, then cached).
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { chromium, type Browser, type Page } from "@playwright/test";
import { seedClass, withRetiredExercises } from "../tests/browser/seed-gradebook";

const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const LESSON = "/lessons/activation-functions";
const RUN_ALLS = Number(process.env.PAGE_BENCH_RUN_ALLS ?? 5);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

async function waitForServer(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`The server at ${url} did not start within ${timeoutMs / 1000} s`);
}

type Kind = "app" | "engine" | "editor";

/**
 * Which part of the product a script is: Monaco by its own class names, the engine and kernel
 * (the worker's bundle) by a name only the engine has, everything else the app.
 */
function classify(body: string): Kind {
  if (body.includes("monaco-editor")) return "editor";
  if (body.includes("NonDynamicallyQuantizableLinear")) return "engine";
  return "app";
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;

async function lessonLoad(browser: Browser, base: string): Promise<void> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const scripts: { kind: Kind; bytes: number; at: number }[] = [];
  const started = Date.now();
  let firstRunClicked = false;
  const pending: Promise<void>[] = [];
  // Worker scripts are requested by the worker, not the page: the context sees both.
  context.on("response", (response) => {
    if (firstRunClicked) return;
    const type = response.request().resourceType();
    if (!(type === "script" || /\.m?js(\?|$)/.test(response.url()))) return;
    const at = Date.now() - started;
    pending.push(
      response
        .body()
        .then((body) => void scripts.push({ kind: classify(body.toString("latin1")), bytes: body.length, at }))
        .catch(() => undefined),
    );
  });
  await page.goto(`${base}${LESSON}`);
  const timing = await page.evaluate(
    () =>
      new Promise<{ fcp: number; interactive: number }>((resolve) => {
        const check = () => {
          const run = document.querySelector<HTMLButtonElement>('section.cell button[aria-label="Run cell"]');
          const idle = document.querySelector('[data-testid="kernel-status"]')?.textContent === "idle";
          if (run && !run.disabled && idle) {
            const fcp = performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? NaN;
            resolve({ fcp, interactive: performance.now() });
          } else requestAnimationFrame(check);
        };
        check();
      }),
  );
  // Let lazy chunks (Monaco, Plotly prefetch) arrive, then count what came before the first run.
  await page.waitForTimeout(5000);
  firstRunClicked = true;
  await Promise.all(pending);
  const total = (kind: Kind) => scripts.filter((s) => s.kind === kind).reduce((sum, s) => sum + s.bytes, 0);
  const monacoAt = Math.min(...scripts.filter((s) => s.kind === "editor").map((s) => s.at));
  console.log(`lesson first contentful paint: ${timing.fcp.toFixed(0)} ms; first cell runnable (Run enabled, kernel idle): ${timing.interactive.toFixed(0)} ms`);
  console.log(`JS before the first run (decoded bytes): app ${kb(total("app"))}, engine ${kb(total("engine"))}, editor ${kb(total("editor"))}; total ${kb(total("app") + total("engine") + total("editor"))}`);
  console.log(
    Number.isFinite(monacoAt)
      ? `Monaco's first chunk arrived ${monacoAt} ms after navigation (first cell runnable at ${timing.interactive.toFixed(0)} ms: ${monacoAt >= timing.interactive ? "after" : "BEFORE"} the page was usable)`
      : "Monaco did not load within 5 s of the page being usable",
  );
  await context.close();
}

async function runAllOnce(page: Page): Promise<number> {
  const started = Date.now();
  await page.getByRole("button", { name: "Run all", exact: true }).click();
  await page.waitForFunction(() => document.querySelectorAll('[data-cell-id][data-state="queued"], [data-cell-id][data-state="running"]').length === 0, undefined, { timeout: 900_000, polling: 500 });
  return Date.now() - started;
}

/** Memory of the page and its workers after a GC (measureUserAgentSpecificMemory needs cross-origin isolation, which the app has). */
async function pageMemoryMB(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("HeapProfiler.collectGarbage");
  const measured = await page.evaluate(async () => {
    const measure = (performance as unknown as { measureUserAgentSpecificMemory?: () => Promise<{ bytes: number }> }).measureUserAgentSpecificMemory;
    if (!measure || !crossOriginIsolated) return null;
    return (await measure.call(performance)).bytes;
  });
  if (measured !== null) return measured / 1024 / 1024;
  const { usedSize } = (await cdp.send("Runtime.getHeapUsage")) as { usedSize: number };
  return usedSize / 1024 / 1024;
}

async function runAlls(browser: Browser, base: string): Promise<void> {
  const page = await browser.newPage();
  await page.goto(`${base}${LESSON}`);
  await page.getByTestId("kernel-status").filter({ hasText: "idle" }).waitFor({ timeout: 120_000 });
  const times: number[] = [];
  const memory: number[] = [await pageMemoryMB(page)];
  for (let i = 0; i < RUN_ALLS; i++) {
    times.push(await runAllOnce(page));
    memory.push(await pageMemoryMB(page));
    console.log(`  Run all ${i + 1}: ${(times[i] / 1000).toFixed(1)} s, memory after: ${memory[i + 1].toFixed(0)} MB`);
  }
  const sorted = [...times].sort((a, b) => a - b);
  console.log(`Run all, Activation Functions: median ${(sorted[Math.floor(sorted.length / 2)] / 1000).toFixed(1)} s over ${times.length}`);
  const growthLast = memory.length > 3 ? memory.at(-1)! - memory[2] : NaN;
  console.log(`page memory (main + workers, after GC): before ${memory[0].toFixed(0)} MB, after each Run all ${memory.slice(1).map((m) => m.toFixed(0)).join(" / ")} MB; growth from Run all 2 to ${RUN_ALLS}: ${growthLast.toFixed(0)} MB`);
  await page.close();
}

async function gradebook(browser: Browser, base: string, databaseUrl: string): Promise<void> {
  const username = `benchteacher${Date.now() % 100000}`;
  execFileSync("npm", ["run", "--silent", "user:create", "--", "--username", username, "--instructor", "--password", "correct horse battery"], { env: { ...process.env, DATABASE_URL: databaseUrl }, stdio: "pipe" });
  const context = await browser.newContext({ baseURL: base });
  const page = await context.newPage();
  await page.request.post("/api/account/signin", { data: { username, password: "correct horse battery" } });
  const { exercises } = (await (await page.request.get("/api/instructor/gradebook")).json()) as { exercises: { key: string; inCourse: boolean }[] };
  seedClass(databaseUrl, { learners: 1000, guests: 20, exerciseKeys: withRetiredExercises(exercises.filter((e) => e.inCourse).map((e) => e.key), 30) });
  const load = async (url: string) => {
    await page.goto(url);
    await page.getByTestId("gradebook").waitFor();
    return page.evaluate(() => {
      const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
      return nav.domContentLoadedEventEnd - nav.startTime;
    });
  };
  const first = await load("/instructor");
  const warm: number[] = [];
  const big: number[] = [];
  for (let i = 0; i < 5; i++) {
    warm.push(await load("/instructor?sort=total&dir=desc"));
    big.push(await load("/instructor?pageSize=200"));
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  console.log(`gradebook 1,000 learners x 30 exercises (navigation to DOMContentLoaded): first view ${first.toFixed(0)} ms; 50 rows median ${median(warm).toFixed(0)} ms; 200 rows median ${median(big).toFixed(0)} ms`);
  await context.close();
}

export async function pageBench(): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    console.log(`skipped: Chromium not found at ${CHROMIUM}`);
    return;
  }
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const databaseUrl = `file:${path.join(mkdtempSync(path.join(os.tmpdir(), "gradbook-bench-")), "bench.db")}`;
  console.log("\nLesson page and gradebook in Chromium (a production build; the first run builds)");
  const server = spawn(process.execPath, ["scripts/test-server.mjs"], { env: { ...process.env, PORT: String(port), DATABASE_URL: databaseUrl }, stdio: "ignore", detached: true });
  try {
    await waitForServer(`${base}/`, 900_000);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"] });
    try {
      await lessonLoad(browser, base);
      await gradebook(browser, base, databaseUrl);
      await runAlls(browser, base);
    } finally {
      await browser.close();
    }
  } finally {
    if (server.pid) process.kill(-server.pid, "SIGTERM");
  }
}

if (process.argv[1]?.endsWith("page.ts")) {
  pageBench().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
