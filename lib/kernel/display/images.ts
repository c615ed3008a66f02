import { Tensor } from "../../tensor";
import type { MimeBundle } from "../protocol";
import { IMAGE_MIME, type GrayscaleImage } from "./mime";
import { bytesToBase64 } from "./base64";

export interface ImageGridOptions {
  labels?: ArrayLike<number> | Tensor;
  cols?: number;
  /** Side of one square image, when the tensor is [N, side*side]. */
  side?: number;
}

/** Tiles images ([N, 784] or [N, 28, 28]) into one grayscale picture, like a grid of digits. */
export function imageGrid(images: Tensor, options: ImageGridOptions = {}): GrayscaleImage {
  if (!(images instanceof Tensor)) throw new TypeError("plot.images needs a Tensor of shape [N, 784] or [N, 28, 28]");
  const shape = images.shape;
  const n = shape[0] ?? 0;
  let h: number;
  let w: number;
  if (shape.length === 3) [h, w] = [shape[1], shape[2]];
  else if (shape.length === 2) h = w = options.side ?? Math.round(Math.sqrt(shape[1]));
  else throw new RangeError(`plot.images: expected shape [N, H*W] or [N, H, W], got [${shape.join(", ")}]`);
  if (h * w !== images.numel() / Math.max(n, 1)) throw new RangeError(`plot.images: [${shape.join(", ")}] is not made of square ${h}x${w} images; pass { side }`);
  const values = Float32Array.from(images.detach().contiguous().flatten().tolist() as number[]);
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const scale = hi > lo ? 255 / (hi - lo) : 0;
  const cols = Math.max(1, Math.min(options.cols ?? 10, n));
  const rows = Math.ceil(n / cols);
  const gap = 2;
  const width = cols * (w + gap) - gap;
  const height = rows * (h + gap) - gap;
  const pixels = new Uint8Array(width * height).fill(255);
  for (let k = 0; k < n; k++) {
    const top = Math.floor(k / cols) * (h + gap);
    const left = (k % cols) * (w + gap);
    for (let r = 0; r < h; r++) {
      for (let c = 0; c < w; c++) {
        // Ink is dark on white, as digits are usually shown.
        pixels[(top + r) * width + left + c] = 255 - Math.round((values[k * h * w + r * w + c] - lo) * scale);
      }
    }
  }
  const labels = options.labels === undefined ? undefined : options.labels instanceof Tensor ? (options.labels.flatten().tolist() as number[]) : Array.from(options.labels);
  return { width, height, pixels: bytesToBase64(pixels), caption: labels ? `labels: ${labels.slice(0, n).join(" ")}` : undefined };
}

export function imageBundle(image: GrayscaleImage, summary: string): MimeBundle {
  return { "text/plain": summary, [IMAGE_MIME]: image };
}

