#!/usr/bin/env node
// Emits TypeScript declarations for the engine and the notebook builtins, bundled into one
// JSON file that the editor loads, so Monaco offers completion and hover docs for `torch`,
// `nn`, `plot` and friends. Skipped when the sources have not changed.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { hashInputs, readStamp, root, step } from "./lib.mjs";

const output = path.join(root, "public/vendor/engine-types.json");
const stamp = "public/vendor/engine-types.hash";
const inputs = hashInputs(["lib/tensor", "lib/kernel/worker", "lib/kernel/display", "lib/kernel/protocol.ts", "scripts/gen-engine-types.mjs"]);
if (readStamp(stamp) === inputs) process.exit(0);

step("Generating the engine's type declarations for the editor");
const entries = ["lib/tensor/index.ts", "lib/kernel/worker/builtins.ts"].map((file) => path.join(root, file));
const program = ts.createProgram(entries, {
  declaration: true,
  emitDeclarationOnly: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  strict: true,
  skipLibCheck: true,
  stripInternal: true,
  lib: ["lib.es2022.d.ts", "lib.dom.d.ts", "lib.webworker.importscripts.d.ts"],
});
const files = {};
const result = program.emit(undefined, (fileName, text) => {
  const relative = path.relative(root, fileName).replace(/\\/g, "/");
  if (relative.startsWith("lib/")) files[relative] = text;
});
if (result.emitSkipped) {
  console.error("✖ Could not emit the engine's declarations:");
  for (const d of result.diagnostics) console.error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
  process.exit(1);
}

// `nn.Linear` and `optim.SGD` are also used as types in cells (`let layer: nn.Linear`), so the
// globals need namespaces of the classes' instance types beside the values.
const checker = program.getTypeChecker();
const entry = program.getSourceFile(entries[0]);
const entrySymbol = entry && checker.getSymbolAtLocation(entry);
function typeNamesOf(namespace) {
  const symbol = entrySymbol && checker.getExportsOfModule(entrySymbol).find((s) => s.name === namespace);
  if (!symbol) return [];
  const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  return checker
    .getExportsOfModule(target)
    .filter((s) => {
      const resolved = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
      return resolved.flags & (ts.SymbolFlags.Class | ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias);
    })
    .map((s) => s.name)
    .sort();
}
const typeNamespace = (namespace) =>
  `  namespace ${namespace} {\n${typeNamesOf(namespace).map((name) => `    type ${name} = engine.${namespace}.${name};`).join("\n")}\n  }`;

// What every cell sees as globals, typed from the real modules.
files["globals.d.ts"] = `import type * as engine from "./lib/tensor/index";
import type { notebookBuiltins } from "./lib/kernel/worker/builtins";
type Builtins = ReturnType<typeof notebookBuiltins>;
declare global {
  const torch: typeof engine.torch;
  const nn: typeof engine.nn;
  const F: typeof engine.F;
  const optim: typeof engine.optim;
  const utils: typeof engine.utils;
  const Tensor: typeof engine.Tensor;
  type Tensor = engine.Tensor;
  // The kernel's torchvision globals (lib/kernel/worker/engine.ts): torchvision.models.resnet18(), transforms.Normalize(...).
  const torchvision: typeof engine.torchvision;
  const transforms: typeof engine.torchvision.transforms;
${typeNamespace("nn")}
${typeNamespace("optim")}
${["print", "display", "table", "plot", "progress", "live_chart", "inspect", "load_mnist", "sleep", "experiments", "publish_model", "download"].map((name) => `  const ${name}: Builtins["${name}"];`).join("\n")}
}
export {};
`;
mkdirSync(path.dirname(output), { recursive: true });
writeFileSync(output, JSON.stringify(files));
writeFileSync(path.join(root, stamp), inputs);
console.log(`  ${Object.keys(files).length} declaration files, ${(JSON.stringify(files).length / 1024).toFixed(0)} KB`);
