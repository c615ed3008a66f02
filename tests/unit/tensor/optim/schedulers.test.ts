/** lr schedulers: lr (and momentum / beta1) trajectories against PyTorch 1.13, state_dict round trips, errors. */
import { describe, expect, it } from "vitest";
import { nn, optim, torch } from "../../../../lib/tensor/index";
import { expectClose, fixture } from "../nn/helpers";

const S = optim.lr_scheduler;

interface Case {
  name: string;
  class: string;
  kwargs: Record<string, unknown>;
  optimizer: "SGD" | "Adam";
  lrs: number[];
  steps: number;
  metrics: number[] | null;
  lr: number[][];
  momentum: number[][];
  initial_lr: (number | null)[];
}
const fx = fixture<{ cases: Case[]; initial_lr_kept: { initial_lr: number; lr: number[] }; resumed: { lr: number[]; last_epoch: number } }>(
  "optim/schedulers.json",
);

function makeOptimizer(kind: "SGD" | "Adam", lrs: number[]): optim.SGD | optim.Adam {
  const groups = lrs.map((lr) => ({ params: [new nn.Parameter(torch.zeros(1))], lr }));
  return kind === "SGD" ? new optim.SGD(groups, { lr: lrs[0], momentum: 0.9 }) : new optim.Adam(groups, { lr: lrs[0], betas: [0.9, 0.999] });
}

type Stepper = { step(metric?: number): void; get_last_lr(): number[] };

function build(c: Case, opt: optim.SGD | optim.Adam): Stepper {
  switch (c.class) {
    case "LambdaLR":
      return new S.LambdaLR(opt, (epoch) => 0.95 ** epoch);
    case "SequentialLR":
      return new S.SequentialLR(
        opt,
        [new S.LinearLR(opt, { start_factor: 0.1, total_iters: 3 }), new S.ExponentialLR(opt, 0.9), new S.CosineAnnealingLR(opt, 4)],
        c.kwargs.milestones as number[],
      );
    case "ReduceLROnPlateau":
      return new S.ReduceLROnPlateau(opt, c.kwargs) as Stepper;
    default: {
      const Ctor = (S as unknown as Record<string, new (o: unknown, kw: unknown) => Stepper>)[c.class];
      return new Ctor(opt, c.kwargs);
    }
  }
}

const momentaOf = (opt: optim.SGD | optim.Adam): number[] =>
  opt.param_groups.map((g) => ("betas" in g ? (g.betas as number[])[0] : (g as { momentum: number }).momentum));

describe("lr schedulers vs PyTorch 1.13", () => {
  it.each(fx.cases.map((c) => [c.name, c] as const))("%s", (_, c) => {
    const opt = makeOptimizer(c.optimizer, c.lrs);
    const s = build(c, opt);
    const lrs = [c.class === "ReduceLROnPlateau" ? opt.param_groups.map((g) => g.lr) : s.get_last_lr()];
    const mom = [momentaOf(opt)];
    for (let i = 0; i < c.steps; i++) {
      opt.step();
      s.step(c.metrics ? c.metrics[i] : undefined);
      lrs.push(s.get_last_lr());
      mom.push(momentaOf(opt));
    }
    expectClose(lrs.flat(), c.lr.flat(), { rtol: 1e-12, atol: 1e-15, label: `${c.name} lr` });
    expectClose(mom.flat(), c.momentum.flat(), { rtol: 1e-12, atol: 1e-15, label: `${c.name} momentum` });
    const initial = opt.param_groups.map((g) => (g as { initial_lr?: number }).initial_lr ?? null);
    expect(initial).toEqual(c.initial_lr);
  });

  it("keeps an existing initial_lr and resumes from last_epoch like PyTorch", () => {
    const opt = makeOptimizer("SGD", [0.1]);
    (opt.param_groups[0] as { initial_lr?: number }).initial_lr = 0.4;
    const s = new S.StepLR(opt, 2, 0.5);
    expect((opt.param_groups[0] as { initial_lr?: number }).initial_lr).toBe(fx.initial_lr_kept.initial_lr);
    expect(s.base_lrs).toEqual([0.4]);
    expect(s.get_last_lr()).toEqual(fx.initial_lr_kept.lr);

    const opt2 = makeOptimizer("SGD", [0.1]);
    (opt2.param_groups[0] as { initial_lr?: number }).initial_lr = 0.4;
    const r = new S.ExponentialLR(opt2, 0.5, 3);
    expect(r.get_last_lr()).toEqual(fx.resumed.lr);
    expect(r.last_epoch).toBe(fx.resumed.last_epoch);
    expect(() => new S.ExponentialLR(makeOptimizer("SGD", [0.1]), 0.5, 3)).toThrow(/initial_lr' is not specified in param_groups\[0\]/);
  });

  it("state_dict / load_state_dict continue a schedule exactly", () => {
    const trajectory = (make: (o: optim.SGD) => Stepper, resumeAt: number | null, n = 12): number[] => {
      let opt = makeOptimizer("SGD", [0.1]) as optim.SGD;
      let s = make(opt);
      const out: number[] = [];
      for (let i = 0; i < n; i++) {
        if (i === resumeAt) {
          const saved = { opt: opt.state_dict(), sched: (s as unknown as optim.lr_scheduler.LRScheduler).state_dict() };
          opt = makeOptimizer("SGD", [0.1]) as optim.SGD;
          s = make(opt);
          opt.load_state_dict(saved.opt);
          (s as unknown as optim.lr_scheduler.LRScheduler).load_state_dict(JSON.parse(JSON.stringify(saved.sched)) as Record<string, unknown>);
        }
        opt.step();
        s.step(i % 3 === 0 ? 1 : 2);
        out.push(s.get_last_lr()[0], momentaOf(opt)[0]);
      }
      return out;
    };
    const makers: [string, (o: optim.SGD) => Stepper][] = [
      ["CosineAnnealingLR", (o) => new S.CosineAnnealingLR(o, { T_max: 5, eta_min: 0.01 })],
      ["OneCycleLR", (o) => new S.OneCycleLR(o, { max_lr: 1, total_steps: 12 })],
      ["MultiStepLR", (o) => new S.MultiStepLR(o, [2, 4, 4], 0.5)],
      ["ReduceLROnPlateau", (o) => new S.ReduceLROnPlateau(o, { patience: 1 }) as Stepper],
      ["SequentialLR", (o) => new S.SequentialLR(o, [new S.ConstantLR(o, 0.5, 2), new S.ExponentialLR(o, 0.9)], [3])],
    ];
    for (const [name, make] of makers) {
      const straight = trajectory(make, null);
      expect(trajectory(make, 5), name).toEqual(straight);
      expect(new Set(straight).size, `${name} actually changes the lr`).toBeGreaterThan(2);
    }
  });

  it("rejects bad settings with PyTorch's messages and leaves the optimizer untouched", () => {
    const opt = makeOptimizer("SGD", [0.1]);
    expect(() => new S.OneCycleLR(opt, 1)).toThrow(/must define either total_steps OR \(epochs AND steps_per_epoch\)/);
    expect(() => new S.OneCycleLR(opt, 1, { total_steps: 0 })).toThrow(/Expected positive integer total_steps, but got 0/);
    expect(() => new S.OneCycleLR(opt, 1, { total_steps: 5, anneal_strategy: "exp" as never })).toThrow(/anneal_strategy must by one of 'cos' or 'linear'/);
    expect(() => new S.OneCycleLR(new optim.RMSprop([new nn.Parameter(torch.zeros(1))]), 1, 10)).not.toThrow();
    const adagradLike = new optim.SGD([new nn.Parameter(torch.zeros(1))], 0.1);
    delete (adagradLike.defaults as { momentum?: number }).momentum;
    expect(() => new S.OneCycleLR(adagradLike, 1, 10)).toThrow(/optimizer must support momentum/);
    expect(() => new S.ReduceLROnPlateau(opt, { factor: 1 })).toThrow(/Factor should be < 1.0/);
    expect(() => new S.ReduceLROnPlateau(opt, { mode: "up" as never })).toThrow(/mode up is unknown/);
    expect(() => new S.ReduceLROnPlateau(opt, { min_lr: [0, 0] })).toThrow(/expected 1 min_lrs, got 2/);
    expect(() => new S.LinearLR(opt, 2)).toThrow(/Starting multiplicative factor/);
    expect(() => new S.ConstantLR(opt, 1.5)).toThrow(/between 0 and 1/);
    expect(() => new S.StepLR({} as never, 2)).toThrow(/is not an Optimizer/);
    expect(() => new S.OneCycleLR(adagradLike, 1, 10)).toThrow();
    expect(adagradLike.param_groups[0]).not.toHaveProperty("initial_lr");
    expect(opt.param_groups[0].lr).toBe(0.1);
    expect(opt.param_groups[0]).not.toHaveProperty("initial_lr");
    const fresh = makeOptimizer("SGD", [0.1]);
    expect(() => new S.SequentialLR(fresh, [new S.ConstantLR(fresh)], [3])).toThrow(/one more than the number of milestone points/);
    const s = new S.OneCycleLR(makeOptimizer("SGD", [0.1]), 1, 3);
    for (let i = 0; i < 3; i++) s.step();
    expect(() => s.step()).toThrow(/Tried to step 5 times. The specified number of total steps is 3/);
  });
});
