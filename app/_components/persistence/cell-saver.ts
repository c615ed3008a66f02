import { SaveQueue, type LearnerCellPlacement, type QueuedEdit } from "./save-queue";
import { nextVersion } from "./versions";
import { learnerFetch } from "@/app/_components/learner-fetch";

export type SaveState = "saved" | "saving" | "offline";

export const SAVE_DELAY_MS = 1000;
const MAX_RETRY_MS = 8000;
const CHANNEL = "gradbook-cells";

interface ServerCell extends Partial<LearnerCellPlacement> {
  cellId: string;
  code: string;
  version: number;
}

/** A cell the learner added, as loaded: code and placement (deleted ones included). */
export interface LoadedLearnerCell extends LearnerCellPlacement {
  cellId: string;
  code: string;
}

/** The placement fields of a server answer that describes a learner's own cell. */
function placementOf(cell: ServerCell): LearnerCellPlacement | undefined {
  const { kind, anchor, position, deleted } = cell;
  return kind === undefined || anchor === undefined || position === undefined || deleted === undefined ? undefined : { kind, anchor, position, deleted };
}

export interface LoadedCells {
  /** The code to show per cell: the learner's newest (server or still-queued local edit). */
  code: Record<string, string>;
  /** The lesson's original code per cell. */
  original: Record<string, string>;
  /** The cells the learner added (server copy, overridden by newer queued edits). */
  learnerCells: LoadedLearnerCell[];
}

/** `learnerCell` is set when the cell is one the learner added (its kind and place came too). */
type ExternalCodeListener = (cellId: string, code: string, learnerCell?: LearnerCellPlacement) => void;

/**
 * Autosave for one lesson page. Each edit gets a version (its edit time), goes to the IndexedDB
 * queue at once, and is sent SAVE_DELAY_MS after typing stops (at once when the page is hidden).
 * The server keeps a write only if its version is newer; retries are idempotent, so the queue
 * resends until the server answers, however long it was away. Tabs tell each other about saved
 * code, and a tab whose edit lost (409) is told the newer code.
 */
export class CellSaver {
  private readonly known = new Map<string, number>();
  private readonly pending = new Map<string, QueuedEdit>();
  private readonly inFlight = new Set<string>();
  private readonly sending = new Set<Promise<void>>();
  private readonly stateListeners = new Set<(state: SaveState) => void>();
  private readonly codeListeners = new Set<ExternalCodeListener>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private retryDelay = 500;
  private offline = false;
  private disposed = false;
  private readonly channel: BroadcastChannel | null;
  original: Record<string, string> = {};
  state: SaveState = "saved";

  constructor(
    private readonly lessonSlug: string,
    private readonly queue = new SaveQueue(),
  ) {
    this.channel = typeof BroadcastChannel === "undefined" ? null : new BroadcastChannel(CHANNEL);
    if (this.channel) this.channel.onmessage = (event: MessageEvent<ServerCell & { lessonSlug: string }>) => this.onOtherTabSaved(event.data);
  }

  onState(listener: (state: SaveState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** Told when a cell's code changed outside this tab's editor (another tab, a lost write, reset). */
  onExternalCode(listener: ExternalCodeListener): () => void {
    this.codeListeners.add(listener);
    return () => this.codeListeners.delete(listener);
  }

  /** The learner's code per cell: the server's copy, overridden by newer edits still queued here. */
  async load(): Promise<LoadedCells> {
    const code: Record<string, string> = {};
    const learnerCells = new Map<string, LoadedLearnerCell>();
    let serverReached = true;
    try {
      const [body, own] = await Promise.all([this.fetchCells(), this.fetchLearnerCells()]);
      this.original = body.original;
      for (const cell of body.cells) {
        code[cell.cellId] = cell.code;
        this.known.set(cell.cellId, cell.version);
      }
      for (const cell of own) {
        const placement = placementOf(cell);
        if (placement) learnerCells.set(cell.cellId, { cellId: cell.cellId, code: cell.code, ...placement });
        this.known.set(cell.cellId, cell.version);
      }
    } catch {
      serverReached = false;
    }
    for (const edit of await this.queue.all()) {
      if (edit.lessonSlug === this.lessonSlug) {
        if (edit.version <= (this.known.get(edit.cellId) ?? 0)) {
          void this.queue.confirm(edit.lessonSlug, edit.cellId, edit.version);
          continue;
        }
        if (edit.learnerCell) learnerCells.set(edit.cellId, { cellId: edit.cellId, code: edit.code, ...edit.learnerCell });
        else code[edit.cellId] = edit.code;
        this.known.set(edit.cellId, edit.version);
      }
      // Edits of other lessons left from an earlier visit are sent too.
      this.pending.set(SaveQueue.key(edit.lessonSlug, edit.cellId), edit);
    }
    if (!serverReached) this.offline = true;
    this.updateState();
    if (this.pending.size) this.flush();
    return { code, original: this.original, learnerCells: [...learnerCells.values()] };
  }

  /**
   * Records an edit: queued durably now, sent after a pause in typing. A cell the learner added
   * passes its placement: code and placement travel (and win or lose) together.
   */
  edit(cellId: string, code: string, learnerCell?: LearnerCellPlacement): void {
    const version = nextVersion(this.known.get(cellId));
    this.known.set(cellId, version);
    const edit: QueuedEdit = { lessonSlug: this.lessonSlug, cellId, code, version, ...(learnerCell ? { learnerCell } : {}) };
    this.pending.set(SaveQueue.key(this.lessonSlug, cellId), edit);
    void this.queue.put(edit);
    this.updateState();
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), SAVE_DELAY_MS);
  }

  /** "Reset cell": the lesson's original code becomes the newest edit. */
  reset(cellId: string): string | undefined {
    const original = this.original[cellId];
    if (original === undefined) return undefined;
    this.edit(cellId, original);
    this.flush();
    return original;
  }

  /** Sends every unconfirmed edit now; `keepalive` lets the requests outlive a closing page. */
  flush(keepalive = false): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const [key, edit] of this.pending) {
      if (this.inFlight.has(key)) continue;
      const sent = this.send(key, edit, keepalive);
      this.sending.add(sent);
      void sent.finally(() => this.sending.delete(sent));
    }
  }

  /** Drops unsent edits without sending them (signed out: they must not go out under the next identity). */
  forgetPending(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending.clear();
    this.updateState();
  }

  /** Sends every unconfirmed edit and waits for the answers (before signing out, say). */
  async settle(): Promise<void> {
    this.flush();
    await Promise.all([...this.sending]);
  }

  /** Re-reads the server's copy (tab shown again) and takes any newer code saved elsewhere. */
  async refresh(): Promise<void> {
    try {
      const [body, own] = await Promise.all([this.fetchCells(), this.fetchLearnerCells()]);
      for (const cell of [...body.cells, ...own]) this.takeIfNewer(cell);
    } catch {
      // Offline: the retry loop reports it.
    }
  }

  dispose(): void {
    this.flush(true);
    this.disposed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.channel?.close();
    this.stateListeners.clear();
    this.codeListeners.clear();
  }

  private async fetchCells(): Promise<{ cells: ServerCell[]; original: Record<string, string> }> {
    const response = await learnerFetch(`/api/lessons/${this.lessonSlug}/cells`, { cache: "no-store" });
    if (!response.ok) throw new Error(`Could not load saved cells (${response.status})`);
    return (await response.json()) as { cells: ServerCell[]; original: Record<string, string> };
  }

  private async fetchLearnerCells(): Promise<ServerCell[]> {
    const response = await learnerFetch(`/api/lessons/${this.lessonSlug}/learner-cells`, { cache: "no-store" });
    if (!response.ok) throw new Error(`Could not load your own cells (${response.status})`);
    return ((await response.json()) as { cells: ServerCell[] }).cells;
  }

  private async send(key: string, edit: QueuedEdit, keepalive: boolean): Promise<void> {
    this.inFlight.add(key);
    let response: Response | null = null;
    const route = edit.learnerCell ? "learner-cells" : "cells";
    try {
      response = await learnerFetch(`/api/lessons/${edit.lessonSlug}/${route}/${encodeURIComponent(edit.cellId)}`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ code: edit.code, version: edit.version, ...edit.learnerCell }),
        // keepalive bodies are capped at 64 KB; a larger edit stays queued for the next visit.
        keepalive: keepalive && edit.code.length < 60_000,
      });
    } catch {
      response = null;
    } finally {
      this.inFlight.delete(key);
    }
    if (this.disposed) return;
    if (!response || response.status >= 500 || response.status === 429) {
      this.offline = true;
      this.updateState();
      this.scheduleRetry();
      return;
    }
    this.offline = false;
    this.retryDelay = 500;
    if (response.ok || response.status === 409) {
      const body = (await response.json().catch(() => null)) as { cell?: ServerCell } | null;
      await this.queue.confirm(edit.lessonSlug, edit.cellId, edit.version);
      if (this.pending.get(key)?.version === edit.version) this.pending.delete(key);
      if (body?.cell && edit.lessonSlug === this.lessonSlug) {
        if (response.ok) this.broadcast({ lessonSlug: this.lessonSlug, ...body.cell });
        else this.takeIfNewer(body.cell);
      }
    } else {
      // 400/401/403/404/413: resending cannot help; drop it rather than retry forever.
      console.warn(`Autosave of cell ${edit.cellId} refused (${response.status}): ${await response.text().catch(() => "")}`);
      await this.queue.confirm(edit.lessonSlug, edit.cellId, edit.version);
      if (this.pending.get(key)?.version === edit.version) this.pending.delete(key);
    }
    this.updateState();
  }

  /**
   * Tells other tabs about saved code. An answer can arrive after the page left the lesson (the
   * edit sent as it closed): the channel is closed by then and posting would throw an uncaught
   * InvalidStateError, so a disposed saver stays quiet.
   */
  private broadcast(message: ServerCell & { lessonSlug: string }): void {
    if (this.disposed || !this.channel) return;
    try {
      this.channel.postMessage(message);
    } catch {
      // Closed under us: no tab is left to tell.
    }
  }

  private scheduleRetry(): void {
    if (this.retryTimer || this.disposed) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.flush();
    }, this.retryDelay);
    this.retryDelay = Math.min(MAX_RETRY_MS, this.retryDelay * 2);
  }

  /** The browser says the network is back: retry at once instead of waiting out the backoff. */
  retryNow(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.retryDelay = 500;
    this.flush();
  }

  private onOtherTabSaved(message: ServerCell & { lessonSlug: string }): void {
    if (message.lessonSlug === this.lessonSlug) this.takeIfNewer(message);
  }

  /** Shows code saved elsewhere if it is newer than anything this tab has (sent or not). */
  private takeIfNewer(cell: ServerCell): void {
    if (cell.version <= (this.known.get(cell.cellId) ?? 0)) return;
    this.known.set(cell.cellId, cell.version);
    const key = SaveQueue.key(this.lessonSlug, cell.cellId);
    const mine = this.pending.get(key);
    if (mine && mine.version < cell.version) {
      this.pending.delete(key);
      void this.queue.confirm(this.lessonSlug, cell.cellId, mine.version);
    }
    for (const listener of this.codeListeners) listener(cell.cellId, cell.code, placementOf(cell));
    this.updateState();
  }

  private updateState(): void {
    const next: SaveState = this.pending.size === 0 ? "saved" : this.offline ? "offline" : "saving";
    if (next === this.state) return;
    this.state = next;
    for (const listener of this.stateListeners) listener(next);
  }
}
