/**
 * torch.uint8 against torch 1.13 (scripts/fixtures/uint8_fixtures.py, tests/fixtures/torch/core/uint8.json):
 * every case of the fixture is replayed on the engine with the same inputs, op and arguments, and
 * must give the same dtype, shape and values, or the same error message, and torch's deprecation
 * warnings where a uint8 tensor is used as a mask.
 */
import { describe, expect, it } from "vitest";
import { torch, type Tensor } from "../../../../lib/tensor/index";
import { gradcheck } from "../../../../lib/grading/gradcheck";
import { loadFixture } from "./fixtures";
import { caseReplayer, encode, float32DefaultWithWarnings, type Case, type Inputs, type TensorOut } from "./dtype_case_replay";

const fx = loadFixture<{
  inputs: Inputs; cases: Case[];
  grads: { pow_uint8_exponent: number[]; mul_div_uint8: number[] };
  snippets: Record<"quant_q" | "quant_deq" | "image_u8" | "image_back", TensorOut>;
}>("uint8.json");
const { run } = caseReplayer(fx.inputs);
const warn = float32DefaultWithWarnings();

describe("torch.uint8 as torch 1.13", () => {
  it("covers creation, conversion, arithmetic, reductions, masks and errors", () => {
    const names = new Set(fx.cases.map((c) => c.name));
    for (const n of ["to_from_float", "add", "add_long", "sum", "mean", "getitem_mask", "requires_grad", "iinfo"]) expect(names.has(n)).toBe(true);
  });

  for (const c of fx.cases) {
    it(`${c.name}: ${c.op}`, () => {
      const want = c.result;
      if ("error" in want) {
        expect(() => run(c)).toThrow(want.message);
        return;
      }
      const got = encode(run(c));
      if (c.name === "empty_dtype") (got as TensorOut).data = null; // torch.empty's values are unspecified
      if ("dtype" in want && "data" in want && want.data) {
        // Float results within float32 rounding; integer and bool results exactly.
        const g = got as TensorOut;
        expect([g.dtype, g.shape]).toEqual([want.dtype, want.shape]);
        if (want.dtype === "float32" || want.dtype === "float64") {
          g.data!.forEach((v, i) => expect(v).toBeCloseTo(want.data![i] as number, 5));
        } else expect(g.data).toEqual(want.data);
      } else expect(got).toEqual(want);
      expect(warn.warnings()).toEqual(c.warnings);
    });
  }
});

describe("torch.uint8 beyond the fixture's ops", () => {
  it("prints like torch and round-trips through torch.save / torch.load", () => {
    const img = torch.tensor([[0, 128, 255], [7, 64, 32]], { dtype: torch.uint8 });
    expect(String(img)).toBe("tensor([[  0, 128, 255],\n        [  7,  64,  32]], dtype=torch.uint8)");
    expect(String(torch.tensor(5, { dtype: torch.uint8 }))).toBe("tensor(5, dtype=torch.uint8)");
    expect(String(torch.zeros(0, { dtype: torch.uint8 }))).toBe("tensor([], dtype=torch.uint8)");
    const back = (torch.load(torch.save({ img })) as { img: Tensor }).img;
    expect(back.dtype).toBe(torch.uint8);
    expect(back.tolist()).toEqual(img.tolist());
  });

  it("torch.tensor(Uint8Array) gives uint8 (an image's bytes), another dtype on request", () => {
    const t = torch.tensor(new Uint8Array([1, 2, 255]));
    expect([t.dtype, t.tolist()]).toEqual([torch.uint8, [1, 2, 255]]);
    expect(torch.tensor(new Uint8Array([1, 255]), { dtype: torch.float32 }).tolist()).toEqual([1, 255]);
  });

  it("torch.ByteTensor, .byte() and torch.frombuffer give uint8", () => {
    const b = torch.ByteTensor([1, 2, 255]);
    expect([b.dtype, b.tolist()]).toEqual([torch.uint8, [1, 2, 255]]);
    expect(() => torch.ByteTensor([300])).toThrow("value cannot be converted to type uint8 without overflow");
    const fb = torch.frombuffer(new Uint8Array([1, 2, 255, 9]), { dtype: torch.uint8, offset: 1, count: 2 });
    expect([fb.dtype, fb.tolist()]).toEqual([torch.uint8, [2, 255]]);
    expect(torch.tensor([1.5, -2]).byte().tolist()).toEqual([1, 254]);
    // ({} is now the keyword form with no keyword: x.type(), the type's name.)
    expect(() => torch.tensor([1]).type(42 as never)).toThrow(/type\(\): expected a dtype/); // not a broken tensor
  });

  it("randint with dtype uint8 draws torch's stream (seed 0: 172, 47, 117, 192, 67)", () => {
    const state = torch.get_rng_state();
    try {
      torch.manual_seed(0);
      const r = torch.randint(0, 256, [5], { dtype: torch.uint8 });
      expect([r.dtype, r.tolist()]).toEqual([torch.uint8, [172, 47, 117, 192, 67]]);
    } finally {
      torch.set_rng_state(state);
    }
  });

  it("(img * 255).to(torch.uint8) and back to float for a model", () => {
    const img = torch.tensor([[0.0, 0.5], [0.999, 1.0]]);
    const u8 = img.mul(255).to(torch.uint8);
    expect([u8.dtype, u8.tolist()]).toEqual([torch.uint8, [[0, 127], [254, 255]]]);
    const back = u8.float().div(255);
    expect(back.dtype).toBe(torch.float32);
    expect(back.max().item()).toBe(1);
  });

  it("float leaves get torch's gradients through ops with a uint8 operand; float64 gradcheck", () => {
    const a = torch.tensor([3, 3], { requires_grad: true });
    a.pow(torch.tensor([0, 2], { dtype: torch.uint8 })).sum().backward();
    expect(a.grad!.tolist()).toEqual(fx.grads.pow_uint8_exponent); // x ** 0 has gradient 0, not NaN
    const w = torch.tensor([1.5, 2], { requires_grad: true });
    const img = torch.tensor([200, 10], { dtype: torch.uint8 });
    w.mul(img).div(img.add(1)).sum().backward();
    (w.grad!.tolist() as number[]).forEach((v, i) => expect(v).toBeCloseTo(fx.grads.mul_div_uint8[i], 6));
    const e = torch.tensor([0, 1, 2, 3], { dtype: torch.uint8 });
    const x = torch.tensor([1.5, -0.7, 2.1, 0.9], { dtype: torch.float64, requires_grad: true });
    expect(gradcheck((t: Tensor) => t.pow(e).mul(e).div(e.add(1)).add(t.mul(e)), [x])).toBe(true);
  });

  it("tutorial chains: manual quantization to uint8 and back, an image to uint8 and back", () => {
    const s = fx.snippets;
    const close = (t: Tensor, want: TensorOut) => {
      expect([t.dtype.name, [...t.shape]]).toEqual([want.dtype, want.shape]);
      (t.reshape([-1]).tolist() as number[]).forEach((v, i) => expect(v).toBeCloseTo(want.data![i], 6));
    };
    const x = torch.tensor([-1.0, -0.25, 0.0, 0.3, 0.77, 1.2]);
    const q = torch.clamp(torch.round(x.div(0.01)).add(100), 0, 255).to(torch.uint8);
    close(q, s.quant_q);
    close(q.float().sub(100).mul(0.01), s.quant_deq);
    const u8 = torch.tensor([[0.0, 0.2], [0.5, 1.0]]).mul(255).round().byte();
    close(u8, s.image_u8);
    close(u8.float().div(255), s.image_back);
  });

  it("a uint8 tensor cannot require grad, also through a factory", () => {
    expect(() => torch.zeros(2, { dtype: torch.uint8, requires_grad: true })).toThrow("Only Tensors of floating point and complex dtype can require gradients");
  });

  it("default_collate stacks uint8 samples into a uint8 batch", () => {
    const batch = torch.utils.data.default_collate([torch.tensor([1, 2], { dtype: torch.uint8 }), torch.tensor([3, 255], { dtype: torch.uint8 })]) as Tensor;
    expect([batch.dtype, batch.tolist()]).toEqual([torch.uint8, [[1, 2], [3, 255]]]);
  });

  it("x[mask] = v with a uint8 mask writes where the mask is nonzero (with torch's warning)", () => {
    const x = torch.tensor([1, 2, 3]);
    x.index_put_([torch.tensor([1, 0, 1], { dtype: torch.uint8 })], torch.tensor(0));
    expect(x.tolist()).toEqual([0, 2, 0]);
    expect(warn.spy()).toHaveBeenCalledWith("UserWarning: indexing with dtype torch.uint8 is now deprecated, please use a dtype torch.bool instead.");
  });
});
