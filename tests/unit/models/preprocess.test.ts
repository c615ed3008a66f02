import { describe, expect, it } from "vitest";
import { inkBounds, normalise, toMnistDigit, type InkImage } from "@/app/_components/models/preprocess";
import { MNIST_MEAN, MNIST_STD } from "@/lib/tensor/utils/data/mnist";

/** A 280x280 pad with a stroke painted as filled rectangles. */
function pad(...rects: [x: number, y: number, w: number, h: number][]): InkImage {
  const width = 280, height = 280;
  const ink = new Float32Array(width * height);
  for (const [x0, y0, w, h] of rects) for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) ink[y * width + x] = 1;
  return { width, height, ink };
}

function centreOfMass(digit: Float32Array): { x: number; y: number; mass: number } {
  let mass = 0, x = 0, y = 0;
  digit.forEach((v, i) => {
    mass += v;
    x += v * ((i % 28) + 0.5);
    y += v * (Math.floor(i / 28) + 0.5);
  });
  return { x: x / mass, y: y / mass, mass };
}

const rowsWithInk = (digit: Float32Array) => Array.from({ length: 28 }, (_, r) => digit.subarray(r * 28, r * 28 + 28).some((v) => v > 0)).filter(Boolean).length;

describe("drawing -> MNIST digit", () => {
  it("an empty pad is no digit", () => {
    expect(toMnistDigit(pad())).toBeNull();
  });

  it("a vertical stroke in a corner (a '1') lands centred, 20 pixels tall, aspect kept", () => {
    const stroke = pad([20, 30, 16, 200]);
    expect(inkBounds(stroke)).toEqual({ x: 20, y: 30, width: 16, height: 200 });
    const digit = toMnistDigit(stroke)!;
    const com = centreOfMass(digit);
    expect(Math.abs(com.x - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(com.y - 14)).toBeLessThanOrEqual(0.5);
    expect(rowsWithInk(digit)).toBe(20);
    // 16 x 200 scaled by 20/200 is 1.6 x 20: two columns, never the full width.
    const columns = new Set(Array.from(digit.keys()).filter((i) => digit[i] > 0).map((i) => i % 28));
    expect([...columns].sort((a, b) => a - b)).toEqual([13, 14]);
    // Full ink is preserved by area averaging (16 px -> 1.6 px: one full column, one at 0.6).
    expect(Math.max(...digit)).toBeCloseTo(1, 5);
    expect(com.mass).toBeCloseTo(1.6 * 20, 3);
  });

  it("an L (mass off the box centre) is centred by mass, not by its box", () => {
    const digit = toMnistDigit(pad([100, 40, 20, 200], [100, 220, 140, 20]))!;
    const com = centreOfMass(digit);
    expect(Math.abs(com.x - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(com.y - 14)).toBeLessThanOrEqual(0.5);
  });

  it("normalises like load_mnist({ standardize: true }), or keeps [0, 1]", () => {
    const digit = new Float32Array([0, 1, 0.5]);
    expect(Array.from(normalise(digit, true))).toEqual(Array.from(new Float32Array([0, 1, 0.5].map((v) => (v - MNIST_MEAN) / MNIST_STD))));
    expect(Array.from(normalise(digit, false))).toEqual([0, 1, 0.5]);
  });
});
