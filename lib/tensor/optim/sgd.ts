/**
 * SGD with momentum, dampening, weight decay and Nesterov, exactly PyTorch 1.13's rule:
 *   d = g (+ weight_decay * p)
 *   buf = d on the first step, then buf = momentum * buf + (1 - dampening) * d
 *   d = d + momentum * buf (nesterov) or d = buf
 *   p = p - lr * d
 */
import { parseArgs, type PyArgs } from "../args";
import { kernels } from "../kernels/registry";
import type { SgdParams } from "../kernels/optim";
import type { Tensor } from "../tensor";
import { ValueError } from "../errors";
import { Optimizer, required, type ParamGroup, type ParamsArg, type ParamsByKeyword, paramsByKeyword } from "./optimizer";
import { implFlagNames, implFlags, type ImplFlags } from "./impl_flags";

export interface SGDOptions extends ImplFlags {
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
    params: ParamsArg<SGDOptions> | ParamsByKeyword<SGDOptions>,
    ...args: PyArgs<[lr?: number, momentum?: number, dampening?: number, weight_decay?: number, nesterov?: boolean], Partial<SGDOptions>>
  ) {
    [params, args] = paramsByKeyword(params, args); // optim.sgd(params=..., lr=...)
    const o = parseArgs<SGDOptions & ImplFlags>("SGD", ["lr", "momentum", "dampening", "weight_decay", "nesterov", "maximize", ...implFlagNames("SGD")], args);
    super(params, {
      lr: o.lr ?? (required as unknown as number),
      momentum: o.momentum ?? 0,
      dampening: o.dampening ?? 0,
      weight_decay: o.weight_decay ?? 0,
      nesterov: o.nesterov ?? false,
      maximize: o.maximize ?? false,
      ...implFlags("SGD", o),
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
      // torch 1.13 stores momentum_buffer after every step: None without momentum (and until a momentum
      // step creates it), the buffer with it. A buffer stays untouched by a step without momentum.
      let buf = momentum !== 0 ? ((state.momentum_buffer as Tensor | null | undefined) ?? null) : null;
      const first = momentum !== 0 && !buf;
      if (momentum !== 0 && !buf) {
        buf = this._zerosLike(p);
        state.momentum_buffer = buf;
      }
      if (!("momentum_buffer" in state)) state.momentum_buffer = null;
      const params: SgdParams = {
        lr,
        sign: maximize ? -1 : 1,
        weight_decay: wd,
        momentum,
        decay: first ? 0 : momentum,
        scale: first ? 1 : 1 - dampening,
        nesterov,
      };
      // One fused pass over the parameter's elements (WebAssembly SIMD for long float32 ones).
      this._withRaw(p, (w, grad) => kernels.optim.sgd(w, grad, buf ? buf._data : null, params));
      // torch 1.13's foreach nesterov step adds momentum * buf into the gradients in place
      // (torch._foreach_add_(grads, bufs, alpha=momentum)) unless weight_decay or maximize made new ones first.
      if (g.foreach === true && nesterov && buf && wd === 0 && !maximize) p.grad.add_(buf, { alpha: momentum });
    }
  }
}
