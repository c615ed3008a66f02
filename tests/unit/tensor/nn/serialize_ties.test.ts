/**
 * torch.save(model) / torch.load keep weight tying and shared layers (saved_ties.ts), as unpickling does. torch
 * 1.13 for the same two models (python3-torch 1.13, save to a BytesIO and load): the tied model loads with one
 * parameter under state_dict keys ['emb.weight', 'head.weight'] and `head.weight is emb.weight`; Sequential(l,
 * ReLU(), l) loads with two parameters and `seq[0] is seq[2]`.
 */
import { describe, expect, it } from "vitest";
import { F, nn, optim, torch, type Tensor } from "../../../../lib/tensor/index";

class TiedLM extends nn.Module {
  emb = new nn.Embedding(5, 3);
  head = new nn.Linear(3, 5, { bias: false });
  constructor() {
    super();
    this.head.weight = this.emb.weight;
  }
  override forward(x: Tensor): Tensor {
    return this.head(this.emb(x));
  }
}
nn.register_module("TiedLM", TiedLM);

function losses(model: TiedLM, steps: number): number[] {
  const opt = new optim.SGD(model.parameters(), { lr: 0.5 });
  const x = torch.tensor([0, 1, 2, 3], { dtype: torch.long });
  const y = torch.tensor([1, 2, 3, 4], { dtype: torch.long });
  return Array.from({ length: steps }, () => {
    opt.zero_grad();
    const loss = F.cross_entropy(model(x), y);
    loss.backward();
    opt.step();
    return loss.item();
  });
}

describe("saving a model keeps the objects its paths share", () => {
  it("a tied embedding and head load as one parameter, and train as the saved model does", () => {
    torch.manual_seed(0);
    const model = new TiedLM();
    const loaded = torch.load(torch.save(model)) as TiedLM;
    expect(Object.keys(loaded.state_dict())).toEqual(["emb.weight", "head.weight"]);
    expect(loaded.head.weight).toBe(loaded.emb.weight);
    expect(loaded.parameters().length).toBe(1);
    expect(losses(loaded, 4)).toEqual(losses(model, 4));
  });

  it("a layer used twice in a Sequential loads as one layer", () => {
    const layer = new nn.Linear(2, 2);
    const seq = torch.load(torch.save(new nn.Sequential(layer, new nn.ReLU(), layer))) as nn.Sequential;
    expect(seq.get(0)).toBe(seq.get(2));
    expect(seq.parameters().length).toBe(2);
    expect(Object.keys(seq.state_dict())).toEqual(["0.weight", "0.bias", "2.weight", "2.bias"]);
  });

  it("a model without ties saves no tie record, so its file is the state dict and the architecture alone", () => {
    const bytes = torch.save(new nn.Linear(2, 2));
    const header = new TextDecoder().decode(bytes.subarray(8, 8 + Number(new DataView(bytes.buffer).getBigUint64(0, true))));
    expect(header).not.toContain("gradbook.tied");
  });
});

describe("a checkpoint keeps a tensor met twice as one object", () => {
  it("as torch 1.13 loads {a: t, b: t, list: [t, p], p}: a is b, list[0] is a, list[1] is p, p a Parameter", () => {
    const t = torch.randn(2);
    const p = new nn.Parameter(torch.ones(2));
    const o = torch.load(torch.save({ a: t, b: t, list: [t, p], p })) as unknown as { a: Tensor; b: Tensor; list: Tensor[]; p: Tensor };
    expect(o.b).toBe(o.a);
    expect(o.list[0]).toBe(o.a);
    expect(o.list[1]).toBe(o.p);
    expect(o.p).toBeInstanceOf(nn.Parameter);
    expect(o.a.tolist()).toEqual(t.tolist());
  });
});
