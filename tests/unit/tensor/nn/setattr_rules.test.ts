/**
 * torch 1.13's Module.__setattr__ rules for names holding a parameter, a child or a buffer (nn/slot_guards.ts),
 * checked once a module has been walked (parameters(), state_dict(), ...). The messages are torch 1.13's, printed by
 * /usr/bin/python3 (python3-torch 1.13) for the same assignments: e.g. `m = nn.Linear(2, 3); m.weight = torch.randn(3, 2)`.
 */
import { describe, expect, it } from "vitest";
import { copy, nn, torch, type Tensor } from "../../../../lib/tensor/index";

type Slots = Record<string, unknown>;

function error(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return `${(e as { name: string }).name}: ${(e as Error).message}`;
  }
  return "no error";
}

const names = (m: nn.Module): string[] => m.named_parameters().map(([k]) => k);

class WithBuffer extends nn.Module {
  fc = new nn.Linear(2, 2);
  constructor() {
    super();
    this.register_buffer("rb", torch.zeros(2));
  }
}

describe("assigning over a registered name, as torch's Module.__setattr__", () => {
  it("a parameter's name takes a Parameter or None; anything else raises torch's TypeError and the parameter stays", () => {
    const m = new nn.Linear(2, 3);
    m.parameters();
    const weight = m.weight;
    const slots = m as unknown as Slots;
    expect(error(() => (slots.weight = torch.randn(3, 2)))).toBe("TypeError: cannot assign 'torch.FloatTensor' as parameter 'weight' (torch.nn.Parameter or None expected)");
    expect(error(() => (slots.weight = torch.randn(3, 2, { dtype: torch.float64 })))).toBe("TypeError: cannot assign 'torch.DoubleTensor' as parameter 'weight' (torch.nn.Parameter or None expected)");
    expect(error(() => (slots.weight = torch.zeros(2, { dtype: torch.long })))).toBe("TypeError: cannot assign 'torch.LongTensor' as parameter 'weight' (torch.nn.Parameter or None expected)");
    expect(error(() => (slots.weight = 3))).toBe("TypeError: cannot assign 'int' as parameter 'weight' (torch.nn.Parameter or None expected)");
    expect(error(() => (slots.weight = 1.5))).toBe("TypeError: cannot assign 'float' as parameter 'weight' (torch.nn.Parameter or None expected)");
    expect(error(() => (slots.weight = [1, 2]))).toBe("TypeError: cannot assign 'list' as parameter 'weight' (torch.nn.Parameter or None expected)");
    expect(error(() => (slots.weight = {}))).toBe("TypeError: cannot assign 'dict' as parameter 'weight' (torch.nn.Parameter or None expected)");
    expect(error(() => (slots.weight = "a"))).toBe("TypeError: cannot assign 'str' as parameter 'weight' (torch.nn.Parameter or None expected)");
    expect(error(() => (slots.weight = true))).toBe("TypeError: cannot assign 'bool' as parameter 'weight' (torch.nn.Parameter or None expected)");
    expect(error(() => (slots.weight = new nn.ReLU()))).toBe("TypeError: cannot assign 'torch.nn.modules.activation.ReLU' as parameter 'weight' (torch.nn.Parameter or None expected)");
    class Swish extends nn.Module {}
    expect(error(() => (slots.weight = new Swish()))).toBe("TypeError: cannot assign '__main__.Swish' as parameter 'weight' (torch.nn.Parameter or None expected)");
    expect(m.weight).toBe(weight);
    expect(names(m)).toEqual(["weight", "bias"]);

    const replacement = new nn.Parameter(torch.zeros(3, 2));
    m.weight = replacement;
    expect(m.weight).toBe(replacement);
    expect(m.parameters()[0]).toBe(replacement);
    slots.bias = null; // torch keeps bias=None in _parameters; named_parameters skips it
    expect(m.bias).toBeNull();
    expect(names(m)).toEqual(["weight"]);
    expect(Object.keys(m._parameters)).toEqual(["weight", "bias"]);
    expect(error(() => (slots.bias = torch.zeros(3)))).toBe("TypeError: cannot assign 'torch.FloatTensor' as parameter 'bias' (torch.nn.Parameter or None expected)");
    expect(m(torch.ones(1, 2)).tolist()).toEqual([[0, 0, 0]]);
  });

  it("a child's name takes a Module or None, a buffer's a tensor or None; a Parameter moves a buffer's name to the parameters", () => {
    const n = new WithBuffer();
    n.state_dict();
    const slots = n as unknown as Slots;
    expect(error(() => (slots.fc = torch.zeros(3)))).toBe("TypeError: cannot assign 'torch.FloatTensor' as child module 'fc' (torch.nn.Module or None expected)");
    expect(error(() => (slots.rb = 3))).toBe("TypeError: cannot assign 'int' as buffer 'rb' (torch.Tensor or None expected)");
    slots.rb = torch.ones(2);
    expect(Object.keys(n._buffers)).toEqual(["rb"]);
    expect(n.state_dict().rb.tolist()).toEqual([1, 1]);
    slots.rb = new nn.Parameter(torch.ones(2));
    expect([Object.keys(n._buffers), Object.keys(n._parameters)]).toEqual([[], ["rb"]]);
    slots.fc = null;
    expect([n.fc, Object.keys(n._modules)]).toEqual([null, ["fc"]]);
    slots.fc = new nn.Linear(2, 2);
    expect(names(n)).toEqual(["rb", "fc.weight", "fc.bias"]);

    const seq = new nn.Sequential(new nn.Linear(2, 2));
    seq.parameters();
    expect(error(() => ((seq as unknown as Slots)[0] = torch.zeros(3)))).toBe("TypeError: cannot assign 'torch.FloatTensor' as child module '0' (torch.nn.Module or None expected)");
    const bn = new nn.BatchNorm1d(3);
    bn.state_dict();
    expect(error(() => ((bn as unknown as Slots).running_mean = 5))).toBe("TypeError: cannot assign 'int' as buffer 'running_mean' (torch.Tensor or None expected)");
  });

  it("a deleted name is a plain attribute again (Python's del), and a ParameterList entry wraps a tensor as torch's __setitem__", () => {
    const m = new nn.Linear(2, 3);
    m.parameters();
    delete (m as unknown as Slots).weight;
    (m as unknown as Slots).weight = torch.randn(3, 2);
    expect(names(m)).toEqual(["bias"]);

    const list = new nn.ParameterList([torch.ones(2)]);
    list.parameters();
    (list as unknown as Slots)[0] = torch.zeros(2);
    expect(list.get(0)).toBeInstanceOf(nn.Parameter);
    expect(list.get(0).tolist()).toEqual([0, 0]);
    expect(list.parameters().length).toBe(1);
  });

  it("a walked module still converts, copies, saves, swaps its weights for a call and is pruned as before", () => {
    torch.manual_seed(0);
    const fresh = new nn.Linear(3, 2);
    torch.manual_seed(0);
    const walked = new nn.Linear(3, 2);
    walked.parameters();
    const x = torch.randn(4, 3, { dtype: torch.float64 });
    fresh.double();
    walked.double();
    expect(walked.weight).toBeInstanceOf(nn.Parameter);
    expect(walked(x).tolist()).toEqual(fresh(x).tolist());

    const clone = copy.deepcopy(walked);
    clone.weight.data.zero_();
    expect(walked.weight.abs().sum().item()).toBeGreaterThan(0);
    expect(names(clone)).toEqual(["weight", "bias"]);

    const zeros = { weight: torch.zeros(2, 3, { dtype: torch.float64 }), bias: torch.ones(2, { dtype: torch.float64 }) };
    const swapped = nn.utils.stateless.functional_call(walked, zeros, [x]) as Tensor;
    expect(swapped.tolist()).toEqual(Array.from({ length: 4 }, () => [1, 1]));
    expect(walked(x).tolist()).toEqual(fresh(x).tolist()); // restored
    expect(walked.parameters()[0]).toBe(walked.weight);

    const loaded = new nn.Linear(3, 2).double();
    loaded.parameters();
    loaded.load_state_dict(walked.state_dict());
    expect(loaded(x).tolist()).toEqual(fresh(x).tolist());

    nn.utils.prune.l1_unstructured(walked, "weight", { amount: 0.5 });
    nn.utils.prune.l1_unstructured(fresh, "weight", { amount: 0.5 });
    expect(names(walked)).toEqual(["bias", "weight_orig"]);
    expect(walked(x).tolist()).toEqual(fresh(x).tolist());
  });
});

describe("built-in layers check assignments from their construction on", () => {
  it("a fresh layer's parameter refuses a plain tensor before anything walks it (Embedding's pretrained weights, a Linear's)", () => {
    const pretrained = torch.randn(5, 3);
    const layers: [nn.Module, string, Tensor][] = [
      [new nn.Embedding(5, 3), "weight", pretrained],
      [nn.Embedding.from_pretrained(pretrained), "weight", pretrained],
      [new nn.Linear(3, 2), "weight", torch.randn(2, 3)],
      [new nn.Conv2d(1, 2, 3), "bias", torch.zeros(2)],
      [new nn.LayerNorm(3), "weight", torch.ones(3)],
      [new nn.BatchNorm1d(3), "bias", torch.zeros(3)],
      [new nn.LSTM(3, 4), "weight_hh_l0", torch.zeros(16, 4)],
      [new nn.MultiheadAttention(4, 2), "in_proj_weight", torch.zeros(12, 4)],
      [new nn.PReLU(), "weight", torch.ones(1)],
    ];
    for (const [layer, name, value] of layers) {
      const before = (layer as unknown as Slots)[name];
      expect(error(() => ((layer as unknown as Slots)[name] = value))).toBe(`TypeError: cannot assign 'torch.FloatTensor' as parameter '${name}' (torch.nn.Parameter or None expected)`);
      expect((layer as unknown as Slots)[name]).toBe(before);
    }
    const emb = new nn.Embedding(5, 3);
    emb.weight = new nn.Parameter(pretrained); // the right form
    expect(emb(torch.tensor([4], { dtype: torch.long })).tolist()).toEqual([pretrained.index(4).tolist()]);
  });
});

describe("a learner's own module checks assignments from its first call on, if nothing walked it before", () => {
  it("after net(x): a tensor over a child or a parameter, a number over a buffer raise torch's TypeError; what is allowed still is", () => {
    class Net extends nn.Module {
      fc = new nn.Linear(2, 2);
      w = new nn.Parameter(torch.ones(2));
      calls = 0;
      constructor() {
        super();
        this.register_buffer("b", torch.zeros(2));
      }
      forward(x: Tensor): Tensor {
        this.calls += 1; // a plain attribute written by forward stays plain
        return this.fc(x).mul(this.w);
      }
    }
    const net = new Net();
    const slots = net as unknown as Slots;
    net(torch.ones(1, 2));
    const [fc, w] = [net.fc, net.w];
    expect(error(() => (slots.fc = torch.zeros(3)))).toBe("TypeError: cannot assign 'torch.FloatTensor' as child module 'fc' (torch.nn.Module or None expected)");
    expect(error(() => (slots.w = torch.zeros(2)))).toBe("TypeError: cannot assign 'torch.FloatTensor' as parameter 'w' (torch.nn.Parameter or None expected)");
    expect(error(() => (slots.b = 5))).toBe("TypeError: cannot assign 'int' as buffer 'b' (torch.Tensor or None expected)");
    expect([net.fc, net.w]).toEqual([fc, w]);
    slots.b = torch.ones(2);
    net(torch.ones(1, 2));
    expect([net.calls, (slots.b as Tensor).tolist(), names(net)]).toEqual([2, [1, 1], ["w", "fc.weight", "fc.bias"]]);
  });
});

describe("register_parameter / register_buffer / add_module name a wrong value's type as torch.typename does", () => {
  it("a module by torch's file, a list, None, a tensor", () => {
    const m = new nn.Module();
    const call = (f: () => void) => error(f);
    // torch 1.13's texts for the same calls (python3-torch 1.13)
    expect(call(() => m.register_parameter("w", new nn.ReLU() as never))).toBe("TypeError: cannot assign 'torch.nn.modules.activation.ReLU' object to parameter 'w' (torch.nn.Parameter or None required)");
    expect(call(() => m.add_module("a", [] as never))).toBe("TypeError: list is not a Module subclass");
    expect(call(() => m.register_buffer("b", new nn.Linear(1, 1) as never))).toBe("TypeError: cannot assign 'torch.nn.modules.linear.Linear' object to buffer 'b' (torch Tensor or None required)");
    expect(call(() => m.register_parameter(null as never, null))).toBe("TypeError: parameter name should be a string. Got NoneType");
    expect(call(() => m.add_module("c", new nn.Parameter(torch.ones(1)) as never))).toBe("TypeError: torch.FloatTensor is not a Module subclass");
  });
});
