/**
 * Resizing an Image as PIL does (Pillow 9's Resample.c), so `Resize` before `ToTensor` on a dataset's
 * images gives torchvision's pixels: torchvision's resize of a PIL image is `img.resize((w, h), filter)`.
 *
 * Bilinear and bicubic are PIL's separable convolutions: the filter is widened by the scale when
 * shrinking (PIL always antialiases), coefficients are normalised, turned into 22-bit fixed point and
 * each pass rounds and clips to bytes (horizontal pass first, over the rows the vertical pass needs).
 * Nearest is PIL's affine scaling: source coordinate = floor of an accumulated (x + 0.5) * scale.
 */
import { NotImplementedError } from "../errors";
import { Image } from "./image";

const PRECISION_BITS = 32 - 8 - 2;

interface Filter {
  support: number;
  fn: (x: number) => number;
}

const BILINEAR: Filter = {
  support: 1,
  fn: (x) => {
    const a = Math.abs(x);
    return a < 1 ? 1 - a : 0;
  },
};

const BICUBIC: Filter = {
  support: 2,
  fn: (x) => {
    const a = -0.5;
    const v = Math.abs(x);
    if (v < 1) return ((a + 2) * v - (a + 3)) * v * v + 1;
    if (v < 2) return (((v - 5) * v + 8) * v - 4) * a;
    return 0;
  },
};

/** PIL's precompute_coeffs + normalize_coeffs_8bpc: per output pixel, [first input, count] and fixed-point weights. */
function coefficients(inSize: number, outSize: number, filter: Filter): { bounds: Int32Array; kk: Int32Array; ksize: number } {
  const scale = inSize / outSize;
  const filterscale = Math.max(scale, 1);
  const support = filter.support * filterscale;
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const kk = new Int32Array(outSize * ksize);
  const w = new Float64Array(ksize);
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const ss = 1 / filterscale;
    // (int)(v + 0.5) in C truncates toward zero.
    const xmin = Math.max(0, Math.trunc(center - support + 0.5));
    const xmax = Math.min(inSize, Math.trunc(center + support + 0.5)) - xmin;
    let ww = 0;
    for (let x = 0; x < xmax; x++) {
      w[x] = filter.fn((x + xmin - center + 0.5) * ss);
      ww += w[x];
    }
    for (let x = 0; x < xmax; x++) {
      const k = ww !== 0 ? w[x] / ww : w[x];
      kk[xx * ksize + x] = Math.trunc(k < 0 ? -0.5 + k * (1 << PRECISION_BITS) : 0.5 + k * (1 << PRECISION_BITS));
    }
    bounds[xx * 2] = xmin;
    bounds[xx * 2 + 1] = xmax;
  }
  return { bounds, kk, ksize };
}

/** PIL's clip8: a fixed-point sum back to a byte. */
function clip8(v: number): number {
  if (v >= 1 << PRECISION_BITS << 8) return 255;
  if (v <= 0) return 0;
  return Math.floor(v / (1 << PRECISION_BITS));
}

/** One pass along rows (horizontal) or columns (vertical) of interleaved 8-bit pixels. */
function resamplePass(src: Uint8Array, srcW: number, channels: number, outW: number, outH: number, horizontal: boolean, rowOffset: number, c: ReturnType<typeof coefficients>): Uint8Array {
  const out = new Uint8Array(outW * outH * channels);
  const half = 1 << (PRECISION_BITS - 1);
  for (let yy = 0; yy < outH; yy++) {
    for (let xx = 0; xx < outW; xx++) {
      const at = horizontal ? xx : yy;
      const min = c.bounds[at * 2];
      const n = c.bounds[at * 2 + 1];
      const k = at * c.ksize;
      for (let ch = 0; ch < channels; ch++) {
        let ss = half;
        for (let t = 0; t < n; t++) {
          const idx = horizontal ? ((yy + rowOffset) * srcW + (min + t)) * channels + ch : ((min + t) * srcW + xx) * channels + ch;
          ss += src[idx] * c.kk[k + t];
        }
        out[(yy * outW + xx) * channels + ch] = clip8(ss);
      }
    }
  }
  return out;
}

function nearest(img: Image, outW: number, outH: number): Image {
  const c = img.channels;
  const xin = new Int32Array(outW);
  const sx = img.width / outW;
  const sy = img.height / outH;
  // PIL accumulates the source coordinate (xo += a[0]) instead of multiplying: same rounding here.
  let xo = sx * 0.5;
  for (let x = 0; x < outW; x++, xo += sx) xin[x] = Math.min(img.width - 1, Math.trunc(xo));
  const out = new Uint8Array(outW * outH * c);
  let yo = sy * 0.5;
  for (let y = 0; y < outH; y++, yo += sy) {
    const yi = Math.min(img.height - 1, Math.trunc(yo));
    for (let x = 0; x < outW; x++) for (let k = 0; k < c; k++) out[(y * outW + x) * c + k] = img.data[(yi * img.width + xin[x]) * c + k];
  }
  return new Image(img.mode, [outW, outH], out);
}

/** img.resize((width, height), filter) in Pillow 9: "nearest", "bilinear" or "bicubic". */
export function pilResize(img: Image, height: number, width: number, interpolation: string): Image {
  if (img.width === width && img.height === height) return img.copy();
  if (interpolation === "nearest") return nearest(img, width, height);
  const filter = interpolation === "bilinear" ? BILINEAR : interpolation === "bicubic" ? BICUBIC : null;
  if (filter === null) throw new NotImplementedError(`resizing an Image with ${interpolation} interpolation is not supported (nearest, bilinear, bicubic are)`);
  const ch = img.channels;
  const horiz = coefficients(img.width, width, filter);
  const vert = coefficients(img.height, height, filter);
  let data = img.data;
  let srcW = img.width;
  let rows = img.height;
  if (width !== img.width) {
    // Only the rows the vertical pass reads are resampled horizontally (PIL's ybox_first..ybox_last).
    const first = vert.bounds[0];
    const last = vert.bounds[height * 2 - 2] + vert.bounds[height * 2 - 1];
    if (height !== img.height) for (let i = 0; i < height; i++) vert.bounds[i * 2] -= first;
    const from = height !== img.height ? first : 0;
    rows = height !== img.height ? last - first : img.height;
    data = resamplePass(data, srcW, ch, width, rows, true, from, horiz);
    srcW = width;
  }
  if (height !== img.height) data = resamplePass(data, srcW, ch, srcW, height, false, 0, vert);
  return new Image(img.mode, [width, height], data);
}
