"use client";

import { useMemo } from "react";
import { PlotlyChart } from "../plot/PlotlyChart";

export interface RunCurve {
  name: string;
  steps: number[];
  values: number[];
}

/** Overlaid metric curves of several runs (one line per run), on the notebook's shared Plotly chart. */
export function RunChart({ curves, metric, title }: { curves: RunCurve[]; metric: string; title?: string }) {
  const data = useMemo(() => curves.map((curve) => ({ type: "scatter", mode: "lines", name: curve.name, x: curve.steps, y: curve.values })), [curves]);
  const layout = useMemo(
    () => ({ title: title ? { text: title } : undefined, xaxis: { title: { text: "step" } }, yaxis: { title: { text: metric } }, margin: { t: title ? 40 : 10, r: 10, b: 40, l: 50 }, height: 320, showlegend: true }),
    [metric, title],
  );
  return (
    <figure className="run-chart" data-testid="run-chart" data-curves={curves.length}>
      <PlotlyChart data={data} layout={layout} label={`${metric} of ${curves.length} run${curves.length === 1 ? "" : "s"}: ${curves.map((c) => c.name).join(", ")}`} />
    </figure>
  );
}
