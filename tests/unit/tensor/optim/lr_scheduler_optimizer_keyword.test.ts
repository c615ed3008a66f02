/**
 * lr schedulers with the optimizer by keyword, as tutorials write lr_scheduler.StepLR(optimizer=opt, step_size=30):
 * new StepLR({ optimizer: opt, step_size: 30 }) raised "Object is not an Optimizer" (optim/lr_scheduler.ts
 * optimizerByKeyword, used by the 14 schedulers that take an optimizer and swa_utils.SWALR). Each keyword form's lr
 * trajectory equals its positional form's (whose values the scheduler suites check against torch 1.13); a missing or
 * doubled optimizer raises Python's TypeError. Typed without casts: tsc checks the keyword forms' typings.
 */
import { describe, expect, it } from "vitest";
import { nn, optim, torch } from "../../../../lib/tensor/index";

const { lr_scheduler } = optim;
type Opt = InstanceType<typeof optim.SGD>;
type Sched = { step(): void };

function sgd(): Opt {
  return new optim.SGD([new nn.Parameter(torch.ones(2))], { lr: 0.5, momentum: 0.9 });
}

/** The lr after each of 12 steps of a scheduler built on a fresh SGD. */
function trajectory(make: (opt: Opt) => Sched): number[] {
  const opt = sgd();
  const s = make(opt);
  const out: number[] = [];
  for (let i = 0; i < 12; i++) {
    opt.step();
    s.step();
    out.push(opt.param_groups[0].lr);
  }
  return out;
}

describe("lr schedulers with the optimizer by keyword", () => {
  const cases: [string, (o: Opt) => Sched, (o: Opt) => Sched][] = [
    ["StepLR", (o) => new lr_scheduler.StepLR(o, 3, 0.5), (o) => new lr_scheduler.StepLR({ optimizer: o, step_size: 3, gamma: 0.5 })],
    ["MultiStepLR", (o) => new lr_scheduler.MultiStepLR(o, [2, 5], 0.5), (o) => new lr_scheduler.MultiStepLR({ optimizer: o, milestones: [2, 5], gamma: 0.5 })],
    ["ExponentialLR", (o) => new lr_scheduler.ExponentialLR(o, 0.9), (o) => new lr_scheduler.ExponentialLR({ optimizer: o, gamma: 0.9 })],
    ["CosineAnnealingLR", (o) => new lr_scheduler.CosineAnnealingLR(o, 5, 0.01), (o) => new lr_scheduler.CosineAnnealingLR({ optimizer: o, T_max: 5, eta_min: 0.01 })],
    ["LambdaLR", (o) => new lr_scheduler.LambdaLR(o, (e) => 0.9 ** e), (o) => new lr_scheduler.LambdaLR({ optimizer: o, lr_lambda: (e) => 0.9 ** e })],
    ["MultiplicativeLR", (o) => new lr_scheduler.MultiplicativeLR(o, () => 0.95), (o) => new lr_scheduler.MultiplicativeLR({ optimizer: o, lr_lambda: () => 0.95 })],
    ["ConstantLR", (o) => new lr_scheduler.ConstantLR(o, 0.5, 4), (o) => new lr_scheduler.ConstantLR({ optimizer: o, factor: 0.5, total_iters: 4 })],
    ["LinearLR", (o) => new lr_scheduler.LinearLR(o, 0.25, 1, 6), (o) => new lr_scheduler.LinearLR({ optimizer: o, start_factor: 0.25, total_iters: 6 })],
    ["PolynomialLR", (o) => new lr_scheduler.PolynomialLR(o, 8, 2), (o) => new lr_scheduler.PolynomialLR({ optimizer: o, total_iters: 8, power: 2 })],
    ["CosineAnnealingWarmRestarts", (o) => new lr_scheduler.CosineAnnealingWarmRestarts(o, 3, 2), (o) => new lr_scheduler.CosineAnnealingWarmRestarts({ optimizer: o, T_0: 3, T_mult: 2 })],
    ["OneCycleLR", (o) => new lr_scheduler.OneCycleLR(o, 1.0, 12), (o) => new lr_scheduler.OneCycleLR({ optimizer: o, max_lr: 1.0, total_steps: 12 })],
    ["CyclicLR", (o) => new lr_scheduler.CyclicLR(o, 0.1, 1.0, 3), (o) => new lr_scheduler.CyclicLR({ optimizer: o, base_lr: 0.1, max_lr: 1.0, step_size_up: 3 })],
    ["SequentialLR", (o) => new lr_scheduler.SequentialLR(o, [new lr_scheduler.ConstantLR(o, 0.5, 2), new lr_scheduler.ExponentialLR(o, 0.9)], [2]),
      (o) => new lr_scheduler.SequentialLR({ optimizer: o, schedulers: [new lr_scheduler.ConstantLR({ optimizer: o, factor: 0.5, total_iters: 2 }), new lr_scheduler.ExponentialLR({ optimizer: o, gamma: 0.9 })], milestones: [2] })],
    ["SWALR", (o) => new optim.swa_utils.SWALR(o, 0.05, 5), (o) => new optim.swa_utils.SWALR({ optimizer: o, swa_lr: 0.05, anneal_epochs: 5 })],
  ];
  for (const [name, positional, keyword] of cases) {
    it(`${name}(optimizer=..., ...) follows the positional form's lrs`, () => {
      const want = trajectory(positional);
      expect(trajectory(keyword)).toEqual(want);
      expect(new Set(want).size, "the schedule changes the lr").toBeGreaterThan(1);
    });
  }

  it("ReduceLROnPlateau(optimizer=..., ...) reduces as the positional form", () => {
    const run = (make: (o: Opt) => InstanceType<typeof lr_scheduler.ReduceLROnPlateau>): number[] => {
      const opt = sgd();
      const s = make(opt);
      return [1, 1, 1, 1, 1, 1].map((loss) => (s.step(loss), opt.param_groups[0].lr));
    };
    const want = run((o) => new lr_scheduler.ReduceLROnPlateau(o, "min", 0.5, 1));
    expect(run((o) => new lr_scheduler.ReduceLROnPlateau({ optimizer: o, mode: "min", factor: 0.5, patience: 1 }))).toEqual(want);
    expect(want.at(-1)).toBeLessThan(0.5);
  });

  it("a missing or doubled optimizer raises Python's TypeError", () => {
    // @ts-expect-error: the optimizer is required
    expect(() => new lr_scheduler.StepLR({ step_size: 3 })).toThrow("StepLR.__init__() missing 1 required positional argument: 'optimizer'");
    // @ts-expect-error: the optimizer is required
    expect(() => new lr_scheduler.ReduceLROnPlateau({ patience: 3 })).toThrow("ReduceLROnPlateau.__init__() missing 1 required positional argument: 'optimizer'");
    const o = sgd();
    // @ts-expect-error: the optimizer is not an option of the positional form
    expect(() => new lr_scheduler.StepLR(o, { optimizer: o, step_size: 3 })).toThrow("StepLR.__init__() got multiple values for argument 'optimizer'");
    // @ts-expect-error: the optimizer is not an option of the positional form
    expect(() => new lr_scheduler.LinearLR(o, { optimizer: o })).toThrow("LinearLR.__init__() got multiple values for argument 'optimizer'");
    expect(() => new lr_scheduler.StepLR({ optimizer: o })).toThrow("StepLR() missing 1 required positional argument: 'step_size'");
    expect(() => new lr_scheduler.StepLR({ optimizer: o, step_size: 2, zzz: 1 } as never)).toThrow("unexpected keyword argument 'zzz'");
  });
});
