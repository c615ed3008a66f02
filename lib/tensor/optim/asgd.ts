/**
 * ASGD (averaged SGD), exactly PyTorch 1.13's rule; step, eta and mu are 0-dim float32 tensors in
 * PyTorch's state, and here:
 *   g = g (+ weight_decay * p);  p = p * (1 - lambd * eta) - eta * g
 *   ax = ax + mu * (p - ax)  (ax = p while mu = 1)
 *   eta = lr / (1 + lambd * lr * t)^alpha;  mu = 1 / max(1, t - t0)
 */
import { parseArgs, type PyArgs } from "../args";
import { ValueError } from "../errors";
import { Optimizer, setStateNumber, stateNumber, type ParamGroup, type ParamsArg, type ParamsByKeyword, paramsByKeyword } from "./optimizer";
import { implFlagNames, implFlags, type ImplFlags } from "./impl_flags";

export interface ASGDOptions extends ImplFlags {
  lr: number;
  lambd: number;
  alpha: number;
  t0: number;
  weight_decay: number;
  maximize: boolean;
}

export class ASGD extends Optimizer<ASGDOptions> {
  /** new optim.ASGD(params, { lr: 1e-2, lambd: 1e-4, alpha: 0.75, t0: 1e6, weight_decay: 0 }) */
  constructor(
    params: ParamsArg<ASGDOptions> | ParamsByKeyword<ASGDOptions>,
    ...args: PyArgs<[lr?: number, lambd?: number, alpha?: number, t0?: number, weight_decay?: number], Partial<ASGDOptions>>
  ) {
    [params, args] = paramsByKeyword(params, args); // optim.asgd(params=..., lr=...)
    const o = parseArgs<ASGDOptions & ImplFlags>("ASGD", ["lr", "lambd", "alpha", "t0", "weight_decay", "maximize", ...implFlagNames("ASGD")], args);
    super(params, {
      lr: o.lr ?? 1e-2,
      lambd: o.lambd ?? 1e-4,
      alpha: o.alpha ?? 0.75,
      t0: o.t0 ?? 1e6,
      weight_decay: o.weight_decay ?? 0,
      maximize: o.maximize ?? false,
      ...implFlags("ASGD", o),
    });
  }

  protected override _validate(g: ParamGroup<ASGDOptions>): void {
    if (!(g.lr >= 0)) throw new ValueError(`Invalid learning rate: ${g.lr}`);
    if (!(g.weight_decay >= 0)) throw new ValueError(`Invalid weight_decay value: ${g.weight_decay}`);
  }

  /** torch 1.13 keeps step, eta and mu as 0-dim float32 tensors (torch.tensor(0.), torch.tensor(lr), torch.tensor(1.)). */
  protected override _tensorScalars(): readonly string[] {
    return ["step", "eta", "mu"];
  }

  protected override _update_group(g: ParamGroup<ASGDOptions>): void {
    const { lr, lambd, alpha, t0, weight_decay: wd } = g;
    const sign = g.maximize ? -1 : 1;
    for (const p of this._paramsWithGrad(g)) {
      const { step, state, buf } = this._nextStep(p, { ax: 0 }, { eta: Math.fround(lr), mu: 1 });
      const eta = stateNumber(state.eta);
      const mu = stateNumber(state.mu);
      const ax = buf.ax;
      const scale = 1 - lambd * eta;
      this._withRaw(p, (w, grad) => {
        for (let i = 0; i < w.length; i++) {
          const gi = wd !== 0 ? sign * grad[i] + wd * w[i] : sign * grad[i];
          // Two in-place updates in PyTorch: the parameter is rounded between them.
          w[i] *= scale;
          w[i] -= eta * gi;
          if (mu !== 1) ax[i] += (w[i] - ax[i]) * mu;
          else ax[i] = w[i];
        }
      });
      // eta.copy_(torch.tensor(...)) and mu.copy_(torch.tensor(...)): float32 values written in place.
      setStateNumber(state, "eta", Math.fround(lr / (1 + lambd * lr * step) ** alpha));
      setStateNumber(state, "mu", Math.fround(1 / Math.max(1, step - t0)));
    }
  }
}
