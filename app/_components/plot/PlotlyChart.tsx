"use client";

import { useEffect, useRef, useState } from "react";
import { loadPlotly } from "./plotly-loader";

export interface PlotlyChartProps {
  data: Record<string, unknown>[];
  layout?: Record<string, unknown>;
  /** Accessible description of the chart. */
  label?: string;
}

/** A Plotly chart that redraws in place (Plotly.react) when its figure changes. */
export function PlotlyChart({ data, layout, label }: PlotlyChartProps) {
  const root = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    loadPlotly()
      .then((Plotly) => {
        if (cancelled || !root.current) return;
        return Plotly.react(root.current, data, { autosize: true, font: { family: "system-ui, sans-serif", size: 12 }, ...layout }, { responsive: true, displaylogo: false });
      })
      .catch((reason: unknown) => setError(`The chart could not be drawn: ${reason instanceof Error ? reason.message : String(reason)}`));
    return () => {
      cancelled = true;
    };
  }, [data, layout]);

  useEffect(() => {
    const element = root.current;
    return () => {
      if (element) void loadPlotly().then((Plotly) => Plotly.purge(element));
    };
  }, []);

  if (error) return <div className="output-error">{error}</div>;
  // role="figure", not "img": Plotly puts buttons (the mode bar) inside, and an image's content is presentational (axe: nested-interactive).
  return <div ref={root} className="plotly-chart" role="figure" aria-label={label ?? "chart"} data-testid="plotly-chart" />;
}
