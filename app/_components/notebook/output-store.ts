import { clear, createStore, get, set, type UseStore } from "idb-keyval";
import { boundCellOutputs, jsonSize } from "@/lib/kernel/display/bounds";
import type { CellOutput } from "@/lib/kernel/protocol";
import { fetchAccount } from "../account/useAccount";
import { learnerFetch } from "../learner-fetch";

/** A cell's last outputs, kept so a reload (or, signed in, another device) shows them again. */
export interface SavedOutputs {
  outputs: CellOutput[];
  executionCount: number | null;
  /** Hash of the code that produced them (codeHash), to tell when the code changed since. */
  codeHash: string;
  /** When the run ended (ms): the newest run wins between this browser and the server. */
  ranAt: number;
}

export type LessonOutputs = Record<string, SavedOutputs>;

/** What this browser keeps: per cell and per lesson, in characters of JSON. */
export const LOCAL_CELL_LIMIT = 2_000_000;
export const LOCAL_LESSON_LIMIT = 10_000_000;
/** What goes to the server per cell: well inside the API's 256 KB request limit. */
export const SERVER_CELL_LIMIT = 200_000;

/** FNV-1a, 32 bits, as 8 hex digits: enough to notice that a cell's code changed. */
export function codeHash(code: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < code.length; i++) {
    hash ^= code.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, "0");
}

/** A cell's outputs bounded for keeping: at most `limit` characters, with a note for what was left out. */
export function boundSaved(saved: SavedOutputs, limit: number): SavedOutputs {
  return { ...saved, outputs: boundCellOutputs(saved.outputs, limit) };
}

/** The lesson's saved outputs within `limit`: the oldest runs are forgotten first. */
export function boundLesson(cells: LessonOutputs, limit = LOCAL_LESSON_LIMIT): LessonOutputs {
  const entries = Object.entries(cells).sort(([, a], [, b]) => b.ranAt - a.ranAt);
  const kept: LessonOutputs = {};
  let used = 0;
  for (const [cellId, saved] of entries) {
    const size = jsonSize(saved.outputs);
    if (used + size > limit) continue;
    kept[cellId] = saved;
    used += size;
  }
  return kept;
}

/** Per cell, the newer of two copies (this browser's and the server's). */
export function newestOf(a: LessonOutputs, b: LessonOutputs): LessonOutputs {
  const merged: LessonOutputs = { ...a };
  for (const [cellId, saved] of Object.entries(b)) {
    if (!merged[cellId] || merged[cellId].ranAt < saved.ranAt) merged[cellId] = saved;
  }
  return merged;
}

let idb: UseStore | null | undefined;
function database(): UseStore | null {
  if (idb === undefined) idb = typeof indexedDB === "undefined" ? null : createStore("gradbook-outputs", "lessons");
  return idb;
}

/**
 * One lesson's saved outputs: IndexedDB first (every learner, this browser), and for a signed-in
 * learner a copy on the server so another device sees them. Writes to IndexedDB are coalesced;
 * the server gets each cell's outputs after its run (an anonymous learner's 403 turns that off).
 */
export class OutputStore {
  private cells: LessonOutputs = {};
  private readonly loaded: Promise<void>;
  private serverKeeps = true;
  private writeTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly lessonSlug: string) {
    this.loaded = this.load();
  }

  /** The cell's saved outputs, once this browser's copy and the server's have been read. */
  async restored(cellId: string): Promise<SavedOutputs | undefined> {
    await this.loaded;
    return this.cells[cellId];
  }

  save(cellId: string, saved: SavedOutputs): void {
    this.cells = boundLesson({ ...this.cells, [cellId]: boundSaved(saved, LOCAL_CELL_LIMIT) });
    this.scheduleWrite();
    if (this.serverKeeps) void this.send(cellId, boundSaved(saved, SERVER_CELL_LIMIT));
  }

  /** "Clear outputs": forgets the cell's outputs here and on the server. */
  forget(cellId: string): void {
    if (!(cellId in this.cells)) return;
    delete this.cells[cellId];
    this.scheduleWrite();
    if (this.serverKeeps) void learnerFetch(this.url(cellId), { method: "DELETE" }).catch(() => undefined);
  }

  private async load(): Promise<void> {
    const store = database();
    let local: LessonOutputs = {};
    try {
      if (store) local = (await get<LessonOutputs>(this.lessonSlug, store)) ?? {};
    } catch {
      // IndexedDB refused (private mode): outputs last as long as the page.
    }
    const server = await this.fromServer();
    // Runs that happened while loading are newer than anything read.
    this.cells = boundLesson(newestOf(newestOf(local, server), this.cells));
  }

  /**
   * The server's copy, for an account. An anonymous learner is not asked (the API answers 403, a
   * failed request in the console on every lesson they open): this browser keeps their outputs.
   */
  private async fromServer(): Promise<LessonOutputs> {
    const account = await fetchAccount();
    if (!account || account.anonymous) {
      this.serverKeeps = false;
      return {};
    }
    try {
      const response = await learnerFetch(`/api/lessons/${encodeURIComponent(this.lessonSlug)}/outputs`, { cache: "no-store" });
      if (response.status === 403) this.serverKeeps = false;
      else if (response.ok) {
        const body = (await response.json()) as { cells: (SavedOutputs & { cellId: string })[] };
        return Object.fromEntries(body.cells.map(({ cellId, ...saved }) => [cellId, saved]));
      }
    } catch {
      // Offline: this browser's copy is what there is.
    }
    return {};
  }

  private scheduleWrite(): void {
    if (this.writeTimer) return;
    this.writeTimer = setTimeout(() => {
      this.writeTimer = null;
      const store = database();
      if (store) void set(this.lessonSlug, this.cells, store).catch(() => undefined);
    }, 300);
  }

  private async send(cellId: string, saved: SavedOutputs): Promise<void> {
    await this.loaded;
    // A run before the load finished did not know yet whether the server keeps outputs.
    if (!this.serverKeeps) return;
    try {
      const response = await learnerFetch(this.url(cellId), { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(saved), keepalive: jsonSize(saved) < 60_000 });
      if (response.status === 403) this.serverKeeps = false;
    } catch {
      // Offline: this browser keeps them; the next run sends again.
    }
  }

  private url(cellId: string): string {
    return `/api/lessons/${encodeURIComponent(this.lessonSlug)}/outputs/${encodeURIComponent(cellId)}`;
  }
}

const stores = new Map<string, OutputStore>();

/** The page's store for a lesson: one per lesson and page load. */
export function outputStoreFor(lessonSlug: string): OutputStore {
  let store = stores.get(lessonSlug);
  if (!store) stores.set(lessonSlug, (store = new OutputStore(lessonSlug)));
  return store;
}

/** After signing out: the next person in this browser must not see these outputs. */
export async function forgetSavedOutputs(): Promise<void> {
  stores.clear();
  const store = database();
  if (store) await clear(store).catch(() => undefined);
}
