const SAVE_DELAY_MS = 800;

/**
 * Saves edited cells to the server a moment after typing stops, and at once when the
 * page is hidden (keepalive lets that last request outlive the page).
 */
export class CellSaver {
  private readonly pending = new Map<string, string>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly lessonSlug: string) {}

  async load(): Promise<Record<string, string>> {
    const response = await fetch(`/api/lessons/${this.lessonSlug}/cells`, { cache: "no-store" });
    if (!response.ok) throw new Error(`Could not load saved cells (${response.status})`);
    const body = (await response.json()) as { cells: { cellId: string; code: string }[] };
    return Object.fromEntries(body.cells.map((cell) => [cell.cellId, cell.code]));
  }

  schedule(cellId: string, code: string): void {
    this.pending.set(cellId, code);
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), SAVE_DELAY_MS);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const [cellId, code] of this.pending) {
      this.pending.delete(cellId);
      void fetch(`/api/lessons/${this.lessonSlug}/cells/${encodeURIComponent(cellId)}`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ code }),
        keepalive: true,
      }).catch(() => this.pending.set(cellId, code));
    }
  }
}
