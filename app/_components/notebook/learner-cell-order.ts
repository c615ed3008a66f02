/**
 * Where a learner's own cells sit among the lesson's cells. Each own cell names the lesson cell
 * it follows (its anchor, "" for the top of the lesson) and a position among the own cells with
 * the same anchor. A lesson update that drops or renames the anchor leaves the cell an orphan:
 * it is shown at the end, never lost. Pure functions, so the ordering is tested without a page.
 */

export type LearnerCellKind = "code" | "note";

/** Where an own cell is: anchor and position. */
export interface Place {
  anchor: string;
  position: number;
}

export interface OwnCell extends Place {
  cellId: string;
  kind: LearnerCellKind;
  code: string;
  deleted: boolean;
}

/** The notebook's cells in order: lesson cells, and own cells after their anchors. */
export type Entry = { type: "lesson"; cellId: string } | { type: "own"; cell: OwnCell };

/** The anchor of own cells shown before the first lesson cell. */
export const TOP_ANCHOR = "";

/** Ids of own cells: never a lesson cell's id (the server refuses any other). */
export function newLearnerCellId(): string {
  return `own-${crypto.randomUUID()}`;
}

export function isLearnerCellId(cellId: string): boolean {
  return cellId.startsWith("own-");
}

const byPosition = (a: OwnCell, b: OwnCell) => a.position - b.position || a.cellId.localeCompare(b.cellId);

/** The live own cells that follow `anchor`, in order. */
export function cellsAfter(cells: Iterable<OwnCell>, anchor: string): OwnCell[] {
  return [...cells].filter((cell) => !cell.deleted && cell.anchor === anchor).sort(byPosition);
}

/** Live own cells whose anchor the lesson no longer has, grouped by old anchor. */
export function orphanCells(cells: Iterable<OwnCell>, lessonCellIds: readonly string[]): OwnCell[] {
  const known = new Set(lessonCellIds);
  return [...cells].filter((cell) => !cell.deleted && cell.anchor !== TOP_ANCHOR && !known.has(cell.anchor)).sort((a, b) => a.anchor.localeCompare(b.anchor) || byPosition(a, b));
}

/** Every cell of the notebook in the order the page shows them. */
export function orderedEntries(lessonCellIds: readonly string[], cells: Iterable<OwnCell>): Entry[] {
  const all = [...cells];
  const own = (list: OwnCell[]): Entry[] => list.map((cell) => ({ type: "own", cell }));
  return [
    ...own(cellsAfter(all, TOP_ANCHOR)),
    ...lessonCellIds.flatMap((cellId): Entry[] => [{ type: "lesson", cellId }, ...own(cellsAfter(all, cellId))]),
    ...own(orphanCells(all, lessonCellIds)),
  ];
}

const idOf = (entry: Entry) => (entry.type === "lesson" ? entry.cellId : entry.cell.cellId);

/** A place between entries[index - 1] and entries[index] (the slot before `index`). */
function placeAt(entries: Entry[], index: number, skip?: string): Place {
  const neighbours = entries.filter((entry) => idOf(entry) !== skip);
  const before = neighbours[index - 1];
  const after = neighbours[index];
  if (!before) return after?.type === "own" ? { anchor: after.cell.anchor, position: after.cell.position - 1 } : { anchor: TOP_ANCHOR, position: 0 };
  if (before.type === "lesson") return { anchor: before.cellId, position: after?.type === "own" ? after.cell.position - 1 : 0 };
  const { anchor, position } = before.cell;
  if (after?.type === "own" && after.cell.anchor === anchor) return { anchor, position: (position + after.cell.position) / 2 };
  return { anchor, position: position + 1 };
}

/** The place for a new cell right after cell `cellId` (a lesson cell or an own cell). */
export function placeAfter(entries: Entry[], cellId: string): Place {
  const index = entries.findIndex((entry) => idOf(entry) === cellId);
  return placeAt(entries, index === -1 ? entries.length : index + 1);
}

/** The place for a new cell right before cell `cellId`. */
export function placeBefore(entries: Entry[], cellId: string): Place {
  const index = entries.findIndex((entry) => idOf(entry) === cellId);
  return placeAt(entries, index === -1 ? 0 : index);
}

/** Where own cell `cellId` goes when moved one cell up (-1) or down (+1); null at either end. */
export function movedPlace(entries: Entry[], cellId: string, direction: -1 | 1): Place | null {
  const index = entries.findIndex((entry) => idOf(entry) === cellId);
  if (index === -1) return null;
  // Among the other cells, the neighbour above sits at index - 1 and the one below at index:
  // one up is the slot before the former, one down the slot after the latter.
  const slot = index + direction;
  if (slot < 0 || slot >= entries.length) return null;
  return placeAt(entries, slot, cellId);
}
