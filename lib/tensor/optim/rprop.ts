/**
 * Rprop, exactly PyTorch 1.13's rule (elementwise, `prev` the last gradient used):
 *   s = sign(g * prev): step_size *= etaplus (s > 0), etaminus (s < 0), 1 (s = 0), clamped to step_sizes
 *   where s < 0 the gradient counts as 0 (no move, and prev = 0);  p = p - sign(g) * step_size;  prev = g
 */
import { parseArgs, type PyArgs } from "../args";
import { ValueError } from "../errors";
import { Optimizer, type ParamGroup, type ParamsArg, type ParamsByKeyword, paramsByKeyword } from "./optimizer";
import { implFlagNames, implFlags, type ImplFlags } from "./impl_flags";

export interface RpropOptions extends ImplFlags {
  lr: number;
  etas: [number, number];
  step_sizes: [number, number];
  maximize: boolean;
}

export class Rprop extends Optimizer<RpropOptions> {
  /** new optim.Rprop(params, { lr: 1e-2, etas: [0.5, 1.2], step_sizes: [1e-6, 50] }) */
  constructor(params: ParamsArg<RpropOptions> | ParamsByKeyword<RpropOptions>, ...args: PyArgs<[lr?: number, etas?: [number, number], step_sizes?: [number, number]], Partial<RpropOptions>>) {
    [params, args] = paramsByKeyword(params, args); // optim.rprop(params=..., lr=...)
    const o = parseArgs<RpropOptions & ImplFlags>("Rprop", ["lr", "etas", "step_sizes", "maximize", ...implFlagNames("Rprop")], args);
    super(params, {
      lr: o.lr ?? 1e-2,
      etas: o.etas ? [o.etas[0], o.etas[1]] : [0.5, 1.2],
      step_sizes: o.step_sizes ? [o.step_sizes[0], o.step_sizes[1]] : [1e-6, 50],
      maximize: o.maximize ?? false,
      ...implFlags("Rprop", o),
    });
  }

  protected override _validate(g: ParamGroup<RpropOptions>): void {
    if (!(g.lr >= 0)) throw new ValueError(`Invalid learning rate: ${g.lr}`);
    const [em, ep] = g.etas;
    if (!(em > 0 && em < 1 && ep > 1)) throw new ValueError(`Invalid eta values: ${em}, ${ep}`);
  }

  protected override _update_group(g: ParamGroup<RpropOptions>): void {
    const [etaminus, etaplus] = g.etas;
    const [smin, smax] = g.step_sizes;
    const sign = g.maximize ? -1 : 1;
    for (const p of this._paramsWithGrad(g)) {
      // Every element's step size starts at lr.
      const { buf } = this._nextStep(p, { prev: 0, step_size: g.lr });
      const prev = buf.prev;
      const size = buf.step_size;
      this._withRaw(p, (w, grad) => {
        for (let i = 0; i < w.length; i++) {
          let gi = sign * grad[i];
          const s = Math.sign(gi * prev[i]);
          const factor = s > 0 ? etaplus : s < 0 ? etaminus : 1;
          size[i] = Math.min(Math.max(size[i] * factor, smin), smax);
          // PyTorch zeroes the gradient where the factor came out as etaminus.
          if (factor === etaminus) gi = 0;
          w[i] -= Math.sign(gi) * size[i];
          prev[i] = gi;
        }
      });
    }
  }
}
