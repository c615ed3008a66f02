/**
 * A published model as data: a declarative list of known layers (never code) plus their float32
 * weights. The notebook's `publish_model` turns a trained nn.Sequential into this, the API
 * validates it with `modelSpecSchema` and `checkModel`, and the model's page rebuilds the same
 * network with the engine from it. Only layers listed here can be published: anything else
 * (a learner's own class, a layer whose options we do not carry) is refused by name.
 *
 * Weights are one little-endian float32 array (every platform we run on is little-endian), in
 * layer order: Linear/Conv2d weight then bias (when present); BatchNorm weight, bias,
 * running_mean, running_var (its eval form: running statistics only).
 */
import { z } from "zod";
import { nn, torch, type Module, type Tensor } from "../../tensor";
import { base64ToBytes, bytesToBase64 } from "../display/base64";

export const MODEL_SPEC_FORMAT = "gradbook-model/1";
export const MAX_LAYERS = 64;
/** The drawing pad gives 28x28 images: a flat 784-vector (an MLP) or one channel (a CNN). */
export const PAD_INPUT_SHAPES: readonly (readonly number[])[] = [[784], [1, 28, 28]];

const dim = z.number().int().min(1).max(65_536);
const pair = z.tuple([z.number().int().min(1).max(64), z.number().int().min(1).max(64)]);
const padding = z.tuple([z.number().int().min(0).max(64), z.number().int().min(0).max(64)]);

const layerSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("Linear"), in_features: dim, out_features: dim, bias: z.boolean() }).strict(),
  z.object({ type: z.literal("Conv2d"), in_channels: dim, out_channels: dim, kernel_size: pair, stride: pair, padding, bias: z.boolean() }).strict(),
  z.object({ type: z.literal("MaxPool2d"), kernel_size: pair, stride: pair, padding }).strict(),
  z.object({ type: z.literal("AvgPool2d"), kernel_size: pair, stride: pair, padding }).strict(),
  z.object({ type: z.literal("BatchNorm1d"), num_features: dim, eps: z.number().positive().max(1) }).strict(),
  z.object({ type: z.literal("BatchNorm2d"), num_features: dim, eps: z.number().positive().max(1) }).strict(),
  z.object({ type: z.literal("Flatten") }).strict(),
  z.object({ type: z.literal("ReLU") }).strict(),
  z.object({ type: z.literal("Sigmoid") }).strict(),
  z.object({ type: z.literal("Tanh") }).strict(),
  z.object({ type: z.literal("GELU"), approximate: z.enum(["none", "tanh"]) }).strict(),
  z.object({ type: z.literal("Softmax"), dim: z.number().int().min(-4).max(4) }).strict(),
  /** Dropout does nothing in evaluation mode: it is kept so the layer list reads like the notebook's. */
  z.object({ type: z.literal("Dropout") }).strict(),
]);

export const modelSpecSchema = z
  .object({
    format: z.literal(MODEL_SPEC_FORMAT),
    /** The shape of one example, without the batch dimension. */
    input_shape: z.array(dim).min(1).max(3),
    /** Whether the model was trained on standardised pixels ((x - 0.1307) / 0.3081, `load_mnist({ standardize: true })`) or on [0, 1]. */
    standardize: z.boolean().default(true),
    layers: z.array(layerSchema).min(1).max(MAX_LAYERS),
  })
  .strict();

export type LayerSpec = z.infer<typeof layerSchema>;
export type ModelSpec = z.infer<typeof modelSpecSchema>;
export type LayerType = LayerSpec["type"];
export const KNOWN_LAYERS: readonly LayerType[] = ["Linear", "Conv2d", "MaxPool2d", "AvgPool2d", "BatchNorm1d", "BatchNorm2d", "Flatten", "ReLU", "Sigmoid", "Tanh", "GELU", "Softmax", "Dropout"];

/** The shapes of a layer's weight tensors, in the order they are stored. */
export function weightShapes(layer: LayerSpec): number[][] {
  switch (layer.type) {
    case "Linear":
      return layer.bias ? [[layer.out_features, layer.in_features], [layer.out_features]] : [[layer.out_features, layer.in_features]];
    case "Conv2d": {
      const weight = [layer.out_channels, layer.in_channels, ...layer.kernel_size];
      return layer.bias ? [weight, [layer.out_channels]] : [weight];
    }
    case "BatchNorm1d":
    case "BatchNorm2d":
      return Array.from({ length: 4 }, () => [layer.num_features]);
    default:
      return [];
  }
}

const numel = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** How many float32 numbers the spec's weights hold. */
export function weightCount(spec: ModelSpec): number {
  return spec.layers.reduce((total, layer) => total + weightShapes(layer).reduce((sum, shape) => sum + numel(shape), 0), 0);
}

const pooled = (size: number, kernel: number, stride: number, pad: number) => Math.floor((size + 2 * pad - kernel) / stride) + 1;

/**
 * The shape of one example after each layer, or the first layer that cannot take its input,
 * named with its position and what it expected ("layer 3 (Linear) expects 128 features, gets 64").
 */
export function outputShape(spec: ModelSpec): { ok: true; shape: number[] } | { ok: false; problem: string } {
  let shape = [...spec.input_shape];
  for (const [index, layer] of spec.layers.entries()) {
    const where = `layer ${index} (${layer.type})`;
    const fail = (why: string) => ({ ok: false as const, problem: `${where} ${why}, gets an input of shape [${shape.join(", ")}]` });
    switch (layer.type) {
      case "Linear":
        if (shape.at(-1) !== layer.in_features) return fail(`expects ${layer.in_features} features in its last dimension`);
        shape = [...shape.slice(0, -1), layer.out_features];
        break;
      case "Conv2d":
      case "MaxPool2d":
      case "AvgPool2d": {
        if (shape.length !== 3) return fail("expects [channels, height, width]");
        if (layer.type === "Conv2d" && shape[0] !== layer.in_channels) return fail(`expects ${layer.in_channels} channels`);
        if (layer.type !== "Conv2d" && layer.padding.some((p, i) => p > layer.kernel_size[i] / 2)) return fail("has padding larger than half its kernel");
        const [h, w] = [0, 1].map((i) => pooled(shape[i + 1], layer.kernel_size[i], layer.stride[i], layer.padding[i]));
        if (h < 1 || w < 1) return fail("has a kernel larger than its (padded) input");
        shape = [layer.type === "Conv2d" ? layer.out_channels : shape[0], h, w];
        break;
      }
      case "BatchNorm1d":
        if ((shape.length !== 1 && shape.length !== 2) || shape[0] !== layer.num_features) return fail(`expects [${layer.num_features}] or [${layer.num_features}, length]`);
        break;
      case "BatchNorm2d":
        if (shape.length !== 3 || shape[0] !== layer.num_features) return fail(`expects [${layer.num_features}, height, width]`);
        break;
      case "Flatten":
        shape = [numel(shape)];
        break;
      case "Softmax":
        if (layer.dim !== -1 && layer.dim !== shape.length) return fail(`must take the softmax over the classes (dim=1 or dim=-1), not dim=${layer.dim}`);
        break;
      default:
        break;
    }
  }
  return { ok: true, shape };
}

/**
 * Everything the platform needs of a model before it stores or runs it: a pad-sized input, layers
 * that fit together, one score per class at the end, and exactly the weights the layers need.
 * Returns the number of classes or the problem, in words.
 */
export function checkModel(spec: ModelSpec, weightBytes: number): { ok: true; classes: number } | { ok: false; problem: string } {
  if (!PAD_INPUT_SHAPES.some((shape) => shape.length === spec.input_shape.length && shape.every((d, i) => d === spec.input_shape[i]))) {
    return { ok: false, problem: `input_shape must be [784] (an MLP on flattened digits) or [1, 28, 28] (a CNN), the drawing pad's 28x28 image; got [${spec.input_shape.join(", ")}]` };
  }
  const out = outputShape(spec);
  if (!out.ok) return out;
  if (out.shape.length !== 1 || out.shape[0] < 2 || out.shape[0] > 100) {
    return { ok: false, problem: `the model must end with one score per class (2 to 100 classes); its output has shape [${out.shape.join(", ")}]` };
  }
  const expected = weightCount(spec) * 4;
  if (weightBytes !== expected) return { ok: false, problem: `the layers need ${expected} bytes of float32 weights, got ${weightBytes}` };
  return { ok: true, classes: out.shape[0] };
}

// ---- model -> spec (the notebook) ---------------------------------------------------------

const pairOf = (value: number | readonly number[]): [number, number] => (typeof value === "number" ? [value, value] : [value[0], value[1]]);

/** The exact built-in class (a learner's subclass has its own name and is refused). */
function is<T>(module: Module, cls: { __name__: string; prototype: T }): module is Module & T {
  return module instanceof (cls as unknown as new () => Module) && module._get_name() === cls.__name__;
}

/** A layer the platform cannot rebuild: says which one and why, and what it can rebuild. */
function refuse(index: number, module: Module, why: string): never {
  throw new TypeError(`publish_model: layer ${index} (${module._get_name()}) ${why}. A published model is a list of known layers (${KNOWN_LAYERS.join(", ")}), never code.`);
}

function layerOf(module: Module, index: number): { layer: LayerSpec; tensors: (Tensor | null)[] } {
  if (is(module, nn.Linear)) {
    return { layer: { type: "Linear", in_features: module.in_features, out_features: module.out_features, bias: module.bias !== null }, tensors: [module.weight, module.bias] };
  }
  if (is(module, nn.Conv2d)) {
    if (module.groups !== 1 || module.dilation.some((d) => d !== 1) || module.padding_mode !== "zeros" || typeof module.padding === "string") {
      refuse(index, module, "uses groups, dilation, a padding mode or string padding, which published models do not support");
    }
    const layer: LayerSpec = { type: "Conv2d", in_channels: module.in_channels, out_channels: module.out_channels, kernel_size: pairOf(module.kernel_size), stride: pairOf(module.stride), padding: pairOf(module.padding as number[]), bias: module.bias !== null };
    return { layer, tensors: [module.weight, module.bias] };
  }
  if (is(module, nn.MaxPool2d) || is(module, nn.AvgPool2d)) {
    const pool = module as unknown as { kernel_size: number | number[]; stride: number | number[]; padding: number | number[]; ceil_mode: boolean; dilation?: number | number[] };
    if (pool.ceil_mode || (pool.dilation !== undefined && pairOf(pool.dilation).some((d) => d !== 1))) refuse(index, module, "uses ceil_mode or dilation, which published models do not support");
    const type = is(module, nn.MaxPool2d) ? "MaxPool2d" : "AvgPool2d";
    return { layer: { type, kernel_size: pairOf(pool.kernel_size), stride: pairOf(pool.stride), padding: pairOf(pool.padding) }, tensors: [] };
  }
  if (is(module, nn.BatchNorm1d) || is(module, nn.BatchNorm2d)) {
    if (!module.running_mean || !module.running_var) refuse(index, module, "has no running statistics (track_running_stats=false), so it has no evaluation form");
    const type = module._get_name() === "BatchNorm2d" ? "BatchNorm2d" : "BatchNorm1d";
    const ones = torch.ones([module.num_features]);
    const zeros = torch.zeros([module.num_features]);
    return { layer: { type, num_features: module.num_features, eps: module.eps }, tensors: [module.weight ?? ones, module.bias ?? zeros, module.running_mean, module.running_var] };
  }
  if (is(module, nn.Flatten)) {
    if (module.start_dim !== 1 || module.end_dim !== -1) refuse(index, module, "flattens other dimensions than 1 to -1");
    return { layer: { type: "Flatten" }, tensors: [] };
  }
  if (is(module, nn.GELU)) return { layer: { type: "GELU", approximate: module.approximate === "tanh" ? "tanh" : "none" }, tensors: [] };
  if (is(module, nn.Softmax)) {
    if (module.dim === null) refuse(index, module, "needs an explicit dim");
    return { layer: { type: "Softmax", dim: module.dim }, tensors: [] };
  }
  if (is(module, nn.ReLU)) return { layer: { type: "ReLU" }, tensors: [] };
  if (is(module, nn.Sigmoid)) return { layer: { type: "Sigmoid" }, tensors: [] };
  if (is(module, nn.Tanh)) return { layer: { type: "Tanh" }, tensors: [] };
  if (is(module, nn.Dropout) || is(module, nn.Identity)) return { layer: { type: "Dropout" }, tensors: [] };
  return refuse(index, module, "is not a layer the platform can rebuild");
}

/** The layers of a Sequential (nested Sequentials flattened), or the module itself. */
function layersOf(model: Module): Module[] {
  if (is(model, nn.Sequential)) return model.children().flatMap(layersOf);
  return [model];
}

function isModule(value: unknown): value is Module {
  return value instanceof (nn.Module as unknown as new () => Module);
}

/** Default input shape: flat digits for a model that starts with Linear, one 28x28 channel otherwise. */
function defaultInputShape(first: LayerSpec): number[] {
  return first.type === "Linear" ? [first.in_features] : [1, 28, 28];
}

/** A trained model as a spec and its weights (copied, float32). Throws a TypeError naming an unknown layer. */
export function modelToSpec(model: unknown, inputShape?: readonly number[], standardize = true): { spec: ModelSpec; weights: Float32Array } {
  if (!isModule(model)) throw new TypeError("publish_model(model): model must be an nn.Module, such as the nn.Sequential you trained");
  const parts = layersOf(model).map(layerOf);
  const layers = parts.map((part) => part.layer);
  const parsed = modelSpecSchema.safeParse({ format: MODEL_SPEC_FORMAT, input_shape: inputShape ? [...inputShape] : defaultInputShape(layers[0]), standardize, layers });
  if (!parsed.success) throw new TypeError(`publish_model: ${parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")}`);
  const spec = parsed.data;
  const tensors = parts.flatMap((part) => part.tensors.filter((t): t is Tensor => t !== null));
  const weights = new Float32Array(weightCount(spec));
  let offset = 0;
  for (const tensor of tensors) {
    const values = torch.no_grad(() => tensor.detach().float().numpy());
    weights.set(values, offset);
    offset += values.length;
  }
  return { spec, weights };
}

// ---- spec -> model (the model's page, tests) ----------------------------------------------

function moduleOf(layer: LayerSpec): Module {
  switch (layer.type) {
    case "Linear":
      return new nn.Linear(layer.in_features, layer.out_features, { bias: layer.bias });
    case "Conv2d":
      return new nn.Conv2d(layer.in_channels, layer.out_channels, layer.kernel_size, { stride: layer.stride, padding: layer.padding, bias: layer.bias });
    case "MaxPool2d":
      return new nn.MaxPool2d(layer.kernel_size, { stride: layer.stride, padding: layer.padding });
    case "AvgPool2d":
      return new nn.AvgPool2d(layer.kernel_size, { stride: layer.stride, padding: layer.padding });
    case "BatchNorm1d":
      return new nn.BatchNorm1d(layer.num_features, { eps: layer.eps });
    case "BatchNorm2d":
      return new nn.BatchNorm2d(layer.num_features, { eps: layer.eps });
    case "Flatten":
      return new nn.Flatten();
    case "ReLU":
      return new nn.ReLU();
    case "Sigmoid":
      return new nn.Sigmoid();
    case "Tanh":
      return new nn.Tanh();
    case "GELU":
      return new nn.GELU({ approximate: layer.approximate });
    case "Softmax":
      return new nn.Softmax({ dim: layer.dim });
    case "Dropout":
      return new nn.Identity();
  }
}

/** The tensors of a rebuilt layer that its weights fill, in storage order. */
function targetsOf(module: Module, layer: LayerSpec): Tensor[] {
  const m = module as unknown as Record<string, Tensor | null>;
  const names = layer.type === "BatchNorm1d" || layer.type === "BatchNorm2d" ? ["weight", "bias", "running_mean", "running_var"] : ["weight", "bias"];
  return weightShapes(layer).map((_, i) => m[names[i]] as Tensor);
}

/** The network a spec describes, in evaluation mode, with its weights loaded. Throws on a spec `checkModel` refuses. */
export function specToModel(spec: ModelSpec, weights: Float32Array): Module {
  const checked = checkModel(spec, weights.byteLength);
  if (!checked.ok) throw new TypeError(`This model cannot be rebuilt: ${checked.problem}`);
  const modules = spec.layers.map(moduleOf);
  let offset = 0;
  torch.no_grad(() => {
    spec.layers.forEach((layer, i) => {
      for (const target of targetsOf(modules[i], layer)) {
        const n = target.numel();
        target.copy_(torch.from_array(weights.slice(offset, offset + n), target.shape));
        offset += n;
      }
    });
  });
  const model = new nn.Sequential(...modules);
  model.eval();
  return model;
}

// ---- weights on the wire -------------------------------------------------------------------

/** Base64 of the weights' bytes (JSON carries them; btoa exists in browsers, workers and Node). */
export function weightsToBase64(weights: Float32Array): string {
  return bytesToBase64(new Uint8Array(weights.buffer, weights.byteOffset, weights.byteLength));
}

export function weightsFromBase64(base64: string): Float32Array {
  const bytes = base64ToBytes(base64);
  if (bytes.length % 4 !== 0) throw new TypeError(`weights must be whole float32 numbers (a multiple of 4 bytes), got ${bytes.length} bytes`);
  return new Float32Array(bytes.buffer);
}
