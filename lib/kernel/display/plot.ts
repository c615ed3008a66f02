import type { Tensor } from "../../tensor";
import { PLOTLY_MIME, type PlotlyFigure } from "./mime";
import { toMatrix, toNumbers, type NumbersLike } from "./numbers";
import type { MimeBundle } from "../protocol";
import { binGroups } from "./histogram";

export interface Series {
  x?: NumbersLike;
  y: NumbersLike;
  name?: string;
}

export interface Layout {
  title?: string;
  xlabel?: string;
  ylabel?: string;
  ylog?: boolean;
  xlog?: boolean;
  height?: number;
}

function layoutOf(options: Layout = {}): Record<string, unknown> {
  return {
    ...(options.title ? { title: { text: options.title } } : {}),
    xaxis: { title: { text: options.xlabel ?? "" }, ...(options.xlog ? { type: "log" } : {}) },
    yaxis: { title: { text: options.ylabel ?? "" }, ...(options.ylog ? { type: "log" } : {}) },
    height: options.height ?? 360,
    margin: { l: 60, r: 20, t: options.title ? 48 : 20, b: 50 },
  };
}

/** A figure shows itself as a chart; its text form says what it is for plain outputs. */
export function figureBundle(figure: PlotlyFigure, summary: string): MimeBundle {
  return { "text/plain": summary, [PLOTLY_MIME]: figure };
}

export function lineFigure(series: Series | Series[], layout?: Layout): PlotlyFigure {
  const list = Array.isArray(series) ? series : [series];
  if (list.length === 0) throw new TypeError("plot.line needs at least one series { y }");
  return {
    data: list.map((s, i) => {
      const y = toNumbers(s.y, "y");
      const x = s.x === undefined ? y.map((_, j) => j) : toNumbers(s.x, "x");
      if (x.length !== y.length) throw new RangeError(`plot.line: series ${s.name ?? i} has ${x.length} x values but ${y.length} y values`);
      return { type: "scatter", mode: "lines", x, y, name: s.name ?? `series ${i + 1}` };
    }),
    layout: { ...layoutOf(layout), showlegend: list.length > 1 },
  };
}

export interface ScatterOptions extends Layout {
  color?: NumbersLike;
}

export function scatterFigure(x: NumbersLike, y: NumbersLike, options: ScatterOptions = {}): PlotlyFigure {
  const xs = toNumbers(x, "x");
  const ys = toNumbers(y, "y");
  if (xs.length !== ys.length) throw new RangeError(`plot.scatter: ${xs.length} x values but ${ys.length} y values`);
  const color = options.color === undefined ? undefined : toNumbers(options.color, "color");
  if (!color) return { data: [{ type: "scatter", mode: "markers", x: xs, y: ys, marker: { size: 6 } }], layout: layoutOf(options) };
  // One trace per class gives a legend and distinct colours for labels.
  const classes = [...new Set(color)].sort((a, b) => a - b);
  return {
    data: classes.map((c) => {
      const idx = color.flatMap((v, i) => (v === c ? [i] : []));
      return { type: "scatter", mode: "markers", name: `class ${c}`, x: idx.map((i) => xs[i]), y: idx.map((i) => ys[i]), marker: { size: 6 } };
    }),
    layout: { ...layoutOf(options), showlegend: true },
  };
}

export interface HistOptions extends Layout {
  bins?: number;
}

/** Binned in the kernel (./histogram.ts): the figure holds counts per bin, drawn as bars. */
export function histFigure(values: NumbersLike | Record<string, NumbersLike>, options: HistOptions = {}): PlotlyFigure {
  const groups: [string, number[]][] = isNamedGroups(values)
    ? Object.entries(values).map(([name, v]) => [name, toNumbers(v, name)])
    : [["values", toNumbers(values as NumbersLike)]];
  const { edges, groups: binned } = binGroups(groups, options.bins ?? 40);
  const centers = edges.slice(0, -1).map((edge, i) => (edge + edges[i + 1]) / 2);
  const width = edges.length > 1 ? edges[1] - edges[0] : 1;
  return {
    data: binned.map((group) => ({
      type: "bar",
      name: group.skipped ? `${group.name} (${group.skipped} of ${group.total} not finite)` : group.name,
      x: centers,
      y: group.counts,
      width,
      opacity: groups.length > 1 ? 0.6 : 1,
    })),
    layout: { ...layoutOf({ ylabel: "count", ...options }), barmode: "overlay", bargap: 0, showlegend: groups.length > 1 },
  };
}

function isNamedGroups(values: unknown): values is Record<string, NumbersLike> {
  return typeof values === "object" && values !== null && !Array.isArray(values) && !ArrayBuffer.isView(values) && !("shape" in values);
}

export function heatmapFigure(z: Tensor | number[][], options: Layout = {}): PlotlyFigure {
  const matrix = toMatrix(z, "plot.heatmap");
  return { data: [{ type: "heatmap", z: matrix, colorscale: "RdBu", reversescale: true }], layout: { ...layoutOf(options), yaxis: { autorange: "reversed" } } };
}
