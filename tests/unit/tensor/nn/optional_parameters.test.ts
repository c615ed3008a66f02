/**
 * A module built without an optional parameter registers it as None, as torch 1.13: nn.Linear(3, 4, { bias: false })
 * has bias === null, _parameters keeps the key with null, named_parameters and state_dict skip it, repr says
 * bias=False. And nn.utils.weight_norm: weight_g / weight_v are the parameters, weight a computed tensor (not a
 * parameter, not in state_dict) recomputed before each call from the g and v of the module being called.
 * Values from torch 1.13 (tests/fixtures/torch/core/compat_gaps6.json, scripts/fixtures/compat_gaps6_fixtures.py).
 */
import { describe, expect, it } from "vitest";
import { nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { deepcopyModule } from "../../../../lib/tensor/nn/deepcopy";
import type { Module } from "../../../../lib/tensor/nn/module";
import { expectClose, loadFixture } from "../core/fixtures";

type Flat = { shape: number[]; data: number[] };
interface Optional {
  _parameters: [string, boolean][];
  _buffers: [string, boolean][];
  named_parameters: string[];
  state_dict: string[];
  none_attrs: string[];
  repr: string;
}
interface Described {
  _parameters: [string, string][];
  state_dict: string[];
  weight_in_parameters: boolean;
  weight: [string, boolean, boolean, string | null];
}
const ref = loadFixture<{
  optional: Record<string, Optional>;
  weight_norm: {
    g: Flat; v: Flat; bias: Flat; before: Described; after: Described; y: Flat; deepcopy_error: [string, string];
    call_y: Flat; call_g_grad: Flat; after_call: Described; weight_none_parameters: string[];
  };
}>("compat_gaps6.json");

const BUILD: Record<string, () => Module> = {
  "Linear(3, 4, bias=False)": () => new nn.Linear(3, 4, { bias: false }),
  "Conv1d(2, 3, 3, bias=False)": () => new nn.Conv1d(2, 3, 3, { bias: false }),
  "Conv2d(2, 3, 3, bias=False)": () => new nn.Conv2d(2, 3, 3, { bias: false }),
  "ConvTranspose2d(2, 3, 3, bias=False)": () => new nn.ConvTranspose2d(2, 3, 3, { bias: false }),
  "Bilinear(2, 3, 4, bias=False)": () => new nn.Bilinear(2, 3, 4, { bias: false }),
  "LayerNorm(4, elementwise_affine=False)": () => new nn.LayerNorm(4, { elementwise_affine: false }),
  "BatchNorm1d(4, affine=False)": () => new nn.BatchNorm1d(4, { affine: false }),
  "BatchNorm2d(4, affine=False, track_running_stats=False)": () => new nn.BatchNorm2d(4, { affine: false, track_running_stats: false }),
  "GroupNorm(2, 4, affine=False)": () => new nn.GroupNorm(2, 4, { affine: false }),
  "InstanceNorm1d(4)": () => new nn.InstanceNorm1d(4),
  "MultiheadAttention(4, 2, bias=False)": () => new nn.MultiheadAttention(4, 2, { bias: false }),
  "MultiheadAttention(4, 2, kdim=3, vdim=5)": () => new nn.MultiheadAttention(4, 2, { kdim: 3, vdim: 5 }),
  "Conv3d(2, 3, 2, bias=False)": () => new nn.Conv3d(2, 3, 2, { bias: false }),
  "ConvTranspose1d(2, 3, 3, bias=False)": () => new nn.ConvTranspose1d(2, 3, 3, { bias: false }),
  "LazyLinear(4, bias=False)": () => new nn.LazyLinear(4, { bias: false }),
  "BatchNorm3d(4, affine=False)": () => new nn.BatchNorm3d(4, { affine: false }),
  "InstanceNorm2d(4, affine=True, track_running_stats=True)": () => new nn.InstanceNorm2d(4, { affine: true, track_running_stats: true }),
  "RNN(2, 3, bias=False)": () => new nn.RNN(2, 3, { bias: false }),
  "LSTM(2, 3, bias=False)": () => new nn.LSTM(2, 3, { bias: false }),
  "GRUCell(2, 3, bias=False)": () => new nn.GRUCell(2, 3, { bias: false }),
  "LSTMCell(2, 3, bias=False)": () => new nn.LSTMCell(2, 3, { bias: false }),
  "RNNCell(2, 3, bias=False)": () => new nn.RNNCell(2, 3, { bias: false }),
};

const isNull = (d: Readonly<Record<string, unknown>>): [string, boolean][] => Object.entries(d).map(([k, v]) => [k, v === null]);

describe("a module without an optional parameter registers it as None", () => {
  it("covers every module of the fixture", () => {
    expect(Object.keys(BUILD).sort()).toEqual(Object.keys(ref.optional).sort());
  });

  it.each(Object.keys(ref.optional))("%s", (label) => {
    const want = ref.optional[label];
    const m = BUILD[label]();
    expect(isNull(m._parameters)).toEqual(want._parameters);
    expect(isNull(m._buffers)).toEqual(want._buffers);
    expect(m.named_parameters().map(([k]) => k)).toEqual(want.named_parameters);
    expect(Object.keys(m.state_dict())).toEqual(want.state_dict);
    const slots = m as unknown as Record<string, unknown>;
    expect(Object.keys(m._parameters).filter((k) => slots[k] === null).sort()).toEqual(want.none_attrs);
    expect(m.toString()).toBe(want.repr);
  });

  it("_parameters / _buffers are read-only snapshots (_modules registers a written key), and a plain attribute set to null is none of them", () => {
    class Net extends nn.Module {
      fc = new nn.Linear(2, 2);
      hidden: Tensor | null = null;
      constructor() {
        super();
        this.register_parameter("scale", null);
        this.register_buffer("mask", null);
        this.add_module("head", null);
      }
    }
    const net = new Net();
    expect(isNull(net._parameters)).toEqual([["scale", true]]);
    expect(isNull(net._buffers)).toEqual([["mask", true]]);
    expect(isNull(net._modules)).toEqual([["fc", false], ["head", true]]);
    expect(() => {
      (net._parameters as Record<string, unknown>).scale = new nn.Parameter(torch.ones(1));
    }).toThrow(TypeError);
    expect(net.named_parameters().map(([k]) => k)).toEqual(["fc.weight", "fc.bias"]);
    // a parameter slot keeps its key when later set to null; a deep copy keeps the registration
    net.fc.bias = null;
    expect(isNull(deepcopyModule(net).fc._parameters)).toEqual([["weight", false], ["bias", true]]);
  });
});

describe("nn.utils.weight_norm as torch 1.13", () => {
  const wn = ref.weight_norm;
  const x = torch.tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]]);
  type WeightNormed = nn.Linear & { weight_g: nn.Parameter; weight_v: nn.Parameter };
  const build = (): WeightNormed => {
    const m = nn.utils.weight_norm(new nn.Linear(3, 4)) as WeightNormed;
    torch.no_grad(() => {
      m.weight_g.copy_(torch.tensor(wn.g.data).reshape(wn.g.shape));
      m.weight_v.copy_(torch.tensor(wn.v.data).reshape(wn.v.shape));
      m.bias!.copy_(torch.tensor(wn.bias.data));
    });
    return m;
  };
  const describeModule = (m: Module): Described => {
    const w = (m as unknown as { weight: Tensor }).weight;
    return {
      _parameters: Object.entries(m._parameters).map(([k, v]) => [k, v === null ? "NoneType" : v.constructor.name]),
      state_dict: Object.keys(m.state_dict()),
      weight_in_parameters: "weight" in m._parameters,
      weight: [w instanceof nn.Parameter ? "Parameter" : "Tensor", w.requires_grad, w.is_leaf, w.grad_fn ? w.grad_fn.name() : null],
    };
  };

  it("g and v are the parameters, weight a computed tensor, before and after a forward", () => {
    const m = build();
    expect(describeModule(m)).toEqual(wn.before);
    const y = m(x);
    expect(describeModule(m)).toEqual(wn.after);
    expectClose(y, wn.y.data, 1e-5, 1e-6);
  });

  it("functional_call with another g recomputes weight from it, and its gradient reaches that g", () => {
    const m = build();
    const g2 = m.weight_g.detach().mul(2).requires_grad_(true);
    const y = nn.utils.stateless.functional_call(m, { weight_g: g2, weight_v: m.weight_v, bias: m.bias! }, [x]) as Tensor;
    expectClose(y, wn.call_y.data, 1e-5, 1e-6);
    y.sum().backward();
    expectClose(g2.grad!, wn.call_g_grad.data, 1e-5, 1e-6);
    expect(describeModule(m)).toEqual(wn.after_call);
  });

  it("weight stops being a parameter slot: null assigned to it is a plain attribute", () => {
    // weight_norm used to write null for torch's `del module._parameters['weight']`, which left a None parameter slot
    const m = nn.utils.weight_norm(new nn.LayerNorm(4)) as unknown as { weight: Tensor | null } & Module;
    m.weight = null;
    expect(Object.keys(m._parameters)).toEqual(wn.weight_none_parameters);
  });

  it("a copy's forward recomputes the copy's own weight (torch's copy.deepcopy refuses a weight-normed module)", () => {
    // torch 1.13: `${wn.deepcopy_error[1]}`; the engine's internal deep copy (torch.func's functional modules,
    // AveragedModel) carries the hook, which must read the copy's g and v, not the original's
    expect(wn.deepcopy_error[0]).toBe("RuntimeError");
    const m = build();
    const copy = deepcopyModule(m);
    torch.no_grad(() => copy.weight_g.mul_(2));
    const yc = copy(x);
    const y = m(x);
    expectClose(yc, wn.call_y.data, 1e-5, 1e-6);
    expectClose(y, wn.y.data, 1e-5, 1e-6);
  });
});
