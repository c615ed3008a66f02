/**
 * Gaps the fourth tutorial batch found (tests/unit/tensor/tutorials/*4.test.ts), against torch 1.13
 * (gaps4.json, scripts/fixtures/tutorial4_fixtures.py): gather / scatter / scatter_add count a 0-d
 * self, index or src as 1-d of size 1 (the Datasets & DataLoaders tutorial's one-hot
 * `torch.zeros(10).scatter_(0, torch.tensor(y), value=1)`), and scatter_ takes value= / src= by keyword;
 * hooks on every module (torch.nn.modules.module.register_module_forward_pre_hook / _forward_hook /
 * _full_backward_hook) run before each module's own, may replace outputs and grad_input, and are removable.
 */
import { describe, expect, it } from "vitest";
import { nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { deepcopyModule } from "../../../../lib/tensor/nn/deepcopy";
import { tutorialFixture } from "../tutorials/helpers";

type TD = { shape: number[]; dtype: string; data: number[] };
/** An int64 index tensor: JS numbers carry no int type, so torch.tensor(3) is float32 here; torch.long says it. */
const L = (v: number | number[]) => torch.tensor(v, { dtype: torch.long });
const ref = tutorialFixture<Record<string, TD> & {
  global_hook_order: string[]; post_hook_seen: [string, string[], string[], number | null][]; post_hook_result: string[][]; unhooked_result: string[][];
}>("gaps4.json");
const same = (t: Tensor, r: TD) => {
  expect(t.shape).toEqual(r.shape);
  expect(String(t.dtype)).toBe(`torch.${r.dtype}`);
  expect(t.reshape(-1).tolist()).toEqual(r.data);
};

describe("gather / scatter with 0-d tensors, scatter_'s keywords", () => {
  it("equal torch's values and shapes", () => {
    same(torch.zeros(10, { dtype: torch.float }).scatter_(0, L(3), { value: 1 }), ref.one_hot);
    same(torch.zeros(5).scatter_(0, L([4, 1]), { src: torch.tensor([7, 8]) }), ref.scatter_src_kw);
    same(torch.zeros(4).scatter(0, L([2]), torch.tensor(5)), ref.scatter_0d_src);
    same(torch.arange(4).to(torch.float32).scatter_add(0, L(1), torch.tensor(5)), ref.scatter_add_0d);
    same(torch.tensor(2).scatter(0, L([0]), 9), ref.scatter_0d_self);
    same(torch.tensor(2).gather(0, L([0, 0])), ref.gather_0d_self);
    same(torch.arange(5).to(torch.float32).gather(0, L(3)), ref.gather_0d_index);
    same(torch.ones(4).scatter_(0, L(2), 3, { reduce: "add" }), ref.scatter_reduce_add);
    same(torch.ones(4).scatter_(0, L(2), { value: 3, reduce: "add" }), ref.scatter_reduce_add);
  });

  it("keeps torch's errors: a 0-d index into a 2-d self, both or neither of src / value", () => {
    const x = torch.zeros(2, 3);
    expect(() => x.scatter(0, L(1), 1)).toThrow(/Index tensor must have the same number of dimensions/);
    expect(x.sum().item()).toBe(0);
    expect(() => torch.zeros(3).scatter_(0, L(1), { src: torch.ones(1), value: 1 })).toThrow(/both src and value/);
    expect(() => torch.zeros(3).scatter_(0, L(1), {})).toThrow(/missing 1 required positional argument: 'src'/);
    expect(() => torch.zeros(3).scatter_(0, L(1), { values: 1 } as never)).toThrow(/unexpected keyword argument 'values'/);
  });

  it("gradchecks in float64 through the lifted 0-d forms", () => {
    const opts = { dtype: torch.float64, requires_grad: true };
    const a = torch.tensor(1.5, opts);
    const src = torch.tensor(0.7, opts);
    const v = torch.randn([5], { generator: new torch.Generator(1), ...opts });
    expect(torch.autograd.gradcheck((s: Tensor, t: Tensor) => s.gather(0, L([0, 0])).mul(t.index(":2")), [a, v])).toBe(true);
    expect(torch.autograd.gradcheck((t: Tensor) => t.gather(0, L(3)), [v])).toBe(true);
    expect(torch.autograd.gradcheck((t: Tensor, s: Tensor) => t.scatter(0, L(2), s), [v, src])).toBe(true);
    expect(torch.autograd.gradcheck((t: Tensor, s: Tensor) => t.scatter_add(0, L(1), s), [v, src])).toBe(true);
    expect(torch.autograd.gradcheck((s: Tensor) => s.scatter(0, L([0]), 4), [a])).toBe(true);
  });
});

describe("hooks on every module (torch.nn.modules.module.register_module_*_hook)", () => {
  const { register_module_forward_pre_hook, register_module_forward_hook, register_module_full_backward_hook } = nn.modules.module;
  function model(): [nn.Sequential, Tensor] {
    torch.manual_seed(0);
    const net = new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU(), new nn.Linear(4, 2));
    return [net, torch.randn([5, 3], { requires_grad: true })];
  }

  it("fire before each module's own hooks, in torch's order", () => {
    const [net, x] = model();
    const names = new Map<nn.Module, string>([[net, "seq"], [net.get(0), "lin1"], [net.get(1), "relu"], [net.get(2), "lin2"]]);
    const order: string[] = [];
    const handles = [
      register_module_forward_pre_hook((m) => void order.push(`global pre ${names.get(m)}`)),
      register_module_forward_hook((m) => void order.push(`global fwd ${names.get(m)}`)),
      register_module_full_backward_hook((m) => void order.push(`global bwd ${names.get(m)}`)),
      net.get(2).register_forward_pre_hook(() => void order.push("own pre lin2")),
      net.get(2).register_forward_hook(() => void order.push("own fwd lin2")),
      net.get(2).register_full_backward_hook(() => void order.push("own bwd lin2")),
    ];
    try {
      net(x).sum().backward();
    } finally {
      for (const h of handles) h.remove(); // global state: never leave a hook behind for other files
    }
    expect(order).toEqual(ref.global_hook_order);
    order.length = 0;
    net(x).sum().backward();
    expect(order).toEqual([]);
  });

  it("may replace every Linear's output and a ReLU's grad_input; removed, the model is as before", () => {
    const [net, x] = model();
    const h1 = register_module_forward_hook((m, _inp, outp) => (m instanceof nn.Linear ? (outp as Tensor).mul(2) : undefined));
    const h2 = register_module_full_backward_hook((m, gi) => (m instanceof nn.ReLU ? gi.map((g) => (g === null ? null : g.mul(2))) : undefined));
    let y: Tensor | undefined;
    try {
      y = net(x);
      y.sum().backward();
    } finally {
      h1.remove();
      h2.remove();
    }
    const close = (t: Tensor, r: TD) => expect(t.allclose(torch.tensor(r.data).reshape(r.shape), { rtol: 1e-5, atol: 1e-7 })).toBe(true);
    close(y!.detach(), ref.global_scaled_out);
    close(x.grad!, ref.global_doubled_x_grad);
    x.grad = null;
    net(x).sum().backward();
    close(x.grad!, ref.after_remove_x_grad);
    expect(() => (register_module_forward_hook as (...a: unknown[]) => unknown)(() => undefined, { zzz: 1 })).toThrow(/takes 1 positional argument but 2 were given/);
  });

  it("reach the submodules of fused layers too (a conv-relu-pool run falls back to the modules; the encoder layer checks the same)", () => {
    torch.manual_seed(0);
    const layer = new nn.TransformerEncoderLayer(8, 2, { dim_feedforward: 16, dropout: 0, batch_first: true });
    layer.eval();
    const seen = new Set<string>();
    const h = register_module_forward_hook((m) => void seen.add(m.constructor.name));
    try {
      torch.no_grad(() => layer(torch.randn(2, 3, 8)));
    } finally {
      h.remove();
    }
    expect([...seen].sort()).toEqual(expect.arrayContaining(["LayerNorm", "Linear", "MultiheadAttention", "TransformerEncoderLayer"]));
    const net = new nn.Sequential(new nn.Conv2d(1, 2, 3), new nn.ReLU(), new nn.MaxPool2d(2));
    const calls: string[] = [];
    const h2 = register_module_forward_hook((m) => void calls.push(m.constructor.name));
    try {
      net(torch.randn(1, 1, 6, 6));
    } finally {
      h2.remove();
    }
    expect(calls).toEqual(["Conv2d", "ReLU", "MaxPool2d", "Sequential"]);
  });
});

describe("Module.register_load_state_dict_post_hook", () => {
  it("runs after each module is loaded with the keys found so far; the root's hook may clear them for strict=True", () => {
    torch.manual_seed(0);
    const m = new nn.Sequential(new nn.Linear(2, 2), new nn.Linear(2, 1));
    const sd2: Record<string, Tensor> = {};
    for (const [k, v] of Object.entries(m.state_dict())) if (k !== "1.bias") sd2[k] = v.mul(0).add(0.5);
    sd2["extra.weight"] = torch.zeros(1);
    sd2["0.extra"] = torch.zeros(1);
    const seen: [string, string[], string[], number | null][] = [];
    const post = (mod: nn.Module, inc: { missing_keys: string[]; unexpected_keys: string[] }) => {
      seen.push([mod.constructor.name, [...inc.missing_keys], [...inc.unexpected_keys], mod instanceof nn.Sequential ? (mod.state_dict()["0.weight"].sum().item() as number) : null]);
      if (mod instanceof nn.Sequential) {
        inc.missing_keys.length = 0;
        inc.unexpected_keys.length = 0;
      }
    };
    m.get(0).register_load_state_dict_post_hook(post);
    const handle = m.register_load_state_dict_post_hook(post);
    let r = m.load_state_dict(sd2); // strict: the root's hook cleared both lists
    expect([r.missing_keys, r.unexpected_keys]).toEqual(ref.post_hook_result);
    handle.remove();
    r = m.load_state_dict(sd2, { strict: false });
    expect([r.missing_keys, r.unexpected_keys]).toEqual(ref.unhooked_result);
    expect(seen).toEqual(ref.post_hook_seen); // the child's hook ran again on the second load
    expect(() => m.load_state_dict(sd2)).toThrow(/Missing key\(s\) in state_dict: "1.bias"/);

    const bad = new nn.Linear(2, 1);
    bad.register_load_state_dict_post_hook(() => 1);
    expect(() => bad.load_state_dict(bad.state_dict())).toThrow(/are notexpected to return new values/);
    expect(bad._load_state_dict_post_hooks.size).toBe(1);
    // a deep copy keeps the hooks, as PyTorch's copy.deepcopy copies _load_state_dict_post_hooks
    const copied = deepcopyModule(bad);
    expect(copied._load_state_dict_post_hooks.size).toBe(1);
    expect(() => copied.load_state_dict(copied.state_dict())).toThrow(/are notexpected to return new values/);
  });
});
