/**
 * Loss modules take forward's arguments by keyword, as PyTorch's do (lib/tensor/nn/modules/loss_keywords.ts):
 * `nn.CosineEmbeddingLoss()(a, b, target=ones)` (the Knowledge Distillation tutorial) is
 * `new nn.CosineEmbeddingLoss()(a, b, { target: ones })`; the values are the positional call's.
 */
import { describe, expect, it } from "vitest";
import { nn, torch, type Tensor } from "../../../../lib/tensor/index";

type AnyCall = (...args: unknown[]) => Tensor;
const call = (m: nn.Module): AnyCall => m as unknown as AnyCall;

describe("loss modules with keyword arguments", () => {
  const g = new torch.Generator(3);
  const a = torch.randn([4, 5], { generator: g });
  const b = torch.randn([4, 5], { generator: g });
  const y = torch.tensor([1, -1, 1, 1]);

  it("maps keywords onto forward's torch 1.13 parameter names", () => {
    const cos = new nn.CosineEmbeddingLoss({ margin: 0.1 });
    const positional = cos(a, b, y).item();
    expect(cos(a, b, { target: y }).item()).toBe(positional);
    expect(call(cos)(a, { input2: b, target: y }).item()).toBe(positional);
    expect(call(cos)({ input1: a, input2: b, target: y }).item()).toBe(positional);

    const mse = new nn.MSELoss();
    expect(call(mse)(a, { target: b }).item()).toBe(mse(a, b).item());
    expect(call(mse)({ input: a, target: b }).item()).toBe(mse(a, b).item());
    const rank = new nn.MarginRankingLoss();
    expect(rank(a.index(":", 0), b.index(":", 0), { target: y }).item()).toBe(rank(a.index(":", 0), b.index(":", 0), y).item());
    const gauss = new nn.GaussianNLLLoss();
    const v = a.abs().add(0.1);
    expect(call(gauss)(a, b, { var: v }).item()).toBe(gauss(a, b, v).item());
    const trip = new nn.TripletMarginLoss();
    expect(call(trip)(a, { positive: b, negative: b.flip(0) }).item()).toBe(trip(a, b, b.flip(0)).item());
    const cs = new nn.CosineSimilarity();
    expect(call(cs)(a, { x2: b }).equal(cs(a, b))).toBe(true);
  });

  it("raises Python's TypeErrors for an unknown keyword, a value given twice and a missing argument", () => {
    const cos = call(new nn.CosineEmbeddingLoss());
    expect(() => cos(a, b, { targets: y })).toThrow(/CosineEmbeddingLoss\.forward\(\) got an unexpected keyword argument 'targets'/);
    expect(() => cos(a, b, y, { target: y })).toThrow(/got multiple values for argument 'target'/);
    expect(() => cos(a, { target: y })).toThrow(/CosineEmbeddingLoss\.forward\(\) missing 1 required positional argument: 'input2'/);
    expect(() => call(new nn.MSELoss())({})).toThrow(/missing 2 required positional arguments: 'input' and 'target'/);
  });

  it("keeps the keyword form through the module's hooks and autograd", () => {
    const cos = new nn.CosineEmbeddingLoss();
    const x = a.clone().requires_grad_(true);
    const seen: unknown[][] = [];
    const h = cos.register_forward_pre_hook((_m, args) => {
      seen.push(args);
    });
    cos(x, b, { target: y }).backward();
    h.remove();
    // torch 1.13's pre-hook sees only the positional (x, b); here the options object is the last argument
    expect(seen[0].length).toBe(3);
    expect((seen[0][2] as { target: Tensor }).target).toBe(y);
    const x2 = a.clone().requires_grad_(true);
    cos(x2, b, y).backward();
    expect(x.grad!.equal(x2.grad!)).toBe(true);
  });
});
