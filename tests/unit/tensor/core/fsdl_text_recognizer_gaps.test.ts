/**
 * Gaps found by the fsdl_text_recognizer probe (tests/unit/tensor/tutorials/fsdl_text_recognizer.test.ts), each
 * checked against torch 1.13's behaviour (messages copied from /usr/bin/python3 runs):
 *  - nn.TransformerDecoder / TransformerDecoderLayer / TransformerEncoder / TransformerEncoderLayer / Transformer
 *    take their leading tensors by keyword, as the labs call them: transformer_decoder(tgt=y, memory=x, tgt_mask=m,
 *    tgt_key_padding_mask=p); a missing one is Python's TypeError;
 *  - ctc_loss's length checks say torch's text ("input_lengths must be of size batch_size", "... must be integral",
 *    "... (while checking arguments for ctc_loss_cpu)"), and 1-D concatenated targets must be exactly
 *    sum(target_lengths) long (the engine took extra ones);
 *  - expand's rank error names the tensor's own legacy type (an int64 value assigned into a slice said FloatTensor).
 */
import { describe, expect, it } from "vitest";
import { F, nn, torch } from "../../../../lib/tensor/index";
import { raised } from "../tutorials/helpers";

describe("transformer modules: leading tensors by keyword", () => {
  torch.manual_seed(0);
  const layer = new nn.TransformerDecoderLayer({ d_model: 4, nhead: 2, dropout: 0 });
  const dec = new nn.TransformerDecoder(layer, { num_layers: 1 });
  const tgt = torch.randn(3, 2, 4), memory = torch.randn(5, 2, 4);
  const mask = nn.Transformer.generate_square_subsequent_mask(3);
  const pad = torch.tensor([[false, false, true], [false, false, false]]);

  it("decoder(tgt=, memory=, tgt_mask=, tgt_key_padding_mask=) is the positional call", () => {
    const pos = dec(tgt, memory, mask, null, pad);
    expect(dec({ tgt, memory, tgt_mask: mask, tgt_key_padding_mask: pad }).tolist()).toEqual(pos.tolist());
    expect(dec(tgt, { memory, tgt_mask: mask, tgt_key_padding_mask: pad }).tolist()).toEqual(pos.tolist());
    expect(layer({ tgt, memory }).tolist()).toEqual(layer(tgt, memory).tolist());
  });

  it("encoder, encoder layer and Transformer by keyword", () => {
    const encLayer = new nn.TransformerEncoderLayer({ d_model: 4, nhead: 2, dropout: 0 });
    const enc = new nn.TransformerEncoder(encLayer, { num_layers: 1 });
    expect(enc({ src: memory }).tolist()).toEqual(enc(memory).tolist());
    expect(encLayer({ src: memory, src_mask: null }).tolist()).toEqual(encLayer(memory).tolist());
    const t = new nn.Transformer({ d_model: 4, nhead: 2, num_encoder_layers: 1, num_decoder_layers: 1, dim_feedforward: 8, dropout: 0 });
    expect(t({ src: memory, tgt }).tolist()).toEqual(t(memory, tgt).tolist());
  });

  it("a missing or doubled leading tensor is Python's TypeError", () => {
    expect(raised(() => dec({ memory }))).toEqual(["TypeError", "TransformerDecoder.forward() missing 1 required positional argument: 'tgt'"]);
    expect(raised(() => dec(tgt))).toEqual(["TypeError", "TransformerDecoder.forward() missing 1 required positional argument: 'memory'"]);
    expect(raised(() => dec(tgt, { tgt }))).toEqual(["TypeError", "TransformerDecoder.forward() got multiple values for argument 'tgt'"]);
    expect(raised(() => layer({ tgt }))).toEqual(["TypeError", "TransformerDecoderLayer.forward() missing 1 required positional argument: 'memory'"]);
    const enc = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(4, 2), 1);
    expect(raised(() => enc({ mask: null }))).toEqual(["TypeError", "TransformerEncoder.forward() missing 1 required positional argument: 'src'"]);
    const t = new nn.Transformer({ d_model: 4, nhead: 2, num_encoder_layers: 1, num_decoder_layers: 1, dim_feedforward: 8 });
    expect(raised(() => t({ tgt }))).toEqual(["TypeError", "Transformer.forward() missing 1 required positional argument: 'src'"]);
  });
});

describe("ctc_loss length checks", () => {
  const lp = torch.randn(8, 4, 10).log_softmax(2);
  const y = torch.randint(1, 10, [4, 3]);
  it("torch 1.13's messages", () => {
    const long = { dtype: torch.long };
    expect(raised(() => F.ctc_loss(lp, y, torch.full([3], 8, long), torch.full([4], 3, long)))).toEqual(["RuntimeError", "input_lengths must be of size batch_size"]);
    expect(raised(() => F.ctc_loss(lp, y, torch.full([4], 8, long), torch.full([3], 3, long)))).toEqual(["RuntimeError", "target_lengths must be of size batch_size"]);
    expect(raised(() => F.ctc_loss(lp, y, [8, 8, 8], [3, 3, 3, 3]))).toEqual(["RuntimeError", "input_lengths must be of size batch_size"]);
    expect(raised(() => F.ctc_loss(lp, y, torch.full([4], 8.0), torch.full([4], 3, long)))).toEqual(["RuntimeError", "input_lengths must be integral"]);
    expect(raised(() => F.ctc_loss(lp, y, torch.full([4], 8, long), torch.full([4], 3.0)))).toEqual(["RuntimeError", "target_lengths must be integral"]);
    const checking = " (while checking arguments for ctc_loss_cpu)";
    expect(raised(() => F.ctc_loss(lp, y, torch.full([4], 9, long), torch.full([4], 3, long)))).toEqual(["RuntimeError", "Expected input_lengths to have value at most 8, but got value 9" + checking]);
    expect(raised(() => F.ctc_loss(lp, y, torch.full([4], 8, long), torch.full([4], 5, long)))).toEqual([
      "RuntimeError",
      "Expected tensor to have size at least 5 at dimension 1, but got size 3 for argument #2 'targets'" + checking,
    ]);
    // 1-D concatenated targets: exactly sum(target_lengths) of them, more as well as fewer
    expect(raised(() => F.ctc_loss(lp, y.flatten(), torch.full([4], 8, long), torch.full([4], 5, long)))).toEqual([
      "RuntimeError",
      "Expected tensor to have size 20 at dimension 0, but got size 12 for argument #2 'targets'" + checking,
    ]);
    expect(raised(() => F.ctc_loss(lp, y.flatten(), torch.full([4], 8, long), torch.full([4], 2, long)))).toEqual([
      "RuntimeError",
      "Expected tensor to have size 8 at dimension 0, but got size 12 for argument #2 'targets'" + checking,
    ]);
  });
});

describe("expand's rank error names the tensor's type", () => {
  it("as torch 1.13 (CPUBoolType for bool)", () => {
    const msg = (t: string) => `expand(${t}{[2, 2]}, size=[3]): the number of sizes provided (1) must be greater or equal to the number of dimensions in the tensor (2)`;
    const cases: [typeof torch.float32, string][] = [
      [torch.uint8, "torch.ByteTensor"], [torch.int8, "torch.CharTensor"], [torch.int16, "torch.ShortTensor"], [torch.int32, "torch.IntTensor"],
      [torch.int64, "torch.LongTensor"], [torch.float32, "torch.FloatTensor"], [torch.float64, "torch.DoubleTensor"], [torch.bool, "CPUBoolType"],
    ];
    for (const [dtype, name] of cases) expect(raised(() => torch.zeros([2, 2], { dtype }).expand(3))).toEqual(["RuntimeError", msg(name)]);
    // the labs' greedy loop with output (not output[-1]) assigned into a column
    const ot = torch.full([4, 5], 3, { dtype: torch.long });
    expect(raised(() => ot.index_put_([":", 2], torch.zeros([2, 4], { dtype: torch.long })))).toEqual([
      "RuntimeError",
      "expand(torch.LongTensor{[2, 4]}, size=[4]): the number of sizes provided (1) must be greater or equal to the number of dimensions in the tensor (2)",
    ]);
  });
});
