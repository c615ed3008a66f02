/**
 * Gaps the Zero to Mastery probe (tests/unit/tensor/tutorials/zero_to_mastery.test.ts, mrdbourke/pytorch-deep-learning)
 * found in the public API, each against torch 1.13's behaviour: a leading parameter by keyword where the notebooks
 * pass it so. The values are torch's (checked with /usr/bin/python3, torch 1.13.1).
 */
import { describe, expect, it } from "vitest";
import { nn, torch, type Tensor } from "../../../../lib/tensor/index";

describe("nn.Parameter(data=..., requires_grad=...) by keyword", () => {
  it("takes data by keyword, as notebook 08's ViT writes its class and position embeddings", () => {
    // torch: nn.Parameter(data=torch.randn(1, 1, 768), requires_grad=True).shape == torch.Size([1, 1, 768])
    const data = torch.randn(1, 1, 4);
    const p = new nn.Parameter({ data, requires_grad: true });
    expect(p.shape).toEqual([1, 1, 4]);
    expect(p.requires_grad).toBe(true);
    expect(p.equal(data)).toBe(true);
    const frozen = new nn.Parameter({ data, requires_grad: false });
    expect(frozen.requires_grad).toBe(false);
    // data positional, requires_grad by keyword; and the expand of the ViT forward
    expect(new nn.Parameter(data, { requires_grad: true }).expand(3, -1, -1).shape).toEqual([3, 1, 4]);
    // no data: an empty parameter, as torch's nn.Parameter()
    expect(new nn.Parameter().shape).toEqual([0]);
  });
  it("refuses an unknown keyword and a value given twice, as Python does", () => {
    // torch: TypeError: Parameter.__new__() got an unexpected keyword argument 'foo'
    expect(() => new nn.Parameter({ data: torch.ones(2), foo: 1 } as never)).toThrow(/unexpected keyword argument 'foo'/);
    expect(() => new nn.Parameter(torch.ones(2), { data: torch.ones(2) } as never)).toThrow(/multiple values for argument 'data'/);
    expect(() => new nn.Parameter({ data: [1, 2] } as never)).toThrow("Parameter(): argument 'data' must be Tensor, not object");
  });
});

describe("torch.*_like(input=...) by keyword", () => {
  it("zeros_like / ones_like / empty_like / full_like / rand_like / randn_like take input by keyword", () => {
    // notebook 00: torch.zeros_like(input=zero_to_ten) -> tensor([0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
    const zero_to_ten = torch.arange({ start: 0, end: 10, step: 1 });
    const z = torch.zeros_like({ input: zero_to_ten } as never);
    expect(String(z)).toBe("tensor([0, 0, 0, 0, 0, 0, 0, 0, 0, 0])");
    expect(String(torch.ones_like({ input: zero_to_ten, dtype: torch.float32 } as never))).toBe("tensor([1., 1., 1., 1., 1., 1., 1., 1., 1., 1.])");
    expect(torch.empty_like({ input: zero_to_ten } as never).shape).toEqual([10]);
    // every argument by keyword: the typings keep full_like's positional forms (as TORCH_INPUT_BY_KEYWORD's others)
    const fullLikeByName = torch.full_like as unknown as (options: { input: Tensor; fill_value: number }) => Tensor;
    expect(String(fullLikeByName({ input: torch.zeros(2), fill_value: 7 }))).toBe("tensor([7., 7.])");
    expect(String(torch.full_like(torch.zeros(2), { fill_value: 7 } as never))).toBe("tensor([7., 7.])");
    torch.manual_seed(0);
    const r1 = torch.rand_like({ input: torch.zeros(3) } as never);
    torch.manual_seed(0);
    expect(r1.equal(torch.rand_like(torch.zeros(3)))).toBe(true);
    torch.manual_seed(0);
    const n1 = torch.randn_like({ input: torch.zeros(3) } as never);
    torch.manual_seed(0);
    expect(n1.equal(torch.randn_like(torch.zeros(3)))).toBe(true);
  });
  it("refuses an unknown keyword", () => {
    expect(() => torch.zeros_like({ input: torch.zeros(2), foo: 1 } as never)).toThrow(/unexpected keyword argument 'foo'/);
  });
});

describe("nn.MultiheadAttention's forward(query=..., key=..., value=...) by keyword", () => {
  it("gives what the positional call gives, as notebook 08's MultiheadSelfAttentionBlock calls it", () => {
    torch.manual_seed(0);
    const mha = new nn.MultiheadAttention({ embed_dim: 8, num_heads: 2, dropout: 0, batch_first: true });
    const x = torch.randn(2, 5, 8);
    const [byName, w] = mha({ query: x, key: x, value: x, need_weights: false });
    const [positional] = mha(x, x, x, { need_weights: false });
    expect(w).toBe(null);
    expect(byName.equal(positional)).toBe(true);
    // query positional, the rest by keyword; weights returned by default. That is the path which materialises the
    // weights (torch's softmax, f078fd9f) rather than the fused one, so the two agree to rounding, not bit for bit.
    const [o2, w2] = mha(x, { key: x, value: x });
    expect(o2.allclose(positional, { rtol: 0, atol: 1e-6 })).toBe(true);
    expect(w2!.shape).toEqual([2, 5, 5]);
  });
  it("raises Python's errors for a missing tensor and an unknown keyword", () => {
    const mha = new nn.MultiheadAttention(8, 2);
    const x = torch.randn(5, 8);
    // torch: TypeError: forward() missing 1 required positional argument: 'value'
    expect(() => mha({ query: x, key: x } as never)).toThrow(/missing 1 required positional argument: 'value'/);
    expect(() => mha({ query: x, key: x, value: x, need_weight: false } as never)).toThrow(/unexpected keyword argument 'need_weight'/);
  });
});

describe("torch.save(obj=..., f=...) and torch.load(f=...) by keyword", () => {
  it("saves to and loads from the named file, as notebook 01 writes it", () => {
    // torch.save(obj=model_0.state_dict(), f=MODEL_SAVE_PATH); loaded_model_0.load_state_dict(torch.load(f=MODEL_SAVE_PATH))
    torch.manual_seed(42);
    const model_0 = new nn.Linear(1, 1);
    const bytes = torch.save({ obj: model_0.state_dict(), f: "models/zero_to_mastery_gaps_0.pth" });
    expect(bytes).toBeInstanceOf(Uint8Array);
    const loaded = new nn.Linear(1, 1);
    expect(String(loaded.load_state_dict(torch.load({ f: "models/zero_to_mastery_gaps_0.pth" }) as Record<string, Tensor>))).toBe("<All keys matched successfully>");
    expect(loaded.weight.equal(model_0.weight)).toBe(true);
    // obj positional, f by keyword; load with map_location by keyword beside f
    torch.save(model_0.state_dict(), { f: "models/zero_to_mastery_gaps_1.pth" } as never);
    const sd = torch.load({ f: "models/zero_to_mastery_gaps_1.pth", map_location: "cpu" }) as Record<string, Tensor>;
    expect(Object.keys(sd)).toEqual(["weight", "bias"]);
    // a checkpoint dict is still a dict: its keys are not save's parameter names
    torch.save({ epoch: 3, model_state_dict: model_0.state_dict() }, "models/zero_to_mastery_gaps_2.pth");
    expect((torch.load("models/zero_to_mastery_gaps_2.pth") as { epoch: number }).epoch).toBe(3);
  });
  it("raises Python's errors for load without f and for f given twice", () => {
    expect(() => torch.load({ map_location: "cpu" } as never)).toThrow("load() missing 1 required positional argument: 'f'");
    expect(() => torch.load({ f: "x.pth" } as never, "cpu" as never)).toThrow("load() got multiple values for argument 'f'");
    expect(() => torch.load({ f: "models/zero_to_mastery_gaps_1.pth", map_locaton: "cpu" } as never)).toThrow(/unexpected keyword argument 'map_locaton'/);
  });
});

describe("torch.tensor(data, dtype=None, device=None)", () => {
  it("types and takes null for dtype and device, the defaults (notebook 00's float_32_tensor)", () => {
    // torch: torch.tensor([3.0, 6.0, 9.0], dtype=None, device=None, requires_grad=False) -> float32 on the CPU
    // (this call did not type-check before: TensorOptions had no null)
    const float_32_tensor = torch.tensor([3.0, 6.0, 9.0], { dtype: null, device: null, requires_grad: false });
    expect([String(float_32_tensor.dtype), String(float_32_tensor.device), float_32_tensor.requires_grad]).toEqual(["torch.float32", "cpu", false]);
    expect(String(torch.tensor([true, false], { dtype: null }).dtype)).toBe("torch.bool");
    expect(torch.tensor([1, 2], { dtype: null, requires_grad: true }).requires_grad).toBe(true);
    expect(() => torch.tensor([1], { dtype: null, devise: null } as never)).toThrow(/unexpected keyword argument 'devise'/);
  });
});

describe("item() of a tensor with several elements", () => {
  it("raises torch 1.13's ValueError (torch 2's RuntimeError text was used)", () => {
    // torch 1.13: ValueError: only one element tensors can be converted to Python scalars (for 3 elements and for none)
    for (const t of [torch.randn(3), torch.zeros(0), torch.zeros(2, 2)]) {
      let e: unknown = null;
      try {
        t.item();
      } catch (err) {
        e = err;
      }
      expect([(e as Error).constructor.name, (e as Error).message]).toEqual(["ValueError", "only one element tensors can be converted to Python scalars"]);
    }
    expect(torch.tensor([[2.5]]).item()).toBe(2.5);
  });
});
