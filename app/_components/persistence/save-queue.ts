import { clear, createStore, del, entries, get, set, type UseStore } from "idb-keyval";

/** An edit the server has not confirmed yet. `version` is the edit time in ms. */
export interface QueuedEdit {
  lessonSlug: string;
  cellId: string;
  code: string;
  version: number;
  /** Set for a cell the learner added: its kind and place, saved with its code as one document. */
  learnerCell?: LearnerCellPlacement;
}

/** What a learner's own cell stores beside its code (app/api/lessons/[slug]/learner-cells). */
export interface LearnerCellPlacement {
  kind: "code" | "note";
  anchor: string;
  position: number;
  deleted: boolean;
}

/**
 * Unconfirmed edits kept in IndexedDB, one per cell (a newer edit replaces an older one), so
 * they survive a closed tab, an offline spell or a server restart until the server confirms
 * them. Falls back to memory where IndexedDB is unavailable (some private windows).
 */
export class SaveQueue {
  private readonly store: UseStore | null;
  private readonly memory = new Map<string, QueuedEdit>();

  constructor() {
    this.store = typeof indexedDB === "undefined" ? null : createStore("gradbook-autosave", "pending-edits");
  }

  static key(lessonSlug: string, cellId: string): string {
    return `${lessonSlug}/${cellId}`;
  }

  async put(edit: QueuedEdit): Promise<void> {
    const key = SaveQueue.key(edit.lessonSlug, edit.cellId);
    this.memory.set(key, edit);
    if (!this.store) return;
    try {
      await set(key, edit, this.store);
    } catch {
      // IndexedDB refused (quota, private mode): the in-memory copy still gets sent.
    }
  }

  /** Removes the cell's edit if it is still the given version (a newer edit stays queued). */
  async confirm(lessonSlug: string, cellId: string, version: number): Promise<void> {
    const key = SaveQueue.key(lessonSlug, cellId);
    if (this.memory.get(key)?.version === version) this.memory.delete(key);
    if (!this.store) return;
    try {
      const stored = await get<QueuedEdit>(key, this.store);
      if (stored && stored.version <= version) await del(key, this.store);
    } catch {
      // Nothing to do: a stale entry is re-sent later and answered idempotently.
    }
  }

  /** Forgets every queued edit (after signing out, so the next identity never sends them). */
  async clear(): Promise<void> {
    this.memory.clear();
    if (!this.store) return;
    try {
      await clear(this.store);
    } catch {
      // Nothing more to do.
    }
  }

  async all(): Promise<QueuedEdit[]> {
    const merged = new Map(this.memory);
    if (this.store) {
      try {
        for (const [key, edit] of await entries<string, QueuedEdit>(this.store)) {
          const known = merged.get(key);
          if (!known || known.version < edit.version) merged.set(key, edit);
        }
      } catch {
        // Fall back to what this tab holds in memory.
      }
    }
    return [...merged.values()];
  }
}
