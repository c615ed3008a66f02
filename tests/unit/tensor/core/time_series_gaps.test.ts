/**
 * Gaps the time_series probe found (tutorials/time_series.test.ts: DeepAR, TFT, PatchTST, LSTNet, the sliding-window
 * pipeline), each against torch 1.13 (scripts/fixtures/time_series_fixtures.py, "gaps" section):
 * - NegativeBinomial computed the parameter not given (logits from probs, or probs from logits) at construction, and
 *   its repr (printed in every validation error) listed only the given one. In torch 1.13 that parameter is a
 *   lazy_property: its repr lists it once something read it (mean, variance, log_prob, sample, the user), as a DeepAR
 *   head's "Expected value argument ... NegativeBinomial(total_count: ..., probs: ..., logits: ...)" shows; expand
 *   carries what was computed. arg_constraints now lists total_count, probs and logits as torch's; the lazy one is
 *   validated only once computed (Distribution._init reads the class's _lazy_params).
 * - DataLoader(..., generator=7) (a seed where a torch.Generator belongs) failed with JavaScript's "gen.random is not a
 *   function" when iterated; torch 1.13 raises its argument parser's TypeError from random_(generator=...) there
 *   (the base seed is drawn first, with or without shuffle).
 * - torch.quantile / nanquantile with q a list (DeepAR paths' quantiles written torch.quantile(paths, [0.1, 0.5, 0.9])),
 *   a str or None: the engine failed with JavaScript's "a.q.toPrecision is not a function", and None was read as q = 0;
 *   torch 1.13's parser raises "quantile() received an invalid combination of arguments - got (Tensor, list), ...". A
 *   bool q is Python's float (True is 1). Left: the Tensor method's message is the function's here (torch's method form
 *   prints "got (list)" and its overloads without input / out).
 */
import { describe, expect, it } from "vitest";
import { torch, utils } from "../../../../lib/tensor/index";
import { expectT, raised, tutorialFixture } from "../tutorials/helpers";

const gaps = tutorialFixture<{ gaps: Record<string, any> }>("time_series.json").gaps; // eslint-disable-line @typescript-eslint/no-explicit-any
const D = torch.distributions;

describe("time_series gaps", () => {
  it("NegativeBinomial's derived parameter is lazy: the repr lists it once read, expand keeps it, validation skips it until then", () => {
    const a = new D.NegativeBinomial({ total_count: torch.tensor([2.0, 3.0]), probs: torch.tensor([0.3, 0.6]) });
    const out: unknown[] = [String(a)];
    void a.mean;
    out.push(String(a), String(a.expand([3, 2])));
    const b = new D.NegativeBinomial(torch.tensor([2.0]), { logits: torch.tensor([0.5]) });
    out.push(String(b));
    void b.probs;
    out.push(String(b), String(b.expand([2])));
    const c = new D.NegativeBinomial(torch.tensor(4.0), { probs: torch.tensor(0.25) });
    out.push(String(c), raised(() => c.log_prob(torch.tensor(1.5))));
    void c.variance;
    out.push(String(c), raised(() => c.log_prob(torch.tensor(1.5))));
    expect(out).toEqual(gaps.nb_reprs);
    expect(raised(() => new D.NegativeBinomial(torch.tensor([2.0]), { probs: torch.tensor([1.5]) }))).toEqual(gaps.nb_bad_probs);
    expect(raised(() => new D.NegativeBinomial(torch.tensor([-1.0]), { logits: torch.tensor([0.5]) }))).toEqual(gaps.nb_bad_count);
    expect(new D.NegativeBinomial(torch.tensor([2.0, 1.0]), { logits: torch.tensor([0.5, 0.1]) }).param_shape).toEqual(gaps.nb_param_shape);
    expect(Object.keys(a.arg_constraints)).toEqual(["total_count", "probs", "logits"]);
  });

  it("DataLoader with a generator that is not a torch.Generator raises torch's TypeError when iterated", () => {
    const first = (generator: unknown, shuffle = true) => () => new utils.data.DataLoader([0, 1, 2, 3], { batch_size: 2, shuffle, generator: generator as never })[Symbol.iterator]().next();
    expect([7, 7.5, "a", [1]].map((g) => raised(first(g)))).toEqual(gaps.dl_generator);
    expect(raised(first(7, false))).toEqual(gaps.dl_generator_noshuffle);
  });
});

describe("time_series gaps: quantile's q", () => {
  it("a list / str / None q raises torch's argument-parser TypeError; a bool q is 0 or 1", () => {
    const x = () => torch.randn(4);
    expect([
      raised(() => torch.quantile(x(), [0.1, 0.9] as never)),
      raised(() => torch.quantile(x(), [0.1] as never, { dim: 0 })),
      raised(() => torch.nanquantile(x(), "a" as never)),
      raised(() => torch.quantile(x(), null as never)),
      raised(() => torch.quantile(x(), [0.5] as never, 0, true)),
    ]).toEqual(gaps.quantile_q);
    expectT(torch.quantile(torch.tensor([1.0, 3.0, 2.0]), true as never), gaps.quantile_bool, 0);
  });
});
