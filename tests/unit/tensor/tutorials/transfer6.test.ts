/**
 * "Transfer Learning for Computer Vision" with the tutorial's own train_model (train / val phases,
 * torch.set_grad_enabled(phase == 'train'), torch.max(outputs, 1), StepLR, the best weights kept by
 * copy.deepcopy(model.state_dict()) and restored with load_state_dict), for both of its
 * scenarios: fine-tuning the whole ConvNet after replacing fc, and the ConvNet as a fixed feature
 * extractor (requires_grad = false, only fc optimised). The ResNet is torchvision's BasicBlock
 * written out at toy width (3x16x16 images, 8/16 channels) and its seeded initialisation stands in
 * for the pretrained download; the "ants and bees" are a 2-class synthetic set. The tutorial runs
 * 25 epochs with StepLR(step_size=7); here 4 epochs with step_size=3 so the decay is seen. Epoch
 * losses, accuracies, learning rates, the restored weights and BatchNorm's running statistics
 * (which move in train() even when frozen) are torch 1.13's (transfer6.json,
 * scripts/fixtures/tutorial6_fixtures.py).
 */
import { describe, expect, it } from "vitest";
import { nn, optim, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectClose } from "../core/fixtures";
import { tutorialFixture } from "./helpers";

type FT = { shape: number[]; data: number[] };
type Row = { train: [number, number]; val: [number, number]; lr: number };
const ref = tutorialFixture<{
  finetune: { history: Row[]; best_acc: number; val_logits: FT; fc_weight: FT };
  fixed: { history: Row[]; best_acc: number; fc_weight: FT; bn1_running_mean: FT; conv1_weight_sum: number };
}>("transfer6.json");

function conv3x3(in_planes: number, out_planes: number, stride = 1): nn.Conv2d {
  return new nn.Conv2d(in_planes, out_planes, { kernel_size: 3, stride, padding: 1, bias: false });
}
function conv1x1(in_planes: number, out_planes: number, stride = 1): nn.Conv2d {
  return new nn.Conv2d(in_planes, out_planes, { kernel_size: 1, stride, bias: false });
}

/** torchvision.models.resnet.BasicBlock. */
class BasicBlock extends nn.Module {
  static expansion = 1;
  conv1: nn.Conv2d;
  bn1: nn.BatchNorm2d;
  relu = new nn.ReLU({ inplace: true });
  conv2: nn.Conv2d;
  bn2: nn.BatchNorm2d;
  downsample: nn.Module | null;
  stride: number;
  constructor(inplanes: number, planes: number, stride = 1, downsample: nn.Module | null = null) {
    super();
    this.conv1 = conv3x3(inplanes, planes, stride);
    this.bn1 = new nn.BatchNorm2d(planes);
    this.conv2 = conv3x3(planes, planes);
    this.bn2 = new nn.BatchNorm2d(planes);
    this.downsample = downsample;
    this.stride = stride;
  }
  forward(x: Tensor): Tensor {
    let identity = x;
    let out = this.conv1(x);
    out = this.bn1(out);
    out = this.relu(out);
    out = this.conv2(out);
    out = this.bn2(out);
    if (this.downsample !== null) identity = this.downsample(x);
    out.add_(identity); // out += identity
    out = this.relu(out);
    return out;
  }
}

class TinyResNet extends nn.Module {
  conv1 = new nn.Conv2d(3, 8, { kernel_size: 3, stride: 1, padding: 1, bias: false });
  bn1 = new nn.BatchNorm2d(8);
  relu = new nn.ReLU({ inplace: true });
  maxpool = new nn.MaxPool2d({ kernel_size: 3, stride: 2, padding: 1 });
  layer1 = new nn.Sequential(new BasicBlock(8, 8));
  layer2 = new nn.Sequential(new BasicBlock(8, 16, 2, new nn.Sequential(conv1x1(8, 16, 2), new nn.BatchNorm2d(16))));
  avgpool = new nn.AdaptiveAvgPool2d([1, 1]);
  fc: nn.Linear;
  constructor(num_classes = 10) {
    super();
    this.fc = new nn.Linear(16, num_classes);
    for (const m of this.modules()) {
      if (m instanceof nn.Conv2d) nn.init.kaiming_normal_(m.weight, { mode: "fan_out", nonlinearity: "relu" });
      else if (m instanceof nn.BatchNorm2d) {
        nn.init.constant_(m.weight!, 1);
        nn.init.constant_(m.bias!, 0);
      }
    }
  }
  forward(x: Tensor): Tensor {
    x = this.maxpool(this.relu(this.bn1(this.conv1(x))));
    x = this.layer2(this.layer1(x));
    x = torch.flatten(this.avgpool(x), 1);
    return this.fc(x);
  }
}

function transferData(): { x: Tensor; y: Tensor } {
  torch.manual_seed(0);
  const n = 72;
  const x = torch.rand(n, 3, 16, 16);
  const y = torch.randint(0, 2, [n]);
  for (let i = 0; i < n; i++) if (y.index(i).item() === 1) x.index(i, 0, ":8").add_(0.8); // class 1: a brighter red upper half
  return { x, y };
}

type Phase = "train" | "val";
type Loaders = Record<Phase, InstanceType<typeof torch.utils.data.DataLoader>>;

function train_model(
  model: TinyResNet, criterion: nn.CrossEntropyLoss, optimizer: optim.SGD, scheduler: optim.lr_scheduler.StepLR,
  dataloaders: Loaders, dataset_sizes: Record<Phase, number>, num_epochs: number,
): { model: TinyResNet; history: Row[]; best_acc: number } {
  // best_model_wts = copy.deepcopy(model.state_dict()): the state_dict's tensors share the model's
  // storage (as in PyTorch), so each is cloned
  const deepcopyState = (): Record<string, Tensor> =>
    Object.fromEntries(Object.entries(model.state_dict()).map(([k, v]) => [k, (v as Tensor).clone()]));
  let best_model_wts = deepcopyState();
  let best_acc = 0.0;
  const history: Row[] = [];
  for (let epoch = 0; epoch < num_epochs; epoch++) {
    const row: Partial<Row> = {};
    for (const phase of ["train", "val"] as const) {
      if (phase === "train") model.train();
      else model.eval();
      let running_loss = 0.0;
      let running_corrects: Tensor | number = 0;
      for (const [inputs, labels] of dataloaders[phase] as Iterable<Tensor[]>) {
        optimizer.zero_grad();
        const [loss, preds] = torch.set_grad_enabled(phase === "train", () => {
          const outputs = model(inputs);
          const [, preds] = torch.max(outputs, 1);
          const loss = criterion(outputs, labels);
          if (phase === "train") {
            loss.backward();
            optimizer.step();
          }
          return [loss, preds];
        });
        running_loss += (loss.item() as number) * inputs.size(0);
        running_corrects = torch.sum(preds.eq(labels.data)).add(running_corrects);
      }
      if (phase === "train") scheduler.step();
      const epoch_loss = running_loss / dataset_sizes[phase];
      const epoch_acc = (running_corrects as Tensor).double().div(dataset_sizes[phase]).item() as number;
      row[phase] = [epoch_loss, epoch_acc];
      if (phase === "val" && epoch_acc > best_acc) {
        best_acc = epoch_acc;
        best_model_wts = deepcopyState();
      }
    }
    row.lr = optimizer.param_groups[0].lr;
    history.push(row as Row);
  }
  model.load_state_dict(best_model_wts);
  return { model, history, best_acc };
}

function setup(): { x: Tensor; y: Tensor; dataloaders: Loaders; dataset_sizes: Record<Phase, number> } {
  const { x, y } = transferData();
  torch.manual_seed(1);
  const { TensorDataset, DataLoader } = torch.utils.data;
  const sets = { train: new TensorDataset(x.index(":48"), y.index(":48")), val: new TensorDataset(x.index("48:"), y.index("48:")) };
  const dataloaders = { train: new DataLoader(sets.train, { batch_size: 8, shuffle: true }), val: new DataLoader(sets.val, { batch_size: 8, shuffle: false }) };
  return { x, y, dataloaders, dataset_sizes: { train: sets.train.length, val: sets.val.length } };
}

function expectHistory(got: Row[], want: Row[]): void {
  got.forEach((row, e) => {
    for (const phase of ["train", "val"] as const) {
      expect(row[phase][0], `epoch ${e} ${phase} loss`).toBeCloseTo(want[e][phase][0], 3);
      expect(row[phase][1], `epoch ${e} ${phase} accuracy`).toBeCloseTo(want[e][phase][1], 10);
    }
    expect(row.lr, `epoch ${e} lr`).toBeCloseTo(want[e].lr, 12);
  });
}

describe("Transfer Learning for Computer Vision (BasicBlock ResNet, synthetic ants and bees)", () => {
  it("fine-tuning the ConvNet: torch's epoch losses, accuracies, StepLR rates and restored best weights; val accuracy reaches 1", () => {
    const { x, dataloaders, dataset_sizes } = setup();
    let model_ft = new TinyResNet(10);
    const num_ftrs = model_ft.fc.in_features;
    // Here the size of each output sample is set to 2.
    model_ft.fc = new nn.Linear(num_ftrs, 2);
    const criterion = new nn.CrossEntropyLoss();
    // Observe that all parameters are being optimized
    const optimizer_ft = new optim.SGD(model_ft.parameters(), { lr: 0.05, momentum: 0.9 });
    const exp_lr_scheduler = new optim.lr_scheduler.StepLR(optimizer_ft, { step_size: 3, gamma: 0.1 });
    const result = train_model(model_ft, criterion, optimizer_ft, exp_lr_scheduler, dataloaders, dataset_sizes, 4);
    model_ft = result.model;
    expectHistory(result.history, ref.finetune.history);
    expect(result.best_acc).toBeCloseTo(ref.finetune.best_acc, 10);
    expect(result.best_acc).toBe(1); // the learning bar: every validation image right
    model_ft.eval();
    expectClose(torch.no_grad(() => model_ft(x.index("48:56"))), ref.finetune.val_logits.data, 2e-3, 2e-3, "restored model's validation logits");
    expectClose(model_ft.fc.weight, ref.finetune.fc_weight.data, 2e-3, 1e-4, "fc.weight");
  });

  it("ConvNet as fixed feature extractor: only fc moves, BatchNorm's running statistics still do, as in torch", () => {
    const { x, y, dataloaders, dataset_sizes } = setup();
    const model_conv = new TinyResNet(10);
    for (const param of model_conv.parameters()) param.requires_grad = false;
    const conv1Before = model_conv.conv1.weight.clone();
    // Parameters of newly constructed modules have requires_grad=True by default
    const num_ftrs = model_conv.fc.in_features;
    model_conv.fc = new nn.Linear(num_ftrs, 2);
    const criterion = new nn.CrossEntropyLoss();
    // Observe that only parameters of final layer are being optimized as opposed to before.
    const optimizer_conv = new optim.SGD(model_conv.fc.parameters(), { lr: 0.05, momentum: 0.9 });
    const exp_lr_scheduler = new optim.lr_scheduler.StepLR(optimizer_conv, { step_size: 3, gamma: 0.1 });
    const { history, best_acc } = train_model(model_conv, criterion, optimizer_conv, exp_lr_scheduler, dataloaders, dataset_sizes, 4);
    expectHistory(history, ref.fixed.history);
    expect(best_acc).toBeCloseTo(ref.fixed.best_acc, 10);
    expect(best_acc).toBeGreaterThan(0.9);
    // the last epoch scored lower than the best: the weights load_state_dict restored are the best epoch's
    expect(history.at(-1)!.val[1]).toBeLessThan(best_acc);
    model_conv.eval();
    const restoredAcc = torch.no_grad(() => model_conv(x.index("48:")).argmax(1).eq(y.index("48:")).double().mean().item());
    expect(restoredAcc).toBeCloseTo(best_acc, 10);
    expect(model_conv.conv1.weight.equal(conv1Before)).toBe(true);
    expect(model_conv.conv1.weight.sum().item()).toBeCloseTo(ref.fixed.conv1_weight_sum, 4);
    expect(model_conv.conv1.weight.grad).toBeNull();
    expectClose(model_conv.bn1.running_mean!, ref.fixed.bn1_running_mean.data, 1e-4, 1e-6, "bn1.running_mean (frozen, still tracked)");
    expectClose(model_conv.fc.weight, ref.fixed.fc_weight.data, 2e-3, 1e-4, "fc.weight");
  });

  it("why the tutorial deep-copies the state_dict: its tensors share the parameters' storage", () => {
    torch.manual_seed(2);
    const model = new TinyResNet(2);
    const shallow = model.state_dict();
    const copied = Object.fromEntries(Object.entries(model.state_dict()).map(([k, v]) => [k, (v as Tensor).clone()]));
    torch.no_grad(() => model.fc.weight.add_(1));
    expect((shallow["fc.weight"] as Tensor).equal(model.fc.weight)).toBe(true); // moved with the model
    expect((copied["fc.weight"] as Tensor).equal(model.fc.weight)).toBe(false); // the copy kept the old values
    model.load_state_dict(copied);
    expect((copied["fc.weight"] as Tensor).equal(model.fc.weight)).toBe(true);
  });
});
