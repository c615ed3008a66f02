import { expect, test, type Page } from "@playwright/test";
import { cell, runCell, TENSORS_LESSON, typeIntoCell } from "./notebook";

/**
 * Phones and tablets: no page wider than the screen, Sign in in view, the toolbar folded into a
 * menu on a phone, editors and charts as wide as the lesson allows, and a long cell shown whole.
 */

const VIEWPORTS = [
  { name: "phone", width: 390, height: 844 },
  { name: "tablet", width: 768, height: 1024 },
];
const LESSON = "/lessons/activation-functions";

/** The page's scroll width against the window, and what sticks out when it is too wide. */
async function horizontalOverflow(page: Page): Promise<{ scrollWidth: number; innerWidth: number; culprits: string[] }> {
  return page.evaluate(() => {
    const innerWidth = window.innerWidth;
    const culprits: string[] = [];
    for (const element of document.querySelectorAll<HTMLElement>("body *")) {
      const box = element.getBoundingClientRect();
      if (box.right > innerWidth + 1 && culprits.length < 8) culprits.push(`${element.tagName.toLowerCase()}.${element.className.toString().slice(0, 40)} right=${Math.round(box.right)}`);
    }
    return { scrollWidth: document.scrollingElement!.scrollWidth, innerWidth, culprits };
  });
}

async function expectNoHorizontalScroll(page: Page): Promise<void> {
  const { scrollWidth, innerWidth, culprits } = await horizontalOverflow(page);
  expect(scrollWidth, `wider than the window: ${culprits.join("; ")}`).toBeLessThanOrEqual(innerWidth);
}

async function expectSignInVisible(page: Page): Promise<void> {
  const signIn = page.getByRole("navigation", { name: "Account" }).getByRole("link", { name: /sign in/i });
  await expect(signIn).toBeVisible();
  await expect(signIn).toBeInViewport({ ratio: 1 });
}

for (const viewport of VIEWPORTS) {
  test.describe(`${viewport.name} ${viewport.width}x${viewport.height}`, () => {
    test.use({ viewport: { width: viewport.width, height: viewport.height } });

    test("home, sign-in, experiments and a lesson fit the width with Sign in in view", async ({ page }) => {
      for (const path of ["/", "/signin", "/signup", "/experiments"]) {
        await page.goto(path);
        await expectSignInVisible(page);
        await expectNoHorizontalScroll(page);
      }
      await page.goto(LESSON);
      await expect(page.getByTestId("kernel-status")).toHaveText("idle", { timeout: 90_000 });
      await expect(page.locator(".monaco-editor").first()).toBeVisible({ timeout: 30_000 });
      await expectSignInVisible(page);
      await expectNoHorizontalScroll(page);

      // Editors fill the lesson's width: most of the screen on a phone.
      const editor = (await page.locator(".cell-editor").first().boundingBox())!;
      expect(editor.width).toBeGreaterThanOrEqual(viewport.width * (viewport.name === "phone" ? 0.85 : 0.7));
      expect(editor.x + editor.width).toBeLessThanOrEqual(viewport.width);
    });

    test("the toolbar stays small (a menu on a phone) and a chart fits the width", async ({ page }) => {
      // Kernel start, two runs and a chart, each allowed 90 s under load: more than the default 60 s
      // in all (at load 28 every step of it took 2-5 s, and Monaco now loads once the kernel is idle).
      test.setTimeout(240_000);
      await page.goto(LESSON);
      await expect(page.getByTestId("kernel-status")).toHaveText("idle", { timeout: 90_000 });
      const bar = page.locator(".kernel-bar");
      const height = (await bar.boundingBox())!.height;
      expect(height / viewport.height).toBeLessThan(0.08);
      const runAll = page.getByRole("button", { name: "Run all", exact: true });
      // Both widths are under 900 px, where the toolbar folds into a menu.
      if (viewport.width <= 900) {
        await expect(runAll).toBeHidden();
        const toggle = page.getByRole("button", { name: "Notebook", exact: true });
        await expect(toggle).toHaveAttribute("aria-expanded", "false");
        await toggle.click();
        await expect(toggle).toHaveAttribute("aria-expanded", "true");
        await expect(runAll).toBeVisible();
        await expect(page.getByRole("button", { name: "Restart kernel" })).toBeInViewport();
        // Choosing an action closes the menu.
        await page.getByRole("button", { name: "Clear outputs" }).click();
        await expect(runAll).toBeHidden();
      } else {
        await expect(runAll).toBeVisible();
      }

      // A cell that draws a chart: the chart fits the screen.
      for (const id of ["nonlinear-data", "nonlinearity-needed"]) {
        await cell(page, id).scrollIntoViewIfNeeded();
        await cell(page, id).getByRole("button", { name: "Run cell" }).click();
        await expect(cell(page, id).getByTestId("execution-count")).toHaveText(/\[\d+\]/, { timeout: 90_000 });
      }
      const plotCell = cell(page, "nonlinearity-needed");
      const chart = plotCell.getByTestId("plotly-chart").first();
      await expect(chart.locator(".main-svg").first()).toBeVisible({ timeout: 30_000 });
      const box = (await chart.boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(viewport.width);
      await expectNoHorizontalScroll(page);
    });
  });
}

test("a grid of images fits a phone's width, scaled down with its proportions kept", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(TENSORS_LESSON);
  await expect(page.getByTestId("kernel-status")).toHaveText("idle", { timeout: 90_000 });
  await expect(page.locator(".monaco-editor").first()).toBeVisible({ timeout: 30_000 });
  // Eight 28x28 digits a row, as the lessons draw MNIST: 224 px wide, drawn 4x (896 px) on a wide screen.
  await typeIntoCell(page, "make", "plot.images(torch.rand([16, 28, 28]), { cols: 8 })");
  const output = await runCell(page, "make");
  const image = output.getByTestId("image-output");
  await expect(image).toBeVisible();
  const box = (await image.boundingBox())!;
  expect(box.x + box.width).toBeLessThanOrEqual(390);
  // Drawn size (inside the border) against the image's own pixels: the same proportions.
  const { drawn, pixels } = await image.evaluate((canvas: HTMLCanvasElement) => ({ drawn: canvas.clientWidth / canvas.clientHeight, pixels: canvas.width / canvas.height }));
  expect(drawn).toBeCloseTo(pixels, 1);
  await expectNoHorizontalScroll(page);
});

test("a cell taller than 640 px shows all its lines (the editor grows to its content)", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(LESSON);
  const long = cell(page, "dead-relu-helpers");
  await long.scrollIntoViewIfNeeded();
  // Monaco loads once the page is usable (the kernel ready), after its stand-in of the same height.
  await expect(page.getByTestId("kernel-status")).toHaveText("idle", { timeout: 90_000 });
  await expect(long.locator(".monaco-editor")).toBeVisible({ timeout: 30_000 });
  const lines = await long.locator(".view-line").count();
  const editor = (await long.locator(".cell-editor").boundingBox())!;
  // Monaco renders only the lines in view: every line of the 93-line cell is in view only if the editor is tall enough for all.
  expect(editor.height).toBeGreaterThan(640);
  await expect.poll(async () => long.locator(".monaco-editor .view-line").count()).toBeGreaterThanOrEqual(90);
  expect(lines).toBeGreaterThan(0);
});
