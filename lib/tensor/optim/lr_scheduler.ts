/**
 * Learning-rate schedulers (PyTorch's chainable form: each step() rescales the groups'
 * current lr, so other changes to group.lr compose). Call scheduler.step() after
 * optimizer.step(), typically once per epoch.
 */
import { parseArgs, type PyArgs } from "../args";
import { TypeError_, ValueError } from "../errors";
import type { Optimizer } from "./optimizer";

type AnyOptimizer = Optimizer<{ lr: number }> | Optimizer<object>;

interface LrGroup {
  lr: number;
  initial_lr?: number;
}

export abstract class LRScheduler {
  optimizer: AnyOptimizer;
  base_lrs: number[];
  last_epoch: number;
  protected _last_lr: number[] = [];

  constructor(optimizer: AnyOptimizer, last_epoch = -1) {
    this.optimizer = optimizer;
    const groups = this.groups();
    if (last_epoch === -1) {
      for (const g of groups) g.initial_lr = g.lr;
    } else {
      groups.forEach((g, i) => {
        if (g.initial_lr === undefined) throw new ValueError(`param 'initial_lr' is not specified in param_groups[${i}] when resuming an optimizer`);
      });
    }
    this.base_lrs = groups.map((g) => g.initial_lr as number);
    this.last_epoch = last_epoch;
  }

  /** Subclasses call this at the end of their constructor, once their settings exist. */
  protected _initial_step(): void {
    this.step();
  }

  protected groups(): LrGroup[] {
    return this.optimizer.param_groups as unknown as LrGroup[];
  }

  /** The learning rates for the current last_epoch (chainable form). */
  abstract get_lr(): number[];

  step(): void {
    this.last_epoch += 1;
    const lrs = this.get_lr();
    this.groups().forEach((g, i) => (g.lr = lrs[i]));
    this._last_lr = this.groups().map((g) => g.lr);
  }

  /** The learning rates set by the last step(). */
  get_last_lr(): number[] {
    return this._last_lr.slice();
  }

  state_dict(): Record<string, unknown> {
    return Object.fromEntries(Object.entries(this).filter(([k]) => k !== "optimizer"));
  }
}

/** A setting without a default (PyTorch's required positional argument). */
function need<T>(fn: string, name: string, value: T | undefined): T {
  if (value === undefined) throw new TypeError_(`${fn}() missing 1 required positional argument: '${name}'`);
  return value;
}

export interface StepLROptions {
  step_size?: number;
  gamma?: number;
  last_epoch?: number;
}

/** Multiplies each group's lr by gamma every step_size epochs. */
export class StepLR extends LRScheduler {
  step_size: number;
  gamma: number;

  /** new lr_scheduler.StepLR(optimizer, step_size, gamma=0.1) or StepLR(optimizer, { step_size, gamma }) */
  constructor(
    optimizer: AnyOptimizer,
    step_size: number | StepLROptions,
    ...args: PyArgs<[gamma?: number, last_epoch?: number], Omit<StepLROptions, "step_size">>
  ) {
    const o = parseArgs<StepLROptions>("StepLR", ["step_size", "gamma", "last_epoch"], [step_size, ...args]);
    super(optimizer, o.last_epoch ?? -1);
    this.step_size = need("StepLR", "step_size", o.step_size);
    this.gamma = o.gamma ?? 0.1;
    this._initial_step();
  }

  get_lr(): number[] {
    if (this.last_epoch === 0 || this.last_epoch % this.step_size !== 0) return this.groups().map((g) => g.lr);
    return this.groups().map((g) => g.lr * this.gamma);
  }
}

/** Multiplies each group's lr by gamma every epoch. */
export class ExponentialLR extends LRScheduler {
  gamma: number;
  /** new lr_scheduler.ExponentialLR(optimizer, gamma) or ExponentialLR(optimizer, { gamma }) */
  constructor(
    optimizer: AnyOptimizer,
    gamma: number | { gamma?: number; last_epoch?: number },
    ...args: PyArgs<[last_epoch?: number], { last_epoch?: number }>
  ) {
    const o = parseArgs<{ gamma?: number; last_epoch?: number }>("ExponentialLR", ["gamma", "last_epoch"], [gamma, ...args]);
    super(optimizer, o.last_epoch ?? -1);
    this.gamma = need("ExponentialLR", "gamma", o.gamma);
    this._initial_step();
  }
  get_lr(): number[] {
    if (this.last_epoch === 0) return this.groups().map((g) => g.lr);
    return this.groups().map((g) => g.lr * this.gamma);
  }
}
