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
type DeclarationFiles = Record<string, string>;

/** The engine's declarations once fetched (null: not yet, or they could not be loaded). */
let engineTypeFiles: DeclarationFiles | null = null;
let engineTypesRequest: Promise<DeclarationFiles | null> | null = null;

/**
 * Starts downloading the engine's declarations (~900 KB), once per page. Called when the editors'
 * latch opens, so the download overlaps Monaco's own loading: when the first editor mounts they are
 * usually in hand, and TypeScript's worker starts with them instead of building its program twice.
 */
export function prefetchEngineTypes(): Promise<DeclarationFiles | null> {
  engineTypesRequest ??= fetch("/vendor/engine-types.json")
    .then(async (response) => {
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      engineTypeFiles = (await response.json()) as DeclarationFiles;
      return engineTypeFiles;
    })
    .catch((error: unknown) => {
      console.warn("Gradbook: the engine's types could not be loaded; the editor works without completion.", error);
      return null;
    });
  return engineTypesRequest;
}

/**
 * A hidden model that asks the TypeScript worker for a hover and a completion as soon as the
 * declarations are in: the worker parses them (~1 s of CPU, several under load) and resolves
 * `torch`'s members before a learner's first hover, not after it. Expressions only, no
 * declarations, because every model shares the cells' global scope; disposed when done.
 */
const WARM_UP_SOURCE = "torch.tensor; nn.Linear; F.relu; optim.SGD; print;\n";
const WARM_UP_URI = "file:///gradbook-warm-up/types.ts";

async function warmUpTypeScript(monaco: typeof Monaco): Promise<void> {
  const uri = monaco.Uri.parse(WARM_UP_URI);
  const model = monaco.editor.getModel(uri) ?? monaco.editor.createModel(WARM_UP_SOURCE, "typescript", uri);
  try {
    const getWorker = await monaco.typescript.getTypeScriptWorker();
    const worker = await getWorker(uri);
    await worker.getQuickInfoAtPosition(uri.toString(), WARM_UP_SOURCE.indexOf("tensor"));
    await worker.getCompletionsAtPosition(uri.toString(), WARM_UP_SOURCE.indexOf("tensor"));
  } catch (error) {
    // Only a head start: hovers and completion ask the worker themselves.
    console.warn("Gradbook: warming up the editor's type information failed.", error);
  } finally {
    model.dispose();
  }
}

/** Hands the declarations to TypeScript as extra libs (one update, one program build in the worker). */
function addEngineTypes(monaco: typeof Monaco, files: DeclarationFiles): void {
  monaco.typescript.typescriptDefaults.setExtraLibs(Object.entries(files).map(([file, content]) => ({ content, filePath: `file:///gradbook/${file}` })));
  void warmUpTypeScript(monaco);
}

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
    // No suggestion diagnostics (faded "could be..." hints): every cell model asks for them, a third
    // of the worker's requests on a long lesson, all queued ahead of the learner's first hover.
    defaults.setDiagnosticsOptions({ noSemanticValidation: false, noSyntaxValidation: false, noSuggestionDiagnostics: true, diagnosticCodesToIgnore: IGNORED_DIAGNOSTICS });
    defaults.setEagerModelSync(true);
    // Our hover instead of the built-in one: the same text without internal file:///gradbook paths.
    defaults.setModeConfiguration({ ...defaults.modeConfiguration, hovers: false });
    monaco.languages.registerHoverProvider("typescript", engineHoverProvider(monaco));
    // Synchronously when already fetched: this runs in the first editor's beforeMount, before its
    // model exists, so the worker (started for that model's diagnostics) starts with the engine.
    const files = engineTypeFiles ?? (await prefetchEngineTypes());
    if (files) addEngineTypes(monaco, files);
  })();
  return configured;
}
