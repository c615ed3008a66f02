/** MLP 784-128-10, batch 64, one SGD (or Adam) step (forward, cross-entropy, backward, update). */
import * as nn from "../lib/tensor/nn";
import { Adam, SGD } from "../lib/tensor/optim";
import { torch } from "../lib/tensor/index";
import { registerBench, timeMs } from "./harness";
import { tfjs } from "./peer_tfjs";
import { jaxMlpStep } from "./jax_models";

const BATCH = 64;

export async function oursStep(optimizer: "sgd" | "adam" = "sgd"): Promise<number> {
  torch.manual_seed(0);
  const model = new nn.Sequential(new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 10));
  const opt = optimizer === "adam" ? new Adam(model.parameters(), { lr: 1e-3 }) : new SGD(model.parameters(), { lr: 0.01 });
  const x = torch.rand(BATCH, 784);
  const y = torch.randint(0, 10, [BATCH]);
  return timeMs(() => {
    opt.zero_grad();
    const loss = nn.functional.cross_entropy(model(x), y);
    loss.backward();
    opt.step();
  }, { warmup: 20, minMs: 1000 });
}

async function peerStep(optimizer: "sgd" | "adam" = "sgd"): Promise<number> {
  const tf = await tfjs();
  const w1 = tf.variable(tf.randomNormal([784, 128], 0, 0.05));
  const b1 = tf.variable(tf.zeros([128]));
  const w2 = tf.variable(tf.randomNormal([128, 10], 0, 0.05));
  const b2 = tf.variable(tf.zeros([10]));
  const x = tf.randomUniform([BATCH, 784]);
  const labels = tf.oneHot(tf.randomUniform([BATCH], 0, 10, "int32"), 10);
  const opt = optimizer === "adam" ? tf.train.adam(1e-3) : tf.train.sgd(0.01);
  const ms = await timeMs(() => {
    const cost = opt.minimize(() => {
      const h = tf.relu(tf.add(tf.matMul(x, w1), b1));
      const logits = tf.add(tf.matMul(h, w2), b2);
      return tf.losses.softmaxCrossEntropy(labels, logits);
    }, true);
    cost?.dataSync();
    cost?.dispose();
  }, { warmup: 20, minMs: 1000 });
  [w1, b1, w2, b2, x, labels].forEach((t) => t.dispose());
  return ms;
}

export const MLP_ROW = "MLP 784-128-10 step, batch 64";
registerBench({ group: "train", name: MLP_ROW, unit: "ms/step", ours: () => oursStep(), peer: () => peerStep(), target: { value: 1.2, higherIsBetter: false } });
registerBench({ group: "train", name: `${MLP_ROW}, Adam`, unit: "ms/step", ours: () => oursStep("adam"), peer: () => peerStep("adam") });
registerBench({
  group: "jax",
  name: MLP_ROW,
  unit: "ms/step",
  ours: () => oursStep(),
  peer: async () => timeMs(await jaxMlpStep(BATCH), { warmup: 5, minMs: 1000 }),
  target: { value: 1.2, higherIsBetter: false },
});
