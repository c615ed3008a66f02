/**
 * The "Dynamic Quantization" recipe: its float LSTM runs as in torch 1.13 (seed 29592, the recipe's
 * sizes), and quantize_dynamic is refused with one clear NotImplementedError that leaves the model
 * as it was. torch turns the LSTM into DynamicQuantizedLSTM(8, 8) with int8 weights (its output
 * moves by about 7e-3, recorded in the fixture); the engine has no quantized tensors or int8
 * kernels, and handing the float model back would make the recipe's size / speed / output
 * comparisons silently meaningless. Values from scripts/fixtures/tutorial6_fixtures.py (quantization6.json).
 */
import { describe, expect, it } from "vitest";
import { nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectClose } from "../core/fixtures";
import { thrown, tutorialFixture } from "./helpers";

type FT = { shape: number[]; data: number[] };
const ref = tutorialFixture<{ out: FT; h: FT; c: FT; state_dict_keys: string[]; quantized_repr: string; quantized_max_abs_diff: number }>("quantization6.json");

class lstm_for_demonstration extends nn.Module {
  lstm: nn.LSTM;
  constructor(in_dim: number, out_dim: number, depth: number) {
    super();
    this.lstm = new nn.LSTM(in_dim, out_dim, depth);
  }
  forward(inputs: Tensor, hidden: [Tensor, Tensor]): [Tensor, [Tensor, Tensor]] {
    const [out, h] = this.lstm(inputs, hidden) as [Tensor, [Tensor, Tensor]];
    return [out, h];
  }
}

const WHY = "quantized models are not supported by Gradbook's tensor engine (it has no qint8 / quint8 tensors and no int8 kernels). The model was not changed and still runs in float32; run the quantization recipes in PyTorch itself.";

describe("Dynamic Quantization recipe", () => {
  it("the float LSTM gives torch's outputs; quantize_dynamic raises a clear error and changes nothing", () => {
    torch.manual_seed(29592);
    const [model_dimension, sequence_length, batch_size, lstm_depth] = [8, 20, 1, 1];
    const inputs = torch.randn(sequence_length, batch_size, model_dimension);
    const hidden: [Tensor, Tensor] = [torch.randn(lstm_depth, batch_size, model_dimension), torch.randn(lstm_depth, batch_size, model_dimension)];
    const float_lstm = new lstm_for_demonstration(model_dimension, model_dimension, lstm_depth);
    expect(Object.keys(float_lstm.state_dict())).toEqual(ref.state_dict_keys);
    const before = Object.fromEntries(Object.entries(float_lstm.state_dict()).map(([k, v]) => [k, (v as Tensor).clone()]));

    const [out1, [h1, c1]] = torch.no_grad(() => float_lstm(inputs, hidden)) as [Tensor, [Tensor, Tensor]];
    expectClose(out1, ref.out.data, 1e-5, 1e-6, "float LSTM output");
    expectClose(h1, ref.h.data, 1e-5, 1e-6, "h_n");
    expectClose(c1, ref.c.data, 1e-5, 1e-6, "c_n");

    expect(thrown(() => torch.quantization.quantize_dynamic(float_lstm, new Set([nn.LSTM, nn.Linear]), { dtype: torch.qint8 }))).toEqual([
      "NotImplementedError",
      `torch.quantization.quantize_dynamic: ${WHY}`,
    ]);
    expect(thrown(() => torch.ao.quantization.quantize_dynamic(float_lstm, { qconfig_spec: new Set([nn.Linear]), dtype: torch.qint8 }))).toEqual([
      "NotImplementedError",
      `torch.quantization.quantize_dynamic: ${WHY}`,
    ]);
    // nothing changed: same module, same weights, same output
    expect(float_lstm.lstm).toBeInstanceOf(nn.LSTM);
    for (const [k, v] of Object.entries(float_lstm.state_dict())) expect(torch.equal(v as Tensor, before[k]), k).toBe(true);
    const [out2] = torch.no_grad(() => float_lstm(inputs, hidden)) as [Tensor, unknown];
    expect(torch.equal(out2, out1)).toBe(true);
  });

  it("static quantization's entry points, quantized dtypes and quantize_per_tensor refuse the same way", () => {
    for (const name of ["quantize", "prepare", "convert", "get_default_qconfig", "fuse_modules"] as const) {
      expect(thrown(() => (torch.quantization[name] as (...a: unknown[]) => unknown)("fbgemm"))).toEqual(["NotImplementedError", `torch.quantization.${name}: ${WHY}`]);
    }
    expect(thrown(() => new torch.quantization.QuantStub())).toEqual(["NotImplementedError", `torch.quantization.QuantStub: ${WHY}`]);
    expect(thrown(() => torch.quantize_per_tensor(torch.tensor([1.0, 2.0]), 0.1, 10, torch.quint8))).toEqual(["NotImplementedError", `torch.quantize_per_tensor: ${WHY}`]);
    // the dtypes print as torch's and refuse to make a tensor, like the engine's other unsupported dtypes
    expect([String(torch.qint8), String(torch.quint8), String(torch.qint32)]).toEqual(["torch.qint8", "torch.quint8", "torch.qint32"]);
    const [kind, message] = thrown(() => torch.zeros(2, { dtype: torch.qint8 }))!;
    expect(kind).toBe("RuntimeError");
    expect(message).toMatch(/^torch\.qint8 is not supported by Gradbook's tensor engine.*Quantized tensors .* are not supported; use torch\.float32\.$/);
  });
});
