/**
 * RMSprop, exactly PyTorch 1.13's rule:
 *   g = g (+ weight_decay * p)
 *   s = alpha * s + (1 - alpha) * g^2
 *   centered: a = alpha * a + (1 - alpha) * g;  avg = sqrt(s - a^2) + eps   else avg = sqrt(s) + eps
 *   momentum > 0: buf = momentum * buf + g / avg;  p = p - lr * buf   else p = p - lr * g / avg
 */
import { parseArgs, type PyArgs } from "../args";
import { ValueError } from "../errors";
import { Optimizer, type ParamGroup, type ParamsArg, type ParamsByKeyword, paramsByKeyword } from "./optimizer";
import { implFlagNames, implFlags, type ImplFlags } from "./impl_flags";

export interface RMSpropOptions extends ImplFlags {
  lr: number;
  alpha: number;
  eps: number;
  weight_decay: number;
  momentum: number;
  centered: boolean;
  maximize: boolean;
}


export class RMSprop extends Optimizer<RMSpropOptions> {
  /** torch 1.13's foreach step adds weight_decay * p into p.grad in place (Optimizer._foreachDecayIntoGrads). */
  protected override _foreachDecaysGrads(): boolean {
    return true;
  }

  /** new optim.RMSprop(params, { lr: 1e-2, alpha: 0.99, eps: 1e-8, weight_decay: 0, momentum: 0, centered: false }) */
  constructor(
    params: ParamsArg<RMSpropOptions> | ParamsByKeyword<RMSpropOptions>,
    ...args: PyArgs<
      [lr?: number, alpha?: number, eps?: number, weight_decay?: number, momentum?: number, centered?: boolean],
      Partial<RMSpropOptions>
    >
  ) {
    [params, args] = paramsByKeyword(params, args); // optim.rmsprop(params=..., lr=...)
    const o = parseArgs<RMSpropOptions & ImplFlags>("RMSprop", ["lr", "alpha", "eps", "weight_decay", "momentum", "centered", "maximize", ...implFlagNames("RMSprop")], args);
    super(params, {
      lr: o.lr ?? 1e-2,
      alpha: o.alpha ?? 0.99,
      eps: o.eps ?? 1e-8,
      weight_decay: o.weight_decay ?? 0,
      momentum: o.momentum ?? 0,
      centered: o.centered ?? false,
      maximize: o.maximize ?? false,
      ...implFlags("RMSprop", o),
    });
  }

  protected override _validate(g: ParamGroup<RMSpropOptions>): void {
    if (!(g.lr >= 0)) throw new ValueError(`Invalid learning rate: ${g.lr}`);
    if (!(g.eps >= 0)) throw new ValueError(`Invalid epsilon value: ${g.eps}`);
    if (!(g.momentum >= 0)) throw new ValueError(`Invalid momentum value: ${g.momentum}`);
    if (!(g.weight_decay >= 0)) throw new ValueError(`Invalid weight_decay value: ${g.weight_decay}`);
    if (!(g.alpha >= 0)) throw new ValueError(`Invalid alpha value: ${g.alpha}`);
  }

  protected override _update_group(g: ParamGroup<RMSpropOptions>): void {
    const { lr, alpha, eps, weight_decay: wd, momentum, centered, maximize } = g;
    // The buffers PyTorch creates, in its order: momentum's and centered's only when they are on.
    const buffers: Record<string, number> = { square_avg: 0 };
    if (momentum > 0) buffers.momentum_buffer = 0;
    if (centered) buffers.grad_avg = 0;
    for (const p of this._paramsWithGrad(g)) {
      const { buf } = this._nextStep(p, buffers);
      const mom = momentum > 0 ? buf.momentum_buffer : null;
      const a = centered ? buf.grad_avg : null;
      this._withRaw(p, (w, grad) => rmspropStep(w, grad, buf.square_avg, a, mom, maximize ? -1 : 1, wd, alpha, eps, lr, momentum));
    }
  }
}

type Arr = Float32Array | Float64Array;

/** One RMSprop update of a parameter's elements (hot loop; flags fixed per call). */
function rmspropStep(
  w: Arr, grad: Arr, s: Arr, a: Arr | null, buf: Arr | null, sign: number, wd: number,
  alpha: number, eps: number, lr: number, momentum: number,
): void {
  const n = w.length;
  const c = 1 - alpha;
  for (let i = 0; i < n; i++) {
    const gi = wd !== 0 ? sign * grad[i] + wd * w[i] : sign * grad[i];
    s[i] = alpha * s[i] + c * gi * gi;
    let avg: number;
    if (a !== null) {
      a[i] = alpha * a[i] + c * gi;
      avg = Math.sqrt(s[i] - a[i] * a[i]) + eps;
    } else avg = Math.sqrt(s[i]) + eps;
    if (buf !== null) {
      buf[i] = momentum * buf[i] + gi / avg;
      w[i] -= lr * buf[i];
    } else w[i] -= (lr * gi) / avg;
  }
}
