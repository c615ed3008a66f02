/** MIME types of the rich outputs cells produce (beside the always-present text/plain). */
export const PLOTLY_MIME = "application/vnd.plotly.v1+json";
export const TABLE_MIME = "application/vnd.gradbook.table+json";
export const IMAGE_MIME = "application/vnd.gradbook.grayscale+json";
export const PROGRESS_MIME = "application/vnd.gradbook.progress+json";
export const LINK_MIME = "application/vnd.gradbook.link+json";
export const FILE_MIME = "application/vnd.gradbook.file+json";

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

/** A link to a page of this site (a path such as /models/abc): cells never link elsewhere. */
export interface LinkData {
  href: string;
  text: string;
}

/** A file the cell made for the learner to download (an exported model, a CSV). */
export interface FileData {
  name: string;
  /** Its media type, e.g. application/octet-stream. */
  type: string;
  /** Its length in bytes (before base64). */
  bytes: number;
  base64: string;
}
