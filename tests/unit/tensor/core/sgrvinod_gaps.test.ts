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
