/**
 * torch.optim.swa_utils (PyTorch 1.13): Stochastic Weight Averaging.
 *   AveragedModel(model, device=None, avg_fn=None, use_buffers=False): a deep copy of the model
 *     whose parameters (and, with use_buffers, buffers) become running averages of the model's
 *     through update_parameters(model); the first call copies, later ones apply avg_fn
 *     (default: the equal-weight mean a + (m - a) / (n + 1), n the models averaged so far).
 *   SWALR(optimizer, swa_lr, anneal_epochs=10, anneal_strategy="cos", last_epoch=-1): anneals
 *     each group's lr to swa_lr over anneal_epochs steps, then holds it.
 *   update_bn(loader, model, device=None): recomputes every BatchNorm's running statistics with
 *     one pass over the loader (cumulative average: momentum = None), model mode restored.
 */
import { parseArgs, parseArgsRequired, type PyArgs } from "../args";
import { no_grad } from "../autograd/grad_mode";
import { TypeError_, ValueError } from "../errors";
import { int64 } from "../dtype";
import { Module } from "../nn/module";
import { BatchNorm1d } from "../nn/modules/batchnorm";
import { deepcopyModule } from "../nn/deepcopy";
import { ones_like, tensor, zeros_like } from "../ops/creation";
import { Tensor } from "../tensor";
import { annealFuncLoaded, annealFuncSaved } from "./anneal_func_state";
import { LRScheduler } from "./lr_scheduler";
import { Optimizer, optimizerByKeyword, type WithOptimizer } from "./optimizer";

/** avg_fn(averaged_param, model_param, num_averaged) -> the new averaged value. */
export type AvgFn = (averaged: Tensor, current: Tensor, num_averaged: Tensor) => Tensor;

export interface AveragedModelOptions<M extends Module = Module> {
  model?: M;
  device?: string | null | { type: string };
  avg_fn?: AvgFn | null;
  use_buffers?: boolean;
}

const defaultAvg: AvgFn = (a, m, n) => a.add(m.sub(a).div(n.add(1)));

/** M, the averaged model's class, types `ema_model(x)` as the model's own call (torch returns self.module(*args)). */
export class AveragedModel<M extends Module = Module> extends Module {
  static readonly __name__ = "AveragedModel";
  module!: M;
  declare n_averaged: Tensor;
  avg_fn!: AvgFn;
  use_buffers!: boolean;

  /** new swa_utils.AveragedModel(model, device=null, avg_fn=null, use_buffers=false) or with options */
  constructor(
    ...args: PyArgs<[model?: M, device?: AveragedModelOptions["device"], avg_fn?: AvgFn | null, use_buffers?: boolean], AveragedModelOptions<M>>
  ) {
    super();
    const o = parseArgsRequired<AveragedModelOptions<M>>("AveragedModel", ["model", "device", "avg_fn", "use_buffers"], 1, args);
    if (!(o.model instanceof Module)) throw new TypeError_("AveragedModel(): argument 'model' must be an nn.Module");
    this.module = deepcopyModule(o.model);
    if (o.device !== undefined && o.device !== null) this.module = this.module.to(o.device as never);
    this.register_buffer("n_averaged", tensor(0, { dtype: int64 }));
    this.avg_fn = o.avg_fn ?? defaultAvg;
    this.use_buffers = o.use_buffers ?? false;
  }

  override forward(...args: Parameters<M["forward"]>): ReturnType<M["forward"]> {
    return (this.module as unknown as (...a: unknown[]) => ReturnType<M["forward"]>)(...args);
  }

  /** Averages `model`'s parameters (and buffers, with use_buffers) into this model's, in registration order. */
  update_parameters(model: Module): void {
    if (!(model instanceof Module)) throw new TypeError_("update_parameters(): argument 'model' must be an nn.Module");
    const mine = this.use_buffers ? [...this.module.parameters(), ...this.module.buffers()] : this.parameters();
    const theirs = this.use_buffers ? [...model.parameters(), ...model.buffers()] : model.parameters();
    const first = this.n_averaged.item() === 0;
    no_grad(() => {
      // zip(): the shorter list decides, as Python's zip in PyTorch's loop.
      for (let i = 0; i < Math.min(mine.length, theirs.length); i++) {
        const target = mine[i].detach();
        const value = theirs[i].detach();
        target.copy_(first ? value : this.avg_fn(target, value, this.n_averaged));
      }
      this.n_averaged.add_(1);
    });
  }
}

export interface SWALROptions {
  swa_lr?: number | readonly number[];
  anneal_epochs?: number;
  anneal_strategy?: "cos" | "linear";
  last_epoch?: number;
}

type AnyOptimizer = ConstructorParameters<typeof LRScheduler>[0];

export class SWALR extends LRScheduler {
  anneal_func: (t: number) => number;
  anneal_epochs: number;

  /** new swa_utils.SWALR(optimizer, swa_lr, anneal_epochs=10, anneal_strategy="cos", last_epoch=-1) or with options */
  constructor(
    optimizer: AnyOptimizer | WithOptimizer<SWALROptions>,
    ...args: PyArgs<[swa_lr?: number | readonly number[], anneal_epochs?: number, anneal_strategy?: "cos" | "linear", last_epoch?: number], SWALROptions>
  ) {
    [optimizer, args] = optimizerByKeyword("SWALR", optimizer, args); // SWALR(optimizer=..., swa_lr=...)
    const o = parseArgsRequired<SWALROptions>("SWALR", ["swa_lr", "anneal_epochs", "anneal_strategy", "last_epoch"], 1, args);
    if (!(optimizer instanceof Optimizer)) throw new TypeError_(`${typeof optimizer} is not an Optimizer`);
    const groups = optimizer.param_groups as unknown as Record<string, unknown>[];
    const swaLrs = SWALR._format_param(groups.length, o.swa_lr as number | readonly number[]);
    const strategy = o.anneal_strategy ?? "cos";
    if (strategy !== "cos" && strategy !== "linear") {
      throw new ValueError(`anneal_strategy must by one of 'cos' or 'linear', instead got ${String(strategy)}`);
    }
    const epochs = o.anneal_epochs ?? 10;
    if (!Number.isInteger(epochs) || epochs < 0) throw new ValueError(`anneal_epochs must be equal or greater than 0, got ${epochs}`);
    // PyTorch writes swa_lr into the groups before anything else can fail.
    groups.forEach((g, i) => (g.swa_lr = swaLrs[i]));
    super(optimizer, o.last_epoch ?? -1);
    this.anneal_func = strategy === "cos" ? SWALR._cosine_anneal : SWALR._linear_anneal;
    this.anneal_epochs = epochs;
    this._initial_step();
  }

  /** torch 1.13's keys, anneal_func by the static method's name ("_cosine_anneal"; see annealFuncSaved). */
  override state_dict(): Record<string, unknown> {
    return annealFuncSaved(super.state_dict(), this.anneal_func);
  }

  /** Restores a state_dict; anneal_func may be the method's name (state_dict()) or the function itself. */
  override load_state_dict(state: Record<string, unknown>): void {
    const { anneal_func: fn, ...rest } = state;
    super.load_state_dict(rest);
    this.anneal_func = annealFuncLoaded(fn, { _cosine_anneal: SWALR._cosine_anneal, _linear_anneal: SWALR._linear_anneal }, this.anneal_func);
  }

  static _format_param(nGroups: number, swa_lrs: number | readonly number[]): number[] {
    if (Array.isArray(swa_lrs)) {
      if (swa_lrs.length !== nGroups) {
        throw new ValueError(`swa_lr must have the same length as optimizer.param_groups: swa_lr has ${swa_lrs.length}, optimizer.param_groups has ${nGroups}`);
      }
      return [...(swa_lrs as number[])];
    }
    if (typeof swa_lrs !== "number") throw new TypeError_(`SWALR(): argument 'swa_lr' must be a number or a list of numbers, not ${typeof swa_lrs}`);
    return new Array<number>(nGroups).fill(swa_lrs);
  }

  static _linear_anneal(t: number): number {
    return t;
  }

  static _cosine_anneal(t: number): number {
    return (1 - Math.cos(Math.PI * t)) / 2;
  }

  static _get_initial_lr(lr: number, swa_lr: number, alpha: number): number {
    return alpha === 1 ? swa_lr : (lr - alpha * swa_lr) / (1 - alpha);
  }

  /** PyTorch's rule: recover the lr the previous step started from, then move alpha of the way to swa_lr. */
  get_lr(): number[] {
    let step = this._step_count - 1;
    if (this.anneal_epochs === 0) step = Math.max(1, step);
    const groups = this.optimizer.param_groups as unknown as { lr: number; swa_lr: number }[];
    const prevT = Math.max(0, Math.min(1, (step - 1) / Math.max(1, this.anneal_epochs)));
    const prevAlpha = this.anneal_func(prevT);
    const prevLrs = groups.map((g) => SWALR._get_initial_lr(g.lr, g.swa_lr, prevAlpha));
    const t = Math.max(0, Math.min(1, step / Math.max(1, this.anneal_epochs)));
    const alpha = this.anneal_func(t);
    return groups.map((g, i) => g.swa_lr * alpha + prevLrs[i] * (1 - alpha));
  }
}

export interface UpdateBnOptions {
  device?: string | null | { type: string };
}

/**
 * One pass over `loader` (an iterable of tensors, or of lists / tuples whose first element is the
 * input) in train mode with momentum = None, so each BatchNorm's running statistics become the
 * cumulative average over the pass; momenta and the train/eval mode are restored.
 */
export function update_bn(loader: Iterable<unknown>, model: Module, ...args: PyArgs<[device?: UpdateBnOptions["device"]], UpdateBnOptions>): void {
  const { device } = parseArgs<UpdateBnOptions>("update_bn", ["device"], args);
  if (!(model instanceof Module)) throw new TypeError_("update_bn(): argument 'model' must be an nn.Module");
  no_grad(() => {
    const momenta = new Map<BatchNorm1d, number | null>();
    for (const m of model.modules()) {
      if (m instanceof BatchNorm1d && m.running_mean && m.running_var) {
        m.running_mean = zeros_like(m.running_mean);
        m.running_var = ones_like(m.running_var);
        momenta.set(m, m.momentum);
      }
    }
    if (momenta.size === 0) return;
    const wasTraining = model.training;
    model.train();
    for (const m of momenta.keys()) {
      m.momentum = null;
      if (m.num_batches_tracked) m.num_batches_tracked.mul_(0);
    }
    for (let input of loader) {
      if (Array.isArray(input)) input = input[0];
      if (device !== undefined && device !== null && input instanceof Tensor) input = input.to(device as never);
      (model as unknown as (x: unknown) => unknown)(input);
    }
    for (const [m, momentum] of momenta) m.momentum = momentum;
    model.train(wasTraining);
  });
}
