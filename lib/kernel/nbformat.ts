import type { CellOutput } from "./protocol";

/** The parts of an nbformat 4.5 notebook that Gradbook writes. */
export interface Notebook {
  nbformat: 4;
  nbformat_minor: 5;
  metadata: Record<string, unknown>;
  cells: NotebookCell[];
}

type NotebookCell =
  | { id: string; cell_type: "markdown"; metadata: Record<string, unknown>; source: string }
  | { id: string; cell_type: "code"; metadata: Record<string, unknown>; source: string; outputs: Record<string, unknown>[]; execution_count: number | null };

/** `metadata` is the cell's nbformat metadata (a learner's own cell is marked there). */
export type ExportPart =
  | { kind: "markdown"; source: string; metadata?: Record<string, unknown> }
  | { kind: "code"; cellId: string; source: string; outputs: CellOutput[]; executionCount: number | null; metadata?: Record<string, unknown> };

/** nbformat cell ids: 1-64 of letters, digits, '-' and '_', unique within the notebook. */
function cellId(candidate: string, used: Set<string>): string {
  const base = candidate.replace(/[^A-Za-z0-9_-]/g, "-").slice(0, 56) || "cell";
  let id = base;
  for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
  used.add(id);
  return id;
}

/** Outputs as nbformat stores them: no page-only fields, display ids in transient-free form. */
function toNbformatOutput(output: CellOutput): Record<string, unknown> {
  switch (output.output_type) {
    case "stream":
      return { output_type: "stream", name: output.name, text: output.text };
    case "display_data":
      return { output_type: "display_data", data: output.data, metadata: {} };
    case "execute_result":
      return { output_type: "execute_result", execution_count: output.execution_count, data: output.data, metadata: {} };
    case "error":
      return { output_type: "error", ename: output.ename, evalue: output.evalue, traceback: output.traceback };
  }
}

export function toNotebook(title: string, parts: ExportPart[]): Notebook {
  const used = new Set<string>();
  let markdownCount = 0;
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      title,
      kernelspec: { name: "gradbook-typescript", display_name: "TypeScript (Gradbook engine)" },
      language_info: { name: "typescript", file_extension: ".ts", mimetype: "text/typescript", codemirror_mode: "typescript" },
    },
    cells: parts.map((part): NotebookCell => {
      if (part.kind === "markdown") return { id: cellId(`md-${++markdownCount}`, used), cell_type: "markdown", metadata: part.metadata ?? {}, source: part.source };
      return {
        id: cellId(part.cellId, used),
        cell_type: "code",
        metadata: part.metadata ?? {},
        source: part.source,
        outputs: part.outputs.map(toNbformatOutput),
        execution_count: part.executionCount,
      };
    }),
  };
}
