/** The option checks Adam's relatives share, with PyTorch 1.13's messages. */
import { ValueError } from "../errors";

export function validateAdamLike(g: { lr: number; eps: number; betas: [number, number]; weight_decay: number }): void {
  if (!(g.lr >= 0)) throw new ValueError(`Invalid learning rate: ${g.lr}`);
  if (!(g.eps >= 0)) throw new ValueError(`Invalid epsilon value: ${g.eps}`);
  g.betas.forEach((b, i) => {
    if (!(b >= 0 && b < 1)) throw new ValueError(`Invalid beta parameter at index ${i}: ${b}`);
  });
  if (!(g.weight_decay >= 0)) throw new ValueError(`Invalid weight_decay value: ${g.weight_decay}`);
}
