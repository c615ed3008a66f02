declare module "plotly.js-cartesian-dist-min" {
  export interface PlotlyHTMLElement extends HTMLElement {
    data?: unknown[];
  }
  export function react(root: HTMLElement, data: unknown[], layout?: Record<string, unknown>, config?: Record<string, unknown>): Promise<PlotlyHTMLElement>;
  export function purge(root: HTMLElement): void;
  const Plotly: { react: typeof react; purge: typeof purge };
  export default Plotly;
}
