/**
 * Adadelta, exactly PyTorch 1.13's rule:
 *   g = g (+ weight_decay * p);  v = rho * v + (1 - rho) * g^2
 *   delta = sqrt(u + eps) / sqrt(v + eps) * g;  u = rho * u + (1 - rho) * delta^2;  p = p - lr * delta
 */
import { parseArgs, type PyArgs } from "../args";
import { ValueError } from "../errors";
import { Optimizer, type ParamGroup, type ParamsArg, type ParamsByKeyword, paramsByKeyword } from "./optimizer";
import { implFlagNames, implFlags, type ImplFlags } from "./impl_flags";

export interface AdadeltaOptions extends ImplFlags {
  lr: number;
  rho: number;
  eps: number;
  weight_decay: number;
  maximize: boolean;
}

export class Adadelta extends Optimizer<AdadeltaOptions> {
  /** torch 1.13's foreach step adds weight_decay * p into p.grad in place (Optimizer._foreachDecayIntoGrads). */
  protected override _foreachDecaysGrads(): boolean {
    return true;
  }

  /** new optim.Adadelta(params, { lr: 1.0, rho: 0.9, eps: 1e-6, weight_decay: 0 }) */
  constructor(params: ParamsArg<AdadeltaOptions> | ParamsByKeyword<AdadeltaOptions>, ...args: PyArgs<[lr?: number, rho?: number, eps?: number, weight_decay?: number], Partial<AdadeltaOptions>>) {
    [params, args] = paramsByKeyword(params, args); // optim.adadelta(params=..., lr=...)
    const o = parseArgs<AdadeltaOptions & ImplFlags>("Adadelta", ["lr", "rho", "eps", "weight_decay", "maximize", ...implFlagNames("Adadelta")], args);
    super(params, { lr: o.lr ?? 1.0, rho: o.rho ?? 0.9, eps: o.eps ?? 1e-6, weight_decay: o.weight_decay ?? 0, maximize: o.maximize ?? false, ...implFlags("Adadelta", o) });
  }

  protected override _validate(g: ParamGroup<AdadeltaOptions>): void {
    if (!(g.lr >= 0)) throw new ValueError(`Invalid learning rate: ${g.lr}`);
    if (!(g.rho >= 0 && g.rho <= 1)) throw new ValueError(`Invalid rho value: ${g.rho}`);
    if (!(g.eps >= 0)) throw new ValueError(`Invalid epsilon value: ${g.eps}`);
    if (!(g.weight_decay >= 0)) throw new ValueError(`Invalid weight_decay value: ${g.weight_decay}`);
  }

  protected override _update_group(g: ParamGroup<AdadeltaOptions>): void {
    const { lr, rho, eps, weight_decay: wd, maximize } = g;
    const sign = maximize ? -1 : 1;
    for (const p of this._paramsWithGrad(g)) {
      const { buf } = this._nextStep(p, { square_avg: 0, acc_delta: 0 });
      const v = buf.square_avg;
      const u = buf.acc_delta;
      this._withRaw(p, (w, grad) => {
        for (let i = 0; i < w.length; i++) {
          const gi = wd !== 0 ? sign * grad[i] + wd * w[i] : sign * grad[i];
          v[i] = rho * v[i] + (1 - rho) * gi * gi;
          const delta = (Math.sqrt(u[i] + eps) / Math.sqrt(v[i] + eps)) * gi;
          u[i] = rho * u[i] + (1 - rho) * delta * delta;
          w[i] -= lr * delta;
        }
      });
    }
  }
}
