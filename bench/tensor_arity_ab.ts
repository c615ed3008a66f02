/**
 * A/B of the Tensor-method arity checks (ops/fixed_arity.ts installTensorArityChecks) in the MLP
 * training step (bench/mlp.ts's model), in one process: rounds alternate between the checked
 * methods and the originals put back on Tensor.prototype, and the medians of CPU and wall time
 * per step are printed with the load before and after.
 *
 *   node --experimental-wasm-relaxed-simd --import tsx bench/tensor_arity_ab.ts [rounds]
 */
import * as nn from "../lib/tensor/nn";
import { SGD } from "../lib/tensor/optim";
import { torch } from "../lib/tensor/index";
import { installedArityChecks } from "../lib/tensor/ops/fixed_arity";
import { abLine, alternate, uptime } from "./ab";

const pick = (checked: boolean) => {
  for (const c of installedArityChecks) (c.proto as Record<string, unknown>)[c.name] = checked ? c.checked : c.original;
};
torch.manual_seed(0);
const model = new nn.Sequential(new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 10));
const opt = new SGD(model.parameters(), { lr: 0.01 });
const x = torch.rand(64, 784);
const y = torch.randint(0, 10, [64]);
const step = () => {
  opt.zero_grad();
  nn.functional.cross_entropy(model(x), y).backward();
  opt.step();
};
// How many checked calls one step makes (counted once, outside the timing).
let calls = 0;
for (const c of installedArityChecks) {
  const f = c.checked as (...a: unknown[]) => unknown;
  (c.proto as Record<string, unknown>)[c.name] = function (this: unknown, ...a: unknown[]) { calls++; return f.apply(this, a); };
}
step();
console.log(`${installedArityChecks.length} checked methods, ${calls} checked calls per step`);
pick(true);
for (let i = 0; i < 30; i++) step();
console.log(uptime());
console.log(abLine(["unchecked", "checked"], alternate(Number(process.argv[2] ?? 60), 20, pick, step), 3));
console.log(uptime());
pick(true);
