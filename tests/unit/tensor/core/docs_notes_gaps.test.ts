/**
 * Gaps the docs_notes probe found (PyTorch 1.13's notes/broadcasting.rst and tensor_attributes.rst), fixed in lib/tensor/:
 * a broadcasting mismatch raises ATen's infer_size message ('The size of tensor a (2) must match the size of tensor b (3)
 * at non-singleton dimension 1') from every elementwise op, where the engine said 'add: shapes [...] and [...] cannot be
 * broadcast together (...)'; torch.broadcast_shapes its own 'Shape mismatch' line; dtypes have is_signed / is_complex;
 * x.layout is typed. View errors in torch's words (view / reshape / unflatten without the engine's 'view: ' prefix or
 * '(input shape [2, 3])' suffix, narrow's RuntimeError on the wrapped start, select()'s own message, x[0, 3] naming
 * dimension 1 of x, as_strided's byte counts with the itemsize). torch.device(1) is CUDA's ordinal 1 (the legacy form
 * tensor_attributes.rst shows; it raised a TypeError), and a misspelt device lists torch 1.13's device types. An inference
 * tensor (or a view of one, or an nn.Parameter over one) refuses requires_grad=True outside inference mode. copy_ of a
 * source that would grow the output raises torch's in-place message (it gave expand's); mse_loss / l1_loss /
 * smooth_l1_loss / huber_loss of shapes that cannot broadcast warn about the target size, then raise torch's message.
 * x[...] = value of the wrong shape: expand's message through numbers and slices (a copy_ in torch), the RuntimeError
 * 'shape mismatch: value tensor ...' through index tensors and masks (it was an IndexError for both).
 * Expected values: tests/fixtures/torch/tutorials/docs_notes.json (scripts/fixtures/docs_notes_fixtures.py, torch 1.13).
 */
import { describe, expect, it, vi } from "vitest";
import { nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { forgetShownWarnings } from "../../../../lib/tensor/warnings";
import { expectT, thrown, tutorialFixture } from "../tutorials/helpers";

const ref = tutorialFixture<Record<string, any>>("docs_notes.json"); // eslint-disable-line @typescript-eslint/no-explicit-any

describe("docs_notes gaps: broadcasting errors in torch 1.13's words", () => {
  const e = ref.broadcasting;
  it("the note's mismatch and the in-place mismatch", () => {
    expect(thrown(() => torch.add(torch.empty(5, 2, 4, 1), torch.empty(3, 1, 1)))).toEqual(e.mismatch);
    expect(thrown(() => torch.zeros(2, 3).add_(torch.zeros(4)))).toEqual(e.inplace_mismatch);
  });
  it("every broadcasting op names tensor a and b and the dimension of the result", () => {
    const a = torch.zeros(2, 3), b = torch.zeros(4);
    const boolMask = torch.zeros(4, { dtype: torch.bool });
    const got: Record<string, [string, string] | null> = {
      mul: thrown(() => a.mul(b)),
      sub: thrown(() => torch.sub(a, b)),
      div: thrown(() => a.div(b)),
      pow: thrown(() => torch.pow(a, b)),
      maximum: thrown(() => torch.maximum(a, b)),
      atan2: thrown(() => torch.atan2(a, b)),
      gt: thrown(() => a.gt(b)),
      eq: thrown(() => a.eq(b)),
      bitwise_and: thrown(() => a.long().bitwise_and(b.long())),
      where: thrown(() => torch.where(a.gt(0), b, torch.zeros(1))),
      masked_fill: thrown(() => a.masked_fill(boolMask, 1.0)),
      lerp: thrown(() => torch.lerp(a, b, 0.5)),
      addcmul: thrown(() => torch.addcmul(a, b, torch.zeros(1))),
      mul_: thrown(() => a.clone().mul_(b)),
      masked_select: thrown(() => torch.masked_select(a, boolMask)),
      broadcast_tensors: thrown(() => torch.broadcast_tensors(a, b)),
      broadcast_shapes: thrown(() => torch.broadcast_shapes([2, 3], [4])),
      empty: thrown(() => a.add(torch.zeros(0))),
      three_d: thrown(() => torch.zeros(3, 2, 5).add(torch.zeros(4, 5))),
    };
    expect(got).toEqual(e.ops);
  });
});

describe("docs_notes gaps: torch.dtype attributes", () => {
  it("is_signed and is_complex", () => {
    expect([torch.int8.is_signed, torch.uint8.is_signed, torch.float32.is_signed, torch.bool.is_signed]).toEqual(ref.tensor_attributes.is_signed);
    expect([torch.float32.is_complex, torch.int64.is_complex]).toEqual([false, false]);
    // float16 / bfloat16 are refused for tensors but answer these (torch 1.13: True / False)
    expect([torch.float16.is_signed, torch.bfloat16.is_complex]).toEqual([true, false]);
  });
  it("x.layout is typed (it ran, but `x.layout` did not compile: TS2339)", () => {
    const x = torch.tensor([[1, 2, 3, 4, 5], [6, 7, 8, 9, 10]], { dtype: torch.long });
    expect(String(x.layout)).toBe(ref.tensor_attributes.layout[0]);
  });
});

describe("docs_notes gaps: view errors in torch 1.13's words", () => {
  const e = ref.view_errors;
  it("view / reshape / unflatten / narrow / select / indexing / as_strided", () => {
    const x = torch.ones(2, 3);
    const got: Record<string, unknown> = {
      view_neg2: thrown(() => torch.arange(12).view(-2, 6)),
      view_two_neg: thrown(() => torch.arange(12).view(-1, -1)),
      reshape_two_neg: thrown(() => torch.arange(12).reshape(-1, -1)),
      view_bad: thrown(() => torch.arange(12).view(-1, 5)),
      view_size_mismatch: thrown(() => torch.ones(2, 3).view(4)),
      reshape_size_mismatch: thrown(() => torch.ones(2, 3).reshape(4)),
      view_as_bad: thrown(() => torch.ones(5).view_as(torch.ones(2, 3))),
      unflatten_bad: thrown(() => torch.ones(2, 6).unflatten(1, [4, -1])),
      narrow_too_long: thrown(() => x.narrow(1, 2, 2)),
      narrow_neg_len: thrown(() => x.narrow(1, 0, -1)),
      narrow_wrapped_start: thrown(() => x.narrow(1, -1, 5)),
      narrow_start_oob: thrown(() => x.narrow(1, 4, 0)),
      narrow_start_neg_oob: thrown(() => x.narrow(1, -4, 1)),
      narrow_end: x.narrow(1, 3, 0).shape,
      select_oob: thrown(() => x.select(1, 3)),
      select_neg_oob: thrown(() => x.select(1, -4)),
      select_dim0: thrown(() => x.select(0, 2)),
      index_second_dim: thrown(() => x.index(0, 3)),
      index_first_dim: thrown(() => x.index(2)),
      index_after_slice: thrown(() => x.index(":", 3)),
      as_strided_float: thrown(() => torch.ones(4).as_strided([3, 3], [1, 1], 0)),
      as_strided_double: thrown(() => torch.ones(4, { dtype: torch.double }).as_strided([3, 3], [1, 1], 0)),
      as_strided_offset: thrown(() => torch.ones(4).as_strided([2], [1], 3)),
    };
    expect(got).toEqual(e);
  });
});

describe("docs_notes gaps: torch.device", () => {
  const e = ref.device_gaps;
  it("the legacy ordinal, misspelt and malformed device strings", () => {
    // String(device) is str()'s 'cuda:1' (repr's device(type='cuda', index=1) is not reproduced)
    expect([String(torch.device(1)), String(torch.device(0))]).toEqual(e.ordinal.slice(1));
    expect([torch.device(1).type, torch.device(1).index]).toEqual(["cuda", 1]);
    expect(thrown(() => torch.device(-1))).toEqual(e.ordinal_neg);
    expect(thrown(() => torch.device("gpu"))).toEqual(e.misspelt);
    expect(thrown(() => torch.device("CPU"))).toEqual(e.upper);
    expect(thrown(() => torch.device("cuda:x"))).toEqual(e.bad_index);
    expect(thrown(() => torch.device("cuda:-1"))).toEqual(e.neg_index);
    expect(String(torch.device("ipu"))).toBe(e.ipu);
  });
});

describe("docs_notes gaps: requires_grad on inference tensors", () => {
  const e = ref.inference_gaps;
  it("refused outside inference mode, allowed inside, as torch 1.13", () => {
    let inf_long!: Tensor, inf_b!: Tensor, inf_c!: Tensor, inf_v!: Tensor;
    torch.inference_mode(() => {
      inf_long = torch.ones(2, { dtype: torch.long });
      inf_b = torch.ones(2);
      inf_c = torch.ones(2);
      inf_c.requires_grad_();
      inf_v = torch.ones(4);
    });
    const inf_vv = inf_v.index(":2");
    expect({
      inside: inf_c.requires_grad,
      long: thrown(() => inf_long.requires_grad_()),
      view: thrown(() => inf_vv.requires_grad_()),
      view_is_inference: inf_vv.is_inference(),
      attr: thrown(() => { inf_b.requires_grad = true; }),
      false: String(inf_b.requires_grad_(false)),
      parameter: thrown(() => new nn.Parameter(inf_b)),
      parameter_frozen_is_inference: new nn.Parameter(inf_b, false).is_inference(),
      clone_ok: String(inf_b.clone().requires_grad_()),
    }).toEqual(e);
  });
});

describe("docs_notes gaps: copy_ and the regression losses", () => {
  const e = ref.broadcast_more;
  it("copy_ cannot grow its output", () => {
    expect(thrown(() => torch.zeros(2, 3).copy_(torch.zeros(4)))).toEqual(e.copy_mismatch);
    expect(thrown(() => torch.zeros(2, 3).copy_(torch.zeros(2, 2, 3)))).toEqual(e.copy_grow_dims);
    expect(thrown(() => torch.zeros(3).copy_(torch.zeros(2, 3)))).toEqual(e.copy_grow);
    expect(String(torch.zeros(2, 3).copy_(torch.tensor([1.5, 2, 3]).sub(torch.tensor([0.5, 0, 0]))))).toBe(e.copy_ok);
  });
  it("losses of shapes that cannot broadcast: the target-size warning, then torch's error", () => {
    const F = nn.functional;
    const fns: [string, (a: Tensor, b: Tensor) => Tensor][] = [
      ["mse_loss", (a, b) => F.mse_loss(a, b)], ["l1_loss", (a, b) => F.l1_loss(a, b)],
      ["smooth_l1_loss", (a, b) => F.smooth_l1_loss(a, b)], ["huber_loss", (a, b) => F.huber_loss(a, b)],
    ];
    for (const [name, fn] of fns) {
      forgetShownWarnings();
      const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
      expect(thrown(() => fn(torch.zeros(2, 3), torch.zeros(4))), name).toEqual(e[name]);
      expect(warn.mock.calls.length, name).toBe(e[`${name}_warned`]);
      // [N, 1] predictions against [N] targets: the loss of the broadcast [N, N] comparison, with the warning (smooth_l1 /
      // huber did not warn)
      forgetShownWarnings();
      warn.mockClear();
      expectT(fn(torch.tensor([[1.0], [3.0]]), torch.tensor([0.0, 2.0])), e[`${name}_column`], 1e-6);
      expect(warn.mock.calls.map((c) => String(c[0]).replace(/^UserWarning: /, "")), name).toEqual(e[`${name}_column_warning`]);
      warn.mockRestore();
    }
  });
});

describe("docs_notes gaps: assigning a value of the wrong shape", () => {
  const e = ref.setitem_errors;
  it("x[...] = value and index_put_", () => {
    const L = (v: number[]) => torch.tensor(v, { dtype: torch.long });
    const z23 = torch.zeros(2, 3);
    expect({
      slice_extra_dim: thrown(() => torch.zeros(6).index_put_(["1:3"], torch.ones(2, 2))),
      all: thrown(() => torch.zeros(2, 3).index_put_([":"], torch.ones(4))),
      row: thrown(() => torch.zeros(2, 3).index_put_([0], torch.ones(4))),
      column: thrown(() => torch.zeros(2, 3).index_put_([":", 1], torch.ones(3))),
      index_list: thrown(() => torch.zeros(2, 3).index_put_([L([0, 1])], torch.ones(4))),
      mask: thrown(() => z23.index_put_([z23.gt(0)], torch.ones(4))),
      index_put_: thrown(() => torch.zeros(2, 3).index_put_([L([0, 1])], torch.ones(4))),
    }).toEqual(e);
  });
});
