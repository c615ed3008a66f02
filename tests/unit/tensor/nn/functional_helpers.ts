/** Runs the PyTorch 1.13 cases of scripts/fixtures/nn_functional_extra_fixtures.py against F (the nn/functional_*.test.ts suites). */
import { expect } from "vitest";
import { F, torch, type Tensor } from "../../../../lib/tensor/index";
import { expectClose, tensorOf, type FT } from "./helpers";

export interface A3Input extends FT {
  long: boolean;
}
export interface A3Case {
  fn: string;
  inputs: A3Input[];
  args: unknown[];
  kwargs: Record<string, unknown>;
  output: FT;
  weight: FT;
  grads: (FT | null)[];
}

const fns = F as unknown as Record<string, (...a: unknown[]) => Tensor>;

export function caseName(c: A3Case): string {
  return `${c.fn}(${c.inputs.map((t) => `[${t.shape.join(",")}]`).join(", ")}${c.args.length ? `, ${c.args.map((a) => JSON.stringify(a)).join(", ")}` : ""}${Object.keys(c.kwargs).length ? `, ${JSON.stringify(c.kwargs)}` : ""})`;
}

export function leavesOf(c: A3Case, requires_grad = true): Tensor[] {
  return c.inputs.map((t, i) => (t.long ? tensorOf(t, torch.long) : tensorOf(t, torch.float64, requires_grad && !!c.grads[i])));
}

/** F.<fn> on float64 copies of the inputs: the output and the gradients of sum(output * weight). */
export function checkCase(c: A3Case, tol = { rtol: 1e-10, atol: 1e-12 }, gradRtol?: number): void {
  const leaves = leavesOf(c);
  const args = Object.keys(c.kwargs).length ? [...c.args, c.kwargs] : c.args;
  const y = fns[c.fn](...leaves, ...args);
  expectClose(y, c.output, { ...tol, label: "value" });
  if (!c.grads.some((g) => g)) return;
  y.mul(tensorOf(c.weight)).sum().backward();
  c.grads.forEach((g, i) => {
    if (g) {
      expect(leaves[i].grad, `grad ${i}`).toBeTruthy();
      expectClose(leaves[i].grad!, g, { rtol: gradRtol ?? tol.rtol * 10, atol: tol.atol * 10, label: `grad ${i}` });
    }
  });
}
