/**
 * "Deep Learning with PyTorch: A 60 Minute Blitz" (autograd, neural networks, training a
 * classifier) and a ResNet basic block. The Neural Networks part runs exactly as written from a
 * seed and is compared with PyTorch 1.13 (blitz.json); the CIFAR-10 classifier trains on random
 * 3x32x32 images whose class is a colour cast, and must learn it.
 */
import { describe, expect, it } from "vitest";
import { F, nn, optim, torch, utils, type Tensor } from "../../../../lib/tensor/index";
import { expectClose } from "../core/fixtures";
import { tutorialFixture } from "./helpers";

const ref = tutorialFixture<{ out: number[][]; loss: number; conv1_bias_grad: number[]; loss_after_step: number }>("blitz.json");

class Net extends nn.Module {
  // 1 input image channel, 6 output channels, 5x5 square convolution kernel
  conv1 = new nn.Conv2d(1, 6, 5);
  conv2 = new nn.Conv2d(6, 16, 5);
  // an affine operation: y = Wx + b
  fc1 = new nn.Linear(16 * 5 * 5, 120); // 5*5 from image dimension
  fc2 = new nn.Linear(120, 84);
  fc3 = new nn.Linear(84, 10);
  forward(x: Tensor): Tensor {
    // Max pooling over a (2, 2) window
    x = F.max_pool2d(F.relu(this.conv1(x)), [2, 2]);
    // If the size is a square, you can specify with a single number
    x = F.max_pool2d(F.relu(this.conv2(x)), 2);
    x = torch.flatten(x, 1); // flatten all dimensions except the batch dimension
    x = F.relu(this.fc1(x));
    x = F.relu(this.fc2(x));
    return this.fc3(x);
  }
}

describe("60 Minute Blitz", () => {
  it("a gentle introduction to torch.autograd: Q = 3a^3 - b^2 and the external gradient", () => {
    const a = torch.tensor([2.0, 3.0], { requires_grad: true });
    const b = torch.tensor([6.0, 4.0], { requires_grad: true });
    const Q = a.pow(3).mul(3).sub(b.pow(2));
    const external_grad = torch.tensor([1.0, 1.0]);
    Q.backward({ gradient: external_grad });
    // check if collected gradients are correct
    expect(a.pow(2).mul(9).eq(a.grad!).tolist()).toEqual([true, true]);
    expect(b.mul(-2).eq(b.grad!).tolist()).toEqual([true, true]);

    // exclusion from the DAG; finetuning a frozen resnet-like model's new head
    const x = torch.rand(5, 5);
    const y = torch.rand(5, 5);
    const z = torch.rand([5, 5], { requires_grad: true });
    expect(x.add(y).requires_grad).toBe(false);
    expect(x.add(z).requires_grad).toBe(true);
    const model = new nn.Sequential(new nn.Linear(8, 8), new nn.ReLU(), new nn.Linear(8, 4));
    for (const param of model.parameters()) param.requires_grad = false; // Freeze all the parameters in the network
    const fc = new nn.Linear(8, 2); // model.fc = nn.Linear(512, 10): the new layer is unfrozen
    const head = new nn.Sequential(model.get(0), model.get(1), fc);
    const optimizer = new optim.SGD(head.parameters(), { lr: 1e-2, momentum: 0.9 });
    head(torch.randn(3, 8)).sum().backward();
    optimizer.step();
    expect(model.get(0).parameters().every((p) => p.grad === null)).toBe(true);
    expect(fc.weight.grad).not.toBeNull();
  });

  it("neural networks: the Net's output, loss, conv1.bias.grad and an SGD step equal PyTorch 1.13's", () => {
    torch.manual_seed(0);
    const net = new Net();
    expect(String(net)).toBe(
      [
        "Net(",
        "  (conv1): Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1))",
        "  (conv2): Conv2d(6, 16, kernel_size=(5, 5), stride=(1, 1))",
        "  (fc1): Linear(in_features=400, out_features=120, bias=True)",
        "  (fc2): Linear(in_features=120, out_features=84, bias=True)",
        "  (fc3): Linear(in_features=84, out_features=10, bias=True)",
        ")",
      ].join("\n"),
    );
    const params = net.parameters();
    expect(params).toHaveLength(10);
    expect(params[0].size()).toEqual([6, 1, 5, 5]); // conv1's .weight

    const input = torch.randn(1, 1, 32, 32);
    const out = net(input);
    expectClose(out, ref.out, 1e-5, 1e-6, "out");

    // Loss function (the fixture computes it right after the first forward, so its target draw comes next)
    const output = net(input);
    const target = torch.randn(10).view(1, -1); // a dummy target, for example; the same shape as output
    const criterion = new nn.MSELoss();
    const loss = criterion(output, target);
    expect(loss.item()).toBeCloseTo(ref.loss, 5);
    // print(loss.grad_fn); print(loss.grad_fn.next_functions[0][0]); print(loss.grad_fn.next_functions[0][0].next_functions[0][0])
    expect(loss.grad_fn!.name()).toBe("MseLossBackward0");
    expect(loss.grad_fn!.next_functions[0][0]!.name()).toBe("AddmmBackward0"); // Linear
    expect(loss.grad_fn!.next_functions[0][0]!.next_functions[0][0]!.name()).toBe("torch::autograd::AccumulateGrad"); // fc3.bias
    expect(loss.grad_fn!.next_functions[1]).toEqual([null, 0]); // the target is a constant

    // Backprop
    net.zero_grad(); // zeroes the gradient buffers of all parameters
    expect(net.conv1.bias!.grad).toBeNull(); // conv1.bias.grad before backward
    loss.backward();
    expectClose(net.conv1.bias!.grad!, ref.conv1_bias_grad, 1e-4, 1e-7, "conv1.bias.grad after backward");

    // Update the weights
    const optimizer = new optim.SGD(net.parameters(), { lr: 0.01 });
    optimizer.step(); // Does the update
    expect(criterion(net(input), target).item()).toBeCloseTo(ref.loss_after_step, 5);

    // Zero the gradient buffers of all parameters and backprop with random gradients
    net.zero_grad();
    const out2 = net(input);
    out2.backward(torch.randn(1, 10));
    expect(net.fc3.bias!.grad!.shape).toEqual([10]);
  });

  it("training a classifier: CIFAR-shaped data, CrossEntropyLoss, SGD with momentum, per-class accuracy", () => {
    torch.manual_seed(0);
    const classes = ["plane", "car", "bird", "cat"];
    // "images": noise in [-1, 1] (the normalized range) plus a colour cast per class
    const cast = torch.tensor([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0]]);
    const make = (n: number, seed: number) => {
      const g = new torch.Generator(seed);
      const labels = torch.randint(0, 4, [n], { generator: g });
      const images = torch.rand([n, 3, 32, 32], { generator: g }).mul(2).sub(1).mul(0.5).add(cast.index(labels).view(n, 3, 1, 1));
      return new utils.data.TensorDataset(images, labels);
    };
    const trainloader = new utils.data.DataLoader(make(128, 1), { batch_size: 8, shuffle: true });
    const testloader = new utils.data.DataLoader(make(64, 2), { batch_size: 32, shuffle: false });
    const [images, labels] = trainloader[Symbol.iterator]().next().value as Tensor[];
    expect(images.shape).toEqual([8, 3, 32, 32]);
    expect(labels.dtype).toBe(torch.int64);

    class CifarNet extends nn.Module {
      conv1 = new nn.Conv2d(3, 6, 5);
      pool = new nn.MaxPool2d(2, 2);
      conv2 = new nn.Conv2d(6, 16, 5);
      fc1 = new nn.Linear(16 * 5 * 5, 120);
      fc2 = new nn.Linear(120, 84);
      fc3 = new nn.Linear(84, 4);
      forward(x: Tensor): Tensor {
        x = this.pool(F.relu(this.conv1(x)));
        x = this.pool(F.relu(this.conv2(x)));
        x = torch.flatten(x, 1);
        x = F.relu(this.fc1(x));
        x = F.relu(this.fc2(x));
        return this.fc3(x);
      }
    }
    const net = new CifarNet();
    const criterion = new nn.CrossEntropyLoss();
    const optimizer = new optim.SGD(net.parameters(), { lr: 0.01, momentum: 0.9 });
    const epochLoss: number[] = [];
    for (let epoch = 0; epoch < 4; epoch++) {
      let running_loss = 0.0;
      for (const [inputs, lbls] of trainloader as Iterable<Tensor[]>) {
        optimizer.zero_grad();
        const outputs = net(inputs);
        const loss = criterion(outputs, lbls);
        loss.backward();
        optimizer.step();
        running_loss += loss.item();
      }
      epochLoss.push(running_loss / trainloader.length);
    }
    expect(epochLoss[3]).toBeLessThan(epochLoss[0] / 2);

    // save, reload, and count correct predictions per class
    const PATH = "./cifar_net.pth";
    torch.save(net.state_dict(), PATH);
    const net2 = new CifarNet();
    net2.load_state_dict(torch.load(PATH) as Record<string, Tensor>);
    const correct_pred = Object.fromEntries(classes.map((c) => [c, 0]));
    const total_pred = Object.fromEntries(classes.map((c) => [c, 0]));
    let correct = 0;
    let total = 0;
    torch.no_grad(() => {
      for (const [imgs, lbls] of testloader as Iterable<Tensor[]>) {
        const outputs = net2(imgs);
        const [, predictions] = torch.max(outputs, 1); // _, predictions = torch.max(outputs, 1)
        total += lbls.size(0);
        correct += predictions.eq(lbls).sum().item();
        (lbls.tolist() as number[]).forEach((label, k) => {
          if (label === predictions.index(k).item()) correct_pred[classes[label]]++;
          total_pred[classes[label]]++;
        });
      }
    });
    expect(correct / total).toBeGreaterThan(0.9);
    for (const c of classes) expect(correct_pred[c] / total_pred[c], c).toBeGreaterThan(0.7);
  });
});

describe("A ResNet basic block", () => {
  class BasicBlock extends nn.Module {
    static expansion = 1;
    conv1: nn.Conv2d;
    bn1: nn.BatchNorm2d;
    relu = new nn.ReLU({ inplace: true });
    conv2: nn.Conv2d;
    bn2: nn.BatchNorm2d;
    downsample: nn.Sequential | null;
    constructor(inplanes: number, planes: number, stride = 1) {
      super();
      this.conv1 = new nn.Conv2d(inplanes, planes, { kernel_size: 3, stride, padding: 1, bias: false });
      this.bn1 = new nn.BatchNorm2d(planes);
      this.conv2 = new nn.Conv2d(planes, planes, { kernel_size: 3, stride: 1, padding: 1, bias: false });
      this.bn2 = new nn.BatchNorm2d(planes);
      this.downsample =
        stride !== 1 || inplanes !== planes ? new nn.Sequential(new nn.Conv2d(inplanes, planes, { kernel_size: 1, stride, bias: false }), new nn.BatchNorm2d(planes)) : null;
    }
    forward(x: Tensor): Tensor {
      const identity = this.downsample ? this.downsample(x) : x;
      let out = this.conv1(x);
      out = this.bn1(out);
      out = this.relu(out);
      out = this.conv2(out);
      out = this.bn2(out);
      out = out.add(identity); // out += identity
      return this.relu(out);
    }
  }

  it("the skip connection, downsampling, BatchNorm's running statistics, train/eval, and gradients through an in-place ReLU", () => {
    torch.manual_seed(0);
    const block = new BasicBlock(4, 8, 2);
    const x = torch.randn(2, 4, 8, 8, { requires_grad: true });
    const y = block(x);
    expect(y.shape).toEqual([2, 8, 4, 4]);
    expect(y.min().item()).toBeGreaterThanOrEqual(0);
    expect(block.bn1.num_batches_tracked!.item()).toBe(1);
    expect(block.bn1.running_mean!.abs().sum().item()).toBeGreaterThan(0);
    y.sum().backward();
    expect(x.grad!.abs().sum().item()).toBeGreaterThan(0);
    expect(block.conv1.weight.grad!.shape).toEqual([8, 4, 3, 3]);
    const names = block.named_parameters().map(([n]) => n);
    expect(names).toContain("downsample.0.weight");
    expect(Object.keys(block.state_dict())).toContain("bn1.running_var");

    // the gradient of the block equals finite differences (float64, eval mode: fixed statistics)
    const b64 = new BasicBlock(2, 2).double();
    b64.eval();
    expect(torch.autograd.gradcheck((t: Tensor) => b64(t), [torch.randn([1, 2, 4, 4], { dtype: torch.float64, requires_grad: true })])).toBe(true);

    // identity shortcut: with zeroed bn2 weights the block is relu(x)
    const id = new BasicBlock(3, 3);
    nn.init.zeros_(id.bn2.weight!);
    const z = torch.randn(1, 3, 5, 5);
    expect(torch.no_grad(() => id(z)).allclose(z.relu(), { atol: 1e-6 })).toBe(true);
  });
});
