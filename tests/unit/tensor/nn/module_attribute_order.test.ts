/**
 * A module's children, parameters and buffers are listed in the order each name was first ASSIGNED a module /
 * parameter, as torch.nn.Module.__setattr__ fills _modules / _parameters: repr, named_parameters, parameters()
 * (so an optimizer's parameter order), state_dict. The models are written as learners write them in TypeScript:
 * class fields declared without a value (`predict: nn.Linear;`), which tsconfig's target (ES2022: class fields
 * are defined, useDefineForClassFields) creates as undefined properties before the constructor's body runs.
 * Values from torch 1.13 (tests/fixtures/torch/core/module_attribute_order.json,
 * scripts/fixtures/module_attribute_order_fixtures.py).
 */
import { describe, expect, it } from "vitest";
import { nn, torch, type Tensor } from "../../../../lib/tensor/index";
import type { Module } from "../../../../lib/tensor/nn/module";
import { loadFixture } from "../core/fixtures";

interface Described {
  named_parameters: string[];
  parameters: number[][];
  state_dict: string[];
  modules: string[];
  own_parameters: string[];
  repr: string;
}
const ref = loadFixture<Record<string, Described> & { none_kept: Described & { shortcut_is_none: boolean } }>("module_attribute_order.json");

function describeModule(m: Module): Described {
  return {
    named_parameters: m.named_parameters().map(([n]) => n),
    parameters: m.parameters().map((p) => [...p.shape]),
    state_dict: Object.keys(m.state_dict()),
    modules: Object.keys(m._modules),
    own_parameters: Object.keys(m._parameters),
    repr: String(m),
  };
}

function expectTorchOrder(m: Module, name: string): void {
  const r = ref[name];
  const got = describeModule(m);
  expect(got.state_dict, `${name}: state_dict keys`).toEqual(r.state_dict);
  expect(got.named_parameters, `${name}: named_parameters`).toEqual(r.named_parameters);
  expect(got.parameters, `${name}: parameters() shapes`).toEqual(r.parameters);
  expect(got.modules, `${name}: _modules`).toEqual(r.modules);
  expect(got.own_parameters, `${name}: _parameters`).toEqual(r.own_parameters);
  // the second translation of a Python class has another name
  expect(got.repr, `${name}: repr`).toBe(r.repr.replace(/^\w+/, m._get_name()));
}

// MorvanZhou's 504 batch normalization net, trimmed: setattr(self, 'fc%i' % i, fc) in a loop, predict last.
class LoopThenPredict extends nn.Module {
  fcs: nn.Linear[];
  bns: nn.BatchNorm1d[];
  bn_input: nn.BatchNorm1d;
  predict: nn.Linear;
  constructor() {
    super();
    this.fcs = [];
    this.bns = [];
    this.bn_input = new nn.BatchNorm1d(1, { momentum: 0.5 });
    for (let i = 0; i < 2; i++) {
      const fc = new nn.Linear(i === 0 ? 1 : 3, 3);
      (this as unknown as Record<string, nn.Module>)[`fc${i}`] = fc;
      this.fcs.push(fc);
      const bn = new nn.BatchNorm1d(3, { momentum: 0.5 });
      (this as unknown as Record<string, nn.Module>)[`bn${i}`] = bn;
      this.bns.push(bn);
    }
    this.predict = new nn.Linear(3, 1);
  }
  forward(x: Tensor): Tensor {
    x = this.bn_input(x);
    for (let i = 0; i < this.fcs.length; i++) x = torch.tanh(this.bns[i](this.fcs[i](x)));
    return this.predict(x);
  }
}

class AssignedOutOfDeclaredOrder extends nn.Module {
  out!: nn.Linear;
  hidden!: nn.Linear;
  constructor() {
    super();
    this.hidden = new nn.Linear(2, 4);
    this.out = new nn.Linear(4, 1);
  }
}

class Reassigned extends nn.Module {
  a: nn.Linear;
  b: nn.Linear;
  constructor() {
    super();
    this.a = new nn.Linear(2, 2);
    this.b = new nn.Linear(2, 3);
    this.a = new nn.Linear(2, 5);
  }
}

// self.shortcut = None first: a plain attribute; the Linear assigned later is registered then.
class NoneThenModule extends nn.Module {
  shortcut: nn.Linear | null = null;
  conv: nn.Linear;
  constructor(downsample = true) {
    super();
    this.conv = new nn.Linear(2, 2);
    if (downsample) this.shortcut = new nn.Linear(2, 2);
  }
}

// The same with the field declared without a value and set to null in the constructor.
class NoneThenModuleInBody extends nn.Module {
  shortcut: nn.Linear | null;
  conv: nn.Linear;
  constructor(downsample = true) {
    super();
    this.shortcut = null;
    this.conv = new nn.Linear(2, 2);
    if (downsample) this.shortcut = new nn.Linear(2, 2);
  }
}

class DeleteReadd extends nn.Module {
  a?: nn.Linear;
  b: nn.Linear;
  constructor() {
    super();
    this.a = new nn.Linear(2, 2);
    this.b = new nn.Linear(2, 2);
    delete this.a;
    this.a = new nn.Linear(2, 3);
  }
}

class OwnParameters extends nn.Module {
  weight: nn.Parameter;
  bias: nn.Parameter;
  fc: nn.Linear;
  declare scale: Tensor;
  constructor() {
    super();
    this.bias = new nn.Parameter(torch.zeros(3));
    this.weight = new nn.Parameter(torch.ones(3, 2));
    this.register_buffer("scale", torch.ones(1));
    this.fc = new nn.Linear(3, 1);
  }
}

class Base extends nn.Module {
  body: nn.Linear;
  constructor() {
    super();
    this.body = new nn.Linear(2, 3);
  }
}

class Derived extends Base {
  head: nn.Linear;
  tail: nn.Linear;
  constructor() {
    super();
    this.tail = new nn.Linear(3, 1);
    this.head = new nn.Linear(3, 3);
  }
}

// Field initializers run before the constructor's body but are listed where the class declares them.
class CNNBlock extends nn.Module {
  cnn: nn.Conv2d;
  bn: nn.BatchNorm2d;
  silu = new nn.SiLU();
  constructor(in_channels: number, out_channels: number) {
    super();
    this.cnn = new nn.Conv2d(in_channels, out_channels, 3, { padding: 1, bias: false });
    this.bn = new nn.BatchNorm2d(out_channels);
  }
}

class Stem extends nn.Module {
  conv1: nn.Conv2d;
  bn1 = new nn.BatchNorm2d(4);
  relu = new nn.ReLU();
  fc: nn.Linear;
  constructor(image_channels: number) {
    super();
    this.conv1 = new nn.Conv2d(image_channels, 4, 3, { bias: false });
    this.fc = new nn.Linear(4, 2);
  }
}

describe("children and parameters in first-assignment order, as torch 1.13", () => {
  it("fields declared without a value, assigned after modules set by name in a loop (MorvanZhou 504)", () => {
    const net = new LoopThenPredict();
    expectTorchOrder(net, "loop_then_predict");
    // the optimizer takes parameters() in that order: its first group lists bn_input's weight first
    const opt = new torch.optim.Adam(net.parameters(), { lr: 0.01 });
    expect(opt.param_groups[0].params[0]).toBe(net.bn_input.weight);
    expect(opt.param_groups[0].params.at(-1)).toBe(net.predict.bias);
    expect(net(torch.ones(4, 1)).shape).toEqual([4, 1]);
  });

  it("fields assigned in another order than declared (definite-assignment fields)", () => {
    expectTorchOrder(new AssignedOutOfDeclaredOrder(), "assigned_out_of_declared_order");
  });

  it("a reassigned child keeps its first position", () => {
    const m = new Reassigned();
    expectTorchOrder(m, "reassigned");
    expect(m.a.out_features).toBe(5);
  });

  it("a field set to null then to a module is registered when the module is assigned", () => {
    expectTorchOrder(new NoneThenModule(), "none_then_module");
    expectTorchOrder(new NoneThenModuleInBody(), "none_then_module");
    for (const m of [new NoneThenModule(false), new NoneThenModuleInBody(false)]) {
      expectTorchOrder(m, "none_kept");
      expect(m.shortcut).toBe(null);
      expect(ref.none_kept.shortcut_is_none).toBe(true);
    }
  });

  it("null then a module after construction, beside a new attribute", () => {
    for (const later of [new NoneThenModule(false), new NoneThenModuleInBody(false)]) {
      (later as unknown as Record<string, nn.Module>).extra = new nn.Linear(2, 1);
      later.shortcut = new nn.Linear(2, 2);
      expectTorchOrder(later, "none_then_module_later");
      // assigning null again keeps the attribute a plain one: no child, no parameters
      later.shortcut = null;
      expect(later.named_children().map(([n]) => n)).toEqual(["conv", "extra"]);
    }
  });

  it("delete then re-add goes to the end", () => {
    expectTorchOrder(new DeleteReadd(), "delete_readd");
    const m = new Reassigned();
    delete (m as { a?: nn.Linear }).a;
    m.a = new nn.Linear(2, 2);
    expectTorchOrder(m, "delete_readd_later");
  });

  it("parameters assigned as nn.Parameter fields, a buffer and a child", () => {
    expectTorchOrder(new OwnParameters(), "own_parameters");
  });

  it("a subclass's fields after its base's, in the subclass's assignment order", () => {
    expectTorchOrder(new Derived(), "derived");
  });

  it("field initializers keep the place the class lists them in (they mirror Python's __init__)", () => {
    expectTorchOrder(new CNNBlock(2, 3), "cnn_block");
    expectTorchOrder(new Stem(3), "stem");
  });

  it("a field never assigned reads undefined and lists nothing; assigned later, it comes last", () => {
    class Later extends nn.Module {
      fc: nn.Linear;
      head?: nn.Linear;
      constructor() {
        super();
        this.fc = new nn.Linear(2, 2);
      }
    }
    const m = new Later();
    expect(m.head).toBeUndefined();
    expect(m.named_children().map(([n]) => n)).toEqual(["fc"]);
    m.head = new nn.Linear(2, 1);
    expect(m.named_children().map(([n]) => n)).toEqual(["fc", "head"]);
  });

  it("known difference: children built before the constructor and assigned against declaration order keep the declared order", () => {
    // Nothing runs between a class's field definitions and `this.decoder = decoder` here (no module or
    // parameter is built), so the engine cannot see which was assigned first; torch would list decoder first.
    class Seq2Seq extends nn.Module {
      encoder: nn.Linear;
      decoder: nn.Linear;
      constructor(encoder: nn.Linear, decoder: nn.Linear) {
        super();
        this.decoder = decoder;
        this.encoder = encoder;
      }
    }
    const m = new Seq2Seq(new nn.Linear(2, 2), new nn.Linear(2, 2));
    expect(m.named_children().map(([n]) => n)).toEqual(["encoder", "decoder"]);
  });

  it("attributes set by name before any declared field is assigned come first, as torch (no class declares them)", () => {
    // fc0 / fc1 are no field of the class's source (a field initializer would be), so the body assigned them:
    // torch lists fc0, fc1, predict. (MorvanZhou's 504 assigns bn_input first.)
    class LoopFirst extends nn.Module {
      predict: nn.Linear;
      constructor() {
        super();
        for (let i = 0; i < 2; i++) (this as unknown as Record<string, nn.Module>)[`fc${i}`] = new nn.Linear(2, 2);
        this.predict = new nn.Linear(2, 1);
      }
    }
    expect(new LoopFirst().named_children().map(([n]) => n)).toEqual(["fc0", "fc1", "predict"]);
  });
});
