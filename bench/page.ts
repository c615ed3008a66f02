/**
 * `npm run bench -- page`: the lesson page and the gradebook in Debian's Chromium against a
 * production build (scripts/test-server.mjs on a fresh temporary database; NEXT_DIST_DIR picks
 * the build directory):
 * - first contentful paint of the Activation Functions lesson, and the time until its first
 *   cell can be run (Run enabled, kernel idle);
 * - JavaScript fetched before the first run, split app / engine (the kernel worker's script and
 *   the chunks it imports) / editor (Monaco, served from /vendor/monaco), and whether Monaco's
 *   first script arrived after the page was usable (CodeEditor defers it until then);
 * - gradebook render time with 1,000 learners x 30 exercises seeded (first view, then warm);
 * - Run all time for the lesson, and the page's memory (main thread and workers) after each of
 *   PAGE_BENCH_RUN_ALLS (default 5) Run alls: it must level off, not keep growing.
 */
import { execFileSync } from "node:child_process";
import type { Browser, Page, Response } from "@playwright/test";
import { seedClass, withRetiredExercises } from "../tests/browser/seed-gradebook";
import { withProductionServer } from "./browser-server";

const LESSON = "/lessons/activation-functions";
const RUN_ALLS = Number(process.env.PAGE_BENCH_RUN_ALLS ?? 5);
/** Memory may grow by at most this fraction from the second Run all to the last to count as levelled off. */
const MEMORY_GROWTH_LIMIT = 0.1;
const PASSWORD = "correct horse battery";
/** Lazy loading is over once no script has arrived for this long. */
const SCRIPTS_QUIET_MS = 3000;

type Kind = "app" | "engine" | "editor";

/**
 * The scripts of the kernel worker (lib/notebook/create-worker.ts), as paths: the worker's own
 * script and every chunk it imports. Turbopack starts a worker with a small bootstrap script whose
 * `params` (query, or `#params=` hash) list the chunks the bootstrap loads with importScripts.
 */
function workerScripts(workerUrl: string): string[] {
  const url = new URL(workerUrl);
  const params = url.searchParams.get("params") ?? (url.hash.startsWith("#params=") ? decodeURIComponent(url.hash.slice("#params=".length)) : null);
  const chunks: unknown[] = params ? ((JSON.parse(params) as unknown[])[0] as unknown[] | undefined) ?? [] : [];
  const paths = chunks.map((chunk) => (typeof chunk === "string" ? chunk : (chunk as { path: string }).path));
  return [url.pathname, ...paths.map((chunk) => new URL(chunk, url).pathname)];
}

/**
 * Which part of the product a script is, by what it is: Monaco by where it is served from
 * (CodeEditor loads it from /vendor/monaco), the engine by being the kernel worker's script or
 * one it imports (workerScripts), everything else the app.
 */
function classify(url: string, engineScripts: ReadonlySet<string>): Kind {
  const { pathname } = new URL(url);
  if (pathname.startsWith("/vendor/monaco/")) return "editor";
  if (engineScripts.has(pathname)) return "engine";
  return "app";
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

interface Script {
  url: string;
  decoded: number;
  transferred: number;
  /** When it was requested, and when its last byte arrived, in ms since the epoch. */
  requestedAt: number;
  arrivedAt: number;
}

async function scriptOf(response: Response): Promise<Script | null> {
  const request = response.request();
  if (!(request.resourceType() === "script" || /\.m?js(\?|$)/.test(response.url()))) return null;
  const body = await response.body();
  const timing = request.timing();
  // Timing and sizes can be missing (-1, or an error) for a worker's requests: fall back to now and 0.
  const arrivedAt = timing.responseEnd >= 0 ? timing.startTime + timing.responseEnd : Date.now();
  const transferred = await request.sizes().then((sizes) => sizes.responseBodySize, () => 0);
  return { url: response.url(), decoded: body.length, transferred, requestedAt: timing.startTime > 0 ? timing.startTime : arrivedAt, arrivedAt };
}

async function lessonLoad(browser: Browser, base: string): Promise<void> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const pending: Promise<Script | null>[] = [];
  let counting = true;
  let lastScriptAt = Date.now();
  // Worker scripts are requested by the worker, not the page: the context sees both.
  const onResponse = (response: Response) => {
    if (!counting) return;
    pending.push(scriptOf(response).catch(() => null));
    if (response.request().resourceType() === "script") lastScriptAt = Date.now();
  };
  context.on("response", onResponse);
  const workers: string[] = [];
  page.on("worker", (worker) => workers.push(worker.url()));
  await page.goto(`${base}${LESSON}`);
  // The moment the first cell can be run, polled every frame in the page. (No named functions
  // inside: tsx's keepNames would wrap them in a `__name` helper the page does not have.)
  const interactive = (await (
    await page.waitForFunction(
      () => {
        const run = document.querySelector<HTMLButtonElement>('section.cell button[aria-label="Run cell"]');
        const idle = document.querySelector('[data-testid="kernel-status"]')?.textContent === "idle";
        return run !== null && !run.disabled && idle ? performance.now() : false;
      },
      undefined,
      { polling: "raf", timeout: 120_000 },
    )
  ).jsonValue()) as number;
  const timing = {
    interactive,
    ...(await page.evaluate(() => ({ fcp: performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? NaN, timeOrigin: performance.timeOrigin }))),
  };
  const usableAt = timing.timeOrigin + timing.interactive;
  // What a learner's browser fetches before their first run: the page, then the editors (Monaco
  // replaces the static code once loaded) and whatever else loads lazily, until no script has
  // arrived for SCRIPTS_QUIET_MS. (The page never reaches "networkidle": it keeps a connection.)
  await page.locator(".monaco-editor").first().waitFor({ timeout: 120_000 });
  const quietDeadline = Date.now() + 120_000;
  while (Date.now() - lastScriptAt < SCRIPTS_QUIET_MS) {
    if (Date.now() > quietDeadline) throw new Error("Scripts kept arriving for two minutes after Monaco loaded");
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  counting = false;
  context.off("response", onResponse);
  // The kernel worker and any worker it starts (GEMM threads) are the engine; Monaco's own
  // workers come from /vendor/monaco.
  const engineWorkers = workers.filter((url) => new URL(url).pathname.startsWith("/_next/"));
  if (engineWorkers.length === 0) throw new Error(`No kernel worker started (workers: ${workers.join(", ") || "none"}): engine bytes cannot be told apart`);
  const engineScripts = new Set(engineWorkers.flatMap(workerScripts));
  const scripts = (await Promise.all(pending)).filter((s): s is Script => s !== null).map((s) => ({ ...s, kind: classify(s.url, engineScripts) }));
  const sum = (kind: Kind, field: "decoded" | "transferred", before = Infinity) => scripts.filter((s) => s.kind === kind && s.arrivedAt <= before).reduce((total, s) => total + s[field], 0);
  const split = (field: "decoded" | "transferred", before = Infinity) =>
    `app ${kb(sum("app", field, before))}, engine ${kb(sum("engine", field, before))}, editor ${kb(sum("editor", field, before))}; total ${kb(sum("app", field, before) + sum("engine", field, before) + sum("editor", field, before))}`;
  console.log(`lesson first contentful paint: ${timing.fcp.toFixed(0)} ms; first cell runnable (Run enabled, kernel idle): ${timing.interactive.toFixed(0)} ms after navigation`);
  console.log(`JS before the first run (${scripts.length} scripts), decoded: ${split("decoded")}`);
  console.log(`JS before the first run, transferred (compressed): ${split("transferred")}`);
  console.log(`  of which before the first cell was runnable, decoded: ${split("decoded", usableAt)}`);
  const monaco = scripts.filter((s) => s.kind === "editor");
  if (monaco.length === 0) {
    console.log("Monaco: no script from /vendor/monaco was fetched before the network went quiet (NOT loaded)");
  } else {
    // Judged by the first request, not the first arrival: a request in flight already competes.
    const requested = Math.min(...monaco.map((s) => s.requestedAt)) - timing.timeOrigin;
    const first = Math.min(...monaco.map((s) => s.arrivedAt)) - timing.timeOrigin;
    const last = Math.max(...monaco.map((s) => s.arrivedAt)) - timing.timeOrigin;
    const gap = requested - timing.interactive;
    console.log(
      `Monaco (${monaco.length} scripts): first requested ${requested.toFixed(0)} ms, first arrived ${first.toFixed(0)} ms, last ${last.toFixed(0)} ms after navigation; first cell runnable at ${timing.interactive.toFixed(0)} ms: ` +
        (gap >= 0 ? `Monaco loads after the page is usable (yes: first requested ${gap.toFixed(0)} ms later)` : `Monaco loads BEFORE the page is usable (NO: first requested ${(-gap).toFixed(0)} ms earlier)`),
    );
  }
  await context.close();
}

/** Clicks Run all and waits until the first cell has a new execution count and no cell is queued or running. */
async function runAllOnce(page: Page): Promise<number> {
  const firstCount = page.locator('section.cell [data-testid="execution-count"]').first();
  const before = await firstCount.textContent();
  const started = Date.now();
  await page.getByRole("toolbar", { name: "Notebook" }).getByRole("button", { name: "Run all", exact: true }).click();
  await page.waitForFunction(
    (previous) =>
      document.querySelector('section.cell [data-testid="execution-count"]')?.textContent !== previous &&
      document.querySelectorAll('[data-cell-id][data-state="queued"], [data-cell-id][data-state="running"]').length === 0,
    before,
    { timeout: 900_000, polling: 250 },
  );
  const elapsed = Date.now() - started;
  const errors = await page.locator(".output-error").count();
  if (errors > 0) throw new Error(`Run all ended with ${errors} error output(s): the figures would not be a full Run all`);
  return elapsed;
}

/**
 * Memory of the page and its workers: performance.measureUserAgentSpecificMemory (the app is
 * cross-origin isolated, which it needs) reports after the next garbage collection, so the
 * figure is live memory, not garbage. Chromium forces that collection within 20 s.
 */
async function pageMemoryMB(page: Page): Promise<number> {
  const bytes = await page.evaluate(async () => {
    const measure = (performance as unknown as { measureUserAgentSpecificMemory?: () => Promise<{ bytes: number }> }).measureUserAgentSpecificMemory;
    if (!measure || !crossOriginIsolated) throw new Error("performance.measureUserAgentSpecificMemory needs a cross-origin isolated page in Chromium");
    return (await measure.call(performance)).bytes;
  });
  return bytes / 1024 / 1024;
}

async function runAlls(browser: Browser, base: string): Promise<void> {
  const page = await browser.newPage();
  await page.goto(`${base}${LESSON}`);
  await page.getByTestId("kernel-status").filter({ hasText: "idle" }).waitFor({ timeout: 120_000 });
  await page.locator(".monaco-editor").first().waitFor({ timeout: 120_000 });
  const times: number[] = [];
  const memory: number[] = [await pageMemoryMB(page)];
  console.log(`Activation Functions, ${RUN_ALLS} Run alls in one page (memory: main thread + workers, after GC; before the first: ${memory[0].toFixed(0)} MB)`);
  for (let i = 0; i < RUN_ALLS; i++) {
    times.push(await runAllOnce(page));
    memory.push(await pageMemoryMB(page));
    console.log(`  Run all ${i + 1}: ${seconds(times[i])}, memory after: ${memory[i + 1].toFixed(0)} MB`);
  }
  console.log(`Run all, Activation Functions: first ${seconds(times[0])} (loads the MNIST digits), median ${seconds(median(times))} over ${times.length}`);
  console.log(`page memory after each Run all: ${memory.slice(1).map((m) => m.toFixed(0)).join(" / ")} MB`);
  if (memory.length > 3) {
    const growth = memory.at(-1)! - memory[2];
    const bounded = growth <= MEMORY_GROWTH_LIMIT * memory[2];
    console.log(`  growth from Run all 2 to ${RUN_ALLS}: ${growth.toFixed(0)} MB (${((100 * growth) / memory[2]).toFixed(1)} %): ${bounded ? "levels off (yes)" : `keeps growing (NO: over ${MEMORY_GROWTH_LIMIT * 100} %)`}`);
  }
  await page.close();
}

async function gradebook(browser: Browser, base: string, databaseUrl: string): Promise<void> {
  const username = `benchteacher${Date.now() % 100000}`;
  execFileSync("npm", ["run", "--silent", "user:create", "--", "--username", username, "--instructor", "--password", PASSWORD], { env: { ...process.env, DATABASE_URL: databaseUrl }, stdio: "pipe" });
  const context = await browser.newContext({ baseURL: base });
  const page = await context.newPage();
  page.setDefaultTimeout(120_000);
  const signin = await page.request.post("/api/account/signin", { data: { username, password: PASSWORD } });
  if (!signin.ok()) throw new Error(`The bench instructor could not sign in: HTTP ${signin.status()}`);
  const { exercises } = (await (await page.request.get("/api/instructor/gradebook")).json()) as { exercises: { key: string; inCourse: boolean }[] };
  const exerciseKeys = withRetiredExercises(
    exercises.filter((e) => e.inCourse).map((e) => e.key),
    30,
  );
  seedClass(databaseUrl, { learners: 1000, guests: 20, exerciseKeys });
  /** Server render (navigation start to first byte) and DOMContentLoaded of one gradebook view. */
  const load = async (url: string) => {
    await page.goto(url);
    const rows = Number(await page.getByTestId("gradebook").getAttribute("data-rows"));
    const times = await page.evaluate(() => {
      const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
      return { server: nav.responseStart - nav.startTime, ready: nav.domContentLoadedEventEnd - nav.startTime };
    });
    return { rows, ...times };
  };
  const first = await load("/instructor");
  const sorted: Awaited<ReturnType<typeof load>>[] = [];
  const big: Awaited<ReturnType<typeof load>>[] = [];
  for (let i = 0; i < 5; i++) {
    sorted.push(await load("/instructor?sort=total&dir=desc"));
    big.push(await load("/instructor?pageSize=200"));
  }
  const summary = (views: Awaited<ReturnType<typeof load>>[]) => `${views[0].rows} rows, median ${median(views.map((v) => v.ready)).toFixed(0)} ms (server ${median(views.map((v) => v.server)).toFixed(0)} ms)`;
  console.log(`gradebook, 1,000 learners x ${exerciseKeys.length} exercises (+20 guests), navigation to DOMContentLoaded:`);
  console.log(`  first view: ${first.rows} rows, ${first.ready.toFixed(0)} ms (server ${first.server.toFixed(0)} ms); sorted by total: ${summary(sorted)}; page of 200: ${summary(big)}`);
  await context.close();
}

export async function pageBench(): Promise<void> {
  console.log("\nLesson page and gradebook in Chromium (a production build; the first run builds)");
  await withProductionServer({}, async ({ base, databaseUrl, browser }) => {
    await lessonLoad(browser, base);
    await gradebook(browser, base, databaseUrl);
    await runAlls(browser, base);
  });
}

if (process.argv[1]?.endsWith("page.ts")) {
  pageBench().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
