/**
 * nn.RNN / LSTM / GRU and their cells against PyTorch 1.13 (tests/fixtures/torch/nn/sequence.json):
 * outputs, h_n (and c_n), gradients of the input, the initial state and every parameter by
 * PyTorch's names (multi-layer, bidirectional, batch_first, unbatched, no bias); seeded init;
 * reprs; float64 gradchecks; errors; and an LSTM that learns multi-digit addition.
 */
import { describe, expect, it } from "vitest";
import { F, nn, optim, torch, utils, type Tensor } from "../../../../lib/tensor/index";
import type { Module } from "../../../../lib/tensor/nn/module";
import { gradcheck } from "../../../../lib/grading/gradcheck";
import { expectClose, tensorOf, type FT } from "./helpers";
import { expectParamGrads, expectSeededState, loadState, precisions, seq } from "./sequence-helpers";

interface Case {
  name: string;
  cls: "RNN" | "LSTM" | "GRU" | "RNNCell" | "LSTMCell" | "GRUCell";
  args: number[];
  kwargs: Record<string, unknown>;
  state: Record<string, FT>;
  input: FT;
  h0: FT[] | null;
  outputs: FT[];
  out_weights: FT[];
  grad_input: FT;
  grad_h0: FT[] | null;
  grad_params: Record<string, FT>;
}
const fx = seq.rnn as { cases: Case[]; seeded: Record<string, Record<string, FT>>; reprs: Record<string, string> };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const classes = nn as unknown as Record<string, new (...a: any[]) => Module>;
type AnyRecurrent = (x: Tensor, h?: Tensor | [Tensor, Tensor] | null) => unknown;

/** The results as a flat list in the fixture's order: [output, h_n(, c_n)] or a cell's [h'(, c')]. */
function flatten(res: unknown): Tensor[] {
  if (!Array.isArray(res)) return [res as Tensor];
  return (res as unknown[]).flatMap((r) => (Array.isArray(r) ? (r as Tensor[]) : [r as Tensor]));
}

describe("recurrent layers vs PyTorch", () => {
  for (const { name, dtype, tol } of precisions) {
    for (const c of fx.cases) {
      it(`${c.name} (${name})`, () => {
        const m = new classes[c.cls](...c.args, c.kwargs);
        if (dtype === torch.float64) m.double();
        loadState(m, c.state, dtype);
        const x = tensorOf(c.input, dtype, true);
        const h0 = c.h0 ? c.h0.map((h) => tensorOf(h, dtype, true)) : null;
        const hx = h0 ? (h0.length === 2 ? ([h0[0], h0[1]] as [Tensor, Tensor]) : h0[0]) : null;
        const outs = flatten((m as unknown as AnyRecurrent)(x, hx));
        expect(outs).toHaveLength(c.outputs.length);
        outs.forEach((o, i) => expectClose(o, c.outputs[i], { ...tol, label: `result ${i}` }));
        outs.map((o, i) => o.mul(tensorOf(c.out_weights[i], dtype)).sum()).reduce((a, b) => a.add(b)).backward();
        expectClose(x.grad!, c.grad_input, { ...tol, label: "grad_input" });
        if (h0) h0.forEach((h, i) => expectClose(h.grad!, c.grad_h0![i], { ...tol, label: `grad of initial state ${i}` }));
        expectParamGrads(m, c.grad_params, tol, c.name);
      });
    }
  }
});

describe("construction", () => {
  it("seeded init equals PyTorch's: U(-1/sqrt(H), 1/sqrt(H)) over the parameters in order", () => {
    const makers: Record<string, () => Module> = {
      "RNN(3, 4, 2)": () => new nn.RNN(3, 4, 2),
      "LSTM(3, 5, bidirectional=True)": () => new nn.LSTM(3, 5, { bidirectional: true }),
      "GRU(4, 3, num_layers=2, bias=False)": () => new nn.GRU(4, 3, { num_layers: 2, bias: false }),
      "LSTMCell(3, 4)": () => new nn.LSTMCell(3, 4),
      "GRUCell(2, 3)": () => new nn.GRUCell(2, 3),
      "LSTM(3, 6, num_layers=2, proj_size=2)": () => new nn.LSTM(3, 6, { num_layers: 2, proj_size: 2 }),
    };
    Object.entries(makers).forEach(([key, make], i) => {
      torch.manual_seed(30 + i);
      expectSeededState(make(), fx.seeded[key], key);
    });
  });

  it("prints as PyTorch", () => {
    expect(String(new nn.RNN(3, 4, 2, "relu"))).toBe(fx.reprs["RNN(3, 4, 2, nonlinearity=relu)"]);
    expect(String(new nn.LSTM(10, 20, { batch_first: true, bidirectional: true, dropout: 0.25, num_layers: 2 }))).toBe(
      fx.reprs["LSTM(10, 20, batch_first=True, bidirectional=True, dropout=0.25, num_layers=2)"],
    );
    expect(String(new nn.GRU(3, 4, { bias: false }))).toBe(fx.reprs["GRU(3, 4, bias=False)"]);
    expect(String(new nn.RNNCell(3, 4, { nonlinearity: "relu" }))).toBe(fx.reprs["RNNCell(3, 4, nonlinearity=relu)"]);
    expect(String(new nn.LSTMCell(3, 4, false))).toBe(fx.reprs["LSTMCell(3, 4, bias=False)"]);
    expect(String(new nn.LSTM(4, 8, { proj_size: 3, batch_first: true }))).toBe(fx.reprs["LSTM(4, 8, proj_size=3, batch_first=True)"]);
  });

  it("the layer's last step equals h_n, and a cell stepped by hand equals the layer", () => {
    const lstm = new nn.LSTM(3, 4);
    const cell = new nn.LSTMCell(3, 4);
    cell.load_state_dict({
      weight_ih: lstm.weight_ih_l0 as Tensor,
      weight_hh: lstm.weight_hh_l0 as Tensor,
      bias_ih: lstm.bias_ih_l0 as Tensor,
      bias_hh: lstm.bias_hh_l0 as Tensor,
    });
    const x = torch.randn(5, 2, 3);
    const [out, [hn, cn]] = lstm(x);
    let state: [Tensor, Tensor] | null = null;
    for (const xt of x.unbind(0)) state = cell(xt, state);
    expectClose(state![0], hn.select(0, 0), { atol: 1e-6 });
    expectClose(state![1], cn.select(0, 0), { atol: 1e-6 });
    expectClose(out.select(0, 4), hn.select(0, 0), { atol: 1e-6 });
  });

  it("dropout between layers acts only in training", () => {
    const gru = new nn.GRU(3, 8, { num_layers: 2, dropout: 0.5 });
    const x = torch.randn(4, 2, 3);
    gru.eval();
    expectClose(gru(x)[0], gru(x)[0]);
    gru.train();
    expect(gru(x)[0].sub(gru(x)[0]).abs().max().item()).toBeGreaterThan(1e-4);
  });

  it("a saved LSTM loads back with the same structure and weights", () => {
    const lstm = new nn.LSTM(3, 4, { num_layers: 2, bidirectional: true, batch_first: true, bias: false });
    const back = torch.load(torch.save(lstm)) as nn.LSTM;
    expect(String(back)).toBe(String(lstm));
    const x = torch.randn(2, 5, 3);
    expectClose(back(x)[0], lstm(x)[0]);
    const cell = new nn.RNNCell(2, 3, { nonlinearity: "relu" });
    const cellBack = torch.load(torch.save(cell)) as nn.RNNCell;
    expectClose(cellBack(torch.ones(1, 2)), cell(torch.ones(1, 2)));
  });

  it("gradcheck (float64): RNN, LSTM and GRU, through input, initial state and weights", () => {
    const r = (...s: number[]) => torch.randn(s, { dtype: torch.float64 });
    const rnn = new nn.RNN(2, 3, { num_layers: 2, bidirectional: true }).double();
    gradcheck((x, h) => rnn(x, h)[0], [r(3, 2, 2), r(4, 2, 3)]);
    const lstm = new nn.LSTM(2, 3, { batch_first: true }).double();
    gradcheck((x, h, c) => {
      const [o, [hn, cn]] = lstm(x, [h, c]);
      return torch.cat([o.reshape(-1), hn.reshape(-1), cn.reshape(-1)]);
    }, [r(2, 3, 2), r(1, 2, 3), r(1, 2, 3)]);
    const projected = new nn.LSTM(2, 4, { proj_size: 2, num_layers: 2 }).double();
    gradcheck((x, h, c) => {
      const [o, [hn, cn]] = projected(x, [h, c]);
      return torch.cat([o.reshape(-1), hn.reshape(-1), cn.reshape(-1)]);
    }, [r(3, 2, 2), r(2, 2, 2), r(2, 2, 4)]);
    const gru = new nn.GRU(2, 3).double();
    gradcheck((x) => gru(x)[1], [r(4, 2)]);
    // Through the weights too: the cell's weights swapped for the checked tensors by functional_call (plain
    // tensors, so the gradient flows to them rather than stopping at a new leaf).
    const cell = new nn.GRUCell(2, 3).double();
    const [x, h] = [r(2, 2), r(2, 3)];
    gradcheck((wih, whh) => nn.utils.stateless.functional_call(cell, { weight_ih: wih, weight_hh: whh }, [x, h]) as Tensor, [r(9, 2), r(9, 3)]);
  });

  it("errors", () => {
    const lstm = new nn.LSTM(3, 4, 2);
    expect(() => lstm(torch.randn(5, 2, 6))).toThrow("input.size(-1) must be equal to input_size. Expected 3, got 6");
    expect(() => lstm(torch.randn(5, 2, 3), [torch.zeros(1, 2, 4), torch.zeros(2, 2, 4)])).toThrow("Expected hidden[0] size (2, 2, 4), got [1, 2, 4]");
    expect(() => lstm(torch.randn(5, 2, 3), torch.zeros(2, 2, 4) as never)).toThrow("For batched 3-D input, hx and cx should also be 3-D but got (2-D, 2-D) tensors"); // torch 1.13 reads hx[0], hx[1]
    expect(() => new nn.GRU(3, 0)).toThrow("hidden_size must be greater than zero");
    expect(() => new nn.RNN(3, 4, { nonlinearity: "sigmoid" as "tanh" })).toThrow(/Unknown nonlinearity 'sigmoid'/);
    expect(() => new nn.RNN(3, 4, { dropout: 2 })).toThrow(/dropout should be a number in range \[0, 1\]/);
    expect(() => new nn.GRUCell(3, 4)(torch.randn(2, 5))).toThrow("input has inconsistent input_size: got 5 expected 3");
    expect(() => new nn.LSTM(3, 4, { proj_size: 4 })).toThrow("proj_size has to be smaller than hidden_size");
    expect(() => new nn.LSTM(3, 4, { proj_size: -1 })).toThrow("proj_size should be a positive integer or zero to disable projections");
    expect(() => new nn.GRU(3, 4, { proj_size: 0 })).toThrow("proj_size argument is only supported for LSTM, not RNN or GRU");
    expect(() => new nn.RNN(3, 4, { proj_size: 2 })).toThrow("proj_size argument is only supported for LSTM, not RNN or GRU");
    const projected = new nn.LSTM(3, 4, { proj_size: 2 });
    expect(() => projected(torch.randn(5, 2, 3), [torch.zeros(1, 2, 4), torch.zeros(1, 2, 4)])).toThrow("Expected hidden[0] size (1, 2, 2), got [1, 2, 4]");
    expect(() => projected(torch.randn(5, 2, 3), [torch.zeros(1, 2, 2), torch.zeros(1, 2, 2)])).toThrow("Expected hidden[1] size (1, 2, 4), got [1, 2, 2]");
  });
});

interface PackCase extends Case {
  lengths: number[];
  enforce_sorted: boolean;
  batch_first: boolean;
  batch_sizes: number[];
  unpacked: FT;
  unpacked_lengths: number[];
}
const packing = seq.packing as {
  sequences: FT[];
  padded: FT;
  padded_batch_first_minus1: FT;
  packed: { data: FT; batch_sizes: number[]; sorted_indices: number[]; unsorted_indices: number[] };
  cases: PackCase[];
};
const { pad_sequence, pack_padded_sequence, pad_packed_sequence, pack_sequence, PackedSequence } = nn.utils.rnn;

describe("nn.utils.rnn: padding and packing vs PyTorch", () => {
  it("pad_sequence, pack_padded_sequence (unsorted lengths) and back", () => {
    const seqs = packing.sequences.map((t) => tensorOf(t));
    expectClose(pad_sequence(seqs), packing.padded);
    expectClose(pad_sequence(seqs, { batch_first: true, padding_value: -1 }), packing.padded_batch_first_minus1);
    const packed = pack_padded_sequence(tensorOf(packing.padded), [3, 5, 2], { enforce_sorted: false });
    expectClose(packed.data, packing.packed.data);
    expect(packed.batch_sizes.tolist()).toEqual(packing.packed.batch_sizes);
    expect(packed.sorted_indices!.tolist()).toEqual(packing.packed.sorted_indices);
    expect(packed.unsorted_indices!.tolist()).toEqual(packing.packed.unsorted_indices);
    const [padded, lengths] = pad_packed_sequence(packed);
    expectClose(padded, packing.padded);
    expect(lengths.tolist()).toEqual([3, 5, 2]);
    expectClose(pack_sequence(seqs, false).data, packing.packed.data);
  });

  for (const { name, dtype, tol } of precisions) {
    for (const c of packing.cases) {
      it(`${c.name} (${name})`, () => {
        const m = new classes[c.cls](...c.args, c.kwargs) as unknown as nn.LSTM;
        if (dtype === torch.float64) m.double();
        loadState(m, c.state, dtype);
        const x = tensorOf(c.input, dtype, true);
        const h0 = c.h0 ? c.h0.map((h) => tensorOf(h, dtype, true)) : null;
        const hx = h0 ? (h0.length === 2 ? ([h0[0], h0[1]] as [Tensor, Tensor]) : h0[0]) : null;
        const packed = pack_padded_sequence(x, c.lengths, { batch_first: c.batch_first, enforce_sorted: c.enforce_sorted });
        const [out, h] = (m.forward as (p: InstanceType<typeof PackedSequence>, h: unknown) => [InstanceType<typeof PackedSequence>, Tensor | Tensor[]])(packed, hx);
        expect(out).toBeInstanceOf(PackedSequence);
        expect(out.batch_sizes.tolist()).toEqual(c.batch_sizes);
        const results = [out.data, ...(Array.isArray(h) ? h : [h])];
        results.forEach((r, i) => expectClose(r, c.outputs[i], { ...tol, label: `result ${i}` }));
        const [unpacked, lens] = pad_packed_sequence(out, { batch_first: c.batch_first, total_length: c.input.shape[c.batch_first ? 1 : 0] + 1 });
        expectClose(unpacked, c.unpacked, { ...tol, label: "unpacked" });
        expect(lens.tolist()).toEqual(c.unpacked_lengths);
        results.map((r, i) => r.mul(tensorOf(c.out_weights[i], dtype)).sum()).reduce((a, b) => a.add(b)).backward();
        expectClose(x.grad!, c.grad_input, { ...tol, label: "grad_input" });
        if (h0) h0.forEach((t, i) => expectClose(t.grad!, c.grad_h0![i], { ...tol, label: `grad of initial state ${i}` }));
        expectParamGrads(m, c.grad_params, tol, c.name);
      });
    }
  }

  it("errors", () => {
    const x = torch.randn(4, 3, 2);
    expect(() => pack_padded_sequence(x, [2, 4, 3])).toThrow(/must be sorted in decreasing order when `enforce_sorted` is True/);
    expect(() => pack_padded_sequence(x, [4, 3])).toThrow(/batch_size/);
    expect(() => pack_padded_sequence(x, [4, 0, 0], { enforce_sorted: false })).toThrow(/greater than 0/);
    expect(() => pad_packed_sequence(pack_padded_sequence(x, [4, 3, 1]), { total_length: 2 })).toThrow(/total_length/);
    expect(() => pad_sequence([torch.randn(2, 3), torch.randn(2, 4)])).toThrow(/^The size of tensor a \(3\) must match the size of tensor b \(4\) at non-singleton dimension 1$/);
  });
});

describe("learning", () => {
  it(
    "an LSTM learns multi-digit addition (carry from left to right), >= 99 % digit accuracy on held-out sums",
    () => {
      torch.manual_seed(0);
      const L = 6;
      const train = utils.data.add_task(4000, L, 10, { random_state: 1 });
      const test = utils.data.add_task(300, L, 10, { random_state: 2 });
      class Adder extends nn.Module {
        emb = new nn.Embedding(train.src_vocab_size, 16);
        lstm = new nn.LSTM(16, 32, { batch_first: true });
        head = new nn.Linear(32, train.tgt_vocab_size);
        override forward(x: Tensor): Tensor {
          return this.head(this.lstm(this.emb(x))[0]);
        }
      }
      const model = new Adder();
      const opt = new optim.Adam(model.parameters(), { lr: 2e-2 });
      const accuracy = () => torch.no_grad(() => model(test.src).argmax(-1).eq(test.tgt).float().mean().item());
      const before = accuracy();
      let acc = before;
      for (let step = 1; step <= 600 && acc < 0.99; step++) {
        const idx = torch.randint(0, 4000, [32]);
        const loss = F.cross_entropy(model(train.src.index_select(0, idx)).reshape(-1, 10), train.tgt.index_select(0, idx).reshape(-1));
        opt.zero_grad();
        loss.backward();
        opt.step();
        if (step % 25 === 0) acc = accuracy();
      }
      expect(before).toBeLessThan(0.3);
      expect(acc).toBeGreaterThanOrEqual(0.99);
    },
    60_000,
  );

  it(
    "a character-level LSTM on the sonnets corpus: loss on a fixed batch falls from the uniform guess (ln V) by over 1.3 nats in 80 steps",
    () => {
      torch.manual_seed(0);
      const ds = new utils.data.CharDataset(utils.data.SONNETS.text, 16);
      const V = ds.tokenizer.vocab_size;
      class CharModel extends nn.Module {
        emb = new nn.Embedding(V, 16);
        lstm = new nn.LSTM(16, 32, { batch_first: true });
        head = new nn.Linear(32, V);
        override forward(x: Tensor): Tensor {
          return this.head(this.lstm(this.emb(x))[0]);
        }
      }
      const model = new CharModel();
      const opt = new optim.Adam(model.parameters(), { lr: 2e-2 });
      // 16 windows spread over the text (241 characters apart), starting at `start`.
      const batch = (start: number) => {
        const pairs = Array.from({ length: 16 }, (_, i) => ds.get((start + i * 241) % ds.length));
        return [torch.stack(pairs.map((p) => p[0])), torch.stack(pairs.map((p) => p[1]))];
      };
      const lossOf = (x: Tensor, y: Tensor) => F.cross_entropy(model(x).reshape(-1, V), y.reshape(-1));
      const [fixedX, fixedY] = batch(7);
      const first = torch.no_grad(() => lossOf(fixedX, fixedY).item());
      for (let step = 0; step < 80; step++) {
        const [x, y] = batch(step * 37);
        const loss = lossOf(x, y);
        opt.zero_grad();
        loss.backward();
        opt.step();
      }
      const last = torch.no_grad(() => lossOf(fixedX, fixedY).item());
      expect(Math.abs(first - Math.log(V))).toBeLessThan(0.3); // starts at the uniform guess
      expect(last).toBeLessThan(first - 1.3); // letters, spaces and frequent pairs learnt (measured: 4.11 -> 2.38)
    },
    60_000,
  );
});
