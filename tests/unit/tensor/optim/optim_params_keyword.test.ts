/**
 * Optimizers with params by keyword, as tutorials write torch.optim.SGD(params=model.parameters(), lr=0.1,
 * momentum=0.9): new torch.optim.SGD({ params: model.parameters(), lr: 0.1, momentum: 0.9 }) raised "params is not
 * iterable" (every optimizer now moves params from the options object, optim/optimizer.ts paramsByKeyword). A seeded
 * nn.Linear(3, 1) after 3 steps vs torch 1.13 (tests/fixtures/torch/optim_params_keyword.json,
 * scripts/fixtures/optim_params_keyword_fixtures.py), and every optimizer class built that way.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { nn, torch, type Tensor } from "../../../../lib/tensor/index";

type T = { shape: number[]; data: number[] };
const ref = JSON.parse(readFileSync(new URL("../../../fixtures/torch/optim_params_keyword.json", import.meta.url), "utf8")) as Record<string, { weight: T; bias: T }>;
type AnyOptimizerClass = new (options: Record<string, unknown>) => { step(): void; zero_grad(): void; param_groups: Record<string, unknown>[] };

function run(make: (params: Tensor[]) => { step(): void; zero_grad(): void }): nn.Linear {
  const state = torch.get_rng_state();
  try {
    torch.manual_seed(0);
    const model = new nn.Linear(3, 1);
    const x = torch.randn(8, 3);
    const y = torch.randn(8, 1);
    const opt = make(model.parameters());
    for (let i = 0; i < 3; i++) {
      opt.zero_grad();
      model(x).sub(y).pow(2).mean().backward();
      opt.step();
    }
    return model;
  } finally {
    torch.set_rng_state(state);
  }
}

describe("optimizers with params by keyword", () => {
  const O = torch.optim as unknown as Record<string, AnyOptimizerClass>;
  const cases: [string, (ps: Tensor[]) => { step(): void; zero_grad(): void }][] = [
    ["SGD", (ps) => new O.SGD({ params: ps, lr: 0.1, momentum: 0.9 })],
    ["Adam", (ps) => new O.Adam({ params: ps, lr: 0.01 })],
  ];
  for (const [name, make] of cases) {
    it(`${name}(params=..., ...) trains as torch's`, () => {
      const model = run(make);
      (model.weight.tolist() as number[][]).flat().forEach((v, i) => expect(Math.abs(v - ref[name].weight.data[i])).toBeLessThan(1e-6));
      expect(Math.abs(Number(model.bias!.item()) - ref[name].bias.data[0])).toBeLessThan(1e-6);
    });
  }

  it("every optimizer takes params by keyword, the same as positionally", () => {
    for (const name of ["SGD", "Adam", "AdamW", "Adadelta", "Adagrad", "Adamax", "ASGD", "NAdam", "RAdam", "RMSprop", "Rprop", "LBFGS"]) {
      const p = new nn.Parameter(torch.ones(2));
      const opt = new O[name]({ params: [p], lr: 0.5 });
      expect(opt.param_groups[0].lr, name).toBe(0.5);
      expect(opt.param_groups[0].params, name).toEqual([p]);
    }
  });
});
