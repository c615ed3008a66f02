/**
 * torchvision.transforms (0.14, v1 API): the transform classes, in torchvision's positional order with
 * a trailing options object (`new transforms.Resize(32, { antialias: false })`).
 *
 * As in torchvision, the transforms that are nn.Modules there are nn.Modules here (Normalize, Resize,
 * the crops and flips, ...; callable, with train/eval and a repr), and Compose, ToTensor, PILToTensor,
 * Lambda, RandomChoice and RandomOrder are plain callables. Random transforms draw from the global
 * generator exactly as torchvision 0.14 does (torch.rand(1) < p, torch.randint(0, n, (1,)),
 * torch.empty(1).uniform_(a, b)), so after torch.manual_seed(s) a pipeline gives torch's images.
 * RandomChoice and RandomOrder use Python's `random` module in torchvision, which the engine does not
 * reproduce: here they draw from torch's generator instead (same distribution, different stream).
 */
import { torchCore as torch } from "../torch";
import { Module } from "../nn/module";
import { Tensor, isTensor } from "../tensor";
import type { DType } from "../dtype";
import { parseArgs, parseArgsRequired, type PyArgs } from "../args";
import { TypeError_, ValueError } from "../errors";
import * as VF from "./functional";
import { coin, RandomTransform } from "./random_transform";
import type { ImageLike, InterpolationModeValue, PaddingMode } from "./functional";
import { pyRound } from "./functional";

type AnyTransform = (x: never) => unknown;

/** A Python-style callable object: the instance is a function whose prototype is the subclass's. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export abstract class CallableTransform {
  constructor() {
    const self = ((x: unknown) => self.__call__(x)) as unknown as CallableTransform;
    delete (self as { name?: unknown }).name;
    delete (self as { length?: unknown }).length;
    Object.setPrototypeOf(self, new.target.prototype);
    return self;
  }

  abstract __call__(x: unknown): unknown;

  __repr__(): string {
    return `${this.constructor.name}()`;
  }

  toString(): string {
    return this.__repr__();
  }
}
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface CallableTransform {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  (x: any): any;
}

function reprOf(t: unknown): string {
  if (t instanceof CallableTransform || t instanceof Module) return String(t);
  return typeof t === "function" ? `<function ${(t as { name?: string }).name || "<lambda>"}>` : String(t);
}

function checkTransforms(transforms: unknown, cls: string): asserts transforms is AnyTransform[] {
  if (!Array.isArray(transforms)) throw new TypeError_(`${cls}: Argument transforms should be a sequence`);
  for (const t of transforms) if (typeof t !== "function") throw new TypeError_(`${cls}: every transform must be callable, got ${typeof t}`);
}

const pyFloat = (v: number) => (Number.isInteger(v) ? v.toFixed(1) : String(v));
const pyTuple = (v: readonly number[]) => `(${v.map(pyFloat).join(", ")}${v.length === 1 ? "," : ""})`;
const pyInts = (v: readonly number[]) => `(${v.join(", ")}${v.length === 1 ? "," : ""})`;

/** Compose([t1, t2, ...]): applies the transforms in order. */
export class Compose extends CallableTransform {
  transforms: AnyTransform[];

  constructor(transforms: AnyTransform[]) {
    super();
    checkTransforms(transforms, "Compose");
    this.transforms = [...transforms];
  }

  __call__(img: unknown): unknown {
    let x = img;
    for (const t of this.transforms) x = (t as (v: unknown) => unknown)(x);
    return x;
  }

  override __repr__(): string {
    return `Compose(\n${this.transforms.map((t) => `    ${reprOf(t)}\n`).join("")})`;
  }
}

/** ToTensor(): an Image -> float tensor [C, H, W] in [0, 1]. */
export class ToTensor extends CallableTransform {
  __call__(pic: unknown): Tensor {
    return VF.to_tensor(pic);
  }
}

/** PILToTensor(): an Image -> uint8 tensor [C, H, W] (needs the engine's uint8 dtype). */
export class PILToTensor extends CallableTransform {
  __call__(pic: unknown): Tensor {
    return VF.pil_to_tensor(pic);
  }
}

/** ToPILImage(mode=None): a tensor -> Image. */
export class ToPILImage extends CallableTransform {
  mode: "L" | "RGB" | undefined;
  constructor(mode?: "L" | "RGB") {
    super();
    this.mode = mode;
  }

  __call__(pic: unknown): unknown {
    return VF.to_pil_image(pic, this.mode);
  }

  override __repr__(): string {
    return this.mode === undefined ? "ToPILImage()" : `ToPILImage(mode=${this.mode})`;
  }
}

/** Lambda(lambd): a user function as a transform. */
export class Lambda extends CallableTransform {
  lambd: (x: unknown) => unknown;
  constructor(lambd: (x: never) => unknown) {
    super();
    if (typeof lambd !== "function") throw new TypeError_(`Argument lambd should be callable, got ${JSON.stringify(typeof lambd)}`);
    this.lambd = lambd as (x: unknown) => unknown;
  }

  __call__(img: unknown): unknown {
    return this.lambd(img);
  }
}

/** ConvertImageDtype(dtype). */
export class ConvertImageDtype extends Module {
  static override readonly __name__ = "ConvertImageDtype";
  dtype: DType;
  constructor(dtype: DType) {
    super();
    this.dtype = dtype;
  }

  override forward(image: Tensor): Tensor {
    return VF.convert_image_dtype(image, this.dtype);
  }
}

/** Normalize(mean, std, inplace=False). */
export class Normalize extends Module {
  static override readonly __name__ = "Normalize";
  mean: number[];
  std: number[];
  inplace: boolean;
  constructor(...args: PyArgs<[mean: number | readonly number[] | Tensor, std: number | readonly number[] | Tensor, inplace?: boolean], { mean?: number | readonly number[] | Tensor; std?: number | readonly number[] | Tensor; inplace?: boolean }>) {
    super();
    const a = parseArgsRequired<{ mean: number | number[] | Tensor; std: number | number[] | Tensor; inplace: boolean }>("Normalize", ["mean", "std", "inplace"], 2, args);
    // A tensor of statistics (Deep Learning with PyTorch Step-by-Step's make_normalizer passes the per-channel
    // means and stds it computed) is read as its values and printed as the tensor, as torchvision does.
    const values = (v: number | number[] | Tensor | undefined): number[] => (typeof v === "number" ? [v] : v instanceof Tensor ? (v.reshape(-1).tolist() as number[]) : [...(v as number[])]);
    this.mean = values(a.mean);
    this.std = values(a.std);
    this.inplace = a.inplace ?? false;
    // Normalize((0.5), (0.5)) keeps the number, as torchvision prints it: Normalize(mean=0.5, std=0.5)
    this.scalarForm = [typeof a.mean === "number", typeof a.std === "number"];
    this.tensorForm = [a.mean instanceof Tensor ? a.mean : null, a.std instanceof Tensor ? a.std : null];
  }
  private readonly scalarForm: [boolean, boolean];
  private readonly tensorForm: [Tensor | null, Tensor | null];

  override forward(tensor: Tensor): Tensor {
    return VF.normalize(tensor, this.mean, this.std, this.inplace);
  }

  override toString(): string {
    const show = (v: number[], scalar: boolean, t: Tensor | null) => (t !== null ? String(t) : scalar ? pyFloat(v[0]) : pyTuple(v));
    return `Normalize(mean=${show(this.mean, this.scalarForm[0], this.tensorForm[0])}, std=${show(this.std, this.scalarForm[1], this.tensorForm[1])})`;
  }
}

/** torchvision's _setup_size: an int or one value -> (s, s); two values -> (h, w). */
function setupSize(size: unknown, errorMsg: string): [number, number] {
  if (typeof size === "number") return [Math.trunc(size), Math.trunc(size)];
  if (Array.isArray(size) && size.length === 1) return [size[0], size[0]];
  if (!Array.isArray(size) || size.length !== 2) throw new ValueError(errorMsg);
  return [size[0], size[1]];
}

function checkInterpolation(v: unknown): InterpolationModeValue {
  const known: readonly unknown[] = Object.values(VF.InterpolationMode);
  if (!known.includes(v)) throw new TypeError_("Argument interpolation should be of type InterpolationMode");
  return v as InterpolationModeValue;
}

interface ResizeOptions { size: number | number[]; interpolation: InterpolationModeValue; max_size: number | null; antialias: boolean | null }

/** Resize(size, interpolation=BILINEAR, max_size=None, antialias=None). */
export class Resize extends Module {
  static override readonly __name__ = "Resize";
  size: number | number[];
  interpolation: InterpolationModeValue;
  max_size: number | null;
  antialias: boolean | null;
  constructor(...args: PyArgs<[size: number | number[], interpolation?: InterpolationModeValue, max_size?: number | null, antialias?: boolean | null], Partial<ResizeOptions>>) {
    super();
    const a = parseArgsRequired<ResizeOptions>("Resize", ["size", "interpolation", "max_size", "antialias"], 1, args);
    const size = a.size;
    if (!(typeof size === "number" || Array.isArray(size))) throw new TypeError_(`Size should be int or sequence. Got ${typeof size}`);
    if (Array.isArray(size) && size.length !== 1 && size.length !== 2) throw new ValueError("If size is a sequence, it should have 1 or 2 values");
    this.size = size as number | number[];
    this.interpolation = checkInterpolation(a.interpolation ?? "bilinear");
    this.max_size = a.max_size ?? null;
    this.antialias = a.antialias ?? null;
  }

  override forward(img: ImageLike): ImageLike {
    return VF.resize(img, this.size, this.interpolation, this.max_size, this.antialias);
  }

  override toString(): string {
    const size = typeof this.size === "number" ? String(this.size) : `[${this.size.join(", ")}]`;
    return `Resize(size=${size}, interpolation=${this.interpolation}, max_size=${this.max_size ?? "None"}, antialias=${this.antialias === null ? "None" : this.antialias ? "True" : "False"})`;
  }
}

/** CenterCrop(size). */
export class CenterCrop extends Module {
  static override readonly __name__ = "CenterCrop";
  size: [number, number];
  constructor(size: number | readonly number[]) {
    super();
    this.size = setupSize(size, "Please provide only two dimensions (h, w) for size.");
  }

  override forward(img: ImageLike): ImageLike {
    return VF.center_crop(img, this.size);
  }

  override toString(): string {
    return `CenterCrop(size=${pyInts(this.size)})`;
  }
}

/** Pad(padding, fill=0, padding_mode="constant"). */
export class Pad extends Module {
  static override readonly __name__ = "Pad";
  padding: number | number[];
  fill: number;
  padding_mode: PaddingMode;
  constructor(...args: PyArgs<[padding: number | number[], fill?: number, padding_mode?: PaddingMode], { padding?: number | number[]; fill?: number; padding_mode?: PaddingMode }>) {
    super();
    const a = parseArgsRequired<{ padding: number | number[]; fill: number; padding_mode: PaddingMode }>("Pad", ["padding", "fill", "padding_mode"], 1, args);
    const p = a.padding;
    if (!(typeof p === "number" || Array.isArray(p))) throw new TypeError_("Got inappropriate padding arg");
    if (typeof (a.fill ?? 0) !== "number") throw new TypeError_("Got inappropriate fill arg");
    const mode = a.padding_mode ?? "constant";
    if (!["constant", "edge", "reflect", "symmetric"].includes(mode)) throw new ValueError("Padding mode should be either constant, edge, reflect or symmetric");
    if (Array.isArray(p) && ![1, 2, 4].includes(p.length)) throw new ValueError(`Padding must be an int or a 1, 2, or 4 element tuple, not a ${p.length} element tuple`);
    this.padding = p as number | number[];
    this.fill = a.fill ?? 0;
    this.padding_mode = mode;
  }

  override forward(img: ImageLike): ImageLike {
    return VF.pad(img, this.padding, this.fill, this.padding_mode);
  }
}

/** One integer in [low, high) from the global generator, as torch.randint(low, high, size=(1,)).item(). */
function randint1(low: number, high: number): number {
  return torch.randint(low, high, [1]).item() as number;
}

/** torch.rand(1) < p, as torchvision's random transforms decide. */
interface RandomCropOptions { size: number | number[]; padding: number | number[] | null; pad_if_needed: boolean; fill: number; padding_mode: PaddingMode }

/** RandomCrop(size, padding=None, pad_if_needed=False, fill=0, padding_mode="constant"). */
export class RandomCrop extends Module {
  static override readonly __name__ = "RandomCrop";
  size: [number, number];
  padding: number | number[] | null;
  pad_if_needed: boolean;
  fill: number;
  padding_mode: PaddingMode;
  constructor(...args: PyArgs<[size: number | number[], padding?: number | number[] | null, pad_if_needed?: boolean, fill?: number, padding_mode?: PaddingMode], Partial<RandomCropOptions>>) {
    super();
    const a = parseArgsRequired<RandomCropOptions>("RandomCrop", ["size", "padding", "pad_if_needed", "fill", "padding_mode"], 1, args);
    this.size = setupSize(a.size, "Please provide only two dimensions (h, w) for size.");
    this.padding = a.padding ?? null;
    this.pad_if_needed = a.pad_if_needed ?? false;
    this.fill = a.fill ?? 0;
    this.padding_mode = a.padding_mode ?? "constant";
  }

  /** (i, j, h, w) of a random crop of output_size, drawn as torchvision does. */
  static get_params(img: ImageLike, output_size: readonly [number, number]): [number, number, number, number] {
    const [, h, w] = VF.get_dimensions(img);
    const [th, tw] = output_size;
    if (h < th || w < tw) throw new ValueError(`Required crop size (${th}, ${tw}) is larger than input image size (${h}, ${w})`);
    if (w === tw && h === th) return [0, 0, h, w];
    const i = randint1(0, h - th + 1);
    const j = randint1(0, w - tw + 1);
    return [i, j, th, tw];
  }

  override forward(input: ImageLike): ImageLike {
    let img = input;
    if (this.padding !== null) img = VF.pad(img, this.padding, this.fill, this.padding_mode);
    const [, height, width] = VF.get_dimensions(img);
    if (this.pad_if_needed && width < this.size[1]) img = VF.pad(img, [this.size[1] - width, 0], this.fill, this.padding_mode);
    if (this.pad_if_needed && height < this.size[0]) img = VF.pad(img, [0, this.size[0] - height], this.fill, this.padding_mode);
    const [i, j, h, w] = RandomCrop.get_params(img, this.size);
    return VF.crop(img, i, j, h, w);
  }

  override toString(): string {
    return `RandomCrop(size=${pyInts(this.size)}, padding=${this.padding === null ? "None" : String(this.padding)})`;
  }
}


/** RandomHorizontalFlip(p=0.5). */
export class RandomHorizontalFlip extends RandomTransform {
  static override readonly __name__ = "RandomHorizontalFlip";
  constructor(...args: PyArgs<[p?: number], { p?: number }>) {
    super(parseArgs<{ p: number }>("RandomHorizontalFlip", ["p"], args).p, "RandomHorizontalFlip");
  }

  transform(img: ImageLike): ImageLike {
    return VF.hflip(img);
  }
}

/** RandomVerticalFlip(p=0.5). */
export class RandomVerticalFlip extends RandomTransform {
  static override readonly __name__ = "RandomVerticalFlip";
  constructor(...args: PyArgs<[p?: number], { p?: number }>) {
    super(parseArgs<{ p: number }>("RandomVerticalFlip", ["p"], args).p, "RandomVerticalFlip");
  }

  transform(img: ImageLike): ImageLike {
    return VF.vflip(img);
  }
}

/**
 * A uniform float32 draw in [a, b) as torch.empty(1).uniform_(a, b).item(), and torchvision's
 * log-ratio bounds torch.log(torch.tensor(ratio)) (float32), so the sampling loops round as torch's.
 */
function uniform1(a: number, b: number): number {
  return torch.empty(1).uniform_(a, b).item() as number;
}

function logRatio(ratio: readonly [number, number]): [number, number] {
  const l = torch.log(torch.tensor([...ratio])).tolist() as number[];
  return [l[0], l[1]];
}

function expFloat(v: number): number {
  return torch.exp(torch.tensor([v])).item() as number;
}

interface RandomResizedCropOptions { size: number | number[]; scale: [number, number]; ratio: [number, number]; interpolation: InterpolationModeValue; antialias: boolean | null }

/** RandomResizedCrop(size, scale=(0.08, 1.0), ratio=(3/4, 4/3), interpolation=BILINEAR, antialias=None). */
export class RandomResizedCrop extends Module {
  static override readonly __name__ = "RandomResizedCrop";
  size: [number, number];
  scale: [number, number];
  ratio: [number, number];
  interpolation: InterpolationModeValue;
  antialias: boolean | null;
  readonly #defaultScale: boolean;
  constructor(...args: PyArgs<[size: number | number[], scale?: [number, number], ratio?: [number, number], interpolation?: InterpolationModeValue, antialias?: boolean | null], Partial<RandomResizedCropOptions>>) {
    super();
    const a = parseArgsRequired<RandomResizedCropOptions>("RandomResizedCrop", ["size", "scale", "ratio", "interpolation", "antialias"], 1, args);
    this.size = setupSize(a.size, "Please provide only two dimensions (h, w) for size.");
    this.#defaultScale = a.scale === undefined || a.scale === null;
    const scale = a.scale ?? [0.08, 1.0];
    const ratio = a.ratio ?? [3.0 / 4.0, 4.0 / 3.0];
    if (!Array.isArray(scale)) throw new TypeError_("Scale should be a sequence");
    if (!Array.isArray(ratio)) throw new TypeError_("Ratio should be a sequence");
    // torchvision only warns here ("Scale and ratio should be of kind (min, max)").
    this.scale = [scale[0], scale[1]];
    this.ratio = [ratio[0], ratio[1]];
    this.interpolation = checkInterpolation(a.interpolation ?? "bilinear");
    this.antialias = a.antialias ?? null;
  }

  /** torchvision's ten tries at a crop of random area and aspect ratio, then a centre-crop fallback. */
  static get_params(img: ImageLike, scale: readonly [number, number], ratio: readonly [number, number]): [number, number, number, number] {
    const [, height, width] = VF.get_dimensions(img);
    const area = height * width;
    const [lr0, lr1] = logRatio(ratio);
    for (let attempt = 0; attempt < 10; attempt++) {
      const targetArea = area * uniform1(scale[0], scale[1]);
      const aspectRatio = expFloat(uniform1(lr0, lr1));
      const w = pyRound(Math.sqrt(targetArea * aspectRatio));
      const h = pyRound(Math.sqrt(targetArea / aspectRatio));
      if (0 < w && w <= width && 0 < h && h <= height) {
        const i = randint1(0, height - h + 1);
        const j = randint1(0, width - w + 1);
        return [i, j, h, w];
      }
    }
    const inRatio = width / height;
    let w: number;
    let h: number;
    if (inRatio < Math.min(...ratio)) {
      w = width;
      h = pyRound(w / Math.min(...ratio));
    } else if (inRatio > Math.max(...ratio)) {
      h = height;
      w = pyRound(h * Math.max(...ratio));
    } else {
      w = width;
      h = height;
    }
    return [Math.floor((height - h) / 2), Math.floor((width - w) / 2), h, w];
  }

  override forward(img: ImageLike): ImageLike {
    const [i, j, h, w] = RandomResizedCrop.get_params(img, this.scale, this.ratio);
    return VF.resized_crop(img, i, j, h, w, this.size, this.interpolation, this.antialias);
  }

  /**
   * torchvision 0.14's, stray parenthesis included ("interpolation=bilinear), antialias=None)"); the default scale
   * (0.08, 1.0) prints as the floats it is (a given one as its numbers: JavaScript has no 1 vs 1.0).
   */
  override toString(): string {
    const r4 = (v: number) => String(Math.round(v * 1e4) / 1e4);
    const scale = this.#defaultScale ? "(0.08, 1.0)" : `(${this.scale.map(r4).join(", ")})`;
    return `RandomResizedCrop(size=${pyInts(this.size)}, scale=${scale}, ratio=(${this.ratio.map(r4).join(", ")}), interpolation=${this.interpolation}), antialias=${this.antialias === null ? "None" : this.antialias ? "True" : "False"})`;
  }
}

/** Grayscale(num_output_channels=1). */
export class Grayscale extends Module {
  static override readonly __name__ = "Grayscale";
  num_output_channels: number;
  constructor(...args: PyArgs<[num_output_channels?: number], { num_output_channels?: number }>) {
    super();
    this.num_output_channels = parseArgs<{ num_output_channels: number }>("Grayscale", ["num_output_channels"], args).num_output_channels ?? 1;
  }

  override forward(img: ImageLike): ImageLike {
    return VF.rgb_to_grayscale(img, this.num_output_channels);
  }

  override toString(): string {
    return `Grayscale(num_output_channels=${this.num_output_channels})`;
  }
}

/** RandomGrayscale(p=0.1): grayscale with as many channels as the input. */
export class RandomGrayscale extends RandomTransform {
  static override readonly __name__ = "RandomGrayscale";
  constructor(...args: PyArgs<[p?: number], { p?: number }>) {
    super(parseArgs<{ p: number }>("RandomGrayscale", ["p"], args).p, "RandomGrayscale", 0.1);
  }

  transform(img: ImageLike): ImageLike {
    return VF.rgb_to_grayscale(img, VF.get_dimensions(img)[0]);
  }
}

/** RandomApply(transforms, p=0.5): all of them, or none (torchvision: `if self.p < torch.rand(1): return img`). */
export class RandomApply extends Module {
  static override readonly __name__ = "RandomApply";
  transforms: AnyTransform[];
  p: number;
  constructor(...args: PyArgs<[transforms: AnyTransform[], p?: number], { transforms?: AnyTransform[]; p?: number }>) {
    super();
    const a = parseArgsRequired<{ transforms: AnyTransform[]; p: number }>("RandomApply", ["transforms", "p"], 1, args);
    checkTransforms(a.transforms, "RandomApply");
    this.transforms = [...(a.transforms as AnyTransform[])];
    this.p = a.p ?? 0.5;
  }

  override forward(img: unknown): unknown {
    if (this.p < (torch.rand(1).item() as number)) return img;
    let x = img;
    for (const t of this.transforms) x = (t as (v: unknown) => unknown)(x);
    return x;
  }
}

/** RandomChoice(transforms, p=None): one of them, chosen with weights p (drawn from torch's generator; see the header). */
export class RandomChoice extends CallableTransform {
  transforms: AnyTransform[];
  p: number[] | null;
  constructor(...args: PyArgs<[transforms: AnyTransform[], p?: number[] | null], { transforms?: AnyTransform[]; p?: number[] | null }>) {
    super();
    const a = parseArgsRequired<{ transforms: AnyTransform[]; p: number[] | null }>("RandomChoice", ["transforms", "p"], 1, args);
    checkTransforms(a.transforms, "RandomChoice");
    if (a.p !== undefined && a.p !== null && a.p.length !== a.transforms.length) throw new ValueError("Length of p doesn't match the number of transforms");
    this.transforms = [...(a.transforms as AnyTransform[])];
    this.p = a.p ?? null;
  }

  __call__(img: unknown): unknown {
    const weights = this.p ?? this.transforms.map(() => 1);
    const k = torch.multinomial(torch.tensor(weights, { dtype: torch.float64 }), 1).item() as number;
    return (this.transforms[k] as (v: unknown) => unknown)(img);
  }
}

/** RandomOrder(transforms): all of them in a random order (torch.randperm; see the header). */
export class RandomOrder extends CallableTransform {
  transforms: AnyTransform[];
  constructor(transforms: AnyTransform[]) {
    super();
    checkTransforms(transforms, "RandomOrder");
    this.transforms = [...transforms];
  }

  __call__(img: unknown): unknown {
    const order = torch.randperm(this.transforms.length).tolist() as number[];
    let x = img;
    for (const i of order) x = (this.transforms[i] as (v: unknown) => unknown)(x);
    return x;
  }
}

interface RandomErasingOptions { p: number; scale: [number, number]; ratio: [number, number]; value: number | number[] | "random"; inplace: boolean }

/** RandomErasing(p=0.5, scale=(0.02, 0.33), ratio=(0.3, 3.3), value=0, inplace=False), tensors only. */
export class RandomErasing extends Module {
  static override readonly __name__ = "RandomErasing";
  p: number;
  scale: [number, number];
  ratio: [number, number];
  value: number | number[] | "random";
  inplace: boolean;
  constructor(...args: PyArgs<[p?: number, scale?: [number, number], ratio?: [number, number], value?: number | number[] | "random", inplace?: boolean], Partial<RandomErasingOptions>>) {
    super();
    const a = parseArgs<RandomErasingOptions>("RandomErasing", ["p", "scale", "ratio", "value", "inplace"], args);
    const value = a.value ?? 0;
    if (!(typeof value === "number" || typeof value === "string" || Array.isArray(value))) throw new TypeError_("Argument value should be either a number or str or a sequence");
    if (typeof value === "string" && value !== "random") throw new ValueError("If value is str, it should be 'random'");
    const scale = a.scale ?? [0.02, 0.33];
    const ratio = a.ratio ?? [0.3, 3.3];
    if (!Array.isArray(scale)) throw new TypeError_("Scale should be a sequence");
    if (!Array.isArray(ratio)) throw new TypeError_("Ratio should be a sequence");
    if (scale[0] < 0 || scale[1] > 1) throw new ValueError("Scale should be between 0 and 1");
    const p = a.p ?? 0.5;
    if (p < 0 || p > 1) throw new ValueError("Random erasing probability should be between 0 and 1");
    this.p = p;
    this.scale = [scale[0], scale[1]];
    this.ratio = [ratio[0], ratio[1]];
    this.value = value;
    this.inplace = a.inplace ?? false;
  }

  /** torchvision's ten tries at an erased patch; none fits -> the whole image, unchanged (v = img). */
  static get_params(img: Tensor, scale: readonly [number, number], ratio: readonly [number, number], value: number[] | null = null): [number, number, number, number, Tensor] {
    const n = img.dim();
    const [c, imgH, imgW] = [img.shape[n - 3], img.shape[n - 2], img.shape[n - 1]];
    const area = imgH * imgW;
    const [lr0, lr1] = logRatio(ratio);
    for (let attempt = 0; attempt < 10; attempt++) {
      const eraseArea = area * uniform1(scale[0], scale[1]);
      const aspectRatio = expFloat(uniform1(lr0, lr1));
      const h = pyRound(Math.sqrt(eraseArea * aspectRatio));
      const w = pyRound(Math.sqrt(eraseArea / aspectRatio));
      if (!(h < imgH && w < imgW)) continue;
      const v = value === null ? torch.empty([c, h, w], { dtype: torch.float32 }).normal_() : torch.tensor(value).view(-1, 1, 1);
      const i = randint1(0, imgH - h + 1);
      const j = randint1(0, imgW - w + 1);
      return [i, j, h, w, v];
    }
    return [0, 0, imgH, imgW, img];
  }

  override forward(img: Tensor): Tensor {
    if (!isTensor(img)) throw new TypeError_(`img should be Tensor Image. Got ${typeof img}`);
    if (!coin(this.p)) return img;
    const value = typeof this.value === "number" ? [this.value] : typeof this.value === "string" ? null : this.value;
    const c = img.shape[img.dim() - 3];
    if (value !== null && !(value.length === 1 || value.length === c)) {
      throw new ValueError(`If value is a sequence, it should have either a single value or ${c} (number of input channels)`);
    }
    const [x, y, h, w, v] = RandomErasing.get_params(img, this.scale, this.ratio, value);
    return VF.erase(img, x, y, h, w, v, this.inplace);
  }
}

/** GaussianBlur(kernel_size, sigma=(0.1, 2.0)): sigma drawn as torch.empty(1).uniform_(min, max). */
export class GaussianBlur extends Module {
  static override readonly __name__ = "GaussianBlur";
  kernel_size: [number, number];
  sigma: [number, number];
  constructor(...args: PyArgs<[kernel_size: number | number[], sigma?: number | [number, number]], { kernel_size?: number | number[]; sigma?: number | [number, number] }>) {
    super();
    const a = parseArgsRequired<{ kernel_size: number | number[]; sigma: number | [number, number] }>("GaussianBlur", ["kernel_size", "sigma"], 1, args);
    this.kernel_size = setupSize(a.kernel_size, "Kernel size should be a tuple/list of two integers");
    for (const k of this.kernel_size) if (k <= 0 || k % 2 === 0) throw new ValueError("Kernel size value should be an odd and positive number.");
    const sigma = a.sigma ?? [0.1, 2.0];
    if (typeof sigma === "number") {
      if (sigma <= 0) throw new ValueError("If sigma is a single number, it must be positive.");
      this.sigma = [sigma, sigma];
    } else if (Array.isArray(sigma) && sigma.length === 2) {
      if (!(0 < sigma[0] && sigma[0] <= sigma[1])) throw new ValueError("sigma values should be positive and of the form (min, max).");
      this.sigma = [sigma[0], sigma[1]];
    } else {
      throw new ValueError("sigma should be a single number or a list/tuple with length 2.");
    }
  }

  static get_params(sigma_min: number, sigma_max: number): number {
    return uniform1(sigma_min, sigma_max);
  }

  override forward(img: ImageLike): ImageLike {
    const sigma = GaussianBlur.get_params(this.sigma[0], this.sigma[1]);
    return VF.gaussian_blur(img, this.kernel_size, [sigma, sigma]);
  }
}

/** FiveCrop(size): [tl, tr, bl, br, center] (torchvision returns a tuple). */
export class FiveCrop extends Module {
  static override readonly __name__ = "FiveCrop";
  size: [number, number];
  constructor(size: number | readonly number[]) {
    super();
    this.size = setupSize(size, "Please provide only two dimensions (h, w) for size.");
  }

  override forward(img: ImageLike): ImageLike[] {
    return VF.five_crop(img, this.size);
  }

  override toString(): string {
    return `FiveCrop(size=${pyInts(this.size)})`;
  }
}

/** TenCrop(size, vertical_flip=False): the five crops of the image and of its flip. */
export class TenCrop extends Module {
  static override readonly __name__ = "TenCrop";
  size: [number, number];
  vertical_flip: boolean;
  constructor(...args: PyArgs<[size: number | number[], vertical_flip?: boolean], { size?: number | number[]; vertical_flip?: boolean }>) {
    super();
    const a = parseArgsRequired<{ size: number | number[]; vertical_flip: boolean }>("TenCrop", ["size", "vertical_flip"], 1, args);
    this.size = setupSize(a.size, "Please provide only two dimensions (h, w) for size.");
    this.vertical_flip = a.vertical_flip ?? false;
  }

  override forward(img: ImageLike): ImageLike[] {
    return VF.ten_crop(img, this.size, this.vertical_flip);
  }

  override toString(): string {
    return `TenCrop(size=${pyInts(this.size)}, vertical_flip=${this.vertical_flip ? "True" : "False"})`;
  }
}

/** RandomInvert(p=0.5): `torch.rand(1).item() < p` decides. */
export class RandomInvert extends RandomTransform {
  static override readonly __name__ = "RandomInvert";
  constructor(...args: PyArgs<[p?: number], { p?: number }>) {
    super(parseArgs<{ p: number }>("RandomInvert", ["p"], args).p, "RandomInvert");
  }

  transform(img: ImageLike): ImageLike {
    return VF.invert(img);
  }
}
