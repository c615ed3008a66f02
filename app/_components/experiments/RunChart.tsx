"use client";

import { useMemo } from "react";
import { PlotlyChart } from "../plot/PlotlyChart";

export interface RunCurve {
  name: string;
  steps: number[];
  values: number[];
  /** The configuration's colour; Plotly's palette when absent. */
  color?: string;
  /** An older repeat of a configuration: drawn dotted and faint behind the latest. */
  repeat?: boolean;
}

/**
 * Overlaid metric curves of several runs on the notebook's Plotly chart. The legend is ours,
 * below the plot (one entry per label, wrapping on narrow screens), so however many lines
 * there are the plot keeps its full width.
 */
export function RunChart({ curves, metric, title }: { curves: RunCurve[]; metric: string; title?: string }) {
  const data = useMemo(
    () =>
      curves.map((curve) => ({
        type: "scatter",
        mode: "lines",
        name: curve.name,
        x: curve.steps,
        y: curve.values,
        line: { color: curve.color, width: curve.repeat ? 1 : 2, dash: curve.repeat ? "dot" : "solid" },
        opacity: curve.repeat ? 0.5 : 1,
      })),
    [curves],
  );
  const layout = useMemo(
    () => ({ title: title ? { text: title, font: { size: 14 } } : undefined, xaxis: { title: { text: "step" } }, yaxis: { title: { text: metric } }, margin: { t: title ? 36 : 10, r: 10, b: 40, l: 50 }, height: 300, showlegend: false }),
    [metric, title],
  );
  const legend = useMemo(() => {
    const entries = new Map<string, { color?: string; repeats: number }>();
    for (const curve of curves) {
      const entry = entries.get(curve.name) ?? { color: curve.color, repeats: 0 };
      if (curve.repeat) entry.repeats++;
      entries.set(curve.name, entry);
    }
    return [...entries.entries()];
  }, [curves]);
  return (
    <figure className="run-chart" data-testid="run-chart" data-curves={curves.length}>
      <PlotlyChart data={data} layout={layout} label={`${title ?? metric}: ${legend.length} line${legend.length === 1 ? "" : "s"}: ${legend.map(([name]) => name).join("; ")}`} />
      <figcaption>
        <ul className="run-legend" data-testid="run-legend">
          {legend.map(([name, entry]) => (
            <li key={name} data-color={entry.color}>
              <span className="run-legend-swatch" style={{ background: entry.color }} aria-hidden="true" />
              {name}
              {entry.repeats > 0 ? <span className="run-legend-repeats"> (+{entry.repeats} older, dotted)</span> : null}
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}
