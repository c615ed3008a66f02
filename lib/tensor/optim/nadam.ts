/**
 * NAdam, exactly PyTorch 1.13's rule (no `maximize` in 1.13):
 *   g = g (+ weight_decay * p);  mu_t = beta1 * (1 - 0.5 * 0.96^(t * momentum_decay))
 *   mu_product = prod mu_1..mu_t (a 0-dim float32 tensor in PyTorch's state, and here)
 *   m = beta1 * m + (1 - beta1) * g;  v = beta2 * v + (1 - beta2) * g^2;  d = sqrt(v / (1 - beta2^t)) + eps
 *   p = p - lr * (1 - mu_t) / (1 - mu_product) * g / d - lr * mu_{t+1} / (1 - mu_product * mu_t * mu_{t+1}) * m / d
 * With foreach=True torch 1.13 runs another formula (_multi_tensor_nadam), followed here too: the
 * second step size divides by 1 - mu_product * mu_{t+1} (a Python float product) and
 * d = sqrt(v) / sqrt(1 - beta2^t) + eps. (It also adds weight_decay * p into p.grad in place,
 * which the engine does not.)
 */
import { parseArgs, type PyArgs } from "../args";
import { ValueError } from "../errors";
import { Tensor } from "../tensor";
import { Optimizer, setStateNumber, stateNumber, type ParamGroup, type ParamsArg, type ParamsByKeyword, paramsByKeyword } from "./optimizer";
import { implFlagNames, implFlags, type ImplFlags } from "./impl_flags";
import { validateAdamLike } from "./validate";

export interface NAdamOptions extends ImplFlags {
  lr: number;
  betas: [number, number];
  eps: number;
  weight_decay: number;
  momentum_decay: number;
}

export class NAdam extends Optimizer<NAdamOptions> {
  /** torch 1.13's foreach step adds weight_decay * p into p.grad in place (Optimizer._foreachDecayIntoGrads). */
  protected override _foreachDecaysGrads(): boolean {
    return true;
  }

  /** new optim.NAdam(params, { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, momentum_decay: 4e-3 }) */
  constructor(
    params: ParamsArg<NAdamOptions> | ParamsByKeyword<NAdamOptions>,
    ...args: PyArgs<[lr?: number, betas?: [number, number], eps?: number, weight_decay?: number, momentum_decay?: number], Partial<NAdamOptions>>
  ) {
    [params, args] = paramsByKeyword(params, args); // optim.nadam(params=..., lr=...)
    const o = parseArgs<NAdamOptions & ImplFlags>("NAdam", ["lr", "betas", "eps", "weight_decay", "momentum_decay", ...implFlagNames("NAdam")], args);
    super(params, {
      lr: o.lr ?? 2e-3,
      betas: o.betas ? [o.betas[0], o.betas[1]] : [0.9, 0.999],
      eps: o.eps ?? 1e-8,
      weight_decay: o.weight_decay ?? 0,
      momentum_decay: o.momentum_decay ?? 4e-3,
      ...implFlags("NAdam", o),
    });
  }

  protected override _validate(g: ParamGroup<NAdamOptions>): void {
    validateAdamLike(g);
    if (!(g.momentum_decay >= 0)) throw new ValueError(`Invalid momentum_decay value: ${g.momentum_decay}`);
  }

  /** torch 1.13 keeps the step and mu_product as 0-dim float32 tensors (torch.tensor(0.), torch.tensor(1.)). */
  protected override _tensorScalars(): readonly string[] {
    return ["step", "mu_product"];
  }

  protected override _update_group(g: ParamGroup<NAdamOptions>): void {
    const { lr, eps, weight_decay: wd, momentum_decay } = g;
    const [beta1, beta2] = g.betas;
    for (const p of this._paramsWithGrad(g)) {
      const { step, state, buf } = this._nextStep(p, { exp_avg: 0, exp_avg_sq: 0 }, { mu_product: 1 });
      const bc2 = 1 - beta2 ** step;
      const mu = beta1 * (1 - 0.5 * 0.96 ** (step * momentum_decay));
      const muNext = beta1 * (1 - 0.5 * 0.96 ** ((step + 1) * momentum_decay));
      // mu_product *= mu in place, and mu_product * mu * mu_next: tensor-by-Python-float products, which torch
      // computes in the tensor's dtype (float32, or a float64 parameter's after a load) with the float rounded to it.
      const round = state.mu_product instanceof Tensor && state.mu_product.dtype.name === "float64" ? (x: number) => x : Math.fround;
      const muProduct = setStateNumber(state, "mu_product", round(stateNumber(state.mu_product) * round(mu)));
      const foreach = g.foreach === true;
      const muProductNext = foreach ? muProduct * muNext : round(round(muProduct * round(mu)) * round(muNext));
      const cg = (lr * (1 - mu)) / (1 - muProduct);
      const cm = (lr * muNext) / (1 - muProductNext);
      const sqrtBc2 = Math.sqrt(bc2);
      const m = buf.exp_avg;
      const v = buf.exp_avg_sq;
      this._withRaw(p, (w, grad) => {
        for (let i = 0; i < w.length; i++) {
          const gi = wd !== 0 ? grad[i] + wd * w[i] : grad[i];
          m[i] = beta1 * m[i] + (1 - beta1) * gi;
          v[i] = beta2 * v[i] + (1 - beta2) * gi * gi;
          const d = foreach ? Math.sqrt(v[i]) / sqrtBc2 + eps : Math.sqrt(v[i] / bc2) + eps;
          // Two separate in-place updates in PyTorch: the parameter is rounded between them.
          w[i] -= (cg * gi) / d;
          w[i] -= (cm * m[i]) / d;
        }
      });
    }
  }
}
