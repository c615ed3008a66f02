/**
 * Optimizers and training tricks written by hand, as the popular code writes them, translated to the engine:
 *  - torch.optim.Optimizer subclasses (super(params, defaults), a no-grad step(closure) over this.param_groups and the
 *    per-parameter state with lazy init): SGD with momentum / dampening / Nesterov, Adagrad (state made in __init__),
 *    RMSprop (centered, momentum), Adam (amsgrad, coupled or AdamW's decoupled decay), each matched with torch.optim's
 *    trajectory by the fixture script, and here with the engine's built-in too;
 *  - LAMB (cybertronai/pytorch-lamb: trust ratio ||w|| / ||adam_step||, 0-dim tensors in the state), Lion
 *    (lucidrains/lion-pytorch's lerp_ form), Adafactor (HF transformers: relative step, factored row / column second
 *    moments), Shampoo (moskomule/shampoo.pytorch: Kronecker preconditioners, inverse roots through torch.linalg.eigh);
 *  - wrappers: timm's Lookahead (slow weights every k steps, alpha) and davda54/sam's SAM / ASAM (first_step /
 *    second_step with the global grad norm, e_w kept in the state, the closure run under torch.enable_grad());
 *  - weight EMA by swa_utils.AveragedModel(avg_fn=...) then update_bn; gradient accumulation; a hand-written global
 *    norm clip returning the total norm (beside nn.utils.clip_grad_norm_); the fastai LR range test writing
 *    param_groups[0].lr; LambdaLR and CosineAnnealingWarmRestarts (fractional epochs) driving a custom optimizer;
 *    add_param_group, required lr, overlapping groups, state_dict() / load_state_dict() resume, zero_grad(set_to_none).
 * A Linear(4, 8) - Tanh - Linear(8, 1) MLP on 32 synthetic regression rows. Values from torch 1.13 running the same code
 * (scripts/fixtures/optimizers_scratch_fixtures.py -> tests/fixtures/torch/tutorials/optimizers_scratch.json).
 *
 * Python forms written otherwise: `self.state[p]` (a defaultdict) -> this._state(p) (the engine's get-or-create);
 * `@torch.no_grad() def step` -> torch.no_grad(() => ...); `assert` -> a thrown AssertionError; **kwargs -> an options
 * object; a class passed as base_optimizer -> a constructor; `len(state) == 0` -> Object.keys(state).length === 0;
 * timm's Lookahead skips super().__init__ (TypeScript cannot), so it calls it with the base optimizer's groups and then
 * shares them, as the Python assigns them; `torch.Size` slicing and `+` -> array slice / concat.
 */
import { describe, expect, it } from "vitest";
import { F, ValueError, nn, optim, torch, utils, type Tensor } from "../../../../lib/tensor/index";
import type { OptimizerState } from "../../../../lib/tensor/optim";
import { expectNums, expectT, raised, tutorialFixture, type TJ } from "./helpers";

const ref = tutorialFixture<Record<string, any>>("optimizers_scratch.json"); // eslint-disable-line @typescript-eslint/no-explicit-any
const T = (j: TJ) => torch.tensor(j.data).reshape(j.shape);
const X = T(ref.X);
const Y = T(ref.Y);
const TOL = 1e-5;

class AssertionError extends Error {
  name = "AssertionError";
}
const assert = (cond: boolean, msg = ""): void => {
  if (!cond) throw new AssertionError(msg);
};

type Closure = () => Tensor | number;
type Params = Iterable<Tensor> | Iterable<{ params: Iterable<Tensor>; [k: string]: unknown }>;

// ----------------------------------------------------------------- the hand-written optimizers

type SGDGroup = { params: Tensor[]; lr: number; momentum: number; dampening: number; weight_decay: number; nesterov: boolean };
class SGDScratch extends optim.Optimizer<Omit<SGDGroup, "params">> {
  constructor(params: Params, { lr = optim.required as unknown as number, momentum = 0, dampening = 0, weight_decay = 0, nesterov = false } = {}) {
    if ((lr as unknown) !== optim.required && lr < 0.0) throw new ValueError(`Invalid learning rate: ${lr.toFixed(1)}`);
    if (nesterov && (momentum <= 0 || dampening !== 0)) throw new ValueError("Nesterov momentum requires a momentum and zero dampening");
    super(params as Iterable<Tensor>, { lr, momentum, dampening, weight_decay, nesterov });
  }
  step(closure?: Closure): Tensor | number | undefined {
    return torch.no_grad(() => {
      let loss: Tensor | number | undefined;
      if (closure) loss = torch.enable_grad(closure);
      for (const group of this.param_groups as SGDGroup[]) {
        const { weight_decay, momentum, dampening, nesterov } = group;
        for (const p of group.params) {
          if (p.grad === null) continue;
          let d_p = p.grad;
          if (weight_decay !== 0) d_p = d_p.add(p, { alpha: weight_decay });
          if (momentum !== 0) {
            const param_state = this._state(p);
            let buf: Tensor;
            if (!("momentum_buffer" in param_state)) buf = param_state.momentum_buffer = torch.clone(d_p).detach();
            else {
              buf = param_state.momentum_buffer as Tensor;
              buf.mul_(momentum).add_(d_p, { alpha: 1 - dampening });
            }
            d_p = nesterov ? d_p.add(buf, { alpha: momentum }) : buf;
          }
          p.add_(d_p, { alpha: -group.lr });
        }
      }
      return loss;
    });
  }
}

type AdagradGroup = { params: Tensor[]; lr: number; lr_decay: number; eps: number; weight_decay: number; initial_accumulator_value: number };
class AdagradScratch extends optim.Optimizer<Omit<AdagradGroup, "params">> {
  constructor(params: Params, { lr = 1e-2, lr_decay = 0, weight_decay = 0, initial_accumulator_value = 0, eps = 1e-10 } = {}) {
    super(params as Iterable<Tensor>, { lr, lr_decay, eps, weight_decay, initial_accumulator_value });
    for (const group of this.param_groups) {
      for (const p of group.params) {
        const state = this._state(p);
        state.step = 0;
        state.sum = torch.full_like(p, initial_accumulator_value, { memory_format: torch.preserve_format });
      }
    }
  }
  step(closure?: Closure): Tensor | number | undefined {
    return torch.no_grad(() => {
      let loss: Tensor | number | undefined;
      if (closure) loss = torch.enable_grad(closure);
      for (const group of this.param_groups as AdagradGroup[]) {
        for (const p of group.params) {
          if (p.grad === null) continue;
          let grad = p.grad;
          const state = this._state(p);
          state.step = (state.step as number) + 1;
          if (group.weight_decay !== 0) grad = grad.add(p, { alpha: group.weight_decay });
          const clr = group.lr / (1 + ((state.step as number) - 1) * group.lr_decay);
          (state.sum as Tensor).addcmul_(grad, grad, { value: 1 });
          const std = (state.sum as Tensor).sqrt().add_(group.eps);
          p.addcdiv_(grad, std, { value: -clr });
        }
      }
      return loss;
    });
  }
}

type RMSpropGroup = { params: Tensor[]; lr: number; momentum: number; alpha: number; eps: number; centered: boolean; weight_decay: number };
class RMSpropScratch extends optim.Optimizer<Omit<RMSpropGroup, "params">> {
  constructor(params: Params, { lr = 1e-2, alpha = 0.99, eps = 1e-8, weight_decay = 0, momentum = 0, centered = false } = {}) {
    super(params as Iterable<Tensor>, { lr, momentum, alpha, eps, centered, weight_decay });
  }
  step(closure?: Closure): Tensor | number | undefined {
    return torch.no_grad(() => {
      let loss: Tensor | number | undefined;
      if (closure) loss = torch.enable_grad(closure);
      for (const group of this.param_groups as RMSpropGroup[]) {
        for (const p of group.params) {
          if (p.grad === null) continue;
          let grad = p.grad;
          const state = this._state(p);
          if (Object.keys(state).length === 0) {
            state.step = 0;
            state.square_avg = torch.zeros_like(p, { memory_format: torch.preserve_format });
            if (group.momentum > 0) state.momentum_buffer = torch.zeros_like(p, { memory_format: torch.preserve_format });
            if (group.centered) state.grad_avg = torch.zeros_like(p, { memory_format: torch.preserve_format });
          }
          const square_avg = state.square_avg as Tensor;
          const alpha = group.alpha;
          state.step = (state.step as number) + 1;
          if (group.weight_decay !== 0) grad = grad.add(p, { alpha: group.weight_decay });
          square_avg.mul_(alpha).addcmul_(grad, grad, { value: 1 - alpha });
          let avg: Tensor;
          if (group.centered) {
            const grad_avg = state.grad_avg as Tensor;
            grad_avg.mul_(alpha).add_(grad, { alpha: 1 - alpha });
            avg = square_avg.addcmul(grad_avg, grad_avg, { value: -1 }).sqrt_().add_(group.eps);
          } else avg = square_avg.sqrt().add_(group.eps);
          if (group.momentum > 0) {
            const buf = state.momentum_buffer as Tensor;
            buf.mul_(group.momentum).addcdiv_(grad, avg);
            p.add_(buf, { alpha: -group.lr });
          } else p.addcdiv_(grad, avg, { value: -group.lr });
        }
      }
      return loss;
    });
  }
}

type AdamGroup = { params: Tensor[]; lr: number; betas: [number, number]; eps: number; weight_decay: number; amsgrad: boolean; decoupled: boolean };
/** Adam, and AdamW's decoupled decay with decoupled: true (one class, as many tutorials write it). */
class AdamScratch extends optim.Optimizer<Omit<AdamGroup, "params">> {
  constructor(params: Params, { lr = 1e-3, betas = [0.9, 0.999] as [number, number], eps = 1e-8, weight_decay = 0, amsgrad = false, decoupled = false } = {}) {
    if (!(0.0 <= lr)) throw new ValueError(`Invalid learning rate: ${lr}`);
    if (!(0.0 <= betas[0] && betas[0] < 1.0)) throw new ValueError(`Invalid beta parameter at index 0: ${betas[0]}`);
    super(params as Iterable<Tensor>, { lr, betas, eps, weight_decay, amsgrad, decoupled });
  }
  step(closure?: Closure): Tensor | number | undefined {
    return torch.no_grad(() => {
      let loss: Tensor | number | undefined;
      if (closure) loss = torch.enable_grad(closure);
      for (const group of this.param_groups as AdamGroup[]) {
        const [beta1, beta2] = group.betas;
        for (const p of group.params) {
          if (p.grad === null) continue;
          let grad = p.grad;
          const state = this._state(p);
          if (Object.keys(state).length === 0) {
            state.step = 0;
            state.exp_avg = torch.zeros_like(p, { memory_format: torch.preserve_format });
            state.exp_avg_sq = torch.zeros_like(p, { memory_format: torch.preserve_format });
            if (group.amsgrad) state.max_exp_avg_sq = torch.zeros_like(p, { memory_format: torch.preserve_format });
          }
          const [exp_avg, exp_avg_sq] = [state.exp_avg as Tensor, state.exp_avg_sq as Tensor];
          state.step = (state.step as number) + 1;
          const bias_correction1 = 1 - beta1 ** state.step;
          const bias_correction2 = 1 - beta2 ** state.step;
          if (group.weight_decay !== 0) {
            if (group.decoupled) p.mul_(1 - group.lr * group.weight_decay);
            else grad = grad.add(p, { alpha: group.weight_decay });
          }
          exp_avg.mul_(beta1).add_(grad, { alpha: 1 - beta1 });
          exp_avg_sq.mul_(beta2).addcmul_(grad, grad, { value: 1 - beta2 });
          let denom: Tensor;
          if (group.amsgrad) {
            const max_exp_avg_sq = state.max_exp_avg_sq as Tensor;
            torch.maximum(max_exp_avg_sq, exp_avg_sq, { out: max_exp_avg_sq });
            denom = max_exp_avg_sq.sqrt().div(Math.sqrt(bias_correction2)).add_(group.eps);
          } else denom = exp_avg_sq.sqrt().div(Math.sqrt(bias_correction2)).add_(group.eps);
          const step_size = group.lr / bias_correction1;
          p.addcdiv_(exp_avg, denom, { value: -step_size });
        }
      }
      return loss;
    });
  }
}

type LambGroup = { params: Tensor[]; lr: number; betas: [number, number]; eps: number; weight_decay: number };
/** cybertronai/pytorch-lamb's Lamb: Adam's direction scaled by the trust ratio ||w|| / ||adam_step||. */
class Lamb extends optim.Optimizer<Omit<LambGroup, "params">> {
  adam: boolean;
  constructor(params: Params, { lr = 1e-3, betas = [0.9, 0.999] as [number, number], eps = 1e-6, weight_decay = 0, adam = false } = {}) {
    if (!(0.0 <= lr)) throw new ValueError(`Invalid learning rate: ${lr}`);
    super(params as Iterable<Tensor>, { lr, betas, eps, weight_decay });
    this.adam = adam;
  }
  step(closure?: Closure): Tensor | number | undefined {
    return torch.no_grad(() => {
      let loss: Tensor | number | undefined;
      if (closure) loss = torch.enable_grad(closure);
      for (const group of this.param_groups as LambGroup[]) {
        for (const p of group.params) {
          if (p.grad === null) continue;
          const grad = p.grad.data;
          const state = this._state(p);
          if (Object.keys(state).length === 0) {
            state.step = 0;
            state.exp_avg = torch.zeros_like(p.data);
            state.exp_avg_sq = torch.zeros_like(p.data);
          }
          const [exp_avg, exp_avg_sq] = [state.exp_avg as Tensor, state.exp_avg_sq as Tensor];
          const [beta1, beta2] = group.betas;
          state.step = (state.step as number) + 1;
          exp_avg.mul_(beta1).add_(grad, { alpha: 1 - beta1 });
          exp_avg_sq.mul_(beta2).addcmul_(grad, grad, { value: 1 - beta2 });
          const step_size = group.lr;
          const weight_norm = p.data.pow(2).sum().sqrt().clamp(0, 10);
          const adam_step = exp_avg.div(exp_avg_sq.sqrt().add(group.eps));
          if (group.weight_decay !== 0) adam_step.add_(p.data, { alpha: group.weight_decay });
          const adam_norm = adam_step.pow(2).sum().sqrt();
          let trust_ratio: Tensor | number;
          if (weight_norm.item() === 0 || adam_norm.item() === 0) trust_ratio = 1;
          else trust_ratio = weight_norm.div(adam_norm);
          state.weight_norm = weight_norm;
          state.adam_norm = adam_norm;
          state.trust_ratio = trust_ratio;
          if (this.adam) trust_ratio = 1;
          // -step_size * trust_ratio: a 0-dim tensor unless trust_ratio is the int 1, and add_ takes either as its alpha
          p.data.add_(adam_step, { alpha: typeof trust_ratio === "number" ? -step_size * trust_ratio : trust_ratio.mul(-step_size) });
        }
      }
      return loss;
    });
  }
}

type LionGroup = { params: Tensor[]; lr: number; betas: [number, number]; weight_decay: number };
/** lucidrains/lion-pytorch's Lion in its lerp_ form. */
class Lion extends optim.Optimizer<Omit<LionGroup, "params">> {
  constructor(params: Params, { lr = 1e-4, betas = [0.9, 0.99] as [number, number], weight_decay = 0.0 } = {}) {
    assert(lr > 0);
    assert(betas.every((beta) => beta >= 0 && beta <= 1));
    super(params as Iterable<Tensor>, { lr, betas, weight_decay });
  }
  step(closure?: Closure): Tensor | number | undefined {
    return torch.no_grad(() => {
      let loss: Tensor | number | undefined;
      if (closure) loss = torch.enable_grad(closure);
      for (const group of this.param_groups as LionGroup[]) {
        for (const p of group.params.filter((q) => q.grad !== null)) {
          const [grad, lr, wd, [beta1, beta2], state] = [p.grad!, group.lr, group.weight_decay, group.betas, this._state(p)];
          if (Object.keys(state).length === 0) state.exp_avg = torch.zeros_like(p);
          const exp_avg = state.exp_avg as Tensor;
          p.data.mul_(1 - lr * wd);
          const update = exp_avg.clone().lerp_(grad, 1 - beta1).sign_();
          p.add_(update, { alpha: -lr });
          exp_avg.lerp_(grad, 1 - beta2);
        }
      }
      return loss;
    });
  }
}

type AdafactorGroup = {
  params: Tensor[]; lr: number | null; eps: [number, number]; clip_threshold: number; decay_rate: number; beta1: number | null;
  weight_decay: number; scale_parameter: boolean; relative_step: boolean; warmup_init: boolean;
};
/** HF transformers' Adafactor (relative step, factored second moments for matrices), without its fp16 casts. */
class Adafactor extends optim.Optimizer<Omit<AdafactorGroup, "params">> {
  constructor(
    params: Params,
    { lr = null as number | null, eps = [1e-30, 1e-3] as [number, number], clip_threshold = 1.0, decay_rate = -0.8, beta1 = null as number | null, weight_decay = 0.0, scale_parameter = true, relative_step = true, warmup_init = false } = {},
  ) {
    if (lr !== null && relative_step) throw new ValueError("Cannot combine manual `lr` and `relative_step=True` options");
    if (warmup_init && !relative_step) throw new ValueError("`warmup_init=True` requires `relative_step=True`");
    super(params as Iterable<Tensor>, { lr, eps, clip_threshold, decay_rate, beta1, weight_decay, scale_parameter, relative_step, warmup_init });
  }
  static _get_lr(param_group: AdafactorGroup, param_state: OptimizerState): number {
    let rel_step_sz = param_group.lr as number;
    const step = param_state.step as number;
    if (param_group.relative_step) {
      const min_step = param_group.warmup_init ? 1e-6 * step : 1e-2;
      rel_step_sz = Math.min(min_step, 1.0 / Math.sqrt(step));
    }
    let param_scale = 1.0;
    // Python's max(float, 0-dim tensor): the larger, compared by value
    if (param_group.scale_parameter) param_scale = Math.max(param_group.eps[1], (param_state.RMS as Tensor).item());
    return param_scale * rel_step_sz;
  }
  static _get_options(param_group: AdafactorGroup, param_shape: readonly number[]): [boolean, boolean] {
    return [param_shape.length >= 2, param_group.beta1 !== null];
  }
  static _rms(tensor: Tensor): Tensor {
    return tensor.norm(2).div(tensor.numel() ** 0.5);
  }
  static _approx_sq_grad(exp_avg_sq_row: Tensor, exp_avg_sq_col: Tensor): Tensor {
    const r_factor = exp_avg_sq_row.div(exp_avg_sq_row.mean({ dim: -1, keepdim: true })).rsqrt_().unsqueeze(-1);
    const c_factor = exp_avg_sq_col.unsqueeze(-2).rsqrt();
    return torch.mul(r_factor, c_factor);
  }
  step(closure?: Closure): Tensor | number | undefined {
    return torch.no_grad(() => {
      let loss: Tensor | number | undefined;
      if (closure) loss = closure();
      for (const group of this.param_groups as AdafactorGroup[]) {
        for (const p of group.params) {
          if (p.grad === null) continue;
          const grad = p.grad;
          const state = this._state(p);
          const grad_shape = grad.shape;
          const [factored, use_first_moment] = Adafactor._get_options(group, grad_shape);
          if (Object.keys(state).length === 0) {
            state.step = 0;
            if (use_first_moment) state.exp_avg = torch.zeros_like(grad);
            if (factored) {
              state.exp_avg_sq_row = torch.zeros(grad_shape.slice(0, -1)).to(grad);
              state.exp_avg_sq_col = torch.zeros([...grad_shape.slice(0, -2), ...grad_shape.slice(-1)]).to(grad);
            } else state.exp_avg_sq = torch.zeros_like(grad);
            state.RMS = 0;
          }
          const p_data_fp32 = p;
          state.step = (state.step as number) + 1;
          state.RMS = Adafactor._rms(p_data_fp32);
          const lr = Adafactor._get_lr(group, state);
          const beta2t = 1.0 - Math.pow(state.step, group.decay_rate);
          let update = grad.pow(2).add(group.eps[0]);
          if (factored) {
            const exp_avg_sq_row = state.exp_avg_sq_row as Tensor;
            const exp_avg_sq_col = state.exp_avg_sq_col as Tensor;
            exp_avg_sq_row.mul_(beta2t).add_(update.mean({ dim: -1 }), { alpha: 1.0 - beta2t });
            exp_avg_sq_col.mul_(beta2t).add_(update.mean({ dim: -2 }), { alpha: 1.0 - beta2t });
            update = Adafactor._approx_sq_grad(exp_avg_sq_row, exp_avg_sq_col);
            update.mul_(grad);
          } else {
            const exp_avg_sq = state.exp_avg_sq as Tensor;
            exp_avg_sq.mul_(beta2t).add_(update, { alpha: 1.0 - beta2t });
            update = exp_avg_sq.rsqrt().mul_(grad);
          }
          update.div_(Adafactor._rms(update).div(group.clip_threshold).clamp_({ min: 1.0 }));
          update.mul_(lr);
          if (use_first_moment) {
            const exp_avg = state.exp_avg as Tensor;
            exp_avg.mul_(group.beta1!).add_(update, { alpha: 1 - group.beta1! });
            update = exp_avg;
          }
          if (group.weight_decay !== 0) p_data_fp32.add_(p_data_fp32, { alpha: -group.weight_decay * lr });
          p_data_fp32.add_(update.neg());
        }
      }
      return loss;
    });
  }
}

type LookaheadGroup = { params: Tensor[]; lookahead_alpha: number; lookahead_k: number; lookahead_step: number };
/** timm's Lookahead: slow weights every k steps of the wrapped optimizer, pulled by alpha. */
class Lookahead extends optim.Optimizer<Record<string, unknown>> {
  _base_optimizer: optim.Optimizer<object>;
  constructor(base_optimizer: optim.Optimizer<object>, { alpha = 0.5, k = 6 } = {}) {
    if (!(0.0 <= alpha && alpha <= 1.0)) throw new ValueError(`Invalid slow update rate: ${alpha}`);
    if (!(1 <= k)) throw new ValueError(`Invalid lookahead steps: ${k}`);
    // timm does not call super().__init__(); TypeScript must, so the base's groups are given and then shared below
    super(base_optimizer.param_groups as Iterable<{ params: Tensor[] }>, {});
    const defaults = { lookahead_alpha: alpha, lookahead_k: k, lookahead_step: 0 };
    this._base_optimizer = base_optimizer;
    this.param_groups = base_optimizer.param_groups as typeof this.param_groups;
    this.defaults = base_optimizer.defaults as Record<string, unknown>;
    Object.assign(this.defaults, defaults);
    this.state = new Map();
    for (const [name, dflt] of Object.entries(defaults)) {
      for (const group of this._base_optimizer.param_groups as Record<string, unknown>[]) if (!(name in group)) group[name] = dflt;
    }
  }
  update_slow(group: LookaheadGroup): void {
    torch.no_grad(() => {
      for (const fast_p of group.params) {
        if (fast_p.grad === null) continue;
        const param_state = this._base_optimizer.state.get(fast_p) ?? {};
        this._base_optimizer.state.set(fast_p, param_state);
        if (!("lookahead_slow_buff" in param_state)) {
          param_state.lookahead_slow_buff = torch.empty_like(fast_p);
          param_state.lookahead_slow_buff.copy_(fast_p);
        }
        const slow = param_state.lookahead_slow_buff as Tensor;
        slow.add_(fast_p.sub(slow), { alpha: group.lookahead_alpha });
        fast_p.copy_(slow);
      }
    });
  }
  sync_lookahead(): void {
    for (const group of this._base_optimizer.param_groups as unknown as LookaheadGroup[]) this.update_slow(group);
  }
  step(closure?: Closure): Tensor | number | undefined {
    return torch.no_grad(() => {
      const loss = this._base_optimizer.step(closure);
      for (const group of this._base_optimizer.param_groups as unknown as LookaheadGroup[]) {
        group.lookahead_step += 1;
        if (group.lookahead_step % group.lookahead_k === 0) this.update_slow(group);
      }
      return loss;
    });
  }
  state_dict(): optim.OptimizerStateDict {
    return this._base_optimizer.state_dict();
  }
  load_state_dict(state_dict: optim.OptimizerStateDict): void {
    this._base_optimizer.load_state_dict(state_dict);
    this.param_groups = this._base_optimizer.param_groups as typeof this.param_groups;
  }
}

type SAMGroup = { params: Tensor[]; rho: number; adaptive: boolean };
type OptimizerClass = new (params: Params, opts: Record<string, unknown>) => optim.Optimizer<object>;
/** davda54/sam (the version that keeps e_w in the state; adaptive: true is ASAM). */
class SAM extends optim.Optimizer<Record<string, unknown>> {
  base_optimizer: optim.Optimizer<object>;
  constructor(params: Params, base_optimizer: OptimizerClass, { rho = 0.05, adaptive = false, ...kwargs }: Record<string, unknown> & { rho?: number; adaptive?: boolean } = {}) {
    assert(rho >= 0.0, `Invalid rho, should be non-negative: ${rho.toFixed(1)}`);
    super(params as Iterable<Tensor>, { rho, adaptive, ...kwargs });
    this.base_optimizer = new base_optimizer(this.param_groups as Params, kwargs);
    this.param_groups = this.base_optimizer.param_groups as typeof this.param_groups;
  }
  first_step(zero_grad = false): void {
    torch.no_grad(() => {
      const grad_norm = this._grad_norm();
      for (const group of this.param_groups as unknown as SAMGroup[]) {
        const scale = torch.div(group.rho, grad_norm.add(1e-12));
        for (const p of group.params) {
          if (p.grad === null) continue;
          const e_w = (group.adaptive ? torch.pow(p, 2) : torch.tensor(1.0)).mul(p.grad).mul(scale.to(p));
          p.add_(e_w); // climb to the local maximum "w + e(w)"
          this._state(p).e_w = e_w;
        }
      }
      if (zero_grad) this.zero_grad();
    });
  }
  second_step(zero_grad = false): void {
    torch.no_grad(() => {
      for (const group of this.param_groups as unknown as SAMGroup[]) {
        for (const p of group.params) {
          if (p.grad === null) continue;
          p.sub_(this._state(p).e_w as Tensor); // get back to "w" from "w + e(w)"
        }
      }
      this.base_optimizer.step(); // do the actual "sharpness-aware" update
      if (zero_grad) this.zero_grad();
    });
  }
  step(closure?: Closure): undefined {
    return torch.no_grad(() => {
      assert(closure !== undefined, "Sharpness Aware Minimization requires closure, but it was not provided");
      closure = torch.enable_grad()(closure!); // the closure should do a full forward-backward pass
      this.first_step(true);
      closure();
      this.second_step();
      return undefined;
    });
  }
  _grad_norm(): Tensor {
    const shared_device = (this.param_groups[0].params as Tensor[])[0].device;
    return torch.norm(
      torch.stack(
        (this.param_groups as unknown as SAMGroup[]).flatMap((group) =>
          group.params.filter((p) => p.grad !== null).map((p) => (group.adaptive ? torch.abs(p) : torch.tensor(1.0)).mul(p.grad!).norm(2).to(shared_device)),
        ),
      ),
      2,
    );
  }
}

function _matrix_power(matrix: Tensor, power: number): Tensor {
  const [eigvals, eigvecs] = torch.linalg.eigh(matrix);
  return eigvecs.matmul(torch.diag(eigvals.pow(power))).matmul(eigvecs.t());
}

type ShampooGroup = { params: Tensor[]; lr: number; momentum: number; weight_decay: number; epsilon: number; update_freq: number };
/** moskomule/shampoo.pytorch's Shampoo, its inverse roots through torch.linalg.eigh (the symmetric form). */
class Shampoo extends optim.Optimizer<Omit<ShampooGroup, "params">> {
  constructor(params: Params, { lr = 1e-1, momentum = 0.0, weight_decay = 0.0, epsilon = 1e-4, update_freq = 1 } = {}) {
    super(params as Iterable<Tensor>, { lr, momentum, weight_decay, epsilon, update_freq });
  }
  step(closure?: Closure): Tensor | number | undefined {
    return torch.no_grad(() => {
      let loss: Tensor | number | undefined;
      if (closure) loss = closure();
      for (const group of this.param_groups as ShampooGroup[]) {
        for (const p of group.params) {
          if (p.grad === null) continue;
          let grad = p.grad.data;
          const order = grad.ndimension();
          const original_size = grad.size();
          const state = this._state(p);
          const { momentum, weight_decay } = group;
          if (Object.keys(state).length === 0) {
            state.step = 0;
            if (momentum > 0) state.momentum_buffer = grad.clone();
            grad.size().forEach((dim, dim_id) => {
              state[`precond_${dim_id}`] = torch.eye(dim, { out: grad.new(dim, dim) }).mul(group.epsilon);
              state[`inv_precond_${dim_id}`] = grad.new(dim, dim).zero_();
            });
          }
          if (momentum > 0) grad.mul_(1 - momentum).add_(state.momentum_buffer as Tensor, { alpha: momentum });
          if (weight_decay > 0) grad.add_(p.data, { alpha: group.weight_decay });
          [...grad.size()].forEach((dim, dim_id) => {
            const precond = state[`precond_${dim_id}`] as Tensor;
            const inv_precond = state[`inv_precond_${dim_id}`] as Tensor;
            grad = grad.transpose_(0, dim_id).contiguous();
            const transposed_size = grad.size();
            grad = grad.view(dim, -1);
            const grad_t = grad.t();
            precond.add_(grad.matmul(grad_t));
            if ((state.step as number) % group.update_freq === 0) inv_precond.copy_(_matrix_power(precond, -1 / order));
            if (dim_id === order - 1) {
              grad = grad_t.matmul(inv_precond);
              grad = grad.view(original_size);
            } else {
              grad = inv_precond.matmul(grad);
              grad = grad.view(transposed_size);
            }
          });
          state.step = (state.step as number) + 1;
          state.momentum_buffer = grad;
          p.data.add_(grad, { alpha: -group.lr });
        }
      }
      return loss;
    });
  }
}

// ----------------------------------------------------------------- the problem: a tiny MLP on synthetic regression data

function make_model(): nn.Sequential {
  torch.manual_seed(1);
  return new nn.Sequential(new nn.Linear(4, 8), new nn.Tanh(), new nn.Linear(8, 1));
}
const lin = (m: nn.Module, i: number) => (m as nn.Sequential).get(i) as nn.Linear;
const flat = (m: nn.Module) => torch.cat(m.parameters().map((p) => p.detach().reshape(-1)));
const param_groups_of = (m: nn.Sequential) => [{ params: lin(m, 0).parameters() }, { params: lin(m, 2).parameters(), lr: 0.02 }];

function train<O extends optim.Optimizer<object>>(make_opt: (m: nn.Sequential) => O, steps = 6, model = make_model()) {
  const opt = make_opt(model);
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    opt.zero_grad();
    const loss = F.mse_loss(model(X), Y);
    loss.backward();
    opt.step();
    losses.push(loss.item());
  }
  return { losses, params: flat(model), model, opt };
}
const check = (got: { losses: number[]; params: Tensor }, want: { losses: number[]; params: TJ }, tol = TOL) => {
  expectNums(got.losses, want.losses, tol);
  expectT(got.params, want.params, tol);
};
const loader = new utils.data.DataLoader(new utils.data.TensorDataset(X, Y), { batch_size: 8 });

describe("hand-written optimizers: torch.optim.Optimizer subclasses", () => {
  it("SGD (momentum, Nesterov with per-group lr, dampening), Adagrad, RMSprop (centered, momentum), Adam (amsgrad), AdamW: torch.optim's trajectories", () => {
    const pairs: Record<string, [(m: nn.Sequential) => optim.Optimizer<object>, (m: nn.Sequential) => optim.Optimizer<object>]> = {
      sgd_momentum: [(m) => new SGDScratch(m.parameters(), { lr: 0.05, momentum: 0.9, weight_decay: 1e-2 }), (m) => new optim.SGD(m.parameters(), { lr: 0.05, momentum: 0.9, weight_decay: 1e-2 })],
      sgd_nesterov: [(m) => new SGDScratch(param_groups_of(m), { lr: 0.05, momentum: 0.9, nesterov: true }), (m) => new optim.SGD(param_groups_of(m), { lr: 0.05, momentum: 0.9, nesterov: true })],
      sgd_dampening: [(m) => new SGDScratch(m.parameters(), { lr: 0.05, momentum: 0.5, dampening: 0.3 }), (m) => new optim.SGD(m.parameters(), { lr: 0.05, momentum: 0.5, dampening: 0.3 })],
      adagrad: [
        (m) => new AdagradScratch(m.parameters(), { lr: 0.1, lr_decay: 0.01, weight_decay: 1e-2, initial_accumulator_value: 0.1 }),
        (m) => new optim.Adagrad(m.parameters(), { lr: 0.1, lr_decay: 0.01, weight_decay: 1e-2, initial_accumulator_value: 0.1 }),
      ],
      rmsprop: [(m) => new RMSpropScratch(m.parameters(), { lr: 0.01, alpha: 0.9 }), (m) => new optim.RMSprop(m.parameters(), { lr: 0.01, alpha: 0.9 })],
      rmsprop_centered_momentum: [
        (m) => new RMSpropScratch(m.parameters(), { lr: 0.01, momentum: 0.8, centered: true, weight_decay: 1e-3 }),
        (m) => new optim.RMSprop(m.parameters(), { lr: 0.01, momentum: 0.8, centered: true, weight_decay: 1e-3 }),
      ],
      adam: [(m) => new AdamScratch(m.parameters(), { lr: 0.05, weight_decay: 1e-2 }), (m) => new optim.Adam(m.parameters(), { lr: 0.05, weight_decay: 1e-2 })],
      adam_amsgrad: [
        (m) => new AdamScratch(param_groups_of(m), { lr: 0.05, betas: [0.8, 0.99], amsgrad: true }),
        (m) => new optim.Adam(param_groups_of(m), { lr: 0.05, betas: [0.8, 0.99], amsgrad: true }),
      ],
      adamw: [(m) => new AdamScratch(m.parameters(), { lr: 0.05, weight_decay: 0.1, decoupled: true }), (m) => new optim.AdamW(m.parameters(), { lr: 0.05, weight_decay: 0.1 })],
    };
    for (const [name, [mine, theirs]] of Object.entries(pairs)) {
      const a = train(mine, 8);
      check(a, ref.pairs[name]);
      expectT(train(theirs, 8).params, ref.pairs[name].params, TOL); // the engine's built-in on the same run
    }
  });

  it("LAMB (trust ratio, 0-dim tensors in the state; adam=True), Lion (lerp_, per-group lr, weight decay)", () => {
    const lamb = train((m) => new Lamb(m.parameters(), { lr: 0.05, weight_decay: 0.01 }), 8);
    check(lamb, ref.lamb);
    const st = lamb.opt.state.get(lin(lamb.model, 0).weight)!;
    const r = ref.lamb_state;
    expect(Object.keys(st)).toEqual(r.keys);
    expect(st.step).toBe(r.step);
    expectNums([st.weight_norm, st.adam_norm, st.trust_ratio].map((v) => (v as Tensor).item()), [r.weight_norm, r.adam_norm, r.trust_ratio], TOL);
    check(train((m) => new Lamb(m.parameters(), { lr: 0.05, adam: true }), 8), ref.lamb_adam);
    const lion = train((m) => new Lion(param_groups_of(m), { lr: 0.01, weight_decay: 0.1 }), 8);
    check(lion, ref.lion);
    expectT(lion.opt.state.get(lin(lion.model, 2).bias!)!.exp_avg as Tensor, ref.lion_exp_avg, TOL);
  });

  it("Adafactor: factored row / column second moments for matrices, a full one for vectors; beta1 and weight decay; its errors", () => {
    const ada = train((m) => new Adafactor(m.parameters()), 8);
    check(ada, ref.adafactor);
    const r = ref.adafactor_state;
    const st = ada.opt.state.get(lin(ada.model, 0).weight)!;
    expect(Object.keys(st)).toEqual(r.keys);
    expectT(st.exp_avg_sq_row as Tensor, r.row, TOL);
    expectT(st.exp_avg_sq_col as Tensor, r.col, TOL);
    expect((st.RMS as Tensor).item()).toBeCloseTo(r.RMS, 6);
    expect(Object.keys(ada.opt.state.get(lin(ada.model, 0).bias!)!)).toEqual(r.bias_keys);
    check(train((m) => new Adafactor(m.parameters(), { beta1: 0.9, weight_decay: 0.01 }), 8), ref.adafactor_beta1);
    expect([
      raised(() => new Adafactor(make_model().parameters(), { lr: 1e-3 })),
      raised(() => new Adafactor(make_model().parameters(), { warmup_init: true, relative_step: false })),
    ]).toEqual(ref.adafactor_errors);
  });

  it("Shampoo: Kronecker preconditioners with eigh inverse roots (update_freq, momentum, weight decay); the grad it leaves in p.grad", () => {
    const r = ref.inverse_root;
    expectT(_matrix_power(T(r.A), -1 / 2), r.half, TOL);
    expectT(_matrix_power(T(r.A), -1.0), r.inv, TOL);
    const sh = train((m) => new Shampoo(m.parameters(), { lr: 0.05, epsilon: 0.1 }), 6);
    check(sh, ref.shampoo, 1e-4);
    const st = sh.opt.state.get(lin(sh.model, 0).weight)!;
    expect(Object.keys(st)).toEqual(ref.shampoo_state.keys);
    expect(st.step).toBe(ref.shampoo_state.step);
    expectT(st.precond_1 as Tensor, ref.shampoo_state.precond_1, 1e-4);
    expectT(st.inv_precond_0 as Tensor, ref.shampoo_state.inv_precond_0, 1e-4);
    expectT(lin(sh.model, 0).weight.grad!, ref.shampoo_grad_after, 1e-5); // transpose_ of p.grad.data left p.grad's shape alone
    check(train((m) => new Shampoo(m.parameters(), { lr: 0.05, momentum: 0.5, weight_decay: 1e-2, epsilon: 0.1, update_freq: 2 }), 6), ref.shampoo_momentum, 1e-4);
  });
});

describe("wrapper optimizers: Lookahead and SAM", () => {
  it("Lookahead(k=3, alpha=0.5) around the hand-written Adam: trajectory, shared groups with the lookahead keys, slow buffers in the base's state; errors", () => {
    const la = train((m) => new Lookahead(new AdamScratch(m.parameters(), { lr: 0.05 }), { alpha: 0.5, k: 3 }), 8);
    check(la, ref.lookahead);
    expect(Object.keys(la.opt.param_groups[0])).toEqual(ref.lookahead_group_keys);
    const { betas, ...defaults } = la.opt.defaults as Record<string, unknown>;
    expect(betas).toEqual([0.9, 0.999]);
    expect(defaults).toEqual(ref.lookahead_defaults);
    expect(la.opt.param_groups).toBe(la.opt._base_optimizer.param_groups);
    expect(Object.keys(la.opt._base_optimizer.state.get(lin(la.model, 0).weight)!)).toEqual(ref.lookahead_state_keys);
    expectT(la.opt._base_optimizer.state.get(lin(la.model, 2).bias!)!.lookahead_slow_buff as Tensor, ref.lookahead_slow, TOL);
    expect([
      raised(() => new Lookahead(new AdamScratch(make_model().parameters()), { alpha: 1.5 })),
      raised(() => new Lookahead(new AdamScratch(make_model().parameters()), { k: 0 })),
    ]).toEqual(ref.lookahead_errors);
  });

  it("SAM with torch's SGD: the README's two passes (first_step / second_step), the global grad norm, e_w in the state", () => {
    const model = make_model();
    const optimizer = new SAM(model.parameters(), optim.SGD as unknown as OptimizerClass, { rho: 0.05, lr: 0.1, momentum: 0.9 });
    const losses: number[] = [];
    const norms: number[] = [];
    for (let i = 0; i < 5; i++) {
      const loss = F.mse_loss(model(X), Y);
      loss.backward();
      norms.push(optimizer._grad_norm().item());
      optimizer.first_step(true);
      F.mse_loss(model(X), Y).backward();
      optimizer.second_step(true);
      losses.push(loss.item());
    }
    const r = ref.sam;
    expectNums(losses, r.losses, TOL);
    expectNums(norms, r.grad_norms, TOL);
    expectT(flat(model), r.params, TOL);
    expect(Object.keys(optimizer.state.get(lin(model, 0).weight)!)).toEqual(r.state_keys);
    expectT(optimizer.state.get(lin(model, 2).bias!)!.e_w as Tensor, r.e_w, TOL);
    expect(Object.keys(optimizer.param_groups[0])).toEqual(r.group_keys);
    expect(optimizer.base_optimizer.param_groups === optimizer.param_groups).toBe(r.base_is_shared);
  });

  it("ASAM (adaptive) with the hand-written Adam through step(closure); SAM's asserts", () => {
    const model = make_model();
    const optimizer = new SAM(model.parameters(), AdamScratch as unknown as OptimizerClass, { rho: 0.5, adaptive: true, lr: 0.05 });
    const closure = () => {
      const loss = F.mse_loss(model(X), Y);
      loss.backward();
      return loss;
    };
    const losses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const loss = F.mse_loss(model(X), Y);
      loss.backward();
      optimizer.step(closure);
      optimizer.zero_grad();
      losses.push(loss.item());
    }
    check({ losses, params: flat(model) }, ref.asam);
    expect([raised(() => optimizer.step()), raised(() => new SAM(make_model().parameters(), optim.SGD as unknown as OptimizerClass, { rho: -1.0, lr: 0.1 }))]).toEqual(ref.sam_errors);
  });
});

describe("resuming hand-written optimizers whose state is not shaped like the parameter", () => {
  it("LAMB (0-dim norms and trust ratio) and Adafactor (row / column moments, a 0-dim RMS): load_state_dict, then 3 more steps as torch", () => {
    const makers: [string, (ps: Tensor[]) => optim.Optimizer<object>][] = [
      ["lamb", (ps) => new Lamb(ps, { lr: 0.05, weight_decay: 0.01 })],
      ["adafactor", (ps) => new Adafactor(ps, { beta1: 0.9 })],
    ];
    for (const [name, make] of makers) {
      const model = make_model();
      const optimizer = make(model.parameters());
      for (let i = 0; i < 3; i++) {
        optimizer.zero_grad();
        F.mse_loss(model(X), Y).backward();
        optimizer.step();
      }
      const sd = optimizer.state_dict();
      const model2 = make_model();
      model2.load_state_dict(Object.fromEntries(Object.entries(model.state_dict()).map(([k, v]) => [k, v.clone()])));
      const optimizer2 = make(model2.parameters());
      optimizer2.load_state_dict(sd);
      const losses: number[] = [];
      for (let i = 0; i < 3; i++) {
        optimizer2.zero_grad();
        const loss = F.mse_loss(model2(X), Y);
        loss.backward();
        optimizer2.step();
        losses.push(loss.item());
      }
      const r = ref.resume[name];
      check({ losses, params: flat(model2) }, r);
      const st = optimizer2.state.get(lin(model2, 0).weight)!;
      expect(Object.keys(st)).toEqual(r.keys);
      expect(Object.values(st).map((v) => (v instanceof torch.Tensor ? v.shape : null))).toEqual(r.shapes);
    }
  });
});

describe("training tricks", () => {
  it("weight EMA: AveragedModel(avg_fn=ema) over a BatchNorm model, then update_bn recomputes the running statistics", () => {
    torch.manual_seed(2);
    const bn_model = new nn.Sequential(new nn.Linear(4, 8, { bias: false }), new nn.BatchNorm1d(8), new nn.ReLU(), new nn.Linear(8, 1));
    const ema_avg = (averaged_model_parameter: Tensor, model_parameter: Tensor, _num_averaged: Tensor) => averaged_model_parameter.mul(0.9).add(model_parameter.mul(0.1)); // eslint-disable-line @typescript-eslint/no-unused-vars
    const ema_model = new optim.swa_utils.AveragedModel(bn_model, { avg_fn: ema_avg });
    const optimizer = new AdamScratch(bn_model.parameters(), { lr: 0.05 });
    const losses: number[] = [];
    for (let epoch = 0; epoch < 2; epoch++) {
      for (const [xb, yb] of loader as Iterable<Tensor[]>) {
        optimizer.zero_grad();
        const loss = F.mse_loss(bn_model(xb), yb);
        loss.backward();
        optimizer.step();
        ema_model.update_parameters(bn_model);
        losses.push(loss.item());
      }
    }
    const r = ref.ema;
    const bn = () => ema_model.module.get(1) as nn.BatchNorm1d;
    expectNums(losses, r.losses, TOL);
    expect(ema_model.n_averaged.item()).toBe(r.n_averaged);
    expectT(torch.cat(ema_model.parameters().map((p) => p.detach().reshape(-1))), r.ema_params, TOL);
    expectT(bn().running_mean!, r.running_mean_before, TOL);
    optim.swa_utils.update_bn(loader, ema_model);
    ema_model.eval();
    expectT(bn().running_mean!, r.running_mean, TOL);
    expectT(bn().running_var!, r.running_var, TOL);
    expect(bn().num_batches_tracked!.item()).toBe(r.num_batches_tracked);
    expectT(ema_model(X.index(":4")), r.eval_out, TOL);
  });

  it("gradient accumulation: four micro-batch losses / accumulation_steps give the full batch's gradient; zero_grad(set_to_none=True)", () => {
    const model = make_model();
    const optimizer = new SGDScratch(model.parameters(), { lr: 0.1, momentum: 0.9 });
    const accumulation_steps = 4;
    optimizer.zero_grad();
    const losses: number[] = [];
    let grad0: Tensor | null = null;
    for (let epoch = 0; epoch < 3; epoch++) {
      let i = 0;
      for (const [inputs, labels] of loader as Iterable<Tensor[]>) {
        const loss = F.mse_loss(model(inputs), labels).div(accumulation_steps);
        loss.backward();
        if ((i + 1) % accumulation_steps === 0) {
          if (epoch === 0) grad0 = lin(model, 0).weight.grad!.clone();
          optimizer.step();
          optimizer.zero_grad({ set_to_none: true });
        }
        losses.push(loss.item());
        i++;
      }
    }
    check({ losses, params: flat(model) }, ref.accum);
    expect(lin(model, 0).weight.grad === null).toBe(ref.accum.grad_is_none);
    expectT(grad0!, ref.accum_grad0, TOL);
    const full = make_model();
    F.mse_loss(full(X), Y).backward();
    expectT(lin(full, 0).weight.grad!, ref.full_batch_grad0, TOL);
  });

  it("a hand-written global-norm clip returns the total norm and trains as nn.utils.clip_grad_norm_; the inf norm", () => {
    function clip_grad_norm(parameters: Tensor[], max_norm: number, norm_type = 2.0): Tensor {
      parameters = parameters.filter((p) => p.grad !== null);
      const total_norm = torch.norm(torch.stack(parameters.map((p) => torch.norm(p.grad!.detach(), norm_type))), norm_type);
      const clip_coef = torch.div(max_norm, total_norm.add(1e-6));
      if (clip_coef.item() < 1) for (const p of parameters) p.grad!.detach().mul_(clip_coef);
      return total_norm;
    }
    const fns: [string, (ps: Tensor[], max_norm: number) => Tensor][] = [["scratch", clip_grad_norm], ["torch", (ps, max_norm) => nn.utils.clip_grad_norm_(ps, max_norm)]];
    for (const [name, fn] of fns) {
      const model = make_model();
      const optimizer = new SGDScratch(model.parameters(), { lr: 0.1 });
      const norms: number[] = [];
      const losses: number[] = [];
      for (let i = 0; i < 6; i++) {
        optimizer.zero_grad();
        const loss = F.mse_loss(model(X), Y);
        loss.backward();
        norms.push(fn(model.parameters(), 1.0).item());
        optimizer.step();
        losses.push(loss.item());
      }
      check({ losses, params: flat(model) }, ref.clip[name]);
      expectNums(norms, ref.clip[name].norms, TOL);
    }
    const model = make_model();
    F.mse_loss(model(X), Y).backward();
    expect(clip_grad_norm(model.parameters(), 0.5, Infinity).item()).toBeCloseTo(ref.clip.inf_norm, 5);
    expectT(lin(model, 2).weight.grad!, ref.clip.inf_grad, TOL);
  });

  it("the LR range test (fastai's find_lr): lr multiplied per batch through param_groups[0].lr, smoothed losses, early stop", () => {
    function find_lr(net: nn.Module, optimizer: optim.Optimizer<{ lr: number }>, trn_loader: utils.data.DataLoader, init_value = 1e-4, final_value = 10.0, beta = 0.98): [number[], number[]] {
      const num = trn_loader.length - 1;
      const mult = (final_value / init_value) ** (1 / num);
      let lr = init_value;
      optimizer.param_groups[0].lr = lr;
      let avg_loss = 0;
      let best_loss = 0;
      let batch_num = 0;
      const losses: number[] = [];
      const log_lrs: number[] = [];
      for (const [inputs, labels] of trn_loader as Iterable<Tensor[]>) {
        batch_num += 1;
        optimizer.zero_grad();
        const outputs = net(inputs);
        const loss = F.mse_loss(outputs, labels);
        avg_loss = beta * avg_loss + (1 - beta) * loss.item();
        const smoothed_loss = avg_loss / (1 - beta ** batch_num);
        if (batch_num > 1 && smoothed_loss > 4 * best_loss) return [log_lrs, losses];
        if (smoothed_loss < best_loss || batch_num === 1) best_loss = smoothed_loss;
        losses.push(smoothed_loss);
        log_lrs.push(Math.log10(lr));
        loss.backward();
        optimizer.step();
        lr *= mult;
        optimizer.param_groups[0].lr = lr;
      }
      return [log_lrs, losses];
    }
    const range_loader = new utils.data.DataLoader(new utils.data.TensorDataset(X.repeat(4, 1), Y.repeat(4, 1)), { batch_size: 4 });
    const net = make_model();
    const [log_lrs, losses] = find_lr(net, new SGDScratch(net.parameters(), { lr: 1.0 }), range_loader);
    expectNums(log_lrs, ref.lr_range.log_lrs, 1e-12);
    expectNums(losses, ref.lr_range.losses, TOL);
  });

  it("LambdaLR (warmup then decay, two groups) and CosineAnnealingWarmRestarts (fractional epochs) driving custom optimizers", () => {
    let model = make_model();
    const adam = new AdamScratch(param_groups_of(model), { lr: 0.05 });
    const warmup = 3;
    const lambda = new optim.lr_scheduler.LambdaLR(adam, { lr_lambda: (step: number) => Math.min((step + 1) / warmup, 0.8 ** (step - warmup + 1)) });
    const lrs: number[][] = [];
    let losses: number[] = [];
    for (let i = 0; i < 8; i++) {
      adam.zero_grad();
      const loss = F.mse_loss(model(X), Y);
      loss.backward();
      adam.step();
      lambda.step();
      lrs.push(adam.param_groups.map((g) => g.lr));
      losses.push(loss.item());
    }
    const r = ref.lambda_lr;
    check({ losses, params: flat(model) }, r);
    lrs.forEach((row, i) => expectNums(row, r.lrs[i], 1e-12));
    expectNums(adam.param_groups.map((g) => (g as Record<string, unknown>).initial_lr as number), r.initial_lr, 1e-12);
    expectNums(lambda.get_last_lr(), r.last_lr, 1e-12);
    expect(Object.keys(lambda.state_dict()).sort()).toEqual(r.state_dict_keys);

    model = make_model();
    const sgd = new SGDScratch(model.parameters(), { lr: 0.1, momentum: 0.9 });
    const scheduler = new optim.lr_scheduler.CosineAnnealingWarmRestarts(sgd, { T_0: 2, T_mult: 2, eta_min: 0.001 });
    const iters = loader.length;
    const cos_lrs: number[] = [];
    losses = [];
    for (let epoch = 0; epoch < 3; epoch++) {
      let i = 0;
      for (const [inputs, labels] of loader as Iterable<Tensor[]>) {
        sgd.zero_grad();
        const loss = F.mse_loss(model(inputs), labels);
        loss.backward();
        sgd.step();
        scheduler.step(epoch + i / iters);
        cos_lrs.push(sgd.param_groups[0].lr);
        losses.push(loss.item());
        i++;
      }
    }
    const c = ref.cosine_restarts;
    check({ losses, params: flat(model) }, c);
    expectNums(cos_lrs, c.lrs, 1e-12);
    expect([scheduler.T_cur, scheduler.T_i]).toEqual([expect.closeTo(c.T_cur, 12), c.T_i]);
  });

  it("add_param_group unfreezes a head (defaults filled in, state only for stepped params, repr); required lr, overlap and validation errors", () => {
    const model = make_model();
    const optimizer = new SGDScratch(lin(model, 0).parameters(), { lr: 0.1, momentum: 0.9 });
    const losses: number[] = [];
    for (let step = 0; step < 6; step++) {
      if (step === 3) optimizer.add_param_group({ params: lin(model, 2).parameters(), lr: 0.01 });
      optimizer.zero_grad();
      const loss = F.mse_loss(model(X), Y);
      loss.backward();
      optimizer.step();
      losses.push(loss.item());
    }
    const r = ref.add_param_group;
    check({ losses, params: flat(model) }, r);
    expect(optimizer.param_groups.map(({ params, ...rest }) => rest)).toEqual(r.groups); // eslint-disable-line @typescript-eslint/no-unused-vars
    expect(optimizer.param_groups.map((g) => g.params.length)).toEqual(r.n_params);
    expect(optimizer.state.size).toBe(r.n_state);
    expect(String(optimizer)).toBe(r.repr);
    expect([
      raised(() => new SGDScratch([{ params: lin(model, 0).parameters() }])),
      raised(() => optimizer.add_param_group({ params: lin(model, 0).weight })),
      raised(() => new SGDScratch(model.parameters(), { lr: -1.0 })),
      raised(() => new SGDScratch(model.parameters(), { lr: 0.1, nesterov: true })),
    ]).toEqual(ref.param_group_errors);
  });

  it("state_dict() / load_state_dict() of a custom optimizer: int steps and amsgrad buffers by index; resuming equals uninterrupted training", () => {
    const r = ref.state_dict;
    check(train((m) => new AdamScratch(param_groups_of(m), { lr: 0.05, amsgrad: true }), 6), r.uninterrupted);
    const model = make_model();
    const optimizer = new AdamScratch(param_groups_of(model), { lr: 0.05, amsgrad: true });
    for (let i = 0; i < 3; i++) {
      optimizer.zero_grad();
      F.mse_loss(model(X), Y).backward();
      optimizer.step();
    }
    const sd = optimizer.state_dict();
    expect(Object.keys(sd.state).map(Number)).toEqual(r.state_keys);
    expect(Object.keys(sd.state[0])).toEqual(r.state0_keys);
    expect(sd.state[0].step).toBe(r.step0);
    expectT(sd.state[3].exp_avg as Tensor, r.exp_avg3, TOL);
    expect(sd.param_groups).toEqual(r.param_groups);
    const model_sd = Object.fromEntries(Object.entries(model.state_dict()).map(([k, v]) => [k, v.clone()]));
    const model2 = make_model();
    model2.load_state_dict(model_sd);
    const optimizer2 = new AdamScratch(param_groups_of(model2), { lr: 0.05, amsgrad: true });
    optimizer2.load_state_dict(sd);
    const resumed: number[] = [];
    for (let i = 0; i < 3; i++) {
      optimizer2.zero_grad();
      const loss = F.mse_loss(model2(X), Y);
      loss.backward();
      optimizer2.step();
      resumed.push(loss.item());
    }
    check({ losses: resumed, params: flat(model2) }, { losses: r.resumed_losses, params: r.resumed_params });
    expectNums(resumed, r.uninterrupted.losses.slice(3), TOL);
    expect(optimizer2.state.get(lin(model2, 0).weight)!.step).toBe(r.step_after);
    expect([
      raised(() => new AdamScratch(model2.parameters()).load_state_dict(sd)),
      raised(() => new AdamScratch([{ params: lin(model2, 0).parameters() }, { params: [lin(model2, 2).weight] }]).load_state_dict(sd)),
    ]).toEqual(r.load_errors);
  });
});
