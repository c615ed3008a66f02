/**
 * The export of a fully run lesson (issue 11): Export notebook gives a small file that is valid
 * nbformat 4.5, keeps the exercise as a markdown + code pair, and a real reader (Debian's
 * jupyter-nbconvert, when installed; the report notes it when not) converts it. Called after the activation lesson's Run all,
 * so the lesson is run once for both checks.
 */
import { spawnSync } from "node:child_process";
import { readFile, stat } from "node:fs/promises";
import Ajv from "ajv";
import { expect, test, type Page } from "@playwright/test";
import { nbformatSchema } from "../nbformat-v4.5-schema";

const toolbar = (page: Page) => page.getByRole("toolbar", { name: "Notebook" });

export async function expectSmallValidExport(page: Page): Promise<void> {
  const download = page.waitForEvent("download");
  await toolbar(page).getByRole("button", { name: "Export notebook" }).click();
  const file = await (await download).path();
  const bytes = (await stat(file)).size;
  console.log(`activation-functions export after Run all: ${(bytes / 1e6).toFixed(2)} MB`);
  // Was 54 MB (32 MB of it one inspect.activations histogram of raw samples).
  expect(bytes).toBeLessThan(3_000_000);
  const notebook = JSON.parse(await readFile(file, "utf8"));
  // strict: false: the official schema has an "item" keyword (a typo of "items") Ajv would refuse.
  const validate = new Ajv({ allErrors: true, strict: false }).compile(nbformatSchema);
  expect(validate(notebook), JSON.stringify(validate.errors)).toBe(true);
  const sizes = notebook.cells.map((c: unknown) => JSON.stringify(c).length);
  expect(Math.max(...sizes)).toBeLessThan(1_100_000);
  const exercise = notebook.cells.filter((c: { metadata: { gradbook?: { exercise?: string } } }) => c.metadata.gradbook?.exercise === "leaky-relu");
  expect(exercise.map((c: { cell_type: string }) => c.cell_type)).toEqual(["markdown", "code"]);
  expect(exercise[1].source).toContain("function leaky_relu");
  expect(exercise[1].outputs[0].data["text/plain"]).toBe("Not submitted yet.");

  const nbconvert = spawnSync("jupyter", ["nbconvert", "--to", "markdown", "--stdout", file], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (nbconvert.error !== undefined) {
    // The rest of the test stands; only this check is left out, and the report says so.
    test.info().annotations.push({ type: "not checked", description: "jupyter nbconvert is not installed (Debian: apt-get install jupyter-nbconvert): the export was not opened in a real reader" });
    return;
  }
  expect(nbconvert.status, nbconvert.stderr).toBe(0);
  expect(nbconvert.stdout).toContain("### Exercise: Implement Leaky ReLU and its gradient");
}
