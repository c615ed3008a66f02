/**
 * The engine's stand-in for a PIL image. torchvision's datasets return PIL images and its
 * ToTensor / PILToTensor read them; the engine has no PIL (and no DOM), so an Image is the
 * honest minimum: 8-bit pixels in PIL's layout (rows of interleaved channels), a mode and a size.
 *
 *   img.mode      "L" (one 8-bit channel) or "RGB"
 *   img.size      [width, height], as PIL has it
 *   img.getpixel([x, y]), img.tobytes()
 *
 * It is independent of the tensor dtypes on purpose: its bytes are plain Uint8Array, so it does
 * not need a uint8 tensor to exist.
 */
import { TypeError_, ValueError } from "../errors";

export type ImageMode = "L" | "RGB";

const CHANNELS: Record<ImageMode, number> = { L: 1, RGB: 3 };

export class Image {
  readonly mode: ImageMode;
  readonly width: number;
  readonly height: number;
  /** height x width x channels bytes, row by row (PIL's tobytes() layout). */
  readonly data: Uint8Array;

  constructor(mode: ImageMode, size: readonly [number, number], data?: Uint8Array) {
    if (!(mode in CHANNELS)) throw new ValueError(`unrecognized image mode ${String(mode)} (this engine has 'L' and 'RGB')`);
    const [width, height] = size;
    if (!(Number.isInteger(width) && Number.isInteger(height) && width >= 0 && height >= 0)) {
      throw new ValueError(`image size must be two whole numbers (width, height), got ${String(size)}`);
    }
    const n = width * height * CHANNELS[mode];
    if (data !== undefined && data.length !== n) throw new ValueError(`not enough image data: ${mode} ${width}x${height} needs ${n} bytes, got ${data.length}`);
    this.mode = mode;
    this.width = width;
    this.height = height;
    this.data = data ?? new Uint8Array(n);
  }

  /** [width, height], as PIL's Image.size. */
  get size(): [number, number] {
    return [this.width, this.height];
  }

  /** Number of channels (PIL: len(img.getbands())). */
  get channels(): number {
    return CHANNELS[this.mode];
  }

  getbands(): string[] {
    return this.mode === "L" ? ["L"] : ["R", "G", "B"];
  }

  /** The pixel at column x, row y: a number for "L", [r, g, b] for "RGB". */
  getpixel(xy: readonly [number, number]): number | number[] {
    const [x, y] = xy;
    if (!(Number.isInteger(x) && Number.isInteger(y) && x >= 0 && y >= 0 && x < this.width && y < this.height)) {
      throw new ValueError("image index out of range");
    }
    const c = this.channels;
    const at = (y * this.width + x) * c;
    return c === 1 ? this.data[at] : Array.from(this.data.subarray(at, at + c));
  }

  tobytes(): Uint8Array {
    return this.data.slice();
  }

  copy(): Image {
    return new Image(this.mode, [this.width, this.height], this.data.slice());
  }

  toString(): string {
    return `<Image mode=${this.mode} size=${this.width}x${this.height}>`;
  }
}

export function isImage(x: unknown): x is Image {
  return x instanceof Image;
}

/** Image.fromarray-like constructor from bytes: Image.frombytes(mode, [w, h], data). */
export function frombytes(mode: ImageMode, size: readonly [number, number], data: Uint8Array | readonly number[]): Image {
  if (!(data instanceof Uint8Array) && !Array.isArray(data)) throw new TypeError_("frombytes() data must be a Uint8Array or an array of bytes");
  return new Image(mode, size, data instanceof Uint8Array ? data.slice() : Uint8Array.from(data));
}
