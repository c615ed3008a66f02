/**
 * nn.Embedding.from_pretrained(embeddings=w, freeze=False), nn.ModuleList(modules=[...]) and nn.ParameterList(values=[...])
 * by keyword, as torch 1.13 takes them: from_pretrained({ embeddings }) raised "embeddings.dim is not a function", the
 * containers "is not iterable". Each keyword form equals its positional form; a missing or doubled argument and an
 * unknown keyword raise Python's TypeError (the containers ignored unknown keywords until now). Typed without casts.
 */
import { describe, expect, it } from "vitest";
import { nn, torch } from "../../../../lib/tensor/index";

describe("containers and from_pretrained by keyword", () => {
  it("Embedding.from_pretrained(embeddings=..., ...) equals the positional form", () => {
    const w = torch.arange(12, { dtype: torch.float32 }).reshape(4, 3);
    const idx = torch.tensor([[0, 3], [2, 1]], { dtype: torch.int64 });
    const want = nn.Embedding.from_pretrained(w, { freeze: false, padding_idx: 1 });
    const got = nn.Embedding.from_pretrained({ embeddings: w, freeze: false, padding_idx: 1 });
    expect(got(idx).tolist()).toEqual(want(idx).tolist());
    expect(got.weight.requires_grad).toBe(true);
    expect(got.padding_idx).toBe(want.padding_idx);
    expect(nn.Embedding.from_pretrained({ embeddings: w }).weight.requires_grad).toBe(false);
    // @ts-expect-error: embeddings is required
    expect(() => nn.Embedding.from_pretrained({ freeze: true })).toThrow("from_pretrained() missing 1 required positional argument: 'embeddings'");
    // @ts-expect-error: embeddings is not an option of the positional form
    expect(() => nn.Embedding.from_pretrained(w, { embeddings: w })).toThrow("from_pretrained() got multiple values for argument 'embeddings'");
  });

  it("ModuleList(modules=...) and ParameterList(values=...) equal the positional forms", () => {
    const l1 = new nn.Linear(2, 3);
    const l2 = new nn.ReLU();
    const ml = new nn.ModuleList({ modules: [l1, l2] });
    expect(ml.length).toBe(2);
    expect(ml[0]).toBe(l1);
    expect(ml[1]).toBe(l2);
    expect(ml.parameters()).toEqual(new nn.ModuleList([l1, l2]).parameters());
    expect(new nn.ModuleList({}).length).toBe(0);
    expect(new nn.ModuleList(null).length).toBe(0);
    const p = new nn.Parameter(torch.ones(2));
    const pl = new nn.ParameterList({ values: [p, torch.zeros(3)] });
    expect(pl.length).toBe(2);
    expect(pl[0]).toBe(p);
    expect(pl.parameters().map((t) => t.shape)).toEqual(new nn.ParameterList([p, torch.zeros(3)]).parameters().map((t) => t.shape));
    expect(() => new nn.ModuleList([l1], { modules: [l2] })).toThrow("ModuleList() got multiple values for argument 'modules'");
    expect(() => new nn.ModuleList({ zzz: 1 } as never)).toThrow("ModuleList() got an unexpected keyword argument 'zzz'");
    expect(() => new nn.ParameterList({ zzz: 1 } as never)).toThrow("ParameterList() got an unexpected keyword argument 'zzz'");
  });
});
