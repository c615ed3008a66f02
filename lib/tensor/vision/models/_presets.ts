/**
 * torchvision.transforms._presets.ImageClassification (torchvision 0.14): what weights.transforms() returns, the
 * evaluation preprocessing that goes with a set of weights. It needs no weights itself, so it works here:
 *   const preprocess = models.ResNet50_Weights.DEFAULT.transforms();   // resize 232, crop 224, normalise
 *   const batch = preprocess(img).unsqueeze(0);
 */
import { parseArgs } from "../../args";
import { TypeError_ } from "../../errors";
import { Module } from "../../nn/module";
import { float32 } from "../../dtype";
import { Tensor } from "../../tensor";
import { center_crop, convert_image_dtype, normalize, pil_to_tensor, resize, type ImageLike, type InterpolationModeValue } from "../functional";

export interface ImageClassificationOptions {
  crop_size?: number;
  resize_size?: number;
  mean?: readonly number[];
  std?: readonly number[];
  interpolation?: InterpolationModeValue;
}

const MODE_NAMES: Record<string, string> = { nearest: "NEAREST", "nearest-exact": "NEAREST_EXACT", bilinear: "BILINEAR", bicubic: "BICUBIC" };

function pyFloats(v: readonly number[]): string {
  return `[${v.map((x) => (Number.isInteger(x) ? `${x}.0` : String(x))).join(", ")}]`;
}

/** new ImageClassification({ crop_size, resize_size=256, mean=ImageNet's, std=ImageNet's, interpolation="bilinear" }) (keyword-only, as torchvision). */
export class ImageClassification extends Module {
  static override readonly __name__ = "ImageClassification";
  declare crop_size: number[];
  declare resize_size: number[];
  declare mean: number[];
  declare std: number[];
  declare interpolation: InterpolationModeValue;

  constructor(options: ImageClassificationOptions) {
    super();
    const o = parseArgs<ImageClassificationOptions>("ImageClassification", ["crop_size", "resize_size", "mean", "std", "interpolation"], [options]);
    if (o.crop_size === undefined) throw new TypeError_("ImageClassification.__init__() missing 1 required keyword-only argument: 'crop_size'");
    this.crop_size = [o.crop_size];
    this.resize_size = [o.resize_size ?? 256];
    this.mean = [...(o.mean ?? [0.485, 0.456, 0.406])];
    this.std = [...(o.std ?? [0.229, 0.224, 0.225])];
    this.interpolation = o.interpolation ?? "bilinear";
  }

  override forward(img: ImageLike): Tensor {
    let x = resize(img, this.resize_size, this.interpolation);
    x = center_crop(x, this.crop_size);
    const t = x instanceof Tensor ? x : pil_to_tensor(x);
    return normalize(convert_image_dtype(t, float32), this.mean, this.std);
  }

  override toString(): string {
    return (
      `ImageClassification(\n    crop_size=[${this.crop_size.join(", ")}]\n    resize_size=[${this.resize_size.join(", ")}]` +
      `\n    mean=${pyFloats(this.mean)}\n    std=${pyFloats(this.std)}\n    interpolation=InterpolationMode.${MODE_NAMES[this.interpolation]}\n)`
    );
  }

  describe(): string {
    const mode = `InterpolationMode.${MODE_NAMES[this.interpolation]}`;
    return (
      "Accepts ``PIL.Image``, batched ``(B, C, H, W)`` and single ``(C, H, W)`` image ``torch.Tensor`` objects. " +
      `The images are resized to \`\`resize_size=[${this.resize_size.join(", ")}]\`\` using \`\`interpolation=${mode}\`\`, ` +
      `followed by a central crop of \`\`crop_size=[${this.crop_size.join(", ")}]\`\`. Finally the values are first rescaled to ` +
      `\`\`[0.0, 1.0]\`\` and then normalized using \`\`mean=${pyFloats(this.mean)}\`\` and \`\`std=${pyFloats(this.std)}\`\`.`
    );
  }
}
