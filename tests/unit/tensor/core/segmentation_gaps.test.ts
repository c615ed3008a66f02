/**
 * Gaps the segmentation probe (tests/unit/tensor/tutorials/segmentation.test.ts) found, checked against torch 1.13's
 * behaviour (shapes, grad_fn names and messages printed by torch 1.13.1 for the same calls).
 */
import { describe, expect, it } from "vitest";
import { F, nn, torch, torchvision } from "../../../../lib/tensor/index";
import { raised } from "../tutorials/helpers";

const long = { dtype: torch.long };

describe("F.pad takes one-element integer tensors in its pad list, as torch's tuple-of-ints parser", () => {
  it("Pytorch-UNet's Up.forward: diffX = torch.tensor([...]), pad [diffX // 2, diffX - diffX // 2, ...]", () => {
    const x1 = torch.ones([1, 1, 2, 2], { requires_grad: true });
    const diffY = torch.tensor([3], long);
    const diffX = torch.tensor([2], long);
    const y = F.pad(x1, [diffX.floor_divide(2), diffX.sub(diffX.floor_divide(2)), diffY.floor_divide(2), diffY.sub(diffY.floor_divide(2))]);
    expect(y.shape).toEqual([1, 1, 5, 4]);
    expect(y.grad_fn!.name()).toBe("ConstantPadNdBackward0");
    expect(y.sum({ dim: [0, 1] }).tolist()).toEqual([[0, 0, 0, 0], [0, 1, 1, 0], [0, 1, 1, 0], [0, 0, 0, 0], [0, 0, 0, 0]]);
    y.sum().backward();
    expect(x1.grad!.tolist()).toEqual([[[[1, 1], [1, 1]]]]);
  });
  it("0-d, [[n]], bool and uint8 one-element tensors count; negative ones crop", () => {
    const x = torch.zeros([1, 1, 2, 2]);
    expect(F.pad(x, [torch.tensor(1, long), 0]).shape).toEqual([1, 1, 2, 3]);
    expect(F.pad(x, [torch.tensor([[1]], long), 0]).shape).toEqual([1, 1, 2, 3]);
    expect(F.pad(x, [torch.tensor(true), 0]).shape).toEqual([1, 1, 2, 3]);
    expect(F.pad(x, [torch.tensor([1], { dtype: torch.uint8 }), 0]).shape).toEqual([1, 1, 2, 3]);
    expect(F.pad(x, [torch.tensor([-1], long), 0]).shape).toEqual([1, 1, 2, 1]);
  });
  it("anything else is torch's TypeError, naming the type of what was passed", () => {
    const x = torch.zeros([1, 1, 2, 2]);
    const msg = (t: string) => ["TypeError", `pad(): argument 'pad' (position 2) must be tuple of ints, not ${t}`];
    expect(raised(() => F.pad(x, [torch.tensor([1]), 0]))).toEqual(msg("list")); // a float tensor
    expect(raised(() => F.pad(x, [torch.tensor([1, 1], long), 0]))).toEqual(msg("list"));
    expect(raised(() => F.pad(x, [1.5, 0]))).toEqual(msg("list"));
    expect(raised(() => F.pad(x, [true, 0] as never))).toEqual(msg("list"));
    expect(raised(() => F.pad(x, 1 as never))).toEqual(msg("int"));
    expect(raised(() => F.pad(x, "ab" as never))).toEqual(msg("str"));
    expect(raised(() => F.pad(x, null as never))).toEqual(msg("NoneType"));
    expect(raised(() => F.pad(x, torch.tensor([1, 1], long) as never))).toEqual(msg("Tensor"));
  });
});

describe("cross_entropy / nll_loss on (N, C, d1, ...) inputs record NllLoss2DBackward0, as torch 1.13's nll_loss2d", () => {
  // torch 1.13: [shape, reduction] -> loss.grad_fn.name()
  const cases: [number[], "mean" | "sum" | "none", string][] = [
    [[2, 3], "mean", "NllLossBackward0"], [[2, 3], "none", "NllLossBackward0"], [[3], "none", "NllLossBackward0"],
    [[2, 3, 4], "mean", "NllLoss2DBackward0"], [[2, 3, 4], "none", "ViewBackward0"], [[2, 3, 4], "sum", "NllLoss2DBackward0"],
    [[2, 3, 4, 4], "mean", "NllLoss2DBackward0"], [[2, 3, 4, 4], "none", "NllLoss2DBackward0"],
    [[2, 3, 2, 2, 2], "sum", "NllLoss2DBackward0"], [[2, 3, 2, 2, 2], "none", "ViewBackward0"],
  ];
  it.each(cases)("%j reduction=%s: %s", (shape, reduction, name) => {
    const x = torch.randn(shape, { requires_grad: true });
    const t = shape.length > 1 ? torch.randint(0, 3, [shape[0], ...shape.slice(2)]) : torch.tensor(1, long);
    const ce = F.cross_entropy(x, t, { reduction });
    expect(ce.grad_fn!.name()).toBe(name);
    expect(F.nll_loss(x.log_softmax(shape.length > 1 ? 1 : 0), t, { reduction }).grad_fn!.name()).toBe(name);
    expect(ce.shape).toEqual(reduction === "none" ? t.shape : []);
    // the gradient is that of the per-element losses, whatever node carries them
    ce.sum().backward();
    const ref = x.detach().requires_grad_();
    F.cross_entropy(ref, t, { reduction: "sum" }).mul(reduction === "mean" ? 1 / t.numel() : 1).backward();
    expect((x.grad!.sub(ref.grad!).abs().max().item() as number)).toBeLessThan(1e-6);
  });
  it("the printed 4-d loss names the node as torch prints it", () => {
    torch.manual_seed(0);
    const x = torch.randn([1, 2, 2, 2], { requires_grad: true });
    const loss = F.cross_entropy(x, torch.zeros([1, 2, 2], long), { ignore_index: 255 });
    expect(String(loss)).toMatch(/^tensor\([\d.]+, grad_fn=<NllLoss2DBackward0>\)$/);
  });
});

describe("torchvision.ops.sigmoid_focal_loss, as torchvision 0.14.1", () => {
  const x = () => torch.tensor([[-1.5, 0.0, 2.0], [0.5, -0.25, 3.0]], { requires_grad: true });
  const t = torch.tensor([[0, 1, 1], [1, 0, 0]]);
  const close = (a: number[], b: number[]) => a.forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThan(1e-6));
  it("defaults alpha=0.25, gamma=2, reduction='none': values and the gradient", () => {
    const xs = x();
    const l = torchvision.ops.sigmoid_focal_loss(xs, t);
    close(l.reshape(-1).tolist() as number[], [0.005027134902775288, 0.043321698904037476, 0.00045089120976626873, 0.01689337007701397, 0.08280113339424133, 2.0747103691101074]);
    l.sum().backward();
    close(xs.grad!.reshape(-1).tolist() as number[], [0.012773329392075539, -0.07457169890403748, -0.0012177363969385624, -0.034484244883060455, 0.15604230761528015, 0.8450624346733093]);
  });
  it("alpha=-1 with gamma=0 is binary_cross_entropy_with_logits; positional alpha, gamma, reduction; an unknown reduction does not reduce", () => {
    close([torchvision.ops.sigmoid_focal_loss(x(), t, { alpha: -1, gamma: 0, reduction: "mean" }).item() as number], [0.8533487319946289]);
    close([torchvision.ops.sigmoid_focal_loss(x(), t, 0.5, 1, "sum").item() as number], [1.866797685623169]);
    expect(torchvision.ops.sigmoid_focal_loss(x(), t, { reduction: "avg" }).shape).toEqual([2, 3]);
  });
});

describe("a class weight of the wrong length: torch 1.13's nll_loss / nll_loss2d messages", () => {
  it("(N, C) and (C,) inputs name the class count and the weight's shape; (N, C, H, W) ones say nll_loss2d's shorter text", () => {
    const w4 = torch.ones(4);
    const msg2d = ["RuntimeError", "weight tensor should be defined either for all 3 classes or no classes but got weight tensor of shape: [4]"];
    expect(raised(() => F.cross_entropy(torch.randn(3), torch.tensor(1, long), { weight: w4 }))).toEqual(msg2d);
    expect(raised(() => F.cross_entropy(torch.randn([2, 3]), torch.tensor([0, 1], long), { weight: w4 }))).toEqual(msg2d);
    expect(raised(() => F.nll_loss(torch.randn([2, 3]), torch.tensor([0, 1], long), { weight: w4 }))).toEqual(msg2d);
    expect(raised(() => F.cross_entropy(torch.randn([2, 3]), torch.tensor([0, 1], long), { weight: torch.ones([2, 2]) }))).toEqual([
      "RuntimeError", "weight tensor should be defined either for all 3 classes or no classes but got weight tensor of shape: [2, 2]",
    ]);
    const msg4d = ["RuntimeError", "weight tensor should be defined either for all or no classes"];
    expect(raised(() => F.cross_entropy(torch.randn([2, 3, 2, 2]), torch.zeros([2, 2, 2], long), { weight: w4, ignore_index: 255 }))).toEqual(msg4d);
    expect(raised(() => F.nll_loss(torch.randn([2, 3, 4]), torch.zeros([2, 4], long), { weight: w4 }))).toEqual(msg4d);
    expect(raised(() => F.cross_entropy(torch.randn([2, 3, 2, 2]), torch.zeros([2, 2, 2], long), { weight: w4, label_smoothing: 0.1 }))).toEqual(msg4d);
  });
});

describe("class-index targets and weights of the wrong dtype, as torch 1.13's nll_loss / nll_loss2d kernels", () => {
  it("uint8 masks pass for (C,) / (N, C) inputs and fail for (N, C, d1, ...) ones; bool fails everywhere", () => {
    const msg = (t: string) => ["RuntimeError", `expected scalar type Long but found ${t}`];
    const x2 = torch.randn([2, 3]), t2 = torch.tensor([0, 2], long);
    const x4 = torch.randn([2, 3, 2, 2]), t4 = torch.zeros([2, 2, 2], long);
    expect(Math.abs((F.cross_entropy(x2, t2.to(torch.uint8)).item() as number) - (F.cross_entropy(x2, t2).item() as number))).toBeLessThan(1e-7);
    expect(raised(() => F.cross_entropy(x4, t4.to(torch.uint8)))).toEqual(msg("Byte"));
    expect(raised(() => F.nll_loss(torch.randn([2, 3, 4]), torch.zeros([2, 4], { dtype: torch.uint8 })))).toEqual(msg("Byte"));
    expect(raised(() => F.cross_entropy(x2, t2.to(torch.bool)))).toEqual(msg("Bool"));
    expect(raised(() => F.cross_entropy(x4, t4.to(torch.bool), { ignore_index: 255 }))).toEqual(msg("Bool"));
  });
  it("a weight whose dtype is not the input's: 'expected scalar type <input> but found <weight>'", () => {
    const x4 = torch.randn([2, 3, 2, 2]), t4 = torch.zeros([2, 2, 2], long);
    expect(raised(() => F.cross_entropy(x4, t4, { weight: torch.ones(3, { dtype: torch.float64 }), ignore_index: 255 }))).toEqual([
      "RuntimeError", "expected scalar type Float but found Double",
    ]);
    expect(raised(() => F.cross_entropy(x4.double(), t4, { weight: torch.ones(3) }))).toEqual(["RuntimeError", "expected scalar type Double but found Float"]);
    expect(raised(() => F.nll_loss(torch.randn([2, 3]), torch.tensor([0, 1], long), { weight: torch.ones(3, long) }))).toEqual([
      "RuntimeError", "expected scalar type Float but found Long",
    ]);
    expect(F.cross_entropy(x4.double(), t4, { weight: torch.ones(3, { dtype: torch.float64 }) }).dtype).toBe(torch.float64);
  });
});

describe("ConvTranspose2d(output_size=...) out of range: torch 1.13's _output_padding text", () => {
  it("names every spatial dim's smallest and largest size and the input's spatial torch.Size", () => {
    const up = new nn.ConvTranspose2d(3, 2, 2, { stride: 2 });
    const x = torch.randn([2, 3, 4, 4]);
    expect(up(x, [9, 9]).shape).toEqual([2, 2, 9, 9]);
    expect(raised(() => up(x, [11, 11]))).toEqual([
      "ValueError", "requested an output size of [11, 11], but valid sizes range from [8, 8] to [9, 9] (for an input of torch.Size([4, 4]))",
    ]);
    expect(raised(() => up(x, [2, 2, 9, 12]))).toEqual([
      "ValueError", "requested an output size of [9, 12], but valid sizes range from [8, 8] to [9, 9] (for an input of torch.Size([4, 4]))",
    ]);
  });
});
