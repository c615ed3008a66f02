/**
 * Three more keyword forms torch 1.13 takes: random_split(ds, lengths=[8, 2], generator=g) as random_split(ds,
 * { lengths, generator }) ("lengths.slice is not a function"), x.scatter(0, index=idx, value=1) / x.scatter(dim=0,
 * index=idx, src=s) and torch.scatter likewise (the options object was read as the index), and F.ctc_loss(log_probs,
 * targets, input_lengths=..., target_lengths=...) (through the F namespace's TENSOR_OPERANDS). Each equals its positional
 * form; a missing or doubled argument raises Python's TypeError. Typed without casts.
 */
import { describe, expect, it } from "vitest";
import { F, torch, utils } from "../../../../lib/tensor/index";

describe("keyword gaps 17", () => {
  it("random_split(ds, lengths=..., generator=...) draws the positional form's subsets", () => {
    const ds = new utils.data.TensorDataset(torch.arange(10));
    const idx = (subsets: { indices: number[] }[]): number[][] => subsets.map((s) => s.indices);
    const want = idx(utils.data.random_split(ds, [7, 3], new torch.Generator().manual_seed(3)));
    expect(idx(utils.data.random_split(ds, { lengths: [7, 3], generator: new torch.Generator().manual_seed(3) }))).toEqual(want);
    expect(idx(utils.data.random_split(ds, { lengths: [0.5, 0.5], generator: new torch.Generator().manual_seed(1) })))
      .toEqual(idx(utils.data.random_split(ds, [0.5, 0.5], { generator: new torch.Generator().manual_seed(1) })));
    // @ts-expect-error: lengths is required
    expect(() => utils.data.random_split(ds, { generator: new torch.Generator() })).toThrow("random_split() missing 1 required positional argument: 'lengths'");
    expect(() => utils.data.random_split(ds, { lengths: [5, 5], zzz: 1 } as never)).toThrow("unexpected keyword argument 'zzz'");
  });

  it("x.scatter / scatter_ / torch.scatter take dim, index and src / value by keyword", () => {
    const x = torch.zeros(3, 4);
    const index = torch.tensor([[0, 1, 2, 0], [2, 0, 1, 1]], { dtype: torch.int64 });
    const src = torch.arange(1, 9, { dtype: torch.float32 }).reshape(2, 4);
    expect(x.scatter(0, { index, value: 5 }).tolist()).toEqual(x.scatter(0, index, 5).tolist());
    expect(x.scatter({ dim: 0, index, src }).tolist()).toEqual(x.scatter(0, index, src).tolist());
    expect(x.scatter(0, { index, src, reduce: "add" }).tolist()).toEqual(x.scatter(0, index, src, "add").tolist());
    expect(torch.scatter(x, 0, { index, value: 2 }).tolist()).toEqual(torch.scatter(x, 0, index, 2).tolist());
    expect(torch.scatter(x, { dim: 1, index: index.narrow(1, 0, 2), src }).tolist()).toEqual(torch.scatter(x, 1, index.narrow(1, 0, 2), src).tolist());
    expect(torch.zeros(3, 4).scatter_(0, { index, value: 1 }).tolist()).toEqual(torch.zeros(3, 4).scatter_(0, index, 1).tolist());
    expect(() => x.scatter(0, { value: 1 } as never)).toThrow("scatter() missing 1 required positional argument: 'index'");
    expect(() => x.scatter(0, { dim: 0, index, value: 1 } as never)).toThrow("scatter() got multiple values for argument 'dim'");
    expect(() => x.scatter(0, index, { index, value: 1 } as never)).toThrow("scatter() got multiple values for argument 'index'");
    expect(() => x.scatter(0, { index } as never)).toThrow("scatter() missing 1 required positional argument: 'src' (or 'value')");
  });

  it("F.ctc_loss takes input_lengths and target_lengths by keyword", () => {
    torch.manual_seed(0);
    const log_probs = torch.randn(6, 2, 4, { dtype: torch.float64 }).log_softmax(2).detach().requires_grad_();
    const targets = torch.tensor([[1, 2], [3, 1]], { dtype: torch.int64 });
    const want = F.ctc_loss(log_probs, targets, [6, 5], [2, 1], { reduction: "sum" });
    const [g] = torch.autograd.grad(want, [log_probs]);
    const got = F.ctc_loss(log_probs, targets, { input_lengths: [6, 5], target_lengths: [2, 1], reduction: "sum" });
    expect(got.item()).toBe(want.item());
    expect(torch.autograd.grad(got, [log_probs])[0]!.tolist()).toEqual(g!.tolist());
    expect(F.ctc_loss(log_probs, targets, [6, 5], { target_lengths: [2, 1] }).item()).toBe(F.ctc_loss(log_probs, targets, [6, 5], [2, 1]).item());
    expect(() => F.ctc_loss(log_probs, targets, [6, 5], { input_lengths: [6, 5], target_lengths: [2, 1] } as never)).toThrow("ctc_loss() got multiple values for argument 'input_lengths'");
  });
});
