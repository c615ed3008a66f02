/**
 * Engine gaps found by the sgrvinod tutorials probe (tests/unit/tensor/tutorials/sgrvinod.test.ts: Image Captioning,
 * Object Detection, Transformers), each against torch 1.13 (scripts/fixtures/sgrvinod_fixtures.py, the "gaps" section
 * of sgrvinod.json).
 */
import { describe, expect, it } from "vitest";
import { nn } from "../../../../lib/tensor/index";
import { tutorialFixture } from "../tutorials/helpers";

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
