/**
 * SGD with momentum, dampening, weight decay and Nesterov, exactly PyTorch 1.13's rule:
 *   d = g (+ weight_decay * p)
 *   buf = d on the first step, then buf = momentum * buf + (1 - dampening) * d
 *   d = d + momentum * buf (nesterov) or d = buf
 *   p = p - lr * d
 */
import { parseArgs, type PyArgs } from "../args";
import type { Tensor } from "../tensor";
import { ValueError } from "../errors";
import { Optimizer, required, type ParamGroup, type ParamsArg } from "./optimizer";

export interface SGDOptions {
  lr: number;
  momentum: number;
  dampening: number;
  weight_decay: number;
  nesterov: boolean;
  maximize: boolean;
}


export class SGD extends Optimizer<SGDOptions> {
  /** new optim.SGD(params, { lr: 0.1, momentum: 0.9 }) or new optim.SGD(params, 0.1, 0.9) */
  constructor(
    params: ParamsArg<SGDOptions>,
    ...args: PyArgs<[lr?: number, momentum?: number, dampening?: number, weight_decay?: number, nesterov?: boolean], Partial<SGDOptions>>
  ) {
    const o = parseArgs<SGDOptions>("SGD", ["lr", "momentum", "dampening", "weight_decay", "nesterov", "maximize"], args);
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
      let buf = state.momentum_buffer as Tensor | undefined;
      const first = momentum !== 0 && !buf;
      if (momentum !== 0 && !buf) {
        buf = this._zerosLike(p);
        state.momentum_buffer = buf;
      }
      this._withRaw(p, (w, grad) => {
        if (momentum === 0) plainStep(w, grad, lr, wd, maximize ? -1 : 1);
        else momentumStep(w, grad, buf!._data, lr, wd, maximize ? -1 : 1, momentum, first ? 0 : momentum, first ? 1 : 1 - dampening, nesterov);
      });
    }
  }
}

type Arr = Float32Array | Float64Array;

// The loops below are kept branch-free inside (the flags are decided once per parameter):
// an optimizer step touches every weight, so it is a hot loop of its own.

/** p -= lr * (sign * g + wd * p) */
function plainStep(w: Arr, grad: Arr, lr: number, wd: number, sign: number): void {
  const n = w.length;
  if (wd === 0) {
    const k = lr * sign;
    for (let i = 0; i < n; i++) w[i] -= k * grad[i];
  } else {
    for (let i = 0; i < n; i++) w[i] -= lr * (sign * grad[i] + wd * w[i]);
  }
}

/**
 * buf = decay * buf + scale * d (decay = 0, scale = 1 on the first step: buf = d), then
 * p -= lr * (d + momentum * buf) with nesterov, else p -= lr * buf.
 */
function momentumStep(w: Arr, grad: Arr, b: Arr, lr: number, wd: number, sign: number, momentum: number, decay: number, scale: number, nesterov: boolean): void {
  const n = w.length;
  if (nesterov) {
    for (let i = 0; i < n; i++) {
      const d = sign * grad[i] + wd * w[i];
      const bi = (b[i] = decay * b[i] + scale * d);
      w[i] -= lr * (d + momentum * bi);
    }
  } else if (wd === 0) {
    for (let i = 0; i < n; i++) {
      const bi = (b[i] = decay * b[i] + scale * sign * grad[i]);
      w[i] -= lr * bi;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const bi = (b[i] = decay * b[i] + scale * (sign * grad[i] + wd * w[i]));
      w[i] -= lr * bi;
    }
  }
}
