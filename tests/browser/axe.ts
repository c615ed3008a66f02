import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";

/**
 * axe-core's verdict on the page as it is now: no serious or critical violation. The failure
 * message names each rule with up to three offending elements, so a CI log is enough to fix it.
 */
export async function expectNoSeriousViolations(page: Page, what: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((violation) => violation.impact === "serious" || violation.impact === "critical");
  const report = serious
    .map((v) => `${v.id} (${v.impact}, ${v.nodes.length}x): ${v.help}\n    ${v.nodes.slice(0, 3).map((n) => `${n.target.join(" ")} ${n.failureSummary?.split("\n")[1] ?? ""}`).join("\n    ")}`)
    .join("\n  ");
  expect(serious, `${what}:\n  ${report}`).toEqual([]);
}

/**
 * Waits until a fully run lesson's outputs are all in the page: every Plotly chart drawn (Plotly
 * loads lazily and draws after its cell ended) and every experiment comparison past "Loading runs…".
 * axe must see the final DOM, not a placeholder.
 */
export async function waitForOutputsDrawn(page: Page): Promise<void> {
  await page.waitForFunction(
    () =>
      [...document.querySelectorAll('[data-testid="plotly-chart"]')].every((chart) => chart.querySelector(".main-svg")) &&
      [...document.querySelectorAll('[data-testid="experiment-compare"]')].every((compare) => !compare.textContent?.includes("Loading runs…")),
    undefined,
    { timeout: 30_000, polling: 250 },
  );
}

/** A lesson after Run all, outputs drawn: no serious or critical axe violation. */
export async function expectLessonAccessible(page: Page, slug: string): Promise<void> {
  await waitForOutputsDrawn(page);
  await expectNoSeriousViolations(page, `/lessons/${slug} after Run all`);
}
