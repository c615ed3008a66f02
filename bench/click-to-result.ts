/**
 * Median time from clicking "Run cell" to the result being on screen, for a trivial cell on
 * a loaded lesson page, in Debian's Chromium against a production build. Measured inside
 * the page (click, then a MutationObserver on the cell's execution count), so the test
 * driver's round trips are not counted. Goal: at most 100 ms (a Pyodide kernel takes seconds).
 */
import { withProductionServer } from "./browser-server";

const RUNS = 25;

export async function clickToResult(): Promise<void> {
  process.stdout.write("building/starting a production server (first run builds: about a minute)...\n");
  await withProductionServer({ buildTimeoutMs: 600_000 }, async ({ base, browser }) => {
    const page = await browser.newPage();
    await page.goto(`${base}/lessons/first-look-at-tensors`);
    await page.getByTestId("kernel-status").filter({ hasText: "idle" }).waitFor({ timeout: 60_000 });
    const samples: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      samples.push(
        await page.evaluate(
          () =>
            new Promise<number>((resolve) => {
              const cell = document.querySelector('section.cell[data-cell-id="make"]')!;
              const count = cell.querySelector('[data-testid="execution-count"]')!;
              const before = count.textContent;
              const started = performance.now();
              const observer = new MutationObserver(() => {
                if (count.textContent !== before && /\[\d+\]/.test(count.textContent ?? "") && cell.querySelector(".output-result")) {
                  observer.disconnect();
                  // The next frame is when the learner can see it.
                  requestAnimationFrame(() => resolve(performance.now() - started));
                }
              });
              observer.observe(cell, { subtree: true, childList: true, characterData: true });
              cell.querySelector<HTMLButtonElement>('button[aria-label="Run cell"]')!.click();
            }),
        ),
      );
    }
    samples.sort((a, b) => a - b);
    const median = samples[Math.floor(samples.length / 2)];
    const p90 = samples[Math.floor(samples.length * 0.9)];
    console.log(`click-to-result, trivial cell (${RUNS} runs): median ${median.toFixed(1)} ms, p90 ${p90.toFixed(1)} ms  (goal <= 100 ms: ${median <= 100 ? "yes" : "NO"})`);
  });
}
