/**
 * torchvision.transforms.functional (torchvision 0.14, v1 API) on the engine's tensors and Images.
 *
 * Tensor images are [..., C, H, W] (as torchvision's functional_tensor.py); every function is built
 * from the engine's own ops (F.interpolate, F.pad, flip, narrow, conv2d), so results match torch's and
 * stay differentiable where those ops are. An Image (./image.ts, the engine's stand-in for a PIL image)
 * is turned into a tensor of its 0..255 pixels, transformed, rounded and turned back, which is exact for
 * the pixel-moving ops (crop, flip, pad) and what torchvision does for gaussian_blur; resize of an Image
 * is PIL's own resampling (./pil_resize.ts).
 */
import { torchCore as torch } from "../torch";
import { functional as NF } from "../nn/functional/index";
import { Tensor, isTensor } from "../tensor";
import type { DType } from "../dtype";
import { get_default_dtype } from "../default_dtype";
import { RuntimeError, TypeError_, ValueError } from "../errors";
import { Image, isImage, type ImageMode } from "./image";
import { pilResize } from "./pil_resize";

/** torchvision.transforms.InterpolationMode (the values are F.interpolate's mode names). */
export const InterpolationMode = {
  NEAREST: "nearest",
  NEAREST_EXACT: "nearest-exact",
  BILINEAR: "bilinear",
  BICUBIC: "bicubic",
} as const;
export type InterpolationModeValue = (typeof InterpolationMode)[keyof typeof InterpolationMode];

export type ImageLike = Tensor | Image;
export type PaddingMode = "constant" | "edge" | "reflect" | "symmetric";

/** Python's `type(x)` as torchvision's messages print it, e.g. "<class 'torch.Tensor'>". */
function typeName(x: unknown): string {
  if (isTensor(x)) return "<class 'torch.Tensor'>";
  if (x === null || x === undefined) return "<class 'NoneType'>";
  if (Array.isArray(x)) return "<class 'list'>";
  if (typeof x === "number") return Number.isInteger(x) ? "<class 'int'>" : "<class 'float'>";
  if (typeof x === "string") return "<class 'str'>";
  if (typeof x === "object") return `<class '${(x as object).constructor?.name ?? "object"}'>`;
  return `<class '${typeof x}'>`;
}

function assertImageTensor(img: Tensor): void {
  if (img.dim() < 2) throw new TypeError_("Tensor is not a torch image.");
}

function checkImage(img: unknown): asserts img is ImageLike {
  if (!isTensor(img) && !isImage(img)) throw new TypeError_(`img should be PIL Image or Tensor. Got ${typeName(img)}`);
}

function checkTensorImage(img: unknown): asserts img is Tensor {
  if (!isTensor(img)) throw new TypeError_(`img should be Tensor Image. Got ${typeName(img)}`);
}

/** An Image's pixels as a float32 [C, H, W] tensor of 0..255 values (the tensor path of an Image op). */
export function pil_to_float(img: Image): Tensor {
  return imageToFloat(img);
}

/** A [C, H, W] tensor of 0..255 values back to an Image (rounded, clamped). */
export function float_to_pil(t: Tensor, mode: ImageMode): Image {
  return floatToImage(t, mode);
}

function imageToFloat(img: Image): Tensor {
  const { width: w, height: h } = img;
  const c = img.channels;
  const out = new Float32Array(c * h * w);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let k = 0; k < c; k++) out[k * h * w + y * w + x] = img.data[(y * w + x) * c + k];
    }
  }
  return torch.from_array(out, [c, h, w], { dtype: torch.float32 });
}

/** A [C, H, W] tensor of 0..255 values back to an Image (rounded and clamped to bytes). */
function floatToImage(t: Tensor, mode: ImageMode): Image {
  const [c, h, w] = t.shape;
  const v = t.detach().contiguous().reshape(-1).tolist() as number[];
  const data = new Uint8Array(c * h * w);
  for (let k = 0; k < c; k++) {
    for (let i = 0; i < h * w; i++) data[i * c + k] = Math.min(255, Math.max(0, Math.round(v[k * h * w + i])));
  }
  return new Image(mode, [w, h], data);
}

/** Applies a tensor op to an Image through its 0..255 pixels; tensors go straight through. */
function viaTensor(img: ImageLike, op: (t: Tensor) => Tensor): ImageLike {
  if (isTensor(img)) return op(img);
  const mode = img.mode;
  const out = op(imageToFloat(img));
  return floatToImage(out, out.shape[out.dim() - 3] === 1 ? "L" : mode);
}

/** [channels, height, width] of an image (torchvision's get_dimensions). */
export function get_dimensions(img: ImageLike): [number, number, number] {
  checkImage(img);
  if (isImage(img)) return [img.channels, img.height, img.width];
  assertImageTensor(img);
  const s = img.shape;
  const n = s.length;
  return [n === 2 ? 1 : s[n - 3], s[n - 2], s[n - 1]];
}

/** [width, height] (torchvision's get_image_size). */
export function get_image_size(img: ImageLike): [number, number] {
  const [, h, w] = get_dimensions(img);
  return [w, h];
}

export function get_image_num_channels(img: ImageLike): number {
  return get_dimensions(img)[0];
}

/** An Image -> float tensor [C, H, W] in [0, 1] (the default float dtype), as torchvision's to_tensor. */
export function to_tensor(pic: unknown): Tensor {
  if (!isImage(pic)) throw new TypeError_(`pic should be PIL Image or ndarray. Got ${typeName(pic)}`);
  // torch: uint8 -> default float dtype, then div(255) in that dtype.
  return imageToFloat(pic).to(get_default_dtype()).div(255);
}

/** An Image -> uint8 tensor [C, H, W], values unchanged (torchvision's pil_to_tensor). */
export function pil_to_tensor(pic: unknown): Tensor {
  if (!isImage(pic)) throw new TypeError_(`pic should be PIL Image. Got ${typeName(pic)}`);
  return imageToFloat(pic).to(torch.uint8);
}

/** A [C, H, W] (or [H, W]) tensor -> Image, as torchvision's to_pil_image: floats are scaled by 255 and truncated. */
export function to_pil_image(pic: unknown, mode?: ImageMode): Image {
  if (isImage(pic)) return pic.copy();
  if (!isTensor(pic)) throw new TypeError_(`pic should be Tensor or ndarray. Got ${typeName(pic)}.`);
  if (pic.dim() !== 2 && pic.dim() !== 3) throw new ValueError(`pic should be 2/3 dimensional. Got ${pic.dim()} dimensions.`);
  let t = pic.dim() === 2 ? pic.unsqueeze(0) : pic;
  const c = t.shape[0];
  if (c > 4) throw new ValueError(`pic should not have > 4 channels. Got ${c} channels.`);
  const m = mode ?? (c === 1 ? "L" : c === 3 ? "RGB" : undefined);
  if (m === undefined || (m === "L" && c !== 1) || (m === "RGB" && c !== 3)) throw new ValueError(`Only modes L (1 channel) and RGB (3 channels) are supported here, got ${c} channels`);
  // torchvision: pic.mul(255).byte() for floats, which truncates toward zero.
  t = t.is_floating_point() ? t.detach().mul(255).trunc() : t.detach().to(torch.float32);
  const [, h, w] = t.shape;
  const v = t.contiguous().reshape(-1).tolist() as number[];
  const data = new Uint8Array(c * h * w);
  for (let k = 0; k < c; k++) for (let i = 0; i < h * w; i++) data[i * c + k] = ((v[k * h * w + i] % 256) + 256) % 256;
  return new Image(m, [w, h], data);
}

/** The largest value of an integer dtype (torchvision's _max_value), as a float. */
function maxValue(dtype: DType): number {
  switch (dtype.name as string) {
    case "uint8": return 255;
    case "int8": return 127;
    case "int16": return 32767;
    case "int32": return 2147483647;
    case "int64": return 9223372036854775807;
    case "bool": return 1;
    default: return 1;
  }
}

/** torchvision's convert_image_dtype: floats in [0, 1] and integers in [0, max] of their dtype. */
export function convert_image_dtype(image: Tensor, dtype: DType = torch.float32): Tensor {
  checkTensorImage(image);
  if (image.dtype === dtype) return image;
  const fromFloat = image.is_floating_point();
  const toFloat = dtype.is_floating_point;
  if (fromFloat) {
    if (toFloat) return image.to(dtype);
    if ((image.dtype === torch.float32 && ((dtype.name as string) === "int32" || dtype.name === "int64")) || (image.dtype === torch.float64 && dtype.name === "int64")) {
      throw new RuntimeError(`The cast from torch.${image.dtype.name} to torch.${dtype.name} cannot be performed safely.`);
    }
    // Multiplying by max + 1 - eps keeps 1.0 at max and spreads the other values evenly.
    const eps = 1e-3;
    return image.mul(maxValue(dtype) + 1.0 - eps).to(dtype);
  }
  const inMax = maxValue(image.dtype);
  if (toFloat) return image.to(dtype).div(inMax);
  const outMax = maxValue(dtype);
  if (inMax > outMax) {
    const factor = Math.floor((inMax + 1) / (outMax + 1));
    return torch.div(image, factor, { rounding_mode: "floor" }).to(dtype);
  }
  const factor = Math.floor((outMax + 1) / (inMax + 1));
  return image.to(dtype).mul(factor);
}

/** torchvision's normalize: (x - mean) / std per channel of a float [..., C, H, W] tensor. */
export function normalize(tensor: unknown, mean: number | readonly number[], std: number | readonly number[], inplace = false): Tensor {
  checkTensorImage(tensor);
  if (!tensor.is_floating_point()) throw new TypeError_(`Input tensor should be a float tensor. Got torch.${tensor.dtype.name}.`);
  if (tensor.dim() < 3) {
    throw new ValueError(`Expected tensor to be a tensor image of size (..., C, H, W). Got tensor.size() = torch.Size([${tensor.shape.join(", ")}])`);
  }
  const dtype = tensor.dtype;
  let m = torch.as_tensor(mean as number[], { dtype });
  let s = torch.as_tensor(std as number[], { dtype });
  if (s.eq(0).any().item()) throw new ValueError(`std evaluated to zero after conversion to torch.${dtype.name}, leading to division by zero.`);
  if (m.dim() === 1) m = m.view(-1, 1, 1);
  if (s.dim() === 1) s = s.view(-1, 1, 1);
  const t = inplace ? tensor : tensor.clone();
  return t.sub_(m).div_(s);
}

/** torchvision's _compute_resized_output_size: an int (or [int]) sets the smaller edge. */
function resizedOutputSize(h: number, w: number, size: number | readonly number[], maxSize: number | null | undefined): [number, number] {
  const sizes = typeof size === "number" ? [size] : size;
  if (sizes.length === 1) {
    const [short, long] = w <= h ? [w, h] : [h, w];
    const requested = sizes[0];
    let newShort = requested;
    let newLong = Math.trunc((requested * long) / short);
    if (maxSize !== undefined && maxSize !== null) {
      if (maxSize <= requested) {
        throw new ValueError(`max_size = ${maxSize} must be strictly greater than the requested size for the smaller edge size = ${JSON.stringify(sizes).replace(/,/g, ", ")}`);
      }
      if (newLong > maxSize) {
        newShort = Math.trunc((maxSize * newShort) / newLong);
        newLong = maxSize;
      }
    }
    return w <= h ? [newLong, newShort] : [newShort, newLong];
  }
  return [sizes[0], sizes[1]];
}

function checkSize(size: unknown, fn: string): asserts size is number | number[] {
  const ok = (v: unknown) => typeof v === "number" && Number.isInteger(v);
  if (!(ok(size) || (Array.isArray(size) && size.every(ok)))) throw new TypeError_(`${fn}: Size should be int or sequence. Got ${typeName(size)}`);
  if (Array.isArray(size) && size.length !== 1 && size.length !== 2) {
    throw new ValueError(`If size is a sequence, it should have 1 or 2 values`);
  }
}

const INTERPOLATIONS: readonly string[] = Object.values(InterpolationMode);

/**
 * resize(img, size, interpolation="bilinear", max_size=null, antialias=null), torchvision 0.14: on tensors
 * antialias=None means False, and F.interpolate runs in float (integer images are rounded back).
 */
export function resize(
  img: ImageLike,
  size: number | readonly number[],
  interpolation: InterpolationModeValue = "bilinear",
  max_size: number | null = null,
  antialias: boolean | null = null,
): ImageLike {
  checkImage(img);
  if (!INTERPOLATIONS.includes(interpolation)) throw new TypeError_("Argument interpolation should be a InterpolationMode");
  checkSize(size, "resize");
  if (Array.isArray(size) && size.length !== 1 && max_size !== null && max_size !== undefined) {
    throw new ValueError(
      `max_size should only be passed if size specifies the length of the smaller edge, i.e. size should be an int or a sequence of length 1 in torchscript mode.`,
    );
  }
  const [, h, w] = get_dimensions(img);
  const out = resizedOutputSize(h, w, size, max_size);
  if (out[0] === h && out[1] === w) return img;
  if (antialias && interpolation !== "bilinear" && interpolation !== "bicubic") {
    throw new ValueError("Antialias option is supported for bilinear and bicubic interpolation modes only");
  }
  // A PIL image is resized by PIL's own filters (always antialiased), as torchvision does.
  if (isImage(img)) return pilResize(img, out[0], out[1], interpolation === "nearest-exact" ? "nearest" : interpolation);
  return viaTensor(img, (t) => {
    assertImageTensor(t);
    const squeeze = t.dim() < 4;
    let x = squeeze ? t.unsqueeze(0) : t;
    const outDtype = x.dtype;
    const cast = outDtype !== torch.float32 && outDtype !== torch.float64;
    if (cast) x = x.to(torch.float32);
    const alignCorners = interpolation === "bilinear" || interpolation === "bicubic" ? false : null;
    x = NF.interpolate(x, { size: out, mode: interpolation, align_corners: alignCorners, antialias: antialias ?? false });
    if (interpolation === "bicubic" && outDtype.name === "uint8") x = x.clamp(0, 255);
    if (squeeze) x = x.squeeze(0);
    if (cast) x = (outDtype.is_floating_point ? x : torch.round(x)).to(outDtype);
    return x;
  });
}

/** Rows top..top+height, columns left..left+width; outside the image is zero (torchvision's crop). */
export function crop(img: ImageLike, top: number, left: number, height: number, width: number): ImageLike {
  checkImage(img);
  return viaTensor(img, (t) => {
    assertImageTensor(t);
    const [, h, w] = get_dimensions(t);
    const right = left + width;
    const bottom = top + height;
    const n = t.dim();
    const slice = (x: Tensor, t0: number, b: number, l: number, r: number) => {
      const rows = Math.max(0, Math.min(b, h) - t0);
      const cols = Math.max(0, Math.min(r, w) - l);
      return x.narrow(n - 2, Math.min(t0, h), rows).narrow(n - 1, Math.min(l, w), cols);
    };
    if (left < 0 || top < 0 || right > w || bottom > h) {
      const ltrb = [Math.max(-left + Math.min(0, right), 0), Math.max(-top + Math.min(0, bottom), 0), Math.max(right - Math.max(w, left), 0), Math.max(bottom - Math.max(h, top), 0)];
      return pad(slice(t, Math.max(top, 0), bottom, Math.max(left, 0), right), ltrb, 0) as Tensor;
    }
    return slice(t, top, bottom, left, right);
  });
}

function pairSize(size: number | readonly number[], fn: string): [number, number] {
  if (typeof size === "number") return [Math.trunc(size), Math.trunc(size)];
  if (Array.isArray(size) && size.length === 1) return [size[0], size[0]];
  if (Array.isArray(size) && size.length === 2) return [size[0], size[1]];
  throw new ValueError(`${fn}: Please provide only two dimensions (h, w) for size.`);
}

/** Python's round(): halves go to the even neighbour. */
export function pyRound(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** The centre crop of output_size; zero-padded first when the crop is larger (torchvision's center_crop). */
export function center_crop(img: ImageLike, output_size: number | readonly number[]): ImageLike {
  checkImage(img);
  const [ch, cw] = pairSize(output_size, "center_crop");
  let [, h, w] = get_dimensions(img);
  let x = img;
  if (cw > w || ch > h) {
    const ltrb = [cw > w ? Math.floor((cw - w) / 2) : 0, ch > h ? Math.floor((ch - h) / 2) : 0, cw > w ? Math.floor((cw - w + 1) / 2) : 0, ch > h ? Math.floor((ch - h + 1) / 2) : 0];
    x = pad(x, ltrb, 0);
    [, h, w] = get_dimensions(x);
    if (cw === w && ch === h) return x;
  }
  return crop(x, pyRound((h - ch) / 2), pyRound((w - cw) / 2), ch, cw);
}

/** crop, then resize to size (torchvision's resized_crop). */
export function resized_crop(
  img: ImageLike, top: number, left: number, height: number, width: number, size: number | readonly number[],
  interpolation: InterpolationModeValue = "bilinear", antialias: boolean | null = null,
): ImageLike {
  checkImage(img);
  return resize(crop(img, top, left, height, width), size, interpolation, null, antialias);
}

export function hflip(img: ImageLike): ImageLike {
  checkImage(img);
  return viaTensor(img, (t) => (assertImageTensor(t), t.flip([-1])));
}

export function vflip(img: ImageLike): ImageLike {
  checkImage(img);
  return viaTensor(img, (t) => (assertImageTensor(t), t.flip([-2])));
}

/** torchvision's _parse_pad_padding: [left, right, top, bottom] from an int or 1, 2 or 4 values. */
function parsePadding(padding: number | readonly number[]): [number, number, number, number] {
  if (typeof padding === "number") return [padding, padding, padding, padding];
  if (padding.length === 1) return [padding[0], padding[0], padding[0], padding[0]];
  if (padding.length === 2) return [padding[0], padding[0], padding[1], padding[1]];
  return [padding[0], padding[2], padding[1], padding[3]];
}

/** Symmetric padding (the edge pixel repeated), torchvision's _pad_symmetric: an index_select per side. */
function padSymmetric(t: Tensor, [left, right, top, bottom]: [number, number, number, number]): Tensor {
  const indices = (size: number, before: number, after: number) => {
    const idx: number[] = [];
    for (let o = -before; o < size + after; o++) {
      let i = o;
      // Reflect about the edges including the edge pixel, as many times as needed.
      const period = 2 * size;
      i = ((i % period) + period) % period;
      idx.push(i < size ? i : period - 1 - i);
    }
    return torch.tensor(idx, { dtype: torch.int64 });
  };
  const n = t.dim();
  const [h, w] = [t.shape[n - 2], t.shape[n - 1]];
  return t.index_select(n - 2, indices(h, top, bottom)).index_select(n - 1, indices(w, left, right));
}

/** pad(img, padding, fill=0, padding_mode="constant"); padding is an int, [lr, tb] or [l, t, r, b]. */
export function pad(img: ImageLike, padding: number | readonly number[], fill: number | null = 0, padding_mode: PaddingMode = "constant"): ImageLike {
  checkImage(img);
  if (!(typeof padding === "number" || Array.isArray(padding))) throw new TypeError_("Got inappropriate padding arg");
  if (fill !== null && typeof fill !== "number") throw new TypeError_("Got inappropriate fill arg");
  if (typeof padding_mode !== "string") throw new TypeError_("Got inappropriate padding_mode arg");
  if (Array.isArray(padding) && ![1, 2, 4].includes(padding.length)) {
    throw new ValueError(`Padding must be an int or a 1, 2, or 4 element tuple, not a ${padding.length} element tuple`);
  }
  if (!["constant", "edge", "reflect", "symmetric"].includes(padding_mode)) throw new ValueError("Padding mode should be either constant, edge, reflect or symmetric");
  const p = parsePadding(padding);
  return viaTensor(img, (t) => {
    assertImageTensor(t);
    if (padding_mode === "symmetric") return padSymmetric(t, p);
    const squeeze = t.dim() < 4;
    let x = squeeze ? t.unsqueeze(0) : t;
    const outDtype = x.dtype;
    const cast = padding_mode !== "constant" && !x.is_floating_point();
    if (cast) x = x.to(torch.float32);
    x = padding_mode === "constant" ? NF.pad(x, p, "constant", fill ?? 0) : NF.pad(x, p, padding_mode === "edge" ? "replicate" : "reflect");
    if (squeeze) x = x.squeeze(0);
    return cast ? x.to(outDtype) : x;
  });
}

/** rgb_to_grayscale(img, num_output_channels=1): 0.2989 R + 0.587 G + 0.114 B (torchvision's tensor formula). */
export function rgb_to_grayscale(img: ImageLike, num_output_channels = 1): ImageLike {
  checkImage(img);
  if (num_output_channels !== 1 && num_output_channels !== 3) throw new ValueError("num_output_channels should be either 1 or 3");
  if (isImage(img)) {
    // PIL's convert("L"): L = (R*299 + G*587 + B*114) / 1000, rounded (its integer formula).
    const gray = new Uint8Array(img.width * img.height);
    const c = img.channels;
    for (let i = 0; i < gray.length; i++) {
      gray[i] = c === 1 ? img.data[i] : Math.floor((img.data[i * 3] * 19595 + img.data[i * 3 + 1] * 38470 + img.data[i * 3 + 2] * 7471 + 0x8000) / 65536);
    }
    const L = new Image("L", [img.width, img.height], gray);
    if (num_output_channels === 1) return L;
    const rgb = new Uint8Array(gray.length * 3);
    for (let i = 0; i < gray.length; i++) rgb[i * 3] = rgb[i * 3 + 1] = rgb[i * 3 + 2] = gray[i];
    return new Image("RGB", [img.width, img.height], rgb);
  }
  if (img.dim() < 3) throw new TypeError_(`Input image tensor should have at least 3 dimensions, but found ${img.dim()}`);
  const c = img.shape[img.dim() - 3];
  if (c !== 1 && c !== 3) throw new TypeError_(`Input image tensor permitted channel values are [1, 3], but found ${c}`);
  let l: Tensor;
  if (c === 3) {
    const [r, g, b] = img.unbind(-3);
    l = r.mul(0.2989).add(g.mul(0.587)).add(b.mul(0.114)).to(img.dtype).unsqueeze(-3);
  } else {
    l = img.clone();
  }
  return num_output_channels === 3 ? l.expand(...img.shape) : l;
}

/** Erases img[..., i:i+h, j:j+w] with v (a tensor broadcast to the patch), in place or on a copy. */
export function erase(img: unknown, i: number, j: number, h: number, w: number, v: Tensor, inplace = false): Tensor {
  checkTensorImage(img);
  assertImageTensor(img);
  const out = inplace ? img : img.clone();
  const n = out.dim();
  out.narrow(n - 2, i, h).narrow(n - 1, j, w).copy_(v.expand(...out.narrow(n - 2, i, h).narrow(n - 1, j, w).shape));
  return out;
}

function gaussianKernel1d(size: number, sigma: number): Tensor {
  const half = (size - 1) * 0.5;
  const x = torch.linspace(-half, half, size);
  const pdf = torch.exp(x.div(sigma).pow(2).mul(-0.5));
  return pdf.div(pdf.sum());
}

/** gaussian_blur(img, kernel_size, sigma=null): a depthwise conv2d after reflect padding (torchvision's). */
export function gaussian_blur(img: ImageLike, kernel_size: number | readonly number[], sigma: number | readonly number[] | null = null): ImageLike {
  checkImage(img);
  if (!(typeof kernel_size === "number" || Array.isArray(kernel_size))) throw new TypeError_(`kernel_size should be int or a sequence of integers. Got ${typeName(kernel_size)}`);
  const ks = typeof kernel_size === "number" ? [kernel_size, kernel_size] : kernel_size.length === 1 ? [kernel_size[0], kernel_size[0]] : [...kernel_size];
  if (ks.length !== 2) throw new ValueError(`If kernel_size is a sequence its length should be 2. Got ${ks.length}`);
  for (const k of ks) if (k % 2 === 0 || k < 0) throw new ValueError(`kernel_size should have odd and positive integers. Got ${JSON.stringify(ks).replace(/,/g, ", ")}`);
  // torchvision: no sigma means ksize * 0.15 + 0.35 per direction.
  const sg = sigma === null ? ks.map((k) => k * 0.15 + 0.35) : typeof sigma === "number" ? [sigma, sigma] : sigma.length === 1 ? [sigma[0], sigma[0]] : [...sigma];
  if (sg.length !== 2) throw new ValueError(`If sigma is a sequence, its length should be 2. Got ${sg.length}`);
  for (const s of sg) if (s <= 0) throw new ValueError(`sigma should have positive values. Got ${JSON.stringify(sg)}`);
  return viaTensor(img, (t) => {
    assertImageTensor(t);
    const dtype = t.is_floating_point() ? t.dtype : torch.float32;
    const kx = gaussianKernel1d(ks[0], sg[0]).to(dtype);
    const ky = gaussianKernel1d(ks[1], sg[1]).to(dtype);
    const c = t.shape[t.dim() - 3];
    const kernel = torch.mm(ky.unsqueeze(1), kx.unsqueeze(0)).expand(c, 1, ks[1], ks[0]);
    const squeeze = t.dim() < 4;
    let x = squeeze ? t.unsqueeze(0) : t;
    const outDtype = x.dtype;
    const cast = outDtype !== dtype;
    if (cast) x = x.to(dtype);
    x = NF.pad(x, [Math.floor(ks[0] / 2), Math.floor(ks[0] / 2), Math.floor(ks[1] / 2), Math.floor(ks[1] / 2)], "reflect");
    x = NF.conv2d(x, kernel, null, 1, 0, 1, c);
    if (squeeze) x = x.squeeze(0);
    if (cast) x = torch.round(x).to(outDtype);
    return x;
  });
}

/** five_crop(img, size): the four corners and the centre, as torchvision's (tl, tr, bl, br, center). */
export function five_crop(img: ImageLike, size: number | readonly number[]): ImageLike[] {
  checkImage(img);
  const [ch, cw] = pairSize(size, "five_crop");
  const [, h, w] = get_dimensions(img);
  if (cw > w || ch > h) throw new ValueError(`Requested crop size (${ch}, ${cw}) is bigger than input size (${h}, ${w})`);
  return [crop(img, 0, 0, ch, cw), crop(img, 0, w - cw, ch, cw), crop(img, h - ch, 0, ch, cw), crop(img, h - ch, w - cw, ch, cw), center_crop(img, [ch, cw])];
}

/** ten_crop(img, size, vertical_flip=False): five_crop of the image and of its (horizontal or vertical) flip. */
export function ten_crop(img: ImageLike, size: number | readonly number[], vertical_flip = false): ImageLike[] {
  checkImage(img);
  return [...five_crop(img, size), ...five_crop(vertical_flip ? vflip(img) : hflip(img), size)];
}

/** invert(img): max - img (1.0 for floats, 255 for uint8). */
export function invert(img: ImageLike): ImageLike {
  checkImage(img);
  return viaTensor(img, (t) => {
    assertImageTensor(t);
    const c = get_dimensions(t)[0];
    if (c !== 1 && c !== 3) throw new TypeError_(`Input image tensor permitted channel values are [1, 3], but found ${c}`);
    if (isImage(img)) return t.neg().add(255);
    return t.is_floating_point() ? t.neg().add(1.0) : t.neg().add(maxValue(t.dtype)).to(t.dtype);
  });
}
