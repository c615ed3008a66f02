/**
 * A/B of the Tensor-method arity checks (ops/fixed_arity.ts installTensorArityChecks) in the MLP
 * training step (bench/mlp.ts's model), in one process: rounds alternate between the checked
 * methods and the originals put back on Tensor.prototype, and the medians of CPU and wall time
 * per step are printed with the load before and after.
 *
 *   node --experimental-wasm-relaxed-simd --import tsx bench/tensor_arity_ab.ts [rounds]
 */
import { execSync } from "node:child_process";
import * as nn from "../lib/tensor/nn";
import { SGD } from "../lib/tensor/optim";
import { torch } from "../lib/tensor/index";
import { installedArityChecks } from "../lib/tensor/ops/fixed_arity";

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
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const rounds = Number(process.argv[2] ?? 60), per = 20;
const t: number[][] = [[], []], w: number[][] = [[], []];
console.log(execSync("uptime").toString().trim());
for (let r = 0; r < rounds; r++) for (const v of r % 2 ? [0, 1] : [1, 0]) {
  pick(v === 1);
  const c0 = cpu(), t0 = performance.now();
  for (let i = 0; i < per; i++) step();
  t[v].push((cpu() - c0) / per); w[v].push((performance.now() - t0) / per);
}
const med = (a: number[]) => [...a].sort((p, q) => p - q)[a.length >> 1];
console.log(`unchecked CPU ${med(t[0]).toFixed(3)} wall ${med(w[0]).toFixed(3)} ms; checked CPU ${med(t[1]).toFixed(3)} wall ${med(w[1]).toFixed(3)} ms; per round CPU x${med(t[1].map((v, i) => v / t[0][i])).toFixed(4)} wall x${med(w[1].map((v, i) => v / w[0][i])).toFixed(4)}`);
console.log(execSync("uptime").toString().trim());
pick(true);
