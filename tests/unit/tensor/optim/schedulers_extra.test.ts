/** CosineAnnealingWarmRestarts, CyclicLR, MultiplicativeLR, PolynomialLR and ChainedScheduler against PyTorch 1.13's lr (and momentum) trajectories. */
import { describe, expect, it } from "vitest";
import { nn, optim, torch } from "../../../../lib/tensor/index";
import { fixture } from "../nn/helpers";

const S = optim.lr_scheduler;

interface Case {
  name: string;
  desc: Record<string, unknown>;
  optimizer: "SGD" | "Adam";
  lrs: number[];
  epochs: number[] | null;
  steps: number;
  lr: number[][];
  momentum: (number | null)[][];
  last_lr: number[];
  initial_lr: (number | null)[];
}
const fx = fixture<{ cases: Case[] }>("optim/schedulers_extra.json");

/** The fixture script's named lambdas. */
const LAMBDAS: Record<string, (e: number) => number> = { "0.9": () => 0.9, "1/(e+1)": (e) => 1 / (e + 1) };

function makeOpt(kind: "SGD" | "Adam", lrs: number[]): optim.Optimizer<object> {
  const groups = lrs.map((lr) => ({ params: [new nn.Parameter(torch.zeros(1))], lr }));
  return kind === "SGD" ? new optim.SGD(groups, { lr: lrs[0], momentum: 0.9 }) : new optim.Adam(groups, { lr: lrs[0] });
}

type Stepper = { step(epoch?: number): void; get_last_lr(): number[] };

function build(c: Case, opt: optim.Optimizer<object>): Stepper {
  const d = c.desc as Record<string, never>;
  switch (c.name) {
    case "CosineAnnealingWarmRestarts":
      return new S.CosineAnnealingWarmRestarts(opt, d);
    case "CyclicLR":
      return new S.CyclicLR(opt, d);
    case "MultiplicativeLR": {
      const l = c.desc.lr_lambda as string | string[];
      return new S.MultiplicativeLR(opt, typeof l === "string" ? LAMBDAS[l] : l.map((k) => LAMBDAS[k]));
    }
    case "PolynomialLR":
      return new S.PolynomialLR(opt, d);
    case "ChainedScheduler":
      return new S.ChainedScheduler([new S.ConstantLR(opt, 0.1, 2), new S.ExponentialLR(opt, 0.9)]);
    default:
      throw new Error(c.name);
  }
}

describe("A4 schedulers vs PyTorch 1.13", () => {
  for (const c of fx.cases) {
    it(`${c.name} ${JSON.stringify(c.desc)}${c.epochs ? ` step(epoch) ${JSON.stringify(c.epochs)}` : ""}`, () => {
      const opt = makeOpt(c.optimizer, c.lrs);
      const groups = opt.param_groups as unknown as { lr: number; momentum?: number; initial_lr?: number }[];
      const s = build(c, opt);
      const check = (k: number) => {
        groups.forEach((g, i) => {
          expect(g.lr, `lr ${k}.${i}`).toBeCloseTo(c.lr[k][i], 14);
          if (c.momentum[k][i] !== null) expect(g.momentum!, `momentum ${k}.${i}`).toBeCloseTo(c.momentum[k][i]!, 14);
        });
      };
      check(0);
      for (let k = 0; k < c.steps; k++) {
        opt.step();
        if (c.epochs) s.step(c.epochs[k]);
        else s.step();
        check(k + 1);
      }
      c.last_lr.forEach((lr, i) => expect(s.get_last_lr()[i]).toBeCloseTo(lr, 14));
      groups.forEach((g, i) => expect(g.initial_lr ?? null).toBe(c.initial_lr[i]));
    });
  }
});

describe("A4 schedulers: behaviour and errors", () => {
  const sgd = () => makeOpt("SGD", [0.1]);
  it("raise PyTorch's errors for bad settings", () => {
    expect(() => new S.CosineAnnealingWarmRestarts(sgd(), 0)).toThrow("Expected positive integer T_0, but got 0");
    expect(() => new S.CosineAnnealingWarmRestarts(sgd(), 2, 1.5)).toThrow("Expected integer T_mult >= 1, but got 1.5");
    expect(() => new S.CosineAnnealingWarmRestarts(sgd(), 2).step(-1)).toThrow("Expected non-negative epoch, but got -1");
    expect(() => new S.CyclicLR(sgd(), 0.01, 0.1, { mode: "zigzag" as never })).toThrow("mode is invalid and scale_fn is None");
    expect(() => new S.CyclicLR(makeOpt("Adam", [0.1]), 0.01, 0.1)).toThrow("optimizer must support momentum with `cycle_momentum` option enabled");
    expect(() => new S.CyclicLR(sgd(), [0.01, 0.02], 0.1)).toThrow("expected 1 values for base_lr, got 2");
    expect(() => new S.MultiplicativeLR(sgd(), [() => 1, () => 1])).toThrow("Expected 1 lr_lambdas, but got 2");
    const a = sgd();
    expect(() => new S.ChainedScheduler([new S.ExponentialLR(a, 0.9), new S.ExponentialLR(sgd(), 0.9)])).toThrow(
      "ChainedScheduler expects all schedulers to belong to the same optimizer, but got schedulers at index 0 and 1 to be different",
    );
  });

  it("a bad CyclicLR setting leaves the optimizer untouched", () => {
    const opt = sgd();
    expect(() => new S.CyclicLR(opt, 0.01, [0.1, 0.2])).toThrow(/max_lr/);
    expect(opt.param_groups[0]).toMatchObject({ lr: 0.1, momentum: 0.9 });
  });

  it("CyclicLR takes a custom scale_fn (per iteration)", () => {
    const opt = sgd();
    const s = new S.CyclicLR(opt, 0.0, 1.0, 2, { scale_fn: (x: number) => 1 / (x + 1), scale_mode: "iterations", cycle_momentum: false });
    const lrs: number[] = [];
    for (let i = 0; i < 4; i++) {
      s.step();
      lrs.push(s.get_last_lr()[0]);
    }
    // iteration 1: halfway up (0.5) scaled 1/2; 2: the peak scaled 1/3; 3: halfway down scaled 1/4; 4: the floor
    expect(lrs).toEqual([0.25, 1 / 3, 0.125, 0]);
  });

  it("ChainedScheduler and CosineAnnealingWarmRestarts resume from state_dict", () => {
    const run = (split: boolean): number[] => {
      let opt = sgd();
      let s = new S.CosineAnnealingWarmRestarts(opt, 2, 2, 0.001);
      const out: number[] = [];
      for (let k = 0; k < 9; k++) {
        if (split && k === 4) {
          const sd = s.state_dict();
          const groups = opt.param_groups.map((g) => ({ ...g })) as unknown as { lr: number; initial_lr?: number }[];
          opt = sgd();
          opt.param_groups.forEach((g, i) => Object.assign(g, { lr: groups[i].lr, initial_lr: groups[i].initial_lr }));
          s = new S.CosineAnnealingWarmRestarts(opt, 2, 2, 0.001);
          s.load_state_dict(sd);
        }
        s.step();
        out.push(s.get_last_lr()[0]);
      }
      return out;
    };
    expect(run(true)).toEqual(run(false));
  });
});
