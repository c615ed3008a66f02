/**
 * Gaps the second tutorial batch (tests/unit/tensor/tutorials: intro_to_tensors, recipes2, ...)
 * found, each checked against PyTorch 1.13's behaviour on the same calls.
 */
import { describe, expect, it } from "vitest";
import { torch } from "../../../../lib/tensor/index";

describe("out= on the factories (torch.rand(2, 2, out=c))", () => {
  it("fills out and returns it, drawing in out's dtype: the same numbers as a fresh call with that dtype", () => {
    const c = torch.zeros(2, 2, { dtype: torch.float64 });
    torch.manual_seed(3);
    const r = torch.rand([2, 2], { out: c });
    expect(r).toBe(c);
    expect(c.dtype).toBe(torch.float64);
    // torch 1.13: torch.manual_seed(3); torch.rand(2, 2, out=float64 zeros)
    expect(c.tolist()).toEqual([[0.03410819565052048, 0.28674022672130695], [0.7729149443285843, 0.17492702928129467]]);
    torch.manual_seed(3);
    expect(torch.rand(2, 2, { dtype: torch.float64 }).equal(c)).toBe(true);

    const f = torch.empty(2, { dtype: torch.long });
    torch.randint(0, 10, [4], { out: f });
    expect(f.dtype).toBe(torch.int64);
    expect(f.shape).toEqual([4]); // resized, as PyTorch
    const d = torch.empty(3);
    expect(torch.arange(0, 6, 2, { out: d }).tolist()).toEqual([0, 2, 4]);
    const e = torch.empty(1);
    torch.zeros(3, 3, { out: e });
    expect(e.shape).toEqual([3, 3]);
    expect(torch.full([2], 7, { out: torch.empty(2) }).tolist()).toEqual([7, 7]);
    expect(torch.linspace(0, 1, 3, { out: torch.empty(3) }).tolist()).toEqual([0, 0.5, 1]);
    expect(torch.eye(2, { out: torch.empty(2, 2) }).tolist()).toEqual([[1, 0], [0, 1]]);
    expect(torch.randperm(4, { out: torch.empty(4, { dtype: torch.long }) }).sort().values.tolist()).toEqual([0, 1, 2, 3]);
    expect(torch.ones(2, { out: null }).tolist()).toEqual([1, 1]);
  });

  it("a dtype that differs from out's raises PyTorch's error and leaves out unchanged", () => {
    const c = torch.zeros(2, 2, { dtype: torch.float64 });
    expect(() => torch.rand(2, 2, { dtype: torch.float32, out: c })).toThrow("dtype Float does not match dtype of out parameter (Double)");
    expect(c.tolist()).toEqual([[0, 0], [0, 0]]);
    expect(() => torch.zeros(2, { out: [1, 2] as never })).toThrow("zeros(): argument 'out' must be Tensor, not list");
  });
});

describe("keepdim as a keyword after a positional dim: x.max(1, keepdim=True)", () => {
  it("max / min / argmax / argmin (method and torch.*) read { keepdim }, and refuse other keywords", () => {
    const x = torch.tensor([[1, 5, 2], [7, 0, 3]]);
    expect(x.max(1, { keepdim: true }).values.tolist()).toEqual([[5], [7]]);
    expect(x.max(1, { keepdim: true })[1].tolist()).toEqual([[1], [0]]);
    expect(x.max(1, { keepdim: false }).values.tolist()).toEqual([5, 7]); // an options object is not just "truthy"
    expect(x.min(0, { keepdim: false }).values.tolist()).toEqual([1, 0, 2]);
    expect(torch.max(x, 1, { keepdim: true }).indices.shape).toEqual([2, 1]);
    expect(torch.min(x, 1, { keepdim: false }).indices.tolist()).toEqual([0, 1]);
    expect(x.argmax(1, { keepdim: true }).tolist()).toEqual([[1], [0]]);
    expect(x.argmin(1, { keepdim: false }).tolist()).toEqual([0, 1]);
    expect(torch.argmax(x, 0, { keepdim: true }).shape).toEqual([1, 3]);
    // NumPy's keepdims is torch 1.13's alias of keepdim: x.max(1, keepdims=True) -> values [[5], [7]]
    expect(x.max(1, { keepdims: true }).values.tolist()).toEqual([[5], [7]]);
    expect(() => x.max(1, { keepdimz: true } as never)).toThrow("max() got an unexpected keyword argument 'keepdimz'");
    expect(() => x.argmax(1, { kepdim: true } as never)).toThrow("argmax() got an unexpected keyword argument 'kepdim'");
  });
});

describe("device= on the parameterised modules (PyTorch 1.13's factory keywords)", () => {
  it("nn.Linear / Conv2d / Embedding / BatchNorm / LayerNorm take device='cpu' (or a torch.device, or null) and refuse another device", () => {
    expect(String(new torch.nn.Linear(2, 3, { device: "cpu" }))).toBe("Linear(in_features=2, out_features=3, bias=True)");
    expect(new torch.nn.Linear(2, 3, true, "cpu").weight.shape).toEqual([3, 2]); // device is the 4th positional, as in PyTorch
    expect(new torch.nn.Conv2d(1, 2, 3, { device: torch.device("cpu") }).weight.shape).toEqual([2, 1, 3, 3]);
    expect(new torch.nn.Embedding(5, 2, { device: "cpu" }).weight.shape).toEqual([5, 2]);
    expect(new torch.nn.BatchNorm2d(3, { device: null }).num_features).toBe(3);
    expect(new torch.nn.LayerNorm(4, { device: "cpu", dtype: torch.float64 }).weight!.dtype).toBe(torch.float64);
    expect(() => new torch.nn.Linear(2, 3, { device: "meta" })).toThrow("Linear('meta'): Gradbook's tensor engine runs on the CPU only, so device 'meta' is not available");
    expect(() => new torch.nn.Conv2d(1, 2, 3, { device: "cuda" })).toThrow(/Conv2d\('cuda'\): .* device 'cuda' is not available/);
    expect(() => new torch.nn.Embedding(5, 2, { device: "meta" })).toThrow(/Embedding\('meta'\)/);
    expect(() => new torch.nn.BatchNorm1d(3, { device: "cuda:0" })).toThrow(/BatchNorm1d\('cuda:0'\)/);
    expect(() => new torch.nn.LayerNorm(4, { device: "meta" })).toThrow(/LayerNorm\('meta'\)/);
  });
});

describe("torch.autograd.grad(..., is_grads_batched=True)", () => {
  it("maps over the first dimension of grad_outputs: Jacobian rows, several outputs, create_graph; torch 1.13's errors", () => {
    const w = torch.tensor([1.0, 2.0, 3.0], { requires_grad: true });
    const [jac] = torch.autograd.grad(w.pow(2), w, torch.eye(3), { is_grads_batched: true });
    expect(jac!.tolist()).toEqual([[2, 0, 0], [0, 4, 0], [0, 0, 6]]);
    // a scalar output with a batch of two cotangents (torch 1.13: [[2, 2, 2], [4, 4, 4]])
    expect(torch.autograd.grad(w.mul(2).sum(), w, torch.tensor([1.0, 2.0]), { is_grads_batched: true })[0]!.tolist()).toEqual([[2, 2, 2], [4, 4, 4]]);
    const a = torch.tensor([1.0, -1.0], { requires_grad: true });
    const [ga, gw] = torch.autograd.grad([a.mul(3), w.sum().mul(a)], [a, w], [torch.ones(2, 2), torch.tensor([[1.0, 0.0], [0.0, 1.0]])], { is_grads_batched: true });
    expect(ga!.tolist()).toEqual([[3 + 6, 3], [3, 3 + 6]]);
    expect(gw!.tolist()).toEqual([[1, 1, 1], [-1, -1, -1]]);
    const [g2] = torch.autograd.grad(w.pow(3), w, torch.eye(3), { is_grads_batched: true, create_graph: true });
    expect(g2!.requires_grad).toBe(true);
    expect(torch.autograd.grad(g2!.sum(), w)[0]!.tolist()).toEqual([6, 12, 18]); // d/dw sum(diag(3 w^2))
    expect(() => torch.autograd.grad(w.pow(2), w, torch.ones(2, 2), { is_grads_batched: true })).toThrow(
      /we interpret the first dimension of each grad_output as the batch dimension.*grad_output\[0\] has a shape of torch.Size\(\[2\]\) and output\[0\] has a shape of torch.Size\(\[3\]\)/,
    );
    expect(() => torch.autograd.grad(w.pow(2), w, { is_grads_batched: true })).toThrow("grad can be implicitly created only for scalar outputs");
  });
});

describe("the decorator forms: @torch.no_grad(), @torch.enable_grad(), @torch.inference_mode()", () => {
  it("torch.no_grad() with no function returns a decorator whose calls record nothing; enable_grad() and inference_mode(mode) likewise", () => {
    const x = torch.ones(2, { requires_grad: true });
    const add_tensors2 = torch.no_grad()((a: typeof x, b: typeof x) => a.add(b));
    const z = add_tensors2(x, x);
    expect(z.requires_grad).toBe(false);
    expect(z.tolist()).toEqual([2, 2]);
    expect(torch.is_grad_enabled()).toBe(true);
    const doubled = torch.enable_grad()((a: typeof x) => a.mul(2));
    expect(torch.no_grad(() => doubled(x)).requires_grad).toBe(true);
    const infer = torch.inference_mode()((a: typeof x) => {
      expect(torch.is_inference_mode_enabled()).toBe(true);
      return a.mul(3);
    });
    expect(infer(x).requires_grad).toBe(false);
    expect(torch.inference_mode(false)((a: typeof x) => a.mul(3))(x).requires_grad).toBe(true);
    expect(() => torch.no_grad()(5 as never)).toThrow("no_grad() decorates a function, got number");
    // the function form is unchanged
    expect(torch.no_grad(() => 7)).toBe(7);
  });
});

describe("torch.load(f, map_location=..., weights_only=...)", () => {
  it("maps to the CPU (string, torch.device, dict, function); a CUDA target raises torch 1.13's CPU-only error", () => {
    const lin = new torch.nn.Linear(2, 2);
    torch.save(lin.state_dict(), "gaps2_load.pt");
    const keys = (sd: unknown) => Object.keys(sd as object);
    expect(keys(torch.load("gaps2_load.pt", { map_location: "cpu" }))).toEqual(["weight", "bias"]);
    expect(keys(torch.load("gaps2_load.pt", torch.device("cpu")))).toEqual(["weight", "bias"]); // positional, as PyTorch
    expect(keys(torch.load("gaps2_load.pt", { map_location: { "cuda:0": "cpu" }, weights_only: true }))).toEqual(["weight", "bias"]);
    const seen: string[] = [];
    const viaFn = torch.load("gaps2_load.pt", { map_location: (t: typeof lin.weight, loc: string) => (seen.push(loc), t.mul(2)) }) as Record<string, typeof lin.weight>;
    expect(seen).toEqual(["cpu", "cpu"]);
    expect(viaFn.weight.equal(lin.weight.detach().mul(2))).toBe(true);
    const cudaError =
      "Attempting to deserialize object on a CUDA device but torch.cuda.is_available() is False. If you are running on a CPU-only machine, please use torch.load with map_location=torch.device('cpu') to map your storages to the CPU.";
    expect(() => torch.load("gaps2_load.pt", { map_location: "cuda:0" })).toThrow(cudaError);
    expect(() => torch.load("gaps2_load.pt", { map_location: torch.device("cuda") })).toThrow(cudaError);
    expect(() => torch.load("gaps2_load.pt", { map_location: { cpu: "cuda:1" } })).toThrow(cudaError);
    expect(() => torch.load("gaps2_load.pt", { map_location: "meta" })).toThrow(/device 'meta' is not available/);
    expect(() => torch.load("gaps2_load.pt", { pickle_modul: 1 } as never)).toThrow("load() got an unexpected keyword argument 'pickle_modul'");
  });
});

describe("the optimizers' implementation switches (foreach, differentiable, capturable, fused), as torch 1.13", () => {
  it("are accepted, recorded in every param_group (state_dict, repr) with 1.13's defaults, and the CUDA-only ones raise 1.13's errors", () => {
    const lin = new torch.nn.Linear(2, 2);
    // torch 1.13: print(torch.optim.SGD(m.parameters(), lr=0.001, momentum=0.9))
    expect(String(new torch.optim.SGD(lin.parameters(), { lr: 0.001, momentum: 0.9 }))).toBe(
      ["SGD (", "Parameter Group 0", "    dampening: 0", "    differentiable: False", "    foreach: None", "    lr: 0.001", "    maximize: False", "    momentum: 0.9", "    nesterov: False", "    weight_decay: 0", ")"].join("\n"),
    );
    // torch 1.13: torch.optim.Adam(m.parameters()).state_dict()['param_groups'][0] keys
    const adam = new torch.optim.Adam(lin.parameters(), { foreach: false });
    expect(Object.keys(adam.state_dict().param_groups[0]).sort()).toEqual(
      ["lr", "betas", "eps", "weight_decay", "amsgrad", "maximize", "foreach", "capturable", "differentiable", "fused", "params"].sort(),
    );
    expect(adam.param_groups[0].foreach).toBe(false);
    const keysOf = (o: { defaults: object }) => Object.keys(o.defaults).sort();
    expect(keysOf(new torch.optim.AdamW(lin.parameters()))).toEqual(["lr", "betas", "eps", "weight_decay", "amsgrad", "foreach", "maximize", "capturable"].sort());
    expect(keysOf(new torch.optim.RMSprop(lin.parameters()))).toEqual(["lr", "momentum", "alpha", "eps", "centered", "weight_decay", "foreach", "maximize", "differentiable"].sort());
    expect(keysOf(new torch.optim.RAdam(lin.parameters()))).toEqual(["lr", "betas", "eps", "weight_decay", "foreach"].sort());
    expect(keysOf(new torch.optim.NAdam(lin.parameters()))).toEqual(["lr", "betas", "eps", "weight_decay", "momentum_decay", "foreach"].sort());
    // foreach=True is the same update
    const a = new torch.nn.Linear(2, 1);
    const b = new torch.nn.Linear(2, 1);
    b.load_state_dict(a.state_dict());
    const oa = new torch.optim.SGD(a.parameters(), { lr: 0.1, momentum: 0.9 });
    const ob = new torch.optim.SGD(b.parameters(), { lr: 0.1, momentum: 0.9, foreach: true });
    for (const [m, o] of [[a, oa], [b, ob]] as const) {
      m(torch.ones(1, 2)).sum().backward();
      o.step();
    }
    expect(a.weight.equal(b.weight)).toBe(true);
    expect(() => new torch.optim.Adam(lin.parameters(), { fused: true })).toThrow("FusedAdam requires all the params to be CUDA, floating point");
    expect(() => new torch.optim.Adam(lin.parameters(), { capturable: true })).toThrow("If capturable=True, params and state_steps must be CUDA tensors.");
    expect(() => new torch.optim.SGD(lin.parameters(), { lr: 0.1, differentiable: true })).toThrow("a leaf Variable that requires grad is being used in an in-place operation.");
    expect(() => new torch.optim.SGD(lin.parameters(), { lr: 0.1, foreach: 1 as never })).toThrow("SGD(): foreach must be a bool or None, not number");
    expect(() => new torch.optim.SGD(lin.parameters(), { lr: 0.1, fused: true } as never)).toThrow("SGD() got an unexpected keyword argument 'fused'"); // SGD has no fused in 1.13
  });
});
