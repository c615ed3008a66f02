/**
 * Adamax, exactly PyTorch 1.13's rule:
 *   g = g (+ weight_decay * p);  m = beta1 * m + (1 - beta1) * g
 *   u = max(beta2 * u, |g| + eps);  p = p - lr / (1 - beta1^t) * m / u
 */
import { parseArgs, type PyArgs } from "../args";
import { Optimizer, type ParamGroup, type ParamsArg, type ParamsByKeyword, paramsByKeyword } from "./optimizer";
import { implFlagNames, implFlags, type ImplFlags } from "./impl_flags";
import { validateAdamLike } from "./validate";

export interface AdamaxOptions extends ImplFlags {
  lr: number;
  betas: [number, number];
  eps: number;
  weight_decay: number;
  maximize: boolean;
}

export class Adamax extends Optimizer<AdamaxOptions> {
  /** torch 1.13's foreach step adds weight_decay * p into p.grad in place (Optimizer._foreachDecayIntoGrads). */
  protected override _foreachDecaysGrads(): boolean {
    return true;
  }

  /** new optim.Adamax(params, { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0 }) */
  constructor(params: ParamsArg<AdamaxOptions> | ParamsByKeyword<AdamaxOptions>, ...args: PyArgs<[lr?: number, betas?: [number, number], eps?: number, weight_decay?: number], Partial<AdamaxOptions>>) {
    [params, args] = paramsByKeyword(params, args); // optim.adamax(params=..., lr=...)
    const o = parseArgs<AdamaxOptions & ImplFlags>("Adamax", ["lr", "betas", "eps", "weight_decay", "maximize", ...implFlagNames("Adamax")], args);
    super(params, {
      lr: o.lr ?? 2e-3,
      betas: o.betas ? [o.betas[0], o.betas[1]] : [0.9, 0.999],
      eps: o.eps ?? 1e-8,
      weight_decay: o.weight_decay ?? 0,
      maximize: o.maximize ?? false,
      ...implFlags("Adamax", o),
    });
  }

  protected override _validate(g: ParamGroup<AdamaxOptions>): void {
    validateAdamLike(g);
  }

  /** torch 1.13 keeps the step as torch.tensor(0.), counted in place. */
  protected override _tensorScalars(): readonly string[] {
    return ["step"];
  }

  protected override _update_group(g: ParamGroup<AdamaxOptions>): void {
    const { lr, eps, weight_decay: wd, maximize } = g;
    const [beta1, beta2] = g.betas;
    const sign = maximize ? -1 : 1;
    for (const p of this._paramsWithGrad(g)) {
      const { step, buf } = this._nextStep(p, { exp_avg: 0, exp_inf: 0 });
      const m = buf.exp_avg;
      const u = buf.exp_inf;
      const clr = lr / (1 - beta1 ** step);
      this._withRaw(p, (w, grad) => {
        for (let i = 0; i < w.length; i++) {
          const gi = wd !== 0 ? sign * grad[i] + wd * w[i] : sign * grad[i];
          m[i] = beta1 * m[i] + (1 - beta1) * gi;
          // Stored first, so the max compares float32 values as torch.amax does.
          u[i] = beta2 * u[i];
          const a = Math.abs(gi) + eps;
          if (a > u[i] || Number.isNaN(a)) u[i] = a;
          w[i] -= (clr * m[i]) / u[i];
        }
      });
    }
  }
}
