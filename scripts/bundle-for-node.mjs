// Our TypeScript (the entry points named in `contents`, and what they import) bundled as one ES
// module for Node, packages left to node_modules: it runs as ESM, and every package resolves as
// it does under Next (some lesson-parsing packages are ESM-only). The bundle is written to
// `outfile`, which must lie inside the repository so that those packages resolve, and imported.
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";

export async function bundleForNode(contents, outfile, { plugins = [], logLevel = "warning" } = {}) {
  const file = path.resolve(outfile);
  await build({
    stdin: { contents, resolveDir: process.cwd(), loader: "ts" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    tsconfig: "tsconfig.json",
    outfile: file,
    logLevel,
    plugins,
  });
  return import(pathToFileURL(file).href);
}
