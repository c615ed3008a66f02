/**
 * What a cold probe found: PyTorch 1.13 tutorial and API-reference snippets translated to the engine by someone who had not
 * read its tests (about 440 snippets, compared value by value with torch 1.13), and which of them the engine got wrong.
 * Reference values: scripts/fixtures/cold_probe_fixtures.py (tests/fixtures/torch/tutorials/cold_probe.json), which
 * documents each case.
 *   - seq[-1] on nn.Sequential / ModuleList / ParameterList (was undefined), Sequential.insert / pop / extend (missing)
 *   - torch.aminmax(...)[0] / [1] (undefined; r.min / r.max and destructuring worked)
 *   - model.generate_square_subsequent_mask(5) on an nn.Transformer instance (only the static form existed)
 *   - TransformerEncoder's eval/no_grad path with a src_key_padding_mask: torch 1.13 returns 0 at padded positions
 *   - F.interpolate(..., antialias=True) and transforms.Resize(antialias=True) on tensors (raised NotImplementedError)
 */
import { describe, expect, it } from "vitest";
import { F, nn, torch, torchvision, type Tensor } from "../../../../lib/tensor/index";
import { tutorialFixture } from "./helpers";

type T = { shape: number[]; data: number[] };
type Names = [string, string][];
type Err = [string, string];
const ref = tutorialFixture<{
  seq: {
    neg: [string, string]; neg_error: Err; modulelist_neg: string; parameterlist_neg: number[]; pop: [string, Names]; pop_neg: Names; pop_error: Err;
    insert_neg: Names; insert_end: [Names, boolean]; insert_front: Names; insert_error: Err; extend: Names; pop_forward: { keys: string[]; y: T };
  };
  aminmax: { x: T; min: T; max: T; all: [number, number] };
  transformer: { src: T; tgt: T; mask_inf: boolean[]; mask_zero: boolean[]; out: T };
  antialias: { x: T; cases: Record<string, T>; f64: { x: T; y: T }; grad: T; error: Err; resize: { x: T; y: T } };
  fastpath: Record<"bool" | "float" | "norm" | "all_pad" | "no_check" | "grad" | "not_left" | "no_nested" | "with_mask" | "odd_heads" | "train_no_dropout", T> & { x: T; transformer: { tgt: T; out: T } };
}>("cold_probe.json");

const tensorOf = (t: T): Tensor => torch.tensor(t.data).reshape(t.shape);

function expectClose(got: Tensor, want: T, tol: number, what: string): void {
  expect(got.shape, what).toEqual(want.shape);
  const g = got.detach().reshape(-1).tolist() as number[];
  g.forEach((v, i) => expect(Math.abs(v - want.data[i]), `${what} ${i}: ${v}, torch ${want.data[i]}`).toBeLessThanOrEqual(tol * (1 + Math.abs(want.data[i]))));
}

const className = (m: nn.Module): string => (m.constructor as { __name__?: string }).__name__ ?? m.constructor.name;
const names = (m: nn.Module): Names => [...m.named_children()].map(([n, c]) => [n, className(c)]);
const seq3 = () => new nn.Sequential(new nn.ReLU(), new nn.Tanh(), new nn.Sigmoid());

function errorOf(fn: () => unknown): Err | null {
  try {
    fn();
  } catch (e) {
    return [(e as Error).name, (e as Error).message];
  }
  return null;
}

describe("nn.Sequential, ModuleList and ParameterList as torch 1.13's", () => {
  it("index from the end: seq[-1], list[-2], params[-1]", () => {
    const m = seq3();
    expect([className(m[-1]), className(m[-3])]).toEqual(ref.seq.neg);
    expect(m[-1]).toBe(m.get(-1));
    const err = errorOf(() => seq3()[-4]);
    expect(err?.[0]).toBe(ref.seq.neg_error[0]);
    expect(err?.[1]).toContain(ref.seq.neg_error[1]);
    expect(className(new nn.ModuleList([new nn.ReLU(), new nn.Tanh()])[-2])).toBe(ref.seq.modulelist_neg);
    expect(new nn.ParameterList([new nn.Parameter(torch.ones(2)), new nn.Parameter(torch.zeros(3))])[-1].shape).toEqual(ref.seq.parameterlist_neg);
    // not children: state_dict, named_children and printing are unchanged
    expect(names(m)).toEqual([["0", "ReLU"], ["1", "Tanh"], ["2", "Sigmoid"]]);
    expect(Object.keys(m)).toEqual(["0", "1", "2"]);
  });

  it("pop(i) returns the module and renumbers the rest", () => {
    const m = seq3();
    const popped = m.pop(0);
    expect([className(popped), names(m)]).toEqual(ref.seq.pop);
    const n = seq3();
    n.pop(-1);
    expect(names(n)).toEqual(ref.seq.pop_neg);
    const s = seq3();
    const err = errorOf(() => s.pop(5));
    expect(err?.[0]).toBe(ref.seq.pop_error[0]);
    expect(err?.[1]).toContain(ref.seq.pop_error[1]);
    expect(names(s)).toEqual([["0", "ReLU"], ["1", "Tanh"], ["2", "Sigmoid"]]); // unchanged

    torch.manual_seed(0);
    const lin = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU(), new nn.Linear(3, 1));
    lin.pop(1);
    expect(Object.keys(lin.state_dict())).toEqual(ref.seq.pop_forward.keys);
    expectClose(lin(torch.tensor([[1, -2]])), ref.seq.pop_forward.y, 1e-5, "after pop");
  });

  it("insert(i, module) and extend(modules)", () => {
    const a = seq3();
    a.insert(-1, new nn.ELU());
    expect(names(a)).toEqual(ref.seq.insert_neg);
    const b = seq3();
    const r = b.insert(3, new nn.ELU());
    expect([names(b), r === b]).toEqual(ref.seq.insert_end);
    const c = seq3();
    c.insert(0, new nn.ELU());
    expect(names(c)).toEqual(ref.seq.insert_front);
    expect(c(torch.tensor([-1, 2])).tolist()).toEqual(new nn.Sequential(new nn.ELU(), new nn.ReLU(), new nn.Tanh(), new nn.Sigmoid())(torch.tensor([-1, 2])).tolist());
    const d = seq3();
    expect(errorOf(() => d.insert(5, new nn.ELU()))).toEqual(ref.seq.insert_error);
    expect(names(d)).toEqual([["0", "ReLU"], ["1", "Tanh"], ["2", "Sigmoid"]]);
    // torch moves _modules[str(i - 1)] up, a KeyError when the children have names of their own
    const named = new nn.Sequential({ act: new nn.ReLU(), out: new nn.Tanh() });
    expect(errorOf(() => named.insert(0, new nn.ELU()))?.[0]).toBe("KeyError");
    expect(names(named)).toEqual([["act", "ReLU"], ["out", "Tanh"]]);
    const e = seq3();
    e.extend(new nn.Sequential(new nn.ELU(), new nn.GELU()));
    e.extend([new nn.SiLU()]);
    expect(names(e)).toEqual(ref.seq.extend);
  });
});

describe("torch.aminmax's named tuple", () => {
  it("reads as r[0] / r[1] like r.min / r.max", () => {
    const x = tensorOf(ref.aminmax.x);
    const r = torch.aminmax(x, { dim: 1, keepdim: true });
    expectClose(r[0], ref.aminmax.min, 1e-6, "min");
    expectClose(r[1], ref.aminmax.max, 1e-6, "max");
    expect(r[0]).toBe(r.min);
    expect(Object.keys(r)).toEqual(["min", "max"]);
    const all = torch.aminmax(x);
    expect([all[0].item(), all[1].item()]).toEqual(ref.aminmax.all.map((v) => Math.fround(v)));
  });
});

describe("nn.Transformer as the tutorials call it", () => {
  it("model.generate_square_subsequent_mask(sz) on an instance, into a seeded forward", () => {
    torch.manual_seed(0);
    const model = new nn.Transformer({ d_model: 16, nhead: 2, num_encoder_layers: 2, num_decoder_layers: 1, dim_feedforward: 32, dropout: 0.0 });
    const tgt_mask = model.generate_square_subsequent_mask(5);
    expect((tgt_mask.reshape(-1).tolist() as number[]).map((v) => v === -Infinity)).toEqual(ref.transformer.mask_inf);
    expect((tgt_mask.reshape(-1).tolist() as number[]).map((v) => v === 0)).toEqual(ref.transformer.mask_zero);
    expect(tgt_mask.tolist()).toEqual(nn.Transformer.generate_square_subsequent_mask(5).tolist());
    expectClose(model(tensorOf(ref.transformer.src), tensorOf(ref.transformer.tgt), { tgt_mask }), ref.transformer.out, 1e-4, "out");
  });
});

describe("TransformerEncoder with a src_key_padding_mask in eval (torch 1.13's nested-tensor path)", () => {
  const X = () => tensorOf(ref.fastpath.x);
  const LEFT = () => torch.tensor([[false, false, true, true], [false, false, false, false]]);
  const encoder = (o: { nhead?: number; norm?: boolean; enable_nested_tensor?: boolean } = {}) => {
    torch.manual_seed(0);
    const layer = new nn.TransformerEncoderLayer({ d_model: 8, nhead: o.nhead ?? 2, dim_feedforward: 16, dropout: 0.1, batch_first: true });
    return new nn.TransformerEncoder(layer, 2, { norm: o.norm ? new nn.LayerNorm(8) : null, enable_nested_tensor: o.enable_nested_tensor ?? true });
  };
  const run = (enc: nn.TransformerEncoder, kpm: Tensor, o: { grad?: boolean; mask?: Tensor; train?: boolean } = {}) => {
    enc.train(o.train ?? false);
    const f = () => enc(X(), { mask: o.mask ?? null, src_key_padding_mask: kpm });
    return o.grad ? f() : torch.no_grad(f);
  };

  it("padded positions come out 0 under no_grad (bool or float mask, a final norm, an all-padded row)", () => {
    const y = run(encoder(), LEFT());
    expectClose(y, ref.fastpath.bool, 1e-4, "bool");
    expect(y.index(0, "2:").abs().sum().item()).toBe(0);
    expectClose(run(encoder(), torch.zeros(2, 4).masked_fill(LEFT(), -Infinity)), ref.fastpath.float, 1e-4, "float");
    expectClose(run(encoder({ norm: true }), LEFT()), ref.fastpath.norm, 1e-4, "norm");
    // padding in every row: the sequence dim shrinks to the longest row's real length (3 here)
    expectClose(run(encoder(), torch.tensor([[true, true, true, true], [false, false, false, true]])), ref.fastpath.all_pad, 1e-4, "all_pad");
    // mask_check=false and a mask not left-aligned: each row keeps its first (count of real tokens) tokens
    torch.manual_seed(0);
    const layer = new nn.TransformerEncoderLayer({ d_model: 8, nhead: 2, dim_feedforward: 16, dropout: 0.1, batch_first: true });
    const noCheck = new nn.TransformerEncoder(layer, 2, { mask_check: false });
    expectClose(run(noCheck, torch.tensor([[true, false, false, true], [false, false, false, false]])), ref.fastpath.no_check, 1e-4, "mask_check=false");
  });

  it("the real positions keep their values, and torch's other paths are unchanged", () => {
    expectClose(run(encoder(), LEFT(), { grad: true }), ref.fastpath.grad, 1e-4, "grad enabled");
    expectClose(run(encoder(), torch.tensor([[true, false, false, true], [false, false, false, false]])), ref.fastpath.not_left, 1e-4, "not left-aligned");
    expectClose(run(encoder({ enable_nested_tensor: false }), LEFT()), ref.fastpath.no_nested, 1e-4, "enable_nested_tensor=False");
    expectClose(run(encoder(), LEFT(), { mask: torch.zeros(4, 4) }), ref.fastpath.with_mask, 1e-4, "mask too");
    expectClose(run(encoder({ nhead: 1 }), LEFT()), ref.fastpath.odd_heads, 1e-4, "odd head count");
    torch.manual_seed(0);
    const train = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(8, 2, 16, 0.0, { batch_first: true }), 2);
    expectClose(run(train, LEFT(), { train: true }), ref.fastpath.train_no_dropout, 1e-4, "training mode");
  });

  it("inside nn.Transformer: the memory's padded positions are 0 when no memory_key_padding_mask hides them", () => {
    torch.manual_seed(0);
    const full = new nn.Transformer({ d_model: 8, nhead: 2, num_encoder_layers: 1, num_decoder_layers: 1, dim_feedforward: 16, dropout: 0.1, batch_first: true });
    full.eval();
    const y = torch.no_grad(() => full(X(), tensorOf(ref.fastpath.transformer.tgt), { tgt_mask: full.generate_square_subsequent_mask(3), src_key_padding_mask: LEFT() }));
    expectClose(y, ref.fastpath.transformer.out, 1e-4, "transformer");
  });
});

describe("F.interpolate(..., antialias=True), torch 1.13's _upsample_bilinear2d_aa / _upsample_bicubic2d_aa", () => {
  const options: Record<string, Parameters<typeof F.interpolate>[1]> = {
    bilinear_down: { size: [3, 4], mode: "bilinear" },
    bilinear_down_align: { size: [3, 4], mode: "bilinear", align_corners: true },
    bicubic_down: { size: [3, 5], mode: "bicubic" },
    bilinear_up: { size: [10, 13], mode: "bilinear" },
    bicubic_up: { size: [10, 13], mode: "bicubic" },
    bilinear_scale: { scale_factor: 0.45, mode: "bilinear" },
    bicubic_scale_align: { scale_factor: [0.5, 0.3], mode: "bicubic", align_corners: true },
    bilinear_mixed: { size: [14, 4], mode: "bilinear" },
  };

  it("down- and upsamples as torch (size or scale_factor, align_corners)", () => {
    const x = tensorOf(ref.antialias.x);
    expect(Object.keys(options)).toEqual(Object.keys(ref.antialias.cases));
    for (const [name, o] of Object.entries(options)) {
      expectClose(F.interpolate(x, { ...(o as object), antialias: true }), ref.antialias.cases[name], 1e-5, name);
    }
    // the weights differ from the plain modes when shrinking
    expect(F.interpolate(x, { size: [3, 4], mode: "bilinear", antialias: true }).equal(F.interpolate(x, { size: [3, 4], mode: "bilinear" }))).toBe(false);
  });

  it("float64 batches, the gradient, and torch's error for other modes", () => {
    const y = F.interpolate(torch.tensor(ref.antialias.f64.x.data, { dtype: torch.float64 }).reshape(ref.antialias.f64.x.shape), { size: [4, 2], mode: "bicubic", antialias: true });
    expect(y.dtype).toBe(torch.float64);
    expectClose(y, ref.antialias.f64.y, 1e-12, "float64");
    const x = tensorOf(ref.antialias.x).requires_grad_();
    F.interpolate(x, { size: [3, 4], mode: "bicubic", antialias: true }).mul(torch.linspace(0.5, 1.5, 12).reshape(1, 1, 3, 4)).sum().backward();
    expectClose(x.grad!, ref.antialias.grad, 1e-5, "grad");
    expect(errorOf(() => F.interpolate(torch.ones(1, 1, 4), { size: 2, mode: "linear", antialias: true }))).toEqual(ref.antialias.error);
  });

  it("torchvision's transforms.Resize(size, antialias=True) on an image tensor", () => {
    const y = new torchvision.transforms.Resize([4, 5], { antialias: true })(tensorOf(ref.antialias.resize.x)) as Tensor;
    expectClose(y, ref.antialias.resize.y, 1e-5, "Resize");
  });
});
