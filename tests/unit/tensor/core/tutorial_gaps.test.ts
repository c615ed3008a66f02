/**
 * Gaps the tutorial suite (tests/unit/tensor/tutorials) found in the public API, each checked
 * against PyTorch 1.13's behaviour and messages: out= on torch.* functions, device= on the
 * creation functions, required constructor arguments by keyword (nn.Linear, nn.Conv*d), and
 * Tensor.numpy() sharing memory.
 */
import { describe, expect, it } from "vitest";
import { F, nn, torch, type Optimizer } from "../../../../lib/tensor/index";

describe("out= on torch.* functions", () => {
  it("writes the result into out and returns out: matmul, mul, add with alpha, cat, sum with options", () => {
    const a = torch.randn(3, 4);
    const b = torch.randn(4, 2);
    const y = torch.empty(3, 2);
    const r = torch.matmul(a, b, { out: y });
    expect(r).toBe(y);
    expect(y.equal(torch.matmul(a, b))).toBe(true);
    const z = torch.zeros(3, 4);
    expect(torch.mul(a, a, { out: z })).toBe(z);
    expect(z.equal(a.mul(a))).toBe(true);
    torch.add(a, a, { alpha: 2, out: z });
    expect(z.equal(torch.add(a, a, { alpha: 2 }))).toBe(true);
    const c = torch.empty(6, 4);
    torch.cat([a, a], 0, { out: c });
    expect(c.equal(torch.cat([a, a]))).toBe(true);
    const s = torch.empty(3, 1);
    torch.sum(a, { dim: 1, keepdim: true, out: s });
    expect(s.equal(a.sum(1, true))).toBe(true);
    // out: null is the same as no out
    expect(torch.exp(a, { out: null }).equal(a.exp())).toBe(true);
  });

  it("resizes an out of another shape (PyTorch warns and resizes), casts to out's dtype", () => {
    const o = torch.zeros(5);
    torch.matmul(torch.ones(2, 3), torch.ones(3, 2), { out: o });
    expect(o.shape).toEqual([2, 2]);
    expect(o.tolist()).toEqual([[3, 3], [3, 3]]);
    const d = torch.zeros(2, { dtype: torch.float64 });
    torch.add(torch.tensor([1.5, 2]), 1, { out: d });
    expect(d.dtype).toBe(torch.float64);
    expect(d.tolist()).toEqual([2.5, 3]);
  });

  it("refuses autograd, lossy casts, views to resize and non-tensors, changing nothing", () => {
    const a = torch.randn(2, 3, { requires_grad: true });
    const o = torch.zeros(2, 3);
    expect(() => torch.mul(a, a, { out: o })).toThrow("mul(): functions with out=... arguments don't support automatic differentiation, but one of the arguments requires grad.");
    expect(o.abs().sum().item()).toBe(0);
    // under no_grad it is allowed, as in PyTorch
    torch.no_grad(() => torch.mul(a, 2, { out: o }));
    expect(o.equal(a.detach().mul(2))).toBe(true);
    const l = torch.zeros(2, 3, { dtype: torch.long });
    expect(() => torch.mul(a.detach(), 2.5, { out: l })).toThrow("result type Float can't be cast to the desired output type Long");
    expect(l.abs().sum().item()).toBe(0);
    const base = torch.zeros(4, 4);
    expect(() => torch.matmul(torch.ones(2, 3), torch.ones(3, 2), { out: base.index(0) })).toThrow(/cannot be resized/);
    expect(base.abs().sum().item()).toBe(0);
    expect(() => torch.add(torch.ones(2), 1, { out: [1] as never })).toThrow("add(): argument 'out' must be Tensor, not list");
  });
});

describe("device= on creation functions", () => {
  it("accepts the CPU (string or torch.device) on linspace, eye, logspace, tensor, rand, full, arange, normal", () => {
    const device = torch.device("cpu");
    expect(torch.linspace(-1, 1, 5, { device, dtype: torch.float64 }).dtype).toBe(torch.float64);
    expect(torch.eye(2, { device: "cpu" }).tolist()).toEqual([[1, 0], [0, 1]]);
    expect(torch.logspace(0, 2, 3, { device }).tolist()).toEqual([1, 10, 100]);
    expect(torch.tensor([1, 2], { device }).tolist()).toEqual([1, 2]);
    expect(torch.rand(2, { device }).shape).toEqual([2]);
    expect(torch.full([2], 7, { device }).tolist()).toEqual([7, 7]);
    expect(torch.arange(3, { device }).tolist()).toEqual([0, 1, 2]);
    expect(torch.normal(0, 1, [3], { device }).shape).toEqual([3]);
  });

  it("a GPU device or an unknown keyword is a clear error", () => {
    expect(() => torch.linspace(0, 1, 3, { device: "cuda" })).toThrow(/runs on the CPU only, so device 'cuda' is not available/);
    expect(() => torch.eye(2, { device: torch.device("cuda", 0) })).toThrow(/device 'cuda' is not available/);
    expect(() => torch.tensor([1], { dtpye: torch.float64 } as never)).toThrow("tensor() got an unexpected keyword argument 'dtpye'");
  });
});

describe("required constructor arguments by keyword", () => {
  it("nn.Linear(in_features=, out_features=) and nn.Conv2d(1, 16, kernel_size=3, stride=2, padding=1)", () => {
    torch.manual_seed(0);
    const a = new nn.Linear({ in_features: 4, out_features: 3 });
    torch.manual_seed(0);
    const b = new nn.Linear(4, 3);
    expect(a.weight.equal(b.weight)).toBe(true);
    expect(String(new nn.Linear(4, { out_features: 2, bias: false }))).toBe("Linear(in_features=4, out_features=2, bias=False)");
    const conv = new nn.Conv2d(1, 16, { kernel_size: 3, stride: 2, padding: 1 });
    expect(String(conv)).toBe("Conv2d(1, 16, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1))");
    expect(conv(torch.randn(1, 1, 28, 28)).shape).toEqual([1, 16, 14, 14]);
    expect(new nn.ConvTranspose2d(4, 2, { kernel_size: 4, stride: 2, padding: 1, bias: false })(torch.randn(1, 4, 3, 3)).shape).toEqual([1, 2, 6, 6]);
    expect(new nn.Conv1d(2, 3, 5).kernel_size).toEqual([5]);
  });

  it("a missing one is Python's TypeError", () => {
    expect(() => new nn.Linear({ in_features: 3 })).toThrow("Linear.__init__() missing 1 required positional argument: 'out_features'");
    expect(() => new nn.Linear()).toThrow("Linear.__init__() missing 2 required positional arguments: 'in_features' and 'out_features'");
    expect(() => new nn.Conv2d(1, 2)).toThrow("Conv2d.__init__() missing 1 required positional argument: 'kernel_size'");
    expect(() => new nn.Linear(3, 2.5)).toThrow(/argument 'out_features' must be a non-negative int/);
    expect(() => new nn.Conv2d(1, 2, 3, { kernel_size: 3 })).toThrow("Conv2d() got multiple values for argument 'kernel_size'");
  });
});

describe("x[i] = v drops v's leading size-1 dims (index_put_ as Python's setitem)", () => {
  it("fills a row from a [1, n] value, a slice from [1, 1, k], and the value's gradient keeps its shape", () => {
    // torch 1.13: x = zeros(6, 6); x[0] = ones(1, 6) fills row 0; y = zeros(6); y[1:3] = ones(1, 1, 2)
    const x = torch.zeros(6, 6);
    x.index_put_([0], torch.ones(1, 6));
    expect(x.sum(1).tolist()).toEqual([6, 0, 0, 0, 0, 0]);
    const y = torch.zeros(6);
    y.index_put_(["1:3"], torch.ones(1, 1, 2));
    y.index_put_([[4, 5]], torch.full([1, 2], 2));
    expect(y.tolist()).toEqual([0, 1, 1, 0, 2, 2]);
    const v = torch.tensor([[1, 2, 3]], { requires_grad: true });
    const z = torch.zeros(2, 3).index_put([1], v.mul(2));
    z.sum().backward();
    expect(v.grad!.shape).toEqual([1, 3]);
    expect(v.grad!.tolist()).toEqual([[2, 2, 2]]);
    // a non-unit extra dim still fails with PyTorch's message (a slice is a copy_ there: expand's words)
    expect(() => torch.zeros(6).index_put_(["1:3"], torch.ones(2, 2))).toThrow("expand(torch.FloatTensor{[2, 2]}, size=[2]): the number of sizes provided (1) must be greater or equal to the number of dimensions in the tensor (2)");
  });
});

describe("Tensor.numpy()", () => {
  it("shares memory with a contiguous tensor, copies a strided one, refuses one that requires grad", () => {
    const t = torch.ones(5);
    const n = t.numpy();
    t.add_(1);
    expect(Array.from(n)).toEqual([2, 2, 2, 2, 2]);
    const m = torch.arange(6, { dtype: torch.float32 }).reshape(2, 3);
    expect(Array.from(m.index(1).numpy())).toEqual([3, 4, 5]);
    expect(Array.from(m.t().numpy())).toEqual([0, 3, 1, 4, 2, 5]);
    expect(() => torch.ones(3, { requires_grad: true }).numpy()).toThrow("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.");
  });
});

describe("parameter types a tutorial writes", () => {
  it("a function typed (opt: Optimizer) takes any optimizer (checked by tsc)", () => {
    const stepAll = (opt: Optimizer): number => opt.param_groups.length;
    const p = [torch.zeros(2, { requires_grad: true })];
    expect(stepAll(new torch.optim.SGD(p, { lr: 0.1 })) + stepAll(new torch.optim.Adam(p))).toBe(2);
  });
});

describe("legacy typed constructors", () => {
  it("new torch.Tensor(list | ...sizes), torch.LongTensor / FloatTensor / DoubleTensor / BoolTensor, as torch 1.13", () => {
    const z = new torch.Tensor([0]);
    expect(z).toBeInstanceOf(torch.Tensor);
    expect(String(z)).toBe("tensor([0.])");
    expect(new torch.Tensor(2, 3).shape).toEqual([2, 3]);
    expect(new torch.Tensor().shape).toEqual([0]);
    expect(new torch.Tensor([[1, 2]]).dtype).toBe(torch.float32);
    expect(String(torch.LongTensor([1.7, -2.5]))).toBe("tensor([ 1, -2])");
    expect(torch.LongTensor(3).shape).toEqual([3]);
    expect(String(torch.BoolTensor([1, 0]))).toBe("tensor([ True, False])");
    expect(torch.DoubleTensor([[1, 2]]).dtype).toBe(torch.float64);
    expect(torch.FloatTensor(2, 2).sum().item()).toBe(0);
    // the tensor works as any other: grad, views, in place
    const t = new torch.Tensor([1, 2, 3]).requires_grad_();
    t.mul(2).sum().backward();
    expect(t.grad!.tolist()).toEqual([2, 2, 2]);
  });

  it("bad arguments give PyTorch's errors", () => {
    expect(() => torch.LongTensor(2.5)).toThrow("new(): data must be a sequence (got float)");
    expect(() => new torch.Tensor("a" as never)).toThrow("new(): invalid data type 'str'");
    expect(() => new torch.Tensor(-1)).toThrow("Trying to create tensor with negative dimension -1: [-1]");
  });
});

describe("Module and Optimizer flags by keyword (they were truthy objects before)", () => {
  it("register_buffer persistent, load_state_dict strict, zero_grad set_to_none, parameters recurse, requires_grad_, train mode", () => {
    class M extends nn.Module {
      fc = new nn.Linear(2, 2);
      constructor() {
        super();
        this.register_buffer("scratch", torch.zeros(2), { persistent: false });
        this.register_buffer("kept", torch.zeros(1), false);
      }
      forward(x: ReturnType<typeof torch.zeros>) {
        return this.fc(x);
      }
    }
    const m = new M();
    // torch 1.13: state_dict keys ['fc.weight', 'fc.bias'] (neither buffer persistent)
    expect(Object.keys(m.state_dict())).toEqual(["fc.weight", "fc.bias"]);
    expect(m.named_buffers({ prefix: "m" }).map(([n]) => n)).toEqual(["m.scratch", "m.kept"]);
    expect(m.parameters({ recurse: false })).toHaveLength(0);
    expect(m.named_parameters({ recurse: true }).map(([n]) => n)).toEqual(["fc.weight", "fc.bias"]);
    const res = new M().load_state_dict({ "fc.weight": torch.zeros(2, 2) }, { strict: false });
    expect(res.missing_keys).toEqual(["fc.bias"]);
    expect(() => new M().load_state_dict({ "fc.weight": torch.zeros(2, 2) }, { strict: true })).toThrow(/Missing key\(s\) in state_dict: "fc.bias"/);
    m.fc(torch.ones(1, 2)).sum().backward();
    m.zero_grad({ set_to_none: true });
    expect(m.fc.weight.grad).toBeNull();
    m.requires_grad_({ requires_grad: false });
    expect(m.fc.weight.requires_grad).toBe(false);
    m.train({ mode: false });
    expect(m.training).toBe(false);
    const p = torch.zeros(2, { requires_grad: true });
    p.sum().backward();
    const opt = new torch.optim.SGD([p], { lr: 0.1 });
    opt.zero_grad({ set_to_none: true });
    expect(p.grad).toBeNull();
  });

  it("a flag that is not a bool is PyTorch's TypeError", () => {
    const lin = new nn.Linear(2, 2);
    expect(() => lin.load_state_dict(lin.state_dict(), { strict: 0 as never })).toThrow("load_state_dict(): argument 'strict' must be bool, not int");
    expect(() => lin.register_buffer("b", torch.zeros(1), { persistnt: false } as never)).toThrow("register_buffer() got an unexpected keyword argument 'persistnt'");
  });
});

describe("named-tuple results index like PyTorch's", () => {
  it("max(1)[0] / [1], topk(...)[1], sort(...)[0] (torch 1.13: max values [5, 3], indices [1, 0])", () => {
    const q = torch.tensor([[1, 5], [3, 2]]);
    expect(q.max(1)[0].tolist()).toEqual([5, 3]);
    expect(q.max(1)[1].tolist()).toEqual([1, 0]);
    expect(torch.max(q, 1)[1].view(-1, 1).tolist()).toEqual([[1], [0]]);
    expect(q.min(1)[0].tolist()).toEqual([1, 2]);
    expect(q.topk(1)[1].tolist()).toEqual([[1], [0]]);
    expect(q.sort({ dim: 1, descending: true })[0].tolist()).toEqual([[5, 1], [3, 2]]);
    const [values, indices] = q.max(0);
    expect([values.tolist(), indices.tolist()]).toEqual([[3, 5], [1, 0]]);
    // the indices are not enumerable fields: the result still compares and prints as { values, indices }
    expect(Object.keys(q.max(1))).toEqual(["values", "indices"]);
  });
});

describe("a general checkpoint with an optimizer's state_dict type-checks (tsc) and round-trips", () => {
  it("torch.save({ epoch, model_state_dict, optimizer_state_dict, loss })", () => {
    const model = new nn.Linear(2, 1);
    const opt = new torch.optim.Adam(model.parameters(), { lr: 0.01 });
    model(torch.ones(1, 2)).sum().backward();
    opt.step();
    const bytes = torch.save({ epoch: 3, model_state_dict: model.state_dict(), optimizer_state_dict: opt.state_dict(), loss: 0.5 });
    const back = torch.load(bytes) as Record<string, unknown>;
    const opt2 = new torch.optim.Adam(new nn.Linear(2, 1).parameters());
    opt2.load_state_dict(back.optimizer_state_dict as ReturnType<typeof opt.state_dict>);
    expect(opt2.param_groups[0].lr).toBe(0.01);
    expect(back.epoch).toBe(3);
  });
});

describe("more required constructor arguments by keyword", () => {
  it("nn.LSTM / GRU / RNN(input_size=, hidden_size=), nn.Embedding(num_embeddings=, embedding_dim=), nn.BatchNorm*d(num_features=), nn.Conv2d(in_channels=, out_channels=, kernel_size=)", () => {
    torch.manual_seed(0);
    const a = new nn.LSTM({ input_size: 3, hidden_size: 4, num_layers: 2, batch_first: true });
    torch.manual_seed(0);
    const b = new nn.LSTM(3, 4, 2, { batch_first: true });
    expect(String(a)).toBe("LSTM(3, 4, num_layers=2, batch_first=True)");
    expect(a.weight_hh_l1.equal(b.weight_hh_l1)).toBe(true);
    expect(String(new nn.GRU(5, { hidden_size: 2 }))).toBe("GRU(5, 2)");
    expect(new nn.RNN({ input_size: 2, hidden_size: 3, nonlinearity: "relu" }).nonlinearity).toBe("relu");
    expect(new nn.Embedding({ num_embeddings: 10, embedding_dim: 3, padding_idx: 0 }).weight.shape).toEqual([10, 3]);
    expect(String(new nn.BatchNorm2d({ num_features: 8, momentum: 0.2 }))).toBe("BatchNorm2d(8, eps=1e-05, momentum=0.2, affine=True, track_running_stats=True)");
    expect(new nn.BatchNorm1d({ num_features: 4 }).running_mean!.shape).toEqual([4]);
    expect(new nn.BatchNorm3d(2).num_features).toBe(2);
    const conv = new nn.Conv2d({ in_channels: 1, out_channels: 6, kernel_size: 5 });
    expect(String(conv)).toBe("Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1))");
  });

  it("missing or doubled ones are Python's TypeErrors (BatchNorm2d({ num_features }) silently took the object as the size before)", () => {
    expect(() => new nn.LSTM({ input_size: 3 })).toThrow("LSTM.__init__() missing 1 required positional argument: 'hidden_size'");
    expect(() => new nn.Embedding(10)).toThrow("Embedding.__init__() missing 1 required positional argument: 'embedding_dim'");
    expect(() => new nn.BatchNorm2d()).toThrow("BatchNorm2d.__init__() missing 1 required positional argument: 'num_features'");
    expect(() => new nn.BatchNorm2d(3, { num_features: 3 })).toThrow("BatchNorm2d() got multiple values for argument 'num_features'");
    expect(() => new nn.Conv2d({ out_channels: 2, kernel_size: 3 })).toThrow("Conv2d.__init__() missing 1 required positional argument: 'in_channels'");
  });
});

describe("torch.tensor of one-element tensors", () => {
  it("takes their values, as torch 1.13 (tensor([tensor(1.5), tensor(2)]) -> [1.5, 2]); a bigger tensor is PyTorch's ValueError", () => {
    expect(torch.tensor([torch.tensor(1.5), torch.tensor(2)]).tolist()).toEqual([1.5, 2]);
    expect(torch.tensor([[torch.tensor(1), 2]] as never).tolist()).toEqual([[1, 2]]);
    expect(torch.tensor([torch.tensor([1.5])]).tolist()).toEqual([1.5]);
    const b = torch.tensor([torch.tensor(true), torch.tensor(false)]);
    expect(b.dtype).toBe(torch.bool);
    const losses = [torch.tensor(0.5, { requires_grad: true }).mul(2), torch.tensor(3)];
    const t = torch.tensor(losses, { dtype: torch.float64 });
    expect([t.dtype, t.requires_grad, t.tolist()]).toEqual([torch.float64, false, [1, 3]]);
    expect(() => torch.tensor([torch.tensor([1, 2]), torch.tensor([3, 4])])).toThrow("only one element tensors can be converted to Python scalars");
  });
});

describe("keywords that were silently ignored", () => {
  it("sum/mean take NumPy's axis / keepdims as torch 1.13 does; an unknown keyword raises instead of reducing everything", () => {
    const x = torch.ones(2, 3);
    // torch 1.13: torch.sum(x, axis=1) -> [3., 3.]; x.mean(axis=0) -> [1., 1., 1.]; x.sum(dim=1, keepdims=True).shape -> [2, 1]
    expect(x.sum({ axis: 1 } as never).tolist()).toEqual([3, 3]);
    expect(torch.sum(x, { axis: 1 } as never).tolist()).toEqual([3, 3]);
    expect(x.mean({ axis: 0 } as never).tolist()).toEqual([1, 1, 1]);
    expect(x.sum({ dim: 1, keepdims: true } as never).shape).toEqual([2, 1]);
    expect(() => x.sum({ dimm: 1 } as never)).toThrow("sum() got an unexpected keyword argument 'dimm'");
    expect(() => x.prod({ keep: true } as never)).toThrow("prod() got an unexpected keyword argument 'keep'");
  });

  it("nn.Parameter(data, requires_grad=False)", () => {
    expect(new nn.Parameter(torch.ones(2), { requires_grad: false }).requires_grad).toBe(false);
    expect(new nn.Parameter(torch.ones(2)).requires_grad).toBe(true);
    expect(() => new nn.Parameter(torch.ones(2), { requires_grad: 1 as never })).toThrow("Parameter(): argument 'requires_grad' must be bool, not number");
  });
});

describe("misspelled keywords raise instead of being ignored", () => {
  it("var/std, argmax/argmin, add/sub/div, logsumexp and backward check their keywords", () => {
    const x = torch.tensor([[1, 2], [3, 5]]);
    expect(() => x.var({ unbaised: false } as never)).toThrow("var() got an unexpected keyword argument 'unbaised'");
    expect(() => x.std({ dim: 0, keep_dim: true } as never)).toThrow("got an unexpected keyword argument 'keep_dim'");
    expect(() => x.argmax({ dimm: 1 } as never)).toThrow("argmax() got an unexpected keyword argument 'dimm'");
    expect(() => x.add(1, { alpah: 2 } as never)).toThrow("add() got an unexpected keyword argument 'alpah'");
    expect(() => torch.div(x, 2, { rounding: "floor" } as never)).toThrow("div() got an unexpected keyword argument 'rounding'");
    // torch 1.13's C++ parser takes NumPy's keepdims for keepdim: x.logsumexp(dim=1, keepdims=True).shape -> [2, 1]
    expect(x.logsumexp({ dim: 1, keepdims: true } as never).shape).toEqual([2, 1]);
    expect(() => x.logsumexp({ dim: 1, keepdimz: true } as never)).toThrow("logsumexp() got an unexpected keyword argument 'keepdimz'");
    const w = torch.ones(2, { requires_grad: true });
    expect(() => w.sum().backward({ retain_graf: true } as never)).toThrow("backward() got an unexpected keyword argument 'retain_graf'");
    // the right keywords still work
    expect(x.var({ dim: 0, unbiased: false }).tolist()).toEqual([1, 2.25]);
    expect(x.argmax({ dim: 1, keepdim: true }).tolist()).toEqual([[1], [1]]);
    expect(torch.div(x, 2, { rounding_mode: "floor" }).tolist()).toEqual([[0, 1], [1, 2]]);
  });
});

describe("creation keywords are checked", () => {
  it("randint / randperm / *_like refuse a misspelled keyword (a typo in dtype= silently gave the default)", () => {
    expect(() => torch.randint(0, 3, [2], { dtpye: torch.float32 } as never)).toThrow("randint() got an unexpected keyword argument 'dtpye'");
    expect(() => torch.randperm(3, { generater: new torch.Generator(1) } as never)).toThrow("randperm() got an unexpected keyword argument 'generater'");
    expect(() => torch.zeros_like(torch.ones(2), { dtpye: torch.float64 } as never)).toThrow("zeros_like() got an unexpected keyword argument 'dtpye'");
    expect(torch.zeros_like(torch.ones(2), { dtype: torch.float64, device: "cpu" }).dtype).toBe(torch.float64);
    expect(torch.rand_like(torch.ones(2), { generator: new torch.Generator(1) }).shape).toEqual([2]);
    expect(torch.randint(0, 3, [2], { generator: new torch.Generator(1) }).dtype).toBe(torch.int64);
  });
});

describe("clear keyword errors instead of 'Dimension out of range ... got undefined'", () => {
  it("max/min, softmax, cat and stack name the unexpected keyword", () => {
    const x = torch.ones(2, 3);
    expect(() => x.max({ dim: 1, keepdimz: true } as never)).toThrow("max() got an unexpected keyword argument 'keepdimz'");
    expect(() => x.softmax({ axes: 1 } as never)).toThrow("softmax() got an unexpected keyword argument 'axes'");
    expect(() => torch.cat([x, x], { axes: 0 } as never)).toThrow("cat() got an unexpected keyword argument 'axes'");
    // NumPy's axis / keepdims are torch 1.13's aliases of dim / keepdim (x.softmax(axis=1), torch.cat(xs, axis=0),
    // x.max(dim=1, keepdims=True)); F.softmax, written in Python, refuses axis
    expect(x.max({ dim: 1, keepdims: true } as never).values.shape).toEqual([2, 1]);
    expect(x.softmax({ axis: 1 } as never).shape).toEqual([2, 3]);
    expect(torch.cat([x, x], { axis: 0 } as never).shape).toEqual([4, 3]);
    expect(() => F.softmax(x, { axis: 1 } as never)).toThrow("softmax() got an unexpected keyword argument 'axis'");
    expect(() => torch.stack([x, x], { dims: 0 } as never)).toThrow("stack() got an unexpected keyword argument 'dims'");
    expect(torch.cat([x, x], { dim: 1 }).shape).toEqual([2, 6]);
    expect(x.max({ dim: 1, keepdim: true }).values.shape).toEqual([2, 1]);
  });
});
