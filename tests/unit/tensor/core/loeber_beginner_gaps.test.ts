/**
 * Gaps the loeber / pytorch-beginner probe found (tutorials/loeber_beginner.test.ts), each against torch 1.13's
 * behaviour (messages as torch prints them; values from tests/fixtures/torch/tutorials/loeber_beginner.json there).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { F, nn, torch, torchvision, type Tensor } from "../../../../lib/tensor/index";
import { forgetLegacyWarnings } from "../../../../lib/tensor/nn/functional/loss_composed";

const long = { dtype: torch.long };
const thrown = (fn: () => unknown): [string, string] | null => {
  try {
    fn();
  } catch (e) {
    return [(e as Error).constructor.name, (e as Error).message];
  }
  return null;
};

let warn: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  forgetLegacyWarnings();
  warn = vi.spyOn(console, "warn").mockImplementation(() => {});
});
afterEach(() => warn.mockRestore());
const warnings = () => warn.mock.calls.map((c: unknown[]) => String(c[0]));

describe("addmm's dtype checks (Linear on a long or float64 batch)", () => {
  it("mat1 / mat2 of different dtypes, then a bias of another dtype, raise torch 1.13's messages before any shape check", () => {
    const lin = new nn.Linear(3, 2);
    expect(thrown(() => lin(torch.tensor([[1, 2, 3]], long)))).toEqual(["RuntimeError", "mat1 and mat2 must have the same dtype"]);
    expect(thrown(() => lin(torch.zeros([4, 2, 3], { dtype: torch.float64 })))).toEqual(["RuntimeError", "mat1 and mat2 must have the same dtype"]);
    expect(thrown(() => new nn.LSTM(3, 4)(torch.zeros([2, 1, 3], { dtype: torch.float64 })))).toEqual(["RuntimeError", "mat1 and mat2 must have the same dtype"]);
    expect(thrown(() => torch.addmm(torch.zeros(2), torch.zeros([2, 3], long), torch.zeros(4, 2)))).toEqual(["RuntimeError", "mat1 and mat2 must have the same dtype"]);
    expect(thrown(() => torch.addmm(torch.zeros(2), torch.zeros(2, 3), torch.zeros([3, 2], { dtype: torch.float64 })))).toEqual(["RuntimeError", "mat1 and mat2 must have the same dtype"]);
    expect(thrown(() => torch.addmm(torch.zeros([2], { dtype: torch.float64 }), torch.zeros(2, 3), torch.zeros(3, 2)))).toEqual(["RuntimeError", "self and mat2 must have the same dtype"]);
    expect(thrown(() => F.linear(torch.zeros(2, 3), torch.zeros(2, 3), torch.zeros([2], { dtype: torch.float64 })))).toEqual(["RuntimeError", "self and mat2 must have the same dtype"]);
    // a non-contiguous batch (batch_first input, transposed inside the LSTM) goes through matmul, whose message starts with torch's
    expect(thrown(() => new nn.LSTM(3, 4, 2, { batch_first: true })(torch.zeros([2, 2, 3], { dtype: torch.float64 })))?.[1]).toMatch(/^expected scalar type Double but found Float/);
    expect(thrown(() => F.linear(torch.zeros([2, 3, 4], long).transpose(0, 1), torch.zeros(2, 4), torch.zeros(2)))?.[1]).toMatch(/^expected scalar type Long but found Float/);
    expect(F.linear(torch.ones(2, 3, 4).transpose(0, 1), torch.ones(2, 4), torch.ones(2)).shape).toEqual([3, 2, 2]);
    expect(torch.addmm(torch.zeros([2], long), torch.ones([2, 3], long), torch.ones([3, 2], long)).tolist()).toEqual([[3, 3], [3, 3]]);
  });
});

describe("class-index targets: torch 1.13's shape checks come first", () => {
  const x = torch.randn(3, 4);
  const cases: [string, () => unknown, [string, string]][] = [
    ["CE, a target batch of another size", () => F.cross_entropy(x, torch.tensor([0, 1], long)), ["ValueError", "Expected input batch_size (3) to match target batch_size (2)."]],
    ["NLL, a target batch of another size", () => new nn.NLLLoss()(x, torch.tensor([0, 1], long)), ["ValueError", "Expected input batch_size (3) to match target batch_size (2)."]],
    ["CE, a float target batch of another size", () => F.cross_entropy(x, torch.zeros(2)), ["ValueError", "Expected input batch_size (3) to match target batch_size (2)."]],
    ["CE, an int32 target batch of another size", () => F.cross_entropy(x, torch.zeros([2], { dtype: torch.int32 })), ["ValueError", "Expected input batch_size (3) to match target batch_size (2)."]],
    ["CE, a 0-d target for a batch", () => F.cross_entropy(x, torch.tensor(1, long)), ["ValueError", "Expected input batch_size (3) to match target batch_size (0)."]],
    ["CE, labels as a column", () => new nn.CrossEntropyLoss()(x, torch.tensor([[0], [1], [2]], long)), ["RuntimeError", "0D or 1D target tensor expected, multi-target not supported"]],
    ["CE, float labels as a column", () => F.cross_entropy(x, torch.zeros(3, 1)), ["RuntimeError", "0D or 1D target tensor expected, multi-target not supported"]],
    ["NLL, float labels as a column", () => F.nll_loss(x, torch.zeros(3, 1)), ["RuntimeError", "0D or 1D target tensor expected, multi-target not supported"]],
    ["CE, a 1-D input and a 1-D target", () => F.cross_entropy(torch.randn(4), torch.zeros([2], long)), ["RuntimeError", "size mismatch (got input: [4], target: [2])"]],
    ["CE, 3-D input", () => F.cross_entropy(torch.randn(3, 4, 5), torch.zeros([3, 4], long)), ["RuntimeError", "Expected target size [3, 5], got [3, 4]"]],
    ["CE, 3-D input, a float target", () => F.cross_entropy(torch.randn(3, 4, 5), torch.zeros(3, 4)), ["RuntimeError", "Expected target size [3, 5], got [3, 4]"]],
    ["NLL, 3-D input", () => F.nll_loss(torch.randn(3, 4, 5), torch.zeros([3, 6], long)), ["RuntimeError", "Expected target size [3, 5], got [3, 6]"]],
    ["CE, 4-D input, a 2-D target", () => F.cross_entropy(torch.randn(3, 4, 5, 6), torch.zeros([3, 5], long)), ["RuntimeError", "only batches of spatial targets supported (3D tensors) but got targets of dimension: 2"]],
    ["CE, 4-D input, a target of other sizes", () => F.cross_entropy(torch.randn(3, 4, 5, 6), torch.zeros([3, 5, 7], long)), ["RuntimeError", "size mismatch (got input: [3, 4, 5, 6] , target: [3, 5, 7]"]],
  ];
  it.each(cases)("%s", (_name, fn, want) => expect(thrown(fn)).toEqual(want));
  it("right shapes still work, and a float target of the right shape for indices keeps the engine's hint", () => {
    expect(F.cross_entropy(torch.randn(4), torch.tensor(1, long)).dim()).toBe(0);
    expect(F.cross_entropy(torch.randn(3, 4, 5), torch.zeros([3, 5], long)).dim()).toBe(0);
    expect(thrown(() => F.cross_entropy(x, torch.tensor([2.0, 0.0, 1.0])))?.[1]).toMatch(/For labels use torch.tensor\(labels, \{ dtype: torch.long \}\)/);
  });
});

describe("legacy forms of the old tutorials", () => {
  it("torch.FloatTensor(std.size()) is an uninitialized tensor of that size (a plain list is still data)", () => {
    const std = torch.ones(8, 20);
    const eps = torch.FloatTensor(std.size()).normal_();
    expect([eps.shape, eps.dtype]).toEqual([[8, 20], torch.float32]);
    expect(torch.LongTensor(torch.zeros(2, 3).size()).shape).toEqual([2, 3]);
    expect(torch.FloatTensor([2, 3]).tolist()).toEqual([2, 3]);
    expect(torch.FloatTensor(std.shape).shape).toEqual([8, 20]);
    expect(std.new(std.size()).shape).toEqual([8, 20]);
    expect(std.new([8, 20]).tolist()).toEqual([8, 20]);
  });

  it("Variable(x, volatile=True) warns as torch 1.13 (once); with requires_grad it raises torch's ValueError", () => {
    const msg = "UserWarning: volatile was removed and now has no effect. Use `with torch.no_grad():` instead.";
    const v = torch.autograd.Variable(torch.ones(2), { volatile: true });
    torch.autograd.Variable(torch.ones(2), { volatile: true });
    torch.autograd.Variable(torch.ones(2), { volatile: false });
    expect(v.requires_grad).toBe(false);
    expect(warnings()).toEqual([msg]);
    expect(thrown(() => torch.autograd.Variable(torch.ones(2), { requires_grad: true, volatile: true }))).toEqual(["ValueError", "Variable can't be volatile and require_grad at the same time!"]);
  });

  it("torch.nn.utils.clip_grad_norm (deprecated) warns once and clips as clip_grad_norm_", () => {
    const lin = new nn.Linear(2, 1);
    lin(torch.ones(1, 2)).sum().mul(10).backward();
    const total = torch.nn.utils.clip_grad_norm(lin.parameters(), 0.5);
    torch.nn.utils.clip_grad_norm(lin.parameters(), { max_norm: 0.5 });
    expect(total.item()).toBeCloseTo(Math.sqrt(300), 4);
    expect(warnings()).toEqual(["UserWarning: torch.nn.utils.clip_grad_norm is now deprecated in favor of torch.nn.utils.clip_grad_norm_."]);
    torch.nn.utils.clip_grad_norm_(lin.parameters(), 0.5);
    expect(warnings().length).toBe(1);
  });
});

describe("grad_fn in a tensor's repr", () => {
  it("prints the node's class name, as torch: <CopySlices> after an in-place op on a view (name() keeps torch::autograd::)", () => {
    const x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], { requires_grad: true });
    const y = x.mul(1);
    y.index(0).mul_(2);
    expect(String(y)).toBe("tensor([[2., 4.],\n        [3., 4.]], grad_fn=<CopySlices>)");
    expect(y.grad_fn!.name()).toBe("torch::autograd::CopySlices");
  });
});

describe("x[0, 0] = v written as index_put_ with numbers and slices", () => {
  it("records CopySlices, as Python's item assignment (pytorch-beginner's backward.py: n[0, 0] = m[0, 0] ** 2); index tensors keep IndexPutBackward0", () => {
    const m = torch.tensor([[2.0, 3.0]], { requires_grad: true });
    const n = torch.zeros(1, 2);
    n.index_put_([0, 0], m.index(0, 0).pow(2));
    n.index_put_([0, 1], m.index(0, 1).pow(3));
    expect(String(n)).toBe("tensor([[ 4., 27.]], grad_fn=<CopySlices>)");
    n.backward(torch.tensor([[1.0, 1.0]]));
    expect(m.grad!.tolist()).toEqual([[4, 27]]);
    const y = m.mul(1);
    y.index_put_([":", 0], torch.tensor(5.0));
    expect(y.grad_fn!.name()).toBe("torch::autograd::CopySlices");
    const k = torch.zeros(3);
    k.index_put_([torch.tensor([0, 2], long)], m.index(0).sum());
    expect(k.grad_fn!.name()).toBe("IndexPutBackward0");
  });
});

describe("in-place ops whose result does not fit", () => {
  it("raise torch 1.13's messages without an op name (transforms.Normalize with three means on a one-channel MNIST image)", () => {
    const T = torchvision.transforms;
    const img = torch.rand(1, 4, 4);
    const before = img.clone();
    expect(thrown(() => new T.Normalize([0.5, 0.5, 0.5], [0.5, 0.5, 0.5])(img))).toEqual(["RuntimeError", "output with shape [1, 4, 4] doesn't match the broadcast shape [3, 4, 4]"]);
    expect(img.equal(before)).toBe(true);
    expect(thrown(() => torch.zeros(1, 4).add_(torch.ones(3, 4)))).toEqual(["RuntimeError", "output with shape [1, 4] doesn't match the broadcast shape [3, 4]"]);
    expect(thrown(() => torch.zeros([3], long).add_(1.5))).toEqual(["RuntimeError", "result type Float can't be cast to the desired output type Long"]);
  });
});

describe("transforms.Normalize given numbers", () => {
  it("prints them as numbers, as torchvision: Normalize(mean=0.5, std=0.5) (pytorch-beginner's conv_autoencoder writes Normalize((0.5), (0.5)))", () => {
    const T = torchvision.transforms;
    expect(String(new T.Normalize(0.5, 0.5))).toBe("Normalize(mean=0.5, std=0.5)");
    expect(String(new T.Normalize({ mean: 0.1307, std: 0.3081 }))).toBe("Normalize(mean=0.1307, std=0.3081)");
    expect(String(new T.Normalize([0.5, 0.5, 0.5], [0.5, 0.5, 0.5]))).toBe("Normalize(mean=(0.5, 0.5, 0.5), std=(0.5, 0.5, 0.5))");
    expect((new T.Normalize(0.5, 0.5)(torch.ones(1, 2, 2)) as Tensor).tolist()).toEqual([[[1, 1], [1, 1]]]);
  });
});
