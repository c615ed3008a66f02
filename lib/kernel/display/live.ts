import type { MimeBundle } from "../protocol";
import { PROGRESS_MIME, type ProgressData } from "./mime";
import { figureBundle, lineFigure } from "./plot";
import { Tensor } from "../../tensor";

/** Where a live display sends its frames: shows once, then replaces itself in place. */
export interface DisplaySink {
  show(bundle: MimeBundle): void;
  update(bundle: MimeBundle): void;
  /**
   * Asks for `settle` to run when the running cell ends (once per cell however often it is
   * asked), with whether the cell succeeded: a throttled display then sends what it held back,
   * so a loop's last points show even when the cell never calls close().
   */
  atCellEnd?(settle: (ok: boolean) => void): void;
}

const PROGRESS_EVERY_MS = 100;
const CHART_EVERY_MS = 250;

function bar(data: ProgressData): string {
  const width = 30;
  const filled = data.total > 0 ? Math.round((width * Math.min(data.value, data.total)) / data.total) : 0;
  const percent = data.total > 0 ? Math.floor((100 * data.value) / data.total) : 0;
  return `${data.label} ${String(percent).padStart(3)}%|${"█".repeat(filled)}${" ".repeat(width - filled)}| ${data.value}/${data.total} [${data.elapsed_s.toFixed(1)}s${data.postfix ? `, ${data.postfix}` : ""}]`;
}

/**
 * A progress bar (tqdm-like) that updates in place. Updates are throttled so a loop that
 * reports every step doesn't flood the page; the last state always gets through.
 */
export class ProgressDisplay {
  private value = 0;
  private postfix: string | undefined;
  private lastSent = 0;
  private held = false;
  private readonly started = Date.now();
  private closed = false;
  private readonly settle = () => {
    if (this.held) this.send(Date.now());
  };

  constructor(private readonly sink: DisplaySink, private readonly total: number, private readonly label = "") {
    if (!Number.isFinite(total) || total < 0) throw new RangeError(`progress(total): total must be a non-negative number, got ${total}`);
    sink.show(this.bundle());
  }

  update(value: number, postfix?: string): void {
    this.value = value;
    this.postfix = postfix;
    const now = Date.now();
    if (value >= this.total || now - this.lastSent >= PROGRESS_EVERY_MS) this.send(now);
    else if (!this.held) {
      this.held = true;
      this.sink.atCellEnd?.(this.settle);
    }
  }

  private send(now: number): void {
    this.lastSent = now;
    this.held = false;
    this.sink.update(this.bundle());
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.sink.update(this.bundle());
  }

  private bundle(): MimeBundle {
    const data: ProgressData = { label: this.label, value: this.value, total: this.total, postfix: this.postfix, elapsed_s: (Date.now() - this.started) / 1000, done: this.closed };
    return { "text/plain": bar(data), [PROGRESS_MIME]: data };
  }
}

function describe(value: unknown): string {
  if (value instanceof Tensor) return `a tensor of shape [${value.shape.join(", ")}]`;
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `${typeof value} ${String(value)}`;
}

/** A metric's number: a number as is, a one-element tensor's value; anything else raises. */
function metricValue(name: string, value: unknown): number {
  if (typeof value === "number") return value;
  if (value instanceof Tensor) {
    if (value.numel() === 1) return Number(value.item());
    throw new TypeError(
      `live_chart.push: metric "${name}" is ${describe(value)}; a chart point needs one number ` +
        "(pass a one-element tensor such as loss, or reduce it first: t.mean())",
    );
  }
  throw new TypeError(`live_chart.push: metric "${name}" must be a number or a one-element tensor, got ${describe(value)}`);
}

export interface LiveChartOptions {
  title?: string;
  ylabel?: string;
  xlabel?: string;
  ylog?: boolean;
}

/**
 * A line chart of metrics that redraws in place as steps arrive (a live loss curve). It appears
 * with its first point (or at close(), or at the end of a cell that pushed nothing and
 * succeeded), so a cell that fails before its first point leaves no empty chart above the error.
 */
export class LiveChart {
  private readonly series = new Map<string, { x: number[]; y: number[] }>();
  private lastSent = 0;
  private dirty = false;
  private shown = false;
  private readonly settle = (ok: boolean) => {
    if (this.dirty || (ok && !this.shown)) this.flush(Date.now());
  };

  constructor(private readonly sink: DisplaySink, private options: LiveChartOptions = {}) {
    sink.atCellEnd?.(this.settle);
  }

  /** A new title, drawn at once if the chart is on screen (an experiment's chart learns what varies when the next run starts). */
  retitle(title: string): void {
    this.options = { ...this.options, title };
    if (this.shown) this.flush(Date.now());
  }

  /**
   * Adds one point per metric: a number, or a one-element tensor (its value, as loss.item()),
   * so `chart.push(step, { loss })` works with the loss tensor itself. Anything else raises a
   * TypeError naming the metric, before any point is added (a skipped value would draw nothing).
   */
  push(step: number | Tensor, metrics: Record<string, number | Tensor>): void {
    const x = typeof step === "number" ? step : step instanceof Tensor && step.numel() === 1 ? Number(step.item()) : NaN;
    if (!Number.isFinite(x)) throw new TypeError(`live_chart.push(step, metrics): step must be a number, got ${describe(step)}`);
    if (typeof metrics !== "object" || metrics === null || Array.isArray(metrics) || metrics instanceof Tensor) {
      throw new TypeError(`live_chart.push(step, metrics): metrics must be an object like { loss }, got ${describe(metrics)}`);
    }
    const points = Object.entries(metrics).map(([name, value]) => [name, metricValue(name, value)] as const);
    for (const [name, value] of points) {
      const s = this.series.get(name) ?? { x: [], y: [] };
      s.x.push(x);
      s.y.push(value);
      this.series.set(name, s);
    }
    this.dirty = true;
    const now = Date.now();
    if (now - this.lastSent >= CHART_EVERY_MS) this.flush(now);
    else this.sink.atCellEnd?.(this.settle);
  }

  close(): void {
    if (this.dirty || !this.shown) this.flush(Date.now());
  }

  private flush(now: number): void {
    this.lastSent = now;
    this.dirty = false;
    if (this.shown) this.sink.update(this.bundle());
    else {
      this.shown = true;
      this.sink.show(this.bundle());
    }
  }

  private bundle(): MimeBundle {
    const entries = [...this.series.entries()];
    const summary = entries.length
      ? entries.map(([name, s]) => `${name}: ${s.y.at(-1)?.toPrecision(4)} (step ${s.x.at(-1)})`).join(", ")
      : "live chart (no data yet)";
    const figure = lineFigure(entries.length ? entries.map(([name, s]) => ({ name, x: s.x, y: s.y })) : [{ name: "", x: [], y: [] }], {
      title: this.options.title,
      xlabel: this.options.xlabel ?? "step",
      ylabel: this.options.ylabel,
      ylog: this.options.ylog,
    });
    return figureBundle(figure, summary);
  }
}
