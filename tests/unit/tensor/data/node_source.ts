/**
 * Node host for dataset files in tests: registers an fs-based source for utils.data and
 * builds public/data/mnist.bin first when it is missing (the build script is idempotent).
 * The browser worker registers a fetch-based source instead.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { utils } from "../../../../lib/tensor/index";

const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));

export function ensureMnist(): void {
  if (!existsSync(`${ROOT}public/data/mnist.bin`)) {
    execFileSync(process.execPath, [`${ROOT}scripts/build-mnist.mjs`], { stdio: "inherit" });
  }
}

export function useNodeDatasetSource(): void {
  ensureMnist();
  utils.data.set_dataset_source(async (name) => new Uint8Array(await readFile(`${ROOT}public/data/${name}`)));
}
