/**
 * Node host for dataset files in tests: registers an fs-based source for utils.data and
 * builds the MNIST files in public/data first when one is missing (the build script is idempotent).
 * The browser worker registers a fetch-based source instead.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { utils } from "../../../../lib/tensor/index";

const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));

export function ensureMnist(): void {
  const files = ["mnist.bin.gz", "mnist-full-test.bin.gz", ...[0, 1, 2, 3, 4, 5].map((k) => `mnist-full-train-${k}.bin.gz`)];
  if (files.some((name) => !existsSync(`${ROOT}public/data/${name}`))) {
    execFileSync(process.execPath, [`${ROOT}scripts/build-mnist.mjs`], { stdio: "inherit" });
  }
}

export function useNodeDatasetSource(): void {
  ensureMnist();
  utils.data.set_dataset_source(async (name) => new Uint8Array(await readFile(`${ROOT}public/data/${name}`)));
}
