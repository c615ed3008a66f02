/**
 * Adam and AdamW, exactly PyTorch 1.13's rules (one step, t counted per parameter):
 *   Adam:  g = g + weight_decay * p            (L2 penalty folded into the gradient)
 *   AdamW: p = p * (1 - lr * weight_decay)     (decoupled weight decay)
 *   m = beta1 * m + (1 - beta1) * g;  v = beta2 * v + (1 - beta2) * g^2
 *   v_hat = max(v_hat, v) with amsgrad, else v
 *   p = p - (lr / (1 - beta1^t)) * m / (sqrt(v_hat) / sqrt(1 - beta2^t) + eps)
 */
import { parseArgs, type PyArgs } from "../args";
import { ValueError } from "../errors";
import { kernels } from "../kernels/registry";
import type { AdamParams } from "../kernels/optim";
import { Optimizer, type ParamGroup, type ParamsArg, type ParamsByKeyword, paramsByKeyword } from "./optimizer";
import { implFlagNames, implFlags, type ImplFlags } from "./impl_flags";

export interface AdamOptions extends ImplFlags {
  lr: number;
  betas: [number, number];
  eps: number;
  weight_decay: number;
  amsgrad: boolean;
  maximize: boolean;
}

/** Adam's and AdamW's call forms: `(params, lr, betas, eps, weight_decay, amsgrad)` or options. */
export type AdamArgs = PyArgs<
  [lr?: number, betas?: [number, number], eps?: number, weight_decay?: number, amsgrad?: boolean],
  Partial<AdamOptions>
>;

abstract class AdamBase extends Optimizer<AdamOptions> {
  protected abstract readonly decoupled: boolean;

  constructor(name: string, params: ParamsArg<AdamOptions> | ParamsByKeyword<AdamOptions>, args: AdamArgs, defaultDecay: number) {
    [params, args] = paramsByKeyword(params, args); // optim.adam(params=..., lr=...)
    const o = parseArgs<AdamOptions & ImplFlags>(name, ["lr", "betas", "eps", "weight_decay", "amsgrad", "maximize", ...implFlagNames(name)], args);
    super(params, {
      lr: o.lr ?? 1e-3,
      betas: o.betas ? ([...o.betas] as [number, number]) : [0.9, 0.999],
      eps: o.eps ?? 1e-8,
      weight_decay: o.weight_decay ?? defaultDecay,
      amsgrad: o.amsgrad ?? false,
      maximize: o.maximize ?? false,
      ...implFlags(name, o),
    });
  }

  protected override _validate(g: ParamGroup<AdamOptions>): void {
    if (!(g.lr >= 0)) throw new ValueError(`Invalid learning rate: ${g.lr}`);
    if (!(g.eps >= 0)) throw new ValueError(`Invalid epsilon value: ${g.eps}`);
    g.betas.forEach((b, i) => {
      if (!(b >= 0 && b < 1)) throw new ValueError(`Invalid beta parameter at index ${i}: ${b}`);
    });
    if (!(g.weight_decay >= 0)) throw new ValueError(`Invalid weight_decay value: ${g.weight_decay}`);
  }

  /** torch 1.13 keeps the step as torch.tensor(0.), counted in place. */
  protected override _tensorScalars(): readonly string[] {
    return ["step"];
  }

  protected override _update_group(g: ParamGroup<AdamOptions>): void {
    const { lr, eps, weight_decay: wd, amsgrad, maximize } = g;
    const [beta1, beta2] = g.betas;
    for (const p of this._paramsWithGrad(g)) {
      const { step, buf } = this._nextStep(p, amsgrad ? { exp_avg: 0, exp_avg_sq: 0, max_exp_avg_sq: 0 } : { exp_avg: 0, exp_avg_sq: 0 });
      const m = buf.exp_avg;
      const v = buf.exp_avg_sq;
      const vmax = amsgrad ? buf.max_exp_avg_sq : null;
      const params: AdamParams = {
        sign: maximize ? -1 : 1,
        l2: this.decoupled ? 0 : wd,
        decay: this.decoupled ? 1 - lr * wd : 1,
        beta1,
        beta2,
        stepSize: lr / (1 - beta1 ** step),
        bc2Sqrt: Math.sqrt(1 - beta2 ** step),
        eps,
      };
      // One fused pass over the parameter's elements (WebAssembly SIMD for long float32 ones).
      this._withRaw(p, (w, grad) => kernels.optim.adam(w, grad, m, v, vmax, params));
    }
  }
}

export class Adam extends AdamBase {
  protected readonly decoupled = false;
  /** new optim.Adam(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, amsgrad: false }) */
  constructor(params: ParamsArg<AdamOptions> | ParamsByKeyword<AdamOptions>, ...args: AdamArgs) {
    super("Adam", params, args, 0);
  }

  /** torch 1.13's foreach step adds weight_decay * p into p.grad in place (Optimizer._foreachDecayIntoGrads); AdamW's does not. */
  protected override _foreachDecaysGrads(): boolean {
    return true;
  }
}

export class AdamW extends AdamBase {
  protected readonly decoupled = true;
  /** new optim.AdamW(params, { lr: 1e-3, weight_decay: 1e-2, ... }) */
  constructor(params: ParamsArg<AdamOptions> | ParamsByKeyword<AdamOptions>, ...args: AdamArgs) {
    super("AdamW", params, args, 1e-2);
  }
}
