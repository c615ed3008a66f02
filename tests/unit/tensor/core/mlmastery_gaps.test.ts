/**
 * Gaps found by the mlmastery probe (tests/unit/tensor/tutorials/mlmastery.test.ts: Machine Learning Mastery's
 * learning-rate schedule posts), each checked against torch 1.13 (the "gaps" section of
 * tests/fixtures/torch/tutorials/mlmastery.json, written by scripts/fixtures/mlmastery_fixtures.py):
 * get_lr() called by the learner warns (use get_last_lr()), step(epoch) shows the epoch deprecation warning (also
 * from SequentialLR at its milestones and from ReduceLROnPlateau.step(metric, epoch)), ReduceLROnPlateau.step()
 * without its metric raises torch's missing-argument TypeError, and a scheduler's state_dict has torch's keys in
 * torch's order (_get_lr_called_within_step; LambdaLR's lr_lambdas as None). And an LSTM / LSTMCell given its
 * (h_0, c_0) wrongly (h_0 alone, a list of one, three states, a 0-dim tensor) raises what torch raises there (the
 * engine said "LSTM: hx must be a pair [h_0, c_0]"); an unbatched LSTM takes hx[0], hx[1] of one tensor as torch does.
 * And optim.SGD(model.parameters, ...) (the call forgotten) names a 'method' as torch does (the engine said 'Function');
 * torch.load of a file never saved raises FileNotFoundError (the engine's was a RuntimeError).
 */
import { beforeEach, describe, expect, it, vi } from "vitest";
import { nn, optim, torch, type Tensor } from "../../../../lib/tensor/index";
import { forgetShownWarnings } from "../../../../lib/tensor/warnings";
import { thrown, tutorialFixture } from "../tutorials/helpers";

const g = tutorialFixture<Record<string, any>>("mlmastery.json").gaps; // eslint-disable-line @typescript-eslint/no-explicit-any
const L = optim.lr_scheduler;
const sgd = () => new optim.SGD([torch.zeros(2, { requires_grad: true })], { lr: 0.1 });
const list = (v: number[]) => `[${v.join(", ")}]`;

function captured(fn: () => void): { stdout: string[]; warnings: string[] } {
  const stdout: string[] = [], warnings: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((...a: unknown[]) => void stdout.push(a.join(" ")));
  const warn = vi.spyOn(console, "warn").mockImplementation((...a: unknown[]) => void warnings.push(a.join(" ")));
  try {
    fn();
  } finally {
    log.mockRestore();
    warn.mockRestore();
  }
  return { stdout, warnings };
}

describe("mlmastery gaps: learning-rate schedulers", () => {
  beforeEach(() => forgetShownWarnings());

  it("get_lr() outside step() warns to use get_last_lr(); step() itself does not", () => {
    expect(captured(() => {
      const optimizer = sgd();
      const scheduler = new L.StepLR(optimizer, { step_size: 2, gamma: 0.5 });
      console.log(list(scheduler.get_lr()));
      optimizer.step();
      scheduler.step();
      console.log(list(scheduler.get_last_lr()));
    })).toEqual(g.get_lr_outside_step);
    expect(captured(() => {
      const optimizer = sgd();
      const scheduler = new L.LinearLR(optimizer, { start_factor: 0.5, total_iters: 3 });
      for (let i = 0; i < 3; i++) {
        optimizer.step();
        scheduler.step();
      }
    }).warnings).toEqual([]);
  });

  it("step(epoch) shows torch's epoch deprecation warning (StepLR, ReduceLROnPlateau, SequentialLR at a milestone)", () => {
    expect(captured(() => {
      const optimizer = sgd();
      const scheduler = new L.StepLR(optimizer, { step_size: 2, gamma: 0.5 });
      optimizer.step();
      scheduler.step(3);
      console.log(list(scheduler.get_last_lr()));
    })).toEqual(g.step_with_epoch);
    forgetShownWarnings();
    expect(captured(() => {
      const optimizer = sgd();
      const scheduler = new L.ReduceLROnPlateau(optimizer);
      scheduler.step(1.0, 4);
      console.log(scheduler.last_epoch);
    })).toEqual(g.plateau_with_epoch);
    forgetShownWarnings();
    expect(captured(() => {
      const optimizer = sgd();
      const scheduler = new L.SequentialLR(optimizer, {
        schedulers: [new L.ConstantLR(optimizer, { factor: 0.5, total_iters: 2 }), new L.ExponentialLR(optimizer, { gamma: 0.9 })],
        milestones: [2],
      });
      for (let i = 0; i < 3; i++) {
        optimizer.step();
        scheduler.step();
        console.log(optimizer.param_groups[0].lr);
      }
    })).toEqual(g.sequential_milestone);
  });

  it("ReduceLROnPlateau.step() without the metric raises torch's missing-argument TypeError", () => {
    const scheduler = new L.ReduceLROnPlateau(sgd());
    expect(thrown(() => (scheduler.step as () => void)())).toEqual(["TypeError_", g.plateau_no_metric[1]]);
  });

  it("state_dict: torch's keys in torch's order", () => {
    const o = sgd();
    const s = new L.StepLR(o, { step_size: 2, gamma: 0.5 });
    o.step();
    s.step();
    const sd = s.state_dict();
    expect(Object.keys(sd)).toEqual(Object.keys(g.steplr_state));
    expect(sd).toEqual(g.steplr_state);
    const lam = new L.LambdaLR(sgd(), { lr_lambda: (e: number) => 0.5 ** e }).state_dict();
    expect(Object.keys(lam)).toEqual(g.lambdalr_state_keys);
    expect(lam.lr_lambdas).toEqual(g.lambdalr_lambdas);
    expect(Object.keys(new L.CosineAnnealingWarmRestarts(sgd(), 3).state_dict())).toEqual(g.cawr_state_keys);
    const plateau = new L.ReduceLROnPlateau(sgd());
    expect(Object.keys(plateau.state_dict())).toEqual(g.plateau_keys_before); // no _last_lr before a step, as torch
    plateau.step(1.0);
    expect(Object.keys(plateau.state_dict())).toEqual(g.plateau_keys_after);
  });
});

describe("mlmastery gaps: an LSTM's hx given wrongly", () => {
  // the engine's TypeError class is TypeError_
  const py = (e: [string, string] | null) => (e === null ? null : [e[0].replace(/^TypeError_$/, "TypeError"), e[1]]);
  it("nn.LSTM: h_0 alone, a 4-D tensor, a list of one, three states, a 0-dim tensor", () => {
    const lstm = new nn.LSTM(1, 8, { batch_first: true });
    const xs = torch.rand(10, 4, 1);
    expect(py(thrown(() => lstm(xs, torch.zeros(1, 10, 8) as never)))).toEqual(g.lstm_hx_tensor);
    expect(py(thrown(() => lstm(xs, torch.zeros(2, 1, 10, 8) as never)))).toEqual(g.lstm_hx_tensor4d);
    expect(py(thrown(() => lstm(xs, [torch.zeros(1, 10, 8)] as never)))).toEqual(g.lstm_hx_list1);
    expect(py(thrown(() => lstm(xs, [torch.zeros(1, 10, 8), torch.zeros(1, 10, 8), torch.zeros(1, 10, 8)] as never)))).toEqual(g.lstm_hx_three);
    expect(py(thrown(() => lstm(xs, torch.tensor(0.0) as never)))).toEqual(g.lstm_hx_scalar);
    const hc = torch.randn(2, 1, 8);
    const xu = torch.rand(4, 1);
    const ref = lstm(xu, [hc.index(0), hc.index(1)])[0];
    expect(torch.equal(lstm(xu, hc as never)[0], ref)).toBe(g.lstm_unbatched_tensor_same);
    expect(torch.equal(lstm(xu, [hc.index(0), hc.index(1), hc.index(0)] as never)[0], ref)).toBe(g.lstm_unbatched_three_same);
  });

  it("nn.LSTMCell: a batched input's hx goes to lstm_cell as given; an unbatched one is indexed", () => {
    const cell = new nn.LSTMCell(1, 8);
    const xs = torch.rand(10, 4, 1);
    expect(py(thrown(() => cell(xs.index(":", 0), torch.zeros(10, 8) as never)))).toEqual(g.cell_hx_tensor);
    expect(py(thrown(() => cell(xs.index(":", 0), [torch.zeros(10, 8)] as never)))).toEqual(g.cell_hx_list1);
    expect(py(thrown(() => cell(xs.index(0, 0), torch.zeros(1, 8) as never)))).toEqual(g.cell_unbatched_short);
    const hc = torch.randn(2, 8);
    const a = (cell(xs.index(0, 0), hc as never) as Tensor[])[0];
    const b = cell(xs.index(0, 0), [hc.index(0), hc.index(1)])[0];
    expect(torch.equal(a, b)).toBe(g.cell_unbatched_tensor_same);
  });
});

describe("mlmastery gaps: an optimizer given something not iterable", () => {
  it("model.parameters without the call is a 'method', an arrow a 'function', a module its class, a class a 'type'", () => {
    const lin = new nn.Linear(2, 2);
    const given: unknown[] = [lin.parameters, lin.named_parameters, () => 1, lin, nn.Linear];
    expect(given.map((p) => thrown(() => new optim.SGD(p as never, { lr: 0.1 }))?.[1])).toEqual(g.optim_not_iterable);
  });
});

describe("mlmastery gaps: torch.load of a missing file", () => {
  it("raises FileNotFoundError with torch's message first (the engine adds how to save it)", () => {
    const e = thrown(() => torch.load("missing-model.pth"));
    expect(e![0]).toBe(g.load_missing[0]);
    expect(e![1].startsWith(g.load_missing[1])).toBe(true);
  });
});
