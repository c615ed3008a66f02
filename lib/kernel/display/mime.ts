/** MIME types of the rich outputs cells produce (beside the always-present text/plain). */
export const PLOTLY_MIME = "application/vnd.plotly.v1+json";
export const TABLE_MIME = "application/vnd.gradbook.table+json";
export const IMAGE_MIME = "application/vnd.gradbook.grayscale+json";
export const PROGRESS_MIME = "application/vnd.gradbook.progress+json";

export interface PlotlyFigure {
  data: Record<string, unknown>[];
  layout?: Record<string, unknown>;
}

export interface TableData {
  title?: string;
  columns: string[];
  rows: (string | number | boolean | null)[][];
}

/** Grayscale pixels in [0, 255], row-major; the page draws them on a canvas. */
export interface GrayscaleImage {
  width: number;
  height: number;
  /** Base64 of width*height bytes. */
  pixels: string;
  caption?: string;
}

export interface ProgressData {
  label: string;
  value: number;
  total: number;
  postfix?: string;
  elapsed_s: number;
  done: boolean;
}
