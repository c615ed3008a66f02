import type { MimeBundle } from "../protocol";
import type { KernelSession } from "./session";
import { createExperiments } from "./experiments";
import { utils, type Tensor } from "../../tensor";
import { isTensor } from "../display/numbers";
import { figureBundle, heatmapFigure, histFigure, lineFigure, scatterFigure, type HistOptions, type Layout, type ScatterOptions, type Series } from "../display/plot";
import { tableBundle, tableData } from "../display/table";
import { imageBundle, imageGrid, type ImageGridOptions } from "../display/images";
import { LiveChart, ProgressDisplay, type DisplaySink, type LiveChartOptions } from "../display/live";
import type { PlotlyFigure } from "../display/mime";
import type { NumbersLike } from "../display/numbers";
import { createInspect } from "./inspect";
import { createPublishModel, type ModelPublisher } from "./publish";
import { fileBundle } from "../display/files";

/** A display the cell can replace in place later (progress bars, live charts). */
export interface DisplayHandle {
  display_id: string;
  update(value: unknown): void;
}

/** Arrays of rows and plain objects show as tables when displayed; everything else as text. */
function richBundle(session: KernelSession, value: unknown): MimeBundle {
  const plain = typeof value === "object" && value !== null && !isTensor(value) && (Array.isArray(value) || Object.getPrototypeOf(value) === Object.prototype);
  if (plain) {
    try {
      return tableBundle(tableData(value));
    } catch {
      // Not table-shaped: fall back to text.
    }
  }
  return session.mimeBundleOf(value);
}

/**
 * Names every cell sees besides the engine. `publisher` sends `publish_model` requests to the
 * server (the browser worker passes one; in Node there is none and publish_model says so).
 */
export function notebookBuiltins(session: KernelSession, publisher: ModelPublisher | null = null) {
  const console = session.output.console();
  const show = (bundle: MimeBundle) => session.output.display(bundle);
  const sink = (): DisplaySink => {
    const id = session.output.newDisplayId();
    return {
      show: (bundle) => session.output.display(bundle, id),
      update: (bundle) => session.output.updateDisplay(bundle, id),
      atCellEnd: (settle) => session.atCellEnd(settle),
    };
  };

  const display = (value: unknown, options: { display_id?: string } = {}): DisplayHandle => {
    const displayId = options.display_id ?? session.output.newDisplayId();
    session.output.display(richBundle(session, value), displayId);
    return { display_id: displayId, update: (next: unknown) => session.output.updateDisplay(richBundle(session, next), displayId) };
  };

  const plot = {
    /** Lines: one series `{ x?, y, name? }` or several. */
    line: (series: Series | Series[], layout?: Layout) => show(figureBundle(lineFigure(series, layout), `line chart${layout?.title ? `: ${layout.title}` : ""}`)),
    scatter: (x: NumbersLike, y: NumbersLike, options?: ScatterOptions) => show(figureBundle(scatterFigure(x, y, options), `scatter plot${options?.title ? `: ${options.title}` : ""}`)),
    hist: (values: NumbersLike | Record<string, NumbersLike>, options?: HistOptions) => show(figureBundle(histFigure(values, options), `histogram${options?.title ? `: ${options.title}` : ""}`)),
    heatmap: (z: Tensor | number[][], options?: Layout) => show(figureBundle(heatmapFigure(z, options), `heatmap${options?.title ? `: ${options.title}` : ""}`)),
    /** Any Plotly figure `{ data, layout }`, for charts the helpers don't cover. */
    figure: (figure: PlotlyFigure) => {
      if (!figure || !Array.isArray(figure.data)) throw new TypeError("plot.figure needs a Plotly figure { data: [...], layout? }");
      show(figureBundle(figure, "figure"));
    },
    /** A grid of images, e.g. MNIST digits from a [N, 784] tensor. */
    images: (images: Tensor, options?: ImageGridOptions) => show(imageBundle(imageGrid(images, options), `${images.shape[0]} images`)),
  };

  return {
    console,
    print: (...args: unknown[]) => console.log(...args),
    display,
    experiments: createExperiments(session),
    table: (rows: unknown, options: { title?: string } = {}) => show(tableBundle(tableData(rows, options.title))),
    plot,
    progress: (total: number, options: { label?: string } = {}) => new ProgressDisplay(sink(), total, options.label ?? ""),
    live_chart: (options: LiveChartOptions = {}) => new LiveChart(sink(), options),
    inspect: createInspect(show),
    load_mnist: utils.data.load_mnist,
    sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
    publish_model: createPublishModel(session, publisher),
    /** A Download button for bytes the cell made: `download(torch.onnx.export(net, x), "net.onnx")`. */
    download: (data: string | Uint8Array | ArrayBuffer, filename: string, options: { type?: string } = {}) => show(fileBundle(data, filename, options.type)),
  };
}
