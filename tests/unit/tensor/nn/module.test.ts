/** nn.Module: callability, registration, traversal, modes, state_dict, hooks and printing. */
import { describe, expect, it } from "vitest";
import { F, nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectClose, fixture, tensorOf, type FT } from "./helpers";

class Net extends nn.Module {
  fc1 = new nn.Linear(2, 4);
  act = new nn.ReLU();
  fc2 = new nn.Linear(4, 1);
  scale = 2; // plain values are not registered
  forward(x: Tensor): Tensor {
    return this.fc2(this.act(this.fc1(x))).mul(this.scale);
  }
}

describe("Module basics", () => {
  it("instances are callable modules and run forward", () => {
    const net = new Net();
    expect(net).toBeInstanceOf(nn.Module);
    expect(net).toBeInstanceOf(Net);
    const x = torch.randn(3, 2);
    const y: Tensor = net(x); // typed from forward
    expect(y.shape).toEqual([3, 1]);
    expect(y.equal(net.forward(x))).toBe(true);
    expect(typeof net.apply).toBe("function"); // PyTorch's Module.apply, not Function.prototype.apply
  });

  it("calls are typed from forward (checked by tsc)", () => {
    const lin = new nn.Linear(3, 2);
    const loss = new nn.MSELoss();
    const out: Tensor = loss(lin(torch.randn(4, 3)), torch.zeros(4, 2));
    expect(out.dim()).toBe(0);
    const skip = (): void => {
      // @ts-expect-error Linear.forward takes one tensor
      lin(torch.randn(1, 3), torch.randn(1, 3));
      // @ts-expect-error a loss needs input and target
      loss(out);
    };
    expect(typeof skip).toBe("function");
  });

  it("registers modules and parameters assigned as properties, in order", () => {
    const net = new Net();
    expect(net.named_children().map(([n]) => n)).toEqual(["fc1", "act", "fc2"]);
    expect(net.named_parameters().map(([n, p]) => [n, [...p.shape]])).toEqual([
      ["fc1.weight", [4, 2]],
      ["fc1.bias", [4]],
      ["fc2.weight", [1, 4]],
      ["fc2.bias", [1]],
    ]);
    expect(net.parameters()).toHaveLength(4);
    expect(net.named_modules().map(([n]) => n)).toEqual(["", "fc1", "act", "fc2"]);
    expect(net.modules()).toHaveLength(4);
    expect(net.get_submodule("fc2")).toBe(net.fc2);
  });

  it("shared parameters and modules are listed once", () => {
    const lin = new nn.Linear(2, 2);
    const seq = new nn.Sequential(lin, lin);
    expect(seq.parameters()).toHaveLength(2);
    expect(seq.modules()).toHaveLength(2);
    // state_dict lists a shared module under each of its names, as PyTorch does
    expect(Object.keys(seq.state_dict())).toEqual(["0.weight", "0.bias", "1.weight", "1.bias"]);
    seq.load_state_dict(seq.state_dict());
  });

  it("train() and eval() set training recursively and return the module", () => {
    const seq = new nn.Sequential(new nn.Linear(2, 2), new nn.Dropout(0.5));
    expect(seq.eval()).toBe(seq);
    expect(seq.modules().every((m) => m.training === false)).toBe(true);
    seq.train();
    expect(seq[1].training).toBe(true);
  });

  it("zero_grad zeroes gradients (PyTorch 1.13 default) or drops them with set_to_none", () => {
    const net = new Net();
    net(torch.randn(5, 2)).sum().backward();
    net.zero_grad();
    for (const p of net.parameters()) expect(p.grad!.abs().sum().item()).toBe(0);
    net.zero_grad(true);
    for (const p of net.parameters()) expect(p.grad).toBeNull();
  });

  it("apply visits children first, then the module itself", () => {
    const seq = new nn.Sequential(new nn.Linear(2, 2), new nn.Sequential(new nn.ReLU()));
    const seen: string[] = [];
    seq.apply((m) => seen.push(m._get_name()));
    expect(seen).toEqual(["Linear", "ReLU", "Sequential", "Sequential"]);
    seq.apply((m) => {
      if (m instanceof nn.Linear) nn.init.zeros_(m.weight);
    });
    expect((seq[0] as nn.Linear).weight.abs().sum().item()).toBe(0);
  });

  it("double() converts parameters and buffers", () => {
    const seq = new nn.Sequential(new nn.Linear(2, 3), new nn.BatchNorm1d(3)).double();
    expect(seq.parameters().every((p) => p.dtype === torch.float64)).toBe(true);
    expect((seq[1] as nn.BatchNorm1d).running_mean!.dtype).toBe(torch.float64);
    expect((seq[1] as nn.BatchNorm1d).num_batches_tracked!.dtype).toBe(torch.int64);
    expect(seq(torch.randn(4, 2, { dtype: torch.float64 })).dtype).toBe(torch.float64);
  });

  it("register_buffer: persistent buffers are saved, non-persistent ones are not", () => {
    class WithBuffers extends nn.Module {
      constructor() {
        super();
        this.register_buffer("mean", torch.zeros(2));
        this.register_buffer("scratch", torch.ones(3), false);
        this.register_parameter("w", new nn.Parameter(torch.ones(2)));
      }
    }
    const m = new WithBuffers();
    expect(Object.keys(m.state_dict())).toEqual(["w", "mean"]);
    expect(m.named_buffers().map(([n]) => n)).toEqual(["mean", "scratch"]);
    expect(m.parameters()).toHaveLength(1);
    expect(() => m.register_parameter("bad", torch.ones(1) as nn.Parameter)).toThrow(/torch.nn.Parameter or None required/);
  });

  it("a module without forward says so", () => {
    class Empty extends nn.Module {}
    expect(() => new Empty()(torch.ones(1))).toThrow(/Module \[Empty\] is missing the required "forward" function/);
  });
});

describe("containers", () => {
  it("Sequential indexes, iterates, appends, slices and accepts named modules", () => {
    const seq = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU());
    expect(seq[0]).toBeInstanceOf(nn.Linear);
    expect(seq.get(-1)).toBeInstanceOf(nn.ReLU);
    expect(seq.length).toBe(2);
    seq.append(new nn.Linear(3, 1));
    expect([...seq].map((m) => m._get_name())).toEqual(["Linear", "ReLU", "Linear"]);
    expect(seq.slice(0, 2).length).toBe(2);
    const named = new nn.Sequential({ fc: new nn.Linear(2, 2), act: new nn.Tanh() });
    expect(Object.keys(named.state_dict())).toEqual(["fc.weight", "fc.bias"]);
  });

  it("ModuleList registers its modules; a plain array does not (as in PyTorch)", () => {
    class WithList extends nn.Module {
      layers = new nn.ModuleList([new nn.Linear(2, 2), new nn.Linear(2, 2)]);
      plain = [new nn.Linear(2, 2)];
    }
    const m = new WithList();
    expect(m.parameters()).toHaveLength(4);
    m.layers.append(new nn.Linear(2, 1));
    m.layers.insert(0, new nn.Identity());
    expect(m.layers.length).toBe(4);
    expect(m.layers[0]).toBeInstanceOf(nn.Identity);
    expect(Object.keys(m.state_dict())).toContain("layers.3.weight");
  });
});

interface StateFixture {
  keys: string[];
  errors: { all: string; missing: string; shape: string };
  lenient: { missing_keys: string[]; unexpected_keys: string[] };
}
const sdFx = fixture<StateFixture>("nn/state_dict.json");

describe("state_dict and load_state_dict", () => {
  const make = () => new nn.Sequential(new nn.Linear(2, 3), new nn.BatchNorm1d(3), new nn.ReLU(), new nn.Linear(3, 1));

  it("keys follow PyTorch's order, buffers included", () => {
    expect(Object.keys(make().state_dict())).toEqual(sdFx.keys);
    expect(make().state_dict()["1.num_batches_tracked"].dtype).toBe(torch.int64);
  });

  it("round trip: loading another model's state_dict makes the models equal", () => {
    const a = make();
    const b = make();
    a.train();
    a(torch.randn(8, 2)); // move BatchNorm's running stats
    const r = b.load_state_dict(a.state_dict());
    expect(r).toEqual({ missing_keys: [], unexpected_keys: [] });
    for (const [k, v] of Object.entries(a.state_dict())) expect(b.state_dict()[k].equal(v), k).toBe(true);
    const x = torch.randn(4, 2);
    expect(a.eval()(x).equal(b.eval()(x))).toBe(true);
  });

  it("state_dict values alias the parameters (as PyTorch's detached tensors do)", () => {
    const lin = new nn.Linear(2, 2);
    const sd = lin.state_dict();
    expect(sd.weight.requires_grad).toBe(false);
    sd.weight.fill_(3);
    expect(lin.weight.tolist()).toEqual([[3, 3], [3, 3]]);
  });

  it("strict errors match PyTorch's messages (missing, unexpected, size mismatch)", () => {
    const model = make();
    const sd = model.state_dict();
    const bad: Record<string, Tensor> = { ...sd };
    delete bad["3.bias"];
    bad["4.weight"] = torch.zeros(1);
    bad["0.weight"] = torch.zeros(3, 3);
    expect(() => model.load_state_dict(bad)).toThrow(sdFx.errors.all);
    const missing: Record<string, Tensor> = { ...sd };
    delete missing["1.running_mean"];
    delete missing["0.bias"];
    expect(() => model.load_state_dict(missing)).toThrow(sdFx.errors.missing);
    const shape: Record<string, Tensor> = { ...sd, "3.weight": torch.zeros(3) };
    expect(() => model.load_state_dict(shape)).toThrow(sdFx.errors.shape);
    expect(model.load_state_dict(missing, false)).toEqual(sdFx.lenient);
  });

  it("a failed strict load changes nothing", () => {
    const model = new nn.Linear(2, 2);
    const before = model.weight.clone();
    expect(() => model.load_state_dict({ weight: torch.ones(2, 2) })).toThrow(/Missing key\(s\) in state_dict: "bias"/);
    expect(model.weight.equal(before)).toBe(true);
  });
});

interface HookFixture {
  weight: FT;
  bias: FT;
  input: FT;
  out_weight: FT;
  with_input_grad: { grad_input: FT[]; grad_output: FT[] };
  without_input_grad: { grad_input: (FT | null)[]; grad_output: FT[] };
}
const hookFx = fixture<{ hooks: HookFixture }>("nn/layers.json").hooks;

describe("hooks", () => {
  it("forward-pre hooks see (and may replace) the inputs; forward hooks see (and may replace) the output", () => {
    const lin = new nn.Linear(3, 2);
    const log: string[] = [];
    const h1 = lin.register_forward_pre_hook((m, args) => {
      log.push(`pre ${m._get_name()} ${(args[0] as Tensor).shape.join("x")}`);
      return [(args[0] as Tensor).mul(0)];
    });
    const h2 = lin.register_forward_hook((_m, _args, out) => {
      log.push(`fwd ${(out as Tensor).shape.join("x")}`);
      return (out as Tensor).add(1);
    });
    const y = lin(torch.randn(4, 3));
    expect(log).toEqual(["pre Linear 4x3", "fwd 4x2"]);
    expectClose(y, lin.bias!.add(1).expand(4, 2));
    h1.remove();
    h2.remove();
    const x = torch.randn(4, 3);
    expect(lin(x).equal(lin.forward(x))).toBe(true);
    expect(log).toHaveLength(2);
  });

  it("forward hooks monitor activations of every layer (the seed lesson's use)", () => {
    const model = new nn.Sequential(new nn.Linear(2, 8), new nn.ReLU(), new nn.Linear(8, 1));
    const stats: Record<string, number> = {};
    for (const [name, m] of model.named_children()) {
      m.register_forward_hook((_m, _i, out) => void (stats[name] = (out as Tensor).mean().item()));
    }
    model(torch.randn(16, 2));
    expect(Object.keys(stats)).toEqual(["0", "1", "2"]);
  });

  it("full backward hooks get grad_input and grad_output as PyTorch computes them", () => {
    const lin = new nn.Linear(3, 2).double();
    lin.load_state_dict({ weight: tensorOf(hookFx.weight), bias: tensorOf(hookFx.bias) });
    let seen: { gin: (Tensor | null)[]; gout: (Tensor | null)[] } | null = null;
    const h = lin.register_full_backward_hook((_m, gin, gout) => void (seen = { gin, gout }));
    const x = tensorOf(hookFx.input, torch.float64, true);
    lin(x).mul(tensorOf(hookFx.out_weight)).sum().backward();
    expect(seen).not.toBeNull();
    expectClose(seen!.gin[0]!, hookFx.with_input_grad.grad_input[0], { label: "grad_input" });
    expectClose(seen!.gout[0]!, hookFx.with_input_grad.grad_output[0], { label: "grad_output" });
    expectClose(x.grad!, hookFx.with_input_grad.grad_input[0], { label: "x.grad" });

    seen = null;
    lin(x.detach()).mul(tensorOf(hookFx.out_weight)).sum().backward();
    expect(seen!.gin).toEqual([null]); // no input requires grad: grad_input is (None,)
    expectClose(seen!.gout[0]!, hookFx.without_input_grad.grad_output[0], { label: "grad_output" });
    h.remove();
    seen = null;
    lin(x).sum().backward();
    expect(seen).toBeNull();
  });

  it("modules with backward hooks still run under torch.no_grad", () => {
    const lin = new nn.Linear(2, 2);
    let calls = 0;
    lin.register_full_backward_hook(() => void calls++);
    const x = torch.randn(3, 2, { requires_grad: true });
    expect(torch.no_grad(() => lin(x)).requires_grad).toBe(false);
    lin(x).sum().backward();
    expect(calls).toBe(1);
  });

  it("a backward hook may replace grad_input", () => {
    const relu = new nn.ReLU();
    relu.register_full_backward_hook((_m, gin) => [gin[0]!.mul(0)]);
    const x = torch.tensor([1, -2, 3], { requires_grad: true });
    relu(x).sum().backward();
    expect(x.grad!.tolist()).toEqual([0, 0, 0]);
  });

  it("tensor hooks on activations work alongside module hooks", () => {
    const model = new nn.Sequential(new nn.Linear(2, 3), new nn.Tanh());
    const grads: number[][] = [];
    model[1].register_forward_hook((_m, _a, out) => void (out as Tensor).register_hook((g) => void grads.push(g.shape.slice())));
    model(torch.randn(5, 2)).sum().backward();
    expect(grads).toEqual([[5, 3]]);
  });
});

describe("printing", () => {
  const reprs = fixture<Record<string, string>>("nn/repr.json");
  const built: Record<string, () => nn.Module> = {
    mlp: () => new nn.Sequential(new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 10)),
    nested: () =>
      new nn.Sequential(
        new nn.Sequential(new nn.Linear(2, 3, false), new nn.Tanh()),
        new nn.ModuleList([new nn.Identity(), new nn.Flatten()]),
        new nn.BatchNorm1d(16),
        new nn.Dropout(0.2),
      ),
    Sigmoid: () => new nn.Sigmoid(),
    Tanh: () => new nn.Tanh(),
    ReLU: () => new nn.ReLU(),
    LeakyReLU: () => new nn.LeakyReLU(),
    "LeakyReLU_0.2": () => new nn.LeakyReLU(0.2),
    PReLU: () => new nn.PReLU(),
    PReLU_3: () => new nn.PReLU(3, 0.1),
    ELU: () => new nn.ELU(),
    "ELU_0.5": () => new nn.ELU(0.5),
    SELU: () => new nn.SELU(),
    Softmax: () => new nn.Softmax({ dim: 1 }),
    Softmax_none: () => new nn.Softmax(),
    LogSoftmax: () => new nn.LogSoftmax({ dim: -1 }),
    GELU: () => new nn.GELU(),
    GELU_tanh: () => new nn.GELU({ approximate: "tanh" }),
    SiLU: () => new nn.SiLU(),
    Softplus: () => new nn.Softplus(),
    Softplus_2: () => new nn.Softplus({ beta: 2, threshold: 10 }),
    Linear: () => new nn.Linear(3, 4),
    Linear_nobias: () => new nn.Linear(3, 4, { bias: false }),
    Identity: () => new nn.Identity(),
    Flatten: () => new nn.Flatten(),
    Flatten_0: () => new nn.Flatten(0, 2),
    Dropout: () => new nn.Dropout(),
    BatchNorm1d: () => new nn.BatchNorm1d(128),
    BatchNorm1d_opts: () => new nn.BatchNorm1d(8, { eps: 1e-3, momentum: null, affine: false }),
    BatchNorm1d_m: () => new nn.BatchNorm1d(8, { momentum: 0.01, track_running_stats: false }),
    MSELoss: () => new nn.MSELoss(),
    L1Loss: () => new nn.L1Loss({ reduction: "sum" }),
    BCELoss: () => new nn.BCELoss(),
    BCEWithLogitsLoss: () => new nn.BCEWithLogitsLoss(),
    CrossEntropyLoss: () => new nn.CrossEntropyLoss(),
    NLLLoss: () => new nn.NLLLoss(),
    ModuleList: () => new nn.ModuleList([new nn.Linear(1, 2), new nn.ReLU()]),
    empty_Sequential: () => new nn.Sequential(),
  };
  for (const [name, expected] of Object.entries(reprs)) {
    it(`${name} prints as PyTorch does`, () => expect(String(built[name]())).toBe(expected));
  }

  it("custom modules print their class name and children", () => {
    expect(String(new Net())).toBe(
      "Net(\n  (fc1): Linear(in_features=2, out_features=4, bias=True)\n  (act): ReLU()\n  (fc2): Linear(in_features=4, out_features=1, bias=True)\n)",
    );
  });

  it("a parameter prints like PyTorch's", () => {
    const p = new nn.Parameter(torch.tensor([1, 2]));
    expect(String(p)).toBe("Parameter containing:\ntensor([1., 2.], requires_grad=True)");
  });
});

describe("F.linear and nn.Linear", () => {
  const lin = fixture<{ linear: { weight: FT; bias: FT; input: FT; output: FT; grad_fn: string; grad_fn_1d: string; grad_fn_nobias: string; output_1d: FT } }>("nn/layers.json").linear;
  it("matches PyTorch, and grad_fn names match (AddmmBackward0 for 2-D input)", () => {
    const x = tensorOf(lin.input, torch.float64, true);
    const w = tensorOf(lin.weight);
    const b = tensorOf(lin.bias);
    const y = F.linear(x, w, b);
    expectClose(y, lin.output, { rtol: 1e-12 });
    expect(y.grad_fn!.name()).toBe(lin.grad_fn);
    const y1 = F.linear(x.index(0), w, b);
    expect(y1.grad_fn!.name()).toBe(lin.grad_fn_1d);
    expectClose(y1, lin.output_1d, { rtol: 1e-12 });
    expect(F.linear(x, w).grad_fn!.name()).toBe(lin.grad_fn_nobias);
    const m = new nn.Linear(3, 2).double();
    m.load_state_dict({ weight: w, bias: b });
    expect(String(m(x))).toContain("grad_fn=<AddmmBackward0>");
  });
});
