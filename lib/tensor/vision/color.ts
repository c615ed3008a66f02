/**
 * Colour adjustments as torchvision 0.14's tensor functions (adjust_brightness / contrast / saturation /
 * hue: blends with black, the grey mean or the greyscale image, and a hue shift through HSV) and
 * ColorJitter, which draws torch.randperm(4) and then each factor with torch.empty(1).uniform_ as
 * torchvision does. An Image takes the tensor path on its bytes (PIL's ImageEnhance rounds its own way).
 */
import { torchCore as torch } from "../torch";
import { Module } from "../nn/module";
import type { Tensor } from "../tensor";
import { parseArgs, parseArgsRequired, type PyArgs } from "../args";
import { functional as NF } from "../nn/functional/index";
import { TypeError_, ValueError } from "../errors";
import * as VF from "./functional";
import type { ImageLike } from "./functional";
import { isImage } from "./image";
import { RandomTransform } from "./random_transform";

function checkChannels(img: Tensor, allowed: readonly number[]): number {
  const c = VF.get_dimensions(img)[0];
  if (!allowed.includes(c)) throw new TypeError_(`Input image tensor permitted channel values are [${allowed.join(", ")}], but found ${c}`);
  return c;
}

/** A tensor op on a tensor, or on an Image's bytes (scaled to [0, 1] and back, rounded). */
function onImage(img: ImageLike, op: (t: Tensor) => Tensor): ImageLike {
  if (!isImage(img)) return op(img);
  return VF.float_to_pil(op(VF.pil_to_float(img).div(255)).mul(255), img.mode);
}

/** torchvision's _blend: ratio * a + (1 - ratio) * b, clamped to the dtype's range. */
function blend(a: Tensor, b: Tensor, ratio: number): Tensor {
  const bound = a.is_floating_point() ? 1.0 : 255;
  return a.mul(ratio).add(b.mul(1.0 - ratio)).clamp(0, bound).to(a.dtype);
}

export function adjust_brightness(img: ImageLike, brightness_factor: number): ImageLike {
  if (brightness_factor < 0) throw new ValueError(`brightness_factor (${brightness_factor}) is not non-negative.`);
  return onImage(img, (t) => {
    checkChannels(t, [1, 3]);
    return blend(t, torch.zeros_like(t), brightness_factor);
  });
}

export function adjust_contrast(img: ImageLike, contrast_factor: number): ImageLike {
  if (contrast_factor < 0) throw new ValueError(`contrast_factor (${contrast_factor}) is not non-negative.`);
  return onImage(img, (t) => {
    const c = checkChannels(t, [3, 1]);
    const dtype = t.is_floating_point() ? t.dtype : torch.float32;
    const grey = c === 3 ? (VF.rgb_to_grayscale(t) as Tensor).to(dtype) : t.to(dtype);
    const mean = torch.mean(grey, [-3, -2, -1], true);
    return blend(t, mean, contrast_factor);
  });
}

export function adjust_saturation(img: ImageLike, saturation_factor: number): ImageLike {
  if (saturation_factor < 0) throw new ValueError(`saturation_factor (${saturation_factor}) is not non-negative.`);
  return onImage(img, (t) => {
    if (checkChannels(t, [1, 3]) === 1) return t; // PIL's behaviour
    return blend(t, VF.rgb_to_grayscale(t) as Tensor, saturation_factor);
  });
}

/** torchvision's _rgb2hsv on [..., 3, H, W] floats in [0, 1]. */
function rgb2hsv(img: Tensor): Tensor {
  const [r, g, b] = img.unbind(-3);
  const maxc = torch.amax(img, -3);
  const minc = torch.amin(img, -3);
  const eqc = maxc.eq(minc);
  const cr = maxc.sub(minc);
  const ones = torch.ones_like(maxc);
  const s = cr.div(torch.where(eqc, ones, maxc));
  const crDivisor = torch.where(eqc, ones, cr);
  const rc = maxc.sub(r).div(crDivisor);
  const gc = maxc.sub(g).div(crDivisor);
  const bc = maxc.sub(b).div(crDivisor);
  const zero = torch.zeros_like(maxc);
  const isR = maxc.eq(r);
  const isG = maxc.eq(g).logical_and(isR.logical_not());
  const isB = maxc.ne(g).logical_and(isR.logical_not());
  const hr = torch.where(isR, bc.sub(gc), zero);
  const hg = torch.where(isG, rc.sub(bc).add(2.0), zero);
  const hb = torch.where(isB, gc.sub(rc).add(4.0), zero);
  const h = torch.fmod(hr.add(hg).add(hb).div(6.0).add(1.0), 1.0);
  return torch.stack([h, s, maxc], -3);
}

/** torchvision's _hsv2rgb: the six sectors, one selected per pixel. */
function hsv2rgb(img: Tensor): Tensor {
  const [h, s, v] = img.unbind(-3);
  const i = torch.floor(h.mul(6.0));
  const f = h.mul(6.0).sub(i);
  const p = torch.clamp(v.mul(s.neg().add(1.0)), 0.0, 1.0);
  const q = torch.clamp(v.mul(s.mul(f).neg().add(1.0)), 0.0, 1.0);
  const t = torch.clamp(v.mul(s.mul(f.neg().add(1.0)).neg().add(1.0)), 0.0, 1.0);
  const sector = torch.remainder(i, 6);
  const mask = sector.unsqueeze(-3).eq(torch.arange(6, { dtype: sector.dtype }).view(-1, 1, 1)).to(img.dtype);
  const a1 = torch.stack([v, q, p, p, t, v], -3);
  const a2 = torch.stack([t, v, v, q, p, p], -3);
  const a3 = torch.stack([p, p, t, v, v, q], -3);
  const a4 = torch.stack([a1, a2, a3], -4);
  return mask.unsqueeze(-4).mul(a4).sum(-3);
}

export function adjust_hue(img: ImageLike, hue_factor: number): ImageLike {
  if (!(hue_factor >= -0.5 && hue_factor <= 0.5)) throw new ValueError(`hue_factor (${hue_factor}) is not in [-0.5, 0.5].`);
  return onImage(img, (t) => {
    if (checkChannels(t, [1, 3]) === 1) return t; // PIL's behaviour
    const isByte = t.dtype.name === "uint8";
    const x = isByte ? t.to(torch.float32).div(255.0) : t;
    const [h, s, v] = rgb2hsv(x).unbind(-3);
    const shifted = torch.stack([torch.remainder(h.add(hue_factor), 1.0), s, v], -3);
    const out = hsv2rgb(shifted);
    return isByte ? out.mul(255.0).to(t.dtype) : out;
  });
}

/** adjust_sharpness(img, factor): a blend with the image smoothed by [[1,1,1],[1,5,1],[1,1,1]] / 13 inside a 1-pixel border. */
export function adjust_sharpness(img: ImageLike, sharpness_factor: number): ImageLike {
  if (sharpness_factor < 0) throw new ValueError(`sharpness_factor (${sharpness_factor}) is not non-negative.`);
  return onImage(img, (t) => {
    checkChannels(t, [1, 3]);
    const n = t.dim();
    const [h, w] = [t.shape[n - 2], t.shape[n - 1]];
    if (h <= 2 || w <= 2) return t;
    const dtype = t.is_floating_point() ? t.dtype : torch.float32;
    const c = t.shape[n - 3];
    const kernel = torch.tensor([1, 1, 1, 1, 5, 1, 1, 1, 1], { dtype }).div(13).view(1, 1, 3, 3).expand(c, 1, 3, 3);
    const squeeze = n < 4;
    let x = squeeze ? t.unsqueeze(0) : t;
    const cast = x.dtype !== dtype;
    if (cast) x = x.to(dtype);
    let smooth = NF.conv2d(x, kernel, null, 1, 0, 1, c);
    if (squeeze) smooth = smooth.squeeze(0);
    if (cast) smooth = torch.round(smooth).to(t.dtype);
    const degenerate = t.clone();
    degenerate.narrow(n - 2, 1, h - 2).narrow(n - 1, 1, w - 2).copy_(smooth);
    return blend(t, degenerate, sharpness_factor);
  });
}

/** autocontrast(img): each channel stretched to the full range (a flat channel is left as it is). */
export function autocontrast(img: ImageLike): ImageLike {
  return onImage(img, (t) => {
    if (t.dim() < 3) throw new TypeError_(`Input image tensor should have at least 3 dimensions, but found ${t.dim()}`);
    checkChannels(t, [1, 3]);
    const bound = t.is_floating_point() ? 1.0 : 255.0;
    const dtype = t.is_floating_point() ? t.dtype : torch.float32;
    let minimum = torch.amin(t, [-2, -1], true).to(dtype);
    const maximum = torch.amax(t, [-2, -1], true).to(dtype);
    let scale = torch.full([], bound, { dtype }).div(maximum.sub(minimum));
    const flat = torch.isfinite(scale).logical_not();
    minimum = torch.where(flat, torch.zeros_like(minimum), minimum);
    scale = torch.where(flat, torch.ones_like(scale), scale);
    return t.sub(minimum).mul(scale).clamp(0, bound).to(t.dtype);
  });
}

/** solarize(img, threshold): pixels at or above threshold inverted (threshold in the image's own units: 0..255 for an Image). */
export function solarize(img: ImageLike, threshold: number): ImageLike {
  if (isImage(img)) {
    const t = VF.pil_to_float(img);
    return VF.float_to_pil(torch.where(t.ge(threshold), t.neg().add(255), t), img.mode);
  }
  if (img.dim() < 3) throw new TypeError_(`Input image tensor should have at least 3 dimensions, but found ${img.dim()}`);
  checkChannels(img, [1, 3]);
  if (threshold > (img.is_floating_point() ? 1 : 255)) throw new TypeError_("Threshold should be less than bound of img.");
  return torch.where(img.ge(threshold), VF.invert(img) as Tensor, img);
}

/** RandomAdjustSharpness(sharpness_factor, p=0.5). */
export class RandomAdjustSharpness extends RandomTransform {
  static override readonly __name__ = "RandomAdjustSharpness";
  sharpness_factor: number;
  constructor(...args: PyArgs<[sharpness_factor: number, p?: number], { sharpness_factor?: number; p?: number }>) {
    const a = parseArgsRequired<{ sharpness_factor: number; p: number }>("RandomAdjustSharpness", ["sharpness_factor", "p"], 1, args);
    super(a.p, "RandomAdjustSharpness");
    this.sharpness_factor = a.sharpness_factor as number;
  }

  protected override reprArguments(): string {
    return `sharpness_factor=${this.sharpness_factor}`;
  }

  transform(img: ImageLike): ImageLike {
    return adjust_sharpness(img, this.sharpness_factor);
  }
}

/** RandomAutocontrast(p=0.5). */
export class RandomAutocontrast extends RandomTransform {
  static override readonly __name__ = "RandomAutocontrast";
  constructor(...args: PyArgs<[p?: number], { p?: number }>) {
    super(parseArgs<{ p: number }>("RandomAutocontrast", ["p"], args).p, "RandomAutocontrast");
  }

  transform(img: ImageLike): ImageLike {
    return autocontrast(img);
  }
}

/** RandomSolarize(threshold, p=0.5). */
export class RandomSolarize extends RandomTransform {
  static override readonly __name__ = "RandomSolarize";
  threshold: number;
  constructor(...args: PyArgs<[threshold: number, p?: number], { threshold?: number; p?: number }>) {
    const a = parseArgsRequired<{ threshold: number; p: number }>("RandomSolarize", ["threshold", "p"], 1, args);
    super(a.p, "RandomSolarize");
    this.threshold = a.threshold as number;
  }

  protected override reprArguments(): string {
    return `threshold=${this.threshold}`;
  }

  transform(img: ImageLike): ImageLike {
    return solarize(img, this.threshold);
  }
}

/** torchvision's ColorJitter._check_input: a number n is (center - n, center + n); null when it changes nothing. */
function checkInput(value: number | readonly number[], name: string, center = 1, bound: [number, number] = [0, Infinity], clipFirstOnZero = true): [number, number] | null {
  let v: [number, number];
  if (typeof value === "number") {
    if (value < 0) throw new ValueError(`If ${name} is a single number, it must be non negative.`);
    v = [center - value, center + value];
    if (clipFirstOnZero) v[0] = Math.max(v[0], 0.0);
  } else if (Array.isArray(value) && value.length === 2) {
    v = [value[0], value[1]];
  } else {
    throw new TypeError_(`${name} should be a single number or a list/tuple with length 2.`);
  }
  if (!(bound[0] <= v[0] && v[0] <= v[1] && v[1] <= bound[1])) throw new ValueError(`${name} values should be between (${bound[0]}, ${bound[1] === Infinity ? "inf" : bound[1]}), but got [${v.join(", ")}].`);
  return v[0] === center && v[1] === center ? null : v;
}

type Range = number | readonly number[];
interface JitterOptions { brightness: Range; contrast: Range; saturation: Range; hue: Range }

/** ColorJitter(brightness=0, contrast=0, saturation=0, hue=0). */
export class ColorJitter extends Module {
  static override readonly __name__ = "ColorJitter";
  brightness: [number, number] | null;
  contrast: [number, number] | null;
  saturation: [number, number] | null;
  hue: [number, number] | null;
  constructor(...args: PyArgs<[brightness?: Range, contrast?: Range, saturation?: Range, hue?: Range], Partial<JitterOptions>>) {
    super();
    const a = parseArgs<JitterOptions>("ColorJitter", ["brightness", "contrast", "saturation", "hue"], args);
    this.brightness = checkInput(a.brightness ?? 0, "brightness");
    this.contrast = checkInput(a.contrast ?? 0, "contrast");
    this.saturation = checkInput(a.saturation ?? 0, "saturation");
    this.hue = checkInput(a.hue ?? 0, "hue", 0, [-0.5, 0.5], false);
  }

  /** The order (torch.randperm(4)) and the factors, drawn in torchvision's order. */
  static get_params(brightness: readonly number[] | null, contrast: readonly number[] | null, saturation: readonly number[] | null, hue: readonly number[] | null): [number[], number | null, number | null, number | null, number | null] {
    const order = torch.randperm(4).tolist() as number[];
    const draw = (r: readonly number[] | null) => (r === null ? null : (torch.empty(1).uniform_(r[0], r[1]).item() as number));
    const b = draw(brightness);
    const c = draw(contrast);
    const s = draw(saturation);
    const h = draw(hue);
    return [order, b, c, s, h];
  }

  override forward(input: ImageLike): ImageLike {
    const [order, b, c, s, h] = ColorJitter.get_params(this.brightness, this.contrast, this.saturation, this.hue);
    let img = input;
    for (const k of order) {
      if (k === 0 && b !== null) img = adjust_brightness(img, b);
      else if (k === 1 && c !== null) img = adjust_contrast(img, c);
      else if (k === 2 && s !== null) img = adjust_saturation(img, s);
      else if (k === 3 && h !== null) img = adjust_hue(img, h);
    }
    return img;
  }
}
