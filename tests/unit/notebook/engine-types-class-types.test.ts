/**
 * The engine's classes as TYPES in a learner's TypeScript cell (`let d: torch.distributions.Normal`,
 * `let loader: torch.utils.data.DataLoader`, `let s: optim.lr_scheduler.StepLR`, `let m: torchvision.models.ResNet`),
 * type-checked against the declarations the editor loads (scripts/gen-engine-types.mjs, public/vendor/engine-types.json)
 * with the editor's compiler options (engine-types-cells.ts). Every class a cell reaches as a value through the kernel's
 * globals (lib/kernel/worker/engine.ts: torch, nn, F, optim, utils, torchvision, transforms), found by walking them at
 * run time, must name a type at the same path; a misspelt one must be flagged.
 */
import { describe, expect, it } from "vitest";
import { engineGlobals } from "../../../lib/kernel/worker/engine";
import { cellTypeChecker } from "./engine-types-cells";

const cellDiagnostics = cellTypeChecker();

/** Value paths that cannot be types, with the reason. */
const NOT_TYPES: Record<string, string> = {
  "torch.autograd.function": "`function` is a reserved word, so no namespace can have that name (torch.autograd.Function is the same class)",
  "torch.autograd.profiler": "installTorch113Names adds it at run time: torch.autograd's typing has no profiler at all (the value is untyped too)",
};

const isClass = (v: unknown) => typeof v === "function" && /^class\b/.test(Function.prototype.toString.call(v));
/** A module namespace or a plain object: what a cell walks through to reach a class (torch.utils.data, nn.utils.prune). */
function isNamespace(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== "object") return false;
  if ((v as Record<symbol, unknown>)[Symbol.toStringTag] === "Module") return true;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === null || proto === Object.prototype;
}
/** The dotted paths of the classes reachable from the cell globals. */
function runtimeClassPaths(): string[] {
  const out: string[] = [];
  const walk = (ns: Record<string, unknown>, path: string, seen: unknown[]) => {
    for (const key of Object.keys(ns)) {
      const at = `${path}.${key}`;
      if (!/^[A-Za-z_$][\w$]*$/.test(key) || at in NOT_TYPES) continue;
      const v = ns[key];
      if (isClass(v)) out.push(at);
      else if (isNamespace(v) && !seen.includes(v) && seen.length < 6) walk(v, at, [...seen, v]);
    }
  };
  const globals = engineGlobals() as Record<string, unknown>;
  for (const name of ["torch", "nn", "F", "optim", "utils", "torchvision", "transforms"]) walk(globals[name] as Record<string, unknown>, name, [globals[name]]);
  return out;
}

describe("the engine's classes are types in a learner's cell", () => {
  it("the declarations the editor loads have no errors of their own", () => {
    expect(cellDiagnostics("", "globals.d.ts")).toEqual([]);
  });

  it("every class reachable from the cell globals names a type at the same path", () => {
    const paths = runtimeClassPaths();
    // The walk reaches the API (nn's layers, optim, distributions, torchvision.models, ...), or the test proves nothing.
    expect(paths.length).toBeGreaterThan(600);
    for (const p of ["torch.distributions.Normal", "torch.utils.data.DataLoader", "optim.lr_scheduler.StepLR", "nn.utils.rnn.PackedSequence", "torchvision.models.ResNet", "transforms.Compose"]) {
      expect(paths).toContain(p);
    }
    const cell = paths.map((p, i) => `let v${i}: ${p};`).join("\n");
    expect(cellDiagnostics(cell)).toEqual([]);
  });

  it("a translated tutorial's annotations: Dataset subclass, DataLoader, Normal, StepLR, Parameter, ResNet, transforms, Size / LongTensor / device", () => {
    const cell = `
class Digits extends torch.utils.data.Dataset<[Tensor, number]> {
  constructor(private readonly x: Tensor) { super(); }
  __getitem__(i: number): [Tensor, number] { return [this.x[i], i % 10]; }
  __len__(): number { return this.x.shape[0]; }
}
const data: torch.utils.data.Dataset = new Digits(torch.randn(8, 4));
const loader: torch.utils.data.DataLoader = new torch.utils.data.DataLoader(data, { batch_size: 4, shuffle: true });
const loader2: utils.data.DataLoader = loader;
const sampler: torch.utils.data.RandomSampler = new torch.utils.data.RandomSampler(data);
const d: torch.distributions.Normal = new torch.distributions.Normal(torch.zeros(2), torch.ones(2));
const lp: Tensor = d.log_prob(torch.zeros(2));
const model: torchvision.models.ResNet = torchvision.models.resnet18({ num_classes: 10 });
const fc: nn.Linear = model.fc as nn.Linear;
const p: nn.Parameter = fc.weight;
const layer: torch.nn.Linear = new torch.nn.Linear(4, 2);
const opt: torch.optim.SGD = new torch.optim.SGD(model.parameters(), { lr: 0.1 });
const sched: torch.optim.lr_scheduler.StepLR = new torch.optim.lr_scheduler.StepLR(opt, { step_size: 10 });
const sched2: optim.lr_scheduler.StepLR = new optim.lr_scheduler.StepLR(opt, 10);
const packed: nn.utils.rnn.PackedSequence = nn.utils.rnn.pack_sequence([torch.ones(3, 2), torch.ones(2, 2)]);
const tf: transforms.Compose = new transforms.Compose([new transforms.Normalize([0.5], [0.5])]);
const norm: torchvision.transforms.Normalize = new torchvision.transforms.Normalize([0.5], [0.5]);
const shape: torch.Size = torch.zeros(2, 3).shape;
const ids: torch.LongTensor = torch.LongTensor([1, 2]);
const dev: torch.device = torch.device("cpu");
const g: torch.Generator = torch.manual_seed(0);
print(loader2, sampler, lp, p, layer, sched, sched2, packed, tf, norm, shape, ids, dev, g);
`;
    expect(cellDiagnostics(cell)).toEqual([]);
  });

  it("the types are the classes' (not any): a wrong value is flagged, and so is a misspelt class", () => {
    const messages = cellDiagnostics(`
const n: number = new torch.distributions.Normal(0, 1) as torch.distributions.Normal;
const l: nn.Linear = new nn.Conv2d(1, 1, 1);
let a: torch.distributions.Normall;
let b: torchvision.models.ResNett;
let c: torch.utils.data.DataLoder;
let e: optim.lr_scheduler.StepLr;
`);
    expect(messages).toHaveLength(6);
    expect(messages[0]).toContain("'Normal' is not assignable to type 'number'");
    expect(messages[1]).toContain("'Conv2d' is missing the following properties from type 'Linear'");
    expect(messages.slice(2).join("\n")).toMatch(/Normall[\s\S]*ResNett[\s\S]*DataLoder[\s\S]*StepLr/);
  });
});
