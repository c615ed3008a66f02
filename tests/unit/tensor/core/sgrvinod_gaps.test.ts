/**
 * Engine gaps found by the sgrvinod tutorials probe (tests/unit/tensor/tutorials/sgrvinod.test.ts: Image Captioning,
 * Object Detection, Transformers), each against torch 1.13 (scripts/fixtures/sgrvinod_fixtures.py, the "gaps" section
 * of sgrvinod.json).
 */
import { describe, expect, it } from "vitest";
import { nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectT, tutorialFixture } from "../tutorials/helpers";

const gaps = tutorialFixture<{ gaps: Record<string, any> }>("sgrvinod.json").gaps; // eslint-disable-line @typescript-eslint/no-explicit-any
/** A number where torch takes a bool (Python code passes 0 / 1 positionally). */
const n = (v: number) => v as unknown as boolean;

describe("RNN and cell reprs print their flags as given", () => {
  it("bias / batch_first / bidirectional given as 0 or 1 print 0 or 1 (torch formats the value), bools print True / False", () => {
    expect([
      String(new nn.LSTM(3, 4, 1, n(0))),
      String(new nn.GRU(3, 4, { bias: n(1) })),
      String(new nn.LSTMCell(3, 4, n(0))),
      String(new nn.RNNCell(3, 4, n(1), "relu")),
      String(new nn.LSTM(3, 4, { batch_first: n(1) })),
      String(new nn.LSTM(3, 4, { bidirectional: n(1) })),
      String(new nn.RNN(3, 4, { bias: false })),
    ]).toEqual(gaps.rnn_flag_reprs);
  });

  it("a cell built with bias 0 has no bias parameters", () => {
    expect([...new nn.LSTMCell(3, 4, n(0)).named_parameters()].map(([k]) => k)).toEqual(gaps.cell_bias0_params);
  });
});

describe("pack_padded_sequence reads lengths as torch.as_tensor(lengths, dtype=torch.int64)", () => {
  const { pack_padded_sequence } = nn.utils.rnn;
  const pk = torch.arange(12).float().view(3, 4);
  const parts = (p: { data: Tensor; batch_sizes: Tensor }) => [p.data, p.batch_sizes];
  it("a list of 0-d integer tensors (Python's list(lengths_tensor)) is taken", () => {
    const lens = [...torch.tensor([4, 2, 1], { dtype: torch.long })];
    parts(pack_padded_sequence(pk, lens, { batch_first: true })).forEach((t, i) => expectT(t, gaps.pack_list_of_tensors[i], 0));
  });
  it("fractional lengths truncate toward zero, in a list or a float tensor", () => {
    parts(pack_padded_sequence(pk, [3.7, 2.2, 1.9], { batch_first: true })).forEach((t, i) => expectT(t, gaps.pack_float_list[i], 0));
    parts(pack_padded_sequence(pk, torch.tensor([3.7, 2.2, 1.0]), { batch_first: true })).forEach((t, i) => expectT(t, gaps.pack_float_tensor[i], 0));
  });
  it("a float tensor in the list is Python's TypeError", () => {
    let got: [string, string] | null = null;
    try {
      pack_padded_sequence(pk, [torch.tensor(3.5), torch.tensor(2), torch.tensor(1)], { batch_first: true });
    } catch (e) {
      got = [(e as Error).name, (e as Error).message];
    }
    expect(got).toEqual(gaps.pack_float_tensor_in_list);
  });
});

describe("Python lists as indices, as torch 1.13 reads them", () => {
  const xi = torch.arange(12).view(3, 4);
  const L = (v: number[]) => torch.tensor(v, { dtype: torch.long });
  it("a lone list holding lists or tensors is a tuple of indices (treatSequenceAsTuple), for reads and writes", () => {
    expectT(xi.index([[2, 0]]), gaps.list_tuple_one, 0);
    expectT(xi.index([[2, 0], [1, 1]]), gaps.list_tuple_two, 0);
    expectT(xi.index([L([2, 0]), L([1, 1])] as unknown as number[]), gaps.list_tuple_tensors, 0);
    const xs = xi.clone();
    xs.index_put_([[[2, 0], [1, 1]]], -1);
    expectT(xs, gaps.list_tuple_put, 0);
  });
  it("a nested list beside other indices is a multi-dimensional index; a ragged one is Python's ValueError", () => {
    expectT(xi.index(":", [[0, 1], [1, 0]]), gaps.list_2d_index, 0);
    let got: [string, string] | null = null;
    try {
      xi.index(":", [[0, 1], [1]]);
    } catch (e) {
      got = [(e as Error).name, (e as Error).message];
    }
    expect(got).toEqual(gaps.list_ragged);
  });
  it("a list of bools is a mask; fractional entries truncate", () => {
    expectT(xi.index([true, false, true]), gaps.list_bools, 0);
    expectT(xi.index([0.5, 1.9]), gaps.list_floats, 0);
  });
});
