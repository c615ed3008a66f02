/**
 * The "Modules" note (docs/notes/modules) and the "Autograd mechanics" note, line by line:
 * MyLinear and DynamicNet (ModuleList / ModuleDict; named_parameters, the output, the printed
 * repr), named_modules with a prefix and remove_duplicate, apply(init_weights), the note's training
 * loop, train() / eval() and `training`, buffers (RunningMean; register_buffer with persistent=False),
 * register_parameter and None entries, state_dict keys and load_state_dict(strict=False) reporting
 * missing / unexpected keys as torch prints them, to_empty and the 'meta' device, the hooks section,
 * zero_grad(set_to_none) and requires_grad_; then version counters and the in-place error,
 * leaves and retain_grad, no_grad, inference_mode and set_grad_enabled (a function and a context).
 * Values from torch 1.13 (modules5.json, scripts/fixtures/tutorial5_fixtures.py).
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectClose } from "../core/fixtures";
import { tutorialFixture } from "./helpers";

type FT = { shape: number[]; data: number[] };
type Err = [string, string];
const ref = tutorialFixture<{
  mylinear_out: FT; mylinear_params: Record<string, FT>;
  dynamic_relu: FT; dynamic_lrelu: FT; dynamic_param_names: string[]; dynamic_repr: string;
  dynamic_modules: string[]; dynamic_modules_prefixed: string[]; dynamic_children: string[]; dynamic_params_prefixed: string[]; dynamic_own_params: string[];
  shared_modules: string[]; shared_modules_all: string[]; shared_children: string[]; shared_params: string[];
  applied: Record<string, FT>; trained: Record<string, FT>; train_losses: number[]; eval_flags: boolean[];
  modal_x: FT; modal_train: FT; modal_eval: FT; modal_repr: string;
  running_mean: FT; running_state_keys: string[]; running_eval_out: FT;
  stateful_keys: string[]; stateful_buffers: string[]; stateful_params: string[]; stateful_repr: string;
  load_all: string; loaded_equal: boolean; loaded_buffer2_kept: boolean;
  load_nonstrict: { missing: string[]; unexpected: string[]; str: string }; load_strict_error: Err; load_size_error: Err;
  to_empty: [number[], string, boolean, boolean, boolean];
  registration_errors: Record<string, Err | null>; registration_after: string[][];
  hooks: { plain: FT; pre: FT; both: FT; removed: FT; x_grad: FT; x_grad_hooked: FT; w_grad_hooked: FT; after_set_to_none: boolean; requires_grad_off: boolean[] };
  autograd: {
    versions: number[]; inplace_error: Err; leaf: boolean[]; retained: [FT, boolean, FT]; nonleaf_requires_grad_error: Err; nonleaf_grad_none: boolean;
    no_grad: boolean; inference: boolean[]; inference_inplace_error: Err; set_grad_fn: boolean[]; set_grad_ctx: boolean; after_ctx: boolean[];
    finetune_grads: boolean[]; finetune_last_w_grad: FT;
  };
}>("modules5.json");
const exact = [0, 0] as const;
const names = (pairs: [string, unknown][]) => pairs.map(([n]) => n);

class MyLinear extends nn.Module {
  weight: nn.Parameter;
  bias: nn.Parameter;
  constructor(in_features: number, out_features: number) {
    super();
    this.weight = new nn.Parameter(torch.randn(in_features, out_features));
    this.bias = new nn.Parameter(torch.randn(out_features));
  }
  forward(input: Tensor): Tensor {
    return input.matmul(this.weight).add(this.bias);
  }
}

class DynamicNet extends nn.Module {
  linears: nn.ModuleList;
  activations: nn.ModuleDict;
  final: MyLinear;
  constructor(num_layers: number) {
    super();
    this.linears = new nn.ModuleList(Array.from({ length: num_layers }, () => new MyLinear(4, 4)));
    this.activations = new nn.ModuleDict({ relu: new nn.ReLU(), lrelu: new nn.LeakyReLU() });
    this.final = new MyLinear(4, 1);
  }
  forward(x: Tensor, act: string): Tensor {
    for (const linear of this.linears) {
      x = (linear as MyLinear)(x);
      x = (this.activations.get(act) as nn.ReLU)(x);
    }
    return this.final(x);
  }
}

class ModalModule extends nn.Module {
  forward(x: Tensor): Tensor {
    return this.training ? x : x.neg();
  }
}

class RunningMean extends nn.Module {
  declare mean: Tensor;
  constructor(num_features: number, readonly momentum = 0.9) {
    super();
    this.register_buffer("mean", torch.zeros(num_features));
  }
  forward(x: Tensor): Tensor {
    this.mean = this.mean.mul(this.momentum).add(x.mul(1.0 - this.momentum));
    return this.mean;
  }
}

class StatefulModule extends nn.Module {
  param1: nn.Parameter;
  param_list: nn.ParameterList;
  param_dict: nn.ParameterDict;
  linear: nn.Linear;
  declare buffer2: Tensor;
  constructor() {
    super();
    this.param1 = new nn.Parameter(torch.randn(2));
    this.register_parameter("param2", new nn.Parameter(torch.randn(3)));
    this.register_parameter("param3", null); // reserved: never in the state_dict
    this.param_list = new nn.ParameterList(Array.from({ length: 3 }, () => new nn.Parameter(torch.randn(2))));
    // a plain dict: torch 1.13's ParameterDict adds its items sorted by key (bar before foo)
    this.param_dict = new nn.ParameterDict({ foo: new nn.Parameter(torch.randn(3)), bar: new nn.Parameter(torch.randn(4)) });
    this.register_buffer("buffer1", torch.randn(4), { persistent: true });
    this.register_buffer("buffer2", torch.randn(5), { persistent: false });
    this.register_buffer("buffer3", null);
    this.linear = new nn.Linear(2, 3);
  }
}

describe("Modules note: building modules", () => {
  it("MyLinear and DynamicNet: parameters, outputs and the printed repr equal torch's", () => {
    torch.manual_seed(0);
    const m = new MyLinear(4, 3);
    const sample_input = torch.randn(4);
    expectClose(m(sample_input), ref.mylinear_out.data, 1e-6, 1e-6, "MyLinear output");
    for (const [name, p] of m.named_parameters()) expectClose(p, ref.mylinear_params[name].data, ...exact, name);

    torch.manual_seed(0);
    const dynamic_net = new DynamicNet(3);
    const x = torch.randn(4);
    expectClose(dynamic_net(x, "relu"), ref.dynamic_relu.data, 1e-5, 1e-6, "relu");
    expectClose(dynamic_net(x, "lrelu"), ref.dynamic_lrelu.data, 1e-5, 1e-6, "lrelu");
    expect(names(dynamic_net.named_parameters())).toEqual(ref.dynamic_param_names);
    expect(String(dynamic_net)).toBe(ref.dynamic_repr);
    expect(names(dynamic_net.named_modules())).toEqual(ref.dynamic_modules);
    expect(names(dynamic_net.named_modules({ prefix: "net" }))).toEqual(ref.dynamic_modules_prefixed);
    expect(names(dynamic_net.named_modules(null, "net"))).toEqual(ref.dynamic_modules_prefixed);
    expect(names(dynamic_net.named_children())).toEqual(ref.dynamic_children);
    expect(names(dynamic_net.named_parameters({ prefix: "net", recurse: true }))).toEqual(ref.dynamic_params_prefixed);
    expect(names(dynamic_net.final.named_parameters({ recurse: false }))).toEqual(ref.dynamic_own_params);
  });

  it("a module used twice: named_modules lists it once, or under every name with remove_duplicate=false", () => {
    const l = new nn.Linear(2, 2);
    const shared = new nn.Sequential(l, new nn.ReLU(), l);
    expect(names(shared.named_modules())).toEqual(ref.shared_modules);
    expect(names(shared.named_modules({ remove_duplicate: false }))).toEqual(ref.shared_modules_all);
    expect(names(shared.named_modules(null, "", false))).toEqual(ref.shared_modules_all);
    expect(names(shared.named_children())).toEqual(ref.shared_children);
    expect(names(shared.named_parameters())).toEqual(ref.shared_params);
    expect(() => shared.named_modules({ remove_duplicate: 1 as unknown as boolean })).toThrow(/remove_duplicate/);
    expect(() => shared.named_modules({ prefx: "a" } as never)).toThrow(/named_modules\(\) got an unexpected keyword argument 'prefx'/);
  });

  it("apply(init_weights) initialises every Linear with xavier_normal_ and a zero bias, drawing torch's numbers", () => {
    torch.manual_seed(0);
    const my_net = new nn.Sequential(new nn.Linear(4, 3), new nn.ReLU(), new nn.Linear(3, 1));
    const init_weights = (m: nn.Module) => {
      if (m instanceof nn.Linear) {
        nn.init.xavier_normal_(m.weight);
        m.bias!.data.fill_(0.0);
      }
    };
    torch.manual_seed(1);
    expect(my_net.apply(init_weights)).toBe(my_net);
    for (const [name, p] of my_net.named_parameters()) expectClose(p, ref.applied[name].data, 1e-6, 1e-7, name);
  });

  it("the note's training loop (SGD, momentum, weight decay on |net(x)|) follows torch's parameters", () => {
    torch.manual_seed(0);
    const net = new nn.Sequential(new MyLinear(4, 3), new nn.ReLU(), new MyLinear(3, 1));
    const optimizer = new torch.optim.SGD(net.parameters(), { lr: 1e-4, weight_decay: 1e-2, momentum: 0.9 });
    const losses: number[] = [];
    for (let i = 0; i < 300; i++) {
      const input = torch.randn(4);
      const output = net(input);
      const loss = torch.abs(output);
      net.zero_grad();
      loss.backward();
      optimizer.step();
      losses.push(loss.item() as number);
    }
    expectClose(torch.tensor(losses), ref.train_losses, 1e-4, 1e-5, "losses");
    for (const [name, p] of net.named_parameters()) expectClose(p, ref.trained[name].data, 1e-4, 1e-5, name);
    net.eval();
    expect(net.modules().map((m) => m.training)).toEqual(ref.eval_flags);
  });

  it("train() / eval() switch `training`, which forward may read", () => {
    const m = new ModalModule();
    const x = torch.tensor(ref.modal_x.data);
    expect(m.training).toBe(true);
    expectClose(m(x), ref.modal_train.data, ...exact, "train mode");
    expect(m.eval()).toBe(m);
    expectClose(m(x), ref.modal_eval.data, ...exact, "eval mode");
    expect(String(m)).toBe(ref.modal_repr);
    expect(m.train().training).toBe(true);
    expect(m.train(false).training).toBe(false);
  });
});

describe("Modules note: state", () => {
  it("RunningMean keeps its statistic in a buffer, saved in the state_dict", () => {
    torch.manual_seed(0);
    const m = new RunningMean(4);
    for (let i = 0; i < 10; i++) m(torch.randn(4));
    expectClose(m.mean, ref.running_mean.data, 1e-6, 1e-7, "mean");
    expect(Object.keys(m.state_dict())).toEqual(ref.running_state_keys);
    expect(names(m.named_parameters())).toEqual([]);
    m.eval();
    expectClose(m(torch.randn(4)), ref.running_eval_out.data, 1e-6, 1e-7, "still updating in eval mode");
  });

  it("StatefulModule: parameters, None entries, ParameterList / ParameterDict and (non-)persistent buffers", () => {
    torch.manual_seed(0);
    const m = new StatefulModule();
    expect(Object.keys(m.state_dict())).toEqual(ref.stateful_keys);
    expect(names(m.named_buffers())).toEqual(ref.stateful_buffers);
    expect(names(m.named_parameters())).toEqual(ref.stateful_params);
    expect(String(m)).toBe(ref.stateful_repr);
    // an ordered source keeps its order: a Map, another ParameterDict
    const ordered = new nn.ParameterDict(new Map([["foo", new nn.Parameter(torch.zeros(1))], ["bar", new nn.Parameter(torch.zeros(1))]]));
    expect(ordered.keys()).toEqual(["foo", "bar"]);
    expect(new nn.ParameterDict().update(ordered).keys()).toEqual(["foo", "bar"]);
    expect(new nn.ModuleDict().update(new nn.ModuleDict({ b: new nn.ReLU(), a: new nn.Tanh() })).keys()).toEqual(["b", "a"]);

    const sd = m.state_dict();
    torch.manual_seed(5);
    const loaded = new StatefulModule();
    expect(String(loaded.load_state_dict(sd))).toBe(ref.load_all);
    expect(Object.entries(loaded.state_dict()).every(([k, v]) => v.equal(sd[k]))).toBe(ref.loaded_equal);
    expect(!loaded.buffer2.equal(m.buffer2)).toBe(ref.loaded_buffer2_kept); // not in the state_dict, so not loaded

    const partial = { param1: torch.zeros(2), "linear.bias": torch.zeros(3), extra: torch.zeros(1), "linear.extra": torch.ones(1) };
    expect(() => loaded.load_state_dict(partial)).toThrow(ref.load_strict_error[1]);
    expect(loaded.param1.equal(sd.param1)).toBe(true); // a failing load copies nothing
    const res = loaded.load_state_dict(partial, { strict: false });
    expect(res.missing_keys).toEqual(ref.load_nonstrict.missing);
    expect(res.unexpected_keys).toEqual(ref.load_nonstrict.unexpected);
    expect(String(res)).toBe(ref.load_nonstrict.str);
    expect(loaded.param1.tolist()).toEqual([0, 0]);
    expect(loaded.linear.bias!.tolist()).toEqual([0, 0, 0]);
    expect(() => loaded.load_state_dict({ param1: torch.zeros(3) }, false)).toThrow(ref.load_size_error[1]);
  });

  it("to_empty replaces storage keeping shape, dtype and the Parameter; device 'meta' is refused honestly", () => {
    torch.manual_seed(0);
    const e = new nn.Linear(5, 3).double();
    const before = e.weight;
    expect(e.to_empty({ device: "cpu" })).toBe(e);
    const [shape, dtype, same, isParam, requiresGrad] = ref.to_empty;
    expect([e.weight.shape, String(e.weight.dtype), e.weight === before, e.weight instanceof nn.Parameter, e.weight.requires_grad]).toEqual([shape, dtype, same, isParam, requiresGrad]);
    expect(e(torch.zeros([2, 5], { dtype: torch.float64 })).shape).toEqual([2, 3]);
    expect(() => e.to_empty({ device: "meta" })).toThrow(/to_empty\('meta'\): Gradbook's tensor engine runs on the CPU only/);
    expect(() => (e.to_empty as (...a: unknown[]) => unknown)("cpu")).toThrow(/device is keyword-only/);
    expect(() => (e.to_empty as (...a: unknown[]) => unknown)({})).toThrow(/missing 1 required keyword-only argument: 'device'/);
    expect(() => new nn.Linear(5, 3, { device: "meta" })).toThrow(/device 'meta' is not available/);
  });
});

describe("Modules note: registration rules", () => {
  it("bad names and values raise PyTorch's errors and register nothing", () => {
    const m = new nn.Linear(2, 2);
    m.register_buffer("z", null);
    const e = ref.registration_errors;
    const raises = (key: string, fn: () => unknown) => {
      const [type, message] = e[key]!;
      let caught: Error | null = null;
      try {
        fn();
      } catch (err) {
        caught = err as Error;
      }
      expect(caught, key).not.toBeNull();
      expect([caught!.name, caught!.message], key).toEqual([type, message]);
    };
    const anyM = m as unknown as Record<string, (...a: unknown[]) => unknown>;
    raises("buffer_dot", () => m.register_buffer("a.b", torch.zeros(1)));
    raises("buffer_empty", () => m.register_buffer("", torch.zeros(1)));
    raises("buffer_taken", () => m.register_buffer("weight", torch.zeros(1)));
    raises("buffer_method", () => m.register_buffer("forward", torch.zeros(1)));
    raises("buffer_int", () => anyM.register_buffer("x", 3));
    raises("buffer_name_int", () => anyM.register_buffer(3, torch.zeros(1)));
    raises("param_tensor", () => anyM.register_parameter("y", torch.zeros(1)));
    raises("param_double_tensor", () => anyM.register_parameter("y", torch.zeros([1], { dtype: torch.float64 })));
    raises("param_dot", () => m.register_parameter("a.b", null));
    raises("param_on_buffer", () => m.register_parameter("z", null));
    expect(e.param_replace).toBeNull();
    m.register_parameter("bias", new nn.Parameter(torch.zeros(1))); // a parameter may replace a parameter
    raises("module_taken", () => m.add_module("weight", new nn.ReLU()));
    raises("module_dot", () => m.add_module("a.b", new nn.ReLU()));
    raises("module_empty", () => m.add_module("", new nn.ReLU()));
    raises("submodule", () => m.get_submodule("foo"));
    raises("train_str", () => anyM.train("yes"));
    expect([names(m.named_parameters()), names(m.named_buffers()), names(m.named_children())]).toEqual(ref.registration_after);
  });
});

describe("Modules note: hooks", () => {
  it("forward pre-hooks, forward hooks and a full backward hook change inputs, outputs and gradients as torch's", () => {
    torch.manual_seed(1);
    const forward_pre_hook = (_m: nn.Module, inputs: unknown[]) => (inputs[0] as Tensor).add(1);
    const forward_hook = (_m: nn.Module, inputs: unknown[], output: unknown) => (output as Tensor).add(inputs[0] as Tensor);
    const backward_hook = (_m: nn.Module, grad_inputs: (Tensor | null)[]) => grad_inputs.map((gi) => torch.ones_like(gi!).mul(42));
    const m = new nn.Linear(3, 3);
    const x = torch.randn([2, 3], { requires_grad: true });
    const h = ref.hooks;
    expectClose(m(x), h.plain.data, 1e-6, 1e-6, "no hooks");
    const pre = m.register_forward_pre_hook(forward_pre_hook);
    expectClose(m(x), h.pre.data, 1e-6, 1e-6, "pre hook");
    const fwd = m.register_forward_hook(forward_hook);
    expectClose(m(x), h.both.data, 1e-6, 1e-6, "both hooks");
    pre.remove();
    fwd.remove();
    expectClose(m(x), h.removed.data, 1e-6, 1e-6, "removed");
    m(x).sum().backward();
    expectClose(x.grad!, h.x_grad.data, 1e-6, 1e-6, "x.grad");
    m.zero_grad();
    x.grad!.zero_();
    m.register_full_backward_hook(backward_hook);
    m(x).sum().backward();
    expectClose(x.grad!, h.x_grad_hooked.data, ...exact, "x.grad with the hook");
    expectClose(m.weight.grad!, h.w_grad_hooked.data, 1e-6, 1e-6, "weight.grad");
    m.zero_grad({ set_to_none: true });
    expect(m.weight.grad === null).toBe(h.after_set_to_none);
    m.requires_grad_(false);
    expect(m.parameters().map((p) => p.requires_grad)).toEqual(h.requires_grad_off);
  });
});

describe("Autograd mechanics", () => {
  afterEach(() => torch.set_grad_enabled(true)); // engine-wide: leave grad mode on, as found

  it("version counters and the in-place error; leaves, retain_grad and requires_grad", () => {
    const g = ref.autograd;
    const a = torch.tensor([1, 2], { requires_grad: true });
    let b = a.sigmoid();
    const c = b.mul(2);
    b.mul_(2);
    expect([b._version, a._version]).toEqual(g.versions);
    // torch's message, with the engine's own hint after it
    const torchMessage = g.inplace_error[1].split(" Hint:")[0];
    expect(() => c.sum().backward()).toThrow(torchMessage.slice(0, torchMessage.length - 1)); // up to "expected version 0 instead"

    b = a.mul(2);
    expect([a.is_leaf, b.is_leaf, b.requires_grad, a.detach().is_leaf, a.detach().requires_grad]).toEqual(g.leaf);
    b.retain_grad();
    b.mul(b).sum().backward();
    expectClose(b.grad!, g.retained[0].data, ...exact, "b.grad");
    expect(b.retains_grad).toBe(g.retained[1]);
    expectClose(a.grad!, g.retained[2].data, ...exact, "a.grad");
    expect(() => b.requires_grad_(false)).toThrow(g.nonleaf_requires_grad_error[1]);
    const d = a.mul(3);
    d.mul(d).sum().backward();
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      expect(d.grad === null || d.grad === undefined).toBe(g.nonleaf_grad_none);
    } finally {
      warn.mockRestore();
    }
  });

  it("no_grad, inference_mode and set_grad_enabled (a function and a context)", () => {
    const g = ref.autograd;
    const a = torch.tensor([1, 2], { requires_grad: true });
    expect(torch.no_grad(() => a.mul(2).requires_grad)).toBe(g.no_grad);
    const z = torch.inference_mode(() => {
      const t = a.mul(2);
      expect([t.requires_grad, t.is_inference(), torch.is_inference_mode_enabled()]).toEqual(g.inference);
      t.add_(1); // inside inference mode an inference tensor may change
      return t;
    });
    const zBefore = z.tolist() as number[];
    expect(() => z.add_(1)).toThrow(g.inference_inplace_error[1]);
    expect(() => z.index("0:1").mul_(2)).toThrow(g.inference_inplace_error[1]);
    expect(z.tolist()).toEqual(zBefore); // the refused update changed nothing
    expect(z.clone().add_(1).tolist()).toEqual(zBefore.map((v) => v + 1)); // the message's advice works

    torch.set_grad_enabled(false);
    expect([a.mul(2).requires_grad, torch.is_grad_enabled()]).toEqual(g.set_grad_fn);
    torch.set_grad_enabled(true);
    expect(torch.set_grad_enabled(false, () => a.mul(2).requires_grad)).toBe(g.set_grad_ctx);
    expect([a.mul(2).requires_grad, torch.is_grad_enabled()]).toEqual(g.after_ctx);
  });

  it("freezing a pretrained base with requires_grad = false: only the new head gets gradients", () => {
    const g = ref.autograd;
    torch.manual_seed(0);
    const model = new nn.Sequential(new nn.Linear(4, 3), new nn.Linear(3, 2));
    for (const param of model.parameters()) param.requires_grad = false;
    model[1] = new nn.Linear(3, 2); // model[1] = nn.Linear(3, 2): the child is an own property
    const x = torch.randn(5, 4);
    model(x).sum().backward();
    expect(model.parameters().map((p) => p.grad !== null && p.grad !== undefined)).toEqual(g.finetune_grads);
    expectClose((model[1] as nn.Linear).weight.grad!, g.finetune_last_w_grad.data, 1e-6, 1e-6, "head weight grad");
  });
});
