/**
 * RAdam, exactly PyTorch 1.13's rule (no `maximize` in 1.13):
 *   g = g (+ weight_decay * p);  m, v as Adam;  m_hat = m / (1 - beta1^t)
 *   rho_inf = 2 / (1 - beta2) - 1;  rho_t = rho_inf - 2 t beta2^t / (1 - beta2^t)
 *   rho_t > 5: p = p - lr * m_hat * rect * sqrt(1 - beta2^t) / (sqrt(v) + eps), rect the variance rectification
 *   else:      p = p - lr * m_hat
 */
import { parseArgs, type PyArgs } from "../args";
import { Optimizer, type ParamGroup, type ParamsArg, type ParamsByKeyword, paramsByKeyword } from "./optimizer";
import { implFlagNames, implFlags, type ImplFlags } from "./impl_flags";
import { validateAdamLike } from "./validate";

export interface RAdamOptions extends ImplFlags {
  lr: number;
  betas: [number, number];
  eps: number;
  weight_decay: number;
}

export class RAdam extends Optimizer<RAdamOptions> {
  /** torch 1.13's foreach step adds weight_decay * p into p.grad in place (Optimizer._foreachDecayIntoGrads). */
  protected override _foreachDecaysGrads(): boolean {
    return true;
  }

  /** new optim.RAdam(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0 }) */
  constructor(params: ParamsArg<RAdamOptions> | ParamsByKeyword<RAdamOptions>, ...args: PyArgs<[lr?: number, betas?: [number, number], eps?: number, weight_decay?: number], Partial<RAdamOptions>>) {
    [params, args] = paramsByKeyword(params, args); // optim.radam(params=..., lr=...)
    const o = parseArgs<RAdamOptions & ImplFlags>("RAdam", ["lr", "betas", "eps", "weight_decay", ...implFlagNames("RAdam")], args);
    super(params, {
      lr: o.lr ?? 1e-3,
      betas: o.betas ? [o.betas[0], o.betas[1]] : [0.9, 0.999],
      eps: o.eps ?? 1e-8,
      weight_decay: o.weight_decay ?? 0,
      ...implFlags("RAdam", o),
    });
  }

  protected override _validate(g: ParamGroup<RAdamOptions>): void {
    validateAdamLike(g);
  }

  /** torch 1.13 keeps the step as torch.tensor(0.), counted in place. */
  protected override _tensorScalars(): readonly string[] {
    return ["step"];
  }

  protected override _update_group(g: ParamGroup<RAdamOptions>): void {
    const { lr, eps, weight_decay: wd } = g;
    const [beta1, beta2] = g.betas;
    for (const p of this._paramsWithGrad(g)) {
      const { step, buf } = this._nextStep(p, { exp_avg: 0, exp_avg_sq: 0 });
      const bc1 = 1 - beta1 ** step;
      const bc2 = 1 - beta2 ** step;
      const rhoInf = 2 / (1 - beta2) - 1;
      const rhoT = rhoInf - (2 * step * beta2 ** step) / bc2;
      const rect = rhoT > 5 ? Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT)) : 0;
      const m = buf.exp_avg;
      const v = buf.exp_avg_sq;
      const sqrtBc2 = Math.sqrt(bc2);
      this._withRaw(p, (w, grad) => {
        for (let i = 0; i < w.length; i++) {
          const gi = wd !== 0 ? grad[i] + wd * w[i] : grad[i];
          m[i] = beta1 * m[i] + (1 - beta1) * gi;
          v[i] = beta2 * v[i] + (1 - beta2) * gi * gi;
          const mHat = m[i] / bc1;
          w[i] -= rhoT > 5 ? mHat * lr * (sqrtBc2 / (Math.sqrt(v[i]) + eps)) * rect : mHat * lr;
        }
      });
    }
  }
}
