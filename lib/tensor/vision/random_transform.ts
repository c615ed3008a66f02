/**
 * What torchvision's "apply with probability p" transforms share (RandomHorizontalFlip,
 * RandomVerticalFlip, RandomInvert, RandomGrayscale, RandomAutocontrast, RandomAdjustSharpness,
 * RandomSolarize): one `torch.rand(1)` draw per call decides, as torchvision draws it, so a seeded
 * pipeline takes torchvision's branches and leaves the generator where torchvision leaves it.
 */
import { torchCore as torch } from "../torch";
import { Module } from "../nn/module";
import { TypeError_ } from "../errors";
import type { ImageLike } from "./functional";

/** torchvision's `torch.rand(1) < p` (one draw from the global generator). */
export function coin(p: number): boolean {
  return (torch.rand(1).item() as number) < p;
}

/** p as given (default `fallback`), refusing what is not a number. */
export function checkP(p: unknown, cls: string, fallback = 0.5): number {
  const v = p ?? fallback;
  if (typeof v !== "number") throw new TypeError_(`${cls}: p should be a number, got ${typeof v}`);
  return v;
}

export abstract class RandomTransform extends Module {
  p: number;
  constructor(p: unknown, cls: string, fallback = 0.5) {
    super();
    this.p = checkP(p, cls, fallback);
  }

  /** What the transform does when the draw says so (not `apply`: that is nn.Module.apply(fn)). */
  abstract transform(img: ImageLike): ImageLike;

  /** torchvision's repr arguments before p ("threshold=192"), if any. */
  protected reprArguments(): string {
    return "";
  }

  override forward(img: ImageLike): ImageLike {
    return coin(this.p) ? this.transform(img) : img;
  }

  override toString(): string {
    const name = (this.constructor as { __name__?: string }).__name__ ?? this.constructor.name;
    const before = this.reprArguments();
    return `${name}(${before ? `${before},` : ""}p=${this.p})`;
  }
}
