/**
 * Gaps found by the fsdl_text_recognizer probe (tests/unit/tensor/tutorials/fsdl_text_recognizer.test.ts), each
 * checked against torch 1.13's behaviour (messages copied from /usr/bin/python3 runs):
 *  - nn.TransformerDecoder / TransformerDecoderLayer / TransformerEncoder / TransformerEncoderLayer / Transformer
 *    take their leading tensors by keyword, as the labs call them: transformer_decoder(tgt=y, memory=x, tgt_mask=m,
 *    tgt_key_padding_mask=p); a missing one is Python's TypeError;
 *  - ctc_loss's length checks say torch's text ("input_lengths must be of size batch_size", "... must be integral",
 *    "... (while checking arguments for ctc_loss_cpu)"), and 1-D concatenated targets must be exactly
 *    sum(target_lengths) long (the engine took extra ones);
 *  - expand's rank error names the tensor's own legacy type (an int64 value assigned into a slice said FloatTensor);
 *  - attention masks' dtypes: an int attn_mask is 1.13's AssertionError ("Only float, byte, and bool types ..."), a
 *    uint8 one is taken as bool with its UserWarning, an int / uint8 key_padding_mask is refused ("only bool and
 *    floating types of key_padding_mask are supported"), as in MultiheadAttention, F.multi_head_attention_forward
 *    and the Transformer layers (the engine said torch 2's SDPA text, a RuntimeError, and refused uint8 attn_masks);
 *  - ctc_loss takes float / bool targets as long ones, as torch 1.13 (the engine refused them); its blank and
 *    log_probs-dims checks say torch's text; its lengths are both int lists or both tensors (an int, or a list with
 *    a tensor, is torch's argument-parser TypeError; the engine took them);
 *  - MultiheadAttention with a key / value of another width than embed_dim (a decoder's memory of another d_model)
 *    fails where torch's packed in-projection does: "mat1 and mat2 shapes cannot be multiplied (...)".
 */
import { describe, expect, it, vi } from "vitest";
import { F, nn, torch } from "../../../../lib/tensor/index";
import { forgetShownWarnings } from "../../../../lib/tensor/warnings";
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

describe("attention masks' dtypes as torch 1.13 checks them", () => {
  torch.manual_seed(0);
  const q = torch.randn(3, 2, 4);
  const kpmMsg = ["AssertionError", "only bool and floating types of key_padding_mask are supported"];
  const attnMsg = (d: string) => ["AssertionError", `Only float, byte, and bool types are supported for attn_mask, not torch.${d}`];
  it("MultiheadAttention and F.multi_head_attention_forward: int masks refused, a uint8 attn_mask taken as bool", () => {
    const m = new nn.MultiheadAttention(4, 2);
    expect(raised(() => m(q, q, q, { attn_mask: torch.zeros([3, 3], { dtype: torch.long }) }))).toEqual(attnMsg("int64"));
    expect(raised(() => m(q, q, q, { attn_mask: torch.zeros([3, 3], { dtype: torch.int32 }) }))).toEqual(attnMsg("int32"));
    // the dtype is checked before the shape
    expect(raised(() => m(q, q, q, { attn_mask: torch.zeros([2, 2], { dtype: torch.long }) }))).toEqual(attnMsg("int64"));
    expect(raised(() => m(q, q, q, { key_padding_mask: torch.zeros([2, 3], { dtype: torch.long }) }))).toEqual(kpmMsg);
    expect(raised(() => m(q, q, q, { key_padding_mask: torch.zeros([2, 3], { dtype: torch.uint8 }) }))).toEqual(kpmMsg);
    // ... and before the shapes, in the module
    expect(raised(() => m(q.index(":", ":", ":2"), q, q, { key_padding_mask: torch.zeros([2, 3], { dtype: torch.long }) }))).toEqual(kpmMsg);
    const am = torch.tensor([[0, 1, 1], [0, 0, 1], [0, 0, 0]], { dtype: torch.uint8 });
    forgetShownWarnings();
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    expect(m(q, q, q, { attn_mask: am })[0].tolist()).toEqual(m(q, q, q, { attn_mask: am.bool() })[0].tolist());
    expect(warn.mock.calls.map((c) => c[0])).toEqual(["UserWarning: Byte tensor for attn_mask in nn.MultiheadAttention is deprecated. Use bool tensor instead."]);
    warn.mockRestore();
    const args = [q, q, q, 4, 2, m.in_proj_weight!, m.in_proj_bias!, null, null, false, 0.0, m.out_proj.weight, m.out_proj.bias!] as const;
    expect(raised(() => F.multi_head_attention_forward(...args, { attn_mask: am.long() }))).toEqual(attnMsg("int64"));
    expect(raised(() => F.multi_head_attention_forward(...args, { key_padding_mask: am.index(":2") }))).toEqual(kpmMsg);
  });
  it("the Transformer layers pass them on (train and eval / no_grad)", () => {
    const enc = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(4, 2), 1);
    const kpm = torch.zeros([2, 3], { dtype: torch.long });
    expect(raised(() => enc(q, { src_key_padding_mask: kpm }))).toEqual(kpmMsg);
    enc.eval();
    torch.no_grad(() => {
      expect(raised(() => enc(q, { src_key_padding_mask: kpm }))).toEqual(kpmMsg);
      expect(raised(() => enc(q, { src_key_padding_mask: kpm.byte() }))).toEqual(kpmMsg);
      expect(raised(() => enc(q, { mask: torch.zeros([3, 3], { dtype: torch.long }) }))).toEqual(attnMsg("int64"));
    });
    const dec = new nn.TransformerDecoderLayer(4, 2);
    expect(raised(() => dec(q, q, { tgt_mask: torch.zeros([3, 3], { dtype: torch.long }) }))).toEqual(attnMsg("int64"));
    expect(raised(() => dec(q, q, { tgt_key_padding_mask: kpm }))).toEqual(kpmMsg);
  });
});

describe("ctc_loss takes targets of any dtype as long", () => {
  it("float labels truncated, bool ones 0 / 1 (torch 1.13 values)", () => {
    torch.manual_seed(0);
    const lp = torch.randn(6, 2, 5).log_softmax(2);
    const y = torch.tensor([[1, 2], [3, 3]], { dtype: torch.long });
    const loss = (t: typeof y) => F.ctc_loss(lp, t, [6, 6], [2, 2]).item();
    expect(loss(y)).toBeCloseTo(3.2922632694244385, 5);
    expect(loss(y.float().add(0.6))).toBe(loss(y));
    expect(loss(y.bool())).toBeCloseTo(3.564500331878662, 5);
  });
});

describe("MultiheadAttention with a key of the wrong width (a decoder's memory of another d_model)", () => {
  it("fails in the packed in-projection's linear, as torch 1.13", () => {
    torch.manual_seed(0);
    const m = new nn.MultiheadAttention(4, 2);
    const q = torch.randn(3, 2, 4), k = torch.randn(5, 2, 6), v = torch.randn(5, 2, 6);
    const msg = (s: string) => ["RuntimeError", `mat1 and mat2 shapes cannot be multiplied (${s})`];
    expect(raised(() => m(q, k, k))).toEqual(msg("10x6 and 4x8"));
    expect(raised(() => m(q, k, v))).toEqual(msg("10x6 and 4x4"));
    expect(raised(() => m(q.index(":", 0), k.index(":", 0), k.index(":", 0)))).toEqual(msg("5x6 and 4x4"));
    const dec = new nn.TransformerDecoder(new nn.TransformerDecoderLayer(4, 2), 1);
    expect(raised(() => dec({ tgt: q, memory: k }))).toEqual(msg("10x6 and 4x8"));
  });
  it("ctc_loss's blank and log_probs-dims checks say torch's text", () => {
    const lp = torch.zeros(8, 2, 10).log_softmax(2);
    expect(raised(() => F.ctc_loss(lp, torch.ones([2, 3], { dtype: torch.long }), [8, 8], [3, 3], { blank: 10 }))).toEqual(["RuntimeError", "blank must be in label range"]);
    // log_probs that is not 3-D is unsqueezed at dim 1 first, then checked
    const y = torch.ones([4, 3], { dtype: torch.long });
    const lens = [torch.full([4], 8, { dtype: torch.long }), torch.full([4], 3, { dtype: torch.long })] as const;
    const dimMsg = (d: number) => ["RuntimeError", `Expected 3-dimensional tensor, but got ${d}-dimensional tensor for argument #1 'log_probs' (while checking arguments for ctc_loss_cpu)`];
    expect(raised(() => F.ctc_loss(torch.zeros(8, 4, 10, 2), y, ...lens))).toEqual(dimMsg(5));
    expect(raised(() => F.ctc_loss(torch.zeros(8), y, ...lens))).toEqual(dimMsg(2));
    expect(raised(() => F.ctc_loss(torch.tensor(0.0), y, ...lens))).toEqual(["IndexError", "Dimension out of range (expected to be in range of [-1, 0], but got 1)"]);
  });
});

describe("ctc_loss's lengths: both int lists or both tensors", () => {
  it("an int, or a list with a tensor, is torch's argument-parser TypeError", () => {
    const lp = torch.randn(8, 2, 5).log_softmax(2);
    const y = torch.ones([2, 3], { dtype: torch.long });
    const msg = (a: string, b: string, ta: string, tb: string) =>
      `ctc_loss() received an invalid combination of arguments - got (Tensor, Tensor, ${a}, ${b}, int, int, bool), but expected one of:\n` +
      " * (Tensor log_probs, Tensor targets, tuple of ints input_lengths, tuple of ints target_lengths, int blank, int reduction, bool zero_infinity)\n" +
      `      didn't match because some of the arguments have invalid types: (Tensor, Tensor, !${a}!, !${b}!, int, int, bool)\n` +
      " * (Tensor log_probs, Tensor targets, Tensor input_lengths, Tensor target_lengths, int blank, int reduction, bool zero_infinity)\n" +
      `      didn't match because some of the arguments have invalid types: (Tensor, Tensor, ${ta}, ${tb}, int, int, bool)\n`;
    const t = (v: number[]) => torch.tensor(v, { dtype: torch.long });
    expect(raised(() => F.ctc_loss(lp, y, [8, 8], t([3, 3])))).toEqual(["TypeError", msg("list", "Tensor", "!list!", "Tensor")]);
    expect(raised(() => F.ctc_loss(lp, y, t([8, 8]), [3, 3]))).toEqual(["TypeError", msg("Tensor", "list", "Tensor", "!list!")]);
    expect(raised(() => F.ctc_loss(lp, y, 8 as never, t([3, 3])))).toEqual(["TypeError", msg("int", "Tensor", "!int!", "Tensor")]);
    expect(raised(() => new nn.CTCLoss()(lp, y, 8.5 as never, null as never))).toEqual(["TypeError", msg("float", "NoneType", "!float!", "!NoneType!")]);
    // the accepted forms agree
    expect(F.ctc_loss(lp, y, [8, 8], [3, 3]).item()).toBe(F.ctc_loss(lp, y, t([8, 8]), t([3, 3])).item());
  });
});
