/**
 * torch.onnx.export checked by a real ONNX runtime: onnxruntime-web's WebAssembly CPU backend,
 * run in Node, loads the exported bytes and must compute what our engine computes (1e-5),
 * including at a batch size other than the sample's (the dynamic batch axis).
 * (onnxruntime-node would need its install script to fetch CUDA libraries from nuget.org;
 * the web package ships everything in the npm tarball.)
 */
import * as ort from "onnxruntime-web";
import { beforeAll, describe, expect, it } from "vitest";
import { nn, torch, type Module, type Tensor } from "../../../lib/tensor/index";

beforeAll(() => {
  ort.env.wasm.numThreads = 1; // no worker threads: the machine's cores are shared
});

async function runOnnx(bytes: Uint8Array, input: Tensor, inputName = "input", outputName = "output"): Promise<{ data: Float32Array; dims: readonly number[] }> {
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ["wasm"] });
  try {
    const feed = { [inputName]: new ort.Tensor("float32", Float32Array.from(input.flatten().tolist() as number[]), input.shape) };
    const result = await session.run(feed);
    const out = result[outputName];
    return { data: out.data as Float32Array, dims: out.dims };
  } finally {
    await session.release();
  }
}

/** Our engine's eval-mode output for x. */
function engineOutput(model: Module, x: Tensor): Tensor {
  model.eval();
  return torch.no_grad(() => model(x) as Tensor);
}

async function expectSameAsOrt(model: Module, bytes: Uint8Array, x: Tensor, names?: [string, string]): Promise<void> {
  const want = engineOutput(model, x);
  const got = await runOnnx(bytes, x, ...(names ?? []));
  expect([...got.dims]).toEqual(want.shape);
  const w = want.flatten().tolist() as number[];
  expect(got.data.length).toBe(w.length);
  let maxErr = 0;
  for (let i = 0; i < w.length; i++) maxErr = Math.max(maxErr, Math.abs(got.data[i] - w[i]));
  expect(maxErr).toBeLessThan(1e-5);
}

/** Gives a BatchNorm running statistics that are not the defaults, so eval mode matters. */
function trainBatchNormStats(model: Module, x: Tensor, steps = 3): void {
  model.train();
  torch.no_grad(() => {
    for (let i = 0; i < steps; i++) model(x.mul(1 + i).add(0.3 * i));
  });
}

describe("torch.onnx.export, run by ONNX Runtime", () => {
  it("an MLP with every supported activation, at the sample's batch and another one", async () => {
    torch.manual_seed(0);
    const model = new nn.Sequential(
      new nn.Linear(6, 16), new nn.ReLU(), new nn.Dropout(0.5),
      new nn.Linear(16, 16), new nn.GELU(), new nn.Linear(16, 16), new nn.Tanh(),
      new nn.Sequential(new nn.Linear(16, 12), new nn.LeakyReLU(0.1), new nn.Linear(12, 12), new nn.Sigmoid()),
      new nn.Linear(12, 12), new nn.GELU("tanh"), new nn.BatchNorm1d(12), new nn.Identity(),
      new nn.Linear(12, 5), new nn.LogSoftmax(1),
    );
    trainBatchNormStats(model, torch.randn([8, 6]));
    model.train(); // export must use eval mode regardless, and leave the flags alone
    const sample = torch.randn([4, 6]);
    const bytes = torch.onnx.export(model, sample, { dynamic_axes: { input: { 0: "batch" }, output: { 0: "batch" } } });
    expect(model.training).toBe(true);
    expect(model.modules().every((m) => m.training)).toBe(true);
    expect(bytes).toBeInstanceOf(Uint8Array);
    await expectSameAsOrt(model, bytes, sample);
    await expectSameAsOrt(model, bytes, torch.randn([11, 6]));
  });

  it("a small CNN (conv-bn-relu-pool-linear) with a dynamic batch", async () => {
    torch.manual_seed(1);
    const model = new nn.Sequential(
      new nn.Conv2d(1, 4, 3, { padding: 1 }), new nn.BatchNorm2d(4), new nn.ReLU(), new nn.MaxPool2d(2),
      new nn.Conv2d(4, 8, 3, { stride: 2, padding: 1, dilation: 1, groups: 2 }), new nn.BatchNorm2d(8), new nn.ReLU(),
      new nn.Conv2d(8, 8, 3, { padding: 2, dilation: 2, bias: false }), new nn.AvgPool2d(2, { stride: 1, padding: 1, count_include_pad: false }),
      new nn.Flatten(), new nn.Linear(8 * 4 * 4, 10), new nn.Softmax(1),
    );
    trainBatchNormStats(model, torch.randn([6, 1, 12, 12]));
    const sample = torch.randn([2, 1, 12, 12]);
    const bytes = torch.onnx.export(model, sample, null, { input_names: ["image"], output_names: ["probs"], dynamic_axes: { image: [0], probs: [0] } });
    await expectSameAsOrt(model, bytes, sample, ["image", "probs"]);
    await expectSameAsOrt(model, bytes, torch.randn([5, 1, 12, 12]), ["image", "probs"]);
    // The dynamic axis is stored as a symbolic dim; the others as sizes.
    const info = torch.onnx.describe(bytes);
    expect(info.inputs).toEqual([{ name: "image", shape: ["image_dynamic_axes_0", 1, 12, 12] }]);
    expect(info.outputs).toEqual([{ name: "probs", shape: ["probs_dynamic_axes_0", 10] }]);
  });

  it("global average pooling, padding='same', ceil-mode max pooling, a partial Flatten and a 3-D Linear, at opset 13", async () => {
    torch.manual_seed(2);
    const model = new nn.Sequential(
      new nn.Conv2d(3, 6, 3, { padding: "same" }), new nn.ReLU(), new nn.MaxPool2d(2, { ceil_mode: true }),
      new nn.AdaptiveAvgPool2d(1), new nn.Flatten(2), new nn.Linear(1, 4), new nn.Flatten(0),
    );
    const sample = torch.randn([3, 3, 7, 7]);
    const bytes = torch.onnx.export(model, sample, { opset_version: 13 });
    expect(torch.onnx.describe(bytes).opset_version).toBe(13);
    await expectSameAsOrt(model, bytes, sample);
  });

  it("a model without layers is an Identity graph", async () => {
    const model = new nn.Sequential(new nn.Dropout(), new nn.Identity());
    const x = torch.randn([2, 3]);
    await expectSameAsOrt(model, torch.onnx.export(model, x), x);
  });
});

describe("torch.onnx.describe", () => {
  it("reads back the graph the exporter wrote: opset, initializers named like the state dict, nodes in order", () => {
    torch.manual_seed(3);
    const model = new nn.Sequential(new nn.Linear(4, 3), new nn.ReLU(), new nn.Linear(3, 2));
    const info = torch.onnx.describe(torch.onnx.export(model, torch.randn([1, 4])));
    expect(info.opset_version).toBe(17);
    expect(info.ir_version).toBe(8);
    expect(info.producer_name).toBe("gradbook");
    expect(info.nodes.map((n) => n.op_type)).toEqual(["Gemm", "Relu", "Gemm"]);
    expect(info.nodes[0].inputs).toEqual(["input", "0.weight", "0.bias"]);
    expect(info.nodes[2].outputs).toEqual(["output"]);
    expect(info.nodes[1].inputs).toEqual(info.nodes[0].outputs);
    expect(info.initializers).toEqual(
      Object.entries(model.state_dict()).map(([name, t]) => ({ name, dims: t.shape, data_type: 1 })),
    );
    expect(info.inputs).toEqual([{ name: "input", shape: [1, 4] }]);
  });
});

describe("torch.onnx.export call forms", () => {
  it("PyTorch's positional order (f, export_params, verbose, training, input_names, output_names, operator_export_type, opset_version, do_constant_folding) gives the same bytes as keywords", () => {
    torch.manual_seed(4);
    const model = new nn.Sequential(new nn.Linear(3, 2), new nn.Tanh());
    const x = torch.randn([2, 3]);
    const positional = torch.onnx.export(model, x, null, true, false, "eval", ["x"], ["y"], "ONNX", 15, true, { dynamic_axes: { x: { 0: "n" } } });
    const keywords = torch.onnx.export(model, [x], { input_names: ["x"], output_names: ["y"], opset_version: 15, dynamic_axes: { x: { 0: "n" } } });
    expect(positional).toEqual(keywords);
    const info = torch.onnx.describe(keywords);
    expect([info.opset_version, info.ir_version]).toEqual([15, 8]);
    expect(info.inputs).toEqual([{ name: "x", shape: ["n", 3] }]);
    expect(info.outputs).toEqual([{ name: "y", shape: [2, 2] }]);
  });
});

describe("torch.onnx.export refuses what it cannot export, clearly and without side effects", () => {
  const sample = torch.randn([2, 4]);

  it("names an unknown layer, where it is, and lists the supported ones", () => {
    const model = new nn.Sequential(new nn.Linear(4, 4), new nn.Sequential(new nn.ReLU(), new nn.ELU()));
    model.train();
    expect(() => torch.onnx.export(model, sample)).toThrow(/cannot export ELU \(at '1\.1'\).*Linear, ReLU, Sigmoid, Tanh, LeakyReLU, Softmax, LogSoftmax, GELU, Identity, Dropout, Flatten, Conv2d, MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, BatchNorm1d, BatchNorm2d/);
    expect(model.modules().every((m) => m.training)).toBe(true);
  });

  it("refuses a custom module, even one subclassing a known layer", () => {
    class Scaled extends nn.Linear {
      override forward(x: Tensor): Tensor {
        return super.forward(x).mul(2);
      }
    }
    expect(() => torch.onnx.export(new nn.Sequential(new Scaled(4, 2)), sample)).toThrow(/cannot export Scaled.*custom class or a subclass/);
    class Net extends nn.Module {
      fc = new nn.Linear(4, 2);
      override forward(x: Tensor): Tensor {
        return this.fc(x);
      }
    }
    expect(() => torch.onnx.export(new Net(), sample)).toThrow(/cannot export Net\. Gradbook's ONNX exporter knows these layers: Sequential, Linear/);
  });

  it("refuses layer settings ONNX would compute differently", () => {
    const img = torch.randn([1, 1, 6, 6]);
    expect(() => torch.onnx.export(new nn.Sequential(new nn.Conv2d(1, 1, 3, { padding_mode: "reflect", padding: 1 })), img)).toThrow(/Conv2d with padding_mode='reflect' is not supported/);
    expect(() => torch.onnx.export(new nn.Sequential(new nn.AdaptiveAvgPool2d(2)), img)).toThrow(/AdaptiveAvgPool2d with output_size=2/);
    expect(() => torch.onnx.export(new nn.Sequential(new nn.AvgPool2d(2, { ceil_mode: true })), img)).toThrow(/AvgPool2d with ceil_mode=True/);
    expect(() => torch.onnx.export(new nn.Sequential(new nn.MaxPool2d(2, { return_indices: true })), img)).toThrow(/return_indices/);
    expect(() => torch.onnx.export(new nn.Sequential(new nn.BatchNorm1d(4, { track_running_stats: false })), sample)).toThrow(/track_running_stats=False/);
  });

  it("checks its arguments", () => {
    const model = new nn.Sequential(new nn.Linear(4, 2));
    expect(() => torch.onnx.export(model, sample, { opset_version: 11 })).toThrow(/opset_version 11 is not supported; use one of 13, 14, 15, 16, 17/);
    expect(() => torch.onnx.export(model, sample, "model.onnx")).toThrow(/returns the model's bytes/);
    expect(() => torch.onnx.export(model, sample, { dynamic_axes: { x: [0] } })).toThrow(/dynamic_axes names 'x'/);
    expect(() => torch.onnx.export(model, sample, { dynamic_axes: { input: [2] } })).toThrow(/names dim 2, but 'input' has 2 dims/);
    expect(() => torch.onnx.export(model, sample, { input_names: ["a", "b"] })).toThrow(/input_names must list one non-empty name/);
    expect(() => torch.onnx.export(model, sample.double())).toThrow(/must be float32/);
    expect(() => torch.onnx.export(model, [sample, sample])).toThrow(/one sample input tensor/);
    expect(() => torch.onnx.export(model, sample, { operator_export_type: "ONNX_ATEN" as never })).toThrow(/operator_export_type must be "ONNX"/);
    expect(() => torch.onnx.export(model, sample, { opset: 13 } as never)).toThrow(/unexpected keyword argument 'opset'/);
    const hooked = new nn.Sequential(new nn.Linear(4, 2));
    hooked.register_forward_hook(() => undefined);
    expect(() => torch.onnx.export(hooked, sample)).toThrow(/has forward hooks/);
  });
});
