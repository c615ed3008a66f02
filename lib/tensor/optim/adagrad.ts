/**
 * Adagrad, exactly PyTorch 1.13's rule (state created for every parameter at construction):
 *   g = g (+ weight_decay * p);  clr = lr / (1 + (step - 1) * lr_decay)
 *   sum = sum + g^2;  p = p - clr * g / (sqrt(sum) + eps)
 */
import { parseArgs, type PyArgs } from "../args";
import { ValueError } from "../errors";
import type { Tensor } from "../tensor";
import { bumpStep, Optimizer, stateScalar, type ParamGroup, type ParamsArg, type ParamsByKeyword, paramsByKeyword } from "./optimizer";
import { implFlagNames, implFlags, type ImplFlags } from "./impl_flags";

export interface AdagradOptions extends ImplFlags {
  lr: number;
  lr_decay: number;
  weight_decay: number;
  initial_accumulator_value: number;
  eps: number;
  maximize: boolean;
}

export class Adagrad extends Optimizer<AdagradOptions> {
  /** torch 1.13's foreach step adds weight_decay * p into p.grad in place (Optimizer._foreachDecayIntoGrads). */
  protected override _foreachDecaysGrads(): boolean {
    return true;
  }

  /** new optim.Adagrad(params, { lr: 1e-2, lr_decay: 0, weight_decay: 0, initial_accumulator_value: 0, eps: 1e-10 }) */
  constructor(
    params: ParamsArg<AdagradOptions> | ParamsByKeyword<AdagradOptions>,
    ...args: PyArgs<[lr?: number, lr_decay?: number, weight_decay?: number, initial_accumulator_value?: number, eps?: number], Partial<AdagradOptions>>
  ) {
    [params, args] = paramsByKeyword(params, args); // optim.adagrad(params=..., lr=...)
    const o = parseArgs<AdagradOptions & ImplFlags>("Adagrad", ["lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps", "maximize", ...implFlagNames("Adagrad")], args);
    super(params, {
      lr: o.lr ?? 1e-2,
      lr_decay: o.lr_decay ?? 0,
      weight_decay: o.weight_decay ?? 0,
      initial_accumulator_value: o.initial_accumulator_value ?? 0,
      eps: o.eps ?? 1e-10,
      maximize: o.maximize ?? false,
      ...implFlags("Adagrad", o),
    });
    // PyTorch fills the state of every parameter here, so state_dict() lists them before any step.
    for (const g of this.param_groups) for (const p of g.params) this._init(p, g.initial_accumulator_value);
  }

  private _init(p: Tensor, value: number): void {
    const s = this._state(p);
    if (s.step !== undefined) return;
    s.step = stateScalar(0);
    const sum = this._zerosLike(p);
    sum._data.fill(value);
    s.sum = sum;
  }

  /** torch 1.13 keeps the step as torch.tensor(0.0), filled at construction, counted in place. */
  protected override _tensorScalars(): readonly string[] {
    return ["step"];
  }

  protected override _validate(g: ParamGroup<AdagradOptions>): void {
    if (!(g.lr >= 0)) throw new ValueError(`Invalid learning rate: ${g.lr}`);
    if (!(g.lr_decay >= 0)) throw new ValueError(`Invalid lr_decay value: ${g.lr_decay}`);
    if (!(g.weight_decay >= 0)) throw new ValueError(`Invalid weight_decay value: ${g.weight_decay}`);
    if (!(g.initial_accumulator_value >= 0)) throw new ValueError(`Invalid initial_accumulator_value value: ${g.initial_accumulator_value}`);
    if (!(g.eps >= 0)) throw new ValueError(`Invalid epsilon value: ${g.eps}`);
  }

  protected override _update_group(g: ParamGroup<AdagradOptions>): void {
    const { lr, lr_decay, weight_decay: wd, eps, maximize } = g;
    const sign = maximize ? -1 : 1;
    for (const p of g.params) {
      if (!p.grad) continue;
      this._init(p, g.initial_accumulator_value);
      const state = this._state(p);
      const step = bumpStep(state);
      const clr = lr / (1 + (step - 1) * lr_decay);
      const sum = (state.sum as Tensor)._data;
      this._withRaw(p, (w, grad) => {
        for (let i = 0; i < w.length; i++) {
          const gi = wd !== 0 ? sign * grad[i] + wd * w[i] : sign * grad[i];
          sum[i] += gi * gi;
          w[i] -= (clr * gi) / (Math.sqrt(sum[i]) + eps);
        }
      });
    }
  }
}
