import type { LearnerCellPlacement } from "../persistence/save-queue";
import { movedPlace, newLearnerCellId, orderedEntries, placeAfter, placeBefore, type LearnerCellKind, type OwnCell } from "./learner-cell-order";

/** How a newly inserted cell takes focus: its editor (a click on Insert) or the cell itself (A/B). */
export type FocusMode = "edit" | "command";

export interface LearnerCellSnapshot {
  /** Every own cell this page knows, deleted ones included (they are filtered when placed). */
  cells: readonly OwnCell[];
  /** Notes open in their editor. */
  editingNotes: ReadonlySet<string>;
  /** The last deleted cell, while its Undo is offered. */
  lastDeleted: OwnCell | null;
  /** A short message for the learner (why a shortcut did nothing). */
  notice: string | null;
}

type Save = (cellId: string, code: string, placement: LearnerCellPlacement) => void;

/** The server keeps at most this many live own cells per lesson (lib/db/learner-cells.ts). */
const MAX_CELLS = 100;

/**
 * The learner's own cells on one lesson page: what the page shows (a snapshot for
 * useSyncExternalStore) and every change to them, each saved at once through the lesson's
 * autosave queue. Typing changes a cell's code without re-rendering the notebook: the editor owns
 * its text, as it does for lesson cells.
 */
export class LearnerCellStore {
  private readonly cells = new Map<string, OwnCell>();
  private readonly listeners = new Set<() => void>();
  private snapshot: LearnerCellSnapshot = { cells: [], editingNotes: new Set(), lastDeleted: null, notice: null };
  private pendingFocus: { cellId: string; mode: FocusMode } | null = null;

  constructor(
    private readonly lessonCellIds: readonly string[],
    private readonly save: Save,
  ) {}

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): LearnerCellSnapshot => this.snapshot;

  get(cellId: string): OwnCell | undefined {
    return this.cells.get(cellId);
  }

  has(cellId: string): boolean {
    const cell = this.cells.get(cellId);
    return cell !== undefined && !cell.deleted;
  }

  /** The cells loaded from the server and the local queue; cells this page changed since keep their state. */
  load(loaded: readonly OwnCell[]): void {
    for (const cell of loaded) if (!this.cells.has(cell.cellId)) this.cells.set(cell.cellId, { ...cell });
    this.publish();
  }

  /** A newer version saved elsewhere (another tab, or the answer to a write that lost). */
  external(cellId: string, code: string, placement: LearnerCellPlacement): void {
    this.cells.set(cellId, { cellId, code, ...placement });
    this.publish();
  }

  /** Adds a cell right after or before `relativeTo` (a lesson cell or an own cell); returns its id (null when full). */
  insert(relativeTo: string, where: "after" | "before", kind: LearnerCellKind, focus: FocusMode): string | null {
    if ([...this.cells.values()].filter((cell) => !cell.deleted).length >= MAX_CELLS) {
      this.tell(`A lesson holds at most ${MAX_CELLS} cells of your own; delete one first.`);
      return null;
    }
    const entries = orderedEntries(this.lessonCellIds, this.cells.values());
    const place = where === "after" ? placeAfter(entries, relativeTo) : placeBefore(entries, relativeTo);
    const cell: OwnCell = { cellId: newLearnerCellId(), kind, code: "", deleted: false, ...place };
    this.pendingFocus = { cellId: cell.cellId, mode: focus };
    const editing = kind === "note" && focus === "edit" ? new Set([...this.snapshot.editingNotes, cell.cellId]) : this.snapshot.editingNotes;
    this.write(cell, { editingNotes: editing, notice: null });
    return cell.cellId;
  }

  /** The learner typed: saved, but the page is not re-rendered (the editor shows the text already). */
  setCode(cellId: string, code: string): void {
    const cell = this.cells.get(cellId);
    if (!cell || cell.code === code) return;
    const next = { ...cell, code };
    this.cells.set(cellId, next);
    this.persist(next);
  }

  setKind(cellId: string, kind: LearnerCellKind): void {
    const cell = this.cells.get(cellId);
    if (!cell || cell.deleted || cell.kind === kind) return;
    this.pendingFocus = { cellId, mode: "command" };
    this.write({ ...cell, kind });
  }

  /** Moves a cell one up or down among all cells; false when it is already first or last. */
  move(cellId: string, direction: -1 | 1): boolean {
    const cell = this.cells.get(cellId);
    if (!cell || cell.deleted) return false;
    const place = movedPlace(orderedEntries(this.lessonCellIds, this.cells.values()), cellId, direction);
    if (!place) return false;
    this.write({ ...cell, ...place });
    return true;
  }

  /** Deletes a cell, keeping it for Undo (and on the server as a tombstone). */
  remove(cellId: string): void {
    const cell = this.cells.get(cellId);
    if (!cell || cell.deleted) return;
    const editing = new Set(this.snapshot.editingNotes);
    editing.delete(cellId);
    this.write({ ...cell, deleted: true }, { lastDeleted: { ...cell }, editingNotes: editing, notice: null });
  }

  /** Brings the last deleted cell back where it was. */
  undo(): string | null {
    const deleted = this.snapshot.lastDeleted;
    if (!deleted) return null;
    this.pendingFocus = { cellId: deleted.cellId, mode: "command" };
    this.write({ ...deleted, code: this.cells.get(deleted.cellId)?.code ?? deleted.code, deleted: false }, { lastDeleted: null });
    return deleted.cellId;
  }

  dismissUndo(): void {
    this.publish({ lastDeleted: null });
  }

  setEditing(cellId: string, editing: boolean): void {
    if (this.snapshot.editingNotes.has(cellId) === editing) return;
    const next = new Set(this.snapshot.editingNotes);
    if (editing) next.add(cellId);
    else next.delete(cellId);
    this.publish({ editingNotes: next });
  }

  tell(notice: string | null): void {
    this.publish({ notice });
  }

  /** Whether cell `cellId` should take focus now that it is shown (once). */
  takeFocus(cellId: string): FocusMode | null {
    if (this.pendingFocus?.cellId !== cellId) return null;
    const { mode } = this.pendingFocus;
    this.pendingFocus = null;
    return mode;
  }

  private write(cell: OwnCell, changes: Partial<LearnerCellSnapshot> = {}): void {
    this.cells.set(cell.cellId, cell);
    this.persist(cell);
    this.publish(changes);
  }

  private persist({ cellId, code, kind, anchor, position, deleted }: OwnCell): void {
    this.save(cellId, code, { kind, anchor, position, deleted });
  }

  private publish(changes: Partial<LearnerCellSnapshot> = {}): void {
    this.snapshot = { ...this.snapshot, ...changes, cells: [...this.cells.values()] };
    for (const listener of this.listeners) listener();
  }
}
