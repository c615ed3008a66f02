/**
 * PyTorch's "Learn the Basics" tutorial (tensors, datasets & dataloaders, build the model, autograd,
 * optimization, save & load), translated line by line: Python keywords become a trailing options
 * object and `x[:, 1]` becomes `x.index(null, 1)`. FashionMNIST is replaced by a small synthetic
 * image set of the same layout (1x28x28 images, 10 classes) so the test runs offline in seconds.
 */
import { describe, expect, it } from "vitest";
import { nn, torch, utils, type Optimizer, type Tensor } from "../../../../lib/tensor/index";

const { Dataset, DataLoader } = utils.data;

describe("Learn the Basics: tensors", () => {
  it("initializes, inspects, indexes, joins and computes with tensors", () => {
    const data = [[1, 2], [3, 4]];
    const x_data = torch.tensor(data, { dtype: torch.long }); // Python infers int64 from ints; JS numbers need the dtype
    expect(x_data.dtype).toBe(torch.int64);

    const x_ones = torch.ones_like(x_data);
    expect(x_ones.tolist()).toEqual([[1, 1], [1, 1]]);
    expect(x_ones.dtype).toBe(torch.int64);
    const x_rand = torch.rand_like(x_data, { dtype: torch.float });
    expect(x_rand.dtype).toBe(torch.float32);
    expect(x_rand.shape).toEqual([2, 2]);

    const shape = [2, 3];
    expect(torch.rand(shape).shape).toEqual([2, 3]);
    expect(torch.ones(shape).sum().item()).toBe(6);
    expect(torch.zeros(shape).sum().item()).toBe(0);

    let tensor = torch.rand(3, 4);
    expect(tensor.shape).toEqual([3, 4]);
    expect(tensor.dtype).toBe(torch.float32);
    expect(String(tensor.device)).toBe("cpu");
    if (torch.cuda.is_available()) tensor = tensor.to("cuda");

    tensor = torch.ones(4, 4);
    expect(tensor.index(0).tolist()).toEqual([1, 1, 1, 1]); // tensor[0]
    expect(tensor.index(null, 0).shape).toEqual([4]); // tensor[:, 0]
    expect(tensor.index("...", -1).shape).toEqual([4]); // tensor[..., -1]
    tensor.index_put_([null, 1], 0); // tensor[:,1] = 0
    expect(String(tensor)).toBe(
      "tensor([[1., 0., 1., 1.],\n        [1., 0., 1., 1.],\n        [1., 0., 1., 1.],\n        [1., 0., 1., 1.]])",
    );

    const t1 = torch.cat([tensor, tensor, tensor], { dim: 1 });
    expect(t1.shape).toEqual([4, 12]);
    expect(t1.index(0).tolist()).toEqual([1, 0, 1, 1, 1, 0, 1, 1, 1, 0, 1, 1]);

    // Arithmetic: y1, y2, y3 are the same matrix product; z1, z2, z3 the same elementwise product.
    const y1 = tensor.matmul(tensor.T);
    const y2 = tensor.matmul(tensor.T);
    const y3 = torch.rand_like(y1);
    torch.matmul(tensor, tensor.T, { out: y3 });
    expect(y1.tolist()).toEqual(torch.full([4, 4], 3).tolist());
    expect(y2.equal(y1)).toBe(true);
    expect(y3.equal(y1)).toBe(true);
    const z1 = tensor.mul(tensor);
    const z2 = tensor.mul(tensor);
    const z3 = torch.rand_like(tensor);
    torch.mul(tensor, tensor, { out: z3 });
    expect(z2.equal(z1)).toBe(true);
    expect(z3.equal(z1)).toBe(true);

    const agg = tensor.sum();
    const agg_item = agg.item();
    expect(agg_item).toBe(12);
    expect(typeof agg_item).toBe("number");

    tensor.add_(5);
    expect(tensor.index(0).tolist()).toEqual([6, 5, 6, 6]);

    // Bridge with "NumPy": t.numpy() shares memory with the tensor.
    const t = torch.ones(5);
    const n = t.numpy();
    t.add_(1);
    expect(Array.from(n)).toEqual([2, 2, 2, 2, 2]);
  });
});

/** A custom Dataset, as the tutorial's CustomImageDataset: a label list and an image per index. */
class CustomImageDataset extends Dataset<[Tensor, number]> {
  constructor(
    private readonly images: Tensor,
    private readonly img_labels: number[],
    private readonly transform: ((x: Tensor) => Tensor) | null = null,
    private readonly target_transform: ((y: number) => number) | null = null,
  ) {
    super();
  }
  __len__(): number {
    return this.img_labels.length;
  }
  __getitem__(idx: number): [Tensor, number] {
    let image = this.images.index(idx);
    let label = this.img_labels[idx];
    if (this.transform) image = this.transform(image);
    if (this.target_transform) label = this.target_transform(label);
    return [image, label];
  }
}

/** Ten classes of 1x28x28 "images": class k lights up row band k (plus noise), so an MLP can learn them. */
function syntheticImages(n: number, seed: number): { images: Tensor; labels: number[] } {
  const g = new torch.Generator(seed);
  const labels = torch.randint(0, 10, [n], { generator: g });
  const images = torch.rand([n, 1, 28, 28], { generator: g }).mul(0.3);
  const labelList = labels.tolist() as number[];
  labelList.forEach((k, i) => images.index(i, 0, `${2 * k + 4}:${2 * k + 6}`).add_(0.7));
  return { images, labels: labelList };
}

class NeuralNetwork extends nn.Module {
  flatten = new nn.Flatten();
  linear_relu_stack = new nn.Sequential(new nn.Linear(28 * 28, 64), new nn.ReLU(), new nn.Linear(64, 64), new nn.ReLU(), new nn.Linear(64, 10));
  forward(x: Tensor): Tensor {
    x = this.flatten(x);
    const logits = this.linear_relu_stack(x);
    return logits;
  }
}

function train_loop(dataloader: InstanceType<typeof DataLoader>, model: nn.Module, loss_fn: nn.CrossEntropyLoss, optimizer: Optimizer): number[] {
  const losses: number[] = [];
  for (const [X, y] of dataloader as Iterable<[Tensor, Tensor]>) {
    const pred = model(X) as Tensor;
    const loss = loss_fn(pred, y);
    optimizer.zero_grad();
    loss.backward();
    optimizer.step();
    losses.push(loss.item());
  }
  return losses;
}

function test_loop(dataloader: InstanceType<typeof DataLoader>, model: nn.Module, loss_fn: nn.CrossEntropyLoss): { correct: number; test_loss: number } {
  const size = dataloader.dataset.length;
  const num_batches = dataloader.length;
  let test_loss = 0;
  let correct = 0;
  torch.no_grad(() => {
    for (const [X, y] of dataloader as Iterable<[Tensor, Tensor]>) {
      const pred = model(X) as Tensor;
      test_loss += loss_fn(pred, y).item();
      correct += pred.argmax(1).eq(y).type(torch.float).sum().item();
    }
  });
  return { test_loss: test_loss / num_batches, correct: correct / size };
}

describe("Learn the Basics: datasets, model, optimization, save and load", () => {
  it("a custom Dataset with transforms feeds a DataLoader that collates labels into an int64 batch", () => {
    const { images, labels } = syntheticImages(10, 1);
    const ds = new CustomImageDataset(images, labels, (x) => x.mul(2), (y) => y + 100);
    expect(ds.length).toBe(10);
    const [img, label] = ds.get(3);
    expect(img.shape).toEqual([1, 28, 28]);
    expect(label).toBe(labels[3] + 100);
    const loader = new DataLoader(ds, { batch_size: 4, shuffle: true });
    const [train_features, train_labels] = loader[Symbol.iterator]().next().value as [Tensor, Tensor];
    expect(train_features.size()).toEqual([4, 1, 28, 28]);
    expect(train_labels.size()).toEqual([4]);
    expect(train_labels.dtype).toBe(torch.int64);
    const img0 = train_features.index(0).squeeze();
    expect(img0.shape).toEqual([28, 28]);
    expect(loader.length).toBe(3);
  });

  it("builds the model, prints it, and predicts with softmax over the logits", () => {
    torch.manual_seed(0);
    const device = torch.cuda.is_available() ? "cuda" : "cpu";
    const model = new NeuralNetwork().to(device);
    expect(String(model)).toBe(
      [
        "NeuralNetwork(",
        "  (flatten): Flatten(start_dim=1, end_dim=-1)",
        "  (linear_relu_stack): Sequential(",
        "    (0): Linear(in_features=784, out_features=64, bias=True)",
        "    (1): ReLU()",
        "    (2): Linear(in_features=64, out_features=64, bias=True)",
        "    (3): ReLU()",
        "    (4): Linear(in_features=64, out_features=10, bias=True)",
        "  )",
        ")",
      ].join("\n"),
    );
    const X = torch.rand(1, 28, 28, { device });
    const logits = model(X);
    const pred_probab = new nn.Softmax({ dim: 1 })(logits);
    expect(pred_probab.sum(1).item()).toBeCloseTo(1, 5);
    const y_pred = pred_probab.argmax(1);
    expect(y_pred.shape).toEqual([1]);

    const input_image = torch.rand(3, 28, 28);
    const flat_image = new nn.Flatten()(input_image);
    expect(flat_image.size()).toEqual([3, 784]);
    const layer1 = new nn.Linear({ in_features: 28 * 28, out_features: 20 });
    const hidden1 = new nn.ReLU()(layer1(flat_image));
    expect(hidden1.min().item()).toBeGreaterThanOrEqual(0);

    // Shapes are plain arrays here (PyTorch prints torch.Size([64, 784])).
    const names = model.named_parameters().map(([name, param]) => `${name} | Size: [${param.size().join(", ")}]`);
    expect(names[0]).toBe("linear_relu_stack.0.weight | Size: [64, 784]");
    expect(names).toHaveLength(6);
  });

  it("autograd: requires_grad, grad_fn, no_grad and detach", () => {
    const x = torch.ones(5); // input tensor
    const y = torch.zeros(3); // expected output
    const w = torch.randn(5, 3, { requires_grad: true });
    const b = torch.randn(3, { requires_grad: true });
    const z = torch.matmul(x, w).add(b);
    const loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y);
    expect(String(z.grad_fn)).toBe("<AddBackward0>"); // PyTorch adds " object at 0x...", an address
    expect(loss.grad_fn?.name()).toBe("BinaryCrossEntropyWithLogitsBackward0");
    loss.backward();
    // d loss / d w[i, j] = sigmoid(z_j) / 3 for an all-ones input
    const expected = torch.sigmoid(z.detach()).div(3).expand(5, 3);
    expect(w.grad!.allclose(expected, { atol: 1e-6 })).toBe(true);
    expect(b.grad!.allclose(expected.index(0), { atol: 1e-6 })).toBe(true);

    let z2 = torch.matmul(x, w).add(b);
    expect(z2.requires_grad).toBe(true);
    torch.no_grad(() => {
      z2 = torch.matmul(x, w).add(b);
    });
    expect(z2.requires_grad).toBe(false);
    const z_det = torch.matmul(x, w).add(b).detach();
    expect(z_det.requires_grad).toBe(false);

    // Tensor gradients and Jacobian products: out = (inp + 1)^2 transposed, backward with ones.
    const inp = torch.eye(4, 5, { requires_grad: true });
    const out = inp.add(1).pow(2).t();
    out.backward(torch.ones_like(out), { retain_graph: true });
    const first = inp.grad!.clone();
    out.backward(torch.ones_like(out), { retain_graph: true });
    expect(inp.grad!.equal(first.mul(2))).toBe(true);
    inp.grad!.zero_();
    out.backward(torch.ones_like(out), { retain_graph: true });
    expect(inp.grad!.equal(first)).toBe(true);
    expect(first.index(0, 0).item()).toBe(4);
    expect(first.index(0, 1).item()).toBe(2);

    const a = torch.randn(2, 2);
    a.requires_grad_();
    expect(a.requires_grad).toBe(true);
  });

  it("the optimization loop trains the model, test accuracy passes 90%, and the state_dict round-trips", () => {
    torch.manual_seed(1);
    const train = syntheticImages(256, 2);
    const test = syntheticImages(128, 3);
    const train_dataloader = new DataLoader(new CustomImageDataset(train.images, train.labels), { batch_size: 32, shuffle: true });
    const test_dataloader = new DataLoader(new CustomImageDataset(test.images, test.labels), { batch_size: 64 });

    const learning_rate = 1e-1;
    const epochs = 8;
    const model = new NeuralNetwork();
    const loss_fn = new nn.CrossEntropyLoss();
    const optimizer = new torch.optim.SGD(model.parameters(), { lr: learning_rate });
    const before = test_loop(test_dataloader, model, loss_fn);
    let losses: number[] = [];
    for (let t = 0; t < epochs; t++) losses = losses.concat(train_loop(train_dataloader, model, loss_fn, optimizer));
    const after = test_loop(test_dataloader, model, loss_fn);
    expect(before.correct).toBeLessThan(0.3);
    expect(after.correct).toBeGreaterThan(0.9);
    expect(after.test_loss).toBeLessThan(before.test_loss / 3);
    expect(losses.slice(-4).reduce((s, v) => s + v, 0) / 4).toBeLessThan(losses[0] / 3);

    // Save and load the model weights (torch.save(model.state_dict(), 'model_weights.pth')).
    torch.save(model.state_dict(), "model_weights.pth");
    const model2 = new NeuralNetwork();
    const res = model2.load_state_dict(torch.load("model_weights.pth") as Record<string, Tensor>);
    expect(res.missing_keys).toEqual([]);
    model2.eval();
    expect(test_loop(test_dataloader, model2, loss_fn).correct).toBe(after.correct);

    // Saving and loading the whole model (torch.save(model, 'model.pth')).
    nn.register_module("NeuralNetwork", NeuralNetwork);
    torch.save(model, "model.pth");
    const model3 = torch.load("model.pth") as NeuralNetwork;
    expect(model3).toBeInstanceOf(NeuralNetwork);
    const x = test.images.index("0:5");
    expect(model3(x).equal(model(x))).toBe(true);
  });
});
