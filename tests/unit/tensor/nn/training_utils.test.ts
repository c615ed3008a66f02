/** ModuleDict / ParameterList / ParameterDict, Module.to and friends, nn.utils clipping and parameter vectors. */
import { describe, expect, it } from "vitest";
import { nn, optim, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectClose, fixture, tensorOf, type FT } from "./helpers";

const fx = fixture<{
  grads: FT[];
  clip_grad_norm: { max_norm: number; norm_type: number | "inf"; total: number; clipped: FT[] }[];
  clip_grad_value: FT[];
  reprs: Record<string, string>;
}>("nn/training.json");

function withGrads(): nn.Parameter[] {
  return fx.grads.map((g) => {
    const p = new nn.Parameter(torch.zeros(g.shape));
    p.grad = tensorOf(g, torch.float32);
    return p;
  });
}

describe("containers", () => {
  it("ModuleDict registers its modules, keeps order and prints like PyTorch", () => {
    const md = new nn.ModuleDict({ enc: new nn.Linear(4, 2), act: new nn.ReLU() });
    expect(String(md)).toBe(fx.reprs.ModuleDict);
    expect(md.keys()).toEqual(["enc", "act"]);
    expect(md.length).toBe(2);
    expect(md.parameters()).toHaveLength(2);
    expect(Object.keys(md.state_dict())).toEqual(["enc.weight", "enc.bias"]);
    md.set("dec", new nn.Linear(2, 4));
    expect([...md]).toEqual(["enc", "act", "dec"]);
    expect(md.has("dec")).toBe(true);
    expect(md.get("dec")).toBeInstanceOf(nn.Linear);
    expect(md.pop("act")).toBeInstanceOf(nn.ReLU);
    expect(md.keys()).toEqual(["enc", "dec"]);
    expect(() => md.get("nope")).toThrow(/'nope' \(ModuleDict has: enc, dec\)/);
    expect(() => md.set("keys", new nn.ReLU())).toThrow(/would hide ModuleDict.keys/);
    expect(() => new nn.ModuleDict({ a: 3 as never })).toThrow(/value of 'a' is not a Module/);
  });

  it("ParameterList and ParameterDict register parameters (tensors become Parameters)", () => {
    const pl = new nn.ParameterList([new nn.Parameter(torch.zeros(2, 3)), torch.zeros(4)]);
    expect(String(pl)).toBe(fx.reprs.ParameterList);
    expect(pl.get(1)).toBeInstanceOf(nn.Parameter);
    expect(pl.get(-1).shape).toEqual([4]);
    expect([...pl].map((p) => p.shape)).toEqual([[2, 3], [4]]);
    const pd = new nn.ParameterDict({ scale: torch.zeros(3), shift: torch.zeros(1, 2, { dtype: torch.float64 }) });
    expect(String(pd)).toBe(fx.reprs.ParameterDict);
    class Net extends nn.Module {
      ps = new nn.ParameterList([torch.ones(2)]);
      pd = new nn.ParameterDict({ w: torch.ones(3) });
      forward(x: Tensor): Tensor {
        return x.mul(this.ps.get(0).sum()).add(this.pd.get("w").sum());
      }
    }
    const net = new Net();
    expect(Object.keys(net.state_dict())).toEqual(["ps.0", "pd.w"]);
    const opt = new optim.SGD(net.parameters(), { lr: 0.1 });
    net(torch.ones(1)).sum().backward();
    opt.step();
    expect(net.ps.get(0).tolist()).toEqual([0.9, 0.9].map((v) => Math.fround(v)));
    expect(() => pl.append(5 as never)).toThrow(/can only hold tensors or Parameters/);
  });
});

describe("Module.to / cpu / cuda / half / double", () => {
  it("cpu and float32 are no-ops; float64 converts parameters and buffers", () => {
    const m = new nn.Sequential(new nn.Linear(2, 3), new nn.BatchNorm1d(3));
    const w = (m.get(0) as nn.Linear).weight;
    expect(m.to("cpu")).toBe(m);
    expect(m.cpu()).toBe(m);
    expect(m.to(torch.float32)).toBe(m);
    expect(w.dtype).toBe(torch.float32);
    m.to(torch.float64);
    expect((m.get(0) as nn.Linear).weight.dtype).toBe(torch.float64);
    expect(m.state_dict()["1.running_mean"].dtype).toBe(torch.float64);
    expect(m.state_dict()["1.num_batches_tracked"].dtype).toBe(torch.int64);
    expect(m(torch.ones(4, 2, { dtype: torch.float64 })).dtype).toBe(torch.float64);
    m.to({ device: "cpu", dtype: torch.float32 });
    expect((m.get(0) as nn.Linear).weight.dtype).toBe(torch.float32);
    m.to("cpu", torch.float64);
    expect((m.get(0) as nn.Linear).weight.dtype).toBe(torch.float64);
    m.to(torch.zeros(1));
    expect((m.get(0) as nn.Linear).weight.dtype).toBe(torch.float32);
  });

  it("GPU devices, half precision and integer dtypes raise honest errors and change nothing", () => {
    const m = new nn.Linear(2, 3);
    expect(() => m.cuda()).toThrow(/runs on the CPU only, so device 'cuda' is not available/);
    expect(() => m.to("cuda:0")).toThrow(/device 'cuda:0' is not available/);
    expect(() => m.to("mps")).toThrow(/CPU only/);
    expect(() => m.to("gpu")).toThrow(/Expected one of cpu, cuda/);
    expect(() => m.half()).toThrow(/torch.float16 is not supported.*float32 and float64/);
    expect(() => m.to(torch.int64)).toThrow(/only accepts floating point or complex dtypes, but got desired dtype=torch.int64/);
    expect(m.weight.dtype).toBe(torch.float32);
  });
});

describe("nn.utils", () => {
  it.each(fx.clip_grad_norm.map((c) => [`max_norm=${c.max_norm} norm_type=${c.norm_type}`, c] as const))("clip_grad_norm_ %s vs PyTorch", (_, c) => {
    const ps = withGrads();
    const total = nn.utils.clip_grad_norm_(ps, c.max_norm, c.norm_type === "inf" ? Infinity : c.norm_type);
    expect(total.item()).toBeCloseTo(c.total, 4);
    expect(Math.abs(total.item() - c.total) / c.total).toBeLessThan(1e-6);
    ps.forEach((p, i) => expectClose(p.grad!, c.clipped[i], { rtol: 2e-6, atol: 1e-7, label: `grad ${i}` }));
    // The options-object form gives the same.
    const qs = withGrads();
    const t2 = nn.utils.clip_grad_norm_(qs, { max_norm: c.max_norm, norm_type: c.norm_type });
    expect(t2.item()).toBe(total.item());
  });

  it("clip_grad_norm_ error_if_nonfinite, no grads, a single tensor", () => {
    const ps = withGrads();
    ps[0].grad!.index_put_([0, 0], NaN);
    expect(() => nn.utils.clip_grad_norm_(ps, 1, { error_if_nonfinite: true })).toThrow(/total norm of order 2.0 for gradients from `parameters` is non-finite/);
    expect(nn.utils.clip_grad_norm_([new nn.Parameter(torch.ones(2))], 1).item()).toBe(0);
    const p = new nn.Parameter(torch.zeros(2));
    p.grad = torch.tensor([3, 4]);
    expect(nn.utils.clip_grad_norm_(p, 1).item()).toBeCloseTo(5, 5);
    expect(p.grad.norm().item()).toBeCloseTo(1, 5);
    expect(() => nn.utils.clip_grad_norm_(ps)).toThrow(/missing 1 required positional argument: 'max_norm'/);
  });

  it("clip_grad_value_ vs PyTorch", () => {
    const ps = withGrads();
    nn.utils.clip_grad_value_(ps, 0.7);
    ps.forEach((p, i) => expectClose(p.grad!, fx.clip_grad_value[i], { rtol: 0, atol: 0, label: `grad ${i}` }));
  });

  it("parameters_to_vector / vector_to_parameters round trip, and the vector is differentiable", () => {
    const m = new nn.Linear(3, 2);
    const v = nn.utils.parameters_to_vector(m.parameters());
    expect(v.shape).toEqual([8]);
    expect((v.tolist() as number[]).slice(0, 6)).toEqual(m.weight.reshape(-1).tolist());
    v.mul(torch.arange(8).float()).sum().backward();
    expect(m.bias!.grad!.tolist()).toEqual([6, 7]);
    nn.utils.vector_to_parameters(torch.arange(8).float(), m.parameters());
    expect(m.weight.tolist()).toEqual([[0, 1, 2], [3, 4, 5]]);
    expect(m.bias!.tolist()).toEqual([6, 7]);
    expect(() => nn.utils.vector_to_parameters(torch.zeros(3), m.parameters())).toThrow(/has 3 elements but the parameters need 8/);
    expect(m.bias!.tolist()).toEqual([6, 7]);
  });
});
