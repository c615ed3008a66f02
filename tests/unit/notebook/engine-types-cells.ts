/**
 * Type-checks a learner's TypeScript cell against the engine's declarations as the editor loads them
 * (public/vendor/engine-types.json, written by scripts/gen-engine-types.mjs, which node scripts/prepare.mjs and so
 * npm test run first), with the editor's compiler options (app/_components/notebook/monaco-setup.ts). Used by the
 * engine-types-*.test.ts files; the browser test (tests/browser/editor.spec.ts) checks the editor shows diagnostics at
 * all, these check what they say, without a browser.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { beforeAll } from "vitest";

const declarations = path.join(process.cwd(), "public/vendor/engine-types.json");

// monaco-setup.ts's options (Monaco resolves the extra libs as files under file:///gradbook/).
const options: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2020,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Node10,
  allowNonTsExtensions: true,
  strict: false,
  noImplicitAny: false,
  allowJs: true,
  lib: ["lib.es2022.d.ts", "lib.webworker.d.ts"],
  noEmit: true,
};

/** The declarations as the editor loads them, keyed /gradbook/<file> (empty until the calling file's beforeAll ran). */
function declarationFiles(): () => Map<string, string> {
  let files = new Map<string, string>();
  beforeAll(() => {
    if (!existsSync(declarations)) throw new Error(`${declarations} is missing: run node scripts/prepare.mjs (npm test does) first`);
    const json = JSON.parse(readFileSync(declarations, "utf8")) as Record<string, string>;
    files = new Map(Object.entries(json).map(([file, text]) => [`/gradbook/${file}`, text]));
  });
  return () => files;
}

/** A program of the cell /cells/cell.ts (its source) with the declarations as the editor's extra libs. */
function programOf(files: Map<string, string>, source: string): ts.Program {
  const cell = "/cells/cell.ts";
  const all = new Map(files);
  all.set(cell, source);
  const host = ts.createCompilerHost(options);
  const read = host.readFile.bind(host);
  const exists = host.fileExists.bind(host);
  host.readFile = (f) => all.get(f) ?? read(f);
  const dirExists = host.directoryExists?.bind(host);
  host.fileExists = (f) => all.has(f) || exists(f);
  host.directoryExists = (d) => [...all.keys()].some((f) => f.startsWith(`${d}/`)) || (dirExists?.(d) ?? false);
  host.realpath = (f) => f;
  host.getSourceFile = (f, languageVersion) => {
    const text = all.get(f) ?? read(f);
    return text === undefined ? undefined : ts.createSourceFile(f, text, languageVersion);
  };
  host.getCurrentDirectory = () => "/";
  return ts.createProgram([cell, ...files.keys()], options, host);
}

/**
 * Loads the declarations before the calling file's tests and returns cellProgram(source): the program of the cell
 * (at /cells/cell.ts) with the declarations, for an audit that reads the types a cell sees through its checker.
 */
export function cellPrograms(): (source: string) => ts.Program {
  const files = declarationFiles();
  return (source) => programOf(files(), source);
}

/**
 * Loads the declarations before the calling file's tests (failing clearly when prepare.mjs has not run) and returns
 * cellDiagnostics(source): the cell's diagnostic messages with the declarations as the editor's extra libs; with
 * `file` (a declaration file's name in engine-types.json, "globals.d.ts"), that file's diagnostics instead.
 */
export function cellTypeChecker(): (source: string, file?: string) => string[] {
  const files = declarationFiles();
  return (source, file) => {
    const program = programOf(files(), source);
    const checked = program.getSourceFile(file === undefined ? "/cells/cell.ts" : `/gradbook/${file}`);
    if (!checked) throw new Error(`${file} is not among the declarations`);
    return ts.getPreEmitDiagnostics(program, checked).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
  };
}

/** The declaration of same(a, b), the check the engine-types-*-calls cells make: put before a cell to type-check it. */
export const SAME = "declare function same(a: unknown, b: unknown): void;\n";

/**
 * Runs the cell as the kernel does (transpiled, `globals` in scope: the engine's, engineGlobals()), its same(a, b)
 * calling `same` and print() silent; returns how many same() checks it made.
 */
export function runCell(source: string, globals: Record<string, unknown>, same: (a: unknown, b: unknown) => void): number {
  const js = ts.transpileModule(SAME + source, { compilerOptions: { target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.ESNext } }).outputText;
  let checks = 0;
  const counted = (a: unknown, b: unknown) => {
    checks++;
    same(a, b);
  };
  // the cell is the calling test file's own source text, run as the kernel runs a cell
  new Function(...Object.keys(globals), "same", "print", js)(...Object.values(globals), counted, () => {});
  return checks;
}
