/**
 * LeNet-5 training step on MNIST-shaped input (28x28, batch 64): conv 1->8 5x5, ReLU, max-pool 2,
 * conv 8->16 5x5, ReLU, max-pool 2, linear 256->10, cross-entropy, backward, SGD update.
 */
import { F, nn, optim, torch, type Tensor } from "../lib/tensor/index";

export const LENET_BATCH = 64;

export function lenet(): nn.Sequential {
  return new nn.Sequential(
    new nn.Conv2d(1, 8, 5), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(8, 16, 5), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Flatten(), new nn.Linear(256, 10),
  );
}

/** A ready-to-time training step of our engine (fixed random batch). */
export function lenetStep(): { step: () => number; model: nn.Sequential } {
  torch.manual_seed(0);
  const model = lenet();
  const opt = new optim.SGD(model.parameters(), { lr: 0.01 });
  const x: Tensor = torch.randn(LENET_BATCH, 1, 28, 28);
  const y = torch.randint(0, 10, [LENET_BATCH]);
  return {
    model,
    step: () => {
      opt.zero_grad();
      const loss = F.cross_entropy(model(x), y);
      loss.backward();
      opt.step();
      return loss.item();
    },
  };
}
