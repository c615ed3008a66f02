import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { beforeAll, describe, expect, it } from "vitest";

type Engine = typeof import("@/lib/tensor");

/**
 * The production build minifies the engine with SWC (Next's bundler, Turbopack, has no
 * keep-classnames switch). This bundles lib/tensor and minifies it with the SWC binding Next
 * itself ships, mangling names as the build does, then loads the result: an exported class that
 * prints under a minified name fails here rather than in a learner's output.
 */
let engine: Engine;
let minified: string;

beforeAll(async () => {
  const bundled = await build({ entryPoints: ["lib/tensor/index.ts"], bundle: true, format: "esm", platform: "neutral", write: false, logLevel: "silent" });
  const { loadBindings } = (await import("next/dist/build/swc/index.js")) as unknown as { loadBindings(): Promise<{ minify(src: Buffer, options: object): Promise<{ code: string }> }> };
  const swc = await loadBindings();
  ({ code: minified } = await swc.minify(Buffer.from(bundled.outputFiles[0].text), { compress: true, mangle: { toplevel: true }, module: true }));
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), "gradbook-minified-")), "engine.mjs");
  writeFileSync(file, minified);
  engine = (await import(/* @vite-ignore */ pathToFileURL(file).href)) as Engine;
}, 120_000);

describe("engine classes keep their names in a minified bundle", () => {
  it("the minifier did rename the class bindings (so the check below means something)", () => {
    expect(minified).not.toMatch(/class Linear\b/);
    expect(minified).not.toMatch(/class Tensor\b/);
  });

  it("every exported class of nn, optim, lr_scheduler and utils.data is named after its export", () => {
    const { nn, optim, utils } = engine;
    const namespaces: [string, object][] = [["nn", nn], ["optim", optim], ["optim.lr_scheduler", optim.lr_scheduler], ["utils.data", utils.data]];
    const renamed: string[] = [];
    for (const [where, namespace] of namespaces) {
      for (const [key, value] of Object.entries(namespace)) {
        if (typeof value === "function" && /^[A-Z]/.test(key) && Function.prototype.toString.call(value).startsWith("class") && value.name !== key) renamed.push(`${where}.${key} is named ${value.name}`);
      }
    }
    expect(renamed).toEqual([]);
    expect(engine.Tensor.name).toBe("Tensor");
  });

  it("instances print as PyTorch prints them", () => {
    const { nn, torch } = engine;
    const model = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU());
    expect(String(model)).toBe("Sequential(\n  (0): Linear(in_features=2, out_features=3, bias=True)\n  (1): ReLU()\n)");
    expect(torch.ones([2]).constructor.name).toBe("Tensor");
    expect(new nn.Linear(1, 1).constructor.name).toBe("Linear");
  });
});
