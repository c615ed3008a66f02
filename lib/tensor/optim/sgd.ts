/**
 * SGD with momentum, dampening, weight decay and Nesterov, exactly PyTorch 1.13's rule:
 *   d = g (+ weight_decay * p)
 *   buf = d on the first step, then buf = momentum * buf + (1 - dampening) * d
 *   d = d + momentum * buf (nesterov) or d = buf
 *   p = p - lr * d
 */
import type { Tensor } from "../tensor";
import { ValueError } from "../errors";
import { Optimizer, optimizerOptions, required, type ParamGroup, type ParamsArg } from "./optimizer";

export interface SGDOptions {
  lr: number;
  momentum: number;
  dampening: number;
  weight_decay: number;
  nesterov: boolean;
  maximize: boolean;
}

const NAMES = ["lr", "momentum", "dampening", "weight_decay", "nesterov", "maximize"] as const;

export class SGD extends Optimizer<SGDOptions> {
  /** new optim.SGD(params, { lr: 0.1, momentum: 0.9 }) or new optim.SGD(params, 0.1, 0.9) */
  constructor(params: ParamsArg<SGDOptions>, ...args: unknown[]) {
    const o = optimizerOptions<SGDOptions>("SGD", [...NAMES], args);
    super(params, {
      lr: o.lr ?? (required as unknown as number),
      momentum: o.momentum ?? 0,
      dampening: o.dampening ?? 0,
      weight_decay: o.weight_decay ?? 0,
      nesterov: o.nesterov ?? false,
      maximize: o.maximize ?? false,
    });
  }

  protected override _validate(g: ParamGroup<SGDOptions>): void {
    if (!(g.lr >= 0)) throw new ValueError(`Invalid learning rate: ${g.lr}`);
    if (!(g.momentum >= 0)) throw new ValueError(`Invalid momentum value: ${g.momentum}`);
    if (!(g.weight_decay >= 0)) throw new ValueError(`Invalid weight_decay value: ${g.weight_decay}`);
    if (g.nesterov && (g.momentum <= 0 || g.dampening !== 0)) {
      throw new ValueError("Nesterov momentum requires a momentum and zero dampening");
    }
  }

  protected override _update_group(g: ParamGroup<SGDOptions>): void {
    const { lr, momentum, dampening, weight_decay: wd, nesterov, maximize } = g;
    for (const p of g.params) {
      if (!p.grad) continue;
      const state = this._state(p);
      let buf: Tensor | undefined;
      let first = false;
      if (momentum !== 0) {
        buf = state.momentum_buffer as Tensor | undefined;
        if (!buf) {
          buf = this._zerosLike(p);
          state.momentum_buffer = buf;
          first = true;
        }
      }
      this._withRaw(p, (w, grad) => {
        const b = buf ? buf._data : null;
        for (let i = 0; i < w.length; i++) {
          let d = maximize ? -grad[i] : grad[i];
          if (wd !== 0) d += wd * w[i];
          if (b) {
            b[i] = first ? d : momentum * b[i] + (1 - dampening) * d;
            d = nesterov ? d + momentum * b[i] : b[i];
          }
          w[i] -= lr * d;
        }
      });
    }
  }
}
