/**
 * torch.onnx.export(model, args, f?, options?): a model built from known layers to the bytes of
 * an ONNX file that ONNX Runtime (or any ONNX consumer) loads.
 *
 * Like PyTorch's exporter it runs the model once on the sample input, but instead of tracing
 * every tensor op it walks the modules in order: each known layer becomes the ONNX operators
 * that compute the same thing, and the sample run gives every intermediate shape. So only
 * models whose forward is "apply the children in order" (Sequential, nested) can be exported;
 * anything else is refused with the list of what is supported, never exported wrongly.
 * The graph is the eval-mode model (Dropout vanishes, BatchNorm uses its running statistics),
 * as PyTorch's default `training=TrainingMode.EVAL` exports it.
 */
import { parseArgs, type PyArgs } from "../args";
import { no_grad } from "../autograd/grad_mode";
import { float32 } from "../dtype";
import { RuntimeError, TypeError_, ValueError } from "../errors";
import { Module } from "../nn/module";
import { GELU, LeakyReLU, LogSoftmax, ReLU, Sigmoid, Softmax, Tanh } from "../nn/modules/activation";
import { BatchNorm1d } from "../nn/modules/batchnorm";
import { BatchNorm2d } from "../nn/modules/batchnorm2d";
import { Sequential } from "../nn/modules/container";
import { Conv2d } from "../nn/modules/conv";
import { Dropout } from "../nn/modules/dropout";
import { Flatten, Identity, Linear } from "../nn/modules/linear";
import { AdaptiveAvgPool2d, AvgPool2d, MaxPool2d } from "../nn/modules/pooling";
import { convPadding } from "../nn/functional/conv";
import { implicitSoftmaxDim } from "../nn/functional/activation";
import { contiguousData } from "../ops/util";
import { Tensor } from "../tensor";
import { encodeModel, FLOAT, INT64, type AttributeValue, type InitializerSpec, type NodeSpec, type ValueSpec } from "./proto";

/** The opsets this exporter writes; every operator used has the same semantics across them. */
export const SUPPORTED_OPSETS = [13, 14, 15, 16, 17] as const;
export const DEFAULT_OPSET = 17;
/** The IR version each opset came with (onnx/helper.py VERSION_TABLE). */
const IR_VERSION: Record<number, number> = { 13: 7, 14: 7, 15: 8, 16: 8, 17: 8 };

/** Which dims of a named input or output are dynamic: { 0: "batch" } or [0] (auto-named). */
export type DynamicAxes = Record<string, Record<number, string> | readonly number[]>;

export interface ExportOptions {
  /** Must be null/undefined: Gradbook returns the bytes instead of writing a file. */
  f?: string | null;
  export_params?: boolean;
  verbose?: boolean;
  training?: "eval" | boolean;
  input_names?: readonly string[];
  output_names?: readonly string[];
  /** Only "ONNX" (the default): standard operators, nothing else. */
  operator_export_type?: "ONNX" | null;
  opset_version?: number;
  do_constant_folding?: boolean;
  dynamic_axes?: DynamicAxes;
}

// PyTorch's positional order. A trailing plain object is always the options, so dynamic_axes
// (itself a plain object) is passed as a keyword.
const ARG_NAMES = [
  "f", "export_params", "verbose", "training", "input_names", "output_names", "operator_export_type", "opset_version", "do_constant_folding", "dynamic_axes",
] as const;

/** The layer classes this exporter knows, by exact class (a subclass may override forward). */
type Emitter<M extends Module = Module> = (g: GraphBuilder, m: M, x: string, input: Tensor, path: string) => string;
const EMITTERS = new Map<unknown, Emitter>();
function known<M extends Module>(cls: { prototype: M }, emit: Emitter<M>): void {
  EMITTERS.set(cls, emit as Emitter);
}

/** The names of the supported layers, for error messages and the docs. */
export function supportedModules(): string[] {
  return ["Sequential", ...[...EMITTERS.keys()].map((c) => (c as { __name__: string }).__name__)];
}

class GraphBuilder {
  nodes: NodeSpec[] = [];
  initializers: InitializerSpec[] = [];
  private used = new Set<string>();

  private unique(name: string): string {
    let n = name;
    for (let i = 1; this.used.has(n); i++) n = `${name}_${i}`;
    this.used.add(n);
    return n;
  }

  /** Adds one operator and returns the name of its (single) output. */
  node(op_type: string, path: string, inputs: string[], attributes: Record<string, AttributeValue> = {}): string {
    const name = this.unique(`/${path ? path.replaceAll(".", "/") + "/" : ""}${op_type}`);
    const output = `${name}_output_0`;
    this.nodes.push({ op_type, name, inputs, outputs: [output], attributes });
    return output;
  }

  floatConst(name: string, dims: number[], values: ArrayLike<number>): string {
    const unique = this.unique(name);
    this.initializers.push({ name: unique, dims, data_type: FLOAT, values });
    return unique;
  }

  intConst(name: string, values: number[]): string {
    const unique = this.unique(name);
    this.initializers.push({ name: unique, dims: [values.length], data_type: INT64, values });
    return unique;
  }

  param(name: string, t: Tensor): string {
    return this.floatConst(name, [...t.shape], contiguousData(t));
  }
}

const pair = (v: number | readonly number[]): number[] => (typeof v === "number" ? [v, v] : [...v]);
const join = (path: string, name: string): string => (path ? `${path}.${name}` : name);
const unsupported = (m: Module, what: string): RuntimeError =>
  new RuntimeError(`torch.onnx.export: ${m._get_name()} with ${what} is not supported by Gradbook's ONNX exporter`);

known(Linear, (g, m, x, input, path) => {
  const w = g.param(join(path, "weight"), m.weight);
  if (input.dim() === 2) {
    // Gemm computes x @ W^T + b in one operator, as PyTorch exports a 2-D Linear.
    const inputs = m.bias ? [x, w, g.param(join(path, "bias"), m.bias)] : [x, w];
    return g.node("Gemm", path, inputs, { alpha: { float: 1 }, beta: { float: 1 }, transB: 1 });
  }
  g.initializers.pop(); // MatMul needs W^T: store the transposed weight instead.
  const wt = g.param(join(path, "weight_T"), no_grad(() => m.weight.t().contiguous()));
  const y = g.node("MatMul", path, [x, wt]);
  return m.bias ? g.node("Add", path, [y, g.param(join(path, "bias"), m.bias)]) : y;
});
known(ReLU, (g, _m, x, _i, path) => g.node("Relu", path, [x]));
known(Sigmoid, (g, _m, x, _i, path) => g.node("Sigmoid", path, [x]));
known(Tanh, (g, _m, x, _i, path) => g.node("Tanh", path, [x]));
known(LeakyReLU, (g, m, x, _i, path) => g.node("LeakyRelu", path, [x], { alpha: { float: m.negative_slope } }));
known(Softmax, (g, m, x, input, path) => g.node("Softmax", path, [x], { axis: m.dim ?? implicitSoftmaxDim(input.dim()) }));
known(LogSoftmax, (g, m, x, input, path) => g.node("LogSoftmax", path, [x], { axis: m.dim ?? implicitSoftmaxDim(input.dim(), "log_softmax") }));
known(GELU, (g, m, x, _i, path) => {
  // Opsets before 20 have no Gelu operator: write out the formula, as PyTorch does.
  const c = (name: string, v: number): string => g.floatConst(join(path, name), [], [v]);
  let inner: string;
  if (m.approximate === "tanh") {
    // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
    const x3 = g.node("Mul", path, [g.node("Mul", path, [x, x]), x]);
    const poly = g.node("Add", path, [x, g.node("Mul", path, [x3, c("gelu_coeff", 0.044715)])]);
    inner = g.node("Tanh", path, [g.node("Mul", path, [poly, c("sqrt_2_over_pi", Math.sqrt(2 / Math.PI))])]);
  } else {
    // 0.5 x (1 + erf(x / sqrt(2)))
    inner = g.node("Erf", path, [g.node("Div", path, [x, c("sqrt_2", Math.SQRT2)])]);
  }
  const onePlus = g.node("Add", path, [inner, c("one", 1)]);
  return g.node("Mul", path, [g.node("Mul", path, [x, onePlus]), c("half", 0.5)]);
});
known(Identity, (_g, _m, x) => x);
known(Dropout, (_g, _m, x) => x); // identity in eval mode, which is what gets exported
known(Flatten, (g, m, x, input, path) => {
  const rank = input.dim();
  const start = m.start_dim < 0 ? m.start_dim + rank : m.start_dim;
  const end = m.end_dim < 0 ? m.end_dim + rank : m.end_dim;
  if (start === 1 && end === rank - 1) return g.node("Flatten", path, [x], { axis: 1 });
  // Other ranges: Reshape with 0 ("keep this dim", so a dynamic batch survives) before the
  // flattened range, -1 for the range and the sample's sizes after it.
  const shape = [...Array(start).fill(0), -1, ...input.shape.slice(end + 1)];
  return g.node("Reshape", path, [x, g.intConst(join(path, "shape"), shape)]);
});
known(Conv2d, (g, m, x, _i, path) => {
  if (m.padding_mode !== "zeros") throw unsupported(m, `padding_mode='${m.padding_mode}'`);
  const [before, after] = convPadding("Conv2d", m.padding, m.kernel_size, m.stride, m.dilation);
  const inputs = [x, g.param(join(path, "weight"), m.weight)];
  if (m.bias) inputs.push(g.param(join(path, "bias"), m.bias));
  return g.node("Conv", path, inputs, {
    dilations: [...m.dilation], group: m.groups, kernel_shape: [...m.kernel_size], pads: [...before, ...after], strides: [...m.stride],
  });
});
known(MaxPool2d, (g, m, x, _i, path) => {
  if (m.return_indices) throw unsupported(m, "return_indices=True");
  const p = pair(m.padding);
  return g.node("MaxPool", path, [x], {
    ceil_mode: m.ceil_mode ? 1 : 0, dilations: pair(m.dilation), kernel_shape: pair(m.kernel_size), pads: [...p, ...p], strides: pair(m.stride ?? m.kernel_size),
  });
});
known(AvgPool2d, (g, m, x, _i, path) => {
  if (m.divisor_override !== null) throw unsupported(m, "divisor_override");
  // ONNX's AveragePool counts a ceil-mode window's overhang differently from PyTorch.
  if (m.ceil_mode) throw unsupported(m, "ceil_mode=True");
  const p = pair(m.padding);
  return g.node("AveragePool", path, [x], {
    count_include_pad: m.count_include_pad ? 1 : 0, kernel_shape: pair(m.kernel_size), pads: [...p, ...p], strides: pair(m.stride ?? m.kernel_size),
  });
});
known(AdaptiveAvgPool2d, (g, m, x, _i, path) => {
  const size = m.output_size;
  const isOne = size === 1 || (Array.isArray(size) && size.length === 2 && size.every((s) => s === 1));
  if (!isOne) throw unsupported(m, `output_size=${JSON.stringify(size)} (only output_size=1, a global average, is)`);
  return g.node("GlobalAveragePool", path, [x]);
});
const batchNorm: Emitter<BatchNorm1d> = (g, m, x, _i, path) => {
  if (!m.running_mean || !m.running_var) throw unsupported(m, "track_running_stats=False (eval mode would use batch statistics)");
  const n = m.num_features;
  const scale = m.weight ? g.param(join(path, "weight"), m.weight) : g.floatConst(join(path, "weight"), [n], new Float32Array(n).fill(1));
  const bias = m.bias ? g.param(join(path, "bias"), m.bias) : g.floatConst(join(path, "bias"), [n], new Float32Array(n));
  const mean = g.param(join(path, "running_mean"), m.running_mean);
  const variance = g.param(join(path, "running_var"), m.running_var);
  return g.node("BatchNormalization", path, [x, scale, bias, mean, variance], { epsilon: { float: m.eps }, momentum: { float: 1 - (m.momentum ?? 0.1) } });
};
known(BatchNorm1d, batchNorm);
known(BatchNorm2d, batchNorm);

/** Emits `m` applied to value `x` (whose sample is `input`); returns the output value and sample. */
function emit(g: GraphBuilder, m: Module, x: string, input: Tensor, path: string): [string, Tensor] {
  const cls = Object.getPrototypeOf(m).constructor as unknown;
  // A hook can change what a layer computes, and the graph would not know.
  if (m._forward_hooks.size > 0 || m._forward_pre_hooks.size > 0) {
    throw new RuntimeError(`torch.onnx.export: ${m._get_name()}${path ? ` (at '${path}')` : ""} has forward hooks, which the exported graph cannot include; remove them first`);
  }
  if (cls === Sequential) {
    let value = x;
    let sample = input;
    for (const [name, child] of m.named_children()) [value, sample] = emit(g, child, value, sample, join(path, name));
    return [value, sample];
  }
  const emitter = EMITTERS.get(cls);
  if (!emitter) {
    const at = path ? ` (at '${path}')` : "";
    throw new RuntimeError(
      `torch.onnx.export: cannot export ${m._get_name()}${at}. Gradbook's ONNX exporter knows these layers: ${supportedModules().join(", ")} ` +
        `(nested Sequentials of them; a custom class or a subclass with its own forward cannot be exported)`,
    );
  }
  const value = emitter(g, m, x, input, path); // first: it refuses unsupported settings
  const output = m.forward(input) as unknown;
  if (!(output instanceof Tensor)) throw new RuntimeError(`torch.onnx.export: ${m._get_name()} did not return a tensor`);
  return [value, output];
}

function dynamicDims(axes: DynamicAxes, name: string, rank: number): Map<number, string> {
  const spec = axes[name];
  const out = new Map<number, string>();
  if (spec === undefined) return out;
  const entries: [number, string][] = Array.isArray(spec)
    ? (spec as readonly number[]).map((d) => [d, `${name}_dynamic_axes_${d}`])
    : Object.entries(spec).map(([d, n]) => [Number(d), String(n)]);
  for (const [d, n] of entries) {
    if (!Number.isInteger(d) || d < 0 || d >= rank) throw new ValueError(`torch.onnx.export: dynamic_axes['${name}'] names dim ${d}, but '${name}' has ${rank} dims`);
    out.set(d, n);
  }
  return out;
}

function valueInfo(name: string, t: Tensor, axes: DynamicAxes): ValueSpec {
  const dynamic = dynamicDims(axes, name, t.dim());
  return { name, shape: t.shape.map((s, i) => dynamic.get(i) ?? s) };
}

/** Checks the options before anything runs, so bad input changes nothing. */
function resolveOptions(a: Partial<ExportOptions>): Required<Pick<ExportOptions, "input_names" | "output_names" | "opset_version" | "dynamic_axes">> {
  if (a.f !== undefined && a.f !== null) {
    throw new TypeError_("torch.onnx.export returns the model's bytes instead of writing a file: leave f out (or pass null) and keep the returned Uint8Array");
  }
  if (a.export_params === false) throw new ValueError("torch.onnx.export: export_params=False is not supported (the weights are always included)");
  if (a.operator_export_type != null && a.operator_export_type !== "ONNX") {
    throw new ValueError(`torch.onnx.export: operator_export_type must be "ONNX" (standard operators only), got ${JSON.stringify(a.operator_export_type)}`);
  }
  if (a.training === true) throw new ValueError("torch.onnx.export: only the eval-mode graph can be exported (training=TrainingMode.EVAL)");
  const opset = a.opset_version ?? DEFAULT_OPSET;
  if (!(SUPPORTED_OPSETS as readonly number[]).includes(opset)) {
    throw new ValueError(`torch.onnx.export: opset_version ${opset} is not supported; use one of ${SUPPORTED_OPSETS.join(", ")} (default ${DEFAULT_OPSET})`);
  }
  const input_names = a.input_names ?? ["input"];
  const output_names = a.output_names ?? ["output"];
  for (const [what, names] of [["input_names", input_names], ["output_names", output_names]] as const) {
    if (!Array.isArray(names) || names.length !== 1 || typeof names[0] !== "string" || names[0] === "") {
      throw new ValueError(`torch.onnx.export: ${what} must list one non-empty name (the exported models have one ${what.slice(0, -6)}), got ${JSON.stringify(names)}`);
    }
  }
  if (input_names[0] === output_names[0]) throw new ValueError("torch.onnx.export: the input and the output need different names");
  const dynamic_axes = a.dynamic_axes ?? {};
  for (const key of Object.keys(dynamic_axes)) {
    if (key !== input_names[0] && key !== output_names[0]) {
      throw new ValueError(`torch.onnx.export: dynamic_axes names '${key}', which is neither the input ('${input_names[0]}') nor the output ('${output_names[0]}')`);
    }
  }
  return { input_names, output_names, opset_version: opset, dynamic_axes };
}

/**
 * torch.onnx.export(model, args, f?, export_params?, verbose?, training?, input_names?, output_names?,
 * operator_export_type?, opset_version?, do_constant_folding?, { dynamic_axes }?) -> Uint8Array, the ONNX model's bytes.
 * `args` is the sample input (a tensor, or a one-element array of it).
 */
export function exportModel(model: Module, args: Tensor | readonly Tensor[], ...rest: PyArgs<
    [
      f?: string | null, export_params?: boolean, verbose?: boolean, training?: "eval" | boolean, input_names?: readonly string[],
      output_names?: readonly string[], operator_export_type?: "ONNX" | null, opset_version?: number, do_constant_folding?: boolean,
    ],
    ExportOptions
  >): Uint8Array {
  if (!(model instanceof Module)) throw new TypeError_("torch.onnx.export: model must be an nn.Module");
  const sample = Array.isArray(args) ? (args.length === 1 ? args[0] : undefined) : args;
  if (!(sample instanceof Tensor)) throw new TypeError_("torch.onnx.export: args must be one sample input tensor (or an array holding exactly one)");
  if (sample.dtype !== float32) throw new TypeError_(`torch.onnx.export: the sample input must be float32, got ${sample.dtype.name ?? String(sample.dtype)}`);
  for (const [name, p] of [...model.named_parameters(), ...model.named_buffers()]) {
    if (p && p.dtype !== float32 && !name.endsWith("num_batches_tracked")) {
      throw new TypeError_(`torch.onnx.export: '${name}' is not float32; ONNX export supports float32 models`);
    }
  }
  const o = resolveOptions(parseArgs<ExportOptions>("torch.onnx.export", ARG_NAMES, rest));
  const [inputName] = o.input_names;
  const [outputName] = o.output_names;

  // Export the eval-mode graph; put every module's training flag back afterwards.
  const modes = model.modules().map((m) => [m, m.training] as const);
  model.eval();
  const g = new GraphBuilder();
  let value: string;
  let out: Tensor;
  try {
    [value, out] = no_grad(() => emit(g, model, inputName, sample, ""));
  } finally {
    for (const [m, training] of modes) m.training = training;
  }
  // Name the last operator's output after the graph output (or copy when the model is empty).
  const last = g.nodes.find((n) => n.outputs[0] === value);
  if (last) last.outputs[0] = outputName;
  else g.nodes.push({ op_type: "Identity", name: "/Identity", inputs: [value], outputs: [outputName], attributes: {} });

  return encodeModel({
    ir_version: IR_VERSION[o.opset_version],
    opset_version: o.opset_version,
    producer_name: "gradbook",
    producer_version: "1",
    graph_name: model._get_name(),
    nodes: g.nodes,
    initializers: g.initializers,
    inputs: [valueInfo(inputName, sample, o.dynamic_axes)],
    outputs: [valueInfo(outputName, out, o.dynamic_axes)],
  });
}
