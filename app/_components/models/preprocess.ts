/**
 * A drawing made like an MNIST digit, following how MNIST itself was made: the ink's bounding
 * box is scaled so its longer side is 20 pixels (keeping the aspect ratio, averaging the pixels
 * it covers, which anti-aliases like the original), then placed in a 28x28 image so that its
 * centre of mass is at the centre, (14, 14). Finally the pixels get the normalisation the
 * model was trained with (the lesson's `load_mnist({ standardize: true })`).
 */

export const MNIST_SIZE = 28;
export const MNIST_BOX = 20;
/** The training set's pixel mean and standard deviation (lib/tensor's load_mnist uses the same). */
export const MNIST_MEAN = 0.1307;
export const MNIST_STD = 0.3081;
/** Ink below this (of 1) is paper, so faint anti-aliasing does not widen the bounding box. */
const INK = 0.05;

export interface InkImage {
  width: number;
  height: number;
  /** Ink in [0, 1] per pixel, row-major (1 = full stroke). */
  ink: Float32Array;
}

/** The smallest box holding every inked pixel, or null for an empty pad. */
export function inkBounds(image: InkImage): { x: number; y: number; width: number; height: number } | null {
  let minX = Infinity, minY = Infinity, maxX = -1, maxY = -1;
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      if (image.ink[y * image.width + x] > INK) {
        minX = Math.min(minX, x);
        maxX = Math.max(maxX, x);
        minY = Math.min(minY, y);
        maxY = Math.max(maxY, y);
      }
    }
  }
  return maxX < 0 ? null : { x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1 };
}

/**
 * Area-averaged resampling of `image` from the box's corner at `scale` (same in both directions,
 * so the aspect ratio is exact): each target pixel averages the 1/scale x 1/scale source pixels
 * it covers; the last row and column may reach past the box, where there is only paper.
 */
function resample(image: InkImage, box: { x: number; y: number }, scale: number, width: number, height: number): Float32Array {
  const out = new Float32Array(width * height);
  const sx = 1 / scale;
  const sy = 1 / scale;
  for (let ty = 0; ty < height; ty++) {
    const y0 = box.y + ty * sy, y1 = y0 + sy;
    for (let tx = 0; tx < width; tx++) {
      const x0 = box.x + tx * sx, x1 = x0 + sx;
      let sum = 0;
      for (let y = Math.floor(y0); y < Math.min(image.height, Math.ceil(y1)); y++) {
        const wy = Math.min(y + 1, y1) - Math.max(y, y0);
        for (let x = Math.floor(x0); x < Math.min(image.width, Math.ceil(x1)); x++) {
          const wx = Math.min(x + 1, x1) - Math.max(x, x0);
          sum += wx * wy * image.ink[y * image.width + x];
        }
      }
      out[ty * width + tx] = sum / (sx * sy);
    }
  }
  return out;
}

/** The drawing as a 28x28 digit with ink in [0, 1], centred by mass; null for an empty pad. */
export function toMnistDigit(image: InkImage): Float32Array | null {
  const box = inkBounds(image);
  if (!box) return null;
  const scale = MNIST_BOX / Math.max(box.width, box.height);
  const width = Math.max(1, Math.ceil(box.width * scale - 1e-9));
  const height = Math.max(1, Math.ceil(box.height * scale - 1e-9));
  const small = resample(image, box, scale, width, height);
  let mass = 0, mx = 0, my = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = small[y * width + x];
      mass += v;
      mx += v * (x + 0.5);
      my += v * (y + 0.5);
    }
  }
  // Where the small image's top-left corner goes so that its centre of mass lands on (14, 14).
  const left = Math.round(MNIST_SIZE / 2 - mx / mass);
  const top = Math.round(MNIST_SIZE / 2 - my / mass);
  const digit = new Float32Array(MNIST_SIZE * MNIST_SIZE);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const dx = x + left, dy = y + top;
      if (dx >= 0 && dx < MNIST_SIZE && dy >= 0 && dy < MNIST_SIZE) digit[dy * MNIST_SIZE + dx] = Math.min(1, small[y * width + x]);
    }
  }
  return digit;
}

/** The digit as the model's input values: standardised like the lesson's data, or left in [0, 1]. */
export function normalise(digit: Float32Array, standardize: boolean): Float32Array {
  return standardize ? digit.map((v) => (v - MNIST_MEAN) / MNIST_STD) : digit.slice();
}
