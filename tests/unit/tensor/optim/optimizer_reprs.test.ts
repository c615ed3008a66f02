/**
 * print(optimizer) and the key order of state_dict()["param_groups"] against torch 1.13 for every optimizer
 * (scripts/fixtures/optimizer_reprs_fixtures.py): settings sorted by name in the repr, float defaults printed as
 * floats (Adadelta's lr: 1.0, ASGD's t0: 1000000.0; LBFGS's lr: 1 is an int), the groups' keys in torch's order.
 */
import { describe, expect, it } from "vitest";
import { nn, optim, torch } from "../../../../lib/tensor/index";
import { fixture } from "../nn/helpers";

type Built = { state_dict(): { param_groups: Record<string, unknown>[] } };
const O = optim as unknown as Record<string, new (...args: unknown[]) => Built>;
const fx = fixture<Record<string, { repr: string; group_keys: string[][] }>>("optim/optimizer_reprs.json");

function cases(): Record<string, () => Built> {
  const p = [new nn.Parameter(torch.zeros(2))];
  return {
    SGD: () => new O.SGD(p, { lr: 0.1 }), SGD_m: () => new O.SGD(p, { lr: 0.1, momentum: 0.9, nesterov: true, weight_decay: 1e-4 }),
    Adam: () => new O.Adam(p), Adam_ams: () => new O.Adam(p, { lr: 1e-3, betas: [0.9, 0.98], eps: 1e-9, amsgrad: true }),
    AdamW: () => new O.AdamW(p, { lr: 3e-4 }), RMSprop: () => new O.RMSprop(p, { lr: 0.01, alpha: 0.9 }), Adagrad: () => new O.Adagrad(p),
    Adadelta: () => new O.Adadelta(p), Adamax: () => new O.Adamax(p), NAdam: () => new O.NAdam(p), RAdam: () => new O.RAdam(p),
    ASGD: () => new O.ASGD(p), Rprop: () => new O.Rprop(p), LBFGS: () => new O.LBFGS(p), SparseAdam: () => new O.SparseAdam(p),
    SGD_groups: () => new O.SGD([{ params: p, lr: 0.5 }, { params: [new nn.Parameter(torch.zeros(1))] }], { lr: 0.1 }),
  };
}

describe("optimizer reprs and param_group keys", () => {
  const built = cases();
  it("cover the fixture's cases", () => expect(Object.keys(built).sort()).toEqual(Object.keys(fx).sort()));
  for (const [name, build] of Object.entries(built)) {
    it(name, () => {
      const o = build();
      expect(String(o)).toBe(fx[name].repr);
      expect(o.state_dict().param_groups.map((g) => Object.keys(g))).toEqual(fx[name].group_keys);
    });
  }
});
