/**
 * torchvision.transforms against torchvision 0.14.1 (scripts/fixtures/vision_fixtures.py):
 * transforms.functional on a [3, 10, 12] image, seeded random transforms and pipelines (the same
 * draws from the global generator, checked by the images and by torch.rand(3) afterwards), the
 * PIL-image paths on Images, errors, reprs, and one float64 gradcheck through a pipeline.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { torch, torchvision, type Tensor } from "../../../../lib/tensor/index";
import { gradcheck } from "../../../../lib/grading/gradcheck";
import { expectClose, fixture, tensorOf, type FT } from "../nn/helpers";

interface Seeded { seed: number; out: FT[]; rand_after: number[] }
interface Bytes { size: [number, number]; bytes: number[] }
interface Fx {
  input: FT;
  functional: Record<string, FT>;
  random: Record<string, Seeded>;
  uint8: Record<string, FT>;
  images: { resize: { pipeline: Seeded; inputs: Record<string, Bytes>; cases: { input: string; size: number | number[]; interpolation: string; out_size: [number, number]; bytes: number[] }[] }; gray_pil_to_tensor: FT; rgb_pil_to_tensor: FT; gray: Bytes; rgb: Bytes; gray_to_tensor: FT; rgb_to_tensor: FT; gray_hflip: number[]; rgb_vflip: number[]; gray_crop_outside: Bytes; gray_center_crop: number[]; gray_invert: number[]; rgb_pad_reflect: Bytes; gray_pad_fill: number[]; rgb_to_gray: number[]; to_pil_from_float: number[] };
  errors: Record<string, [string, string]>;
  repr: Record<string, string>;
  grid: Record<string, FT>;
}
const fx = fixture<Fx>("vision/transforms.json");
const { transforms: T, Image } = torchvision;
const TF = T.functional;
const x = () => tensorOf(fx.input, torch.float32);

// Seeds are global: each test sets its own and the generator's state is put back afterwards.
let saved: ReturnType<typeof torch.get_rng_state>;
beforeEach(() => {
  saved = torch.get_rng_state();
});
afterEach(() => {
  torch.set_rng_state(saved);
});

/** Float32 values through the same float32 ops: a few ulps at most (bilinear sums in another order). */
const close = (a: unknown, e: FT, label: string) => expectClose(a as Tensor, e, { atol: 2e-6, rtol: 1e-5, label });

describe("transforms.functional (tensor images)", () => {
  const BL = T.InterpolationMode.BILINEAR;
  const NN = T.InterpolationMode.NEAREST;
  const cases: Record<string, (img: Tensor) => unknown> = {
    resize_7_9: (i) => TF.resize(i, [7, 9]),
    resize_15_20: (i) => TF.resize(i, [15, 20]),
    resize_6: (i) => TF.resize(i, 6),
    resize_8_nearest: (i) => TF.resize(i, 8, { interpolation: NN }),
    resize_20_nearest: (i) => TF.resize(i, [20, 7], NN),
    resize_6_max_7: (i) => TF.resize(i, 6, { max_size: 7 }),
    resize_batch: (i) => TF.resize(torch.stack([i, i.flip(-1)]), [5, 6], BL),
    center_crop_6: (i) => TF.center_crop(i, 6),
    center_crop_5_7: (i) => TF.center_crop(i, [5, 7]),
    center_crop_13_15: (i) => TF.center_crop(i, [13, 15]),
    center_crop_12_9: (i) => TF.center_crop(i, [12, 9]),
    crop_inside: (i) => TF.crop(i, 2, 3, 5, 6),
    crop_outside: (i) => TF.crop(i, -2, 8, 6, 7),
    pad_2: (i) => TF.pad(i, 2),
    pad_lr_tb_fill: (i) => TF.pad(i, [1, 3], { fill: 0.5 }),
    pad_ltrb_edge: (i) => TF.pad(i, [1, 2, 3, 4], { padding_mode: "edge" }),
    pad_ltrb_reflect: (i) => TF.pad(i, [3, 2, 1, 4], 0, "reflect"),
    pad_symmetric: (i) => TF.pad(i, [2, 1, 3, 4], { padding_mode: "symmetric" }),
    hflip: (i) => TF.hflip(i),
    vflip: (i) => TF.vflip(i),
    normalize: (i) => TF.normalize(i, [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]),
    normalize_1: (i) => TF.normalize(i.narrow(0, 0, 1), [0.5], { std: [0.5] }),
    grayscale: (i) => TF.rgb_to_grayscale(i),
    grayscale_3: (i) => TF.rgb_to_grayscale(i, 3),
    gaussian_blur_3: (i) => TF.gaussian_blur(i, 3),
    gaussian_blur_5_3: (i) => TF.gaussian_blur(i, [5, 3], [1.5, 0.7]),
    resized_crop: (i) => TF.resized_crop(i, 1, 2, 6, 8, [9, 5]),
    convert_float64: (i) => TF.convert_image_dtype(i, torch.float64),
    brightness: (i) => TF.adjust_brightness(i, 1.4),
    contrast: (i) => TF.adjust_contrast(i, 0.6),
    contrast_1: (i) => TF.adjust_contrast(i.narrow(0, 0, 1), 1.7),
    saturation: (i) => TF.adjust_saturation(i, 1.8),
    hue: (i) => TF.adjust_hue(i, 0.2),
    hue_negative: (i) => TF.adjust_hue(i, -0.45),
    invert: (i) => TF.invert(i),
    sharpness: (i) => TF.adjust_sharpness(i, 2.5),
    autocontrast: (i) => TF.autocontrast(i.mul(0.5).add(0.2)),
    solarize: (i) => TF.solarize(i, 0.6),
    five_crop: (i) => torch.stack(new T.FiveCrop([4, 5])(i) as Tensor[]),
    ten_crop: (i) => torch.stack(new T.TenCrop(6)(i) as Tensor[]),
    ten_crop_vertical: (i) => torch.stack(TF.ten_crop(i, [3, 7], { vertical_flip: true }) as Tensor[]),
    rotate_30: (i) => TF.rotate(i, 30.0),
    rotate_45_bilinear_fill: (i) => TF.rotate(i, -45.0, BL, { fill: [0.5, 0.25, 1.0] }),
    rotate_20_expand_center: (i) => TF.rotate(i, 20.0, { expand: true, fill: 0.3 }),
    rotate_center: (i) => TF.rotate(i, 15.0, { center: [2, 3] }),
    affine: (i) => TF.affine(i, 10.0, [2, -1], 0.9, [5.0, -3.0]),
    affine_bilinear: (i) => TF.affine(i, -25.0, [0, 1], 1.2, 8.0, BL as "bilinear", { fill: 0.0 }),
  };

  it("covers every fixture case", () => {
    expect(Object.keys(cases).sort()).toEqual(Object.keys(fx.functional).sort());
  });

  for (const [name, fn] of Object.entries(cases)) {
    it(name, () => {
      const img = x();
      const before = img.clone();
      close(fn(img), fx.functional[name], name);
      expect(img.equal(before), "the input is unchanged").toBe(true);
    });
  }

  it("normalize with inplace changes the input and returns it; the dtype of a converted image", () => {
    const img = x();
    const expected = TF.normalize(img, [0.5], [0.25]) as Tensor;
    const out = TF.normalize(img, [0.5], [0.25], true);
    expect(out).toBe(img);
    expect(img.equal(expected)).toBe(true);
    expect(img.equal(x())).toBe(false);
    expect((TF.convert_image_dtype(x(), torch.float64) as Tensor).dtype).toBe(torch.float64);
  });
});

/** The transform classes, built as the fixture script builds them. */
const randomTransforms: Record<string, () => (img: Tensor) => unknown> = {
  hflip: () => new T.RandomHorizontalFlip(),
  vflip_p: () => new T.RandomVerticalFlip(0.3),
  crop: () => new T.RandomCrop(7),
  crop_padding: () => new T.RandomCrop([8, 9], { padding: 2, fill: 0.25 }),
  crop_pad_if_needed: () => new T.RandomCrop([12, 14], { pad_if_needed: true, padding_mode: "reflect" }),
  crop_symmetric: () => new T.RandomCrop(10, [1, 2], { padding_mode: "symmetric" }),
  resized_crop: () => new T.RandomResizedCrop(8),
  resized_crop_nearest: () => new T.RandomResizedCrop([6, 5], { scale: [0.3, 0.9], ratio: [0.5, 2.0], interpolation: T.InterpolationMode.NEAREST }),
  resized_crop_fallback: () => new T.RandomResizedCrop(4, [0.9, 1.0], [0.9, 1.1]),
  erasing: () => new T.RandomErasing({ p: 1.0 }),
  erasing_random: () => new T.RandomErasing({ p: 0.8, value: "random" }),
  erasing_rgb: () => new T.RandomErasing(1.0, [0.1, 0.4], [0.5, 2.0], [0.1, 0.2, 0.3]),
  blur: () => new T.GaussianBlur(3),
  blur_5: () => new T.GaussianBlur([5, 3], { sigma: [0.5, 1.5] }),
  apply: () => new T.RandomApply([new T.RandomCrop(9), new T.Pad(1)], { p: 0.5 }),
  grayscale: () => new T.RandomGrayscale(0.5),
  rotation: () => new T.RandomRotation(25),
  rotation_bilinear: () => new T.RandomRotation([-10, 40], "bilinear", { fill: 0.5 }),
  affine: () => new T.RandomAffine(15, { translate: [0.1, 0.2], scale: [0.8, 1.1], shear: [-5, 5, -3, 3] }),
  affine_degrees_only: () => new T.RandomAffine([-30, 30], { shear: 10 }),
  color_jitter: () => new T.ColorJitter(0.4, 0.4, 0.4, 0.1),
  color_jitter_ranges: () => new T.ColorJitter({ brightness: [0.5, 1.5], hue: [-0.2, 0.3] }),
  invert: () => new T.RandomInvert(0.4),
  sharpness: () => new T.RandomAdjustSharpness(3.0, { p: 0.6 }),
  autocontrast: () => new T.RandomAutocontrast(),
  solarize: () => new T.RandomSolarize(0.3, 0.7),
  pipeline: () =>
    new T.Compose([
      new T.RandomResizedCrop(8, { scale: [0.5, 1.0] }),
      new T.RandomHorizontalFlip(),
      new T.RandomCrop(6, { padding: 1 }),
      new T.Normalize([0.5, 0.5, 0.5], [0.25, 0.25, 0.25]),
      new T.RandomErasing({ p: 0.7 }),
    ]),
};

describe("random transforms draw from the global generator as torchvision 0.14", () => {
  it("covers every fixture case", () => {
    expect(Object.keys(randomTransforms).sort()).toEqual(Object.keys(fx.random).sort());
  });

  for (const [name, make] of Object.entries(randomTransforms)) {
    it(name, () => {
      const c = fx.random[name];
      const input = name === "resized_crop_fallback" ? torch.arange(80, { dtype: torch.float32 }).reshape(1, 2, 40).div(80) : x();
      const t = make();
      torch.manual_seed(c.seed);
      c.out.forEach((e, k) => close(t(input.clone()), e, `${name} call ${k}`));
      // The same number of draws as torchvision: the stream continues identically.
      expect(torch.rand(3).tolist()).toEqual(c.rand_after);
    });
  }
});

describe("Images (the engine's PIL stand-in)", () => {
  const im = fx.images;
  const gray = () => new Image("L", im.gray.size, Uint8Array.from(im.gray.bytes));
  const rgb = () => new Image("RGB", im.rgb.size, Uint8Array.from(im.rgb.bytes));
  const bytes = (i: unknown) => Array.from((i as InstanceType<typeof Image>).data);

  it("ToTensor: [C, H, W] float32 in [0, 1] (bit for bit)", () => {
    const g = new T.ToTensor()(gray()) as Tensor;
    expect(g.dtype).toBe(torch.float32);
    expect(g.shape).toEqual(im.gray_to_tensor.shape);
    expect(g.reshape(-1).tolist()).toEqual(im.gray_to_tensor.data);
    expect((new T.ToTensor()(rgb()) as Tensor).reshape(-1).tolist()).toEqual(im.rgb_to_tensor.data);
  });

  it("flips, crops and pads move pixels as PIL does", () => {
    expect(bytes(TF.hflip(gray()))).toEqual(im.gray_hflip);
    expect(bytes(TF.vflip(rgb()))).toEqual(im.rgb_vflip);
    const c = TF.crop(gray(), -1, 3, 4, 6) as InstanceType<typeof Image>;
    expect(c.size).toEqual(im.gray_crop_outside.size);
    expect(bytes(c)).toEqual(im.gray_crop_outside.bytes);
    expect(bytes(TF.center_crop(gray(), 3))).toEqual(im.gray_center_crop);
    expect(bytes(TF.invert(gray()))).toEqual(im.gray_invert);
    const p = TF.pad(rgb(), [1, 2], { padding_mode: "reflect" }) as InstanceType<typeof Image>;
    expect([p.size, p.mode]).toEqual([im.rgb_pad_reflect.size, "RGB"]);
    expect(bytes(p)).toEqual(im.rgb_pad_reflect.bytes);
    expect(bytes(TF.pad(gray(), 1, { fill: 9 }))).toEqual(im.gray_pad_fill);
  });

  it("grayscale of an RGB image is PIL's convert('L'); to_pil_image scales floats by 255 and truncates", () => {
    const g = TF.rgb_to_grayscale(rgb()) as InstanceType<typeof Image>;
    expect(g.mode).toBe("L");
    expect(bytes(g)).toEqual(im.rgb_to_gray);
    expect(bytes(TF.to_pil_image(torch.linspace(0, 1, 12).reshape(1, 3, 4)))).toEqual(im.to_pil_from_float);
  });

  it("Resize of an Image is PIL's resampling (antialiased), byte for byte", () => {
    const { inputs, cases } = im.resize;
    for (const c of cases) {
      const src = inputs[c.input];
      const img = new Image(c.input === "rgb" ? "RGB" : "L", src.size, Uint8Array.from(src.bytes));
      const out = new T.Resize(c.size, c.interpolation as never)(img) as InstanceType<typeof Image>;
      const label = `${c.input} -> ${JSON.stringify(c.size)} ${c.interpolation}`;
      expect(out.size, label).toEqual(c.out_size);
      expect(Array.from(out.data), label).toEqual(c.bytes);
    }
  });

  it("a seeded augmentation pipeline on an MNIST-like Image gives torchvision's tensors", () => {
    const c = im.resize.pipeline;
    const src = im.resize.inputs.digit;
    const digit = new Image("L", src.size, Uint8Array.from(src.bytes));
    const pipe = new T.Compose([
      new T.RandomResizedCrop(24, { scale: [0.6, 1.0] }),
      new T.RandomCrop(20, { padding: 2 }),
      new T.RandomHorizontalFlip(),
      new T.Resize(16, { interpolation: T.InterpolationMode.BICUBIC }),
      new T.ToTensor(),
      new T.Normalize([0.1307], [0.3081]),
    ]);
    torch.manual_seed(c.seed);
    c.out.forEach((e, k) => close(pipe(digit), e, `call ${k}`));
    expect(torch.rand(3).tolist()).toEqual(c.rand_after);
  });

  it("a bad image size or byte count is refused", () => {
    expect(() => new Image("L", [2, 2], new Uint8Array(3))).toThrow(/needs 4 bytes, got 3/);
    expect(() => new Image("CMYK" as never, [2, 2])).toThrow(/unrecognized image mode/);
  });
});

describe("uint8 images", () => {
  const im = fx.images;
  const u8 = () => new T.ConvertImageDtype(torch.uint8)(x()) as Tensor;
  const exact = (a: unknown, e: FT, label: string) => {
    expect((a as Tensor).dtype, label).toBe(torch.uint8);
    expect((a as Tensor).shape, label).toEqual(e.shape);
    expect((a as Tensor).reshape(-1).tolist(), label).toEqual(e.data);
  };

  it("PILToTensor keeps the bytes: [C, H, W] uint8", () => {
    exact(new T.PILToTensor()(new Image("L", im.gray.size, Uint8Array.from(im.gray.bytes))), im.gray_pil_to_tensor, "L");
    exact(new T.PILToTensor()(new Image("RGB", im.rgb.size, Uint8Array.from(im.rgb.bytes))), im.rgb_pil_to_tensor, "RGB");
  });

  it("convert_image_dtype both ways, resize / pad / blur / grayscale rounded back to uint8", () => {
    const u = fx.uint8;
    exact(u8(), u.from_float, "from_float");
    close(TF.convert_image_dtype(u8(), torch.float32), u.to_float, "to_float");
    // Bilinear sums that land on an exact .5 in our order can sit a hair above it in torch's: one level at most.
    const r = TF.resize(u8(), [7, 9]) as Tensor;
    expect(r.dtype).toBe(torch.uint8);
    expectClose(r.to(torch.float32), u.resize, { atol: 1, rtol: 0, label: "resize" });
    const off = (r.reshape(-1).tolist() as number[]).filter((v, i) => v !== u.resize.data[i]).length;
    expect(off, "resize: values one level off").toBeLessThanOrEqual(3);
    exact(TF.resize(u8(), [13, 5], T.InterpolationMode.NEAREST), u.resize_nearest, "resize_nearest");
    exact(TF.pad(u8(), [1, 2], { padding_mode: "reflect" }), u.pad_reflect, "pad_reflect");
    exact(TF.gaussian_blur(u8(), 3, 0.8), u.blur, "blur");
    exact(TF.rgb_to_grayscale(u8()), u.grayscale, "grayscale");
    // uint8 hue truncates (x * 255).to(uint8): a value a few ulps under an integer in either order drops one level.
    const hue = TF.adjust_hue(u8(), 0.3) as Tensor;
    expect(hue.dtype).toBe(torch.uint8);
    expectClose(hue.to(torch.float32), u.hue, { atol: 1, rtol: 0, label: "hue" });
    const hueOff = (hue.reshape(-1).tolist() as number[]).filter((v, i) => v !== u.hue.data[i]).length;
    expect(hueOff, "hue: values one level off").toBeLessThanOrEqual(8);
    exact(TF.adjust_contrast(u8(), 1.5), u.contrast, "contrast");
    exact(TF.invert(u8()), u.invert, "invert");
    exact(TF.adjust_sharpness(u8(), 0.4), u.sharpness, "sharpness");
    exact(TF.autocontrast(u8()), u.autocontrast, "autocontrast");
    exact(TF.solarize(u8(), 100), u.solarize, "solarize");
  });
});

describe("errors and reprs", () => {
  const e = fx.errors;
  const img = () => x();
  const calls: Record<string, () => unknown> = {
    normalize_int: () => TF.normalize(torch.ones(3, 2, 2, { dtype: torch.int64 }), [0.5], [0.5]),
    normalize_2d: () => TF.normalize(torch.ones(2, 2), [0.5], [0.5]),
    normalize_std0: () => TF.normalize(img(), [0.5], [0.0]),
    to_tensor_tensor: () => new T.ToTensor()(img()),
    crop_too_big: () => new T.RandomCrop(11)(torch.zeros(1, 10, 10)),
    pad_mode: () => TF.pad(img(), 1, { padding_mode: "wrap" as never }),
    pad_3: () => TF.pad(img(), [1, 2, 3]),
    max_size: () => TF.resize(img(), 6, { max_size: 6 }),
    blur_even: () => TF.gaussian_blur(img(), 4),
    grayscale_channels: () => TF.rgb_to_grayscale(torch.zeros(2, 3, 3)),
    erasing_value: () => new T.RandomErasing({ p: 1.0, value: [1.0, 2.0] })(img()),
    convert_unsafe: () => TF.convert_image_dtype(img(), torch.int64),
  };
  for (const [name, call] of Object.entries(calls)) {
    it(`${name}: ${e[name][0]}`, () => {
      const [cls, msg] = e[name];
      let thrown: unknown;
      try {
        call();
      } catch (err) {
        thrown = err;
      }
      expect(thrown, name).toBeInstanceOf(Error);
      expect((thrown as Error).message).toBe(msg);
      expect((thrown as { name: string }).name).toBe(cls);
    });
  }

  it("reprs as torchvision's", () => {
    expect(String(new T.Compose([new T.ToTensor(), new T.Normalize([0.5], [0.5])]))).toBe(fx.repr.compose);
    expect(String(new T.Normalize([0.1307], [0.3081]))).toBe(fx.repr.normalize);
    expect(String(new T.Resize(32))).toBe(fx.repr.resize);
    expect(String(new T.CenterCrop(5))).toBe(fx.repr.center_crop);
    expect(String(new T.RandomHorizontalFlip())).toBe(fx.repr.hflip);
    expect(String(new T.Grayscale())).toBe(fx.repr.grayscale);
  });

  it("the apply-with-probability transforms print their arguments and p as torchvision 0.14.1 does", () => {
    // /usr/bin/python3 -c "import torchvision.transforms as T; print(T.RandomAdjustSharpness(2), T.RandomSolarize(192, 0.3), ...)"
    expect(String(new T.RandomAdjustSharpness(2))).toBe("RandomAdjustSharpness(sharpness_factor=2,p=0.5)");
    expect(String(new T.RandomSolarize(192, 0.3))).toBe("RandomSolarize(threshold=192,p=0.3)");
    expect(String(new T.RandomAutocontrast())).toBe("RandomAutocontrast(p=0.5)");
    expect(String(new T.RandomInvert(0.25))).toBe("RandomInvert(p=0.25)");
    expect(String(new T.RandomVerticalFlip())).toBe("RandomVerticalFlip(p=0.5)");
    expect(String(new T.RandomGrayscale())).toBe("RandomGrayscale(p=0.1)");
    expect(() => new T.RandomSolarize(192, "often" as never)).toThrow("RandomSolarize: p should be a number, got string");
  });
});

describe("torchvision.utils.make_grid", () => {
  const g = fx.grid;
  const mg = torchvision.utils.make_grid;
  it("tiles, pads, normalises (over the batch, per image, to a range), lists and a single image", () => {
    const b = () => tensorOf(g.batch, torch.float32);
    const rgb = tensorOf(g.rgb, torch.float32);
    close(mg(b()), g.default, "default");
    close(mg(b(), 2, 1, { pad_value: 0.5 }), g.nrow2_pad1_value, "nrow2_pad1_value");
    close(mg(b(), { nrow: 3, normalize: true }), g.normalize, "normalize");
    close(mg(b(), { normalize: true, value_range: [-1.0, 1.0], scale_each: true }), g.normalize_range_each, "normalize_range_each");
    close(mg(b(), { normalize: true, scale_each: true, padding: 0 }), g.scale_each, "scale_each");
    close(mg([rgb.select(0, 0), rgb.select(0, 1), rgb.select(0, 2)], 2), g.list_rgb, "list_rgb");
    close(mg(rgb.select(0, 0)), g.single, "single");
    const batch = b();
    mg(batch, { normalize: true });
    expect(batch.equal(b()), "normalize works on a copy").toBe(true);
    expect(() => mg([batch, 3 as never])).toThrow("tensor or list of tensors expected, got a list containing <class 'number'>");
    expect(() => torchvision.utils.save_image()).toThrow(/save_image is not available here/);
  });
});

describe("gradients flow through tensor transforms", () => {
  it("gradcheck (float64): Compose of crop, flip, pad, resize and normalize", () => {
    const pipeline = new T.Compose([
      new T.CenterCrop([4, 5]),
      new T.Lambda((t: Tensor) => TF.hflip(t)),
      new T.Pad([1, 0], { padding_mode: "reflect" }),
      new T.Resize([5, 4]),
      new T.Normalize([0.2, 0.4], [0.5, 2.0]),
    ]);
    torch.manual_seed(3);
    gradcheck((t) => pipeline(t) as Tensor, [torch.rand(2, 6, 7, { dtype: torch.float64 })]);
  });

  it("gradcheck (float64): bilinear rotate with a fill, and a colour blend", () => {
    torch.manual_seed(4);
    gradcheck((t) => TF.rotate(t, 17.0, "bilinear", { fill: [0.2, 0.7, 0.1] }) as Tensor, [torch.rand(3, 5, 6, { dtype: torch.float64 })]);
    // Values kept inside (0, 1) so the clamp of the blend is not at a kink.
    gradcheck((t) => TF.adjust_saturation(t, 0.7) as Tensor, [torch.rand(3, 4, 4, { dtype: torch.float64 }).mul(0.5).add(0.25)]);
  });
});
