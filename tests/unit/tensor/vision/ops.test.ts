/**
 * torchvision.ops' box utilities against torchvision 0.14.1 (scripts/fixtures/vision_ops_fixtures.py ->
 * tests/fixtures/torch/vision/ops.json): box_area, box_iou (values and gradient), generalized_box_iou,
 * box_convert between the three formats, nms at several thresholds (ties kept in index order, a
 * zero-width box), batched_nms, clip_boxes_to_image, remove_small_boxes, the empty cases and the errors.
 */
import { describe, expect, it } from "vitest";
import { torch, torchvision, type Tensor } from "../../../../lib/tensor/index";
import { expectClose } from "../core/fixtures";
import { fixture, type FT } from "../nn/helpers";

type Err = [string, string];
const fx = fixture<{
  boxes: FT;
  scores: FT;
  idxs: number[];
  other: FT;
  box_area: FT;
  box_iou: FT;
  generalized_box_iou: FT;
  nms: Record<string, number[]>;
  batched_nms: Record<string, number[]>;
  convert: Record<string, FT>;
  clip: FT;
  remove_small: number[];
  int_iou: FT;
  int_area: [number[], string];
  errors: Record<string, Err>;
  empty_nms: number[];
  empty_batched: number[];
  box_iou_grad: FT;
}>("vision/ops.json");

const { ops } = torchvision;
const t = (f: FT): Tensor => torch.tensor(f.data).reshape(f.shape);
const boxes = t(fx.boxes);
const scores = t(fx.scores);
const other = t(fx.other);

function errorOf(fn: () => unknown): Err | null {
  try {
    fn();
  } catch (e) {
    return [(e as Error).name, (e as Error).message];
  }
  return null;
}

describe("torchvision.ops boxes", () => {
  it("box_area, box_iou, generalized_box_iou match torchvision; box_iou is differentiable", () => {
    expectClose(ops.box_area(boxes), fx.box_area.data, 1e-5, 1e-5, "box_area");
    expectClose(ops.box_iou(boxes, other), fx.box_iou.data, 1e-5, 1e-6, "box_iou");
    expectClose(ops.box_iou({ boxes1: boxes, boxes2: other }), fx.box_iou.data, 1e-5, 1e-6, "box_iou keywords");
    expectClose(ops.generalized_box_iou(boxes.index(":4"), other), fx.generalized_box_iou.data, 1e-5, 1e-6, "giou");
    const b1 = boxes.index(":3").clone().requires_grad_();
    ops.box_iou(b1, other).sum().backward();
    expectClose(b1.grad!, fx.box_iou_grad.data, 1e-4, 1e-6, "box_iou grad");
    // integer boxes: an int64 area and a float IoU
    const area = ops.box_area(torch.tensor([[0, 0, 2, 3]], { dtype: torch.long }));
    expect([area.shape, String(area.dtype)]).toEqual(fx.int_area);
    const ii = torch.tensor([[0, 0, 2, 2]], { dtype: torch.long });
    expectClose(ops.box_iou(ii, torch.tensor([[1, 1, 3, 3]], { dtype: torch.long })), fx.int_iou.data, 1e-6, 1e-7, "int iou");
  });

  it("box_convert between xyxy, xywh and cxcywh", () => {
    for (const [key, want] of Object.entries(fx.convert)) {
      const [a, b] = key.split(">");
      expectClose(ops.box_convert(boxes.index(":3"), a, b), want.data, 1e-5, 1e-6, key);
    }
    expect(ops.box_convert(boxes, { in_fmt: "xyxy", out_fmt: "xyxy" })).not.toBe(boxes);
  });

  it("nms keeps indices by decreasing score and drops IoU > threshold (ties in index order); batched_nms per category", () => {
    for (const [thr, want] of Object.entries(fx.nms)) {
      const keep = ops.nms(boxes, scores, Number(thr));
      expect(keep.dtype).toBe(torch.int64);
      expect(keep.tolist(), `nms ${thr}`).toEqual(want);
    }
    expect(ops.nms({ boxes, scores, iou_threshold: 0.5 }).tolist()).toEqual(fx.nms["0.5"]);
    const idxs = torch.tensor(fx.idxs, { dtype: torch.long });
    for (const [thr, want] of Object.entries(fx.batched_nms)) expect(ops.batched_nms(boxes, scores, idxs, Number(thr)).tolist(), `batched ${thr}`).toEqual(want);
    expect(ops.nms(torch.zeros([0, 4]), torch.zeros([0]), 0.5).tolist()).toEqual(fx.empty_nms);
    expect(ops.batched_nms(torch.zeros([0, 4]), torch.zeros([0]), torch.zeros([0], { dtype: torch.long }), 0.5).tolist()).toEqual(fx.empty_batched);
  });

  it("clip_boxes_to_image and remove_small_boxes", () => {
    expectClose(ops.clip_boxes_to_image(boxes.sub(2), [8, 9]), fx.clip.data, 1e-5, 1e-6, "clip");
    expect(ops.remove_small_boxes(boxes, 2.0).tolist()).toEqual(fx.remove_small);
  });

  it("raises torchvision's errors", () => {
    const e = fx.errors;
    expect(errorOf(() => ops.nms(torch.zeros(3), torch.zeros(3), 0.5))).toEqual(e.nms_1d);
    expect(errorOf(() => ops.nms(torch.zeros([3, 3]), torch.zeros(3), 0.5))).toEqual(e.nms_3cols);
    expect(errorOf(() => ops.nms(torch.zeros([3, 4]), torch.zeros([3, 1]), 0.5))).toEqual(e.nms_2d_scores);
    expect(errorOf(() => ops.nms(torch.zeros([3, 4]), torch.zeros(4), 0.5))).toEqual(e.nms_count);
    expect(errorOf(() => ops.nms(torch.zeros([3, 4], { dtype: torch.long }), torch.zeros(3), 0.5))).toEqual(e.nms_long);
    expect(errorOf(() => ops.nms(torch.zeros([3, 4]), torch.zeros(3, { dtype: torch.float64 }), 0.5))).toEqual(e.nms_dtype);
    expect(errorOf(() => ops.box_convert(boxes, "xyxy", "xyz"))).toEqual(e.convert);
    expect(() => ops.nms(boxes, scores, { iou_threshold: 0.5, foo: 1 } as never)).toThrow(/unexpected keyword argument 'foo'/);
    expect(() => (ops.box_iou as (...a: unknown[]) => Tensor)(boxes)).toThrow(/missing 1 required positional argument: 'boxes2'/);
  });
});
