/**
 * Gaps found by the cold probe of dvgodoy/PyTorchStepByStep (tests/unit/tensor/tutorials/stepbystep.test.ts),
 * each checked against torch 1.13's behaviour.
 */
import { describe, expect, it, vi } from "vitest";
import { nn, torch, torchvision, utils, type Tensor } from "../../../../lib/tensor/index";

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
    const [out] = lstm.forward(packed.to("cpu").float());
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

describe("SummaryWriter.add_scalars / add_scalar / add_text by keyword (StepByStep.train's writer.add_scalars(main_tag='loss', tag_scalar_dict=scalars, global_step=epoch))", () => {
  const quiet = () => vi.spyOn(console, "warn").mockImplementation(() => {});
  const writer = () => {
    const spy = quiet();
    const w = new utils.tensorboard.SummaryWriter("runs/stepbystep_gaps");
    spy.mockRestore();
    return w;
  };
  const keep = (w: InstanceType<typeof utils.tensorboard.SummaryWriter>) => w.scalars.map((e) => [e.tag, e.run, e.value, e.global_step]);

  it("every keyword form logs what the positional form logs", () => {
    const a = writer();
    a.add_scalars("loss", { training: 0.5, validation: 0.25 }, 3);
    for (const call of [
      (w: typeof a) => w.add_scalars({ main_tag: "loss", tag_scalar_dict: { training: 0.5, validation: 0.25 }, global_step: 3 }),
      (w: typeof a) => w.add_scalars("loss", { tag_scalar_dict: { training: 0.5, validation: 0.25 }, global_step: 3 }),
      (w: typeof a) => w.add_scalars("loss", { training: 0.5, validation: 0.25 }, { global_step: 3 }),
    ]) {
      const b = writer();
      call(b);
      expect(keep(b)).toEqual(keep(a));
    }
    const c = writer();
    c.add_scalar("acc", 0.75, 2);
    const d = writer();
    d.add_scalar({ tag: "acc", scalar_value: 0.75, global_step: 2 });
    const e = writer();
    e.add_scalar("acc", 0.75, { global_step: 2, new_style: true });
    expect(keep(d)).toEqual(keep(c));
    expect(keep(e)).toEqual(keep(c));
    const t = writer();
    t.add_text({ tag: "note", text_string: "hi", global_step: 1 });
    expect(t.texts.map((e) => [e.tag, e.text, e.global_step])).toEqual([["note", "hi", 1]]);
  });

  it("missing, doubled and unknown keywords raise Python's TypeErrors and log nothing", () => {
    const w = writer();
    expect(() => w.add_scalars({ main_tag: "loss" } as never)).toThrow("SummaryWriter.add_scalars() missing 1 required positional argument: 'tag_scalar_dict'");
    expect(() => w.add_scalars("loss", { a: 1 }, { global_step: 1, foo: 2 } as never)).toThrow("SummaryWriter.add_scalars() got an unexpected keyword argument 'foo'");
    expect(() => w.add_scalar("acc", 0.5, { tag: "x" } as never)).toThrow("SummaryWriter.add_scalar() got multiple values for argument 'tag'");
    expect(() => w.add_text({ tag: "t" } as never)).toThrow("SummaryWriter.add_text() missing 1 required positional argument: 'text_string'");
    expect(w.scalars).toEqual([]);
  });
});

describe("seq[-1] = layer / list[-1] = layer, as torch's __setitem__ (swapping a model's head)", () => {
  it("replaces the child at that position under its own name", () => {
    const s = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU(), new nn.Linear(3, 4));
    s[-1] = new nn.Linear(3, 1);
    expect(String(s.get(2))).toBe("Linear(in_features=3, out_features=1, bias=True)");
    expect(Object.keys(s.state_dict())).toEqual(["0.weight", "0.bias", "2.weight", "2.bias"]);
    expect((s(torch.ones(5, 2)) as Tensor).shape).toEqual([5, 1]);
    const named = new nn.Sequential({ fc1: new nn.Linear(2, 3), fc2: new nn.Linear(3, 4) });
    named[-1] = new nn.Identity();
    expect(String(named)).toBe("Sequential(\n  (fc1): Linear(in_features=2, out_features=3, bias=True)\n  (fc2): Identity()\n)");
    const ml = new nn.ModuleList([new nn.Linear(2, 3), new nn.ReLU()]);
    ml[-2] = new nn.Tanh();
    expect(String(ml)).toBe("ModuleList(\n  (0): Tanh()\n  (1): ReLU()\n)");
  });

  it("out of range raises torch's IndexError, for reading and writing alike", () => {
    const s = new nn.Sequential(new nn.Linear(2, 3), new nn.Linear(3, 4));
    expect(() => {
      s[-3] = new nn.Identity();
    }).toThrow(new RegExp("^index -3 is out of range$"));
    expect(() => s[-3]).toThrow(new RegExp("^index -3 is out of range$"));
    expect(() => s.get(2)).toThrow(new RegExp("^index 2 is out of range$"));
    expect(() => new nn.ModuleList([new nn.ReLU()]).get(-2)).toThrow(new RegExp("^index -2 is out of range$"));
    expect(() => s.get("fc2" as never)).toThrow("'str' object cannot be interpreted as an integer");
  });
});

describe("transforms.Normalize given tensors of statistics (make_normalizer)", () => {
  it("prints the tensors as torchvision does and normalizes as the list form", () => {
    const mean = torch.tensor([0.5, 0.25, 0.5]);
    const std = torch.tensor([0.2, 0.2, 0.4]);
    const n = new torchvision.transforms.Normalize({ mean, std });
    expect(String(n)).toBe("Normalize(mean=tensor([0.5000, 0.2500, 0.5000]), std=tensor([0.2000, 0.2000, 0.4000]))");
    const img = torch.rand(3, 2, 2);
    const want = new torchvision.transforms.Normalize([0.5, 0.25, 0.5], [0.2, 0.2, 0.4])(img);
    expect(torch.allclose(n(img), want)).toBe(true);
    expect(n.mean).toEqual(mean.tolist());
  });
});
