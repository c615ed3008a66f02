/**
 * torchvision.ops' box utilities, as torchvision 0.14.1 (ops/boxes.py and the CPU nms kernel):
 *
 *   box_area(boxes)                                 (x2 - x1) * (y2 - y1) of [N, 4] (x1, y1, x2, y2) boxes
 *   box_iou(boxes1, boxes2)                         [N, M] intersection over union
 *   generalized_box_iou(boxes1, boxes2)             [N, M] GIoU (boxes1 and boxes2 must be well formed)
 *   box_convert(boxes, in_fmt, out_fmt)             between 'xyxy', 'xywh' and 'cxcywh'
 *   nms(boxes, scores, iou_threshold)               int64 indices of the kept boxes, by decreasing score;
 *                                                   a box is dropped when its IoU with a kept one is > iou_threshold
 *   batched_nms(boxes, scores, idxs, iou_threshold) nms within each category of idxs (the coordinate-offset trick)
 *   clip_boxes_to_image(boxes, size)                x into [0, width], y into [0, height] for size = (height, width)
 *   remove_small_boxes(boxes, min_size)             int64 indices of the boxes whose sides are both >= min_size
 *
 * box_area / box_iou / generalized_box_iou / box_convert / clip_boxes_to_image are tensor expressions
 * (differentiable, as torchvision's); nms / batched_nms / remove_small_boxes return indices. Every
 * function takes its arguments positionally or as a trailing options object (unknown keywords raise).
 * Also here: the ops layers the models use (StochasticDepth / stochastic_depth, SqueezeExcitation,
 * Conv2dNormActivation), and sigmoid_focal_loss (RetinaNet's loss, which segmentation code uses on per-pixel logits).
 * Not here: roi_align / roi_pool, deform_conv2d, the IoU losses, FeaturePyramidNetwork.
 */
import { parseArgsRequired, type PyArgs } from "../args";
import { int64 } from "../dtype";
import { RuntimeError, ValueError } from "../errors";
import { binary_cross_entropy_with_logits } from "../nn/functional/loss";
import type { Tensor } from "../tensor";
import { torchCore as torch } from "../torch";
import { stochastic_depth, StochasticDepth } from "./models/efficientnet";
import { SqueezeExcitation } from "./models/mobilenetv3";
import { Conv2dNormActivation } from "./models/mobilenetv2";

type Fmt = "xyxy" | "xywh" | "cxcywh";

/** Float boxes of a half type go to float32, integer ones other than int32 / int64 to int32 (torchvision's _upcast). */
function upcast(t: Tensor): Tensor {
  if (t.dtype.is_floating_point) return t.dtype === torch.float32 || t.dtype === torch.float64 ? t : t.float();
  return t.dtype === torch.int32 || t.dtype === torch.int64 ? t : t.int();
}

const col = (boxes: Tensor, i: number): Tensor => boxes.index(":", i);

/** torchvision.ops.box_area(boxes) */
export function box_area(...args: PyArgs<[boxes?: Tensor], { boxes?: Tensor }>): Tensor {
  const { boxes } = parseArgsRequired<{ boxes: Tensor }>("box_area", ["boxes"], 1, args) as { boxes: Tensor };
  const b = upcast(boxes);
  return col(b, 2).sub(col(b, 0)).mul(col(b, 3).sub(col(b, 1)));
}

function interUnion(boxes1: Tensor, boxes2: Tensor): [Tensor, Tensor] {
  const area1 = box_area(boxes1);
  const area2 = box_area(boxes2);
  const lt = torch.max(boxes1.index(":", "None", ":2"), boxes2.index(":", ":2"));
  const rb = torch.min(boxes1.index(":", "None", "2:"), boxes2.index(":", "2:"));
  const wh = upcast(rb.sub(lt)).clamp({ min: 0 });
  const inter = wh.index(":", ":", 0).mul(wh.index(":", ":", 1));
  const union = area1.index(":", "None").add(area2).sub(inter);
  return [inter, union];
}

type PairOptions = { boxes1?: Tensor; boxes2?: Tensor };

/** torchvision.ops.box_iou(boxes1, boxes2) -> [N, M] */
export function box_iou(...args: PyArgs<[boxes1?: Tensor, boxes2?: Tensor], PairOptions>): Tensor {
  const a = parseArgsRequired<PairOptions>("box_iou", ["boxes1", "boxes2"], 2, args) as Required<PairOptions>;
  const [inter, union] = interUnion(a.boxes1, a.boxes2);
  return inter.div(union);
}

/** torchvision.ops.generalized_box_iou(boxes1, boxes2) -> [N, M] */
export function generalized_box_iou(...args: PyArgs<[boxes1?: Tensor, boxes2?: Tensor], PairOptions>): Tensor {
  const { boxes1, boxes2 } = parseArgsRequired<PairOptions>("generalized_box_iou", ["boxes1", "boxes2"], 2, args) as Required<PairOptions>;
  const [inter, union] = interUnion(boxes1, boxes2);
  const iou = inter.div(union);
  const lti = torch.min(boxes1.index(":", "None", ":2"), boxes2.index(":", ":2"));
  const rbi = torch.max(boxes1.index(":", "None", "2:"), boxes2.index(":", "2:"));
  const whi = upcast(rbi.sub(lti)).clamp({ min: 0 });
  const areai = whi.index(":", ":", 0).mul(whi.index(":", ":", 1));
  return iou.sub(areai.sub(union).div(areai));
}

const FMTS: readonly string[] = ["xyxy", "xywh", "cxcywh"];

function toXyxy(boxes: Tensor, fmt: Fmt): Tensor {
  if (fmt === "xyxy") return boxes;
  const [a, b, c, d] = [0, 1, 2, 3].map((i) => col(boxes, i));
  if (fmt === "xywh") return torch.stack([a, b, a.add(c), b.add(d)], { dim: -1 });
  return torch.stack([a.sub(c.mul(0.5)), b.sub(d.mul(0.5)), a.add(c.mul(0.5)), b.add(d.mul(0.5))], { dim: -1 });
}

function fromXyxy(boxes: Tensor, fmt: Fmt): Tensor {
  if (fmt === "xyxy") return boxes;
  const [x1, y1, x2, y2] = [0, 1, 2, 3].map((i) => col(boxes, i));
  const [w, h] = [x2.sub(x1), y2.sub(y1)];
  if (fmt === "xywh") return torch.stack([x1, y1, w, h], { dim: -1 });
  return torch.stack([x1.add(x2).div(2), y1.add(y2).div(2), w, h], { dim: -1 });
}

type ConvertOptions = { boxes?: Tensor; in_fmt?: string; out_fmt?: string };

/** torchvision.ops.box_convert(boxes, in_fmt, out_fmt): 'xyxy' (corners), 'xywh' (corner + size), 'cxcywh' (centre + size) */
export function box_convert(...args: PyArgs<[boxes?: Tensor, in_fmt?: string, out_fmt?: string], ConvertOptions>): Tensor {
  const { boxes, in_fmt, out_fmt } = parseArgsRequired<ConvertOptions>("box_convert", ["boxes", "in_fmt", "out_fmt"], 3, args) as Required<ConvertOptions>;
  if (!FMTS.includes(in_fmt) || !FMTS.includes(out_fmt)) throw new ValueError("Unsupported Bounding Box Conversions for given in_fmt and out_fmt");
  if (in_fmt === out_fmt) return boxes.clone();
  return fromXyxy(toXyxy(boxes, in_fmt as Fmt), out_fmt as Fmt);
}

type NmsOptions = { boxes?: Tensor; scores?: Tensor; iou_threshold?: number };

function checkNms(boxes: Tensor, scores: Tensor): void {
  if (boxes.dim() !== 2) throw new RuntimeError(`boxes should be a 2d tensor, got ${boxes.dim()}D`);
  if (boxes.shape[1] !== 4) throw new RuntimeError(`boxes should have 4 elements in dimension 1, got ${boxes.shape[1]}`);
  if (scores.dim() !== 1) throw new RuntimeError(`scores should be a 1d tensor, got ${scores.dim()}D`);
  if (boxes.shape[0] !== scores.shape[0]) {
    throw new RuntimeError(`boxes and scores should have same number of elements in dimension 0, got ${boxes.shape[0]} and ${scores.shape[0]}`);
  }
  if (!boxes.dtype.is_floating_point) throw new RuntimeError(`"nms_kernel" not implemented for '${boxes.dtype === int64 ? "Long" : String(boxes.dtype)}'`);
  if (boxes.dtype !== scores.dtype) throw new RuntimeError("dets should have the same type as scores");
}

/** The CPU kernel: boxes by decreasing score (ties keep index order), each suppressing the later ones it overlaps by more than t. */
function nmsKernel(boxes: Tensor, scores: Tensor, t: number): Tensor {
  const n = boxes.shape[0];
  const b = boxes.detach().contiguous().tolist() as number[][];
  const s = scores.detach().tolist() as number[];
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => s[j] - s[i] || i - j);
  const area = b.map(([x1, y1, x2, y2]) => (x2 - x1) * (y2 - y1));
  const suppressed = new Uint8Array(n);
  const keep: number[] = [];
  for (let oi = 0; oi < n; oi++) {
    const i = order[oi];
    if (suppressed[i]) continue;
    keep.push(i);
    const [ix1, iy1, ix2, iy2] = b[i];
    for (let oj = oi + 1; oj < n; oj++) {
      const j = order[oj];
      if (suppressed[j]) continue;
      const w = Math.max(0, Math.min(ix2, b[j][2]) - Math.max(ix1, b[j][0]));
      const h = Math.max(0, Math.min(iy2, b[j][3]) - Math.max(iy1, b[j][1]));
      const inter = w * h;
      if (inter / (area[i] + area[j] - inter) > t) suppressed[j] = 1;
    }
  }
  return torch.tensor(keep, { dtype: int64 });
}

/** torchvision.ops.nms(boxes, scores, iou_threshold) -> int64 indices, by decreasing score */
export function nms(...args: PyArgs<[boxes?: Tensor, scores?: Tensor, iou_threshold?: number], NmsOptions>): Tensor {
  const { boxes, scores, iou_threshold } = parseArgsRequired<NmsOptions>("nms", ["boxes", "scores", "iou_threshold"], 3, args) as Required<NmsOptions>;
  checkNms(boxes, scores);
  return nmsKernel(boxes, scores, iou_threshold);
}

type BatchedNmsOptions = NmsOptions & { idxs?: Tensor };

/** torchvision.ops.batched_nms(boxes, scores, idxs, iou_threshold): boxes of different idxs never suppress each other */
export function batched_nms(...args: PyArgs<[boxes?: Tensor, scores?: Tensor, idxs?: Tensor, iou_threshold?: number], BatchedNmsOptions>): Tensor {
  const { boxes, scores, idxs, iou_threshold } = parseArgsRequired<BatchedNmsOptions>("batched_nms", ["boxes", "scores", "idxs", "iou_threshold"], 4, args) as Required<BatchedNmsOptions>;
  if (boxes.numel() === 0) return torch.empty([0], { dtype: int64 });
  const max_coordinate = boxes.max();
  const offsets = idxs.to(boxes.dtype).mul(max_coordinate.add(1));
  const boxes_for_nms = boxes.add(offsets.index(":", "None"));
  return nms(boxes_for_nms, scores, iou_threshold);
}

type ClipOptions = { boxes?: Tensor; size?: readonly [number, number] };

/** torchvision.ops.clip_boxes_to_image(boxes, size) with size = (height, width) */
export function clip_boxes_to_image(...args: PyArgs<[boxes?: Tensor, size?: readonly [number, number]], ClipOptions>): Tensor {
  const { boxes, size } = parseArgsRequired<ClipOptions>("clip_boxes_to_image", ["boxes", "size"], 2, args) as Required<ClipOptions>;
  const dim = boxes.dim();
  const [height, width] = size;
  const boxes_x = boxes.index("...", "0::2").clamp({ min: 0, max: width });
  const boxes_y = boxes.index("...", "1::2").clamp({ min: 0, max: height });
  return torch.stack([boxes_x, boxes_y], { dim }).reshape(boxes.shape);
}

type SmallOptions = { boxes?: Tensor; min_size?: number };

/** torchvision.ops.remove_small_boxes(boxes, min_size) -> int64 indices of the boxes with both sides >= min_size */
export function remove_small_boxes(...args: PyArgs<[boxes?: Tensor, min_size?: number], SmallOptions>): Tensor {
  const { boxes, min_size } = parseArgsRequired<SmallOptions>("remove_small_boxes", ["boxes", "min_size"], 2, args) as Required<SmallOptions>;
  const ws = col(boxes, 2).sub(col(boxes, 0));
  const hs = col(boxes, 3).sub(col(boxes, 1));
  const keep = ws.ge(min_size).logical_and(hs.ge(min_size));
  return torch.nonzero(keep).reshape(-1);
}

type FocalOptions = { inputs?: Tensor; targets?: Tensor; alpha?: number; gamma?: number; reduction?: string };

/**
 * torchvision.ops.sigmoid_focal_loss(inputs, targets, alpha=0.25, gamma=2, reduction="none"), as torchvision 0.14.1
 * writes it: binary_cross_entropy_with_logits times (1 - p_t) ** gamma, times alpha_t unless alpha < 0; "mean" / "sum"
 * reduce, and any other reduction (a typo too) returns the unreduced loss, as 0.14.1 does (later releases raise).
 */
export function sigmoid_focal_loss(...args: PyArgs<[inputs?: Tensor, targets?: Tensor, alpha?: number, gamma?: number, reduction?: string], FocalOptions>): Tensor {
  const a = parseArgsRequired<FocalOptions>("sigmoid_focal_loss", ["inputs", "targets", "alpha", "gamma", "reduction"], 2, args);
  const inputs = a.inputs as Tensor, targets = a.targets as Tensor;
  const alpha = a.alpha ?? 0.25, gamma = a.gamma ?? 2, reduction = a.reduction ?? "none";
  const p = torch.sigmoid(inputs);
  const ce_loss = binary_cross_entropy_with_logits(inputs, targets, { reduction: "none" });
  const p_t = p.mul(targets).add(torch.rsub(p, 1).mul(torch.rsub(targets, 1)));
  let loss = ce_loss.mul(torch.rsub(p_t, 1).pow(gamma));
  if (alpha >= 0) {
    const alpha_t = targets.mul(alpha).add(torch.rsub(targets, 1).mul(1 - alpha));
    loss = alpha_t.mul(loss);
  }
  if (reduction === "mean") loss = loss.mean();
  else if (reduction === "sum") loss = loss.sum();
  return loss;
}

export const ops = {
  sigmoid_focal_loss,
  box_area,
  box_iou,
  generalized_box_iou,
  box_convert,
  nms,
  batched_nms,
  clip_boxes_to_image,
  remove_small_boxes,
  stochastic_depth,
  StochasticDepth,
  SqueezeExcitation,
  Conv2dNormActivation,
};
