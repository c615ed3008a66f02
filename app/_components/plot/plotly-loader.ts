"use client";

type PlotlyModule = typeof import("plotly.js-cartesian-dist-min");

let loading: Promise<PlotlyModule> | null = null;

/**
 * Plotly (the cartesian bundle: scatter, bar, histogram, heatmap) is about 1 MB, so it is
 * a separate chunk, loaded the first time a chart appears or when the page is idle.
 */
export function loadPlotly(): Promise<PlotlyModule> {
  loading ??= import("plotly.js-cartesian-dist-min").then((module) => ((module as unknown as { default?: PlotlyModule }).default ?? module) as PlotlyModule);
  return loading;
}

/** Starts loading Plotly once the browser has nothing better to do. */
export function prefetchPlotlyWhenIdle(): () => void {
  if (typeof window === "undefined") return () => undefined;
  if ("requestIdleCallback" in window) {
    const handle = window.requestIdleCallback(() => void loadPlotly(), { timeout: 5000 });
    return () => window.cancelIdleCallback(handle);
  }
  const timer = setTimeout(() => void loadPlotly(), 2000);
  return () => clearTimeout(timer);
}
