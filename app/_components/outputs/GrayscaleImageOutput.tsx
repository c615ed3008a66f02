"use client";

import { useEffect, useRef } from "react";
import type { GrayscaleImage } from "@/lib/kernel/display/mime";

/** Draws a grayscale image (e.g. a grid of digits) on a canvas, scaled up crisply. */
export function GrayscaleImageOutput({ image }: { image: GrayscaleImage }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const context = canvas.current?.getContext("2d");
    if (!context) return;
    const bytes = Uint8Array.from(atob(image.pixels), (c) => c.charCodeAt(0));
    const rgba = new ImageData(image.width, image.height);
    for (let i = 0; i < bytes.length; i++) {
      rgba.data[4 * i] = rgba.data[4 * i + 1] = rgba.data[4 * i + 2] = bytes[i];
      rgba.data[4 * i + 3] = 255;
    }
    context.putImageData(rgba, 0, 0);
  }, [image]);
  const scale = Math.max(1, Math.min(4, Math.floor(720 / image.width)));
  return (
    <figure className="output-image">
      {/* At most as wide as the output (a grid of 8 digits is 900 px: wider than a phone), the height following the width. */}
      <canvas ref={canvas} width={image.width} height={image.height} style={{ width: image.width * scale, maxWidth: "100%", height: "auto" }} data-testid="image-output" />
      {image.caption ? <figcaption>{image.caption}</figcaption> : null}
    </figure>
  );
}
