/**
 * A/B of nn.Module's attribute guard (lib/tensor/nn/module_setattr.ts: every module a Proxy with set /
 * deleteProperty traps) in one process: the same models built with the guard off (plain function objects,
 * the old code) and on, timed in alternating rounds. Two workloads: bench/mlp.ts's training step
 * (784-128-10, batch 64), and a forward of small layers (three Linear(8, 8) with ReLUs on one row, no grad),
 * where the per-call JavaScript (property reads through the Proxy) weighs most.
 *
 *   node --experimental-wasm-relaxed-simd --import tsx bench/module_setattr_ab.ts [rounds]
 */
import * as nn from "../lib/tensor/nn";
import { attributeGuardSwitch } from "../lib/tensor/nn/module_setattr";
import { SGD } from "../lib/tensor/optim";
import { torch } from "../lib/tensor/index";
import { abLine, alternate, uptime } from "./ab";

const rounds = Number(process.argv[2] ?? 20);

function build<T>(guarded: boolean, make: () => T): T {
  attributeGuardSwitch.on = guarded;
  try {
    torch.manual_seed(0);
    return make();
  } finally {
    attributeGuardSwitch.on = true;
  }
}

const mlp = () => {
  const model = new nn.Sequential(new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 10));
  const opt = new SGD(model.parameters(), { lr: 0.01 });
  return { model, opt };
};
const small = () => new nn.Sequential(new nn.Linear(8, 8), new nn.ReLU(), new nn.Linear(8, 8), new nn.ReLU(), new nn.Linear(8, 8));

const mlps = [build(false, mlp), build(true, mlp)];
const smalls = [build(false, small), build(true, small)];
const x = torch.rand(64, 784);
const y = torch.randint(0, 10, [64]);
const row = torch.rand(1, 8);
let pick = 0;
const switchTo = (on: boolean) => {
  pick = on ? 1 : 0;
};

console.log(uptime());
const step = () => {
  const { model, opt } = mlps[pick];
  opt.zero_grad();
  nn.functional.cross_entropy(model(x), y).backward();
  opt.step();
};
for (let i = 0; i < 10; i++) for (pick = 0; pick < 2; pick++) step();
console.log(`MLP step: ${abLine(["plain", "guarded"], alternate(rounds, 10, switchTo, step))}`);
const forward = () => torch.no_grad(() => smalls[pick](row));
for (let i = 0; i < 2000; i++) for (pick = 0; pick < 2; pick++) forward();
console.log(`small forward: ${abLine(["plain", "guarded"], alternate(rounds, 2000, switchTo, forward), 4)}`);
console.log(uptime());
