/**
 * Gaps found by the cold probe of dvgodoy/PyTorchStepByStep (tests/unit/tensor/tutorials/stepbystep.test.ts),
 * each checked against torch 1.13's behaviour.
 */
import { describe, expect, it } from "vitest";
import { nn, torch, utils } from "../../../../lib/tensor/index";

describe("PackedSequence.to / cpu / float / long (a training loop's x_batch.to(device) on a packed batch)", () => {
  const seqs = [torch.tensor([[1, 2], [3, 4], [5, 6]]), torch.tensor([[7, 8]])];
  const packed = nn.utils.rnn.pack_sequence(seqs, { enforce_sorted: false });

  it("to(device) and cpu() return the PackedSequence itself, as torch (data is the same tensor)", () => {
    expect(packed.to("cpu")).toBe(packed);
    expect(packed.to(torch.device("cpu"))).toBe(packed);
    expect(packed.to({ device: "cpu" })).toBe(packed);
    expect(packed.cpu()).toBe(packed);
    expect(packed.is_cuda).toBe(false);
  });

  it("to(dtype) / double() / long() convert data only; batch_sizes and the indices are kept", () => {
    for (const p of [packed.to(torch.float64), packed.double(), packed.to({ dtype: torch.float64 })]) {
      expect(p).not.toBe(packed);
      expect(p.data.dtype).toBe(torch.float64);
      expect(p.data.tolist()).toEqual(packed.data.tolist());
      expect(p.batch_sizes).toBe(packed.batch_sizes);
      expect(p.sorted_indices).toBe(packed.sorted_indices);
      expect(p.unsorted_indices).toBe(packed.unsorted_indices);
    }
    expect(packed.long().data.dtype).toBe(torch.int64);
    expect(packed.int().data.dtype).toBe(torch.int32);
    expect(packed.float()).toBe(packed);
  });

  it("an unknown keyword raises Tensor.to's error", () => {
    expect(() => packed.to({ device: "cpu", foo: 1 } as never)).toThrow("to() got an unexpected keyword argument 'foo'");
  });

  it("an LSTM takes the moved batch", () => {
    torch.manual_seed(0);
    const lstm = new nn.LSTM(2, 3);
    const [out] = lstm(packed.to("cpu").float());
    expect(out.data.shape).toEqual([4, 3]);
  });
});

describe("random_split with a tensor of lengths (index_splitter's random_split(torch.arange(n), splits_tensor))", () => {
  it("float32 fractions sum in float32 and split as torch: [0.8, 0.2] of 200 -> 160 / 40", () => {
    torch.manual_seed(13);
    const [a, b] = utils.data.random_split(torch.arange(200), torch.tensor([80, 20]).div(100));
    expect([a.length, b.length]).toEqual([160, 40]);
    torch.manual_seed(13);
    const [c] = utils.data.random_split(torch.arange(200), [0.8, 0.2]);
    expect(a.indices).toEqual(c.indices);
  });
  it("an integer tensor of lengths", () => {
    const [a, b] = utils.data.random_split(torch.arange(10), torch.tensor([7, 3], { dtype: torch.int64 }), new torch.Generator().manual_seed(1));
    expect([a.length, b.length]).toEqual([7, 3]);
    expect(() => utils.data.random_split(torch.arange(10), torch.tensor([7, 4], { dtype: torch.int64 }))).toThrow("Sum of input lengths does not equal the length of the input dataset!");
  });
});
