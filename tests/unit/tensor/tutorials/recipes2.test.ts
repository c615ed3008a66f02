/**
 * PyTorch recipes not covered by training_recipes.test.ts, translated as a learner would:
 * "Defining a Neural Network", "What is a state_dict", "Saving and loading models for inference",
 * "Zeroing out gradients", "Automatic Mixed Precision" (on a CPU-only build: autocast("cuda")
 * and GradScaler disable themselves with PyTorch's warnings, so the AMP loop equals the default
 * precision loop step for step), transfer-learning style fine-tuning without downloads (freeze
 * with requires_grad_(false), replace the classifier, named_children, per-layer learning rates,
 * eval() with BatchNorm / Dropout), "Reasoning about shapes" (the meta device: a clear error).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { F, nn, optim, torch, type Tensor } from "../../../../lib/tensor/index";
import { syntheticDigits, tailMean } from "./helpers";

let warn: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  warn = vi.spyOn(console, "warn").mockImplementation(() => {});
});
afterEach(() => warn.mockRestore());

/** "Defining a Neural Network in PyTorch": the MNIST convnet of the recipe. */
class Net extends nn.Module {
  conv1 = new nn.Conv2d(1, 32, 3, 1);
  conv2 = new nn.Conv2d(32, 64, 3, 1);
  dropout1 = new nn.Dropout2d(0.25);
  dropout2 = new nn.Dropout2d(0.5);
  fc1 = new nn.Linear(9216, 128);
  fc2 = new nn.Linear(128, 10);
  forward(x: Tensor): Tensor {
    x = this.conv1(x);
    x = F.relu(x);
    x = this.conv2(x);
    x = F.relu(x);
    x = F.max_pool2d(x, 2);
    x = this.dropout1(x);
    x = torch.flatten(x, 1);
    x = this.fc1(x);
    x = F.relu(x);
    x = this.dropout2(x);
    x = this.fc2(x);
    const output = F.log_softmax(x, { dim: 1 });
    return output;
  }
}

/** "What is a state_dict" / "Saving and loading models for inference": the recipe's CIFAR-style net. */
class SmallNet extends nn.Module {
  conv1 = new nn.Conv2d(3, 6, 5);
  pool = new nn.MaxPool2d(2, 2);
  conv2 = new nn.Conv2d(6, 16, 5);
  fc1 = new nn.Linear(16 * 5 * 5, 120);
  fc2 = new nn.Linear(120, 84);
  fc3 = new nn.Linear(84, 10);
  forward(x: Tensor): Tensor {
    x = this.pool(F.relu(this.conv1(x)));
    x = this.pool(F.relu(this.conv2(x)));
    x = x.view(-1, 16 * 5 * 5);
    x = F.relu(this.fc1(x));
    x = F.relu(this.fc2(x));
    return this.fc3(x);
  }
}

describe("Defining a neural network, state_dict, saving for inference", () => {
  it("the recipe's Net prints, takes a random 28x28 image and returns log-probabilities", () => {
    torch.manual_seed(0);
    const my_nn = new Net();
    expect(String(my_nn).split("\n").slice(0, 4)).toEqual([
      "Net(",
      "  (conv1): Conv2d(1, 32, kernel_size=(3, 3), stride=(1, 1))",
      "  (conv2): Conv2d(32, 64, kernel_size=(3, 3), stride=(1, 1))",
      "  (dropout1): Dropout2d(p=0.25, inplace=False)",
    ]);
    const random_data = torch.rand([1, 1, 28, 28]);
    const result = my_nn(random_data);
    expect(result.shape).toEqual([1, 10]);
    expect(result.exp().sum().item()).toBeCloseTo(1, 5);
  });

  it("state_dict maps each layer to its tensors; the optimizer's holds state and param_groups", () => {
    torch.manual_seed(0);
    const net = new SmallNet();
    const optimizer = new optim.SGD(net.parameters(), { lr: 0.001, momentum: 0.9 });
    const sizes = Object.entries(net.state_dict()).map(([k, v]) => `${k}\t[${v.size().join(", ")}]`);
    expect(sizes).toEqual([
      "conv1.weight\t[6, 3, 5, 5]", "conv1.bias\t[6]", "conv2.weight\t[16, 6, 5, 5]", "conv2.bias\t[16]",
      "fc1.weight\t[120, 400]", "fc1.bias\t[120]", "fc2.weight\t[84, 120]", "fc2.bias\t[84]", "fc3.weight\t[10, 84]", "fc3.bias\t[10]",
    ]);
    const sd = optimizer.state_dict();
    expect(sd.state).toEqual({});
    // torch 1.13 prints {'lr': 0.001, 'momentum': 0.9, 'dampening': 0, 'weight_decay': 0, 'nesterov': False, 'maximize': False, 'foreach': None, 'differentiable': False, 'params': [0, ..., 9]}
    expect(sd.param_groups[0]).toEqual({
      lr: 0.001, momentum: 0.9, dampening: 0, weight_decay: 0, nesterov: false, maximize: false, foreach: null, differentiable: false, params: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    });
    net(torch.rand(2, 3, 32, 32)).sum().backward();
    optimizer.step();
    const after = optimizer.state_dict();
    expect(Object.keys(after.state)).toHaveLength(10);
    expect(Object.keys(after.state[0])).toEqual(["momentum_buffer"]);
  });

  it("save the state_dict, load it into a fresh model, eval(): the same predictions", () => {
    torch.manual_seed(1);
    const model = new SmallNet();
    const x = torch.rand(4, 3, 32, 32);
    model.eval();
    const expected = model(x);
    torch.save(model.state_dict(), "recipes2_model.pt");
    const loaded = new SmallNet();
    const keys = loaded.load_state_dict(torch.load("recipes2_model.pt") as Record<string, Tensor>);
    expect(keys.missing_keys).toEqual([]);
    expect(keys.unexpected_keys).toEqual([]);
    loaded.eval();
    expect(loaded(x).equal(expected)).toBe(true);
  });
});

describe("Zeroing out gradients", () => {
  it("without zero_grad the gradients accumulate across batches; with it each step sees its own", () => {
    torch.manual_seed(0);
    const net = new nn.Sequential(new nn.Linear(4, 3));
    const criterion = new nn.CrossEntropyLoss();
    const inputs = torch.randn(8, 4);
    const labels = torch.randint(0, 3, [8]);
    const gradOnce = () => {
      net.zero_grad();
      criterion(net(inputs), labels).backward();
      return (net.get(0) as nn.Linear).weight.grad!.clone();
    };
    const g = gradOnce();
    criterion(net(inputs), labels).backward(); // no zero_grad in between
    expect((net.get(0) as nn.Linear).weight.grad!.allclose(g.mul(2))).toBe(true);

    const optimizer = new optim.SGD(net.parameters(), { lr: 0.001, momentum: 0.9 });
    optimizer.zero_grad(); // torch 1.13's default set_to_none=False: zeros, not None
    expect((net.get(0) as nn.Linear).weight.grad!.abs().sum().item()).toBe(0);
    optimizer.zero_grad({ set_to_none: true });
    expect((net.get(0) as nn.Linear).weight.grad).toBeNull();
    let running_loss = 0;
    const losses: number[] = [];
    for (let epoch = 0; epoch < 20; epoch++) {
      optimizer.zero_grad();
      const loss = criterion(net(inputs), labels);
      loss.backward();
      optimizer.step();
      running_loss += loss.item();
      losses.push(loss.item());
    }
    expect(losses[19]).toBeLessThan(losses[0]);
    expect(running_loss / 20).toBeLessThan(losses[0]);
  });
});

describe("Automatic Mixed Precision on a CPU-only build", () => {
  function make_model(in_size: number, out_size: number, num_layers: number): nn.Sequential {
    const layers: nn.Module[] = [];
    for (let i = 0; i < num_layers - 1; i++) layers.push(new nn.Linear(in_size, in_size), new nn.ReLU());
    layers.push(new nn.Linear(in_size, out_size));
    return new nn.Sequential(...layers);
  }

  function train(use_amp: boolean): { losses: number[]; net: nn.Sequential; scaler: InstanceType<typeof torch.cuda.amp.GradScaler>; opt: optim.SGD } {
    torch.manual_seed(0);
    const [batch_size, in_size, out_size, num_layers, num_batches, epochs] = [8, 16, 4, 3, 4, 3];
    const device = "cuda"; // the recipe's device; autocast("cuda") disables itself without CUDA
    const data = Array.from({ length: num_batches }, () => torch.randn(batch_size, in_size));
    const targets = Array.from({ length: num_batches }, () => torch.randn(batch_size, out_size));
    const loss_fn = new nn.MSELoss();
    const net = make_model(in_size, out_size, num_layers);
    const opt = new optim.SGD(net.parameters(), { lr: 0.01 });
    const scaler = new torch.cuda.amp.GradScaler({ enabled: use_amp });
    const losses: number[] = [];
    for (let epoch = 0; epoch < epochs; epoch++) {
      data.forEach((input, i) => {
        const loss = torch.autocast(device, { dtype: torch.float16, enabled: use_amp }, () => {
          const output = net(input);
          expect(output.dtype).toBe(torch.float32);
          return loss_fn(output, targets[i]);
        });
        scaler.scale(loss).backward();
        // Unscale before clipping, as the recipe's "Inspecting/modifying gradients" section
        scaler.unscale_(opt);
        nn.utils.clip_grad_norm_(net.parameters(), 10.0);
        scaler.step(opt);
        scaler.update();
        opt.zero_grad({ set_to_none: true });
        losses.push(loss.item());
      });
    }
    return { losses, net, scaler, opt };
  }

  it("the AMP loop warns that CUDA is missing and trains exactly as the default-precision loop", () => {
    const amp = train(true);
    expect(warn).toHaveBeenCalledWith("UserWarning: torch.cuda.amp.GradScaler is enabled, but CUDA is not available.  Disabling.");
    expect(warn).toHaveBeenCalledWith("UserWarning: User provided device_type of 'cuda', but CUDA is not available. Disabling");
    const plain = train(false);
    expect(amp.losses).toEqual(plain.losses);
    expect(tailMean(amp.losses, 4)).toBeLessThan(amp.losses[0]);

    // Saving/Resuming: the scaler's state goes into the checkpoint next to the model's and optimizer's.
    const checkpoint = { model: amp.net.state_dict(), optimizer: amp.opt.state_dict(), scaler: amp.scaler.state_dict() };
    torch.save(checkpoint, "recipes2_amp.pt");
    const restored = torch.load("recipes2_amp.pt") as unknown as typeof checkpoint;
    const net2 = make_model(16, 4, 3);
    net2.load_state_dict(restored.model);
    const opt2 = new optim.SGD(net2.parameters(), { lr: 0.01 });
    opt2.load_state_dict(restored.optimizer);
    const scaler2 = new torch.cuda.amp.GradScaler({ enabled: false });
    scaler2.load_state_dict(restored.scaler);
    expect(restored.scaler).toEqual({});
    const x = torch.randn(2, 16);
    expect(net2(x).equal(amp.net(x))).toBe(true);
  });
});

describe("Fine-tuning without pretrained downloads", () => {
  /** A small stand-in for a pretrained backbone with a BatchNorm and a classifier named fc. */
  class TinyResNet extends nn.Module {
    conv1 = new nn.Conv2d(1, 8, 3, { padding: 1 });
    bn1 = new nn.BatchNorm2d(8);
    relu = new nn.ReLU();
    avgpool = new nn.AdaptiveAvgPool2d([4, 4]);
    dropout = new nn.Dropout(0.2);
    fc: nn.Module = new nn.Linear(128, 1000);
    forward(x: Tensor): Tensor {
      x = this.avgpool(this.relu(this.bn1(this.conv1(x))));
      return this.fc(this.dropout(torch.flatten(x, 1)));
    }
  }

  it("freezes the backbone, replaces fc, trains only the head (then two parameter groups) and evaluates in eval mode", () => {
    torch.manual_seed(0);
    const { x, y } = syntheticDigits(256, 11);
    const images = x.reshape(-1, 1, 28, 28);
    const model_conv = new TinyResNet();
    // "pretrain" the backbone briefly so it carries learned weights and running statistics
    const pre = new optim.SGD(model_conv.parameters(), { lr: 0.05 });
    for (let i = 0; i < 3; i++) {
      pre.zero_grad();
      F.cross_entropy(model_conv(images.index("0:64")), y.index("0:64")).backward();
      pre.step();
    }
    pre.zero_grad({ set_to_none: true });
    expect(model_conv.named_children().map(([name]) => name)).toEqual(["conv1", "bn1", "relu", "avgpool", "dropout", "fc"]);

    for (const param of model_conv.parameters()) param.requires_grad_(false);
    // Parameters of newly constructed modules have requires_grad=True by default
    const num_ftrs = (model_conv.fc as nn.Linear).in_features;
    model_conv.fc = new nn.Linear(num_ftrs, 10);
    expect(model_conv.named_parameters().filter(([, p]) => p.requires_grad).map(([n]) => n)).toEqual(["fc.weight", "fc.bias"]);
    const criterion = new nn.CrossEntropyLoss();
    const optimizer_conv = new optim.SGD(model_conv.fc.parameters(), { lr: 0.1, momentum: 0.9 });
    const exp_lr_scheduler = new optim.lr_scheduler.StepLR(optimizer_conv, { step_size: 7, gamma: 0.1 });
    const frozen = model_conv.conv1.weight.clone();
    const loader = new torch.utils.data.DataLoader(new torch.utils.data.TensorDataset(images, y), { batch_size: 32, shuffle: true });
    const epochLoss: number[] = [];
    for (let epoch = 0; epoch < 8; epoch++) {
      model_conv.train();
      let running = 0;
      for (const [inputs, labels] of loader as Iterable<Tensor[]>) {
        optimizer_conv.zero_grad();
        const outputs = model_conv(inputs);
        const loss = criterion(outputs, labels);
        loss.backward();
        optimizer_conv.step();
        running += loss.item() * inputs.size(0);
      }
      exp_lr_scheduler.step();
      epochLoss.push(running / 256);
    }
    expect(model_conv.conv1.weight.equal(frozen)).toBe(true); // the frozen backbone did not move
    expect(model_conv.conv1.weight.grad).toBeNull();
    expect(optimizer_conv.param_groups[0].lr).toBeCloseTo(0.01, 12); // StepLR after 8 epochs
    expect(epochLoss[7]).toBeLessThan(epochLoss[0] * 0.7);

    // Unfreeze and fine-tune everything with a smaller learning rate for the backbone.
    for (const param of model_conv.parameters()) param.requires_grad_(true);
    const backbone = model_conv.named_parameters().filter(([n]) => !n.startsWith("fc.")).map(([, p]) => p);
    const optimizer_ft = new optim.SGD([{ params: backbone, lr: 1e-3 }, { params: model_conv.fc.parameters() }], { lr: 1e-2, momentum: 0.9 });
    expect(optimizer_ft.param_groups.map((g) => g.lr)).toEqual([1e-3, 1e-2]);
    expect(optimizer_ft.param_groups[0].momentum).toBe(0.9);
    optimizer_ft.zero_grad();
    criterion(model_conv(images.index("0:32")), y.index("0:32")).backward();
    const before = model_conv.conv1.weight.clone();
    const grad = model_conv.conv1.weight.grad!.clone();
    optimizer_ft.step();
    expect(model_conv.conv1.weight.allclose(before.sub(grad.mul(1e-3)), { atol: 1e-7 })).toBe(true); // the group's own lr

    // eval(): BatchNorm uses running statistics and Dropout is off, so predictions are deterministic
    model_conv.eval();
    const running_mean = model_conv.bn1.running_mean!.clone();
    const [p1, p2] = [model_conv(images.index("0:16")), model_conv(images.index("0:16"))];
    expect(p1.equal(p2)).toBe(true);
    expect(model_conv.bn1.running_mean!.equal(running_mean)).toBe(true);
    const preds = torch.no_grad(() => model_conv(images).argmax(1));
    const inference = torch.inference_mode(() => model_conv(images).argmax(1));
    expect(preds.equal(inference)).toBe(true);
    expect(preds.eq(y).float().mean().item()).toBeGreaterThan(0.8);
  });
});

describe("Reasoning about shapes", () => {
  it("the meta device is refused with a clear error; shapes are found by running on small CPU tensors instead", () => {
    expect(() => torch.rand([2, 3, 10, 10], { device: "meta" })).toThrow(/runs on the CPU only, so device 'meta' is not available/);
    const conv = new nn.Conv2d(3, 5, 2);
    expect(() => conv.to("meta")).toThrow(/device 'meta' is not available/);
    const output = torch.no_grad(() => conv(torch.zeros(2, 3, 10, 10)));
    expect(output.shape).toEqual([2, 5, 9, 9]);
  });
});
