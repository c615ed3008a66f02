import { toNotebook, type ExportPart } from "@/lib/kernel/nbformat";
import type { NotebookPart } from "@/lib/lessons/notebook-parts";
import type { CellRegistry } from "./cell-registry";
import { exportExercise } from "./exercise-export";
import type { LearnerCellStore } from "./LearnerCellStore";
import { withLearnerCells } from "./learner-cell-export";

/** Downloads the lesson with the learner's current code and outputs as an .ipynb file. */
export function downloadNotebook(slug: string, title: string, parts: NotebookPart[], registry: CellRegistry, learnerCells: LearnerCellStore): void {
  const exportParts: ExportPart[] = parts.flatMap((part): ExportPart[] => {
    if (part.kind === "markdown") return [part];
    if (part.kind === "exercise") return exportExercise(part, registry.exercise(part.exerciseId));
    const state = registry.get(part.cellId)?.snapshot();
    return [{ kind: "code", cellId: part.cellId, source: state?.code ?? part.source, outputs: state?.outputs ?? [], executionCount: state?.executionCount ?? null }];
  });
  const blob = new Blob([JSON.stringify(toNotebook(title, withLearnerCells(exportParts, learnerCells.getSnapshot().cells, registry)), null, 1)], { type: "application/x-ipynb+json" });
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = `${slug}.ipynb`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
