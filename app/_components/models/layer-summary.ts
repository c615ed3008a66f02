import { weightShapes, type LayerSpec, type ModelSpec } from "@/lib/kernel/models/spec";

/** One line per layer, as PyTorch prints them, e.g. "Linear(784 → 128)". */
export function describeLayer(layer: LayerSpec): string {
  switch (layer.type) {
    case "Linear":
      return `Linear(${layer.in_features} → ${layer.out_features}${layer.bias ? "" : ", no bias"})`;
    case "Conv2d":
      return `Conv2d(${layer.in_channels} → ${layer.out_channels}, kernel ${layer.kernel_size.join("x")}, stride ${layer.stride.join("x")}, padding ${layer.padding.join("x")})`;
    case "MaxPool2d":
    case "AvgPool2d":
      return `${layer.type}(kernel ${layer.kernel_size.join("x")}, stride ${layer.stride.join("x")})`;
    case "BatchNorm1d":
    case "BatchNorm2d":
      return `${layer.type}(${layer.num_features}, eval: running statistics)`;
    case "GELU":
      return layer.approximate === "tanh" ? "GELU(tanh)" : "GELU";
    case "Softmax":
      return `Softmax(dim=${layer.dim})`;
    case "Dropout":
      return "Dropout (identity when predicting)";
    default:
      return layer.type;
  }
}

export function parameterCount(spec: ModelSpec): number {
  // BatchNorm's running statistics are buffers, not parameters: count its weight and bias only.
  return spec.layers.reduce((total, layer) => {
    const shapes = weightShapes(layer).slice(0, layer.type.startsWith("BatchNorm") ? 2 : undefined);
    return total + shapes.reduce((sum, shape) => sum + shape.reduce((a, b) => a * b, 1), 0);
  }, 0);
}
