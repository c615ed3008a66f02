/**
 * Gaps found by the CS224N probe (tests/unit/tensor/tutorials/cs224n.test.ts), each against torch 1.13's values and
 * messages in the fixture's "gaps" section (scripts/fixtures/cs224n_fixtures.py -> tests/fixtures/torch/tutorials/cs224n.json).
 */
import { describe, expect, it, vi } from "vitest";
import { nn, torch } from "../../../../lib/tensor/index";
import { expectT, thrown, tutorialFixture } from "../tutorials/helpers";

const g = tutorialFixture<Record<string, any>>("cs224n.json").gaps; // eslint-disable-line @typescript-eslint/no-explicit-any
const long = { dtype: torch.int64 };

describe("masked_fill with a mask that is neither bool nor uint8 (torch 1.13 reads each element's low byte)", () => {
  const z = torch.zeros(2, 4);
  it("int64 / int32 masks of 0 and 1 fill as bool ones; 256 counts as 0, 257 as 1; a float64 input too", () => {
    expectT(z.masked_fill(torch.tensor([1, 0, 0, 1], long), 5), g.mf_int64, 0);
    expectT(z.masked_fill(torch.tensor([256, 1, 0, 257], long), 5), g.mf_int64_256, 0);
    expectT(z.clone().masked_fill_(torch.tensor([[1, 0, 1, 0], [0, 0, 0, 1]], { dtype: torch.int32 }), -1), g.mf_int32_inplace, 0);
    expectT(torch.zeros(3, { dtype: torch.float64 }).masked_fill(torch.tensor([1, 0, 1], long), 7), g.mf_float64_self, 0);
    expectT(z.masked_fill(torch.tensor([0, 1, 1, 0], long), torch.tensor(2.5)), g.mf_tensor_value, 0);
  });
  it("a float mask of ones masks nothing (its low byte is 0); the smallest denormal, bits 0x00000001, masks", () => {
    expectT(z.masked_fill(torch.ones(4), 5), g.mf_float_ones, 0);
    expectT(z.masked_fill(torch.tensor([1.4e-45, 1.0, 0.0, 0.0]), 5), g.mf_float_denormal, 0);
  });
  it("a low byte other than 0 or 1 raises torch's RuntimeError (int64 2, int8 -1, a float whose low byte is 2, uint8 2)", () => {
    expect(thrown(() => z.masked_fill(torch.tensor([0, 2, 0, 1], long), 5))).toEqual(g.mf_int64_two);
    expect(thrown(() => z.masked_fill(torch.tensor([-1, 0, 0, 1], { dtype: torch.int8 }), 5))).toEqual(g.mf_int8_neg);
    expect(thrown(() => z.masked_fill(torch.tensor([3.0e-45, 0, 0, 0]), 5))).toEqual(g.mf_float_half);
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      expect(thrown(() => z.masked_fill(torch.tensor([0, 2, 0, 1], { dtype: torch.uint8 }), 5))).toEqual(g.mf_int64_two);
    } finally {
      warn.mockRestore();
    }
  });
  it("the gradient flows to the unmasked positions only", () => {
    const w0 = torch.ones([2, 4], { requires_grad: true });
    w0.masked_fill(torch.tensor([0, 1, 1, 0], long), 0).mul(torch.arange(8.0).view(2, 4)).sum().backward();
    expectT(w0.grad!, g.mf_int64_grad, 0);
  });
});

describe("a broadcast mismatch in several dimensions names the last one, as ATen's infer_size (it named the first)", () => {
  it("add, mul, masked_fill, where and eq of [4, 3] against [3, 4]", () => {
    expect(thrown(() => torch.randn(4, 3).add(torch.randn(3, 4)))).toEqual(g.bc_add);
    expect(thrown(() => torch.randn(2, 4, 3).mul(torch.randn(3, 4, 3)))).toEqual(g.bc_mul_3d);
    expect(thrown(() => torch.randn(3, 4).masked_fill(torch.ones(4, 3).bool(), 1))).toEqual(g.bc_masked_fill);
    expect(thrown(() => torch.where(torch.ones(4, 3).bool(), torch.randn(3, 4), 0))).toEqual(g.bc_where);
    expect(thrown(() => torch.eq(torch.randn(4, 3), torch.randn(3, 4)))).toEqual(g.bc_eq);
  });
});

describe("module and indexing checks in torch 1.13's words", () => {
  it("nn.Embedding / F.embedding: a padding_idx out of range is an AssertionError (it was a ValueError)", () => {
    const F = nn.functional;
    expect([
      thrown(() => new nn.Embedding(4, 3, { padding_idx: 4 })),
      thrown(() => new nn.Embedding(4, 3, { padding_idx: -5 })),
      thrown(() => F.embedding(torch.tensor([1], long), torch.randn(4, 3), { padding_idx: 4 })),
    ]).toEqual(g.pad_idx);
  });
  it("RNN cells check the state's batch size, then its hidden size, both LSTMCell states labelled hidden0", () => {
    const lc = new nn.LSTMCell(9, 5), gc = new nn.GRUCell(9, 5), rc = new nn.RNNCell(9, 5);
    expect([
      thrown(() => lc(torch.randn(3, 9), [torch.zeros(3, 5), torch.zeros(3, 4)])),
      thrown(() => lc(torch.randn(9), [torch.zeros(4), torch.zeros(5)])),
      thrown(() => lc(torch.randn(3, 9), [torch.zeros(2, 5), torch.zeros(3, 5)])),
      thrown(() => gc(torch.randn(3, 9), torch.zeros(2, 5))),
      thrown(() => rc(torch.randn(3, 9), torch.zeros(3, 6))),
      thrown(() => lc(torch.randn(3, 9), [torch.zeros(3), torch.zeros(3, 5)])),
    ]).toEqual(g.cell_state);
  });
  it("a one-layer LSTM / GRU given dropout warns as torch (not with two layers)", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const shown = (make: () => unknown) => {
      warn.mockClear();
      make();
      return warn.mock.calls.map((c) => String(c[0]).replace(/^UserWarning: /, ""));
    };
    try {
      expect([
        shown(() => new nn.LSTM(4, 5, { dropout: 0.5 })),
        shown(() => new nn.GRU(4, 5, 1, { dropout: 1e-5 })),
        shown(() => new nn.LSTM(4, 5, { num_layers: 2, dropout: 0.5 })),
      ]).toEqual(g.lstm_dropout_warnings);
    } finally {
      warn.mockRestore();
    }
  });
  it("a float index tensor: x[idx], x[:, idx] and index_put_ raise torch's IndexError text", () => {
    const xi = torch.randn(3, 4);
    expect([
      thrown(() => xi.index(torch.tensor([0, 1]))),
      thrown(() => xi.index(":", torch.tensor([0, 1]))),
      thrown(() => xi.index_put_([torch.tensor([0])], torch.tensor(1))),
    ]).toEqual(g.float_index);
  });
  it("cross_entropy: a target of the input's shape must be float (class probabilities) and refuses ignore_index", () => {
    const F = nn.functional;
    expect([
      thrown(() => F.cross_entropy(torch.randn(2, 3), torch.zeros([2, 3], long))),
      thrown(() => F.cross_entropy(torch.randn(2, 3), torch.zeros([2, 3], { dtype: torch.int32 }))),
      thrown(() => F.cross_entropy(torch.randn(2, 3), torch.zeros([2, 3], { dtype: torch.bool }))),
      thrown(() => F.cross_entropy(torch.randn(4), torch.zeros([4], long))),
      thrown(() => F.cross_entropy(torch.randn(2, 3, 4), torch.zeros([2, 3, 4], long))),
      thrown(() => F.cross_entropy(torch.randn(2, 3), torch.zeros(2, 3), { ignore_index: 0 })),
    ]).toEqual(g.ce_same_shape);
  });
});

describe("split's size checks, masked_fill's value tensor, from_pretrained's assert", () => {
  it("split: 0 along a dimension that is not empty and a negative size raise torch's texts; 0 along an empty one is one chunk", () => {
    expect([
      thrown(() => torch.split(torch.randn(4, 2), 0)),
      thrown(() => torch.randn(4, 2).split(0, 1)),
      thrown(() => torch.split(torch.randn(4, 2), -1)),
      torch.split(torch.randn(0, 2), 0).map((c) => [...c.shape]),
    ]).toEqual(g.split_sizes);
  });
  it("masked_fill and masked_fill_ with a value tensor of one dimension both name masked_fill_, as torch", () => {
    const m = torch.tensor([true, false, true]);
    expect([thrown(() => torch.zeros(3).masked_fill(m, torch.tensor([1]))), thrown(() => torch.zeros(3).masked_fill_(m, torch.tensor([1])))]).toEqual(g.mf_value_1d);
  });
  it("Embedding / EmbeddingBag.from_pretrained of a 1-D tensor is an AssertionError", () => {
    expect([thrown(() => nn.Embedding.from_pretrained(torch.ones(3))), thrown(() => nn.EmbeddingBag.from_pretrained(torch.ones(3)))]).toEqual(g.from_pretrained_1d);
  });
});

describe("print(torch.max(x, 1)): a (values, indices) result prints as torch's named tuple", () => {
  it("max, min, topk, sort, kthvalue, median, mode, cummax, cummin, nanmedian (and one with a grad_fn)", () => {
    const xr = torch.tensor([[1, 5], [3, 2]]);
    const wr = torch.tensor([[1, 5], [3, 2]], { requires_grad: true });
    expect([
      String(torch.max(xr, 1)), String(xr.min({ dim: 0 })), String(torch.topk(xr, 1)), String(torch.sort(xr, { descending: true })),
      String(torch.kthvalue(xr, 1)), String(torch.median(xr, 1)), String(torch.mode(xr, 1)), String(torch.cummax(xr, 1)),
      String(torch.cummin(xr, 0)), String(torch.nanmedian(xr, 0)), String(torch.median(torch.tensor([2, 1, 3]), 0)),
      String(torch.max(wr, 1, { keepdim: true })),
    ]).toEqual(g.return_types);
  });
});

describe("div's rounding modes, matmul's batch mismatch, masked_fill's broadcasting", () => {
  it("div refuses a rounding_mode other than None / 'trunc' / 'floor' ('round' divided as None did)", () => {
    const xd = torch.tensor([7, -7]);
    expect(thrown(() => torch.div(xd, 2, { rounding_mode: "round" as "floor" }))).toEqual(g.div_mode[0]);
    // torch's text for div_ too (the fixture's second case); here through torch.divide, which shares div's check
    expect(thrown(() => torch.divide(xd, 2, { rounding_mode: "Floor" as "floor" }))).toEqual(g.div_mode[1]);
    expectT(torch.div(xd, 2, { rounding_mode: null }), g.div_mode[2], 0);
  });
  it("matmul's batch dimensions: a mismatch names the last one, a batch of 1 broadcasts", () => {
    expect(thrown(() => torch.matmul(torch.randn(2, 3, 4, 5), torch.randn(3, 2, 5, 6)))).toEqual(g.matmul_batch[0]);
    expect([...torch.matmul(torch.randn(2, 1, 4, 5), torch.randn(3, 5, 6)).shape]).toEqual(g.matmul_batch[1]);
  });
  it("masked_fill broadcasts a larger mask (gradient summed back); masked_fill_ names self tensor a and keeps its shape", () => {
    const [inplaceBig, big, grad, inplaceSwap, swap] = g.mf_broadcast;
    expect(thrown(() => torch.zeros(3, 4).masked_fill_(torch.ones(2, 3, 4).bool(), 1))).toEqual(inplaceBig);
    const wm = torch.ones([3, 4], { requires_grad: true });
    const out = wm.masked_fill(torch.tensor([[[true], [false], [true]], [[false], [false], [true]]]), 0);
    out.mul(torch.arange(24.0).view(2, 3, 4)).sum().backward();
    expectT(out, big, 0);
    expectT(wm.grad!, grad, 0);
    expect(thrown(() => torch.zeros(3, 4).masked_fill_(torch.ones(4, 3).bool(), 1))).toEqual(inplaceSwap);
    expect(thrown(() => torch.zeros(3, 4).masked_fill(torch.ones(4, 3).bool(), 1))).toEqual(swap);
  });
});

describe("Tensor.div_ / divide_ take rounding_mode (it was refused as an unexpected keyword)", () => {
  it("floor / trunc in place on float and int64 tensors, through autograd, and torch's errors", () => {
    const [a, b, c, y, wgrad, hasFn, intTrue, badMode] = g.div_inplace;
    const a_ = torch.tensor([7, -7]);
    a_.div_(2, { rounding_mode: "floor" });
    expectT(a_, a, 0);
    const b_ = torch.tensor([7, -7], long);
    b_.div_(2, { rounding_mode: "trunc" });
    const c_ = torch.tensor([7, -7], long);
    c_.divide_(2, { rounding_mode: "floor" });
    expect([b_.tolist(), c_.tolist(), String(b_.dtype)]).toEqual([b, c, "torch.int64"]);
    const wd = torch.tensor([7, -7], { requires_grad: true });
    const yd = wd.mul(1);
    yd.div_(2, { rounding_mode: "floor" });
    yd.sum().backward();
    expectT(yd, y, 0);
    expectT(wd.grad!, wgrad, 0);
    expect(yd.grad_fn !== null).toBe(hasFn);
    // int64 without a rounding mode: torch's class; the engine's text still starts 'div_: ' (left: ops/inplace.ts was
    // being edited by another engineer) where torch's is intTrue[1]
    const t = thrown(() => torch.tensor([7, -7], long).div_(2))!;
    expect([t[0], t[1].replace(/^div_: /, "")]).toEqual(intTrue);
    expect(thrown(() => torch.tensor([7, -7]).div_(2, { rounding_mode: "round" as "floor" }))).toEqual(badMode);
  });
});

describe("in-place true division of an integer tensor (the probe's int64 div_ without rounding_mode)", () => {
  // torch 1.13: x = torch.tensor([1, 2]); x.div_(2) / x.div_(float64 tensor) / with set_default_dtype(torch.float64).
  it("raises torch's text, naming the float dtype the division would give", () => {
    const x = torch.tensor([1, 2], { dtype: torch.long });
    expect(thrown(() => x.div_(2))).toEqual(["RuntimeError", "result type Float can't be cast to the desired output type Long"]);
    expect(thrown(() => x.div_(torch.tensor([2, 3], { dtype: torch.float64 })))).toEqual(["RuntimeError", "result type Double can't be cast to the desired output type Long"]);
    torch.set_default_dtype(torch.float64);
    try {
      expect(thrown(() => x.div_(2))).toEqual(["RuntimeError", "result type Double can't be cast to the desired output type Long"]);
    } finally {
      torch.set_default_dtype(torch.float32);
    }
    expect(x.tolist()).toEqual([1, 2]);
  });
});
