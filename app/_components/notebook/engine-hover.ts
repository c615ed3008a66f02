import type * as Monaco from "monaco-editor";

/**
 * Hover text for the editors without the engine's internal file names. The engine's declarations
 * are extra libs at file:///gradbook/lib/..., and TypeScript names a module type by its file
 * (`typeof import("file:///gradbook/lib/tensor/nn/index")`), which means nothing to a learner:
 * such names become what a cell calls them (`nn`, `optim`, `Tensor`).
 */

const INTERNAL_PREFIX = String.raw`(?:file:\/\/)?\/gradbook\/`;
const MODULE_NAMES: Record<string, string> = {
  "lib/tensor/index": "torch",
  "lib/tensor/torch": "torch",
  "lib/tensor/nn/index": "nn",
  "lib/tensor/nn/functional/index": "F",
  "lib/tensor/optim/index": "optim",
  "lib/tensor/utils/index": "utils",
  "lib/kernel/worker/builtins": "builtins",
};

/** The name a learner knows a declaration file's module by. */
function moduleName(file: string): string {
  const path = file.replace(/\.d\.ts$|\.ts$/, "");
  if (MODULE_NAMES[path]) return MODULE_NAMES[path];
  const parts = path.split("/");
  const last = parts.at(-1) === "index" ? parts.at(-2) : parts.at(-1);
  return last ?? "module";
}

/** Removes every internal file name from hover text, keeping what it referred to. */
export function readableEngineText(text: string): string {
  return (
    text
      // import("…/tensor").Tensor → Tensor
      .replace(new RegExp(String.raw`import\(["']${INTERNAL_PREFIX}[^"']+["']\)\.`, "g"), "")
      // typeof import("…/nn/index") → typeof nn
      .replace(new RegExp(String.raw`import\(["']${INTERNAL_PREFIX}([^"']+)["']\)`, "g"), (_match, file: string) => moduleName(file))
      // "…/nn/index" quoted, or a bare path (module "…", links in docs) → nn
      .replace(new RegExp(String.raw`["']${INTERNAL_PREFIX}([^"']+)["']`, "g"), (_match, file: string) => `"${moduleName(file)}"`)
      .replace(new RegExp(String.raw`${INTERNAL_PREFIX}([\w./-]+)`, "g"), (_match, file: string) => moduleName(file))
  );
}

type DisplayPart = { text: string };
type Tag = { name: string; text?: string | DisplayPart[] };
type QuickInfo = { displayParts?: DisplayPart[]; documentation?: DisplayPart[]; tags?: Tag[]; textSpan: { start: number; length: number } };

const partsToString = (parts: DisplayPart[] | undefined) => (parts ?? []).map((part) => part.text).join("");

/** A JSDoc tag as Monaco's own hover writes it. */
function tagToString(tag: Tag): string {
  let label = `*@${tag.name}*`;
  if (tag.name === "param" && Array.isArray(tag.text) && tag.text.length > 0) {
    const [name, ...rest] = tag.text;
    label += `\`${name.text}\``;
    if (rest.length > 0) label += ` — ${partsToString(rest)}`;
  } else if (Array.isArray(tag.text)) {
    label += ` — ${partsToString(tag.text)}`;
  } else if (tag.text) {
    label += ` — ${tag.text}`;
  }
  return label;
}

/**
 * Monaco's TypeScript hover (signature, then documentation and tags), its text made readable.
 * Registered in place of the built-in one (monaco-setup.ts turns that off).
 */
export function engineHoverProvider(monaco: typeof Monaco): Monaco.languages.HoverProvider {
  return {
    async provideHover(model, position) {
      const getWorker = await monaco.typescript.getTypeScriptWorker();
      const worker = await getWorker(model.uri);
      if (model.isDisposed()) return null;
      const info = (await worker.getQuickInfoAtPosition(model.uri.toString(), model.getOffsetAt(position))) as QuickInfo | undefined;
      if (!info || model.isDisposed()) return null;
      const signature = readableEngineText(partsToString(info.displayParts));
      const tags = (info.tags ?? []).map(tagToString).join("  \n\n");
      const docs = readableEngineText(partsToString(info.documentation) + (tags ? `\n\n${tags}` : ""));
      const start = model.getPositionAt(info.textSpan.start);
      const end = model.getPositionAt(info.textSpan.start + info.textSpan.length);
      return {
        range: new monaco.Range(start.lineNumber, start.column, end.lineNumber, end.column),
        contents: [{ value: "```typescript\n" + signature + "\n```\n" }, { value: docs }],
      };
    },
  };
}
