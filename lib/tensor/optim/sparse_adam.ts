/**
 * SparseAdam, PyTorch 1.13's lazy Adam for sparse gradients (nn.Embedding / nn.EmbeddingBag with sparse=True,
 * whose gradients the engine keeps dense but marked with their rows: autograd/sparse_grad.ts). Only those rows
 * and their moments are updated; the step count and bias corrections are the parameter's, as torch's. A dense
 * gradient is refused at step(), as PyTorch 1.13 does: "SparseAdam does not support dense gradients, please
 * consider Adam instead". The constructor checks its settings exactly as PyTorch's (lr and eps must be
 * strictly positive).
 */
import { parseArgs, type PyArgs } from "../args";
import { isSparseGrad, sparseGradRows } from "../autograd/sparse_grad";
import { RuntimeError, ValueError } from "../errors";
import { Optimizer, type ParamGroup, type ParamsArg, type ParamsByKeyword, paramsByKeyword } from "./optimizer";

export interface SparseAdamOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  maximize: boolean;
}

export class SparseAdam extends Optimizer<SparseAdamOptions> {
  /** new optim.SparseAdam(params, lr=1e-3, betas=[0.9, 0.999], eps=1e-8, { maximize: false }) */
  constructor(
    params: ParamsArg<SparseAdamOptions> | ParamsByKeyword<SparseAdamOptions>,
    ...args: PyArgs<[lr?: number, betas?: [number, number], eps?: number, maximize?: boolean], Partial<SparseAdamOptions>>
  ) {
    [params, args] = paramsByKeyword(params, args); // optim.sparse_adam(params=..., lr=...)
    const o = parseArgs<SparseAdamOptions>("SparseAdam", ["lr", "betas", "eps", "maximize"], args);
    super(params, {
      lr: o.lr ?? 1e-3,
      betas: o.betas ? ([...o.betas] as [number, number]) : [0.9, 0.999],
      eps: o.eps ?? 1e-8,
      maximize: o.maximize ?? false,
    });
  }

  protected override _validate(g: ParamGroup<SparseAdamOptions>): void {
    if (!(g.lr > 0)) throw new ValueError(`Invalid learning rate: ${g.lr}`);
    if (!(g.eps > 0)) throw new ValueError(`Invalid epsilon value: ${g.eps}`);
    g.betas.forEach((b, i) => {
      if (!(b >= 0 && b < 1)) throw new ValueError(`Invalid beta parameter at index ${i}: ${b}`);
    });
  }

  protected override _update_group(g: ParamGroup<SparseAdamOptions>): void {
    // torch 1.13 refuses a dense gradient at step(), before updating anything of the group.
    for (const p of g.params) {
      if (p.grad && !isSparseGrad(p.grad)) throw new RuntimeError("SparseAdam does not support dense gradients, please consider Adam instead");
    }
    const { lr, eps, maximize } = g;
    const [beta1, beta2] = g.betas;
    for (const p of g.params) {
      if (!p.grad) continue;
      const rows = sparseGradRows(p.grad)!;
      const { step, buf } = this._nextStep(p, { exp_avg: 0, exp_avg_sq: 0 });
      const m = buf.exp_avg;
      const v = buf.exp_avg_sq;
      const bias_correction1 = 1 - beta1 ** step;
      const bias_correction2 = 1 - beta2 ** step;
      const step_size = (lr * Math.sqrt(bias_correction2)) / bias_correction1;
      const width = p.shape.length ? p.numel() / p.shape[0] : 1;
      const sign = maximize ? -1 : 1;
      // The lazy update: only the rows the gradient holds move, their moments too (the others keep theirs).
      this._withRaw(p, (w, grad) => {
        for (const row of rows) {
          for (let i = row * width; i < (row + 1) * width; i++) {
            const gi = sign * grad[i];
            m[i] = m[i] + (gi - m[i]) * (1 - beta1);
            v[i] = v[i] + (gi * gi - v[i]) * (1 - beta2);
            w[i] -= step_size * (m[i] / (Math.sqrt(v[i]) + eps));
          }
        }
      });
    }
  }
}
