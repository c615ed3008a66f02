/**
 * Transformer layers against PyTorch 1.13 (tests/fixtures/torch/nn/sequence.json): encoder and
 * decoder layers (post-norm and pre-norm, relu and gelu, masks), a 2-layer encoder with a final
 * norm, nn.Transformer; outputs and gradients of inputs and every parameter; seeded init (deep
 * copies of one layer, as PyTorch's), the square subsequent mask, reprs, save/load; a float64
 * gradcheck; and a small transformer that learns to reverse sequences.
 */
import { describe, expect, it } from "vitest";
import { F, nn, optim, torch, utils, type Tensor } from "../../../../lib/tensor/index";
import type { Module } from "../../../../lib/tensor/nn/module";
import type { DType } from "../../../../lib/tensor/dtype";
import { gradcheck } from "../../../../lib/grading/gradcheck";
import { expectClose, tensorOf, type FT } from "./helpers";
import { expectParamGrads, expectSeededState, loadState, precisions, seq, weighted } from "./sequence-helpers";

interface Case {
  name: string;
  state: Record<string, FT>;
  inputs: Record<string, FT>;
  output: FT;
  out_weight: FT;
  grad_inputs: Record<string, FT>;
  grad_params: Record<string, FT>;
}
const fx = seq.transformer as {
  cases: Case[];
  seeded: Record<string, Record<string, FT>>;
  reprs: Record<string, string>;
  square_mask_4_neg_inf: FT;
  square_mask_4_finite_sum: number;
};

const opts = { dim_feedforward: 16, dropout: 0 };
/** The fixture script's padding mask (true = padded key) and its modules and calls, by case name. */
const pad = () => torch.tensor([[false, false, false, false, true], [false, false, false, false, false]]);
const square = (n: number, dtype: DType) => nn.Transformer.generate_square_subsequent_mask(n, { dtype });
const builders: Record<string, { make: () => Module; call: (m: Module, i: Record<string, Tensor>, dtype: DType) => Tensor }> = {
  "encoder layer post-norm relu, masks": {
    make: () => new nn.TransformerEncoderLayer(8, 2, opts),
    call: (m, i, dt) => (m as nn.TransformerEncoderLayer)(i.src, { src_mask: square(5, dt), src_key_padding_mask: pad() }),
  },
  "encoder layer norm_first gelu batch_first": {
    make: () => new nn.TransformerEncoderLayer(8, 2, { ...opts, activation: "gelu", norm_first: true, batch_first: true }),
    call: (m, i) => (m as nn.TransformerEncoderLayer)(i.src),
  },
  "encoder 2 layers + norm": {
    make: () => new nn.TransformerEncoder(new nn.TransformerEncoderLayer(8, 2, opts), 2, { norm: new nn.LayerNorm(8) }),
    call: (m, i, dt) => (m as nn.TransformerEncoder)(i.src, { mask: square(5, dt) }),
  },
  "decoder layer": {
    make: () => new nn.TransformerDecoderLayer(8, 2, opts),
    call: (m, i, dt) => (m as nn.TransformerDecoderLayer)(i.tgt, i.memory, { tgt_mask: square(4, dt), memory_key_padding_mask: pad() }),
  },
  "transformer 1+1 layers": {
    make: () => new nn.Transformer(8, 2, 1, 1, 16, 0.0),
    call: (m, i, dt) => (m as nn.Transformer)(i.src, i.tgt, { tgt_mask: square(3, dt) }),
  },
};

describe("Transformer layers vs PyTorch", () => {
  it("every fixture case has a builder", () => {
    expect(fx.cases.map((c) => c.name).sort()).toEqual(Object.keys(builders).sort());
  });
  for (const { name, dtype, tol } of precisions) {
    for (const c of fx.cases) {
      it(`${c.name} (${name})`, () => {
        const b = builders[c.name];
        const m = b.make();
        if (dtype === torch.float64) m.double();
        loadState(m, c.state, dtype);
        const inputs = Object.fromEntries(Object.entries(c.inputs).map(([k, v]) => [k, tensorOf(v, dtype, true)]));
        const y = b.call(m, inputs, dtype);
        expectClose(y, c.output, { ...tol, label: "output" });
        weighted(y, c.out_weight, dtype).backward();
        for (const [k, g] of Object.entries(c.grad_inputs)) expectClose(inputs[k].grad!, g, { ...tol, label: `grad of ${k}` });
        expectParamGrads(m, c.grad_params, tol, c.name);
      });
    }
  }
});

describe("construction", () => {
  it("seeded init equals PyTorch's; the encoder's layers are copies (no draws) of the one given", () => {
    torch.manual_seed(11);
    expectSeededState(new nn.TransformerEncoderLayer(8, 2, 16), fx.seeded["TransformerEncoderLayer(8, 2, 16)"], "encoder layer");
    torch.manual_seed(12);
    const enc = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(8, 2, 16), 2);
    expectSeededState(enc, fx.seeded["TransformerEncoder(TransformerEncoderLayer(8, 2, 16), 2)"], "encoder");
    torch.manual_seed(13);
    expectSeededState(new nn.Transformer(8, 2, 1, 1, 16), fx.seeded["Transformer(8, 2, 1, 1, 16)"], "transformer");
  });

  it("layers are independent deep copies: same values, separate parameters", () => {
    const layer = new nn.TransformerEncoderLayer(4, 2, 8);
    const enc = new nn.TransformerEncoder(layer, 2);
    const [l0, l1] = enc.layers.children() as nn.TransformerEncoderLayer[];
    expect(l0).not.toBe(layer);
    expect(l0.self_attn.in_proj_weight).not.toBe(l1.self_attn.in_proj_weight);
    expect(l0.linear1.weight.tolist()).toEqual(layer.linear1.weight.tolist());
    expect(l1).toBeInstanceOf(nn.TransformerEncoderLayer);
    torch.no_grad(() => l0.linear1.weight.fill_(0));
    expect(l1.linear1.weight.abs().sum().item()).toBeGreaterThan(0);
    expect(layer.linear1.weight.abs().sum().item()).toBeGreaterThan(0);
    expect(enc.parameters()).toHaveLength(2 * layer.parameters().length);
  });

  it("generate_square_subsequent_mask matches PyTorch's (-inf above the diagonal, 0 elsewhere)", () => {
    const m = nn.Transformer.generate_square_subsequent_mask(4);
    expectClose(m.isinf().float(), fx.square_mask_4_neg_inf);
    expect(m.masked_fill(m.isinf(), 0).abs().sum().item()).toBe(fx.square_mask_4_finite_sum);
    expect(m.lt(0).sum().item()).toBe(6);
  });

  it("prints as PyTorch", () => {
    expect(String(new nn.TransformerEncoderLayer(8, 2, 16, { activation: "gelu" }))).toBe(fx.reprs["TransformerEncoderLayer(8, 2, 16, activation=gelu)"]);
    expect(String(new nn.TransformerDecoderLayer(4, 1, 8))).toBe(fx.reprs["TransformerDecoderLayer(4, 1, 8)"]);
  });

  it("a saved transformer loads back and computes the same", () => {
    const model = new nn.Transformer({ d_model: 4, nhead: 2, num_encoder_layers: 2, num_decoder_layers: 1, dim_feedforward: 8, dropout: 0, activation: "gelu" });
    model.eval();
    const back = torch.load(torch.save(model)) as nn.Transformer;
    back.eval();
    const [src, tgt] = [torch.randn(5, 2, 4), torch.randn(3, 2, 4)];
    expectClose(back(src, tgt), model(src, tgt));
    expect(String(back)).toBe(String(model));
    const custom = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(4, 2, 8, { activation: (x: Tensor) => x.tanh() }), 1);
    expect(() => torch.load(torch.save(custom))).toThrow(/custom activation function/);
  });

  it("dropout acts only in training", () => {
    const layer = new nn.TransformerEncoderLayer(8, 2, 16, 0.5);
    const x = torch.randn(4, 2, 8);
    layer.eval();
    expectClose(layer(x), layer(x));
    layer.train();
    expect(layer(x).sub(layer(x)).abs().max().item()).toBeGreaterThan(1e-4);
  });

  it("errors", () => {
    expect(() => new nn.TransformerEncoderLayer(8, 2, { activation: "tanh" as "relu" })).toThrow("activation should be relu/gelu, not tanh");
    const t = new nn.Transformer({ d_model: 4, nhead: 1, num_encoder_layers: 1, num_decoder_layers: 1, dim_feedforward: 4 });
    expect(() => t(torch.randn(3, 2, 4), torch.randn(3, 3, 4))).toThrow("the batch number of src and tgt must be equal");
    expect(() => t(torch.randn(3, 2, 5), torch.randn(3, 2, 5))).toThrow("the feature number of src and tgt must be equal to d_model");
  });

  it("gradcheck (float64) through an encoder layer with a padding mask, pre- and post-norm", () => {
    for (const norm_first of [false, true]) {
      const layer = new nn.TransformerEncoderLayer(4, 2, { dim_feedforward: 6, dropout: 0, norm_first }).double();
      const padMask = torch.tensor([[false, false, true], [false, false, false]]);
      gradcheck((x) => layer(x, { src_key_padding_mask: padMask, is_causal: true }), [torch.randn(3, 2, 4, { dtype: torch.float64 })]);
    }
  });
});

describe("learning", () => {
  it(
    "a 1-layer transformer with learned positions learns to reverse sequences (>= 99 % token accuracy on held-out data)",
    () => {
      torch.manual_seed(0);
      const L = 8;
      const train = utils.data.reverse_task(4000, L, 10, { random_state: 1 });
      const test = utils.data.reverse_task(500, L, 10, { random_state: 2 });
      const d = 32;
      class Reverser extends nn.Module {
        tok = new nn.Embedding(train.src_vocab_size, d);
        pos = new nn.Embedding(L, d);
        encoder = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(d, 4, { dim_feedforward: 64, dropout: 0, batch_first: true }), 1);
        head = new nn.Linear(d, train.tgt_vocab_size);
        override forward(x: Tensor): Tensor {
          return this.head(this.encoder(this.tok(x).add(this.pos(torch.arange(L)))));
        }
      }
      const model = new Reverser();
      const opt = new optim.Adam(model.parameters(), { lr: 3e-3 });
      const accuracy = () => torch.no_grad(() => model(test.src).argmax(-1).eq(test.tgt).float().mean().item());
      const before = accuracy();
      let acc = before;
      for (let step = 1; step <= 400 && acc < 0.99; step++) {
        const idx = torch.randint(0, 4000, [64]);
        const logits = model(train.src.index_select(0, idx));
        const loss = F.cross_entropy(logits.reshape(-1, 10), train.tgt.index_select(0, idx).reshape(-1));
        opt.zero_grad();
        loss.backward();
        opt.step();
        if (step % 25 === 0) acc = accuracy();
      }
      expect(before).toBeLessThan(0.3);
      expect(acc).toBeGreaterThanOrEqual(0.99);
      // Attention does the work: position 0's output attends mostly to the last input position.
      const attn = model.encoder.layers.children()[0] as nn.TransformerEncoderLayer;
      const h = model.tok(test.src.narrow(0, 0, 50)).add(model.pos(torch.arange(L)));
      const [, w] = attn.self_attn(h, h, h);
      expect(w!.select(1, 0).mean(0).argmax().item()).toBe(L - 1);
    },
    60_000,
  );
});
