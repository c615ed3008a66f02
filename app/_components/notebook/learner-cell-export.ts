import type { ExportPart } from "@/lib/kernel/nbformat";
import type { CellRegistry } from "./cell-registry";
import { cellsAfter, orphanCells, TOP_ANCHOR, type OwnCell } from "./learner-cell-order";

/** nbformat metadata marking a cell as the learner's own (Jupyter keeps unknown metadata). */
const LEARNER_METADATA = { gradbook: { learner_cell: true } };

function exportOwn(cell: OwnCell, registry: CellRegistry): ExportPart {
  if (cell.kind === "note") return { kind: "markdown", source: cell.code, metadata: LEARNER_METADATA };
  const state = registry.get(cell.cellId)?.snapshot();
  return { kind: "code", cellId: cell.cellId, source: state?.code ?? cell.code, outputs: state?.outputs ?? [], executionCount: state?.executionCount ?? null, metadata: LEARNER_METADATA };
}

/**
 * The export's cells with the learner's own cells at their places: those at the top first, each
 * group after the lesson cell it follows, and those whose lesson cell is gone at the end.
 */
export function withLearnerCells(parts: ExportPart[], cells: readonly OwnCell[], registry: CellRegistry): ExportPart[] {
  const codeIds = parts.flatMap((part) => (part.kind === "code" ? [part.cellId] : []));
  const own = (list: OwnCell[]) => list.map((cell) => exportOwn(cell, registry));
  return [
    ...own(cellsAfter(cells, TOP_ANCHOR)),
    ...parts.flatMap((part) => (part.kind === "code" ? [part, ...own(cellsAfter(cells, part.cellId))] : [part])),
    ...own(orphanCells(cells, codeIds)),
  ];
}
