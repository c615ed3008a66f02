/**
 * torchvision for the engine (torchvision 0.14.1, which goes with torch 1.13):
 *
 *   import { torchvision } from "@/lib/tensor";
 *   const { transforms, datasets } = torchvision;
 *   const transform = new transforms.Compose([new transforms.ToTensor(), new transforms.Normalize([0.5], [0.5])]);
 *   const train = await datasets.MNIST("data", { train: true, download: true, transform });
 *
 * transforms   the v1 transform classes (./transforms.ts) and transforms.functional (./functional.ts,
 *              F-style: positional arguments in torchvision's order or a trailing options object)
 * datasets     MNIST (the official digits, served by the host); FashionMNIST, CIFAR10/100, ImageFolder, ...
 *              raise (no offline data)
 * Image        the engine's stand-in for a PIL image (./image.ts), resized as PIL does (./pil_resize.ts)
 * utils        make_grid (save_image raises: no files)
 * models       resnet18 ... resnet152, resnext, wide_resnet, vgg11 ... vgg19_bn, alexnet, mobilenet_v2, squeezenet1_0/1_1,
 *              get_model / list_models (./models/index.ts; no pretrained weights: nothing is downloaded)
 * ops          box_area, box_iou, generalized_box_iou, box_convert, nms, batched_nms, clip_boxes_to_image,
 *              remove_small_boxes (./ops.ts), and the ops layers the models use
 * Not here: PIL itself, io, the other ops (roi_align, deform_conv2d, ...), other datasets, the v2 transforms, perspective and
 * auto-augment (docs/authoring.md). rotate / affine / RandomRotation / RandomAffine: ./geometry.ts;
 * adjust_* and ColorJitter: ./color.ts.
 */
import { parseArgs, type PyArgs } from "../args";
import { TypeError_ } from "../errors";
import type { Tensor } from "../tensor";
import type { DType } from "../dtype";
import type { ImageLike } from "./functional";
import type { ImageMode } from "./image";
import * as T from "./transforms";
import * as VF from "./functional";
import * as G from "./geometry";
import * as C from "./color";
import { make_grid, save_image } from "./utils";
import { MNIST, FashionMNIST, MNISTDataset, unavailableDatasets } from "./datasets";
import { Image, frombytes, isImage } from "./image";
import { models } from "./models/index";
import { ops } from "./ops";

type Fn = (img: never, ...rest: never[]) => unknown;
type Size = number | readonly number[];
type Mode = VF.InterpolationModeValue;

/**
 * A functional transform that also takes its trailing arguments as an options object:
 * resize(img, 32, { antialias: false }) is resize(img, 32, "bilinear", null, false).
 * The first `required` names must be given (Python's TypeError when one is missing).
 */
function withOptions<F>(name: string, names: readonly string[], fn: Fn, required = 0): F {
  const wrapped = (img: unknown, ...args: unknown[]) => {
    const a = parseArgs<Record<string, unknown>>(name, names, args);
    const missing = names.slice(0, required).filter((n) => a[n] === undefined);
    if (missing.length > 0) {
      throw new TypeError_(`${name}() missing ${missing.length} required positional argument${missing.length > 1 ? "s" : ""}: ${missing.map((n) => `'${n}'`).join(missing.length === 2 ? " and " : ", ")}`);
    }
    return (fn as unknown as (...v: unknown[]) => unknown)(img, ...names.map((n) => a[n]));
  };
  Object.defineProperty(wrapped, "name", { value: name });
  return wrapped as unknown as F;
}

type ResizeArgs = PyArgs<[size: Size, interpolation?: Mode, max_size?: number | null, antialias?: boolean | null], { size?: Size; interpolation?: Mode; max_size?: number | null; antialias?: boolean | null }>;
type PadArgs = PyArgs<[padding: Size, fill?: number | null, padding_mode?: VF.PaddingMode], { padding?: Size; fill?: number | null; padding_mode?: VF.PaddingMode }>;
type CropArgs = PyArgs<[top: number, left: number, height: number, width: number], { top?: number; left?: number; height?: number; width?: number }>;
type ResizedCropArgs = PyArgs<
  [top: number, left: number, height: number, width: number, size: Size, interpolation?: Mode, antialias?: boolean | null],
  { top?: number; left?: number; height?: number; width?: number; size?: Size; interpolation?: Mode; antialias?: boolean | null }
>;
type NormalizeArgs = PyArgs<[mean: number | readonly number[], std: number | readonly number[], inplace?: boolean], { mean?: number | readonly number[]; std?: number | readonly number[]; inplace?: boolean }>;
type GrayArgs = PyArgs<[num_output_channels?: number], { num_output_channels?: number }>;
type EraseArgs = PyArgs<[i: number, j: number, h: number, w: number, v: Tensor, inplace?: boolean], { i?: number; j?: number; h?: number; w?: number; v?: Tensor; inplace?: boolean }>;
type RotateArgs = PyArgs<
  [angle: number, interpolation?: "nearest" | "bilinear", expand?: boolean, center?: readonly number[] | null, fill?: number | readonly number[] | null],
  { angle?: number; interpolation?: "nearest" | "bilinear"; expand?: boolean; center?: readonly number[] | null; fill?: number | readonly number[] | null }
>;
type AffineArgs = PyArgs<
  [angle: number, translate: readonly number[], scale: number, shear: number | readonly number[], interpolation?: "nearest" | "bilinear", fill?: number | readonly number[] | null, center?: readonly number[] | null],
  { angle?: number; translate?: readonly number[]; scale?: number; shear?: number | readonly number[]; interpolation?: "nearest" | "bilinear"; fill?: number | readonly number[] | null; center?: readonly number[] | null }
>;
type BlurArgs = PyArgs<[kernel_size: Size, sigma?: number | readonly number[] | null], { kernel_size?: Size; sigma?: number | readonly number[] | null }>;

export const functional = {
  InterpolationMode: VF.InterpolationMode,
  get_dimensions: VF.get_dimensions,
  get_image_size: VF.get_image_size,
  get_image_num_channels: VF.get_image_num_channels,
  to_tensor: VF.to_tensor,
  pil_to_tensor: VF.pil_to_tensor,
  to_pil_image: withOptions<(pic: unknown, ...args: PyArgs<[mode?: ImageMode], { mode?: ImageMode }>) => Image>("to_pil_image", ["mode"], VF.to_pil_image),
  convert_image_dtype: withOptions<(image: Tensor, ...args: PyArgs<[dtype?: DType], { dtype?: DType }>) => Tensor>("convert_image_dtype", ["dtype"], VF.convert_image_dtype),
  normalize: withOptions<(tensor: Tensor, ...args: NormalizeArgs) => Tensor>("normalize", ["mean", "std", "inplace"], VF.normalize),
  resize: withOptions<(img: ImageLike, ...args: ResizeArgs) => ImageLike>("resize", ["size", "interpolation", "max_size", "antialias"], VF.resize),
  crop: withOptions<(img: ImageLike, ...args: CropArgs) => ImageLike>("crop", ["top", "left", "height", "width"], VF.crop),
  center_crop: withOptions<(img: ImageLike, ...args: PyArgs<[output_size: Size], { output_size?: Size }>) => ImageLike>("center_crop", ["output_size"], VF.center_crop),
  resized_crop: withOptions<(img: ImageLike, ...args: ResizedCropArgs) => ImageLike>(
    "resized_crop",
    ["top", "left", "height", "width", "size", "interpolation", "antialias"],
    VF.resized_crop,
  ),
  hflip: VF.hflip,
  vflip: VF.vflip,
  pad: withOptions<(img: ImageLike, ...args: PadArgs) => ImageLike>("pad", ["padding", "fill", "padding_mode"], VF.pad),
  rgb_to_grayscale: withOptions<(img: ImageLike, ...args: GrayArgs) => ImageLike>("rgb_to_grayscale", ["num_output_channels"], VF.rgb_to_grayscale),
  to_grayscale: withOptions<(img: ImageLike, ...args: GrayArgs) => ImageLike>("to_grayscale", ["num_output_channels"], VF.rgb_to_grayscale),
  erase: withOptions<(img: Tensor, ...args: EraseArgs) => Tensor>("erase", ["i", "j", "h", "w", "v", "inplace"], VF.erase),
  gaussian_blur: withOptions<(img: ImageLike, ...args: BlurArgs) => ImageLike>("gaussian_blur", ["kernel_size", "sigma"], VF.gaussian_blur),
  // transforms.functional.adjust_contrast(img, contrast_factor=2) (Raschka's ch14) as well as positionally
  adjust_brightness: withOptions<(img: ImageLike, ...args: PyArgs<[brightness_factor: number], { brightness_factor?: number }>) => ImageLike>("adjust_brightness", ["brightness_factor"], C.adjust_brightness, 1),
  adjust_contrast: withOptions<(img: ImageLike, ...args: PyArgs<[contrast_factor: number], { contrast_factor?: number }>) => ImageLike>("adjust_contrast", ["contrast_factor"], C.adjust_contrast, 1),
  adjust_saturation: withOptions<(img: ImageLike, ...args: PyArgs<[saturation_factor: number], { saturation_factor?: number }>) => ImageLike>("adjust_saturation", ["saturation_factor"], C.adjust_saturation, 1),
  adjust_hue: withOptions<(img: ImageLike, ...args: PyArgs<[hue_factor: number], { hue_factor?: number }>) => ImageLike>("adjust_hue", ["hue_factor"], C.adjust_hue, 1),
  adjust_sharpness: withOptions<(img: ImageLike, ...args: PyArgs<[sharpness_factor: number], { sharpness_factor?: number }>) => ImageLike>("adjust_sharpness", ["sharpness_factor"], C.adjust_sharpness, 1),
  autocontrast: C.autocontrast,
  solarize: withOptions<(img: ImageLike, ...args: PyArgs<[threshold: number], { threshold?: number }>) => ImageLike>("solarize", ["threshold"], C.solarize, 1),
  five_crop: withOptions<(img: ImageLike, ...args: PyArgs<[size: Size], { size?: Size }>) => ImageLike[]>("five_crop", ["size"], VF.five_crop, 1),
  ten_crop: withOptions<(img: ImageLike, ...args: PyArgs<[size: Size, vertical_flip?: boolean], { size?: Size; vertical_flip?: boolean }>) => ImageLike[]>("ten_crop", ["size", "vertical_flip"], VF.ten_crop),
  invert: VF.invert,
  rotate: withOptions<(img: ImageLike, ...args: RotateArgs) => ImageLike>("rotate", ["angle", "interpolation", "expand", "center", "fill"], G.rotate),
  affine: withOptions<(img: ImageLike, ...args: AffineArgs) => ImageLike>("affine", ["angle", "translate", "scale", "shear", "interpolation", "fill", "center"], G.affine),
};

export const transforms = {
  Compose: T.Compose,
  ToTensor: T.ToTensor,
  PILToTensor: T.PILToTensor,
  ToPILImage: T.ToPILImage,
  ConvertImageDtype: T.ConvertImageDtype,
  Normalize: T.Normalize,
  Lambda: T.Lambda,
  Resize: T.Resize,
  CenterCrop: T.CenterCrop,
  Pad: T.Pad,
  RandomCrop: T.RandomCrop,
  RandomHorizontalFlip: T.RandomHorizontalFlip,
  RandomVerticalFlip: T.RandomVerticalFlip,
  RandomResizedCrop: T.RandomResizedCrop,
  Grayscale: T.Grayscale,
  RandomGrayscale: T.RandomGrayscale,
  RandomApply: T.RandomApply,
  RandomChoice: T.RandomChoice,
  RandomOrder: T.RandomOrder,
  RandomErasing: T.RandomErasing,
  GaussianBlur: T.GaussianBlur,
  RandomRotation: G.RandomRotation,
  FiveCrop: T.FiveCrop,
  TenCrop: T.TenCrop,
  RandomInvert: T.RandomInvert,
  ColorJitter: C.ColorJitter,
  RandomAdjustSharpness: C.RandomAdjustSharpness,
  RandomAutocontrast: C.RandomAutocontrast,
  RandomSolarize: C.RandomSolarize,
  RandomAffine: G.RandomAffine,
  InterpolationMode: VF.InterpolationMode,
  functional,
};

export const datasets = { MNIST, FashionMNIST, MNISTDataset, ...unavailableDatasets };

export const utils = { make_grid, save_image };

export const torchvision = { transforms, datasets, utils, models, ops, Image, frombytes, isImage, __version__: "0.14.1" };
export { Image };
