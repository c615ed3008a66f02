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
// globals need namespaces of the classes' instance types beside the values: for nn and optim their
// modules' exported classes, interfaces and type aliases; for every global, each class a cell reaches
// as a value through its objects (torch.distributions.Normal, torch.utils.data.DataLoader,
// optim.lr_scheduler.StepLR, nn.utils.rnn.PackedSequence, torchvision.models.ResNet,
// transforms.Normalize, ...), as `typeof <value>.prototype` (its instance type; a generic class's
// type arguments any), in namespaces nested as the objects are.
const checker = program.getTypeChecker();
const entry = program.getSourceFile(entries[0]);
const entrySymbol = entry && checker.getSymbolAtLocation(entry);
const resolve = (s) => (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s);
const entryExport = (name) => entrySymbol && checker.getExportsOfModule(entrySymbol).find((s) => s.name === name);
/** The module's exported classes, interfaces and type aliases: name -> type expression (any for a type parameter without default). */
function typeExportsOf(namespace) {
  const symbol = entryExport(namespace);
  if (!symbol) return [];
  return checker
    .getExportsOfModule(resolve(symbol))
    .filter((s) => resolve(s).flags & (ts.SymbolFlags.Class | ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias))
    .map((s) => {
      const declaration = resolve(s).declarations?.find((d) => "typeParameters" in d);
      const required = (declaration?.typeParameters ?? []).filter((p) => !p.default).length;
      return [s.name, `engine.${namespace}.${s.name}${required > 0 ? `<${Array(required).fill("any").join(", ")}>` : ""}`];
    });
}
const typeOfSymbol = (s) => checker.getTypeOfSymbolAtLocation(s, s.valueDeclaration ?? s.declarations?.[0] ?? entry);
/** Words that cannot name a namespace or a type (torch.autograd.function is a value only). */
const RESERVED = new Set(
  "break case catch class const continue debugger default delete do else enum export extends false finally for function if import in instanceof new null return super switch this throw true try typeof var void while with implements interface let package private protected public static yield any boolean number string symbol never unknown object undefined".split(" "),
);
/** An object a cell walks through to reach a class: a module namespace (`import * as data`) or a const object literal. */
function isNamespaceLike(type) {
  if (type.getCallSignatures().length > 0 || type.getConstructSignatures().length > 0) return false;
  const symbol = type.getSymbol();
  return !!symbol && (symbol.flags & (ts.SymbolFlags.ValueModule | ts.SymbolFlags.ObjectLiteral)) !== 0;
}
/**
 * PyTorch's classes that the engine has as plain functions, a cell's annotations naming what they return
 * (`let s: torch.Size`, `let x: torch.LongTensor`, `dev: torch.device`): a capitalised name or one of
 * torch's lower-case classes, called without `new`, returning an object that is not a promise (the
 * dataset factories that raise, torchvision.datasets.CIFAR10, are left out).
 */
const LOWER_CASE_CLASSES = new Set(["device", "finfo", "iinfo"]);
function isClassLikeFunction(name, type) {
  const calls = type.getCallSignatures();
  if (calls.length === 0 || type.getConstructSignatures().length > 0 || !(/^[A-Z]/.test(name) || LOWER_CASE_CLASSES.has(name))) return false;
  const returned = checker.getReturnTypeOfSignature(calls[calls.length - 1]);
  return (returned.flags & ts.TypeFlags.Object) !== 0 && returned.getSymbol()?.name !== "Promise";
}
/** { types: name -> type expression, children: name -> subtree } of the classes reachable from `type` (the value at `path`). */
function classTree(type, path, seen) {
  const node = { types: new Map(), children: new Map() };
  for (const property of checker.getPropertiesOfType(type)) {
    const name = property.name;
    if (!/^[A-Za-z_$][\w$]*$/.test(name) || RESERVED.has(name)) continue;
    const value = typeOfSymbol(property);
    if (value.getConstructSignatures().length > 0 && checker.getPropertyOfType(value, "prototype")) {
      node.types.set(name, `typeof ${path}.${name}.prototype`);
    } else if (isClassLikeFunction(name, value)) {
      // An array (torch.Size) read-only, so x.shape (readonly number[]) is one.
      const returned = checker.getReturnTypeOfSignature(value.getCallSignatures().at(-1));
      node.types.set(name, checker.isArrayType(returned) ? `Readonly<ReturnType<typeof ${path}.${name}>>` : `ReturnType<typeof ${path}.${name}>`);
    } else if (isNamespaceLike(value) && !seen.includes(value) && seen.length < 6) {
      const child = classTree(value, `${path}.${name}`, [...seen, value]);
      if (child.types.size > 0 || child.children.size > 0) node.children.set(name, child);
    }
  }
  return node;
}
/** The namespace tree of the global `name`, whose value is `path` (engine.torch, engine.torchvision.transforms). */
function globalTypes(name, path) {
  const [root, ...rest] = path.split(".").slice(1);
  let type = typeOfSymbol(resolve(entryExport(root)));
  for (const key of rest) type = typeOfSymbol(checker.getPropertyOfType(type, key));
  const node = classTree(type, path, [type]);
  // nn and optim: their modules' own type exports first (interfaces and type aliases too), as `engine.nn.Linear`.
  if (name === "nn" || name === "optim") for (const [t, expr] of typeExportsOf(name)) node.types.set(t, expr);
  // A name that is a type here cannot also be a namespace.
  for (const t of node.types.keys()) node.children.delete(t);
  return node;
}
function emitNamespace(name, node, depth) {
  const pad = "  ".repeat(depth);
  const byName = (a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
  return [
    `${pad}namespace ${name} {`,
    ...[...node.types].sort(byName).map(([t, expr]) => `${pad}  type ${t} = ${expr};`),
    ...[...node.children].sort(byName).map(([n, child]) => emitNamespace(n, child, depth + 1)),
    `${pad}}`,
  ].join("\n");
}
const GLOBALS = { torch: "engine.torch", nn: "engine.nn", F: "engine.F", optim: "engine.optim", utils: "engine.utils", torchvision: "engine.torchvision", transforms: "engine.torchvision.transforms" };
const typeNamespaces = Object.entries(GLOBALS)
  .map(([name, path]) => [name, globalTypes(name, path)])
  .filter(([, node]) => node.types.size > 0 || node.children.size > 0)
  .map(([name, node]) => emitNamespace(name, node, 1))
  .join("\n");

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
${typeNamespaces}
${["print", "display", "table", "plot", "progress", "live_chart", "inspect", "load_mnist", "sleep", "experiments", "publish_model", "download"].map((name) => `  const ${name}: Builtins["${name}"];`).join("\n")}
}
export {};
`;
mkdirSync(path.dirname(output), { recursive: true });
writeFileSync(output, JSON.stringify(files));
writeFileSync(path.join(root, stamp), inputs);
console.log(`  ${Object.keys(files).length} declaration files, ${(JSON.stringify(files).length / 1024).toFixed(0)} KB`);
