/**
 * A cold probe of mrdbourke/pytorch-deep-learning ("Zero to Mastery Learn PyTorch for Deep Learning"), translated as a
 * learner would: 00_pytorch_fundamentals (tensor creation and printing, matmul and its deliberate shape error,
 * aggregation, reshape / view / stack / squeeze / permute, indexing, NumPy, seeds, devices), 01_pytorch_workflow
 * (LinearRegressionModel with nn.Parameter, the L1Loss / SGD loop with torch.inference_mode, saving and loading the
 * state_dict, LinearRegressionModelV2), 02_pytorch_classification (circles with BCEWithLogitsLoss: CircleModelV0 / V1
 * / V2, the regression check, relu and sigmoid by hand, blobs with BlobModel and CrossEntropyLoss),
 * 03_pytorch_computer_vision (FashionMNISTModelV0 / V1 / V2 with train_step / test_step / eval_model, the conv and
 * max-pool cells, make_predictions), 04_pytorch_custom_datasets (the tensor parts: permute, TinyVGG, one prediction),
 * going_modular (model_builder.TinyVGG trained through engine.train) and 08_pytorch_paper_replicating (PatchEmbedding,
 * the class and position embeddings, MultiheadSelfAttentionBlock, MLPBlock, TransformerEncoderBlock, ViT, and the
 * nn.TransformerEncoderLayer it is compared with), plus the mistakes a learner typically makes there (labels of the
 * wrong dtype or shape, a missing unsqueeze, forgetting model.eval(), misusing torch.inference_mode), whose errors
 * are compared with torch's.
 * make_circles / make_blobs / FashionMNIST / the pizza-steak-sushi images are seeded torch stand-ins (circles(),
 * blobs(), images() below, built by the same calls in the fixture script); sizes and epochs are cut. Values are
 * compared with torch 1.13 running the same code (scripts/fixtures/zero_to_mastery_fixtures.py ->
 * tests/fixtures/torch/tutorials/zero_to_mastery.json).
 *
 * Python forms written otherwise: f"{t}" of a 0-dim tensor (Tensor.__format__ prints the item) -> `${t.item()}`,
 * f"{loss:.5f}" -> pyFixed(loss.item(), 5) (Python rounds half to even, toFixed half up), print(model.state_dict())
 * -> odRepr (a state dict is a plain object here: the kernel displays it as { name: tensor }), `x += y` on a tensor
 * -> x = x.add(y), `z[:, 0] = 5` -> index_put_, `next(iter(loader))` -> the iterator's first value,
 * `with torch.inference_mode():` -> torch.inference_mode(() => ...), model.__class__.__name__ -> constructor.name.
 * Known differences kept visible (JavaScript numbers cannot tell 7 from 7.0): torch.tensor(7) and torch.tensor([1, 2, 3])
 * are float32 here, int64 in torch; torch.arange(1., 8.) is int64 here, float32 in torch. The learner writes the
 * dtype (long / { dtype: torch.float32 }) to get torch's values, as below.
 */
import { describe, expect, it, vi } from "vitest";
import { nn, optim, torch, utils, type Tensor } from "../../../../lib/tensor/index";
import { expectNums, expectT, thrown, tutorialFixture, type TJ } from "./helpers";

const ref = tutorialFixture<Record<string, any>>("zero_to_mastery.json"); // eslint-disable-line @typescript-eslint/no-explicit-any
const { DataLoader, TensorDataset } = utils.data;
const long = { dtype: torch.int64 };
const float32 = { dtype: torch.float32 };

/** Python's print(model.state_dict()): OrderedDict([('name', tensor(...)), ...]). */
const odRepr = (sd: Record<string, Tensor>) => `OrderedDict([${Object.entries(sd).map(([k, t]) => `('${k}', ${String(t)})`).join(", ")}])`;
/** Python's f"{x:.{d}f}": the exact binary value rounded half to even (JavaScript's toFixed rounds a tie up). */
function pyFixed(x: number, d: number): string {
  const s = x.toFixed(d);
  const wide = Math.abs(x).toFixed(Math.min(100, d + 30));
  const rest = wide.slice(wide.indexOf(".") + 1 + d);
  if (!/^50*$/.test(rest)) return s;
  const last = Number(s[s.length - 1]);
  return last % 2 === 0 ? s : (x < 0 ? -1 : 1) * (Math.abs(Number(s)) - 10 ** -d) < 0 ? s : ((x < 0 ? -1 : 1) * (Math.abs(Number(s)) - 10 ** -d)).toFixed(d);
}
/** The numbers in printed lines compared with a tolerance, the words exactly. */
function expectLines(actual: readonly string[], expected: readonly string[], tol: number): void {
  const NUM = /-?\d+\.?\d*(e[+-]?\d+)?/g;
  expect(actual.map((l) => l.replace(NUM, "#"))).toEqual(expected.map((l) => l.replace(NUM, "#")));
  const nums = (ls: readonly string[]) => ls.flatMap((l) => (l.match(NUM) ?? []).map(Number));
  const a = nums(actual), e = nums(expected);
  a.forEach((v, i) => expect(Math.abs(v - e[i]), `${v} vs ${e[i]}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(e[i]))));
}
/** The first batch: Python's next(iter(loader)). */
const firstBatch = (loader: Iterable<Tensor[]>) => loader[Symbol.iterator]().next().value as Tensor[];

/** make_circles' stand-in: even indices on the outer circle (label 0), odd on the inner one (radius 0.8), noise 0.03. */
function circles(n: number, seed: number): [Tensor, Tensor] {
  const g = new torch.Generator().manual_seed(seed);
  const t = torch.rand([n], { generator: g }).mul(2 * Math.PI);
  const y = torch.arange(n).remainder(2).float();
  const r = y.mul(-0.2).add(1.0);
  const X = torch.stack([r.mul(torch.cos(t)), r.mul(torch.sin(t))], { dim: 1 }).add(torch.randn([n, 2], { generator: g }).mul(0.03));
  return [X, y];
}
/** make_blobs' stand-in: centers uniform in [-10, 10), cluster_std 1.5, int64 labels. */
function blobs(n: number, seed: number, centers = 4): [Tensor, Tensor] {
  const g = new torch.Generator().manual_seed(seed);
  const c = torch.rand([centers, 2], { generator: g }).mul(20).sub(10);
  const y = torch.randint(0, centers, [n], { generator: g });
  const X = c.index(y).add(torch.randn([n, 2], { generator: g }).mul(1.5));
  return [X, y];
}
/** train_test_split's stand-in: a seeded permutation, the first test_size * n rows for testing. */
function split(X: Tensor, y: Tensor, test_size: number, seed: number): [Tensor, Tensor, Tensor, Tensor] {
  const perm = torch.randperm(X.shape[0], { generator: new torch.Generator().manual_seed(seed) });
  const n_test = Math.trunc(test_size * X.shape[0]);
  const te = perm.index(`:${n_test}`), tr = perm.index(`${n_test}:`);
  return [X.index(tr), X.index(te), y.index(tr), y.index(te)];
}
/** The image stand-in (FashionMNIST, pizza / steak / sushi): uniform pixels * 0.5, class k brightens row (2k) % h. */
function images(seed: number, n: number, c: number, h: number, w: number, classes = 10): [Tensor, Tensor] {
  const g = new torch.Generator().manual_seed(seed);
  const x = torch.rand([n, c, h, w], { generator: g }).mul(0.5);
  const y = torch.randint(0, classes, [n], { generator: g });
  for (let i = 0; i < n; i++) x.index(i, null, (2 * y.index(i).item()) % h).add_(0.5);
  return [x, y];
}
/** helper_functions.accuracy_fn. */
function accuracy_fn(y_true: Tensor, y_pred: Tensor): number {
  const correct = torch.eq(y_true, y_pred).sum().item();
  return (correct / y_pred.shape[0]) * 100;
}

describe("00 PyTorch fundamentals", () => {
  const r = ref.nb00;
  it("scalars, vectors, matrices and tensors print and measure as torch's (integers by dtype: see the header)", () => {
    // the known difference: a JS number literal makes a float tensor
    expect([String(torch.tensor(7)), r.basics[0]]).toEqual(["tensor(7.)", "tensor(7)"]);
    const scalar = torch.tensor(7, long);
    const vector = torch.tensor([7, 7], long);
    const MATRIX = torch.tensor([[7, 8], [9, 10]], long);
    const TENSOR = torch.tensor([[[1, 2, 3], [3, 6, 9], [2, 4, 5]]], long);
    expect([String(scalar), scalar.ndim, scalar.item(), String(vector), vector.ndim, String(MATRIX), MATRIX.ndim, String(TENSOR), TENSOR.ndim, [...TENSOR.shape]]).toEqual(r.basics);
  });
  it("random, zeros, ones, range (with its warning), arange and zeros_like(input=...)", () => {
    torch.manual_seed(42);
    const random_tensor = torch.rand({ size: [3, 4] });
    expect([String(random_tensor), String(random_tensor.dtype)]).toEqual(r.random_tensor);
    const random_image_size_tensor = torch.rand({ size: [224, 224, 3] });
    expect([[...random_image_size_tensor.shape], random_image_size_tensor.ndim]).toEqual(r.random_image);
    const zeros = torch.zeros({ size: [3, 4] });
    const ones = torch.ones({ size: [3, 4] });
    expect([String(zeros), String(ones), String(ones.dtype)]).toEqual(r.zeros_ones);
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const zero_to_ten_deprecated = torch.range(0, 10);
    expect([String(zero_to_ten_deprecated), String(warn.mock.calls[0][0]).replace("UserWarning: ", "")]).toEqual(r.range);
    warn.mockRestore();
    const zero_to_ten = torch.arange({ start: 0, end: 10, step: 1 });
    expect([String(zero_to_ten), String(torch.zeros_like({ input: zero_to_ten } as never))]).toEqual(r.arange);
    const float_32_tensor = torch.tensor([3.0, 6.0, 9.0], { dtype: null, device: null, requires_grad: false });
    expect([[...float_32_tensor.shape], String(float_32_tensor.dtype), `${float_32_tensor.device}`]).toEqual(r.float_32);
    // float16 is refused (a documented limit of the engine), with a message saying what to use
    expect(thrown(() => torch.tensor([3.0, 6.0, 9.0], { dtype: torch.float16 }))![1]).toMatch(/float16 is not supported.*Use torch.float32/);
  });
  it("element-wise ops, matmul, the deliberate shape error, and nn.Linear", () => {
    let tensor = torch.tensor([1, 2, 3], long);
    expect([String(tensor.add(10)), String(tensor.mul(10)), String(tensor.sub(10)), String(torch.multiply(tensor, 10)), String(tensor.mul(tensor)),
      String(torch.matmul(tensor, tensor)), String(tensor.matmul(tensor))]).toEqual(r.ops);
    let value: Tensor | number = 0;
    for (let i = 0; i < tensor.shape[0]; i++) value = torch.add(tensor.index(i).mul(tensor.index(i)), value);
    expect(String(value)).toBe(r.loop_value);
    const tensor_A = torch.tensor([[1, 2], [3, 4], [5, 6]], float32);
    const tensor_B = torch.tensor([[7, 10], [8, 11], [9, 12]], float32);
    expect(r.matmul_error).toEqual(["RuntimeError", "mat1 and mat2 shapes cannot be multiplied (3x2 and 3x2)"]);
    expect(thrown(() => torch.matmul(tensor_A, tensor_B))).toEqual(r.matmul_error);
    const output = torch.matmul(tensor_A, tensor_B.T);
    expect([String(tensor_A), String(tensor_B), String(tensor_B.T), String(output), [...output.shape], String(torch.mm(tensor_A, tensor_B.T))]).toEqual(r.matmul_ok);
    torch.manual_seed(42);
    const linear = new nn.Linear({ in_features: 2, out_features: 6 });
    expect([String(linear(tensor_A)), [...linear(tensor_A).shape]]).toEqual(r.linear);
    tensor = torch.arange(0, 100, 10);
  });
  it("aggregation, the mean of an int64 tensor, argmax / argmin, and a dtype change", () => {
    const x = torch.arange(0, 100, 10);
    expect([`Minimum: ${x.min().item()}`, `Maximum: ${x.max().item()}`, `Mean: ${x.type(torch.float32).mean().item().toFixed(1)}`, `Sum: ${x.sum().item()}`,
      String(torch.max(x)), String(torch.min(x)), String(torch.mean(x.type(torch.float32))), String(torch.sum(x))]).toEqual(r.aggregation);
    // torch's message, and the engine's hint after it
    const e = thrown(() => x.mean())!;
    expect(e[0]).toBe(r.mean_long_error[0]);
    expect(e[1].startsWith(r.mean_long_error[1])).toBe(true);
    const tensor = torch.arange(10, 100, 10);
    expect([String(tensor), `${tensor.argmax().item()}`, `${tensor.argmin().item()}`]).toEqual(r.argmax);
    // torch.arange(10., 100., 10.) is float32 in torch, int64 here (the header): the dtype written out
    expect(String(torch.arange(10.0, 100.0, 10.0).dtype)).toBe("torch.int64");
    const tensor_f = torch.arange(10, 100, 10, float32);
    expect([String(tensor_f.dtype), String(tensor_f.type(torch.int8))]).toEqual(r.int8);
  });
  it("reshape, view (shared storage), stack, squeeze, unsqueeze, permute and indexing", () => {
    const x = torch.arange(1, 8, float32);
    const x_reshaped = x.reshape(1, 7);
    const z = x.view(1, 7);
    z.index_put_([":", 0], torch.tensor(5.0));
    const x_stacked = torch.stack([x, x, x, x], { dim: 0 });
    const x_squeezed = x_reshaped.squeeze();
    const x_unsqueezed = x_squeezed.unsqueeze({ dim: 0 });
    const x_permuted = torch.rand({ size: [224, 224, 3] }).permute(2, 0, 1);
    expect([String(x_reshaped), String(z), String(x), String(x_stacked), String(torch.stack([x, x], { dim: 1 })), String(x_squeezed), [...x_squeezed.shape],
      String(x_unsqueezed), [...x_unsqueezed.shape], [...x_permuted.shape]]).toEqual(r.reshape);
    const t = torch.arange(1, 10).reshape(1, 3, 3);
    expect([String(t), String(t.index(0)), String(t.index(0).index(0)), String(t.index(0).index(0).index(0)), String(t.index(":", 0)), String(t.index(":", ":", 1)),
      String(t.index(":", 1, 1)), String(t.index(0, 0, ":"))]).toEqual(r.indexing);
  });
  it("NumPy, seeds and devices", () => {
    expect(String(torch.from_numpy(new Float64Array([1, 2, 3, 4, 5, 6, 7])))).toBe(r.from_numpy);
    const numpy_tensor = torch.ones(7).numpy();
    expect(Array.from(numpy_tensor as Float32Array)).toEqual([1, 1, 1, 1, 1, 1, 1]);
    torch.manual_seed({ seed: 42 } as never);
    const random_tensor_C = torch.rand(3, 4);
    torch.random.manual_seed({ seed: 42 } as never);
    const random_tensor_D = torch.rand(3, 4);
    expect([String(random_tensor_C), String(random_tensor_C.eq(random_tensor_D))]).toEqual(r.reproducible);
    expect([torch.cuda.is_available(), torch.cuda.device_count(), torch.backends.mps.is_available()]).toEqual(r.device);
    const device = torch.cuda.is_available() ? "cuda" : "cpu";
    const tensor_on_gpu = torch.tensor([1, 2, 3], long).to(device);
    expect([String(tensor_on_gpu), String(tensor_on_gpu.device)]).toEqual(["tensor([1, 2, 3])", "cpu"]);
  });
});

class LinearRegressionModel extends nn.Module {
  weights = new nn.Parameter(torch.randn(1, { dtype: torch.float }), { requires_grad: true });
  bias = new nn.Parameter(torch.randn(1, { dtype: torch.float }), { requires_grad: true });
  forward(x: Tensor): Tensor {
    return this.weights.mul(x).add(this.bias);
  }
}
class LinearRegressionModelV2 extends nn.Module {
  linear_layer = new nn.Linear({ in_features: 1, out_features: 1 });
  forward(x: Tensor): Tensor {
    return this.linear_layer(x);
  }
}

describe("01 PyTorch workflow", () => {
  const r = ref.nb01;
  const weight = 0.7, bias = 0.3;
  const X = torch.arange(0, 1, 0.02).unsqueeze({ dim: 1 });
  const y = X.mul(weight).add(bias);
  const train_split = Math.trunc(0.8 * X.shape[0]);
  const [X_train, y_train] = [X.index(`:${train_split}`), y.index(`:${train_split}`)];
  const [X_test, y_test] = [X.index(`${train_split}:`), y.index(`${train_split}:`)];

  it("the data, the model's parameters, its state_dict and untrained predictions under inference_mode", () => {
    expect([String(X.index(":10")), String(y.index(":10")), X_train.shape[0], X_test.shape[0]]).toEqual(r.data);
    torch.manual_seed(42);
    const model_0 = new LinearRegressionModel();
    expect([...[...model_0.parameters()].map((p) => String(p)), String(model_0), odRepr(model_0.state_dict())]).toEqual(r.params);
    let y_preds!: Tensor;
    torch.inference_mode(() => {
      y_preds = model_0(X_test);
    });
    expect([String(y_preds), y_preds.requires_grad, y_preds.is_inference(), String(y_test.sub(y_preds))]).toEqual(r.untrained);
  });

  it("the L1Loss / SGD loop (100 epochs), the learned values, and save / load of the state_dict by keyword", () => {
    torch.manual_seed(42);
    const model_0 = new LinearRegressionModel();
    const loss_fn = new nn.L1Loss();
    const optimizer = new optim.SGD({ params: model_0.parameters(), lr: 0.01 });
    torch.manual_seed(42);
    const lines: string[] = [];
    for (let epoch = 0; epoch < 100; epoch++) {
      model_0.train();
      const y_pred = model_0(X_train);
      const loss = loss_fn(y_pred, y_train);
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
      model_0.eval();
      torch.inference_mode(() => {
        const test_pred = model_0(X_test);
        const test_loss = loss_fn(test_pred, y_test.type(torch.float));
        if (epoch % 10 === 0) lines.push(`Epoch: ${epoch} | MAE Train Loss: ${loss.item()} | MAE Test Loss: ${test_loss.item()} `);
      });
    }
    expectLines(lines, r.train_lines, 1e-5);
    expect(odRepr(model_0.state_dict())).toBe(r.learned[0]);
    expectNums([model_0.weights.item(), model_0.bias.item()], r.learned.slice(1), 1e-5);
    expect(String(optimizer)).toBe(r.optimizer);
    // torch.save(obj=model_0.state_dict(), f=MODEL_SAVE_PATH); loaded_model_0.load_state_dict(torch.load(f=MODEL_SAVE_PATH))
    const MODEL_SAVE_PATH = "models/01_pytorch_workflow_model_0.pth";
    torch.save({ obj: model_0.state_dict(), f: MODEL_SAVE_PATH });
    const loaded_model_0 = new LinearRegressionModel();
    loaded_model_0.load_state_dict(torch.load({ f: MODEL_SAVE_PATH }) as Record<string, Tensor>);
    loaded_model_0.eval();
    let y_preds!: Tensor, loaded_model_preds!: Tensor;
    torch.inference_mode(() => {
      y_preds = model_0(X_test);
      loaded_model_preds = loaded_model_0(X_test);
    });
    expect(y_preds.eq(loaded_model_preds).all().item()).toBe(true);
  });

  it("LinearRegressionModelV2 (nn.Linear) over 1000 epochs, and the learner's mistakes around it", () => {
    torch.manual_seed(42);
    const model_1 = new LinearRegressionModelV2();
    expect([String(model_1), odRepr(model_1.state_dict()), String([...model_1.parameters()][0].device)]).toEqual(r.model_1);
    const loss_fn = new nn.L1Loss();
    const optimizer = new optim.SGD({ params: model_1.parameters(), lr: 0.01 });
    torch.manual_seed(42);
    const lines: string[] = [];
    let loss!: Tensor, test_loss!: Tensor;
    for (let epoch = 0; epoch < 1000; epoch++) {
      model_1.train();
      const y_pred = model_1(X_train);
      loss = loss_fn(y_pred, y_train);
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
      model_1.eval();
      torch.inference_mode(() => {
        const test_pred = model_1(X_test);
        test_loss = loss_fn(test_pred, y_test);
      });
      if (epoch % 100 === 0) lines.push(`Epoch: ${epoch} | Train loss: ${loss.item()} | Test loss: ${test_loss.item()}`);
    }
    expectLines(lines, r.train_lines_1, 1e-4);
    expectNums([model_1.linear_layer.weight.item(), model_1.linear_layer.bias!.item()], r.learned_1, 1e-4);
    torch.inference_mode(() => expectT(model_1(X_test), r.preds_1 as TJ, 1e-4));
    const m = r.mistakes;
    // X without unsqueeze(dim=1)
    expect(m.no_unsqueeze).toEqual(["RuntimeError", "mat1 and mat2 shapes cannot be multiplied (1x50 and 1x1)"]);
    expect(thrown(() => model_1(torch.arange(0, 1, 0.02)))).toEqual(m.no_unsqueeze);
    expect(thrown(() => model_1(torch.arange(0, 10).unsqueeze({ dim: 1 })))).toEqual(m.int_input);
    expect(thrown(() => test_loss.backward())).toEqual(m.backward_inference);
    expect(thrown(() => loss.numpy())).toEqual(m.numpy_requires_grad);
    expect((loss.detach().numpy() as Float32Array)[0]).toBeCloseTo(m.detach_numpy, 5);
    let X_inf!: Tensor;
    torch.inference_mode(() => {
      X_inf = torch.arange(0, 1, 0.02).unsqueeze({ dim: 1 });
    });
    expect(thrown(() => loss_fn(model_1(X_inf), y).backward())).toEqual(m.train_on_inference);
    expect(thrown(() => X_inf.add_(1))).toEqual(m.inplace_inference);
    expect(thrown(() => loss_fn(model_1(X_inf.clone()), y).backward())).toEqual(m.inference_clone_ok);
  });
});

describe("02 PyTorch classification", () => {
  const r = ref.nb02;
  const [X, y] = circles(400, 42);
  const [X_train, X_test, y_train, y_test] = split(X, y, 0.2, 42);
  const loss_fn = new nn.BCEWithLogitsLoss();

  class CircleModelV0 extends nn.Module {
    layer_1 = new nn.Linear({ in_features: 2, out_features: 5 });
    layer_2 = new nn.Linear({ in_features: 5, out_features: 1 });
    forward(x: Tensor): Tensor {
      return this.layer_2(this.layer_1(x));
    }
  }
  class CircleModelV1 extends nn.Module {
    layer_1 = new nn.Linear({ in_features: 2, out_features: 10 });
    layer_2 = new nn.Linear({ in_features: 10, out_features: 10 });
    layer_3 = new nn.Linear({ in_features: 10, out_features: 1 });
    forward(x: Tensor): Tensor {
      return this.layer_3(this.layer_2(this.layer_1(x)));
    }
  }
  class CircleModelV2 extends nn.Module {
    layer_1 = new nn.Linear({ in_features: 2, out_features: 10 });
    layer_2 = new nn.Linear({ in_features: 10, out_features: 10 });
    layer_3 = new nn.Linear({ in_features: 10, out_features: 1 });
    relu = new nn.ReLU();
    forward(x: Tensor): Tensor {
      return this.layer_3(this.relu(this.layer_2(this.relu(this.layer_1(x)))));
    }
  }
  function fit_binary(model: nn.Module, optimizer: optim.Optimizer, epochs: number, every: number, use_train_mode: boolean): string[] {
    torch.manual_seed(42);
    const lines: string[] = [];
    for (let epoch = 0; epoch < epochs; epoch++) {
      if (use_train_mode) model.train();
      const y_logits = (model(X_train) as Tensor).squeeze();
      const y_pred = torch.round(torch.sigmoid(y_logits));
      const loss = loss_fn(y_logits, y_train);
      const acc = accuracy_fn(y_train, y_pred);
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
      model.eval();
      let test_loss!: Tensor, test_acc!: number;
      torch.inference_mode(() => {
        const test_logits = (model(X_test) as Tensor).squeeze();
        const test_pred = torch.round(torch.sigmoid(test_logits));
        test_loss = loss_fn(test_logits, y_test);
        test_acc = accuracy_fn(y_test, test_pred);
      });
      if (epoch % every === 0) {
        lines.push(`Epoch: ${epoch} | Loss: ${pyFixed(loss.item(), 5)}, Accuracy: ${pyFixed(acc, 2)}% | Test loss: ${pyFixed(test_loss.item(), 5)}, Test acc: ${pyFixed(test_acc, 2)}%`);
      }
    }
    return lines;
  }

  it("the circles, CircleModelV0 / nn.Sequential, logits -> probabilities -> labels, and 100 epochs", () => {
    expect([String(X.index(":5")), String(y.index(":5"))]).toEqual(r.data);
    expect([X_train.shape[0], X_test.shape[0], String(X_train.index(":5")), String(y_train.index(":5"))]).toEqual(r.split);
    torch.manual_seed(42);
    expect(String(new CircleModelV0())).toBe(r.repr_v0);
    torch.manual_seed(42);
    const model_0 = new nn.Sequential(new nn.Linear({ in_features: 2, out_features: 5 }), new nn.Linear({ in_features: 5, out_features: 1 }));
    expect(String(model_0)).toBe(r.repr_seq);
    const untrained_preds = model_0(X_test);
    expect([String(untrained_preds.index(":10")), [...untrained_preds.shape]]).toEqual(r.untrained);
    const optimizer = new optim.SGD({ params: model_0.parameters(), lr: 0.1 });
    const y_logits = model_0(X_test).index(":5");
    const y_pred_probs = torch.sigmoid(y_logits);
    const y_preds = torch.round(y_pred_probs);
    expect([String(y_logits), String(y_pred_probs), String(y_preds.squeeze())]).toEqual(r.probs);
    expectLines(fit_binary(model_0, optimizer, 100, 10, true), r.train_v0, 2e-4);
    // the mistakes: logits not squeezed; int64 labels to BCEWithLogitsLoss or BCELoss
    const logits = model_0(X_train);
    expect(thrown(() => loss_fn(logits, y_train))).toEqual(r.mistakes.bce_no_squeeze);
    expect(thrown(() => loss_fn(logits.squeeze(), y_train.long()))).toEqual(r.mistakes.bce_long_target);
    expect(thrown(() => new nn.BCELoss()(torch.sigmoid(logits.squeeze()), y_train.long()))).toEqual(r.mistakes.bce_loss_long);
  });

  it("CircleModelV1 (300 epochs), the straight-line check, CircleModelV2 with ReLU (1000 epochs)", () => {
    torch.manual_seed(42);
    const model_1 = new CircleModelV1();
    expect(String(model_1)).toBe(r.repr_v1);
    expectLines(fit_binary(model_1, new optim.SGD(model_1.parameters(), { lr: 0.1 }), 300, 100, false), r.train_v1, 2e-4);

    const X_regression = torch.arange(0, 1, 0.01).unsqueeze({ dim: 1 });
    const y_regression = X_regression.mul(0.7).add(0.3);
    const train_split = Math.trunc(0.8 * X_regression.shape[0]);
    const [X_train_regression, y_train_regression] = [X_regression.index(`:${train_split}`), y_regression.index(`:${train_split}`)];
    const [X_test_regression, y_test_regression] = [X_regression.index(`${train_split}:`), y_regression.index(`${train_split}:`)];
    torch.manual_seed(42);
    const model_2 = new nn.Sequential(new nn.Linear({ in_features: 1, out_features: 10 }), new nn.Linear({ in_features: 10, out_features: 10 }),
      new nn.Linear({ in_features: 10, out_features: 1 }));
    const reg_loss = new nn.L1Loss();
    const optimizer = new optim.SGD(model_2.parameters(), { lr: 0.1 });
    torch.manual_seed(42);
    const lines = [String(model_2), String(X_regression.index(":5")), String(y_regression.index(":5"))];
    for (let epoch = 0; epoch < 1000; epoch++) {
      const y_pred = model_2(X_train_regression);
      const loss = reg_loss(y_pred, y_train_regression);
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
      model_2.eval();
      const test_loss = torch.inference_mode(() => reg_loss(model_2(X_test_regression), y_test_regression));
      if (epoch % 100 === 0) lines.push(`Epoch: ${epoch} | Train loss: ${pyFixed(loss.item(), 5)}, Test loss: ${pyFixed(test_loss.item(), 5)}`);
    }
    expectLines(lines, r.regression, 1e-3);

    torch.manual_seed(42);
    const model_3 = new CircleModelV2();
    expect(String(model_3)).toBe(r.repr_v2);
    expectLines(fit_binary(model_3, new optim.SGD(model_3.parameters(), { lr: 0.1 }), 1000, 100, false), r.train_v2, 1e-3);
    model_3.eval();
    const y_preds = torch.inference_mode(() => torch.round(torch.sigmoid(model_3(X_test))).squeeze());
    expect([String(y_preds.index(":10")), String(y_test.index(":10"))]).toEqual(r.preds_v2);
  });

  it("relu and sigmoid by hand equal torch's", () => {
    const A = torch.arange(-10, 10, 1, { dtype: torch.float32 });
    const relu = (x: Tensor) => torch.maximum(torch.tensor(0), x);
    const sigmoid = (x: Tensor) => torch.exp(x.neg()).add(1).reciprocal();
    expect([String(A), String(torch.relu(A)), String(relu(A)), String(sigmoid(A)), String(torch.sigmoid(A))]).toEqual(r.activations);
  });

  it("blobs: BlobModel with CrossEntropyLoss, softmax / argmax, 100 epochs, and the label mistakes", () => {
    const [NUM_CLASSES, NUM_FEATURES, RANDOM_SEED] = [4, 2, 42];
    const [X_blob, y_blob] = blobs(400, RANDOM_SEED);
    const [X_blob_train, X_blob_test, y_blob_train, y_blob_test] = split(X_blob, y_blob, 0.2, RANDOM_SEED);
    expect([String(X_blob.index(":5")), String(y_blob.index(":5"))]).toEqual(r.blobs);
    class BlobModel extends nn.Module {
      linear_layer_stack: nn.Sequential;
      constructor(input_features: number, output_features: number, hidden_units = 8) {
        super();
        this.linear_layer_stack = new nn.Sequential(
          new nn.Linear({ in_features: input_features, out_features: hidden_units }),
          new nn.Linear({ in_features: hidden_units, out_features: hidden_units }),
          new nn.Linear({ in_features: hidden_units, out_features: output_features }),
        );
      }
      forward(x: Tensor): Tensor {
        return this.linear_layer_stack(x);
      }
    }
    torch.manual_seed(42);
    const model_4 = new BlobModel(NUM_FEATURES, NUM_CLASSES, 8);
    expect(String(model_4)).toBe(r.repr_blob);
    const ce = new nn.CrossEntropyLoss();
    const optimizer = new optim.SGD(model_4.parameters(), { lr: 0.1 });
    let y_logits = model_4(X_blob_test);
    const y_pred_probs = torch.softmax(y_logits, { dim: 1 });
    expect([String(model_4(X_blob_train).index(":5")), String(y_logits.index(":5")), String(y_pred_probs.index(":5")), String(torch.sum(y_pred_probs.index(0))),
      String(y_pred_probs.index(0)), String(torch.argmax(y_pred_probs.index(0)))]).toEqual(r.blob_untrained);
    torch.manual_seed(42);
    const lines: string[] = [];
    for (let epoch = 0; epoch < 100; epoch++) {
      model_4.train();
      y_logits = model_4(X_blob_train);
      const y_pred = torch.softmax(y_logits, { dim: 1 }).argmax({ dim: 1 });
      const loss = ce(y_logits, y_blob_train);
      const acc = accuracy_fn(y_blob_train, y_pred);
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
      model_4.eval();
      let test_loss!: Tensor, test_acc!: number;
      torch.inference_mode(() => {
        const test_logits = model_4(X_blob_test);
        const test_pred = torch.softmax(test_logits, { dim: 1 }).argmax({ dim: 1 });
        test_loss = ce(test_logits, y_blob_test);
        test_acc = accuracy_fn(y_blob_test, test_pred);
      });
      if (epoch % 10 === 0) lines.push(`Epoch: ${epoch} | Loss: ${pyFixed(loss.item(), 5)}, Acc: ${pyFixed(acc, 2)}% | Test Loss: ${pyFixed(test_loss.item(), 5)}, Test Acc: ${pyFixed(test_acc, 2)}%`);
    }
    expectLines(lines, r.blob_train, 2e-4);
    model_4.eval();
    y_logits = torch.inference_mode(() => model_4(X_blob_test));
    const y_preds = torch.softmax(y_logits, { dim: 1 }).argmax({ dim: 1 });
    // after 100 SGD steps at lr 0.1 the logits agree to about 1e-3 (float32 sums in another order), the predictions exactly
    expectLines([String(y_logits.index(":10"))], [r.blob_eval[0]], 2e-3);
    expect([`Predictions: ${y_preds.index(":10")}\nLabels: ${y_blob_test.index(":10")}`, `Test accuracy: ${accuracy_fn(y_blob_test, y_preds)}%`]).toEqual(r.blob_eval.slice(1));
    // the mistakes: float labels (no .type(torch.LongTensor)), labels of shape [N, 1], a label past the last class
    const m = r.mistakes;
    expect(m.ce_float_target).toEqual(["RuntimeError", "expected scalar type Long but found Float"]);
    expect(thrown(() => ce(model_4(X_blob_train), y_blob_train.float()))![1]).toMatch(/^cross_entropy: expected class indices .* but got a torch.float32 target of shape torch.Size\(\[320\]\)/);
    expect(thrown(() => ce(model_4(X_blob_train), y_blob_train.unsqueeze(1)))).toEqual(m.ce_target_2d);
    expect(thrown(() => ce(model_4(X_blob_train), torch.full_like(y_blob_train, 4)))).toEqual(m.ce_target_oob);
    expect(String(torch.tensor([1.0, 0.0, 3.0]).type(torch.LongTensor))).toBe(m.type_long);
  });
});

/** 03's train_step, printing as the notebook does (returned here). */
function train_step(model: nn.Module, data_loader: Iterable<Tensor[]> & { length: number }, loss_fn: nn.Module, optimizer: optim.Optimizer,
  acc_fn: (y_true: Tensor, y_pred: Tensor) => number, device = "cpu"): string {
  let train_loss: Tensor | number = 0, train_acc = 0;
  model.to(device);
  for (let [X, y] of data_loader) {
    [X, y] = [X.to(device), y.to(device)];
    const y_pred = model(X) as Tensor;
    const loss = loss_fn(y_pred, y) as Tensor;
    train_loss = torch.add(loss, train_loss);
    train_acc += acc_fn(y, y_pred.argmax({ dim: 1 }));
    optimizer.zero_grad();
    loss.backward();
    optimizer.step();
  }
  train_loss = (train_loss as Tensor).div(data_loader.length);
  train_acc /= data_loader.length;
  return `Train loss: ${pyFixed(train_loss.item(), 5)} | Train accuracy: ${pyFixed(train_acc, 2)}%`;
}
/** 03's test_step. */
function test_step(data_loader: Iterable<Tensor[]> & { length: number }, model: nn.Module, loss_fn: nn.Module, acc_fn: (y_true: Tensor, y_pred: Tensor) => number,
  device = "cpu"): string {
  let test_loss: Tensor | number = 0, test_acc = 0;
  model.to(device);
  model.eval();
  return torch.inference_mode(() => {
    for (let [X, y] of data_loader) {
      [X, y] = [X.to(device), y.to(device)];
      const test_pred = model(X) as Tensor;
      test_loss = torch.add(loss_fn(test_pred, y) as Tensor, test_loss);
      test_acc += acc_fn(y, test_pred.argmax({ dim: 1 }));
    }
    test_loss = (test_loss as Tensor).div(data_loader.length);
    test_acc /= data_loader.length;
    return `Test loss: ${pyFixed(test_loss.item(), 5)} | Test accuracy: ${pyFixed(test_acc, 2)}%\n`;
  });
}
/** 03's eval_model. */
function eval_model(model: nn.Module, data_loader: Iterable<Tensor[]> & { length: number }, loss_fn: nn.Module, acc_fn: (y_true: Tensor, y_pred: Tensor) => number) {
  let loss: Tensor | number = 0, acc = 0;
  model.eval();
  torch.inference_mode(() => {
    for (const [X, y] of data_loader) {
      const y_pred = model(X) as Tensor;
      loss = torch.add(loss_fn(y_pred, y) as Tensor, loss);
      acc += acc_fn(y, y_pred.argmax({ dim: 1 }));
    }
    loss = (loss as Tensor).div(data_loader.length);
    acc /= data_loader.length;
  });
  return { model_name: model.constructor.name, model_loss: (loss as unknown as Tensor).item(), model_acc: acc };
}

class FashionMNISTModelV0 extends nn.Module {
  layer_stack: nn.Sequential;
  constructor(input_shape: number, hidden_units: number, output_shape: number) {
    super();
    this.layer_stack = new nn.Sequential(new nn.Flatten(), new nn.Linear({ in_features: input_shape, out_features: hidden_units }),
      new nn.Linear({ in_features: hidden_units, out_features: output_shape }));
  }
  forward(x: Tensor): Tensor {
    return this.layer_stack(x);
  }
}
class FashionMNISTModelV1 extends nn.Module {
  layer_stack: nn.Sequential;
  constructor(input_shape: number, hidden_units: number, output_shape: number) {
    super();
    this.layer_stack = new nn.Sequential(new nn.Flatten(), new nn.Linear({ in_features: input_shape, out_features: hidden_units }), new nn.ReLU(),
      new nn.Linear({ in_features: hidden_units, out_features: output_shape }), new nn.ReLU());
  }
  forward(x: Tensor): Tensor {
    return this.layer_stack(x);
  }
}
class FashionMNISTModelV2 extends nn.Module {
  block_1: nn.Sequential;
  block_2: nn.Sequential;
  classifier: nn.Sequential;
  constructor(input_shape: number, hidden_units: number, output_shape: number) {
    super();
    this.block_1 = new nn.Sequential(
      new nn.Conv2d({ in_channels: input_shape, out_channels: hidden_units, kernel_size: 3, stride: 1, padding: 1 }), new nn.ReLU(),
      new nn.Conv2d({ in_channels: hidden_units, out_channels: hidden_units, kernel_size: 3, stride: 1, padding: 1 }), new nn.ReLU(),
      new nn.MaxPool2d({ kernel_size: 2, stride: 2 }));
    this.block_2 = new nn.Sequential(new nn.Conv2d(hidden_units, hidden_units, 3, { padding: 1 }), new nn.ReLU(),
      new nn.Conv2d(hidden_units, hidden_units, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2));
    this.classifier = new nn.Sequential(new nn.Flatten(), new nn.Linear({ in_features: hidden_units * 7 * 7, out_features: output_shape }));
  }
  forward(x: Tensor): Tensor {
    x = this.block_1(x);
    x = this.block_2(x);
    x = this.classifier(x);
    return x;
  }
}

describe("03 PyTorch computer vision", () => {
  const r = ref.nb03;
  const [x_all, y_all] = images(3, 320 + 96, 1, 28, 28);
  const [train_x, train_y, test_x, test_y] = [x_all.index(":320"), y_all.index(":320"), x_all.index("320:"), y_all.index("320:")];
  const train_data = new TensorDataset(train_x, train_y), test_data = new TensorDataset(test_x, test_y);
  const BATCH_SIZE = 32;
  torch.manual_seed(42);
  const train_dataloader = new DataLoader(train_data, { batch_size: BATCH_SIZE, shuffle: true });
  const test_dataloader = new DataLoader(test_data, { batch_size: BATCH_SIZE, shuffle: false });
  const loss_fn = new nn.CrossEntropyLoss();

  it("the loaders, one batch, nn.Flatten, and FashionMNISTModelV0 trained two epochs (the notebook's loop)", () => {
    const [train_features_batch, train_labels_batch] = firstBatch(train_dataloader);
    expect([train_dataloader.length, test_dataloader.length, [...train_features_batch.shape], [...train_labels_batch.shape], String(train_labels_batch)]).toEqual(r.loader);
    torch.manual_seed(42);
    const random_idx = torch.randint(0, train_features_batch.shape[0], { size: [1] }).item();
    const [img, label] = [train_features_batch.index(random_idx), train_labels_batch.index(random_idx)];
    expect([random_idx, [...img.shape], `Label: ${label.item()}, label size: ${label.shape}`]).toEqual(r.random_img);
    const flatten_model = new nn.Flatten();
    expect([[...train_features_batch.index(0).shape], [...flatten_model(train_features_batch.index(0)).shape]]).toEqual(r.flatten);

    torch.manual_seed(42);
    const model_0 = new FashionMNISTModelV0(784, 10, 10);
    expect(String(model_0.to("cpu"))).toBe(r.repr_v0);
    const optimizer = new optim.SGD({ params: model_0.parameters(), lr: 0.1 });
    torch.manual_seed(42);
    const lines: string[] = [];
    for (let epoch = 0; epoch < 2; epoch++) {
      lines.push(`Epoch: ${epoch}\n-------`);
      let train_loss: Tensor | number = 0;
      let batch = 0;
      for (const [X, y] of train_dataloader) {
        model_0.train();
        const y_pred = model_0(X);
        const loss = loss_fn(y_pred, y);
        train_loss = torch.add(loss, train_loss);
        optimizer.zero_grad();
        loss.backward();
        optimizer.step();
        if (batch % 4 === 0) lines.push(`Looked at ${batch * X.shape[0]}/${train_dataloader.dataset.length} samples`);
        batch++;
      }
      train_loss = (train_loss as Tensor).div(train_dataloader.length);
      let test_loss: Tensor | number = 0, test_acc = 0;
      model_0.eval();
      torch.inference_mode(() => {
        for (const [X, y] of test_dataloader) {
          const test_pred = model_0(X);
          test_loss = torch.add(loss_fn(test_pred, y), test_loss);
          test_acc += accuracy_fn(y, test_pred.argmax({ dim: 1 }));
        }
        test_loss = (test_loss as Tensor).div(test_dataloader.length);
        test_acc /= test_dataloader.length;
      });
      lines.push(`\nTrain loss: ${pyFixed((train_loss as Tensor).item(), 5)} | Test loss: ${pyFixed((test_loss as unknown as Tensor).item(), 5)}, Test acc: ${pyFixed(test_acc, 2)}%\n`);
    }
    expectLines(lines, r.train_v0, 1e-4);
    torch.manual_seed(42);
    const res0 = eval_model(model_0, test_dataloader, loss_fn, accuracy_fn);
    expect([res0.model_name, res0.model_acc]).toEqual([r.eval_v0.model_name, r.eval_v0.model_acc]);
    expectNums([res0.model_loss], [r.eval_v0.model_loss], 1e-5);
  });

  it("FashionMNISTModelV1 through train_step / test_step, and eval_model", () => {
    torch.manual_seed(42);
    const model_1 = new FashionMNISTModelV1(784, 10, 10);
    const optimizer = new optim.SGD({ params: model_1.parameters(), lr: 0.1 });
    torch.manual_seed(42);
    const lines: string[] = [];
    for (let epoch = 0; epoch < 2; epoch++) {
      lines.push(train_step(model_1, train_dataloader, loss_fn, optimizer, accuracy_fn));
      lines.push(test_step(test_dataloader, model_1, loss_fn, accuracy_fn));
    }
    expectLines(lines, r.train_v1, 1e-4);
    torch.manual_seed(42);
    const res1 = eval_model(model_1, test_dataloader, loss_fn, accuracy_fn);
    expect([res1.model_name, res1.model_acc]).toEqual([r.eval_v1.model_name, r.eval_v1.model_acc]);
    expectNums([res1.model_loss], [r.eval_v1.model_loss], 1e-5);
  });

  it("the conv and max-pool cells (an unbatched image too), TinyVGG (FashionMNISTModelV2), make_predictions, and the shape mistakes", () => {
    torch.manual_seed(42);
    const model_2 = new FashionMNISTModelV2(1, 10, 10);
    expect(String(model_2)).toBe(r.repr_v2);
    torch.manual_seed(42);
    const images_ = torch.randn({ size: [32, 3, 64, 64] });
    const test_image = images_.index(0);
    torch.manual_seed(42);
    const conv_layer = new nn.Conv2d({ in_channels: 3, out_channels: 10, kernel_size: 3, stride: 1, padding: 0 });
    const conv_out = conv_layer(test_image);
    torch.manual_seed(42);
    const conv_layer_2 = new nn.Conv2d({ in_channels: 3, out_channels: 10, kernel_size: [5, 5], stride: 2, padding: 0 });
    const max_pool_layer = new nn.MaxPool2d({ kernel_size: 2 });
    const test_image_through_conv = conv_layer(test_image.unsqueeze({ dim: 0 }));
    const c = r.conv;
    expect(String(test_image.index(0, ":3", ":3"))).toBe(c[0]);
    expect([...conv_out.shape]).toEqual(c[1]);
    expectT(conv_out.index(":2", ":3", ":3"), c[2], 1e-5);
    expect([[...conv_layer(test_image.unsqueeze({ dim: 0 })).shape], [...conv_layer_2(test_image.unsqueeze({ dim: 0 })).shape], String(conv_layer_2)]).toEqual(c.slice(3, 6));
    expectT(conv_layer_2.weight.index(0, 0), c[6], 1e-6);
    expect([[...conv_layer_2.weight.shape], [...conv_layer_2.bias!.shape], [...test_image_through_conv.shape], [...max_pool_layer(test_image_through_conv).shape]]).toEqual(c.slice(7));
    torch.manual_seed(42);
    const random_tensor = torch.randn({ size: [1, 1, 2, 2] });
    const max_pool_tensor = new nn.MaxPool2d({ kernel_size: 2 })(random_tensor);
    expect([`Random tensor:\n${random_tensor}`, `\nMax pool tensor:\n${max_pool_tensor} <- this is the maximum value from random_tensor`, [...max_pool_tensor.shape]]).toEqual(r.maxpool);

    const optimizer = new optim.SGD({ params: model_2.parameters(), lr: 0.1 });
    torch.manual_seed(42);
    const lines = [train_step(model_2, train_dataloader, loss_fn, optimizer, accuracy_fn), test_step(test_dataloader, model_2, loss_fn, accuracy_fn)];
    expectLines(lines, r.train_v2, 1e-4);
    const res2 = eval_model(model_2, test_dataloader, loss_fn, accuracy_fn);
    expect([res2.model_name, res2.model_acc]).toEqual([r.eval_v2.model_name, r.eval_v2.model_acc]);
    expectNums([res2.model_loss], [r.eval_v2.model_loss], 1e-5);

    const make_predictions = (model: nn.Module, data: Tensor[], device = "cpu") => {
      const pred_probs: Tensor[] = [];
      model.eval();
      torch.inference_mode(() => {
        for (let sample of data) {
          sample = torch.unsqueeze(sample, { dim: 0 }).to(device);
          const pred_logit = model(sample) as Tensor;
          const pred_prob = torch.softmax(pred_logit.squeeze(), { dim: 0 });
          pred_probs.push(pred_prob.cpu());
        }
      });
      return torch.stack(pred_probs);
    };
    const idx = [5, 17, 40];
    const pred_probs = make_predictions(model_2, idx.map((i) => test_x.index(i)));
    expectT(pred_probs, r.predictions[0], 1e-5);
    expect([String(pred_probs.argmax({ dim: 1 })), idx.map((i) => test_y.index(i).item())]).toEqual(r.predictions.slice(1));
    // a colour image into the 1-channel model; in_features computed for 28x28 images given a 64x64 one
    expect(thrown(() => model_2(torch.rand(1, 3, 28, 28)))).toEqual(r.mistakes.channels);
    expect(r.mistakes.in_features).toEqual(["RuntimeError", "mat1 and mat2 shapes cannot be multiplied (1x2560 and 490x10)"]);
    expect(thrown(() => new FashionMNISTModelV2(1, 10, 10)(torch.rand(1, 1, 64, 64)))).toEqual(r.mistakes.in_features);
  });
});

/** going_modular/model_builder.py's TinyVGG (padding=0; 04's model_0 is the same with padding=1 and 16 * 16 features). */
class TinyVGG extends nn.Module {
  conv_block_1: nn.Sequential;
  conv_block_2: nn.Sequential;
  classifier: nn.Sequential;
  constructor(input_shape: number, hidden_units: number, output_shape: number, padding = 0) {
    super();
    const side = padding === 0 ? 13 : 16;
    this.conv_block_1 = new nn.Sequential(
      new nn.Conv2d({ in_channels: input_shape, out_channels: hidden_units, kernel_size: 3, stride: 1, padding }), new nn.ReLU(),
      new nn.Conv2d({ in_channels: hidden_units, out_channels: hidden_units, kernel_size: 3, stride: 1, padding }), new nn.ReLU(),
      new nn.MaxPool2d({ kernel_size: 2, stride: 2 }));
    this.conv_block_2 = new nn.Sequential(
      new nn.Conv2d(hidden_units, hidden_units, { kernel_size: 3, padding }), new nn.ReLU(),
      new nn.Conv2d(hidden_units, hidden_units, { kernel_size: 3, padding }), new nn.ReLU(), new nn.MaxPool2d(2));
    this.classifier = new nn.Sequential(new nn.Flatten(), new nn.Linear({ in_features: hidden_units * side * side, out_features: output_shape }));
  }
  forward(x: Tensor): Tensor {
    x = this.conv_block_1(x);
    x = this.conv_block_2(x);
    x = this.classifier(x);
    return x;
  }
}

type Loader = Iterable<Tensor[]> & { length: number };
/** going_modular/engine.py: train_step, test_step and train (its tqdm print returned as lines). */
const engine = {
  train_step(model: nn.Module, dataloader: Loader, loss_fn: nn.Module, optimizer: optim.Optimizer, device: string): [number, number] {
    model.train();
    let train_loss = 0, train_acc = 0;
    for (let [X, y] of dataloader) {
      [X, y] = [X.to(device), y.to(device)];
      const y_pred = model(X) as Tensor;
      const loss = loss_fn(y_pred, y) as Tensor;
      train_loss += loss.item();
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
      const y_pred_class = torch.argmax(torch.softmax(y_pred, { dim: 1 }), { dim: 1 });
      train_acc += y_pred_class.eq(y).sum().item() / y_pred.shape[0];
    }
    return [train_loss / dataloader.length, train_acc / dataloader.length];
  },
  test_step(model: nn.Module, dataloader: Loader, loss_fn: nn.Module, device: string): [number, number] {
    model.eval();
    let test_loss = 0, test_acc = 0;
    torch.inference_mode(() => {
      for (let [X, y] of dataloader) {
        [X, y] = [X.to(device), y.to(device)];
        const test_pred_logits = model(X) as Tensor;
        test_loss += (loss_fn(test_pred_logits, y) as Tensor).item();
        const test_pred_labels = test_pred_logits.argmax({ dim: 1 });
        test_acc += test_pred_labels.eq(y).sum().item() / test_pred_labels.shape[0];
      }
    });
    return [test_loss / dataloader.length, test_acc / dataloader.length];
  },
  train(model: nn.Module, train_dataloader: Loader, test_dataloader: Loader, optimizer: optim.Optimizer, loss_fn: nn.Module, epochs: number, device: string) {
    const results = { train_loss: [] as number[], train_acc: [] as number[], test_loss: [] as number[], test_acc: [] as number[] };
    const lines: string[] = [];
    model.to(device);
    for (let epoch = 0; epoch < epochs; epoch++) {
      const [train_loss, train_acc] = engine.train_step(model, train_dataloader, loss_fn, optimizer, device);
      const [test_loss, test_acc] = engine.test_step(model, test_dataloader, loss_fn, device);
      lines.push(`Epoch: ${epoch + 1} | train_loss: ${pyFixed(train_loss, 4)} | train_acc: ${pyFixed(train_acc, 4)} | test_loss: ${pyFixed(test_loss, 4)} | test_acc: ${pyFixed(test_acc, 4)}`);
      results.train_loss.push(train_loss);
      results.train_acc.push(train_acc);
      results.test_loss.push(test_loss);
      results.test_acc.push(test_acc);
    }
    return { results, lines };
  },
};

describe("04 custom datasets (tensor parts) and 05 going_modular", () => {
  const r = ref.nb04_05;
  const [x_all, y_all] = images(4, 64 + 32, 3, 64, 64, 3);
  it("permute for plotting, TinyVGG's repr and one prediction in eval / inference mode", () => {
    const [img, label] = [x_all.index(0), y_all.index(0).item()];
    const img_permute = img.permute(1, 2, 0);
    expect([[...img.shape], String(img.dtype), label, [...img_permute.shape]]).toEqual(r.image);
    torch.manual_seed(42);
    const model_0 = new TinyVGG(3, 10, 3, 1);
    expect(String(model_0)).toBe(r.repr_04);
    const img_single = x_all.index(0).unsqueeze({ dim: 0 });
    model_0.eval();
    const pred = torch.inference_mode(() => model_0(img_single));
    expect([[...img_single.shape], `Output logits:\n${pred}\n`, `Output prediction probabilities:\n${torch.softmax(pred, { dim: 1 })}\n`,
      `Output prediction label:\n${torch.argmax(torch.softmax(pred, { dim: 1 }), { dim: 1 })}\n`]).toEqual(r.single_pred);
    expect([...model_0.parameters()].reduce((s, p) => s + p.numel(), 0)).toBe(r.num_params);
  });
  it("model_builder.TinyVGG trained through engine.train with Adam (2 epochs), and the missing batch dimension", () => {
    torch.manual_seed(42);
    const train_dl = new DataLoader(new TensorDataset(x_all.index(":64"), y_all.index(":64")), { batch_size: 16, shuffle: true });
    const test_dl = new DataLoader(new TensorDataset(x_all.index("64:"), y_all.index("64:")), { batch_size: 16, shuffle: false });
    torch.manual_seed(42);
    const model = new TinyVGG(3, 10, 3);
    const optimizer = new optim.Adam(model.parameters(), { lr: 0.001 });
    expect(String(model)).toBe(r.repr_modular.replace(/^TinyVGGModular/, "TinyVGG"));
    torch.manual_seed(42);
    const { results, lines } = engine.train(model, train_dl, test_dl, optimizer, new nn.CrossEntropyLoss(), 2, "cpu");
    for (const k of ["train_loss", "train_acc", "test_loss", "test_acc"] as const) expectNums(results[k], r.modular_results[k], 1e-4);
    expectLines(lines, r.modular_lines, 1e-4);
    // an image without its batch dimension: the convolutions take it unbatched, the Linear then sees [10, 169]
    expect(r.mistakes.no_batch_dim).toEqual(["RuntimeError", "mat1 and mat2 shapes cannot be multiplied (10x169 and 1690x3)"]);
    expect(thrown(() => new TinyVGG(3, 10, 3)(x_all.index(0)))).toEqual(r.mistakes.no_batch_dim);
  });
});

/** 08's set_seeds. */
function set_seeds(seed = 42): void {
  torch.manual_seed(seed);
  torch.cuda.manual_seed(seed);
}
class PatchEmbedding extends nn.Module {
  patch_size: number;
  patcher: nn.Conv2d;
  flatten: nn.Flatten;
  constructor(in_channels = 3, patch_size = 16, embedding_dim = 768) {
    super();
    this.patch_size = patch_size;
    this.patcher = new nn.Conv2d({ in_channels, out_channels: embedding_dim, kernel_size: patch_size, stride: patch_size, padding: 0 });
    this.flatten = new nn.Flatten({ start_dim: 2, end_dim: 3 });
  }
  forward(x: Tensor): Tensor {
    const image_resolution = x.shape[x.dim() - 1];
    if (image_resolution % this.patch_size !== 0) throw new Error(`Input image size must be divisible by patch size, image shape: ${image_resolution}, patch size: ${this.patch_size}`);
    const x_patched = this.patcher(x);
    const x_flattened = this.flatten(x_patched);
    return x_flattened.permute(0, 2, 1);
  }
}
class MultiheadSelfAttentionBlock extends nn.Module {
  layer_norm: nn.LayerNorm;
  multihead_attn: nn.MultiheadAttention;
  constructor(embedding_dim = 768, num_heads = 12, attn_dropout = 0) {
    super();
    this.layer_norm = new nn.LayerNorm({ normalized_shape: embedding_dim });
    this.multihead_attn = new nn.MultiheadAttention({ embed_dim: embedding_dim, num_heads, dropout: attn_dropout, batch_first: true });
  }
  forward(x: Tensor): Tensor {
    x = this.layer_norm(x);
    const [attn_output] = this.multihead_attn({ query: x, key: x, value: x, need_weights: false });
    return attn_output;
  }
}
class MLPBlock extends nn.Module {
  layer_norm: nn.LayerNorm;
  mlp: nn.Sequential;
  constructor(embedding_dim = 768, mlp_size = 3072, dropout = 0.1) {
    super();
    this.layer_norm = new nn.LayerNorm({ normalized_shape: embedding_dim });
    this.mlp = new nn.Sequential(new nn.Linear({ in_features: embedding_dim, out_features: mlp_size }), new nn.GELU(), new nn.Dropout({ p: dropout }),
      new nn.Linear({ in_features: mlp_size, out_features: embedding_dim }), new nn.Dropout({ p: dropout }));
  }
  forward(x: Tensor): Tensor {
    x = this.layer_norm(x);
    x = this.mlp(x);
    return x;
  }
}
class TransformerEncoderBlock extends nn.Module {
  msa_block: MultiheadSelfAttentionBlock;
  mlp_block: MLPBlock;
  constructor(embedding_dim = 768, num_heads = 12, mlp_size = 3072, mlp_dropout = 0.1, attn_dropout = 0) {
    super();
    this.msa_block = new MultiheadSelfAttentionBlock(embedding_dim, num_heads, attn_dropout);
    this.mlp_block = new MLPBlock(embedding_dim, mlp_size, mlp_dropout);
  }
  forward(x: Tensor): Tensor {
    x = this.msa_block(x).add(x);
    x = this.mlp_block(x).add(x);
    return x;
  }
}
interface ViTConfig { img_size?: number; in_channels?: number; patch_size?: number; num_transformer_layers?: number; embedding_dim?: number; mlp_size?: number;
  num_heads?: number; attn_dropout?: number; mlp_dropout?: number; embedding_dropout?: number; num_classes?: number }
class ViT extends nn.Module {
  num_patches: number;
  class_embedding: nn.Parameter;
  position_embedding: nn.Parameter;
  embedding_dropout: nn.Dropout;
  patch_embedding: PatchEmbedding;
  transformer_encoder: nn.Sequential;
  classifier: nn.Sequential;
  constructor({ img_size = 224, in_channels = 3, patch_size = 16, num_transformer_layers = 12, embedding_dim = 768, mlp_size = 3072, num_heads = 12,
    mlp_dropout = 0.1, embedding_dropout = 0.1, num_classes = 1000 }: ViTConfig = {}) {
    super();
    if (img_size % patch_size !== 0) throw new Error(`Image size must be divisible by patch size, image size: ${img_size}, patch size: ${patch_size}.`);
    this.num_patches = Math.floor((img_size * img_size) / patch_size ** 2);
    this.class_embedding = new nn.Parameter({ data: torch.randn(1, 1, embedding_dim), requires_grad: true });
    this.position_embedding = new nn.Parameter({ data: torch.randn(1, this.num_patches + 1, embedding_dim), requires_grad: true });
    this.embedding_dropout = new nn.Dropout({ p: embedding_dropout });
    this.patch_embedding = new PatchEmbedding(in_channels, patch_size, embedding_dim);
    this.transformer_encoder = new nn.Sequential(...Array.from({ length: num_transformer_layers }, () => new TransformerEncoderBlock(embedding_dim, num_heads, mlp_size, mlp_dropout)));
    this.classifier = new nn.Sequential(new nn.LayerNorm({ normalized_shape: embedding_dim }), new nn.Linear({ in_features: embedding_dim, out_features: num_classes }));
  }
  forward(x: Tensor): Tensor {
    const batch_size = x.shape[0];
    const class_token = this.class_embedding.expand(batch_size, -1, -1);
    x = this.patch_embedding(x);
    x = torch.cat([class_token, x], { dim: 1 });
    x = this.position_embedding.add(x);
    x = this.embedding_dropout(x);
    x = this.transformer_encoder(x);
    x = this.classifier(x.index(":", 0));
    return x;
  }
}

describe("08 paper replicating: the Vision Transformer", () => {
  const r = ref.nb08;
  const patch_size = 16;
  torch.manual_seed(0);
  const image = torch.rand(3, 224, 224);

  it("PatchEmbedding, the class token, the position embedding (full ViT-Base sizes), and the missing unsqueeze", () => {
    set_seeds();
    const patchify = new PatchEmbedding(3, 16, 768);
    const patch_embedded_image = patchify(image.unsqueeze(0));
    const batch_size = patch_embedded_image.shape[0];
    const embedding_dimension = patch_embedded_image.shape[patch_embedded_image.dim() - 1];
    const class_token = new nn.Parameter(torch.ones(batch_size, 1, embedding_dimension), { requires_grad: true });
    const with_class = torch.cat([class_token, patch_embedded_image], { dim: 1 });
    const number_of_patches = Math.trunc((224 * 224) / patch_size ** 2);
    const position_embedding = new nn.Parameter(torch.ones(1, number_of_patches + 1, embedding_dimension), { requires_grad: true });
    const patch_and_position_embedding = with_class.add(position_embedding);
    const p = r.patch;
    expect([[...patch_embedded_image.shape], String(class_token.index(":", ":", ":10")), [...with_class.shape], String(position_embedding.index(":", ":3", ":10")), number_of_patches])
      .toEqual([p[0], p[2], p[4], p[5], p[7]]);
    // the summarised prints ("...") of the embeddings: numbers to 1e-4, the layout exactly
    expectLines([String(patch_embedded_image), String(with_class), String(patch_and_position_embedding)], [p[1], p[3], p[6]], 2e-4);
    // forgetting image.unsqueeze(0): the convolution takes the unbatched image, the Flatten(2, 3) then refuses
    expect(thrown(() => patchify(image))).toEqual(r.patch_mistake);
    const image_out_of_conv = patchify.patcher(image.unsqueeze(0));
    const single_feature_map = image_out_of_conv.index(":", 0, ":", ":");
    const f = r.feature_map;
    expect([[...image_out_of_conv.shape], single_feature_map.requires_grad, [...new nn.Flatten({ start_dim: 2, end_dim: 3 })(image_out_of_conv).shape]]).toEqual([f[0], f[2], f[3]]);
    expectT(single_feature_map.index(":", ":3", ":5"), f[1], 2e-5);

    torch.manual_seed(42);
    const msa = new MultiheadSelfAttentionBlock(768, 12);
    const through_msa = msa(patch_and_position_embedding);
    const mlp_block = new MLPBlock(768, 3072, 0.1);
    torch.manual_seed(7);
    const through_mlp = mlp_block(through_msa); // train mode: its dropout draws are torch's
    const b = r.blocks;
    expect([String(msa), String(mlp_block), [...through_msa.shape], [...through_mlp.shape]]).toEqual([b[0], b[1], b[2], b[4]]);
    expectT(through_msa.index(0, ":3", ":6"), b[3], 1e-4);
    expectT(through_mlp.index(0, ":3", ":6"), b[5], 1e-4);
  });

  it("TransformerEncoderBlock and nn.TransformerEncoderLayer(norm_first=True, activation='gelu'): reprs and parameter counts", () => {
    torch.manual_seed(42);
    const transformer_encoder_block = new TransformerEncoderBlock();
    expect(String(transformer_encoder_block)).toBe(r.encoder_block_repr);
    expect([...transformer_encoder_block.parameters()].reduce((s, p) => s + p.numel(), 0)).toBe(r.encoder_block_params);
    const torch_transformer_encoder_layer = new nn.TransformerEncoderLayer({ d_model: 768, nhead: 12, dim_feedforward: 3072, dropout: 0.1, activation: "gelu",
      batch_first: true, norm_first: true });
    expect(String(torch_transformer_encoder_layer)).toBe(r.torch_layer_repr);
    expect([...torch_transformer_encoder_layer.parameters()].reduce((s, p) => s + p.numel(), 0)).toBe(r.torch_layer_params);
    const class_token_embedding_single = new nn.Parameter({ data: torch.randn(1, 1, 768) });
    expect([[...class_token_embedding_single.shape], [...class_token_embedding_single.expand(32, -1, -1).shape]]).toEqual(r.expand);
  });

  it("a small ViT: repr, outputs in train mode (forgetting model.eval()) and eval mode, Adam with weight_decay through engine.train", () => {
    const cfg = { img_size: 32, patch_size: 8, num_transformer_layers: 2, embedding_dim: 48, mlp_size: 96, num_heads: 4, num_classes: 3 };
    set_seeds();
    const random_image_tensor = torch.randn(2, 3, 32, 32);
    const vit = new ViT(cfg);
    expect(String(vit)).toBe(r.vit_repr);
    expect([...vit.parameters()].reduce((s, p) => s + p.numel(), 0)).toBe(r.vit_params);
    torch.manual_seed(1);
    const train_out_1 = vit(random_image_tensor);
    const train_out_2 = vit(random_image_tensor);
    vit.eval();
    const eval_out_1 = vit(random_image_tensor);
    const eval_out_2 = vit(random_image_tensor);
    const o = r.vit_outputs;
    expectT(train_out_1, o[0], 1e-4);
    expectT(train_out_2, o[1], 1e-4);
    expectT(eval_out_1, o[2], 1e-4);
    expect([torch.equal(eval_out_1, eval_out_2), torch.equal(train_out_1, train_out_2)]).toEqual([o[3], o[4]]);
    vit.train();
    const optimizer = new optim.Adam({ params: vit.parameters(), lr: 3e-3, betas: [0.9, 0.999], weight_decay: 0.3 });
    expect(String(optimizer)).toBe(r.vit_optimizer);
    const [vx, vy] = images(8, 16, 3, 32, 32, 3);
    torch.manual_seed(42);
    const vit_train_dl = new DataLoader(new TensorDataset(vx.index(":12"), vy.index(":12")), { batch_size: 4, shuffle: true });
    const vit_test_dl = new DataLoader(new TensorDataset(vx.index("12:"), vy.index("12:")), { batch_size: 4, shuffle: false });
    set_seeds();
    const { results, lines } = engine.train(vit, vit_train_dl, vit_test_dl, optimizer, new nn.CrossEntropyLoss(), 2, "cpu");
    for (const k of ["train_loss", "train_acc", "test_loss", "test_acc"] as const) expectNums(results[k], r.vit_results[k], 1e-3);
    expectLines(lines, r.vit_lines, 1e-3);
  });

  it("our TransformerEncoderBlock equals nn.TransformerEncoderLayer given the same weights (eval mode), and nn.TransformerEncoder's repr", () => {
    torch.manual_seed(3);
    const block = new TransformerEncoderBlock(48, 4, 96);
    const layer = new nn.TransformerEncoderLayer({ d_model: 48, nhead: 4, dim_feedforward: 96, dropout: 0.1, activation: "gelu", batch_first: true, norm_first: true });
    torch.no_grad(() => {
      layer.self_attn.load_state_dict(block.msa_block.multihead_attn.state_dict());
      layer.linear1.load_state_dict(block.mlp_block.mlp[0].state_dict());
      layer.linear2.load_state_dict(block.mlp_block.mlp[3].state_dict());
      layer.norm1.load_state_dict(block.msa_block.layer_norm.state_dict());
      layer.norm2.load_state_dict(block.mlp_block.layer_norm.state_dict());
    });
    block.eval();
    layer.eval();
    const seq = torch.randn(2, 5, 48);
    const bl = r.block_vs_layer;
    expectT(block(seq), bl[0], 1e-5);
    expectT(layer(seq), bl[1], 1e-5);
    expect(block(seq).sub(layer(seq)).abs().max().item()).toBeLessThan(1e-5);
    torch.manual_seed(9);
    const encoder = new nn.TransformerEncoder({ encoder_layer: layer, num_layers: 2 });
    expect(String(encoder)).toBe(r.encoder_repr);
  });
});

describe("more of the learner's mistakes, against torch's errors", () => {
  const r = ref.mistakes;
  torch.manual_seed(0);
  const m = new nn.Linear(2, 1);
  const x = torch.randn(4, 2);
  const y = torch.randn(4, 1);
  it("wrong dtypes and shapes, a second backward, view of a transpose, item of many, cat / add / stack sizes, optimizers", () => {
    const e = r.errors;
    const got = {
      mse_long_target: thrown(() => new nn.MSELoss()(m(x), torch.ones([4, 1], long)).backward()),
      backward_twice: thrown(() => {
        const loss = new nn.MSELoss()(m(x), y);
        loss.backward();
        loss.backward();
      }),
      nll_float_target: thrown(() => new nn.NLLLoss()(torch.log_softmax(torch.randn(4, 3), 1), torch.ones(4))),
      ce_batch_mismatch: thrown(() => new nn.CrossEntropyLoss()(torch.randn(4, 3), torch.ones([5], long))),
      item_of_many: thrown(() => torch.randn(3).item()),
      view_not_contiguous: thrown(() => torch.randn(2, 3).T.view(6)),
      cat_sizes: thrown(() => torch.cat([torch.ones(1, 1, 768), torch.ones(1, 196, 769)], { dim: 1 })),
      add_sizes: thrown(() => torch.ones(1, 197, 768).add(torch.ones(1, 196, 768))),
      stack_sizes: thrown(() => torch.stack([torch.ones(3), torch.ones(4)])),
      conv_2d_input: thrown(() => new nn.Conv2d(1, 2, 3)(torch.randn(28, 28))),
      sgd_empty: thrown(() => new optim.SGD([], { lr: 0.1 })),
      sgd_no_lr: thrown(() => new optim.SGD(m.parameters())),
      numpy_of_parameter: thrown(() => m.weight.numpy()),
    };
    // the engine's own wording where it adds what to do (a policy, see the report): torch's text starts those messages
    expect(got.backward_twice![1].startsWith(e.backward_twice[1].split(" if you need")[0])).toBe(true);
    expect(got.cat_sizes![1].startsWith(e.cat_sizes[1].slice(0, -1))).toBe(true);
    expect(got.add_sizes).toEqual(e.add_sizes);
    expect(got.nll_float_target![1]).toMatch(/^nll_loss: expected target of dtype torch.int64 \(class indices\), got torch.float32/);
    // MSELoss of an int64 target: the loss, then backward raises (nn/loss_target_dtype.test.ts has every dtype)
    const same = ["mse_long_target", "ce_batch_mismatch", "item_of_many", "view_not_contiguous", "stack_sizes", "conv_2d_input", "sgd_empty", "sgd_no_lr", "numpy_of_parameter"] as const;
    expect(same.map((k) => got[k])).toEqual(same.map((k) => e[k]));
  });
  it("an int64 target to L1Loss works as in torch; an unbatched CrossEntropyLoss; forgetting optimizer.zero_grad()", () => {
    const l1 = new nn.L1Loss()(m(x), torch.ones([4, 1], long));
    expectNums([l1.item()], [r.l1_long_target[0]], 1e-6);
    expect(thrown(() => l1.backward())).toEqual(r.l1_long_target[1]);
    expectNums([new nn.CrossEntropyLoss()(torch.tensor([0.5, -1.0, 2.0]), torch.tensor(1, long)).item()], [r.ce_unbatched], 1e-6);
    torch.manual_seed(0);
    const model = new nn.Linear(2, 1);
    const opt = new optim.SGD(model.parameters(), { lr: 0.1 });
    const losses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const loss = new nn.MSELoss()(model(x), y);
      loss.backward();
      opt.step();
      losses.push(loss.item());
    }
    expectNums([...losses, ...(model.weight.flatten().tolist() as number[])], r.no_zero_grad, 1e-5);
  });
});
