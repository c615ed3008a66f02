/**
 * Issue 12 asks for "a CNN reaching at least 98 % on MNIST test digits within a minute of training
 * in Node". This is the recipe the convolutional-networks lesson ends with: LeNet-style with
 * BatchNorm2d and 64 hidden units, Adam under a one-cycle learning-rate schedule, every batch
 * moved by random shifts of up to 2 pixels, 400 steps of 64. Its settings were chosen on a
 * validation split of the compact set's training digits (lessons/convolutional-networks.mdx).
 *
 * Trained on the official 60,000 MNIST training digits (load_mnist({ full: true })) and scored on
 * the official 10,000 test digits, it reaches 98.4 % (Node, seed 0) in about a minute of
 * processor time on one thread of our loaded machine (printed below with the wall time).
 *
 * One test on purpose: it is the slowest of the unit suite (several minutes of wall time on a loaded machine).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { F, nn, optim, torch, utils, type Tensor } from "../../../lib/tensor/index";
import { useNodeDatasetSource } from "./data/node_source";

const STEPS = 400;
const BATCH = 64;
const MAX_LR = 5e-3;
const MAX_SHIFT = 2;
/** A batch is cut into this many groups, each moved by its own random shift. */
const SHIFT_GROUPS = 4;

function lenetBN(): nn.Sequential {
  return new nn.Sequential(
    new nn.Conv2d(1, 8, 5, { padding: 2 }), new nn.BatchNorm2d(8), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(8, 16, 5), new nn.BatchNorm2d(16), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Flatten(), new nn.Linear(16 * 5 * 5, 64), new nn.ReLU(), new nn.Linear(64, 10),
  );
}

/** Moves each group of images by its own (dy, dx); MNIST's border is background, so wrapping is harmless. */
function randomShifts(x: Tensor): Tensor {
  const n = x.shape[0];
  const size = Math.ceil(n / SHIFT_GROUPS);
  const parts: Tensor[] = [];
  for (let i = 0; i < n; i += size) {
    const [dy, dx] = torch.randint(-MAX_SHIFT, MAX_SHIFT + 1, [2]).tolist() as number[];
    parts.push(x.index(`${i}:${i + size}`).roll([dy, dx], [2, 3]));
  }
  return torch.cat(parts);
}

function accuracy(model: nn.Module, X: Tensor, y: Tensor, chunk = 500): number {
  model.eval();
  let correct = 0;
  torch.no_grad(() => {
    for (let i = 0; i < X.shape[0]; i += chunk) {
      correct += (model(X.index(`${i}:${i + chunk}`)) as Tensor).argmax(1).eq(y.index(`${i}:${i + chunk}`)).sum().item();
    }
  });
  return correct / X.shape[0];
}

describe("a CNN on MNIST", () => {
  beforeAll(() => useNodeDatasetSource());

  it("reaches at least 98% on the official MNIST test set after 400 steps", async () => {
    const train = await utils.data.load_mnist({ full: true, train: true, flatten: false, standardize: true });
    const test = await utils.data.load_mnist({ full: true, train: false, flatten: false, standardize: true });
    expect([train.X.shape[0], test.X.shape[0]]).toEqual([60000, 10000]);
    torch.manual_seed(0);
    const model = lenetBN();
    const opt = new optim.Adam(model.parameters(), { lr: MAX_LR });
    const schedule = new optim.lr_scheduler.OneCycleLR(opt, MAX_LR, STEPS);
    const wall = performance.now();
    const cpu = process.cpuUsage();
    let loss = Infinity;
    for (let step = 0; step < STEPS; step++) {
      const idx = torch.randint(0, train.X.shape[0], [BATCH]);
      opt.zero_grad();
      const out = F.cross_entropy(model(randomShifts(train.X.index(idx))) as Tensor, train.y.index(idx));
      out.backward();
      opt.step();
      schedule.step();
      loss = out.item();
    }
    const used = process.cpuUsage(cpu);
    const acc = accuracy(model, test.X, test.y);
    console.log(
      `MNIST CNN (official split): ${STEPS} steps of ${BATCH} in ${((performance.now() - wall) / 1000).toFixed(1)} s wall, ` +
        `${((used.user + used.system) / 1e6).toFixed(1)} s CPU; last loss ${loss.toFixed(3)}, test accuracy ${(acc * 100).toFixed(2)}%`,
    );
    expect(acc).toBeGreaterThanOrEqual(0.98);
    // About 80 s of processor time in all (training, then 10,000 test digits through the network):
    // more than the suite's 120 s of wall time when the machine is shared.
  }, 900_000);
});
