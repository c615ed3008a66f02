"use client";

import type * as Monaco from "monaco-editor";
import { engineHoverProvider } from "./engine-hover";

/**
 * The model of an exercise's editor: a .ts path like the cells' (file:///cells/<id>.ts), so the
 * starter is checked as TypeScript (type annotations are fine) in the scope all cells share, and
 * sees the lesson's names as cells do.
 */
export function exerciseModelPath(exerciseId: string): string {
  return `file:///exercises/${exerciseId}.ts`;
}

/**
 * TypeScript diagnostics that are wrong for notebook cells: every cell is its own script
 * sharing one global scope, so a name redefined in a later cell, or a top-level await,
 * is fine here.
 */
const IGNORED_DIAGNOSTICS = [
  1375, // 'await' at top level only allowed in modules
  1378, // top-level 'await' needs module/target settings
  2300, // duplicate identifier
  2393, // duplicate function implementation
  2451, // cannot redeclare block-scoped variable
  2441, // duplicate identifier in top scope of a module
  7027, // unreachable code (a cell in progress)
  2355, // a function with a return type must return a value: an exercise's starter stub does not yet
];

let configured: Promise<void> | null = null;

type TypeScriptApi = typeof Monaco.typescript;

/**
 * Once per page: the engine's and the builtins' declarations (generated at build time
 * from lib/tensor) become extra libs, so every cell gets completion and hover docs for
 * `torch`, `nn`, `plot`..., and names defined by other cells are known to each editor
 * because all cell models share the global scope.
 */
export function configureMonaco(monaco: typeof Monaco): Promise<void> {
  configured ??= (async () => {
    // Monaco 0.55 moved the TypeScript API from monaco.languages.typescript to monaco.typescript.
    const typescript: TypeScriptApi = monaco.typescript;
    const defaults = typescript.typescriptDefaults;
    defaults.setCompilerOptions({
      target: typescript.ScriptTarget.ES2020,
      module: typescript.ModuleKind.ESNext,
      moduleResolution: typescript.ModuleResolutionKind.NodeJs,
      allowNonTsExtensions: true,
      strict: false,
      noImplicitAny: false,
      allowJs: true,
      // Cells run in a worker: no DOM globals (window.print, top, name) to shadow ours.
      lib: ["es2022", "webworker"],
    });
    defaults.setDiagnosticsOptions({ noSemanticValidation: false, noSyntaxValidation: false, diagnosticCodesToIgnore: IGNORED_DIAGNOSTICS });
    defaults.setEagerModelSync(true);
    // Our hover instead of the built-in one: the same text without internal file:///gradbook paths.
    defaults.setModeConfiguration({ ...defaults.modeConfiguration, hovers: false });
    monaco.languages.registerHoverProvider("typescript", engineHoverProvider(monaco));
    try {
      const response = await fetch("/vendor/engine-types.json");
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const files = (await response.json()) as Record<string, string>;
      for (const [file, content] of Object.entries(files)) defaults.addExtraLib(content, `file:///gradbook/${file}`);
    } catch (error) {
      console.warn("Gradbook: the engine's types could not be loaded; the editor works without completion.", error);
    }
  })();
  return configured;
}
