/**
 * torch.load of a whole saved model whose classes cannot be built without arguments: as unpickling
 * does, the model is rebuilt without its constructor when the file holds every attribute
 * (torchvision's models, a learner's Net(in, out)), and refused with the attributes it lacks
 * otherwise.
 */
import { describe, expect, it } from "vitest";
import { nn, torch, torchvision, type Tensor } from "../../../../lib/tensor/index";

type Model = nn.Module & ((x: Tensor) => Tensor);
const models = torchvision.models as unknown as Record<string, (o?: object) => Model>;

function roundTrip<T>(m: T): T {
  return torch.load(torch.save(m as never)) as T;
}

describe("torch.load rebuilds torchvision models without registration", () => {
  for (const name of ["resnet18", "shufflenet_v2_x0_5", "mobilenet_v2", "mobilenet_v3_small"]) {
    it(`${name}: the same classes, repr, mode and outputs`, () => {
      torch.manual_seed(0);
      const model = models[name]({ num_classes: 3 });
      model.eval();
      const x = torch.randn(2, 3, 32, 32);
      const back = roundTrip(model);
      expect(back.constructor).toBe(model.constructor);
      expect(String(back)).toBe(String(model));
      expect(back.training).toBe(false);
      const classes = (m: nn.Module) => [...m.modules()].map((c) => c.constructor);
      expect(classes(back)).toEqual(classes(model));
      expect(torch.equal(torch.no_grad(() => back(x)), torch.no_grad(() => model(x)))).toBe(true);
    });
  }

  it("tells torchvision's three InvertedResidual classes apart", () => {
    const v2 = roundTrip(models.mobilenet_v2({ num_classes: 3 }));
    const shuffle = roundTrip(models.shufflenet_v2_x0_5({ num_classes: 3 }));
    const names = (m: nn.Module) => new Set([...m.modules()].filter((c) => c.constructor.name === "InvertedResidual").map((c) => c.constructor));
    const [v2Block] = names(v2);
    const [shuffleBlock] = names(shuffle);
    expect(v2Block).toBeDefined();
    expect(shuffleBlock).toBeDefined();
    expect(v2Block).not.toBe(shuffleBlock);
  });

  it("ResNet's norm layer class comes back, so its _make_layer still builds BatchNorm2d", () => {
    const back = roundTrip(models.resnet18()) as unknown as { _norm_layer: unknown };
    expect(back._norm_layer).toBe(nn.BatchNorm2d);
  });
});

describe("torch.load of a learner's class whose constructor takes arguments", () => {
  class Scaled extends nn.Module {
    static built = 0;
    fc: nn.Linear;
    scale: number;
    limits: { low: number; high: number[] };
    norm: unknown;
    constructor(inFeatures: number, outFeatures: number) {
      super();
      Scaled.built++;
      this.fc = new nn.Linear(inFeatures, outFeatures);
      this.scale = 2;
      this.limits = { low: -1, high: [1, 2] };
      this.norm = nn.LayerNorm;
    }
    forward(x: Tensor): Tensor {
      return this.fc.forward(x).mul(this.scale).clamp(this.limits.low, this.limits.high[1]);
    }
  }
  nn.register_module(Scaled);

  it("rebuilds it without calling the constructor: parameters, settings, plain objects and class attributes", () => {
    const net = new Scaled(3, 2);
    const builtBefore = Scaled.built;
    const back = roundTrip(net);
    // One failed no-argument call (Linear needs its sizes), none that finished building.
    expect(Scaled.built).toBe(builtBefore + 1);
    expect(back).toBeInstanceOf(Scaled);
    expect(back.scale).toBe(2);
    expect(back.limits).toEqual({ low: -1, high: [1, 2] });
    expect(back.norm).toBe(nn.LayerNorm);
    const x = torch.randn(4, 3);
    expect(torch.equal(back.forward(x), net.forward(x))).toBe(true);
    expect([...back.parameters()].every((p) => p.requires_grad)).toBe(true);
  });

  it("refuses one holding something a file cannot (a function), naming it", () => {
    class Gated extends nn.Module {
      lin: nn.Linear;
      gate: (x: Tensor) => Tensor;
      constructor(n: number) {
        super();
        this.lin = new nn.Linear(n, n);
        this.gate = (x) => x.sigmoid();
      }
      forward(x: Tensor): Tensor {
        return this.gate(this.lin.forward(x));
      }
    }
    nn.register_module(Gated);
    const bytes = torch.save(new Gated(2));
    expect(() => torch.load(bytes)).toThrow(/Cannot rebuild module 'Gated'.*its attribute 'gate' is not data a file can hold.*load_state_dict/);
  });

  it("keeps an infinite setting infinite (JSON would have made it null)", () => {
    class Clip extends nn.Module {
      limit = Infinity;
      forward(x: Tensor): Tensor {
        return x.clamp(null, this.limit);
      }
    }
    nn.register_module(Clip);
    const back = roundTrip(new Clip());
    expect(back.limit).toBe(Infinity);
    class NeedsArg extends nn.Module {
      limit: number;
      constructor(limit: number) {
        super();
        if (limit === undefined) throw new Error("limit is required");
        this.limit = limit;
      }
    }
    nn.register_module(NeedsArg);
    expect(() => torch.load(torch.save(new NeedsArg(-Infinity)))).toThrow(/its attribute 'limit' is not data/);
    expect(roundTrip(new NeedsArg(3)).limit).toBe(3);
  });
});
