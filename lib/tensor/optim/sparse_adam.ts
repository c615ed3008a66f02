/**
 * SparseAdam, PyTorch 1.13's lazy Adam for sparse gradients (nn.Embedding(sparse=True)). The
 * engine has no sparse tensors, so every gradient is dense, and PyTorch 1.13 itself refuses a
 * dense gradient at step(): "SparseAdam does not support dense gradients, please consider Adam
 * instead". The constructor checks its settings exactly as PyTorch's (lr and eps must be
 * strictly positive), so a tutorial that builds one gets the same answers until its first step.
 */
import { parseArgs, type PyArgs } from "../args";
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
    // Every gradient here is dense (no sparse layout), which PyTorch 1.13 refuses.
    for (const p of g.params) {
      if (p.grad) throw new RuntimeError("SparseAdam does not support dense gradients, please consider Adam instead");
    }
  }
}
