/**
 * nn.Embedding and F.embedding against PyTorch 1.13 (tests/fixtures/torch/nn/sequence.json,
 * made by scripts/fixtures/sequence_fixtures.py): lookups, gradients (repeated indices,
 * padding_idx, scale_grad_by_freq), max_norm's in-place renorm, seeded init and repr, plus a
 * float64 gradcheck and the errors.
 */
import { describe, expect, it } from "vitest";
import { F, nn, optim, torch } from "../../../../lib/tensor/index";
import { gradcheck } from "../../../../lib/grading/gradcheck";
import { expectClose, tensorOf, type FT } from "./helpers";
import { expectSeededState, normalTol, precisions, seq, weighted } from "./sequence-helpers";

interface Case {
  name: string;
  kwargs: Record<string, number | boolean>;
  indices: FT;
  weight: FT;
  output: FT;
  out_weight: FT;
  grad_weight: FT;
  weight_after: FT;
}
const fx = seq.embedding as { cases: Case[]; seeded: Record<string, Record<string, FT>>; reprs: Record<string, string> };

describe("F.embedding vs PyTorch", () => {
  for (const { name, dtype, tol } of precisions) {
    for (const c of fx.cases) {
      it(`${c.name} (${name})`, () => {
        const idx = tensorOf(c.indices, torch.long);
        const w = tensorOf(c.weight, dtype, true);
        const y = F.embedding(idx, w, c.kwargs);
        expectClose(y, c.output, { ...tol, label: "output" });
        expect(y.grad_fn?.name()).toBe("EmbeddingBackward0");
        weighted(y, c.out_weight, dtype).backward();
        expectClose(w.grad!, c.grad_weight, { ...tol, label: "grad_weight" });
        // max_norm rescales the looked-up rows of weight in place, as PyTorch does.
        expectClose(w, c.weight_after, { ...tol, label: "weight after" });
      });
    }
  }
});

describe("nn.Embedding", () => {
  it("seeded init equals PyTorch's: N(0, 1), padding row zeroed", () => {
    torch.manual_seed(7);
    expectSeededState(new nn.Embedding(6, 4), fx.seeded["Embedding(6, 4)"], "Embedding(6, 4)", normalTol);
    torch.manual_seed(8);
    const e = new nn.Embedding(20, 3, { padding_idx: 2 });
    expectSeededState(e, fx.seeded["Embedding(20, 3, padding_idx=2)"], "padding_idx=2", normalTol);
    expect(e.weight.select(0, 2).tolist()).toEqual([0, 0, 0]);
  });

  it("prints as PyTorch", () => {
    expect(String(new nn.Embedding(10, 3))).toBe(fx.reprs["Embedding(10, 3)"]);
    expect(String(new nn.Embedding(10, 3, { padding_idx: -1, max_norm: 1.0, scale_grad_by_freq: true }))).toBe(
      fx.reprs["Embedding(10, 3, padding_idx=-1, max_norm=1.0, scale_grad_by_freq=True)"],
    );
  });

  it("the padding row gets no gradient and stays zero through training", () => {
    torch.manual_seed(0);
    const e = new nn.Embedding(5, 3, 0);
    const opt = new optim.SGD(e.parameters(), { lr: 0.1 });
    for (let i = 0; i < 3; i++) {
      opt.zero_grad();
      e(torch.tensor([[0, 1, 0, 4]], { dtype: torch.long })).pow(2).sum().backward();
      expect(e.weight.grad!.select(0, 0).tolist()).toEqual([0, 0, 0]);
      opt.step();
    }
    expect(e.weight.select(0, 0).tolist()).toEqual([0, 0, 0]);
    expect(e.weight.select(0, 1).abs().sum().item()).toBeGreaterThan(0);
  });

  it("from_pretrained copies the table and freezes it unless freeze=false", () => {
    const table = torch.tensor([[1, 2], [3, 4], [5, 6]]);
    const frozen = nn.Embedding.from_pretrained(table);
    expect(frozen.weight.requires_grad).toBe(false);
    expect(frozen(torch.tensor([2, 0], { dtype: torch.long })).tolist()).toEqual([[5, 6], [1, 2]]);
    const trainable = nn.Embedding.from_pretrained(table, { freeze: false, padding_idx: 1 });
    expect(trainable.weight.requires_grad).toBe(true);
    expect(trainable.padding_idx).toBe(1);
    // The padding row keeps its pretrained values (PyTorch does not zero it here).
    expect(trainable.weight.select(0, 1).tolist()).toEqual([3, 4]);
  });

  it("state_dict is { weight } and a saved model loads back", () => {
    torch.manual_seed(1);
    const e = new nn.Embedding(7, 2, { padding_idx: 3 });
    expect(Object.keys(e.state_dict())).toEqual(["weight"]);
    const back = torch.load(torch.save(e)) as InstanceType<typeof nn.Embedding>;
    expect(String(back)).toBe(String(e));
    expect(back.weight.tolist()).toEqual(e.weight.tolist());
  });

  // padding_idx and scale_grad_by_freq are left out on purpose: their gradients are conventions
  // (zero, divided by the count), not derivatives; the fixtures check them against PyTorch.
  it("gradcheck (float64), repeated indices", () => {
    const idx = torch.tensor([[1, 3, 1], [0, 2, 3]], { dtype: torch.long });
    const w = torch.randn(4, 3, { dtype: torch.float64 });
    gradcheck((weight) => F.embedding(idx, weight), [w]);
  });

  it("rejects bad input with clear errors and changes nothing", () => {
    const w = torch.randn(4, 3);
    const before = w.tolist();
    expect(() => F.embedding(torch.tensor([0, 1]), w)).toThrow(/'indices'.*Long.*torch\.FloatTensor/);
    expect(() => F.embedding(torch.tensor([0, 4], { dtype: torch.long }), w, { max_norm: 0.1 })).toThrow(/index out of range in self/);
    expect(w.tolist()).toEqual(before);
    expect(() => F.embedding(torch.tensor([0], { dtype: torch.long }), torch.randn(4))).toThrow(/2-D/);
    expect(() => new nn.Embedding(4, 3, 4)).toThrow("Padding_idx must be within num_embeddings");
    expect(() => new nn.Embedding(4, 3, { bogus: 1 } as never)).toThrow(/unexpected keyword argument 'bogus'/);
  });
});
