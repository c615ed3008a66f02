/** A learner's optimizer class keeps its own defaults' order; a subclass of a built-in one takes the built-in's. */
import { describe, expect, it } from "vitest";
import { nn, optim, torch } from "../../../../lib/tensor/index";

describe("optimizer defaults' layout", () => {
  it("a subclass of optim.Optimizer lists its defaults as given; a subclass of optim.AdamW lists AdamW's", () => {
    const p = [new nn.Parameter(torch.zeros(2))];
    class Custom extends optim.Optimizer<{ weight_decay: number; lr: number }> {
      constructor(params: nn.Parameter[]) {
        super(params, { weight_decay: 0, lr: 1 });
      }
    }
    expect(Object.keys(new Custom(p).defaults)).toEqual(["weight_decay", "lr"]);
    expect(String(new Custom(p))).toContain("    lr: 1\n");
    class MyAdamW extends optim.AdamW {}
    const o = new MyAdamW(p, { lr: 1 });
    expect(Object.keys(o.defaults)).toEqual(["lr", "betas", "eps", "weight_decay", "amsgrad", "foreach", "maximize", "capturable"]);
    expect(String(o)).toContain("    lr: 1.0\n");
  });
});
