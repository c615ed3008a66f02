/**
 * Differences from torch 1.13 listed by earlier audits, each compared with torch's outcome
 * (tests/fixtures/torch/known_gaps_s43.json, scripts/fixtures/known_gaps_s43.py):
 * - torch.pow(number | real tensor, complex) refused the complex exponent ("argument 'other' must be a Tensor or a
 *   number, not ComplexTensor"); float_power of a complex operand too. Now exp(w log base) (PowBackward2 for a number
 *   base, PowBackward1 for a tensor), 0 ** w as torch's kernel (0 for Re w > 0, inf + nan i below, nan at Re w = 0; the
 *   gradient 0 only where w is real and >= 0), which a complex base of 0 follows too (it gave NaN everywhere); a
 *   negative number base has torch's NaN gradient (its backward takes the real log of the Scalar base);
 * - F.mse_loss / smooth_l1_loss / huber_loss (and their modules) computed integer / bool pairs: torch runs their kernel
 *   in the promoted dtype ('"mse_cpu" not implemented for 'Long''; an int input against a float target computes in float),
 *   huber into an input-dtype output ("result type Float can't be cast to the desired output type Long");
 * - trapezoid / trapz of no samples gave int64 zeros for an int32 / uint8 / bool y (torch keeps y's dtype), and
 *   cumulative_trapezoid took a bool y with no samples;
 * - a module's child declared with `declare` (no field emitted) and assigned in the constructor was listed after the
 *   plain fields still unassigned then: torch's order is assignment order (state_dict, named_modules, named_parameters);
 * - Bernoulli, Binomial, Geometric, Categorical (so OneHotCategorical, Multinomial), ContinuousBernoulli, the relaxed
 *   ones computed the parameter not given at construction: torch's lazy_property computes it when first read, with grad
 *   enabled (a distribution built under no_grad gives a .probs on the graph), from the given one's value then.
 * Python's keywords are the trailing options object; a case's outcome is {dtype, shape, value (flat), grad_fn}, or
 * [error class, message].
 */
import { describe, expect, it } from "vitest";
import { F, nn, torch, type ComplexTensor, type Tensor } from "../../../../lib/tensor/index";
import { gradcheck } from "../../../../lib/grading/gradcheck";
import fixture from "../../../fixtures/torch/known_gaps_s43.json";
import { compare, expectValues, flat } from "./known_gaps_helpers";

const fx = fixture as unknown as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** torch.* with complex operands (the real signatures' types name real tensors; the engine dispatches on a complex one). */
const tc = torch as unknown as Record<string, (...args: unknown[]) => ComplexTensor>;
const complexOf = (pairs: number[][], dtype = torch.float32) => torch.view_as_complex(torch.tensor(pairs, { dtype }));

describe("torch.pow with a complex exponent: a number or real tensor base, float_power", () => {
  const p = fx.pow;
  const z = complexOf(p.z);
  const w0 = complexOf(p.w0);
  const base = torch.tensor(p.base as number[]);

  it("values, dtypes and nodes as torch (0 ** w included)", () => {
    compare(p.cases, {
      "2 ** z": () => torch.pow(2, z),
      "2.5 ** z": () => torch.pow(2.5, z),
      "-2 ** z": () => torch.pow(-2, z),
      "0 ** w0": () => torch.pow(0, w0),
      "True ** z": () => tc.pow(true, z),
      "1 ** z": () => torch.pow(1, z),
      "2 ** z complex128": () => torch.pow(2, z.to(torch.complex128) as ComplexTensor),
      "0-d tensor ** z": () => torch.pow(torch.tensor(2.0), z),
      "tensor ** z": () => torch.pow(base, z),
      "float64 tensor ** z": () => torch.pow(base.double(), z),
      "int64 tensor ** z": () => torch.pow(torch.tensor([2, 3, 4, 5, 6], { dtype: torch.int64 }), z),
      "zeros ** w0": () => torch.pow(torch.zeros(10), w0),
      "complex zeros ** w0": () => tc.pow(torch.zeros([10], { dtype: torch.complex64 }), w0),
      "float_power(2, z)": () => torch.float_power(2, z),
      "float_power(tensor, z)": () => torch.float_power(base, z),
      "float_power(z, 2)": () => torch.float_power(z, 2),
      "float_power(z, z)": () => torch.float_power(z, z),
      "z.float_power(1.5)": () => z.float_power(1.5),
    });
  });

  const fns: Record<string, (w: ComplexTensor) => ComplexTensor> = {
    "2 ** z": (w) => torch.pow(2, w),
    "-2.5 ** z": (w) => torch.pow(-2.5, w),
    "0.5 ** z": (w) => torch.pow(0.5, w),
    "tensor ** z": (w) => torch.pow(base.double(), w),
    "float_power(3, z)": (w) => torch.float_power(3, w),
  };
  const Wg = torch.linspace(-1.0, 1.5, 10, { dtype: torch.float64 }).view(5, 2);
  const leaf = () => torch.tensor(p.leaf as number[][], { dtype: torch.float64 });

  it("gradients through a float64 leaf equal torch's and finite differences", () => {
    for (const [name, fn] of Object.entries(fns)) {
      const a = leaf().requires_grad_();
      const y = fn(torch.view_as_complex(a));
      torch.view_as_real(y).mul(Wg).sum().backward();
      expectValues(flat(a.grad!), p.grads[name].grad, name, 1e-10);
      expect(y.grad_fn!.name(), name).toBe(p.grads[name].grad_fn);
      // a negative number base: torch's gradient is NaN (pow_backward_exponent takes a real log of the Scalar base)
      if (name !== "-2.5 ** z") gradcheck((x) => torch.view_as_real(fn(torch.view_as_complex(x))), [leaf()]);
    }
    const a = leaf().requires_grad_();
    const b = torch.tensor([2.0, 3.0, 0.5, 5.0, 6.0], { dtype: torch.float64 }).requires_grad_();
    torch.view_as_real(torch.pow(b, torch.view_as_complex(a))).mul(Wg).sum().backward();
    expectValues(flat(a.grad!), p.grads["base and exponent"].grad, "exponent", 1e-10);
    expectValues(flat(b.grad!), p.grads["base and exponent"].base_grad, "base", 1e-10);
    gradcheck((x, y) => torch.view_as_real(torch.pow(y, torch.view_as_complex(x))), [leaf(), torch.tensor([2.0, 3.0, 0.5, 5.0, 6.0], { dtype: torch.float64 })]);
  });

  it("0 ** w: gradient 0 where w is real and >= 0, NaN elsewhere (pow_backward_exponent)", () => {
    const wz = torch.tensor(p.grads["0 ** w"].leaf as number[][], { dtype: torch.float64 }).requires_grad_();
    torch.view_as_real(torch.pow(0, torch.view_as_complex(wz))).mul(Wg).sum().backward();
    expectValues(flat(wz.grad!), p.grads["0 ** w"].grad, "0 ** w");
  });
});

describe("integer and bool operands of mse_loss, smooth_l1_loss, huber_loss (l1_loss as fixed before)", () => {
  const i64 = torch.tensor([1, 2, 3], { dtype: torch.int64 });
  const f32 = torch.tensor([1.0, 4.0, 2.5]);
  const bl = torch.tensor([true, false, true]);
  const pairs: Record<string, [Tensor, Tensor]> = {
    "int64, int64": [i64, torch.tensor([1, 4, 2], { dtype: torch.int64 })], "int64, float32": [i64, f32], "int64, float64": [i64, f32.double()],
    "int32, float32": [i64.int(), f32], "uint8, float32": [i64.to(torch.uint8), f32], "bool, float32": [bl, f32], "bool, bool": [bl, bl],
    "int64, bool": [i64, bl], "bool, int64": [bl, i64], "int32, int32": [i64.int(), i64.int()], "uint8, uint8": [i64.to(torch.uint8), i64.to(torch.uint8)],
    "float32, int64": [f32, i64], "float64, int64": [f32.double(), i64], "float32, bool": [f32, bl], "float32, float64": [f32, f32.double().add(1)],
  };
  it("values, dtypes and torch's errors; the nn modules the same", () => {
    const cases: Record<string, () => unknown> = {};
    const fns = { mse_loss: F.mse_loss, smooth_l1_loss: F.smooth_l1_loss, huber_loss: F.huber_loss, l1_loss: F.l1_loss } as Record<string, (x: Tensor, y: Tensor, o: object) => Tensor>;
    for (const [lname, fn] of Object.entries(fns)) {
      for (const [pname, [x, y]] of Object.entries(pairs)) {
        for (const reduction of ["mean", "sum", "none"]) cases[`${lname} ${pname} ${reduction}`] = () => fn(x, y, { reduction });
      }
    }
    const mods = { MSELoss: nn.MSELoss, SmoothL1Loss: nn.SmoothL1Loss, HuberLoss: nn.HuberLoss, L1Loss: nn.L1Loss } as Record<string, new () => nn.Module>;
    for (const [mname, M] of Object.entries(mods)) {
      for (const pname of ["int64, int64", "int64, float32", "bool, float32", "float32, int64"]) {
        const [x, y] = pairs[pname];
        cases[`nn.${mname} ${pname}`] = () => new M()(x, y);
      }
    }
    compare(fx.losses, cases);
  });
});

describe("trapezoid / trapz / cumulative_trapezoid with no samples", () => {
  it("y's dtype and zeros, torch's bool errors in torch's order", () => {
    const ys: Record<string, Tensor> = {
      "int64 [0]": torch.zeros([0], { dtype: torch.int64 }), "int64 [2, 0]": torch.zeros([2, 0], { dtype: torch.int64 }),
      "int64 [0, 3]": torch.zeros([0, 3], { dtype: torch.int64 }), "int32 [0]": torch.zeros([0], { dtype: torch.int32 }),
      "uint8 [0]": torch.zeros([0], { dtype: torch.uint8 }), "bool [0]": torch.zeros([0], { dtype: torch.bool }), "float32 [0]": torch.zeros([0]),
      "float64 [2, 0]": torch.zeros([2, 0], { dtype: torch.float64 }), "int64 [1]": torch.tensor([5], { dtype: torch.int64 }), "bool [2]": torch.tensor([true, false]),
    };
    const cases: Record<string, () => unknown> = {};
    for (const [yname, y] of Object.entries(ys)) {
      const n = y.shape[y.dim() - 1];
      Object.assign(cases, {
        [`trapz ${yname}`]: () => torch.trapz(y),
        [`trapezoid ${yname}`]: () => torch.trapezoid(y),
        [`trapezoid dx ${yname}`]: () => torch.trapezoid(y, { dx: 2 }),
        [`trapezoid x ${yname}`]: () => torch.trapezoid(y, torch.zeros(n)),
        [`trapezoid int x ${yname}`]: () => torch.trapezoid(y, torch.zeros([n], { dtype: torch.int64 })),
        [`trapz dim 0 ${yname}`]: () => torch.trapz(y, { dim: 0 }),
        [`cumulative_trapezoid ${yname}`]: () => torch.cumulative_trapezoid(y),
        [`cumulative_trapezoid x ${yname}`]: () => torch.cumulative_trapezoid(y, torch.zeros(n)),
      });
    }
    compare(fx.trapezoid, cases);
  });
});

describe("module attribute order: assignment order, `declare` fields included", () => {
  const orders = (m: nn.Module) => ({
    state_dict: Object.keys(m.state_dict()),
    named_modules: m.named_modules().map(([n]) => n),
    named_parameters: m.named_parameters().map(([n]) => n),
  });
  it("children declared with `declare` and assigned in the constructor take their place in torch's order", () => {
    class Declared extends nn.Module {
      declare a: nn.Linear;
      b: nn.Linear;
      declare w: nn.Parameter;
      declare c: nn.Linear;
      constructor() {
        super();
        this.a = new nn.Linear(1, 1);
        this.b = new nn.Linear(1, 2);
        this.w = new nn.Parameter(torch.zeros(2));
        this.c = new nn.Linear(2, 1);
      }
    }
    class EncoderFirst extends nn.Module {
      declare enc: nn.Linear;
      head: nn.Linear;
      constructor(enc: nn.Linear) {
        super();
        this.enc = enc;
        this.head = new nn.Linear(2, 1);
      }
    }
    class LoopThenField extends nn.Module {
      predict: nn.Linear;
      constructor() {
        super();
        for (let i = 0; i < 2; i++) (this as unknown as Record<string, nn.Module>)[`fc${i}`] = new nn.Linear(2, 2);
        this.predict = new nn.Linear(2, 1);
      }
    }
    expect(orders(new Declared())).toEqual(fx.module_order.Declared);
    expect(orders(new EncoderFirst(new nn.Linear(2, 2)))).toEqual(fx.module_order.EncoderFirst);
    expect(orders(new LoopThenField())).toEqual(fx.module_order.LoopThenField);
  });
});

describe("torch.distributions: the parameter not given is computed when first read (lazy_property)", () => {
  const D = torch.distributions as unknown as Record<string, new (...a: unknown[]) => Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const LOGITS = [100.0, -3.0, 0.5];
  const computed = (d: object) => ["logits", "probs"].filter((k) => Object.prototype.hasOwnProperty.call(d, k));
  const makers: Record<string, [(w: Tensor) => Record<string, any>, boolean]> = { // eslint-disable-line @typescript-eslint/no-explicit-any
    Bernoulli: [(w) => new D.Bernoulli({ logits: w }), false],
    Binomial: [(w) => new D.Binomial(5, { logits: w }), false],
    Geometric: [(w) => new D.Geometric({ logits: w }), false],
    NegativeBinomial: [(w) => new D.NegativeBinomial(3, { logits: w }), false],
    ContinuousBernoulli: [(w) => new D.ContinuousBernoulli({ logits: w }), false],
    RelaxedBernoulli: [(w) => new D.RelaxedBernoulli(torch.tensor(0.5), { logits: w }), false],
    Categorical: [(w) => new D.Categorical({ logits: w }), true],
    OneHotCategorical: [(w) => new D.OneHotCategorical({ logits: w }), true],
    Multinomial: [(w) => new D.Multinomial(3, { logits: w }), true],
    RelaxedOneHotCategorical: [(w) => new D.RelaxedOneHotCategorical(torch.tensor(0.5), { logits: w }), true],
  };

  it.each(Object.keys(makers))("%s: what is computed, on the graph and read after an in-place change, as torch", (name) => {
    const [make, vector] = makers[name];
    const e = fx.distributions[name];
    const w = (vector ? torch.tensor([LOGITS]) : torch.tensor(LOGITS)).requires_grad_();
    expect(computed(make(w)), "computed when built").toEqual(e.vars_built);
    const d2 = torch.no_grad(() => make(w));
    const p = d2.probs as Tensor;
    expect({ requires_grad: p.requires_grad, grad_fn: p.grad_fn?.name() ?? null }, "probs of one built under no_grad").toEqual(e.no_grad_probs);
    expect(computed(d2), "computed once probs is read").toEqual(e.vars_after_probs);
    const d3 = make(w);
    torch.no_grad(() => w.add_(1));
    expectValues(flat(d3.probs as Tensor), e.probs_after_inplace, "probs after logits.add_(1)");
    torch.no_grad(() => w.sub_(1));
  });

  it("log_prob from extreme logits stays finite, probs is exactly 1 when asked; gradients as torch", () => {
    const e = fx.distributions;
    const w = torch.tensor(LOGITS).requires_grad_();
    const d = new D.Bernoulli({ logits: w });
    const lp = d.log_prob(torch.tensor([0.0, 1.0, 1.0])) as Tensor;
    lp.sum().backward();
    expectValues(flat(lp), e.Bernoulli.log_prob, "Bernoulli.log_prob");
    expectValues(flat(w.grad!), e.Bernoulli.log_prob_grad, "its gradient");
    expectValues(flat(d.probs as Tensor), e.Bernoulli.probs, "Bernoulli.probs");
    expectValues(flat(new D.Binomial(5, { logits: w }).log_prob(torch.tensor([0.0, 1.0, 5.0])) as Tensor), e.Binomial.log_prob, "Binomial.log_prob");
    expectValues(flat(new D.Geometric({ logits: w }).log_prob(torch.tensor([0.0, 1.0, 2.0])) as Tensor), e.Geometric.log_prob, "Geometric.log_prob");
    const c = new D.Categorical({ logits: torch.tensor([LOGITS]) });
    expectValues(flat(c.log_prob(torch.tensor([0, 1, 2], { dtype: torch.int64 })) as Tensor), e.Categorical.log_prob, "Categorical.log_prob");
  });

  it("built from probs, logits is the lazy one: on the graph when read after a no_grad construction", () => {
    const byProbs: Record<string, (p: Tensor) => Record<string, any>> = { // eslint-disable-line @typescript-eslint/no-explicit-any
      Bernoulli: (p) => new D.Bernoulli(p), Geometric: (p) => new D.Geometric(p), Binomial: (p) => new D.Binomial(4, p),
    };
    for (const [name, make] of Object.entries(byProbs)) {
      const e = fx.distributions[`${name} probs`];
      const p = torch.tensor([0.2, 0.5, 1.0]).requires_grad_();
      expect(computed(make(p)), name).toEqual(e.vars_built);
      const lg = torch.no_grad(() => make(p)).logits as Tensor;
      expectValues(flat(lg), e.logits, `${name}.logits`);
      expect({ requires_grad: lg.requires_grad, grad_fn: lg.grad_fn?.name() ?? null }, name).toEqual(e.no_grad_logits);
    }
  });
});
