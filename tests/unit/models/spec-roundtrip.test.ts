import { describe, expect, it } from "vitest";
import { nn, torch, type Module, type Tensor } from "@/lib/tensor";
import { checkModel, modelSpecSchema, modelToSpec, specToModel, weightsFromBase64, weightsToBase64 } from "@/lib/kernel/models/spec";

/** Trains a few steps so BatchNorm's running statistics and every weight move off their init. */
function trained(model: Module, input: Tensor): Module {
  const opt = new torch.optim.SGD(model.parameters(), { lr: 0.05 });
  for (let step = 0; step < 3; step++) {
    opt.zero_grad();
    (model(input) as Tensor).pow(2).mean().backward();
    opt.step();
  }
  model.eval();
  return model;
}

function roundTrip(model: Module) {
  const { spec, weights } = modelToSpec(model);
  // Through JSON and base64, as the API stores it.
  const stored = modelSpecSchema.parse(JSON.parse(JSON.stringify(spec)));
  return { spec, rebuilt: specToModel(stored, weightsFromBase64(weightsToBase64(weights))) };
}

describe("published model spec", () => {
  it("an MLP with BatchNorm and Dropout gives identical outputs after model -> spec -> model", () => {
    torch.manual_seed(1);
    const x = torch.randn([16, 784]);
    const model = trained(new nn.Sequential(new nn.Linear(784, 32), new nn.BatchNorm1d(32), new nn.ReLU(), new nn.Dropout(0.2), new nn.Linear(32, 10)), x);
    const { spec, rebuilt } = roundTrip(model);
    expect(spec.layers.map((layer) => layer.type)).toEqual(["Linear", "BatchNorm1d", "ReLU", "Dropout", "Linear"]);
    expect(spec.input_shape).toEqual([784]);
    const expected = torch.no_grad(() => (model(x) as Tensor).tolist());
    expect(torch.no_grad(() => (rebuilt(x) as Tensor).tolist())).toEqual(expected);
  });

  it("a CNN with conv, pooling, BatchNorm2d, GELU and Softmax gives identical outputs", () => {
    torch.manual_seed(2);
    const x = torch.randn([4, 1, 28, 28]);
    const model = trained(
      new nn.Sequential(
        new nn.Conv2d(1, 4, 3, { padding: 1 }), new nn.BatchNorm2d(4), new nn.GELU(), new nn.MaxPool2d(2),
        new nn.Conv2d(4, 6, 5, { stride: 2, bias: false }), new nn.Tanh(), new nn.AvgPool2d(2),
        new nn.Flatten(), new nn.Linear(6 * 2 * 2, 10), new nn.Sigmoid(), new nn.Softmax({ dim: 1 }),
      ),
      x,
    );
    const { spec, rebuilt } = roundTrip(model);
    expect(spec.input_shape).toEqual([1, 28, 28]);
    expect(torch.no_grad(() => (rebuilt(x) as Tensor).tolist())).toEqual(torch.no_grad(() => (model(x) as Tensor).tolist()));
  });

  it("refuses a learner's own layer by name: a published model is never code", () => {
    class Square extends nn.Module {
      override forward(x: Tensor) {
        return x.pow(2);
      }
    }
    expect(() => modelToSpec(new nn.Sequential(new nn.Linear(784, 10), new Square()))).toThrow(/layer 1 \(Square\) is not a layer the platform can rebuild/);
    expect(() => modelToSpec({ forward: () => 0 })).toThrow(/must be an nn.Module/);
  });

  it("checkModel names the layer that does not fit, a wrong input and missing weights", () => {
    const spec = modelSpecSchema.parse({ format: "gradbook-model/1", input_shape: [784], layers: [{ type: "Linear", in_features: 784, out_features: 64, bias: true }, { type: "Linear", in_features: 32, out_features: 10, bias: true }] });
    expect(checkModel(spec, 0)).toEqual({ ok: false, problem: "layer 1 (Linear) expects 32 features in its last dimension, gets an input of shape [64]" });
    const good = { ...spec, layers: [spec.layers[0], { type: "Linear" as const, in_features: 64, out_features: 10, bias: true }] };
    const bytes = (784 * 64 + 64 + 64 * 10 + 10) * 4;
    expect(checkModel(good, bytes)).toEqual({ ok: true, classes: 10 });
    expect(checkModel(good, bytes - 4)).toEqual({ ok: false, problem: `the layers need ${bytes} bytes of float32 weights, got ${bytes - 4}` });
    expect(checkModel({ ...good, input_shape: [28, 28] }, bytes)).toMatchObject({ ok: false, problem: expect.stringMatching(/^input_shape must be \[784\]/) });
  });
});
