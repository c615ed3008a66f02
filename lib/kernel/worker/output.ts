import type { KernelToPage, MimeBundle } from "../protocol";
import { formatValue } from "../display/format-value";
import { boundBundle, describeSize, jsonSize, MAX_DISPLAY_CHARS_PER_CELL, MAX_DISPLAYS_PER_CELL } from "../display/bounds";

type Post = (message: KernelToPage) => void;

const STREAM_FLUSH_MS = 30;
const MAX_STREAM_CHARS_PER_CELL = 1_000_000;

/**
 * Everything a running cell sends to the page. Prints are batched for a few
 * milliseconds so a loop that prints every step cannot flood the page, yet they still
 * arrive while the cell runs.
 */
export class OutputChannel {
  private parentId = "";
  private pending: { name: "stdout" | "stderr"; text: string } | null = null;
  private lastFlush = 0;
  private streamed = 0;
  private truncated = false;
  private displayCounter = 0;
  /** New displays this cell added, and their size: past the budget, one note stands for the rest. */
  private displays = { count: 0, chars: 0, cut: false };

  constructor(private readonly post: Post) {}

  get currentParent(): string {
    return this.parentId;
  }

  begin(parentId: string): void {
    this.parentId = parentId;
    this.streamed = 0;
    this.truncated = false;
    this.displays = { count: 0, chars: 0, cut: false };
    this.lastFlush = Date.now();
  }

  write(name: "stdout" | "stderr", text: string): void {
    if (this.streamed >= MAX_STREAM_CHARS_PER_CELL) {
      if (!this.truncated) {
        this.truncated = true;
        this.enqueue("stderr", "\n[output truncated: this cell printed more than 1 MB]\n");
        this.flush();
      }
      return;
    }
    this.streamed += text.length;
    this.enqueue(name, text);
    if (Date.now() - this.lastFlush >= STREAM_FLUSH_MS) this.flush();
  }

  /** Called from loop guards so prints reach the page even while a loop runs on. */
  flushIfDue(): void {
    if (this.pending && Date.now() - this.lastFlush >= STREAM_FLUSH_MS) this.flush();
  }

  flush(): void {
    this.lastFlush = Date.now();
    if (!this.pending) return;
    const { name, text } = this.pending;
    this.pending = null;
    this.post({ type: "stream", parent_id: this.parentId, name, text });
  }

  display(data: MimeBundle, displayId?: string): void {
    this.flush();
    const bounded = boundBundle(data);
    const size = jsonSize(bounded);
    if (this.displays.count >= MAX_DISPLAYS_PER_CELL || this.displays.chars + size > MAX_DISPLAY_CHARS_PER_CELL) {
      if (!this.displays.cut) {
        this.displays.cut = true;
        const note = `[further displays of this cell not shown: a cell shows at most ${MAX_DISPLAYS_PER_CELL} displays or ${describeSize(MAX_DISPLAY_CHARS_PER_CELL)}]`;
        this.post({ type: "display_data", parent_id: this.parentId, data: { "text/plain": note } });
      }
      return;
    }
    this.displays.count++;
    this.displays.chars += size;
    this.post({ type: "display_data", parent_id: this.parentId, data: bounded, display_id: displayId });
  }

  /** Replaces a display in place: bounded like any output, and it adds nothing to the cell's budget. */
  updateDisplay(data: MimeBundle, displayId: string): void {
    this.flush();
    this.post({ type: "update_display_data", parent_id: this.parentId, data: boundBundle(data), display_id: displayId });
  }

  newDisplayId(): string {
    return `display-${Date.now().toString(36)}-${++this.displayCounter}`;
  }

  /** A console whose output goes to the running cell. */
  console(): Pick<Console, "log" | "info" | "debug" | "warn" | "error"> {
    const line = (args: unknown[]) => `${args.map((arg) => formatValue(arg)).join(" ")}\n`;
    return {
      log: (...args: unknown[]) => this.write("stdout", line(args)),
      info: (...args: unknown[]) => this.write("stdout", line(args)),
      debug: (...args: unknown[]) => this.write("stdout", line(args)),
      warn: (...args: unknown[]) => this.write("stderr", line(args)),
      error: (...args: unknown[]) => this.write("stderr", line(args)),
    };
  }

  private enqueue(name: "stdout" | "stderr", text: string): void {
    if (this.pending && this.pending.name !== name) this.flush();
    if (this.pending) this.pending.text += text;
    else this.pending = { name, text };
  }
}
