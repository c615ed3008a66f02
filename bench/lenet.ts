/**
 * LeNet-5 training step on MNIST-shaped input (28x28, batch 64): conv 1->8 5x5, ReLU, max-pool 2,
 * conv 8->16 5x5, ReLU, max-pool 2, linear 256->10, cross-entropy, backward, SGD update.
 */
import { F, nn, optim, torch, type Tensor } from "../lib/tensor/index";
import { registerBench, timeMs } from "./harness";
import { jaxLenetStep } from "./jax_models";

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

export const LENET_ROW = "LeNet-5 step, 28x28, batch 64 (peer: no conv filter gradient in tfjs-wasm)";

/** Median ms of our LeNet-5 training step. */
export function oursLenetMs(): Promise<number> {
  const { step } = lenetStep();
  return timeMs(step, { warmup: 5, minMs: 1500, minIters: 10 });
}

registerBench({ group: "train", name: LENET_ROW, unit: "ms/step", ours: oursLenetMs, target: { value: 6, higherIsBetter: false } });
registerBench({
  group: "jax",
  name: "LeNet-5 step, 28x28, batch 64",
  unit: "ms/step",
  ours: oursLenetMs,
  // jax-js takes seconds per step here: a few samples are enough.
  peer: async () => timeMs(await jaxLenetStep(LENET_BATCH), { warmup: 1, minMs: 0, minIters: 3 }),
  target: { value: 6, higherIsBetter: false },
});
