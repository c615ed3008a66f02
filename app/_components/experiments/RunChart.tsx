"use client";

import { useEffect, useRef, useState } from "react";

export interface RunCurve {
  name: string;
  steps: number[];
  values: number[];
}

type PlotlyModule = {
  react(root: HTMLElement, data: unknown[], layout?: Record<string, unknown>, config?: Record<string, unknown>): Promise<unknown>;
  purge(root: HTMLElement): void;
};

// Loaded on first use only: Plotly is large and most pages never draw a comparison.
let plotlyPromise: Promise<PlotlyModule> | null = null;
function loadPlotly(): Promise<PlotlyModule> {
  plotlyPromise ??= import("plotly.js-cartesian-dist-min").then((mod) => ((mod as { default?: PlotlyModule }).default ?? mod) as PlotlyModule);
  return plotlyPromise;
}

/** Overlaid metric curves of several runs (one line per run). */
export function RunChart({ curves, metric, title }: { curves: RunCurve[]; metric: string; title?: string }) {
  const root = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState<string | null>(null);

  useEffect(() => {
    const element = root.current;
    if (!element) return;
    let cancelled = false;
    loadPlotly()
      .then((Plotly) => {
        if (cancelled) return;
        const data = curves.map((curve) => ({ type: "scatter", mode: "lines", name: curve.name, x: curve.steps, y: curve.values }));
        return Plotly.react(
          element,
          data,
          { title: title ? { text: title } : undefined, xaxis: { title: { text: "step" } }, yaxis: { title: { text: metric } }, margin: { t: title ? 40 : 10, r: 10, b: 40, l: 50 }, height: 320, showlegend: true },
          { displaylogo: false, responsive: true },
        );
      })
      .catch((error: unknown) => setFailed(error instanceof Error ? error.message : String(error)));
    return () => {
      cancelled = true;
    };
  }, [curves, metric, title]);

  useEffect(() => {
    const element = root.current;
    return () => {
      if (element) void loadPlotly().then((Plotly) => Plotly.purge(element));
    };
  }, []);

  return (
    <figure className="run-chart" data-testid="run-chart" data-curves={curves.length}>
      <div ref={root} role="img" aria-label={`${metric} of ${curves.length} run${curves.length === 1 ? "" : "s"}: ${curves.map((c) => c.name).join(", ")}`} />
      {failed ? <figcaption className="error">Could not draw the chart: {failed}</figcaption> : null}
    </figure>
  );
}
