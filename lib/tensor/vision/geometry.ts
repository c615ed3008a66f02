/**
 * rotate / affine and RandomRotation / RandomAffine as torchvision 0.14 does them on tensors: the
 * inverse affine matrix of _get_inverse_affine_matrix, torchvision's own affine grid (pixel centres,
 * normalised after theta) and F.grid_sample (zeros padding, align_corners=False), with the fill colour
 * carried by an extra mask channel. An Image goes through the same tensor path (torchvision hands PIL
 * images to PIL's rotate / affine, whose nearest sampling can differ at a few edge pixels).
 */
import { torchCore as torch } from "../torch";
import { functional as NF } from "../nn/functional/index";
import { Module } from "../nn/module";
import type { Tensor } from "../tensor";
import { parseArgsRequired, type PyArgs } from "../args";
import { TypeError_, ValueError } from "../errors";
import * as VF from "./functional";
import type { ImageLike } from "./functional";
import { isImage } from "./image";
import { pyFloat } from "../nn/repr";

type Fill = number | readonly number[] | null;
type GridMode = "nearest" | "bilinear";

const radians = (deg: number) => (deg * Math.PI) / 180;

/** torchvision's _get_inverse_affine_matrix (rotation, then scale and shear, about a centre). */
export function get_inverse_affine_matrix(center: readonly number[], angle: number, translate: readonly number[], scale: number, shear: readonly number[], inverted = true): number[] {
  const rot = radians(angle);
  const sx = radians(shear[0]);
  const sy = radians(shear[1]);
  const [cx, cy] = center;
  const [tx, ty] = translate;
  const a = Math.cos(rot - sy) / Math.cos(sy);
  const b = (-Math.cos(rot - sy) * Math.tan(sx)) / Math.cos(sy) - Math.sin(rot);
  const c = Math.sin(rot - sy) / Math.cos(sy);
  const d = (-Math.sin(rot - sy) * Math.tan(sx)) / Math.cos(sy) + Math.cos(rot);
  let m: number[];
  if (inverted) {
    m = [d, -b, 0.0, -c, a, 0.0].map((v) => v / scale);
    m[2] += m[0] * (-cx - tx) + m[1] * (-cy - ty);
    m[5] += m[3] * (-cx - tx) + m[4] * (-cy - ty);
    m[2] += cx;
    m[5] += cy;
  } else {
    m = [a, b, 0.0, c, d, 0.0].map((v) => v * scale);
    m[2] += m[0] * -cx + m[1] * -cy;
    m[5] += m[3] * -cx + m[4] * -cy;
    m[2] += cx + tx;
    m[5] += cy + ty;
  }
  return m;
}

/** torchvision's _gen_affine_grid: output pixel centres through theta, normalised by the input size. */
function affineGrid(theta: Tensor, w: number, h: number, ow: number, oh: number): Tensor {
  const d = 0.5;
  const dtype = theta.dtype;
  const xs = torch.linspace(-ow * 0.5 + d, ow * 0.5 + d - 1, ow, { dtype }).view(1, ow).expand(oh, ow);
  const ys = torch.linspace(-oh * 0.5 + d, oh * 0.5 + d - 1, oh, { dtype }).view(oh, 1).expand(oh, ow);
  const base = torch.stack([xs, ys, torch.ones(oh, ow, { dtype })], -1);
  const rescaled = theta.transpose(1, 2).div(torch.tensor([0.5 * w, 0.5 * h], { dtype }));
  return base.view(1, oh * ow, 3).bmm(rescaled).view(1, oh, ow, 2);
}

/** torchvision's _apply_grid_transform: grid_sample, and the fill colour where the mask channel says "outside". */
function applyGrid(img: Tensor, grid: Tensor, mode: GridMode, fill: Fill): Tensor {
  const squeeze = img.dim() < 4;
  let x = squeeze ? img.unsqueeze(0) : img;
  const outDtype = x.dtype;
  const cast = outDtype !== grid.dtype;
  if (cast) x = x.to(grid.dtype);
  const n = x.shape[0];
  const g = n > 1 ? grid.expand(n, grid.shape[1], grid.shape[2], grid.shape[3]) : grid;
  if (fill !== null) x = torch.cat([x, torch.ones([n, 1, x.shape[2], x.shape[3]], { dtype: x.dtype })], 1);
  x = NF.grid_sample(x, g, { mode, padding_mode: "zeros", align_corners: false });
  if (fill !== null) {
    const c = x.shape[1] - 1;
    let mask = x.narrow(1, c, 1);
    x = x.narrow(1, 0, c);
    mask = mask.expand(...x.shape);
    const fills = typeof fill === "number" ? [fill] : [...fill];
    const fillImg = torch.tensor(fills, { dtype: x.dtype }).view(1, fills.length, 1, 1).expand(...x.shape);
    x = mode === "nearest" ? torch.where(mask.lt(0.5), fillImg, x) : x.mul(mask).add(mask.neg().add(1).mul(fillImg));
  }
  if (squeeze) x = x.squeeze(0);
  if (cast) x = torch.round(x).to(outDtype);
  return x;
}

function checkGridInputs(img: Tensor, mode: string, fill: Fill): void {
  if (mode !== "nearest" && mode !== "bilinear") throw new ValueError(`Interpolation mode '${mode}' is unsupported with Tensor input`);
  const c = VF.get_dimensions(img)[0];
  if (fill !== null && typeof fill !== "number" && fill.length > 1 && fill.length !== c) {
    throw new ValueError(`The number of elements in 'fill' cannot broadcast to match the number of channels of the image (${fill.length} != ${c})`);
  }
}

/** An Image's pixels through a tensor op and back (bytes, rounded). */
function onTensor(img: ImageLike, op: (t: Tensor) => Tensor): ImageLike {
  if (!isImage(img)) return op(img);
  const t = VF.pil_to_float(img);
  return VF.float_to_pil(op(t), img.mode);
}

/** The size of the rotated image with expand=True (torchvision's _compute_affine_output_size). */
function expandedSize(m: readonly number[], w: number, h: number): [number, number] {
  const pts = [[-0.5 * w, -0.5 * h], [-0.5 * w, 0.5 * h], [0.5 * w, 0.5 * h], [0.5 * w, -0.5 * h]];
  const f = Math.fround;
  const xs = pts.map(([x, y]) => f(f(f(x * f(m[0])) + f(y * f(m[1]))) + f(m[2])) + w * 0.5);
  const ys = pts.map(([x, y]) => f(f(f(x * f(m[3])) + f(y * f(m[4]))) + f(m[5])) + h * 0.5);
  const tol = 1e-4;
  const size = (v: number[]) => Math.ceil(Math.trunc(Math.max(...v) / tol) * tol) - Math.floor(Math.trunc(Math.min(...v) / tol) * tol);
  return [size(xs), size(ys)];
}

/** rotate(img, angle, interpolation="nearest", expand=False, center=None, fill=None): counter-clockwise degrees. */
export function rotate(img: ImageLike, angle: number, interpolation: GridMode = "nearest", expand = false, center: readonly number[] | null = null, fill: Fill = null): ImageLike {
  if (typeof angle !== "number") throw new TypeError_("Argument angle should be int or float");
  if (center !== null && !Array.isArray(center)) throw new TypeError_("Argument center should be a sequence");
  const [, height, width] = VF.get_dimensions(img);
  const centerF = center === null ? [0.0, 0.0] : [center[0] - width * 0.5, center[1] - height * 0.5];
  // torchvision: the affine and rotate directions disagree, hence -angle.
  const matrix = get_inverse_affine_matrix(centerF, -angle, [0.0, 0.0], 1.0, [0.0, 0.0]);
  return onTensor(img, (t) => {
    checkGridInputs(t, interpolation, fill);
    const [ow, oh] = expand ? expandedSize(matrix, width, height) : [width, height];
    const dtype = t.is_floating_point() ? t.dtype : torch.float32;
    const theta = torch.tensor(matrix, { dtype }).reshape(1, 2, 3);
    return applyGrid(t, affineGrid(theta, width, height, ow, oh), interpolation, fill);
  });
}

/** affine(img, angle, translate, scale, shear, interpolation="nearest", fill=None, center=None). */
export function affine(
  img: ImageLike, angle: number, translate: readonly number[], scale: number, shear: number | readonly number[],
  interpolation: GridMode = "nearest", fill: Fill = null, center: readonly number[] | null = null,
): ImageLike {
  if (typeof angle !== "number") throw new TypeError_("Argument angle should be int or float");
  if (!Array.isArray(translate)) throw new TypeError_("Argument translate should be a sequence");
  if (translate.length !== 2) throw new ValueError("Argument translate should be a sequence of length 2");
  if (scale <= 0.0) throw new ValueError("Argument scale should be positive");
  const sh = typeof shear === "number" ? [shear, 0.0] : shear.length === 1 ? [shear[0], shear[0]] : [...shear];
  if (sh.length !== 2) throw new ValueError(`Shear should be a sequence containing two values. Got ${JSON.stringify(shear)}`);
  const [, height, width] = VF.get_dimensions(img);
  const centerF = center === null ? [0.0, 0.0] : [center[0] - width * 0.5, center[1] - height * 0.5];
  const matrix = get_inverse_affine_matrix(centerF, angle, translate, scale, sh);
  return onTensor(img, (t) => {
    checkGridInputs(t, interpolation, fill);
    const dtype = t.is_floating_point() ? t.dtype : torch.float32;
    const theta = torch.tensor(matrix, { dtype }).reshape(1, 2, 3);
    return applyGrid(t, affineGrid(theta, width, height, width, height), interpolation, fill);
  });
}

/** torchvision's _setup_angle: a number d is (-d, d); else a sequence of an allowed length. */
function setupAngle(x: number | readonly number[], name: string, sizes: readonly number[]): number[] {
  if (typeof x === "number") {
    if (x < 0) throw new ValueError(`If ${name} is a single number, it must be positive.`);
    return [-x, x];
  }
  if (!Array.isArray(x) || !sizes.includes(x.length)) throw new ValueError(`${name} should be a sequence of length ${sizes.join(" or ")}.`);
  return [...x];
}

const uniform1 = (a: number, b: number) => torch.empty(1).uniform_(a, b).item() as number;

/** The fill as torchvision's forward passes it for a tensor: one value per channel (an Image takes the same path). */
function channelFill(img: ImageLike, fill: number | readonly number[]): Fill {
  const c = VF.get_dimensions(img)[0];
  return typeof fill === "number" ? Array.from({ length: c }, () => fill) : [...fill];
}

interface RotationOptions { degrees: number | number[]; interpolation: GridMode; expand: boolean; center: number[] | null; fill: number | number[] }

/** RandomRotation(degrees, interpolation=NEAREST, expand=False, center=None, fill=0). */
export class RandomRotation extends Module {
  static override readonly __name__ = "RandomRotation";
  degrees: number[];
  interpolation: GridMode;
  expand: boolean;
  center: number[] | null;
  fill: number | number[];
  constructor(...args: PyArgs<[degrees: number | number[], interpolation?: GridMode, expand?: boolean, center?: number[] | null, fill?: number | number[]], Partial<RotationOptions>>) {
    super();
    const a = parseArgsRequired<RotationOptions>("RandomRotation", ["degrees", "interpolation", "expand", "center", "fill"], 1, args);
    this.degrees = setupAngle(a.degrees as number | number[], "degrees", [2]);
    if (a.center !== undefined && a.center !== null && (!Array.isArray(a.center) || a.center.length !== 2)) throw new ValueError("center should be a sequence of length 2.");
    const fill = a.fill ?? 0;
    if (!(typeof fill === "number" || Array.isArray(fill))) throw new TypeError_("Fill should be either a sequence or a number.");
    this.interpolation = a.interpolation ?? "nearest";
    this.expand = a.expand ?? false;
    this.center = a.center ?? null;
    this.fill = fill;
  }

  static get_params(degrees: readonly number[]): number {
    return uniform1(degrees[0], degrees[1]);
  }

  override forward(img: ImageLike): ImageLike {
    const fill = channelFill(img, this.fill);
    const angle = RandomRotation.get_params(this.degrees);
    return rotate(img, angle, this.interpolation, this.expand, this.center, fill);
  }

  /** torchvision 0.14's: degrees as its list of floats, center (a tuple) and fill as given. */
  override toString(): string {
    const center = this.center === null ? "" : `, center=${pyTuple(this.center)}`;
    return `RandomRotation(degrees=${pyFloats(this.degrees)}, interpolation=${this.interpolation}, expand=${this.expand ? "True" : "False"}${center}, fill=${pyValue(this.fill)})`;
  }
}

/** Python's str of a list of floats ([-30.0, 30.0]), of a tuple ((1, 2)), of a number or a list as given. */
const pyFloats = (v: readonly number[]) => `[${v.map(pyFloat).join(", ")}]`;
const pyTuple = (v: readonly number[]) => `(${v.join(", ")}${v.length === 1 ? "," : ""})`;
const pyValue = (v: number | readonly number[]) => (typeof v === "number" ? String(v) : `[${v.join(", ")}]`);

interface AffineOptions { degrees: number | number[]; translate: number[] | null; scale: number[] | null; shear: number | number[] | null; interpolation: GridMode; fill: number | number[]; center: number[] | null }

/** RandomAffine(degrees, translate=None, scale=None, shear=None, interpolation=NEAREST, fill=0, center=None). */
export class RandomAffine extends Module {
  static override readonly __name__ = "RandomAffine";
  degrees: number[];
  translate: number[] | null;
  scale: number[] | null;
  shear: number[] | null;
  interpolation: GridMode;
  fill: number | number[];
  center: number[] | null;
  constructor(...args: PyArgs<[degrees: number | number[], translate?: number[] | null, scale?: number[] | null, shear?: number | number[] | null, interpolation?: GridMode, fill?: number | number[], center?: number[] | null], Partial<AffineOptions>>) {
    super();
    const a = parseArgsRequired<AffineOptions>("RandomAffine", ["degrees", "translate", "scale", "shear", "interpolation", "fill", "center"], 1, args);
    this.degrees = setupAngle(a.degrees as number | number[], "degrees", [2]);
    const t = a.translate ?? null;
    if (t !== null) {
      if (!Array.isArray(t) || t.length !== 2) throw new ValueError("translate should be a sequence of length 2.");
      for (const v of t) if (!(v >= 0 && v <= 1)) throw new ValueError("translation values should be between 0 and 1");
    }
    const s = a.scale ?? null;
    if (s !== null) {
      if (!Array.isArray(s) || s.length !== 2) throw new ValueError("scale should be a sequence of length 2.");
      for (const v of s) if (v <= 0) throw new ValueError("scale values should be positive");
    }
    this.translate = t;
    this.scale = s;
    this.shear = a.shear === undefined || a.shear === null ? null : setupAngle(a.shear, "shear", [2, 4]);
    this.interpolation = a.interpolation ?? "nearest";
    this.fill = a.fill ?? 0;
    this.center = a.center ?? null;
  }

  /** angle, (tx, ty), scale, (shear_x, shear_y), drawn in torchvision's order. */
  static get_params(degrees: readonly number[], translate: readonly number[] | null, scale_ranges: readonly number[] | null, shears: readonly number[] | null, img_size: readonly [number, number]): [number, [number, number], number, [number, number]] {
    const angle = uniform1(degrees[0], degrees[1]);
    let translations: [number, number] = [0, 0];
    if (translate !== null) {
      const maxDx = translate[0] * img_size[0];
      const maxDy = translate[1] * img_size[1];
      const tx = VF.pyRound(uniform1(-maxDx, maxDx));
      const ty = VF.pyRound(uniform1(-maxDy, maxDy));
      translations = [tx, ty];
    }
    const scale = scale_ranges !== null ? uniform1(scale_ranges[0], scale_ranges[1]) : 1.0;
    let shear: [number, number] = [0.0, 0.0];
    if (shears !== null) {
      shear = [uniform1(shears[0], shears[1]), shears.length === 4 ? uniform1(shears[2], shears[3]) : 0.0];
    }
    return [angle, translations, scale, shear];
  }

  override forward(img: ImageLike): ImageLike {
    const fill = channelFill(img, this.fill);
    const [, height, width] = VF.get_dimensions(img);
    const [angle, translate, scale, shear] = RandomAffine.get_params(this.degrees, this.translate, this.scale, this.shear, [width, height]);
    return affine(img, angle, translate, scale, shear, this.interpolation, fill, this.center);
  }

  /** torchvision 0.14's: only the settings that differ from the defaults after degrees; translate / scale / center as tuples. */
  override toString(): string {
    let s = `RandomAffine(degrees=${pyFloats(this.degrees)}`;
    if (this.translate !== null) s += `, translate=${pyTuple(this.translate)}`;
    if (this.scale !== null) s += `, scale=${pyTuple(this.scale)}`;
    if (this.shear !== null) s += `, shear=${pyFloats(this.shear)}`;
    if (this.interpolation !== "nearest") s += `, interpolation=${this.interpolation}`;
    if (this.fill !== 0) s += `, fill=${pyValue(this.fill)}`;
    if (this.center !== null) s += `, center=${pyTuple(this.center)}`;
    return `${s})`;
  }
}

